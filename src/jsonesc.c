/* jsonesc.c -- the one JSON string escaper: the rules in jsonesc_byte, two sinks around them. */
#include "jsonesc.h"

#include <string.h>

size_t jsonesc_byte(unsigned char c, char e[6])
{
	static const char hex[] = "0123456789abcdef";
	e[0] = '\\';
	switch (c) {
	case '"': e[1] = '"'; return 2;
	case '\\': e[1] = '\\'; return 2;
	case '\n': e[1] = 'n'; return 2;
	case '\r': e[1] = 'r'; return 2;
	case '\t': e[1] = 't'; return 2;
	case '\b': e[1] = 'b'; return 2;
	case '\f': e[1] = 'f'; return 2;
	default:
		if (c >= 0x20)
			return 0;
		memcpy(e + 1, "u00", 3);
		e[4] = hex[c >> 4];
		e[5] = hex[c & 15];
		return 6;
	}
}

size_t jsonesc_plain(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p >= 0x20 && *p != '"' && *p != '\\')
		p++;
	return (size_t)(p - (const unsigned char *)s);
}

enum cd_result jsonesc_append(struct buf *b, const char *s)
{
	enum cd_result r = buf_putc(b, '"');
	while (r == CD_OK) {
		size_t n = jsonesc_plain(s);
		r = buf_append(b, s, n);
		if (r != CD_OK || !s[n])
			break;
		char e[6];
		r = buf_append(b, e, jsonesc_byte((unsigned char)s[n], e));
		s += n + 1;
	}
	if (r == CD_OK)
		r = buf_putc(b, '"');
	return r;
}

void jsonesc_fput(FILE *f, const char *s)
{
	putc_unlocked('"', f);
	for (;;) {
		size_t n = jsonesc_plain(s);
		fwrite_unlocked(s, 1, n, f);
		if (!s[n])
			break;
		char e[6];
		fwrite_unlocked(e, 1, jsonesc_byte((unsigned char)s[n], e), f);
		s += n + 1;
	}
	putc_unlocked('"', f);
}

void jsonesc_fput_script(FILE *f, const char *s)
{
	putc_unlocked('"', f);
	for (;;) {
		const unsigned char *p = (const unsigned char *)s;
		while (*p >= 0x20 && *p != '"' && *p != '\\' && *p != '<' && *p != 0xe2)
			p++;
		fwrite_unlocked(s, 1, (size_t)(p - (const unsigned char *)s), f);
		if (!*p)
			break;
		char e[6];
		size_t n = 1;
		if (*p == '<') {
			fputs("\\u003c", f);
		} else if (*p == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9)) {
			fputs(p[2] == 0xa8 ? "\\u2028" : "\\u2029", f);
			n = 3;
		} else if (*p == 0xe2) {
			putc_unlocked(0xe2, f);
		} else {
			fwrite_unlocked(e, 1, jsonesc_byte(*p, e), f);
		}
		s = (const char *)p + n;
	}
	putc_unlocked('"', f);
}
