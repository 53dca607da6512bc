/*
 * The store: offices, tasks, cases with their event history, reminders (the
 * outbox) and delivery attempts.
 *
 * Backends sit behind struct store_ops (OpenSMTPD's queue_backend style) and
 * are chosen by name; SQLite is the default.  A backend's handle starts with
 * a struct store, so callers hold a struct store * and call through ops.
 * Every op returns 0 on success and -1 on failure with a message that
 * store_error() returns; a failed op inside begin/commit leaves the
 * transaction for the caller to roll back.  Called outside begin/commit, an
 * op that writes several rows is a transaction of its own.
 *
 * History is never deleted: tasks are retired (retired_at), cases are closed
 * by an event, and every change of a task is kept in task_history.
 */
#ifndef DUBAN_STORE_H
#define DUBAN_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "timelimit.h"

struct store;

struct office_rec {
	const char	*name;
	const char	*supervisor;	/* NULL: none */
};

struct task_rec {
	const char		 *key;		/* unique: "2024-gk-11", "plan:3.1" */
	const char		 *source;	/* "config", "api", "import" */
	const char		 *title;
	const char		 *lead;
	const char *const	 *assist;
	size_t			  nassist;
	int			  due;		/* day (date.h), -1: none */
	const char		 *due_text;	/* as written ("年底前"); NULL */
	const char		 *repeat;	/* NULL: one-off */
	const char		 *policy;
	const char		 *calendar;
	const char		 *target;	/* NULL */
};

struct sync_stats {
	int	added;
	int	changed;
	int	retired;
	int	restored;	/* retired tasks that came back */
	int	unchanged;
};

/* A stored office. */
struct office_row {
	int64_t	 id;
	char	*name;
	char	*supervisor;	/* NULL: none */
	int64_t	 created_at;
	int64_t	 updated_at;
};

/* A stored task; rec's strings and assist array belong to the row. */
struct task_row {
	int64_t		id;
	struct task_rec	rec;
	int64_t		created_at;
	int64_t		updated_at;
	int64_t		retired_at;	/* 0: active */
	int64_t		done_at;	/* 0: not done */
};

enum task_change_kind {
	TASK_ADDED,
	TASK_CHANGED,
	TASK_RETIRED,
	TASK_RESTORED,
};

/* One row of a task's history, oldest first. */
struct task_change {
	int64_t			 id;
	int64_t			 changed_at;
	enum task_change_kind	 change;
	/*
	 * TASK_CHANGED and TASK_RESTORED: the row as it was before, a JSON
	 * object of its columns (assist as an array); NULL otherwise.
	 */
	char			*old;
};

struct case_rec {
	const char	*ref;		/* the caller's reference, unique */
	const char	*rule;
	const char	*office;
	const char	*title;
};

/* One row of a case's history, as read back. */
struct case_event_rec {
	int64_t			 id;
	enum tl_event_kind	 kind;
	int64_t			 at;
	char			*milestone;	/* NULL: all */
	char			*note;		/* NULL */
	int64_t			 recorded_at;
};

struct store_ops {
	const char	*name;

	/* Opens (creating if needed) and migrates to the current schema. */
	int	(*open)(struct store **, const char *path, char *err,
		    size_t errlen);
	void	(*close)(struct store *);
	int	(*begin)(struct store *);
	int	(*commit)(struct store *);
	int	(*rollback)(struct store *);
	int	(*schema_version)(struct store *, int *version);

	/* Offices: insert or update by name. */
	int	(*office_put)(struct store *, const struct office_rec *,
		    int64_t now);
	/* Every office, by name; free with office_rows_free. */
	int	(*offices)(struct store *, struct office_row **rows,
		    size_t *n);

	/*
	 * Makes the tasks of one source match recs: new keys are added,
	 * changed ones updated (the old values kept in task_history), keys
	 * of that source missing from recs retired.  Retired tasks that come
	 * back are un-retired.  A rec's source must be NULL or source; a key
	 * stored under another source, or twice in recs, is an error.
	 */
	int	(*tasks_sync)(struct store *, const char *source,
		    const struct task_rec *recs, size_t n, int64_t now,
		    struct sync_stats *stats);
	/* The task with that key, or *row = NULL; free with task_rows_free. */
	int	(*task_get)(struct store *, const char *key,
		    struct task_row **row);
	/*
	 * Tasks by key: of one source (NULL: all), retired ones only with
	 * include_retired.  Free with task_rows_free.
	 */
	int	(*tasks)(struct store *, const char *source,
		    bool include_retired, struct task_row **rows, size_t *n);
	/* A task's history, oldest first; free with task_changes_free. */
	int	(*task_history)(struct store *, const char *key,
		    struct task_change **changes, size_t *n);

	/*
	 * Opens a case: the case row and its TL_OPENED event at opened_at.
	 * With a ref already stored, sets *existed and returns that case's
	 * id without writing.
	 */
	int	(*case_open)(struct store *, const struct case_rec *,
		    int64_t opened_at, int64_t now, int64_t *id,
		    bool *existed);
	/* The case's id, or *id = 0 when no case has that ref. */
	int	(*case_find)(struct store *, const char *ref, int64_t *id);
	int	(*case_event_add)(struct store *, int64_t case_id,
		    const struct tl_event *, const char *note, int64_t now);
	/* The case's events in order; free with case_events_free. */
	int	(*case_events)(struct store *, int64_t case_id,
		    struct case_event_rec **events, size_t *n);
};

struct store {
	const struct store_ops	*ops;
	char			 err[512];
};

/* The backend called name (NULL: the default), or NULL. */
const struct store_ops *store_backend(const char *name);
const char *store_error(const struct store *);
/* For backends: sets the message store_error() returns. */
void store_set_error(struct store *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
const char *task_change_kind_str(enum task_change_kind);
int task_change_kind_parse(const char *s, enum task_change_kind *kind);

void case_events_free(struct case_event_rec *, size_t n);
void office_rows_free(struct office_row *, size_t n);
void task_rows_free(struct task_row *, size_t n);
void task_changes_free(struct task_change *, size_t n);

extern const struct store_ops store_sqlite_ops;

#endif
