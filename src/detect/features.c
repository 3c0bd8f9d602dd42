/* features.c -- every user reduced once to interned normalised values (names, addresses,
 * handles, phones, job attributes and the joint keys made of them). */
#include "detect/match_int.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "grow.h"
#include "hash.h"
#include "detect/normalize.h"

static enum cd_result put_buf(struct ctx *c, int t, const struct buf *b, uint32_t *id)
{
	*id = NONE;
	if (b->len == 0)
		return CD_OK;
	return itab_put(&c->t[t], buf_str(b), b->len, id);
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
	if ((r = ARRAY_GROW(m->id, m->n + 1, m->cap, GROW_MAX_ELEMS)) != CD_OK)
		return r;
	buf_reset(scratch);
	if ((r = norm_compact(raw, scratch)) != CD_OK || (r = put_buf(c, t, scratch, id)) != CD_OK)
		return r;
	m->id[m->n++] = *id;
	return CD_OK;
}

/* The nickname groups of one first-name id, looked up once. */
struct first_nicks {
	uint8_t n;        /* how many (at most 4); 0xFF: not looked up yet */
	uint32_t g[4];
};

struct worker {
	struct ctx *c;
	struct buf b1, b2;
	struct name_memo first, last;
	struct itab sec;  /* security profiles (borrowed), for the role keys */
	struct first_nicks *nicks; /* by first-name id */
	size_t nickcap;
	enum cd_result r;
};

static void worker_release(struct worker *w)
{
	buf_release(&w->b1);
	buf_release(&w->b2);
	memo_release(&w->first);
	memo_release(&w->last);
	itab_release(&w->sec);
	free(w->nicks);
}

/* The nickname groups of first-name id `first` (normalised form `name`) into *g. */
static enum cd_result first_groups(struct ctx *c, struct worker *w, uint32_t first, const char *name,
				   const uint32_t **g, size_t *ng)
{
	size_t old = w->nickcap;
	enum cd_result r = ARRAY_GROW(w->nicks, (size_t)first + 1, w->nickcap, GROW_MAX_ELEMS);
	if (r != CD_OK)
		return r;
	for (size_t k = old; k < w->nickcap; k++)
		w->nicks[k].n = 0xFF;
	struct first_nicks *fn = &w->nicks[first];
	if (fn->n == 0xFF) {
		size_t k = nick_groups(c->nick, name, fn->g, 4);
		fn->n = (uint8_t)(k < 4 ? k : 4);
	}
	*g = fn->g;
	*ng = fn->n;
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

/* The first code point of a UTF-8 string as its bytes in one word (a key, not a value). */
static uint32_t initial(const char *s)
{
	uint32_t v = (unsigned char)s[0];
	for (size_t i = 1; i < 4 && ((unsigned char)s[i] & 0xC0) == 0x80; i++)
		v = v << 8 | (unsigned char)s[i];
	return v;
}

/* Bytes of the first k code points of s. */
static size_t prefix_len(const char *s, size_t k)
{
	size_t i = 0;
	for (; s[i] && k; k--)
		for (i++; ((unsigned char)s[i] & 0xC0) == 0x80; i++)
			;
	return i;
}

/* x and y (nx, ny bytes) joined by a \1 byte, the bytewise smaller first, into out (room for
 * nx + ny + 1): one key for either order. Returns its length. */
static size_t either_order(char *out, const char *x, size_t nx, const char *y, size_t ny)
{
	int cmp = memcmp(x, y, nx < ny ? nx : ny);
	if (cmp > 0 || (cmp == 0 && nx > ny)) {
		const char *t = x;
		size_t tn = nx;
		x = y;
		nx = ny;
		y = t;
		ny = tn;
	}
	memcpy(out, x, nx);
	out[nx] = 1;
	memcpy(out + nx + 1, y, ny);
	return nx + 1 + ny;
}

/* The keys that block names more than one edit apart (block.c says why each): last name +
 * first initial, first name + last initial, and both parts' first three letters in either
 * order. first and last are the normalised parts, both non-empty. */
static enum cd_result part_keys(struct ctx *c, struct feat *f, const char *first, const char *last)
{
	enum cd_result r;
	if ((r = itab_put_key(&c->t[T_LASTI], key2(f->last, initial(first)), &f->lasti)) != CD_OK ||
	    (r = itab_put_key(&c->t[T_FIRSTI], key2(f->first, initial(last)), &f->firsti)) != CD_OK)
		return r;
	char k[32];
	size_t nk = either_order(k, first, prefix_len(first, 3), last, prefix_len(last, 3));
	return itab_put_key(&c->t[T_PFX], hash_bytes(k, nk), &f->pfx);
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
		memcpy(tmp, a, na);
		memcpy(tmp + na, b, nb);
		if ((r = itab_put(&c->t[T_CNAME], tmp, na + nb, &f->cname)) != CD_OK)
			return r;
		/* either order: "smith\1john" for John Smith and for Smith John */
		if ((r = itab_put(&c->t[T_SWAP], tmp, either_order(tmp, a, na, b, nb), &f->swap)) != CD_OK)
			return r;
		if (a[0] && b[0]) {
			const uint32_t *g;
			size_t ng, nl = nb;
			if ((r = first_groups(c, w, f->first, a, &g, &ng)) != CD_OK)
				return r;
			for (size_t k = 0; k < ng; k++) {
				/* group, last name (which was "%u\1%s" and at most 511 bytes) */
				size_t n = put_u32(tmp, g[k]);
				if (n + 1 + nl >= sizeof(tmp))
					continue; /* a last name of ~500 bytes: no nickname key */
				if ((r = itab_put_key(&c->t[T_NICK], key2(g[k], f->last), &f->nick[f->nnick++])) != CD_OK)
					return r;
			}
			if ((r = part_keys(c, f, a, b)) != CD_OK)
				return r;
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
	return itab_put(&c->t[T_PHONE], d, strlen(d), id);
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
		if ((r = itab_put(&c->t[T_ADDR], e, w->b1.len, &f->email)) != CD_OK)
			return r;
		size_t ln = norm_local_len(e);
		if (ln >= 2 && (r = itab_put(&c->t[T_LOCAL], e, ln, &f->l_email)) != CD_OK)
			return r;
		size_t lo;
		const char *o = org_label(e, &lo);
		if (o && (r = itab_put(&c->t[T_ORG], o, lo, &f->org)) != CD_OK)
			return r;
	}
	buf_reset(&w->b1);
	if ((r = norm_email(u->secondary_email, &w->b1)) != CD_OK ||
	    (w->b1.len && (r = itab_put(&c->t[T_ADDR], buf_str(&w->b1), w->b1.len, &f->sec)) != CD_OK))
		return r;
	buf_reset(&w->b1);
	if ((r = norm_text(u->username, &w->b1)) != CD_OK ||
	    (w->b1.len && (r = itab_put(&c->t[T_UNAME], buf_str(&w->b1), w->b1.len, &f->uname)) != CD_OK))
		return r;
	if (w->b1.len) {
		buf_reset(&w->b2);
		if ((r = norm_email(u->username, &w->b2)) != CD_OK)
			return r;
		const char *e = buf_str(&w->b2);
		if (w->b2.len && strchr(e, '@') &&
		    (r = itab_put(&c->t[T_ADDR], e, w->b2.len, &f->uaddr)) != CD_OK)
			return r;
		size_t ln = norm_local_len(e);
		if (ln >= 2 && (r = itab_put(&c->t[T_LOCAL], e, ln, &f->l_user)) != CD_OK)
			return r;
	}
	if ((r = phone_key(c, w, u->mobile, &f->mobile)) != CD_OK ||
	    (r = phone_key(c, w, u->desk_phone, &f->desk)) != CD_OK)
		return r;
	if (u->directory_user_id[0] &&
	    (r = itab_put(&c->t[T_DIR], u->directory_user_id, strlen(u->directory_user_id), &f->dir)) != CD_OK)
		return r;
	return CD_OK;
}

/* The job attributes. */
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
		    (r = itab_put_key(&c->t[T_ROLE], key2(f->routing, sec), &f->role)) != CD_OK)
			return r;
		/* the team is there whenever this fits: its key is shorter */
		if (f->hier != NONE && lr + 1 + lh + 1 + ls < lim &&
		    (r = itab_put_key(&c->t[T_TEAMROLE], key2(f->team, sec), &f->teamrole)) != CD_OK)
			return r;
	}
	return CD_OK;
}


/* Name keys within a team: a common name's block is skipped past name_cap (the name is no
 * evidence then), but namesakes in the same team stay few and are still compared. Their ids
 * into tid[0 .. 1 + nnick) (NONE where there is no key). */
static enum cd_result team_keys(struct ctx *c, uint32_t i, uint32_t *tid)
{
	const struct feat *f = &c->f[i];
	enum cd_result r;
	for (size_t k = 0; k <= f->nnick; k++)
		tid[k] = NONE;
	if (f->team == NONE)
		return CD_OK;
	if (f->swap != NONE && (r = itab_put_key(&c->t[T_SWAPTEAM], key2(f->swap, f->team), &tid[0])) != CD_OK)
		return r;
	for (size_t k = 0; k < f->nnick; k++)
		if ((r = itab_put_key(&c->t[T_NICKTEAM], key2(f->nick[k], f->team), &tid[1 + k])) != CD_OK)
			return r;
	return CD_OK;
}


/* The names, job attributes and name-in-team keys of every user, with their block entries. */
static void *names_thread(void *arg)
{
	struct worker *w = arg;
	struct ctx *c = w->c;
	for (uint32_t i = 0; i < c->users->n && w->r == CD_OK; i++) {
		uint32_t tid[5]; /* name-in-team ids, 1 + 4 nicknames */
		if ((w->r = extract_names(c, w, i)) == CD_OK && (w->r = extract_job(c, w, i)) == CD_OK &&
		    (w->r = team_keys(c, i, tid)) == CD_OK)
			w->r = block_names(c, i, tid);
	}
	return NULL;
}

/* The addresses, handles, phones and directory id of every user, with their block entries. */
static void *ids_thread(void *arg)
{
	struct worker *w = arg;
	struct ctx *c = w->c;
	for (uint32_t i = 0; i < c->users->n && w->r == CD_OK; i++)
		if ((w->r = extract_ids(c, w, i)) == CD_OK)
			w->r = block_ids(c, i);
	return NULL;
}

/* Fills c->f, the tables and the block entries: the names in a second thread while this one
 * does the identifiers. The two share nothing they write: each has its own buffers, tables,
 * arena (names: c->name_arena, identifiers: c->arena; the key tables hold no strings), block
 * lists and members of struct feat. This pays at 100,000 users when a second core is free:
 * features 0.244 s with two threads, 0.350 s with one (best of 12 analyze runs of
 * golden/users100k on the shared 2-core machine; whole analyze 0.79 s / 0.90 s). Without a
 * thread both run here, one after the other. */
enum cd_result feat_extract(struct ctx *c)
{
	struct worker w[2];
	size_t n = c->users->n;
	memset(c->f, 0xFF, n * sizeof(*c->f)); /* every id NONE */
	for (size_t i = 0; i < n; i++)
		c->f[i].nnick = 0;
	memset(w, 0, sizeof(w));
	for (int k = 0; k < 2; k++) {
		w[k].c = c;
		w[k].r = CD_OK;
		buf_init(&w[k].b1, SIZE_MAX);
		buf_init(&w[k].b2, SIZE_MAX);
	}
	pthread_t th;
	int threaded = pthread_create(&th, NULL, names_thread, &w[0]) == 0;
	if (!threaded)
		names_thread(&w[0]);
	ids_thread(&w[1]);
	if (threaded)
		pthread_join(th, NULL);
	enum cd_result r = w[0].r != CD_OK ? w[0].r : w[1].r;
	worker_release(&w[0]);
	worker_release(&w[1]);
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
		BUMP(T_LASTI, f->lasti);
		BUMP(T_FIRSTI, f->firsti);
		BUMP(T_PFX, f->pfx);
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
