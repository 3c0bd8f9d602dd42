/* gen_truth.c -- the truth: labelled pairs, and every pair of different people with one name. */
#include "gen_int.h"

#include <stdlib.h>
#include <string.h>

#include "grow.h"

/* ---- the same-name pass ---------------------------------------------------------------- */

struct nk {
	uint64_t key;
	uint32_t person;
	uint32_t pad;
	size_t index;
};

static int nk_cmp(const void *a, const void *b)
{
	const struct nk *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

enum cd_result truth_add(struct gen_truth *t, size_t u1, size_t u2, const char *kind,
	int distractor)
{
	enum cd_result r = ARRAY_GROW(t->v, t->n + 1, t->cap, GROW_MAX_ELEMS);
	if (r != CD_OK)
		return r;
	t->v[t->n++] = (struct gen_pair){ u1 < u2 ? u1 : u2, u1 < u2 ? u2 : u1, kind, distractor };
	return CD_OK;
}

static int pair_cmp(const void *a, const void *b)
{
	const struct gen_pair *x = a, *y = b;
	if (x->distractor != y->distractor)
		return x->distractor - y->distractor;
	if (x->user1 != y->user1)
		return x->user1 < y->user1 ? -1 : 1;
	if (x->user2 != y->user2)
		return x->user2 < y->user2 ? -1 : 1;
	return strcmp(x->kind, y->kind);
}

/* Every two accounts of different people whose names are equal after normalisation. */
enum cd_result same_name_pass(struct gen_ctx *g)
{
	enum cd_result r = CD_OK;
	struct nk *v = malloc((g->nout ? g->nout : 1) * sizeof *v);
	if (!v)
		return CD_NOMEM;
	for (size_t i = 0; i < g->nout; i++)
		v[i] = (struct nk){ g->namekey[i], g->person[i], 0, i };
	qsort(v, g->nout, sizeof *v, nk_cmp);
	for (size_t i = 0; i < g->nout && r == CD_OK;) {
		size_t j = i + 1;
		while (j < g->nout && v[j].key == v[i].key)
			j++;
		for (size_t a = i; a < j && r == CD_OK; a++)
			for (size_t b = a + 1; b < j && r == CD_OK; b++)
				if (v[a].person != v[b].person)
					r = truth_add(g->truth, v[a].index, v[b].index, KIND_SAME_NAME, 1);
		i = j;
	}
	free(v);
	if (r == CD_OK && g->truth->n) /* qsort(NULL, 0) is undefined behaviour */
		qsort(g->truth->v, g->truth->n, sizeof *g->truth->v, pair_cmp);
	return r;
}

void gen_truth_init(struct gen_truth *t)
{
	memset(t, 0, sizeof *t);
}

void gen_truth_release(struct gen_truth *t)
{
	free(t->v);
	memset(t, 0, sizeof *t);
}
