/*
 * libFuzzer target: the CSV plan importer on the input as the bytes of a
 * file (dubanctl import reads the whole file and hands the bytes over; the
 * reading itself is in ctl_import.c): the decoding (UTF-8 or GBK), the
 * RFC 4180 splitting and import_csv's checks of every row.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "import_csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
decode_and_split(const char *data, size_t size)
{
	struct csv_error err;
	struct csv_file f;
	const char *encoding;
	char *text;
	size_t len;

	if (!csv_decode(data, size, &text, &len, &encoding, &err))
		return;
	if (text[len] != '\0' || strlen(text) > len)
		abort();
	if (csv_parse(text, len, &f, &err)) {
		for (size_t i = 0; i < f.n; i++)
			if (f.rec[i].n == 0 || f.rec[i].line < 1)
				abort();
		csv_file_free(&f);
	}
	free(text);
}

static void
import(const char *data, size_t size, int year, const char *default_due)
{
	struct import_options opt = { "fuzz.csv", year, default_due };
	struct import_plan plan;
	struct errors errs, warns;
	bool ok;

	errors_init(&errs);
	errors_init(&warns);
	ok = import_csv(data, size, &opt, &plan, &errs, &warns);
	if (ok != (errs.n == 0))
		abort();
	if (ok)
		import_plan_free(&plan);
	errors_free(&errs);
	errors_free(&warns);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy;

	/* An exact-size copy: a read past the end shows. */
	if ((copy = malloc(size > 0 ? size : 1)) == NULL)
		return 0;
	memcpy(copy, data, size);
	decode_and_split(copy, size);
	import(copy, size, 2024, NULL);
	import(copy, size, 0, "年底前");
	free(copy);
	return 0;
}
