#!/bin/sh
# Every option of the libconfuse schema in src/config.c (the name strings of
# CFG_STR, CFG_INT, CFG_BOOL, CFG_SEC, CFG_STR_LIST, CFG_FUNC, ...) must be
# documented in doc/duban.conf.5 (an ".It Ic NAME" entry) and in the
# commented example etc/duban.conf (the name at the start of a line, as a
# setting, a block, or a commented entry of a key list).  Every missing
# name is printed.  Also: every dubanctl command in dubanctl.1, every
# duband option in duband.8, and the three pages format without warnings
# when groff is there.
. "$top_srcdir/tests/integration/lib.sh"

SCHEMA="$top_srcdir/src/config.c"
PAGE="$top_srcdir/doc/duban.conf.5"
EXAMPLE="$top_srcdir/etc/duban.conf"

grep -o 'CFG_[A-Z_]*("[A-Za-z0-9_]*"' "$SCHEMA" |
    sed 's/^[^"]*"//; s/"$//' | LC_ALL=C sort -u >"$TMP/keys"
n=$(wc -l <"$TMP/keys")
# A schema this small means the extraction broke, not that all is well.
[ "$n" -ge 40 ] || { cat "$TMP/keys" >&2; fail "only $n option names found in $SCHEMA"; }

missing=0
while read -r key; do
	if ! grep -Eq "^\\.It Ic $key( |\$)" "$PAGE"; then
		echo "duban.conf.5 does not document \"$key\"" >&2
		missing=$((missing + 1))
	fi
	if ! grep -Eq "^#?[[:space:]]*$key([[:space:]]|=|\\(|\$)" "$EXAMPLE"; then
		echo "etc/duban.conf does not mention \"$key\"" >&2
		missing=$((missing + 1))
	fi
done <"$TMP/keys"
[ "$missing" -eq 0 ] || fail "$missing option(s) of $n undocumented"

# dubanctl(1): each command of the program's usage.
CTL="$top_srcdir/doc/dubanctl.1"
for cmd in calc check-config task case reminder ack import report; do
	grep -Eq "^\\.It Cm $cmd( |\$)" "$CTL" || fail "dubanctl.1 does not document \"$cmd\""
done
# duband(8): each option of its getopt string and the long ones.
D8="$top_srcdir/doc/duband.8"
for opt in c d s t v h V; do
	grep -Eq "^\\.It Fl $opt( |\$)" "$D8" || fail "duband.8 does not document -$opt"
done
grep -Eq '^\.It Fl \\-fake-now' "$D8" || fail "duband.8 does not document --fake-now"

# The pages format cleanly.
if command -v groff >/dev/null; then
	for page in "$PAGE" "$CTL" "$D8"; do
		# -k: preconv reads the UTF-8 (Chinese) text, as man(1) does.
		LC_ALL=C.UTF-8 groff -k -mandoc -Tutf8 -ww "$page" 2>"$TMP/groff.out" >/dev/null || true
		if [ -s "$TMP/groff.out" ]; then
			cat "$TMP/groff.out" >&2
			fail "groff warns about $page"
		fi
	done
else
	echo "groff not found: the pages are not formatted"
fi
echo "$n options documented"
echo ok
