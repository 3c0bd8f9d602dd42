/* emu_fault.c -- seeded fault picker: a reproducible sequence of faults for a client. */
#include "emu_fault.h"

#include <stdio.h>
#include <string.h>

static const char *const names[EMU_FAULT_KINDS] = {
	"none", "500", "503", "drop", "truncate", "slow",
};

void emu_fault_init(struct emu_fault *f, double rate, uint64_t seed)
{
	memset(f, 0, sizeof *f);
	f->rate = rate;
	f->slow_ms = 2000;
	f->state = seed ^ 0xfa017fa017ULL;
	pthread_mutex_init(&f->lock, NULL);
}

void emu_fault_release(struct emu_fault *f)
{
	pthread_mutex_destroy(&f->lock);
}

enum cd_result emu_fault_parse_kinds(struct emu_fault *f, const char *list, char *err,
				     size_t errlen)
{
	unsigned kinds = 0;
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ",");
		int k;
		for (k = 1; k < EMU_FAULT_KINDS; k++)
			if (strlen(names[k]) == n && !strncmp(names[k], p, n))
				break;
		if (k == EMU_FAULT_KINDS) {
			snprintf(err, errlen,
				 "--fault-kinds: unknown kind '%.*s' (500, 503, drop, truncate, slow)",
				 (int)n, p);
			return CD_USAGE;
		}
		kinds |= 1u << k;
		p += n;
		if (*p == ',')
			p++;
	}
	f->kinds = kinds;
	return CD_OK;
}

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

enum emu_fault_kind emu_fault_pick(struct emu_fault *f)
{
	if (f->rate <= 0)
		return EMU_FAULT_NONE;
	pthread_mutex_lock(&f->lock);
	uint64_t a = splitmix(&f->state), b = splitmix(&f->state);
	pthread_mutex_unlock(&f->lock);
	if ((double)(a >> 11) / 9007199254740992.0 >= f->rate)
		return EMU_FAULT_NONE;
	enum emu_fault_kind enabled[EMU_FAULT_KINDS];
	unsigned n = 0;
	for (int k = 1; k < EMU_FAULT_KINDS; k++)
		if (!f->kinds || (f->kinds & (1u << k)))
			enabled[n++] = (enum emu_fault_kind)k;
	return n ? enabled[b % n] : EMU_FAULT_NONE;
}
