/*
 * Quantity targets of tasks ("12家", "50项", "100%", "1500份/百万人"):
 * the number and unit read from the text as written, and progress towards
 * them as people read it ("7/12家").
 */
#ifndef DUBAN_TARGET_H
#define DUBAN_TARGET_H

#include <stddef.h>

/* Room for a unit such as "份/百万人" (bytes, with the NUL). */
#define TARGET_UNIT_MAX		64

/*
 * Reads the number and unit of a target: 0 with *value and unit ("" when
 * none) set, -1 when the text is not one number with a unit (the text then
 * stays the target as written).  A unit longer than unitlen is -1; unit may
 * be NULL (not wanted).
 */
int	target_parse(const char *text, double *value, char *unit,
	    size_t unitlen);

/* A number as people write it: "12", "2.5", "0.75". */
char	*target_number(double v, char *buf, size_t len);

/*
 * Progress towards target as "7/12家" (the target's number and unit), or
 * "7/完成立法" for a target without a number.  Returns buf.
 */
char	*target_progress_text(double progress, const char *target, char *buf,
	    size_t len);

#endif
