/* session.c -- settings, credentials and one HTTP client for a run; one-off signed calls; instance lookup. */
#include "connect/session.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>


#define ONE_OFF_BODY_MAX (16u << 20)

/* A one-off call (ListInstances) rides out a few throttles and 5xx answers. */
static const struct retry_policy one_off_retry = { .max_attempts = 5, .base = 0.5, .cap = 5 };

enum cd_result connect_sign(const struct api_request *req, const char *endpoint,
			    const char *region, const struct sigv4_creds *creds,
			    struct connect_signed *out, char *err, size_t errlen)
{
	struct http_url u;
	enum cd_result r = http_url_parse(endpoint, &u, err, errlen);
	if (r != CD_OK)
		return r;
	size_t elen = strlen(endpoint);
	while (elen > 0 && endpoint[elen - 1] == '/')
		elen--;
	const char *q = buf_str(&req->query);
	int n = snprintf(out->url, sizeof out->url, "%.*s%s%s%s", (int)elen, endpoint,
			 buf_str(&req->path), *q ? "?" : "", q);
	if (n < 0 || (size_t)n >= sizeof out->url) {
		snprintf(err, errlen, "request URL for %s is too long", api_op_name(req->op));
		return CD_INPUT;
	}
	bool post = req->body.len > 0;
	struct sigv4_header ct = { "content-type", "application/json" };
	struct sigv4_request sr = {
		.method = req->method,
		.host = u.host,
		.path = buf_str(&req->path),
		.query = q,
		.headers = post ? &ct : NULL,
		.nheaders = post ? 1 : 0,
		.body = req->body.data,
		.body_len = req->body.len,
		.region = region,
		.service = "connect",
		.when = time(NULL),
	};
	r = sigv4_sign(&sr, creds, &out->sig, err, errlen);
	if (r != CD_OK)
		return r;
	size_t h = 0;
	out->headers[h++] = (struct sigv4_header){ "Authorization", out->sig.authorization };
	out->headers[h++] = (struct sigv4_header){ "X-Amz-Date", out->sig.amz_date };
	if (creds->session_token && *creds->session_token) {
		n = snprintf(out->token, sizeof out->token, "%s", creds->session_token);
		if (n < 0 || (size_t)n >= sizeof out->token) {
			snprintf(err, errlen, "session token is longer than %zu bytes",
				 sizeof out->token - 1);
			return CD_AUTH;
		}
		out->headers[h++] = (struct sigv4_header){ "X-Amz-Security-Token", out->token };
	}
	if (post)
		out->headers[h++] = (struct sigv4_header){ "Content-Type", "application/json" };
	out->nheaders = h;
	return CD_OK;
}

void connect_session_close(struct connect_session *s)
{
	creds_provider_free(s->provider);
	s->provider = NULL;
	http_client_free(s->http);
	s->http = NULL;
	creds_clear(&s->cur);
	if (s->have_settings)
		aws_settings_release(&s->settings);
	s->have_settings = false;
}

enum cd_result connect_session_open(struct connect_session *s, const struct connect_session_opts *o,
				    char *err, size_t errlen)
{
	memset(s, 0, sizeof *s);
	struct aws_settings_input in = {
		.profile = o->profile,
		.region = o->region,
		.endpoint_url = o->endpoint_url,
		.service = "connect",
	};
	enum cd_result r = aws_settings_resolve(&in, &s->settings, err, errlen);
	if (r != CD_OK)
		return r;
	s->have_settings = true;
	retry_jitter_seed(&s->jitter, o->jitter_seed);
	struct http_client_opts ho = {
		.ca_bundle = s->settings.ca_bundle[0] ? s->settings.ca_bundle : NULL,
		.connect_timeout_ms = o->connect_timeout_ms ? o->connect_timeout_ms : 10000,
		.request_timeout_ms = o->request_timeout_ms ? o->request_timeout_ms : 30000,
		.max_host_connections = o->max_connections,
	};
	r = http_client_new(&ho, &s->http, err, errlen);
	if (r == CD_OK)
		r = creds_provider_new(&s->settings, NULL, &s->provider, err, errlen);
	if (r == CD_OK)
		r = creds_get(s->provider, &s->cur, err, errlen);
	if (r != CD_OK)
		connect_session_close(s);
	return r;
}

enum cd_result connect_session_creds(void *ctx, bool refresh, struct sigv4_creds *out, char *err,
				     size_t errlen)
{
	struct connect_session *s = ctx;
	if (refresh)
		creds_invalidate(s->provider);
	enum cd_result r = creds_get(s->provider, &s->cur, err, errlen);
	if (r == CD_OK)
		*out = creds_for_sigv4(&s->cur);
	return r;
}

/* The one line for a Region whose default endpoint does not resolve. */
static void unresolved_region(const struct connect_session *s, char *err, size_t errlen)
{
	const char *host = strstr(s->settings.endpoint_url, "://");
	host = host ? host + 3 : s->settings.endpoint_url;
	const char *src = s->settings.region_source;
	char check[200];
	if (strcmp(src, "--region") == 0 || strcmp(src, "AWS_REGION") == 0 ||
	    strcmp(src, "AWS_DEFAULT_REGION") == 0)
		snprintf(check, sizeof check, "check %s", src);
	else if (src[0])
		snprintf(check, sizeof check, "check the region of %s (or give --region)", src);
	else
		snprintf(check, sizeof check, "check --region");
	if (aws_region_known(s->settings.region))
		snprintf(err, errlen,
			 "the endpoint %s of region '%s' does not resolve: check the network and DNS "
			 "(or %s)", host, s->settings.region, check);
	else
		snprintf(err, errlen,
			 "region '%s' is not a known AWS Region and its endpoint %s does not resolve: "
			 "%s", s->settings.region, host, check);
}

enum cd_result connect_session_call(struct connect_session *s, const struct api_request *req,
				    struct buf *body, char *err, size_t errlen)
{
	enum cd_result r = CD_SERVICE;
	bool refreshed = false;
	for (unsigned attempt = 1;; attempt++) {
		struct sigv4_creds cr;
		struct connect_signed *sg = malloc(sizeof *sg);
		if (!sg)
			return CD_NOMEM;
		r = connect_session_creds(s, false, &cr, err, errlen);
		if (r == CD_OK)
			r = connect_sign(req, s->settings.endpoint_url, s->settings.region, &cr, sg, err,
					 errlen);
		struct http_response resp;
		memset(&resp, 0, sizeof resp);
		if (r == CD_OK) {
			struct http_request hr = {
				.method = req->method, .url = sg->url, .headers = sg->headers,
				.nheaders = sg->nheaders, .body = req->body.len ? req->body.data : NULL,
				.body_len = req->body.len,
			};
			http_do(s->http, &hr, &resp);
		}
		explicit_bzero(sg, sizeof *sg);
		free(sg);
		if (r != CD_OK)
			return r;
		struct api_error e;
		bool again = false;
		if (resp.status == 0 && resp.unresolved && !s->answered &&
		    strcmp(s->settings.endpoint_source, "default") == 0) {
			/* Nothing ever answered and the public endpoint's name does not resolve: a
			 * Region that does not exist (or has no Connect), not a network error to
			 * resume from. A transient DNS failure later in the run stays CD_NETWORK. */
			unresolved_region(s, err, errlen);
			r = CD_USAGE;
		} else if (resp.status == 0) {
			snprintf(err, errlen, "%s: %s", api_op_name(req->op), resp.error);
			r = resp.result;
			again = r == CD_NETWORK;
		} else {
			s->answered = true;
			api_classify(resp.status, resp.amzn_error_type, resp.body.data, resp.body.len, &e);
			char line[1200];
			api_error_format(&e, line, sizeof line);
			r = api_error_result(&e);
			if (e.kind == API_ERR_NONE) {
				r = buf_append(body, resp.body.data ? resp.body.data : "", resp.body.len);
			} else {
				snprintf(err, errlen, "%s: %s", api_op_name(req->op), line);
				again = e.kind == API_ERR_THROTTLED || e.kind == API_ERR_RETRY ||
					(e.kind == API_ERR_EXPIRED && !refreshed);
				if (e.kind == API_ERR_EXPIRED && !refreshed) {
					refreshed = true;
					creds_invalidate(s->provider);
				}
			}
		}
		http_response_release(&resp);
		if (!again || !retry_again(&one_off_retry, attempt))
			break;
		retry_sleep(retry_delay(&one_off_retry, attempt, &s->jitter));
	}
	return r;
}

enum cd_result connect_list_instances(struct connect_session *s, struct api_instance **v,
				      size_t *n, char *err, size_t errlen)
{
	char *token = NULL;
	enum cd_result r = CD_OK;
	*v = NULL;
	*n = 0;
	for (unsigned page = 0; page < 10000; page++) {
		struct api_request req;
		struct buf body = BUF_INIT(ONE_OFF_BODY_MAX);
		r = api_list_instances(&req, token, API_MAX_LIST_INSTANCES, err, errlen);
		if (r == CD_OK) {
			r = connect_session_call(s, &req, &body, err, errlen);
			api_request_release(&req);
		}
		free(token);
		token = NULL;
		if (r == CD_OK)
			r = api_parse_list_instances(body.data, body.len, v, n, &token, err, errlen);
		buf_release(&body);
		if (r != CD_OK || !token)
			break;
	}
	free(token);
	if (r != CD_OK) {
		free(*v);
		*v = NULL;
		*n = 0;
	}
	return r;
}

static bool is_uuid(const char *s)
{
	/* 8-4-4-4-12 hex digits: the shape of every Connect instance id */
	static const int groups[] = { 8, 4, 4, 4, 12 };
	for (int g = 0; g < 5; g++) {
		for (int i = 0; i < groups[g]; i++, s++)
			if (!isxdigit((unsigned char)*s))
				return false;
		if (g < 4 && *s++ != '-')
			return false;
	}
	return *s == '\0';
}

enum cd_result connect_parse_instance(const char *arg, struct instance_ref *out, char *err,
				      size_t errlen)
{
	memset(out, 0, sizeof *out);
	if (!arg || !*arg) {
		snprintf(err, errlen, "empty instance");
		return CD_USAGE;
	}
	if (strncmp(arg, "arn:", 4) == 0) {
		/* arn:PARTITION:connect:REGION:ACCOUNT:instance/ID */
		const char *f[6];
		const char *p = arg;
		for (int i = 0; i < 6; i++) {
			f[i] = p;
			const char *c = i < 5 ? strchr(p, ':') : NULL;
			if (i < 5 && !c)
				goto bad;
			p = c ? c + 1 : p;
		}
		size_t svc_len = (size_t)(f[3] - f[2] - 1), reg_len = (size_t)(f[4] - f[3] - 1);
		if (svc_len != 7 || strncmp(f[2], "connect", 7) != 0 || reg_len == 0 ||
		    reg_len >= sizeof out->region || strncmp(f[5], "instance/", 9) != 0)
			goto bad;
		const char *id = f[5] + 9;
		if (!*id || strchr(id, '/') || strlen(id) >= sizeof out->id)
			goto bad;
		size_t acc_len = (size_t)(f[5] - f[4] - 1);
		snprintf(out->region, sizeof out->region, "%.*s", (int)reg_len, f[3]);
		if (acc_len < sizeof out->account)
			snprintf(out->account, sizeof out->account, "%.*s", (int)acc_len, f[4]);
		snprintf(out->id, sizeof out->id, "%s", id);
		return CD_OK;
	bad:
		snprintf(err, errlen,
			 "'%.200s' is not a Connect instance ARN (arn:aws:connect:REGION:ACCOUNT:instance/ID)",
			 arg);
		return CD_USAGE;
	}
	if (strlen(arg) >= sizeof out->id) {
		snprintf(err, errlen, "instance '%.64s...' is too long", arg);
		return CD_USAGE;
	}
	snprintf(out->id, sizeof out->id, "%s", arg);
	out->is_alias = !is_uuid(arg);
	return CD_OK;
}

enum cd_result connect_resolve_alias(struct connect_session *s, struct instance_ref *ref,
				     char *err, size_t errlen)
{
	struct api_instance *v = NULL;
	size_t n = 0;
	enum cd_result r = connect_list_instances(s, &v, &n, err, errlen);
	if (r != CD_OK)
		return r;
	size_t hit = n;
	for (size_t i = 0; i < n && hit == n; i++)
		if (strcmp(v[i].id, ref->id) == 0)
			hit = i;
	for (size_t i = 0; i < n && hit == n; i++)
		if (strcasecmp(v[i].alias, ref->id) == 0)
			hit = i;
	if (hit < n) {
		snprintf(ref->id, sizeof ref->id, "%s", v[hit].id);
		snprintf(ref->alias, sizeof ref->alias, "%s", v[hit].alias);
		struct instance_ref from_arn;
		char aerr[64];
		if (connect_parse_instance(v[hit].arn, &from_arn, aerr, sizeof aerr) == CD_OK)
			snprintf(ref->account, sizeof ref->account, "%s", from_arn.account);
		ref->is_alias = false;
	} else {
		char known[512] = "";
		size_t k = 0;
		for (size_t i = 0; i < n && k + 1 < sizeof known; i++)
			k += (size_t)snprintf(known + k, sizeof known - k, "%s'%s'", i ? ", " : "",
					      v[i].alias[0] ? v[i].alias : v[i].id);
		if (k >= sizeof known)
			snprintf(known + sizeof known - 5, 5, "...");
		snprintf(err, errlen, "no instance with id or alias '%s' in region '%s' (%s%s)", ref->id,
			 s->settings.region, n ? "there are: " : "the account has no instance there",
			 known);
		r = CD_NOT_FOUND;
	}
	free(v);
	return r;
}

enum cd_result connect_check_instance(struct connect_session *s, const char *instance_id,
				      char *err, size_t errlen)
{
	struct api_request req;
	struct buf body = BUF_INIT(ONE_OFF_BODY_MAX);
	enum cd_result r = api_search_users(&req, instance_id, NULL, 1, err, errlen);
	if (r != CD_OK)
		return r;
	r = connect_session_call(s, &req, &body, err, errlen);
	api_request_release(&req);
	buf_release(&body);
	if (r == CD_NOT_FOUND) {
		char why[300];
		snprintf(why, sizeof why, "%s", err);
		snprintf(err, errlen, "instance '%s' not found in region '%s' (%s)", instance_id,
			 s->settings.region, why);
	}
	return r;
}
