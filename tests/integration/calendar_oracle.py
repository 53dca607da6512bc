#!/usr/bin/env python3
"""An independent implementation of China's official 2024-2026 working-day
calendar, for checking `dubanctl calc`.  It shares no code or data file with
duban: the facts are typed here from the State Council General Office notices
(国办发明电〔2023〕7号, 国办发明电〔2024〕12号 and the notice of 2025-11-04), and
it counts by walking day by day.  Years without data count weekends only.

usage: calendar_oracle.py QUERIES EXPECTED
writes `DATE +N workdays` queries for every start date 2024-01-01..2026-12-31
and N in 1..40, plus calendar-day and --between queries, and the answers.
"""
import datetime
import sys

OFF = {
    2024: ["01-01", "02-10..02-17", "04-04..04-06", "05-01..05-05", "06-10",
           "09-15..09-17", "10-01..10-07"],
    2025: ["01-01", "01-28..02-04", "04-04..04-06", "05-01..05-05",
           "05-31..06-02", "10-01..10-08"],
    2026: ["01-01..01-03", "02-15..02-23", "04-04..04-06", "05-01..05-05",
           "06-19..06-21", "09-25..09-27", "10-01..10-07"],
}
WORK = {
    2024: ["02-04", "02-18", "04-07", "04-28", "05-11", "09-14", "09-29",
           "10-12"],
    2025: ["01-26", "02-08", "04-27", "09-28", "10-11"],
    2026: ["01-04", "02-14", "02-28", "05-09", "09-20", "10-10"],
}


def expand(year, spans):
    days = set()
    for span in spans:
        first, _, last = span.partition("..")
        d = datetime.date.fromisoformat(f"{year}-{first}")
        end = datetime.date.fromisoformat(f"{year}-{last or first}")
        while d <= end:
            days.add(d)
            d += datetime.timedelta(days=1)
    return days


HOLIDAYS = set().union(*(expand(y, s) for y, s in OFF.items()))
WORKDAYS = set().union(*(expand(y, s) for y, s in WORK.items()))


def is_workday(d):
    if d in WORKDAYS:
        return True
    if d in HOLIDAYS:
        return False
    return d.weekday() < 5


def add_workdays(d, n):
    step = datetime.timedelta(days=1 if n > 0 else -1)
    left = abs(n)
    while left:
        d += step
        if is_workday(d):
            left -= 1
    return d


def add_days(d, n, roll):
    d += datetime.timedelta(days=n)
    while roll and not is_workday(d):
        d += datetime.timedelta(days=1)
    return d


def between(a, b):
    count = 0
    d = a
    while d < b:
        d += datetime.timedelta(days=1)
        count += is_workday(d)
    return count


def main():
    queries, answers = open(sys.argv[1], "w"), open(sys.argv[2], "w")
    d = datetime.date(2024, 1, 1)
    last = datetime.date(2026, 12, 31)
    while d <= last:
        for n in range(1, 41):
            queries.write(f"{d} +{n} workdays\n")
            answers.write(f"{add_workdays(d, n)}\n")
        for n in (1, 5, 20):
            queries.write(f"{d} -{n} workdays\n")
            answers.write(f"{add_workdays(d, -n)}\n")
        for n in (7, 30):
            queries.write(f"{d} +{n} days\n")
            answers.write(f"{add_days(d, n, False)}\n")
        other = d + datetime.timedelta(days=(d.toordinal() * 7919) % 90)
        queries.write(f"{d} {other}\n")
        answers.write(f"{between(d, other)}\n")
        d += datetime.timedelta(days=1)


if __name__ == "__main__":
    main()
