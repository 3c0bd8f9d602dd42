/* user.c -- struct user_set: storage, copying and Id de-duplication. */
#include "model/user.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "grow.h"
#include "hash.h"
#include "mem.h"

void user_set_init(struct user_set *s)
{
	memset(s, 0, sizeof *s);
}

void user_set_release(struct user_set *s)
{
	free(s->v);
	arena_free(s->arena);
	memset(s, 0, sizeof *s);
}

const char *user_set_strdup(struct user_set *s, const char *str, size_t len)
{
	if (!str || !len)
		return "";
	if (!s->arena && !(s->arena = arena_new()))
		return NULL;
	return arena_strndup(s->arena, str, len);
}

#define COPY(field)                                                                    \
	do {                                                                           \
		if (borrow)                                                            \
			u.field = f->field ? f->field : "";                            \
		else if (!(u.field = user_set_strdup(s, f->field,                      \
						      f->field ? strlen(f->field) : 0))) \
			return CD_NOMEM;                                               \
	} while (0)

static enum cd_result add(struct user_set *s, const struct user_fields *f, bool borrow)
{
	if (s->n == s->cap) {
		enum cd_result rc = ARRAY_GROW(s->v, s->n + 1, s->cap, GROW_MAX_ELEMS);
		if (rc != CD_OK)
			return rc;
		mem_advise_huge(s->v, s->cap * sizeof *s->v); /* 100,000 users: 14 MB */
	}
	struct user u;
	COPY(id);
	COPY(arn);
	COPY(username);
	COPY(first_name);
	COPY(last_name);
	COPY(email);
	COPY(secondary_email);
	COPY(mobile);
	COPY(desk_phone);
	COPY(directory_user_id);
	COPY(routing_profile_id);
	COPY(hierarchy_group_id);
	COPY(last_modified_region);
	COPY(security_profiles);
	u.last_modified = f->last_modified;
	if (s->no_raw)
		u.raw = "";
	else if (borrow)
		u.raw = f->raw && f->raw_len ? f->raw : "";
	else if (!(u.raw = user_set_strdup(s, f->raw, f->raw ? f->raw_len : 0)))
		return CD_NOMEM;
	u.raw_len = f->raw && !s->no_raw ? f->raw_len : 0;
	s->v[s->n++] = u;
	return CD_OK;
}

enum cd_result user_set_add(struct user_set *s, const struct user_fields *f)
{
	return add(s, f, false);
}

enum cd_result user_set_add_borrowed(struct user_set *s, const struct user_fields *f)
{
	return add(s, f, true);
}

static int cmp_id(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

enum cd_result user_canon_ids(const char **ids, size_t n, struct buf *out)
{
	enum cd_result rc = CD_OK;
	/* Sorting makes the form independent of the order the source listed them in. The service
	 * caps a user at 10 profiles (most have 1-3): an insertion sort beats qsort's calls there,
	 * which the file reader pays per user; longer lists from elsewhere take qsort. */
	if (n > 16) {
		qsort(ids, n, sizeof *ids, cmp_id);
	} else {
		for (size_t i = 1; i < n; i++) {
			const char *v = ids[i];
			size_t j = i;
			for (; j > 0 && strcmp(ids[j - 1], v) > 0; j--)
				ids[j] = ids[j - 1];
			ids[j] = v;
		}
	}
	const char *prev = NULL;
	for (size_t i = 0; i < n && rc == CD_OK; i++) {
		if (!ids[i][0] || (prev && strcmp(prev, ids[i]) == 0))
			continue;
		if (prev)
			rc = buf_putc(out, ',');
		if (rc == CD_OK)
			rc = buf_puts(out, ids[i]);
		prev = ids[i];
	}
	if (rc == CD_OK)
		rc = buf_putc(out, '\0');
	return rc;
}

/* A nonzero hash of a NUL-terminated Id (a byte-wise FNV-1a was a fifth of this function's
 * time). Only equality of the whole Id decides; the hash spreads the table. */
static uint64_t id_hash(const char *s)
{
	uint64_t h = hash_bytes(s, strlen(s));
	return h ? h : 1;
}

enum cd_result user_set_dedupe_ids(struct user_set *s, size_t *dropped, const char ***ids_out)
{
	*dropped = 0;
	if (ids_out)
		*ids_out = NULL;
	if (s->n < 2)
		return CD_OK;
	/* Open addressing table of positions in the compacted output, keyed by Id. Each slot keeps
	 * the Id's hash, so a probe reads another user's Id only when the hashes match (a million
	 * users would otherwise pay a cache miss per collision), and the slots of the Ids a few
	 * places ahead are prefetched, their hashes being computed in a first sequential pass. */
	struct dslot {
		uint64_t hash; /* 0: empty */
		size_t pos;
	};
	size_t cap = 16;
	while (cap < s->n * 2)
		cap *= 2;
	struct dslot *slot = calloc(cap, sizeof *slot);
	uint64_t *hash = malloc(s->n * sizeof *hash);
	const char **ids = ids_out ? malloc(s->n * sizeof *ids) : NULL;
	if (!slot || !hash || (ids_out && !ids)) {
		free(slot);
		free(hash);
		free(ids);
		return CD_NOMEM;
	}
	for (size_t i = 0; i < s->n; i++)
		hash[i] = id_hash(s->v[i].id);
	enum { AHEAD = 16 };
	size_t out = 0, ndrop = 0;
	for (size_t i = 0; i < s->n; i++) {
		if (i + AHEAD < s->n)
			__builtin_prefetch(&slot[hash[i + AHEAD] & (cap - 1)], 1);
		const char *id = s->v[i].id;
		uint64_t hv = hash[i];
		size_t h = (size_t)hv & (cap - 1);
		while (slot[h].hash && (slot[h].hash != hv || strcmp(s->v[slot[h].pos].id, id) != 0))
			h = (h + 1) & (cap - 1);
		if (!slot[h].hash) {
			slot[h].hash = hv;
			slot[h].pos = out;
			if (out != i)
				s->v[out] = s->v[i];
			out++;
		} else {
			if (ids)
				ids[ndrop] = id;
			ndrop++;
			s->v[slot[h].pos] = s->v[i]; /* later record wins, first position kept */
		}
	}
	s->n = out;
	free(slot);
	free(hash);
	*dropped = ndrop;
	if (ids_out)
		*ids_out = ids;
	return CD_OK;
}
