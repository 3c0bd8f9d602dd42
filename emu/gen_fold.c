/* gen_fold.c -- names folded: accents stripped for plain spellings, and the key a
 * normalising comparison sees (for name counts and the same-name pass). */
#include "gen_int.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "hash.h"

/* Letters that have no Unicode decomposition (so stripping marks leaves them alone). */
static const struct {
	const char *from, *to;
} special_fold[] = {
	{ "ł", "l" }, { "Ł", "L" }, { "ø", "o" }, { "Ø", "O" }, { "đ", "d" }, { "Đ", "D" },
	{ "ß", "ss" }, { "æ", "ae" }, { "Æ", "Ae" }, { "œ", "oe" }, { "Œ", "Oe" }, { "ı", "i" },
	{ "þ", "th" }, { "Þ", "Th" }, { "ð", "d" }, { "Ð", "D" },
};

/* German umlauts as Germans transliterate them (Müller -> Mueller). */
static const struct {
	const char *from, *to;
} german_fold[] = {
	{ "ä", "ae" }, { "ö", "oe" }, { "ü", "ue" }, { "Ä", "Ae" }, { "Ö", "Oe" }, { "Ü", "Ue" },
	{ "ß", "ss" },
};

/* Replaces the letters of special_fold; other non-ASCII characters are kept (keep_other) or
 * dropped. */
static void special_pass(const char *src, int keep_other, char *out, size_t outlen)
{
	size_t o = 0, nf = sizeof special_fold / sizeof special_fold[0];
	for (const char *p = src; *p && o + 1 < outlen;) {
		if ((unsigned char)*p < 0x80) {
			out[o++] = *p++;
			continue;
		}
		size_t k, seq = 1;
		while (((unsigned char)p[seq] & 0xc0) == 0x80)
			seq++;
		for (k = 0; k < nf; k++) {
			size_t l = strlen(special_fold[k].from), tl = strlen(special_fold[k].to);
			if (l == seq && !memcmp(p, special_fold[k].from, l)) {
				if (o + tl < outlen) {
					memcpy(out + o, special_fold[k].to, tl);
					o += tl;
				}
				break;
			}
		}
		if (k == nf && keep_other && o + seq < outlen) {
			memcpy(out + o, p, seq);
			o += seq;
		}
		p += seq;
	}
	out[o] = 0;
}

/* Latin text without accents: marks stripped by utf8proc, then the letters above replaced,
 * anything else outside ASCII dropped. german: umlauts become two letters first. */
void latin_fold(const char *s, int german, char *out, size_t outlen)
{
	char pre[512] = "";
	if (german) {
		for (const char *p = s; *p;) {
			size_t k;
			for (k = 0; k < sizeof german_fold / sizeof german_fold[0]; k++) {
				size_t l = strlen(german_fold[k].from);
				if (!strncmp(p, german_fold[k].from, l)) {
					scat(pre, sizeof pre, german_fold[k].to);
					p += l;
					break;
				}
			}
			if (k == sizeof german_fold / sizeof german_fold[0])
				scatn(pre, sizeof pre, p++, 1);
		}
		s = pre;
	}
	utf8proc_uint8_t *m = NULL;
	utf8proc_ssize_t ml = utf8proc_map((const utf8proc_uint8_t *)s, 0, &m,
		UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_STRIPMARK);
	special_pass(ml >= 0 ? (const char *)m : s, 0, out, outlen);
	free(m);
}

/* One part (first or last name) folded: NFKC, case folding, marks stripped, special letters. */
static const char *fold_part(struct gen_ctx *g, const char *s, char *tmp, size_t tmplen)
{
	size_t len = strlen(s);
	uint64_t raw = hash_bytes(s, len) | 1;
	struct part_slot *slot = g->parts ? &g->parts[(raw >> 9) & (PART_CACHE - 1)] : NULL;
	if (slot && slot->raw == raw)
		return slot->norm;
	utf8proc_uint8_t *m = NULL;
	utf8proc_ssize_t ml = utf8proc_map((const utf8proc_uint8_t *)s, 0, &m,
		UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
		UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK | UTF8PROC_IGNORE);
	if (ml >= 0)
		special_pass((const char *)m, 1, tmp, tmplen);
	else
		scpy(tmp, tmplen, s);
	free(m);
	if (slot && strlen(tmp) < sizeof slot->norm) {
		slot->raw = raw;
		scpy(slot->norm, sizeof slot->norm, tmp);
	}
	return tmp;
}

/* The name as a normalising comparison sees it: NFKC, case folded, marks stripped, letters
 * without decomposition folded, white space collapsed and trimmed. */
uint64_t name_key(struct gen_ctx *g, const char *first, const char *last)
{
	char t[2 * NAMELEN + 8], f[2 * NAMELEN];
	size_t n = 0;
	const char *parts[2] = { first, last };
	for (int k = 0; k < 2; k++) {
		const char *s = parts[k];
		if (has_non_ascii(s))
			s = fold_part(g, s, f, sizeof f);
		int space = 1; /* leading white space dropped */
		for (; *s && n + 2 < sizeof t; s++) {
			char c = alower(*s);
			if (c == ' ' || c == '\t') {
				space = 1;
				continue;
			}
			if (space && n && t[n - 1] != '\x1f')
				t[n++] = ' ';
			space = 0;
			t[n++] = c;
		}
		if (k == 0)
			t[n++] = '\x1f';
	}
	return hash_bytes(t, n);
}
