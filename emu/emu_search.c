/* emu_search.c -- SearchUsers SearchCriteria: parse the JSON tree once, evaluate it per user. */
#include "emu_search.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The service documents nesting of And/Or lists; a bound keeps a hostile request from
 * recursing the server to death. */
#define SEARCH_MAX_DEPTH 8
#define SEARCH_MAX_NODES 200

enum cond_kind { COND_STRING, COND_HIERARCHY, COND_AND, COND_OR };
enum cond_field { F_USERNAME, F_FIRST, F_LAST, F_ROUTING, F_SECURITY, F_ID };
enum cond_cmp { CMP_STARTS, CMP_CONTAINS, CMP_EXACT };

struct emu_cond {
	enum cond_kind kind;
	enum cond_field field;
	enum cond_cmp cmp;
	char *value;
	struct emu_cond *kids;
	size_t nkids;
};

static const char *const field_names[] = {
	"Username", "FirstName", "LastName", "RoutingProfileId", "SecurityProfileId", "resourceId",
};
static const char *const cmp_names[] = { "STARTS_WITH", "CONTAINS", "EXACT" };

static void cond_clear(struct emu_cond *c)
{
	for (size_t i = 0; i < c->nkids; i++)
		cond_clear(&c->kids[i]);
	free(c->kids);
	free(c->value);
}

void emu_search_free(struct emu_cond *c)
{
	if (!c)
		return;
	cond_clear(c);
	free(c);
}

static enum cd_result parse_node(const json_t *j, struct emu_cond *c, int depth, int *nodes,
				 char *err, size_t errlen);

static enum cd_result parse_list(const json_t *arr, struct emu_cond *c, enum cond_kind kind,
				 int depth, int *nodes, const char *name, char *err, size_t errlen)
{
	if (!json_is_array(arr)) {
		snprintf(err, errlen, "'%s' must be a list", name);
		return CD_INPUT;
	}
	c->kind = kind;
	c->nkids = 0;
	size_t n = json_array_size(arr);
	c->kids = calloc(n ? n : 1, sizeof *c->kids);
	if (!c->kids)
		return CD_NOMEM;
	for (size_t i = 0; i < n; i++) {
		enum cd_result r =
			parse_node(json_array_get(arr, i), &c->kids[i], depth + 1, nodes, err, errlen);
		c->nkids = i + 1;
		if (r != CD_OK)
			return r;
	}
	return CD_OK;
}

static enum cd_result parse_string_cond(const json_t *sc, struct emu_cond *c, char *err,
					size_t errlen)
{
	const char *f = json_string_value(json_object_get(sc, "FieldName"));
	const char *v = json_string_value(json_object_get(sc, "Value"));
	const char *t = json_string_value(json_object_get(sc, "ComparisonType"));
	c->kind = COND_STRING;
	if (!f || !v || !t) {
		snprintf(err, errlen, "StringCondition needs FieldName, Value and ComparisonType");
		return CD_INPUT;
	}
	size_t i;
	for (i = 0; i < sizeof field_names / sizeof *field_names; i++)
		if (!strcmp(f, field_names[i]))
			break;
	if (i == sizeof field_names / sizeof *field_names) {
		snprintf(err, errlen, "unsupported FieldName '%.64s' in StringCondition", f);
		return CD_INPUT;
	}
	c->field = (enum cond_field)i;
	for (i = 0; i < sizeof cmp_names / sizeof *cmp_names; i++)
		if (!strcmp(t, cmp_names[i]))
			break;
	if (i == sizeof cmp_names / sizeof *cmp_names) {
		snprintf(err, errlen, "unsupported ComparisonType '%.64s' in StringCondition", t);
		return CD_INPUT;
	}
	c->cmp = (enum cond_cmp)i;
	c->value = strdup(v);
	return c->value ? CD_OK : CD_NOMEM;
}

static enum cd_result parse_node(const json_t *j, struct emu_cond *c, int depth, int *nodes,
				 char *err, size_t errlen)
{
	memset(c, 0, sizeof *c);
	c->kind = COND_AND; /* an empty AND matches everyone, and is safe to free */
	if (depth > SEARCH_MAX_DEPTH || ++*nodes > SEARCH_MAX_NODES) {
		snprintf(err, errlen, "SearchCriteria is nested too deeply or has too many conditions");
		return CD_INPUT;
	}
	if (!json_is_object(j)) {
		snprintf(err, errlen, "a search condition must be an object");
		return CD_INPUT;
	}
	const char *key;
	json_t *val;
	int set = 0;
	json_object_foreach((json_t *)j, key, val)
		set += !json_is_null(val);
	if (set > 1) {
		snprintf(err, errlen, "a search condition may set only one of OrConditions, "
				      "AndConditions, StringCondition, HierarchyGroupCondition");
		return CD_INPUT;
	}
	json_object_foreach((json_t *)j, key, val) {
		if (json_is_null(val))
			continue;
		if (!strcmp(key, "OrConditions"))
			return parse_list(val, c, COND_OR, depth, nodes, key, err, errlen);
		if (!strcmp(key, "AndConditions"))
			return parse_list(val, c, COND_AND, depth, nodes, key, err, errlen);
		if (!strcmp(key, "StringCondition"))
			return parse_string_cond(val, c, err, errlen);
		if (!strcmp(key, "HierarchyGroupCondition")) {
			const char *v = json_string_value(json_object_get(val, "Value"));
			const char *t = json_string_value(json_object_get(val, "HierarchyGroupMatchType"));
			c->kind = COND_HIERARCHY;
			if (!v || (t && strcmp(t, "EXACT"))) {
				snprintf(err, errlen, "HierarchyGroupCondition needs a Value and match type "
						      "EXACT (WITH_CHILD_GROUPS is not emulated)");
				return CD_INPUT;
			}
			c->value = strdup(v);
			return c->value ? CD_OK : CD_NOMEM;
		}
		snprintf(err, errlen, "unsupported search condition '%.64s'", key);
		return CD_INPUT;
	}
	return CD_OK;
}

enum cd_result emu_search_parse(const json_t *criteria, struct emu_cond **out, char *err,
				size_t errlen)
{
	*out = NULL;
	if (!criteria || json_is_null(criteria))
		return CD_OK;
	struct emu_cond *c = calloc(1, sizeof *c);
	if (!c)
		return CD_NOMEM;
	int nodes = 0;
	enum cd_result r = parse_node(criteria, c, 0, &nodes, err, errlen);
	if (r != CD_OK) {
		emu_search_free(c);
		return r;
	}
	*out = c;
	return CD_OK;
}

static bool str_match(enum cond_cmp cmp, const char *have, const char *want)
{
	size_t hl = strlen(have), wl = strlen(want);
	switch (cmp) {
	case CMP_EXACT:
		return !strcasecmp(have, want);
	case CMP_STARTS:
		return hl >= wl && !strncasecmp(have, want, wl);
	case CMP_CONTAINS:
		return strcasestr(have, want) != NULL;
	}
	return false;
}

static bool security_match(const struct emu_cond *c, const char *raw, size_t raw_len)
{
	json_t *u = json_loadb(raw, raw_len, 0, NULL);
	bool hit = false;
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(u, "SecurityProfileIds"), i, v) {
		if (json_is_string(v) && str_match(c->cmp, json_string_value(v), c->value)) {
			hit = true;
			break;
		}
	}
	json_decref(u);
	return hit;
}

bool emu_search_match(const struct emu_cond *c, const struct emu_search_view *v)
{
	if (!c)
		return true;
	switch (c->kind) {
	case COND_AND:
		for (size_t i = 0; i < c->nkids; i++)
			if (!emu_search_match(&c->kids[i], v))
				return false;
		return true;
	case COND_OR:
		for (size_t i = 0; i < c->nkids; i++)
			if (emu_search_match(&c->kids[i], v))
				return true;
		return c->nkids == 0;
	case COND_HIERARCHY:
		return !strcmp(v->hierarchy_group_id, c->value);
	case COND_STRING:
		switch (c->field) {
		case F_USERNAME: return str_match(c->cmp, v->username, c->value);
		case F_FIRST: return str_match(c->cmp, v->first_name, c->value);
		case F_LAST: return str_match(c->cmp, v->last_name, c->value);
		case F_ROUTING: return str_match(c->cmp, v->routing_profile_id, c->value);
		case F_ID: return str_match(c->cmp, v->id, c->value);
		case F_SECURITY: return security_match(c, v->raw, v->raw_len);
		}
	}
	return false;
}
