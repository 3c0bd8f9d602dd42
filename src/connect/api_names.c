/* api_names.c -- Connect requests and responses for the names that ids in user records stand for:
 * ListRoutingProfiles, ListSecurityProfiles, ListUserHierarchyGroups. */
#include "connect/api.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connect/api_int.h"

/* --- names of routing profiles, security profiles, hierarchy groups ------------------------ */

static const struct {
	enum api_op op;
	const char *prefix; /* path up to the instance id */
	const char *list;   /* the response's list member */
} names_ops[NAME_KINDS] = {
	[NAME_ROUTING_PROFILE] = { API_LIST_ROUTING_PROFILES, "/routing-profiles-summary/",
				   "RoutingProfileSummaryList" },
	[NAME_SECURITY_PROFILE] = { API_LIST_SECURITY_PROFILES, "/security-profiles-summary/",
				    "SecurityProfileSummaryList" },
	[NAME_HIERARCHY_GROUP] = { API_LIST_USER_HIERARCHY_GROUPS,
				   "/user-hierarchy-groups-summary/",
				   "UserHierarchyGroupSummaryList" },
};

enum api_op api_names_op(enum name_kind k)
{
	return (unsigned)k < NAME_KINDS ? names_ops[k].op : API_NOPS;
}

enum cd_result api_list_names(struct api_request *r, enum name_kind k, const char *instance_id,
			      const char *next_token, unsigned max_results, char *err,
			      size_t errlen)
{
	if ((unsigned)k >= NAME_KINDS) {
		snprintf(err, errlen, "no listing for that kind of name");
		memset(r, 0, sizeof *r);
		return CD_INTERNAL;
	}
	enum cd_result res = api_labelled(r, names_ops[k].op, "GET", names_ops[k].prefix,
					  instance_id, NULL, NULL, NULL, err, errlen);
	if (res == CD_OK)
		res = api_check_token(next_token, err, errlen);
	if (max_results < 1 || max_results > API_MAX_LIST_NAMES)
		max_results = API_MAX_LIST_NAMES;
	if (res == CD_OK)
		res = api_paging_query(&r->query, max_results, next_token);
	return api_finish(r, res, err, errlen);
}

enum cd_result api_parse_list_names(enum name_kind k, const char *body, size_t len,
				    struct name_table *t, size_t *skipped, char **next_token,
				    char *err, size_t errlen)
{
	enum cd_result r = CD_OK;
	*next_token = NULL;
	if ((unsigned)k >= NAME_KINDS) {
		snprintf(err, errlen, "no listing for that kind of name");
		return CD_INTERNAL;
	}
	const char *op = api_op_name(names_ops[k].op), *member = names_ops[k].list;
	json_t *root = api_load_object(body, len, op, err, errlen);
	if (!root)
		return CD_SERVICE;
	json_t *list = json_object_get(root, member);
	if (list && !json_is_array(list)) {
		snprintf(err, errlen, "'%s' in the %s response is not a list", member, op);
		r = CD_SERVICE;
		goto out;
	}
	r = api_take_token(root, next_token, err, errlen);
	if (r != CD_OK)
		goto out;
	names_set_known(t, k);
	size_t i;
	json_t *e;
	json_array_foreach(list, i, e) {
		const char *id = json_is_object(e) ? api_str_member(e, "Id") : NULL;
		const char *name = id ? api_str_member(e, "Name") : NULL;
		/* a NUL inside a JSON string would cut the text short: not a usable value */
		bool whole = name && strlen(id) == json_string_length(json_object_get(e, "Id")) &&
			     strlen(name) == json_string_length(json_object_get(e, "Name"));
		enum cd_result a = whole ? names_add(t, k, id, name) : CD_INPUT;
		if (a == CD_INPUT) {
			if (skipped)
				(*skipped)++;
			continue;
		}
		if (a != CD_OK) {
			snprintf(err, errlen, a == CD_TOOBIG ? "%s lists more than %d entries"
							    : "out of memory parsing the %s response",
				 op, NAMES_MAX_ENTRIES);
			r = a;
			goto out;
		}
	}
out:
	if (r != CD_OK) {
		free(*next_token);
		*next_token = NULL;
	}
	json_decref(root);
	return r;
}
