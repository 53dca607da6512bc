/*
 * The SQLite store backend.
 *
 * The database runs in WAL mode (dubanctl and other readers never wait for
 * the daemon's writes), with foreign keys enforced, synchronous=NORMAL, a
 * page cache of up to 64 MiB and a busy timeout of 5 s.  Opening a database brings it to the current schema
 * through the forward migrations below, each in its own transaction that
 * also bumps PRAGMA user_version; a database with a newer user_version than
 * this build knows is refused rather than guessed at.
 *
 * What is stored, and how:
 *  - times are UTC seconds; a task's due date is a day number (date.h:
 *    days since 1970-01-01) or NULL;
 *  - a task's assisting offices are a JSON array of strings, "[]" for none
 *    (JSON rather than newline-joined so that no name is ever split);
 *  - task_history.old is a JSON object of the task's columns before a
 *    'changed' or 'restored' (assist as an array); it is NULL for 'added'
 *    and 'retired', which change nothing but their own existence;
 *  - case event kinds are the words of the CHECK constraint ('opened' ...);
 *  - nothing is ever deleted: tasks are retired, cases closed by an event,
 *    reminders cancelled;
 *  - a case is closed when it has a 'closed' event with no milestone.
 *
 * The outbox (reminders, attempts, acks):
 *  - at most one live (not cancelled) reminder per item, milestone (NULL
 *    and '' are the same), office, channel, kind, due_at and about: the
 *    partial unique index reminders_live.  "about" is in it so that two
 *    reminders of one item failing at the same second each get their
 *    failure notice; planned rows have no about, so for them the key is
 *    the one reminders_plan compares;
 *  - reminders_plan does not touch failure notices (kind 'failure'): they
 *    are not planned, and refuses a plan that holds one;
 *  - a waiting (pending, retry) row the plan keeps but with another
 *    deadline takes the new deadline_at, so its message tells the deadline
 *    as it now is; sent rows keep theirs;
 *  - reminder_finish refuses a row that is not in state sending; sent sets
 *    sent_at, only retry moves next_at; an attempt's status 0 is stored as
 *    NULL and its excerpt cut to 500 bytes on a UTF-8 boundary;
 *  - an ack is per item, milestone (NULL and '' the same) and office; a
 *    second ack keeps the first time but still cancels waiting overdue
 *    rows (planned since, by a caller that did not know);
 *  - task_set_done moves updated_at only when done_at changes.
 *
 * Ops that write several rows run inside the caller's transaction when
 * there is one, else in one of their own.  Every error message starts with
 * "sqlite: " and the op, then what it was about, then SQLite's message.
 */
#include "store.h"
#include "target.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#define BUSY_TIMEOUT_MS 5000

/*
 * The forward migrations: migrations[i] takes a database from schema i to
 * i + 1.  Never edit one that has shipped; add the next.  The first is also
 * in tests/unit/store-v1.sql, which must stay identical to it.
 */
static const char *const migrations[] = {
	/* 1: offices, tasks and their history, cases and their events. */
	"CREATE TABLE offices (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	name TEXT NOT NULL UNIQUE,\n"
	"	supervisor TEXT,\n"
	"	created_at INTEGER NOT NULL,\n"
	"	updated_at INTEGER NOT NULL\n"
	");\n"
	"CREATE TABLE tasks (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	key TEXT NOT NULL UNIQUE,\n"
	"	source TEXT NOT NULL,\n"
	"	title TEXT NOT NULL,\n"
	"	lead TEXT NOT NULL,\n"
	"	assist TEXT NOT NULL DEFAULT '[]',\n"
	"	due INTEGER,\n"
	"	due_text TEXT,\n"
	"	repeat TEXT,\n"
	"	policy TEXT,\n"
	"	calendar TEXT,\n"
	"	target TEXT,\n"
	"	created_at INTEGER NOT NULL,\n"
	"	updated_at INTEGER NOT NULL,\n"
	"	retired_at INTEGER\n"
	");\n"
	"CREATE INDEX tasks_source ON tasks (source, retired_at);\n"
	"CREATE TABLE task_history (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	task_id INTEGER NOT NULL REFERENCES tasks (id),\n"
	"	changed_at INTEGER NOT NULL,\n"
	"	change TEXT NOT NULL\n"
	"	    CHECK (change IN ('added', 'changed', 'retired', 'restored')),\n"
	"	old TEXT\n"
	");\n"
	"CREATE INDEX task_history_task ON task_history (task_id);\n"
	"CREATE TABLE cases (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	ref TEXT NOT NULL UNIQUE,\n"
	"	rule TEXT NOT NULL,\n"
	"	office TEXT NOT NULL,\n"
	"	title TEXT,\n"
	"	created_at INTEGER NOT NULL\n"
	");\n"
	"CREATE TABLE case_events (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	case_id INTEGER NOT NULL REFERENCES cases (id),\n"
	"	kind TEXT NOT NULL CHECK (kind IN\n"
	"	    ('opened', 'paused', 'resumed', 'extended', 'closed')),\n"
	"	at INTEGER NOT NULL,\n"
	"	milestone TEXT,\n"
	"	note TEXT,\n"
	"	recorded_at INTEGER NOT NULL\n"
	");\n"
	"CREATE INDEX case_events_case ON case_events (case_id, id);\n",

	/*
	 * 2: the outbox of reminders, their delivery attempts, acks and
	 * small named values.  At most one live (not cancelled) row per
	 * item, milestone, office, channel, kind, due time and, for failure
	 * notices, failed reminder: a replan can never duplicate a row.
	 */
	"CREATE TABLE reminders (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	item_type TEXT NOT NULL CHECK (item_type IN ('task', 'case')),\n"
	"	item_id INTEGER NOT NULL,\n"
	"	milestone TEXT,\n"
	"	office TEXT NOT NULL,\n"
	"	channel TEXT NOT NULL,\n"
	"	kind TEXT NOT NULL CHECK (kind IN ('before', 'due', 'overdue',\n"
	"	    'escalation', 'failure')),\n"
	"	due_at INTEGER NOT NULL,\n"
	"	deadline_at INTEGER NOT NULL,\n"
	"	state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending',\n"
	"	    'sending', 'sent', 'retry', 'failed', 'cancelled')),\n"
	"	next_at INTEGER NOT NULL,\n"
	"	attempts INTEGER NOT NULL DEFAULT 0,\n"
	"	about INTEGER REFERENCES reminders (id),\n"
	"	sent_at INTEGER,\n"
	"	created_at INTEGER NOT NULL,\n"
	"	updated_at INTEGER NOT NULL\n"
	");\n"
	"CREATE INDEX reminders_due ON reminders (state, next_at);\n"
	"CREATE UNIQUE INDEX reminders_live ON reminders (item_type, item_id,\n"
	"    IFNULL(milestone, ''), office, channel, kind, due_at,\n"
	"    IFNULL(about, 0)) WHERE state != 'cancelled';\n"
	"CREATE TABLE attempts (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	reminder_id INTEGER NOT NULL REFERENCES reminders (id),\n"
	"	started_at INTEGER NOT NULL,\n"
	"	duration_ms INTEGER NOT NULL,\n"
	"	result TEXT NOT NULL,\n"
	"	status INTEGER,\n"
	"	excerpt TEXT\n"
	");\n"
	"CREATE INDEX attempts_reminder ON attempts (reminder_id);\n"
	"CREATE TABLE acks (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	item_type TEXT NOT NULL CHECK (item_type IN ('task', 'case')),\n"
	"	item_id INTEGER NOT NULL,\n"
	"	milestone TEXT,\n"
	"	office TEXT NOT NULL,\n"
	"	acked_at INTEGER NOT NULL\n"
	");\n"
	"CREATE UNIQUE INDEX acks_item ON acks (item_type, item_id,\n"
	"    IFNULL(milestone, ''), office);\n"
	"CREATE TABLE meta (\n"
	"	key TEXT PRIMARY KEY,\n"
	"	value TEXT NOT NULL\n"
	");\n"
	"ALTER TABLE tasks ADD COLUMN done_at INTEGER;\n",

	/*
	 * 3: the offices each responsible for their own part of a task
	 * ("分别负责") and the section of the plan a task comes from; the
	 * recurring task an occurrence belongs to; per-office completion of
	 * parts; progress on quantity targets (number and unit parsed from
	 * the text, which stays in target); closes forced before a minimum
	 * period; listing reminders by office.
	 */
	"ALTER TABLE tasks ADD COLUMN responsible TEXT NOT NULL DEFAULT '[]';\n"
	"ALTER TABLE tasks ADD COLUMN section TEXT;\n"
	"ALTER TABLE tasks ADD COLUMN parent_id INTEGER REFERENCES tasks (id);\n"
	"ALTER TABLE tasks ADD COLUMN target_value REAL;\n"
	"ALTER TABLE tasks ADD COLUMN target_unit TEXT;\n"
	"CREATE INDEX tasks_parent ON tasks (parent_id)\n"
	"    WHERE parent_id IS NOT NULL;\n"
	"CREATE TABLE task_parts (\n"
	"	task_id INTEGER NOT NULL REFERENCES tasks (id),\n"
	"	office TEXT NOT NULL,\n"
	"	done_at INTEGER,\n"
	"	note TEXT,\n"
	"	updated_at INTEGER NOT NULL,\n"
	"	PRIMARY KEY (task_id, office)\n"
	");\n"
	"CREATE TABLE task_progress (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	task_id INTEGER NOT NULL REFERENCES tasks (id),\n"
	"	office TEXT,\n"
	"	value REAL NOT NULL,\n"
	"	note TEXT,\n"
	"	recorded_at INTEGER NOT NULL\n"
	");\n"
	"CREATE INDEX task_progress_task ON task_progress (task_id, id);\n"
	"ALTER TABLE case_events ADD COLUMN forced INTEGER NOT NULL DEFAULT 0;\n"
	/*
	 * A new reminder kind, 'notice' (to admin_office, e.g. a year the
	 * calendar does not cover): SQLite cannot change a CHECK, so the
	 * table is rebuilt with its rows and indexes.
	 */
	"CREATE TABLE reminders_v3 (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	item_type TEXT NOT NULL CHECK (item_type IN ('task', 'case')),\n"
	"	item_id INTEGER NOT NULL,\n"
	"	milestone TEXT,\n"
	"	office TEXT NOT NULL,\n"
	"	channel TEXT NOT NULL,\n"
	"	kind TEXT NOT NULL CHECK (kind IN ('before', 'due', 'overdue',\n"
	"	    'escalation', 'failure', 'notice')),\n"
	"	due_at INTEGER NOT NULL,\n"
	"	deadline_at INTEGER NOT NULL,\n"
	"	state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending',\n"
	"	    'sending', 'sent', 'retry', 'failed', 'cancelled')),\n"
	"	next_at INTEGER NOT NULL,\n"
	"	attempts INTEGER NOT NULL DEFAULT 0,\n"
	"	about INTEGER REFERENCES reminders_v3 (id),\n"
	"	sent_at INTEGER,\n"
	"	created_at INTEGER NOT NULL,\n"
	"	updated_at INTEGER NOT NULL\n"
	");\n"
	"INSERT INTO reminders_v3 SELECT * FROM reminders;\n"
	"DROP TABLE reminders;\n"
	"ALTER TABLE reminders_v3 RENAME TO reminders;\n"
	"CREATE INDEX reminders_due ON reminders (state, next_at);\n"
	"CREATE UNIQUE INDEX reminders_live ON reminders (item_type, item_id,\n"
	"    IFNULL(milestone, ''), office, channel, kind, due_at,\n"
	"    IFNULL(about, 0)) WHERE state != 'cancelled';\n"
	"CREATE INDEX reminders_office ON reminders (office, due_at);\n",
};

#define SCHEMA_LATEST ((int)(sizeof migrations / sizeof migrations[0]))

enum stmt_id {
	STMT_BEGIN,
	STMT_COMMIT,
	STMT_ROLLBACK,
	STMT_OFFICE_PUT,
	STMT_OFFICES,
	STMT_TASK_GET,
	STMT_TASK_GET_ID,
	STMT_TASKS,
	STMT_TASKS_ACTIVE,
	STMT_TASK_INSERT,
	STMT_TASK_UPDATE,
	STMT_TASK_RETIRE,
	STMT_HISTORY_ADD,
	STMT_HISTORY,
	STMT_CASE_FIND,
	STMT_CASE_INSERT,
	STMT_EVENT_ADD,
	STMT_EVENTS,
	STMT_CASE_GET,
	STMT_CASES,
	STMT_TASK_SET_DONE,
	STMT_PLAN_LIVE,
	STMT_REMINDER_INSERT,
	STMT_REMINDER_CANCEL,
	STMT_REMINDER_DEADLINE,
	STMT_REMINDERS_CANCEL,
	STMT_REMINDER_NEXT,
	STMT_CLAIM_SELECT,
	STMT_CLAIM_UPDATE,
	STMT_REMINDER_FINISH,
	STMT_ATTEMPT_ADD,
	STMT_RECOVER,
	STMT_REMINDER_GET,
	STMT_REMINDERS,
	STMT_ACK_ADD,
	STMT_ACK_CANCEL,
	STMT_ACK_GET,
	STMT_META_GET,
	STMT_META_PUT,
	STMT_TASKS_FIND,
	STMT_TASK_KEY_SET,
	STMT_PROGRESS_ADD,
	STMT_PROGRESS,
	STMT_COUNT
};

/* The column order task_row_read() expects. */
#define TASK_COLUMNS \
	"id, key, source, title, lead, assist, due, due_text, repeat, " \
	"policy, calendar, target, created_at, updated_at, retired_at, " \
	"done_at, responsible, section, parent_id, " \
	"(SELECT p.key FROM tasks p WHERE p.id = tasks.parent_id)"

/* The column order case_row_read() expects, for "FROM cases c". */
#define CASE_CLOSED \
	"EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id" \
	" AND e.kind = 'closed' AND e.milestone IS NULL)"
#define CASE_COLUMNS \
	"c.id, c.ref, c.rule, c.office, c.title, c.created_at, " CASE_CLOSED

/* The column order reminder_row_read() expects. */
#define REMINDER_COLUMNS \
	"id, item_type, item_id, milestone, office, channel, kind, due_at, " \
	"deadline_at, state, next_at, attempts, about, created_at, updated_at"

/*
 * "state != 'cancelled'" repeats the condition of the partial index
 * reminders_live, so that SQLite sees the index may serve the query.
 */
#define LIVE_ROWS_OF_ITEM \
	" item_type = ?1 AND item_id = ?2 AND state != 'cancelled'"

static const char *const stmt_sql[STMT_COUNT] = {
	/* Writers take the write lock up front: no deadlock on upgrade. */
	[STMT_BEGIN] = "BEGIN IMMEDIATE",
	[STMT_COMMIT] = "COMMIT",
	[STMT_ROLLBACK] = "ROLLBACK",
	/* updated_at moves only when something did change. */
	[STMT_OFFICE_PUT] =
	    "INSERT INTO offices (name, supervisor, created_at, updated_at)"
	    " VALUES (?1, ?2, ?3, ?3)"
	    " ON CONFLICT (name) DO UPDATE"
	    " SET supervisor = excluded.supervisor,"
	    " updated_at = excluded.updated_at"
	    " WHERE supervisor IS NOT excluded.supervisor",
	[STMT_OFFICES] =
	    "SELECT id, name, supervisor, created_at, updated_at"
	    " FROM offices ORDER BY name",
	[STMT_TASK_GET] = "SELECT " TASK_COLUMNS " FROM tasks WHERE key = ?1",
	[STMT_TASK_GET_ID] = "SELECT " TASK_COLUMNS " FROM tasks WHERE id = ?1",
	[STMT_TASKS] =
	    "SELECT " TASK_COLUMNS " FROM tasks"
	    " WHERE (?1 IS NULL OR source = ?1) AND (?2 OR retired_at IS NULL)"
	    " ORDER BY key",
	[STMT_TASKS_ACTIVE] =
	    "SELECT id, key FROM tasks"
	    " WHERE source = ?1 AND retired_at IS NULL",
	/* Insert and update share their parameters (task_write). */
	[STMT_TASK_INSERT] =
	    "INSERT INTO tasks (key, source, title, lead, assist, due,"
	    " due_text, repeat, policy, calendar, target, created_at,"
	    " updated_at, responsible, section, parent_id, target_value,"
	    " target_unit)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12,"
	    " ?13, ?14, (SELECT id FROM tasks WHERE key = ?15), ?16, ?17)",
	[STMT_TASK_UPDATE] =
	    "UPDATE tasks SET title = ?3, lead = ?4, assist = ?5, due = ?6,"
	    " due_text = ?7, repeat = ?8, policy = ?9, calendar = ?10,"
	    " target = ?11, updated_at = ?12, retired_at = NULL,"
	    " responsible = ?13, section = ?14,"
	    " parent_id = (SELECT id FROM tasks WHERE key = ?15),"
	    " target_value = ?16, target_unit = ?17"
	    " WHERE key = ?1 AND source = ?2",
	[STMT_TASK_RETIRE] =
	    "UPDATE tasks SET retired_at = ?2, updated_at = ?2 WHERE id = ?1",
	[STMT_HISTORY_ADD] =
	    "INSERT INTO task_history (task_id, changed_at, change, old)"
	    " VALUES (?1, ?2, ?3, ?4)",
	[STMT_HISTORY] =
	    "SELECT h.id, h.changed_at, h.change, h.old"
	    " FROM task_history h JOIN tasks t ON t.id = h.task_id"
	    " WHERE t.key = ?1 ORDER BY h.id",
	[STMT_CASE_FIND] = "SELECT id FROM cases WHERE ref = ?1",
	[STMT_CASE_INSERT] =
	    "INSERT INTO cases (ref, rule, office, title, created_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5)",
	[STMT_EVENT_ADD] =
	    "INSERT INTO case_events (case_id, kind, at, milestone, note,"
	    " recorded_at, forced) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[STMT_EVENTS] =
	    "SELECT id, kind, at, milestone, note, recorded_at, forced"
	    " FROM case_events WHERE case_id = ?1 ORDER BY id",
	[STMT_CASE_GET] = "SELECT " CASE_COLUMNS " FROM cases c WHERE id = ?1",
	[STMT_CASES] =
	    "SELECT " CASE_COLUMNS " FROM cases c"
	    " WHERE ?1 OR NOT " CASE_CLOSED " ORDER BY id",
	/* updated_at moves only when done_at does. */
	[STMT_TASK_SET_DONE] =
	    "UPDATE tasks SET done_at = NULLIF(?2, 0),"
	    " updated_at = CASE WHEN done_at IS NULLIF(?2, 0)"
	    " THEN updated_at ELSE ?3 END"
	    " WHERE key = ?1",
	/* Failure notices are not planned: reminders_plan leaves them be. */
	[STMT_PLAN_LIVE] =
	    "SELECT " REMINDER_COLUMNS " FROM reminders"
	    " WHERE" LIVE_ROWS_OF_ITEM " AND kind != 'failure'",
	[STMT_REMINDER_INSERT] =
	    "INSERT INTO reminders (item_type, item_id, milestone, office,"
	    " channel, kind, due_at, deadline_at, next_at, about, created_at,"
	    " updated_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7, ?9, ?10, ?10)",
	[STMT_REMINDER_CANCEL] =
	    "UPDATE reminders SET state = 'cancelled', updated_at = ?2"
	    " WHERE id = ?1 AND state IN ('pending', 'retry')",
	[STMT_REMINDER_DEADLINE] =
	    "UPDATE reminders SET deadline_at = ?2, updated_at = ?3"
	    " WHERE id = ?1",
	[STMT_REMINDERS_CANCEL] =
	    "UPDATE reminders SET state = 'cancelled', updated_at = ?4"
	    " WHERE" LIVE_ROWS_OF_ITEM " AND state IN ('pending', 'retry')"
	    " AND (?3 IS NULL OR IFNULL(milestone, '') = ?3)",
	/* One index search per state (SQLite's min() optimization). */
	[STMT_REMINDER_NEXT] =
	    "SELECT min(m) FROM (SELECT min(next_at) AS m FROM reminders"
	    " WHERE state = 'pending' UNION ALL"
	    " SELECT min(next_at) FROM reminders WHERE state = 'retry')",
	/*
	 * Walks reminders_due in order for both states and stops after ?2
	 * rows (rowid, the index's last column, breaks ties): milliseconds
	 * however many rows wait.
	 */
	[STMT_CLAIM_SELECT] =
	    "SELECT " REMINDER_COLUMNS " FROM reminders"
	    " WHERE state IN ('pending', 'retry') AND next_at <= ?1"
	    " ORDER BY next_at, id LIMIT ?2",
	[STMT_CLAIM_UPDATE] =
	    "UPDATE reminders SET state = 'sending', attempts = attempts + 1,"
	    " updated_at = ?2 WHERE id = ?1",
	[STMT_REMINDER_FINISH] =
	    "UPDATE reminders SET state = ?2,"
	    " next_at = CASE WHEN ?2 = 'retry' THEN ?3 ELSE next_at END,"
	    " sent_at = CASE WHEN ?2 = 'sent' THEN ?4 ELSE sent_at END,"
	    " updated_at = ?4"
	    " WHERE id = ?1 AND state = 'sending'",
	[STMT_ATTEMPT_ADD] =
	    "INSERT INTO attempts (reminder_id, started_at, duration_ms,"
	    " result, status, excerpt) VALUES (?1, ?2, ?3, ?4, NULLIF(?5, 0), ?6)",
	[STMT_RECOVER] =
	    "UPDATE reminders SET state = 'retry', next_at = ?1,"
	    " updated_at = ?1 WHERE state = 'sending'",
	[STMT_REMINDER_GET] =
	    "SELECT " REMINDER_COLUMNS " FROM reminders WHERE id = ?1",
	/* A NULL parameter matches every row; LIMIT -1 is no limit. */
	[STMT_REMINDERS] =
	    "SELECT " REMINDER_COLUMNS " FROM reminders"
	    " WHERE (?1 IS NULL OR state = ?1) AND (?2 IS NULL OR office = ?2)"
	    " AND (?3 IS NULL OR due_at >= ?3) AND (?4 IS NULL OR due_at < ?4)"
	    " AND (?5 IS NULL OR (item_type = ?6 AND item_id = ?5))"
	    " ORDER BY due_at, id LIMIT ?7",
	/* A second ack keeps the first time. */
	[STMT_ACK_ADD] =
	    "INSERT INTO acks (item_type, item_id, milestone, office, acked_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
	[STMT_ACK_CANCEL] =
	    "UPDATE reminders SET state = 'cancelled', updated_at = ?5"
	    " WHERE" LIVE_ROWS_OF_ITEM " AND state IN ('pending', 'retry')"
	    " AND kind = 'overdue' AND IFNULL(milestone, '') = IFNULL(?3, '')"
	    " AND office = ?4",
	[STMT_ACK_GET] =
	    "SELECT acked_at FROM acks WHERE item_type = ?1 AND item_id = ?2"
	    " AND IFNULL(milestone, '') = IFNULL(?3, '') AND office = ?4",
	[STMT_META_GET] = "SELECT value FROM meta WHERE key = ?1",
	[STMT_META_PUT] =
	    "INSERT INTO meta (key, value) VALUES (?1, ?2)"
	    " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	/*
	 * ?2 is a JSON array of office names; a NULL parameter matches
	 * every row, -1 in ?3 and ?4 too.
	 */
	[STMT_TASKS_FIND] =
	    "SELECT " TASK_COLUMNS " FROM tasks"
	    " WHERE (?1 IS NULL OR source = ?1)"
	    " AND (?2 IS NULL OR lead IN (SELECT value FROM json_each(?2))"
	    " OR EXISTS (SELECT 1 FROM json_each(tasks.assist) a"
	    " WHERE a.value IN (SELECT value FROM json_each(?2)))"
	    " OR EXISTS (SELECT 1 FROM json_each(tasks.responsible) r"
	    " WHERE r.value IN (SELECT value FROM json_each(?2))))"
	    " AND (?3 < 0 OR (retired_at IS NOT NULL) = ?3)"
	    " AND (?4 < 0 OR (done_at IS NOT NULL) = ?4)"
	    " AND (?5 IS NULL OR due >= ?5 OR (?7 AND due IS NULL))"
	    " AND (?6 IS NULL OR due <= ?6 OR (?7 AND due IS NULL))"
	    " ORDER BY due IS NULL, due, key LIMIT ?8",
	[STMT_TASK_KEY_SET] = "UPDATE tasks SET key = ?2 WHERE id = ?1",
	[STMT_PROGRESS_ADD] =
	    "INSERT INTO task_progress (task_id, office, value, note,"
	    " recorded_at) VALUES (?1, ?2, ?3, ?4, ?5)",
	[STMT_PROGRESS] =
	    "SELECT id, value, office, note, recorded_at FROM task_progress"
	    " WHERE task_id = ?1 ORDER BY id",
};

/*
 * The words the schema uses for event kinds.  They are the database's
 * vocabulary (see the CHECK constraint), so they live here and not in
 * timelimit.c: renaming an enum there must not change stored data.
 */
static const char *const event_kinds[] = {
	[TL_OPENED] = "opened",
	[TL_PAUSED] = "paused",
	[TL_RESUMED] = "resumed",
	[TL_EXTENDED] = "extended",
	[TL_CLOSED] = "closed",
};

#define NEVENT_KINDS (sizeof event_kinds / sizeof event_kinds[0])

struct sqlite_store {
	struct store	 store;		/* first: callers hold a store * */
	sqlite3		*db;
	sqlite3_stmt	*stmt[STMT_COUNT];
};

static struct sqlite_store *
to_sqlite(struct store *st)
{
	return (struct sqlite_store *)st;
}

/* "sqlite: op: what: SQLite's message"; what may be NULL. */
static int
fail(struct sqlite_store *s, const char *op, const char *what)
{
	if (what != NULL)
		store_set_error(&s->store, "sqlite: %s: %s: %s", op, what,
		    sqlite3_errmsg(s->db));
	else
		store_set_error(&s->store, "sqlite: %s: %s", op,
		    sqlite3_errmsg(s->db));
	switch (sqlite3_extended_errcode(s->db) & 0xff) {
	case SQLITE_FULL:
		s->store.errclass = STORE_EFULL;
		break;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		s->store.errclass = STORE_EBUSY;
		break;
	case SQLITE_IOERR:
	case SQLITE_CORRUPT:
		s->store.errclass = STORE_EIO;
		break;
	}
	return -1;
}

static int
fail_oom(struct sqlite_store *s, const char *op)
{
	store_set_error(&s->store, "sqlite: %s: out of memory", op);
	return -1;
}

/* The statement, prepared on first use and kept until close. */
static sqlite3_stmt *
stmt_get(struct sqlite_store *s, enum stmt_id id, const char *op)
{
	if (s->stmt[id] == NULL && sqlite3_prepare_v3(s->db, stmt_sql[id], -1,
	    SQLITE_PREPARE_PERSISTENT, &s->stmt[id], NULL) != SQLITE_OK) {
		fail(s, op, NULL);
		return NULL;
	}
	return s->stmt[id];
}

/* Ready for the next use; a reset statement holds no lock. */
static void
stmt_done(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

/* Steps a statement that returns no rows, then resets it. */
static int
stmt_run(struct sqlite_store *s, sqlite3_stmt *st, const char *op,
    const char *what)
{
	int rc;

	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		fail(s, op, what);
	stmt_done(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
stmt_exec(struct sqlite_store *s, enum stmt_id id, const char *op)
{
	sqlite3_stmt *st;

	if ((st = stmt_get(s, id, op)) == NULL)
		return -1;
	return stmt_run(s, st, op, NULL);
}

/* Rolls back, keeping the message of the failure that led here. */
static void
rollback_quietly(struct sqlite_store *s)
{
	char saved[sizeof s->store.err];

	if (sqlite3_get_autocommit(s->db))
		return;		/* SQLite already rolled back */
	memcpy(saved, s->store.err, sizeof saved);
	stmt_exec(s, STMT_ROLLBACK, "rollback");
	memcpy(s->store.err, saved, sizeof saved);
}

/* An op that writes several rows: its own transaction unless in one. */
static int
op_begin(struct sqlite_store *s, const char *op, bool *own)
{
	*own = sqlite3_get_autocommit(s->db) != 0;
	if (*own)
		return stmt_exec(s, STMT_BEGIN, op);
	return 0;
}

static int
op_end(struct sqlite_store *s, const char *op, bool own, int rc)
{
	if (!own)
		return rc;
	if (rc == 0 && stmt_exec(s, STMT_COMMIT, op) == 0)
		return 0;
	rollback_quietly(s);
	return -1;
}

/* v grown to hold need elements, or NULL (v untouched) out of memory. */
static void *
grow(void *v, size_t *cap, size_t need, size_t size)
{
	void *nv;
	size_t ncap;

	if (need <= *cap)
		return v;
	ncap = *cap == 0 ? 8 : *cap * 2;
	if ((nv = reallocarray(v, ncap, size)) == NULL)
		return NULL;
	*cap = ncap;
	return nv;
}

/* A copy of a text column, NULL for SQL NULL; *oom set when out of memory. */
static char *
column_text(sqlite3_stmt *st, int col, bool *oom)
{
	const unsigned char *t;
	char *copy;

	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return NULL;
	if ((t = sqlite3_column_text(st, col)) == NULL ||
	    (copy = strdup((const char *)t)) == NULL) {
		*oom = true;
		return NULL;
	}
	return copy;
}

static int
bind_text(sqlite3_stmt *st, int i, const char *text)
{
	/* NULL binds SQL NULL. */
	return sqlite3_bind_text(st, i, text, -1, SQLITE_STATIC);
}

static int
user_version(sqlite3 *db, int *version)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st,
	    NULL)) != SQLITE_OK)
		return rc;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*version = sqlite3_column_int(st, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

static int
enable_wal(struct sqlite_store *s, const char *path)
{
	sqlite3_stmt *st;
	const char *mode;
	bool wal;

	if (sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &st,
	    NULL) != SQLITE_OK)
		return fail(s, path, "journal_mode");
	if (sqlite3_step(st) != SQLITE_ROW) {
		fail(s, path, "journal_mode");
		sqlite3_finalize(st);
		return -1;
	}
	mode = (const char *)sqlite3_column_text(st, 0);
	wal = mode != NULL && strcmp(mode, "wal") == 0;
	if (!wal)
		store_set_error(&s->store, "sqlite: %s: journal_mode=WAL "
		    "refused (mode is %s)", path, mode != NULL ? mode : "?");
	sqlite3_finalize(st);
	return wal ? 0 : -1;
}

/* Fails when a row refers to a missing one (PRAGMA foreign_key_check). */
static int
foreign_keys_check(struct sqlite_store *s, const char *path,
    const char *what)
{
	sqlite3_stmt *q;
	int rc;

	if (sqlite3_prepare_v2(s->db, "PRAGMA foreign_key_check", -1, &q,
	    NULL) != SQLITE_OK)
		return fail(s, path, what);
	if ((rc = sqlite3_step(q)) != SQLITE_ROW && rc != SQLITE_DONE)
		fail(s, path, what);
	if (rc == SQLITE_ROW)
		store_set_error(&s->store, "sqlite: %s: %s: table %s row %lld "
		    "refers to a missing row of %s", path, what,
		    (const char *)sqlite3_column_text(q, 0),
		    (long long)sqlite3_column_int64(q, 1),
		    (const char *)sqlite3_column_text(q, 2));
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Applies the migrations from the database's schema to the latest. */
static int
migrate(struct sqlite_store *s, const char *path)
{
	char sql[64], what[64];
	int version;

	for (;;) {
		/* Another process may be migrating: re-read under the lock. */
		if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL,
		    NULL) != SQLITE_OK)
			return fail(s, path, "migration");
		if (user_version(s->db, &version) != SQLITE_OK) {
			fail(s, path, "user_version");
			rollback_quietly(s);
			return -1;
		}
		if (version >= SCHEMA_LATEST) {
			rollback_quietly(s);
			return 0;
		}
		snprintf(what, sizeof what, "migration to schema %d",
		    version + 1);
		snprintf(sql, sizeof sql, "PRAGMA user_version = %d",
		    version + 1);
		if (sqlite3_exec(s->db, migrations[version], NULL, NULL,
		    NULL) != SQLITE_OK) {
			fail(s, path, what);
			rollback_quietly(s);
			return -1;
		}
		if (foreign_keys_check(s, path, what) == -1) {
			rollback_quietly(s);
			return -1;
		}
		if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK ||
		    sqlite3_exec(s->db, "COMMIT", NULL, NULL,
		    NULL) != SQLITE_OK) {
			fail(s, path, what);
			rollback_quietly(s);
			return -1;
		}
	}
}

/* Connection settings, the schema check and the migrations. */
static int
sqlite_setup(struct sqlite_store *s, const char *path)
{
	int version;

	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);

	/* Before anything writes to the file. */
	if (user_version(s->db, &version) != SQLITE_OK)
		return fail(s, path, NULL);
	if (version > SCHEMA_LATEST) {
		store_set_error(&s->store, "sqlite: %s: created by a newer "
		    "duban: schema %d, this build knows up to %d", path,
		    version, SCHEMA_LATEST);
		return -1;
	}
	if (version < 0) {
		store_set_error(&s->store, "sqlite: %s: not a duban database "
		    "(user_version %d)", path, version);
		return -1;
	}

	if (enable_wal(s, path) == -1)
		return -1;
	if (sqlite3_exec(s->db, "PRAGMA synchronous = NORMAL", NULL, NULL,
	    NULL) != SQLITE_OK)
		return fail(s, path, NULL);
	/*
	 * Foreign keys go on after the migrations: a migration that rebuilds
	 * a table must not have its DROP check references (SQLite's advice
	 * for schema changes); migrate() checks them before each commit.
	 */
	if (version < SCHEMA_LATEST && migrate(s, path) == -1)
		return -1;
	if (sqlite3_exec(s->db, "PRAGMA foreign_keys = ON", NULL, NULL,
	    NULL) != SQLITE_OK)
		return fail(s, path, NULL);
	return 0;
}

static void
sqlite_close(struct store *st)
{
	struct sqlite_store *s = to_sqlite(st);
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < STMT_COUNT; i++)
		sqlite3_finalize(s->stmt[i]);
	sqlite3_close(s->db);
	free(s);
}

static int
sqlite_open(struct store **out, const char *path, char *err, size_t errlen)
{
	struct sqlite_store *s;
	int rc;

	if ((s = calloc(1, sizeof *s)) == NULL) {
		snprintf(err, errlen, "sqlite: %s: out of memory", path);
		return -1;
	}
	s->store.ops = &store_sqlite_ops;
	rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "sqlite: %s: %s", path, s->db != NULL ?
		    sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
		sqlite_close(&s->store);
		return -1;
	}
	if (sqlite_setup(s, path) == -1) {
		snprintf(err, errlen, "%s", s->store.err);
		sqlite_close(&s->store);
		return -1;
	}
	*out = &s->store;
	return 0;
}

static int
sqlite_begin(struct store *st)
{
	return stmt_exec(to_sqlite(st), STMT_BEGIN, "begin");
}

static int
sqlite_commit(struct store *st)
{
	return stmt_exec(to_sqlite(st), STMT_COMMIT, "commit");
}

static int
sqlite_rollback(struct store *st)
{
	struct sqlite_store *s = to_sqlite(st);

	/* Some errors (SQLITE_FULL, SQLITE_IOERR) roll back by themselves. */
	if (sqlite3_get_autocommit(s->db))
		return 0;
	return stmt_exec(s, STMT_ROLLBACK, "rollback");
}

static int
sqlite_schema_version(struct store *st, int *version)
{
	struct sqlite_store *s = to_sqlite(st);

	if (user_version(s->db, version) != SQLITE_OK)
		return fail(s, "schema_version", NULL);
	return 0;
}

static int
sqlite_office_put(struct store *st, const struct office_rec *rec,
    int64_t now)
{
	struct sqlite_store *s = to_sqlite(st);
	sqlite3_stmt *q;

	if ((q = stmt_get(s, STMT_OFFICE_PUT, "office_put")) == NULL)
		return -1;
	if (bind_text(q, 1, rec->name) != SQLITE_OK ||
	    bind_text(q, 2, rec->supervisor) != SQLITE_OK ||
	    sqlite3_bind_int64(q, 3, now) != SQLITE_OK) {
		fail(s, "office_put", rec->name);
		stmt_done(q);
		return -1;
	}
	return stmt_run(s, q, "office_put", rec->name);
}

static int
sqlite_offices(struct store *st, struct office_row **rows, size_t *n)
{
	struct sqlite_store *s = to_sqlite(st);
	struct office_row *v = NULL, *nv, *row;
	sqlite3_stmt *q;
	size_t cap = 0, count = 0;
	bool oom = false;
	int rc;

	*rows = NULL;
	*n = 0;
	if ((q = stmt_get(s, STMT_OFFICES, "offices")) == NULL)
		return -1;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if ((nv = grow(v, &cap, count + 1, sizeof *v)) == NULL) {
			oom = true;
			break;
		}
		v = nv;
		row = &v[count++];
		row->id = sqlite3_column_int64(q, 0);
		row->name = column_text(q, 1, &oom);
		row->supervisor = column_text(q, 2, &oom);
		row->created_at = sqlite3_column_int64(q, 3);
		row->updated_at = sqlite3_column_int64(q, 4);
		if (oom)
			break;
	}
	if (oom || rc != SQLITE_DONE) {
		if (oom)
			fail_oom(s, "offices");
		else
			fail(s, "offices", NULL);
		stmt_done(q);
		office_rows_free(v, count);
		return -1;
	}
	stmt_done(q);
	*rows = v;
	*n = count;
	return 0;
}

/* The assisting offices as stored: a JSON array of strings. */
static char *
assist_encode(const char *const *assist, size_t n)
{
	json_t *array;
	char *text = NULL;
	size_t i;

	if ((array = json_array()) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if (json_array_append_new(array, json_string(assist[i])) == -1)
			goto done;
	text = json_dumps(array, JSON_COMPACT);
done:
	json_decref(array);
	return text;
}

/*
 * Fills names/n from an office list as stored (JSON); the row frees what
 * was set.
 */
static int
names_decode(const char *text, const char *const **names, size_t *n)
{
	json_t *array;
	char **v;
	const char *name;
	size_t i;
	int rc = -1;

	if ((array = json_loads(text, 0, NULL)) == NULL)
		return -1;
	if (!json_is_array(array))
		goto done;
	if (json_array_size(array) == 0) {
		rc = 0;
		goto done;
	}
	if ((v = calloc(json_array_size(array), sizeof *v)) == NULL)
		goto done;
	*names = (const char *const *)v;
	for (i = 0; i < json_array_size(array); i++) {
		name = json_string_value(json_array_get(array, i));
		if (name == NULL || (v[i] = strdup(name)) == NULL)
			goto done;
		*n = i + 1;
	}
	rc = 0;
done:
	json_decref(array);
	return rc;
}

/* Reads a row of TASK_COLUMNS. */
static int
task_row_read(struct sqlite_store *s, sqlite3_stmt *q, struct task_row *row,
    const char *op)
{
	struct task_rec *rec = &row->rec;
	char *assist, *responsible;
	bool oom = false;
	int rc = -1;

	memset(row, 0, sizeof *row);
	row->id = sqlite3_column_int64(q, 0);
	rec->key = column_text(q, 1, &oom);
	rec->source = column_text(q, 2, &oom);
	rec->title = column_text(q, 3, &oom);
	rec->lead = column_text(q, 4, &oom);
	assist = column_text(q, 5, &oom);
	rec->due = sqlite3_column_type(q, 6) == SQLITE_NULL ? -1 :
	    sqlite3_column_int(q, 6);
	rec->due_text = column_text(q, 7, &oom);
	rec->repeat = column_text(q, 8, &oom);
	rec->policy = column_text(q, 9, &oom);
	rec->calendar = column_text(q, 10, &oom);
	rec->target = column_text(q, 11, &oom);
	row->created_at = sqlite3_column_int64(q, 12);
	row->updated_at = sqlite3_column_int64(q, 13);
	row->retired_at = sqlite3_column_int64(q, 14);	/* NULL reads 0 */
	row->done_at = sqlite3_column_int64(q, 15);
	responsible = column_text(q, 16, &oom);
	rec->section = column_text(q, 17, &oom);
	row->parent_id = sqlite3_column_int64(q, 18);
	rec->parent = column_text(q, 19, &oom);
	if (oom) {
		fail_oom(s, op);
		goto done;
	}
	if (assist != NULL &&
	    names_decode(assist, &rec->assist, &rec->nassist) == -1) {
		store_set_error(&s->store, "sqlite: %s: task %s: assist is "
		    "not a JSON array of names: %s", op, rec->key, assist);
		goto done;
	}
	if (responsible != NULL && names_decode(responsible,
	    &rec->responsible, &rec->nresponsible) == -1) {
		store_set_error(&s->store, "sqlite: %s: task %s: responsible "
		    "is not a JSON array of names: %s", op, rec->key,
		    responsible);
		goto done;
	}
	rc = 0;
done:
	free(assist);
	free(responsible);
	return rc;
}

/* The task rows a prepared, bound statement returns. */
static int
task_rows_collect(struct sqlite_store *s, sqlite3_stmt *q, const char *op,
    struct task_row **rows, size_t *n)
{
	struct task_row *v = NULL, *nv;
	size_t cap = 0, count = 0;
	int rc;

	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if ((nv = grow(v, &cap, count + 1, sizeof *v)) == NULL) {
			fail_oom(s, op);
			goto fail;
		}
		v = nv;
		if (task_row_read(s, q, &v[count], op) == -1) {
			count++;	/* partly read: freed below */
			goto fail;
		}
		count++;
	}
	if (rc != SQLITE_DONE) {
		fail(s, op, NULL);
		goto fail;
	}
	stmt_done(q);
	*rows = v;
	*n = count;
	return 0;
fail:
	stmt_done(q);
	task_rows_free(v, count);
	return -1;
}

static int
task_read(struct sqlite_store *s, const char *key, struct task_row **row,
    const char *op)
{
	sqlite3_stmt *q;
	size_t n;

	*row = NULL;
	if ((q = stmt_get(s, STMT_TASK_GET, op)) == NULL)
		return -1;
	if (bind_text(q, 1, key) != SQLITE_OK) {
		fail(s, op, key);
		stmt_done(q);
		return -1;
	}
	return task_rows_collect(s, q, op, row, &n);
}

static int
sqlite_task_get(struct store *st, const char *key, struct task_row **row)
{
	return task_read(to_sqlite(st), key, row, "task_get");
}

static int
sqlite_task_get_id(struct store *st, int64_t id, struct task_row **row)
{
	struct sqlite_store *s = to_sqlite(st);
	sqlite3_stmt *q;
	size_t n;

	*row = NULL;
	if ((q = stmt_get(s, STMT_TASK_GET_ID, "task_get_id")) == NULL)
		return -1;
	if (sqlite3_bind_int64(q, 1, id) != SQLITE_OK) {
		fail(s, "task_get_id", NULL);
		stmt_done(q);
		return -1;
	}
	return task_rows_collect(s, q, "task_get_id", row, &n);
}

static int
sqlite_tasks(struct store *st, const char *source, bool include_retired,
    struct task_row **rows, size_t *n)
{
	struct sqlite_store *s = to_sqlite(st);
	sqlite3_stmt *q;

	*rows = NULL;
	*n = 0;
	if ((q = stmt_get(s, STMT_TASKS, "tasks")) == NULL)
		return -1;
	if (bind_text(q, 1, source) != SQLITE_OK ||
	    sqlite3_bind_int(q, 2, include_retired) != SQLITE_OK) {
		fail(s, "tasks", source);
		stmt_done(q);
		return -1;
	}
	return task_rows_collect(s, q, "tasks", rows, n);
}

static int
sqlite_tasks_recurring(struct store *st, struct task_row **rows, size_t *n)
{
	struct sqlite_store *s = to_sqlite(st);
	static const char sql[] =
	    "SELECT " TASK_COLUMNS " FROM tasks"
	    " WHERE retired_at IS NULL AND repeat IS NOT NULL"
	    " UNION ALL SELECT " TASK_COLUMNS " FROM tasks"
	    " WHERE parent_id IS NOT NULL AND retired_at IS NULL"
	    " ORDER BY 2";
	sqlite3_stmt *q;
	int rc;

	*rows = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK)
		return fail(s, "tasks_recurring", NULL);
	rc = task_rows_collect(s, q, "tasks_recurring", rows, n);
	sqlite3_finalize(q);
	return rc;
}

static bool
str_same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static int
due_or_none(int due)
{
	return due < 0 ? -1 : due;
}

static bool
names_same(const char *const *a, size_t na, const char *const *b, size_t nb)
{
	size_t i;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++)
		if (!str_same(a[i], b[i]))
			return false;
	return true;
}

/* Whether the stored task already says what rec says. */
static bool
task_same(const struct task_rec *a, const struct task_rec *b)
{
	if (!str_same(a->title, b->title) || !str_same(a->lead, b->lead) ||
	    due_or_none(a->due) != due_or_none(b->due) ||
	    !str_same(a->due_text, b->due_text) ||
	    !str_same(a->repeat, b->repeat) ||
	    !str_same(a->policy, b->policy) ||
	    !str_same(a->calendar, b->calendar) ||
	    !str_same(a->target, b->target) ||
	    !str_same(a->section, b->section) ||
	    !str_same(a->parent, b->parent))
		return false;
	return names_same(a->assist, a->nassist, b->assist, b->nassist) &&
	    names_same(a->responsible, a->nresponsible, b->responsible,
	    b->nresponsible);
}

static json_t *
json_text(const char *text)
{
	return text == NULL ? json_null() : json_string(text);
}

static json_t *
json_time(int64_t t)
{
	return t == 0 ? json_null() : json_integer(t);
}

/* An office list as a JSON array, NULL when out of memory. */
static json_t *
names_json(const char *const *names, size_t n)
{
	json_t *array;
	size_t i;

	if ((array = json_array()) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if (json_array_append_new(array, json_text(names[i])) == -1) {
			json_decref(array);
			return NULL;
		}
	return array;
}

/* The stored row as a JSON object, for task_history.old. */
static char *
task_snapshot(const struct task_row *row)
{
	const struct task_rec *r = &row->rec;
	json_t *o = NULL, *assist, *responsible;
	char *text = NULL;

	assist = names_json(r->assist, r->nassist);
	responsible = names_json(r->responsible, r->nresponsible);
	if (assist == NULL || responsible == NULL)
		goto done;
	/* The _new setters take the value, also when they fail. */
	if ((o = json_object()) == NULL ||
	    json_object_set_new(o, "id", json_integer(row->id)) == -1 ||
	    json_object_set_new(o, "key", json_text(r->key)) == -1 ||
	    json_object_set_new(o, "source", json_text(r->source)) == -1 ||
	    json_object_set_new(o, "title", json_text(r->title)) == -1 ||
	    json_object_set_new(o, "lead", json_text(r->lead)) == -1 ||
	    json_object_set(o, "assist", assist) == -1 ||
	    json_object_set(o, "responsible", responsible) == -1 ||
	    json_object_set_new(o, "section", json_text(r->section)) == -1 ||
	    json_object_set_new(o, "parent", json_text(r->parent)) == -1 ||
	    json_object_set_new(o, "due", r->due < 0 ? json_null() :
	    json_integer(r->due)) == -1 ||
	    json_object_set_new(o, "due_text", json_text(r->due_text)) == -1 ||
	    json_object_set_new(o, "repeat", json_text(r->repeat)) == -1 ||
	    json_object_set_new(o, "policy", json_text(r->policy)) == -1 ||
	    json_object_set_new(o, "calendar", json_text(r->calendar)) == -1 ||
	    json_object_set_new(o, "target", json_text(r->target)) == -1 ||
	    json_object_set_new(o, "created_at",
	    json_integer(row->created_at)) == -1 ||
	    json_object_set_new(o, "updated_at",
	    json_integer(row->updated_at)) == -1 ||
	    json_object_set_new(o, "retired_at",
	    json_time(row->retired_at)) == -1 ||
	    json_object_set_new(o, "done_at", json_time(row->done_at)) == -1)
		goto done;
	text = json_dumps(o, JSON_COMPACT);
done:
	json_decref(o);
	json_decref(assist);
	json_decref(responsible);
	return text;
}

static int
history_add(struct sqlite_store *s, int64_t task_id,
    enum task_change_kind change, const char *old, int64_t now,
    const char *key)
{
	sqlite3_stmt *q;

	if ((q = stmt_get(s, STMT_HISTORY_ADD, "tasks_sync")) == NULL)
		return -1;
	if (sqlite3_bind_int64(q, 1, task_id) != SQLITE_OK ||
	    sqlite3_bind_int64(q, 2, now) != SQLITE_OK ||
	    bind_text(q, 3, task_change_kind_str(change)) != SQLITE_OK ||
	    bind_text(q, 4, old) != SQLITE_OK) {
		fail(s, "tasks_sync", key);
		stmt_done(q);
		return -1;
	}
	return stmt_run(s, q, "tasks_sync", key);
}

/*
 * Binds the number and unit of a target (target.h) to i and i + 1: NULL
 * and NULL without a number, NULL unit when it has none.
 */
static int
target_bind(sqlite3_stmt *q, int i, const char *target)
{
	char unit[TARGET_UNIT_MAX];
	double value;
	int rc;

	if (target_parse(target, &value, unit, sizeof unit) == -1) {
		if ((rc = sqlite3_bind_null(q, i)) != SQLITE_OK)
			return rc;
		return sqlite3_bind_null(q, i + 1);
	}
	if ((rc = sqlite3_bind_double(q, i, value)) != SQLITE_OK)
		return rc;
	/* unit is on this stack: SQLite must copy it. */
	if (unit[0] == '\0')
		return sqlite3_bind_null(q, i + 1);
	return sqlite3_bind_text(q, i + 1, unit, -1, SQLITE_TRANSIENT);
}

/* Inserts or updates (by key) the task rec says. */
static int
task_write(struct sqlite_store *s, enum stmt_id id, const char *source,
    const struct task_rec *rec, int64_t now)
{
	sqlite3_stmt *q;
	char *assist, *responsible = NULL;
	int rc = -1;

	if ((assist = assist_encode(rec->assist, rec->nassist)) == NULL ||
	    (responsible = assist_encode(rec->responsible,
	    rec->nresponsible)) == NULL) {
		store_set_error(&s->store, "sqlite: tasks_sync: %s: offices "
		    "must be UTF-8 names", rec->key);
		goto done;
	}
	if ((q = stmt_get(s, id, "tasks_sync")) == NULL)
		goto done;
	if (bind_text(q, 1, rec->key) != SQLITE_OK ||
	    bind_text(q, 2, source) != SQLITE_OK ||
	    bind_text(q, 3, rec->title) != SQLITE_OK ||
	    bind_text(q, 4, rec->lead) != SQLITE_OK ||
	    bind_text(q, 5, assist) != SQLITE_OK ||
	    (rec->due < 0 ? sqlite3_bind_null(q, 6) :
	    sqlite3_bind_int(q, 6, rec->due)) != SQLITE_OK ||
	    bind_text(q, 7, rec->due_text) != SQLITE_OK ||
	    bind_text(q, 8, rec->repeat) != SQLITE_OK ||
	    bind_text(q, 9, rec->policy) != SQLITE_OK ||
	    bind_text(q, 10, rec->calendar) != SQLITE_OK ||
	    bind_text(q, 11, rec->target) != SQLITE_OK ||
	    sqlite3_bind_int64(q, 12, now) != SQLITE_OK ||
	    bind_text(q, 13, responsible) != SQLITE_OK ||
	    bind_text(q, 14, rec->section) != SQLITE_OK ||
	    bind_text(q, 15, rec->parent) != SQLITE_OK ||
	    target_bind(q, 16, rec->target) != SQLITE_OK) {
		fail(s, "tasks_sync", rec->key);
		stmt_done(q);
		goto done;
	}
	rc = stmt_run(s, q, "tasks_sync", rec->key);
done:
	free(assist);
	free(responsible);
	return rc;
}

/* The ids a sync touched (NULL: not wanted), with room to grow. */
struct touched {
	int64_t	*v;
	size_t	 n;
	size_t	 cap;
};

static int
touched_add(struct sqlite_store *s, struct touched *t, int64_t id)
{
	int64_t *grown;

	if (t == NULL)
		return 0;
	if ((grown = grow(t->v, &t->cap, t->n + 1, sizeof *grown)) == NULL)
		return fail_oom(s, "tasks_sync");
	t->v = grown;
	t->v[t->n++] = id;
	return 0;
}

static int
task_sync_one(struct sqlite_store *s, const char *source,
    const struct task_rec *rec, int64_t now, struct sync_stats *stats,
    struct touched *touched)
{
	struct task_row *old;
	enum task_change_kind change;
	char *snapshot = NULL;
	int64_t id;
	int rc = -1;

	if (task_read(s, rec->key, &old, "tasks_sync") == -1)
		return -1;
	if (old == NULL) {
		if (task_write(s, STMT_TASK_INSERT, source, rec, now) == -1)
			return -1;
		id = sqlite3_last_insert_rowid(s->db);
		if (history_add(s, id, TASK_ADDED, NULL, now, rec->key) == -1 ||
		    touched_add(s, touched, id) == -1)
			return -1;
		stats->added++;
		return 0;
	}
	if (strcmp(old->rec.source, source) != 0) {
		store_set_error(&s->store, "sqlite: tasks_sync: %s: the task "
		    "belongs to source \"%s\", not \"%s\"", rec->key,
		    old->rec.source, source);
		goto done;
	}
	if (old->retired_at == 0 && task_same(&old->rec, rec)) {
		stats->unchanged++;
		rc = 0;
		goto done;
	}
	change = old->retired_at != 0 ? TASK_RESTORED : TASK_CHANGED;
	if ((snapshot = task_snapshot(old)) == NULL) {
		fail_oom(s, "tasks_sync");
		goto done;
	}
	if (history_add(s, old->id, change, snapshot, now, rec->key) == -1 ||
	    task_write(s, STMT_TASK_UPDATE, source, rec, now) == -1 ||
	    touched_add(s, touched, old->id) == -1)
		goto done;
	if (change == TASK_RESTORED)
		stats->restored++;
	else
		stats->changed++;
	rc = 0;
done:
	free(snapshot);
	task_rows_free(old, 1);
	return rc;
}

static int
key_compare(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The keys of recs, sorted; refuses keys missing, foreign or repeated. */
static int
sync_keys(struct sqlite_store *s, const char *source,
    const struct task_rec *recs, size_t n, const char ***out)
{
	const char **keys;
	size_t i;

	if ((keys = calloc(n == 0 ? 1 : n, sizeof *keys)) == NULL)
		return fail_oom(s, "tasks_sync");
	for (i = 0; i < n; i++) {
		if (recs[i].key == NULL) {
			store_set_error(&s->store, "sqlite: tasks_sync: task "
			    "#%zu has no key", i + 1);
			goto fail;
		}
		if (recs[i].source != NULL &&
		    strcmp(recs[i].source, source) != 0) {
			store_set_error(&s->store, "sqlite: tasks_sync: %s: "
			    "source \"%s\" in a sync of \"%s\"", recs[i].key,
			    recs[i].source, source);
			goto fail;
		}
		keys[i] = recs[i].key;
	}
	qsort(keys, n, sizeof *keys, key_compare);
	for (i = 1; i < n; i++) {
		if (strcmp(keys[i - 1], keys[i]) == 0) {
			store_set_error(&s->store, "sqlite: tasks_sync: %s: "
			    "the key is given twice", keys[i]);
			goto fail;
		}
	}
	*out = keys;
	return 0;
fail:
	free(keys);
	return -1;
}

static int
task_retire(struct sqlite_store *s, int64_t id, int64_t now)
{
	sqlite3_stmt *q;

	if ((q = stmt_get(s, STMT_TASK_RETIRE, "tasks_sync")) == NULL)
		return -1;
	if (sqlite3_bind_int64(q, 1, id) != SQLITE_OK ||
	    sqlite3_bind_int64(q, 2, now) != SQLITE_OK) {
		fail(s, "tasks_sync", NULL);
		stmt_done(q);
		return -1;
	}
	return stmt_run(s, q, "tasks_sync", NULL);
}

/* Retires the active tasks of source whose keys are not in keys. */
static int
retire_missing(struct sqlite_store *s, const char *source, const char **keys,
    size_t n, int64_t now, struct sync_stats *stats, struct touched *touched)
{
	sqlite3_stmt *q;
	int64_t *ids = NULL, *grown;
	size_t cap = 0, nids = 0, i;
	const char *key;
	int rc;

	if ((q = stmt_get(s, STMT_TASKS_ACTIVE, "tasks_sync")) == NULL)
		return -1;
	if (bind_text(q, 1, source) != SQLITE_OK) {
		fail(s, "tasks_sync", source);
		goto fail;
	}
	/* Collected first: no writes to tasks while reading it. */
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if ((key = (const char *)sqlite3_column_text(q, 1)) == NULL ||
		    (grown = grow(ids, &cap, nids + 1,
		    sizeof *ids)) == NULL) {
			fail_oom(s, "tasks_sync");
			goto fail;
		}
		ids = grown;
		if (bsearch(&key, keys, n, sizeof *keys, key_compare) == NULL)
			ids[nids++] = sqlite3_column_int64(q, 0);
	}
	if (rc != SQLITE_DONE) {
		fail(s, "tasks_sync", source);
		goto fail;
	}
	stmt_done(q);
	for (i = 0; i < nids; i++) {
		if (task_retire(s, ids[i], now) == -1 ||
		    history_add(s, ids[i], TASK_RETIRED, NULL, now,
		    NULL) == -1 || touched_add(s, touched, ids[i]) == -1) {
			free(ids);
			return -1;
		}
		stats->retired++;
	}
	free(ids);
	return 0;
fail:
	stmt_done(q);
	free(ids);
	return -1;
}

static int
tasks_sync(struct store *st, const char *source,
    const struct task_rec *recs, size_t n, int64_t now,
    struct sync_stats *stats, struct touched *touched)
{
	struct sqlite_store *s = to_sqlite(st);
	struct sync_stats counted;
	const char **keys;
	size_t i;
	bool own;
	int rc = -1;

	memset(&counted, 0, sizeof counted);
	if (source == NULL) {
		store_set_error(st, "sqlite: tasks_sync: no source");
		return -1;
	}
	if (sync_keys(s, source, recs, n, &keys) == -1)
		return -1;
	if (op_begin(s, "tasks_sync", &own) == -1) {
		free(keys);
		return -1;
	}
	if (retire_missing(s, source, keys, n, now, &counted, touched) == -1)
		goto done;
	for (i = 0; i < n; i++)
		if (task_sync_one(s, source, &recs[i], now, &counted,
		    touched) == -1)
			goto done;
	rc = 0;
done:
	free(keys);
	rc = op_end(s, "tasks_sync", own, rc);
	if (rc == 0 && stats != NULL)
		*stats = counted;
	return rc;
}

static int
sqlite_tasks_sync(struct store *st, const char *source,
    const struct task_rec *recs, size_t n, int64_t now,
    struct sync_stats *stats)
{
	return tasks_sync(st, source, recs, n, now, stats, NULL);
}

static int
sqlite_tasks_sync_ids(struct store *st, const char *source,
    const struct task_rec *recs, size_t n, int64_t now,
    struct sync_stats *stats, struct sync_ids *ids)
{
	struct touched touched = { NULL, 0, 0 };

	if (tasks_sync(st, source, recs, n, now, stats, &touched) == -1) {
		free(touched.v);
		ids->v = NULL;
		ids->n = 0;
		return -1;
	}
	ids->v = touched.v;
	ids->n = touched.n;
	return 0;
}

static int
sqlite_task_history(struct store *st, const char *key,
    struct task_change **changes, size_t *n)
{
	struct sqlite_store *s = to_sqlite(st);
	struct task_change *v = NULL, *nv, *c;
	sqlite3_stmt *q;
	size_t cap = 0, count = 0;
	const char *word;
	bool oom = false;
	int rc;

	*changes = NULL;
	*n = 0;
	if ((q = stmt_get(s, STMT_HISTORY, "task_history")) == NULL)
		return -1;
	if (bind_text(q, 1, key) != SQLITE_OK) {
		fail(s, "task_history", key);
		goto fail;
	}
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if ((nv = grow(v, &cap, count + 1, sizeof *v)) == NULL) {
			fail_oom(s, "task_history");
			goto fail;
		}
		v = nv;
		c = &v[count++];
		c->id = sqlite3_column_int64(q, 0);
		c->changed_at = sqlite3_column_int64(q, 1);
		c->old = column_text(q, 3, &oom);
		if (oom) {
			fail_oom(s, "task_history");
			goto fail;
		}
		word = (const char *)sqlite3_column_text(q, 2);
		if (word == NULL || task_change_kind_parse(word,
		    &c->change) == -1) {
			store_set_error(st, "sqlite: task_history: %s: unknown "
			    "change \"%s\"", key, word != NULL ? word : "");
			goto fail;
		}
	}
	if (rc != SQLITE_DONE) {
		fail(s, "task_history", key);
		goto fail;
	}
	stmt_done(q);
	*changes = v;
	*n = count;
	return 0;
fail:
	stmt_done(q);
	task_changes_free(v, count);
	return -1;
}

static int
bind_day_bound(sqlite3_stmt *q, int i, int day, int none)
{
	return day == none ? sqlite3_bind_null(q, i) :
	    sqlite3_bind_int(q, i, day);
}

static int
sqlite_tasks_find(struct store *st, const struct task_filter *flt,
    struct task_row **rows, size_t *n)
{
	struct sqlite_store *s = to_sqlite(st);
	sqlite3_stmt *q;
	char *offices = NULL;
	int rc;

	*rows = NULL;
	*n = 0;
	if (flt->offices != NULL &&
	    (offices = assist_encode(flt->offices, flt->noffices)) == NULL)
		return fail_oom(s, "tasks_find");
	if ((q = stmt_get(s, STMT_TASKS_FIND, "tasks_find")) == NULL) {
		free(offices);
		return -1;
	}
	if (bind_text(q, 1, flt->source) != SQLITE_OK ||
	    bind_text(q, 2, offices) != SQLITE_OK ||
	    sqlite3_bind_int(q, 3, flt->retired) != SQLITE_OK ||
	    sqlite3_bind_int(q, 4, flt->done) != SQLITE_OK ||
	    bind_day_bound(q, 5, flt->due_min, INT_MIN) != SQLITE_OK ||
	    bind_day_bound(q, 6, flt->due_max, INT_MAX) != SQLITE_OK ||
	    sqlite3_bind_int(q, 7, flt->no_due) != SQLITE_OK ||
	    sqlite3_bind_int64(q, 8, flt->limit == 0 ? -1 :
	    (sqlite3_int64)flt->limit) != SQLITE_OK) {
		fail(s, "tasks_find", NULL);
		stmt_done(q);
		free(offices);
		return -1;
	}
	rc = task_rows_collect(s, q, "tasks_find", rows, n);
	free(offices);
	return rc;
}

/* Names a task added without a key "<source>-<id>". */
static int
task_key_generate(struct sqlite_store *s, const char *source, int64_t id)
{
	sqlite3_stmt *q;
	char key[256];

	snprintf(key, sizeof key, "%s-%lld", source, (long long)id);
	if ((q = stmt_get(s, STMT_TASK_KEY_SET, "task_add")) == NULL)
		return -1;
	if (sqlite3_bind_int64(q, 1, id) != SQLITE_OK ||
	    bind_text(q, 2, key) != SQLITE_OK) {
		fail(s, "task_add", key);
		stmt_done(q);
		return -1;
	}
	return stmt_run(s, q, "task_add", key);
}

static int
sqlite_task_add(struct store *st, const struct task_rec *rec, int64_t now,
    int64_t *id, bool *existed)
{
	struct sqlite_store *s = to_sqlite(st);
	struct task_rec tmp = *rec;
	struct task_row *old = NULL;
	bool own;
	int rc = -1;

	*existed = false;
	if (rec->source == NULL) {
		store_set_error(st, "sqlite: task_add: no source");
		return -1;
	}
	if (op_begin(s, "task_add", &own) == -1)
		return -1;
	if (rec->key != NULL) {
		if (task_read(s, rec->key, &old, "task_add") == -1)
			goto done;
		if (old != NULL) {
			*existed = true;
			*id = old->id;
			rc = 0;
			goto done;
		}
	} else
		tmp.key = "\001new";	/* renamed below, in the transaction */
	if (task_write(s, STMT_TASK_INSERT, rec->source, &tmp, now) == -1)
		goto done;
	*id = sqlite3_last_insert_rowid(s->db);
	if (rec->key == NULL &&
	    task_key_generate(s, rec->source, *id) == -1)
		goto done;
	rc = history_add(s, *id, TASK_ADDED, NULL, now, tmp.key);
done:
	task_rows_free(old, old != NULL ? 1 : 0);
	return op_end(s, "task_add", own, rc);
}

static int
case_lookup(struct sqlite_store *s, const char *ref, int64_t *id,
    const char *op)
{
	sqlite3_stmt *q;
	int rc;

	*id = 0;
	if ((q = stmt_get(s, STMT_CASE_FIND, op)) == NULL)
		return -1;
	if (bind_text(q, 1, ref) == SQLITE_OK) {
		rc = sqlite3_step(q);
		if (rc == SQLITE_ROW) {
			*id = sqlite3_column_int64(q, 0);
			rc = SQLITE_DONE;
		}
	} else
		rc = SQLITE_ERROR;
	if (rc != SQLITE_DONE)
		fail(s, op, ref);
	stmt_done(q);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
sqlite_case_find(struct store *st, const char *ref, int64_t *id)
{
	return case_lookup(to_sqlite(st), ref, id, "case_find");
}

static int
event_insert(struct sqlite_store *s, int64_t case_id,
    const struct tl_event *ev, const char *note, bool forced, int64_t now,
    const char *op)
{
	sqlite3_stmt *q;
	char what[64];

	snprintf(what, sizeof what, "case %lld", (long long)case_id);
	if ((size_t)ev->kind >= NEVENT_KINDS) {
		store_set_error(&s->store, "sqlite: %s: %s: unknown event "
		    "kind %d", op, what, (int)ev->kind);
		return -1;
	}
	if ((q = stmt_get(s, STMT_EVENT_ADD, op)) == NULL)
		return -1;
	if (sqlite3_bind_int64(q, 1, case_id) != SQLITE_OK ||
	    bind_text(q, 2, event_kinds[ev->kind]) != SQLITE_OK ||
	    sqlite3_bind_int64(q, 3, ev->at) != SQLITE_OK ||
	    bind_text(q, 4, ev->milestone) != SQLITE_OK ||
	    bind_text(q, 5, note) != SQLITE_OK ||
	    sqlite3_bind_int64(q, 6, now) != SQLITE_OK ||
	    sqlite3_bind_int(q, 7, forced) != SQLITE_OK) {
		fail(s, op, what);
		stmt_done(q);
		return -1;
	}
	return stmt_run(s, q, op, what);
}

static int
case_insert(struct sqlite_store *s, const struct case_rec *rec, int64_t now)
{
	sqlite3_stmt *q;

	if ((q = stmt_get(s, STMT_CASE_INSERT, "case_open")) == NULL)
		return -1;
	if (bind_text(q, 1, rec->ref) != SQLITE_OK ||
	    bind_text(q, 2, rec->rule) != SQLITE_OK ||
	    bind_text(q, 3, rec->office) != SQLITE_OK ||
	    bind_text(q, 4, rec->title) != SQLITE_OK ||
	    sqlite3_bind_int64(q, 5, now) != SQLITE_OK) {
		fail(s, "case_open", rec->ref);
		stmt_done(q);
		return -1;
	}
	return stmt_run(s, q, "case_open", rec->ref);
}

static int
sqlite_case_open(struct store *st, const struct case_rec *rec,
    int64_t opened_at, int64_t now, int64_t *id, bool *existed)
{
	struct sqlite_store *s = to_sqlite(st);
	struct tl_event opened = {
		.kind = TL_OPENED,
		.at = opened_at,
		.milestone = NULL,
	};
	int64_t found = 0;
	bool own;
	int rc = -1;

	if (op_begin(s, "case_open", &own) == -1)
		return -1;
	if (case_lookup(s, rec->ref, &found, "case_open") == -1)
		goto done;
	if (found != 0) {
		*existed = true;
		rc = 0;
		goto done;
	}
	if (case_insert(s, rec, now) == -1)
		goto done;
	found = sqlite3_last_insert_rowid(s->db);
	if (event_insert(s, found, &opened, NULL, false, now,
	    "case_open") == -1)
		goto done;
	*existed = false;
	rc = 0;
done:
	if ((rc = op_end(s, "case_open", own, rc)) == 0)
		*id = found;
	return rc;
}

static int
sqlite_case_event_add(struct store *st, int64_t case_id,
    const struct tl_event *ev, const char *note, bool forced, int64_t now)
{
	return event_insert(to_sqlite(st), case_id, ev, note, forced, now,
	    "case_event_add");
}

static int
event_kind_parse(const char *word, enum tl_event_kind *kind)
{
	size_t i;

	for (i = 0; i < NEVENT_KINDS; i++) {
		if (strcmp(event_kinds[i], word) == 0) {
			*kind = (enum tl_event_kind)i;
			return 0;
		}
	}
	return -1;
}

static int
sqlite_case_events(struct store *st, int64_t case_id,
    struct case_event_rec **events, size_t *n)
{
	struct sqlite_store *s = to_sqlite(st);
	struct case_event_rec *v = NULL, *nv, *e;
	sqlite3_stmt *q;
	size_t cap = 0, count = 0;
	const char *word;
	bool oom = false;
	int rc;

	*events = NULL;
	*n = 0;
	if ((q = stmt_get(s, STMT_EVENTS, "case_events")) == NULL)
		return -1;
	if (sqlite3_bind_int64(q, 1, case_id) != SQLITE_OK) {
		fail(s, "case_events", NULL);
		goto fail;
	}
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if ((nv = grow(v, &cap, count + 1, sizeof *v)) == NULL) {
			fail_oom(s, "case_events");
			goto fail;
		}
		v = nv;
		e = &v[count++];
		e->id = sqlite3_column_int64(q, 0);
		e->at = sqlite3_column_int64(q, 2);
		e->milestone = column_text(q, 3, &oom);
		e->note = column_text(q, 4, &oom);
		e->recorded_at = sqlite3_column_int64(q, 5);
		e->forced = sqlite3_column_int(q, 6) != 0;
		if (oom) {
			fail_oom(s, "case_events");
			goto fail;
		}
		word = (const char *)sqlite3_column_text(q, 1);
		if (word == NULL || event_kind_parse(word, &e->kind) == -1) {
			store_set_error(st, "sqlite: case_events: event %lld: "
			    "unknown kind \"%s\"", (long long)e->id,
			    word != NULL ? word : "");
			goto fail;
		}
	}
	if (rc != SQLITE_DONE) {
		fail(s, "case_events", NULL);
		goto fail;
	}
	stmt_done(q);
	*events = v;
	*n = count;
	return 0;
fail:
	stmt_done(q);
	case_events_free(v, count);
	return -1;
}

static int
bind_int64_or_null(sqlite3_stmt *st, int i, int64_t v)
{
	/* 0 stands for "none" in the structs: SQL NULL. */
	if (v == 0)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_int64(st, i, v);
}

/* "task 3", "case 12": what an outbox op is about, for messages. */
static const char *
item_what(char *buf, size_t len, enum item_type type, int64_t id)
{
	snprintf(buf, len, "%s %lld", item_type_str(type), (long long)id);
	return buf;
}

static int
case_row_read(struct sqlite_store *s, sqlite3_stmt *q, struct case_row *row,
    const char *op)
{
	bool oom = false;

	memset(row, 0, sizeof *row);
	row->id = sqlite3_column_int64(q, 0);
	row->ref = column_text(q, 1, &oom);
	row->rule = column_text(q, 2, &oom);
	row->office = column_text(q, 3, &oom);
	row->title = column_text(q, 4, &oom);
	row->created_at = sqlite3_column_int64(q, 5);
	row->closed = sqlite3_column_int(q, 6) != 0;
	return oom ? fail_oom(s, op) : 0;
}

/* The case rows a prepared, bound statement returns. */
static int
case_rows_collect(struct sqlite_store *s, sqlite3_stmt *q, const char *op,
    struct case_row **rows, size_t *n)
{
	struct case_row *v = NULL, *nv;
	size_t cap = 0, count = 0;
	int rc;

	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if ((nv = grow(v, &cap, count + 1, sizeof *v)) == NULL) {
			fail_oom(s, op);
			goto fail;
		}
		v = nv;
		if (case_row_read(s, q, &v[count++], op) == -1)
			goto fail;	/* partly read: freed below */
	}
	if (rc != SQLITE_DONE) {
		fail(s, op, NULL);
		goto fail;
	}
	stmt_done(q);
	*rows = v;
	*n = count;
	return 0;
fail:
	stmt_done(q);
	case_rows_free(v, count);
	return -1;
}

static int
sqlite_case_get(struct store *st, int64_t id, struct case_row **row)
{
	struct sqlite_store *s = to_sqlite(st);
	sqlite3_stmt *q;
	size_t n;

	*row = NULL;
	if ((q = stmt_get(s, STMT_CASE_GET, "case_get")) == NULL)
		return -1;
	if (sqlite3_bind_int64(q, 1, id) != SQLITE_OK) {
		fail(s, "case_get", NULL);
		stmt_done(q);
		return -1;
	}
	return case_rows_collect(s, q, "case_get", row, &n);
}

static int
sqlite_cases(struct store *st, bool include_closed, struct case_row **rows,
    size_t *n)
{
	struct sqlite_store *s = to_sqlite(st);
	sqlite3_stmt *q;

	*rows = NULL;
	*n = 0;
	if ((q = stmt_get(s, STMT_CASES, "cases")) == NULL)
		return -1;
	if (sqlite3_bind_int(q, 1, include_closed) != SQLITE_OK) {
		fail(s, "cases", NULL);
		stmt_done(q);
		return -1;
	}
	return case_rows_collect(s, q, "cases", rows, n);
}

static int
task_done_write(struct sqlite_store *s, const char *key, int64_t at,
    int64_t now)
{
	sqlite3_stmt *q;

	if ((q = stmt_get(s, STMT_TASK_SET_DONE, "task_set_done")) == NULL)
		return -1;
	if (bind_text(q, 1, key) != SQLITE_OK ||
	    sqlite3_bind_int64(q, 2, at) != SQLITE_OK ||
	    sqlite3_bind_int64(q, 3, now) != SQLITE_OK) {
		fail(s, "task_set_done", key);
		stmt_done(q);
		return -1;
	}
	return stmt_run(s, q, "task_set_done", key);
}

static int
sqlite_task_set_done(struct store *st, const char *key, int64_t at,
    int64_t now)
{
	struct sqlite_store *s = to_sqlite(st);
	struct task_row *old = NULL;
	char *snapshot = NULL;
	bool own;
	int rc = -1;

	if (op_begin(s, "task_set_done", &own) == -1)
		return -1;
	if (task_read(s, key, &old, "task_set_done") == -1)
		goto done;
	if (old == NULL) {
		store_set_error(st, "sqlite: task_set_done: %s: no such task",
		    key);
		goto done;
	}
	if (old->done_at == (at < 0 ? 0 : at)) {
		rc = 0;		/* nothing moves */
		goto done;
	}
	if ((snapshot = task_snapshot(old)) == NULL) {
		fail_oom(s, "task_set_done");
		goto done;
	}
	if (history_add(s, old->id, TASK_CHANGED, snapshot, now, key) == -1)
		goto done;
	rc = task_done_write(s, key, at, now);
done:
	free(snapshot);
	task_rows_free(old, old != NULL ? 1 : 0);
	return op_end(s, "task_set_done", own, rc);
}

/* Reads a row of REMINDER_COLUMNS. */
static int
reminder_row_read(struct sqlite_store *s, sqlite3_stmt *q,
    struct reminder *r, const char *op)
{
	const char *type, *kind, *state;
	bool oom = false;

	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(q, 0);
	r->item_id = sqlite3_column_int64(q, 2);
	r->milestone = column_text(q, 3, &oom);
	r->office = column_text(q, 4, &oom);
	r->channel = column_text(q, 5, &oom);
	r->due_at = sqlite3_column_int64(q, 7);
	r->deadline_at = sqlite3_column_int64(q, 8);
	r->next_at = sqlite3_column_int64(q, 10);
	r->attempts = sqlite3_column_int(q, 11);
	r->about = sqlite3_column_int64(q, 12);		/* NULL reads 0 */
	r->created_at = sqlite3_column_int64(q, 13);
	r->updated_at = sqlite3_column_int64(q, 14);
	if (oom)
		return fail_oom(s, op);
	type = (const char *)sqlite3_column_text(q, 1);
	kind = (const char *)sqlite3_column_text(q, 6);
	state = (const char *)sqlite3_column_text(q, 9);
	if (type == NULL || item_type_parse(type, &r->item_type) == -1 ||
	    kind == NULL || reminder_kind_parse(kind, &r->kind) == -1 ||
	    state == NULL || reminder_state_parse(state, &r->state) == -1) {
		store_set_error(&s->store, "sqlite: %s: reminder %lld: unknown "
		    "item type, kind or state", op, (long long)r->id);
		return -1;
	}
	return 0;
}

/* The reminder rows a prepared, bound statement returns. */
static int
reminder_rows_collect(struct sqlite_store *s, sqlite3_stmt *q, const char *op,
    struct reminder **rows, size_t *n)
{
	struct reminder *v = NULL, *nv;
	size_t cap = 0, count = 0;
	int rc;

	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if ((nv = grow(v, &cap, count + 1, sizeof *v)) == NULL) {
			fail_oom(s, op);
			goto fail;
		}
		v = nv;
		if (reminder_row_read(s, q, &v[count++], op) == -1)
			goto fail;	/* partly read: freed below */
	}
	if (rc != SQLITE_DONE) {
		fail(s, op, NULL);
		goto fail;
	}
	stmt_done(q);
	*rows = v;
	*n = count;
	return 0;
fail:
	stmt_done(q);
	reminders_free(v, count);
	return -1;
}

/* What makes two outbox rows the same reminder (see reminders_live). */
struct outbox_key {
	const char		*milestone;	/* "" for none */
	const char		*office;
	const char		*channel;
	enum reminder_kind	 kind;
	int64_t			 due_at;
};

static struct outbox_key
plan_key(const struct reminder_plan *p)
{
	struct outbox_key k = { p->milestone != NULL ? p->milestone : "",
	    p->office, p->channel, p->kind, p->due_at };

	return k;
}

static struct outbox_key
row_key(const struct reminder *r)
{
	struct outbox_key k = { r->milestone != NULL ? r->milestone : "",
	    r->office, r->channel, r->kind, r->due_at };

	return k;
}

static int
key_cmp(const struct outbox_key *a, const struct outbox_key *b)
{
	int c;

	if ((c = strcmp(a->milestone, b->milestone)) != 0 ||
	    (c = strcmp(a->office, b->office)) != 0 ||
	    (c = strcmp(a->channel, b->channel)) != 0)
		return c;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->due_at != b->due_at)
		return a->due_at < b->due_at ? -1 : 1;
	return 0;
}

static int
plan_ptr_cmp(const void *a, const void *b)
{
	const struct reminder_plan *const *pa = a, *const *pb = b;
	struct outbox_key ka = plan_key(*pa), kb = plan_key(*pb);

	return key_cmp(&ka, &kb);
}

static int
row_cmp(const void *a, const void *b)
{
	struct outbox_key ka = row_key(a), kb = row_key(b);

	return key_cmp(&ka, &kb);
}

/* Refuses a row the outbox cannot hold (the NOT NULLs, the kinds). */
static int
plan_row_check(struct sqlite_store *s, const char *op, const char *what,
    const struct reminder_plan *p, bool allow_failure)
{
	const char *missing = NULL;

	if (p->office == NULL)
		missing = "an office";
	else if (p->channel == NULL)
		missing = "a channel";
	if (missing != NULL) {
		store_set_error(&s->store, "sqlite: %s: %s: a reminder needs "
		    "%s", op, what, missing);
		return -1;
	}
	if ((unsigned)p->kind > RK_FAILURE ||
	    (p->kind == RK_FAILURE && !allow_failure)) {
		store_set_error(&s->store, "sqlite: %s: %s: a reminder of kind "
		    "%s cannot be planned", op, what,
		    reminder_kind_str(p->kind));
		return -1;
	}
	return 0;
}

static int
reminder_insert(struct sqlite_store *s, enum item_type type, int64_t item_id,
    const struct reminder_plan *p, int64_t about, int64_t now,
    const char *op, const char *what)
{
	sqlite3_stmt *q;

	if ((q = stmt_get(s, STMT_REMINDER_INSERT, op)) == NULL)
		return -1;
	if (bind_text(q, 1, item_type_str(type)) != SQLITE_OK ||
	    sqlite3_bind_int64(q, 2, item_id) != SQLITE_OK ||
	    bind_text(q, 3, p->milestone) != SQLITE_OK ||
	    bind_text(q, 4, p->office) != SQLITE_OK ||
	    bind_text(q, 5, p->channel) != SQLITE_OK ||
	    bind_text(q, 6, reminder_kind_str(p->kind)) != SQLITE_OK ||
	    sqlite3_bind_int64(q, 7, p->due_at) != SQLITE_OK ||
	    sqlite3_bind_int64(q, 8, p->deadline_at) != SQLITE_OK ||
	    bind_int64_or_null(q, 9, about) != SQLITE_OK ||
	    sqlite3_bind_int64(q, 10, now) != SQLITE_OK) {
		fail(s, op, what);
		stmt_done(q);
		return -1;
	}
	return stmt_run(s, q, op, what);
}

/* Runs a statement of ?1 a reminder id, ?2 and (when it has one) ?3. */
static int
reminder_update(struct sqlite_store *s, enum stmt_id id, int64_t rid,
    int64_t p2, int64_t p3, const char *op)
{
	sqlite3_stmt *q;
	char what[48];

	snprintf(what, sizeof what, "reminder %lld", (long long)rid);
	if ((q = stmt_get(s, id, op)) == NULL)
		return -1;
	if (sqlite3_bind_int64(q, 1, rid) != SQLITE_OK ||
	    sqlite3_bind_int64(q, 2, p2) != SQLITE_OK ||
	    (sqlite3_bind_parameter_count(q) >= 3 &&
	    sqlite3_bind_int64(q, 3, p3) != SQLITE_OK)) {
		fail(s, op, what);
		stmt_done(q);
		return -1;
	}
	return stmt_run(s, q, op, what);
}

/* The item's live rows that plans are about (not failure notices). */
static int
plan_live_rows(struct sqlite_store *s, enum item_type type, int64_t item_id,
    struct reminder **rows, size_t *n, const char *what)
{
	sqlite3_stmt *q;

	*rows = NULL;
	*n = 0;
	if ((q = stmt_get(s, STMT_PLAN_LIVE, "reminders_plan")) == NULL)
		return -1;
	if (bind_text(q, 1, item_type_str(type)) != SQLITE_OK ||
	    sqlite3_bind_int64(q, 2, item_id) != SQLITE_OK) {
		fail(s, "reminders_plan", what);
		stmt_done(q);
		return -1;
	}
	return reminder_rows_collect(s, q, "reminders_plan", rows, n);
}

static bool
waiting(const struct reminder *r)
{
	return r->state == RS_PENDING || r->state == RS_RETRY;
}

/*
 * One merge of the item's live rows with the plan, both sorted by their
 * key.  A live row the plan also has stays; when it is still waiting and
 * the deadline it was planned for moved, it takes the new deadline (its
 * message must tell the new one).  Repeated plan rows count once.
 */
static int
plan_merge(struct sqlite_store *s, enum item_type type, int64_t item_id,
    struct reminder *live, size_t nlive, const struct reminder_plan **plan,
    size_t n, int64_t now, int *inserted, int *cancelled, const char *what)
{
	const char *op = "reminders_plan";
	struct outbox_key kr, kp;
	size_t i = 0, j = 0;
	int c;

	while (i < nlive || j < n) {
		if (j < n && j > 0 && plan_ptr_cmp(&plan[j - 1],
		    &plan[j]) == 0) {
			j++;
			continue;
		}
		if (i == nlive)
			c = 1;
		else if (j == n)
			c = -1;
		else {
			kr = row_key(&live[i]);
			kp = plan_key(plan[j]);
			c = key_cmp(&kr, &kp);
		}
		if (c < 0) {
			if (waiting(&live[i])) {
				if (reminder_update(s, STMT_REMINDER_CANCEL,
				    live[i].id, now, 0, op) == -1)
					return -1;
				(*cancelled)++;
			}
			i++;
		} else if (c > 0) {
			if (reminder_insert(s, type, item_id, plan[j], 0, now,
			    op, what) == -1)
				return -1;
			(*inserted)++;
			j++;
		} else {
			if (waiting(&live[i]) &&
			    live[i].deadline_at != plan[j]->deadline_at &&
			    reminder_update(s, STMT_REMINDER_DEADLINE,
			    live[i].id, plan[j]->deadline_at, now, op) == -1)
				return -1;
			i++;
			j++;
		}
	}
	return 0;
}

static int
sqlite_reminders_plan(struct store *st, enum item_type type, int64_t item_id,
    const struct reminder_plan *plan, size_t n, int64_t now, int *inserted,
    int *cancelled)
{
	struct sqlite_store *s = to_sqlite(st);
	const struct reminder_plan **sorted;
	struct reminder *live = NULL;
	size_t nlive = 0, i;
	int ins = 0, can = 0, rc = -1;
	char what[48];
	bool own;

	item_what(what, sizeof what, type, item_id);
	for (i = 0; i < n; i++)
		if (plan_row_check(s, "reminders_plan", what, &plan[i],
		    false) == -1)
			return -1;
	if ((sorted = calloc(n == 0 ? 1 : n, sizeof *sorted)) == NULL)
		return fail_oom(s, "reminders_plan");
	for (i = 0; i < n; i++)
		sorted[i] = &plan[i];
	qsort(sorted, n, sizeof *sorted, plan_ptr_cmp);

	if (op_begin(s, "reminders_plan", &own) == -1) {
		free(sorted);
		return -1;
	}
	if (plan_live_rows(s, type, item_id, &live, &nlive, what) == -1)
		goto done;
	if (nlive > 1)		/* qsort wants a pointer, even for none */
		qsort(live, nlive, sizeof *live, row_cmp);
	rc = plan_merge(s, type, item_id, live, nlive, sorted, n, now, &ins,
	    &can, what);
done:
	reminders_free(live, nlive);
	free(sorted);
	if ((rc = op_end(s, "reminders_plan", own, rc)) == 0) {
		*inserted = ins;
		*cancelled = can;
	}
	return rc;
}

static int
sqlite_reminders_cancel(struct store *st, enum item_type type,
    int64_t item_id, const char *milestone, int64_t now, int *cancelled)
{
	struct sqlite_store *s = to_sqlite(st);
	sqlite3_stmt *q;
	char what[48];

	item_what(what, sizeof what, type, item_id);
	if ((q = stmt_get(s, STMT_REMINDERS_CANCEL, "reminders_cancel")) ==
	    NULL)
		return -1;
	if (bind_text(q, 1, item_type_str(type)) != SQLITE_OK ||
	    sqlite3_bind_int64(q, 2, item_id) != SQLITE_OK ||
	    bind_text(q, 3, milestone) != SQLITE_OK ||
	    sqlite3_bind_int64(q, 4, now) != SQLITE_OK) {
		fail(s, "reminders_cancel", what);
		stmt_done(q);
		return -1;
	}
	if (stmt_run(s, q, "reminders_cancel", what) == -1)
		return -1;
	if (cancelled != NULL)
		*cancelled = sqlite3_changes(s->db);
	return 0;
}

static int
sqlite_reminder_next(struct store *st, int64_t *next_at, bool *found)
{
	struct sqlite_store *s = to_sqlite(st);
	sqlite3_stmt *q;
	int rc;

	if ((q = stmt_get(s, STMT_REMINDER_NEXT, "reminder_next")) == NULL)
		return -1;
	if ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		*found = sqlite3_column_type(q, 0) != SQLITE_NULL;
		*next_at = *found ? sqlite3_column_int64(q, 0) : 0;
	} else
		fail(s, "reminder_next", NULL);
	stmt_done(q);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* The due rows, oldest first, at most max. */
static int
claim_select(struct sqlite_store *s, int64_t until, size_t max,
    struct reminder **rows, size_t *n)
{
	sqlite3_stmt *q;

	if ((q = stmt_get(s, STMT_CLAIM_SELECT, "reminders_claim")) == NULL)
		return -1;
	if (sqlite3_bind_int64(q, 1, until) != SQLITE_OK ||
	    sqlite3_bind_int64(q, 2, max > INT64_MAX ? INT64_MAX :
	    (int64_t)max) != SQLITE_OK) {
		fail(s, "reminders_claim", NULL);
		stmt_done(q);
		return -1;
	}
	return reminder_rows_collect(s, q, "reminders_claim", rows, n);
}

static int
sqlite_reminders_claim(struct store *st, int64_t until, size_t max,
    int64_t now, struct reminder **rows, size_t *n)
{
	struct sqlite_store *s = to_sqlite(st);
	struct reminder *v = NULL;
	size_t count = 0, i;
	bool own;
	int rc = -1;

	*rows = NULL;
	*n = 0;
	if (max == 0)
		return 0;
	/* BEGIN IMMEDIATE: no other writer between the select and update. */
	if (op_begin(s, "reminders_claim", &own) == -1)
		return -1;
	if (claim_select(s, until, max, &v, &count) == -1)
		goto done;
	for (i = 0; i < count; i++) {
		if (reminder_update(s, STMT_CLAIM_UPDATE, v[i].id, now, 0,
		    "reminders_claim") == -1)
			goto done;
		v[i].state = RS_SENDING;
		v[i].attempts++;
		v[i].updated_at = now;
	}
	rc = 0;
done:
	if ((rc = op_end(s, "reminders_claim", own, rc)) == -1) {
		reminders_free(v, count);
		return -1;
	}
	*rows = v;
	*n = count;
	return 0;
}

/* Moves a sending row to its next state; an error when it is not sending. */
static int
finish_row(struct sqlite_store *s, int64_t id, enum reminder_state state,
    int64_t next_at, int64_t now, const char *what)
{
	sqlite3_stmt *q;

	if ((q = stmt_get(s, STMT_REMINDER_FINISH, "reminder_finish")) == NULL)
		return -1;
	if (sqlite3_bind_int64(q, 1, id) != SQLITE_OK ||
	    bind_text(q, 2, reminder_state_str(state)) != SQLITE_OK ||
	    sqlite3_bind_int64(q, 3, next_at) != SQLITE_OK ||
	    sqlite3_bind_int64(q, 4, now) != SQLITE_OK) {
		fail(s, "reminder_finish", what);
		stmt_done(q);
		return -1;
	}
	if (stmt_run(s, q, "reminder_finish", what) == -1)
		return -1;
	if (sqlite3_changes(s->db) == 0) {
		store_set_error(&s->store, "sqlite: reminder_finish: %s: no "
		    "such reminder in state sending", what);
		return -1;
	}
	return 0;
}

/* The excerpt's length cut to ATTEMPT_EXCERPT_MAX on a UTF-8 boundary. */
#define ATTEMPT_EXCERPT_MAX 500

static int
excerpt_len(const char *excerpt)
{
	size_t n = strlen(excerpt);

	if (n <= ATTEMPT_EXCERPT_MAX)
		return (int)n;
	n = ATTEMPT_EXCERPT_MAX;
	while (n > 0 && ((unsigned char)excerpt[n] & 0xc0) == 0x80)
		n--;
	return (int)n;
}

static int
attempt_insert(struct sqlite_store *s, int64_t id, enum reminder_state state,
    const struct attempt *a, const char *what)
{
	const char *result = a->result != NULL ? a->result :
	    reminder_state_str(state);
	sqlite3_stmt *q;

	if ((q = stmt_get(s, STMT_ATTEMPT_ADD, "reminder_finish")) == NULL)
		return -1;
	if (sqlite3_bind_int64(q, 1, id) != SQLITE_OK ||
	    sqlite3_bind_int64(q, 2, a->started_at) != SQLITE_OK ||
	    sqlite3_bind_int64(q, 3, a->duration_ms) != SQLITE_OK ||
	    bind_text(q, 4, result) != SQLITE_OK ||
	    sqlite3_bind_int64(q, 5, a->status) != SQLITE_OK ||
	    (a->excerpt != NULL ? sqlite3_bind_text(q, 6, a->excerpt,
	    excerpt_len(a->excerpt), SQLITE_STATIC) :
	    sqlite3_bind_null(q, 6)) != SQLITE_OK) {
		fail(s, "reminder_finish", what);
		stmt_done(q);
		return -1;
	}
	return stmt_run(s, q, "reminder_finish", what);
}

static int
sqlite_reminder_finish(struct store *st, int64_t id,
    enum reminder_state state, int64_t next_at, const struct attempt *a,
    int64_t now)
{
	struct sqlite_store *s = to_sqlite(st);
	char what[48];
	bool own;
	int rc = -1;

	snprintf(what, sizeof what, "reminder %lld", (long long)id);
	if (state != RS_SENT && state != RS_RETRY && state != RS_FAILED) {
		store_set_error(st, "sqlite: reminder_finish: %s: an attempt "
		    "cannot end in state %s", what, reminder_state_str(state));
		return -1;
	}
	if (a == NULL) {
		store_set_error(st, "sqlite: reminder_finish: %s: no attempt",
		    what);
		return -1;
	}
	if (op_begin(s, "reminder_finish", &own) == -1)
		return -1;
	if (finish_row(s, id, state, next_at, now, what) == 0 &&
	    attempt_insert(s, id, state, a, what) == 0)
		rc = 0;
	return op_end(s, "reminder_finish", own, rc);
}

static int
sqlite_reminders_recover(struct store *st, int64_t now, int *n)
{
	struct sqlite_store *s = to_sqlite(st);
	sqlite3_stmt *q;

	if ((q = stmt_get(s, STMT_RECOVER, "reminders_recover")) == NULL)
		return -1;
	if (sqlite3_bind_int64(q, 1, now) != SQLITE_OK) {
		fail(s, "reminders_recover", NULL);
		stmt_done(q);
		return -1;
	}
	if (stmt_run(s, q, "reminders_recover", NULL) == -1)
		return -1;
	if (n != NULL)
		*n = sqlite3_changes(s->db);
	return 0;
}

static int
sqlite_reminder_add(struct store *st, enum item_type type, int64_t item_id,
    const struct reminder_plan *p, int64_t about, int64_t now, int64_t *id)
{
	struct sqlite_store *s = to_sqlite(st);
	char what[48];

	item_what(what, sizeof what, type, item_id);
	if (plan_row_check(s, "reminder_add", what, p, true) == -1 ||
	    reminder_insert(s, type, item_id, p, about, now, "reminder_add",
	    what) == -1)
		return -1;
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

static int
sqlite_reminder_get(struct store *st, int64_t id, struct reminder **row)
{
	struct sqlite_store *s = to_sqlite(st);
	sqlite3_stmt *q;
	size_t n;

	*row = NULL;
	if ((q = stmt_get(s, STMT_REMINDER_GET, "reminder_get")) == NULL)
		return -1;
	if (sqlite3_bind_int64(q, 1, id) != SQLITE_OK) {
		fail(s, "reminder_get", NULL);
		stmt_done(q);
		return -1;
	}
	return reminder_rows_collect(s, q, "reminder_get", row, &n);
}

static int
reminders_bind_filter(sqlite3_stmt *q, const struct reminder_filter *f)
{
	const char *state = NULL;

	if (f->state >= 0)
		state = reminder_state_str((enum reminder_state)f->state);
	return bind_text(q, 1, state) != SQLITE_OK ||
	    bind_text(q, 2, f->office) != SQLITE_OK ||
	    bind_int64_or_null(q, 3, f->from) != SQLITE_OK ||
	    bind_int64_or_null(q, 4, f->to) != SQLITE_OK ||
	    bind_int64_or_null(q, 5, f->item_id) != SQLITE_OK ||
	    bind_text(q, 6, item_type_str(f->item_type)) != SQLITE_OK ||
	    sqlite3_bind_int64(q, 7, f->limit == 0 || f->limit > INT64_MAX ?
	    -1 : (int64_t)f->limit) != SQLITE_OK ? -1 : 0;
}

static int
sqlite_reminders(struct store *st, const struct reminder_filter *filter,
    struct reminder **rows, size_t *n)
{
	static const struct reminder_filter all = { .state = -1 };
	struct sqlite_store *s = to_sqlite(st);
	sqlite3_stmt *q;

	*rows = NULL;
	*n = 0;
	if (filter == NULL)
		filter = &all;
	if (filter->state > RS_CANCELLED) {
		store_set_error(st, "sqlite: reminders: unknown state %d",
		    filter->state);
		return -1;
	}
	if ((q = stmt_get(s, STMT_REMINDERS, "reminders")) == NULL)
		return -1;
	if (reminders_bind_filter(q, filter) == -1) {
		fail(s, "reminders", NULL);
		stmt_done(q);
		return -1;
	}
	return reminder_rows_collect(s, q, "reminders", rows, n);
}

/* Binds ?1 item type, ?2 item id, ?3 milestone, ?4 office. */
static int
bind_ack(sqlite3_stmt *q, enum item_type type, int64_t item_id,
    const char *milestone, const char *office)
{
	return bind_text(q, 1, item_type_str(type)) != SQLITE_OK ||
	    sqlite3_bind_int64(q, 2, item_id) != SQLITE_OK ||
	    bind_text(q, 3, milestone) != SQLITE_OK ||
	    bind_text(q, 4, office) != SQLITE_OK ? -1 : 0;
}

/* Runs an ack statement; ?5 is now. */
static int
ack_write(struct sqlite_store *s, enum stmt_id id, enum item_type type,
    int64_t item_id, const char *milestone, const char *office, int64_t now,
    const char *what)
{
	sqlite3_stmt *q;

	if ((q = stmt_get(s, id, "ack_put")) == NULL)
		return -1;
	if (bind_ack(q, type, item_id, milestone, office) == -1 ||
	    sqlite3_bind_int64(q, 5, now) != SQLITE_OK) {
		fail(s, "ack_put", what);
		stmt_done(q);
		return -1;
	}
	return stmt_run(s, q, "ack_put", what);
}

static int
sqlite_ack_put(struct store *st, enum item_type type, int64_t item_id,
    const char *milestone, const char *office, int64_t now, bool *already)
{
	struct sqlite_store *s = to_sqlite(st);
	bool own, was = false;
	char what[48];
	int rc = -1;

	item_what(what, sizeof what, type, item_id);
	if (op_begin(s, "ack_put", &own) == -1)
		return -1;
	if (ack_write(s, STMT_ACK_ADD, type, item_id, milestone, office, now,
	    what) == -1)
		goto done;
	was = sqlite3_changes(s->db) == 0;
	/* Also when acked before: overdue rows planned since then go. */
	if (ack_write(s, STMT_ACK_CANCEL, type, item_id, milestone, office,
	    now, what) == -1)
		goto done;
	rc = 0;
done:
	if ((rc = op_end(s, "ack_put", own, rc)) == 0 && already != NULL)
		*already = was;
	return rc;
}

static int
sqlite_ack_get(struct store *st, enum item_type type, int64_t item_id,
    const char *milestone, const char *office, int64_t *at)
{
	struct sqlite_store *s = to_sqlite(st);
	sqlite3_stmt *q;
	char what[48];
	int rc;

	*at = 0;
	item_what(what, sizeof what, type, item_id);
	if ((q = stmt_get(s, STMT_ACK_GET, "ack_get")) == NULL)
		return -1;
	if (bind_ack(q, type, item_id, milestone, office) == -1)
		rc = SQLITE_ERROR;
	else if ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		*at = sqlite3_column_int64(q, 0);
		rc = SQLITE_DONE;
	}
	if (rc != SQLITE_DONE)
		fail(s, "ack_get", what);
	stmt_done(q);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
sqlite_meta_get(struct store *st, const char *key, char **value)
{
	struct sqlite_store *s = to_sqlite(st);
	sqlite3_stmt *q;
	bool oom = false;
	int rc;

	*value = NULL;
	if ((q = stmt_get(s, STMT_META_GET, "meta_get")) == NULL)
		return -1;
	if (bind_text(q, 1, key) != SQLITE_OK)
		rc = SQLITE_ERROR;
	else if ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		*value = column_text(q, 0, &oom);
		rc = SQLITE_DONE;
	}
	if (rc != SQLITE_DONE)
		fail(s, "meta_get", key);
	else if (oom)
		fail_oom(s, "meta_get");
	stmt_done(q);
	return rc == SQLITE_DONE && !oom ? 0 : -1;
}

static int
sqlite_meta_put(struct store *st, const char *key, const char *value)
{
	struct sqlite_store *s = to_sqlite(st);
	sqlite3_stmt *q;

	if ((q = stmt_get(s, STMT_META_PUT, "meta_put")) == NULL)
		return -1;
	if (bind_text(q, 1, key) != SQLITE_OK ||
	    bind_text(q, 2, value) != SQLITE_OK) {
		fail(s, "meta_put", key);
		stmt_done(q);
		return -1;
	}
	return stmt_run(s, q, "meta_put", key);
}

/* Parts of tasks, at the end of the file. */
static int sqlite_task_part_set(struct store *, int64_t, const char *,
    int64_t, const char *, int64_t);
static int sqlite_task_parts(struct store *, int64_t, struct task_part **,
    size_t *);

static int
sqlite_task_progress_add(struct store *st, int64_t task_id, double value,
    const char *office, const char *note, int64_t now)
{
	struct sqlite_store *s = to_sqlite(st);
	sqlite3_stmt *q;

	if ((q = stmt_get(s, STMT_PROGRESS_ADD, "task_progress_add")) == NULL)
		return -1;
	if (sqlite3_bind_int64(q, 1, task_id) != SQLITE_OK ||
	    bind_text(q, 2, office) != SQLITE_OK ||
	    sqlite3_bind_double(q, 3, value) != SQLITE_OK ||
	    bind_text(q, 4, note) != SQLITE_OK ||
	    sqlite3_bind_int64(q, 5, now) != SQLITE_OK) {
		fail(s, "task_progress_add", NULL);
		stmt_done(q);
		return -1;
	}
	return stmt_run(s, q, "task_progress_add", NULL);
}

static int
sqlite_task_progress(struct store *st, int64_t task_id,
    struct task_progress_rec **rows, size_t *n)
{
	struct sqlite_store *s = to_sqlite(st);
	struct task_progress_rec *v = NULL, *nv, *p;
	sqlite3_stmt *q;
	size_t cap = 0, count = 0;
	bool oom = false;
	int rc;

	*rows = NULL;
	*n = 0;
	if ((q = stmt_get(s, STMT_PROGRESS, "task_progress")) == NULL)
		return -1;
	if (sqlite3_bind_int64(q, 1, task_id) != SQLITE_OK) {
		fail(s, "task_progress", NULL);
		goto fail;
	}
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if ((nv = grow(v, &cap, count + 1, sizeof *v)) == NULL) {
			fail_oom(s, "task_progress");
			goto fail;
		}
		v = nv;
		p = &v[count++];
		p->id = sqlite3_column_int64(q, 0);
		p->value = sqlite3_column_double(q, 1);
		p->office = column_text(q, 2, &oom);
		p->note = column_text(q, 3, &oom);
		p->recorded_at = sqlite3_column_int64(q, 4);
		if (oom) {
			fail_oom(s, "task_progress");
			goto fail;
		}
	}
	if (rc != SQLITE_DONE) {
		fail(s, "task_progress", NULL);
		goto fail;
	}
	stmt_done(q);
	*rows = v;
	*n = count;
	return 0;
fail:
	stmt_done(q);
	task_progress_free(v, count);
	return -1;
}

static int sqlite_reminders_count(struct store *,
    int (*)(void *, enum reminder_state, const char *, int64_t, int64_t),
    void *);
static int sqlite_tasks_overdue_count(struct store *, int,
    int (*)(void *, const char *, int64_t), void *);

const struct store_ops store_sqlite_ops = {
	.name = "sqlite",
	.open = sqlite_open,
	.close = sqlite_close,
	.begin = sqlite_begin,
	.commit = sqlite_commit,
	.rollback = sqlite_rollback,
	.schema_version = sqlite_schema_version,
	.office_put = sqlite_office_put,
	.offices = sqlite_offices,
	.tasks_sync = sqlite_tasks_sync,
	.tasks_sync_ids = sqlite_tasks_sync_ids,
	.task_get = sqlite_task_get,
	.task_get_id = sqlite_task_get_id,
	.tasks = sqlite_tasks,
	.task_history = sqlite_task_history,
	.case_open = sqlite_case_open,
	.case_find = sqlite_case_find,
	.case_event_add = sqlite_case_event_add,
	.case_events = sqlite_case_events,
	.case_get = sqlite_case_get,
	.cases = sqlite_cases,
	.task_set_done = sqlite_task_set_done,
	.tasks_find = sqlite_tasks_find,
	.task_add = sqlite_task_add,
	.reminders_plan = sqlite_reminders_plan,
	.reminders_cancel = sqlite_reminders_cancel,
	.reminder_next = sqlite_reminder_next,
	.reminders_claim = sqlite_reminders_claim,
	.reminder_finish = sqlite_reminder_finish,
	.reminders_recover = sqlite_reminders_recover,
	.reminder_add = sqlite_reminder_add,
	.reminder_get = sqlite_reminder_get,
	.reminders = sqlite_reminders,
	.ack_put = sqlite_ack_put,
	.ack_get = sqlite_ack_get,
	.meta_get = sqlite_meta_get,
	.meta_put = sqlite_meta_put,
	.task_part_set = sqlite_task_part_set,
	.task_parts = sqlite_task_parts,
	.task_progress_add = sqlite_task_progress_add,
	.task_progress = sqlite_task_progress,
	.reminders_count = sqlite_reminders_count,
	.tasks_overdue_count = sqlite_tasks_overdue_count,
	.tasks_recurring = sqlite_tasks_recurring,
};

/*
 * Parts of tasks ("分别负责").  Rarely written, so the statements are
 * prepared per call rather than cached.
 */
static int
sqlite_task_part_set(struct store *st, int64_t task_id, const char *office,
    int64_t done_at, const char *note, int64_t now)
{
	static const char sql[] =
	    "INSERT INTO task_parts (task_id, office, done_at, note,"
	    " updated_at) VALUES (?1, ?2, NULLIF(?3, 0), ?4, ?5)"
	    " ON CONFLICT (task_id, office) DO UPDATE SET"
	    " done_at = excluded.done_at, note = excluded.note,"
	    " updated_at = excluded.updated_at";
	struct sqlite_store *s = to_sqlite(st);
	sqlite3_stmt *q;
	int rc;

	if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK)
		return fail(s, "task_part_set", office);
	if (sqlite3_bind_int64(q, 1, task_id) != SQLITE_OK ||
	    bind_text(q, 2, office) != SQLITE_OK ||
	    sqlite3_bind_int64(q, 3, done_at < 0 ? 0 : done_at) != SQLITE_OK ||
	    bind_text(q, 4, note) != SQLITE_OK ||
	    sqlite3_bind_int64(q, 5, now) != SQLITE_OK ||
	    sqlite3_step(q) != SQLITE_DONE) {
		fail(s, "task_part_set", office);
		sqlite3_finalize(q);
		return -1;
	}
	rc = sqlite3_finalize(q);
	return rc == SQLITE_OK ? 0 : fail(s, "task_part_set", office);
}

static int
sqlite_task_parts(struct store *st, int64_t task_id, struct task_part **out,
    size_t *n)
{
	static const char sql[] =
	    "SELECT office, IFNULL(done_at, 0), note, updated_at"
	    " FROM task_parts WHERE task_id = ?1 ORDER BY office";
	struct sqlite_store *s = to_sqlite(st);
	struct task_part *v = NULL, *nv, *p;
	sqlite3_stmt *q;
	size_t cap = 0, len = 0;
	bool oom = false;
	int rc;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK)
		return fail(s, "task_parts", "prepare");
	if (sqlite3_bind_int64(q, 1, task_id) != SQLITE_OK) {
		sqlite3_finalize(q);
		return fail(s, "task_parts", "bind");
	}
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if ((nv = grow(v, &cap, len + 1, sizeof *v)) == NULL) {
			oom = true;
			break;
		}
		v = nv;
		p = &v[len++];
		p->office = column_text(q, 0, &oom);
		p->done_at = sqlite3_column_int64(q, 1);
		p->note = column_text(q, 2, &oom);
		p->updated_at = sqlite3_column_int64(q, 3);
		if (oom || p->office == NULL) {
			oom = true;
			break;
		}
	}
	if (!oom && rc != SQLITE_DONE)
		fail(s, "task_parts", "step");
	sqlite3_finalize(q);
	if (oom)
		fail_oom(s, "task_parts");
	if (oom || rc != SQLITE_DONE) {
		task_parts_free(v, len);
		return -1;
	}
	*out = v;
	*n = len;
	return 0;
}


/*
 * Counts for /metrics (benchmark: a scrape read every row before).  Both
 * scan their table once without building rows in memory.  NOT INDEXED:
 * through reminders_due each row is a random table lookup, 3-4 times
 * slower than the plain scan on 1M rows (an index on (state, channel,
 * due_at) would cover the query: 0.35 s instead of 1.7 s for 1M rows).
 */
static int
sqlite_reminders_count(struct store *st,
    int (*fn)(void *, enum reminder_state, const char *, int64_t, int64_t),
    void *arg)
{
	struct sqlite_store *s = (struct sqlite_store *)st;
	static const char sql[] =
	    "SELECT state, channel, count(*), min(due_at) FROM reminders"
	    " NOT INDEXED GROUP BY state, channel";
	enum reminder_state state;
	sqlite3_stmt *q;
	int rc, stopped = 0;

	if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK)
		return fail(s, "reminders_count", NULL);
	while (!stopped && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(q, 0);
		const char *channel = (const char *)sqlite3_column_text(q, 1);

		if (name == NULL || channel == NULL ||
		    reminder_state_parse(name, &state) == -1)
			continue;
		stopped = fn(arg, state, channel, sqlite3_column_int64(q, 2),
		    sqlite3_column_int64(q, 3)) == -1;
	}
	if (!stopped && rc != SQLITE_DONE)
		fail(s, "reminders_count", NULL);
	else if (stopped)
		store_set_error(st, "reminders_count: stopped by the caller");
	sqlite3_finalize(q);
	return stopped || rc != SQLITE_DONE ? -1 : 0;
}

static int
sqlite_tasks_overdue_count(struct store *st, int before_day,
    int (*fn)(void *, const char *, int64_t), void *arg)
{
	struct sqlite_store *s = (struct sqlite_store *)st;
	static const char sql[] =
	    "SELECT lead, count(*) FROM tasks WHERE retired_at IS NULL"
	    " AND done_at IS NULL AND due IS NOT NULL AND due < ?1"
	    " GROUP BY lead";
	sqlite3_stmt *q;
	int rc, stopped = 0;

	if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK)
		return fail(s, "tasks_overdue_count", NULL);
	if (sqlite3_bind_int(q, 1, before_day) != SQLITE_OK) {
		sqlite3_finalize(q);
		return fail(s, "tasks_overdue_count", NULL);
	}
	while (!stopped && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *lead = (const char *)sqlite3_column_text(q, 0);

		if (lead != NULL)
			stopped = fn(arg, lead,
			    sqlite3_column_int64(q, 1)) == -1;
	}
	if (!stopped && rc != SQLITE_DONE)
		fail(s, "tasks_overdue_count", NULL);
	else if (stopped)
		store_set_error(st, "tasks_overdue_count: stopped by the "
		    "caller");
	sqlite3_finalize(q);
	return stopped || rc != SQLITE_DONE ? -1 : 0;
}
