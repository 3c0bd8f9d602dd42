/* cluster.h -- duplicate pairs joined into clusters (union-find), confidence, account to keep. */
#ifndef CD_DETECT_CLUSTER_H
#define CD_DETECT_CLUSTER_H

#include <stddef.h>
#include <stdint.h>
#include "detect/match.h"
#include "model/user.h"
#include "result.h"

/* Why an account is suggested as the one to keep (the first rule that separates it from the
 * runner-up, in this order). */
enum cluster_keep_reason {
	KEEP_DIRECTORY = 0, /* linked to a directory user (the others are not) */
	KEEP_RECENT,        /* most recently modified */
	KEEP_COMPLETE,      /* most complete record (more of e-mail, phones, names, profile set) */
	KEEP_USERNAME,      /* username matches its own e-mail */
	KEEP_FIRST,         /* nothing separates them: the first in input order */
};

/* One cluster. Arrays point into the cluster_set's storage. */
struct cluster {
	const uint32_t *members; /* user indexes, ascending */
	size_t nmembers;
	const uint32_t *pairs;   /* indexes into match_result.v of the duplicate pairs inside */
	size_t npairs;
	double confidence;       /* the weakest link holding it together: the lowest pair
	                          * confidence on its maximum spanning tree */
	uint32_t keep;           /* user index of the suggested account to keep */
	enum cluster_keep_reason keep_reason;
};

/* Clusters ordered by their first member (input order). Owns everything. */
struct cluster_set {
	struct cluster *v;
	size_t n;
	uint32_t *storage;
	size_t users_in_clusters;
};

/* Joins the pairs of m that are duplicates under o (match_is_duplicate) into clusters; the
 * "possible" pairs are left out. Fills *out (release with cluster_set_release, also after a
 * failure). */
enum cd_result cluster_build(const struct user_set *users, const struct match_result *m,
			     const struct match_opts *o, struct cluster_set *out, char *err,
			     size_t errlen);
void cluster_set_release(struct cluster_set *s);

/* "linked to a directory user", "most recently modified", ... */
const char *cluster_keep_reason_text(enum cluster_keep_reason r);

#endif
