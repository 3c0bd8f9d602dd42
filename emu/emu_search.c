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

enum cond_kind { COND_STRING, COND_HIERARCHY, COND_TAG, COND_AND, COND_OR };
enum cond_field { F_USERNAME, F_FIRST, F_LAST, F_ROUTING, F_SECURITY, F_ID };
enum cond_cmp { CMP_STARTS, CMP_CONTAINS, CMP_EXACT };

struct emu_cond {
	enum cond_kind kind;
	enum cond_field field;
	enum cond_cmp cmp;
	char *value;
	char *tag_key;      /* COND_TAG: value is the tag value, NULL for "any value" */
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
	free(c->tag_key);
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

static bool tag_match(const struct emu_cond *c, const char *raw, size_t raw_len)
{
	json_t *u = json_loadb(raw, raw_len, 0, NULL);
	const char *have = json_string_value(json_object_get(json_object_get(u, "Tags"), c->tag_key));
	bool hit = have && (!c->value || !strcmp(have, c->value));
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
	case COND_TAG:
		return tag_match(c, v->raw, v->raw_len);
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

/* ---- SearchFilter: TagFilter / UserAttributeFilter ---- */

static enum cd_result tag_cond(const json_t *tc, struct emu_cond *c, char *err, size_t errlen)
{
	const char *k = json_string_value(json_object_get(tc, "TagKey"));
	const char *v = json_string_value(json_object_get(tc, "TagValue"));
	memset(c, 0, sizeof *c);
	c->kind = COND_TAG;
	if (!k) {
		snprintf(err, errlen, "a TagCondition needs a TagKey");
		return CD_INPUT;
	}
	if (!(c->tag_key = strdup(k)) || (v && !(c->value = strdup(v))))
		return CD_NOMEM;
	return CD_OK;
}

/* An AND node with room for n children (filled by the caller, nkids counting the good ones). */
static enum cd_result new_group(struct emu_cond *c, enum cond_kind kind, size_t n)
{
	memset(c, 0, sizeof *c);
	c->kind = kind;
	c->kids = calloc(n ? n : 1, sizeof *c->kids);
	return c->kids ? CD_OK : CD_NOMEM;
}

static enum cd_result tag_list(const json_t *arr, struct emu_cond *c, enum cond_kind kind,
			       char *err, size_t errlen)
{
	if (!json_is_array(arr) || json_array_size(arr) > SEARCH_MAX_NODES) {
		snprintf(err, errlen, "tag conditions must be a list of at most %d", SEARCH_MAX_NODES);
		return CD_INPUT;
	}
	enum cd_result r = new_group(c, kind, json_array_size(arr));
	for (size_t i = 0; r == CD_OK && i < json_array_size(arr); i++) {
		r = tag_cond(json_array_get(arr, i), &c->kids[i], err, errlen);
		c->nkids = i + 1;
	}
	return r;
}

static enum cd_result hier_cond(const json_t *h, struct emu_cond *c, char *err, size_t errlen)
{
	int nodes = 0;
	json_t *wrap = json_pack("{sO}", "HierarchyGroupCondition", (json_t *)h);
	enum cd_result r = wrap ? parse_node(wrap, c, 0, &nodes, err, errlen) : CD_NOMEM;
	json_decref(wrap);
	return r;
}

/* AttributeAndCondition: {TagConditions:[...], HierarchyGroupCondition:{...}}, all ANDed. */
static enum cd_result attr_and(const json_t *a, struct emu_cond *c, char *err, size_t errlen)
{
	enum cd_result r = new_group(c, COND_AND, 2);
	const json_t *tags = json_object_get(a, "TagConditions");
	const json_t *h = json_object_get(a, "HierarchyGroupCondition");
	if (r == CD_OK && tags) {
		r = tag_list(tags, &c->kids[c->nkids], COND_AND, err, errlen);
		c->nkids++;
	}
	if (r == CD_OK && h) {
		r = hier_cond(h, &c->kids[c->nkids], err, errlen);
		c->nkids++;
	}
	return r;
}

enum cd_result emu_search_parse_filter(const json_t *filter, struct emu_cond **out, char *err,
				       size_t errlen)
{
	enum cd_result r = CD_OK;
	const json_t *tf = json_object_get(filter, "TagFilter");
	const json_t *af = json_object_get(filter, "UserAttributeFilter");
	struct emu_cond *c = NULL;
	*out = NULL;
	if (!filter || json_is_null(filter) || (!tf && !af))
		return CD_OK;
	if (tf && af) {
		snprintf(err, errlen, "a SearchFilter may hold TagFilter or UserAttributeFilter, not both");
		return CD_AUTH; /* the service documents AccessDeniedException for this */
	}
	if (!(c = calloc(1, sizeof *c)) || new_group(c, COND_AND, 4) != CD_OK) {
		free(c);
		return CD_NOMEM;
	}
	const json_t *f = tf ? tf : af;
	const json_t *v;
	if (r == CD_OK && (v = json_object_get(f, "OrConditions"))) {
		/* TagFilter: a list of lists of TagConditions; attribute filter: AttributeAndConditions */
		size_t n = json_array_size(v);
		struct emu_cond *k = &c->kids[c->nkids++];
		r = json_is_array(v) && n <= SEARCH_MAX_NODES ? new_group(k, COND_OR, n) : CD_INPUT;
		if (r == CD_INPUT)
			snprintf(err, errlen, "OrConditions must be a list");
		for (size_t i = 0; r == CD_OK && i < n; i++) {
			r = tf ? tag_list(json_array_get(v, i), &k->kids[i], COND_AND, err, errlen)
			       : attr_and(json_array_get(v, i), &k->kids[i], err, errlen);
			k->nkids = i + 1;
		}
	}
	if (r == CD_OK && tf && (v = json_object_get(f, "AndConditions")))
		r = tag_list(v, &c->kids[c->nkids++], COND_AND, err, errlen);
	if (r == CD_OK && af && (v = json_object_get(f, "AndCondition")))
		r = attr_and(v, &c->kids[c->nkids++], err, errlen);
	if (r == CD_OK && (v = json_object_get(f, "TagCondition")))
		r = tag_cond(v, &c->kids[c->nkids++], err, errlen);
	if (r == CD_OK && af && (v = json_object_get(f, "HierarchyGroupCondition")))
		r = hier_cond(v, &c->kids[c->nkids++], err, errlen);
	if (r != CD_OK) {
		emu_search_free(c);
		return r;
	}
	*out = c;
	return CD_OK;
}

struct emu_cond *emu_search_and(struct emu_cond *a, struct emu_cond *b)
{
	if (!a || !b)
		return a ? a : b;
	struct emu_cond *c = calloc(1, sizeof *c);
	if (!c || new_group(c, COND_AND, 2) != CD_OK) {
		free(c);
		emu_search_free(a);
		emu_search_free(b);
		return NULL;
	}
	c->kids[0] = *a;
	c->kids[1] = *b;
	c->nkids = 2;
	free(a);
	free(b);
	return c;
}
