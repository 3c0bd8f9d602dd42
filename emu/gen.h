/* gen.h -- deterministic synthetic Amazon Connect instances with planted duplicates and truth. */
#ifndef CD_EMU_GEN_H
#define CD_EMU_GEN_H

#include <stddef.h>
#include "result.h"
#include "model/user.h"

/* What to generate. The output is a pure function of (users, seed, dup_rate, instance_id,
 * region): the generator uses its own PRNG (splitmix64), never libc rand, so the same options
 * give the same bytes on every machine. */
struct gen_opts {
	unsigned long users;        /* accounts in the instance, planted second accounts included */
	unsigned long long seed;
	double dup_rate;            /* ~dup_rate*users of them are a second account of a person
	                             * already in the set (0..0.5) */
	const char *instance_id;    /* NULL: derived from the seed (a UUID) */
	const char *region;         /* NULL: "us-east-1" */
};

#define GEN_DEFAULT_DUP_RATE 0.05
#define GEN_MAX_USERS 20000000UL

/* Sets the defaults above (users 0, seed 0, dup_rate 0.05, NULL ids). */
void gen_opts_init(struct gen_opts *o);

/* One labelled pair: indexes into the user_set filled by gen_instance, user1 < user2.
 * `kind` points to a static string (one of the names in docs/generator.md). */
struct gen_pair {
	size_t user1, user2;
	const char *kind;
	int distractor;             /* 1: different people who look alike (must NOT be merged) */
};

/* The ground truth. Owns `v` (gen_truth_release frees it). */
struct gen_truth {
	struct gen_pair *v;
	size_t n, cap;
};

void gen_truth_init(struct gen_truth *t);
void gen_truth_release(struct gen_truth *t);

/* Planted kinds and distractor kinds, NULL-terminated, in the order the generator cycles them. */
extern const char *const gen_dup_kinds[];
extern const char *const gen_distractor_kinds[];

/* Appends exactly opts->users accounts to `users` (initialised with user_set_init, normally
 * empty; truth indexes count from its first element), each carrying its complete DescribeUser `User` JSON in raw
 * (compact), and `truth` (initialised with gen_truth_init) with the planted pairs and the
 * distractors, including accidental same-name pairs. The resolved instance id and region are in
 * the users' Arns. On error both may hold partial data; the caller releases them as usual. */
enum cd_result gen_instance(const struct gen_opts *opts, struct user_set *users,
	struct gen_truth *truth, char *err, size_t errlen);

/* Receives each generated account in output order (index 0, 1, ...). The strings are only
 * valid during the call; copy what you keep. A result other than CD_OK stops generation. */
typedef enum cd_result (*gen_sink)(void *ctx, size_t index, const struct user_fields *u);

/* The generator itself: like gen_instance but hands each account to `sink` instead of storing
 * it, so memory stays small for millions of users (a few bytes per account for the truth). */
enum cd_result gen_stream(const struct gen_opts *opts, gen_sink sink, void *sink_ctx,
	struct gen_truth *truth, char *err, size_t errlen);

/* Writes the instance to out_path and, when truth_path is not NULL, the truth file, streaming
 * (what `connect-emu generate` does). Same file handling as gen_write_instance. */
enum cd_result gen_files(const struct gen_opts *opts, const char *out_path,
	const char *truth_path, char *err, size_t errlen);

/* The Id of the account at output position `index` (a UUIDv4 derived from seed and index). */
void gen_user_id(unsigned long long seed, size_t index, char out[37]);

/* The instance id and region gen_instance uses for opts (a UUID derived from the seed when
 * opts->instance_id is NULL). Writes into id (>= 37 bytes). */
void gen_instance_id(const struct gen_opts *opts, char *id, size_t idlen);
const char *gen_region(const struct gen_opts *opts);

/* Writes {"InstanceId":...,"Region":...,"Users":[User...]} streaming (one user per line).
 * path "-" is stdout; otherwise the file is written 0600 to a temporary name in the same
 * folder and renamed into place, so a reader never sees half a file. */
enum cd_result gen_write_instance(const char *path, const struct gen_opts *opts,
	const struct user_set *users, char *err, size_t errlen);

/* Writes {"seed":S,"users":N,"pairs":[{"user1":ID,"user2":ID,"kind":K}...],
 * "distractors":[...]} (N is the number of accounts written; ids are user Ids), same
 * file handling as gen_write_instance. */
enum cd_result gen_write_truth(const char *path, const struct gen_opts *opts,
	const struct user_set *users, const struct gen_truth *truth, char *err, size_t errlen);

#endif
