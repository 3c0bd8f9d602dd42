/* test_fsmodel.c -- unit tests for the Fellegi-Sunter model: EM recovers known m, u and the prior from simulated comparison vectors; the null level weighs nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "detect/fsmodel.h"

/* Three comparisons of four levels (0 null, 1 exact, 2 close, 3 different). */
static const double TRUE_M[3][4] = { { 0, .80, .15, .05 }, { 0, .70, .20, .10 }, { 0, .90, .05, .05 } };
static const double TRUE_U[3][4] = { { 0, .02, .08, .90 }, { 0, .05, .15, .80 }, { 0, .01, .04, .95 } };
static const double NULL_RATE = 0.1;

static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static double uniform(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (double)(rng >> 11) / 9007199254740992.0;
}

static uint8_t draw(const double *p)
{
	double x = uniform(), s = 0;
	for (uint8_t l = 1; l < 4; l++)
		if (x < (s += p[l]))
			return l;
	return 3;
}

static void simulate(struct fs_patterns *pat, double lambda, size_t n)
{
	fs_patterns_init(pat, 3);
	for (size_t i = 0; i < n; i++) {
		bool match = uniform() < lambda;
		uint8_t g[3];
		for (int k = 0; k < 3; k++)
			g[k] = uniform() < NULL_RATE ? 0 : draw(match ? TRUE_M[k] : TRUE_U[k]);
		assert_int_equal(fs_patterns_add(pat, g, 1.0), CD_OK);
	}
}

static void start(struct fs_model *m, bool fixed_u)
{
	memset(m, 0, sizeof *m);
	m->ncomp = 3;
	m->lambda = 0.5; /* deliberately far from the truth */
	for (int k = 0; k < 3; k++) {
		m->c[k].nlevels = 4;
		const double m0[4] = { 0, .6, .3, .1 }, u0[4] = { 0, .1, .2, .7 };
		memcpy(m->c[k].m, m0, sizeof m0);
		memcpy(m->c[k].u, fixed_u ? TRUE_U[k] : u0, sizeof m0);
		m->c[k].fixed_u = fixed_u;
	}
}

static void recovers_m_and_prior_with_measured_u(void **state)
{
	struct fs_patterns pat;
	simulate(&pat, 0.15, 40000);
	assert_true(pat.n <= 64); /* 4^3 patterns at most: counted, not listed */
	struct fs_model m;
	start(&m, true);
	struct fs_em_opts o;
	fs_em_opts_init(&o);
	char err[128];
	assert_int_equal(fs_em(&m, &pat, &o, err, sizeof err), CD_OK);
	assert_true(m.converged);
	assert_true(fabs(m.lambda - 0.15) < 0.02);
	for (int k = 0; k < 3; k++)
		for (int l = 1; l < 4; l++) {
			assert_true(fabs(m.c[k].m[l] - TRUE_M[k][l]) < 0.05);
			assert_true(m.c[k].u[l] == TRUE_U[k][l]); /* fixed */
		}
	fs_patterns_release(&pat);
}

static void recovers_m_and_u_together(void **state)
{
	struct fs_patterns pat;
	simulate(&pat, 0.3, 60000);
	struct fs_model m;
	start(&m, false);
	struct fs_em_opts o;
	fs_em_opts_init(&o);
	o.max_iter = 500;
	char err[128];
	assert_int_equal(fs_em(&m, &pat, &o, err, sizeof err), CD_OK);
	assert_true(fabs(m.lambda - 0.3) < 0.03);
	for (int k = 0; k < 3; k++)
		for (int l = 1; l < 4; l++) {
			assert_true(fabs(m.c[k].m[l] - TRUE_M[k][l]) < 0.05);
			assert_true(fabs(m.c[k].u[l] - TRUE_U[k][l]) < 0.05);
		}
	fs_patterns_release(&pat);
}

static void null_level_weighs_nothing(void **state)
{
	struct fs_model m;
	start(&m, true);
	memcpy(m.c[0].m, TRUE_M[0], sizeof TRUE_M[0]);
	m.lambda = 0.5; /* prior odds 1: the total is just the levels' weights */
	assert_true(fs_weight(&m, 0, 0) == 0);
	assert_true(fabs(fs_weight(&m, 0, 1) - log2(.80 / .02)) < 1e-9);
	const uint8_t all_null[3] = { 0, 0, 0 }, one[3] = { 1, 0, 0 };
	assert_true(fs_total_weight(&m, all_null) == 0);
	assert_true(fabs(fs_total_weight(&m, one) - log2(40)) < 1e-9);
	assert_true(fabs(fs_probability(log2(40)) - 40.0 / 41) < 1e-12);
	assert_true(fs_probability(1e9) == 1.0 && fs_probability(-1e9) == 0.0);
}

/* A level no candidate reaches keeps a finite weight (pseudo-counts), and a fixed m stays. */
static void unseen_level_and_fixed_m(void **state)
{
	struct fs_patterns pat;
	fs_patterns_init(&pat, 3);
	const uint8_t a[3] = { 1, 1, 3 }, b[3] = { 3, 3, 3 };
	for (int i = 0; i < 100; i++)
		assert_int_equal(fs_patterns_add(&pat, i < 20 ? a : b, 1.0), CD_OK);
	assert_int_equal(pat.n, 2);
	struct fs_model m;
	start(&m, true);
	m.c[2].fixed_m = true;
	double m2[4];
	memcpy(m2, m.c[2].m, sizeof m2);
	struct fs_em_opts o;
	fs_em_opts_init(&o);
	char err[128];
	assert_int_equal(fs_em(&m, &pat, &o, err, sizeof err), CD_OK);
	for (int k = 0; k < 3; k++)
		for (int l = 1; l < 4; l++)
			assert_true(isfinite(fs_weight(&m, k, l)));
	assert_true(m.c[0].m[2] > 0); /* never seen, not zero */
	for (int l = 1; l < 4; l++)
		assert_true(fabs(m.c[2].m[l] - m2[l]) < 1e-12);
	fs_patterns_release(&pat);
}

static void refuses_nothing_comparable(void **state)
{
	struct fs_patterns pat;
	fs_patterns_init(&pat, 3);
	const uint8_t none[3] = { 0, 0, 0 };
	assert_int_equal(fs_patterns_add(&pat, none, 5), CD_OK);
	struct fs_model m;
	start(&m, true);
	struct fs_em_opts o;
	fs_em_opts_init(&o);
	char err[128] = "";
	assert_int_equal(fs_em(&m, &pat, &o, err, sizeof err), CD_USAGE);
	assert_true(err[0] != '\0');
	m.ncomp = 2;
	assert_int_equal(fs_em(&m, &pat, &o, err, sizeof err), CD_USAGE);
	fs_patterns_release(&pat);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(recovers_m_and_prior_with_measured_u),
		cmocka_unit_test(recovers_m_and_u_together),
		cmocka_unit_test(null_level_weighs_nothing),
		cmocka_unit_test(unseen_level_and_fixed_m),
		cmocka_unit_test(refuses_nothing_comparable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
