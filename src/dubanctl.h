/*
 * dubanctl: one command table, one source file per command group
 * (ctl_*.c), as tmux does with cmd-*.c.
 */
#ifndef DUBAN_DUBANCTL_H
#define DUBAN_DUBANCTL_H

#include "clock.h"

struct config;

struct ctl {
	const char	*config_path;
	struct clock	 clock;
	struct config	*config;	/* loaded on demand by ctl_config() */
};

struct ctl_cmd_entry {
	const char	*name;
	const char	*usage;		/* after "dubanctl [-c CONF] " */
	const char	*summary;
	int		(*exec)(struct ctl *, int argc, char **argv);
};

extern const struct ctl_cmd_entry ctl_cmd_calc_entry;
extern const struct ctl_cmd_entry ctl_cmd_check_config_entry;

/*
 * Loads the config named by -c (once).  Returns 0, or prints every error
 * and returns EX_CONFIG.
 */
int ctl_config(struct ctl *);
/* Prints the command's usage to stderr and returns EX_USAGE. */
int ctl_usage(const struct ctl_cmd_entry *);

#endif
