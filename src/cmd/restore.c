/* restore.c -- `connect-dupes restore BACKUP`: re-create deleted users from a plan's backup (dry run by default). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "act/live.h"
#include "act/plan.h"
#include "act/restore.h"
#include "cmd/act_common.h"
#include "connect/api.h"
#include "cmd/commands.h"
#include "cmd/common.h"
#include "log.h"

enum {
	RESTORE_ID_CONFIRM = 1,
	RESTORE_ID_NO_DRY_RUN,
	RESTORE_ID_PASSWORD_FILE,
	RESTORE_ID_USER,
};

#define RESTORE_MAX_USERS 10000
#define RESTORE_PW_MAX 128 /* the service allows 64 characters */

static const struct cli_opt restore_opts[] = {
	{ "confirm", 0, "ALIAS_OR_ID", RESTORE_ID_CONFIRM,
	  "the instance alias (or Id when it has none): confirms --no-dry-run without a terminal" },
	ACT_OPT_ENDPOINT,
	{ "no-dry-run", 0, NULL, RESTORE_ID_NO_DRY_RUN, "really create the users (default: a dry run)" },
	{ "password-file", 0, "FILE", RESTORE_ID_PASSWORD_FILE,
	  "first line: the initial password of re-created users of a Connect-managed instance ('-': standard input; never logged)" },
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
	const char *password_file;
	bool no_dry_run;
	const char **only;
	size_t nonly;
	char pwbuf[RESTORE_PW_MAX]; /* the initial password, wiped before the command returns */
};

static enum cd_result restore_opt(void *ctx, int id, const char *arg, char *err, size_t errlen)
{
	struct restore_args *a = ctx;
	switch (id) {
	case RESTORE_ID_CONFIRM: a->confirm = arg; return CD_OK;
	case RESTORE_ID_NO_DRY_RUN: a->no_dry_run = true; return CD_OK;
	case RESTORE_ID_PASSWORD_FILE: a->password_file = arg; return CD_OK;
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

/* One line from f into pw without its line end; false when there is none or it does not fit. */
static bool read_line(FILE *f, char *pw, size_t cap)
{
	if (!fgets(pw, (int)cap, f))
		return false;
	size_t n = strcspn(pw, "\r\n");
	bool whole = pw[n] != '\0' || feof(f);
	pw[n] = '\0';
	return whole;
}

/* The initial password of the re-created users: the first line of `file` ('-': standard
 * input), or typed twice on the terminal without echo. Never logged, never in a message;
 * the caller wipes pw. */
static enum cd_result read_password(const char *file, char *pw, size_t cap, char *err,
				    size_t errlen)
{
	enum cd_result rc = CD_OK;
	if (file) {
		FILE *f = strcmp(file, "-") ? fopen(file, "r") : stdin;
		if (!f) {
			snprintf(err, errlen, "cannot read '%s': %s", file, strerror(errno));
			return CD_INPUT;
		}
		struct stat st;
		if (f != stdin && fstat(fileno(f), &st) == 0 && (st.st_mode & 077))
			log_warn("'%s' can be read by other users (mode %04o): keep password files 0600",
				 file, (unsigned)(st.st_mode & 07777));
		if (!read_line(f, pw, cap)) {
			snprintf(err, errlen, "'%s' has no password on its first line (or it is longer "
				 "than %zu characters)", file, cap - 2);
			rc = CD_INPUT;
		}
		if (f != stdin)
			fclose(f);
		return rc;
	}
	FILE *tty = fopen("/dev/tty", "r+");
	struct termios old, quiet;
	if (!tty || tcgetattr(fileno(tty), &old) != 0) {
		if (tty)
			fclose(tty);
		snprintf(err, errlen, "no terminal to type the initial password on: give "
			 "--password-file FILE");
		return CD_USAGE;
	}
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	char again[RESTORE_PW_MAX];
	tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
	fputs("Initial password for the re-created users (not shown): ", tty);
	fflush(tty);
	bool ok = read_line(tty, pw, cap);
	fputs("\nAgain: ", tty);
	fflush(tty);
	ok = read_line(tty, again, sizeof again) && ok;
	fputs("\n", tty);
	tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fclose(tty);
	if (!ok || strcmp(pw, again)) {
		snprintf(err, errlen, "the two passwords typed differ: nothing was done");
		rc = CD_USAGE;
	}
	OPENSSL_cleanse(again, sizeof again);
	return rc;
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
	rc = cmd_parse(&cmd_restore, argc, argv, restore_opt, &a, pos, 1, &npos, &help);
	if (rc != CD_OK || help)
		goto out;
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
	/* CreateUser needs a password exactly when Connect manages the users' identities, and
	 * refuses one otherwise (the service model); both are settled before any write. */
	bool managed = !strcmp(info.identity, "CONNECT_MANAGED");
	const char *password = NULL;
	if (!managed && a.password_file) {
		log_error("instance %s's users sign in through %s, so CreateUser takes no password: "
			  "drop --password-file; nothing was done", info.id,
			  info.identity[0] ? info.identity : "its identity provider");
		rc = CD_USAGE;
		goto out;
	}
	if (managed && dry)
		log_info("instance %s manages its users' passwords: --no-dry-run needs an initial "
			 "password (--password-file FILE, or typed on a terminal)", info.id);
	if (managed && !dry) {
		if (!a.password_file && !isatty(STDIN_FILENO)) {
			log_error("instance %s manages its users' passwords and CreateUser needs one: "
				  "give --password-file FILE (its first line); nothing was done",
				  info.id);
			rc = CD_USAGE;
			goto out;
		}
	}
	if (!dry) {
		char what[512];
		snprintf(what, sizeof what, "This creates users in instance %s (%s), region %s.",
			 info.id, info.alias, sess.settings.region);
		if ((rc = act_confirm(a.confirm, act_confirm_name(&info), what)) != CD_OK)
			goto out;
	}
	if (managed && !dry) {
		char why[128];
		if ((rc = read_password(a.password_file, a.pwbuf, sizeof a.pwbuf, err, sizeof err)) !=
		    CD_OK) {
			log_error("%s", err);
			goto out;
		}
		if (!api_password_ok(a.pwbuf, why, sizeof why)) {
			log_error("the initial password does not meet Connect's rules: %s; nothing was "
				  "done", why);
			rc = CD_USAGE;
			goto out;
		}
		password = a.pwbuf;
	}
	struct act_live live;
	act_live_init(&live, &sess, info.id, a.conn.rate);
	struct restore_ops ops = act_live_restore_ops(&live, !dry);
	struct restore_summary s;
	rc = restore_run(b, a.only, a.nonly, info.id, password, dry, &ops, on_event, NULL, &s, err,
			 sizeof err);
	if (rc == CD_INPUT || rc == CD_INTERNAL || rc == CD_AUTH || rc == CD_NOMEM)
		log_error("%s", err);
	if (dry)
		log_info("dry run: %zu of %zu selected users would be re-created; nothing was changed "
			 "(run again with --no-dry-run)", s.would_create, s.selected);
	else
		log_info("re-created %zu of %zu selected users", s.created + s.partial, s.selected);
	if (s.created && managed)
		log_warn("the re-created users sign in with the initial password you gave: have each "
			 "of them change it, or set a new one in the admin website");
	if (s.created || s.would_create)
		log_info("re-created users get new Ids: quick connects, and anything else that named "
			 "the old Id, must be pointed at the new one (docs/remediation.md)");
out:
	OPENSSL_cleanse(a.pwbuf, sizeof a.pwbuf);
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
		"AssociateUserProficiencies. Prints old Id -> new Id. On an instance that manages its\n"
		"users' passwords (CONNECT_MANAGED) CreateUser needs one: --no-dry-run takes the initial\n"
		"password from --password-file FILE (first line) or asks for it on the terminal; it\n"
		"is never invented, stored or logged.\n"
		"Exit status: 0 all re-created, 2 refused or bad backup, 3 some skipped or failed,\n"
		"4 authentication or permission error, 5 local I/O error.",
	.opts = restore_opts,
	.nopts = CLI_ARRAY_LEN(restore_opts),
	.run = restore_cmd_run,
	.exits = CLI_EXIT(0) | CLI_EXIT(2) | CLI_EXIT(3) | CLI_EXIT(4) | CLI_EXIT(5),
};
