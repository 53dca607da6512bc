#!/bin/sh
# make install into a DESTDIR: the programs, the config with conf.d/,
# holidays/ and templates/, the systemd unit and the man pages land in the
# configured directories; the installed duband -t accepts the installed
# config; a second install keeps an edited duban.conf; the installed unit
# passes systemd-analyze verify (when present); make uninstall removes the
# programs and leaves the edited config.
. "$top_srcdir/tests/integration/lib.sh"
command -v make >/dev/null || { echo "make not found: skipping"; exit 77; }

ROOT="$TMP/root"
# The make running this test must not hand its jobserver or flags down.
mk() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$top_builddir" "$@"
}
# dir NAME: a directory variable of the build, fully expanded.
printf 'print-%%:\n\t@echo $($*)\n' >"$TMP/print.mk"
dir() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$top_builddir" \
	    -f Makefile -f "$TMP/print.mk" "print-$1"
}
sbindir=$(dir sbindir)
bindir=$(dir bindir)
sysconfdir=$(dir sysconfdir)
mandir=$(dir mandir)
unitdir=$(dir systemdunitdir)
for v in "$sbindir" "$bindir" "$sysconfdir" "$mandir" "$unitdir"; do
	case $v in /*) ;; *) fail "cannot read the build's directories (got \"$v\")" ;; esac
done

mk install DESTDIR="$ROOT" >"$TMP/install.log" 2>&1 || { cat "$TMP/install.log" >&2; fail "make install"; }

CONFDIR="$ROOT$sysconfdir/duban"
for f in "$ROOT$sbindir/duband" "$ROOT$bindir/dubanctl"; do
	[ -x "$f" ] || fail "$f not installed"
done
for f in duban.conf holidays/cn.conf holidays/cn.ics templates/due.zh.tmpl \
    templates/overdue.en.tmpl; do
	[ -f "$CONFDIR/$f" ] || fail "$CONFDIR/$f not installed"
done
[ -d "$CONFDIR/conf.d" ] || fail "$CONFDIR/conf.d not made"
cmp -s "$top_srcdir/etc/duban.conf" "$CONFDIR/duban.conf" || fail "the installed duban.conf is not etc/duban.conf"
for page in man8/duband.8 man1/dubanctl.1 man5/duban.conf.5; do
	[ -s "$ROOT$mandir/$page" ] || fail "$ROOT$mandir/$page not installed"
done
UNIT="$ROOT$unitdir/duband.service"
[ -f "$UNIT" ] || fail "$UNIT not installed"
grep -qx "ExecStart=$sbindir/duband -c $sysconfdir/duban/duban.conf .*" "$UNIT" ||
    { grep Exec "$UNIT" >&2; fail "the unit does not run $sbindir/duband on $sysconfdir/duban/duban.conf"; }

# The installed daemon accepts the installed config as shipped.
expect_exit 0 "$ROOT$sbindir/duband" -t -c "$CONFDIR/duban.conf"
expect_grep "$TMP/out" ': ok$'

# An edited config survives a second install ...
echo '# edited by the administrator' >>"$CONFDIR/duban.conf"
cp "$CONFDIR/duban.conf" "$TMP/edited.conf"
mk install DESTDIR="$ROOT" >"$TMP/install2.log" 2>&1 || { cat "$TMP/install2.log" >&2; fail "second make install"; }
cmp -s "$TMP/edited.conf" "$CONFDIR/duban.conf" || fail "a second install overwrote the edited duban.conf"
expect_exit 0 "$ROOT$sbindir/duband" -t -c "$CONFDIR/duban.conf"

# ... and the unit checks out against the installed files.
if command -v systemd-analyze >/dev/null; then
	sed -e "s|^\(Exec[A-Za-z]*=\)$sbindir/duband |\1$ROOT$sbindir/duband |" "$UNIT" >"$TMP/duband.service"
	man_opt=--man=no
	! command -v man >/dev/null || man_opt=--man=yes
	set +e
	MANPATH="$ROOT$mandir" systemd-analyze verify $man_opt "$TMP/duband.service" >"$TMP/verify.out" 2>&1
	rc=$?
	set -e
	if [ "$rc" -ne 0 ] || grep -q 'duband.service' "$TMP/verify.out"; then
		cat "$TMP/verify.out" >&2
		fail "systemd-analyze verify of the installed unit (exit $rc)"
	fi
else
	echo "systemd-analyze not found: the installed unit is not verified"
fi

# make uninstall: the programs go, the edited config stays.
mk uninstall DESTDIR="$ROOT" >"$TMP/uninstall.log" 2>&1 || { cat "$TMP/uninstall.log" >&2; fail "make uninstall"; }
[ ! -e "$ROOT$sbindir/duband" ] || fail "uninstall left duband"
[ ! -e "$UNIT" ] || fail "uninstall left the unit"
cmp -s "$TMP/edited.conf" "$CONFDIR/duban.conf" || fail "uninstall removed the edited duban.conf"
echo ok
