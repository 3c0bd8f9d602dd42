/* gen_plant.c -- the planted kinds (two accounts of one person) and the distractors. */
#include "gen_int.h"

#include <math.h>
#include <string.h>

/* ---- the planted kinds ---------------------------------------------------------------- */

static int classic_name_match(const struct acct *a, const struct acct *b)
{
	return a->first[0] && a->last[0] && classic_eq(a->first, b->first) &&
	       classic_eq(a->last, b->last);
}

/* The name is not yet as common as name_cap allows. */
static int name_ok(struct gen_ctx *g, const struct acct *a)
{
	uint32_t *c = htab_slot(&g->names, name_key(g, a->first, a->last), 0);
	return !c || *c + 1 < g->name_cap;
}

static int latin_ascii_name(const struct gen_ctx *g, const struct acct *a)
{
	return g->cult[a->culture].c->latin && !has_non_ascii(a->first) && !has_non_ascii(a->last);
}

/* A person suited to the kind (an accented name for name_accents, a formal first name for
 * nickname, a gmail address for email_gmail_dots, ...), as account o. */
static int kind_person(struct gen_ctx *g, enum kind k, struct acct *o)
{
	int tries = 0;
	switch (k) {
	case K_NAME_CASE:
	case K_NAME_TYPO:
	case K_NAME_FULLWIDTH:
		do
			random_name(g, o, pick_culture(g));
		while (!(latin_ascii_name(g, o) && name_ok(g, o)) && ++tries < MAX_TRIES);
		break;
	case K_NAME_ACCENTS:
		do
			random_name(g, o, pick_culture(g));
		while (!(g->cult[o->culture].c->latin && name_ok(g, o) &&
			 (has_non_ascii(o->first) || has_non_ascii(o->last))) && ++tries < MAX_TRIES);
		break;
	case K_NICKNAME: {
		const struct names_nick *nk = &names_nicks[rng_below(&g->r, names_nnicks)];
		size_t ci = culture_by_name(g, nk->culture);
		struct gname f;
		if (gname_init(g->arena, nk->formal, g->cult[ci].c->latin, &f))
			return -1;
		const struct gculture *gc = &g->cult[ci];
		const struct gname *l = &gc->last.v[glist_pick(&gc->last, &g->r)];
		o->culture = (int)ci;
		scpy(o->first, sizeof o->first, f.native);
		scpy(o->last, sizeof o->last, has_non_ascii(f.native) && !gc->c->latin ? l->native : l->ascii);
		if (gc->c->latin)
			scpy(o->last, sizeof o->last, l->native);
		scpy(o->first_key, sizeof o->first_key, f.key);
		scpy(o->last_key, sizeof o->last_key, l->key);
		gender_agree(gc->c, o);
		break;
	}
	case K_NAME_SWAPPED:
		do
			random_name(g, o, pick_culture(g));
		while ((classic_eq(o->first, o->last) || !name_ok(g, o)) && ++tries < MAX_TRIES);
		break;
	default:
		random_name_capped(g, o);
		break;
	}
	if (new_person(g, o, 1))
		return -1;
	if (k == K_EMAIL_GMAIL_DOTS && strcmp(domain_of(o->email), "gmail.com")) {
		personal_email(g, o, "gmail.com", o->email, sizeof o->email);
		if (claim(g, o, o->email))
			return -1;
	}
	if (k == K_SECONDARY_EMAIL && !o->secondary[0]) {
		personal_email(g, o, NULL, o->secondary, sizeof o->secondary);
		if (claim(g, o, o->secondary))
			return -1;
	}
	if (k == K_PHONE && !o->mobile[0] && new_phone(g, o, o->mobile, sizeof o->mobile))
		return -1;
	if (k == K_USERNAME_IS_EMAIL) {
		/* o's own username must differ from its e-mail and the e-mail's local part */
		char local[STRLEN];
		local_of(o->email, local, sizeof local);
		for (int t = 0; t < MAX_TRIES && (classic_eq(o->username, o->email) ||
			classic_eq(o->username, local)); t++)
			new_username(g, o, 2 + t % 3, o->username, sizeof o->username);
		if (claim(g, o, o->username))
			return -1;
	}
	return 0;
}

/* An e-mail for p that differs from o's as the classic rule sees it: the same local part at
 * another company domain (the same person moved), or a new address from p's name. */
static int other_email(struct gen_ctx *g, const struct acct *o, struct acct *p, int same_local)
{
	char local[STRLEN];
	local_of(o->email, local, sizeof local);
	for (int t = 0; t < MAX_TRIES; t++) {
		if (same_local && t < 4) {
			scpy(p->email, sizeof p->email, local);
			scat(p->email, sizeof p->email, "@");
			scat(p->email, sizeof p->email, pick_domain(g, domain_of(o->email)));
			if (!ident_free(g, p, p->email))
				continue;
		} else {
			char plocal[STRLEN];
			new_email(g, p, pick_domain(g, domain_of(o->email)), (int)rng_below(&g->r, 5),
				p->email, sizeof p->email);
			local_of(p->email, plocal, sizeof plocal);
			if (classic_eq(plocal, local))
				continue;
		}
		if (!classic_eq(p->email, o->email) && !classic_eq(p->email, o->username) &&
		    !classic_eq(p->email, o->secondary))
			return claim(g, p, p->email);
	}
	return -1;
}

/* A username for p that differs from o's, and is neither o's e-mail nor its local part
 * (that would be the username_is_email kind). */
static int other_username(struct gen_ctx *g, const struct acct *o, struct acct *p)
{
	char olocal[STRLEN], plocal[STRLEN];
	local_of(o->email, olocal, sizeof olocal);
	for (int t = 0; t < MAX_TRIES; t++) {
		new_username(g, p, t < 8 ? -1 : 3 + t % 2, p->username, sizeof p->username);
		local_of(p->username, plocal, sizeof plocal);
		if (classic_eq(p->username, o->username) || classic_eq(p->username, o->email) ||
		    classic_eq(plocal, olocal) ||
		    (classic_eq(o->username, p->email) && !classic_eq(o->email, p->email)))
			continue;
		return claim(g, p, p->username);
	}
	return -1;
}

/* The common shape of a second account: new Id (at emission), later LastModifiedTime, the
 * person's job kept most of the time, mobile sometimes; identifiers reset for the kind. */
static int second_account(struct gen_ctx *g, const struct acct *o, struct acct *p)
{
	*p = *o;
	p->lmt = o->lmt + floor((0.05 + 0.95 * rng_unit(&g->r)) * (T_END + 86400.0 * 300 - o->lmt) * 1000.0) / 1000.0;
	if (!rng_pct(&g->r, 75))
		random_job(g, p);
	random_extras(g, p, 25);
	if (!o->mobile[0] || !rng_pct(&g->r, 30))
		p->mobile[0] = 0;
	p->secondary[0] = p->email[0] = p->username[0] = 0;
	return random_phone_config(g, p);
}

/* At least one more shared attribute besides the name: mobile, or the same e-mail local part
 * at another domain, or the same team. Returns whether the e-mail local part is to be kept. */
static int supporting_evidence(struct gen_ctx *g, const struct acct *o, struct acct *p)
{
	size_t w = rng_below(&g->r, 3);
	if (w == 0 && o->mobile[0]) {
		scpy(p->mobile, sizeof p->mobile, o->mobile);
		return 0;
	}
	if (w == 1)
		return 1;
	p->rp = o->rp;
	p->hg = o->hg;
	return 0;
}

static int plant(struct gen_ctx *g, enum kind k, struct acct *o, struct acct *p)
{
	char tmp[NAMELEN], local[STRLEN];
	int keep_local = 0;
	if (kind_person(g, k, o) || second_account(g, o, p))
		return -1;
	switch (k) {
	case K_EMAIL_CASE:
		if (!case_variant(g, o->email, p->email, sizeof p->email))
			return -1;
		return other_username(g, o, p);
	case K_USERNAME_CASE:
		if (!case_variant(g, o->username, p->username, sizeof p->username) ||
		    other_email(g, o, p, rng_pct(&g->r, 50)))
			return -1;
		/* the username may have been o's e-mail; p's e-mail now differs, which is fine */
		return 0;
	case K_NAME_CASE:
		if (!case_variant(g, o->first, p->first, sizeof p->first))
			scpy(p->first, sizeof p->first, o->first);
		case_variant(g, o->last, tmp, sizeof tmp);
		if (!strcmp(p->first, o->first) || rng_pct(&g->r, 50))
			scpy(p->last, sizeof p->last, tmp);
		keep_local = supporting_evidence(g, o, p);
		break;
	case K_NAME_WHITESPACE:
		if (rng_pct(&g->r, 50))
			whitespace(g, o->first, p->first, sizeof p->first);
		else
			whitespace(g, o->last, p->last, sizeof p->last);
		keep_local = supporting_evidence(g, o, p);
		break;
	case K_NAME_ACCENTS: {
		int german = !strcmp(g->cult[o->culture].c->name, "german") && rng_pct(&g->r, 50);
		latin_fold(o->first, german, p->first, sizeof p->first);
		latin_fold(o->last, german, p->last, sizeof p->last);
		if (rng_pct(&g->r, 50)) { /* the plain spelling came first */
			scpy(tmp, sizeof tmp, o->first);
			scpy(o->first, sizeof o->first, p->first);
			scpy(p->first, sizeof p->first, tmp);
			scpy(tmp, sizeof tmp, o->last);
			scpy(o->last, sizeof o->last, p->last);
			scpy(p->last, sizeof p->last, tmp);
		}
		keep_local = supporting_evidence(g, o, p);
		break;
	}
	case K_NAME_FULLWIDTH:
		keep_local = supporting_evidence(g, o, p);
		if (rng_pct(&g->r, 25) && ligature(o->last, p->last, sizeof p->last))
			break;
		if (rng_pct(&g->r, 60))
			fullwidth(o->first, p->first, sizeof p->first);
		if (!strcmp(p->first, o->first) || rng_pct(&g->r, 50))
			fullwidth(o->last, p->last, sizeof p->last);
		break;
	case K_NAME_TYPO:
		if (rng_pct(&g->r, 40) && typo(g, o->first, tmp, sizeof tmp))
			scpy(p->first, sizeof p->first, tmp);
		else if (typo(g, o->last, tmp, sizeof tmp))
			scpy(p->last, sizeof p->last, tmp);
		else if (typo(g, o->first, tmp, sizeof tmp))
			scpy(p->first, sizeof p->first, tmp);
		else
			return -1;
		keep_local = supporting_evidence(g, o, p);
		break;
	case K_NICKNAME:
		if (!nick_for(g, o->first, p->first, sizeof p->first))
			return -1;
		keep_local = supporting_evidence(g, o, p);
		break;
	case K_NAME_SWAPPED:
		scpy(p->first, sizeof p->first, o->last);
		scpy(p->last, sizeof p->last, o->first);
		keep_local = supporting_evidence(g, o, p);
		break;
	case K_EMAIL_PLUS_TAG:
		local_of(o->email, local, sizeof local);
		scpy(p->email, sizeof p->email, local);
		scat(p->email, sizeof p->email, "+");
		scat(p->email, sizeof p->email, names_plus_tags[rng_below(&g->r, names_nplus_tags)]);
		scat(p->email, sizeof p->email, "@");
		scat(p->email, sizeof p->email, domain_of(o->email));
		vary_name(g, o, p);
		return claim(g, p, p->email) || other_username(g, o, p);
	case K_EMAIL_GMAIL_DOTS: {
		local_of(o->email, local, sizeof local);
		size_t n = 0, len = strlen(local);
		for (size_t i = 0; i < len; i++)
			if (local[i] != '.')
				local[n++] = local[i];
		local[n] = 0;
		/* dots at one or two inner positions, never where o has exactly the same */
		for (int t = 0; t < MAX_TRIES; t++) {
			tmp[0] = 0;
			size_t span = n > 2 ? n - 2 : 1;
			size_t a = 1 + rng_below(&g->r, span);
			size_t b = rng_pct(&g->r, 30) ? 1 + rng_below(&g->r, span) : 0;
			for (size_t i = 0; i < n; i++) {
				if (i && (i == a || i == b))
					scat(tmp, sizeof tmp, ".");
				scatn(tmp, sizeof tmp, local + i, 1);
			}
			scpy(p->email, sizeof p->email, tmp);
			scat(p->email, sizeof p->email, "@gmail.com");
			if (!classic_eq(p->email, o->email))
				break;
		}
		if (classic_eq(p->email, o->email)) {
			scpy(p->email, sizeof p->email, local);
			scat(p->email, sizeof p->email, "@gmail.com");
		}
		vary_name(g, o, p);
		return claim(g, p, p->email) || other_username(g, o, p);
	}
	case K_USERNAME_IS_EMAIL:
		if (rng_pct(&g->r, 70))
			scpy(p->username, sizeof p->username, o->email);
		else
			local_of(o->email, p->username, sizeof p->username);
		vary_name(g, o, p);
		return other_email(g, o, p, 0);
	case K_SECONDARY_EMAIL:
		if (rng_pct(&g->r, 50)) {
			scpy(p->email, sizeof p->email, o->secondary);
		} else {
			scpy(p->secondary, sizeof p->secondary, o->email);
			if (other_email(g, o, p, 0))
				return -1;
		}
		vary_name(g, o, p);
		return claim(g, p, p->email) || other_username(g, o, p);
	case K_PHONE:
		if (rng_pct(&g->r, 60)) {
			scpy(p->mobile, sizeof p->mobile, o->mobile);
		} else {
			p->mobile[0] = 0;
			p->desk_type = 1;
			scpy(p->desk, sizeof p->desk, o->mobile);
		}
		vary_name(g, o, p);
		/* phone and a similar name are the evidence: no shared e-mail local part */
		return other_email(g, o, p, 0) || other_username(g, o, p);
	default:
		return -1;
	}
	/* the name kinds: identifiers differ, sometimes the e-mail keeps its local part */
	return other_email(g, o, p, keep_local) || other_username(g, o, p);
}

/* The kind's promise, checked: classic kinds match the classic rule they are named after,
 * harder kinds match none of the classic rules. */
static int kind_holds(enum kind k, const struct acct *o, const struct acct *p)
{
	int email = o->email[0] && classic_eq(o->email, p->email);
	int user = o->username[0] && classic_eq(o->username, p->username);
	int name = classic_name_match(o, p) && !email;
	if (!o->email[0] || !p->email[0] || !o->username[0] || !p->username[0] ||
	    strlen(o->username) > USERNAME_MAX || strlen(p->username) > USERNAME_MAX)
		return 0;
	switch (k) {
	case K_EMAIL_CASE:
		return email && strcmp(o->email, p->email) && !user;
	case K_USERNAME_CASE:
		return user && strcmp(o->username, p->username) && !email;
	case K_NAME_CASE:
		return name && (strcmp(o->first, p->first) || strcmp(o->last, p->last)) && !user;
	default:
		return !email && !user && !name;
	}
}

int plant_checked(struct gen_ctx *g, enum kind k, struct acct *o, struct acct *p)
{
	for (int t = 0; t < 8; t++)
		if (!plant(g, k, o, p) && kind_holds(k, o, p))
			return 0;
	return -1;
}

/* ---- distractors ---------------------------------------------------------------------- */

/* Two different people with the same common name: everything else their own, other teams. */
int distractor_same(struct gen_ctx *g, struct acct *a, struct acct *b)
{
	/* the head of the lists, the names that really collide, while they are under the cap */
	for (int t = 0; t < 12; t++) {
		size_t ci = pick_culture(g);
		const struct gculture *gc = &g->cult[ci];
		size_t head = 6 + 4 * (size_t)t;
		const struct gname *f = &gc->first.v[rng_below(&g->r, gc->first.n < head ? gc->first.n : head)];
		const struct gname *l = &gc->last.v[rng_below(&g->r, gc->last.n < head ? gc->last.n : head)];
		set_name(g, a, ci, f, NULL, l, NULL);
		uint32_t *c = htab_slot(&g->names, name_key(g, a->first, a->last), 0);
		if (!c || *c + 2 < g->name_cap)
			break;
	}
	*b = *a;
	if (new_person(g, a, 1) || new_person(g, b, 1))
		return -1;
	other_team(g, b, a);
	return 0;
}

int distractor_similar(struct gen_ctx *g, struct acct *a, struct acct *b)
{
	const struct names_pair *sp = &names_similar[rng_below(&g->r, names_nsimilar)];
	size_t ci = culture_by_name(g, "english");
	random_name(g, a, ci);
	*b = *a;
	struct gname x, y;
	if (gname_init(g->arena, sp->a, 1, &x) || gname_init(g->arena, sp->b, 1, &y))
		return -1;
	if (rng_pct(&g->r, 50)) {
		struct gname t = x;
		x = y;
		y = t;
	}
	if (sp->is_first) {
		scpy(a->first, sizeof a->first, x.native);
		scpy(a->first_key, sizeof a->first_key, x.key);
		scpy(b->first, sizeof b->first, y.native);
		scpy(b->first_key, sizeof b->first_key, y.key);
	} else {
		scpy(a->last, sizeof a->last, x.native);
		scpy(a->last_key, sizeof a->last_key, x.key);
		scpy(b->last, sizeof b->last, y.native);
		scpy(b->last_key, sizeof b->last_key, y.key);
	}
	if (new_person(g, a, 1) || new_person(g, b, 1))
		return -1;
	other_team(g, b, a);
	return 0;
}
