/* retry.h -- the one retry policy: a budget of tries and full-jitter capped exponential back-off from a seeded source. */
#ifndef CD_CONNECT_RETRY_H
#define CD_CONNECT_RETRY_H

#include <stdbool.h>
#include <stdint.h>

/* Used by the crawl (every request of a scan) and by the session's one-off calls
 * (ListInstances): both retry 5xx, unreadable answers and network errors the same way, the
 * "full jitter" of the AWS architecture blog's "Exponential Backoff And Jitter": attempt n
 * waits a uniform time in [0, min(cap, base * 2^(n-1))]. Throttles are the rate limiter's
 * business (connect/ratelimit.h), not counted here.
 *
 * The jitter comes from a generator the caller seeds (tests pass a fixed seed and get the same
 * delays every run); it is for spreading retries, not for security. */
struct retry_policy {
	unsigned max_attempts; /* tries in all, the first included; 0: RETRY_DEFAULT_ATTEMPTS */
	double base;           /* seconds: the first retry waits up to this */
	double cap;            /* seconds: no retry waits longer */
};

#define RETRY_DEFAULT_ATTEMPTS 5

struct retry_jitter {
	uint64_t state; /* xorshift64*; never 0 once seeded */
};

/* seed 0: from the clock (a run that is not a test). */
void retry_jitter_seed(struct retry_jitter *j, uint64_t seed);
/* A uniform number in [0, 1). */
double retry_jitter_next(struct retry_jitter *j);

/* The delay before retry number `attempt` (1-based: the wait after the first failure), drawing
 * one number from j. Always in [0, min(cap, base * 2^(attempt-1))). */
double retry_delay(const struct retry_policy *p, unsigned attempt, struct retry_jitter *j);

/* The same with the random number r in [0, 1) given: the pure function behind retry_delay. */
double retry_backoff(unsigned attempt, double base, double cap, double r);

/* True when a request that has failed `failures` times may be tried again. */
bool retry_again(const struct retry_policy *p, unsigned failures);

/* Sleeps `seconds` (nothing for <= 0), resuming after signals. */
void retry_sleep(double seconds);

#endif
