#!/usr/bin/env bash
# act_flow.sh -- scan -> plan -> dry run (no write) -> a change and a skip -> apply killed with SIGKILL and run again -> restore, against connect-emu.
. "$(dirname "$0")/../lib/tap.sh"
. "$CD_ROOT/tests/lib/cache.sh"
cache_need_scan
cache_env

INST=11111111-2222-3333-4444-555555555555
ALIAS=emu-11111111
"$EMU_BIN" generate -q --users 300 --seed 7 --dup-rate 0.06 --instance-id $INST --out "$TMP/inst.json" \
	--truth "$TMP/truth.json" --resources "$TMP/res.json" || { not_ok "generate"; done_testing; exit; }
# No --verify-sigv4: the test reads users back with plain curl through the API paths.
emu_start --data "$TMP/inst.json" --resources "$TMP/res.json" || { not_ok "emulator starts"; done_testing; exit; }
E=(--endpoint-url "$EMU_URL" --region us-east-1)
live_users() { curl -sf "$EMU_URL/_emu/live-users"; }
live_users >"$TMP/live0.json"

cd_scan "$TMP/out"
ok_if "scan wrote its reports" test -n "$(ls "$TMP"/out/duplicate_groups_*.json 2>/dev/null)"

expect_rc "plan exits 0" 0 "$CD_BIN" plan -q --instance $INST "${E[@]}" --rate 500 -o "$TMP/out"
PLAN=$(ls "$TMP"/out/remediation_plan_*.json 2>/dev/null | head -1)
BACKUP=$(ls "$TMP"/out/backup_*.json 2>/dev/null | head -1)
ok_if "plan wrote remediation_plan_*.json, .csv and backup_*.json" \
	test -n "$PLAN" -a -n "$BACKUP" -a -n "$(ls "$TMP"/out/remediation_plan_*.csv 2>/dev/null)"
[ -n "$PLAN" ] || { done_testing; exit; }

# Every planned removal is a planted second account of its keeper (the generator's truth).
"$PYBIN" - "$PLAN" "$TMP/truth.json" >"$TMP/innocent.txt" <<'PY'
import json, sys
plan = json.load(open(sys.argv[1])); truth = json.load(open(sys.argv[2]))
parent = {}
def find(x):
    while parent.get(x, x) != x:
        x = parent[x]
    return x
for p in truth["pairs"]:
    parent[find(p["user1"])] = find(p["user2"])
n = 0
for c in plan["clusters"]:
    for r in c["remove"]:
        n += 1
        if find(r["Id"]) != find(c["keep"]["Id"]):
            print("innocent", r["Id"], "keep", c["keep"]["Id"])
print("checked", n)
PY
expect_no_grep "every planned removal is a planted duplicate of its keeper" '^innocent' "$TMP/innocent.txt"
expect_grep "the plan has removals to check" '^checked ([4-9]|[1-9][0-9])' "$TMP/innocent.txt"
expect_grep "some planned removals carry quick connects" '"QuickConnectIds": \[$' "$PLAN"

# Refusals: one clear line on stderr, exit 2, nothing written.
curl -sf -X POST "$EMU_URL/_emu/reset-stats" >/dev/null
expect_rc "refused: no --confirm without a terminal (exit 2)" 2 \
	"$CD_BIN" apply -q "$PLAN" "${E[@]}" --no-dry-run </dev/null 2>"$TMP/r1.err"
expect_grep "refused: says --confirm is needed" 'needs --confirm emu-11111111' "$TMP/r1.err"
expect_eq "refused: one line" "$(wc -l <"$TMP/r1.err")" 1
expect_rc "refused: a wrong --confirm (exit 2)" 2 \
	"$CD_BIN" apply -q "$PLAN" "${E[@]}" --no-dry-run --confirm emu-22222222 </dev/null 2>"$TMP/r2.err"
expect_grep "refused: says the confirmation does not match" "does not match" "$TMP/r2.err"
expect_eq "refused: one line" "$(wc -l <"$TMP/r2.err")" 1
expect_rc "refused: the plan's region is not the settings' (exit 2)" 2 \
	"$CD_BIN" apply -q "$PLAN" --endpoint-url "$EMU_URL" --region eu-west-2 --no-dry-run --confirm $ALIAS 2>"$TMP/r3.err"
expect_grep "refused: says which regions" "plan is for region us-east-1, these settings are for eu-west-2" "$TMP/r3.err"
expect_eq "refused: one line" "$(wc -l <"$TMP/r3.err")" 1
sed "s/\"Id\": \"$INST\"/\"Id\": \"99999999-2222-3333-4444-555555555555\"/" "$PLAN" >"$TMP/other.json"
expect_rc "refused: a plan for another instance (exit 2)" 2 \
	"$CD_BIN" apply -q "$TMP/other.json" "${E[@]}" --no-dry-run --confirm $ALIAS 2>"$TMP/r4.err"
expect_grep "refused: says the instance is not there" "99999999-2222-3333-4444-555555555555' is not among" "$TMP/r4.err"
expect_eq "refused: one line" "$(wc -l <"$TMP/r4.err")" 1
expect_eq "refusals made no write request" "$(emu_stat 's["write_requests"]')" 0

# The dry run: reads, never writes.
expect_rc "dry run exits 0" 0 "$CD_BIN" apply "$PLAN" "${E[@]}" --rate 500 2>"$TMP/dry.err"
expect_grep "dry run says what it would delete" '\[dry run\] user .*: would delete' "$TMP/dry.err"
expect_eq "dry run: the emulator counted no write request" "$(emu_stat 's["write_requests"]')" 0
ok_if "dry run: it did re-read the users" test "$(emu_stat 's["operations"]["DescribeUser"]["requests"]')" -gt 0
expect_eq "dry run: every user is still there" "$(live_users)" "$(cat "$TMP/live0.json")"
ok_if "dry run wrote no journal" test ! -e "$PLAN.journal"

# A reviewer marks one entry skip; someone changes another planned account meanwhile.
"$PYBIN" - "$PLAN" >"$TMP/picked.txt" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
rem = [r for c in p["clusters"] for r in c["remove"]]
changed, skipped = rem[1]["Id"], rem[3]
skipped["skip"] = True
json.dump(p, open(sys.argv[1], "w"), indent=1)
print(changed, skipped["Id"])
PY
read CHANGED SKIPPED <"$TMP/picked.txt"
emu_post "/_emu/users/$CHANGED" '{"IdentityInfo":{"Mobile":"+15550001111"}}' >/dev/null
ok_if "one planned account changed in the emulator" test -n "$CHANGED"

# apply --no-dry-run, killed with SIGKILL halfway (3 requests a second, a dozen users).
"$CD_BIN" apply "$PLAN" "${E[@]}" --no-dry-run --confirm $ALIAS --rate 3 >"$TMP/run1.log" 2>&1 &
APID=$!
for i in $(seq 1 200); do
	[ "$(grep -c '^E DeleteUser' "$PLAN.journal" 2>/dev/null)" -ge 3 ] && break
	sleep 0.05
done
kill -9 $APID 2>/dev/null; wait $APID 2>/dev/null
done1=$(grep -c '^E DeleteUser' "$PLAN.journal")
planned=$("$PYBIN" -c 'import json,sys; print(sum(len(c["remove"]) for c in json.load(open(sys.argv[1]))["clusters"]))' "$PLAN")
ok_if "killed halfway: $done1 of $planned deletions journaled" test "$done1" -ge 3 -a "$done1" -lt $((planned - 2))

expect_rc "the rerun exits 3 (one skipped, one changed)" 3 \
	"$CD_BIN" apply "$PLAN" "${E[@]}" --no-dry-run --confirm $ALIAS --rate 100 2>"$TMP/run2.err"
expect_grep "the rerun names the changed account" "$CHANGED .*changed since the plan" "$TMP/run2.err"
expect_grep "the rerun names the skipped account" "$SKIPPED .*skip in the plan" "$TMP/run2.err"
expect_grep "the rerun continued from the journal" "deleted by an earlier run" "$TMP/run2.err"
expect_no_grep "nothing failed" ": failed" "$TMP/run2.err"
expect_eq "no DeleteUser went twice to the same user (no 404 answered)" \
	"$(emu_stat 's["operations"]["DeleteUser"]["errors"]')" 0
apply_logs=$(ls "$TMP"/out/apply_*.log 2>/dev/null | wc -l)
ok_if "apply_<ts>.log written by each run that got that far (region refusal, dry run, killed run, rerun: $apply_logs)" test "$apply_logs" -ge 4
killed_log=$(grep -L "deleted by an earlier run" $(grep -l "DeleteUser\|: deleted$" "$TMP"/out/apply_*.log) 2>/dev/null | head -1)
ok_if "the killed run's log is kept, with its deletions" test -n "$killed_log"
expect_grep "the rerun's log records each action and its result" "user $SKIPPED .*: skipped \(skip in the plan\)" \
	"$(grep -l "deleted by an earlier run" "$TMP"/out/apply_*.log | head -1)"

live_users >"$TMP/live1.json"
curl -sf "$EMU_URL/_emu/resources" >"$TMP/res1.json"
"$PYBIN" - "$PLAN" "$TMP/live0.json" "$TMP/live1.json" "$TMP/res1.json" "$CHANGED" "$SKIPPED" >"$TMP/check.txt" <<'PY'
import json, sys
plan = json.load(open(sys.argv[1])); before = set(json.load(open(sys.argv[2])))
after = set(json.load(open(sys.argv[3]))); res = json.load(open(sys.argv[4]))
changed, skipped = sys.argv[5], sys.argv[6]
planned = {r["Id"]: r for c in plan["clusters"] for r in c["remove"]}
keepers = {c["keep"]["Id"] for c in plan["clusters"]}
gone = before - after
want = set(planned) - {changed, skipped}
print("gone-exact" if gone == want else "gone-wrong %s" % sorted(gone ^ want))
print("keepers-alive" if keepers <= after else "keeper-deleted")
qcs = {q["Id"] for q in res["quick_connects"]}
left = [q for i in want for q in planned[i]["QuickConnectIds"] if q in qcs]
kept = [q for i in (changed, skipped) for q in planned[i]["QuickConnectIds"] if q not in qcs]
print("qcs-deleted" if not left else "qcs-left %s" % left)
print("qcs-kept" if not kept else "qcs-wrongly-deleted %s" % kept)
print("qcs-count", sum(len(planned[i]["QuickConnectIds"]) for i in want))
PY
expect_grep "exactly the planned accounts minus the changed and the skipped are gone" '^gone-exact$' "$TMP/check.txt"
expect_grep "no keeper was deleted" '^keepers-alive$' "$TMP/check.txt"
expect_grep "their quick connects are gone" '^qcs-deleted$' "$TMP/check.txt"
expect_grep "the changed and skipped accounts keep theirs" '^qcs-kept$' "$TMP/check.txt"
expect_grep "some quick connects were deleted" '^qcs-count [1-9]' "$TMP/check.txt"

# restore one of them: same fields, its proficiencies, a new Id.
OLD=$("$PYBIN" -c '
import json,sys
p=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2]))
prof={u["User"]["Id"] for u in b["users"] if u["Proficiencies"]}
rem=[r["Id"] for c in p["clusters"] for r in c["remove"] if r["Id"] not in sys.argv[3:]]
print(next((i for i in rem if i in prof), rem[0]))' "$PLAN" "$BACKUP" "$CHANGED" "$SKIPPED")
expect_rc "restore dry run exits 0" 0 "$CD_BIN" restore "$BACKUP" --user "$OLD" "${E[@]}" 2>"$TMP/rdry.err"
expect_eq "restore dry run wrote nothing" "$(emu_stat 's["operations"]["CreateUser"]["requests"]')" 0
# The emulated instance manages its users' passwords (CONNECT_MANAGED): CreateUser needs one.
expect_rc "restore --no-dry-run without a terminal or --password-file is refused" 2 \
	"$CD_BIN" restore "$BACKUP" --user "$OLD" "${E[@]}" --no-dry-run --confirm $ALIAS 2>"$TMP/rnopw.err" </dev/null
expect_grep "... saying --password-file is needed" "manages its users' passwords.*--password-file" "$TMP/rnopw.err"
printf 'weak\n' >"$TMP/weak.pw" && chmod 600 "$TMP/weak.pw"
expect_rc "a password that breaks Connect's rules is refused before any write" 2 \
	"$CD_BIN" restore "$BACKUP" --user "$OLD" "${E[@]}" --no-dry-run --confirm $ALIAS --password-file "$TMP/weak.pw" 2>"$TMP/rweak.err"
expect_no_grep "... without quoting it" 'weak\b' "$TMP/rweak.err"
expect_eq "no CreateUser was sent by the refused runs" "$(emu_stat 's["operations"]["CreateUser"]["requests"]')" 0
printf 'Initial-Pw-7391\n' >"$TMP/init.pw" && chmod 600 "$TMP/init.pw"
expect_rc "restore --no-dry-run exits 0" 0 \
	"$CD_BIN" restore "$BACKUP" --user "$OLD" "${E[@]}" --no-dry-run --confirm $ALIAS --password-file "$TMP/init.pw" -v 2>"$TMP/restore.err"
expect_no_grep "the password is in no output of restore" 'Initial-Pw-7391' "$TMP/restore.err"
NEW=$(sed -n "s/.*$OLD (.*) -> \([0-9a-f-]*\): re-created.*/\1/p" "$TMP/restore.err")
ok_if "restore prints old -> new Id" test -n "$NEW"
curl -sf "$EMU_URL/users/$INST/$NEW" >"$TMP/new.json"
curl -sf "$EMU_URL/users/$INST/$NEW/proficiencies" >"$TMP/newprof.json"
"$PYBIN" - "$BACKUP" "$OLD" "$TMP/new.json" "$TMP/newprof.json" >"$TMP/restored.txt" <<'PY'
import json, sys
b = json.load(open(sys.argv[1])); old = sys.argv[2]
u = next(x for x in b["users"] if x["User"]["Id"] == old)
new = json.load(open(sys.argv[3]))["User"]; prof = json.load(open(sys.argv[4]))["UserProficiencyList"]
for f in ("Username", "IdentityInfo", "PhoneConfig", "RoutingProfileId", "SecurityProfileIds",
          "HierarchyGroupId", "DirectoryUserId", "Tags"):
    a, c = u["User"].get(f), new.get(f)
    if a in ({}, "", None) and c in ({}, "", None):
        continue
    print("same" if a == c else "differs", f)
key = lambda p: (p["AttributeName"], p["AttributeValue"], p["Level"])
print("proficiencies-same" if sorted(map(key, u["Proficiencies"])) == sorted(map(key, prof)) else "proficiencies-differ")
PY
expect_no_grep "the restored user has the same fields" '^differs' "$TMP/restored.txt"
expect_grep "the restored user has its username back" '^same Username' "$TMP/restored.txt"
expect_grep "the restored user has its proficiencies back" '^proficiencies-same$' "$TMP/restored.txt"
expect_no_grep "restore never logs a password" '[Pp]assword"' "$TMP/restore.err"
expect_rc "restore again: the Username exists, skipped (exit 3)" 3 \
	"$CD_BIN" restore "$BACKUP" --user "$OLD" "${E[@]}" --no-dry-run --confirm $ALIAS --password-file "$TMP/init.pw" 2>"$TMP/again.err"
expect_grep "restore again says why" "Username exists" "$TMP/again.err"

done_testing
