/* output.h -- the report folder (0700), its files (0600, temp name, fsync, rename) and the run's timestamp. */
#ifndef CD_REPORT_OUTPUT_H
#define CD_REPORT_OUTPUT_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "result.h"

#define OUTPUT_DEFAULT_DIR "./duplicate_users_output"

/* "YYYYMMDD_HHMMSS" in local time, as the earlier tool named its files; one value per run. */
void output_timestamp(time_t t, char ts[16]);

/* Creates `dir` (and missing parents) with mode 0700. An existing folder that others can read
 * is tightened to 0700 when it is the default folder (the earlier tool made it 0755) and left
 * alone otherwise: a folder the user chose may be shared on purpose, and every file we write is
 * 0600 anyway; *warn (may be NULL) then receives a line to log ("" when nothing to say). */
enum cd_result output_prepare_dir(const char *dir, char *warn, size_t warnlen, char *err,
				  size_t errlen);

/* One report file being written. Open creates a hidden temporary "DIR/.NAME.XXXXXX" (0600);
 * commit flushes, fsyncs, renames it to DIR/NAME and fsyncs the folder, so a crash never leaves
 * a half-written report under the final name; abort removes the temporary. After open, exactly
 * one of commit or abort must be called. Write with the FILE* (errors are caught at commit). */
struct output_file {
	FILE *f;
	char *iobuf;   /* the FILE's 1 MiB buffer (glibc ignores a size without a buffer) */
	char tmp[PATH_MAX];
	char path[PATH_MAX];
};

enum cd_result output_open(struct output_file *o, const char *dir, const char *name, char *err,
			   size_t errlen);
enum cd_result output_commit(struct output_file *o, char *err, size_t errlen);
void output_abort(struct output_file *o);

#endif
