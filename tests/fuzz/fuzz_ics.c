/*
 * libFuzzer target: the iCalendar reader (calendar_load_ics, libical) on
 * the input as a .ics file, then a few queries of the calendar it built.
 */
#include <stdbool.h>
#include <stdint.h>
#include <unistd.h>

#include "calendar.h"
#include "date.h"
#include "fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
query(const struct calendar *cal)
{
	int start = day_from_ymd(2024, 9, 20), day;
	bool workday;

	calendar_is_workday(cal, start, &workday);
	calendar_add_workdays(cal, start, 20, &day);
	calendar_add_workdays(cal, start, -20, &day);
	calendar_add_days(cal, start, 15, true, &day);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct calendar *cal;
	char path[64], err[512];
	int fd;

	fd = fuzz_file("holidays.ics", data, size, path, sizeof path);
	if ((cal = calendar_new("fuzz")) == NULL)
		abort();
	if (calendar_load_ics(cal, path, err, sizeof err) == 0 &&
	    calendar_finalize(cal) == 0)
		query(cal);
	calendar_free(cal);
	close(fd);
	return 0;
}
