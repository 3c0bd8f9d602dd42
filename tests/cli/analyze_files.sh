#!/usr/bin/env bash
# analyze_files.sh -- `connect-dupes analyze`: the reports, their modes, contents, options and exit codes.
. "$(dirname "$0")/../lib/tap.sh"
D=$CD_ROOT/tests/data
PY=${PY:-python3}

out=$TMP/out
"$CD_BIN" analyze "$D/analyze_small.json" -o "$out" >"$TMP/stdout" 2>"$TMP/stderr"
expect_eq "analyze exits 0 on a complete run" "$?" "0"
expect_eq "folder is 0700" "$(stat -c %a "$out")" "700"
# the four compatible files and the log (the default --match standard adds its own reports)
n=$(ls "$out" | grep -cE '^(all_users_[0-9_]+\.(csv|json)|duplicate_users_[0-9_]+\.(csv|json)|scan_log_[0-9_]+\.log)$')
expect_eq "the five compatible files written" "$n" "5"
ok_if "and the html report by default" test -s "$(ls "$out"/report_*.html)"
"$CD_BIN" analyze -q --match classic --format csv,json "$D/analyze_small.json" -o "$TMP/classic"
expect_eq "--match classic --format csv,json writes exactly those five" "$(ls "$TMP/classic" | wc -l)" "5"
modes=$(find "$out" -type f -printf '%m\n' | sort -u)
expect_eq "every file is 0600" "$modes" "600"
expect_eq "no temporary file left behind" "$(find "$out" -name '.*' -type f | wc -l)" "0"
ts=$(ls "$out" | sed -n 's/^all_users_\([0-9]\{8\}_[0-9]\{6\}\)\.csv$/\1/p')
ok_if "one YYYYMMDD_HHMMSS timestamp names all files" test -n "$ts" \
	-a -f "$out/all_users_$ts.json" -a -f "$out/duplicate_users_$ts.csv" \
	-a -f "$out/duplicate_users_$ts.json" -a -f "$out/scan_log_$ts.log"
expect_eq "all_users csv header" "$(head -1 "$out/all_users_$ts.csv" | tr -d '\r')" \
	"Username,Email,FirstName,LastName,User_ID,ARN"
expect_eq "all_users csv has a row per user" "$(wc -l <"$out/all_users_$ts.csv")" "7"
expect_grep "rows end in CRLF (RFC 4180)" $'u-001,arn:[^\r]*\r$' "$out/all_users_$ts.csv"
dup=$out/duplicate_users_$ts.csv
expect_eq "duplicate csv header" "$(head -1 "$dup" | tr -d '\r')" \
	"User1_ID,User1_Username,User1_Email,User1_FirstName,User1_LastName,User2_ID,User2_Username,User2_Email,User2_FirstName,User2_LastName,Reason"
expect_eq "three pairs: e-mail, username, name" "$(tail -n +2 "$dup" | tr -d '\r' | sed 's/.*,//')" \
	"Duplicate email: john.doe@example.com
Duplicate username: jdoe
Duplicate name: jane doe"
expect_grep "original values in the pair rows" '^u-001,jdoe,John.Doe@example.com,John,Doe,u-002,john.doe,john.doe@EXAMPLE.com,JOHN,doe,' "$dup"
expect_grep "formula injection guarded in the duplicate csv" \
	"u-004,\"'=HYPERLINK\(\"\"http://evil\"\"\)\",,Jane,Doe,Duplicate name" "$dup"
expect_grep "comma inside a value is quoted" '"Ångström, Jr"' "$out/all_users_$ts.csv"
"$PY" - "$D/analyze_small.json" "$out/all_users_$ts.json" "$out/duplicate_users_$ts.json" >"$TMP/py.out" 2>&1 <<'PYEOF'
import json, sys
src = json.load(open(sys.argv[1]))
got = json.load(open(sys.argv[2]))
assert got == src, "all_users json differs from the input users"
d = json.load(open(sys.argv[3]))
assert list(d) == ["duplicate_emails", "duplicate_usernames", "duplicate_names"], list(d)
e = d["duplicate_emails"][0]
assert e["user1"] == {"Id": "u-001", "Username": "jdoe", "Email": "John.Doe@example.com", "FirstName": "John", "LastName": "Doe"}, e
assert e["user2"]["Id"] == "u-002" and e["reason"] == "Duplicate email: john.doe@example.com"
assert [p["reason"] for p in d["duplicate_names"]] == ["Duplicate name: jane doe"]
assert d["duplicate_names"][0]["user2"]["Username"] == '=HYPERLINK("http://evil")'
print("json ok")
PYEOF
expect_eq "json reports: raw users as received, pair objects with original values" "$(tail -1 "$TMP/py.out")" "json ok"
expect_grep "summary names the pairs" 'same e-mail +1' "$TMP/stderr"
expect_grep "summary says where the reports are" "reports in '$out'" "$TMP/stderr"
expect_grep "log file has the summary" 'INFO +duplicate pairs: 3' "$out/scan_log_$ts.log"

# -q: nothing but errors
"$CD_BIN" analyze -q "$D/analyze_small.json" -o "$TMP/q" >"$TMP/q.out" 2>&1
expect_eq "-q run exits 0" "$?" "0"
expect_eq "-q prints nothing" "$(cat "$TMP/q.out")" ""

# --fail-on-duplicates
expect_rc "--fail-on-duplicates exits 1 when pairs are found" 1 \
	"$CD_BIN" analyze -q --fail-on-duplicates "$D/analyze_small.json" -o "$TMP/f1"
expect_rc "--fail-on-duplicates exits 0 without pairs" 0 \
	"$CD_BIN" analyze -q --fail-on-duplicates "$D/analyze_nodup.json" -o "$TMP/f0"
expect_eq "no pairs: duplicate csv is just the header" "$(wc -l <"$TMP"/f0/duplicate_users_*.csv)" "1"

# several files, a repeated id, the stream shape
expect_rc "several files of different shapes" 0 "$CD_BIN" analyze "$D/analyze_small.json" \
	"$D/analyze_stream.json" "$D/analyze_nodup.json" -o "$TMP/m" 2>"$TMP/m.err"
expect_grep "repeated id said on the terminal" "user id 'u-006' seen again" "$TMP/m.err"
expect_grep "repeated id said in the log" "user id 'u-006' seen again" "$TMP"/m/scan_log_*.log
expect_eq "merged users: 6 + 2 + 2 - 1 repeated" "$(($(wc -l <"$TMP"/m/all_users_*.csv) - 1))" "9"
expect_grep "later record wins, first position kept" '^zoe.replaced,zoe3@example.com,Zoe,Other,u-006,' "$TMP"/m/all_users_*.csv
expect_grep "injection guard on @ + - in all_users csv" "^'@SUM\(A1\),s1@example.com,'-x,'\+y,s-1," "$TMP"/m/all_users_*.csv

# --csv-raw, --format
expect_rc "--csv-raw --format csv" 0 "$CD_BIN" analyze -q --csv-raw --format csv "$D/analyze_stream.json" -o "$TMP/raw"
expect_grep "--csv-raw writes cells as they are" '^@SUM\(A1\),s1@example.com,-x,\+y,s-1,' "$TMP"/raw/all_users_*.csv
expect_eq "--format csv writes no json" "$(ls "$TMP"/raw | grep -c json)" "0"
expect_rc "--format with an unknown name is a usage error" 2 "$CD_BIN" analyze -q --format pdf "$D/analyze_small.json" -o "$TMP/x" 2>/dev/null

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
expect_eq "... each with its log and three csv files" "$(ls "$TMP/same" | wc -l)" "$((3 * 4))"

# standard input
expect_rc "'-' reads standard input" 0 "$CD_BIN" analyze -q -o "$TMP/stdin" - <"$D/analyze_small.json"
expect_eq "stdin users read" "$(($(wc -l <"$TMP"/stdin/all_users_*.csv) - 1))" "6"
done_testing
