/* emu_fault.h -- reproducible fault injection: which requests get a 500, 503, drop, cut or stall. */
#ifndef CD_EMU_FAULT_H
#define CD_EMU_FAULT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include "result.h"

enum emu_fault_kind {
	EMU_FAULT_NONE = 0,
	EMU_FAULT_500,      /* 500 InternalServiceException */
	EMU_FAULT_503,      /* 503 ServiceUnavailableException */
	EMU_FAULT_DROP,     /* connection closed without a reply */
	EMU_FAULT_TRUNCATE, /* Content-Length promises more than is sent, then the close */
	EMU_FAULT_SLOW,     /* the right reply, after slow_ms */
	EMU_FAULT_KINDS
};

/* The n-th request that asks gets the n-th draw of a PRNG seeded with `seed`, so one client
 * issuing requests in order sees the same faults on every run. */
struct emu_fault {
	double rate;        /* share of requests that get a fault, 0..1 */
	unsigned kinds;     /* bit (1 << kind) for each enabled kind; 0 = all */
	unsigned slow_ms;
	uint64_t state;
	pthread_mutex_t lock;
};

void emu_fault_init(struct emu_fault *f, double rate, uint64_t seed);
void emu_fault_release(struct emu_fault *f);
/* Parses "500,503,drop,truncate,slow" into f->kinds; CD_USAGE with err on an unknown word. */
enum cd_result emu_fault_parse_kinds(struct emu_fault *f, const char *list, char *err,
				     size_t errlen);
enum emu_fault_kind emu_fault_pick(struct emu_fault *f);

#endif
