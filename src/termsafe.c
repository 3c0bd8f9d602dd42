/* termsafe.c -- text from data made safe for a terminal and a log: no control character passes. */
#include "termsafe.h"

#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <utf8proc.h>

size_t termsafe_copy(char *dst, size_t dstlen, const char *src)
{
	size_t o = 0;
	if (!dstlen)
		return 0;
	const unsigned char *p = (const unsigned char *)src;
	while (*p) {
		char esc[8];
		const char *piece = (const char *)p;
		size_t n = 1;
		if (*p < 0x20 || *p == 0x7f) {
			snprintf(esc, sizeof esc, "\\x%02x", *p);
			piece = esc;
			n = 4;
			p++;
		} else if (*p < 0x80) {
			p++;
		} else {
			utf8proc_int32_t cp;
			utf8proc_ssize_t len = utf8proc_iterate(p, -1, &cp);
			if (len <= 0) {
				snprintf(esc, sizeof esc, "\\x%02x", *p);
				piece = esc;
				n = 4;
				p++;
			} else if (cp >= 0x80 && cp <= 0x9f) {
				snprintf(esc, sizeof esc, "\\u%04x", (unsigned)cp);
				piece = esc;
				n = 6;
				p += len;
			} else {
				n = (size_t)len;
				p += len;
			}
		}
		if (o + n >= dstlen)
			break;
		memcpy(dst + o, piece, n);
		o += n;
	}
	dst[o] = '\0';
	return o;
}
