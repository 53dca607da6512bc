#!/bin/sh
# Throughput of `dubanctl calc --batch`: N random "+K workdays" queries over
# 2024-2026 (K in 1..60) on the shipped national calendar.
# usage: tests/bench/calc_batch.sh BUILDDIR [N]
set -eu
builddir=${1:?usage: calc_batch.sh BUILDDIR [N]}
n=${2:-1000000}
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 - "$n" >"$tmp/queries" <<'PY'
import datetime, random, sys
random.seed(42)
start = datetime.date(2024, 1, 1).toordinal()
for _ in range(int(sys.argv[1])):
    d = datetime.date.fromordinal(start + random.randrange(1096))
    print(f"{d} +{random.randint(1, 60)} workdays")
PY
t0=$(date +%s.%N)
"$builddir/dubanctl" -c "$srcdir/etc/duban.conf" calc --batch <"$tmp/queries" \
	>"$tmp/answers" 2>/dev/null
t1=$(date +%s.%N)
python3 -c "import sys; n, s = int(sys.argv[1]), float(sys.argv[3]) - float(sys.argv[2]); print(f'{n} queries in {s:.3f} s: {n / s:,.0f} queries/s')" "$n" "$t0" "$t1"
