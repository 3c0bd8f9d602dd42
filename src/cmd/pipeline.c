/* pipeline.c -- the stages from a user set to the reports: folder, log, detection, writers, summary. */
#include "cmd/pipeline.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "detect/cluster.h"
#include "jsonw.h"
#include "log.h"
#include "outfile.h"
#include "detect/notdup.h"
#include "report/clusters_csv.h"
#include "report/csv.h"
#include "report/groups.h"
#include "report/json.h"
#include "report/output.h"
#include "report/model.h"
#include "report/summary.h"

#define PIPE_MAX_FILES 16

struct report_queue;
struct rules_job;

/* Everything the stages share. A new stage adds its state here and a row to `stages`. */
struct run {
	const struct user_set *users;
	const struct pipeline_opts *o;
	const struct scan_facts *facts;
	const char *dir;
	char ts[16];
	struct rule_pairs pairs;
	struct match_result match;         /* detection beyond exact matches (stage_match) */
	struct cluster_set clusters;
	char files[PIPE_MAX_FILES][64];   /* names written, for the summary */
	const char *file_ptrs[PIPE_MAX_FILES];
	size_t nfiles;
	bool log_open;
	struct report_queue *writers;      /* started after stage_prepare (stage_reports) */
	struct rules_job *rules;           /* the classic rules (stage_detect, stage_match) */
	/* The instance as the users' ARNs name it (arn_instance): "" none, "(several)" mixed. */
	char arn_id[128], arn_region[64], arn_account[64];
	struct notdup *notdup;             /* --not-duplicates: reviewed pairs never joined */
};

/* One ARN field into out: the first value seen, "(several)" once another differs. */
static void arn_field(char *out, size_t cap, const char *v, size_t n, bool first)
{
	if (first) {
		snprintf(out, cap, "%.*s", (int)n, v);
	} else if (out[0] != '(' && (strlen(out) != n || memcmp(out, v, n) != 0)) {
		snprintf(out, cap, "(several)");
	}
}

/* Reads the instance id, Region and account out of the users' ARNs,
 * arn:PARTITION:connect:REGION:ACCOUNT:instance/ID/agent/UID, for the reports' headers when the
 * source does not say (an export file). Users without an ARN are passed over. */
static void arn_instance(struct run *r)
{
	bool first = true;
	for (size_t i = 0; i < r->users->n; i++) {
		const char *a = r->users->v[i].arn, *f[6];
		size_t k = 0;
		f[k++] = a;
		for (const char *p = a; *p && k < 6; p++)
			if (*p == ':')
				f[k++] = p + 1;
		if (k < 6 || strncmp(a, "arn:", 4) != 0 || strncmp(f[2], "connect:", 8) != 0 ||
		    strncmp(f[5], "instance/", 9) != 0)
			continue;
		const char *id = f[5] + 9;
		arn_field(r->arn_region, sizeof r->arn_region, f[3], (size_t)(f[4] - f[3] - 1), first);
		arn_field(r->arn_account, sizeof r->arn_account, f[4], (size_t)(f[5] - f[4] - 1), first);
		arn_field(r->arn_id, sizeof r->arn_id, id, strcspn(id, "/"), first);
		first = false;
	}
}

static const char *known(const char *given, const char *derived)
{
	return given && *given ? given : derived;
}

static void write_users_csv(FILE *f, const struct run *r)
{
	csv_write_users(f, r->users, r->o->csv_raw);
}

static void write_users_json(FILE *f, const struct run *r)
{
	report_json_users(f, r->users);
}

static void write_pairs_csv(FILE *f, const struct run *r)
{
	csv_write_pairs(f, r->users, &r->pairs, r->o->csv_raw);
}

static void write_pairs_json(FILE *f, const struct run *r)
{
	report_json_pairs(f, r->users, &r->pairs);
}

static bool partial(const struct run *r);

static void groups_facts_of(const struct run *r, struct groups_facts *g)
{
	g->users = r->users;
	g->classic = &r->pairs;
	g->match = &r->match;
	g->clusters = &r->clusters;
	g->opts = &r->o->match;
	g->ts = r->ts;
	g->partial = partial(r);
	g->nfailed = r->facts ? r->facts->nfailed : 0;
	const struct scan_facts *f = r->facts;
	static const char *const origin[] = { "files", "cache", "scan" };
	g->inst.id = known(f ? f->instance_id : NULL, r->arn_id);
	g->inst.alias = known(f ? f->instance_alias : NULL, "");
	g->inst.region = known(f ? f->region : NULL, r->arn_region);
	g->inst.account = known(f ? f->account : NULL, r->arn_account);
	g->inst.origin = origin[f && f->origin <= SCAN_ORIGIN_SCAN ? f->origin : SCAN_ORIGIN_FILES];
	g->inst.source = known(f ? f->source : NULL, "");
	g->names = f ? f->names : NULL;
	unsigned formats = r->o->formats ? r->o->formats : PIPE_FMT_CSV | PIPE_FMT_JSON;
	g->csv = formats & PIPE_FMT_CSV;
	g->json = formats & PIPE_FMT_JSON;
}

static void write_groups_json(FILE *f, const struct run *r)
{
	struct groups_facts g;
	groups_facts_of(r, &g);
	report_groups_json(f, &g);
}

static void write_possible_csv(FILE *f, const struct run *r)
{
	struct groups_facts g;
	groups_facts_of(r, &g);
	report_possible_csv(f, &g, r->o->csv_raw);
}

static void write_clusters_csv(FILE *f, const struct run *r)
{
	struct groups_facts g;
	groups_facts_of(r, &g);
	report_clusters_csv(f, &g, r->o->csv_raw);
}

static void write_model_json(FILE *f, const struct run *r)
{
	report_model_json(f, &r->match, &r->o->match, r->users->n, r->ts);
}

static void write_html(FILE *f, const struct run *r)
{
	struct groups_facts g;
	groups_facts_of(r, &g);
	report_html(f, &g);
}

static void write_failed_csv(FILE *f, const struct run *r)
{
	static const char *const head[] = { "User_ID", "Operation", "Error" };
	csv_row(f, head, 3, true);
	for (size_t i = 0; i < r->facts->nfailed; i++) {
		const struct scan_failure *x = &r->facts->failed[i];
		const char *cells[] = { x->id ? x->id : "", x->operation ? x->operation : "",
					x->error ? x->error : "" };
		csv_row(f, cells, 3, r->o->csv_raw);
	}
}

/* When a report can be written: the writers start on each as soon as what it reads is done. */
enum report_needs {
	NEEDS_USERS,   /* the users only: written while the detection runs (side_work) */
	NEEDS_CLASSIC, /* the classic pairs: written once the rules are done (rules_thread) */
	NEEDS_ALL,     /* the matching too: written after it */
	NEEDS_COUNT
};

/* The report files, in the order they are written. `only_partial` files exist only when the
 * source could not read every user. */
static const struct report {
	const char *prefix, *ext;
	unsigned format;
	bool only_partial;
	bool needs_match;   /* written only when --match is not classic */
	enum report_needs needs; /* what must be done before it is written */
	void (*write)(FILE *f, const struct run *r);
} reports[] = {
	{ "all_users", "csv", PIPE_FMT_CSV, false, false, NEEDS_USERS, write_users_csv },
	{ "all_users", "json", PIPE_FMT_JSON, false, false, NEEDS_USERS, write_users_json },
	{ "duplicate_users", "csv", PIPE_FMT_CSV, false, false, NEEDS_CLASSIC, write_pairs_csv },
	{ "duplicate_users", "json", PIPE_FMT_JSON, false, false, NEEDS_CLASSIC, write_pairs_json },
	{ "duplicate_groups", "json", PIPE_FMT_JSON, false, true, NEEDS_ALL, write_groups_json },
	{ "possible_duplicates", "csv", PIPE_FMT_CSV, false, true, NEEDS_ALL, write_possible_csv },
	{ "duplicate_clusters", "csv", PIPE_FMT_CSV, false, true, NEEDS_ALL, write_clusters_csv },
	{ "report", "html", PIPE_FMT_HTML, false, false, NEEDS_ALL, write_html },
	{ "model", "json", PIPE_FMT_JSON, false, true, NEEDS_ALL, write_model_json },
	{ "failed_users", "csv", PIPE_FMT_CSV | PIPE_FMT_JSON | PIPE_FMT_HTML, true, false,
	  NEEDS_USERS, write_failed_csv },
};

static bool partial(const struct run *r)
{
	return r->facts && r->facts->partial;
}

/* Claims the run's time stamp in the folder by creating its log file exclusively. Every file
 * of a run carries the stamp, so a second run started in the same second (a loop, two cron
 * jobs) would replace the first one's reports; it waits for the next second instead. */
static enum cd_result claim_stamp(struct run *r, char *path, size_t cap)
{
	for (int tries = 0;; tries++) {
		snprintf(path, cap, "%s/scan_log_%s.log", r->dir, r->ts);
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0) {
			close(fd);
			return CD_OK;
		}
		if (errno != EEXIST || tries == 10) {
			log_error("cannot create '%s': %s", path, strerror(errno));
			return CD_IO;
		}
		struct timespec now;
		clock_gettime(CLOCK_REALTIME, &now);
		char ts[16];
		output_timestamp(now.tv_sec, ts);
		if (strcmp(ts, r->ts) == 0) {
			/* sleep into the next second and take that second, whatever a coarser
			 * clock would say just after waking */
			struct timespec rest = { 0, 1000000000L - now.tv_nsec };
			if (rest.tv_nsec >= 1000000000L)
				rest.tv_nsec = 999999999L;
			nanosleep(&rest, NULL);
			output_timestamp(now.tv_sec + 1, ts);
		}
		memcpy(r->ts, ts, sizeof r->ts);
	}
}

static enum cd_result stage_prepare(struct run *r)
{
	char err[512], warn[512], path[PATH_MAX + 64];
	enum cd_result rc = output_prepare_dir(r->dir, warn, sizeof warn, err, sizeof err);
	if (rc != CD_OK) {
		log_error("%s", err);
		return rc;
	}
	if ((rc = claim_stamp(r, path, sizeof path)) != CD_OK)
		return rc;
	if ((rc = log_open_file(path, LOG_DEBUG, err, sizeof err)) != CD_OK) {
		log_error("%s", err);
		return rc;
	}
	r->log_open = true;
	snprintf(r->files[r->nfiles++], sizeof r->files[0], "scan_log_%s.log", r->ts);
	if (warn[0])
		log_warn("%s", warn);
	if (r->facts && r->facts->source)
		log_info("source: %s", r->facts->source);
	if (partial(r)) {
		log_warn("%zu users could not be read: these reports are PARTIAL", r->facts->nfailed);
		for (size_t i = 0; i < r->facts->nfailed; i++) {
			const struct scan_failure *x = &r->facts->failed[i];
			log_msg(i < 20 ? LOG_WARN : LOG_DEBUG, "missing user '%s': %s failed: %s",
				x->id ? x->id : "?", x->operation ? x->operation : "?",
				x->error ? x->error : "?");
		}
		if (r->facts->nfailed > 20)
			log_warn("... and %zu more missing users (all listed in the log file)",
				 r->facts->nfailed - 20);
	}
	return CD_OK;
}

/* The classic rules and the matching only read the users, so with --match they run at the same
 * time: the rules in a thread of their own, the matching in the caller's. The thread starts
 * when the matching's two-thread feature extraction is over (side_work), so on two cores it
 * takes the core the matching's one-thread stages leave free, and is joined in stage_match.
 * Their log lines come out in the same order either way. */
struct rules_job {
	const struct user_set *users;
	struct rule_pairs *pairs;
	const struct notdup *notdup; /* --not-duplicates, or NULL */
	size_t set_aside;            /* classic pairs it took out */
	struct report_queue *writers;
	char err[256];
	enum cd_result rc;
	double secs;
	pthread_t th;
	bool started; /* running or done */
	bool running; /* in its thread, not joined yet */
};

static void reports_may_start(struct report_queue *q, enum report_needs needs);

static void *rules_thread(void *arg)
{
	struct rules_job *j = arg;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	j->rc = rules_find(j->users, j->pairs, j->err, sizeof j->err);
	if (j->rc == CD_OK && j->notdup)
		j->set_aside = notdup_filter_rules(j->notdup, j->users, j->pairs);
	if (j->rc == CD_OK)
		reports_may_start(j->writers, NEEDS_CLASSIC);
	/* The rules' hash tables were freed into this thread's malloc arena, which glibc does
	 * not give back by itself: without this they stay resident through the matching's peak. */
	malloc_trim(0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	j->secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	return NULL;
}

/* Waits for the rules (when they ran in a thread) and logs their outcome. */
static enum cd_result rules_finish(struct run *r)
{
	struct rules_job *j = r->rules;
	if (j->running)
		pthread_join(j->th, NULL);
	j->running = false;
	if (j->rc != CD_OK) {
		log_error("%s", j->err);
		return j->rc;
	}
	if (j->set_aside)
		log_info("%zu classic pair(s) set aside as reviewed not-duplicates", j->set_aside);
	log_debug("classic rules over %zu users: %zu e-mail, %zu username, %zu name pairs in %.3f s",
		  r->users->n, r->pairs.n[RULE_EMAIL], r->pairs.n[RULE_USERNAME],
		  r->pairs.n[RULE_NAME], j->secs);
	return CD_OK;
}

static enum cd_result stage_detect(struct run *r)
{
	struct rules_job *j = r->rules;
	j->users = r->users;
	j->pairs = &r->pairs;
	j->notdup = r->notdup;
	j->writers = r->writers;
	j->rc = CD_INTERNAL;
	j->err[0] = '\0';
	if (r->o->match.mode != MATCH_CLASSIC)
		return CD_OK; /* side_work starts them, stage_match collects them */
	j->started = true;
	rules_thread(j);
	return rules_finish(r);
}

/* What runs beside the matching once it leaves a core free (match_opts.one_core_free): the
 * classic rules and the reports that need the users only (the rules let the classic pairs'
 * reports go when they are done). Before, they ran from the start and
 * made four threads of the feature extraction's two on a two-core machine. Analyze of
 * 1,000,000 users (3 runs alternating with the old order, the shared 2-core machine): wall
 * 18.4-19.0 s against 21.5-23.3 s, features 6.2-6.8 s against 9.8-10.3 s, peak memory
 * 2.14 GB against 2.17 GB; at 100,000 users no change (median of 8: 1.55 s both). Called by
 * the matching, or by stage_match when the matching stopped before (then the rules run
 * here). */
static void side_work(void *arg)
{
	struct run *r = arg;
	struct rules_job *j = r->rules;
	if (!j->started) {
		j->started = true;
		j->running = pthread_create(&j->th, NULL, rules_thread, j) == 0;
		if (!j->running)
			rules_thread(j);
	}
	reports_may_start(r->writers, NEEDS_USERS);
}

/* Detection beyond the classic rules (detect/match, detect/cluster); nothing in classic mode. */
static enum cd_result stage_match(struct run *r)
{
	char err[256];
	struct timespec t0, t1;
	struct match_opts opts = r->o->match;
	const struct match_opts *mo = &opts;
	if (mo->mode == MATCH_CLASSIC)
		return CD_OK;
	opts.one_core_free = side_work;
	opts.one_core_arg = r;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	enum cd_result rc = match_run(r->users, mo, &r->match, err, sizeof err);
	side_work(r); /* a no-op unless the matching stopped before calling it */
	if (rc == CD_OK && r->notdup) {
		size_t gone = notdup_filter_match(r->notdup, r->users, mo, &r->match);
		if (gone)
			log_info("%zu matched pair(s) set aside as reviewed not-duplicates (--not-duplicates)",
				 gone);
	}
	if (rc == CD_OK)
		rc = cluster_build(r->users, &r->match, mo, &r->clusters, err, sizeof err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	enum cd_result rrc = rules_finish(r);
	if (rc != CD_OK) {
		log_error("%s", err);
		return rc;
	}
	if (rrc != CD_OK)
		return rrc;
	const struct match_stats *st = &r->match.stats;
	log_debug("%s matching over %zu users: %zu candidate pairs, %zu duplicate, %zu possible in "
		  "%.3f s", match_mode_name(mo->mode), r->users->n, st->candidates, st->duplicates,
		  st->possible,
		  (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	log_debug("matching stages: %s %.3f s, %s %.3f s, %s %.3f s, %s %.3f s",
		  match_stage_name(MS_FEATURES), st->secs[MS_FEATURES], match_stage_name(MS_BLOCKS),
		  st->secs[MS_BLOCKS], match_stage_name(MS_TYPOS), st->secs[MS_TYPOS],
		  match_stage_name(MS_SCORING), st->secs[MS_SCORING]);
	for (int k = 0; k < MK_COUNT; k++)
		if (st->by_kind[k])
			log_debug("duplicate pairs with %s evidence: %zu", match_kind_name(k),
				  st->by_kind[k]);
	if (st->capped_blocks)
		log_info("note: %zu values shared by too many users to be evidence were not paired "
			 "(largest: %s, %zu users); those users are still compared through their other "
			 "values", st->capped_blocks, st->capped_key, st->capped_users);
	return CD_OK;
}

/* The report files are independent and only read the run, so two threads write them (the
 * machine this is built for has two cores, and a million users make ~1 GB of reports). The
 * helper thread starts right after the folder is prepared and writes the files that need no
 * detection (all_users) while the main thread runs the detection. Every file is written and
 * fsynced under its temporary name first; only when every one of them succeeded are they all
 * renamed into place, so a failed run (a full disk on the last report, a failed detection, a
 * second Ctrl-C) leaves no report under a final name: all or none. */
#define PIPE_WRITERS 2

struct report_job {
	const struct report *rep;
	char name[64];
	char err[PATH_MAX + 128];
	enum cd_result rc;
	struct outfile of;  /* written and synced, not yet renamed */
	bool pending;
};

struct report_queue {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct report_job jobs[sizeof reports / sizeof reports[0]];
	size_t n, next;
	bool may[NEEDS_COUNT]; /* the reports needing only this may be written */
	bool ready;   /* the stages before the reports are done */
	bool go;      /* ... and succeeded: later jobs may start */
	bool failed;  /* a job failed: the others need not be written */
	bool helped;  /* the helper thread runs */
	pthread_t helper;
	const struct run *r;
};

/* Waits until what a report needs is done, or the stages before the reports are over; true
 * when it may be written. */
static bool wait_ready(struct report_queue *q, enum report_needs needs)
{
	pthread_mutex_lock(&q->lock);
	while (!q->ready && !q->may[needs])
		pthread_cond_wait(&q->cond, &q->lock);
	bool go = q->go || q->may[needs];
	pthread_mutex_unlock(&q->lock);
	return go;
}

static void *report_worker(void *arg)
{
	struct report_queue *q = arg;
	for (;;) {
		pthread_mutex_lock(&q->lock);
		struct report_job *j = q->next < q->n && !q->failed ? &q->jobs[q->next++] : NULL;
		pthread_mutex_unlock(&q->lock);
		if (!j)
			break;
		if (!wait_ready(q, j->rep->needs)) {
			j->rc = CD_INTERRUPTED;
			continue;
		}
		char path[PATH_MAX];
		if (snprintf(path, sizeof path, "%s/%s", q->r->dir, j->name) >= (int)sizeof path) {
			snprintf(j->err, sizeof j->err, "output path too long in folder '%.60s'",
				 q->r->dir);
			j->rc = CD_IO;
		} else if ((j->rc = outfile_open(&j->of, path, j->err, sizeof j->err)) == CD_OK) {
			j->rep->write(j->of.f, q->r);
			j->rc = outfile_sync(&j->of, j->err, sizeof j->err);
			if (j->rc != CD_OK)
				outfile_abort(&j->of);
		}
		pthread_mutex_lock(&q->lock);
		if (j->rc == CD_OK)
			j->pending = true;
		else
			q->failed = true;
		pthread_mutex_unlock(&q->lock);
	}
	return NULL;
}

/* Lists the report jobs and starts the helper thread on them (after stage_prepare). */
static void reports_start(struct run *r, struct report_queue *q)
{
	unsigned formats = r->o->formats ? r->o->formats : PIPE_FMT_CSV | PIPE_FMT_JSON;
	q->r = r;
	for (size_t i = 0; i < sizeof reports / sizeof reports[0]; i++) {
		const struct report *rep = &reports[i];
		if (!(rep->format & formats) || (rep->only_partial && !partial(r)) ||
		    (rep->needs_match && r->o->match.mode == MATCH_CLASSIC))
			continue;
		struct report_job *j = &q->jobs[q->n++];
		j->rep = rep;
		j->rc = CD_INTERRUPTED; /* not written (yet) */
		j->err[0] = '\0';
		snprintf(j->name, sizeof j->name, "%s_%s.%s", rep->prefix, r->ts, rep->ext);
	}
	/* Without matching nothing else runs beside the rules: the users' reports go at once. */
	q->may[NEEDS_USERS] = r->o->match.mode == MATCH_CLASSIC;
	q->helped = PIPE_WRITERS > 1 && q->n > 1 &&
		    pthread_create(&q->helper, NULL, report_worker, q) == 0;
}

/* Lets the writers start on the reports that need only `needs`. */
static void reports_may_start(struct report_queue *q, enum report_needs needs)
{
	pthread_mutex_lock(&q->lock);
	q->may[needs] = true;
	pthread_cond_broadcast(&q->cond);
	pthread_mutex_unlock(&q->lock);
}

/* Lets the writers go on (go: the stages before the reports succeeded) or stop. */
static void reports_release(struct report_queue *q, bool go)
{
	pthread_mutex_lock(&q->lock);
	q->ready = true;
	q->go = go;
	pthread_cond_broadcast(&q->cond);
	pthread_mutex_unlock(&q->lock);
}

/* Removes every written temporary (after the writers stopped). */
static void reports_drop(struct report_queue *q)
{
	for (size_t i = 0; i < q->n; i++)
		if (q->jobs[i].pending) {
			outfile_abort(&q->jobs[i].of);
			q->jobs[i].pending = false;
		}
}

/* Stops the writers after a failed stage: nothing of theirs is left in the folder. */
static void reports_cancel(struct report_queue *q)
{
	reports_release(q, false);
	if (q->helped)
		pthread_join(q->helper, NULL);
	q->helped = false;
	reports_drop(q);
}

/* Renames every written report into place; when one rename fails, those already renamed are
 * removed again (all or none). */
static enum cd_result reports_commit(struct report_queue *q)
{
	for (size_t i = 0; i < q->n; i++) {
		struct report_job *j = &q->jobs[i];
		j->pending = false;
		j->rc = outfile_commit(&j->of, j->err, sizeof j->err);
		if (j->rc == CD_OK)
			continue;
		for (size_t k = 0; k < i; k++) {
			unlink(q->jobs[k].of.path);
			q->jobs[k].rc = CD_INTERRUPTED;
		}
		reports_drop(q);
		return j->rc;
	}
	return CD_OK;
}

static enum cd_result stage_reports(struct run *r)
{
	struct report_queue *q = r->writers;
	reports_release(q, true);
	report_worker(q);
	if (q->helped)
		pthread_join(q->helper, NULL);
	q->helped = false;
	enum cd_result rc = CD_OK;
	for (size_t i = 0; i < q->n && rc == CD_OK; i++)
		if (q->jobs[i].rc != CD_OK)
			rc = q->jobs[i].rc;
	if (rc == CD_OK)
		rc = reports_commit(q);
	else
		reports_drop(q);
	/* Reported in table order, whatever order the threads finished in. */
	bool said = false;
	for (size_t i = 0; i < q->n; i++) {
		struct report_job *j = &q->jobs[i];
		if (j->rc != CD_OK) {
			/* One error line: the others usually repeat it (a full disk fails them all),
			 * or were never written because of it. */
			if (j->rc != CD_INTERRUPTED || j->err[0]) {
				log_msg(said ? LOG_DEBUG : LOG_ERROR, "%s",
					j->err[0] ? j->err : "cannot write a report");
				said = true;
			}
			continue;
		}
		log_debug("wrote '%s/%s'", r->dir, j->name);
		if (r->nfiles < PIPE_MAX_FILES)
			snprintf(r->files[r->nfiles++], sizeof r->files[0], "%s", j->name);
	}
	if (rc != CD_OK) {
		if (!said)
			log_error("cannot write the reports in '%s'", r->dir);
		log_error("no report was kept in '%s': a run writes all its reports or none",
			  r->dir);
	}
	return rc;
}

/* --output json: the run summary, the stable shape of docs/formats.md ("the run summary"). */
static void summary_json(const struct run *r, const struct summary_facts *s)
{
	static const char *const key[RULE_COUNT] = { "same_email", "same_username", "same_name" };
	struct jsonw w;
	size_t total = 0;
	jsonw_init(&w, stdout);
	jsonw_object(&w, NULL);
	jsonw_uint(&w, "users", s->users);
	jsonw_bool(&w, "partial", s->partial);
	jsonw_uint(&w, "missing", s->nfailed);
	jsonw_str(&w, "match", match_mode_name(r->o->match.mode));
	if (s->mode) {
		jsonw_num(&w, "threshold", r->o->match.threshold);
		jsonw_uint(&w, "removable_accounts", summary_removable(s));
		jsonw_uint(&w, "clusters", s->clusters);
		jsonw_uint(&w, "accounts_in_clusters", s->in_clusters);
		jsonw_uint(&w, "possible_pairs", s->possible);
	} else {
		jsonw_null(&w, "threshold");
		jsonw_null(&w, "removable_accounts");
		jsonw_null(&w, "clusters");
		jsonw_null(&w, "accounts_in_clusters");
		jsonw_null(&w, "possible_pairs");
	}
	jsonw_object(&w, "classic_pairs");
	for (int k = 0; k < RULE_COUNT; k++)
		total += s->pairs[k];
	jsonw_uint(&w, "total", total);
	for (int k = 0; k < RULE_COUNT; k++)
		jsonw_uint(&w, key[k], s->pairs[k]);
	jsonw_end(&w);
	jsonw_str(&w, "source", r->facts && r->facts->source ? r->facts->source : NULL);
	jsonw_str(&w, "output_dir", s->dir);
	jsonw_array(&w, "files");
	for (size_t i = 0; i < s->nfiles; i++)
		jsonw_str(&w, NULL, s->files[i]);
	jsonw_end(&w);
	jsonw_finish(&w);
}

static void summary_table(const struct summary_facts *s)
{
	char v[8][64];
	size_t total = 0;
	for (int k = 0; k < RULE_COUNT; k++)
		total += s->pairs[k];
	snprintf(v[0], sizeof v[0], "%zu%s", s->users, s->partial ? " (partial)" : "");
	snprintf(v[1], sizeof v[1], "%zu", summary_removable(s));
	snprintf(v[2], sizeof v[2], "%zu", s->clusters);
	snprintf(v[3], sizeof v[3], "%zu", s->in_clusters);
	snprintf(v[4], sizeof v[4], "%zu", total);
	snprintf(v[5], sizeof v[5], "%zu", s->possible);
	const char *cells[] = {
		"users analysed", v[0],
		"accounts that could be removed", s->mode ? v[1] : "-",
		"clusters of duplicate accounts", s->mode ? v[2] : "-",
		"accounts in clusters", s->mode ? v[3] : "-",
		"classic pairs (earlier tools' rules)", v[4],
		"possible pairs to review", s->mode ? v[5] : "-",
		"reports in", s->dir,
	};
	cli_print_table(stdout, "summary", false, 2, cells, CLI_ARRAY_LEN(cells));
}

static enum cd_result stage_summary(struct run *r)
{
	struct buf b = BUF_INIT(1 << 16);
	bool matched = r->o->match.mode != MATCH_CLASSIC;
	struct summary_facts s = {
		.users = r->users->n,
		.mode = matched ? match_mode_name(r->o->match.mode) : NULL,
		.clusters = matched ? r->clusters.n : 0,
		.in_clusters = matched ? r->clusters.users_in_clusters : 0,
		.possible = matched ? r->match.stats.possible : 0,
		.dir = r->dir,
		.files = r->file_ptrs,
		.nfiles = r->nfiles,
		.partial = partial(r),
		.nfailed = r->facts ? r->facts->nfailed : 0,
	};
	for (size_t i = 0; i < r->nfiles; i++)
		r->file_ptrs[i] = r->files[i];
	for (int k = 0; k < RULE_COUNT; k++)
		s.pairs[k] = r->pairs.n[k];
	enum cd_result rc = summary_format(&b, &s);
	/* One log line per summary line, so each gets its time stamp in the log file. With
	 * --output json or table the summary is on standard output, so the terminal does not get
	 * it twice (the log file still does). */
	enum log_level level = r->o->output == CLI_OUTPUT_TEXT ? LOG_INFO : LOG_DEBUG;
	for (const char *line = buf_str(&b); rc == CD_OK && *line;) {
		size_t n = strcspn(line, "\n");
		log_msg(level, "%.*s", (int)n, line);
		line += n + (line[n] == '\n');
	}
	if (rc == CD_OK && r->o->match.mode != MATCH_CLASSIC) {
		buf_reset(&b);
		if (report_model_line(&b, &r->match) == CD_OK)
			log_msg(level, "%s", buf_str(&b));
	}
	if (rc == CD_OK && r->o->output == CLI_OUTPUT_JSON)
		summary_json(r, &s);
	else if (rc == CD_OK && r->o->output == CLI_OUTPUT_TABLE)
		summary_table(&s);
	if (rc == CD_OK && r->o->output != CLI_OUTPUT_TEXT &&
	    (fflush(stdout) != 0 || ferror(stdout))) {
		log_error("cannot write the summary to standard output");
		rc = CD_IO;
	}
	buf_release(&b);
	return rc;
}

static const struct stage {
	const char *name;
	enum cd_result (*fn)(struct run *r);
} stages[] = {
	{ "prepare", stage_prepare },
	{ "detect", stage_detect },
	{ "match", stage_match },
	{ "reports", stage_reports },
	{ "summary", stage_summary },
};

enum cd_result pipeline_run(const struct user_set *users, const struct pipeline_opts *o,
			    const struct scan_facts *facts, struct pipeline_result *res)
{
	enum cd_result rc = CD_OK;
	struct run r;
	memset(&r, 0, sizeof r);
	r.users = users;
	r.o = o;
	r.facts = facts;
	arn_instance(&r);
	r.dir = o->output_dir && *o->output_dir ? o->output_dir : OUTPUT_DEFAULT_DIR;
	output_timestamp(time(NULL), r.ts);
	struct report_queue *q = calloc(1, sizeof *q);
	if (!q) {
		log_error("out of memory");
		return CD_NOMEM;
	}
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->cond, NULL);
	r.writers = q;
	struct rules_job rules;
	memset(&rules, 0, sizeof rules);
	r.rules = &rules;
	if (o->not_duplicates) {
		char nerr[PATH_MAX + 300];
		rc = notdup_load(o->not_duplicates, &r.notdup, nerr, sizeof nerr);
		if (rc != CD_OK)
			log_error("%s", nerr);
		else
			log_info("%zu reviewed pair(s) are not duplicates ('%s')",
				 notdup_count(r.notdup), o->not_duplicates);
	}
	for (size_t i = 0; i < sizeof stages / sizeof stages[0] && rc == CD_OK; i++) {
		rc = stages[i].fn(&r);
		if (rc != CD_OK)
			log_debug("stage '%s' failed: %s", stages[i].name, result_name(rc));
		else if (stages[i].fn == stage_prepare)
			reports_start(&r, q);
	}
	if (rules.running) /* only when a stage between the two failed */
		pthread_join(rules.th, NULL);
	reports_cancel(q); /* no-op unless a stage before the reports failed */
	pthread_cond_destroy(&q->cond);
	pthread_mutex_destroy(&q->lock);
	free(q);
	/* what counts: the model's clusters; the classic pairs only where the model did not run
	 * (two namesakes with nothing else in common are a classic pair, not a duplicate) */
	size_t total = o->match.mode == MATCH_CLASSIC ?
			       r.pairs.n[RULE_EMAIL] + r.pairs.n[RULE_USERNAME] + r.pairs.n[RULE_NAME] :
			       r.clusters.n;
	if (res) {
		snprintf(res->dir, sizeof res->dir, "%s", r.dir);
		memcpy(res->ts, r.ts, sizeof res->ts);
		for (int k = 0; k < RULE_COUNT; k++)
			res->pairs[k] = r.pairs.n[k];
	}
	if (rc == CD_OK && partial(&r))
		rc = CD_INCOMPLETE;
	else if (rc == CD_OK && o->fail_on_duplicates && total > 0) {
		log_info("exit status 1: duplicates found and --fail-on-duplicates given");
		rc = CD_DUPLICATES;
	}
	rules_release(&r.pairs);
	notdup_free(r.notdup);
	match_result_release(&r.match);
	cluster_set_release(&r.clusters);
	if (r.log_open)
		log_close_file();
	return rc;
}
