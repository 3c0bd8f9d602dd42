/* api_int.h -- what api.c shares with api_act.c and api_names.c: request building and response
 * parsing helpers (private to src/connect/api*.c; the public interface is api.h). */
#ifndef CD_CONNECT_API_INT_H
#define CD_CONNECT_API_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "connect/api.h"

/* --- requests ----------------------------------------------------------------------------- */

/* Empty parts for op/method (the parts are capped: a hostile token cannot grow them). */
void api_request_init(struct api_request *r, enum api_op op, const char *method);
/* CD_INPUT with a line in err when id is empty or longer than the model allows. */
enum cd_result api_check_id(const char *what, const char *id, char *err, size_t errlen);
/* CD_SERVICE with a line in err when a pagination token is implausibly long. */
enum cd_result api_check_token(const char *t, char *err, size_t errlen);
/* "maxResults=N[&nextToken=...]" for the GET listings. */
enum cd_result api_paging_query(struct buf *q, unsigned max_results, const char *next_token);
/* The builders' common ending: on failure, a line in err (for TOOBIG/NOMEM) and r released. */
enum cd_result api_finish(struct api_request *r, enum cd_result res, char *err, size_t errlen);
/* api_request_init, then the path PREFIX + instance id [+ "/" + id when `what` names it] +
 * SUFFIX, each label checked and percent-encoded. */
enum cd_result api_labelled(struct api_request *r, enum api_op op, const char *method,
			    const char *prefix, const char *instance_id, const char *what,
			    const char *id, const char *suffix, char *err, size_t errlen);

/* --- responses ---------------------------------------------------------------------------- */

/* The root object of a 2xx body (caller decrefs), or NULL with a line in err naming `what`. */
json_t *api_load_object(const char *body, size_t len, const char *what, char *err,
			size_t errlen);
/* The response's NextToken into *out (malloc'd; NULL when there is none). */
enum cd_result api_take_token(json_t *root, char **out, char *err, size_t errlen);
/* A string member of o (borrowed), or NULL when absent or not a string. */
const char *api_str_member(json_t *o, const char *key);
/* api_str_member of the object member `obj` of o. */
const char *api_nested_str(json_t *o, const char *obj, const char *key);
/* A string member copied into out ("" when absent). */
void api_copy_member(json_t *o, const char *key, char *out, size_t outlen);
/* Raw spans of valid JSON text: the value of the top-level member `key` of an object, and the
 * next element of an array (*pos starts at its '['). */
bool api_span_member(const char *s, size_t n, const char *key, size_t *at, size_t *end);
bool api_span_next(const char *s, size_t n, size_t *pos, size_t *at, size_t *end);

#endif
