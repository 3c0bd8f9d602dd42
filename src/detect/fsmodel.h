/* fsmodel.h -- a Fellegi-Sunter model: comparison levels, m and u, the prior, and EM to estimate them. */
#ifndef CD_DETECT_FSMODEL_H
#define CD_DETECT_FSMODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "result.h"

/* A pair of accounts is compared field by field; each comparison puts the pair at one level
 * (e.g. last name: exact, Jaro-Winkler >= 0.92, >= 0.80, different). Level 0 of every
 * comparison is "null": one side has no value, which says nothing either way and weighs 0.
 * For the other levels m = P(level | same person) and u = P(level | different people); a
 * level's match weight is log2(m/u) bits, and a pair's total is the prior's log2 odds plus its
 * levels' weights (the comparisons are taken as independent given the class; dependent ones
 * must be modelled as one joint comparison by the caller). */
#define FS_MAX_COMPARISONS 16
#define FS_MAX_LEVELS 8

struct fs_comparison {
	const char *name;        /* stable, for reports: "last_name" */
	uint8_t nlevels;         /* including level 0 (null); at most FS_MAX_LEVELS */
	const char *level_names[FS_MAX_LEVELS];
	double m[FS_MAX_LEVELS]; /* m[0] and u[0] are unused */
	double u[FS_MAX_LEVELS];
	bool fixed_u;            /* u was measured (random pairs): EM leaves it alone */
	bool fixed_m;            /* EM leaves m alone too: for a comparison the candidate pairs
	                          * were blocked on, whose levels the blocking skewed (Splink
	                          * estimates such an m in a run blocked on other fields) */
};

struct fs_model {
	uint8_t ncomp;
	struct fs_comparison c[FS_MAX_COMPARISONS];
	double lambda;           /* the prior: P(same person) for a candidate pair */
	unsigned iterations;     /* EM iterations run */
	bool converged;
};

/* Identical comparison vectors counted once (the vectors of 10^6 candidate pairs fall into a
 * few thousand patterns, so EM costs per pattern, not per pair: fastLink's trick). */
struct fs_patterns {
	uint8_t ncomp;
	size_t n, cap, lcap;     /* patterns; capacities of count and levels */
	uint8_t *levels;         /* n * ncomp */
	double *count;
	uint32_t *slot;          /* open-addressing index into patterns, 0 = empty, else i + 1 */
	size_t nslots;
};

void fs_patterns_init(struct fs_patterns *p, uint8_t ncomp);
/* Counts one comparison vector (ncomp levels) `weight` times. */
enum cd_result fs_patterns_add(struct fs_patterns *p, const uint8_t *levels, double weight);
void fs_patterns_release(struct fs_patterns *p);

struct fs_em_opts {
	unsigned max_iter;       /* default 100 */
	double tol;              /* largest change of any m, u or lambda to stop at; 1e-5 */
	double pseudo;           /* pseudo-counts pulling m (and free u) to their start values,
	                          * so that a level no candidate reached keeps a sane value; 1 */
	double floor;            /* no m or u below this (weights stay finite); 1e-6 */
	double lambda_max;       /* the prior never above this; 0.99 */
};

void fs_em_opts_init(struct fs_em_opts *o);

/* Expectation-maximisation of m (and of u where not fixed_u) and lambda over the patterns,
 * starting from the values in *model (the caller sets sane ones: m high on agreeing levels).
 * Sets iterations and converged. CD_USAGE when the patterns' ncomp differs from the model's or
 * no pattern has any non-null level. */
enum cd_result fs_em(struct fs_model *model, const struct fs_patterns *p,
		     const struct fs_em_opts *opts, char *err, size_t errlen);

/* log2(m/u) of comparison k at level l; 0 for level 0. */
double fs_weight(const struct fs_model *model, unsigned k, unsigned l);
/* The prior's log2 odds plus every level's weight. */
double fs_total_weight(const struct fs_model *model, const uint8_t *levels);
/* 2^w / (1 + 2^w), safe for any w. */
double fs_probability(double weight);

#endif
