/* server.c -- connect-emu's HTTP front: routing, the four Connect operations, errors as the
 * service sends them, quotas, faults, SigV4, the /_emu/ admin endpoint and the change ticker. */
/* About 960 lines: the remediation and name operations are already in server_act.c and
 * server_names.c; the /_emu/ admin endpoint is the next piece to move out (server_admin.c). */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "aws/sigv4.h"
#include "emu_page.h"
#include "emu_quotas.h"
#include "emu_search.h"
#include "jsonesc.h"
#include "server_act.h"
#include "server_names.h"

#define BODY_MAX (1u << 20)       /* request bodies: SearchUsers needs a few hundred bytes */
#define REPLY_MAX (64u << 20)     /* 1,000 summaries or 500 search results fit many times */
#define TOKEN_ARG_MAX 4096
#define AUTH_STR_MAX 2048

struct op_counters {
	atomic_ulong requests, throttles, faults, errors;
};

struct emu_server {
	struct MHD_Daemon *d;
	uint16_t port;
	struct emu_store *store;
	struct emu_quota *quota;
	struct emu_fault *fault;
	struct emu_resources *resources;
	unsigned latency_ms;
	uint64_t page_key;
	bool verify;
	bool deny_service_quotas;
	/* Accepted credentials; /_emu/credentials rotates them while serving. */
	pthread_mutex_t auth_lock;
	char akid[AUTH_STR_MAX], secret[AUTH_STR_MAX], token[AUTH_STR_MAX], old_token[AUTH_STR_MAX];
	char region[64];
	void (*on_reply)(void *ctx, const char *method, const char *path, unsigned status,
			 const char *error);
	void *on_reply_ctx;
	struct op_counters ops[EMU_OP_COUNT];
	bool deny[EMU_OP_COUNT];
	atomic_ulong auth_failures, unknown, admin, request_id;
	atomic_ulong sq_requests, sq_denied; /* Service Quotas (ListServiceQuotas) */
	/* the change ticker */
	double mutate_rate;
	uint64_t rng;
	pthread_t ticker;
	bool ticker_running, stopping;
	pthread_mutex_t tick_lock;
	pthread_cond_t tick_cond;
};

/* One request in flight; created from the raw URI before libmicrohttpd unescapes it. */
struct req {
	char *uri;
	struct buf body;
	bool started, too_big;
};

struct reply {
	unsigned status;
	const char *error;      /* x-amzn-ErrorType, NULL on success */
	struct buf body;
	bool drop, truncate;
};

static void reply_error(struct reply *rp, unsigned status, const char *name, const char *key,
			const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void reply_error(struct reply *rp, unsigned status, const char *name, const char *key,
			const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	rp->status = status;
	rp->error = name;
	buf_reset(&rp->body);
	/* Modeled exceptions carry "Message" (the shape's member); the authentication front door
	 * answers with "message", as AWS's does. botocore reads both. */
	if (buf_printf(&rp->body, "{\"%s\":", key) != CD_OK || jsonesc_append(&rp->body, msg) != CD_OK ||
	    buf_putc(&rp->body, '}') != CD_OK)
		buf_reset(&rp->body);
}

/* ---- small parsing helpers ---- */

/* Percent-decodes s[0..n) into out (cap bytes); '+' becomes a space in queries, as form
 * decoding does: a client that leaves '+' in a token unencoded loses it here, as in AWS. */
static bool pct_decode(const char *s, size_t n, bool plus_space, char *out, size_t cap)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '%') {
			int v = sigv4_pct_byte(s + i, n - i);
			if (v < 0)
				return false;
			c = (char)v;
			i += 2;
		} else if (c == '+' && plus_space) {
			c = ' ';
		}
		if (o + 1 >= cap || c == '\0')
			return false;
		out[o++] = c;
	}
	out[o] = '\0';
	return true;
}

/* Finds query parameter `name` in the raw query and decodes its value; 0 absent, 1 found,
 * -1 undecodable. */
static int query_arg(const char *q, const char *name, char *out, size_t cap)
{
	size_t nl = strlen(name);
	for (const char *p = q; p && *p;) {
		size_t n = strcspn(p, "&");
		const char *eq = memchr(p, '=', n);
		size_t kl = eq ? (size_t)(eq - p) : n;
		if (kl == nl && !memcmp(p, name, nl)) {
			const char *v = eq ? eq + 1 : p + n;
			return pct_decode(v, (size_t)(p + n - v), true, out, cap) ? 1 : -1;
		}
		p += n;
		if (*p == '&')
			p++;
	}
	return 0;
}

static bool parse_int(const char *s, long min, long max, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (!*s || *end || errno || v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* ---- the operations ---- */

static bool check_instance(struct emu_server *s, const char *id, struct reply *rp)
{
	if (emu_store_is_instance(s->store, id))
		return true;
	reply_error(rp, 404, "ResourceNotFoundException", "Message", "Instance not found: %.128s", id);
	return false;
}

static bool page_args(struct emu_server *s, enum emu_op op, const char *query, long maxmax,
		      long *max, size_t *pos, struct reply *rp)
{
	char v[TOKEN_ARG_MAX];
	int got = query_arg(query, "maxResults", v, sizeof v);
	*max = op == EMU_OP_LIST_INSTANCES ? 10 : 100;
	*pos = 0;
	if (got < 0 || (got > 0 && !parse_int(v, 1, maxmax, max))) {
		reply_error(rp, 400, "InvalidParameterException", "Message",
			    "1 validation error detected: Value at 'maxResults' failed to satisfy "
			    "constraint: Member must have value between 1 and %ld", maxmax);
		return false;
	}
	got = query_arg(query, "nextToken", v, sizeof v);
	if (got < 0 || (got > 0 && !emu_page_decode(s->page_key, op, emu_store_instance_id(s->store),
						       v, pos))) {
		reply_error(rp, 400, "InvalidParameterException", "Message",
			    "The nextToken is not valid (is it percent-encoded?)");
		return false;
	}
	return true;
}

static enum cd_result put_token(struct emu_server *s, enum emu_op op, size_t next, struct buf *b)
{
	if (!next)
		return CD_OK;
	char tok[EMU_PAGE_TOKEN_MAX];
	emu_page_encode(s->page_key, op, emu_store_instance_id(s->store), next, tok);
	return buf_printf(b, ",\"NextToken\":\"%s\"", tok);
}

static void op_list_users(struct emu_server *s, const char *instance, const char *query,
			  struct reply *rp)
{
	long max;
	size_t pos, next;
	if (!check_instance(s, instance, rp) ||
	    !page_args(s, EMU_OP_LIST_USERS, query, 1000, &max, &pos, rp))
		return;
	enum cd_result r = buf_puts(&rp->body, "{\"UserSummaryList\":[");
	if (r == CD_OK)
		r = emu_store_list_page(s->store, pos, (size_t)max, &rp->body, &next);
	if (r == CD_OK)
		r = buf_putc(&rp->body, ']');
	if (r == CD_OK)
		r = put_token(s, EMU_OP_LIST_USERS, next, &rp->body);
	if (r == CD_OK)
		r = buf_putc(&rp->body, '}');
	if (r != CD_OK)
		reply_error(rp, 500, "InternalServiceException", "Message", "reply too large");
}

static void op_describe_user(struct emu_server *s, const char *instance, const char *user,
			     struct reply *rp)
{
	if (!check_instance(s, instance, rp))
		return;
	enum cd_result r = emu_store_describe(s->store, user, &rp->body);
	if (r == CD_NOT_FOUND)
		reply_error(rp, 404, "ResourceNotFoundException", "Message",
			    "User not found for UserId: %.128s", user);
	else if (r != CD_OK)
		reply_error(rp, 500, "InternalServiceException", "Message", "reply too large");
}

static void op_search_users(struct emu_server *s, const char *body, size_t len, struct reply *rp)
{
	char err[256];
	struct emu_cond *cond = NULL;
	json_error_t je;
	json_t *in = json_loadb(body, len, 0, &je);
	size_t pos = 0, next = 0, total = 0;
	long max = 100;
	if (!json_is_object(in)) {
		reply_error(rp, 400, "SerializationException", "Message",
			    "the request body is not a JSON object");
		goto out;
	}
	json_t *inst = json_object_get(in, "InstanceId");
	if (!json_is_string(inst) || !json_string_length(inst)) {
		reply_error(rp, 400, "InvalidParameterException", "Message",
			    "1 validation error detected: Value null at 'instanceId' failed to satisfy "
			    "constraint: Member must not be null");
		goto out;
	}
	if (!check_instance(s, json_string_value(inst), rp))
		goto out;
	json_t *mr = json_object_get(in, "MaxResults");
	if (mr && !json_is_null(mr)) {
		if (!json_is_integer(mr) || json_integer_value(mr) < 1 || json_integer_value(mr) > 500) {
			reply_error(rp, 400, "InvalidParameterException", "Message",
				    "1 validation error detected: Value at 'maxResults' failed to "
				    "satisfy constraint: Member must have value between 1 and 500");
			goto out;
		}
		max = (long)json_integer_value(mr);
	}
	json_t *nt = json_object_get(in, "NextToken");
	if (nt && !json_is_null(nt) &&
	    (!json_is_string(nt) || !emu_page_decode(s->page_key, EMU_OP_SEARCH_USERS,
						     emu_store_instance_id(s->store),
						     json_string_value(nt), &pos))) {
		reply_error(rp, 400, "InvalidParameterException", "Message", "The NextToken is not valid");
		goto out;
	}
	struct emu_cond *filter = NULL;
	enum cd_result pr = emu_search_parse_filter(json_object_get(in, "SearchFilter"), &filter, err,
						    sizeof err);
	if (pr == CD_AUTH) {
		reply_error(rp, 403, "AccessDeniedException", "Message", "%s", err);
		goto out;
	}
	if (pr != CD_OK) {
		reply_error(rp, 400, "InvalidParameterException", "Message", "%s", err);
		goto out;
	}
	if (emu_search_parse(json_object_get(in, "SearchCriteria"), &cond, err, sizeof err) != CD_OK) {
		emu_search_free(filter);
		reply_error(rp, 400, "InvalidParameterException", "Message", "%s", err);
		goto out;
	}
	if ((cond || filter) && !(cond = emu_search_and(cond, filter))) {
		reply_error(rp, 500, "InternalServiceException", "Message", "out of memory");
		goto out;
	}
	enum cd_result r = buf_puts(&rp->body, "{\"Users\":[");
	if (r == CD_OK)
		r = emu_store_search_page(s->store, cond, pos, (size_t)max, &rp->body, &next, &total);
	if (r == CD_OK)
		r = buf_putc(&rp->body, ']');
	if (r == CD_OK)
		r = put_token(s, EMU_OP_SEARCH_USERS, next, &rp->body);
	if (r == CD_OK)
		r = buf_printf(&rp->body, ",\"ApproximateTotalCount\":%zu}", total);
	if (r != CD_OK)
		reply_error(rp, 500, "InternalServiceException", "Message", "reply too large");
out:
	emu_search_free(cond);
	json_decref(in);
}

static void op_list_instances(struct emu_server *s, const char *query, struct reply *rp)
{
	long max;
	size_t pos;
	if (!page_args(s, EMU_OP_LIST_INSTANCES, query, 10, &max, &pos, rp))
		return;
	enum cd_result r = buf_puts(&rp->body, "{\"InstanceSummaryList\":[");
	if (r == CD_OK)
		r = emu_store_instance_summary(s->store, &rp->body);
	if (r == CD_OK)
		r = buf_puts(&rp->body, "]}");
	if (r != CD_OK)
		reply_error(rp, 500, "InternalServiceException", "Message", "reply too large");
}

/* ---- the admin endpoint ---- */

enum cd_result emu_server_stats(struct emu_server *s, struct buf *out)
{
	struct emu_store_counts c;
	emu_store_counts(s->store, &c);
	unsigned long req = 0, thr = 0, flt = 0, errs = 0, writes = 0;
	enum cd_result r = buf_puts(out, "{\"operations\":{");
	for (int i = 0; i < EMU_OP_COUNT && r == CD_OK; i++) {
		struct op_counters *o = &s->ops[i];
		unsigned long a = atomic_load(&o->requests), b = atomic_load(&o->throttles),
			      f = atomic_load(&o->faults), e = atomic_load(&o->errors);
		req += a, thr += b, flt += f, errs += e;
		/* requests that may change the instance: a dry run must leave this at 0 */
		if (i == EMU_OP_DELETE_USER || i == EMU_OP_CREATE_USER ||
		    i == EMU_OP_DELETE_QUICK_CONNECT || i == EMU_OP_ASSOCIATE_USER_PROFICIENCIES)
			writes += a;
		r = buf_printf(out, "%s\"%s\":{\"requests\":%lu,\"throttles\":%lu,\"faults\":%lu,"
			       "\"errors\":%lu}", i ? "," : "", emu_op_names[i], a, b, f, e);
	}
	if (r == CD_OK)
		r = buf_printf(out,
			       "},\"write_requests\":%lu,\"requests\":%lu,\"throttles\":%lu,\"faults\":%lu,\"errors\":%lu,"
			       "\"auth_failures\":%lu,\"unknown_requests\":%lu,\"admin_requests\":%lu,"
			       "\"users\":%zu,\"deleted_users\":%zu,\"described_users\":%zu,"
			       "\"described_more_than_once\":%zu,\"changes\":{\"modified\":%zu,"
			       "\"created\":%zu,\"deleted\":%zu},"
			       "\"service_quotas\":{\"requests\":%lu,\"denied\":%lu}}",
			       writes, req, thr, flt, errs, atomic_load(&s->auth_failures),
			       atomic_load(&s->unknown), atomic_load(&s->admin), c.users, c.deleted,
			       c.described, c.described_again, c.modified, c.created, c.deleted,
			       atomic_load(&s->sq_requests), atomic_load(&s->sq_denied));
	return r;
}

static void reset_stats(struct emu_server *s)
{
	for (int i = 0; i < EMU_OP_COUNT; i++) {
		atomic_store(&s->ops[i].requests, 0);
		atomic_store(&s->ops[i].throttles, 0);
		atomic_store(&s->ops[i].faults, 0);
		atomic_store(&s->ops[i].errors, 0);
	}
	atomic_store(&s->auth_failures, 0);
	atomic_store(&s->unknown, 0);
	atomic_store(&s->admin, 0);
	atomic_store(&s->sq_requests, 0);
	atomic_store(&s->sq_denied, 0);
	emu_store_reset_counts(s->store);
}

static unsigned json_uint(json_t *o, const char *key, bool *ok)
{
	json_t *v = json_object_get(o, key);
	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 1000000) {
		*ok = false;
		return 0;
	}
	return (unsigned)json_integer_value(v);
}

static bool copy_cred(char *dst, json_t *v)
{
	const char *s = json_string_value(v);
	if (!s || strlen(s) >= AUTH_STR_MAX)
		return false;
	memcpy(dst, s, strlen(s) + 1);
	return true;
}

static void admin(struct emu_server *s, const char *method, const char *path, const char *body,
		  size_t len, struct reply *rp)
{
	char err[256];
	enum cd_result r = CD_OK;
	json_t *in = NULL;
	atomic_fetch_add(&s->admin, 1);
	bool post = !strcmp(method, "POST");
	if (post && len && !(in = json_loadb(body, len, 0, NULL))) {
		reply_error(rp, 400, "SerializationException", "message", "the body is not JSON");
		goto out;
	}
	struct emu_act_reply ar = { .body = &rp->body };
	if (emu_act_admin(s->store, s->resources, method, path, &ar)) {
		if (ar.error)
			reply_error(rp, ar.status, ar.error, "message", "%s", ar.message);
	} else if (!strcmp(path, "/_emu/stats") && !strcmp(method, "GET")) {
		r = emu_server_stats(s, &rp->body);
	} else if (!strcmp(path, "/_emu/reset-stats") && post) {
		reset_stats(s);
		r = buf_puts(&rp->body, "{}");
	} else if (!strcmp(path, "/_emu/mutate") && post) {
		bool ok = true;
		unsigned m = json_uint(in, "modify", &ok), c = json_uint(in, "create", &ok),
			 d = json_uint(in, "delete", &ok);
		if (!ok) {
			reply_error(rp, 400, "InvalidParameterException", "message",
				    "modify, create and delete must be whole numbers up to 1000000");
			goto out;
		}
		r = emu_store_mutate(s->store, m, c, d, &rp->body);
	} else if (!strncmp(path, "/_emu/users/", 12) && post) {
		char id[256];
		if (!pct_decode(path + 12, strlen(path + 12), false, id, sizeof id)) {
			reply_error(rp, 400, "InvalidParameterException", "message", "bad user id");
			goto out;
		}
		r = emu_store_update(s->store, id, in, err, sizeof err);
		if (r == CD_NOT_FOUND) {
			reply_error(rp, 404, "ResourceNotFoundException", "message", "%s", err);
			goto out;
		}
		if (r == CD_INPUT) {
			reply_error(rp, 400, "InvalidParameterException", "message", "%s", err);
			goto out;
		}
		if (r == CD_OK)
			r = buf_puts(&rp->body, "{}");
	} else if (!strcmp(path, "/_emu/credentials") && post) {
		/* Rotation: the old session token becomes "expired", as after a real expiry. */
		char akid[AUTH_STR_MAX], secret[AUTH_STR_MAX], token[AUTH_STR_MAX] = "";
		json_t *t = json_object_get(in, "SessionToken");
		if (!copy_cred(akid, json_object_get(in, "AccessKeyId")) ||
		    !copy_cred(secret, json_object_get(in, "SecretAccessKey")) ||
		    (t && !copy_cred(token, t))) {
			reply_error(rp, 400, "InvalidParameterException", "message",
				    "AccessKeyId and SecretAccessKey are required strings");
			goto out;
		}
		pthread_mutex_lock(&s->auth_lock);
		memcpy(s->old_token, s->token, sizeof s->token);
		memcpy(s->akid, akid, sizeof akid);
		memcpy(s->secret, secret, sizeof secret);
		memcpy(s->token, token, sizeof token);
		pthread_mutex_unlock(&s->auth_lock);
		r = buf_puts(&rp->body, "{}");
	} else {
		reply_error(rp, 404, "UnknownOperationException", "message",
			    "unknown admin request %.8s %.100s (GET /_emu/stats, POST /_emu/reset-stats, "
			    "/_emu/mutate, /_emu/users/ID, /_emu/credentials; GET /_emu/resources, "
			    "/_emu/live-users)", method, path);
		goto out;
	}
	if (r != CD_OK)
		reply_error(rp, 500, "InternalServiceException", "message", "admin request failed");
out:
	json_decref(in);
}

/* ---- request plumbing ---- */

static const char *conn_header(void *ctx, const char *name)
{
	return MHD_lookup_connection_value(ctx, MHD_HEADER_KIND, name);
}

static bool authorised(struct emu_server *s, struct MHD_Connection *c, const char *service,
		       const char *method, const char *path, const char *query,
		       const struct buf *body, struct reply *rp)
{
	char msg[512];
	/* Copies, so a rotation in another thread cannot change strings under the check. */
	static _Thread_local char akid[AUTH_STR_MAX], secret[AUTH_STR_MAX], token[AUTH_STR_MAX],
		old[AUTH_STR_MAX];
	pthread_mutex_lock(&s->auth_lock);
	memcpy(akid, s->akid, sizeof akid);
	memcpy(secret, s->secret, sizeof secret);
	memcpy(token, s->token, sizeof token);
	memcpy(old, s->old_token, sizeof old);
	pthread_mutex_unlock(&s->auth_lock);
	struct emu_auth a = {
		.access_key_id = akid, .secret_access_key = secret, .session_token = token,
		.region = s->region, .expired_token = old,
	};
	struct emu_auth_request rq = {
		.method = method, .path = path, .query = query, .body = body->data,
		.body_len = body->len, .header = conn_header, .ctx = c, .now = time(NULL),
		.service = service,
	};
	const char *name = emu_auth_check(&a, &rq, msg, sizeof msg);
	if (!name)
		return true;
	atomic_fetch_add(&s->auth_failures, 1);
	reply_error(rp, 403, name, "message", "%s", msg);
	return false;
}

/* Splits "/a/b/c" into at most max decoded segments; false on bad encoding or too many. */
static int split_path(const char *path, char seg[][512], int max)
{
	int n = 0;
	const char *p = path;
	while (*p == '/') {
		p++;
		size_t len = strcspn(p, "/");
		if (n == max || !pct_decode(p, len, false, seg[n], 512))
			return -1;
		n++;
		p += len;
	}
	return *p ? -1 : n;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Service Quotas on the same port (emu_quotas.c): counted apart from the Connect operations,
 * signed for "servicequotas", never throttled or faulted. */
static void service_quotas(struct emu_server *s, struct MHD_Connection *c, const char *method,
			   const char *path, const char *query, struct req *rq, const char *target,
			   struct reply *rp)
{
	atomic_fetch_add(&s->sq_requests, 1);
	if (s->latency_ms)
		sleep_ms(s->latency_ms);
	if (strcmp(method, "POST") || strcmp(path, "/")) {
		atomic_fetch_add(&s->unknown, 1);
		reply_error(rp, 404, "UnknownOperationException", "message",
			    "Service Quotas is POST / (connect-emu got %.8s %.200s)", method, path);
		return;
	}
	if (rq->too_big) {
		reply_error(rp, 413, "RequestEntityTooLargeException", "message",
			    "the request body is larger than %u bytes", BODY_MAX);
		return;
	}
	if (s->verify && !authorised(s, c, EMU_SQ_SIGNING_NAME, method, path, query, &rq->body, rp))
		return;
	static const struct emu_quota none;
	rp->status = emu_quotas_answer(s->quota ? s->quota : &none, s->deny_service_quotas,
				       s->region, target, rq->body.data, rq->body.len, &rp->body,
				       &rp->error);
	if (rp->error && !strcmp(rp->error, "AccessDeniedException"))
		atomic_fetch_add(&s->sq_denied, 1);
}

static void handle(struct emu_server *s, struct MHD_Connection *c, const char *method,
		   struct req *rq, struct reply *rp)
{
	char pathbuf[2048];
	char seg[4][512];
	size_t plen = strcspn(rq->uri, "?");
	const char *query = rq->uri[plen] ? rq->uri + plen + 1 : "";
	if (plen >= sizeof pathbuf) {
		reply_error(rp, 400, "InvalidRequestException", "Message", "the URL is too long");
		return;
	}
	memcpy(pathbuf, rq->uri, plen);
	pathbuf[plen] = '\0';
	if (!strncmp(pathbuf, "/_emu/", 6)) {
		admin(s, method, pathbuf, rq->body.data, rq->body.len, rp);
		return;
	}
	const char *target = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Amz-Target");
	if (emu_quotas_is_target(target)) {
		service_quotas(s, c, method, pathbuf, query, rq, target, rp);
		return;
	}
	int n = split_path(pathbuf, seg, 4);
	int op = -1;
	bool get = !strcmp(method, "GET"), post = !strcmp(method, "POST");
	if (get && n == 2 && !strcmp(seg[0], "users-summary"))
		op = EMU_OP_LIST_USERS;
	else if (get && n == 3 && !strcmp(seg[0], "users"))
		op = EMU_OP_DESCRIBE_USER;
	else if (post && n == 1 && !strcmp(seg[0], "search-users"))
		op = EMU_OP_SEARCH_USERS;
	else if (get && n == 1 && !strcmp(seg[0], "instance"))
		op = EMU_OP_LIST_INSTANCES;
	else if (n > 0 && (op = emu_names_route(method, seg, n)) < 0)
		op = emu_act_route(method, seg, n);
	if (op < 0) {
		atomic_fetch_add(&s->unknown, 1);
		reply_error(rp, 404, "UnknownOperationException", "message",
			    "connect-emu does not serve %.8s %.200s", method, pathbuf);
		return;
	}
	struct op_counters *oc = &s->ops[op];
	atomic_fetch_add(&oc->requests, 1);
	/* before any verdict: refusals and throttles cost a round trip too */
	if (s->latency_ms)
		sleep_ms(s->latency_ms);
	if (rq->too_big) {
		reply_error(rp, 413, "RequestEntityTooLargeException", "message",
			    "the request body is larger than %u bytes", BODY_MAX);
		return;
	}
	if (s->verify && !authorised(s, c, "connect", method, pathbuf, query, &rq->body, rp))
		return;
	if (s->quota && !emu_quota_take(s->quota, (enum emu_op)op, emu_now())) {
		atomic_fetch_add(&oc->throttles, 1);
		reply_error(rp, 429, "ThrottlingException", "Message", "Rate exceeded");
		return;
	}
	if (s->deny[op]) { /* serve --deny: credentials without this permission */
		reply_error(rp, 403, "AccessDeniedException", "Message",
			    "User: arn:aws:iam::%s:user/emu is not authorized to perform: connect:%s "
			    "on resource: %s", "123456789012", emu_op_names[op],
			    emu_store_instance_arn(s->store));
		return;
	}
	enum emu_fault_kind fk = s->fault ? emu_fault_pick(s->fault) : EMU_FAULT_NONE;
	if (fk != EMU_FAULT_NONE)
		atomic_fetch_add(&oc->faults, 1);
	switch (fk) {
	case EMU_FAULT_500:
		reply_error(rp, 500, "InternalServiceException", "Message",
			    "Request processing failed because of an error or failure with the service.");
		return;
	case EMU_FAULT_503:
		reply_error(rp, 503, "ServiceUnavailableException", "message",
			    "Service is unable to handle request.");
		return;
	case EMU_FAULT_DROP:
		rp->drop = true;
		return;
	case EMU_FAULT_TRUNCATE:
		rp->truncate = true;
		break;
	case EMU_FAULT_SLOW:
		sleep_ms(s->fault->slow_ms);
		break;
	default:
		break;
	}
	switch (op) {
	case EMU_OP_LIST_USERS:
		op_list_users(s, seg[1], query, rp);
		break;
	case EMU_OP_DESCRIBE_USER:
		op_describe_user(s, seg[1], seg[2], rp);
		break;
	case EMU_OP_SEARCH_USERS:
		op_search_users(s, buf_str(&rq->body), rq->body.len, rp);
		break;
	case EMU_OP_LIST_INSTANCES:
		op_list_instances(s, query, rp);
		break;
	case EMU_OP_LIST_ROUTING_PROFILES:
	case EMU_OP_LIST_SECURITY_PROFILES:
	case EMU_OP_LIST_USER_HIERARCHY_GROUPS: {
		struct emu_act_reply ar = { .body = &rp->body };
		emu_names_handle(op, s->store, s->page_key, seg, n, query, &ar);
		if (ar.error)
			reply_error(rp, ar.status, ar.error, "Message", "%s", ar.message);
		break;
	}
	default: {
		struct emu_act_reply ar = { .body = &rp->body };
		emu_act_handle(op, s->store, s->resources, s->page_key, seg, n, query,
			       buf_str(&rq->body), rq->body.len, &ar);
		if (ar.error)
			reply_error(rp, ar.status, ar.error, "Message", "%s", ar.message);
	}
	}
	if (rp->error)
		atomic_fetch_add(&oc->errors, 1);
}

struct cut {
	char *data;
	size_t len;   /* bytes actually sent before the connection is cut */
};

static ssize_t cut_reader(void *cls, uint64_t pos, char *out, size_t max)
{
	struct cut *ct = cls;
	if (pos >= ct->len)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	size_t n = ct->len - (size_t)pos;
	if (n > max)
		n = max;
	memcpy(out, ct->data + pos, n);
	return (ssize_t)n;
}

static void cut_free(void *cls)
{
	struct cut *ct = cls;
	free(ct->data);
	free(ct);
}

static enum MHD_Result send_reply(struct emu_server *s, struct MHD_Connection *c, struct reply *rp)
{
	struct MHD_Response *resp;
	size_t len;
	char *data = buf_detach(&rp->body, &len);
	if (!data)
		return MHD_NO;
	if (rp->truncate && len > 1) {
		struct cut *ct = malloc(sizeof *ct);
		if (!ct) {
			free(data);
			return MHD_NO;
		}
		ct->data = data;
		ct->len = len / 2;
		resp = MHD_create_response_from_callback(len, 4096, cut_reader, ct, cut_free);
		if (!resp)
			cut_free(ct);
	} else {
		resp = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
		if (!resp)
			free(data);
	}
	if (!resp)
		return MHD_NO;
	char rid[48];
	unsigned long id = atomic_fetch_add(&s->request_id, 1) + 1;
	snprintf(rid, sizeof rid, "e0000000-0000-4000-8000-%012lx", id & 0xffffffffffffUL);
	MHD_add_response_header(resp, "Content-Type", "application/json");
	MHD_add_response_header(resp, "x-amzn-RequestId", rid);
	if (rp->error)
		MHD_add_response_header(resp, "x-amzn-ErrorType", rp->error);
	enum MHD_Result ret = MHD_queue_response(c, rp->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct emu_server *s = cls;
	struct req *rq = *con_cls;
	if (!rq)
		return MHD_NO;
	if (!rq->started) {
		rq->started = true;
		return MHD_YES;
	}
	if (*upload_size) {
		if (!rq->too_big && buf_append(&rq->body, upload, *upload_size) != CD_OK)
			rq->too_big = true;
		*upload_size = 0;
		return MHD_YES;
	}
	struct reply rp = { .status = 200, .body = BUF_INIT(REPLY_MAX) };
	handle(s, c, method, rq, &rp);
	enum MHD_Result ret = MHD_NO;
	if (!rp.drop)
		ret = send_reply(s, c, &rp);
	if (s->on_reply) {
		size_t plen = strcspn(rq->uri, "?");
		char path[512];
		snprintf(path, sizeof path, "%.*s", (int)(plen < sizeof path ? plen : sizeof path - 1),
			 rq->uri);
		s->on_reply(s->on_reply_ctx, method, path, rp.drop ? 0 : rp.status, rp.error);
	}
	buf_release(&rp.body);
	return ret;
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct req *rq = calloc(1, sizeof *rq);
	if (!rq)
		return NULL;
	buf_init(&rq->body, BODY_MAX);
	if (!(rq->uri = strdup(uri))) {
		free(rq);
		return NULL;
	}
	return rq;
}

static void on_done(void *cls, struct MHD_Connection *c, void **con_cls,
		    enum MHD_RequestTerminationCode toe)
{
	struct req *rq = *con_cls;
	if (!rq)
		return;
	free(rq->uri);
	buf_release(&rq->body);
	free(rq);
	*con_cls = NULL;
}

/* libmicrohttpd unescapes the path it hands the handler; we route on the raw URI kept by
 * on_uri (SigV4 signs the path as sent), so its own unescaping is switched off. */
static size_t no_unescape(void *cls, struct MHD_Connection *c, char *s)
{
	return strlen(s);
}

/* ---- the change ticker (--mutate-rate) ---- */

static void *ticker_main(void *arg)
{
	struct emu_server *s = arg;
	double owed = 0, last = emu_now();
	pthread_mutex_lock(&s->tick_lock);
	while (!s->stopping) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 100000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&s->tick_cond, &s->tick_lock, &until);
		if (s->stopping)
			break;
		double now = emu_now();
		owed += (now - last) * s->mutate_rate;
		last = now;
		unsigned kinds[3] = { 0, 0, 0 };
		for (; owed >= 1; owed -= 1) {
			s->rng += 0x9e3779b97f4a7c15ULL;
			uint64_t z = s->rng;
			z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
			z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
			kinds[(z ^ (z >> 31)) % 3]++;
		}
		if (kinds[0] + kinds[1] + kinds[2]) {
			pthread_mutex_unlock(&s->tick_lock);
			emu_store_mutate(s->store, kinds[0], kinds[1], kinds[2], NULL);
			pthread_mutex_lock(&s->tick_lock);
		}
	}
	pthread_mutex_unlock(&s->tick_lock);
	return NULL;
}

/* ---- start / stop ---- */

static bool set_cred(char *dst, const char *src)
{
	size_t n = src ? strlen(src) : 0;
	if (n >= AUTH_STR_MAX)
		return false;
	memcpy(dst, src ? src : "", n + 1);
	return true;
}

enum cd_result emu_server_start(const struct emu_server_opts *o, struct emu_server **out,
				char *err, size_t errlen)
{
	enum cd_result r = CD_NOMEM;
	struct emu_server *s = calloc(1, sizeof *s);
	*out = NULL;
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return CD_NOMEM;
	}
	s->store = o->store;
	s->quota = o->quota;
	s->fault = o->fault;
	memcpy(s->deny, o->deny, sizeof s->deny);
	s->resources = o->resources;
	s->latency_ms = o->latency_ms;
	s->deny_service_quotas = o->deny_service_quotas;
	s->page_key = o->seed * 0x9e3779b97f4a7c15ULL + 0x7a6e;
	s->mutate_rate = o->mutate_rate;
	s->on_reply = o->on_reply;
	s->on_reply_ctx = o->on_reply_ctx;
	s->rng = o->seed ^ 0x3c3c3c3cULL;
	pthread_mutex_init(&s->auth_lock, NULL);
	pthread_mutex_init(&s->tick_lock, NULL);
	pthread_cond_init(&s->tick_cond, NULL);
	snprintf(s->region, sizeof s->region, "%s", emu_store_region(o->store));
	if (o->auth) {
		s->verify = true;
		if (!set_cred(s->akid, o->auth->access_key_id) ||
		    !set_cred(s->secret, o->auth->secret_access_key) ||
		    !set_cred(s->token, o->auth->session_token)) {
			snprintf(err, errlen, "credentials too long");
			r = CD_USAGE;
			goto out;
		}
	}
	struct sockaddr_in addr;
	memset(&addr, 0, sizeof addr);
	addr.sin_family = AF_INET;
	addr.sin_port = htons(o->port);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
					MHD_USE_POLL,
				o->port, NULL, NULL, on_request, s,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
				MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
				MHD_OPTION_NOTIFY_COMPLETED, on_done, s,
				MHD_OPTION_UNESCAPE_CALLBACK, no_unescape, s,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned int)512,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)120,
				MHD_OPTION_END);
	if (!s->d) {
		snprintf(err, errlen, "cannot listen on 127.0.0.1:%u: %s", o->port,
			 errno ? strerror(errno) : "libmicrohttpd refused to start");
		r = CD_IO;
		goto out;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	s->port = info ? info->port : o->port;
	if (o->mutate_rate > 0) {
		if (pthread_create(&s->ticker, NULL, ticker_main, s)) {
			snprintf(err, errlen, "cannot start the change thread");
			r = CD_INTERNAL;
			goto out;
		}
		s->ticker_running = true;
	}
	*out = s;
	s = NULL;
	r = CD_OK;
out:
	emu_server_stop(s);
	return r;
}

uint16_t emu_server_port(const struct emu_server *s)
{
	return s->port;
}

void emu_server_stop(struct emu_server *s)
{
	if (!s)
		return;
	if (s->ticker_running) {
		pthread_mutex_lock(&s->tick_lock);
		s->stopping = true;
		pthread_cond_signal(&s->tick_cond);
		pthread_mutex_unlock(&s->tick_lock);
		pthread_join(s->ticker, NULL);
	}
	if (s->d)
		MHD_stop_daemon(s->d);
	pthread_mutex_destroy(&s->auth_lock);
	pthread_mutex_destroy(&s->tick_lock);
	pthread_cond_destroy(&s->tick_cond);
	free(s);
}
