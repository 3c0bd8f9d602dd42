/* server_names.c -- the three listings of names, derived from the ids the users carry. */
#include "server_names.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu_page.h"
#include "grow.h"
#include "jsonesc.h"

static const struct {
	int op;
	const char *path; /* first path segment */
	const char *list; /* the response's list member */
	const char *arn;  /* the ARN's resource type */
	int kind;         /* emu_store_profile_ids' kind */
} ops[] = {
	{ EMU_OP_LIST_ROUTING_PROFILES, "routing-profiles-summary", "RoutingProfileSummaryList",
	  "routing-profile", 0 },
	{ EMU_OP_LIST_SECURITY_PROFILES, "security-profiles-summary", "SecurityProfileSummaryList",
	  "security-profile", 1 },
	{ EMU_OP_LIST_USER_HIERARCHY_GROUPS, "user-hierarchy-groups-summary",
	  "UserHierarchyGroupSummaryList", "agent-group", 2 },
};

#define NOPS (sizeof ops / sizeof ops[0])
#define MAX_IDS 1000000

int emu_names_route(const char *method, char seg[][512], int nseg)
{
	if (strcmp(method, "GET") != 0 || nseg != 2)
		return -1;
	for (size_t i = 0; i < NOPS; i++)
		if (!strcmp(seg[0], ops[i].path))
			return ops[i].op;
	return -1;
}

static const char *const routing[] = {
	"Basic Routing Profile", "Sales", "Support", "Billing", "Technical Support", "Retention",
	"Outbound Sales", "Escalations", "Back Office", "Chat Only", "Claims", "Onboarding",
};
static const char *const security[] = {
	"Agent", "CallCenterManager", "Admin", "QualityAnalyst", "Supervisor", "Reporting",
	"Trainer", "Workforce Planner",
};
static const char *const sites[] = {
	"London", "Dublin", "Berlin", "Madrid", "Paris", "Toronto", "Austin", "Sydney",
	"Singapore", "Manchester",
};

#define LEN(a) (sizeof a / sizeof a[0])

void emu_names_name(int op, size_t rank, char *out, size_t outlen)
{
	if (op == EMU_OP_LIST_ROUTING_PROFILES)
		rank < LEN(routing) ? snprintf(out, outlen, "%s", routing[rank])
				    : snprintf(out, outlen, "Routing Profile %zu", rank + 1);
	else if (op == EMU_OP_LIST_SECURITY_PROFILES)
		rank < LEN(security) ? snprintf(out, outlen, "%s", security[rank])
				     : snprintf(out, outlen, "Security Profile %zu", rank + 1);
	else
		snprintf(out, outlen, "%s Team %zu", sites[rank % LEN(sites)], rank / LEN(sites) + 1);
}

struct ids {
	int kind;
	char **v;
	size_t n, cap;
	enum cd_result r;
};

static void collect(void *ctx, int kind, const char *id, size_t len)
{
	struct ids *c = ctx;
	if (kind != c->kind || c->r != CD_OK)
		return;
	if ((c->r = ARRAY_GROW(c->v, c->n + 1, c->cap, MAX_IDS)) != CD_OK)
		return;
	if (!(c->v[c->n] = strndup(id, len)))
		c->r = CD_NOMEM;
	else
		c->n++;
}

static int by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

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

void emu_names_handle(int op, struct emu_store *store, uint64_t page_key, char seg[][512],
		      int nseg, const char *query, struct emu_act_reply *o)
{
	size_t which = NOPS;
	for (size_t i = 0; i < NOPS; i++)
		if (ops[i].op == op)
			which = i;
	o->status = 200;
	o->error = NULL;
	if (which == NOPS || nseg < 2 || !emu_store_is_instance(store, seg[1])) {
		fail(o, 404, "ResourceNotFoundException", "Instance not found: %.128s",
		     nseg >= 2 ? seg[1] : "");
		return;
	}
	char v[4096];
	long max = 100;
	size_t pos = 0;
	int got = emu_act_query_arg(query, "maxResults", v, sizeof v);
	if (got < 0 || (got > 0 && (sscanf(v, "%ld", &max) != 1 || max < 1 || max > 1000))) {
		fail(o, 400, "InvalidParameterException",
		     "1 validation error detected: Value at 'maxResults' failed to satisfy constraint: "
		     "Member must have value between 1 and 1000");
		return;
	}
	got = emu_act_query_arg(query, "nextToken", v, sizeof v);
	if (got < 0 || (got > 0 && !emu_page_decode(page_key, (enum emu_op)op,
						   emu_store_instance_id(store), v, &pos))) {
		fail(o, 400, "InvalidParameterException", "The nextToken is not valid");
		return;
	}
	struct ids c = { .kind = ops[which].kind };
	emu_store_profile_ids(store, collect, &c);
	enum cd_result r = c.r;
	size_t n = 0;
	if (r == CD_OK && c.n) {
		qsort(c.v, c.n, sizeof *c.v, by_str);
		for (size_t i = 0; i < c.n; i++) {
			if (n && !strcmp(c.v[n - 1], c.v[i])) {
				free(c.v[i]);
				continue;
			}
			c.v[n++] = c.v[i];
		}
	} else {
		n = c.n;
	}
	if (r == CD_OK)
		r = buf_printf(o->body, "{\"%s\":[", ops[which].list);
	size_t end = pos + (size_t)max < n ? pos + (size_t)max : n;
	for (size_t i = pos; i < end && r == CD_OK; i++) {
		char name[96];
		emu_names_name(op, i, name, sizeof name);
		r = buf_puts(o->body, i > pos ? ",{\"Id\":" : "{\"Id\":");
		if (r == CD_OK)
			r = jsonesc_append(o->body, c.v[i]);
		char arn[1024];
		snprintf(arn, sizeof arn, "%s/%s/%.512s", emu_store_instance_arn(store),
			 ops[which].arn, c.v[i]);
		if (r == CD_OK)
			r = buf_puts(o->body, ",\"Arn\":");
		if (r == CD_OK)
			r = jsonesc_append(o->body, arn);
		if (r == CD_OK)
			r = buf_puts(o->body, ",\"Name\":");
		if (r == CD_OK)
			r = jsonesc_append(o->body, name);
		/* {Id, Arn, Name}: the members every botocore version's summary shapes have */
		if (r == CD_OK)
			r = buf_putc(o->body, '}');
	}
	if (r == CD_OK)
		r = buf_putc(o->body, ']');
	if (r == CD_OK && end < n) {
		char tok[EMU_PAGE_TOKEN_MAX];
		emu_page_encode(page_key, (enum emu_op)op, emu_store_instance_id(store), end, tok);
		r = buf_printf(o->body, ",\"NextToken\":\"%s\"", tok);
	}
	if (r == CD_OK)
		r = buf_putc(o->body, '}');
	for (size_t i = 0; i < n; i++)
		free(c.v[i]);
	free(c.v);
	if (r != CD_OK)
		fail(o, 500, "InternalServiceException", "reply too large");
}
