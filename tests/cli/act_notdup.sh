#!/usr/bin/env bash
# act_notdup.sh -- --not-duplicates: reviewed pairs are never joined (a cluster splits), leave --fail-on-duplicates, and plan honours them; duplicate_clusters_<ts>.csv.
. "$(dirname "$0")/../lib/tap.sh"
. "$CD_ROOT/tests/lib/cache.sh"
cache_need_scan
cache_env

INST=11111111-2222-3333-4444-555555555555
"$EMU_BIN" generate -q --users 400 --seed 21 --dup-rate 0.08 --instance-id $INST --out "$TMP/inst.json" ||
	{ not_ok "generate"; done_testing; exit; }
expect_rc "analyze exits 0" 0 "$CD_BIN" analyze -q --no-progress -o "$TMP/ref" "$TMP/inst.json"
CL=$(ls "$TMP"/ref/duplicate_clusters_*.csv 2>/dev/null | head -1)
ok_if "duplicate_clusters_<ts>.csv is written" test -n "$CL"
expect_grep "its header" '^Cluster,Confidence,Suggestion,Username,Email,FirstName,LastName,User_ID,ARN,Evidence,Not_Duplicates_Line' "$CL"
expect_grep "keep and remove rows" '^1,[0-9.]+,keep,' "$CL"
expect_grep "a remove row carries its not-duplicates line" ',remove,.*,"[0-9a-f-]{36},[0-9a-f-]{36}"' "$CL"

# A pair whose removal splits its cluster (a bridge), or the pair of a two-account cluster.
"$PYBIN" - "$TMP"/ref/duplicate_groups_*.json >"$TMP/pick.txt" <<'PY'
import json, sys
g = json.load(open(sys.argv[1]))
def components(members, pairs):
    parent = {m: m for m in members}
    def find(x):
        while parent[x] != x:
            x = parent[x]
        return x
    for a, b in pairs:
        parent[find(a)] = find(b)
    return len({find(m) for m in members})
best = None
for c in g["clusters"]:
    members = [m["Id"] for m in c["members"]]
    pairs = [(p["user1"], p["user2"]) for p in c["pairs"]]
    for i, p in enumerate(pairs):
        if components(members, pairs[:i] + pairs[i + 1:]) > 1:
            if best is None or len(members) > best[0]:
                best = (len(members), p)
            break
print(best[1][0], best[1][1], best[0])
PY
read A B SIZE <"$TMP/pick.txt"
ok_if "found a pair holding a cluster together (cluster of $SIZE)" test -n "$A" -a -n "$B"
printf 'User1_ID,User2_ID,Note\n# reviewed by the service desk\n%s,"%s",two people named alike\n' "$B" "$A" >"$TMP/notdup.csv"
expect_rc "analyze --not-duplicates exits 0" 0 \
	"$CD_BIN" analyze --no-progress --not-duplicates "$TMP/notdup.csv" -o "$TMP/nd" "$TMP/inst.json" 2>"$TMP/nd.err"
expect_grep "the log says the pair was set aside" 'set aside as reviewed not-duplicates' "$TMP/nd.err"
"$PYBIN" - "$TMP"/nd/duplicate_groups_*.json "$A" "$B" >"$TMP/split.txt" <<'PY'
import json, sys
g = json.load(open(sys.argv[1])); a, b = sys.argv[2], sys.argv[3]
together = any(a in ids and b in ids for ids in ({m["Id"] for m in c["members"]} for c in g["clusters"]))
paired = any({p["user1"], p["user2"]} == {a, b} for c in g["clusters"] for p in c["pairs"])
print("together" if together else "split", "paired" if paired else "unpaired")
PY
expect_grep "the cluster split: the two are no longer together nor paired" '^split unpaired$' "$TMP/split.txt"

expect_rc "a bad --not-duplicates file is a usage error (exit 2)" 2 \
	"$CD_BIN" analyze -q --not-duplicates "$TMP/inst.json" -o "$TMP/bad" "$TMP/inst.json"
ok_if "and nothing was written" test ! -d "$TMP/bad"

# --fail-on-duplicates: the only pair reviewed away means exit 0.
cat >"$TMP/two.json" <<'JSON'
{"Users":[
{"Id":"aaaaaaaa-0000-4000-8000-000000000001","Username":"jdoe","IdentityInfo":{"FirstName":"Jane","LastName":"Doe","Email":"jane.doe@example.com"}},
{"Id":"aaaaaaaa-0000-4000-8000-000000000002","Username":"jane.doe","IdentityInfo":{"FirstName":"Jane","LastName":"Doe","Email":"jane.doe@example.com"}},
{"Id":"aaaaaaaa-0000-4000-8000-000000000003","Username":"rroe","IdentityInfo":{"FirstName":"Richard","LastName":"Roe","Email":"rroe@example.org"}}]}
JSON
expect_rc "--fail-on-duplicates: duplicates found (exit 1)" 1 \
	"$CD_BIN" analyze -q --fail-on-duplicates -o "$TMP/f1" "$TMP/two.json"
echo "aaaaaaaa-0000-4000-8000-000000000002,aaaaaaaa-0000-4000-8000-000000000001" >"$TMP/nd2.csv"
expect_rc "--fail-on-duplicates with the pair reviewed as not duplicates (exit 0)" 0 \
	"$CD_BIN" analyze -q --fail-on-duplicates --not-duplicates "$TMP/nd2.csv" -o "$TMP/f2" "$TMP/two.json"
expect_eq "the classic pairs are gone from duplicate_users_*.csv too" \
	"$(wc -l <"$(ls "$TMP"/f2/duplicate_users_*.csv | head -1)")" 1

# plan honours the file (from a groups file and from the cache).
emu_start --data "$TMP/inst.json" || { not_ok "emulator starts"; done_testing; exit; }
E=(--endpoint-url "$EMU_URL" --region us-east-1 --rate 500)
cd_scan "$TMP/scan" --not-duplicates "$TMP/notdup.csv"
ok_if "scan --not-duplicates writes its reports" test -n "$(ls "$TMP"/scan/duplicate_clusters_*.csv 2>/dev/null)"
expect_rc "plan --groups --not-duplicates exits 0" 0 "$CD_BIN" plan -q --instance $INST "${E[@]}" \
	--groups "$(ls "$TMP"/ref/duplicate_groups_*.json)" --not-duplicates "$TMP/notdup.csv" -o "$TMP/p1"
expect_rc "plan (from the cache) --not-duplicates exits 0" 0 "$CD_BIN" plan -q --instance $INST "${E[@]}" \
	--not-duplicates "$TMP/notdup.csv" -o "$TMP/p2"
for p in p1 p2; do
	"$PYBIN" - "$(ls "$TMP"/$p/remediation_plan_*.json)" "$A" "$B" >"$TMP/$p.txt" <<'PY'
import json, sys
plan = json.load(open(sys.argv[1])); a, b = sys.argv[2], sys.argv[3]
for c in plan["clusters"]:
    ids = {c["keep"]["Id"]} | {r["Id"] for r in c["remove"]}
    if a in ids and b in ids:
        print("together")
print("checked", len(plan["clusters"]))
PY
	expect_no_grep "plan ($p): the reviewed pair is never in one cluster" '^together' "$TMP/$p.txt"
	expect_grep "plan ($p): the plan has clusters" '^checked [1-9]' "$TMP/$p.txt"
done

done_testing
