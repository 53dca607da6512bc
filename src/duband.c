/*
 * duband: the daemon.  One process, one libevent loop.
 */
#include <event2/event.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>

#include "clock.h"
#include "config.h"
#include "errors.h"
#include "log.h"
#include "store.h"
#include "sync.h"

#define DEFAULT_CONFIG SYSCONFDIR "/duban/duban.conf"

struct duband {
	const char		*config_path;
	const char		*database;	/* -d: overrides the config */
	bool			 verbose;
	struct logger		 log;
	struct clock		 clock;
	struct config		*config;
	struct store		*store;
	struct event_base	*base;
};

static int
usage(void)
{
	fprintf(stderr, "usage: duband [-tv] [-c CONF] [-d DATABASE] "
	    "[--fake-now INSTANT]\n");
	return EX_USAGE;
}

static struct config *
load_config(struct duband *d)
{
	struct config *cf;
	struct errors errs;

	errors_init(&errs);
	if ((cf = config_load(d->config_path, &errs)) == NULL) {
		for (size_t i = 0; i < errs.n; i++)
			log_err(&d->log, "%s", errs.msg[i]);
		log_err(&d->log, "%s: %zu error%s", d->config_path, errs.n,
		    errs.n == 1 ? "" : "s");
	}
	errors_free(&errs);
	return cf;
}

/* Applies the settings of cf that live outside the config struct. */
static int
apply_config(struct duband *d, const struct config *cf)
{
	enum log_level level;
	char err[256];

	if (tz_set(cf->timezone, err, sizeof err) == -1) {
		log_err(&d->log, "%s: timezone: %s", cf->path, err);
		return -1;
	}
	if (!d->verbose && log_level_parse(cf->log_level, &level) == 0)
		d->log.level = level;
	return 0;
}

static int
sync_store(struct duband *d, const struct config *cf)
{
	struct sync_stats st;
	char err[512];

	if (sync_config(d->store, cf, clock_now(&d->clock), &st, err,
	    sizeof err) == -1) {
		log_err(&d->log, "store: %s", err);
		return -1;
	}
	log_info(&d->log, "config tasks: %d added, %d changed, %d retired, "
	    "%d restored, %d unchanged", st.added, st.changed, st.retired,
	    st.restored, st.unchanged);
	return 0;
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
open_store(struct duband *d)
{
	const char *path = d->database != NULL ? d->database :
	    d->config->database;
	char err[512];

	make_parent_dir(path);
	if (store_backend("sqlite")->open(&d->store, path, err,
	    sizeof err) == -1) {
		log_err(&d->log, "%s", err);
		return -1;
	}
	log_info(&d->log, "store %s open", path);
	return 0;
}

/*
 * SIGHUP: parse and validate the whole new config; keep the running one on
 * any error.
 */
static void
reload(struct duband *d)
{
	struct config *cf;

	log_notice(&d->log, "reloading %s", d->config_path);
	if ((cf = load_config(d)) == NULL) {
		log_err(&d->log, "reload rejected; the running config stays");
		return;
	}
	if (apply_config(d, cf) == -1 || sync_store(d, cf) == -1) {
		log_err(&d->log, "reload rejected; the running config stays");
		apply_config(d, d->config);
		config_free(cf);
		return;
	}
	config_free(d->config);
	d->config = cf;
	log_notice(&d->log, "reloaded %s", d->config_path);
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct duband *d = arg;

	(void)what;
	if (sig == SIGHUP) {
		reload(d);
		return;
	}
	log_notice(&d->log, "%s: shutting down", strsignal((int)sig));
	event_base_loopbreak(d->base);
}

static int
run(struct duband *d)
{
	static const int signals[] = { SIGINT, SIGTERM, SIGHUP };
	struct event *ev[3] = { NULL };
	char now[40];
	int rc = 0;

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
	log_notice(&d->log, "duband %s ready (now %s)", PACKAGE_VERSION,
	    instant_format(clock_now(&d->clock), now, sizeof now));
	if (event_base_dispatch(d->base) == -1) {
		log_err(&d->log, "event loop failed");
		rc = EX_SOFTWARE;
	}
out:
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
		{ "fake-now", required_argument, NULL, 'N' },
		{ "test", no_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct duband d = { .config_path = DEFAULT_CONFIG };
	const char *fake_now = NULL;
	char err[256];
	bool test_only = false;
	int ch, rc;

	log_init(&d.log, LOGL_NOTICE);
	clock_init(&d.clock);
	while ((ch = getopt_long(argc, argv, "c:d:tvhV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			d.config_path = optarg;
			break;
		case 'd':
			d.database = optarg;
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

	if ((d.config = load_config(&d)) == NULL)
		return EX_CONFIG;
	if (test_only) {
		printf("%s: ok\n", d.config_path);
		config_free(d.config);
		return 0;
	}
	if (apply_config(&d, d.config) == -1) {
		config_free(d.config);
		return EX_CONFIG;
	}
	/* After the time zone is set: local fake instants need it. */
	if (fake_now != NULL &&
	    clock_set_fake(&d.clock, fake_now, err, sizeof err) == -1) {
		log_err(&d.log, "--fake-now: %s", err);
		config_free(d.config);
		return EX_USAGE;
	}
	if (open_store(&d) == -1) {
		config_free(d.config);
		return EX_CANTCREAT;
	}
	rc = sync_store(&d, d.config) == -1 ? EX_SOFTWARE : run(&d);
	d.store->ops->close(d.store);
	config_free(d.config);
	return rc;
}
