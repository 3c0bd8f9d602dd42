/* scan.c -- `connect-dupes scan`: fetch an instance's users at the API quotas, then report duplicates. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "cmd/common.h"
#include "connect/crawl.h"
#include "connect/session.h"
#include "log.h"
#include "pipeline.h"
#include "store/cache.h"

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
	SCAN_ID_RATE,
	SCAN_ID_MAX_AGE,
	SCAN_ID_REFRESH,
	SCAN_ID_REGION,
	SCAN_ID_RETRIES,
	SCAN_ID_TIMEOUT,
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
	CMD_OPT_OUTPUT_DIR,
	{ "profile", 0, "NAME", SCAN_ID_PROFILE, "AWS profile (default $AWS_PROFILE or default)" },
	CMD_OPT_QUIET,
	{ "rate", 0, "API=N", SCAN_ID_RATE | CLI_REPEAT,
	  "requests/s for an operation (DescribeUser, ListUsers, SearchUsers), or N for all; repeatable" },
	{ "refresh", 0, NULL, SCAN_ID_REFRESH, "describe every user again, even if cached and unchanged" },
	{ "region", 0, "REGION", SCAN_ID_REGION, "AWS region (default from the instance ARN or settings)" },
	{ "retries", 0, "N", SCAN_ID_RETRIES,
	  "tries per request on 5xx and network errors (default $AWS_MAX_ATTEMPTS or 5)" },
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
	unsigned concurrency, retries;
	double timeout;
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

/* --- Ctrl-C ------------------------------------------------------------------------------- */

static volatile sig_atomic_t scan_stop;

static void on_sigint(int sig)
{
	(void)sig;
	scan_stop = 1;
	/* A second Ctrl-C is the default action: the user insists. */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
}

/* --- progress ----------------------------------------------------------------------------- */

struct progress {
	double last_log;       /* elapsed at the last periodic log line */
	size_t last_thousand;  /* users described / listed at the last "every 1,000" line */
	double last_elapsed;
	size_t last_described;
	double rate;           /* users per second, smoothed */
};

static void fmt_duration(double s, char *out, size_t outlen)
{
	if (s < 0 || !isfinite(s))
		snprintf(out, outlen, "?");
	else if (s < 60)
		snprintf(out, outlen, "%.0fs", s);
	else if (s < 3600)
		snprintf(out, outlen, "%dm%02ds", (int)(s / 60), (int)fmod(s, 60));
	else
		snprintf(out, outlen, "%dh%02dm", (int)(s / 3600), (int)fmod(s / 60, 60));
}

static void op_part(char *out, size_t outlen, const struct crawl_stats *st, enum api_op op)
{
	const struct crawl_op_stats *s = &st->op[op];
	if (s->total)
		snprintf(out, outlen, "%s %zu/%zu", api_op_name(op), s->done, s->total);
	else
		snprintf(out, outlen, "%s %zu", api_op_name(op), s->done);
}

static void progress_line(const struct crawl_stats *st, double rate, char *out, size_t outlen,
			  bool describe)
{
	char s[64], l[64], d[64] = "", eta[32];
	size_t thr = 0, retr = 0;
	for (int i = 0; i < API_NOPS; i++) {
		thr += st->op[i].throttled;
		retr += st->op[i].retries;
	}
	op_part(s, sizeof s, st, API_SEARCH_USERS);
	op_part(l, sizeof l, st, API_LIST_USERS);
	if (describe)
		op_part(d, sizeof d, st, API_DESCRIBE_USER);
	fmt_duration(st->eta, eta, sizeof eta);
	snprintf(out, outlen, "%s | %s%s%s | %.0f users/s | %zu throttled | %zu retries | ETA %s", s,
		 describe ? l : "", describe ? " | " : "", describe ? d : "", rate, thr, retr, eta);
}

struct scan_ctx {
	struct progress p;
	bool describe;
};

static void on_progress(void *vctx, enum crawl_event ev, const struct crawl_stats *st)
{
	struct scan_ctx *c = vctx;
	struct progress *p = &c->p;
	if (ev == CRAWL_EVENT_ESTIMATE) {
		long long n = st->approx_total;
		double rs = st->op[API_SEARCH_USERS].rate, rl = st->op[API_LIST_USERS].rate,
		       rd = st->op[API_DESCRIBE_USER].rate;
		/* pages: at least one, even for an empty instance */
		long long ps = n > 0 ? (n + API_MAX_SEARCH_USERS - 1) / API_MAX_SEARCH_USERS : 1;
		long long pl = n > 0 ? (n + API_MAX_LIST_USERS - 1) / API_MAX_LIST_USERS : 1;
		double t = (double)ps / rs;
		if (c->describe) {
			if ((double)pl / rl > t)
				t = (double)pl / rl;
			if ((double)n / rd > t)
				t = (double)n / rd;
		}
		char dur[32];
		fmt_duration(t, dur, sizeof dur);
		if (c->describe)
			log_info("about %lld users: %lld SearchUsers + %lld ListUsers calls and up to %lld "
				 "DescribeUser calls; about %s at %.3g/%.3g/%.3g requests/s "
				 "(faster if the account's quota is higher: the rate adapts)",
				 n, ps, pl, n, dur, rs, rl, rd);
		else
			log_info("about %lld users: %lld SearchUsers calls, about %s at %.3g requests/s", n,
				 ps, dur, rs);
		return;
	}
	double dt = st->elapsed - p->last_elapsed;
	size_t users = c->describe ? st->described + st->deleted : st->searched;
	if (dt >= 1.0) {
		double inst = (double)(users - p->last_described) / dt;
		p->rate = p->rate > 0 ? 0.6 * p->rate + 0.4 * inst : inst;
		p->last_elapsed = st->elapsed;
		p->last_described = users;
	}
	char line[400];
	progress_line(st, p->rate, line, sizeof line, c->describe);
	if (log_progress_active()) {
		log_progress("%s", line);
		return;
	}
	/* Not a terminal: a timestamped line every 10 s and at every 1,000 users. */
	if (st->elapsed - p->last_log >= 10 || users / 1000 > p->last_thousand) {
		p->last_log = st->elapsed;
		p->last_thousand = users / 1000;
		log_info("progress: %s", line);
	}
}

/* --- the command -------------------------------------------------------------------------- */

/* A private 0700 folder for --no-cache's throw-away store. */
static enum cd_result temp_cache(char *dir, size_t dirlen, char *path, size_t pathlen)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, dirlen, "%s/connect-dupes.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		log_error("cannot create a temporary folder in '%s': %s", tmp && *tmp ? tmp : "/tmp",
			  strerror(errno));
		dir[0] = 0;
		return CD_IO;
	}
	int n = snprintf(path, pathlen, "%s/scan.db", dir);
	if (n < 0 || (size_t)n >= pathlen) {
		log_error("temporary folder name '%s' is too long", dir);
		rmdir(dir);
		dir[0] = 0;
		return CD_IO;
	}
	return CD_OK;
}

static void log_counts(const struct crawl_stats *st, bool describe)
{
	char dur[32];
	fmt_duration(st->elapsed, dur, sizeof dur);
	log_info("fetch finished in %s (%.1f s): %zu users searched, %zu listed, %zu described, %zu "
		 "deleted during the scan, %zu failed",
		 dur, st->elapsed, st->searched, st->listed, st->described, st->deleted, st->failed);
	for (int i = 0; i < API_NOPS; i++) {
		const struct crawl_op_stats *o = &st->op[i];
		if (!o->requests || (!describe && i == API_DESCRIBE_USER))
			continue;
		log_info("  %-13s %zu requests, %zu throttled, %zu retried, %zu failed; rate at the end "
			 "%.3g/s",
			 api_op_name((enum api_op)i), o->requests, o->throttled, o->retries, o->failed,
			 o->rate);
	}
}

/* Users missing from the reports: failures recorded in the cache (and, for a scan that did not
 * finish, users never described). */
static enum cd_result missing_users(struct cache *c, bool with_undescribed,
				    struct cache_failure **v, size_t *n, struct scan_failure **out)
{
	char err[512];
	enum cd_result r = with_undescribed ? cache_list_missing(c, v, n, err, sizeof err)
					    : cache_list_failures(c, v, n, err, sizeof err);
	if (r != CD_OK) {
		log_error("%s", err);
		return r;
	}
	*out = NULL;
	if (*n && !(*out = calloc(*n, sizeof **out))) {
		log_error("out of memory");
		return CD_NOMEM;
	}
	for (size_t i = 0; i < *n; i++)
		(*out)[i] = (struct scan_failure){ (*v)[i].id, (*v)[i].operation, (*v)[i].error };
	return CD_OK;
}

static bool fatal_before_reports(enum cd_result r)
{
	/* Nothing worth reporting: the run was refused, or broke locally. */
	return r == CD_AUTH || r == CD_NOT_FOUND || r == CD_INPUT || r == CD_USAGE || r == CD_IO ||
	       r == CD_NOMEM || r == CD_INTERNAL || r == CD_TOOBIG;
}

static enum cd_result scan_run(int argc, char **argv)
{
	enum cd_result rc;
	char err[1024];
	bool help = false;
	size_t npos = 0;
	struct scan_args a = { .adaptive = true };
	struct connect_session sess = { 0 };
	bool sess_open = false;
	struct cache *cache = NULL;
	char tmpdir[PATH_MAX] = "", cache_path[PATH_MAX] = "";
	struct user_set users;
	struct cache_failure *missing = NULL;
	struct scan_failure *failed = NULL;
	size_t nmissing = 0;
	struct sigaction old_int, old_term;
	bool handlers = false;
	user_set_init(&users);
	cmd_report_opts_init(&a.report);

	rc = cli_parse(scan_opts, CLI_ARRAY_LEN(scan_opts), argc, argv, scan_opt, &a, NULL, 0, &npos,
		       &help, err, sizeof err);
	if (rc != CD_OK) {
		log_error("%s (try 'connect-dupes scan --help')", err);
		goto out;
	}
	if (help) {
		cli_print_help(stdout, "connect-dupes", &cmd_scan);
		goto out;
	}
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
	struct instance_ref inst;
	rc = connect_parse_instance(a.instance, &inst, err, sizeof err);
	if (rc != CD_OK) {
		log_error("%s", err);
		goto out;
	}
	if (inst.region[0] && a.region && strcmp(a.region, inst.region) != 0) {
		log_error("--region '%s' contradicts the region '%s' of the instance ARN", a.region,
			  inst.region);
		rc = CD_USAGE;
		goto out;
	}
	unsigned conc = a.concurrency ? a.concurrency : 32;
	struct connect_session_opts so = {
		.profile = a.profile,
		.region = a.region ? a.region : inst.region[0] ? inst.region : NULL,
		.endpoint_url = a.endpoint,
		.request_timeout_ms = a.timeout > 0 ? (long)(a.timeout * 1000) : 0,
		.max_connections = conc < 64 ? (long)conc : 64,
	};
	rc = connect_session_open(&sess, &so, err, sizeof err);
	if (rc != CD_OK) {
		log_error("%s", err);
		goto out;
	}
	sess_open = true;
	log_info("region %s (%s), endpoint %s (%s), credentials: %s", sess.settings.region,
		 sess.settings.region_source, sess.settings.endpoint_url, sess.settings.endpoint_source,
		 sess.cur.provider);
	if (inst.is_alias) {
		char idbuf[128];
		snprintf(idbuf, sizeof idbuf, "%s", inst.id);
		rc = connect_resolve_alias(&sess, &inst, err, sizeof err);
		if (rc == CD_AUTH) {
			/* Not allowed to list instances: it may still be an id in some other shape. */
			log_warn("cannot look up '%s' as an alias (%s); using it as an instance id", idbuf,
				 err);
			rc = CD_OK;
		} else if (rc != CD_OK) {
			log_error("%s", err);
			goto out;
		} else {
			log_info("instance alias '%s' is instance %s", idbuf, inst.id);
		}
	}

	/* The store the crawl writes into: the instance's cache, or a throw-away one. */
	if (a.no_cache)
		rc = temp_cache(tmpdir, sizeof tmpdir, cache_path, sizeof cache_path);
	else if (a.cache)
		snprintf(cache_path, sizeof cache_path, "%s", a.cache);
	else
		rc = cache_default_path(inst.id, cache_path, sizeof cache_path, err, sizeof err);
	if (rc != CD_OK) {
		if (!a.no_cache)
			log_error("%s", err);
		goto out;
	}
	rc = cache_open(&cache, cache_path, inst.id, 0, err, sizeof err);
	if (rc != CD_OK) {
		log_error("%s (use --cache FILE for another file, or --no-cache)", err);
		goto out;
	}
	if (!a.no_cache)
		log_info("cache %s", cache_path);
	long long scan_id;
	double wall_start = (double)time(NULL);
	rc = cache_scan_start(cache, wall_start, &scan_id, err, sizeof err);
	if (rc != CD_OK) {
		log_error("%s", err);
		goto out;
	}

	unsigned retries = a.retries;
	const char *env_attempts = getenv("AWS_MAX_ATTEMPTS");
	if (!retries && env_attempts && *env_attempts) {
		unsigned long long v;
		if (cli_uint("AWS_MAX_ATTEMPTS", env_attempts, 1, 100, &v, err, sizeof err) == CD_OK)
			retries = (unsigned)v;
		else
			log_warn("ignoring AWS_MAX_ATTEMPTS: %s", err);
	}
	struct scan_ctx pctx = { .describe = !a.no_email };
	struct crawl_opts co = {
		.instance_id = inst.id,
		.endpoint = sess.settings.endpoint_url,
		.region = sess.settings.region,
		.creds = connect_session_creds,
		.creds_ctx = &sess,
		.cache = cache,
		.scan_id = scan_id,
		.scan_start = wall_start,
		.describe = !a.no_email,
		.refresh = a.refresh,
		.max_age = a.max_age,
		.adaptive = a.adaptive,
		.concurrency = conc,
		.max_attempts = retries,
		.stop = &scan_stop,
		.progress = on_progress,
		.progress_ctx = &pctx,
	};
	for (int i = 0; i < API_NOPS; i++) {
		co.rate[i] = a.rate[i];
		co.burst[i] = a.burst[i];
		co.rate_given[i] = a.rate_given[i];
	}
	log_info("scanning instance %s in %s%s", inst.id, sess.settings.region,
		 a.no_email ? " (names and usernames only: --fields no-email)" : "");

	struct sigaction sa = { .sa_handler = on_sigint };
	sigemptyset(&sa.sa_mask);
	scan_stop = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	handlers = true;
	struct crawl_stats st;
	enum cd_result crc = crawl_run(&co, sess.http, &st, err, sizeof err);
	log_progress_done();
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	handlers = false;
	log_counts(&st, !a.no_email);

	char ferr[512];
	struct cache_scan_counts counts = {
		.searched = st.searched, .listed = st.listed, .described = st.described,
		.skipped = st.searched > st.queued ? st.searched - st.queued : 0,
		.failed = st.failed, .deleted = st.deleted,
	};
	if (cache_scan_finish(cache, scan_id, (double)time(NULL), crc == CD_OK, &counts, ferr,
			      sizeof ferr) != CD_OK)
		log_warn("%s", ferr);

	if (fatal_before_reports(crc)) {
		if (crc == CD_AUTH)
			log_error("%s -- check the credentials (%s) and that they may call "
				  "connect:SearchUsers, connect:ListUsers and connect:DescribeUser",
				  err, sess.cur.provider);
		else
			log_error("%s", err);
		rc = crc;
		goto out;
	}
	if (crc == CD_INTERRUPTED) {
		log_warn("interrupted: %zu users described so far are kept in the cache%s", st.described,
			 a.no_cache ? " (but --no-cache was given: they are discarded)"
				    : "; run the same command again to continue where it stopped");
		rc = CD_INTERRUPTED;
		goto out;
	}
	if (crc != CD_OK)
		log_error("%s", err);
	if (crc == CD_NETWORK && !a.no_cache)
		log_warn("what was fetched is in the cache; run the same command again to resume");

	rc = cache_load_users(cache, &users, NULL, err, sizeof err);
	if (rc != CD_OK) {
		log_error("%s", err);
		goto out;
	}
	if (crc != CD_OK && users.n == 0) {
		/* Nothing arrived at all: empty "partial" reports would only mislead. */
		rc = crc;
		goto out;
	}
	rc = missing_users(cache, !a.no_email && crc != CD_OK, &missing, &nmissing, &failed);
	if (rc != CD_OK)
		goto out;
	if (nmissing)
		log_warn("%zu user(s) could not be fetched; the reports are partial and list them",
			 nmissing);
	char source[512];
	snprintf(source, sizeof source, "instance %s in %s, %zu users", inst.id,
		 sess.settings.region, users.n);
	struct scan_facts facts = {
		.source = source,
		.partial = nmissing > 0 || crc != CD_OK,
		.failed = failed,
		.nfailed = nmissing,
	};
	rc = pipeline_run(&users, &a.report, &facts, NULL);
	if (rc == CD_OK && crc != CD_OK)
		rc = crc;
out:
	if (handlers) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
	}
	user_set_release(&users);
	free(failed);
	cache_failures_release(missing, nmissing);
	cache_close(cache);
	if (tmpdir[0]) {
		char rerr[256];
		cache_remove(cache_path, rerr, sizeof rerr);
		rmdir(tmpdir);
	}
	if (sess_open)
		connect_session_close(&sess);
	return rc;
}

const struct cli_cmd cmd_scan = {
	.name = "scan",
	.synopsis = "--instance ID|ARN|ALIAS [options]",
	.summary = "fetch every user of a Connect instance and find duplicates",
	.description =
		"Lists the instance's users with SearchUsers and ListUsers and describes those that\n"
		"need it with DescribeUser, all three at once, each at its API quota (published\n"
		"defaults, --rate to override; the rate adapts to throttling and to raised quotas).\n"
		"Everything fetched goes into a cache as it arrives, so an interrupted scan resumes\n"
		"and a repeat scan describes only new and changed users. Then it writes the same\n"
		"reports as 'analyze'. Settings come from the AWS CLI's environment and files\n"
		"(AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL_CONNECT, AWS_CA_BUNDLE, HTTPS_PROXY...).\n"
		"Exit status: 0 complete, 1 duplicates with --fail-on-duplicates, 2 usage error or\n"
		"unknown instance, 3 incomplete (reports partial; run again to resume), 4 AWS\n"
		"authentication or permission error, 5 local I/O error.",
	.opts = scan_opts,
	.nopts = CLI_ARRAY_LEN(scan_opts),
	.run = scan_run,
};
