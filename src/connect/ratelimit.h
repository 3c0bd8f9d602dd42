/* ratelimit.h -- per-operation token bucket with an adaptive (AIMD) rate, driven by a clock passed in. */
#ifndef CD_CONNECT_RATELIMIT_H
#define CD_CONNECT_RATELIMIT_H

#include <stdbool.h>

/* Every function takes `now`, seconds on a monotonic clock chosen by the caller: the crawl passes
 * CLOCK_MONOTONIC, unit tests pass a counter, so behaviour is deterministic and testable.
 *
 * Without adaptation the bucket hands out `rate` tokens a second with at most `burst` saved up.
 * With adaptation the rate moves with the service's answers:
 *   - a 429 cuts it by RATELIMIT_DECREASE (once per RATELIMIT_WINDOW, because every request in
 *     flight when the quota was crossed comes back throttled and counts as one signal; harder,
 *     0.75 then 0.65, when the windows before were throttled too), and empties the bucket so the
 *     server's own bucket can refill;
 *   - a window in which callers had to wait for tokens (the bucket, not something else, was the
 *     limit) and nothing was throttled raises it: doubling until the first throttle (slow start,
 *     so an account with a quota 100x the published default finds it in seconds; by a quarter
 *     above RATELIMIT_GENTLE_ABOVE when there is no ceiling), then by a few
 *     per cent a window, faster while well below the rate where the last throttle happened.
 * `ceiling` caps the rate (a quota the user told us with --rate: recover to it, never probe past
 * it, and take a lone 429 at it for jitter: pause without cutting); 0 means no ceiling (probe for
 * a raised quota). `floor` is the lowest rate a cut reaches. */
struct ratelimit {
	double rate;          /* tokens per second now */
	double burst;         /* bucket depth, >= 1 */
	double tokens;
	double last;          /* clock of the last refill */
	bool adaptive;
	double ceiling;       /* 0: none */
	double floor;
	double ssthresh;      /* doubling (slow start) while rate < ssthresh */
	double last_cut_rate; /* the rate at the last throttle (0: never throttled) */
	double last_cut;      /* clock of the last decrease */
	double window_start;
	bool window_waited;   /* someone waited for a token in this window */
	bool window_throttled;
	unsigned long throttles; /* 429s reported */
	unsigned long cuts;      /* decreases applied */
	unsigned streak;         /* consecutive windows with a cut */
	unsigned long signals;   /* throttle signals acted on (at most one a window) */
};

#define RATELIMIT_WINDOW 0.5     /* seconds between adaptive decisions (at least 3-5 tokens' time) */
#define RATELIMIT_DECREASE 0.85  /* multiplicative decrease on throttling */
/* Without a ceiling (no quota known: Service Quotas not readable, no --rate), slow start
 * doubles only up to 20/s (ten times the published default) and grows by a quarter a window
 * above it: a doubling step can overshoot a quota by up to 100% and every request past it is
 * a throttle the account's other callers may share; a quarter step overshoots by 25% at most,
 * for a few more windows to reach a raised quota. */
#define RATELIMIT_GENTLE_ABOVE 20.0
#define RATELIMIT_GENTLE_STEP 1.25

/* rate > 0, burst >= 1 (smaller values are raised to it). The bucket starts full. */
void ratelimit_init(struct ratelimit *rl, double rate, double burst, bool adaptive, double ceiling,
		    double now);

/* Takes one token: returns 0 when it was taken, else the seconds until one will be available
 * (nothing is taken; call again then). */
double ratelimit_take(struct ratelimit *rl, double now);

/* Gives back a token taken for a request that was never sent (stopped, shut down). */
void ratelimit_refund(struct ratelimit *rl);

/* The service said 429 / ThrottlingException to a request made under this bucket. */
void ratelimit_throttled(struct ratelimit *rl, double now);

/* The current rate, tokens per second. */
double ratelimit_rate(const struct ratelimit *rl);

#endif
