/* gen_variants.c -- a name made a little different: case, white space, typo, nickname, ... */
#include "gen_int.h"

#include <stdio.h>
#include <string.h>

/* Full-width forms (U+FF01..U+FF5E) of ASCII letters: what pasting from a CJK document gives. */
void fullwidth(const char *s, char *out, size_t n)
{
	out[0] = 0;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c > 0x20 && c < 0x7f) {
			unsigned cp = 0xff01 + (c - 0x21);
			char u[4] = { (char)(0xe0 | (cp >> 12)), (char)(0x80 | ((cp >> 6) & 0x3f)),
				(char)(0x80 | (cp & 0x3f)), 0 };
			scat(out, n, u);
		} else {
			scatn(out, n, s, 1);
		}
	}
}

/* Replaces the first "fi"/"fl" with its ligature (U+FB01/U+FB02); 0 when there is none. */
int ligature(const char *s, char *out, size_t n)
{
	const char *p = strstr(s, "fi"), *q = strstr(s, "fl");
	const char *lig = "\xef\xac\x81";
	if (!p || (q && q < p)) {
		p = q;
		lig = "\xef\xac\x82";
	}
	if (!p)
		return 0;
	out[0] = 0;
	scatn(out, n, s, (size_t)(p - s));
	scat(out, n, lig);
	scat(out, n, p + 2);
	return 1;
}

static const char *const kb_rows[] = { "qwertyuiop", "asdfghjkl", "zxcvbnm" };

static char kb_neighbour(struct gen_ctx *g, char c)
{
	char lc = alower(c);
	for (int r = 0; r < 3; r++) {
		const char *p = strchr(kb_rows[r], lc);
		if (!p || !lc)
			continue;
		size_t i = (size_t)(p - kb_rows[r]), len = strlen(kb_rows[r]);
		char n = i == 0 ? kb_rows[r][1] : i + 1 == len ? kb_rows[r][i - 1]
			: kb_rows[r][rng_pct(&g->r, 50) ? i - 1 : i + 1];
		return c == lc ? n : aupper(n);
	}
	return lc == 'a' ? 'e' : 'a';
}

/* One edit on the ASCII letters of s: substitution (keyboard neighbour), transposition,
 * insertion (a doubled letter) or deletion, never touching the first letter. 0 if s is too
 * short or has too few ASCII letters. */
int typo(struct gen_ctx *g, const char *s, char *out, size_t n)
{
	size_t len = strlen(s);
	if (len < 4 || len + 2 > n)
		return 0;
	for (int t = 0; t < MAX_TRIES; t++) {
		size_t i = 1 + rng_below(&g->r, len - 1);
		int op = (int)rng_below(&g->r, 4);
		if (!is_alpha(s[i]))
			continue;
		memcpy(out, s, len + 1);
		switch (op) {
		case 0:
			out[i] = kb_neighbour(g, s[i]);
			break;
		case 1:
			if (i + 1 >= len || !is_alpha(s[i + 1]) || alower(s[i]) == alower(s[i + 1]))
				continue;
			out[i] = s[i + 1];
			out[i + 1] = s[i];
			break;
		case 2:
			memmove(out + i + 1, s + i, len - i + 1);
			out[i] = alower(s[i]);
			break;
		default:
			memmove(out + i, s + i + 1, len - i);
			break;
		}
		if (!classic_eq(out, s))
			return 1;
	}
	return 0;
}

/* White space as it sneaks in: leading, trailing, doubled inside, or a no-break space. */
void whitespace(struct gen_ctx *g, const char *s, char *out, size_t n)
{
	const char *sp = strchr(s, ' ');
	size_t w = rng_below(&g->r, 100);
	out[0] = 0;
	if (sp && w < 40) {
		scatn(out, n, s, (size_t)(sp - s));
		scat(out, n, w < 25 ? "  " : "\xc2\xa0");
		scat(out, n, sp + 1);
	} else if (w < 35) {
		scat(out, n, " ");
		scat(out, n, s);
	} else if (w < 85) {
		scat(out, n, s);
		scat(out, n, w < 75 ? " " : "  ");
	} else {
		scat(out, n, s);
		scat(out, n, "\xc2\xa0");
	}
}

/* Changes the ASCII case of s so the bytes differ: all upper, all lower, or the tail lowered. */
int case_variant(struct gen_ctx *g, const char *s, char *out, size_t n)
{
	for (int t = 0; t < 6; t++) {
		int how = (int)rng_below(&g->r, 3);
		scpy(out, n, s);
		for (size_t i = 0; out[i]; i++) {
			if (how == 0)
				out[i] = aupper(out[i]);
			else if (how == 1)
				out[i] = alower(out[i]);
			else
				out[i] = i == 0 ? aupper(out[i]) : (rng_pct(&g->r, 50) ? aupper(out[i]) : alower(out[i]));
		}
		if (strcmp(out, s))
			return 1;
	}
	return 0;
}

static const struct gname *find_gname(const struct gen_ctx *g, const char *native, int first)
{
	for (size_t c = 0; c < g->ncult; c++) {
		const struct glist *l = first ? &g->cult[c].first : &g->cult[c].last;
		for (size_t i = 0; i < l->n; i++)
			if (!strcmp(l->v[i].native, native) || !strcmp(l->v[i].ascii, native))
				return &l->v[i];
	}
	return NULL;
}

/* One of the nicknames of `first` (native script part of the table entries), chosen evenly;
 * 0 when the table has none. */
int nick_for(struct gen_ctx *g, const char *first, char *out, size_t n)
{
	size_t matches = 0, pick = 0;
	for (int pass = 0; pass < 2; pass++) {
		size_t seen = 0;
		for (size_t i = 0; i < names_nnicks; i++) {
			const char *f = names_nicks[i].formal, *bar = strchr(f, '|');
			size_t fl = bar ? (size_t)(bar - f) : strlen(f);
			if (strlen(first) != fl || strncmp(first, f, fl))
				continue;
			if (pass == 1 && seen == pick) {
				const char *nk = names_nicks[i].nick, *nb = strchr(nk, '|');
				out[0] = 0;
				scatn(out, n, nk, nb ? (size_t)(nb - nk) : strlen(nk));
				return 1;
			}
			seen++;
		}
		if (pass == 0) {
			if (!(matches = seen))
				return 0;
			pick = rng_below(&g->r, matches);
		}
	}
	return 0;
}

/* P's name made a little different from O's, so the classic name rule does not match:
 * nickname, the other script, accents dropped, a middle initial, or an initial only. */
void vary_name(struct gen_ctx *g, const struct acct *o, struct acct *p)
{
	char tmp[NAMELEN];
	for (int t = 0; t < MAX_TRIES; t++) {
		scpy(p->first, sizeof p->first, o->first);
		scpy(p->last, sizeof p->last, o->last);
		switch (rng_below(&g->r, 6)) {
		case 0:
			nick_for(g, o->first, p->first, sizeof p->first);
			break;
		case 1: {
			const struct gname *f = find_gname(g, o->first, 1), *l = find_gname(g, o->last, 0);
			if (f && l && !g->cult[o->culture].c->latin) {
				int native = !strcmp(o->first, f->native);
				scpy(p->first, sizeof p->first, native ? f->ascii : f->native);
				scpy(p->last, sizeof p->last, native ? l->ascii : l->native);
			}
			break;
		}
		case 2:
			if (has_non_ascii(o->first) || has_non_ascii(o->last)) {
				if (g->cult[o->culture].c->latin) {
					latin_fold(o->first, 0, p->first, sizeof p->first);
					latin_fold(o->last, 0, p->last, sizeof p->last);
				}
			}
			break;
		case 3:
		case 4:
			char ini[4] = { ' ', (char)('A' + rng_below(&g->r, 26)), '.', 0 };
			scpy(p->first, sizeof p->first, o->first);
			scat(p->first, sizeof p->first, ini);
			break;
		default:
			if (is_alpha(o->first[0]) && o->first[1]) {
				snprintf(tmp, sizeof tmp, "%c.", o->first[0]);
				scpy(p->first, sizeof p->first, tmp);
			}
			break;
		}
		if (!(classic_eq(p->first, o->first) && classic_eq(p->last, o->last)))
			return;
	}
	scpy(p->first, sizeof p->first, o->first);
	scat(p->first, sizeof p->first, " J.");
}
