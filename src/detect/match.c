/* match.c -- features per user, blocking keys, candidate pairs, Fellegi-Sunter-style scoring.
 *
 * The shape of it: every user is reduced once to interned normalised values (names, addresses,
 * handles, phones); each value also counts how many users carry it, which is what rarity is
 * made of. Users sharing an exact key (an address, a handle, a phone, a full name in either
 * order, a nickname group + last name, a directory id) or whose compact full names lie within
 * one edit (deletion neighbourhoods) become candidate pairs; nothing else is ever compared.
 * Each candidate is then scored on all fields at once: the weights are log2 likelihood
 * ratios, so they add, and a value many users share is worth fewer bits than a rare one. */
#include "detect/match.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "arena.h"
#include "hash.h"
#include "mem.h"
#include "detect/fuzzy.h"
#include "detect/nicknames.h"
#include "detect/normalize.h"

#define NONE UINT32_MAX

/* --- weights (bits). Identifiers are near-unique per person; names are scored from the
 * frequencies of their parts; job attributes only support other evidence. */
#define W_EMAIL 20.0
#define W_SECONDARY 18.0
#define W_USERNAME 20.0
#define W_USERNAME_EMAIL 18.0
#define W_HANDLE_EXACT 8.0   /* same local part / username up to a domain suffix */
#define W_HANDLE_ORG 12.0    /* same local part at two domains of one organisation */
#define W_PHONE 12.0
#define W_DIRECTORY 20.0
#define W_TEAM_MAX 12.0      /* routing profile and/or hierarchy group agree */
#define M_ROUTING 0.7        /* P(same routing profile | same person): guessed */
#define M_TEAM 0.5           /* P(same hierarchy group, or same team | same person): guessed */
#define M_ROLE 0.55          /* P(same routing and security profiles | same person): guessed */
#define M_TEAMROLE 0.4       /* P(same team and security profiles | same person): guessed */
#define W_NAME_MAX 6.0      /* below the threshold: a name alone is never enough */
#define W_NAME_MIN -2.0
#define W_NAME_PARTIAL -3.0  /* one of first/last agrees, the other does not (marriage, sibling) */
#define W_NAME_DIFFERENT -6.0
#define M_NAME 0.9           /* P(names agree | same person) */
#define RARITY_BITS 3.0      /* an identifier shared by c users loses RARITY_BITS*log2(c-1) */

/* ---------------------------------------------------------------- interned values */

struct itab {
	uint64_t *slots; /* (hash >> 32) << 32 | (id + 1); 0 = empty. The hash's top half in the
	                  * slot settles most probes without touching the strings (cache misses
	                  * are what interning a million users costs) */
	size_t nslots;
	const char **str;
	uint32_t *count;
	uint64_t *hash;
	size_t n, cap;
	struct arena *arena; /* NULL: str borrows the caller's strings, which outlive the table */
	/* A key table (itab_put_key): the values are 64-bit keys made of other tables' ids (a
	 * routing profile and a hierarchy group, a name and a team), kept in key[] instead of
	 * str and hash; a slot is two words, the key and id + 1, so a lookup reads one cache
	 * line and no string. */
	int keyed;
	uint64_t *key;
};

static void itab_release(struct itab *t)
{
	free(t->slots);
	free(t->str);
	free(t->count);
	free(t->hash);
	free(t->key);
	memset(t, 0, sizeof(*t));
}

/* Only what scoring reads stays (str or key, count): the slots and hashes go once interning
 * is over. */
static void itab_freeze(struct itab *t)
{
	free(t->slots);
	free(t->hash);
	t->slots = NULL;
	t->hash = NULL;
	t->nslots = 0;
}

/* (a byte-wise FNV was a tenth of interning) */
static uint64_t itab_hash(const char *s, size_t n)
{
	return hash_bytes(s, n);
}

/* The slot hash of a key table's key (its ids are small and dense: they need mixing). */
static uint64_t key_hash(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xFF51AFD7ED558CCDULL;
	x ^= x >> 33;
	x *= 0xC4CEB9FE1A85EC53ULL;
	x ^= x >> 33;
	return x;
}

static enum cd_result itab_rehash(struct itab *t, size_t ns)
{
	uint64_t *s = calloc(t->keyed ? 2 * ns : ns, sizeof(*s));
	if (!s)
		return CD_NOMEM;
	mem_advise_huge(s, (t->keyed ? 2 * ns : ns) * sizeof(*s));
	for (size_t i = 0; t->keyed && i < t->n; i++) {
		size_t k = (size_t)key_hash(t->key[i]) & (ns - 1);
		while (s[2 * k + 1])
			k = (k + 1) & (ns - 1);
		s[2 * k] = t->key[i];
		s[2 * k + 1] = (uint64_t)i + 1;
	}
	for (size_t i = 0; !t->keyed && i < t->n; i++) {
		size_t k = (size_t)t->hash[i] & (ns - 1);
		while (s[k])
			k = (k + 1) & (ns - 1);
		s[k] = (t->hash[i] & 0xFFFFFFFF00000000ULL) | ((uint64_t)i + 1);
	}
	free(t->slots);
	t->slots = s;
	t->nslots = ns;
	return CD_OK;
}

/* One array of a table grown to nc elements, huge pages asked for the new block; NULL (and
 * p untouched) when out of memory. */
static void *grow(void *p, size_t nc, size_t size)
{
	void *n = realloc(p, nc * size);
	if (n)
		mem_advise_huge(n, nc * size);
	return n;
}

/* Keyed tables keep keys and counts; string tables strings, counts and hashes. */
static enum cd_result itab_grow_arrays(struct itab *t, size_t nc)
{
	uint32_t *count = grow(t->count, nc, sizeof(*count));
	if (!count)
		return CD_NOMEM;
	t->count = count;
	if (t->keyed) {
		uint64_t *key = grow(t->key, nc, sizeof(*key));
		if (!key)
			return CD_NOMEM;
		t->key = key;
	} else {
		const char **str = grow(t->str, nc, sizeof(*str));
		if (!str)
			return CD_NOMEM;
		t->str = str;
		uint64_t *hash = grow(t->hash, nc, sizeof(*hash));
		if (!hash)
			return CD_NOMEM;
		t->hash = hash;
	}
	t->cap = nc;
	return CD_OK;
}

/* Sizes an empty table for about `expect` values: the tables that get a value per user would
 * otherwise rehash and copy their arrays a dozen times on the way to a million. Memory that
 * is never written is never paged in, so a generous guess costs little. */
static enum cd_result itab_reserve(struct itab *t, size_t expect)
{
	size_t ns = 1024;
	while (ns < expect * 2)
		ns *= 2;
	enum cd_result r = CD_OK;
	if (ns > t->nslots && (r = itab_rehash(t, ns)) != CD_OK)
		return r;
	return expect > t->cap ? itab_grow_arrays(t, expect) : CD_OK;
}

/* Interns s (len bytes, h its itab_hash); *id receives its id. Ids count up from 0 in the
 * order values are first put, whatever the hash. */
static enum cd_result itab_put_h(struct itab *t, const char *s, size_t len, uint64_t h, uint32_t *id)
{
	if ((t->n + 1) * 2 > t->nslots && itab_rehash(t, t->nslots ? t->nslots * 2 : 1024) != CD_OK)
		return CD_NOMEM;
	uint64_t tag = h & 0xFFFFFFFF00000000ULL;
	size_t k = (size_t)h & (t->nslots - 1);
	while (t->slots[k]) {
		uint64_t sl = t->slots[k];
		uint32_t i = (uint32_t)(sl & 0xFFFFFFFF) - 1;
		if ((sl & 0xFFFFFFFF00000000ULL) == tag && strncmp(t->str[i], s, len) == 0 &&
		    t->str[i][len] == 0) {
			*id = i;
			return CD_OK;
		}
		k = (k + 1) & (t->nslots - 1);
	}
	if (t->n == t->cap && itab_grow_arrays(t, t->cap ? t->cap * 2 : 1024) != CD_OK)
		return CD_NOMEM;
	const char *copy = s;
	if (t->arena && !(copy = arena_strndup(t->arena, s, len)))
		return CD_NOMEM;
	t->str[t->n] = copy;
	t->count[t->n] = 0;
	t->hash[t->n] = h;
	t->slots[k] = tag | ((uint64_t)t->n + 1);
	*id = (uint32_t)t->n++;
	return CD_OK;
}

static enum cd_result itab_put(struct itab *t, const char *s, size_t len, uint32_t *id)
{
	return itab_put_h(t, s, len, itab_hash(s, len), id);
}

/* Interns a key of a key table (t->keyed); ids count up from 0 in the order keys are first
 * put, as in itab_put. */
static enum cd_result itab_put_key(struct itab *t, uint64_t key, uint32_t *id)
{
	if ((t->n + 1) * 2 > t->nslots && itab_rehash(t, t->nslots ? t->nslots * 2 : 1024) != CD_OK)
		return CD_NOMEM;
	size_t k = (size_t)key_hash(key) & (t->nslots - 1);
	while (t->slots[2 * k + 1]) {
		if (t->slots[2 * k] == key) {
			*id = (uint32_t)(t->slots[2 * k + 1] - 1);
			return CD_OK;
		}
		k = (k + 1) & (t->nslots - 1);
	}
	if (t->n == t->cap && itab_grow_arrays(t, t->cap ? t->cap * 2 : 1024) != CD_OK)
		return CD_NOMEM;
	t->key[t->n] = key;
	t->count[t->n] = 0;
	t->slots[2 * k] = key;
	t->slots[2 * k + 1] = (uint64_t)t->n + 1;
	*id = (uint32_t)t->n++;
	return CD_OK;
}

static uint64_t key2(uint32_t hi, uint32_t lo)
{
	return (uint64_t)hi << 32 | lo;
}

/* ---------------------------------------------------------------- features */

enum { T_FIRST, T_LAST, T_CNAME, T_SWAP, T_NICK, T_ADDR, T_UNAME, T_LOCAL, T_PHONE,
       T_ROUTING, T_HIER, T_TEAM, T_DIR, T_SWAPTEAM, T_NICKTEAM, T_ROLE, T_TEAMROLE, T_ORG, T_COUNT };

static const char *const table_what[T_COUNT] = {
	"first name", "last name", "name", "name", "nickname", "e-mail", "username", "local part", "phone", "routing profile", "hierarchy group", "team", "directory user",
	"name in team", "nickname in team", "role", "team and role", "mail organisation",
};

struct feat {
	uint32_t first, last, cname, swap;
	uint32_t email, sec, uaddr, uname;
	uint32_t l_user, l_email; /* exact local parts (T_LOCAL) */
	uint32_t mobile, desk;
	uint32_t routing, hier, team, dir;
	uint32_t role, teamrole;  /* routing profile + security profiles, and with the group too */
	uint32_t org;             /* the organisation part of the e-mail's domain (T_ORG) */
	uint32_t nick[4];         /* T_NICK ids of this user (nnick of them) */
	uint8_t nnick;
};

struct ent {
	uint32_t id, user;
};

struct entvec {
	struct ent *v;
	size_t n, cap;
};

static enum cd_result ent_push(struct entvec *e, uint32_t id, uint32_t user)
{
	if (id == NONE)
		return CD_OK;
	if (e->n == e->cap) {
		size_t nc = e->cap ? e->cap * 2 : 4096;
		struct ent *nv = realloc(e->v, nc * sizeof(*nv));
		if (!nv)
			return CD_NOMEM;
		mem_advise_huge(nv, nc * sizeof(*nv));
		e->v = nv;
		e->cap = nc;
	}
	e->v[e->n].id = id;
	e->v[e->n].user = user;
	e->n++;
	return CD_OK;
}

struct u64vec {
	uint64_t *v;
	size_t n, cap;
};

static enum cd_result u64_push(struct u64vec *e, uint64_t x)
{
	if (e->n == e->cap) {
		size_t nc = e->cap ? e->cap * 2 : 4096;
		uint64_t *nv = realloc(e->v, nc * sizeof(*nv));
		if (!nv)
			return CD_NOMEM;
		mem_advise_huge(nv, nc * sizeof(*nv));
		e->v = nv;
		e->cap = nc;
	}
	e->v[e->n++] = x;
	return CD_OK;
}

/* LSD radix sort, 16 bits a pass; skips passes where every key has the same digit. */
static enum cd_result radix_u64(uint64_t *v, size_t n)
{
	uint64_t *tmp = malloc((n ? n : 1) * sizeof(*tmp));
	size_t *cnt = malloc(65536 * sizeof(*cnt));
	enum cd_result r = CD_OK;
	mem_advise_huge(tmp, n * sizeof(*tmp));
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

struct ctx {
	const struct user_set *users;
	const struct match_opts *opts;
	struct nick_table *nick;
	struct feat *f;
	struct itab t[T_COUNT];
	struct entvec blocks[T_COUNT]; /* (key id, user) for the tables that block */
	struct u64vec cand;            /* (a << 32) | b */
	struct arena *arena, *name_arena, *key_arena; /* one per extraction thread's tables, see match_run */
	struct match_stats *st;
	size_t cap;      /* users per identifier key (e-mail, phone ...) */
	size_t name_cap; /* users per name key, and name pairs per one-edit name pair */
};

static enum cd_result put_buf(struct ctx *c, int t, const struct buf *b, uint32_t *id)
{
	*id = NONE;
	if (b->len == 0)
		return CD_OK;
	return itab_put(&c->t[t], buf_str(b), b->len, id);
}

/* Extraction runs in two threads over disjoint sets of tables (names, job attributes and the
 * name-in-team keys in extract_names, extract_job and team_keys; addresses, handles, phones
 * and directory id in extract_ids), each with its own buffers; the tables, their arenas and
 * the block lists of one set are only ever touched by one thread, and each writes its own
 * members of struct feat. */
/* Runs f0(a0) in a second thread and f1(a1) in this one; both here, in order, when no thread
 * can be had. The two must share nothing they write. */
static void run2(void *(*f0)(void *), void *a0, void *(*f1)(void *), void *a1)
{
	pthread_t th;
	int threaded = pthread_create(&th, NULL, f0, a0) == 0;
	if (!threaded)
		f0(a0);
	f1(a1);
	if (threaded)
		pthread_join(th, NULL);
}

/* Raw names repeat (a million users carry ~25,000 distinct first names): each distinct raw
 * value is normalised and interned once, and a first name's nickname groups looked up once. */
struct name_memo {
	struct itab raw;  /* raw values, borrowed from the users */
	uint32_t *id;     /* raw id -> id in the normalised table (NONE: normalises to "") */
	size_t n, cap;
};

static void memo_release(struct name_memo *m)
{
	itab_release(&m->raw);
	free(m->id);
	memset(m, 0, sizeof(*m));
}

/* The normalised (norm_compact) table-t id of raw, or NONE for a name that normalises to "". */
static enum cd_result memo_name(struct ctx *c, struct name_memo *m, int t, const char *raw,
				struct buf *scratch, uint32_t *id)
{
	uint32_t rid;
	enum cd_result r = itab_put(&m->raw, raw, strlen(raw), &rid);
	if (r != CD_OK)
		return r;
	if (rid < m->n) {
		*id = m->id[rid];
		return CD_OK;
	}
	if (m->n == m->cap) {
		size_t nc = m->cap ? m->cap * 2 : 1024;
		uint32_t *nv = realloc(m->id, nc * sizeof(*nv));
		if (!nv)
			return CD_NOMEM;
		m->id = nv;
		m->cap = nc;
	}
	buf_reset(scratch);
	if ((r = norm_compact(raw, scratch)) != CD_OK || (r = put_buf(c, t, scratch, id)) != CD_OK)
		return r;
	m->id[m->n++] = *id;
	return CD_OK;
}

struct worker {
	struct ctx *c;
	struct buf b1, b2;
	struct name_memo first, last;
	struct itab sec;  /* security profiles (borrowed), for the role keys */
	/* Puts into the large tables are made for a batch of users at a time: first every key
	 * and its hash, with the key's slot prefetched, then the puts in the same order (so the
	 * ids are those of putting them one by one). A lookup in a table of a million values is
	 * a cache miss; this way a batch's misses overlap instead of following each other. */
	struct pend *pv;
	size_t pn, pcap;
	char *kb;         /* the keys of pv that their table copies */
	size_t kn, kcap;
	uint8_t *nng;     /* nickname groups of first-name id (at most 4); 0xFF: not looked up */
	uint32_t *ng;     /* ... the groups, 4 per first-name id */
	size_t ngcap;
	enum cd_result r;
};

static void worker_release(struct worker *w)
{
	buf_release(&w->b1);
	buf_release(&w->b2);
	memo_release(&w->first);
	memo_release(&w->last);
	itab_release(&w->sec);
	free(w->pv);
	free(w->kb);
	free(w->nng);
	free(w->ng);
}

struct pend {
	struct itab *t;
	const char *s;    /* the key, for a table that borrows its strings; else NULL and ... */
	size_t off, len;  /* ... the key is at w->kb + off */
	uint64_t h;
	uint32_t *id;
};

#define BATCH 32 /* users per batch of puts: a few hundred slots in flight fit in L1/L2 */

/* Queues the put of s (len > 0 bytes) into t, *id to receive its id at pend_flush. */
static enum cd_result pend_put(struct worker *w, struct itab *t, const char *s, size_t len, uint32_t *id)
{
	if (w->pn == w->pcap) {
		size_t nc = w->pcap ? w->pcap * 2 : 512;
		struct pend *nv = realloc(w->pv, nc * sizeof(*nv));
		if (!nv)
			return CD_NOMEM;
		w->pv = nv;
		w->pcap = nc;
	}
	struct pend *p = &w->pv[w->pn];
	p->t = t;
	p->len = len;
	p->id = id;
	p->h = itab_hash(s, len);
	p->s = t->arena ? NULL : s;
	if (t->arena) {
		if (w->kn + len > w->kcap) {
			size_t nc = w->kcap ? w->kcap : 1 << 16;
			while (nc < w->kn + len)
				nc *= 2;
			char *nk = realloc(w->kb, nc);
			if (!nk)
				return CD_NOMEM;
			w->kb = nk;
			w->kcap = nc;
		}
		memcpy(w->kb + w->kn, s, len);
		p->off = w->kn;
		w->kn += len;
	}
	if (t->nslots)
		__builtin_prefetch(&t->slots[p->h & (t->nslots - 1)]);
	w->pn++;
	return CD_OK;
}

/* Queues the put of key into key table t (its key in h). */
static enum cd_result pend_key(struct worker *w, struct itab *t, uint64_t key, uint32_t *id)
{
	if (w->pn == w->pcap) {
		size_t nc = w->pcap ? w->pcap * 2 : 512;
		struct pend *nv = realloc(w->pv, nc * sizeof(*nv));
		if (!nv)
			return CD_NOMEM;
		w->pv = nv;
		w->pcap = nc;
	}
	struct pend *p = &w->pv[w->pn++];
	p->t = t;
	p->s = NULL;
	p->off = p->len = 0;
	p->h = key;
	p->id = id;
	if (t->nslots)
		__builtin_prefetch(&t->slots[2 * (key_hash(key) & (t->nslots - 1))]);
	return CD_OK;
}

/* The strings a hit compares with: where a key's first slot (prefetched when it was queued)
 * carries its hash's tag, the value's string pointer, then the string itself, are fetched
 * for the whole batch before the puts; each pass reads what the previous one brought in. */
static void pend_prefetch_strings(struct worker *w)
{
	for (int pass = 0; pass < 2; pass++)
		for (size_t k = 0; k < w->pn; k++) {
			const struct pend *p = &w->pv[k];
			const struct itab *t = p->t;
			if (t->keyed || !t->nslots)
				continue;
			uint64_t sl = t->slots[p->h & (t->nslots - 1)];
			if (!sl || (sl & 0xFFFFFFFF00000000ULL) != (p->h & 0xFFFFFFFF00000000ULL))
				continue;
			size_t i = (size_t)(sl & 0xFFFFFFFF) - 1;
			if (pass == 0)
				__builtin_prefetch(&t->str[i]);
			else
				__builtin_prefetch(t->str[i]);
		}
}

static enum cd_result pend_flush(struct worker *w)
{
	enum cd_result r = CD_OK;
	pend_prefetch_strings(w);
	for (size_t k = 0; k < w->pn && r == CD_OK; k++) {
		const struct pend *p = &w->pv[k];
		r = p->t->keyed ? itab_put_key(p->t, p->h, p->id)
				: itab_put_h(p->t, p->s ? p->s : w->kb + p->off, p->len, p->h, p->id);
	}
	w->pn = w->kn = 0;
	return r;
}

/* The nickname groups of first-name id `first` (normalised form `name`) into *g. */
static enum cd_result first_groups(struct ctx *c, struct worker *w, uint32_t first, const char *name,
				   const uint32_t **g, size_t *ng)
{
	if (first >= w->ngcap) {
		size_t nc = w->ngcap ? w->ngcap : 1024;
		while (nc <= first)
			nc *= 2;
		uint8_t *nn = realloc(w->nng, nc);
		if (!nn)
			return CD_NOMEM;
		w->nng = nn;
		uint32_t *ng2 = realloc(w->ng, nc * 4 * sizeof(*ng2));
		if (!ng2)
			return CD_NOMEM;
		w->ng = ng2;
		memset(w->nng + w->ngcap, 0xFF, nc - w->ngcap);
		w->ngcap = nc;
	}
	if (w->nng[first] == 0xFF) {
		size_t k = nick_groups(c->nick, name, w->ng + 4 * (size_t)first, 4);
		w->nng[first] = (uint8_t)(k < 4 ? k : 4);
	}
	*g = w->ng + 4 * (size_t)first;
	*ng = w->nng[first];
	return CD_OK;
}

/* Writes the decimal digits of v at p; returns how many. */
static size_t put_u32(char *p, uint32_t v)
{
	char d[10];
	size_t n = 0;
	do {
		d[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (size_t k = 0; k < n; k++)
		p[k] = d[n - 1 - k];
	return n;
}

static enum cd_result extract_names(struct ctx *c, struct worker *w, uint32_t i)
{
	const struct user *u = &c->users->v[i];
	struct feat *f = &c->f[i];
	enum cd_result r;
	char tmp[512];

	if ((r = memo_name(c, &w->first, T_FIRST, u->first_name, &w->b1, &f->first)) != CD_OK ||
	    (r = memo_name(c, &w->last, T_LAST, u->last_name, &w->b1, &f->last)) != CD_OK)
		return r;
	const char *a = f->first != NONE ? c->t[T_FIRST].str[f->first] : "";
	const char *b = f->last != NONE ? c->t[T_LAST].str[f->last] : "";
	size_t na = strlen(a), nb = strlen(b);
	if (na + nb > 0 && na + nb + 2 < sizeof(tmp)) {
		const char *fa = a, *lb = b;
		memcpy(tmp, a, na);
		memcpy(tmp + na, b, nb);
		if ((r = pend_put(w, &c->t[T_CNAME], tmp, na + nb, &f->cname)) != CD_OK)
			return r;
		/* either order: "smith\1john" for John Smith and for Smith John */
		if (strcmp(a, b) > 0) {
			const char *t = a;
			size_t tn = na;
			a = b;
			b = t;
			na = nb;
			nb = tn;
		}
		memcpy(tmp, a, na);
		tmp[na] = 1;
		memcpy(tmp + na + 1, b, nb);
		if ((r = pend_put(w, &c->t[T_SWAP], tmp, na + 1 + nb, &f->swap)) != CD_OK)
			return r;
		if (fa[0] && lb[0]) {
			const uint32_t *g;
			size_t ng, nl = strlen(lb);
			if ((r = first_groups(c, w, f->first, fa, &g, &ng)) != CD_OK)
				return r;
			for (size_t k = 0; k < ng; k++) {
				/* group, last name (which was "%u\1%s" and at most 511 bytes) */
				size_t n = put_u32(tmp, g[k]);
				if (n + 1 + nl >= sizeof(tmp))
					continue; /* a last name of ~500 bytes: no nickname key */
				if ((r = pend_key(w, &c->t[T_NICK], key2(g[k], f->last), &f->nick[f->nnick++])) != CD_OK)
					return r;
			}
		}
	}
	return CD_OK;
}

/* The organisation part of a normalised address's domain: the label before the public
 * suffix, where the suffix is the last label or, for country domains written with a second
 * level (co.uk, com.au, com.br, ...), the last two. "support.anycompany.co.uk" -> "anycompany". */
static const char *org_label(const char *addr, size_t *len)
{
	const char *at = strrchr(addr, '@');
	if (!at)
		return NULL;
	const char *d = at + 1, *end = d + strlen(d);
	const char *dots[3] = { NULL, NULL, NULL }; /* the last three dots, latest first */
	for (const char *q = d; q < end; q++)
		if (*q == '.') {
			dots[2] = dots[1];
			dots[1] = dots[0];
			dots[0] = q;
		}
	if (!dots[0])
		return NULL;
	const char *sfx = dots[0]; /* ".uk" */
	size_t tld = (size_t)(end - dots[0] - 1), second = dots[1] ? (size_t)(dots[0] - dots[1] - 1) : 0;
	static const char *const second_levels[] = { "co", "com", "org", "net", "ac", "gov", "ne", "or", "edu" };
	for (size_t k = 0; tld == 2 && dots[1] && k < sizeof(second_levels) / sizeof(second_levels[0]); k++)
		if (strlen(second_levels[k]) == second && memcmp(dots[1] + 1, second_levels[k], second) == 0) {
			sfx = dots[1]; /* ".co.uk" */
			break;
		}
	const char *start = d;
	for (const char *q = sfx - 1; q >= d; q--)
		if (*q == '.') {
			start = q + 1;
			break;
		}
	*len = (size_t)(sfx - start);
	if (!*len)
		return NULL;
	/* Free-mail providers run one namespace per domain (m.jones@yahoo.com and
	 * m.jones@yahoo.co.uk are two people's mailboxes): no organisation there. */
	static const char *const freemail[] = { "yahoo", "hotmail", "outlook", "live", "msn", "gmx",
						 "web", "aol", "mail", "yandex", "icloud", "me",
						 "proton", "protonmail", "zoho", "libero", "orange",
						 "free", "t-online", "wanadoo", "qq", "163", "126",
						 "naver", "rediffmail", "seznam", "wp", "onet", "o2" };
	for (size_t k = 0; k < sizeof(freemail) / sizeof(freemail[0]); k++)
		if (strlen(freemail[k]) == *len && memcmp(freemail[k], start, *len) == 0)
			return NULL;
	return start;
}

static enum cd_result phone_key(struct ctx *c, struct worker *w, const char *raw, uint32_t *id)
{
	char p[64];
	*id = NONE;
	size_t digits = norm_phone(raw, p, sizeof(p));
	if (digits < 7)
		return CD_OK;
	/* the last ten digits: "+1 555 010 4477" and "555-010-4477" are one number, and two
	 * numbers that agree on ten trailing digits but not their country code are vanishingly
	 * rare inside one instance */
	const char *d = p[0] == '+' ? p + 1 : p;
	size_t len = strlen(d);
	if (len > 10)
		d += len - 10;
	return pend_put(w, &c->t[T_PHONE], d, strlen(d), id);
}

static enum cd_result extract_ids(struct ctx *c, struct worker *w, uint32_t i)
{
	const struct user *u = &c->users->v[i];
	struct feat *f = &c->f[i];
	enum cd_result r;

	/* addresses: e-mail, secondary e-mail, a username that is an address */
	buf_reset(&w->b1);
	if ((r = norm_email(u->email, &w->b1)) != CD_OK)
		return r;
	if (w->b1.len) {
		const char *e = buf_str(&w->b1);
		if ((r = pend_put(w, &c->t[T_ADDR], e, w->b1.len, &f->email)) != CD_OK)
			return r;
		size_t ln = norm_local_len(e);
		if (ln >= 2 && (r = pend_put(w, &c->t[T_LOCAL], e, ln, &f->l_email)) != CD_OK)
			return r;
		size_t lo;
		const char *o = org_label(e, &lo);
		if (o && (r = itab_put(&c->t[T_ORG], o, lo, &f->org)) != CD_OK)
			return r;
	}
	buf_reset(&w->b1);
	if ((r = norm_email(u->secondary_email, &w->b1)) != CD_OK ||
	    (w->b1.len && (r = pend_put(w, &c->t[T_ADDR], buf_str(&w->b1), w->b1.len, &f->sec)) != CD_OK))
		return r;
	buf_reset(&w->b1);
	if ((r = norm_text(u->username, &w->b1)) != CD_OK ||
	    (w->b1.len && (r = pend_put(w, &c->t[T_UNAME], buf_str(&w->b1), w->b1.len, &f->uname)) != CD_OK))
		return r;
	if (w->b1.len) {
		buf_reset(&w->b2);
		if ((r = norm_email(u->username, &w->b2)) != CD_OK)
			return r;
		const char *e = buf_str(&w->b2);
		if (w->b2.len && strchr(e, '@') &&
		    (r = pend_put(w, &c->t[T_ADDR], e, w->b2.len, &f->uaddr)) != CD_OK)
			return r;
		size_t ln = norm_local_len(e);
		if (ln >= 2 && (r = pend_put(w, &c->t[T_LOCAL], e, ln, &f->l_user)) != CD_OK)
			return r;
	}
	if ((r = phone_key(c, w, u->mobile, &f->mobile)) != CD_OK ||
	    (r = phone_key(c, w, u->desk_phone, &f->desk)) != CD_OK)
		return r;
	if (u->directory_user_id[0] &&
	    (r = pend_put(w, &c->t[T_DIR], u->directory_user_id, strlen(u->directory_user_id), &f->dir)) != CD_OK)
		return r;
	return CD_OK;
}

/* The ids thread's block entries of user i, once its batch is put. */
static enum cd_result ids_blocks(struct ctx *c, uint32_t i)
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

/* The job attributes (in the names thread, with the names). */
static enum cd_result extract_job(struct ctx *c, struct worker *w, uint32_t i)
{
	const struct user *u = &c->users->v[i];
	struct feat *f = &c->f[i];
	enum cd_result r;
	/* The joint values are keys of ids (routing profile, group, security profiles); they
	 * were strings joined by \1 of at most 511 bytes, and that limit stays. */
	const size_t lim = 512;
	size_t lr = strlen(u->routing_profile_id), lh = strlen(u->hierarchy_group_id);
	size_t ls = strlen(u->security_profiles);
	uint32_t sec = NONE;


	/* attributes, compared as they are */
	if (lr && (r = itab_put(&c->t[T_ROUTING], u->routing_profile_id, lr, &f->routing)) != CD_OK)
		return r;
	if (lh && (r = itab_put(&c->t[T_HIER], u->hierarchy_group_id, lh, &f->hier)) != CD_OK)
		return r;
	if (ls && (r = itab_put(&w->sec, u->security_profiles, ls, &sec)) != CD_OK)
		return r;
	if (f->routing != NONE && f->hier != NONE && lr + 1 + lh < lim &&
	    (r = itab_put_key(&c->t[T_TEAM], key2(f->routing, f->hier), &f->team)) != CD_OK)
		return r;
	/* The role: routing profile with the security profiles. Kept as joint values so that
	 * their frequency measures how often different people share them: where every agent of
	 * a routing profile has the same security profiles, the role says no more than the
	 * routing profile does. */
	if (f->routing != NONE && sec != NONE) {
		if (lr + 1 + ls < lim &&
		    (r = pend_key(w, &c->t[T_ROLE], key2(f->routing, sec), &f->role)) != CD_OK)
			return r;
		/* the team is there whenever this fits: its key is shorter */
		if (f->hier != NONE && lr + 1 + lh + 1 + ls < lim &&
		    (r = pend_key(w, &c->t[T_TEAMROLE], key2(f->team, sec), &f->teamrole)) != CD_OK)
			return r;
	}
	return CD_OK;
}


/* Name keys within a team: a common name's block is skipped past name_cap (the name is no
 * evidence then), but namesakes in the same team stay few and are still compared. Queued,
 * their ids into tid[0 .. 1 + nnick) (NONE where there is no key). */
static enum cd_result team_keys(struct ctx *c, struct worker *w, uint32_t i, uint32_t *tid)
{
	const struct feat *f = &c->f[i];
	enum cd_result r;
	for (size_t k = 0; k <= f->nnick; k++)
		tid[k] = NONE;
	if (f->team == NONE)
		return CD_OK;
	if (f->swap != NONE && (r = pend_key(w, &c->t[T_SWAPTEAM], key2(f->swap, f->team), &tid[0])) != CD_OK)
		return r;
	for (size_t k = 0; k < f->nnick; k++)
		if ((r = pend_key(w, &c->t[T_NICKTEAM], key2(f->nick[k], f->team), &tid[1 + k])) != CD_OK)
			return r;
	return CD_OK;
}

/* The names thread's block entries of user i, once its batch is put. */
static enum cd_result names_blocks(struct ctx *c, uint32_t i)
{
	const struct feat *f = &c->f[i];
	enum cd_result r;
	if ((r = ent_push(&c->blocks[T_SWAP], f->swap, i)) != CD_OK)
		return r;
	for (size_t k = 0; k < f->nnick; k++)
		if ((r = ent_push(&c->blocks[T_NICK], f->nick[k], i)) != CD_OK)
			return r;
	return CD_OK;
}

static void *names_thread(void *arg)
{
	struct worker *w = arg;
	w->r = CD_OK;
	size_t n = w->c->users->n;
	uint32_t tid[5 * BATCH]; /* name-in-team ids of the batch, 1 + 4 nicknames a user */
	for (size_t lo = 0; lo < n && w->r == CD_OK; lo += BATCH) {
		size_t hi = lo + BATCH < n ? lo + BATCH : n;
		for (size_t i = lo; i < hi && w->r == CD_OK; i++)
			if ((w->r = extract_names(w->c, w, (uint32_t)i)) == CD_OK)
				w->r = extract_job(w->c, w, (uint32_t)i);
		if (w->r == CD_OK)
			w->r = pend_flush(w);
		for (size_t i = lo; i < hi && w->r == CD_OK; i++)
			if ((w->r = names_blocks(w->c, (uint32_t)i)) == CD_OK)
				w->r = team_keys(w->c, w, (uint32_t)i, tid + 5 * (i - lo));
		if (w->r == CD_OK)
			w->r = pend_flush(w);
		for (size_t i = lo; i < hi && w->r == CD_OK; i++) {
			const uint32_t *ti = tid + 5 * (i - lo);
			w->r = ent_push(&w->c->blocks[T_SWAPTEAM], ti[0], (uint32_t)i);
			for (size_t k = 0; k < w->c->f[i].nnick && w->r == CD_OK; k++)
				w->r = ent_push(&w->c->blocks[T_NICKTEAM], ti[1 + k], (uint32_t)i);
		}
	}
	return NULL;
}

static void *ids_thread(void *arg)
{
	struct worker *w = arg;
	w->r = CD_OK;
	size_t n = w->c->users->n;
	for (size_t lo = 0; lo < n && w->r == CD_OK; lo += BATCH) {
		size_t hi = lo + BATCH < n ? lo + BATCH : n;
		for (size_t i = lo; i < hi && w->r == CD_OK; i++)
			w->r = extract_ids(w->c, w, (uint32_t)i);
		if (w->r == CD_OK)
			w->r = pend_flush(w);
		for (size_t i = lo; i < hi && w->r == CD_OK; i++)
			w->r = ids_blocks(w->c, (uint32_t)i);
	}
	return NULL;
}

/* Fills c->f and the tables: names in a second thread while this one does the rest (on two
 * cores interning is most of the work, and the two sets of tables share nothing). */
static enum cd_result extract_all(struct ctx *c)
{
	struct worker wn, wi;
	enum cd_result r = CD_OK;
	size_t n = c->users->n;
	memset(c->f, 0xFF, n * sizeof(*c->f)); /* every id NONE */
	for (size_t i = 0; i < n; i++)
		c->f[i].nnick = 0;
	memset(&wn, 0, sizeof(wn));
	memset(&wi, 0, sizeof(wi));
	wn.c = wi.c = c;
	buf_init(&wn.b1, 1 << 16);
	buf_init(&wn.b2, 1 << 16);
	buf_init(&wi.b1, 1 << 16);
	buf_init(&wi.b2, 1 << 16);
	run2(names_thread, &wn, ids_thread, &wi);
	if ((r = wn.r) == CD_OK)
		r = wi.r;
	worker_release(&wn);
	worker_release(&wi);
	return r;
}

/* Counts users per value (a user counts once per value even when two fields hold it). */
static void count_values(struct ctx *c)
{
	size_t n = c->users->n;
	for (size_t i = 0; i < n; i++) {
		const struct feat *f = &c->f[i];
#define BUMP(tb, x) do { if ((x) != NONE) c->t[tb].count[x]++; } while (0)
		BUMP(T_FIRST, f->first);
		BUMP(T_LAST, f->last);
		BUMP(T_CNAME, f->cname);
		BUMP(T_SWAP, f->swap);
		BUMP(T_ADDR, f->email);
		if (f->sec != f->email)
			BUMP(T_ADDR, f->sec);
		if (f->uaddr != f->email && f->uaddr != f->sec)
			BUMP(T_ADDR, f->uaddr);
		BUMP(T_UNAME, f->uname);
		BUMP(T_LOCAL, f->l_user);
		if (f->l_email != f->l_user)
			BUMP(T_LOCAL, f->l_email);
		BUMP(T_PHONE, f->mobile);
		if (f->desk != f->mobile)
			BUMP(T_PHONE, f->desk);
		BUMP(T_ROUTING, f->routing);
		BUMP(T_HIER, f->hier);
		BUMP(T_TEAM, f->team);
		BUMP(T_ROLE, f->role);
		BUMP(T_TEAMROLE, f->teamrole);
		BUMP(T_DIR, f->dir);
#undef BUMP
	}
}

static enum cd_result add_cand(struct ctx *c, uint32_t a, uint32_t b)
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

static void note_capped(struct ctx *c, int t, uint32_t id, size_t k)
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
static enum cd_result block_pairs(struct ctx *c, int t)
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
	mem_advise_huge(start, (nid + 1) * sizeof(*start));
	mem_advise_huge(users, e->n * sizeof(*users));
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
			note_capped(c, t, (uint32_t)k, m);
			continue;
		}
		for (size_t x = lo; x < w && r == CD_OK; x++)
			for (size_t y = x + 1; y < w && r == CD_OK; y++)
				r = add_cand(c, users[x], users[y]);
	}
out:
	free(start);
	free(users);
	free(e->v);
	memset(e, 0, sizeof(*e));
	return r;
}

/* One-edit name pairs. Every distinct compact name of 5+ code points gives n + 1 deletion keys
 * (a million users: 15 million). They are grouped in place: one American-flag pass on the
 * top TYPO_BITS bits puts each key in its partition, then each partition (a few thousand keys,
 * in cache) is sorted by (key, name id) by one of two threads. Equal keys then form runs with
 * their names in id order, exactly as a full stable sort would give them; each thread collects
 * its own confirmed name pairs and the union is sorted, so thread timing changes nothing. */
#define TYPO_BITS 12
#define TYPO_PARTS ((size_t)1 << TYPO_BITS)
#define TYPO_RUN_MAX 256 /* a deletion key shared by more names is a common stem: no pairs */

/* Names of at least TYPO2_MIN code points also get two-deletion keys in `thorough` (two edits
 * in a shorter name make another name; scoring credits OSA 2 from that length too). */
#define TYPO2_MIN 9

struct typo {
	const struct itab *t;
	int two;         /* thorough: names of TYPO2_MIN+ code points within two edits too */
	uint32_t *cp;    /* code points of all names, name id's from cpoff[id] to cpoff[id + 1] */
	size_t *cpoff;   /* t->n + 1 */
	size_t *koff;    /* first deletion key of each name, t->n + 1 */
	uint64_t *key;   /* koff[t->n] deletion keys ... */
	uint32_t *kid;   /* ... and the name each belongs to */
	size_t *part;    /* TYPO_PARTS + 1 partition starts */
};

struct typo_worker {
	struct typo *ty;
	size_t lo, hi;        /* names (keys pass), then partitions (pairs pass) */
	struct u64vec pairs;  /* confirmed (name a << 32) | name b, a < b */
	enum cd_result r;
};

static void *typo_keys_thread(void *arg)
{
	struct typo_worker *w = arg;
	struct typo *ty = w->ty;
	for (size_t id = w->lo; id < w->hi; id++) {
		size_t n = ty->cpoff[id + 1] - ty->cpoff[id];
		if (n < 5)
			continue; /* a one-letter change in a four-letter name is another name */
		size_t k0 = ty->koff[id];
		size_t nk = ty->two && n >= TYPO2_MIN ? fuzzy_deletion_keys2(ty->cp + ty->cpoff[id], n, ty->key + k0)
						      : fuzzy_deletion_keys(ty->cp + ty->cpoff[id], n, ty->key + k0);
		for (size_t k = 0; k < nk; k++)
			ty->kid[k0 + k] = (uint32_t)id;
	}
	return NULL;
}

static int typo_less(uint64_t ka, uint32_t ia, uint64_t kb, uint32_t ib)
{
	return ka < kb || (ka == kb && ia < ib);
}

/* Sorts (k[i], id[i]) by key, then id: quicksort, insertion sort for short ranges, recursing
 * into the smaller side so the stack stays O(log n). */
static void typo_sort(uint64_t *k, uint32_t *id, size_t n)
{
	while (n > 16) {
		size_t m = n / 2, l = n - 1;
		/* median of three into k[0] as the pivot */
		if (typo_less(k[m], id[m], k[0], id[0])) {
			uint64_t tk = k[m]; k[m] = k[0]; k[0] = tk;
			uint32_t ti = id[m]; id[m] = id[0]; id[0] = ti;
		}
		if (typo_less(k[l], id[l], k[m], id[m])) {
			uint64_t tk = k[l]; k[l] = k[m]; k[m] = tk;
			uint32_t ti = id[l]; id[l] = id[m]; id[m] = ti;
			if (typo_less(k[m], id[m], k[0], id[0])) {
				tk = k[m]; k[m] = k[0]; k[0] = tk;
				ti = id[m]; id[m] = id[0]; id[0] = ti;
			}
		}
		uint64_t pk = k[m];
		uint32_t pi = id[m];
		size_t i = 0, j = n - 1;
		for (;;) {
			while (typo_less(k[i], id[i], pk, pi))
				i++;
			while (typo_less(pk, pi, k[j], id[j]))
				j--;
			if (i >= j)
				break;
			uint64_t tk = k[i]; k[i] = k[j]; k[j] = tk;
			uint32_t ti = id[i]; id[i] = id[j]; id[j] = ti;
			i++;
			j--;
		}
		/* [0, j] <= pivot <= [j + 1, n) */
		size_t left = j + 1;
		if (left < n - left) {
			typo_sort(k, id, left);
			k += left;
			id += left;
			n -= left;
		} else {
			typo_sort(k + left, id + left, n - left);
			n = left;
		}
	}
	for (size_t i = 1; i < n; i++) {
		uint64_t tk = k[i];
		uint32_t ti = id[i];
		size_t j = i;
		for (; j > 0 && typo_less(tk, ti, k[j - 1], id[j - 1]); j--) {
			k[j] = k[j - 1];
			id[j] = id[j - 1];
		}
		k[j] = tk;
		id[j] = ti;
	}
}

static void *typo_pairs_thread(void *arg)
{
	struct typo_worker *w = arg;
	struct typo *ty = w->ty;
	w->r = CD_OK;
	for (size_t p = w->lo; p < w->hi && w->r == CD_OK; p++) {
		uint64_t *key = ty->key;
		uint32_t *kid = ty->kid;
		size_t plo = ty->part[p], phi = ty->part[p + 1];
		typo_sort(key + plo, kid + plo, phi - plo);
		/* runs of one key: distinct names in the run are candidates */
		for (size_t lo = plo; lo < phi && w->r == CD_OK;) {
			size_t hi = lo + 1;
			while (hi < phi && key[hi] == key[lo])
				hi++;
			if (hi - lo >= 2 && hi - lo <= TYPO_RUN_MAX) {
				for (size_t x = lo; x < hi && w->r == CD_OK; x++)
					for (size_t y = x + 1; y < hi && w->r == CD_OK; y++) {
						uint32_t a = kid[x], b = kid[y];
						if (a == b)
							continue;
						const uint32_t *ca = ty->cp + ty->cpoff[a], *cb = ty->cp + ty->cpoff[b];
						size_t na = ty->cpoff[a + 1] - ty->cpoff[a];
						size_t nb = ty->cpoff[b + 1] - ty->cpoff[b];
						int bound = ty->two && na >= TYPO2_MIN && nb >= TYPO2_MIN ? 2 : 1;
						if (fuzzy_osa(ca, na, cb, nb, bound) > bound)
							continue;
						if (a > b) {
							uint32_t s = a;
							a = b;
							b = s;
						}
						w->r = u64_push(&w->pairs, ((uint64_t)a << 32) | b);
					}
			}
			lo = hi;
		}
	}
	return NULL;
}

/* Fills ty->cp/cpoff/koff (one pass: decoding is cheap), then the keys in two threads, then
 * partitions them in place. */
static enum cd_result typo_keys(struct typo *ty)
{
	const struct itab *t = ty->t;
	size_t cpcap = 0;
	uint32_t cp[FUZZY_MAX];
	if (!(ty->cpoff = malloc((t->n + 1) * sizeof(*ty->cpoff))) ||
	    !(ty->koff = malloc((t->n + 1) * sizeof(*ty->koff))) ||
	    !(ty->part = calloc(TYPO_PARTS + 1, sizeof(*ty->part))))
		return CD_NOMEM;
	ty->cpoff[0] = ty->koff[0] = 0;
	for (size_t id = 0; id < t->n; id++) {
		size_t n = norm_codepoints(t->str[id], cp, FUZZY_MAX), at = ty->cpoff[id];
		if (at + n > cpcap) {
			size_t nc = cpcap ? cpcap * 2 : 1 << 20;
			while (nc < at + n)
				nc *= 2;
			uint32_t *nv = realloc(ty->cp, nc * sizeof(*nv));
			if (!nv)
				return CD_NOMEM;
			mem_advise_huge(nv, nc * sizeof(*nv));
			ty->cp = nv;
			cpcap = nc;
		}
		memcpy(ty->cp + at, cp, n * sizeof(*cp));
		ty->cpoff[id + 1] = at + n;
		size_t n2 = n < FUZZY2_MAX ? n : FUZZY2_MAX;
		ty->koff[id + 1] = ty->koff[id] + (ty->two && n >= TYPO2_MIN ? FUZZY2_KEYS(n2) : n >= 5 ? n + 1 : 0);
	}
	size_t nkey = ty->koff[t->n];
	ty->key = malloc((nkey ? nkey : 1) * sizeof(*ty->key));
	ty->kid = malloc((nkey ? nkey : 1) * sizeof(*ty->kid));
	if (!ty->key || !ty->kid)
		return CD_NOMEM;
	mem_advise_huge(ty->key, nkey * sizeof(*ty->key));
	mem_advise_huge(ty->kid, nkey * sizeof(*ty->kid));
	/* two halves of the keys (not of the names) */
	size_t mid = 0;
	while (mid < t->n && ty->koff[mid] < nkey / 2)
		mid++;
	struct typo_worker w[2] = { { .ty = ty, .lo = 0, .hi = mid }, { .ty = ty, .lo = mid, .hi = t->n } };
	run2(typo_keys_thread, &w[0], typo_keys_thread, &w[1]);

	/* American flag: counts, starts, then each key swapped along until it lands home */
	size_t *next = malloc(TYPO_PARTS * sizeof(*next));
	if (!next)
		return CD_NOMEM;
	for (size_t i = 0; i < nkey; i++)
		ty->part[(ty->key[i] >> (64 - TYPO_BITS)) + 1]++;
	for (size_t p = 0; p < TYPO_PARTS; p++) {
		ty->part[p + 1] += ty->part[p];
		next[p] = ty->part[p];
	}
	for (size_t p = 0; p < TYPO_PARTS; p++) {
		while (next[p] < ty->part[p + 1]) {
			uint64_t k = ty->key[next[p]];
			uint32_t id = ty->kid[next[p]];
			size_t d = (size_t)(k >> (64 - TYPO_BITS));
			while (d != p) {
				size_t at = next[d]++;
				uint64_t tk = ty->key[at];
				uint32_t ti = ty->kid[at];
				ty->key[at] = k;
				ty->kid[at] = id;
				k = tk;
				id = ti;
				d = (size_t)(k >> (64 - TYPO_BITS));
			}
			ty->key[next[p]] = k;
			ty->kid[next[p]] = id;
			next[p]++;
		}
	}
	free(next);
	return CD_OK;
}

/* Compact full names within one edit: deletion keys of every distinct name, grouped by key,
 * confirmed with OSA, then expanded to the users carrying each name. */
static enum cd_result typo_pairs(struct ctx *c)
{
	struct itab *t = &c->t[T_CNAME];
	enum cd_result r = CD_OK;
	struct typo ty = { .t = t, .two = c->opts->mode == MATCH_THOROUGH };
	struct typo_worker w[2];
	struct u64vec npairs = { 0 };
	uint32_t *start = NULL, *users = NULL;
	memset(w, 0, sizeof(w));
	if ((r = typo_keys(&ty)) != CD_OK)
		goto out;
	/* two halves of the keys, by partition */
	size_t nkey = ty.koff[t->n], mid = 0;
	while (mid < TYPO_PARTS && ty.part[mid] < nkey / 2)
		mid++;
	w[0].ty = w[1].ty = &ty;
	w[0].hi = w[1].lo = mid;
	w[1].hi = TYPO_PARTS;
	run2(typo_pairs_thread, &w[0], typo_pairs_thread, &w[1]);
	if ((r = w[0].r) != CD_OK || (r = w[1].r) != CD_OK)
		goto out;
	/* the keys are done with: free them before the users' arrays are made */
	free(ty.key);
	free(ty.kid);
	free(ty.cp);
	ty.key = NULL;
	ty.kid = NULL;
	ty.cp = NULL;
	npairs = w[0].pairs;
	memset(&w[0].pairs, 0, sizeof(w[0].pairs));
	for (size_t i = 0; i < w[1].pairs.n && r == CD_OK; i++)
		r = u64_push(&npairs, w[1].pairs.v[i]);
	if (r != CD_OK || (r = radix_u64(npairs.v, npairs.n)) != CD_OK)
		goto out;
	/* users by name id */
	start = calloc(t->n + 1, sizeof(*start));
	users = malloc((c->users->n ? c->users->n : 1) * sizeof(*users));
	if (!start || !users) {
		r = CD_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < c->users->n; i++)
		if (c->f[i].cname != NONE)
			start[c->f[i].cname + 1]++;
	for (size_t k = 0; k < t->n; k++)
		start[k + 1] += start[k];
	{
		uint32_t *fill = malloc((t->n + 1) * sizeof(*fill));
		if (!fill) {
			r = CD_NOMEM;
			goto out;
		}
		memcpy(fill, start, (t->n + 1) * sizeof(*fill));
		for (size_t i = 0; i < c->users->n; i++)
			if (c->f[i].cname != NONE)
				users[fill[c->f[i].cname]++] = (uint32_t)i;
		free(fill);
	}
	for (size_t p = 0; p < npairs.n && r == CD_OK; p++) {
		if (p > 0 && npairs.v[p] == npairs.v[p - 1])
			continue;
		uint32_t a = (uint32_t)(npairs.v[p] >> 32), b = (uint32_t)npairs.v[p];
		size_t na = start[a + 1] - start[a], nb = start[b + 1] - start[b];
		if (na * nb > c->name_cap) {
			note_capped(c, T_CNAME, na > nb ? a : b, na > nb ? na : nb);
			continue;
		}
		for (size_t x = start[a]; x < start[a + 1] && r == CD_OK; x++)
			for (size_t y = start[b]; y < start[b + 1] && r == CD_OK; y++)
				r = add_cand(c, users[x], users[y]);
	}
out:
	free(ty.cp);
	free(ty.cpoff);
	free(ty.koff);
	free(ty.key);
	free(ty.kid);
	free(ty.part);
	free(w[0].pairs.v);
	free(w[1].pairs.v);
	free(npairs.v);
	free(start);
	free(users);
	return r;
}

/* ---------------------------------------------------------------- scoring */

static double rarity(uint32_t count)
{
	return count > 2 ? RARITY_BITS * log2((double)count - 1.0) : 0.0;
}

/* Expected number of other users who would carry this full name by chance, from the
 * frequencies of its parts (independence, as Fellegi-Sunter term frequencies) but never below
 * what the instance shows (c - 2 others beyond the pair). The frequencies are smoothed towards
 * a typical name's (NAME_PRIOR_USERS pseudo-users): in a 12-user instance every name is
 * "1 in 12", which says nothing about how common it is among people. */
#define NAME_PRIOR_USERS 1000.0
#define NAME_PRIOR_FIRST (1.0 / 500)   /* a typical given name's share of people */
#define NAME_PRIOR_LAST (1.0 / 2000)   /* a typical family name's share */
static double name_bits(const struct ctx *c, uint32_t fc, uint32_t lc, uint32_t cname_count)
{
	double n = (double)c->users->n, d = n + NAME_PRIOR_USERS;
	double ff = fc ? ((double)fc + NAME_PRIOR_USERS * NAME_PRIOR_FIRST) / d : 1.0;
	double fl = lc ? ((double)lc + NAME_PRIOR_USERS * NAME_PRIOR_LAST) / d : 1.0;
	double e = (n - 1.0) * ff * fl;
	if (cname_count > 2 && e < (double)cname_count - 2.0)
		e = (double)cname_count - 2.0;
	if (e < 1e-9)
		e = 1e-9;
	double w = log2(M_NAME / e);
	if (w > W_NAME_MAX)
		w = W_NAME_MAX;
	if (w < W_NAME_MIN)
		w = W_NAME_MIN;
	return w;
}

/* Length of the first UTF-8 sequence of a non-empty, valid string. */
static size_t utf8_len1(const char *s)
{
	unsigned char c = (unsigned char)s[0];
	size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
	for (size_t i = 1; i < n; i++)
		if (!s[i])
			return i;
	return n;
}

static uint32_t cnt(const struct ctx *c, int t, uint32_t id)
{
	return id == NONE ? 0 : c->t[t].count[id];
}

static uint32_t maxu(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

static uint32_t minu(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

static void add_ev(struct match_pair *p, enum match_kind k, double w)
{
	if (p->nev < MATCH_MAX_EVIDENCE) {
		p->ev[p->nev].kind = (uint8_t)k;
		p->ev[p->nev].weight = (float)w;
		p->nev++;
	}
	p->score += (float)w;
}

static int same(uint32_t x, uint32_t y)
{
	return x != NONE && x == y;
}

/* True when one of two normalised name parts is a single letter (an initial, its dot already
 * gone) and the other starts with it. */
#define INITIAL_SHARE 15
#define ESTABLISHED_RATIO 20
static int initial_of(const char *x, const char *y)
{
	if (!x[0] || !y[0])
		return 0;
	size_t lx = utf8_len1(x), ly = utf8_len1(y);
	if (x[lx] && y[ly])
		return 0; /* neither is an initial */
	/* only alphabets have initials: one Han or Hangul character is a whole given name
	 * (伟 of 王伟), and two bytes of UTF-8 reach U+07FF (Latin, Greek, Cyrillic ...) */
	if ((x[lx] == 0 && lx > 2) || (y[ly] == 0 && ly > 2))
		return 0;
	if (x[lx] == 0 && y[ly] == 0)
		return 0; /* both are: equal ones were matched as equal names */
	return lx == ly && memcmp(x, y, lx) == 0;
}

/* True when two full names differ only by German umlauts written out in one of them
 * ("Müller" / "Mueller"); the stripped forms compared elsewhere miss it ("muller"). */
static int umlaut_variants(const struct user *x, const struct user *y)
{
	/* every umlaut starts with byte C3 (precomposed) or CC (combining diaeresis): most
	 * pairs end at this cheap test, and a false hit only costs the comparison below */
	const char *const parts[] = { x->first_name, x->last_name, y->first_name, y->last_name };
	int any = 0;
	for (size_t i = 0; i < 4 && !any; i++)
		any = strpbrk(parts[i], "\xC3\xCC") != NULL;
	if (!any)
		return 0;
	struct buf bx = BUF_INIT(4096), by = BUF_INIT(4096);
	int h, same_name = 0;
	if (norm_compact_umlaut(x->first_name, &bx, &h) == CD_OK &&
	    norm_compact_umlaut(x->last_name, &bx, &h) == CD_OK &&
	    norm_compact_umlaut(y->first_name, &by, &h) == CD_OK &&
	    norm_compact_umlaut(y->last_name, &by, &h) == CD_OK)
		same_name = bx.len > 0 && strcmp(buf_str(&bx), buf_str(&by)) == 0;
	buf_release(&bx);
	buf_release(&by);
	return same_name;
}

static void score_names(const struct ctx *c, const struct feat *a, const struct feat *b,
			const struct user *ua, const struct user *ub, struct match_pair *p)
{
	if (a->cname == NONE || b->cname == NONE)
		return;
	const char *fa = a->first != NONE ? c->t[T_FIRST].str[a->first] : "";
	const char *la = a->last != NONE ? c->t[T_LAST].str[a->last] : "";
	const char *fb = b->first != NONE ? c->t[T_FIRST].str[b->first] : "";
	const char *lb = b->last != NONE ? c->t[T_LAST].str[b->last] : "";
	uint32_t cfa = cnt(c, T_FIRST, a->first), cla = cnt(c, T_LAST, a->last);
	uint32_t cfb = cnt(c, T_FIRST, b->first), clb = cnt(c, T_LAST, b->last);
	if (a->cname == b->cname && strcmp(fa, fb) == 0) {
		add_ev(p, MK_NAME, name_bits(c, cfa, cla, cnt(c, T_CNAME, a->cname)));
		return;
	}
	if (a->swap == b->swap && fa[0] && la[0]) {
		/* the same two words in the other order (or split differently: "Mary Ann"/"Lee") */
		/* chance agreement: another user carrying the rarer of the two orientations (the
		 * usual order of a name is common, the swapped one is the surprise) */
		uint32_t o1f = cfa, o1l = cla;                                 /* a's orientation */
		uint32_t o2f = cfb, o2l = clb;                                 /* b's orientation */
		uint32_t xf, xl;
		if ((double)o1f * o1l <= (double)o2f * o2l)
			xf = o1f, xl = o1l;
		else
			xf = o2f, xl = o2l;
		/* the floor counts the users who carry that rarer orientation, not both orders:
		 * "Jensen Bjørn" is rare even where "Bjørn Jensen" is common */
		uint32_t xc = xf == o1f && xl == o1l ? cnt(c, T_CNAME, a->cname) : cnt(c, T_CNAME, b->cname);
		add_ev(p, MK_NAME_SWAPPED, name_bits(c, xf, xl, xc + 1) - 1.0);
		return;
	}
	if (a->cname == b->cname) {
		/* "Mary Ann" + "Lee" vs "Mary" + "Ann Lee": same letters, different split */
		add_ev(p, MK_NAME, name_bits(c, cfa, cla, cnt(c, T_CNAME, a->cname)) - 1.0);
		return;
	}
	if (umlaut_variants(ua, ub)) {
		/* the same name: chance agreement as for the spelling with the umlauts */
		add_ev(p, MK_NAME, name_bits(c, minu(cfa, cfb), minu(cla, clb), 0));
		return;
	}
	int last_eq = la[0] && strcmp(la, lb) == 0, first_eq = fa[0] && strcmp(fa, fb) == 0;
	if (last_eq && fa[0] && fb[0] && nick_related(c->nick, fa, fb)) {
		add_ev(p, MK_NICKNAME, name_bits(c, maxu(cfa, cfb), cla, 0) - 1.0);
		return;
	}
	/* An initial for one part ("M. Martínez", "Noémie P."): consistent, not different. The
	 * chance agreement is anyone with the other part and that initial (about one name in
	 * INITIAL_SHARE starts with a given letter). */
	if ((last_eq && initial_of(fa, fb)) || (first_eq && initial_of(la, lb))) {
		uint32_t n15 = (uint32_t)(c->users->n / INITIAL_SHARE) + 1;
		add_ev(p, MK_NAME_INITIAL, last_eq ? name_bits(c, n15, minu(cla, clb), 0) - 1.0
						   : name_bits(c, minu(cfa, cfb), n15, 0) - 1.0);
		return;
	}
	uint32_t x[FUZZY_MAX], y[FUZZY_MAX];
	size_t nx = norm_codepoints(c->t[T_CNAME].str[a->cname], x, FUZZY_MAX);
	size_t ny = norm_codepoints(c->t[T_CNAME].str[b->cname], y, FUZZY_MAX);
	size_t mn = nx < ny ? nx : ny;
	int d = fuzzy_osa(x, nx, y, ny, 2);
	/* Chance agreement: another person carrying the rarer spelling (a typo's spelling is
	 * rare; two established spellings were ruled out above). */
	double base = name_bits(c, minu(cfa, cfb), minu(cla, clb), 0);
	/* A slip of the keyboard makes a spelling nobody else has. When both spellings of the
	 * differing part are carried by other users too (Jang/Kang, Zheng/Zhang, Marta/María),
	 * they are two real names, and the pair two people, not one typo. */
	if (d >= 1 && (first_eq || last_eq)) {
		uint32_t x1 = first_eq ? cla : cfa, x2 = first_eq ? clb : cfb;
		/* Established: the rarer spelling is carried by two users besides this one and
		 * by at least 1 in ESTABLISHED_RATIO as many as the commoner. A slip that many
		 * people make (Micheal) stays far rarer than the name it misspells; two real
		 * names (Meyer, Meier) are both common. */
		uint32_t lo = x1 < x2 ? x1 : x2, hi = x1 < x2 ? x2 : x1;
		if (lo >= 3 && (double)lo * ESTABLISHED_RATIO >= (double)hi) {
			add_ev(p, MK_NAME_DIFFERENT, W_NAME_PARTIAL);
			return;
		}
	}
	if (d == 1 && mn >= 5) {
		add_ev(p, MK_NAME_TYPO, base - 2.0);
		return;
	}
	if ((d == 2 && mn >= 9) ||
	    ((first_eq || last_eq) && fuzzy_jaro_winkler(x, nx, y, ny) >= 0.92 && mn >= 6)) {
		add_ev(p, MK_NAME_TYPO, base - 4.0);
		return;
	}
	add_ev(p, MK_NAME_DIFFERENT, first_eq || last_eq ? W_NAME_PARTIAL : W_NAME_DIFFERENT);
}

/* The job. A second account is usually set up for the same work, so an agreement is scored by
 * how rare the value is (log2(m / f), f the share of users with it: one routing profile of 66
 * says more than one of 5) and a disagreement counts against (log2((1 - m) / (1 - f)), Fellegi-
 * Sunter's disagreement weight). Routing profile and hierarchy group together name a team, so
 * when both agree they are scored once, with the rarer of the team's and the routing profile's
 * frequency, not as two independent agreements. Values shared so widely that they say nothing
 * (under MIN_JOB_BITS) are left out of the evidence. */
#define MIN_JOB_BITS 0.5
/* log2(m * n / count): the agreement weight of a value count users carry; nothing when the
 * value has no count (a joint key too long to be made), rather than an infinite weight. */
static double job_bits(double m, double n, uint32_t count)
{
	return count ? log2(m * n / (double)count) : 0.0;
}

static void score_job(const struct ctx *c, const struct feat *a, const struct feat *b, struct match_pair *p)
{
	double n = (double)c->users->n;
	double w = 0;
	int k = -1;
	if (same(a->routing, b->routing) && same(a->hier, b->hier)) {
		w = job_bits(M_TEAM, n, cnt(c, T_TEAM, a->team));
		double wr = job_bits(M_ROUTING, n, cnt(c, T_ROUTING, a->routing));
		if (wr > w)
			w = wr;
		if (same(a->teamrole, b->teamrole) &&
		    (wr = job_bits(M_TEAMROLE, n, cnt(c, T_TEAMROLE, a->teamrole))) > w)
			w = wr;
		k = MK_COUNT; /* both */
	} else if (same(a->routing, b->routing)) {
		w = job_bits(M_ROUTING, n, cnt(c, T_ROUTING, a->routing));
		double wr;
		if (same(a->role, b->role) &&
		    (wr = job_bits(M_ROLE, n, cnt(c, T_ROLE, a->role))) > w)
			w = wr;
		k = MK_ROUTING;
	} else if (same(a->hier, b->hier)) {
		w = job_bits(M_TEAM, n, cnt(c, T_HIER, a->hier));
		k = MK_HIERARCHY;
	}
	if (w > W_TEAM_MAX)
		w = W_TEAM_MAX;
	if (k == MK_COUNT && w >= MIN_JOB_BITS) {
		add_ev(p, MK_ROUTING, w / 2);
		add_ev(p, MK_HIERARCHY, w / 2);
	} else if (k >= 0 && w >= MIN_JOB_BITS) {
		add_ev(p, (enum match_kind)k, w);
	}
	if (a->routing != NONE && b->routing != NONE && a->routing != b->routing) {
		/* f: the chance that two different people differ here, 1 - P(equal by chance) */
		double fa = cnt(c, T_ROUTING, a->routing) / n, fb = cnt(c, T_ROUTING, b->routing) / n;
		add_ev(p, MK_ROUTING, log2((1.0 - M_ROUTING) / (1.0 - (fa + fb) / 2)));
	}
	if (a->hier != NONE && b->hier != NONE && a->hier != b->hier) {
		double fa = cnt(c, T_HIER, a->hier) / n, fb = cnt(c, T_HIER, b->hier) / n;
		add_ev(p, MK_HIERARCHY, log2((1.0 - M_TEAM) / (1.0 - (fa + fb) / 2)));
	}
}

static void score_pair(const struct ctx *c, uint32_t ia, uint32_t ib, struct match_pair *p)
{
	size_t org_ev = SIZE_MAX; /* the handle evidence that got the one-organisation weight */
	const struct feat *a = &c->f[ia], *b = &c->f[ib];
	memset(p, 0, sizeof(*p));
	p->a = ia;
	p->b = ib;
	/* identifiers: the strongest agreement only (they are not independent: an equal e-mail
	 * makes equal local parts certain) */
	if (same(a->email, b->email))
		add_ev(p, MK_EMAIL, W_EMAIL - rarity(cnt(c, T_ADDR, a->email)));
	else if (same(a->email, b->sec) || same(a->sec, b->email) || same(a->sec, b->sec))
		add_ev(p, MK_EMAIL_SECONDARY,
		       W_SECONDARY - rarity(same(a->email, b->sec) ? cnt(c, T_ADDR, a->email)
					    : cnt(c, T_ADDR, a->sec)));
	else if (same(a->uaddr, b->email) || same(a->email, b->uaddr) || same(a->uaddr, b->sec) ||
		 same(a->sec, b->uaddr))
		add_ev(p, MK_USERNAME_EMAIL,
		       W_USERNAME_EMAIL - rarity(maxu(cnt(c, T_ADDR, a->uaddr), cnt(c, T_ADDR, b->uaddr))));
	if (same(a->uname, b->uname)) {
		if (p->nev == 0)
			add_ev(p, MK_USERNAME, W_USERNAME - rarity(cnt(c, T_UNAME, a->uname)));
	} else if (p->nev == 0) {
		/* handles: exact local parts first, then letter stems */
		uint32_t hit = NONE;
		int exact = 0;
		if (same(a->l_user, b->l_user) || same(a->l_user, b->l_email))
			hit = a->l_user, exact = 1;
		else if (same(a->l_email, b->l_user) || same(a->l_email, b->l_email))
			hit = a->l_email, exact = 1;
		/* Only identical local parts count. Letter stems ("jsmith2" ~ "jsmith") are what a
		 * mail system hands a second person of the same name, so they say nothing beyond the
		 * names; they still make candidate pairs (blocking) for the other comparisons. */
		if (exact) {
			double w = W_HANDLE_EXACT;
			/* Mail systems give one person one mailbox name across all the domains an
			 * organisation accepts (anycompany.com, anycompany.co.uk,
			 * support.anycompany.com) and a namesake a numbered one, so the same local
			 * part there is one mailbox; at unrelated domains it may be two people's. */
			if (same(a->l_email, b->l_email) && same(a->org, b->org))
				w = W_HANDLE_ORG, hit = a->l_email, org_ev = p->nev;
			add_ev(p, MK_HANDLE, w - rarity(cnt(c, T_LOCAL, hit)));
		}
	}
	if (same(a->dir, b->dir))
		add_ev(p, MK_DIRECTORY, W_DIRECTORY - rarity(cnt(c, T_DIR, a->dir)));
	{
		uint32_t ph = NONE;
		if (same(a->mobile, b->mobile) || same(a->mobile, b->desk))
			ph = a->mobile;
		else if (same(a->desk, b->mobile) || same(a->desk, b->desk))
			ph = a->desk;
		if (ph != NONE)
			add_ev(p, MK_PHONE, W_PHONE - rarity(cnt(c, T_PHONE, ph)));
	}
	score_names(c, a, b, &c->users->v[ia], &c->users->v[ib], p);
	/* One mailbox is one person: when the names say two people (Mark / Mary Jones), the
	 * mailbox name is just a common pattern, worth no more than at unrelated domains. */
	if (org_ev < p->nev && p->nev && p->ev[p->nev - 1].kind == MK_NAME_DIFFERENT) {
		p->ev[org_ev].weight -= (float)(W_HANDLE_ORG - W_HANDLE_EXACT);
		p->score -= (float)(W_HANDLE_ORG - W_HANDLE_EXACT);
	}
	score_job(c, a, b, p);
	p->confidence = (float)match_confidence(p->score);
}

/* ---------------------------------------------------------------- public */

void match_opts_init(struct match_opts *o, enum match_mode mode)
{
	o->mode = mode;
	o->threshold = MATCH_DEFAULT_THRESHOLD;
	o->possible = mode == MATCH_THOROUGH ? 0.2 : MATCH_DEFAULT_POSSIBLE;
	o->block_cap = mode == MATCH_THOROUGH ? 4 * MATCH_DEFAULT_BLOCK_CAP : MATCH_DEFAULT_BLOCK_CAP;
	o->name_block_cap = mode == MATCH_THOROUGH ? 4 * MATCH_DEFAULT_NAME_BLOCK_CAP :
						     MATCH_DEFAULT_NAME_BLOCK_CAP;
}

enum cd_result match_mode_parse(const char *s, enum match_mode *out)
{
	static const char *const names[] = { "classic", "standard", "thorough" };
	for (int i = 0; i < 3; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (enum match_mode)i;
			return CD_OK;
		}
	return CD_USAGE;
}

const char *match_mode_name(enum match_mode m)
{
	return m == MATCH_CLASSIC ? "classic" : m == MATCH_THOROUGH ? "thorough" : "standard";
}

double match_confidence(double score)
{
	return 1.0 / (1.0 + exp2(MATCH_PRIOR_BITS - score));
}

int match_is_duplicate(const struct match_pair *p, const struct match_opts *o)
{
	return p->confidence >= o->threshold;
}

const char *match_kind_name(enum match_kind k)
{
	static const char *const names[MK_COUNT] = {
		"email", "email_secondary", "username", "username_email", "handle", "name",
		"name_swapped", "nickname", "name_typo", "name_initial", "name_different", "phone",
		"directory",
		"routing_profile", "hierarchy_group",
	};
	return (unsigned)k < MK_COUNT ? names[k] : "unknown";
}

void match_result_release(struct match_result *res)
{
	free(res->v);
	res->v = NULL;
	res->n = res->cap = 0;
}

const char *match_stage_name(enum match_stage s)
{
	static const char *const names[MATCH_STAGES] = { "features", "blocks", "one-edit names",
							  "scoring" };
	return (unsigned)s < MATCH_STAGES ? names[s] : "unknown";
}

/* Adds the seconds since *t0 to stage s and restarts the clock. */
static void stage_done(struct match_stats *st, enum match_stage s, struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	st->secs[s] += (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
	*t0 = t1;
}

enum cd_result match_run(const struct user_set *users, const struct match_opts *opts,
			 struct match_result *res, char *err, size_t errlen)
{
	struct timespec t0;
	enum cd_result r = CD_OK;
	struct ctx c;
	memset(&c, 0, sizeof(c));
	memset(res, 0, sizeof(*res));
	if (err && errlen)
		err[0] = 0;
	if (opts->mode == MATCH_CLASSIC || users->n < 2)
		return CD_OK;
	if (users->n >= NONE) {
		snprintf(err, errlen, "too many users for detection (%zu)", users->n);
		return CD_TOOBIG;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	c.users = users;
	c.opts = opts;
	c.st = &res->stats;
	c.cap = opts->block_cap ? opts->block_cap : MATCH_DEFAULT_BLOCK_CAP;
	c.name_cap = opts->name_block_cap ? opts->name_block_cap : MATCH_DEFAULT_NAME_BLOCK_CAP;
	if (!(c.arena = arena_new())) {
		r = CD_NOMEM;
		goto out;
	}
	if (!(c.name_arena = arena_new()) || !(c.key_arena = arena_new())) {
		r = CD_NOMEM;
		goto out;
	}
	/* An arena is filled by one thread only. The ids thread's tables (addresses, handles,
	 * phones) use c.arena; the names thread's names use name_arena, which scoring keeps, and
	 * its other keys (job attributes, nicknames, names in team) key_arena, which goes with
	 * c.arena after blocking. */
	for (int t = 0; t < T_COUNT; t++)
		c.t[t].arena = c.key_arena;
	c.t[T_ADDR].arena = c.t[T_UNAME].arena = c.t[T_LOCAL].arena = c.t[T_ORG].arena =
		c.t[T_PHONE].arena = c.arena;
	c.t[T_FIRST].arena = c.t[T_LAST].arena = c.t[T_CNAME].arena = c.t[T_SWAP].arena =
		c.name_arena;
	c.t[T_NICK].keyed = c.t[T_TEAM].keyed = c.t[T_ROLE].keyed = c.t[T_TEAMROLE].keyed =
		c.t[T_SWAPTEAM].keyed = c.t[T_NICKTEAM].keyed = 1;
	/* keys that are a user's value as it is: the table borrows the users' strings */
	c.t[T_ROUTING].arena = c.t[T_HIER].arena = c.t[T_DIR].arena = NULL;
	if ((r = nick_table_new(&c.nick, err, errlen)) != CD_OK)
		goto out;
	if (!(c.f = malloc(users->n * sizeof(*c.f)))) {
		r = CD_NOMEM;
		goto out;
	}
	mem_advise_huge(c.f, users->n * sizeof(*c.f));
	{
		/* the tables that get about one value per user */
		static const int per_user[] = { T_ADDR, T_UNAME, T_LOCAL, T_CNAME, T_SWAP, T_SWAPTEAM };
		for (size_t k = 0; k < sizeof(per_user) / sizeof(per_user[0]) && r == CD_OK; k++)
			r = itab_reserve(&c.t[per_user[k]], users->n);
		if (r != CD_OK)
			goto out;
	}
	if ((r = extract_all(&c)) != CD_OK)
		goto out;
	for (int t = 0; t < T_COUNT; t++)
		itab_freeze(&c.t[t]);
	count_values(&c);
	stage_done(&res->stats, MS_FEATURES, &t0);
	static const int blocking[] = { T_ADDR, T_UNAME, T_LOCAL, T_PHONE, T_SWAP, T_NICK, T_DIR,
					T_SWAPTEAM, T_NICKTEAM };
	for (size_t k = 0; k < sizeof(blocking) / sizeof(blocking[0]) && r == CD_OK; k++)
		r = block_pairs(&c, blocking[k]);
	if (r == CD_OK) {
		/* Scoring reads the strings of the name tables only (of the rest: ids and counts),
		 * so the other strings and the tables that only made blocks go before the one-edit
		 * stage, where memory peaks. */
		static const int strings_done[] = { T_ADDR, T_UNAME, T_LOCAL, T_PHONE, T_ROUTING,
						    T_HIER, T_TEAM, T_DIR, T_ROLE, T_TEAMROLE, T_ORG };
		for (size_t k = 0; k < sizeof(strings_done) / sizeof(strings_done[0]); k++) {
			free(c.t[strings_done[k]].str);
			c.t[strings_done[k]].str = NULL;
		}
		itab_release(&c.t[T_NICK]);
		itab_release(&c.t[T_SWAPTEAM]);
		itab_release(&c.t[T_NICKTEAM]);
		arena_free(c.arena); /* the strings of all of those */
		arena_free(c.key_arena);
		c.arena = c.key_arena = NULL;
	}
	stage_done(&res->stats, MS_BLOCKS, &t0);
	if (r == CD_OK)
		r = typo_pairs(&c);
	stage_done(&res->stats, MS_TYPOS, &t0);
	if (r == CD_OK)
		r = radix_u64(c.cand.v, c.cand.n);
	if (r != CD_OK)
		goto out;
	for (size_t i = 0; i < c.cand.n && r == CD_OK; i++) {
		if (i > 0 && c.cand.v[i] == c.cand.v[i - 1])
			continue;
		res->stats.candidates++;
		struct match_pair p;
		score_pair(&c, (uint32_t)(c.cand.v[i] >> 32), (uint32_t)c.cand.v[i], &p);
		if (p.confidence < opts->possible)
			continue;
		if (res->n == res->cap) {
			size_t nc = res->cap ? res->cap * 2 : 1024;
			struct match_pair *nv = realloc(res->v, nc * sizeof(*nv));
			if (!nv) {
				r = CD_NOMEM;
				break;
			}
			res->v = nv;
			res->cap = nc;
		}
		res->v[res->n++] = p;
		if (match_is_duplicate(&p, opts)) {
			res->stats.duplicates++;
			for (size_t e = 0; e < p.nev; e++)
				if (p.ev[e].weight > 0)
					res->stats.by_kind[p.ev[e].kind]++;
		} else {
			res->stats.possible++;
		}
	}
	stage_done(&res->stats, MS_SCORING, &t0);
out:
	if (r == CD_NOMEM && err && errlen && !err[0])
		snprintf(err, errlen, "out of memory during detection");
	for (int t = 0; t < T_COUNT; t++) {
		itab_release(&c.t[t]);
		free(c.blocks[t].v);
	}
	free(c.cand.v);
	free(c.f);
	nick_table_free(c.nick);
	arena_free(c.arena);
	arena_free(c.key_arena);
	arena_free(c.name_arena);
	return r;
}

/* ---------------------------------------------------------------- explanations */

static enum cd_result q(struct buf *o, const char *label, const char *x, const char *rel, const char *label2, const char *y)
{
	return buf_printf(o, "%s \"%s\" %s %s\"%s\"", label, x, rel, label2, y);
}

enum cd_result match_explain(const struct user *a, const struct user *b, enum match_kind k,
			     struct buf *o)
{
	struct buf x = BUF_INIT(4096), y = BUF_INIT(4096);
	enum cd_result r = CD_OK;
	switch (k) {
	case MK_EMAIL:
		r = q(o, "e-mail", a->email, "=", "", b->email);
		break;
	case MK_EMAIL_SECONDARY: {
		/* say which field met which */
		const char *fa = "e-mail", *va = a->email, *fb = "secondary e-mail ", *vb = b->secondary_email;
		norm_email(a->email, &x);
		norm_email(b->secondary_email, &y);
		if (!x.len || strcmp(buf_str(&x), buf_str(&y)) != 0) {
			buf_reset(&x);
			buf_reset(&y);
			norm_email(a->secondary_email, &x);
			norm_email(b->email, &y);
			fa = "secondary e-mail", va = a->secondary_email, fb = "e-mail ", vb = b->email;
			if (!x.len || strcmp(buf_str(&x), buf_str(&y)) != 0)
				fb = "secondary e-mail ", vb = b->secondary_email;
		}
		r = q(o, fa, va, "=", fb, vb);
		break;
	}
	case MK_USERNAME:
		r = q(o, "username", a->username, "=", "", b->username);
		break;
	case MK_USERNAME_EMAIL:
		norm_email(a->username, &x);
		norm_email(b->email, &y);
		if (x.len && strcmp(buf_str(&x), buf_str(&y)) == 0)
			r = q(o, "username", a->username, "=", "e-mail ", b->email);
		else
			r = q(o, "e-mail", a->email, "=", "username ", b->username);
		break;
	case MK_HANDLE:
		r = buf_printf(o, "username \"%s\" / e-mail \"%s\" ~ username \"%s\" / e-mail \"%s\"",
			       a->username, a->email, b->username, b->email);
		break;
	case MK_NAME:
	case MK_NAME_SWAPPED:
	case MK_NAME_TYPO:
	case MK_NAME_INITIAL:
	case MK_NAME_DIFFERENT:
		r = buf_printf(o, "name \"%s %s\" %s \"%s %s\"%s", a->first_name, a->last_name,
			       k == MK_NAME_DIFFERENT ? "!=" : k == MK_NAME_TYPO || k == MK_NAME_INITIAL ? "~" : "=",
			       b->first_name, b->last_name,
			       k == MK_NAME_SWAPPED ? " (first and last swapped)" :
			       k == MK_NAME_TYPO ? " (spelling)" : k == MK_NAME_INITIAL ? " (initial)" : "");
		break;
	case MK_NICKNAME:
		r = buf_printf(o, "first name \"%s\" ~ \"%s\" (nickname), last name \"%s\"",
			       a->first_name, b->first_name, a->last_name);
		break;
	case MK_PHONE: {
		char pa[64], pb[64], pc[64];
		const char *va = a->mobile, *vb = b->mobile;
		norm_phone(a->mobile, pa, sizeof(pa));
		norm_phone(b->mobile, pb, sizeof(pb));
		norm_phone(b->desk_phone, pc, sizeof(pc));
		if (!pa[0] || (strcmp(pa, pb) != 0 && strcmp(pa, pc) != 0))
			va = a->desk_phone;
		norm_phone(va, pa, sizeof(pa));
		if (!pb[0] || strcmp(pa, pb) != 0)
			vb = b->desk_phone;
		r = q(o, "phone", va, "=", "", vb);
		break;
	}
	case MK_DIRECTORY:
		r = buf_printf(o, "directory user \"%s\"", a->directory_user_id);
		break;
	case MK_ROUTING:
		r = strcmp(a->routing_profile_id, b->routing_profile_id) == 0
			    ? buf_printf(o, "routing profile \"%s\"", a->routing_profile_id)
			    : q(o, "routing profile", a->routing_profile_id, "!=", "", b->routing_profile_id);
		break;
	case MK_HIERARCHY:
		r = strcmp(a->hierarchy_group_id, b->hierarchy_group_id) == 0
			    ? buf_printf(o, "hierarchy group \"%s\"", a->hierarchy_group_id)
			    : q(o, "hierarchy group", a->hierarchy_group_id, "!=", "", b->hierarchy_group_id);
		break;
	default:
		r = buf_puts(o, "unknown evidence");
	}
	buf_release(&x);
	buf_release(&y);
	return r;
}
