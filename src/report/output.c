/* output.c -- the report folder (0700) and the run's timestamp; the files go through outfile. */
#include "report/output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

enum cd_result output_prepare_dir(const char *dir, char *warn, size_t warnlen, char *err,
				  size_t errlen)
{
	if (warn && warnlen)
		warn[0] = '\0';
	if (!*dir) {
		snprintf(err, errlen, "the output folder name is empty");
		return CD_USAGE;
	}
	enum cd_result rc = make_dirs(dir, err, errlen);
	if (rc != CD_OK)
		return rc;
	struct stat st;
	if (stat(dir, &st) != 0) {
		snprintf(err, errlen, "cannot use folder '%s': %s", dir, strerror(errno));
		return CD_IO;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "cannot use '%s' as output folder: not a folder", dir);
		return CD_IO;
	}
	if ((st.st_mode & 0077) == 0)
		return CD_OK;
	if (is_default_dir(dir) && st.st_uid == geteuid() && chmod(dir, 0700) == 0) {
		if (warn)
			snprintf(warn, warnlen, "tightened folder '%s' from mode %04o to 0700", dir,
				 (unsigned)(st.st_mode & 07777));
	} else if (warn) {
		snprintf(warn, warnlen,
			 "folder '%s' has mode %04o: other users can list it (the reports themselves are 0600)",
			 dir, (unsigned)(st.st_mode & 07777));
	}
	return CD_OK;
}
