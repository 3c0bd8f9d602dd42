/* block.c -- blocking: which keys of a user make candidate pairs, and the pairs every block of
 * at most cap users makes. Only users sharing a key here (or a one-edit name, typo.c) are ever
 * compared. */
#include "detect/match_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "grow.h"

enum cd_result ent_push(struct entvec *e, uint32_t id, uint32_t user)
{
	if (id == NONE)
		return CD_OK;
	enum cd_result r = ARRAY_GROW(e->v, e->n + 1, e->cap, GROW_MAX_ELEMS);
	if (r != CD_OK)
		return r;
	e->v[e->n].id = id;
	e->v[e->n].user = user;
	e->n++;
	return CD_OK;
}

enum cd_result u64_push(struct u64vec *e, uint64_t x)
{
	enum cd_result r = ARRAY_GROW(e->v, e->n + 1, e->cap, GROW_MAX_ELEMS);
	if (r != CD_OK)
		return r;
	e->v[e->n++] = x;
	return CD_OK;
}

/* LSD radix sort, 16 bits a pass; skips passes where every key has the same digit. */
enum cd_result radix_u64(uint64_t *v, size_t n)
{
	uint64_t *tmp = malloc((n ? n : 1) * sizeof(*tmp));
	size_t *cnt = malloc(65536 * sizeof(*cnt));
	enum cd_result r = CD_OK;
	if (!tmp || !cnt) {
		r = CD_NOMEM;
		goto out;
	}
	for (int pass = 0; pass < 4 && n > 1; pass++) {
		int sh = pass * 16;
		memset(cnt, 0, 65536 * sizeof(*cnt));
		for (size_t i = 0; i < n; i++)
			cnt[(v[i] >> sh) & 0xFFFF]++;
		if (cnt[(v[0] >> sh) & 0xFFFF] == n)
			continue;
		size_t sum = 0;
		for (size_t d = 0; d < 65536; d++) {
			size_t c = cnt[d];
			cnt[d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			tmp[cnt[(v[i] >> sh) & 0xFFFF]++] = v[i];
		memcpy(v, tmp, n * sizeof(*v));
	}
out:
	free(tmp);
	free(cnt);
	return r;
}
/* The block entries of user i's identifiers. */
enum cd_result block_ids(struct ctx *c, uint32_t i)
{
	const struct feat *f = &c->f[i];
	enum cd_result r = CD_OK;
	if ((r = ent_push(&c->blocks[T_ADDR], f->email, i)) != CD_OK ||
	    (r = ent_push(&c->blocks[T_ADDR], f->sec, i)) != CD_OK ||
	    (r = ent_push(&c->blocks[T_ADDR], f->uaddr, i)) != CD_OK ||
	    (r = ent_push(&c->blocks[T_UNAME], f->uname, i)) != CD_OK ||
	    (r = ent_push(&c->blocks[T_LOCAL], f->l_user, i)) != CD_OK ||
	    (f->l_email != f->l_user && (r = ent_push(&c->blocks[T_LOCAL], f->l_email, i)) != CD_OK) ||
	    (r = ent_push(&c->blocks[T_PHONE], f->mobile, i)) != CD_OK ||
	    (f->desk != f->mobile && (r = ent_push(&c->blocks[T_PHONE], f->desk, i)) != CD_OK) ||
	    (r = ent_push(&c->blocks[T_DIR], f->dir, i)) != CD_OK)
		return r;
	return CD_OK;
}

/* The block entries of user i's names, tid its name-in-team ids (team_keys). */
enum cd_result block_names(struct ctx *c, uint32_t i, const uint32_t *tid)
{
	const struct feat *f = &c->f[i];
	enum cd_result r;
	if ((r = ent_push(&c->blocks[T_SWAP], f->swap, i)) != CD_OK ||
	    (r = ent_push(&c->blocks[T_SWAPTEAM], tid[0], i)) != CD_OK)
		return r;
	for (size_t k = 0; k < f->nnick; k++)
		if ((r = ent_push(&c->blocks[T_NICK], f->nick[k], i)) != CD_OK ||
		    (r = ent_push(&c->blocks[T_NICKTEAM], tid[1 + k], i)) != CD_OK)
			return r;
	return CD_OK;
}

enum cd_result block_add_pair(struct ctx *c, uint32_t a, uint32_t b)
{
	if (a == b)
		return CD_OK;
	if (a > b) {
		uint32_t t = a;
		a = b;
		b = t;
	}
	return u64_push(&c->cand, ((uint64_t)a << 32) | b);
}

void block_note_capped(struct ctx *c, int t, uint32_t id, size_t k)
{
	c->st->capped_blocks++;
	if (k > c->st->capped_users) {
		char v[64], tmp[160];
		const char *s = tmp;
		/* keys of ids read back as names: (38, smith) -> "william smith" */
		if (c->t[t].keyed) {
			uint32_t g = (uint32_t)(c->t[t].key[id] >> 32), l = (uint32_t)c->t[t].key[id];
			if (t == T_NICK)
				snprintf(tmp, sizeof(tmp), "%s %s", nick_group_name(c->nick, g),
					 c->t[T_LAST].str[l]);
			else if (t == T_SWAPTEAM && g < c->t[T_SWAP].n)
				snprintf(tmp, sizeof(tmp), "%s", c->t[T_SWAP].str[g]);
			else
				snprintf(tmp, sizeof(tmp), "%s", "");
		} else {
			s = c->t[t].str[id];
		}
		size_t j = 0;
		for (; s[j] && j + 1 < sizeof(v); j++)
			v[j] = (unsigned char)s[j] < 0x20 ? ' ' : s[j];
		v[j] = 0;
		c->st->capped_users = k;
		snprintf(c->st->capped_key, sizeof(c->st->capped_key), "%s \"%s\"", table_what[t], v);
	}
}

/* Groups (key, user) entries by key (counting sort, stable so a user's repeats are adjacent)
 * and makes every pair inside a group of at most cap users. */
enum cd_result block_pairs(struct ctx *c, int t)
{
	struct entvec *e = &c->blocks[t];
	size_t nid = c->t[t].n;
	enum cd_result r = CD_OK;
	size_t *start = calloc(nid + 1, sizeof(*start));
	uint32_t *users = malloc((e->n ? e->n : 1) * sizeof(*users));
	if (!start || !users) {
		r = CD_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < e->n; i++)
		start[e->v[i].id + 1]++;
	for (size_t k = 0; k < nid; k++)
		start[k + 1] += start[k];
	for (size_t i = 0; i < e->n; i++)
		users[start[e->v[i].id]++] = e->v[i].user;
	/* start[k] now ends group k; group k begins at start[k-1] */
	for (size_t k = 0; k < nid && r == CD_OK; k++) {
		size_t lo = k ? start[k - 1] : 0, hi = start[k];
		/* drop a user's repeated entries (e-mail equal to its own secondary) */
		size_t w = lo;
		for (size_t j = lo; j < hi; j++)
			if (w == lo || users[w - 1] != users[j])
				users[w++] = users[j];
		size_t m = w - lo;
		if (m < 2)
			continue;
		size_t cap = t == T_SWAP || t == T_NICK ? c->name_cap : c->cap;
		if (m > cap) {
			block_note_capped(c, t, (uint32_t)k, m);
			continue;
		}
		for (size_t x = lo; x < w && r == CD_OK; x++)
			for (size_t y = x + 1; y < w && r == CD_OK; y++)
				r = block_add_pair(c, users[x], users[y]);
	}
out:
	free(start);
	free(users);
	free(e->v);
	memset(e, 0, sizeof(*e));
	return r;
}

