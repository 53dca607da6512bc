/*
 * dubanctl: the command-line client.
 */
#include "dubanctl.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "config.h"
#include "errors.h"

#define DEFAULT_CONFIG SYSCONFDIR "/duban/duban.conf"

static const struct ctl_cmd_entry *const ctl_commands[] = {
	&ctl_cmd_calc_entry,
	&ctl_cmd_check_config_entry,
};
#define NCOMMANDS (sizeof ctl_commands / sizeof ctl_commands[0])

int
ctl_config(struct ctl *ctl)
{
	struct errors errs;

	if (ctl->config != NULL)
		return 0;
	errors_init(&errs);
	ctl->config = config_load(ctl->config_path, &errs);
	if (ctl->config == NULL) {
		errors_print(&errs, stderr);
		fprintf(stderr, "dubanctl: %s: %zu error%s\n",
		    ctl->config_path, errs.n, errs.n == 1 ? "" : "s");
		errors_free(&errs);
		return EX_CONFIG;
	}
	errors_free(&errs);
	return 0;
}

int
ctl_usage(const struct ctl_cmd_entry *cmd)
{
	fprintf(stderr, "usage: dubanctl [-c CONF] %s\n", cmd->usage);
	return EX_USAGE;
}

static int
usage(void)
{
	fprintf(stderr, "usage: dubanctl [-c CONF] [--fake-now INSTANT] "
	    "COMMAND [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(stderr, "  %-14s %s\n", ctl_commands[i]->name,
		    ctl_commands[i]->summary);
	return EX_USAGE;
}

static const struct ctl_cmd_entry *
find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(ctl_commands[i]->name, name) == 0)
			return ctl_commands[i];
	return NULL;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "fake-now", required_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctl ctl = { .config_path = DEFAULT_CONFIG };
	const struct ctl_cmd_entry *cmd;
	char err[256];
	int ch, rc;

	clock_init(&ctl.clock);
	while ((ch = getopt_long(argc, argv, "+c:hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			ctl.config_path = optarg;
			break;
		case 'N':
			if (clock_set_fake(&ctl.clock, optarg, err,
			    sizeof err) == -1) {
				fprintf(stderr, "dubanctl: --fake-now: %s\n",
				    err);
				return EX_USAGE;
			}
			break;
		case 'V':
			printf("dubanctl %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			usage();
			return 0;
		default:
			return usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		return usage();
	if ((cmd = find_command(argv[0])) == NULL) {
		fprintf(stderr, "dubanctl: unknown command \"%s\"\n", argv[0]);
		return usage();
	}
	rc = cmd->exec(&ctl, argc, argv);
	config_free(ctl.config);
	return rc;
}
