/* rules.c -- the classic duplicate rules by hash grouping: O(n) keys, then the pairs of each group. */
#include "detect/rules.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "grow.h"
#include "hash.h"

static inline unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

static bool eq_lower(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (lower((unsigned char)*a) != lower((unsigned char)*b))
			return false;
	return *a == *b;
}

static const char *key_a(const struct user *u, enum rule_kind k)
{
	return k == RULE_EMAIL ? u->email : k == RULE_USERNAME ? u->username : u->first_name;
}

static bool has_key(const struct user *u, enum rule_kind k)
{
	return k == RULE_NAME ? (*u->first_name && *u->last_name) : *key_a(u, k) != '\0';
}

/* The key's bytes ASCII-lower-cased into b (a name: first name, 0x1f, last name, a separator
 * no name can produce by itself, so "ab"+"c" != "a"+"bc"), then hashed with hash_bytes. */
static enum cd_result key_hash(const struct user *u, enum rule_kind k, struct buf *b, uint64_t *h)
{
	enum cd_result rc;
	buf_reset(b);
	if ((rc = buf_puts(b, key_a(u, k))) == CD_OK && k == RULE_NAME &&
	    (rc = buf_putc(b, 0x1f)) == CD_OK)
		rc = buf_puts(b, u->last_name);
	if (rc != CD_OK)
		return rc;
	for (size_t i = 0; i < b->len; i++)
		b->data[i] = (char)lower((unsigned char)b->data[i]);
	*h = hash_bytes(b->data, b->len);
	return CD_OK;
}

static bool key_eq(const struct user *x, const struct user *y, enum rule_kind k)
{
	if (!eq_lower(key_a(x, k), key_a(y, k)))
		return false;
	return k != RULE_NAME || eq_lower(x->last_name, y->last_name);
}

/* The e-mail exclusion of the username and name rules: the pair is an e-mail pair. */
static bool same_email(const struct user *x, const struct user *y)
{
	return *x->email && eq_lower(x->email, y->email);
}

static int pair_cmp(const void *pa, const void *pb)
{
	const struct rule_pair *a = pa, *b = pb;
	if (a->a != b->a)
		return a->a < b->a ? -1 : 1;
	return a->b < b->b ? -1 : a->b > b->b;
}

static const char *make_reason(struct arena *ar, const struct user *u, enum rule_kind k)
{
	static const char *const prefix[RULE_COUNT] = {
		"Duplicate email: ", "Duplicate username: ", "Duplicate name: "
	};
	const char *a = key_a(u, k), *b = k == RULE_NAME ? u->last_name : "";
	size_t pl = strlen(prefix[k]), al = strlen(a), bl = strlen(b);
	char *s = arena_alloc(ar, pl + al + 1 + bl + 1);
	if (!s)
		return NULL;
	char *o = s;
	memcpy(o, prefix[k], pl);
	o += pl;
	for (size_t i = 0; i < al; i++)
		*o++ = (char)lower((unsigned char)a[i]);
	if (k == RULE_NAME) {
		*o++ = ' ';
		for (size_t i = 0; i < bl; i++)
			*o++ = (char)lower((unsigned char)b[i]);
	}
	*o = '\0';
	return s;
}

struct pairvec {
	struct rule_pair *v;
	size_t n, cap;
};

static enum cd_result push(struct pairvec *pv, uint32_t a, uint32_t b, const char *reason)
{
	enum cd_result rc = ARRAY_GROW(pv->v, pv->n + 1, pv->cap, RULES_MAX_PAIRS);
	if (rc != CD_OK)
		return rc;
	pv->v[pv->n++] = (struct rule_pair){ a, b, reason };
	return CD_OK;
}

/* One rule: chains users with equal keys (in input order) through next[], then emits the pairs
 * of every chain longer than one. Not an itab of detect/match: a slot is a chain's head user,
 * whose strings are compared case-blind where they are, so no key is ever copied; the slot
 * keeps the head's hash so that probing reads those strings only on a hash match. */
struct slot {
	uint64_t hash;
	uint32_t head;
};

static enum cd_result one_rule(const struct user_set *s, enum rule_kind k, const uint64_t *hash,
			       struct slot *slot, size_t cap, uint32_t *next, uint32_t *tail,
			       struct arena *ar, struct pairvec *pv)
{
	const uint32_t NONE = UINT32_MAX;
	enum cd_result rc = CD_OK;
	for (size_t i = 0; i < cap; i++)
		slot[i].head = NONE;
	for (size_t i = 0; i < s->n; i++)
		next[i] = tail[i] = NONE;
	/* slot[h].head holds a chain's head; tail[head] its last member. */
	for (uint32_t i = 0; i < s->n; i++) {
		uint64_t hv = hash[i];
		if (!hv)
			continue; /* no key */
		size_t h = (size_t)hv & (cap - 1);
		while (slot[h].head != NONE &&
		       (slot[h].hash != hv || !key_eq(&s->v[slot[h].head], &s->v[i], k)))
			h = (h + 1) & (cap - 1);
		if (slot[h].head == NONE) {
			slot[h].head = i;
			slot[h].hash = hv;
			tail[i] = i;
		} else {
			uint32_t head = slot[h].head;
			next[tail[head]] = i;
			tail[head] = i;
		}
	}
	for (uint32_t head = 0; head < s->n && rc == CD_OK; head++) {
		if (tail[head] == NONE || tail[head] == head)
			continue; /* not a head, or a group of one */
		const char *reason = make_reason(ar, &s->v[head], k);
		if (!reason)
			return CD_NOMEM;
		for (uint32_t x = head; x != NONE && rc == CD_OK; x = next[x])
			for (uint32_t y = next[x]; y != NONE && rc == CD_OK; y = next[y])
				if (k == RULE_EMAIL || !same_email(&s->v[x], &s->v[y]))
					rc = push(pv, x, y, reason);
	}
	if (rc == CD_OK && pv->n > 1)
		qsort(pv->v, pv->n, sizeof *pv->v, pair_cmp);
	return rc;
}

enum cd_result rules_find(const struct user_set *users, struct rule_pairs *out, char *err,
			  size_t errlen)
{
	enum cd_result rc = CD_OK;
	struct slot *slot = NULL;
	uint32_t *next = NULL, *tail = NULL;
	uint64_t *hash = NULL;
	/* one key at a time: no longer than two of a user's strings, which are in memory already */
	struct buf key = BUF_INIT(SIZE_MAX);
	memset(out, 0, sizeof *out);
	if (users->n >= UINT32_MAX) {
		snprintf(err, errlen, "too many users (%zu) for one analysis", users->n);
		return CD_TOOBIG;
	}
	size_t cap = 16;
	while (cap < users->n * 2)
		cap *= 2;
	slot = malloc(cap * sizeof *slot);
	next = malloc((users->n + 1) * sizeof *next);
	tail = malloc((users->n + 1) * sizeof *tail);
	hash = malloc((users->n + 1) * RULE_COUNT * sizeof *hash);
	out->strings = arena_new();
	if (!slot || !next || !tail || !hash || !out->strings) {
		rc = CD_NOMEM;
		goto out;
	}
	/* All keys hashed in one pass: each user's strings sit together in the set's arena. A zero
	 * hash means "no key" (a real key hashing to zero is nudged to 1; equality is checked). */
	for (size_t i = 0; i < users->n && rc == CD_OK; i++) {
		for (int k = 0; k < RULE_COUNT && rc == CD_OK; k++) {
			uint64_t h = 0;
			if (has_key(&users->v[i], (enum rule_kind)k) &&
			    (rc = key_hash(&users->v[i], (enum rule_kind)k, &key, &h)) == CD_OK && !h)
				h = 1;
			hash[(size_t)k * users->n + i] = h;
		}
	}
	for (int k = 0; k < RULE_COUNT && rc == CD_OK; k++) {
		struct pairvec pv = { 0 };
		rc = one_rule(users, (enum rule_kind)k, hash + (size_t)k * users->n, slot, cap, next,
			      tail, out->strings, &pv);
		out->v[k] = pv.v;
		out->n[k] = pv.n;
	}
	if (rc == CD_TOOBIG)
		snprintf(err, errlen, "more than %zu duplicate pairs of one kind: refusing to list them all",
			 RULES_MAX_PAIRS);
	else if (rc != CD_OK)
		snprintf(err, errlen, "out of memory finding duplicates");
out:
	free(slot);
	free(next);
	free(tail);
	free(hash);
	buf_release(&key);
	return rc;
}

void rules_release(struct rule_pairs *p)
{
	for (int k = 0; k < RULE_COUNT; k++)
		free(p->v[k]);
	arena_free(p->strings);
	memset(p, 0, sizeof *p);
}

const char *rules_kind_name(enum rule_kind k)
{
	switch (k) {
	case RULE_EMAIL: return "email";
	case RULE_USERNAME: return "username";
	case RULE_NAME: return "name";
	default: return "?";
	}
}
