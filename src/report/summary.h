/* summary.h -- the short end-of-run summary: clusters and removable accounts first, then the classic pairs, files. */
#ifndef CD_REPORT_SUMMARY_H
#define CD_REPORT_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "detect/rules.h"
#include "result.h"

struct summary_facts {
	size_t users;                  /* users analysed (after Id de-duplication) */
	size_t pairs[RULE_COUNT];      /* pairs per classic rule */
	const char *mode;              /* "standard", "thorough"; NULL: --match classic (no clusters) */
	size_t clusters;               /* clusters of duplicate accounts */
	size_t in_clusters;            /* accounts in them */
	size_t possible;               /* pairs below the threshold, to review */
	const char *dir;               /* the output folder */
	const char *const *files;      /* file names written there, in order */
	size_t nfiles;
	bool partial;                  /* some users could not be fetched */
	size_t nfailed;
};

/* Accounts that could be removed: every account of a cluster but the one it keeps. */
size_t summary_removable(const struct summary_facts *s);

/* Appends the summary as lines (no trailing newline on the last) to out; the caller logs it.
 * It leads with what an administrator acts on (clusters, accounts that could be removed); the
 * classic pairs follow on the next line, labelled as the earlier tools' rules. */
enum cd_result summary_format(struct buf *out, const struct summary_facts *s);

#endif
