/* jsonw.h -- a small JSON writer for what commands print on standard output with --output json. */
#ifndef CD_JSONW_H
#define CD_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Writes one JSON document to f as it goes, indented by two spaces, members in the order the
 * caller writes them (that order is the documented, stable one: docs/formats.md). Every call
 * takes the member's key inside an object and NULL inside an array. Strings go through
 * jsonesc; a NULL string is written as null; a double that is not finite as null. Nesting
 * deeper than JSONW_MAX_DEPTH is ignored (a bug, caught by the tests). Write errors show in
 * ferror(f). Owns nothing. */
#define JSONW_MAX_DEPTH 16

struct jsonw {
	FILE *f;
	int depth;
	bool nonempty[JSONW_MAX_DEPTH]; /* the container at each depth has a member already */
	char close[JSONW_MAX_DEPTH];    /* '}' or ']' */
};

void jsonw_init(struct jsonw *w, FILE *f);
void jsonw_object(struct jsonw *w, const char *key);
void jsonw_array(struct jsonw *w, const char *key);
void jsonw_end(struct jsonw *w); /* closes the innermost object or array */
void jsonw_str(struct jsonw *w, const char *key, const char *s);
void jsonw_uint(struct jsonw *w, const char *key, unsigned long long v);
void jsonw_int(struct jsonw *w, const char *key, long long v);
void jsonw_num(struct jsonw *w, const char *key, double v);
void jsonw_bool(struct jsonw *w, const char *key, bool v);
void jsonw_null(struct jsonw *w, const char *key);
/* An epoch time as "YYYY-MM-DDTHH:MM:SSZ" (UTC), or null when t <= 0 (never). */
void jsonw_time(struct jsonw *w, const char *key, double t);
/* Ends the document with a newline. */
void jsonw_finish(struct jsonw *w);

#endif
