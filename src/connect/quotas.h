/* quotas.h -- the account's applied Connect API quotas (Service Quotas) and the rates a scan takes from them. */
#ifndef CD_CONNECT_QUOTAS_H
#define CD_CONNECT_QUOTAS_H

#include <stdbool.h>
#include <stddef.h>
#include "aws/servicequotas.h"
#include "connect/api.h"
#include "connect/session.h"
#include "result.h"

/* Connect's API quotas are per account and Region and shared with everything else the account
 * runs (contact-flow Lambdas calling DescribeUser during live calls): a scan that finds them by
 * exceeding them costs those callers throttles. So the scan reads them first, as Service Quotas
 * lists them ("Rate of DescribeUser API requests", Unit "None", requests per second; a
 * "Burst of ... API requests" entry is read the same way when present), and runs at a share. */
#define CONNECT_SQ_SERVICE_CODE "connect"
#define CONNECT_QUOTA_SHARE_DEFAULT 0.8

struct connect_quotas {
	double rate[API_NOPS];      /* requests per second the account may make; 0: not listed */
	double burst[API_NOPS];     /* 0: not listed */
	char code[API_NOPS][32];    /* the rate's QuotaCode, "" when not given */
	size_t listed;              /* quotas of any kind the listing held */
	size_t rejected;            /* API rate entries that were unusable (see sq_rates) */
	unsigned pages;
	char endpoint[1024];        /* where they were read */
	char endpoint_source[160];  /* "AWS_ENDPOINT_URL_SERVICE_QUOTAS", "--endpoint-url", "default" */
};

/* The mapping (pure): the entries of the operations connect-dupes calls, by their service
 * names (api_op_name). */
void connect_quotas_from_sq(const struct sq_rates *r, struct connect_quotas *q);

/* Where Service Quotas is asked, in the SDKs' order: AWS_ENDPOINT_URL_SERVICE_QUOTAS,
 * AWS_ENDPOINT_URL, the profile's services section (service_quotas.endpoint_url) or
 * endpoint_url; else, when Connect itself is reached at a configured endpoint (--endpoint-url,
 * AWS_ENDPOINT_URL_CONNECT: connect-emu, a VPC endpoint), that same endpoint, so a scan never
 * sends anything to an address it was not given; else https://servicequotas.REGION.amazonaws.com. */
enum cd_result connect_quotas_endpoint(const struct connect_session *s, char *url, size_t urllen,
				       char *source, size_t sourcelen, char *err, size_t errlen);

/* Reads every page of ListServiceQuotas for service code "connect" with the session's
 * credentials, signed for the session's Region (service name "servicequotas"). A few
 * throttles and 5xx are retried; nothing else. Results: CD_OK (*q filled, possibly with no
 * Connect API rate in it); CD_AUTH (AccessDeniedException: servicequotas:ListServiceQuotas not
 * allowed, or the keys refused); CD_NETWORK; CD_SERVICE (an error answer, a malformed page, a
 * repeated NextToken, more than CONNECT_SQ_MAX_PAGES pages). err says which in every case. */
#define CONNECT_SQ_MAX_PAGES 200
enum cd_result connect_quotas_lookup(struct connect_session *s, struct connect_quotas *q,
				     char *err, size_t errlen);

/* The rate one operation's bucket starts at and where it came from. */
enum quota_origin {
	QUOTA_ADAPTIVE = 0,  /* nothing known: the published default, adapting, no ceiling */
	QUOTA_OPTION,        /* --rate: the user's figure, never probed past */
	QUOTA_SERVICE,       /* share x the applied quota: never probed past */
};
struct quota_use {
	double rate;   /* requests per second; 0: the published default (QUOTA_ADAPTIVE) */
	double burst;  /* the service's burst to size our bucket from; 0: the published default */
	bool capped;   /* rate is a ceiling */
	enum quota_origin origin;
};

/* Decides (pure): --rate wins; else share x the applied rate (and share x its burst, at least 1,
 * unless --burst gave one); else adaptive. q NULL: the lookup failed or was not made.
 * share in (0, 1]. */
void connect_quotas_plan(const struct connect_quotas *q, double share, enum api_op op,
			 double rate_opt, bool rate_given, double burst_opt, struct quota_use *u);

/* A scan's starting rates: what the command line said in, what the crawl gets out. */
struct quota_rates {
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
 * operation's rate with connect_quotas_plan, and writes what to log: *line the rates used and
 * where each came from ("rates: DescribeUser 29.6/s burst 29.6 (80% of the applied quota
 * 37/s burst 37, L-EE6F0D82), ..."); *warn, when the lookup failed (no permission,
 * unreachable, malformed: the scan then adapts as before), the one warning saying so, else "".
 * Never fails the scan. */
void connect_quotas_decide(struct connect_session *s, struct quota_rates *r, char *warn,
			   size_t warnlen, char *line, size_t linelen);

#endif
