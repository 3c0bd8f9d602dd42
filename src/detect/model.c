/* model.c -- the Fellegi-Sunter model of match_run: each candidate pair's comparison levels,
 * u and m estimated from the instance (random pairs + EM, fsmodel.c), term-frequency weights,
 * and the scored pairs.
 *
 * The population the model describes is every pair of users. The candidate pairs (blocking)
 * are all counted; the pairs blocking did not make are represented by a deterministic random
 * sample of them, each standing for (all pairs - candidates) / sample pairs. EM over that
 * population estimates m, u and the prior lambda = P(two users are one person) together: u
 * comes out as the share of each level among the pairs that are not one person (Splink's
 * random-pair u), m and lambda from the candidates that are; the names' m, which blocking on
 * names would skew among the candidates, from all pairs with the other comparisons fixed
 * (names_em; identifier-joined pairs or first/last EM where that cannot be). Exact agreement
 * on a name, an address or a username is then weighted by the value's own frequency (term
 * frequency), not the average. */
#include "detect/match_int.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "grow.h"
#include "detect/fuzzy.h"
#include "detect/normalize.h"

/* Non-candidate pairs compared to estimate u (all of them when there are fewer). */
#define MODEL_SAMPLE 250000u
#define MODEL_SEED 0x9E3779B97F4A7C15ull
/* Pseudo-pairs pulling u towards typical values (comps[].u): a 12-user instance has 66 pairs,
 * too few to say how often strangers share a phone; at 10,000 users they weigh nothing. */
#define U_PSEUDO 1000.0
/* Pseudo-counts pulling EM's m towards its start values, for the same reason. */
#define M_PSEUDO 10.0
/* An identifier carried by more accounts than this joins none of them for counting a name's
 * carriers (a team mailbox is not one person). */
#define JOIN_MAX 4
/* Sane bounds: pairs of one person per account, and the first/last EM's m of exact agreement. */
#define MAX_PAIRS_PER_USER 3.0
#define PARTS_M_EXACT_MIN 0.4
/* Rounds of EM and u corrected for the pairs that are one person. */
#define MODEL_ROUNDS 3
/* Pseudo-pairs pulling the names' m towards the start values (few identifier-joined pairs). */
#define NAME_M_PSEUDO 20.0
/* Identifier-joined pairs from which the names' m counts as measured. */
#define NAME_M_MIN 50
/* Pairs of one person (expected, by names_em) from which its names' m is taken. */
#define NAME_EM_MIN 20.0
/* The least m of an exact name names_em may find (below it, the EM found some other structure). */
#define NAME_EM_EXACT_MIN 0.1

/* Name smoothing: the frequencies of name parts are shrunk towards a typical name's share
 * (NAME_PRIOR_USERS pseudo-users): in a 12-user instance every name is "1 in 12", which says
 * nothing about how common it is among people. */
#define NAME_PRIOR_USERS 1000.0
#define NAME_PRIOR_FIRST (1.0 / 500)
#define NAME_PRIOR_LAST (1.0 / 2000)

/* Start values of EM (also where its pseudo-counts pull a level no pair reaches). u starts at
 * the level's share in the whole population (measured), m here: "a second account of one
 * person mostly agrees, sometimes slips". */
static const struct {
	const char *name;
	uint8_t nlevels;
	const char *levels[FS_MAX_LEVELS];
	double m[FS_MAX_LEVELS];
	double u[FS_MAX_LEVELS]; /* where u leans in a small instance (U_PSEUDO pairs' worth) */
} comps[MODEL_NCOMP] = {
	[C_NAME] = { "name", 8,
		     { "null", "exact", "swapped", "nickname_or_initial", "osa1", "osa2_or_jw", "one_part", "different" },
		     { 0, 0.70, 0.03, 0.05, 0.08, 0.05, 0.04, 0.05 },
		     { 0, 1e-4, 1e-6, 1e-5, 1e-5, 2e-5, 5e-3, 0.995 } },
	[C_EMAIL] = { "email", EL_COUNT,
		      { "null", "exact", "local_same_org", "local_other_domain", "local_near_org", "local_near_other", "different" },
		      { 0, 0.50, 0.10, 0.05, 0.10, 0.02, 0.23 },
		      { 0, 1e-6, 1e-6, 1e-5, 1e-5, 1e-4, 0.9999 } },
	[C_USER] = { "username", UL_COUNT,
		     { "null", "exact", "handle", "near", "different" },
		     { 0, 0.30, 0.20, 0.20, 0.30 },
		     { 0, 1e-6, 1e-6, 1e-4, 0.9999 } },
	[C_PHONE] = { "phone", 3, { "null", "same", "different" }, { 0, 0.5, 0.5 }, { 0, 1e-5, 1 } },
	[C_DIR] = { "directory", 3, { "null", "same", "different" }, { 0, 0.8, 0.2 }, { 0, 1e-6, 1 } },
	[C_JOB] = { "job", 6,
		    { "null", "team_and_profiles", "team", "routing_profile", "hierarchy_group", "different" },
		    { 0, 0.30, 0.20, 0.20, 0.10, 0.20 },
		    { 0, 0.01, 0.02, 0.05, 0.05, 0.87 } },
};

const char *model_comparison_name(unsigned k)
{
	return k < MODEL_NCOMP ? comps[k].name : "unknown";
}

/* The levels of the name comparison (comps[C_NAME]). */
enum { NM_EXACT = 1, NM_SWAPPED, NM_NICK_INITIAL, NM_OSA1, NM_OSA2, NM_ONE_PART, NM_DIFFERENT };

static int has_phone(const struct feat *f)
{
	return f->mobile != NONE || f->desk != NONE;
}

void model_levels(const struct ctx *c, uint32_t ia, uint32_t ib, const struct match_cmp *m,
		  uint8_t *lv)
{
	const struct feat *a = &c->f[ia], *b = &c->f[ib];
	static const uint8_t name_lv[] = {
		[NL_NONE] = 0, [NL_SAME] = NM_EXACT, [NL_UMLAUT] = NM_EXACT, [NL_SPLIT] = NM_EXACT,
		[NL_SWAPPED] = NM_SWAPPED, [NL_NICKNAME] = NM_NICK_INITIAL, [NL_INITIAL] = NM_NICK_INITIAL,
		[NL_TYPO1] = NM_OSA1, [NL_TYPO2] = NM_OSA2, [NL_PARTIAL] = NM_ONE_PART,
		[NL_DIFFERENT] = NM_DIFFERENT,
	};
	lv[C_NAME] = name_lv[m->name];
	lv[C_EMAIL] = m->email_lv;
	lv[C_USER] = m->user_lv;
	lv[C_PHONE] = !has_phone(a) || !has_phone(b) ? 0 : m->phone ? 1 : 2;
	lv[C_DIR] = a->dir == NONE || b->dir == NONE ? 0 : m->directory ? 1 : 2;
	int comparable = (a->routing != NONE && b->routing != NONE) || (a->hier != NONE && b->hier != NONE);
	lv[C_JOB] = !comparable ? 0 :
		    m->job == JOB_TEAM ? (m->same_teamrole ? 1 : 2) :
		    m->job == JOB_ROUTING ? 3 :
		    m->job == JOB_HIER ? 4 : 5;
}

/* --- union-find over the users joined by an identifier (same address, username, directory
 * id): one person's accounts count once when a name's carriers are counted. */
static uint32_t uf_find(uint32_t *p, uint32_t x)
{
	while (p[x] != x) {
		p[x] = p[p[x]];
		x = p[x];
	}
	return x;
}

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static int is_cand(const uint64_t *v, size_t n, uint64_t x)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo] == x;
}

/* Runs range(arg, lo, hi) over [0, n): the second half in a thread when one can be made (else
 * all here). For per-pair or per-user work that writes only its own slots. */
struct half_job {
	void (*range)(void *arg, size_t lo, size_t hi);
	void *arg;
	size_t lo, hi;
};

static void *half_run(void *arg)
{
	struct half_job *j = arg;
	j->range(j->arg, j->lo, j->hi);
	return NULL;
}

static void two_halves(size_t n, void (*range)(void *arg, size_t lo, size_t hi), void *arg)
{
	struct half_job second = { range, arg, n / 2, n };
	pthread_t th;
	int threaded = n >= 4096 && pthread_create(&th, NULL, half_run, &second) == 0;
	range(arg, 0, threaded ? n / 2 : n);
	if (threaded)
		pthread_join(th, NULL);
}

static void derived_range(void *arg, size_t lo, size_t hi)
{
	struct ctx *c = arg;
	for (size_t i = lo; i < hi; i++) {
		const struct user *u = &c->users->v[i];
		const struct feat *f = &c->f[i];
		/* the normalised names: "José" made "jose" as a login would */
		const char *fn = f->first != NONE ? c->t[T_FIRST].str[f->first] : "";
		const char *ln = f->last != NONE ? c->t[T_LAST].str[f->last] : "";
		if (!fn[0] && !ln[0])
			continue;
		/* a name in another script (Олена, 花子) is romanised into its handles in ways
		 * not checked here: its handles are taken as built from it */
		int latin = 0;
		for (const char *q = fn; *q && !latin; q++)
			latin = (*q >= 'a' && *q <= 'z');
		for (const char *q = ln; *q && !latin; q++)
			latin = (*q >= 'a' && *q <= 'z');
		if (u->username[0] && (!latin || handle_from_name(u->username, fn, ln)))
			c->derived[i] |= DERIVED_USER;
		if (u->email[0] && (!latin || handle_from_name(u->email, fn, ln)))
			c->derived[i] |= DERIVED_EMAIL;
	}
}

/* The letters-only name test of every user's handles (compare.c reads c->derived), in two
 * halves (two_halves): at 1,000,000 users one thread took 0.74 s of the scoring stage. */
static enum cd_result model_derived(struct ctx *c)
{
	size_t n = c->users->n;
	if (!(c->derived = calloc(n ? n : 1, 1)))
		return CD_NOMEM;
	two_halves(n, derived_range, c);
	return CD_OK;
}

/* The options of every EM here: no m or u below one pair of all (or 10^-6), 50 iterations,
 * stop at changes under 10^-4, `pseudo` pairs pulling m to the start values. */
static struct fs_em_opts em_opts(double all, double pseudo)
{
	struct fs_em_opts eo;
	fs_em_opts_init(&eo);
	eo.floor = 1.0 / all < 1e-6 ? 1.0 / all : 1e-6;
	eo.max_iter = 50;
	eo.tol = 1e-4;
	eo.pseudo = pseudo;
	return eo;
}

/* cc[value] += the distinct people among k keys key2(value, person) (v is sorted here). */
static enum cd_result count_people(uint64_t *v, size_t k, uint32_t *cc)
{
	enum cd_result r = radix_u64(v, k);
	for (size_t i = 0; r == CD_OK && i < k; i++)
		if (i == 0 || v[i] != v[i - 1])
			cc[v[i] >> 32]++;
	return r;
}

/* Carriers of each full name, one person's identifier-joined accounts counted once. */
static enum cd_result name_carriers(struct ctx *c, uint32_t *parent, uint32_t **out)
{
	size_t n = c->users->n, k = 0, nn = c->t[T_CNAME].n;
	uint64_t *v = malloc((n ? n : 1) * sizeof(*v));
	uint32_t *cc = calloc(nn ? nn : 1, sizeof(*cc));
	enum cd_result r = CD_OK;
	if (!v || !cc) {
		r = CD_NOMEM;
		goto out;
	}
	/* only accounts an identifier can tell apart count: two accounts with a name and nothing
	 * else may be one person (that is what is being asked) */
	for (size_t i = 0; i < n; i++)
		if (c->f[i].cname != NONE &&
		    (c->f[i].email != NONE || c->f[i].dir != NONE || has_phone(&c->f[i])))
			v[k++] = key2(c->f[i].cname, uf_find(parent, (uint32_t)i));
	r = count_people(v, k, cc);
out:
	free(v);
	if (r != CD_OK) {
		free(cc);
		cc = NULL;
	}
	*out = cc;
	return r;
}

/* The mailbox name (T_LOCAL id) users a and b share, or NONE. */
static uint32_t shared_local(const struct feat *a, const struct feat *b)
{
	if (a->l_user != NONE && (a->l_user == b->l_user || a->l_user == b->l_email))
		return a->l_user;
	if (a->l_email != NONE && (a->l_email == b->l_user || a->l_email == b->l_email))
		return a->l_email;
	return NONE;
}

/* People carrying each mailbox name (T_LOCAL): one person's identifier-joined accounts count
 * once (three accounts of fb@nelson.com are one "fb"), and so do the accounts with that mailbox
 * name at one organisation's domains, or at a domain a slip away (compare.c's same_mailbox:
 * mail systems give one person one mailbox name per organisation). What is left is how many
 * people use it: "fb" at seven unrelated domains is seven people's initials. */
static enum cd_result handle_carriers(struct ctx *c, const uint32_t *parent, const struct model_pair *mp,
				      size_t nc, uint32_t **out, uint32_t **person)
{
	size_t n = c->users->n, k = 0, nl = c->t[T_LOCAL].n;
	uint64_t *v = malloc((n ? 2 * n : 1) * sizeof(*v));
	uint32_t *cc = calloc(nl ? nl : 1, sizeof(*cc)), *hp = malloc((n ? n : 1) * sizeof(*hp));
	enum cd_result r = CD_OK;
	if (!v || !cc || !hp) {
		r = CD_NOMEM;
		goto out;
	}
	memcpy(hp, parent, n * sizeof(*hp));
	for (size_t i = 0; i < nc; i++)
		if (mp[i].same_mailbox)
			hp[uf_find(hp, mp[i].a)] = uf_find(hp, mp[i].b);
	for (size_t i = 0; i < n; i++)
		hp[i] = uf_find(hp, (uint32_t)i); /* every user straight to its person: pair_u reads it */
	for (size_t i = 0; i < n; i++) {
		const struct feat *f = &c->f[i];
		uint32_t root = uf_find(hp, (uint32_t)i);
		if (f->l_user != NONE)
			v[k++] = key2(f->l_user, root);
		if (f->l_email != NONE && f->l_email != f->l_user)
			v[k++] = key2(f->l_email, root);
	}
	r = count_people(v, k, cc);
out:
	free(v);
	if (r != CD_OK) {
		free(cc);
		free(hp);
		cc = hp = NULL;
	}
	*out = cc;
	*person = hp;
	return r;
}

static void model_init(struct fs_model *fm)
{
	memset(fm, 0, sizeof(*fm));
	fm->ncomp = MODEL_NCOMP;
	for (unsigned k = 0; k < MODEL_NCOMP; k++) {
		struct fs_comparison *x = &fm->c[k];
		x->name = comps[k].name;
		x->nlevels = comps[k].nlevels;
		for (unsigned l = 0; l < x->nlevels; l++) {
			x->level_names[l] = comps[k].levels[l];
			x->m[l] = comps[k].m[l];
		}
	}
}

/* u of every level: its count among all pairs less the expected pairs of one person
 * (matched * m), over the pairs of different people; never below one pair in all. */
static void set_u(struct fs_model *fm, double tot[][FS_MAX_LEVELS], double matched, double all,
		  const bool *measured)
{
	for (unsigned k = 0; k < MODEL_NCOMP; k++) {
		struct fs_comparison *x = &fm->c[k];
		if (matched > 0 && !measured[k])
			continue; /* m is a start value: taking its pairs out would be a guess */
		double v[FS_MAX_LEVELS] = { 0 }, s = 0;
		for (unsigned l = 1; l < x->nlevels; l++) {
			v[l] = tot[k][l] - matched * x->m[l] * (tot[k][l] > 0 ? 1 : 0);
			if (v[l] < 1.0)
				v[l] = 1.0;
			v[l] += U_PSEUDO * comps[k].u[l];
			s += v[l];
		}
		for (unsigned l = 1; l < x->nlevels; l++)
			x->u[l] = s > 0 ? v[l] / s : 1.0 / x->nlevels;
	}
}

/* Sane bounds on an estimated model: at least one pair of one person in the instance, no more
 * than MAX_PAIRS_PER_USER per account (a set where every candidate looks alike cannot say how
 * many are one person), and no m so small that one slip vetoes a pair. */
static void bound_model(struct fs_model *fm, double all, size_t n)
{
	if (!(fm->lambda > 0))
		fm->lambda = 1.0 / all;
	if (fm->lambda * all > MAX_PAIRS_PER_USER * (double)n)
		fm->lambda = MAX_PAIRS_PER_USER * (double)n / all;
	if (fm->lambda < 1.0 / all)
		fm->lambda = 1.0 / all;
	if (fm->lambda > 0.5)
		fm->lambda = 0.5;
	for (unsigned k = 0; k < MODEL_NCOMP; k++)
		for (unsigned l = 1; l < fm->c[k].nlevels; l++)
			if (fm->c[k].m[l] < 1e-4)
				fm->c[k].m[l] = 1e-4;
}

/* Smoothed share of people carrying a first / last name of count users. */
static double share(double count, double n, double prior)
{
	return (count + NAME_PRIOR_USERS * prior) / (n + NAME_PRIOR_USERS);
}

/* The u of this pair's level of comparison k: the value's own frequency for exact agreement on
 * a name, an address or a username, the level's average otherwise. */
/* The frequency of a pair's name for term-frequency weights: the commoner of the two (a
 * typo's or a swapped order's spelling is rare because it is the slip), a missing part
 * agreeing with anyone's (only the present part is evidence). */
static double name_freq(const struct ctx *c, const struct feat *a, const struct feat *b)
{
	double n = (double)c->users->n;
	double fa = (a->first != NONE ? share(c->t[T_FIRST].count[a->first], n, NAME_PRIOR_FIRST) : 1.0) *
		    (a->last != NONE ? share(c->t[T_LAST].count[a->last], n, NAME_PRIOR_LAST) : 1.0);
	double fb = (b->first != NONE ? share(c->t[T_FIRST].count[b->first], n, NAME_PRIOR_FIRST) : 1.0) *
		    (b->last != NONE ? share(c->t[T_LAST].count[b->last], n, NAME_PRIOR_LAST) : 1.0);
	return fa > fb ? fa : fb;
}

/* The u of this pair's level of comparison k: the value's own frequency for exact agreement on
 * a name, an address or a username; for the near name levels the level's u scaled by the name's
 * frequency relative to the level's average (a slip in a common name meets another person more
 * often); the level's u otherwise. */
static double pair_u(const struct ctx *c, const struct fs_model *fm, const struct model_pair *mp,
		     unsigned k, const struct model_tf *tfs, double *tf)
{
	const struct fs_comparison *x = &fm->c[k];
	uint8_t l = mp->lv[k];
	double n = (double)c->users->n, u = x->u[l];
	const struct feat *a = &c->f[mp->a], *b = &c->f[mp->b];
	*tf = 0;
	if (k == C_NAME && (l == 1 || l == 2)) {
		double f = name_freq(c, a, b);
		/* never below what the instance shows: the other people (told apart by an
		 * identifier) carrying the name */
		uint32_t ca = a->cname != NONE ? tfs->carriers[a->cname] : 0;
		uint32_t cb = b->cname != NONE ? tfs->carriers[b->cname] : 0;
		uint32_t cmax = ca > cb ? ca : cb;
		if (cmax > 1 && f < (cmax - 1) / n)
			f = (cmax - 1) / n;
		*tf = f;
		u = f;
	} else if (k == C_NAME && l >= 3 && l <= 5 && tfs->mean[l] > 0) {
		*tf = name_freq(c, a, b);
		u = x->u[l] * *tf / tfs->mean[l];
		/* a slip of a name several people carry ("Andrxej Nowak") is as near to each of
		 * them: the chance it meets another is at least the other carriers' share */
		uint32_t ca = a->cname != NONE ? tfs->carriers[a->cname] : 0;
		uint32_t cb = b->cname != NONE ? tfs->carriers[b->cname] : 0;
		uint32_t cmax = ca > cb ? ca : cb;
		if (cmax > 1 && u < (cmax - 1) / n)
			u = (cmax - 1) / n;
		if (u > 0.5)
			u = 0.5;
	} else if ((k == C_EMAIL && l == EL_EXACT) || (k == C_USER && l == UL_EXACT)) {
		/* a mailbox or login shared by more accounts than the pair (a team mailbox) says
		 * less: the others carrying it */
		if (mp->idcount > 2 && u < (mp->idcount - 2) / n)
			u = (mp->idcount - 2) / n;
		*tf = u;
	} else if (((k == C_EMAIL && (l == EL_LOCAL_ORG || l == EL_LOCAL_OTHER)) ||
		    (k == C_USER && l == UL_HANDLE)) && tfs->handles) {
		/* the same for a mailbox name: "fb" at seven domains is the handle of several
		 * people, however rarely two random users share one. People, not accounts: one
		 * person's identifier-joined accounts count once (handle_carriers). */
		uint32_t h = shared_local(a, b), cc = h != NONE ? tfs->handles[h] : 0;
		/* the carriers besides this pair, taken to be one person */
		uint32_t self = tfs->person[mp->a] == tfs->person[mp->b] ? 1 : 2;
		double others = cc > self ? cc - self : 0;
		/* and a short one is someone's initials wherever it is: shrunk towards a share of
		 * 26^-letters ("fb", "f.s": 1 in 676), as a name towards a typical name's share */
		double len = h != NONE && c->local_len ? c->local_len[h] : 255;
		double f = (others + NAME_PRIOR_USERS * pow(26.0, -len)) / (n + NAME_PRIOR_USERS);
		if (u < f)
			u = f;
		*tf = u;
	}
	return u;
}

double model_pair_weight(const struct ctx *c, const struct fs_model *fm, const struct model_pair *mp,
			 unsigned k, const struct model_tf *tfs, double *tf)
{
	uint8_t l = mp->lv[k];
	*tf = 0;
	if (l == 0 || l >= fm->c[k].nlevels)
		return 0;
	double u = pair_u(c, fm, mp, k, tfs, tf);
	return log2(fm->c[k].m[l] / u);
}

/* The average name frequency of the candidates at each near name level (pair_u). The geometric
 * mean: weights are logarithms, so the level's average weight stays its m/u. */
static void tf_means(const struct ctx *c, const struct model_pair *mp, size_t nc, struct model_tf *tfs)
{
	double sum[FS_MAX_LEVELS] = { 0 }, cnt[FS_MAX_LEVELS] = { 0 };
	for (size_t i = 0; i < nc; i++) {
		uint8_t l = mp[i].lv[C_NAME];
		if (l >= 3 && l <= 5) {
			sum[l] += log(name_freq(c, &c->f[mp[i].a], &c->f[mp[i].b]));
			cnt[l]++;
		}
	}
	for (unsigned l = 0; l < FS_MAX_LEVELS; l++)
		tfs->mean[l] = cnt[l] > 0 ? exp(sum[l] / cnt[l]) : 0;
}

/* Job agreement under this many bits is not listed as evidence (it still counts). */
#define MIN_JOB_BITS 0.5

static void add_ev(struct match_pair *p, enum match_kind k, double w)
{
	if (p->nev < MATCH_MAX_EVIDENCE) {
		p->ev[p->nev].kind = (uint8_t)k;
		p->ev[p->nev].weight = (float)w;
		p->nev++;
	}
}

/* The pair's evidence for the reports: one entry per agreeing comparison (and the names'
 * disagreement), with the model's weight. */
static void model_evidence(const struct match_cmp *m, const uint8_t *lv, const double *w,
			   struct match_pair *p)
{
	static const enum match_kind addr[] = { [ADDR_EMAIL] = MK_EMAIL, [ADDR_SECONDARY] = MK_EMAIL_SECONDARY,
						[ADDR_USERNAME_EMAIL] = MK_USERNAME_EMAIL, [ADDR_NONE] = MK_EMAIL };
	if (lv[C_EMAIL] == EL_EXACT)
		add_ev(p, addr[m->addr], w[C_EMAIL]);
	else if (lv[C_EMAIL] >= EL_LOCAL_ORG && lv[C_EMAIL] <= EL_NEAR_OTHER)
		add_ev(p, MK_HANDLE, w[C_EMAIL]);
	if (lv[C_USER] == UL_EXACT)
		add_ev(p, MK_USERNAME, w[C_USER]);
	else if (lv[C_USER] == UL_HANDLE || lv[C_USER] == UL_NEAR)
		add_ev(p, MK_HANDLE, w[C_USER]);
	if (lv[C_DIR] == 1)
		add_ev(p, MK_DIRECTORY, w[C_DIR]);
	if (lv[C_PHONE] == 1)
		add_ev(p, MK_PHONE, w[C_PHONE]);
	switch (lv[C_NAME]) {
	case 1: add_ev(p, MK_NAME, w[C_NAME]); break;
	case 2: add_ev(p, MK_NAME_SWAPPED, w[C_NAME]); break;
	case 3: add_ev(p, m->name == NL_NICKNAME ? MK_NICKNAME : MK_NAME_INITIAL, w[C_NAME]); break;
	case 4: case 5: add_ev(p, MK_NAME_TYPO, w[C_NAME]); break;
	case 6: case 7: add_ev(p, MK_NAME_DIFFERENT, w[C_NAME]); break;
	default: break;
	}
	if (lv[C_JOB] == 5) {
		/* different teams count against: shown on what differs */
		add_ev(p, MK_ROUTING, w[C_JOB] / 2);
		add_ev(p, MK_HIERARCHY, w[C_JOB] / 2);
	} else if (w[C_JOB] < MIN_JOB_BITS) {
		/* a job shared so widely it says nothing: not shown as evidence */
	} else if (lv[C_JOB] == 1 || lv[C_JOB] == 2) {
		add_ev(p, MK_ROUTING, w[C_JOB] / 2);
		add_ev(p, MK_HIERARCHY, w[C_JOB] / 2);
	} else if (lv[C_JOB] == 3) {
		add_ev(p, MK_ROUTING, w[C_JOB]);
	} else if (lv[C_JOB] == 4) {
		add_ev(p, MK_HIERARCHY, w[C_JOB]);
	}
}

/* Levels of one pair, and the count of the agreeing identifier. */
static void compare_levels(const struct ctx *c, uint32_t a, uint32_t b, struct model_pair *mp,
			   struct match_cmp *m, int parts)
{
	compare_pair(c, a, b, m);
	mp->a = a;
	mp->b = b;
	model_levels(c, a, b, m, mp->lv);
	mp->first = mp->last = 0;
	mp->same_mailbox = m->same_mailbox;
	if (parts)
		compare_parts(c, a, b, &mp->first, &mp->last);
	mp->idcount = m->addr != ADDR_NONE ? m->addr_count : m->username ? m->username_count : 0;
}

/* The levels of the pairs keys[lo, hi) (key2 of each), into mp[lo, hi). compare_levels only
 * reads the context, so two of these run at once, over the two halves. */
struct level_job {
	const struct ctx *c;
	const uint64_t *keys;
	struct model_pair *mp;
	int parts;
};

static void level_range(void *arg, size_t lo, size_t hi)
{
	struct level_job *j = arg;
	for (size_t i = lo; i < hi; i++) {
		struct match_cmp m;
		compare_levels(j->c, (uint32_t)(j->keys[i] >> 32), (uint32_t)j->keys[i], &j->mp[i], &m, j->parts);
	}
}

/* The levels of n pairs, in two halves (two_halves). Comparing is most of scoring: the
 * candidates and the 250,000 sampled pairs. This pays when a second core is free: the scoring
 * stage of analyze -v at 100,000 users (connect-emu generate --seed 1) 0.47 s with the thread,
 * 0.81 s without (best of 8 each, alternating); at 1,000,000 2.8 s / 4.0 s (best of 3), on the
 * shared 2-core machine. */
static void pair_levels(const struct ctx *c, const uint64_t *keys, struct model_pair *mp, size_t n,
			int parts)
{
	struct level_job j = { c, keys, mp, parts };
	two_halves(n, level_range, &j);
}

/* (first, last, full name) levels of one pair, for parts_em. */
static enum cd_result aux_add(struct fs_patterns *p, const struct model_pair *x, double w)
{
	uint8_t lv[3] = { x->first, x->last, x->lv[C_NAME] };
	if (x->lv[C_NAME] == NM_SWAPPED)
		lv[0] = lv[1] = 1; /* swapped: the parts agree crosswise */
	return fs_patterns_add(p, lv, w);
}

/* The names' m where no identifier joins enough pairs: EM over all pairs (the candidates and
 * the weighted sample in *aux) with the first and the last name as two comparisons, u fixed at
 * their shares among all pairs (less the pairs of one person, a second round), m and lambda
 * free. Two comparisons with known u identify m and lambda, which one full-name comparison
 * cannot. Then each pattern's probability of being one person counts its full-name level into
 * cnt (expected pairs of one person per level); *lambda the prior among all pairs. */
static enum cd_result parts_em(const struct fs_patterns *aux, double all, double *cnt,
			       double *lambda, struct fs_model *pm)
{
	static const double m0[2][FS_MAX_LEVELS] = { { 0, 0.85, 0.05, 0.07, 0.03 }, { 0, 0.85, 0.10, 0.05 } };
	static const char *const fl[] = { "null", "exact", "nickname_or_initial", "near", "different" };
	static const char *const ll[] = { "null", "exact", "near", "different" };
	double tot[3][FS_MAX_LEVELS];
	memset(tot, 0, sizeof(tot));
	memset(pm, 0, sizeof(*pm));
	pm->ncomp = 3;
	for (size_t j = 0; j < aux->n; j++)
		for (unsigned k = 0; k < 3; k++)
			tot[k][aux->levels[j * 3 + k]] += aux->count[j];
	for (unsigned k = 0; k < 3; k++) {
		struct fs_comparison *x = &pm->c[k];
		x->name = k == 0 ? "first_name" : k == 1 ? "last_name" : "name";
		x->nlevels = k == 0 ? 5 : k == 1 ? 4 : comps[C_NAME].nlevels;
		x->fixed_u = true;
		for (unsigned l = 0; l < x->nlevels; l++) {
			x->level_names[l] = k == 0 ? fl[l] : k == 1 ? ll[l] : comps[C_NAME].levels[l];
			x->m[l] = k < 2 ? m0[k][l] : 1;
			x->u[l] = k < 2 ? (tot[k][l] > 1 ? tot[k][l] : 1) : 1;
		}
		if (k == 2)
			x->fixed_m = true; /* a passenger: weight 0, counted below */
	}
	struct fs_em_opts eo = em_opts(all, 1.0); /* fs_em's default pseudo-count */
	char err[160];
	unsigned iters = 0;
	for (int round = 0; round < 2; round++) {
		if (round) {
			/* u less the pairs of one person */
			for (unsigned k = 0; k < 2; k++) {
				struct fs_comparison *x = &pm->c[k];
				for (unsigned l = 1; l < x->nlevels; l++) {
					double v = tot[k][l] - pm->lambda * all * x->m[l];
					x->u[l] = v > 1 ? v : 1;
				}
			}
		}
		for (unsigned k = 0; k < 2; k++) {
			struct fs_comparison *x = &pm->c[k];
			double s = 0;
			for (unsigned l = 1; l < x->nlevels; l++)
				s += x->u[l];
			for (unsigned l = 1; l < x->nlevels; l++)
				x->u[l] /= s;
		}
		if (!round)
			pm->lambda = 1e-3;
		if (fs_em(pm, aux, &eo, err, sizeof err) != CD_OK)
			return CD_USAGE;
		iters += pm->iterations;
	}
	pm->iterations = iters;
	double lp = log2(pm->lambda / (1 - pm->lambda)), matched = 0, c2[FS_MAX_LEVELS] = { 0 };
	for (size_t j = 0; j < aux->n; j++) {
		const uint8_t *g = aux->levels + j * 3;
		double w = lp + fs_weight(pm, 0, g[0]) + fs_weight(pm, 1, g[1]);
		double post = fs_probability(w) * aux->count[j];
		c2[g[2]] += post;
		matched += post;
	}
	/* sane: one person's accounts mostly spell both names right; else the EM found some
	 * other structure (a family of look-alike names) and the start values stand */
	if (pm->c[0].m[1] < PARTS_M_EXACT_MIN || pm->c[1].m[1] < PARTS_M_EXACT_MIN || !(matched > 0)) {
		pm->ncomp = 0;
		return CD_USAGE;
	}
	memcpy(cnt, c2, sizeof(c2));
	*lambda = matched / all;
	return CD_OK;
}

/* The names' m by EM over all pairs (the candidates, counted, and the rest, sampled: weight w
 * each), every u and the other comparisons' m fixed at their estimates, lambda free. The pairs
 * the other fields say are one person anchor what each name level is worth, whether or not an
 * identifier joins them: counted on identifier-joined pairs alone, a level that comes with
 * different addresses (a swapped name on a second account made by hand) looked rare among
 * people. Over all pairs, not the candidates: blocking on names would make every name level
 * look like a match. ap: the candidates' patterns and the sample's, each of those weighted as
 * the pairs it stands for. Bounds, as Splink's: m pulled to the start values by NAME_M_PSEUDO
 * pairs, and a swapped or misspelt name never likelier than the exact one. On success, *fm's
 * name m and lambda are replaced; *matched the expected pairs of one person among all pairs. */
static enum cd_result names_em(struct fs_model *fm, const struct fs_patterns *ap, double all, size_t ncand,
			       double *matched, unsigned *iterations)
{
	struct fs_model em = *fm;
	for (unsigned k = 0; k < MODEL_NCOMP; k++) {
		em.c[k].fixed_u = true;
		em.c[k].fixed_m = k != C_NAME;
	}
	for (unsigned l = 1; l < comps[C_NAME].nlevels; l++)
		em.c[C_NAME].m[l] = comps[C_NAME].m[l]; /* the start values, where the pseudo-pairs pull */
	struct fs_em_opts eo = em_opts(all, NAME_M_PSEUDO);
	char e2[160];
	if (fs_em(&em, ap, &eo, e2, sizeof e2) != CD_OK)
		return CD_USAGE;
	*iterations = em.iterations;
	double sum = 0;
	for (size_t j = 0; j < ap->n; j++)
		sum += fs_probability(fs_total_weight(&em, ap->levels + j * MODEL_NCOMP)) * ap->count[j];
	struct fs_comparison *x = &em.c[C_NAME];
	/* sane: enough pairs of one person to count on, no more than blocking made candidates
	 * (it is built to make one of nearly every such pair; more is EM fitting noise, as in a
	 * dozen users), and a name that says something (on
	 * fake_1000, keyed by hand with slips, a fifth of one person's pairs spell it alike) */
	if (!(sum >= NAME_EM_MIN) || sum > (double)ncand || x->m[NM_EXACT] < NAME_EM_EXACT_MIN)
		return CD_USAGE;
	for (unsigned l = NM_SWAPPED; l <= NM_OSA2; l++)
		if (x->m[l] > x->m[NM_EXACT])
			x->m[l] = x->m[NM_EXACT];
	double t = 0;
	for (unsigned l = 1; l < x->nlevels; l++)
		t += x->m[l];
	for (unsigned l = 1; l < x->nlevels; l++)
		fm->c[C_NAME].m[l] = x->m[l] / t;
	fm->lambda = em.lambda;
	*matched = sum;
	return CD_OK;
}

/* One pair blocking did not make (its levels in x), counted into the patterns u is estimated
 * from (rp) and, when the names' m comes from the first/last-name EM, into its patterns too
 * (auxr). */
static enum cd_result count_other(const struct model_pair *x, int need_parts, struct fs_patterns *rp,
				  struct fs_patterns *auxr)
{
	enum cd_result r = fs_patterns_add(rp, x->lv, 1.0);
	if (r == CD_OK && need_parts)
		r = aux_add(auxr, x, 1.0);
	return r;
}

/* The same for a pair compared here (the small instance's walk over every pair). */
static enum cd_result count_other_pair(const struct ctx *c, uint32_t a, uint32_t b, int need_parts,
				       struct fs_patterns *rp, struct fs_patterns *auxr)
{
	struct model_pair x;
	struct match_cmp m;
	compare_levels(c, a, b, &x, &m, need_parts);
	return count_other(&x, need_parts, rp, auxr);
}

/* The waterfall of one pair (opts->explain). */
static enum cd_result explain_pair(struct ctx *c, const struct fs_model *fm, double prior,
				   const struct model_tf *tfs, int candidate, struct buf *o)
{
	uint32_t a = c->opts->explain_a, b = c->opts->explain_b;
	if (a > b) {
		uint32_t t = a;
		a = b;
		b = t;
	}
	struct model_pair x;
	struct match_cmp m;
	compare_levels(c, a, b, &x, &m, 0);
	enum cd_result r = buf_printf(o, "prior: lambda %.3g (1 in %.0f pairs of users) %+.2f bits\n",
				      fm->lambda, 1.0 / fm->lambda, prior);
	double total = prior;
	for (unsigned k = 0; k < MODEL_NCOMP && r == CD_OK; k++) {
		double tf, w = model_pair_weight(c, fm, &x, k, tfs, &tf);
		uint8_t l = x.lv[k];
		total += w;
		if (l == 0) {
			r = buf_printf(o, "%-10s %-22s %+7.2f bits (a side has no value)\n", fm->c[k].name,
				       fm->c[k].level_names[0], 0.0);
			continue;
		}
		r = buf_printf(o, "%-10s %-22s %+7.2f bits (m %.3g, u %.3g", fm->c[k].name,
			       fm->c[k].level_names[l], w, fm->c[k].m[l], fm->c[k].u[l]);
		if (r == CD_OK && tf > 0)
			r = buf_printf(o, "; term frequency: u %.3g for this value", tf);
		if (r == CD_OK)
			r = buf_printf(o, ")\n");
	}
	double p = fs_probability(total);
	if (r == CD_OK)
		r = buf_printf(o, "total: %+.2f bits, probability %.4f: %s\n", total, p,
			       p >= c->opts->threshold ? "duplicate" :
			       p >= c->opts->possible ? "possible (review)" : "not reported");
	if (r == CD_OK)
		r = buf_printf(o, "candidate: %s\n", candidate ? "yes" : "no");
	if (r == CD_OK)
		r = block_explain(c, a, b, o);
	return r;
}

enum cd_result model_run(struct ctx *c, struct match_result *res, char *err, size_t errlen)
{
	enum cd_result r = CD_OK;
	size_t n = c->users->n, nc = 0;
	struct model_pair *mp = NULL;
	uint32_t *parent = NULL, *carriers = NULL, *handles = NULL, *person = NULL;
	struct fs_patterns pat, aux, auxr, rp, ap;
	size_t joined = 0;
	struct fs_model *fm = &res->stats.model;
	fs_patterns_init(&pat, MODEL_NCOMP);
	fs_patterns_init(&aux, 3);
	fs_patterns_init(&auxr, 3);
	fs_patterns_init(&rp, MODEL_NCOMP);
	fs_patterns_init(&ap, MODEL_NCOMP); /* the all-pairs patterns of names_em, below */
	model_init(fm);
	/* unique candidates (sorted already) */
	for (size_t i = 0; i < c->cand.n; i++)
		if (i == 0 || c->cand.v[i] != c->cand.v[i - 1])
			c->cand.v[nc++] = c->cand.v[i];
	c->cand.n = nc;
	res->stats.candidates = nc;
	if ((r = model_derived(c)) != CD_OK)
		goto out;
	if (!(mp = malloc((nc ? nc : 1) * sizeof(*mp))) || !(parent = malloc(n * sizeof(*parent)))) {
		r = CD_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		parent[i] = (uint32_t)i;
	pair_levels(c, c->cand.v, mp, nc, 0);
	for (size_t i = 0; i < nc && r == CD_OK; i++) {
		/* joined by an identifier of their own (a team mailbox joins nobody) */
		if ((mp[i].lv[C_EMAIL] == EL_EXACT || mp[i].lv[C_USER] == UL_EXACT || mp[i].lv[C_DIR] == 1) &&
		    mp[i].idcount <= JOIN_MAX)
			parent[uf_find(parent, mp[i].a)] = uf_find(parent, mp[i].b);
		r = fs_patterns_add(&pat, mp[i].lv, 1.0);
		if (mp[i].lv[C_NAME] && (mp[i].lv[C_EMAIL] == EL_EXACT || mp[i].lv[C_USER] == UL_EXACT ||
					 mp[i].lv[C_DIR] == 1))
			joined++;
	}
	/* the first/last comparisons only where the names' m cannot come from joined pairs */
	int need_parts = joined < NAME_M_MIN;
	for (size_t i = 0; i < nc && r == CD_OK && need_parts; i++) {
		compare_parts(c, mp[i].a, mp[i].b, &mp[i].first, &mp[i].last);
		r = aux_add(&aux, &mp[i], 1.0);
	}
	if (r != CD_OK || (r = name_carriers(c, parent, &carriers)) != CD_OK ||
	    (r = handle_carriers(c, parent, mp, nc, &handles, &person)) != CD_OK)
		goto out;
	/* the pairs blocking did not make: all of them, or a sample */
	double all = (double)n * (double)(n - 1) / 2, rest = all - (double)nc;
	size_t sampled = 0;
	if (rest <= MODEL_SAMPLE) {
		for (uint32_t a = 0; a < n && r == CD_OK; a++)
			for (uint32_t b = a + 1; b < n && r == CD_OK; b++) {
				if (!is_cand(c->cand.v, nc, key2(a, b))) {
					r = count_other_pair(c, a, b, need_parts, &rp, &auxr);
					sampled++;
				}
			}
	} else {
		/* the sample's pairs first (one seeded sequence), then their levels (pair_levels),
		 * then counted in that order */
		uint64_t seed = MODEL_SEED, *keys = malloc(MODEL_SAMPLE * sizeof(*keys));
		struct model_pair *sp = malloc(MODEL_SAMPLE * sizeof(*sp));
		if (!keys || !sp)
			r = CD_NOMEM;
		for (size_t k = 0; k < MODEL_SAMPLE && r == CD_OK; k++) {
			uint32_t a = (uint32_t)(splitmix(&seed) % n), b = (uint32_t)(splitmix(&seed) % n);
			if (a == b)
				continue;
			if (a > b) {
				uint32_t t = a;
				a = b;
				b = t;
			}
			if (!is_cand(c->cand.v, nc, key2(a, b)))
				keys[sampled++] = key2(a, b);
		}
		if (r == CD_OK)
			pair_levels(c, keys, sp, sampled, need_parts);
		for (size_t k = 0; k < sampled && r == CD_OK; k++)
			r = count_other(&sp[k], need_parts, &rp, &auxr);
		free(keys);
		free(sp);
	}
	double w = sampled ? rest / (double)sampled : 0;
	for (size_t j = 0; j < auxr.n && r == CD_OK; j++)
		r = fs_patterns_add(&aux, auxr.levels + j * 3, auxr.count[j] * w);
	/* u: each level's share among all pairs (the candidates, counted, and the rest,
	 * sampled), first as it is, then less the pairs that are one person (below) */
	double tot[MODEL_NCOMP][FS_MAX_LEVELS];
	memset(tot, 0, sizeof(tot));
	for (unsigned k = 0; k < MODEL_NCOMP; k++) {
		for (size_t j = 0; j < pat.n; j++)
			tot[k][pat.levels[j * MODEL_NCOMP + k]] += pat.count[j];
		for (size_t j = 0; j < rp.n; j++)
			tot[k][rp.levels[j * MODEL_NCOMP + k]] += rp.count[j] * w;
		fm->c[k].fixed_u = true;
	}
	bool measured[MODEL_NCOMP] = { false }, name_measured = false;
	set_u(fm, tot, 0, all, measured);
	if (r != CD_OK)
		goto out;
	res->stats.sampled = sampled;
	res->stats.pairs_total = all;
	/* m of the names from the candidates an identifier joins (nearly all one person; the
	 * blocking on names would skew their m in the EM below); where too few are, from the
	 * first and last names compared apart, by EM over all pairs (parts_em) */
	double lambda_parts = 0;
	{
		double cnt[FS_MAX_LEVELS] = { 0 }, s = 0;
		for (size_t i = 0; i < nc; i++)
			if (mp[i].lv[C_NAME] && (mp[i].lv[C_EMAIL] == EL_EXACT || mp[i].lv[C_USER] == UL_EXACT ||
						 mp[i].lv[C_DIR] == 1)) {
				cnt[mp[i].lv[C_NAME]]++;
				s++;
			}
		res->stats.name_m_pairs = (size_t)s;
		struct fs_comparison *x = &fm->c[C_NAME];
		res->stats.name_m_source = "start_values";
		if (s >= NAME_M_MIN) {
			name_measured = true;
			res->stats.name_m_source = "identifier_pairs";
		} else if (r == CD_OK && parts_em(&aux, all, cnt, &lambda_parts, &res->stats.parts_model) == CD_OK) {
			double t = 0;
			for (unsigned l = 1; l < x->nlevels; l++)
				t += cnt[l];
			s = t;
			name_measured = true;
			res->stats.name_m_source = "first_last_em";
			res->stats.em_iterations += res->stats.parts_model.iterations;
		}
		for (unsigned l = 1; l < x->nlevels; l++)
			x->m[l] = (cnt[l] + NAME_M_PSEUDO * comps[C_NAME].m[l]) / (s + NAME_M_PSEUDO);
		x->fixed_m = true;
	}
	/* m of the rest and lambda among the candidates by EM, the names left out (fixed above);
	 * then u again without the pairs that are one person, and EM again */
	for (int round = 0; round < MODEL_ROUNDS && r == CD_OK; round++) {
		struct fs_patterns ep;
		fs_patterns_init(&ep, MODEL_NCOMP);
		for (size_t j = 0; j < pat.n && r == CD_OK; j++) {
			uint8_t lv[MODEL_NCOMP];
			memcpy(lv, pat.levels + j * MODEL_NCOMP, MODEL_NCOMP);
			lv[C_NAME] = 0;
			r = fs_patterns_add(&ep, lv, pat.count[j]);
		}
		struct fs_em_opts eo = em_opts(all, M_PSEUDO);
		char e2[160];
		fm->lambda = round ? res->stats.lambda_candidates : 0.5;
		int em_ok = r == CD_OK && nc && fs_em(fm, &ep, &eo, e2, sizeof e2) == CD_OK;
		fs_patterns_release(&ep);
		res->stats.em_iterations += fm->iterations;
		if (em_ok) {
			res->stats.lambda_candidates = fm->lambda;
			/* the prior among all pairs: the candidates' share that are one person */
			fm->lambda = fm->lambda * (double)nc / all;
		} else {
			/* nothing but names to go by (no other field is compared): the prior of the
			 * first/last EM (parts_em), or, without one, half the candidates taken to be
			 * one person (blocking makes a candidate of every pair with similar names) */
			fm->lambda = lambda_parts > 0 ? lambda_parts : nc ? 0.5 * (double)nc / all : 1.0 / all;
			res->stats.lambda_candidates = nc ? fmin(1.0, fm->lambda * all / (double)nc) : 0;
		}
		bound_model(fm, all, n);
		for (unsigned k = 1; k < MODEL_NCOMP; k++)
			measured[k] = em_ok;
		measured[C_NAME] = name_measured;
		set_u(fm, tot, fm->lambda * all, all, measured);
	}
	/* with the other comparisons measured (the EM above set them all or none), the names' m
	 * once more, anchored on them, by EM over all pairs (names_em); u again without the pairs
	 * of one person it finds */
	for (size_t j = 0; j < pat.n && r == CD_OK && measured[C_EMAIL]; j++)
		r = fs_patterns_add(&ap, pat.levels + j * MODEL_NCOMP, pat.count[j]);
	for (size_t j = 0; j < rp.n && r == CD_OK && measured[C_EMAIL]; j++)
		r = fs_patterns_add(&ap, rp.levels + j * MODEL_NCOMP, rp.count[j] * w);
	for (int round = 0; round < 2 && r == CD_OK && measured[C_EMAIL]; round++) {
		double matched = 0;
		unsigned iters = 0;
		if (names_em(fm, &ap, all, nc, &matched, &iters) != CD_OK)
			break;
		res->stats.em_iterations += iters;
		res->stats.name_m_source = "names_em";
		res->stats.parts_model.ncomp = 0; /* not what the names' m came from */
		res->stats.name_m_pairs = (size_t)(matched + 0.5);
		bound_model(fm, all, n);
		res->stats.lambda_candidates = fmin(1.0, fm->lambda * all / (nc ? (double)nc : 1.0));
		measured[C_NAME] = true;
		set_u(fm, tot, fm->lambda * all, all, measured);
	}
	if (r != CD_OK)
		goto out;
	double prior = log2(fm->lambda / (1 - fm->lambda));
	res->stats.prior_bits = prior;
	struct model_tf tfs = { .carriers = carriers, .handles = handles, .person = person };
	tf_means(c, mp, nc, &tfs);
	if (c->opts->explain && c->opts->explain_a < n && c->opts->explain_b < n &&
	    c->opts->explain_a != c->opts->explain_b) {
		uint32_t ea = c->opts->explain_a, eb = c->opts->explain_b;
		int cand = is_cand(c->cand.v, nc, ea < eb ? key2(ea, eb) : key2(eb, ea));
		if ((r = explain_pair(c, fm, prior, &tfs, cand, c->opts->explain)) != CD_OK)
			goto out;
	}
	for (size_t i = 0; i < nc && r == CD_OK; i++) {
		struct match_pair p;
		struct match_cmp m;
		double wk[MODEL_NCOMP], tf;
		memset(&p, 0, sizeof(p));
		p.a = mp[i].a;
		p.b = mp[i].b;
		for (unsigned k = 0; k < MODEL_NCOMP; k++) {
			wk[k] = model_pair_weight(c, fm, &mp[i], k, &tfs, &tf);
			p.score += (float)wk[k];
		}
		p.confidence = (float)fs_probability(prior + p.score);
		if (p.confidence < c->opts->possible)
			continue;
		compare_pair(c, p.a, p.b, &m);
		model_evidence(&m, mp[i].lv, wk, &p);
		if ((r = ARRAY_GROW(res->v, res->n + 1, res->cap, GROW_MAX_ELEMS)) != CD_OK)
			break;
		res->v[res->n++] = p;
		if (match_is_duplicate(&p, c->opts)) {
			res->stats.duplicates++;
			for (size_t e = 0; e < p.nev; e++)
				if (p.ev[e].weight > 0)
					res->stats.by_kind[p.ev[e].kind]++;
		} else {
			res->stats.possible++;
		}
	}
out:
	if (r != CD_OK && err && errlen && !err[0] && r != CD_NOMEM)
		snprintf(err, errlen, "model estimation failed");
	fs_patterns_release(&pat);
	fs_patterns_release(&aux);
	fs_patterns_release(&auxr);
	fs_patterns_release(&rp);
	fs_patterns_release(&ap);
	free(mp);
	free(parent);
	free(carriers);
	free(handles);
	free(person);
	free(c->derived);
	c->derived = NULL;
	return r;
}
