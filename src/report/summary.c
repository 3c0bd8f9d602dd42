/* summary.c -- the end-of-run summary text, built here and logged by the caller. */
#include "report/summary.h"

size_t summary_removable(const struct summary_facts *s)
{
	return s->in_clusters > s->clusters ? s->in_clusters - s->clusters : 0;
}

enum cd_result summary_format(struct buf *out, const struct summary_facts *s)
{
	static const char *const label[RULE_COUNT] = { "e-mail", "username", "name" };
	enum cd_result rc = CD_OK;
	size_t total = 0;
	for (int k = 0; k < RULE_COUNT; k++)
		total += s->pairs[k];
	rc = buf_printf(out, "users analysed: %zu%s\n", s->users,
			s->partial ? " (PARTIAL: some users could not be read)" : "");
	if (rc == CD_OK && s->partial)
		rc = buf_printf(out, "users missing: %zu (listed in the log and failed_users csv)\n",
				s->nfailed);
	if (rc == CD_OK && s->mode)
		rc = buf_printf(out, "clusters of duplicate accounts: %zu (%zu accounts, %zu could be "
				"removed)\n", s->clusters, s->in_clusters, summary_removable(s));
	if (rc == CD_OK)
		rc = buf_printf(out, "classic pairs (earlier tools' rules): %zu (", total);
	for (int k = 0; k < RULE_COUNT && rc == CD_OK; k++)
		rc = buf_printf(out, "%s%s %zu", k ? ", " : "", label[k], s->pairs[k]);
	if (rc == CD_OK)
		rc = buf_puts(out, ")\n");
	if (rc == CD_OK && s->mode)
		rc = buf_printf(out, "possible pairs to review: %zu\n", s->possible);
	if (rc == CD_OK)
		rc = buf_printf(out, "reports in '%s':", s->dir);
	for (size_t i = 0; i < s->nfiles && rc == CD_OK; i++)
		rc = buf_printf(out, "\n  %s", s->files[i]);
	return rc;
}
