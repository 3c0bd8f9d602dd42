#!/usr/bin/env bash
# detect_reports.sh -- analyze with --match: the detection reports, their contents, escaping,
# permissions, options, and the four compatible files staying exactly the classic pairs.
. "$(dirname "$0")/../lib/tap.sh"

DATA=$CD_ROOT/tests/data/detect/users.json
out=$TMP/std
"$CD_BIN" analyze "$DATA" -o "$out" -q --format csv,json,html >"$TMP/std.out" 2>&1
expect_rc "analyze --format csv,json,html exits 0" 0 test -s "$(ls "$out"/duplicate_groups_*.json)"
groups=$(ls "$out"/duplicate_groups_*.json)
possible=$(ls "$out"/possible_duplicates_*.csv)
html=$(ls "$out"/report_*.html)
expect_eq "groups, possible and html files are 0600" \
	"$(stat -c %a "$groups" "$possible" "$html" | sort -u)" "600"
expect_eq "one timestamp for every file of the run" \
	"$(ls "$out" | sed -E 's/.*_([0-9]{8}_[0-9]{6})\..*/\1/' | sort -u | wc -l)" "1"

# Clusters: e-mail after plus tag and case, phone in two spellings with accents, secondary e-mail
# (the shared team may be listed too: its weight is estimated from the instance).
got=$("$PY" - "$groups" <<'PY'
import json, sys
g = json.load(open(sys.argv[1], encoding="utf-8"))
for c in g["clusters"]:
    kinds = sorted({e["kind"] for p in c["pairs"] for e in p["evidence"]})
    print(" ".join(m["Username"] for m in c["members"]), "|", ",".join(kinds), "|", c["keep"]["Username"], "|", c["keep"]["reason"])
PY
)
expect_grep "plus-tagged e-mail joins jdoe and jane.doe2, keeper linked to the directory" \
	'^jdoe jane.doe2 \| email,(hierarchy_group,)?name(,routing_profile)? \| jdoe \| linked to a directory user$' <(echo "$got")
expect_grep "phone in two spellings and accented name join zr1 and zr2" \
	'^zr1 zr2 \| (hierarchy_group,)?name,phone(,routing_profile)? \|' <(echo "$got")
expect_grep "secondary e-mail joins xq and xiomara.q" '^xq xiomara.q \| email_secondary,(hierarchy_group,)?name(,routing_profile)? \|' <(echo "$got")
expect_no_grep "a phone shared by people with different names is no duplicate" 'other.person' <(echo "$got")
expect_grep "that pair is listed as possible" 'mallory2,.*other\.person,.*phone: phone' "$possible"
expect_grep "possible CSV keeps the formula guard" "\"'=HYPERLINK" "$possible"
expect_grep "possible CSV header" '^User1_ID,User1_Username,User1_Email,User1_FirstName,User1_LastName,User2_ID,.*,Confidence,Score,Evidence' "$possible"

# The page: self-contained and escaped.
expect_no_grep "html has no script element from the data" '<script>alert' "$html"
expect_grep "html shows the escaped value" '&lt;script&gt;alert\(1\)&lt;/script&gt;' "$html"
expect_no_grep "html loads nothing: no src attribute" 'src=' "$html"
expect_no_grep "html links only to files of the same folder" 'href="([^"#]*[/:]|[^"#]*\.\.)' "$html"
expect_grep "html allows only its own script, by hash" \
	"content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-[A-Za-z0-9+/]{43}='" "$html"
expect_eq "html has two script elements: the data and the one script" \
	"$(grep -o '<script[^>]*>' "$html" | tr '\n' ' ')" '<script type="application/json" id=data> <script> '
expect_grep "html data names the keeper and its reason" '"jdoe",.*"linked to a directory user"|\[[0-9.]+,[0-9]+,0,\[.*"jdoe"' "$html"

# The four compatible files do not change with the match mode.
cls=$TMP/cls
"$CD_BIN" analyze "$DATA" -o "$cls" -q --match classic >/dev/null 2>&1
for f in all_users_X.csv all_users_X.json duplicate_users_X.csv duplicate_users_X.json; do
	a=$(ls "$out"/${f/X/*}); b=$(ls "$cls"/${f/X/*})
	ok_if "${f/X/<ts>} is the same in classic and standard mode" cmp -s "$a" "$b"
done
expect_eq "classic mode writes no detection files" \
	"$(ls "$cls" | grep -c -E 'duplicate_groups|possible_duplicates')" "0"

# Options.
expect_rc "--match fuzzy is a usage error" 2 "$CD_BIN" analyze "$DATA" -o "$TMP/x" --match fuzzy 2>/dev/null
"$CD_BIN" analyze "$DATA" -o "$TMP/x" --match fuzzy 2>"$TMP/err" >/dev/null
expect_grep "the error names the value" "unknown match mode 'fuzzy'" "$TMP/err"
expect_rc "--threshold 1.5 is a usage error" 2 "$CD_BIN" analyze "$DATA" -o "$TMP/y" --threshold 1.5 2>/dev/null
expect_rc "--fail-on-duplicates exits 1 when clusters exist" 1 \
	"$CD_BIN" analyze "$DATA" -o "$TMP/z" -q --fail-on-duplicates
"$CD_BIN" analyze "$DATA" -o "$TMP/s" -q --threshold 0.99 >/dev/null 2>&1
n_strict=$("$PY" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["clusters"]))' \
	"$(ls "$TMP"/s/duplicate_groups_*.json)")
"$CD_BIN" analyze "$DATA" -o "$TMP/t" -q --threshold 0.5 >/dev/null 2>&1
n_loose=$("$PY" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["clusters"]))' \
	"$(ls "$TMP"/t/duplicate_groups_*.json)")
ok_if "a lower --threshold finds more clusters ($n_loose > $n_strict)" test "$n_loose" -gt "$n_strict"
"$CD_BIN" analyze --help >"$TMP/help" 2>&1
expect_grep "help lists --match" '--match classic\|standard\|thorough' "$TMP/help"
expect_grep "help lists --threshold" '--threshold F' "$TMP/help"
done_testing
