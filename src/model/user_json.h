/* user_json.h -- a DescribeUser/SearchUsers `User` JSON object to struct user_fields and back. */
#ifndef CD_MODEL_USER_JSON_H
#define CD_MODEL_USER_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "model/user.h"
#include "result.h"

/* This is the one place JSON meets the model (the live crawl parses API responses with jansson
 * and calls user_from_json; the file source has its own streaming reader for speed but applies
 * the same rules and messages).
 *
 * Rules: `Id` must be a non-empty string; Arn, Username, DirectoryUserId, RoutingProfileId,
 * HierarchyGroupId, LastModifiedRegion, IdentityInfo.{FirstName,LastName,Email,SecondaryEmail,
 * Mobile} and PhoneConfig.DeskPhoneNumber must be strings when present; IdentityInfo and
 * PhoneConfig objects; LastModifiedTime a number (epoch seconds, as the service sends it) or an
 * ISO-8601 string (as some exports write it); SecurityProfileIds an array of strings, kept in
 * the canonical form of user_canon_ids. A JSON null counts as absent. Other members are kept
 * only in the raw text.
 *
 * On success *f's strings are borrowed from `obj` (valid while obj lives) and f->raw is the
 * compact JSON text of obj, malloc'd and returned in *raw_out for the caller to free (after
 * user_set_add copied it); f->security_profiles lives in that same block, after the raw text's
 * NUL (or is a static ""). On failure returns CD_INPUT (or CD_NOMEM) with one line in err
 * naming the member, e.g. `"IdentityInfo.Email" is a number, not a string`. */
enum cd_result user_from_json(const json_t *obj, struct user_fields *f, char **raw_out, char *err,
			      size_t errlen);

/* The JSON type name of the value starting at the first character c of a JSON text ("a string",
 * "a number", ...), for messages. */
const char *user_json_kind(char c);

#endif
