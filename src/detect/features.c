/* features.c -- every user reduced once to interned normalised values (names, addresses,
 * handles, phones, job attributes and the joint keys made of them), in two threads. */
#include "detect/match_int.h"

#include <stdlib.h>
#include <string.h>
#include "hash.h"
#include "detect/normalize.h"

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
		__builtin_prefetch(&t->slots[2 * (itab_key_hash(key) & (t->nslots - 1))]);
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
			if ((w->r = block_names(w->c, (uint32_t)i)) == CD_OK)
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
			w->r = block_ids(w->c, (uint32_t)i);
	}
	return NULL;
}

/* Fills c->f and the tables: names in a second thread while this one does the rest (on two
 * cores interning is most of the work, and the two sets of tables share nothing). */
enum cd_result feat_extract(struct ctx *c)
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
	match_run2(names_thread, &wn, ids_thread, &wi);
	if ((r = wn.r) == CD_OK)
		r = wi.r;
	worker_release(&wn);
	worker_release(&wi);
	return r;
}

/* Counts users per value (a user counts once per value even when two fields hold it). */
void feat_count(struct ctx *c)
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
