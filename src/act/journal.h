/* journal.h -- apply's write-ahead journal: which deletions were begun and which finished. */
#ifndef CD_ACT_JOURNAL_H
#define CD_ACT_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include "result.h"

/*
 * One text file next to the plan ("PLAN.journal"), appended to and fsync'd before and after
 * every write request, so a run killed at any instant (SIGKILL, power loss) leaves a record a
 * rerun can trust:
 *   connect-dupes journal 1 instance INSTANCE_ID
 *   B DeleteUser ID            -- written and fsync'd before the request is sent
 *   E DeleteUser ID ok|gone|failed  -- after the answer
 * A "B" without its "E" means the request may or may not have reached the service; the caller
 * asks the service (DescribeUser) before deciding. A torn last line (killed mid-write) is
 * ignored. The module prints nothing.
 */

enum journal_state {
	JOURNAL_NONE = 0, /* never begun (or only failed: try again) */
	JOURNAL_BEGUN,    /* begun, no answer recorded */
	JOURNAL_DONE,     /* finished: deleted, or found gone */
};

struct journal;

/* Opens or creates the journal at path for instance_id: an existing journal for another
 * instance is CD_INPUT (err says so). *out belongs to the caller: journal_close. */
enum cd_result journal_open(const char *path, const char *instance_id, struct journal **out,
			    char *err, size_t errlen);
void journal_close(struct journal *j);

/* The state of (op, id) after everything read and written so far. */
enum journal_state journal_state(const struct journal *j, const char *op, const char *id);

/* Append one line and fsync it. `result` is "ok", "gone" or "failed". */
enum cd_result journal_begin(struct journal *j, const char *op, const char *id, char *err,
			     size_t errlen);
enum cd_result journal_end(struct journal *j, const char *op, const char *id, const char *result,
			   char *err, size_t errlen);

/* How many (op, id) are DONE. */
size_t journal_done_count(const struct journal *j);

#endif
