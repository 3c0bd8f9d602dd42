#!/usr/bin/env bash
# detect_namesakes.sh -- what counts (issue 12): two different John Smiths, with their own
# e-mails and usernames, among the accounts of a generated instance with no planted
# duplicates, are no duplicate: --fail-on-duplicates exits 0 (the classic "same first and last
# name" rule still lists them, in duplicate_users_*). A second account of one of them (the
# same mailbox, plus-tagged) makes it exit 1.
. "$(dirname "$0")/../lib/tap.sh"

if [ -z "${PY:-}" ]; then PY=python3; fi
"$EMU_BIN" generate --users 2000 --seed 7 --dup-rate 0 --out "$TMP/bg.json" -q
expect_eq "connect-emu generate --dup-rate 0 exits 0" "$?" 0
add() { # OUT USERNAME:EMAIL ...
	"$PY" - "$TMP/bg.json" "$@" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
u = d["Users"]
for i, spec in enumerate(sys.argv[3:]):
    name, email = spec.split(":")
    x = json.loads(json.dumps(u[0]))
    x["Id"] = "00000000-0000-4000-8000-%012d" % (i + 1)
    x["Arn"] = x["Arn"].rsplit("/", 1)[0] + "/" + x["Id"]
    x["Username"] = name
    x["IdentityInfo"] = {"FirstName": "John", "LastName": "Smith", "Email": email}
    x.pop("DirectoryUserId", None)
    x["PhoneConfig"].pop("DeskPhoneNumber", None)
    x["RoutingProfileId"] = u[1 + i]["RoutingProfileId"]
    x["HierarchyGroupId"] = u[1 + i]["HierarchyGroupId"]
    u.append(x)
json.dump(d, open(sys.argv[2], "w", encoding="utf-8"))
PY
}
add "$TMP/two.json" "jsmith77:john.smith77@anycompany.com" "jsmith78:jsmith78@exampletravel.net"
"$CD_BIN" analyze -q "$TMP/two.json" -o "$TMP/o2" --fail-on-duplicates
expect_eq "two John Smiths with their own e-mails and usernames: --fail-on-duplicates exits 0" "$?" 0
expect_grep "the classic name rule still lists them" 'jsmith77' "$(ls "$TMP"/o2/duplicate_users_*.csv)"
expect_no_grep "they are in no cluster" 'jsmith7' "$(ls "$TMP"/o2/duplicate_groups_*.json)"
# explain: the waterfall of that pair
"$CD_BIN" explain -q 00000000-0000-4000-8000-000000000001 00000000-0000-4000-8000-000000000002 \
	"$TMP/two.json" >"$TMP/explain.out" 2>&1
expect_eq "explain of the two John Smiths exits 0" "$?" 0
sed 's/^/# /' "$TMP/explain.out"
expect_grep "explain shows the prior" '^prior: lambda .* bits$' "$TMP/explain.out"
expect_grep "... the name level with its term frequency" '^name +exact +[+-][0-9.]+ bits \(m .*term frequency' "$TMP/explain.out"
expect_grep "... the e-mails' disagreement" '^email +different +-[0-9.]+ bits' "$TMP/explain.out"
expect_grep "... the total and the band" '^total: .* bits, probability [0-9.]+: (possible \(review\)|not reported)$' "$TMP/explain.out"
expect_grep "... why they were a candidate" 'shared key: full name \(either order\)' "$TMP/explain.out"
expect_rc "explain of an unknown Id is a usage error" 2 "$CD_BIN" explain -q nobody \
	00000000-0000-4000-8000-000000000002 "$TMP/two.json"
add "$TMP/three.json" "jsmith77:john.smith77@anycompany.com" "jsmith78:jsmith78@exampletravel.net" \
	"john.smith77:John.Smith77+connect@anycompany.com"
"$CD_BIN" analyze -q "$TMP/three.json" -o "$TMP/o3" --fail-on-duplicates
expect_eq "a second account of one of them (plus-tagged mailbox): exits 1" "$?" 1
done_testing
