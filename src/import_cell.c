/*
 * Responsibility cells of work plans (import_cell.h).
 *
 * Decisions visible to users:
 *  - Offices are separated by 、 ， , ； ; and by "会" or "会同" between two
 *    office names ("人事处会药审中心").  "会" counts as a separator only
 *    right after a name ending like an office (处 局 院 所 中心 室 科 部 委
 *    办 队 站 厅 司 组 馆 校 单位 府 区 市 县 会), so "机关工会" and
 *    "委员会" stay whole while "药学会会综合处" splits after "药学会".
 *  - The lead is the first office of the cell, except where "牵头" marks
 *    one: then the first office of the clause (the text between ， or ；)
 *    that carries "牵头" leads ("法规处配合，综合处牵头" → 综合处).  In
 *    "A、B会C、D" A leads and B, C, D assist: one office leads a task, and
 *    the others written before "会" share the work as assisting offices.
 *  - Every other office assists, in the order written, each once.
 *  - Role words after a name are dropped: 牵头, 负责, 分别负责, 配合,
 *    协助, 参与, 协同; so are blanks (also U+3000) and brackets around it.
 *    Names are otherwise kept as written: "各业务处", "各直属单位" and
 *    aliases are resolved by duband.
 */
#include "import_cell.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NELEM(a) (sizeof (a) / sizeof (a)[0])

/* One office as read from the cell. */
struct cell_item {
	char	*name;
	int	 clause;
	bool	 lead_mark;	/* "牵头" */
};

struct cell_items {
	struct cell_item	*v;
	size_t			 n;
};

static const char *const list_separators[] = { "、" };
static const char *const clause_separators[] = { "，", ",", "；", ";" };

/* Before "会", a name must end like an office for "会" to separate. */
static const char *const office_endings[] = {
	"处", "局", "院", "所", "中心", "室", "科", "部", "委", "办", "队",
	"站", "厅", "司", "组", "馆", "校", "单位", "府", "区", "市", "县",
	"会",
};

static const char *const role_words[] = {
	"分别负责", "负责", "配合", "协助", "参与", "协同",
};

/* Trimmed from both ends of a name. */
static const char *const blanks[] = {
	" ", "\t", "\r", "\n", "\u3000", "\u00a0",
	"(", ")", "\uff08", "\uff09", "\u3010", "\u3011",
};

static size_t
starts_with_any(const char *p, const char *const *words, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strncmp(p, words[i], strlen(words[i])) == 0)
			return strlen(words[i]);
	return 0;
}

/* Length of the word of words that s[0..len) ends with, or 0. */
static size_t
ends_with_any(const char *s, size_t len, const char *const *words, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t wl = strlen(words[i]);

		if (len >= wl && memcmp(s + len - wl, words[i], wl) == 0)
			return wl;
	}
	return 0;
}

/* Bytes of the UTF-8 character at p (1 for a stray byte). */
static size_t
char_len(const char *p)
{
	unsigned char c = (unsigned char)*p;
	size_t n = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 :
	    c >= 0xc0 ? 2 : 1;

	for (size_t i = 1; i < n; i++)
		if (p[i] == '\0')
			return i;
	return n;
}

static void
trim(const char **s, size_t *len)
{
	size_t k;

	while (*len > 0 && (k = starts_with_any(*s, blanks, NELEM(blanks))) > 0
	    && k <= *len) {
		*s += k;
		*len -= k;
	}
	while ((k = ends_with_any(*s, *len, blanks, NELEM(blanks))) > 0)
		*len -= k;
}

/* The name in s[0..len) with blanks and role words taken off. */
static void
add_item(struct cell_items *items, const char *s, size_t len, int clause)
{
	struct cell_item *grown;
	bool lead_mark = false;
	size_t k;

	trim(&s, &len);
	for (;;) {
		if ((k = ends_with_any(s, len, (const char *const[]){ "牵头" },
		    1)) > 0)
			lead_mark = true;
		else if ((k = ends_with_any(s, len, role_words,
		    NELEM(role_words))) == 0)
			break;
		len -= k;
		trim(&s, &len);
	}
	if (len == 0)
		return;
	grown = realloc(items->v, (items->n + 1) * sizeof *items->v);
	if (grown == NULL)
		abort();
	items->v = grown;
	if ((grown[items->n].name = strndup(s, len)) == NULL)
		abort();
	grown[items->n].clause = clause;
	grown[items->n].lead_mark = lead_mark;
	items->n++;
}

/* Whether "会" at p separates: a name before it that ends like an office. */
static bool
hui_separates(const char *start, const char *p, size_t huilen)
{
	size_t len = (size_t)(p - start);
	const char *after = p + huilen;
	size_t afterlen = strlen(after);

	trim(&start, &len);
	trim(&after, &afterlen);
	return len > 0 && afterlen > 0 &&
	    ends_with_any(start, len, office_endings, NELEM(office_endings)) > 0;
}

static void
split_cell(const char *cell, struct cell_items *items)
{
	const char *p = cell, *start = cell;
	int clause = 0;
	size_t k;

	items->v = NULL;
	items->n = 0;
	while (*p != '\0') {
		if ((k = starts_with_any(p, list_separators,
		    NELEM(list_separators))) > 0) {
			add_item(items, start, (size_t)(p - start), clause);
			start = p += k;
		} else if ((k = starts_with_any(p, clause_separators,
		    NELEM(clause_separators))) > 0) {
			add_item(items, start, (size_t)(p - start), clause);
			start = p += k;
			clause++;
		} else if ((k = starts_with_any(p, (const char *const[]){
		    "会同", "会" }, 2)) > 0 && hui_separates(start, p, k)) {
			add_item(items, start, (size_t)(p - start), clause);
			start = p += k;
		} else
			p += char_len(p);
	}
	add_item(items, start, (size_t)(p - start), clause);
}

static void
items_free(struct cell_items *items)
{
	for (size_t i = 0; i < items->n; i++)
		free(items->v[i].name);
	free(items->v);
}

/* The item that leads: see the comment at the top. */
static size_t
lead_index(const struct cell_items *items)
{
	for (size_t i = 0; i < items->n; i++) {
		if (!items->v[i].lead_mark)
			continue;
		for (size_t j = 0; j < items->n; j++)
			if (items->v[j].clause == items->v[i].clause)
				return j;
	}
	return 0;
}

static bool
is_listed(const struct office_cell *oc, const char *name)
{
	if (oc->lead != NULL && strcmp(oc->lead, name) == 0)
		return true;
	for (size_t i = 0; i < oc->nassist; i++)
		if (strcmp(oc->assist[i], name) == 0)
			return true;
	return false;
}

static void
add_assisting(struct office_cell *oc, const char *name)
{
	char **grown;

	if (is_listed(oc, name))
		return;
	grown = realloc(oc->assist, (oc->nassist + 1) * sizeof *oc->assist);
	if (grown == NULL)
		abort();
	oc->assist = grown;
	if ((oc->assist[oc->nassist] = strdup(name)) == NULL)
		abort();
	oc->nassist++;
}

void
office_cell_init(struct office_cell *oc)
{
	oc->lead = NULL;
	oc->assist = NULL;
	oc->nassist = 0;
}

bool
office_cell_parse(struct office_cell *oc, const char *cell, char *err,
    size_t errlen)
{
	struct cell_items items;
	size_t lead;

	split_cell(cell, &items);
	if (items.n == 0) {
		items_free(&items);
		snprintf(err, errlen, "no office named");
		return false;
	}
	lead = lead_index(&items);
	office_cell_free(oc);
	oc->lead = items.v[lead].name;
	items.v[lead].name = NULL;
	for (size_t i = 0; i < items.n; i++)
		if (i != lead)
			add_assisting(oc, items.v[i].name);
	items_free(&items);
	return true;
}

void
office_cell_add_assisting(struct office_cell *oc, const char *cell)
{
	struct cell_items items;

	split_cell(cell, &items);
	for (size_t i = 0; i < items.n; i++)
		add_assisting(oc, items.v[i].name);
	items_free(&items);
}

void
office_cell_free(struct office_cell *oc)
{
	free(oc->lead);
	for (size_t i = 0; i < oc->nassist; i++)
		free(oc->assist[i]);
	free(oc->assist);
	office_cell_init(oc);
}
