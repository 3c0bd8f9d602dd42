# creds.sh -- sourced by tests/cli/creds_*.sh after tap.sh: a private AWS world for each test.
#
#   creds_world             HOME, AWS files and AWS_* variables point into $TMP only; IMDS off
#   standin_start ARGS...   starts tests/lib/aws_standin.py, sets STANDIN_URL and STANDIN_PID
#   whoami ARGS...          runs connect-dupes whoami -v, output in $TMP/out and $TMP/err
#   no_secrets WHAT         fails when a stand-in secret, token or signature is in out/err
PYTHON=${PY:-python3}
STANDIN_PID=

creds_world() {
	unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY \
	      AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_REGION AWS_DEFAULT_REGION AWS_ENDPOINT_URL \
	      AWS_ENDPOINT_URL_CONNECT AWS_ENDPOINT_URL_SERVICE_QUOTAS AWS_ENDPOINT_URL_STS AWS_ENDPOINT_URL_SSO AWS_ENDPOINT_URL_SSO_OIDC AWS_CA_BUNDLE \
	      AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE AWS_WEB_IDENTITY_TOKEN_FILE AWS_ROLE_ARN \
	      AWS_ROLE_SESSION_NAME AWS_CONTAINER_CREDENTIALS_FULL_URI \
	      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_AUTHORIZATION_TOKEN \
	      AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE AWS_EC2_METADATA_SERVICE_ENDPOINT \
	      AWS_IGNORE_CONFIGURED_ENDPOINT_URLS AWS_USE_FIPS_ENDPOINT
	export HOME=$TMP/home
	mkdir -p "$HOME/.aws"
	chmod 700 "$HOME"
	export AWS_EC2_METADATA_DISABLED=true
}

standin_start() {
	server_start "$TMP/standin.out" "$PYTHON" "$CD_ROOT/tests/lib/aws_standin.py" "$@"
	local rc=$?
	STANDIN_PID=$SERVER_PID STANDIN_URL=$SERVER_URL
	return $rc
}

standin_stop() {
	if [ -n "$STANDIN_PID" ]; then kill "$STANDIN_PID" 2>/dev/null; wait "$STANDIN_PID" 2>/dev/null; fi
	STANDIN_PID=
}
trap 'standin_stop; _tap_cleanup' EXIT

whoami() {
	"$CD_BIN" whoami -v "$@" >"$TMP/out" 2>"$TMP/err"
}

# Everything the stand-ins and the tests hand out as a secret has "secret", "token" or a
# signature in it; none of it may reach the terminal or a log at any verbosity.
no_secrets() {
	local f pat=${2:-standin-secret|standin-token|source/secret|SECRETKEY|SESSIONTOKEN|Signature=|standin-sso-access|standin-sso-refresh|standin-client-secret|standin-container-auth|standin-imds-session|standin-web-identity}
	for f in "$TMP/out" "$TMP/err"; do
		if grep -qE -- "$pat" "$f"; then
			not_ok "$1: nothing secret in $(basename "$f")"
			grep -E -- "$pat" "$f" | head -3 | sed 's/^/#   /'
			return
		fi
	done
	ok "$1: nothing secret in the output"
}
