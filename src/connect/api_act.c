/* api_act.c -- Connect requests and responses of the remediation commands: DeleteUser, CreateUser,
 * quick connects, user proficiencies, the username search, CreateUser's password rule. */
#include "connect/api.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connect/api_int.h"

/* A body given as text must at least be a JSON object: a typo must not reach the service. */
static enum cd_result json_body(struct api_request *r, const char *body_json, char *err,
				size_t errlen)
{
	json_t *o = body_json ? json_loads(body_json, JSON_REJECT_DUPLICATES, NULL) : NULL;
	bool ok = json_is_object(o);
	json_decref(o);
	if (!ok) {
		snprintf(err, errlen, "the %s request body is not a JSON object", api_op_name(r->op));
		return CD_INPUT;
	}
	return buf_puts(&r->body, body_json);
}

enum cd_result api_delete_user(struct api_request *r, const char *instance_id,
			       const char *user_id, char *err, size_t errlen)
{
	enum cd_result res = api_labelled(r, API_DELETE_USER, "DELETE", "/users/", instance_id,
					  "user id", user_id, NULL, err, errlen);
	return api_finish(r, res, err, errlen);
}

enum cd_result api_create_user(struct api_request *r, const char *instance_id,
			       const char *body_json, char *err, size_t errlen)
{
	enum cd_result res = api_labelled(r, API_CREATE_USER, "PUT", "/users/", instance_id, NULL,
					  NULL, NULL, err, errlen);
	if (res == CD_OK)
		res = json_body(r, body_json, err, errlen);
	return api_finish(r, res, err, errlen);
}

enum cd_result api_list_quick_connects(struct api_request *r, const char *instance_id,
				       const char *quick_connect_type, const char *next_token,
				       unsigned max_results, char *err, size_t errlen)
{
	enum cd_result res = api_labelled(r, API_LIST_QUICK_CONNECTS, "GET", "/quick-connects/",
					  instance_id, NULL, NULL, NULL, err, errlen);
	if (res == CD_OK)
		res = api_check_token(next_token, err, errlen);
	if (max_results < 1 || max_results > API_MAX_LIST_QUICK_CONNECTS)
		max_results = API_MAX_LIST_QUICK_CONNECTS;
	/* keys in byte order, as the canonical request sorts them anyway */
	if (res == CD_OK && quick_connect_type && *quick_connect_type) {
		res = buf_puts(&r->query, "QuickConnectTypes=");
		if (res == CD_OK)
			res = api_percent_encode(&r->query, quick_connect_type,
						 strlen(quick_connect_type));
		if (res == CD_OK)
			res = buf_putc(&r->query, '&');
	}
	if (res == CD_OK)
		res = api_paging_query(&r->query, max_results, next_token);
	return api_finish(r, res, err, errlen);
}

enum cd_result api_describe_quick_connect(struct api_request *r, const char *instance_id,
					  const char *quick_connect_id, char *err, size_t errlen)
{
	enum cd_result res = api_labelled(r, API_DESCRIBE_QUICK_CONNECT, "GET", "/quick-connects/",
					  instance_id, "quick connect id", quick_connect_id, NULL,
					  err, errlen);
	return api_finish(r, res, err, errlen);
}

enum cd_result api_delete_quick_connect(struct api_request *r, const char *instance_id,
					const char *quick_connect_id, char *err, size_t errlen)
{
	enum cd_result res = api_labelled(r, API_DELETE_QUICK_CONNECT, "DELETE", "/quick-connects/",
					  instance_id, "quick connect id", quick_connect_id, NULL,
					  err, errlen);
	return api_finish(r, res, err, errlen);
}

enum cd_result api_list_user_proficiencies(struct api_request *r, const char *instance_id,
					   const char *user_id, const char *next_token,
					   unsigned max_results, char *err, size_t errlen)
{
	enum cd_result res = api_labelled(r, API_LIST_USER_PROFICIENCIES, "GET", "/users/",
					  instance_id, "user id", user_id, "/proficiencies", err,
					  errlen);
	if (res == CD_OK)
		res = api_check_token(next_token, err, errlen);
	if (max_results < 1 || max_results > API_MAX_LIST_USER_PROFICIENCIES)
		max_results = API_MAX_LIST_USER_PROFICIENCIES;
	if (res == CD_OK)
		res = api_paging_query(&r->query, max_results, next_token);
	return api_finish(r, res, err, errlen);
}

enum cd_result api_associate_user_proficiencies(struct api_request *r, const char *instance_id,
						const char *user_id, const char *body_json,
						char *err, size_t errlen)
{
	enum cd_result res = api_labelled(r, API_ASSOCIATE_USER_PROFICIENCIES, "POST", "/users/",
					  instance_id, "user id", user_id,
					  "/associate-proficiencies", err, errlen);
	if (res == CD_OK)
		res = json_body(r, body_json, err, errlen);
	return api_finish(r, res, err, errlen);
}

enum cd_result api_search_username(struct api_request *r, const char *instance_id,
				   const char *username, char *err, size_t errlen)
{
	api_request_init(r, API_SEARCH_USERS, "POST");
	enum cd_result res = api_check_id("instance id", instance_id, err, errlen);
	if (res == CD_OK)
		res = api_check_id("username", username, err, errlen);
	if (res != CD_OK)
		return api_finish(r, res, err, errlen);
	json_t *o = json_pack("{ss si s{s{ss ss ss}}}", "InstanceId", instance_id, "MaxResults", 10,
			      "SearchCriteria", "StringCondition", "FieldName", "Username", "Value",
			      username, "ComparisonType", "EXACT");
	char *text = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	res = text ? buf_puts(&r->path, "/search-users") : CD_NOMEM;
	if (res == CD_OK)
		res = buf_puts(&r->body, text);
	free(text);
	json_decref(o);
	return api_finish(r, res, err, errlen);
}

enum cd_result api_parse_list_quick_connects(const char *body, size_t len,
					     struct api_quick_connect **v, size_t *n,
					     char **next_token, char *err, size_t errlen)
{
	enum cd_result r = CD_OK;
	*next_token = NULL;
	json_t *root = api_load_object(body, len, "ListQuickConnects", err, errlen);
	if (!root)
		return CD_SERVICE;
	json_t *list = json_object_get(root, "QuickConnectSummaryList");
	if (list && !json_is_array(list)) {
		snprintf(err, errlen,
			 "'QuickConnectSummaryList' in the ListQuickConnects response is not a list");
		r = CD_SERVICE;
		goto out;
	}
	r = api_take_token(root, next_token, err, errlen);
	if (r != CD_OK)
		goto out;
	size_t i;
	json_t *e;
	json_array_foreach(list, i, e) {
		const char *id = json_is_object(e) ? api_str_member(e, "Id") : NULL;
		if (!id || !*id || strlen(id) >= sizeof (*v)->id)
			continue;
		struct api_quick_connect *nv = realloc(*v, (*n + 1) * sizeof **v);
		if (!nv) {
			snprintf(err, errlen, "out of memory parsing the ListQuickConnects response");
			r = CD_NOMEM;
			goto out;
		}
		*v = nv;
		api_copy_member(e, "Id", nv[*n].id, sizeof nv[*n].id);
		api_copy_member(e, "QuickConnectType", nv[*n].type, sizeof nv[*n].type);
		(*n)++;
	}
out:
	if (r != CD_OK) {
		free(*next_token);
		*next_token = NULL;
	}
	json_decref(root);
	return r;
}

enum cd_result api_parse_describe_quick_connect(const char *body, size_t len, char **raw,
						char *user_id, size_t idlen, char *err,
						size_t errlen)
{
	enum cd_result r = CD_OK;
	*raw = NULL;
	user_id[0] = '\0';
	json_t *root = api_load_object(body, len, "DescribeQuickConnect", err, errlen);
	if (!root)
		return CD_SERVICE;
	json_t *q = json_object_get(root, "QuickConnect");
	size_t at, end;
	if (!json_is_object(q) || !api_str_member(q, "QuickConnectId") ||
	    !api_span_member(body, len, "QuickConnect", &at, &end)) {
		snprintf(err, errlen, "DescribeQuickConnect response has no 'QuickConnect' with an Id");
		r = CD_SERVICE;
		goto out;
	}
	json_t *cfg = json_object_get(q, "QuickConnectConfig");
	const char *type = json_is_object(cfg) ? api_str_member(cfg, "QuickConnectType") : NULL;
	const char *uid = json_is_object(cfg) ? api_nested_str(cfg, "UserConfig", "UserId") : NULL;
	if (type && strcmp(type, "USER") == 0 && uid)
		snprintf(user_id, idlen, "%s", uid);
	if (!(*raw = strndup(body + at, end - at))) {
		snprintf(err, errlen, "out of memory parsing the DescribeQuickConnect response");
		r = CD_NOMEM;
	}
out:
	json_decref(root);
	return r;
}

enum cd_result api_parse_list_user_proficiencies(const char *body, size_t len, struct buf *items,
						 char **next_token, char *err, size_t errlen)
{
	enum cd_result r = CD_OK;
	*next_token = NULL;
	json_t *root = api_load_object(body, len, "ListUserProficiencies", err, errlen);
	if (!root)
		return CD_SERVICE;
	json_t *list = json_object_get(root, "UserProficiencyList");
	size_t lat = 0, lend = 0, pos, at, end;
	if (list && (!json_is_array(list) || !api_span_member(body, len, "UserProficiencyList", &lat,
							       &lend))) {
		snprintf(err, errlen, "'UserProficiencyList' in the ListUserProficiencies response "
				      "is not a list");
		r = CD_SERVICE;
		goto out;
	}
	r = api_take_token(root, next_token, err, errlen);
	pos = lat;
	for (size_t i = 0; list && r == CD_OK && i < json_array_size(list); i++) {
		if (!api_span_next(body, lend, &pos, &at, &end)) {
			snprintf(err, errlen, "cannot delimit the entries of the ListUserProficiencies "
					      "response");
			r = CD_SERVICE;
			break;
		}
		if (items->len)
			r = buf_putc(items, ',');
		if (r == CD_OK)
			r = buf_append(items, body + at, end - at);
	}
	if (r == CD_TOOBIG || r == CD_NOMEM)
		snprintf(err, errlen, "too many proficiencies in the ListUserProficiencies response");
out:
	if (r != CD_OK) {
		free(*next_token);
		*next_token = NULL;
	}
	json_decref(root);
	return r;
}

enum cd_result api_parse_create_user(const char *body, size_t len, char *id, size_t idlen,
				     char *arn, size_t arnlen, char *err, size_t errlen)
{
	enum cd_result r = CD_OK;
	json_t *root = api_load_object(body, len, "CreateUser", err, errlen);
	if (!root)
		return CD_SERVICE;
	const char *uid = api_str_member(root, "UserId");
	if (!uid || !*uid) {
		snprintf(err, errlen, "CreateUser response has no 'UserId'");
		r = CD_SERVICE;
	} else {
		snprintf(id, idlen, "%s", uid);
		api_copy_member(root, "UserArn", arn, arnlen);
	}
	json_decref(root);
	return r;
}

bool api_password_ok(const char *pw, char *why, size_t whylen)
{
	const char *bad = NULL;
	char len[64];
	size_t n = 0;
	bool lower = false, upper = false, digit = false;
	for (const unsigned char *p = (const unsigned char *)(pw ? pw : ""); *p && !bad; p++, n++) {
		if (*p <= 0x20 || *p == 0x7f)
			bad = "it has white space or a control character";
		lower |= *p >= 'a' && *p <= 'z';
		upper |= *p >= 'A' && *p <= 'Z';
		digit |= *p >= '0' && *p <= '9';
	}
	if (!bad && (n < 8 || n > 64)) {
		snprintf(len, sizeof len, "it has %zu characters, not 8 to 64", n);
		bad = len;
	} else if (!bad && (!lower || !upper || !digit)) {
		bad = "it needs a lower-case letter, an upper-case letter and a digit";
	}
	if (bad && why)
		snprintf(why, whylen, "%s", bad);
	return !bad;
}
