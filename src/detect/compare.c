/* compare.c -- what agrees between two users: for each field the level of agreement of a
 * candidate pair and the value counts its weight will be made from (the comparison vector of
 * Fellegi-Sunter). score.c turns it into weights. */
#include "detect/match_int.h"

#include <string.h>
#include "detect/fuzzy.h"
#include "detect/normalize.h"

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

/* The name level of a pair, and the part frequencies its chance agreement is taken from. */
static void compare_names(const struct ctx *c, const struct feat *a, const struct feat *b,
			  const struct user *ua, const struct user *ub, struct match_cmp *m)
{
	if (a->cname == NONE || b->cname == NONE)
		return;
	const char *fa = a->first != NONE ? c->t[T_FIRST].str[a->first] : "";
	const char *la = a->last != NONE ? c->t[T_LAST].str[a->last] : "";
	const char *fb = b->first != NONE ? c->t[T_FIRST].str[b->first] : "";
	const char *lb = b->last != NONE ? c->t[T_LAST].str[b->last] : "";
	uint32_t cfa = cnt(c, T_FIRST, a->first), cla = cnt(c, T_LAST, a->last);
	uint32_t cfb = cnt(c, T_FIRST, b->first), clb = cnt(c, T_LAST, b->last);
#define NAME(level, f, l, cc) \
	do { m->name = (level); m->name_first = (f); m->name_last = (l); m->name_count = (cc); } while (0)
	if (a->cname == b->cname && strcmp(fa, fb) == 0) {
		NAME(NL_SAME, cfa, cla, cnt(c, T_CNAME, a->cname));
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
		NAME(NL_SWAPPED, xf, xl, xc + 1);
		return;
	}
	if (a->cname == b->cname) {
		/* "Mary Ann" + "Lee" vs "Mary" + "Ann Lee": same letters, different split */
		NAME(NL_SPLIT, cfa, cla, cnt(c, T_CNAME, a->cname));
		return;
	}
	if (umlaut_variants(ua, ub)) {
		/* the same name: chance agreement as for the spelling with the umlauts */
		NAME(NL_UMLAUT, minu(cfa, cfb), minu(cla, clb), 0);
		return;
	}
	int last_eq = la[0] && strcmp(la, lb) == 0, first_eq = fa[0] && strcmp(fa, fb) == 0;
	if (last_eq && fa[0] && fb[0] && nick_related(c->nick, fa, fb)) {
		NAME(NL_NICKNAME, maxu(cfa, cfb), cla, 0);
		return;
	}
	/* An initial for one part ("M. Martínez", "Noémie P."): consistent, not different. The
	 * chance agreement is anyone with the other part and that initial (about one name in
	 * INITIAL_SHARE starts with a given letter). */
	if ((last_eq && initial_of(fa, fb)) || (first_eq && initial_of(la, lb))) {
		uint32_t n15 = (uint32_t)(c->users->n / INITIAL_SHARE) + 1;
		if (last_eq)
			NAME(NL_INITIAL, n15, minu(cla, clb), 0);
		else
			NAME(NL_INITIAL, minu(cfa, cfb), n15, 0);
		return;
	}
	uint32_t x[FUZZY_MAX], y[FUZZY_MAX];
	size_t nx = norm_codepoints(c->t[T_CNAME].str[a->cname], x, FUZZY_MAX);
	size_t ny = norm_codepoints(c->t[T_CNAME].str[b->cname], y, FUZZY_MAX);
	size_t mn = nx < ny ? nx : ny;
	int d = fuzzy_osa(x, nx, y, ny, 2);
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
			NAME(NL_PARTIAL, 0, 0, 0);
			return;
		}
	}
	/* Chance agreement of a typo: another person carrying the rarer spelling (a typo's
	 * spelling is rare; two established spellings were ruled out above). */
	if (d == 1 && mn >= 5) {
		NAME(NL_TYPO1, minu(cfa, cfb), minu(cla, clb), 0);
		return;
	}
	if ((d == 2 && mn >= 9) ||
	    ((first_eq || last_eq) && fuzzy_jaro_winkler(x, nx, y, ny) >= 0.92 && mn >= 6)) {
		NAME(NL_TYPO2, minu(cfa, cfb), minu(cla, clb), 0);
		return;
	}
	NAME(first_eq || last_eq ? NL_PARTIAL : NL_DIFFERENT, 0, 0, 0);
#undef NAME
}

/* Routing profile, hierarchy group and the joint values made of them. */
static void compare_job(const struct ctx *c, const struct feat *a, const struct feat *b, struct match_cmp *m)
{
	if (same(a->routing, b->routing) && same(a->hier, b->hier)) {
		m->job = JOB_TEAM;
		m->team_count = cnt(c, T_TEAM, a->team);
		m->routing_count = cnt(c, T_ROUTING, a->routing);
		if ((m->same_teamrole = same(a->teamrole, b->teamrole)))
			m->teamrole_count = cnt(c, T_TEAMROLE, a->teamrole);
	} else if (same(a->routing, b->routing)) {
		m->job = JOB_ROUTING;
		m->routing_count = cnt(c, T_ROUTING, a->routing);
		if ((m->same_role = same(a->role, b->role)))
			m->role_count = cnt(c, T_ROLE, a->role);
	} else if (same(a->hier, b->hier)) {
		m->job = JOB_HIER;
		m->hier_count = cnt(c, T_HIER, a->hier);
	}
	if (a->routing != NONE && b->routing != NONE && a->routing != b->routing) {
		m->routing_differs = 1;
		m->routing_a = cnt(c, T_ROUTING, a->routing);
		m->routing_b = cnt(c, T_ROUTING, b->routing);
	}
	if (a->hier != NONE && b->hier != NONE && a->hier != b->hier) {
		m->hier_differs = 1;
		m->hier_a = cnt(c, T_HIER, a->hier);
		m->hier_b = cnt(c, T_HIER, b->hier);
	}
}

void compare_pair(const struct ctx *c, uint32_t ia, uint32_t ib, struct match_cmp *m)
{
	const struct feat *a = &c->f[ia], *b = &c->f[ib];
	memset(m, 0, sizeof(*m));
	/* identifiers: the strongest agreement only (they are not independent: an equal e-mail
	 * makes equal local parts certain) */
	if (same(a->email, b->email))
		m->addr = ADDR_EMAIL, m->addr_count = cnt(c, T_ADDR, a->email);
	else if (same(a->email, b->sec) || same(a->sec, b->email) || same(a->sec, b->sec))
		m->addr = ADDR_SECONDARY,
		m->addr_count = same(a->email, b->sec) ? cnt(c, T_ADDR, a->email) : cnt(c, T_ADDR, a->sec);
	else if (same(a->uaddr, b->email) || same(a->email, b->uaddr) || same(a->uaddr, b->sec) ||
		 same(a->sec, b->uaddr))
		m->addr = ADDR_USERNAME_EMAIL,
		m->addr_count = maxu(cnt(c, T_ADDR, a->uaddr), cnt(c, T_ADDR, b->uaddr));
	if (same(a->uname, b->uname)) {
		if (m->addr == ADDR_NONE)
			m->username = 1, m->username_count = cnt(c, T_UNAME, a->uname);
	} else if (m->addr == ADDR_NONE) {
		/* handles: exact local parts only. Letter stems ("jsmith2" ~ "jsmith") are what a
		 * mail system hands a second person of the same name, so they say nothing beyond
		 * the names; they still make candidate pairs (blocking) for the other comparisons. */
		uint32_t hit = NONE;
		if (same(a->l_user, b->l_user) || same(a->l_user, b->l_email))
			hit = a->l_user;
		else if (same(a->l_email, b->l_user) || same(a->l_email, b->l_email))
			hit = a->l_email;
		if (hit != NONE) {
			m->handle = HANDLE_SAME;
			/* Mail systems give one person one mailbox name across all the domains an
			 * organisation accepts (anycompany.com, anycompany.co.uk,
			 * support.anycompany.com) and a namesake a numbered one, so the same local
			 * part there is one mailbox; at unrelated domains it may be two people's. */
			if (same(a->l_email, b->l_email) && same(a->org, b->org))
				m->handle = HANDLE_ORG, hit = a->l_email;
			m->handle_count = cnt(c, T_LOCAL, hit);
		}
	}
	if (same(a->dir, b->dir))
		m->directory = 1, m->directory_count = cnt(c, T_DIR, a->dir);
	{
		uint32_t ph = NONE;
		if (same(a->mobile, b->mobile) || same(a->mobile, b->desk))
			ph = a->mobile;
		else if (same(a->desk, b->mobile) || same(a->desk, b->desk))
			ph = a->desk;
		if (ph != NONE)
			m->phone = 1, m->phone_count = cnt(c, T_PHONE, ph);
	}
	compare_names(c, a, b, &c->users->v[ia], &c->users->v[ib], m);
	compare_job(c, a, b, m);
}
