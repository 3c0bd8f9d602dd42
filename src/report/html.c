/* html.c -- report_<ts>.html: one self-contained page (inline CSS, no scripts, all escaped). */
#include "report/groups.h"

#include <time.h>

/* Rows per list on the page: a browser stays responsive and the full lists are in the CSV and
 * JSON files, which the page names. */
#define HTML_MAX_ROWS 2000

static void esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default:
			if ((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n')
				fputs("&#xfffd;", f); /* control characters have no business on a page */
			else
				fputc(*s, f);
		}
	}
}

static void td(FILE *f, const char *s)
{
	fputs("<td>", f);
	esc(f, s);
	fputs("</td>", f);
}

static void when(FILE *f, double t)
{
	char b[32] = "";
	if (t > 0) {
		time_t tt = (time_t)t;
		struct tm tm;
		if (gmtime_r(&tt, &tm))
			strftime(b, sizeof(b), "%Y-%m-%d %H:%M UTC", &tm);
	}
	td(f, b);
}

static void more(FILE *f, size_t shown, size_t total, const char *file, const char *ts)
{
	if (total > shown) {
		fprintf(f, "<p class=note>%zu more not shown here: see ", total - shown);
		esc(f, file);
		esc(f, ts);
		fputs(" in the same folder.</p>\n", f);
	}
}

static const char css[] =
	"body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em auto;"
	"max-width:1200px;padding:0 1em;color:#1d2733}"
	"h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #d5dbe3}"
	"table{border-collapse:collapse;margin:.5em 0;width:100%}"
	"th,td{border:1px solid #d5dbe3;padding:.25em .5em;text-align:left;vertical-align:top;"
	"word-break:break-word}th{background:#f1f4f8}"
	".cl{border:1px solid #d5dbe3;border-radius:6px;padding:.5em 1em;margin:1em 0}"
	".keep{background:#e6f4ea}.badge{white-space:nowrap;background:#1e7f3c;color:#fff;border-radius:3px;"
	"padding:0 .4em;font-size:.85em}.warn{background:#fff4e5;border:1px solid #f0b45b;"
	"padding:.5em 1em}.note{color:#5b6876}.ev{margin:.2em 0 .2em 1em;font-size:.95em}"
	"td.num{text-align:right}";

void report_html(FILE *f, const struct groups_facts *g)
{
	const struct user_set *us = g->users;
	const struct cluster_set *cs = g->clusters;
	const struct match_result *m = g->match;
	const char *ts = g->ts ? g->ts : "";
	static const char *const rule_title[RULE_COUNT] = { "Same e-mail", "Same username", "Same name" };
	struct buf ev = BUF_INIT(1 << 16);

	fputs("<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'\">"
	      "<meta name=viewport content=\"width=device-width,initial-scale=1\">"
	      "<title>Duplicate users ", f);
	esc(f, ts);
	fprintf(f, "</title><style>%s</style></head><body>\n<h1>Duplicate Amazon Connect users</h1>\n", css);
	fputs("<p class=note>Run ", f);
	esc(f, ts);
	fprintf(f, ", matching <b>%s</b>, duplicate at confidence &ge; %.2f, possible from %.2f.</p>\n",
		match_mode_name(g->opts->mode), g->opts->threshold, g->opts->possible);
	if (g->partial)
		fputs("<p class=warn><b>Partial:</b> some users could not be read; see the log and "
		      "failed_users file. Duplicates among them are not shown.</p>\n", f);

	size_t classic_total = 0;
	for (int k = 0; k < RULE_COUNT; k++)
		classic_total += g->classic ? g->classic->n[k] : 0;
	fputs("<h2>Summary</h2>\n<table>", f);
	fprintf(f, "<tr><th>Users analysed</th><td class=num>%zu</td></tr>", us->n);
	for (int k = 0; k < RULE_COUNT; k++)
		fprintf(f, "<tr><th>Classic pairs: %s</th><td class=num>%zu</td></tr>", rule_title[k],
			g->classic ? g->classic->n[k] : 0);
	fprintf(f, "<tr><th>Duplicate clusters</th><td class=num>%zu</td></tr>"
		   "<tr><th>Accounts in clusters</th><td class=num>%zu</td></tr>"
		   "<tr><th>Accounts that could be removed</th><td class=num>%zu</td></tr>"
		   "<tr><th>Possible duplicate pairs (review)</th><td class=num>%zu</td></tr></table>\n",
		cs->n, cs->users_in_clusters, cs->users_in_clusters - cs->n, m->stats.possible);

	fputs("<h2>Clusters</h2>\n<p class=note>Accounts that belong to one person, joined through "
	      "the evidence listed under each cluster. The highlighted account is the suggested one to "
	      "keep; check before removing any. Two accounts that are different people: add the line "
	      "<code>ID1,ID2</code> to a file given with <code>--not-duplicates FILE</code> (the "
	      "Not_Duplicates_Line column of duplicate_clusters_&lt;ts&gt;.csv has it ready) and they "
	      "are never joined again.</p>\n", f);
	if (cs->n == 0)
		fputs("<p>None found.</p>\n", f);
	size_t shown = cs->n < HTML_MAX_ROWS ? cs->n : HTML_MAX_ROWS;
	for (size_t c = 0; c < shown; c++) {
		const struct cluster *k = &cs->v[c];
		fprintf(f, "<div class=cl><h3>Cluster %zu &middot; %zu accounts &middot; confidence "
			   "%.3f</h3>\n<table><tr><th></th><th>Username</th><th>E-mail</th><th>First name"
			   "</th><th>Last name</th><th>Last modified</th><th>User Id</th></tr>\n",
			c + 1, k->nmembers, k->confidence);
		for (size_t i = 0; i < k->nmembers; i++) {
			const struct user *u = &us->v[k->members[i]];
			int keep = k->members[i] == k->keep;
			fprintf(f, "<tr%s><td>%s</td>", keep ? " class=keep" : "",
				keep ? "<span class=badge>keep</span>" : "");
			td(f, u->username);
			td(f, u->email);
			td(f, u->first_name);
			td(f, u->last_name);
			when(f, u->last_modified);
			td(f, u->id);
			fputs("</tr>\n", f);
		}
		fputs("</table>\n<p>Keep <b>", f);
		esc(f, us->v[k->keep].username);
		fputs("</b>: ", f);
		esc(f, cluster_keep_reason_text(k->keep_reason));
		fputs(".</p>\n", f);
		for (size_t i = 0; i < k->npairs; i++) {
			const struct match_pair *p = &m->v[k->pairs[i]];
			buf_reset(&ev);
			groups_evidence_text(g, p, &ev);
			fputs("<div class=ev>", f);
			esc(f, us->v[p->a].username);
			fputs(" &harr; ", f);
			esc(f, us->v[p->b].username);
			fprintf(f, " (%.3f): ", p->confidence);
			esc(f, buf_str(&ev));
			fputs("</div>\n", f);
		}
		fputs("</div>\n", f);
	}
	more(f, shown, cs->n, "duplicate_groups_", ts);

	fputs("<h2>Possible duplicates</h2>\n<p class=note>Pairs with some evidence, below the "
	      "threshold: worth a look, not counted as duplicates.</p>\n", f);
	size_t np = 0;
	fputs("<table><tr><th>Account 1</th><th>Account 2</th><th>Confidence</th><th>Evidence</th></tr>\n", f);
	for (size_t i = 0; i < m->n && np < HTML_MAX_ROWS; i++) {
		const struct match_pair *p = &m->v[i];
		if (match_is_duplicate(p, g->opts))
			continue;
		np++;
		buf_reset(&ev);
		groups_evidence_text(g, p, &ev);
		fputs("<tr>", f);
		td(f, us->v[p->a].username);
		td(f, us->v[p->b].username);
		fprintf(f, "<td class=num>%.3f</td>", p->confidence);
		td(f, buf_str(&ev));
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
	more(f, np, m->stats.possible, "possible_duplicates_", ts);

	fputs("<h2>Classic pairs</h2>\n<p class=note>The exact-match rules of the earlier tool "
	      "(also in duplicate_users_*.csv and .json).</p>\n", f);
	for (int k = 0; k < RULE_COUNT && g->classic; k++) {
		fputs("<h3>", f);
		esc(f, rule_title[k]);
		fputs("</h3>\n<table><tr><th>User 1</th><th>E-mail 1</th><th>User 2</th><th>E-mail 2</th>"
		      "<th>Reason</th></tr>\n", f);
		size_t n = g->classic->n[k] < HTML_MAX_ROWS ? g->classic->n[k] : HTML_MAX_ROWS;
		for (size_t i = 0; i < n; i++) {
			const struct rule_pair *p = &g->classic->v[k][i];
			fputs("<tr>", f);
			td(f, us->v[p->a].username);
			td(f, us->v[p->a].email);
			td(f, us->v[p->b].username);
			td(f, us->v[p->b].email);
			td(f, p->reason);
			fputs("</tr>\n", f);
		}
		fputs("</table>\n", f);
		more(f, n, g->classic->n[k], "duplicate_users_", ts);
	}
	fputs("</body></html>\n", f);
	buf_release(&ev);
}
