/* isotime.h -- the one ISO-8601 timestamp parser (AWS's JSON, the CLI's caches, our files). */
#ifndef CD_ISOTIME_H
#define CD_ISOTIME_H

#include <stdbool.h>
#include <stddef.h>

/* Parses s[0..n) as "YYYY-MM-DD" or "YYYY-MM-DD(T|t| )HH:MM:SS[.fff][zone]" where zone is "Z",
 * "z", "UTC", "+HH:MM", "+HHMM" (or '-') or nothing (UTC, as the AWS CLI's caches write it).
 * *out receives seconds since the epoch, the fraction kept. False (and *out untouched) for
 * anything else, including trailing bytes and out-of-range fields. (SigV4's basic format
 * "YYYYMMDDTHHMMSSZ" is sigv4_parse_amz_date's.) */
bool isotime_parse(const char *s, size_t n, double *out);

#endif
