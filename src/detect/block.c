/* block.c -- blocking: which keys of a user make candidate pairs, and the pairs every block of
 * at most cap users makes. Only users sharing a key here (or a one-edit name, typo.c) are ever
 * compared, so a pair no key catches is lost whatever the model would say of it.
 *
 * The keys, and the duplicates each is there for:
 *   an address, a username, a mailbox name / handle, a phone, a directory id: one person's
 *     identifiers, whatever the names say;
 *   the full name in either order, a nickname group + last name: the usual name slips;
 *   last name + first initial, first name + last initial: one part exact and the other two or
 *     more edits away ("Mitchell"/"Mtchl"), or another first name the nickname table lacks;
 *   the first three letters of both parts, in either order: both parts misspelt past their
 *     third letter ("Grace Morrison"/"Graice Morriwon"), swapped and misspelt;
 *   a lone name part (lone_parts below): an account with a first or a last name only;
 *   the name within a team: a common name is compared among its team only.
 * Name keys are capped at name_cap users (a common name or prefix is no evidence: its block
 * is skipped and counted), identifier keys at cap. The share of true pairs blocking keeps is
 * measured by bench/detect on the open labelled sets, and by test_block on brute force. */
#include "detect/match_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "grow.h"
#include "detect/fuzzy.h"
#include "detect/normalize.h"

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
	if ((r = ent_push(&c->blocks[T_LASTI], f->lasti, i)) != CD_OK ||
	    (r = ent_push(&c->blocks[T_FIRSTI], f->firsti, i)) != CD_OK ||
	    (r = ent_push(&c->blocks[T_PFX], f->pfx, i)) != CD_OK)
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

/* Groups (key, user) entries by key (counting sort, stable so a user's repeats are adjacent):
 * group k is users[start[k - 1] .. start[k]) (from 0 for k = 0). Frees the entries. */
static enum cd_result group_entries(struct entvec *e, size_t nid, size_t **startp, uint32_t **usersp)
{
	size_t *start = calloc(nid + 1, sizeof(*start));
	uint32_t *users = malloc((e->n ? e->n : 1) * sizeof(*users));
	enum cd_result r = CD_OK;
	if (!start || !users) {
		free(start);
		free(users);
		start = NULL;
		users = NULL;
		r = CD_NOMEM;
	}
	for (size_t i = 0; r == CD_OK && i < e->n; i++)
		start[e->v[i].id + 1]++;
	for (size_t k = 0; r == CD_OK && k < nid; k++)
		start[k + 1] += start[k];
	for (size_t i = 0; r == CD_OK && i < e->n; i++)
		users[start[e->v[i].id]++] = e->v[i].user;
	free(e->v);
	memset(e, 0, sizeof(*e));
	*startp = start;
	*usersp = users;
	return r;
}

/* Group k's users without a user's repeated entries (an e-mail equal to its own secondary):
 * they go to users[*lo ..), and the count is returned. */
static size_t group_users(const size_t *start, uint32_t *users, size_t k, size_t *lo)
{
	size_t hi = start[k], w = *lo = k ? start[k - 1] : 0;
	for (size_t j = *lo; j < hi; j++)
		if (w == *lo || users[w - 1] != users[j])
			users[w++] = users[j];
	return w - *lo;
}

/* The initial and prefix keys are weaker than a full name: a group shares a few letters only,
 * so it is paired up to a quarter of name_cap (8 users by default), and a pair of it is kept
 * only where the names compare as related (compare_names_near: a slip, a nickname, an
 * initial). "John Doe" / "Jane Doe" share "doe + j" and are not a candidate for it; pairs
 * whose only link is one agreeing part would be noise for the model's estimation. At 100,000 generated users
 * they add 2.6 candidates per user at that cap, 9.3 at name_cap (the pairs scoring has to
 * compare), and on the open labelled sets, whose groups are small, the two caps find the same
 * pairs. */
#define WEAK_CAP_DIV 4

/* A cheap necessary test for compare_names_near, which costs a microsecond a pair and would
 * otherwise be most of blocking at a million users (2 million initial and prefix pairs, all
 * but a few thousand unrelated): a slip is at most two edits, and two edits change the letter
 * counts of an ASCII name by at most 4; an initial ("M." / "Miguel") is let through, and so is
 * any name with other letters (umlauts written out change the counts). */
static int letters_near(const struct ctx *c, uint32_t a, uint32_t b)
{
	const struct feat *x = &c->f[a], *y = &c->f[b];
	if (x->cname == NONE || y->cname == NONE)
		return 0;
	for (int side = 0; side < 2; side++) {
		const struct feat *f = side ? y : x;
		const char *p = f->first != NONE ? c->t[T_FIRST].str[f->first] : "";
		const char *q = f->last != NONE ? c->t[T_LAST].str[f->last] : "";
		if ((p[0] && (!p[1] || p[1] == '.')) || (q[0] && (!q[1] || q[1] == '.')))
			return 1;
	}
	int h[64] = { 0 }, d = 0;
	for (const unsigned char *p = (const unsigned char *)c->t[T_CNAME].str[x->cname]; *p; p++) {
		if (*p >= 0x80)
			return 1;
		h[*p & 63]++;
	}
	for (const unsigned char *p = (const unsigned char *)c->t[T_CNAME].str[y->cname]; *p; p++) {
		if (*p >= 0x80)
			return 1;
		h[*p & 63]--;
	}
	for (int k = 0; k < 64; k++)
		d += h[k] < 0 ? -h[k] : h[k];
	return d <= 4;
}

/* Every pair inside a group of at most cap users. */
enum cd_result block_pairs(struct ctx *c, int t)
{
	size_t nid = c->t[t].n, *start;
	uint32_t *users;
	enum cd_result r = group_entries(&c->blocks[t], nid, &start, &users);
	int name = t == T_SWAP || t == T_NICK, weak = t == T_LASTI || t == T_FIRSTI || t == T_PFX;
	size_t cap = name ? c->name_cap : weak ? c->name_cap / WEAK_CAP_DIV : c->cap;
	for (size_t k = 0; k < nid && r == CD_OK; k++) {
		size_t lo, m = group_users(start, users, k, &lo);
		if (m < 2)
			continue;
		if (m > cap) {
			if (!weak) /* routine for a few letters: not worth a note */
				block_note_capped(c, t, (uint32_t)k, m);
			continue;
		}
		for (size_t x = lo; x < lo + m && r == CD_OK; x++)
			for (size_t y = x + 1; y < lo + m && r == CD_OK; y++)
				if (!weak || (letters_near(c, users[x], users[y]) &&
					      compare_names_near(c, users[x], users[y])))
					r = block_add_pair(c, users[x], users[y]);
	}
	free(start);
	free(users);
	return r;
}


const char *block_lone_part(const struct ctx *c, const struct feat *x)
{
	if ((x->first == NONE) == (x->last == NONE))
		return NULL;
	return x->first != NONE ? c->t[T_FIRST].str[x->first] : c->t[T_LAST].str[x->last];
}

/* A lone part's group makes lone x everyone pairs; past this many it is skipped like a capped
 * block (a lone "John" next to every John says nothing). */
static size_t lone_budget(const struct ctx *c)
{
	return c->name_cap * c->name_cap / 2;
}

/* An account with a first name only, or a last name only, shares no full name, no initial key
 * and no prefix key with its other account ("Melinda Sandman" / "Sandman"). Its part is looked
 * up among first and last names alike, and it is paired with every user carrying it. Only
 * pairs with a lone side are made: two users sharing a last name are not candidates for that. */
enum cd_result block_lone_parts(struct ctx *c)
{
	size_t n = c->users->n, nf = c->t[T_FIRST].n, nl = c->t[T_LAST].n, nparts = 0, *start = NULL;
	uint32_t *byfirst = NULL, *bylast = NULL, *users = NULL;
	struct entvec e = { 0 };
	enum cd_result r = CD_OK;
	size_t lone = 0;
	for (size_t i = 0; i < n; i++)
		lone += block_lone_part(c, &c->f[i]) != NULL;
	if (!lone)
		return CD_OK; /* the usual production instance: every account has both names */
	if (!(byfirst = malloc((nf ? nf : 1) * sizeof(*byfirst))) ||
	    !(bylast = malloc((nl ? nl : 1) * sizeof(*bylast)))) {
		r = CD_NOMEM;
		goto out;
	}
	memset(byfirst, 0xFF, (nf ? nf : 1) * sizeof(*byfirst));
	memset(bylast, 0xFF, (nl ? nl : 1) * sizeof(*bylast));
	/* each distinct lone part gets a number, under its first-name and its last-name id */
	for (size_t i = 0; i < n; i++) {
		const char *s = block_lone_part(c, &c->f[i]);
		if (!s)
			continue;
		size_t len = strlen(s);
		uint32_t fid = itab_find(&c->t[T_FIRST], s, len), lid = itab_find(&c->t[T_LAST], s, len);
		uint32_t p = fid != NONE && byfirst[fid] != NONE ? byfirst[fid] :
			     lid != NONE && bylast[lid] != NONE ? bylast[lid] : (uint32_t)nparts++;
		if (fid != NONE)
			byfirst[fid] = p;
		if (lid != NONE)
			bylast[lid] = p;
	}
	for (size_t i = 0; i < n && r == CD_OK; i++) {
		const struct feat *f = &c->f[i];
		uint32_t p = f->first != NONE ? byfirst[f->first] : NONE;
		uint32_t q = f->last != NONE ? bylast[f->last] : NONE;
		if ((r = ent_push(&e, p, (uint32_t)i)) == CD_OK && q != p)
			r = ent_push(&e, q, (uint32_t)i);
	}
	if (r != CD_OK || (r = group_entries(&e, nparts, &start, &users)) != CD_OK)
		goto out;
	for (size_t k = 0; k < nparts && r == CD_OK; k++) {
		size_t lo, m = group_users(start, users, k, &lo), l = 0;
		for (size_t x = lo; x < lo + m; x++)
			l += block_lone_part(c, &c->f[users[x]]) != NULL;
		if (m < 2 || l * (m - l) + l * (l - 1) / 2 > lone_budget(c)) {
			c->st->capped_blocks += m >= 2;
			continue;
		}
		for (size_t x = lo; x < lo + m && r == CD_OK; x++) {
			int lx = block_lone_part(c, &c->f[users[x]]) != NULL;
			for (size_t y = x + 1; y < lo + m && r == CD_OK; y++)
				if (lx || block_lone_part(c, &c->f[users[y]]))
					r = block_add_pair(c, users[x], users[y]);
		}
	}
out:
	free(e.v);
	free(byfirst);
	free(bylast);
	free(start);
	free(users);
	return r;
}

/* Blocking keys the pair shares (why it was or was not a candidate), for explain. */
enum cd_result block_explain(const struct ctx *c, uint32_t a, uint32_t b, struct buf *o)
{
	const struct feat *x = &c->f[a], *y = &c->f[b];
	enum cd_result r = CD_OK;
	int any = 0;
#define KEY(cond, what, tb, id, cap)                                                              \
	do {                                                                                     \
		if (r == CD_OK && (cond)) {                                                      \
			uint32_t k_ = c->t[tb].count ? c->t[tb].count[id] : 0;                     \
			r = buf_printf(o, "  shared key: %s (%u users%s)\n", what, k_,             \
				       k_ > (cap) ? ", over the cap: no pairs from it" : "");   \
			any = 1;                                                                 \
		}                                                                                \
	} while (0)
	KEY(x->email != NONE && (x->email == y->email || x->email == y->sec || x->email == y->uaddr),
	    "e-mail address", T_ADDR, x->email, c->cap);
	KEY(x->sec != NONE && (x->sec == y->email || x->sec == y->sec), "secondary e-mail", T_ADDR,
	    x->sec, c->cap);
	KEY(x->uaddr != NONE && (x->uaddr == y->email || x->uaddr == y->sec), "username address",
	    T_ADDR, x->uaddr, c->cap);
	KEY(x->uname != NONE && x->uname == y->uname, "username", T_UNAME, x->uname, c->cap);
	KEY(x->l_user != NONE && (x->l_user == y->l_user || x->l_user == y->l_email), "mailbox name / handle",
	    T_LOCAL, x->l_user, c->cap);
	KEY(x->l_email != NONE && x->l_email != x->l_user && (x->l_email == y->l_user || x->l_email == y->l_email),
	    "mailbox name", T_LOCAL, x->l_email, c->cap);
	KEY(x->mobile != NONE && (x->mobile == y->mobile || x->mobile == y->desk), "phone", T_PHONE,
	    x->mobile, c->cap);
	KEY(x->desk != NONE && x->desk != x->mobile && (x->desk == y->mobile || x->desk == y->desk),
	    "phone", T_PHONE, x->desk, c->cap);
	KEY(x->dir != NONE && x->dir == y->dir, "directory user id", T_DIR, x->dir, c->cap);
	KEY(x->swap != NONE && x->swap == y->swap, "full name (either order)", T_SWAP, x->swap, c->name_cap);
	KEY(x->lasti != NONE && x->lasti == y->lasti, "last name + first initial", T_LASTI, x->lasti,
	    c->name_cap / WEAK_CAP_DIV);
	KEY(x->firsti != NONE && x->firsti == y->firsti, "first name + last initial", T_FIRSTI,
	    x->firsti, c->name_cap / WEAK_CAP_DIV);
	KEY(x->pfx != NONE && x->pfx == y->pfx, "first three letters of both names", T_PFX, x->pfx,
	    c->name_cap / WEAK_CAP_DIV);
#undef KEY
	for (int side = 0; side < 2 && r == CD_OK; side++) {
		const struct feat *l = side ? y : x, *o2 = side ? x : y;
		const char *s = block_lone_part(c, l);
		if (s && ((o2->first != NONE && strcmp(c->t[T_FIRST].str[o2->first], s) == 0) ||
			  (o2->last != NONE && strcmp(c->t[T_LAST].str[o2->last], s) == 0))) {
			r = buf_printf(o, "  shared key: the one name part user %d has\n", side + 1);
			any = 1;
		}
	}
	for (size_t i = 0; i < x->nnick && r == CD_OK; i++)
		for (size_t j = 0; j < y->nnick && r == CD_OK; j++)
			if (x->nick[i] == y->nick[j]) {
				r = buf_printf(o, "  shared key: nickname group + last name\n");
				any = 1;
			}
	if (r == CD_OK && x->cname != NONE && y->cname != NONE && x->cname != y->cname) {
		uint32_t p[FUZZY_MAX], q[FUZZY_MAX];
		size_t np = norm_codepoints(c->t[T_CNAME].str[x->cname], p, FUZZY_MAX);
		size_t nq = norm_codepoints(c->t[T_CNAME].str[y->cname], q, FUZZY_MAX);
		int bound = c->opts->mode == MATCH_THOROUGH && np >= 9 && nq >= 9 ? 2 : 1;
		if (np >= 5 && nq >= 5 && fuzzy_osa(p, np, q, nq, bound) <= bound) {
			r = buf_printf(o, "  shared key: full names within %d edit%s (deletion keys)\n",
				       bound, bound > 1 ? "s" : "");
			any = 1;
		}
	}
	if (r == CD_OK && !any)
		r = buf_printf(o, "  no blocking key in common: never compared by analyze\n");
	return r;
}

