/* emu_quota.h -- per-operation token buckets: the service's request quotas, 429 when exceeded. */
#ifndef CD_EMU_QUOTA_H
#define CD_EMU_QUOTA_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include "emu_op.h"
#include "result.h"

/* rate 0 means unlimited. Burst defaults to max(1, rate) when not set: the service's published
 * quotas are "rate, burst" pairs with burst >= rate. */
struct emu_bucket {
	double rate;    /* tokens per second */
	double burst;   /* capacity */
	double tokens;
	double last;    /* monotonic seconds of the last refill */
	bool burst_set;
};

struct emu_quota {
	pthread_mutex_t lock;
	struct emu_bucket b[EMU_OP_COUNT];
};

void emu_quota_init(struct emu_quota *q);
void emu_quota_release(struct emu_quota *q);
/* Parses one --rate / --burst argument: "API=N" (API case-insensitive) or a bare "N" for every
 * operation. Fills err and returns CD_USAGE on a bad name or number. */
enum cd_result emu_quota_set(struct emu_quota *q, bool is_burst, const char *arg, char *err,
			     size_t errlen);
/* Fills every bucket; call once after the last emu_quota_set. */
void emu_quota_start(struct emu_quota *q);
/* Takes one token for op at monotonic time `now`; false means throttle. Thread-safe. */
bool emu_quota_take(struct emu_quota *q, enum emu_op op, double now);

/* CLOCK_MONOTONIC in seconds. */
double emu_now(void);

#endif
