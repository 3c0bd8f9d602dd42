/* summary.c -- the end-of-run summary text, built here and logged by the caller. */
#include "report/summary.h"

enum cd_result summary_format(struct buf *out, const struct summary_facts *s)
{
	static const char *const label[RULE_COUNT] = { "same e-mail", "same username",
						       "same first and last name" };
	enum cd_result rc = CD_OK;
	size_t total = 0;
	for (int k = 0; k < RULE_COUNT; k++)
		total += s->pairs[k];
	rc = buf_printf(out, "users analysed: %zu%s\n", s->users,
			s->partial ? " (PARTIAL: some users could not be read)" : "");
	if (rc == CD_OK && s->partial)
		rc = buf_printf(out, "users missing: %zu (listed in the log and failed_users csv)\n",
				s->nfailed);
	if (rc == CD_OK && s->model)
		rc = buf_printf(out, "duplicate clusters: %zu (%zu accounts), possible pairs to review: %zu\n",
				s->clusters, s->cluster_accounts, s->possible);
	if (rc == CD_OK)
		rc = buf_printf(out, s->model ? "classic rule pairs: %zu\n" : "duplicate pairs: %zu\n", total);
	for (int k = 0; k < RULE_COUNT && rc == CD_OK; k++)
		rc = buf_printf(out, "  %-26s %zu\n", label[k], s->pairs[k]);
	if (rc == CD_OK)
		rc = buf_printf(out, "reports in '%s':", s->dir);
	for (size_t i = 0; i < s->nfiles && rc == CD_OK; i++)
		rc = buf_printf(out, "\n  %s", s->files[i]);
	return rc;
}
