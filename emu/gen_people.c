/* gen_people.c -- a new person: a name from the tables, a job, a phone configuration. */
#include "gen_int.h"

#include <math.h>
#include <string.h>

static int ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && !memcmp(s + a - b, suf, b);
}

/* Slavic surnames agree with the person's gender: Ivanov/Ivanova, Kowalski/Kowalska. The
 * tables mix given names of both genders; a given name ending in -a (-а, -я) is taken as a
 * woman's, which is right for the names listed. */
void gender_agree(const struct names_culture *c, struct acct *a)
{
	int ru = !strcmp(c->name, "russian_ukrainian"), pl = !strcmp(c->name, "polish_czech");
	if (!ru && !pl)
		return;
	size_t fl = strcspn(a->first, " -");
	char first[NAMELEN];
	scpy(first, sizeof first, a->first);
	first[fl < sizeof first ? fl : sizeof first - 1] = 0;
	int female = ends_with(first, "a") || ends_with(first, "\xd0\xb0") || ends_with(first, "\xd1\x8f");
	if (ru) {
		int male_form = ends_with(a->last, "\xd0\xbe\xd0\xb2") || ends_with(a->last, "\xd0\xb5\xd0\xb2") ||
				ends_with(a->last, "\xd0\xb8\xd0\xbd") || ends_with(a->last, "ov") ||
				ends_with(a->last, "ev") || ends_with(a->last, "in");
		int female_form = ends_with(a->last, "\xd0\xbe\xd0\xb2\xd0\xb0") ||
				  ends_with(a->last, "\xd0\xb5\xd0\xb2\xd0\xb0") || ends_with(a->last, "ova") ||
				  ends_with(a->last, "eva");
		size_t l = strlen(a->last), k = strlen(a->last_key);
		if (female && male_form) {
			scat(a->last, sizeof a->last, has_non_ascii(a->last) ? "\xd0\xb0" : "a");
			scat(a->last_key, sizeof a->last_key, "a");
		} else if (!female && female_form) {
			a->last[l - (has_non_ascii(a->last) ? 2 : 1)] = 0;
			if (k)
				a->last_key[k - 1] = 0;
		}
	} else if (female && (ends_with(a->last, "ski") || ends_with(a->last, "cki"))) {
		a->last[strlen(a->last) - 1] = 'a';
		size_t k = strlen(a->last_key);
		if (k)
			a->last_key[k - 1] = 'a';
	} else if (female && ends_with(a->last, "\xc3\xa1k")) { /* Czech: Novák -> Nováková */
		scat(a->last, sizeof a->last, "ov\xc3\xa1");
		scat(a->last_key, sizeof a->last_key, "ova");
	} else if (!female && ends_with(a->last, "ov\xc3\xa1")) { /* Czech: Nováková -> Novák */
		a->last[strlen(a->last) - 4] = 0;
		size_t k = strlen(a->last_key);
		if (k >= 3)
			a->last_key[k - 3] = 0;
	}
}

/* Sets the person's name from table entries: native script or romanised per the culture.
 * f2 (a second given name) and l2 (a second surname, hyphenated) may be NULL. */
void set_name(struct gen_ctx *g, struct acct *a, size_t ci, const struct gname *f,
	const struct gname *f2, const struct gname *l, const struct gname *l2)
{
	const struct names_culture *c = g->cult[ci].c;
	int native = c->latin || rng_pct(&g->r, (unsigned)c->native_share);
	a->culture = (int)ci;
	scpy(a->first, sizeof a->first, native ? f->native : f->ascii);
	scpy(a->last, sizeof a->last, native ? l->native : l->ascii);
	scpy(a->first_key, sizeof a->first_key, f->key);
	scpy(a->last_key, sizeof a->last_key, l->key);
	if (f2 && strcmp(f2->native, f->native)) {
		/* two given names: "María José", "Jean-Marc"; CJK given names are written solid */
		char j[2] = { c->first_join ? c->first_join : c->latin ? ' ' : 0, 0 };
		if (!c->latin && !native)
			j[0] = 0;
		scat(a->first, sizeof a->first, j);
		if (!c->latin && !native) { /* romanised solid: "Weifang" */
			char lower[128];
			scpy(lower, sizeof lower, f2->ascii);
			for (size_t i = 0; lower[i]; i++)
				lower[i] = alower(lower[i]);
			scat(a->first, sizeof a->first, lower);
		} else {
			scat(a->first, sizeof a->first, native ? f2->native : f2->ascii);
		}
		scat(a->first_key, sizeof a->first_key, f2->key);
	}
	if (l2 && strcmp(l2->native, l->native)) {
		scat(a->last, sizeof a->last, "-");
		scat(a->last, sizeof a->last, native ? l2->native : l2->ascii);
		scat(a->last_key, sizeof a->last_key, l2->key);
	}
	gender_agree(c, a);
}

/* rare: a second given name and a second surname are forced (to get past name_cap) */
static void random_name_ex(struct gen_ctx *g, struct acct *a, size_t ci, int rare)
{
	const struct gculture *gc = &g->cult[ci];
	const struct gname *f = &gc->first.v[glist_pick(&gc->first, &g->r)], *f2 = NULL;
	const struct gname *l = &gc->last.v[glist_pick(&gc->last, &g->r)];
	const struct gname *l2 = NULL;
	/* a rare name uses only what the culture does: built surnames, two given names,
	 * double-barrelled surnames (a Russian name gets no second given name) */
	if (gc->synth.n && (rare || rng_pct(&g->r, (unsigned)gc->c->synth_pct)))
		l = &gc->synth.v[glist_pick(&gc->synth, &g->r)];
	if (gc->c->double_first && (rare || rng_pct(&g->r, (unsigned)gc->c->double_first)))
		f2 = &gc->first.v[glist_pick(&gc->first, &g->r)];
	if (gc->c->double_barrel && ((rare && rng_pct(&g->r, 50)) ||
	    rng_below(&g->r, 1000) < (size_t)gc->c->double_barrel))
		l2 = &gc->last.v[glist_pick(&gc->last, &g->r)];
	set_name(g, a, ci, f, f2, l, l2);
}

void random_name(struct gen_ctx *g, struct acct *a, size_t ci)
{
	random_name_ex(g, a, ci, 0);
}

/* A random name, re-drawn (a few times) while it is already as common as name_cap allows: a
 * few hundred table names would otherwise give a million-user instance thousands of John
 * Smiths and a truth file quadratic in them. */
void random_name_capped(struct gen_ctx *g, struct acct *a)
{
	for (int t = 0; t < 8; t++) {
		random_name_ex(g, a, pick_culture(g), t >= 2);
		uint32_t *c = htab_slot(&g->names, name_key(g, a->first, a->last), 0);
		/* a name already taken is kept now and then: people do share names, but with
		 * small tables they would share them far more often than in life */
		if (!c || !*c || (*c < g->name_cap && rng_pct(&g->r, 10)))
			return;
	}
}

/* ---- job attributes ------------------------------------------------------------------- */

static void random_team(struct gen_ctx *g, struct acct *a)
{
	if (rng_pct(&g->r, 80)) {
		a->hg = rng_below(&g->r, g->nhg);
		a->rp = rng_pct(&g->r, 85) ? a->hg % g->nrp : rng_below(&g->r, g->nrp);
	} else {
		a->hg = SIZE_MAX;
		a->rp = rng_below(&g->r, g->nrp);
	}
}

/* A team that differs from b's in both routing profile and hierarchy group. */
void other_team(struct gen_ctx *g, struct acct *a, const struct acct *b)
{
	for (int t = 0; t < MAX_TRIES; t++) {
		random_team(g, a);
		if (a->rp != b->rp && a->hg != b->hg)
			return;
	}
	a->rp = (b->rp + 1) % g->nrp;
	a->hg = b->hg == SIZE_MAX ? 0 : (b->hg + 1) % g->nhg;
}

void random_job(struct gen_ctx *g, struct acct *a)
{
	random_team(g, a);
	size_t r = rng_below(&g->r, 100);
	a->nsec = r < 80 ? 1 : r < 95 ? 2 : 3;
	a->sec[0] = rng_pct(&g->r, 85) ? 0 : 1 + rng_below(&g->r, NSECPROF - 1);
	for (size_t i = 1; i < a->nsec; i++)
		a->sec[i] = (a->sec[i - 1] + 1 + rng_below(&g->r, 2)) % NSECPROF;
	if (a->nsec == 3 && a->sec[2] == a->sec[0])
		a->nsec = 2;
	if (a->nsec == 2 && a->sec[1] == a->sec[0])
		a->nsec = 1;
}

int random_phone_config(struct gen_ctx *g, struct acct *a)
{
	static const int acw[] = { 0, 0, 30, 60, 60, 120, 180, 300 };
	a->auto_accept = rng_pct(&g->r, 20);
	a->acw = acw[rng_below(&g->r, sizeof acw / sizeof acw[0])];
	a->desk_type = rng_pct(&g->r, 15);
	a->desk[0] = 0;
	if (a->desk_type)
		return new_phone(g, a, a->desk, sizeof a->desk);
	return 0;
}

void random_extras(struct gen_ctx *g, struct acct *a, unsigned dir_pct)
{
	a->has_dir = rng_pct(&g->r, dir_pct);
	if (a->has_dir)
		uuid_from(rng_next(&g->r), rng_next(&g->r), a->dir);
	a->ntags = rng_pct(&g->r, 30) ? 1 + (int)rng_below(&g->r, 3) : 0;
	a->tag_dept = rng_below(&g->r, names_ndepartments);
	a->tag_site = rng_below(&g->r, names_nsites);
	a->tag_cc = 1000 + rng_below(&g->r, 9000);
}

/* A complete new person: name (given or random), job, identifiers, phones. */
int new_person(struct gen_ctx *g, struct acct *a, int have_name)
{
	if (!have_name)
		random_name_capped(g, a);
	a->person = g->next_person++;
	a->nkeys = 0;
	a->email[0] = a->secondary[0] = a->username[0] = a->mobile[0] = 0;
	random_job(g, a);
	random_extras(g, a, 60);
	a->lmt = T_START + floor(rng_unit(&g->r) * (T_END - T_START) * 1000.0) / 1000.0;
	/* a few contractors have a personal address as their work e-mail */
	if (rng_pct(&g->r, 3))
		personal_email(g, a, NULL, a->email, sizeof a->email);
	else
		new_email(g, a, NULL, -1, a->email, sizeof a->email);
	if (claim(g, a, a->email))
		return -1;
	new_username(g, a, -1, a->username, sizeof a->username);
	if (claim(g, a, a->username))
		return -1;
	if (rng_pct(&g->r, 20)) {
		personal_email(g, a, NULL, a->secondary, sizeof a->secondary);
		if (claim(g, a, a->secondary))
			return -1;
	}
	if (rng_pct(&g->r, 45) && new_phone(g, a, a->mobile, sizeof a->mobile))
		return -1;
	return random_phone_config(g, a);
}
