#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "date.h"
#include "parse.h"

static char err[256];

static void
assert_duration(const char *s, int n, enum dur_unit unit)
{
	struct duration d = { -99, DUR_WORKHOURS };

	err[0] = '\0';
	if (!parse_duration(s, &d, err, sizeof err))
		fail_msg("\"%s\" rejected: %s", s, err);
	assert_int_equal(d.n, n);
	assert_int_equal(d.unit, unit);
}

static void
assert_bad_duration(const char *s)
{
	struct duration d;

	err[0] = '\0';
	if (parse_duration(s, &d, err, sizeof err))
		fail_msg("\"%s\" accepted", s);
	assert_non_null(strstr(err, s));
}

static void
test_duration_good(void **state)
{
	(void)state;
	assert_duration("3 workdays", 3, DUR_WORKDAYS);
	assert_duration("1 workday", 1, DUR_WORKDAYS);
	assert_duration("0 workdays", 0, DUR_WORKDAYS);
	assert_duration("-1 workday", -1, DUR_WORKDAYS);
	assert_duration("+20 workdays", 20, DUR_WORKDAYS);
	assert_duration("30 days", 30, DUR_DAYS);
	assert_duration("1 day", 1, DUR_DAYS);
	assert_duration("4h", 4, DUR_HOURS);
	assert_duration("4 hours", 4, DUR_HOURS);
	assert_duration("1 hour", 1, DUR_HOURS);
	assert_duration("16 workhours", 16, DUR_WORKHOURS);
	assert_duration(" 5workdays ", 5, DUR_WORKDAYS);
	assert_duration("100000 days", 100000, DUR_DAYS);
	assert_duration("-100000 days", -100000, DUR_DAYS);
}

static void
test_duration_bad(void **state)
{
	(void)state;
	assert_bad_duration("3 weeks");
	assert_bad_duration("");
	assert_bad_duration("workdays");
	assert_bad_duration("3");
	assert_bad_duration("3 work days");
	assert_bad_duration("3.5 days");
	assert_bad_duration("--3 days");
	assert_bad_duration("3 days extra");
	assert_bad_duration("100001 days");
	assert_bad_duration("99999999999999999999 days");
	assert_bad_duration("3 Workdays");

	parse_duration("3 weeks", &(struct duration){ 0, 0 }, err,
	    sizeof err);
	assert_string_equal(err, "expected a duration such as "
	    "\"3 workdays\", \"2 days\" or \"4h\", got \"3 weeks\"");
}

static void
test_duration_format(void **state)
{
	char buf[64];

	(void)state;
	assert_string_equal(duration_format(&(struct duration){ 3,
	    DUR_WORKDAYS }, buf, sizeof buf), "3 workdays");
	assert_string_equal(duration_format(&(struct duration){ 1,
	    DUR_DAYS }, buf, sizeof buf), "1 day");
	assert_string_equal(duration_format(&(struct duration){ -1,
	    DUR_WORKDAYS }, buf, sizeof buf), "-1 workday");
	assert_string_equal(duration_format(&(struct duration){ 4,
	    DUR_HOURS }, buf, sizeof buf), "4 hours");
	assert_string_equal(duration_format(&(struct duration){ 1,
	    DUR_WORKHOURS }, buf, sizeof buf), "1 workhour");
	assert_string_equal(dur_unit_str(DUR_DAYS, 2), "days");
	assert_string_equal(dur_unit_str(DUR_WORKDAYS, 0), "workdays");
}

static void
test_date(void **state)
{
	int day = -1;

	(void)state;
	assert_true(parse_date("2024-10-01", &day, err, sizeof err));
	assert_int_equal(day, day_from_ymd(2024, 10, 1));
	assert_true(parse_date("2024-02-29", &day, err, sizeof err));
	assert_int_equal(day, day_from_ymd(2024, 2, 29));
	assert_true(parse_date("1970-01-01", &day, err, sizeof err));
	assert_int_equal(day, 0);

	assert_false(parse_date("2024-02-30", &day, err, sizeof err));
	assert_string_equal(err, "date \"2024-02-30\" does not exist: "
	    "2024-02 has 29 days");
	assert_false(parse_date("2023-02-29", &day, err, sizeof err));
	assert_non_null(strstr(err, "28 days"));
	assert_false(parse_date("2024-13-01", &day, err, sizeof err));
	assert_non_null(strstr(err, "no month 13"));
	assert_false(parse_date("1969-12-31", &day, err, sizeof err));
	assert_non_null(strstr(err, "outside"));
	assert_false(parse_date("2024/10/01", &day, err, sizeof err));
	assert_non_null(strstr(err, "expected a date"));
	assert_false(parse_date("2024-1-1", &day, err, sizeof err));
	assert_false(parse_date("2024-10-01x", &day, err, sizeof err));
	assert_false(parse_date("", &day, err, sizeof err));
}

static void
test_date_range(void **state)
{
	int from = -1, to = -1;

	(void)state;
	assert_true(parse_date_range("2024-10-01..2024-10-07", &from, &to,
	    err, sizeof err));
	assert_int_equal(from, day_from_ymd(2024, 10, 1));
	assert_int_equal(to, day_from_ymd(2024, 10, 7));
	assert_true(parse_date_range("2024-09-29", &from, &to, err,
	    sizeof err));
	assert_int_equal(from, day_from_ymd(2024, 9, 29));
	assert_int_equal(to, from);
	assert_true(parse_date_range("2024-10-01..2024-10-01", &from, &to,
	    err, sizeof err));
	assert_int_equal(from, to);

	assert_false(parse_date_range("2024-10-07..2024-10-01", &from, &to,
	    err, sizeof err));
	assert_non_null(strstr(err, "ends before it starts"));
	assert_false(parse_date_range("2024-10-01..2024-02-30", &from, &to,
	    err, sizeof err));
	assert_non_null(strstr(err, "2024-02-30"));
	assert_false(parse_date_range("2024-10-01..", &from, &to, err,
	    sizeof err));
	assert_false(parse_date_range("..2024-10-01", &from, &to, err,
	    sizeof err));
	assert_false(parse_date_range("2024-10-01-2024-10-07", &from, &to,
	    err, sizeof err));
	assert_false(parse_date_range("2024-10-001..2024-10-07", &from, &to,
	    err, sizeof err));
}

static void
test_time_of_day(void **state)
{
	int secs = -1;

	(void)state;
	assert_true(parse_time_of_day("00:00", &secs, err, sizeof err));
	assert_int_equal(secs, 0);
	assert_true(parse_time_of_day("23:59:59", &secs, err, sizeof err));
	assert_int_equal(secs, 86399);
	assert_true(parse_time_of_day("09:30", &secs, err, sizeof err));
	assert_int_equal(secs, 9 * 3600 + 30 * 60);

	assert_false(parse_time_of_day("24:00", &secs, err, sizeof err));
	assert_string_equal(err, "expected a time of day \"HH:MM\" or "
	    "\"HH:MM:SS\" from 00:00 to 23:59:59, got \"24:00\"");
	assert_false(parse_time_of_day("9:30", &secs, err, sizeof err));
	assert_false(parse_time_of_day("09:60", &secs, err, sizeof err));
	assert_false(parse_time_of_day("09:30:60", &secs, err, sizeof err));
	assert_false(parse_time_of_day("09:30:5", &secs, err, sizeof err));
	assert_false(parse_time_of_day("09:300", &secs, err, sizeof err));
	assert_false(parse_time_of_day("09:30 ", &secs, err, sizeof err));
	assert_false(parse_time_of_day("", &secs, err, sizeof err));
}

static void
test_hours(void **state)
{
	struct office_hours h;

	(void)state;
	assert_true(parse_hours("09:00-12:00,13:30-17:30", &h, err,
	    sizeof err));
	assert_int_equal(h.n, 2);
	assert_int_equal(h.range[0].from, 9 * 3600);
	assert_int_equal(h.range[0].to, 12 * 3600);
	assert_int_equal(h.range[1].from, 13 * 3600 + 1800);
	assert_int_equal(h.range[1].to, 17 * 3600 + 1800);

	/* Sorted on the way in; blanks after commas; touching is fine. */
	assert_true(parse_hours("13:00-17:00, 09:00-13:00", &h, err,
	    sizeof err));
	assert_int_equal(h.n, 2);
	assert_int_equal(h.range[0].from, 9 * 3600);
	assert_int_equal(h.range[1].from, 13 * 3600);

	assert_true(parse_hours("18:00-24:00", &h, err, sizeof err));
	assert_int_equal(h.range[0].to, 86400);

	assert_false(parse_hours("17:30-09:00", &h, err, sizeof err));
	assert_non_null(strstr(err, "17:30-09:00 ends before it starts"));
	assert_false(parse_hours("09:00-09:00", &h, err, sizeof err));
	assert_false(parse_hours("09:00-12:00,11:00-14:00", &h, err,
	    sizeof err));
	assert_non_null(strstr(err, "09:00-12:00 overlaps 11:00-14:00"));
	assert_int_equal(h.n, 0);
	assert_false(parse_hours("10:00-11:00,09:00-17:00", &h, err,
	    sizeof err));
	assert_non_null(strstr(err, "overlaps"));
	assert_false(parse_hours("24:00-24:00", &h, err, sizeof err));
	assert_false(parse_hours("09:00-24:01", &h, err, sizeof err));
	assert_false(parse_hours("09:00", &h, err, sizeof err));
	assert_non_null(strstr(err, "expected office hours"));
	assert_false(parse_hours("09:00-12:00,", &h, err, sizeof err));
	assert_false(parse_hours("09:00-12:00;13:00-14:00", &h, err,
	    sizeof err));
	assert_false(parse_hours("", &h, err, sizeof err));
	assert_false(parse_hours("00:00-01:00,01:00-02:00,02:00-03:00,"
	    "03:00-04:00,04:00-05:00,05:00-06:00,06:00-07:00,07:00-08:00,"
	    "08:00-09:00", &h, err, sizeof err));
	assert_non_null(strstr(err, "at most 8"));
}

static void
test_url(void **state)
{
	static const char *const web[] = { "http", "https", NULL };
	static const char *const mail[] = { "smtp", "smtps", NULL };

	(void)state;
	assert_true(parse_url("https://qyapi.weixin.qq.com/cgi-bin/webhook/"
	    "send?key=abc", web, err, sizeof err));
	assert_true(parse_url("http://127.0.0.1:8080/hook", web, err,
	    sizeof err));
	assert_true(parse_url("HTTPS://oa.example.gov.cn/", web, err,
	    sizeof err));
	assert_true(parse_url("smtps://mail.example.gov.cn", mail, err,
	    sizeof err));
	assert_true(parse_url("smtp://mail.example.gov.cn:587", mail, err,
	    sizeof err));

	assert_false(parse_url("ftp://example.gov.cn/x", web, err,
	    sizeof err));
	assert_string_equal(err, "expected a URL with scheme http or https, "
	    "got \"ftp://example.gov.cn/x\"");
	assert_false(parse_url("https://mail.example.gov.cn", mail, err,
	    sizeof err));
	assert_non_null(strstr(err, "smtp or smtps"));
	assert_false(parse_url("example.gov.cn/hook", web, err, sizeof err));
	assert_non_null(strstr(err, "expected a URL"));
	assert_false(parse_url("", web, err, sizeof err));
	assert_false(parse_url("https://", web, err, sizeof err));
	assert_false(parse_url("http://host:99999/", web, err, sizeof err));
	assert_false(parse_url("https://exa mple.com/", web, err,
	    sizeof err));
}

static void
test_email(void **state)
{
	(void)state;
	assert_true(parse_email("zonghe@example.gov.cn", err, sizeof err));
	assert_true(parse_email("a.b+c@x.cn", err, sizeof err));

	assert_false(parse_email("zonghe", err, sizeof err));
	assert_string_equal(err, "expected an e-mail address such as "
	    "\"zonghe@example.gov.cn\", got \"zonghe\"");
	assert_false(parse_email("zonghe@localhost", err, sizeof err));
	assert_false(parse_email("@example.gov.cn", err, sizeof err));
	assert_false(parse_email("zonghe@", err, sizeof err));
	assert_false(parse_email("a@b@example.cn", err, sizeof err));
	assert_false(parse_email("a b@example.cn", err, sizeof err));
	assert_false(parse_email("<a@example.cn>", err, sizeof err));
	assert_false(parse_email("综合处 <a@example.cn>", err, sizeof err));
	assert_false(parse_email("a@.example.cn", err, sizeof err));
	assert_false(parse_email("a@example.cn.", err, sizeof err));
	assert_false(parse_email("a@example..cn", err, sizeof err));
	assert_false(parse_email("", err, sizeof err));
}

static void
test_host_port(void **state)
{
	char host[64];
	int port = 0;

	(void)state;
	assert_true(parse_host_port("127.0.0.1:8730", host, sizeof host,
	    &port, err, sizeof err));
	assert_string_equal(host, "127.0.0.1");
	assert_int_equal(port, 8730);
	assert_true(parse_host_port("[::1]:65535", host, sizeof host, &port,
	    err, sizeof err));
	assert_string_equal(host, "::1");
	assert_int_equal(port, 65535);
	assert_true(parse_host_port("localhost:1", host, sizeof host, &port,
	    err, sizeof err));
	assert_int_equal(port, 1);

	assert_false(parse_host_port("127.0.0.1", host, sizeof host, &port,
	    err, sizeof err));
	assert_non_null(strstr(err, "HOST:PORT"));
	assert_false(parse_host_port(":8730", host, sizeof host, &port, err,
	    sizeof err));
	assert_false(parse_host_port("host:0", host, sizeof host, &port, err,
	    sizeof err));
	assert_false(parse_host_port("host:65536", host, sizeof host, &port,
	    err, sizeof err));
	assert_false(parse_host_port("host:80x", host, sizeof host, &port,
	    err, sizeof err));
	assert_false(parse_host_port("::1:8730", host, sizeof host, &port,
	    err, sizeof err));
	assert_false(parse_host_port("[::1]8730", host, sizeof host, &port,
	    err, sizeof err));
	assert_false(parse_host_port("host:", host, sizeof host, &port, err,
	    sizeof err));
	assert_false(parse_host_port("averyveryveryveryveryveryveryveryvery"
	    "veryveryverylonghostname.example:80", host, 16, &port, err,
	    sizeof err));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duration_good),
		cmocka_unit_test(test_duration_bad),
		cmocka_unit_test(test_duration_format),
		cmocka_unit_test(test_date),
		cmocka_unit_test(test_date_range),
		cmocka_unit_test(test_time_of_day),
		cmocka_unit_test(test_hours),
		cmocka_unit_test(test_url),
		cmocka_unit_test(test_email),
		cmocka_unit_test(test_host_port),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
