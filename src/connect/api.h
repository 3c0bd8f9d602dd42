/* api.h -- request building, response parsing and error classification for the Connect operations. */
#ifndef CD_CONNECT_API_H
#define CD_CONNECT_API_H

#include <stdbool.h>
#include <stddef.h>
#include "buf.h"
#include "model/names.h"
#include "model/user.h"
#include "result.h"

/* Names, paths, query keys and JSON members follow botocore's service model
 * (data/connect/2017-08-08/service-2.json, restJson): nothing here knows about the network,
 * so every builder and parser is tested on fixed text. */
enum api_op {
	API_SEARCH_USERS = 0, /* POST /search-users, body {InstanceId, MaxResults<=500, NextToken} */
	API_LIST_USERS,       /* GET /users-summary/{InstanceId}?maxResults<=1000&nextToken= */
	API_DESCRIBE_USER,    /* GET /users/{InstanceId}/{UserId} */
	API_LIST_INSTANCES,   /* GET /instance?maxResults<=10&nextToken= */
	/* The remediation commands (plan, apply, restore): */
	API_DELETE_USER,      /* DELETE /users/{InstanceId}/{UserId} */
	API_CREATE_USER,      /* PUT /users/{InstanceId}, body CreateUserRequest */
	API_LIST_QUICK_CONNECTS,    /* GET /quick-connects/{InstanceId}?QuickConnectTypes=&maxResults<=1000 */
	API_DESCRIBE_QUICK_CONNECT, /* GET /quick-connects/{InstanceId}/{QuickConnectId} */
	API_DELETE_QUICK_CONNECT,   /* DELETE /quick-connects/{InstanceId}/{QuickConnectId} */
	API_LIST_USER_PROFICIENCIES, /* GET /users/{InstanceId}/{UserId}/proficiencies?maxResults<=100 */
	API_ASSOCIATE_USER_PROFICIENCIES, /* POST /users/{InstanceId}/{UserId}/associate-proficiencies */
	/* The names the reports show for the ids users carry (connect/names.c): */
	API_LIST_ROUTING_PROFILES,  /* GET /routing-profiles-summary/{InstanceId}?maxResults<=1000 */
	API_LIST_SECURITY_PROFILES, /* GET /security-profiles-summary/{InstanceId}?maxResults<=1000 */
	API_LIST_USER_HIERARCHY_GROUPS, /* GET /user-hierarchy-groups-summary/{InstanceId}?maxResults<=1000 */
	API_NOPS
};

/* "SearchUsers", "ListUsers", "DescribeUser", "ListInstances" (as the service spells them). */
const char *api_op_name(enum api_op op);
/* Case-insensitive lookup of a service name; false when unknown. */
bool api_op_from_name(const char *name, enum api_op *op);

/* The published default quotas (requests per second, burst), used when --rate says nothing. */
void api_default_quota(enum api_op op, double *rate, double *burst);

#define API_MAX_SEARCH_USERS 500
#define API_MAX_LIST_USERS 1000
#define API_MAX_LIST_INSTANCES 10
#define API_MAX_LIST_QUICK_CONNECTS 1000
#define API_MAX_LIST_USER_PROFICIENCIES 100

/* One request, ready for signing: path and query are already percent-encoded (every byte but
 * A-Z a-z 0-9 - . _ ~, as botocore does for URI labels and query values), so opaque tokens with
 * '+', '/', '=' survive. The request owns its buffers: api_request_release. */
struct api_request {
	enum api_op op;
	const char *method;  /* "GET" or "POST" (static) */
	struct buf path;     /* "/users/i-1/u%2B1" */
	struct buf query;    /* "maxResults=1000&nextToken=a%2Bb%3D" or "" */
	struct buf body;     /* JSON for POST, "" for GET */
};

void api_request_release(struct api_request *r);

/* Builders. next_token NULL or "" starts from the first page. Ids are checked (non-empty, at most
 * 256 bytes) and a bad one is CD_INPUT. On failure r is left released. */
enum cd_result api_search_users(struct api_request *r, const char *instance_id,
				const char *next_token, unsigned max_results, char *err,
				size_t errlen);
enum cd_result api_list_users(struct api_request *r, const char *instance_id,
			      const char *next_token, unsigned max_results, char *err,
			      size_t errlen);
enum cd_result api_describe_user(struct api_request *r, const char *instance_id,
				 const char *user_id, char *err, size_t errlen);
enum cd_result api_list_instances(struct api_request *r, const char *next_token,
				  unsigned max_results, char *err, size_t errlen);

/* The remediation operations. `body_json` is the request body (a JSON object's text, built and
 * checked by the caller: src/act/restore.c); quick_connect_type NULL lists every type. */
enum cd_result api_delete_user(struct api_request *r, const char *instance_id,
			       const char *user_id, char *err, size_t errlen);
enum cd_result api_create_user(struct api_request *r, const char *instance_id,
			       const char *body_json, char *err, size_t errlen);
enum cd_result api_list_quick_connects(struct api_request *r, const char *instance_id,
				       const char *quick_connect_type, const char *next_token,
				       unsigned max_results, char *err, size_t errlen);
enum cd_result api_describe_quick_connect(struct api_request *r, const char *instance_id,
					  const char *quick_connect_id, char *err, size_t errlen);
enum cd_result api_delete_quick_connect(struct api_request *r, const char *instance_id,
					const char *quick_connect_id, char *err, size_t errlen);
enum cd_result api_list_user_proficiencies(struct api_request *r, const char *instance_id,
					   const char *user_id, const char *next_token,
					   unsigned max_results, char *err, size_t errlen);
enum cd_result api_associate_user_proficiencies(struct api_request *r, const char *instance_id,
						const char *user_id, const char *body_json,
						char *err, size_t errlen);

/* SearchUsers for the users whose Username is exactly `username` (one page of at most 10). */
enum cd_result api_search_username(struct api_request *r, const char *instance_id,
				   const char *username, char *err, size_t errlen);

/* Percent-encodes s (n bytes) onto b as above. */
enum cd_result api_percent_encode(struct buf *b, const char *s, size_t n);

/* --- responses --------------------------------------------------------------------------- */

/* A listing item that is not what the service model says. */
struct api_bad_item {
	size_t index;  /* its position in the page's list, from 0 */
	char id[272];  /* its Id as text (a number's digits too), "" when it has none */
	char why[96];  /* "no 'Id'", "'Id' is a number, not a string", "'Username' is not a string" */
	bool dropped;  /* not in users (no usable Id); else kept without the bad member */
};

/* A page of a listing. users holds one record per entry, in page order, with the fields the
 * operation returns (SearchUsers: Id, Arn, Username, FirstName, LastName, DeskPhoneNumber,
 * DirectoryUserId, RoutingProfileId, HierarchyGroupId, SecurityProfileIds in canonical form;
 * ListUsers: Id, Arn, Username, LastModifiedTime, LastModifiedRegion) and raw = the entry's JSON text as received. Entries without a
 * string Id are skipped and counted; they and entries with members of the wrong type are in
 * bad[]. next_token is NULL on the last page (malloc'd otherwise). */
struct api_page {
	struct user_set users;
	char *next_token;
	long long approx_total; /* SearchUsers ApproximateTotalCount, -1 when absent */
	size_t skipped;
	struct api_bad_item *bad; /* malformed entries, in page order (owned) */
	size_t nbad, bad_cap;
};

void api_page_init(struct api_page *p);
void api_page_release(struct api_page *p);

/* Parse a 2xx body. Malformed JSON or a missing list member -> CD_SERVICE with a line in err
 * (never the body itself: it holds personal data). */
enum cd_result api_parse_search_users(const char *body, size_t len, struct api_page *p,
				      char *err, size_t errlen);
enum cd_result api_parse_list_users(const char *body, size_t len, struct api_page *p, char *err,
				    size_t errlen);

/* DescribeUser: *raw receives the User object's JSON text exactly as received (malloc'd) and
 * *raw_len its length; the User must have a non-empty Id, copied to
 * id_out (truncated at idlen). */
enum cd_result api_parse_describe_user(const char *body, size_t len, char **raw, size_t *raw_len,
				       char *id_out, size_t idlen, char *err, size_t errlen);

/* ListInstances entries (Id, Arn, InstanceAlias, InstanceStatus, IdentityManagementType). */
struct api_instance {
	char id[128];
	char arn[300];
	char alias[128];
	char status[48];
	char identity[48];
};
/* Appends the page's instances to *v (realloc'd, *n updated; caller frees *v) and sets
 * *next_token (malloc'd) or NULL. */
enum cd_result api_parse_list_instances(const char *body, size_t len, struct api_instance **v,
					size_t *n, char **next_token, char *err, size_t errlen);

/* ListQuickConnects: the page's QuickConnectSummary Ids (and types) are appended to *v
 * (realloc'd, *n updated; caller frees *v); *next_token as for ListInstances. */
struct api_quick_connect {
	char id[128];
	char type[16]; /* USER, QUEUE, PHONE_NUMBER, FLOW */
};
enum cd_result api_parse_list_quick_connects(const char *body, size_t len,
					     struct api_quick_connect **v, size_t *n,
					     char **next_token, char *err, size_t errlen);

/* DescribeQuickConnect: *raw receives the QuickConnect object's text as received (malloc'd);
 * user_id the UserId of a USER quick connect's UserConfig ("" for other types). */
enum cd_result api_parse_describe_quick_connect(const char *body, size_t len, char **raw,
						char *user_id, size_t idlen, char *err,
						size_t errlen);

/* ListUserProficiencies: each UserProficiencyList element's text, as received, is appended to
 * items, comma-separated (items->len > 0 before the call: a comma first); *next_token as above. */
enum cd_result api_parse_list_user_proficiencies(const char *body, size_t len, struct buf *items,
						 char **next_token, char *err, size_t errlen);

/* CreateUser: the new UserId and UserArn. */
enum cd_result api_parse_create_user(const char *body, size_t len, char *id, size_t idlen,
				     char *arn, size_t arnlen, char *err, size_t errlen);

/* Epoch seconds from a restJson timestamp: a number (epoch seconds, possibly fractional) or an
 * ISO 8601 string ("2026-11-28T16:45:00Z", "...00.123+02:00"). false when neither. */
bool api_parse_timestamp(const char *s, double *out);

/* --- errors ------------------------------------------------------------------------------ */

enum api_error_kind {
	API_ERR_NONE = 0,  /* 2xx */
	API_ERR_THROTTLED, /* 429 or a throttling code: slow down and retry, not a failure */
	API_ERR_RETRY,     /* 500/502/503/504, transient codes: retry with backoff */
	API_ERR_EXPIRED,   /* ExpiredToken(Exception): refresh credentials once, retry */
	API_ERR_AUTH,      /* bad keys or signature, access denied: stop, exit 4 */
	API_ERR_NOT_FOUND, /* 404 / ResourceNotFoundException */
	API_ERR_CLIENT,    /* other 4xx: the request is wrong, retrying will not help */
};

struct api_error {
	enum api_error_kind kind;
	int status;
	char code[96];     /* "ThrottlingException" (namespace and URL suffixes removed) or "" */
	char message[1024]; /* the service's message, control characters replaced, or "" */
};

/* Classifies a response from its status, the x-amzn-ErrorType header (may be NULL) and the JSON
 * body's "__type" / "code" and "message" / "Message" members (body may be NULL or not JSON). */
void api_classify(int status, const char *error_type_header, const char *body, size_t len,
		  struct api_error *out);
/* The cd_result a final (non-retried) error maps to: auth -> CD_AUTH, not found -> CD_NOT_FOUND,
 * throttled -> CD_THROTTLED, retry -> CD_SERVICE, client -> CD_INPUT. */
enum cd_result api_error_result(const struct api_error *e);
/* One line for logs and the failures table: "429 ThrottlingException: rate exceeded". */
void api_error_format(const struct api_error *e, char *out, size_t outlen);

/* Whether pw fits CreateUser's Password pattern in the service model,
 * ^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)[a-zA-Z\d\S]{8,64}$: 8 to 64 characters, none of them white
 * space or a control character, with a lower-case letter, an upper-case letter and a digit.
 * false with the reason in why (NULL: none; it never quotes the password). */
bool api_password_ok(const char *pw, char *why, size_t whylen);

/* --- names of routing profiles, security profiles, hierarchy groups ------------------------ */

#define API_MAX_LIST_NAMES 1000

/* The listing operation of a kind of name (model/names.h), and its builder. */
enum api_op api_names_op(enum name_kind k);
enum cd_result api_list_names(struct api_request *r, enum name_kind k, const char *instance_id,
			      const char *next_token, unsigned max_results, char *err,
			      size_t errlen);
/* One page of ListRoutingProfiles / ListSecurityProfiles / ListUserHierarchyGroups: each
 * summary's Id and Name go into t (names_add; marks the kind known); entries without a usable
 * Id or Name are skipped and counted in *skipped (may be NULL). *next_token as for
 * ListInstances. A body that is not a JSON object, or a list member that is not a list, is
 * CD_SERVICE; CD_TOOBIG past NAMES_MAX_ENTRIES. */
enum cd_result api_parse_list_names(enum name_kind k, const char *body, size_t len,
				    struct name_table *t, size_t *skipped, char **next_token,
				    char *err, size_t errlen);

#endif
