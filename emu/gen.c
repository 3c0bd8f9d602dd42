/* gen.c -- deterministic synthetic Amazon Connect instances with planted duplicates and truth. */
#include "gen.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utf8proc.h>

#include "arena.h"
#include "buf.h"
#include "names.h"

/* ---- kinds ---------------------------------------------------------------------------- */

enum kind {
	K_EMAIL_CASE, K_USERNAME_CASE, K_NAME_CASE, K_NAME_WHITESPACE, K_NAME_ACCENTS,
	K_NAME_FULLWIDTH, K_NAME_TYPO, K_NICKNAME, K_NAME_SWAPPED, K_EMAIL_PLUS_TAG,
	K_EMAIL_GMAIL_DOTS, K_USERNAME_IS_EMAIL, K_SECONDARY_EMAIL, K_PHONE, K_NKINDS
};

const char *const gen_dup_kinds[] = {
	"email_case", "username_case", "name_case", "name_whitespace", "name_accents",
	"name_fullwidth", "name_typo", "nickname", "name_swapped", "email_plus_tag",
	"email_gmail_dots", "username_is_email", "secondary_email", "phone", NULL,
};
const char *const gen_distractor_kinds[] = {
	"distractor_same_name", "distractor_similar_name", NULL,
};
#define KIND_SAME_NAME (gen_distractor_kinds[0])
#define KIND_SIMILAR_NAME (gen_distractor_kinds[1])

/* Fixed time window for LastModifiedTime so output never depends on the clock. */
#define T_START 1546300800.0 /* 2019-01-01 */
#define T_END 1764547200.0   /* 2025-12-01 */
#define NSECPROF 6
#define MAX_TRIES 64

/* ---- PRNG: splitmix64 (public domain, Vigna); ours so bytes never depend on libc -------- */

struct rng {
	uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t mix64(uint64_t a, uint64_t b)
{
	struct rng r = { a ^ (b * 0xd1342543de82ef95ULL) };
	rng_next(&r);
	return rng_next(&r);
}

/* Uniform in [0, n) without modulo bias worth mentioning (n is small). */
static size_t rng_below(struct rng *r, size_t n)
{
	return n ? (size_t)(((unsigned __int128)rng_next(r) * n) >> 64) : 0;
}

static double rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1p-53;
}

static int rng_pct(struct rng *r, unsigned pct)
{
	return rng_below(r, 100) < pct;
}

static void uuid_from(uint64_t a, uint64_t b, char out[37])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char x[16];
	for (int i = 0; i < 8; i++) {
		x[i] = (unsigned char)(a >> (8 * i));
		x[8 + i] = (unsigned char)(b >> (8 * i));
	}
	x[6] = (unsigned char)((x[6] & 0x0f) | 0x40); /* version 4 */
	x[8] = (unsigned char)((x[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	size_t o = 0;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[x[i] >> 4];
		out[o++] = hex[x[i] & 15];
	}
	out[o] = 0;
}

/* A UUID that is a pure function of (seed, domain, i): pool ids, instance id, user ids. */
static void uuid_det(uint64_t seed, uint64_t domain, uint64_t i, char out[37])
{
	uint64_t a = mix64(seed, domain * 0x100000001b3ULL + i);
	uuid_from(a, mix64(a, i + 0x51ed27), out);
}

/* ---- small string helpers (bounded, always NUL-terminated) ---------------------------- */

static void scpy(char *d, size_t n, const char *s)
{
	size_t l = strlen(s);
	if (l >= n)
		l = n - 1;
	memcpy(d, s, l);
	d[l] = 0;
}

static void scat(char *d, size_t n, const char *s)
{
	size_t o = strlen(d);
	if (o + 1 < n)
		scpy(d + o, n - o, s);
}

static void scatn(char *d, size_t n, const char *s, size_t l)
{
	size_t o = strlen(d);
	if (o + l >= n)
		l = o + 1 < n ? n - o - 1 : 0;
	memcpy(d + o, s, l);
	d[o + l] = 0;
}

static char alower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static char aupper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The classic rules' comparison: ASCII case-insensitive equality. */
static int classic_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (alower(*a) != alower(*b))
			return 0;
	return *a == *b;
}

static int has_non_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 1;
	return 0;
}

/* ---- sets of 64-bit hashes (identifier and phone uniqueness) -------------------------- */

struct hset {
	uint64_t *v;
	size_t cap, n;
};

static int hset_grow(struct hset *h, size_t want)
{
	size_t cap = h->cap ? h->cap * 2 : 1 << 14;
	while (cap < want)
		cap *= 2;
	uint64_t *v = calloc(cap, sizeof *v);
	if (!v)
		return -1;
	for (size_t i = 0; i < h->cap; i++) {
		if (!h->v[i])
			continue;
		size_t j = (size_t)h->v[i] & (cap - 1);
		while (v[j])
			j = (j + 1) & (cap - 1);
		v[j] = h->v[i];
	}
	free(h->v);
	h->v = v;
	h->cap = cap;
	return 0;
}

static int hset_has(const struct hset *h, uint64_t k)
{
	if (!h->cap)
		return 0;
	k = k ? k : 1;
	for (size_t j = (size_t)k & (h->cap - 1); h->v[j]; j = (j + 1) & (h->cap - 1))
		if (h->v[j] == k)
			return 1;
	return 0;
}

static int hset_add(struct hset *h, uint64_t k)
{
	if ((h->n + 1) * 2 > h->cap && hset_grow(h, 0))
		return -1;
	k = k ? k : 1;
	size_t j = (size_t)k & (h->cap - 1);
	while (h->v[j]) {
		if (h->v[j] == k)
			return 0;
		j = (j + 1) & (h->cap - 1);
	}
	h->v[j] = k;
	h->n++;
	return 0;
}

/* Counts per key (how many accounts carry a name), open addressing, grows at half full. Key
 * and count share a slot so a lookup costs one cache miss. */
struct hslot {
	uint64_t k;
	uint32_t c;
};

struct hcount {
	struct hslot *v;
	size_t cap, n;
};

static uint32_t *hcount_slot(struct hcount *h, uint64_t k, int add)
{
	k = k ? k : 1;
	if (add && (h->n + 1) * 2 > h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 1 << 14;
		struct hslot *v = calloc(cap, sizeof *v);
		if (!v)
			return NULL;
		for (size_t i = 0; i < h->cap; i++) {
			if (!h->v[i].k)
				continue;
			size_t j = (size_t)h->v[i].k & (cap - 1);
			while (v[j].k)
				j = (j + 1) & (cap - 1);
			v[j] = h->v[i];
		}
		free(h->v);
		h->v = v;
		h->cap = cap;
	}
	if (!h->cap)
		return NULL;
	size_t j = (size_t)k & (h->cap - 1);
	while (h->v[j].k && h->v[j].k != k)
		j = (j + 1) & (h->cap - 1);
	if (!h->v[j].k) {
		if (!add)
			return NULL;
		h->v[j].k = k;
		h->n++;
	}
	return &h->v[j].c;
}

/* Identifier key: an e-mail's local part or a username (without its domain), lower-cased, plus
 * tag dropped, letters and digits only. Keeping these unique across unrelated people means no
 * two of them share an e-mail, a username, a gmail dot variant or a username that is someone
 * else's e-mail by accident: every such match in the output was planted. */
static uint64_t ident_key(const char *s)
{
	char t[256];
	size_t n = 0;
	for (; *s && *s != '@' && *s != '+' && n < sizeof t; s++) {
		char c = alower(*s);
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (unsigned char)c >= 0x80)
			t[n++] = c;
	}
	return user_hash(t, n) ^ 0x6964;
}

static uint64_t phone_key(const char *s)
{
	return user_hash(s, strlen(s)) ^ 0x7068;
}

/* ---- names: tables resolved to native / ASCII forms ----------------------------------- */

struct gname {
	const char *native; /* as written in the table (NFC) */
	const char *ascii;  /* Latin letters only, capitalised: "Jose", "Wang", "Mueller" */
	const char *key;    /* lower-case a-z for e-mail local parts: "jose", "obrien" */
	int accented;       /* native is Latin with letters outside ASCII */
};

struct glist {
	struct gname *v;
	double *cdf;
	size_t n;
};

struct gculture {
	const struct names_culture *c;
	struct glist first, last, synth; /* synth: surnames built from parts, uniform */
};

/* Letters that have no Unicode decomposition (so stripping marks leaves them alone). */
static const struct {
	const char *from, *to;
} special_fold[] = {
	{ "ł", "l" }, { "Ł", "L" }, { "ø", "o" }, { "Ø", "O" }, { "đ", "d" }, { "Đ", "D" },
	{ "ß", "ss" }, { "æ", "ae" }, { "Æ", "Ae" }, { "œ", "oe" }, { "Œ", "Oe" }, { "ı", "i" },
	{ "þ", "th" }, { "Þ", "Th" }, { "ð", "d" }, { "Ð", "D" },
};

/* German umlauts as Germans transliterate them (Müller -> Mueller). */
static const struct {
	const char *from, *to;
} german_fold[] = {
	{ "ä", "ae" }, { "ö", "oe" }, { "ü", "ue" }, { "Ä", "Ae" }, { "Ö", "Oe" }, { "Ü", "Ue" },
	{ "ß", "ss" },
};

/* Replaces the letters of special_fold; other non-ASCII characters are kept (keep_other) or
 * dropped. */
static void special_pass(const char *src, int keep_other, char *out, size_t outlen)
{
	size_t o = 0, nf = sizeof special_fold / sizeof special_fold[0];
	for (const char *p = src; *p && o + 1 < outlen;) {
		if ((unsigned char)*p < 0x80) {
			out[o++] = *p++;
			continue;
		}
		size_t k, seq = 1;
		while (((unsigned char)p[seq] & 0xc0) == 0x80)
			seq++;
		for (k = 0; k < nf; k++) {
			size_t l = strlen(special_fold[k].from), tl = strlen(special_fold[k].to);
			if (l == seq && !memcmp(p, special_fold[k].from, l)) {
				if (o + tl < outlen) {
					memcpy(out + o, special_fold[k].to, tl);
					o += tl;
				}
				break;
			}
		}
		if (k == nf && keep_other && o + seq < outlen) {
			memcpy(out + o, p, seq);
			o += seq;
		}
		p += seq;
	}
	out[o] = 0;
}

/* Latin text without accents: marks stripped by utf8proc, then the letters above replaced,
 * anything else outside ASCII dropped. german: umlauts become two letters first. */
static void latin_fold(const char *s, int german, char *out, size_t outlen)
{
	char pre[512] = "";
	if (german) {
		for (const char *p = s; *p;) {
			size_t k;
			for (k = 0; k < sizeof german_fold / sizeof german_fold[0]; k++) {
				size_t l = strlen(german_fold[k].from);
				if (!strncmp(p, german_fold[k].from, l)) {
					scat(pre, sizeof pre, german_fold[k].to);
					p += l;
					break;
				}
			}
			if (k == sizeof german_fold / sizeof german_fold[0])
				scatn(pre, sizeof pre, p++, 1);
		}
		s = pre;
	}
	utf8proc_uint8_t *m = NULL;
	utf8proc_ssize_t ml = utf8proc_map((const utf8proc_uint8_t *)s, 0, &m,
		UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_STRIPMARK);
	special_pass(ml >= 0 ? (const char *)m : s, 0, out, outlen);
	free(m);
}

static int gname_init(struct arena *a, const char *entry, int latin, struct gname *g)
{
	const char *bar = strchr(entry, '|');
	char ascii[256], key[256];
	size_t nl = bar ? (size_t)(bar - entry) : strlen(entry);
	g->native = arena_strndup(a, entry, nl);
	if (!g->native)
		return -1;
	if (bar)
		scpy(ascii, sizeof ascii, bar + 1);
	else
		latin_fold(g->native, 0, ascii, sizeof ascii);
	size_t k = 0;
	for (const char *p = ascii; *p && k + 1 < sizeof key; p++)
		if (is_alpha(*p))
			key[k++] = alower(*p);
	key[k] = 0;
	g->ascii = arena_strndup(a, ascii, strlen(ascii));
	g->key = arena_strndup(a, key, k);
	g->accented = latin && !bar && has_non_ascii(g->native);
	return g->ascii && g->key ? 0 : -1;
}

/* Zipf-like weights 1/(rank+2)^0.6: the head of each list is common, the tail rare. */
#define ZIPF_S 0.6

static int glist_init(struct arena *a, const char *const *names, int latin, struct glist *l)
{
	size_t n = 0;
	while (names[n])
		n++;
	l->n = n;
	l->v = arena_alloc(a, n * sizeof *l->v);
	l->cdf = arena_alloc(a, n * sizeof *l->cdf);
	if (!l->v || !l->cdf)
		return -1;
	double sum = 0;
	for (size_t i = 0; i < n; i++) {
		if (gname_init(a, names[i], latin, &l->v[i]))
			return -1;
		sum += pow((double)i + 2.0, -ZIPF_S);
		l->cdf[i] = sum;
	}
	for (size_t i = 0; i < n; i++)
		l->cdf[i] /= sum;
	return 0;
}

/* Every prefix+suffix surname of a culture, equally likely (they are the rare tail). */
static int glist_synth(struct arena *a, const struct names_culture *c, struct glist *l)
{
	size_t np = 0, ns = 0, k = 0;
	memset(l, 0, sizeof *l);
	if (!c->last_pre || !c->last_suf)
		return 0;
	while (c->last_pre[np])
		np++;
	while (c->last_suf[ns])
		ns++;
	l->n = np * ns;
	l->v = arena_alloc(a, l->n * sizeof *l->v);
	l->cdf = arena_alloc(a, l->n * sizeof *l->cdf);
	if (!l->v || !l->cdf)
		return -1;
	for (size_t i = 0; i < np; i++)
		for (size_t j = 0; j < ns; j++, k++) {
			char name[128];
			scpy(name, sizeof name, c->last_pre[i]);
			scat(name, sizeof name, c->last_suf[j]);
			if (gname_init(a, name, 1, &l->v[k]))
				return -1;
			l->cdf[k] = (double)(k + 1) / (double)l->n;
		}
	return 0;
}

static size_t glist_pick(const struct glist *l, struct rng *r)
{
	double u = rng_unit(r);
	size_t lo = 0, hi = l->n - 1;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (l->cdf[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* ---- accounts ------------------------------------------------------------------------- */

#define USERNAME_MAX 100 /* botocore: AgentUsername max 100 */
#define NAMELEN 320
#define STRLEN 200

/* One account while it is being built; rendered to DescribeUser JSON when emitted. */
struct acct {
	uint32_t person;           /* same value: the same human being */
	int culture;
	char first[NAMELEN], last[NAMELEN];
	char first_key[64], last_key[64]; /* ASCII keys of the person's real name */
	char username[STRLEN], email[STRLEN], secondary[STRLEN];
	char mobile[24], desk[24];
	int desk_type, auto_accept, acw;
	size_t rp, hg;             /* hg == SIZE_MAX: none */
	size_t sec[3], nsec;
	int has_dir;
	char dir[37];
	int ntags;
	size_t tag_dept, tag_site, tag_cc;
	double lmt;
	uint64_t keys[3];          /* identifier keys this person owns */
	size_t nkeys;
};

/* A second account waiting for its position in the output. */
struct pending {
	size_t emit_at, seq;
	size_t first_index;        /* output index of the first account of the pair */
	const char *kind;          /* NULL: not a truth pair (explicit same-name distractor) */
	int distractor;
	struct acct a;
};

struct gen_ctx {
	const struct gen_opts *o;
	struct rng r;
	struct arena *arena;
	struct gculture *cult;
	size_t ncult;
	double cult_total;
	struct hset idents, phones;
	struct hcount names;       /* accounts per normalised name */
	struct hcount idnext;      /* next number to try per identifier base */
	struct part_slot *parts;   /* folded name parts (see fold_part) */
	uint32_t name_cap;         /* a random person is re-drawn when their name has this many */
	size_t nrp, nhg;
	char instance_id[37], account[16], region[64];
	uint32_t next_person;
	/* per output index, for the accidental same-name pass */
	uint64_t *namekey;
	uint32_t *person;
	size_t nout;
	/* pending second accounts: a binary heap on (emit_at, seq) */
	struct pending *heap;
	size_t nheap, capheap, seq;
	struct buf json;
	struct buf secprof;  /* the current user's SecurityProfileIds in canonical form */
	gen_sink sink;
	void *sink_ctx;
	struct gen_truth *truth;
	char *err;
	size_t errlen;
};

static size_t culture_by_name(const struct gen_ctx *g, const char *name)
{
	for (size_t i = 0; i < g->ncult; i++)
		if (!strcmp(g->cult[i].c->name, name))
			return i;
	return 0;
}

static size_t pick_culture(struct gen_ctx *g)
{
	double u = rng_unit(&g->r) * g->cult_total, acc = 0;
	for (size_t i = 0; i < g->ncult; i++) {
		acc += g->cult[i].c->weight;
		if (u < acc)
			return i;
	}
	return g->ncult - 1;
}

static int ctx_tables(struct gen_ctx *g)
{
	g->ncult = names_ncultures;
	g->cult = arena_alloc(g->arena, g->ncult * sizeof *g->cult);
	if (!g->cult)
		return -1;
	for (size_t i = 0; i < g->ncult; i++) {
		const struct names_culture *c = &names_cultures[i];
		g->cult[i].c = c;
		g->cult_total += c->weight;
		if (glist_init(g->arena, c->first, c->latin, &g->cult[i].first) ||
		    glist_init(g->arena, c->last, c->latin, &g->cult[i].last) ||
		    glist_synth(g->arena, c, &g->cult[i].synth))
			return -1;
	}
	return 0;
}

static int ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && !memcmp(s + a - b, suf, b);
}

/* Slavic surnames agree with the person's gender: Ivanov/Ivanova, Kowalski/Kowalska. The
 * tables mix given names of both genders; a given name ending in -a (-а, -я) is taken as a
 * woman's, which is right for the names listed. */
static void gender_agree(const struct names_culture *c, struct acct *a)
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
static void set_name(struct gen_ctx *g, struct acct *a, size_t ci, const struct gname *f,
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

static void random_name(struct gen_ctx *g, struct acct *a, size_t ci)
{
	random_name_ex(g, a, ci, 0);
}

struct gen_ctx;
static uint64_t name_key(struct gen_ctx *g, const char *first, const char *last);

/* A random name, re-drawn (a few times) while it is already as common as name_cap allows: a
 * few hundred table names would otherwise give a million-user instance thousands of John
 * Smiths and a truth file quadratic in them. */
static void random_name_capped(struct gen_ctx *g, struct acct *a)
{
	for (int t = 0; t < 8; t++) {
		random_name_ex(g, a, pick_culture(g), t >= 2);
		uint32_t *c = hcount_slot(&g->names, name_key(g, a->first, a->last), 0);
		/* a name already taken is kept now and then: people do share names, but with
		 * small tables they would share them far more often than in life */
		if (!c || !*c || (*c < g->name_cap && rng_pct(&g->r, 10)))
			return;
	}
}

/* ---- identifiers --------------------------------------------------------------------- */

static int owns_key(const struct acct *a, uint64_t k)
{
	for (size_t i = 0; i < a->nkeys; i++)
		if (a->keys[i] == k)
			return 1;
	return 0;
}

/* Free for this person: nobody else holds the key (the person's own keys are fine). */
static int ident_free(const struct gen_ctx *g, const struct acct *a, const char *s)
{
	uint64_t k = ident_key(s);
	return owns_key(a, k) || !hset_has(&g->idents, k);
}

static int claim(struct gen_ctx *g, struct acct *a, const char *s)
{
	if (!*s)
		return 0;
	uint64_t k = ident_key(s);
	if (owns_key(a, k))
		return 0;
	if (a->nkeys < sizeof a->keys / sizeof a->keys[0])
		a->keys[a->nkeys++] = k;
	return hset_add(&g->idents, k);
}

/* Local part styles companies use: first.last, flast, firstl, first_last. */
static void local_style(struct gen_ctx *g, const struct acct *a, int style, char *out, size_t n)
{
	const char *f = a->first_key[0] ? a->first_key : "user";
	const char *l = a->last_key[0] ? a->last_key : "agent";
	char fi[2] = { f[0], 0 }, li[2] = { l[0], 0 };
	out[0] = 0;
	switch (style) {
	case 0: scat(out, n, f); scat(out, n, "."); scat(out, n, l); break;
	case 1: scat(out, n, fi); scat(out, n, l); break;
	case 2: scat(out, n, f); scat(out, n, li); break;
	case 3: scat(out, n, f); scat(out, n, "_"); scat(out, n, l); break;
	default: scat(out, n, f); scat(out, n, l); break;
	}
}

/* Appends digits until the identifier is free for this person: john.smith, then john.smith2,
 * john.smith3 ... as admins number them. The next number per base is remembered, so a common
 * name costs one probe, not one per earlier namesake. */
static void make_unique(struct gen_ctx *g, const struct acct *a, const char *base,
	const char *suffix, char *out, size_t n)
{
	char num[24];
	scpy(out, n, base);
	scat(out, n, suffix);
	if (owns_key(a, ident_key(out))) /* the person's own: username = e-mail local part */
		return;
	uint32_t *next = hcount_slot(&g->idnext, ident_key(base), 1);
	uint32_t i = next ? *next : 0;
	for (uint32_t tries = 0; i || !ident_free(g, a, out); tries++, i++) {
		if (i) {
			snprintf(num, sizeof num, "%u", (unsigned)i + 1);
			scpy(out, n, base);
			scat(out, n, num);
			scat(out, n, suffix);
			if (ident_free(g, a, out))
				break;
		}
		if (tries > 1000000) /* cannot happen with 32-bit numbers to spare; stay bounded */
			break;
	}
	if (next)
		*next = i + 1;
}

static const char *pick_domain(struct gen_ctx *g, const char *avoid)
{
	for (int t = 0; t < 8; t++) {
		const char *d = rng_pct(&g->r, 70) ? names_domains[0]
						   : names_domains[1 + rng_below(&g->r, names_ndomains - 1)];
		if (!avoid || strcmp(d, avoid))
			return d;
	}
	return !avoid || strcmp(avoid, names_domains[1]) ? names_domains[1] : names_domains[2];
}

static const char *domain_of(const char *email)
{
	const char *at = strchr(email, '@');
	return at ? at + 1 : "";
}

static void local_of(const char *email, char *out, size_t n)
{
	const char *at = strchr(email, '@');
	scpy(out, n, email);
	if (at && (size_t)(at - email) < n)
		out[at - email] = 0;
}

/* A company e-mail for the person at domain d (NULL: pick one), unique among other people. */
static void new_email(struct gen_ctx *g, struct acct *a, const char *d, int style, char *out,
	size_t n)
{
	char local[STRLEN], suffix[STRLEN];
	if (style < 0) {
		size_t s = rng_below(&g->r, 100);
		style = s < 55 ? 0 : s < 80 ? 1 : s < 88 ? 2 : s < 95 ? 3 : 4;
	}
	local_style(g, a, style, local, sizeof local);
	scpy(suffix, sizeof suffix, "@");
	scat(suffix, sizeof suffix, d ? d : pick_domain(g, NULL));
	make_unique(g, a, local, suffix, out, n);
}

static void personal_email(struct gen_ctx *g, struct acct *a, const char *d, char *out, size_t n)
{
	char local[STRLEN], suffix[STRLEN], num[16];
	local_style(g, a, rng_pct(&g->r, 50) ? 0 : 4, local, sizeof local);
	if (rng_pct(&g->r, 60)) {
		snprintf(num, sizeof num, "%u", (unsigned)(60 + rng_below(&g->r, 45)) % 100);
		scat(local, sizeof local, num);
	}
	scpy(suffix, sizeof suffix, "@");
	scat(suffix, sizeof suffix,
		d ? d : names_personal_domains[rng_below(&g->r, names_npersonal_domains)]);
	make_unique(g, a, local, suffix, out, n);
}

/* Username styles: the e-mail itself, first.last, flast, flast with digits, employee number. */
static void new_username(struct gen_ctx *g, struct acct *a, int style, char *out, size_t n)
{
	char base[STRLEN], num[16];
	if (style < 0) {
		size_t s = rng_below(&g->r, 100);
		style = s < 35 ? 0 : s < 60 ? 1 : s < 80 ? 2 : s < 92 ? 3 : 4;
	}
	switch (style) {
	case 0:
		if (a->email[0]) {
			scpy(out, n, a->email);
			if (ident_free(g, a, out) && strlen(out) <= USERNAME_MAX)
				return;
		}
		/* fall through */
	case 1:
		local_style(g, a, 0, base, sizeof base);
		break;
	case 2:
		local_style(g, a, 1, base, sizeof base);
		break;
	case 3:
		local_style(g, a, 1, base, sizeof base);
		snprintf(num, sizeof num, "%u", (unsigned)(1 + rng_below(&g->r, 99)));
		scat(base, sizeof base, num);
		break;
	default:
		snprintf(base, sizeof base, "%c%06u", "aeu"[rng_below(&g->r, 3)],
			(unsigned)rng_below(&g->r, 1000000));
		break;
	}
	make_unique(g, a, base, "", out, n);
	if (strlen(out) > USERNAME_MAX) /* the service's limit; long double names hit it */
		new_username(g, a, 4, out, n);
}

static int new_phone(struct gen_ctx *g, const struct acct *a, char *out, size_t n)
{
	const struct names_culture *c = g->cult[a->culture].c;
	for (int t = 0; t < MAX_TRIES; t++) {
		char digits[24];
		int k = 0;
		for (; k < c->phone_digits && k < 20; k++)
			digits[k] = (char)('0' + rng_below(&g->r, 10));
		digits[k] = 0;
		if (!strcmp(c->phone_cc, "+1")) /* NANP: area code and exchange start with 2-9 */
			digits[0] = (char)('2' + rng_below(&g->r, 8)), digits[3] = (char)('2' + rng_below(&g->r, 8));
		snprintf(out, n, "%s%s%s", c->phone_cc, c->phone_prefix, digits);
		if (!hset_has(&g->phones, phone_key(out)))
			return hset_add(&g->phones, phone_key(out));
	}
	return -1;
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
static void other_team(struct gen_ctx *g, struct acct *a, const struct acct *b)
{
	for (int t = 0; t < MAX_TRIES; t++) {
		random_team(g, a);
		if (a->rp != b->rp && a->hg != b->hg)
			return;
	}
	a->rp = (b->rp + 1) % g->nrp;
	a->hg = b->hg == SIZE_MAX ? 0 : (b->hg + 1) % g->nhg;
}

static void random_job(struct gen_ctx *g, struct acct *a)
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

static int random_phone_config(struct gen_ctx *g, struct acct *a)
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

static void random_extras(struct gen_ctx *g, struct acct *a, unsigned dir_pct)
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
static int new_person(struct gen_ctx *g, struct acct *a, int have_name)
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

/* ---- name variants -------------------------------------------------------------------- */

/* Full-width forms (U+FF01..U+FF5E) of ASCII letters: what pasting from a CJK document gives. */
static void fullwidth(const char *s, char *out, size_t n)
{
	out[0] = 0;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c > 0x20 && c < 0x7f) {
			unsigned cp = 0xff01 + (c - 0x21);
			char u[4] = { (char)(0xe0 | (cp >> 12)), (char)(0x80 | ((cp >> 6) & 0x3f)),
				(char)(0x80 | (cp & 0x3f)), 0 };
			scat(out, n, u);
		} else {
			scatn(out, n, s, 1);
		}
	}
}

/* Replaces the first "fi"/"fl" with its ligature (U+FB01/U+FB02); 0 when there is none. */
static int ligature(const char *s, char *out, size_t n)
{
	const char *p = strstr(s, "fi"), *q = strstr(s, "fl");
	const char *lig = "\xef\xac\x81";
	if (!p || (q && q < p)) {
		p = q;
		lig = "\xef\xac\x82";
	}
	if (!p)
		return 0;
	out[0] = 0;
	scatn(out, n, s, (size_t)(p - s));
	scat(out, n, lig);
	scat(out, n, p + 2);
	return 1;
}

static const char *const kb_rows[] = { "qwertyuiop", "asdfghjkl", "zxcvbnm" };

static char kb_neighbour(struct gen_ctx *g, char c)
{
	char lc = alower(c);
	for (int r = 0; r < 3; r++) {
		const char *p = strchr(kb_rows[r], lc);
		if (!p || !lc)
			continue;
		size_t i = (size_t)(p - kb_rows[r]), len = strlen(kb_rows[r]);
		char n = i == 0 ? kb_rows[r][1] : i + 1 == len ? kb_rows[r][i - 1]
			: kb_rows[r][rng_pct(&g->r, 50) ? i - 1 : i + 1];
		return c == lc ? n : aupper(n);
	}
	return lc == 'a' ? 'e' : 'a';
}

/* One edit on the ASCII letters of s: substitution (keyboard neighbour), transposition,
 * insertion (a doubled letter) or deletion, never touching the first letter. 0 if s is too
 * short or has too few ASCII letters. */
static int typo(struct gen_ctx *g, const char *s, char *out, size_t n)
{
	size_t len = strlen(s);
	if (len < 4 || len + 2 > n)
		return 0;
	for (int t = 0; t < MAX_TRIES; t++) {
		size_t i = 1 + rng_below(&g->r, len - 1);
		int op = (int)rng_below(&g->r, 4);
		if (!is_alpha(s[i]))
			continue;
		memcpy(out, s, len + 1);
		switch (op) {
		case 0:
			out[i] = kb_neighbour(g, s[i]);
			break;
		case 1:
			if (i + 1 >= len || !is_alpha(s[i + 1]) || alower(s[i]) == alower(s[i + 1]))
				continue;
			out[i] = s[i + 1];
			out[i + 1] = s[i];
			break;
		case 2:
			memmove(out + i + 1, s + i, len - i + 1);
			out[i] = alower(s[i]);
			break;
		default:
			memmove(out + i, s + i + 1, len - i);
			break;
		}
		if (!classic_eq(out, s))
			return 1;
	}
	return 0;
}

/* White space as it sneaks in: leading, trailing, doubled inside, or a no-break space. */
static void whitespace(struct gen_ctx *g, const char *s, char *out, size_t n)
{
	const char *sp = strchr(s, ' ');
	size_t w = rng_below(&g->r, 100);
	out[0] = 0;
	if (sp && w < 40) {
		scatn(out, n, s, (size_t)(sp - s));
		scat(out, n, w < 25 ? "  " : "\xc2\xa0");
		scat(out, n, sp + 1);
	} else if (w < 35) {
		scat(out, n, " ");
		scat(out, n, s);
	} else if (w < 85) {
		scat(out, n, s);
		scat(out, n, w < 75 ? " " : "  ");
	} else {
		scat(out, n, s);
		scat(out, n, "\xc2\xa0");
	}
}

/* Changes the ASCII case of s so the bytes differ: all upper, all lower, or the tail lowered. */
static int case_variant(struct gen_ctx *g, const char *s, char *out, size_t n)
{
	for (int t = 0; t < 6; t++) {
		int how = (int)rng_below(&g->r, 3);
		scpy(out, n, s);
		for (size_t i = 0; out[i]; i++) {
			if (how == 0)
				out[i] = aupper(out[i]);
			else if (how == 1)
				out[i] = alower(out[i]);
			else
				out[i] = i == 0 ? aupper(out[i]) : (rng_pct(&g->r, 50) ? aupper(out[i]) : alower(out[i]));
		}
		if (strcmp(out, s))
			return 1;
	}
	return 0;
}

static const struct gname *find_gname(const struct gen_ctx *g, const char *native, int first)
{
	for (size_t c = 0; c < g->ncult; c++) {
		const struct glist *l = first ? &g->cult[c].first : &g->cult[c].last;
		for (size_t i = 0; i < l->n; i++)
			if (!strcmp(l->v[i].native, native) || !strcmp(l->v[i].ascii, native))
				return &l->v[i];
	}
	return NULL;
}

/* One of the nicknames of `first` (native script part of the table entries), chosen evenly;
 * 0 when the table has none. */
static int nick_for(struct gen_ctx *g, const char *first, char *out, size_t n)
{
	size_t matches = 0, pick = 0;
	for (int pass = 0; pass < 2; pass++) {
		size_t seen = 0;
		for (size_t i = 0; i < names_nnicks; i++) {
			const char *f = names_nicks[i].formal, *bar = strchr(f, '|');
			size_t fl = bar ? (size_t)(bar - f) : strlen(f);
			if (strlen(first) != fl || strncmp(first, f, fl))
				continue;
			if (pass == 1 && seen == pick) {
				const char *nk = names_nicks[i].nick, *nb = strchr(nk, '|');
				out[0] = 0;
				scatn(out, n, nk, nb ? (size_t)(nb - nk) : strlen(nk));
				return 1;
			}
			seen++;
		}
		if (pass == 0) {
			if (!(matches = seen))
				return 0;
			pick = rng_below(&g->r, matches);
		}
	}
	return 0;
}

/* P's name made a little different from O's, so the classic name rule does not match:
 * nickname, the other script, accents dropped, a middle initial, or an initial only. */
static void vary_name(struct gen_ctx *g, const struct acct *o, struct acct *p)
{
	char tmp[NAMELEN];
	for (int t = 0; t < MAX_TRIES; t++) {
		scpy(p->first, sizeof p->first, o->first);
		scpy(p->last, sizeof p->last, o->last);
		switch (rng_below(&g->r, 6)) {
		case 0:
			nick_for(g, o->first, p->first, sizeof p->first);
			break;
		case 1: {
			const struct gname *f = find_gname(g, o->first, 1), *l = find_gname(g, o->last, 0);
			if (f && l && !g->cult[o->culture].c->latin) {
				int native = !strcmp(o->first, f->native);
				scpy(p->first, sizeof p->first, native ? f->ascii : f->native);
				scpy(p->last, sizeof p->last, native ? l->ascii : l->native);
			}
			break;
		}
		case 2:
			if (has_non_ascii(o->first) || has_non_ascii(o->last)) {
				if (g->cult[o->culture].c->latin) {
					latin_fold(o->first, 0, p->first, sizeof p->first);
					latin_fold(o->last, 0, p->last, sizeof p->last);
				}
			}
			break;
		case 3:
		case 4:
			char ini[4] = { ' ', (char)('A' + rng_below(&g->r, 26)), '.', 0 };
			scpy(p->first, sizeof p->first, o->first);
			scat(p->first, sizeof p->first, ini);
			break;
		default:
			if (is_alpha(o->first[0]) && o->first[1]) {
				snprintf(tmp, sizeof tmp, "%c.", o->first[0]);
				scpy(p->first, sizeof p->first, tmp);
			}
			break;
		}
		if (!(classic_eq(p->first, o->first) && classic_eq(p->last, o->last)))
			return;
	}
	scpy(p->first, sizeof p->first, o->first);
	scat(p->first, sizeof p->first, " J.");
}

/* ---- the planted kinds ---------------------------------------------------------------- */

static int classic_name_match(const struct acct *a, const struct acct *b)
{
	return a->first[0] && a->last[0] && classic_eq(a->first, b->first) &&
	       classic_eq(a->last, b->last);
}

/* The name is not yet as common as name_cap allows. */
static int name_ok(struct gen_ctx *g, const struct acct *a)
{
	uint32_t *c = hcount_slot(&g->names, name_key(g, a->first, a->last), 0);
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

static int plant_checked(struct gen_ctx *g, enum kind k, struct acct *o, struct acct *p)
{
	for (int t = 0; t < 8; t++)
		if (!plant(g, k, o, p) && kind_holds(k, o, p))
			return 0;
	return -1;
}

/* ---- distractors ---------------------------------------------------------------------- */

/* Two different people with the same common name: everything else their own, other teams. */
static int distractor_same(struct gen_ctx *g, struct acct *a, struct acct *b)
{
	/* the head of the lists, the names that really collide, while they are under the cap */
	for (int t = 0; t < 12; t++) {
		size_t ci = pick_culture(g);
		const struct gculture *gc = &g->cult[ci];
		size_t head = 6 + 4 * (size_t)t;
		const struct gname *f = &gc->first.v[rng_below(&g->r, gc->first.n < head ? gc->first.n : head)];
		const struct gname *l = &gc->last.v[rng_below(&g->r, gc->last.n < head ? gc->last.n : head)];
		set_name(g, a, ci, f, NULL, l, NULL);
		uint32_t *c = hcount_slot(&g->names, name_key(g, a->first, a->last), 0);
		if (!c || *c + 2 < g->name_cap)
			break;
	}
	*b = *a;
	if (new_person(g, a, 1) || new_person(g, b, 1))
		return -1;
	other_team(g, b, a);
	return 0;
}

static int distractor_similar(struct gen_ctx *g, struct acct *a, struct acct *b)
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

/* ---- rendering ------------------------------------------------------------------------ */

static enum cd_result json_str(struct buf *b, const char *s)
{
	enum cd_result r = buf_putc(b, '"');
	const char *run = s;
	for (const char *p = s;; p++) {
		unsigned char c = (unsigned char)*p;
		if (c && c != '"' && c != '\\' && c >= 0x20)
			continue;
		if (r == CD_OK && p > run)
			r = buf_append(b, run, (size_t)(p - run));
		if (!c || r != CD_OK)
			break;
		if (c == '"' || c == '\\') {
			char e[2] = { '\\', (char)c };
			r = buf_append(b, e, 2);
		} else {
			r = buf_printf(b, "\\u%04x", c);
		}
		run = p + 1;
	}
	return r == CD_OK ? buf_putc(b, '"') : r;
}

/* Appends without printf: rendering is most of the generator's time at a million users. */
#define PUT_LIT(b, lit) buf_append((b), (lit), sizeof(lit) - 1)

static enum cd_result put_raw(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

static enum cd_result put_uint(struct buf *b, unsigned long long v)
{
	char t[24];
	size_t n = sizeof t;
	do
		t[--n] = (char)('0' + v % 10);
	while ((v /= 10) && n);
	return buf_append(b, t + n, sizeof t - n);
}

/* Seconds with exactly three decimals (what %.3f gives for our millisecond values). */
static enum cd_result put_millis(struct buf *b, double secs)
{
	long long ms = llround(secs * 1000.0);
	char frac[4] = { (char)('0' + ms / 100 % 10), (char)('0' + ms / 10 % 10), (char)('0' + ms % 10), 0 };
	enum cd_result r = put_uint(b, (unsigned long long)(ms / 1000));
	if (r == CD_OK)
		r = buf_putc(b, '.');
	return r == CD_OK ? buf_append(b, frac, 3) : r;
}

static enum cd_result put_member(struct buf *b, const char *lit_key, const char *val, int escape)
{
	enum cd_result r = put_raw(b, lit_key);
	if (r != CD_OK)
		return r;
	if (escape)
		return json_str(b, val);
	r = buf_putc(b, '"');
	if (r == CD_OK)
		r = put_raw(b, val);
	return r == CD_OK ? buf_putc(b, '"') : r;
}

static enum cd_result render(struct gen_ctx *g, const struct acct *a, const char *id, struct buf *b)
{
	char pool[37];
	enum cd_result r;
	buf_reset(b);
	r = put_member(b, "{\"Id\":", id, 0);
	if (r == CD_OK) r = PUT_LIT(b, ",\"Arn\":\"arn:aws:connect:");
	if (r == CD_OK) r = put_raw(b, g->region);
	if (r == CD_OK) r = buf_putc(b, ':');
	if (r == CD_OK) r = put_raw(b, g->account);
	if (r == CD_OK) r = PUT_LIT(b, ":instance/");
	if (r == CD_OK) r = put_raw(b, g->instance_id);
	if (r == CD_OK) r = PUT_LIT(b, "/agent/");
	if (r == CD_OK) r = put_raw(b, id);
	if (r == CD_OK) r = buf_putc(b, '"');
	if (r == CD_OK) r = put_member(b, ",\"Username\":", a->username, 1);
	if (r == CD_OK) r = put_member(b, ",\"IdentityInfo\":{\"FirstName\":", a->first, 1);
	if (r == CD_OK) r = put_member(b, ",\"LastName\":", a->last, 1);
	if (r == CD_OK) r = put_member(b, ",\"Email\":", a->email, 1);
	if (r == CD_OK && a->secondary[0])
		r = put_member(b, ",\"SecondaryEmail\":", a->secondary, 1);
	if (r == CD_OK && a->mobile[0])
		r = put_member(b, ",\"Mobile\":", a->mobile, 0);
	if (r == CD_OK)
		r = put_member(b, "},\"PhoneConfig\":{\"PhoneType\":",
			a->desk_type ? "DESK_PHONE" : "SOFT_PHONE", 0);
	if (r == CD_OK)
		r = a->auto_accept ? PUT_LIT(b, ",\"AutoAccept\":true") : PUT_LIT(b, ",\"AutoAccept\":false");
	if (r == CD_OK) r = PUT_LIT(b, ",\"AfterContactWorkTimeLimit\":");
	if (r == CD_OK) r = put_uint(b, (unsigned long long)a->acw);
	if (r == CD_OK && a->desk_type)
		r = put_member(b, ",\"DeskPhoneNumber\":", a->desk, 0);
	if (r == CD_OK) r = buf_putc(b, '}');
	if (r == CD_OK && a->has_dir)
		r = put_member(b, ",\"DirectoryUserId\":", a->dir, 0);
	if (r == CD_OK) r = PUT_LIT(b, ",\"SecurityProfileIds\":[");
	for (size_t i = 0; i < a->nsec && r == CD_OK; i++) {
		uuid_det(g->o->seed, 's', a->sec[i], pool);
		r = put_member(b, i ? "," : "", pool, 0);
	}
	uuid_det(g->o->seed, 'r', a->rp, pool);
	if (r == CD_OK) r = put_member(b, "],\"RoutingProfileId\":", pool, 0);
	if (r == CD_OK && a->hg != SIZE_MAX) {
		uuid_det(g->o->seed, 'h', a->hg, pool);
		r = put_member(b, ",\"HierarchyGroupId\":", pool, 0);
	}
	if (r == CD_OK && a->ntags) {
		r = put_member(b, ",\"Tags\":{\"Department\":", names_departments[a->tag_dept], 1);
		if (r == CD_OK && a->ntags > 1)
			r = put_member(b, ",\"Site\":", names_sites[a->tag_site], 1);
		if (r == CD_OK && a->ntags > 2) {
			r = PUT_LIT(b, ",\"CostCenter\":\"CC-");
			if (r == CD_OK) r = put_uint(b, a->tag_cc);
			if (r == CD_OK) r = buf_putc(b, '"');
		}
		if (r == CD_OK) r = buf_putc(b, '}');
	}
	if (r == CD_OK) r = PUT_LIT(b, ",\"LastModifiedTime\":");
	if (r == CD_OK) r = put_millis(b, a->lmt);
	if (r == CD_OK) r = put_member(b, ",\"LastModifiedRegion\":", g->region, 0);
	if (r == CD_OK) r = buf_putc(b, '}');
	return r;
}

/* ---- the same-name pass ---------------------------------------------------------------- */

/* The name as a normalising comparison sees it: NFKC, case folded, marks stripped, letters
 * without decomposition folded, white space collapsed and trimmed. */
/* Names repeat (they come from tables), so the Unicode work per name part is cached in a
 * direct-mapped table keyed by the part's bytes; parts too long for a slot are not cached. */
#define PART_CACHE (1u << 14)
struct part_slot {
	uint64_t raw;
	char norm[56];
};

/* One part (first or last name) folded: NFKC, case folding, marks stripped, special letters. */
static const char *fold_part(struct gen_ctx *g, const char *s, char *tmp, size_t tmplen)
{
	size_t len = strlen(s);
	uint64_t raw = user_hash(s, len) | 1;
	struct part_slot *slot = g->parts ? &g->parts[(raw >> 9) & (PART_CACHE - 1)] : NULL;
	if (slot && slot->raw == raw)
		return slot->norm;
	utf8proc_uint8_t *m = NULL;
	utf8proc_ssize_t ml = utf8proc_map((const utf8proc_uint8_t *)s, 0, &m,
		UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
		UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK | UTF8PROC_IGNORE);
	if (ml >= 0)
		special_pass((const char *)m, 1, tmp, tmplen);
	else
		scpy(tmp, tmplen, s);
	free(m);
	if (slot && strlen(tmp) < sizeof slot->norm) {
		slot->raw = raw;
		scpy(slot->norm, sizeof slot->norm, tmp);
	}
	return tmp;
}

/* The name as a normalising comparison sees it: NFKC, case folded, marks stripped, letters
 * without decomposition folded, white space collapsed and trimmed. */
static uint64_t name_key(struct gen_ctx *g, const char *first, const char *last)
{
	char t[2 * NAMELEN + 8], f[2 * NAMELEN];
	size_t n = 0;
	const char *parts[2] = { first, last };
	for (int k = 0; k < 2; k++) {
		const char *s = parts[k];
		if (has_non_ascii(s))
			s = fold_part(g, s, f, sizeof f);
		int space = 1; /* leading white space dropped */
		for (; *s && n + 2 < sizeof t; s++) {
			char c = alower(*s);
			if (c == ' ' || c == '\t') {
				space = 1;
				continue;
			}
			if (space && n && t[n - 1] != '\x1f')
				t[n++] = ' ';
			space = 0;
			t[n++] = c;
		}
		if (k == 0)
			t[n++] = '\x1f';
	}
	return user_hash(t, n);
}

struct nk {
	uint64_t key;
	uint32_t person;
	uint32_t pad;
	size_t index;
};

static int nk_cmp(const void *a, const void *b)
{
	const struct nk *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static enum cd_result truth_add(struct gen_truth *t, size_t u1, size_t u2, const char *kind,
	int distractor)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		struct gen_pair *v = realloc(t->v, cap * sizeof *v);
		if (!v)
			return CD_NOMEM;
		t->v = v;
		t->cap = cap;
	}
	t->v[t->n++] = (struct gen_pair){ u1 < u2 ? u1 : u2, u1 < u2 ? u2 : u1, kind, distractor };
	return CD_OK;
}

static int pair_cmp(const void *a, const void *b)
{
	const struct gen_pair *x = a, *y = b;
	if (x->distractor != y->distractor)
		return x->distractor - y->distractor;
	if (x->user1 != y->user1)
		return x->user1 < y->user1 ? -1 : 1;
	if (x->user2 != y->user2)
		return x->user2 < y->user2 ? -1 : 1;
	return strcmp(x->kind, y->kind);
}

/* Every two accounts of different people whose names are equal after normalisation. */
static enum cd_result same_name_pass(struct gen_ctx *g)
{
	enum cd_result r = CD_OK;
	struct nk *v = malloc((g->nout ? g->nout : 1) * sizeof *v);
	if (!v)
		return CD_NOMEM;
	for (size_t i = 0; i < g->nout; i++)
		v[i] = (struct nk){ g->namekey[i], g->person[i], 0, i };
	qsort(v, g->nout, sizeof *v, nk_cmp);
	for (size_t i = 0; i < g->nout && r == CD_OK;) {
		size_t j = i + 1;
		while (j < g->nout && v[j].key == v[i].key)
			j++;
		for (size_t a = i; a < j && r == CD_OK; a++)
			for (size_t b = a + 1; b < j && r == CD_OK; b++)
				if (v[a].person != v[b].person)
					r = truth_add(g->truth, v[a].index, v[b].index, KIND_SAME_NAME, 1);
		i = j;
	}
	free(v);
	if (r == CD_OK && g->truth->n) /* qsort(NULL, 0) is undefined behaviour */
		qsort(g->truth->v, g->truth->n, sizeof *g->truth->v, pair_cmp);
	return r;
}

/* ---- emission ------------------------------------------------------------------------- */

void gen_user_id(unsigned long long seed, size_t index, char out[37])
{
	uuid_det(seed, 'u', index, out);
}

static enum cd_result emit(struct gen_ctx *g, const struct acct *a)
{
	char id[37], arn[256];
	enum cd_result r;
	size_t index = g->nout;
	gen_user_id(g->o->seed, index, id);
	if ((r = render(g, a, id, &g->json)) != CD_OK)
		return r;
	snprintf(arn, sizeof arn, "arn:aws:connect:%s:%s:instance/%s/agent/%s", g->region,
		g->account, g->instance_id, id);
	char rp[37], hg[37] = "";
	uuid_det(g->o->seed, 'r', a->rp, rp);
	if (a->hg != SIZE_MAX)
		uuid_det(g->o->seed, 'h', a->hg, hg);
	/* The same ids render() wrote, in the form every loader gives, so a generated set and
	 * the file written from it hold the same users. */
	char sp[sizeof a->sec / sizeof *a->sec][37];
	const char *spv[sizeof a->sec / sizeof *a->sec];
	for (size_t i = 0; i < a->nsec; i++) {
		uuid_det(g->o->seed, 's', a->sec[i], sp[i]);
		spv[i] = sp[i];
	}
	buf_reset(&g->secprof);
	if ((r = user_canon_ids(spv, a->nsec, &g->secprof)) != CD_OK)
		return r;
	struct user_fields f = {
		.id = id, .arn = arn, .username = a->username, .first_name = a->first,
		.last_name = a->last, .email = a->email, .secondary_email = a->secondary,
		.mobile = a->mobile, .desk_phone = a->desk_type ? a->desk : "",
		.directory_user_id = a->has_dir ? a->dir : "", .routing_profile_id = rp,
		.hierarchy_group_id = hg, .last_modified_region = g->region,
		.security_profiles = g->secprof.data,
		.last_modified = a->lmt, .raw = buf_str(&g->json), .raw_len = g->json.len,
	};
	g->namekey[index] = name_key(g, a->first, a->last);
	g->person[index] = a->person;
	uint32_t *cnt = hcount_slot(&g->names, g->namekey[index], 1);
	if (!cnt)
		return CD_NOMEM;
	++*cnt;
	g->nout++;
	return g->sink(g->sink_ctx, index, &f);
}

static int heap_less(const struct pending *x, const struct pending *y)
{
	return x->emit_at != y->emit_at ? x->emit_at < y->emit_at : x->seq < y->seq;
}

static enum cd_result heap_push(struct gen_ctx *g, const struct pending *p)
{
	if (g->nheap == g->capheap) {
		size_t cap = g->capheap ? g->capheap * 2 : 64;
		struct pending *v = realloc(g->heap, cap * sizeof *v);
		if (!v)
			return CD_NOMEM;
		g->heap = v;
		g->capheap = cap;
	}
	size_t i = g->nheap++;
	g->heap[i] = *p;
	g->heap[i].seq = g->seq++;
	while (i && heap_less(&g->heap[i], &g->heap[(i - 1) / 2])) {
		struct pending t = g->heap[i];
		g->heap[i] = g->heap[(i - 1) / 2];
		g->heap[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
	return CD_OK;
}

static enum cd_result heap_pop_emit(struct gen_ctx *g)
{
	struct pending *top = &g->heap[0];
	size_t index = g->nout;
	enum cd_result r = emit(g, &top->a);
	if (r == CD_OK && top->kind)
		r = truth_add(g->truth, top->first_index, index, top->kind, top->distractor);
	g->heap[0] = g->heap[--g->nheap];
	for (size_t i = 0;;) {
		size_t l = 2 * i + 1, m = i;
		if (l < g->nheap && heap_less(&g->heap[l], &g->heap[m]))
			m = l;
		if (l + 1 < g->nheap && heap_less(&g->heap[l + 1], &g->heap[m]))
			m = l + 1;
		if (m == i)
			break;
		struct pending t = g->heap[i];
		g->heap[i] = g->heap[m];
		g->heap[m] = t;
		i = m;
	}
	return r;
}

/* Emits a now and schedules b a random distance later. */
static enum cd_result emit_pair(struct gen_ctx *g, const struct acct *a, const struct acct *b,
	const char *kind, int distractor, size_t gapmax)
{
	struct pending *p = malloc(sizeof *p);
	enum cd_result r;
	if (!p)
		return CD_NOMEM;
	p->first_index = g->nout;
	p->kind = kind;
	p->distractor = distractor;
	p->a = *b;
	p->emit_at = g->nout + 1 + rng_below(&g->r, gapmax);
	r = emit(g, a);
	if (r == CD_OK)
		r = heap_push(g, p);
	free(p);
	return r;
}

void gen_opts_init(struct gen_opts *o)
{
	memset(o, 0, sizeof *o);
	o->dup_rate = GEN_DEFAULT_DUP_RATE;
}

void gen_truth_init(struct gen_truth *t)
{
	memset(t, 0, sizeof *t);
}

void gen_truth_release(struct gen_truth *t)
{
	free(t->v);
	memset(t, 0, sizeof *t);
}

void gen_instance_id(const struct gen_opts *opts, char *id, size_t idlen)
{
	char u[37];
	if (opts->instance_id && opts->instance_id[0]) {
		scpy(id, idlen, opts->instance_id);
		return;
	}
	uuid_det(opts->seed, 'i', 0, u);
	scpy(id, idlen, u);
}

const char *gen_region(const struct gen_opts *opts)
{
	return opts->region && opts->region[0] ? opts->region : "us-east-1";
}

enum cd_result gen_stream(const struct gen_opts *opts, gen_sink sink, void *sink_ctx,
	struct gen_truth *truth, char *err, size_t errlen)
{
	struct gen_ctx g;
	enum cd_result r = CD_OK;
	struct acct *a = NULL, *b = NULL;
	memset(&g, 0, sizeof g);
	if (!opts->users || opts->users > GEN_MAX_USERS || !(opts->dup_rate >= 0.0) ||
	    opts->dup_rate > 0.5) {
		snprintf(err, errlen, "users must be 1..%lu and dup-rate 0..0.5", GEN_MAX_USERS);
		return CD_USAGE;
	}
	g.o = opts;
	g.r.s = mix64(opts->seed, 0x636f6e6e656374ULL);
	g.sink = sink;
	g.sink_ctx = sink_ctx;
	g.truth = truth;
	g.err = err;
	g.errlen = errlen;
	buf_init(&g.json, 1 << 16);
	buf_init(&g.secprof, 1 << 10);
	gen_instance_id(opts, g.instance_id, sizeof g.instance_id);
	scpy(g.region, sizeof g.region, gen_region(opts));
	snprintf(g.account, sizeof g.account, "%012llu",
		(unsigned long long)(mix64(opts->seed, 'a') % 900000000000ULL + 100000000000ULL));
	size_t n = opts->users;
	g.nhg = n / 40 > 5 ? n / 40 : 5;
	g.nrp = n / 300 > 3 ? n / 300 : 3;
	g.name_cap = (uint32_t)(4 + n / 500000 < 6 ? 4 + n / 500000 : 6);
	g.namekey = malloc(n * sizeof *g.namekey);
	g.person = malloc(n * sizeof *g.person);
	a = malloc(sizeof *a);
	b = malloc(sizeof *b);
	g.parts = calloc(PART_CACHE, sizeof *g.parts);
	/* sized up front: rehashing millions of keys costs more than the memory */
	if (hset_grow(&g.idents, 4 * n) || hset_grow(&g.phones, 2 * n)) {
		r = CD_NOMEM;
		goto out;
	}
	if (!(g.arena = arena_new()) || !g.namekey || !g.person || !a || !b || !g.parts ||
	    ctx_tables(&g)) {
		r = CD_NOMEM;
		goto out;
	}
	/* Exact counts: D planted second accounts, as many distractor pairs, singles fill up. */
	size_t dups = (size_t)llround(opts->dup_rate * (double)n);
	size_t dis = dups;
	if (2 * dups > n)
		dups = n / 2;
	if (2 * dups + 2 * dis > n)
		dis = (n - 2 * dups) / 2;
	size_t singles = n - 2 * dups - 2 * dis;
	size_t gapmax = n / 4 > 5000 ? 5000 : (n / 4 ? n / 4 : 1);
	size_t kind_i = 0, dis_i = 0;
	while (g.nout < n && r == CD_OK) {
		size_t units = singles + dups + dis;
		if (g.nheap && (g.heap[0].emit_at <= g.nout || !units)) {
			r = heap_pop_emit(&g);
			continue;
		}
		size_t u = rng_below(&g.r, units);
		if (u < singles) {
			singles--;
			if (new_person(&g, a, 0)) {
				r = CD_INTERNAL;
				break;
			}
			r = emit(&g, a);
		} else if (u < singles + dups) {
			dups--;
			enum kind k = (enum kind)(kind_i++ % K_NKINDS);
			if (plant_checked(&g, k, a, b)) {
				snprintf(err, errlen, "could not plant a '%s' pair", gen_dup_kinds[k]);
				r = CD_INTERNAL;
				break;
			}
			r = emit_pair(&g, a, b, gen_dup_kinds[k], 0, gapmax);
		} else {
			dis--;
			int similar = dis_i++ % 2;
			if (similar ? distractor_similar(&g, a, b) : distractor_same(&g, a, b)) {
				r = CD_INTERNAL;
				break;
			}
			/* same-name pairs are listed by the same-name pass with the accidental ones */
			r = emit_pair(&g, a, b, similar ? KIND_SIMILAR_NAME : NULL, 1, gapmax);
		}
	}
	if (r == CD_OK)
		r = same_name_pass(&g);
	if (r == CD_INTERNAL && !err[0])
		snprintf(err, errlen, "generator ran out of unique identifiers or phone numbers");
out:
	if (r == CD_NOMEM)
		snprintf(err, errlen, "out of memory generating %lu users", opts->users);
	free(a);
	free(b);
	free(g.heap);
	free(g.namekey);
	free(g.person);
	free(g.idents.v);
	free(g.phones.v);
	free(g.names.v);
	free(g.parts);
	free(g.idnext.v);
	buf_release(&g.json);
	buf_release(&g.secprof);
	arena_free(g.arena);
	return r;
}

/* ---- gen_instance and the writers ----------------------------------------------------- */

static enum cd_result set_sink(void *ctx, size_t index, const struct user_fields *f)
{
	(void)index;
	return user_set_add(ctx, f);
}

enum cd_result gen_instance(const struct gen_opts *opts, struct user_set *users,
	struct gen_truth *truth, char *err, size_t errlen)
{
	size_t base = users->n;
	enum cd_result r;
	if (err && errlen)
		err[0] = 0;
	r = gen_stream(opts, set_sink, users, truth, err, errlen);
	if (r == CD_OK && base)
		for (size_t i = 0; i < truth->n; i++) {
			truth->v[i].user1 += base;
			truth->v[i].user2 += base;
		}
	return r;
}

/* A file written to "PATH.tmp-PID" 0600 and renamed over PATH on success; "-" is stdout. */
struct outfile {
	FILE *f;
	const char *path;
	char tmp[4096];
	int is_stdout;
};

static enum cd_result out_open(struct outfile *o, const char *path, char *err, size_t errlen)
{
	memset(o, 0, sizeof *o);
	o->path = path;
	if (!strcmp(path, "-")) {
		o->f = stdout;
		o->is_stdout = 1;
		return CD_OK;
	}
	if ((size_t)snprintf(o->tmp, sizeof o->tmp, "%s.tmp-%ld", path, (long)getpid()) >= sizeof o->tmp) {
		snprintf(err, errlen, "path too long '%s'", path);
		return CD_USAGE;
	}
	int fd = open(o->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || !(o->f = fdopen(fd, "w"))) {
		snprintf(err, errlen, "cannot create '%s': %s", o->tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		return CD_IO;
	}
	setvbuf(o->f, NULL, _IOFBF, 1 << 20);
	return CD_OK;
}

static void out_write_error(const struct outfile *o, char *err, size_t errlen)
{
	const char *why = strerror(errno ? errno : EIO);
	if (o->is_stdout)
		snprintf(err, errlen, "cannot write to standard output: %s", why);
	else
		snprintf(err, errlen, "cannot write '%s': %s", o->path, why);
}

/* Flushes and renames into place when ok; otherwise removes the temporary file. */
static enum cd_result out_close(struct outfile *o, enum cd_result r, char *err, size_t errlen)
{
	if (!o->f)
		return r;
	int bad = ferror(o->f);
	if (o->is_stdout) {
		bad |= fflush(o->f) != 0;
	} else {
		bad |= fflush(o->f) != 0;
		bad |= fsync(fileno(o->f)) != 0 && errno != EINVAL;
		bad |= fclose(o->f) != 0;
	}
	if (r == CD_OK && bad) {
		out_write_error(o, err, errlen);
		r = CD_IO;
	}
	if (!o->is_stdout) {
		if (r == CD_OK && rename(o->tmp, o->path)) {
			snprintf(err, errlen, "cannot rename '%s' to '%s': %s", o->tmp, o->path,
				strerror(errno));
			r = CD_IO;
		}
		if (r != CD_OK)
			unlink(o->tmp);
	}
	o->f = NULL;
	return r;
}

static void fput_json_str(FILE *f, const char *s)
{
	struct buf b = BUF_INIT(1 << 16);
	if (json_str(&b, s) == CD_OK)
		fputs(buf_str(&b), f);
	buf_release(&b);
}

static void instance_head(FILE *f, const struct gen_opts *opts)
{
	char id[256];
	gen_instance_id(opts, id, sizeof id);
	fputs("{\"InstanceId\":", f);
	fput_json_str(f, id);
	fputs(",\"Region\":", f);
	fput_json_str(f, gen_region(opts));
	fputs(",\"Users\":[\n", f);
}

enum cd_result gen_write_instance(const char *path, const struct gen_opts *opts,
	const struct user_set *users, char *err, size_t errlen)
{
	struct outfile o;
	enum cd_result r = out_open(&o, path, err, errlen);
	if (r != CD_OK)
		return r;
	instance_head(o.f, opts);
	for (size_t i = 0; i < users->n; i++) {
		fwrite(users->v[i].raw, 1, users->v[i].raw_len, o.f);
		fputs(i + 1 < users->n ? ",\n" : "\n", o.f);
	}
	fputs("]}\n", o.f);
	return out_close(&o, r, err, errlen);
}

static void truth_list(FILE *f, const struct gen_opts *opts, const struct user_set *users,
	const struct gen_truth *t, int distractor)
{
	char id1[37], id2[37];
	int first = 1;
	for (size_t i = 0; i < t->n; i++) {
		const struct gen_pair *p = &t->v[i];
		if (p->distractor != distractor)
			continue;
		if (users) {
			scpy(id1, sizeof id1, users->v[p->user1].id);
			scpy(id2, sizeof id2, users->v[p->user2].id);
		} else {
			gen_user_id(opts->seed, p->user1, id1);
			gen_user_id(opts->seed, p->user2, id2);
		}
		fprintf(f, "%s\n{\"user1\":\"%s\",\"user2\":\"%s\",\"kind\":\"%s\"}", first ? "" : ",",
			id1, id2, p->kind);
		first = 0;
	}
}

static enum cd_result write_truth(const char *path, const struct gen_opts *opts, size_t n,
	const struct user_set *users, const struct gen_truth *truth, char *err, size_t errlen)
{
	struct outfile o;
	enum cd_result r = out_open(&o, path, err, errlen);
	if (r != CD_OK)
		return r;
	fprintf(o.f, "{\"seed\":%llu,\"users\":%zu,\"pairs\":[", opts->seed, n);
	truth_list(o.f, opts, users, truth, 0);
	fputs("],\"distractors\":[", o.f);
	truth_list(o.f, opts, users, truth, 1);
	fputs("]}\n", o.f);
	return out_close(&o, r, err, errlen);
}

enum cd_result gen_write_truth(const char *path, const struct gen_opts *opts,
	const struct user_set *users, const struct gen_truth *truth, char *err, size_t errlen)
{
	for (size_t i = 0; i < truth->n; i++)
		if (truth->v[i].user1 >= users->n || truth->v[i].user2 >= users->n) {
			snprintf(err, errlen, "truth refers to user %zu of %zu", truth->v[i].user2, users->n);
			return CD_INTERNAL;
		}
	return write_truth(path, opts, users->n, users, truth, err, errlen);
}

/* Streaming: users go straight to the file, so a million cost no more memory than a hundred. */
struct file_sink {
	FILE *f;
	size_t n;
};

static enum cd_result file_sink(void *ctx, size_t index, const struct user_fields *u)
{
	struct file_sink *s = ctx;
	if (index)
		fputs(",\n", s->f);
	fwrite(u->raw, 1, u->raw_len, s->f);
	s->n++;
	return ferror(s->f) ? CD_IO : CD_OK;
}

enum cd_result gen_files(const struct gen_opts *opts, const char *out_path,
	const char *truth_path, char *err, size_t errlen)
{
	struct outfile o;
	struct gen_truth truth;
	struct file_sink s = { NULL, 0 };
	enum cd_result r;
	gen_truth_init(&truth);
	if (err && errlen)
		err[0] = 0;
	if ((r = out_open(&o, out_path, err, errlen)) != CD_OK)
		return r;
	s.f = o.f;
	instance_head(o.f, opts);
	r = gen_stream(opts, file_sink, &s, &truth, err, errlen);
	if (r == CD_IO)
		out_write_error(&o, err, errlen);
	if (r == CD_OK)
		fputs("\n]}\n", o.f);
	r = out_close(&o, r, err, errlen);
	if (r == CD_OK && truth_path)
		r = write_truth(truth_path, opts, s.n, NULL, &truth, err, errlen);
	gen_truth_release(&truth);
	return r;
}
