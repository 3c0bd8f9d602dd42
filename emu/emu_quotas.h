/* emu_quotas.h -- Service Quotas' ListServiceQuotas for service code "connect": the quotas connect-emu enforces. */
#ifndef CD_EMU_QUOTAS_H
#define CD_EMU_QUOTAS_H

#include <stdbool.h>
#include <stddef.h>
#include "buf.h"
#include "emu_quota.h"

/* Service Quotas is a JSON 1.1 service: POST / with X-Amz-Target
 * "ServiceQuotasV20190624.<Operation>", so it shares connect-emu's port with the Connect REST
 * routes and is told apart by that header alone. */
#define EMU_SQ_TARGET_PREFIX "ServiceQuotasV20190624."
#define EMU_SQ_SIGNING_NAME "servicequotas"
/* Quotas a page holds at most, whatever MaxResults asks: AWS may return fewer than asked
 * ("check NextToken after every operation"), and a short page makes every client page. */
#define EMU_SQ_PAGE 4

/* Whether an X-Amz-Target value (NULL: none) addresses Service Quotas. */
bool emu_quotas_is_target(const char *target);

/* Answers one Service Quotas request: appends the JSON body to out, returns the HTTP status and
 * sets *error to the x-amzn-ErrorType (NULL on success). ListServiceQuotas with ServiceCode
 * "connect" lists, for every operation with a rate (--rate of serve), "Rate of <Op> API
 * requests" and "Burst of <Op> API requests" (Unit "None"), and two quotas that are not API
 * rates, EMU_SQ_PAGE a page with NextToken "pageN". denied: AccessDeniedException (400), as for
 * a caller without servicequotas:ListServiceQuotas. Other operations: 400
 * UnknownOperationException; another service code: NoSuchResourceException; a bad MaxResults
 * or body: IllegalArgumentException; a bad token: InvalidPaginationTokenException. */
unsigned emu_quotas_answer(const struct emu_quota *q, bool denied, const char *region,
			   const char *target, const char *body, size_t len, struct buf *out,
			   const char **error);

#endif
