/* match_int.h -- what the files of detect/match share (not for use outside src/detect; match.h
 * is the interface): interning tables, the features of a user, the run's context.
 *
 * The files, in the order match_run uses them:
 *   intern.c   interning tables (itab): a value once, its id, its count
 *   features.c every user's values interned (names and identifiers in two threads)
 *   block.c    blocking keys -> candidate pairs (exact keys)
 *   typo.c     blocking by one-edit (two-edit) names -> candidate pairs
 *   compare.c  what agrees between two users (levels per field)
 *   model.c    the Fellegi-Sunter model: levels, u and m estimated (fsmodel.c), weights
 *   explain.c  the human-readable line per evidence
 *   match.c    the public functions and match_run, which drives the rest */
#ifndef CD_DETECT_MATCH_INT_H
#define CD_DETECT_MATCH_INT_H

#include <stddef.h>
#include <stdint.h>
#include "arena.h"
#include "buf.h"
#include "detect/match.h"
#include "detect/nicknames.h"

#define NONE UINT32_MAX

struct itab {
	uint64_t *slots; /* (hash >> 32) << 32 | (id + 1); 0 = empty. The hash's top half in the
	                  * slot settles most probes without touching the strings (cache misses
	                  * are what interning a million users costs) */
	size_t nslots;
	const char **str;
	uint32_t *count;
	uint64_t *hash;
	size_t n, cap;
	struct arena *arena; /* NULL: str borrows the caller's strings, which outlive the table */
	/* A key table (itab_put_key): the values are 64-bit keys made of other tables' ids (a
	 * routing profile and a hierarchy group, a name and a team), kept in key[] instead of
	 * str and hash; a slot is two words, the key and id + 1, so a lookup reads one cache
	 * line and no string. */
	int keyed;
	uint64_t *key;
};

void itab_release(struct itab *t);
/* Only what scoring reads stays (str or key, count): the slots and hashes go once interning
 * is over. */
void itab_freeze(struct itab *t);
/* Sizes an empty table for about `expect` values. */
enum cd_result itab_reserve(struct itab *t, size_t expect);
/* Interns s (len bytes); *id receives its id. Ids count up from 0 in the order values are
 * first put, whatever the hash. */
enum cd_result itab_put(struct itab *t, const char *s, size_t len, uint32_t *id);
/* Interns a key of a key table (t->keyed), ids as in itab_put. */
enum cd_result itab_put_key(struct itab *t, uint64_t key, uint32_t *id);
/* The id of s in a string table not yet frozen, or NONE. */
uint32_t itab_find(const struct itab *t, const char *s, size_t len);

static inline uint64_t key2(uint32_t hi, uint32_t lo)
{
	return (uint64_t)hi << 32 | lo;
}

/* The tables, one per kind of value (a user's first name, an e-mail address ...). */
enum { T_FIRST, T_LAST, T_CNAME, T_SWAP, T_NICK, T_ADDR, T_UNAME, T_LOCAL, T_PHONE,
       T_ROUTING, T_HIER, T_TEAM, T_DIR, T_SWAPTEAM, T_NICKTEAM, T_ROLE, T_TEAMROLE, T_ORG,
       T_LASTI, T_FIRSTI, T_PFX, T_COUNT };

/* What a table's values are, for the log ("e-mail"). */
extern const char *const table_what[T_COUNT];

struct feat {
	uint32_t first, last, cname, swap;
	uint32_t email, sec, uaddr, uname;
	uint32_t l_user, l_email; /* exact local parts (T_LOCAL) */
	uint32_t mobile, desk;
	uint32_t routing, hier, team, dir;
	uint32_t role, teamrole;  /* routing profile + security profiles, and with the group too */
	uint32_t org;             /* the organisation part of the e-mail's domain (T_ORG) */
	uint32_t nick[4];         /* T_NICK ids of this user (nnick of them) */
	/* Blocking keys for names that differ by more than one edit (block.c): last name + first
	 * initial, first name + last initial, and the first three letters of both parts. */
	uint32_t lasti, firsti, pfx;
	uint8_t nnick;
};

struct ent {
	uint32_t id, user;
};

struct entvec {
	struct ent *v;
	size_t n, cap;
};

struct u64vec {
	uint64_t *v;
	size_t n, cap;
};

struct ctx {
	const struct user_set *users;
	const struct match_opts *opts;
	struct nick_table *nick;
	struct feat *f;
	struct itab t[T_COUNT];
	struct entvec blocks[T_COUNT]; /* (key id, user) for the tables that block */
	struct u64vec cand;            /* (a << 32) | b */
	struct arena *arena;      /* the strings of the tables that only make blocks (filled by
	                           * the identifiers' thread) */
	struct arena *name_arena; /* those of the name tables, which scoring reads (names' thread) */
	struct match_stats *st;
	size_t cap;      /* users per identifier key (e-mail, phone ...) */
	size_t name_cap; /* users per name key, and name pairs per one-edit name pair */
	uint8_t *derived; /* per user: DERIVED_USER | DERIVED_EMAIL (model.c), NULL: none */
	uint8_t *local_len; /* per mailbox name (T_LOCAL id): its letters and digits, at most 255
	                     * (its strings go after blocking; model.c weighs short ones) */
};

/* --- features.c */
/* Fills c->f and the tables (and the block entries of the tables that block). */
enum cd_result feat_extract(struct ctx *c);
/* Counts users per value (a user counts once per value even when two fields hold it). */
void feat_count(struct ctx *c);

/* --- block.c */
enum cd_result ent_push(struct entvec *e, uint32_t id, uint32_t user);
enum cd_result u64_push(struct u64vec *e, uint64_t x);
/* LSD radix sort, 16 bits a pass; skips passes where every key has the same digit. */
enum cd_result radix_u64(uint64_t *v, size_t n);
/* The block entries of user i: its identifiers, then its names (tid: its name-in-team ids,
 * see features.c). */
enum cd_result block_ids(struct ctx *c, uint32_t i);
enum cd_result block_names(struct ctx *c, uint32_t i, const uint32_t *tid);
/* Candidate pair (a, b) in either order; nothing for a == b. */
enum cd_result block_add_pair(struct ctx *c, uint32_t a, uint32_t b);
/* Notes a block of k users of key id in table t skipped for its size (for match_stats). */
void block_note_capped(struct ctx *c, int t, uint32_t id, size_t k);
/* The candidate pairs of table t's blocks; frees its block entries. */
enum cd_result block_pairs(struct ctx *c, int t);
/* Candidate pairs of a user with one name part only (a first name, or a last name) and every
 * user carrying that part, first or last. Before the name tables are frozen. */
enum cd_result block_lone_parts(struct ctx *c);
/* Whether user x has one name part only; that part's string. */
const char *block_lone_part(const struct ctx *c, const struct feat *x);
/* The blocking keys users a and b share, one line each, for explain (why the pair was or was
 * not a candidate). */
enum cd_result block_explain(const struct ctx *c, uint32_t a, uint32_t b, struct buf *o);

/* --- typo.c */
/* Candidate pairs of users whose compact full names are within one edit. */
enum cd_result typo_pairs(struct ctx *c);

/* --- compare.c: what agrees between two users, field by field (the comparison vector), with
 * the value counts each level's weight is made from. */
enum cmp_addr { ADDR_NONE = 0, ADDR_EMAIL, ADDR_SECONDARY, ADDR_USERNAME_EMAIL };
enum cmp_handle { HANDLE_NONE = 0, HANDLE_SAME, HANDLE_ORG /* ... at one organisation */ };
enum cmp_name {
	NL_NONE = 0,  /* a name is missing */
	NL_SAME,      /* same full name */
	NL_SWAPPED,   /* first and last swapped */
	NL_SPLIT,     /* same letters, split differently between first and last */
	NL_UMLAUT,    /* the same but for umlauts written out ("Müller" / "Mueller") */
	NL_NICKNAME,  /* same last name, related first names */
	NL_INITIAL,   /* one part is the other's initial */
	NL_TYPO1,     /* one edit apart */
	NL_TYPO2,     /* two edits, or close by Jaro-Winkler with one part equal */
	NL_PARTIAL,   /* one part agrees, the other is a different (established) name */
	NL_DIFFERENT, /* nothing agrees */
};
enum cmp_job { JOB_NONE = 0, JOB_TEAM /* routing profile and group */, JOB_ROUTING, JOB_HIER };

struct match_cmp {
	enum cmp_addr addr;
	uint32_t addr_count;
	int username;            /* same username (only where no address agreed) */
	uint32_t username_count;
	enum cmp_handle handle;  /* same local part (only where neither address nor username did) */
	uint32_t handle_count;
	int directory, phone;
	uint32_t directory_count, phone_count;
	enum cmp_name name;
	uint32_t name_first, name_last, name_count; /* frequencies of the name whose chance
	                                             * agreement counts (name_bits) */
	enum cmp_job job;
	uint32_t team_count, routing_count, hier_count;
	int same_role, same_teamrole; /* with the agreeing routing profile / team */
	uint32_t role_count, teamrole_count;
	int routing_differs, hier_differs;
	uint32_t routing_a, routing_b, hier_a, hier_b; /* the counts of the two differing values */
	/* the graded levels of the model's comparisons (model.c): enum cmp_email, enum cmp_user */
	uint8_t email_lv, user_lv;
	uint8_t same_mailbox; /* one mailbox name at one organisation's domains (or a slip of one) */
};

/* E-mail levels: what the two addresses share, strongest first. */
enum cmp_email {
	EL_NULL = 0,     /* one side has no e-mail */
	EL_EXACT,        /* same address (or one's secondary / username address) */
	EL_LOCAL_ORG,    /* same local part at another domain of the organisation, or at a domain
	                  * one edit away (griffin.com / griiffin.com) */
	EL_LOCAL_OTHER,  /* same local part at an unrelated domain */
	EL_NEAR_ORG,     /* local parts within one edit or JW >= 0.9, same or one-edit domain */
	EL_NEAR_OTHER,   /* local parts within one edit or JW >= 0.9, unrelated domains */
	EL_DIFFERENT,
	EL_COUNT
};

/* Username levels (only where no address agreed: an equal address explains them). */
enum cmp_user {
	UL_NULL = 0,     /* one side has no username, or the e-mails already agree */
	UL_EXACT,        /* same username */
	UL_HANDLE,       /* one's username (local part) is the other's username or e-mail local part */
	UL_NEAR,         /* handles within one edit, or equal but for digits */
	UL_DIFFERENT,
	UL_COUNT
};

/* A handle (username or e-mail local part) built from its user's own name ("hroberts",
 * "henry.roberts", "henryr"): bit 0 the username's, bit 1 the e-mail's. Agreement of two such
 * handles repeats the names' agreement, so the model does not count it again (model.c). */
#define DERIVED_USER 1u
#define DERIVED_EMAIL 2u

void compare_pair(const struct ctx *c, uint32_t ia, uint32_t ib, struct match_cmp *m);
/* True when the names of users a and b compare at a level above "one part agrees" (the same,
 * swapped, a nickname, an initial, a spelling slip): what a weak blocking key is for. */
int compare_names_near(const struct ctx *c, uint32_t ia, uint32_t ib);
/* The first and last names compared on their own (model.c estimates the names' m from them
 * where no identifier joins pairs): first 0 null, 1 equal, 2 nickname or initial, 3 near,
 * 4 different; last 0 null, 1 equal, 2 near, 3 different. */
void compare_parts(const struct ctx *c, uint32_t ia, uint32_t ib, uint8_t *first, uint8_t *last);
/* True when the letters of a handle are its user's name in a usual login pattern. */
int handle_from_name(const char *handle, const char *first, const char *last);


/* --- model.c: the Fellegi-Sunter model (see there) */
enum { C_NAME, C_EMAIL, C_USER, C_PHONE, C_DIR, C_JOB, MODEL_NCOMP };

/* One candidate pair's comparison vector. */
struct model_pair {
	uint32_t a, b;
	uint8_t lv[MODEL_NCOMP];
	uint8_t first, last; /* compare_parts */
	uint8_t same_mailbox; /* match_cmp's */
	uint32_t idcount; /* users carrying the agreeing address or username */
};

/* The levels (one per comparison) of a compared pair. */
void model_levels(const struct ctx *c, uint32_t ia, uint32_t ib, const struct match_cmp *m,
		  uint8_t *lv);
/* Estimates the model over c->cand (sorted; made unique here) and fills res with the pairs
 * at or above opts->possible. */
enum cd_result model_run(struct ctx *c, struct match_result *res, char *err, size_t errlen);
/* What term-frequency weights read: users per full name (identifier-joined accounts once) and
 * the average name frequency of each near name level. */
struct model_tf {
	const uint32_t *carriers; /* people per full name (T_CNAME id) */
	const uint32_t *handles;  /* people per mailbox name (T_LOCAL id) */
	const uint32_t *person;   /* per user: the person its mailbox names count for */
	double mean[FS_MAX_LEVELS];
};
/* log2(m/u) of comparison k for this pair, u its term frequency where there is one (*tf, 0
 * when the level's average u was used). */
double model_pair_weight(const struct ctx *c, const struct fs_model *fm, const struct model_pair *mp,
			 unsigned k, const struct model_tf *tfs, double *tf);
const char *model_comparison_name(unsigned k);

#endif
