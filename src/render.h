/*
 * Messages from templates.  One template per kind (before = upcoming, due =
 * due today, overdue, escalation, notice = a year a calendar does not
 * cover, digest, failure = delivery failure), in
 * Chinese (default) or English, each overridable by a file named in config
 * (template "KIND" { file = "..." }).  A template yields every form a
 * channel needs: subject, plain text, markdown and HTML.
 */
#ifndef DUBAN_RENDER_H
#define DUBAN_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "reminder.h"

struct config;
struct message;

/* What a message says about one item. */
struct render_item {
	int64_t			 reminder_id;
	enum reminder_kind	 kind;
	const char		*item_type;	/* "task" or "case" */
	const char		*number;	/* task key or case ref */
	const char		*title;
	const char		*milestone;	/* milestone title; NULL */
	const char		*lead;
	const char *const	*assist;
	size_t			 nassist;
	const char		*office;	/* the recipient */
	int64_t			 deadline_at;
	int			 deadline_day;
	int			 workdays_left;	/* > 0 left, 0 due today, < 0 overdue */
	bool			 provisional;	/* deadline counted through an
						   unannounced year */
	const char		*rule;		/* "依申请公开答复：20个工作日，已延期1次"; NULL */
	const char		*ack_url;	/* NULL: no link */
	const char		*failure;	/* RK_FAILURE: what failed and why */
	const char		*progress;	/* "7/12家" (target.h); NULL */
	/* A case's minimum period is complete (milestone "minimum"):
	   "最短期限（30日）已满，可以办结"; NULL otherwise. */
	const char		*period_complete;
	/* RK_NOTICE: the calendar, the year it does not cover, and how
	   many open items have their deadline in that year. */
	const char		*calendar;
	int			 year;
	int			 affected;
};

struct templates;

/*
 * The built-in templates of cf->language, with cf->templates overriding
 * kinds.  NULL with a "file:line: message" in err when a template file
 * does not parse.
 */
struct templates *templates_load(const struct config *cf, char *err,
    size_t errlen);
void templates_free(struct templates *);

/*
 * Renders one message: a single item's kind template, or with n > 1 the
 * digest template listing every item.  to/nto are left empty (the caller
 * adds the office's addresses).  0, or -1 with err.
 */
int render_message(const struct templates *, const struct render_item *items,
    size_t n, struct message *out, char *err, size_t errlen);

#endif
