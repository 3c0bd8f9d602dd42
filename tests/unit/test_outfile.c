/* test_outfile.c -- unit tests for the crash-safe writer: 0600, nothing under the final name until commit, abort leaves nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "outfile.h"

static char dir[64];

static int setup(void **state)
{
	snprintf(dir, sizeof dir, "/tmp/test_outfile.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int entries(void)
{
	DIR *d = opendir(dir);
	int n = 0;
	for (struct dirent *e; (e = readdir(d));)
		n += e->d_name[0] != '.' || (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."));
	closedir(d);
	return n;
}

static int teardown(void **state)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd);
}

static void commit_replaces_whole(void **state)
{
	char path[128], err[256];
	snprintf(path, sizeof path, "%s/report.csv", dir);
	FILE *old = fopen(path, "w");
	fputs("old", old);
	fclose(old);
	struct outfile o;
	assert_int_equal(outfile_open(&o, path, err, sizeof err), CD_OK);
	fputs("new contents", o.f);
	/* Until commit the final name still holds the old file, and a hidden temporary exists. */
	FILE *r = fopen(path, "r");
	char got[32] = { 0 };
	assert_non_null(fgets(got, sizeof got, r));
	fclose(r);
	assert_string_equal(got, "old");
	assert_int_equal(entries(), 2);
	struct stat st;
	assert_int_equal(stat(o.tmp, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(outfile_commit(&o, err, sizeof err), CD_OK);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	r = fopen(path, "r");
	assert_non_null(fgets(got, sizeof got, r));
	fclose(r);
	assert_string_equal(got, "new contents");
	assert_int_equal(entries(), 1);
}

static void abort_leaves_nothing(void **state)
{
	char path[128], err[256];
	snprintf(path, sizeof path, "%s/x.json", dir);
	struct outfile o;
	assert_int_equal(outfile_open(&o, path, err, sizeof err), CD_OK);
	fputs("half", o.f);
	outfile_abort(&o);
	assert_int_equal(entries(), 0);
}

/* Synced is not committed: the final name appears only at commit; what a signal handler removes
 * is exactly the temporaries still open. */
static void sync_then_remove_all_temps(void **state)
{
	char a[128], b[128], err[256];
	snprintf(a, sizeof a, "%s/a.csv", dir);
	snprintf(b, sizeof b, "%s/b.csv", dir);
	struct outfile oa, ob;
	assert_int_equal(outfile_open(&oa, a, err, sizeof err), CD_OK);
	assert_int_equal(outfile_open(&ob, b, err, sizeof err), CD_OK);
	fputs("a", oa.f);
	fputs("b", ob.f);
	assert_int_equal(outfile_sync(&oa, err, sizeof err), CD_OK);
	assert_int_equal(access(a, F_OK), -1);
	assert_int_equal(outfile_commit(&oa, err, sizeof err), CD_OK);
	assert_int_equal(access(a, F_OK), 0);
	assert_int_equal(entries(), 2); /* a.csv and b's temporary */
	outfile_remove_all_temps();
	assert_int_equal(entries(), 1); /* a.csv only: committed files are not touched */
	assert_int_equal(access(a, F_OK), 0);
	outfile_abort(&ob); /* its temporary is gone already: harmless */
	assert_int_equal(entries(), 1);
	outfile_remove_all_temps(); /* nothing registered any more */
	assert_int_equal(entries(), 1);
	/* The handler is about to kill the process: a writer thread that opens a report now
	 * creates nothing the handler would not see. (Last test: the process stays "dying".) */
	char c[128];
	snprintf(c, sizeof c, "%s/c.csv", dir);
	struct outfile oc;
	assert_int_equal(outfile_open(&oc, c, err, sizeof err), CD_IO);
	assert_null(strchr(err, '\n'));
	assert_int_equal(entries(), 1);
}

/* A cleaner removes a dead run's temporary, never a live one (it is locked). */
static void remove_stale_only_when_unlocked(void **state)
{
	char path[128], err[256], dead[160];
	snprintf(path, sizeof path, "%s/r.csv", dir);
	struct outfile o;
	assert_int_equal(outfile_open(&o, path, err, sizeof err), CD_OK);
	const char *name = strrchr(o.tmp, '/') + 1;
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	assert_false(outfile_remove_stale(dfd, name));
	assert_int_equal(access(o.tmp, F_OK), 0);
	snprintf(dead, sizeof dead, "%s/.r.csv.AbC123", dir);
	FILE *f = fopen(dead, "w");
	fclose(f);
	assert_true(outfile_remove_stale(dfd, ".r.csv.AbC123"));
	assert_int_equal(access(dead, F_OK), -1);
	close(dfd);
	outfile_abort(&o);
	assert_int_equal(entries(), 0);
}

static void unwritable_folder_is_one_line(void **state)
{
	char err[256] = "";
	struct outfile o;
	assert_int_equal(outfile_open(&o, "/nonexistent-dir/x.csv", err, sizeof err), CD_IO);
	assert_non_null(strstr(err, "/nonexistent-dir"));
	assert_null(strchr(err, '\n'));
	assert_int_equal(outfile_open(&o, "/tmp/", err, sizeof err), CD_USAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(commit_replaces_whole, setup, teardown),
		cmocka_unit_test_setup_teardown(abort_leaves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(remove_stale_only_when_unlocked, setup, teardown),
		cmocka_unit_test(unwritable_folder_is_one_line),
		cmocka_unit_test_setup_teardown(sync_then_remove_all_temps, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
