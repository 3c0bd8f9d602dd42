/* user_json.c -- jansson User objects to struct user_fields, with type checks and clear messages. */
#include "model/user_json.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "isotime.h"

static const char *kind_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER:
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	}
	return "a value";
}

const char *user_json_kind(char c)
{
	switch (c) {
	case '{': return "an object";
	case '[': return "an array";
	case '"': return "a string";
	case 't':
	case 'f': return "a boolean";
	case 'n': return "null";
	default: return "a number";
	}
}

/* Reads an optional string member into *out (NULL when absent or null). */
static bool get_str(const json_t *obj, const char *key, const char *prefix, const char **out,
		    char *err, size_t errlen)
{
	json_t *v = json_object_get(obj, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return true;
	if (!json_is_string(v)) {
		snprintf(err, errlen, "\"%s%s\" is %s, not a string", prefix, key, kind_name(v));
		return false;
	}
	if (memchr(json_string_value(v), '\0', json_string_length(v))) {
		snprintf(err, errlen, "\"%s%s\" holds a NUL character", prefix, key);
		return false;
	}
	*out = json_string_value(v);
	return true;
}

static bool get_obj(const json_t *obj, const char *key, const json_t **out, char *err,
		    size_t errlen)
{
	json_t *v = json_object_get(obj, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return true;
	if (!json_is_object(v)) {
		snprintf(err, errlen, "\"%s\" is %s, not an object", key, kind_name(v));
		return false;
	}
	*out = v;
	return true;
}

/* Checks SecurityProfileIds (an array of strings; null counts as absent) and fills ids[] with
 * its elements; *n receives their count, ids having room for json_array_size(v). */
static bool get_ids(const json_t *v, const char **ids, size_t *n, char *err, size_t errlen)
{
	size_t i;
	json_t *e;
	*n = 0;
	if (!v || json_is_null(v))
		return true;
	if (!json_is_array(v)) {
		snprintf(err, errlen, "\"SecurityProfileIds\" is %s, not an array", kind_name(v));
		return false;
	}
	json_array_foreach(v, i, e) {
		if (!json_is_string(e)) {
			snprintf(err, errlen, "\"SecurityProfileIds[%zu]\" is %s, not a string", i,
				 kind_name(e));
			return false;
		}
		if (memchr(json_string_value(e), '\0', json_string_length(e))) {
			snprintf(err, errlen, "\"SecurityProfileIds[%zu]\" holds a NUL character", i);
			return false;
		}
		ids[(*n)++] = json_string_value(e);
	}
	return true;
}

enum cd_result user_from_json(const json_t *obj, struct user_fields *f, char **raw_out, char *err,
			      size_t errlen)
{
	memset(f, 0, sizeof *f);
	*raw_out = NULL;
	if (!json_is_object(obj)) {
		snprintf(err, errlen, "a user is %s, not an object", obj ? kind_name(obj) : "missing");
		return CD_INPUT;
	}
	const json_t *ident, *phone;
	if (!get_str(obj, "Id", "", &f->id, err, errlen) ||
	    !get_str(obj, "Arn", "", &f->arn, err, errlen) ||
	    !get_str(obj, "Username", "", &f->username, err, errlen) ||
	    !get_str(obj, "DirectoryUserId", "", &f->directory_user_id, err, errlen) ||
	    !get_str(obj, "RoutingProfileId", "", &f->routing_profile_id, err, errlen) ||
	    !get_str(obj, "HierarchyGroupId", "", &f->hierarchy_group_id, err, errlen) ||
	    !get_str(obj, "LastModifiedRegion", "", &f->last_modified_region, err, errlen) ||
	    !get_obj(obj, "IdentityInfo", &ident, err, errlen) ||
	    !get_obj(obj, "PhoneConfig", &phone, err, errlen))
		return CD_INPUT;
	if (ident && (!get_str(ident, "FirstName", "IdentityInfo.", &f->first_name, err, errlen) ||
		      !get_str(ident, "LastName", "IdentityInfo.", &f->last_name, err, errlen) ||
		      !get_str(ident, "Email", "IdentityInfo.", &f->email, err, errlen) ||
		      !get_str(ident, "SecondaryEmail", "IdentityInfo.", &f->secondary_email, err,
			       errlen) ||
		      !get_str(ident, "Mobile", "IdentityInfo.", &f->mobile, err, errlen)))
		return CD_INPUT;
	if (phone &&
	    !get_str(phone, "DeskPhoneNumber", "PhoneConfig.", &f->desk_phone, err, errlen))
		return CD_INPUT;
	if (!f->id || !*f->id) {
		snprintf(err, errlen, f->id ? "user has an empty \"Id\"" : "user has no \"Id\"");
		return CD_INPUT;
	}
	json_t *lmt = json_object_get(obj, "LastModifiedTime");
	if (lmt && json_is_number(lmt)) {
		f->last_modified = json_number_value(lmt);
	} else if (lmt && json_is_string(lmt)) {
		if (!isotime_parse(json_string_value(lmt), json_string_length(lmt),
				     &f->last_modified)) {
			snprintf(err, errlen, "\"LastModifiedTime\" '%.40s' is not an ISO-8601 time",
				 json_string_value(lmt));
			return CD_INPUT;
		}
	} else if (lmt && !json_is_null(lmt)) {
		snprintf(err, errlen, "\"LastModifiedTime\" is %s, not a number or time string",
			 kind_name(lmt));
		return CD_INPUT;
	}
	/* The ids are checked before anything is allocated; their canonical form has no place in
	 * obj, so it follows the raw text in the one block *raw_out hands the caller. */
	json_t *spv = json_object_get(obj, "SecurityProfileIds");
	size_t nsp = json_is_array(spv) ? json_array_size(spv) : 0;
	const char *small[16], **ids = nsp <= 16 ? small : malloc(nsp * sizeof *ids);
	enum cd_result r = CD_OK;
	char *raw = NULL;
	if (!ids) {
		r = CD_NOMEM;
		goto out;
	}
	if (!get_ids(spv, ids, &nsp, err, errlen)) {
		r = CD_INPUT;
		goto out;
	}
	raw = json_dumps(obj, JSON_COMPACT | JSON_ENCODE_ANY);
	if (!raw) {
		r = CD_NOMEM;
		goto out;
	}
	f->raw_len = strlen(raw);
	f->security_profiles = "";
	if (nsp > 0) {
		struct buf b = BUF_INIT(SIZE_MAX / 2);
		size_t len;
		if ((r = buf_append(&b, raw, f->raw_len + 1)) != CD_OK ||
		    (r = user_canon_ids(ids, nsp, &b)) != CD_OK) {
			buf_release(&b);
			goto out;
		}
		free(raw);
		raw = buf_detach(&b, &len);
		if (!raw) {
			r = CD_NOMEM;
			goto out;
		}
		f->security_profiles = raw + f->raw_len + 1;
	}
	f->raw = raw;
	*raw_out = raw;
	raw = NULL;
out:
	if (r == CD_NOMEM)
		snprintf(err, errlen, "out of memory encoding user '%s'", f->id);
	if (ids != small)
		free(ids);
	free(raw);
	return r;
}
