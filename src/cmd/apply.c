/* apply.c -- `connect-dupes apply PLAN`: a dry run unless --no-dry-run and a typed confirmation. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "act/apply.h"
#include "act/journal.h"
#include "act/live.h"
#include "act/plan.h"
#include "cmd/act_common.h"
#include "cmd/commands.h"
#include "cmd/common.h"
#include "log.h"
#include "report/output.h"

enum {
	APPLY_ID_CONFIRM = 1,
	APPLY_ID_KEEP_QC,
	APPLY_ID_NO_DRY_RUN,
};

static const struct cli_opt apply_opts[] = {
	{ "confirm", 0, "ALIAS_OR_ID", APPLY_ID_CONFIRM,
	  "the instance alias (or Id when it has none): confirms --no-dry-run without a terminal" },
	ACT_OPT_ENDPOINT,
	{ "keep-quick-connects", 0, NULL, APPLY_ID_KEEP_QC,
	  "do not delete the quick connects that point at a deleted user" },
	{ "no-dry-run", 0, NULL, APPLY_ID_NO_DRY_RUN, "really delete (default: a dry run, no write request at all)" },
	{ "output-dir", 'o', "DIR", CMD_ID_OUTPUT_DIR, "folder of apply_<ts>.log (default: the plan's folder)" },
	ACT_OPT_PROFILE,
	CMD_OPT_QUIET,
	ACT_OPT_RATE,
	{ "region", 0, "REGION", ACT_ID_REGION,
	  "AWS region (default from the AWS settings, never from the plan: it must be the plan's)" },
	CMD_OPT_VERBOSE,
};

struct apply_args {
	struct pipeline_opts report; /* -o, -q, -v */
	struct act_conn conn;
	const char *confirm;
	bool keep_qc, no_dry_run;
};

static enum cd_result apply_opt(void *ctx, int id, const char *arg, char *err, size_t errlen)
{
	struct apply_args *a = ctx;
	switch (id) {
	case APPLY_ID_CONFIRM: a->confirm = arg; return CD_OK;
	case APPLY_ID_KEEP_QC: a->keep_qc = true; return CD_OK;
	case APPLY_ID_NO_DRY_RUN: a->no_dry_run = true; return CD_OK;
	}
	enum cd_result r = act_conn_opt(&a->conn, id, arg, err, errlen);
	if (r != CD_NOT_FOUND)
		return r;
	r = cmd_report_opt(&a->report, id, arg, err, errlen);
	if (r == CD_NOT_FOUND) {
		snprintf(err, errlen, "internal: unhandled option id %d", id);
		r = CD_INTERNAL;
	}
	return r;
}

static volatile sig_atomic_t apply_stop;

static void on_signal(int sig)
{
	(void)sig;
	apply_stop = 1;
	/* a second Ctrl-C is the default action; the journal makes that safe too */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
}

struct listing {
	char **lines;
	size_t n;
};

static void remember(struct listing *l, const char *id, const char *name, const char *why)
{
	char line[700];
	snprintf(line, sizeof line, "  %s (%s): %s", id, name, why);
	char **v = realloc(l->lines, (l->n + 1) * sizeof *v);
	if (!v)
		return;
	l->lines = v;
	if ((v[l->n] = strdup(line)))
		l->n++;
}

struct event_ctx {
	bool dry_run;
	struct listing skipped; /* skipped, changed, refused, failed: listed at the end */
};

static void on_event(void *vctx, const char *kind, const char *id, const char *username,
		     enum apply_outcome o, const char *detail)
{
	struct event_ctx *c = vctx;
	const char *what = apply_outcome_name(o);
	enum log_level lv = o == APPLY_FAILED ? LOG_ERROR
			    : o == APPLY_CHANGED || o == APPLY_REFUSED ? LOG_WARN : LOG_INFO;
	log_msg(lv, "%s%s %s%s%s%s: %s%s%s", c->dry_run ? "[dry run] " : "", kind, id,
		*username ? " (" : "", username, *username ? ")" : "", what, *detail ? " -- " : "",
		detail);
	if (!strcmp(kind, "user") &&
	    (o == APPLY_SKIPPED || o == APPLY_CHANGED || o == APPLY_REFUSED || o == APPLY_FAILED))
		remember(&c->skipped, id, username, what);
}

/* PLAN.journal, next to the plan. */
static enum cd_result journal_path(const char *plan, char *out, size_t outlen)
{
	int n = snprintf(out, outlen, "%s.journal", plan);
	if (n < 0 || (size_t)n >= outlen) {
		log_error("plan path '%s' is too long", plan);
		return CD_USAGE;
	}
	return CD_OK;
}

static enum cd_result apply_run_cmd(int argc, char **argv)
{
	enum cd_result rc;
	char err[1024], warn[512], *pos[1];
	bool help = false, sess_open = false, handlers = false;
	size_t npos = 0;
	struct apply_args a;
	struct plan plan;
	struct connect_session sess;
	struct api_instance info;
	struct journal *journal = NULL;
	struct event_ctx ev = { 0 };
	struct sigaction old_int, old_term;
	memset(&a, 0, sizeof a);
	memset(&plan, 0, sizeof plan);
	cmd_report_opts_init(&a.report);
	rc = cmd_parse(&cmd_apply, argc, argv, apply_opt, &a, pos, 1, &npos, &help);
	if (rc != CD_OK || help)
		goto out;
	cmd_report_opts_apply(&a.report);
	if (npos != 1) {
		log_error("give the plan file: connect-dupes apply PLAN (try --help)");
		rc = CD_USAGE;
		goto out;
	}
	bool dry = !a.no_dry_run;
	ev.dry_run = dry;
	if (dry && a.confirm)
		log_warn("--confirm has no effect without --no-dry-run: this is a dry run");
	if ((rc = plan_load(pos[0], &plan, err, sizeof err)) != CD_OK) {
		log_error("%s", err);
		goto out;
	}
	/* The confirmation is checked against the plan before anything else, and again against
	 * the live instance below: no terminal and no --confirm means nothing at all is done. */
	const char *plan_name = plan.inst.alias[0] ? plan.inst.alias : plan.inst.id;
	if (!dry && a.confirm && strcmp(a.confirm, plan_name)) {
		log_error("--confirm '%s' does not match the plan's instance '%s': nothing was done",
			  a.confirm, plan_name);
		rc = CD_USAGE;
		goto out;
	}
	if (!dry && !a.confirm && !isatty(STDIN_FILENO)) {
		log_error("--no-dry-run without a terminal needs --confirm %s: nothing was done",
			  plan_name);
		rc = CD_USAGE;
		goto out;
	}
	/* The log: apply_<ts>.log in -o DIR, or next to the plan. */
	char plandir[PATH_MAX], ts[16], logpath[PATH_MAX + 64];
	snprintf(plandir, sizeof plandir, "%s", pos[0]);
	const char *dir = a.report.output_dir ? a.report.output_dir : dirname(plandir);
	output_timestamp(time(NULL), ts);
	if ((rc = output_prepare_dir(dir, warn, sizeof warn, err, sizeof err)) != CD_OK) {
		log_error("%s", err);
		goto out;
	}
	/* a rerun in the same second (after a kill) must not replace the killed run's log */
	snprintf(logpath, sizeof logpath, "%s/apply_%s.log", dir, ts);
	for (int n = 2; n < 100 && access(logpath, F_OK) == 0; n++)
		snprintf(logpath, sizeof logpath, "%s/apply_%s_%d.log", dir, ts, n);
	if ((rc = log_open_file(logpath, LOG_DEBUG, err, sizeof err)) != CD_OK) {
		log_error("%s", err);
		goto out;
	}
	log_info("%s of plan '%s' (created %s): instance %s ('%s') in %s", dry ? "dry run" : "apply",
		 pos[0], plan.created, plan.inst.id, plan.inst.alias, plan.inst.region);

	if ((rc = act_open(&a.conn, plan.inst.id, NULL, &sess, &info)) != CD_OK)
		goto out;
	sess_open = true;
	char acct_plan[32], acct_live[32];
	plan_arn_account(plan.inst.arn, acct_plan, sizeof acct_plan);
	plan_arn_account(info.arn, acct_live, sizeof acct_live);
	if (strcmp(sess.settings.region, plan.inst.region)) {
		log_error("the plan is for region %s, these settings are for %s: nothing was done",
			  plan.inst.region, sess.settings.region);
		rc = CD_USAGE;
		goto out;
	}
	if (strcmp(acct_plan, acct_live)) {
		log_error("the plan is for account %s, these credentials are for %s: nothing was done",
			  acct_plan[0] ? acct_plan : "?", acct_live[0] ? acct_live : "?");
		rc = CD_USAGE;
		goto out;
	}
	if (!dry) {
		char what[512];
		snprintf(what, sizeof what, "This deletes the users of plan '%s' in instance %s "
					    "(%s), account %s, region %s. Deletion is final.",
			 pos[0], info.id, info.alias, acct_live, sess.settings.region);
		if ((rc = act_confirm(a.confirm, act_confirm_name(&info), what)) != CD_OK)
			goto out;
		char jpath[PATH_MAX + 16];
		if ((rc = journal_path(pos[0], jpath, sizeof jpath)) != CD_OK)
			goto out;
		if ((rc = journal_open(jpath, info.id, &journal, err, sizeof err)) != CD_OK) {
			log_error("%s", err);
			goto out;
		}
		if (journal_done_count(journal))
			log_info("journal '%s': %zu deletions finished by an earlier run; continuing",
				 jpath, journal_done_count(journal));
	}
	struct act_live live;
	act_live_init(&live, &sess, info.id, a.conn.rate);
	/* a dry run is handed read operations only */
	struct apply_ops ops = act_live_apply_ops(&live, !dry);
	struct apply_opts ao = { .dry_run = dry, .keep_quick_connects = a.keep_qc,
				 .journal = journal, .stop = &apply_stop, .event = on_event,
				 .event_ctx = &ev };
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	apply_stop = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	handlers = true;
	struct apply_summary s;
	rc = apply_run(&plan, &ops, &ao, &s, err, sizeof err);
	if (dry)
		log_info("dry run: %zu users would be deleted, %zu already gone; %zu quick connects "
			 "would be deleted; nothing was changed (run again with --no-dry-run)",
			 s.users_would_delete, s.users_gone, s.qcs_would_delete);
	else
		log_info("deleted %zu users (%zu by an earlier run), %zu already gone; %zu quick "
			 "connects deleted, %zu already gone%s", s.users_deleted + s.users_done_before,
			 s.users_done_before, s.users_gone, s.qcs_deleted, s.qcs_gone,
			 a.keep_qc ? " (--keep-quick-connects)" : "");
	if (s.qcs_failed)
		log_warn("%zu quick connects could not be deleted (see the log)", s.qcs_failed);
	if (ev.skipped.n) {
		log_warn("%zu account(s) skipped or failed:", ev.skipped.n);
		for (size_t i = 0; i < ev.skipped.n; i++)
			log_warn("%s", ev.skipped.lines[i]);
	}
	if (rc == CD_INTERRUPTED)
		log_warn("interrupted: what finished is in the journal; run the same command again "
			 "to continue");
	else if (rc != CD_OK && rc != CD_INCOMPLETE)
		log_error("%s", err);
out:
	if (handlers) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
	}
	for (size_t i = 0; i < ev.skipped.n; i++)
		free(ev.skipped.lines[i]);
	free(ev.skipped.lines);
	journal_close(journal);
	plan_release(&plan);
	if (sess_open)
		connect_session_close(&sess);
	log_close_file();
	return rc;
}

const struct cli_cmd cmd_apply = {
	.name = "apply",
	.synopsis = "PLAN [--no-dry-run] [--confirm ALIAS_OR_ID] [--keep-quick-connects]",
	.summary = "carry out a reviewed plan (a dry run unless --no-dry-run)",
	.description =
		"Reads a remediation_plan_<ts>.json. By default a dry run: reads only, prints what\n"
		"it would do. With --no-dry-run, after the instance alias (or Id) is typed on the\n"
		"terminal or given with --confirm: for each entry not marked \"skip\", DescribeUser\n"
		"first (changed since the plan: skipped; gone: already deleted), then DeleteUser and\n"
		"DeleteQuickConnect for the quick connects that point at it. Never touches a\n"
		"cluster's account to keep. A journal (PLAN.journal) lets a rerun after a crash or\n"
		"Ctrl-C continue without repeating or skipping anything; apply_<ts>.log records\n"
		"every action. The plan's instance, region and account must be the credentials'.\n"
		"Exit status: 0 every entry deleted or already gone, 2 refused (nothing done),\n"
		"3 some skipped or failed (listed) or interrupted, 4 authentication or permission\n"
		"error, 5 local I/O error.",
	.opts = apply_opts,
	.nopts = CLI_ARRAY_LEN(apply_opts),
	.run = apply_run_cmd,
	.exits = CLI_EXIT(0) | CLI_EXIT(2) | CLI_EXIT(3) | CLI_EXIT(4) | CLI_EXIT(5),
};
