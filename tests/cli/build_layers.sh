#!/usr/bin/env bash
# build_layers.sh -- the command layer (src/cmd: commands, pipeline) is in connect-dupes only: the
# emulator links the library without the crawl, the cache or the detection; the library never prints.
. "$(dirname "$0")/../lib/tap.sh"

# Symbols of the command layer and of the modules only it reaches.
LAYER='cmd_scan|cmd_analyze|cli_commands|pipeline_run|crawl_run|cache_open|match_run|cluster_build'
count() { nm "$1" 2>/dev/null | grep -c -E " ($LAYER)\$"; }

if ! command -v nm >/dev/null 2>&1; then
	skip "layers" "nm (binutils) is not installed"
	done_testing
	exit
fi
ok_if "connect-dupes and connect-emu are built" test -x "$CD_BIN" -a -x "$EMU_BIN"
# The check can fail: the tool itself has the symbols.
expect_eq "connect-dupes has the command layer and what it uses" "$(count "$CD_BIN")" "8"
expect_eq "connect-emu has none of them" "$(count "$EMU_BIN")" "0"
# What the emulator takes from the library calls neither libcurl nor SQLite.
nm "$EMU_BIN" >"$TMP/emu.nm" 2>/dev/null
expect_no_grep "connect-emu calls neither libcurl nor SQLite" ' U (curl_|sqlite3_)' "$TMP/emu.nm"
nm "$CD_BIN" >"$TMP/cd.nm" 2>/dev/null
expect_grep "connect-dupes calls both" ' U sqlite3_open' "$TMP/cd.nm"
# The brief's own check, word for word.
expect_eq "connect-emu: nm | grep -c cmd_scan, crawl_run, cache_open, pipeline_run is 0" \
	"$(nm "$EMU_BIN" | grep -c -E 'cmd_scan|crawl_run|cache_open|pipeline_run')" "0"
for a in libcdupes.a libemu.a; do
	nm "$CD_ROOT/$BUILD/$a" >"$TMP/$a.nm" 2>/dev/null
	expect_no_grep "$a defines nothing of the command layer" ' [TDRB] (cmd_|cli_commands|pipeline_)' "$TMP/$a.nm"
done
# STYLE: modules don't print. Only the logger itself (log.o, which the command layer and the
# emulator call) names stdout/stderr or calls log_*; every other module returns a result.
nm -A "$CD_ROOT/$BUILD/libcdupes.a" 2>/dev/null | grep -E ' U (stdout|stderr|log_[a-z_]+)$' |
	grep -v '[:(]log\.o[:)]' >"$TMP/printers"
expect_eq "libcdupes.a: no module but log.o prints or logs" "$(cat "$TMP/printers")" ""
nm -A "$CD_ROOT/$BUILD/libcdtool.a" 2>/dev/null | grep -E ' U log_[a-z_]+$' >"$TMP/loggers"
expect_grep "... (the check sees the command layer's log calls)" 'pipeline\.o.* U log_' "$TMP/loggers"
nm "$CD_ROOT/$BUILD/libcdtool.a" >"$TMP/tool.nm" 2>/dev/null
expect_grep "libcdtool.a defines the commands and the pipeline" ' T pipeline_run$' "$TMP/tool.nm"

done_testing
