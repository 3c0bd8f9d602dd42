/* notdup.h -- reviewed decisions: pairs of accounts a person said are not duplicates (--not-duplicates FILE). */
#ifndef CD_DETECT_NOTDUP_H
#define CD_DETECT_NOTDUP_H

#include <stdbool.h>
#include <stddef.h>
#include "detect/match.h"
#include "detect/rules.h"
#include "model/user.h"
#include "result.h"

/*
 * The file is CSV, one pair a line: User1_ID,User2_ID[,Note] (a header line starting with
 * User1_ID, empty lines and lines starting with '#' are passed over; cells may be quoted as in
 * RFC 4180; a leading ' of the spreadsheet guard is dropped). The order of the two Ids does not
 * matter. Such a pair is never joined: it is taken out of the classic pairs and of the matched
 * pairs before clustering, so a cluster that only it held together splits, and it no longer
 * counts for --fail-on-duplicates.
 */
struct notdup;

enum cd_result notdup_parse(const char *text, size_t len, struct notdup **out, char *err,
			    size_t errlen);
/* Reads the file (CD_INPUT naming the file and line on a bad line). *out: notdup_free. */
enum cd_result notdup_load(const char *path, struct notdup **out, char *err, size_t errlen);
void notdup_free(struct notdup *n);
size_t notdup_count(const struct notdup *n);
bool notdup_has(const struct notdup *n, const char *a, const char *b);

/* Remove the reviewed pairs; return how many were removed. The match filter keeps the order
 * and corrects stats.duplicates / stats.possible (and by_kind) for what it removed. */
size_t notdup_filter_match(const struct notdup *n, const struct user_set *users,
			   const struct match_opts *o, struct match_result *m);
size_t notdup_filter_rules(const struct notdup *n, const struct user_set *users,
			   struct rule_pairs *p);

#endif
