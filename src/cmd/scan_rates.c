/* scan_rates.c -- reads the account's Connect API quotas before a scan and says which rates it uses and why. */
#include "cmd/scan_rates.h"

#include <stdio.h>
#include <string.h>

#include "connect/quotas.h"
#include "connect/ratelimit.h"
#include "log.h"

static bool called(const struct scan_rates *r, enum api_op op)
{
	return op == API_SEARCH_USERS ||
	       (r->describe && (op == API_LIST_USERS || op == API_DESCRIBE_USER));
}

void scan_rates_decide(struct connect_session *s, struct scan_rates *r)
{
	struct connect_quotas q;
	bool need = false, have = false;
	char err[1024] = "";
	memset(&q, 0, sizeof q);
	for (int i = 0; i < API_NOPS; i++)
		need |= called(r, (enum api_op)i) && !r->rate_given[i];
	if (need) {
		enum cd_result lr = connect_quotas_lookup(s, &q, err, sizeof err);
		have = lr == CD_OK;
		if (!have) {
			/* Once, and why: an operator should know the scan may throttle others. */
			log_warn("cannot read the account's API quotas from Service Quotas at %s%s (%s); "
				 "the rates adapt to throttling instead, from the published %g/s and "
				 "gently above %g/s -- allow servicequotas:ListServiceQuotas or give "
				 "--rate to spare the account's other callers",
				 q.endpoint[0] ? q.endpoint : "(no endpoint)",
				 lr == CD_AUTH ? ": not permitted" : "", err, 2.0, RATELIMIT_GENTLE_ABOVE);
		}
	}
	r->quotas_read = have;
	char line[1024];
	size_t k = 0;
	line[0] = '\0';
	for (int i = 0; i < API_NOPS; i++) {
		enum api_op op = (enum api_op)i;
		struct quota_use u;
		connect_quotas_plan(have ? &q : NULL, r->share, op, r->rate_opt[i], r->rate_given[i],
				    r->burst_opt[i], &u);
		r->rate[i] = u.rate;
		r->burst[i] = u.burst;
		r->capped[i] = u.capped;
		if (!called(r, op) || k >= sizeof line)
			continue;
		char one[256];
		switch (u.origin) {
		case QUOTA_OPTION:
			snprintf(one, sizeof one, "%s %.4g/s (--rate)", api_op_name(op), u.rate);
			break;
		case QUOTA_SERVICE:
			if (q.burst[i] > 0)
				snprintf(one, sizeof one,
					 "%s %.4g/s burst %.4g (%.0f%% of the applied quota %.4g/s burst "
					 "%.4g%s%s)", api_op_name(op), u.rate, u.burst, r->share * 100,
					 q.rate[i], q.burst[i], q.code[i][0] ? ", " : "", q.code[i]);
			else
				snprintf(one, sizeof one, "%s %.4g/s (%.0f%% of the applied quota %.4g/s%s%s)",
					 api_op_name(op), u.rate, r->share * 100, q.rate[i],
					 q.code[i][0] ? ", " : "", q.code[i]);
			break;
		default: {
			double dr, db;
			api_default_quota(op, &dr, &db);
			snprintf(one, sizeof one, "%s adapting from %.4g/s (%s)", api_op_name(op), dr,
				 have ? "not in Service Quotas" : "quota unknown");
			break;
		}
		}
		int n = snprintf(line + k, sizeof line - k, "%s%s", k ? ", " : "", one);
		k = n < 0 ? sizeof line : k + (size_t)n;
	}
	if (have)
		log_info("rates: %s; Service Quotas at %s (%s) listed %zu quotas in %u page(s)%s", line,
			 q.endpoint, q.endpoint_source, q.listed, q.pages,
			 q.rejected ? ", some API rates unusable and ignored" : "");
	else
		log_info("rates: %s", line);
}
