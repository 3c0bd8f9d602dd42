/* explain.c -- `connect-dupes explain ID1 ID2 (FILE... | --cache FILE | --instance ID)`: why
 * two users are, or are not, duplicates: the model's waterfall for that pair. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/commands.h"
#include "cmd/common.h"
#include "cmd/pipeline.h"
#include "log.h"
#include "source/file.h"
#include "store/cache.h"
#include "termsafe.h"

enum { EXPLAIN_ID_CACHE = 1, EXPLAIN_ID_INSTANCE };

static const struct cli_opt explain_opts[] = {
	{ "cache", 0, "FILE", EXPLAIN_ID_CACHE, "read the users from a scan's cache, not from files" },
	{ "instance", 0, "ID|ARN", EXPLAIN_ID_INSTANCE,
	  "read the users from this instance's default cache (no network)" },
	CMD_OPT_MATCH,
	CMD_OPT_QUIET,
	CMD_OPT_THRESHOLD,
	CMD_OPT_VERBOSE,
};

struct explain_args {
	struct pipeline_opts *o;
	const char *cache, *instance;
};

static enum cd_result explain_opt(void *ctx, int id, const char *arg, char *err, size_t errlen)
{
	struct explain_args *a = ctx;
	if (id == EXPLAIN_ID_CACHE || id == EXPLAIN_ID_INSTANCE) {
		*(id == EXPLAIN_ID_CACHE ? &a->cache : &a->instance) = arg;
		return CD_OK;
	}
	enum cd_result rc = cmd_report_opt(a->o, id, arg, err, errlen);
	if (rc == CD_NOT_FOUND) {
		snprintf(err, errlen, "internal: unhandled option id %d", id);
		rc = CD_INTERNAL;
	}
	return rc;
}

/* The users of the files, or of a scan's cache, as analyze reads them. */
static enum cd_result load(const struct explain_args *a, char **files, size_t nfiles,
			   struct user_set *users)
{
	char err[2 * PATH_MAX], path[PATH_MAX];
	enum cd_result rc = CD_OK;
	if (!a->cache && !a->instance) {
		for (size_t i = 0; i < nfiles && rc == CD_OK; i++) {
			struct source_meta meta;
			memset(&meta, 0, sizeof meta);
			if ((rc = source_file_load(files[i], users, &meta, err, sizeof err)) != CD_OK)
				log_error("%s", err);
		}
		size_t dropped = 0;
		const char **ids = NULL;
		if (rc == CD_OK && (rc = user_set_dedupe_ids(users, &dropped, &ids)) != CD_OK)
			log_error("out of memory merging users");
		free(ids);
		return rc;
	}
	struct cache *c = NULL;
	if (a->cache && a->instance) {
		log_error("give --cache FILE or --instance ID, not both");
		return CD_USAGE;
	}
	if (a->cache)
		snprintf(path, sizeof path, "%s", a->cache);
	else if ((rc = cache_default_path(a->instance, path, sizeof path, err, sizeof err)) != CD_OK)
		goto out;
	rc = cache_open(&c, path, NULL, CACHE_READ_ONLY, err, sizeof err);
	if (rc == CD_NOT_FOUND && !a->cache)
		snprintf(err, sizeof err, "no cache for instance '%s' at '%s' (run a scan first)",
			 a->instance, path);
	if (rc == CD_OK)
		rc = cache_load_users(c, users, NULL, err, sizeof err);
out:
	if (rc != CD_OK)
		log_error("%s", err);
	cache_close(c);
	return rc;
}

static enum cd_result find_user(const struct user_set *users, const char *id, uint32_t *at)
{
	for (size_t i = 0; i < users->n; i++)
		if (strcmp(users->v[i].id, id) == 0) {
			*at = (uint32_t)i;
			return CD_OK;
		}
	log_error("no user with Id '%s' among the %zu users read", id, users->n);
	return CD_USAGE;
}

/* Values come from the data: through termsafe, so that an ESC or BEL in a name cannot act on
 * the terminal. */
static void show_user(const char *label, const struct user *u)
{
	struct buf b = BUF_INIT(1 << 26);
	buf_printf(&b, "%s %s: username \"%s\", name \"%s\" \"%s\", e-mail \"%s\"\n", label, u->id,
		   u->username, u->first_name, u->last_name, u->email);
	termsafe_fput(stdout, buf_str(&b));
	buf_release(&b);
}

static enum cd_result explain_run(int argc, char **argv)
{
	enum cd_result rc;
	struct pipeline_opts o;
	struct user_set users;
	struct match_result res;
	struct buf out = BUF_INIT(1 << 20);
	char err[512];
	bool help = false;
	size_t npos = 0;
	struct explain_args args = { .o = &o };
	char **pos = calloc((size_t)argc + 1, sizeof *pos);
	memset(&res, 0, sizeof res);
	user_set_init(&users);
	users.no_raw = true; /* a waterfall echoes no user's JSON text */
	cmd_report_opts_init(&o);
	if (!pos) {
		log_error("out of memory");
		rc = CD_NOMEM;
		goto out;
	}
	rc = cmd_parse(&cmd_explain, argc, argv, explain_opt, &args, pos, (size_t)argc, &npos, &help);
	if (rc != CD_OK || help)
		goto out;
	bool from_cache = args.cache || args.instance;
	if (npos < 2 || (npos == 2 && !from_cache) || (npos > 2 && from_cache)) {
		log_error("give two user Ids, then input files or --cache/--instance (try "
			  "'connect-dupes explain --help')");
		rc = CD_USAGE;
		goto out;
	}
	cmd_report_opts_apply(&o);
	if (o.match.mode == MATCH_CLASSIC) {
		log_error("explain shows the model's waterfall: not with --match classic");
		rc = CD_USAGE;
		goto out;
	}
	if ((rc = load(&args, pos + 2, npos - 2, &users)) != CD_OK)
		goto out;
	uint32_t a, b;
	if ((rc = find_user(&users, pos[0], &a)) != CD_OK || (rc = find_user(&users, pos[1], &b)) != CD_OK)
		goto out;
	if (a == b) {
		log_error("the two Ids are one user");
		rc = CD_USAGE;
		goto out;
	}
	o.match.explain = &out;
	o.match.explain_a = a;
	o.match.explain_b = b;
	if ((rc = match_run(&users, &o.match, &res, err, sizeof err)) != CD_OK) {
		log_error("%s", err);
		goto out;
	}
	show_user("user 1", &users.v[a]);
	show_user("user 2", &users.v[b]);
	printf("%s matching over %zu users, %zu candidate pairs\n", match_mode_name(o.match.mode),
	       users.n, res.stats.candidates);
	termsafe_fput(stdout, buf_str(&out));
out:
	match_result_release(&res);
	buf_release(&out);
	user_set_release(&users);
	free(pos);
	return rc;
}

const struct cli_cmd cmd_explain = {
	.name = "explain",
	.synopsis = "ID1 ID2 (FILE... | --cache FILE | --instance ID) [options]",
	.summary = "show why two users are, or are not, duplicates (the model's waterfall)",
	.description =
		"Reads the users as 'analyze' does (files, or a scan's cache), estimates the\n"
		"detection model from all of them, and prints for the two users with Ids ID1 and\n"
		"ID2: the prior, each comparison's level and weight in bits (m, u, and the term\n"
		"frequency where the value's own was used), the total, the probability and its\n"
		"band, and which blocking keys the two share (why they were, or were not, a\n"
		"candidate pair). Writes no files. Exit status: 0 done, 2 usage or input error.",
	.opts = explain_opts,
	.nopts = CLI_ARRAY_LEN(explain_opts),
	.run = explain_run,
	.exits = CLI_EXIT(0) | CLI_EXIT(2),
};
