/* analyze.c -- `connect-dupes analyze FILE...`: detection and reports from files, no network. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/commands.h"
#include "cmd/common.h"
#include "cmd/pipeline.h"
#include "log.h"
#include "source/file.h"
#include "store/cache.h"
#include "store/cache_names.h"

enum { ANALYZE_ID_CACHE = 1, ANALYZE_ID_INSTANCE };

static const struct cli_opt analyze_opts[] = {
	{ "cache", 0, "FILE", ANALYZE_ID_CACHE, "read the users from a scan's cache, not from files" },
	CMD_OPT_CSV_RAW,
	CMD_OPT_FAIL_ON_DUPLICATES,
	CMD_OPT_FORMAT,
	{ "instance", 0, "ID|ARN|ALIAS", ANALYZE_ID_INSTANCE,
	  "read the users from this instance's default cache (no network)" },
	CMD_OPT_MATCH,
	CMD_OPT_NO_PROGRESS,
	CMD_OPT_NOT_DUPLICATES,
	CMD_OPT_OUTPUT,
	CMD_OPT_OUTPUT_DIR,
	CMD_OPT_QUIET,
	CMD_OPT_THRESHOLD,
	CMD_OPT_VERBOSE,
};

/* Parser state: the shared report options plus where the users come from. */
struct analyze_args {
	struct pipeline_opts *o;
	const char *cache, *instance;
};

static enum cd_result analyze_opt(void *ctx, int id, const char *arg, char *err, size_t errlen)
{
	struct analyze_args *a = ctx;
	if (id == ANALYZE_ID_CACHE || id == ANALYZE_ID_INSTANCE) {
		*(id == ANALYZE_ID_CACHE ? &a->cache : &a->instance) = arg;
		return CD_OK;
	}
	enum cd_result rc = cmd_report_opt(a->o, id, arg, err, errlen);
	if (rc == CD_NOT_FOUND) {
		snprintf(err, errlen, "internal: unhandled option id %d", id);
		rc = CD_INTERNAL;
	}
	return rc;
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Reads every file into one set; a user id seen twice keeps its later record (said in the log). */
static enum cd_result load_all(char **files, size_t nfiles, struct user_set *users)
{
	enum cd_result rc = CD_OK;
	char err[1024];
	for (size_t i = 0; i < nfiles && rc == CD_OK; i++) {
		struct source_meta meta;
		memset(&meta, 0, sizeof meta);
		size_t before = users->n;
		struct timespec t0;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		rc = source_file_load(files[i], users, &meta, err, sizeof err);
		if (rc != CD_OK) {
			log_error("%s", err);
			break;
		}
		log_info("read %zu users from '%s' in %.2f s", users->n - before, files[i],
			 seconds_since(&t0));
		if (meta.instance_id[0])
			log_debug("'%s' describes instance '%s' in region '%s'", files[i],
				  meta.instance_id, meta.region[0] ? meta.region : "?");
	}
	if (rc != CD_OK)
		return rc;
	size_t dropped = 0;
	const char **ids = NULL;
	rc = user_set_dedupe_ids(users, &dropped, &ids);
	if (rc != CD_OK) {
		log_error("out of memory merging users");
		return rc;
	}
	if (dropped) {
		log_warn("%zu user ids appear more than once; the later record of each is kept", dropped);
		for (size_t i = 0; i < dropped; i++)
			log_msg(i < 10 ? LOG_INFO : LOG_DEBUG,
				"user id '%s' seen again: the later record replaces the earlier one", ids[i]);
		if (dropped > 10)
			log_info("... %zu more repeated ids are listed in the log file", dropped - 10);
	}
	free(ids);
	return CD_OK;
}

/* Loads a scan's cache (store/cache.h): the same users a scan reports on, without the network.
 * Users the cache lacks (failures, not yet described) make the reports partial, as in a scan;
 * *missing (free with cache_failures_release) keeps the strings facts->failed borrows. */
static enum cd_result load_cache(const struct analyze_args *a, struct user_set *users,
				 struct cache_failure **missing, size_t *nmissing,
				 struct scan_failure **failed, char *source, size_t sourcelen,
				 char *inst_id, size_t inst_idlen, struct name_table *names)
{
	char path[PATH_MAX], err[2 * PATH_MAX];
	struct cache *c = NULL;
	enum cd_result rc = CD_OK;
	if (a->cache && a->instance) {
		log_error("give --cache FILE or --instance ID, not both");
		return CD_USAGE;
	}
	if (a->cache)
		snprintf(path, sizeof path, "%s", a->cache);
	else if ((rc = cache_find(a->instance, path, sizeof path, err, sizeof err)) != CD_OK)
		goto out;
	rc = cache_open(&c, path, NULL, CACHE_READ_ONLY, err, sizeof err);
	if (rc == CD_NOT_FOUND && !a->cache)
		snprintf(err, sizeof err, "no cache for instance '%s' at '%s' (run a scan first)",
			 a->instance, path);
	if (rc != CD_OK)
		goto out;
	if ((rc = cache_load_users(c, users, NULL, err, sizeof err)) != CD_OK ||
	    (rc = cache_list_missing(c, missing, nmissing, err, sizeof err)) != CD_OK)
		goto out;
	if (*nmissing && !(*failed = calloc(*nmissing, sizeof **failed))) {
		snprintf(err, sizeof err, "out of memory");
		rc = CD_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < *nmissing; i++)
		(*failed)[i] = (struct scan_failure){ (*missing)[i].id, (*missing)[i].operation,
						      (*missing)[i].error };
	/* names a scan listed (store/cache_names.h): a cache without them gives ids */
	if (cache_names_load(c, names, err, sizeof err) != CD_OK) {
		log_warn("%s; the reports show ids", err);
		names_release(names);
	}
	log_info("read %zu users from cache '%s'", users->n, path);
	snprintf(source, sourcelen, "cache of instance '%s', %zu users",
		 cache_instance_id(c)[0] ? cache_instance_id(c) : "?", users->n);
	snprintf(inst_id, inst_idlen, "%s", cache_instance_id(c));
out:
	if (rc != CD_OK)
		log_error("%s", err);
	cache_close(c);
	return rc;
}

static enum cd_result analyze_run(int argc, char **argv)
{
	enum cd_result rc;
	struct pipeline_opts o;
	struct user_set users;
	bool help = false;
	size_t nfiles = 0;
	struct analyze_args args = { .o = &o };
	struct cache_failure *missing = NULL;
	struct scan_failure *failed = NULL;
	size_t nmissing = 0;
	struct name_table names;
	names_init(&names);
	char **files = calloc((size_t)argc + 1, sizeof *files);
	user_set_init(&users);
	cmd_report_opts_init(&o);
	if (!files) {
		log_error("out of memory");
		rc = CD_NOMEM;
		goto out;
	}
	rc = cmd_parse(&cmd_analyze, argc, argv, analyze_opt, &args, files, (size_t)argc, &nfiles, &help);
	if (rc != CD_OK || help)
		goto out;
	bool from_cache = args.cache || args.instance;
	if (!nfiles && !from_cache) {
		log_error("no input files (try 'connect-dupes analyze --help')");
		rc = CD_USAGE;
		goto out;
	}
	if (nfiles && from_cache) {
		log_error("give input files or --cache/--instance, not both");
		rc = CD_USAGE;
		goto out;
	}
	cmd_report_opts_apply(&o);
	char source[PATH_MAX], inst_id[128] = "";
	/* only all_users_*.json echoes each user's JSON text */
	users.no_raw = o.formats && !(o.formats & PIPE_FMT_JSON);
	if (from_cache)
		rc = load_cache(&args, &users, &missing, &nmissing, &failed, source, sizeof source,
				inst_id, sizeof inst_id, &names);
	else
		rc = load_all(files, nfiles, &users);
	if (rc != CD_OK)
		goto out;
	if (!from_cache)
		snprintf(source, sizeof source, "%zu file%s, %zu users", nfiles,
			 nfiles == 1 ? "" : "s", users.n);
	struct scan_facts facts = { .source = source, .partial = nmissing > 0, .failed = failed,
				    .nfailed = nmissing, .instance_id = inst_id,
				    .origin = from_cache ? SCAN_ORIGIN_CACHE : SCAN_ORIGIN_FILES,
				    .names = from_cache ? &names : NULL };
	rc = pipeline_run(&users, &o, &facts, NULL);
out:
	user_set_release(&users);
	free(files);
	free(failed);
	cache_failures_release(missing, nmissing);
	names_release(&names);
	return rc;
}

const struct cli_cmd cmd_analyze = {
	.name = "analyze",
	.synopsis = "FILE... | --cache FILE | --instance ID [options]",
	.summary = "find duplicate users in exported JSON files (no network)",
	.description =
		"Reads users from each FILE ('-' for standard input): a JSON array of DescribeUser\n"
		"User objects (all_users_*.json), an object {\"Users\":[...]} (connect-emu instances,\n"
		"search-users output) or concatenated {\"User\":{...}} documents (aws connect\n"
		"describe-user output). A user id seen twice keeps its later record. With --cache\n"
		"or --instance the users come from a scan's cache instead (see 'connect-dupes\n"
		"cache'); users it lacks make the reports partial.\n"
		"\n"
		"Finds clusters of accounts that belong to one person (--match standard, the\n"
		"default: accents, typos, nicknames, e-mail and phone rules, scored on every field)\n"
		"and the pairs of the earlier tools' classic rules (same e-mail, username, or first\n"
		"and last name). Writes into --output-dir, depending on --format:\n"
		"  all_users_<ts>.csv             every user read\n"
		"  all_users_<ts>.json            every user read, as received\n"
		"  duplicate_users_<ts>.csv       the classic pairs\n"
		"  duplicate_users_<ts>.json      the classic pairs\n"
		"  duplicate_groups_<ts>.json     the clusters, with evidence and account to keep\n"
		"  duplicate_clusters_<ts>.csv    every account of every cluster, for review\n"
		"  model_<ts>.json                the detection model estimated for this run\n"
		"  possible_duplicates_<ts>.csv   pairs below --threshold, worth a look\n"
		"  report_<ts>.html               all of it, for a browser\n"
		"  failed_users_<ts>.csv          only when users are missing\n"
		"  scan_log_<ts>.log              the run's log\n"
		"The summary on standard error leads with the clusters; --output json prints it as\n"
		"JSON on standard output instead (docs/formats.md).",
	.opts = analyze_opts,
	.nopts = CLI_ARRAY_LEN(analyze_opts),
	.run = analyze_run,
	.exits = CLI_EXIT(0) | CLI_EXIT(1) | CLI_EXIT(2) | CLI_EXIT(3) | CLI_EXIT(5),
};
