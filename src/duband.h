/*
 * The daemon's context: what its subsystems share.  One per process,
 * created in main() and passed to each subsystem explicitly.
 */
#ifndef DUBAN_DUBAND_H
#define DUBAN_DUBAND_H

#include <stdbool.h>

#include "clock.h"
#include "log.h"
#include "metrics.h"
#include "notify.h"

struct api;
struct config;
struct dispatch;
struct event_base;
struct occurrences;
struct schedule;
struct store;
struct templates;

struct duban {
	const char		*config_path;
	bool			 verbose;	/* -v: debug logging, whatever log_level says */
	const char		*database_override;	/* -d */
	const char		*socket_override;	/* -s */
	struct event_base	*base;
	struct logger		 log;
	struct clock		 clock;
	struct config		*config;	/* swapped whole on reload */
	struct templates	*templates;	/* from config */
	struct store		*store;
	struct schedule		*schedule;
	struct dispatch		*dispatch;
	struct api		*api;
	struct occurrences	*occurrences;	/* recurring duties' timer */
	unsigned char		 ack_key[32];	/* signs acknowledgement links */
	struct notify		 notify;	/* the service manager (systemd) */
	struct metrics		 metrics;	/* counters for /metrics */
};

/*
 * Reloads the config named at start: validate everything, then swap.
 * 0, or -1 with every error in errs (the running config stays).
 */
struct errors;
int duban_reload(struct duban *, struct errors *errs);

#endif
