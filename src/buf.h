/* buf.h -- bounded growable byte buffer (always NUL-terminated). */
#ifndef CD_BUF_H
#define CD_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include "result.h"

/* A buffer never grows past `max` bytes of content: an append that would is refused with
 * CD_TOOBIG and leaves the buffer as it was. That is how a hostile or broken server's
 * endless response becomes an error instead of an allocation (curl's dynbuf "toobig").
 * The buffer owns `data`; buf_release frees it, buf_detach hands it to the caller. */
struct buf {
	char *data;   /* NULL until the first append; then always NUL-terminated */
	size_t len;
	size_t cap;
	size_t max;
};

#define BUF_INIT(maxbytes) { NULL, 0, 0, (maxbytes) }

void buf_init(struct buf *b, size_t max);
enum cd_result buf_append(struct buf *b, const void *p, size_t n);
enum cd_result buf_puts(struct buf *b, const char *s);
enum cd_result buf_putc(struct buf *b, char c);
enum cd_result buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
enum cd_result buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* The contents as a string: "" for an empty buffer, never NULL. */
const char *buf_str(const struct buf *b);
/* Empties the buffer but keeps its memory. */
void buf_reset(struct buf *b);
/* Gives the caller the contents (free() them); the buffer is left empty. Never NULL unless
 * out of memory. */
char *buf_detach(struct buf *b, size_t *len);
void buf_release(struct buf *b);

#endif
