/* live.h -- the Connect calls plan, apply and restore make: one session, paced by per-API token buckets. */
#ifndef CD_ACT_LIVE_H
#define CD_ACT_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include "act/apply.h"
#include "act/plan.h"
#include "act/restore.h"
#include "connect/api.h"
#include "connect/ratelimit.h"
#include "connect/session.h"

/* Borrows an open session. Each call waits for its operation's bucket (the scan's
 * connect/ratelimit.c, at the published default quota or `rate`), then makes one signed call
 * with connect_session_call (its retries of throttles and 5xx); a throttle cuts the bucket. */
struct act_live {
	struct connect_session *sess;
	const char *instance_id;
	struct ratelimit rl[API_NOPS];
	size_t requests[API_NOPS];
};

/* rate[op] > 0 overrides the default for that operation (NULL: defaults). */
void act_live_init(struct act_live *l, struct connect_session *sess, const char *instance_id,
		   const double *rate);

/* One paced call: the 2xx body into *body. */
enum cd_result act_live_call(struct act_live *l, const struct api_request *req, struct buf *body,
			     char *err, size_t errlen);

/* Every USER quick connect of the instance (ListQuickConnects QuickConnectTypes=USER, then
 * DescribeQuickConnect each): *v malloc'd, each entry's strings malloc'd; act_live_qcs_free. */
enum cd_result act_live_user_quick_connects(struct act_live *l, struct plan_qc **v, size_t *n,
					    char *err, size_t errlen);
void act_live_qcs_free(struct plan_qc *v, size_t n);

/* The operation tables over this session (ctx = the act_live). The apply table's write
 * members are NULL unless `writes`: a dry run never holds a way to write. */
struct plan_live act_live_plan_ops(struct act_live *l);
struct apply_ops act_live_apply_ops(struct act_live *l, bool writes);
struct restore_ops act_live_restore_ops(struct act_live *l, bool writes);

#endif
