/*
 * Work plans from CSV files, as spreadsheets save them: the bytes decoded
 * (UTF-8, or GBK as Chinese Excel writes it), split into records (RFC
 * 4180), the columns found by their headers, and every row read into a
 * task to send to POST /v1/import.  Everything is checked before anything
 * is sent; every error names the row and the column.
 */
#ifndef DUBAN_IMPORT_CSV_H
#define DUBAN_IMPORT_CSV_H

#include <stdbool.h>
#include <stddef.h>

struct errors;

/* One record of a CSV file. */
struct csv_record {
	int	  line;		/* line of the file where it starts, from 1 */
	char	**field;	/* UTF-8, NUL-terminated, unquoted */
	size_t	  n;
};

struct csv_file {
	struct csv_record	*rec;
	size_t			 n;
};

/* Why the bytes could not be read, and the line where it shows. */
struct csv_error {
	int	line;
	char	msg[256];
};

/*
 * The bytes as UTF-8: without a BOM when they are valid UTF-8, else
 * converted from GBK (GB18030) when they are that.  *out is malloc'ed and
 * NUL-terminated; *encoding is "UTF-8" or "GBK".  On failure fills err
 * (the line of the first bad byte) and returns false.
 */
bool csv_decode(const char *data, size_t len, char **out, size_t *outlen,
    const char **encoding, struct csv_error *err);

/*
 * Splits UTF-8 text into records: fields separated by commas, records by
 * LF or CRLF; a field in double quotes may hold commas, line breaks and
 * "" for a quote.  Blank lines are records of one empty field.  On failure
 * fills err and returns false (f is then empty).
 */
bool csv_parse(const char *text, size_t len, struct csv_file *f,
    struct csv_error *err);
void csv_file_free(struct csv_file *);

/* One task of the plan, as POST /v1/import takes it. */
struct import_task {
	int	  row;		/* line of the file (csv_record.line) */
	char	 *number;	/* unique in the plan */
	char	 *title;
	char	 *lead;
	char	**assist;
	size_t	  nassist;
	char	**responsible;	/* each for their own part; plan text only */
	size_t	  nresponsible;
	char	 *section;	/* the plan's heading; NULL */
	int	  due;		/* day (date.h) */
	char	 *due_text;	/* as written */
	char	 *target;	/* NULL: none */
};

struct import_options {
	const char	*name;		/* the file's name, for messages */
	int		 year;		/* the plan's year; 0: not given */
	const char	*default_due;	/* due phrase of rows without one */
};

struct import_plan {
	struct import_task	*task;
	size_t			 n;
	const char		*encoding;	/* "UTF-8" or "GBK" */
};

/*
 * Reads a plan from the bytes of a CSV file.  Returns true with the tasks
 * in plan (free with import_plan_free), or false with every problem found
 * in errs ("plan.csv:7: column 时间节点: cannot read the date \"明年\"");
 * warnings (ignored columns) go to warns either way.
 */
bool import_csv(const char *data, size_t len, const struct import_options *,
    struct import_plan *plan, struct errors *errs, struct errors *warns);
void import_plan_free(struct import_plan *);

#endif
