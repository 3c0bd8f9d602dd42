/* gen_names.c -- name tables resolved to native / ASCII forms and picked by weight. */
#include "gen_int.h"

#include <math.h>
#include <string.h>

int gname_init(struct arena *a, const char *entry, int latin, struct gname *g)
{
	const char *bar = strchr(entry, '|');
	char ascii[256], key[256];
	size_t nl = bar ? (size_t)(bar - entry) : strlen(entry);
	g->native = arena_strndup(a, entry, nl);
	if (!g->native)
		return -1;
	if (bar)
		scpy(ascii, sizeof ascii, bar + 1);
	else
		latin_fold(g->native, 0, ascii, sizeof ascii);
	size_t k = 0;
	for (const char *p = ascii; *p && k + 1 < sizeof key; p++)
		if (is_alpha(*p))
			key[k++] = alower(*p);
	key[k] = 0;
	g->ascii = arena_strndup(a, ascii, strlen(ascii));
	g->key = arena_strndup(a, key, k);
	g->accented = latin && !bar && has_non_ascii(g->native);
	return g->ascii && g->key ? 0 : -1;
}

/* Zipf-like weights 1/(rank+2)^0.6: the head of each list is common, the tail rare. */
#define ZIPF_S 0.6

static int glist_init(struct arena *a, const char *const *names, int latin, struct glist *l)
{
	size_t n = 0;
	while (names[n])
		n++;
	l->n = n;
	l->v = arena_alloc(a, n * sizeof *l->v);
	l->cdf = arena_alloc(a, n * sizeof *l->cdf);
	if (!l->v || !l->cdf)
		return -1;
	double sum = 0;
	for (size_t i = 0; i < n; i++) {
		if (gname_init(a, names[i], latin, &l->v[i]))
			return -1;
		sum += pow((double)i + 2.0, -ZIPF_S);
		l->cdf[i] = sum;
	}
	for (size_t i = 0; i < n; i++)
		l->cdf[i] /= sum;
	return 0;
}

/* Every prefix+suffix surname of a culture, equally likely (they are the rare tail). */
static int glist_synth(struct arena *a, const struct names_culture *c, struct glist *l)
{
	size_t np = 0, ns = 0, k = 0;
	memset(l, 0, sizeof *l);
	if (!c->last_pre || !c->last_suf)
		return 0;
	while (c->last_pre[np])
		np++;
	while (c->last_suf[ns])
		ns++;
	l->n = np * ns;
	l->v = arena_alloc(a, l->n * sizeof *l->v);
	l->cdf = arena_alloc(a, l->n * sizeof *l->cdf);
	if (!l->v || !l->cdf)
		return -1;
	for (size_t i = 0; i < np; i++)
		for (size_t j = 0; j < ns; j++, k++) {
			char name[128];
			scpy(name, sizeof name, c->last_pre[i]);
			scat(name, sizeof name, c->last_suf[j]);
			if (gname_init(a, name, 1, &l->v[k]))
				return -1;
			l->cdf[k] = (double)(k + 1) / (double)l->n;
		}
	return 0;
}

size_t glist_pick(const struct glist *l, struct rng *r)
{
	double u = rng_unit(r);
	size_t lo = 0, hi = l->n - 1;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (l->cdf[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t culture_by_name(const struct gen_ctx *g, const char *name)
{
	for (size_t i = 0; i < g->ncult; i++)
		if (!strcmp(g->cult[i].c->name, name))
			return i;
	return 0;
}

size_t pick_culture(struct gen_ctx *g)
{
	double u = rng_unit(&g->r) * g->cult_total, acc = 0;
	for (size_t i = 0; i < g->ncult; i++) {
		acc += g->cult[i].c->weight;
		if (u < acc)
			return i;
	}
	return g->ncult - 1;
}

int ctx_tables(struct gen_ctx *g)
{
	g->ncult = names_ncultures;
	g->cult = arena_alloc(g->arena, g->ncult * sizeof *g->cult);
	if (!g->cult)
		return -1;
	for (size_t i = 0; i < g->ncult; i++) {
		const struct names_culture *c = &names_cultures[i];
		g->cult[i].c = c;
		g->cult_total += c->weight;
		if (glist_init(g->arena, c->first, c->latin, &g->cult[i].first) ||
		    glist_init(g->arena, c->last, c->latin, &g->cult[i].last) ||
		    glist_synth(g->arena, c, &g->cult[i].synth))
			return -1;
	}
	return 0;
}
