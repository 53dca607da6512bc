/*
 * Logging to stderr.  Under systemd (JOURNAL_STREAM set) each line starts
 * with the <N> priority prefix journald understands.
 */
#ifndef DUBAN_LOG_H
#define DUBAN_LOG_H

#include <stdbool.h>
#include <stdio.h>

enum log_level {
	LOGL_ERR = 3,
	LOGL_WARNING = 4,
	LOGL_NOTICE = 5,
	LOGL_INFO = 6,
	LOGL_DEBUG = 7,
};

struct logger {
	enum log_level	 level;		/* lines above this are dropped */
	bool		 journal;	/* prefix lines with <N> */
	FILE		*out;
};

void log_init(struct logger *, enum log_level level);
int log_level_parse(const char *s, enum log_level *level);
void log_msg(const struct logger *, enum log_level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define log_err(l, ...)		log_msg((l), LOGL_ERR, __VA_ARGS__)
#define log_warn(l, ...)	log_msg((l), LOGL_WARNING, __VA_ARGS__)
#define log_notice(l, ...)	log_msg((l), LOGL_NOTICE, __VA_ARGS__)
#define log_info(l, ...)	log_msg((l), LOGL_INFO, __VA_ARGS__)
#define log_debug(l, ...)	log_msg((l), LOGL_DEBUG, __VA_ARGS__)

#endif
