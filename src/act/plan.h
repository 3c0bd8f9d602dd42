/* plan.h -- the remediation plan: built from clusters and live lookups, written, read back and checked. */
#ifndef CD_ACT_PLAN_H
#define CD_ACT_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include "buf.h"
#include "result.h"

/*
 * remediation_plan_<ts>.json:
 *   {"version":1,"instance":{"Id","Arn","Alias","Region"},"created":ISO-8601,
 *    "clusters":[{"confidence":F,"keep":{"Id","Username"},
 *                 "remove":[{"Id","Username","LastModifiedTime","QuickConnectIds":[...]}]}]}
 * A reviewer may add "skip": true to a remove entry or delete it. LastModifiedTime is the
 * DescribeUser value at plan time as ISO-8601 UTC with milliseconds: apply compares it at
 * millisecond precision.
 */

struct plan_instance {
	char id[128], arn[300], alias[128], region[64];
};

struct plan_remove {
	char *id, *username, *last_modified;
	char **qc_ids;
	size_t nqc;
	bool skip;
};

struct plan_cluster {
	double confidence;
	char *keep_id, *keep_username;
	struct plan_remove *remove;
	size_t nremove;
};

/* A plan as read back. Owns everything: plan_release. */
struct plan {
	struct plan_instance inst;
	char created[40];
	struct plan_cluster *clusters;
	size_t nclusters;
};

/* Parses and checks a plan (version 1, instance Id and Region present, every entry with an Id
 * and a LastModifiedTime that parses). CD_INPUT with a line in err naming what is wrong. */
enum cd_result plan_parse(const char *text, size_t len, struct plan *p, char *err, size_t errlen);
enum cd_result plan_load(const char *path, struct plan *p, char *err, size_t errlen);
void plan_release(struct plan *p);

/* true when id is the keeper of any cluster of p: such an entry is never acted on. */
bool plan_is_keeper(const struct plan *p, const char *id);

/* The account number in an instance ARN ("" when not an ARN). */
void plan_arn_account(const char *arn, char *out, size_t outlen);

/* --- building ---------------------------------------------------------------------------- */

/* One account of a detected cluster (strings borrowed). */
struct plan_member {
	const char *id, *username, *email, *first_name, *last_name;
	const char *evidence; /* why it is in the cluster, one line ("" when unknown) */
};

struct plan_input {
	double confidence;
	const struct plan_member *members;
	size_t nmembers;
	size_t keep;          /* index into members of the suggested keeper */
};

/* What the plan needs from the service, live (src/act/live.c; fakes in the unit tests).
 * describe_user: the User object's text into *user (CD_NOT_FOUND: gone). list_proficiencies:
 * the UserProficiencyList elements, comma-separated, into *items. */
struct plan_live {
	void *ctx;
	enum cd_result (*describe_user)(void *ctx, const char *id, struct buf *user, char *err,
					size_t errlen);
	enum cd_result (*list_proficiencies)(void *ctx, const char *id, struct buf *items,
					     char *err, size_t errlen);
};

/* A USER quick connect: its id, the user it transfers to and its DescribeQuickConnect
 * QuickConnect object's text (borrowed). */
struct plan_qc {
	const char *id, *user_id, *raw;
};

/* The three files, as text. Owns its buffers: plan_output_release. */
struct plan_output {
	struct buf plan_json, plan_csv, backup_json;
	size_t clusters, removals, gone, qcs;
};

/* Builds the plan: clusters below min_confidence are left out; each non-keeper member is
 * described live (one that is gone is left out and counted) and backed up with its
 * proficiencies and the quick connects pointing at it. An account that is any cluster's keeper
 * is never a removal. created is the ISO-8601 time to write; csv_raw turns off the CSV formula
 * guard. On failure err says which account and why. */
enum cd_result plan_build(const struct plan_instance *inst, const char *created,
			  const struct plan_input *in, size_t nin, double min_confidence,
			  const struct plan_qc *qcs, size_t nqcs, const struct plan_live *live,
			  bool csv_raw, struct plan_output *out, char *err, size_t errlen);
void plan_output_init(struct plan_output *o);
void plan_output_release(struct plan_output *o);

/* Epoch seconds -> "2026-11-28T16:45:00.123Z". */
void plan_iso_time(double t, char out[32]);
/* true when a and b (ISO-8601 or epoch-number text) are the same instant to the millisecond. */
bool plan_same_time(const char *a, const char *b);

#endif
