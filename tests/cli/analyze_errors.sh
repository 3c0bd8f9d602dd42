#!/usr/bin/env bash
# analyze_errors.sh -- local I/O errors that need a shell to set up (a read-only folder): exit 5 and a clear line; the other error cases are data in tests/cases/.
. "$(dirname "$0")/../lib/tap.sh"
D=$CD_ROOT/tests/data

# An existing folder we cannot write in. Root ignores permission bits, so root skips it; the
# folder that cannot be created at all is tests/cases/io_unwritable_folder.
if [ "$(id -u)" -ne 0 ]; then
	mkdir -p "$TMP/ro2" && chmod 500 "$TMP/ro2"
	expect_rc "existing read-only folder: exit 5" 5 "$CD_BIN" analyze -o "$TMP/ro2" "$D/analyze_small.json" 2>"$TMP/err"
	expect_grep "existing read-only folder: clear line" "error: cannot (create log file|write in folder)" "$TMP/err"
	chmod 700 "$TMP/ro2"
else
	skip "existing read-only folder" "root ignores permission bits"
	skip "existing read-only folder: clear line" "root ignores permission bits"
fi
done_testing
