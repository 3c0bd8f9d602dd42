/* gen_htab.c -- the generator's one hash-table shape: 64-bit keys with a count each. */
#include "gen_int.h"

#include <stdlib.h>

/* Rehashes into a table of at least `want` slots (a power of two, from 2^14). Linear probing
 * from the key's low bits: the keys are hash_bytes values, already well spread. */
static int htab_grow(struct htab *h, size_t want)
{
	size_t cap = h->cap ? h->cap * 2 : 1 << 14;
	while (cap < want)
		cap *= 2;
	struct hslot *v = calloc(cap, sizeof *v);
	if (!v)
		return -1;
	for (size_t i = 0; i < h->cap; i++) {
		if (!h->v[i].k)
			continue;
		size_t j = (size_t)h->v[i].k & (cap - 1);
		while (v[j].k)
			j = (j + 1) & (cap - 1);
		v[j] = h->v[i];
	}
	free(h->v);
	h->v = v;
	h->cap = cap;
	return 0;
}

int htab_reserve(struct htab *h, size_t want)
{
	return want * 2 > h->cap ? htab_grow(h, want * 2) : 0;
}

/* The slot holding k, or the free slot where it would go (k nonzero, h->cap nonzero). */
static size_t htab_find(const struct htab *h, uint64_t k)
{
	size_t j = (size_t)k & (h->cap - 1);
	while (h->v[j].k && h->v[j].k != k)
		j = (j + 1) & (h->cap - 1);
	return j;
}

uint32_t *htab_slot(struct htab *h, uint64_t k, int add)
{
	k = k ? k : 1;
	if (add && (h->n + 1) * 2 > h->cap && htab_grow(h, 0))
		return NULL;
	if (!h->cap)
		return NULL;
	size_t j = htab_find(h, k);
	if (!h->v[j].k) {
		if (!add)
			return NULL;
		h->v[j].k = k;
		h->n++;
	}
	return &h->v[j].c;
}

int htab_has(const struct htab *h, uint64_t k)
{
	k = k ? k : 1;
	return h->cap && h->v[htab_find(h, k)].k == k;
}

int htab_add(struct htab *h, uint64_t k)
{
	return htab_slot(h, k, 1) ? 0 : -1;
}

void htab_free(struct htab *h)
{
	free(h->v);
	h->v = NULL;
	h->cap = h->n = 0;
}
