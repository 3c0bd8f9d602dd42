/* nicknames.c -- loads nicknames.def into a sorted (form, group) array searched by bisection. */
#include "detect/nicknames.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "buf.h"
#include "grow.h"
#include "detect/normalize.h"

static const struct {
	const char *canonical, *forms;
} nick_lines[] = {
#define NICK(c, f) { c, f },
#include "detect/nicknames.def"
#undef NICK
};

struct nick_entry {
	char *form;
	uint32_t group;
};

struct nick_table {
	struct nick_entry *v;
	size_t n, cap;
	char **groups; /* canonical names by group id */
	size_t ngroups;
};

static int entry_cmp(const void *pa, const void *pb)
{
	const struct nick_entry *a = pa, *b = pb;
	int c = strcmp(a->form, b->form);
	if (c)
		return c;
	return a->group < b->group ? -1 : a->group > b->group;
}

static enum cd_result add_form(struct nick_table *t, const char *word, size_t len, uint32_t g)
{
	enum cd_result r = CD_OK;
	char tmp[128];
	struct buf b = BUF_INIT(256);
	if (len == 0 || len >= sizeof(tmp))
		goto out;
	memcpy(tmp, word, len);
	tmp[len] = 0;
	r = norm_compact(tmp, &b);
	if (r != CD_OK || b.len == 0)
		goto out;
	if ((r = ARRAY_GROW(t->v, t->n + 1, t->cap, GROW_MAX_ELEMS)) != CD_OK)
		goto out;
	t->v[t->n].form = buf_detach(&b, NULL);
	if (!t->v[t->n].form) {
		r = CD_NOMEM;
		goto out;
	}
	t->v[t->n].group = g;
	t->n++;
out:
	buf_release(&b);
	return r;
}

enum cd_result nick_table_new(struct nick_table **out, char *err, size_t errlen)
{
	enum cd_result r = CD_OK;
	size_t nl = sizeof(nick_lines) / sizeof(nick_lines[0]);
	struct nick_table *t = calloc(1, sizeof(*t));
	*out = NULL;
	if (!t || !(t->groups = calloc(nl, sizeof(char *)))) {
		r = CD_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < nl && r == CD_OK; i++) {
		/* lines with the same canonical name form one group */
		uint32_t g = (uint32_t)t->ngroups;
		for (size_t k = 0; k < t->ngroups; k++)
			if (strcmp(t->groups[k], nick_lines[i].canonical) == 0)
				g = (uint32_t)k;
		if (g == t->ngroups) {
			t->groups[g] = strdup(nick_lines[i].canonical);
			if (!t->groups[g]) {
				r = CD_NOMEM;
				break;
			}
			t->ngroups++;
			r = add_form(t, nick_lines[i].canonical, strlen(nick_lines[i].canonical), g);
		}
		const char *p = nick_lines[i].forms;
		while (*p && r == CD_OK) {
			while (*p == ' ')
				p++;
			const char *e = p;
			while (*e && *e != ' ')
				e++;
			r = add_form(t, p, (size_t)(e - p), g);
			p = e;
		}
	}
	if (r != CD_OK)
		goto out;
	qsort(t->v, t->n, sizeof(t->v[0]), entry_cmp);
	/* drop exact repeats (a form listed twice in one group) */
	size_t w = 0;
	for (size_t i = 0; i < t->n; i++) {
		if (w > 0 && t->v[w - 1].group == t->v[i].group &&
		    strcmp(t->v[w - 1].form, t->v[i].form) == 0) {
			free(t->v[i].form);
			continue;
		}
		t->v[w++] = t->v[i];
	}
	t->n = w;
	*out = t;
	t = NULL;
out:
	if (r != CD_OK && err && errlen)
		snprintf(err, errlen, "cannot build the nickname table: %s", result_name(r));
	nick_table_free(t);
	return r;
}

void nick_table_free(struct nick_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].form);
	for (size_t i = 0; i < t->ngroups; i++)
		free(t->groups[i]);
	free(t->groups);
	free(t->v);
	free(t);
}

size_t nick_groups(const struct nick_table *t, const char *name, uint32_t *ids, size_t max)
{
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strcmp(t->v[mid].form, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t k = 0;
	for (size_t i = lo; i < t->n && strcmp(t->v[i].form, name) == 0; i++, k++)
		if (k < max)
			ids[k] = t->v[i].group;
	return k;
}

const char *nick_group_name(const struct nick_table *t, uint32_t id)
{
	return id < t->ngroups ? t->groups[id] : "";
}

int nick_related(const struct nick_table *t, const char *a, const char *b)
{
	uint32_t ga[16], gb[16];
	if (strcmp(a, b) == 0)
		return 1;
	size_t na = nick_groups(t, a, ga, 16), nb = nick_groups(t, b, gb, 16);
	if (na > 16)
		na = 16;
	if (nb > 16)
		nb = 16;
	for (size_t i = 0; i < na; i++)
		for (size_t j = 0; j < nb; j++)
			if (ga[i] == gb[j])
				return 1;
	return 0;
}
