/*
 * The configuration file: a libconfuse schema, then a validation pass that
 * turns the parsed sections into struct config (config.h).
 *
 * Decisions visible to users (documented in duban.conf(5)):
 *  - Every problem is reported as "FILE:LINE: message", sorted by file (in
 *    reading order) and line.  Problems that belong to no line (the main
 *    file cannot be read, no calendar at all) are "FILE: message".
 *  - include("PATH-OR-GLOB") is allowed at the top level only.  A relative
 *    path is relative to the directory of the including file.  A pattern
 *    with * ? or [ includes every matching regular file in sorted order and
 *    may match nothing; a plain path must exist.  Each included file is
 *    parsed on its own, so a syntax error in one file does not hide the
 *    problems of the others; sections from an included file come at the
 *    place of the include() (this matters for the default calendar).
 *  - A syntax error (or unknown option, or a section name used twice in
 *    one file) stops the reading of that file, as libconfuse does; the
 *    cross-reference checks are then skipped, since they would report
 *    names defined in the unread rest as missing.
 *  - Comments ("#", "//", C-style) may stand anywhere outside quotes,
 *    inside lists too: they are blanked out before libconfuse reads the
 *    text (see strip_comments).
 *  - A top-level setting may be given in one file only.
 *  - Relative paths (database, socket, token_file, include_ics,
 *    secret_file, password_file, ca_file, a stdout channel's file) are
 *    relative to the directory of the file they are written in, and
 *    stored absolute.  ca_file (not stdout) must be readable.
 *  - Office references (lead, assist, supervisor, group members) may use an
 *    office's alias; the config stores the office's name.  Office names,
 *    group names and aliases share one namespace.
 *  - A rule without a title takes its name as title; max_extensions without
 *    an extension is an error.  The extension may use another unit than the
 *    limit (timelimit.h counts it after the limit).
 *  - Reminder engine settings (all top level, each with a default):
 *    language "zh" | "en"; group_wait 0..86400 s; digest_min 2..1000;
 *    max_inflight 1..1024; retry_base 1..86400 s, not longer than
 *    retry_max_age; retry_max_age in hours or days only ("24h", "2 days";
 *    working days make no sense for a delivery deadline), at most 365
 *    days.
 *  - Channel limits: rate_per_minute 0..60000 (0: unlimited) for every
 *    type, connect_timeout 1..600 s and timeout 1..3600 s for every type
 *    but stdout, connect_timeout not longer than timeout; format ("post"
 *    or "text") for feishu only.
 *  - admin_office (top level, optional) names the configured office (or
 *    an alias of one; not a group) that gets the notices about calendars:
 *    a year a calendar does not cover (provisional deadlines).
 *  - template "KIND" { file = "PATH" }: KIND is before, due, overdue,
 *    escalation, digest, failure or notice, each at most once in the whole
 *    configuration.  The file is read at load (and at every reload): it
 *    must be non-empty UTF-8 text of at most 64 KiB; a leading byte order
 *    mark is dropped.  Its template syntax is render.c's to check.
 */
#include "config.h"

#include <errno.h>
#include <glob.h>
#include <grp.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <confuse.h>

#include "calendar.h"
#include "date.h"
#include "errors.h"
#include "recur.h"

#define INCLUDE_DEPTH_MAX	16
#define MAX_EXTENSIONS_MAX	100
#define ZONEINFO_DIR		"/usr/share/zoneinfo/"
#define DEFAULT_TIMEZONE	"Asia/Shanghai"
#define DEFAULT_DATABASE	LOCALSTATEDIR "/lib/duban/duban.db"
#define DEFAULT_SOCKET		RUNSTATEDIR "/duban/duban.sock"
#define DEFAULT_LOG_LEVEL	"notice"
#define DEFAULT_LANGUAGE	"zh"
#define TEMPLATE_SIZE_MAX	(64 * 1024)
#define RATE_PER_MINUTE_MAX	60000
#define CONNECT_TIMEOUT_DEFAULT	10
#define CONNECT_TIMEOUT_MAX	600
#define TIMEOUT_DEFAULT		30
#define TIMEOUT_MAX		3600
#define GROUP_WAIT_MAX		86400
#define DIGEST_MIN_DEFAULT	3
#define DIGEST_MIN_MAX		1000
#define MAX_INFLIGHT_DEFAULT	16
#define MAX_INFLIGHT_MAX	1024
#define RETRY_BASE_DEFAULT	30
#define RETRY_BASE_MAX		86400
#define RETRY_MAX_AGE_DEFAULT	86400
#define RETRY_MAX_AGE_MAX	(365 * 86400)

enum kind {
	K_CALENDAR,
	K_CHANNEL,
	K_OFFICE,
	K_GROUP,
	K_POLICY,
	K_RULE,
	K_TASK,
	K_TEMPLATE,
	K_NKINDS
};

static const char *const kind_names[K_NKINDS] = {
	"calendar", "channel", "office", "group", "policy", "rule", "task",
	"template",
};

static const char *const log_levels[] = {
	"error", "warning", "notice", "info", "debug", NULL,
};

static const char *const languages[] = { "zh", "en", NULL };

/* The kinds of message a template file may override (render.h). */
static const char *const template_kinds[] = {
	"before", "due", "overdue", "escalation", "digest", "failure", "notice",
	NULL,
};

static const char *const feishu_formats[] = { "post", "text", NULL };

static const char *const web_schemes[] = { "http", "https", NULL };
static const char *const mail_schemes[] = { "smtp", "smtps", NULL };

static const struct {
	const char		*name;
	enum channel_type	 type;
} channel_types[] = {
	{ "webhook",	CHANNEL_WEBHOOK },
	{ "wecom",	CHANNEL_WECOM },
	{ "dingtalk",	CHANNEL_DINGTALK },
	{ "feishu",	CHANNEL_FEISHU },
	{ "smtp",	CHANNEL_SMTP },
	{ "stdout",	CHANNEL_STDOUT },
};

struct cfile;

static char *read_text(FILE *, size_t *);

/* An include() in a file, and what it brought in. */
struct inc {
	unsigned	 pos[K_NKINDS];	/* sections of each kind before it */
	int		 line;
	char		*name;
	struct cfile	*child;		/* NULL: not read */
};

/* One file of the configuration, parsed on its own. */
struct cfile {
	char		*name;		/* as written, for messages */
	char		*dir;		/* absolute directory */
	int		 seq;		/* reading order */
	dev_t		 dev;
	ino_t		 ino;
	cfg_t		*cfg;
	bool		 ok;		/* parsed without a libconfuse error */
	struct cfile	*parent;
	struct inc	*incs;
	size_t		 nincs;
};

/* Where an option value (or a section, opt == NULL) was written. */
struct line_rec {
	const cfg_t	*sec;
	const char	*opt;
	unsigned	 idx;
	int		 line;
	size_t		 seq;
};

struct problem {
	const struct cfile	*file;
	int			 line;
	size_t			 seq;
	char			*msg;
};

/* A section being validated. */
struct item {
	struct load	*ld;
	struct cfile	*file;
	cfg_t		*sec;
};

struct load {
	struct config	 *conf;
	struct cfile	**files;
	size_t		  nfiles;
	struct cfile	 *cur;		/* being parsed */
	bool		  parse_failed;
	struct line_rec	 *lines;
	size_t		  nlines;
	struct line_rec	 *starts;
	size_t		  nstarts;
	struct problem	 *problems;
	size_t		  nproblems;
	struct item	 *items[K_NKINDS];	/* parallel to conf's arrays */
};

static bool
word_in(const char *s, const char *const *words)
{
	for (; *words != NULL; words++) {
		if (strcmp(s, *words) == 0)
			return true;
	}
	return false;
}

static void *
xreallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		abort();
	if ((p = realloc(p, n * size == 0 ? 1 : n * size)) == NULL)
		abort();
	return p;
}

static void *
xcalloc(size_t n, size_t size)
{
	void *p;

	if ((p = calloc(n == 0 ? 1 : n, size == 0 ? 1 : size)) == NULL)
		abort();
	return p;
}

static char *
xstrdup(const char *s)
{
	char *p;

	if (s == NULL)
		return NULL;
	if ((p = strdup(s)) == NULL)
		abort();
	return p;
}

static char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int rc;

	va_start(ap, fmt);
	rc = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (rc == -1)
		abort();
	return s;
}

static void
problem_vadd(struct load *ld, const struct cfile *f, int line,
    const char *fmt, va_list ap)
{
	struct problem *p;

	ld->problems = xreallocarray(ld->problems, ld->nproblems + 1,
	    sizeof *ld->problems);
	p = &ld->problems[ld->nproblems];
	p->file = f;
	p->line = line;
	p->seq = ld->nproblems++;
	if (vasprintf(&p->msg, fmt, ap) == -1)
		abort();
}

static void problem_add(struct load *, const struct cfile *, int,
    const char *, ...) __attribute__((format(printf, 4, 5)));

static void
problem_add(struct load *ld, const struct cfile *f, int line,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	problem_vadd(ld, f, line, fmt, ap);
	va_end(ap);
}

static int
problem_cmp(const void *a, const void *b)
{
	const struct problem *pa = a, *pb = b;

	if (pa->file->seq != pb->file->seq)
		return pa->file->seq < pb->file->seq ? -1 : 1;
	if (pa->line != pb->line)
		return pa->line < pb->line ? -1 : 1;
	return (pa->seq > pb->seq) - (pa->seq < pb->seq);
}

/*
 * libconfuse 3.3 has no user pointer in cfg_t.  Each section is created
 * from a byte copy of its schema, so the pointer stored in the simple_value
 * of the "include" function option (present in every section) reaches
 * every callback; libconfuse ignores simple_value for functions.
 */
static struct load *
load_of(cfg_t *cfg)
{
	return *cfg_getopt(cfg, "include")->simple_value.ptr;
}

static void
on_cfg_error(cfg_t *cfg, const char *fmt, va_list ap)
{
	struct load *ld = load_of(cfg);

	problem_vadd(ld, ld->cur, cfg->line, fmt, ap);
}

static bool
has_start(const struct load *ld, const cfg_t *sec)
{
	for (size_t i = ld->nstarts; i > 0; i--) {
		if (ld->starts[i - 1].sec == sec)
			return true;
	}
	return false;
}

static void
note_start(struct load *ld, const cfg_t *sec, int line)
{
	if (ld->nstarts > 0 && ld->starts[ld->nstarts - 1].sec == sec)
		return;
	if (has_start(ld, sec))
		return;
	ld->starts = xreallocarray(ld->starts, ld->nstarts + 1,
	    sizeof *ld->starts);
	ld->starts[ld->nstarts++] = (struct line_rec){ .sec = sec,
	    .line = line };
}

/*
 * The line where section sec opened.  While a section's body is read, the
 * lexer counts lines in the section's own cfg_t and leaves its parent's
 * line at the opening brace: the parent tells where the section began.
 */
static int
opening_line(struct load *ld, cfg_t *sec)
{
	cfg_t *root = ld->cur->cfg, *rule;
	unsigned n;

	if (strcmp(cfg_name(sec), "milestone") != 0)
		return root->line;
	n = cfg_size(root, "rule");
	rule = cfg_getnsec(root, "rule", n - 1);
	note_start(ld, rule, root->line);
	return rule->line;
}

/*
 * Validation callback of every option: records the line of each value so
 * that the later checks can name it.
 */
static int
note_value(cfg_t *cfg, cfg_opt_t *opt)
{
	struct load *ld = load_of(cfg);
	struct line_rec *last;
	unsigned idx;

	if (opt->type == CFGT_SEC) {
		/* Only an empty section gets here without a start line. */
		cfg_t *sec = cfg_opt_getnsec(opt, cfg_opt_size(opt) - 1);

		note_start(ld, sec, sec->line);
		return 0;
	}
	if (cfg != ld->cur->cfg)
		note_start(ld, cfg, opening_line(ld, cfg));
	idx = opt->nvalues > 0 ? opt->nvalues - 1 : 0;
	/* A list calls back once more at its closing brace. */
	last = ld->nlines > 0 ? &ld->lines[ld->nlines - 1] : NULL;
	if (last != NULL && last->sec == cfg && last->idx == idx &&
	    strcmp(last->opt, opt->name) == 0)
		return 0;
	ld->lines = xreallocarray(ld->lines, ld->nlines + 1,
	    sizeof *ld->lines);
	ld->lines[ld->nlines] = (struct line_rec){ .sec = cfg,
	    .opt = opt->name, .idx = idx, .line = cfg->line,
	    .seq = ld->nlines };
	ld->nlines++;
	return 0;
}

static int
line_rec_cmp(const void *a, const void *b)
{
	const struct line_rec *ra = a, *rb = b;
	uintptr_t sa = (uintptr_t)ra->sec, sb = (uintptr_t)rb->sec;
	int c;

	if (sa != sb)
		return sa < sb ? -1 : 1;
	if (ra->opt != NULL && rb->opt != NULL &&
	    (c = strcmp(ra->opt, rb->opt)) != 0)
		return c;
	if (ra->idx != rb->idx)
		return ra->idx < rb->idx ? -1 : 1;
	return 0;
}

static int
line_rec_seq_cmp(const void *a, const void *b)
{
	const struct line_rec *ra = a, *rb = b;
	int c;

	if ((c = line_rec_cmp(a, b)) != 0)
		return c;
	return (ra->seq > rb->seq) - (ra->seq < rb->seq);
}

/* Sorts the records for lookups; of a value set twice the last one wins. */
static void
lines_index(struct load *ld)
{
	size_t i, n = 0;

	/* qsort() and bsearch() want a non-null array even when empty. */
	if (ld->lines == NULL)
		ld->lines = xcalloc(1, sizeof *ld->lines);
	if (ld->starts == NULL)
		ld->starts = xcalloc(1, sizeof *ld->starts);
	qsort(ld->lines, ld->nlines, sizeof *ld->lines, line_rec_seq_cmp);
	for (i = 0; i < ld->nlines; i++) {
		if (n > 0 && line_rec_cmp(&ld->lines[n - 1],
		    &ld->lines[i]) == 0)
			n--;
		ld->lines[n++] = ld->lines[i];
	}
	ld->nlines = n;
	qsort(ld->starts, ld->nstarts, sizeof *ld->starts, line_rec_cmp);
}

static const struct line_rec *
line_find(const struct load *ld, const cfg_t *sec, const char *opt,
    unsigned idx)
{
	struct line_rec key = { .sec = sec, .opt = opt, .idx = idx };

	if (opt == NULL)
		return bsearch(&key, ld->starts, ld->nstarts,
		    sizeof *ld->starts, line_rec_cmp);
	return bsearch(&key, ld->lines, ld->nlines, sizeof *ld->lines,
	    line_rec_cmp);
}

/* The section's opening line (0 for the top level). */
static int
item_start(const struct item *it)
{
	const struct line_rec *r;

	if (it->sec == it->file->cfg)
		return 0;
	r = line_find(it->ld, it->sec, NULL, 0);
	return r != NULL ? r->line : it->sec->line;
}

/* The line of a value, or of the section when the value was not written. */
static int
item_line(const struct item *it, const char *opt, unsigned idx)
{
	const struct line_rec *r;

	if (opt != NULL && (r = line_find(it->ld, it->sec, opt, idx)) != NULL)
		return r->line;
	return item_start(it);
}

/* Whether opt was written in the file (not a default). */
static bool
item_has(const struct item *it, const char *opt)
{
	return line_find(it->ld, it->sec, opt, 0) != NULL;
}

static void item_error(const struct item *, const char *, unsigned,
    const char *, ...) __attribute__((format(printf, 4, 5)));

static void
item_error(const struct item *it, const char *opt, unsigned idx,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	problem_vadd(it->ld, it->file, item_line(it, opt, idx), fmt, ap);
	va_end(ap);
}

static char *
item_str(const struct item *it, const char *opt)
{
	return xstrdup(cfg_getstr(it->sec, opt));
}

static char **
item_list(const struct item *it, const char *opt, size_t *n)
{
	char **v;

	*n = cfg_size(it->sec, opt);
	v = xcalloc(*n, sizeof *v);
	for (size_t i = 0; i < *n; i++)
		v[i] = xstrdup(cfg_getnstr(it->sec, opt, (unsigned)i));
	return v;
}

/* A path written in the item's file, made absolute. */
static char *
resolve_path(const struct cfile *f, const char *path)
{
	if (path == NULL)
		return NULL;
	if (path[0] == '/')
		return xstrdup(path);
	return xasprintf("%s/%s", strcmp(f->dir, "/") == 0 ? "" : f->dir,
	    path);
}

static char *
item_path(const struct item *it, const char *opt)
{
	return resolve_path(it->file, cfg_getstr(it->sec, opt));
}

static bool
check_readable(const struct item *it, const char *opt, unsigned idx,
    const char *path)
{
	struct stat st;

	if (stat(path, &st) == -1) {
		item_error(it, opt, idx, "%s \"%s\": %s", opt, path,
		    strerror(errno));
		return false;
	}
	if (!S_ISREG(st.st_mode)) {
		item_error(it, opt, idx, "%s \"%s\" is not a regular file",
		    opt, path);
		return false;
	}
	if (access(path, R_OK) == -1) {
		item_error(it, opt, idx, "%s \"%s\" cannot be read: %s", opt,
		    path, strerror(errno));
		return false;
	}
	return true;
}

/*
 * A positive duration in workdays, days or hours; in workhours too when
 * workhours_ok (a policy's offsets: the calendars of the rules and tasks
 * using the policy must then have office_hours, check_policy_workhours).
 */
static bool
check_duration(const struct item *it, const char *opt, unsigned idx,
    const char *s, struct duration *d, bool workhours_ok)
{
	char err[256];

	if (!parse_duration(s, d, err, sizeof err)) {
		item_error(it, opt, idx, "%s: %s", opt, err);
		return false;
	}
	if (d->unit == DUR_WORKHOURS && !workhours_ok) {
		item_error(it, opt, idx, "%s: \"%s\": workhours are not "
		    "supported yet; use workdays, days or hours", opt, s);
		return false;
	}
	if (d->n <= 0) {
		item_error(it, opt, idx, "%s must be positive, got \"%s\"",
		    opt, s);
		return false;
	}
	return true;
}

/*
 * A rule's or a milestone's limit: "N workhours" is allowed (check_rules
 * then wants office hours on the rule's calendar), and so is a negative
 * limit, counted back from the case's event ("-1 workdays": the working
 * day before it).  Zero is not a limit.
 */
static bool
check_limit(const struct item *it, const char *s, struct duration *d)
{
	char err[256];

	if (!parse_duration(s, d, err, sizeof err)) {
		item_error(it, "limit", 0, "limit: %s", err);
		return false;
	}
	if (d->n == 0) {
		item_error(it, "limit", 0, "limit must not be zero, got "
		    "\"%s\"", s);
		return false;
	}
	return true;
}

/*
 * A rule's or a milestone's minimum period ("30 days"): positive, any unit
 * a limit takes; n == 0 when not given.
 */
static void
item_minimum(const struct item *it, struct duration *d)
{
	const char *s = cfg_getstr(it->sec, "minimum");
	char err[256];

	d->n = 0;
	d->unit = DUR_DAYS;
	if (s == NULL)
		return;
	if (!parse_duration(s, d, err, sizeof err))
		item_error(it, "minimum", 0, "minimum: %s", err);
	else if (d->n <= 0)
		item_error(it, "minimum", 0, "minimum must be positive, got "
		    "\"%s\"", s);
	else
		return;
	d->n = 0;
}

/* An optional duration option; n == 0 when not given. */
static void
item_duration(const struct item *it, const char *opt, struct duration *d,
    bool workhours_ok)
{
	const char *s = cfg_getstr(it->sec, opt);

	d->n = 0;
	d->unit = DUR_WORKDAYS;
	if (s != NULL && !check_duration(it, opt, 0, s, d, workhours_ok))
		d->n = 0;
}

/* An integer option from min to max; def when not written or wrong. */
static int
item_int(const struct item *it, const char *opt, int def, long min,
    long max)
{
	long v;

	if (!item_has(it, opt))
		return def;
	v = cfg_getint(it->sec, opt);
	if (v < min || v > max) {
		item_error(it, opt, 0, "%s must be from %ld to %ld, got %ld",
		    opt, min, max, v);
		return def;
	}
	return (int)v;
}

static void
item_hours(const struct item *it, const char *opt, struct office_hours *h)
{
	const char *s = cfg_getstr(it->sec, opt);
	char err[256];

	h->n = 0;
	if (s != NULL && !parse_hours(s, h, err, sizeof err))
		item_error(it, opt, 0, "%s: %s", opt, err);
}

static char *
item_title(const struct item *it, const char *kind)
{
	const char *title = cfg_title(it->sec);

	if (title == NULL || title[0] == '\0')
		item_error(it, NULL, 0, "a %s needs a non-empty name", kind);
	return xstrdup(title != NULL ? title : "");
}

static struct origin
item_origin(const struct item *it)
{
	return (struct origin){ xstrdup(it->file->name), item_start(it) };
}

/* Remembers the item behind the n-th element of a conf array. */
static void
item_keep(struct load *ld, enum kind k, size_t n, const struct item *it)
{
	ld->items[k] = xreallocarray(ld->items[k], n + 1, sizeof *it);
	ld->items[k][n] = *it;
}

/*
 * Sections, kind by kind.
 */

static void
mark_days(const struct item *it, struct calendar *cal, const char *opt,
    enum day_kind kind)
{
	char err[256];
	int from, to;
	unsigned n = cfg_size(it->sec, opt);

	for (unsigned i = 0; i < n; i++) {
		const char *s = cfg_getnstr(it->sec, opt, i);

		if (!parse_date_range(s, &from, &to, err, sizeof err)) {
			item_error(it, opt, i, "%s: %s", opt, err);
			continue;
		}
		for (int d = from; d <= to; d++) {
			if (calendar_set_day(cal, d, kind, err,
			    sizeof err) == -1) {
				item_error(it, opt, i, "%s: %s", opt, err);
				break;
			}
		}
	}
}

static void
calendar_convert(struct load *ld, const struct item *it)
{
	struct config *conf = ld->conf;
	struct calendar_conf *cc;
	char err[512];
	unsigned n;

	conf->calendars = xreallocarray(conf->calendars, conf->ncalendars + 1,
	    sizeof *conf->calendars);
	cc = &conf->calendars[conf->ncalendars];
	memset(cc, 0, sizeof *cc);
	cc->name = item_title(it, "calendar");
	cc->origin = item_origin(it);
	if ((cc->cal = calendar_new(cc->name)) == NULL)
		abort();
	calendar_set_strict(cc->cal, cfg_getbool(it->sec, "strict"));
	mark_days(it, cc->cal, "holidays", DAY_HOLIDAY);
	mark_days(it, cc->cal, "workdays", DAY_WORKDAY);
	n = cfg_size(it->sec, "include_ics");
	for (unsigned i = 0; i < n; i++) {
		char *path = resolve_path(it->file,
		    cfg_getnstr(it->sec, "include_ics", i));

		if (calendar_load_ics(cc->cal, path, err, sizeof err) == -1)
			item_error(it, "include_ics", i, "include_ics: %s",
			    err);
		free(path);
	}
	item_hours(it, "office_hours", &cc->hours);
	calendar_set_office_hours(cc->cal, &cc->hours);
	if (calendar_finalize(cc->cal) == -1)
		abort();
	item_keep(ld, K_CALENDAR, conf->ncalendars++, it);
}

static bool
channel_type_parse(const char *s, enum channel_type *type)
{
	for (size_t i = 0; i < sizeof channel_types / sizeof channel_types[0];
	    i++) {
		if (strcmp(s, channel_types[i].name) == 0) {
			*type = channel_types[i].type;
			return true;
		}
	}
	return false;
}

/* Options that only some channel types take. */
static void
channel_reject(const struct item *it, const char *type, const char *opt)
{
	if (item_has(it, opt))
		item_error(it, opt, 0, "a %s channel takes no %s", type, opt);
}

static void
channel_check_url(const struct item *it, const char *type,
    const char *const *schemes, const char *url)
{
	char err[512];

	if (url == NULL)
		item_error(it, NULL, 0, "a %s channel needs a url", type);
	else if (!parse_url(url, schemes, err, sizeof err))
		item_error(it, "url", 0, "url: %s", err);
}

static void
channel_check_smtp(const struct item *it, struct channel_conf *ch)
{
	char err[256];

	channel_check_url(it, "smtp", mail_schemes, ch->url);
	channel_reject(it, "smtp", "secret_file");
	channel_reject(it, "smtp", "file");
	if (ch->from == NULL)
		item_error(it, NULL, 0, "an smtp channel needs from (the "
		    "sender's address)");
	else if (!parse_email(ch->from, err, sizeof err))
		item_error(it, "from", 0, "from: %s", err);
	if (ch->username != NULL && ch->password_file == NULL)
		item_error(it, "username", 0, "username needs password_file "
		    "(a file holding the password)");
	else if (ch->password_file != NULL && ch->username == NULL)
		item_error(it, "password_file", 0, "password_file needs "
		    "username");
	else if (ch->password_file != NULL)
		check_readable(it, "password_file", 0, ch->password_file);
}

/* The robots of WeCom and DingTalk take about 20 messages a minute. */
static int
channel_default_rate(enum channel_type type)
{
	switch (type) {
	case CHANNEL_WECOM:
	case CHANNEL_DINGTALK:
		return 20;
	case CHANNEL_FEISHU:
		return 100;
	case CHANNEL_WEBHOOK:
	case CHANNEL_SMTP:
	case CHANNEL_STDOUT:
		break;
	}
	return 0;
}

/* Rate, timeouts and format: the options of every (or one) type. */
static void
channel_check_limits(const struct item *it, const char *type,
    struct channel_conf *ch)
{
	const char *format = cfg_getstr(it->sec, "format");

	ch->rate_per_minute = item_int(it, "rate_per_minute",
	    channel_default_rate(ch->type), 0, RATE_PER_MINUTE_MAX);
	ch->connect_timeout = item_int(it, "connect_timeout",
	    CONNECT_TIMEOUT_DEFAULT, 1, CONNECT_TIMEOUT_MAX);
	ch->timeout = item_int(it, "timeout", TIMEOUT_DEFAULT, 1,
	    TIMEOUT_MAX);
	ch->feishu_post = ch->type == CHANNEL_FEISHU;
	if (ch->type == CHANNEL_STDOUT) {
		channel_reject(it, type, "connect_timeout");
		channel_reject(it, type, "timeout");
	} else if (ch->connect_timeout > ch->timeout)
		item_error(it, item_has(it, "connect_timeout") ?
		    "connect_timeout" : "timeout", 0, "connect_timeout (%d s) "
		    "is longer than timeout (%d s), the limit of the whole "
		    "transfer", ch->connect_timeout, ch->timeout);
	if (ch->type != CHANNEL_FEISHU)
		channel_reject(it, type, "format");
	else if (format != NULL && !word_in(format, feishu_formats))
		item_error(it, "format", 0, "format: expected \"post\" or "
		    "\"text\", got \"%s\"", format);
	else if (format != NULL)
		ch->feishu_post = strcmp(format, "post") == 0;
}

static void
channel_convert(struct load *ld, const struct item *it)
{
	static const char *const smtp_only[] = {
		"from", "username", "password_file", "starttls", NULL,
	};
	struct config *conf = ld->conf;
	struct channel_conf *ch;
	const char *type;

	conf->channels = xreallocarray(conf->channels, conf->nchannels + 1,
	    sizeof *conf->channels);
	ch = &conf->channels[conf->nchannels];
	memset(ch, 0, sizeof *ch);
	ch->name = item_title(it, "channel");
	ch->origin = item_origin(it);
	ch->url = item_str(it, "url");
	ch->secret_file = item_path(it, "secret_file");
	ch->from = item_str(it, "from");
	ch->username = item_str(it, "username");
	ch->password_file = item_path(it, "password_file");
	ch->starttls = cfg_getbool(it->sec, "starttls");
	ch->file = item_path(it, "file");
	ch->ca_file = item_path(it, "ca_file");
	item_keep(ld, K_CHANNEL, conf->nchannels++, it);

	if ((type = cfg_getstr(it->sec, "type")) == NULL) {
		item_error(it, NULL, 0, "channel \"%s\" needs a type (webhook, "
		    "wecom, dingtalk, feishu, smtp or stdout)", ch->name);
		return;
	}
	if (!channel_type_parse(type, &ch->type)) {
		item_error(it, "type", 0, "type: expected webhook, wecom, "
		    "dingtalk, feishu, smtp or stdout, got \"%s\"", type);
		return;
	}
	channel_check_limits(it, type, ch);
	if (ch->ca_file != NULL && ch->type != CHANNEL_STDOUT)
		check_readable(it, "ca_file", 0, ch->ca_file);
	if (ch->type == CHANNEL_SMTP) {
		channel_check_smtp(it, ch);
		return;
	}
	for (size_t i = 0; smtp_only[i] != NULL; i++)
		channel_reject(it, type, smtp_only[i]);
	if (ch->type == CHANNEL_STDOUT) {
		channel_reject(it, type, "url");
		channel_reject(it, type, "secret_file");
		channel_reject(it, type, "ca_file");
		return;
	}
	channel_reject(it, type, "file");
	if (ch->type == CHANNEL_WECOM)
		channel_reject(it, type, "secret_file");
	channel_check_url(it, type, web_schemes, ch->url);
	if (ch->secret_file != NULL)
		check_readable(it, "secret_file", 0, ch->secret_file);
}

static void
office_convert(struct load *ld, const struct item *it)
{
	struct config *conf = ld->conf;
	struct office_conf *o;
	char err[256];

	conf->offices = xreallocarray(conf->offices, conf->noffices + 1,
	    sizeof *conf->offices);
	o = &conf->offices[conf->noffices];
	memset(o, 0, sizeof *o);
	o->name = item_title(it, "office");
	o->origin = item_origin(it);
	o->channels = item_list(it, "channels", &o->nchannels);
	o->email = item_list(it, "email", &o->nemail);
	o->supervisor = item_str(it, "supervisor");
	o->aliases = item_list(it, "aliases", &o->naliases);
	item_keep(ld, K_OFFICE, conf->noffices++, it);

	for (size_t i = 0; i < o->nemail; i++) {
		if (!parse_email(o->email[i], err, sizeof err))
			item_error(it, "email", (unsigned)i, "email: %s", err);
	}
}

static void
group_convert(struct load *ld, const struct item *it)
{
	struct config *conf = ld->conf;
	struct group_conf *g;

	conf->groups = xreallocarray(conf->groups, conf->ngroups + 1,
	    sizeof *conf->groups);
	g = &conf->groups[conf->ngroups];
	memset(g, 0, sizeof *g);
	g->name = item_title(it, "group");
	g->origin = item_origin(it);
	g->members = item_list(it, "members", &g->nmembers);
	item_keep(ld, K_GROUP, conf->ngroups++, it);
	if (g->nmembers == 0)
		item_error(it, NULL, 0, "group \"%s\" has no members",
		    g->name);
}

static void
policy_convert(struct load *ld, const struct item *it)
{
	struct config *conf = ld->conf;
	struct policy_conf *p;
	unsigned n;

	conf->policies = xreallocarray(conf->policies, conf->npolicies + 1,
	    sizeof *conf->policies);
	p = &conf->policies[conf->npolicies];
	memset(p, 0, sizeof *p);
	p->name = item_title(it, "policy");
	p->origin = item_origin(it);
	n = cfg_size(it->sec, "before");
	p->before = xcalloc(n, sizeof *p->before);
	for (unsigned i = 0; i < n; i++) {
		if (check_duration(it, "before", i,
		    cfg_getnstr(it->sec, "before", i), &p->before[p->nbefore],
		    true))
			p->nbefore++;
	}
	p->at_deadline = cfg_getbool(it->sec, "at_deadline");
	item_duration(it, "overdue_every", &p->overdue_every, true);
	item_duration(it, "escalate_after", &p->escalate_after, true);
	p->notify_assist = cfg_getbool(it->sec, "notify_assist");
	item_hours(it, "hours", &p->hours);
	item_keep(ld, K_POLICY, conf->npolicies++, it);
}

static void
rule_milestones(struct load *ld, const struct item *it, struct rule_conf *rc)
{
	struct tl_rule *r = &rc->rule;
	const char *limit = cfg_getstr(it->sec, "limit");
	unsigned n = cfg_size(it->sec, "milestone");
	struct duration d, minimum;

	if (limit != NULL && n > 0) {
		item_error(it, "limit", 0, "a rule has either a limit or "
		    "milestones, not both");
		return;
	}
	if (limit == NULL && n == 0) {
		item_error(it, NULL, 0, "rule \"%s\" needs a limit or at "
		    "least one milestone", r->name);
		return;
	}
	if (limit != NULL) {
		if (!check_limit(it, limit, &d))
			return;
		r->milestones = xcalloc(1, sizeof *r->milestones);
		rc->milestone_title = xcalloc(1, sizeof *rc->milestone_title);
		r->milestones[0].name = xstrdup("deadline");
		r->milestones[0].limit = d;
		item_minimum(it, &r->milestones[0].minimum);
		r->nmilestones = 1;
		return;
	}
	/* A rule's minimum applies to the milestones without their own. */
	item_minimum(it, &minimum);
	r->milestones = xcalloc(n, sizeof *r->milestones);
	rc->milestone_title = xcalloc(n, sizeof *rc->milestone_title);
	for (unsigned i = 0; i < n; i++) {
		struct item m = { ld, it->file,
		    cfg_getnsec(it->sec, "milestone", i) };
		struct milestone_rule *mr = &r->milestones[r->nmilestones];

		if ((limit = cfg_getstr(m.sec, "limit")) == NULL) {
			item_error(&m, NULL, 0, "milestone \"%s\" needs a "
			    "limit", cfg_title(m.sec));
			continue;
		}
		if (!check_limit(&m, limit, &d))
			continue;
		mr->name = item_title(&m, "milestone");
		mr->limit = d;
		item_minimum(&m, &mr->minimum);
		if (mr->minimum.n == 0)
			mr->minimum = minimum;
		rc->milestone_title[r->nmilestones++] = item_str(&m, "title");
	}
}

static void
rule_convert(struct load *ld, const struct item *it)
{
	struct config *conf = ld->conf;
	struct rule_conf *rc;
	struct tl_rule *r;
	const char *roll;
	long max;

	conf->rules = xreallocarray(conf->rules, conf->nrules + 1,
	    sizeof *conf->rules);
	rc = &conf->rules[conf->nrules];
	memset(rc, 0, sizeof *rc);
	r = &rc->rule;
	r->name = item_title(it, "rule");
	rc->origin = item_origin(it);
	r->title = item_str(it, "title");
	if (r->title == NULL)
		r->title = xstrdup(r->name);
	r->deadline_secs = conf->deadline_secs;
	rc->calendar = item_str(it, "calendar");
	rc->policy = item_str(it, "policy");
	item_keep(ld, K_RULE, conf->nrules++, it);

	rule_milestones(ld, it, rc);
	item_duration(it, "extension", &r->extension, false);
	max = cfg_getint(it->sec, "max_extensions");
	if (!item_has(it, "max_extensions"))
		r->max_extensions = r->extension.n > 0 ? 1 : 0;
	else if (!item_has(it, "extension"))
		item_error(it, "max_extensions", 0, "max_extensions needs an "
		    "extension");
	else if (max < 1 || max > MAX_EXTENSIONS_MAX)
		item_error(it, "max_extensions", 0, "max_extensions must be "
		    "from 1 to %d, got %ld", MAX_EXTENSIONS_MAX, max);
	else
		r->max_extensions = (int)max;
	roll = cfg_getstr(it->sec, "roll");
	if (roll == NULL || strcmp(roll, "none") == 0)
		r->roll = false;
	else if (strcmp(roll, "next-workday") == 0)
		r->roll = true;
	else
		item_error(it, "roll", 0, "roll: expected \"none\" or "
		    "\"next-workday\", got \"%s\"", roll);
}

/* A task's repeat spec (recur.h). */
static void
check_repeat(const struct item *it, const char *spec)
{
	struct recur r;
	char err[512];

	if (!recur_parse(spec, &r, err, sizeof err))
		item_error(it, "repeat", 0, "repeat: %s", err);
}

static void
task_convert(struct load *ld, const struct item *it)
{
	struct config *conf = ld->conf;
	struct task_conf *t;
	const char *due;
	char err[256];

	conf->tasks = xreallocarray(conf->tasks, conf->ntasks + 1,
	    sizeof *conf->tasks);
	t = &conf->tasks[conf->ntasks];
	memset(t, 0, sizeof *t);
	t->id = item_title(it, "task");
	t->origin = item_origin(it);
	t->title = item_str(it, "title");
	t->lead = item_str(it, "lead");
	t->assist = item_list(it, "assist", &t->nassist);
	t->repeat = item_str(it, "repeat");
	t->policy = item_str(it, "policy");
	t->calendar = item_str(it, "calendar");
	t->target = item_str(it, "target");
	t->due = -1;
	item_keep(ld, K_TASK, conf->ntasks++, it);

	if (t->title == NULL || t->title[0] == '\0')
		item_error(it, "title", 0, "task \"%s\" needs a title", t->id);
	if (t->lead == NULL)
		item_error(it, NULL, 0, "task \"%s\" needs a lead office",
		    t->id);
	if (t->repeat != NULL && t->repeat[0] == '\0')
		item_error(it, "repeat", 0, "repeat must not be empty");
	else if (t->repeat != NULL)
		check_repeat(it, t->repeat);	/* recur: issue 8 */
	if ((due = cfg_getstr(it->sec, "due")) != NULL) {
		if (!parse_date(due, &t->due, err, sizeof err))
			item_error(it, "due", 0, "due: %s", err);
	} else if (t->repeat == NULL)
		item_error(it, NULL, 0, "task \"%s\" needs a due date (or a "
		    "repeat)", t->id);
}

/* Where s (len bytes) stops being UTF-8, or NULL. */
static const char *
utf8_invalid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = p + len;

	while (p < end) {
		unsigned char c = *p;
		size_t n;
		uint32_t cp, min;

		if (c < 0x80) {
			p++;
			continue;
		}
		if ((c & 0xe0) == 0xc0) {
			n = 1, cp = c & 0x1f, min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2, cp = c & 0x0f, min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3, cp = c & 0x07, min = 0x10000;
		} else
			return (const char *)p;
		if ((size_t)(end - p) <= n)
			return (const char *)p;
		for (size_t i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return (const char *)p;
			cp = cp << 6 | (p[i] & 0x3f);
		}
		/* Overlong forms, surrogates and beyond U+10FFFF. */
		if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) ||
		    cp > 0x10ffff)
			return (const char *)p;
		p += n + 1;
	}
	return NULL;
}

static int
line_of(const char *text, const char *at)
{
	int line = 1;

	for (; text < at; text++) {
		if (*text == '\n')
			line++;
	}
	return line;
}

/*
 * The whole template file, checked to be UTF-8 text of at most
 * TEMPLATE_SIZE_MAX bytes; a leading byte order mark is dropped.
 */
static char *
template_read(const struct item *it, const char *path)
{
	FILE *fp;
	char *text;
	const char *bad;
	size_t len;

	if ((fp = fopen(path, "r")) == NULL) {
		item_error(it, "file", 0, "file \"%s\": %s", path,
		    strerror(errno));
		return NULL;
	}
	text = read_text(fp, &len);
	fclose(fp);
	if (text == NULL) {
		item_error(it, "file", 0, "file \"%s\": read error", path);
		return NULL;
	}
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		memmove(text, text + 3, (len -= 3) + 1);
	if (len > TEMPLATE_SIZE_MAX)
		item_error(it, "file", 0, "file \"%s\" is larger than %d "
		    "bytes", path, TEMPLATE_SIZE_MAX);
	else if (len == 0)
		item_error(it, "file", 0, "file \"%s\" is empty", path);
	else if ((bad = memchr(text, '\0', len)) != NULL)
		item_error(it, "file", 0, "file \"%s\" has a NUL byte at "
		    "line %d: not a text file", path, line_of(text, bad));
	else if ((bad = utf8_invalid(text, len)) != NULL)
		item_error(it, "file", 0, "file \"%s\" is not UTF-8 (line "
		    "%d); convert it, e.g. with iconv -f GBK -t UTF-8", path,
		    line_of(text, bad));
	else
		return text;
	free(text);
	return NULL;
}

static void
template_convert(struct load *ld, const struct item *it)
{
	struct config *conf = ld->conf;
	struct template_conf *tc;

	conf->templates = xreallocarray(conf->templates,
	    conf->ntemplates + 1, sizeof *conf->templates);
	tc = &conf->templates[conf->ntemplates];
	memset(tc, 0, sizeof *tc);
	tc->kind = item_title(it, "template");
	tc->origin = item_origin(it);
	tc->file = item_path(it, "file");
	item_keep(ld, K_TEMPLATE, conf->ntemplates++, it);

	if (!word_in(tc->kind, template_kinds))
		item_error(it, NULL, 0, "template \"%s\": expected a kind "
		    "of message: before, due, overdue, escalation, digest or "
		    "failure", tc->kind);
	if (tc->file == NULL)
		item_error(it, NULL, 0, "template \"%s\" needs a file",
		    tc->kind);
	else if (check_readable(it, "file", 0, tc->file))
		tc->content = template_read(it, tc->file);
}

typedef void (*convert_fn)(struct load *, const struct item *);

/* Calls fn for each section of kind k, includes in place, in file order. */
static void
walk_kind(struct load *ld, struct cfile *f, enum kind k, convert_fn fn)
{
	unsigned next = 0, n, upto;

	if (f->cfg == NULL)
		return;
	n = cfg_size(f->cfg, kind_names[k]);
	for (size_t i = 0; i <= f->nincs; i++) {
		upto = i < f->nincs ? f->incs[i].pos[k] : n;
		for (; f->ok && next < upto; next++) {
			struct item it = { ld, f,
			    cfg_getnsec(f->cfg, kind_names[k], next) };

			fn(ld, &it);
		}
		if (i < f->nincs && f->incs[i].child != NULL)
			walk_kind(ld, f->incs[i].child, k, fn);
	}
}

/*
 * Top-level settings.
 */

/* The file that sets opt, after checking no other one does too. */
static bool
top_find(struct load *ld, const char *opt, struct item *found)
{
	bool set = false;

	for (size_t i = 0; i < ld->nfiles; i++) {
		struct item it = { ld, ld->files[i], ld->files[i]->cfg };

		if (!ld->files[i]->ok || !item_has(&it, opt))
			continue;
		if (set) {
			item_error(&it, opt, 0, "%s is already set at %s:%d",
			    opt, found->file->name, item_line(found, opt, 0));
			continue;
		}
		*found = it;
		set = true;
	}
	return set;
}

static char *
top_path(struct load *ld, const char *opt, const char *def)
{
	struct item it;

	if (!top_find(ld, opt, &it))
		return xstrdup(def);
	return item_path(&it, opt);
}

static bool
zone_exists(const char *zone)
{
	struct stat st;
	char *path;
	bool ok;

	if (zone[0] == '\0' || zone[0] == '/' || strstr(zone, "..") != NULL)
		return false;
	path = xasprintf("%s%s", ZONEINFO_DIR, zone);
	ok = stat(path, &st) == 0 && S_ISREG(st.st_mode);
	free(path);
	return ok;
}

static void
top_timezone(struct load *ld)
{
	struct config *conf = ld->conf;
	struct item it;

	if (!top_find(ld, "timezone", &it)) {
		conf->timezone = xstrdup(DEFAULT_TIMEZONE);
		if (!zone_exists(conf->timezone))
			problem_add(ld, ld->files[0], 0, "the default timezone "
			    "\"%s\" is not installed in %s (install tzdata)",
			    conf->timezone, ZONEINFO_DIR);
		return;
	}
	conf->timezone = item_str(&it, "timezone");
	if (!zone_exists(conf->timezone))
		item_error(&it, "timezone", 0, "timezone: unknown time zone "
		    "\"%s\" (expected a name such as \"Asia/Shanghai\" from "
		    "%s)", conf->timezone, ZONEINFO_DIR);
}

static void
top_listen(struct load *ld)
{
	struct config *conf = ld->conf;
	struct item it, tok;
	char host[256], err[256];
	int port;
	bool has_token = top_find(ld, "token_file", &tok);

	if (has_token) {
		conf->token_file = item_path(&tok, "token_file");
		check_readable(&tok, "token_file", 0, conf->token_file);
	}
	if (!top_find(ld, "listen", &it))
		return;
	conf->listen = item_str(&it, "listen");
	if (!parse_host_port(conf->listen, host, sizeof host, &port, err,
	    sizeof err))
		item_error(&it, "listen", 0, "listen: %s", err);
	else if (!has_token)
		item_error(&it, "listen", 0, "listen needs token_file (the "
		    "bearer tokens of the TCP API)");
}

static int
top_int(struct load *ld, const char *opt, int def, long min, long max)
{
	struct item it;

	if (!top_find(ld, opt, &it))
		return def;
	return item_int(&it, opt, def, min, max);
}

/* retry_max_age: hours or days (not working days), in seconds. */
static void
top_retry(struct load *ld)
{
	struct config *conf = ld->conf;
	struct item it, base;
	struct duration d;
	const char *s;
	char err[256];
	bool has_base = top_find(ld, "retry_base", &base);

	conf->retry_base = RETRY_BASE_DEFAULT;
	if (has_base)
		conf->retry_base = item_int(&base, "retry_base",
		    RETRY_BASE_DEFAULT, 1, RETRY_BASE_MAX);
	conf->retry_max_age = RETRY_MAX_AGE_DEFAULT;
	if (top_find(ld, "retry_max_age", &it)) {
		s = cfg_getstr(it.sec, "retry_max_age");
		if (!parse_duration(s, &d, err, sizeof err) ||
		    (d.unit != DUR_HOURS && d.unit != DUR_DAYS)) {
			item_error(&it, "retry_max_age", 0, "retry_max_age: "
			    "expected hours or days such as \"24h\" or "
			    "\"2 days\", got \"%s\"", s);
			return;
		}
		if (d.n <= 0) {
			item_error(&it, "retry_max_age", 0, "retry_max_age "
			    "must be positive, got \"%s\"", s);
			return;
		}
		/* |d.n| <= 100000 (parse.h): no overflow in long. */
		if ((long)d.n * (d.unit == DUR_DAYS ? 86400 : 3600) >
		    RETRY_MAX_AGE_MAX) {
			item_error(&it, "retry_max_age", 0, "retry_max_age "
			    "must be at most %d days, got \"%s\"",
			    RETRY_MAX_AGE_MAX / 86400, s);
			return;
		}
		conf->retry_max_age = d.n * (d.unit == DUR_DAYS ? 86400 :
		    3600);
	}
	/* The default retry_base is shorter than any retry_max_age. */
	if (has_base && conf->retry_base > conf->retry_max_age)
		item_error(&base, "retry_base", 0, "retry_base (%d s) is "
		    "longer than retry_max_age (%d s): nothing would be "
		    "retried", conf->retry_base, conf->retry_max_age);
}

/* The settings of the reminder engine. */
static void
top_reminders(struct load *ld)
{
	struct config *conf = ld->conf;
	struct item it;

	conf->language = xstrdup(DEFAULT_LANGUAGE);
	if (top_find(ld, "language", &it)) {
		free(conf->language);
		conf->language = item_str(&it, "language");
		if (!word_in(conf->language, languages))
			item_error(&it, "language", 0, "language: expected "
			    "\"zh\" or \"en\", got \"%s\"", conf->language);
	}
	conf->group_wait = top_int(ld, "group_wait", 0, 0, GROUP_WAIT_MAX);
	conf->digest_min = top_int(ld, "digest_min", DIGEST_MIN_DEFAULT, 2,
	    DIGEST_MIN_MAX);
	conf->max_inflight = top_int(ld, "max_inflight",
	    MAX_INFLIGHT_DEFAULT, 1, MAX_INFLIGHT_MAX);
	top_retry(ld);
}

static void
top_settings(struct load *ld)
{
	struct config *conf = ld->conf;
	struct item it;
	char err[512];
	size_t i;

	top_timezone(ld);
	conf->database = top_path(ld, "database", DEFAULT_DATABASE);
	conf->socket = top_path(ld, "socket", DEFAULT_SOCKET);
	if (top_find(ld, "socket_group", &it)) {
		conf->socket_group = item_str(&it, "socket_group");
		if (getgrnam(conf->socket_group) == NULL)
			item_error(&it, "socket_group", 0, "socket_group: no "
			    "group \"%s\" on this system (create it with "
			    "groupadd)", conf->socket_group);
	}
	top_listen(ld);
	if (top_find(ld, "ack_base_url", &it)) {
		conf->ack_base_url = item_str(&it, "ack_base_url");
		if (!parse_url(conf->ack_base_url, web_schemes, err,
		    sizeof err))
			item_error(&it, "ack_base_url", 0, "ack_base_url: %s",
			    err);
	}
	if (top_find(ld, "admin_office", &it))
		conf->admin_office = item_str(&it, "admin_office");
	conf->log_level = xstrdup(DEFAULT_LOG_LEVEL);
	if (top_find(ld, "log_level", &it)) {
		free(conf->log_level);
		conf->log_level = item_str(&it, "log_level");
		for (i = 0; log_levels[i] != NULL; i++) {
			if (strcmp(conf->log_level, log_levels[i]) == 0)
				break;
		}
		if (log_levels[i] == NULL)
			item_error(&it, "log_level", 0, "log_level: expected "
			    "error, warning, notice, info or debug, got \"%s\"",
			    conf->log_level);
	}
	conf->deadline_secs = TL_DEFAULT_DEADLINE_SECS;
	if (top_find(ld, "deadline_time", &it) &&
	    !parse_time_of_day(cfg_getstr(it.sec, "deadline_time"),
	    &conf->deadline_secs, err, sizeof err))
		item_error(&it, "deadline_time", 0, "deadline_time: %s", err);
	top_reminders(ld);
}

/*
 * Cross references, once every file is read.
 */

static const char *
kind_item_name(const struct config *conf, enum kind k, size_t i)
{
	switch (k) {
	case K_CALENDAR:
		return conf->calendars[i].name;
	case K_CHANNEL:
		return conf->channels[i].name;
	case K_OFFICE:
		return conf->offices[i].name;
	case K_GROUP:
		return conf->groups[i].name;
	case K_POLICY:
		return conf->policies[i].name;
	case K_RULE:
		return conf->rules[i].rule.name;
	case K_TASK:
		return conf->tasks[i].id;
	case K_TEMPLATE:
		return conf->templates[i].kind;
	case K_NKINDS:
		break;
	}
	abort();
}

static size_t
kind_count(const struct config *conf, enum kind k)
{
	const size_t counts[K_NKINDS] = {
		conf->ncalendars, conf->nchannels, conf->noffices,
		conf->ngroups, conf->npolicies, conf->nrules, conf->ntasks,
		conf->ntemplates,
	};

	return counts[k];
}

/* Section names used twice across files (libconfuse checks one file). */
static void
check_duplicates(struct load *ld)
{
	const struct config *conf = ld->conf;

	for (int k = 0; k < K_NKINDS; k++) {
		size_t n = kind_count(conf, (enum kind)k);

		for (size_t j = 1; j < n; j++) {
			const char *name;

			name = kind_item_name(conf, (enum kind)k, j);

			for (size_t i = 0; i < j; i++) {
				const struct item *first = &ld->items[k][i];

				if (strcmp(name, kind_item_name(conf,
				    (enum kind)k, i)) != 0)
					continue;
				item_error(&ld->items[k][j], NULL, 0,
				    "%s \"%s\" is already defined at %s:%d",
				    kind_names[k], name, first->file->name,
				    item_start(first));
				break;
			}
		}
	}
}

/* Office names, group names and aliases: one namespace. */
static void
check_office_names(struct load *ld)
{
	const struct config *conf = ld->conf;

	for (size_t g = 0; g < conf->ngroups; g++) {
		for (size_t o = 0; o < conf->noffices; o++) {
			if (strcmp(conf->groups[g].name,
			    conf->offices[o].name) == 0)
				item_error(&ld->items[K_GROUP][g], NULL, 0,
				    "group \"%s\" has the name of an office",
				    conf->groups[g].name);
		}
	}
	for (size_t o = 0; o < conf->noffices; o++) {
		const struct office_conf *of = &conf->offices[o];

		for (size_t a = 0; a < of->naliases; a++) {
			const char *alias = of->aliases[a];
			const struct office_conf *owner;

			owner = config_office(conf, alias);
			if (owner != of || strcmp(alias, of->name) == 0)
				item_error(&ld->items[K_OFFICE][o], "aliases",
				    (unsigned)a, "alias \"%s\" is already the "
				    "name or an alias of office \"%s\"", alias,
				    owner->name);
			else if (config_group(conf, alias) != NULL)
				item_error(&ld->items[K_OFFICE][o], "aliases",
				    (unsigned)a, "alias \"%s\" is the name of "
				    "a group", alias);
			else {
				for (size_t b = 0; b < a; b++) {
					if (strcmp(alias, of->aliases[b]) == 0)
						item_error(
						    &ld->items[K_OFFICE][o],
						    "aliases", (unsigned)a,
						    "alias \"%s\" is given "
						    "twice", alias);
				}
			}
		}
	}
}

enum ref {
	REF_OFFICE,
	REF_OFFICE_OR_GROUP,
	REF_CHANNEL,
	REF_POLICY,
	REF_CALENDAR,
};

/*
 * Checks that *name (the value opt[idx] of it) names an item of the wanted
 * kind; an office alias is replaced by the office's name.
 */
static bool
check_ref(const struct item *it, const char *opt, unsigned idx,
    char **name, enum ref want)
{
	const struct config *conf = it->ld->conf;
	const struct office_conf *o;

	switch (want) {
	case REF_OFFICE:
	case REF_OFFICE_OR_GROUP:
		if ((o = config_office(conf, *name)) != NULL) {
			if (strcmp(o->name, *name) != 0) {
				free(*name);
				*name = xstrdup(o->name);
			}
			return true;
		}
		if (want == REF_OFFICE_OR_GROUP &&
		    config_group(conf, *name) != NULL)
			return true;
		if (want == REF_OFFICE)
			item_error(it, opt, idx, "%s: office \"%s\" is not "
			    "defined", opt, *name);
		else
			item_error(it, opt, idx, "%s: \"%s\" is neither an "
			    "office nor a group", opt, *name);
		return false;
	case REF_CHANNEL:
		if (config_channel(conf, *name) != NULL)
			return true;
		item_error(it, opt, idx, "%s: channel \"%s\" is not defined",
		    opt, *name);
		return false;
	case REF_POLICY:
		if (config_policy(conf, *name) != NULL)
			return true;
		item_error(it, opt, idx, "%s: policy \"%s\" is not defined",
		    opt, *name);
		return false;
	case REF_CALENDAR:
		if (config_calendar(conf, *name) != NULL)
			return true;
		item_error(it, opt, idx, "%s: calendar \"%s\" is not defined",
		    opt, *name);
		return false;
	}
	return false;
}

static void
check_offices(struct load *ld)
{
	struct config *conf = ld->conf;

	for (size_t i = 0; i < conf->noffices; i++) {
		struct office_conf *o = &conf->offices[i];
		const struct item *it = &ld->items[K_OFFICE][i];

		for (size_t c = 0; c < o->nchannels; c++)
			check_ref(it, "channels", (unsigned)c, &o->channels[c],
			    REF_CHANNEL);
		if (o->supervisor == NULL ||
		    !check_ref(it, "supervisor", 0, &o->supervisor,
		    REF_OFFICE))
			continue;
		if (strcmp(o->supervisor, o->name) == 0)
			item_error(it, "supervisor", 0, "office \"%s\" cannot "
			    "supervise itself", o->name);
	}
}

/* admin_office must be an office (an alias becomes its name), not a group. */
static void
check_admin_office(struct load *ld)
{
	if (ld->conf->admin_office == NULL)
		return;
	/* The file top_find took it from (top_find already reported any
	   second one). */
	for (size_t i = 0; i < ld->nfiles; i++) {
		struct item it = { ld, ld->files[i], ld->files[i]->cfg };

		if (ld->files[i]->ok && item_has(&it, "admin_office")) {
			check_ref(&it, "admin_office", 0,
			    &ld->conf->admin_office, REF_OFFICE);
			return;
		}
	}
}

static ssize_t
group_index(const struct config *conf, const char *name)
{
	for (size_t i = 0; i < conf->ngroups; i++) {
		if (strcmp(conf->groups[i].name, name) == 0)
			return (ssize_t)i;
	}
	return -1;
}

enum { WHITE, GRAY, BLACK };

/* Depth-first search; a member that is an open group closes a cycle. */
static void
group_visit(struct load *ld, size_t g, int *color, size_t *path,
    size_t depth)
{
	const struct config *conf = ld->conf;
	const struct group_conf *gc = &conf->groups[g];

	color[g] = GRAY;
	path[depth] = g;
	for (size_t m = 0; m < gc->nmembers; m++) {
		ssize_t h = group_index(conf, gc->members[m]);
		char *cycle;
		size_t start;

		if (h < 0 || color[h] == BLACK)
			continue;
		if (color[h] == WHITE) {
			group_visit(ld, (size_t)h, color, path, depth + 1);
			continue;
		}
		for (start = 0; path[start] != (size_t)h; start++)
			;
		cycle = xstrdup("");
		for (size_t i = start; i <= depth; i++) {
			char *grown = xasprintf("%s%s -> ", cycle,
			    conf->groups[path[i]].name);

			free(cycle);
			cycle = grown;
		}
		item_error(&ld->items[K_GROUP][g], "members", (unsigned)m,
		    "members: group cycle %s%s", cycle, gc->members[m]);
		free(cycle);
	}
	color[g] = BLACK;
}

static void
check_groups(struct load *ld)
{
	struct config *conf = ld->conf;
	int *color = xcalloc(conf->ngroups, sizeof *color);
	size_t *path = xcalloc(conf->ngroups, sizeof *path);

	for (size_t i = 0; i < conf->ngroups; i++) {
		struct group_conf *g = &conf->groups[i];

		for (size_t m = 0; m < g->nmembers; m++)
			check_ref(&ld->items[K_GROUP][i], "members",
			    (unsigned)m, &g->members[m], REF_OFFICE_OR_GROUP);
	}
	for (size_t i = 0; i < conf->ngroups; i++) {
		if (color[i] == WHITE)
			group_visit(ld, i, color, path, 0);
	}
	free(color);
	free(path);
}

/* Fills in the default calendar; false when the name is unknown. */
static bool
check_calendar_ref(const struct item *it, char **name)
{
	const struct config *conf = it->ld->conf;

	if (*name == NULL) {
		*name = xstrdup(conf->calendars[0].name);
		return true;
	}
	return check_ref(it, "calendar", 0, name, REF_CALENDAR);
}

/* Working-hour limits count the office hours of the rule's calendar. */
static void
check_rule_workhours(const struct item *it, const struct rule_conf *rc)
{
	const struct tl_rule *r = &rc->rule;

	if (calendar_has_office_hours(r->cal))
		return;
	for (size_t m = 0; m < r->nmilestones; m++) {
		const struct milestone_rule *mr = &r->milestones[m];
		bool limit = mr->limit.unit == DUR_WORKHOURS;

		if (!limit && (mr->minimum.n == 0 ||
		    mr->minimum.unit != DUR_WORKHOURS))
			continue;
		item_error(it, limit ? "limit" : "minimum", 0, "rule \"%s\": "
		    "%s \"%d workhours\" needs office_hours on calendar "
		    "\"%s\"", r->name, limit ? "limit" : "minimum",
		    limit ? mr->limit.n : mr->minimum.n, rc->calendar);
		return;
	}
}

/* Whether an offset of the policy counts office hours. */
static bool
policy_uses_workhours(const struct policy_conf *p)
{
	for (size_t i = 0; i < p->nbefore; i++)
		if (p->before[i].unit == DUR_WORKHOURS)
			return true;
	return (p->overdue_every.n != 0 &&
	    p->overdue_every.unit == DUR_WORKHOURS) ||
	    (p->escalate_after.n != 0 &&
	    p->escalate_after.unit == DUR_WORKHOURS);
}

/*
 * A policy counting "N workhours" plans on the calendar of the rule or
 * task using it (the first policy when none is named), which must have
 * office_hours.
 */
static void
check_policy_workhours(const struct item *it, const char *policy,
    const char *calendar)
{
	const struct config *conf = it->ld->conf;
	const struct policy_conf *p = NULL;
	const struct calendar_conf *cc;

	if (policy != NULL)
		p = config_policy(conf, policy);
	else if (conf->npolicies > 0)
		p = &conf->policies[0];
	if (p == NULL || !policy_uses_workhours(p) || calendar == NULL ||
	    (cc = config_calendar(conf, calendar)) == NULL ||
	    calendar_has_office_hours(cc->cal))
		return;
	item_error(it, "policy", 0, "policy \"%s\" counts workhours, but "
	    "calendar \"%s\" has no office_hours", p->name, calendar);
}

static void
check_rules(struct load *ld)
{
	struct config *conf = ld->conf;

	for (size_t i = 0; i < conf->nrules; i++) {
		struct rule_conf *rc = &conf->rules[i];
		const struct item *it = &ld->items[K_RULE][i];

		if (check_calendar_ref(it, &rc->calendar)) {
			rc->rule.cal = config_calendar(conf,
			    rc->calendar)->cal;
			check_rule_workhours(it, rc);
		}
		if (rc->policy != NULL)
			check_ref(it, "policy", 0, &rc->policy, REF_POLICY);
		check_policy_workhours(it, rc->policy, rc->calendar);
	}
}

static void
check_tasks(struct load *ld)
{
	struct config *conf = ld->conf;

	for (size_t i = 0; i < conf->ntasks; i++) {
		struct task_conf *t = &conf->tasks[i];
		const struct item *it = &ld->items[K_TASK][i];

		if (t->lead != NULL)
			check_ref(it, "lead", 0, &t->lead, REF_OFFICE);
		for (size_t a = 0; a < t->nassist; a++)
			check_ref(it, "assist", (unsigned)a, &t->assist[a],
			    REF_OFFICE_OR_GROUP);
		if (t->policy != NULL)
			check_ref(it, "policy", 0, &t->policy, REF_POLICY);
		check_calendar_ref(it, &t->calendar);
		check_policy_workhours(it, t->policy, t->calendar);
	}
}

static void
check_references(struct load *ld)
{
	if (ld->conf->ncalendars == 0) {
		problem_add(ld, ld->files[0], 0, "no calendar is defined; at "
		    "least one calendar block is needed (the first is the "
		    "default)");
		return;
	}
	check_duplicates(ld);
	check_office_names(ld);
	check_offices(ld);
	check_admin_office(ld);
	check_groups(ld);
	check_rules(ld);
	check_tasks(ld);
}

/*
 * Reading the files.
 */

static bool
has_glob_chars(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* name written in the file named from, as a path from the current dir. */
static char *
relative_to(const char *from, const char *name)
{
	const char *slash = strrchr(from, '/');

	if (name[0] == '/' || slash == NULL)
		return xstrdup(name);
	return xasprintf("%.*s%s", (int)(slash - from + 1), from, name);
}

static char *
absolute_dir(const char *name)
{
	const char *slash = strrchr(name, '/');
	char *cwd, *dir;

	if (name[0] == '/')
		return slash == name ? xstrdup("/") :
		    xasprintf("%.*s", (int)(slash - name), name);
	if ((cwd = getcwd(NULL, 0)) == NULL)
		cwd = xstrdup(".");
	if (slash == NULL)
		dir = xstrdup(cwd);
	else
		dir = xasprintf("%s/%.*s", cwd, (int)(slash - name), name);
	free(cwd);
	return dir;
}

static void
include_add(struct load *ld, cfg_t *cfg, const char *name)
{
	struct cfile *f = ld->cur;
	struct inc *inc;

	f->incs = xreallocarray(f->incs, f->nincs + 1, sizeof *f->incs);
	inc = &f->incs[f->nincs++];
	memset(inc, 0, sizeof *inc);
	for (int k = 0; k < K_NKINDS; k++)
		inc->pos[k] = cfg_size(cfg, kind_names[k]);
	inc->line = cfg->line;
	inc->name = xstrdup(name);
}

static void
include_glob(struct load *ld, cfg_t *cfg, const char *arg,
    const char *pattern)
{
	glob_t g;
	struct stat st;
	int rc;

	rc = glob(pattern, 0, NULL, &g);
	if (rc == GLOB_NOMATCH)
		return;
	if (rc != 0) {
		cfg_error(cfg, "include(\"%s\"): cannot expand the pattern",
		    arg);
		return;
	}
	for (size_t i = 0; i < g.gl_pathc; i++) {
		if (stat(g.gl_pathv[i], &st) == 0 && S_ISREG(st.st_mode))
			include_add(ld, cfg, g.gl_pathv[i]);
	}
	globfree(&g);
}

/* include("PATH-OR-GLOB"): the files are read once this one is done. */
static int
include_fn(cfg_t *cfg, cfg_opt_t *opt, int argc, const char **argv)
{
	struct load *ld = *opt->simple_value.ptr;
	struct stat st;
	char *path;

	if (cfg != ld->cur->cfg) {
		cfg_error(cfg, "include() is allowed at the top level only");
		return 0;
	}
	if (argc != 1 || argv[0][0] == '\0') {
		cfg_error(cfg, "include() takes one file name or pattern");
		return 0;
	}
	path = relative_to(ld->cur->name, argv[0]);
	if (has_glob_chars(argv[0]))
		include_glob(ld, cfg, argv[0], path);
	else if (stat(path, &st) == -1)
		cfg_error(cfg, "include(\"%s\"): %s: %s", argv[0], path,
		    strerror(errno));
	else
		include_add(ld, cfg, path);
	free(path);
	return 0;
}

static bool
include_loops(const struct cfile *f)
{
	for (const struct cfile *p = f->parent; p != NULL; p = p->parent) {
		if (p->dev == f->dev && p->ino == f->ino)
			return true;
	}
	return false;
}

static size_t
skip_quoted(const char *s, size_t len, size_t i)
{
	char quote = s[i++];

	while (i < len) {
		if (s[i] == '\\')
			i += 2;
		else if (s[i++] == quote)
			return i;
	}
	return len;
}

static void
blank_until(char *s, size_t len, size_t *i, const char *end)
{
	size_t endlen = strlen(end);

	while (*i < len) {
		if (endlen > 0 && *i + endlen <= len &&
		    memcmp(s + *i, end, endlen) == 0) {
			memset(s + *i, ' ', endlen);
			*i += endlen;
			return;
		}
		if (s[*i] == '\n' && endlen == 0)
			return;
		if (s[*i] != '\n')
			s[*i] = ' ';
		(*i)++;
	}
}

/*
 * Blanks out the comments of a config text, keeping its newlines.
 * libconfuse 3.3 counts two lines too many for each "#" or "//" comment
 * and one for each block comment, and takes a comment inside a list for a
 * value; a text without comments has neither problem.  The scan follows
 * libconfuse's lexer: quoted strings are kept, "#" outside them starts a
 * comment, "//" and "/" "*" start one where a token may start (not inside
 * an unquoted word).
 */
static void
strip_comments(char *s, size_t len)
{
	size_t i = 0;
	bool in_word = false;

	while (i < len) {
		char c = s[i], next = i + 1 < len ? s[i + 1] : '\0';

		if (c == '"' || c == '\'') {
			i = skip_quoted(s, len, i);
			in_word = false;
		} else if (c == '#' || (!in_word && c == '/' && next == '/')) {
			blank_until(s, len, &i, "");
			in_word = false;
		} else if (!in_word && c == '/' && next == '*') {
			blank_until(s, len, &i, "*/");
			in_word = false;
		} else {
			in_word = c != '\0' &&
			    strchr(" #\"'\t\n\r={}()+,*", c) == NULL;
			i++;
		}
	}
}

static char *
read_text(FILE *fp, size_t *len)
{
	size_t size = 4096, n;
	char *buf = xcalloc(1, size);

	*len = 0;
	while ((n = fread(buf + *len, 1, size - *len, fp)) > 0) {
		*len += n;
		if (*len == size)
			buf = xreallocarray(buf, size *= 2, 1);
	}
	if (ferror(fp)) {
		free(buf);
		return NULL;
	}
	buf[*len] = '\0';	/* the loop keeps *len < size */
	return buf;
}

/* cfg_parse() of the file with its comments blanked out. */
static int
parse_file(cfg_t *cfg, const char *name)
{
	FILE *fp;
	char *text;
	size_t len;
	int rc = CFG_SUCCESS, saved;

	if ((fp = fopen(name, "r")) == NULL)
		return CFG_FILE_ERROR;
	text = read_text(fp, &len);
	saved = errno;
	fclose(fp);
	if (text == NULL) {
		errno = saved;
		return CFG_FILE_ERROR;
	}
	strip_comments(text, len);
	free(cfg->filename);
	cfg->filename = xstrdup(name);
	if (len > 0) {
		if ((fp = fmemopen(text, len, "r")) == NULL)
			abort();
		rc = cfg_parse_fp(cfg, fp);
		fclose(fp);
	}
	free(text);
	return rc;
}

/* Reads name and, depth first, the files it includes. */
static struct cfile *
load_file(struct load *ld, cfg_opt_t *opts, const char *name,
    struct cfile *parent, const struct inc *from, int depth)
{
	struct cfile *f = xcalloc(1, sizeof *f);
	struct stat st;
	int rc;

	f->name = xstrdup(name);
	f->dir = absolute_dir(name);
	f->parent = parent;
	f->seq = (int)ld->nfiles;
	ld->files = xreallocarray(ld->files, ld->nfiles + 1,
	    sizeof *ld->files);
	ld->files[ld->nfiles++] = f;
	if (stat(name, &st) == 0) {
		f->dev = st.st_dev;
		f->ino = st.st_ino;
	}
	if (parent != NULL && include_loops(f)) {
		problem_add(ld, parent, from->line, "include(\"%s\"): the file "
		    "includes itself", name);
		return f;
	}
	if (depth > INCLUDE_DEPTH_MAX) {
		problem_add(ld, parent, from->line, "include(\"%s\"): includes "
		    "nested deeper than %d", name, INCLUDE_DEPTH_MAX);
		return f;
	}
	if ((f->cfg = cfg_init(opts, CFGF_NONE)) == NULL)
		abort();
	cfg_set_error_function(f->cfg, on_cfg_error);
	ld->cur = f;
	errno = 0;
	rc = parse_file(f->cfg, name);
	if (rc == CFG_FILE_ERROR) {
		if (parent == NULL)
			problem_add(ld, f, 0, "cannot read: %s",
			    strerror(errno != 0 ? errno : ENOENT));
		else
			problem_add(ld, parent, from->line, "include(\"%s\"): "
			    "%s", name, strerror(errno != 0 ? errno : ENOENT));
		ld->parse_failed = true;
		return f;
	}
	if (rc != CFG_SUCCESS) {
		ld->parse_failed = true;
		return f;
	}
	f->ok = true;
	for (size_t i = 0; i < f->nincs; i++)
		f->incs[i].child = load_file(ld, opts, f->incs[i].name, f,
		    &f->incs[i], depth + 1);
	return f;
}

/* Every option records its line; every section carries the load. */
static void
schema_hook(cfg_opt_t *opts, void **load)
{
	for (; opts->name != NULL; opts++) {
		if (opts->type == CFGT_FUNC)
			opts->simple_value.ptr = load;
		else
			opts->validcb = note_value;
		if (opts->type == CFGT_SEC)
			schema_hook(opts->subopts, load);
	}
}

#define SECTION_FLAGS	(CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES)

/* Builds the schema (on this stack frame) and reads the files. */
static void
load_files(struct load *ld, const char *path)
{
	cfg_opt_t milestone_opts[] = {
		CFG_STR("title", NULL, CFGF_NONE),
		CFG_STR("limit", NULL, CFGF_NONE),
		CFG_STR("minimum", NULL, CFGF_NONE),
		CFG_FUNC("include", include_fn),
		CFG_END()
	};
	cfg_opt_t calendar_opts[] = {
		CFG_STR_LIST("holidays", NULL, CFGF_NONE),
		CFG_STR_LIST("workdays", NULL, CFGF_NONE),
		CFG_STR_LIST("include_ics", NULL, CFGF_NONE),
		CFG_BOOL("strict", cfg_false, CFGF_NONE),
		CFG_STR("office_hours", NULL, CFGF_NONE),
		CFG_FUNC("include", include_fn),
		CFG_END()
	};
	cfg_opt_t channel_opts[] = {
		CFG_STR("type", NULL, CFGF_NONE),
		CFG_STR("url", NULL, CFGF_NONE),
		CFG_STR("secret_file", NULL, CFGF_NONE),
		CFG_STR("from", NULL, CFGF_NONE),
		CFG_STR("username", NULL, CFGF_NONE),
		CFG_STR("password_file", NULL, CFGF_NONE),
		CFG_BOOL("starttls", cfg_true, CFGF_NONE),
		CFG_STR("file", NULL, CFGF_NONE),
		CFG_INT("rate_per_minute", 0, CFGF_NONE),
		CFG_INT("connect_timeout", CONNECT_TIMEOUT_DEFAULT, CFGF_NONE),
		CFG_INT("timeout", TIMEOUT_DEFAULT, CFGF_NONE),
		CFG_STR("format", NULL, CFGF_NONE),
		CFG_STR("ca_file", NULL, CFGF_NONE),
		CFG_FUNC("include", include_fn),
		CFG_END()
	};
	cfg_opt_t office_opts[] = {
		CFG_STR_LIST("channels", NULL, CFGF_NONE),
		CFG_STR_LIST("email", NULL, CFGF_NONE),
		CFG_STR("supervisor", NULL, CFGF_NONE),
		CFG_STR_LIST("aliases", NULL, CFGF_NONE),
		CFG_FUNC("include", include_fn),
		CFG_END()
	};
	cfg_opt_t group_opts[] = {
		CFG_STR_LIST("members", NULL, CFGF_NONE),
		CFG_FUNC("include", include_fn),
		CFG_END()
	};
	cfg_opt_t policy_opts[] = {
		CFG_STR_LIST("before", NULL, CFGF_NONE),
		CFG_BOOL("at_deadline", cfg_true, CFGF_NONE),
		CFG_STR("overdue_every", NULL, CFGF_NONE),
		CFG_STR("escalate_after", NULL, CFGF_NONE),
		CFG_BOOL("notify_assist", cfg_false, CFGF_NONE),
		CFG_STR("hours", NULL, CFGF_NONE),
		CFG_FUNC("include", include_fn),
		CFG_END()
	};
	cfg_opt_t rule_opts[] = {
		CFG_STR("title", NULL, CFGF_NONE),
		CFG_STR("limit", NULL, CFGF_NONE),
		CFG_STR("extension", NULL, CFGF_NONE),
		CFG_STR("minimum", NULL, CFGF_NONE),
		CFG_INT("max_extensions", 0, CFGF_NONE),
		CFG_STR("roll", NULL, CFGF_NONE),
		CFG_STR("calendar", NULL, CFGF_NONE),
		CFG_STR("policy", NULL, CFGF_NONE),
		CFG_SEC("milestone", milestone_opts, SECTION_FLAGS),
		CFG_FUNC("include", include_fn),
		CFG_END()
	};
	cfg_opt_t task_opts[] = {
		CFG_STR("title", NULL, CFGF_NONE),
		CFG_STR("lead", NULL, CFGF_NONE),
		CFG_STR_LIST("assist", NULL, CFGF_NONE),
		CFG_STR("due", NULL, CFGF_NONE),
		CFG_STR("repeat", NULL, CFGF_NONE),
		CFG_STR("policy", NULL, CFGF_NONE),
		CFG_STR("calendar", NULL, CFGF_NONE),
		CFG_STR("target", NULL, CFGF_NONE),
		CFG_FUNC("include", include_fn),
		CFG_END()
	};
	cfg_opt_t template_opts[] = {
		CFG_STR("file", NULL, CFGF_NONE),
		CFG_FUNC("include", include_fn),
		CFG_END()
	};
	cfg_opt_t root_opts[] = {
		CFG_STR("timezone", NULL, CFGF_NONE),
		CFG_STR("database", NULL, CFGF_NONE),
		CFG_STR("socket", NULL, CFGF_NONE),
		CFG_STR("socket_group", NULL, CFGF_NONE),
		CFG_STR("listen", NULL, CFGF_NONE),
		CFG_STR("token_file", NULL, CFGF_NONE),
		CFG_STR("ack_base_url", NULL, CFGF_NONE),
		CFG_STR("admin_office", NULL, CFGF_NONE),
		CFG_STR("log_level", NULL, CFGF_NONE),
		CFG_STR("deadline_time", NULL, CFGF_NONE),
		CFG_STR("language", NULL, CFGF_NONE),
		CFG_INT("group_wait", 0, CFGF_NONE),
		CFG_INT("digest_min", DIGEST_MIN_DEFAULT, CFGF_NONE),
		CFG_INT("max_inflight", MAX_INFLIGHT_DEFAULT, CFGF_NONE),
		CFG_INT("retry_base", RETRY_BASE_DEFAULT, CFGF_NONE),
		CFG_STR("retry_max_age", NULL, CFGF_NONE),
		CFG_SEC("calendar", calendar_opts, SECTION_FLAGS),
		CFG_SEC("channel", channel_opts, SECTION_FLAGS),
		CFG_SEC("office", office_opts, SECTION_FLAGS),
		CFG_SEC("group", group_opts, SECTION_FLAGS),
		CFG_SEC("policy", policy_opts, SECTION_FLAGS),
		CFG_SEC("rule", rule_opts, SECTION_FLAGS),
		CFG_SEC("task", task_opts, SECTION_FLAGS),
		CFG_SEC("template", template_opts, SECTION_FLAGS),
		CFG_FUNC("include", include_fn),
		CFG_END()
	};
	void *load = ld;

	schema_hook(root_opts, &load);
	load_file(ld, root_opts, path, NULL, NULL, 0);
}

static void
load_free(struct load *ld)
{
	for (size_t i = 0; i < ld->nfiles; i++) {
		struct cfile *f = ld->files[i];

		if (f->cfg != NULL)
			cfg_free(f->cfg);
		for (size_t j = 0; j < f->nincs; j++)
			free(f->incs[j].name);
		free(f->incs);
		free(f->name);
		free(f->dir);
		free(f);
	}
	free(ld->files);
	for (size_t i = 0; i < ld->nproblems; i++)
		free(ld->problems[i].msg);
	free(ld->problems);
	free(ld->lines);
	free(ld->starts);
	for (int k = 0; k < K_NKINDS; k++)
		free(ld->items[k]);
}

struct config *
config_load(const char *path, struct errors *errs)
{
	static const convert_fn convert[K_NKINDS] = {
		calendar_convert, channel_convert, office_convert,
		group_convert, policy_convert, rule_convert, task_convert,
		template_convert,
	};
	struct load ld = { 0 };
	struct config *conf;

	conf = ld.conf = xcalloc(1, sizeof *conf);
	conf->path = xstrdup(path);
	load_files(&ld, path);
	lines_index(&ld);
	top_settings(&ld);
	for (int k = 0; k < K_NKINDS; k++)
		walk_kind(&ld, ld.files[0], (enum kind)k, convert[k]);
	if (!ld.parse_failed)
		check_references(&ld);

	if (ld.nproblems > 0)
		qsort(ld.problems, ld.nproblems, sizeof *ld.problems,
		    problem_cmp);
	for (size_t i = 0; i < ld.nproblems; i++) {
		const struct problem *p = &ld.problems[i];

		if (p->line > 0)
			errors_add(errs, "%s:%d: %s", p->file->name, p->line,
			    p->msg);
		else
			errors_add(errs, "%s: %s", p->file->name, p->msg);
	}
	if (ld.nproblems > 0) {
		config_free(conf);
		conf = NULL;
	}
	load_free(&ld);
	return conf;
}

static void
strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void
rule_free(struct rule_conf *rc)
{
	for (size_t i = 0; i < rc->rule.nmilestones; i++) {
		free(rc->rule.milestones[i].name);
		free(rc->milestone_title[i]);
	}
	free(rc->rule.milestones);
	free(rc->milestone_title);
	free(rc->rule.name);
	free(rc->rule.title);
	free(rc->calendar);
	free(rc->policy);
	free(rc->origin.file);
}

void
config_free(struct config *conf)
{
	if (conf == NULL)
		return;
	for (size_t i = 0; i < conf->ncalendars; i++) {
		free(conf->calendars[i].name);
		calendar_free(conf->calendars[i].cal);
		free(conf->calendars[i].origin.file);
	}
	for (size_t i = 0; i < conf->nchannels; i++) {
		struct channel_conf *ch = &conf->channels[i];

		free(ch->name);
		free(ch->url);
		free(ch->secret_file);
		free(ch->from);
		free(ch->username);
		free(ch->password_file);
		free(ch->file);
		free(ch->ca_file);
		free(ch->origin.file);
	}
	for (size_t i = 0; i < conf->noffices; i++) {
		struct office_conf *o = &conf->offices[i];

		free(o->name);
		strv_free(o->channels, o->nchannels);
		strv_free(o->email, o->nemail);
		free(o->supervisor);
		strv_free(o->aliases, o->naliases);
		free(o->origin.file);
	}
	for (size_t i = 0; i < conf->ngroups; i++) {
		free(conf->groups[i].name);
		strv_free(conf->groups[i].members, conf->groups[i].nmembers);
		free(conf->groups[i].origin.file);
	}
	for (size_t i = 0; i < conf->npolicies; i++) {
		free(conf->policies[i].name);
		free(conf->policies[i].before);
		free(conf->policies[i].origin.file);
	}
	for (size_t i = 0; i < conf->nrules; i++)
		rule_free(&conf->rules[i]);
	for (size_t i = 0; i < conf->ntasks; i++) {
		struct task_conf *t = &conf->tasks[i];

		free(t->id);
		free(t->title);
		free(t->lead);
		strv_free(t->assist, t->nassist);
		free(t->repeat);
		free(t->policy);
		free(t->calendar);
		free(t->target);
		free(t->origin.file);
	}
	for (size_t i = 0; i < conf->ntemplates; i++) {
		free(conf->templates[i].kind);
		free(conf->templates[i].file);
		free(conf->templates[i].content);
		free(conf->templates[i].origin.file);
	}
	free(conf->templates);
	free(conf->calendars);
	free(conf->channels);
	free(conf->offices);
	free(conf->groups);
	free(conf->policies);
	free(conf->rules);
	free(conf->tasks);
	free(conf->path);
	free(conf->timezone);
	free(conf->database);
	free(conf->socket);
	free(conf->socket_group);
	free(conf->listen);
	free(conf->token_file);
	free(conf->ack_base_url);
	free(conf->admin_office);
	free(conf->log_level);
	free(conf->language);
	free(conf);
}

const struct calendar_conf *
config_calendar(const struct config *conf, const char *name)
{
	for (size_t i = 0; i < conf->ncalendars; i++) {
		if (strcmp(conf->calendars[i].name, name) == 0)
			return &conf->calendars[i];
	}
	return NULL;
}

const struct channel_conf *
config_channel(const struct config *conf, const char *name)
{
	for (size_t i = 0; i < conf->nchannels; i++) {
		if (strcmp(conf->channels[i].name, name) == 0)
			return &conf->channels[i];
	}
	return NULL;
}

const struct office_conf *
config_office(const struct config *conf, const char *name)
{
	for (size_t i = 0; i < conf->noffices; i++) {
		if (strcmp(conf->offices[i].name, name) == 0)
			return &conf->offices[i];
	}
	for (size_t i = 0; i < conf->noffices; i++) {
		for (size_t a = 0; a < conf->offices[i].naliases; a++) {
			if (strcmp(conf->offices[i].aliases[a], name) == 0)
				return &conf->offices[i];
		}
	}
	return NULL;
}

const struct group_conf *
config_group(const struct config *conf, const char *name)
{
	for (size_t i = 0; i < conf->ngroups; i++) {
		if (strcmp(conf->groups[i].name, name) == 0)
			return &conf->groups[i];
	}
	return NULL;
}

const struct policy_conf *
config_policy(const struct config *conf, const char *name)
{
	for (size_t i = 0; i < conf->npolicies; i++) {
		if (strcmp(conf->policies[i].name, name) == 0)
			return &conf->policies[i];
	}
	return NULL;
}

const struct rule_conf *
config_rule(const struct config *conf, const char *name)
{
	for (size_t i = 0; i < conf->nrules; i++) {
		if (strcmp(conf->rules[i].rule.name, name) == 0)
			return &conf->rules[i];
	}
	return NULL;
}

const struct template_conf *
config_template(const struct config *conf, const char *kind)
{
	for (size_t i = 0; i < conf->ntemplates; i++) {
		if (strcmp(conf->templates[i].kind, kind) == 0)
			return &conf->templates[i];
	}
	return NULL;
}
