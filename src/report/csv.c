/* csv.c -- RFC 4180 CSV rows and the two compatible CSV reports, with the injection guard. */
#include "report/csv.h"

#include <stdint.h>
#include <string.h>

#include "report/wbuf.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

static bool needs_guard(const char *s, bool raw)
{
	return !raw && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' ||
			s[0] == '\r');
}

static bool needs_quotes(const char *s)
{
	return strpbrk(s, ",\"\r\n") != NULL;
}

enum cd_result csv_cell(struct buf *b, const char *s, bool raw)
{
	enum cd_result rc = CD_OK;
	bool quote = needs_quotes(s);
	if (quote)
		rc = buf_putc(b, '"');
	if (rc == CD_OK && needs_guard(s, raw))
		rc = buf_putc(b, '\'');
	if (rc == CD_OK && !quote)
		return buf_puts(b, s);
	for (const char *p = s; rc == CD_OK && *p; p++) {
		if (*p == '"')
			rc = buf_putc(b, '"');
		if (rc == CD_OK)
			rc = buf_putc(b, *p);
	}
	if (rc == CD_OK && quote)
		rc = buf_putc(b, '"');
	return rc;
}


/* Offset of the first NUL, ',', '"', CR or LF in s. Under SSE2 (and not under ASan, which
 * would flag the harmless over-read) 16 bytes at a time with aligned loads: an aligned block
 * that holds a byte of the string never crosses a page, so reading all of it is safe. */
static inline size_t cell_scan(const char *s)
{
#if defined(__SSE2__) && !defined(__SANITIZE_ADDRESS__)
	const __m128i comma = _mm_set1_epi8(','), quote = _mm_set1_epi8('"'),
		      cr = _mm_set1_epi8('\r'), lf = _mm_set1_epi8('\n'),
		      zero = _mm_setzero_si128();
	uintptr_t at = (uintptr_t)s & ~(uintptr_t)15;
	unsigned skip = (unsigned)((uintptr_t)s & 15);
	for (;; at += 16) {
		__m128i v = _mm_load_si128((const __m128i *)at);
		__m128i m = _mm_or_si128(
			_mm_or_si128(_mm_cmpeq_epi8(v, zero), _mm_cmpeq_epi8(v, comma)),
			_mm_or_si128(_mm_cmpeq_epi8(v, quote),
				     _mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, lf))));
		unsigned bits = (unsigned)_mm_movemask_epi8(m) >> skip << skip;
		skip = 0;
		if (bits)
			return (size_t)(at + (uintptr_t)__builtin_ctz(bits) - (uintptr_t)s);
	}
#else
	const char *p = s;
	while (*p && *p != ',' && *p != '"' && *p != '\r' && *p != '\n')
		p++;
	return (size_t)(p - s);
#endif
}

/* The common cell (no special character) is found by one scan and copied by one memcpy. */
static void put_cell(struct wbuf *w, const char *s, bool raw)
{
	size_t n = cell_scan(s);
	bool quote = s[n] != '\0';
	if (quote)
		wb_putc(w, '"');
	if (needs_guard(s, raw))
		wb_putc(w, '\'');
	if (!quote) {
		wb_put(w, s, n);
		return;
	}
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			wb_putc(w, '"');
		wb_putc(w, *p);
	}
	wb_putc(w, '"');
}

static void row(struct wbuf *w, const char *const *cells, size_t n, bool raw)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			wb_putc(w, ',');
		put_cell(w, cells[i], raw);
	}
	wb_put(w, "\r\n", 2);
}

void csv_row(FILE *f, const char *const *cells, size_t n, bool raw)
{
	struct wbuf w;
	w.f = f;
	w.n = 0;
	row(&w, cells, n, raw);
	wb_flush(&w);
}

void csv_write_users(FILE *f, const struct user_set *users, bool raw)
{
	static const char *const head[] = { "Username", "Email", "FirstName", "LastName",
					    "User_ID", "ARN" };
	struct wbuf w;
	w.f = f;
	w.n = 0;
	row(&w, head, 6, true);
	for (size_t i = 0; i < users->n; i++) {
		const struct user *u = &users->v[i];
		const char *cells[] = { u->username, u->email, u->first_name, u->last_name, u->id,
					u->arn };
		row(&w, cells, 6, raw);
	}
	wb_flush(&w);
}

void csv_write_pairs(FILE *f, const struct user_set *users, const struct rule_pairs *pairs,
		     bool raw)
{
	static const char *const head[] = {
		"User1_ID", "User1_Username", "User1_Email", "User1_FirstName", "User1_LastName",
		"User2_ID", "User2_Username", "User2_Email", "User2_FirstName", "User2_LastName",
		"Reason"
	};
	struct wbuf w;
	w.f = f;
	w.n = 0;
	row(&w, head, 11, true);
	for (int k = 0; k < RULE_COUNT; k++) {
		for (size_t i = 0; i < pairs->n[k]; i++) {
			const struct rule_pair *p = &pairs->v[k][i];
			const struct user *a = &users->v[p->a], *b = &users->v[p->b];
			const char *cells[] = { a->id, a->username, a->email, a->first_name,
						a->last_name, b->id, b->username, b->email,
						b->first_name, b->last_name, p->reason };
			row(&w, cells, 11, raw);
		}
	}
	wb_flush(&w);
}
