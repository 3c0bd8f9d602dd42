/* pipeline.h -- users in, reports out: detection and every report, shared by analyze and scan. */
#ifndef CD_CMD_PIPELINE_H
#define CD_CMD_PIPELINE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "cli.h"
#include "detect/match.h"
#include "detect/rules.h"
#include "model/names.h"
#include "model/user.h"
#include "result.h"

/* Report formats (--format csv,json,...). */
enum {
	PIPE_FMT_CSV = 1u << 0,
	PIPE_FMT_JSON = 1u << 1,
	PIPE_FMT_HTML = 1u << 2,
};

/* The detection and report options common to analyze and scan (src/cmd/common.h parses them). */
struct pipeline_opts {
	const char *output_dir;   /* NULL: ./duplicate_users_output */
	unsigned formats;         /* PIPE_FMT_* bits; 0 means csv+json */
	bool csv_raw;             /* no formula-injection guard */
	bool fail_on_duplicates;  /* CD_DUPLICATES when a pair is found */
	int verbosity;            /* -1 quiet (-q), 0 normal, 1 verbose (-v) */
	bool no_progress;
	enum cli_output output;   /* --output: the summary as text on stderr, or json/table on stdout */
	struct match_opts match;  /* --match, --threshold (detect/match.h); all-zero = classic */
	const char *not_duplicates; /* --not-duplicates FILE (detect/notdup.h); NULL: none */
};

/* One user the scan could not fetch (all strings borrowed). */
struct scan_failure {
	const char *id;
	const char *operation;    /* "DescribeUser", ... */
	const char *error;        /* one line */
};

/* Where the users came from, for the report's header ("what was read" differs: a scan knows
 * whether it saw every user of the instance, an export file does not). */
enum scan_origin {
	SCAN_ORIGIN_FILES = 0,   /* analyze FILE...: exports, their completeness unknown */
	SCAN_ORIGIN_CACHE,       /* analyze --cache/--instance: a scan's cache */
	SCAN_ORIGIN_SCAN,        /* scan: the Amazon Connect API, just now */
};

/* What the source knows beyond the users; NULL for a complete offline analysis of files. The
 * instance strings may be NULL or "" (unknown): the pipeline then takes them from the users'
 * ARNs (arn:aws:connect:REGION:ACCOUNT:instance/ID/agent/UID) when those agree. */
struct scan_facts {
	const char *source;                 /* for the log: "instance ID in REGION", "2 files" */
	bool partial;                       /* some users are missing from `users` */
	const struct scan_failure *failed;  /* the missing users */
	size_t nfailed;
	enum scan_origin origin;
	const char *instance_id, *instance_alias, *region, *account;
	const struct name_table *names;     /* ids -> names for the evidence; NULL: ids */
};

/* What a run produced (for the caller's own messages and for tests). */
struct pipeline_result {
	char dir[PATH_MAX];
	char ts[16];
	size_t pairs[RULE_COUNT];
};

/* Runs the stages in order -- prepare the folder and log file, detect, write each report,
 * summarise -- logging as it goes (this is CLI-layer code: the log file scan_log_<ts>.log lives
 * in the output folder and also receives the lines logged before it opened). Returns CD_OK,
 * CD_INCOMPLETE when facts->partial (reports written and marked partial; this wins over
 * duplicates), CD_DUPLICATES when fail_on_duplicates and a pair was found, or the error of the
 * stage that failed (already logged). `res` may be NULL. */
enum cd_result pipeline_run(const struct user_set *users, const struct pipeline_opts *o,
			    const struct scan_facts *facts, struct pipeline_result *res);

#endif
