-- A duban database at schema version 1, as an older duban left it: the DDL
-- exactly as migration 1 in src/store_sqlite.c has it, then some rows.
-- test_store opens it to check that migrating keeps every row.
CREATE TABLE offices (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,
	supervisor TEXT,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE TABLE tasks (
	id INTEGER PRIMARY KEY,
	key TEXT NOT NULL UNIQUE,
	source TEXT NOT NULL,
	title TEXT NOT NULL,
	lead TEXT NOT NULL,
	assist TEXT NOT NULL DEFAULT '[]',
	due INTEGER,
	due_text TEXT,
	repeat TEXT,
	policy TEXT,
	calendar TEXT,
	target TEXT,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	retired_at INTEGER
);
CREATE INDEX tasks_source ON tasks (source, retired_at);
CREATE TABLE task_history (
	id INTEGER PRIMARY KEY,
	task_id INTEGER NOT NULL REFERENCES tasks (id),
	changed_at INTEGER NOT NULL,
	change TEXT NOT NULL
	    CHECK (change IN ('added', 'changed', 'retired', 'restored')),
	old TEXT
);
CREATE INDEX task_history_task ON task_history (task_id);
CREATE TABLE cases (
	id INTEGER PRIMARY KEY,
	ref TEXT NOT NULL UNIQUE,
	rule TEXT NOT NULL,
	office TEXT NOT NULL,
	title TEXT,
	created_at INTEGER NOT NULL
);
CREATE TABLE case_events (
	id INTEGER PRIMARY KEY,
	case_id INTEGER NOT NULL REFERENCES cases (id),
	kind TEXT NOT NULL CHECK (kind IN
	    ('opened', 'paused', 'resumed', 'extended', 'closed')),
	at INTEGER NOT NULL,
	milestone TEXT,
	note TEXT,
	recorded_at INTEGER NOT NULL
);
CREATE INDEX case_events_case ON case_events (case_id, id);

INSERT INTO offices (id, name, supervisor, created_at, updated_at) VALUES
	(1, '综合处', '局办公室', 1704153600, 1704153600),
	(2, '药品注册处', NULL, 1704153600, 1704240000),
	(3, '局办公室', NULL, 1704153600, 1704153600);

INSERT INTO tasks (id, key, source, title, lead, assist, due, due_text,
    repeat, policy, calendar, target, created_at, updated_at, retired_at)
VALUES
	(1, '2024-gk-11', 'config', '畅通政民互动沟通渠道', '综合处', '[]',
	    20088, NULL, NULL, 'standard', 'cn', NULL, 1704153600, 1704153600,
	    NULL),
	(2, '2023-nx-5', 'config', '按季度公开政府工作报告重点任务执行情况',
	    '综合处', '["机关各处室","药品注册处"]', NULL, NULL,
	    'quarterly +15 days', 'standard', 'cn', NULL, 1704153600,
	    1704153600, NULL),
	(3, 'plan:003', 'import', '建设市级生物医药产品注册指导服务工作站',
	    '器械注册处', '[]', 19357, '2022年', NULL, NULL, 'cn', '12家',
	    1704153600, 1704240000, 1704240000);

INSERT INTO task_history (id, task_id, changed_at, change, old) VALUES
	(1, 1, 1704153600, 'added', NULL),
	(2, 2, 1704153600, 'added', NULL),
	(3, 3, 1704153600, 'added', NULL),
	(4, 3, 1704240000, 'retired', NULL);

INSERT INTO cases (id, ref, rule, office, title, created_at) VALUES
	(1, 'YSQ-2024-0917', 'disclosure', '综合处', '依申请公开: 某某信息',
	    1726794000);

INSERT INTO case_events (id, case_id, kind, at, milestone, note,
    recorded_at) VALUES
	(1, 1, 'opened', 1726794000, NULL, NULL, 1726794000),
	(2, 1, 'paused', 1727000000, NULL, '补正', 1727000100),
	(3, 1, 'resumed', 1727300000, NULL, NULL, 1727300100),
	(4, 1, 'extended', 1728000000, 'deadline', '经负责人同意延期',
	    1728000100);

PRAGMA user_version = 1;
