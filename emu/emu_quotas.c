/* emu_quotas.c -- ListServiceQuotas as Service Quotas answers it, from the quotas connect-emu enforces. */
#include "emu_quotas.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonesc.h"

/* The QuotaCodes Service Quotas gives the rates of the operations connect-dupes calls (from
 * published listings); the bursts are not published as quotas, so theirs are made up and say
 * so. */
static const char *const rate_codes[EMU_OP_COUNT] = {
	[EMU_OP_LIST_USERS] = "L-CCC38177", [EMU_OP_DESCRIBE_USER] = "L-EE6F0D82",
	[EMU_OP_SEARCH_USERS] = "L-E2C35CCE", [EMU_OP_LIST_INSTANCES] = "L-EMU0R004",
};
static const char *const burst_codes[EMU_OP_COUNT] = {
	[EMU_OP_LIST_USERS] = "L-EMU0B001", [EMU_OP_DESCRIBE_USER] = "L-EMU0B002",
	[EMU_OP_SEARCH_USERS] = "L-EMU0B003", [EMU_OP_LIST_INSTANCES] = "L-EMU0B004",
};

struct entry {
	char name[96];
	const char *code;
	double value;
};

bool emu_quotas_is_target(const char *target)
{
	return target && strncmp(target, EMU_SQ_TARGET_PREFIX, strlen(EMU_SQ_TARGET_PREFIX)) == 0;
}

static unsigned fail(struct buf *out, const char **error, const char *name, const char *msg)
{
	buf_reset(out);
	*error = name;
	/* JSON 1.1 errors: __type and Message in the body, the name in x-amzn-ErrorType too */
	if (buf_printf(out, "{\"__type\":\"%s\",\"Message\":", name) != CD_OK ||
	    jsonesc_append(out, msg) != CD_OK || buf_putc(out, '}') != CD_OK)
		buf_reset(out);
	return 400;
}

/* Every quota the listing holds, in a fixed order. */
static size_t entries(const struct emu_quota *q, struct entry *e, size_t cap)
{
	size_t n = 0;
	for (int i = 0; i < EMU_OP_COUNT && n + 2 <= cap; i++) {
		const struct emu_bucket *b = &q->b[i];
		if (b->rate <= 0)
			continue; /* unlimited: not a quota */
		snprintf(e[n].name, sizeof e[n].name, "Rate of %s API requests", emu_op_names[i]);
		e[n].code = rate_codes[i];
		e[n++].value = b->rate;
		snprintf(e[n].name, sizeof e[n].name, "Burst of %s API requests", emu_op_names[i]);
		e[n].code = burst_codes[i];
		e[n++].value = b->burst;
	}
	static const struct {
		const char *name, *code;
		double v;
	} other[] = {
		{ "Users per instance", "L-9A46857E", 500 },
		{ "Amazon Connect instances per account", "L-AA17F0F8", 2 },
	};
	for (size_t i = 0; i < sizeof other / sizeof other[0] && n < cap; i++, n++) {
		snprintf(e[n].name, sizeof e[n].name, "%s", other[i].name);
		e[n].code = other[i].code;
		e[n].value = other[i].v;
	}
	return n;
}

unsigned emu_quotas_answer(const struct emu_quota *q, bool denied, const char *region,
			   const char *target, const char *body, size_t len, struct buf *out,
			   const char **error)
{
	*error = NULL;
	const char *op = target + strlen(EMU_SQ_TARGET_PREFIX);
	if (strcmp(op, "ListServiceQuotas") != 0)
		return fail(out, error, "UnknownOperationException",
			    "connect-emu serves only ListServiceQuotas of Service Quotas");
	if (denied)
		return fail(out, error, "AccessDeniedException",
			    "User: arn:aws:iam::123456789012:user/connect-emu is not authorized to "
			    "perform: servicequotas:ListServiceQuotas");
	unsigned status = 400;
	json_t *in = json_loadb(body ? body : "", body ? len : 0, 0, NULL);
	json_t *code = json_object_get(in, "ServiceCode"), *max = json_object_get(in, "MaxResults"),
	       *tok = json_object_get(in, "NextToken");
	if (!json_is_object(in) || !json_is_string(code)) {
		status = fail(out, error, "IllegalArgumentException",
			      "ServiceCode is required (a JSON object body)");
		goto out;
	}
	if (strcmp(json_string_value(code), "connect") != 0) {
		status = fail(out, error, "NoSuchResourceException",
			      "connect-emu lists the quotas of service code 'connect' only");
		goto out;
	}
	long long want = 100;
	if (max && (!json_is_integer(max) || (want = json_integer_value(max)) < 1 || want > 100)) {
		status = fail(out, error, "IllegalArgumentException", "MaxResults must be 1 to 100");
		goto out;
	}
	struct entry e[2 * EMU_OP_COUNT + 2];
	size_t n = entries(q, e, sizeof e / sizeof e[0]);
	size_t from = 0;
	if (tok && !json_is_null(tok)) {
		char *end = NULL;
		const char *t = json_is_string(tok) ? json_string_value(tok) : "";
		unsigned long v = strncmp(t, "page", 4) == 0 ? strtoul(t + 4, &end, 10) : 0;
		if (!end || end == t + 4 || *end || v == 0 || v >= n) {
			status = fail(out, error, "InvalidPaginationTokenException",
				      "Invalid pagination token");
			goto out;
		}
		from = v;
	}
	size_t to = from + (size_t)(want < EMU_SQ_PAGE ? want : EMU_SQ_PAGE);
	if (to > n)
		to = n;
	enum cd_result r = buf_puts(out, "{\"Quotas\":[");
	for (size_t i = from; i < to && r == CD_OK; i++)
		r = buf_printf(out,
			       "%s{\"ServiceCode\":\"connect\",\"ServiceName\":\"Amazon Connect\","
			       "\"QuotaArn\":\"arn:aws:servicequotas:%s:123456789012:connect/%s\","
			       "\"QuotaCode\":\"%s\",\"QuotaName\":\"%s\",\"Value\":%.17g,"
			       "\"Unit\":\"None\",\"Adjustable\":true,\"GlobalQuota\":false,"
			       "\"QuotaAppliedAtLevel\":\"ACCOUNT\"}",
			       i > from ? "," : "", region, e[i].code, e[i].code, e[i].name, e[i].value);
	if (r == CD_OK)
		r = buf_putc(out, ']');
	if (r == CD_OK && to < n)
		r = buf_printf(out, ",\"NextToken\":\"page%zu\"", to);
	if (r == CD_OK)
		r = buf_putc(out, '}');
	if (r != CD_OK) {
		buf_reset(out);
		*error = "ServiceException";
		buf_puts(out, "{\"__type\":\"ServiceException\",\"Message\":\"reply too large\"}");
		status = 500;
		goto out;
	}
	status = 200;
out:
	json_decref(in);
	return status;
}
