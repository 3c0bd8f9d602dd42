/* quotas.c -- reads Connect's applied API quotas from Service Quotas and turns them into bucket rates. */
#include "connect/quotas.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/http.h"
#include "aws/sigv4.h"
#include "connect/retry.h"
#include "connect/ratelimit.h"

/* Throttles and 5xx: a few quick tries, the scan does not wait long for this. */
static const struct retry_policy sq_retry = { .max_attempts = 3, .base = 0.25, .cap = 1 };
#define SQ_BODY_MAX (4u << 20)      /* a few hundred quotas take a few hundred KiB at most */

void connect_quotas_from_sq(const struct sq_rates *r, struct connect_quotas *q)
{
	for (int i = 0; i < API_NOPS; i++) {
		const struct sq_rate *e = sq_rates_find(r, api_op_name((enum api_op)i));
		q->rate[i] = e ? e->rate : 0;
		q->burst[i] = e ? e->burst : 0;
		snprintf(q->code[i], sizeof q->code[i], "%s", e ? e->rate_code : "");
	}
	q->rejected = r->rejected;
	q->listed = r->taken + r->other + r->rejected;
}

enum cd_result connect_quotas_endpoint(const struct connect_session *s, char *url, size_t urllen,
				       char *source, size_t sourcelen, char *err, size_t errlen)
{
	/* "Service Quotas" is the service id: AWS_ENDPOINT_URL_SERVICE_QUOTAS and the services
	 * section's service_quotas key, as the SDKs spell them. */
	enum cd_result r = aws_service_endpoint(s->settings.config, s->settings.profile,
						"service_quotas", s->settings.region, url, urllen,
						source, sourcelen, err, errlen);
	if (r == CD_OK && strcmp(source, "default") == 0 &&
	    strcmp(s->settings.endpoint_source, "default") != 0) {
		snprintf(url, urllen, "%s", s->settings.endpoint_url);
		snprintf(source, sourcelen, "%s, as for connect", s->settings.endpoint_source);
	}
	return r;
}

/* Signs and sends one page request; the 2xx body lands in *body. */
static enum cd_result sq_call(struct connect_session *s, const struct http_url *u, const char *url,
			      const struct buf *req, struct buf *body, char *err, size_t errlen)
{
	enum cd_result r = CD_SERVICE;
	bool refreshed = false;
	for (unsigned attempt = 1;; attempt++) {
		struct sigv4_creds cr;
		struct sigv4_signed sig;
		r = connect_session_creds(s, false, &cr, err, errlen);
		if (r != CD_OK)
			return r;
		/* Both headers are signed: X-Amz-Target names the operation, so a signature must
		 * not be replayable as another one. */
		struct sigv4_header sh[2] = {
			{ "content-type", SQ_CONTENT_TYPE },
			{ "x-amz-target", SQ_TARGET_LIST },
		};
		struct sigv4_request sr = {
			.method = "POST", .host = u->host, .path = u->path, .query = u->query,
			.headers = sh, .nheaders = 2, .body = req->data, .body_len = req->len,
			.region = s->settings.region, .service = SQ_SIGNING_NAME, .when = time(NULL),
		};
		r = sigv4_sign(&sr, &cr, &sig, err, errlen);
		if (r != CD_OK) {
			explicit_bzero(&sig, sizeof sig);
			return r;
		}
		struct sigv4_header h[5] = {
			{ "Authorization", sig.authorization },
			{ "X-Amz-Date", sig.amz_date },
			{ "Content-Type", SQ_CONTENT_TYPE },
			{ "X-Amz-Target", SQ_TARGET_LIST },
			{ "X-Amz-Security-Token", cr.session_token },
		};
		struct http_request hr = {
			.method = "POST", .url = url, .headers = h,
			.nheaders = cr.session_token && *cr.session_token ? 5 : 4,
			.body = req->data, .body_len = req->len,
		};
		struct http_response resp;
		memset(&resp, 0, sizeof resp);
		http_do(s->http, &hr, &resp);
		explicit_bzero(&sig, sizeof sig);
		bool again = false;
		if (resp.status == 0) {
			snprintf(err, errlen, "ListServiceQuotas: %s", resp.error);
			r = resp.result;
		} else {
			struct api_error e;
			api_classify(resp.status, resp.amzn_error_type, resp.body.data, resp.body.len,
				     &e);
			if (e.kind == API_ERR_NONE) {
				r = buf_append(body, resp.body.data ? resp.body.data : "", resp.body.len);
				if (r == CD_TOOBIG)
					r = CD_SERVICE;
				if (r != CD_OK)
					snprintf(err, errlen, "ListServiceQuotas: the answer is too large");
			} else {
				char line[400];
				api_error_format(&e, line, sizeof line);
				snprintf(err, errlen, "ListServiceQuotas: %s", line);
				r = api_error_result(&e);
				if (r == CD_THROTTLED || r == CD_INPUT || r == CD_NOT_FOUND)
					r = CD_SERVICE;
				again = e.kind == API_ERR_THROTTLED || e.kind == API_ERR_RETRY ||
					(e.kind == API_ERR_EXPIRED && !refreshed);
				if (e.kind == API_ERR_EXPIRED && !refreshed) {
					refreshed = true;
					connect_session_creds(s, true, &cr, err, errlen);
				}
			}
		}
		http_response_release(&resp);
		if (!again || !retry_again(&sq_retry, attempt))
			break;
		retry_sleep(retry_delay(&sq_retry, attempt, &s->jitter));
	}
	return r;
}

enum cd_result connect_quotas_lookup(struct connect_session *s, struct connect_quotas *q,
				     char *err, size_t errlen)
{
	struct sq_rates rates;
	struct http_url u = { .path = "/" };
	char *token = NULL;
	char **seen = NULL;
	size_t nseen = 0;
	memset(q, 0, sizeof *q);
	sq_rates_init(&rates);
	enum cd_result r = connect_quotas_endpoint(s, q->endpoint, sizeof q->endpoint,
						   q->endpoint_source, sizeof q->endpoint_source, err,
						   errlen);
	/* The operation's requestUri is "/": appended to the endpoint (which has no trailing
	 * '/'), and the signer signs the path as the URL has it. */
	char url[sizeof q->endpoint + 2];
	snprintf(url, sizeof url, "%s/", q->endpoint);
	if (r == CD_OK)
		r = http_url_parse(url, &u, err, errlen);
	if (r == CD_OK && !(seen = calloc(CONNECT_SQ_MAX_PAGES, sizeof *seen)))
		r = CD_NOMEM;
	for (unsigned page = 0; r == CD_OK; page++) {
		if (page == CONNECT_SQ_MAX_PAGES) {
			snprintf(err, errlen, "ListServiceQuotas: more than %d pages",
				 CONNECT_SQ_MAX_PAGES);
			r = CD_SERVICE;
			break;
		}
		struct buf req = BUF_INIT(SQ_TOKEN_MAX + 256), body = BUF_INIT(SQ_BODY_MAX);
		r = sq_list_request(&req, CONNECT_SQ_SERVICE_CODE, token, SQ_MAX_RESULTS, err, errlen);
		if (r == CD_OK)
			r = sq_call(s, &u, url, &req, &body, err, errlen);
		if (token)
			seen[nseen++] = token;
		token = NULL;
		if (r == CD_OK) {
			q->pages++;
			r = sq_parse_list(body.data, body.len, &rates, &token, err, errlen);
		}
		buf_release(&req);
		buf_release(&body);
		if (r != CD_OK || !token)
			break;
		/* A token handed out twice would page forever. */
		for (size_t i = 0; i < nseen && r == CD_OK; i++)
			if (strcmp(seen[i], token) == 0) {
				snprintf(err, errlen, "ListServiceQuotas: the same NextToken came back "
					 "twice (page %u)", page + 2);
				r = CD_SERVICE;
			}
	}
	if (r == CD_OK)
		connect_quotas_from_sq(&rates, q);
	free(token);
	for (size_t i = 0; i < nseen; i++)
		free(seen[i]);
	free(seen);
	sq_rates_release(&rates);
	return r;
}

void connect_quotas_plan(const struct connect_quotas *q, double share, enum api_op op,
			 double rate_opt, bool rate_given, double burst_opt, struct quota_use *u)
{
	memset(u, 0, sizeof *u);
	u->burst = burst_opt > 0 ? burst_opt : 0;
	if (rate_given) {
		u->rate = rate_opt;
		u->capped = true;
		u->origin = QUOTA_OPTION;
		return;
	}
	if (q && q->rate[op] > 0 && share > 0) {
		u->rate = share * q->rate[op];
		u->capped = true;
		u->origin = QUOTA_SERVICE;
		if (!(burst_opt > 0) && q->burst[op] > 0)
			u->burst = share * q->burst[op] >= 1 ? share * q->burst[op] : 1;
		return;
	}
	u->origin = QUOTA_ADAPTIVE;
}

static bool called(const struct quota_rates *r, enum api_op op)
{
	return op == API_SEARCH_USERS ||
	       (r->describe && (op == API_LIST_USERS || op == API_DESCRIBE_USER));
}

void connect_quotas_decide(struct connect_session *s, struct quota_rates *r, char *warn,
			   size_t warnlen, char *line, size_t linelen)
{
	struct connect_quotas q;
	bool need = false, have = false;
	char err[1024] = "";
	memset(&q, 0, sizeof q);
	warn[0] = '\0';
	for (int i = 0; i < API_NOPS; i++)
		need |= called(r, (enum api_op)i) && !r->rate_given[i];
	if (need) {
		enum cd_result lr = connect_quotas_lookup(s, &q, err, sizeof err);
		have = lr == CD_OK;
		if (!have) {
			/* Once, and why: an operator should know the scan may throttle others. */
			double dr, db;
			api_default_quota(API_DESCRIBE_USER, &dr, &db);
			snprintf(warn, warnlen,
				 "cannot read the account's API quotas from Service Quotas at %s%s (%s); "
				 "the rates adapt to throttling instead, from the published %g/s and "
				 "gently above %g/s -- allow servicequotas:ListServiceQuotas or give "
				 "--rate to spare the account's other callers",
				 q.endpoint[0] ? q.endpoint : "(no endpoint)",
				 lr == CD_AUTH ? ": not permitted" : "", err, dr, RATELIMIT_GENTLE_ABOVE);
		}
	}
	r->quotas_read = have;
	char rates[768];
	size_t k = 0;
	rates[0] = '\0';
	for (int i = 0; i < API_NOPS; i++) {
		enum api_op op = (enum api_op)i;
		struct quota_use u;
		connect_quotas_plan(have ? &q : NULL, r->share, op, r->rate_opt[i], r->rate_given[i],
				    r->burst_opt[i], &u);
		r->rate[i] = u.rate;
		r->burst[i] = u.burst;
		r->capped[i] = u.capped;
		if (!called(r, op) || k >= sizeof rates)
			continue;
		char one[256];
		switch (u.origin) {
		case QUOTA_OPTION:
			snprintf(one, sizeof one, "%s %.4g/s (--rate)", api_op_name(op), u.rate);
			break;
		case QUOTA_SERVICE:
			if (q.burst[i] > 0)
				snprintf(one, sizeof one,
					 "%s %.4g/s burst %.4g (%.0f%% of the applied quota %.4g/s burst "
					 "%.4g%s%s)", api_op_name(op), u.rate, u.burst, r->share * 100,
					 q.rate[i], q.burst[i], q.code[i][0] ? ", " : "", q.code[i]);
			else
				snprintf(one, sizeof one,
					 "%s %.4g/s (%.0f%% of the applied quota %.4g/s%s%s)", api_op_name(op), u.rate, r->share * 100, q.rate[i],
					 q.code[i][0] ? ", " : "", q.code[i]);
			break;
		default: {
			double dr, db;
			api_default_quota(op, &dr, &db);
			snprintf(one, sizeof one, "%s adapting from %.4g/s (%s)", api_op_name(op), dr,
				 have ? "not in Service Quotas" : "quota unknown");
			break;
		}
		}
		int n = snprintf(rates + k, sizeof rates - k, "%s%s", k ? ", " : "", one);
		k = n < 0 ? sizeof rates : k + (size_t)n;
	}
	if (have)
		snprintf(line, linelen, "rates: %s; Service Quotas at %s (%s) listed %zu quotas in %u "
			 "page(s)%s", rates, q.endpoint, q.endpoint_source, q.listed, q.pages,
			 q.rejected ? ", some API rates unusable and ignored" : "");
	else
		snprintf(line, linelen, "rates: %s", rates);
}
