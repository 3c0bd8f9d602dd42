/* wbuf.h -- the stack buffer the CSV and JSON writers gather output in before stdio. */
#ifndef CD_REPORT_WBUF_H
#define CD_REPORT_WBUF_H

#include <stdio.h>
#include <string.h>

/* Output is gathered in a stack buffer and handed to stdio in big calls: a million users are
 * ~14 million CSV cells and the pair reports ~30 pieces per pair, and a stdio call per piece
 * (plus one per separator) cost more than the bytes. */
struct wbuf {
	FILE *f;
	size_t n;
	char b[16384];
};

static inline void wb_flush(struct wbuf *w)
{
	if (w->n)
		fwrite_unlocked(w->b, 1, w->n, w->f);
	w->n = 0;
}

static inline void wb_put(struct wbuf *w, const char *s, size_t n)
{
	if (sizeof w->b - w->n < n) {
		wb_flush(w);
		if (n >= sizeof w->b) {
			fwrite_unlocked(s, 1, n, w->f);
			return;
		}
	}
	memcpy(w->b + w->n, s, n);
	w->n += n;
}

static inline void wb_putc(struct wbuf *w, char c)
{
	if (w->n == sizeof w->b)
		wb_flush(w);
	w->b[w->n++] = c;
}

#define WB_LIT(w, lit) wb_put((w), (lit), sizeof(lit) - 1)

#endif
