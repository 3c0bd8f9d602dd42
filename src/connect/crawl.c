/* crawl.c -- the fetch plan: three operations at their quotas on one libcurl multi handle, into the cache. */
/* One file on purpose (about 1,130 lines): the queues, the listings, the batches and the answers all
 * work on one struct crawl inside one event loop; split, that state would need a private header
 * shared by every part. Signing, retries and buckets already live in their own modules; what
 * issue 15 added (looping tokens, the stall budget, malformed items) is bookkeeping of that
 * same state. */
#include "connect/crawl.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/http.h"
#include "connect/ratelimit.h"
#include "connect/retry.h"
#include "connect/session.h"
#include "grow.h"
#include "hash.h"
#include "store/cache.h"

#define BACKOFF_BASE 0.5     /* seconds: first retry waits up to this */
#define BACKOFF_CAP 20.0     /* and no retry waits longer */
#define MAX_THROTTLES 200    /* per request: a bucket that never recovers is a bug, not a quota */
#define BATCH_SECONDS 0.5    /* DescribeUser results are committed at least this often */
#define TICK_SECONDS 0.25    /* progress callback period */
#define POLL_MAX_MS 100      /* the loop wakes at least this often (signals, batches) */
#define STALL_DEFAULT 600.0  /* seconds without progress before the crawl stops */
#define ETA_RATE_TAU 10.0    /* seconds: time constant of the rates the ETA uses */
#define ETA_TAU 5.0          /* seconds: time constant of the ETA itself */
/* A listing longer than this is looping, whatever its tokens: a page holds at least one user on
 * average, and users added during the scan do not double the instance. */
#define LISTING_MAX_PAGES(total) ((total) + 100)
#define LISTING_MAX_USERS(total) (2 * (total) + 1000)

double crawl_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* --- the crawl's state ------------------------------------------------------------------- */

/* One request to make (and remake): a listing page or one user's DescribeUser. */
struct job {
	enum api_op op;
	char *id;             /* DescribeUser: the user id (owned) */
	unsigned attempts;    /* failed tries that count against the budget */
	unsigned throttles;
	bool refreshed;       /* credentials were refreshed for this request already */
	unsigned creds_gen;   /* the credentials generation it was signed with */
	double first_try;     /* clock of the first send, 0 before */
	double not_before;    /* backoff: do not send before */
	struct job *prev, *next; /* DescribeUser jobs: the crawl's list of live jobs */
};

/* Hashes of the pagination tokens a listing has given (open addressing; 0 marks a free slot). */
struct tokset {
	uint64_t *slot;
	size_t cap, n;
};

struct listing {
	struct job job;
	char *next_token;
	struct tokset seen;   /* every NextToken this listing gave: a repeat is a loop */
	bool active;          /* this listing runs in this crawl */
	bool in_flight;
	bool done;            /* reached its last page */
	bool failed;          /* gave up on a page */
	long long pos;        /* users so far: the next one's position */
};

/* A set of user ids already queued in this crawl (open addressing, owned strings). */
struct idset {
	char **slot;
	size_t cap, n;
};

struct crawl {
	const struct crawl_opts *o;
	struct http_client *http;
	struct crawl_stats *st;
	struct ratelimit rl[API_NOPS];
	struct listing search, list;
	struct idset queued;
	struct job **ready;   /* DescribeUser jobs waiting for a token, FIFO from head */
	size_t ready_head, ready_n, ready_cap;
	struct job **later;   /* jobs in backoff */
	size_t later_n, later_cap;
	size_t in_flight;
	bool batch_open;
	size_t batch_n;
	double batch_t;
	double t0;
	double last_success;
	bool swept;           /* the final cache_needs_describe sweep was done */
	bool estimated;
	enum cd_result fatal; /* CD_OK while the crawl goes on */
	char fatal_msg[1536];
	struct retry_policy retry; /* 5xx and network errors */
	struct retry_jitter jitter;
	struct cache_need_opts need;
	struct job *live;     /* every DescribeUser job not yet freed, wherever it is */
	unsigned creds_gen;   /* bumped at each refresh: requests signed before just retry */
	double last_progress; /* clock of the last user listed, described or found deleted */
	double stall;         /* seconds without progress before stopping */
	double last_update;   /* clock of the last update_stats */
	double eta_rate[API_NOPS]; /* the buckets' rates, smoothed for the ETA (0: not yet) */
	char stopped_msg[320];     /* the first listing given up on, for the final message */
};

/* Adds a token's hash; *seen is true when it was there already. */
static bool tokset_add(struct tokset *s, const char *tok, bool *seen)
{
	uint64_t h = hash_bytes(tok, strlen(tok));
	if (h == 0)
		h = 1;
	*seen = false;
	if ((s->n + 1) * 2 > s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 64;
		uint64_t *nslot = calloc(ncap, sizeof *nslot);
		if (!nslot)
			return false;
		for (size_t i = 0; i < s->cap; i++) {
			if (!s->slot[i])
				continue;
			size_t k = (size_t)s->slot[i] & (ncap - 1);
			while (nslot[k])
				k = (k + 1) & (ncap - 1);
			nslot[k] = s->slot[i];
		}
		free(s->slot);
		s->slot = nslot;
		s->cap = ncap;
	}
	size_t k = (size_t)h & (s->cap - 1);
	while (s->slot[k]) {
		if (s->slot[k] == h) {
			*seen = true;
			return true;
		}
		k = (k + 1) & (s->cap - 1);
	}
	s->slot[k] = h;
	s->n++;
	return true;
}

static bool idset_add(struct idset *s, const char *id, bool *added)
{
	*added = false;
	if ((s->n + 1) * 2 > s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 1024;
		char **nslot = calloc(ncap, sizeof *nslot);
		if (!nslot)
			return false;
		for (size_t i = 0; i < s->cap; i++) {
			if (!s->slot[i])
				continue;
			size_t h = (size_t)hash_bytes(s->slot[i], strlen(s->slot[i])) & (ncap - 1);
			while (nslot[h])
				h = (h + 1) & (ncap - 1);
			nslot[h] = s->slot[i];
		}
		free(s->slot);
		s->slot = nslot;
		s->cap = ncap;
	}
	size_t h = (size_t)hash_bytes(id, strlen(id)) & (s->cap - 1);
	while (s->slot[h]) {
		if (strcmp(s->slot[h], id) == 0)
			return true;
		h = (h + 1) & (s->cap - 1);
	}
	s->slot[h] = strdup(id);
	if (!s->slot[h])
		return false;
	s->n++;
	*added = true;
	return true;
}

static void idset_release(struct idset *s)
{
	for (size_t i = 0; i < s->cap; i++)
		free(s->slot[i]);
	free(s->slot);
}

static void job_free(struct crawl *c, struct job *j)
{
	if (!j)
		return;
	if (j->prev)
		j->prev->next = j->next;
	else if (c->live == j)
		c->live = j->next;
	if (j->next)
		j->next->prev = j->prev;
	free(j->id);
	free(j);
}

static void set_fatal(struct crawl *c, enum cd_result r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_fatal(struct crawl *c, enum cd_result r, const char *fmt, ...)
{
	if (c->fatal != CD_OK)
		return;
	c->fatal = r;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->fatal_msg, sizeof c->fatal_msg, fmt, ap);
	va_end(ap);
}

static void notice(struct crawl *c, enum crawl_notice_kind kind, enum api_op op, const char *id,
		   bool dropped, const char *why)
{
	struct crawl_notice n = { .kind = kind, .op = op, .id = id, .why = why, .dropped = dropped };
	if (c->o->notice)
		c->o->notice(c->o->progress_ctx, &n);
}

static bool push_ptr(struct job ***v, size_t *n, size_t *cap, struct job *j)
{
	if (ARRAY_GROW(*v, *n + 1, *cap, GROW_MAX_ELEMS) != CD_OK)
		return false;
	(*v)[(*n)++] = j;
	return true;
}

static bool ready_push(struct crawl *c, struct job *j)
{
	/* Reclaim the consumed head before growing, so a long crawl's queue stays compact. */
	if (c->ready_head > 0 && c->ready_head + c->ready_n == c->ready_cap) {
		memmove(c->ready, c->ready + c->ready_head, c->ready_n * sizeof *c->ready);
		c->ready_head = 0;
	}
	size_t end = c->ready_head + c->ready_n;
	if (!push_ptr(&c->ready, &end, &c->ready_cap, j))
		return false;
	c->ready_n++;
	return true;
}

/* Queues DescribeUser for id unless it was queued already in this crawl. */
static void queue_describe(struct crawl *c, const char *id)
{
	bool added;
	if (!idset_add(&c->queued, id, &added)) {
		set_fatal(c, CD_NOMEM, "out of memory queueing users");
		return;
	}
	if (!added)
		return;
	struct job *j = calloc(1, sizeof *j);
	if (j) {
		j->next = c->live;
		if (c->live)
			c->live->prev = j;
		c->live = j;
		j->id = strdup(id);
	}
	if (!j || !j->id || !ready_push(c, j)) {
		job_free(c, j);
		set_fatal(c, CD_NOMEM, "out of memory queueing users");
		return;
	}
	j->op = API_DESCRIBE_USER;
	c->st->queued++;
	c->st->op[API_DESCRIBE_USER].total = c->st->queued;
}

/* --- cache batches ----------------------------------------------------------------------- */

static void batch_close(struct crawl *c)
{
	char err[256];
	if (!c->batch_open)
		return;
	c->batch_open = false;
	if (cache_commit(c->o->cache, err, sizeof err) != CD_OK)
		set_fatal(c, CD_IO, "cache: %s", err);
}

static bool batch_ensure(struct crawl *c, double now)
{
	char err[256];
	if (c->batch_open)
		return true;
	if (cache_begin(c->o->cache, err, sizeof err) != CD_OK) {
		set_fatal(c, CD_IO, "cache: %s", err);
		return false;
	}
	c->batch_open = true;
	c->batch_n = 0;
	c->batch_t = now;
	return true;
}

/* --- sending ----------------------------------------------------------------------------- */

static enum cd_result build(struct crawl *c, struct job *j, struct api_request *req, char *err,
			    size_t errlen)
{
	const char *inst = c->o->instance_id;
	switch (j->op) {
	case API_SEARCH_USERS:
		return api_search_users(req, inst, c->search.next_token, API_MAX_SEARCH_USERS, err,
					errlen);
	case API_LIST_USERS:
		return api_list_users(req, inst, c->list.next_token, API_MAX_LIST_USERS, err,
				      errlen);
	case API_DESCRIBE_USER:
		return api_describe_user(req, inst, j->id, err, errlen);
	default:
		snprintf(err, errlen, "no request for %s", api_op_name(j->op));
		return CD_INTERNAL;
	}
}

static bool get_creds(struct crawl *c, bool refresh, struct sigv4_creds *cr)
{
	char err[256];
	enum cd_result r = c->o->creds(c->o->creds_ctx, refresh, cr, err, sizeof err);
	if (r != CD_OK) {
		set_fatal(c, r == CD_NOMEM ? r : CD_AUTH, "credentials: %s", err);
		return false;
	}
	return true;
}

static bool submit(struct crawl *c, struct job *j, double now)
{
	char err[256];
	struct api_request req;
	struct sigv4_creds cr;
	struct connect_signed *s = malloc(sizeof *s);
	bool ok = false;
	if (!s) {
		set_fatal(c, CD_NOMEM, "out of memory sending a request");
		return false;
	}
	enum cd_result r = build(c, j, &req, err, sizeof err);
	if (r != CD_OK) {
		if (j->op == API_DESCRIBE_USER && r == CD_INPUT) {
			/* An id the service should never have sent: record it, go on. */
			char e2[256];
			if (cache_record_failure(c->o->cache, j->id, "DescribeUser", err, e2,
						 sizeof e2) != CD_OK)
				set_fatal(c, CD_IO, "cache: %s", e2);
			c->st->failed++;
			c->st->op[j->op].failed++;
			job_free(c, j);
		} else {
			set_fatal(c, r, "%s", err);
		}
		goto out;
	}
	if (!get_creds(c, false, &cr))
		goto out_req;
	r = connect_sign(&req, c->o->endpoint, c->o->region, &cr, s, err, sizeof err);
	if (r != CD_OK) {
		set_fatal(c, r, "%s", err);
		goto out_req;
	}
	struct http_request hr = {
		.method = req.method,
		.url = s->url,
		.headers = s->headers,
		.nheaders = s->nheaders,
		.body = req.body.len ? req.body.data : NULL,
		.body_len = req.body.len,
		.user = j,
	};
	r = http_submit(c->http, &hr);
	if (r != CD_OK) {
		set_fatal(c, r, "cannot send %s", api_op_name(j->op));
		goto out_req;
	}
	if (j->first_try == 0)
		j->first_try = now;
	j->creds_gen = c->creds_gen;
	c->in_flight++;
	ok = true;
out_req:
	api_request_release(&req);
out:
	explicit_bzero(s, sizeof *s); /* the signature and token do not linger */
	free(s);
	return ok;
}

/* Starts whatever the buckets allow; returns the seconds until the next bucket token. */
static double dispatch(struct crawl *c, double now)
{
	double wake = INFINITY;
	unsigned conc = c->o->concurrency ? c->o->concurrency : 32;
	/* Jobs whose backoff is over go back to the front of their queue. */
	for (size_t i = 0; i < c->later_n;) {
		struct job *j = c->later[i];
		if (j->not_before > now) {
			if (j->not_before - now < wake)
				wake = j->not_before - now;
			i++;
			continue;
		}
		c->later[i] = c->later[--c->later_n];
		if (j->op == API_DESCRIBE_USER) {
			if (c->ready_head > 0) {
				c->ready[--c->ready_head] = j;
				c->ready_n++;
			} else if (!ready_push(c, j)) {
				set_fatal(c, CD_NOMEM, "out of memory");
				return 0;
			}
		}
		/* listing jobs are embedded in struct listing: the listing loop picks them up */
	}
	struct listing *ls[2] = { &c->search, &c->list };
	for (int k = 0; k < 2; k++) {
		struct listing *l = ls[k];
		if (!l->active || l->done || l->failed || l->in_flight || c->in_flight >= conc)
			continue;
		if (l->job.not_before > now)
			continue;
		double w = ratelimit_take(&c->rl[l->job.op], now);
		if (w > 0) {
			if (w < wake)
				wake = w;
			continue;
		}
		if (submit(c, &l->job, now))
			l->in_flight = true;
		else
			ratelimit_refund(&c->rl[l->job.op]);
		if (c->fatal)
			return 0;
	}
	while (c->ready_n > 0 && c->in_flight < conc && !c->fatal) {
		double w = ratelimit_take(&c->rl[API_DESCRIBE_USER], now);
		if (w > 0) {
			if (w < wake)
				wake = w;
			break;
		}
		struct job *j = c->ready[c->ready_head++];
		c->ready_n--;
		if (!submit(c, j, now))
			ratelimit_refund(&c->rl[API_DESCRIBE_USER]);
	}
	return wake;
}

/* --- answers ----------------------------------------------------------------------------- */

static void describe_failed(struct crawl *c, struct job *j, const char *why)
{
	char err[256];
	if (cache_record_failure(c->o->cache, j->id, "DescribeUser", why, err, sizeof err) !=
	    CD_OK)
		set_fatal(c, CD_IO, "cache: %s", err);
	c->st->failed++;
	c->st->op[API_DESCRIBE_USER].failed++;
	job_free(c, j);
}

static struct listing *listing_of(struct crawl *c, struct job *j)
{
	return j == &c->search.job ? &c->search : j == &c->list.job ? &c->list : NULL;
}

/* Gives up on a listing: the users after this point are not listed by it (the reports are
 * partial); named through the notice callback and in the crawl's final message. */
static void listing_stop(struct crawl *c, struct listing *l, const char *why)
{
	char line[320];
	enum api_op op = l->job.op;
	l->in_flight = false;
	l->failed = true;
	c->st->op[op].failed++;
	snprintf(line, sizeof line, "%s listing stopped after %zu page(s): %s", api_op_name(op),
		 c->st->op[op].done, why);
	if (!c->stopped_msg[0])
		snprintf(c->stopped_msg, sizeof c->stopped_msg, "%s", line);
	notice(c, CRAWL_NOTICE_LISTING_STOPPED, op, NULL, false, line);
}

/* A request failed in a way worth another try. */
static void retry_later(struct crawl *c, struct job *j, double now, double delay,
			const char *why)
{
	struct listing *l = listing_of(c, j);
	if (l)
		l->in_flight = false;
	j->not_before = now + delay;
	if (l) {
		if (!push_ptr(&c->later, &c->later_n, &c->later_cap, j))
			set_fatal(c, CD_NOMEM, "out of memory");
		return;
	}
	if (delay <= 0) {
		if (!ready_push(c, j))
			set_fatal(c, CD_NOMEM, "out of memory");
	} else if (!push_ptr(&c->later, &c->later_n, &c->later_cap, j)) {
		set_fatal(c, CD_NOMEM, "out of memory");
	}
	(void)why;
}

/* 5xx, unreadable answer or network error: back off and retry, or give up. */
static void transient(struct crawl *c, struct job *j, double now, const char *why, bool network)
{
	struct crawl_op_stats *os = &c->st->op[j->op];
	j->attempts++;
	if (retry_again(&c->retry, j->attempts)) {
		os->retries++;
		retry_later(c, j, now, retry_delay(&c->retry, j->attempts, &c->jitter), why);
		return;
	}
	/* Out of budget. If nothing at all has worked since this request was first tried, the
	 * service (or the network to it) is gone: stop rather than grind through every user. */
	if (network && c->last_success < j->first_try) {
		set_fatal(c, CD_NETWORK, "%s: no answer after %u attempts (%s)",
			  api_op_name(j->op), j->attempts, why);
		struct listing *l = listing_of(c, j);
		if (l)
			l->in_flight = false;
		else
			job_free(c, j);
		return;
	}
	struct listing *l = listing_of(c, j);
	if (l) {
		char line[320];
		snprintf(line, sizeof line, "gave up after %u attempts: %s", j->attempts, why);
		listing_stop(c, l, line);
		return;
	}
	os->failed++;
	char msg[320];
	snprintf(msg, sizeof msg, "%s (after %u attempts)", why, j->attempts);
	describe_failed(c, j, msg);
}

static void on_page(struct crawl *c, struct listing *l, const struct http_response *resp,
		    double now)
{
	char err[256];
	struct api_page p;
	api_page_init(&p);
	enum api_op op = l->job.op;
	enum cd_result r = op == API_SEARCH_USERS
				   ? api_parse_search_users(resp->body.data, resp->body.len, &p, err,
							    sizeof err)
				   : api_parse_list_users(resp->body.data, resp->body.len, &p, err,
							  sizeof err);
	if (r != CD_OK) {
		api_page_release(&p);
		if (r == CD_NOMEM)
			set_fatal(c, r, "%s", err);
		else
			transient(c, &l->job, now, err, false);
		return;
	}
	/* in_flight stays set while the page is stored: the dispatches below must not send the
	 * listing's next request before next_token is known. */
	batch_close(c);
	if (c->fatal || !batch_ensure(c, now))
		goto out;
	double wall = (double)time(NULL);
	for (size_t i = 0; i < p.users.n && !c->fatal; i++) {
		const struct user *u = &p.users.v[i];
		struct user_fields f = {
			.id = u->id, .arn = u->arn, .username = u->username,
			.first_name = u->first_name, .last_name = u->last_name,
			.desk_phone = u->desk_phone, .directory_user_id = u->directory_user_id,
			.routing_profile_id = u->routing_profile_id,
			.hierarchy_group_id = u->hierarchy_group_id,
			.last_modified_region = u->last_modified_region,
			.security_profiles = u->security_profiles,
			.last_modified = u->last_modified, .raw = u->raw, .raw_len = u->raw_len,
		};
		r = op == API_SEARCH_USERS
			    ? cache_put_searched(c->o->cache, c->o->scan_id, &f, l->pos, wall, err,
						 sizeof err)
			    : cache_put_listed(c->o->cache, c->o->scan_id, &f, l->pos, err,
					       sizeof err);
		l->pos++;
		bool need = false;
		if (r == CD_OK && c->o->describe)
			r = cache_check_describe(c->o->cache, u->id, &c->need, &need, err,
						 sizeof err);
		if (r != CD_OK) {
			set_fatal(c, r == CD_NOMEM ? r : CD_IO, "cache: %s", err);
			break;
		}
		if (need)
			queue_describe(c, u->id);
		/* A page takes tens of milliseconds to store: keep DescribeUser flowing meanwhile
		 * rather than let its bucket overflow (submitting touches no cache state). */
		if ((i & 63) == 63)
			dispatch(c, crawl_now());
	}
	batch_close(c);
	if (c->fatal)
		goto out;
	if (op == API_SEARCH_USERS) {
		c->st->searched += p.users.n;
		if (p.approx_total >= 0)
			c->st->approx_total = p.approx_total;
	} else {
		c->st->listed += p.users.n;
	}
	c->st->op[op].done++;
	if (p.users.n > 0)
		c->last_progress = now;
	for (size_t i = 0; i < p.nbad; i++) {
		const struct api_bad_item *b = &p.bad[i];
		char line[320];
		snprintf(line, sizeof line, "%s page %zu, item %zu: %s%s", api_op_name(op),
			 c->st->op[op].done, b->index + 1, b->why,
			 b->dropped ? " (dropped)" : " (kept without it)");
		c->st->malformed++;
		notice(c, CRAWL_NOTICE_MALFORMED, op, b->id[0] ? b->id : NULL, b->dropped, line);
	}
	free(l->next_token);
	l->next_token = p.next_token;
	p.next_token = NULL;
	l->job.attempts = 0;
	l->job.throttles = 0;
	l->job.refreshed = false;
	l->job.first_try = 0;
	if (!l->next_token) {
		l->done = true;
		if (op == API_SEARCH_USERS)
			c->st->search_done = true;
		else
			c->st->list_done = true;
		goto out;
	}
	/* Every run ends: a token seen before in this listing is a loop (the same token forever,
	 * or a cycle), and no listing runs far past the size the service gave. */
	bool seen;
	if (!tokset_add(&l->seen, l->next_token, &seen)) {
		set_fatal(c, CD_NOMEM, "out of memory");
		goto out;
	}
	long long total = c->st->approx_total;
	size_t pages = c->st->op[op].done;
	char why[200];
	if (seen) {
		listing_stop(c, l, "the service returned a NextToken it had returned before (the "
				   "listing loops)");
	} else if (total >= 0 && ((long long)pages > LISTING_MAX_PAGES(total) ||
				  l->pos > LISTING_MAX_USERS(total))) {
		snprintf(why, sizeof why,
			 "%zu pages and %lld users listed, far more than ApproximateTotalCount %lld "
			 "(the listing does not end)",
			 pages, l->pos, total);
		listing_stop(c, l, why);
	} else if (pages > 1000000) {
		listing_stop(c, l, "more than a million pages (the listing does not end)");
	}
out:
	l->in_flight = false;
	api_page_release(&p);
}

static void on_described(struct crawl *c, struct job *j, const struct http_response *resp,
			 double now)
{
	char err[256];
	char *raw = NULL;
	size_t raw_len;
	char id[300];
	enum cd_result r = api_parse_describe_user(resp->body.data, resp->body.len, &raw, &raw_len,
						   id, sizeof id, err, sizeof err);
	if (r == CD_OK && strcmp(id, j->id) != 0) {
		snprintf(err, sizeof err, "DescribeUser answered for another user");
		r = CD_SERVICE;
	}
	if (r != CD_OK) {
		free(raw);
		if (r == CD_NOMEM)
			set_fatal(c, r, "%s", err);
		else
			transient(c, j, now, err, false);
		return;
	}
	if (batch_ensure(c, now)) {
		r = cache_put_described(c->o->cache, j->id, raw, raw_len, (double)time(NULL), err,
					sizeof err);
		if (r == CD_INPUT) {
			describe_failed(c, j, err);
			j = NULL;
		} else if (r != CD_OK) {
			set_fatal(c, CD_IO, "cache: %s", err);
		} else {
			c->st->described++;
			c->st->op[API_DESCRIBE_USER].done++;
			c->last_progress = now;
			if (++c->batch_n >= CRAWL_BATCH)
				batch_close(c);
		}
	}
	free(raw);
	job_free(c, j);
}

static void on_response(struct crawl *c, struct http_response *resp, double now)
{
	struct job *j = resp->user;
	struct listing *l = listing_of(c, j);
	struct crawl_op_stats *os = &c->st->op[j->op];
	c->in_flight--;
	os->requests++;
	if (c->fatal) {
		/* Stopping: answers still arriving are dropped (the work is redone next time). */
		if (l)
			l->in_flight = false;
		else
			job_free(c, j);
		return;
	}
	if (resp->status == 0) {
		if (resp->result == CD_NETWORK) {
			transient(c, j, now, resp->error, true);
		} else if (resp->result == CD_NOMEM) {
			if (l) {
				l->in_flight = false;
				set_fatal(c, resp->result, "%s: %s", api_op_name(j->op), resp->error);
			} else {
				describe_failed(c, j, resp->error);
			}
		} else {
			/* Over the response cap: the service's answer is wrong, not our disk. Another
			 * try may get a sane one; the retry budget bounds it. */
			transient(c, j, now, resp->error, false);
		}
		return;
	}
	struct api_error e;
	api_classify(resp->status, resp->amzn_error_type, resp->body.data, resp->body.len, &e);
	char line[1200]; /* api_error_format of a whole service message (AccessDenied names role, action and resource) */
	switch (e.kind) {
	case API_ERR_NONE:
		c->last_success = now;
		if (l)
			on_page(c, l, resp, now);
		else
			on_described(c, j, resp, now);
		return;
	case API_ERR_THROTTLED:
		c->last_success = now; /* the service is there; it just wants us slower */
		os->throttled++;
		ratelimit_throttled(&c->rl[j->op], now);
		if (++j->throttles > MAX_THROTTLES) {
			api_error_format(&e, line, sizeof line);
			j->attempts = c->retry.max_attempts;
			transient(c, j, now, line, false);
			return;
		}
		retry_later(c, j, now, resp->retry_after_s > 0 ? resp->retry_after_s : 0,
			    "throttled");
		return;
	case API_ERR_RETRY:
		c->last_success = now;
		api_error_format(&e, line, sizeof line);
		transient(c, j, now, line, false);
		return;
	case API_ERR_EXPIRED:
		api_error_format(&e, line, sizeof line);
		if (j->creds_gen != c->creds_gen) {
			/* Signed before another request's refresh: the new credentials are there. */
			retry_later(c, j, now, 0, line);
			return;
		}
		if (!j->refreshed) {
			struct sigv4_creds cr;
			j->refreshed = true;
			if (get_creds(c, true, &cr)) {
				c->creds_gen++;
				retry_later(c, j, now, 0, line);
				return;
			}
		}
		set_fatal(c, CD_AUTH, "%s: %s (credentials expired and refreshing did not help)",
			  api_op_name(j->op), line);
		break;
	case API_ERR_AUTH:
		api_error_format(&e, line, sizeof line);
		set_fatal(c, CD_AUTH, "%s: %s", api_op_name(j->op), line);
		break;
	case API_ERR_NOT_FOUND:
		if (!l) {
			char err[256];
			c->last_success = now;
			if (!batch_ensure(c, now))
				break;
			if (cache_delete_user(c->o->cache, j->id, err, sizeof err) != CD_OK) {
				set_fatal(c, CD_IO, "cache: %s", err);
				break;
			}
			c->st->deleted++;
			c->st->op[API_DESCRIBE_USER].done++;
			c->last_progress = now;
			api_error_format(&e, line, sizeof line);
			notice(c, CRAWL_NOTICE_DELETED, API_DESCRIBE_USER, j->id, false, line);
			job_free(c, j);
			return;
		}
		api_error_format(&e, line, sizeof line);
		set_fatal(c, CD_NOT_FOUND, "instance '%s' not found in region '%s' (%s)",
			  c->o->instance_id, c->o->region, line);
		break;
	case API_ERR_CLIENT:
		api_error_format(&e, line, sizeof line);
		if (!l) {
			c->last_success = now;
			describe_failed(c, j, line);
			return;
		}
		set_fatal(c, CD_INPUT, "%s for instance '%s' refused: %s", api_op_name(j->op),
			  c->o->instance_id, line);
		break;
	}
	/* fatal: the job is not retried */
	if (l)
		l->in_flight = false;
	else
		job_free(c, j);
}

/* --- progress ---------------------------------------------------------------------------- */

static void update_stats(struct crawl *c, double now)
{
	struct crawl_stats *st = c->st;
	double dt = now - c->last_update;
	c->last_update = now;
	st->elapsed = now - c->t0;
	/* The ETA uses the rates smoothed (a slow start doubles them every few seconds, a cut takes
	 * a sixth off) and is smoothed itself, counting down between updates. */
	double a = dt > 0 ? 1 - exp(-dt / ETA_RATE_TAU) : 0;
	bool settled = true;
	for (int i = 0; i < API_NOPS; i++) {
		double r = ratelimit_rate(&c->rl[i]);
		st->op[i].rate = r;
		c->eta_rate[i] = c->eta_rate[i] > 0 ? c->eta_rate[i] + a * (r - c->eta_rate[i]) : r;
		bool used = i == API_SEARCH_USERS ||
			    (c->o->describe && (i == API_LIST_USERS || i == API_DESCRIBE_USER));
		if (used && !ratelimit_settled(&c->rl[i]))
			settled = false;
	}
	st->rates_settled = settled;
	if (st->approx_total >= 0) {
		size_t tot = (size_t)st->approx_total;
		st->op[API_SEARCH_USERS].total =
			tot ? (tot + API_MAX_SEARCH_USERS - 1) / API_MAX_SEARCH_USERS : 1;
		if (c->list.active)
			st->op[API_LIST_USERS].total =
				tot ? (tot + API_MAX_LIST_USERS - 1) / API_MAX_LIST_USERS : 1;
	}
	if (st->search_done)
		st->op[API_SEARCH_USERS].total = st->op[API_SEARCH_USERS].done;
	if (st->list_done)
		st->op[API_LIST_USERS].total = st->op[API_LIST_USERS].done;
	/* ETA: the slowest operation's remaining calls at its rate. Until the listing is over,
	 * users not yet seen are assumed to need describing too (a first scan's case). */
	double eta = -1;
	if (st->approx_total >= 0 || st->search_done) {
		eta = 0;
		for (int i = 0; i < API_NOPS; i++) {
			size_t total = st->op[i].total;
			if (i == API_DESCRIBE_USER && c->o->describe && !st->search_done &&
			    st->approx_total > (long long)st->searched)
				total += (size_t)st->approx_total - st->searched;
			size_t left = total > st->op[i].done ? total - st->op[i].done : 0;
			double t = c->eta_rate[i] > 0 ? (double)left / c->eta_rate[i] : 0;
			if (t > eta)
				eta = t;
		}
	}
	if (eta < 0 || st->eta < 0) {
		st->eta = eta;
	} else {
		double e = st->eta - (dt > 0 ? dt : 0);
		if (e < 0)
			e = 0;
		double b = dt > 0 ? 1 - exp(-dt / ETA_TAU) : 0;
		st->eta = e + b * (eta - e);
		if (eta == 0)
			st->eta = 0;
	}
}

/* Stops a crawl that made no progress for the stall timeout: every unfinished listing is named,
 * every user still queued (waiting, backing off or in flight) recorded as failed with why. */
static void stall_stop(struct crawl *c, double now)
{
	char why[200], line[320], err[256];
	c->st->stalled = true;
	snprintf(why, sizeof why, "no progress for %.0f s (--stall-timeout)", c->stall);
	struct listing *ls[2] = { &c->search, &c->list };
	for (int k = 0; k < 2; k++)
		if (ls[k]->active && !ls[k]->done && !ls[k]->failed)
			listing_stop(c, ls[k], why);
	if (batch_ensure(c, now)) {
		for (struct job *j = c->live; j && !c->fatal; j = j->next) {
			snprintf(line, sizeof line, "%s: %u throttled answer(s), %u failed attempt(s)",
				 why, j->throttles, j->attempts);
			if (cache_record_failure(c->o->cache, j->id, "DescribeUser", line, err,
						 sizeof err) != CD_OK) {
				set_fatal(c, CD_IO, "cache: %s", err);
				break;
			}
			c->st->failed++;
			c->st->op[API_DESCRIBE_USER].failed++;
		}
	}
	set_fatal(c, CD_INCOMPLETE, "stopped: %s; what was fetched is kept", why);
}

/* --- the loop ---------------------------------------------------------------------------- */

static bool all_done(struct crawl *c)
{
	bool listings = (!c->search.active || c->search.done || c->search.failed) &&
			(!c->list.active || c->list.done || c->list.failed);
	return listings && c->ready_n == 0 && c->later_n == 0 && c->in_flight == 0;
}

/* Once both listings are over: anything the cache still says needs describing (a user the
 * per-page checks could not decide) is queued; a complete listing lets the cache forget users
 * that no longer exist. */
static void sweep(struct crawl *c)
{
	char err[256];
	c->swept = true;
	batch_close(c);
	if (c->fatal)
		return;
	if ((c->search.active && c->search.done) || (c->list.active && c->list.done)) {
		size_t dropped = 0;
		if (cache_drop_unseen(c->o->cache, c->o->scan_id, &dropped, err, sizeof err) !=
		    CD_OK) {
			set_fatal(c, CD_IO, "cache: %s", err);
			return;
		}
	}
	if (!c->o->describe)
		return;
	struct cache_ids ids;
	if (cache_needs_describe(c->o->cache, &c->need, &ids, err, sizeof err) != CD_OK) {
		set_fatal(c, CD_IO, "cache: %s", err);
		return;
	}
	for (size_t i = 0; i < ids.n && !c->fatal; i++)
		queue_describe(c, ids.v[i]);
	cache_ids_release(&ids);
}

static void init_buckets(struct crawl *c, double now)
{
	const struct crawl_opts *o = c->o;
	for (int i = 0; i < API_NOPS; i++) {
		double rate, burst;
		api_default_quota((enum api_op)i, &rate, &burst);
		if (o->rate[i] > 0)
			rate = o->rate[i];
		if (o->burst[i] > 0)
			burst = o->burst[i];
		/* Our bucket is a little shallower than the service's so that network jitter,
		 * which bunches requests up on arrival, does not overflow theirs; deep enough that
		 * a late wake-up (a busy machine) is caught up rather than lost. */
		double ours = burst * 0.8 > 1 ? burst * 0.8 : 1;
		ratelimit_init(&c->rl[i], rate, ours, o->adaptive, o->rate_given[i] ? rate : 0, now);
	}
}

/* Queues DescribeUser failures of earlier runs first: they are the likeliest to be missing. */
static void queue_old_failures(struct crawl *c)
{
	char err[256];
	struct cache_failure *f = NULL;
	size_t n = 0;
	if (cache_list_failures(c->o->cache, &f, &n, err, sizeof err) != CD_OK) {
		set_fatal(c, CD_IO, "cache: %s", err);
		return;
	}
	for (size_t i = 0; i < n && !c->fatal; i++)
		if (strcmp(f[i].operation, "DescribeUser") == 0)
			queue_describe(c, f[i].id);
	cache_failures_release(f, n);
}

enum cd_result crawl_run(const struct crawl_opts *o, struct http_client *http,
			 struct crawl_stats *st, char *err, size_t errlen)
{
	struct crawl c = { .o = o, .http = http, .st = st };
	memset(st, 0, sizeof *st);
	st->approx_total = -1;
	st->eta = -1;
	double now = crawl_now();
	c.t0 = now;
	c.last_success = now;
	c.last_progress = now;
	c.last_update = now;
	c.stall = o->stall_timeout > 0 ? o->stall_timeout : STALL_DEFAULT;
	c.retry = (struct retry_policy){
		.max_attempts = o->max_attempts ? o->max_attempts : RETRY_DEFAULT_ATTEMPTS,
		.base = BACKOFF_BASE,
		.cap = BACKOFF_CAP,
	};
	retry_jitter_seed(&c.jitter, o->seed);
	c.need.scan_id = o->scan_id;
	/* --refresh: anything described before this scan began (so a resumed refresh does not redo
	 * its own work); --max-age: anything described longer ago than that. The later cut wins. */
	c.need.described_before = o->refresh ? o->scan_start : 0;
	if (o->max_age > 0 && o->scan_start - o->max_age > c.need.described_before)
		c.need.described_before = o->scan_start - o->max_age;
	init_buckets(&c, now);
	c.search.active = true;
	c.search.job.op = API_SEARCH_USERS;
	c.list.active = o->describe; /* LastModifiedTime only matters for what to describe */
	c.list.job.op = API_LIST_USERS;
	if (o->describe)
		queue_old_failures(&c);

	double next_tick = now;
	struct http_response resp[64];
	while (!c.fatal) {
		now = crawl_now();
		if (o->stop && *o->stop) {
			set_fatal(&c, CD_INTERRUPTED, "interrupted");
			break;
		}
		if (!c.swept && (!c.search.active || c.search.done || c.search.failed) &&
		    (!c.list.active || c.list.done || c.list.failed) && c.in_flight == 0 &&
		    c.ready_n == 0 && c.later_n == 0)
			sweep(&c);
		if (c.fatal || (c.swept && all_done(&c)))
			break;
		if (now - c.last_progress >= c.stall) {
			stall_stop(&c, now);
			break;
		}
		double wake = dispatch(&c, now);
		if (c.fatal)
			break;
		if (!c.estimated && st->approx_total >= 0) {
			/* The estimate waits for rates worth quoting: stated, or found. */
			update_stats(&c, now);
			if (st->rates_settled || st->elapsed >= CRAWL_ESTIMATE_WAIT) {
				c.estimated = true;
				if (o->progress)
					o->progress(o->progress_ctx, CRAWL_EVENT_ESTIMATE, st);
			}
		}
		if (now >= next_tick) {
			update_stats(&c, now);
			if (o->progress)
				o->progress(o->progress_ctx, CRAWL_EVENT_TICK, st);
			next_tick = now + TICK_SECONDS;
		}
		if (c.batch_open && now - c.batch_t >= BATCH_SECONDS)
			batch_close(&c);
		int ms = POLL_MAX_MS;
		if (wake < INFINITY) {
			double wms = ceil(wake * 1000);
			if (wms < ms)
				ms = wms < 1 ? 1 : (int)wms;
		}
		if (c.in_flight == 0 && wake == INFINITY && c.swept)
			ms = 0;
		size_t n = 0;
		if (http_in_flight(http) == 0 && ms > 0) {
			/* http_poll returns at once with nothing in flight: sleep to the next token
			 * ourselves rather than spin. */
			struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
			nanosleep(&ts, NULL);
		} else {
			n = http_poll(http, ms, resp, sizeof resp / sizeof *resp);
		}
		now = crawl_now();
		for (size_t i = 0; i < n; i++) {
			on_response(&c, &resp[i], now);
			http_response_release(&resp[i]);
		}
	}
	batch_close(&c);
	now = crawl_now();
	update_stats(&c, now);
	if (!c.estimated && st->approx_total >= 0 && c.fatal == CD_OK && o->progress)
		o->progress(o->progress_ctx, CRAWL_EVENT_ESTIMATE, st);

	enum cd_result r = c.fatal;
	if (r == CD_OK &&
	    (c.search.failed || c.list.failed || st->failed > 0 || st->malformed > 0)) {
		r = CD_INCOMPLETE;
		/* The first reason, then the others counted. */
		char users[80] = "", bad[80] = "";
		if (st->failed)
			snprintf(users, sizeof users, "%zu user(s) could not be described", st->failed);
		if (st->malformed)
			snprintf(bad, sizeof bad, "%zu malformed item(s) in the listings",
				 st->malformed);
		snprintf(c.fatal_msg, sizeof c.fatal_msg, "%s%s%s%s%s", c.stopped_msg,
			 c.stopped_msg[0] && users[0] ? "; " : "", users,
			 (c.stopped_msg[0] || users[0]) && bad[0] ? "; " : "", bad);
	}
	if (r != CD_OK)
		snprintf(err, errlen, "%s", c.fatal_msg);

	/* Requests still in flight are abandoned with the client (the caller frees it); their jobs
	 * are freed here, and their users stay "needs describe" in the cache for the next scan. */
	while (c.live)
		job_free(&c, c.live);
	free(c.ready);
	free(c.later);
	idset_release(&c.queued);
	free(c.search.next_token);
	free(c.list.next_token);
	free(c.search.seen.slot);
	free(c.list.seen.slot);
	return r;
}
