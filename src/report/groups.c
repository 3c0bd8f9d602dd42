/* groups.c -- duplicate_groups_<ts>.json: clusters, members, evidence, suggested keeper. */
#include "report/groups.h"

#include <math.h>
#include "detect/explain_names.h"
#include "jsonesc.h"
#include "report/json.h"

static void kv(FILE *f, const char *key, const char *val, bool comma)
{
	if (comma)
		fputc(',', f);
	jsonesc_fput(f, key);
	fputc(':', f);
	jsonesc_fput(f, val);
}

static void member(FILE *f, const struct user *u)
{
	fputc('{', f);
	kv(f, "Id", u->id, false);
	kv(f, "Username", u->username, true);
	kv(f, "Email", u->email, true);
	kv(f, "FirstName", u->first_name, true);
	kv(f, "LastName", u->last_name, true);
	if (u->last_modified > 0)
		fprintf(f, ",\"LastModifiedTime\":%.3f", u->last_modified);
	if (u->directory_user_id[0])
		kv(f, "DirectoryUserId", u->directory_user_id, true);
	fputc('}', f);
}

enum cd_result groups_evidence_text(const struct groups_facts *g, const struct match_pair *p,
				    struct buf *out)
{
	enum cd_result r = CD_OK;
	const struct user *a = &g->users->v[p->a], *b = &g->users->v[p->b];
	for (size_t e = 0; e < p->nev && r == CD_OK; e++) {
		if (e)
			r = buf_puts(out, "; ");
		/* a sentence with names says its kind itself */
		if (r == CD_OK && !match_explain_sentence(p->ev[e].kind, g->names))
			r = buf_printf(out, "%s: ", match_kind_name(p->ev[e].kind));
		if (r == CD_OK)
			r = match_explain_named(a, b, p->ev[e].kind, g->names, out);
	}
	return r;
}

static void pair_json(FILE *f, const struct groups_facts *g, const struct match_pair *p)
{
	const struct user *a = &g->users->v[p->a], *b = &g->users->v[p->b];
	struct buf t = BUF_INIT(1 << 16);
	fputs("{\"user1\":", f);
	jsonesc_fput(f, a->id);
	fputs(",\"user2\":", f);
	jsonesc_fput(f, b->id);
	fprintf(f, ",\"score\":%.2f,\"confidence\":%.4f,\"evidence\":[", p->score, p->confidence);
	for (size_t e = 0; e < p->nev; e++) {
		buf_reset(&t);
		match_explain_named(a, b, p->ev[e].kind, g->names, &t);
		fputs(e ? ",{" : "{", f);
		kv(f, "kind", match_kind_name(p->ev[e].kind), false);
		fprintf(f, ",\"weight\":%.2f", p->ev[e].weight);
		kv(f, "detail", buf_str(&t), true);
		fputc('}', f);
	}
	fputs("]}", f);
	buf_release(&t);
}

void report_groups_json(FILE *f, const struct groups_facts *g)
{
	const struct cluster_set *cs = g->clusters;
	fputs("{\"generated\":", f);
	jsonesc_fput(f, g->ts ? g->ts : "");
	fputs(",\"mode\":", f);
	jsonesc_fput(f, match_mode_name(g->opts->mode));
	fprintf(f, ",\"threshold\":%.4g,\"possible_from\":%.4g,\"users\":%zu,\"partial\":%s,",
		g->opts->threshold, g->opts->possible, g->users->n, g->partial ? "true" : "false");
	/* Which instance: what ties the file to an audit (null: not known). */
	const char *inst[][2] = { { "id", g->inst.id }, { "alias", g->inst.alias },
				  { "region", g->inst.region }, { "account", g->inst.account } };
	fputs("\"instance\":{", f);
	for (size_t i = 0; i < sizeof inst / sizeof inst[0]; i++) {
		fprintf(f, "%s\"%s\":", i ? "," : "", inst[i][0]);
		if (inst[i][1] && *inst[i][1])
			jsonesc_fput(f, inst[i][1]);
		else
			fputs("null", f);
	}
	fputs("},\"clusters\":[", f);
	for (size_t c = 0; c < cs->n; c++) {
		const struct cluster *k = &cs->v[c];
		const struct user *keep = &g->users->v[k->keep];
		fprintf(f, "%s\n{\"cluster\":%zu,\"size\":%zu,\"confidence\":%.4f,\"keep\":{", c ? "," : "",
			c + 1, k->nmembers, k->confidence);
		kv(f, "Id", keep->id, false);
		kv(f, "Username", keep->username, true);
		kv(f, "reason", cluster_keep_reason_text(k->keep_reason), true);
		fputs("},\"members\":[", f);
		for (size_t i = 0; i < k->nmembers; i++) {
			if (i)
				fputc(',', f);
			member(f, &g->users->v[k->members[i]]);
		}
		fputs("],\"pairs\":[", f);
		for (size_t i = 0; i < k->npairs; i++) {
			if (i)
				fputc(',', f);
			pair_json(f, g, &g->match->v[k->pairs[i]]);
		}
		fputs("]}", f);
	}
	fputs("\n]}\n", f);
}
