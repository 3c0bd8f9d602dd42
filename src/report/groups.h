/* groups.h -- the detection reports beyond the classic pairs: duplicate_groups_<ts>.json,
 * possible_duplicates_<ts>.csv and report_<ts>.html. */
#ifndef CD_REPORT_GROUPS_H
#define CD_REPORT_GROUPS_H

#include <stdbool.h>
#include <stdio.h>
#include "detect/cluster.h"
#include "detect/match.h"
#include "detect/rules.h"
#include "model/names.h"
#include "model/user.h"

/* The instance a run is about, for the reports' headers: "" when unknown, "(several)" when the
 * users' ARNs name more than one. */
struct groups_instance {
	const char *id, *alias, *region, *account;
	const char *origin;   /* "scan", "cache" or "files" */
	const char *source;   /* the log's one-line description ("instance ID in REGION, N users") */
};

/* Everything the three writers read (all borrowed). */
struct groups_facts {
	const struct user_set *users;
	const struct rule_pairs *classic;    /* the classic pairs (for the HTML page) */
	const struct match_result *match;
	const struct cluster_set *clusters;
	const struct match_opts *opts;
	const char *ts;                      /* the run's YYYYMMDD_HHMMSS */
	bool partial;                        /* some users could not be read */
	size_t nfailed;                      /* ... how many */
	struct groups_instance inst;
	bool csv, json;                      /* the CSV / JSON reports exist (the page names them) */
	const struct name_table *names;      /* routing profile... names for the evidence text
					      * (detect/explain_names.h); NULL: ids */
};

/* duplicate_groups_<ts>.json (report/groups.c):
 * {"generated":TS,"mode":M,"threshold":T,"possible_from":P,"users":N,"partial":B,
 *  "instance":{"id":ID,"alias":A,"region":R,"account":ACCT} (each null when unknown),
 *  "clusters":[{"cluster":1,
 *  "size":2,"confidence":C,"keep":{"Id":...,"Username":...,"reason":...},"members":[{"Id",
 *  "Username","Email","FirstName","LastName","LastModifiedTime","DirectoryUserId"}...],
 *  "pairs":[{"user1":ID,"user2":ID,"score":BITS,"confidence":C,"evidence":[{"kind":K,
 *  "weight":BITS,"detail":TEXT}...]}...]}...]}
 * Errors surface through ferror(f) (the caller commits or aborts the file). */
void report_groups_json(FILE *f, const struct groups_facts *g);

/* possible_duplicates_<ts>.csv (report/possible.c): the pairs in the "possible" band (below
 * the threshold), strongest first: User1_ID,User1_Username,User1_Email,User1_FirstName,
 * User1_LastName,User2_...,Confidence,Score,Evidence -- with the CSV injection guard unless raw. */
void report_possible_csv(FILE *f, const struct groups_facts *g, bool raw);

/* report_<ts>.html (report/html.c): one self-contained page (inline CSS and SVG, one inline
 * script allowed by the Content-Security-Policy through its hash, no external resource): a
 * header naming the instance and the run, the headline numbers, charts, every cluster (as JSON
 * the script draws a page at a time, with search, filters, sorting and #cN anchors), the
 * possible pairs and links to the run's other files. Every value is escaped: HTML text in the
 * markup, jsonesc_fput_script in the data, textContent in the script. */
void report_html(FILE *f, const struct groups_facts *g);

/* Appends the evidence of pair p as "kind: detail; kind: detail" to out. */
enum cd_result groups_evidence_text(const struct groups_facts *g, const struct match_pair *p,
				    struct buf *out);

#endif
