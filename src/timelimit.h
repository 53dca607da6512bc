/*
 * Time-limit rules (时限) and the deadlines they give a case.
 *
 * A case never stores its deadline: it stores events (opened, paused,
 * resumed, extended, closed) and the deadline is derived from the rule and
 * those events every time, so an extension or a pause can never be lost by
 * overwriting a field.
 *
 * Counting (doc/counting.md):
 *  - N workdays / N days from the opening day: the opening day itself is not
 *    counted; the deadline is deadline_secs after local midnight (default
 *    23:59:59) of the N-th day after it.
 *  - A calendar-day deadline on a non-working day moves to the next working
 *    day when the rule has roll set.
 *  - N hours: the opening instant plus N hours (a paused stretch added).
 *  - N workhours: N hours of the calendar's office hours on its working
 *    days after the opening instant (calendar_add_workhours).
 *  - A pause on day P resumed on day R: the days P..R (both included) do not
 *    count; counting goes on after R as after an opening day.
 *  - Each extension adds the rule's extension to the limit, at most
 *    max_extensions times per milestone.
 *  - A rule has one or more milestones, each its own limit from the same
 *    opening, each closed on its own.
 *  - A negative limit counts back from the opening event (a scheduled
 *    event: "-1 workdays" is due at the end of the working day before its
 *    day).  The case is opened with the event's instant and may be closed
 *    before it; it cannot be paused or extended.
 */
#ifndef DUBAN_TIMELIMIT_H
#define DUBAN_TIMELIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parse.h"

struct calendar;

#define TL_DEFAULT_DEADLINE_SECS (23 * 3600 + 59 * 60 + 59)

struct milestone_rule {
	char		*name;	/* "contact", "rectify"; "deadline" if only one */
	struct duration	 limit;
	struct duration	 minimum;	/* n == 0: none; may not close before */
};

struct tl_rule {
	char			*name;
	char			*title;
	const struct calendar	*cal;
	struct milestone_rule	*milestones;	/* at least one */
	size_t			 nmilestones;
	struct duration		 extension;	/* n == 0: no extension */
	int			 max_extensions;
	bool			 roll;		/* roll = next-workday */
	int			 deadline_secs;
};

enum tl_event_kind {
	TL_OPENED,
	TL_PAUSED,
	TL_RESUMED,
	TL_EXTENDED,
	TL_CLOSED,
};

struct tl_event {
	enum tl_event_kind	 kind;
	int64_t			 at;		/* UTC seconds */
	/*
	 * TL_EXTENDED and TL_CLOSED: the milestone it applies to; NULL means
	 * every milestone still open.
	 */
	const char		*milestone;
};

enum tl_status {
	TL_RUNNING,	/* deadline known */
	TL_STOPPED,	/* paused now: no deadline until it resumes */
	TL_DONE,	/* milestone closed */
};

struct tl_deadline {
	enum tl_status	status;
	int		day;		/* last day (TL_RUNNING, TL_DONE);
					   TL_STOPPED: -1 */
	int64_t		at;		/* deadline instant, UTC;
					   TL_STOPPED: INT64_MAX (never) */
	int		remaining;	/* TL_STOPPED: units left at resume
					   (hours rounded up) */
	enum dur_unit	remaining_unit;	/* TL_STOPPED: unit of remaining */
	int64_t		remaining_secs;	/* TL_STOPPED, hours and workhours:
					   seconds left */
	int		extensions;	/* extensions granted so far */
	bool		provisional;	/* counted through an unannounced year */
	int64_t		closed_at;	/* TL_DONE */
	bool		late;		/* TL_DONE: closed after the deadline */
};

const char *tl_event_kind_str(enum tl_event_kind);
int tl_event_kind_parse(const char *s, enum tl_event_kind *kind);

/* Index of a milestone by name, or -1. */
int tl_milestone_index(const struct tl_rule *, const char *name);

/*
 * Whether ev may follow events[0..n) (which must already be valid):
 * opened first and once, pause only while running, resume only while paused,
 * extension within max_extensions, nothing after the case is closed, and
 * times never going backwards; no pause, and no extension of a milestone
 * counted backwards.  0, or -1 with a message in err.
 */
int tl_check_event(const struct tl_rule *, const struct tl_event *events,
    size_t n, const struct tl_event *ev, char *err, size_t errlen);

/*
 * The deadline of milestone m.  0, or -1 with a message in err (events
 * invalid, a strict calendar reaching an unannounced year, a date out of
 * range).
 */
int tl_deadline(const struct tl_rule *, size_t m,
    const struct tl_event *events, size_t n, struct tl_deadline *out,
    char *err, size_t errlen);

/*
 * The end of milestone m's minimum period: its `minimum` counted from the
 * opening event like a limit (pauses and extensions do not move it).  1
 * with *day and *at set, 0 when the milestone has no minimum, -1 with err.
 */
int tl_minimum_end(const struct tl_rule *, size_t m,
    const struct tl_event *events, size_t n, int *day, int64_t *at,
    char *err, size_t errlen);

/*
 * Whether the close ev (TL_CLOSED, valid after events[0..n)) comes before
 * the minimum period of a milestone it closes is complete: 1 with a message
 * naming the day the minimum ends in err, 0 when it may close, -1 with err.
 */
int tl_close_too_early(const struct tl_rule *, const struct tl_event *events,
    size_t n, const struct tl_event *ev, char *err, size_t errlen);

#endif
