/*
 * The one source of "now", and local time in the installation's time zone.
 *
 * A clock is real time plus an offset.  --fake-now sets the offset so the
 * clock starts at the given instant and runs forward in real time from there,
 * which lets a black-box test watch a deadline pass in seconds.
 */
#ifndef DUBAN_CLOCK_H
#define DUBAN_CLOCK_H

#include <stddef.h>
#include <stdint.h>

struct clock {
	int64_t	offset_ms;	/* added to the real time */
};

void clock_init(struct clock *);
/*
 * Starts the clock at an instant: "2024-10-23T23:59:50+08:00",
 * "2024-10-23T15:59:50Z", or "2024-10-23 23:59:50" / "2024-10-23" (local
 * time).  Returns -1 with a message in err on a bad instant.
 */
int clock_set_fake(struct clock *, const char *instant, char *err,
    size_t errlen);
/* UTC milliseconds and seconds since the epoch. */
int64_t clock_now_ms(const struct clock *);
int64_t clock_now(const struct clock *);

/*
 * Local time.  The process has one time zone, set once at start-up (and on a
 * reload that changes it) from the config's `timezone`; it lives in the TZ
 * environment variable, where the C library looks for it.
 */
int tz_set(const char *name, char *err, size_t errlen);
/* The local calendar day (date.h) of a UTC instant. */
int local_day(int64_t t);
/* Seconds after local midnight of a UTC instant. */
int local_secs(int64_t t);
/* The UTC instant of local day + secs after midnight. */
int64_t local_instant(int day, int secs);
/* "2024-10-23T23:59:59+08:00" into buf. */
char *instant_format(int64_t t, char *buf, size_t len);
/* Parses the forms clock_set_fake takes; 0 or -1. */
int instant_parse(const char *s, int64_t *t);

#endif
