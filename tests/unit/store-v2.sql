-- A duban database at schema version 2, on top of store-v1.sql: the DDL
-- exactly as migration 2 in src/store_sqlite.c has it, then reminders with
-- their attempts and an ack.  test_store migrates it to check that the
-- rebuild of the reminders table (migration 3) keeps every row and
-- reference.
CREATE TABLE reminders (
	id INTEGER PRIMARY KEY,
	item_type TEXT NOT NULL CHECK (item_type IN ('task', 'case')),
	item_id INTEGER NOT NULL,
	milestone TEXT,
	office TEXT NOT NULL,
	channel TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('before', 'due', 'overdue',
	    'escalation', 'failure')),
	due_at INTEGER NOT NULL,
	deadline_at INTEGER NOT NULL,
	state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending',
	    'sending', 'sent', 'retry', 'failed', 'cancelled')),
	next_at INTEGER NOT NULL,
	attempts INTEGER NOT NULL DEFAULT 0,
	about INTEGER REFERENCES reminders (id),
	sent_at INTEGER,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE INDEX reminders_due ON reminders (state, next_at);
CREATE UNIQUE INDEX reminders_live ON reminders (item_type, item_id,
    IFNULL(milestone, ''), office, channel, kind, due_at,
    IFNULL(about, 0)) WHERE state != 'cancelled';
CREATE TABLE attempts (
	id INTEGER PRIMARY KEY,
	reminder_id INTEGER NOT NULL REFERENCES reminders (id),
	started_at INTEGER NOT NULL,
	duration_ms INTEGER NOT NULL,
	result TEXT NOT NULL,
	status INTEGER,
	excerpt TEXT
);
CREATE INDEX attempts_reminder ON attempts (reminder_id);
CREATE TABLE acks (
	id INTEGER PRIMARY KEY,
	item_type TEXT NOT NULL CHECK (item_type IN ('task', 'case')),
	item_id INTEGER NOT NULL,
	milestone TEXT,
	office TEXT NOT NULL,
	acked_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX acks_item ON acks (item_type, item_id,
    IFNULL(milestone, ''), office);
CREATE TABLE meta (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
ALTER TABLE tasks ADD COLUMN done_at INTEGER;

INSERT INTO reminders (id, item_type, item_id, milestone, office, channel,
    kind, due_at, deadline_at, state, next_at, attempts, about, sent_at,
    created_at, updated_at) VALUES
	(1, 'task', 1, NULL, '综合处', 'mail', 'before', 1734570000,
	    1735660799, 'sent', 1734570000, 1, NULL, 1734570001, 1704153600,
	    1734570001),
	(2, 'task', 1, NULL, '综合处', 'mail', 'due', 1735606800,
	    1735660799, 'failed', 1735606800, 3, NULL, NULL, 1704153600,
	    1735610000),
	(3, 'task', 1, NULL, '局办公室', 'mail', 'failure', 1735610000,
	    1735660799, 'pending', 1735610000, 0, 2, NULL, 1735610000,
	    1735610000),
	(4, 'case', 1, 'deadline', '综合处', 'mail', 'overdue', 1730000000,
	    1729699199, 'cancelled', 1730000000, 0, NULL, NULL, 1726794000,
	    1727000100);

INSERT INTO attempts (id, reminder_id, started_at, duration_ms, result,
    status, excerpt) VALUES
	(1, 1, 1734570000500, 120, 'sent', 250, '250 2.0.0 Ok'),
	(2, 2, 1735606800100, 30000, 'retry', 451, '451 4.3.0 try later'),
	(3, 2, 1735608000100, 80, 'failed', 550, '550 5.1.1 no such user');

INSERT INTO acks (id, item_type, item_id, milestone, office, acked_at)
    VALUES (1, 'task', 1, NULL, '综合处', 1734580000);

PRAGMA user_version = 2;
