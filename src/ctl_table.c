/*
 * Aligned text tables for dubanctl (see ctl_table.h).
 *
 * Decisions:
 *  - Width is what wcwidth() says under C.UTF-8: CJK ideographs and
 *    fullwidth punctuation (、，（）) take two columns; "…" and "—" take
 *    one (East Asian "ambiguous" width, narrow outside CJK locales).
 *  - Control characters in a cell (a newline in an imported title) are
 *    shown as a space, so one row stays one line.
 *  - Columns are separated by two spaces; lines have no trailing blanks.
 */
#include "ctl_table.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define CTL_TABLE_GAP	"  "
#define ELLIPSIS	"\xe2\x80\xa6"	/* U+2026, one column */

struct ctl_table {
	size_t	  ncols;
	char	**cells;	/* row-major, row 0 is the header */
	size_t	  nrows;	/* including the header */
	size_t	  cap;		/* rows allocated */
	size_t	 *max;		/* per column: truncate to; 0: never */
	bool	 *right;	/* per column: align right */
	bool	  failed;	/* a row could not be stored */
};

/*
 * Decodes the character at s (n bytes left): its length in bytes and
 * display width.  Invalid bytes are one byte and one column each.
 */
static size_t
char_at(const char *s, size_t n, size_t *width)
{
	mbstate_t st;
	wchar_t wc;
	size_t len;
	int w;

	memset(&st, 0, sizeof st);
	len = mbrtowc(&wc, s, n, &st);
	if (len == (size_t)-1 || len == (size_t)-2 || len == 0) {
		*width = 1;
		return 1;
	}
	w = wcwidth(wc);
	*width = w < 0 ? 1 : (size_t)w;
	return len;
}

size_t
ctl_width(const char *s)
{
	size_t n = strlen(s), total = 0, w;

	while (n > 0) {
		size_t len = char_at(s, n, &w);

		total += w;
		s += len;
		n -= len;
	}
	return total;
}

char *
ctl_truncate(const char *s, size_t max)
{
	size_t n = strlen(s), used = 0, keep = 0, w;
	char *out;

	if (ctl_width(s) <= max)
		return strdup(s);
	/* Keep whole characters that fit in max - 1, then the ellipsis. */
	while (max > 0 && keep < n) {
		size_t len = char_at(s + keep, n - keep, &w);

		if (used + w > max - 1)
			break;
		used += w;
		keep += len;
	}
	if ((out = malloc(keep + sizeof ELLIPSIS)) == NULL)
		return NULL;
	memcpy(out, s, keep);
	if (max > 0)
		memcpy(out + keep, ELLIPSIS, sizeof ELLIPSIS);
	else
		out[keep] = '\0';
	return out;
}

/* Control characters become spaces (the copy is modified in place). */
static void
blank_controls(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = ' ';
}

static int
table_grow(struct ctl_table *t)
{
	size_t cap;
	char **cells;

	if (t->nrows < t->cap)
		return 0;
	cap = t->cap == 0 ? 16 : t->cap * 2;
	if ((cells = reallocarray(t->cells, cap * t->ncols,
	    sizeof *cells)) == NULL)
		return -1;
	t->cells = cells;
	t->cap = cap;
	return 0;
}

/* Stores one row of cells, copied, cut and cleaned. */
static void
table_store(struct ctl_table *t, const char *const *cells)
{
	char **row;

	if (t->failed || table_grow(t) == -1) {
		t->failed = true;
		return;
	}
	row = t->cells + t->nrows * t->ncols;
	for (size_t i = 0; i < t->ncols; i++) {
		const char *c = cells[i] != NULL ? cells[i] : "-";

		/* The header is never cut. */
		if (t->nrows > 0 && t->max[i] > 0)
			row[i] = ctl_truncate(c, t->max[i]);
		else
			row[i] = strdup(c);
		if (row[i] == NULL) {
			while (i-- > 0)
				free(row[i]);
			t->failed = true;
			return;
		}
		blank_controls(row[i]);
	}
	t->nrows++;
}

struct ctl_table *
ctl_table_new(size_t ncols, ...)
{
	struct ctl_table *t;
	const char **hdr;
	va_list ap;

	if (ncols == 0 || (t = calloc(1, sizeof *t)) == NULL)
		return NULL;
	t->ncols = ncols;
	t->max = calloc(ncols, sizeof *t->max);
	t->right = calloc(ncols, sizeof *t->right);
	hdr = calloc(ncols, sizeof *hdr);
	if (t->max == NULL || t->right == NULL || hdr == NULL) {
		free(hdr);
		ctl_table_free(t);
		return NULL;
	}
	va_start(ap, ncols);
	for (size_t i = 0; i < ncols; i++)
		hdr[i] = va_arg(ap, const char *);
	va_end(ap);
	table_store(t, hdr);
	free(hdr);
	if (t->failed) {
		ctl_table_free(t);
		return NULL;
	}
	return t;
}

void
ctl_table_truncate(struct ctl_table *t, size_t col, size_t max)
{
	if (col < t->ncols)
		t->max[col] = max;
}

void
ctl_table_align_right(struct ctl_table *t, size_t col)
{
	if (col < t->ncols)
		t->right[col] = true;
}

void
ctl_table_add_row(struct ctl_table *t, const char *const *cells)
{
	table_store(t, cells);
}

void
ctl_table_add(struct ctl_table *t, ...)
{
	const char **cells;
	va_list ap;

	if ((cells = calloc(t->ncols, sizeof *cells)) == NULL) {
		t->failed = true;
		return;
	}
	va_start(ap, t);
	for (size_t i = 0; i < t->ncols; i++)
		cells[i] = va_arg(ap, const char *);
	va_end(ap);
	table_store(t, cells);
	free(cells);
}

size_t
ctl_table_rows(const struct ctl_table *t)
{
	return t->nrows - 1;
}

static void
pad(FILE *fp, size_t n)
{
	while (n-- > 0)
		fputc(' ', fp);
}

/* Writes one row into fp, every column but the last padded. */
static void
print_row(const struct ctl_table *t, char *const *row, const size_t *widths,
    FILE *fp)
{
	for (size_t i = 0; i < t->ncols; i++) {
		size_t fill = widths[i] - ctl_width(row[i]);

		if (i > 0)
			fputs(CTL_TABLE_GAP, fp);
		if (t->right[i])
			pad(fp, fill);
		fputs(row[i], fp);
		if (!t->right[i] && i + 1 < t->ncols)
			pad(fp, fill);
	}
}

/* Writes the row without its trailing blanks, then a newline. */
static int
print_line(const struct ctl_table *t, char *const *row, const size_t *widths,
    FILE *out)
{
	char *line = NULL;
	size_t len = 0;
	FILE *fp;

	if ((fp = open_memstream(&line, &len)) == NULL)
		return -1;
	print_row(t, row, widths, fp);
	if (fclose(fp) != 0) {
		free(line);
		return -1;
	}
	while (len > 0 && line[len - 1] == ' ')
		len--;
	line[len] = '\0';
	fprintf(out, "%s\n", line);
	free(line);
	return 0;
}

int
ctl_table_print(const struct ctl_table *t, FILE *fp)
{
	size_t *widths;
	int rc = 0;

	if (t->failed || (widths = calloc(t->ncols, sizeof *widths)) == NULL)
		return -1;
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t i = 0; i < t->ncols; i++) {
			size_t w = ctl_width(t->cells[r * t->ncols + i]);

			if (w > widths[i])
				widths[i] = w;
		}
	for (size_t r = 0; r < t->nrows && rc == 0; r++)
		rc = print_line(t, t->cells + r * t->ncols, widths, fp);
	free(widths);
	if (rc == 0 && ferror(fp))
		rc = -1;
	return rc;
}

void
ctl_table_free(struct ctl_table *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t->max);
	free(t->right);
	free(t);
}

const char *
ctl_short_time(const char *iso, char buf[CTL_SHORT_TIME])
{
	size_t len = iso != NULL ? strlen(iso) : 0;

	/* YYYY-MM-DDTHH:MM:SS then an offset or Z. */
	if (len < 20 || iso[10] != 'T' || iso[13] != ':' || iso[16] != ':')
		return iso;
	memcpy(buf, iso, CTL_SHORT_TIME - 1);
	buf[10] = ' ';
	buf[CTL_SHORT_TIME - 1] = '\0';
	return buf;
}

const char *
ctl_provisional_mark(const json_t *item, const char *date, char *buf,
    size_t len, struct ctl_prov_years *py)
{
	int year;
	size_t i;

	if (date == NULL || !json_is_true(json_object_get(item, "provisional")))
		return date;
	snprintf(buf, len, "%s*", date);
	year = atoi(date);
	for (i = 0; i < py->n && py->year[i] != year; i++)
		;
	if (i == py->n && py->n < CTL_PROV_MAX_YEARS)
		py->year[py->n++] = year;
	return buf;
}

int
ctl_provisional_footnote(const struct ctl_prov_years *py, FILE *f)
{
	if (py->n == 0)
		return 0;
	fputs("* provisional: ", f);
	for (size_t i = 0; i < py->n; i++)
		fprintf(f, "%s%d", i > 0 ? ", " : "", py->year[i]);
	fputs(" holidays not announced\n", f);
	return ferror(f) ? -1 : 0;
}
