#!/usr/bin/env bash
# creds_chain.sh -- whoami: environment and profile credentials, their precedence, region and
# endpoint resolution, and the error line for each way it fails. No network.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/creds.sh"
creds_world

cat >"$HOME/.aws/credentials" <<'EOF'
[default]
aws_access_key_id = AKIADEFAULTFILE1111
aws_secret_access_key = default/SECRETKEY+file

[dev]
aws_access_key_id = AKIADEVFILE00002222
aws_secret_access_key = dev/SECRETKEY+file
aws_session_token = dev-SESSIONTOKEN-abc

[half]
aws_access_key_id = AKIAHALF000003333
EOF
cat >"$HOME/.aws/config" <<'EOF'
[default]
region = eu-west-2

[profile dev]
region = us-west-2

[profile cfgkeys]
region = ap-southeast-2
aws_access_key_id = AKIACONFIGKEYS4444
aws_secret_access_key = cfg/SECRETKEY

[profile china]
region = cn-north-1
aws_access_key_id = AKIACHINA00005555
aws_secret_access_key = cn/SECRETKEY

[profile local]
region = us-east-1
services = emu
aws_access_key_id = AKIALOCAL00006666
aws_secret_access_key = local/SECRETKEY

[services emu]
connect =
  endpoint_url = http://127.0.0.1:9999
EOF

# 1. the default profile's static keys from the credentials file
expect_rc "default profile: exit 0" 0 whoami
expect_grep "default profile: provider" '^provider: +shared-credentials-file \(profile .default. in .*credentials.\)' "$TMP/out"
expect_grep "default profile: key hint" '^key id: +\.\.\.1111$' "$TMP/out"
expect_grep "default profile: region from the profile" "^region: +eu-west-2 \(from profile 'default'\)" "$TMP/out"
expect_grep "default profile: public endpoint" '^endpoint: +https://connect.eu-west-2.amazonaws.com \(default\)' "$TMP/out"
expect_grep "default profile: not temporary" '^temporary: +no' "$TMP/out"
no_secrets "default profile"

# 2. the environment wins over the profile...
export AWS_ACCESS_KEY_ID=AKIAENVIRONMENT7777 AWS_SECRET_ACCESS_KEY=env/SECRETKEY AWS_SESSION_TOKEN=env-SESSIONTOKEN
expect_rc "environment: exit 0" 0 whoami
expect_grep "environment beats the default profile" '^provider: +environment' "$TMP/out"
expect_grep "environment: key hint" '^key id: +\.\.\.7777$' "$TMP/out"
expect_grep "environment: session token means temporary" '^temporary: +yes' "$TMP/out"
no_secrets "environment"
# ...and AWS_PROFILE does not change that (as in the AWS CLI)...
AWS_PROFILE=dev expect_rc "AWS_PROFILE keeps the environment first" 0 whoami
expect_grep "AWS_PROFILE: environment still answers" '^provider: +environment' "$TMP/out"
expect_grep "AWS_PROFILE: the profile's region" '^region: +us-west-2' "$TMP/out"
# ...but --profile does
expect_rc "--profile: exit 0" 0 whoami --profile dev
expect_grep "--profile skips the environment" "^provider: +shared-credentials-file \(profile 'dev'" "$TMP/out"
expect_grep "--profile: key hint" '^key id: +\.\.\.2222$' "$TMP/out"
no_secrets "--profile dev"
unset AWS_SESSION_TOKEN

# 3. region and endpoint order
AWS_DEFAULT_REGION=ca-central-1 whoami
expect_grep "AWS_DEFAULT_REGION beats the profile" '^region: +ca-central-1 \(from AWS_DEFAULT_REGION\)' "$TMP/out"
AWS_DEFAULT_REGION=ca-central-1 AWS_REGION=sa-east-1 whoami
expect_grep "AWS_REGION beats AWS_DEFAULT_REGION" '^region: +sa-east-1 \(from AWS_REGION\)' "$TMP/out"
AWS_REGION=sa-east-1 whoami --region us-east-2
expect_grep "--region beats AWS_REGION" '^region: +us-east-2 \(from --region\)' "$TMP/out"
expect_grep "--region: endpoint follows" '^endpoint: +https://connect.us-east-2.amazonaws.com' "$TMP/out"
whoami --profile china
expect_grep "cn- regions use amazonaws.com.cn" '^endpoint: +https://connect.cn-north-1.amazonaws.com.cn \(default\)' "$TMP/out"
whoami --profile local
expect_grep "services section endpoint" "^endpoint: +http://127.0.0.1:9999 \(services 'emu' of profile 'local'\)" "$TMP/out"
AWS_ENDPOINT_URL=http://127.0.0.1:1 whoami --profile local
expect_grep "AWS_ENDPOINT_URL beats the profile" '^endpoint: +http://127.0.0.1:1 \(AWS_ENDPOINT_URL\)' "$TMP/out"
AWS_ENDPOINT_URL=http://127.0.0.1:1 AWS_ENDPOINT_URL_CONNECT=http://127.0.0.1:2/ whoami --profile local
expect_grep "AWS_ENDPOINT_URL_CONNECT beats AWS_ENDPOINT_URL" '^endpoint: +http://127.0.0.1:2 \(AWS_ENDPOINT_URL_CONNECT\)' "$TMP/out"
AWS_ENDPOINT_URL_CONNECT=http://127.0.0.1:2 whoami --profile local --endpoint-url http://127.0.0.1:3
expect_grep "--endpoint-url beats everything" '^endpoint: +http://127.0.0.1:3 \(--endpoint-url\)' "$TMP/out"

# 4. static keys in the config file (after the credentials file)
expect_rc "config-file keys: exit 0" 0 whoami --profile cfgkeys
expect_grep "config-file keys: provider" "^provider: +config-file \(profile 'cfgkeys' in .*config.\)" "$TMP/out"
no_secrets "config-file keys"

# 5. failures, one clear line each
expect_rc "unknown profile: exit 2" 2 whoami --profile ghost
expect_grep "unknown profile: message" "error: the AWS profile 'ghost' is not in '.*config' or '.*credentials'" "$TMP/err"
expect_rc "half a key pair: exit 4" 4 whoami --profile half
expect_grep "half a key pair: message" "error: profile 'half' in '.*credentials' has aws_access_key_id without aws_secret_access_key" "$TMP/err"
unset AWS_SECRET_ACCESS_KEY
expect_rc "half the environment: exit 4" 4 whoami
expect_grep "half the environment: message" 'error: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not' "$TMP/err"
unset AWS_ACCESS_KEY_ID
rm "$HOME/.aws/credentials"
# IMDS on, pointed at a port where nobody listens, so the whole chain is walked quickly
AWS_EC2_METADATA_DISABLED=false AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:9 \
	expect_rc "no credentials anywhere: exit 4" 4 whoami
expect_grep "no credentials anywhere: one line naming where it looked" \
	"error: no AWS credentials found \(looked in: environment, profile 'default' in '.*credentials', profile 'default' in '.*config', EC2 instance metadata 'http://127.0.0.1:9'\)" "$TMP/err"
expect_eq "no credentials anywhere: nothing on stdout" "$(cat "$TMP/out")" ""
printf '[default]\nregion = us-east-1\n[profile broken\n' >"$HOME/.aws/config"
expect_rc "broken config file: exit 2" 2 whoami
expect_grep "broken config file: file and line" "error: '.*config' line 3: section header without '\]'" "$TMP/err"
printf '[profile noregion]\naws_access_key_id = AKIANOREGION8888\naws_secret_access_key = x/SECRETKEY\n' >"$HOME/.aws/config"
expect_rc "no region: exit 2" 2 whoami --profile noregion
expect_grep "no region: message" "error: no AWS region set \(use --region, AWS_REGION or the region of profile 'noregion'\)" "$TMP/err"
expect_grep "no region: credentials still shown" '^key id: +\.\.\.8888$' "$TMP/out"
expect_rc "bad region: exit 2" 2 whoami --profile noregion --region 'us east'
expect_grep "bad region: message" "error: 'us east' from --region is not an AWS region name" "$TMP/err"
expect_rc "bad option: exit 2" 2 whoami --frobnicate

done_testing
