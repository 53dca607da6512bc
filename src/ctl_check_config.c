/*
 * dubanctl check-config: validate the config as duband -t does.
 */
#include <stdio.h>
#include <sysexits.h>

#include "config.h"
#include "dubanctl.h"
#include "render.h"

static int
ctl_check_config(struct ctl *ctl, int argc, char **argv)
{
	struct templates *tp;
	char err[512];
	int rc;

	(void)argv;
	if (argc != 1)
		return ctl_usage(&ctl_cmd_check_config_entry);
	if ((rc = ctl_config(ctl)) != 0)
		return rc;
	if ((tp = templates_load(ctl->config, err, sizeof err)) == NULL) {
		fprintf(stderr, "%s\n", err);
		return EX_CONFIG;
	}
	templates_free(tp);
	printf("%s: ok (%zu calendars, %zu offices, %zu rules, %zu tasks)\n",
	    ctl->config_path, ctl->config->ncalendars, ctl->config->noffices,
	    ctl->config->nrules, ctl->config->ntasks);
	return 0;
}

const struct ctl_cmd_entry ctl_cmd_check_config_entry = {
	.name = "check-config",
	.usage = "check-config",
	.summary = "validate the configuration and exit",
	.exec = ctl_check_config,
};
