/* file.h -- the offline source: users read from JSON files (all_users_*.json and friends). */
#ifndef CD_SOURCE_FILE_H
#define CD_SOURCE_FILE_H

#include <stddef.h>
#include "model/user.h"
#include "result.h"

/* What a file says about the instance, when it says it ({"InstanceId","Region","Users":[...]}). */
struct source_meta {
	char instance_id[128];
	char region[64];
};

/* Appends the users of one file to `users`, in file order. Accepted shapes:
 *   [ User, User, ... ]                      (all_users_*.json, DescribeUser User objects)
 *   { "Users": [ User, ... ], ... }          (connect-emu instances; other keys ignored)
 *   { "User": {...} } { "User": {...} } ...  (concatenated `aws connect describe-user` output)
 * Reads the input with read(2) ('-': standard input), then parses it one user at a time
 * without a JSON tree; each user keeps a copy of its values and text, so memory is the
 * input (freed on return) plus the users.
 * On bad input returns CD_INPUT with one line in err naming the file, the line:column and the
 * problem (CD_NOMEM when memory ran out); `users` may then hold a partial set that the caller releases. meta may be NULL. */
enum cd_result source_file_load(const char *path, struct user_set *users, struct source_meta *meta,
				char *err, size_t errlen);

#endif
