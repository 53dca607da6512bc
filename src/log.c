#include "log.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void
log_init(struct logger *l, enum log_level level)
{
	l->level = level;
	l->journal = getenv("JOURNAL_STREAM") != NULL;
	l->out = stderr;
}

int
log_level_parse(const char *s, enum log_level *level)
{
	static const struct {
		const char	*name;
		enum log_level	 level;
	} names[] = {
		{ "error", LOGL_ERR },
		{ "warning", LOGL_WARNING },
		{ "notice", LOGL_NOTICE },
		{ "info", LOGL_INFO },
		{ "debug", LOGL_DEBUG },
	};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (strcmp(s, names[i].name) == 0) {
			*level = names[i].level;
			return 0;
		}
	}
	return -1;
}

void
log_msg(const struct logger *l, enum log_level level, const char *fmt, ...)
{
	va_list ap;

	if (level > l->level)
		return;
	if (l->journal)
		fprintf(l->out, "<%d>", (int)level);
	va_start(ap, fmt);
	vfprintf(l->out, fmt, ap);
	va_end(ap);
	fputc('\n', l->out);
	fflush(l->out);
}
