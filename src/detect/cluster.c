/* cluster.c -- union-find over duplicate pairs, cluster confidence, and the keeper choice. */
#include "detect/cluster.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "buf.h"
#include "detect/normalize.h"

static uint32_t uf_find(uint32_t *parent, uint32_t x)
{
	while (parent[x] != x) {
		parent[x] = parent[parent[x]]; /* path halving */
		x = parent[x];
	}
	return x;
}

struct order {
	float conf;
	uint32_t idx;
};

static int by_conf_desc(const void *pa, const void *pb)
{
	const struct order *a = pa, *b = pb;
	if (a->conf != b->conf)
		return a->conf > b->conf ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static int completeness(const struct user *u)
{
	const char *f[] = { u->email, u->secondary_email, u->mobile, u->desk_phone, u->first_name,
			    u->last_name, u->routing_profile_id, u->hierarchy_group_id };
	int n = 0;
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		n += f[i][0] != 0;
	return n;
}

static int username_matches_email(const struct user *u)
{
	struct buf a = BUF_INIT(SIZE_MAX), b = BUF_INIT(SIZE_MAX);
	int m = 0;
	if (u->username[0] && u->email[0] && norm_email(u->username, &a) == CD_OK &&
	    norm_email(u->email, &b) == CD_OK) {
		const char *x = buf_str(&a), *y = buf_str(&b);
		size_t ly = norm_local_len(y);
		m = strcmp(x, y) == 0 || (strlen(x) == ly && strncmp(x, y, ly) == 0);
	}
	buf_release(&a);
	buf_release(&b);
	return m;
}

/* The per-rule scores of a candidate keeper; compared in order. */
static void keep_key(const struct user *u, double k[4])
{
	k[0] = u->directory_user_id[0] != 0;
	k[1] = u->last_modified;
	k[2] = completeness(u);
	k[3] = username_matches_email(u);
}

static void choose_keeper(const struct user_set *users, struct cluster *c)
{
	double best[4], second[4] = { -1, -1, -1, -1 };
	uint32_t keep = c->members[0];
	int have_second = 0;
	keep_key(&users->v[keep], best);
	for (size_t i = 1; i < c->nmembers; i++) {
		double k[4];
		keep_key(&users->v[c->members[i]], k);
		int better = 0;
		for (int r = 0; r < 4; r++)
			if (k[r] != best[r]) {
				better = k[r] > best[r];
				break;
			}
		if (better) {
			memcpy(second, best, sizeof(second));
			memcpy(best, k, sizeof(best));
			keep = c->members[i];
		} else {
			/* keep the strongest runner-up to explain the choice against */
			int beats = !have_second;
			for (int r = 0; r < 4 && !beats; r++)
				if (k[r] != second[r]) {
					beats = k[r] > second[r];
					break;
				}
			if (beats)
				memcpy(second, k, sizeof(second));
		}
		have_second = 1;
	}
	c->keep = keep;
	c->keep_reason = KEEP_FIRST;
	for (int r = 0; r < 4; r++)
		if (best[r] != second[r]) {
			c->keep_reason = (enum cluster_keep_reason)r;
			break;
		}
}

const char *cluster_keep_reason_text(enum cluster_keep_reason r)
{
	switch (r) {
	case KEEP_DIRECTORY: return "linked to a directory user";
	case KEEP_RECENT: return "most recently modified";
	case KEEP_COMPLETE: return "most complete record";
	case KEEP_USERNAME: return "username matches its e-mail";
	default: return "first in input order (nothing else separates them)";
	}
}

void cluster_set_release(struct cluster_set *s)
{
	free(s->v);
	free(s->storage);
	memset(s, 0, sizeof(*s));
}

enum cd_result cluster_build(const struct user_set *users, const struct match_result *m,
			     const struct match_opts *o, struct cluster_set *out, char *err,
			     size_t errlen)
{
	enum cd_result r = CD_OK;
	size_t n = users->n, nd = 0;
	uint32_t *parent = NULL, *cid = NULL, *msize = NULL, *psize = NULL;
	float *weakest = NULL;
	struct order *ord = NULL;
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < m->n; i++)
		nd += match_is_duplicate(&m->v[i], o);
	if (nd == 0)
		goto out;
	parent = malloc(n * sizeof(*parent));
	weakest = malloc(n * sizeof(*weakest));
	cid = malloc(n * sizeof(*cid));
	ord = malloc(nd * sizeof(*ord));
	if (!parent || !weakest || !cid || !ord) {
		r = CD_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		parent[i] = (uint32_t)i;
		weakest[i] = 2.0f;
		cid[i] = UINT32_MAX;
	}
	nd = 0;
	for (size_t i = 0; i < m->n; i++)
		if (match_is_duplicate(&m->v[i], o)) {
			ord[nd].conf = m->v[i].confidence;
			ord[nd].idx = (uint32_t)i;
			nd++;
		}
	/* Kruskal: strongest pairs first, so the edges that join two components form the maximum
	 * spanning tree and the last of them in a component is its weakest necessary link */
	qsort(ord, nd, sizeof(*ord), by_conf_desc);
	for (size_t k = 0; k < nd; k++) {
		const struct match_pair *p = &m->v[ord[k].idx];
		uint32_t ra = uf_find(parent, p->a), rb = uf_find(parent, p->b);
		if (ra == rb)
			continue;
		float w = p->confidence;
		if (weakest[ra] < w)
			w = weakest[ra];
		if (weakest[rb] < w)
			w = weakest[rb];
		parent[rb] = ra;
		weakest[ra] = w;
	}
	/* number clusters by first member; count members and pairs */
	size_t nc = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t rt = uf_find(parent, (uint32_t)i);
		if (rt == i && weakest[i] > 1.5f)
			continue; /* a user in no pair */
		if (cid[rt] == UINT32_MAX)
			cid[rt] = (uint32_t)nc++;
	}
	out->v = calloc(nc, sizeof(*out->v));
	msize = calloc(nc, sizeof(*msize));
	psize = calloc(nc, sizeof(*psize));
	size_t nmem = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t rt = uf_find(parent, (uint32_t)i);
		if (cid[rt] != UINT32_MAX)
			nmem++;
	}
	out->storage = malloc((nmem + nd + 1) * sizeof(uint32_t));
	if (!out->v || !msize || !psize || !out->storage) {
		r = CD_NOMEM;
		goto out;
	}
	out->n = nc;
	out->users_in_clusters = nmem;
	for (size_t i = 0; i < n; i++) {
		uint32_t rt = uf_find(parent, (uint32_t)i);
		if (cid[rt] != UINT32_MAX)
			msize[cid[rt]]++;
	}
	for (size_t i = 0; i < m->n; i++)
		if (match_is_duplicate(&m->v[i], o))
			psize[cid[uf_find(parent, m->v[i].a)]]++;
	/* lay out members then pairs per cluster in one block */
	uint32_t *s = out->storage;
	for (size_t c = 0; c < nc; c++) {
		out->v[c].members = s;
		s += msize[c];
	}
	for (size_t c = 0; c < nc; c++) {
		out->v[c].pairs = s;
		s += psize[c];
	}
	for (size_t i = 0; i < n; i++) {
		uint32_t rt = uf_find(parent, (uint32_t)i);
		if (cid[rt] == UINT32_MAX)
			continue;
		struct cluster *c = &out->v[cid[rt]];
		((uint32_t *)c->members)[c->nmembers++] = (uint32_t)i;
		c->confidence = weakest[rt];
	}
	for (size_t i = 0; i < m->n; i++)
		if (match_is_duplicate(&m->v[i], o)) {
			struct cluster *c = &out->v[cid[uf_find(parent, m->v[i].a)]];
			((uint32_t *)c->pairs)[c->npairs++] = (uint32_t)i;
		}
	for (size_t c = 0; c < nc; c++)
		choose_keeper(users, &out->v[c]);
out:
	if (r != CD_OK) {
		if (err && errlen)
			snprintf(err, errlen, "out of memory while building clusters");
		cluster_set_release(out);
	}
	free(parent);
	free(weakest);
	free(cid);
	free(ord);
	free(msize);
	free(psize);
	return r;
}
