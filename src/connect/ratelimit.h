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
 * a raised quota). `floor` is the lowest rate a cut reaches.
 *
 * Throttling that is not about our rate (a service or proxy answering 429 to a share of all
 * requests at random, or another tool's bursts) would otherwise pin the rate to the floor, since
 * every window then holds a 429. Throttling that answers to our rate lets the same number of
 * requests through per second however fast we send (share = 1 - quota/rate); noise lets the
 * same share through. The limiter keeps samples of RATELIMIT_NOISE_SAMPLE requests; when one
 * taken at 3/4 of the rate where throttling began or less is still throttled (a share between
 * RATELIMIT_NOISE_MIN and RATELIMIT_NOISE_MAX), it runs a trial: a sample of twice the size
 * and a second at least at that rate, without cuts, then one at twice the rate. When the second
 * let through at least halfway between as much (a quota) and twice as much (noise), the
 * throttling is noise: the rate stays up and from then on a window cuts it only when its
 * throttled share is clearly above the noise (2 standard deviations of a sample that size, at
 * least 5 points), slow start again allowed. Otherwise it was a quota: the rate goes back below
 * where the trial started and the next trial waits 20 s, then 40, 80... A cut escalates (0.75,
 * 0.65) only while most of a window is refused, so noise lowers the rate gently enough for a
 * trial to happen first. The noise estimate fades with quieter windows and is dropped when it
 * is gone. A share above RATELIMIT_NOISE_MAX is never taken for noise: a service refusing
 * nearly everything is not sent more. */
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
	/* noise detection (see above) */
	unsigned long win_sent, win_thr; /* requests and throttles in this window */
	double peak;             /* the highest rate a cut started from */
	double samp_start;       /* clock when the current sample began (-1: none) */
	unsigned long samp_sent, samp_thr;
	int trial;               /* 1: measuring the low rate, 2: twice that; 0: no trial */
	double trial_rate;       /* the rate the trial started from */
	double trial_share, trial_send, trial_acc; /* phase 1's share and throughputs (per s) */
	unsigned long trials, trials_failed; /* trials made, and those that found a quota */
	double no_trial_before;  /* clock: backing off after a failed trial */
	double noise;            /* share throttled whatever the rate; 0: none seen */
	unsigned long noise_found; /* times throttling was recognised as noise */
};

#define RATELIMIT_WINDOW 0.5     /* seconds between adaptive decisions (at least 3-5 tokens' time) */
#define RATELIMIT_DECREASE 0.85  /* multiplicative decrease on throttling */
#define RATELIMIT_NOISE_SAMPLE 8 /* requests a sample for the noise test */
#define RATELIMIT_NOISE_MIN 0.05  /* a throttled share below this is not worth calling noise */
#define RATELIMIT_NOISE_MAX 0.7   /* nor one above this: the service refuses nearly everything */
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

/* True once the rate is worth an estimate: fixed, capped by a stated quota, or past its first
 * slow start. */
bool ratelimit_settled(const struct ratelimit *rl);

/* The current rate, tokens per second. */
double ratelimit_rate(const struct ratelimit *rl);

#endif
