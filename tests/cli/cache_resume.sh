#!/usr/bin/env bash
# cache_resume.sh -- kill -9 a scan again and again: the resumed result equals an uninterrupted scan, nothing described twice.
. "$(dirname "$0")/../lib/tap.sh"
. "$CD_ROOT/tests/lib/cache.sh"
cache_need_scan
cache_env

N=200
RATE=25        # DescribeUser quota: a full scan takes about N/RATE = 8 s
CONC=4         # requests in flight at most
KILLS=12
INST=11111111-2222-3333-4444-555555555555

SCAN_RATES=(--rate DescribeUser=$RATE --rate SearchUsers=5 --rate ListUsers=5)
emu_start --users $N --seed 42 --dup-rate 0.15 --instance-id $INST --verify-sigv4 \
	--rate DescribeUser=$RATE --burst DescribeUser=5 --rate SearchUsers=5 --rate ListUsers=5 ||
	{ not_ok "emulator starts"; done_testing; exit; }

# The reference: one uninterrupted scan with its own cache.
expect_rc "uninterrupted scan completes" 0 cd_scan "$TMP/ref" --cache "$TMP/ref.db" --concurrency $CONC
expect_eq "the uninterrupted scan describes every user once" "$(describe_calls)" "$N"
emu_post /_emu/reset-stats '{}' >/dev/null

# Scans killed at random moments. A kill may lose what was in flight: requests on the wire and
# the batch of results not yet committed (the crawl commits every 100 users or half second), so
# at most CONC + RATE/2 + 1 descriptions; the bound below allows a whole second of results for a
# loaded machine. Count what each kill really lost.
RANDOM=7
kills=0 finished=0 lost_total=0 stored_before=0 calls_before=0
for i in $(seq 1 $KILLS); do
	cd_scan_bg "$TMP/run$i.out" "$TMP/run$i" --cache "$TMP/c.db" --concurrency $CONC
	pid=$SCAN_PID
	# between 0.2 and 0.8 s: listing, the first describes, the middle of a batch... (a run
	# describes at most 0.8 * RATE users, so 12 runs cannot finish the N users)
	sleep "0.$((2 + RANDOM % 7))"
	if kill -9 $pid 2>/dev/null; then
		wait $pid 2>/dev/null
		kills=$((kills + 1))
	else
		wait $pid
		finished=$((finished + 1))
		break
	fi
	calls_now=$(describe_calls)
	calls=$((calls_now - calls_before))
	calls_before=$calls_now
	stored=$("$CD_BIN" cache info --cache "$TMP/c.db" 2>/dev/null |
		sed -n 's/^users: .*(\([0-9]*\) described.*/\1/p')
	stored=${stored:-0}
	lost=$((calls - (stored - stored_before)))
	lost_total=$((lost_total + lost))
	if [ $lost -gt $((CONC + RATE + 1)) ]; then
		not_ok "kill $i lost at most the work in flight"
		diag "DescribeUser answers in this run: $calls, newly stored: $((stored - stored_before))"
	fi
	stored_before=$stored
done
ok_if "at least 10 scans were killed mid-way ($kills killed, $finished finished first)" [ $kills -ge 10 ]

expect_rc "the resumed scan completes" 0 cd_scan "$TMP/final" --cache "$TMP/c.db" --concurrency $CONC
ok_if "the resumed scan's reports equal the uninterrupted scan's" same_reports "$TMP/ref" "$TMP/final"

expect_eq "every user was described" "$(emu_stat 's["described_users"]')" "$N"
again=$(emu_stat 's["described_more_than_once"]')
ok_if "users described more than once ($again) <= descriptions lost at kills ($lost_total)" \
	[ "$again" -le "$lost_total" ]
total=$(describe_calls)
ok_if "DescribeUser answers over all runs ($total) <= N + lost at kills ($((N + lost_total)))" \
	[ "$total" -le $((N + lost_total)) ]

# A scan with nothing left to do describes nobody.
emu_post /_emu/reset-stats '{}' >/dev/null
expect_rc "a repeat scan completes" 0 cd_scan "$TMP/repeat" --cache "$TMP/c.db"
expect_eq "a repeat scan of an unchanged instance describes nobody" "$(describe_calls)" 0
ok_if "and reports the same" same_reports "$TMP/ref" "$TMP/repeat"

# analyze --cache: the same reports, offline.
before=$(emu_stat 's["requests"]')
expect_rc "analyze --cache completes" 0 "$CD_BIN" analyze --cache "$TMP/c.db" -q -o "$TMP/offline"
ok_if "analyze --cache reports equal the scan's" same_reports "$TMP/ref" "$TMP/offline"
expect_eq "analyze --cache made no requests" "$(emu_stat 's["requests"]')" "$before"

done_testing
