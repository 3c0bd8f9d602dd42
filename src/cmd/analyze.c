/* analyze.c -- `connect-dupes analyze FILE...`: detection and reports from files, no network. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/commands.h"
#include "cmd/common.h"
#include "log.h"
#include "pipeline.h"
#include "source/file.h"

static const struct cli_opt analyze_opts[] = {
	CMD_OPT_CSV_RAW,
	CMD_OPT_FAIL_ON_DUPLICATES,
	CMD_OPT_FORMAT,
	CMD_OPT_NO_PROGRESS,
	CMD_OPT_OUTPUT_DIR,
	CMD_OPT_QUIET,
	CMD_OPT_VERBOSE,
};

static enum cd_result analyze_opt(void *ctx, int id, const char *arg, char *err, size_t errlen)
{
	enum cd_result rc = cmd_report_opt(ctx, id, arg, err, errlen);
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

static enum cd_result analyze_run(int argc, char **argv)
{
	enum cd_result rc;
	struct pipeline_opts o;
	struct user_set users;
	char err[512];
	bool help = false;
	size_t nfiles = 0;
	char **files = calloc((size_t)argc + 1, sizeof *files);
	user_set_init(&users);
	cmd_report_opts_init(&o);
	if (!files) {
		log_error("out of memory");
		rc = CD_NOMEM;
		goto out;
	}
	rc = cli_parse(analyze_opts, CLI_ARRAY_LEN(analyze_opts), argc, argv, analyze_opt, &o, files,
		       (size_t)argc, &nfiles, &help, err, sizeof err);
	if (rc != CD_OK) {
		log_error("%s (try 'connect-dupes analyze --help')", err);
		goto out;
	}
	if (help) {
		cli_print_help(stdout, "connect-dupes", &cmd_analyze);
		goto out;
	}
	if (!nfiles) {
		log_error("no input files (try 'connect-dupes analyze --help')");
		rc = CD_USAGE;
		goto out;
	}
	cmd_report_opts_apply(&o);
	if ((rc = load_all(files, nfiles, &users)) != CD_OK)
		goto out;
	char source[128];
	snprintf(source, sizeof source, "%zu file%s, %zu users", nfiles, nfiles == 1 ? "" : "s",
		 users.n);
	struct scan_facts facts = { .source = source };
	rc = pipeline_run(&users, &o, &facts, NULL);
out:
	user_set_release(&users);
	free(files);
	return rc;
}

const struct cli_cmd cmd_analyze = {
	.name = "analyze",
	.synopsis = "FILE... [options]",
	.summary = "find duplicate users in exported JSON files (no network)",
	.description =
		"Reads users from each FILE ('-' for standard input): a JSON array of DescribeUser\n"
		"User objects (all_users_*.json), an object {\"Users\":[...]} (connect-emu instances,\n"
		"search-users output) or concatenated {\"User\":{...}} documents (aws connect\n"
		"describe-user output). A user id seen twice keeps its later record. Applies the\n"
		"classic rules (same e-mail; same username or same first+last name where the\n"
		"e-mails differ) and writes all_users_<ts>.csv/.json, duplicate_users_<ts>.csv/.json\n"
		"and scan_log_<ts>.log. Exit status: 0 done, 1 duplicates found with\n"
		"--fail-on-duplicates, 2 usage or input error (nothing written), 5 local I/O error.",
	.opts = analyze_opts,
	.nopts = CLI_ARRAY_LEN(analyze_opts),
	.run = analyze_run,
};
