/* test_cache.c -- unit tests for the SQLite cache: schema, upserts, needs-describe, failures, batches, bad files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "model/user.h"
#include "store/cache.h"

struct fx {
	char dir[64];
	char path[PATH_MAX];
	char err[512];
};

static int rm_rf_cb(const char *dir)
{
	char cmd[PATH_MAX + 32];
	snprintf(cmd, sizeof cmd, "chmod -R u+w '%s' 2>/dev/null; rm -rf '%s'", dir, dir);
	return system(cmd);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/cdcache.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/sub/dir/i-1.db", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	rm_rf_cb(f->dir);
	free(f);
	return 0;
}

static struct cache *open_ok(struct fx *f, const char *instance)
{
	struct cache *c = NULL;
	enum cd_result r = cache_open(&c, f->path, instance, 0, f->err, sizeof f->err);
	if (r != CD_OK)
		fail_msg("cache_open: %s", f->err);
	return c;
}

static void searched(struct cache *c, long long scan, const char *id, const char *username,
		     const char *first, long long pos)
{
	char raw[256];
	char err[256];
	snprintf(raw, sizeof raw,
		 "{\"Id\":\"%s\",\"Username\":\"%s\",\"IdentityInfo\":{\"FirstName\":\"%s\"}}", id,
		 username, first);
	struct user_fields uf = { .id = id, .username = username, .first_name = first,
				  .raw = raw, .raw_len = strlen(raw) };
	assert_int_equal(cache_put_searched(c, scan, &uf, pos, 1000.0, err, sizeof err), CD_OK);
}

static void listed(struct cache *c, long long scan, const char *id, double lm, long long pos)
{
	char err[256];
	struct user_fields uf = { .id = id, .last_modified = lm };
	assert_int_equal(cache_put_listed(c, scan, &uf, pos, err, sizeof err), CD_OK);
}

static void described(struct cache *c, const char *id, const char *email, double lm, double at)
{
	char raw[256];
	char err[256];
	snprintf(raw, sizeof raw,
		 "{\"Id\":\"%s\",\"Username\":\"u-%s\",\"IdentityInfo\":{\"Email\":\"%s\"},"
		 "\"LastModifiedTime\":%.3f}", id, id, email, lm);
	enum cd_result r = cache_put_described(c, id, raw, strlen(raw), at, err, sizeof err);
	if (r != CD_OK)
		fail_msg("cache_put_described: %s", err);
}

static size_t need_list(struct cache *c, long long scan, double before, char *out, size_t outlen)
{
	struct cache_ids ids;
	char err[256];
	struct cache_need_opts o = { .described_before = before, .scan_id = scan };
	assert_int_equal(cache_needs_describe(c, &o, &ids, err, sizeof err), CD_OK);
	out[0] = '\0';
	size_t used = 0;
	for (size_t i = 0; i < ids.n; i++) {
		int n = snprintf(out + used, outlen - used, "%s%s", i ? "," : "", ids.v[i]);
		assert_true(n > 0 && (size_t)n < outlen - used);
		used += (size_t)n;
	}
	size_t n = ids.n;
	cache_ids_release(&ids);
	return n;
}

static void creates_private_files_and_schema(void **state)
{
	struct fx *f = *state;
	struct stat sb;
	char p[PATH_MAX + 8];
	mode_t old = umask(0);
	struct cache *c = open_ok(f, "i-1");
	umask(old);
	long long scan;
	assert_int_equal(cache_scan_start(c, 10, &scan, f->err, sizeof f->err), CD_OK);
	assert_int_equal(stat(f->path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	snprintf(p, sizeof p, "%s-wal", f->path);
	assert_int_equal(stat(p, &sb), 0); /* WAL mode */
	assert_int_equal(sb.st_mode & 0777, 0600);
	snprintf(p, sizeof p, "%s/sub/dir", f->dir);
	assert_int_equal(stat(p, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	snprintf(p, sizeof p, "%s/sub", f->dir);
	assert_int_equal(stat(p, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);

	struct cache_info info;
	assert_int_equal(cache_get_info(c, &info, f->err, sizeof f->err), CD_OK);
	assert_int_equal(info.schema_version, CACHE_SCHEMA_VERSION);
	assert_true(info.has_scan);
	assert_false(info.last_scan_complete);
	assert_string_equal(cache_instance_id(c), "i-1");

	/* One writer at a time; readers are not held up. */
	struct cache *c2 = NULL;
	assert_int_equal(cache_open(&c2, f->path, "i-1", 0, f->err, sizeof f->err), CD_IO);
	assert_null(c2);
	assert_non_null(strstr(f->err, "in use by another connect-dupes scan"));
	if (cache_open(&c2, f->path, "i-1", CACHE_READ_ONLY, f->err, sizeof f->err) != CD_OK)
		fail_msg("read-only open beside a writer: %s", f->err);
	assert_int_equal(cache_get_info(c2, &info, f->err, sizeof f->err), CD_OK);
	assert_true(info.scan_running);
	assert_true(cache_in_use(f->path));
	cache_close(c2);
	struct stat lb;
	char lockp[PATH_MAX + 8];
	snprintf(lockp, sizeof lockp, "%s-lock", f->path);
	assert_int_equal(stat(lockp, &lb), 0);
	assert_int_equal(lb.st_mode & 0777, 0600);
	cache_close(c);

	/* Reopened: still valid; another instance's name is refused; NULL accepts it. */
	c = open_ok(f, "i-1");
	cache_close(c);
	assert_int_equal(cache_open(&c2, f->path, NULL, CACHE_READ_ONLY, f->err, sizeof f->err),
			 CD_OK);
	assert_int_equal(cache_get_info(c2, &info, f->err, sizeof f->err), CD_OK);
	assert_false(info.scan_running);
	assert_false(cache_in_use(f->path));
	cache_close(c2);
	assert_int_equal(cache_open(&c, f->path, "i-2", 0, f->err, sizeof f->err), CD_INPUT);
	assert_null(c);
	assert_non_null(strstr(f->err, "belongs to instance 'i-1'"));
	assert_int_equal(cache_open(&c, f->path, NULL, CACHE_NO_CREATE, f->err, sizeof f->err),
			 CD_OK);
	assert_string_equal(cache_instance_id(c), "i-1");
	cache_close(c);
}

static void default_paths(void **state)
{
	char out[PATH_MAX], err[256];
	setenv("XDG_CACHE_HOME", "/x/cache", 1);
	assert_int_equal(cache_default_path("abc-123", out, sizeof out, err, sizeof err), CD_OK);
	assert_string_equal(out, "/x/cache/connect-dupes/abc-123.db");
	setenv("XDG_CACHE_HOME", "relative", 1); /* invalid per the XDG spec: ignored */
	setenv("HOME", "/home/me", 1);
	assert_int_equal(cache_default_path("abc", out, sizeof out, err, sizeof err), CD_OK);
	assert_string_equal(out, "/home/me/.cache/connect-dupes/abc.db");
	assert_int_equal(cache_default_path("arn:aws:connect:eu-west-2:123456789012:instance/abc",
					    out, sizeof out, err, sizeof err), CD_OK);
	assert_string_equal(out, "/home/me/.cache/connect-dupes/abc.db");
	assert_int_equal(cache_default_path("arn:aws:connect:eu-west-2:1:instance/a/b", out,
					    sizeof out, err, sizeof err), CD_USAGE);
	assert_int_equal(cache_default_path("arn:aws:connect:eu-west-2:1:agent/a", out, sizeof out,
					    err, sizeof err), CD_USAGE);
	assert_int_equal(cache_default_path("../x", out, sizeof out, err, sizeof err), CD_USAGE);
	assert_int_equal(cache_default_path("", out, sizeof out, err, sizeof err), CD_USAGE);
	unsetenv("XDG_CACHE_HOME");
}

static void upserts_and_load_order(void **state)
{
	struct fx *f = *state;
	struct cache *c = open_ok(f, "i-1");
	long long scan;
	assert_int_equal(cache_scan_start(c, 10, &scan, f->err, sizeof f->err), CD_OK);
	assert_int_equal(cache_begin(c, f->err, sizeof f->err), CD_OK);
	/* ListUsers may come before SearchUsers: order still follows the search listing. */
	listed(c, scan, "b", 50, 0);
	listed(c, scan, "a", 60, 1);
	listed(c, scan, "z", 70, 2); /* only listed so far */
	searched(c, scan, "a", "alice", "Alice", 0);
	searched(c, scan, "b", "bob", "Bob", 1);
	assert_int_equal(cache_commit(c, f->err, sizeof f->err), CD_OK);
	described(c, "b", "bob@x.org", 50, 2000);
	/* Searching again updates, never duplicates. */
	searched(c, scan, "a", "alice2", "Alice", 0);

	struct user_set s;
	size_t und = 99;
	user_set_init(&s);
	assert_int_equal(cache_load_users(c, &s, &und, f->err, sizeof f->err), CD_OK);
	assert_int_equal(s.n, 3);
	assert_int_equal(und, 2);
	assert_string_equal(s.v[0].id, "a");
	assert_string_equal(s.v[0].username, "alice2");
	assert_string_equal(s.v[0].first_name, "Alice");
	assert_string_equal(s.v[0].email, "");
	assert_true(s.v[0].last_modified == 60); /* from the listing */
	assert_string_equal(s.v[1].id, "b");
	assert_string_equal(s.v[1].email, "bob@x.org");
	assert_string_equal(s.v[1].username, "u-b");
	assert_non_null(strstr(s.v[1].raw, "\"Email\":\"bob@x.org\""));
	assert_string_equal(s.v[2].id, "z");
	user_set_release(&s);

	/* Missing from a report: a, z (never described), plus a recorded failure. */
	struct cache_failure *mv;
	size_t mn;
	assert_int_equal(cache_record_failure(c, "z", "DescribeUser", "throttled", f->err,
					      sizeof f->err), CD_OK);
	assert_int_equal(cache_list_missing(c, &mv, &mn, f->err, sizeof f->err), CD_OK);
	assert_int_equal(mn, 2);
	assert_string_equal(mv[0].id, "a");
	assert_string_equal(mv[0].error, CACHE_NOT_DESCRIBED);
	assert_string_equal(mv[1].id, "z");
	assert_string_equal(mv[1].error, "throttled");
	assert_int_equal(mv[1].attempts, 1);
	cache_failures_release(mv, mn);

	/* A description that is not the user's object is refused, nothing stored. */
	const char *bad = "{\"Id\":\"other\"}";
	assert_int_equal(cache_put_described(c, "a", bad, strlen(bad), 1, f->err, sizeof f->err),
			 CD_INPUT);
	assert_int_equal(cache_put_described(c, "a", "[1]", 3, 1, f->err, sizeof f->err), CD_INPUT);
	assert_int_equal(cache_put_described(c, "a", "{", 1, 1, f->err, sizeof f->err), CD_INPUT);
	struct cache_info info;
	assert_int_equal(cache_get_info(c, &info, f->err, sizeof f->err), CD_OK);
	assert_int_equal(info.users, 3);
	assert_int_equal(info.described, 1);
	assert_true(info.oldest_described == 2000);
	cache_close(c);
}

/* The cache keeps the JSON as received and reloads it through user_from_json, so the ids come
 * back in canonical form from a summary, a description, and a summary built from fields. */
static void security_profiles_round_trip(void **state)
{
	struct fx *f = *state;
	struct cache *c = open_ok(f, "i-1");
	long long scan;
	assert_int_equal(cache_scan_start(c, 10, &scan, f->err, sizeof f->err), CD_OK);
	const char *sum = "{\"Id\":\"a\",\"SecurityProfileIds\":[\"s2\",\"s1\",\"s2\"]}";
	struct user_fields ua = { .id = "a", .security_profiles = "s1,s2", .raw = sum,
				  .raw_len = strlen(sum) };
	assert_int_equal(cache_put_searched(c, scan, &ua, 0, 1000.0, f->err, sizeof f->err), CD_OK);
	struct user_fields ub = { .id = "b", .username = "bob", .security_profiles = "p,q,r" };
	assert_int_equal(cache_put_searched(c, scan, &ub, 1, 1000.0, f->err, sizeof f->err), CD_OK);
	searched(c, scan, "c", "carl", "Carl", 2);
	const char *desc = "{\"Id\":\"c\",\"SecurityProfileIds\":[\"z\",\"y\"]}";
	assert_int_equal(cache_put_described(c, "c", desc, strlen(desc), 2000, f->err,
					     sizeof f->err), CD_OK);

	struct user_set s;
	size_t und;
	user_set_init(&s);
	assert_int_equal(cache_load_users(c, &s, &und, f->err, sizeof f->err), CD_OK);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.v[0].security_profiles, "s1,s2");
	assert_string_equal(s.v[1].username, "bob");
	assert_string_equal(s.v[1].security_profiles, "p,q,r");
	assert_string_equal(s.v[2].security_profiles, "y,z");
	user_set_release(&s);
	cache_close(c);
}

static void needs_describe(void **state)
{
	struct fx *f = *state;
	char got[512];
	struct cache *c = open_ok(f, "i-1");
	long long s1, s2;
	bool need;
	assert_int_equal(cache_scan_start(c, 10, &s1, f->err, sizeof f->err), CD_OK);
	const char *ids[] = { "u1", "u2", "u3", "u4" };
	for (int i = 0; i < 4; i++) {
		searched(c, s1, ids[i], ids[i], "F", i);
		listed(c, s1, ids[i], 100 + i, i);
	}
	assert_int_equal(need_list(c, s1, 0, got, sizeof got), 4);
	assert_string_equal(got, "u1,u2,u3,u4");
	for (int i = 0; i < 4; i++)
		described(c, ids[i], "e@x", 100 + i, 500);
	assert_int_equal(need_list(c, s1, 0, got, sizeof got), 0);
	/* A listing that saw a change while the describe was in flight: the answer (older) does
	 * not count as current. */
	listed(c, s1, "u1", 100.25, 0);
	described(c, "u1", "e@x", 100, 500);
	assert_int_equal(need_list(c, s1, 0, got, sizeof got), 1);
	described(c, "u1", "e@x", 100.25, 500);
	assert_int_equal(need_list(c, s1, 0, got, sizeof got), 0);
	listed(c, s1, "u1", 100, 0);
	described(c, "u1", "e@x", 100, 500);

	/* Next scan: u2 changed, u4 gone, u5 new; u3 failed last time. */
	assert_int_equal(cache_scan_start(c, 20, &s2, f->err, sizeof f->err), CD_OK);
	assert_int_equal(cache_record_failure(c, "u3", "DescribeUser", "throttled", f->err,
					      sizeof f->err), CD_OK);
	assert_int_equal(cache_record_failure(c, "u3", "DescribeUser", "timed out", f->err,
					      sizeof f->err), CD_OK);
	assert_int_equal(cache_begin(c, f->err, sizeof f->err), CD_OK);
	searched(c, s2, "u1", "u1", "F", 0);
	searched(c, s2, "u2", "u2", "F", 1);
	searched(c, s2, "u3", "u3", "F", 2);
	searched(c, s2, "u5", "u5", "F", 3);
	listed(c, s2, "u1", 100, 0);
	listed(c, s2, "u2", 150, 1);
	listed(c, s2, "u3", 102, 2);
	listed(c, s2, "u5", 200, 3);
	assert_int_equal(cache_commit(c, f->err, sizeof f->err), CD_OK);
	/* Failures first, then listing order; u4 was not seen in this scan. */
	assert_int_equal(need_list(c, s2, 0, got, sizeof got), 3);
	assert_string_equal(got, "u3,u2,u5");
	assert_int_equal(cache_check_describe(c, "u1", &(struct cache_need_opts){ .scan_id = s2 },
					      &need, f->err, sizeof f->err), CD_OK);
	assert_false(need);
	assert_int_equal(cache_check_describe(c, "u2", &(struct cache_need_opts){ .scan_id = s2 },
					      &need, f->err, sizeof f->err), CD_OK);
	assert_true(need);
	assert_int_equal(cache_check_describe(c, "u4", &(struct cache_need_opts){ .scan_id = s2 },
					      &need, f->err, sizeof f->err), CD_OK);
	assert_false(need);
	assert_int_equal(cache_check_describe(c, "nope", NULL, &need, f->err, sizeof f->err), CD_OK);
	assert_false(need);
	/* Every cached user (scan 0): u4 is there until dropped. --refresh / --max-age: all. */
	assert_int_equal(need_list(c, 0, 0, got, sizeof got), 3);
	assert_int_equal(need_list(c, s2, 501, got, sizeof got), 4);
	assert_int_equal(need_list(c, 0, 501, got, sizeof got), 5);

	/* Failures accumulate, then a description clears them. */
	struct cache_failure *fv;
	size_t fn;
	assert_int_equal(cache_list_failures(c, &fv, &fn, f->err, sizeof f->err), CD_OK);
	assert_int_equal(fn, 1);
	assert_string_equal(fv[0].id, "u3");
	assert_string_equal(fv[0].operation, "DescribeUser");
	assert_string_equal(fv[0].error, "timed out");
	assert_int_equal(fv[0].attempts, 2);
	cache_failures_release(fv, fn);
	described(c, "u3", "e@x", 102, 600);
	described(c, "u2", "e2@x", 150, 600);
	assert_int_equal(need_list(c, s2, 0, got, sizeof got), 1);
	assert_string_equal(got, "u5");
	assert_int_equal(cache_record_failure(c, "u5", "DescribeUser", "x", f->err, sizeof f->err),
			 CD_OK);
	assert_int_equal(cache_clear_failure(c, "u5", "DescribeUser", f->err, sizeof f->err), CD_OK);
	assert_int_equal(cache_list_failures(c, &fv, &fn, f->err, sizeof f->err), CD_OK);
	assert_int_equal(fn, 0);
	cache_failures_release(fv, fn);

	/* The listing completed: u4 is gone. A 404 drops u1. */
	size_t dropped = 0;
	assert_int_equal(cache_record_failure(c, "u4", "DescribeUser", "x", f->err, sizeof f->err),
			 CD_OK);
	assert_int_equal(cache_record_failure(c, "", "ListUsers", "page", f->err, sizeof f->err),
			 CD_OK);
	/* A user only a later scan has seen is not the earlier scan's to drop. */
	long long s3;
	assert_int_equal(cache_scan_start(c, 25, &s3, f->err, sizeof f->err), CD_OK);
	searched(c, s3, "u9", "u9", "F", 0);
	assert_int_equal(cache_drop_unseen(c, s2, &dropped, f->err, sizeof f->err), CD_OK);
	assert_int_equal(dropped, 1);
	assert_int_equal(cache_delete_user(c, "u1", f->err, sizeof f->err), CD_OK);
	assert_int_equal(cache_delete_user(c, "u1", f->err, sizeof f->err), CD_OK);
	struct cache_scan_counts k = { .searched = 4, .listed = 4, .described = 3, .deleted = 2 };
	assert_int_equal(cache_scan_finish(c, s2, 30, true, &k, f->err, sizeof f->err), CD_OK);
	struct cache_info info;
	assert_int_equal(cache_get_info(c, &info, f->err, sizeof f->err), CD_OK);
	assert_int_equal(info.users, 4);
	assert_int_equal(info.failures, 1); /* the page failure stays */
	assert_false(info.last_scan_complete); /* s3 is the last one */
	assert_int_equal(cache_scan_finish(c, s3, 40, true, &k, f->err, sizeof f->err), CD_OK);
	assert_int_equal(cache_get_info(c, &info, f->err, sizeof f->err), CD_OK);
	assert_true(info.last_scan_complete);
	assert_true(info.last_scan_end == 40);
	assert_true(info.last_complete_scan_end == 40);
	assert_int_equal(info.last_scan.described, 3);
	assert_int_equal(info.last_scan.deleted, 2);
	cache_close(c);
}

static void uncommitted_batch_is_lost(void **state)
{
	struct fx *f = *state;
	struct cache *c = open_ok(f, "i-1");
	long long scan;
	assert_int_equal(cache_scan_start(c, 1, &scan, f->err, sizeof f->err), CD_OK);
	cache_close(c);

	/* A child commits one batch, opens another and is killed with SIGKILL in the middle. */
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char err[256];
		struct cache *cc = NULL;
		if (cache_open(&cc, f->path, "i-1", 0, err, sizeof err) != CD_OK)
			_exit(3);
		cache_begin(cc, err, sizeof err);
		searched(cc, scan, "kept", "k", "K", 0);
		cache_commit(cc, err, sizeof err);
		cache_begin(cc, err, sizeof err);
		searched(cc, scan, "lost", "l", "L", 1);
		described(cc, "kept", "lost@x", 1, 1);
		raise(SIGKILL);
		_exit(4);
	}
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

	c = open_ok(f, "i-1");
	struct user_set s;
	user_set_init(&s);
	assert_int_equal(cache_load_users(c, &s, NULL, f->err, sizeof f->err), CD_OK);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.v[0].id, "kept");
	assert_string_equal(s.v[0].email, "");
	user_set_release(&s);

	/* Rollback and close discard an open batch too; batches do not nest. */
	assert_int_equal(cache_begin(c, f->err, sizeof f->err), CD_OK);
	assert_int_equal(cache_begin(c, f->err, sizeof f->err), CD_INTERNAL);
	searched(c, scan, "gone", "g", "G", 2);
	cache_rollback(c);
	assert_int_equal(cache_commit(c, f->err, sizeof f->err), CD_INTERNAL);
	assert_int_equal(cache_begin(c, f->err, sizeof f->err), CD_OK);
	searched(c, scan, "gone2", "g", "G", 3);
	cache_close(c);
	c = open_ok(f, "i-1");
	struct cache_info info;
	assert_int_equal(cache_get_info(c, &info, f->err, sizeof f->err), CD_OK);
	assert_int_equal(info.users, 1);
	cache_close(c);
}

static void write_file(const char *path, const void *data, size_t n)
{
	FILE *fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
}

static void sql(const char *path, const char *stmt)
{
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, stmt, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void bad_files_are_refused(void **state)
{
	struct fx *f = *state;
	struct cache *c = NULL;
	snprintf(f->path, sizeof f->path, "%s/garbage.db", f->dir);
	char junk[8192];
	for (size_t i = 0; i < sizeof junk; i++)
		junk[i] = (char)(i * 7 + 3);
	write_file(f->path, junk, sizeof junk);
	assert_int_equal(cache_open(&c, f->path, "i", 0, f->err, sizeof f->err), CD_INPUT);
	assert_null(c);
	assert_non_null(strstr(f->err, "file is not a connect-dupes cache"));

	/* A JSON file given by mistake. */
	snprintf(f->path, sizeof f->path, "%s/users.json", f->dir);
	write_file(f->path, "[{\"Id\":\"x\"}]\n", 13);
	assert_int_equal(cache_open(&c, f->path, NULL, CACHE_NO_CREATE, f->err, sizeof f->err),
			 CD_INPUT);
	assert_non_null(strstr(f->err, "file is not a connect-dupes cache"));

	/* Somebody else's SQLite database is left untouched. */
	snprintf(f->path, sizeof f->path, "%s/foreign.db", f->dir);
	sql(f->path, "CREATE TABLE t(x); INSERT INTO t VALUES(1)");
	assert_int_equal(cache_open(&c, f->path, "i", 0, f->err, sizeof f->err), CD_INPUT);
	assert_non_null(strstr(f->err, "file is not a connect-dupes cache"));
	char p[PATH_MAX + 8];
	snprintf(p, sizeof p, "%s-wal", f->path);
	assert_int_equal(access(p, F_OK), -1); /* not switched to WAL */

	/* A newer schema. */
	snprintf(f->path, sizeof f->path, "%s/newer.db", f->dir);
	c = open_ok(f, "i");
	cache_close(c);
	sql(f->path, "PRAGMA user_version = 99");
	assert_int_equal(cache_open(&c, f->path, "i", 0, f->err, sizeof f->err), CD_INPUT);
	assert_non_null(strstr(f->err, "schema version 99"));
	assert_null(c);

	/* A missing file with CACHE_NO_CREATE is not created. */
	snprintf(f->path, sizeof f->path, "%s/missing.db", f->dir);
	assert_int_equal(cache_open(&c, f->path, "i", CACHE_NO_CREATE, f->err, sizeof f->err),
			 CD_NOT_FOUND);
	assert_int_equal(access(f->path, F_OK), -1);

	/* A folder. */
	snprintf(f->path, sizeof f->path, "%s", f->dir);
	assert_int_equal(cache_open(&c, f->path, "i", 0, f->err, sizeof f->err), CD_INPUT);
}

static void corrupt_pages_fail_cleanly(void **state)
{
	struct fx *f = *state;
	struct cache *c = open_ok(f, "i-1");
	long long scan;
	char id[32], email[64];
	assert_int_equal(cache_scan_start(c, 1, &scan, f->err, sizeof f->err), CD_OK);
	assert_int_equal(cache_begin(c, f->err, sizeof f->err), CD_OK);
	for (int i = 0; i < 2000; i++) {
		snprintf(id, sizeof id, "user-%05d", i);
		snprintf(email, sizeof email, "someone.%d@example.org", i);
		searched(c, scan, id, id, "Name", i);
		described(c, id, email, 5, 6);
	}
	assert_int_equal(cache_commit(c, f->err, sizeof f->err), CD_OK);
	cache_close(c); /* checkpoints the WAL into the file */

	struct stat sb;
	assert_int_equal(stat(f->path, &sb), 0);
	assert_true(sb.st_size > 200000);
	int fd = open(f->path, O_WRONLY);
	assert_true(fd >= 0);
	char junk[4096];
	memset(junk, 0xA5, sizeof junk);
	for (off_t off = 8192; off + (off_t)sizeof junk < sb.st_size; off += 32768)
		assert_int_equal(pwrite(fd, junk, sizeof junk, off), (ssize_t)sizeof junk);
	close(fd);

	enum cd_result r = cache_open(&c, f->path, "i-1", 0, f->err, sizeof f->err);
	if (r == CD_OK) {
		struct user_set s;
		user_set_init(&s);
		r = cache_load_users(c, &s, NULL, f->err, sizeof f->err);
		user_set_release(&s);
		cache_close(c);
	}
	assert_int_equal(r, CD_INPUT);
	assert_true(strstr(f->err, "corrupt") || strstr(f->err, "not a connect-dupes cache"));
}

static void read_only_folder(void **state)
{
	struct fx *f = *state;
	struct cache *c = NULL;
	char ro[PATH_MAX];
	if (geteuid() == 0) {
		/* Root writes through folder modes; /proc refuses new files to everybody. */
		assert_int_equal(cache_open(&c, "/proc/self/i.db", "i", 0, f->err, sizeof f->err),
				 CD_IO);
		assert_non_null(strstr(f->err, "cannot create cache '/proc/self/i.db'"));
		assert_int_equal(cache_open(&c, "/proc/self/sub/i.db", "i", 0, f->err,
					    sizeof f->err), CD_IO);
		assert_non_null(strstr(f->err, "cannot create cache folder"));
		return;
	}
	snprintf(ro, sizeof ro, "%s/ro", f->dir);
	assert_int_equal(mkdir(ro, 0500), 0);
	snprintf(f->path, sizeof f->path, "%s/ro/i.db", f->dir);
	assert_int_equal(cache_open(&c, f->path, "i", 0, f->err, sizeof f->err), CD_IO);
	assert_non_null(strstr(f->err, "cannot create cache"));
	snprintf(f->path, sizeof f->path, "%s/ro/deeper/i.db", f->dir);
	assert_int_equal(cache_open(&c, f->path, "i", 0, f->err, sizeof f->err), CD_IO);
	assert_non_null(strstr(f->err, "cannot create cache folder"));
}

static void export_and_remove(void **state)
{
	struct fx *f = *state;
	struct cache *c = open_ok(f, "i-1");
	long long scan;
	assert_int_equal(cache_scan_start(c, 1, &scan, f->err, sizeof f->err), CD_OK);
	searched(c, scan, "a", "alice", "A\"lice", 0);
	searched(c, scan, "b", "bob", "Bob", 1);
	listed(c, scan, "c", 3, 2);
	described(c, "b", "bob@x", 5, 6);
	char out[PATH_MAX + 16];
	snprintf(out, sizeof out, "%s/export.json", f->dir);
	FILE *fp = fopen(out, "w");
	assert_non_null(fp);
	assert_int_equal(cache_export_json(c, fp, f->err, sizeof f->err), CD_OK);
	fclose(fp);
	json_error_t je;
	json_t *a = json_load_file(out, 0, &je);
	assert_true(json_is_array(a));
	assert_int_equal(json_array_size(a), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(a, 0), "Id")), "a");
	assert_string_equal(json_string_value(json_object_get(
		json_object_get(json_array_get(a, 1), "IdentityInfo"), "Email")), "bob@x");
	assert_string_equal(json_string_value(json_object_get(json_array_get(a, 2), "Id")), "c");
	json_decref(a);
	cache_close(c);

	/* The companions go with the file. */
	char wal[PATH_MAX + 8];
	snprintf(wal, sizeof wal, "%s-wal", f->path);
	write_file(wal, "x", 1);
	assert_int_equal(cache_remove(f->path, f->err, sizeof f->err), CD_OK);
	assert_int_equal(access(f->path, F_OK), -1);
	assert_int_equal(access(wal, F_OK), -1);
	assert_int_equal(cache_remove(f->path, f->err, sizeof f->err), CD_NOT_FOUND);
}

static void read_only_open(void **state)
{
	struct fx *f = *state;
	struct cache *c = open_ok(f, "i-1");
	long long scan;
	assert_int_equal(cache_scan_start(c, 1, &scan, f->err, sizeof f->err), CD_OK);
	searched(c, scan, "a", "alice", "A", 0);
	cache_close(c);
	assert_int_equal(cache_open(&c, f->path, NULL, CACHE_READ_ONLY, f->err, sizeof f->err),
			 CD_OK);
	struct user_set s;
	user_set_init(&s);
	assert_int_equal(cache_load_users(c, &s, NULL, f->err, sizeof f->err), CD_OK);
	assert_int_equal(s.n, 1);
	user_set_release(&s);
	assert_int_equal(cache_begin(c, f->err, sizeof f->err), CD_IO);
	assert_int_equal(cache_scan_start(c, 1, &scan, f->err, sizeof f->err), CD_IO);
	cache_close(c);

	/* The one-call loader of analyze --cache. */
	user_set_init(&s);
	assert_int_equal(cache_load_file(f->path, &s, NULL, f->err, sizeof f->err), CD_OK);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.v[0].username, "alice");
	user_set_release(&s);
	char missing[PATH_MAX + 16];
	snprintf(missing, sizeof missing, "%s/none.db", f->dir);
	user_set_init(&s);
	assert_int_equal(cache_load_file(missing, &s, NULL, f->err, sizeof f->err), CD_NOT_FOUND);
	assert_int_equal(s.n, 0);
	user_set_release(&s);
	assert_int_equal(access(missing, F_OK), -1);
}

/* The key: Region and account recorded by a writer and checked on every open that names them;
 * an old cache learns them from its users' ARNs; an alias is found in the cache folder. */
static void keyed_by_region_and_account(void **state)
{
	struct fx *f = *state;
	struct cache *c = NULL;
	struct cache_key k = { .instance_id = "i-1", .region = "eu-west-2", .alias = "My-Centre" };
	assert_int_equal(cache_open_key(&c, f->path, &k, 0, f->err, sizeof f->err), CD_OK);
	assert_string_equal(cache_region(c), "eu-west-2");
	assert_string_equal(cache_account(c), "");
	assert_string_equal(cache_alias(c), "My-Centre");
	long long scan;
	assert_int_equal(cache_scan_start(c, 1000, &scan, f->err, sizeof f->err), CD_OK);
	struct user_fields uf = { .id = "u1", .username = "a",
				  .arn = "arn:aws:connect:eu-west-2:111122223333:instance/i-1/agent/u1",
				  .raw = "{\"Id\":\"u1\"}", .raw_len = 11 };
	assert_int_equal(cache_put_searched(c, scan, &uf, 0, 1000, f->err, sizeof f->err), CD_OK);
	cache_close(c);

	/* another Region: refused, naming both */
	k.region = "eu-west-3";
	assert_int_equal(cache_open_key(&c, f->path, &k, 0, f->err, sizeof f->err), CD_INPUT);
	assert_non_null(strstr(f->err, "of region 'eu-west-2', not 'eu-west-3'"));
	/* the account was learned from the ARN: another one is refused too */
	k.region = "eu-west-2";
	k.account = "444455556666";
	assert_int_equal(cache_open_key(&c, f->path, &k, CACHE_READ_ONLY, f->err, sizeof f->err),
			 CD_INPUT);
	assert_non_null(strstr(f->err, "of account '111122223333', not '444455556666'"));
	k.account = "111122223333";
	assert_int_equal(cache_open_key(&c, f->path, &k, 0, f->err, sizeof f->err), CD_OK);
	assert_string_equal(cache_account(c), "111122223333");
	cache_close(c);

	/* found by its alias, case-insensitively, in the cache folder */
	char path[PATH_MAX + 64];
	setenv("XDG_CACHE_HOME", f->dir, 1);
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s/connect-dupes", f->dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(path, sizeof path, "%s/i-1.db", dir);
	assert_int_equal(rename(f->path, path), 0);
	char found[PATH_MAX];
	assert_int_equal(cache_find("my-centre", found, sizeof found, f->err, sizeof f->err), CD_OK);
	assert_string_equal(found, path);
	assert_int_equal(cache_find("i-1", found, sizeof found, f->err, sizeof f->err), CD_OK);
	assert_int_equal(cache_find("arn:aws:connect:eu-west-2:111122223333:instance/i-1", found,
				    sizeof found, f->err, sizeof f->err), CD_OK);
	assert_int_equal(cache_find("arn:aws:connect:us-east-1:111122223333:instance/i-1", found,
				    sizeof found, f->err, sizeof f->err), CD_INPUT);
	assert_int_equal(cache_find("other-centre", found, sizeof found, f->err, sizeof f->err),
			 CD_NOT_FOUND);
	assert_non_null(strstr(f->err, "run a scan first"));

	/* an old cache: no Region recorded, learned from the ARNs */
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DELETE FROM meta WHERE key <> 'instance_id'", NULL, NULL,
				      NULL), SQLITE_OK);
	sqlite3_close(db);
	k = (struct cache_key){ .instance_id = "i-1", .region = "us-east-1" };
	assert_int_equal(cache_open_key(&c, path, &k, 0, f->err, sizeof f->err), CD_INPUT);
	assert_non_null(strstr(f->err, "of region 'eu-west-2', not 'us-east-1'"));
	/* ... and without ARNs it cannot tell: refused */
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "UPDATE users SET arn = ''", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	k.region = "eu-west-2";
	assert_int_equal(cache_open_key(&c, path, &k, 0, f->err, sizeof f->err), CD_INPUT);
	assert_non_null(strstr(f->err, "does not say which region its 1 users are from"));
	unsetenv("XDG_CACHE_HOME");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(creates_private_files_and_schema, setup, teardown),
		cmocka_unit_test(default_paths),
		cmocka_unit_test_setup_teardown(upserts_and_load_order, setup, teardown),
		cmocka_unit_test_setup_teardown(security_profiles_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(needs_describe, setup, teardown),
		cmocka_unit_test_setup_teardown(uncommitted_batch_is_lost, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_files_are_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(corrupt_pages_fail_cleanly, setup, teardown),
		cmocka_unit_test_setup_teardown(read_only_folder, setup, teardown),
		cmocka_unit_test_setup_teardown(export_and_remove, setup, teardown),
		cmocka_unit_test_setup_teardown(read_only_open, setup, teardown),
		cmocka_unit_test_setup_teardown(keyed_by_region_and_account, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
