/* fuzzy.c -- Jaro-Winkler, banded optimal-string-alignment distance, deletion-neighbourhood keys. */
#include "detect/fuzzy.h"

#include <string.h>
#include "hash.h"

double fuzzy_jaro(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	unsigned char ma[FUZZY_MAX], mb[FUZZY_MAX];
	if (na > FUZZY_MAX)
		na = FUZZY_MAX;
	if (nb > FUZZY_MAX)
		nb = FUZZY_MAX;
	if (na == 0 && nb == 0)
		return 1.0;
	if (na == 0 || nb == 0)
		return 0.0;
	size_t longer = na > nb ? na : nb;
	size_t win = longer / 2 > 0 ? longer / 2 - 1 : 0;
	memset(ma, 0, na);
	memset(mb, 0, nb);
	size_t m = 0;
	for (size_t i = 0; i < na; i++) {
		size_t lo = i > win ? i - win : 0;
		size_t hi = i + win + 1 < nb ? i + win + 1 : nb;
		for (size_t j = lo; j < hi; j++) {
			if (!mb[j] && a[i] == b[j]) {
				ma[i] = mb[j] = 1;
				m++;
				break;
			}
		}
	}
	if (m == 0)
		return 0.0;
	size_t t = 0, k = 0;
	for (size_t i = 0; i < na; i++) {
		if (!ma[i])
			continue;
		while (!mb[k])
			k++;
		if (a[i] != b[k])
			t++;
		k++;
	}
	double dm = (double)m;
	return (dm / (double)na + dm / (double)nb + (dm - (double)t / 2.0) / dm) / 3.0;
}

double fuzzy_jaro_winkler(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	double j = fuzzy_jaro(a, na, b, nb);
	if (j <= 0.7)
		return j;
	size_t l = 0;
	while (l < 4 && l < na && l < nb && a[l] == b[l])
		l++;
	return j + (double)l * 0.1 * (1.0 - j);
}

int fuzzy_osa(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, int max)
{
	/* three rows of the DP table; cells outside the band |i-j| <= max count as max+1 */
	int rows[3][FUZZY_MAX + 1];
	if (max < 0)
		max = 0;
	if (na > FUZZY_MAX)
		na = FUZZY_MAX;
	if (nb > FUZZY_MAX)
		nb = FUZZY_MAX;
	size_t diff = na > nb ? na - nb : nb - na;
	if (diff > (size_t)max)
		return max + 1;
	int big = max + 1;
	int *pp = rows[0], *prev = rows[1], *cur = rows[2];
	for (size_t j = 0; j <= nb; j++)
		prev[j] = j <= (size_t)max ? (int)j : big;
	for (size_t i = 1; i <= na; i++) {
		size_t lo = i > (size_t)max ? i - (size_t)max : 1;
		size_t hi = i + (size_t)max < nb ? i + (size_t)max : nb;
		int rowmin = big;
		for (size_t j = 0; j <= nb; j++)
			cur[j] = big;
		cur[0] = i <= (size_t)max ? (int)i : big;
		if (cur[0] < rowmin)
			rowmin = cur[0];
		for (size_t j = lo; j <= hi; j++) {
			int cost = a[i - 1] == b[j - 1] ? 0 : 1;
			int v = prev[j - 1] + cost;
			if (prev[j] + 1 < v)
				v = prev[j] + 1;
			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    pp[j - 2] + 1 < v)
				v = pp[j - 2] + 1;
			if (v > big)
				v = big;
			cur[j] = v;
			if (v < rowmin)
				rowmin = v;
		}
		if (rowmin > max)
			return big; /* every path already costs more than max */
		int *t = pp;
		pp = prev;
		prev = cur;
		cur = t;
	}
	return prev[nb] > max ? big : prev[nb];
}

/* The key of a string of n code points: hash_bytes over its bytes (so the length is in it: "s"
 * and a deletion variant of a longer string only meet when they have the same code points). */
static uint64_t cp_key(const uint32_t *s, size_t n)
{
	return hash_bytes((const char *)s, n * sizeof(*s));
}

/* The keys of s (n code points) without its k-th code point, k = from .. n - 1 (from < n),
 * into keys[0 .. n - from). One code point moves per variant; hashing each is O(n), so all
 * of them O(n^2), and n is a name's length. */
static void drop_one(const uint32_t *s, size_t n, size_t from, uint64_t *keys)
{
	uint32_t v[FUZZY_MAX];
	memcpy(v, s, from * sizeof(*v));
	memcpy(v + from, s + from + 1, (n - from - 1) * sizeof(*v)); /* s without s[from] */
	for (size_t k = from; k < n; k++) {
		keys[k - from] = cp_key(v, n - 1);
		if (k + 1 < n)
			v[k] = s[k]; /* now without s[k + 1] */
	}
}

size_t fuzzy_deletion_keys(const uint32_t *s, size_t n, uint64_t *keys)
{
	if (n > FUZZY_MAX)
		n = FUZZY_MAX;
	keys[0] = cp_key(s, n);
	if (n)
		drop_one(s, n, 0, keys + 1);
	return n + 1;
}

size_t fuzzy_deletion_keys2(const uint32_t *s, size_t n, uint64_t *keys)
{
	if (n > FUZZY2_MAX)
		n = FUZZY2_MAX;
	size_t k = fuzzy_deletion_keys(s, n, keys);
	/* without i and j (i < j): s without i, then that without each of its code points from i */
	uint32_t v[FUZZY2_MAX];
	for (size_t i = 0; i + 1 < n; i++) {
		memcpy(v, s, i * sizeof(*v));
		memcpy(v + i, s + i + 1, (n - i - 1) * sizeof(*v));
		drop_one(v, n - 1, i, keys + k);
		k += n - 1 - i;
	}
	return k;
}
