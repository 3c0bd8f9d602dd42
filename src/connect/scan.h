/* scan.h -- one scan as a library call: an instance's users fetched into the cache at the API quotas, request in, outcome out. */
#ifndef CD_CONNECT_SCAN_H
#define CD_CONNECT_SCAN_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "connect/api.h"
#include "connect/crawl.h"
#include "connect/session.h"
#include "model/names.h"
#include "model/user.h"
#include "result.h"
#include "store/cache.h"

/*
 * connect_scan does what `connect-dupes scan` does before the reports: reads --instance (id,
 * ARN, alias), opens the session (settings, credentials, HTTP client), resolves an alias with
 * ListInstances, opens the cache (the instance's, a given file, or a throw-away one removed
 * again before returning), runs the crawl (connect/crawl.h) and loads what the reports need.
 * Detection and reports are the caller's (the command layer's pipeline).
 *
 * The module prints nothing (STYLE habit 7): what a scan says while it runs (settings, the
 * estimate, progress, warnings, the counts at the end) goes to the events below, which the
 * command layer turns into log lines; the reason for a failure goes to err.
 */

struct connect_scan_request {
	const char *instance;       /* ID, ARN or alias (required) */
	/* profile, region (--region: NULL when not given; an ARN's region is used then),
	 * endpoint, timeouts; max_connections 0: from concurrency, at most 64 */
	struct connect_session_opts session;
	bool describe;              /* false: --fields no-email (no ListUsers, no DescribeUser) */
	bool refresh;               /* describe every user again */
	double max_age;             /* seconds: describe again what is older; 0: no limit */
	double rate[API_NOPS];      /* requests per second; 0: the published default */
	double burst[API_NOPS];     /* 0: the published default */
	bool rate_given[API_NOPS];  /* the user stated this quota */
	double quota_share;         /* share of each quota Service Quotas lists to use (the
				     * rest is the account's other callers'); 0: 0.8 */
	bool adaptive;
	unsigned concurrency;       /* requests in flight at most; 0: 32 */
	unsigned max_attempts;      /* tries per request on 5xx and network errors; 0: the next */
	const char *max_attempts_env; /* $AWS_MAX_ATTEMPTS or NULL, used when max_attempts is 0: a
				       * whole number 1..100, else a warning and the default 5 */
	const char *cache_path;     /* NULL: the instance's default cache file */
	bool no_cache;              /* a throw-away cache in $TMPDIR (or /tmp), removed at the end */
	double stall_timeout;       /* seconds without progress before the scan stops; 0: 600 */
	volatile sig_atomic_t *stop; /* non-zero (SIGINT) stops the fetch; may be NULL */
	uint64_t seed;              /* back-off jitter; 0: from the clock */
};

enum connect_scan_level { CONNECT_SCAN_INFO, CONNECT_SCAN_WARN, CONNECT_SCAN_ERROR };

/* Every member may be NULL. Called from the scanning thread, in order. */
struct connect_scan_events {
	void *ctx;
	/* One line to log (lower-case, no full stop): settings, the estimate, warnings, the
	 * counts at the end, an error the scan goes on after (the reports are then partial). */
	void (*note)(void *ctx, enum connect_scan_level level, const char *text);
	/* About four times a second while fetching: the progress line, and for thinning it out
	 * where there is no terminal, the users done so far and the seconds since the start. */
	void (*progress)(void *ctx, const char *line, size_t users, double elapsed);
	/* The fetch starts (true) and ends (false): in between, *stop asks it to stop and keep
	 * what arrived (the time for a Ctrl-C handler); before and after it is not looked at. */
	void (*fetching)(void *ctx, bool begin);
};

struct connect_scan_outcome {
	struct user_set users;          /* everything in the cache, for detection (owned) */
	struct cache_failure *missing;  /* users missing from `users` (owned): listings given up on
					 * and dropped listing items first (id "" when there is
					 * none), then the cache's, ordered by id */
	size_t nmissing;
	struct crawl_stats stats;       /* the crawl's final counts */
	enum cd_result fetch;           /* CD_OK complete; else why it is not (CD_INCOMPLETE,
					 * CD_NETWORK...): the reports are partial */
	bool partial;                   /* nmissing > 0 or fetch != CD_OK */
	char instance_id[128];          /* after alias resolution */
	char alias[128];                /* the alias it was named by, "" when named by id or ARN */
	char region[64];
	char source[512];               /* "instance ID in REGION, N users" for the report log */
	struct name_table names;        /* routing profile, security profile and hierarchy group
					 * names: this scan's listings, else the cache's earlier
					 * ones; a kind not known means ids in the reports (owned) */
};

void connect_scan_outcome_init(struct connect_scan_outcome *o);
void connect_scan_outcome_release(struct connect_scan_outcome *o);

/* Runs the scan. CD_OK: *out holds users to report on (out->fetch says whether the fetch was
 * complete; a caller exits with it once the reports are written). Otherwise there is nothing
 * worth reporting: the run was refused (CD_USAGE, CD_AUTH, CD_NOT_FOUND, CD_INPUT), broke
 * locally (CD_IO, CD_NOMEM...), was interrupted (CD_INTERRUPTED) or fetched no user at all;
 * err holds the reason, or is "" when a note said it already. *out is released then. */
enum cd_result connect_scan(const struct connect_scan_request *rq,
			    const struct connect_scan_events *ev, struct connect_scan_outcome *out,
			    char *err, size_t errlen);

/* --- the pure parts, exposed for tests ------------------------------------------------------ */

/* "42s", "3m07s", "2h05m"; "?" when negative or not finite. */
void connect_scan_duration(double s, char *out, size_t outlen);
/* The line said once the first SearchUsers page tells the size ("about N users: ..."). */
void connect_scan_estimate(const struct crawl_stats *st, bool describe, char *out, size_t outlen);
/* The progress line, what matters first: "described 10/3000 | ETA 2m05s | 12 users/s |
 * SearchUsers 2/6 | ListUsers 1/3 | 4 throttled | 3 retries" (fields a narrow terminal drops
 * from the end). */
void connect_scan_progress_line(const struct crawl_stats *st, double rate, bool describe,
				char *out, size_t outlen);

#endif
