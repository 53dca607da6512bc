#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "calendar.h"
#include "config.h"
#include "date.h"
#include "errors.h"

#define FIXTURES TEST_SRCDIR "/tests/unit/config/"
#define TEMPLATE_MAX	65536	/* the documented limit of a template file */

/* A scratch directory for configs written by the tests. */
struct scratch {
	char	 dir[64];
	char	*files[32];
	size_t	 nfiles;
	char	*subdirs[4];
	size_t	 nsubdirs;
};

static void
scratch_open(struct scratch *s)
{
	memset(s, 0, sizeof *s);
	strcpy(s->dir, "/tmp/test_config.XXXXXX");
	assert_non_null(mkdtemp(s->dir));
}

/*
 * Writes name (may be "sub/name": sub is made) and returns its path, which
 * lives until scratch_close().
 */
static const char *
scratch_write(struct scratch *s, const char *name, const char *text)
{
	char *path, *slash, *sub;
	FILE *f;

	assert_true(s->nfiles < 32);
	if ((slash = strchr(name, '/')) != NULL) {
		assert_true(asprintf(&sub, "%s/%.*s", s->dir,
		    (int)(slash - name), name) != -1);
		if (mkdir(sub, 0700) == 0) {
			assert_true(s->nsubdirs < 4);
			s->subdirs[s->nsubdirs++] = sub;
		} else
			free(sub);
	}
	assert_true(asprintf(&path, "%s/%s", s->dir, name) != -1);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	/* Written again: the same file. */
	for (size_t i = 0; i < s->nfiles; i++) {
		if (strcmp(s->files[i], path) == 0) {
			free(path);
			return s->files[i];
		}
	}
	s->files[s->nfiles++] = path;
	return path;
}

static void
scratch_close(struct scratch *s)
{
	for (size_t i = 0; i < s->nfiles; i++) {
		if (remove(s->files[i]) == -1)
			fail_msg("cannot remove %s", s->files[i]);
		free(s->files[i]);
	}
	for (size_t i = 0; i < s->nsubdirs; i++) {
		assert_int_equal(rmdir(s->subdirs[i]), 0);
		free(s->subdirs[i]);
	}
	assert_int_equal(rmdir(s->dir), 0);
}

static void
print_errors(const struct errors *errs)
{
	for (size_t i = 0; i < errs->n; i++)
		print_message("  %s\n", errs->msg[i]);
}

/* Loads a config that must be valid. */
static struct config *
load_ok(const char *path)
{
	struct errors errs;
	struct config *conf;

	errors_init(&errs);
	conf = config_load(path, &errs);
	if (conf == NULL || errs.n != 0) {
		print_errors(&errs);
		fail_msg("%s: %zu errors", path, errs.n);
	}
	errors_free(&errs);
	return conf;
}

/*
 * Loads a config that must fail with exactly n errors; checks that error i
 * starts with "path:line: " and contains the text want.
 */
static void
load_bad(const char *path, size_t n, const int *lines,
    const char *const *want)
{
	struct errors errs;
	char *prefix;

	errors_init(&errs);
	assert_null(config_load(path, &errs));
	if (errs.n != n) {
		print_errors(&errs);
		fail_msg("%s: %zu errors, expected %zu", path, errs.n, n);
	}
	for (size_t i = 0; i < n; i++) {
		/* Line 0: a problem of the whole file, "path: ". */
		if (lines[i] > 0)
			assert_true(asprintf(&prefix, "%s:%d: ", path,
			    lines[i]) != -1);
		else
			assert_true(asprintf(&prefix, "%s: ", path) != -1);
		if (strncmp(errs.msg[i], prefix, strlen(prefix)) != 0 ||
		    strstr(errs.msg[i], want[i]) == NULL) {
			print_errors(&errs);
			fail_msg("error %zu: expected %s...%s", i, prefix,
			    want[i]);
		}
		free(prefix);
	}
	errors_free(&errs);
}

static void
load_bad1(const char *path, int line, const char *want)
{
	load_bad(path, 1, &line, &want);
}

/* Loads main, which must fail with one error, in another file. */
static void
load_bad_in(const char *main_path, const char *path, int line,
    const char *want)
{
	struct errors errs;
	char *prefix;

	errors_init(&errs);
	assert_null(config_load(main_path, &errs));
	assert_true(asprintf(&prefix, "%s:%d: ", path, line) != -1);
	if (errs.n != 1 || strncmp(errs.msg[0], prefix, strlen(prefix)) != 0 ||
	    strstr(errs.msg[0], want) == NULL) {
		print_errors(&errs);
		fail_msg("expected one error %s...%s", prefix, want);
	}
	free(prefix);
	errors_free(&errs);
}

static void
test_shipped_config(void **state)
{
	struct config *conf;
	const struct rule_conf *r;
	const struct calendar_conf *cn;
	const struct office_conf *o;
	const struct policy_conf *p;
	int day;

	(void)state;
	conf = load_ok(TEST_SRCDIR "/etc/duban.conf");
	assert_string_equal(conf->timezone, "Asia/Shanghai");
	assert_string_equal(conf->database, LOCALSTATEDIR
	    "/lib/duban/duban.db");
	assert_string_equal(conf->socket, RUNSTATEDIR "/duban/duban.sock");
	assert_null(conf->listen);
	assert_string_equal(conf->log_level, "notice");
	assert_int_equal(conf->deadline_secs, 23 * 3600 + 59 * 60 + 59);

	/* The included national calendar comes first: the default. */
	assert_true(conf->ncalendars >= 1);
	cn = &conf->calendars[0];
	assert_string_equal(cn->name, "cn");
	assert_non_null(strstr(cn->origin.file, "holidays/cn.conf"));
	assert_int_equal(calendar_add_workdays(cn->cal,
	    day_from_ymd(2024, 9, 20), 20, &day), CAL_OK);
	assert_int_equal(day, day_from_ymd(2024, 10, 23));

	r = config_rule(conf, "disclosure");
	assert_non_null(r);
	assert_string_equal(r->rule.title, "依申请公开答复");
	assert_int_equal(r->rule.nmilestones, 1);
	assert_string_equal(r->rule.milestones[0].name, "deadline");
	assert_int_equal(r->rule.milestones[0].limit.n, 20);
	assert_int_equal(r->rule.milestones[0].limit.unit, DUR_WORKDAYS);
	assert_int_equal(r->rule.extension.n, 20);
	assert_int_equal(r->rule.extension.unit, DUR_WORKDAYS);
	assert_int_equal(r->rule.max_extensions, 1);
	assert_ptr_equal(r->rule.cal, cn->cal);
	assert_string_equal(r->policy, "standard");

	r = config_rule(conf, "bad-review");
	assert_non_null(r);
	assert_int_equal(r->rule.nmilestones, 2);
	assert_string_equal(r->rule.milestones[0].name, "contact");
	assert_int_equal(r->rule.milestones[0].limit.n, 1);
	assert_string_equal(r->milestone_title[0], "联系评价人核实情况");
	assert_string_equal(r->rule.milestones[1].name, "rectify");
	assert_int_equal(r->rule.milestones[1].limit.n, 5);
	assert_int_equal(r->rule.milestones[1].limit.unit, DUR_WORKDAYS);
	assert_int_equal(r->rule.extension.n, 0);
	assert_int_equal(r->rule.max_extensions, 0);
	assert_string_equal(r->calendar, "cn");

	assert_int_equal(config_rule(conf, "kb-answer")->rule.milestones[0]
	    .limit.n, 5);
	assert_int_equal(config_rule(conf, "bangban-record")->rule
	    .milestones[0].limit.n, 3);
	assert_int_equal(config_rule(conf, "comment-period")->rule
	    .milestones[0].limit.unit, DUR_DAYS);
	assert_int_equal(config_rule(conf, "adoption-publish")->rule
	    .milestones[0].limit.n, 10);
	assert_null(config_rule(conf, "no-such-rule"));

	p = config_policy(conf, "standard");
	assert_non_null(p);
	assert_int_equal(p->nbefore, 2);
	assert_int_equal(p->before[0].n, 3);
	assert_int_equal(p->before[1].n, 1);
	assert_true(p->at_deadline);
	assert_int_equal(p->overdue_every.n, 1);
	assert_int_equal(p->escalate_after.n, 1);
	assert_int_equal(p->hours.n, 1);

	/* Aliases find the office. */
	o = config_office(conf, "法规处");
	assert_non_null(o);
	assert_string_equal(o->name, "政策法规处");
	assert_string_equal(config_office(conf, "稽查局")->supervisor,
	    "局办公室");
	assert_non_null(config_channel(conf, "console"));
	assert_non_null(config_group(conf, "各直属单位"));

	/* The reminder settings are commented out: their defaults. */
	assert_string_equal(conf->language, "zh");
	assert_int_equal(conf->group_wait, 0);
	assert_int_equal(conf->digest_min, 3);
	assert_int_equal(conf->max_inflight, 16);
	assert_int_equal(conf->retry_base, 30);
	assert_int_equal(conf->retry_max_age, 86400);
	assert_int_equal(conf->ntemplates, 0);
	assert_null(config_template(conf, "overdue"));
	assert_int_equal(config_channel(conf, "console")->rate_per_minute, 0);

	/* A lead given by alias is stored by name; tasks get the calendar. */
	assert_true(conf->ntasks >= 3);
	assert_string_equal(conf->tasks[0].id, "2024-gk-03");
	assert_string_equal(conf->tasks[0].lead, "政策法规处");
	assert_string_equal(conf->tasks[0].calendar, "cn");
	assert_int_equal(conf->tasks[0].due, day_from_ymd(2024, 12, 31));
	assert_int_equal(conf->tasks[conf->ntasks - 1].due, -1);
	assert_non_null(conf->tasks[conf->ntasks - 1].repeat);
	config_free(conf);
}

static void
test_dangling_lead(void **state)
{
	(void)state;
	load_bad1(FIXTURES "dangling-lead.conf", 7,
	    "lead: office \"不存在的处\" is not defined");
}

static void
test_unknown_channel(void **state)
{
	(void)state;
	load_bad1(FIXTURES "unknown-channel.conf", 8,
	    "channels: channel \"zonghe-wecom\" is not defined");
}

static void
test_bad_duration(void **state)
{
	(void)state;
	load_bad1(FIXTURES "bad-duration.conf", 6,
	    "limit: expected a duration such as \"3 workdays\", \"2 days\" "
	    "or \"4h\", got \"3 weeks\"");
}

static void
test_bad_date(void **state)
{
	(void)state;
	load_bad1(FIXTURES "bad-date.conf", 9,
	    "due: date \"2024-02-30\" does not exist");
}

static void
test_unknown_option(void **state)
{
	(void)state;
	load_bad1(FIXTURES "unknown-option.conf", 6, "'colour'");
}

static void
test_syntax_error(void **state)
{
	(void)state;
	load_bad1(FIXTURES "syntax-error.conf", 6,
	    "unexpected token '监测中心'");
}

static void
test_missing_password(void **state)
{
	(void)state;
	load_bad1(FIXTURES "missing-password.conf", 9, "password_file \""
	    TEST_SRCDIR "/tests/unit/config/no-such-smtp.pass\": No such "
	    "file or directory");
}

static void
test_duplicate_office(void **state)
{
	(void)state;
	load_bad1(FIXTURES "duplicate-office.conf", 8, "综合处");
}

static void
test_include_error(void **state)
{
	struct errors errs;
	const char *want = FIXTURES "include/bad-task.conf:6: due: date "
	    "\"2024-13-01\" has no month 13";

	(void)state;
	errors_init(&errs);
	assert_null(config_load(FIXTURES "include-error.conf", &errs));
	assert_int_equal(errs.n, 1);
	assert_string_equal(errs.msg[0], want);
	errors_free(&errs);
}

static void
test_group_cycle(void **state)
{
	(void)state;
	load_bad1(FIXTURES "group-cycle.conf", 11,
	    "members: group cycle A -> B -> A");
}

static void
test_several_errors(void **state)
{
	static const int lines[] = { 4, 6, 7, 8, 9, 9, 10 };
	static const char *const want[] = {
		"office_hours: office hours \"17:30-09:00\"",
		"url: expected a URL with scheme http or https",
		"supervisor: office \"局办公室\" is not defined",
		"before must be positive, got \"0 workdays\"",
		"limit \"5 workhours\" needs office_hours on calendar \"cn\"",
		"policy: policy \"fast\" is not defined",
		"calendar: calendar \"tw\" is not defined",
	};

	(void)state;
	load_bad(FIXTURES "several-errors.conf", 7, lines, want);
}

static void
test_missing_file(void **state)
{
	struct errors errs;

	(void)state;
	errors_init(&errs);
	assert_null(config_load(FIXTURES "no-such.conf", &errs));
	assert_int_equal(errs.n, 1);
	assert_string_equal(errs.msg[0], FIXTURES "no-such.conf: cannot "
	    "read: No such file or directory");
	errors_free(&errs);
}

/* Comments anywhere (libconfuse 3.3 miscounts lines after them). */
static void
test_comments_and_lines(void **state)
{
	struct scratch s;
	const char *path;
	struct config *conf;

	(void)state;
	scratch_open(&s);
	path = scratch_write(&s, "a.conf",
	    "# one\n"
	    "// two\n"
	    "/* three\n"
	    "   four */\n"
	    "calendar \"cn\" {\n"
	    "\tholidays = {\n"
	    "\t\t\"2024-10-01..2024-10-07\",	# national day\n"
	    "\t\t# more to come\n"
	    "\t}\n"
	    "}\n"
	    "channel \"hook\" { type = \"webhook\"  "
	    "url = \"https://oa.example.gov.cn/a#b//c\" }\n"
	    "office \"综合处\" { channels = {\"hook\"} }\n"
	    "task \"t\" {\n"
	    "\ttitle = \"x # not a comment\"\n"
	    "\tlead = \"综合处\"\n"
	    "\tdue = \"2024-12-31\"\n"
	    "}\n");
	conf = load_ok(path);
	assert_int_equal(conf->calendars[0].origin.line, 5);
	assert_string_equal(conf->channels[0].url,
	    "https://oa.example.gov.cn/a#b//c");
	assert_int_equal(conf->offices[0].origin.line, 12);
	assert_int_equal(conf->tasks[0].origin.line, 13);
	assert_string_equal(conf->tasks[0].title, "x # not a comment");
	config_free(conf);

	/* The same text with an error after the comments: the right line. */
	path = scratch_write(&s, "b.conf",
	    "# one\n"
	    "# two\n"
	    "calendar \"cn\" { holidays = {\"2024-10-01\"} }\n"
	    "# three\n"
	    "office \"x\" { email = {\"nobody\"} }\n");
	load_bad1(path, 5, "email: expected an e-mail address");
	scratch_close(&s);
}

/* include(): relative to the including file, globs sorted, in place. */
static void
test_include(void **state)
{
	struct scratch s;
	const char *path;
	struct config *conf;
	char *want;

	(void)state;
	scratch_open(&s);
	scratch_write(&s, "sub/2-b.conf",
	    "calendar \"b\" { holidays = {\"2024-01-01\"} }\n"
	    "office \"二处\" {}\n");
	scratch_write(&s, "sub/1-a.conf",
	    "calendar \"a\" { holidays = {\"2024-01-01\"} }\n"
	    "channel \"hook\" { type = \"dingtalk\"\n"
	    "\turl = \"https://oapi.dingtalk.com/robot/send\"\n"
	    "\tsecret_file = \"hook.secret\" }\n");
	scratch_write(&s, "sub/hook.secret", "SEC\n");
	scratch_write(&s, "sub/README", "not included\n");
	path = scratch_write(&s, "main.conf",
	    "database = \"data/duban.db\"\n"
	    "office \"一处\" {}\n"
	    "include(\"sub/*.conf\")\n"
	    "include(\"nothing/*.conf\")\n"
	    "calendar \"c\" { holidays = {\"2024-01-01\"} }\n");
	conf = load_ok(path);
	assert_int_equal(conf->ncalendars, 3);
	assert_string_equal(conf->calendars[0].name, "a");
	assert_string_equal(conf->calendars[1].name, "b");
	assert_string_equal(conf->calendars[2].name, "c");
	assert_int_equal(conf->noffices, 2);
	assert_string_equal(conf->offices[0].name, "一处");
	assert_string_equal(conf->offices[1].name, "二处");
	assert_true(asprintf(&want, "%s/data/duban.db", s.dir) != -1);
	assert_string_equal(conf->database, want);
	free(want);
	assert_true(asprintf(&want, "%s/sub/hook.secret", s.dir) != -1);
	assert_string_equal(conf->channels[0].secret_file, want);
	free(want);
	config_free(conf);

	/* A plain file that is missing is an error at the include. */
	path = scratch_write(&s, "missing.conf",
	    "calendar \"c\" { holidays = {\"2024-01-01\"} }\n"
	    "\n"
	    "include(\"sub/none.conf\")\n");
	load_bad1(path, 3, "include(\"sub/none.conf\")");

	/* A file including itself. */
	path = scratch_write(&s, "loop.conf",
	    "calendar \"c\" { holidays = {\"2024-01-01\"} }\n"
	    "include(\"loop.conf\")\n");
	load_bad1(path, 2, "includes itself");
	scratch_close(&s);
}

/* Checks across files and of the top-level settings. */
static void
test_across_files(void **state)
{
	struct scratch s;
	const char *path;
	struct errors errs;
	char *want;

	(void)state;
	scratch_open(&s);
	scratch_write(&s, "more.conf",
	    "log_level = \"debug\"\n"
	    "\n"
	    "office \"综合处\" {}\n");
	path = scratch_write(&s, "main.conf",
	    "log_level = \"info\"\n"
	    "calendar \"c\" { holidays = {\"2024-01-01\"} }\n"
	    "office \"综合处\" {}\n"
	    "include(\"more.conf\")\n");
	errors_init(&errs);
	assert_null(config_load(path, &errs));
	assert_int_equal(errs.n, 2);
	assert_true(asprintf(&want, "%s/more.conf:1: log_level is already "
	    "set at %s:1", s.dir, path) != -1);
	assert_string_equal(errs.msg[0], want);
	free(want);
	assert_true(asprintf(&want, "%s/more.conf:3: office \"综合处\" is "
	    "already defined at %s:3", s.dir, path) != -1);
	assert_string_equal(errs.msg[1], want);
	free(want);
	errors_free(&errs);
	scratch_close(&s);
}

static void
test_settings(void **state)
{
	struct scratch s;
	const char *path;
	struct config *conf;
	static const int lines[] = { 1, 2, 3, 4, 5, 6, 7 };
	static const char *const want[] = {
		"timezone: unknown time zone \"Mars/Olympus\"",
		"listen: expected \"HOST:PORT\"",
		"token_file \"",
		"ack_base_url: expected a URL with scheme http or https",
		"log_level: expected error, warning, notice, info or debug",
		"deadline_time: expected a time of day",
		"socket_group: no group \"no-such-group-duban\"",
	};

	(void)state;
	scratch_open(&s);
	scratch_write(&s, "tokens", "secret-token\n");
	path = scratch_write(&s, "good.conf",
	    "timezone = \"Europe/Paris\"\n"
	    "listen = \"[::1]:8730\"\n"
	    "token_file = \"tokens\"\n"
	    "socket = \"/tmp/duban.sock\"\n"
	    "socket_group = \"root\"\n"
	    "deadline_time = \"17:30\"\n"
	    "calendar \"c\" { holidays = {\"2024-01-01\"}  strict = true }\n");
	conf = load_ok(path);
	assert_string_equal(conf->timezone, "Europe/Paris");
	assert_string_equal(conf->listen, "[::1]:8730");
	assert_non_null(strstr(conf->token_file, "/tokens"));
	assert_int_equal(conf->token_file[0], '/');
	assert_string_equal(conf->socket, "/tmp/duban.sock");
	assert_string_equal(conf->socket_group, "root");
	assert_int_equal(conf->deadline_secs, 17 * 3600 + 30 * 60);
	assert_true(calendar_strict(conf->calendars[0].cal));
	config_free(conf);

	path = scratch_write(&s, "bad.conf",
	    "timezone = \"Mars/Olympus\"\n"
	    "listen = \"8730\"\n"
	    "token_file = \"no-tokens\"\n"
	    "ack_base_url = \"ftp://x.example/\"\n"
	    "log_level = \"verbose\"\n"
	    "deadline_time = \"24:00\"\n"
	    "socket_group = \"no-such-group-duban\"\n"
	    "calendar \"c\" { holidays = {\"2024-01-01\"} }\n");
	load_bad(path, 7, lines, want);

	path = scratch_write(&s, "notoken.conf",
	    "calendar \"c\" { holidays = {\"2024-01-01\"} }\n"
	    "listen = \"127.0.0.1:8730\"\n");
	load_bad1(path, 2, "listen needs token_file");

	path = scratch_write(&s, "nocal.conf", "office \"x\" {}\n");
	load_bad1(path, 0, "no calendar is defined");
	scratch_close(&s);
}

static void
test_channels(void **state)
{
	struct scratch s;
	const char *path;
	struct config *conf;
	static const int lines[] = { 3, 4, 5, 6, 7, 8, 9, 10, 11 };
	static const char *const want[] = {
		"needs a type",
		"type: expected webhook, wecom, dingtalk, feishu, smtp or "
		    "stdout",
		"a stdout channel takes no url",
		"a wecom channel takes no secret_file",
		"a webhook channel needs a url",
		"url: expected a URL with scheme smtp or smtps",
		"from: expected an e-mail address",
		"username needs password_file",
		"a feishu channel takes no from",
	};

	(void)state;
	scratch_open(&s);
	scratch_write(&s, "smtp.pass", "pw\n");
	path = scratch_write(&s, "good.conf",
	    "calendar \"c\" { holidays = {\"2024-01-01\"} }\n"
	    "channel \"mail\" { type = \"smtp\"  url = \"smtp://mail.example"
	    ".gov.cn:587\"  from = \"duban@example.gov.cn\"  username = \"u\""
	    "  password_file = \"smtp.pass\"  starttls = false }\n"
	    "channel \"out\" { type = \"stdout\"  file = \"messages.log\" }\n"
	    "channel \"fs\" { type = \"feishu\"  url = \"https://open.feishu"
	    ".cn/open-apis/bot/v2/hook/x\" }\n");
	conf = load_ok(path);
	assert_int_equal(conf->nchannels, 3);
	assert_int_equal(conf->channels[0].type, CHANNEL_SMTP);
	assert_false(conf->channels[0].starttls);
	assert_string_equal(conf->channels[0].from, "duban@example.gov.cn");
	assert_int_equal(conf->channels[1].type, CHANNEL_STDOUT);
	assert_null(conf->channels[1].url);
	assert_non_null(strstr(conf->channels[1].file, "/messages.log"));
	assert_int_equal(conf->channels[2].type, CHANNEL_FEISHU);
	assert_true(conf->channels[2].starttls);
	config_free(conf);

	path = scratch_write(&s, "bad.conf",
	    "calendar \"c\" { holidays = {\"2024-01-01\"} }\n"
	    "\n"
	    "channel \"a\" { url = \"https://x.example/\" }\n"
	    "channel \"b\" { type = \"telegram\" }\n"
	    "channel \"c\" { type = \"stdout\"  "
	    "url = \"https://x.example/\" }\n"
	    "channel \"d\" { type = \"wecom\"  url = \"https://x.example/\"  "
	    "secret_file = \"smtp.pass\" }\n"
	    "channel \"e\" { type = \"webhook\" }\n"
	    "channel \"f\" { type = \"smtp\"  url = \"https://x.example/\"  "
	    "from = \"duban@example.gov.cn\" }\n"
	    "channel \"g\" { type = \"smtp\"  url = \"smtps://x.example/\"  "
	    "from = \"duban\" }\n"
	    "channel \"h\" { type = \"smtp\"  url = \"smtps://x.example/\"  "
	    "from = \"d@x.example\"  username = \"u\" }\n"
	    "channel \"i\" { type = \"feishu\"  url = \"https://x.example/\"  "
	    "from = \"d@x.example\" }\n");
	load_bad(path, 9, lines, want);
	scratch_close(&s);
}

static void
test_rules_and_tasks(void **state)
{
	struct scratch s;
	const char *path;
	struct config *conf;
	const struct rule_conf *r;
	static const int lines[] = { 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14 };
	static const char *const want[] = {
		"either a limit or milestones",
		"needs a limit or at least one milestone",
		"max_extensions needs an extension",
		"roll: expected \"none\" or \"next-workday\"",
		"extension must be positive, got \"-1 workday\"",
		"max_extensions must be from 1 to 100, got 0",
		"milestone \"m\" needs a limit",
		"task \"t1\" needs a title",
		"task \"t2\" needs a lead office",
		"task \"t3\" needs a due date",
		"assist: \"无此处\" is neither an office nor a group",
	};

	(void)state;
	scratch_open(&s);
	path = scratch_write(&s, "good.conf",
	    "calendar \"c\" { holidays = {\"2024-01-01\"} }\n"
	    "calendar \"d\" { holidays = {\"2024-01-01\"} }\n"
	    "rule \"r\" { limit = \"30 days\"  extension = \"10 workdays\"  "
	    "max_extensions = 3  roll = \"next-workday\"  calendar = \"d\" }\n"
	    "rule \"h\" { limit = \"48h\" }\n"
	    "office \"综合处\" { aliases = {\"局综合处\"} }\n"
	    "group \"g\" { members = {\"局综合处\"} }\n"
	    "task \"t\" { title = \"x\"  lead = \"局综合处\"  assist = {\"g\"}  "
	    "repeat = \"yearly\"  target = \"12家\" }\n");
	conf = load_ok(path);
	r = config_rule(conf, "r");
	assert_string_equal(r->rule.title, "r");
	assert_int_equal(r->rule.milestones[0].limit.unit, DUR_DAYS);
	assert_int_equal(r->rule.extension.unit, DUR_WORKDAYS);
	assert_int_equal(r->rule.max_extensions, 3);
	assert_true(r->rule.roll);
	assert_ptr_equal(r->rule.cal, conf->calendars[1].cal);
	assert_int_equal(r->rule.deadline_secs, 23 * 3600 + 59 * 60 + 59);
	assert_null(r->milestone_title[0]);
	r = config_rule(conf, "h");
	assert_int_equal(r->rule.milestones[0].limit.unit, DUR_HOURS);
	assert_int_equal(r->rule.milestones[0].limit.n, 48);
	assert_false(r->rule.roll);
	assert_string_equal(r->calendar, "c");
	assert_string_equal(conf->groups[0].members[0], "综合处");
	assert_string_equal(conf->tasks[0].lead, "综合处");
	assert_int_equal(conf->tasks[0].due, -1);
	assert_string_equal(conf->tasks[0].repeat, "yearly");
	assert_string_equal(conf->tasks[0].target, "12家");
	config_free(conf);

	path = scratch_write(&s, "bad.conf",
	    "calendar \"c\" { holidays = {\"2024-01-01\"} }\n"
	    "office \"o\" {}\n"
	    "rule \"a\" { limit = \"1 day\"  "
	    "milestone \"m\" { limit = \"1 day\" } }\n"
	    "rule \"b\" { title = \"b\" }\n"
	    "rule \"c\" { limit = \"1 day\"  max_extensions = 2 }\n"
	    "rule \"d\" { limit = \"1 day\"  roll = \"yes\" }\n"
	    "rule \"e\" { limit = \"1 day\"  extension = \"-1 workday\" }\n"
	    "rule \"f\" { limit = \"1 day\"  extension = \"1 day\"  "
	    "max_extensions = 0 }\n"
	    "rule \"g\" { milestone \"m\" { title = \"no limit\" } }\n"
	    "\n"
	    "task \"t1\" { lead = \"o\"  due = \"2024-12-31\" }\n"
	    "task \"t2\" { title = \"x\"  due = \"2024-12-31\" }\n"
	    "task \"t3\" { title = \"x\"  lead = \"o\" }\n"
	    "task \"t4\" { title = \"x\"  lead = \"o\"  due = \"2024-12-31\"  "
	    "assist = {\"无此处\"} }\n");
	load_bad(path, 11, lines, want);
	scratch_close(&s);
}

/* "N workhours" limits, only on a calendar with office hours; limits
 * counted backwards. */
static void
test_workhours_rules(void **state)
{
	struct scratch s;
	const char *path;
	struct config *conf;
	const struct rule_conf *r;
	static const int lines[] = { 3, 5, 6 };
	static const char *const want[] = {
		"rule \"plain\": limit \"4 workhours\" needs office_hours on "
		    "calendar \"c\"",
		"rule \"ms\": limit \"2 workhours\" needs office_hours on "
		    "calendar \"c\"",
		"limit must not be zero, got \"0 workhours\"",
	};

	(void)state;
	scratch_open(&s);
	path = scratch_write(&s, "good.conf",
	    "calendar \"c\" { holidays = {\"2024-01-01\"} }\n"
	    "calendar \"h\" { holidays = {\"2024-01-01\"}  "
	    "office_hours = \"09:00-12:00,13:30-17:30\" }\n"
	    "rule \"r\" { limit = \"4 workhours\"  calendar = \"h\" }\n"
	    "rule \"m\" { calendar = \"h\"  milestone \"contact\" { limit = "
	    "\"2 workhours\" }  milestone \"fix\" { limit = \"5 workdays\" } }"
	    "\n"
	    "rule \"kb\" { limit = \"-1 workdays\" }\n");
	conf = load_ok(path);
	r = config_rule(conf, "r");
	assert_int_equal(r->rule.milestones[0].limit.unit, DUR_WORKHOURS);
	assert_int_equal(r->rule.milestones[0].limit.n, 4);
	assert_ptr_equal(r->rule.cal, conf->calendars[1].cal);
	assert_true(calendar_has_office_hours(r->rule.cal));
	assert_false(calendar_has_office_hours(conf->calendars[0].cal));
	r = config_rule(conf, "m");
	assert_int_equal(r->rule.milestones[0].limit.unit, DUR_WORKHOURS);
	assert_int_equal(r->rule.milestones[1].limit.unit, DUR_WORKDAYS);
	r = config_rule(conf, "kb");
	assert_int_equal(r->rule.milestones[0].limit.n, -1);
	assert_int_equal(r->rule.milestones[0].limit.unit, DUR_WORKDAYS);
	config_free(conf);

	path = scratch_write(&s, "bad.conf",
	    "calendar \"c\" { holidays = {\"2024-01-01\"} }\n"
	    "\n"
	    "rule \"plain\" { limit = \"4 workhours\" }\n"
	    "rule \"ok\" { limit = \"4 workdays\" }\n"
	    "rule \"ms\" { milestone \"contact\" { limit = \"2 workhours\" } }\n"
	    "rule \"zero\" { limit = \"0 workhours\" }\n");
	load_bad(path, 3, lines, want);
	scratch_close(&s);
}

static void
test_office_names(void **state)
{
	struct scratch s;
	const char *path;
	static const int lines[] = { 3, 4, 5, 6, 7, 8 };
	static const char *const want[] = {
		"email: expected an e-mail address",
		"alias \"甲\" is already the name or an alias of office \"甲\"",
		"alias \"丙\" is the name of a group",
		"supervisor: office \"无\" is not defined",
		"office \"丁\" cannot supervise itself",
		"group \"甲\" has the name of an office",
	};

	(void)state;
	scratch_open(&s);
	path = scratch_write(&s, "bad.conf",
	    "calendar \"c\" { holidays = {\"2024-01-01\"} }\n"
	    "office \"甲\" {}\n"
	    "office \"乙\" { email = {\"a@b.cn\", \"bad\"} }\n"
	    "office \"戊\" { aliases = {\"甲\"} }\n"
	    "office \"己\" { aliases = {\"丙\"} }\n"
	    "office \"庚\" { supervisor = \"无\" }\n"
	    "office \"丁\" { supervisor = \"丁\" }\n"
	    "group \"丙\" { members = {\"甲\"} }  "
	    "group \"甲\" { members = {\"乙\"} }\n");
	load_bad(path, 6, lines, want);
	scratch_close(&s);
}

/* admin_office: an office or an alias of one (stored as the name). */
static void
test_admin_office(void **state)
{
	struct scratch s;
	struct config *conf;
	const char *path, *main_path;
	static const char base[] =
	    "calendar \"c\" { holidays = {\"2024-01-01\"} }\n"
	    "office \"办公室\" { aliases = {\"局办公室\"} }\n"
	    "group \"各处\" { members = {\"办公室\"} }\n";
	char text[512];

	(void)state;
	scratch_open(&s);
	path = scratch_write(&s, "none.conf", base);
	conf = load_ok(path);
	assert_null(conf->admin_office);
	config_free(conf);

	snprintf(text, sizeof text, "%sadmin_office = \"局办公室\"\n", base);
	path = scratch_write(&s, "alias.conf", text);
	conf = load_ok(path);
	assert_string_equal(conf->admin_office, "办公室");
	config_free(conf);

	snprintf(text, sizeof text, "%s\nadmin_office = \"无此处\"\n", base);
	path = scratch_write(&s, "unknown.conf", text);
	load_bad1(path, 5, "admin_office: office \"无此处\" is not defined");

	snprintf(text, sizeof text, "%sadmin_office = \"各处\"\n", base);
	path = scratch_write(&s, "group.conf", text);
	load_bad1(path, 4, "admin_office: office \"各处\" is not defined");

	/* Set in an included file: the error names that file and line. */
	path = scratch_write(&s, "inc/admin.conf", "\nadmin_office = \"无\"\n");
	snprintf(text, sizeof text, "%sinclude(\"inc/admin.conf\")\n", base);
	main_path = scratch_write(&s, "main.conf", text);
	load_bad_in(main_path, path, 2,
	    "admin_office: office \"无\" is not defined");
	scratch_close(&s);
}

static void
test_calendar_values(void **state)
{
	struct scratch s;
	const char *path;
	struct config *conf;
	bool workday;
	static const int lines[] = { 3, 5, 6, 8 };
	static const char *const want[] = {
		"holidays: expected a date",
		"workdays: ",
		"include_ics: ",
		"office_hours: office hours \"09:00-12:00,11:00-13:00\": "
		    "09:00-12:00 overlaps 11:00-13:00",
	};

	(void)state;
	scratch_open(&s);
	path = scratch_write(&s, "good.conf",
	    "calendar \"c\" {\n"
	    "\tholidays = {\"2024-10-01..2024-10-07\"}\n"
	    "\tworkdays = {\"2024-09-29\", \"2024-10-12\"}\n"
	    "\toffice_hours = \"13:30-17:30,09:00-12:00\"\n"
	    "}\n");
	conf = load_ok(path);
	assert_int_equal(calendar_is_workday(conf->calendars[0].cal,
	    day_from_ymd(2024, 10, 3), &workday), CAL_OK);
	assert_false(workday);
	assert_int_equal(calendar_is_workday(conf->calendars[0].cal,
	    day_from_ymd(2024, 9, 29), &workday), CAL_OK);
	assert_true(workday);
	assert_int_equal(conf->calendars[0].hours.n, 2);
	assert_int_equal(conf->calendars[0].hours.range[0].from, 9 * 3600);
	config_free(conf);

	path = scratch_write(&s, "bad.conf",
	    "calendar \"c\" {\n"
	    "\tholidays = {\"2024-10-01..2024-10-07\",\n"
	    "\t    \"2024-1-1\"}\n"
	    "\tworkdays = {\"2024-09-29\",\n"
	    "\t    \"2024-10-03\"}\n"
	    "\tinclude_ics = {\"no-such.ics\"}\n"
	    "\n"
	    "\toffice_hours = \"09:00-12:00,11:00-13:00\"\n"
	    "}\n");
	load_bad(path, 4, lines, want);
	scratch_close(&s);
}

/* The settings of the reminder engine. */
static void
test_reminder_settings(void **state)
{
	struct scratch s;
	const char *path, *more;
	struct config *conf;
	char *msg;
	static const int lines[] = { 2, 3, 4, 5, 6, 7 };
	static const char *const want[] = {
		"language: expected \"zh\" or \"en\", got \"fr\"",
		"group_wait must be from 0 to 86400, got -1",
		"digest_min must be from 2 to 1000, got 1",
		"max_inflight must be from 1 to 1024, got 1025",
		"retry_base must be from 1 to 86400, got 0",
		"retry_max_age: expected hours or days such as \"24h\" or "
		    "\"2 days\", got \"3 workdays\"",
	};
	static const int lines2[] = { 3, 4 };
	static const char *const want2[] = {
		"max_inflight must be from 1 to 1024, got 0",
		"retry_max_age must be positive, got \"0h\"",
	};

	(void)state;
	scratch_open(&s);

	/* Absent: the defaults. */
	path = scratch_write(&s, "none.conf",
	    "calendar \"c\" { holidays = {\"2024-01-01\"} }\n");
	conf = load_ok(path);
	assert_string_equal(conf->language, "zh");
	assert_int_equal(conf->group_wait, 0);
	assert_int_equal(conf->digest_min, 3);
	assert_int_equal(conf->max_inflight, 16);
	assert_int_equal(conf->retry_base, 30);
	assert_int_equal(conf->retry_max_age, 24 * 3600);
	assert_int_equal(conf->ntemplates, 0);
	config_free(conf);

	/* Present, at the limits of their ranges. */
	path = scratch_write(&s, "good.conf",
	    "calendar \"c\" { holidays = {\"2024-01-01\"} }\n"
	    "language = \"en\"\n"
	    "group_wait = 86400\n"
	    "digest_min = 2\n"
	    "max_inflight = 1024\n"
	    "retry_base = 1\n"
	    "retry_max_age = \"2 days\"\n");
	conf = load_ok(path);
	assert_string_equal(conf->language, "en");
	assert_int_equal(conf->group_wait, 86400);
	assert_int_equal(conf->digest_min, 2);
	assert_int_equal(conf->max_inflight, 1024);
	assert_int_equal(conf->retry_base, 1);
	assert_int_equal(conf->retry_max_age, 2 * 86400);
	config_free(conf);

	path = scratch_write(&s, "good2.conf",
	    "calendar \"c\" { holidays = {\"2024-01-01\"} }\n"
	    "group_wait = 0  digest_min = 1000  max_inflight = 1\n"
	    "retry_base = 3600  retry_max_age = \"1h\"\n");
	conf = load_ok(path);
	assert_int_equal(conf->digest_min, 1000);
	assert_int_equal(conf->max_inflight, 1);
	assert_int_equal(conf->retry_base, 3600);
	assert_int_equal(conf->retry_max_age, 3600);
	config_free(conf);

	path = scratch_write(&s, "good3.conf",
	    "calendar \"c\" { holidays = {\"2024-01-01\"} }\n"
	    "retry_max_age = \"365 days\"\n");
	conf = load_ok(path);
	assert_int_equal(conf->retry_max_age, 365 * 86400);
	config_free(conf);

	path = scratch_write(&s, "bad.conf",
	    "calendar \"c\" { holidays = {\"2024-01-01\"} }\n"
	    "language = \"fr\"\n"
	    "group_wait = -1\n"
	    "digest_min = 1\n"
	    "max_inflight = 1025\n"
	    "retry_base = 0\n"
	    "retry_max_age = \"3 workdays\"\n");
	load_bad(path, 6, lines, want);

	path = scratch_write(&s, "bad2.conf",
	    "calendar \"c\" { holidays = {\"2024-01-01\"} }\n"
	    "\n"
	    "max_inflight = 0\n"
	    "retry_max_age = \"0h\"\n");
	load_bad(path, 2, lines2, want2);

	path = scratch_write(&s, "bad3.conf",
	    "calendar \"c\" { holidays = {\"2024-01-01\"} }\n"
	    "retry_max_age = \"366 days\"\n");
	load_bad1(path, 2, "retry_max_age must be at most 365 days, got "
	    "\"366 days\"");

	path = scratch_write(&s, "bad4.conf",
	    "calendar \"c\" { holidays = {\"2024-01-01\"} }\n"
	    "retry_max_age = \"4 workhours\"\n");
	load_bad1(path, 2, "retry_max_age: expected hours or days");

	path = scratch_write(&s, "bad5.conf",
	    "calendar \"c\" { holidays = {\"2024-01-01\"} }\n"
	    "retry_max_age = \"1h\"\n"
	    "\n"
	    "retry_base = 3601\n");
	load_bad1(path, 4, "retry_base (3601 s) is longer than retry_max_age "
	    "(3600 s)");

	/* Not an integer: libconfuse says so, at the line. */
	path = scratch_write(&s, "bad6.conf",
	    "calendar \"c\" { holidays = {\"2024-01-01\"} }\n"
	    "\n"
	    "max_inflight = \"many\"\n");
	load_bad1(path, 3, "invalid integer value for option 'max_inflight'");

	/* Like every top-level setting, in one file only. */
	more = scratch_write(&s, "more.conf", "\ndigest_min = 4\n");
	path = scratch_write(&s, "twice.conf",
	    "calendar \"c\" { holidays = {\"2024-01-01\"} }\n"
	    "digest_min = 5\n"
	    "include(\"more.conf\")\n");
	assert_true(asprintf(&msg, "digest_min is already set at %s:2",
	    path) != -1);
	load_bad_in(path, more, 2, msg);
	free(msg);
	scratch_close(&s);
}

static void
test_channel_limits(void **state)
{
	struct scratch s;
	const char *path;
	struct config *conf;
	const struct channel_conf *ch;
	static const int lines[] = { 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14,
	    17 };
	static const char *const want[] = {
		"rate_per_minute must be from 0 to 60000, got -1",
		"rate_per_minute must be from 0 to 60000, got 60001",
		"connect_timeout must be from 1 to 600, got 0",
		"timeout must be from 1 to 3600, got 3601",
		"connect_timeout (40 s) is longer than timeout (30 s)",
		"a stdout channel takes no timeout",
		"a stdout channel takes no connect_timeout",
		"a wecom channel takes no format",
		"a smtp channel takes no format",
		"format: expected \"post\" or \"text\", got \"card\"",
		"connect_timeout (20 s) is longer than timeout (15 s)",
		"timeout must be from 1 to 3600, got 0",
	};

	(void)state;
	scratch_open(&s);
	path = scratch_write(&s, "good.conf",
	    "calendar \"c\" { holidays = {\"2024-01-01\"} }\n"
	    "channel \"wc\" { type = \"wecom\"  url = \"https://x.example/\" }\n"
	    "channel \"dt\" { type = \"dingtalk\"  "
	    "url = \"https://x.example/\" }\n"
	    "channel \"fs\" { type = \"feishu\"  url = \"https://x.example/\" }\n"
	    "channel \"ft\" { type = \"feishu\"  url = \"https://x.example/\"  "
	    "format = \"text\"  rate_per_minute = 0 }\n"
	    "channel \"fp\" { type = \"feishu\"  url = \"https://x.example/\"  "
	    "format = \"post\" }\n"
	    "channel \"wh\" { type = \"webhook\"  url = \"https://x.example/\"  "
	    "connect_timeout = 600  timeout = 3600 }\n"
	    "channel \"ml\" { type = \"smtp\"  url = \"smtps://x.example/\"  "
	    "from = \"d@x.example\"  rate_per_minute = 60000  "
	    "connect_timeout = 5  timeout = 5 }\n"
	    "channel \"so\" { type = \"stdout\"  rate_per_minute = 6 }\n");
	conf = load_ok(path);
	ch = config_channel(conf, "wc");
	assert_int_equal(ch->rate_per_minute, 20);
	assert_int_equal(ch->connect_timeout, 10);
	assert_int_equal(ch->timeout, 30);
	assert_false(ch->feishu_post);
	assert_int_equal(config_channel(conf, "dt")->rate_per_minute, 20);
	ch = config_channel(conf, "fs");
	assert_int_equal(ch->rate_per_minute, 100);
	assert_true(ch->feishu_post);
	ch = config_channel(conf, "ft");
	assert_int_equal(ch->rate_per_minute, 0);
	assert_false(ch->feishu_post);
	assert_true(config_channel(conf, "fp")->feishu_post);
	ch = config_channel(conf, "wh");
	assert_int_equal(ch->rate_per_minute, 0);
	assert_int_equal(ch->connect_timeout, 600);
	assert_int_equal(ch->timeout, 3600);
	ch = config_channel(conf, "ml");
	assert_int_equal(ch->rate_per_minute, 60000);
	assert_int_equal(ch->connect_timeout, 5);
	assert_int_equal(ch->timeout, 5);
	assert_int_equal(config_channel(conf, "so")->rate_per_minute, 6);
	config_free(conf);

	path = scratch_write(&s, "bad.conf",
	    "calendar \"c\" { holidays = {\"2024-01-01\"} }\n"
	    "\n"
	    "channel \"a\" { type = \"wecom\"  url = \"https://x.example/\"  "
	    "rate_per_minute = -1 }\n"
	    "channel \"b\" { type = \"webhook\"  url = \"https://x.example/\"  "
	    "rate_per_minute = 60001 }\n"
	    "channel \"c\" { type = \"webhook\"  url = \"https://x.example/\"  "
	    "connect_timeout = 0 }\n"
	    "channel \"d\" { type = \"webhook\"  url = \"https://x.example/\"  "
	    "timeout = 3601 }\n"
	    "channel \"e\" { type = \"webhook\"  url = \"https://x.example/\"  "
	    "connect_timeout = 40 }\n"
	    "channel \"f\" { type = \"stdout\"  timeout = 5 }\n"
	    "channel \"g\" { type = \"stdout\"  connect_timeout = 5 }\n"
	    "channel \"h\" { type = \"wecom\"  url = \"https://x.example/\"  "
	    "format = \"text\" }\n"
	    "channel \"i\" { type = \"smtp\"  url = \"smtps://x.example/\"  "
	    "from = \"d@x.example\"  format = \"post\" }\n"
	    "channel \"j\" { type = \"feishu\"  url = \"https://x.example/\"  "
	    "format = \"card\" }\n"
	    "channel \"k\" { type = \"dingtalk\"  url = \"https://x.example/\"\n"
	    "\tconnect_timeout = 20\n"
	    "\ttimeout = 15\n"
	    "}\n"
	    "channel \"l\" { type = \"dingtalk\"  url = \"https://x.example/\"  "
	    "timeout = 0 }\n");
	load_bad(path, 12, lines, want);
	scratch_close(&s);
}

/* Writes len bytes (the text may hold NULs) to a scratch file. */
static const char *
scratch_write_bytes(struct scratch *s, const char *name, const char *bytes,
    size_t len)
{
	const char *path = scratch_write(s, name, "");
	FILE *f;

	assert_non_null(f = fopen(path, "w"));
	assert_int_equal(fwrite(bytes, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return path;
}

static void
test_templates(void **state)
{
	struct scratch s;
	const char *path;
	struct config *conf;
	const struct template_conf *t;
	const char *more, *utf8_conf;
	char *want, *big;
	static const char overdue[] = "{{number}} {{title}} 已逾期\n第二行\n";
	static const int lines[] = { 2, 3, 4, 5, 6, 7, 8 };
	static const char *const bad_want[] = {
		"template \"summary\": expected a kind of message: before, "
		    "due, overdue, escalation, digest or failure",
		"template \"due\" needs a file",
		"no-such.tmpl\": No such file or directory",
		"t\" is not a regular file",
		"empty.tmpl\" is empty",
		"gbk.tmpl\" is not UTF-8 (line 2)",
		"nul.tmpl\" has a NUL byte at line 3",
	};
	static const struct {
		const char	*text;
		const char	*want;
	} not_utf8[] = {
		{ "\xed\xa0\x80\n", "x.tmpl\" is not UTF-8 (line 1)" },	/* surrogate */
		{ "x\ny\n\xc0\xaf\n", "x.tmpl\" is not UTF-8 (line 3)" },	/* overlong */
		{ "\xf0\x8f\xbf\xbf", "x.tmpl\" is not UTF-8 (line 1)" },	/* overlong */
		{ "\n\xf4\x90\x80\x80", "x.tmpl\" is not UTF-8 (line 2)" },	/* > U+10FFFF */
		{ "到期\xe5\x88", "x.tmpl\" is not UTF-8 (line 1)" },	/* cut short */
		{ "到期\xe5\x88\n", "x.tmpl\" is not UTF-8 (line 1)" },
		{ "\x80", "x.tmpl\" is not UTF-8 (line 1)" },
		{ "\xf8\x88\x80\x80\x80", "x.tmpl\" is not UTF-8 (line 1)" },
	};

	(void)state;
	scratch_open(&s);
	scratch_write(&s, "t/overdue.tmpl", overdue);
	scratch_write(&s, "t/due.tmpl", "\xef\xbb\xbf今日到期：{{title}}\n");
	more = scratch_write(&s, "t/more.conf",
	    "\n"
	    "template \"due\" { file = \"due.tmpl\" }\n");
	path = scratch_write(&s, "main.conf",
	    "calendar \"c\" { holidays = {\"2024-01-01\"} }\n"
	    "template \"overdue\" {\n"
	    "\tfile = \"t/overdue.tmpl\"\n"
	    "}\n"
	    "include(\"t/more.conf\")\n");
	conf = load_ok(path);
	assert_int_equal(conf->ntemplates, 2);
	t = config_template(conf, "overdue");
	assert_non_null(t);
	assert_ptr_equal(t, &conf->templates[0]);
	assert_string_equal(t->kind, "overdue");
	assert_string_equal(t->content, overdue);
	assert_true(asprintf(&want, "%s/t/overdue.tmpl", s.dir) != -1);
	assert_string_equal(t->file, want);
	free(want);
	assert_string_equal(t->origin.file, path);
	assert_int_equal(t->origin.line, 2);
	/* Relative to the including file; the byte order mark dropped. */
	t = config_template(conf, "due");
	assert_non_null(t);
	assert_string_equal(t->content, "今日到期：{{title}}\n");
	assert_true(asprintf(&want, "%s/t/due.tmpl", s.dir) != -1);
	assert_string_equal(t->file, want);
	free(want);
	assert_int_equal(t->origin.line, 2);
	assert_null(config_template(conf, "digest"));
	config_free(conf);

	/* Defined twice across files, or in one file (libconfuse). */
	path = scratch_write(&s, "twice.conf",
	    "calendar \"c\" { holidays = {\"2024-01-01\"} }\n"
	    "template \"due\" { file = \"t/overdue.tmpl\" }\n"
	    "include(\"t/more.conf\")\n");
	assert_true(asprintf(&want, "template \"due\" is already defined at "
	    "%s:2", path) != -1);
	load_bad_in(path, more, 2, want);
	free(want);
	path = scratch_write(&s, "twice2.conf",
	    "calendar \"c\" { holidays = {\"2024-01-01\"} }\n"
	    "template \"due\" { file = \"t/overdue.tmpl\" }\n"
	    "\n"
	    "template \"due\" { file = \"t/due.tmpl\" }\n");
	load_bad1(path, 4, "duplicate title 'due'");

	scratch_write(&s, "t/empty.tmpl", "");
	scratch_write(&s, "t/gbk.tmpl", "ok\n\xb6\xbd\xb0\xec\n");
	scratch_write_bytes(&s, "t/nul.tmpl", "a\nb\nc\0d\n", 8);
	path = scratch_write(&s, "bad.conf",
	    "calendar \"c\" { holidays = {\"2024-01-01\"} }\n"
	    "template \"summary\" { file = \"t/overdue.tmpl\" }\n"
	    "template \"due\" {}\n"
	    "template \"before\" { file = \"t/no-such.tmpl\" }\n"
	    "template \"overdue\" { file = \"t\" }\n"
	    "template \"escalation\" { file = \"t/empty.tmpl\" }\n"
	    "template \"digest\" { file = \"t/gbk.tmpl\" }\n"
	    "template \"failure\" { file = \"t/nul.tmpl\" }\n");
	load_bad(path, 7, lines, bad_want);

	/* One byte too many. */
	big = malloc(TEMPLATE_MAX + 2);
	assert_non_null(big);
	memset(big, 'x', TEMPLATE_MAX + 1);
	big[TEMPLATE_MAX + 1] = '\0';
	scratch_write(&s, "t/big.tmpl", big);
	path = scratch_write(&s, "big.conf",
	    "calendar \"c\" { holidays = {\"2024-01-01\"} }\n"
	    "template \"before\" { file = \"t/big.tmpl\" }\n");
	load_bad1(path, 2, "big.tmpl\" is larger than 65536 bytes");
	/* Exactly the limit is fine. */
	big[TEMPLATE_MAX] = '\0';
	scratch_write(&s, "t/max.tmpl", big);
	free(big);
	path = scratch_write(&s, "max.conf",
	    "calendar \"c\" { holidays = {\"2024-01-01\"} }\n"
	    "template \"before\" { file = \"t/max.tmpl\" }\n");
	conf = load_ok(path);
	assert_int_equal(strlen(config_template(conf, "before")->content),
	    TEMPLATE_MAX);
	config_free(conf);

	/* Not UTF-8: the line of the first bad byte. */
	scratch_write(&s, "t/x.tmpl", "");
	utf8_conf = scratch_write(&s, "utf8.conf",
	    "calendar \"c\" { holidays = {\"2024-01-01\"} }\n"
	    "template \"before\" { file = \"t/x.tmpl\" }\n");
	for (size_t i = 0; i < sizeof not_utf8 / sizeof not_utf8[0]; i++) {
		scratch_write(&s, "t/x.tmpl", not_utf8[i].text);
		load_bad1(utf8_conf, 2, not_utf8[i].want);
	}
	scratch_close(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_config),
		cmocka_unit_test(test_dangling_lead),
		cmocka_unit_test(test_unknown_channel),
		cmocka_unit_test(test_bad_duration),
		cmocka_unit_test(test_bad_date),
		cmocka_unit_test(test_unknown_option),
		cmocka_unit_test(test_syntax_error),
		cmocka_unit_test(test_missing_password),
		cmocka_unit_test(test_duplicate_office),
		cmocka_unit_test(test_include_error),
		cmocka_unit_test(test_group_cycle),
		cmocka_unit_test(test_several_errors),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_comments_and_lines),
		cmocka_unit_test(test_include),
		cmocka_unit_test(test_across_files),
		cmocka_unit_test(test_settings),
		cmocka_unit_test(test_channels),
		cmocka_unit_test(test_rules_and_tasks),
		cmocka_unit_test(test_workhours_rules),
		cmocka_unit_test(test_office_names),
		cmocka_unit_test(test_admin_office),
		cmocka_unit_test(test_calendar_values),
		cmocka_unit_test(test_reminder_settings),
		cmocka_unit_test(test_channel_limits),
		cmocka_unit_test(test_templates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
