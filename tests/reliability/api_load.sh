#!/bin/sh
# The API under concurrent load (issue 6, reliability 4).  Several hundred
# clients at once (asyncio, raw HTTP/1.1), over the unix socket and over
# TCP with bearer tokens, some keeping their connection alive and some
# not, send a mix of valid requests (tasks and cases with distinct keys,
# lists) and invalid ones: malformed JSON, wrong types, unknown offices,
# bodies over 64 KiB, headers over 64 KiB, no or a wrong token, a read token writing, requests
# cut short inside the body, and slow partial headers dropped early.
# Every request must get its documented answer (2xx for the valid ones,
# 400/401/403/413/422 for the invalid ones; a request cut short gets the
# connection closed and no answer), the daemon must stay up (healthz),
# and the store must hold exactly the valid creations, through the API
# and in the database.  Short by default (300 clients x 10 requests);
# API_LOAD_LONG=1 or RELIABILITY_LONG=1: 500 clients x 40 requests.
. "$top_srcdir/tests/integration/lib.sh"
command -v sqlite3 >/dev/null || { echo "sqlite3 not found: skipping"; exit 77; }
[ "${PYTHON3:-no}" != no ] || PYTHON3=$(command -v python3 || echo no)
[ "$PYTHON3" != no ] || { echo "python3 not found: skipping"; exit 77; }
SLOW=1
[ -z "${DUBAN_WRAPPER:-}" ] || SLOW=20	# valgrind
CLIENTS=300
REQUESTS=10
if [ "${API_LOAD_LONG:-${RELIABILITY_LONG:-0}}" != 0 ]; then
	CLIENTS=500
	REQUESTS=40
fi

SOCK="$TMP/duban.sock"
DB="$TMP/duban.db"
LOG="$TMP/duband.log"
PORT=$("$PYTHON3" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
RTOKEN=read-0123456789abcdef
WTOKEN=write-0123456789abcdef
printf '%s read\n%s write\n' "$RTOKEN" "$WTOKEN" >"$TMP/tokens"

cat >"$TMP/duban.conf" <<EOF
include("$ETC/holidays/cn.conf")
timezone = "Asia/Shanghai"
socket = "$SOCK"
listen = "127.0.0.1:$PORT"
token_file = "$TMP/tokens"
log_level = "info"
channel "console" {
	type = "stdout"
	file = "$TMP/messages.log"
}
EOF
# Enough offices that each lists fewer than 1000 items (the list limit).
OFFICES="综合处 药品注册处 稽查局 器械注册处 办公室01 办公室02 办公室03 办公室04 办公室05 办公室06 办公室07 办公室08"
for office in $OFFICES; do
	printf 'office "%s" {\n\tchannels = {"console"}\n}\n' "$office" >>"$TMP/duban.conf"
done
cat >>"$TMP/duban.conf" <<EOF
rule "disclosure" {
	limit = "20 workdays"
	extension = "20 workdays"
}
EOF

cat >"$TMP/load.py" <<'EOF'
"""Clients of the load test: prints one line per request, with its kind,
what was expected, what came and the key it would create."""
import asyncio
import json
import random
import sys

sock, port, rtoken, wtoken, nclients, nreq, slow, offices = sys.argv[1:9]
nclients, nreq, slow = int(nclients), int(nreq), int(slow)
OFFICES = offices.split()
TIMEOUT = 30 * slow

# kind: (needs its own connection, expected answer)
KINDS = {
    "task": 201, "case": 201, "list": 200, "json": 400, "type": 400,
    "office": 422, "big": 413, "notoken": 401, "badtoken": 401,
    "readonly": 403, "headers": 400, "cut": "closed", "loris": "dropped",
}
TCP_ONLY = ("notoken", "badtoken", "readonly")
WEIGHTS = {"task": 6, "case": 4, "list": 3, "json": 1, "type": 1,
           "office": 1, "big": 1, "notoken": 1, "badtoken": 1,
           "readonly": 1, "headers": 1, "cut": 1, "loris": 1}


def request(kind, c, i, tcp):
    """(method, path, body bytes, token) of a request."""
    key = "%s-%d-%d" % ("ld" if kind in ("task", "case") else "bad", c, i)
    office = OFFICES[(c + i) % len(OFFICES)]
    task = {"key": key, "title": "压力测试 %s" % key, "lead": office,
            "due": "2025-06-30"}
    token = wtoken if tcp else None
    if kind == "task":
        return "POST", "/v1/tasks", json.dumps(task), token
    if kind == "case":
        return "POST", "/v1/cases", json.dumps(
            {"ref": key.upper(), "rule": "disclosure", "office": office,
             "title": "依申请公开 %s" % key}), token
    if kind == "list":
        path = random.choice(["/v1/tasks?limit=5", "/v1/cases?limit=5",
                              "/v1/offices", "/healthz"])
        return "GET", path, None, rtoken if tcp else None
    if kind == "json":
        return "POST", "/v1/tasks", json.dumps(task)[:-7], token
    if kind == "type":
        task["title"] = 5
        return "POST", "/v1/tasks", json.dumps(task), token
    if kind == "office":
        task["lead"] = "没有这个处"
        return "POST", "/v1/tasks", json.dumps(task), token
    if kind == "big":
        task["target"] = "x" * (70 * 1024)
        return "POST", "/v1/tasks", json.dumps(task), token
    if kind == "notoken":
        return "POST", "/v1/tasks", json.dumps(task), None
    if kind == "badtoken":
        return "POST", "/v1/tasks", json.dumps(task), "wrong-0123456789abcdef"
    if kind == "readonly":
        return "POST", "/v1/tasks", json.dumps(task), rtoken
    return "POST", "/v1/tasks", json.dumps(task), token  # cut, loris


def encode(method, path, body, token, keep, pad=0):
    body = body.encode() if body is not None else b""
    head = "%s %s HTTP/1.1\r\nHost: duban\r\n" % (method, path)
    if pad > 0:
        head += "X-Pad: %s\r\n" % ("p" * pad)
    if token is not None:
        head += "Authorization: Bearer %s\r\n" % token
    if method == "POST":
        head += "Content-Type: application/json\r\n"
    head += "Content-Length: %d\r\n" % len(body)
    head += "Connection: %s\r\n\r\n" % ("keep-alive" if keep else "close")
    return head.encode(), body


async def connect(tcp):
    if tcp:
        return await asyncio.open_connection("127.0.0.1", int(port))
    return await asyncio.open_unix_connection(sock)


async def response(reader):
    """The status of one response, its body read; "closed" at EOF."""
    try:
        line = await reader.readline()
    except ConnectionResetError:
        return "closed"
    if not line:
        return "closed"
    status = int(line.split()[1])
    length = 0
    while True:
        h = await reader.readline()
        if h in (b"\r\n", b""):
            break
        name, _, value = h.decode("latin-1").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    await reader.readexactly(length)
    return status


async def cut(tcp, method, path, body, token):
    """The body cut short: half of it, then our side shut."""
    reader, writer = await connect(tcp)
    head, data = encode(method, path, body, token, False)
    writer.write(head + data[:len(data) // 2])
    await writer.drain()
    writer.write_eof()
    got = await asyncio.wait_for(response(reader), TIMEOUT)
    writer.close()
    return got


async def big_headers(tcp, method, path, body, token):
    """Headers over the limit: libevent's HTML 400, then the close."""
    reader, writer = await connect(tcp)
    head, data = encode(method, path, body, token, False, 70 * 1024)
    writer.write(head + data)
    try:
        await writer.drain()
    except OSError:
        pass    # closed by the server while we were still sending
    got = await asyncio.wait_for(response(reader), TIMEOUT)
    writer.close()
    return got


async def loris(tcp, method, path, body, token):
    """Headers sent slowly, then the connection dropped."""
    reader, writer = await connect(tcp)
    head, _ = encode(method, path, body, token, False)
    for k in range(0, 40, 8):
        writer.write(head[k:k + 8])
        await writer.drain()
        await asyncio.sleep(0.05)
    writer.close()
    return "dropped"


async def client(c, results):
    rnd = random.Random(c)
    tcp = c % 2 == 1
    keep = c % 3 != 0
    conn = None
    kinds = [k for k in WEIGHTS for _ in range(WEIGHTS[k])
             if tcp or k not in TCP_ONLY]
    for i in range(nreq):
        kind = rnd.choice(kinds)
        method, path, body, token = request(kind, c, i, tcp)
        try:
            if kind == "cut":
                got = await cut(tcp, method, path, body, token)
            elif kind == "headers":
                got = await big_headers(tcp, method, path, body, token)
            elif kind == "loris":
                got = await loris(tcp, method, path, body, token)
            else:
                if conn is None:
                    conn = await connect(tcp)
                head, data = encode(method, path, body, token, keep)
                conn[1].write(head + data)
                await conn[1].drain()
                got = await asyncio.wait_for(response(conn[0]), TIMEOUT)
                if not keep or got != KINDS[kind]:
                    conn[1].close()
                    conn = None
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError,
                ValueError, IndexError) as e:
            got = "error:%s" % type(e).__name__
            conn = None
        key = "%s-%d-%d" % ("ld" if kind in ("task", "case") else "bad", c, i)
        results.append((c, i, kind, KINDS[kind], got, key))
    if conn is not None:
        conn[1].close()


async def main():
    results = []
    await asyncio.gather(*(client(c, results) for c in range(nclients)))
    for c, i, kind, want, got, key in sorted(results):
        print("req %d %d %s want=%s got=%s %s" % (c, i, kind, want, got, key))


asyncio.run(main())
EOF

start_duband "$LOG" -c "$TMP/duban.conf" -d "$DB" --fake-now 2024-10-23T10:00:00+08:00
wait_for_line "$LOG" 'ready' $((10 * SLOW))

start=$(date +%s)
"$PYTHON3" "$TMP/load.py" "$SOCK" "$PORT" "$RTOKEN" "$WTOKEN" "$CLIENTS" "$REQUESTS" "$SLOW" "$OFFICES" \
    >"$TMP/results" 2>"$TMP/load.err" || { cat "$TMP/load.err" >&2; fail "the load clients failed"; }
elapsed=$(( $(date +%s) - start ))
total=$(grep -c '^req ' "$TMP/results")
[ "$total" -eq $((CLIENTS * REQUESTS)) ] || fail "$total results, expected $((CLIENTS * REQUESTS))"
echo "$total requests from $CLIENTS clients in ${elapsed}s:"
awk '{ n[$4 " " $6]++ } END { for (k in n) print "  " k ": " n[k] }' "$TMP/results" | sort

# Every request got what it should: no "got" other than the "want".
awk '{ w = $5; g = $6; sub(/^want=/, "", w); sub(/^got=/, "", g); if (w != g) print }' \
    "$TMP/results" >"$TMP/wrong"
[ ! -s "$TMP/wrong" ] || { head -20 "$TMP/wrong" >&2; fail "$(wc -l <"$TMP/wrong") requests got another answer"; }
kill -0 "$(cat "$TMP/duband.pid")" || fail "duband died: $(tail -5 "$LOG")"

# The valid creations, and nothing else.
awk '$4 == "task" { print $7 }' "$TMP/results" | sort >"$TMP/want-tasks"
awk '$4 == "case" { print toupper($7) }' "$TMP/results" | sort >"$TMP/want-cases"

# Through the API: per office, each under the list limit of 1000.
: >"$TMP/api-tasks"
: >"$TMP/api-cases"
for office in $OFFICES; do
	curl -sS -f --unix-socket "$SOCK" -G "http://duban/v1/tasks" \
	    --data-urlencode "state=all" --data-urlencode "source=api" \
	    --data-urlencode "office=$office" --data-urlencode "limit=1000" \
	    -o "$TMP/list.json" || fail "GET /v1/tasks for $office"
	"$PYTHON3" -c 'import json, sys
t = json.load(open(sys.argv[1]))["tasks"]
assert len(t) < 1000, "a full page: cannot tell"
print("\n".join(x["key"] for x in t))' "$TMP/list.json" >>"$TMP/api-tasks" ||
		fail "tasks of $office"
	curl -sS -f --unix-socket "$SOCK" -G "http://duban/v1/cases" \
	    --data-urlencode "state=all" --data-urlencode "office=$office" \
	    --data-urlencode "limit=1000" -o "$TMP/list.json" || fail "GET /v1/cases for $office"
	"$PYTHON3" -c 'import json, sys
c = json.load(open(sys.argv[1]))["cases"]
assert len(c) < 1000, "a full page: cannot tell"
print("\n".join(x["ref"] for x in c))' "$TMP/list.json" >>"$TMP/api-cases" ||
		fail "cases of $office"
done
sed -i '/^$/d' "$TMP/api-tasks" "$TMP/api-cases"
sort -o "$TMP/api-tasks" "$TMP/api-tasks"
sort -o "$TMP/api-cases" "$TMP/api-cases"
diff "$TMP/want-tasks" "$TMP/api-tasks" >"$TMP/diff" || { head -20 "$TMP/diff" >&2; fail "tasks listed are not the valid ones"; }
diff "$TMP/want-cases" "$TMP/api-cases" >"$TMP/diff" || { head -20 "$TMP/diff" >&2; fail "cases listed are not the valid ones"; }

curl -sS -f --unix-socket "$SOCK" -o "$TMP/health.json" http://duban/healthz || fail "healthz after the load"
grep -q '"status":"ok"' "$TMP/health.json" || fail "healthz: $(cat "$TMP/health.json")"
stop_duband

# In the database: the same sets, all of it.
sqlite3 "$DB" "select key from tasks where source = 'api'" | sort >"$TMP/db-tasks"
sqlite3 "$DB" "select ref from cases" | sort >"$TMP/db-cases"
diff "$TMP/want-tasks" "$TMP/db-tasks" >"$TMP/diff" || { head -20 "$TMP/diff" >&2; fail "tasks stored are not the valid ones"; }
diff "$TMP/want-cases" "$TMP/db-cases" >"$TMP/diff" || { head -20 "$TMP/diff" >&2; fail "cases stored are not the valid ones"; }
[ "$(sqlite3 "$DB" 'pragma integrity_check')" = ok ] || fail "integrity_check"
echo "$(wc -l <"$TMP/want-tasks") tasks and $(wc -l <"$TMP/want-cases") cases stored, as acknowledged"
echo ok
