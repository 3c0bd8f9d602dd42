/* outfile.c -- the one crash-safe file writer: 0600 temporary, fsync, rename, folder fsync. */
#include "outfile.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define OUTFILE_VBUF ((size_t)64 << 10)

/* The temporaries open right now, for outfile_remove_all_temps. A slot is claimed (1) while its
 * path is copied in and live (2) once the path is complete, so a signal handler reading the
 * table never unlinks half a name. 32 is more than one run ever has open (the reports: 8). */
#define OUTFILE_SLOTS 32
static struct {
	atomic_int state; /* 0 free, 1 being filled, 2 live */
	char path[PATH_MAX];
} temps[OUTFILE_SLOTS];

static int temp_register(const char *tmp)
{
	for (int i = 0; i < OUTFILE_SLOTS; i++) {
		int want = 0;
		if (!atomic_compare_exchange_strong(&temps[i].state, &want, 1))
			continue;
		snprintf(temps[i].path, sizeof temps[i].path, "%s", tmp);
		atomic_store(&temps[i].state, 2);
		return i;
	}
	return -1; /* full: this one is not removed by a signal, only by the next run */
}

static void temp_unregister(struct outfile *o)
{
	if (o->slot >= 0 && o->slot < OUTFILE_SLOTS)
		atomic_store(&temps[o->slot].state, 0);
	o->slot = -1;
}

/* A file created but not yet in the table would outlive a SIGTERM. The window from creating a
 * temporary to registering it is closed two ways: the creating thread blocks SIGINT and SIGTERM
 * in it (so the handler never runs on top of it), and another thread's handler waits for it
 * (`creating`) before it unlinks. `dying`, set first by the handler, keeps a thread that enters
 * the window afterwards from creating anything: with both sequentially consistent, either the
 * handler sees the count or the creator sees the flag. (Before this, one SIGTERM in a sanitizer
 * run of tests/cli/output_bounds.sh left a temporary behind.) */
static atomic_int creating, dying;

void outfile_remove_all_temps(void)
{
	atomic_store(&dying, 1);
	/* Bounded: a creation is an open(2) and an uncontended flock(2). */
	for (int waited = 0; waited < 2000 && atomic_load(&creating) > 0; waited++)
		nanosleep(&(struct timespec){.tv_nsec = 1000000}, NULL);
	for (int i = 0; i < OUTFILE_SLOTS; i++)
		if (atomic_load(&temps[i].state) == 2)
			unlink(temps[i].path);
}

enum cd_result outfile_open(struct outfile *o, const char *path, char *err, size_t errlen)
{
	memset(o, 0, sizeof *o);
	o->slot = -1;
	const char *slash = strrchr(path, '/');
	int dirlen = slash ? (int)(slash - path) : 1;
	const char *dir = slash ? path : ".", *base = slash ? slash + 1 : path;
	if (!*base) {
		snprintf(err, errlen, "cannot write '%.200s': not a file name", path);
		return CD_USAGE;
	}
	if (snprintf(o->path, sizeof o->path, "%s", path) >= (int)sizeof o->path ||
	    snprintf(o->tmp, sizeof o->tmp, "%.*s/.%s.XXXXXX", dirlen, dir, base) >=
		    (int)sizeof o->tmp) {
		snprintf(err, errlen, "file name too long: '%.60s...'", path);
		return CD_IO;
	}
	/* Between mkostemp and flock the new file is unlocked: another run cleaning stale
	 * temporaries in the same folder may take it for a dead run's and remove it (it takes the
	 * lock first, so once we hold it the file is ours). A file removed in that moment has no
	 * link left: make another. */
	char pattern[PATH_MAX];
	memcpy(pattern, o->tmp, sizeof pattern);
	int fd = -1;
	sigset_t stops, before;
	sigemptyset(&stops);
	sigaddset(&stops, SIGINT);
	sigaddset(&stops, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stops, &before);
	atomic_fetch_add(&creating, 1);
	for (int tries = 0; tries < 8 && !atomic_load(&dying); tries++) {
		memcpy(o->tmp, pattern, sizeof o->tmp);
		fd = mkostemp(o->tmp, O_CLOEXEC); /* mode 0600 */
		if (fd < 0)
			break;
		/* Held until the file is renamed or removed: a temporary whose lock is free
		 * belongs to a run that died (kill -9, power loss), and outfile_stale lets the
		 * next run remove it. */
		flock(fd, LOCK_EX);
		struct stat st;
		if (fstat(fd, &st) != 0 || st.st_nlink > 0)
			break;
		close(fd);
		fd = -1;
		errno = EAGAIN;
	}
	if (fd < 0 && atomic_load(&dying))
		errno = EINTR;
	if (fd >= 0)
		o->slot = temp_register(o->tmp);
	atomic_fetch_sub(&creating, 1);
	pthread_sigmask(SIG_SETMASK, &before, NULL);
	if (fd < 0) {
		snprintf(err, errlen, "cannot write in folder '%.*s': %s", dirlen, dir,
			 strerror(errno));
		o->tmp[0] = '\0';
		return CD_IO;
	}
	fchmod(fd, 0600); /* mkostemp's mode already, whatever the umask: say it anyway */
	o->f = fdopen(fd, "w");
	if (!o->f) {
		snprintf(err, errlen, "cannot write '%s': %s", o->path, strerror(errno));
		close(fd);
		unlink(o->tmp);
		o->tmp[0] = '\0';
		temp_unregister(o);
		return CD_IO;
	}
	/* The one buffer between a writer and the file: stdio's, 64 KiB instead of st_blksize
	 * (4 KiB), so the 117 MB of reports for 100,000 users take 1,800 write calls, not
	 * 28,800. Without the memory, stdio's own. */
	if ((o->vbuf = malloc(OUTFILE_VBUF)) != NULL)
		setvbuf(o->f, o->vbuf, _IOFBF, OUTFILE_VBUF);
	return CD_OK;
}

/* The rename itself is durable only once the folder is synced. */
static void sync_folder(const char *path)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	int dfd = open(slash ? (*dir ? dir : "/") : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
}

enum cd_result outfile_sync(struct outfile *o, char *err, size_t errlen)
{
	int e = 0;
	if (fflush(o->f) != 0 || ferror(o->f))
		e = errno ? errno : EIO;
	else if (fsync(fileno(o->f)) != 0)
		e = errno;
	if (e) {
		snprintf(err, errlen, "cannot write '%s': %s", o->path, strerror(e));
		return CD_IO;
	}
	return CD_OK;
}

enum cd_result outfile_commit(struct outfile *o, char *err, size_t errlen)
{
	int e = 0;
	if (fflush(o->f) != 0 || ferror(o->f))
		e = errno ? errno : EIO;
	else if (fsync(fileno(o->f)) != 0)
		e = errno;
	/* Renamed while still open (and locked), so that no cleaner can take it in between. */
	bool renamed = false;
	if (!e) {
		if (rename(o->tmp, o->path) == 0)
			renamed = true;
		else
			e = errno;
	}
	if (fclose(o->f) != 0 && !e)
		e = errno;
	o->f = NULL;
	free(o->vbuf);
	o->vbuf = NULL;
	if (e) {
		snprintf(err, errlen, "cannot write '%s': %s", o->path, strerror(e));
		unlink(renamed ? o->path : o->tmp); /* all or nothing under the final name */
		o->tmp[0] = '\0';
		temp_unregister(o);
		return CD_IO;
	}
	o->tmp[0] = '\0';
	temp_unregister(o);
	sync_folder(o->path);
	return CD_OK;
}

void outfile_abort(struct outfile *o)
{
	if (o->f) {
		fclose(o->f);
		o->f = NULL;
	}
	free(o->vbuf);
	o->vbuf = NULL;
	if (o->tmp[0])
		unlink(o->tmp);
	o->tmp[0] = '\0';
	temp_unregister(o);
}

/* The lock is held until the name is gone: outfile_open, which takes the lock of a temporary it
 * has just created, then sees a file without a link and makes another. */
bool outfile_remove_stale(int dirfd, const char *name)
{
	size_t n = strlen(name);
	if (name[0] != '.' || n < 9 || name[n - 7] != '.')
		return false;
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return false;
	struct stat st;
	bool removed = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
		       flock(fd, LOCK_EX | LOCK_NB) == 0 && unlinkat(dirfd, name, 0) == 0;
	close(fd);
	return removed;
}
