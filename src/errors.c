#include "errors.h"

#include <stdarg.h>
#include <stdlib.h>

void
errors_init(struct errors *e)
{
	e->msg = NULL;
	e->n = 0;
}

void
errors_add(struct errors *e, const char *fmt, ...)
{
	va_list ap;
	char *s, **grown;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		s = NULL;
	va_end(ap);
	if (s == NULL)
		abort();
	grown = realloc(e->msg, (e->n + 1) * sizeof *e->msg);
	if (grown == NULL)
		abort();
	e->msg = grown;
	e->msg[e->n++] = s;
}

void
errors_print(const struct errors *e, FILE *f)
{
	for (size_t i = 0; i < e->n; i++)
		fprintf(f, "%s\n", e->msg[i]);
}

void
errors_free(struct errors *e)
{
	for (size_t i = 0; i < e->n; i++)
		free(e->msg[i]);
	free(e->msg);
	errors_init(e);
}
