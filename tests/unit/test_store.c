/*
 * The store (SQLite backend) and sync_config, each test on a fresh
 * database in its own temporary directory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include "config.h"
#include "store.h"
#include "sync.h"

#define SCHEMA_LATEST 2
#define T1 1704153600	/* 2024-01-02T00:00:00Z */
#define T2 (T1 + 86400)
#define T3 (T2 + 86400)
#define DUE_2024_12_31 20088

struct fixture {
	char		 dir[64];
	char		 path[128];
	struct store	*st;
};

static const struct store_ops *
ops(void)
{
	return &store_sqlite_ops;
}

static void
remove_dir(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

/* A temporary directory, no database yet. */
static int
setup_dir(void **state)
{
	struct fixture *f;

	if ((f = calloc(1, sizeof *f)) == NULL)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/test_store.XXXXXX");
	if (mkdtemp(f->dir) == NULL) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof f->path, "%s/duban.db", f->dir);
	*state = f;
	return 0;
}

/* A temporary directory with a freshly opened store. */
static int
setup_store(void **state)
{
	struct fixture *f;
	char err[512];

	if (setup_dir(state) == -1)
		return -1;
	f = *state;
	if (ops()->open(&f->st, f->path, err, sizeof err) == -1) {
		fprintf(stderr, "%s\n", err);
		remove_dir(f->dir);
		free(f);
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	if (f->st != NULL)
		ops()->close(f->st);
	remove_dir(f->dir);
	free(f);
	return 0;
}

/* One integer from a query on a connection of the test's own. */
static int64_t
sql_int(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *q;
	int64_t v;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	v = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	sqlite3_close(db);
	return v;
}

/* One text from a query, copied into buf ("" for NULL). */
static const char *
sql_text(const char *path, const char *sql, char *buf, size_t len)
{
	sqlite3 *db;
	sqlite3_stmt *q;
	const unsigned char *t;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	t = sqlite3_column_text(q, 0);
	snprintf(buf, len, "%s", t != NULL ? (const char *)t : "");
	sqlite3_finalize(q);
	sqlite3_close(db);
	return buf;
}

static void
sql_exec(const char *path, const char *sql)
{
	sqlite3 *db;
	char *msg = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s", msg);
	sqlite3_close(db);
}

static char *
read_file(const char *path)
{
	FILE *fp;
	char *buf;
	long len;

	assert_non_null(fp = fopen(path, "rb"));
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	assert_true((len = ftell(fp)) > 0);
	rewind(fp);
	assert_non_null(buf = malloc((size_t)len + 1));
	assert_int_equal(fread(buf, 1, (size_t)len, fp), (size_t)len);
	buf[len] = '\0';
	fclose(fp);
	return buf;
}

static struct task_row *
get_task(struct store *st, const char *key)
{
	struct task_row *row;

	assert_int_equal(st->ops->task_get(st, key, &row), 0);
	return row;
}

static void
assert_history(struct store *st, const char *key,
    const enum task_change_kind *want, size_t nwant)
{
	struct task_change *c;
	size_t n, i;

	assert_int_equal(st->ops->task_history(st, key, &c, &n), 0);
	assert_int_equal(n, nwant);
	for (i = 0; i < n; i++) {
		assert_int_equal(c[i].change, want[i]);
		if (i > 0)
			assert_true(c[i].id > c[i - 1].id);
	}
	task_changes_free(c, n);
}

static void
assert_stats(const struct sync_stats *s, int added, int changed, int retired,
    int restored, int unchanged)
{
	assert_int_equal(s->added, added);
	assert_int_equal(s->changed, changed);
	assert_int_equal(s->retired, retired);
	assert_int_equal(s->restored, restored);
	assert_int_equal(s->unchanged, unchanged);
}

/* The schema as SQL text, to compare two databases. */
static char *
schema_sql(const char *path)
{
	char buf[8192];

	sql_text(path, "SELECT group_concat(sql, ';') FROM (SELECT sql FROM "
	    "sqlite_master WHERE sql IS NOT NULL ORDER BY name)", buf,
	    sizeof buf);
	return strdup(buf);
}

static void
test_backend_table(void **state)
{
	(void)state;
	assert_ptr_equal(store_backend("sqlite"), &store_sqlite_ops);
	assert_ptr_equal(store_backend(NULL), &store_sqlite_ops);
	assert_null(store_backend("postgresql"));
	assert_string_equal(store_sqlite_ops.name, "sqlite");
}

static void
test_open_creates_latest_schema(void **state)
{
	struct fixture *f = *state;
	struct tl_event ev = { TL_PAUSED, T1, NULL };
	char buf[64];
	int version = -1;

	assert_int_equal(ops()->schema_version(f->st, &version), 0);
	assert_int_equal(version, SCHEMA_LATEST);
	assert_int_equal(sql_int(f->path, "PRAGMA user_version"),
	    SCHEMA_LATEST);
	assert_string_equal(sql_text(f->path, "PRAGMA journal_mode", buf,
	    sizeof buf), "wal");
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM sqlite_master"
	    " WHERE type = 'table' AND name IN ('offices', 'tasks',"
	    " 'task_history', 'cases', 'case_events', 'reminders',"
	    " 'attempts')"), 7);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM"
	    " pragma_table_info('tasks') WHERE name = 'done_at'"), 1);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM"
	    " sqlite_master WHERE name = 'reminders_due'"), 1);

	/* Foreign keys are enforced on the store's connection. */
	assert_int_equal(ops()->case_event_add(f->st, 42, &ev, NULL, T1), -1);
	assert_string_equal(store_error(f->st),
	    "sqlite: case_event_add: case 42: FOREIGN KEY constraint failed");
}

static void
test_reopen_is_noop(void **state)
{
	struct fixture *f = *state;
	struct office_rec office = { "综合处", "局办公室" };
	struct office_row *rows;
	char *before, *after, err[512];
	sqlite3 *db;
	size_t n;
	int version;

	assert_int_equal(ops()->office_put(f->st, &office, T1), 0);
	ops()->close(f->st);
	f->st = NULL;
	before = schema_sql(f->path);

	/* Another connection holds the write lock: opening must not wait. */
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(ops()->open(&f->st, f->path, err, sizeof err), 0);
	assert_int_equal(sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);

	assert_int_equal(ops()->schema_version(f->st, &version), 0);
	assert_int_equal(version, SCHEMA_LATEST);
	after = schema_sql(f->path);
	assert_string_equal(before, after);
	assert_int_equal(ops()->offices(f->st, &rows, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].name, "综合处");
	office_rows_free(rows, n);
	free(before);
	free(after);
}

static void
test_migrate_from_v1(void **state)
{
	struct fixture *f = *state;
	static const enum tl_event_kind kinds[] = {
		TL_OPENED, TL_PAUSED, TL_RESUMED, TL_EXTENDED,
	};
	static const enum task_change_kind plan_history[] = {
		TASK_ADDED, TASK_RETIRED,
	};
	struct office_row *offices;
	struct task_row *t, *all;
	struct case_event_rec *ev;
	char fresh[160], err[512], *sql, *migrated_schema, *fresh_schema;
	struct store *other;
	int64_t case_id;
	size_t n, i;
	int version;

	sql = read_file(TEST_SRCDIR "/tests/unit/store-v1.sql");
	sql_exec(f->path, sql);
	free(sql);
	assert_int_equal(sql_int(f->path, "PRAGMA user_version"), 1);

	assert_int_equal(ops()->open(&f->st, f->path, err, sizeof err), 0);
	assert_int_equal(ops()->schema_version(f->st, &version), 0);
	assert_int_equal(version, SCHEMA_LATEST);

	/* Every row is there, the new column NULL. */
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM tasks"), 3);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM tasks"
	    " WHERE done_at IS NULL"), 3);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM task_history"),
	    4);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM reminders"), 0);

	assert_int_equal(ops()->offices(f->st, &offices, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(offices[0].name, "局办公室");
	assert_null(offices[0].supervisor);
	assert_string_equal(offices[1].name, "综合处");
	assert_string_equal(offices[1].supervisor, "局办公室");
	assert_string_equal(offices[2].name, "药品注册处");
	assert_int_equal(offices[2].updated_at, 1704240000);
	office_rows_free(offices, n);

	t = get_task(f->st, "2023-nx-5");
	assert_non_null(t);
	assert_string_equal(t->rec.title, "按季度公开政府工作报告重点任务执行情况");
	assert_int_equal(t->rec.nassist, 2);
	assert_string_equal(t->rec.assist[0], "机关各处室");
	assert_string_equal(t->rec.assist[1], "药品注册处");
	assert_int_equal(t->rec.due, -1);
	assert_string_equal(t->rec.repeat, "quarterly +15 days");
	assert_int_equal(t->retired_at, 0);
	assert_int_equal(t->done_at, 0);
	task_rows_free(t, 1);

	t = get_task(f->st, "plan:003");
	assert_non_null(t);
	assert_string_equal(t->rec.source, "import");
	assert_int_equal(t->rec.due, 19357);
	assert_string_equal(t->rec.due_text, "2022年");
	assert_string_equal(t->rec.target, "12家");
	assert_null(t->rec.policy);
	assert_int_equal(t->rec.nassist, 0);
	assert_int_equal(t->retired_at, 1704240000);
	task_rows_free(t, 1);
	assert_history(f->st, "plan:003", plan_history, 2);

	assert_int_equal(ops()->tasks(f->st, NULL, true, &all, &n), 0);
	assert_int_equal(n, 3);
	task_rows_free(all, n);
	assert_int_equal(ops()->tasks(f->st, "config", false, &all, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(all[0].rec.key, "2023-nx-5");
	assert_string_equal(all[1].rec.key, "2024-gk-11");
	task_rows_free(all, n);

	assert_int_equal(ops()->case_find(f->st, "YSQ-2024-0917", &case_id), 0);
	assert_int_equal(case_id, 1);
	assert_int_equal(ops()->case_events(f->st, case_id, &ev, &n), 0);
	assert_int_equal(n, 4);
	for (i = 0; i < n; i++)
		assert_int_equal(ev[i].kind, kinds[i]);
	assert_string_equal(ev[1].note, "补正");
	assert_string_equal(ev[3].milestone, "deadline");
	assert_int_equal(ev[3].at, 1728000000);
	case_events_free(ev, n);

	/* Migrating gives the schema a new database gets. */
	snprintf(fresh, sizeof fresh, "%s/fresh.db", f->dir);
	assert_int_equal(ops()->open(&other, fresh, err, sizeof err), 0);
	ops()->close(other);
	migrated_schema = schema_sql(f->path);
	fresh_schema = schema_sql(fresh);
	assert_string_equal(migrated_schema, fresh_schema);
	free(migrated_schema);
	free(fresh_schema);
}

static void
test_failed_migration_rolls_back(void **state)
{
	struct fixture *f = *state;
	char want[512], err[512], *sql;

	/* Schema 1 with a table in the way of migration 2. */
	sql = read_file(TEST_SRCDIR "/tests/unit/store-v1.sql");
	sql_exec(f->path, sql);
	free(sql);
	sql_exec(f->path, "CREATE TABLE reminders (x)");

	assert_int_equal(ops()->open(&f->st, f->path, err, sizeof err), -1);
	assert_null(f->st);
	snprintf(want, sizeof want, "sqlite: %s: migration to schema 2: "
	    "table reminders already exists", f->path);
	assert_string_equal(err, want);
	assert_int_equal(sql_int(f->path, "PRAGMA user_version"), 1);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM sqlite_master"
	    " WHERE name = 'attempts'"), 0);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM"
	    " pragma_table_info('tasks') WHERE name = 'done_at'"), 0);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM tasks"), 3);
}

static void
test_newer_schema_refused(void **state)
{
	struct fixture *f = *state;
	char want[512], err[512], buf[32];

	sql_exec(f->path, "CREATE TABLE future (x); PRAGMA user_version = 99");
	assert_int_equal(ops()->open(&f->st, f->path, err, sizeof err), -1);
	assert_null(f->st);
	snprintf(want, sizeof want, "sqlite: %s: created by a newer duban: "
	    "schema 99, this build knows up to %d", f->path, SCHEMA_LATEST);
	assert_string_equal(err, want);
	/* Left as it was. */
	assert_int_equal(sql_int(f->path, "PRAGMA user_version"), 99);
	assert_string_equal(sql_text(f->path, "PRAGMA journal_mode", buf,
	    sizeof buf), "delete");
}

static void
test_open_errors(void **state)
{
	struct fixture *f = *state;
	char path[160], want[256], err[512];
	FILE *fp;

	snprintf(path, sizeof path, "%s/missing/duban.db", f->dir);
	assert_int_equal(ops()->open(&f->st, path, err, sizeof err), -1);
	snprintf(want, sizeof want, "sqlite: %s: unable to open database file",
	    path);
	assert_string_equal(err, want);

	assert_non_null(fp = fopen(f->path, "w"));
	fputs("not a database, just text that is long enough to be a header "
	    "of something else entirely\n", fp);
	fclose(fp);
	assert_int_equal(ops()->open(&f->st, f->path, err, sizeof err), -1);
	snprintf(want, sizeof want, "sqlite: %s: file is not a database",
	    f->path);
	assert_string_equal(err, want);
	assert_null(f->st);
}

static void
test_office_put(void **state)
{
	struct fixture *f = *state;
	struct office_rec a = { "综合处", NULL }, b = { "稽查局", "局办公室" };
	struct office_row *rows;
	size_t n;

	assert_int_equal(ops()->office_put(f->st, &a, T1), 0);
	assert_int_equal(ops()->office_put(f->st, &b, T1), 0);
	/* Same again: nothing changes, not even updated_at. */
	assert_int_equal(ops()->office_put(f->st, &b, T2), 0);
	a.supervisor = "局办公室";
	assert_int_equal(ops()->office_put(f->st, &a, T3), 0);

	assert_int_equal(ops()->offices(f->st, &rows, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(rows[0].name, "稽查局");
	assert_int_equal(rows[0].updated_at, T1);
	assert_string_equal(rows[1].name, "综合处");
	assert_string_equal(rows[1].supervisor, "局办公室");
	assert_int_equal(rows[1].created_at, T1);
	assert_int_equal(rows[1].updated_at, T3);
	office_rows_free(rows, n);

	a.name = NULL;
	assert_int_equal(ops()->office_put(f->st, &a, T3), -1);
	assert_string_equal(store_error(f->st), "sqlite: office_put: "
	    "NOT NULL constraint failed: offices.name");
}

static const char *const assist_one[] = { "机关各处室" };
static const char *const assist_two[] = { "机关各处室", "药品注册处" };

static struct task_rec
task(const char *key, const char *title)
{
	struct task_rec r = {
		.key = key,
		.source = "config",
		.title = title,
		.lead = "综合处",
		.assist = NULL,
		.nassist = 0,
		.due = -1,
		.due_text = NULL,
		.repeat = NULL,
		.policy = "standard",
		.calendar = "cn",
		.target = NULL,
	};
	return r;
}

static void
test_tasks_sync_lifecycle(void **state)
{
	struct fixture *f = *state;
	static const enum task_change_kind a_changed[] = {
		TASK_ADDED, TASK_CHANGED,
	};
	static const enum task_change_kind b_back[] = {
		TASK_ADDED, TASK_RETIRED, TASK_RESTORED,
	};
	struct task_rec recs[2];
	struct sync_stats stats;
	struct task_change *c;
	struct task_row *t, *active;
	json_t *old;
	size_t n;

	recs[0] = task("2024-gk-11", "畅通政民互动沟通渠道");
	recs[0].assist = assist_one;
	recs[0].nassist = 1;
	recs[0].due = DUE_2024_12_31;
	recs[1] = task("2024-gk-12", "规范政府信息公开");
	assert_int_equal(ops()->tasks_sync(f->st, "config", recs, 2, T1,
	    &stats), 0);
	assert_stats(&stats, 2, 0, 0, 0, 0);

	t = get_task(f->st, "2024-gk-11");
	assert_non_null(t);
	assert_string_equal(t->rec.source, "config");
	assert_string_equal(t->rec.title, "畅通政民互动沟通渠道");
	assert_string_equal(t->rec.lead, "综合处");
	assert_int_equal(t->rec.nassist, 1);
	assert_string_equal(t->rec.assist[0], "机关各处室");
	assert_int_equal(t->rec.due, DUE_2024_12_31);
	assert_null(t->rec.due_text);
	assert_null(t->rec.repeat);
	assert_string_equal(t->rec.policy, "standard");
	assert_string_equal(t->rec.calendar, "cn");
	assert_int_equal(t->created_at, T1);
	assert_int_equal(t->retired_at, 0);
	task_rows_free(t, 1);
	assert_null(get_task(f->st, "2024-gk-99"));

	/* A changed, B dropped. */
	recs[0].title = "畅通政民互动渠道";
	assert_int_equal(ops()->tasks_sync(f->st, "config", recs, 1, T2,
	    &stats), 0);
	assert_stats(&stats, 0, 1, 1, 0, 0);
	t = get_task(f->st, "2024-gk-11");
	assert_string_equal(t->rec.title, "畅通政民互动渠道");
	assert_int_equal(t->created_at, T1);
	assert_int_equal(t->updated_at, T2);
	task_rows_free(t, 1);
	t = get_task(f->st, "2024-gk-12");
	assert_int_equal(t->retired_at, T2);
	task_rows_free(t, 1);
	assert_int_equal(ops()->tasks(f->st, "config", false, &active, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(active[0].rec.key, "2024-gk-11");
	task_rows_free(active, n);

	/* The change kept the old row. */
	assert_history(f->st, "2024-gk-11", a_changed, 2);
	assert_int_equal(ops()->task_history(f->st, "2024-gk-11", &c, &n), 0);
	assert_null(c[0].old);
	assert_int_equal(c[1].changed_at, T2);
	assert_non_null(old = json_loads(c[1].old, 0, NULL));
	assert_string_equal(json_string_value(json_object_get(old, "title")),
	    "畅通政民互动沟通渠道");
	assert_string_equal(json_string_value(json_array_get(
	    json_object_get(old, "assist"), 0)), "机关各处室");
	assert_int_equal(json_integer_value(json_object_get(old, "due")),
	    DUE_2024_12_31);
	assert_int_equal(json_integer_value(json_object_get(old,
	    "updated_at")), T1);
	assert_true(json_is_null(json_object_get(old, "retired_at")));
	json_decref(old);
	task_changes_free(c, n);

	/* B comes back, with a new assisting office. */
	recs[1].assist = assist_two;
	recs[1].nassist = 2;
	assert_int_equal(ops()->tasks_sync(f->st, "config", recs, 2, T3,
	    &stats), 0);
	assert_stats(&stats, 0, 0, 0, 1, 1);
	t = get_task(f->st, "2024-gk-12");
	assert_int_equal(t->retired_at, 0);
	assert_int_equal(t->rec.nassist, 2);
	assert_string_equal(t->rec.assist[1], "药品注册处");
	task_rows_free(t, 1);
	assert_history(f->st, "2024-gk-12", b_back, 3);
	assert_int_equal(ops()->task_history(f->st, "2024-gk-12", &c, &n), 0);
	assert_non_null(old = json_loads(c[2].old, 0, NULL));
	assert_int_equal(json_integer_value(json_object_get(old,
	    "retired_at")), T2);
	assert_int_equal(json_array_size(json_object_get(old, "assist")), 0);
	json_decref(old);
	task_changes_free(c, n);
}

static void
test_tasks_sync_twice_unchanged(void **state)
{
	struct fixture *f = *state;
	static const enum task_change_kind added[] = { TASK_ADDED };
	struct task_rec recs[3];
	struct sync_stats stats;
	struct task_row *t;
	size_t i;

	recs[0] = task("a", "甲");
	recs[0].assist = assist_two;
	recs[0].nassist = 2;
	recs[1] = task("b", "乙");
	recs[1].due = DUE_2024_12_31;
	recs[1].due_text = "年底前";
	recs[1].target = "100％";
	recs[2] = task("c", "丙");
	recs[2].policy = NULL;
	recs[2].calendar = NULL;
	recs[2].repeat = "yearly";
	assert_int_equal(ops()->tasks_sync(f->st, "config", recs, 3, T1,
	    &stats), 0);
	assert_stats(&stats, 3, 0, 0, 0, 0);
	assert_int_equal(ops()->tasks_sync(f->st, "config", recs, 3, T2,
	    &stats), 0);
	assert_stats(&stats, 0, 0, 0, 0, 3);

	for (i = 0; i < 3; i++) {
		assert_history(f->st, recs[i].key, added, 1);
		t = get_task(f->st, recs[i].key);
		assert_int_equal(t->updated_at, T1);
		task_rows_free(t, 1);
	}
	/* Each field counts: one differing field is a change. */
	recs[1].due_text = NULL;
	assert_int_equal(ops()->tasks_sync(f->st, "config", recs, 3, T3,
	    &stats), 0);
	assert_stats(&stats, 0, 1, 0, 0, 2);
}

static void
test_tasks_sync_refusals(void **state)
{
	struct fixture *f = *state;
	struct task_rec api = task("api-1", "来自接口"), recs[2];
	struct sync_stats stats;
	struct task_row *t;

	api.source = "api";
	assert_int_equal(ops()->tasks_sync(f->st, "api", &api, 1, T1, &stats),
	    0);
	/* A config sync neither retires nor takes another source's tasks. */
	assert_int_equal(ops()->tasks_sync(f->st, "config", NULL, 0, T2,
	    &stats), 0);
	assert_stats(&stats, 0, 0, 0, 0, 0);
	recs[0] = task("new-1", "新任务");
	recs[1] = task("api-1", "改名");
	assert_int_equal(ops()->tasks_sync(f->st, "config", recs, 2, T2,
	    &stats), -1);
	assert_string_equal(store_error(f->st), "sqlite: tasks_sync: api-1: "
	    "the task belongs to source \"api\", not \"config\"");
	/* The failed sync was its own transaction: new-1 is not there. */
	assert_null(get_task(f->st, "new-1"));
	t = get_task(f->st, "api-1");
	assert_string_equal(t->rec.title, "来自接口");
	assert_int_equal(t->retired_at, 0);
	task_rows_free(t, 1);

	recs[1] = task("new-1", "重复");
	assert_int_equal(ops()->tasks_sync(f->st, "config", recs, 2, T2,
	    &stats), -1);
	assert_string_equal(store_error(f->st),
	    "sqlite: tasks_sync: new-1: the key is given twice");

	assert_int_equal(ops()->tasks_sync(f->st, "import", recs, 1, T2,
	    &stats), -1);
	assert_string_equal(store_error(f->st), "sqlite: tasks_sync: new-1: "
	    "source \"config\" in a sync of \"import\"");

	recs[1] = task("new-2", NULL);
	assert_int_equal(ops()->tasks_sync(f->st, "config", recs, 2, T2,
	    &stats), -1);
	assert_string_equal(store_error(f->st), "sqlite: tasks_sync: new-2: "
	    "NOT NULL constraint failed: tasks.title");
	assert_null(get_task(f->st, "new-1"));
}

static void
test_case_open_idempotent(void **state)
{
	struct fixture *f = *state;
	struct case_rec rec = { "YSQ-2024-0917", "disclosure", "综合处",
	    "依申请公开" };
	struct case_rec other = { "CP-7", "complaint", "稽查局", NULL };
	struct case_event_rec *ev;
	int64_t id = 0, again = 0, found, other_id;
	bool existed = true;
	size_t n;

	assert_int_equal(ops()->case_open(f->st, &rec, T1, T2, &id, &existed),
	    0);
	assert_true(id > 0);
	assert_false(existed);
	rec.title = "另一个标题";
	assert_int_equal(ops()->case_open(f->st, &rec, T3, T3, &again,
	    &existed), 0);
	assert_true(existed);
	assert_int_equal(again, id);

	assert_int_equal(ops()->case_events(f->st, id, &ev, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ev[0].kind, TL_OPENED);
	assert_int_equal(ev[0].at, T1);
	assert_int_equal(ev[0].recorded_at, T2);
	assert_null(ev[0].milestone);
	case_events_free(ev, n);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM cases"), 1);
	assert_int_equal(sql_int(f->path, "SELECT title = '依申请公开'"
	    " FROM cases"), 1);

	assert_int_equal(ops()->case_find(f->st, "YSQ-2024-0917", &found), 0);
	assert_int_equal(found, id);
	assert_int_equal(ops()->case_find(f->st, "nope", &found), 0);
	assert_int_equal(found, 0);
	assert_int_equal(ops()->case_open(f->st, &other, T1, T1, &other_id,
	    &existed), 0);
	assert_false(existed);
	assert_true(other_id != id);

	other.ref = "CP-8";
	other.rule = NULL;
	assert_int_equal(ops()->case_open(f->st, &other, T1, T1, &other_id,
	    &existed), -1);
	assert_string_equal(store_error(f->st), "sqlite: case_open: CP-8: "
	    "NOT NULL constraint failed: cases.rule");
}

static void
test_case_events_round_trip(void **state)
{
	struct fixture *f = *state;
	struct case_rec rec = { "CP-1", "complaint", "稽查局", "差评" };
	const struct {
		struct tl_event	 ev;
		const char	*note;
	} add[] = {
		{ { TL_PAUSED, T1 + 100, NULL }, "补正" },
		{ { TL_RESUMED, T1 + 200, NULL }, NULL },
		{ { TL_EXTENDED, T1 + 300, "rectify" }, "延期一次" },
		{ { TL_CLOSED, T1 + 400, "contact" }, NULL },
		{ { TL_CLOSED, T1 + 500, NULL }, "办结" },
	};
	struct case_event_rec *ev;
	int64_t id;
	bool existed;
	size_t n, i;

	assert_int_equal(ops()->case_open(f->st, &rec, T1, T1, &id, &existed),
	    0);
	for (i = 0; i < sizeof add / sizeof add[0]; i++)
		assert_int_equal(ops()->case_event_add(f->st, id, &add[i].ev,
		    add[i].note, T2 + (int64_t)i), 0);
	assert_int_equal(ops()->case_events(f->st, id, &ev, &n), 0);
	assert_int_equal(n, 1 + sizeof add / sizeof add[0]);
	assert_int_equal(ev[0].kind, TL_OPENED);
	for (i = 1; i < n; i++) {
		assert_true(ev[i].id > ev[i - 1].id);
		assert_int_equal(ev[i].kind, add[i - 1].ev.kind);
		assert_int_equal(ev[i].at, add[i - 1].ev.at);
		assert_int_equal(ev[i].recorded_at, T2 + (int64_t)(i - 1));
		if (add[i - 1].ev.milestone == NULL)
			assert_null(ev[i].milestone);
		else
			assert_string_equal(ev[i].milestone,
			    add[i - 1].ev.milestone);
		if (add[i - 1].note == NULL)
			assert_null(ev[i].note);
		else
			assert_string_equal(ev[i].note, add[i - 1].note);
	}
	case_events_free(ev, n);

	assert_int_equal(ops()->case_events(f->st, id + 1, &ev, &n), 0);
	assert_int_equal(n, 0);
	case_events_free(ev, n);
}

static void
test_failed_op_rolls_back(void **state)
{
	struct fixture *f = *state;
	static const enum task_change_kind added[] = { TASK_ADDED };
	struct office_rec o1 = { "综合处", NULL }, o2 = { "稽查局", NULL };
	struct task_rec t1 = task("t1", "一"), t2 = task("t2", "二"), bad;
	struct tl_event ev = { TL_PAUSED, T2, NULL };
	struct office_row *rows;
	struct sync_stats stats;
	struct task_row *t;
	size_t n;

	assert_int_equal(ops()->office_put(f->st, &o1, T1), 0);
	assert_int_equal(ops()->tasks_sync(f->st, "config", &t1, 1, T1, &stats),
	    0);

	assert_int_equal(ops()->begin(f->st), 0);
	assert_int_equal(ops()->office_put(f->st, &o2, T2), 0);
	o1.supervisor = "局办公室";
	assert_int_equal(ops()->office_put(f->st, &o1, T2), 0);
	assert_int_equal(ops()->tasks_sync(f->st, "config", &t2, 1, T2, &stats),
	    0);
	assert_stats(&stats, 1, 0, 1, 0, 0);
	assert_int_equal(ops()->case_event_add(f->st, 999, &ev, NULL, T2), -1);
	assert_string_equal(store_error(f->st),
	    "sqlite: case_event_add: case 999: FOREIGN KEY constraint failed");
	assert_int_equal(ops()->rollback(f->st), 0);

	assert_int_equal(ops()->offices(f->st, &rows, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].name, "综合处");
	assert_null(rows[0].supervisor);
	office_rows_free(rows, n);
	assert_null(get_task(f->st, "t2"));
	t = get_task(f->st, "t1");
	assert_int_equal(t->retired_at, 0);
	task_rows_free(t, 1);
	assert_history(f->st, "t1", added, 1);

	/* A failing tasks_sync inside the caller's transaction. */
	bad = task("t3", "三");
	bad.lead = NULL;
	assert_int_equal(ops()->begin(f->st), 0);
	assert_int_equal(ops()->office_put(f->st, &o2, T3), 0);
	assert_int_equal(ops()->tasks_sync(f->st, "config", &bad, 1, T3,
	    &stats), -1);
	assert_string_equal(store_error(f->st), "sqlite: tasks_sync: t3: "
	    "NOT NULL constraint failed: tasks.lead");
	assert_int_equal(ops()->rollback(f->st), 0);
	assert_int_equal(ops()->offices(f->st, &rows, &n), 0);
	assert_int_equal(n, 1);
	office_rows_free(rows, n);
	t = get_task(f->st, "t1");
	assert_int_equal(t->retired_at, 0);
	task_rows_free(t, 1);

	/* Nothing to roll back is not an error; commit without begin is. */
	assert_int_equal(ops()->rollback(f->st), 0);
	assert_int_equal(ops()->commit(f->st), -1);
	assert_string_equal(store_error(f->st), "sqlite: commit: cannot "
	    "commit - no transaction is active");
}

/* A config as config_load would give it, for sync_config. */
struct test_config {
	struct config		conf;
	struct calendar_conf	cal;
	struct office_conf	offices[3];
	struct task_conf	tasks[2];
};

static char *task1_assist[] = { "机关各处室" };

static void
test_config_init(struct test_config *tc)
{
	memset(tc, 0, sizeof *tc);
	tc->cal.name = "cn";
	tc->offices[0].name = "综合处";
	tc->offices[0].supervisor = "局办公室";
	tc->offices[1].name = "局办公室";
	tc->offices[2].name = "新处室";
	tc->tasks[0].id = "2023-nx-5";
	tc->tasks[0].title = "按季度公开政府工作报告重点任务执行情况";
	tc->tasks[0].lead = "综合处";
	tc->tasks[0].assist = task1_assist;
	tc->tasks[0].nassist = 1;
	tc->tasks[0].due = -1;
	tc->tasks[0].repeat = "quarterly +15 days";
	tc->tasks[0].policy = "standard";
	tc->tasks[1].id = "2024-gk-11";
	tc->tasks[1].title = "畅通政民互动沟通渠道";
	tc->tasks[1].lead = "综合处";
	tc->tasks[1].due = DUE_2024_12_31;
	tc->tasks[1].policy = "standard";
	tc->tasks[1].calendar = "other";
	tc->tasks[1].target = "12家";
	tc->conf.calendars = &tc->cal;
	tc->conf.ncalendars = 1;
	tc->conf.offices = tc->offices;
	tc->conf.noffices = 2;
	tc->conf.tasks = tc->tasks;
	tc->conf.ntasks = 2;
}

static void
test_sync_config(void **state)
{
	struct fixture *f = *state;
	struct test_config tc;
	struct office_row *rows;
	struct sync_stats stats;
	struct task_row *t;
	char err[512];
	size_t n;

	test_config_init(&tc);
	assert_int_equal(sync_config(f->st, &tc.conf, T1, &stats, err,
	    sizeof err), 0);
	assert_stats(&stats, 2, 0, 0, 0, 0);

	assert_int_equal(ops()->offices(f->st, &rows, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(rows[0].name, "局办公室");
	assert_null(rows[0].supervisor);
	assert_string_equal(rows[1].name, "综合处");
	assert_string_equal(rows[1].supervisor, "局办公室");
	office_rows_free(rows, n);

	t = get_task(f->st, "2023-nx-5");
	assert_non_null(t);
	assert_string_equal(t->rec.source, "config");
	assert_string_equal(t->rec.calendar, "cn");	/* the default */
	assert_int_equal(t->rec.due, -1);
	assert_int_equal(sql_int(f->path, "SELECT due IS NULL FROM tasks"
	    " WHERE key = '2023-nx-5'"), 1);
	assert_int_equal(t->rec.nassist, 1);
	assert_string_equal(t->rec.assist[0], "机关各处室");
	assert_string_equal(t->rec.repeat, "quarterly +15 days");
	task_rows_free(t, 1);
	t = get_task(f->st, "2024-gk-11");
	assert_string_equal(t->rec.calendar, "other");
	assert_int_equal(t->rec.due, DUE_2024_12_31);
	assert_string_equal(t->rec.target, "12家");
	task_rows_free(t, 1);

	/* The same config again changes nothing; a task removed retires. */
	assert_int_equal(sync_config(f->st, &tc.conf, T2, &stats, err,
	    sizeof err), 0);
	assert_stats(&stats, 0, 0, 0, 0, 2);
	tc.conf.ntasks = 1;
	assert_int_equal(sync_config(f->st, &tc.conf, T2, &stats, err,
	    sizeof err), 0);
	assert_stats(&stats, 0, 0, 1, 0, 1);

	/* A failure anywhere leaves the store as it was. */
	tc.conf.noffices = 3;
	tc.conf.ntasks = 2;
	tc.tasks[1].lead = NULL;
	assert_int_equal(sync_config(f->st, &tc.conf, T3, &stats, err,
	    sizeof err), -1);
	assert_string_equal(err, "sqlite: tasks_sync: 2024-gk-11: "
	    "NOT NULL constraint failed: tasks.lead");
	assert_int_equal(ops()->offices(f->st, &rows, &n), 0);
	assert_int_equal(n, 2);
	office_rows_free(rows, n);
	t = get_task(f->st, "2024-gk-11");
	assert_int_equal(t->retired_at, T2);
	task_rows_free(t, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backend_table),
		cmocka_unit_test_setup_teardown(test_open_creates_latest_schema,
		    setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_reopen_is_noop,
		    setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_migrate_from_v1,
		    setup_dir, teardown),
		cmocka_unit_test_setup_teardown(test_failed_migration_rolls_back,
		    setup_dir, teardown),
		cmocka_unit_test_setup_teardown(test_newer_schema_refused,
		    setup_dir, teardown),
		cmocka_unit_test_setup_teardown(test_open_errors,
		    setup_dir, teardown),
		cmocka_unit_test_setup_teardown(test_office_put,
		    setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_tasks_sync_lifecycle,
		    setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_tasks_sync_twice_unchanged,
		    setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_tasks_sync_refusals,
		    setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_case_open_idempotent,
		    setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_case_events_round_trip,
		    setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_failed_op_rolls_back,
		    setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_sync_config,
		    setup_store, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
