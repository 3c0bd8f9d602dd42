/* scan.c -- one scan as a library call: instance, session, cache and crawl in, users and what is missing out; events instead of printing. */
#include "connect/scan.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "connect/names.h"
#include "store/cache_names.h"
#include "connect/quotas.h"
#include "grow.h"

/* --- events ----------------------------------------------------------------------------------- */

static void note(const struct connect_scan_events *ev, enum connect_scan_level level,
		 const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void note(const struct connect_scan_events *ev, enum connect_scan_level level,
		 const char *fmt, ...)
{
	char line[1024];
	if (!ev || !ev->note)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	ev->note(ev->ctx, level, line);
}

/* --- the pure parts ----------------------------------------------------------------------------- */

void connect_scan_duration(double s, char *out, size_t outlen)
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

void connect_scan_estimate(const struct crawl_stats *st, bool describe, char *out, size_t outlen)
{
	long long n = st->approx_total;
	double rs = st->op[API_SEARCH_USERS].rate, rl = st->op[API_LIST_USERS].rate,
	       rd = st->op[API_DESCRIBE_USER].rate;
	/* pages: at least one, even for an empty instance */
	long long ps = n > 0 ? (n + API_MAX_SEARCH_USERS - 1) / API_MAX_SEARCH_USERS : 1;
	long long pl = n > 0 ? (n + API_MAX_LIST_USERS - 1) / API_MAX_LIST_USERS : 1;
	double t = (double)ps / rs;
	if (describe) {
		if ((double)pl / rl > t)
			t = (double)pl / rl;
		if ((double)n / rd > t)
			t = (double)n / rd;
	}
	char dur[32];
	connect_scan_duration(t, dur, sizeof dur);
	if (describe)
		snprintf(out, outlen,
			 "about %lld users: %lld SearchUsers + %lld ListUsers calls and up to %lld "
			 "DescribeUser calls; about %s at %.3g/%.3g/%.3g requests/s "
			 "(faster if the account's quota is higher: the rate adapts)",
			 n, ps, pl, n, dur, rs, rl, rd);
	else
		snprintf(out, outlen, "about %lld users: %lld SearchUsers calls, about %s at %.3g requests/s",
			 n, ps, dur, rs);
}

static void op_part(char *out, size_t outlen, const struct crawl_stats *st, enum api_op op)
{
	const struct crawl_op_stats *s = &st->op[op];
	if (s->total)
		snprintf(out, outlen, "%s %zu/%zu", api_op_name(op), s->done, s->total);
	else
		snprintf(out, outlen, "%s %zu", api_op_name(op), s->done);
}

void connect_scan_progress_line(const struct crawl_stats *st, double rate, bool describe,
				char *out, size_t outlen)
{
	char head[64], s[64], l[64] = "", eta[32];
	size_t thr = 0, retr = 0;
	for (int i = 0; i < API_NOPS; i++) {
		thr += st->op[i].throttled;
		retr += st->op[i].retries;
	}
	/* What matters first (users done / total, ETA): an 80-column terminal shows the start of
	 * the line only (log_progress drops whole fields from the end). */
	const struct crawl_op_stats *d = &st->op[API_DESCRIBE_USER];
	if (describe && d->total)
		snprintf(head, sizeof head, "described %zu/%zu", d->done, d->total);
	else if (describe)
		snprintf(head, sizeof head, "described %zu", d->done);
	else if (st->approx_total >= 0)
		snprintf(head, sizeof head, "searched %zu/%lld", st->searched, st->approx_total);
	else
		snprintf(head, sizeof head, "searched %zu", st->searched);
	op_part(s, sizeof s, st, API_SEARCH_USERS);
	if (describe)
		op_part(l, sizeof l, st, API_LIST_USERS);
	connect_scan_duration(st->eta, eta, sizeof eta);
	snprintf(out, outlen, "%s | ETA %s | %.0f users/s | %s%s%s | %zu throttled | %zu retries", head,
		 eta, rate, s, describe ? " | " : "", l, thr, retr);
}

/* --- progress: the crawl's callback ------------------------------------------------------------- */

struct progress {
	const struct connect_scan_events *ev;
	bool describe;
	double last_elapsed;
	size_t last_users;
	double rate; /* users per second, smoothed */
	/* what the crawl gave up on besides users' DescribeUser: for the failed_users report */
	struct cache_failure *extra;
	size_t nextra, extra_cap;
	bool nomem;
	size_t deleted, malformed; /* notices seen (the log names the first few) */
};

/* The log names this many users deleted during the scan, and malformed items; the rest are
 * counted (malformed ones dropped are all in failed_users). */
#define NAMED_DELETED 100
#define NAMED_MALFORMED 20

static void add_extra(struct progress *p, const char *id, enum api_op op, const char *why)
{
	if (p->nomem || ARRAY_GROW(p->extra, p->nextra + 1, p->extra_cap, GROW_MAX_ELEMS) != CD_OK) {
		p->nomem = true;
		return;
	}
	struct cache_failure *f = &p->extra[p->nextra];
	*f = (struct cache_failure){ .id = strdup(id ? id : ""),
				     .operation = strdup(api_op_name(op)),
				     .error = strdup(why), .attempts = 1 };
	if (!f->id || !f->operation || !f->error) {
		free(f->id);
		free(f->operation);
		free(f->error);
		p->nomem = true;
		return;
	}
	p->nextra++;
}

static void on_crawl_notice(void *vctx, const struct crawl_notice *n)
{
	struct progress *p = vctx;
	switch (n->kind) {
	case CRAWL_NOTICE_DELETED:
		if (++p->deleted <= NAMED_DELETED)
			note(p->ev, CONNECT_SCAN_INFO, "user '%s' was deleted during the scan (%s)",
			     n->id, n->why);
		break;
	case CRAWL_NOTICE_MALFORMED:
		if (++p->malformed <= NAMED_MALFORMED) {
			if (n->id)
				note(p->ev, CONNECT_SCAN_WARN, "malformed listing item, Id '%s': %s",
				     n->id, n->why);
			else
				note(p->ev, CONNECT_SCAN_WARN, "malformed listing item: %s", n->why);
		}
		if (n->dropped)
			add_extra(p, n->id, n->op, n->why);
		break;
	case CRAWL_NOTICE_LISTING_STOPPED:
		note(p->ev, CONNECT_SCAN_WARN, "%s", n->why);
		add_extra(p, NULL, n->op, n->why);
		break;
	}
}

/* The crawl's own failures first, then the cache's: one array the outcome owns. */
static enum cd_result merge_missing(struct connect_scan_outcome *out, struct progress *p,
				    char *err, size_t errlen)
{
	if (p->nomem) {
		snprintf(err, errlen, "out of memory listing what the scan could not fetch");
		return CD_NOMEM;
	}
	if (!p->nextra)
		return CD_OK;
	size_t n = p->nextra + out->nmissing;
	struct cache_failure *v = calloc(n, sizeof *v);
	if (!v) {
		snprintf(err, errlen, "out of memory listing what the scan could not fetch");
		return CD_NOMEM;
	}
	memcpy(v, p->extra, p->nextra * sizeof *v);
	if (out->nmissing)
		memcpy(v + p->nextra, out->missing, out->nmissing * sizeof *v);
	free(out->missing);
	free(p->extra);
	p->extra = NULL;
	p->nextra = 0;
	out->missing = v;
	out->nmissing = n;
	return CD_OK;
}

static void on_crawl_event(void *vctx, enum crawl_event what, const struct crawl_stats *st)
{
	struct progress *p = vctx;
	char line[600];
	if (what == CRAWL_EVENT_ESTIMATE) {
		connect_scan_estimate(st, p->describe, line, sizeof line);
		note(p->ev, CONNECT_SCAN_INFO, "%s", line);
		return;
	}
	double dt = st->elapsed - p->last_elapsed;
	size_t users = p->describe ? st->described + st->deleted : st->searched;
	if (dt >= 1.0) {
		double inst = (double)(users - p->last_users) / dt;
		p->rate = p->rate > 0 ? 0.6 * p->rate + 0.4 * inst : inst;
		p->last_elapsed = st->elapsed;
		p->last_users = users;
	}
	if (!p->ev || !p->ev->progress)
		return;
	connect_scan_progress_line(st, p->rate, p->describe, line, sizeof line);
	p->ev->progress(p->ev->ctx, line, users, st->elapsed);
}

static void note_counts(const struct connect_scan_events *ev, const struct crawl_stats *st,
			bool describe)
{
	char dur[32];
	connect_scan_duration(st->elapsed, dur, sizeof dur);
	note(ev, CONNECT_SCAN_INFO,
	     "fetch finished in %s (%.1f s): %zu users searched, %zu listed, %zu described, %zu "
	     "deleted during the scan, %zu failed",
	     dur, st->elapsed, st->searched, st->listed, st->described, st->deleted, st->failed);
	for (int i = 0; i < API_NOPS; i++) {
		const struct crawl_op_stats *o = &st->op[i];
		if (!o->requests || (!describe && i == API_DESCRIBE_USER))
			continue;
		note(ev, CONNECT_SCAN_INFO,
		     "  %-13s %zu requests, %zu throttled, %zu retried, %zu failed; rate at the end "
		     "%.3g/s",
		     api_op_name((enum api_op)i), o->requests, o->throttled, o->retries, o->failed,
		     o->rate);
	}
}

/* --- the scan ----------------------------------------------------------------------------------- */

void connect_scan_outcome_init(struct connect_scan_outcome *o)
{
	memset(o, 0, sizeof *o);
	user_set_init(&o->users);
	o->stats.approx_total = -1;
	o->stats.eta = -1;
}

void connect_scan_outcome_release(struct connect_scan_outcome *o)
{
	user_set_release(&o->users);
	cache_failures_release(o->missing, o->nmissing);
	names_release(&o->names);
	connect_scan_outcome_init(o);
}

/* A private 0700 folder for --no-cache's throw-away store. */
static enum cd_result temp_cache(char *dir, size_t dirlen, char *path, size_t pathlen, char *err,
				 size_t errlen)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, dirlen, "%s/connect-dupes.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		snprintf(err, errlen, "cannot create a temporary folder in '%s': %s",
			 tmp && *tmp ? tmp : "/tmp", strerror(errno));
		dir[0] = 0;
		return CD_IO;
	}
	int n = snprintf(path, pathlen, "%s/scan.db", dir);
	if (n < 0 || (size_t)n >= pathlen) {
		snprintf(err, errlen, "temporary folder name '%s' is too long", dir);
		rmdir(dir);
		dir[0] = 0;
		return CD_IO;
	}
	return CD_OK;
}

/* --retries, else AWS_MAX_ATTEMPTS as the AWS CLI reads it, else 0 (the crawl's default). The
 * variable is read where the scan always read it, after the cache is open, so a bad value
 * warns at the same point of the log as ever. */
static unsigned max_attempts(const struct connect_scan_request *rq,
			     const struct connect_scan_events *ev)
{
	const char *v = rq->max_attempts_env;
	if (rq->max_attempts || !v || !*v)
		return rq->max_attempts;
	char *end;
	errno = 0;
	unsigned long long n = strtoull(v, &end, 10);
	if (*end || errno || v[0] == '-' || n < 1 || n > 100) {
		note(ev, CONNECT_SCAN_WARN,
		     "ignoring AWS_MAX_ATTEMPTS: option '--AWS_MAX_ATTEMPTS' takes a whole number "
		     "from 1 to 100, not '%s'", v);
		return 0;
	}
	return (unsigned)n;
}

static bool fatal_before_reports(enum cd_result r)
{
	/* Nothing worth reporting: the run was refused, or broke locally. */
	return r == CD_AUTH || r == CD_NOT_FOUND || r == CD_INPUT || r == CD_USAGE || r == CD_IO ||
	       r == CD_NOMEM || r == CD_INTERNAL || r == CD_TOOBIG;
}

/* The instance and the session: the region from --region or the ARN, an alias resolved. */
static enum cd_result open_session(const struct connect_scan_request *rq,
				   const struct connect_scan_events *ev, struct instance_ref *inst,
				   struct connect_session *sess, char *err, size_t errlen)
{
	enum cd_result rc = connect_parse_instance(rq->instance, inst, err, errlen);
	if (rc != CD_OK)
		return rc;
	const char *region = rq->session.region;
	if (inst->region[0] && region && strcmp(region, inst->region) != 0) {
		snprintf(err, errlen, "--region '%s' contradicts the region '%s' of the instance ARN",
			 region, inst->region);
		return CD_USAGE;
	}
	unsigned conc = rq->concurrency ? rq->concurrency : 32;
	struct connect_session_opts so = rq->session;
	so.region = region ? region : inst->region[0] ? inst->region : NULL;
	if (!so.max_connections)
		so.max_connections = conc < 64 ? (long)conc : 64;
	if (!so.jitter_seed)
		so.jitter_seed = rq->seed;
	rc = connect_session_open(sess, &so, err, errlen);
	if (rc != CD_OK)
		return rc;
	note(ev, CONNECT_SCAN_INFO, "region %s (%s), endpoint %s (%s), credentials: %s",
	     sess->settings.region, sess->settings.region_source, sess->settings.endpoint_url,
	     sess->settings.endpoint_source, sess->cur.provider);
	bool found = false;
	if (inst->is_alias) {
		char idbuf[128];
		snprintf(idbuf, sizeof idbuf, "%s", inst->id);
		rc = connect_resolve_alias(sess, inst, err, errlen);
		if (rc == CD_AUTH) {
			/* Not allowed to list instances: it may still be an id in some other shape. */
			note(ev, CONNECT_SCAN_WARN,
			     "cannot look up '%s' as an alias (%s); using it as an instance id", idbuf,
			     err);
			err[0] = 0;
			rc = CD_OK;
		} else if (rc == CD_OK) {
			note(ev, CONNECT_SCAN_INFO, "instance alias '%s' is instance %s", idbuf, inst->id);
			snprintf(inst->alias, sizeof inst->alias, "%s", idbuf);
			found = true;
		}
	}
	/* Before anything is written for it (the cache file), the instance must exist: a wrong
	 * id, a wrong Region or refused credentials leave nothing behind. One SearchUsers call
	 * for one user; ListInstances has found it already when an alias was given. */
	if (rc == CD_OK && !found)
		rc = connect_check_instance(sess, inst->id, err, errlen);
	if (rc == CD_AUTH) {
		char why[512];
		snprintf(why, sizeof why, "%s", err);
		snprintf(err, errlen,
			 "%s -- check the credentials (%s) and that they may call connect:SearchUsers, "
			 "connect:ListUsers and connect:DescribeUser", why, sess->cur.provider);
	}
	if (rc != CD_OK)
		connect_session_close(sess);
	return rc;
}

/* Lists the routing profiles, security profiles and hierarchy groups into the cache, each
 * operation at the rate the scan decided for it (rate/burst[API_NOPS]); a kind that cannot be
 * listed keeps the cache's earlier names (or none: the reports show ids). */
static void list_names(const double *rate, const double *burst,
		       const struct connect_scan_events *ev, struct connect_session *sess,
		       const char *instance_id, struct cache *cache)
{
	struct name_table t;
	names_init(&t);
	for (int k = 0; k < NAME_KINDS; k++) {
		enum api_op op = api_names_op((enum name_kind)k);
		char nerr[512];
		size_t requests = 0;
		enum cd_result r = connect_names_list(sess, instance_id, (enum name_kind)k, rate[op],
						      burst[op], &t, &requests, nerr, sizeof nerr);
		if (r == CD_OK)
			r = cache_names_put(cache, (enum name_kind)k, &t, (double)time(NULL), nerr,
					    sizeof nerr);
		if (r == CD_OK)
			note(ev, CONNECT_SCAN_INFO, "%s names: %zu (%s, %zu request%s)",
			     name_kind_label((enum name_kind)k), t.n[k], api_op_name(op), requests,
			     requests == 1 ? "" : "s");
		else
			note(ev, CONNECT_SCAN_WARN, "%s names not listed (%s%s%s); %s",
			     name_kind_label((enum name_kind)k), nerr,
			     r == CD_AUTH ? ": allow connect:" : "",
			     r == CD_AUTH ? api_op_name(op) : "",
			     k == NAME_SECURITY_PROFILE ? "the evidence leaves them out"
							: "the reports show their ids");
		names_clear(&t, (enum name_kind)k);
	}
	names_release(&t);
}

static void load_names(const struct connect_scan_events *ev, struct cache *cache,
		       struct name_table *t)
{
	char nerr[512];
	if (cache_names_load(cache, t, nerr, sizeof nerr) != CD_OK) {
		note(ev, CONNECT_SCAN_WARN, "%s; the reports show ids", nerr);
		names_release(t);
	}
}

enum cd_result connect_scan(const struct connect_scan_request *rq,
			    const struct connect_scan_events *ev, struct connect_scan_outcome *out,
			    char *err, size_t errlen)
{
	enum cd_result rc;
	struct connect_session sess;
	bool sess_open = false;
	struct cache *cache = NULL;
	char tmpdir[PATH_MAX] = "", cache_path[PATH_MAX] = "";
	struct instance_ref inst;
	struct progress prog = { 0 };
	connect_scan_outcome_init(out);
	err[0] = 0;

	rc = open_session(rq, ev, &inst, &sess, err, errlen);
	if (rc != CD_OK)
		goto out;
	sess_open = true;
	snprintf(out->instance_id, sizeof out->instance_id, "%s", inst.id);
	snprintf(out->region, sizeof out->region, "%s", sess.settings.region);
	/* Named by an alias (neither the id nor an ARN): the reports' header shows it. */
	if (strncmp(rq->instance, "arn:", 4) != 0 && strcmp(inst.id, rq->instance) != 0)
		snprintf(out->alias, sizeof out->alias, "%s", rq->instance);

	/* The store the crawl writes into: the instance's cache, or a throw-away one. */
	if (rq->no_cache)
		rc = temp_cache(tmpdir, sizeof tmpdir, cache_path, sizeof cache_path, err, errlen);
	else if (rq->cache_path)
		snprintf(cache_path, sizeof cache_path, "%s", rq->cache_path);
	else
		rc = cache_default_path(inst.id, cache_path, sizeof cache_path, err, errlen);
	if (rc != CD_OK)
		goto out;
	char cerr[512];
	struct cache_key key = {
		.instance_id = inst.id,
		.region = sess.settings.region,
		.account = inst.account,
		.alias = inst.alias,
	};
	rc = cache_open_key(&cache, cache_path, &key, 0, cerr, sizeof cerr);
	if (rc != CD_OK) {
		snprintf(err, errlen, "%s (use --cache FILE for another file, or --no-cache)", cerr);
		goto out;
	}
	if (!rq->no_cache)
		note(ev, CONNECT_SCAN_INFO, "cache %s", cache_path);
	long long scan_id;
	double wall_start = (double)time(NULL);
	rc = cache_scan_start(cache, wall_start, &scan_id, err, errlen);
	if (rc != CD_OK)
		goto out;

	unsigned attempts = max_attempts(rq, ev);
	prog.ev = ev;
	prog.describe = rq->describe;
	struct crawl_opts co = {
		.instance_id = inst.id,
		.endpoint = sess.settings.endpoint_url,
		.region = sess.settings.region,
		.creds = connect_session_creds,
		.creds_ctx = &sess,
		.cache = cache,
		.scan_id = scan_id,
		.scan_start = wall_start,
		.describe = rq->describe,
		.refresh = rq->refresh,
		.max_age = rq->max_age,
		.adaptive = rq->adaptive,
		.concurrency = rq->concurrency ? rq->concurrency : 32,
		.max_attempts = attempts,
		.stop = rq->stop,
		.progress = on_crawl_event,
		.progress_ctx = &prog,
		.notice = on_crawl_notice,
		.stall_timeout = rq->stall_timeout,
		.seed = (unsigned)rq->seed,
	};
	/* The account's quotas, read before the crawl's first request; --rate wins. */
	struct quota_rates qr = {
		.share = rq->quota_share > 0 ? rq->quota_share : CONNECT_QUOTA_SHARE_DEFAULT,
		.describe = rq->describe,
	};
	for (int i = 0; i < API_NOPS; i++) {
		qr.rate_opt[i] = rq->rate[i];
		qr.burst_opt[i] = rq->burst[i];
		qr.rate_given[i] = rq->rate_given[i];
	}
	char qwarn[1024], qline[1024];
	connect_quotas_decide(&sess, &qr, qwarn, sizeof qwarn, qline, sizeof qline);
	if (qwarn[0])
		note(ev, CONNECT_SCAN_WARN, "%s", qwarn);
	note(ev, CONNECT_SCAN_INFO, "%s", qline);
	for (int i = 0; i < API_NOPS; i++) {
		co.rate[i] = qr.rate[i];
		co.burst[i] = qr.burst[i];
		co.rate_given[i] = qr.capped[i];
	}
	note(ev, CONNECT_SCAN_INFO, "scanning instance %s in %s%s", inst.id, sess.settings.region,
	     rq->describe ? "" : " (names and usernames only: --fields no-email)");

	if (ev && ev->fetching)
		ev->fetching(ev->ctx, true);
	char crawl_err[1536] = "";
	struct crawl_stats *st = &out->stats;
	enum cd_result crc = crawl_run(&co, sess.http, st, crawl_err, sizeof crawl_err);
	if (ev && ev->fetching)
		ev->fetching(ev->ctx, false);
	note_counts(ev, st, rq->describe);
	if (prog.deleted > NAMED_DELETED)
		note(ev, CONNECT_SCAN_INFO, "%zu more users were deleted during the scan (not named)",
		     prog.deleted - NAMED_DELETED);
	if (prog.malformed > NAMED_MALFORMED)
		note(ev, CONNECT_SCAN_WARN,
		     "%zu malformed listing items in all (the first %d named above; those dropped are "
		     "all in failed_users)",
		     prog.malformed, NAMED_MALFORMED);
	if (st->search_done && st->approx_total > (long long)st->searched)
		note(ev, CONNECT_SCAN_WARN,
		     "SearchUsers ended (no NextToken) after %zu users, but its ApproximateTotalCount "
		     "is %lld: the service may have left users out",
		     st->searched, st->approx_total);

	char ferr[512];
	struct cache_scan_counts counts = {
		.searched = st->searched, .listed = st->listed, .described = st->described,
		.skipped = st->searched > st->queued ? st->searched - st->queued : 0,
		.failed = st->failed, .deleted = st->deleted,
	};
	if (cache_scan_finish(cache, scan_id, (double)time(NULL), crc == CD_OK, &counts, ferr,
			      sizeof ferr) != CD_OK)
		note(ev, CONNECT_SCAN_WARN, "%s", ferr);

	if (fatal_before_reports(crc)) {
		if (crc == CD_AUTH)
			snprintf(err, errlen,
				 "%s -- check the credentials (%s) and that they may call "
				 "connect:SearchUsers, connect:ListUsers and connect:DescribeUser",
				 crawl_err, sess.cur.provider);
		else
			snprintf(err, errlen, "%s", crawl_err);
		rc = crc;
		goto out;
	}
	if (crc == CD_INTERRUPTED)
		/* Stopped by a signal: like a network failure, what arrived is reported (partial,
		 * exit 3) and a new run resumes from the cache. */
		note(ev, CONNECT_SCAN_WARN, "interrupted: %zu users described so far are kept in the cache%s",
		     st->described,
		     rq->no_cache ? " (but --no-cache was given: they are discarded after the reports)"
				  : "; run the same command again to continue where it stopped");
	if (crc != CD_OK && crc != CD_INTERRUPTED)
		note(ev, CONNECT_SCAN_ERROR, "%s", crawl_err[0] ? crawl_err : result_name(crc));
	if (crc == CD_NETWORK && !rq->no_cache)
		note(ev, CONNECT_SCAN_WARN,
		     "what was fetched is in the cache; run the same command again to resume");

	/* The names the reports show instead of ids (connect/names.c): never a reason to fail. */
	if (crc != CD_NETWORK)
		list_names(qr.rate, qr.burst, ev, &sess, inst.id, cache);
	load_names(ev, cache, &out->names);

	rc = cache_load_users(cache, &out->users, NULL, err, errlen);
	if (rc != CD_OK)
		goto out;
	if (crc != CD_OK && out->users.n == 0) {
		/* Nothing arrived at all: empty "partial" reports would only mislead. */
		if (crc == CD_INTERRUPTED) /* the others were said by the note above */
			snprintf(err, errlen, "interrupted before any user was fetched: no reports "
				 "written");
		rc = crc;
		goto out;
	}
	/* Users missing from the reports: failures recorded in the cache (and, for a scan that
	 * did not finish, users never described). */
	rc = rq->describe && crc != CD_OK
		     ? cache_list_missing(cache, &out->missing, &out->nmissing, err, errlen)
		     : cache_list_failures(cache, &out->missing, &out->nmissing, err, errlen);
	if (rc == CD_OK)
		rc = merge_missing(out, &prog, err, errlen);
	if (rc != CD_OK)
		goto out;
	if (out->nmissing)
		note(ev, CONNECT_SCAN_WARN,
		     "%zu user(s) could not be fetched; the reports are partial and list them",
		     out->nmissing);
	snprintf(out->source, sizeof out->source, "instance %s in %s, %zu users", inst.id,
		 sess.settings.region, out->users.n);
	out->fetch = crc;
	out->partial = out->nmissing > 0 || crc != CD_OK;
out:
	cache_failures_release(prog.extra, prog.nextra);
	cache_close(cache);
	if (tmpdir[0]) {
		char rerr[256];
		cache_remove(cache_path, rerr, sizeof rerr);
		rmdir(tmpdir);
	}
	if (sess_open)
		connect_session_close(&sess);
	if (rc != CD_OK) {
		struct crawl_stats keep = out->stats;
		connect_scan_outcome_release(out);
		out->stats = keep;
	}
	return rc;
}
