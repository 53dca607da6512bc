/*
 * A list of error messages, collected so that one pass reports every problem
 * ("file:line: what was expected") instead of stopping at the first.
 */
#ifndef DUBAN_ERRORS_H
#define DUBAN_ERRORS_H

#include <stddef.h>
#include <stdio.h>

struct errors {
	char	**msg;
	size_t	  n;
};

void errors_init(struct errors *);
void errors_add(struct errors *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void errors_print(const struct errors *, FILE *);
void errors_free(struct errors *);

#endif
