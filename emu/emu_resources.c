/* emu_resources.c -- quick connects and user proficiencies of the emulated instance. */
#include "emu_resources.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonesc.h"

#define DUMP_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(15))

struct emu_qc {
	json_t *obj;      /* the QuickConnect object (DescribeQuickConnect) */
	char *id, *type;  /* owned copies, for the listing */
	bool deleted;
};

struct emu_prof {
	char *user_id;
	json_t *list;     /* array of UserProficiency */
};

struct emu_resources {
	pthread_mutex_t lock;
	struct emu_qc *qc;
	size_t nqc, capqc, deleted_qc;
	struct emu_prof *prof;
	size_t nprof, capprof;
};

enum cd_result emu_resources_new(struct emu_resources **out)
{
	struct emu_resources *r = calloc(1, sizeof *r);
	*out = r;
	if (!r)
		return CD_NOMEM;
	pthread_mutex_init(&r->lock, NULL);
	return CD_OK;
}

void emu_resources_free(struct emu_resources *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nqc; i++) {
		json_decref(r->qc[i].obj);
		free(r->qc[i].id);
		free(r->qc[i].type);
	}
	for (size_t i = 0; i < r->nprof; i++) {
		free(r->prof[i].user_id);
		json_decref(r->prof[i].list);
	}
	free(r->qc);
	free(r->prof);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

static const char *qc_user(json_t *q)
{
	json_t *cfg = json_object_get(q, "QuickConnectConfig");
	return json_string_value(json_object_get(json_object_get(cfg, "UserConfig"), "UserId"));
}

static enum cd_result add_qc(struct emu_resources *r, json_t *q, char *err, size_t errlen)
{
	const char *id = json_string_value(json_object_get(q, "QuickConnectId"));
	const char *type = json_string_value(
		json_object_get(json_object_get(q, "QuickConnectConfig"), "QuickConnectType"));
	if (!id || !*id || !type) {
		snprintf(err, errlen, "a quick connect without QuickConnectId or QuickConnectType");
		return CD_INPUT;
	}
	if (r->nqc == r->capqc) {
		size_t cap = r->capqc ? 2 * r->capqc : 64;
		struct emu_qc *v = realloc(r->qc, cap * sizeof *v);
		if (!v)
			return CD_NOMEM;
		r->qc = v;
		r->capqc = cap;
	}
	struct emu_qc *e = &r->qc[r->nqc];
	e->id = strdup(id);
	e->type = strdup(type);
	e->deleted = false;
	e->obj = json_incref(q);
	if (!e->id || !e->type) {
		free(e->id);
		free(e->type);
		json_decref(q);
		return CD_NOMEM;
	}
	r->nqc++;
	return CD_OK;
}

static struct emu_prof *find_prof(struct emu_resources *r, const char *user_id, bool create)
{
	for (size_t i = 0; i < r->nprof; i++)
		if (!strcmp(r->prof[i].user_id, user_id))
			return &r->prof[i];
	if (!create)
		return NULL;
	if (r->nprof == r->capprof) {
		size_t cap = r->capprof ? 2 * r->capprof : 64;
		struct emu_prof *v = realloc(r->prof, cap * sizeof *v);
		if (!v)
			return NULL;
		r->prof = v;
		r->capprof = cap;
	}
	struct emu_prof *p = &r->prof[r->nprof];
	if (!(p->user_id = strdup(user_id)) || !(p->list = json_array())) {
		free(p->user_id);
		return NULL;
	}
	r->nprof++;
	return p;
}

enum cd_result emu_resources_load(struct emu_resources *r, struct emu_store *store,
				  const char *path, char *err, size_t errlen)
{
	json_error_t je;
	enum cd_result rc = CD_OK;
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!json_is_object(root)) {
		snprintf(err, errlen, "'%s': not a resources file (line %d: %s)", path, je.line, je.text);
		json_decref(root);
		return CD_INPUT;
	}
	size_t i;
	json_t *q;
	const char *key;
	json_t *v;
	char arn[700];
	pthread_mutex_lock(&r->lock);
	json_array_foreach(json_object_get(root, "QuickConnects"), i, q) {
		const char *id = json_string_value(json_object_get(q, "QuickConnectId"));
		if (id && !json_object_get(q, "QuickConnectARN")) {
			snprintf(arn, sizeof arn, "%s/transfer-destination/%s",
				 emu_store_instance_arn(store), id);
			json_object_set_new(q, "QuickConnectARN", json_string(arn));
		}
		if ((rc = add_qc(r, q, err, errlen)) != CD_OK)
			break;
	}
	json_object_foreach(json_object_get(root, "UserProficiencies"), key, v) {
		if (rc != CD_OK)
			break;
		struct emu_prof *p = find_prof(r, key, true);
		if (!p || !json_is_array(v) || json_array_extend(p->list, v))
			rc = p ? CD_INPUT : CD_NOMEM;
	}
	pthread_mutex_unlock(&r->lock);
	json_object_foreach(json_object_get(root, "UserTags"), key, v) {
		if (rc != CD_OK)
			break;
		json_t *patch = json_pack("{sO}", "Tags", v);
		enum cd_result pr = patch ? emu_store_patch_quiet(store, key, patch) : CD_NOMEM;
		json_decref(patch);
		if (pr != CD_OK && pr != CD_NOT_FOUND)
			rc = pr;
	}
	if (rc != CD_OK && !err[0])
		snprintf(err, errlen, "'%s': cannot load the resources", path);
	json_decref(root);
	return rc;
}

enum cd_result emu_resources_qc_page(struct emu_resources *r, const char *type, size_t from,
				     size_t max, struct buf *out, size_t *next)
{
	enum cd_result rc = CD_OK;
	size_t k = from, put = 0;
	*next = 0;
	pthread_mutex_lock(&r->lock);
	for (; k < r->nqc && rc == CD_OK; k++) {
		struct emu_qc *e = &r->qc[k];
		if (e->deleted || (type && strcmp(type, e->type)))
			continue;
		if (put == max) {
			*next = k;
			break;
		}
		json_t *o = e->obj;
		json_t *sum = json_pack("{sO? sO? sO? ss sO? sO?}", "Id",
					json_object_get(o, "QuickConnectId"), "Arn",
					json_object_get(o, "QuickConnectARN"), "Name",
					json_object_get(o, "Name"), "QuickConnectType", e->type,
					"LastModifiedTime", json_object_get(o, "LastModifiedTime"),
					"LastModifiedRegion", json_object_get(o, "LastModifiedRegion"));
		char *text = sum ? json_dumps(sum, DUMP_FLAGS) : NULL;
		rc = !text ? CD_NOMEM : buf_puts(out, put ? "," : "");
		if (rc == CD_OK)
			rc = buf_puts(out, text);
		free(text);
		json_decref(sum);
		put++;
	}
	pthread_mutex_unlock(&r->lock);
	return rc;
}

static struct emu_qc *find_qc(struct emu_resources *r, const char *id)
{
	for (size_t k = 0; k < r->nqc; k++)
		if (!r->qc[k].deleted && !strcmp(r->qc[k].id, id))
			return &r->qc[k];
	return NULL;
}

enum cd_result emu_resources_qc_describe(struct emu_resources *r, const char *id,
					 struct buf *out)
{
	enum cd_result rc = CD_NOT_FOUND;
	pthread_mutex_lock(&r->lock);
	struct emu_qc *e = find_qc(r, id);
	if (e) {
		char *text = json_dumps(e->obj, DUMP_FLAGS);
		rc = text ? buf_printf(out, "{\"QuickConnect\":%s}", text) : CD_NOMEM;
		free(text);
	}
	pthread_mutex_unlock(&r->lock);
	return rc;
}

enum cd_result emu_resources_qc_delete(struct emu_resources *r, const char *id)
{
	enum cd_result rc = CD_NOT_FOUND;
	pthread_mutex_lock(&r->lock);
	struct emu_qc *e = find_qc(r, id);
	if (e) {
		e->deleted = true;
		r->deleted_qc++;
		rc = CD_OK;
	}
	pthread_mutex_unlock(&r->lock);
	return rc;
}

enum cd_result emu_resources_proficiencies(struct emu_resources *r, const char *user_id,
					   struct buf *out)
{
	enum cd_result rc;
	pthread_mutex_lock(&r->lock);
	struct emu_prof *p = find_prof(r, user_id, false);
	char *text = p ? json_dumps(p->list, DUMP_FLAGS) : NULL;
	rc = !p ? buf_puts(out, "[]") : text ? buf_puts(out, text) : CD_NOMEM;
	free(text);
	pthread_mutex_unlock(&r->lock);
	return rc;
}

enum cd_result emu_resources_associate(struct emu_resources *r, const char *user_id,
				       json_t *list)
{
	enum cd_result rc = CD_OK;
	size_t i, j;
	json_t *in, *have;
	pthread_mutex_lock(&r->lock);
	struct emu_prof *p = find_prof(r, user_id, true);
	if (!p)
		rc = CD_NOMEM;
	json_array_foreach(p ? list : NULL, i, in) {
		bool found = false;
		json_array_foreach(p->list, j, have) {
			if (json_equal(json_object_get(have, "AttributeName"),
				       json_object_get(in, "AttributeName")) &&
			    json_equal(json_object_get(have, "AttributeValue"),
				       json_object_get(in, "AttributeValue"))) {
				json_object_set(have, "Level", json_object_get(in, "Level"));
				found = true;
			}
		}
		if (!found && json_array_append_new(p->list, json_deep_copy(in)))
			rc = CD_NOMEM;
	}
	pthread_mutex_unlock(&r->lock);
	return rc;
}

enum cd_result emu_resources_admin(struct emu_resources *r, struct buf *out)
{
	pthread_mutex_lock(&r->lock);
	enum cd_result rc = buf_puts(out, "{\"quick_connects\":[");
	bool first = true;
	for (size_t k = 0; k < r->nqc && rc == CD_OK; k++) {
		struct emu_qc *e = &r->qc[k];
		if (e->deleted)
			continue;
		const char *u = qc_user(e->obj);
		rc = buf_puts(out, first ? "{\"Id\":" : ",{\"Id\":");
		first = false;
		if (rc == CD_OK)
			rc = jsonesc_append(out, e->id);
		if (rc == CD_OK)
			rc = buf_puts(out, ",\"UserId\":");
		if (rc == CD_OK)
			rc = jsonesc_append(out, u ? u : "");
		if (rc == CD_OK)
			rc = buf_putc(out, '}');
	}
	if (rc == CD_OK)
		rc = buf_printf(out, "],\"deleted_quick_connects\":%zu}", r->deleted_qc);
	pthread_mutex_unlock(&r->lock);
	return rc;
}
