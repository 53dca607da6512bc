/*
 * Telling the service manager how the daemon is doing: systemd's notify
 * protocol through libsystemd's sd_notify (Type=notify in duband.service).
 *
 *   READY=1            the store is open and the schedule armed
 *   RELOADING=1 ...    a reload started; READY=1 again when it ended,
 *                      whether or not the new config was taken
 *   STOPPING=1         SIGTERM or SIGINT: shutting down
 *   STATUS=...         "pending N, overdue M", refreshed at most every
 *                      NOTIFY_STATUS_INTERVAL seconds after deliveries
 *   WATCHDOG=1         from a loop timer at half of WatchdogSec=, so a
 *                      stuck loop gets the daemon restarted
 *
 * Without libsystemd at build time, or without NOTIFY_SOCKET in the
 * environment (not started by systemd), every call does nothing.  A
 * zeroed struct notify is valid and inert (notify_start not called).
 */
#ifndef DUBAN_NOTIFY_H
#define DUBAN_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>

#define NOTIFY_STATUS_INTERVAL	5	/* seconds between STATUS= updates */

struct duban;
struct event;

struct notify {
	struct duban	*d;
	bool		 active;	/* a service manager listens */
	struct event	*watchdog;	/* persistent, half of WatchdogSec */
	struct event	*status;	/* one-shot: the next STATUS= */
	int64_t		 status_usec;	/* when the last STATUS= went
					   (CLOCK_MONOTONIC); 0: never */
};

/*
 * Sets up on d's loop (d->base): the watchdog timer when the service
 * manager asked for one.  0, or -1 when a timer cannot be made.
 */
int notify_start(struct notify *, struct duban *d);
void notify_stop(struct notify *);

void notify_ready(struct notify *);
void notify_reloading(struct notify *);
void notify_stopping(struct notify *);
/*
 * Something changed (a delivery ended, a reload): send STATUS= now, or
 * NOTIFY_STATUS_INTERVAL seconds after the last one when that was recent.
 */
void notify_status_soon(struct notify *);

#endif
