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

#include "reminder.h"
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
	/* Each responsible for their own part ("分别负责"). */
	const char *const	 *responsible;
	size_t			  nresponsible;
	const char		 *section;	/* the plan's heading; NULL */
	/*
	 * The key of the recurring task this is an occurrence of (NULL);
	 * it must be stored already.
	 */
	const char		 *parent;
};

struct sync_stats {
	int	added;
	int	changed;
	int	retired;
	int	restored;	/* retired tasks that came back */
	int	unchanged;
};

/* The ids of the tasks a sync added, changed, retired or restored. */
struct sync_ids {
	int64_t	*v;	/* free() it */
	size_t	 n;
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
	int64_t		parent_id;	/* 0: not an occurrence */
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

/* The recorded state of one office's part of a task. */
struct task_part {
	char	*office;
	int64_t	 done_at;	/* 0: open */
	char	*note;		/* NULL */
	int64_t	 updated_at;
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
	bool			 forced;	/* a close forced before the
						   minimum period ended */
};

/* A stored case. */
struct case_row {
	int64_t	 id;
	char	*ref;
	char	*rule;
	char	*office;
	char	*title;
	int64_t	 created_at;
	bool	 closed;	/* has a whole-case TL_CLOSED event */
};

/* One progress report on a task's target. */
struct task_progress_rec {
	int64_t	 id;
	double	 value;
	char	*office;	/* NULL */
	char	*note;		/* NULL */
	int64_t	 recorded_at;
};

/* A row the caller wants in the outbox (plan.c); strings are borrowed. */
struct reminder_plan {
	const char		*milestone;	/* NULL for tasks */
	const char		*office;
	const char		*channel;
	enum reminder_kind	 kind;
	int64_t			 due_at;
	int64_t			 deadline_at;
};

/* Filter for listing reminders; zero/NULL fields match everything. */
struct reminder_filter {
	int			 state;		/* enum reminder_state, or -1 */
	const char		*office;
	int64_t			 from;		/* due_at >= from (0: any) */
	int64_t			 to;		/* due_at < to (0: any) */
	int64_t			 item_id;	/* 0: any; with item_type */
	enum item_type		 item_type;
	size_t			 limit;		/* 0: no limit */
};

/*
 * Filter for tasks_find; each part narrows the match.  Day bounds are days
 * (date.h); a task without a due date fails a bound unless no_due.
 */
struct task_filter {
	const char		 *source;	/* NULL: any */
	const char *const	 *offices;	/* lead, assisting or
						   responsible office is
						   one of them; NULL: any */
	size_t			  noffices;
	int			  retired;	/* 1 retired only, 0 active only,
						   -1 either */
	int			  done;		/* 1 done only, 0 not done only,
						   -1 either */
	int			  due_min;	/* due >= due_min; INT_MIN: none */
	int			  due_max;	/* due <= due_max; INT_MAX: none */
	bool			  no_due;	/* tasks without due pass bounds */
	size_t			  limit;	/* 0: no limit */
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
	/*
	 * tasks_sync that also tells which tasks it touched, so that only
	 * those need planning again.  ids is zeroed on error.
	 */
	int	(*tasks_sync_ids)(struct store *, const char *source,
		    const struct task_rec *recs, size_t n, int64_t now,
		    struct sync_stats *stats, struct sync_ids *ids);
	/* The task with that key, or *row = NULL; free with task_rows_free. */
	int	(*task_get)(struct store *, const char *key,
		    struct task_row **row);
	/* The task with that id, or *row = NULL; free with task_rows_free. */
	int	(*task_get_id)(struct store *, int64_t id,
		    struct task_row **row);
	/*
	 * Tasks by key: of one source (NULL: all), retired ones only with
	 * include_retired.  Free with task_rows_free.
	 */
	int	(*tasks)(struct store *, const char *source,
		    bool include_retired, struct task_row **rows, size_t *n);
	/*
	 * Tasks matching the filter, by due date (none last), then key.
	 * Free with task_rows_free.
	 */
	int	(*tasks_find)(struct store *, const struct task_filter *,
		    struct task_row **rows, size_t *n);
	/*
	 * Adds one task under rec->source (with TASK_ADDED in its history).
	 * A NULL rec->key becomes "<source>-<id>".  A key stored already
	 * (in any source) sets *existed and its id, and writes nothing.
	 */
	int	(*task_add)(struct store *, const struct task_rec *, int64_t now,
		    int64_t *id, bool *existed);
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
	/* forced: a close before the minimum period (note is the reason). */
	int	(*case_event_add)(struct store *, int64_t case_id,
		    const struct tl_event *, const char *note, bool forced,
		    int64_t now);
	/* The case's events in order; free with case_events_free. */
	int	(*case_events)(struct store *, int64_t case_id,
		    struct case_event_rec **events, size_t *n);
	/* One case by id (*row NULL when none); free with case_rows_free. */
	int	(*case_get)(struct store *, int64_t id, struct case_row **row);
	/* Cases by id, open ones only unless include_closed. */
	int	(*cases)(struct store *, bool include_closed,
		    struct case_row **rows, size_t *n);
	/*
	 * Marks a task done (done_at = at) or not done (at = 0).  When done_at
	 * changes, the row as it was goes to the history as TASK_CHANGED.
	 */
	int	(*task_set_done)(struct store *, const char *key, int64_t at,
		    int64_t now);

	/*
	 * The outbox.
	 *
	 * reminders_plan makes the future of one item's outbox match plan:
	 * pending and retry rows of the item that are not in plan become
	 * cancelled; plan rows with no equal row (same milestone, office,
	 * channel, kind, due_at) in any state but cancelled are inserted as
	 * pending with next_at = due_at.  Rows in sending, sent and failed are
	 * never touched.  Counts of inserted and cancelled rows are returned.
	 */
	int	(*reminders_plan)(struct store *, enum item_type, int64_t item_id,
		    const struct reminder_plan *plan, size_t n, int64_t now,
		    int *inserted, int *cancelled);
	/* Cancels the item's pending and retry rows (milestone NULL: all). */
	int	(*reminders_cancel)(struct store *, enum item_type,
		    int64_t item_id, const char *milestone, int64_t now,
		    int *cancelled);
	/*
	 * The earliest next_at of pending and retry rows; *found false when
	 * there are none.
	 */
	int	(*reminder_next)(struct store *, int64_t *next_at, bool *found);
	/*
	 * Claims up to max pending/retry rows with next_at <= until, oldest
	 * next_at first: they become sending (attempts + 1) in one
	 * transaction and are returned.  Free with reminders_free.
	 */
	int	(*reminders_claim)(struct store *, int64_t until, size_t max,
		    int64_t now, struct reminder **rows, size_t *n);
	/*
	 * Records an attempt and moves a sending row to sent, retry (with
	 * next_at) or failed.
	 */
	int	(*reminder_finish)(struct store *, int64_t id,
		    enum reminder_state state, int64_t next_at,
		    const struct attempt *, int64_t now);
	/*
	 * After a crash: rows left in sending go back to retry with
	 * next_at = now (they may have been delivered: the only duplicates).
	 */
	int	(*reminders_recover)(struct store *, int64_t now, int *n);
	/* Inserts one row (e.g. a delivery-failure notice) as pending. */
	int	(*reminder_add)(struct store *, enum item_type, int64_t item_id,
		    const struct reminder_plan *, int64_t about, int64_t now,
		    int64_t *id);
	int	(*reminder_get)(struct store *, int64_t id, struct reminder **row);
	int	(*reminders)(struct store *, const struct reminder_filter *,
		    struct reminder **rows, size_t *n);
	/*
	 * Acknowledgement: records that office acknowledged the item (once;
	 * a second ack keeps the first time) and cancels the item's pending
	 * and retry RK_OVERDUE rows for that office.
	 */
	int	(*ack_put)(struct store *, enum item_type, int64_t item_id,
		    const char *milestone, const char *office, int64_t now,
		    bool *already);
	/* Whether office acknowledged the item; *at = 0 when not. */
	int	(*ack_get)(struct store *, enum item_type, int64_t item_id,
		    const char *milestone, const char *office, int64_t *at);

	/* Small named values (e.g. the ack signing key), NULL when unset. */
	int	(*meta_get)(struct store *, const char *key, char **value);
	int	(*meta_put)(struct store *, const char *key, const char *value);

	/*
	 * Parts of a task ("分别负责"): which offices a task has parts for is
	 * the config's business (replan_task_parts); the store keeps how each
	 * part stands.  task_part_set records office's part of the task as
	 * done at done_at (0: open again) with note (NULL: none), replacing
	 * what was recorded; task_parts returns the recorded parts by office
	 * (free with task_parts_free).
	 */
	int	(*task_part_set)(struct store *, int64_t task_id,
		    const char *office, int64_t done_at, const char *note,
		    int64_t now);
	int	(*task_parts)(struct store *, int64_t task_id,
		    struct task_part **parts, size_t *n);
	/*
	 * Progress on a task's target: a value reached (>= 0), with the
	 * office that reported it and a note (both may be NULL).
	 */
	int	(*task_progress_add)(struct store *, int64_t task_id,
		    double value, const char *office, const char *note,
		    int64_t now);
	/*
	 * The progress recorded for a task, oldest first (the last is the
	 * current value).  Free with task_progress_free.
	 */
	int	(*task_progress)(struct store *, int64_t task_id,
		    struct task_progress_rec **rows, size_t *n);

	/*
	 * Counts for /metrics without reading the rows.  reminders_count
	 * calls fn for each state and channel that has rows, with their
	 * number and earliest due_at; tasks_overdue_count for each lead of
	 * active tasks not done whose due day is before before_day, with
	 * their number.  fn returns 0, or -1 to stop (the op then fails).
	 */
	int	(*reminders_count)(struct store *,
		    int (*fn)(void *arg, enum reminder_state,
		    const char *channel, int64_t count, int64_t min_due),
		    void *arg);
	int	(*tasks_overdue_count)(struct store *, int before_day,
		    int (*fn)(void *arg, const char *lead, int64_t count),
		    void *arg);
	/*
	 * The active recurring tasks and the active occurrences, by key,
	 * without reading the other tasks.  Free with task_rows_free.
	 */
	int	(*tasks_recurring)(struct store *, struct task_row **rows,
		    size_t *n);
};

/* What kind of failure the last error was, for callers that must tell. */
enum store_errclass {
	STORE_EOK,
	STORE_EFULL,	/* the database or the disk is full */
	STORE_EBUSY,	/* locked by another connection: try again */
	STORE_EIO,	/* I/O error or corruption */
	STORE_EOTHER,
};

struct store {
	const struct store_ops	*ops;
	char			 err[512];
	enum store_errclass	 errclass;	/* store_set_error: EOTHER */
};

static inline enum store_errclass
store_errclass(const struct store *st)
{
	return st->errclass;
}

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
void case_rows_free(struct case_row *, size_t n);
void task_progress_free(struct task_progress_rec *, size_t n);
void task_parts_free(struct task_part *, size_t n);

extern const struct store_ops store_sqlite_ops;

#endif
