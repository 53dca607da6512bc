# Calls to duband's HTTP API for the integration tests, with curl: over the
# unix socket $SOCK, or over TCP on 127.0.0.1:$PORT with -t TOKEN.  Sourced
# after lib.sh; the response goes to $TMP/body (headers $TMP/headers).

# call [-t TOKEN] METHOD PATH [BODY|@FILE]: the body goes to $TMP/body,
# the status to $code; with -t (even empty) over TCP, else the socket.
call() {
	how="--unix-socket $SOCK"
	base=http://localhost
	auth=
	if [ "$1" = -t ]; then
		how=
		base="http://127.0.0.1:$PORT"
		auth=$2
		shift 2
	fi
	method=$1
	path=$2
	shift 2
	set -- ${how} -s -D "$TMP/headers" -o "$TMP/body" -w '%{http_code}' \
	    -X "$method" \
	    ${auth:+-H "Authorization: Bearer $auth"} \
	    ${1:+-H "Content-Type: application/json" --data-binary "$1"} \
	    "$base$path"
	code=$(curl "$@") || fail "curl $method $path failed"
}

# expect CODE [-t TOKEN] METHOD PATH [BODY]
expect() {
	want=$1
	shift
	call "$@"
	[ "$code" = "$want" ] || { cat "$TMP/body" >&2; echo >&2;
	    fail "$*: expected $want, got $code"; }
}

# jcheck EXPR: a Python expression over the JSON body d must hold.
jcheck() {
	"$PYTHON3" -c 'import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
sys.exit(0 if eval(sys.argv[2]) else 1)' "$TMP/body" "$1" ||
	    { cat "$TMP/body" >&2 || true; echo >&2; fail "expected $1"; }
}

# jget EXPR: prints a Python expression over the JSON body d.
jget() {
	"$PYTHON3" -c 'import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
print(eval(sys.argv[2]))' "$TMP/body" "$1"
}

# expect_error CODE FIELD METHOD PATH [BODY]: an error naming FIELD ("" none).
expect_error() {
	want=$1
	field=$2
	shift 2
	expect "$want" "$@"
	if [ -n "$field" ]; then
		jcheck "d['field'] == '$field' and len(d['error']) > 0"
	else
		jcheck "'field' not in d and len(d['error']) > 0"
	fi
}
