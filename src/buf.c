/* buf.c -- bounded growable byte buffer. */
#include "buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_init(struct buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

static enum cd_result buf_grow(struct buf *b, size_t extra)
{
	if (extra > b->max - b->len)
		return CD_TOOBIG;
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return CD_OK;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	char *p = realloc(b->data, cap);
	if (!p)
		return CD_NOMEM;
	b->data = p;
	b->cap = cap;
	return CD_OK;
}

enum cd_result buf_append(struct buf *b, const void *p, size_t n)
{
	enum cd_result r = buf_grow(b, n);
	if (r != CD_OK)
		return r;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return CD_OK;
}

enum cd_result buf_puts(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

enum cd_result buf_putc(struct buf *b, char c)
{
	return buf_append(b, &c, 1);
}

enum cd_result buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return CD_INTERNAL;
	enum cd_result r = buf_grow(b, (size_t)n);
	if (r != CD_OK)
		return r;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return CD_OK;
}

enum cd_result buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	enum cd_result r = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}

const char *buf_str(const struct buf *b)
{
	return b->data ? b->data : "";
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

char *buf_detach(struct buf *b, size_t *len)
{
	char *p = b->data;
	if (!p)
		p = calloc(1, 1);
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

void buf_release(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}
