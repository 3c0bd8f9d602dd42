/* retry.c -- the one retry policy: full-jitter capped exponential back-off from a seeded xorshift64*. */
#include "connect/retry.h"

#include <errno.h>
#include <math.h>
#include <time.h>

void retry_jitter_seed(struct retry_jitter *j, uint64_t seed)
{
	if (!seed) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		seed = ((uint64_t)time(NULL) << 20) ^ ((uint64_t)ts.tv_sec * 1000000u +
						       (uint64_t)ts.tv_nsec / 1000u);
	}
	/* xorshift's one fixed point is 0: any constant but 0 will do */
	j->state = seed ? seed : 88172645463325252ULL;
}

double retry_jitter_next(struct retry_jitter *j)
{
	if (!j->state)
		retry_jitter_seed(j, 0);
	j->state ^= j->state >> 12;
	j->state ^= j->state << 25;
	j->state ^= j->state >> 27;
	/* the top 53 bits of the product: every double in [0, 1) with a 2^-53 step */
	return (double)((j->state * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

double retry_backoff(unsigned attempt, double base, double cap, double r)
{
	double ceil_s = base;
	for (unsigned i = 1; i < attempt && ceil_s < cap; i++)
		ceil_s *= 2;
	if (ceil_s > cap)
		ceil_s = cap;
	return r * ceil_s;
}

double retry_delay(const struct retry_policy *p, unsigned attempt, struct retry_jitter *j)
{
	return retry_backoff(attempt, p->base, p->cap, retry_jitter_next(j));
}

bool retry_again(const struct retry_policy *p, unsigned failures)
{
	unsigned max = p->max_attempts ? p->max_attempts : RETRY_DEFAULT_ATTEMPTS;
	return failures < max;
}

void retry_sleep(double seconds)
{
	if (!(seconds > 0) || !isfinite(seconds))
		return;
	struct timespec ts;
	ts.tv_sec = (time_t)seconds;
	ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
	if (ts.tv_nsec >= 1000000000L)
		ts.tv_nsec = 999999999L;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}
