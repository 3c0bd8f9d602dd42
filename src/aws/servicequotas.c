/* servicequotas.c -- ListServiceQuotas request body and answer parsing (API rate and burst quotas). */
#include "aws/servicequotas.h"

#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "jsonesc.h"

/* The model's QuotaValue maximum: anything larger is not a quota the service can hold. */
#define SQ_VALUE_MAX 1e10
#define SQ_RATE_MIN 0.01

enum cd_result sq_list_request(struct buf *body, const char *service_code, const char *next_token,
			       unsigned max_results, char *err, size_t errlen)
{
	if (!service_code || !*service_code || max_results < 1 || max_results > SQ_MAX_RESULTS) {
		snprintf(err, errlen, "ListServiceQuotas: bad service code or page size");
		return CD_INPUT;
	}
	enum cd_result r = buf_puts(body, "{\"ServiceCode\":");
	if (r == CD_OK)
		r = jsonesc_append(body, service_code);
	if (r == CD_OK)
		r = buf_printf(body, ",\"MaxResults\":%u", max_results);
	if (r == CD_OK && next_token && *next_token) {
		r = buf_puts(body, ",\"NextToken\":");
		if (r == CD_OK)
			r = jsonesc_append(body, next_token);
	}
	if (r == CD_OK)
		r = buf_putc(body, '}');
	if (r != CD_OK)
		snprintf(err, errlen, "ListServiceQuotas: cannot build the request");
	return r;
}

void sq_rates_init(struct sq_rates *r)
{
	memset(r, 0, sizeof *r);
}

void sq_rates_release(struct sq_rates *r)
{
	free(r->v);
	sq_rates_init(r);
}

const struct sq_rate *sq_rates_find(const struct sq_rates *r, const char *operation)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->v[i].operation, operation) == 0)
			return &r->v[i];
	return NULL;
}

/* Strips a fixed prefix and suffix; what is left must look like an operation name. */
char sq_quota_name(const char *name, char *op, size_t oplen)
{
	static const char suffix[] = " API requests";
	const size_t slen = sizeof suffix - 1;
	char kind;
	const char *p;
	if (!name)
		return 0;
	if (strncmp(name, "Rate of ", 8) == 0) {
		kind = 'r';
		p = name + 8;
	} else if (strncmp(name, "Burst of ", 9) == 0) {
		kind = 'b';
		p = name + 9;
	} else {
		return 0;
	}
	size_t n = strlen(p);
	if (n <= slen || strcmp(p + n - slen, suffix) != 0)
		return 0;
	n -= slen;
	if (n >= oplen)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			return 0;
	}
	memcpy(op, p, n);
	op[n] = '\0';
	return kind;
}

/* Seconds in one Period, or 0 for a period we do not understand. No period: per second. */
static double period_seconds(json_t *period)
{
	if (!period || json_is_null(period))
		return 1;
	if (!json_is_object(period))
		return 0;
	json_t *v = json_object_get(period, "PeriodValue"), *u = json_object_get(period, "PeriodUnit");
	if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 1000000 ||
	    !json_is_string(u))
		return 0;
	static const struct {
		const char *name;
		double s;
	} units[] = {
		{ "MICROSECOND", 1e-6 }, { "MILLISECOND", 1e-3 }, { "SECOND", 1 }, { "MINUTE", 60 },
		{ "HOUR", 3600 },        { "DAY", 86400 },        { "WEEK", 604800 },
	};
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if (strcmp(json_string_value(u), units[i].name) == 0)
			return (double)json_integer_value(v) * units[i].s;
	return 0;
}

static bool token_ok(const char *s, size_t n)
{
	/* the model: ^[a-zA-Z0-9/+]*={0,2}$, at most 2048 */
	if (n > SQ_TOKEN_MAX)
		return false;
	size_t i = 0;
	while (i < n && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
			 (s[i] >= '0' && s[i] <= '9') || s[i] == '/' || s[i] == '+'))
		i++;
	size_t pad = 0;
	while (i < n && s[i] == '=' && pad < 2)
		i++, pad++;
	return i == n;
}

static void set_code(char *dst, size_t cap, json_t *code)
{
	const char *s = json_is_string(code) ? json_string_value(code) : "";
	size_t n = strlen(s);
	/* a QuotaCode is "L-" and hex; anything odd is left out of the log rather than copied */
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			n = 0;
	if (n >= cap)
		n = 0;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* One element of Quotas. */
static enum cd_result take_quota(struct sq_rates *out, json_t *q)
{
	char op[sizeof out->v[0].operation];
	json_t *name = json_is_object(q) ? json_object_get(q, "QuotaName") : NULL;
	char kind = json_is_string(name) ? sq_quota_name(json_string_value(name), op, sizeof op) : 0;
	if (!kind) {
		out->other++;
		return CD_OK;
	}
	json_t *value = json_object_get(q, "Value"), *unit = json_object_get(q, "Unit");
	double v = json_is_number(value) ? json_number_value(value) : -1;
	double per = kind == 'r' ? period_seconds(json_object_get(q, "Period")) : 1;
	bool unit_ok = !unit || json_is_null(unit) ||
		       (json_is_string(unit) && strcmp(json_string_value(unit), "None") == 0);
	if (!(isfinite(v) && v > 0 && v <= SQ_VALUE_MAX) || !(per > 0) || !unit_ok ||
	    (kind == 'b' && v < 1)) {
		out->rejected++;
		return CD_OK;
	}
	v /= per;
	/* Per second, a rate must be one --rate could state (0.01/s at least: a scan at a rate
	 * below that would never end) and no more than the model's maximum. */
	if (kind == 'r' && !(v >= SQ_RATE_MIN && v <= SQ_VALUE_MAX)) {
		out->rejected++;
		return CD_OK;
	}
	out->taken++;
	struct sq_rate *e = (struct sq_rate *)sq_rates_find(out, op);
	if (!e) {
		if (out->n >= SQ_MAX_OPERATIONS) {
			out->rejected++;
			return CD_OK;
		}
		enum cd_result r = ARRAY_GROW(out->v, out->n + 1, out->cap, SQ_MAX_OPERATIONS);
		if (r != CD_OK)
			return r;
		e = &out->v[out->n++];
		memset(e, 0, sizeof *e);
		memcpy(e->operation, op, sizeof op);
	}
	double *slot = kind == 'r' ? &e->rate : &e->burst;
	if (*slot == 0 || v < *slot) {
		*slot = v;
		if (kind == 'r')
			set_code(e->rate_code, sizeof e->rate_code, json_object_get(q, "QuotaCode"));
		else
			set_code(e->burst_code, sizeof e->burst_code, json_object_get(q, "QuotaCode"));
	}
	return CD_OK;
}

enum cd_result sq_parse_list(const char *body, size_t len, struct sq_rates *out,
			     char **next_token, char *err, size_t errlen)
{
	enum cd_result r = CD_SERVICE;
	json_error_t je;
	*next_token = NULL;
	json_t *root = json_loadb(body ? body : "", body ? len : 0, JSON_REJECT_DUPLICATES, &je);
	if (!json_is_object(root)) {
		/* the line and column only: the body itself is the service's, not ours to log */
		snprintf(err, errlen, "ListServiceQuotas: the answer is not a JSON object (line %d, "
			 "column %d)", je.line, je.column);
		goto out;
	}
	json_t *list = json_object_get(root, "Quotas");
	if (!json_is_array(list)) {
		snprintf(err, errlen, "ListServiceQuotas: the answer has no \"Quotas\" list");
		goto out;
	}
	json_t *tok = json_object_get(root, "NextToken");
	if (tok && !json_is_null(tok) &&
	    (!json_is_string(tok) || !token_ok(json_string_value(tok), json_string_length(tok)))) {
		snprintf(err, errlen, "ListServiceQuotas: the answer's NextToken is not a token");
		goto out;
	}
	size_t i;
	json_t *q;
	r = CD_OK;
	json_array_foreach(list, i, q) {
		if ((r = take_quota(out, q)) != CD_OK) {
			snprintf(err, errlen, "ListServiceQuotas: out of memory");
			goto out;
		}
	}
	if (json_is_string(tok) && json_string_length(tok) > 0) {
		if (!(*next_token = strdup(json_string_value(tok)))) {
			snprintf(err, errlen, "ListServiceQuotas: out of memory");
			r = CD_NOMEM;
		}
	}
out:
	json_decref(root);
	return r;
}
