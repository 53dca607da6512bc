/*
 * libFuzzer target: the value parsers of the config file, the API and
 * dubanctl (parse.h, date.h, clock.h, duephrase.h).  The first byte picks
 * the parser, the rest is the text, copied into a buffer of its exact
 * size so that a read past the NUL shows.  What is parsed and formatted
 * again must read back the same.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "date.h"
#include "duephrase.h"
#include "parse.h"

int LLVMFuzzerInitialize(int *, char ***);
int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[256];

	(void)argc;
	(void)argv;
	if (tz_set("Asia/Shanghai", err, sizeof err) == -1)
		abort();
	return 0;
}

static void
fuzz_duration(const char *s)
{
	struct duration d, again;
	char err[256], buf[64];

	if (!parse_duration(s, &d, err, sizeof err))
		return;
	duration_format(&d, buf, sizeof buf);
	if (!parse_duration(buf, &again, err, sizeof err) ||
	    again.n != d.n || again.unit != d.unit)
		abort();
}

static void
fuzz_date(const char *s)
{
	char err[256], buf[DAY_STRLEN];
	int day, again, from, to;

	if (parse_date(s, &day, err, sizeof err)) {
		day_format(day, buf);
		if (!day_parse(buf, &again) || again != day)
			abort();
	}
	if (parse_date_range(s, &from, &to, err, sizeof err) && from > to)
		abort();
}

static void
fuzz_hours(const char *s)
{
	struct office_hours h;
	char err[256];
	int secs;

	if (parse_hours(s, &h, err, sizeof err)) {
		if (h.n == 0 || h.n > HOURS_MAX_RANGES)
			abort();
		for (size_t i = 0; i < h.n; i++) {
			if (h.range[i].from >= h.range[i].to ||
			    (i > 0 && h.range[i - 1].to > h.range[i].from))
				abort();
		}
	}
	if (parse_time_of_day(s, &secs, err, sizeof err) &&
	    (secs < 0 || secs >= 86400))
		abort();
}

static void
fuzz_instant(const char *s)
{
	char buf[64];
	int64_t t, again;

	if (instant_parse(s, &t) == -1)
		return;
	instant_format(t, buf, sizeof buf);
	if (instant_parse(buf, &again) == -1 || again != t)
		abort();
}

static void
fuzz_other(const char *s, uint8_t sel)
{
	static const char *const schemes[] = { "http", "https", NULL };
	char err[256], host[256];
	int day, port;

	switch (sel % 4) {
	case 0:
		duephrase_parse(s, 2024, &day, err, sizeof err);
		duephrase_parse(s, DUEPHRASE_NO_YEAR, &day, err, sizeof err);
		break;
	case 1:
		parse_url(s, schemes, err, sizeof err);
		break;
	case 2:
		parse_email(s, err, sizeof err);
		break;
	default:
		if (parse_host_port(s, host, sizeof host, &port, err,
		    sizeof err) && (port < 1 || port > 65535))
			abort();
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size < 1)
		return 0;
	if ((s = malloc(size)) == NULL)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	switch (data[0] % 5) {
	case 0:
		fuzz_duration(s);
		break;
	case 1:
		fuzz_date(s);
		break;
	case 2:
		fuzz_hours(s);
		break;
	case 3:
		fuzz_instant(s);
		break;
	default:
		fuzz_other(s, data[0] / 5);
		break;
	}
	free(s);
	return 0;
}
