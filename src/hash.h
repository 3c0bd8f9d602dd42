/* hash.h -- the 64-bit hash that spreads the project's in-memory hash tables. */
#ifndef CD_HASH_H
#define CD_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Eight bytes at a time with a multiply-xorshift mix per word and a final avalanche: several
 * times faster than byte-wise FNV-1a on the 10-40 byte values the tables hold (names,
 * addresses, 36-byte Ids). Only equality of the whole value ever decides; the hash just
 * spreads the slots, so no result depends on it. */
static inline uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 0x9E3779B97F4A7C15ULL ^ (n * 0xC2B2AE3D27D4EB4FULL);
	while (n >= 8) {
		uint64_t w;
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xFF51AFD7ED558CCDULL;
		h ^= h >> 29;
		s += 8;
		n -= 8;
	}
	uint64_t w = 0;
	memcpy(&w, s, n);
	h = (h ^ w) * 0xC4CEB9FE1A85EC53ULL;
	h ^= h >> 32;
	h *= 0xFF51AFD7ED558CCDULL;
	h ^= h >> 29;
	return h;
}

#endif
