/*
 * Work plans as texts (import_plan.h).
 *
 * Decisions visible to users:
 *  - Bytes are read as for CSV (csv_decode): UTF-8, else GBK.  Pinyin
 *    glosses are dropped: a parenthesis (ASCII or full-width) right after
 *    a Han character holding only lower-case Latin letters (a-z, the
 *    tone-marked vowels ā á ǎ à ... ǖ ǘ ǚ ǜ ü) and spaces, as seed 001's
 *    "區(qū)"; "(UDI)", "(CMA)", "(Xíng)" and "ok(ab)" stay.  Then the
 *    whole text is converted to simplified characters with OpenCC's
 *    t2s.json (opened once per import; simplified text is unchanged), and
 *    only the converted text is read and stored.  OpenCC not finding its
 *    configuration or a data file is an error naming the file.
 *  - A paragraph is a line.  A line starting "N." "N．" "N、" or "(N)"
 *    "（N）" (Arabic digits) is an item; one starting "一、" or "(一)"
 *    (Chinese numerals) is a section heading: "一、…" starts a section,
 *    "(一)…" a part of it.  A task's section is the innermost heading as
 *    written.  Other lines are ignored.
 *  - Each responsibility parenthesis of an item closes one task, with the
 *    text since the previous one: "N" when the item has one, else "N.1",
 *    "N.2", ... in order.  An item without one is skipped with a warning
 *    (the "7、进一步加强…" headings of seed 004's annexes); text after the
 *    last one is ignored with a warning.  The same number twice is an
 *    error.
 *  - A parenthesis is a responsibility when it holds a role word (牵头,
 *    配合, 负责, 分别负责, 落实, 分别落实) and an office, or when every
 *    part of it is an office; never inside 《》.  An office is a name the
 *    daemon knows (name or alias), or a name of at least two characters
 *    ending like one (处 局 室 中心 单位 院 所 ...).  Other parts of a
 *    responsibility ("成立工作专班") are its note.
 *  - Parts are separated by 、 ， , ； ; and by 和, 及 or 以及 after a
 *    name ending like an office, never inside a known name ("综合和规划
 *    财务处").  A role word after a part applies to it and to the parts
 *    before it that have none ("A、B分别负责"); of several role words the
 *    first counts ("配合落实" assists, "牵头负责" leads), and "依职责",
 *    "按职责", "按照职责" before them are dropped.  "牵头" leads (a second
 *    lead is responsible); "配合" assists; the other words make responsible
 *    offices.  Without any role word one office leads and several are
 *    each responsible.  Parts left without a role after a role word are
 *    responsible.
 *  - "A〔B〕" (also with () （） 【】) is one office under two names, as
 *    seed 001's "机关党委〔人事与老干部处〕": A if the daemon knows it,
 *    else B if it knows that, else A as written.
 *  - A task's lead is its "牵头" office, else its first responsible one;
 *    POST /v1/import gets the assisting offices as "assist" and the
 *    responsible ones as "responsible", each once and never the lead.
 *  - "省局" or "省局机关" written before the first name applies to the
 *    names after it: a name resolves as written, else with the prefix,
 *    else without its own prefix; names the daemon does not know are sent
 *    exactly as written (it lists them, or creates them).
 *  - The title is the task's text without its number, cut to
 *    PLAN_TITLE_MAX bytes (ending "…").  The due date is that of the first
 *    due phrase in the text, the longest one at that place ("6月底前完成",
 *    "年底前", "第三季度"), kept as due_text; a bare "年度" is not one
 *    ("年度工作要点": an adjective in prose).  Else --due; else the end of
 *    --year, without due_text.
 */
#include "import_plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <opencc/opencc.h>

#include "date.h"
#include "duephrase.h"
#include "errors.h"

#define NELEM(a) (sizeof (a) / sizeof (a)[0])

/* Characters of the longest due phrase tried in a task's text. */
#define PHRASE_CHARS	16

enum role {
	ROLE_NONE,
	ROLE_LEAD,
	ROLE_ASSIST,
	ROLE_RESPONSIBLE,
};

static const struct {
	const char	*word;
	enum role	 role;
} role_words[] = {
	{ "分别负责", ROLE_RESPONSIBLE }, { "分别落实", ROLE_RESPONSIBLE },
	{ "牵头", ROLE_LEAD }, { "配合", ROLE_ASSIST },
	{ "负责", ROLE_RESPONSIBLE }, { "落实", ROLE_RESPONSIBLE },
};

/* Written between a name and its role word: "稽查局依职责分别落实". */
static const char *const role_qualifiers[] = {
	"依职责", "按职责", "按照职责",
};

static const char *const part_separators[] = {
	"、", "，", ",", "；", ";",
};

/* Separate two names only after a name ending like an office. */
static const char *const conjunctions[] = { "以及", "和", "及" };

static const char *const office_endings[] = {
	"处", "局", "室", "中心", "单位", "院", "所", "科", "部", "委", "办",
	"队", "站", "厅", "司", "组", "馆", "校", "府", "机构", "支部",
};

/* Written before the first name of a list, longest first. */
static const char *const office_prefixes[] = { "省局机关", "省局" };

static const char *const blanks[] = {
	" ", "\t", "\r", "\u3000", "\u00a0",
};

static const char *const open_parens[] = { "(", "\uff08" };
static const char *const close_parens[] = { ")", "\uff09" };

/* "机关党委〔人事与老干部处〕": another name of the same office. */
static const struct {
	const char	*open;
	const char	*close;
} name_brackets[] = {
	{ "\u3014", "\u3015" }, { "(", ")" }, { "\uff08", "\uff09" },
	{ "\u3010", "\u3011" },
};

/* A pinyin gloss: these, a-z and spaces in a parenthesis after a Han. */
static const char *const tone_letters[] = {
	"ā", "á", "ǎ", "à", "ē", "é", "ě", "è", "ī", "í", "ǐ", "ì",
	"ō", "ó", "ǒ", "ò", "ū", "ú", "ǔ", "ù", "ǖ", "ǘ", "ǚ", "ǜ", "ü",
};
static const char *const item_dots[] = { ".", "\uff0e", "、" };

static const char *const chinese_numerals[] = {
	"一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "〇",
	"零",
};

/* One part of a responsibility parenthesis. */
struct part {
	char		*name;
	enum role	 role;
	bool		 office;
};

struct parts {
	struct part	*v;
	size_t		 n;
};

/* One responsibility read. */
struct duty {
	char	*lead;
	char	**assisting;
	size_t	  nassisting;
	char	**responsible;
	size_t	  nresponsible;
	char	*note;
};

struct reader {
	const struct import_options	*opt;
	const struct plan_names		*known;
	struct plan_text		*pt;
	struct errors			*errs;
	struct errors			*warns;
	char				*section;
	char				*subsection;
	int				 default_due;	/* -1: none */
	opencc_t			 t2s;	/* (opencc_t)-1: not open */
};

/* ---------------------------------------------------------------- */
/* Text */

static void *
xrealloc(void *p, size_t n, size_t size)
{
	if ((p = reallocarray(p, n, size)) == NULL)
		abort();
	return p;
}

static char *
xstrndup(const char *s, size_t n)
{
	char *d;

	if ((d = strndup(s, n)) == NULL)
		abort();
	return d;
}

static size_t
starts_with_any(const char *p, const char *const *words, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strncmp(p, words[i], strlen(words[i])) == 0)
			return strlen(words[i]);
	return 0;
}

static size_t
ends_with(const char *s, size_t len, const char *word)
{
	size_t wl = strlen(word);

	return len >= wl && memcmp(s + len - wl, word, wl) == 0 ? wl : 0;
}

static size_t
ends_with_any(const char *s, size_t len, const char *const *words, size_t n)
{
	size_t k;

	for (size_t i = 0; i < n; i++)
		if ((k = ends_with(s, len, words[i])) > 0)
			return k;
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

static size_t
char_count(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i += char_len(s + i))
		n++;
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

static bool
is_digit(const char *p)
{
	return *p >= '0' && *p <= '9';
}

/* Bytes of the Arabic number at p, its value in *n; 0: none. */
static size_t
read_number(const char *p, int *n)
{
	size_t i = 0;

	*n = 0;
	while (is_digit(p + i) && i < 6)
		*n = *n * 10 + (p[i++] - '0');
	return is_digit(p + i) ? 0 : i;
}

/* Bytes of the Chinese numerals at p. */
static size_t
chinese_number_len(const char *p)
{
	size_t i = 0, k;

	while ((k = starts_with_any(p + i, chinese_numerals,
	    NELEM(chinese_numerals))) > 0)
		i += k;
	return i;
}

/* Whether the UTF-8 character p[0..n) is a Han character (CJK ideograph). */
static bool
is_han(const char *p, size_t n)
{
	const unsigned char *u = (const unsigned char *)p;
	unsigned long c;

	if (n == 3)
		c = (u[0] & 0x0fUL) << 12 | (u[1] & 0x3fUL) << 6 |
		    (u[2] & 0x3fUL);
	else if (n == 4)
		c = (u[0] & 0x07UL) << 18 | (u[1] & 0x3fUL) << 12 |
		    (u[2] & 0x3fUL) << 6 | (u[3] & 0x3fUL);
	else
		return false;
	return (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) ||
	    (c >= 0xf900 && c <= 0xfaff) || (c >= 0x20000 && c <= 0x3134f);
}

/* Bytes of the pinyin gloss "(qū)" at p, or 0 (see the top of the file). */
static size_t
gloss_len(const char *p)
{
	size_t i, k, letters = 0;

	if ((i = starts_with_any(p, open_parens, NELEM(open_parens))) == 0)
		return 0;
	for (;;) {
		if (p[i] == ' ')
			i++;
		else if (p[i] >= 'a' && p[i] <= 'z') {
			i++;
			letters++;
		} else if ((k = starts_with_any(p + i, tone_letters,
		    NELEM(tone_letters))) > 0) {
			i += k;
			letters++;
		} else
			break;
	}
	if (letters == 0 || (k = starts_with_any(p + i, close_parens,
	    NELEM(close_parens))) == 0)
		return 0;
	return i + k;
}

/* Drops the pinyin glosses of s[0..len), NUL-terminated; the new length. */
static size_t
drop_glosses(char *s, size_t len)
{
	size_t r = 0, w = 0, k;
	bool after_han = false;

	while (r < len) {
		if (after_han && (k = gloss_len(s + r)) > 0) {
			r += k;
			continue;
		}
		k = char_len(s + r);
		after_han = is_han(s + r, k);
		memmove(s + w, s + r, k);
		w += k;
		r += k;
	}
	s[w] = '\0';
	return w;
}

/*
 * The text in simplified characters, to free with opencc_convert_utf8_free,
 * or NULL with the error in errs.
 */
static char *
to_simplified(struct reader *rd, const char *text, size_t len)
{
	char *out;

	/*
	 * By absolute path: given a bare name, OpenCC would read a t2s.json
	 * in the working directory first.
	 */
	if (rd->t2s == (opencc_t)-1 && (rd->t2s =
	    opencc_open(OPENCC_T2S)) == (opencc_t)-1) {
		errors_add(rd->errs, "%s: cannot convert traditional "
		    "characters: OpenCC %s: %s", rd->opt->name, OPENCC_T2S,
		    opencc_error());
		return NULL;
	}
	if ((out = opencc_convert_utf8(rd->t2s, text, len)) == NULL)
		errors_add(rd->errs, "%s: cannot convert traditional "
		    "characters: OpenCC: %s", rd->opt->name, opencc_error());
	return out;
}

/* ---------------------------------------------------------------- */
/* Offices */

static const char *
known_office(const struct plan_names *known, const char *name, size_t len)
{
	for (size_t i = 0; i < known->n; i++)
		if (strlen(known->name[i]) == len &&
		    memcmp(known->name[i], name, len) == 0)
			return known->office[i];
	return NULL;
}

/* Bytes of the known name written at p, or 0. */
static size_t
known_at(const struct plan_names *known, const char *p)
{
	size_t best = 0, k;

	for (size_t i = 0; i < known->n; i++) {
		k = strlen(known->name[i]);
		if (k > best && strncmp(p, known->name[i], k) == 0)
			best = k;
	}
	return best;
}

static bool
looks_like_office(const char *s, size_t len)
{
	size_t k = ends_with_any(s, len, office_endings,
	    NELEM(office_endings));

	return k > 0 && char_count(s, len) >= 2;
}

/*
 * Whether s[0..len) is a name with another in brackets, "A〔B〕": then
 * A's length, and B.
 */
static bool
bracketed_name(const char *s, size_t len, size_t *alen, const char **b,
    size_t *blen)
{
	const char *open;
	size_t ol, cl;

	for (size_t i = 0; i < NELEM(name_brackets); i++) {
		if ((cl = ends_with(s, len, name_brackets[i].close)) == 0)
			continue;
		ol = strlen(name_brackets[i].open);
		open = NULL;
		for (size_t j = 0; j + ol <= len - cl; j += char_len(s + j))
			if (memcmp(s + j, name_brackets[i].open, ol) == 0)
				open = s + j;
		if (open == NULL || open == s || open + ol == s + len - cl)
			continue;
		*alen = (size_t)(open - s);
		*b = open + ol;
		*blen = (size_t)(s + len - cl - *b);
		return true;
	}
	return false;
}

/* Whether s[0..len) names an office: known, or ending like one. */
static bool
office_name(const struct plan_names *known, const char *s, size_t len)
{
	const char *b;
	size_t alen, blen;

	if (known_office(known, s, len) != NULL || looks_like_office(s, len))
		return true;
	return bracketed_name(s, len, &alen, &b, &blen) &&
	    (known_office(known, s, alen) != NULL ||
	    looks_like_office(s, alen));
}

/*
 * The office name[0..len) stands for as written, with the list's prefix,
 * or without its own (see the top of the file); NULL: none known.
 */
static const char *
resolve_known(const struct plan_names *known, const char *prefix,
    const char *name, size_t len)
{
	const char *office;
	char buf[1024];
	size_t k;

	if ((office = known_office(known, name, len)) != NULL)
		return office;
	for (size_t i = 0; prefix != NULL && i < NELEM(office_prefixes); i++) {
		if (strncmp(prefix, office_prefixes[i],
		    strlen(office_prefixes[i])) != 0)
			continue;
		snprintf(buf, sizeof buf, "%s%.*s", office_prefixes[i],
		    (int)len, name);
		if ((office = known_office(known, buf, strlen(buf))) != NULL)
			return office;
	}
	if ((k = starts_with_any(name, office_prefixes,
	    NELEM(office_prefixes))) > 0 && k <= len &&
	    (office = known_office(known, name + k, len - k)) != NULL)
		return office;
	return NULL;
}

/*
 * The office the name stands for, malloc'ed: the known one, else as
 * written; "A〔B〕" is A, or B when only B is known.
 */
static char *
resolve_office(const struct plan_names *known, const char *prefix,
    const char *name)
{
	const char *office, *b;
	size_t alen, blen;

	if ((office = resolve_known(known, prefix, name, strlen(name))) !=
	    NULL)
		return xstrndup(office, strlen(office));
	if (!bracketed_name(name, strlen(name), &alen, &b, &blen))
		return xstrndup(name, strlen(name));
	if ((office = resolve_known(known, prefix, name, alen)) != NULL ||
	    (office = resolve_known(known, prefix, b, blen)) != NULL)
		return xstrndup(office, strlen(office));
	return xstrndup(name, alen);
}

/* ---------------------------------------------------------------- */
/* Responsibility parentheses */

static void
parts_free(struct parts *ps)
{
	for (size_t i = 0; i < ps->n; i++)
		free(ps->v[i].name);
	free(ps->v);
	ps->v = NULL;
	ps->n = 0;
}

/* The part s[0..len): its role word taken off. */
static void
add_part(struct parts *ps, const struct plan_names *known, const char *s,
    size_t len)
{
	struct part *p;
	enum role role = ROLE_NONE;
	size_t k;
	bool found;

	trim(&s, &len);
	/* The first of several role words counts: "配合落实" assists. */
	do {
		found = false;
		for (size_t i = 0; i < NELEM(role_words) && !found; i++) {
			if ((k = ends_with(s, len, role_words[i].word)) == 0)
				continue;
			role = role_words[i].role;
			found = true;
		}
		if (!found && role != ROLE_NONE)
			found = (k = ends_with_any(s, len, role_qualifiers,
			    NELEM(role_qualifiers))) > 0;
		if (found) {
			len -= k;
			trim(&s, &len);
		}
	} while (found);
	if (len == 0 && role == ROLE_NONE)
		return;
	ps->v = xrealloc(ps->v, ps->n + 1, sizeof *ps->v);
	p = &ps->v[ps->n++];
	p->name = xstrndup(s, len);
	p->role = role;
	p->office = len > 0 && office_name(known, s, len);
}

/* Whether "和" or "及" at p separates two names: after one like a name. */
static bool
conjunction_separates(const char *start, const char *p)
{
	size_t len = (size_t)(p - start);

	trim(&start, &len);
	return ends_with_any(start, len, office_endings,
	    NELEM(office_endings)) > 0;
}

static void
split_parts(const char *s, size_t len, const struct plan_names *known,
    struct parts *ps)
{
	const char *p = s, *start = s, *end = s + len;
	size_t k;

	ps->v = NULL;
	ps->n = 0;
	while (p < end) {
		if ((k = known_at(known, p)) > 0 && p + k <= end)
			p += k;
		else if ((k = starts_with_any(p, part_separators,
		    NELEM(part_separators))) > 0 || ((k = starts_with_any(p,
		    conjunctions, NELEM(conjunctions))) > 0 &&
		    conjunction_separates(start, p))) {
			add_part(ps, known, start, (size_t)(p - start));
			start = p += k;
		} else
			p += char_len(p);
	}
	add_part(ps, known, start, (size_t)(end - start));
}

/* Whether the parts make a responsibility (see the top of the file). */
static bool
is_responsibility(const struct parts *ps)
{
	bool role = false, office = false, all_offices = true;

	for (size_t i = 0; i < ps->n; i++) {
		role |= ps->v[i].role != ROLE_NONE;
		office |= ps->v[i].office;
		all_offices &= ps->v[i].office;
	}
	return office && (role || all_offices);
}

static bool
listed(char *const *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], name) == 0)
			return true;
	return false;
}

static bool
duty_names(const struct duty *d, const char *name)
{
	return (d->lead != NULL && strcmp(d->lead, name) == 0) ||
	    listed(d->assisting, d->nassisting, name) ||
	    listed(d->responsible, d->nresponsible, name);
}

static void
push(char ***v, size_t *n, char *name)
{
	*v = xrealloc(*v, *n + 1, sizeof **v);
	(*v)[(*n)++] = name;
}

/* An office with its role into d; name is taken. */
static void
duty_add(struct duty *d, char *name, enum role role)
{
	if (duty_names(d, name)) {
		free(name);
		return;
	}
	if (role == ROLE_LEAD && d->lead == NULL)
		d->lead = name;
	else if (role == ROLE_ASSIST)
		push(&d->assisting, &d->nassisting, name);
	else
		push(&d->responsible, &d->nresponsible, name);
}

static void
note_add(struct duty *d, const char *text)
{
	char *grown;

	if (d->note == NULL) {
		d->note = xstrndup(text, strlen(text));
		return;
	}
	if (asprintf(&grown, "%s，%s", d->note, text) == -1)
		abort();
	free(d->note);
	d->note = grown;
}

static void
duty_free(struct duty *d)
{
	free(d->lead);
	for (size_t i = 0; i < d->nassisting; i++)
		free(d->assisting[i]);
	free(d->assisting);
	for (size_t i = 0; i < d->nresponsible; i++)
		free(d->responsible[i]);
	free(d->responsible);
	free(d->note);
	memset(d, 0, sizeof *d);
}

/*
 * The roles of the parts: a role word applies back to the parts before
 * it without one; parts after the last role word are responsible, and a
 * list without any role word has one lead or several responsible.
 */
static void
assign_roles(struct parts *ps)
{
	size_t pending = 0, offices = 0;
	bool any = false;

	for (size_t i = 0; i < ps->n; i++) {
		if (!ps->v[i].office)
			continue;
		offices++;
		if (ps->v[i].role == ROLE_NONE)
			continue;
		any = true;
		for (size_t j = pending; j < i; j++)
			if (ps->v[j].office && ps->v[j].role == ROLE_NONE)
				ps->v[j].role = ps->v[i].role;
		pending = i + 1;
	}
	for (size_t i = 0; i < ps->n; i++)
		if (ps->v[i].office && ps->v[i].role == ROLE_NONE)
			ps->v[i].role = !any && offices == 1 ? ROLE_LEAD :
			    ROLE_RESPONSIBLE;
}

/* The parts into d: offices resolved, the rest as the note. */
static void
read_duty(struct parts *ps, const struct plan_names *known, struct duty *d)
{
	const char *prefix = NULL;

	memset(d, 0, sizeof *d);
	assign_roles(ps);
	for (size_t i = 0; i < ps->n; i++) {
		struct part *p = &ps->v[i];

		if (!p->office) {
			if (p->name[0] != '\0')
				note_add(d, p->name);
			continue;
		}
		for (size_t j = 0; j < NELEM(office_prefixes); j++)
			if (strncmp(p->name, office_prefixes[j],
			    strlen(office_prefixes[j])) == 0) {
				prefix = office_prefixes[j];
				break;
			}
		duty_add(d, resolve_office(known, prefix, p->name), p->role);
	}
	if (d->lead == NULL && d->nresponsible > 0) {
		d->lead = d->responsible[0];
		memmove(d->responsible, d->responsible + 1,
		    --d->nresponsible * sizeof *d->responsible);
	}
}

/* ---------------------------------------------------------------- */
/* Tasks */

/* The title: text trimmed, cut to PLAN_TITLE_MAX bytes. */
static char *
make_title(const char *s, size_t len)
{
	static const char ellipsis[] = "…";
	size_t cut = 0, k;
	char *t;

	trim(&s, &len);
	if (len <= PLAN_TITLE_MAX)
		return xstrndup(s, len);
	while (cut < len && cut + (k = char_len(s + cut)) <=
	    PLAN_TITLE_MAX - (sizeof ellipsis - 1))
		cut += k;
	if ((t = malloc(cut + sizeof ellipsis)) == NULL)
		abort();
	memcpy(t, s, cut);
	memcpy(t + cut, ellipsis, sizeof ellipsis);
	return t;
}

/* Whether s[0..len) has a character every due phrase has: cheap test. */
static bool
may_hold_date(const char *s, size_t len)
{
	static const char *const marks[] = {
		"年", "月", "季", "日", "号", "期", "末", "五",
	};

	for (size_t i = 0; i < len; i++)
		if (is_digit(s + i))
			return true;
	for (size_t i = 0; i < NELEM(marks); i++)
		if (memmem(s, len, marks[i], strlen(marks[i])) != NULL)
			return true;
	return false;
}

/*
 * The first due phrase of s[0..len) (the longest at its place, not in
 * the middle of a number): true with *day and *text.
 */
static bool
find_due(const char *s, size_t len, int year, int *day, char **text)
{
	char err[256], buf[PHRASE_CHARS * 4 + 1];
	size_t ends[PHRASE_CHARS], n, e;

	for (size_t i = 0; i < len; i += char_len(s + i)) {
		if (i > 0 && is_digit(s + i - 1))
			continue;
		for (n = 0, e = i; n < PHRASE_CHARS && e < len; n++) {
			e += char_len(s + e);
			ends[n] = e;
		}
		if (!may_hold_date(s + i, e - i))
			continue;
		while (n-- > 0) {
			e = ends[n];
			if (e < len && is_digit(s + e))
				continue;
			memcpy(buf, s + i, e - i);
			buf[e - i] = '\0';
			if (!duephrase_parse(buf, year, day, err, sizeof err))
				continue;
			/* "年度工作要点", "年度报告": an adjective in prose. */
			if (strcmp(buf, "年度") == 0)
				break;
			*text = xstrndup(buf, e - i);
			return true;
		}
	}
	return false;
}

static void
add_task(struct reader *rd, int line, const char *number, const char *text,
    size_t len, struct duty *d)
{
	struct plan_text *pt = rd->pt;
	struct import_task *t;
	struct plan_item *it;
	const char *section = rd->subsection != NULL ? rd->subsection :
	    rd->section;

	pt->plan.task = xrealloc(pt->plan.task, pt->plan.n + 1,
	    sizeof *pt->plan.task);
	pt->item = xrealloc(pt->item, pt->plan.n + 1, sizeof *pt->item);
	t = &pt->plan.task[pt->plan.n];
	it = &pt->item[pt->plan.n];
	pt->plan.n++;
	memset(t, 0, sizeof *t);
	memset(it, 0, sizeof *it);
	t->row = line;
	t->number = xstrndup(number, strlen(number));
	t->title = make_title(text, len);
	t->lead = d->lead;
	for (size_t i = 0; i < d->nassisting; i++)
		push(&t->assist, &t->nassist, xstrndup(d->assisting[i],
		    strlen(d->assisting[i])));
	for (size_t i = 0; i < d->nresponsible; i++)
		push(&t->responsible, &t->nresponsible,
		    xstrndup(d->responsible[i], strlen(d->responsible[i])));
	it->assisting = d->assisting;
	it->nassisting = d->nassisting;
	it->responsible = d->responsible;
	it->nresponsible = d->nresponsible;
	it->note = d->note;
	memset(d, 0, sizeof *d);
	it->section = section != NULL ? xstrndup(section, strlen(section)) :
	    NULL;
	t->section = section != NULL ? xstrndup(section, strlen(section)) :
	    NULL;
	if (find_due(text, len, rd->opt->year, &t->due, &t->due_text))
		return;
	if (rd->default_due != -1) {
		t->due = rd->default_due;
		t->due_text = xstrndup(rd->opt->default_due,
		    strlen(rd->opt->default_due));
	} else if (rd->opt->year != DUEPHRASE_NO_YEAR)
		t->due = day_from_ymd(rd->opt->year, 12, 31);
	else
		errors_add(rd->errs, "%s:%d: task %s: no due phrase in the "
		    "text; give the plan's year (--year YYYY)", rd->opt->name,
		    line, number);
}

/* Whether the parenthesis is a responsibility; if so, read into d. */
static bool
read_parenthesis(const struct reader *rd, const char *s, size_t len,
    struct duty *d)
{
	struct parts ps;
	bool yes;

	split_parts(s, len, rd->known, &ps);
	if ((yes = is_responsibility(&ps)))
		read_duty(&ps, rd->known, d);
	parts_free(&ps);
	return yes;
}

/* Bytes up to the end of the parenthesis opened at p (nested ones too). */
static size_t
parenthesis_len(const char *p)
{
	int depth = 0;
	size_t i = 0, k;

	while (p[i] != '\0') {
		if ((k = starts_with_any(p + i, open_parens,
		    NELEM(open_parens))) > 0)
			depth++;
		else if ((k = starts_with_any(p + i, close_parens,
		    NELEM(close_parens))) > 0 && --depth == 0)
			return i + k;
		else
			k = char_len(p + i);
		i += k;
	}
	return 0;
}

/* The item numbered number whose text (after the number) is body. */
static void
read_item(struct reader *rd, int line, int number, const char *body)
{
	struct {
		const char	*text;
		size_t		 len;
		struct duty	 duty;
	} *sub = NULL;
	const char *p = body, *start = body, *rest;
	size_t n = 0, k, open, restlen;
	int quote = 0;
	char num[32];

	while (*p != '\0') {
		if (strncmp(p, "《", 3) == 0 || strncmp(p, "》", 3) == 0) {
			quote += p[2] == '\x8a' ? 1 : quote > 0 ? -1 : 0;
			p += 3;
			continue;
		}
		if (quote > 0 || (open = starts_with_any(p, open_parens,
		    NELEM(open_parens))) == 0 || (k = parenthesis_len(p)) == 0) {
			p += char_len(p);
			continue;
		}
		sub = xrealloc(sub, n + 1, sizeof *sub);
		if (!read_parenthesis(rd, p + open, k - open - (p[k - 1] ==
		    ')' ? 1 : 3), &sub[n].duty)) {
			p += k;
			continue;
		}
		sub[n].text = start;
		sub[n].len = (size_t)(p - start);
		n++;
		start = p += k;
	}
	rest = start;
	restlen = strlen(rest);
	trim(&rest, &restlen);
	if (n == 0)
		errors_add(rd->warns, "%s:%d: item %d names no office: skipped",
		    rd->opt->name, line, number);
	else if (restlen > 0)
		errors_add(rd->warns, "%s:%d: item %d: the text after its last "
		    "responsibility is ignored", rd->opt->name, line, number);
	for (size_t i = 0; i < n; i++) {
		if (n == 1)
			snprintf(num, sizeof num, "%d", number);
		else
			snprintf(num, sizeof num, "%d.%zu", number, i + 1);
		add_task(rd, line, num, sub[i].text, sub[i].len, &sub[i].duty);
	}
	free(sub);
}

/* Whether the line is a section heading; if so it is kept. */
static bool
read_heading(struct reader *rd, const char *s)
{
	size_t k, open = starts_with_any(s, open_parens, NELEM(open_parens));

	if (open == 0 && (k = chinese_number_len(s)) > 0 &&
	    strncmp(s + k, "、", 3) == 0) {
		free(rd->section);
		free(rd->subsection);
		rd->section = xstrndup(s, strlen(s));
		rd->subsection = NULL;
		return true;
	}
	if (open > 0 && (k = chinese_number_len(s + open)) > 0 &&
	    starts_with_any(s + open + k, close_parens, NELEM(close_parens))) {
		free(rd->subsection);
		rd->subsection = xstrndup(s, strlen(s));
		return true;
	}
	return false;
}

/* The item number starting s, *body after it; false: not an item. */
static bool
item_start(const char *s, int *number, const char **body)
{
	size_t open = starts_with_any(s, open_parens, NELEM(open_parens));
	size_t k, close;

	if ((k = read_number(s + open, number)) == 0 || *number == 0)
		return false;
	if (open > 0) {
		if ((close = starts_with_any(s + open + k, close_parens,
		    NELEM(close_parens))) == 0)
			return false;
		*body = s + open + k + close;
		return true;
	}
	if ((close = starts_with_any(s + k, item_dots, NELEM(item_dots))) == 0
	    || is_digit(s + k + close))
		return false;
	*body = s + k + close;
	return true;
}

static void
read_line(struct reader *rd, int line, char *s, size_t len)
{
	const char *p = s, *body;
	int number;

	trim(&p, &len);
	s[p - s + (ptrdiff_t)len] = '\0';
	if (len == 0 || read_heading(rd, p))
		return;
	if (item_start(p, &number, &body))
		read_item(rd, line, number, body);
}

/* The same number twice is an error naming both lines. */
static void
check_numbers(struct reader *rd)
{
	const struct import_plan *plan = &rd->pt->plan;

	for (size_t i = 1; i < plan->n; i++)
		for (size_t j = 0; j < i; j++)
			if (strcmp(plan->task[i].number,
			    plan->task[j].number) == 0) {
				errors_add(rd->errs, "%s:%d: number %s is "
				    "given twice (first on line %d)",
				    rd->opt->name, plan->task[i].row,
				    plan->task[i].number, plan->task[j].row);
				break;
			}
}

bool
import_plan_text(const char *data, size_t len,
    const struct import_options *opt, const struct plan_names *known,
    struct plan_text *pt, struct errors *errs, struct errors *warns)
{
	struct reader rd = { opt, known, pt, errs, warns, NULL, NULL, -1,
	    (opencc_t)-1 };
	struct csv_error cerr;
	char *decoded, *text, *line, *nl, err[256];
	size_t textlen, nerrs = errs->n;
	int lineno = 1;

	memset(pt, 0, sizeof *pt);
	if (!csv_decode(data, len, &decoded, &textlen, &pt->plan.encoding,
	    &cerr)) {
		errors_add(errs, "%s:%d: %s", opt->name, cerr.line, cerr.msg);
		return false;
	}
	textlen = drop_glosses(decoded, textlen);
	text = to_simplified(&rd, decoded, textlen);
	free(decoded);
	if (rd.t2s != (opencc_t)-1)
		opencc_close(rd.t2s);
	if (text == NULL)
		return false;
	textlen = strlen(text);
	if (opt->default_due != NULL && !duephrase_parse(opt->default_due,
	    opt->year, &rd.default_due, err, sizeof err)) {
		errors_add(errs, "%s: --due \"%s\": %s", opt->name,
		    opt->default_due, err);
		rd.default_due = -1;
	}
	for (line = text; line < text + textlen; line = nl + 1, lineno++) {
		if ((nl = memchr(line, '\n', (size_t)(text + textlen - line)))
		    == NULL)
			nl = text + textlen;
		*nl = '\0';
		read_line(&rd, lineno, line, (size_t)(nl - line));
	}
	opencc_convert_utf8_free(text);
	free(rd.section);
	free(rd.subsection);
	check_numbers(&rd);
	if (errs->n > nerrs) {
		plan_text_free(pt);
		return false;
	}
	return true;
}

void
plan_text_free(struct plan_text *pt)
{
	for (size_t i = 0; i < pt->plan.n && pt->item != NULL; i++) {
		struct duty d = { NULL, pt->item[i].assisting,
		    pt->item[i].nassisting, pt->item[i].responsible,
		    pt->item[i].nresponsible, pt->item[i].note };

		duty_free(&d);
		free(pt->item[i].section);
	}
	free(pt->item);
	pt->item = NULL;
	import_plan_free(&pt->plan);
}
