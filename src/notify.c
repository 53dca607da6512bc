/*
 * The service manager's notify protocol.  See notify.h.
 *
 * Decisions visible to operators (duband(8)):
 *  - Nothing is sent unless NOTIFY_SOCKET is set when duband starts; the
 *    variable is left in the environment.
 *  - The watchdog runs when systemd asks for it (WatchdogSec=, seen by
 *    sd_watchdog_enabled): WATCHDOG=1 every half period from a timer on
 *    the event loop, so only a live loop keeps the daemon alive.
 *  - STATUS= reads "pending N, overdue M": reminders waiting to be sent
 *    (pending or retry) and items past their deadline (metrics_counts).
 *    It is sent when the daemon is ready, after a reload, and after
 *    deliveries, at most once every NOTIFY_STATUS_INTERVAL seconds.
 *  - A reload sends RELOADING=1 with MONOTONIC_USEC= (as systemd 253 and
 *    later want it), then READY=1 whether the new config was taken or not:
 *    a rejected config leaves the daemon running on the old one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "duband.h"
#include "metrics.h"
#include "notify.h"

#ifdef HAVE_LIBSYSTEMD

static void
send_state(struct notify *n, const char *state)
{
	int rc;

	if (!n->active)
		return;
	if ((rc = sd_notify(0, state)) < 0)
		log_warn(&n->d->log, "sd_notify: %s", strerror(-rc));
}

/* Intervals are real time, whatever --fake-now did to duband's clock. */
static int64_t
monotonic_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void
on_watchdog(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	send_state(arg, "WATCHDOG=1");
}

static void
on_status(evutil_socket_t fd, short what, void *arg)
{
	struct notify *n = arg;
	size_t waiting, overdue;
	char line[96];

	(void)fd;
	(void)what;
	n->status_usec = monotonic_usec();
	if (metrics_counts(n->d, &waiting, &overdue) == -1)
		return;
	snprintf(line, sizeof line, "STATUS=pending %zu, overdue %zu",
	    waiting, overdue);
	send_state(n, line);
}

/* Arms the WATCHDOG=1 timer when systemd wants pings. */
static int
watchdog_start(struct notify *n)
{
	struct timeval tv;
	uint64_t usec = 0;

	if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0)
		return 0;
	usec /= 2;
	tv.tv_sec = (time_t)(usec / 1000000);
	tv.tv_usec = (suseconds_t)(usec % 1000000);
	if ((n->watchdog = event_new(n->d->base, -1, EV_PERSIST, on_watchdog,
	    n)) == NULL || event_add(n->watchdog, &tv) == -1)
		return -1;
	log_info(&n->d->log, "watchdog: a ping every %lld ms",
	    (long long)(usec / 1000));
	return 0;
}

int
notify_start(struct notify *n, struct duban *d)
{
	n->d = d;
	n->active = getenv("NOTIFY_SOCKET") != NULL;
	if (!n->active)
		return 0;
	if ((n->status = evtimer_new(d->base, on_status, n)) == NULL ||
	    watchdog_start(n) == -1) {
		log_err(&d->log, "notify: cannot set up a timer");
		return -1;
	}
	return 0;
}

void
notify_stop(struct notify *n)
{
	if (n->watchdog != NULL)
		event_free(n->watchdog);
	if (n->status != NULL)
		event_free(n->status);
	n->watchdog = n->status = NULL;
	n->active = false;
}

void
notify_ready(struct notify *n)
{
	send_state(n, "READY=1");
}

void
notify_reloading(struct notify *n)
{
	char line[64];

	snprintf(line, sizeof line, "RELOADING=1\nMONOTONIC_USEC=%lld",
	    (long long)monotonic_usec());
	send_state(n, line);
}

void
notify_stopping(struct notify *n)
{
	send_state(n, "STOPPING=1");
}

void
notify_status_soon(struct notify *n)
{
	struct timeval tv = { 0, 0 };
	int64_t wait;

	if (!n->active || n->status == NULL || evtimer_pending(n->status, NULL))
		return;
	wait = n->status_usec + NOTIFY_STATUS_INTERVAL * 1000000LL -
	    monotonic_usec();
	if (n->status_usec != 0 && wait > 0) {
		tv.tv_sec = (time_t)(wait / 1000000);
		tv.tv_usec = (suseconds_t)(wait % 1000000);
	}
	evtimer_add(n->status, &tv);
}

#else /* !HAVE_LIBSYSTEMD: the daemon runs the same, unmanaged */

int
notify_start(struct notify *n, struct duban *d)
{
	n->d = d;
	n->active = false;
	return 0;
}

void
notify_stop(struct notify *n)
{
	(void)n;
}

void
notify_ready(struct notify *n)
{
	(void)n;
}

void
notify_reloading(struct notify *n)
{
	(void)n;
}

void
notify_stopping(struct notify *n)
{
	(void)n;
}

void
notify_status_soon(struct notify *n)
{
	(void)n;
}

#endif
