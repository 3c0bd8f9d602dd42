/* summary.h -- the short end-of-run summary: users read, pairs per rule, files written. */
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
	const char *dir;               /* the output folder */
	const char *const *files;      /* file names written there, in order */
	size_t nfiles;
	bool model;                    /* the model ran (not --match classic): its clusters are
	                                * the headline, the classic pairs follow */
	size_t clusters, cluster_accounts, possible; /* the model's clusters, their accounts, and
	                                              * the possible pairs to review */
	bool partial;                  /* some users could not be fetched */
	size_t nfailed;
};

/* Appends the summary as lines (no trailing newline on the last) to out; the caller logs it. */
enum cd_result summary_format(struct buf *out, const struct summary_facts *s);

#endif
