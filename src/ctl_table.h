/*
 * Aligned text tables for dubanctl, measured in display columns rather
 * than bytes, so that Chinese text (two columns per character) lines up.
 * Widths come from wcwidth() under the LC_CTYPE locale, which dubanctl's
 * main() sets to C.UTF-8 once.
 *
 *	struct ctl_table *t = ctl_table_new(3, "KEY", "TITLE", "DAYS");
 *	ctl_table_truncate(t, 1, 30);
 *	ctl_table_align_right(t, 2);
 *	ctl_table_add(t, "gk-11", "畅通政民互动沟通渠道", "5");
 *	if (ctl_table_print(t, stdout) == -1) ...
 *	ctl_table_free(t);
 */
#ifndef DUBAN_CTL_TABLE_H
#define DUBAN_CTL_TABLE_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

struct ctl_table;

/*
 * Display columns of a UTF-8 string: wide characters count 2, combining
 * and other zero-width characters 0, control characters and bytes that
 * are not valid UTF-8 count 1 each.
 */
size_t ctl_width(const char *);

/*
 * A copy of the string cut to at most max display columns, ending in "…"
 * when it was cut (the "…" counts one column).  NULL when out of memory.
 */
char *ctl_truncate(const char *, size_t max);

/* A table of ncols columns with these ncols header cells (const char *). */
struct ctl_table *ctl_table_new(size_t ncols, ...);
/* Cells of column col are cut to max display columns (ctl_truncate). */
void ctl_table_truncate(struct ctl_table *, size_t col, size_t max);
/* Cells of column col are aligned to the right (numbers). */
void ctl_table_align_right(struct ctl_table *, size_t col);
/*
 * Appends a row of ncols cells (const char *, copied; NULL shows as "-").
 * An allocation failure is remembered and reported by ctl_table_print().
 */
void ctl_table_add(struct ctl_table *, ...);
/* The same with the cells in an array. */
void ctl_table_add_row(struct ctl_table *, const char *const *cells);
/* Number of rows added, not counting the header. */
size_t ctl_table_rows(const struct ctl_table *);
/*
 * Writes the header and the rows, every column padded to its widest cell,
 * two spaces between columns, no trailing blanks.  -1 when a row could
 * not be stored or the write failed.
 */
int ctl_table_print(const struct ctl_table *, FILE *);
void ctl_table_free(struct ctl_table *);

/*
 * An API instant ("2024-10-23T23:59:59+08:00") shortened for a table cell
 * ("2024-10-23 23:59") in buf; any other string is returned as it is.
 */
#define CTL_SHORT_TIME	17
const char *ctl_short_time(const char *iso, char buf[CTL_SHORT_TIME]);

/*
 * Provisional dates (a year the calendar does not cover) are marked "*"
 * and explained by a footnote under the table naming their years.
 */
#define CTL_PROV_MAX_YEARS	8
struct ctl_prov_years {
	int	year[CTL_PROV_MAX_YEARS];
	size_t	n;
};
/*
 * date, or "date*" in buf when the API item says "provisional": true (its
 * year noted in py).
 */
const char *ctl_provisional_mark(const json_t *item, const char *date,
    char *buf, size_t len, struct ctl_prov_years *py);
/* "* provisional: 2027 holidays not announced" when py holds any year. */
int ctl_provisional_footnote(const struct ctl_prov_years *py, FILE *f);

#endif
