#!/usr/bin/env bash
# analyze_files.sh -- `connect-dupes analyze` where a shell is needed: the default folder, a folder's mode kept, runs in the same second; the reports themselves are cases in tests/cases/.
. "$(dirname "$0")/../lib/tap.sh"
D=$CD_ROOT/tests/data

# the default folder: created 0700 in the working directory; an old 0755 one is tightened
mkdir -p "$TMP/cwd/duplicate_users_output" && chmod 755 "$TMP/cwd/duplicate_users_output"
(cd "$TMP/cwd" && "$CD_BIN" analyze -q "$D/analyze_nodup.json")
expect_eq "default folder tightened to 0700" "$(stat -c %a "$TMP/cwd/duplicate_users_output")" "700"
expect_eq "default folder holds the reports" "$(ls "$TMP/cwd/duplicate_users_output" | grep -cE '^(all|duplicate)_users_')" "4"
mkdir -p "$TMP/shared" && chmod 755 "$TMP/shared"
"$CD_BIN" analyze "$D/analyze_nodup.json" -o "$TMP/shared" 2>"$TMP/shared.err"
expect_eq "a folder the user chose keeps its mode" "$(stat -c %a "$TMP/shared")" "755"
expect_grep "... with a warning" "warning: folder '$TMP/shared' has mode 0755" "$TMP/shared.err"

# runs in the same second into one folder: each gets its own stamp, none replaces another's files
for i in 1 2 3; do "$CD_BIN" analyze -q "$D/analyze_small.json" -o "$TMP/same" --format csv & done
wait
stamps=$(ls "$TMP/same" | sed -E 's/.*_([0-9]{8}_[0-9]{6})\..*/\1/' | sort -u | wc -l)
expect_eq "three runs at once leave three stamps" "$stamps" "3"
expect_eq "... each with its log and four csv files" "$(ls "$TMP/same" | wc -l)" "$((3 * 5))"

done_testing
