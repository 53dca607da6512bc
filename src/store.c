/*
 * The backend table and what every backend shares: error messages and
 * freeing what the read ops return.
 */
#include "store.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char		*name;
	const struct store_ops	*ops;
} store_backends[] = {
	{ "sqlite", &store_sqlite_ops },	/* the first is the default */
};

static const char *const task_change_kinds[] = {
	[TASK_ADDED] = "added",
	[TASK_CHANGED] = "changed",
	[TASK_RETIRED] = "retired",
	[TASK_RESTORED] = "restored",
};

#define NCHANGE_KINDS (sizeof task_change_kinds / sizeof task_change_kinds[0])

const struct store_ops *
store_backend(const char *name)
{
	size_t i;

	if (name == NULL)
		return store_backends[0].ops;
	for (i = 0; i < sizeof store_backends / sizeof store_backends[0]; i++)
		if (strcmp(store_backends[i].name, name) == 0)
			return store_backends[i].ops;
	return NULL;
}

const char *
store_error(const struct store *st)
{
	return st->err;
}

void
store_set_error(struct store *st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(st->err, sizeof st->err, fmt, ap);
	va_end(ap);
	st->errclass = STORE_EOTHER;	/* a backend may tell more after */
}

const char *
task_change_kind_str(enum task_change_kind kind)
{
	if ((size_t)kind >= NCHANGE_KINDS)
		return "unknown";
	return task_change_kinds[kind];
}

int
task_change_kind_parse(const char *s, enum task_change_kind *kind)
{
	size_t i;

	for (i = 0; i < NCHANGE_KINDS; i++) {
		if (strcmp(task_change_kinds[i], s) == 0) {
			*kind = (enum task_change_kind)i;
			return 0;
		}
	}
	return -1;
}

void
case_events_free(struct case_event_rec *events, size_t n)
{
	size_t i;

	if (events == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(events[i].milestone);
		free(events[i].note);
	}
	free(events);
}

void
office_rows_free(struct office_row *rows, size_t n)
{
	size_t i;

	if (rows == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(rows[i].name);
		free(rows[i].supervisor);
	}
	free(rows);
}

/* The row owns what its task_rec points to, const only for the reader. */
static void
task_rec_free_owned(struct task_rec *rec)
{
	size_t i;

	free((char *)rec->key);
	free((char *)rec->source);
	free((char *)rec->title);
	free((char *)rec->lead);
	for (i = 0; i < rec->nassist; i++)
		free((char *)rec->assist[i]);
	free((char **)rec->assist);
	for (i = 0; i < rec->nresponsible; i++)
		free((char *)rec->responsible[i]);
	free((char **)rec->responsible);
	free((char *)rec->section);
	free((char *)rec->parent);
	free((char *)rec->due_text);
	free((char *)rec->repeat);
	free((char *)rec->policy);
	free((char *)rec->calendar);
	free((char *)rec->target);
}

void
task_rows_free(struct task_row *rows, size_t n)
{
	size_t i;

	if (rows == NULL)
		return;
	for (i = 0; i < n; i++)
		task_rec_free_owned(&rows[i].rec);
	free(rows);
}

void
task_changes_free(struct task_change *changes, size_t n)
{
	size_t i;

	if (changes == NULL)
		return;
	for (i = 0; i < n; i++)
		free(changes[i].old);
	free(changes);
}

void
case_rows_free(struct case_row *rows, size_t n)
{
	size_t i;

	if (rows == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(rows[i].ref);
		free(rows[i].rule);
		free(rows[i].office);
		free(rows[i].title);
	}
	free(rows);
}

void
task_parts_free(struct task_part *parts, size_t n)
{
	for (size_t i = 0; parts != NULL && i < n; i++) {
		free(parts[i].office);
		free(parts[i].note);
	}
	free(parts);
}

void
task_progress_free(struct task_progress_rec *rows, size_t n)
{
	for (size_t i = 0; rows != NULL && i < n; i++) {
		free(rows[i].office);
		free(rows[i].note);
	}
	free(rows);
}
