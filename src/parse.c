/*
 * Value parsers shared by the config file and dubanctl (parse.h).
 *
 * Decisions visible to users:
 *  - Durations: "N workdays", "N days", "N hours", "Nh", "N workhours";
 *    singular and plural are both accepted whatever N is, the blank between
 *    number and unit is optional, surrounding blanks are ignored.
 *  - Times of day are strictly "HH:MM" or "HH:MM:SS" with two digits each.
 *    In office hours (parse_hours) the end of a range may be "24:00", the
 *    end of the day; a range may not wrap past midnight.  Ranges that only
 *    touch ("09:00-12:00,12:00-13:00") do not overlap.
 *  - URLs are checked with libcurl's URL API; the scheme must be written.
 *  - listen addresses are "HOST:PORT" or "[IPV6]:PORT".
 */
#include "parse.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "date.h"

#define DURATION_MAX 100000

struct unit_name {
	const char	*name;
	enum dur_unit	 unit;
};

/* Longest names first where one is a prefix of another does not matter:
 * the whole rest of the string must match. */
static const struct unit_name unit_names[] = {
	{ "workdays",	DUR_WORKDAYS },
	{ "workday",	DUR_WORKDAYS },
	{ "days",	DUR_DAYS },
	{ "day",	DUR_DAYS },
	{ "hours",	DUR_HOURS },
	{ "hour",	DUR_HOURS },
	{ "h",		DUR_HOURS },
	{ "workhours",	DUR_WORKHOURS },
	{ "workhour",	DUR_WORKHOURS },
};

static const char *
skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* Length of s without trailing blanks. */
static size_t
trimmed_len(const char *s)
{
	size_t len = strlen(s);

	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	return len;
}

bool
parse_duration(const char *s, struct duration *d, char *err, size_t errlen)
{
	const char *p, *unit;
	size_t unitlen;
	long n = 0;
	int sign = 1, digits = 0;

	p = skip_blanks(s);
	if (*p == '+' || *p == '-') {
		if (*p == '-')
			sign = -1;
		p++;
	}
	while (isdigit((unsigned char)*p)) {
		if (n <= DURATION_MAX)
			n = n * 10 + (*p - '0');
		digits++;
		p++;
	}
	unit = skip_blanks(p);
	unitlen = trimmed_len(unit);
	if (digits == 0 || unitlen == 0)
		goto bad;
	for (size_t i = 0; i < sizeof unit_names / sizeof unit_names[0]; i++) {
		if (strlen(unit_names[i].name) != unitlen ||
		    strncmp(unit, unit_names[i].name, unitlen) != 0)
			continue;
		if (n > DURATION_MAX) {
			snprintf(err, errlen, "duration \"%s\" is too long "
			    "(at most %d)", s, DURATION_MAX);
			return false;
		}
		d->n = sign * (int)n;
		d->unit = unit_names[i].unit;
		return true;
	}
bad:
	snprintf(err, errlen, "expected a duration such as \"3 workdays\", "
	    "\"2 days\" or \"4h\", got \"%s\"", s);
	return false;
}

const char *
dur_unit_str(enum dur_unit unit, int n)
{
	bool one = n == 1 || n == -1;

	switch (unit) {
	case DUR_WORKDAYS:
		return one ? "workday" : "workdays";
	case DUR_DAYS:
		return one ? "day" : "days";
	case DUR_HOURS:
		return one ? "hour" : "hours";
	case DUR_WORKHOURS:
		return one ? "workhour" : "workhours";
	}
	return "?";
}

char *
duration_format(const struct duration *d, char *buf, size_t len)
{
	snprintf(buf, len, "%d %s", d->n, dur_unit_str(d->unit, d->n));
	return buf;
}

bool
parse_date(const char *s, int *day, char *err, size_t errlen)
{
	int y, m, dd;
	char extra;

	if (day_parse(s, day))
		return true;
	/* Well-formed but not a real day: say so rather than "expected". */
	if (strlen(s) == 10 && sscanf(s, "%4d-%2d-%2d%c", &y, &m, &dd,
	    &extra) == 3 && s[4] == '-' && s[7] == '-') {
		if (y < DAY_FIRST_YEAR || y > DAY_LAST_YEAR)
			snprintf(err, errlen, "date \"%s\" is outside the "
			    "supported years %d..%d", s, DAY_FIRST_YEAR,
			    DAY_LAST_YEAR);
		else if (m < 1 || m > 12)
			snprintf(err, errlen, "date \"%s\" has no month %d",
			    s, m);
		else
			snprintf(err, errlen, "date \"%s\" does not exist: "
			    "%04d-%02d has %d days", s, y, m,
			    days_in_month(y, m));
		return false;
	}
	snprintf(err, errlen, "expected a date \"YYYY-MM-DD\" such as "
	    "\"2024-10-01\", got \"%s\"", s);
	return false;
}

bool
parse_date_range(const char *s, int *from, int *to, char *err,
    size_t errlen)
{
	const char *dots;
	char first[DAY_STRLEN];
	size_t len;

	dots = strstr(s, "..");
	if (dots == NULL) {
		if (!parse_date(s, from, err, errlen))
			return false;
		*to = *from;
		return true;
	}
	len = (size_t)(dots - s);
	if (len >= sizeof first) {
		snprintf(err, errlen, "expected a date \"YYYY-MM-DD\" or a "
		    "range \"YYYY-MM-DD..YYYY-MM-DD\", got \"%s\"", s);
		return false;
	}
	memcpy(first, s, len);
	first[len] = '\0';
	if (!parse_date(first, from, err, errlen) ||
	    !parse_date(dots + 2, to, err, errlen))
		return false;
	if (*to < *from) {
		snprintf(err, errlen, "date range \"%s\" ends before it "
		    "starts", s);
		return false;
	}
	return true;
}

static bool
two_digits(const char *s, int *v)
{
	if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]))
		return false;
	*v = (s[0] - '0') * 10 + (s[1] - '0');
	return true;
}

/*
 * Reads "HH:MM" or "HH:MM:SS" at s; *end is set past it.  allow_24 admits
 * exactly "24:00" (the end of the day).
 */
static bool
scan_time(const char *s, const char **end, bool allow_24, int *secs)
{
	int h, m, sec = 0;

	if (!two_digits(s, &h) || s[2] != ':' || !two_digits(s + 3, &m))
		return false;
	s += 5;
	if (s[0] == ':') {
		if (!two_digits(s + 1, &sec))
			return false;
		s += 3;
	}
	if (isdigit((unsigned char)*s))
		return false;
	if (allow_24 && h == 24 && m == 0 && sec == 0) {
		*secs = 24 * 3600;
		*end = s;
		return true;
	}
	if (h > 23 || m > 59 || sec > 59)
		return false;
	*secs = h * 3600 + m * 60 + sec;
	*end = s;
	return true;
}

bool
parse_time_of_day(const char *s, int *secs, char *err, size_t errlen)
{
	const char *end;

	if (!scan_time(s, &end, false, secs) || *end != '\0') {
		snprintf(err, errlen, "expected a time of day \"HH:MM\" or "
		    "\"HH:MM:SS\" from 00:00 to 23:59:59, got \"%s\"", s);
		return false;
	}
	return true;
}

static int
range_cmp(const void *a, const void *b)
{
	const struct hours_range *ra = a, *rb = b;

	return (ra->from > rb->from) - (ra->from < rb->from);
}

static void
format_secs(int secs, char *buf, size_t len)
{
	snprintf(buf, len, "%02d:%02d", secs / 3600, secs / 60 % 60);
}

bool
parse_hours(const char *s, struct office_hours *h, char *err, size_t errlen)
{
	const char *p = s;
	struct hours_range r;
	char a[16], b[16], c[16], d[16];

	h->n = 0;
	for (;;) {
		p = skip_blanks(p);
		if (!scan_time(p, &p, false, &r.from) || *p != '-' ||
		    !scan_time(p + 1, &p, true, &r.to))
			goto bad;
		if (r.to <= r.from) {
			format_secs(r.from, a, sizeof a);
			format_secs(r.to, b, sizeof b);
			snprintf(err, errlen, "office hours \"%s\": %s-%s ends "
			    "before it starts (ranges may not pass midnight)",
			    s, a, b);
			return false;
		}
		if (h->n == HOURS_MAX_RANGES) {
			snprintf(err, errlen, "office hours \"%s\": at most %d "
			    "ranges", s, HOURS_MAX_RANGES);
			return false;
		}
		h->range[h->n++] = r;
		p = skip_blanks(p);
		if (*p == '\0')
			break;
		if (*p != ',')
			goto bad;
		p++;
	}
	qsort(h->range, h->n, sizeof h->range[0], range_cmp);
	for (size_t i = 1; i < h->n; i++) {
		if (h->range[i].from >= h->range[i - 1].to)
			continue;
		format_secs(h->range[i - 1].from, a, sizeof a);
		format_secs(h->range[i - 1].to, b, sizeof b);
		format_secs(h->range[i].from, c, sizeof c);
		format_secs(h->range[i].to, d, sizeof d);
		snprintf(err, errlen, "office hours \"%s\": %s-%s overlaps "
		    "%s-%s", s, a, b, c, d);
		h->n = 0;
		return false;
	}
	return true;
bad:
	snprintf(err, errlen, "expected office hours such as "
	    "\"09:00-12:00,13:30-17:30\", got \"%s\"", s);
	h->n = 0;
	return false;
}

/* "http or https", "smtp, smtps or x" */
static void
format_schemes(const char *const *schemes, char *buf, size_t len)
{
	size_t n = 0, used = 0;

	while (schemes[n] != NULL)
		n++;
	buf[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++) {
		const char *sep = i == 0 ? "" : i + 1 == n ? " or " : ", ";
		int w = snprintf(buf + used, len - used, "%s%s", sep,
		    schemes[i]);

		if (w < 0)
			break;
		used += (size_t)w;
	}
}

bool
parse_url(const char *s, const char *const *schemes, char *err,
    size_t errlen)
{
	CURLU *u;
	CURLUcode rc;
	char *scheme = NULL, *host = NULL, want[128];
	bool ok = false;

	format_schemes(schemes, want, sizeof want);
	if ((u = curl_url()) == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	/* The scheme list decides, not what this libcurl was built with. */
	rc = curl_url_set(u, CURLUPART_URL, s, CURLU_NON_SUPPORT_SCHEME);
	if (rc != CURLUE_OK) {
#if LIBCURL_VERSION_NUM >= 0x075000
		snprintf(err, errlen, "expected a URL such as "
		    "\"%s://host/path\", got \"%s\" (%s)", schemes[0], s,
		    curl_url_strerror(rc));
#else
		snprintf(err, errlen, "expected a URL such as "
		    "\"%s://host/path\", got \"%s\"", schemes[0], s);
#endif
		goto out;
	}
	if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    host[0] == '\0') {
		snprintf(err, errlen, "URL \"%s\" has no host", s);
		goto out;
	}
	for (size_t i = 0; schemes[i] != NULL; i++) {
		if (strcasecmp(scheme, schemes[i]) == 0) {
			ok = true;
			goto out;
		}
	}
	snprintf(err, errlen, "expected a URL with scheme %s, got \"%s\"",
	    want, s);
out:
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return ok;
}

static bool
email_char_ok(unsigned char c)
{
	return c > ' ' && c != 0x7f && c != '<' && c != '>' && c != '@' &&
	    c != ',' && c != ';' && c != '"' && c != '(' && c != ')' &&
	    c != '[' && c != ']' && c != '\\';
}

bool
parse_email(const char *s, char *err, size_t errlen)
{
	const char *at, *dot, *p;

	at = strchr(s, '@');
	if (at == NULL || at == s || at[1] == '\0')
		goto bad;
	for (p = s; *p != '\0'; p++) {
		if (p != at && !email_char_ok((unsigned char)*p))
			goto bad;
	}
	/* The domain needs a dot, not at either end, and no empty label. */
	dot = strchr(at + 1, '.');
	if (dot == NULL || at[1] == '.' || s[strlen(s) - 1] == '.' ||
	    strstr(at + 1, "..") != NULL)
		goto bad;
	return true;
bad:
	snprintf(err, errlen, "expected an e-mail address such as "
	    "\"zonghe@example.gov.cn\", got \"%s\"", s);
	return false;
}

bool
parse_host_port(const char *s, char *host, size_t hostlen, int *port,
    char *err, size_t errlen)
{
	const char *colon, *h = s, *p;
	size_t len;
	long v = 0;

	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (close == NULL || close[1] != ':')
			goto bad;
		h = s + 1;
		len = (size_t)(close - h);
		colon = close + 1;
	} else {
		colon = strrchr(s, ':');
		if (colon == NULL)
			goto bad;
		len = (size_t)(colon - s);
		if (memchr(s, ':', len) != NULL)
			goto bad;	/* a bare IPv6 address needs brackets */
	}
	if (len == 0 || len >= hostlen || memchr(h, ' ', len) != NULL)
		goto bad;
	for (p = colon + 1; isdigit((unsigned char)*p) && v <= 65535; p++)
		v = v * 10 + (*p - '0');
	if (p == colon + 1 || *p != '\0' || v < 1 || v > 65535)
		goto bad;
	memcpy(host, h, len);
	host[len] = '\0';
	*port = (int)v;
	return true;
bad:
	snprintf(err, errlen, "expected \"HOST:PORT\" such as "
	    "\"127.0.0.1:8730\" or \"[::1]:8730\", got \"%s\"", s);
	return false;
}
