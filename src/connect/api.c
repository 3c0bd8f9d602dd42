/* api.c -- Connect restJson requests and responses (the user reads: SearchUsers, ListUsers,
 * DescribeUser, ListInstances), the helpers the other api_*.c share, and error classification. */
#include "connect/api.h"

#include <ctype.h>
#include <stdint.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "connect/api_int.h"
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

void api_request_init(struct api_request *r, enum api_op op, const char *method)
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

enum cd_result api_check_id(const char *what, const char *id, char *err, size_t errlen)
{
	size_t n = id ? strlen(id) : 0;
	if (n == 0 || n > API_ID_MAX) {
		snprintf(err, errlen, "%s '%.64s' is empty or longer than %d characters", what,
			 id ? id : "", API_ID_MAX);
		return CD_INPUT;
	}
	return CD_OK;
}

enum cd_result api_check_token(const char *t, char *err, size_t errlen)
{
	if (t && strlen(t) > API_TOKEN_MAX) {
		snprintf(err, errlen, "pagination token from the service is longer than %d bytes",
			 API_TOKEN_MAX);
		return CD_SERVICE;
	}
	return CD_OK;
}

/* "maxResults=N[&nextToken=...]" for the GET listings. */
enum cd_result api_paging_query(struct buf *q, unsigned max_results, const char *next_token)
{
	enum cd_result r = buf_printf(q, "maxResults=%u", max_results);
	if (r == CD_OK && next_token && *next_token) {
		r = buf_puts(q, "&nextToken=");
		if (r == CD_OK)
			r = api_percent_encode(q, next_token, strlen(next_token));
	}
	return r;
}

enum cd_result api_finish(struct api_request *r, enum cd_result res, char *err, size_t errlen)
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
	api_request_init(r, API_SEARCH_USERS, "POST");
	enum cd_result res = api_check_id("instance id", instance_id, err, errlen);
	if (res == CD_OK)
		res = api_check_token(next_token, err, errlen);
	if (res != CD_OK)
		return api_finish(r, res, err, errlen);
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
	return api_finish(r, res, err, errlen);
}

enum cd_result api_list_users(struct api_request *r, const char *instance_id,
			      const char *next_token, unsigned max_results, char *err,
			      size_t errlen)
{
	api_request_init(r, API_LIST_USERS, "GET");
	enum cd_result res = api_check_id("instance id", instance_id, err, errlen);
	if (res == CD_OK)
		res = api_check_token(next_token, err, errlen);
	if (res != CD_OK)
		return api_finish(r, res, err, errlen);
	if (max_results < 1 || max_results > API_MAX_LIST_USERS)
		max_results = API_MAX_LIST_USERS;
	res = buf_puts(&r->path, "/users-summary/");
	if (res == CD_OK)
		res = api_percent_encode(&r->path, instance_id, strlen(instance_id));
	if (res == CD_OK)
		res = api_paging_query(&r->query, max_results, next_token);
	return api_finish(r, res, err, errlen);
}

enum cd_result api_describe_user(struct api_request *r, const char *instance_id,
				 const char *user_id, char *err, size_t errlen)
{
	api_request_init(r, API_DESCRIBE_USER, "GET");
	enum cd_result res = api_check_id("instance id", instance_id, err, errlen);
	if (res == CD_OK)
		res = api_check_id("user id", user_id, err, errlen);
	if (res != CD_OK)
		return api_finish(r, res, err, errlen);
	res = buf_puts(&r->path, "/users/");
	if (res == CD_OK)
		res = api_percent_encode(&r->path, instance_id, strlen(instance_id));
	if (res == CD_OK)
		res = buf_putc(&r->path, '/');
	if (res == CD_OK)
		res = api_percent_encode(&r->path, user_id, strlen(user_id));
	return api_finish(r, res, err, errlen);
}

enum cd_result api_list_instances(struct api_request *r, const char *next_token,
				  unsigned max_results, char *err, size_t errlen)
{
	api_request_init(r, API_LIST_INSTANCES, "GET");
	enum cd_result res = api_check_token(next_token, err, errlen);
	if (res != CD_OK)
		return api_finish(r, res, err, errlen);
	if (max_results < 1 || max_results > API_MAX_LIST_INSTANCES)
		max_results = API_MAX_LIST_INSTANCES;
	res = buf_puts(&r->path, "/instance");
	if (res == CD_OK)
		res = api_paging_query(&r->query, max_results, next_token);
	return api_finish(r, res, err, errlen);
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
enum cd_result api_labelled(struct api_request *r, enum api_op op, const char *method,
			    const char *prefix, const char *instance_id, const char *what,
			    const char *id, const char *suffix, char *err, size_t errlen)
{
	api_request_init(r, op, method);
	enum cd_result res = api_check_id("instance id", instance_id, err, errlen);
	if (res == CD_OK && what)
		res = api_check_id(what, id, err, errlen);
	if (res == CD_OK)
		res = label_path(&r->path, prefix, instance_id, what ? id : NULL, suffix);
	return res;
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

const char *api_str_member(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* A member that is a list of strings, in the canonical form of user_canon_ids, into b (reset
 * first; "" when absent). Elements that are not strings are passed over, as api_str_member passes
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

const char *api_nested_str(json_t *o, const char *obj, const char *key)
{
	json_t *sub = json_object_get(o, obj);
	return json_is_object(sub) ? api_str_member(sub, key) : NULL;
}

json_t *api_load_object(const char *body, size_t len, const char *what, char *err,
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

enum cd_result api_take_token(json_t *root, char **out, char *err, size_t errlen)
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
bool api_span_member(const char *s, size_t n, const char *key, size_t *at, size_t *end)
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
bool api_span_next(const char *s, size_t n, size_t *pos, size_t *at, size_t *end)
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
	json_t *root = api_load_object(body, len, api_op_name(op), err, errlen);
	if (!root)
		return CD_SERVICE;
	json_t *list = json_object_get(root, list_key);
	if (list && !json_is_array(list)) {
		snprintf(err, errlen, "'%s' in the %s response is not a list", list_key,
			 api_op_name(op));
		r = CD_SERVICE;
		goto out;
	}
	r = api_take_token(root, &p->next_token, err, errlen);
	if (r != CD_OK)
		goto out;
	json_t *total = json_object_get(root, "ApproximateTotalCount");
	if (json_is_integer(total))
		p->approx_total = json_integer_value(total);
	size_t i, lat = 0, lend = 0, pos;
	json_t *e;
	bool spans = list && api_span_member(body, len, list_key, &lat, &lend);
	pos = lat;
	json_array_foreach(list, i, e) {
		size_t eat = 0, eend = 0;
		if (!spans || !api_span_next(body, lend, &pos, &eat, &eend)) {
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
			.arn = api_str_member(e, "Arn"),
			.username = api_str_member(e, "Username"),
			.raw = body + eat,
			.raw_len = eend - eat,
		};
		if (op == API_SEARCH_USERS) {
			f.first_name = api_nested_str(e, "IdentityInfo", "FirstName");
			f.last_name = api_nested_str(e, "IdentityInfo", "LastName");
			f.desk_phone = api_nested_str(e, "PhoneConfig", "DeskPhoneNumber");
			f.directory_user_id = api_str_member(e, "DirectoryUserId");
			f.routing_profile_id = api_str_member(e, "RoutingProfileId");
			f.hierarchy_group_id = api_str_member(e, "HierarchyGroupId");
			if ((r = ids_member(e, "SecurityProfileIds", &sp)) != CD_OK)
				goto out;
			f.security_profiles = buf_str(&sp);
		} else {
			f.last_modified = timestamp_member(e, "LastModifiedTime");
			f.last_modified_region = api_str_member(e, "LastModifiedRegion");
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
	json_t *root = api_load_object(body, len, "DescribeUser", err, errlen);
	if (!root)
		return CD_SERVICE;
	json_t *u = json_object_get(root, "User");
	const char *id = json_is_object(u) ? api_str_member(u, "Id") : NULL;
	if (!id || !*id) {
		snprintf(err, errlen, "DescribeUser response has no 'User' with an 'Id'");
		r = CD_SERVICE;
		goto out;
	}
	snprintf(id_out, idlen, "%s", id);
	size_t at, end;
	if (!api_span_member(body, len, "User", &at, &end)) {
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

void api_copy_member(json_t *o, const char *key, char *out, size_t outlen)
{
	const char *s = api_str_member(o, key);
	snprintf(out, outlen, "%s", s ? s : "");
}

/* An account has a few instances (the quota is tens); a listing past this is a service bug. */
#define API_MAX_INSTANCES 100000

enum cd_result api_parse_list_instances(const char *body, size_t len, struct api_instance **v,
					size_t *n, char **next_token, char *err, size_t errlen)
{
	enum cd_result r = CD_OK;
	*next_token = NULL;
	json_t *root = api_load_object(body, len, "ListInstances", err, errlen);
	if (!root)
		return CD_SERVICE;
	json_t *list = json_object_get(root, "InstanceSummaryList");
	if (list && !json_is_array(list)) {
		snprintf(err, errlen, "'InstanceSummaryList' in the ListInstances response is not a list");
		r = CD_SERVICE;
		goto out;
	}
	r = api_take_token(root, next_token, err, errlen);
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
		if (!json_is_object(e) || !api_str_member(e, "Id"))
			continue;
		struct api_instance *in = &(*v)[(*n)++];
		api_copy_member(e, "Id", in->id, sizeof in->id);
		api_copy_member(e, "Arn", in->arn, sizeof in->arn);
		api_copy_member(e, "InstanceAlias", in->alias, sizeof in->alias);
		api_copy_member(e, "InstanceStatus", in->status, sizeof in->status);
		api_copy_member(e, "IdentityManagementType", in->identity, sizeof in->identity);
	}
out:
	if (r != CD_OK) {
		free(*next_token);
		*next_token = NULL;
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
			code = api_str_member(root, "__type");
			if (!code)
				code = api_str_member(root, "code");
			if (!code)
				code = api_str_member(root, "Code");
		}
		if (code)
			clean_code(code, out->code, sizeof out->code);
		const char *msg = json_is_object(root) ? api_str_member(root, "message") : NULL;
		if (!msg && json_is_object(root))
			msg = api_str_member(root, "Message");
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
