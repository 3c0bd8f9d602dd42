#!/usr/bin/env bash
# detect_quality.sh -- detection quality on generated instances with ground truth: recall per
# planted kind and overall precision (bench/detect_eval.py), on seeds the weights were not
# tuned on. Floors: the identifier kinds (e-mail case, plus tag, gmail dots, secondary e-mail,
# username case) 100%; phone and username-is-e-mail 90%; the name-only kinds (case, accents,
# width, white space, typo, nickname, swapped) 55% -- below issue 7's 95% target, which they
# do not reach: see docs/detection.md "Quality"; precision 98%.
. "$(dirname "$0")/../lib/tap.sh"

if [ -z "${PY:-}" ]; then PY=python3; fi
for seed in 404 505; do
	inst=$TMP/i$seed.json truth=$TMP/t$seed.json out=$TMP/o$seed
	if ! "$EMU_BIN" generate --users 10000 --seed "$seed" --out "$inst" --truth "$truth" -q; then
		not_ok "connect-emu generate --seed $seed"; continue
	fi
	"$CD_BIN" analyze -q "$inst" -o "$out" --format json
	rc=$?
	expect_eq "analyze of seed $seed exits 0" "$rc" 0
	"$PY" "$CD_ROOT/bench/detect_eval.py" "$truth" "$out"/duplicate_groups_*.json \
		--min email_case 1 --min username_case 1 --min email_plus_tag 1 \
		--min email_gmail_dots 1 --min secondary_email 1 --min phone 0.9 \
		--min username_is_email 0.9 --min '*' 0.55 --min-precision 0.98 >"$TMP/q$seed" 2>&1
	rc=$?
	sed 's/^/# /' "$TMP/q$seed" | grep -v '^#   e\.g\.'
	expect_eq "seed $seed: recall floors and precision >= 0.98" "$rc" 0
	expect_grep "seed $seed: every planted kind was scored" '^username_is_email ' "$TMP/q$seed"
done
done_testing
