/*
 * duband: the daemon.  One process, one libevent loop: the API (evhttp),
 * the scheduler's timer and the dispatcher's curl multi handle all run on
 * it.  See DESIGN §2.
 */
#include <curl/curl.h>
#include <event2/event.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>

#include "api.h"
#include "config.h"
#include "crypto.h"
#include "dispatch.h"
#include "duband.h"
#include "errors.h"
#include "metrics.h"
#include "notify.h"
#include "occurrence.h"
#include "render.h"
#include "schedule.h"
#include "store.h"
#include "sync.h"

#define DEFAULT_CONFIG SYSCONFDIR "/duban/duban.conf"
#define ACK_KEY_META "ack_key"

static int
usage(void)
{
	fprintf(stderr, "usage: duband [-tv] [-c CONF] [-d DATABASE] "
	    "[-s SOCKET] [--fake-now INSTANT]\n");
	return EX_USAGE;
}

static void
log_errors(struct duban *d, const struct errors *errs)
{
	for (size_t i = 0; i < errs->n; i++)
		log_err(&d->log, "%s", errs->msg[i]);
}

/* Replaces *field with a command-line value. */
static int
override(char **field, const char *value)
{
	char *copy;

	if (value == NULL)
		return 0;
	if ((copy = strdup(value)) == NULL)
		return -1;
	free(*field);
	*field = copy;
	return 0;
}

/*
 * Applies the command-line overrides to cf, and the settings of cf that
 * live outside the config struct.
 */
static int
apply_config(struct duban *d, struct config *cf, struct errors *errs)
{
	enum log_level level;
	char err[256];

	if (override(&cf->database, d->database_override) == -1 ||
	    override(&cf->socket, d->socket_override) == -1) {
		errors_add(errs, "out of memory");
		return -1;
	}

	if (tz_set(cf->timezone, err, sizeof err) == -1) {
		errors_add(errs, "%s: timezone: %s", cf->path, err);
		return -1;
	}
	if (!d->verbose && log_level_parse(cf->log_level, &level) == 0)
		d->log.level = level;
	return 0;
}

static int
sync_store(struct duban *d, const struct config *cf, struct errors *errs)
{
	struct sync_stats st;
	char err[512];

	if (sync_config(d->store, cf, clock_now(&d->clock), &st, err,
	    sizeof err) == -1) {
		errors_add(errs, "store: %s", err);
		return -1;
	}
	log_info(&d->log, "config tasks: %d added, %d changed, %d retired, "
	    "%d restored, %d unchanged", st.added, st.changed, st.retired,
	    st.restored, st.unchanged);
	return 0;
}

static int
reload_config(struct duban *d, struct errors *errs)
{
	struct config *cf;
	struct templates *tp;
	char err[512] = "";

	log_notice(&d->log, "reloading %s", d->config_path);
	if ((cf = config_load(d->config_path, errs)) == NULL)
		return -1;
	if ((tp = templates_load(cf, err, sizeof err)) == NULL) {
		errors_add(errs, "%s", err);
		config_free(cf);
		return -1;
	}
	if (apply_config(d, cf, errs) == -1 ||
	    sync_store(d, cf, errs) == -1 ||
	    dispatch_reload(d->dispatch, cf, err, sizeof err) == -1) {
		if (err[0] != '\0')
			errors_add(errs, "%s", err);
		apply_config(d, d->config, errs);
		templates_free(tp);
		config_free(cf);
		return -1;
	}
	/* The dispatcher keeps copies of what it needs from the old config. */
	config_free(d->config);
	templates_free(d->templates);
	d->config = cf;
	d->templates = tp;
	schedule_replan_changed(d->schedule);
	occurrence_sync(d, clock_now(&d->clock));
	log_notice(&d->log, "reloaded %s", d->config_path);
	return 0;
}

/* SIGHUP and POST /v1/reload: the service manager sees both. */
int
duban_reload(struct duban *d, struct errors *errs)
{
	int rc;

	notify_reloading(&d->notify);
	rc = reload_config(d, errs);
	metrics_config_loaded(&d->metrics, rc == 0, clock_now(&d->clock));
	notify_ready(&d->notify);
	notify_status_soon(&d->notify);
	return rc;
}

/* Makes the database's directory if it does not exist yet (one level). */
static void
make_parent_dir(const char *path)
{
	char *dir = strdup(path), *slash;

	if (dir == NULL)
		return;
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		/* On failure, opening the database reports the problem. */
		(void)mkdir(dir, 0750);
	}
	free(dir);
}

static int
open_store(struct duban *d, const char *path)
{
	char err[512];
	int recovered;

	make_parent_dir(path);
	if (store_backend("sqlite")->open(&d->store, path, err,
	    sizeof err) == -1) {
		log_err(&d->log, "%s", err);
		return -1;
	}
	if (d->store->ops->reminders_recover(d->store, clock_now(&d->clock),
	    &recovered) == -1) {
		log_err(&d->log, "%s", store_error(d->store));
		return -1;
	}
	if (recovered > 0)
		log_warn(&d->log, "%d reminders were being sent when duband "
		    "stopped; they will be sent again", recovered);
	log_info(&d->log, "store %s open", path);
	return 0;
}

/* The key that signs acknowledgement links: made once, kept in the store. */
static int
load_ack_key(struct duban *d)
{
	struct store *st = d->store;
	char *hex = NULL;
	int rc = -1;

	if (st->ops->meta_get(st, ACK_KEY_META, &hex) == -1)
		goto out;
	if (hex == NULL) {
		if (random_bytes(d->ack_key, sizeof d->ack_key) == -1 ||
		    (hex = hex_encode(d->ack_key, sizeof d->ack_key)) == NULL)
			goto out;
		rc = st->ops->meta_put(st, ACK_KEY_META, hex);
		goto out;
	}
	if (strlen(hex) != 2 * sizeof d->ack_key)
		goto out;
	for (size_t i = 0; i < sizeof d->ack_key; i++) {
		unsigned int byte;

		if (sscanf(hex + 2 * i, "%2x", &byte) != 1)
			goto out;
		d->ack_key[i] = (unsigned char)byte;
	}
	rc = 0;
out:
	if (rc == -1)
		log_err(&d->log, "cannot load the acknowledgement key: %s",
		    store_error(st));
	free(hex);
	return rc;
}

/* duband -t: the templates the config names must parse too. */
static int
check_templates(struct duban *d)
{
	struct templates *tp;
	char err[512];

	if ((tp = templates_load(d->config, err, sizeof err)) == NULL) {
		log_err(&d->log, "%s", err);
		return EX_CONFIG;
	}
	templates_free(tp);
	return 0;
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct duban *d = arg;
	struct errors errs;

	(void)what;
	if (sig == SIGHUP) {
		errors_init(&errs);
		if (duban_reload(d, &errs) == -1) {
			log_errors(d, &errs);
			log_err(&d->log, "reload rejected; the running config "
			    "stays");
		}
		errors_free(&errs);
		return;
	}
	log_notice(&d->log, "%s: shutting down", strsignal((int)sig));
	notify_stopping(&d->notify);
	event_base_loopbreak(d->base);
}

/* Starts the subsystems on the loop; EX_OK or an exit code. */
static int
start(struct duban *d)
{
	char err[512];

	if ((d->templates = templates_load(d->config, err,
	    sizeof err)) == NULL) {
		log_err(&d->log, "%s", err);
		return EX_CONFIG;
	}
	if ((d->dispatch = dispatch_new(d, err, sizeof err)) == NULL) {
		log_err(&d->log, "%s", err);
		return EX_CONFIG;
	}
	if ((d->schedule = schedule_new(d)) == NULL) {
		log_err(&d->log, "out of memory");
		return EX_OSERR;
	}
	if ((d->api = api_new(d, err, sizeof err)) == NULL) {
		log_err(&d->log, "%s", err);
		return EX_UNAVAILABLE;
	}
	if (schedule_replan_changed(d->schedule) == -1)
		return EX_SOFTWARE;
	/* Recurring duties: their occurrences, and the timer for the next. */
	if ((d->occurrences = occurrences_new(d)) == NULL) {
		log_err(&d->log, "out of memory");
		return EX_OSERR;
	}
	occurrence_sync(d, clock_now(&d->clock));
	return EX_OK;
}

static void
stop(struct duban *d)
{
	api_free(d->api);
	occurrences_free(d->occurrences);
	schedule_free(d->schedule);
	dispatch_free(d->dispatch);
	templates_free(d->templates);
}

static int
run(struct duban *d)
{
	static const int signals[] = { SIGINT, SIGTERM, SIGHUP };
	struct event *ev[3] = { NULL };
	char now[40];
	int rc;

	if ((d->base = event_base_new()) == NULL) {
		log_err(&d->log, "event_base_new failed");
		return EX_OSERR;
	}
	for (size_t i = 0; i < 3; i++) {
		ev[i] = evsignal_new(d->base, signals[i], on_signal, d);
		if (ev[i] == NULL || evsignal_add(ev[i], NULL) == -1) {
			log_err(&d->log, "cannot handle signal %d", signals[i]);
			rc = EX_OSERR;
			goto out;
		}
	}
	if (notify_start(&d->notify, d) == -1) {
		rc = EX_OSERR;
		goto out;
	}
	if ((rc = start(d)) != EX_OK)
		goto out;
	metrics_config_loaded(&d->metrics, true, clock_now(&d->clock));
	log_notice(&d->log, "duband %s ready (now %s)", PACKAGE_VERSION,
	    instant_format(clock_now(&d->clock), now, sizeof now));
	notify_ready(&d->notify);
	notify_status_soon(&d->notify);
	if (event_base_dispatch(d->base) == -1) {
		log_err(&d->log, "event loop failed");
		rc = EX_SOFTWARE;
	}
out:
	stop(d);
	notify_stop(&d->notify);
	for (size_t i = 0; i < 3; i++)
		if (ev[i] != NULL)
			event_free(ev[i]);
	event_base_free(d->base);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "database", required_argument, NULL, 'd' },
		{ "socket", required_argument, NULL, 's' },
		{ "fake-now", required_argument, NULL, 'N' },
		{ "test", no_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct duban d = { .config_path = DEFAULT_CONFIG };
	struct errors errs;
	const char *fake_now = NULL;
	char err[256];
	bool test_only = false;
	int ch, rc;

	log_init(&d.log, LOGL_NOTICE);
	clock_init(&d.clock);
	while ((ch = getopt_long(argc, argv, "c:d:s:tvhV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			d.config_path = optarg;
			break;
		case 'd':
			d.database_override = optarg;
			break;
		case 's':
			d.socket_override = optarg;
			break;
		case 'N':
			fake_now = optarg;
			break;
		case 't':
			test_only = true;
			break;
		case 'v':
			d.verbose = true;
			d.log.level = LOGL_DEBUG;
			break;
		case 'V':
			printf("duband %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			usage();
			return 0;
		default:
			return usage();
		}
	}
	if (optind != argc)
		return usage();

	errors_init(&errs);
	if ((d.config = config_load(d.config_path, &errs)) == NULL ||
	    apply_config(&d, d.config, &errs) == -1) {
		log_errors(&d, &errs);
		log_err(&d.log, "%s: %zu error%s", d.config_path, errs.n,
		    errs.n == 1 ? "" : "s");
		errors_free(&errs);
		config_free(d.config);
		return EX_CONFIG;
	}
	if (test_only) {
		rc = check_templates(&d);
		if (rc == 0)
			printf("%s: ok\n", d.config_path);
		config_free(d.config);
		return rc;
	}
	/* After the time zone is set: local fake instants need it. */
	if (fake_now != NULL &&
	    clock_set_fake(&d.clock, fake_now, err, sizeof err) == -1) {
		log_err(&d.log, "--fake-now: %s", err);
		config_free(d.config);
		return EX_USAGE;
	}
	signal(SIGPIPE, SIG_IGN);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (open_store(&d, d.config->database) == -1) {
		rc = EX_CANTCREAT;
	} else if (load_ack_key(&d) == -1 ||
	    sync_store(&d, d.config, &errs) == -1) {
		log_errors(&d, &errs);
		rc = EX_SOFTWARE;
	} else
		rc = run(&d);
	if (d.store != NULL)
		d.store->ops->close(d.store);
	errors_free(&errs);
	config_free(d.config);
	curl_global_cleanup();
	return rc;
}
