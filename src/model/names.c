/* names.c -- id -> name tables: sorted arrays of owned strings, looked up by binary search. */
#include "model/names.h"

#include <stdlib.h>
#include <string.h>

#include "grow.h"

static const char *const labels[NAME_KINDS] = {
	[NAME_ROUTING_PROFILE] = "routing profile",
	[NAME_SECURITY_PROFILE] = "security profile",
	[NAME_HIERARCHY_GROUP] = "hierarchy group",
};

const char *name_kind_label(enum name_kind k)
{
	return (unsigned)k < NAME_KINDS ? labels[k] : "?";
}

void names_init(struct name_table *t)
{
	memset(t, 0, sizeof *t);
}

void names_clear(struct name_table *t, enum name_kind k)
{
	if ((unsigned)k >= NAME_KINDS)
		return;
	for (size_t i = 0; i < t->n[k]; i++) {
		free(t->v[k][i].id);
		free(t->v[k][i].name);
	}
	free(t->v[k]);
	t->v[k] = NULL;
	t->n[k] = t->cap[k] = 0;
	t->sorted[k] = false;
	t->known[k] = false;
}

void names_release(struct name_table *t)
{
	if (!t)
		return;
	for (int k = 0; k < NAME_KINDS; k++)
		names_clear(t, (enum name_kind)k);
}

void names_set_known(struct name_table *t, enum name_kind k)
{
	if ((unsigned)k < NAME_KINDS)
		t->known[k] = true;
}

static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

enum cd_result names_add(struct name_table *t, enum name_kind k, const char *id, const char *name)
{
	if ((unsigned)k >= NAME_KINDS || !id || !name)
		return CD_INPUT;
	size_t li = strlen(id), ln = strlen(name);
	if (!li || li > NAMES_MAX_ID || !ln || ln > NAMES_MAX_NAME || has_control(id))
		return CD_INPUT;
	enum cd_result r = ARRAY_GROW(t->v[k], t->n[k] + 1, t->cap[k], NAMES_MAX_ENTRIES);
	if (r != CD_OK)
		return r;
	char *i = strdup(id), *n = strdup(name);
	if (!i || !n) {
		free(i);
		free(n);
		return CD_NOMEM;
	}
	/* a name is shown in reports: no terminal or line control from the service */
	for (char *p = n; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	t->v[k][t->n[k]++] = (struct name_entry){ i, n };
	t->sorted[k] = false;
	t->known[k] = true;
	return CD_OK;
}

/* Sorting by (id, order of addition) keeps "the later entry wins" whatever qsort does with
 * equal keys. */
struct tagged {
	struct name_entry e;
	size_t i;
};

static int by_id(const void *x, const void *y)
{
	const struct tagged *a = x, *b = y;
	int c = strcmp(a->e.id, b->e.id);
	return c ? c : (a->i > b->i) - (a->i < b->i);
}

void names_finish(struct name_table *t)
{
	for (int k = 0; k < NAME_KINDS; k++) {
		if (t->sorted[k])
			continue;
		struct name_entry *v = t->v[k];
		size_t n = t->n[k], w = 0;
		struct tagged *tmp = n > 1 ? malloc(n * sizeof *tmp) : NULL;
		if (tmp) {
			for (size_t i = 0; i < n; i++)
				tmp[i] = (struct tagged){ v[i], i };
			qsort(tmp, n, sizeof *tmp, by_id);
			for (size_t i = 0; i < n; i++)
				v[i] = tmp[i].e;
			free(tmp);
		} else {
			/* one entry, or no memory for the tags: a stable insertion sort */
			for (size_t i = 1; i < n; i++) {
				struct name_entry e = v[i];
				size_t j = i;
				for (; j > 0 && strcmp(v[j - 1].id, e.id) > 0; j--)
					v[j] = v[j - 1];
				v[j] = e;
			}
		}
		/* keep the last of each run of equal ids */
		for (size_t i = 0; i < n; i++) {
			if (i + 1 < n && strcmp(v[i].id, v[i + 1].id) == 0) {
				free(v[i].id);
				free(v[i].name);
				continue;
			}
			v[w++] = v[i];
		}
		t->n[k] = w;
		t->sorted[k] = true;
	}
}

const char *names_lookup(const struct name_table *t, enum name_kind k, const char *id)
{
	if (!t || (unsigned)k >= NAME_KINDS || !id || !*id)
		return NULL;
	const struct name_entry *v = t->v[k];
	size_t n = t->n[k];
	if (!t->sorted[k]) {
		const char *found = NULL;
		for (size_t i = 0; i < n; i++)
			if (strcmp(v[i].id, id) == 0)
				found = v[i].name;
		return found;
	}
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(v[mid].id, id);
		if (c == 0)
			return v[mid].name;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

bool names_known(const struct name_table *t, enum name_kind k)
{
	return t && (unsigned)k < NAME_KINDS && t->known[k];
}

static int by_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

enum cd_result names_join(const struct name_table *t, enum name_kind k, const char *ids,
			  struct buf *out)
{
	struct buf copy = BUF_INIT(1 << 20);
	const char **v = NULL;
	size_t n = 0, cap = 0;
	enum cd_result r = buf_puts(&copy, ids ? ids : "");
	if (r == CD_OK && !copy.data) /* "" leaves the buffer unallocated */
		goto out;
	for (char *p = copy.data, *c; r == CD_OK && p; p = c ? c + 1 : NULL) {
		c = strchr(p, ',');
		if (c)
			*c = '\0';
		if (!*p)
			continue;
		if ((r = ARRAY_GROW(v, n + 1, cap, NAMES_MAX_ENTRIES)) != CD_OK)
			break;
		const char *name = names_lookup(t, k, p);
		v[n++] = name ? name : p;
	}
	if (r == CD_OK && n > 1)
		qsort(v, n, sizeof *v, by_str);
	for (size_t i = 0; i < n && r == CD_OK; i++) {
		if (i)
			r = buf_puts(out, ", ");
		if (r == CD_OK)
			r = buf_puts(out, v[i]);
	}
out:
	free(v);
	buf_release(&copy);
	return r;
}
