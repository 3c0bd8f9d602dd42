#!/usr/bin/env bash
# cli_output.sh -- the AWS CLI's conventions: --output json of instances, whoami, cache info and
# the scan/analyze summary is one JSON document on standard output and nothing else is there;
# --output is a format, never a file (cache export takes --file); help COMMAND; did you mean;
# a repeated single-value option is an error; connect-emu --version.
. "$(dirname "$0")/../lib/tap.sh"
# A JSON checker: jq, else a python3 (the standard library's json).
if command -v jq >/dev/null; then
	json_ok() { [ "$(jq -s length "$1" 2>/dev/null)" = 1 ]; } # one document, nothing around it
	json_get() { jq -r "$2" "$1"; }
elif command -v python3 >/dev/null; then
	json_ok() { python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$1" 2>/dev/null; }
	json_get() { python3 -c 'import json,sys
v=json.load(open(sys.argv[1]))
for k in sys.argv[2].strip(".").split("."):
    v = v[int(k)] if isinstance(v, list) else v[k]
print("null" if v is None else str(v).lower() if isinstance(v, bool) else v)' "$1" "$2"; }
else
	skip "--output json" "neither jq nor python3 to read JSON"; done_testing; exit
fi
ID=11111111-2222-3333-4444-555555555555
"$EMU_BIN" generate --users 300 --seed 3 --instance-id $ID --out "$TMP/inst.json" 2>/dev/null
emu_start --data "$TMP/inst.json" || { done_testing; exit 1; }
export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY AWS_REGION=us-east-1
cd "$TMP"

# Each: exit 0, stdout is exactly one JSON document (it parses as a whole), logs on stderr.
check_json() { # NAME CMD... ; leaves the document in $TMP/NAME.json
	local name=$1; shift
	"$@" >"$TMP/$name.json" 2>"$TMP/$name.err"
	expect_eq "$name --output json: exit 0" "$?" 0
	ok_if "$name --output json: standard output is one JSON document" json_ok "$TMP/$name.json"
}
check_json instances "$CD_BIN" instances --endpoint-url "$EMU_URL" --output json
expect_eq "instances: the instance's id" "$(json_get "$TMP/instances.json" '.instances[0].id')" "$ID"
expect_eq "instances: the region" "$(json_get "$TMP/instances.json" '.region')" us-east-1
check_json whoami "$CD_BIN" whoami --endpoint-url "$EMU_URL" --output json
expect_eq "whoami: the provider" "$(json_get "$TMP/whoami.json" '.provider')" environment
expect_eq "whoami: never the key's secret" "$(grep -c 'wJalrXUtnFEMI' "$TMP/whoami.json")" 0
check_json scan "$CD_BIN" scan --instance $ID --endpoint-url "$EMU_URL" -o "$TMP/out" --output json
expect_eq "scan summary: users" "$(json_get "$TMP/scan.json" '.users')" 300
expect_eq "scan summary: complete" "$(json_get "$TMP/scan.json" '.partial')" false
ok_if "scan summary: clusters counted" test "$(json_get "$TMP/scan.json" '.clusters')" -ge 1
expect_eq "scan summary: removable = accounts in clusters - clusters" \
	"$(json_get "$TMP/scan.json" '.removable_accounts')" \
	"$(( $(json_get "$TMP/scan.json" '.accounts_in_clusters') - $(json_get "$TMP/scan.json" '.clusters') ))"
expect_grep "scan: the log lines are on standard error" 'fetch finished' "$TMP/scan.err"
expect_no_grep "scan: the text summary is not repeated on the terminal" '^clusters of duplicate' "$TMP/scan.err"
expect_grep "scan: ... but it is in the log file" 'clusters of duplicate accounts:' "$(ls "$TMP"/out/scan_log_*.log)"
check_json cacheinfo "$CD_BIN" cache info --instance $ID --output json
expect_eq "cache info: users" "$(json_get "$TMP/cacheinfo.json" '.users')" 300
expect_eq "cache info: last scan complete" "$(json_get "$TMP/cacheinfo.json" '.last_scan.state')" complete
check_json analyze "$CD_BIN" analyze "$TMP/inst.json" -o "$TMP/out2" --output json --match classic
expect_eq "analyze --match classic: no clusters (null)" "$(json_get "$TMP/analyze.json" '.clusters')" null

# table and text go to standard output too; a bad format is a usage error naming --output.
"$CD_BIN" cache info --instance $ID --output table >"$TMP/table.out" 2>&1
expect_grep "cache info --output table draws a table" '^\|  users +\|  300 +\|$' "$TMP/table.out"
"$CD_BIN" instances --endpoint-url "$EMU_URL" >"$TMP/text.out" 2>/dev/null
expect_grep "instances (text): tab-separated, as before" "^$ID	" "$TMP/text.out"
expect_rc "--output yaml: exit 2" 2 "$CD_BIN" whoami --output yaml 2>"$TMP/yaml.err"
expect_grep "... naming the formats" "'--output' takes text, json or table, not 'yaml'" "$TMP/yaml.err"

# cache export: --output is a format, the file is --file.
"$CD_BIN" cache export --instance $ID --output json >"$TMP/export.json" 2>"$TMP/export.err"
expect_eq "cache export --output json: exit 0" "$?" 0
ok_if "... writes the JSON to standard output" json_ok "$TMP/export.json"
ok_if "... and no file named 'json'" test ! -e "$TMP/json"
expect_rc "cache export --output users.json: exit 2" 2 "$CD_BIN" cache export --instance $ID --output users.json 2>"$TMP/e2.err"
expect_grep "... pointing at --file" 'see --file' "$TMP/e2.err"
ok_if "... and writes nothing" test ! -e "$TMP/users.json"
expect_rc "cache export --file FILE: exit 0" 0 "$CD_BIN" cache export --instance $ID --file "$TMP/users.json"
ok_if "... the file is the same export" cmp -s "$TMP/users.json" "$TMP/export.json"
expect_eq "... mode 0600" "$(stat -c %a "$TMP/users.json")" 600
expect_rc "cache export -o FILE (as before): exit 0" 0 "$CD_BIN" cache export --instance $ID -o "$TMP/users2.json"
ok_if "... the same export" cmp -s "$TMP/users2.json" "$TMP/export.json"
expect_rc "cache export --output table: exit 2" 2 "$CD_BIN" cache export --instance $ID --output table 2>/dev/null

# help COMMAND, did you mean, repeated options.
"$CD_BIN" help scan >"$TMP/h1" 2>&1; rc=$?
"$CD_BIN" scan --help >"$TMP/h2" 2>&1
expect_eq "help scan: exit 0" "$rc" 0
ok_if "help scan prints what scan --help prints" cmp -s "$TMP/h1" "$TMP/h2"
expect_grep "... which is scan's help" '^usage: connect-dupes scan ' "$TMP/h1"
expect_rc "help nosuch: exit 2" 2 "$CD_BIN" help scna 2>"$TMP/h3"
expect_grep "... with a suggestion" "did you mean 'scan'" "$TMP/h3"
expect_rc "a mistyped command: exit 2" 2 "$CD_BIN" analyse x 2>"$TMP/dym1"
expect_grep "... did you mean analyze" "unknown command 'analyse' \(did you mean 'analyze'\?\)" "$TMP/dym1"
expect_rc "a mistyped option: exit 2" 2 "$CD_BIN" scan --instnace $ID 2>"$TMP/dym2"
expect_grep "... did you mean --instance" "unknown option '--instnace' \(did you mean '--instance'\?\)" "$TMP/dym2"
expect_rc "--instance twice: exit 2" 2 "$CD_BIN" scan --instance a --instance b 2>"$TMP/rep"
expect_eq "... in one line naming it" "$(grep -c "option '--instance' given twice" "$TMP/rep")/$(wc -l <"$TMP/rep")" 1/1
expect_rc "--rate twice is fine (repeatable): reaches the instance check" 2 \
	"$CD_BIN" scan --rate DescribeUser=5 --rate ListUsers=1 2>"$TMP/rate"
expect_no_grep "... no complaint about --rate" 'given twice' "$TMP/rate"
expect_eq "connect-emu --version" "$("$EMU_BIN" --version)" "connect-emu $("$CD_BIN" --version | cut -d' ' -f2)"
done_testing
