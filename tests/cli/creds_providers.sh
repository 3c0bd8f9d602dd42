#!/usr/bin/env bash
# creds_providers.sh -- whoami against stand-ins on 127.0.0.1: container credentials, IMDSv2,
# STS AssumeRole (signature checked) and AssumeRoleWithWebIdentity, the SSO portal, and
# credential_process; each provider's failure line; nothing secret in the output at -v.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/creds.sh"
creds_world
if ! standin_start; then not_ok "stand-in server started"; done_testing; exit 1; fi
export AWS_REGION=us-east-1
requests() { curl -s "$STANDIN_URL/_requests"; }

# --- container credentials (CloudShell, ECS) ---
export AWS_CONTAINER_CREDENTIALS_FULL_URI=$STANDIN_URL/container/creds
export AWS_CONTAINER_AUTHORIZATION_TOKEN=standin-container-auth
expect_rc "container: exit 0" 0 whoami
expect_grep "container: provider and URL" "^provider: +container \($STANDIN_URL/container/creds\)" "$TMP/out"
expect_grep "container: temporary with expiry" '^temporary: +yes, expires 20[0-9-]+T' "$TMP/out"
expect_grep "container: key hint" '^key id: +\.\.\.[0-9]{4}$' "$TMP/out"
no_secrets "container"
printf 'standin-container-auth\n' >"$TMP/token"
AWS_CONTAINER_AUTHORIZATION_TOKEN=wrong AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=$TMP/token \
	expect_rc "container: token file wins over the variable" 0 whoami
AWS_CONTAINER_AUTHORIZATION_TOKEN=wrong expect_rc "container: wrong token: exit 4" 4 whoami
expect_grep "container: wrong token: message" "error: the container credentials endpoint '.*/container/creds' answered HTTP 401" "$TMP/err"
no_secrets "container failure" 'standin-secret|standin-token|standin-container-auth'
AWS_CONTAINER_CREDENTIALS_FULL_URI=http://169.254.169.254.example.com/creds \
	expect_rc "container: plain http to a foreign host refused" 4 whoami
expect_grep "container: foreign host: message" "must be https, or http to a loopback or ECS agent address" "$TMP/err"
AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:9/creds expect_rc "container: endpoint down: exit 3" 3 whoami
expect_grep "container: endpoint down: message" "error: cannot reach the container credentials endpoint" "$TMP/err"
# the environment still comes first
AWS_ACCESS_KEY_ID=AKIAENV0000000009999 AWS_SECRET_ACCESS_KEY=x/SECRETKEY whoami
expect_grep "environment beats container credentials" '^provider: +environment' "$TMP/out"
unset AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_CONTAINER_AUTHORIZATION_TOKEN

# --- IMDSv2 ---
export AWS_EC2_METADATA_DISABLED=false AWS_EC2_METADATA_SERVICE_ENDPOINT=$STANDIN_URL/
expect_rc "imds: exit 0" 0 whoami
expect_grep "imds: provider, role and endpoint" "^provider: +imds \(role 'standin-role' via $STANDIN_URL\)" "$TMP/out"
no_secrets "imds"
requests >"$TMP/req.json"
expect_grep "imds: the token was fetched with PUT and a TTL" '"method": "PUT", "path": "/latest/api/token", "headers": \{[^}]*"x-aws-ec2-metadata-token-ttl-seconds": "21600"' "$TMP/req.json"
expect_grep "imds: credentials were asked for with the token" '"path": "/latest/meta-data/iam/security-credentials/standin-role", "headers": \{[^}]*"x-aws-ec2-metadata-token": "standin-imds-session"' "$TMP/req.json"
AWS_EC2_METADATA_DISABLED=true expect_rc "imds: AWS_EC2_METADATA_DISABLED turns it off" 4 whoami
expect_grep "imds: disabled: not looked at" "no AWS credentials found \(looked in: environment, profile 'default'" "$TMP/err"
expect_no_grep "imds: disabled: not named" "metadata" "$TMP/err"
unset AWS_EC2_METADATA_SERVICE_ENDPOINT
export AWS_EC2_METADATA_DISABLED=true

# --- STS AssumeRole, source_profile and credential_source ---
export AWS_ENDPOINT_URL_STS=$STANDIN_URL
cat >"$HOME/.aws/credentials" <<'EOF'
[base]
aws_access_key_id = AKIASOURCE00001234
aws_secret_access_key = source/secret+KEY
EOF
cat >"$HOME/.aws/config" <<EOF
[profile admin]
role_arn = arn:aws:iam::123456789012:role/ConnectAudit
source_profile = base
external_id = ext-42
role_session_name = audit-session

[profile chained]
role_arn = arn:aws:iam::210987654321:role/Second
source_profile = admin

[profile denied]
role_arn = arn:aws:iam::123456789012:role/denied-role
source_profile = base

[profile mfa]
role_arn = arn:aws:iam::123456789012:role/Mfa
source_profile = base
mfa_serial = arn:aws:iam::123456789012:mfa/me

[profile loop1]
role_arn = arn:aws:iam::123456789012:role/L1
source_profile = loop2

[profile loop2]
role_arn = arn:aws:iam::123456789012:role/L2
source_profile = loop1

[profile fromenv]
role_arn = arn:aws:iam::123456789012:role/FromEnv
credential_source = Environment

[profile webid]
role_arn = arn:aws:iam::123456789012:role/WebId
web_identity_token_file = $TMP/webtoken

[profile sso]
sso_session = corp
sso_account_id = 123456789012
sso_role_name = ReadOnly
region = eu-west-1

[profile sso-legacy]
sso_start_url = https://legacy.awsapps.com/start
sso_region = us-east-1
sso_account_id = 123456789012
sso_role_name = ReadOnly

[profile sso-norole]
sso_session = corp
sso_account_id = 123456789012
sso_role_name = Admin

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1

[profile proc]
credential_process = "$TMP/cred proc.sh" --flavour 'two words'

[profile proc-fail]
credential_process = $TMP/fail.sh

[profile proc-slow]
credential_process = $TMP/slow.sh

[profile proc-badjson]
credential_process = $TMP/badjson.sh
EOF
expect_rc "assume-role: exit 0" 0 whoami --profile admin
expect_grep "assume-role: provider and role" "^provider: +assume-role \(profile 'admin' \(role arn:aws:iam::123456789012:role/ConnectAudit\)\)" "$TMP/out"
no_secrets "assume-role"
requests >"$TMP/req.json"
expect_grep "assume-role: signed request with the source key, for sts" '"authorization": "AWS4-HMAC-SHA256 Credential=AKIASOURCE00001234/[0-9]{8}/us-east-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=' "$TMP/req.json"
expect_grep "assume-role: external id and session name sent" 'ExternalId=ext-42' "$TMP/req.json"
expect_grep "assume-role: session name from the profile" 'RoleSessionName=audit-session' "$TMP/req.json"
# the signature the stand-in saw never appears in our output
sig=$(grep -oE 'Signature=[0-9a-f]{64}' "$TMP/req.json" | head -1 | cut -d= -f2)
if [ -n "$sig" ] && ! grep -q "$sig" "$TMP/out" "$TMP/err"; then ok "assume-role: signature not in the output"; else not_ok "assume-role: signature not in the output"; fi
expect_rc "whoami --check: exit 0" 0 whoami --profile admin --check
expect_grep "whoami --check: STS names the assumed role" '^identity: +arn:aws:sts::123456789012:assumed-role/standin/session \(account 123456789012\)$' "$TMP/out"
no_secrets "whoami --check"
AWS_ACCESS_KEY_ID=AKIAINVALID000000001 AWS_SECRET_ACCESS_KEY=x/SECRETKEY \
	expect_rc "whoami --check with refused keys: exit 4" 4 whoami --check
expect_grep "whoami --check with refused keys: STS's reason" "error: STS GetCallerIdentity for profile 'default' failed: HTTP 403 InvalidClientTokenId: The security token included in the request is invalid" "$TMP/err"
# nothing secret at any verbosity (whoami adds -v; -q and the default level here)
for level in -q ""; do
	"$CD_BIN" whoami $level --profile admin --check >"$TMP/out" 2>"$TMP/err"
	no_secrets "whoami ${level:-(default level)} --check"
done
expect_rc "assume-role chain: exit 0" 0 whoami --profile chained
expect_grep "assume-role chain: second role" "role arn:aws:iam::210987654321:role/Second" "$TMP/out"
requests >"$TMP/req.json"
expect_grep "assume-role chain: second call signed with the first role's temporary key" '"x-amz-security-token": "standin-token-assumed-[0-9]+"' "$TMP/req.json"
expect_rc "assume-role denied: exit 4" 4 whoami --profile denied
expect_grep "assume-role denied: STS's code and message" "error: STS AssumeRole for profile 'denied' failed: HTTP 403 AccessDenied: not authorized to assume arn:aws:iam::123456789012:role/denied-role" "$TMP/err"
expect_rc "mfa_serial: exit 4" 4 whoami --profile mfa
expect_grep "mfa_serial: refused with a reason" "error: profile 'mfa' needs an MFA code \(mfa_serial\) and connect-dupes cannot prompt for one" "$TMP/err"
expect_rc "source_profile loop: exit 4" 4 whoami --profile loop1
expect_grep "source_profile loop: message" "the source_profile chain from profile '.*' is too long or loops" "$TMP/err"
AWS_ACCESS_KEY_ID=AKIASOURCE00001234 AWS_SECRET_ACCESS_KEY=source/secret+KEY \
	expect_rc "credential_source Environment: exit 0" 0 whoami --profile fromenv
expect_grep "credential_source Environment: assumed" "^provider: +assume-role \(profile 'fromenv'" "$TMP/out"
expect_rc "credential_source Environment without keys: exit 4" 4 whoami --profile fromenv
expect_grep "credential_source without keys: message" "the credential_source 'Environment' of profile 'fromenv' has no credentials" "$TMP/err"

# --- web identity (EKS, GitHub Actions) ---
printf 'standin-web-identity\n' >"$TMP/webtoken"
expect_rc "web identity (profile): exit 0" 0 whoami --profile webid
expect_grep "web identity (profile): provider" '^provider: +web-identity \(role arn:aws:iam::123456789012:role/WebId\)' "$TMP/out"
no_secrets "web identity"
AWS_WEB_IDENTITY_TOKEN_FILE=$TMP/webtoken AWS_ROLE_ARN=arn:aws:iam::123456789012:role/EnvWeb AWS_ROLE_SESSION_NAME=ci-run \
	expect_rc "web identity (environment): exit 0" 0 whoami
expect_grep "web identity (environment): role from AWS_ROLE_ARN" 'role arn:aws:iam::123456789012:role/EnvWeb' "$TMP/out"
requests >"$TMP/req.json"
expect_grep "web identity: session name from AWS_ROLE_SESSION_NAME" 'RoleSessionName=ci-run' "$TMP/req.json"
printf 'not-the-token\n' >"$TMP/webtoken"
expect_rc "web identity rejected: exit 4" 4 whoami --profile webid
expect_grep "web identity rejected: message" "STS AssumeRoleWithWebIdentity for profile 'webid' failed: HTTP 400 InvalidIdentityToken" "$TMP/err"

# --- SSO ---
export AWS_ENDPOINT_URL_SSO=$STANDIN_URL
mkdir -p "$HOME/.aws/sso/cache"
corp=$(printf %s corp | sha1sum | cut -c1-40)
legacy=$(printf %s https://legacy.awsapps.com/start | sha1sum | cut -c1-40)
future=$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)
past=$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%SZ)
expect_rc "sso without a cached token: exit 4" 4 whoami --profile sso
expect_grep "sso without a cached token: run aws sso login" "error: the SSO session for profile 'sso' has no cached token: run aws sso login --profile sso" "$TMP/err"
printf '{"startUrl":"https://corp.awsapps.com/start","region":"us-east-1","accessToken":"standin-sso-access","expiresAt":"%s"}\n' "$future" >"$HOME/.aws/sso/cache/$corp.json"
expect_rc "sso: exit 0" 0 whoami --profile sso
expect_grep "sso: provider, account and role" "^provider: +sso \(profile 'sso' \(account 123456789012, role ReadOnly\)\)" "$TMP/out"
expect_grep "sso: temporary" '^temporary: +yes, expires' "$TMP/out"
expect_grep "sso: region of the profile" "^region: +us-east-1 \(from AWS_REGION\)" "$TMP/out"
no_secrets "sso"
expect_rc "sso: role not granted: exit 4" 4 whoami --profile sso-norole
expect_grep "sso: role not granted: message" "error: the SSO portal refused role 'Admin' in account 123456789012 for profile 'sso-norole' \(HTTP 403 ForbiddenException\)" "$TMP/err"
printf '{"accessToken":"standin-sso-access","expiresAt":"%s"}\n' "$past" >"$HOME/.aws/sso/cache/$corp.json"
expect_rc "sso expired token: exit 4" 4 whoami --profile sso
expect_grep "sso expired token: run aws sso login" "error: the SSO session for profile 'sso' has expired: run aws sso login --profile sso" "$TMP/err"
# an expired access token with a live refresh token is refreshed, as the AWS CLI does, and the
# new token (and rotated refresh token) written back for the CLI
export AWS_ENDPOINT_URL_SSO_OIDC=$STANDIN_URL
regexp=$(date -u -d '+30 days' +%Y-%m-%dT%H:%M:%SZ)
printf '{"startUrl":"https://corp.awsapps.com/start","region":"us-east-1","accessToken":"old-expired","expiresAt":"%s","clientId":"standin-client","clientSecret":"standin-client-secret","registrationExpiresAt":"%s","refreshToken":"standin-sso-refresh"}\n' "$past" "$regexp" >"$HOME/.aws/sso/cache/$corp.json"
chmod 644 "$HOME/.aws/sso/cache/$corp.json"
expect_rc "sso refresh: exit 0" 0 whoami --profile sso
expect_grep "sso refresh: credentials from the portal" "^provider: +sso \(profile 'sso'" "$TMP/out"
no_secrets "sso refresh"
cache=$HOME/.aws/sso/cache/$corp.json
expect_grep "sso refresh: new access token written back" '"accessToken": *"standin-sso-access"' "$cache"
expect_grep "sso refresh: rotated refresh token written back" '"refreshToken": *"standin-sso-refresh-rotated"' "$cache"
expect_grep "sso refresh: other fields kept" '"startUrl": *"https://corp.awsapps.com/start"' "$cache"
expect_no_grep "sso refresh: expiry moved forward" "\"expiresAt\": *\"$past\"" "$cache"
expect_eq "sso refresh: cache file written 0600" "$(stat -c %a "$cache")" "600"
# the writer's temporary is a hidden ".NAME.XXXXXX": anything but the cache files is left over
expect_eq "sso refresh: no temporary file left" \
	"$(ls -A "$HOME/.aws/sso/cache" | grep -vc '^[0-9a-f]\{40\}\.json$')" "0"
printf '{"accessToken":"old-expired","expiresAt":"%s","clientId":"standin-client","clientSecret":"standin-client-secret","registrationExpiresAt":"%s","refreshToken":"revoked"}\n' "$past" "$regexp" >"$HOME/.aws/sso/cache/$corp.json"
expect_rc "sso refresh refused: exit 4" 4 whoami --profile sso
expect_grep "sso refresh refused: run aws sso login" "error: the SSO session for profile 'sso' has expired: run aws sso login --profile sso" "$TMP/err"
printf '{"accessToken":"revoked-token","expiresAt":"%s"}\n' "$future" >"$HOME/.aws/sso/cache/$legacy.json"
expect_rc "sso token the portal rejects: exit 4" 4 whoami --profile sso-legacy
expect_grep "sso token the portal rejects: run aws sso login" "error: the SSO session for profile 'sso-legacy' has expired: run aws sso login --profile sso-legacy" "$TMP/err"
printf '{"accessToken":"standin-sso-access","expiresAt":"%s"}\n' "$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SUTC)" >"$HOME/.aws/sso/cache/$legacy.json"
expect_rc "sso legacy profile (start URL cache key, UTC suffix): exit 0" 0 whoami --profile sso-legacy

# --- credential_process ---
cat >"$TMP/cred proc.sh" <<'EOF'
#!/bin/sh
[ "$1" = "--flavour" ] && [ "$2" = "two words" ] || { echo "bad args: $*" >&2; exit 9; }
echo "from the process on stderr" >&2
env | grep -E '^(GLIBC_TUNABLES|CONNECT_DUPES_TUNABLES_WAS)=' >"$(dirname "$0")/proc.env"
cat <<JSON
{"Version": 1, "AccessKeyId": "AKIAPROCESS0004321", "SecretAccessKey": "proc/SECRETKEY",
 "SessionToken": "proc-SESSIONTOKEN", "Expiration": "2099-01-01T00:00:00Z"}
JSON
EOF
printf '#!/bin/sh\necho "vault said no" >&2\nexit 3\n' >"$TMP/fail.sh"
printf '#!/bin/sh\nsleep 30\n' >"$TMP/slow.sh"
printf '#!/bin/sh\necho "{\\"Version\\": 2}"\n' >"$TMP/badjson.sh"
chmod +x "$TMP/cred proc.sh" "$TMP/fail.sh" "$TMP/slow.sh" "$TMP/badjson.sh"
expect_rc "credential_process: exit 0" 0 whoami --profile proc
expect_grep "credential_process: provider" "^provider: +credential-process \(profile 'proc'\)" "$TMP/out"
expect_grep "credential_process: key hint" '^key id: +\.\.\.4321$' "$TMP/out"
expect_grep "credential_process: expiration" '^temporary: +yes, expires 2099-01-01T00:00:00Z' "$TMP/out"
expect_grep "credential_process: stderr passed through" '^from the process on stderr$' "$TMP/err"
no_secrets "credential_process"
# the process gets the user's own environment (no tunables or marker of ours)
expect_eq "credential_process: no GLIBC_TUNABLES of ours, no marker" "$(cat "$TMP/proc.env")" ""
GLIBC_TUNABLES=glibc.malloc.check=0 "$CD_BIN" whoami --profile proc >/dev/null 2>&1
expect_eq "credential_process: the user's GLIBC_TUNABLES as given" "$(cat "$TMP/proc.env")" "GLIBC_TUNABLES=glibc.malloc.check=0"
expect_rc "credential_process failure: exit 4" 4 whoami --profile proc-fail
expect_grep "credential_process failure: its stderr" '^vault said no$' "$TMP/err"
expect_grep "credential_process failure: exit status" "error: the credential_process of profile 'proc-fail' failed \(exit status 3\)" "$TMP/err"
t0=$SECONDS
CONNECT_DUPES_CREDENTIAL_PROCESS_TIMEOUT=1 expect_rc "credential_process timeout: exit 4" 4 whoami --profile proc-slow
expect_grep "credential_process timeout: message" "error: the credential_process of profile 'proc-slow' did not finish in 1 s" "$TMP/err"
if [ $((SECONDS - t0)) -lt 10 ]; then ok "credential_process timeout: killed promptly"; else not_ok "credential_process timeout: killed promptly"; fi
expect_rc "credential_process wrong version: exit 4" 4 whoami --profile proc-badjson
expect_grep "credential_process wrong version: message" "printed an unsupported Version \(want 1\)" "$TMP/err"

done_testing
