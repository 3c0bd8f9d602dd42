/* cache.c -- `connect-dupes cache info|export|prune`: what the cache holds, export it, delete it. */
#include "cmd/commands.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "jsonw.h"
#include "log.h"
#include "outfile.h"
#include "store/cache.h"

enum { OPT_ALL, OPT_CACHE, OPT_FILE, OPT_INSTANCE, OPT_OUTPUT, OPT_QUIET, OPT_VERBOSE };

/* --output is a format, as in the AWS CLI (it used to name export's file, so that
 * `--output json` wrote everyone's personal data to a file named "json"): a value that looks
 * like a file name is refused with a pointer to --file, never written to. -o stays the file,
 * as it was and as -o is a destination everywhere (-o/--output-dir), so scripts keep working. */
static const struct cli_opt cache_opts[] = {
	{ "all", 0, NULL, OPT_ALL, "prune: delete the caches of every instance" },
	{ "cache", 0, "FILE", OPT_CACHE,
	  "the cache file (default: INSTANCE-ID.db in the cache folder)" },
	{ "file", 'o', "FILE", OPT_FILE, "export: write to FILE (0600, replaced whole) instead of standard output ('-')" },
	{ "instance", 0, "ID|ARN|ALIAS", OPT_INSTANCE,
	  "the instance whose cache to use (default: $CONNECT_INSTANCE_ID); an alias is one a scan used" },
	{ "output", 0, "text|json|table", OPT_OUTPUT, CLI_OUTPUT_HELP " (export: json only)" },
	{ "quiet", 'q', NULL, OPT_QUIET, "only errors" },
	{ "verbose", 'v', NULL, OPT_VERBOSE, "info: list every recorded failure" },
};

struct cache_args {
	bool all, verbose, output_set;
	enum cli_output output;
	const char *cache, *instance, *file;
};

static enum cd_result on_opt(void *ctx, int id, const char *arg, char *err, size_t errlen)
{
	struct cache_args *a = ctx;
	switch (id) {
	case OPT_ALL: a->all = true; break;
	case OPT_CACHE: a->cache = arg; break;
	case OPT_FILE: a->file = arg; break;
	case OPT_INSTANCE: a->instance = arg; break;
	case OPT_OUTPUT:
		a->output_set = true;
		return cli_output_parse(arg, &a->output, err, errlen);
	case OPT_QUIET: log_set_console_level(LOG_ERROR); break;
	case OPT_VERBOSE: a->verbose = true; log_set_console_level(LOG_DEBUG); break;
	default:
		snprintf(err, errlen, "unknown option");
		return CD_USAGE;
	}
	return CD_OK;
}

/* Which file: --cache, else the default for --instance or $CONNECT_INSTANCE_ID. */
static enum cd_result pick_path(const struct cache_args *a, char *path, size_t pathlen,
				char *err, size_t errlen)
{
	if (a->cache) {
		if (snprintf(path, pathlen, "%s", a->cache) >= (int)pathlen) {
			snprintf(err, errlen, "cache path too long");
			return CD_USAGE;
		}
		return CD_OK;
	}
	const char *inst = a->instance;
	if (!inst || !inst[0])
		inst = getenv("CONNECT_INSTANCE_ID");
	if (!inst || !inst[0]) {
		snprintf(err, errlen, "which cache? give --instance ID or --cache FILE");
		return CD_USAGE;
	}
	/* Offline: an alias is found in the caches (a scan by alias records it), never with
	 * ListInstances: this command never uses the network. */
	return cache_find(inst, path, pathlen, err, errlen);
}

static void fmt_time(double t, char *out, size_t outlen)
{
	if (t <= 0) {
		snprintf(out, outlen, "never");
		return;
	}
	time_t s = (time_t)t;
	struct tm tm;
	gmtime_r(&s, &tm);
	char when[32];
	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
	double age = (double)time(NULL) - t;
	if (age < 0)
		age = 0;
	if (age < 120)
		snprintf(out, outlen, "%s (%.0f s ago)", when, age);
	else if (age < 7200)
		snprintf(out, outlen, "%s (%.0f min ago)", when, age / 60);
	else if (age < 172800)
		snprintf(out, outlen, "%s (%.1f h ago)", when, age / 3600);
	else
		snprintf(out, outlen, "%s (%.1f days ago)", when, age / 86400);
}

static const char *scan_state(const struct cache_info *in)
{
	return in->last_scan_complete ? "complete" :
	       in->last_scan_end > 0 ? "incomplete" :
	       in->scan_running ? "running" : "interrupted";
}

/* --output json: the stable shape of docs/formats.md ("cache info"). */
static void info_json(struct cache *c, const struct cache_info *in, const struct stat *sb,
		      const struct cache_failure *fv, size_t fn)
{
	struct jsonw w;
	jsonw_init(&w, stdout);
	jsonw_object(&w, NULL);
	jsonw_str(&w, "cache", cache_path(c));
	jsonw_str(&w, "instance", cache_instance_id(c)[0] ? cache_instance_id(c) : NULL);
	if (sb)
		jsonw_uint(&w, "size_bytes", (unsigned long long)sb->st_size);
	else
		jsonw_null(&w, "size_bytes");
	jsonw_int(&w, "schema", in->schema_version);
	jsonw_uint(&w, "users", in->users);
	jsonw_uint(&w, "described", in->described);
	jsonw_time(&w, "oldest_described", in->oldest_described);
	jsonw_time(&w, "newest_described", in->newest_described);
	if (in->has_scan) {
		jsonw_object(&w, "last_scan");
		jsonw_time(&w, "started", in->last_scan_start);
		jsonw_time(&w, "ended", in->last_scan_end);
		jsonw_str(&w, "state", scan_state(in));
		if (in->last_scan_end > 0) {
			jsonw_uint(&w, "searched", in->last_scan.searched);
			jsonw_uint(&w, "listed", in->last_scan.listed);
			jsonw_uint(&w, "described", in->last_scan.described);
			jsonw_uint(&w, "unchanged", in->last_scan.skipped);
			jsonw_uint(&w, "failed", in->last_scan.failed);
			jsonw_uint(&w, "deleted", in->last_scan.deleted);
		}
		jsonw_end(&w);
	} else {
		jsonw_null(&w, "last_scan");
	}
	jsonw_time(&w, "last_complete_scan", in->last_complete_scan_end);
	jsonw_uint(&w, "failures", in->failures);
	jsonw_array(&w, "failed");
	for (size_t i = 0; i < fn; i++) {
		jsonw_object(&w, NULL);
		jsonw_str(&w, "operation", fv[i].operation);
		jsonw_str(&w, "id", fv[i].id[0] ? fv[i].id : NULL);
		jsonw_str(&w, "error", fv[i].error);
		jsonw_int(&w, "attempts", fv[i].attempts);
		jsonw_end(&w);
	}
	jsonw_end(&w);
	jsonw_finish(&w);
}

static void info_table(struct cache *c, const struct cache_info *in, const struct stat *sb)
{
	char size[32] = "", users[32], described[32], t1[80], t2[80], t3[80], failures[32];
	if (sb)
		snprintf(size, sizeof size, "%.1f MiB", (double)sb->st_size / (1024.0 * 1024.0));
	snprintf(users, sizeof users, "%zu", in->users);
	snprintf(described, sizeof described, "%zu", in->described);
	snprintf(failures, sizeof failures, "%zu", in->failures);
	fmt_time(in->newest_described, t1, sizeof t1);
	fmt_time(in->has_scan ? in->last_scan_start : 0, t2, sizeof t2);
	fmt_time(in->last_complete_scan_end, t3, sizeof t3);
	const char *cells[] = {
		"cache", cache_path(c),
		"instance", cache_instance_id(c)[0] ? cache_instance_id(c) : "(unknown)",
		"size", size,
		"users", users,
		"described", described,
		"newest described", t1,
		"last scan", t2,
		"last scan state", in->has_scan ? scan_state(in) : "never",
		"last complete", t3,
		"failures", failures,
	};
	cli_print_table(stdout, "cache info", false, 2, cells, CLI_ARRAY_LEN(cells));
}

static enum cd_result do_info(struct cache *c, bool verbose, enum cli_output fmt, char *err,
			      size_t errlen)
{
	struct cache_info in;
	struct cache_failure *fv = NULL;
	size_t fn = 0;
	char t1[80], t2[80];
	struct stat sb;
	enum cd_result r = cache_get_info(c, &in, err, errlen);
	if (r != CD_OK)
		goto out;
	bool have_size = stat(cache_path(c), &sb) == 0;
	if (fmt == CLI_OUTPUT_JSON) {
		if (in.failures && (r = cache_list_failures(c, &fv, &fn, err, errlen)) != CD_OK)
			goto out;
		info_json(c, &in, have_size ? &sb : NULL, fv, fn);
		goto flush;
	}
	if (fmt == CLI_OUTPUT_TABLE) {
		info_table(c, &in, have_size ? &sb : NULL);
		goto flush;
	}
	printf("cache:          %s\n", cache_path(c));
	printf("instance:       %s\n", cache_instance_id(c)[0] ? cache_instance_id(c) : "(unknown)");
	if (have_size)
		printf("size:           %.1f MiB\n", (double)sb.st_size / (1024.0 * 1024.0));
	printf("schema:         %d\n", in.schema_version);
	printf("users:          %zu (%zu described, %zu with the listing's fields only)\n", in.users,
	       in.described, in.users - in.described);
	fmt_time(in.oldest_described, t1, sizeof t1);
	fmt_time(in.newest_described, t2, sizeof t2);
	printf("described:      oldest %s, newest %s\n", t1, t2);
	if (in.has_scan) {
		fmt_time(in.last_scan_start, t1, sizeof t1);
		printf("last scan:      started %s, %s\n", t1,
		       in.last_scan_complete ? "complete" :
		       in.last_scan_end > 0 ? "incomplete (a scan resumes it)" :
		       in.scan_running ? "running now" : "interrupted (a scan resumes it)");
		if (in.last_scan_end > 0)
			printf("                searched %zu, listed %zu, described %zu, unchanged %zu, "
			       "failed %zu, deleted %zu\n", in.last_scan.searched, in.last_scan.listed,
			       in.last_scan.described, in.last_scan.skipped, in.last_scan.failed,
			       in.last_scan.deleted);
		fmt_time(in.last_complete_scan_end, t1, sizeof t1);
		printf("last complete:  %s\n", t1);
	} else {
		printf("last scan:      never\n");
	}
	printf("failures:       %zu\n", in.failures);
	if (verbose && in.failures) {
		if ((r = cache_list_failures(c, &fv, &fn, err, errlen)) != CD_OK)
			goto out;
		for (size_t i = 0; i < fn; i++)
			printf("  %s %s: %s (%lld attempts)\n", fv[i].operation,
			       fv[i].id[0] ? fv[i].id : "(page)", fv[i].error, fv[i].attempts);
	}
flush:
	if (fflush(stdout) != 0 || ferror(stdout)) {
		snprintf(err, errlen, "cannot write to stdout: %s", strerror(errno));
		r = CD_IO;
	}
out:
	cache_failures_release(fv, fn);
	return r;
}

static enum cd_result do_export(struct cache *c, const char *output, char *err, size_t errlen)
{
	if (!output || strcmp(output, "-") == 0) {
		enum cd_result r = cache_export_json(c, stdout, err, errlen);
		if (r == CD_OK && fflush(stdout) != 0) {
			snprintf(err, errlen, "cannot write to stdout: %s", strerror(errno));
			r = CD_IO;
		}
		return r;
	}
	/* Through outfile: a failed export never leaves half a file where a good one was, and
	 * the file is 0600 because it is personal data. */
	struct outfile of;
	enum cd_result r = outfile_open(&of, output, err, errlen);
	if (r != CD_OK)
		return r;
	r = cache_export_json(c, of.f, err, errlen);
	if (r == CD_OK)
		r = outfile_commit(&of, err, errlen);
	else
		outfile_abort(&of);
	return r;
}

/* Only our own files are deleted when the user names one: the header must carry our application
 * id (the 4 bytes at offset 68 of an SQLite file), or, while the header page still waits in the
 * write-ahead log (a scan killed before its first checkpoint), SQLite must read it as a cache. */
static bool is_our_file(const char *path)
{
	unsigned char h[72];
	bool ok = false;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	if (read(fd, h, sizeof h) == (ssize_t)sizeof h &&
	    memcmp(h, "SQLite format 3", 16) == 0) {
		uint32_t app = (uint32_t)h[68] << 24 | (uint32_t)h[69] << 16 | (uint32_t)h[70] << 8 |
			       (uint32_t)h[71];
		ok = app == 0x43445550;
	}
	close(fd);
	if (!ok) {
		struct cache *c = NULL;
		char err[256];
		ok = cache_open(&c, path, NULL, CACHE_READ_ONLY, err, sizeof err) == CD_OK;
		cache_close(c);
	}
	return ok;
}

static enum cd_result prune_all(char *err, size_t errlen)
{
	char dir[PATH_MAX], path[PATH_MAX];
	enum cd_result r = cache_default_dir(dir, sizeof dir, err, errlen);
	size_t n = 0;
	DIR *d;
	if (r != CD_OK)
		return r;
	if (!(d = opendir(dir))) {
		if (errno == ENOENT) {
			log_info("no caches in '%s'", dir);
			return CD_OK;
		}
		snprintf(err, errlen, "cannot read '%s': %s", dir, strerror(errno));
		return CD_IO;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len < 4 || strcmp(e->d_name + len - 3, ".db") != 0)
			continue;
		if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= (int)sizeof path)
			continue;
		/* Our folder: a damaged cache is deleted too (that is what prune is for), but never
		 * one a scan is writing to. */
		enum cd_result rr = CD_IO;
		if (cache_in_use(path))
			snprintf(err, errlen, "cache '%s' is in use by a running scan (not deleted)",
				 path);
		else
			rr = cache_remove(path, err, errlen);
		if (rr == CD_OK) {
			log_info("deleted '%s'", path);
			n++;
		} else {
			log_error("%s", err);
			r = rr;
		}
	}
	closedir(d);
	if (r == CD_OK)
		log_info("deleted %zu cache%s from '%s'", n, n == 1 ? "" : "s", dir);
	else
		snprintf(err, errlen, "some caches in '%s' could not be deleted", dir);
	return r;
}

static enum cd_result do_prune(const struct cache_args *a, char *err, size_t errlen)
{
	char path[PATH_MAX];
	enum cd_result r;
	if (a->all) {
		if (a->cache || a->instance) {
			snprintf(err, errlen, "prune: give --all, or --instance/--cache, not both");
			return CD_USAGE;
		}
		return prune_all(err, errlen);
	}
	if ((r = pick_path(a, path, sizeof path, err, errlen)) != CD_OK)
		return r;
	if (cache_in_use(path)) {
		snprintf(err, errlen, "cache '%s' is in use by a running scan (not deleted)", path);
		return CD_IO;
	}
	if (a->cache && access(path, F_OK) == 0 && !is_our_file(path)) {
		snprintf(err, errlen, "file is not a connect-dupes cache: '%s' (not deleted)", path);
		return CD_INPUT;
	}
	r = cache_remove(path, err, errlen);
	if (r == CD_OK)
		log_info("deleted '%s'", path);
	return r;
}

static enum cd_result cache_run(int argc, char **argv);

const struct cli_cmd cmd_cache = {
	.name = "cache",
	.synopsis = "info|export|prune [--instance ID|--cache FILE] [options]",
	.summary = "show, export or delete an instance's local cache (no network)",
	.description =
		"A scan keeps what it fetched in a cache (SQLite, 0600), by default\n"
		"$XDG_CACHE_HOME/connect-dupes/INSTANCE-ID.db or ~/.cache/connect-dupes/, so that an\n"
		"interrupted scan resumes and a repeat scan describes only changed users.\n"
		"  info    users, descriptions and their age, the last scan, failures\n"
		"  export  the cached users as an all_users-style JSON array, on standard output\n"
		"          or into --file FILE\n"
		"  prune   delete the cache of one instance (or --all); the next scan starts afresh",
	.opts = cache_opts,
	.nopts = CLI_ARRAY_LEN(cache_opts),
	.run = cache_run,
	.exits = CLI_EXIT(0) | CLI_EXIT(2) | CLI_EXIT(5),
};

static enum cd_result cache_run(int argc, char **argv)
{
	struct cache_args a = { 0 };
	char err[2 * PATH_MAX] = "";
	char path[PATH_MAX];
	char *pos[1];
	size_t npos = 0;
	bool help = false;
	struct cache *c = NULL;
	enum cd_result r = cli_parse(cache_opts, CLI_ARRAY_LEN(cache_opts), argc, argv, on_opt, &a,
				     pos, 1, &npos, &help, err, sizeof err);
	if (r != CD_OK)
		goto out;
	if (help) {
		cli_print_help(stdout, "connect-dupes", &cmd_cache);
		goto out;
	}
	if (npos != 1) {
		snprintf(err, sizeof err, "cache: say info, export or prune");
		r = CD_USAGE;
		goto out;
	}
	const char *action = pos[0];
	if (strcmp(action, "prune") == 0) {
		if (a.file) {
			snprintf(err, sizeof err, "option '--file' is not for 'cache prune'");
			r = CD_USAGE;
			goto out;
		}
		r = do_prune(&a, err, sizeof err);
		goto out;
	}
	bool is_info = strcmp(action, "info") == 0;
	if (!is_info && strcmp(action, "export") != 0) {
		snprintf(err, sizeof err, "unknown cache action '%s' (info, export or prune)", action);
		r = CD_USAGE;
		goto out;
	}
	if (a.all || (a.file && is_info)) {
		snprintf(err, sizeof err, "option '--%s' is not for 'cache %s'",
			 a.all ? "all" : "file", action);
		r = CD_USAGE;
		goto out;
	}
	if (!is_info && a.output_set && a.output != CLI_OUTPUT_JSON) {
		snprintf(err, sizeof err, "'cache export' writes JSON: --output json, or leave it out");
		r = CD_USAGE;
		goto out;
	}
	if ((r = pick_path(&a, path, sizeof path, err, sizeof err)) != CD_OK)
		goto out;
	/* Read-only: looking never changes the file, and works while a scan writes to it. */
	r = cache_open(&c, path, NULL, CACHE_READ_ONLY, err, sizeof err);
	if (r == CD_NOT_FOUND && !a.cache)
		snprintf(err, sizeof err, "no cache for this instance at '%s' (run a scan first)",
			 path);
	if (r != CD_OK)
		goto out;
	r = is_info ? do_info(c, a.verbose, a.output, err, sizeof err)
		    : do_export(c, a.file, err, sizeof err);
out:
	cache_close(c);
	if (r != CD_OK && err[0])
		log_error("%s", err);
	return r;
}
