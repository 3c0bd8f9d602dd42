/* emu_search.h -- SearchUsers SearchCriteria: parsed once per request, evaluated per user. */
#ifndef CD_EMU_SEARCH_H
#define CD_EMU_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>
#include "result.h"

/* What a condition can look at in one user; strings non-NULL. raw is the User JSON, parsed only
 * when a SecurityProfileId condition needs it. */
struct emu_search_view {
	const char *id, *username, *first_name, *last_name, *routing_profile_id,
		*hierarchy_group_id, *raw;
	size_t raw_len;
};

struct emu_cond; /* opaque tree */

/* Parses a UserSearchCriteria object (NULL or JSON null: matches everyone). Supported: OrConditions,
 * AndConditions, StringCondition on Username, FirstName, LastName, RoutingProfileId,
 * SecurityProfileId, resourceId with STARTS_WITH, CONTAINS, EXACT (ASCII case-insensitive), and
 * HierarchyGroupCondition EXACT. Anything else: CD_INPUT with a message for an
 * InvalidParameterException. *out is NULL for "match all"; free with emu_search_free. */
enum cd_result emu_search_parse(const json_t *criteria, struct emu_cond **out, char *err,
				size_t errlen);
/* Parses a UserSearchFilter: TagFilter (OrConditions of AND lists, AndConditions, TagCondition)
 * or UserAttributeFilter (OrConditions / AndCondition of TagConditions and a
 * HierarchyGroupCondition, TagCondition, HierarchyGroupCondition). Tags match exactly (a
 * TagCondition without TagValue: the key is present). CD_INPUT on a bad filter, CD_AUTH when
 * both filters are given (the service documents AccessDeniedException). *out NULL: no filter. */
enum cd_result emu_search_parse_filter(const json_t *filter, struct emu_cond **out, char *err,
				       size_t errlen);
/* Both a and b must match; takes ownership of both (either may be NULL). NULL when out of
 * memory, with both freed. */
struct emu_cond *emu_search_and(struct emu_cond *a, struct emu_cond *b);
bool emu_search_match(const struct emu_cond *c, const struct emu_search_view *v);
void emu_search_free(struct emu_cond *c);

#endif
