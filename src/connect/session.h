/* session.h -- one run's connection to Amazon Connect: settings, credentials, HTTP client, instance lookup. */
#ifndef CD_CONNECT_SESSION_H
#define CD_CONNECT_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "aws/config.h"
#include "aws/creds.h"
#include "aws/http.h"
#include "aws/sigv4.h"
#include "connect/api.h"
#include "connect/retry.h"
#include "result.h"

/* What `scan` and `instances` share: the resolved settings (profile, region, endpoint, CA
 * bundle), the credential chain and one HTTP client. Prints nothing; fills err. */
struct connect_session {
	struct aws_settings settings;
	struct http_client *http;
	struct creds_provider *provider;
	struct creds cur;   /* the credentials last handed out (wiped by close) */
	struct retry_jitter jitter; /* back-off of the one-off calls */
	bool have_settings;
	bool answered;      /* some call got an HTTP answer: the endpoint exists */
};

struct connect_session_opts {
	const char *profile, *region, *endpoint_url; /* NULL: not given */
	long request_timeout_ms;                     /* 0: 30 s */
	long connect_timeout_ms;                     /* 0: 10 s */
	long max_connections;                        /* per host; 0: the client's default */
	uint64_t jitter_seed;                        /* back-off jitter; 0: from the clock */
};

/* Resolves settings, makes the client and the credential chain, and fetches credentials once,
 * so that a missing or broken credential setup is one clear error before any work (CD_AUTH).
 * On failure the session is closed already. */
enum cd_result connect_session_open(struct connect_session *s, const struct connect_session_opts *o,
				    char *err, size_t errlen);
void connect_session_close(struct connect_session *s);

/* The crawl's credential callback (crawl_creds_fn): ctx is the session. */
enum cd_result connect_session_creds(void *ctx, bool refresh, struct sigv4_creds *out, char *err,
				     size_t errlen);

/* A request signed with SigV4 (service "connect"), ready for http_do or http_submit: the URL
 * and the header array live in the struct, which the caller owns (wipe it with explicit_bzero
 * after sending: it holds the signature and a copy of the session token). The one place a
 * request is signed: the crawl and the one-off calls below both come here. */
struct connect_signed {
	char url[4096];
	struct sigv4_header headers[5];
	size_t nheaders;
	struct sigv4_signed sig;
	char token[4096]; /* copy of the session token */
};
enum cd_result connect_sign(const struct api_request *req, const char *endpoint,
			    const char *region, const struct sigv4_creds *creds,
			    struct connect_signed *out, char *err, size_t errlen);

/* Makes one signed request and waits for it (retrying throttles, 5xx and network errors under
 * the retry policy of connect/retry.h, five tries at most): the
 * answer's body in *body (caller releases). Errors are classified as in api.h, with one
 * exception: when the very first call of the session cannot resolve the host of the default
 * endpoint (no --endpoint-url or AWS_ENDPOINT_URL*), the Region is wrong or its endpoint does not
 * exist: CD_USAGE at once, err saying so ("region 'eu-west-22' is not a known AWS Region and
 * ... does not resolve: check --region"), not a network error to resume from. */
enum cd_result connect_session_call(struct connect_session *s, const struct api_request *req,
				    struct buf *body, char *err, size_t errlen);

/* All instances of the account in the session's region (ListInstances, every page). *v is
 * malloc'd (caller frees). */
enum cd_result connect_list_instances(struct connect_session *s, struct api_instance **v,
				      size_t *n, char *err, size_t errlen);

/* What --instance names. An ARN "arn:PARTITION:connect:REGION:ACCOUNT:instance/ID" gives the id
 * and the region; a UUID is an id; anything else is an alias (is_alias set, id = the alias).
 * CD_USAGE for an ARN that is not a Connect instance ARN. */
struct instance_ref {
	char id[128];
	char region[64];  /* "" unless from an ARN */
	char account[16]; /* "" unless from an ARN or ListInstances */
	char alias[128];  /* the alias it was resolved from, "" when none */
	bool is_alias;
};
enum cd_result connect_parse_instance(const char *arg, struct instance_ref *out, char *err,
				      size_t errlen);

/* Resolves an alias (or an id that is not a UUID) with ListInstances: the instance whose alias
 * (case-insensitively) or id equals ref->id (ref->alias and ref->account are filled from it).
 * Not found -> CD_NOT_FOUND naming the region and the aliases that do exist. */
enum cd_result connect_resolve_alias(struct connect_session *s, struct instance_ref *ref,
				     char *err, size_t errlen);

/* Whether the instance exists, before anything is written for it: one SearchUsers call for one
 * user. CD_NOT_FOUND "instance 'ID' not found in region 'R' (...)", CD_AUTH, CD_USAGE (see
 * connect_session_call), CD_NETWORK... with err filled. */
enum cd_result connect_check_instance(struct connect_session *s, const char *instance_id,
				      char *err, size_t errlen);

#endif
