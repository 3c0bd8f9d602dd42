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
};

/* The temporary is locked (flock) from open until commit or abort, so a process that dies
 * while writing leaves a temporary whose lock is free. outfile_stale says whether `name` in the
 * folder dirfd is such a leftover of ours: a regular file of this user named ".NAME.XXXXXX"
 * that nobody holds locked (the caller narrows NAME further before removing it). */
bool outfile_stale(int dirfd, const char *name);

enum cd_result outfile_open(struct outfile *o, const char *path, char *err, size_t errlen);
enum cd_result outfile_commit(struct outfile *o, char *err, size_t errlen);
void outfile_abort(struct outfile *o);

#endif
