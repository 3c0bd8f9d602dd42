/* match.h -- detection beyond exact matches: blocking keys, candidate pairs, evidence, scores. */
#ifndef CD_DETECT_MATCH_H
#define CD_DETECT_MATCH_H

#include <stddef.h>
#include <stdint.h>
#include "buf.h"
#include "detect/fsmodel.h"
#include "model/user.h"
#include "result.h"

/* classic: only the classic rules run (detect/rules); match_run finds nothing.
 * standard: every kind below, candidate pairs from exact normalised keys and one-deletion
 *           name neighbourhoods; blocks larger than the cap are skipped (see match_stats).
 * thorough: as standard with a four times larger block cap and a wider "possible" band. */
enum match_mode { MATCH_CLASSIC = 0, MATCH_STANDARD, MATCH_THOROUGH };

/* Evidence kinds. Positive kinds are agreements; MK_NAME_DIFFERENT is the disagreement that
 * counts against a pair. Names (match_kind_name) are stable: they appear in the reports. */
enum match_kind {
	MK_EMAIL = 0,        /* same e-mail after normalisation (case, plus tag, gmail dots) */
	MK_EMAIL_SECONDARY,  /* one user's e-mail is the other's SecondaryEmail */
	MK_USERNAME,         /* same username after normalisation */
	MK_USERNAME_EMAIL,   /* one user's username is the other's e-mail */
	MK_HANDLE,           /* username or e-mail local parts agree (username = other's local part,
	                      * usernames differing only by a domain suffix or digits) */
	MK_NAME,             /* same full name after normalisation (case, accents, width, spaces) */
	MK_NAME_SWAPPED,     /* first and last name swapped */
	MK_NICKNAME,         /* same last name, first names are forms of one name (Bill/William) */
	MK_NAME_TYPO,        /* full names within a small edit distance / high Jaro-Winkler */
	MK_NAME_INITIAL,     /* one name part is the initial of the other's ("M. Lopez"/"Miguel Lopez") */
	MK_NAME_DIFFERENT,   /* both have names and they disagree (negative weight) */
	MK_PHONE,            /* same mobile or desk phone number (+digits) */
	MK_DIRECTORY,        /* same DirectoryUserId */
	MK_ROUTING,          /* same routing profile (weak, supporting only) */
	MK_HIERARCHY,        /* same hierarchy group (weak, supporting only) */
	MK_COUNT
};

struct match_evidence {
	uint8_t kind;        /* enum match_kind */
	float weight;        /* bits of evidence (log2 likelihood ratio, after rarity) */
};

#define MATCH_MAX_EVIDENCE 8

/* One scored candidate pair; a < b index the user_set. */
struct match_pair {
	uint32_t a, b;
	float score;         /* sum of the evidence weights, in bits */
	float confidence;    /* match_confidence(score) */
	uint8_t nev;
	struct match_evidence ev[MATCH_MAX_EVIDENCE];
};

struct match_opts {
	enum match_mode mode;
	double threshold;    /* confidence at or above which a pair is a duplicate (default 0.7) */
	double possible;     /* confidence at or above which a pair is "possible" (default 0.5) */
	size_t block_cap;    /* users per identifier key (e-mail, phone...) before the key is
	                      * skipped (0: default) */
	size_t name_block_cap; /* the same for name keys (0: default) */
	/* explain: when set, match_run appends the waterfall of the pair (explain_a,
	 * explain_b) (user indexes) to it: prior, each comparison's level and weight, total,
	 * probability, band, and which blocking keys the two share (connect-dupes explain) */
	struct buf *explain;
	uint32_t explain_a, explain_b;
	/* When set, called once as soon as match_run stops using both cores (its feature
	 * extraction runs in two threads, the stages after it mostly in one): the caller starts
	 * its own work then (the pipeline: the classic rules and the reports that need no
	 * detection) instead of competing with the extraction. Not called when match_run fails
	 * before that point. */
	void (*one_core_free)(void *arg);
	void *one_core_arg;
};

#define MATCH_DEFAULT_THRESHOLD 0.7
#define MATCH_DEFAULT_POSSIBLE 0.05
/* Past these sizes a shared value cannot be evidence any more (rarity takes its weight to
 * zero: an identifier shared by 100 accounts is a team mailbox or a switchboard number, a name
 * shared by 32 gives nothing), so pairing its users would only cost time. */
#define MATCH_DEFAULT_BLOCK_CAP 100
#define MATCH_DEFAULT_NAME_BLOCK_CAP 32

/* Defaults for a mode. */
void match_opts_init(struct match_opts *o, enum match_mode mode);
/* "classic", "standard", "thorough" -> mode; CD_USAGE for anything else. */
enum cd_result match_mode_parse(const char *s, enum match_mode *out);
const char *match_mode_name(enum match_mode m);

/* The stages of match_run, timed for the log: at a million users these say where the time
 * goes. */
enum match_stage { MS_FEATURES = 0, MS_BLOCKS, MS_TYPOS, MS_SCORING, MATCH_STAGES };
/* "features", "blocks", "one-edit names", "scoring" */
const char *match_stage_name(enum match_stage s);

/* What blocking did, for the log: skipped blocks are not errors, but the user should know. */
struct match_stats {
	size_t candidates;       /* distinct candidate pairs scored */
	size_t capped_blocks;    /* keys whose block exceeded the cap and gave no pairs */
	size_t capped_users;     /* users in the largest skipped block */
	char capped_key[96];     /* that block's key kind and value, e.g. e-mail "x@y.com" */
	size_t duplicates, possible;
	size_t by_kind[MK_COUNT]; /* duplicate pairs carrying each kind of evidence */
	double secs[MATCH_STAGES]; /* wall seconds per stage (enum match_stage), for the log */
	struct fs_model model;   /* the estimated model (m, u per level, lambda, EM iterations) */
	double prior_bits;       /* log2(lambda / (1 - lambda)) */
	double pairs_total;      /* all pairs of users, n(n-1)/2 */
	size_t sampled;          /* non-candidate pairs compared to estimate u */
	size_t name_m_pairs;     /* identifier-joined candidates the names' m was counted on; with
	                          * names_em, the pairs of one person it expects among all pairs */
	double lambda_candidates; /* P(one person) among the candidate pairs (EM) */
	unsigned em_iterations;  /* over all rounds */
	struct fs_model parts_model; /* first/last EM (when the names' m came from it; else ncomp 0) */
	const char *name_m_source; /* "names_em", "identifier_pairs", "first_last_em" or "start_values" */
};

/* The pairs at or above opts->possible, ordered by (a, b). Owns v. */
struct match_result {
	struct match_pair *v;
	size_t n, cap;
	struct match_stats stats;
};

/* Finds and scores candidate pairs among users. Fills *res (release with match_result_release,
 * also after a failure). Reads users only; needs no other state. */
enum cd_result match_run(const struct user_set *users, const struct match_opts *opts,
			 struct match_result *res, char *err, size_t errlen);
void match_result_release(struct match_result *res);

/* Maps a score in bits to a confidence in (0,1): 0.5 at MATCH_PRIOR_BITS, +1 bit doubles the
 * odds. The prior stands for "a pair that shares a blocking key is rarely the same person". */
#define MATCH_PRIOR_BITS 5.0
double match_confidence(double score);
int match_is_duplicate(const struct match_pair *p, const struct match_opts *o);

/* "email", "email_secondary", "username", "username_email", "handle", "name", "name_swapped",
 * "nickname", "name_typo", "name_initial", "name_different", "phone", "directory", "routing_profile",
 * "hierarchy_group". */
const char *match_kind_name(enum match_kind k);

/* Appends a one-line human explanation of one piece of evidence between users a and b, with
 * their original values: `e-mail "John.Smith@x.com" = "john.smith+tag@x.com"`. */
enum cd_result match_explain(const struct user *a, const struct user *b, enum match_kind k,
			     struct buf *out);

#endif
