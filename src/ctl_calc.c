/*
 * dubanctl calc: working-day arithmetic offline, on the config's calendars.
 *
 *   calc [--calendar NAME] [--roll] DATE '+N workdays' | '+N days'
 *   calc [--calendar NAME] --between DATE1 DATE2
 *   calc [--calendar NAME] [--roll] --batch      (queries on stdin)
 *   calc [--calendar NAME] DATETHH:MM '+N workhours'
 *   calc [--year YYYY] --due PHRASE               (a plan's due phrase)
 *   calc [--calendar NAME] --repeat SPEC --from DATE --count N
 *                                                  (a recurring duty)
 *
 * Decisions visible to users:
 *  - "+N workhours" needs a calendar with office_hours (--calendar picks
 *    it); the start may be a date alone (its midnight) and the answer is
 *    printed as YYYY-MM-DDTHH:MM (with :SS when the seconds are not zero).
 *  - --due prints the last day the phrase allows (duephrase.h); a phrase
 *    with no deadline ("尽快") or no year without --year is exit 65.  It
 *    does not need the config's calendars but reads the config like every
 *    calc so that a broken config is still reported.
 *  - --repeat prints the due days of the first N occurrences due on or
 *    after DATE (recur.h), one per line; an RRULE's series starts on DATE.
 *    A spec or DATE that cannot be read is exit 65, a count outside
 *    1..1000000 exit 64.
 *
 * Arguments are scanned by hand rather than with getopt because "-1 workday"
 * is an amount, not an option.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "calc.h"
#include "calendar.h"
#include "config.h"
#include "date.h"
#include "dubanctl.h"
#include "duephrase.h"
#include "parse.h"
#include "recur.h"

#define REPEAT_COUNT_MAX 1000000

struct calc_args {
	const char	*calendar;
	bool		 between;
	bool		 batch;
	bool		 roll;
	const char	*due;
	const char	*year;
	const char	*repeat;
	const char	*from;
	const char	*count;
	char		*pos[2];
	int		 npos;
};

/* Warns once per year that a computation counted through it blind. */
struct calc_warnings {
	bool	warned[DAY_LAST_YEAR - DAY_FIRST_YEAR + 1];
};

static int
parse_args(int argc, char **argv, struct calc_args *a)
{
	memset(a, 0, sizeof *a);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--calendar") == 0 && i + 1 < argc)
			a->calendar = argv[++i];
		else if (strcmp(argv[i], "--between") == 0)
			a->between = true;
		else if (strcmp(argv[i], "--batch") == 0)
			a->batch = true;
		else if (strcmp(argv[i], "--roll") == 0)
			a->roll = true;
		else if (strcmp(argv[i], "--due") == 0 && i + 1 < argc)
			a->due = argv[++i];
		else if (strcmp(argv[i], "--year") == 0 && i + 1 < argc)
			a->year = argv[++i];
		else if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc)
			a->repeat = argv[++i];
		else if (strcmp(argv[i], "--from") == 0 && i + 1 < argc)
			a->from = argv[++i];
		else if (strcmp(argv[i], "--count") == 0 && i + 1 < argc)
			a->count = argv[++i];
		else if (strncmp(argv[i], "--", 2) == 0)
			return -1;
		else if (a->npos < 2)
			a->pos[a->npos++] = argv[i];
		else
			return -1;
	}
	if (a->repeat != NULL)
		return a->from != NULL && a->count != NULL && a->npos == 0 &&
		    !a->between && !a->batch && !a->roll && a->due == NULL &&
		    a->year == NULL ? 0 : -1;
	if (a->from != NULL || a->count != NULL)
		return -1;
	if (a->due != NULL)
		return a->npos == 0 && !a->between && !a->batch ? 0 : -1;
	if (a->year != NULL)
		return -1;
	if (a->batch)
		return a->npos == 0 && !a->between ? 0 : -1;
	return a->npos == 2 ? 0 : -1;
}

static void
warn_unannounced(const struct calendar *cal, int from, int to,
    struct calc_warnings *w)
{
	int y1 = day_year(from < to ? from : to);
	int y2 = day_year(from < to ? to : from);

	for (int y = y1; y <= y2; y++) {
		if (calendar_year_announced(cal, y) ||
		    w->warned[y - DAY_FIRST_YEAR])
			continue;
		w->warned[y - DAY_FIRST_YEAR] = true;
		fprintf(stderr, "dubanctl: warning: calendar \"%s\" has no "
		    "holiday data for %d (not announced): counted weekends "
		    "only; the answer is provisional\n", calendar_name(cal), y);
	}
}

/*
 * Runs one query and prints its answer.  Returns 0 or EX_DATAERR after
 * printing why (prefixed with where, e.g. "stdin:3: ").
 */
static int
answer(const struct calendar *cal, const struct calc_query *q,
    const char *where, struct calc_warnings *w)
{
	char buf[32];
	int result, secs;
	enum cal_status st = calc_run(cal, q, &result, &secs);

	if (st == CAL_ENOHOURS) {
		fprintf(stderr, "dubanctl: %scalendar \"%s\" has no "
		    "office_hours to count working hours in (choose one that "
		    "has with --calendar)\n", where, calendar_name(cal));
		return EX_DATAERR;
	}
	if (st < 0) {
		fprintf(stderr, "dubanctl: %s%s\n", where,
		    st == CAL_EUNANNOUNCED ? "the calendar is strict and the "
		    "answer falls in a year that is not announced" :
		    cal_status_str(st));
		return EX_DATAERR;
	}
	if (st == CAL_PROVISIONAL)
		warn_unannounced(cal, q->date,
		    q->op == CALC_BETWEEN ? q->date2 : result, w);
	printf("%s\n", calc_format(q, result, secs, buf, sizeof buf));
	return 0;
}

static int
run_batch(const struct calendar *cal, bool roll, struct calc_warnings *w)
{
	struct calc_query q;
	char *line = NULL, err[256], where[32];
	size_t cap = 0;
	unsigned long lineno = 0;
	int rc = 0;

	while (getline(&line, &cap, stdin) != -1) {
		lineno++;
		snprintf(where, sizeof where, "stdin:%lu: ", lineno);
		if (!calc_parse_line(line, roll, &q, err, sizeof err)) {
			fprintf(stderr, "dubanctl: %s%s\n", where, err);
			puts("error");
			rc = EX_DATAERR;
		} else if (answer(cal, &q, where, w) != 0) {
			puts("error");
			rc = EX_DATAERR;
		}
	}
	free(line);
	return rc;
}

/* --due PHRASE [--year YYYY]: the date a plan's phrase names. */
static int
calc_due(const struct calc_args *a)
{
	char err[256], buf[DAY_STRLEN], *end;
	long year = DUEPHRASE_NO_YEAR;
	int day;

	if (a->year != NULL) {
		year = strtol(a->year, &end, 10);
		if (*end != '\0' || year < DAY_FIRST_YEAR ||
		    year > DAY_LAST_YEAR) {
			fprintf(stderr, "dubanctl: calc: --year: expected a "
			    "year %d..%d, got \"%s\"\n", DAY_FIRST_YEAR,
			    DAY_LAST_YEAR, a->year);
			return EX_USAGE;
		}
	}
	if (!duephrase_parse(a->due, (int)year, &day, err, sizeof err)) {
		fprintf(stderr, "dubanctl: calc: %s\n", err);
		return EX_DATAERR;
	}
	printf("%s\n", day_format(day, buf));
	return 0;
}

/* --repeat SPEC --from DATE --count N: the due days of a recurring duty. */
static int
calc_repeat(const struct calc_args *a, const struct calendar *cal,
    struct calc_warnings *w)
{
	struct recur r;
	struct recur_iter it;
	enum recur_status st = RECUR_OK;
	char err[512], label[RECUR_LABEL_MAX], buf[DAY_STRLEN], *end;
	long count;
	int from, due;

	count = strtol(a->count, &end, 10);
	if (*end != '\0' || end == a->count || count < 1 ||
	    count > REPEAT_COUNT_MAX) {
		fprintf(stderr, "dubanctl: calc: --count: expected a number "
		    "1..%d, got \"%s\"\n", REPEAT_COUNT_MAX, a->count);
		return EX_USAGE;
	}
	if (!parse_date(a->from, &from, err, sizeof err)) {
		fprintf(stderr, "dubanctl: calc: --from: %s\n", err);
		return EX_DATAERR;
	}
	if (!recur_parse(a->repeat, &r, err, sizeof err)) {
		fprintf(stderr, "dubanctl: calc: --repeat: %s\n", err);
		return EX_DATAERR;
	}
	if (recur_iter_init(&it, &r, cal, from) == -1)
		return EX_OSERR;
	for (long i = 0; i < count; i++) {
		st = recur_iter_next(&it, &due, label, sizeof label);
		if (st <= RECUR_END)
			break;
		if (st == RECUR_PROVISIONAL)
			warn_unannounced(cal, due, due, w);
		printf("%s\n", day_format(due, buf));
	}
	recur_iter_free(&it);
	if (st == RECUR_EUNANNOUNCED) {
		fprintf(stderr, "dubanctl: calc: the calendar is strict and an "
		    "occurrence falls in a year that is not announced\n");
		return EX_DATAERR;
	}
	if (st == RECUR_ENOMEM)
		return EX_OSERR;
	return 0;
}

static int
ctl_calc(struct ctl *ctl, int argc, char **argv)
{
	struct calc_args a;
	struct calc_query q;
	struct calc_warnings *w;
	const struct calendar_conf *cc;
	char err[256];
	bool ok;
	int rc;

	if (parse_args(argc, argv, &a) == -1)
		return ctl_usage(&ctl_cmd_calc_entry);
	if ((rc = ctl_config(ctl)) != 0)
		return rc;
	if (a.due != NULL)
		return calc_due(&a);
	cc = a.calendar != NULL ? config_calendar(ctl->config, a.calendar) :
	    &ctl->config->calendars[0];
	if (cc == NULL) {
		fprintf(stderr, "dubanctl: no calendar \"%s\" in %s\n",
		    a.calendar, ctl->config_path);
		return EX_DATAERR;
	}
	if ((w = calloc(1, sizeof *w)) == NULL)
		return EX_OSERR;
	if (a.repeat != NULL) {
		rc = calc_repeat(&a, cc->cal, w);
	} else if (a.batch) {
		rc = run_batch(cc->cal, a.roll, w);
	} else {
		if (a.between)
			ok = calc_parse_between(a.pos[0], a.pos[1], &q, err,
			    sizeof err);
		else
			ok = calc_parse_add(a.pos[0], a.pos[1], a.roll, &q,
			    err, sizeof err);
		if (!ok) {
			fprintf(stderr, "dubanctl: calc: %s\n", err);
			rc = EX_DATAERR;
		} else
			rc = answer(cc->cal, &q, "calc: ", w);
	}
	free(w);
	return rc;
}

const struct ctl_cmd_entry ctl_cmd_calc_entry = {
	.name = "calc",
	.usage = "calc [--calendar NAME] [--roll] DATE '+N workdays|days'\n"
	    "       dubanctl [-c CONF] calc [--calendar NAME] DATETHH:MM "
	    "'+N workhours'\n"
	    "       dubanctl [-c CONF] calc [--year YYYY] --due PHRASE\n"
	    "       dubanctl [-c CONF] calc [--calendar NAME] --repeat SPEC "
	    "--from DATE --count N\n"
	    "       dubanctl [-c CONF] calc [--calendar NAME] --between DATE1 "
	    "DATE2\n"
	    "       dubanctl [-c CONF] calc [--calendar NAME] [--roll] --batch "
	    "< QUERIES",
	.summary = "working-day arithmetic on the config's calendars",
	.exec = ctl_calc,
};
