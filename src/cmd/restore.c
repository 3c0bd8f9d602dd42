/* restore.c -- `connect-dupes restore BACKUP`: re-create deleted users from a plan's backup (dry run by default). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "act/live.h"
#include "act/plan.h"
#include "act/restore.h"
#include "cmd/act_common.h"
#include "cmd/commands.h"
#include "cmd/common.h"
#include "log.h"

enum {
	RESTORE_ID_CONFIRM = 1,
	RESTORE_ID_NO_DRY_RUN,
	RESTORE_ID_USER,
};

#define RESTORE_MAX_USERS 10000

static const struct cli_opt restore_opts[] = {
	{ "confirm", 0, "ALIAS_OR_ID", RESTORE_ID_CONFIRM,
	  "the instance alias (or Id when it has none): confirms --no-dry-run without a terminal" },
	ACT_OPT_ENDPOINT,
	{ "no-dry-run", 0, NULL, RESTORE_ID_NO_DRY_RUN, "really create the users (default: a dry run)" },
	ACT_OPT_PROFILE,
	CMD_OPT_QUIET,
	ACT_OPT_RATE,
	ACT_OPT_REGION,
	{ "user", 0, "ID", RESTORE_ID_USER, "only the backed-up user with this (old) Id; repeatable" },
	CMD_OPT_VERBOSE,
};

struct restore_args {
	struct pipeline_opts report; /* -q, -v */
	struct act_conn conn;
	const char *confirm;
	bool no_dry_run;
	const char **only;
	size_t nonly;
};

static enum cd_result restore_opt(void *ctx, int id, const char *arg, char *err, size_t errlen)
{
	struct restore_args *a = ctx;
	switch (id) {
	case RESTORE_ID_CONFIRM: a->confirm = arg; return CD_OK;
	case RESTORE_ID_NO_DRY_RUN: a->no_dry_run = true; return CD_OK;
	case RESTORE_ID_USER: {
		if (a->nonly >= RESTORE_MAX_USERS) {
			snprintf(err, errlen, "more than %d --user options", RESTORE_MAX_USERS);
			return CD_USAGE;
		}
		const char **v = realloc(a->only, (a->nonly + 1) * sizeof *v);
		if (!v)
			return CD_NOMEM;
		a->only = v;
		v[a->nonly++] = arg;
		return CD_OK;
	}
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

static void on_event(void *ctx, const char *old_id, const char *username, enum restore_outcome o,
		     const char *new_id, const char *detail)
{
	switch (o) {
	case RESTORE_CREATED:
		log_info("%s (%s) -> %s: re-created", old_id, username, new_id);
		break;
	case RESTORE_PARTIAL:
		log_warn("%s (%s) -> %s: re-created, but its proficiencies were not: %s", old_id,
			 username, new_id, detail);
		break;
	case RESTORE_WOULD_CREATE:
		log_info("[dry run] %s (%s): would be re-created", old_id, username);
		break;
	case RESTORE_EXISTS:
		log_warn("%s (%s): skipped, a user with that Username exists", old_id, username);
		break;
	case RESTORE_FAILED:
		log_error("%s (%s): failed: %s", old_id, username, detail);
		break;
	}
}

static enum cd_result restore_cmd_run(int argc, char **argv)
{
	enum cd_result rc;
	char err[1024], *pos[1];
	bool help = false, sess_open = false;
	size_t npos = 0;
	struct restore_args a;
	struct restore_backup *b = NULL;
	struct connect_session sess;
	struct api_instance info;
	memset(&a, 0, sizeof a);
	cmd_report_opts_init(&a.report);
	rc = cli_parse(restore_opts, CLI_ARRAY_LEN(restore_opts), argc, argv, restore_opt, &a, pos, 1,
		       &npos, &help, err, sizeof err);
	if (rc != CD_OK) {
		log_error("%s (try 'connect-dupes restore --help')", err);
		goto out;
	}
	if (help) {
		cli_print_help(stdout, "connect-dupes", &cmd_restore);
		goto out;
	}
	cmd_report_opts_apply(&a.report);
	if (npos != 1) {
		log_error("give the backup file: connect-dupes restore BACKUP (try --help)");
		rc = CD_USAGE;
		goto out;
	}
	bool dry = !a.no_dry_run;
	if ((rc = restore_load(pos[0], &b, err, sizeof err)) != CD_OK) {
		log_error("%s", err);
		goto out;
	}
	const char *bname = restore_instance_alias(b)[0] ? restore_instance_alias(b)
							  : restore_instance_id(b);
	if (!dry && a.confirm && strcmp(a.confirm, bname)) {
		log_error("--confirm '%s' does not match the backup's instance '%s': nothing was done",
			  a.confirm, bname);
		rc = CD_USAGE;
		goto out;
	}
	if (!dry && !a.confirm && !isatty(STDIN_FILENO)) {
		log_error("--no-dry-run without a terminal needs --confirm %s: nothing was done", bname);
		rc = CD_USAGE;
		goto out;
	}
	if ((rc = act_open(&a.conn, restore_instance_id(b), NULL, &sess, &info)) != CD_OK)
		goto out;
	sess_open = true;
	if (restore_instance_region(b)[0] && strcmp(sess.settings.region, restore_instance_region(b))) {
		log_error("the backup is for region %s, these settings are for %s: nothing was done",
			  restore_instance_region(b), sess.settings.region);
		rc = CD_USAGE;
		goto out;
	}
	char acct_b[32], acct_live[32];
	plan_arn_account(restore_instance_arn(b), acct_b, sizeof acct_b);
	plan_arn_account(info.arn, acct_live, sizeof acct_live);
	if (acct_b[0] && strcmp(acct_b, acct_live)) {
		log_error("the backup is for account %s, these credentials are for %s: nothing was done",
			  acct_b, acct_live[0] ? acct_live : "?");
		rc = CD_USAGE;
		goto out;
	}
	if (!dry) {
		char what[512];
		snprintf(what, sizeof what, "This creates users in instance %s (%s), region %s.",
			 info.id, info.alias, sess.settings.region);
		if ((rc = act_confirm(a.confirm, act_confirm_name(&info), what)) != CD_OK)
			goto out;
	}
	struct act_live live;
	act_live_init(&live, &sess, info.id, a.conn.rate);
	struct restore_ops ops = act_live_restore_ops(&live, !dry);
	struct restore_summary s;
	rc = restore_run(b, a.only, a.nonly, info.id, dry, &ops, on_event, NULL, &s, err, sizeof err);
	if (rc == CD_INPUT || rc == CD_INTERNAL || rc == CD_AUTH || rc == CD_NOMEM)
		log_error("%s", err);
	if (dry)
		log_info("dry run: %zu of %zu selected users would be re-created; nothing was changed "
			 "(run again with --no-dry-run)", s.would_create, s.selected);
	else
		log_info("re-created %zu of %zu selected users", s.created + s.partial, s.selected);
	if ((s.created || s.would_create) && !strcmp(info.identity, "CONNECT_MANAGED"))
		log_warn("instance %s manages its users' passwords: each re-created user needs a new "
			 "password set by an administrator (connect-dupes never invents one)",
			 info.id);
	if (s.created || s.would_create)
		log_info("re-created users get new Ids: quick connects, and anything else that named "
			 "the old Id, must be pointed at the new one (docs/remediation.md)");
out:
	free(a.only);
	restore_free(b);
	if (sess_open)
		connect_session_close(&sess);
	return rc;
}

const struct cli_cmd cmd_restore = {
	.name = "restore",
	.synopsis = "BACKUP [--user ID]... [--no-dry-run] [--confirm ALIAS_OR_ID]",
	.summary = "re-create users deleted by 'apply' from a plan's backup (a dry run unless --no-dry-run)",
	.description =
		"Reads a backup_<ts>.json written by 'plan'. For each backed-up user (or those named\n"
		"with --user OLD_ID): skipped when a user with its Username exists; otherwise\n"
		"CreateUser with the same Username, IdentityInfo, PhoneConfig, RoutingProfileId,\n"
		"SecurityProfileIds, HierarchyGroupId, DirectoryUserId and Tags, then\n"
		"AssociateUserProficiencies. Prints old Id -> new Id. No password is sent, invented\n"
		"or logged: a Connect-managed user needs one set by an administrator.\n"
		"Exit status: 0 all re-created, 2 refused or bad backup, 3 some skipped or failed,\n"
		"4 authentication or permission error, 5 local I/O error.",
	.opts = restore_opts,
	.nopts = CLI_ARRAY_LEN(restore_opts),
	.run = restore_cmd_run,
	.exits = CLI_EXIT(0) | CLI_EXIT(2) | CLI_EXIT(3) | CLI_EXIT(4) | CLI_EXIT(5),
};
