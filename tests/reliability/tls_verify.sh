#!/bin/sh
# TLS certificate verification is on by default: a webhook channel to a
# local HTTPS sink whose certificate is self-signed (made here by openssl)
# must not deliver.  The attempt fails with a certificate reason and the
# sink sees no request, only a refused handshake.  Then the same
# configuration with the certificate as the channel's ca_file delivers the
# same reminder.  Certificate failures are not retried (channel.c counts
# them as permanent), so the second run starts from a fresh database at
# the same fake time: the task is due Wednesday 2024-10-23, the daemon
# starts at 08:59:58 and the "due" reminder goes at 09:00.
. "$top_srcdir/tests/integration/lib.sh"
command -v curl >/dev/null || { echo "curl not found: skipping"; exit 77; }
command -v sqlite3 >/dev/null || { echo "sqlite3 not found: skipping"; exit 77; }
command -v openssl >/dev/null || { echo "openssl not found: skipping"; exit 77; }
[ "${PYTHON3:-no}" != no ] || PYTHON3=$(command -v python3 || echo no)
[ "$PYTHON3" != no ] || { echo "python3 not found: skipping"; exit 77; }
SLOW=1
[ -z "${DUBAN_WRAPPER:-}" ] || SLOW=10	# valgrind

# A self-signed certificate for 127.0.0.1: its own CA.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
    -addext "subjectAltName=IP:127.0.0.1" -keyout "$TMP/key.pem" \
    -out "$TMP/cert.pem" 2>"$TMP/openssl.err" ||
	{ cat "$TMP/openssl.err" >&2; fail "openssl could not make a certificate"; }

# The HTTPS sink: one line per request ("POST /hook" and the body) and one
# per refused handshake ("HANDSHAKE" and why) in its log; answers 200.
cat >"$TMP/https_sink.py" <<'EOF'
import http.server, os, ssl, sys

port_file, log_file, cert, key = sys.argv[1:5]
log = open(log_file, "a", buffering=1, encoding="utf-8")


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        log.write("%s %s %s\n" % (self.command, self.path,
                                  body.decode("utf-8", "replace")))
        out = b'{"errcode":0,"errmsg":"ok"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    def get_request(self):
        sock, addr = self.socket.accept()
        try:
            return ctx.wrap_socket(sock, server_side=True), addr
        except (ssl.SSLError, OSError) as e:
            log.write("HANDSHAKE %s\n" % e)
            sock.close()
            raise


ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
srv = Server(("127.0.0.1", 0), Handler)
with open(port_file + ".tmp", "w") as f:
    f.write("%d\n" % srv.server_address[1])
os.rename(port_file + ".tmp", port_file)
srv.serve_forever()
EOF
: >"$TMP/sink.log"
"$PYTHON3" "$TMP/https_sink.py" "$TMP/sink.port" "$TMP/sink.log" \
    "$TMP/cert.pem" "$TMP/key.pem" 2>"$TMP/sink.err" &
echo $! >"$TMP/sink.pid"
wait_for_line "$TMP/sink.port" '^[0-9][0-9]*$' 10
URL="https://127.0.0.1:$(cat "$TMP/sink.port")/hook"

# The sink works, for a client that trusts the certificate.
curl -sS --cacert "$TMP/cert.pem" -d '{"probe":1}' -o /dev/null "$URL" ||
	fail "the HTTPS sink does not answer"
expect_grep "$TMP/sink.log" '^POST /hook {"probe":1}$'
: >"$TMP/sink.log"

cp "$ETC/holidays/cn.conf" "$TMP/cn.conf"
# write_conf [CHANNEL LINE]: the configuration, with an extra line in the
# webhook channel.
write_conf() {
	cat >"$TMP/duban.conf" <<CONF
include("cn.conf")
timezone = "Asia/Shanghai"
socket = "$TMP/duban.sock"
log_level = "info"
channel "oa" {
	type = "webhook"
	url = "$URL"
	${1:-}
}
office "综合处" {
	channels = {"oa"}
}
policy "once" {
	at_deadline = true
	hours = "09:00-17:30"
}
task "t-tls" {
	title = "TLS 证书校验"
	lead = "综合处"
	due = "2024-10-23"
	policy = "once"
}
CONF
}

# run DB: the daemon until its one reminder is no longer pending, sending
# or in retry; its state is then in $TMP/state.
run() {
	start_duband "$TMP/duband.log" -c "$TMP/duban.conf" -d "$1" \
	    --fake-now 2024-10-23T08:59:58+08:00
	wait_for_line "$TMP/duband.log" 'ready' $((10 * SLOW))
	i=0
	while :; do
		state=$(sqlite3 "$1" "select group_concat(state) from reminders" 2>/dev/null || true)
		case $state in
		sent|failed) break ;;
		esac
		i=$((i + 1))
		[ "$i" -le $((300 * SLOW)) ] || { cat "$TMP/duband.log" >&2; fail "reminder not settled: \"$state\""; }
		sleep 0.1
	done
	echo "$state" >"$TMP/state"
	stop_duband
}

# Without ca_file: the system's CAs do not know the certificate.
write_conf
run "$TMP/untrusted.db"
[ "$(cat "$TMP/state")" = failed ] || fail "without ca_file the reminder is $(cat "$TMP/state")"
att=$(sqlite3 "$TMP/untrusted.db" "select count(*) || ' ' || result from attempts")
[ "$att" = "1 failed" ] || fail "attempts without ca_file: $att"
excerpt=$(sqlite3 "$TMP/untrusted.db" "select excerpt from attempts")
echo "$excerpt" | grep -qi 'certificate' || fail "the attempt gives no certificate reason: \"$excerpt\""
expect_grep "$TMP/sink.log" '^HANDSHAKE'
! grep -q '^POST' "$TMP/sink.log" || fail "the sink got a request over an unverified connection"

# A ca_file that is not there is a configuration error.
write_conf "ca_file = \"$TMP/missing.pem\""
expect_exit 78 "$DUBAND" -t -c "$TMP/duban.conf"
expect_grep "$TMP/err" 'ca_file'

# With the certificate as ca_file (relative to the config's directory):
# the same reminder is delivered.
: >"$TMP/sink.log"
write_conf 'ca_file = "cert.pem"'
run "$TMP/trusted.db"
[ "$(cat "$TMP/state")" = sent ] || fail "with ca_file the reminder is $(cat "$TMP/state")"
att=$(sqlite3 "$TMP/trusted.db" "select count(*) || ' ' || result || ' ' || status from attempts")
[ "$att" = "1 sent 200" ] || fail "attempts with ca_file: $att"
expect_grep "$TMP/sink.log" '^POST /hook .*t-tls'
[ "$(grep -c '^POST' "$TMP/sink.log")" -eq 1 ] || fail "deliveries: $(cat "$TMP/sink.log")"
! grep -q '^HANDSHAKE' "$TMP/sink.log" || fail "a handshake was refused with ca_file: $(cat "$TMP/sink.log")"
echo ok
