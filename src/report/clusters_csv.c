/* clusters_csv.c -- duplicate_clusters_<ts>.csv: every account of every cluster, keep or remove. */
#include "report/clusters_csv.h"

#include "report/csv.h"

/* The strongest duplicate pair of cluster k that names user u (NULL: none). */
static const struct match_pair *best_pair(const struct groups_facts *g, const struct cluster *k,
					  uint32_t u)
{
	const struct match_pair *best = NULL;
	for (size_t p = 0; p < k->npairs; p++) {
		const struct match_pair *mp = &g->match->v[k->pairs[p]];
		if ((mp->a == u || mp->b == u) && (!best || mp->confidence > best->confidence))
			best = mp;
	}
	return best;
}

void report_clusters_csv(FILE *f, const struct groups_facts *g, bool raw)
{
	static const char *const head[] = { "Cluster", "Confidence", "Suggestion", "Username",
					    "Email", "FirstName", "LastName", "User_ID", "ARN",
					    "Evidence", "Not_Duplicates_Line" };
	struct buf ev = BUF_INIT(1 << 20), line = BUF_INIT(1024);
	csv_row(f, head, sizeof head / sizeof *head, true);
	const struct cluster_set *cs = g->clusters;
	for (size_t c = 0; c < cs->n; c++) {
		const struct cluster *k = &cs->v[c];
		char cno[24], conf[16];
		snprintf(cno, sizeof cno, "%zu", c + 1);
		snprintf(conf, sizeof conf, "%.4f", k->confidence);
		for (size_t i = 0; i < k->nmembers; i++) {
			uint32_t ui = k->members[i];
			const struct user *u = &g->users->v[ui];
			bool keep = ui == k->keep;
			buf_reset(&ev);
			buf_reset(&line);
			if (keep) {
				buf_printf(&ev, "suggested to keep: %s", cluster_keep_reason_text(k->keep_reason));
			} else {
				const struct match_pair *p = best_pair(g, k, ui);
				if (p) {
					groups_evidence_text(g, p, &ev);
					buf_printf(&line, "%s,%s", g->users->v[p->a].id, g->users->v[p->b].id);
				}
			}
			const char *cells[] = { cno, conf, keep ? "keep" : "remove", u->username, u->email,
						u->first_name, u->last_name, u->id, u->arn, buf_str(&ev),
						buf_str(&line) };
			csv_row(f, cells, sizeof cells / sizeof *cells, raw);
		}
	}
	buf_release(&ev);
	buf_release(&line);
}
