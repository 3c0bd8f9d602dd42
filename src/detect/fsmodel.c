/* fsmodel.c -- Fellegi-Sunter weights and their estimation by EM over counted comparison patterns. */
#include "detect/fsmodel.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "hash.h"

void fs_patterns_init(struct fs_patterns *p, uint8_t ncomp)
{
	memset(p, 0, sizeof *p);
	p->ncomp = ncomp;
}

void fs_patterns_release(struct fs_patterns *p)
{
	free(p->levels);
	free(p->count);
	free(p->slot);
	memset(p, 0, sizeof *p);
}

static size_t find_slot(const struct fs_patterns *p, const uint8_t *levels)
{
	size_t mask = p->nslots - 1;
	size_t i = (size_t)hash_bytes((const char *)levels, p->ncomp) & mask;
	while (p->slot[i] &&
	       memcmp(p->levels + (size_t)(p->slot[i] - 1) * p->ncomp, levels, p->ncomp) != 0)
		i = (i + 1) & mask;
	return i;
}

static enum cd_result rehash(struct fs_patterns *p)
{
	size_t ns = p->nslots ? p->nslots * 2 : 1024;
	uint32_t *old = p->slot;
	size_t oldn = p->nslots;
	p->slot = calloc(ns, sizeof *p->slot);
	if (!p->slot) {
		p->slot = old;
		return CD_NOMEM;
	}
	p->nslots = ns;
	for (size_t i = 0; i < oldn; i++)
		if (old[i])
			p->slot[find_slot(p, p->levels + (size_t)(old[i] - 1) * p->ncomp)] = old[i];
	free(old);
	return CD_OK;
}

enum cd_result fs_patterns_add(struct fs_patterns *p, const uint8_t *levels, double weight)
{
	enum cd_result r;
	if ((p->n + 1) * 2 > p->nslots && (r = rehash(p)) != CD_OK)
		return r;
	size_t i = find_slot(p, levels);
	if (p->slot[i]) {
		p->count[p->slot[i] - 1] += weight;
		return CD_OK;
	}
	if ((r = ARRAY_GROW(p->count, p->n + 1, p->cap, UINT32_MAX - 1)) != CD_OK ||
	    (r = ARRAY_GROW(p->levels, (p->n + 1) * p->ncomp, p->lcap, SIZE_MAX)) != CD_OK)
		return r;
	memcpy(p->levels + p->n * p->ncomp, levels, p->ncomp);
	p->count[p->n] = weight;
	p->slot[i] = (uint32_t)(++p->n);
	return CD_OK;
}

void fs_em_opts_init(struct fs_em_opts *o)
{
	o->max_iter = 100;
	o->tol = 1e-5;
	o->pseudo = 1.0;
	o->floor = 1e-6;
	o->lambda_max = 0.99;
}

double fs_weight(const struct fs_model *model, unsigned k, unsigned l)
{
	if (l == 0 || k >= model->ncomp || l >= model->c[k].nlevels)
		return 0;
	return log2(model->c[k].m[l] / model->c[k].u[l]);
}

double fs_total_weight(const struct fs_model *model, const uint8_t *levels)
{
	double w = log2(model->lambda / (1 - model->lambda));
	for (unsigned k = 0; k < model->ncomp; k++)
		w += fs_weight(model, k, levels[k]);
	return w;
}

double fs_probability(double weight)
{
	if (weight > 60)
		return 1.0;
	if (weight < -60)
		return 0.0;
	double o = exp2(weight);
	return o / (1 + o);
}

/* Normalises v[1..n) to sum 1 with nothing under floor. */
static void normalise(double *v, unsigned n, double floor)
{
	double s = 0;
	for (unsigned l = 1; l < n; l++)
		s += v[l] = v[l] < floor ? floor : v[l];
	for (unsigned l = 1; l < n; l++)
		v[l] /= s;
}

enum cd_result fs_em(struct fs_model *model, const struct fs_patterns *p,
		     const struct fs_em_opts *opts, char *err, size_t errlen)
{
	enum cd_result r = CD_OK;
	double *post = NULL;
	if (p->ncomp != model->ncomp || model->ncomp == 0 || model->ncomp > FS_MAX_COMPARISONS) {
		snprintf(err, errlen, "em: the patterns have %u comparisons, the model %u",
			 (unsigned)p->ncomp, (unsigned)model->ncomp);
		return CD_USAGE;
	}
	bool any = false;
	for (size_t j = 0; j < p->n && !any; j++)
		for (unsigned k = 0; k < p->ncomp && !any; k++)
			any = p->levels[j * p->ncomp + k] != 0 && p->count[j] > 0;
	if (!any) {
		snprintf(err, errlen, "em: no candidate pair has a comparable value");
		return CD_USAGE;
	}
	post = malloc((p->n ? p->n : 1) * sizeof *post);
	if (!post)
		return CD_NOMEM;
	/* The start values are also where the pseudo-counts pull: a level that no candidate
	 * pair reaches keeps its start value instead of collapsing to 0 (an infinite weight). */
	double m0[FS_MAX_COMPARISONS][FS_MAX_LEVELS], u0[FS_MAX_COMPARISONS][FS_MAX_LEVELS];
	for (unsigned k = 0; k < model->ncomp; k++) {
		struct fs_comparison *c = &model->c[k];
		normalise(c->m, c->nlevels, opts->floor);
		normalise(c->u, c->nlevels, opts->floor);
		memcpy(m0[k], c->m, sizeof c->m);
		memcpy(u0[k], c->u, sizeof c->u);
	}
	if (!(model->lambda > 0 && model->lambda < 1))
		model->lambda = 0.1;
	model->converged = false;
	model->iterations = 0;
	while (model->iterations < opts->max_iter && !model->converged) {
		model->iterations++;
		/* E: the probability that each pattern is one person, in log space. */
		double lo = log(model->lambda / (1 - model->lambda)), total = 0, matched = 0;
		for (size_t j = 0; j < p->n; j++) {
			double x = lo;
			const uint8_t *g = p->levels + j * p->ncomp;
			for (unsigned k = 0; k < p->ncomp; k++)
				if (g[k] && g[k] < model->c[k].nlevels)
					x += log(model->c[k].m[g[k]] / model->c[k].u[g[k]]);
			post[j] = x > 40 ? 1.0 : x < -40 ? 0.0 : 1.0 / (1.0 + exp(-x));
			total += p->count[j];
			matched += p->count[j] * post[j];
		}
		/* M: lambda, then m and u from the expected counts of each level. */
		double change = 0, nl = matched / total;
		if (nl > opts->lambda_max)
			nl = opts->lambda_max;
		if (nl < opts->floor)
			nl = opts->floor;
		change = fabs(nl - model->lambda);
		model->lambda = nl;
		for (unsigned k = 0; k < p->ncomp; k++) {
			struct fs_comparison *c = &model->c[k];
			double em[FS_MAX_LEVELS] = { 0 }, eu[FS_MAX_LEVELS] = { 0 };
			for (size_t j = 0; j < p->n; j++) {
				uint8_t l = p->levels[j * p->ncomp + k];
				if (l && l < c->nlevels) {
					em[l] += p->count[j] * post[j];
					eu[l] += p->count[j] * (1 - post[j]);
				}
			}
			for (unsigned l = 1; l < c->nlevels; l++) {
				em[l] += opts->pseudo * m0[k][l];
				eu[l] += opts->pseudo * u0[k][l];
			}
			normalise(em, c->nlevels, opts->floor);
			normalise(eu, c->nlevels, opts->floor);
			for (unsigned l = 1; l < c->nlevels; l++) {
				if (!c->fixed_m) {
					change = fmax(change, fabs(em[l] - c->m[l]));
					c->m[l] = em[l];
				}
				if (!c->fixed_u) {
					change = fmax(change, fabs(eu[l] - c->u[l]));
					c->u[l] = eu[l];
				}
			}
		}
		model->converged = change < opts->tol;
	}
	free(post);
	return r;
}
