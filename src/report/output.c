/* output.c -- report folder and crash-safe report files: 0700 folder, 0600 files, temp + rename. */
#include "report/output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define OUTPUT_IOBUF ((size_t)1 << 20)
#define OUTPUT_FLUSH_STEP ((off_t)32 << 20) /* start disk writes every 32 MiB */

/* The stream writes through this cookie so that the disk starts writing a big report while it
 * is being produced: with a 24 GB page cache nothing is written back before the final fsync,
 * which then waited ~1 s for a million users' reports. It lives behind the FILE's buffer. */
struct sink {
	int fd;
	off_t written, synced;
};

static ssize_t sink_write(void *cookie, const char *p, size_t n)
{
	struct sink *k = cookie;
	size_t done = 0;
	while (done < n) {
		ssize_t w = write(k->fd, p + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return done ? (ssize_t)done : -1;
		done += (size_t)w;
	}
	k->written += (off_t)done;
	if (k->written - k->synced >= OUTPUT_FLUSH_STEP) {
		/* Asynchronous: queues the range for writing; output_commit's fsync waits. */
		sync_file_range(k->fd, k->synced, k->written - k->synced, SYNC_FILE_RANGE_WRITE);
		k->synced = k->written;
	}
	return (ssize_t)done;
}

static int sink_close(void *cookie)
{
	struct sink *k = cookie;
	return close(k->fd);
}

static struct sink *sink_of(const struct output_file *o)
{
	return (struct sink *)(void *)(o->iobuf + OUTPUT_IOBUF);
}

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

enum cd_result output_open(struct output_file *o, const char *dir, const char *name, char *err,
			   size_t errlen)
{
	memset(o, 0, sizeof *o);
	if (snprintf(o->path, sizeof o->path, "%s/%s", dir, name) >= (int)sizeof o->path ||
	    snprintf(o->tmp, sizeof o->tmp, "%s/.%s.XXXXXX", dir, name) >= (int)sizeof o->tmp) {
		snprintf(err, errlen, "output path too long in folder '%.60s'", dir);
		return CD_IO;
	}
	int fd = mkostemp(o->tmp, O_CLOEXEC); /* mode 0600 */
	if (fd < 0) {
		snprintf(err, errlen, "cannot write in folder '%s': %s", dir, strerror(errno));
		return CD_IO;
	}
	fchmod(fd, 0600);
	/* Big writes: a million users are ~1 GB of reports, 4 KiB writes would be 250,000 calls. */
	o->iobuf = malloc(OUTPUT_IOBUF + sizeof(struct sink));
	if (!o->iobuf) {
		snprintf(err, errlen, "out of memory writing '%s'", o->path);
		close(fd);
		unlink(o->tmp);
		return CD_NOMEM;
	}
	struct sink *k = sink_of(o);
	k->fd = fd;
	k->written = k->synced = 0;
	o->f = fopencookie(k, "w", (cookie_io_functions_t){ .write = sink_write,
							  .close = sink_close });
	if (!o->f) {
		snprintf(err, errlen, "cannot write '%s': %s", o->path, strerror(errno));
		close(fd);
		unlink(o->tmp);
		free(o->iobuf);
		o->iobuf = NULL;
		return CD_IO;
	}
	setvbuf(o->f, o->iobuf, _IOFBF, OUTPUT_IOBUF);
	return CD_OK;
}

enum cd_result output_commit(struct output_file *o, char *err, size_t errlen)
{
	enum cd_result rc = CD_OK;
	int e = 0;
	if (fflush(o->f) != 0 || ferror(o->f))
		e = errno ? errno : EIO;
	else if (fsync(sink_of(o)->fd) != 0)
		e = errno;
	if (fclose(o->f) != 0 && !e)
		e = errno;
	o->f = NULL;
	free(o->iobuf);
	o->iobuf = NULL;
	if (!e && rename(o->tmp, o->path) != 0)
		e = errno;
	if (e) {
		snprintf(err, errlen, "cannot write '%s': %s", o->path, strerror(e));
		unlink(o->tmp);
		return CD_IO;
	}
	/* The rename itself is durable only once the folder is synced. */
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", o->path);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	int dfd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return rc;
}

void output_abort(struct output_file *o)
{
	if (o->f) {
		fclose(o->f);
		o->f = NULL;
	}
	free(o->iobuf);
	o->iobuf = NULL;
	if (o->tmp[0])
		unlink(o->tmp);
}
