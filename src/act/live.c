/* live.c -- plan/apply/restore's Connect calls over one session, paced per API like the scan. */
#include "act/live.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "connect/crawl.h"

#define LIVE_BODY_MAX (16u << 20)

void act_live_init(struct act_live *l, struct connect_session *sess, const char *instance_id,
		   const double *rate)
{
	memset(l, 0, sizeof *l);
	l->sess = sess;
	l->instance_id = instance_id;
	double now = crawl_now();
	for (int i = 0; i < API_NOPS; i++) {
		double r, b;
		api_default_quota((enum api_op)i, &r, &b);
		if (rate && rate[i] > 0)
			r = rate[i];
		/* adaptive below the published quota (a raised quota is not worth probing for a
		 * few hundred deletions), with the same bucket as the scan */
		ratelimit_init(&l->rl[i], r, b, true, r, now);
	}
}

static void sleep_s(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

enum cd_result act_live_call(struct act_live *l, const struct api_request *req, struct buf *body,
			     char *err, size_t errlen)
{
	struct ratelimit *rl = &l->rl[req->op];
	double wait;
	while ((wait = ratelimit_take(rl, crawl_now())) > 0)
		sleep_s(wait);
	l->requests[req->op]++;
	enum cd_result r = connect_session_call(l->sess, req, body, err, errlen);
	if (r == CD_THROTTLED)
		ratelimit_throttled(rl, crawl_now());
	return r;
}

/* One request built by `build` (already done by the caller), called, released. */
static enum cd_result call_release(struct act_live *l, struct api_request *req, struct buf *body,
				   char *err, size_t errlen)
{
	enum cd_result r = act_live_call(l, req, body, err, errlen);
	api_request_release(req);
	return r;
}

void act_live_qcs_free(struct plan_qc *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free((char *)v[i].id);
		free((char *)v[i].user_id);
		free((char *)v[i].raw);
	}
	free(v);
}

enum cd_result act_live_user_quick_connects(struct act_live *l, struct plan_qc **out, size_t *nout,
					    char *err, size_t errlen)
{
	struct api_quick_connect *sum = NULL;
	size_t nsum = 0;
	char *token = NULL;
	enum cd_result r = CD_OK;
	struct plan_qc *v = NULL;
	size_t n = 0;
	*out = NULL;
	*nout = 0;
	for (unsigned page = 0; page < 100000 && r == CD_OK; page++) {
		struct api_request req;
		struct buf body = BUF_INIT(LIVE_BODY_MAX);
		r = api_list_quick_connects(&req, l->instance_id, "USER", token,
					    API_MAX_LIST_QUICK_CONNECTS, err, errlen);
		if (r == CD_OK)
			r = call_release(l, &req, &body, err, errlen);
		free(token);
		token = NULL;
		if (r == CD_OK)
			r = api_parse_list_quick_connects(body.data, body.len, &sum, &nsum, &token, err,
							  errlen);
		buf_release(&body);
		if (!token)
			break;
	}
	free(token);
	if (r == CD_OK && nsum && !(v = calloc(nsum, sizeof *v)))
		r = CD_NOMEM;
	for (size_t i = 0; i < nsum && r == CD_OK; i++) {
		struct api_request req;
		struct buf body = BUF_INIT(LIVE_BODY_MAX);
		char uid[300], *raw = NULL;
		if (strcmp(sum[i].type, "USER"))
			continue;
		r = api_describe_quick_connect(&req, l->instance_id, sum[i].id, err, errlen);
		if (r == CD_OK)
			r = call_release(l, &req, &body, err, errlen);
		if (r == CD_NOT_FOUND) { /* deleted since the listing */
			r = CD_OK;
			buf_release(&body);
			continue;
		}
		if (r == CD_OK)
			r = api_parse_describe_quick_connect(body.data, body.len, &raw, uid, sizeof uid,
							     err, errlen);
		buf_release(&body);
		if (r != CD_OK)
			break;
		if (!uid[0]) {
			free(raw);
			continue;
		}
		v[n].raw = raw;
		if (!(v[n].id = strdup(sum[i].id)) || !(v[n].user_id = strdup(uid)))
			r = CD_NOMEM;
		n++;
	}
	free(sum);
	if (r != CD_OK) {
		act_live_qcs_free(v, n);
		return r;
	}
	*out = v;
	*nout = n;
	return CD_OK;
}

/* --- plan ---------------------------------------------------------------------------------- */

static enum cd_result describe_raw(struct act_live *l, const char *id, char **raw, size_t *len,
				   char *err, size_t errlen)
{
	struct api_request req;
	struct buf body = BUF_INIT(LIVE_BODY_MAX);
	char got[300];
	enum cd_result r = api_describe_user(&req, l->instance_id, id, err, errlen);
	if (r == CD_OK)
		r = call_release(l, &req, &body, err, errlen);
	if (r == CD_OK)
		r = api_parse_describe_user(body.data, body.len, raw, len, got, sizeof got, err,
					    errlen);
	buf_release(&body);
	return r;
}

static enum cd_result plan_describe(void *ctx, const char *id, struct buf *user, char *err,
				    size_t errlen)
{
	char *raw = NULL;
	size_t len = 0;
	enum cd_result r = describe_raw(ctx, id, &raw, &len, err, errlen);
	if (r == CD_OK)
		r = buf_append(user, raw, len);
	free(raw);
	return r;
}

static enum cd_result plan_proficiencies(void *ctx, const char *id, struct buf *items, char *err,
					 size_t errlen)
{
	struct act_live *l = ctx;
	char *token = NULL;
	enum cd_result r = CD_OK;
	for (unsigned page = 0; page < 10000 && r == CD_OK; page++) {
		struct api_request req;
		struct buf body = BUF_INIT(LIVE_BODY_MAX);
		r = api_list_user_proficiencies(&req, l->instance_id, id, token,
						API_MAX_LIST_USER_PROFICIENCIES, err, errlen);
		if (r == CD_OK)
			r = call_release(l, &req, &body, err, errlen);
		free(token);
		token = NULL;
		if (r == CD_OK)
			r = api_parse_list_user_proficiencies(body.data, body.len, items, &token, err,
							      errlen);
		buf_release(&body);
		if (!token)
			break;
	}
	free(token);
	return r;
}

struct plan_live act_live_plan_ops(struct act_live *l)
{
	return (struct plan_live){ .ctx = l, .describe_user = plan_describe,
				   .list_proficiencies = plan_proficiencies };
}

/* --- apply --------------------------------------------------------------------------------- */

static enum cd_result apply_describe(void *ctx, const char *id, char *lm, char *username,
				     size_t unlen, char *err, size_t errlen)
{
	char *raw = NULL;
	size_t len = 0;
	lm[0] = '\0';
	username[0] = '\0';
	enum cd_result r = describe_raw(ctx, id, &raw, &len, err, errlen);
	if (r != CD_OK)
		return r;
	json_t *u = json_loadb(raw, len, 0, NULL);
	json_t *v = json_object_get(u, "LastModifiedTime");
	const char *name = json_string_value(json_object_get(u, "Username"));
	snprintf(username, unlen, "%s", name ? name : "");
	double t;
	if (json_is_number(v))
		plan_iso_time(json_number_value(v), lm);
	else if (json_is_string(v) && api_parse_timestamp(json_string_value(v), &t))
		plan_iso_time(t, lm);
	else {
		snprintf(err, errlen, "DescribeUser of '%.64s' gave no LastModifiedTime", id);
		r = CD_SERVICE;
	}
	json_decref(u);
	free(raw);
	return r;
}

static enum cd_result apply_describe_qc(void *ctx, const char *id, char *user_id, size_t idlen,
					char *err, size_t errlen)
{
	struct act_live *l = ctx;
	struct api_request req;
	struct buf body = BUF_INIT(LIVE_BODY_MAX);
	char *raw = NULL;
	enum cd_result r = api_describe_quick_connect(&req, l->instance_id, id, err, errlen);
	if (r == CD_OK)
		r = call_release(l, &req, &body, err, errlen);
	if (r == CD_OK)
		r = api_parse_describe_quick_connect(body.data, body.len, &raw, user_id, idlen, err,
						     errlen);
	free(raw);
	buf_release(&body);
	return r;
}

static enum cd_result apply_delete_user(void *ctx, const char *id, char *err, size_t errlen)
{
	struct act_live *l = ctx;
	struct api_request req;
	struct buf body = BUF_INIT(LIVE_BODY_MAX);
	enum cd_result r = api_delete_user(&req, l->instance_id, id, err, errlen);
	if (r == CD_OK)
		r = call_release(l, &req, &body, err, errlen);
	buf_release(&body);
	return r;
}

static enum cd_result apply_delete_qc(void *ctx, const char *id, char *err, size_t errlen)
{
	struct act_live *l = ctx;
	struct api_request req;
	struct buf body = BUF_INIT(LIVE_BODY_MAX);
	enum cd_result r = api_delete_quick_connect(&req, l->instance_id, id, err, errlen);
	if (r == CD_OK)
		r = call_release(l, &req, &body, err, errlen);
	buf_release(&body);
	return r;
}

struct apply_ops act_live_apply_ops(struct act_live *l, bool writes)
{
	return (struct apply_ops){
		.ctx = l,
		.describe_user = apply_describe,
		.describe_quick_connect = apply_describe_qc,
		.delete_user = writes ? apply_delete_user : NULL,
		.delete_quick_connect = writes ? apply_delete_qc : NULL,
	};
}

/* --- restore ------------------------------------------------------------------------------- */

static enum cd_result restore_exists(void *ctx, const char *username, bool *exists, char *err,
				     size_t errlen)
{
	struct act_live *l = ctx;
	struct api_request req;
	struct buf body = BUF_INIT(LIVE_BODY_MAX);
	struct api_page page;
	api_page_init(&page);
	*exists = false;
	enum cd_result r = api_search_username(&req, l->instance_id, username, err, errlen);
	if (r == CD_OK)
		r = call_release(l, &req, &body, err, errlen);
	if (r == CD_OK)
		r = api_parse_search_users(body.data, body.len, &page, err, errlen);
	/* EXACT is the service's comparison; the check again here keeps a looser match (case)
	 * from hiding a user that must be re-created */
	for (size_t i = 0; r == CD_OK && i < page.users.n; i++)
		if (!strcasecmp(page.users.v[i].username, username))
			*exists = true;
	api_page_release(&page);
	buf_release(&body);
	return r;
}

static enum cd_result restore_create(void *ctx, const char *body_json, char *new_id, size_t idlen,
				     char *err, size_t errlen)
{
	struct act_live *l = ctx;
	struct api_request req;
	struct buf body = BUF_INIT(LIVE_BODY_MAX);
	char arn[400];
	enum cd_result r = api_create_user(&req, l->instance_id, body_json, err, errlen);
	if (r == CD_OK)
		r = call_release(l, &req, &body, err, errlen);
	if (r == CD_OK)
		r = api_parse_create_user(body.data, body.len, new_id, idlen, arn, sizeof arn, err,
					  errlen);
	buf_release(&body);
	return r;
}

static enum cd_result restore_associate(void *ctx, const char *user_id, const char *body_json,
					char *err, size_t errlen)
{
	struct act_live *l = ctx;
	struct api_request req;
	struct buf body = BUF_INIT(LIVE_BODY_MAX);
	enum cd_result r = api_associate_user_proficiencies(&req, l->instance_id, user_id, body_json,
							    err, errlen);
	if (r == CD_OK)
		r = call_release(l, &req, &body, err, errlen);
	buf_release(&body);
	return r;
}

struct restore_ops act_live_restore_ops(struct act_live *l, bool writes)
{
	return (struct restore_ops){
		.ctx = l,
		.username_exists = restore_exists,
		.create_user = writes ? restore_create : NULL,
		.associate_proficiencies = writes ? restore_associate : NULL,
	};
}
