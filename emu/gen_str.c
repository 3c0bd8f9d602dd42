/* gen_str.c -- the generator's bounded string helpers and the classic rules' comparison. */
#include "gen_int.h"

#include <string.h>

void scpy(char *d, size_t n, const char *s)
{
	size_t l = strlen(s);
	if (l >= n)
		l = n - 1;
	memcpy(d, s, l);
	d[l] = 0;
}

void scat(char *d, size_t n, const char *s)
{
	size_t o = strlen(d);
	if (o + 1 < n)
		scpy(d + o, n - o, s);
}

void scatn(char *d, size_t n, const char *s, size_t l)
{
	size_t o = strlen(d);
	if (o + l >= n)
		l = o + 1 < n ? n - o - 1 : 0;
	memcpy(d + o, s, l);
	d[o + l] = 0;
}

/* The classic rules' comparison: ASCII case-insensitive equality. */
int classic_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (alower(*a) != alower(*b))
			return 0;
	return *a == *b;
}

int has_non_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 1;
	return 0;
}
