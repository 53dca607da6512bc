/*
 * Deadlines as work plans write them ("2025年", "2022年底前", "3月31日前",
 * "年内", "第三季度", "上半年", "2024年7月21日", "2024-07-21") read into a
 * date.  The text itself is kept by the caller as the task's due_text.
 */
#ifndef DUBAN_DUEPHRASE_H
#define DUBAN_DUEPHRASE_H

#include <stdbool.h>
#include <stddef.h>

/* plan_year for a plan whose year is not known. */
#define DUEPHRASE_NO_YEAR 0

/*
 * Reads text into *day (date.h).  Phrases without a year of their own
 * ("年底前", "3月31日前", "第三季度") take plan_year; with DUEPHRASE_NO_YEAR
 * they are an error.  On failure writes why into err (without naming a
 * file or row: the caller adds that) and returns false.
 */
bool duephrase_parse(const char *text, int plan_year, int *day, char *err,
    size_t errlen);

#endif
