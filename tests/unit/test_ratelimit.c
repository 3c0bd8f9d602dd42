/* test_ratelimit.c -- unit tests for the token bucket and its adaptive rate, on a simulated clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <cmocka.h>

#include "connect/ratelimit.h"

static void burst_then_rate(void **state)
{
	struct ratelimit rl;
	ratelimit_init(&rl, 2, 5, false, 0, 100.0);
	for (int i = 0; i < 5; i++)
		assert_true(ratelimit_take(&rl, 100.0) == 0);
	double w = ratelimit_take(&rl, 100.0);
	assert_true(fabs(w - 0.5) < 1e-9);
	/* nothing was taken by the refused call */
	assert_true(ratelimit_take(&rl, 100.0 + w) == 0);
	assert_true(ratelimit_take(&rl, 100.0 + w) > 0);
}

/* Callers that take as soon as they are allowed get rate*T + burst tokens over T seconds. */
static void long_run_matches_rate(void **state)
{
	struct ratelimit rl;
	double now = 0;
	ratelimit_init(&rl, 7, 3, false, 0, now);
	unsigned n = 0;
	while (now < 100.0) {
		double w = ratelimit_take(&rl, now);
		if (w == 0)
			n++;
		else
			now += w;
	}
	assert_true(n >= 700 && n <= 704);
}

static void refund_returns_a_token(void **state)
{
	struct ratelimit rl;
	ratelimit_init(&rl, 1, 1, false, 0, 0);
	assert_true(ratelimit_take(&rl, 0) == 0);
	assert_true(ratelimit_take(&rl, 0) > 0);
	ratelimit_refund(&rl);
	assert_true(ratelimit_take(&rl, 0) == 0);
	ratelimit_refund(&rl);
	ratelimit_refund(&rl); /* never above the burst */
	assert_true(ratelimit_take(&rl, 0) == 0);
	assert_true(ratelimit_take(&rl, 0) > 0);
}

static void fixed_rate_ignores_throttles(void **state)
{
	struct ratelimit rl;
	ratelimit_init(&rl, 10, 5, false, 0, 0);
	ratelimit_throttled(&rl, 1);
	ratelimit_throttled(&rl, 2);
	assert_true(ratelimit_rate(&rl) == 10);
	assert_int_equal(rl.throttles, 2);
}

static void throttle_cuts_once_per_window(void **state)
{
	struct ratelimit rl;
	ratelimit_init(&rl, 100, 10, true, 0, 0);
	ratelimit_throttled(&rl, 1.0);
	assert_true(fabs(ratelimit_rate(&rl) - 100 * RATELIMIT_DECREASE) < 1e-9);
	/* the bucket was emptied: the next token needs a wait */
	assert_true(ratelimit_take(&rl, 1.0) > 0);
	/* the rest of the requests that were in flight: same signal, no further cut */
	for (int i = 0; i < 20; i++)
		ratelimit_throttled(&rl, 1.0 + i * 0.01);
	assert_true(fabs(ratelimit_rate(&rl) - 100 * RATELIMIT_DECREASE) < 1e-9);
	assert_int_equal(rl.throttles, 21);
	assert_int_equal(rl.cuts, 1);
	ratelimit_throttled(&rl, 1.0 + RATELIMIT_WINDOW + 0.01);
	assert_int_equal(rl.cuts, 2);
	/* a second throttled window in a row cuts harder */
	assert_true(fabs(ratelimit_rate(&rl) - 100 * RATELIMIT_DECREASE * 0.75) < 1e-9);
	/* cuts never go below the floor */
	for (int i = 0; i < 200; i++)
		ratelimit_throttled(&rl, 3.0 + i);
	assert_true(ratelimit_rate(&rl) >= 0.1 - 1e-12);
	assert_true(ratelimit_rate(&rl) <= 0.1 + 1e-9);
}

/* No waiting, no evidence: a bucket that is not the limit never grows. */
static void idle_bucket_does_not_grow(void **state)
{
	struct ratelimit rl;
	ratelimit_init(&rl, 2, 5, true, 0, 0);
	for (double t = 0; t < 60; t += 1.0)
		assert_true(ratelimit_take(&rl, t) == 0); /* one a second: under the rate */
	assert_true(ratelimit_rate(&rl) == 2);
}

/* A simulated server with its own token bucket (the quota). The client runs flat out and is
 * throttled by the server: returns the share of the quota used over [from, to) and the share of
 * requests throttled over the whole run. */
struct sim_result {
	double used;       /* accepted / (quota * (to - from)) */
	double throttled;  /* throttled / sent */
	double max_rate;   /* highest client rate seen */
	double t150;       /* first time the client's rate reached 3/4 of the quota */
	double end_rate;   /* the client's rate at the end */
	unsigned long noise_found;
};

/* `noise`: the server also throttles that share of requests at random, whatever the rate. */
static struct sim_result simulate_noisy(double quota, double qburst, double start, double ceiling,
					bool adaptive, double from, double to, double noise)
{
	uint64_t rnd = 88172645463325252ULL;
	struct ratelimit rl;
	struct ratelimit srv; /* the server's bucket: a plain token bucket */
	ratelimit_init(&rl, start, quota > 20 ? 5 : 1, adaptive, ceiling, 0);
	ratelimit_init(&srv, quota, qburst, false, 0, 0);
	/* Replies arrive `lat` seconds after the request: throttles are reported late, like on a
	 * real network, so several requests are in flight when the quota is crossed. */
	const double lat = 0.02;
	enum { QN = 4096 };
	double pend_t[QN];
	size_t qh = 0, qt = 0;
	double now = 0;
	unsigned long sent = 0, thr = 0, acc_window = 0;
	struct sim_result res = { .t150 = -1 };
	while (now < to) {
		while (qh != qt && pend_t[qh % QN] <= now) {
			ratelimit_throttled(&rl, pend_t[qh % QN]);
			qh++;
		}
		double w = ratelimit_take(&rl, now);
		if (w > 0) {
			double next = now + w;
			if (qh != qt && pend_t[qh % QN] < next)
				next = pend_t[qh % QN];
			now = next;
			continue;
		}
		sent++;
		rnd ^= rnd << 13;
		rnd ^= rnd >> 7;
		rnd ^= rnd << 17;
		bool noisy = (double)(rnd % 1000000) / 1e6 < noise;
		if (!noisy && ratelimit_take(&srv, now) == 0) {
			if (now >= from)
				acc_window++;
		} else {
			thr++;
			assert_true(qt - qh < QN);
			pend_t[qt % QN] = now + lat;
			qt++;
		}
		double r = ratelimit_rate(&rl);
		if (r > res.max_rate)
			res.max_rate = r;
		if (res.t150 < 0 && r >= 0.75 * quota)
			res.t150 = now;
	}
	res.used = (double)acc_window / (quota * (to - from));
	res.throttled = sent ? (double)thr / (double)sent : 0;
	res.end_rate = ratelimit_rate(&rl);
	res.noise_found = rl.noise_found;
	return res;
}

static struct sim_result simulate(double quota, double qburst, double start, double ceiling,
				  bool adaptive, double from, double to)
{
	return simulate_noisy(quota, qburst, start, ceiling, adaptive, from, to, 0);
}

/* At a stated quota a lone 429 pauses without a cut; a second throttled window cuts. */
static void stated_quota_tolerates_jitter(void **state)
{
	struct ratelimit rl;
	ratelimit_init(&rl, 200, 8, true, 200, 0);
	ratelimit_throttled(&rl, 1.0);
	assert_true(ratelimit_rate(&rl) == 200);
	assert_true(ratelimit_take(&rl, 1.0) > 0); /* but it paused */
	assert_int_equal(rl.cuts, 0);
	ratelimit_throttled(&rl, 1.0 + RATELIMIT_WINDOW + 0.01);
	assert_int_equal(rl.cuts, 1);
	assert_true(ratelimit_rate(&rl) < 200);
	/* a quiet window forgives: the next lone 429 pauses again */
	for (double t = 3; t < 30; t += 0.004)
		ratelimit_take(&rl, t);
	assert_true(ratelimit_rate(&rl) == 200);
	unsigned long cuts = rl.cuts;
	ratelimit_throttled(&rl, 30.0);
	assert_int_equal(rl.cuts, cuts);
}

/* Told the quota: runs at it, hardly ever throttled. */
static void known_quota_is_used_fully(void **state)
{
	struct sim_result r = simulate(200, 10, 200, 200, true, 5, 60);
	assert_true(r.used > 0.99);
	assert_true(r.throttled < 0.01);
	assert_true(r.max_rate <= 200 + 1e-9);
}

/* Starting at the published default (2/s) against a raised quota of 200/s: found within
 * seconds, then used at >= 85% on average (the sawtooth of AIMD), with few throttles. */
static void hidden_quota_is_found(void **state)
{
	struct sim_result r = simulate(200, 10, 2, 0, true, 10, 100);
	print_message("# adaptive: used %.3f of the quota, throttled %.4f, reached 150/s at %.1fs\n",
		      r.used, r.throttled, r.t150);
	assert_true(r.t150 >= 0 && r.t150 < 10);
	assert_true(r.used > 0.85);
	assert_true(r.throttled < 0.10);
	assert_int_equal(r.noise_found, 0); /* a quota is not noise */
}

/* The account has exactly the published default (2/s burst 5) and the tool starts there without
 * a ceiling: probing costs little. */
static void default_quota_probing_is_cheap(void **state)
{
	struct sim_result r = simulate(2, 5, 2, 0, true, 5, 120);
	print_message("# default quota: used %.3f, throttled %.4f\n", r.used, r.throttled);
	assert_true(r.used > 0.85);
	/* 0.15 before the noise test: its trials (a second or so at twice the rate, backing off
	 * 20, 40, 80 s... after each quota found) cost a few throttles more. */
	assert_true(r.throttled < 0.20);
}

/* A low quota below the default (1/s, burst 1) with the tool believing 2/s: it backs off. */
static void lower_quota_backs_off(void **state)
{
	struct sim_result r = simulate(1, 1, 2, 2, true, 10, 200);
	print_message("# low quota: used %.3f, throttled %.4f\n", r.used, r.throttled);
	assert_true(r.used > 0.8);
	assert_true(r.throttled < 0.35);
	assert_int_equal(r.noise_found, 0);
	struct sim_result f = simulate(1, 1, 2, 2, false, 10, 200);
	assert_true(f.throttled > r.throttled); /* the fixed rate keeps hammering */
}

/* 10-50% of requests throttled at random, whatever the rate, in front of a quota of 100/s: the
 * rate is not pinned to the floor (it was: every window held a 429); the quota's share that
 * noise leaves is mostly used. */
static void random_throttles_are_noise(void **state)
{
	static const double shares[] = { 0.1, 0.3, 0.5 };
	for (size_t i = 0; i < sizeof shares / sizeof *shares; i++) {
		struct sim_result r = simulate_noisy(100, 10, 2, 0, true, 30, 120, shares[i]);
		print_message("# %.0f%% random 429s: used %.3f of the quota, rate at the end %.1f/s, "
			      "noise found %lu time(s)\n",
			      shares[i] * 100, r.used, r.end_rate, r.noise_found);
		assert_true(r.noise_found >= 1);
		assert_true(r.end_rate > 20);
		assert_true(r.used > 0.2 * (1 - shares[i]));
	}
}

/* A quota that drops (another tool takes most of it) is not noise: the accepted rate stays. */
static void quota_drop_is_not_noise(void **state)
{
	struct ratelimit rl;
	ratelimit_init(&rl, 50, 5, true, 0, 0);
	struct ratelimit srv;
	ratelimit_init(&srv, 10, 2, false, 0, 0);
	double now = 0;
	while (now < 120) {
		double w = ratelimit_take(&rl, now);
		if (w > 0) {
			now += w;
			continue;
		}
		if (ratelimit_take(&srv, now) > 0)
			ratelimit_throttled(&rl, now + 0.02);
	}
	assert_int_equal(rl.noise_found, 0);
	assert_true(ratelimit_rate(&rl) < 20);
}

/* No quota known (Service Quotas not readable): doubling stops at 20/s, then a quarter a window,
 * so a hidden quota of 37/s is overshot by a quarter a step (doubling went 32 -> 64). */
static void gentle_probe_without_ceiling(void **state)
{
	struct ratelimit rl;
	ratelimit_init(&rl, 16, 5, true, 0, 0);
	double now = 0;
	double seen[4];
	for (int k = 0; k < 4; k++) {
		double r0 = ratelimit_rate(&rl);
		while (ratelimit_rate(&rl) == r0 && now < 60) {
			double w = ratelimit_take(&rl, now);
			now += w > 0 ? w : 0;
		}
		seen[k] = ratelimit_rate(&rl);
	}
	assert_true(seen[0] == 32);
	assert_true(seen[1] == 40);
	assert_true(seen[2] == 50);
	assert_true(seen[3] == 62.5);
	/* with a ceiling (a quota known) the start is the ceiling anyway; below it, doubling */
	ratelimit_init(&rl, 16, 5, true, 100, 0);
	for (now = 0; ratelimit_rate(&rl) == 16 && now < 60;) {
		double w = ratelimit_take(&rl, now);
		now += w > 0 ? w : 0;
	}
	assert_true(ratelimit_rate(&rl) == 32);
	ratelimit_init(&rl, 32, 5, true, 100, 0);
	for (now = 0; ratelimit_rate(&rl) == 32 && now < 60;) {
		double w = ratelimit_take(&rl, now);
		now += w > 0 ? w : 0;
	}
	assert_true(ratelimit_rate(&rl) == 64);
	struct sim_result r = simulate(37, 5, 2, 0, true, 10, 100);
	print_message("# hidden 37/s: used %.3f, throttled %.4f, highest rate %.1f\n", r.used,
		      r.throttled, r.max_rate);
	/* a step that the server's burst hides for a window is followed by one more: doubling
	 * would have been at 64 and then 128 */
	assert_true(r.max_rate <= 37 * RATELIMIT_GENTLE_STEP * RATELIMIT_GENTLE_STEP + 1e-9);
	assert_true(r.used > 0.85);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(burst_then_rate),
		cmocka_unit_test(long_run_matches_rate),
		cmocka_unit_test(refund_returns_a_token),
		cmocka_unit_test(fixed_rate_ignores_throttles),
		cmocka_unit_test(throttle_cuts_once_per_window),
		cmocka_unit_test(idle_bucket_does_not_grow),
		cmocka_unit_test(stated_quota_tolerates_jitter),
		cmocka_unit_test(known_quota_is_used_fully),
		cmocka_unit_test(hidden_quota_is_found),
		cmocka_unit_test(default_quota_probing_is_cheap),
		cmocka_unit_test(lower_quota_backs_off),
		cmocka_unit_test(random_throttles_are_noise),
		cmocka_unit_test(quota_drop_is_not_noise),
		cmocka_unit_test(gentle_probe_without_ceiling),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
