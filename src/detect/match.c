/* match.c -- detection beyond exact matches: the public functions and match_run, which drives
 * features (features.c), blocking (block.c, typo.c) and scoring (model.c).
 *
 * The shape of it: every user is reduced once to interned normalised values (names, addresses,
 * handles, phones); each value also counts how many users carry it, which is what rarity is
 * made of. Users sharing an exact key (an address, a handle, a phone, a full name in either
 * order, a nickname group + last name, a directory id) or whose compact full names lie within
 * one edit (deletion neighbourhoods) become candidate pairs; nothing else is ever compared.
 * Each candidate is then scored on all fields at once: the weights are log2 likelihood
 * ratios, so they add, and a value many users share is worth fewer bits than a rare one.
 * match_int.h lists the files and what they share. */
#include "detect/match.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "arena.h"
#include "grow.h"
#include "mem.h"
#include "detect/match_int.h"
#include "detect/nicknames.h"

const char *const table_what[T_COUNT] = {
	"first name", "last name", "name", "name", "nickname", "e-mail", "username", "local part", "phone", "routing profile", "hierarchy group", "team", "directory user",
	"name in team", "nickname in team", "role", "team and role", "mail organisation",
	"last name + first initial", "first name + last initial", "name prefixes",
};

void match_opts_init(struct match_opts *o, enum match_mode mode)
{
	memset(o, 0, sizeof(*o));
	o->mode = mode;
	o->threshold = MATCH_DEFAULT_THRESHOLD;
	o->possible = mode == MATCH_THOROUGH ? 0.01 : MATCH_DEFAULT_POSSIBLE;
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
	if (!(c.name_arena = arena_new())) {
		r = CD_NOMEM;
		goto out;
	}
	/* An arena is filled by one extraction thread only (features.c): the names' strings
	 * (name_arena) stay for scoring; the identifiers' (addresses, handles, phones) go with
	 * c.arena after blocking. Key tables hold no strings. */
	for (int t = 0; t < T_COUNT; t++)
		c.t[t].arena = c.arena;
	c.t[T_FIRST].arena = c.t[T_LAST].arena = c.t[T_CNAME].arena = c.t[T_SWAP].arena =
		c.name_arena;
	c.t[T_NICK].keyed = c.t[T_TEAM].keyed = c.t[T_ROLE].keyed = c.t[T_TEAMROLE].keyed =
		c.t[T_SWAPTEAM].keyed = c.t[T_NICKTEAM].keyed = c.t[T_LASTI].keyed =
			c.t[T_FIRSTI].keyed = c.t[T_PFX].keyed = 1;
	/* keys that are a user's value as it is: the table borrows the users' strings */
	c.t[T_ROUTING].arena = c.t[T_HIER].arena = c.t[T_DIR].arena = NULL;
	if ((r = nick_table_new(&c.nick, err, errlen)) != CD_OK)
		goto out;
	if (!(c.f = malloc(users->n * sizeof(*c.f)))) {
		r = CD_NOMEM;
		goto out;
	}
	/* The features and the one-edit keys (typo.c) are the arrays over 4 MB at 100,000 users;
	 * huge pages for them pay when malloc's are off (mem.h): analyze of golden/users100k
	 * 0.71 s with the hints, 0.81 s without, features 0.231 s / 0.275 s (best of 8,
	 * CONNECT_DUPES_NO_HUGEPAGES=1, the shared 2-core machine). */
	mem_advise_huge(c.f, users->n * sizeof(*c.f));
	{
		/* the tables that get about one value per user */
		static const int per_user[] = { T_ADDR, T_UNAME, T_LOCAL, T_CNAME, T_SWAP, T_SWAPTEAM,
						T_LASTI, T_FIRSTI, T_PFX };
		for (size_t k = 0; k < sizeof(per_user) / sizeof(per_user[0]) && r == CD_OK; k++)
			r = itab_reserve(&c.t[per_user[k]], users->n);
		if (r != CD_OK)
			goto out;
	}
	if ((r = feat_extract(&c)) != CD_OK)
		goto out;
	if (opts->one_core_free)
		opts->one_core_free(opts->one_core_arg);
	if ((r = block_lone_parts(&c)) != CD_OK)
		goto out;
	for (int t = 0; t < T_COUNT; t++)
		itab_freeze(&c.t[t]);
	feat_count(&c);
	stage_done(&res->stats, MS_FEATURES, &t0);
	static const int blocking[] = { T_ADDR, T_UNAME, T_LOCAL, T_PHONE, T_SWAP, T_NICK, T_DIR,
					T_SWAPTEAM, T_NICKTEAM, T_LASTI, T_FIRSTI, T_PFX };
	for (size_t k = 0; k < sizeof(blocking) / sizeof(blocking[0]) && r == CD_OK; k++)
		r = block_pairs(&c, blocking[k]);
	if (r == CD_OK) {
		/* Scoring reads the strings of the name tables only (of the rest: ids and counts),
		 * so the other strings and the tables that only made blocks go before the one-edit
		 * stage, where memory peaks. */
		if (!(c.local_len = malloc(c.t[T_LOCAL].n ? c.t[T_LOCAL].n : 1))) {
			r = CD_NOMEM;
			goto out;
		}
		for (size_t k = 0; k < c.t[T_LOCAL].n; k++) {
			size_t len = 0;
			for (const unsigned char *q = (const unsigned char *)c.t[T_LOCAL].str[k]; *q; q++)
				len += (*q >= 0x80 && *q < 0xC0) ? 0 : (*q >= 0x80 || isalnum(*q)) ? 1 : 0;
			c.local_len[k] = (uint8_t)(len > 255 ? 255 : len);
		}
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
		c.arena = NULL;
	}
	stage_done(&res->stats, MS_BLOCKS, &t0);
	if (r == CD_OK)
		r = typo_pairs(&c);
	stage_done(&res->stats, MS_TYPOS, &t0);
	if (r == CD_OK)
		r = radix_u64(c.cand.v, c.cand.n);
	if (r != CD_OK)
		goto out;
	r = model_run(&c, res, err, errlen);
	stage_done(&res->stats, MS_SCORING, &t0);
out:
	if (r == CD_NOMEM && err && errlen && !err[0])
		snprintf(err, errlen, "out of memory during detection");
	else if (r == CD_TOOBIG && err && errlen && !err[0])
		snprintf(err, errlen, "more than %zu values or pairs of one kind during detection",
			 GROW_MAX_ELEMS);
	for (int t = 0; t < T_COUNT; t++) {
		itab_release(&c.t[t]);
		free(c.blocks[t].v);
	}
	free(c.cand.v);
	free(c.f);
	free(c.local_len);
	nick_table_free(c.nick);
	arena_free(c.arena);
	arena_free(c.name_arena);
	return r;
}
