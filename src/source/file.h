/* file.h -- the offline source: users read from JSON files (all_users_*.json and friends). */
#ifndef CD_SOURCE_FILE_H
#define CD_SOURCE_FILE_H

#include <stddef.h>
#include "model/user.h"
#include "result.h"

/* One input: 4 GiB, about five million users at ~750 bytes each (100,000 users are 73 MB). */
#define SOURCE_FILE_INPUT_MAX ((unsigned long long)4 << 30)
/* One user, or one other member of a document, in the input: DescribeUser answers are a few
 * KB; 64 MiB is also the cap on one API response. */
#define SOURCE_FILE_VALUE_MAX ((size_t)64 << 20)

/* Users in one analysis (all its inputs): memory is about 250 bytes a user at the least
 * (1.3 GB here), whatever the bytes cap allows. */
#define SOURCE_FILE_USERS_MAX 5000000

/* What a file says about the instance, when it says it ({"InstanceId","Region","Users":[...]}). */
struct source_meta {
	char instance_id[128];
	char region[64];
};

/* Appends the users of one file to `users`, in file order. Accepted shapes:
 *   [ User, User, ... ]                      (all_users_*.json, DescribeUser User objects)
 *   { "Users": [ User, ... ], ... }          (connect-emu instances; other keys ignored)
 *   { "User": {...} } { "User": {...} } ...  (concatenated `aws connect describe-user` output)
 * Reads the input with read(2) ('-': standard input) into a window that slides as it is
 * parsed, one user at a time without a JSON tree; each user keeps a copy of its values and
 * text (not the text when users->no_raw), so memory is the users plus a few MB whatever the
 * input (an endless one included).
 * Input that cannot start JSON fails at its first byte ("'/dev/zero' is not JSON: first byte
 * 0x00 at 1:1"); an input over SOURCE_FILE_INPUT_MAX bytes, one user (or one other member
 * of a document) over SOURCE_FILE_VALUE_MAX bytes, or more than SOURCE_FILE_USERS_MAX users
 * in `users`, fails saying so.
 * On bad input returns CD_INPUT with one line in err naming the file, the line:column and the
 * problem (CD_NOMEM when memory ran out); `users` may then hold a partial set that the caller releases. meta may be NULL. */
enum cd_result source_file_load(const char *path, struct user_set *users, struct source_meta *meta,
				char *err, size_t errlen);

/* For tests and fuzzing only: the window's first size (0: the default, 4 MiB). Every size
 * must give the same users and the same error; a window of a few bytes makes every boundary
 * case happen. Not thread-safe. */
void source_file_test_window(size_t bytes);

#endif
