#include <stdlib.h>
#include <string.h>

#include "reminder.h"

static const char *const item_types[] = { "task", "case" };
static const char *const kinds[] = {
	"before", "due", "overdue", "escalation", "notice", "failure",
};
static const char *const states[] = {
	"pending", "sending", "sent", "retry", "failed", "cancelled",
};

#define NITEMS(a) (sizeof (a) / sizeof (a)[0])

static int
lookup(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

const char *
item_type_str(enum item_type t)
{
	return (size_t)t < NITEMS(item_types) ? item_types[t] : "unknown";
}

int
item_type_parse(const char *s, enum item_type *t)
{
	int i = lookup(item_types, NITEMS(item_types), s);

	if (i == -1)
		return -1;
	*t = (enum item_type)i;
	return 0;
}

const char *
reminder_kind_str(enum reminder_kind k)
{
	return (size_t)k < NITEMS(kinds) ? kinds[k] : "unknown";
}

int
reminder_kind_parse(const char *s, enum reminder_kind *k)
{
	int i = lookup(kinds, NITEMS(kinds), s);

	if (i == -1)
		return -1;
	*k = (enum reminder_kind)i;
	return 0;
}

const char *
reminder_state_str(enum reminder_state st)
{
	return (size_t)st < NITEMS(states) ? states[st] : "unknown";
}

int
reminder_state_parse(const char *s, enum reminder_state *st)
{
	int i = lookup(states, NITEMS(states), s);

	if (i == -1)
		return -1;
	*st = (enum reminder_state)i;
	return 0;
}

void
reminder_clear(struct reminder *r)
{
	free(r->milestone);
	free(r->office);
	free(r->channel);
	r->milestone = r->office = r->channel = NULL;
}

void
reminders_free(struct reminder *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		reminder_clear(&r[i]);
	free(r);
}
