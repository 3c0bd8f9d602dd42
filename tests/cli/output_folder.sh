#!/usr/bin/env bash
# output_folder.sh -- the report folder: a symbolic link is refused (never followed, never
# chmod-ed), and unfinished report files of killed runs are removed, but not a live run's.
. "$(dirname "$0")/../lib/tap.sh"
in=$CD_ROOT/tests/data/analyze_small.json

# 1. A link as the output folder, as the default name or given with --output-dir.
mkdir -p "$TMP/target" "$TMP/cwd" && chmod 755 "$TMP/target"
ln -s "$TMP/target" "$TMP/cwd/duplicate_users_output"
(cd "$TMP/cwd" && "$CD_BIN" analyze "$in" >"$TMP/out1" 2>"$TMP/err1"); rc=$?
expect_eq "a linked default folder is a usage error" "$rc" 2
expect_grep "... saying it is a symbolic link" "output folder .*symbolic link" "$TMP/err1"
expect_eq "... in one error line" "$(grep -c "error:" "$TMP/err1")" 1
expect_eq "the link's target is not chmod-ed" "$(stat -c %a "$TMP/target")" 755
expect_eq "nothing is written into the target" "$(ls -A "$TMP/target" | wc -l)" 0
expect_rc "--output-dir LINK/ (trailing slash) is refused too" 2 \
	"$CD_BIN" analyze "$in" --output-dir "$TMP/cwd/duplicate_users_output/" -q 2>/dev/null

# 2. Leftovers of killed runs go; other hidden files and a live run's locked temporary stay.
out=$TMP/out && mkdir -m 700 "$out"
echo "personal data" >"$out/.all_users_20260101_000000.csv.Ab12Cd"
echo "personal data" >"$out/.report_20260101_000000.html.Zz99yy"
echo "mine" >"$out/.keep_me.abcdef"
echo "live" >"$out/.duplicate_groups_20260101_000001.json.LiVe01"
flock "$out/.duplicate_groups_20260101_000001.json.LiVe01" sleep 30 &
locker=$!
sleep 0.3
"$CD_BIN" analyze "$in" --output-dir "$out" >"$TMP/out2" 2>&1; rc=$?
expect_eq "analyze into a folder with leftovers succeeds" "$rc" 0
ok_if "a killed run's CSV temporary is removed" test ! -e "$out/.all_users_20260101_000000.csv.Ab12Cd"
ok_if "... and its HTML temporary" test ! -e "$out/.report_20260101_000000.html.Zz99yy"
ok_if "a hidden file that is not ours stays" test -e "$out/.keep_me.abcdef"
ok_if "a temporary another run holds locked stays" test -e "$out/.duplicate_groups_20260101_000001.json.LiVe01"
expect_grep "the log says what was removed" "removed 2 unfinished report files" "$(ls "$out"/scan_log_*.log | head -1)"
kill "$locker" 2>/dev/null; wait "$locker" 2>/dev/null
done_testing
