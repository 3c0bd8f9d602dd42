#!/usr/bin/env bash
# analyze_reference.sh -- the classic pairs equal an independent all-pairs (O(n^2)) reference on a
# generated instance of a few thousand users.
. "$(dirname "$0")/../lib/tap.sh"
PY=${PY:-python3}
N=3000
inst=$TMP/instance.json
# Prefer the product's generator; fall back to the test generator while it is not available.
if "$EMU_BIN" generate --users "$N" --seed 7 --out "$inst" >/dev/null 2>&1 && [ -s "$inst" ]; then
	diag "instance from connect-emu generate"
else
	"$PY" "$CD_ROOT/tests/lib/gen_users.py" "$N" 7 "$inst"
	diag "instance from tests/lib/gen_users.py"
fi
expect_rc "analyze the generated instance" 0 "$CD_BIN" analyze -q "$inst" -o "$TMP/out"
"$PY" - "$inst" "$TMP"/out/duplicate_users_*.json >"$TMP/ref.out" 2>&1 <<'PYEOF'
import json, sys
users = json.load(open(sys.argv[1]))["Users"]
got = json.load(open(sys.argv[2]))
LOWER = {c: c + 32 for c in range(65, 91)}
def lo(s): return s.translate(LOWER)
def f(u, *path):
    for p in path:
        u = u.get(p) if isinstance(u, dict) else None
    return u or ""
rows = [(u["Id"], lo(f(u, "Username")), lo(f(u, "IdentityInfo", "Email")),
         lo(f(u, "IdentityInfo", "FirstName")), lo(f(u, "IdentityInfo", "LastName"))) for u in users]
want = {"duplicate_emails": [], "duplicate_usernames": [], "duplicate_names": []}
for i in range(len(rows)):
    a = rows[i]
    for j in range(i + 1, len(rows)):
        b = rows[j]
        em = a[2] != "" and a[2] == b[2]
        if em:
            want["duplicate_emails"].append((a[0], b[0], "Duplicate email: " + a[2]))
        if not em and a[1] and a[1] == b[1]:
            want["duplicate_usernames"].append((a[0], b[0], "Duplicate username: " + a[1]))
        if not em and a[3] and a[4] and a[3] == b[3] and a[4] == b[4]:
            want["duplicate_names"].append((a[0], b[0], "Duplicate name: %s %s" % (a[3], a[4])))
for k, w in want.items():
    g = [(p["user1"]["Id"], p["user2"]["Id"], p["reason"]) for p in got[k]]
    if g != w:
        print("MISMATCH %s: got %d pairs, want %d; first difference: %s" % (
            k, len(g), len(w), next(((x, y) for x, y in zip(g, w) if x != y), "length")))
        sys.exit(1)
    print("%s: %d pairs" % (k, len(w)))
print("reference ok")
PYEOF
rc=$?
sed 's/^/# /' "$TMP/ref.out"
expect_eq "classic pairs equal the all-pairs reference" "$rc:$(tail -1 "$TMP/ref.out")" "0:reference ok"
npairs=$(grep -o '[0-9]* pairs' "$TMP/ref.out" | awk '{s+=$1} END {print s+0}')
ok_if "the instance has pairs of every kind ($npairs in all)" \
	test "$(grep -c ': [1-9][0-9]* pairs' "$TMP/ref.out")" -eq 3
done_testing
