/* fuzz_detect.c -- libFuzzer harness for the detection path: users loaded, classic rules, matching, clusters and every report, written into memory. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "detect/cluster.h"
#include "detect/match.h"
#include "detect/rules.h"
#include "model/user.h"
#include "report/csv.h"
#include "report/groups.h"
#include "report/json.h"
#include "source/file.h"

/* The first byte chooses how the users are made and the matching mode:
 *   bit 0 clear: the rest is a users file for source_file_load (the load step as analyze runs
 *                it, any shape);
 *   bit 0 set:   the rest is lines of tab-separated fields, Username, Email, FirstName,
 *                LastName, SecondaryEmail, Mobile, DeskPhoneNumber, DirectoryUserId,
 *                RoutingProfileId, HierarchyGroupId, SecurityProfileIds (comma-separated),
 *                one user per line (Id: its line number): dense users that share values,
 *                which the JSON grammar would make the fuzzer spend most of its time on;
 *   bits 1-2:    classic, standard, thorough (3: thorough with block caps of 2);
 *   bit 3:       raw CSV cells (no injection guard).
 * Checked: every pair, cluster member and keeper names a user; the reports do not crash. */

static void load_lines(const char *s, size_t n, struct user_set *users)
{
	char *copy = malloc(n + 1);
	if (!copy)
		return;
	memcpy(copy, s, n);
	copy[n] = '\0';
	size_t line = 0;
	char *save = NULL;
	for (char *l = strtok_r(copy, "\n", &save); l && users->n < 2000;
	     l = strtok_r(NULL, "\n", &save)) {
		const char *f[11] = { 0 };
		size_t k = 0;
		for (char *p = l; k < 11;) {
			f[k++] = p;
			char *t = strchr(p, '\t');
			if (!t)
				break;
			*t = '\0';
			p = t + 1;
		}
		char id[32], ids[64];
		snprintf(id, sizeof id, "u%zu", line++);
		/* SecurityProfileIds as the loaders build them: canonical form from the elements */
		const char *el[8];
		size_t nel = 0;
		char *sp = f[10] ? strdup(f[10]) : NULL;
		char *s2 = NULL;
		for (char *e = sp ? strtok_r(sp, ",", &s2) : NULL; e && nel < 8; e = strtok_r(NULL, ",", &s2))
			el[nel++] = e;
		struct buf canon = BUF_INIT(1 << 16);
		if (user_canon_ids(el, nel, &canon) != CD_OK) {
			free(sp);
			buf_release(&canon);
			continue;
		}
		snprintf(ids, sizeof ids, "{\"Id\":\"%s\"}", id);
		struct user_fields u = {
			.id = id, .username = f[0], .email = f[1], .first_name = f[2], .last_name = f[3],
			.secondary_email = f[4], .mobile = f[5], .desk_phone = f[6],
			.directory_user_id = f[7], .routing_profile_id = f[8],
			.hierarchy_group_id = f[9], .security_profiles = buf_str(&canon),
			.last_modified = (double)(line % 7), .raw = ids, .raw_len = strlen(ids),
		};
		user_set_add(users, &u);
		free(sp);
		buf_release(&canon);
	}
	free(copy);
}

static void check_pairs(const struct user_set *users, const struct rule_pairs *p)
{
	for (int k = 0; k < RULE_COUNT; k++)
		for (size_t i = 0; i < p->n[k]; i++)
			if (p->v[k][i].a >= p->v[k][i].b || p->v[k][i].b >= users->n || !p->v[k][i].reason)
				abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	if (size == 0)
		return 0;
	if (!path[0])
		snprintf(path, sizeof path, "/tmp/fuzz_detect.%d", (int)getpid());
	unsigned mode = data[0];
	struct user_set users;
	user_set_init(&users);
	if (mode & 1) {
		load_lines((const char *)data + 1, size - 1, &users);
	} else {
		FILE *f = fopen(path, "wb");
		if (!f)
			return 0;
		fwrite(data + 1, 1, size - 1, f);
		fclose(f);
		char err[512];
		if (source_file_load(path, &users, NULL, err, sizeof err) != CD_OK) {
			if (!err[0])
				abort(); /* every failure says why */
			user_set_release(&users);
			return 0;
		}
	}
	size_t dropped = 0;
	if (user_set_dedupe_ids(&users, &dropped, NULL) != CD_OK)
		goto out_users;

	struct match_opts mo;
	int m = (mode >> 1) & 3;
	match_opts_init(&mo, m == 0 ? MATCH_CLASSIC : m == 1 ? MATCH_STANDARD : MATCH_THOROUGH);
	if (m == 3)
		mo.block_cap = mo.name_block_cap = 2;
	bool raw = (mode >> 3) & 1;
	struct rule_pairs pairs;
	struct match_result match;
	struct cluster_set clusters;
	char err[256] = "";
	memset(&match, 0, sizeof match);
	memset(&clusters, 0, sizeof clusters);
	if (rules_find(&users, &pairs, err, sizeof err) != CD_OK) {
		if (!err[0])
			abort();
		goto out_rules;
	}
	check_pairs(&users, &pairs);
	if (match_run(&users, &mo, &match, err, sizeof err) != CD_OK ||
	    cluster_build(&users, &match, &mo, &clusters, err, sizeof err) != CD_OK) {
		if (!err[0])
			abort();
		goto out_match;
	}
	for (size_t i = 0; i < match.n; i++)
		if (match.v[i].a >= match.v[i].b || match.v[i].b >= users.n ||
		    match.v[i].nev > MATCH_MAX_EVIDENCE)
			abort();
	for (size_t c = 0; c < clusters.n; c++) {
		const struct cluster *cl = &clusters.v[c];
		if (cl->nmembers < 2 || cl->keep >= users.n)
			abort();
		for (size_t i = 0; i < cl->nmembers; i++)
			if (cl->members[i] >= users.n || (i && cl->members[i] <= cl->members[i - 1]))
				abort();
		for (size_t i = 0; i < cl->npairs; i++)
			if (cl->pairs[i] >= match.n)
				abort();
	}
	/* Every report, into memory. */
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	if (out) {
		struct groups_facts g = { .users = &users, .classic = &pairs, .match = &match,
					  .clusters = &clusters, .opts = &mo, .ts = "20260101_000000",
					  .partial = (mode >> 4) & 1 };
		csv_write_users(out, &users, raw);
		report_json_users(out, &users);
		csv_write_pairs(out, &users, &pairs, raw);
		report_json_pairs(out, &users, &pairs);
		if (m != 0) {
			report_groups_json(out, &g);
			report_possible_csv(out, &g, raw);
		}
		report_html(out, &g);
		fclose(out);
		free(buf);
	}
out_match:
	cluster_set_release(&clusters);
	match_result_release(&match);
out_rules:
	rules_release(&pairs);
out_users:
	user_set_release(&users);
	return 0;
}
