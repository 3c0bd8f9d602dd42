#!/usr/bin/env bash
# scan_errors.sh -- a scan's failures a user sees: wrong key (exit 4), unknown instance (exit 2), a server that stops answering (exit 3, nothing lost), usage errors, no secret in any output.
. "$(dirname "$0")/../lib/tap.sh"
. "$CD_ROOT/tests/lib/cache.sh"
cache_need_scan
cache_env

INST=0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d
SECRET=$AWS_SECRET_ACCESS_KEY
emu_start --users 200 --seed 21 --instance-id $INST --verify-sigv4 --region us-east-1 ||
	{ not_ok "emulator starts"; done_testing; exit; }

# 1. Wrong secret key: exit 4, one clear line, nothing written.
expect_rc "wrong secret key: exit 4" 4 env AWS_SECRET_ACCESS_KEY='not+the/right=secret' \
	"$CD_BIN" scan --instance $INST --endpoint-url "$EMU_URL" --no-cache --no-progress \
	-o "$TMP/badkey" 2>"$TMP/badkey.err"
expect_eq "wrong secret key: exactly one error line" "$(grep -c 'error' "$TMP/badkey.err")" "1"
expect_grep "wrong secret key: the line says the service refused the signature" \
	"error: .*(403|401).*(Signature|signature|Unrecognized|credentials)" "$TMP/badkey.err"
expect_no_grep "wrong secret key: the secret is not printed" "not\+the/right=secret" "$TMP/badkey.err"
ok_if "wrong secret key: no reports written" test ! -e "$TMP/badkey"

# 2. An instance that does not exist: exit 2 and a line naming it.
expect_rc "unknown instance: exit 2" 2 "$CD_BIN" scan --instance 99999999-9999-4999-8999-999999999999 \
	--endpoint-url "$EMU_URL" --no-cache --no-progress -o "$TMP/unknown" 2>"$TMP/unknown.err"
expect_grep "unknown instance: the line names it" \
	"error: instance '99999999-9999-4999-8999-999999999999' not found in region 'us-east-1'" "$TMP/unknown.err"
expect_eq "unknown instance: one error line" "$(grep -c 'error' "$TMP/unknown.err")" "1"
expect_rc "unknown alias: exit 2" 2 "$CD_BIN" scan --instance no-such-alias \
	--endpoint-url "$EMU_URL" --no-cache --no-progress -o "$TMP/unknown2" 2>"$TMP/unknown2.err"
expect_grep "unknown alias: the line lists the aliases there are" \
	"no instance with id or alias 'no-such-alias' in region 'us-east-1' \(there are: 'emu-" "$TMP/unknown2.err"

# 3. The instance by alias, by ARN (its region wins over AWS_REGION) and from CONNECT_INSTANCE_ID.
alias=$("$CD_BIN" instances --endpoint-url "$EMU_URL" | awk -v id=$INST '$1 == id { print $2 }')
arn=$("$CD_BIN" instances --endpoint-url "$EMU_URL" | awk -v id=$INST '$1 == id { print $5 }')
ok_if "instances lists the instance with its alias ($alias)" test -n "$alias"
expect_rc "scan by alias: exit 0" 0 "$CD_BIN" scan --instance "$alias" --endpoint-url "$EMU_URL" \
	--fields no-email --no-cache --no-progress -o "$TMP/byalias" 2>"$TMP/byalias.err"
expect_grep "scan by alias: resolved" "instance alias '$alias' is instance $INST" "$TMP/byalias.err"
expect_rc "scan by ARN with another AWS_REGION: exit 0" 0 env AWS_REGION=eu-west-1 "$CD_BIN" scan \
	--instance "$arn" --endpoint-url "$EMU_URL" --fields no-email --no-cache --no-progress \
	-o "$TMP/byarn" 2>"$TMP/byarn.err"
expect_grep "scan by ARN: the ARN's region is used" "region us-east-1" "$TMP/byarn.err"
expect_rc "scan from CONNECT_INSTANCE_ID: exit 0" 0 env CONNECT_INSTANCE_ID=$INST "$CD_BIN" scan \
	--endpoint-url "$EMU_URL" --fields no-email --no-cache -q -o "$TMP/byenv"
ok_if "--fields no-email: names without DescribeUser" test "$(describe_calls)" -eq 0

# 4. Usage errors: exit 2 with the reason.
expect_rc "no instance: exit 2" 2 env -u CONNECT_INSTANCE_ID "$CD_BIN" scan --endpoint-url "$EMU_URL" 2>"$TMP/u1"
expect_grep "no instance: said" "no instance given" "$TMP/u1"
expect_rc "bad --rate name: exit 2" 2 "$CD_BIN" scan --instance $INST --rate DescribeUsers=5 2>"$TMP/u2"
expect_grep "bad --rate name: said" "unknown operation 'DescribeUsers'" "$TMP/u2"
expect_rc "bad --rate value: exit 2" 2 "$CD_BIN" scan --instance $INST --rate describeuser=fast 2>"$TMP/u3"
expect_rc "bad ARN: exit 2" 2 "$CD_BIN" scan --instance arn:aws:s3:::bucket 2>"$TMP/u4"
expect_grep "bad ARN: said" "is not a Connect instance ARN" "$TMP/u4"
expect_rc "bad --fields: exit 2" 2 "$CD_BIN" scan --instance $INST --fields some 2>"$TMP/u5"

# 5. A server that stops answering in the middle (SIGSTOP: connections hang): timeouts, retries,
#    exit 3; what arrived before is kept, and the next run finishes the job.
emu_stop
emu_start --users 300 --seed 22 --instance-id $INST --verify-sigv4 --region us-east-1 \
	--rate DescribeUser=60 --burst DescribeUser=5 || { not_ok "emulator starts"; done_testing; exit; }
"$CD_BIN" scan --instance $INST --endpoint-url "$EMU_URL" --rate DescribeUser=60 --timeout 1 \
	--retries 3 --no-progress --cache "$TMP/hang.db" -o "$TMP/hang" >"$TMP/hang.out" 2>"$TMP/hang.err" &
pid=$!
sleep 2
kill -STOP "$EMU_PID"
start=$(date +%s)
wait $pid
rc=$?
took=$(( $(date +%s) - start ))
kill -CONT "$EMU_PID"
expect_eq "server stops answering: exit 3" "$rc" "3"
ok_if "server stops answering: gave up within 20 s (took ${took}s)" test "$took" -le 20
expect_grep "server stops answering: says the service is not answering" "error: .*no answer after 3 attempts" "$TMP/hang.err"
expect_grep "server stops answering: says how to resume" "run the same command again to resume" "$TMP/hang.err"
described=$(sed -n 's/.* \([0-9]*\) described, .*/\1/p' "$TMP/hang.err" | head -1)
ok_if "server stops answering: some users were described first ($described)" test "${described:-0}" -gt 20
expect_grep "server stops answering: partial reports written" "." "$(ls "$TMP"/hang/duplicate_users_*.csv | head -1)"
before=$(describe_calls)
expect_rc "server back: the same command completes" 0 "$CD_BIN" scan --instance $INST \
	--endpoint-url "$EMU_URL" --rate DescribeUser=60 --no-progress -q --cache "$TMP/hang.db" -o "$TMP/hang2"
again=$(( $(describe_calls) - before ))
# Only users not stored before the hang are described again (plus those in flight at the hang).
ok_if "server back: only the missing users described ($again of 300, $described kept)" \
	test "$again" -le $((300 - described + 8))

# 6. Ctrl-C: stops at once, keeps what finished, writes partial reports, says how to continue;
#    exit 3 (tests/cli/scan_bounds.sh checks the reports and SIGTERM).
"$CD_BIN" scan --instance $INST --endpoint-url "$EMU_URL" --rate DescribeUser=60 --no-progress \
	--cache "$TMP/int.db" -o "$TMP/int" >"$TMP/int.out" 2>"$TMP/int.err" &
pid=$!
sleep 1.5
kill -INT $pid
start=$(date +%s)
wait $pid
rc=$?
expect_eq "Ctrl-C: exit 3" "$rc" "3"
ok_if "Ctrl-C: stopped within 2 s" test $(( $(date +%s) - start )) -le 2
expect_grep "Ctrl-C: says what is kept and how to continue" \
	"interrupted: [1-9][0-9]* users described so far are kept in the cache; run the same command again" "$TMP/int.err"
ok_if "Ctrl-C: partial reports for an interrupted scan" test -s "$(ls "$TMP"/int/failed_users_*.csv | head -1)"

# 7. Nothing secret anywhere: not the secret, not a signature, not an Authorization header.
for f in "$TMP"/*.err "$TMP"/hang/scan_log_*.log "$TMP"/byalias/scan_log_*.log; do
	[ -f "$f" ] || continue
	if grep -qE -- "$SECRET|Signature=|Authorization|AWS4-HMAC" "$f"; then
		not_ok "no secret in $(basename "$f")"; grep -E -- "$SECRET|Signature=|Authorization" "$f" | head -3 | sed 's/^/#   /'
	else ok "no secret in $(basename "$f")"; fi
done

done_testing
