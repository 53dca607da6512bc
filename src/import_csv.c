/*
 * Work plans from CSV files (import_csv.h).
 *
 * Decisions visible to users:
 *  - Encoding: UTF-8 when the bytes are valid UTF-8 (a BOM is dropped),
 *    else GBK (read as GB18030, its superset, with iconv).  Text that is
 *    mostly valid UTF-8 with a few bad bytes is reported as broken UTF-8
 *    rather than read as GBK; UTF-16 and NUL bytes are refused with a hint
 *    to save the sheet as CSV.  The error names the line of the first bad
 *    byte.
 *  - Rows are named by the line of the file where they start (a quoted
 *    field may span lines), as an editor shows them.
 *  - The header row is the first row naming both a title column and a
 *    lead column; rows before it (the plan's title) are skipped.  Headers
 *    are matched whole, Chinese or English (case does not matter):
 *      number   序号 编号 number no
 *      title    任务名称 事项名称 指标名称 措施名称 工作任务 任务 title
 *      lead     责任部门 责任单位 牵头部门 牵头单位 lead
 *      assist   配合 配合部门 配合单位 assist
 *      due      时间节点 完成时限 完成时间 时限 due
 *      target   指标要求 目标 target
 *    Other columns are ignored with a warning.
 *  - A file may hold several tables, as printed plans do: a later header
 *    row starts a new table (its columns may differ), and a row with text
 *    in its first cell only ("（二）预期性指标") is a heading that starts
 *    a new part (a number alone is a row with missing cells, not a
 *    heading).  When the same number appears in two parts, every number
 *    of the file is prefixed with its part ("2.14": part 2, item 14), parts
 *    counted from 1 in file order; a plain numbered list keeps its numbers.
 *  - A row without a number takes its line number.  The same number twice
 *    in one part is an error.
 *  - Rows without a due cell take --due (default_due); without that they
 *    are an error.
 */
#include "import_csv.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "duephrase.h"
#include "errors.h"
#include "import_cell.h"

#define NELEM(a) (sizeof (a) / sizeof (a)[0])

enum column {
	COL_NUMBER,
	COL_TITLE,
	COL_LEAD,
	COL_ASSIST,
	COL_DUE,
	COL_TARGET,
	NCOLUMNS,
};

static const struct {
	const char	*header;
	enum column	 column;
} header_names[] = {
	{ "序号", COL_NUMBER }, { "编号", COL_NUMBER },
	{ "number", COL_NUMBER }, { "no", COL_NUMBER },
	{ "任务名称", COL_TITLE }, { "事项名称", COL_TITLE },
	{ "指标名称", COL_TITLE }, { "措施名称", COL_TITLE },
	{ "工作任务", COL_TITLE }, { "任务", COL_TITLE },
	{ "title", COL_TITLE },
	{ "责任部门", COL_LEAD }, { "责任单位", COL_LEAD },
	{ "牵头部门", COL_LEAD }, { "牵头单位", COL_LEAD },
	{ "lead", COL_LEAD },
	{ "配合", COL_ASSIST }, { "配合部门", COL_ASSIST },
	{ "配合单位", COL_ASSIST }, { "assist", COL_ASSIST },
	{ "时间节点", COL_DUE }, { "完成时限", COL_DUE },
	{ "完成时间", COL_DUE }, { "时限", COL_DUE }, { "due", COL_DUE },
	{ "指标要求", COL_TARGET }, { "目标", COL_TARGET },
	{ "target", COL_TARGET },
};

/* The columns of the table being read; names point into the csv_file. */
struct columns {
	int		 index[NCOLUMNS];	/* -1: absent */
	const char	*name[NCOLUMNS];	/* the header as written */
};

/* Where a task came from, for the checks after all rows are read. */
struct row_origin {
	int		 part;
	const char	*number_column;
};

struct reader {
	const struct import_options	*opt;
	struct import_plan		*plan;
	struct row_origin		*origin;	/* parallel to plan->task */
	struct errors			*errs;
	struct errors			*warns;
	struct columns			 cols;
	int				 default_due;	/* -1: none or bad */
	bool				 due_missing_said;
};

/* ---------------------------------------------------------------- */
/* Encodings */

/* Bytes of the valid UTF-8 sequence at p, or 0. */
static size_t
utf8_sequence(const unsigned char *p, size_t rem)
{
	uint32_t cp;
	size_t n;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (rem < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

static int
line_of(const char *data, size_t off)
{
	int line = 1;

	for (size_t i = 0; i < off; i++)
		if (data[i] == '\n')
			line++;
	return line;
}

static bool
gbk_to_utf8(const char *data, size_t len, char **out, size_t *outlen,
    struct csv_error *err)
{
	iconv_t cd;
	char *in = (char *)data, *buf, *o;
	size_t inleft = len, cap = len * 2 + 4, oleft = cap;

	/* GB18030 is at most 4 bytes for 4 of UTF-8, 2 for 3, 1 for 1. */
	if ((cd = iconv_open("UTF-8", "GB18030")) == (iconv_t)-1) {
		err->line = 1;
		snprintf(err->msg, sizeof err->msg, "cannot convert from "
		    "GBK: %s", strerror(errno));
		return false;
	}
	if ((buf = malloc(cap)) == NULL)
		abort();
	o = buf;
	if (iconv(cd, &in, &inleft, &o, &oleft) == (size_t)-1) {
		size_t off = (size_t)(in - data);

		err->line = line_of(data, off);
		snprintf(err->msg, sizeof err->msg, "neither UTF-8 nor GBK "
		    "(byte 0x%02x)", (unsigned char)data[off]);
		iconv_close(cd);
		free(buf);
		return false;
	}
	iconv_close(cd);
	*o = '\0';
	*out = buf;
	*outlen = (size_t)(o - buf);
	return true;
}

bool
csv_decode(const char *data, size_t len, char **out, size_t *outlen,
    const char **encoding, struct csv_error *err)
{
	const unsigned char *u = (const unsigned char *)data;
	size_t i = 0, n, good = 0, bad = 0, first_bad = len;
	const char *nul;

	if (len >= 2 && ((u[0] == 0xff && u[1] == 0xfe) ||
	    (u[0] == 0xfe && u[1] == 0xff))) {
		err->line = 1;
		snprintf(err->msg, sizeof err->msg, "the file is UTF-16: "
		    "save the sheet as CSV (UTF-8)");
		return false;
	}
	if ((nul = memchr(data, '\0', len)) != NULL) {
		err->line = line_of(data, (size_t)(nul - data));
		snprintf(err->msg, sizeof err->msg, "a NUL byte: not a text "
		    "file (save the sheet as CSV)");
		return false;
	}
	while (i < len) {
		if ((n = utf8_sequence(u + i, len - i)) == 0) {
			if (first_bad == len)
				first_bad = i;
			bad++;
			i++;
		} else {
			if (n > 1)
				good += n;
			i += n;
		}
	}
	if (bad == 0) {
		if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
			data += 3;
			len -= 3;
		}
		if ((*out = malloc(len + 1)) == NULL)
			abort();
		memcpy(*out, data, len);
		(*out)[len] = '\0';
		*outlen = len;
		*encoding = "UTF-8";
		return true;
	}
	/* GBK text is valid UTF-8 only here and there, by accident. */
	if (good > 4 * bad) {
		err->line = line_of(data, first_bad);
		snprintf(err->msg, sizeof err->msg, "not valid UTF-8 (byte "
		    "0x%02x)", u[first_bad]);
		return false;
	}
	if (!gbk_to_utf8(data, len, out, outlen, err))
		return false;
	*encoding = "GBK";
	return true;
}

/* ---------------------------------------------------------------- */
/* Records */

struct strbuf {
	char	*s;
	size_t	 len;
	size_t	 cap;
};

static void
strbuf_add(struct strbuf *b, char c)
{
	if (b->len + 1 >= b->cap) {
		b->cap = b->cap == 0 ? 64 : b->cap * 2;
		if ((b->s = realloc(b->s, b->cap)) == NULL)
			abort();
	}
	b->s[b->len++] = c;
}

static void
record_add(struct csv_record *r, struct strbuf *b)
{
	char **grown, *field;

	if ((field = strndup(b->s != NULL ? b->s : "", b->len)) == NULL)
		abort();
	if ((grown = realloc(r->field, (r->n + 1) * sizeof *grown)) == NULL)
		abort();
	r->field = grown;
	r->field[r->n++] = field;
	b->len = 0;
}

static void
file_add(struct csv_file *f, struct csv_record *r)
{
	struct csv_record *grown;

	/* Doubles at powers of two, so a long file costs few copies. */
	if ((f->n & (f->n - 1)) == 0) {
		grown = realloc(f->rec, (f->n == 0 ? 1 : f->n * 2) *
		    sizeof *grown);
		if (grown == NULL)
			abort();
		f->rec = grown;
	}
	f->rec[f->n++] = *r;
}

static void
record_free(struct csv_record *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->field[i]);
	free(r->field);
}

/*
 * A quoted field from just after its opening quote.  Returns false with
 * err when it is not closed or text follows the closing quote.
 */
static bool
read_quoted(const char **pp, const char *end, int *line, struct strbuf *b,
    struct csv_error *err)
{
	const char *p = *pp;
	int opened = *line;

	for (;;) {
		if (p >= end) {
			err->line = opened;
			snprintf(err->msg, sizeof err->msg, "a quoted field "
			    "is never closed");
			return false;
		}
		if (*p == '"') {
			if (p + 1 < end && p[1] == '"') {
				strbuf_add(b, '"');
				p += 2;
				continue;
			}
			p++;
			break;
		}
		if (*p == '\n')
			(*line)++;
		/* A CRLF inside a field is kept as LF. */
		if (!(*p == '\r' && p + 1 < end && p[1] == '\n'))
			strbuf_add(b, *p);
		p++;
	}
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p < end && *p != ',' && *p != '\n' && *p != '\r') {
		err->line = *line;
		snprintf(err->msg, sizeof err->msg, "text after the closing "
		    "quote of a field");
		return false;
	}
	*pp = p;
	return true;
}

bool
csv_parse(const char *text, size_t len, struct csv_file *f,
    struct csv_error *err)
{
	const char *p = text, *end = text + len;
	struct strbuf b = { NULL, 0, 0 };
	struct csv_record r;
	int line = 1;

	f->rec = NULL;
	f->n = 0;
	while (p < end) {
		r.line = line;
		r.field = NULL;
		r.n = 0;
		for (;;) {
			if (p < end && *p == '"') {
				p++;
				if (!read_quoted(&p, end, &line, &b, err)) {
					record_free(&r);
					free(b.s);
					csv_file_free(f);
					return false;
				}
			} else {
				while (p < end && *p != ',' && *p != '\n' &&
				    *p != '\r')
					strbuf_add(&b, *p++);
			}
			record_add(&r, &b);
			if (p < end && *p == ',') {
				p++;
				continue;
			}
			if (p < end && *p == '\r')
				p++;
			if (p < end && *p == '\n')
				p++;
			line++;
			break;
		}
		file_add(f, &r);
	}
	free(b.s);
	return true;
}

void
csv_file_free(struct csv_file *f)
{
	for (size_t i = 0; i < f->n; i++)
		record_free(&f->rec[i]);
	free(f->rec);
	f->rec = NULL;
	f->n = 0;
}

/* ---------------------------------------------------------------- */
/* Cells */

static const char *const blanks[] = {
	" ", "\t", "\r", "\n", "\u3000", "\u00a0",
};

static size_t
blank_at(const char *p)
{
	for (size_t i = 0; i < NELEM(blanks); i++)
		if (strncmp(p, blanks[i], strlen(blanks[i])) == 0)
			return strlen(blanks[i]);
	return 0;
}

static size_t
blank_before(const char *s, size_t len)
{
	for (size_t i = 0; i < NELEM(blanks); i++) {
		size_t bl = strlen(blanks[i]);

		if (len >= bl && memcmp(s + len - bl, blanks[i], bl) == 0)
			return bl;
	}
	return 0;
}

/* A malloc'ed copy of s without blanks around it. */
static char *
trimmed(const char *s)
{
	size_t len, k;
	char *copy;

	while ((k = blank_at(s)) > 0)
		s += k;
	len = strlen(s);
	while ((k = blank_before(s, len)) > 0)
		len -= k;
	if ((copy = strndup(s, len)) == NULL)
		abort();
	return copy;
}

static const char *
cell_at(const struct csv_record *r, int index)
{
	return index >= 0 && (size_t)index < r->n ? r->field[index] : "";
}

static bool
cell_is_blank(const char *s)
{
	size_t k;

	while ((k = blank_at(s)) > 0)
		s += k;
	return *s == '\0';
}

/* A malloc'ed copy of the cell without blanks, or NULL when blank. */
static char *
cell(const struct csv_record *r, int index)
{
	const char *s = cell_at(r, index);

	return cell_is_blank(s) ? NULL : trimmed(s);
}

static size_t
nonblank_cells(const struct csv_record *r, size_t *first)
{
	size_t n = 0;

	for (size_t i = r->n; i-- > 0; )
		if (!cell_is_blank(r->field[i])) {
			*first = i;
			n++;
		}
	return n;
}

static int
header_column(const char *field)
{
	char *name = trimmed(field);
	int column = -1;

	for (size_t i = 0; i < NELEM(header_names); i++)
		if (strcasecmp(name, header_names[i].header) == 0) {
			column = (int)header_names[i].column;
			break;
		}
	free(name);
	return column;
}

static bool
is_header_row(const struct csv_record *r)
{
	bool title = false, lead = false;

	for (size_t i = 0; i < r->n; i++) {
		int column = header_column(r->field[i]);

		title = title || column == COL_TITLE;
		lead = lead || column == COL_LEAD;
	}
	return title && lead;
}

/* ---------------------------------------------------------------- */
/* Rows */

static void
read_header(struct reader *rd, const struct csv_record *r)
{
	const char *name = rd->opt->name;
	struct columns *cols = &rd->cols;

	for (int c = 0; c < NCOLUMNS; c++) {
		cols->index[c] = -1;
		cols->name[c] = NULL;
	}
	for (size_t i = 0; i < r->n; i++) {
		int column = header_column(r->field[i]);

		if (cell_is_blank(r->field[i]))
			continue;
		if (column == -1) {
			errors_add(rd->warns, "%s:%d: column %zu \"%s\" is "
			    "not one duban reads: ignored", name, r->line,
			    i + 1, r->field[i]);
			continue;
		}
		if (cols->index[column] != -1) {
			errors_add(rd->errs, "%s:%d: columns \"%s\" and \"%s\" "
			    "say the same", name, r->line,
			    cols->name[column], r->field[i]);
			continue;
		}
		cols->index[column] = (int)i;
		cols->name[column] = r->field[i];
	}
	if (cols->index[COL_DUE] == -1 && rd->opt->default_due == NULL &&
	    !rd->due_missing_said) {
		errors_add(rd->errs, "%s:%d: no due column (时间节点 or due): "
		    "give --due for the rows without one", name, r->line);
		rd->due_missing_said = true;
	}
}

/* Full-width digits made ASCII, a trailing "." or "、" dropped. */
static void
normalize_number(char *s)
{
	char *o = s;
	size_t len;

	for (const char *p = s; *p != '\0'; ) {
		if ((unsigned char)p[0] == 0xef && (unsigned char)p[1] == 0xbc
		    && (unsigned char)p[2] >= 0x90 &&
		    (unsigned char)p[2] <= 0x99) {
			*o++ = (char)('0' + (unsigned char)p[2] - 0x90);
			p += 3;
		} else
			*o++ = *p++;
	}
	*o = '\0';
	len = strlen(s);
	if (len > 1 && s[len - 1] == '.')
		s[--len] = '\0';
	if (len > 3 && strcmp(s + len - 3, "、") == 0)
		s[len - 3] = '\0';
}

static bool
read_due(struct reader *rd, const struct csv_record *r,
    struct import_task *t)
{
	const struct import_options *opt = rd->opt;
	char err[512];
	char *text = cell(r, rd->cols.index[COL_DUE]);

	if (text == NULL) {
		if (rd->default_due != -1) {
			t->due = rd->default_due;
			if ((t->due_text = strdup(opt->default_due)) == NULL)
				abort();
			return true;
		}
		if (rd->cols.index[COL_DUE] != -1 && opt->default_due == NULL)
			errors_add(rd->errs, "%s:%d: column %s: empty (give "
			    "--due for the rows without a date)", opt->name,
			    r->line, rd->cols.name[COL_DUE]);
		return false;
	}
	if (!duephrase_parse(text, opt->year, &t->due, err, sizeof err)) {
		errors_add(rd->errs, "%s:%d: column %s: %s", opt->name,
		    r->line, rd->cols.name[COL_DUE], err);
		free(text);
		return false;
	}
	t->due_text = text;
	return true;
}

static bool
read_offices(struct reader *rd, const struct csv_record *r,
    struct import_task *t)
{
	struct office_cell oc;
	char err[256], *lead, *assist;

	office_cell_init(&oc);
	lead = cell(r, rd->cols.index[COL_LEAD]);
	if (lead == NULL || !office_cell_parse(&oc, lead, err, sizeof err)) {
		errors_add(rd->errs, "%s:%d: column %s: %s", rd->opt->name,
		    r->line, rd->cols.name[COL_LEAD],
		    lead == NULL ? "empty" : err);
		free(lead);
		return false;
	}
	free(lead);
	if ((assist = cell(r, rd->cols.index[COL_ASSIST])) != NULL)
		office_cell_add_assisting(&oc, assist);
	free(assist);
	t->lead = oc.lead;
	t->assist = oc.assist;
	t->nassist = oc.nassist;
	return true;
}

static void
task_free(struct import_task *t)
{
	free(t->number);
	free(t->title);
	free(t->lead);
	for (size_t i = 0; i < t->nassist; i++)
		free(t->assist[i]);
	free(t->assist);
	for (size_t i = 0; i < t->nresponsible; i++)
		free(t->responsible[i]);
	free(t->responsible);
	free(t->section);
	free(t->due_text);
	free(t->target);
}

static void
add_task(struct reader *rd, struct import_task *t, int part)
{
	struct import_plan *plan = rd->plan;
	size_t n = plan->n;

	if ((n & (n - 1)) == 0) {
		size_t cap = n == 0 ? 1 : n * 2;

		plan->task = realloc(plan->task, cap * sizeof *plan->task);
		rd->origin = realloc(rd->origin, cap * sizeof *rd->origin);
		if (plan->task == NULL || rd->origin == NULL)
			abort();
	}
	plan->task[n] = *t;
	rd->origin[n].part = part;
	rd->origin[n].number_column = rd->cols.name[COL_NUMBER];
	plan->n++;
}

/* Reads a data row into a task; every problem goes to rd->errs. */
static void
read_row(struct reader *rd, const struct csv_record *r, int part)
{
	struct import_task t;
	char num[16];
	bool ok = true;

	memset(&t, 0, sizeof t);
	t.row = r->line;
	if ((t.number = cell(r, rd->cols.index[COL_NUMBER])) == NULL) {
		snprintf(num, sizeof num, "%d", r->line);
		if ((t.number = strdup(num)) == NULL)
			abort();
	}
	normalize_number(t.number);
	if ((t.title = cell(r, rd->cols.index[COL_TITLE])) == NULL) {
		errors_add(rd->errs, "%s:%d: column %s: empty", rd->opt->name,
		    r->line, rd->cols.name[COL_TITLE]);
		ok = false;
	}
	ok = read_offices(rd, r, &t) && ok;
	ok = read_due(rd, r, &t) && ok;
	t.target = cell(r, rd->cols.index[COL_TARGET]);
	if (!ok) {
		task_free(&t);
		return;
	}
	add_task(rd, &t, part);
}

/* Whether the cell is only a number ("12", "３.", "2.1"), blanks aside. */
static bool
is_number(const char *field)
{
	char *s = trimmed(field);
	bool digits;

	normalize_number(s);
	digits = s[0] != '\0' && strspn(s, "0123456789.") == strlen(s);
	free(s);
	return digits;
}

/*
 * A row with text in its first cell only, where the table has no title
 * (a number alone is a row whose other cells are missing).
 */
static bool
is_heading_row(const struct reader *rd, const struct csv_record *r)
{
	size_t first = 0;

	return nonblank_cells(r, &first) == 1 && first == 0 &&
	    rd->cols.index[COL_TITLE] != 0 && !is_number(r->field[0]);
}

/* ---------------------------------------------------------------- */
/* Numbers */

struct numbered {
	const char	*number;
	size_t		 i;
};

static int
numbered_cmp(const void *a, const void *b)
{
	const struct numbered *x = a, *y = b;
	int c = strcmp(x->number, y->number);

	if (c != 0)
		return c;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* The tasks' indexes sorted by number, then by position. */
static struct numbered *
sorted_numbers(const struct import_plan *plan)
{
	struct numbered *v;

	if ((v = calloc(plan->n + 1, sizeof *v)) == NULL)
		abort();
	for (size_t i = 0; i < plan->n; i++) {
		v[i].number = plan->task[i].number;
		v[i].i = i;
	}
	qsort(v, plan->n, sizeof *v, numbered_cmp);
	return v;
}

static void
prefix_parts(struct reader *rd)
{
	struct import_plan *plan = rd->plan;

	for (size_t i = 0; i < plan->n; i++) {
		char *numbered;

		if (asprintf(&numbered, "%d.%s", rd->origin[i].part,
		    plan->task[i].number) == -1)
			abort();
		free(plan->task[i].number);
		plan->task[i].number = numbered;
	}
}

/*
 * Numbers repeated across parts get their part as a prefix; numbers that
 * still repeat are errors.
 */
static void
check_numbers(struct reader *rd)
{
	struct import_plan *plan = rd->plan;
	struct numbered *v = sorted_numbers(plan);
	bool across_parts = false;

	for (size_t k = 1; k < plan->n; k++)
		if (strcmp(v[k - 1].number, v[k].number) == 0 &&
		    rd->origin[v[k - 1].i].part != rd->origin[v[k].i].part)
			across_parts = true;
	if (across_parts) {
		free(v);
		prefix_parts(rd);
		v = sorted_numbers(plan);
	}
	for (size_t k = 1; k < plan->n; k++) {
		const struct import_task *first = &plan->task[v[k - 1].i];
		const struct import_task *again = &plan->task[v[k].i];
		const char *column = rd->origin[v[k].i].number_column;

		if (strcmp(first->number, again->number) != 0)
			continue;
		errors_add(rd->errs, "%s:%d: column %s: number %s again "
		    "(first on line %d)", rd->opt->name, again->row,
		    column != NULL ? column : "序号", again->number,
		    first->row);
	}
	free(v);
}

/* ---------------------------------------------------------------- */

static void
read_records(struct reader *rd, const struct csv_file *f)
{
	bool have_header = false, new_part = true;
	int part = 0;

	for (size_t i = 0; i < f->n; i++) {
		const struct csv_record *r = &f->rec[i];
		size_t first;

		if (nonblank_cells(r, &first) == 0)
			continue;
		if (is_header_row(r)) {
			read_header(rd, r);
			have_header = true;
			new_part = true;
			continue;
		}
		if (!have_header)
			continue;	/* the plan's title and such */
		if (is_heading_row(rd, r)) {
			new_part = true;
			continue;
		}
		if (new_part) {
			part++;
			new_part = false;
		}
		read_row(rd, r, part);
	}
	if (!have_header)
		errors_add(rd->errs, "%s: no header row naming a title column "
		    "(任务名称, 事项名称, 指标名称 or title) and a lead column "
		    "(责任部门 or lead)", rd->opt->name);
}

bool
import_csv(const char *data, size_t len, const struct import_options *opt,
    struct import_plan *plan, struct errors *errs, struct errors *warns)
{
	struct reader rd;
	struct csv_file f;
	struct csv_error cerr;
	char err[512], *text;
	size_t textlen, nerrs = errs->n;
	const char *encoding;

	memset(plan, 0, sizeof *plan);
	memset(&rd, 0, sizeof rd);
	rd.opt = opt;
	rd.plan = plan;
	rd.errs = errs;
	rd.warns = warns;
	rd.default_due = -1;
	if (opt->default_due != NULL && !duephrase_parse(opt->default_due,
	    opt->year, &rd.default_due, err, sizeof err)) {
		errors_add(errs, "--due: %s", err);
		rd.default_due = -1;
	}
	if (!csv_decode(data, len, &text, &textlen, &encoding, &cerr)) {
		errors_add(errs, "%s:%d: %s", opt->name, cerr.line, cerr.msg);
		return false;
	}
	if (!csv_parse(text, textlen, &f, &cerr)) {
		errors_add(errs, "%s:%d: %s", opt->name, cerr.line, cerr.msg);
		free(text);
		return false;
	}
	free(text);
	read_records(&rd, &f);
	check_numbers(&rd);	/* before f goes: names point into it */
	csv_file_free(&f);
	free(rd.origin);
	plan->encoding = encoding;
	if (errs->n > nerrs) {
		import_plan_free(plan);
		return false;
	}
	return true;
}

void
import_plan_free(struct import_plan *plan)
{
	for (size_t i = 0; i < plan->n; i++)
		task_free(&plan->task[i]);
	free(plan->task);
	plan->task = NULL;
	plan->n = 0;
}
