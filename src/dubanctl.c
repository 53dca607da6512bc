/*
 * dubanctl: the command-line client.
 *
 * Commands that talk to duband (task, case, reminder, ack, import, report)
 * use its unix socket: -s SOCKET, else the config's `socket` (ctl_http.c).
 * Text is measured for display under LC_CTYPE C.UTF-8, whatever the
 * user's locale, because every string duband sends is UTF-8.
 */
#include "dubanctl.h"

#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <curl/curl.h>

#include "config.h"
#include "errors.h"

#define DEFAULT_CONFIG SYSCONFDIR "/duban/duban.conf"

static const struct ctl_cmd_entry *const ctl_commands[] = {
	&ctl_cmd_ack_entry,
	&ctl_cmd_calc_entry,
	&ctl_cmd_case_entry,
	&ctl_cmd_check_config_entry,
	&ctl_cmd_import_entry,
	&ctl_cmd_reminder_entry,
	&ctl_cmd_report_entry,
	&ctl_cmd_task_entry,
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
	fprintf(stderr, "usage: dubanctl [-c CONF] [-s SOCKET] %s\n",
	    cmd->usage);
	return EX_USAGE;
}

int
ctl_parse_opts(int argc, char **argv, const struct ctl_opt *opts,
    char **pos, int maxpos)
{
	struct option lo[CTL_MAXOPTS + 1];
	size_t n = 0;
	int ch, npos = 0;

	for (; opts[n].name != NULL; n++) {
		if (n == CTL_MAXOPTS)
			return -1;
		lo[n] = (struct option){ opts[n].name,
		    opts[n].value != NULL ? required_argument : no_argument,
		    NULL, 256 + (int)n };
	}
	lo[n] = (struct option){ NULL, 0, NULL, 0 };
	/* Options may follow operands ("task done KEY --at DATE"). */
	opterr = 0;
	optind = 0;
	while ((ch = getopt_long(argc, argv, ":", lo, NULL)) != -1) {
		if (ch < 256)
			return -1;	/* unknown option or missing value */
		if (opts[ch - 256].value != NULL)
			*opts[ch - 256].value = optarg;
		else
			*opts[ch - 256].flag = true;
	}
	for (int i = optind; i < argc; i++) {
		if (npos == maxpos)
			return -1;
		pos[npos++] = argv[i];
	}
	return npos;
}

bool
ctl_one_of(const char *s, const char *const *words)
{
	for (; *words != NULL; words++)
		if (strcmp(s, *words) == 0)
			return true;
	return false;
}

static int
usage(void)
{
	fprintf(stderr, "usage: dubanctl [-c CONF] [-s SOCKET] "
	    "[--fake-now INSTANT] COMMAND [ARGS]\n\ncommands:\n");
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
		{ "socket", required_argument, NULL, 's' },
		{ "fake-now", required_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctl ctl = { .config_path = DEFAULT_CONFIG };
	const struct ctl_cmd_entry *cmd;
	char err[256];
	int ch, rc;

	/* Display widths of UTF-8 text (ctl_table.c), whatever LANG says. */
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		setlocale(LC_CTYPE, "");
	clock_init(&ctl.clock);
	while ((ch = getopt_long(argc, argv, "+c:s:hV", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'c':
			ctl.config_path = optarg;
			ctl.config_given = true;
			break;
		case 's':
			ctl.socket_path = optarg;
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
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "dubanctl: libcurl failed to initialize\n");
		return EX_OSERR;
	}
	rc = cmd->exec(&ctl, argc, argv);
	config_free(ctl.config);
	curl_global_cleanup();
	return rc;
}
