#!/usr/bin/env bash
# scan_complete.sh -- scans against connect-emu (SigV4 checked) bring back every user: reports equal `analyze` of the emulator's data, at a low quota and with 10% faults.
. "$(dirname "$0")/../lib/tap.sh"
. "$CD_ROOT/tests/lib/cache.sh"
cache_need_scan
cache_env

# Same reports: CSV files byte for byte; JSON files as JSON values (the emulator re-prints numbers,
# 1681168333.890 arrives as 1681168333.89, and a scan keeps the text it received).
same_results() {
	local a=$1 b=$2 kind fa fb
	for kind in all_users duplicate_users; do
		fa=$(ls "$a"/${kind}_*.csv 2>/dev/null | head -1); fb=$(ls "$b"/${kind}_*.csv 2>/dev/null | head -1)
		if [ -z "$fa" ] || [ -z "$fb" ] || ! cmp -s "$fa" "$fb"; then
			diag "${kind} csv differs or is missing in '$a' / '$b'"; diff "$fa" "$fb" | head -5 | sed 's/^/#   /'
			return 1
		fi
		fa=$(ls "$a"/${kind}_*.json 2>/dev/null | head -1); fb=$(ls "$b"/${kind}_*.json 2>/dev/null | head -1)
		if [ -z "$fa" ] || [ -z "$fb" ] ||
			! "$PYBIN" -c 'import json,sys; sys.exit(json.load(open(sys.argv[1])) != json.load(open(sys.argv[2])))' "$fa" "$fb"; then
			diag "${kind} json differs or is missing in '$a' / '$b'"
			return 1
		fi
	done
}

# The instance as a file: the emulator serves it, analyze reads it; the two must agree.
INST=0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d
"$EMU_BIN" generate -q --users 300 --seed 11 --dup-rate 0.1 --instance-id $INST --out "$TMP/inst.json" ||
	{ not_ok "generate the instance"; done_testing; exit; }
"$CD_BIN" analyze -q --no-progress -o "$TMP/ref" "$TMP/inst.json"
ok_if "analyze of the data file wrote reports" test -n "$(ls "$TMP"/ref/duplicate_users_*.csv 2>/dev/null)"

# 1. 10% of requests fail (500, 503, dropped, truncated, slow); quotas raised, faults are the point.
emu_start --data "$TMP/inst.json" --verify-sigv4 --fault-rate 0.1 --slow-ms 300 --seed 5 ||
	{ not_ok "emulator starts"; done_testing; exit; }
expect_rc "fault-rate 0.1: scan completes (exit 0)" 0 \
	"$CD_BIN" scan --instance $INST --endpoint-url "$EMU_URL" --rate 200 --timeout 5 --retries 8 \
	--no-progress --no-cache -o "$TMP/faults" 2>"$TMP/faults.err"
ok_if "fault-rate 0.1: reports equal analyze of the data file" same_results "$TMP/ref" "$TMP/faults"
faults=$(emu_stat 'sum(o["faults"] for o in s["operations"].values())')
ok_if "fault-rate 0.1: the emulator did inject faults ($faults)" test "${faults:-0}" -gt 5
expect_grep "fault-rate 0.1: the log counts the retries" "DescribeUser +[0-9]+ requests, [0-9]+ throttled, [1-9][0-9]* retried, 0 failed" "$TMP/faults.err"
emu_stop

# 2. The published default quota, 2/s burst 5, on every API; the tool told nothing (adaptive,
#    starting at the published default; Service Quotas refused, or the scan would run at 80% of
#    what it lists). 40 users keep the test near 20 s.
"$EMU_BIN" generate -q --users 40 --seed 12 --dup-rate 0.2 --instance-id $INST --out "$TMP/small.json"
"$CD_BIN" analyze -q --no-progress -o "$TMP/ref_small" "$TMP/small.json"
emu_start --data "$TMP/small.json" --verify-sigv4 --rate 2 --burst 5 --deny-service-quotas ||
	{ not_ok "emulator starts"; done_testing; exit; }
start=$(date +%s)
expect_rc "2/s burst 5: scan completes (exit 0)" 0 \
	"$CD_BIN" scan --instance $INST --endpoint-url "$EMU_URL" --no-progress --no-cache \
	-o "$TMP/slow" 2>"$TMP/slow.err"
took=$(( $(date +%s) - start ))
ok_if "2/s burst 5: reports equal analyze of the data file" same_results "$TMP/ref_small" "$TMP/slow"
expect_eq "2/s burst 5: every user described exactly once" "$(describe_calls)" "40"
# 40 DescribeUser at 2/s after a burst of 5 is 17.5 s of quota; allow for the listings and jitter.
ok_if "2/s burst 5: took ${took}s, close to the quota's 18 s" test "$took" -le 25
expect_grep "2/s burst 5: an estimate before fetching" "about 40 users: .* DescribeUser calls; about" "$TMP/slow.err"
emu_stop

done_testing
