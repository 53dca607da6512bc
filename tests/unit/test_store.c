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

#define SCHEMA_LATEST 3
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

/* sql_int of a formatted query. */
static int64_t
sql_intf(const char *path, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int64_t
sql_intf(const char *path, const char *fmt, ...)
{
	char sql[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	return sql_int(path, sql);
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
	    " 'attempts', 'acks', 'meta')"), 9);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM"
	    " pragma_table_info('tasks') WHERE name = 'done_at'"), 1);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM"
	    " sqlite_master WHERE name IN ('reminders_due', 'reminders_live',"
	    " 'acks_item')"), 3);

	/* Foreign keys are enforced on the store's connection. */
	assert_int_equal(ops()->case_event_add(f->st, 42, &ev, NULL, false, T1), -1);
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

static int64_t
task_id_of(struct store *st, const char *key)
{
	struct task_row *t = get_task(st, key);
	int64_t id;

	assert_non_null(t);
	id = t->id;
	task_rows_free(t, 1);
	return id;
}

/* The ids tasks_sync_ids reports: added, changed, retired, restored. */
static void
test_tasks_sync_ids(void **state)
{
	struct fixture *f = *state;
	struct task_rec recs[3];
	struct sync_stats stats;
	struct sync_ids ids;

	recs[0] = task("a", "甲");
	recs[1] = task("b", "乙");
	recs[2] = task("c", "丙");
	assert_int_equal(ops()->tasks_sync_ids(f->st, "config", recs, 3, T1,
	    &stats, &ids), 0);
	assert_stats(&stats, 3, 0, 0, 0, 0);
	assert_int_equal(ids.n, 3);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(ids.v[i], task_id_of(f->st, recs[i].key));
	free(ids.v);

	/* Nothing changed: nothing to plan. */
	assert_int_equal(ops()->tasks_sync_ids(f->st, "config", recs, 3, T2,
	    &stats, &ids), 0);
	assert_int_equal(ids.n, 0);
	free(ids.v);

	/* c retired (reported first), b changed, a unchanged. */
	recs[1].title = "乙改";
	assert_int_equal(ops()->tasks_sync_ids(f->st, "config", recs, 2, T2,
	    &stats, &ids), 0);
	assert_stats(&stats, 0, 1, 1, 0, 1);
	assert_int_equal(ids.n, 2);
	assert_int_equal(ids.v[0], task_id_of(f->st, "c"));
	assert_int_equal(ids.v[1], task_id_of(f->st, "b"));
	free(ids.v);

	/* c restored. */
	assert_int_equal(ops()->tasks_sync_ids(f->st, "config", recs, 3, T3,
	    &stats, &ids), 0);
	assert_stats(&stats, 0, 0, 0, 1, 2);
	assert_int_equal(ids.n, 1);
	assert_int_equal(ids.v[0], task_id_of(f->st, "c"));
	free(ids.v);

	/* A refusal (a key twice) reports no ids. */
	recs[1] = recs[0];
	ids.n = 7;
	assert_int_equal(ops()->tasks_sync_ids(f->st, "config", recs, 2, T3,
	    &stats, &ids), -1);
	assert_null(ids.v);
	assert_int_equal(ids.n, 0);
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
		bool		 forced;
	} add[] = {
		{ { TL_PAUSED, T1 + 100, NULL }, "补正", false },
		{ { TL_RESUMED, T1 + 200, NULL }, NULL, false },
		{ { TL_EXTENDED, T1 + 300, "rectify" }, "延期一次", false },
		{ { TL_CLOSED, T1 + 400, "contact" }, NULL, false },
		{ { TL_CLOSED, T1 + 500, NULL }, "提前定稿", true },
	};
	struct case_event_rec *ev;
	int64_t id;
	bool existed;
	size_t n, i;

	assert_int_equal(ops()->case_open(f->st, &rec, T1, T1, &id, &existed),
	    0);
	for (i = 0; i < sizeof add / sizeof add[0]; i++)
		assert_int_equal(ops()->case_event_add(f->st, id, &add[i].ev,
		    add[i].note, add[i].forced, T2 + (int64_t)i), 0);
	assert_int_equal(ops()->case_events(f->st, id, &ev, &n), 0);
	assert_int_equal(n, 1 + sizeof add / sizeof add[0]);
	assert_int_equal(ev[0].kind, TL_OPENED);
	assert_false(ev[0].forced);
	for (i = 1; i < n; i++) {
		assert_true(ev[i].id > ev[i - 1].id);
		assert_int_equal(ev[i].kind, add[i - 1].ev.kind);
		assert_int_equal(ev[i].at, add[i - 1].ev.at);
		assert_int_equal(ev[i].recorded_at, T2 + (int64_t)(i - 1));
		assert_int_equal(ev[i].forced, add[i - 1].forced);
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
	assert_int_equal(ops()->case_event_add(f->st, 999, &ev, NULL, false, T2), -1);
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

/*
 * The outbox.  Times: the deadline D, a day before it D1, and so on; the
 * rows are about item 1 (a task: the outbox does not check the item).
 */
#define DAY 86400
#define D (T1 + 30 * DAY)
#define D2 (D + 2 * DAY)	/* the deadline after an extension */
#define ZH "综合处"
#define JC "稽查局"
#define SUP "局办公室"

static struct reminder_plan
prow(const char *milestone, const char *office, enum reminder_kind kind,
    int64_t due_at, int64_t deadline_at)
{
	struct reminder_plan p = { milestone, office, "wecom", kind, due_at,
	    deadline_at };

	return p;
}

/* The standard plan of a deadline: -3 and -1 days, due, overdue, escalation. */
static size_t
standard_plan(struct reminder_plan *p, int64_t deadline)
{
	p[0] = prow(NULL, ZH, RK_BEFORE, deadline - 3 * DAY, deadline);
	p[1] = prow(NULL, ZH, RK_BEFORE, deadline - DAY, deadline);
	p[2] = prow(NULL, ZH, RK_DUE, deadline, deadline);
	p[3] = prow(NULL, ZH, RK_OVERDUE, deadline + DAY, deadline);
	p[4] = prow(NULL, SUP, RK_ESCALATION, deadline + DAY, deadline);
	return 5;
}

static void
plan_ok(struct store *st, enum item_type type, int64_t id,
    const struct reminder_plan *p, size_t n, int64_t now, int want_inserted,
    int want_cancelled)
{
	int inserted = -1, cancelled = -1;

	if (st->ops->reminders_plan(st, type, id, p, n, now, &inserted,
	    &cancelled) == -1)
		fail_msg("%s", store_error(st));
	assert_int_equal(inserted, want_inserted);
	assert_int_equal(cancelled, want_cancelled);
}

static int64_t
add_row(struct store *st, const struct reminder_plan *p, int64_t now)
{
	int64_t id = 0;

	if (st->ops->reminder_add(st, ITEM_TASK, 1, p, 0, now, &id) == -1)
		fail_msg("%s", store_error(st));
	assert_true(id > 0);
	return id;
}

static struct reminder *
get_reminder(struct store *st, int64_t id)
{
	struct reminder *r;

	assert_int_equal(st->ops->reminder_get(st, id, &r), 0);
	assert_non_null(r);
	return r;
}

static enum reminder_state
state_of(struct store *st, int64_t id)
{
	struct reminder *r = get_reminder(st, id);
	enum reminder_state state = r->state;

	reminders_free(r, 1);
	return state;
}

/* The reminders of a filter, their ids in buf as "1,2,3". */
static const char *
list_ids(struct store *st, const struct reminder_filter *f, char *buf,
    size_t len)
{
	struct reminder *r;
	size_t n, i, used = 0;

	assert_int_equal(st->ops->reminders(st, f, &r, &n), 0);
	buf[0] = '\0';
	for (i = 0; i < n; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%lld",
		    i > 0 ? "," : "", (long long)r[i].id);
	reminders_free(r, n);
	return buf;
}

static void
claim_ok(struct store *st, int64_t until, size_t max, int64_t now,
    struct reminder **rows, size_t *n)
{
	if (st->ops->reminders_claim(st, until, max, now, rows, n) == -1)
		fail_msg("%s", store_error(st));
}

static void
finish_ok(struct store *st, int64_t id, enum reminder_state state,
    int64_t next_at, int64_t now)
{
	struct attempt a = { id, now * 1000, 120, reminder_state_str(state),
	    200, "{\"errcode\":0}" };

	if (st->ops->reminder_finish(st, id, state, next_at, &a, now) == -1)
		fail_msg("%s", store_error(st));
}

static void
test_plan_insert_replan(void **state)
{
	struct fixture *f = *state;
	struct reminder_plan p[8];
	struct reminder_filter live = { .state = RS_PENDING, .item_id = 1,
	    .item_type = ITEM_TASK };
	struct reminder *r, *rows;
	size_t n, nrows, i;
	int64_t sent_id, sent_at;

	n = standard_plan(p, D);
	plan_ok(f->st, ITEM_TASK, 1, p, n, T1, 5, 0);
	assert_int_equal(ops()->reminders(f->st, &live, &r, &nrows), 0);
	assert_int_equal(nrows, 5);
	for (i = 0; i < nrows; i++) {
		/* Listed by due time; ties by id, the plan's order here. */
		assert_int_equal(r[i].item_type, ITEM_TASK);
		assert_int_equal(r[i].item_id, 1);
		assert_null(r[i].milestone);
		assert_string_equal(r[i].channel, "wecom");
		assert_int_equal(r[i].state, RS_PENDING);
		assert_int_equal(r[i].next_at, r[i].due_at);
		assert_int_equal(r[i].deadline_at, D);
		assert_int_equal(r[i].attempts, 0);
		assert_int_equal(r[i].about, 0);
		assert_int_equal(r[i].created_at, T1);
		assert_int_equal(r[i].updated_at, T1);
	}
	assert_int_equal(r[0].kind, RK_BEFORE);
	assert_int_equal(r[0].due_at, D - 3 * DAY);
	assert_int_equal(r[2].kind, RK_DUE);
	/* Same time: the plan's rows go in in key order, office first. */
	assert_string_equal(r[3].office, SUP);
	assert_int_equal(r[3].kind, RK_ESCALATION);
	assert_string_equal(r[4].office, ZH);
	assert_int_equal(r[4].kind, RK_OVERDUE);
	reminders_free(r, nrows);

	/* The same plan again, in another order and with a repeat: no-op. */
	p[5] = p[0];
	p[0] = p[4];
	p[4] = p[5];
	plan_ok(f->st, ITEM_TASK, 1, p, 6, T2, 0, 0);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM reminders"), 5);
	assert_int_equal(sql_int(f->path, "SELECT max(updated_at) FROM"
	    " reminders"), T1);

	/* The first one goes out. */
	claim_ok(f->st, D - 3 * DAY, 10, D - 3 * DAY, &rows, &nrows);
	assert_int_equal(nrows, 1);
	sent_id = rows[0].id;
	sent_at = D - 3 * DAY + 5;
	finish_ok(f->st, sent_id, RS_SENT, 0, sent_at);
	reminders_free(rows, nrows);

	/*
	 * Extended by two days: D2 - 3 days is D - 1 day, the row there
	 * stays and takes the new deadline; the others move.
	 */
	n = standard_plan(p, D2);
	plan_ok(f->st, ITEM_TASK, 1, p, n, T3, 4, 3);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM reminders"), 9);
	assert_int_equal(sql_intf(f->path, "SELECT count(*) FROM reminders"
	    " WHERE state = 'cancelled' AND updated_at = %lld",
	    (long long)T3), 3);
	assert_int_equal(sql_intf(f->path, "SELECT deadline_at FROM reminders"
	    " WHERE state = 'pending' AND due_at = %lld",
	    (long long)(D - DAY)), D2);
	assert_int_equal(sql_intf(f->path, "SELECT count(*) FROM reminders"
	    " WHERE state = 'pending' AND deadline_at = %lld",
	    (long long)D2), 5);
	r = get_reminder(f->st, sent_id);
	assert_int_equal(r->state, RS_SENT);
	assert_int_equal(r->deadline_at, D);	/* never rewritten */
	assert_int_equal(r->updated_at, sent_at);
	reminders_free(r, 1);

	/* Back to the first deadline: the sent row is not planned again. */
	n = standard_plan(p, D);
	plan_ok(f->st, ITEM_TASK, 1, p, n, T3, 3, 4);
	assert_int_equal(sql_intf(f->path, "SELECT count(*) FROM reminders"
	    " WHERE due_at = %lld AND kind = 'before'",
	    (long long)(D - 3 * DAY)), 1);
	assert_int_equal(sql_intf(f->path, "SELECT count(*) FROM reminders"
	    " WHERE state = 'pending' AND deadline_at = %lld",
	    (long long)D), 4);
	/* An empty plan cancels every waiting row of the item, nothing else. */
	plan_ok(f->st, ITEM_TASK, 1, NULL, 0, T3, 0, 4);
	assert_int_equal(state_of(f->st, sent_id), RS_SENT);
}

static void
test_plan_refusals_and_transactions(void **state)
{
	struct fixture *f = *state;
	struct reminder_plan p[5], bad;
	int64_t failure_id;
	size_t n;
	int ins = -1, can = -1;

	n = standard_plan(p, D);
	/* Inside the caller's transaction: a rollback undoes it. */
	assert_int_equal(ops()->begin(f->st), 0);
	plan_ok(f->st, ITEM_CASE, 7, p, n, T1, 5, 0);
	assert_int_equal(ops()->rollback(f->st), 0);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM reminders"), 0);

	/* A bad row refuses the whole plan. */
	p[3].channel = NULL;
	assert_int_equal(ops()->reminders_plan(f->st, ITEM_CASE, 7, p, n, T1,
	    &ins, &can), -1);
	assert_string_equal(store_error(f->st), "sqlite: reminders_plan: "
	    "case 7: a reminder needs a channel");
	bad = prow(NULL, ZH, RK_FAILURE, D, D);
	assert_int_equal(ops()->reminders_plan(f->st, ITEM_CASE, 7, &bad, 1,
	    T1, &ins, &can), -1);
	assert_string_equal(store_error(f->st), "sqlite: reminders_plan: "
	    "case 7: a reminder of kind failure cannot be planned");
	assert_int_equal(ins, -1);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM reminders"), 0);

	/* A failure notice is not the plan's to cancel. */
	n = standard_plan(p, D);
	plan_ok(f->st, ITEM_CASE, 7, p, n, T1, 5, 0);
	bad.office = SUP;
	assert_int_equal(ops()->reminder_add(f->st, ITEM_CASE, 7, &bad, 1, T2,
	    &failure_id), 0);
	plan_ok(f->st, ITEM_CASE, 7, NULL, 0, T2, 0, 5);
	assert_int_equal(state_of(f->st, failure_id), RS_PENDING);
}

static void
test_unique_live_row(void **state)
{
	struct fixture *f = *state;
	struct reminder_plan p = prow("contact", ZH, RK_DUE, D, D);
	struct reminder_plan failure = prow("contact", SUP, RK_FAILURE, D, D);
	int64_t first, again, other;
	int cancelled = -1;

	first = add_row(f->st, &p, T1);
	assert_int_equal(ops()->reminder_add(f->st, ITEM_TASK, 1, &p, 0, T1,
	    &again), -1);
	assert_string_equal(store_error(f->st), "sqlite: reminder_add: task 1: "
	    "UNIQUE constraint failed: index 'reminders_live'");
	/* Another milestone, channel or item is another row. */
	p.milestone = NULL;
	other = add_row(f->st, &p, T1);
	p.milestone = "contact";
	p.channel = "mail";
	add_row(f->st, &p, T1);
	p.channel = "wecom";
	assert_int_equal(ops()->reminder_add(f->st, ITEM_CASE, 1, &p, 0, T1,
	    &again), 0);

	/* Equal to a cancelled row is fine. */
	assert_int_equal(ops()->reminders_cancel(f->st, ITEM_TASK, 1,
	    "contact", T2, &cancelled), 0);
	assert_int_equal(cancelled, 2);
	again = add_row(f->st, &p, T2);
	assert_true(again != first);
	assert_int_equal(state_of(f->st, first), RS_CANCELLED);
	assert_int_equal(state_of(f->st, other), RS_PENDING);

	/* Two failure notices of one item differ by what they are about. */
	assert_int_equal(ops()->reminder_add(f->st, ITEM_TASK, 1, &failure,
	    first, T2, &again), 0);
	assert_int_equal(ops()->reminder_add(f->st, ITEM_TASK, 1, &failure,
	    other, T2, &again), 0);
	assert_int_equal(ops()->reminder_add(f->st, ITEM_TASK, 1, &failure,
	    other, T2, &again), -1);
	assert_int_equal(sql_int(f->path, "SELECT about FROM reminders"
	    " WHERE kind = 'failure' ORDER BY id LIMIT 1"), first);
}

static void
test_cancel_on_close(void **state)
{
	struct fixture *f = *state;
	struct reminder_plan p[3];
	struct reminder *rows;
	int64_t id[3];
	size_t n, i;
	int cancelled = -1;

	p[0] = prow("contact", ZH, RK_DUE, D, D);
	p[1] = prow("rectify", ZH, RK_BEFORE, D - DAY, D);
	p[2] = prow("rectify", ZH, RK_DUE, D + DAY, D);
	for (i = 0; i < 3; i++)
		assert_int_equal(ops()->reminder_add(f->st, ITEM_CASE, 3, &p[i],
		    0, T1, &id[i]), 0);
	add_row(f->st, &p[0], T1);	/* a task's row: not touched */

	/* Milestone "contact" closes. */
	assert_int_equal(ops()->reminders_cancel(f->st, ITEM_CASE, 3,
	    "contact", T2, &cancelled), 0);
	assert_int_equal(cancelled, 1);
	assert_int_equal(state_of(f->st, id[0]), RS_CANCELLED);
	assert_int_equal(state_of(f->st, id[1]), RS_PENDING);

	/* One row is being sent when the whole case closes: it stays. */
	claim_ok(f->st, D - DAY, 1, D - DAY, &rows, &n);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].id, id[1]);
	reminders_free(rows, n);
	assert_int_equal(ops()->reminders_cancel(f->st, ITEM_CASE, 3, NULL, T3,
	    &cancelled), 0);
	assert_int_equal(cancelled, 1);
	assert_int_equal(state_of(f->st, id[1]), RS_SENDING);
	assert_int_equal(state_of(f->st, id[2]), RS_CANCELLED);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM reminders"
	    " WHERE item_type = 'task' AND state = 'pending'"), 1);
	assert_int_equal(ops()->reminders_cancel(f->st, ITEM_CASE, 3, NULL, T3,
	    &cancelled), 0);
	assert_int_equal(cancelled, 0);
}

static void
test_claim_order_and_limit(void **state)
{
	struct fixture *f = *state;
	struct reminder_plan p = prow(NULL, ZH, RK_OVERDUE, 0, D);
	static const int64_t due[] = { 50, 10, 30, 10, 20, 1000 };
	struct reminder *rows;
	int64_t id[6], next;
	bool found = true;
	size_t n, i;

	assert_int_equal(ops()->reminder_next(f->st, &next, &found), 0);
	assert_false(found);
	for (i = 0; i < 6; i++) {
		/* Rows of distinct offices: the same due time may repeat. */
		p.office = i == 3 ? JC : ZH;
		p.due_at = D + due[i];
		id[i] = add_row(f->st, &p, T1);
	}
	assert_int_equal(ops()->reminder_next(f->st, &next, &found), 0);
	assert_true(found);
	assert_int_equal(next, D + 10);

	/* Nothing due yet. */
	claim_ok(f->st, D + 9, 10, D, &rows, &n);
	assert_int_equal(n, 0);
	assert_null(rows);
	/* Oldest first, ties by id, at most max. */
	claim_ok(f->st, D + 100, 3, D + 100, &rows, &n);
	assert_int_equal(n, 3);
	assert_int_equal(rows[0].id, id[1]);
	assert_int_equal(rows[1].id, id[3]);
	assert_int_equal(rows[2].id, id[4]);
	for (i = 0; i < n; i++) {
		assert_int_equal(rows[i].state, RS_SENDING);
		assert_int_equal(rows[i].attempts, 1);
		assert_int_equal(rows[i].updated_at, D + 100);
		assert_int_equal(state_of(f->st, rows[i].id), RS_SENDING);
	}
	assert_string_equal(rows[1].office, JC);
	reminders_free(rows, n);
	assert_int_equal(ops()->reminder_next(f->st, &next, &found), 0);
	assert_int_equal(next, D + 30);

	/* A retry due earlier than the pending rows comes first. */
	finish_ok(f->st, id[1], RS_RETRY, D + 25, D + 101);
	assert_int_equal(ops()->reminder_next(f->st, &next, &found), 0);
	assert_int_equal(next, D + 25);
	claim_ok(f->st, D + 100, 10, D + 102, &rows, &n);
	assert_int_equal(n, 3);
	assert_int_equal(rows[0].id, id[1]);
	assert_int_equal(rows[0].attempts, 2);
	assert_int_equal(rows[1].id, id[2]);
	assert_int_equal(rows[2].id, id[0]);
	reminders_free(rows, n);
	assert_int_equal(sql_int(f->path, "SELECT attempts FROM reminders"
	    " WHERE id = 2"), 2);

	/* max 0 claims nothing; the last row is not due. */
	claim_ok(f->st, D + 5000, 0, D + 103, &rows, &n);
	assert_int_equal(n, 0);
	assert_int_equal(state_of(f->st, id[5]), RS_PENDING);
	assert_int_equal(ops()->reminder_next(f->st, &next, &found), 0);
	assert_int_equal(next, D + 1000);
}

static void
test_finish_transitions(void **state)
{
	struct fixture *f = *state;
	struct reminder_plan p = prow(NULL, ZH, RK_DUE, D, D);
	struct attempt a;
	struct reminder *rows, *r;
	char long_excerpt[700], buf[64];
	int64_t id;
	size_t n, i;
	int recovered = -1;

	id = add_row(f->st, &p, T1);
	/* Not being sent: nothing to finish. */
	memset(&a, 0, sizeof a);
	assert_int_equal(ops()->reminder_finish(f->st, id, RS_SENT, 0, &a, D),
	    -1);
	assert_string_equal(store_error(f->st), "sqlite: reminder_finish: "
	    "reminder 1: no such reminder in state sending");
	assert_int_equal(ops()->reminder_finish(f->st, 99, RS_SENT, 0, &a, D),
	    -1);

	/* sending -> retry: 429, the time of the next try. */
	claim_ok(f->st, D, 10, D, &rows, &n);
	reminders_free(rows, n);
	assert_int_equal(ops()->reminder_finish(f->st, id, RS_PENDING, 0, &a,
	    D), -1);
	assert_string_equal(store_error(f->st), "sqlite: reminder_finish: "
	    "reminder 1: an attempt cannot end in state pending");
	a.started_at = (int64_t)D * 1000 + 7;
	a.duration_ms = 35;
	a.result = "retry";
	a.status = 429;
	a.excerpt = "{\"errcode\":45009,\"errmsg\":\"api freq out of limit\"}";
	assert_int_equal(ops()->reminder_finish(f->st, id, RS_RETRY, D + 60,
	    &a, D + 1), 0);
	r = get_reminder(f->st, id);
	assert_int_equal(r->state, RS_RETRY);
	assert_int_equal(r->next_at, D + 60);
	assert_int_equal(r->due_at, D);
	assert_int_equal(r->updated_at, D + 1);
	reminders_free(r, 1);

	/* A crash while retrying: recover. */
	claim_ok(f->st, D + 60, 10, D + 60, &rows, &n);
	assert_int_equal(n, 1);
	reminders_free(rows, n);
	assert_int_equal(ops()->reminders_recover(f->st, D + 500, &recovered),
	    0);
	assert_int_equal(recovered, 1);
	r = get_reminder(f->st, id);
	assert_int_equal(r->state, RS_RETRY);
	assert_int_equal(r->next_at, D + 500);
	assert_int_equal(r->attempts, 2);
	reminders_free(r, 1);
	assert_int_equal(ops()->reminders_recover(f->st, D + 501, &recovered),
	    0);
	assert_int_equal(recovered, 0);

	/* Third attempt: sent, with a long excerpt cut on a character. */
	claim_ok(f->st, D + 500, 10, D + 500, &rows, &n);
	reminders_free(rows, n);
	memset(long_excerpt, 0, sizeof long_excerpt);
	long_excerpt[0] = 'x';
	for (i = 0; i < 200; i++)
		memcpy(long_excerpt + 1 + 3 * i, "错", 3);
	a.result = NULL;	/* the state's word */
	a.status = 0;
	a.excerpt = long_excerpt;
	assert_int_equal(ops()->reminder_finish(f->st, id, RS_SENT, 12345, &a,
	    D + 502), 0);
	r = get_reminder(f->st, id);
	assert_int_equal(r->state, RS_SENT);
	assert_int_equal(r->next_at, D + 500);	/* only retry moves it */
	assert_int_equal(r->attempts, 3);
	reminders_free(r, 1);
	assert_int_equal(sql_int(f->path, "SELECT sent_at FROM reminders"),
	    D + 502);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM attempts"
	    " WHERE reminder_id = 1"), 2);
	assert_string_equal(sql_text(f->path, "SELECT group_concat(result"
	    " || '/' || IFNULL(status, 'null'), ' ') FROM attempts", buf,
	    sizeof buf),
	    "retry/429 sent/null");
	assert_int_equal(sql_int(f->path, "SELECT started_at FROM attempts"
	    " WHERE id = 1"), (int64_t)D * 1000 + 7);
	assert_int_equal(sql_int(f->path, "SELECT duration_ms FROM attempts"
	    " WHERE id = 1"), 35);
	assert_int_equal(sql_int(f->path, "SELECT length(CAST(excerpt AS BLOB))"
	    " FROM attempts WHERE id = 2"), 1 + 3 * 166);
	assert_int_equal(sql_int(f->path, "SELECT excerpt LIKE '%45009%'"
	    " FROM attempts WHERE id = 1"), 1);

	/* sent is final; failed is the other end. */
	assert_int_equal(ops()->reminder_finish(f->st, id, RS_FAILED, 0, &a,
	    D + 503), -1);
	p.due_at = D + 1;
	id = add_row(f->st, &p, T1);
	claim_ok(f->st, D + 1, 10, D + 1, &rows, &n);
	reminders_free(rows, n);
	finish_ok(f->st, id, RS_FAILED, 0, D + 2);
	assert_int_equal(state_of(f->st, id), RS_FAILED);
	assert_int_equal(sql_int(f->path, "SELECT sent_at IS NULL FROM"
	    " reminders WHERE id = 2"), 1);
	claim_ok(f->st, D + 5000, 10, D + 5000, &rows, &n);
	assert_int_equal(n, 0);
}

static void
test_ack(void **state)
{
	struct fixture *f = *state;
	struct reminder_plan p[6];
	int64_t id[6], at = -1;
	bool already = true;
	size_t i;

	p[0] = prow("contact", ZH, RK_OVERDUE, D + DAY, D);
	p[1] = prow("contact", ZH, RK_OVERDUE, D + 2 * DAY, D);
	p[2] = prow("contact", JC, RK_OVERDUE, D + DAY, D);
	p[3] = prow("rectify", ZH, RK_OVERDUE, D + DAY, D);
	p[4] = prow("contact", ZH, RK_DUE, D, D);
	p[5] = prow("contact", SUP, RK_ESCALATION, D + DAY, D);
	for (i = 0; i < 6; i++)
		assert_int_equal(ops()->reminder_add(f->st, ITEM_CASE, 5, &p[i],
		    0, T1, &id[i]), 0);

	assert_int_equal(ops()->ack_get(f->st, ITEM_CASE, 5, "contact", ZH,
	    &at), 0);
	assert_int_equal(at, 0);
	assert_int_equal(ops()->ack_put(f->st, ITEM_CASE, 5, "contact", ZH,
	    D + 100, &already), 0);
	assert_false(already);
	assert_int_equal(ops()->ack_get(f->st, ITEM_CASE, 5, "contact", ZH,
	    &at), 0);
	assert_int_equal(at, D + 100);
	assert_int_equal(state_of(f->st, id[0]), RS_CANCELLED);
	assert_int_equal(state_of(f->st, id[1]), RS_CANCELLED);
	for (i = 2; i < 6; i++)
		assert_int_equal(state_of(f->st, id[i]), RS_PENDING);

	/* Again: the first time stays. */
	assert_int_equal(ops()->ack_put(f->st, ITEM_CASE, 5, "contact", ZH,
	    D + 200, &already), 0);
	assert_true(already);
	assert_int_equal(ops()->ack_get(f->st, ITEM_CASE, 5, "contact", ZH,
	    &at), 0);
	assert_int_equal(at, D + 100);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM acks"), 1);
	for (i = 2; i < 6; i++)
		assert_int_equal(state_of(f->st, id[i]), RS_PENDING);

	/* Each office, milestone and item acknowledges on its own. */
	assert_int_equal(ops()->ack_get(f->st, ITEM_CASE, 5, "contact", JC,
	    &at), 0);
	assert_int_equal(at, 0);
	assert_int_equal(ops()->ack_get(f->st, ITEM_CASE, 5, "rectify", ZH,
	    &at), 0);
	assert_int_equal(at, 0);
	assert_int_equal(ops()->ack_get(f->st, ITEM_CASE, 5, NULL, ZH, &at), 0);
	assert_int_equal(at, 0);
	assert_int_equal(ops()->ack_get(f->st, ITEM_TASK, 5, "contact", ZH,
	    &at), 0);
	assert_int_equal(at, 0);
	assert_int_equal(ops()->ack_put(f->st, ITEM_TASK, 5, NULL, ZH, D,
	    &already), 0);
	assert_false(already);
	assert_int_equal(ops()->ack_put(f->st, ITEM_TASK, 5, NULL, ZH, D,
	    &already), 0);
	assert_true(already);
	assert_int_equal(ops()->ack_get(f->st, ITEM_TASK, 5, NULL, ZH, &at), 0);
	assert_int_equal(at, D);
	assert_int_equal(ops()->ack_put(f->st, ITEM_TASK, 5, NULL, NULL, D,
	    &already), -1);
	assert_string_equal(store_error(f->st), "sqlite: ack_put: task 5: "
	    "NOT NULL constraint failed: acks.office");
}

static void
test_meta(void **state)
{
	struct fixture *f = *state;
	char *value = (char *)"x";

	assert_int_equal(ops()->meta_get(f->st, "ack_key", &value), 0);
	assert_null(value);
	assert_int_equal(ops()->meta_put(f->st, "ack_key", "c2VjcmV0"), 0);
	assert_int_equal(ops()->meta_get(f->st, "ack_key", &value), 0);
	assert_string_equal(value, "c2VjcmV0");
	free(value);
	assert_int_equal(ops()->meta_put(f->st, "ack_key", "b3RoZXI="), 0);
	assert_int_equal(ops()->meta_put(f->st, "其他", "值"), 0);
	assert_int_equal(ops()->meta_get(f->st, "ack_key", &value), 0);
	assert_string_equal(value, "b3RoZXI=");
	free(value);
	assert_int_equal(ops()->meta_get(f->st, "其他", &value), 0);
	assert_string_equal(value, "值");
	free(value);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM meta"), 2);

	/* It lasts. */
	ops()->close(f->st);
	assert_int_equal(ops()->open(&f->st, f->path, (char[64]){ 0 }, 64), 0);
	assert_int_equal(ops()->meta_get(f->st, "ack_key", &value), 0);
	assert_string_equal(value, "b3RoZXI=");
	free(value);
	assert_int_equal(ops()->meta_put(f->st, "k", NULL), -1);
	assert_string_equal(store_error(f->st), "sqlite: meta_put: k: "
	    "NOT NULL constraint failed: meta.value");
}

static void
test_reminders_filter(void **state)
{
	struct fixture *f = *state;
	struct reminder_plan p = prow(NULL, ZH, RK_BEFORE, 0, D);
	struct reminder_filter flt;
	struct reminder *rows, *r;
	char buf[128];
	size_t n;
	int i;

	/* Ids 1..6: due D+60, D+50, ... D+10; 2 and 5 to 稽查局. */
	for (i = 0; i < 6; i++) {
		p.office = i % 3 == 1 ? JC : ZH;
		p.due_at = D + 60 - 10 * i;
		if (ops()->reminder_add(f->st, i < 4 ? ITEM_TASK : ITEM_CASE,
		    i < 4 ? 1 : 2, &p, 0, T1, NULL) == -1)
			fail_msg("%s", store_error(f->st));
	}
	claim_ok(f->st, D + 15, 10, D, &rows, &n);	/* id 6 */
	reminders_free(rows, n);

	memset(&flt, 0, sizeof flt);
	flt.state = -1;
	assert_string_equal(list_ids(f->st, &flt, buf, sizeof buf),
	    "6,5,4,3,2,1");
	assert_string_equal(list_ids(f->st, NULL, buf, sizeof buf),
	    "6,5,4,3,2,1");
	flt.state = RS_PENDING;
	assert_string_equal(list_ids(f->st, &flt, buf, sizeof buf),
	    "5,4,3,2,1");
	flt.state = RS_SENDING;
	assert_string_equal(list_ids(f->st, &flt, buf, sizeof buf), "6");
	flt.state = -1;
	flt.office = JC;
	assert_string_equal(list_ids(f->st, &flt, buf, sizeof buf), "5,2");
	flt.office = NULL;
	flt.from = D + 20;
	flt.to = D + 50;
	assert_string_equal(list_ids(f->st, &flt, buf, sizeof buf), "5,4,3");
	flt.limit = 2;
	assert_string_equal(list_ids(f->st, &flt, buf, sizeof buf), "5,4");
	flt.limit = 0;
	flt.item_type = ITEM_CASE;
	flt.item_id = 2;
	assert_string_equal(list_ids(f->st, &flt, buf, sizeof buf), "5");
	flt.item_type = ITEM_TASK;
	assert_string_equal(list_ids(f->st, &flt, buf, sizeof buf), "");
	flt.item_id = 1;
	assert_string_equal(list_ids(f->st, &flt, buf, sizeof buf), "4,3");
	flt.state = RS_CANCELLED + 1;
	assert_int_equal(ops()->reminders(f->st, &flt, &rows, &n), -1);
	assert_string_equal(store_error(f->st),
	    "sqlite: reminders: unknown state 6");

	r = get_reminder(f->st, 5);
	assert_int_equal(r->item_type, ITEM_CASE);
	assert_int_equal(r->item_id, 2);
	assert_string_equal(r->office, JC);
	assert_int_equal(r->due_at, D + 20);
	reminders_free(r, 1);
	assert_int_equal(ops()->reminder_get(f->st, 77, &r), 0);
	assert_null(r);
}

static void
test_cases_and_done(void **state)
{
	struct fixture *f = *state;
	struct case_rec a = { "A-1", "disclosure", ZH, "依申请公开" };
	struct case_rec b = { "B-2", "complaint", JC, NULL };
	struct tl_event part = { TL_CLOSED, T2, "contact" };
	struct tl_event whole = { TL_CLOSED, T3, NULL };
	struct task_rec t = task("t1", "任务");
	struct sync_stats stats;
	struct case_row *rows, *c;
	struct task_row *tr, *other;
	int64_t ida, idb;
	bool existed;
	size_t n;

	assert_int_equal(ops()->case_open(f->st, &a, T1, T1, &ida, &existed),
	    0);
	assert_int_equal(ops()->case_open(f->st, &b, T1, T2, &idb, &existed),
	    0);
	assert_int_equal(ops()->case_event_add(f->st, idb, &part, NULL, false, T2), 0);
	assert_int_equal(ops()->cases(f->st, false, &rows, &n), 0);
	assert_int_equal(n, 2);
	case_rows_free(rows, n);

	/* A whole-case close, not a milestone's, closes it. */
	assert_int_equal(ops()->case_event_add(f->st, ida, &whole, NULL, false, T3),
	    0);
	assert_int_equal(ops()->cases(f->st, false, &rows, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].id, idb);
	assert_string_equal(rows[0].ref, "B-2");
	assert_string_equal(rows[0].rule, "complaint");
	assert_string_equal(rows[0].office, JC);
	assert_null(rows[0].title);
	assert_int_equal(rows[0].created_at, T2);
	assert_false(rows[0].closed);
	case_rows_free(rows, n);
	assert_int_equal(ops()->cases(f->st, true, &rows, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].id, ida);
	assert_true(rows[0].closed);
	assert_false(rows[1].closed);
	case_rows_free(rows, n);

	assert_int_equal(ops()->case_get(f->st, ida, &c), 0);
	assert_non_null(c);
	assert_string_equal(c->title, "依申请公开");
	assert_true(c->closed);
	case_rows_free(c, 1);
	assert_int_equal(ops()->case_get(f->st, 42, &c), 0);
	assert_null(c);

	/* Tasks: done, done again (nothing moves), not done. */
	assert_int_equal(ops()->tasks_sync(f->st, "config", &t, 1, T1, &stats),
	    0);
	tr = get_task(f->st, "t1");
	assert_int_equal(ops()->task_get_id(f->st, tr->id, &other), 0);
	assert_non_null(other);
	assert_string_equal(other->rec.key, "t1");
	assert_string_equal(other->rec.title, "任务");
	task_rows_free(other, 1);
	assert_int_equal(ops()->task_get_id(f->st, tr->id + 1, &other), 0);
	assert_null(other);
	task_rows_free(tr, 1);
	assert_int_equal(ops()->task_set_done(f->st, "t1", T2, T2 + 5), 0);
	tr = get_task(f->st, "t1");
	assert_int_equal(tr->done_at, T2);
	assert_int_equal(tr->updated_at, T2 + 5);
	task_rows_free(tr, 1);
	assert_int_equal(ops()->task_set_done(f->st, "t1", T2, T3), 0);
	tr = get_task(f->st, "t1");
	assert_int_equal(tr->updated_at, T2 + 5);
	task_rows_free(tr, 1);
	assert_int_equal(ops()->task_set_done(f->st, "t1", 0, T3), 0);
	tr = get_task(f->st, "t1");
	assert_int_equal(tr->done_at, 0);
	assert_int_equal(tr->updated_at, T3);
	task_rows_free(tr, 1);
	assert_int_equal(sql_int(f->path, "SELECT done_at IS NULL FROM tasks"),
	    1);
	assert_int_equal(ops()->task_set_done(f->st, "nope", T2, T3), -1);
	assert_string_equal(store_error(f->st),
	    "sqlite: task_set_done: nope: no such task");
}

/* The keys tasks_find returns, joined by spaces. */
static void
assert_found(struct store *st, const struct task_filter *flt,
    const char *want)
{
	struct task_row *rows;
	char got[512] = "";
	size_t n, i, len = 0;

	assert_int_equal(st->ops->tasks_find(st, flt, &rows, &n), 0);
	for (i = 0; i < n && len < sizeof got; i++)
		len += (size_t)snprintf(got + len, sizeof got - len, "%s%s",
		    i > 0 ? " " : "", rows[i].rec.key);
	task_rows_free(rows, n);
	assert_string_equal(got, want);
}

static void
test_task_add(void **state)
{
	struct fixture *f = *state;
	struct task_rec t = task("gk-1", "按季度公开");
	struct task_rec anon = task(NULL, "无名");
	struct task_row *row;
	int64_t id, id2;
	bool existed = true;

	t.source = "api";
	t.assist = assist_two;
	t.nassist = 2;
	t.due = DUE_2024_12_31;
	assert_int_equal(ops()->task_add(f->st, &t, T1, &id, &existed), 0);
	assert_false(existed);
	row = get_task(f->st, "gk-1");
	assert_non_null(row);
	assert_int_equal(row->id, id);
	assert_string_equal(row->rec.source, "api");
	assert_int_equal(row->rec.nassist, 2);
	assert_string_equal(row->rec.assist[1], "药品注册处");
	assert_int_equal(row->rec.due, DUE_2024_12_31);
	assert_int_equal(row->created_at, T1);
	task_rows_free(row, 1);
	assert_history(f->st, "gk-1", (enum task_change_kind[]){ TASK_ADDED },
	    1);

	/* The same key again, from any source: nothing written. */
	t.title = "另一个标题";
	t.source = "import:p";
	assert_int_equal(ops()->task_add(f->st, &t, T2, &id2, &existed), 0);
	assert_true(existed);
	assert_int_equal(id2, id);
	row = get_task(f->st, "gk-1");
	assert_string_equal(row->rec.title, "按季度公开");
	task_rows_free(row, 1);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM tasks"), 1);

	/* Without a key: "<source>-<id>". */
	anon.source = "api";
	assert_int_equal(ops()->task_add(f->st, &anon, T2, &id2, &existed), 0);
	assert_false(existed);
	assert_int_equal(id2, id + 1);
	assert_int_equal(ops()->task_get_id(f->st, id2, &row), 0);
	assert_non_null(row);
	assert_string_equal(row->rec.key, "api-2");
	task_rows_free(row, 1);
	assert_history(f->st, "api-2", (enum task_change_kind[]){ TASK_ADDED },
	    1);

	/* A source is needed; a failure inside a transaction leaves it. */
	anon.source = NULL;
	assert_int_equal(ops()->task_add(f->st, &anon, T2, &id2, &existed), -1);
	assert_string_equal(store_error(f->st), "sqlite: task_add: no source");
	anon.source = "api";
	assert_int_equal(ops()->begin(f->st), 0);
	assert_int_equal(ops()->task_add(f->st, &anon, T3, &id2, &existed), 0);
	assert_int_equal(ops()->rollback(f->st), 0);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM tasks"), 2);
}

static void
test_task_done_history(void **state)
{
	struct fixture *f = *state;
	struct task_rec t = task("t1", "任务");
	struct task_change *c;
	json_t *old;
	size_t n;

	assert_int_equal(ops()->tasks_sync(f->st, "config", &t, 1, T1, NULL),
	    0);
	assert_int_equal(ops()->task_set_done(f->st, "t1", T2, T2), 0);
	/* Done again at the same time: no change, no history. */
	assert_int_equal(ops()->task_set_done(f->st, "t1", T2, T3), 0);
	assert_int_equal(ops()->task_set_done(f->st, "t1", 0, T3), 0);
	assert_int_equal(ops()->task_set_done(f->st, "t1", 0, T3 + 1), 0);
	assert_int_equal(ops()->task_history(f->st, "t1", &c, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(c[0].change, TASK_ADDED);
	/* Each change keeps the row as it was: not done, then done at T2. */
	assert_int_equal(c[1].change, TASK_CHANGED);
	assert_int_equal(c[1].changed_at, T2);
	old = json_loads(c[1].old, 0, NULL);
	assert_non_null(old);
	assert_true(json_is_null(json_object_get(old, "done_at")));
	json_decref(old);
	assert_int_equal(c[2].change, TASK_CHANGED);
	assert_int_equal(c[2].changed_at, T3);
	old = json_loads(c[2].old, 0, NULL);
	assert_int_equal(json_integer_value(json_object_get(old, "done_at")),
	    T2);
	json_decref(old);
	task_changes_free(c, n);
}

static void
test_tasks_find(void **state)
{
	struct fixture *f = *state;
	static const char *const zonghe[] = { "综合处" };
	static const char *const zhuce[] = { "药品注册处", "没有这个处" };
	struct task_rec recs[5];
	struct task_filter flt;
	struct sync_stats stats;

	recs[0] = task("a", "一");
	recs[0].due = DUE_2024_12_31;
	recs[1] = task("b", "二");
	recs[1].due = DUE_2024_12_31 - 10;
	recs[1].lead = "稽查局";
	recs[1].assist = assist_two;
	recs[1].nassist = 2;
	recs[2] = task("c", "三");		/* no due date */
	recs[3] = task("d", "四");
	recs[3].due = DUE_2024_12_31 - 20;
	recs[3].lead = "稽查局";
	recs[4] = task("e", "五");
	recs[4].due = DUE_2024_12_31 - 5;
	recs[4].source = "import:p";
	assert_int_equal(ops()->tasks_sync(f->st, "config", recs, 4, T1,
	    &stats), 0);
	assert_int_equal(ops()->tasks_sync(f->st, "import:p", &recs[4], 1, T1,
	    &stats), 0);
	assert_int_equal(ops()->task_set_done(f->st, "a", T2, T2), 0);
	/* d retired. */
	assert_int_equal(ops()->tasks_sync(f->st, "config", recs, 3, T2,
	    &stats), 0);

	memset(&flt, 0, sizeof flt);
	flt.retired = -1;
	flt.done = -1;
	flt.due_min = INT_MIN;
	flt.due_max = INT_MAX;
	/* By due date, none last, then key. */
	assert_found(f->st, &flt, "d b e a c");
	flt.limit = 2;
	assert_found(f->st, &flt, "d b");
	flt.limit = 0;
	flt.retired = 1;
	assert_found(f->st, &flt, "d");
	flt.retired = 0;
	assert_found(f->st, &flt, "b e a c");
	flt.done = 1;
	assert_found(f->st, &flt, "a");
	flt.done = 0;
	assert_found(f->st, &flt, "b e c");
	flt.source = "import:p";
	assert_found(f->st, &flt, "e");
	flt.source = NULL;
	/* Bounds: tasks without a due date only with no_due. */
	flt.due_min = DUE_2024_12_31 - 10;
	flt.due_max = DUE_2024_12_31 - 5;
	assert_found(f->st, &flt, "b e");
	flt.due_max = INT_MAX;
	flt.due_min = DUE_2024_12_31 - 9;
	assert_found(f->st, &flt, "e");
	flt.no_due = true;
	assert_found(f->st, &flt, "e c");
	flt.due_min = INT_MIN;
	flt.due_max = DUE_2024_12_31 - 10;
	assert_found(f->st, &flt, "b c");
	flt.no_due = false;
	flt.due_max = INT_MAX;
	/* Offices: the lead or an assisting office. */
	flt.offices = zonghe;
	flt.noffices = 1;
	assert_found(f->st, &flt, "e c");
	flt.offices = zhuce;
	flt.noffices = 2;
	assert_found(f->st, &flt, "b");
	flt.noffices = 0;
	assert_found(f->st, &flt, "");
}

/* The v3 rebuild of the outbox keeps rows, references and attempts. */
static void
test_migrate_from_v2(void **state)
{
	struct fixture *f = *state;
	struct reminder *r;
	char err[512], *sql;
	int64_t id;

	sql = read_file(TEST_SRCDIR "/tests/unit/store-v1.sql");
	sql_exec(f->path, sql);
	free(sql);
	sql = read_file(TEST_SRCDIR "/tests/unit/store-v2.sql");
	sql_exec(f->path, sql);
	free(sql);
	assert_int_equal(sql_int(f->path, "PRAGMA user_version"), 2);

	assert_int_equal(ops()->open(&f->st, f->path, err, sizeof err), 0);
	assert_int_equal(sql_int(f->path, "PRAGMA user_version"),
	    SCHEMA_LATEST);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM reminders"), 4);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM attempts"), 3);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM acks"), 1);
	assert_int_equal(ops()->reminder_get(f->st, 3, &r), 0);
	assert_non_null(r);
	assert_int_equal(r->kind, RK_FAILURE);
	assert_int_equal(r->about, 2);
	assert_string_equal(r->office, "局办公室");
	reminders_free(r, 1);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM sqlite_master"
	    " WHERE name IN ('reminders_due', 'reminders_live',"
	    " 'reminders_office')"), 3);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM sqlite_master"
	    " WHERE name = 'reminders_v3'"), 0);
	/* Foreign keys are on again and still hold. */
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM"
	    " pragma_foreign_key_check"), 0);
	assert_int_equal(ops()->reminder_add(f->st, ITEM_TASK, 1,
	    &(struct reminder_plan){ NULL, "综合处", "mail", RK_DUE,
	    1735700000, 1735660799 }, 99, T1, &id), -1);
	assert_non_null(strstr(store_error(f->st), "FOREIGN KEY"));
	/* The live index still refuses a second live row. */
	assert_int_equal(ops()->reminder_add(f->st, ITEM_TASK, 1,
	    &(struct reminder_plan){ NULL, "局办公室", "mail", RK_FAILURE,
	    1735610000, 1735660799 }, 2, T1, &id), -1);
}

/* Responsible offices, section and the parent of an occurrence (v3). */
static void
test_task_parts_fields(void **state)
{
	struct fixture *f = *state;
	static const char *const cities[] = { "太原市局", "大同市局" };
	static const char *const one_city[] = { "太原市局" };
	struct task_rec recs[2];
	struct task_filter flt;
	struct sync_stats stats;
	struct task_row *t;
	struct task_change *ch;
	size_t n;

	recs[0] = task("nx", "按季度公开");
	recs[0].repeat = "quarterly +15 days";
	recs[1] = task("nx@2024-04-15", "按季度公开");
	recs[1].due = DUE_2024_12_31;
	recs[1].responsible = cities;
	recs[1].nresponsible = 2;
	recs[1].section = "(二)加强智慧监管能力建设";
	recs[1].parent = "nx";
	assert_int_equal(ops()->tasks_sync(f->st, "config", recs, 2, T1,
	    &stats), 0);
	t = get_task(f->st, "nx@2024-04-15");
	assert_non_null(t);
	assert_int_equal(t->rec.nresponsible, 2);
	assert_string_equal(t->rec.responsible[1], "大同市局");
	assert_string_equal(t->rec.section, "(二)加强智慧监管能力建设");
	assert_string_equal(t->rec.parent, "nx");
	assert_true(t->parent_id > 0);
	task_rows_free(t, 1);
	t = get_task(f->st, "nx");
	assert_null(t->rec.parent);
	assert_int_equal(t->parent_id, 0);
	assert_int_equal(t->rec.nresponsible, 0);
	task_rows_free(t, 1);

	/* A responsible office finds the task; a changed list is history. */
	memset(&flt, 0, sizeof flt);
	flt.retired = -1;
	flt.done = -1;
	flt.due_min = INT_MIN;
	flt.due_max = INT_MAX;
	flt.offices = one_city;
	flt.noffices = 1;
	assert_found(f->st, &flt, "nx@2024-04-15");
	recs[1].nresponsible = 1;
	assert_int_equal(ops()->tasks_sync(f->st, "config", recs, 2, T2,
	    &stats), 0);
	assert_int_equal(stats.changed, 1);
	assert_int_equal(ops()->task_history(f->st, "nx@2024-04-15", &ch, &n),
	    0);
	assert_int_equal(n, 2);
	assert_non_null(strstr(ch[1].old, "\"responsible\":[\"太原市局\","
	    "\"大同市局\"]"));
	assert_non_null(strstr(ch[1].old, "\"parent\":\"nx\""));
	task_changes_free(ch, n);
}

/* target_value and target_unit as a task's target says, read raw. */
static void
assert_target_columns(const char *path, const char *key, double value,
    const char *unit)
{
	sqlite3 *db;
	sqlite3_stmt *q;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT target_value,"
	    " target_unit FROM tasks WHERE key = ?1", -1, &q, NULL),
	    SQLITE_OK);
	sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	if (value < 0)
		assert_int_equal(sqlite3_column_type(q, 0), SQLITE_NULL);
	else
		assert_true(sqlite3_column_double(q, 0) == value);
	if (unit == NULL)
		assert_int_equal(sqlite3_column_type(q, 1), SQLITE_NULL);
	else
		assert_string_equal((const char *)sqlite3_column_text(q, 1),
		    unit);
	sqlite3_finalize(q);
	sqlite3_close(db);
}

static void
test_task_progress(void **state)
{
	struct fixture *f = *state;
	struct task_rec recs[2];
	struct sync_stats stats;
	struct task_progress_rec *p;
	struct task_row *t;
	size_t n;

	recs[0] = task("t-12", "建设注册指导服务工作站");
	recs[0].target = "12家";
	recs[1] = task("t-none", "无指标");
	assert_int_equal(ops()->tasks_sync(f->st, "config", recs, 2, T1,
	    &stats), 0);
	assert_target_columns(f->path, "t-12", 12, "家");
	assert_target_columns(f->path, "t-none", -1, NULL);

	/* An update rewrites them; a target without a number has none. */
	recs[0].target = "100％";
	recs[1].target = "完成立法";
	assert_int_equal(ops()->tasks_sync(f->st, "config", recs, 2, T2,
	    &stats), 0);
	assert_int_equal(stats.changed, 2);
	assert_target_columns(f->path, "t-12", 100, "%");
	assert_target_columns(f->path, "t-none", -1, NULL);
	recs[0].target = "7";
	assert_int_equal(ops()->tasks_sync(f->st, "config", recs, 2, T2,
	    &stats), 0);
	assert_target_columns(f->path, "t-12", 7, NULL);

	assert_int_equal(ops()->task_get(f->st, "t-12", &t), 0);
	assert_non_null(t);
	assert_int_equal(ops()->task_progress(f->st, t->id, &p, &n), 0);
	assert_int_equal(n, 0);
	assert_null(p);
	assert_int_equal(ops()->task_progress_add(f->st, t->id, 3, NULL,
	    NULL, T2), 0);
	assert_int_equal(ops()->task_progress_add(f->st, t->id, 2.5,
	    "综合处", "第二批", T3), 0);
	assert_int_equal(ops()->task_progress(f->st, t->id, &p, &n), 0);
	assert_int_equal(n, 2);
	assert_true(p[0].value == 3);
	assert_null(p[0].office);
	assert_null(p[0].note);
	assert_int_equal(p[0].recorded_at, T2);
	assert_true(p[1].value == 2.5);
	assert_string_equal(p[1].office, "综合处");
	assert_string_equal(p[1].note, "第二批");
	assert_int_equal(p[1].recorded_at, T3);
	assert_true(p[0].id < p[1].id);
	task_progress_free(p, n);

	/* Another task's history is its own; no task, no progress. */
	task_rows_free(t, 1);
	assert_int_equal(ops()->task_get(f->st, "t-none", &t), 0);
	assert_int_equal(ops()->task_progress(f->st, t->id, &p, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(ops()->task_progress_add(f->st, t->id + 1000, 1,
	    NULL, NULL, T3), -1);
	task_rows_free(t, 1);
}

/* Parts of tasks: recorded by office, replaced, reopened; per task. */
static void
test_task_part_ops(void **state)
{
	struct fixture *f = *state;
	struct task_rec a = task("pa", "分别负责"), b = task("pb", "另一项");
	struct task_part *parts;
	int64_t ida, idb;
	size_t n;
	bool existed;

	assert_int_equal(ops()->task_add(f->st, &a, T1, &ida, &existed), 0);
	assert_int_equal(ops()->task_add(f->st, &b, T1, &idb, &existed), 0);
	assert_int_equal(ops()->task_parts(f->st, ida, &parts, &n), 0);
	assert_int_equal(n, 0);
	task_parts_free(parts, n);

	assert_int_equal(ops()->task_part_set(f->st, ida, "太原市局", T2,
	    "已报送", T2 + 1), 0);
	assert_int_equal(ops()->task_part_set(f->st, ida, "大同市局", 0, NULL,
	    T2 + 2), 0);
	assert_int_equal(ops()->task_part_set(f->st, idb, "太原市局", T3,
	    NULL, T3), 0);
	assert_int_equal(ops()->task_parts(f->st, ida, &parts, &n), 0);
	assert_int_equal(n, 2);
	/* By office, in byte order. */
	assert_true(strcmp(parts[0].office, parts[1].office) < 0);
	assert_string_equal(parts[0].office, "大同市局");
	assert_int_equal(parts[0].done_at, 0);
	assert_null(parts[0].note);
	assert_int_equal(parts[0].updated_at, T2 + 2);
	assert_string_equal(parts[1].office, "太原市局");
	assert_int_equal(parts[1].done_at, T2);
	assert_string_equal(parts[1].note, "已报送");
	assert_int_equal(parts[1].updated_at, T2 + 1);
	task_parts_free(parts, n);
	/* Not done is NULL in the table. */
	assert_int_equal(sql_intf(f->path, "SELECT count(*) FROM task_parts"
	    " WHERE task_id = %lld AND done_at IS NULL", (long long)ida), 1);

	/* Replacing: reopened, the note as given. */
	assert_int_equal(ops()->task_part_set(f->st, ida, "太原市局", 0,
	    "退回", T3), 0);
	assert_int_equal(ops()->task_parts(f->st, ida, &parts, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(parts[1].done_at, 0);
	assert_string_equal(parts[1].note, "退回");
	assert_int_equal(parts[1].updated_at, T3);
	task_parts_free(parts, n);

	/* The other task's part is its own. */
	assert_int_equal(ops()->task_parts(f->st, idb, &parts, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(parts[0].office, "太原市局");
	assert_int_equal(parts[0].done_at, T3);
	task_parts_free(parts, n);

	/* A task that does not exist has no parts to record. */
	assert_int_equal(ops()->task_part_set(f->st, idb + 100, "太原市局", T3,
	    NULL, T3), -1);
	assert_non_null(strstr(store_error(f->st), "task_part_set"));
	/* Inside a transaction, rolled back with it. */
	assert_int_equal(ops()->begin(f->st), 0);
	assert_int_equal(ops()->task_part_set(f->st, idb, "晋中市局", T3, NULL,
	    T3), 0);
	assert_int_equal(ops()->rollback(f->st), 0);
	assert_int_equal(ops()->task_parts(f->st, idb, &parts, &n), 0);
	assert_int_equal(n, 1);
	task_parts_free(parts, n);
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
		cmocka_unit_test_setup_teardown(test_tasks_sync_ids,
		    setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_case_open_idempotent,
		    setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_case_events_round_trip,
		    setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_failed_op_rolls_back,
		    setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_sync_config,
		    setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_plan_insert_replan,
		    setup_store, teardown),
		cmocka_unit_test_setup_teardown(
		    test_plan_refusals_and_transactions, setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_unique_live_row,
		    setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_cancel_on_close,
		    setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_claim_order_and_limit,
		    setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_finish_transitions,
		    setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_ack,
		    setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_meta,
		    setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_reminders_filter,
		    setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_cases_and_done,
		    setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_task_add,
		    setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_task_done_history,
		    setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_migrate_from_v2,
		    setup_dir, teardown),
		cmocka_unit_test_setup_teardown(test_task_parts_fields,
		    setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_tasks_find,
		    setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_task_progress,
		    setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_task_part_ops,
		    setup_store, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
