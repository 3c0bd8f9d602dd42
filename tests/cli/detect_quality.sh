#!/usr/bin/env bash
# detect_quality.sh -- detection quality (issue 12's floors). Generated instances with ground
# truth, on seeds nothing was tuned on: three 10,000-user instances, pooled so that a floor is
# not decided by one pair of one seed (about 36 pairs of each kind per seed). Duplicate band
# (duplicate_groups): identifier kinds (e-mail case, plus tag, gmail dots, secondary e-mail,
# username case, username is the e-mail, phone) at least 95%; review band (clusters + possible
# pairs): every kind at least 90%; at most 5% of the homonym distractors (two people with one
# name, nothing else shared) in one cluster; precision at least 90% counting distractors.
# Classic rules (duplicate_users): the classic kinds 100%. Then the public labelled sets in
# ../shared/data/external (skipped when absent): the default run's pair F1 at least 0.05 above
# the classic rules', precision at least 0.95, the review band at least 90% of the reachable
# pairs (bench/external_eval.py).
. "$(dirname "$0")/../lib/tap.sh"

if [ -z "${PY:-}" ]; then PY=python3; fi
args=() classic=() possible=()
for seed in 404 505 1111; do
	inst=$TMP/i$seed.json truth=$TMP/t$seed.json out=$TMP/o$seed
	if ! "$EMU_BIN" generate --users 10000 --seed "$seed" --out "$inst" --truth "$truth" -q; then
		not_ok "connect-emu generate --seed $seed"; continue
	fi
	"$CD_BIN" analyze -q "$inst" -o "$out" --format json,csv
	rc=$?
	expect_eq "analyze of seed $seed exits 0" "$rc" 0
	args+=("$truth" "$(ls "$out"/duplicate_groups_*.json)")
	possible+=(--possible "$(ls "$out"/possible_duplicates_*.csv)")
	classic+=(--classic "$(ls "$out"/duplicate_users_*.json)")
done
"$PY" "$CD_ROOT/bench/detect_eval.py" "${args[@]}" "${classic[@]}" "${possible[@]}" \
	--min email_case 0.95 --min username_case 0.95 --min email_plus_tag 0.95 \
	--min email_gmail_dots 0.95 --min secondary_email 0.95 --min username_is_email 0.95 \
	--min phone 0.95 --min-review '*' 0.90 --max-distractor distractor_same_name 0.05 \
	--min-classic email_case 1 --min-classic username_case 1 --min-classic name_case 1 \
	--min-precision 0.90 >"$TMP/q" 2>&1
rc=$?
sed 's/^/# /' "$TMP/q" | grep -v '^#   e\.g\.'
expect_eq "seeds 404, 505, 1111 pooled: identifier kinds >= 95% duplicates, every kind >= 90% duplicates + review, homonyms <= 5% in a cluster, classic kinds 100% by the classic rules, precision >= 90%" "$rc" 0
for k in name_accents name_case name_fullwidth name_swapped name_typo name_whitespace nickname \
	phone username_is_email; do
	expect_grep "the kind $k was scored" "^$k " "$TMP/q"
done
expect_grep "the classic rules were scored" '^  name_case ' "$TMP/q"
expect_grep "the homonyms were counted" '^distractors distractor_same_name ' "$TMP/q"

# Public labelled data (issue 12): the default run against the classic rules.
ext=$CD_ROOT/../shared/data/external
for set in fake_1000 febrl3; do
	if [ ! -f "$ext/$set/users.json" ] || [ ! -f "$ext/$set/truth.json" ]; then
		skip "external set $set" "$ext/$set not present"
		continue
	fi
	out=$TMP/x_$set
	"$CD_BIN" analyze -q "$ext/$set/users.json" -o "$out" --format json,csv
	expect_eq "analyze of $set exits 0" "$?" 0
	"$PY" "$CD_ROOT/bench/external_eval.py" "$ext/$set/truth.json" "$out" --min-f1-gain 0.05 \
		--min-precision 0.95 --min-review 0.90 >"$TMP/x_$set.txt" 2>&1
	rc=$?
	sed 's/^/# /' "$TMP/x_$set.txt"
	expect_eq "$set: F1 >= classic + 0.05, precision >= 0.95, review band >= 90% of the reachable pairs" "$rc" 0
done

# The evaluation itself can fail: a groups file with no clusters misses every floor.
"$PY" - "${args[1]}" "$TMP/empty.json" <<'PY'
import json, sys
g = json.load(open(sys.argv[1], encoding="utf-8"))
g["clusters"] = []
json.dump(g, open(sys.argv[2], "w", encoding="utf-8"))
PY
quiet_eval() { "$PY" "$CD_ROOT/bench/detect_eval.py" "$@" >/dev/null 2>&1; }
expect_rc "no clusters at all fails the floors" 1 quiet_eval "${args[0]}" "$TMP/empty.json" --min '*' 0.95
done_testing
