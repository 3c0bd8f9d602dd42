/* result.c -- maps the project result enum to exit codes and names. */
#include "result.h"

int result_exit_code(enum cd_result r)
{
	switch (r) {
	case CD_OK: return EXIT_COMPLETE;
	case CD_DUPLICATES: return EXIT_DUPLICATES;
	case CD_USAGE:
	case CD_INPUT:
	case CD_NOT_FOUND: return EXIT_USAGE;
	case CD_INCOMPLETE:
	case CD_NETWORK:
	case CD_THROTTLED:
	case CD_SERVICE:
	case CD_INTERRUPTED: return EXIT_INCOMPLETE;
	case CD_AUTH: return EXIT_AUTH;
	case CD_IO:
	case CD_NOMEM:
	case CD_TOOBIG:
	case CD_INTERNAL: return EXIT_LOCAL;
	}
	return EXIT_LOCAL;
}

const char *result_exit_meaning(int code)
{
	switch (code) {
	case EXIT_COMPLETE: return "complete";
	case EXIT_DUPLICATES: return "duplicates found and --fail-on-duplicates given";
	case EXIT_USAGE:
		return "usage, input or configuration error (bad option, bad file, unknown instance, a "
		       "Region that does not exist or does not resolve); nothing written";
	case EXIT_INCOMPLETE:
		return "incomplete: the service could not be reached, some users could not be fetched, "
		       "or Ctrl-C/SIGTERM stopped the scan; reports are written and marked partial (run "
		       "again to resume)";
	case EXIT_AUTH: return "AWS authentication or permission error";
	case EXIT_LOCAL: return "local I/O or internal error (disk full...); no report is left under its final name";
	}
	return NULL;
}

const char *result_name(enum cd_result r)
{
	switch (r) {
	case CD_OK: return "ok";
	case CD_DUPLICATES: return "duplicates";
	case CD_USAGE: return "usage";
	case CD_INPUT: return "input";
	case CD_NOT_FOUND: return "not-found";
	case CD_INCOMPLETE: return "incomplete";
	case CD_NETWORK: return "network";
	case CD_THROTTLED: return "throttled";
	case CD_SERVICE: return "service";
	case CD_INTERRUPTED: return "interrupted";
	case CD_AUTH: return "auth";
	case CD_IO: return "io";
	case CD_NOMEM: return "nomem";
	case CD_TOOBIG: return "toobig";
	case CD_INTERNAL: return "internal";
	}
	return "unknown";
}
