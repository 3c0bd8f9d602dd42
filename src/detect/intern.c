/* intern.c -- interning tables of detect/match: each distinct normalised value once, an id per
 * value in first-put order, and how many users carry it (what rarity is made of). */
#include "detect/match_int.h"

#include <stdlib.h>
#include <string.h>
#include "hash.h"
#include "grow.h"

void itab_release(struct itab *t)
{
	free(t->slots);
	free(t->str);
	free(t->count);
	free(t->hash);
	free(t->key);
	memset(t, 0, sizeof(*t));
}

/* Only what scoring reads stays (str or key, count): the slots and hashes go once interning
 * is over. */
void itab_freeze(struct itab *t)
{
	free(t->slots);
	free(t->hash);
	t->slots = NULL;
	t->hash = NULL;
	t->nslots = 0;
}


/* The slot hash of a key table's key (its ids are small and dense: they need mixing). */
static uint64_t itab_key_hash(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xFF51AFD7ED558CCDULL;
	x ^= x >> 33;
	x *= 0xC4CEB9FE1A85EC53ULL;
	x ^= x >> 33;
	return x;
}

static enum cd_result itab_rehash(struct itab *t, size_t ns)
{
	uint64_t *s = calloc(t->keyed ? 2 * ns : ns, sizeof(*s));
	if (!s)
		return CD_NOMEM;
	for (size_t i = 0; t->keyed && i < t->n; i++) {
		size_t k = (size_t)itab_key_hash(t->key[i]) & (ns - 1);
		while (s[2 * k + 1])
			k = (k + 1) & (ns - 1);
		s[2 * k] = t->key[i];
		s[2 * k + 1] = (uint64_t)i + 1;
	}
	for (size_t i = 0; !t->keyed && i < t->n; i++) {
		size_t k = (size_t)t->hash[i] & (ns - 1);
		while (s[k])
			k = (k + 1) & (ns - 1);
		s[k] = (t->hash[i] & 0xFFFFFFFF00000000ULL) | ((uint64_t)i + 1);
	}
	free(t->slots);
	t->slots = s;
	t->nslots = ns;
	return CD_OK;
}

/* Room for `need` values: keyed tables keep keys and counts; string tables strings, counts
 * and hashes, all of t->cap elements (each array doubles from the same capacity). */
static enum cd_result itab_grow_arrays(struct itab *t, size_t need)
{
	size_t cap = t->cap, c2 = t->cap, c3 = t->cap;
	enum cd_result r = ARRAY_GROW(t->count, need, cap, GROW_MAX_ELEMS);
	if (r == CD_OK && t->keyed)
		r = ARRAY_GROW(t->key, need, c2, GROW_MAX_ELEMS);
	if (r == CD_OK && !t->keyed && (r = ARRAY_GROW(t->str, need, c2, GROW_MAX_ELEMS)) == CD_OK)
		r = ARRAY_GROW(t->hash, need, c3, GROW_MAX_ELEMS);
	if (r == CD_OK)
		t->cap = cap;
	return r;
}

/* Sizes an empty table for about `expect` values: the tables that get a value per user would
 * otherwise rehash and copy their arrays a dozen times on the way. Memory that is never
 * written is never paged in, so a generous guess costs little. It pays at 100,000 users:
 * features 0.303 s with it, 0.439 s without (best of 10 analyze runs of golden/users100k on
 * the shared 2-core machine). */
enum cd_result itab_reserve(struct itab *t, size_t expect)
{
	size_t ns = 1024;
	while (ns < expect * 2)
		ns *= 2;
	enum cd_result r = CD_OK;
	if (ns > t->nslots && (r = itab_rehash(t, ns)) != CD_OK)
		return r;
	return expect > t->cap ? itab_grow_arrays(t, expect) : CD_OK;
}

/* Interns s (len bytes); *id receives its id. Ids count up from 0 in the order values are
 * first put, whatever the hash. */
enum cd_result itab_put(struct itab *t, const char *s, size_t len, uint32_t *id)
{
	if ((t->n + 1) * 2 > t->nslots && itab_rehash(t, t->nslots ? t->nslots * 2 : 1024) != CD_OK)
		return CD_NOMEM;
	uint64_t h = hash_bytes(s, len), tag = h & 0xFFFFFFFF00000000ULL;
	size_t k = (size_t)h & (t->nslots - 1);
	while (t->slots[k]) {
		uint64_t sl = t->slots[k];
		uint32_t i = (uint32_t)(sl & 0xFFFFFFFF) - 1;
		if ((sl & 0xFFFFFFFF00000000ULL) == tag && strncmp(t->str[i], s, len) == 0 &&
		    t->str[i][len] == 0) {
			*id = i;
			return CD_OK;
		}
		k = (k + 1) & (t->nslots - 1);
	}
	enum cd_result r;
	if (t->n == t->cap && (r = itab_grow_arrays(t, t->n + 1)) != CD_OK)
		return r;
	const char *copy = s;
	if (t->arena && !(copy = arena_strndup(t->arena, s, len)))
		return CD_NOMEM;
	t->str[t->n] = copy;
	t->count[t->n] = 0;
	t->hash[t->n] = h;
	t->slots[k] = tag | ((uint64_t)t->n + 1);
	*id = (uint32_t)t->n++;
	return CD_OK;
}

uint32_t itab_find(const struct itab *t, const char *s, size_t len)
{
	if (!t->nslots || t->keyed)
		return NONE;
	uint64_t h = hash_bytes(s, len), tag = h & 0xFFFFFFFF00000000ULL;
	for (size_t k = (size_t)h & (t->nslots - 1); t->slots[k]; k = (k + 1) & (t->nslots - 1)) {
		uint64_t sl = t->slots[k];
		uint32_t i = (uint32_t)(sl & 0xFFFFFFFF) - 1;
		if ((sl & 0xFFFFFFFF00000000ULL) == tag && strncmp(t->str[i], s, len) == 0 &&
		    t->str[i][len] == 0)
			return i;
	}
	return NONE;
}

/* Interns a key of a key table (t->keyed); ids count up from 0 in the order keys are first
 * put, as in itab_put. */
enum cd_result itab_put_key(struct itab *t, uint64_t key, uint32_t *id)
{
	if ((t->n + 1) * 2 > t->nslots && itab_rehash(t, t->nslots ? t->nslots * 2 : 1024) != CD_OK)
		return CD_NOMEM;
	size_t k = (size_t)itab_key_hash(key) & (t->nslots - 1);
	while (t->slots[2 * k + 1]) {
		if (t->slots[2 * k] == key) {
			*id = (uint32_t)(t->slots[2 * k + 1] - 1);
			return CD_OK;
		}
		k = (k + 1) & (t->nslots - 1);
	}
	enum cd_result r;
	if (t->n == t->cap && (r = itab_grow_arrays(t, t->n + 1)) != CD_OK)
		return r;
	t->key[t->n] = key;
	t->count[t->n] = 0;
	t->slots[2 * k] = key;
	t->slots[2 * k + 1] = (uint64_t)t->n + 1;
	*id = (uint32_t)t->n++;
	return CD_OK;
}
