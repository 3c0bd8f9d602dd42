#!/usr/bin/env bash
# scan_names.sh -- a scan lists routing profiles, security profiles and hierarchy groups: the evidence names them (groups JSON, HTML, CSVs), the cache keeps them for analyze --instance, and denied listings only warn (ids then).
. "$(dirname "$0")/../lib/tap.sh"
. "$CD_ROOT/tests/lib/cache.sh"
cache_need_scan
cache_env

INST=5a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d
"$EMU_BIN" generate -q --users 400 --seed 21 --dup-rate 0.2 --instance-id $INST --out "$TMP/inst.json" ||
	{ not_ok "generate the instance"; done_testing; exit; }

# `generate` is unchanged by the names: the same arguments give the same bytes.
"$EMU_BIN" generate -q --users 400 --seed 21 --dup-rate 0.2 --instance-id $INST --out "$TMP/again.json"
ok_if "generate: same arguments, same bytes" cmp -s "$TMP/inst.json" "$TMP/again.json"

groups() { ls "$1"/duplicate_groups_*.json 2>/dev/null | head -1; }
page() { ls "$1"/report_*.html 2>/dev/null | head -1; }
# A routing profile id of the instance (they are UUIDs the generator derived).
RP=$("$PYBIN" -c 'import json,sys; print(json.load(open(sys.argv[1]))["Users"][0]["RoutingProfileId"])' "$TMP/inst.json")

# 1. Names listed: evidence in words, no routing profile ids in the evidence.
emu_start --data "$TMP/inst.json" --verify-sigv4 || { not_ok "emulator starts"; done_testing; exit; }
expect_rc "scan with names completes (exit 0)" 0 cd_scan "$TMP/named" --format csv,json,html
g=$(groups "$TMP/named")
ok_if "the groups JSON says 'Same routing profile: <name>'" \
	grep -qE '"detail":"Same routing profile: (Basic Routing Profile|Sales|Support|Billing|Technical Support|Retention|Outbound Sales|Escalations|Back Office|Chat Only|Claims|Onboarding|Routing Profile [0-9]+)' "$g"
ok_if "the groups JSON names hierarchy groups" grep -qE '"detail":"(Same|Different) hierarchy groups?: [A-Za-z]+ Team [0-9]+' "$g"
ok_if "the groups JSON names security profiles" grep -qE 'same security profiles: (Admin|Agent|CallCenterManager|QualityAnalyst|Supervisor|Reporting|Trainer|Workforce Planner|Security Profile [0-9]+)' "$g"
ok_if "no routing profile id left in the groups JSON" \
	"$PYBIN" -c '
import json,sys,re
d=json.load(open(sys.argv[1]))
ids=re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-")
bad=[e["detail"] for c in d["clusters"] for p in c["pairs"] for e in p["evidence"] if e["kind"] in ("routing_profile","hierarchy_group") and ids.search(e["detail"])]
n=sum(1 for c in d["clusters"] for p in c["pairs"] for e in p["evidence"] if e["kind"]=="routing_profile")
sys.exit(1 if bad or n==0 else 0)' "$g"
ok_if "the HTML page carries the names" grep -q 'Same routing profile: ' "$(page "$TMP/named")"
ok_if "the page does not show the routing profile id" sh -c '! grep -q "$1" "$2"' _ "$RP" "$(page "$TMP/named")"
ok_if "the clusters CSV reads in words" grep -qE 'Same (routing profile|hierarchy group): ' "$TMP"/named/duplicate_clusters_*.csv
names=$(emu_stat 's["operations"]["ListRoutingProfiles"]["requests"], s["operations"]["ListSecurityProfiles"]["requests"], s["operations"]["ListUserHierarchyGroups"]["requests"]')
expect_eq "each listing asked once" "$names" "1 1 1"
emu_stop

# 2. Offline: analyze --instance shows the cache's names, without the emulator.
expect_rc "analyze --instance (offline) completes" 0 \
	"$CD_BIN" analyze --instance $INST -q --no-progress -o "$TMP/offline" --format json
ok_if "analyze --instance names the routing profile too" grep -q '"detail":"Same routing profile: ' "$(groups "$TMP/offline")"

# 3. Listings denied: the scan completes with a warning, and the evidence falls back to ids.
rm -rf "$XDG_CACHE_HOME"
rm -f "$TMP/emu.out" # emu_start reads the URL from it: not the last server's
emu_start --data "$TMP/inst.json" --verify-sigv4 --deny ListRoutingProfiles,ListSecurityProfiles,ListUserHierarchyGroups ||
	{ not_ok "emulator starts"; done_testing; exit; }
expect_rc "scan with the listings denied completes (exit 0)" 0 \
	"$CD_BIN" scan --instance $INST --endpoint-url "$EMU_URL" --region us-east-1 --no-progress \
	--output-dir "$TMP/denied" --format json --rate 500 2>"$TMP/denied.err"
expect_grep "a warning names the permission" "routing profile names not listed .*AccessDenied.*allow connect:ListRoutingProfiles" "$TMP/denied.err"
g=$(groups "$TMP/denied")
ok_if "denied: evidence shows ids ('routing profile \"<id>\"')" grep -qE '"detail":"routing profile \\"[0-9a-f-]{36}\\"' "$g"
ok_if "denied: no name sentence" sh -c '! grep -q "Same routing profile: " "$1"' _ "$g"
emu_stop

# 4. analyze FILE knows no names: ids, as before.
"$CD_BIN" analyze -q --no-progress -o "$TMP/file" --format json "$TMP/inst.json"
ok_if "analyze FILE: evidence shows ids" grep -qE '"detail":"routing profile \\"[0-9a-f-]{36}\\"' "$(groups "$TMP/file")"

done_testing
