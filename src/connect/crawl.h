/* crawl.h -- the live fetch plan: SearchUsers, ListUsers and DescribeUser at their quotas, into the cache. */
#ifndef CD_CONNECT_CRAWL_H
#define CD_CONNECT_CRAWL_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include "aws/sigv4.h"
#include "connect/api.h"
#include "result.h"

struct cache;
struct http_client;

/*
 * One crawl fetches one instance into an open cache (store/cache.h), on one http_client (one
 * libcurl multi handle) from one thread:
 *   - SearchUsers pages (500 a page: names, usernames, phone settings, ids) and ListUsers pages
 *     (1,000 a page: LastModifiedTime) run concurrently, each page committed in its own
 *     transaction as it arrives;
 *   - DescribeUser is queued for a user as soon as either listing shows one that needs it
 *     (cache_check_describe: never described, changed since, or --refresh), earlier failures
 *     first; results are committed in batches of CRAWL_BATCH or every half second;
 *   - every operation waits for its own token bucket (connect/ratelimit.h); at most
 *     `concurrency` requests are in flight in total;
 *   - 429 and throttling codes cut the bucket's rate and the request goes back in the queue
 *     (throttles do not use up the retry budget); 5xx, unreadable bodies and network errors are
 *     retried `max_attempts` times under the retry policy (connect/retry.h); an
 *     ExpiredToken answer refreshes the credentials once; a DescribeUser 404 drops the user
 *     (deleted during the scan) and is counted, not a failure; a user still failing is recorded
 *     in the cache's failures table and the crawl goes on;
 *   - when nothing has succeeded since a request's first attempt and that request has used its
 *     retry budget on network errors, the service is taken to be gone: the crawl stops with
 *     CD_NETWORK (what arrived is committed; a later scan resumes);
 *   - a listing whose NextToken repeats one it gave before (the same token forever, or a
 *     cycle), or that runs past a bound set by ApproximateTotalCount, stops there: the listing
 *     is given up on (CD_INCOMPLETE) and named through the notice callback;
 *   - a response over the client's size cap is a service error for that request (retried,
 *     then given up on), not a local one;
 *   - listing items that are malformed (no Id, an Id that is not a string, members of the
 *     wrong type) are counted, named through the notice callback and make the crawl
 *     CD_INCOMPLETE; those without a usable Id are dropped, the others kept;
 *   - no progress (no user listed, described or found deleted) for `stall_timeout` seconds
 *     stops the crawl: every user still queued is recorded as failed with the reason, every
 *     unfinished listing is named, and the result is CD_INCOMPLETE;
 *   - *stop becoming non-zero (SIGINT) abandons the requests in flight and returns
 *     CD_INTERRUPTED after committing what finished.
 * The module prints nothing: progress goes to the callback, errors to err.
 */

/* Credentials for signing: called before each request (return cached ones: it must be cheap);
 * refresh is true after the service said the token expired. The strings must stay valid until
 * the next call. */
typedef enum cd_result (*crawl_creds_fn)(void *ctx, bool refresh, struct sigv4_creds *out,
					 char *err, size_t errlen);

struct crawl_op_stats {
	size_t done;      /* pages (listings) or users (DescribeUser) finished */
	size_t total;     /* expected; 0 while unknown */
	size_t requests;  /* requests answered (any status) */
	size_t throttled; /* 429s */
	size_t retries;   /* retried after 5xx / network errors */
	size_t failed;    /* given up */
	double rate;      /* the bucket's current rate, requests per second */
};

struct crawl_stats {
	struct crawl_op_stats op[API_NOPS];
	size_t searched;     /* users returned by SearchUsers */
	size_t listed;       /* users returned by ListUsers */
	size_t described;    /* DescribeUser successes */
	size_t queued;       /* users queued for DescribeUser so far */
	size_t deleted;      /* DescribeUser 404: deleted during the scan */
	size_t failed;       /* users given up on (in the failures table) */
	size_t malformed;    /* listing items dropped or kept with members of the wrong type */
	bool stalled;        /* stopped by the stall timeout */
	long long approx_total; /* SearchUsers ApproximateTotalCount, -1 until known */
	bool search_done, list_done; /* the listing reached its last page */
	double elapsed;      /* seconds since the crawl started */
	double eta;          /* seconds still needed, smoothed; -1 when unknown */
	bool rates_settled;  /* every bucket's rate is known (stated) or found (adaptive) */
};

enum crawl_event {
	CRAWL_EVENT_TICK,     /* about four times a second */
	CRAWL_EVENT_ESTIMATE, /* once: the first SearchUsers page told the size and the rates are
			       * settled (stated, or found by the adaptive rate), at the latest
			       * CRAWL_ESTIMATE_WAIT seconds into the crawl, or as it ends */
};

#define CRAWL_ESTIMATE_WAIT 5.0

typedef void (*crawl_progress_fn)(void *ctx, enum crawl_event ev, const struct crawl_stats *st);

/* What the crawl gave up on or dropped other than a user's failed DescribeUser, one call each. */
enum crawl_notice_kind {
	CRAWL_NOTICE_MALFORMED,       /* a listing item: id is its Id as text, or NULL */
	CRAWL_NOTICE_LISTING_STOPPED, /* a listing given up on: why says where and why */
	CRAWL_NOTICE_DELETED,         /* DescribeUser 404: the user was deleted during the scan */
};

struct crawl_notice {
	enum crawl_notice_kind kind;
	enum api_op op;     /* the operation that showed it */
	const char *id;     /* NULL when there is none */
	const char *why;    /* one line */
	bool dropped;       /* a malformed item that is not in the cache */
};

typedef void (*crawl_notice_fn)(void *ctx, const struct crawl_notice *n);

struct crawl_opts {
	const char *instance_id;
	const char *endpoint;   /* "https://connect.eu-west-2.amazonaws.com" (no trailing path) */
	const char *region;     /* signing region */
	crawl_creds_fn creds;
	void *creds_ctx;
	struct cache *cache;    /* open, owned by the caller */
	long long scan_id;      /* from cache_scan_start */
	double scan_start;      /* epoch seconds, for --refresh */
	bool describe;          /* false: --fields no-email, no DescribeUser calls */
	bool refresh;           /* describe everyone again */
	double max_age;         /* seconds: describe again records older than this; 0: no limit */
	double rate[API_NOPS];  /* requests per second; 0: the published default */
	double burst[API_NOPS]; /* 0: the published default */
	bool rate_given[API_NOPS]; /* the user stated this quota: adapt below it, never above */
	bool adaptive;
	unsigned concurrency;   /* requests in flight at most; 0: 32 */
	unsigned max_attempts;  /* tries per request for 5xx/network errors; 0: 5 */
	volatile sig_atomic_t *stop; /* may be NULL */
	crawl_progress_fn progress;  /* may be NULL */
	void *progress_ctx;
	crawl_notice_fn notice;      /* may be NULL; called with progress_ctx */
	double stall_timeout;        /* seconds without progress before stopping; 0: 600 */
	unsigned seed;          /* jitter; 0: from the clock */
};

#define CRAWL_BATCH 100

/* Runs the crawl. Returns CD_OK when both listings completed and every user that needed it was
 * described (or deleted); CD_INCOMPLETE when some users or pages were given up on (recorded,
 * reports are partial); CD_INTERRUPTED; CD_NETWORK (service unreachable); CD_AUTH (bad
 * credentials or permissions; err says which operation); CD_NOT_FOUND / CD_INPUT (the instance
 * does not exist or was refused); CD_IO (the cache failed). *st holds the final counts in every
 * case, and err a one-line reason whenever the result is not CD_OK. */
enum cd_result crawl_run(const struct crawl_opts *o, struct http_client *http,
			 struct crawl_stats *st, char *err, size_t errlen);

/* Monotonic seconds (CLOCK_MONOTONIC). */
double crawl_now(void);

#endif
