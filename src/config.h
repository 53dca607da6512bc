/*
 * The configuration: libconfuse schema in config.c, validated into these
 * structs.  Every value is checked (dates, durations, hours, URLs, e-mail
 * addresses, readable secret files) and every cross reference resolved
 * (office -> channel, office -> supervisor, group -> office, rule ->
 * calendar and policy, task -> office, policy, calendar); each problem is
 * reported as "file:line: message" and all of them are reported at once.
 *
 * A struct config is immutable once loaded; a reload builds a new one and
 * swaps it in only when it is valid.
 */
#ifndef DUBAN_CONFIG_H
#define DUBAN_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "parse.h"
#include "timelimit.h"

struct calendar;
struct errors;

/* Where an item was defined, for messages about it. */
struct origin {
	char	*file;
	int	 line;
};

struct calendar_conf {
	char			*name;
	struct calendar		*cal;		/* finalized */
	struct office_hours	 hours;		/* office_hours; n == 0: none */
	struct origin		 origin;
};

enum channel_type {
	CHANNEL_WEBHOOK,
	CHANNEL_WECOM,
	CHANNEL_DINGTALK,
	CHANNEL_FEISHU,
	CHANNEL_SMTP,
	CHANNEL_STDOUT,
};

struct channel_conf {
	char			*name;
	enum channel_type	 type;
	char			*url;		/* NULL for stdout */
	char			*secret_file;	/* signing secret (webhook, dingtalk, feishu) */
	char			*from;		/* smtp */
	char			*username;	/* smtp */
	char			*password_file;	/* smtp */
	bool			 starttls;	/* smtp://: require STARTTLS (default true) */
	char			*file;		/* stdout: a file to append to instead */
	int			 rate_per_minute; /* token bucket; 0: unlimited
					   (default 20 for wecom and dingtalk,
					   100 for feishu, 0 otherwise) */
	int			 connect_timeout; /* seconds, default 10 */
	int			 timeout;	/* seconds for a whole transfer, default 30 */
	bool			 feishu_post;	/* feishu: format = "post" (default) or "text" */
	char			*ca_file;	/* PEM CA bundle to verify the server
					   with; NULL: the system's */
	struct origin		 origin;
};

/* A message template read from a file named in config (render.c). */
struct template_conf {
	char		*kind;		/* before|due|overdue|escalation|digest|failure */
	char		*file;		/* absolute path */
	char		*content;	/* the file, read at load */
	struct origin	 origin;
};

struct office_conf {
	char		 *name;
	char		**channels;
	size_t		  nchannels;
	char		**email;
	size_t		  nemail;
	char		 *supervisor;	/* NULL: none */
	char		**aliases;
	size_t		  naliases;
	struct origin	  origin;
};

struct group_conf {
	char		 *name;
	char		**members;
	size_t		  nmembers;
	struct origin	  origin;
};

struct policy_conf {
	char			*name;
	struct duration		*before;	/* reminders before the deadline */
	size_t			 nbefore;
	bool			 at_deadline;
	struct duration		 overdue_every;	/* n == 0: no repeats */
	struct duration		 escalate_after;/* n == 0: no escalation */
	bool			 notify_assist;	/* remind assisting offices too */
	struct office_hours	 hours;		/* n == 0: any time */
	struct origin		 origin;
};

struct rule_conf {
	struct tl_rule		 rule;		/* rule.cal points into calendars */
	char			**milestone_title; /* [rule.nmilestones]; NULL: none */
	char			*calendar;
	char			*policy;
	struct origin		 origin;
};

struct task_conf {
	char		 *id;		/* the block's title: "2024-gk-11" */
	char		 *title;
	char		 *lead;
	char		**assist;
	size_t		  nassist;
	int		  due;		/* day (date.h); -1 with repeat only */
	char		 *repeat;	/* NULL: one-off */
	char		 *policy;
	char		 *calendar;	/* the first calendar when not given */
	char		 *target;	/* "12家"; NULL */
	struct origin	  origin;
};

struct config {
	char			*path;
	char			*timezone;
	char			*database;
	char			*socket;
	char			*socket_group;	/* group of the socket; NULL: duband's */
	char			*listen;	/* NULL: no TCP API */
	char			*token_file;
	char			*ack_base_url;
	char			*admin_office;	/* gets calendar notices (an
						   unannounced year); NULL */
	char			*log_level;
	int			 deadline_secs;	/* deadline_time */
	char			*language;	/* "zh" (default) or "en" */
	int			 group_wait;	/* seconds a due reminder waits for
						   others to the same office and
						   channel (default 0) */
	int			 digest_min;	/* rows to one office+channel at once
						   that make a digest (default 3) */
	int			 max_inflight;	/* concurrent transfers (default 16) */
	int			 retry_base;	/* first retry delay, s (default 30) */
	int			 retry_max_age;	/* give up after, s (default 86400) */
	struct template_conf	*templates;
	size_t			 ntemplates;

	struct calendar_conf	*calendars;	/* in file order; [0] is the default */
	size_t			 ncalendars;
	struct channel_conf	*channels;
	size_t			 nchannels;
	struct office_conf	*offices;
	size_t			 noffices;
	struct group_conf	*groups;
	size_t			 ngroups;
	struct policy_conf	*policies;
	size_t			 npolicies;
	struct rule_conf	*rules;
	size_t			 nrules;
	struct task_conf	*tasks;
	size_t			 ntasks;
};

/*
 * Parses and validates path.  Returns the config, or NULL with every problem
 * added to errs (each "file:line: message").
 */
struct config *config_load(const char *path, struct errors *errs);
void config_free(struct config *);

const struct calendar_conf *config_calendar(const struct config *,
    const char *name);
const struct channel_conf *config_channel(const struct config *,
    const char *name);
/* An office by its name or by one of its aliases. */
const struct office_conf *config_office(const struct config *,
    const char *name);
const struct group_conf *config_group(const struct config *,
    const char *name);
const struct policy_conf *config_policy(const struct config *,
    const char *name);
const struct rule_conf *config_rule(const struct config *, const char *name);
const struct template_conf *config_template(const struct config *,
    const char *kind);

#endif
