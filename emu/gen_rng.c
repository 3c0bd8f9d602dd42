/* gen_rng.c -- the generator's PRNG (splitmix64) and the UUIDs derived from it. */
#include "gen_int.h"

/* ---- PRNG: splitmix64 (public domain, Vigna); ours so bytes never depend on libc -------- */

uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t mix64(uint64_t a, uint64_t b)
{
	struct rng r = { a ^ (b * 0xd1342543de82ef95ULL) };
	rng_next(&r);
	return rng_next(&r);
}

/* Uniform in [0, n) without modulo bias worth mentioning (n is small). */
size_t rng_below(struct rng *r, size_t n)
{
	return n ? (size_t)(((unsigned __int128)rng_next(r) * n) >> 64) : 0;
}

double rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1p-53;
}

int rng_pct(struct rng *r, unsigned pct)
{
	return rng_below(r, 100) < pct;
}

void uuid_from(uint64_t a, uint64_t b, char out[37])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char x[16];
	for (int i = 0; i < 8; i++) {
		x[i] = (unsigned char)(a >> (8 * i));
		x[8 + i] = (unsigned char)(b >> (8 * i));
	}
	x[6] = (unsigned char)((x[6] & 0x0f) | 0x40); /* version 4 */
	x[8] = (unsigned char)((x[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	size_t o = 0;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[x[i] >> 4];
		out[o++] = hex[x[i] & 15];
	}
	out[o] = 0;
}

/* A UUID that is a pure function of (seed, domain, i): pool ids, instance id, user ids. */
void uuid_det(uint64_t seed, uint64_t domain, uint64_t i, char out[37])
{
	uint64_t a = mix64(seed, domain * 0x100000001b3ULL + i);
	uuid_from(a, mix64(a, i + 0x51ed27), out);
}
