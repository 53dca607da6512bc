/*
 * Due phrases of work plans into dates (duephrase.h).
 *
 * Decisions visible to users:
 *  - A deadline is the last day the phrase allows: "2025年", "2025年底前",
 *    "2025年内", "2025年度" are 2025-12-31; "6月底前", "6月" and "6月份"
 *    the last day of June; "第三季度", "三季度末" 09-30; "上半年" and "年中"
 *    06-30, "下半年" 12-31; "6月上旬" the 10th, "中旬" the 20th, "下旬"
 *    the last day.
 *  - Dates: "2024年7月21日" (or 号), "2024-07-21", "2024/7/21",
 *    "2024.7.21"; a month and day without a year ("3月31日前") is in the
 *    plan's year, as are "年底前", "年内", "今年年底前", "第三季度".
 *  - A range of years ("2021-2025年", "2021年至2025年") ends with its last
 *    year.
 *  - Around the phrase, "前", "之前", "以前", "完成", "为止" and a leading
 *    "截至"/"截止"/"于"/"最迟" are ignored; so are blanks (also U+3000)
 *    and brackets.  Full-width digits and Chinese numerals up to 31
 *    ("三月", "十二月", "二十日") are read as numbers.
 *  - A five-year plan ends with its last year: "十四五期末", "“十四五”末",
 *    "十四五期间", "十四五时期" are 2025-12-31; 十五 is 2001-2005, 十一五
 *    2006-2010, … 十五五 2026-2030 (a plan's years are 1955 + 5n - 4 to
 *    1955 + 5n for the n-th).
 *  - "长期", "持续…", "常态化", "长效", "逐步…", "尽快", "立即" and the
 *    like name no deadline and are an error, as are recurring phrases
 *    ("每年3月31日前", "每季度"): an import item has one deadline.
 */
#include "duephrase.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"

/* Room for a normalized phrase; longer text is not a due phrase. */
#define PHRASE_MAX 256

/* Words that mean the item has no single deadline. */
static const char *const open_ended[] = {
	"长期", "持续", "常态", "长效", "逐步", "适时", "及时", "不定期",
	"随时", "动态", "尽快", "立即", "马上", "抓紧", "尽早",
};

static const char *const recurring[] = {
	"每年", "每季", "每月", "每半年", "每周", "按季", "按月", "按年",
	"逐年", "年度内每",
};

/* Stripped from the end, repeatedly. */
static const char *const trailing_words[] = {
	"之前", "以前", "前", "为止", "完成",
};

/* Stripped from the start. */
static const char *const leading_words[] = {
	"截至", "截止", "最迟", "于",
};

/* Endings after a year that all mean the end of that year. */
static const char *const year_end_words[] = {
	"", "底", "末", "内", "度", "度内", "度底", "度末",
};

/* Endings after a month that all mean the end of that month. */
static const char *const month_end_words[] = {
	"", "底", "末", "份", "内", "份内", "份底", "下旬",
};

/* The five-year plans in the span, longest name first. */
static const struct {
	const char	*name;
	int		 last_year;
} five_year_plans[] = {
	{ "十一五", 2010 }, { "十二五", 2015 }, { "十三五", 2020 },
	{ "十四五", 2025 }, { "十五五", 2030 }, { "十五", 2005 },
};

/* After a five-year plan's name: all mean its end. */
static const char *const plan_end_words[] = {
	"", "末", "期末", "末期", "期间", "期内", "时期", "时期末", "规划期",
	"规划期末", "规划期内", "规划末",
};

static const char *const quarter_end_words[] = {
	"", "末", "底", "内",
};

static const char *const chinese_digits[] = {
	"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九",
};

#define NELEM(a) (sizeof (a) / sizeof (a)[0])

static bool
eat(const char **p, const char *word)
{
	size_t n = strlen(word);

	if (strncmp(*p, word, n) != 0)
		return false;
	*p += n;
	return true;
}

static bool
ends_with(const char *s, size_t len, const char *word)
{
	size_t n = strlen(word);

	return len >= n && memcmp(s + len - n, word, n) == 0;
}

static bool
is_one_of(const char *s, const char *const *words, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, words[i]) == 0)
			return true;
	return false;
}

static bool
contains_any(const char *s, const char *const *words, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strstr(s, words[i]) != NULL)
			return true;
	return false;
}

/*
 * The text without blanks and brackets, full-width digits and dashes made
 * ASCII.  False when it does not fit.
 */
static bool
normalize(const char *text, char *out, size_t outlen)
{
	static const struct {
		const char	*from;
		const char	*to;
	} map[] = {
		{ "\u3000", "" }, { "\u00a0", "" }, { " ", "" }, { "\t", "" },
		{ "\r", "" }, { "\n", "" },
		{ "(", "" }, { ")", "" }, { "\uff08", "" }, { "\uff09", "" },
		{ "\uff0d", "-" }, { "\u2014", "-" }, { "\u2013", "-" },
		{ "\uff5e", "-" }, { "~", "-" }, { "\uff0f", "/" },
		{ "\uff0e", "." }, { "\u201c", "" }, { "\u201d", "" },
		{ "\"", "" },
	};
	const char *p = text;
	size_t len = 0;

	while (*p != '\0') {
		const char *to = NULL;
		size_t i;

		if (strncmp(p, "\uff10", 2) == 0 &&
		    (unsigned char)p[2] >= 0x90 && (unsigned char)p[2] <= 0x99) {
			/* U+FF10..FF19: EF BC 90..99 */
			char digit[2] = { (char)('0' + (unsigned char)p[2] -
			    0x90), '\0' };

			if (len + 1 >= outlen)
				return false;
			out[len++] = digit[0];
			p += 3;
			continue;
		}
		for (i = 0; i < NELEM(map); i++)
			if (eat(&p, map[i].from)) {
				to = map[i].to;
				break;
			}
		if (to == NULL) {
			if (len + 1 >= outlen)
				return false;
			out[len++] = *p++;
			continue;
		}
		if (len + strlen(to) >= outlen)
			return false;
		memcpy(out + len, to, strlen(to));
		len += strlen(to);
	}
	out[len] = '\0';
	return true;
}

static void
strip_words(char *s)
{
	size_t len = strlen(s);
	bool again = true;

	while (again) {
		again = false;
		for (size_t i = 0; i < NELEM(trailing_words); i++)
			if (ends_with(s, len, trailing_words[i]) &&
			    len > strlen(trailing_words[i])) {
				len -= strlen(trailing_words[i]);
				again = true;
			}
	}
	s[len] = '\0';
	for (size_t i = 0; i < NELEM(leading_words); i++) {
		const char *p = s;

		if (eat(&p, leading_words[i]) && *p != '\0') {
			memmove(s, p, strlen(p) + 1);
			break;
		}
	}
}

/* A Chinese numeral 1..99 ("三", "十二", "二十一"). */
static bool
read_chinese_number(const char **p, int *n)
{
	const char *q = *p;
	int tens = -1, units = -1, digit;

	for (;;) {
		digit = -1;
		for (int i = 0; i < 10; i++)
			if (eat(&q, chinese_digits[i])) {
				digit = i;
				break;
			}
		if (digit == -1 && eat(&q, "两"))
			digit = 2;
		if (digit != -1) {
			if (units != -1)
				return false;
			units = digit;
			continue;
		}
		if (tens == -1 && eat(&q, "十")) {
			tens = units == -1 ? 1 : units;
			units = -1;
			continue;
		}
		break;
	}
	if (tens == -1 && units == -1)
		return false;
	*n = (tens == -1 ? 0 : tens * 10) + (units == -1 ? 0 : units);
	*p = q;
	return *n > 0;
}

/* 1..maxdigits ASCII digits, or a Chinese numeral. */
static bool
read_number(const char **p, int maxdigits, int *n)
{
	const char *q = *p;
	int v = 0, digits = 0;

	while (*q >= '0' && *q <= '9' && digits < maxdigits) {
		v = v * 10 + (*q - '0');
		q++;
		digits++;
	}
	if (digits > 0) {
		if (*q >= '0' && *q <= '9')
			return false;
		*n = v;
		*p = q;
		return true;
	}
	return read_chinese_number(p, n);
}

static bool
read_year(const char **p, int *year)
{
	const char *q = *p;

	for (int i = 0; i < 4; i++)
		if (q[i] < '0' || q[i] > '9')
			return false;
	if (q[4] >= '0' && q[4] <= '9')
		return false;
	*year = atoi(q) /* four digits, checked above */;
	*p = q + 4;
	return true;
}

/* "-M-D", "/M/D" or ".M.D" after a year: the whole rest of the text. */
static bool
read_numeric_date(const char *p, int year, int *day)
{
	char sep = *p;
	int month, mday;

	if (sep != '-' && sep != '/' && sep != '.')
		return false;
	p++;
	if (!read_number(&p, 2, &month) || *p != sep)
		return false;
	p++;
	if (!read_number(&p, 2, &mday) || *p != '\0')
		return false;
	if (month < 1 || month > 12 || mday < 1 ||
	    mday > days_in_month(year, month))
		return false;
	*day = day_from_ymd(year, month, mday);
	return true;
}

static int
end_of_month(int year, int month)
{
	return day_from_ymd(year, month, days_in_month(year, month));
}

/*
 * What follows the year (or stands alone, for the plan's year): returns
 * the day, or -1 when the rest is not a phrase.
 */
static int
read_rest(const char *p, int year, bool had_year)
{
	const char *q = p;
	int n, mday;

	/* "2025年", "2025年底", "2025年年底", "年底", "年内"; not "年". */
	if ((eat(&q, "年") || had_year) && (had_year || *q != '\0') &&
	    is_one_of(q, year_end_words, NELEM(year_end_words)))
		return day_from_ymd(year, 12, 31);
	if (strcmp(p, "全年") == 0 || strcmp(p, "下半年") == 0)
		return day_from_ymd(year, 12, 31);
	if (strcmp(p, "上半年") == 0 || strcmp(p, "年中") == 0)
		return day_from_ymd(year, 6, 30);

	q = p;
	eat(&q, "第");
	if (read_number(&q, 1, &n) && n >= 1 && n <= 4 &&
	    (eat(&q, "季度") || eat(&q, "季")) &&
	    is_one_of(q, quarter_end_words, NELEM(quarter_end_words)))
		return end_of_month(year, n * 3);

	q = p;
	if (!read_number(&q, 2, &n) || n < 1 || n > 12 || !eat(&q, "月"))
		return -1;
	if (is_one_of(q, month_end_words, NELEM(month_end_words)))
		return end_of_month(year, n);
	if (strcmp(q, "上旬") == 0)
		return day_from_ymd(year, n, 10);
	if (strcmp(q, "中旬") == 0)
		return day_from_ymd(year, n, 20);
	if (!read_number(&q, 2, &mday) || (!eat(&q, "日") && !eat(&q, "号")) ||
	    *q != '\0' || mday < 1 || mday > days_in_month(year, n))
		return -1;
	return day_from_ymd(year, n, mday);
}

/* "十四五期末": the last day of the plan's last year, or -1. */
static int
read_five_year_plan(const char *p)
{
	for (size_t i = 0; i < NELEM(five_year_plans); i++) {
		const char *q = p;

		if (eat(&q, five_year_plans[i].name) &&
		    is_one_of(q, plan_end_words, NELEM(plan_end_words)))
			return day_from_ymd(five_year_plans[i].last_year, 12,
			    31);
	}
	return -1;
}

static bool
year_in_span(int year)
{
	return year >= DAY_FIRST_YEAR && year <= DAY_LAST_YEAR;
}

bool
duephrase_parse(const char *text, int plan_year, int *day, char *err,
    size_t errlen)
{
	char s[PHRASE_MAX];
	const char *p;
	int year, year2, result;
	bool had_year = false;

	if (!normalize(text, s, sizeof s)) {
		snprintf(err, errlen, "cannot read the date \"%.40s…\"", text);
		return false;
	}
	if (s[0] == '\0') {
		snprintf(err, errlen, "no date");
		return false;
	}
	if (contains_any(s, recurring, NELEM(recurring))) {
		snprintf(err, errlen, "\"%s\" repeats: an item to import has "
		    "one deadline", text);
		return false;
	}
	if (contains_any(s, open_ended, NELEM(open_ended))) {
		snprintf(err, errlen, "no deadline in \"%s\"", text);
		return false;
	}
	strip_words(s);
	p = s;
	if ((result = read_five_year_plan(p)) != -1) {
		*day = result;
		return true;
	}
	if (read_year(&p, &year)) {
		if (!year_in_span(year))
			goto out_of_span;
		if (read_numeric_date(p, year, day))
			return true;
		if ((eat(&p, "-") || eat(&p, "至") || eat(&p, "年-") ||
		    eat(&p, "年至")) && read_year(&p, &year2)) {
			/* A range of years ends with its last. */
			if (year2 < year || !year_in_span(year2))
				goto unreadable;
			year = year2;
		}
		if (!eat(&p, "年"))
			goto unreadable;
		had_year = true;
	} else if (eat(&p, "今年") || eat(&p, "本年") || eat(&p, "当年")) {
		if (plan_year == DUEPHRASE_NO_YEAR)
			goto no_year;
		year = plan_year;
		had_year = true;
	} else {
		if (plan_year == DUEPHRASE_NO_YEAR) {
			if (read_rest(p, DAY_FIRST_YEAR + 2, false) == -1)
				goto unreadable;	/* leap year for 2月29日 */
			goto no_year;
		}
		year = plan_year;
		if (!year_in_span(year))
			goto out_of_span;
	}
	if ((result = read_rest(p, year, had_year)) == -1)
		goto unreadable;
	*day = result;
	return true;

unreadable:
	snprintf(err, errlen, "cannot read the date \"%s\"", text);
	return false;
no_year:
	snprintf(err, errlen, "\"%s\" names no year: give the plan's year "
	    "(--year)", text);
	return false;
out_of_span:
	snprintf(err, errlen, "\"%s\": the year is outside %d..%d", text,
	    DAY_FIRST_YEAR, DAY_LAST_YEAR);
	return false;
}
