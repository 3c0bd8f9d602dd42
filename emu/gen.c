/* gen.c -- the generator's driver: what comes next, the pending second accounts, gen_stream. */
#include "gen_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"

const char *const gen_dup_kinds[] = {
	"email_case", "username_case", "name_case", "name_whitespace", "name_accents",
	"name_fullwidth", "name_typo", "nickname", "name_swapped", "email_plus_tag",
	"email_gmail_dots", "username_is_email", "secondary_email", "phone", NULL,
};
const char *const gen_distractor_kinds[] = {
	"distractor_same_name", "distractor_similar_name", NULL,
};

/* ---- emission ------------------------------------------------------------------------- */

void gen_user_id(unsigned long long seed, size_t index, char out[37])
{
	uuid_det(seed, 'u', index, out);
}

static enum cd_result emit(struct gen_ctx *g, const struct acct *a)
{
	char id[37], arn[256];
	enum cd_result r;
	size_t index = g->nout;
	gen_user_id(g->o->seed, index, id);
	if ((r = render(g, a, id, &g->json)) != CD_OK)
		return r;
	snprintf(arn, sizeof arn, "arn:aws:connect:%s:%s:instance/%s/agent/%s", g->region,
		g->account, g->instance_id, id);
	char rp[37], hg[37] = "";
	uuid_det(g->o->seed, 'r', a->rp, rp);
	if (a->hg != SIZE_MAX)
		uuid_det(g->o->seed, 'h', a->hg, hg);
	/* The same ids render() wrote, in the form every loader gives, so a generated set and
	 * the file written from it hold the same users. */
	char sp[sizeof a->sec / sizeof *a->sec][37];
	const char *spv[sizeof a->sec / sizeof *a->sec];
	for (size_t i = 0; i < a->nsec; i++) {
		uuid_det(g->o->seed, 's', a->sec[i], sp[i]);
		spv[i] = sp[i];
	}
	buf_reset(&g->secprof);
	if ((r = user_canon_ids(spv, a->nsec, &g->secprof)) != CD_OK)
		return r;
	struct user_fields f = {
		.id = id, .arn = arn, .username = a->username, .first_name = a->first,
		.last_name = a->last, .email = a->email, .secondary_email = a->secondary,
		.mobile = a->mobile, .desk_phone = a->desk_type ? a->desk : "",
		.directory_user_id = a->has_dir ? a->dir : "", .routing_profile_id = rp,
		.hierarchy_group_id = hg, .last_modified_region = g->region,
		.security_profiles = g->secprof.data,
		.last_modified = a->lmt, .raw = buf_str(&g->json), .raw_len = g->json.len,
	};
	g->namekey[index] = name_key(g, a->first, a->last);
	g->person[index] = a->person;
	uint32_t *cnt = htab_slot(&g->names, g->namekey[index], 1);
	if (!cnt)
		return CD_NOMEM;
	++*cnt;
	g->nout++;
	return g->sink(g->sink_ctx, index, &f);
}

static int heap_less(const struct pending *x, const struct pending *y)
{
	return x->emit_at != y->emit_at ? x->emit_at < y->emit_at : x->seq < y->seq;
}

static enum cd_result heap_push(struct gen_ctx *g, const struct pending *p)
{
	enum cd_result r = ARRAY_GROW(g->heap, g->nheap + 1, g->capheap, GROW_MAX_ELEMS);
	if (r != CD_OK)
		return r;
	size_t i = g->nheap++;
	g->heap[i] = *p;
	g->heap[i].seq = g->seq++;
	while (i && heap_less(&g->heap[i], &g->heap[(i - 1) / 2])) {
		struct pending t = g->heap[i];
		g->heap[i] = g->heap[(i - 1) / 2];
		g->heap[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
	return CD_OK;
}

static enum cd_result heap_pop_emit(struct gen_ctx *g)
{
	struct pending *top = &g->heap[0];
	size_t index = g->nout;
	enum cd_result r = emit(g, &top->a);
	if (r == CD_OK && top->kind)
		r = truth_add(g->truth, top->first_index, index, top->kind, top->distractor);
	g->heap[0] = g->heap[--g->nheap];
	for (size_t i = 0;;) {
		size_t l = 2 * i + 1, m = i;
		if (l < g->nheap && heap_less(&g->heap[l], &g->heap[m]))
			m = l;
		if (l + 1 < g->nheap && heap_less(&g->heap[l + 1], &g->heap[m]))
			m = l + 1;
		if (m == i)
			break;
		struct pending t = g->heap[i];
		g->heap[i] = g->heap[m];
		g->heap[m] = t;
		i = m;
	}
	return r;
}

/* Emits a now and schedules b a random distance later. */
static enum cd_result emit_pair(struct gen_ctx *g, const struct acct *a, const struct acct *b,
	const char *kind, int distractor, size_t gapmax)
{
	struct pending *p = malloc(sizeof *p);
	enum cd_result r;
	if (!p)
		return CD_NOMEM;
	p->first_index = g->nout;
	p->kind = kind;
	p->distractor = distractor;
	p->a = *b;
	p->emit_at = g->nout + 1 + rng_below(&g->r, gapmax);
	r = emit(g, a);
	if (r == CD_OK)
		r = heap_push(g, p);
	free(p);
	return r;
}

void gen_opts_init(struct gen_opts *o)
{
	memset(o, 0, sizeof *o);
	o->dup_rate = GEN_DEFAULT_DUP_RATE;
}

void gen_instance_id(const struct gen_opts *opts, char *id, size_t idlen)
{
	char u[37];
	if (opts->instance_id && opts->instance_id[0]) {
		scpy(id, idlen, opts->instance_id);
		return;
	}
	uuid_det(opts->seed, 'i', 0, u);
	scpy(id, idlen, u);
}

const char *gen_region(const struct gen_opts *opts)
{
	return opts->region && opts->region[0] ? opts->region : "us-east-1";
}

enum cd_result gen_stream(const struct gen_opts *opts, gen_sink sink, void *sink_ctx,
	struct gen_truth *truth, char *err, size_t errlen)
{
	struct gen_ctx g;
	enum cd_result r = CD_OK;
	struct acct *a = NULL, *b = NULL;
	memset(&g, 0, sizeof g);
	if (!opts->users || opts->users > GEN_MAX_USERS || !(opts->dup_rate >= 0.0) ||
	    opts->dup_rate > 0.5) {
		snprintf(err, errlen, "users must be 1..%lu and dup-rate 0..0.5", GEN_MAX_USERS);
		return CD_USAGE;
	}
	g.o = opts;
	g.r.s = mix64(opts->seed, 0x636f6e6e656374ULL);
	g.sink = sink;
	g.sink_ctx = sink_ctx;
	g.truth = truth;
	g.err = err;
	g.errlen = errlen;
	buf_init(&g.json, 1 << 16);
	buf_init(&g.secprof, 1 << 10);
	gen_instance_id(opts, g.instance_id, sizeof g.instance_id);
	scpy(g.region, sizeof g.region, gen_region(opts));
	snprintf(g.account, sizeof g.account, "%012llu",
		(unsigned long long)(mix64(opts->seed, 'a') % 900000000000ULL + 100000000000ULL));
	size_t n = opts->users;
	g.nhg = n / 40 > 5 ? n / 40 : 5;
	g.nrp = n / 300 > 3 ? n / 300 : 3;
	g.name_cap = (uint32_t)(4 + n / 500000 < 6 ? 4 + n / 500000 : 6);
	g.namekey = malloc(n * sizeof *g.namekey);
	g.person = malloc(n * sizeof *g.person);
	a = malloc(sizeof *a);
	b = malloc(sizeof *b);
	g.parts = calloc(PART_CACHE, sizeof *g.parts);
	/* sized up front: rehashing millions of keys costs more than the memory */
	if (htab_reserve(&g.idents, 2 * n) || htab_reserve(&g.phones, n)) {
		r = CD_NOMEM;
		goto out;
	}
	if (!(g.arena = arena_new()) || !g.namekey || !g.person || !a || !b || !g.parts ||
	    ctx_tables(&g)) {
		r = CD_NOMEM;
		goto out;
	}
	/* Exact counts: D planted second accounts, as many distractor pairs, singles fill up. */
	size_t dups = (size_t)llround(opts->dup_rate * (double)n);
	size_t dis = dups;
	if (2 * dups > n)
		dups = n / 2;
	if (2 * dups + 2 * dis > n)
		dis = (n - 2 * dups) / 2;
	size_t singles = n - 2 * dups - 2 * dis;
	size_t gapmax = n / 4 > 5000 ? 5000 : (n / 4 ? n / 4 : 1);
	size_t kind_i = 0, dis_i = 0;
	while (g.nout < n && r == CD_OK) {
		size_t units = singles + dups + dis;
		if (g.nheap && (g.heap[0].emit_at <= g.nout || !units)) {
			r = heap_pop_emit(&g);
			continue;
		}
		size_t u = rng_below(&g.r, units);
		if (u < singles) {
			singles--;
			if (new_person(&g, a, 0)) {
				r = CD_INTERNAL;
				break;
			}
			r = emit(&g, a);
		} else if (u < singles + dups) {
			dups--;
			enum kind k = (enum kind)(kind_i++ % K_NKINDS);
			if (plant_checked(&g, k, a, b)) {
				snprintf(err, errlen, "could not plant a '%s' pair", gen_dup_kinds[k]);
				r = CD_INTERNAL;
				break;
			}
			r = emit_pair(&g, a, b, gen_dup_kinds[k], 0, gapmax);
		} else {
			dis--;
			int similar = dis_i++ % 2;
			if (similar ? distractor_similar(&g, a, b) : distractor_same(&g, a, b)) {
				r = CD_INTERNAL;
				break;
			}
			/* same-name pairs are listed by the same-name pass with the accidental ones */
			r = emit_pair(&g, a, b, similar ? KIND_SIMILAR_NAME : NULL, 1, gapmax);
		}
	}
	if (r == CD_OK)
		r = same_name_pass(&g);
	if (r == CD_INTERNAL && !err[0])
		snprintf(err, errlen, "generator ran out of unique identifiers or phone numbers");
out:
	if (r == CD_NOMEM)
		snprintf(err, errlen, "out of memory generating %lu users", opts->users);
	free(a);
	free(b);
	free(g.heap);
	free(g.namekey);
	free(g.person);
	htab_free(&g.idents);
	htab_free(&g.phones);
	htab_free(&g.names);
	free(g.parts);
	htab_free(&g.idnext);
	buf_release(&g.json);
	buf_release(&g.secprof);
	arena_free(g.arena);
	return r;
}

/* ---- gen_instance ------------------------------------------------------------------------ */

static enum cd_result set_sink(void *ctx, size_t index, const struct user_fields *f)
{
	(void)index;
	return user_set_add(ctx, f);
}

enum cd_result gen_instance(const struct gen_opts *opts, struct user_set *users,
	struct gen_truth *truth, char *err, size_t errlen)
{
	size_t base = users->n;
	enum cd_result r;
	if (err && errlen)
		err[0] = 0;
	r = gen_stream(opts, set_sink, users, truth, err, errlen);
	if (r == CD_OK && base)
		for (size_t i = 0; i < truth->n; i++) {
			truth->v[i].user1 += base;
			truth->v[i].user2 += base;
		}
	return r;
}
