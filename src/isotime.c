/* isotime.c -- the one ISO-8601 timestamp parser: strict fields, lenient zone, fraction kept. */
#include "isotime.h"

#include <string.h>
#include <time.h>

/* The value of s[at..at+count) when all are digits, else -1. */
static int digits(const char *s, size_t n, size_t at, size_t count)
{
	int v = 0;
	if (at + count > n)
		return -1;
	for (size_t i = at; i < at + count; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Zone at s[i..n): sets *off (seconds east of UTC) and returns the index after it, or 0. */
static size_t zone(const char *s, size_t n, size_t i, long *off)
{
	*off = 0;
	if (i == n)
		return i;
	if (s[i] == 'Z' || s[i] == 'z')
		return i + 1;
	if (n - i == 3 && memcmp(s + i, "UTC", 3) == 0)
		return n;
	if (s[i] != '+' && s[i] != '-')
		return 0;
	int oh = digits(s, n, i + 1, 2);
	size_t j = i + 3;
	if (j < n && s[j] == ':')
		j++;
	int om = digits(s, n, j, 2);
	if (oh < 0 || om < 0 || oh > 23 || om > 59)
		return 0;
	*off = (oh * 3600L + om * 60L) * (s[i] == '+' ? 1 : -1);
	return j + 2;
}

bool isotime_parse(const char *s, size_t n, double *out)
{
	if (!s || n < 10)
		return false;
	int Y = digits(s, n, 0, 4), M = digits(s, n, 5, 2), D = digits(s, n, 8, 2);
	if (Y < 0 || M < 1 || M > 12 || D < 1 || D > 31 || s[4] != '-' || s[7] != '-')
		return false;
	int h = 0, m = 0, sec = 0;
	double frac = 0;
	long off = 0;
	if (n > 10) {
		if (s[10] != 'T' && s[10] != 't' && s[10] != ' ')
			return false;
		h = digits(s, n, 11, 2);
		m = digits(s, n, 14, 2);
		sec = digits(s, n, 17, 2);
		if (h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 60 || s[13] != ':' ||
		    s[16] != ':')
			return false;
		size_t i = 19;
		if (i < n && s[i] == '.') {
			double scale = 0.1;
			size_t start = ++i;
			for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, scale /= 10)
				frac += (s[i] - '0') * scale;
			if (i == start)
				return false;
		}
		i = zone(s, n, i, &off);
		if (i != n)
			return false;
	}
	struct tm tm = { .tm_year = Y - 1900, .tm_mon = M - 1, .tm_mday = D, .tm_hour = h,
			 .tm_min = m, .tm_sec = sec };
	*out = (double)timegm(&tm) - (double)off + frac;
	return true;
}
