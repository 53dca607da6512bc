/*
 * Recurring duties: repeat specs and their occurrences (see recur.h).
 *
 * Decisions visible to users:
 *  - A period form's base day is the day it names or the last day of the
 *    period; "+N days" / "+N workdays" count after that day ("quarterly +15
 *    days": the 15th day after the quarter's last day).  Calendar days do not
 *    roll off holidays: "每季度结束后15日内" is 15 days, whatever the 15th is.
 *  - "monthly 31" is the last day of a shorter month and "yearly 02-29" is
 *    02-28 in a common year (an RRULE with BYMONTHDAY=31 skips those months,
 *    as RFC 5545 says: write BYMONTHDAY=-1 for "the last day").
 *  - The period an occurrence belongs to is the one its base day is in, so
 *    "yearly +90 days" due 2025-03-31 is labelled "2024年".
 *  - An RRULE may be written with or without a leading "RRULE:"; libical
 *    reads it (names in upper case, as RFC 5545 writes them).  RSCALE and
 *    rules repeating more often than daily are refused.
 *
 * The period forms number periods from year 0 (period p covers the months
 * p * months .. p * months + months - 1 counted from January of year 0), so
 * stepping to the next occurrence is one increment and a due day is O(1) on
 * a finalized calendar.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libical/ical.h>

#include "date.h"
#include "parse.h"
#include "recur.h"

struct period_name {
	const char	*name;
	int		 months;
};

static const struct period_name period_names[] = {
	{ "yearly", 12 },
	{ "half-yearly", 6 },
	{ "quarterly", 3 },
	{ "monthly", 1 },
};

static const char *const quarter_names[] = { "一", "二", "三", "四" };

#define RRULE_PREFIX "RRULE:"

static const char *
skip_space(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static void
bad_spec(const char *spec, char *err, size_t errlen)
{
	snprintf(err, errlen, "expected a repeat such as \"quarterly +15 days\""
	    ", \"yearly 03-31\", \"monthly 10 +5 workdays\" or an RRULE such as "
	    "\"FREQ=MONTHLY;BYMONTHDAY=-1\", got \"%s\"", spec);
}

/* Up to two digits at *p into *n; advances *p.  False when none. */
static bool
read_number(const char **p, int *n)
{
	int digits = 0;

	*n = 0;
	while (isdigit((unsigned char)**p) && digits < 3) {
		*n = *n * 10 + (**p - '0');
		(*p)++;
		digits++;
	}
	return digits > 0 && digits <= 2;
}

/* The day of "yearly MM-DD" or "monthly DD" at *p. */
static bool
parse_day(const char **p, struct recur *r, const char *spec, char *err,
    size_t errlen)
{
	int a, b;

	if (!read_number(p, &a))
		goto bad;
	if (r->months == 12) {
		if (**p != '-')
			goto bad;
		(*p)++;
		if (!read_number(p, &b))
			goto bad;
		/* A leap year allows every day a month can have. */
		if (a < 1 || a > 12 || b < 1 || b > days_in_month(2024, a)) {
			snprintf(err, errlen, "\"%s\": no day %02d-%02d in a "
			    "year", spec, a, b);
			return false;
		}
		r->month = a;
		r->mday = b;
		return true;
	}
	if (a < 1 || a > 31) {
		snprintf(err, errlen, "\"%s\": no day %d in a month", spec, a);
		return false;
	}
	r->mday = a;
	return true;
bad:
	snprintf(err, errlen, "\"%s\": expected %s after \"%s\"", spec,
	    r->months == 12 ? "a day MM-DD" : "a day of the month 1..31",
	    r->months == 12 ? "yearly" : "monthly");
	return false;
}

/* "+N days" / "+N workdays" at p. */
static bool
parse_offset(const char *p, struct recur *r, const char *spec, char *err,
    size_t errlen)
{
	struct duration d;
	char derr[128];

	if (*p == '-') {
		snprintf(err, errlen, "\"%s\": the offset counts after the "
		    "period: write \"+N days\" or \"+N workdays\"", spec);
		return false;
	}
	if (*p != '+' || !parse_duration(p, &d, derr, sizeof derr) ||
	    (d.unit != DUR_DAYS && d.unit != DUR_WORKDAYS)) {
		snprintf(err, errlen, "\"%s\": expected \"+N days\" or \"+N "
		    "workdays\" after the period, got \"%s\"", spec, p);
		return false;
	}
	r->n = d.n;
	r->offset = d.unit == DUR_DAYS ? RECUR_OFFSET_DAYS :
	    RECUR_OFFSET_WORKDAYS;
	return true;
}

static bool
parse_period(const char *spec, struct recur *r, char *err, size_t errlen)
{
	const char *p = skip_space(spec);
	size_t len = strcspn(p, " \t+");

	r->months = 0;
	for (size_t i = 0; i < sizeof period_names / sizeof period_names[0];
	    i++) {
		if (strlen(period_names[i].name) == len &&
		    strncmp(p, period_names[i].name, len) == 0)
			r->months = period_names[i].months;
	}
	if (r->months == 0) {
		bad_spec(spec, err, errlen);
		return false;
	}
	p = skip_space(p + len);
	if (isdigit((unsigned char)*p)) {
		if (r->months != 12 && r->months != 1) {
			snprintf(err, errlen, "\"%s\": only \"yearly MM-DD\" "
			    "and \"monthly DD\" name a day", spec);
			return false;
		}
		if (!parse_day(&p, r, spec, err, errlen))
			return false;
		if (*p != '\0' && *p != ' ' && *p != '\t' && *p != '+') {
			bad_spec(spec, err, errlen);
			return false;
		}
		p = skip_space(p);
	}
	if (*p == '\0')
		return true;
	return parse_offset(p, r, spec, err, errlen);
}

/* The libical form of day: a DATE value. */
static struct icaltimetype
ical_date(int day)
{
	char buf[16];
	int y, m, d;

	day_to_ymd(day, &y, &m, &d);
	snprintf(buf, sizeof buf, "%04d%02d%02d", y, m, d);
	return icaltime_from_string(buf);
}

static bool
parse_rrule(const char *spec, struct recur *r, char *err, size_t errlen)
{
	struct icalrecurrencetype rt;
	icalrecur_iterator *it;
	const char *rule = skip_space(spec);
	size_t len;

	if (strncasecmp(rule, RRULE_PREFIX, strlen(RRULE_PREFIX)) == 0)
		rule += strlen(RRULE_PREFIX);
	len = strlen(rule);
	while (len > 0 && (rule[len - 1] == ' ' || rule[len - 1] == '\t'))
		len--;
	if (len >= sizeof r->rule) {
		snprintf(err, errlen, "RRULE \"%s\" is too long (at most %zu "
		    "bytes)", spec, sizeof r->rule - 1);
		return false;
	}
	memcpy(r->rule, rule, len);
	r->rule[len] = '\0';
	icalerror_clear_errno();
	rt = icalrecurrencetype_from_string(r->rule);
	if (rt.freq == ICAL_NO_RECURRENCE) {
		snprintf(err, errlen, "RRULE \"%s\" is not valid (RFC 5545: "
		    "e.g. \"FREQ=MONTHLY;BYMONTHDAY=-1\")", r->rule);
		return false;
	}
	if (rt.rscale != NULL) {
		snprintf(err, errlen, "RRULE \"%s\": RSCALE is not supported",
		    r->rule);
		return false;
	}
	if (rt.freq < ICAL_DAILY_RECURRENCE) {
		snprintf(err, errlen, "RRULE \"%s\" repeats more often than "
		    "daily: a duty is due on a day", r->rule);
		return false;
	}
	/* libical refuses combinations it cannot iterate when asked to. */
	if ((it = icalrecur_iterator_new(rt, ical_date(day_from_ymd(2024, 1,
	    1)))) == NULL) {
		snprintf(err, errlen, "RRULE \"%s\" cannot be iterated (%s)",
		    r->rule, icalerror_strerror(icalerrno));
		icalerror_clear_errno();
		return false;
	}
	icalrecur_iterator_free(it);
	r->rrule = true;
	return true;
}

bool
recur_parse(const char *spec, struct recur *r, char *err, size_t errlen)
{
	const char *p = skip_space(spec);

	memset(r, 0, sizeof *r);
	if (strncasecmp(p, RRULE_PREFIX, strlen(RRULE_PREFIX)) == 0 ||
	    strncasecmp(p, "FREQ=", 5) == 0 || strchr(p, '=') != NULL)
		return parse_rrule(spec, r, err, errlen);
	return parse_period(spec, r, err, errlen);
}

bool
recur_uses_calendar(const struct recur *r)
{
	return !r->rrule && r->offset == RECUR_OFFSET_WORKDAYS;
}

/* The period holding day. */
static int
period_of(const struct recur *r, int day)
{
	int y, m, d;

	day_to_ymd(day, &y, &m, &d);
	return (y * 12 + m - 1) / r->months;
}

/* The base day of period p; -1 outside the supported span. */
static int
period_base(const struct recur *r, int p)
{
	int last = p * r->months + r->months - 1;
	int y = last / 12, m = last % 12 + 1, dim;

	if (r->month != 0)
		m = r->month;
	if (y < DAY_FIRST_YEAR || y > DAY_LAST_YEAR)
		return -1;
	dim = days_in_month(y, m);
	return day_from_ymd(y, m, r->mday == 0 || r->mday > dim ? dim :
	    r->mday);
}

/* The due day of period p. */
static enum recur_status
period_due(const struct recur_iter *it, int p, int *due)
{
	const struct recur *r = it->r;
	int base = period_base(r, p);

	if (base == -1)
		return RECUR_END;
	switch (r->offset) {
	case RECUR_OFFSET_NONE:
		*due = base;
		return RECUR_OK;
	case RECUR_OFFSET_DAYS:
		if (base > DAY_MAX - r->n)
			return RECUR_END;
		*due = base + r->n;
		return RECUR_OK;
	case RECUR_OFFSET_WORKDAYS:
		switch (calendar_add_workdays(it->cal, base, r->n, due)) {
		case CAL_OK:
			return RECUR_OK;
		case CAL_PROVISIONAL:
			return RECUR_PROVISIONAL;
		case CAL_EUNANNOUNCED:
			return RECUR_EUNANNOUNCED;
		default:
			return RECUR_END;
		}
	}
	return RECUR_END;
}

static void
period_label(const struct recur *r, int p, char *label, size_t len)
{
	int first = p * r->months, y = first / 12, m = first % 12 + 1;

	switch (r->months) {
	case 12:
		snprintf(label, len, "%d年", y);
		break;
	case 6:
		snprintf(label, len, "%d年%s半年", y, m == 1 ? "上" : "下");
		break;
	case 3:
		snprintf(label, len, "%d年第%s季度", y, quarter_names[m / 3]);
		break;
	default:
		snprintf(label, len, "%d年%d月", y, m);
		break;
	}
}

int
recur_iter_init(struct recur_iter *it, const struct recur *r,
    const struct calendar *cal, int from)
{
	struct icalrecurrencetype rt;
	int due;

	memset(it, 0, sizeof *it);
	it->r = r;
	it->cal = cal;
	it->from = from;
	it->last = -1;
	if (r->rrule) {
		rt = icalrecurrencetype_from_string(r->rule);
		it->ical = icalrecur_iterator_new(rt, ical_date(from));
		return it->ical == NULL ? -1 : 0;
	}
	/*
	 * An offset may push an earlier period's due day past from: walk
	 * back while it does (due days grow with the period).
	 */
	it->period = period_of(r, from);
	while (period_due(it, it->period - 1, &due) > 0 && due >= from)
		it->period--;
	return 0;
}

static enum recur_status
rrule_next(struct recur_iter *it, int *due, char *label, size_t len)
{
	struct icaltimetype t;
	int day;

	for (;;) {
		t = icalrecur_iterator_next(it->ical);
		if (icaltime_is_null_time(t) || t.year > DAY_LAST_YEAR)
			return RECUR_END;
		day = day_from_ymd(t.year, t.month, t.day);
		if (day >= it->from && day > it->last)
			break;
	}
	it->last = *due = day;
	snprintf(label, len, "%d年%d月%d日", t.year, t.month, t.day);
	return RECUR_OK;
}

enum recur_status
recur_iter_next(struct recur_iter *it, int *due, char *label, size_t len)
{
	enum recur_status st;
	int day;

	if (it->r->rrule)
		return rrule_next(it, due, label, len);
	for (;;) {
		st = period_due(it, it->period, &day);
		if (st <= RECUR_END)
			return st;
		it->period++;
		if (day >= it->from && day > it->last)
			break;
	}
	it->last = *due = day;
	period_label(it->r, it->period - 1, label, len);
	return st;
}

void
recur_iter_free(struct recur_iter *it)
{
	if (it->ical != NULL)
		icalrecur_iterator_free(it->ical);
	it->ical = NULL;
}

enum recur_status
recur_next(const struct recur *r, const struct calendar *cal, int from,
    int *due, char *label, size_t labellen)
{
	struct recur_iter it;
	enum recur_status st;

	if (recur_iter_init(&it, r, cal, from) == -1)
		return RECUR_ENOMEM;
	st = recur_iter_next(&it, due, label, labellen);
	recur_iter_free(&it);
	return st;
}
