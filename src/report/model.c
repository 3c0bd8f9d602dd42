/* model.c -- model_<ts>.json and the model's line in the log (see model.h). */
#include "report/model.h"

#include <math.h>
#include "jsonesc.h"

static void jstr(FILE *f, const char *s)
{
	struct buf b = BUF_INIT(1 << 12);
	if (jsonesc_append(&b, s ? s : "") == CD_OK)
		fputs(buf_str(&b), f);
	else
		fputs("\"\"", f);
	buf_release(&b);
}

/* A number JSON can carry (no inf/nan). */
static void jnum(FILE *f, double x)
{
	if (!isfinite(x))
		x = 0;
	fprintf(f, "%.6g", x);
}

static void comparisons(FILE *f, const struct fs_model *fm)
{
	fputs("[", f);
	for (unsigned k = 0; k < fm->ncomp; k++) {
		const struct fs_comparison *c = &fm->c[k];
		fputs(k ? ",\n{\"name\":" : "\n{\"name\":", f);
		jstr(f, c->name);
		fputs(",\"levels\":[", f);
		for (unsigned l = 0; l < c->nlevels; l++) {
			fputs(l ? ",{\"level\":" : "{\"level\":", f);
			jstr(f, c->level_names[l]);
			if (l == 0) {
				fputs(",\"weight\":0}", f);
				continue;
			}
			fputs(",\"m\":", f);
			jnum(f, c->m[l]);
			fputs(",\"u\":", f);
			jnum(f, c->u[l]);
			fputs(",\"weight\":", f);
			jnum(f, fs_weight(fm, k, l));
			fputs("}", f);
		}
		fputs("]}", f);
	}
	fputs("]", f);
}

void report_model_json(FILE *f, const struct match_result *m, const struct match_opts *o,
		       size_t users, const char *ts)
{
	const struct match_stats *st = &m->stats;
	fputs("{\"generated\":", f);
	jstr(f, ts);
	fputs(",\"mode\":", f);
	jstr(f, match_mode_name(o->mode));
	fprintf(f, ",\"users\":%zu,\"pairs_total\":", users);
	jnum(f, st->pairs_total);
	fprintf(f, ",\"candidate_pairs\":%zu,\"sampled_pairs\":%zu,\"threshold\":", st->candidates,
		st->sampled);
	jnum(f, o->threshold);
	fputs(",\"possible_from\":", f);
	jnum(f, o->possible);
	fputs(",\n\"prior\":{\"lambda\":", f);
	jnum(f, st->model.lambda);
	fputs(",\"bits\":", f);
	jnum(f, st->prior_bits);
	fputs(",\"lambda_candidates\":", f);
	jnum(f, st->lambda_candidates);
	fprintf(f, "},\"em\":{\"iterations\":%u,\"converged\":%s},\"name_m_source\":",
		st->em_iterations, st->model.converged ? "true" : "false");
	jstr(f, st->name_m_source ? st->name_m_source : "start_values");
	fprintf(f, ",\"name_m_pairs\":%zu,\n\"blocking\":{\"capped_blocks\":%zu,\"largest_capped\":",
		st->name_m_pairs, st->capped_blocks);
	if (st->capped_blocks) {
		fputs("{\"key\":", f);
		jstr(f, st->capped_key);
		fprintf(f, ",\"users\":%zu}", st->capped_users);
	} else {
		fputs("null", f);
	}
	fputs("},\n\"comparisons\":", f);
	comparisons(f, &st->model);
	fputs(",\n\"first_last_model\":", f);
	if (st->parts_model.ncomp) {
		fputs("{\"lambda\":", f);
		jnum(f, st->parts_model.lambda);
		fputs(",\"comparisons\":", f);
		comparisons(f, &st->parts_model);
		fputs("}", f);
	} else {
		fputs("null", f);
	}
	fprintf(f, ",\n\"duplicates\":%zu,\"possible\":%zu}\n", st->duplicates, st->possible);
}

enum cd_result report_model_line(struct buf *out, const struct match_result *m)
{
	const struct match_stats *st = &m->stats;
	double l = st->model.lambda;
	return buf_printf(out, "model: prior 1 in %.0f pairs (%.1f bits), %u EM iterations, names' m "
			  "from %s; %zu candidate pairs, u from %zu sampled pairs",
			  l > 0 ? 1.0 / l : 0.0, st->prior_bits, st->em_iterations,
			  st->name_m_source ? st->name_m_source : "start_values", st->candidates,
			  st->sampled);
}
