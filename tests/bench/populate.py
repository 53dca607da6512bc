#!/usr/bin/env python3
"""Fills a duban database for the scale and lateness benchmarks.

usage: populate.py DB COUNT OFFICES CHANNEL FIRST_DUE SPREAD

Adds COUNT open tasks (source "bench"), each with its task_history "added"
row and one pending "due" reminder on CHANNEL for its lead office
("o1".."oOFFICES", round robin).  The reminders are due at random whole
seconds in [FIRST_DUE, FIRST_DUE + SPREAD) (UTC seconds); each task's due
date is the local (UTC+8) day of its reminder.  Task keys continue after
the tasks already there, so the script can run twice on one database.

The rows are written with SQL into a database duband created (so the schema
is exactly duband's); duband must not be running.  Columns added by later
schemas must have defaults, which this checks.  Prints the number of rows
and the seconds taken to stderr.
"""
import sqlite3
import sys
import time

FILLED = {
    "tasks": {"id", "key", "source", "title", "lead", "assist", "due",
              "created_at", "updated_at"},
    "task_history": {"id", "task_id", "changed_at", "change"},
    "reminders": {"id", "item_type", "item_id", "office", "channel", "kind",
                  "due_at", "deadline_at", "state", "next_at", "created_at",
                  "updated_at"},
}


def check_schema(db):
    for table, filled in FILLED.items():
        for _, name, _, notnull, default, pk in db.execute(
                f"PRAGMA table_info({table})"):
            if notnull and default is None and not pk and name not in filled:
                sys.exit(f"populate.py: {table}.{name} is NOT NULL without "
                         "a default: teach populate.py about it")


def main():
    if len(sys.argv) != 7:
        sys.exit(__doc__.split("\n\n")[1])
    path = sys.argv[1]
    count, offices = int(sys.argv[2]), int(sys.argv[3])
    channel = sys.argv[4]
    first, spread = int(sys.argv[5]), int(sys.argv[6])
    t0 = time.monotonic()
    db = sqlite3.connect(path, isolation_level=None)
    check_schema(db)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA foreign_keys = ON")
    now = int(time.time())
    base = db.execute("SELECT IFNULL(max(id), 0) FROM tasks").fetchone()[0]
    db.execute("BEGIN")
    # The due instants, from SQLite's own PRNG: random() is 64-bit signed.
    db.execute("CREATE TEMP TABLE due (n INTEGER PRIMARY KEY, at INTEGER)")
    db.execute("""
        WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL
            SELECT n + 1 FROM seq WHERE n < ?1)
        INSERT INTO due SELECT n, ?2 + abs(random() % ?3) FROM seq""",
               (count, first, spread))
    # Local day (UTC+8) of each instant, and that day's 23:59:59 local.
    db.execute("""
        INSERT INTO tasks (id, key, source, title, lead, assist, due,
            created_at, updated_at)
        SELECT ?1 + n, 'bench-' || (?1 + n), 'bench',
            'bench task ' || (?1 + n), 'o' || ((?1 + n) % ?2 + 1), '[]',
            (at + 28800) / 86400, ?3, ?3 FROM due""",
               (base, offices, now))
    db.execute("""
        INSERT INTO task_history (task_id, changed_at, change)
        SELECT ?1 + n, ?2, 'added' FROM due""", (base, now))
    db.execute("""
        INSERT INTO reminders (item_type, item_id, office, channel, kind,
            due_at, deadline_at, state, next_at, created_at, updated_at)
        SELECT 'task', ?1 + n, 'o' || ((?1 + n) % ?2 + 1), ?3, 'due', at,
            ((at + 28800) / 86400) * 86400 + 86399 - 28800, 'pending', at,
            ?4, ?4 FROM due""", (base, offices, channel, now))
    db.execute("DROP TABLE due")
    db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    print(f"populate.py: {count} tasks and reminders in "
          f"{time.monotonic() - t0:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
