/* api.c -- Connect restJson requests and responses, following botocore's service model. */
/* Over 900 lines (about 1,230), knowingly for now: one builder and one parser per operation, all
 * on the same small helpers (members, errors, percent-encoding). The natural split is by
 * operation family (users and listings / remediation / name listings) with a private header;
 * it was started and left for the next session. */
#include "connect/api.h"

#include <ctype.h>
#include <stdint.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "grow.h"
#include "isotime.h"

/* Request parts are small; a cap keeps a hostile token from growing them without bound. */
#define API_PART_MAX (64 * 1024)
/* Service limits: instance and user ids are at most 256 characters in the model; tokens 2500. */
#define API_ID_MAX 256
#define API_TOKEN_MAX 8192

static const char *const op_names[API_NOPS] = {
	[API_SEARCH_USERS] = "SearchUsers",
	[API_LIST_USERS] = "ListUsers",
	[API_DESCRIBE_USER] = "DescribeUser",
	[API_LIST_INSTANCES] = "ListInstances",
	[API_DELETE_USER] = "DeleteUser",
	[API_CREATE_USER] = "CreateUser",
	[API_LIST_QUICK_CONNECTS] = "ListQuickConnects",
	[API_DESCRIBE_QUICK_CONNECT] = "DescribeQuickConnect",
	[API_DELETE_QUICK_CONNECT] = "DeleteQuickConnect",
	[API_LIST_USER_PROFICIENCIES] = "ListUserProficiencies",
	[API_ASSOCIATE_USER_PROFICIENCIES] = "AssociateUserProficiencies",
	[API_LIST_ROUTING_PROFILES] = "ListRoutingProfiles",
	[API_LIST_SECURITY_PROFILES] = "ListSecurityProfiles",
	[API_LIST_USER_HIERARCHY_GROUPS] = "ListUserHierarchyGroups",
};

const char *api_op_name(enum api_op op)
{
	return (unsigned)op < API_NOPS ? op_names[op] : "?";
}

bool api_op_from_name(const char *name, enum api_op *op)
{
	for (int i = 0; i < API_NOPS; i++)
		if (strcasecmp(name, op_names[i]) == 0) {
			*op = (enum api_op)i;
			return true;
		}
	return false;
}

void api_default_quota(enum api_op op, double *rate, double *burst)
{
	/* The Connect API reference: "For all other operations, a RateLimit of 2 per second, and a
	 * BurstLimit of 5 per second" -- the same for all four we call. Accounts with raised
	 * quotas are found by the adaptive rate. */
	(void)op;
	*rate = 2;
	*burst = 5;
}

void api_request_release(struct api_request *r)
{
	buf_release(&r->path);
	buf_release(&r->query);
	buf_release(&r->body);
}

static void request_init(struct api_request *r, enum api_op op, const char *method)
{
	r->op = op;
	r->method = method;
	buf_init(&r->path, API_PART_MAX);
	buf_init(&r->query, API_PART_MAX);
	buf_init(&r->body, API_PART_MAX);
}

enum cd_result api_percent_encode(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	enum cd_result r = CD_OK;
	for (size_t i = 0; i < n && r == CD_OK; i++) {
		unsigned char c = (unsigned char)s[i];
		if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
			r = buf_putc(b, (char)c);
		} else {
			char e[3] = { '%', hex[c >> 4], hex[c & 15] };
			r = buf_append(b, e, 3);
		}
	}
	return r;
}

static enum cd_result check_id(const char *what, const char *id, char *err, size_t errlen)
{
	size_t n = id ? strlen(id) : 0;
	if (n == 0 || n > API_ID_MAX) {
		snprintf(err, errlen, "%s '%.64s' is empty or longer than %d characters", what,
			 id ? id : "", API_ID_MAX);
		return CD_INPUT;
	}
	return CD_OK;
}

static enum cd_result check_token(const char *t, char *err, size_t errlen)
{
	if (t && strlen(t) > API_TOKEN_MAX) {
		snprintf(err, errlen, "pagination token from the service is longer than %d bytes",
			 API_TOKEN_MAX);
		return CD_SERVICE;
	}
	return CD_OK;
}

/* "maxResults=N[&nextToken=...]" for the GET listings. */
static enum cd_result paging_query(struct buf *q, unsigned max_results, const char *next_token)
{
	enum cd_result r = buf_printf(q, "maxResults=%u", max_results);
	if (r == CD_OK && next_token && *next_token) {
		r = buf_puts(q, "&nextToken=");
		if (r == CD_OK)
			r = api_percent_encode(q, next_token, strlen(next_token));
	}
	return r;
}

static enum cd_result finish(struct api_request *r, enum cd_result res, char *err, size_t errlen)
{
	if (res != CD_OK) {
		if (res == CD_TOOBIG || res == CD_NOMEM)
			snprintf(err, errlen, "cannot build the %s request", api_op_name(r->op));
		api_request_release(r);
	}
	return res;
}

enum cd_result api_search_users(struct api_request *r, const char *instance_id,
				const char *next_token, unsigned max_results, char *err,
				size_t errlen)
{
	request_init(r, API_SEARCH_USERS, "POST");
	enum cd_result res = check_id("instance id", instance_id, err, errlen);
	if (res == CD_OK)
		res = check_token(next_token, err, errlen);
	if (res != CD_OK)
		return finish(r, res, err, errlen);
	if (max_results < 1 || max_results > API_MAX_SEARCH_USERS)
		max_results = API_MAX_SEARCH_USERS;
	json_t *o = json_object();
	char *text = NULL;
	if (!o || json_object_set_new(o, "InstanceId", json_string(instance_id)) ||
	    json_object_set_new(o, "MaxResults", json_integer(max_results)) ||
	    (next_token && *next_token &&
	     json_object_set_new(o, "NextToken", json_string(next_token))) ||
	    !(text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER))) {
		res = CD_NOMEM;
	}
	if (res == CD_OK)
		res = buf_puts(&r->path, "/search-users");
	if (res == CD_OK)
		res = buf_puts(&r->body, text);
	free(text);
	json_decref(o);
	return finish(r, res, err, errlen);
}

enum cd_result api_list_users(struct api_request *r, const char *instance_id,
			      const char *next_token, unsigned max_results, char *err,
			      size_t errlen)
{
	request_init(r, API_LIST_USERS, "GET");
	enum cd_result res = check_id("instance id", instance_id, err, errlen);
	if (res == CD_OK)
		res = check_token(next_token, err, errlen);
	if (res != CD_OK)
		return finish(r, res, err, errlen);
	if (max_results < 1 || max_results > API_MAX_LIST_USERS)
		max_results = API_MAX_LIST_USERS;
	res = buf_puts(&r->path, "/users-summary/");
	if (res == CD_OK)
		res = api_percent_encode(&r->path, instance_id, strlen(instance_id));
	if (res == CD_OK)
		res = paging_query(&r->query, max_results, next_token);
	return finish(r, res, err, errlen);
}

enum cd_result api_describe_user(struct api_request *r, const char *instance_id,
				 const char *user_id, char *err, size_t errlen)
{
	request_init(r, API_DESCRIBE_USER, "GET");
	enum cd_result res = check_id("instance id", instance_id, err, errlen);
	if (res == CD_OK)
		res = check_id("user id", user_id, err, errlen);
	if (res != CD_OK)
		return finish(r, res, err, errlen);
	res = buf_puts(&r->path, "/users/");
	if (res == CD_OK)
		res = api_percent_encode(&r->path, instance_id, strlen(instance_id));
	if (res == CD_OK)
		res = buf_putc(&r->path, '/');
	if (res == CD_OK)
		res = api_percent_encode(&r->path, user_id, strlen(user_id));
	return finish(r, res, err, errlen);
}

enum cd_result api_list_instances(struct api_request *r, const char *next_token,
				  unsigned max_results, char *err, size_t errlen)
{
	request_init(r, API_LIST_INSTANCES, "GET");
	enum cd_result res = check_token(next_token, err, errlen);
	if (res != CD_OK)
		return finish(r, res, err, errlen);
	if (max_results < 1 || max_results > API_MAX_LIST_INSTANCES)
		max_results = API_MAX_LIST_INSTANCES;
	res = buf_puts(&r->path, "/instance");
	if (res == CD_OK)
		res = paging_query(&r->query, max_results, next_token);
	return finish(r, res, err, errlen);
}

/* "/PREFIX/{a}[/{b}][SUFFIX]" with each label percent-encoded. */
static enum cd_result label_path(struct buf *p, const char *prefix, const char *a, const char *b,
				 const char *suffix)
{
	enum cd_result res = buf_puts(p, prefix);
	if (res == CD_OK)
		res = api_percent_encode(p, a, strlen(a));
	if (res == CD_OK && b) {
		res = buf_putc(p, '/');
		if (res == CD_OK)
			res = api_percent_encode(p, b, strlen(b));
	}
	if (res == CD_OK && suffix)
		res = buf_puts(p, suffix);
	return res;
}

/* A request whose path is PREFIX + the instance id + an optional second label. */
static enum cd_result labelled(struct api_request *r, enum api_op op, const char *method,
			       const char *prefix, const char *instance_id, const char *what,
			       const char *id, const char *suffix, char *err, size_t errlen)
{
	request_init(r, op, method);
	enum cd_result res = check_id("instance id", instance_id, err, errlen);
	if (res == CD_OK && what)
		res = check_id(what, id, err, errlen);
	if (res == CD_OK)
		res = label_path(&r->path, prefix, instance_id, what ? id : NULL, suffix);
	return res;
}

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
	enum cd_result res = labelled(r, API_DELETE_USER, "DELETE", "/users/", instance_id,
				      "user id", user_id, NULL, err, errlen);
	return finish(r, res, err, errlen);
}

enum cd_result api_create_user(struct api_request *r, const char *instance_id,
			       const char *body_json, char *err, size_t errlen)
{
	enum cd_result res = labelled(r, API_CREATE_USER, "PUT", "/users/", instance_id, NULL, NULL,
				      NULL, err, errlen);
	if (res == CD_OK)
		res = json_body(r, body_json, err, errlen);
	return finish(r, res, err, errlen);
}

enum cd_result api_list_quick_connects(struct api_request *r, const char *instance_id,
				       const char *quick_connect_type, const char *next_token,
				       unsigned max_results, char *err, size_t errlen)
{
	enum cd_result res = labelled(r, API_LIST_QUICK_CONNECTS, "GET", "/quick-connects/",
				      instance_id, NULL, NULL, NULL, err, errlen);
	if (res == CD_OK)
		res = check_token(next_token, err, errlen);
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
		res = paging_query(&r->query, max_results, next_token);
	return finish(r, res, err, errlen);
}

enum cd_result api_describe_quick_connect(struct api_request *r, const char *instance_id,
					  const char *quick_connect_id, char *err, size_t errlen)
{
	enum cd_result res = labelled(r, API_DESCRIBE_QUICK_CONNECT, "GET", "/quick-connects/",
				      instance_id, "quick connect id", quick_connect_id, NULL, err,
				      errlen);
	return finish(r, res, err, errlen);
}

enum cd_result api_delete_quick_connect(struct api_request *r, const char *instance_id,
					const char *quick_connect_id, char *err, size_t errlen)
{
	enum cd_result res = labelled(r, API_DELETE_QUICK_CONNECT, "DELETE", "/quick-connects/",
				      instance_id, "quick connect id", quick_connect_id, NULL, err,
				      errlen);
	return finish(r, res, err, errlen);
}

enum cd_result api_list_user_proficiencies(struct api_request *r, const char *instance_id,
					   const char *user_id, const char *next_token,
					   unsigned max_results, char *err, size_t errlen)
{
	enum cd_result res = labelled(r, API_LIST_USER_PROFICIENCIES, "GET", "/users/", instance_id,
				      "user id", user_id, "/proficiencies", err, errlen);
	if (res == CD_OK)
		res = check_token(next_token, err, errlen);
	if (max_results < 1 || max_results > API_MAX_LIST_USER_PROFICIENCIES)
		max_results = API_MAX_LIST_USER_PROFICIENCIES;
	if (res == CD_OK)
		res = paging_query(&r->query, max_results, next_token);
	return finish(r, res, err, errlen);
}

enum cd_result api_associate_user_proficiencies(struct api_request *r, const char *instance_id,
						const char *user_id, const char *body_json,
						char *err, size_t errlen)
{
	enum cd_result res = labelled(r, API_ASSOCIATE_USER_PROFICIENCIES, "POST", "/users/",
				      instance_id, "user id", user_id, "/associate-proficiencies",
				      err, errlen);
	if (res == CD_OK)
		res = json_body(r, body_json, err, errlen);
	return finish(r, res, err, errlen);
}

enum cd_result api_search_username(struct api_request *r, const char *instance_id,
				   const char *username, char *err, size_t errlen)
{
	request_init(r, API_SEARCH_USERS, "POST");
	enum cd_result res = check_id("instance id", instance_id, err, errlen);
	if (res == CD_OK)
		res = check_id("username", username, err, errlen);
	if (res != CD_OK)
		return finish(r, res, err, errlen);
	json_t *o = json_pack("{ss si s{s{ss ss ss}}}", "InstanceId", instance_id, "MaxResults", 10,
			      "SearchCriteria", "StringCondition", "FieldName", "Username", "Value",
			      username, "ComparisonType", "EXACT");
	char *text = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	res = text ? buf_puts(&r->path, "/search-users") : CD_NOMEM;
	if (res == CD_OK)
		res = buf_puts(&r->body, text);
	free(text);
	json_decref(o);
	return finish(r, res, err, errlen);
}

/* --- responses --------------------------------------------------------------------------- */

void api_page_init(struct api_page *p)
{
	user_set_init(&p->users);
	p->next_token = NULL;
	p->approx_total = -1;
	p->skipped = 0;
	p->bad = NULL;
	p->nbad = p->bad_cap = 0;
}

void api_page_release(struct api_page *p)
{
	user_set_release(&p->users);
	free(p->next_token);
	p->next_token = NULL;
	free(p->bad);
	p->bad = NULL;
	p->nbad = p->bad_cap = 0;
}

/* A page holds at most a few thousand entries within the response cap; this bounds a hostile
 * one all the same. */
#define API_MAX_BAD 1000000

static enum cd_result add_bad(struct api_page *p, size_t index, json_t *id, const char *why,
			      bool dropped)
{
	enum cd_result r = ARRAY_GROW(p->bad, p->nbad + 1, p->bad_cap, API_MAX_BAD);
	if (r != CD_OK)
		return r;
	struct api_bad_item *b = &p->bad[p->nbad++];
	memset(b, 0, sizeof *b);
	b->index = index;
	b->dropped = dropped;
	snprintf(b->why, sizeof b->why, "%s", why);
	if (json_is_string(id))
		snprintf(b->id, sizeof b->id, "%s", json_string_value(id));
	else if (json_is_integer(id))
		snprintf(b->id, sizeof b->id, "%" JSON_INTEGER_FORMAT, json_integer_value(id));
	else if (json_is_real(id))
		snprintf(b->id, sizeof b->id, "%.17g", json_real_value(id));
	return CD_OK;
}

/* The first member of an entry whose type the service model does not allow (null counts as
 * absent), or NULL. */
static const char *wrong_member(json_t *e, enum api_op op, char *why, size_t whylen)
{
	static const char *const search_str[] = { "Arn", "Username", "DirectoryUserId",
						  "RoutingProfileId", "HierarchyGroupId", NULL };
	static const char *const list_str[] = { "Arn", "Username", "LastModifiedRegion", NULL };
	const char *const *str = op == API_SEARCH_USERS ? search_str : list_str;
	for (; *str; str++) {
		json_t *v = json_object_get(e, *str);
		if (v && !json_is_null(v) && !json_is_string(v)) {
			snprintf(why, whylen, "'%s' is not a string", *str);
			return why;
		}
	}
	if (op == API_SEARCH_USERS) {
		static const char *const obj[] = { "IdentityInfo", "PhoneConfig", NULL };
		for (const char *const *k = obj; *k; k++) {
			json_t *v = json_object_get(e, *k);
			if (v && !json_is_null(v) && !json_is_object(v)) {
				snprintf(why, whylen, "'%s' is not an object", *k);
				return why;
			}
		}
		json_t *v = json_object_get(e, "SecurityProfileIds");
		if (v && !json_is_null(v) && !json_is_array(v)) {
			snprintf(why, whylen, "'SecurityProfileIds' is not a list");
			return why;
		}
	} else {
		json_t *v = json_object_get(e, "LastModifiedTime");
		if (v && !json_is_null(v) && !json_is_number(v) && !json_is_string(v)) {
			snprintf(why, whylen, "'LastModifiedTime' is not a timestamp");
			return why;
		}
	}
	return NULL;
}

static const char *str_member(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* A member that is a list of strings, in the canonical form of user_canon_ids, into b (reset
 * first; "" when absent). Elements that are not strings are passed over, as str_member passes
 * over a member of the wrong type: a page is the service's word, not a user's file. */
static enum cd_result ids_member(json_t *o, const char *key, struct buf *b)
{
	json_t *v = json_object_get(o, key), *e;
	size_t i, n = 0, count = json_is_array(v) ? json_array_size(v) : 0;
	const char *small[16], **ids = count <= 16 ? small : malloc(count * sizeof *ids);
	if (!ids)
		return CD_NOMEM;
	json_array_foreach(v, i, e) {
		if (json_is_string(e) && !memchr(json_string_value(e), '\0', json_string_length(e)))
			ids[n++] = json_string_value(e);
	}
	buf_reset(b);
	enum cd_result r = user_canon_ids(ids, n, b);
	if (ids != small)
		free(ids);
	return r;
}

static const char *nested_str(json_t *o, const char *obj, const char *key)
{
	json_t *sub = json_object_get(o, obj);
	return json_is_object(sub) ? str_member(sub, key) : NULL;
}

static json_t *load_object(const char *body, size_t len, const char *what, char *err,
			   size_t errlen)
{
	json_error_t je;
	json_t *root = json_loadb(body ? body : "", body ? len : 0, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		snprintf(err, errlen, "%s response is not valid JSON (line %d: %s)", what, je.line,
			 je.text);
		return NULL;
	}
	if (!json_is_object(root)) {
		snprintf(err, errlen, "%s response is not a JSON object", what);
		json_decref(root);
		return NULL;
	}
	return root;
}

static enum cd_result take_token(json_t *root, char **out, char *err, size_t errlen)
{
	json_t *t = json_object_get(root, "NextToken");
	*out = NULL;
	if (!t || json_is_null(t))
		return CD_OK;
	if (!json_is_string(t)) {
		snprintf(err, errlen, "'NextToken' in the response is not a string");
		return CD_SERVICE;
	}
	if (json_string_length(t) == 0)
		return CD_OK;
	if (json_string_length(t) > API_TOKEN_MAX) {
		snprintf(err, errlen, "'NextToken' in the response is longer than %d bytes",
			 API_TOKEN_MAX);
		return CD_SERVICE;
	}
	*out = strdup(json_string_value(t));
	return *out ? CD_OK : CD_NOMEM;
}

static double timestamp_member(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	double t = 0;
	if (json_is_number(v))
		t = json_number_value(v);
	else if (json_is_string(v) && !api_parse_timestamp(json_string_value(v), &t))
		t = 0;
	return t;
}

/* --- raw spans ---------------------------------------------------------------------------- */

/* jansson re-prints numbers ("1552229832.453" becomes "1552229832.4530001"), so the raw text of
 * each User is cut from the body as received. The body was validated by json_loadb first; these
 * scanners only have to find the edges of values in valid JSON. */
static size_t skip_ws(const char *s, size_t i, size_t n)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
		i++;
	return i;
}

static size_t skip_string(const char *s, size_t i, size_t n)
{
	for (i++; i < n && s[i] != '"'; i++)
		if (s[i] == '\\')
			i++;
	return i < n ? i + 1 : n;
}

/* The end (one past) of the value starting at i. */
static size_t skip_value(const char *s, size_t i, size_t n)
{
	if (i >= n)
		return n;
	if (s[i] == '"')
		return skip_string(s, i, n);
	if (s[i] == '{' || s[i] == '[') {
		int depth = 0;
		while (i < n) {
			char c = s[i];
			if (c == '"') {
				i = skip_string(s, i, n);
				continue;
			}
			if (c == '{' || c == '[')
				depth++;
			else if (c == '}' || c == ']') {
				if (--depth == 0)
					return i + 1;
			}
			i++;
		}
		return n;
	}
	while (i < n && s[i] != ',' && s[i] != '}' && s[i] != ']' && s[i] != ' ' &&
	       s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
		i++;
	return i;
}

/* Finds the value of the top-level member `key` of the object text s: *at and *end bound it. */
static bool span_member(const char *s, size_t n, const char *key, size_t *at, size_t *end)
{
	size_t klen = strlen(key);
	size_t i = skip_ws(s, 0, n);
	if (i >= n || s[i] != '{')
		return false;
	i++;
	for (;;) {
		i = skip_ws(s, i, n);
		if (i >= n || s[i] != '"')
			return false;
		size_t k0 = i + 1, k1 = skip_string(s, i, n);
		bool match = k1 - k0 - 1 == klen && memcmp(s + k0, key, klen) == 0;
		i = skip_ws(s, k1, n);
		if (i >= n || s[i] != ':')
			return false;
		i = skip_ws(s, i + 1, n);
		size_t v1 = skip_value(s, i, n);
		if (match) {
			*at = i;
			*end = v1;
			return true;
		}
		i = skip_ws(s, v1, n);
		if (i >= n || s[i] != ',')
			return false;
		i++;
	}
}

/* Walks an array text: *pos starts at the '['; each call yields the next element's span. */
static bool span_next(const char *s, size_t n, size_t *pos, size_t *at, size_t *end)
{
	size_t i = skip_ws(s, *pos, n);
	if (i >= n || (s[i] != '[' && s[i] != ','))
		return false;
	i = skip_ws(s, i + 1, n);
	if (i >= n || s[i] == ']')
		return false;
	*at = i;
	*end = skip_value(s, i, n);
	*pos = *end;
	return true;
}

static enum cd_result parse_page(const char *body, size_t len, enum api_op op, struct api_page *p,
				 char *err, size_t errlen)
{
	const char *list_key = op == API_SEARCH_USERS ? "Users" : "UserSummaryList";
	enum cd_result r = CD_OK;
	/* One entry's SecurityProfileIds, reused; never longer than the (bounded) body. */
	struct buf sp = BUF_INIT(SIZE_MAX / 2);
	json_t *root = load_object(body, len, api_op_name(op), err, errlen);
	if (!root)
		return CD_SERVICE;
	json_t *list = json_object_get(root, list_key);
	if (list && !json_is_array(list)) {
		snprintf(err, errlen, "'%s' in the %s response is not a list", list_key,
			 api_op_name(op));
		r = CD_SERVICE;
		goto out;
	}
	r = take_token(root, &p->next_token, err, errlen);
	if (r != CD_OK)
		goto out;
	json_t *total = json_object_get(root, "ApproximateTotalCount");
	if (json_is_integer(total))
		p->approx_total = json_integer_value(total);
	size_t i, lat = 0, lend = 0, pos;
	json_t *e;
	bool spans = list && span_member(body, len, list_key, &lat, &lend);
	pos = lat;
	json_array_foreach(list, i, e) {
		size_t eat = 0, eend = 0;
		if (!spans || !span_next(body, lend, &pos, &eat, &eend)) {
			snprintf(err, errlen, "cannot delimit the entries of the %s response",
				 api_op_name(op));
			r = CD_SERVICE;
			goto out;
		}
		json_t *idv = json_is_object(e) ? json_object_get(e, "Id") : NULL;
		const char *id = json_is_string(idv) ? json_string_value(idv) : NULL;
		if (!id || !*id) {
			/* Nothing silently lost: the entry is counted and named where it can be. */
			const char *why = !json_is_object(e)	     ? "not an object"
					  : !idv || json_is_null(idv) ? "no 'Id'"
					  : json_is_number(idv)	     ? "'Id' is a number, not a string"
					  : json_is_string(idv)	     ? "empty 'Id'"
								     : "'Id' is not a string";
			p->skipped++;
			if ((r = add_bad(p, i, idv, why, true)) != CD_OK)
				goto out;
			continue;
		}
		char why[96];
		if (wrong_member(e, op, why, sizeof why) &&
		    (r = add_bad(p, i, idv, why, false)) != CD_OK)
			goto out;
		struct user_fields f = {
			.id = id,
			.arn = str_member(e, "Arn"),
			.username = str_member(e, "Username"),
			.raw = body + eat,
			.raw_len = eend - eat,
		};
		if (op == API_SEARCH_USERS) {
			f.first_name = nested_str(e, "IdentityInfo", "FirstName");
			f.last_name = nested_str(e, "IdentityInfo", "LastName");
			f.desk_phone = nested_str(e, "PhoneConfig", "DeskPhoneNumber");
			f.directory_user_id = str_member(e, "DirectoryUserId");
			f.routing_profile_id = str_member(e, "RoutingProfileId");
			f.hierarchy_group_id = str_member(e, "HierarchyGroupId");
			if ((r = ids_member(e, "SecurityProfileIds", &sp)) != CD_OK)
				goto out;
			f.security_profiles = buf_str(&sp);
		} else {
			f.last_modified = timestamp_member(e, "LastModifiedTime");
			f.last_modified_region = str_member(e, "LastModifiedRegion");
		}
		r = user_set_add(&p->users, &f);
		if (r != CD_OK)
			goto out;
	}
out:
	if (r == CD_NOMEM)
		snprintf(err, errlen, "out of memory parsing the %s response", api_op_name(op));
	buf_release(&sp);
	json_decref(root);
	return r;
}

enum cd_result api_parse_search_users(const char *body, size_t len, struct api_page *p,
				      char *err, size_t errlen)
{
	return parse_page(body, len, API_SEARCH_USERS, p, err, errlen);
}

enum cd_result api_parse_list_users(const char *body, size_t len, struct api_page *p, char *err,
				    size_t errlen)
{
	return parse_page(body, len, API_LIST_USERS, p, err, errlen);
}

enum cd_result api_parse_describe_user(const char *body, size_t len, char **raw, size_t *raw_len,
				       char *id_out, size_t idlen, char *err, size_t errlen)
{
	enum cd_result r = CD_OK;
	*raw = NULL;
	*raw_len = 0;
	json_t *root = load_object(body, len, "DescribeUser", err, errlen);
	if (!root)
		return CD_SERVICE;
	json_t *u = json_object_get(root, "User");
	const char *id = json_is_object(u) ? str_member(u, "Id") : NULL;
	if (!id || !*id) {
		snprintf(err, errlen, "DescribeUser response has no 'User' with an 'Id'");
		r = CD_SERVICE;
		goto out;
	}
	snprintf(id_out, idlen, "%s", id);
	size_t at, end;
	if (!span_member(body, len, "User", &at, &end)) {
		snprintf(err, errlen, "cannot delimit 'User' in the DescribeUser response");
		r = CD_SERVICE;
		goto out;
	}
	*raw = strndup(body + at, end - at);
	if (!*raw) {
		snprintf(err, errlen, "out of memory parsing the DescribeUser response");
		r = CD_NOMEM;
		goto out;
	}
	*raw_len = end - at;
out:
	json_decref(root);
	return r;
}

static void copy_member(json_t *o, const char *key, char *out, size_t outlen)
{
	const char *s = str_member(o, key);
	snprintf(out, outlen, "%s", s ? s : "");
}

/* An account has a few instances (the quota is tens); a listing past this is a service bug. */
#define API_MAX_INSTANCES 100000

enum cd_result api_parse_list_instances(const char *body, size_t len, struct api_instance **v,
					size_t *n, char **next_token, char *err, size_t errlen)
{
	enum cd_result r = CD_OK;
	*next_token = NULL;
	json_t *root = load_object(body, len, "ListInstances", err, errlen);
	if (!root)
		return CD_SERVICE;
	json_t *list = json_object_get(root, "InstanceSummaryList");
	if (list && !json_is_array(list)) {
		snprintf(err, errlen, "'InstanceSummaryList' in the ListInstances response is not a list");
		r = CD_SERVICE;
		goto out;
	}
	r = take_token(root, next_token, err, errlen);
	if (r != CD_OK)
		goto out;
	size_t i, cap = *n;
	json_t *e;
	/* room for the whole page at once: *v holds exactly *n entries between pages */
	r = ARRAY_GROW(*v, *n + json_array_size(list), cap, API_MAX_INSTANCES);
	if (r != CD_OK) {
		snprintf(err, errlen, r == CD_TOOBIG ? "ListInstances lists more than %d instances"
						     : "out of memory parsing the ListInstances response",
			 API_MAX_INSTANCES);
		goto out;
	}
	json_array_foreach(list, i, e) {
		if (!json_is_object(e) || !str_member(e, "Id"))
			continue;
		struct api_instance *in = &(*v)[(*n)++];
		copy_member(e, "Id", in->id, sizeof in->id);
		copy_member(e, "Arn", in->arn, sizeof in->arn);
		copy_member(e, "InstanceAlias", in->alias, sizeof in->alias);
		copy_member(e, "InstanceStatus", in->status, sizeof in->status);
		copy_member(e, "IdentityManagementType", in->identity, sizeof in->identity);
	}
out:
	if (r != CD_OK) {
		free(*next_token);
		*next_token = NULL;
	}
	json_decref(root);
	return r;
}

enum cd_result api_parse_list_quick_connects(const char *body, size_t len,
					     struct api_quick_connect **v, size_t *n,
					     char **next_token, char *err, size_t errlen)
{
	enum cd_result r = CD_OK;
	*next_token = NULL;
	json_t *root = load_object(body, len, "ListQuickConnects", err, errlen);
	if (!root)
		return CD_SERVICE;
	json_t *list = json_object_get(root, "QuickConnectSummaryList");
	if (list && !json_is_array(list)) {
		snprintf(err, errlen,
			 "'QuickConnectSummaryList' in the ListQuickConnects response is not a list");
		r = CD_SERVICE;
		goto out;
	}
	r = take_token(root, next_token, err, errlen);
	if (r != CD_OK)
		goto out;
	size_t i;
	json_t *e;
	json_array_foreach(list, i, e) {
		const char *id = json_is_object(e) ? str_member(e, "Id") : NULL;
		if (!id || !*id || strlen(id) >= sizeof (*v)->id)
			continue;
		struct api_quick_connect *nv = realloc(*v, (*n + 1) * sizeof **v);
		if (!nv) {
			snprintf(err, errlen, "out of memory parsing the ListQuickConnects response");
			r = CD_NOMEM;
			goto out;
		}
		*v = nv;
		copy_member(e, "Id", nv[*n].id, sizeof nv[*n].id);
		copy_member(e, "QuickConnectType", nv[*n].type, sizeof nv[*n].type);
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
	json_t *root = load_object(body, len, "DescribeQuickConnect", err, errlen);
	if (!root)
		return CD_SERVICE;
	json_t *q = json_object_get(root, "QuickConnect");
	size_t at, end;
	if (!json_is_object(q) || !str_member(q, "QuickConnectId") ||
	    !span_member(body, len, "QuickConnect", &at, &end)) {
		snprintf(err, errlen, "DescribeQuickConnect response has no 'QuickConnect' with an Id");
		r = CD_SERVICE;
		goto out;
	}
	json_t *cfg = json_object_get(q, "QuickConnectConfig");
	const char *type = json_is_object(cfg) ? str_member(cfg, "QuickConnectType") : NULL;
	const char *uid = json_is_object(cfg) ? nested_str(cfg, "UserConfig", "UserId") : NULL;
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
	json_t *root = load_object(body, len, "ListUserProficiencies", err, errlen);
	if (!root)
		return CD_SERVICE;
	json_t *list = json_object_get(root, "UserProficiencyList");
	size_t lat = 0, lend = 0, pos, at, end;
	if (list && (!json_is_array(list) || !span_member(body, len, "UserProficiencyList", &lat,
							   &lend))) {
		snprintf(err, errlen, "'UserProficiencyList' in the ListUserProficiencies response "
				      "is not a list");
		r = CD_SERVICE;
		goto out;
	}
	r = take_token(root, next_token, err, errlen);
	pos = lat;
	for (size_t i = 0; list && r == CD_OK && i < json_array_size(list); i++) {
		if (!span_next(body, lend, &pos, &at, &end)) {
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
	json_t *root = load_object(body, len, "CreateUser", err, errlen);
	if (!root)
		return CD_SERVICE;
	const char *uid = str_member(root, "UserId");
	if (!uid || !*uid) {
		snprintf(err, errlen, "CreateUser response has no 'UserId'");
		r = CD_SERVICE;
	} else {
		snprintf(id, idlen, "%s", uid);
		copy_member(root, "UserArn", arn, arnlen);
	}
	json_decref(root);
	return r;
}

bool api_parse_timestamp(const char *s, double *out)
{
	if (!s || !*s)
		return false;
	char *end;
	double num = strtod(s, &end);
	if (end != s && *end == '\0') {
		*out = num;
		return true;
	}
	return isotime_parse(s, strlen(s), out);
}

/* --- errors ------------------------------------------------------------------------------ */

/* "com.amazon.coral.service#ThrottlingException" and
 * "ThrottlingException:http://internal.amazon.com/coral/..." both mean ThrottlingException. */
static void clean_code(const char *in, char *out, size_t outlen)
{
	const char *s = in;
	const char *hash = strrchr(s, '#');
	if (hash)
		s = hash + 1;
	size_t n = strcspn(s, ":");
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	while (n > 0 && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	snprintf(out, outlen, "%.*s", (int)n, s);
}

static bool in_list(const char *code, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(code, *list) == 0)
			return true;
	return false;
}

/* botocore's retry handlers (retryhandler.py, retries/standard.py) name these. */
static const char *const throttle_codes[] = {
	"Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
	"TooManyRequestsException", "ProvisionedThroughputExceededException",
	"TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
	"LimitExceededException", "RequestThrottled", "SlowDown", "EC2ThrottledException", NULL,
};
static const char *const transient_codes[] = {
	"RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete",
	"InternalServiceException", "InternalFailure", "InternalServerError", "ServiceUnavailable",
	"ServiceUnavailableException", NULL,
};
static const char *const expired_codes[] = {
	"ExpiredToken", "ExpiredTokenException", "RequestExpired", NULL,
};
static const char *const auth_codes[] = {
	"UnrecognizedClientException", "InvalidSignatureException", "AccessDeniedException",
	"AccessDenied", "SignatureDoesNotMatch", "IncompleteSignature", "IncompleteSignatureException",
	"MissingAuthenticationToken", "MissingAuthenticationTokenException", "InvalidClientTokenId",
	"NotAuthorized", "UnauthorizedException", "InvalidAccessKeyId", "AuthFailure", NULL,
};

void api_classify(int status, const char *error_type_header, const char *body, size_t len,
		  struct api_error *out)
{
	memset(out, 0, sizeof *out);
	out->status = status;
	json_t *root = NULL;
	if (status < 200 || status >= 300) {
		if (body && len > 0 && len < 65536)
			root = json_loadb(body, len, 0, NULL);
		const char *code = error_type_header && *error_type_header ? error_type_header : NULL;
		if (!code && json_is_object(root)) {
			code = str_member(root, "__type");
			if (!code)
				code = str_member(root, "code");
			if (!code)
				code = str_member(root, "Code");
		}
		if (code)
			clean_code(code, out->code, sizeof out->code);
		const char *msg = json_is_object(root) ? str_member(root, "message") : NULL;
		if (!msg && json_is_object(root))
			msg = str_member(root, "Message");
		if (msg) {
			snprintf(out->message, sizeof out->message, "%s", msg);
			for (char *p = out->message; *p; p++)
				if ((unsigned char)*p < 0x20)
					*p = ' ';
		}
	}
	const char *c = out->code;
	if (status >= 200 && status < 300)
		out->kind = API_ERR_NONE;
	else if (status == 429 || in_list(c, throttle_codes))
		out->kind = API_ERR_THROTTLED;
	else if (in_list(c, expired_codes))
		out->kind = API_ERR_EXPIRED;
	else if (status == 401 || status == 403 || in_list(c, auth_codes))
		out->kind = API_ERR_AUTH;
	else if (status == 404 || strcmp(c, "ResourceNotFoundException") == 0)
		out->kind = API_ERR_NOT_FOUND;
	else if (status == 500 || status == 502 || status == 503 || status == 504 ||
		 in_list(c, transient_codes) || status == 0 || status >= 500)
		out->kind = API_ERR_RETRY;
	else
		out->kind = API_ERR_CLIENT;
	json_decref(root);
}

enum cd_result api_error_result(const struct api_error *e)
{
	switch (e->kind) {
	case API_ERR_NONE:
		return CD_OK;
	case API_ERR_THROTTLED:
		return CD_THROTTLED;
	case API_ERR_EXPIRED:
	case API_ERR_AUTH:
		return CD_AUTH;
	case API_ERR_NOT_FOUND:
		return CD_NOT_FOUND;
	case API_ERR_RETRY:
		return CD_SERVICE;
	case API_ERR_CLIENT:
		return CD_INPUT;
	}
	return CD_INTERNAL;
}

void api_error_format(const struct api_error *e, char *out, size_t outlen)
{
	const char *code = e->code[0] ? e->code : "error";
	if (e->message[0])
		snprintf(out, outlen, "%d %s: %s", e->status, code, e->message);
	else
		snprintf(out, outlen, "%d %s", e->status, code);
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
	enum cd_result res = labelled(r, names_ops[k].op, "GET", names_ops[k].prefix, instance_id,
				      NULL, NULL, NULL, err, errlen);
	if (res == CD_OK)
		res = check_token(next_token, err, errlen);
	if (max_results < 1 || max_results > API_MAX_LIST_NAMES)
		max_results = API_MAX_LIST_NAMES;
	if (res == CD_OK)
		res = paging_query(&r->query, max_results, next_token);
	return finish(r, res, err, errlen);
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
	json_t *root = load_object(body, len, op, err, errlen);
	if (!root)
		return CD_SERVICE;
	json_t *list = json_object_get(root, member);
	if (list && !json_is_array(list)) {
		snprintf(err, errlen, "'%s' in the %s response is not a list", member, op);
		r = CD_SERVICE;
		goto out;
	}
	r = take_token(root, next_token, err, errlen);
	if (r != CD_OK)
		goto out;
	names_set_known(t, k);
	size_t i;
	json_t *e;
	json_array_foreach(list, i, e) {
		const char *id = json_is_object(e) ? str_member(e, "Id") : NULL;
		const char *name = id ? str_member(e, "Name") : NULL;
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
