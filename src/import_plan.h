/*
 * Work plans as offices write them (seed 004, 晋药监〔2022〕6号): numbered
 * items ("1.", "1、", "（1）") under section headings ("一、…", "(二)…"),
 * each responsibility closed by a parenthesis such as "(省局科技与规划财务
 * 处牵头,各市局分别负责)".  Read into the tasks POST /v1/import takes
 * (import_csv.h), with what the text adds to them: the section, the
 * assisting and the responsible offices apart, and a note.
 */
#ifndef DUBAN_IMPORT_PLAN_H
#define DUBAN_IMPORT_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "import_csv.h"

struct errors;

/* Bytes of a title at most, as POST /v1/import takes it. */
#define PLAN_TITLE_MAX	1000

/*
 * The office names the plan may use: name[i] (an office's name or one of
 * its aliases) stands for the office office[i].  Names not in it are kept
 * as written (duband resolves groups, or refuses them).
 */
struct plan_names {
	const char *const	*name;
	const char *const	*office;
	size_t			 n;
};

/* What a plan's text says of a task beyond struct import_task. */
struct plan_item {
	char	 *section;	/* the innermost heading; NULL: none */
	char	**assisting;	/* "配合" */
	size_t	  nassisting;
	char	**responsible;	/* "负责", "分别负责", "落实", bare lists */
	size_t	  nresponsible;
	char	 *note;		/* non-office phrases ("成立工作专班"); NULL */
};

struct plan_text {
	struct import_plan	 plan;	/* as POST /v1/import takes them */
	struct plan_item	*item;	/* item[i] goes with plan.task[i] */
};

/*
 * Reads a plan text (UTF-8 or GBK; traditional characters read as
 * simplified, pinyin glosses dropped) into pt: one task per responsibility
 * parenthesis, numbered "N" or "N.1", "N.2", ...; each task's lead is the
 * office "牵头" names, else its first responsible office; assisting and
 * responsible offices stay apart, with the section.  Returns true with
 * the tasks (free with plan_text_free), or false with every problem in errs
 * ("plan.txt:12: ..."); warnings (items without a responsibility) go to
 * warns either way.
 */
bool import_plan_text(const char *data, size_t len,
    const struct import_options *, const struct plan_names *known,
    struct plan_text *pt, struct errors *errs, struct errors *warns);
void plan_text_free(struct plan_text *);

#endif
