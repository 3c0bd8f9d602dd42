/* outfile.h -- the one crash-safe file writer: 0600 temporary, fsync, rename, folder fsync. */
#ifndef CD_OUTFILE_H
#define CD_OUTFILE_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

#include "result.h"

/* One file being written. outfile_open creates a hidden temporary "DIR/.NAME.XXXXXX" (0600)
 * beside `path`; outfile_commit flushes, fsyncs, renames it to `path` and fsyncs the folder, so
 * a crash or a full disk never leaves half a file under the final name (a reader such as the
 * AWS CLI, or an auditor, sees the old file or the whole new one); outfile_abort removes the
 * temporary. After a successful open, exactly one of commit or abort must be called. Write with
 * the FILE* (stdio's own buffer; write errors are caught at commit). */
struct outfile {
	FILE *f;
	char *vbuf; /* f's buffer, freed with it */
	char tmp[PATH_MAX];
	char path[PATH_MAX];
	int slot; /* in the table outfile_remove_all_temps reads; -1: not in it */
};

/* The temporary is locked (flock) from open until commit or abort, so a process that dies
 * while writing leaves a temporary whose lock is free. outfile_remove_stale removes `name` in
 * the folder dirfd when it is such a leftover of ours: a regular file of this user named
 * ".NAME.XXXXXX" that nobody holds locked (the caller narrows NAME further), holding its lock
 * until it is unlinked (a check-then-unlink could remove a temporary a live run created and
 * locked in between). True when removed. */
bool outfile_remove_stale(int dirfd, const char *name);

enum cd_result outfile_open(struct outfile *o, const char *path, char *err, size_t errlen);
/* Flushes and fsyncs the temporary without renaming it: a writer of several files (the reports
 * of one run) syncs every one first and commits them all only when all succeeded, so a full disk
 * leaves none of them under its final name. On failure (CD_IO, err filled) the file is still
 * open: abort it. */
enum cd_result outfile_sync(struct outfile *o, char *err, size_t errlen);
enum cd_result outfile_commit(struct outfile *o, char *err, size_t errlen);
void outfile_abort(struct outfile *o);

/* Removes every temporary still open in this process (not committed, not aborted). Only
 * unlink(2) on a fixed table: async-signal-safe, for a SIGINT/SIGTERM handler that then dies
 * (the temporaries hold personal data; the next run would remove them, but maybe never runs).
 * It first waits for another thread that is creating a temporary, and from then on outfile_open
 * creates nothing (CD_IO): the process is about to die. */
void outfile_remove_all_temps(void);

#endif
