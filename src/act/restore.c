/* restore.c -- re-creating backed-up users (CreateUser, AssociateUserProficiencies). */
#include "act/restore.h"

#include <errno.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BACKUP_FILE_MAX (1u << 30)

struct restore_backup {
	json_t *root;
	json_t *users; /* borrowed from root */
	char id[128], region[64], alias[128], arn[300];
};

static void copy(json_t *o, const char *key, char *out, size_t cap)
{
	const char *s = json_string_value(json_object_get(o, key));
	snprintf(out, cap, "%s", s ? s : "");
}

enum cd_result restore_parse(const char *text, size_t len, struct restore_backup **out,
			     char *err, size_t errlen)
{
	json_error_t je;
	*out = NULL;
	struct restore_backup *b = calloc(1, sizeof *b);
	if (!b) {
		snprintf(err, errlen, "out of memory");
		return CD_NOMEM;
	}
	b->root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	json_t *inst = json_object_get(b->root, "instance");
	b->users = json_object_get(b->root, "users");
	if (!json_is_object(b->root) || !json_is_object(inst) || !json_is_array(b->users)) {
		snprintf(err, errlen, "not a backup written by 'connect-dupes plan'%s%s",
			 b->root ? "" : ": ", b->root ? "" : je.text);
		restore_free(b);
		return CD_INPUT;
	}
	copy(inst, "Id", b->id, sizeof b->id);
	copy(inst, "Region", b->region, sizeof b->region);
	copy(inst, "Alias", b->alias, sizeof b->alias);
	copy(inst, "Arn", b->arn, sizeof b->arn);
	size_t i;
	json_t *e;
	json_array_foreach(b->users, i, e) {
		json_t *u = json_object_get(e, "User");
		const char *id = json_string_value(json_object_get(u, "Id"));
		const char *name = json_string_value(json_object_get(u, "Username"));
		json_t *pr = json_object_get(e, "Proficiencies");
		if (!id || !*id || !name || !*name || (pr && !json_is_array(pr))) {
			snprintf(err, errlen, "backed-up user %zu has no User with Id and Username", i + 1);
			restore_free(b);
			return CD_INPUT;
		}
	}
	*out = b;
	return CD_OK;
}

enum cd_result restore_load(const char *path, struct restore_backup **out, char *err,
			    size_t errlen)
{
	char perr[400];
	*out = NULL;
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
		return errno == ENOENT ? CD_INPUT : CD_IO;
	}
	struct buf t = BUF_INIT(BACKUP_FILE_MAX);
	char chunk[65536];
	size_t n;
	enum cd_result r = CD_OK;
	while (r == CD_OK && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
		r = buf_append(&t, chunk, n);
	if (r == CD_OK && ferror(f))
		r = CD_IO;
	fclose(f);
	if (r != CD_OK)
		snprintf(err, errlen, "cannot read '%s'", path);
	else if ((r = restore_parse(buf_str(&t), t.len, out, perr, sizeof perr)) != CD_OK)
		snprintf(err, errlen, "'%s': %s", path, perr);
	buf_release(&t);
	return r;
}

void restore_free(struct restore_backup *b)
{
	if (!b)
		return;
	json_decref(b->root);
	free(b);
}

const char *restore_instance_id(const struct restore_backup *b) { return b->id; }
const char *restore_instance_region(const struct restore_backup *b) { return b->region; }
const char *restore_instance_alias(const struct restore_backup *b) { return b->alias; }
const char *restore_instance_arn(const struct restore_backup *b) { return b->arn; }
size_t restore_count(const struct restore_backup *b) { return json_array_size(b->users); }

static json_t *user_at(const struct restore_backup *b, size_t i)
{
	return json_object_get(json_array_get(b->users, i), "User");
}

const char *restore_user_id(const struct restore_backup *b, size_t i)
{
	return json_string_value(json_object_get(user_at(b, i), "Id"));
}

enum cd_result restore_create_body(const struct restore_backup *b, size_t i,
				   const char *instance_id, const char *password, struct buf *out)
{
	/* the fields CreateUser takes that DescribeUser gave (a password is never among them) */
	static const char *const fields[] = {
		"Username", "IdentityInfo", "PhoneConfig", "DirectoryUserId", "SecurityProfileIds",
		"RoutingProfileId", "HierarchyGroupId", "Tags",
	};
	json_t *u = user_at(b, i), *body = json_object();
	enum cd_result r = CD_NOMEM;
	if (!body)
		return r;
	for (size_t k = 0; k < sizeof fields / sizeof *fields; k++) {
		json_t *v = json_object_get(u, fields[k]);
		if (!v || json_is_null(v))
			continue;
		/* an empty Tags map or DirectoryUserId is what DescribeUser says for "none"; the
		 * CreateUser model wants at least one tag and a non-empty id */
		if ((json_is_object(v) && !json_object_size(v)) ||
		    (json_is_string(v) && !json_string_length(v)))
			continue;
		if (json_object_set(body, fields[k], v))
			goto out;
	}
	if (json_object_set_new(body, "InstanceId", json_string(instance_id)))
		goto out;
	if (password && json_object_set_new(body, "Password", json_string(password)))
		goto out;
	char *text = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
	if (!text)
		goto out;
	r = buf_puts(out, text);
	OPENSSL_cleanse(text, strlen(text));
	free(text);
out:
	json_decref(body);
	return r;
}

static bool selected(const char *id, const char *const *only, size_t nonly)
{
	if (!nonly)
		return true;
	for (size_t i = 0; i < nonly; i++)
		if (!strcmp(only[i], id))
			return true;
	return false;
}

enum cd_result restore_run(const struct restore_backup *b, const char *const *only, size_t nonly,
			   const char *instance_id, const char *password, bool dry_run,
			   const struct restore_ops *ops,
			   restore_event_fn event, void *event_ctx, struct restore_summary *s,
			   char *err, size_t errlen)
{
	memset(s, 0, sizeof *s);
	err[0] = '\0';
	if (dry_run ? (ops->create_user || ops->associate_proficiencies)
		    : (!ops->create_user || !ops->associate_proficiencies)) {
		snprintf(err, errlen, "internal: restore %s its write operations",
			 dry_run ? "in a dry run given" : "without");
		return CD_INTERNAL;
	}
	for (size_t k = 0; k < nonly; k++) {
		bool found = false;
		for (size_t i = 0; i < restore_count(b) && !found; i++)
			found = !strcmp(restore_user_id(b, i), only[k]);
		if (!found) {
			snprintf(err, errlen, "user '%s' is not in the backup", only[k]);
			return CD_INPUT;
		}
	}
	struct buf body = BUF_INIT(1u << 20);
	enum cd_result rc = CD_OK;
	for (size_t i = 0; i < restore_count(b) && rc == CD_OK; i++) {
		const char *old = restore_user_id(b, i);
		if (!selected(old, only, nonly))
			continue;
		s->selected++;
		json_t *u = user_at(b, i);
		const char *name = json_string_value(json_object_get(u, "Username"));
		char detail[512] = "", new_id[300] = "";
		bool exists = false;
		enum restore_outcome out;
		enum cd_result r = ops->username_exists(ops->ctx, name, &exists, detail, sizeof detail);
		buf_reset(&body);
		if (r != CD_OK) {
			out = RESTORE_FAILED;
		} else if (exists) {
			out = RESTORE_EXISTS;
		} else if ((r = restore_create_body(b, i, instance_id, password, &body)) != CD_OK) {
			out = RESTORE_FAILED;
			snprintf(detail, sizeof detail, "cannot build the CreateUser request");
		} else if (dry_run) {
			out = RESTORE_WOULD_CREATE;
		} else if ((r = ops->create_user(ops->ctx, buf_str(&body), new_id, sizeof new_id,
						 detail, sizeof detail)) != CD_OK) {
			out = RESTORE_FAILED;
		} else {
			out = RESTORE_CREATED;
			json_t *pr = json_object_get(json_array_get(b->users, i), "Proficiencies");
			if (json_array_size(pr)) {
				json_t *pb = json_pack("{sO}", "UserProficiencies", pr);
				char *text = pb ? json_dumps(pb, JSON_COMPACT | JSON_REAL_PRECISION(17))
						: NULL;
				r = text ? ops->associate_proficiencies(ops->ctx, new_id, text, detail,
									 sizeof detail)
					 : CD_NOMEM;
				free(text);
				json_decref(pb);
				if (r != CD_OK)
					out = RESTORE_PARTIAL;
			}
		}
		if (event)
			event(event_ctx, old, name, out, new_id, detail);
		switch (out) {
		case RESTORE_CREATED: s->created++; break;
		case RESTORE_WOULD_CREATE: s->would_create++; break;
		case RESTORE_EXISTS: s->exists++; break;
		case RESTORE_PARTIAL: s->partial++; break;
		default: s->failed++; break;
		}
		if (r == CD_AUTH || r == CD_NOMEM) {
			snprintf(err, errlen, "%s", detail);
			rc = r;
		}
	}
	if (body.data)
		OPENSSL_cleanse(body.data, body.cap); /* the password was in it */
	buf_release(&body);
	if (rc == CD_OK && (s->exists || s->failed || s->partial))
		rc = CD_INCOMPLETE;
	return rc;
}
