/*
 * Parsers for the value syntaxes of the config file and of dubanctl: dates,
 * date ranges, durations ("3 workdays", "2 days", "4h"), times of day,
 * office hours ("09:00-12:00,13:30-17:30"), URLs and e-mail addresses.
 * Each returns true on success; on failure it writes what was expected into
 * err (never naming a file: the caller adds "file:line:").
 */
#ifndef DUBAN_PARSE_H
#define DUBAN_PARSE_H

#include <stdbool.h>
#include <stddef.h>

enum dur_unit {
	DUR_WORKDAYS,
	DUR_DAYS,
	DUR_HOURS,
	DUR_WORKHOURS,
};

struct duration {
	int		n;	/* may be negative: "-1 workday" is one before */
	enum dur_unit	unit;
};

#define HOURS_MAX_RANGES 8

struct hours_range {
	int	from;	/* seconds after local midnight */
	int	to;	/* exclusive; from < to */
};

struct office_hours {
	struct hours_range	range[HOURS_MAX_RANGES];	/* sorted, disjoint */
	size_t			n;
};

/*
 * "N workdays" / "N workday" / "N days" / "N day" / "N hours" / "Nh" /
 * "N workhours", optional leading "+" or "-", |N| <= 100000.
 */
bool parse_duration(const char *s, struct duration *d, char *err,
    size_t errlen);
/* Writes e.g. "3 workdays" / "1 day" / "4 hours"; returns buf. */
char *duration_format(const struct duration *d, char *buf, size_t len);
const char *dur_unit_str(enum dur_unit unit, int n);

/* "YYYY-MM-DD" (see date.h). */
bool parse_date(const char *s, int *day, char *err, size_t errlen);
/* "YYYY-MM-DD" or "YYYY-MM-DD..YYYY-MM-DD" (inclusive, from <= to). */
bool parse_date_range(const char *s, int *from, int *to, char *err,
    size_t errlen);
/* "HH:MM" or "HH:MM:SS", 00:00:00 .. 23:59:59, into seconds. */
bool parse_time_of_day(const char *s, int *secs, char *err, size_t errlen);
/* "HH:MM-HH:MM[,HH:MM-HH:MM...]", each from < to, ranges not overlapping. */
bool parse_hours(const char *s, struct office_hours *h, char *err,
    size_t errlen);
/* A URL libcurl accepts whose scheme is one of schemes (NULL-terminated). */
bool parse_url(const char *s, const char *const *schemes, char *err,
    size_t errlen);
/* local@domain, with a dot in the domain, no spaces or angle brackets. */
bool parse_email(const char *s, char *err, size_t errlen);
/*
 * "HOST:PORT" or "[IPV6]:PORT" (port 1..65535) for a TCP listener; host
 * (without brackets) is written into host (hostlen bytes).
 */
bool parse_host_port(const char *s, char *host, size_t hostlen, int *port,
    char *err, size_t errlen);

#endif
