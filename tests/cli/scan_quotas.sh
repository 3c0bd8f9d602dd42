#!/usr/bin/env bash
# scan_quotas.sh -- a scan reads the API quotas from Service Quotas (connect-emu) and stays under a share of them; without permission it adapts and says so once.
. "$(dirname "$0")/../lib/tap.sh"
. "$CD_ROOT/tests/lib/cache.sh"
cache_need_scan
cache_env

INST=cccccccc-0000-4000-8000-000000002000
QUOTAS=(--rate DescribeUser=37 --rate SearchUsers=3 --rate ListUsers=7)
scan() { # LOG OUTDIR ARGS...
	local log=$1 out=$2; shift 2
	"$CD_BIN" scan --instance $INST --endpoint-url "$EMU_URL" --no-progress --no-cache \
		-o "$out" "$@" >"$log" 2>&1
}
fetch_seconds() { sed -n 's/.*fetch finished in .* (\([0-9.]*\) s).*/\1/p' "$1" | head -1; }
le() { "$PYBIN" -c "import sys; sys.exit(0 if $1 <= $2 else 1)"; }

# --quota-share is a share: above 0, at most 1.
for bad in 0 1.5 abc; do
	expect_rc "--quota-share $bad: exit 2" 2 "$CD_BIN" scan --instance $INST --quota-share "$bad" \
		--endpoint-url http://127.0.0.1:1 2>"$TMP/share.err"
	expect_grep "--quota-share $bad: says why" "quota-share" "$TMP/share.err"
done

# 1. DescribeUser 37/s, SearchUsers 3/s, ListUsers 7/s, Service Quotas answering, SigV4 checked:
#    2,000 users at 80% of each quota, hardly a throttle, in about the time 80% allows.
emu_start --users 2000 --seed 3 --instance-id $INST --verify-sigv4 "${QUOTAS[@]}" ||
	{ not_ok "emulator starts"; done_testing; exit; }
expect_rc "2,000 users: scan completes (exit 0)" 0 scan "$TMP/q.log" "$TMP/q"
expect_grep "the log names the rates and where they came from" \
	"rates: SearchUsers 2\.4/s burst 2\.4 \(80% of the applied quota 3/s burst 3, L-E2C35CCE\), ListUsers 5\.6/s .*DescribeUser 29\.6/s burst 29\.6 \(80% of the applied quota 37/s" \
	"$TMP/q.log"
expect_grep "... and the Service Quotas endpoint (the Connect endpoint, as given)" \
	"Service Quotas at http://127\.0\.0\.1:[0-9]+ \(--endpoint-url, as for connect\) listed 8 quotas in 2 page\(s\)" \
	"$TMP/q.log"
expect_no_grep "no warning about the quotas" "cannot read the account's API quotas" "$TMP/q.log"
expect_eq "Service Quotas was asked, every page signed for servicequotas and accepted" \
	"$(emu_stat 's["service_quotas"]["requests"], s["auth_failures"]')" "2 0"
dreq=$(emu_stat 's["operations"]["DescribeUser"]["requests"]')
dthr=$(emu_stat 's["operations"]["DescribeUser"]["throttles"]')
expect_eq "every user described exactly once" "$(describe_calls)" "2000"
ok_if "DescribeUser throttled on $dthr of $dreq requests (<= 0.5%)" le "$dthr" "$dreq * 0.005"
# The time at 80% of the quota: the slowest operation, users/(0.8*37) against pages/(0.8*rate).
ideal=$("$PYBIN" -c 'import math; n=2000; print(f"{max(n/(0.8*37), math.ceil(n/500)/(0.8*3), math.ceil(n/1000)/(0.8*7)):.2f}")')
took=$(fetch_seconds "$TMP/q.log")
ok_if "fetch took ${took}s, within 1.15 x ${ideal}s (80% of the quota)" le "${took:-999}" "$ideal * 1.15"
ok_if "... and not faster than the share allows (never above it)" le "$ideal * 0.95" "${took:-0}"

# 2. --rate still overrides, per operation; the others come from Service Quotas.
curl -sf -X POST "$EMU_URL/_emu/reset-stats" >/dev/null
emu_stop
emu_start --users 150 --seed 3 --instance-id $INST --verify-sigv4 "${QUOTAS[@]}" ||
	{ not_ok "emulator starts"; done_testing; exit; }
expect_rc "--rate DescribeUser=20 --quota-share 0.5: exit 0" 0 \
	scan "$TMP/r.log" "$TMP/r" --rate DescribeUser=20 --quota-share 0.5
expect_grep "--rate wins for its operation" "DescribeUser 20/s \(--rate\)" "$TMP/r.log"
expect_grep "--quota-share 0.5 for the others" "SearchUsers 1\.5/s burst 1\.5 \(50% of the applied quota 3/s" "$TMP/r.log"

# 3. Every operation given by --rate: Service Quotas is not asked at all.
curl -sf -X POST "$EMU_URL/_emu/reset-stats" >/dev/null
expect_rc "--rate for all: exit 0" 0 scan "$TMP/a.log" "$TMP/a" --rate 30
expect_eq "--rate for all: Service Quotas not asked" "$(emu_stat 's["service_quotas"]["requests"]')" "0"
emu_stop

# 4. No permission for servicequotas:ListServiceQuotas: the adaptive rate, said once.
emu_start --users 150 --seed 3 --instance-id $INST --verify-sigv4 "${QUOTAS[@]}" --deny-service-quotas ||
	{ not_ok "emulator starts"; done_testing; exit; }
expect_rc "AccessDenied: the scan still completes (exit 0)" 0 scan "$TMP/d.log" "$TMP/d"
expect_eq "AccessDenied: one warning line" "$(grep -c "cannot read the account's API quotas" "$TMP/d.log")" "1"
expect_grep "AccessDenied: it names the permission and what happens instead" \
	"warning: cannot read the account's API quotas from Service Quotas at http://127\.0\.0\.1:[0-9]+: not permitted \(ListServiceQuotas: 400 AccessDeniedException: .*servicequotas:ListServiceQuotas\); the rates adapt to throttling instead" \
	"$TMP/d.log"
expect_grep "AccessDenied: the rates line says adaptive" \
	"rates: SearchUsers adapting from 2/s \(quota unknown\), ListUsers adapting from 2/s \(quota unknown\), DescribeUser adapting from 2/s \(quota unknown\)" \
	"$TMP/d.log"
expect_eq "AccessDenied: asked once, refused once" \
	"$(emu_stat 's["service_quotas"]["requests"], s["service_quotas"]["denied"]')" "1 1"
expect_eq "AccessDenied: every user described" "$(describe_calls)" "150"

# 5. AWS_ENDPOINT_URL_SERVICE_QUOTAS wins over the Connect endpoint; nothing listens there:
#    the same fallback, naming that endpoint.
curl -sf -X POST "$EMU_URL/_emu/reset-stats" >/dev/null
AWS_ENDPOINT_URL_SERVICE_QUOTAS=http://127.0.0.1:1 \
	expect_rc "unreachable Service Quotas: exit 0" 0 scan "$TMP/u.log" "$TMP/u"
expect_grep "unreachable Service Quotas: one warning naming AWS_ENDPOINT_URL_SERVICE_QUOTAS's endpoint" \
	"cannot read the account's API quotas from Service Quotas at http://127\.0\.0\.1:1 \(ListServiceQuotas: " "$TMP/u.log"
expect_eq "unreachable Service Quotas: the emulator was not asked" "$(emu_stat 's["service_quotas"]["requests"]')" "0"
emu_stop

done_testing
