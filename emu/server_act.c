/* server_act.c -- DeleteUser, CreateUser, quick connects and proficiencies, as the service model has them. */
#include "server_act.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connect/api.h"
#include "emu_page.h"

static void fail(struct emu_act_reply *o, unsigned status, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void fail(struct emu_act_reply *o, unsigned status, const char *name, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(o->message, sizeof o->message, fmt, ap);
	va_end(ap);
	o->status = status;
	o->error = name;
	buf_reset(o->body);
}

static void fail_size(struct emu_act_reply *o)
{
	fail(o, 500, "InternalServiceException", "reply too large");
}

int emu_act_route(const char *method, char seg[][512], int n)
{
	bool get = !strcmp(method, "GET"), post = !strcmp(method, "POST"),
	     put = !strcmp(method, "PUT"), del = !strcmp(method, "DELETE");
	bool users = n >= 1 && !strcmp(seg[0], "users"),
	     qc = n >= 1 && !strcmp(seg[0], "quick-connects");
	if (del && users && n == 3)
		return EMU_OP_DELETE_USER;
	if (put && users && n == 2)
		return EMU_OP_CREATE_USER;
	if (get && users && n == 4 && !strcmp(seg[3], "proficiencies"))
		return EMU_OP_LIST_USER_PROFICIENCIES;
	if (post && users && n == 4 && !strcmp(seg[3], "associate-proficiencies"))
		return EMU_OP_ASSOCIATE_USER_PROFICIENCIES;
	if (get && qc && n == 2)
		return EMU_OP_LIST_QUICK_CONNECTS;
	if (get && qc && n == 3)
		return EMU_OP_DESCRIBE_QUICK_CONNECT;
	if (del && qc && n == 3)
		return EMU_OP_DELETE_QUICK_CONNECT;
	return -1;
}

/* ---- small helpers (the query reader mirrors server.c's) ---- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

/* 0 absent, 1 found (decoded into out), -1 undecodable. */
static int query_arg(const char *q, const char *name, char *out, size_t cap)
{
	size_t nl = strlen(name);
	for (const char *p = q; p && *p;) {
		size_t n = strcspn(p, "&");
		const char *eq = memchr(p, '=', n);
		size_t kl = eq ? (size_t)(eq - p) : n;
		if (kl == nl && !memcmp(p, name, nl)) {
			const char *v = eq ? eq + 1 : p + n;
			size_t o = 0;
			for (; v < p + n; v++) {
				char c = *v;
				if (c == '%') {
					int h = v + 2 < p + n ? hexval(v[1]) : -1;
					int l = h >= 0 ? hexval(v[2]) : -1;
					if (h < 0 || l < 0)
						return -1;
					c = (char)(h * 16 + l);
					v += 2;
				} else if (c == '+') {
					c = ' ';
				}
				if (o + 1 >= cap || c == '\0')
					return -1;
				out[o++] = c;
			}
			out[o] = '\0';
			return 1;
		}
		p += n;
		if (*p == '&')
			p++;
	}
	return 0;
}

static bool user_known(struct emu_store *store, const char *id, struct emu_act_reply *o)
{
	if (emu_store_exists(store, id))
		return true;
	fail(o, 404, "ResourceNotFoundException", "User not found for UserId: %.128s", id);
	return false;
}

static json_t *body_object(const char *body, size_t len, struct emu_act_reply *o)
{
	json_t *in = json_loadb(body ? body : "", len, 0, NULL);
	if (!json_is_object(in)) {
		json_decref(in);
		fail(o, 400, "SerializationException", "the request body is not a JSON object");
		return NULL;
	}
	return in;
}

/* ---- the operations ---- */

static void create_user(struct emu_store *store, const char *body, size_t len,
			struct emu_act_reply *o)
{
	char id[37], arn[512], err[256];
	json_t *in = body_object(body, len, o);
	if (!in)
		return;
	const char *username = json_string_value(json_object_get(in, "Username"));
	json_t *sp = json_object_get(in, "SecurityProfileIds");
	const char *rp = json_string_value(json_object_get(in, "RoutingProfileId"));
	if (!username || !*username || strlen(username) > 100) {
		fail(o, 400, "InvalidParameterException",
		     "1 validation error detected: Value at 'username' failed to satisfy constraint: "
		     "Member must have length between 1 and 100");
	} else if (!json_is_array(sp) || json_array_size(sp) < 1 || json_array_size(sp) > 10) {
		fail(o, 400, "InvalidParameterException",
		     "1 validation error detected: Value at 'securityProfileIds' failed to satisfy "
		     "constraint: Member must have length between 1 and 10");
	} else if (!rp || !*rp) {
		fail(o, 400, "InvalidParameterException",
		     "1 validation error detected: Value null at 'routingProfileId' failed to satisfy "
		     "constraint: Member must not be null");
	} else if (!api_password_ok(json_string_value(json_object_get(in, "Password")), NULL, 0)) {
		/* The emulated instance is CONNECT_MANAGED (DescribeInstance says so), where the
		 * service requires a password of the model's pattern; it is never stored. */
		fail(o, 400, "InvalidParameterException",
		     "A password of 8 to 64 characters with an upper-case letter, a lower-case letter "
		     "and a digit is required for a user of an instance that manages its users' "
		     "passwords");
	} else {
		enum cd_result r = emu_store_create(store, in, id, arn, sizeof arn, err, sizeof err);
		if (r == CD_INPUT)
			fail(o, 409, "DuplicateResourceException", "%s", err);
		else if (r != CD_OK)
			fail_size(o);
		else if (buf_printf(o->body, "{\"UserId\":\"%s\",\"UserArn\":\"%s\"}", id, arn) != CD_OK)
			fail_size(o);
	}
	json_decref(in);
}

static void list_quick_connects(struct emu_store *store, struct emu_resources *res,
				uint64_t key, const char *query, struct emu_act_reply *o)
{
	char v[4096], type[32];
	long max = 100;
	size_t pos = 0, next = 0;
	int got = query_arg(query, "maxResults", v, sizeof v);
	if (got < 0 || (got > 0 && (sscanf(v, "%ld", &max) != 1 || max < 1 || max > 1000))) {
		fail(o, 400, "InvalidParameterException",
		     "1 validation error detected: Value at 'maxResults' failed to satisfy constraint: "
		     "Member must have value between 1 and 1000");
		return;
	}
	got = query_arg(query, "nextToken", v, sizeof v);
	if (got < 0 || (got > 0 && !emu_page_decode(key, EMU_OP_LIST_QUICK_CONNECTS,
						   emu_store_instance_id(store), v, &pos))) {
		fail(o, 400, "InvalidParameterException", "The nextToken is not valid");
		return;
	}
	got = query_arg(query, "QuickConnectTypes", type, sizeof type);
	if (got < 0 || (got > 0 && strcmp(type, "USER") && strcmp(type, "QUEUE") &&
			strcmp(type, "PHONE_NUMBER") && strcmp(type, "FLOW"))) {
		fail(o, 400, "InvalidParameterException",
		     "1 validation error detected: Value at 'quickConnectTypes' failed to satisfy "
		     "constraint: Member must satisfy enum value set: [USER, QUEUE, PHONE_NUMBER, FLOW]");
		return;
	}
	enum cd_result r = buf_puts(o->body, "{\"QuickConnectSummaryList\":[");
	if (r == CD_OK && res)
		r = emu_resources_qc_page(res, got > 0 ? type : NULL, pos, (size_t)max, o->body,
					  &next);
	if (r == CD_OK)
		r = buf_putc(o->body, ']');
	if (r == CD_OK && next) {
		char tok[EMU_PAGE_TOKEN_MAX];
		emu_page_encode(key, EMU_OP_LIST_QUICK_CONNECTS, emu_store_instance_id(store), next,
				tok);
		r = buf_printf(o->body, ",\"NextToken\":\"%s\"", tok);
	}
	if (r == CD_OK)
		r = buf_putc(o->body, '}');
	if (r != CD_OK)
		fail_size(o);
}

static void associate(struct emu_store *store, struct emu_resources *res, const char *user,
		      const char *body, size_t len, struct emu_act_reply *o)
{
	size_t i;
	json_t *e;
	json_t *in = body_object(body, len, o);
	if (!in || !user_known(store, user, o))
		goto out;
	json_t *list = json_object_get(in, "UserProficiencies");
	bool ok = json_is_array(list) && json_array_size(list) >= 1;
	json_array_foreach(ok ? list : NULL, i, e) {
		json_t *lv = json_object_get(e, "Level");
		if (!json_is_string(json_object_get(e, "AttributeName")) ||
		    !json_is_string(json_object_get(e, "AttributeValue")) || !json_is_number(lv) ||
		    json_number_value(lv) < 1 || json_number_value(lv) > 5)
			ok = false;
	}
	if (!ok) {
		fail(o, 400, "InvalidParameterException",
		     "UserProficiencies must be a list of {AttributeName, AttributeValue, Level 1..5}");
		goto out;
	}
	if (!res || emu_resources_associate(res, user, list) != CD_OK)
		fail(o, 500, "InternalServiceException", "cannot store the proficiencies");
out:
	json_decref(in);
}

void emu_act_handle(int op, struct emu_store *store, struct emu_resources *res,
		    uint64_t page_key, char seg[][512], int nseg, const char *query,
		    const char *body, size_t len, struct emu_act_reply *o)
{
	o->status = 200;
	o->error = NULL;
	if (nseg < 2 || !emu_store_is_instance(store, seg[1])) {
		fail(o, 404, "ResourceNotFoundException", "Instance not found: %.128s",
		     nseg >= 2 ? seg[1] : "");
		return;
	}
	enum cd_result r;
	switch (op) {
	case EMU_OP_DELETE_USER:
		if (emu_store_delete(store, seg[2]) != CD_OK)
			fail(o, 404, "ResourceNotFoundException", "User not found for UserId: %.128s",
			     seg[2]);
		break;
	case EMU_OP_CREATE_USER:
		create_user(store, body, len, o);
		break;
	case EMU_OP_LIST_QUICK_CONNECTS:
		list_quick_connects(store, res, page_key, query, o);
		break;
	case EMU_OP_DESCRIBE_QUICK_CONNECT:
	case EMU_OP_DELETE_QUICK_CONNECT:
		r = !res ? CD_NOT_FOUND
		    : op == EMU_OP_DELETE_QUICK_CONNECT ? emu_resources_qc_delete(res, seg[2])
							  : emu_resources_qc_describe(res, seg[2], o->body);
		if (r == CD_NOT_FOUND)
			fail(o, 404, "ResourceNotFoundException",
			     "QuickConnect not found for QuickConnectId: %.128s", seg[2]);
		else if (r != CD_OK)
			fail_size(o);
		break;
	case EMU_OP_LIST_USER_PROFICIENCIES:
		if (!user_known(store, seg[2], o))
			break;
		r = buf_puts(o->body, "{\"UserProficiencyList\":");
		if (r == CD_OK)
			r = res ? emu_resources_proficiencies(res, seg[2], o->body)
				: buf_puts(o->body, "[]");
		if (r == CD_OK)
			r = buf_putc(o->body, '}');
		if (r != CD_OK)
			fail_size(o);
		break;
	case EMU_OP_ASSOCIATE_USER_PROFICIENCIES:
		associate(store, res, seg[2], body, len, o);
		break;
	default:
		fail(o, 404, "UnknownOperationException", "unknown operation");
	}
}

bool emu_act_admin(struct emu_store *store, struct emu_resources *res, const char *method,
		   const char *path, struct emu_act_reply *o)
{
	enum cd_result r;
	if (strcmp(method, "GET"))
		return false;
	o->status = 200;
	o->error = NULL;
	if (!strcmp(path, "/_emu/resources"))
		r = res ? emu_resources_admin(res, o->body)
			: buf_puts(o->body, "{\"quick_connects\":[],\"deleted_quick_connects\":0}");
	else if (!strcmp(path, "/_emu/live-users"))
		r = emu_store_live_ids(store, o->body);
	else
		return false;
	if (r != CD_OK)
		fail_size(o);
	return true;
}

int emu_act_query_arg(const char *query, const char *name, char *out, size_t cap)
{
	return query_arg(query, name, out, cap);
}
