/* test_fuzzy.c -- Jaro-Winkler and OSA against published values; deletion-key blocking recall
 * against brute force on random strings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "detect/fuzzy.h"
#include "detect/normalize.h"

static double jw(const char *a, const char *b)
{
	uint32_t x[FUZZY_MAX], y[FUZZY_MAX];
	size_t nx = norm_codepoints(a, x, FUZZY_MAX), ny = norm_codepoints(b, y, FUZZY_MAX);
	return fuzzy_jaro_winkler(x, nx, y, ny);
}

static double jaro(const char *a, const char *b)
{
	uint32_t x[FUZZY_MAX], y[FUZZY_MAX];
	size_t nx = norm_codepoints(a, x, FUZZY_MAX), ny = norm_codepoints(b, y, FUZZY_MAX);
	return fuzzy_jaro(x, nx, y, ny);
}

static int osa(const char *a, const char *b, int max)
{
	uint32_t x[FUZZY_MAX], y[FUZZY_MAX];
	size_t nx = norm_codepoints(a, x, FUZZY_MAX), ny = norm_codepoints(b, y, FUZZY_MAX);
	return fuzzy_osa(x, nx, y, ny, max);
}

static void jaro_winkler_published(void **state)
{
	/* Winkler (1990) and the Wikipedia worked examples */
	assert_float_equal(jaro("MARTHA", "MARHTA"), 0.9444, 0.0001);
	assert_float_equal(jw("MARTHA", "MARHTA"), 0.9611, 0.0001);
	assert_float_equal(jaro("DWAYNE", "DUANE"), 0.8222, 0.0001);
	assert_float_equal(jw("DWAYNE", "DUANE"), 0.84, 0.0001);
	assert_float_equal(jaro("DIXON", "DICKSONX"), 0.7667, 0.0001);
	assert_float_equal(jw("DIXON", "DICKSONX"), 0.8133, 0.0001);
	assert_float_equal(jaro("CRATE", "TRACE"), 0.7333, 0.0001);
	assert_float_equal(jw("abc", "abc"), 1.0, 1e-12);
	assert_float_equal(jw("abc", "xyz"), 0.0, 1e-12);
	assert_float_equal(jw("", ""), 1.0, 1e-12);
	assert_float_equal(jw("a", ""), 0.0, 1e-12);
	/* code points, not bytes */
	assert_float_equal(jw("Zoë", "Zoë"), 1.0, 1e-12);
	assert_true(jw("Jörg", "Jorg") > 0.8);
}

static void osa_known(void **state)
{
	assert_int_equal(osa("kitten", "sitting", 5), 3);
	assert_int_equal(osa("kitten", "sitting", 2), 3); /* over the bound: max + 1 */
	assert_int_equal(osa("MARTHA", "MARHTA", 3), 1);  /* one transposition */
	assert_int_equal(osa("CA", "ABC", 5), 3);         /* OSA, not true DL (2) */
	assert_int_equal(osa("", "abc", 5), 3);
	assert_int_equal(osa("abc", "abc", 0), 0);
	assert_int_equal(osa("abc", "abd", 0), 1);
	assert_int_equal(osa("smith", "smyth", 1), 1);
	assert_int_equal(osa("smith", "smiths", 1), 1);
	assert_int_equal(osa("smith", "mith", 1), 1);
	assert_int_equal(osa("Łukasz", "Lukasz", 1), 1);
}

/* Reference OSA without a band, for the property test. */
static int osa_ref(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	int d[16][16];
	for (size_t i = 0; i <= na; i++)
		d[i][0] = (int)i;
	for (size_t j = 0; j <= nb; j++)
		d[0][j] = (int)j;
	for (size_t i = 1; i <= na; i++)
		for (size_t j = 1; j <= nb; j++) {
			int c = a[i - 1] == b[j - 1] ? 0 : 1;
			int v = d[i - 1][j - 1] + c;
			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[na][nb];
}

static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

/* One random edit of s (length *len, room for maxlen code points) from a three-letter
 * alphabet: a substitution, deletion, insertion or swap of neighbours (none when it does not
 * fit), so that close pairs abound. */
static void random_edit(uint32_t *s, size_t *len, size_t maxlen)
{
	uint32_t op = rnd(4), pos = *len ? rnd((uint32_t)*len) : 0;
	if (op == 0 && *len > 0) {
		s[pos] = 'a' + rnd(3);
	} else if (op == 1 && *len > 1) {
		memmove(&s[pos], &s[pos + 1], (*len - pos - 1) * sizeof(uint32_t));
		(*len)--;
	} else if (op == 2 && *len < maxlen) {
		memmove(&s[pos + 1], &s[pos], (*len - pos) * sizeof(uint32_t));
		s[pos] = 'a' + rnd(3);
		(*len)++;
	} else if (op == 3 && pos + 1 < *len) {
		uint32_t t = s[pos];
		s[pos] = s[pos + 1];
		s[pos + 1] = t;
	}
}

#define NS 600
#define SL 10

/* Every pair within OSA distance 1 shares a deletion key (blocking recall 100%), and the banded
 * OSA equals the unbanded reference whenever either is within the band. Strings come from a
 * three-letter alphabet and are often derived from each other so that close pairs abound. */
static void blocking_recall_property(void **state)
{
	static uint32_t s[NS][SL];
	static size_t len[NS];
	static uint64_t keys[NS][SL + 1];
	static size_t nk[NS];
	for (size_t i = 0; i < NS; i++) {
		if (i > 0 && rnd(2)) {
			/* an edited copy of an earlier string */
			size_t src = rnd((uint32_t)i);
			memcpy(s[i], s[src], sizeof(s[i]));
			len[i] = len[src];
			random_edit(s[i], &len[i], SL - 1);
		} else {
			len[i] = 1 + rnd(SL - 2);
			for (size_t k = 0; k < len[i]; k++)
				s[i][k] = 'a' + rnd(3);
		}
		nk[i] = fuzzy_deletion_keys(s[i], len[i], keys[i]);
		assert_int_equal(nk[i], len[i] + 1);
	}
	size_t close = 0;
	for (size_t i = 0; i < NS; i++)
		for (size_t j = i + 1; j < NS; j++) {
			int ref = osa_ref(s[i], len[i], s[j], len[j]);
			int got = fuzzy_osa(s[i], len[i], s[j], len[j], 2);
			assert_int_equal(got, ref <= 2 ? ref : 3);
			if (ref > 1)
				continue;
			close++;
			int shared = 0;
			for (size_t a = 0; a < nk[i] && !shared; a++)
				for (size_t b = 0; b < nk[j] && !shared; b++)
					shared = keys[i][a] == keys[j][b];
			if (!shared)
				fail_msg("pair %zu,%zu at distance %d shares no deletion key", i, j, ref);
		}
	/* the generator must actually produce close pairs, or the test proves nothing */
	assert_true(close > 500);
}

/* The same property for the two-deletion neighbourhood and OSA distance 2, on strings from a
 * three-letter alphabet derived from each other by one or two random edits. */
static void blocking_recall_two_edits(void **state)
{
	enum { N2 = 400, L2 = 9 };
	static uint32_t s[N2][L2 + 2];
	static size_t len[N2];
	static uint64_t keys[N2][FUZZY2_KEYS(L2 + 2)];
	static size_t nk[N2];
	for (size_t i = 0; i < N2; i++) {
		if (i > 0 && rnd(3)) {
			size_t src = rnd((uint32_t)i);
			memcpy(s[i], s[src], sizeof(s[i]));
			len[i] = len[src];
			random_edit(s[i], &len[i], L2);
			random_edit(s[i], &len[i], L2);
		} else {
			len[i] = 2 + rnd(L2 - 2);
			for (size_t k = 0; k < len[i]; k++)
				s[i][k] = 'a' + rnd(3);
		}
		nk[i] = fuzzy_deletion_keys2(s[i], len[i], keys[i]);
		assert_int_equal(nk[i], FUZZY2_KEYS(len[i]));
	}
	size_t two = 0;
	for (size_t i = 0; i < N2; i++)
		for (size_t j = i + 1; j < N2; j++) {
			int ref = osa_ref(s[i], len[i], s[j], len[j]);
			if (ref > 2)
				continue;
			two += ref == 2;
			int shared = 0;
			for (size_t a = 0; a < nk[i] && !shared; a++)
				for (size_t b = 0; b < nk[j] && !shared; b++)
					shared = keys[i][a] == keys[j][b];
			if (!shared)
				fail_msg("pair %zu,%zu at distance %d shares no two-deletion key", i, j, ref);
		}
	assert_true(two > 500);
	/* and the one-deletion keys alone do miss distance-2 pairs (else this proves nothing) */
	uint32_t x[] = { 'a', 'b', 'c', 'd', 'e' }, y[] = { 'a', 'c', 'b', 'd', 'f' };
	uint64_t kx[6], ky[6];
	size_t nx = fuzzy_deletion_keys(x, 5, kx), ny = fuzzy_deletion_keys(y, 5, ky);
	int shared = 0;
	for (size_t a = 0; a < nx; a++)
		for (size_t b = 0; b < ny; b++)
			shared |= kx[a] == ky[b];
	assert_false(shared);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(jaro_winkler_published),
		cmocka_unit_test(osa_known),
		cmocka_unit_test(blocking_recall_property),
		cmocka_unit_test(blocking_recall_two_edits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
