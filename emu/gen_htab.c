/* gen_htab.c -- the generator's hash tables of 64-bit keys (uniqueness and counts). */
#include "gen_int.h"

#include <stdlib.h>

int hset_grow(struct hset *h, size_t want)
{
	size_t cap = h->cap ? h->cap * 2 : 1 << 14;
	while (cap < want)
		cap *= 2;
	uint64_t *v = calloc(cap, sizeof *v);
	if (!v)
		return -1;
	for (size_t i = 0; i < h->cap; i++) {
		if (!h->v[i])
			continue;
		size_t j = (size_t)h->v[i] & (cap - 1);
		while (v[j])
			j = (j + 1) & (cap - 1);
		v[j] = h->v[i];
	}
	free(h->v);
	h->v = v;
	h->cap = cap;
	return 0;
}

int hset_has(const struct hset *h, uint64_t k)
{
	if (!h->cap)
		return 0;
	k = k ? k : 1;
	for (size_t j = (size_t)k & (h->cap - 1); h->v[j]; j = (j + 1) & (h->cap - 1))
		if (h->v[j] == k)
			return 1;
	return 0;
}

int hset_add(struct hset *h, uint64_t k)
{
	if ((h->n + 1) * 2 > h->cap && hset_grow(h, 0))
		return -1;
	k = k ? k : 1;
	size_t j = (size_t)k & (h->cap - 1);
	while (h->v[j]) {
		if (h->v[j] == k)
			return 0;
		j = (j + 1) & (h->cap - 1);
	}
	h->v[j] = k;
	h->n++;
	return 0;
}

/* Counts per key (how many accounts carry a name), open addressing, grows at half full. Key
 * and count share a slot so a lookup costs one cache miss. */
uint32_t *hcount_slot(struct hcount *h, uint64_t k, int add)
{
	k = k ? k : 1;
	if (add && (h->n + 1) * 2 > h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 1 << 14;
		struct hslot *v = calloc(cap, sizeof *v);
		if (!v)
			return NULL;
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
	}
	if (!h->cap)
		return NULL;
	size_t j = (size_t)k & (h->cap - 1);
	while (h->v[j].k && h->v[j].k != k)
		j = (j + 1) & (h->cap - 1);
	if (!h->v[j].k) {
		if (!add)
			return NULL;
		h->v[j].k = k;
		h->n++;
	}
	return &h->v[j].c;
}
