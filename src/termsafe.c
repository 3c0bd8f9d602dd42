/* termsafe.c -- text from data made safe for a terminal and a log: no control character passes. */
#include "termsafe.h"

#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <utf8proc.h>

/* The character at p as it may be shown: *piece (n bytes) is either the text itself or its
 * escape in esc; returns how many input bytes it took. keep_newline lets '\n' through. */
static size_t one(const unsigned char *p, bool keep_newline, char esc[8], const char **piece,
		  size_t *n)
{
	*piece = (const char *)p;
	*n = 1;
	if ((*p < 0x20 && !(keep_newline && *p == '\n')) || *p == 0x7f) {
		snprintf(esc, 8, "\\x%02x", *p);
		*piece = esc;
		*n = 4;
		return 1;
	}
	if (*p < 0x80)
		return 1;
	utf8proc_int32_t cp;
	utf8proc_ssize_t len = utf8proc_iterate(p, -1, &cp);
	if (len <= 0) {
		snprintf(esc, 8, "\\x%02x", *p);
		*piece = esc;
		*n = 4;
		return 1;
	}
	if (cp >= 0x80 && cp <= 0x9f) {
		snprintf(esc, 8, "\\u%04x", (unsigned)cp);
		*piece = esc;
		*n = 6;
	} else {
		*n = (size_t)len;
	}
	return (size_t)len;
}

size_t termsafe_copy(char *dst, size_t dstlen, const char *src)
{
	size_t o = 0;
	if (!dstlen)
		return 0;
	for (const unsigned char *p = (const unsigned char *)src; *p;) {
		char esc[8];
		const char *piece;
		size_t n, used = one(p, false, esc, &piece, &n);
		if (o + n >= dstlen)
			break;
		memcpy(dst + o, piece, n);
		o += n;
		p += used;
	}
	dst[o] = '\0';
	return o;
}

void termsafe_fput(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		char esc[8];
		const char *piece;
		size_t n, used = one(p, true, esc, &piece, &n);
		fwrite(piece, 1, n, f);
		p += used;
	}
}
