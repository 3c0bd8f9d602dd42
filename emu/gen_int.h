/* gen_int.h -- what the generator's files share (private; gen.h is the public interface). */
#ifndef CD_EMU_GEN_INT_H
#define CD_EMU_GEN_INT_H

/* The generator in files with one job each (the order a person goes through):
 *   gen_rng.c      splitmix64 and the UUIDs derived from it
 *   gen_str.c      bounded string helpers and the classic rules' comparison
 *   gen_htab.c     the one hash-table shape: 64-bit key -> count (also used as a set)
 *   gen_names.c    name tables resolved to native / ASCII forms, picked by weight
 *   gen_fold.c     accents and Unicode folded: plain spellings and the name key
 *   gen_people.c   a new person: name, job, phone configuration
 *   gen_ident.c    e-mails, usernames and phone numbers, unique across people
 *   gen_variants.c a name made a little different (case, typo, nickname, ...)
 *   gen_plant.c    the planted kinds and the distractors
 *   gen_render.c   an account as DescribeUser JSON
 *   gen_truth.c    the truth list and the same-name pass
 *   gen.c          the driver: emission order, the pending heap, gen_stream
 *   gen_write.c    the instance and truth files */

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "buf.h"
#include "gen.h"
#include "names.h"

/* ---- kinds ---------------------------------------------------------------------------- */

enum kind {
	K_EMAIL_CASE, K_USERNAME_CASE, K_NAME_CASE, K_NAME_WHITESPACE, K_NAME_ACCENTS,
	K_NAME_FULLWIDTH, K_NAME_TYPO, K_NICKNAME, K_NAME_SWAPPED, K_EMAIL_PLUS_TAG,
	K_EMAIL_GMAIL_DOTS, K_USERNAME_IS_EMAIL, K_SECONDARY_EMAIL, K_PHONE, K_NKINDS
};

#define KIND_SAME_NAME (gen_distractor_kinds[0])
#define KIND_SIMILAR_NAME (gen_distractor_kinds[1])

/* Fixed time window for LastModifiedTime so output never depends on the clock. */
#define T_START 1546300800.0 /* 2019-01-01 */
#define T_END 1764547200.0   /* 2025-12-01 */
#define NSECPROF 6
#define MAX_TRIES 64

/* ---- PRNG (gen_rng.c) ----------------------------------------------------------------- */

struct rng {
	uint64_t s;
};

uint64_t rng_next(struct rng *r);
uint64_t mix64(uint64_t a, uint64_t b);
size_t rng_below(struct rng *r, size_t n);
double rng_unit(struct rng *r);
int rng_pct(struct rng *r, unsigned pct);
void uuid_from(uint64_t a, uint64_t b, char out[37]);
void uuid_det(uint64_t seed, uint64_t domain, uint64_t i, char out[37]);

/* ---- small string helpers (gen_str.c; bounded, always NUL-terminated) ----------------- */

void scpy(char *d, size_t n, const char *s);
void scat(char *d, size_t n, const char *s);
void scatn(char *d, size_t n, const char *s, size_t l);
int classic_eq(const char *a, const char *b);
int has_non_ascii(const char *s);

/* Per character in the hot loops (name_key), so inline. */
static inline char alower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static inline char aupper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

static inline int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* ---- the hash table (gen_htab.c) ------------------------------------------------------- */

/* 64-bit keys (hashes of identifiers, phones and names) with a count each; open addressing,
 * grows at half full. Key and count share a slot so a lookup costs one cache miss. As a set
 * (identifiers, phones) the count is just not read. Key 0 is stored as 1 (0 marks a free
 * slot). Only lookups, never iteration, so the layout never reaches the output. */
struct hslot {
	uint64_t k;
	uint32_t c;
};

struct htab {
	struct hslot *v;
	size_t cap, n;
};

/* Room for `want` keys without growing (sizing up front). -1 when out of memory. */
int htab_reserve(struct htab *h, size_t want);
/* The count of k; with add, k is inserted (count 0) when absent. NULL when k is absent and
 * not added, or when out of memory. */
uint32_t *htab_slot(struct htab *h, uint64_t k, int add);
int htab_has(const struct htab *h, uint64_t k);
/* Inserts k; 0, or -1 when out of memory. */
int htab_add(struct htab *h, uint64_t k);
void htab_free(struct htab *h);

/* ---- names (gen_names.c) --------------------------------------------------------------- */

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

/* ---- accounts --------------------------------------------------------------------------- */

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

/* Names repeat (they come from tables), so the Unicode work per name part is cached in a
 * direct-mapped table keyed by the part's bytes; parts too long for a slot are not cached. */
#define PART_CACHE (1u << 14)
struct part_slot {
	uint64_t raw;
	char norm[56];
};

struct gen_ctx {
	const struct gen_opts *o;
	struct rng r;
	struct arena *arena;
	struct gculture *cult;
	size_t ncult;
	double cult_total;
	struct htab idents, phones;
	struct htab names;         /* accounts per normalised name */
	struct htab idnext;        /* next number to try per identifier base */
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

/* gen_names.c */
int gname_init(struct arena *a, const char *entry, int latin, struct gname *g);
size_t glist_pick(const struct glist *l, struct rng *r);
size_t culture_by_name(const struct gen_ctx *g, const char *name);
size_t pick_culture(struct gen_ctx *g);
int ctx_tables(struct gen_ctx *g);

/* gen_fold.c */
void latin_fold(const char *s, int german, char *out, size_t outlen);
uint64_t name_key(struct gen_ctx *g, const char *first, const char *last);

/* gen_people.c */
void gender_agree(const struct names_culture *c, struct acct *a);
void set_name(struct gen_ctx *g, struct acct *a, size_t ci, const struct gname *f,
	const struct gname *f2, const struct gname *l, const struct gname *l2);
void random_name(struct gen_ctx *g, struct acct *a, size_t ci);
void random_name_capped(struct gen_ctx *g, struct acct *a);
void other_team(struct gen_ctx *g, struct acct *a, const struct acct *b);
void random_job(struct gen_ctx *g, struct acct *a);
int random_phone_config(struct gen_ctx *g, struct acct *a);
void random_extras(struct gen_ctx *g, struct acct *a, unsigned dir_pct);
int new_person(struct gen_ctx *g, struct acct *a, int have_name);

/* gen_ident.c */
int ident_free(const struct gen_ctx *g, const struct acct *a, const char *s);
int claim(struct gen_ctx *g, struct acct *a, const char *s);
const char *pick_domain(struct gen_ctx *g, const char *avoid);
const char *domain_of(const char *email);
void local_of(const char *email, char *out, size_t n);
void new_email(struct gen_ctx *g, struct acct *a, const char *d, int style, char *out,
	size_t n);
void personal_email(struct gen_ctx *g, struct acct *a, const char *d, char *out, size_t n);
void new_username(struct gen_ctx *g, struct acct *a, int style, char *out, size_t n);
int new_phone(struct gen_ctx *g, const struct acct *a, char *out, size_t n);

/* gen_variants.c */
void fullwidth(const char *s, char *out, size_t n);
int ligature(const char *s, char *out, size_t n);
int typo(struct gen_ctx *g, const char *s, char *out, size_t n);
void whitespace(struct gen_ctx *g, const char *s, char *out, size_t n);
int case_variant(struct gen_ctx *g, const char *s, char *out, size_t n);
int nick_for(struct gen_ctx *g, const char *first, char *out, size_t n);
void vary_name(struct gen_ctx *g, const struct acct *o, struct acct *p);

/* gen_plant.c */
int plant_checked(struct gen_ctx *g, enum kind k, struct acct *o, struct acct *p);
int distractor_same(struct gen_ctx *g, struct acct *a, struct acct *b);
int distractor_similar(struct gen_ctx *g, struct acct *a, struct acct *b);

/* gen_render.c: a's DescribeUser `User` JSON (compact) into b, replacing what b held. */
enum cd_result render(struct gen_ctx *g, const struct acct *a, const char *id, struct buf *b);

/* gen_truth.c */
enum cd_result truth_add(struct gen_truth *t, size_t u1, size_t u2, const char *kind,
	int distractor);
/* Every two accounts of different people whose names are equal after normalisation, then
 * the truth sorted. */
enum cd_result same_name_pass(struct gen_ctx *g);

#endif
