/* scan.c -- `connect-dupes scan`: its options, the scan's events as log lines (connect/scan.h does the scan), then the reports. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd/commands.h"
#include "cmd/common.h"
#include "cmd/signals.h"
#include "connect/scan.h"
#include "log.h"
#include "pipeline.h"

enum {
	SCAN_ID_ADAPTIVE = 1,
	SCAN_ID_BURST,
	SCAN_ID_CACHE,
	SCAN_ID_CONCURRENCY,
	SCAN_ID_ENDPOINT,
	SCAN_ID_FIELDS,
	SCAN_ID_INSTANCE,
	SCAN_ID_NO_ADAPTIVE,
	SCAN_ID_NO_CACHE,
	SCAN_ID_PROFILE,
	SCAN_ID_QUOTA_SHARE,
	SCAN_ID_RATE,
	SCAN_ID_MAX_AGE,
	SCAN_ID_REFRESH,
	SCAN_ID_REGION,
	SCAN_ID_RETRIES,
	SCAN_ID_TIMEOUT,
	SCAN_ID_STALL_TIMEOUT,
};

static const struct cli_opt scan_opts[] = {
	{ "adaptive", 0, NULL, SCAN_ID_ADAPTIVE,
	  "back off on throttling, probe for a raised quota (default)" },
	{ "burst", 0, "API=N", SCAN_ID_BURST | CLI_REPEAT,
	  "burst of an operation's quota (default 5, as published), or N for all; repeatable" },
	{ "cache", 0, "FILE", SCAN_ID_CACHE,
	  "cache file (default ~/.cache/connect-dupes/<instance>.db)" },
	{ "concurrency", 0, "N", SCAN_ID_CONCURRENCY, "requests in flight at most (default 32)" },
	CMD_OPT_CSV_RAW,
	{ "endpoint-url", 0, "URL", SCAN_ID_ENDPOINT,
	  "service endpoint (connect-emu, VPC endpoint); default from the AWS settings" },
	CMD_OPT_FAIL_ON_DUPLICATES,
	{ "fields", 0, "all|no-email", SCAN_ID_FIELDS,
	  "no-email: skip DescribeUser (names and usernames only, much faster)" },
	CMD_OPT_FORMAT,
	{ "instance", 0, "ID|ARN|ALIAS", SCAN_ID_INSTANCE,
	  "the Connect instance (default $CONNECT_INSTANCE_ID); an ARN gives the region" },
	CMD_OPT_MATCH,
	{ "max-age", 0, "AGE", SCAN_ID_MAX_AGE,
	  "describe again users described longer ago than AGE (30m, 12h, 7d; a bare number is days)" },
	{ "no-adaptive", 0, NULL, SCAN_ID_NO_ADAPTIVE, "keep every rate fixed" },
	{ "no-cache", 0, NULL, SCAN_ID_NO_CACHE, "keep nothing between runs (no resume)" },
	CMD_OPT_NO_PROGRESS,
	CMD_OPT_NOT_DUPLICATES,
	CMD_OPT_OUTPUT,
	CMD_OPT_OUTPUT_DIR,
	{ "profile", 0, "NAME", SCAN_ID_PROFILE, "AWS profile (default $AWS_PROFILE or default)" },
	CMD_OPT_QUIET,
	{ "quota-share", 0, "F", SCAN_ID_QUOTA_SHARE,
	  "use at most this share (0 < F <= 1) of each API quota Service Quotas lists, so the "
	  "account's other callers keep the rest (default 0.8)" },
	{ "rate", 0, "API=N", SCAN_ID_RATE | CLI_REPEAT,
	  "requests/s for an operation (DescribeUser, ListUsers, SearchUsers), or N for all; repeatable" },
	{ "refresh", 0, NULL, SCAN_ID_REFRESH, "describe every user again, even if cached and unchanged" },
	{ "region", 0, "REGION", SCAN_ID_REGION, "AWS region (default from the instance ARN or settings)" },
	{ "retries", 0, "N", SCAN_ID_RETRIES,
	  "tries per request on 5xx and network errors (default $AWS_MAX_ATTEMPTS or 5)" },
	{ "stall-timeout", 0, "SECONDS", SCAN_ID_STALL_TIMEOUT,
	  "stop when no user arrived for this long: partial reports, exit 3 (default 600)" },
	CMD_OPT_THRESHOLD,
	{ "timeout", 0, "SECONDS", SCAN_ID_TIMEOUT, "per-request timeout (default 30)" },
	CMD_OPT_VERBOSE,
};

struct scan_args {
	struct pipeline_opts report;
	const char *instance, *cache, *endpoint, *profile, *region;
	bool no_cache, refresh, adaptive, no_email;
	double max_age; /* seconds, 0: none */
	double rate[API_NOPS], burst[API_NOPS];
	bool rate_given[API_NOPS];
	double quota_share;
	unsigned concurrency, retries;
	double timeout;
	double stall_timeout;
};

/* "--rate API=N" / "--burst API=N": API case-insensitive, a bare N for every operation. */
/* --max-age AGE: a number with an optional unit s, m, h or d; a bare number is days, since
 * "re-describe what is older than a week" is what the option is for. */
static enum cd_result parse_age(const char *arg, double *out, char *err, size_t errlen)
{
	char num[32];
	size_t n = strlen(arg);
	double unit = 86400;
	if (n && n < sizeof num) {
		switch (arg[n - 1]) {
		case 's': unit = 1; n--; break;
		case 'm': unit = 60; n--; break;
		case 'h': unit = 3600; n--; break;
		case 'd': unit = 86400; n--; break;
		default: break;
		}
	}
	if (!n || n >= sizeof num) {
		snprintf(err, errlen, "option '--max-age' takes an age such as 30m, 12h or 7d, not '%s'",
			 arg);
		return CD_USAGE;
	}
	memcpy(num, arg, n);
	num[n] = '\0';
	double v;
	if (cli_double("max-age", num, 0, 3650.0 * 86400 / unit, &v, err, errlen) != CD_OK) {
		snprintf(err, errlen, "option '--max-age' takes an age such as 30m, 12h or 7d, not '%s'",
			 arg);
		return CD_USAGE;
	}
	*out = v * unit;
	return CD_OK;
}

static enum cd_result parse_quota(struct scan_args *a, bool burst, const char *arg, char *err,
				  size_t errlen)
{
	const char *opt = burst ? "burst" : "rate";
	const char *eq = strchr(arg, '=');
	const char *num = eq ? eq + 1 : arg;
	double v;
	enum cd_result r = cli_double(opt, num, burst ? 1 : 0.01, 100000, &v, err, errlen);
	if (r != CD_OK)
		return r;
	int from = 0, to = API_NOPS;
	if (eq) {
		char name[64];
		snprintf(name, sizeof name, "%.*s", (int)(eq - arg), arg);
		enum api_op op;
		if (!api_op_from_name(name, &op)) {
			snprintf(err, errlen,
				 "unknown operation '%s' in '--%s %s' (DescribeUser, ListUsers, "
				 "SearchUsers, ListInstances)",
				 name, opt, arg);
			return CD_USAGE;
		}
		from = (int)op;
		to = from + 1;
	}
	for (int i = from; i < to; i++) {
		if (burst) {
			a->burst[i] = v;
		} else {
			a->rate[i] = v;
			a->rate_given[i] = true;
		}
	}
	return CD_OK;
}

static enum cd_result scan_opt(void *ctx, int id, const char *arg, char *err, size_t errlen)
{
	struct scan_args *a = ctx;
	unsigned long long n;
	enum cd_result r = CD_OK;
	switch (id) {
	case SCAN_ID_ADAPTIVE:
		a->adaptive = true;
		break;
	case SCAN_ID_NO_ADAPTIVE:
		a->adaptive = false;
		break;
	case SCAN_ID_CACHE:
		a->cache = arg;
		break;
	case SCAN_ID_NO_CACHE:
		a->no_cache = true;
		break;
	case SCAN_ID_CONCURRENCY:
		r = cli_uint("concurrency", arg, 1, 1024, &n, err, errlen);
		a->concurrency = (unsigned)n;
		break;
	case SCAN_ID_RETRIES:
		r = cli_uint("retries", arg, 1, 100, &n, err, errlen);
		a->retries = (unsigned)n;
		break;
	case SCAN_ID_TIMEOUT:
		r = cli_double("timeout", arg, 0.1, 3600, &a->timeout, err, errlen);
		break;
	case SCAN_ID_STALL_TIMEOUT:
		r = cli_double("stall-timeout", arg, 1, 7 * 86400, &a->stall_timeout, err, errlen);
		break;
	case SCAN_ID_ENDPOINT:
		a->endpoint = arg;
		break;
	case SCAN_ID_FIELDS:
		if (strcasecmp(arg, "all") == 0)
			a->no_email = false;
		else if (strcasecmp(arg, "no-email") == 0)
			a->no_email = true;
		else {
			snprintf(err, errlen, "unknown value '%s' for '--fields' (all, no-email)", arg);
			r = CD_USAGE;
		}
		break;
	case SCAN_ID_INSTANCE:
		a->instance = arg;
		break;
	case SCAN_ID_PROFILE:
		a->profile = arg;
		break;
	case SCAN_ID_QUOTA_SHARE:
		r = cli_double("quota-share", arg, 0, 1, &a->quota_share, err, errlen);
		if (r == CD_OK && !(a->quota_share > 0)) {
			snprintf(err, errlen, "option '--quota-share' takes a share above 0 and at most 1, "
				 "not '%s'", arg);
			r = CD_USAGE;
		}
		break;
	case SCAN_ID_RATE:
	case SCAN_ID_BURST:
		r = parse_quota(a, id == SCAN_ID_BURST, arg, err, errlen);
		break;
	case SCAN_ID_MAX_AGE:
		r = parse_age(arg, &a->max_age, err, errlen);
		break;
	case SCAN_ID_REFRESH:
		a->refresh = true;
		break;
	case SCAN_ID_REGION:
		a->region = arg;
		break;
	default:
		r = cmd_report_opt(&a->report, id, arg, err, errlen);
		if (r == CD_NOT_FOUND) {
			snprintf(err, errlen, "internal: unhandled option id %d", id);
			r = CD_INTERNAL;
		}
	}
	return r;
}

/* --- what the scan says while it runs: the events of connect/scan.h, as log lines ----------- */

struct scan_ui {
	double last_log;      /* elapsed at the last periodic progress line */
	size_t last_thousand; /* users done at the last "every 1,000" line */
};

static void on_note(void *ctx, enum connect_scan_level level, const char *text)
{
	(void)ctx;
	if (level == CONNECT_SCAN_ERROR)
		log_error("%s", text);
	else if (level == CONNECT_SCAN_WARN)
		log_warn("%s", text);
	else
		log_info("%s", text);
}

static void on_progress(void *ctx, const char *line, size_t users, double elapsed)
{
	struct scan_ui *u = ctx;
	if (log_progress_active()) {
		log_progress("%s", line);
		return;
	}
	/* Not a terminal: a timestamped line every 10 s and at every 1,000 users. */
	if (elapsed - u->last_log >= 10 || users / 1000 > u->last_thousand) {
		u->last_log = elapsed;
		u->last_thousand = users / 1000;
		log_info("progress: %s", line);
	}
}

static void on_fetching(void *ctx, bool begin)
{
	(void)ctx;
	if (!begin)
		log_progress_done();
}

/* --- the command -------------------------------------------------------------------------- */

static enum cd_result scan_run(int argc, char **argv)
{
	enum cd_result rc;
	char err[2048];
	bool help = false;
	size_t npos = 0;
	struct scan_args a = { .adaptive = true, .quota_share = 0.8 };
	struct connect_scan_outcome oc;
	struct scan_failure *failed = NULL;
	struct scan_ui ui = { 0 };
	connect_scan_outcome_init(&oc);
	cmd_report_opts_init(&a.report);

	rc = cmd_parse(&cmd_scan, argc, argv, scan_opt, &a, NULL, 0, &npos, &help);
	if (rc != CD_OK || help)
		goto out;
	cmd_report_opts_apply(&a.report);
	if (!a.instance)
		a.instance = getenv("CONNECT_INSTANCE_ID");
	if (!a.instance || !*a.instance) {
		log_error("no instance given (use --instance ID|ARN|ALIAS or set CONNECT_INSTANCE_ID)");
		rc = CD_USAGE;
		goto out;
	}
	if (a.cache && a.no_cache) {
		log_error("give --cache FILE or --no-cache, not both");
		rc = CD_USAGE;
		goto out;
	}

	struct connect_scan_request rq = {
		.instance = a.instance,
		.session = {
			.profile = a.profile,
			.region = a.region,
			.endpoint_url = a.endpoint,
			.request_timeout_ms = a.timeout > 0 ? (long)(a.timeout * 1000) : 0,
		},
		.describe = !a.no_email,
		.refresh = a.refresh,
		.max_age = a.max_age,
		.adaptive = a.adaptive,
		.concurrency = a.concurrency,
		.max_attempts = a.retries,
		.max_attempts_env = getenv("AWS_MAX_ATTEMPTS"),
		.stall_timeout = a.stall_timeout,
		.cache_path = a.cache,
		.no_cache = a.no_cache,
		.stop = &cmd_signal_stop,
	};
	for (int i = 0; i < API_NOPS; i++) {
		rq.rate[i] = a.rate[i];
		rq.burst[i] = a.burst[i];
		rq.rate_given[i] = a.rate_given[i];
	}
	rq.quota_share = a.quota_share;
	struct connect_scan_events ev = {
		.ctx = &ui, .note = on_note, .progress = on_progress, .fetching = on_fetching,
	};
	/* From here the first SIGINT or SIGTERM stops the fetch and the partial reports are
	 * written (exit 3); a second one removes the temporaries and kills (cmd/signals.h). */
	cmd_signals_catch(true);
	rc = connect_scan(&rq, &ev, &oc, err, sizeof err);
	if (rc != CD_OK) {
		if (err[0])
			log_error("%s", err);
		goto out;
	}

	if (oc.nmissing && !(failed = calloc(oc.nmissing, sizeof *failed))) {
		log_error("out of memory");
		rc = CD_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < oc.nmissing; i++)
		failed[i] = (struct scan_failure){ oc.missing[i].id, oc.missing[i].operation,
						   oc.missing[i].error };
	struct scan_facts facts = {
		.source = oc.source,
		.partial = oc.partial,
		.failed = failed,
		.nfailed = oc.nmissing,
		.origin = SCAN_ORIGIN_SCAN,
		.instance_id = oc.instance_id,
		.instance_alias = oc.alias,
		.region = oc.region,
		.names = &oc.names,
	};
	rc = pipeline_run(&oc.users, &a.report, &facts, NULL);
	if (rc == CD_OK && oc.fetch != CD_OK)
		rc = oc.fetch;
	if ((rc == CD_OK || rc == CD_DUPLICATES) && cmd_signal_stop)
		/* Asked to stop while the reports were being written: they are complete, but the
		 * caller asked for an end, and 0 would say nothing happened. */
		rc = CD_INTERRUPTED;
out:
	free(failed);
	connect_scan_outcome_release(&oc);
	return rc;
}

const struct cli_cmd cmd_scan = {
	.name = "scan",
	.synopsis = "--instance ID|ARN|ALIAS [options]",
	.summary = "fetch every user of a Connect instance and find duplicates",
	.description =
		"Lists the instance's users with SearchUsers and ListUsers and describes those that\n"
		"need it with DescribeUser, all three at once, each at a share of its API quota\n"
		"(read from Service Quotas, --quota-share of it; --rate to override; without\n"
		"servicequotas:ListServiceQuotas the rate adapts to throttling and raised quotas).\n"
		"Everything fetched goes into a cache as it arrives, so an interrupted scan resumes\n"
		"and a repeat scan describes only new and changed users. Then it writes the same\n"
		"reports as 'analyze'. Settings come from the AWS CLI's environment and files\n"
		"(AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL_CONNECT, AWS_CA_BUNDLE, HTTPS_PROXY...).\n"
		"Ctrl-C or SIGTERM stops the fetch and writes partial reports; a second one kills.",
	.opts = scan_opts,
	.nopts = CLI_ARRAY_LEN(scan_opts),
	.run = scan_run,
	.exits = CLI_EXIT(0) | CLI_EXIT(1) | CLI_EXIT(2) | CLI_EXIT(3) | CLI_EXIT(4) | CLI_EXIT(5),
};
