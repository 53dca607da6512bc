/*
 * Holiday feeds in iCalendar form (RFC 5545), read with libical.
 *
 * Both forms of the public Chinese feeds load:
 *   - Apple's: X-APPLE-SPECIAL-DAY:WORK-HOLIDAY (a day off) or
 *     X-APPLE-SPECIAL-DAY:ALTERNATE-WORKDAY (a make-up working day);
 *   - holiday-cn / chinese-days: SUMMARY:国庆节(休) or SUMMARY:国庆节(班),
 *     with ASCII or fullwidth parentheses.
 * X-APPLE-SPECIAL-DAY wins over the SUMMARY when both are present.  Any
 * other event (festivals without a day off, solar terms...) is ignored.
 *
 * Decisions (user-visible):
 * - A holiday or working-day event must be all-day: DTSTART;VALUE=DATE.
 *   It covers DTSTART up to DTEND exclusive; without DTEND, a DURATION of
 *   whole days (P3D, P1W) or else the one day DTSTART.  A date-time, an
 *   impossible date (libical accepts 20241345) or a range outside
 *   1970..2199 is an error, not something to guess about.
 * - libical does not keep line numbers, so the line in an error message is
 *   that of the event's BEGIN:VEVENT, found by counting VEVENTs in the text.
 * - On error the calendar may already hold some days of the file; the
 *   caller discards it (a configuration that fails to load is not used).
 */
#include "calendar.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libical/ical.h>

#include "date.h"

/* A holiday feed is a few kB per year; refuse anything absurd. */
#define ICS_MAX_SIZE (16L * 1024 * 1024)
#define SPAN_DAYS ((unsigned)(DAY_MAX - DAY_MIN + 1))

struct ics_load {
	struct calendar	*cal;
	const char	*path;
	const char	*text;
	unsigned	 nevent;	/* VEVENTs seen so far, from 1 */
	char		*err;
	size_t		 errlen;
};

static char *
read_text(const char *path, char *err, size_t errlen)
{
	FILE	*fp;
	char	*text = NULL;
	long	 size;

	if ((fp = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fseek(fp, 0, SEEK_END) == -1 || (size = ftell(fp)) == -1 ||
	    fseek(fp, 0, SEEK_SET) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (size > ICS_MAX_SIZE) {
		snprintf(err, errlen, "%s: file too large for a holiday feed",
		    path);
		goto out;
	}
	if ((text = malloc((size_t)size + 1)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	if (fread(text, 1, (size_t)size, fp) != (size_t)size) {
		snprintf(err, errlen, "%s: %s", path,
		    ferror(fp) ? strerror(errno) : "short read");
		free(text);
		text = NULL;
		goto out;
	}
	text[size] = '\0';
out:
	fclose(fp);
	return text;
}

/* The line of the n-th "BEGIN:VEVENT" in text, or 0 if not found. */
static unsigned
vevent_line(const char *text, unsigned n)
{
	static const char begin[] = "BEGIN:VEVENT";
	const char	*p = text;
	unsigned	 line = 1;

	for (;;) {
		if (strncasecmp(p, begin, sizeof(begin) - 1) == 0 &&
		    strchr("\r\n", p[sizeof(begin) - 1]) != NULL &&
		    --n == 0)
			return line;
		if ((p = strchr(p, '\n')) == NULL)
			return 0;
		p++;
		line++;
	}
}

/* Writes "path:line: event "name": msg" into the error buffer. */
static void
event_error(struct ics_load *ld, icalcomponent *ev, const char *msg)
{
	const char	*name;
	char		 where[32] = "";
	unsigned	 line;

	if ((name = icalcomponent_get_summary(ev)) == NULL &&
	    (name = icalcomponent_get_uid(ev)) == NULL)
		name = "(no SUMMARY or UID)";
	if ((line = vevent_line(ld->text, ld->nevent)) != 0)
		snprintf(where, sizeof(where), ":%u", line);
	snprintf(ld->err, ld->errlen, "%s%s: event \"%s\": %s", ld->path,
	    where, name, msg);
}

static bool
has_suffix(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

/* From a SUMMARY such as "国庆节(休)": 1 and *kind, or 0 when neither. */
static int
summary_kind(const char *summary, enum day_kind *kind)
{
	size_t len = strlen(summary);

	while (len > 0 && strchr(" \t\r\n", summary[len - 1]) != NULL)
		len--;
	if (has_suffix(summary, len, "(休)") ||
	    has_suffix(summary, len, "（休）")) {
		*kind = DAY_HOLIDAY;
		return 1;
	}
	if (has_suffix(summary, len, "(班)") ||
	    has_suffix(summary, len, "（班）")) {
		*kind = DAY_WORKDAY;
		return 1;
	}
	return 0;
}

/* Whether ev marks days off or make-up working days: 1 and *kind, or 0. */
static int
event_kind(icalcomponent *ev, enum day_kind *kind)
{
	icalproperty	*p;
	const char	*value, *summary;

	for (p = icalcomponent_get_first_property(ev, ICAL_X_PROPERTY);
	    p != NULL;
	    p = icalcomponent_get_next_property(ev, ICAL_X_PROPERTY)) {
		if (strcasecmp(icalproperty_get_x_name(p),
		    "X-APPLE-SPECIAL-DAY") != 0 ||
		    (value = icalproperty_get_x(p)) == NULL)
			continue;
		if (strcasecmp(value, "WORK-HOLIDAY") == 0) {
			*kind = DAY_HOLIDAY;
			return 1;
		}
		if (strcasecmp(value, "ALTERNATE-WORKDAY") == 0) {
			*kind = DAY_WORKDAY;
			return 1;
		}
	}
	if ((summary = icalcomponent_get_summary(ev)) != NULL)
		return summary_kind(summary, kind);
	return 0;
}

/* An all-day date as a day number, or -1 with a reason in why. */
static int
date_day(struct icaltimetype t, const char *prop, char *why, size_t whylen)
{
	if (icaltime_is_null_time(t) || !t.is_date) {
		snprintf(why, whylen, "%s is not an all-day date "
		    "(%s;VALUE=DATE:YYYYMMDD)", prop, prop);
		return -1;
	}
	if (t.year < DAY_FIRST_YEAR || t.year > DAY_LAST_YEAR ||
	    t.month < 1 || t.month > 12 || t.day < 1 ||
	    t.day > days_in_month(t.year, t.month)) {
		snprintf(why, whylen, "%s %04d%02d%02d is not a date in "
		    "1970..2199", prop, t.year, t.month, t.day);
		return -1;
	}
	return day_from_ymd(t.year, t.month, t.day);
}

/*
 * The days ev covers, [*first, *end).  0, or -1 with a reason in why.
 */
static int
event_days(icalcomponent *ev, int *first, int *end, char *why, size_t whylen)
{
	icalproperty		*p;
	struct icaldurationtype	 dur;

	if ((p = icalcomponent_get_first_property(ev,
	    ICAL_DTSTART_PROPERTY)) == NULL) {
		snprintf(why, whylen, "no DTSTART");
		return -1;
	}
	if ((*first = date_day(icalproperty_get_dtstart(p), "DTSTART", why,
	    whylen)) == -1)
		return -1;

	if ((p = icalcomponent_get_first_property(ev,
	    ICAL_DTEND_PROPERTY)) != NULL) {
		if ((*end = date_day(icalproperty_get_dtend(p), "DTEND", why,
		    whylen)) == -1)
			return -1;
	} else if ((p = icalcomponent_get_first_property(ev,
	    ICAL_DURATION_PROPERTY)) != NULL) {
		dur = icalproperty_get_duration(p);
		if (icaldurationtype_is_bad_duration(dur) || dur.is_neg ||
		    dur.hours != 0 || dur.minutes != 0 || dur.seconds != 0 ||
		    dur.weeks > SPAN_DAYS / 7 || dur.days > SPAN_DAYS ||
		    dur.days + 7 * dur.weeks == 0) {
			snprintf(why, whylen, "DURATION is not a positive "
			    "number of whole days");
			return -1;
		}
		*end = *first + (int)(dur.days + 7 * dur.weeks);
	} else
		*end = *first + 1;

	if (*end <= *first) {
		snprintf(why, whylen, "DTEND is not after DTSTART "
		    "(DTEND is exclusive)");
		return -1;
	}
	if (*end - 1 > DAY_MAX) {
		snprintf(why, whylen, "the event runs past 2199-12-31");
		return -1;
	}
	return 0;
}

static int
load_event(struct ics_load *ld, icalcomponent *ev)
{
	enum day_kind	 kind;
	int		 first, end;
	char		 why[160];

	if (!event_kind(ev, &kind))
		return 0;
	if (event_days(ev, &first, &end, why, sizeof(why)) == -1) {
		event_error(ld, ev, why);
		return -1;
	}
	for (int day = first; day < end; day++) {
		if (calendar_set_day(ld->cal, day, kind, why,
		    sizeof(why)) == -1) {
			event_error(ld, ev, why);
			return -1;
		}
	}
	return 0;
}

static int
load_vcalendar(struct ics_load *ld, icalcomponent *vcal)
{
	icalcomponent *ev;

	for (ev = icalcomponent_get_first_component(vcal,
	    ICAL_VEVENT_COMPONENT); ev != NULL;
	    ev = icalcomponent_get_next_component(vcal,
	    ICAL_VEVENT_COMPONENT)) {
		ld->nevent++;
		if (load_event(ld, ev) == -1)
			return -1;
	}
	return 0;
}

/*
 * Loads every VCALENDAR of root: 0, -1 when root is not iCalendar at all,
 * -2 when an event failed (the error is written).
 */
static int
load_root(struct ics_load *ld, icalcomponent *root)
{
	icalcomponent *vcal;

	if (root == NULL)
		return -1;
	if (icalcomponent_isa(root) == ICAL_VCALENDAR_COMPONENT)
		return load_vcalendar(ld, root) == -1 ? -2 : 0;
	/* Several VCALENDARs in one file come back under an XROOT. */
	if (icalcomponent_isa(root) != ICAL_XROOT_COMPONENT ||
	    icalcomponent_get_first_component(root,
	    ICAL_VCALENDAR_COMPONENT) == NULL)
		return -1;
	for (vcal = icalcomponent_get_first_component(root,
	    ICAL_VCALENDAR_COMPONENT); vcal != NULL;
	    vcal = icalcomponent_get_next_component(root,
	    ICAL_VCALENDAR_COMPONENT)) {
		if (load_vcalendar(ld, vcal) == -1)
			return -2;
	}
	return 0;
}

int
calendar_load_ics(struct calendar *cal, const char *path, char *err,
    size_t errlen)
{
	struct ics_load	 ld = { cal, path, NULL, 0, err, errlen };
	icalcomponent	*root;
	char		*text;
	int		 rc;

	if ((text = read_text(path, err, errlen)) == NULL)
		return -1;
	ld.text = text;
	root = icalparser_parse_string(text);
	if ((rc = load_root(&ld, root)) == -1)
		snprintf(err, errlen, "%s: not an iCalendar file (no complete "
		    "BEGIN:VCALENDAR .. END:VCALENDAR)", path);
	if (root != NULL)
		icalcomponent_free(root);
	free(text);
	return rc == 0 ? 0 : -1;
}
