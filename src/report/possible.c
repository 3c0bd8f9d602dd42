/* possible.c -- possible_duplicates_<ts>.csv: the pairs below the threshold but worth a look. */
#include "report/groups.h"

#include <stdlib.h>
#include "report/csv.h"

static int by_conf(const void *pa, const void *pb, void *ctx)
{
	const struct match_pair *v = ctx;
	const struct match_pair *a = &v[*(const uint32_t *)pa], *b = &v[*(const uint32_t *)pb];
	if (a->confidence != b->confidence)
		return a->confidence > b->confidence ? -1 : 1;
	if (a->a != b->a)
		return a->a < b->a ? -1 : 1;
	return a->b < b->b ? -1 : a->b > b->b;
}

void report_possible_csv(FILE *f, const struct groups_facts *g, bool raw)
{
	static const char *const head[] = {
		"User1_ID", "User1_Username", "User1_Email", "User1_FirstName", "User1_LastName",
		"User2_ID", "User2_Username", "User2_Email", "User2_FirstName", "User2_LastName",
		"Confidence", "Score", "Evidence",
	};
	const struct match_result *m = g->match;
	csv_row(f, head, sizeof(head) / sizeof(head[0]), true);
	/* strongest first; without memory for the order, input order (same rows) */
	uint32_t *idx = malloc((m->n ? m->n : 1) * sizeof(*idx));
	size_t n = 0;
	for (size_t i = 0; i < m->n; i++)
		if (!match_is_duplicate(&m->v[i], g->opts)) {
			if (idx)
				idx[n] = (uint32_t)i;
			n++;
		}
	if (idx)
		qsort_r(idx, n, sizeof(*idx), by_conf, m->v);
	struct buf ev = BUF_INIT(1 << 16);
	for (size_t i = 0, j = 0; i < n; i++, j++) {
		if (!idx)
			while (match_is_duplicate(&m->v[j], g->opts))
				j++;
		const struct match_pair *p = &m->v[idx ? idx[i] : j];
		const struct user *a = &g->users->v[p->a], *b = &g->users->v[p->b];
		char conf[32], score[32];
		snprintf(conf, sizeof(conf), "%.4f", p->confidence);
		snprintf(score, sizeof(score), "%.2f", p->score);
		buf_reset(&ev);
		groups_evidence_text(g, p, &ev);
		const char *cells[] = { a->id, a->username, a->email, a->first_name, a->last_name,
					b->id, b->username, b->email, b->first_name, b->last_name,
					conf, score, buf_str(&ev) };
		csv_row(f, cells, sizeof(cells) / sizeof(cells[0]), raw);
	}
	buf_release(&ev);
	free(idx);
}
