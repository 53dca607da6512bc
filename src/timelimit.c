/*
 * Time-limit rules: the deadline of a case, derived from its rule and its
 * events (see timelimit.h and doc/counting.md).
 *
 * Decisions visible to users:
 *  - The opening day, a pause day and a resume day are never counted: a
 *    pause on day P consumes the counted days after the segment start up
 *    to P-1; a resume on day R starts a new segment after R.
 *  - When the limit runs out before a pause, the deadline stays where it
 *    was: a pause after the deadline does not move it.
 *  - An extension whose unit differs from the limit's (say "20 workdays"
 *    extended by "30 days") cannot be converted: the extensions are
 *    counted in their own unit after the limit has run out, as a second
 *    stretch that pauses stop like the first.  Only the last stretch rolls
 *    (roll = next-workday applies to a calendar-day stretch that ends the
 *    count).  A days stretch after an hours one starts on the day the
 *    hours ran out; an hours stretch after a days one starts at the
 *    deadline instant of that day.
 *  - A milestone closed while the case is paused was closed in time; its
 *    deadline is reported as if the case had resumed when it was closed.
 *    Events after a milestone is closed do not change its deadline.
 *  - A calendar-day count without roll needs no calendar and is never
 *    provisional; workdays, and calendar days with roll, are provisional
 *    when they touch a year the calendar has not announced.
 *  - "N workhours" count the office hours of the rule's calendar on its
 *    working days from the opening instant (calendar_add_workhours); a
 *    pause stops the clock at its instant and a resume restarts it at
 *    its instant, so the office hours in between do not count.  A rule
 *    whose calendar has no office_hours is refused.
 *  - A negative limit counts back from the opening event, which for such
 *    a rule is the scheduled event: "-1 workdays" is the end
 *    (deadline_secs) of the working day before the event's day, "-3 days"
 *    of the third calendar day before (no roll), "-2 workhours" two office
 *    hours before the event's instant.  The case is opened with the
 *    event's instant, and its other events (a close) may come before it.
 *    A case counted backwards cannot be paused, and its milestone cannot
 *    be extended.  Negative extensions
 *    are refused.
 *  - OPENED, PAUSED and RESUMED apply to the whole case and must not name
 *    a milestone; EXTENDED and CLOSED without a milestone apply to every
 *    milestone still open.
 *  - An event earlier than the one before it is refused; events may share
 *    an instant.
 *  - A milestone's minimum period is counted from the opening like a limit
 *    of its own (no pause, extension or roll moves it) and ends at the
 *    end of its last day; a close of that milestone before then is too
 *    early (the API refuses it unless forced, with a reason).
 */
#include "timelimit.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "calendar.h"
#include "clock.h"
#include "date.h"

#define SECS_PER_HOUR 3600

/* Hours and working hours are counted in seconds, the rest in days. */
static bool
unit_in_secs(enum dur_unit unit)
{
	return unit == DUR_HOURS || unit == DUR_WORKHOURS;
}

static struct cal_time
local_cal_time(int64_t t)
{
	struct cal_time ct = { local_day(t), local_secs(t) };

	return ct;
}

static const char *const event_kind_names[] = {
	[TL_OPENED] = "opened",
	[TL_PAUSED] = "paused",
	[TL_RESUMED] = "resumed",
	[TL_EXTENDED] = "extended",
	[TL_CLOSED] = "closed",
};

#define NKINDS (sizeof event_kind_names / sizeof event_kind_names[0])

/* What the events before a new one say about the case. */
struct case_state {
	bool	opened;
	bool	paused;
	bool	closed;		/* every milestone closed */
	bool	has_last;	/* last_at is set */
	int64_t	last_at;	/* of the last event that orders the next */
};

/* A stretch of counting in one unit: the limit, then maybe the extensions. */
struct leg {
	int64_t		n;
	enum dur_unit	unit;
};

struct walk {
	const struct tl_rule	*rule;
	struct leg		 legs[2];
	size_t			 nlegs;
	size_t			 leg;		/* the leg being counted */
	int64_t			 left;		/* of it: days, or seconds */
	int			 start_day;	/* segment start, not counted */
	int64_t			 start_at;	/* segment start, hours legs */
	bool			 paused;
	bool			 done;
	int			 day;		/* the deadline, once done */
	int64_t			 at;
	bool			 provisional;
	char			*err;
	size_t			 errlen;
};

static void
set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

const char *
tl_event_kind_str(enum tl_event_kind kind)
{
	if ((size_t)kind >= NKINDS)
		return "unknown";
	return event_kind_names[kind];
}

int
tl_event_kind_parse(const char *s, enum tl_event_kind *kind)
{
	size_t i;

	if (s == NULL)
		return -1;
	for (i = 0; i < NKINDS; i++) {
		if (strcmp(s, event_kind_names[i]) == 0) {
			*kind = (enum tl_event_kind)i;
			return 0;
		}
	}
	return -1;
}

int
tl_milestone_index(const struct tl_rule *rule, const char *name)
{
	size_t i;

	if (name == NULL)
		return -1;
	for (i = 0; i < rule->nmilestones; i++) {
		if (strcmp(rule->milestones[i].name, name) == 0)
			return (int)i;
	}
	return -1;
}

/* Whether ev applies to milestone m (a NULL milestone applies to all). */
static bool
event_names(const struct tl_rule *rule, const struct tl_event *ev, size_t m)
{
	return ev->milestone == NULL ||
	    strcmp(ev->milestone, rule->milestones[m].name) == 0;
}

/* Index of the event that closed milestone m, or n if it is still open. */
static size_t
milestone_close_index(const struct tl_rule *rule, size_t m,
    const struct tl_event *events, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (events[i].kind == TL_CLOSED &&
		    event_names(rule, &events[i], m))
			return i;
	}
	return n;
}

/* Extensions granted to milestone m while it was open. */
static int
milestone_extensions(const struct tl_rule *rule, size_t m,
    const struct tl_event *events, size_t n)
{
	size_t i, closed;
	int count = 0;

	closed = milestone_close_index(rule, m, events, n);
	for (i = 0; i < closed; i++) {
		if (events[i].kind == TL_EXTENDED &&
		    event_names(rule, &events[i], m))
			count++;
	}
	return count;
}

static bool
milestone_backwards(const struct tl_rule *rule, size_t m)
{
	return rule->milestones[m].limit.n < 0;
}

static bool
rule_backwards(const struct tl_rule *rule)
{
	for (size_t m = 0; m < rule->nmilestones; m++)
		if (milestone_backwards(rule, m))
			return true;
	return false;
}

static void
case_state_of(const struct tl_rule *rule, const struct tl_event *events,
    size_t n, struct case_state *st)
{
	size_t i, m;

	memset(st, 0, sizeof *st);
	for (i = 0; i < n; i++) {
		if (events[i].kind == TL_OPENED)
			st->opened = true;
		else if (events[i].kind == TL_PAUSED)
			st->paused = true;
		else if (events[i].kind == TL_RESUMED)
			st->paused = false;
		/* Counting back, the opening is the scheduled event: a
		 * close may come before it. */
		if (events[i].kind == TL_OPENED && rule_backwards(rule))
			continue;
		st->has_last = true;
		st->last_at = events[i].at;
	}
	st->closed = n > 0;
	for (m = 0; m < rule->nmilestones; m++) {
		if (milestone_close_index(rule, m, events, n) == n)
			st->closed = false;
	}
}

/* "2024-10-05", or the full instant when both fall on the same day. */
static void
format_order_error(int64_t at, int64_t prev, char *err, size_t errlen)
{
	char a[DAY_STRLEN], b[DAY_STRLEN];
	char ia[64], ib[64];

	if (local_day(at) != local_day(prev)) {
		set_err(err, errlen,
		    "event at %s is before the previous event (%s)",
		    day_format(local_day(at), a), day_format(local_day(prev), b));
		return;
	}
	set_err(err, errlen, "event at %s is before the previous event (%s)",
	    instant_format(at, ia, sizeof ia),
	    instant_format(prev, ib, sizeof ib));
}

static int
check_extension(const struct tl_rule *rule, const struct tl_event *events,
    size_t n, const struct tl_event *ev, char *err, size_t errlen)
{
	size_t m;
	int used;

	if (rule->extension.n == 0 || rule->max_extensions <= 0) {
		set_err(err, errlen, "rule \"%s\" allows no extension",
		    rule->name);
		return -1;
	}
	for (m = 0; m < rule->nmilestones; m++) {
		if (!event_names(rule, ev, m))
			continue;
		if (milestone_close_index(rule, m, events, n) < n) {
			if (ev->milestone == NULL)
				continue;
			set_err(err, errlen, "milestone \"%s\" is closed",
			    ev->milestone);
			return -1;
		}
		used = milestone_extensions(rule, m, events, n);
		if (used < rule->max_extensions)
			continue;
		if (rule->nmilestones > 1)
			set_err(err, errlen, "extension limit reached for "
			    "\"%s\" (%d of %d used)", rule->milestones[m].name,
			    used, rule->max_extensions);
		else
			set_err(err, errlen, "extension limit reached "
			    "(%d of %d used)", used, rule->max_extensions);
		return -1;
	}
	return 0;
}

static int
check_close(const struct tl_rule *rule, const struct tl_event *events,
    size_t n, const struct tl_event *ev, char *err, size_t errlen)
{
	int m;

	if (ev->milestone == NULL)
		return 0;
	m = tl_milestone_index(rule, ev->milestone);
	if (milestone_close_index(rule, (size_t)m, events, n) < n) {
		set_err(err, errlen, "milestone \"%s\" is already closed",
		    ev->milestone);
		return -1;
	}
	return 0;
}

int
tl_check_event(const struct tl_rule *rule, const struct tl_event *events,
    size_t n, const struct tl_event *ev, char *err, size_t errlen)
{
	struct case_state st;
	int m;

	if ((size_t)ev->kind >= NKINDS) {
		set_err(err, errlen, "unknown event kind %d", (int)ev->kind);
		return -1;
	}
	case_state_of(rule, events, n, &st);
	if (!st.opened && ev->kind != TL_OPENED) {
		set_err(err, errlen, "case is not opened");
		return -1;
	}
	if (st.closed) {
		set_err(err, errlen, "case is closed");
		return -1;
	}
	if (st.opened && ev->kind == TL_OPENED) {
		set_err(err, errlen, "case is already opened");
		return -1;
	}
	if (st.has_last && ev->at < st.last_at) {
		format_order_error(ev->at, st.last_at, err, errlen);
		return -1;
	}
	if (ev->milestone != NULL) {
		if (ev->kind != TL_EXTENDED && ev->kind != TL_CLOSED) {
			set_err(err, errlen, "\"%s\" applies to the whole case, "
			    "not to milestone \"%s\"", tl_event_kind_str(ev->kind),
			    ev->milestone);
			return -1;
		}
		if (tl_milestone_index(rule, ev->milestone) == -1) {
			set_err(err, errlen, "unknown milestone \"%s\"",
			    ev->milestone);
			return -1;
		}
	}
	switch (ev->kind) {
	case TL_PAUSED:
		if (rule_backwards(rule)) {
			set_err(err, errlen, "rule \"%s\" counts back from its "
			    "event: its cases cannot be paused", rule->name);
			return -1;
		}
		if (st.paused) {
			set_err(err, errlen, "case is already paused");
			return -1;
		}
		return 0;
	case TL_RESUMED:
		if (!st.paused) {
			set_err(err, errlen, "case is not paused");
			return -1;
		}
		return 0;
	case TL_EXTENDED:
		m = ev->milestone != NULL ?
		    tl_milestone_index(rule, ev->milestone) : -1;
		if ((m >= 0 && milestone_backwards(rule, (size_t)m)) ||
		    (m < 0 && rule_backwards(rule))) {
			set_err(err, errlen, "rule \"%s\" counts back from its "
			    "event: it cannot be extended", rule->name);
			return -1;
		}
		return check_extension(rule, events, n, ev, err, errlen);
	case TL_CLOSED:
		return check_close(rule, events, n, ev, err, errlen);
	case TL_OPENED:
		return 0;
	}
	return 0;
}

/* Replays the events one by one, so each must have been acceptable. */
static int
check_events(const struct tl_rule *rule, const struct tl_event *events,
    size_t n, char *err, size_t errlen)
{
	char why[256];
	size_t i;

	if (n == 0) {
		set_err(err, errlen, "case is not opened");
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (tl_check_event(rule, events, i, &events[i], why,
		    sizeof why) == -1) {
			set_err(err, errlen, "event %zu (%s): %s", i + 1,
			    tl_event_kind_str(events[i].kind), why);
			return -1;
		}
	}
	return 0;
}

/*
 * A calendar answer that gives no result: say which date or year it was.
 * Returns -1 for those, 0 otherwise (and notes CAL_PROVISIONAL).
 */
static int
walk_cal(struct walk *w, enum cal_status status, int from)
{
	const struct calendar *cal = w->rule->cal;
	char buf[DAY_STRLEN];
	int year;

	if (status == CAL_OK)
		return 0;
	if (status == CAL_PROVISIONAL) {
		w->provisional = true;
		return 0;
	}
	if (status == CAL_EUNANNOUNCED) {
		year = day_year(from);
		while (year < DAY_LAST_YEAR &&
		    calendar_year_announced(cal, year))
			year++;
		set_err(w->err, w->errlen, "counting from %s reaches %d, "
		    "which calendar \"%s\" has not announced",
		    day_format(from, buf), year, calendar_name(cal));
		return -1;
	}
	set_err(w->err, w->errlen, "counting from %s goes past %d-12-31",
	    day_format(from, buf), DAY_LAST_YEAR);
	return -1;
}

/* Whether the current leg needs the calendar. */
static bool
leg_needs_calendar(const struct walk *w)
{
	const struct leg *leg = &w->legs[w->leg];

	return leg->unit == DUR_WORKDAYS ||
	    (leg->unit == DUR_DAYS && w->rule->roll &&
	    w->leg + 1 == w->nlegs);
}

/* Counted units of the current leg from the segment start up to instant t:
 * days after the start day and before t's day, or seconds. */
static int
walk_available(struct walk *w, int64_t t, int64_t *avail)
{
	int last = local_day(t) - 1, count;

	*avail = 0;
	switch (w->legs[w->leg].unit) {
	case DUR_HOURS:
		if (t > w->start_at)
			*avail = t - w->start_at;
		return 0;
	case DUR_DAYS:
		if (last > w->start_day)
			*avail = last - w->start_day;
		return 0;
	case DUR_WORKDAYS:
		if (last <= w->start_day)
			return 0;
		if (walk_cal(w, calendar_count_workdays(w->rule->cal,
		    w->start_day, last, &count), w->start_day) == -1)
			return -1;
		*avail = count;
		return 0;
	case DUR_WORKHOURS:
		if (t <= w->start_at)
			return 0;
		return walk_cal(w, calendar_count_workhours(w->rule->cal,
		    local_cal_time(w->start_at), local_cal_time(t), avail),
		    w->start_day);
	}
	return -1;
}

/* The day the current leg's units run out, counting from the segment start. */
static int
walk_leg_end_day(struct walk *w, int *day)
{
	const struct leg *leg = &w->legs[w->leg];
	bool roll = leg_needs_calendar(w) && leg->unit == DUR_DAYS;
	enum cal_status st;

	if (w->left > DAY_MAX)
		return walk_cal(w, CAL_ERANGE, w->start_day);
	if (leg->unit == DUR_DAYS && !roll) {
		*day = w->start_day + (int)w->left;
		if (*day > DAY_MAX)
			return walk_cal(w, CAL_ERANGE, w->start_day);
		return 0;
	}
	if (leg->unit == DUR_DAYS)
		st = calendar_add_days(w->rule->cal, w->start_day,
		    (int)w->left, true, day);
	else
		st = calendar_add_workdays(w->rule->cal, w->start_day,
		    (int)w->left, day);
	return walk_cal(w, st, w->start_day);
}

/* The current leg runs out inside the running segment: end it there. */
static int
walk_leg_finish(struct walk *w)
{
	int64_t end_at;
	int end_day;

	if (w->legs[w->leg].unit == DUR_HOURS) {
		end_at = w->start_at + w->left;
		end_day = local_day(end_at);
	} else if (w->legs[w->leg].unit == DUR_WORKHOURS) {
		struct cal_time end;

		if (walk_cal(w, calendar_add_workhours(w->rule->cal,
		    local_cal_time(w->start_at), w->left, &end),
		    w->start_day) == -1)
			return -1;
		end_day = end.day;
		end_at = local_instant(end.day, end.secs);
	} else {
		if (walk_leg_end_day(w, &end_day) == -1)
			return -1;
		end_at = local_instant(end_day, w->rule->deadline_secs);
	}
	if (++w->leg == w->nlegs) {
		w->done = true;
		w->day = end_day;
		w->at = end_at;
		return 0;
	}
	w->start_day = end_day;
	w->start_at = end_at;
	w->left = w->legs[w->leg].n;
	if (unit_in_secs(w->legs[w->leg].unit))
		w->left *= SECS_PER_HOUR;
	return 0;
}

/* The running segment ends with a pause at instant t. */
static int
walk_pause(struct walk *w, int64_t t)
{
	int64_t avail;

	while (!w->done) {
		if (walk_available(w, t, &avail) == -1)
			return -1;
		if (w->left > avail) {
			w->left -= avail;
			w->paused = true;
			return 0;
		}
		if (walk_leg_finish(w) == -1)
			return -1;
	}
	return 0;
}

/* A new segment starts at instant t; its day is not counted. */
static void
walk_resume(struct walk *w, int64_t t)
{
	if (w->done)
		return;
	w->paused = false;
	w->start_day = local_day(t);
	w->start_at = t;
}

static int
walk_finish(struct walk *w)
{
	while (!w->done) {
		if (walk_leg_finish(w) == -1)
			return -1;
	}
	return 0;
}

static int
check_duration(const struct tl_rule *rule, const char *what,
    const struct duration *d, bool backwards_ok, char *err, size_t errlen)
{
	if (d->n < 0 && !backwards_ok) {
		set_err(err, errlen, "rule \"%s\": %s must not be negative",
		    rule->name, what);
		return -1;
	}
	if (d->unit == DUR_WORKHOURS && (rule->cal == NULL ||
	    !calendar_has_office_hours(rule->cal))) {
		set_err(err, errlen, "rule \"%s\": %s in workhours needs a "
		    "calendar with office_hours", rule->name, what);
		return -1;
	}
	if (d->unit != DUR_HOURS && rule->cal == NULL &&
	    (d->unit == DUR_WORKDAYS || rule->roll)) {
		set_err(err, errlen, "rule \"%s\" has no calendar",
		    rule->name);
		return -1;
	}
	return 0;
}

/* The legs to count for a milestone with so many extensions. */
static int
walk_init(struct walk *w, const struct tl_rule *rule, size_t m,
    int extensions, int64_t opened_at, char *err, size_t errlen)
{
	const struct duration *limit = &rule->milestones[m].limit;
	const struct duration *ext = &rule->extension;
	int64_t more = (int64_t)extensions * ext->n;

	memset(w, 0, sizeof *w);
	w->rule = rule;
	w->err = err;
	w->errlen = errlen;
	if (rule->deadline_secs < 0 || rule->deadline_secs >= 24 * 3600) {
		set_err(err, errlen, "rule \"%s\": deadline time out of range",
		    rule->name);
		return -1;
	}
	if (check_duration(rule, "the limit", limit, true, err, errlen) == -1)
		return -1;
	w->legs[0].n = limit->n;
	w->legs[0].unit = limit->unit;
	w->nlegs = 1;
	if (extensions > 0 && ext->n != 0) {
		if (check_duration(rule, "the extension", ext, false, err,
		    errlen) == -1)
			return -1;
		if (ext->unit == limit->unit)
			w->legs[0].n += more;
		else {
			w->legs[1].n = more;
			w->legs[1].unit = ext->unit;
			w->nlegs = 2;
		}
	}
	w->left = w->legs[0].n;
	if (unit_in_secs(w->legs[0].unit))
		w->left *= SECS_PER_HOUR;
	w->start_day = local_day(opened_at);
	w->start_at = opened_at;
	return 0;
}

static void
deadline_stopped(const struct walk *w, struct tl_deadline *out)
{
	enum dur_unit unit = w->legs[w->leg].unit;

	out->status = TL_STOPPED;
	out->day = -1;
	out->at = INT64_MAX;
	out->remaining_unit = unit;
	if (unit_in_secs(unit)) {
		out->remaining_secs = w->left;
		out->remaining = (int)((w->left + SECS_PER_HOUR - 1) /
		    SECS_PER_HOUR);
	} else
		out->remaining = (int)w->left;
}

/* A negative limit: back from the opening event, which nothing moves. */
static int
deadline_backwards(struct walk *w, const struct duration *limit,
    int64_t opened_at)
{
	const struct calendar *cal = w->rule->cal;
	int day = local_day(opened_at);
	struct cal_time end;

	switch (limit->unit) {
	case DUR_HOURS:
		w->at = opened_at + (int64_t)limit->n * SECS_PER_HOUR;
		w->day = local_day(w->at);
		return 0;
	case DUR_WORKHOURS:
		if (walk_cal(w, calendar_add_workhours(cal,
		    local_cal_time(opened_at), (int64_t)limit->n *
		    SECS_PER_HOUR, &end), day) == -1)
			return -1;
		w->day = end.day;
		w->at = local_instant(end.day, end.secs);
		return 0;
	case DUR_DAYS:
		if (day + limit->n < DAY_MIN)
			return walk_cal(w, CAL_ERANGE, day);
		w->day = day + limit->n;
		break;
	case DUR_WORKDAYS:
		if (walk_cal(w, calendar_add_workdays(cal, day, limit->n,
		    &w->day), day) == -1)
			return -1;
		break;
	}
	w->at = local_instant(w->day, w->rule->deadline_secs);
	return 0;
}

int
tl_deadline(const struct tl_rule *rule, size_t m,
    const struct tl_event *events, size_t n, struct tl_deadline *out,
    char *err, size_t errlen)
{
	struct walk w;
	size_t i, closed;

	memset(out, 0, sizeof *out);
	if (m >= rule->nmilestones) {
		set_err(err, errlen, "rule \"%s\" has no milestone %zu",
		    rule->name, m);
		return -1;
	}
	if (check_events(rule, events, n, err, errlen) == -1)
		return -1;
	out->extensions = milestone_extensions(rule, m, events, n);
	if (walk_init(&w, rule, m, out->extensions, events[0].at, err,
	    errlen) == -1)
		return -1;

	/* Only what happened while the milestone was open moves it. */
	closed = milestone_close_index(rule, m, events, n);
	for (i = 1; i < closed; i++) {
		if (events[i].kind == TL_PAUSED) {
			if (walk_pause(&w, events[i].at) == -1)
				return -1;
		} else if (events[i].kind == TL_RESUMED)
			walk_resume(&w, events[i].at);
	}
	if (closed < n) {
		if (w.paused)
			walk_resume(&w, events[closed].at);
		out->status = TL_DONE;
		out->closed_at = events[closed].at;
	} else if (w.paused) {
		deadline_stopped(&w, out);
		out->provisional = w.provisional;
		return 0;
	} else
		out->status = TL_RUNNING;
	if (milestone_backwards(rule, m)) {
		/* check_events let no pause or extension in. */
		if (deadline_backwards(&w, &rule->milestones[m].limit,
		    events[0].at) == -1)
			return -1;
	} else if (walk_finish(&w) == -1)
		return -1;
	out->day = w.day;
	out->at = w.at;
	out->provisional = w.provisional;
	out->late = out->status == TL_DONE && out->closed_at > w.at;
	return 0;
}

int
tl_minimum_end(const struct tl_rule *rule, size_t m,
    const struct tl_event *events, size_t n, int *day, int64_t *at,
    char *err, size_t errlen)
{
	struct milestone_rule mr;
	struct tl_rule minrule;
	struct tl_deadline dl;

	if (m >= rule->nmilestones || rule->milestones[m].minimum.n == 0)
		return 0;
	if (n == 0 || events[0].kind != TL_OPENED) {
		set_err(err, errlen, "case is not opened");
		return -1;
	}
	/* The minimum counts like a limit of its own from the opening. */
	mr.name = rule->milestones[m].name;
	mr.limit = rule->milestones[m].minimum;
	mr.minimum.n = 0;
	mr.minimum.unit = DUR_DAYS;
	minrule = *rule;
	minrule.milestones = &mr;
	minrule.nmilestones = 1;
	minrule.extension.n = 0;
	minrule.max_extensions = 0;
	minrule.roll = false;
	if (tl_deadline(&minrule, 0, events, 1, &dl, err, errlen) == -1)
		return -1;
	*day = dl.day;
	*at = dl.at;
	return 1;
}

int
tl_close_too_early(const struct tl_rule *rule, const struct tl_event *events,
    size_t n, const struct tl_event *ev, char *err, size_t errlen)
{
	char daybuf[DAY_STRLEN], durbuf[64];
	int64_t at;
	size_t m;
	int day, rc;

	if (ev->kind != TL_CLOSED)
		return 0;
	for (m = 0; m < rule->nmilestones; m++) {
		if (!event_names(rule, ev, m) ||
		    milestone_close_index(rule, m, events, n) < n)
			continue;
		rc = tl_minimum_end(rule, m, events, n, &day, &at, err,
		    errlen);
		if (rc == -1)
			return -1;
		if (rc == 0 || ev->at >= at)
			continue;
		set_err(err, errlen, "the minimum period (%s) of \"%s\" "
		    "ends on %s; a close before it must be forced with a "
		    "reason", duration_format(&rule->milestones[m].minimum,
		    durbuf, sizeof durbuf), rule->milestones[m].name,
		    day_format(day, daybuf));
		return 1;
	}
	return 0;
}
