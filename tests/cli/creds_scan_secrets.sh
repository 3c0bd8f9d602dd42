#!/usr/bin/env bash
# creds_scan_secrets.sh -- a real scan signs with temporary credentials that connect-emu checks
# (SigV4 with session token), and no secret key, session token, signature or Authorization header
# reaches the terminal or the scan's log file at any verbosity.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/creds.sh"
if ! "$CD_BIN" scan --help >/dev/null 2>&1 || ! "$EMU_BIN" serve --help >/dev/null 2>&1; then
	skip "$(basename "$0")" "connect-dupes scan or connect-emu serve is not available"
	done_testing
	exit 0
fi
creds_world
export XDG_CACHE_HOME=$TMP/xdg AWS_REGION=us-east-1
KEY=ASIATEMPORARYKEY4242
SECRET='scan/SECRETKEY+temporary0123456789abcdef'
TOKEN='IQoJb3JpZ2luX2VjSESSIONTOKEN/with+slash=and=equals'
INST=0a1b2c3d-4e5f-4a6b-8c7d-000000000042
"$EMU_BIN" generate -q --users 60 --seed 3 --instance-id $INST --out "$TMP/inst.json" ||
	{ not_ok "generate the instance"; done_testing; exit 1; }
emu_start --data "$TMP/inst.json" --verify-sigv4 --access-key-id $KEY --secret-access-key "$SECRET" \
	--session-token "$TOKEN" || { not_ok "emulator starts"; done_testing; exit 1; }

# every pattern that would betray a secret in a log line
SECRETS="SECRETKEY|SESSIONTOKEN|Signature=|[Aa]uthorization:|AWS4-HMAC-SHA256 Credential"
scan() { # name, extra args...
	local name=$1; shift
	"$CD_BIN" scan --instance $INST --endpoint-url "$EMU_URL" --rate 500 --no-progress \
		--no-cache -o "$TMP/$name" "$@" >"$TMP/out" 2>"$TMP/err"
}

# 1. temporary credentials from the environment, at each verbosity
export AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET AWS_SESSION_TOKEN=$TOKEN
for level in -v "" -q; do
	name=env${level:-default}
	expect_rc "environment $name: the emulator accepts every signature (exit 0)" 0 scan "$name" $level
	log=$(ls "$TMP/$name"/scan_log_*.log 2>/dev/null | head -1)
	ok_if "environment $name: a log file was written" test -s "$log"
	no_secrets "environment $name" "$SECRETS"
	if [ -n "$log" ] && grep -qE -- "$SECRETS" "$log"; then
		not_ok "environment $name: nothing secret in the log file"
		grep -E -- "$SECRETS" "$log" | head -3 | sed 's/^/#   /'
	else
		ok "environment $name: nothing secret in the log file"
	fi
done
expect_grep "-v says which credentials signed" "environment" "$(ls "$TMP"/env-v/scan_log_*.log | head -1)"

# 2. the same credentials handed out by a credential_process, through a named profile
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
cat >"$TMP/proc.sh" <<EOF
#!/bin/sh
printf '{"Version":1,"AccessKeyId":"%s","SecretAccessKey":"%s","SessionToken":"%s","Expiration":"2099-01-01T00:00:00Z"}' '$KEY' '$SECRET' '$TOKEN'
EOF
chmod +x "$TMP/proc.sh"
printf '[profile tool]\nregion = us-east-1\ncredential_process = %s\n' "$TMP/proc.sh" >"$HOME/.aws/config"
expect_rc "credential_process profile: exit 0" 0 scan proc -v --profile tool
no_secrets "credential_process profile -v" "$SECRETS"
log=$(ls "$TMP/proc"/scan_log_*.log 2>/dev/null | head -1)
if [ -n "$log" ] && ! grep -qE -- "$SECRETS" "$log"; then ok "credential_process profile: nothing secret in the log file"; else not_ok "credential_process profile: nothing secret in the log file"; fi

# 3. a wrong secret is refused by the emulator's check: exit 4, and the secret is still not shown
export AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY='wrong/SECRETKEY' AWS_SESSION_TOKEN=$TOKEN
expect_rc "wrong secret: authentication error (exit 4)" 4 scan wrong -v
no_secrets "wrong secret -v" "$SECRETS"
expect_grep "wrong secret: the service's reason and the provider" "error: SearchUsers: 403 InvalidSignatureException: .*credentials \(environment\)" "$TMP/err"

done_testing
