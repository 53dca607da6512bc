#!/bin/sh
# dubanctl report against the real daemon: a fixed November 2024 scenario
# (tasks added and done through the API, --fake-now at its end), the text
# table, --json, --csv, usage errors, and --html: the page is opened in
# Debian's chromium, headless, and the screenshot is decoded (a small PNG
# reader in Python, no PIL) to check that each office's bar is drawn with a
# length proportional to its on-time rate.  Printing to PDF must work too.
. "$top_srcdir/tests/integration/lib.sh"
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
[ -n "$CHROMIUM" ] || { echo "chromium not found: skipping"; exit 77; }
command -v curl >/dev/null || { echo "curl not found: skipping"; exit 77; }
[ "${PYTHON3:-no}" != no ] || PYTHON3=$(command -v python3 || echo no)
[ "$PYTHON3" != no ] || { echo "python3 not found: skipping"; exit 77; }

SOCK="$TMP/duban.sock"
LOG="$TMP/duband.log"
CONF="$TMP/duban.conf"

cat >"$CONF" <<EOF
include("$ETC/holidays/cn.conf")
timezone = "Asia/Shanghai"
database = "$TMP/duban.db"
socket = "$SOCK"
channel "console" {
	type = "stdout"
	file = "$TMP/messages.log"
}
office "综合处" {
	channels = {"console"}
}
office "稽查局" {
	channels = {"console"}
}
office "药品注册处" {
	channels = {"console"}
}
office "器审中心" {
	channels = {"console"}
}
EOF

# post PATH BODY: a POST over the socket that must succeed.
post() {
	code=$(curl -s -o "$TMP/body" -w '%{http_code}' --unix-socket "$SOCK" \
	    -H 'Content-Type: application/json' --data-binary "$2" \
	    "http://localhost$1") || fail "curl POST $1 failed"
	case $code in
	2??) ;;
	*) cat "$TMP/body" >&2; echo >&2; fail "POST $1: HTTP $code" ;;
	esac
}

# task KEY LEAD DUE [DONE_AT]: a task, done at DONE_AT when given.
task() {
	post /v1/tasks "{\"key\": \"$1\", \"title\": \"任务 $1\", \"lead\": \"$2\", \"due\": \"$3\"}"
	[ -z "${4:-}" ] || post "/v1/tasks/$1/done" "{\"at\": \"$4\"}"
}

start_duband "$LOG" -c "$CONF" --fake-now 2024-11-29T10:00:00+08:00
wait_for_line "$LOG" 'ready'

# 综合处: 3 on time, 1 late (75%).  稽查局: 1 on time, 1 overdue (50%).
# 药品注册处: 1 on time (100%).  器审中心: 1 not yet due (no rate).
# Outside November: not counted.
task zh-1 综合处 2024-11-04 2024-11-04
task zh-2 综合处 2024-11-05 2024-11-01
task zh-3 综合处 2024-11-06 2024-11-06T17:00:00+08:00
task zh-4 综合处 2024-11-07 2024-11-12
task jc-1 稽查局 2024-11-08 2024-11-08
task jc-2 稽查局 2024-11-20
task yp-1 药品注册处 2024-11-15 2024-11-14
task qs-1 器审中心 2024-11-30
task qs-2 器审中心 2024-10-31 2024-11-20
task zh-5 综合处 2024-12-20

REPORT="$DUBANCTL -s $SOCK report --from 2024-11-01 --to 2024-11-30"

# --json: the API's report.
expect_exit 0 $REPORT --json
cp "$TMP/out" "$TMP/report.json"
"$PYTHON3" - "$TMP/report.json" <<'EOF' || fail "unexpected report JSON"
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
got = [(o["office"], o["due"], o["on_time"], o["late"], o["open"],
        o["overdue"], o["on_time_rate"]) for o in d["offices"]]
want = [("器审中心", 1, 0, 0, 1, 0, None),
        ("稽查局", 2, 1, 0, 0, 1, 0.5),
        ("综合处", 4, 3, 1, 0, 0, 0.75),
        ("药品注册处", 1, 1, 0, 0, 0, 1.0)]
if got != want or d["from"] != "2024-11-01" or d["to"] != "2024-11-30":
    sys.exit("got %r" % (got,))
t = d["total"]
if (t["due"], t["on_time"], t["late"], t["open"], t["overdue"]) != (8, 5, 1, 1, 1):
    sys.exit("total %r" % (t,))
EOF

# The text table: aligned, rates and "—", a total row.
expect_exit 0 $REPORT
expect_grep "$TMP/out" '^按时办结情况 2024-11-01 – 2024-11-30$'
expect_grep "$TMP/out" '^办公室  *到期  *按时  *逾期办结  *未到期  *逾期未办  *按时率  *平均逾期工作日$'
expect_grep "$TMP/out" '^器审中心  *1  *0  *0  *1  *0  *—  *—$'
expect_grep "$TMP/out" '^综合处  *4  *3  *1  *0  *0  *75\.0%  *[0-9][0-9]*\.[0-9]$'
expect_grep "$TMP/out" '^药品注册处  *1  *1  *0  *0  *0  *100\.0%  *—$'
expect_grep "$TMP/out" '^合计  *8  *5  *1  *1  *1  *71\.4%  *[0-9][0-9]*\.[0-9]$'
# Columns line up in display width: every line as wide as the header
# (numbers are right-aligned, so each row ends in the last column).
"$PYTHON3" - "$TMP/out" <<'EOF' || fail "the table is not aligned"
import sys, unicodedata
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()[2:]
def width(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
if len(lines) != 6 or len({width(l) for l in lines}) != 1:
    sys.exit("\n".join(lines))
EOF

# --csv: RFC 4180, CRLF, English header, total last.
expect_exit 0 $REPORT --office 综合处 --csv
printf 'office,due,on_time,late,open,overdue,on_time_rate,mean_workdays_late\r\n' >"$TMP/want"
head -n 1 "$TMP/out" | cmp -s - "$TMP/want" ||
	{ cat -A "$TMP/out" >&2; fail "CSV header"; }
expect_grep "$TMP/out" '^综合处,4,3,1,0,0,0\.7500,[0-9.]*'"$(printf '\r')"'$'
expect_grep "$TMP/out" '^total,4,3,1,0,0,0\.7500,'
[ "$(wc -l <"$TMP/out")" -eq 3 ] || { cat "$TMP/out" >&2; fail "--office 综合处: not one office"; }

# Usage and data errors.
expect_exit 64 "$DUBANCTL" -s "$SOCK" report --to 2024-11-30
expect_exit 64 "$DUBANCTL" -s "$SOCK" report --from 2024-11-01
expect_exit 64 $REPORT --json --csv
expect_exit 64 $REPORT --html
expect_exit 64 $REPORT extra
expect_exit 65 "$DUBANCTL" -s "$SOCK" report --from 2024-11-31 --to 2024-12-31
expect_exit 73 $REPORT --html "$TMP/no/such/dir/r.html"
if [ -c /dev/full ]; then
	expect_exit 74 $REPORT --html /dev/full
	set +e
	$REPORT --csv >/dev/full 2>"$TMP/err"
	rc=$?
	set -e
	[ "$rc" -eq 74 ] || fail "--csv to a full disk: exit $rc"
fi

# --html: the page, then a real browser's rendering of it.
expect_exit 0 $REPORT --html "$TMP/r.html"
[ -s "$TMP/r.html" ] || fail "no page written"
[ ! -s "$TMP/out" ] || { cat "$TMP/out" >&2; fail "--html FILE wrote to stdout"; }
expect_grep "$TMP/r.html" '<title>督办按时办结情况 2024-11-01 – 2024-11-30</title>'
! grep -q -e '<script' -e 'http://' -e 'https://' "$TMP/r.html" ||
	fail "the page has a script or an external reference"
[ "$(grep -c '<rect class="bar"' "$TMP/r.html")" -eq 3 ] || fail "not 3 bars"
expect_exit 0 $REPORT --html -
cmp -s "$TMP/out" "$TMP/r.html" || fail "--html - differs from --html FILE"

stop_duband
# Nothing below needs the daemon; without it dubanctl says so.
expect_exit 69 $REPORT

run_chromium() {
	HOME="$TMP" ${TIMEOUT:-} "$CHROMIUM" --headless --no-sandbox --disable-gpu \
	    --disable-quic --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync \
	    --user-data-dir="$TMP/chrome" "$@" "file://$TMP/r.html" \
	    >>"$TMP/chromium.log" 2>&1 || { cat "$TMP/chromium.log" >&2; fail "chromium $*"; }
}
TIMEOUT=$(command -v timeout >/dev/null && echo "timeout 120" || true)
run_chromium --screenshot="$TMP/r.png" --window-size=1000,800
run_chromium --print-to-pdf="$TMP/r.pdf" --no-pdf-header-footer
[ "$(head -c 5 "$TMP/r.pdf")" = "%PDF-" ] || fail "the PDF does not start with %PDF-"

# The bars in the screenshot: the bar colour (#2a6ebb, report_html.c) in
# three bands, top to bottom 50%, 75%, 100% of 500 pixels, all starting at
# the same x.
"$PYTHON3" - "$TMP/r.png" <<'EOF' || fail "the chart is not drawn right (see $TMP/r.png)"
import struct, sys, zlib

def read_png(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit("not a PNG")
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        crc, = struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])
        if zlib.crc32(kind + body) != crc:
            sys.exit("bad CRC in %r" % kind)
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = ihdr
    if depth != 8 or ctype not in (2, 6) or interlace != 0:
        sys.exit("unsupported PNG: depth %d type %d interlace %d"
                 % (depth, ctype, interlace))
    bpp = 3 if ctype == 2 else 4
    raw, stride, rows, prev = zlib.decompress(idat), w * bpp, [], None
    prev = bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pred) & 255
            elif f != 0:
                sys.exit("bad filter %d" % f)
        rows.append([tuple(line[x * bpp:x * bpp + 3]) for x in range(w)])
        prev = line
    return w, h, rows

w, h, rows = read_png(sys.argv[1])
if (w, h) != (1000, 800):
    sys.exit("screenshot is %dx%d" % (w, h))

BAR = (0x2a, 0x6e, 0xbb)
def is_bar(px):
    return all(abs(p - q) <= 6 for p, q in zip(px, BAR))

# Bands of rows that have bar pixels; each band's middle row is measured.
bands, start = [], None
for y in range(h + 1):
    has = y < h and any(is_bar(px) for px in rows[y])
    if has and start is None:
        start = y
    elif not has and start is not None:
        bands.append((start, y))
        start = None
spans = []
for top, bottom in bands:
    row = rows[(top + bottom) // 2]
    xs = [x for x in range(w) if is_bar(row[x])]
    if xs[-1] - xs[0] + 1 != len(xs):
        sys.exit("a bar has a gap at rows %d-%d" % (top, bottom))
    spans.append((xs[0], len(xs), bottom - top))
print("bars (x, width, height):", spans)
want = [0.5, 0.75, 1.0]
if len(spans) != len(want):
    sys.exit("%d bars, want %d" % (len(spans), len(want)))
for (x, width, height), rate in zip(spans, want):
    if abs(x - spans[0][0]) > 1:
        sys.exit("bars do not start at the same x")
    if abs(width - 500 * rate) > 3:
        sys.exit("bar of %.0f%% is %d pixels wide, want %d"
                 % (rate * 100, width, 500 * rate))
    if not 14 <= height <= 22:
        sys.exit("a bar is %d pixels high" % height)
EOF
