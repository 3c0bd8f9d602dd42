#!/usr/bin/env bash
# analyze_crash.sh -- a run killed while writing never leaves a half-written report under its final name.
. "$(dirname "$0")/../lib/tap.sh"
PY=${PY:-python3}
inst=$TMP/instance.json
if ! "$EMU_BIN" generate --users 60000 --seed 3 --out "$inst" >/dev/null 2>&1; then
	"$PY" "$CD_ROOT/tests/lib/gen_users.py" 60000 3 "$inst" --compact
fi
n=60000 # the generators write exactly the users asked for

# Waits (at most 30 s) until a report is being written -- a hidden temporary file exists --,
# freezes the run there (SIGSTOP), checks, then kills it: whatever carries a final name must be
# whole. The poll uses only shell builtins so it sees the short write phase.
for round in 1 2 3; do
	out=$TMP/out_$round
	"$CD_BIN" analyze -q --match classic "$inst" -o "$out" &
	pid=$!
	end=$((SECONDS + 30)) seen=
	while [ $SECONDS -lt $end ] && kill -0 "$pid" 2>/dev/null; do
		# round 1: the first temporary; later rounds: once some reports are already final
		if compgen -G "$out/.*_users_*" >/dev/null; then
			finals=$(compgen -G "$out/[ad]*_users_*" | wc -l)
			if [ "$finals" -ge $((round - 1)) ]; then
				kill -STOP "$pid" 2>/dev/null
				seen=1
				break
			fi
		fi
	done
	if [ -z "$seen" ]; then
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		skip "killed while writing (round $round)" "the run finished before a report was caught being written"
		continue
	fi
	bad=
	for f in "$out"/all_users_*.json "$out"/duplicate_users_*.json; do
		[ -f "$f" ] || continue
		"$PY" -c 'import json,sys; json.load(open(sys.argv[1]))' "$f" 2>/dev/null || bad="$bad $f"
	done
	for f in "$out"/all_users_*.csv; do
		[ -f "$f" ] || continue
		[ "$(wc -l <"$f")" -eq $((n + 1)) ] || bad="$bad $f"
	done
	diag "round $round: $(ls "$out" | wc -l) final, $(ls -A "$out" | grep -c '^\.') temporary file(s) when stopped"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	expect_eq "killed while writing (round $round): every report under its final name is complete" "$bad" ""
done
done_testing
