#!/usr/bin/env bash
# act_faults.sh -- plan and apply against connect-emu with quotas and 15% injected faults (500, 503, dropped, cut replies): exactly the planned accounts go, never a keeper.
. "$(dirname "$0")/../lib/tap.sh"
. "$CD_ROOT/tests/lib/cache.sh"
cache_need_scan
cache_env

INST=11111111-2222-3333-4444-555555555555
"$EMU_BIN" generate -q --users 200 --seed 5 --dup-rate 0.08 --instance-id $INST --out "$TMP/inst.json" \
	--resources "$TMP/res.json" || { not_ok "generate"; done_testing; exit; }
emu_start --data "$TMP/inst.json" --resources "$TMP/res.json" --verify-sigv4 --rate 40 --burst 10 \
	--fault-rate 0.15 --fault-kinds 500,503,drop,truncate --seed 9 ||
	{ not_ok "emulator starts"; done_testing; exit; }
E=(--endpoint-url "$EMU_URL" --region us-east-1)
curl -sf "$EMU_URL/_emu/live-users" >"$TMP/live0.json"
SCAN_RATES=(--rate 40 --retries 10 --timeout 5)
cd_scan "$TMP/out"
expect_rc "plan through faults exits 0" 0 "$CD_BIN" plan -q --instance $INST "${E[@]}" --rate 30 -o "$TMP/out"
PLAN=$(ls "$TMP"/out/remediation_plan_*.json 2>/dev/null | head -1)
ok_if "plan written" test -n "$PLAN"
[ -n "$PLAN" ] || { done_testing; exit; }
rc=0
"$CD_BIN" apply -q "$PLAN" "${E[@]}" --no-dry-run --confirm emu-11111111 --rate 30 2>"$TMP/a1.err" || rc=$?
if [ $rc -eq 3 ]; then
	# a request that failed five times in a row: the rerun finishes it (the journal says what is done)
	diag "first run exit 3, running again:"; sed 's/^/#   /' "$TMP/a1.err" | head -5
	rc=0
	"$CD_BIN" apply -q "$PLAN" "${E[@]}" --no-dry-run --confirm emu-11111111 --rate 30 2>"$TMP/a2.err" || rc=$?
fi
expect_eq "apply through faults ends with exit 0" "$rc" 0
ok_if "the emulator did inject faults" test "$(emu_stat 'sum(o["faults"] for o in s["operations"].values())')" -gt 3
curl -sf "$EMU_URL/_emu/live-users" >"$TMP/live1.json"
curl -sf "$EMU_URL/_emu/resources" >"$TMP/res1.json"
"$PYBIN" - "$PLAN" "$TMP/live0.json" "$TMP/live1.json" "$TMP/res1.json" >"$TMP/check.txt" <<'PY'
import json, sys
plan = json.load(open(sys.argv[1])); before = set(json.load(open(sys.argv[2])))
after = set(json.load(open(sys.argv[3]))); res = json.load(open(sys.argv[4]))
planned = {r["Id"]: r for c in plan["clusters"] for r in c["remove"]}
keepers = {c["keep"]["Id"] for c in plan["clusters"]}
print("gone-exact" if before - after == set(planned) else "gone-wrong %s" % sorted((before - after) ^ set(planned)))
print("keepers-alive" if keepers <= after else "keeper-deleted")
qcs = {q["Id"] for q in res["quick_connects"]}
print("qcs-deleted" if not [q for r in planned.values() for q in r["QuickConnectIds"] if q in qcs] else "qcs-left")
print("planned", len(planned))
PY
expect_grep "exactly the planned accounts are gone" '^gone-exact$' "$TMP/check.txt"
expect_grep "no keeper was deleted" '^keepers-alive$' "$TMP/check.txt"
expect_grep "their quick connects are gone" '^qcs-deleted$' "$TMP/check.txt"
expect_grep "there was something to delete" '^planned [1-9]' "$TMP/check.txt"
done_testing
