/*
 * dubanctl: one command table, one source file per command group
 * (ctl_*.c), as tmux does with cmd-*.c.
 */
#ifndef DUBAN_DUBANCTL_H
#define DUBAN_DUBANCTL_H

#include <stdbool.h>

#include "clock.h"

struct config;

struct ctl {
	const char	*config_path;
	bool		 config_given;	/* -c on the command line */
	const char	*socket_path;	/* -s; else resolved by ctl_api() */
	struct clock	 clock;
	struct config	*config;	/* loaded on demand by ctl_config() */
	long		 timeout;	/* seconds for an answer; 0: 120 */
};

struct ctl_cmd_entry {
	const char	*name;
	const char	*usage;		/* after "dubanctl [-c CONF] [-s SOCKET] " */
	const char	*summary;
	int		(*exec)(struct ctl *, int argc, char **argv);
};

extern const struct ctl_cmd_entry ctl_cmd_calc_entry;
extern const struct ctl_cmd_entry ctl_cmd_check_config_entry;
extern const struct ctl_cmd_entry ctl_cmd_task_entry;
extern const struct ctl_cmd_entry ctl_cmd_case_entry;
extern const struct ctl_cmd_entry ctl_cmd_reminder_entry;
extern const struct ctl_cmd_entry ctl_cmd_ack_entry;
extern const struct ctl_cmd_entry ctl_cmd_import_entry;	/* ctl_import.c */
extern const struct ctl_cmd_entry ctl_cmd_report_entry;	/* ctl_report.c */

/*
 * Loads the config named by -c (once).  Returns 0, or prints every error
 * and returns EX_CONFIG.
 */
int ctl_config(struct ctl *);
/* Prints the command's usage to stderr and returns EX_USAGE. */
int ctl_usage(const struct ctl_cmd_entry *);

/*
 * A long option of a subcommand: "--NAME VALUE" sets *value, or, when
 * value is NULL, "--NAME" sets *flag.  Arrays end with a NULL name.
 */
struct ctl_opt {
	const char	 *name;
	const char	**value;
	bool		 *flag;
};
#define CTL_MAXOPTS	32

/*
 * Parses argv[1..] (argv[0] is the subcommand) with getopt_long: options
 * (also "--NAME=VALUE") anywhere, operands into pos.  Returns the number
 * of operands, or -1 for an unknown option, a missing value or more than
 * maxpos operands (the caller prints its usage).
 */
int ctl_parse_opts(int argc, char **argv, const struct ctl_opt *opts,
    char **pos, int maxpos);
/* Whether s is one of the NULL-terminated words (e.g. a --state value). */
bool ctl_one_of(const char *s, const char *const *words);

#endif
