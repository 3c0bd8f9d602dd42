/* json.h -- the compatible JSON reports: all_users (raw User objects) and duplicate_users. */
#ifndef CD_REPORT_JSON_H
#define CD_REPORT_JSON_H

#include <stdio.h>

#include "detect/rules.h"
#include "model/user.h"

/* Written directly through jsonesc (no json_t tree), so a million users stream out. */

/* all_users_<ts>.json: an array of the users' User objects as received, one per line. A user
 * without raw text (never the case for files or DescribeUser) is written from its fields. */
void report_json_users(FILE *f, const struct user_set *users);

/* duplicate_users_<ts>.json: {"duplicate_emails":[...],"duplicate_usernames":[...],
 * "duplicate_names":[...]}, each entry {"user1":U,"user2":U,"reason":"..."} where U holds the
 * user's original Id, Username, Email, FirstName and LastName (the columns of the CSV). */
void report_json_pairs(FILE *f, const struct user_set *users, const struct rule_pairs *pairs);

#endif
