/* compare.c -- what agrees between two users: for each field the level of agreement of a
 * candidate pair and the value counts its weight will be made from (the comparison vector of
 * Fellegi-Sunter). model.c turns it into levels and weights. */
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
/* True when s has an umlaut as norm_compact_umlaut writes it out: Ä Ö Ü ä ö ü precomposed
 * (C3 84/96/9C/A4/B6/BC) or a, o, u with a combining diaeresis (CC 88). */
static int has_umlaut(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((p[0] == 0xC3 && (p[1] == 0x84 || p[1] == 0x96 || p[1] == 0x9C || p[1] == 0xA4 ||
				      p[1] == 0xB6 || p[1] == 0xBC)) ||
		    (p[0] == 0xCC && p[1] == 0x88 && p != (const unsigned char *)s &&
		     strchr("aouAOU", p[-1])))
			return 1;
	return 0;
}

static int umlaut_variants(const struct user *x, const struct user *y)
{
	/* Without an umlaut in any part both forms are the names' compact forms, which differ
	 * here (equal ones were matched before): most pairs end at this test. It looks for the
	 * umlauts themselves, not any C3 byte: é, ñ, ç start with C3 too, and names with them
	 * are common enough that the comparison below cost 4% of scoring (100,000 generated
	 * users, median of 8 alternating runs: 0.60 s against 0.62 s). */
	if (!has_umlaut(x->first_name) && !has_umlaut(x->last_name) &&
	    !has_umlaut(y->first_name) && !has_umlaut(y->last_name))
		return 0;
	struct buf bx = BUF_INIT(SIZE_MAX), by = BUF_INIT(SIZE_MAX);
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

/* True when a normalised name has a Latin letter. */
static int has_latin(const char *f, const char *l)
{
	for (const char *q = f; *q; q++)
		if (*q >= 'a' && *q <= 'z')
			return 1;
	for (const char *q = l; *q; q++)
		if (*q >= 'a' && *q <= 'z')
			return 1;
	return 0;
}

/* Two name parts one edit apart, both of 5+ letters (a one-letter change in a shorter name
 * makes another name). */
static int part_slip(const char *p, const char *q)
{
	uint32_t x[FUZZY_MAX], y[FUZZY_MAX];
	size_t nx = norm_codepoints(p, x, FUZZY_MAX), ny = norm_codepoints(q, y, FUZZY_MAX);
	return nx >= 5 && ny >= 5 && fuzzy_osa(x, nx, y, ny, 1) <= 1;
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
	/* Names in two scripts (Андрей Иванов / Andrey Ivanov, 美咲 山本 / Misaki Yamamoto) cannot
	 * be compared without transliteration: null, neither agreement nor disagreement. */
	if (has_latin(fa, la) != has_latin(fb, lb))
		return;
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
	if (fa[0] && la[0] && fb[0] && lb[0] &&
	    ((strcmp(fa, lb) == 0 && part_slip(la, fb)) || (strcmp(la, fb) == 0 && part_slip(fa, lb)))) {
		/* swapped, and one part misspelt ("Stephenson Elizbeth" / "Elizabeth Stephenson"):
		 * the swap is the slip that counts; the chance agreement is the swapped order's */
		NAME(NL_SWAPPED, minu(cfa, clb), minu(cla, cfb), 0);
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
	/* a differing initial ("D. Williams" / "L. Williams") is another name, not a slip */
	if ((last_eq && ((fa[0] && !fa[utf8_len1(fa)]) || (fb[0] && !fb[utf8_len1(fb)]))) ||
	    (first_eq && ((la[0] && !la[utf8_len1(la)]) || (lb[0] && !lb[utf8_len1(lb)])))) {
		NAME(NL_PARTIAL, 0, 0, 0);
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
	/* Two edits: where one part is the same, both edits are in the other, and that part is
	 * judged alone: two edits in a six-letter surname make another surname (Bailey/Bradley,
	 * King/Khan), not a slip, however long the full name is. */
	if (first_eq || last_eq) {
		const char *pa = first_eq ? la : fa, *pb = first_eq ? lb : fb;
		nx = norm_codepoints(pa, x, FUZZY_MAX);
		ny = norm_codepoints(pb, y, FUZZY_MAX);
		mn = nx < ny ? nx : ny;
		d = pa[0] && pb[0] ? fuzzy_osa(x, nx, y, ny, 2) : 3;
	}
	if ((d == 2 && mn >= 9) ||
	    ((first_eq || last_eq) && d <= 2 && fuzzy_jaro_winkler(x, nx, y, ny) >= 0.92 && mn >= 6)) {
		NAME(NL_TYPO2, minu(cfa, cfb), minu(cla, clb), 0);
		return;
	}
	NAME(first_eq || last_eq ? NL_PARTIAL : NL_DIFFERENT, 0, 0, 0);
#undef NAME
}

int compare_names_near(const struct ctx *c, uint32_t ia, uint32_t ib)
{
	struct match_cmp m;
	memset(&m, 0, sizeof(m));
	compare_names(c, &c->f[ia], &c->f[ib], &c->users->v[ia], &c->users->v[ib], &m);
	return m.name != NL_NONE && m.name < NL_PARTIAL;
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

/* The lower-cased local part (a "+tag" dropped) and domain of an address, as code points;
 * 0 when it is no address. */
static int split_addr(const char *e, uint32_t *loc, size_t *nl, uint32_t *dom, size_t *nd)
{
	const char *at = e ? strrchr(e, '@') : NULL;
	*nl = *nd = 0;
	if (!at || at == e || !at[1])
		return 0;
	uint32_t tmp[FUZZY_MAX];
	size_t n = norm_codepoints(e, tmp, FUZZY_MAX), i = 0;
	for (; i < n && tmp[i] != '@' && tmp[i] != '+'; i++)
		loc[(*nl)++] = tmp[i] < 128 && tmp[i] >= 'A' && tmp[i] <= 'Z' ? tmp[i] + 32 : tmp[i];
	while (i < n && tmp[i] != '@')
		i++;
	for (i++; i < n; i++)
		dom[(*nd)++] = tmp[i] < 128 && tmp[i] >= 'A' && tmp[i] <= 'Z' ? tmp[i] + 32 : tmp[i];
	return *nl > 0 && *nd > 0;
}

static int cp_eq(const uint32_t *x, size_t nx, const uint32_t *y, size_t ny)
{
	return nx == ny && memcmp(x, y, nx * sizeof(*x)) == 0;
}

static size_t handle_letters(const char *s, uint32_t *out);
static int same_letters(const char *x, const char *y);

/* Handles within one edit (4+ letters), or Jaro-Winkler >= 0.9 (6+ letters). */
static int near_handle(const uint32_t *x, size_t nx, const uint32_t *y, size_t ny)
{
	size_t mn = nx < ny ? nx : ny;
	if (mn >= 4 && fuzzy_osa(x, nx, y, ny, 1) <= 1)
		return 1;
	return mn >= 6 && fuzzy_jaro_winkler(x, nx, y, ny) >= 0.9;
}

/* True when a handle (up to its '@') has a digit: "sofia_garcia3". A login system numbers the
 * second holder of a name, so such a handle, shared exactly, says more than the name does:
 * a namesake would have got another number. */
static int numbered(const char *h)
{
	for (; *h && *h != '@'; h++)
		if (*h >= '0' && *h <= '9')
			return 1;
	return 0;
}

/* The e-mail level (enum cmp_email). derived: both local parts are built from their users'
 * names, so a local part agreeing at an unrelated domain, or nearly, only repeats the names
 * (namesakes get "john.smith2"): that is left to the name comparison (null here). */
static int compare_email(const struct feat *a, const struct feat *b, const struct user *ua,
			 const struct user *ub, const struct match_cmp *m, int derived, uint8_t *mailbox)
{
	if (m->addr != ADDR_NONE)
		return EL_EXACT;
	if (a->email == NONE || b->email == NONE)
		return EL_NULL;
	uint32_t la[FUZZY_MAX], lb[FUZZY_MAX], da[FUZZY_MAX], db[FUZZY_MAX];
	size_t nla, nlb, nda, ndb;
	if (!split_addr(ua->email, la, &nla, da, &nda) || !split_addr(ub->email, lb, &nlb, db, &ndb))
		return EL_DIFFERENT;
	int dom_near = same(a->org, b->org) || cp_eq(da, nda, db, ndb) ||
		       (nda >= 5 && ndb >= 5 && fuzzy_osa(da, nda, db, ndb, 1) <= 1);
	int lv;
	if (same(a->l_email, b->l_email) || cp_eq(la, nla, lb, nlb)) {
		lv = dom_near ? EL_LOCAL_ORG : EL_LOCAL_OTHER;
		*mailbox = (uint8_t)dom_near;
	}
	else if (near_handle(la, nla, lb, nlb))
		lv = dom_near ? EL_NEAR_ORG : EL_NEAR_OTHER;
	else
		lv = EL_DIFFERENT;
	/* One mailbox name at an organisation is one person, unless the names say two (Mark /
	 * Mary Quill, "m.quill"): then it is a common pattern, as at unrelated domains. */
	if (lv == EL_LOCAL_ORG && (m->name == NL_PARTIAL || m->name == NL_DIFFERENT))
		lv = EL_LOCAL_OTHER;
	if (derived && (lv == EL_NEAR_ORG || lv == EL_NEAR_OTHER || (lv == EL_LOCAL_OTHER && !numbered(ua->email))))
		return EL_NULL;
	if ((lv == EL_NEAR_ORG || lv == EL_NEAR_OTHER) && same_letters(ua->email, ub->email))
		return EL_DIFFERENT; /* "hanako.suzuki" / "hanakosuzuki65", "bg12" / "bg13": a
		                      * namesake's numbered mailbox or a numbered series, not a slip */
	return lv;
}

/* The letters of a handle (its local part), lower-cased, digits and punctuation dropped. */
static size_t handle_letters(const char *s, uint32_t *out)
{
	uint32_t tmp[FUZZY_MAX];
	size_t n = norm_codepoints(s, tmp, FUZZY_MAX), k = 0;
	for (size_t i = 0; i < n && tmp[i] != '@'; i++) {
		uint32_t ch = tmp[i];
		if (ch >= 'A' && ch <= 'Z')
			ch += 32;
		if ((ch >= 'a' && ch <= 'z') || ch >= 128)
			out[k++] = ch;
	}
	return k;
}

static int same_letters(const char *x, const char *y)
{
	uint32_t a[FUZZY_MAX], b[FUZZY_MAX];
	size_t na = handle_letters(x, a), nb = handle_letters(y, b);
	return na >= 2 && cp_eq(a, na, b, nb);
}

/* The username level (enum cmp_user); derived as for compare_email: both usernames are built
 * from the names, so anything short of the same login repeats the names. */
static int compare_user(const struct feat *a, const struct feat *b, const struct user *ua,
			const struct user *ub, const struct match_cmp *m, int derived)
{
	if (m->addr != ADDR_NONE || a->uname == NONE || b->uname == NONE)
		return UL_NULL;
	if (same(a->uname, b->uname))
		return UL_EXACT;
	/* a username that is its own e-mail's local part agrees as the e-mails do: counted
	 * there, once */
	if (m->email_lv >= EL_LOCAL_ORG && m->email_lv <= EL_NEAR_OTHER &&
	    (same(a->l_user, a->l_email) || same(b->l_user, b->l_email)))
		return UL_NULL;
	/* one's login is the other's (numbered) handle */
	if ((same(a->l_user, b->l_user) || same(a->l_user, b->l_email)) && (!derived || numbered(ua->username)))
		return UL_HANDLE;
	if (same(a->l_email, b->l_user) && (!derived || numbered(ub->username)))
		return UL_HANDLE;
	if (derived)
		return UL_NULL;
	uint32_t x[FUZZY_MAX], y[FUZZY_MAX];
	size_t nx = handle_letters(ua->username, x), ny = handle_letters(ub->username, y);
	if (nx >= 2 && cp_eq(x, nx, y, ny))
		/* equal but for digits and punctuation: what a login system gives a namesake, or
		 * a numbered series ("agent12", "agent13"): two logins, not a slip */
		return UL_DIFFERENT;
	if (near_handle(x, nx, y, ny))
		return UL_NEAR;
	return UL_DIFFERENT;
}

/* True when a handle's letters are its user's name in one of the usual login patterns
 * (first+last, last+first, initial+last, first+initial, last+initial, first, last). */
int handle_from_name(const char *handle, const char *first, const char *last)
{
	uint32_t h[FUZZY_MAX], f[FUZZY_MAX], l[FUZZY_MAX], t[2 * FUZZY_MAX + 2];
	size_t nh = handle_letters(handle, h), nf = handle_letters(first, f), nl = handle_letters(last, l);
	if (nh < 2 || (!nf && !nl))
		return 0;
	/* (first part, how much of it, last part, how much of it) */
	const struct { const uint32_t *p; size_t np; const uint32_t *q; size_t nq; } v[] = {
		{ f, nf, l, nl }, { l, nl, f, nf }, { f, nf ? 1 : 0, l, nl }, { f, nf, l, nl ? 1 : 0 },
		{ l, nl, f, nf ? 1 : 0 }, { f, nf, l, 0 }, { l, nl, f, 0 }, { f, nf ? 1 : 0, l, nl ? 1 : 0 },
	};
	for (size_t k = 0; k < sizeof(v) / sizeof(v[0]); k++) {
		if (v[k].np + v[k].nq != nh || !v[k].np)
			continue;
		memcpy(t, v[k].p, v[k].np * sizeof(*t));
		memcpy(t + v[k].np, v[k].q, v[k].nq * sizeof(*t));
		if (memcmp(t, h, nh * sizeof(*t)) == 0)
			return 1;
	}
	return 0;
}

/* Two name parts on their own: 0 a side has none, 1 equal, 2 nickname or initial, 3 within two
 * edits (one below 5 letters) or Jaro-Winkler >= 0.9, 4 different. */
static int compare_part(const struct ctx *c, int t, uint32_t x, uint32_t y)
{
	if (x == NONE || y == NONE)
		return 0;
	if (x == y)
		return 1;
	const char *a = c->t[t].str[x], *b = c->t[t].str[y];
	if (initial_of(a, b) || (t == T_FIRST && nick_related(c->nick, a, b)))
		return 2;
	uint32_t p[FUZZY_MAX], q[FUZZY_MAX];
	size_t np = norm_codepoints(a, p, FUZZY_MAX), nq = norm_codepoints(b, q, FUZZY_MAX);
	size_t mn = np < nq ? np : nq;
	int bound = mn >= 5 ? 2 : 1;
	if (mn >= 3 && (fuzzy_osa(p, np, q, nq, bound) <= bound || fuzzy_jaro_winkler(p, np, q, nq) >= 0.9))
		return 3;
	return 4;
}

void compare_parts(const struct ctx *c, uint32_t ia, uint32_t ib, uint8_t *first, uint8_t *last)
{
	const struct feat *a = &c->f[ia], *b = &c->f[ib];
	*first = (uint8_t)compare_part(c, T_FIRST, a->first, b->first);
	int l = compare_part(c, T_LAST, a->last, b->last);
	*last = (uint8_t)(l >= 2 ? l - 1 : l); /* no nicknames of family names */
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
	/* A handle built from a name repeats the name: when both are, or one is and the names
	 * are compared anyway, the handle's agreement is the names' (counted there once). */
	uint8_t da = c->derived ? c->derived[ia] : 0, db = c->derived ? c->derived[ib] : 0;
	int named = m->name != NL_NONE;
	m->email_lv = (uint8_t)compare_email(a, b, &c->users->v[ia], &c->users->v[ib], m,
					     (da & db & DERIVED_EMAIL) || (named && ((da | db) & DERIVED_EMAIL)), &m->same_mailbox);
	m->user_lv = (uint8_t)compare_user(a, b, &c->users->v[ia], &c->users->v[ib], m,
					   (da & db & DERIVED_USER) || (named && ((da | db) & DERIVED_USER)));
}
