#!/usr/bin/env bash
# build_deps.sh -- `make` builds connect-dupes without libmicrohttpd and cmocka; make asks pkg-config
# nothing until it builds; a missing package stops the build with one line naming it.
. "$(dirname "$0")/../lib/tap.sh"

# The outer `make test` must not leak its goals, variables (SANITIZE=1, T=) or jobserver in here.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES SANITIZE CFLAGS LDFLAGS OPT T B
command -v make >/dev/null && command -v pkg-config >/dev/null || {
	skip "build without the emulator's and tests' packages" "make or pkg-config missing"
	done_testing; exit
}
# A pkg-config that logs every call and does not know the packages named in $HIDE.
PC=$TMP/pkg-config
cat >"$PC" <<'PCEOF'
#!/bin/sh
echo "$*" >>"$PC_LOG"
for a in "$@"; do
	for h in $HIDE; do
		if [ "$a" = "$h" ]; then echo "Package $h was not found in the pkg-config search path." >&2; exit 1; fi
	done
done
exec pkg-config "$@"
PCEOF
chmod +x "$PC"
export PC_LOG=$TMP/pc.log HIDE="libmicrohttpd cmocka"
m() { make -C "$CD_ROOT" --no-print-directory BUILD="$TMP/b" PKG_CONFIG="$PC" "$@"; }
mo() { local name=$1; shift; m "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"; } # NAME ARGS: m, output kept

# Nothing that does not compile asks pkg-config (demo installs the packages before it builds).
m -n demo clean uninstall >"$TMP/dry.out" 2>&1
expect_eq "make -n demo clean uninstall: pkg-config not run" "$(cat "$PC_LOG" 2>/dev/null)" ""
expect_no_grep "make -n demo: no error" 'rror|not found' "$TMP/dry.out"

# A missing package: one line, before any compiler runs.
expect_rc "make emu without libmicrohttpd: fails" 2 mo emu -j2 emu
expect_eq "... with one line" "$(wc -l <"$TMP/emu.err")" "1"
expect_grep "... naming the package and the fix" 'libmicrohttpd not found: run scripts/deps.sh' "$TMP/emu.err"
ok_if "... having compiled nothing" test ! -e "$TMP/b"
HIDE=cmocka expect_rc "make tests without cmocka: fails" 2 mo t -j2 tests
expect_grep "... naming cmocka" '^Makefile:[0-9]+: \*\*\* cmocka not found: run scripts/deps.sh' "$TMP/t.err"
ok_if "... having compiled nothing" test ! -e "$TMP/b"
HIDE=jansson expect_rc "make without jansson: fails" 2 mo j -j2
expect_grep "... naming jansson" 'jansson not found: run scripts/deps.sh' "$TMP/j.err"

# The default target without libmicrohttpd and cmocka (-O0: this checks the build, not the code).
# Their headers are shadowed by ones that stop the compiler, as if they were not installed.
mkdir -p "$TMP/poison"
for h in microhttpd.h cmocka.h; do echo "#error $h is not installed" >"$TMP/poison/$h"; done
: >"$PC_LOG"
expect_rc "make (default target) without libmicrohttpd and cmocka: builds" 0 \
	mo build -j2 CFLAGS="-O0 -I$TMP/poison"
ok_if "... connect-dupes runs" "$TMP/b/connect-dupes" --version
ok_if "... and nothing else was linked" test ! -e "$TMP/b/connect-emu" -a ! -e "$TMP/b/tests"
expect_grep "... linked with the five libraries" \
	'-o [^ ]*/connect-dupes .*-lcurl .*-lcrypto .*-ljansson .*-lsqlite3 .*-lutf8proc' "$TMP/build.out"
expect_no_grep "... and not with libmicrohttpd or cmocka" 'microhttpd|cmocka' "$TMP/build.out"
expect_no_grep "... pkg-config never asked about them" 'microhttpd|cmocka' "$PC_LOG"
cat "$TMP"/b/obj/src/*.d "$TMP"/b/obj/src/*/*.d >"$TMP/deps" 2>/dev/null
expect_grep "... compiler dependency files written" 'cmd/pipeline\.h' "$TMP/deps"
expect_no_grep "... no source includes microhttpd.h or cmocka.h" 'microhttpd\.h|cmocka\.h' "$TMP/deps"
if command -v readelf >/dev/null; then
	readelf -d "$TMP/b/connect-dupes" >"$TMP/needed" 2>&1
	expect_grep "... needs libcurl" 'NEEDED.*libcurl' "$TMP/needed"
	expect_no_grep "... needs neither libmicrohttpd nor libcmocka" 'NEEDED.*(microhttpd|cmocka)' "$TMP/needed"
else
	skip "dynamic section" "readelf missing"
fi

done_testing
