/* score.c -- comparing and scoring one candidate pair: the agreements and disagreements between
 * two users' features, each weighted in bits (log2 likelihood ratios, after rarity). */
#include "detect/match_int.h"

#include <math.h>
#include <stdint.h>
#include <string.h>
#include "detect/fuzzy.h"
#include "detect/normalize.h"

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

void score_pair(const struct ctx *c, uint32_t ia, uint32_t ib, struct match_pair *p)
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
