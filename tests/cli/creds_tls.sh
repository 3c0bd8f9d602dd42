#!/usr/bin/env bash
# creds_tls.sh -- TLS is verified and AWS_CA_BUNDLE is how a private CA is trusted: an STS
# stand-in on https://127.0.0.1 with a throwaway self-signed certificate.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/creds.sh"
creds_world
if ! openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
	-addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
	-keyout "$TMP/key.pem" -out "$TMP/cert.pem" >/dev/null 2>&1; then
	skip "tls" "openssl cannot make a test certificate"
	done_testing
	exit 0
fi
if ! standin_start --tls-cert "$TMP/cert.pem" --tls-key "$TMP/key.pem"; then
	not_ok "https stand-in started"; done_testing; exit 1
fi
export AWS_REGION=us-east-1 AWS_ENDPOINT_URL_STS=$STANDIN_URL
export AWS_ACCESS_KEY_ID=AKIASOURCE00001234 AWS_SECRET_ACCESS_KEY=source/secret+KEY
expect_eq "stand-in speaks https" "${STANDIN_URL%%:*}" "https"

expect_rc "untrusted certificate: refused (exit 3)" 3 whoami --check
expect_grep "untrusted certificate: says why" "error: cannot reach STS for profile 'default': request to '127.0.0.1:[0-9]+' failed: .*(SSL|certificate)" "$TMP/err"
expect_no_grep "untrusted certificate: no identity printed" '^identity:' "$TMP/out"

AWS_CA_BUNDLE=$TMP/cert.pem expect_rc "AWS_CA_BUNDLE trusts it: exit 0" 0 whoami --check
expect_grep "AWS_CA_BUNDLE: identity from STS over https" '^identity: +arn:aws:iam::123456789012:user/static' "$TMP/out"
expect_grep "AWS_CA_BUNDLE: shown" "^ca bundle: $TMP/cert.pem" "$TMP/out"
no_secrets "https"

printf '[default]\nca_bundle = %s\n' "$TMP/cert.pem" >"$HOME/.aws/config"
expect_rc "profile ca_bundle trusts it too" 0 whoami --check
rm "$HOME/.aws/config"

AWS_CA_BUNDLE=$TMP/missing.pem expect_rc "missing CA bundle: exit 2" 2 whoami --check
expect_grep "missing CA bundle: names the file" "cannot read the CA bundle '$TMP/missing.pem'" "$TMP/err"

done_testing
