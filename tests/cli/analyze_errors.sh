#!/usr/bin/env bash
# analyze_errors.sh -- bad input gives one clear line and exit 2 with nothing written; local I/O errors exit 5.
. "$(dirname "$0")/../lib/tap.sh"
D=$CD_ROOT/tests/data

# bad_input NAME FILE PATTERN: exit 2, one error line matching PATTERN, no output folder
bad_input() {
	local what=$1 file=$2 pat=$3 out=$TMP/out_$RANDOM
	expect_rc "$what: exit 2" 2 "$CD_BIN" analyze -o "$out" "$D/analyze_small.json" "$file" 2>"$TMP/err"
	expect_grep "$what: the line names file, position and problem" "$pat" "$TMP/err"
	expect_eq "$what: a single error line" "$(grep -c 'error:' "$TMP/err")" "1"
	ok_if "$what: nothing written" test ! -e "$out"
}

bad_input "missing file" "$TMP/nope.json" "error: cannot open '$TMP/nope.json': No such file or directory"
bad_input "invalid JSON" "$D/analyze_bad_json.json" "error: '.*analyze_bad_json.json':2:12: invalid JSON: expected ',' or '}' in an object"
bad_input "invalid UTF-8" "$D/analyze_bad_utf8.json" "error: '.*analyze_bad_utf8.json':1:27: invalid UTF-8 in a string"
bad_input "user without Id" "$D/analyze_no_id.json" "error: '.*analyze_no_id.json':2:3: user has no \"Id\""
bad_input "wrong type" "$D/analyze_wrong_type.json" "error: '.*analyze_wrong_type.json':1:45: \"IdentityInfo.Email\" is a number, not a string"
bad_input "a folder as input" "$D" "error: cannot read '.*': it is a directory"

expect_rc "no input files: usage error" 2 "$CD_BIN" analyze -o "$TMP/o" 2>"$TMP/err"
expect_grep "no input files: said" "error: no input files" "$TMP/err"
expect_rc "unknown option: usage error" 2 "$CD_BIN" analyze --bogus "$D/analyze_small.json" 2>"$TMP/err"
expect_grep "unknown option: said" "unknown option '--bogus'" "$TMP/err"
expect_rc "--help exits 0" 0 "$CD_BIN" analyze --help >"$TMP/help"
expect_grep "--help lists the shared options" "--fail-on-duplicates" "$TMP/help"

# An output folder we cannot write: exit 5 and a clear line. Root ignores permission bits, so
# root gets a folder below /proc instead (nobody can create files there).
if [ "$(id -u)" -eq 0 ]; then
	ro=/proc/connect-dupes-test/out
else
	mkdir -p "$TMP/ro" && chmod 500 "$TMP/ro"
	ro=$TMP/ro/out
fi
expect_rc "unwritable output folder: exit 5" 5 "$CD_BIN" analyze -o "$ro" "$D/analyze_small.json" 2>"$TMP/err"
expect_grep "unwritable output folder: clear line" "error: cannot create folder '/proc/connect-dupes-test|error: cannot create folder '$TMP/ro/out'" "$TMP/err"
if [ "$(id -u)" -ne 0 ]; then
	mkdir -p "$TMP/ro2" && chmod 500 "$TMP/ro2"
	expect_rc "existing read-only folder: exit 5" 5 "$CD_BIN" analyze -o "$TMP/ro2" "$D/analyze_small.json" 2>"$TMP/err"
	expect_grep "existing read-only folder: clear line" "error: cannot (create log file|write in folder)" "$TMP/err"
	chmod 700 "$TMP/ro" "$TMP/ro2"
else
	skip "existing read-only folder" "root ignores permission bits"
	skip "existing read-only folder: clear line" "root ignores permission bits"
fi
: >"$TMP/plainfile"
expect_rc "output path is a file: exit 5" 5 "$CD_BIN" analyze -o "$TMP/plainfile" "$D/analyze_small.json" 2>"$TMP/err"
expect_grep "output path is a file: clear line" "not a folder" "$TMP/err"
done_testing
