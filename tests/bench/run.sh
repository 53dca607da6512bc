#!/bin/sh
# make bench: runs every benchmark of tests/bench/ against its peer and writes
# doc/benchmarks.md (machine details, a summary of the goals, one section
# per benchmark).
#
#   BUILDDIR=DIR [BENCH_QUICK=1] sh tests/bench/run.sh
#
# Each benchmark is `SCRIPT BUILDDIR`: it prints one markdown section on
# stdout ("## Title", the command, a table, each goal with "met" or
# "missed", what limits it) and logs on stderr; exit 77 means skipped (the
# last line of its log says why).  BENCH_QUICK=1 runs each at a reduced
# size, to try the whole run quickly; the defaults are the issue's sizes.
# The tools come from Debian (tests/bench/packages.txt): as root, missing
# ones are installed with apt-get; otherwise the missing packages are named
# and the benchmarks that need them skip.
set -u
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
builddir=$(cd "${BUILDDIR:-${1:?usage: BUILDDIR=DIR run.sh}}" && pwd)
benchdir=$srcdir/tests/bench
out=$srcdir/doc/benchmarks.md
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export BENCH_QUICK=${BENCH_QUICK:-0}

scripts="calc_batch.sh scale.sh lateness.sh throughput.sh import.sh calendar.sh deliver.sh"

# package_of TOOL: the Debian package providing TOOL.
package_of() {
	case $1 in
	nginx)	echo nginx-light ;;
	prometheus-alertmanager) echo prometheus-alertmanager ;;
	node)	echo nodejs ;;
	*)	echo "$1" ;;
	esac
}

missing=
for tool in nginx wrk prometheus-alertmanager node npm sqlite3 python3 curl; do
	command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/bin/$tool" ] ||
	    missing="$missing $(package_of "$tool")"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		echo "run.sh: installing$missing" >&2
		apt-get update -qq >&2 &&
		    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		    $(grep -v '^#' "$benchdir/packages.txt") >&2 ||
		    echo "run.sh: apt-get failed; benchmarks needing" \
		    "$missing skip" >&2
	else
		echo "run.sh: missing tools: apt-get install$missing" \
		    "(benchmarks needing them skip)" >&2
	fi
fi

machine() {
	cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	ncpu=$(grep -c '^processor' /proc/cpuinfo)
	ram=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
	virt=$(systemd-detect-virt 2>/dev/null || true)
	debian=$(cat /etc/debian_version 2>/dev/null || echo "not Debian")
	cc=$(awk -F' = ' '/^CC = / { print $2; exit }' "$builddir/Makefile")
	ccver=$(${cc:-gcc} --version 2>/dev/null | head -n 1)
	cflags=$(awk -F' = ' '/^CFLAGS = / { print $2; exit }' "$builddir/Makefile")
	commit=$(git -C "$srcdir" rev-parse --short HEAD 2>/dev/null || echo unknown)
	if [ "$commit" != unknown ] &&
	    ! git -C "$srcdir" diff --quiet HEAD 2>/dev/null; then
		commit="$commit (with uncommitted changes)"
	fi
	echo "| | |"
	echo "|---|---|"
	echo "| CPU | $ncpu × $cpu${virt:+ ($virt guest)} |"
	echo "| RAM | $ram |"
	echo "| kernel | $(uname -sr) |"
	echo "| Debian | $debian |"
	echo "| compiler | $ccver, CFLAGS \`$cflags\` |"
	echo "| duban | commit $commit |"
	echo "| date | $(date -u '+%Y-%m-%d %H:%M UTC') |"
	if [ "$BENCH_QUICK" = 1 ]; then
		echo "| sizes | reduced (BENCH_QUICK=1): not the issue's figures |"
	fi
}

# deliver.sh prints one line: its section is written here.
deliver_section() {
	cat <<'EOF'
## Delivery: reminders due at once to a Python sink

    tests/bench/deliver.sh BUILDDIR [N] [MAX_INFLIGHT]

N tasks, one office each, each with a single "due today" reminder at 09:00, on a generic
webhook channel without a rate limit, to `tests/integration/sink.py` (Python's threading HTTP
server, which records every request). duband's clock starts 5 s before 09:00 (`--fake-now`).
Lateness is measured on duband's own clock: the start of the sending attempt minus the due
instant, from the attempts table. The rate is first to last arrival at the sink. This sink,
a thread per request, is itself the limit: the fast sink is under Throughput.

EOF
	sed 's/^/    /' "$1"
}

for s in $scripts; do
	name=${s%.sh}
	if [ ! -f "$benchdir/$s" ]; then
		printf '%s\tskipped: %s is not written yet\n' "$name" "$s" \
		    >>"$tmp/status"
		continue
	fi
	echo "run.sh: $s" >&2
	start=$(date +%s)
	sh "$benchdir/$s" "$builddir" >"$tmp/$name.md" 2>"$tmp/$name.log"
	rc=$?
	cat "$tmp/$name.log" >&2
	secs=$(( $(date +%s) - start ))
	case $rc in
	0)	printf '%s\tran in %d s\n' "$name" "$secs" >>"$tmp/status"
		if [ "$s" = deliver.sh ]; then
			deliver_section "$tmp/$name.md" >"$tmp/$name.sec"
		else
			cp "$tmp/$name.md" "$tmp/$name.sec"
		fi ;;
	77)	printf '%s\tskipped: %s\n' "$name" \
		    "$(tail -n 1 "$tmp/$name.log")" >>"$tmp/status" ;;
	*)	printf '%s\tfailed (exit %d): %s\n' "$name" "$rc" \
		    "$(tail -n 1 "$tmp/$name.log")" >>"$tmp/status" ;;
	esac
done

{
	cat <<'EOF'
# Benchmarks

Timing goals are measured here, never asserted in `make check`. Every benchmark runs its peer
in the same run on the same machine. This page is written by `make bench`
(tests/bench/run.sh), which runs each `tests/bench/*.sh BUILDDIR` in turn; rerun it to
reproduce (as root it installs the peers from Debian: tests/bench/packages.txt). Each
script also runs alone, with its sizes as arguments (see its first lines).

## Machine

EOF
	machine
	printf '\nBuild without sanitizers (the autotools default `-g -O2` unless CFLAGS above say otherwise).\n'
	printf '\n## Summary\n\n| benchmark | goal |\n|---|---|\n'
	while IFS='	' read -r name what; do
		if [ -f "$tmp/$name.sec" ]; then
			title=$(sed -n 's/^## //p' "$tmp/$name.sec" | head -n 1)
			goals=$(grep -E '(^|[^A-Za-z])(met|missed)([^A-Za-z]|$)' \
			    "$tmp/$name.sec" | sed 's/^[-*|] *//; s/ *|$//; s/|/\\|/g')
			if [ -z "$goals" ]; then
				echo "| $title | no goal: figures only |"
			else
				echo "$goals" | while IFS= read -r g; do
					echo "| $title | $g |"
				done
			fi
		else
			echo "| $name | $what |"
		fi
	done <"$tmp/status"
	for s in $scripts; do
		name=${s%.sh}
		[ -f "$tmp/$name.sec" ] || continue
		echo
		cat "$tmp/$name.sec"
	done
} >"$tmp/benchmarks.md"
mv "$tmp/benchmarks.md" "$out"
echo "run.sh: wrote $out" >&2
cut -f 1,2 "$tmp/status" | sed 's/\t/: /' >&2
