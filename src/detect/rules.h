/* rules.h -- the classic duplicate rules (e-mail, username, first+last name), by hash grouping. */
#ifndef CD_DETECT_RULES_H
#define CD_DETECT_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "model/user.h"
#include "result.h"

/* The rules, kept compatible with the earlier shell tool (DESIGN.md "Detection"):
 *   email:    same non-empty e-mail
 *   username: same non-empty username, where the e-mails differ or the first user's is empty
 *   name:     same non-empty first name and same non-empty last name, where the e-mails differ
 *             or the first user's is empty
 * All comparisons use ASCII lower-casing only (bytes A-Z); other letters are compared as they
 * are, exactly like jq's ascii_downcase. "The e-mails differ" is compared the same way, so a
 * username or name pair is never also an e-mail pair; a pair can be both a username and a name
 * pair. Each key is grouped by hash in O(n); a group of k users gives its k(k-1)/2 pairs. */
enum rule_kind {
	RULE_EMAIL = 0,
	RULE_USERNAME = 1,
	RULE_NAME = 2,
	RULE_COUNT
};

/* One pair: a < b are indexes into the user_set (input order). `reason` is the seed's text,
 * "Duplicate email: x", "Duplicate username: x" or "Duplicate name: first last", with the
 * matched value ASCII-lower-cased; it is shared by every pair of the same group and owned by
 * the pair list. */
struct rule_pair {
	uint32_t a, b;
	const char *reason;
};

/* The pairs of each rule, each list ordered by (a, b). */
struct rule_pairs {
	struct rule_pair *v[RULE_COUNT];
	size_t n[RULE_COUNT];
	struct arena *strings; /* the reasons */
};

/* A hard limit on pairs per rule: a thousand users sharing one e-mail already give 499,500.
 * Past it rules_find fails with CD_TOOBIG instead of filling memory. */
#define RULES_MAX_PAIRS ((size_t)50 * 1000 * 1000)

/* Fills *out (released with rules_release, also after a failure). */
enum cd_result rules_find(const struct user_set *users, struct rule_pairs *out, char *err,
			  size_t errlen);
void rules_release(struct rule_pairs *p);

/* "email", "username", "name". */
const char *rules_kind_name(enum rule_kind k);

#endif
