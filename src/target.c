/*
 * Quantity targets.  See target.h.
 *
 * User-visible decisions:
 *  - A target with a number is: an optional lead-in ("不少于", "不低于",
 *    "至少", "达到", "超过", "大于", "≥", ">="), one number written with
 *    ASCII digits and at most one decimal point, then the unit, which may
 *    end in "以上", "及以上", "以内", "以下" or "左右" (dropped).  "3个以上"
 *    is 3 个, "不少于1次" 1 次.
 *  - The unit is kept as written, multipliers included: "2.5万人次" is
 *    2.5 万人次, not 25000 人次 (exact, and what the plan says).  The
 *    full-width "％" becomes "%".
 *  - Anything else ("3-5个", "药品3家、器械3家", "完成立法", Chinese
 *    numerals such as "十二家") has no number: progress is still recorded
 *    and shown against the text as written ("7/完成立法").
 *  - Numbers are shown with up to 15 significant digits and no trailing
 *    zeros ("12", "2.5").
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "target.h"

#define NUMBER_MAX	32

static const char *const lead_ins[] = {
	"不少于", "不低于", "至少", "达到", "超过", "大于", "\xe2\x89\xa5",
	">=",
};

/* "及以上" before "以上": the longer one first. */
static const char *const tails[] = {
	"及以上", "以上", "以内", "以下", "左右",
};

static const char *
skip_spaces(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static const char *
skip_lead_in(const char *p)
{
	p = skip_spaces(p);
	for (size_t i = 0; i < sizeof lead_ins / sizeof lead_ins[0]; i++) {
		size_t len = strlen(lead_ins[i]);

		if (strncmp(p, lead_ins[i], len) == 0)
			return skip_spaces(p + len);
	}
	return p;
}

/* The length of the number at p ("12", "2.5"), 0 when none. */
static size_t
number_length(const char *p)
{
	size_t n = strspn(p, "0123456789");

	if (n > 0 && p[n] == '.' && p[n + 1] >= '0' && p[n + 1] <= '9')
		n += 1 + strspn(p + n + 1, "0123456789");
	return n;
}

/* The unit's length once a trailing "以上" and spaces are dropped. */
static size_t
unit_length(const char *u)
{
	size_t len = strlen(u);
	bool again = true;

	while (again) {
		again = false;
		while (len > 0 && (u[len - 1] == ' ' || u[len - 1] == '\t'))
			len--;
		for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++) {
			size_t tl = strlen(tails[i]);

			if (len >= tl && memcmp(u + len - tl, tails[i],
			    tl) == 0) {
				len -= tl;
				again = true;
				break;
			}
		}
	}
	return len;
}

int
target_parse(const char *text, double *value, char *unit, size_t unitlen)
{
	static const char fullwidth_percent[] = "\xef\xbc\x85";
	char num[NUMBER_MAX];
	const char *p, *u;
	size_t n, ulen;

	if (text == NULL)
		return -1;
	p = skip_lead_in(text);
	if ((n = number_length(p)) == 0 || n >= sizeof num)
		return -1;
	memcpy(num, p, n);
	num[n] = '\0';
	u = skip_spaces(p + n);
	ulen = unit_length(u);
	if (strcspn(u, "0123456789") < ulen)
		return -1;
	if (ulen == strlen(fullwidth_percent) &&
	    memcmp(u, fullwidth_percent, ulen) == 0) {
		u = "%";
		ulen = 1;
	}
	if (unit != NULL) {
		if (ulen >= unitlen)
			return -1;
		memcpy(unit, u, ulen);
		unit[ulen] = '\0';
	}
	*value = strtod(num, NULL);
	return 0;
}

char *
target_number(double v, char *buf, size_t len)
{
	snprintf(buf, len, "%.15g", v);
	return buf;
}

char *
target_progress_text(double progress, const char *target, char *buf,
    size_t len)
{
	char unit[TARGET_UNIT_MAX], have[NUMBER_MAX], want[NUMBER_MAX];
	double value;

	target_number(progress, have, sizeof have);
	if (target_parse(target, &value, unit, sizeof unit) == 0)
		snprintf(buf, len, "%s/%s%s", have, target_number(value, want,
		    sizeof want), unit);
	else
		snprintf(buf, len, "%s/%s", have, target != NULL ? target :
		    "");
	return buf;
}
