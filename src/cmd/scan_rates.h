/* scan_rates.h -- the scan's starting rates: --rate, else a share of the quotas Service Quotas lists, else adaptive; logged once. */
#ifndef CD_CMD_SCAN_RATES_H
#define CD_CMD_SCAN_RATES_H

#include <stdbool.h>
#include "connect/api.h"
#include "connect/session.h"

/* What the command line said and what the crawl gets. */
struct scan_rates {
	double share;                /* --quota-share, in (0, 1] */
	bool describe;               /* DescribeUser and ListUsers are called (not --fields no-email) */
	double rate_opt[API_NOPS], burst_opt[API_NOPS];
	bool rate_given[API_NOPS];
	/* out: crawl_opts' rate, burst and rate_given (a ceiling) */
	double rate[API_NOPS], burst[API_NOPS];
	bool capped[API_NOPS];
	bool quotas_read;            /* Service Quotas answered */
};

/* Reads the applied quotas (unless --rate covers every operation the scan calls), decides each
 * operation's rate with connect_quotas_plan and logs, in one line, which rates are used and
 * where they came from; a failed lookup (no permission, unreachable, malformed) is one warning
 * and the scan adapts as before. Never fails the scan. */
void scan_rates_decide(struct connect_session *s, struct scan_rates *r);

#endif
