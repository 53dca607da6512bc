/*
 * The clock and local time.  See clock.h.
 */
#include "clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "date.h"

#define ZONEINFO_DIR "/usr/share/zoneinfo"

void
clock_init(struct clock *c)
{
	c->offset_ms = 0;
}

static int64_t
real_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
clock_now_ms(const struct clock *c)
{
	return real_now_ms() + c->offset_ms;
}

int64_t
clock_now(const struct clock *c)
{
	int64_t ms = clock_now_ms(c);

	return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
}

int
clock_set_fake(struct clock *c, const char *instant, char *err,
    size_t errlen)
{
	int64_t t;

	if (instant_parse(instant, &t) == -1) {
		snprintf(err, errlen, "expected an instant such as "
		    "\"2024-10-23T23:59:50+08:00\" or \"2024-10-23 23:59:50\", "
		    "got \"%s\"", instant);
		return -1;
	}
	c->offset_ms = t * 1000 - real_now_ms();
	return 0;
}

int
tz_set(const char *name, char *err, size_t errlen)
{
	char path[512];
	const char *dir = getenv("TZDIR");

	if (dir == NULL)
		dir = ZONEINFO_DIR;
	if (*name == '\0' || *name == '/' || strstr(name, "..") != NULL) {
		snprintf(err, errlen, "expected a time zone name such as "
		    "\"Asia/Shanghai\", got \"%s\"", name);
		return -1;
	}
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (access(path, R_OK) != 0) {
		snprintf(err, errlen, "unknown time zone \"%s\" (no %s; is "
		    "the tzdata package installed?)", name, path);
		return -1;
	}
	if (setenv("TZ", name, 1) == -1) {
		snprintf(err, errlen, "setenv TZ failed");
		return -1;
	}
	tzset();
	return 0;
}

static void
local_tm(int64_t t, struct tm *tm)
{
	time_t tt = (time_t)t;

	localtime_r(&tt, tm);
}

int
local_day(int64_t t)
{
	struct tm tm;

	local_tm(t, &tm);
	return day_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

int
local_secs(int64_t t)
{
	struct tm tm;

	local_tm(t, &tm);
	return tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
}

int64_t
local_instant(int day, int secs)
{
	struct tm tm;
	int y, m, d;

	day_to_ymd(day, &y, &m, &d);
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = secs / 3600;
	tm.tm_min = secs / 60 % 60;
	tm.tm_sec = secs % 60;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

char *
instant_format(int64_t t, char *buf, size_t len)
{
	struct tm tm;
	char zone[8];
	char stamp[32];

	local_tm(t, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(zone, sizeof zone, "%z", &tm);	/* "+0800" */
	snprintf(buf, len, "%s%.3s:%.2s", stamp, zone, zone + 3);
	return buf;
}

/* Reads exactly n digits. */
static const char *
digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++, s++) {
		if (*s < '0' || *s > '9')
			return NULL;
		v = v * 10 + (*s - '0');
	}
	*out = v;
	return s;
}

int
instant_parse(const char *s, int64_t *t)
{
	char date[DAY_STRLEN];
	const char *p;
	int day, hh = 0, mm = 0, ss = 0, oh, om, sign;

	if (strlen(s) < 10)
		return -1;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (!day_parse(date, &day))
		return -1;
	p = s + 10;
	if (*p == '\0') {
		*t = local_instant(day, 0);
		return 0;
	}
	if (*p != 'T' && *p != ' ')
		return -1;
	if ((p = digits(p + 1, 2, &hh)) == NULL || *p++ != ':' ||
	    (p = digits(p, 2, &mm)) == NULL)
		return -1;
	if (*p == ':' && (p = digits(p + 1, 2, &ss)) == NULL)
		return -1;
	if (hh > 23 || mm > 59 || ss > 59)
		return -1;
	if (*p == '\0') {
		*t = local_instant(day, hh * 3600 + mm * 60 + ss);
		return 0;
	}
	if (*p == 'Z' && p[1] == '\0') {
		*t = (int64_t)day * 86400 + hh * 3600 + mm * 60 + ss;
		return 0;
	}
	if (*p != '+' && *p != '-')
		return -1;
	sign = *p == '-' ? -1 : 1;
	if ((p = digits(p + 1, 2, &oh)) == NULL)
		return -1;
	if (*p == ':')
		p++;
	if ((p = digits(p, 2, &om)) == NULL || *p != '\0' || oh > 14 ||
	    om > 59)
		return -1;
	*t = (int64_t)day * 86400 + hh * 3600 + mm * 60 + ss -
	    sign * (oh * 3600 + om * 60);
	return 0;
}
