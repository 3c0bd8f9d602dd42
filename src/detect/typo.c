/* typo.c -- blocking by spelling: compact full names within one edit (two in thorough), by
 * deletion keys grouped in place and confirmed with OSA. */
#include "detect/match_int.h"

#include <stdlib.h>
#include <string.h>
#include "grow.h"
#include "mem.h"
#include "detect/fuzzy.h"
#include "detect/normalize.h"


/* One-edit name pairs. Every distinct compact name of 5+ code points gives n + 1 deletion keys
 * (a million users: 15 million). They are grouped in place: one American-flag pass on the
 * top TYPO_BITS bits puts each key in its partition, then each partition (a few thousand keys,
 * in cache) is sorted by (key, name id). Equal keys then form runs with their names in id
 * order, exactly as a full stable sort would give them. */
#define TYPO_BITS 12
#define TYPO_PARTS ((size_t)1 << TYPO_BITS)
#define TYPO_RUN_MAX 256 /* a deletion key shared by more names is a common stem: no pairs */

/* Names of at least TYPO2_MIN code points also get two-deletion keys in `thorough` (two edits
 * in a shorter name make another name; scoring credits OSA 2 from that length too). */
#define TYPO2_MIN 9

struct typo {
	const struct itab *t;
	int two;         /* thorough: names of TYPO2_MIN+ code points within two edits too */
	uint32_t *cp;    /* code points of all names, name id's from cpoff[id] to cpoff[id + 1] */
	size_t *cpoff;   /* t->n + 1 */
	size_t *koff;    /* first deletion key of each name, t->n + 1 */
	uint64_t *key;   /* koff[t->n] deletion keys ... */
	uint32_t *kid;   /* ... and the name each belongs to */
	size_t *part;    /* TYPO_PARTS + 1 partition starts */
};

/* The deletion keys of every name. */
static void typo_name_keys(struct typo *ty)
{
	for (size_t id = 0; id < ty->t->n; id++) {
		size_t n = ty->cpoff[id + 1] - ty->cpoff[id];
		if (n < 5)
			continue; /* a one-letter change in a four-letter name is another name */
		size_t k0 = ty->koff[id];
		size_t nk = ty->two && n >= TYPO2_MIN ? fuzzy_deletion_keys2(ty->cp + ty->cpoff[id], n, ty->key + k0)
						      : fuzzy_deletion_keys(ty->cp + ty->cpoff[id], n, ty->key + k0);
		for (size_t k = 0; k < nk; k++)
			ty->kid[k0 + k] = (uint32_t)id;
	}
}

static int typo_less(uint64_t ka, uint32_t ia, uint64_t kb, uint32_t ib)
{
	return ka < kb || (ka == kb && ia < ib);
}

/* Sorts (k[i], id[i]) by key, then id: quicksort, insertion sort for short ranges, recursing
 * into the smaller side so the stack stays O(log n). */
static void typo_sort(uint64_t *k, uint32_t *id, size_t n)
{
	while (n > 16) {
		size_t m = n / 2, l = n - 1;
		/* median of three into k[0] as the pivot */
		if (typo_less(k[m], id[m], k[0], id[0])) {
			uint64_t tk = k[m]; k[m] = k[0]; k[0] = tk;
			uint32_t ti = id[m]; id[m] = id[0]; id[0] = ti;
		}
		if (typo_less(k[l], id[l], k[m], id[m])) {
			uint64_t tk = k[l]; k[l] = k[m]; k[m] = tk;
			uint32_t ti = id[l]; id[l] = id[m]; id[m] = ti;
			if (typo_less(k[m], id[m], k[0], id[0])) {
				tk = k[m]; k[m] = k[0]; k[0] = tk;
				ti = id[m]; id[m] = id[0]; id[0] = ti;
			}
		}
		uint64_t pk = k[m];
		uint32_t pi = id[m];
		size_t i = 0, j = n - 1;
		for (;;) {
			while (typo_less(k[i], id[i], pk, pi))
				i++;
			while (typo_less(pk, pi, k[j], id[j]))
				j--;
			if (i >= j)
				break;
			uint64_t tk = k[i]; k[i] = k[j]; k[j] = tk;
			uint32_t ti = id[i]; id[i] = id[j]; id[j] = ti;
			i++;
			j--;
		}
		/* [0, j] <= pivot <= [j + 1, n) */
		size_t left = j + 1;
		if (left < n - left) {
			typo_sort(k, id, left);
			k += left;
			id += left;
			n -= left;
		} else {
			typo_sort(k + left, id + left, n - left);
			n = left;
		}
	}
	for (size_t i = 1; i < n; i++) {
		uint64_t tk = k[i];
		uint32_t ti = id[i];
		size_t j = i;
		for (; j > 0 && typo_less(tk, ti, k[j - 1], id[j - 1]); j--) {
			k[j] = k[j - 1];
			id[j] = id[j - 1];
		}
		k[j] = tk;
		id[j] = ti;
	}
}

/* Sorts each partition and confirms the name pairs of each run of one key into *pairs
 * ((name a << 32) | name b, a < b). */
static enum cd_result typo_confirm(struct typo *ty, struct u64vec *pairs)
{
	enum cd_result r = CD_OK;
	for (size_t p = 0; p < TYPO_PARTS && r == CD_OK; p++) {
		uint64_t *key = ty->key;
		uint32_t *kid = ty->kid;
		size_t plo = ty->part[p], phi = ty->part[p + 1];
		typo_sort(key + plo, kid + plo, phi - plo);
		/* runs of one key: distinct names in the run are candidates */
		for (size_t lo = plo; lo < phi && r == CD_OK;) {
			size_t hi = lo + 1;
			while (hi < phi && key[hi] == key[lo])
				hi++;
			if (hi - lo >= 2 && hi - lo <= TYPO_RUN_MAX) {
				/* A run is sorted by name id, and a repetitive name ("aaaa...")
				 * gives one key many times: each name once, or a long one costs
				 * run^2 edit-distance checks (found by fuzz_detect). */
				for (size_t x = lo; x < hi && r == CD_OK; x++) {
					if (x > lo && kid[x] == kid[x - 1])
						continue;
					for (size_t y = x + 1; y < hi && r == CD_OK; y++) {
						uint32_t a = kid[x], b = kid[y];
						if (a == b || kid[y] == kid[y - 1])
							continue;
						const uint32_t *ca = ty->cp + ty->cpoff[a], *cb = ty->cp + ty->cpoff[b];
						size_t na = ty->cpoff[a + 1] - ty->cpoff[a];
						size_t nb = ty->cpoff[b + 1] - ty->cpoff[b];
						int bound = ty->two && na >= TYPO2_MIN && nb >= TYPO2_MIN ? 2 : 1;
						if (fuzzy_osa(ca, na, cb, nb, bound) > bound)
							continue;
						if (a > b) {
							uint32_t s = a;
							a = b;
							b = s;
						}
						r = u64_push(pairs, ((uint64_t)a << 32) | b);
					}
				}
			}
			lo = hi;
		}
	}
	return r;
}

/* Fills ty->cp/cpoff/koff (one pass: decoding is cheap), then the keys, then partitions them
 * in place. */
static enum cd_result typo_keys(struct typo *ty)
{
	const struct itab *t = ty->t;
	size_t cpcap = 0;
	uint32_t cp[FUZZY_MAX];
	if (!(ty->cpoff = malloc((t->n + 1) * sizeof(*ty->cpoff))) ||
	    !(ty->koff = malloc((t->n + 1) * sizeof(*ty->koff))) ||
	    !(ty->part = calloc(TYPO_PARTS + 1, sizeof(*ty->part))))
		return CD_NOMEM;
	ty->cpoff[0] = ty->koff[0] = 0;
	for (size_t id = 0; id < t->n; id++) {
		size_t n = norm_codepoints(t->str[id], cp, FUZZY_MAX), at = ty->cpoff[id];
		enum cd_result r = ARRAY_GROW(ty->cp, at + n, cpcap, GROW_MAX_ELEMS);
		if (r != CD_OK)
			return r;
		memcpy(ty->cp + at, cp, n * sizeof(*cp));
		ty->cpoff[id + 1] = at + n;
		size_t n2 = n < FUZZY2_MAX ? n : FUZZY2_MAX;
		ty->koff[id + 1] = ty->koff[id] + (ty->two && n >= TYPO2_MIN ? FUZZY2_KEYS(n2) : n >= 5 ? n + 1 : 0);
	}
	size_t nkey = ty->koff[t->n];
	ty->key = malloc((nkey ? nkey : 1) * sizeof(*ty->key));
	ty->kid = malloc((nkey ? nkey : 1) * sizeof(*ty->kid));
	if (!ty->key || !ty->kid)
		return CD_NOMEM;
	mem_advise_huge(ty->key, nkey * sizeof(*ty->key)); /* why: see match_run */
	mem_advise_huge(ty->kid, nkey * sizeof(*ty->kid));
	typo_name_keys(ty);

	/* American flag: counts, starts, then each key swapped along until it lands home */
	size_t *next = malloc(TYPO_PARTS * sizeof(*next));
	if (!next)
		return CD_NOMEM;
	for (size_t i = 0; i < nkey; i++)
		ty->part[(ty->key[i] >> (64 - TYPO_BITS)) + 1]++;
	for (size_t p = 0; p < TYPO_PARTS; p++) {
		ty->part[p + 1] += ty->part[p];
		next[p] = ty->part[p];
	}
	for (size_t p = 0; p < TYPO_PARTS; p++) {
		while (next[p] < ty->part[p + 1]) {
			uint64_t k = ty->key[next[p]];
			uint32_t id = ty->kid[next[p]];
			size_t d = (size_t)(k >> (64 - TYPO_BITS));
			while (d != p) {
				size_t at = next[d]++;
				uint64_t tk = ty->key[at];
				uint32_t ti = ty->kid[at];
				ty->key[at] = k;
				ty->kid[at] = id;
				k = tk;
				id = ti;
				d = (size_t)(k >> (64 - TYPO_BITS));
			}
			ty->key[next[p]] = k;
			ty->kid[next[p]] = id;
			next[p]++;
		}
	}
	free(next);
	return CD_OK;
}

/* Compact full names within one edit: deletion keys of every distinct name, grouped by key,
 * confirmed with OSA, then expanded to the users carrying each name. */
enum cd_result typo_pairs(struct ctx *c)
{
	struct itab *t = &c->t[T_CNAME];
	enum cd_result r = CD_OK;
	struct typo ty = { .t = t, .two = c->opts->mode == MATCH_THOROUGH };
	struct u64vec npairs = { 0 };
	uint32_t *start = NULL, *users = NULL;
	if ((r = typo_keys(&ty)) != CD_OK || (r = typo_confirm(&ty, &npairs)) != CD_OK)
		goto out;
	/* the keys are done with: free them before the users' arrays are made */
	free(ty.key);
	free(ty.kid);
	free(ty.cp);
	ty.key = NULL;
	ty.kid = NULL;
	ty.cp = NULL;
	if ((r = radix_u64(npairs.v, npairs.n)) != CD_OK)
		goto out;
	/* users by name id */
	start = calloc(t->n + 1, sizeof(*start));
	users = malloc((c->users->n ? c->users->n : 1) * sizeof(*users));
	if (!start || !users) {
		r = CD_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < c->users->n; i++)
		if (c->f[i].cname != NONE)
			start[c->f[i].cname + 1]++;
	for (size_t k = 0; k < t->n; k++)
		start[k + 1] += start[k];
	{
		uint32_t *fill = malloc((t->n + 1) * sizeof(*fill));
		if (!fill) {
			r = CD_NOMEM;
			goto out;
		}
		memcpy(fill, start, (t->n + 1) * sizeof(*fill));
		for (size_t i = 0; i < c->users->n; i++)
			if (c->f[i].cname != NONE)
				users[fill[c->f[i].cname]++] = (uint32_t)i;
		free(fill);
	}
	for (size_t p = 0; p < npairs.n && r == CD_OK; p++) {
		if (p > 0 && npairs.v[p] == npairs.v[p - 1])
			continue;
		uint32_t a = (uint32_t)(npairs.v[p] >> 32), b = (uint32_t)npairs.v[p];
		size_t na = start[a + 1] - start[a], nb = start[b + 1] - start[b];
		if (na * nb > c->name_cap) {
			block_note_capped(c, T_CNAME, na > nb ? a : b, na > nb ? na : nb);
			continue;
		}
		for (size_t x = start[a]; x < start[a + 1] && r == CD_OK; x++)
			for (size_t y = start[b]; y < start[b + 1] && r == CD_OK; y++)
				r = block_add_pair(c, users[x], users[y]);
	}
out:
	free(ty.cp);
	free(ty.cpoff);
	free(ty.koff);
	free(ty.key);
	free(ty.kid);
	free(ty.part);
	free(npairs.v);
	free(start);
	free(users);
	return r;
}
