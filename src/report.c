/*
 * The on-time report: counting items per office.  See report.h for the
 * rules; doc/api.md (GET /v1/report) states them for users.
 *
 * Decisions:
 *  - When the calendar cannot count working days (a strict calendar
 *    reaching a year not announced), the item counts as late or overdue
 *    with 0 working days rather than being left out.
 */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "clock.h"

enum item_status
report_item_status(int64_t deadline_at, int64_t done_at, int64_t now)
{
	if (done_at != 0)
		return done_at <= deadline_at ? ITEM_ON_TIME : ITEM_LATE;
	return now <= deadline_at ? ITEM_OPEN : ITEM_OVERDUE;
}

/* Working days in (deadline day, the day of end]; 0 when not countable. */
static int
workdays_late(const struct report_item *it, int64_t end)
{
	int n = 0;

	if (it->cal == NULL ||
	    calendar_count_workdays(it->cal, it->deadline_day, local_day(end),
	    &n) < 0 || n < 0)
		return 0;
	return n;
}

static void
count(struct report_counts *c, const struct report_item *it, int64_t now)
{
	c->due++;
	switch (report_item_status(it->deadline_at, it->done_at, now)) {
	case ITEM_ON_TIME:
		c->on_time++;
		break;
	case ITEM_LATE:
		c->late++;
		c->workdays_late += workdays_late(it, it->done_at);
		break;
	case ITEM_OPEN:
		c->open++;
		break;
	case ITEM_OVERDUE:
		c->overdue++;
		c->workdays_late += workdays_late(it, now);
		break;
	}
}

static int
office_compare(const void *a, const void *b)
{
	const struct report_item *const *x = a, *const *y = b;

	return strcmp((*x)->office, (*y)->office);
}

int
report_compute(const struct report_item *items, size_t n, int64_t now,
    struct report *rep)
{
	const struct report_item **sorted;
	struct report_row *row = NULL;
	size_t i;

	memset(rep, 0, sizeof *rep);
	if (n == 0)
		return 0;
	/* Sorted by office, each office's items are one run. */
	if ((sorted = calloc(n, sizeof *sorted)) == NULL ||
	    (rep->rows = calloc(n, sizeof *rep->rows)) == NULL) {
		free(sorted);
		return -1;
	}
	for (i = 0; i < n; i++)
		sorted[i] = &items[i];
	qsort(sorted, n, sizeof *sorted, office_compare);
	for (i = 0; i < n; i++) {
		if (row == NULL ||
		    strcmp(row->office, sorted[i]->office) != 0) {
			row = &rep->rows[rep->n];
			if ((row->office = strdup(sorted[i]->office)) == NULL) {
				free(sorted);
				report_free(rep);
				return -1;
			}
			rep->n++;
		}
		count(&row->c, sorted[i], now);
		count(&rep->total, sorted[i], now);
	}
	free(sorted);
	return 0;
}

void
report_free(struct report *rep)
{
	for (size_t i = 0; i < rep->n; i++)
		free(rep->rows[i].office);
	free(rep->rows);
	memset(rep, 0, sizeof *rep);
}

bool
report_on_time_rate(const struct report_counts *c, double *rate)
{
	int decided = c->on_time + c->late + c->overdue;

	if (decided == 0)
		return false;
	*rate = (double)c->on_time / decided;
	return true;
}

bool
report_mean_workdays_late(const struct report_counts *c, double *mean)
{
	int n = c->late + c->overdue;

	if (n == 0)
		return false;
	*mean = (double)c->workdays_late / n;
	return true;
}
