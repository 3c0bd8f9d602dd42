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
		.samp_start = now,
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

/* A cut: the rate falls by `factor` (not below the floor), the bucket empties so the server's
 * own bucket can refill, and probing above this rate starts over gently. */
static void cut(struct ratelimit *rl, double now, double factor)
{
	if (rl->rate > rl->peak)
		rl->peak = rl->rate;
	rl->last_cut_rate = rl->rate;
	rl->rate *= factor;
	if (rl->rate < rl->floor)
		rl->rate = rl->floor;
	rl->ssthresh = rl->rate;
	if (rl->tokens > 0)
		rl->tokens = 0;
	rl->last_cut = now;
	rl->cuts++;
}

static void sample_restart(struct ratelimit *rl, double now)
{
	rl->samp_start = now;
	rl->samp_sent = 0;
	rl->samp_thr = 0;
}

/* In noise mode a window decides: a throttled share clearly above the noise (3 standard
 * deviations of a sample this size, at least 5 points) is our rate and cuts; anything else
 * is noise, and the window counts as clean for probing. The estimate follows the windows. */
static void noisy_window(struct ratelimit *rl, double now)
{
	double n = (double)rl->win_sent;
	double share = n > 0 ? (double)rl->win_thr / n : 0;
	double p = rl->noise;
	double margin = 3 * sqrt(p * (1 - p) / (n > 0 ? n : 1));
	if (rl->win_thr > 0 && share > p + (margin > 0.05 ? margin : 0.05)) {
		cut(rl, now, RATELIMIT_DECREASE);
		return;
	}
	if (rl->window_waited)
		increase(rl);
	/* The estimate only fades here (rising with the share would let a rate above the quota
	 * pass for noise); a stronger noise is found again by the sample test. */
	if (rl->win_sent >= 5 && share < p) {
		rl->noise = 0.9 * p + 0.1 * share;
		if (rl->noise < RATELIMIT_NOISE_MIN / 2) {
			/* faded: back to cutting at the first 429 */
			rl->noise = 0;
			sample_restart(rl, now);
		}
	}
}

/* The noise test, once the sample is big enough (see ratelimit.h). */
static void noise_sample(struct ratelimit *rl, double now)
{
	double dt = now - rl->samp_start;
	/* A trial's samples are longer, a second at least: one throttle more or less, or the
	 * burst the server saved up, must not decide it. */
	unsigned long need = rl->trial ? 2 * RATELIMIT_NOISE_SAMPLE : RATELIMIT_NOISE_SAMPLE;
	if (rl->samp_sent < need || !(dt > 0) || (rl->trial && dt < 1.0))
		return;
	unsigned long thr = rl->samp_thr < rl->samp_sent ? rl->samp_thr : rl->samp_sent;
	double send = (double)rl->samp_sent / dt;
	double acc = (double)(rl->samp_sent - thr) / dt;
	double share = (double)thr / (double)rl->samp_sent;
	bool band = share >= RATELIMIT_NOISE_MIN && share <= RATELIMIT_NOISE_MAX;
	sample_restart(rl, now);
	if (rl->trial == 1) {
		/* Phase 1 measured the low rate without cuts: throttled there too? */
		if (!band) {
			rl->trial = 0; /* under a quota, or refused nearly whole: not noise */
			return;
		}
		rl->trial = 2;
		rl->trial_share = share;
		rl->trial_send = send;
		rl->trial_acc = acc;
		/* Phase 2 sends twice as fast (no faster: under a quota each request above it is
		 * a throttle we cause). */
		double up = 2 * rl->rate;
		if (rl->ceiling > 0 && up > rl->ceiling)
			up = rl->ceiling;
		if (up < 1.5 * rl->rate) {
			rl->trial = 0; /* at the stated quota already: nothing to learn */
			return;
		}
		rl->rate = up;
		return;
	}
	if (rl->trial == 2) {
		rl->trial = 0;
		/* Noise refuses the same share at the higher rate, so proportionally more gets
		 * through; a quota refuses more and lets the same through. Halfway decides. */
		double ratio = rl->trial_send > 0 ? send / rl->trial_send : 1;
		if (ratio >= 1.5 && share <= RATELIMIT_NOISE_MAX &&
		    acc >= rl->trial_acc * (1 + ratio) / 2) {
			rl->noise = share > rl->trial_share ? share : rl->trial_share;
			rl->noise_found++;
			rl->ssthresh = rl->ceiling > 0 ? rl->ceiling : INFINITY;
			rl->last_cut_rate = 0;
			rl->streak = 0;
			return;
		}
		/* A quota after all: back down, and no new trial for a while, longer each time
		 * (each costs a sample's worth of throttles). */
		rl->rate = rl->trial_rate;
		cut(rl, now, RATELIMIT_DECREASE);
		rl->no_trial_before =
			now + 20.0 * (double)(1UL << (rl->trials_failed < 6 ? rl->trials_failed : 6));
		rl->trials_failed++;
		return;
	}
	/* A trial starts when the rate was cut well below where throttling began and the
	 * throttles go on (what noise does; a quota's throttles stop near the quota). */
	if (band && now >= rl->no_trial_before && rl->rate <= 0.75 * rl->peak) {
		rl->trial = 1;
		rl->trial_rate = rl->rate;
		rl->trials++;
	}
}

static void tick(struct ratelimit *rl, double now)
{
	if (now - rl->window_start < window_len(rl))
		return;
	if (rl->adaptive && rl->noise > 0)
		noisy_window(rl, now);
	else if (rl->adaptive && rl->window_waited && !rl->window_throttled)
		increase(rl);
	if (!rl->window_throttled)
		rl->streak = 0;
	if (rl->adaptive && rl->noise == 0)
		noise_sample(rl, now);
	rl->window_start = now;
	rl->window_waited = false;
	rl->window_throttled = false;
	rl->win_sent = 0;
	rl->win_thr = 0;
}

double ratelimit_take(struct ratelimit *rl, double now)
{
	refill(rl, now);
	tick(rl, now);
	/* A sample ends when it is big enough, not at a window's end: at low rates a window is
	 * long, and the noise test is what gets a falsely low rate back up. */
	if (rl->adaptive && rl->noise == 0)
		noise_sample(rl, now);
	if (rl->tokens >= 1) {
		rl->tokens -= 1;
		rl->win_sent++;
		rl->samp_sent++;
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
	rl->win_thr++;
	rl->samp_thr++;
	/* With noise recognised, windows decide (noisy_window), not single 429s; during a trial
	 * its samples decide (a cut would spoil the measurement). */
	if (!rl->adaptive || rl->noise > 0 || rl->trial)
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
	/* Throttled window after throttled window: the quota is far below, get there quickly. */
	static const double factor[] = { RATELIMIT_DECREASE, 0.75, 0.65 };
	cut(rl, now, factor[rl->streak < 2 ? rl->streak : 2]);
	/* ... but only while most of the window is refused: windows losing a few requests each,
	 * as to noise, cut gently, so the noise test has samples before the floor. */
	if (rl->win_sent == 0 || 2 * rl->win_thr >= rl->win_sent)
		rl->streak++;
}

bool ratelimit_settled(const struct ratelimit *rl)
{
	return !rl->adaptive || rl->ceiling > 0 || rl->rate >= rl->ssthresh || rl->noise > 0;
}

double ratelimit_rate(const struct ratelimit *rl)
{
	return rl->rate;
}
