/* ratelimit.c -- token bucket with multiplicative decrease on 429 and upward probing (AIMD). */
#include "connect/ratelimit.h"

#include <math.h>

/* The lowest rate a run of throttles can push a bucket to: low enough to get under any quota
 * shared with other clients, high enough that a scan never stalls for minutes on one token. */
#define RATELIMIT_FLOOR 0.1

void ratelimit_init(struct ratelimit *rl, double rate, double burst, bool adaptive, double ceiling,
		    double now)
{
	if (!(rate > 0))
		rate = RATELIMIT_FLOOR;
	if (ceiling > 0 && rate > ceiling)
		rate = ceiling;
	if (!(burst >= 1))
		burst = 1;
	*rl = (struct ratelimit){
		.rate = rate,
		.burst = burst,
		.tokens = burst,
		.last = now,
		.adaptive = adaptive,
		.ceiling = ceiling > 0 ? ceiling : 0,
		.floor = rate < RATELIMIT_FLOOR ? rate : RATELIMIT_FLOOR,
		/* With a known quota there is nothing to search for; without one, slow-start until
		 * the service first says no. */
		.ssthresh = ceiling > 0 ? ceiling : INFINITY,
		.window_start = now,
	};
}

static void refill(struct ratelimit *rl, double now)
{
	double dt = now - rl->last;
	if (dt > 0) {
		rl->tokens += dt * rl->rate;
		if (rl->tokens > rl->burst)
			rl->tokens = rl->burst;
	}
	if (now > rl->last)
		rl->last = now;
}

static void increase(struct ratelimit *rl)
{
	double r = rl->rate;
	if (r < rl->ssthresh && (rl->ceiling > 0 || r < RATELIMIT_GENTLE_ABOVE))
		r *= 2;
	else if (r < rl->ssthresh)
		r *= RATELIMIT_GENTLE_STEP; /* no quota known, past 20/s: overshoot it by 25% at most */
	else if (rl->last_cut_rate > 0 && r < 0.9 * rl->last_cut_rate)
		r *= 1.10; /* well below where the quota was found last: get back quickly */
	else
		r = r * 1.02 + 0.01; /* near or past it: probe gently (+0.01 so tiny rates move too) */
	if (rl->ceiling > 0 && r > rl->ceiling)
		r = rl->ceiling;
	rl->rate = r;
}

/* Closes the adaptive window when it has run its length: a window where callers waited for
 * tokens and the service throttled nothing is evidence the quota allows more. */
static double window_len(const struct ratelimit *rl)
{
	/* At a few requests a second half a second holds one request or none: a window must hold
	 * enough requests to be evidence (fewer while slow-starting, where a miss costs one cut). */
	double w = (rl->rate < rl->ssthresh ? 3 : 5) / rl->rate;
	return w > RATELIMIT_WINDOW ? w : RATELIMIT_WINDOW;
}

static void tick(struct ratelimit *rl, double now)
{
	if (now - rl->window_start < window_len(rl))
		return;
	if (rl->adaptive && rl->window_waited && !rl->window_throttled)
		increase(rl);
	if (!rl->window_throttled)
		rl->streak = 0;
	rl->window_start = now;
	rl->window_waited = false;
	rl->window_throttled = false;
}

double ratelimit_take(struct ratelimit *rl, double now)
{
	refill(rl, now);
	tick(rl, now);
	if (rl->tokens >= 1) {
		rl->tokens -= 1;
		return 0;
	}
	rl->window_waited = true;
	double wait = (1 - rl->tokens) / rl->rate;
	/* Never ask for a zero wait that would spin: a microsecond at the least. */
	return wait > 1e-6 ? wait : 1e-6;
}

void ratelimit_refund(struct ratelimit *rl)
{
	rl->tokens += 1;
	if (rl->tokens > rl->burst)
		rl->tokens = rl->burst;
}

void ratelimit_throttled(struct ratelimit *rl, double now)
{
	refill(rl, now);
	tick(rl, now);
	rl->throttles++;
	rl->window_throttled = true;
	if (!rl->adaptive)
		return;
	/* Every request in flight when the quota was crossed comes back 429: one cut per window. */
	if (rl->signals > 0 && now - rl->last_cut < RATELIMIT_WINDOW)
		return;
	rl->signals++;
	/* At a quota the user stated, a lone 429 is network jitter bunching requests up on
	 * arrival, not a lower quota: pause (empty the bucket) but keep the rate. Only a second
	 * throttled window in a row cuts it. */
	if (rl->ceiling > 0 && rl->streak == 0 && rl->rate >= rl->ceiling) {
		if (rl->tokens > 0)
			rl->tokens = 0;
		rl->streak++;
		rl->last_cut = now;
		return;
	}
	rl->last_cut_rate = rl->rate;
	/* Throttled window after throttled window: the quota is far below, get there quickly. */
	static const double cut[] = { RATELIMIT_DECREASE, 0.75, 0.65 };
	rl->rate *= cut[rl->streak < 2 ? rl->streak : 2];
	rl->streak++;
	if (rl->rate < rl->floor)
		rl->rate = rl->floor;
	rl->ssthresh = rl->rate;
	/* Stop sending for a moment so the server's bucket refills; saved-up tokens would send a
	 * burst straight into the same wall. */
	if (rl->tokens > 0)
		rl->tokens = 0;
	rl->last_cut = now;
	rl->cuts++;
}

double ratelimit_rate(const struct ratelimit *rl)
{
	return rl->rate;
}
