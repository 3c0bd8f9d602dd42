/* creds.h -- the AWS credential provider chain, in the AWS SDKs' order, with refresh. */
#ifndef CD_AWS_CREDS_H
#define CD_AWS_CREDS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include "aws/config.h"
#include "aws/http.h"
#include "aws/sigv4.h"
#include "result.h"

/* One set of credentials, owned by whoever holds the struct (fixed-size fields: copying is
 * safe; creds_clear wipes it). Never log anything but `provider`, `source` and the last four
 * characters of the key id. */
struct creds {
	char access_key_id[128];
	char secret_access_key[128];
	char session_token[4096];  /* "" when the credentials are not temporary */
	time_t expiration;         /* UTC epoch seconds; 0 when they do not expire */
	char provider[48];         /* "environment", "assume-role", "sso", "imds", ... */
	char source[256];          /* where they came from: "profile 'dev'", "http://.../creds" */
};

/* The chain, first match wins (botocore's order):
 *   environment        AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (skipped
 *                      when --profile was given, as the AWS CLI does)
 *   assume-role        profile role_arn with source_profile (chains allowed) or
 *                      credential_source (Environment, Ec2InstanceMetadata, EcsContainer); STS
 *                      AssumeRole signed with SigV4; external_id, duration_seconds,
 *                      role_session_name; mfa_serial is refused (no prompt in a batch tool)
 *   web-identity       web_identity_token_file + role_arn (profile, or AWS_WEB_IDENTITY_TOKEN_FILE
 *                      + AWS_ROLE_ARN [+ AWS_ROLE_SESSION_NAME]): AssumeRoleWithWebIdentity
 *   sso                sso_session (or legacy sso_start_url), sso_account_id, sso_role_name:
 *                      token from ~/.aws/sso/cache (an sso_session token is refreshed with its
 *                      refresh token and written back, as the AWS CLI does), then the portal's
 *                      GetRoleCredentials
 *   shared-credentials-file  static keys of the profile in the credentials file
 *   credential-process credential_process (Version 1 JSON on stdout; stderr passed through;
 *                      killed after CONNECT_DUPES_CREDENTIAL_PROCESS_TIMEOUT seconds, default 60)
 *   config-file        static keys of the profile in the config file
 *   container          AWS_CONTAINER_CREDENTIALS_FULL_URI (+ AWS_CONTAINER_AUTHORIZATION_TOKEN or
 *                      ..._TOKEN_FILE; this is how CloudShell provides them) or
 *                      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (ECS)
 *   imds               IMDSv2 (token PUT, role name, credentials) unless AWS_EC2_METADATA_DISABLED;
 *                      AWS_EC2_METADATA_SERVICE_ENDPOINT or the profile's
 *                      ec2_metadata_service_endpoint moves it
 * STS, the SSO portal and SSO OIDC are found with aws_service_endpoint() ("sts", "sso",
 * "sso-oidc"), so AWS_ENDPOINT_URL_STS, _SSO and _SSO_OIDC move them. A provider that is
 * configured but fails stops the chain with its own error (as the SDKs do); every failure is
 * CD_AUTH (or CD_NETWORK when an endpoint cannot be reached) with one line saying what to do. */
struct creds_provider;

/* settings must outlive the provider. http may be NULL (the provider makes its own client);
 * when given it is used for STS, SSO and container calls (never concurrently with the caller:
 * a client is single-threaded), IMDS always uses a private client with 1 s timeouts. */
enum cd_result creds_provider_new(const struct aws_settings *settings, struct http_client *http,
				  struct creds_provider **out, char *err, size_t errlen);

/* Current credentials, fetched on first use and fetched again when they are within five
 * minutes of their Expiration (or after creds_invalidate). If a refresh fails while the old
 * credentials still have more than a minute left, the old ones are returned. Thread-safe. */
enum cd_result creds_get(struct creds_provider *p, struct creds *out, char *err, size_t errlen);

/* The service said the credentials expired (ExpiredTokenException): the next creds_get
 * fetches new ones. */
void creds_invalidate(struct creds_provider *p);

/* Asks STS GetCallerIdentity (signed with c; a call every identity may make, no IAM permission
 * needed) whose credentials c are: arn "arn:aws:sts::123456789012:assumed-role/R/s" and
 * account. CD_AUTH when STS refuses them, CD_NETWORK when it cannot be reached. */
enum cd_result creds_caller_identity(struct creds_provider *p, const struct creds *c, char *arn,
				     size_t arnlen, char *account, size_t accountlen, char *err,
				     size_t errlen);

void creds_provider_free(struct creds_provider *p);

/* A signer view of c (pointers into c). */
struct sigv4_creds creds_for_sigv4(const struct creds *c);

/* Wipes c (secrets included) with a memset the compiler keeps. */
void creds_clear(struct creds *c);

/* The last four characters of the key id, for messages: "…WXYZ". */
const char *creds_key_hint(const struct creds *c, char *out, size_t outlen);

#endif
