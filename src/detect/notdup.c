/* notdup.c -- reviewed "not duplicates" pairs: read from CSV, taken out before clustering. */
#include "detect/notdup.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"

#define NOTDUP_FILE_MAX (256u << 20)
#define NOTDUP_ID_MAX 256

struct notdup {
	char **keys;   /* "LOW\nHIGH" (the two Ids in byte order), sorted */
	size_t n, cap;
};

static int cmp_keys(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void notdup_free(struct notdup *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n; i++)
		free(n->keys[i]);
	free(n->keys);
	free(n);
}

size_t notdup_count(const struct notdup *n)
{
	return n ? n->n : 0;
}

/* "LOW\nHIGH" into out; false when it does not fit. */
static bool make_key(const char *a, const char *b, char *out, size_t cap)
{
	if (strcmp(a, b) > 0) {
		const char *t = a;
		a = b;
		b = t;
	}
	int w = snprintf(out, cap, "%s\n%s", a, b);
	return w > 0 && (size_t)w < cap;
}

bool notdup_has(const struct notdup *n, const char *a, const char *b)
{
	char key[2 * NOTDUP_ID_MAX + 2];
	if (!n || !n->n || !make_key(a, b, key, sizeof key))
		return false;
	const char *k = key;
	return bsearch(&k, n->keys, n->n, sizeof *n->keys, cmp_keys) != NULL;
}

/* One CSV cell starting at *p (the line ends at end): unquoted, trimmed, guard dropped. */
static size_t cell(const char **p, const char *end, char *out, size_t cap, bool *ok)
{
	const char *s = *p;
	size_t o = 0;
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	if (s < end && *s == '"') {
		for (s++; s < end; s++) {
			if (*s == '"') {
				if (s + 1 < end && s[1] == '"')
					s++;
				else {
					s++;
					break;
				}
			}
			if (o + 1 < cap)
				out[o++] = *s;
			else
				*ok = false;
		}
		while (s < end && *s != ',')
			s++;
	} else {
		for (; s < end && *s != ','; s++) {
			if (o + 1 < cap)
				out[o++] = *s;
			else
				*ok = false;
		}
	}
	while (o > 0 && (out[o - 1] == ' ' || out[o - 1] == '\t' || out[o - 1] == '\r'))
		o--;
	out[o] = '\0';
	if (out[0] == '\'') /* the spreadsheet guard of our own CSV files */
		memmove(out, out + 1, o--);
	*p = s < end ? s + 1 : end;
	return o;
}

enum cd_result notdup_parse(const char *text, size_t len, struct notdup **out, char *err,
			    size_t errlen)
{
	enum cd_result r = CD_OK;
	struct notdup *n = calloc(1, sizeof *n);
	*out = NULL;
	if (!n)
		return CD_NOMEM;
	const char *p = text, *end = text + len;
	for (size_t line = 1; p < end && r == CD_OK; line++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *q = p;
		char a[NOTDUP_ID_MAX + 1], b[NOTDUP_ID_MAX + 1], key[2 * NOTDUP_ID_MAX + 2];
		bool ok = true;
		p = nl ? nl + 1 : end;
		while (q < le && (*q == ' ' || *q == '\t' || *q == '\r'))
			q++;
		if (q == le || *q == '#')
			continue;
		size_t la = cell(&q, le, a, sizeof a, &ok);
		size_t lb = cell(&q, le, b, sizeof b, &ok);
		if (line == 1 && !strcasecmp(a, "User1_ID"))
			continue;
		/* Connect Ids and ARNs: letters, digits and - _ : / . -- anything else is not an
		 * Id (a JSON file given by mistake, a name typed in the wrong column) */
		static const char id_chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					       "0123456789-_:/.";
		if (ok && (strspn(a, id_chars) != la || strspn(b, id_chars) != lb))
			ok = false;
		if (!ok || !la || !lb) {
			snprintf(err, errlen, "line %zu: want User1_ID,User2_ID[,Note] (two user Ids)",
				 line);
			r = CD_INPUT;
			break;
		}
		if (!strcmp(a, b) || !make_key(a, b, key, sizeof key))
			continue;
		if (n->n == n->cap) {
			size_t cap = n->cap ? 2 * n->cap : 64;
			char **v = realloc(n->keys, cap * sizeof *v);
			if (!v) {
				r = CD_NOMEM;
				break;
			}
			n->keys = v;
			n->cap = cap;
		}
		if (!(n->keys[n->n] = strdup(key)))
			r = CD_NOMEM;
		else
			n->n++;
	}
	if (r == CD_NOMEM)
		snprintf(err, errlen, "out of memory");
	if (r != CD_OK) {
		notdup_free(n);
		return r;
	}
	if (n->n > 1) /* qsort of no array (keys NULL) is undefined */
		qsort(n->keys, n->n, sizeof *n->keys, cmp_keys);
	*out = n;
	return CD_OK;
}

enum cd_result notdup_load(const char *path, struct notdup **out, char *err, size_t errlen)
{
	char perr[300];
	*out = NULL;
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
		return CD_INPUT;
	}
	struct buf t = BUF_INIT(NOTDUP_FILE_MAX);
	char chunk[65536];
	size_t got;
	enum cd_result r = CD_OK;
	while (r == CD_OK && (got = fread(chunk, 1, sizeof chunk, f)) > 0)
		r = buf_append(&t, chunk, got);
	if (r == CD_OK && ferror(f))
		r = CD_IO;
	fclose(f);
	if (r != CD_OK)
		snprintf(err, errlen, "cannot read '%s'%s", path, r == CD_TOOBIG ? ": too large" : "");
	else if ((r = notdup_parse(buf_str(&t), t.len, out, perr, sizeof perr)) != CD_OK)
		snprintf(err, errlen, "'%s': %s", path, perr);
	buf_release(&t);
	return r;
}

size_t notdup_filter_match(const struct notdup *n, const struct user_set *users,
			   const struct match_opts *o, struct match_result *m)
{
	size_t w = 0, removed = 0;
	for (size_t i = 0; i < m->n; i++) {
		struct match_pair *p = &m->v[i];
		if (!notdup_has(n, users->v[p->a].id, users->v[p->b].id)) {
			if (w != i)
				m->v[w] = *p;
			w++;
			continue;
		}
		removed++;
		if (match_is_duplicate(p, o)) {
			m->stats.duplicates -= m->stats.duplicates > 0;
			for (size_t e = 0; e < p->nev; e++)
				if (m->stats.by_kind[p->ev[e].kind])
					m->stats.by_kind[p->ev[e].kind]--;
		} else {
			m->stats.possible -= m->stats.possible > 0;
		}
	}
	m->n = w;
	return removed;
}

size_t notdup_filter_rules(const struct notdup *n, const struct user_set *users,
			   struct rule_pairs *p)
{
	size_t removed = 0;
	for (int k = 0; k < RULE_COUNT; k++) {
		size_t w = 0;
		for (size_t i = 0; i < p->n[k]; i++) {
			struct rule_pair *rp = &p->v[k][i];
			if (notdup_has(n, users->v[rp->a].id, users->v[rp->b].id)) {
				removed++;
				continue;
			}
			p->v[k][w++] = *rp;
		}
		p->n[k] = w;
	}
	return removed;
}
