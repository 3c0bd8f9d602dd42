/* creds_int.h -- private to src/aws/creds*.c: the provider's state, the providers, helpers. */
#ifndef CD_AWS_CREDS_INT_H
#define CD_AWS_CREDS_INT_H

/* The chain (creds.c) asks each provider in turn, one file each, as curl's lib/vauth/ has one
 * file per mechanism. A provider fills *out and returns CD_OK, returns CD_NOT_FOUND when it is
 * not configured (the chain goes on), or fails with err set (the chain stops: a provider that
 * is configured but fails is an error, as in the SDKs). Every provider records where it looked
 * with creds_looked, for the "no AWS credentials found" message. None of them logs: a secret
 * never reaches a message, and every buffer that held one is wiped with OPENSSL_cleanse. */

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "aws/creds.h"
#include "buf.h"

#define SMALL_MAX (256 * 1024) /* credential responses and token files */

struct creds_provider {
	const struct aws_settings *s;
	struct http_client *http;     /* STS, SSO, container */
	struct http_client *own_http; /* when the caller gave none */
	struct http_client *imds;     /* short timeouts, created on first use */
	pthread_mutex_t lock;
	struct creds cur;
	bool have;
	bool invalid;
	struct buf looked;            /* "environment, profile 'x', ..." for the final message */
};

/* ---- the providers ---- */

/* creds_env.c */
enum cd_result creds_from_env(struct creds_provider *p, struct creds *out, char *err,
			      size_t errlen);
/* creds_profile.c: role_arn, web identity, SSO, static keys, credential_process of a profile;
 * static_only for a source_profile that names itself (botocore's rule). depth counts
 * source_profile hops. */
enum cd_result creds_from_profile(struct creds_provider *p, const char *profile, int depth,
				  bool static_only, struct creds *out, char *err, size_t errlen);
/* creds_sts.c (which also holds creds.h's creds_caller_identity, an STS call) */
enum cd_result creds_assume_role(struct creds_provider *p, const char *profile, int depth,
				 struct creds *out, char *err, size_t errlen);
/* rsn_in: the role session name (NULL: the profile's role_session_name or a made-up one) */
enum cd_result creds_web_identity(struct creds_provider *p, const char *profile,
				  const char *token_file, const char *role, const char *rsn_in,
				  struct creds *out, char *err, size_t errlen);
/* creds_sso.c */
enum cd_result creds_from_sso(struct creds_provider *p, const char *profile, struct creds *out,
			      char *err, size_t errlen);
/* creds_process.c: cmd is the profile's credential_process line */
enum cd_result creds_from_process(struct creds_provider *p, const char *profile,
				  const char *cmd, struct creds *out, char *err, size_t errlen);
/* creds_container.c */
enum cd_result creds_from_container(struct creds_provider *p, struct creds *out, char *err,
				    size_t errlen);
/* creds_imds.c */
enum cd_result creds_from_imds(struct creds_provider *p, const char *profile, struct creds *out,
			       char *err, size_t errlen);

/* ---- shared by the providers (creds.c) ---- */

/* Fills c from the three strings (token may be NULL); false when key or secret is missing or
 * anything is too long or holds characters no credential has. */
bool creds_fill(struct creds *c, const char *akid, const char *secret, const char *token);

/* Adds a place to the "looked in" list. Never pass a secret. */
void creds_looked(struct creds_provider *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Appends the file at path to out (bounded by out's cap). CD_NOT_FOUND when it does not
 * exist, CD_AUTH otherwise; err says which file. The caller wipes out if it held a secret. */
enum cd_result creds_read_file(const char *path, struct buf *out, char *err, size_t errlen);

/* Removes white space at both ends of b, in place. */
void creds_trim(struct buf *b);

/* An ISO-8601 time as AWS writes it ("2026-11-28T18:00:00Z"; a fraction, "UTC", "+hh:mm" and no
 * zone also do: isotime_parse's rules) into epoch seconds; false for NULL or anything else. */
bool creds_parse_time(const char *s, time_t *out);

/* The client for STS, SSO and container calls: the caller's, or our own made on first use. */
enum cd_result creds_http(struct creds_provider *p, struct http_client **out, char *err,
			  size_t errlen);

/* The body of resp as a JSON object (new reference), or NULL with err naming `what`. */
json_t *creds_parse_json(const struct http_response *resp, const char *what, char *err,
			 size_t errlen);

/* Wipes the body of resp (credentials, tokens) and releases it; resp may be empty. */
void creds_response_wipe(struct http_response *resp);

/* The string member key of o, or NULL. */
const char *creds_jstr(json_t *o, const char *key);

/* Credentials from the JSON shape the container endpoint, IMDS and credential_process share:
 * AccessKeyId, SecretAccessKey, Token or SessionToken, Expiration. */
enum cd_result creds_from_json(json_t *o, struct creds *out, const char *what, char *err,
			       size_t errlen);

#endif
