/* servicequotas.h -- Service Quotas ListServiceQuotas (JSON 1.1): the request body and the API rate quotas in its answer. */
#ifndef CD_AWS_SERVICEQUOTAS_H
#define CD_AWS_SERVICEQUOTAS_H

#include <stddef.h>
#include "buf.h"
#include "result.h"

/* From botocore's model (data/service-quotas/2019-06-24/service-2.json): protocol "json",
 * jsonVersion 1.1, targetPrefix ServiceQuotasV20190624, signing name "servicequotas", every
 * operation a POST to "/" naming itself in X-Amz-Target. Nothing here touches the network. */
#define SQ_TARGET_LIST "ServiceQuotasV20190624.ListServiceQuotas"
#define SQ_CONTENT_TYPE "application/x-amz-json-1.1"
#define SQ_SIGNING_NAME "servicequotas"
#define SQ_MAX_RESULTS 100      /* the model's MaxResults maximum */
#define SQ_TOKEN_MAX 2048       /* the model's NextToken maximum length */
#define SQ_MAX_OPERATIONS 1024  /* distinct operations kept from one listing */

/* The body of one ListServiceQuotas request:
 * {"ServiceCode":"connect","MaxResults":100[,"NextToken":"..."]}. next_token NULL or "" asks
 * for the first page. CD_INPUT for an empty service code or max_results outside 1..100. */
enum cd_result sq_list_request(struct buf *body, const char *service_code, const char *next_token,
			       unsigned max_results, char *err, size_t errlen);

/* The quotas of one API operation, from entries named "Rate of <Operation> API requests"
 * (requests per second) and "Burst of <Operation> API requests" (bucket depth). 0: not listed.
 * When an operation is listed more than once (account and resource level), the lowest value
 * is kept: the one that throttles first. */
struct sq_rate {
	char operation[64];     /* "DescribeUser" */
	double rate, burst;
	char rate_code[32];     /* QuotaCode of the rate ("L-EE6F0D82"), "" when none */
	char burst_code[32];
};

/* What the pages of one listing said, merged. Owns v. */
struct sq_rates {
	struct sq_rate *v;
	size_t n, cap;
	size_t taken;    /* API rate and burst entries read */
	size_t other;    /* entries that are not an API rate or burst (instances, users...) */
	size_t rejected; /* named like one but unusable: value not a positive finite number up to
			  * 10^10, a rate outside 0.01..10^10 a second, a burst below 1, a Unit
			  * other than "None", an unknown Period */
};

void sq_rates_init(struct sq_rates *r);
void sq_rates_release(struct sq_rates *r);
/* The entry of an operation (exact, case-sensitive as the service spells it) or NULL. */
const struct sq_rate *sq_rates_find(const struct sq_rates *r, const char *operation);

/* Parses one 2xx answer, merging its quotas into *out, and sets *next_token to the next page's
 * token (malloc'd; the caller frees) or NULL on the last page (absent, null or ""). A body that
 * is not a JSON object, a missing or non-list "Quotas", or a NextToken that is not a string of
 * at most SQ_TOKEN_MAX characters of the model's alphabet is CD_SERVICE with a line in err;
 * entries that are not objects or lack a usable name or value are counted, never fatal. */
enum cd_result sq_parse_list(const char *body, size_t len, struct sq_rates *out,
			     char **next_token, char *err, size_t errlen);

/* "Rate of DescribeUser API requests" -> 'r', op "DescribeUser"; "Burst of ..." -> 'b'; anything
 * else 0. op gets the operation name (letters and digits, 1 to oplen-1 of them). Exposed for
 * tests. */
char sq_quota_name(const char *name, char *op, size_t oplen);

#endif
