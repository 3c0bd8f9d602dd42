/* user.c -- struct user_set: storage, copying and Id de-duplication. */
#include "model/user.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

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
		u.field = user_set_strdup(s, f->field, f->field ? strlen(f->field) : 0); \
		if (!u.field)                                                          \
			return CD_NOMEM;                                               \
	} while (0)

enum cd_result user_set_add(struct user_set *s, const struct user_fields *f)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		struct user *v = realloc(s->v, cap * sizeof *v);
		if (!v)
			return CD_NOMEM;
		s->v = v;
		s->cap = cap;
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
	u.last_modified = f->last_modified;
	u.raw = user_set_strdup(s, f->raw, f->raw ? f->raw_len : 0);
	if (!u.raw)
		return CD_NOMEM;
	u.raw_len = f->raw ? f->raw_len : 0;
	s->v[s->n++] = u;
	return CD_OK;
}

unsigned long long user_hash(const char *p, size_t n)
{
	unsigned long long h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

enum cd_result user_set_dedupe_ids(struct user_set *s, size_t *dropped, const char ***ids_out)
{
	*dropped = 0;
	if (ids_out)
		*ids_out = NULL;
	if (s->n < 2)
		return CD_OK;
	/* Open addressing table of positions in the compacted output, keyed by Id. */
	size_t cap = 16;
	while (cap < s->n * 2)
		cap *= 2;
	size_t *slot = malloc(cap * sizeof *slot);
	const char **ids = ids_out ? malloc(s->n * sizeof *ids) : NULL;
	if (!slot || (ids_out && !ids)) {
		free(slot);
		free(ids);
		return CD_NOMEM;
	}
	for (size_t i = 0; i < cap; i++)
		slot[i] = SIZE_MAX;
	size_t out = 0, ndrop = 0;
	for (size_t i = 0; i < s->n; i++) {
		const char *id = s->v[i].id;
		size_t h = (size_t)user_hash(id, strlen(id)) & (cap - 1);
		while (slot[h] != SIZE_MAX && strcmp(s->v[slot[h]].id, id) != 0)
			h = (h + 1) & (cap - 1);
		if (slot[h] == SIZE_MAX) {
			slot[h] = out;
			s->v[out++] = s->v[i];
		} else {
			if (ids)
				ids[ndrop] = id;
			ndrop++;
			s->v[slot[h]] = s->v[i]; /* later record wins, first position kept */
		}
	}
	s->n = out;
	free(slot);
	*dropped = ndrop;
	if (ids_out)
		*ids_out = ids;
	return CD_OK;
}
