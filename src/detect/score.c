/* score.c -- the weights of a compared pair (compare.c): each level of agreement in bits (log2
 * likelihood ratios, after rarity), added up into the pair's score. */
#include "detect/match_int.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

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

static void add_ev(struct match_pair *p, enum match_kind k, double w)
{
	if (p->nev < MATCH_MAX_EVIDENCE) {
		p->ev[p->nev].kind = (uint8_t)k;
		p->ev[p->nev].weight = (float)w;
		p->nev++;
	}
	p->score += (float)w;
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

static void score_job(const struct ctx *c, const struct match_cmp *m, struct match_pair *p)
{
	double n = (double)c->users->n;
	double w = 0;
	int k = -1;
	if (m->job == JOB_TEAM) {
		w = job_bits(M_TEAM, n, m->team_count);
		double wr = job_bits(M_ROUTING, n, m->routing_count);
		if (wr > w)
			w = wr;
		if (m->same_teamrole && (wr = job_bits(M_TEAMROLE, n, m->teamrole_count)) > w)
			w = wr;
		k = MK_COUNT; /* both */
	} else if (m->job == JOB_ROUTING) {
		w = job_bits(M_ROUTING, n, m->routing_count);
		double wr;
		if (m->same_role && (wr = job_bits(M_ROLE, n, m->role_count)) > w)
			w = wr;
		k = MK_ROUTING;
	} else if (m->job == JOB_HIER) {
		w = job_bits(M_TEAM, n, m->hier_count);
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
	if (m->routing_differs) {
		/* f: the chance that two different people differ here, 1 - P(equal by chance) */
		double fa = m->routing_a / n, fb = m->routing_b / n;
		add_ev(p, MK_ROUTING, log2((1.0 - M_ROUTING) / (1.0 - (fa + fb) / 2)));
	}
	if (m->hier_differs) {
		double fa = m->hier_a / n, fb = m->hier_b / n;
		add_ev(p, MK_HIERARCHY, log2((1.0 - M_TEAM) / (1.0 - (fa + fb) / 2)));
	}
}

/* The evidence of each name level: its kind and the bits below the name's own (name_bits), or
 * a fixed weight for the disagreements. */
static const struct {
	enum match_kind kind;
	double bits;
	int fixed; /* bits is the weight itself */
} name_weights[] = {
	[NL_SAME] = { MK_NAME, 0.0, 0 },
	[NL_UMLAUT] = { MK_NAME, 0.0, 0 },
	[NL_SPLIT] = { MK_NAME, -1.0, 0 },
	[NL_SWAPPED] = { MK_NAME_SWAPPED, -1.0, 0 },
	[NL_NICKNAME] = { MK_NICKNAME, -1.0, 0 },
	[NL_INITIAL] = { MK_NAME_INITIAL, -1.0, 0 },
	[NL_TYPO1] = { MK_NAME_TYPO, -2.0, 0 },
	[NL_TYPO2] = { MK_NAME_TYPO, -4.0, 0 },
	[NL_PARTIAL] = { MK_NAME_DIFFERENT, W_NAME_PARTIAL, 1 },
	[NL_DIFFERENT] = { MK_NAME_DIFFERENT, W_NAME_DIFFERENT, 1 },
};

static void score_names(const struct ctx *c, const struct match_cmp *m, struct match_pair *p)
{
	if (m->name == NL_NONE)
		return;
	double w = name_weights[m->name].bits;
	if (!name_weights[m->name].fixed)
		w += name_bits(c, m->name_first, m->name_last, m->name_count);
	add_ev(p, name_weights[m->name].kind, w);
}

void score_pair(const struct ctx *c, uint32_t ia, uint32_t ib, struct match_pair *p)
{
	static const struct {
		enum match_kind kind;
		double w;
	} addr[] = { [ADDR_EMAIL] = { MK_EMAIL, W_EMAIL },
		     [ADDR_SECONDARY] = { MK_EMAIL_SECONDARY, W_SECONDARY },
		     [ADDR_USERNAME_EMAIL] = { MK_USERNAME_EMAIL, W_USERNAME_EMAIL } };
	size_t org_ev = SIZE_MAX; /* the handle evidence that got the one-organisation weight */
	struct match_cmp m;
	compare_pair(c, ia, ib, &m);
	memset(p, 0, sizeof(*p));
	p->a = ia;
	p->b = ib;
	if (m.addr != ADDR_NONE)
		add_ev(p, addr[m.addr].kind, addr[m.addr].w - rarity(m.addr_count));
	if (m.username)
		add_ev(p, MK_USERNAME, W_USERNAME - rarity(m.username_count));
	if (m.handle == HANDLE_ORG)
		org_ev = p->nev;
	if (m.handle != HANDLE_NONE)
		add_ev(p, MK_HANDLE, (m.handle == HANDLE_ORG ? W_HANDLE_ORG : W_HANDLE_EXACT) -
					     rarity(m.handle_count));
	if (m.directory)
		add_ev(p, MK_DIRECTORY, W_DIRECTORY - rarity(m.directory_count));
	if (m.phone)
		add_ev(p, MK_PHONE, W_PHONE - rarity(m.phone_count));
	score_names(c, &m, p);
	/* One mailbox is one person: when the names say two people (Mark / Mary Jones), the
	 * mailbox name is just a common pattern, worth no more than at unrelated domains. */
	if (org_ev < p->nev && p->nev && p->ev[p->nev - 1].kind == MK_NAME_DIFFERENT) {
		p->ev[org_ev].weight -= (float)(W_HANDLE_ORG - W_HANDLE_EXACT);
		p->score -= (float)(W_HANDLE_ORG - W_HANDLE_EXACT);
	}
	score_job(c, &m, p);
	p->confidence = (float)match_confidence(p->score);
}
