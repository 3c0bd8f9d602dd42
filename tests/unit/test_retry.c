/* test_retry.c -- unit tests for the retry policy: the budget, the bounds of the back-off, a seeded jitter that repeats. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "connect/retry.h"

static void backoff_is_capped_full_jitter(void **state)
{
	assert_true(retry_backoff(1, 0.5, 20, 0.999) < 0.5);
	assert_true(retry_backoff(3, 0.5, 20, 0.999) > 1.9 && retry_backoff(3, 0.5, 20, 0.999) < 2);
	assert_true(retry_backoff(30, 0.5, 20, 0.999) <= 20);
	assert_true(retry_backoff(30, 0.5, 20, 0) == 0);
	/* a huge attempt number neither overflows nor loops long */
	assert_true(retry_backoff(4000000000u, 0.5, 20, 0.5) == 10);
	assert_true(retry_backoff(2, 0.5, 20, 0.5) == 0.5);
}

/* Every delay lies in [0, min(cap, base * 2^(n-1))), and the draws spread over that range. */
static void delays_stay_in_bounds(void **state)
{
	struct retry_policy p = { .max_attempts = 8, .base = 0.5, .cap = 20 };
	struct retry_jitter j;
	retry_jitter_seed(&j, 42);
	for (unsigned n = 1; n <= 12; n++) {
		double ceil_s = 0.5 * (double)(1u << (n - 1));
		if (ceil_s > 20)
			ceil_s = 20;
		double lo = ceil_s, hi = 0;
		for (int k = 0; k < 2000; k++) {
			double d = retry_delay(&p, n, &j);
			assert_true(d >= 0 && d < ceil_s);
			if (d < lo)
				lo = d;
			if (d > hi)
				hi = d;
		}
		/* full jitter: the whole range is used, not just its upper half */
		assert_true(lo < ceil_s * 0.05);
		assert_true(hi > ceil_s * 0.95);
	}
}

static void same_seed_same_delays(void **state)
{
	struct retry_policy p = { .base = 0.5, .cap = 5 };
	struct retry_jitter a, b, c;
	retry_jitter_seed(&a, 7);
	retry_jitter_seed(&b, 7);
	retry_jitter_seed(&c, 8);
	int differ = 0;
	for (unsigned n = 1; n <= 50; n++) {
		double da = retry_delay(&p, n % 6 + 1, &a), db = retry_delay(&p, n % 6 + 1, &b),
		       dc = retry_delay(&p, n % 6 + 1, &c);
		assert_true(da == db);
		differ += da != dc;
	}
	assert_true(differ > 40);
	/* the first numbers of seed 1, pinned: a change to the generator shows here */
	struct retry_jitter d;
	retry_jitter_seed(&d, 1);
	double r1 = retry_jitter_next(&d), r2 = retry_jitter_next(&d);
	assert_true(r1 > 0.280835050050359 && r1 < 0.280835050050360);
	assert_true(r2 > 0.671137253026676 && r2 < 0.671137253026677);
	struct retry_jitter e;
	retry_jitter_seed(&e, 1);
	struct retry_policy q = { .base = 0.5, .cap = 20 };
	assert_true(retry_delay(&q, 3, &e) == 2 * r1); /* attempt 3: up to 2 s */
}

static void unseeded_and_zero_seed_work(void **state)
{
	struct retry_jitter j;
	memset(&j, 0, sizeof j);
	double r = retry_jitter_next(&j); /* seeds itself from the clock */
	assert_true(r >= 0 && r < 1);
	assert_true(j.state != 0);
	retry_jitter_seed(&j, 0);
	assert_true(j.state != 0);
}

static void budget_counts_failures(void **state)
{
	struct retry_policy p = { .max_attempts = 3, .base = 0.5, .cap = 20 };
	assert_true(retry_again(&p, 1));
	assert_true(retry_again(&p, 2));
	assert_false(retry_again(&p, 3));
	struct retry_policy dflt = { .base = 0.5, .cap = 20 };
	assert_true(retry_again(&dflt, RETRY_DEFAULT_ATTEMPTS - 1));
	assert_false(retry_again(&dflt, RETRY_DEFAULT_ATTEMPTS));
}

static void sleep_takes_about_that_long(void **state)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	retry_sleep(0.05);
	retry_sleep(0);
	retry_sleep(-1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double dt = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_true(dt >= 0.049 && dt < 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(backoff_is_capped_full_jitter),
		cmocka_unit_test(delays_stay_in_bounds),
		cmocka_unit_test(same_seed_same_delays),
		cmocka_unit_test(unseeded_and_zero_seed_work),
		cmocka_unit_test(budget_counts_failures),
		cmocka_unit_test(sleep_takes_about_that_long),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
