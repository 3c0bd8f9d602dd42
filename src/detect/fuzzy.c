/* fuzzy.c -- Jaro-Winkler, banded optimal-string-alignment distance, deletion-neighbourhood keys. */
#include "detect/fuzzy.h"

#include <string.h>

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

static uint64_t mix(uint64_t h, uint32_t c)
{
	/* FNV-1a over the four bytes of the code point */
	for (int k = 0; k < 4; k++) {
		h ^= (c >> (8 * k)) & 0xFF;
		h *= 0x100000001b3ULL;
	}
	return h;
}

size_t fuzzy_deletion_keys(const uint32_t *s, size_t n, uint64_t *keys)
{
	if (n > FUZZY_MAX)
		n = FUZZY_MAX;
	/* prefix hashes make each variant O(n - i) instead of O(n) from scratch; still O(n^2) but
	 * n is a name's length */
	uint64_t h = 0xcbf29ce484222325ULL;
	uint64_t pre[FUZZY_MAX + 1];
	pre[0] = h;
	for (size_t i = 0; i < n; i++)
		pre[i + 1] = mix(pre[i], s[i]);
	/* the length goes into the hash so that "s" and a deletion variant of a longer string only
	 * meet when their code points agree and they have the same length */
	keys[0] = mix(pre[n], 0xFFFFFFFFu - (uint32_t)n);
	for (size_t i = 0; i < n; i++) {
		uint64_t v = pre[i];
		for (size_t j = i + 1; j < n; j++)
			v = mix(v, s[j]);
		keys[1 + i] = mix(v, 0xFFFFFFFFu - (uint32_t)(n - 1));
	}
	return n + 1;
}

size_t fuzzy_deletion_keys2(const uint32_t *s, size_t n, uint64_t *keys)
{
	if (n > FUZZY2_MAX)
		n = FUZZY2_MAX;
	size_t k = fuzzy_deletion_keys(s, n, keys);
	uint64_t pre[FUZZY2_MAX + 1];
	pre[0] = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++)
		pre[i + 1] = mix(pre[i], s[i]);
	/* without i and j (i < j): prefix up to i, then i+1..j-1, then j+1..n-1; the middle part
	 * grows with j so each (i, j) costs O(n - j) */
	for (size_t i = 0; i < n; i++) {
		uint64_t mid = pre[i];
		for (size_t j = i + 1; j < n; j++) {
			uint64_t v = mid;
			for (size_t x = j + 1; x < n; x++)
				v = mix(v, s[x]);
			keys[k++] = mix(v, 0xFFFFFFFFu - (uint32_t)(n - 2));
			mid = mix(mid, s[j]);
		}
	}
	return k;
}
