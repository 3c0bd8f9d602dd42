/* output.h -- the report folder (0700) and the run's timestamp (files: outfile.h). */
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

#endif
