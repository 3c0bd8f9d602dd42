/* apply.h -- carrying out a reviewed plan: re-check, delete, journal; the dry run stops before the write. */
#ifndef CD_ACT_APPLY_H
#define CD_ACT_APPLY_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include "act/journal.h"
#include "act/plan.h"
#include "result.h"

/*
 * For each remove entry of each cluster, in plan order:
 *   - "skip": true, or an Id that is any cluster's keeper, or an Id seen before: not touched;
 *   - the cluster's account to keep must still exist (DescribeUser, once a cluster): removing
 *     the other accounts of someone whose kept account is gone would leave them none;
 *   - journal says the DeleteUser finished: its quick connects only;
 *   - DescribeUser: gone -> already deleted; LastModifiedTime or Username not the plan's ->
 *     skipped ("changed since the plan"); else, unless a dry run, journal B, DeleteUser, journal E;
 *   - then, unless keep_quick_connects, for each QuickConnectIds entry not finished in the
 *     journal: DescribeQuickConnect (a quick connect that now points at someone else is
 *     left alone), journal B, DeleteQuickConnect, journal E.
 * The dry run walks the same path with reads only: the write callbacks must be NULL then, and
 * a run that is not a dry run refuses to start without them, so a dry run cannot write.
 */

/* The service, as apply needs it (src/act/live.c; fakes in tests). Every function returns
 * CD_NOT_FOUND when the resource does not exist. */
struct apply_ops {
	void *ctx;
	/* the user's LastModifiedTime as ISO-8601 text into lm (>= 32 bytes) and its Username
	 * into username (unlen bytes) */
	enum cd_result (*describe_user)(void *ctx, const char *id, char *lm, char *username,
					size_t unlen, char *err, size_t errlen);
	/* the UserId a USER quick connect points at into user_id ("" for other types) */
	enum cd_result (*describe_quick_connect)(void *ctx, const char *id, char *user_id,
						 size_t idlen, char *err, size_t errlen);
	/* writes: NULL in a dry run */
	enum cd_result (*delete_user)(void *ctx, const char *id, char *err, size_t errlen);
	enum cd_result (*delete_quick_connect)(void *ctx, const char *id, char *err,
					       size_t errlen);
};

enum apply_outcome {
	APPLY_DELETED,         /* DeleteUser / DeleteQuickConnect succeeded now */
	APPLY_GONE,            /* already gone (deleted before, by us or anyone) */
	APPLY_DONE_BEFORE,     /* the journal says an earlier run finished it */
	APPLY_WOULD_DELETE,    /* dry run */
	APPLY_SKIPPED,         /* "skip": true in the plan */
	APPLY_CHANGED,         /* changed since the plan */
	APPLY_REFUSED,         /* a keeper, or listed twice */
	APPLY_FAILED,          /* the service refused or did not answer */
};

const char *apply_outcome_name(enum apply_outcome o);

/* One action and its result, for the log (detail: "" or a reason). kind is "user" or
 * "quick connect"; username is "" for quick connects. */
typedef void (*apply_event_fn)(void *ctx, const char *kind, const char *id,
			       const char *username, enum apply_outcome o, const char *detail);

struct apply_opts {
	bool dry_run;
	bool keep_quick_connects;
	struct journal *journal;     /* required unless dry_run (then unused) */
	volatile sig_atomic_t *stop; /* checked between entries; may be NULL */
	apply_event_fn event;        /* may be NULL */
	void *event_ctx;
};

struct apply_summary {
	size_t users_deleted, users_gone, users_done_before, users_would_delete;
	size_t skipped, changed, refused, failed;
	size_t qcs_deleted, qcs_gone, qcs_would_delete, qcs_left, qcs_failed;
	bool interrupted;
};

/* CD_OK when every entry not skipped by review is deleted or gone (and, in a dry run, would
 * be); CD_INCOMPLETE when any was skipped, changed, refused or failed; CD_INTERRUPTED when
 * *stop was set (what finished is journaled); CD_AUTH when the service refused the
 * credentials (stops at once); CD_IO when the journal could not be written (stops at once:
 * no request is sent that is not journaled). err holds a line for the last failure. */
enum cd_result apply_run(const struct plan *p, const struct apply_ops *ops,
			 const struct apply_opts *o, struct apply_summary *s, char *err,
			 size_t errlen);

#endif
