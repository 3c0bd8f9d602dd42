/* output.c -- the report folder (0700) and the run's timestamp; the files go through outfile. */
#include "report/output.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"

void output_timestamp(time_t t, char ts[16])
{
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(ts, 16, "%Y%m%d_%H%M%S", &tm);
}

static bool is_default_dir(const char *dir)
{
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	const char *base = dir + n;
	while (base > dir && base[-1] != '/')
		base--;
	return (size_t)(dir + n - base) == strlen("duplicate_users_output") &&
	       memcmp(base, "duplicate_users_output", (size_t)(dir + n - base)) == 0;
}

/* mkdir -p with 0700 for every folder it creates. */
static enum cd_result make_dirs(const char *dir, char *err, size_t errlen)
{
	char path[PATH_MAX];
	if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path) {
		snprintf(err, errlen, "output folder name too long: '%.60s...'", dir);
		return CD_USAGE;
	}
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST) {
			snprintf(err, errlen, "cannot create folder '%s': %s", path, strerror(errno));
			return CD_IO;
		}
		*p = '/';
	}
	if (mkdir(path, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create folder '%s': %s", path, strerror(errno));
		return CD_IO;
	}
	return CD_OK;
}

/* A report's temporary, as outfile names them: ".KIND_YYYYMMDD_HHMMSS.EXT.XXXXXX". */
static bool is_report_temp(const char *name)
{
	const char *p = strchr(name + 1, '_');
	for (; p; p = strchr(p + 1, '_')) {
		size_t i = 1;
		while (i <= 8 && p[i] >= '0' && p[i] <= '9')
			i++;
		if (i != 9 || p[9] != '_')
			continue;
		for (i = 10; i <= 15 && p[i] >= '0' && p[i] <= '9'; i++)
			;
		if (i == 16 && p[16] == '.')
			return true;
	}
	return false;
}

/* Removes the report temporaries that earlier runs left when they were killed: each holds a
 * whole report's personal data under a hidden name nobody would look for. A temporary that a
 * live run is writing is locked and stays (outfile_remove_stale). */
static size_t remove_stale(int dfd)
{
	size_t n = 0;
	int fd = dup(dfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	for (struct dirent *e; (e = readdir(d));)
		if (is_report_temp(e->d_name) && outfile_remove_stale(dfd, e->d_name))
			n++;
	closedir(d);
	return n;
}

enum cd_result output_prepare_dir(const char *dir, char *warn, size_t warnlen, char *err,
				  size_t errlen)
{
	int dfd = -1;
	enum cd_result rc = CD_OK;
	char path[PATH_MAX];
	if (warn && warnlen)
		warn[0] = '\0';
	if (!*dir) {
		snprintf(err, errlen, "the output folder name is empty");
		return CD_USAGE;
	}
	/* "out/" would follow a link named out: the slashes go before the O_NOFOLLOW open. */
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (n >= sizeof path) {
		snprintf(err, errlen, "output folder name too long: '%.60s...'", dir);
		return CD_USAGE;
	}
	memcpy(path, dir, n);
	path[n] = '\0';
	if ((rc = make_dirs(path, err, errlen)) != CD_OK)
		return rc;
	/* Opened without following a link, then inspected and tightened through the descriptor:
	 * a folder swapped for a link meanwhile is never chmod-ed or written into. */
	dfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	if (dfd < 0) {
		int e = errno;
		if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
			snprintf(err, errlen,
				 "output folder '%s' is a symbolic link: links are not followed, give "
				 "the folder itself with --output-dir", dir);
			return CD_USAGE;
		}
		if (e == ENOTDIR)
			snprintf(err, errlen, "cannot use '%s' as output folder: not a folder", dir);
		else
			snprintf(err, errlen, "cannot use folder '%s': %s", dir, strerror(e));
		return CD_IO;
	}
	if (fstat(dfd, &st) != 0) {
		snprintf(err, errlen, "cannot use folder '%s': %s", dir, strerror(errno));
		rc = CD_IO;
		goto out;
	}
	size_t stale = remove_stale(dfd);
	if ((st.st_mode & 0077) == 0) {
		if (stale && warn)
			snprintf(warn, warnlen, "removed %zu unfinished report file%s left in '%s' by "
				 "an interrupted earlier run", stale, stale == 1 ? "" : "s", dir);
		goto out;
	}
	if (is_default_dir(path) && st.st_uid == geteuid() && fchmod(dfd, 0700) == 0) {
		if (warn)
			snprintf(warn, warnlen, "tightened folder '%s' from mode %04o to 0700", dir,
				 (unsigned)(st.st_mode & 07777));
	} else if (warn) {
		snprintf(warn, warnlen,
			 "folder '%s' has mode %04o: other users can list it (the reports themselves are 0600)",
			 dir, (unsigned)(st.st_mode & 07777));
	}
out:
	close(dfd);
	return rc;
}
