#!/usr/bin/env bash
# act_interrupt.sh -- Ctrl-C during apply: the request in flight finishes and is journaled, exit 3, and the rerun completes exactly the plan.
. "$(dirname "$0")/../lib/tap.sh"
. "$CD_ROOT/tests/lib/cache.sh"
cache_need_scan
cache_env

INST=11111111-2222-3333-4444-555555555555
"$EMU_BIN" generate -q --users 200 --seed 8 --dup-rate 0.1 --instance-id $INST --out "$TMP/inst.json" \
	--resources "$TMP/res.json" || { not_ok "generate"; done_testing; exit; }
emu_start --data "$TMP/inst.json" --resources "$TMP/res.json" --latency-ms 20 ||
	{ not_ok "emulator starts"; done_testing; exit; }
E=(--endpoint-url "$EMU_URL" --region us-east-1)
curl -sf "$EMU_URL/_emu/live-users" >"$TMP/live0.json"
cd_scan "$TMP/out"
expect_rc "plan exits 0" 0 "$CD_BIN" plan -q --instance $INST "${E[@]}" --rate 500 -o "$TMP/out"
PLAN=$(ls "$TMP"/out/remediation_plan_*.json 2>/dev/null | head -1)
[ -n "$PLAN" ] || { not_ok "plan written"; done_testing; exit; }

"$CD_BIN" apply "$PLAN" "${E[@]}" --no-dry-run --confirm emu-11111111 --rate 4 >"$TMP/run1.log" 2>&1 &
APID=$!
for i in $(seq 1 200); do
	[ "$(grep -c '^E DeleteUser' "$PLAN.journal" 2>/dev/null)" -ge 2 ] && break
	sleep 0.05
done
kill -INT $APID
wait $APID; rc=$?
expect_eq "Ctrl-C: exit 3" "$rc" 3
expect_grep "Ctrl-C: says how to continue" "interrupted: what finished is in the journal" "$TMP/run1.log"
"$PYBIN" - "$PLAN.journal" >"$TMP/j.txt" <<'PY'
import sys
begun, ended = set(), set()
for line in open(sys.argv[1]).read().splitlines()[1:]:
    f = line.split()
    (begun if f[0] == "B" else ended).add((f[1], f[2]))
print("dangling", len(begun - ended), "ended", len(ended))
PY
expect_grep "Ctrl-C: the request in flight was finished and journaled (no B without its E)" '^dangling 0 ended [1-9]' "$TMP/j.txt"
expect_rc "the rerun completes (exit 0)" 0 \
	"$CD_BIN" apply -q "$PLAN" "${E[@]}" --no-dry-run --confirm emu-11111111 --rate 100
expect_eq "no request was repeated: no DeleteUser or DeleteQuickConnect answered 404" \
	"$(emu_stat 's["operations"]["DeleteUser"]["errors"] + s["operations"]["DeleteQuickConnect"]["errors"]')" 0
curl -sf "$EMU_URL/_emu/live-users" >"$TMP/live1.json"
"$PYBIN" - "$PLAN" "$TMP/live0.json" "$TMP/live1.json" >"$TMP/check.txt" <<'PY'
import json, sys
plan = json.load(open(sys.argv[1])); before = set(json.load(open(sys.argv[2])))
after = set(json.load(open(sys.argv[3])))
planned = {r["Id"] for c in plan["clusters"] for r in c["remove"]}
keepers = {c["keep"]["Id"] for c in plan["clusters"]}
print("gone-exact" if before - after == planned else "gone-wrong")
print("keepers-alive" if keepers <= after else "keeper-deleted")
PY
expect_grep "exactly the planned accounts are gone" '^gone-exact$' "$TMP/check.txt"
expect_grep "no keeper was deleted" '^keepers-alive$' "$TMP/check.txt"
done_testing
