/* result.h -- the one result type of the project and its mapping to documented exit codes. */
#ifndef CD_RESULT_H
#define CD_RESULT_H

/* Every function that can fail returns one of these. Only main() turns it into an exit code,
 * through result_exit_code(); docs/exit-codes.md is the user-facing table. */
enum cd_result {
	CD_OK = 0,
	CD_DUPLICATES,   /* duplicates found and --fail-on-duplicates given      -> exit 1 */
	CD_USAGE,        /* bad command line                                     -> exit 2 */
	CD_INPUT,        /* bad input file or data, unknown instance             -> exit 2 */
	CD_NOT_FOUND,    /* a named resource does not exist                      -> exit 2 */
	CD_INCOMPLETE,   /* some users could not be fetched; reports are partial -> exit 3 */
	CD_NETWORK,      /* connection failed or timed out after retries         -> exit 3 */
	CD_THROTTLED,    /* throttled beyond the retry budget                    -> exit 3 */
	CD_SERVICE,      /* the service answered with an unexpected error        -> exit 3 */
	CD_INTERRUPTED,  /* stopped by a signal; what finished is kept           -> exit 3 */
	CD_AUTH,         /* no credentials, bad signature, access denied         -> exit 4 */
	CD_IO,           /* local file system error                              -> exit 5 */
	CD_NOMEM,        /* out of memory                                        -> exit 5 */
	CD_TOOBIG,       /* a bounded buffer's cap was reached                   -> exit 5 */
	CD_INTERNAL,     /* a bug: should not happen                             -> exit 5 */
};

/* Documented exit codes (README, docs/exit-codes.md). */
enum {
	EXIT_COMPLETE = 0,
	EXIT_DUPLICATES = 1,
	EXIT_USAGE = 2,
	EXIT_INCOMPLETE = 3,
	EXIT_AUTH = 4,
	EXIT_LOCAL = 5,
};

int result_exit_code(enum cd_result r);
/* What an exit code means, one line, as the README's table and every --help say it (a test
 * compares them); NULL for a code that is not documented. */
const char *result_exit_meaning(int code);
/* A short stable name ("usage", "auth", ...) for logs and tests. */
const char *result_name(enum cd_result r);

#endif
