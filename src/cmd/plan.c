/* plan.c -- `connect-dupes plan`: clusters -> a reviewed-before-use remediation plan, its CSV and a backup. */
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "act/live.h"
#include "act/plan.h"
#include "cmd/act_common.h"
#include "cmd/commands.h"
#include "cmd/common.h"
#include "detect/cluster.h"
#include "detect/match.h"
#include "detect/notdup.h"
#include "log.h"
#include "outfile.h"
#include "report/groups.h"
#include "report/output.h"
#include "store/cache.h"

enum {
	PLAN_ID_CACHE = 1,
	PLAN_ID_GROUPS,
	PLAN_ID_INSTANCE,
	PLAN_ID_MIN_CONFIDENCE,
};

static const struct cli_opt plan_opts[] = {
	{ "cache", 0, "FILE", PLAN_ID_CACHE, "detect from this cache file (default: the instance's)" },
	CMD_OPT_CSV_RAW,
	ACT_OPT_ENDPOINT,
	{ "groups", 0, "FILE", PLAN_ID_GROUPS,
	  "take the clusters from a duplicate_groups_<ts>.json instead of detecting" },
	{ "instance", 0, "ID|ALIAS|ARN", PLAN_ID_INSTANCE, "the Connect instance (default $CONNECT_INSTANCE_ID)" },
	CMD_OPT_MATCH,
	{ "min-confidence", 0, "F", PLAN_ID_MIN_CONFIDENCE,
	  "leave out clusters below this confidence (default: the duplicate threshold)" },
	CMD_OPT_NOT_DUPLICATES,
	CMD_OPT_OUTPUT_DIR,
	ACT_OPT_PROFILE,
	CMD_OPT_QUIET,
	ACT_OPT_RATE,
	ACT_OPT_REGION,
	CMD_OPT_THRESHOLD,
	CMD_OPT_VERBOSE,
};

struct plan_args {
	struct pipeline_opts report;
	struct act_conn conn;
	const char *instance, *groups, *cache;
	double min_confidence; /* < 0: the threshold */
};

static enum cd_result plan_opt(void *ctx, int id, const char *arg, char *err, size_t errlen)
{
	struct plan_args *a = ctx;
	switch (id) {
	case PLAN_ID_CACHE: a->cache = arg; return CD_OK;
	case PLAN_ID_GROUPS: a->groups = arg; return CD_OK;
	case PLAN_ID_INSTANCE: a->instance = arg; return CD_OK;
	case PLAN_ID_MIN_CONFIDENCE:
		return cli_double("min-confidence", arg, 0, 1, &a->min_confidence, err, errlen);
	}
	enum cd_result r = act_conn_opt(&a->conn, id, arg, err, errlen);
	if (r != CD_NOT_FOUND)
		return r;
	r = cmd_report_opt(&a->report, id, arg, err, errlen);
	if (r == CD_NOT_FOUND) {
		snprintf(err, errlen, "internal: unhandled option id %d", id);
		r = CD_INTERNAL;
	}
	return r;
}

/* --- the clusters: from a groups file or from detection ------------------------------------ */

/* Owns the strings the plan_input borrow. */
struct clusters_in {
	struct plan_input *v;
	size_t n;
	struct plan_member *members; /* all clusters' members, one array */
	char **strings;
	size_t nstrings, capstrings;
	json_t *groups;              /* the groups file, when the clusters came from one */
	struct notdup *notdup;       /* --not-duplicates */
	struct user_set users;
	struct match_result match;
	struct cluster_set clusters;
};

static void clusters_in_release(struct clusters_in *c)
{
	free(c->v);
	free(c->members);
	for (size_t i = 0; i < c->nstrings; i++)
		free(c->strings[i]);
	free(c->strings);
	json_decref(c->groups);
	notdup_free(c->notdup);
	user_set_release(&c->users);
	match_result_release(&c->match);
	cluster_set_release(&c->clusters);
}

static const char *keep_string(struct clusters_in *c, char *s)
{
	if (!s)
		return NULL;
	if (c->nstrings == c->capstrings) {
		size_t cap = c->capstrings ? 2 * c->capstrings : 256;
		char **v = realloc(c->strings, cap * sizeof *v);
		if (!v) {
			free(s);
			return NULL;
		}
		c->strings = v;
		c->capstrings = cap;
	}
	return c->strings[c->nstrings++] = s;
}

static const char *jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

/* The evidence of the strongest pair naming id in a groups-file cluster, as one line. */
static const char *groups_evidence(struct clusters_in *c, json_t *pairs, const char *id)
{
	json_t *best = NULL, *p, *e;
	size_t i;
	json_array_foreach(pairs, i, p) {
		if (strcmp(jstr(p, "user1"), id) && strcmp(jstr(p, "user2"), id))
			continue;
		if (!best || json_number_value(json_object_get(p, "confidence")) >
				     json_number_value(json_object_get(best, "confidence")))
			best = p;
	}
	struct buf b = BUF_INIT(1 << 16);
	json_array_foreach(json_object_get(best, "evidence"), i, e) {
		if (buf_printf(&b, "%s%s: %s", i ? "; " : "", jstr(e, "kind"), jstr(e, "detail")) !=
		    CD_OK)
			break;
	}
	size_t len;
	char *s = buf_detach(&b, &len);
	return keep_string(c, s ? s : strdup(""));
}

static size_t uf_find(size_t *parent, size_t x)
{
	while (parent[x] != x)
		x = parent[x] = parent[parent[x]];
	return x;
}

/* With --not-duplicates a groups-file cluster is joined again from its pairs without the
 * reviewed ones: members no longer joined to the keeper are not proposed for removal (they
 * have no account to keep of their own that anyone reviewed). */
static void keep_component(struct clusters_in *c, struct plan_input *in, json_t *pairs,
			   size_t cluster_no)
{
	size_t n = in->nmembers, i, k, *parent = malloc((n ? n : 1) * sizeof *parent);
	json_t *p;
	if (!parent) {
		/* cannot check: propose nobody from this cluster rather than guess */
		log_warn("cluster %zu: out of memory checking --not-duplicates; left out", cluster_no);
		in->nmembers = 1;
		in->members += in->keep;
		in->keep = 0;
		return;
	}
	for (k = 0; k < n; k++)
		parent[k] = k;
	json_array_foreach(pairs, i, p) {
		const char *a = jstr(p, "user1"), *b = jstr(p, "user2");
		size_t ia = n, ib = n;
		for (k = 0; k < n; k++) {
			if (!strcmp(in->members[k].id, a))
				ia = k;
			if (!strcmp(in->members[k].id, b))
				ib = k;
		}
		if (ia < n && ib < n && !notdup_has(c->notdup, a, b))
			parent[uf_find(parent, ia)] = uf_find(parent, ib);
	}
	struct plan_member *m = (struct plan_member *)in->members;
	size_t root = uf_find(parent, in->keep), w = 0, dropped = 0;
	struct plan_member keep = m[in->keep];
	for (k = 0; k < n; k++) {
		if (uf_find(parent, k) != root) {
			dropped++;
			continue;
		}
		m[w++] = m[k];
	}
	for (k = 0; k < w; k++)
		if (!strcmp(m[k].id, keep.id))
			in->keep = k;
	in->nmembers = w;
	free(parent);
	if (dropped)
		log_info("cluster %zu: %zu member(s) no longer joined to the account to keep "
			 "(--not-duplicates); not proposed", cluster_no, dropped);
}

static enum cd_result from_groups(const char *path, struct clusters_in *c)
{
	json_error_t je;
	c->groups = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	json_t *cl = json_object_get(c->groups, "clusters");
	if (!json_is_array(cl)) {
		log_error("'%s' is not a duplicate_groups JSON file (%s)", path,
			  c->groups ? "no \"clusters\" list" : je.text);
		return CD_INPUT;
	}
	size_t total = 0, i, k;
	json_t *e, *m;
	json_array_foreach(cl, i, e)
		total += json_array_size(json_object_get(e, "members"));
	c->v = calloc(json_array_size(cl) + 1, sizeof *c->v);
	c->members = calloc(total + 1, sizeof *c->members);
	if (!c->v || !c->members) {
		log_error("out of memory");
		return CD_NOMEM;
	}
	size_t used = 0;
	json_array_foreach(cl, i, e) {
		const char *keep = jstr(json_object_get(e, "keep"), "Id");
		struct plan_input *in = &c->v[c->n];
		in->members = &c->members[used];
		in->confidence = json_number_value(json_object_get(e, "confidence"));
		in->keep = SIZE_MAX;
		json_array_foreach(json_object_get(e, "members"), k, m) {
			struct plan_member *pm = &c->members[used];
			pm->id = jstr(m, "Id");
			pm->username = jstr(m, "Username");
			pm->email = jstr(m, "Email");
			pm->first_name = jstr(m, "FirstName");
			pm->last_name = jstr(m, "LastName");
			pm->evidence = groups_evidence(c, json_object_get(e, "pairs"), pm->id);
			if (!*pm->id || !pm->evidence) {
				log_error("'%s': cluster %zu has a member without an Id", path, i + 1);
				return CD_INPUT;
			}
			if (!strcmp(pm->id, keep))
				in->keep = in->nmembers;
			in->nmembers++;
			used++;
		}
		if (in->keep == SIZE_MAX) {
			/* no keeper among the members: nobody can be removed safely */
			log_warn("'%s': cluster %zu names no member to keep; left out", path, i + 1);
			continue;
		}
		if (c->notdup)
			keep_component(c, in, json_object_get(e, "pairs"), i + 1);
		c->n++;
	}
	log_info("%zu clusters from '%s'", c->n, path);
	return CD_OK;
}

static enum cd_result from_cache(const struct plan_args *a, const char *instance_id,
				 struct clusters_in *c)
{
	char path[PATH_MAX], err[2 * PATH_MAX];
	struct cache *cache = NULL;
	enum cd_result rc = CD_OK;
	if (a->cache)
		snprintf(path, sizeof path, "%s", a->cache);
	else if ((rc = cache_default_path(instance_id, path, sizeof path, err, sizeof err)) != CD_OK)
		goto out;
	rc = cache_open(&cache, path, NULL, CACHE_READ_ONLY, err, sizeof err);
	if (rc == CD_NOT_FOUND)
		snprintf(err, sizeof err, "no cache for instance '%s' at '%s' (run a scan first, or "
					  "give --groups FILE)", instance_id, path);
	if (rc != CD_OK)
		goto out;
	if ((rc = cache_load_users(cache, &c->users, NULL, err, sizeof err)) != CD_OK)
		goto out;
	log_info("read %zu users from cache '%s'", c->users.n, path);
	const struct match_opts *mo = &a->report.match;
	if ((rc = match_run(&c->users, mo, &c->match, err, sizeof err)) != CD_OK)
		goto out;
	if (c->notdup) {
		size_t gone = notdup_filter_match(c->notdup, &c->users, mo, &c->match);
		log_info("%zu matched pair(s) set aside as reviewed not-duplicates", gone);
	}
	if ((rc = cluster_build(&c->users, &c->match, mo, &c->clusters, err, sizeof err)) != CD_OK)
		goto out;
	const struct cluster_set *cs = &c->clusters;
	c->v = calloc(cs->n + 1, sizeof *c->v);
	c->members = calloc(cs->users_in_clusters + 1, sizeof *c->members);
	if (!c->v || !c->members) {
		snprintf(err, sizeof err, "out of memory");
		rc = CD_NOMEM;
		goto out;
	}
	struct groups_facts g = { .users = &c->users, .match = &c->match, .clusters = cs,
				  .opts = mo };
	size_t used = 0;
	for (size_t k = 0; k < cs->n; k++) {
		const struct cluster *cl = &cs->v[k];
		struct plan_input *in = &c->v[c->n++];
		in->members = &c->members[used];
		in->confidence = cl->confidence;
		for (size_t i = 0; i < cl->nmembers; i++) {
			uint32_t u = cl->members[i];
			const struct user *us = &c->users.v[u];
			struct plan_member *pm = &c->members[used++];
			*pm = (struct plan_member){ us->id, us->username, us->email, us->first_name,
						    us->last_name, "" };
			if (u == cl->keep)
				in->keep = in->nmembers;
			in->nmembers++;
			const struct match_pair *best = NULL;
			for (size_t p = 0; p < cl->npairs; p++) {
				const struct match_pair *mp = &c->match.v[cl->pairs[p]];
				if ((mp->a == u || mp->b == u) &&
				    (!best || mp->confidence > best->confidence))
					best = mp;
			}
			struct buf t = BUF_INIT(1 << 16);
			if (best && groups_evidence_text(&g, best, &t) == CD_OK && t.len) {
				size_t len;
				pm->evidence = keep_string(c, buf_detach(&t, &len));
			}
			buf_release(&t);
			if (!pm->evidence)
				pm->evidence = "";
		}
	}
	log_info("%zu clusters detected (%s, threshold %.2f)", c->n, match_mode_name(mo->mode),
		 mo->threshold);
out:
	if (rc != CD_OK)
		log_error("%s", err);
	cache_close(cache);
	return rc;
}

/* --- the files ------------------------------------------------------------------------------ */

static enum cd_result write_file(const char *dir, const char *name, const struct buf *b)
{
	char err[PATH_MAX + 200], path[PATH_MAX];
	struct outfile of;
	int n = snprintf(path, sizeof path, "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof path) {
		log_error("output folder '%s' is too long", dir);
		return CD_USAGE;
	}
	enum cd_result rc = outfile_open(&of, path, err, sizeof err);
	if (rc != CD_OK) {
		log_error("%s", err);
		return rc;
	}
	fwrite(buf_str(b), 1, b->len, of.f);
	if ((rc = outfile_commit(&of, err, sizeof err)) != CD_OK)
		log_error("%s", err);
	return rc;
}

static enum cd_result plan_run(int argc, char **argv)
{
	enum cd_result rc;
	char err[1024], ts[16], created[32], warn[512];
	bool help = false, sess_open = false;
	size_t npos = 0;
	struct plan_args a = { .min_confidence = -1 };
	struct connect_session sess;
	struct api_instance info;
	struct clusters_in cin;
	struct plan_qc *qcs = NULL;
	size_t nqcs = 0;
	struct plan_output out;
	memset(&cin, 0, sizeof cin);
	user_set_init(&cin.users);
	plan_output_init(&out);
	cmd_report_opts_init(&a.report);
	rc = cmd_parse(&cmd_plan, argc, argv, plan_opt, &a, NULL, 0, &npos, &help);
	if (rc != CD_OK || help)
		goto out;
	cmd_report_opts_apply(&a.report);
	if (!a.instance)
		a.instance = getenv("CONNECT_INSTANCE_ID");
	if (!a.instance || !*a.instance) {
		log_error("no instance given (use --instance ID|ALIAS|ARN or set CONNECT_INSTANCE_ID)");
		rc = CD_USAGE;
		goto out;
	}
	if (a.groups && a.cache) {
		log_error("give --groups FILE or --cache FILE, not both");
		rc = CD_USAGE;
		goto out;
	}
	if ((rc = act_open(&a.conn, a.instance, NULL, &sess, &info)) != CD_OK)
		goto out;
	sess_open = true;
	log_info("instance %s ('%s') in %s", info.id, info.alias, sess.settings.region);
	if (a.report.not_duplicates &&
	    (rc = notdup_load(a.report.not_duplicates, &cin.notdup, err, sizeof err)) != CD_OK) {
		log_error("%s", err);
		goto out;
	}
	rc = a.groups ? from_groups(a.groups, &cin) : from_cache(&a, info.id, &cin);
	if (rc != CD_OK)
		goto out;
	struct act_live live;
	act_live_init(&live, &sess, info.id, a.conn.rate);
	log_info("listing the instance's USER quick connects");
	if ((rc = act_live_user_quick_connects(&live, &qcs, &nqcs, err, sizeof err)) != CD_OK) {
		log_error("%s", err);
		goto out;
	}
	log_info("%zu USER quick connects", nqcs);
	struct plan_instance pi;
	memset(&pi, 0, sizeof pi);
	snprintf(pi.id, sizeof pi.id, "%s", info.id);
	snprintf(pi.arn, sizeof pi.arn, "%s", info.arn);
	snprintf(pi.alias, sizeof pi.alias, "%s", info.alias);
	snprintf(pi.region, sizeof pi.region, "%s", sess.settings.region);
	time_t now = time(NULL);
	output_timestamp(now, ts);
	plan_iso_time((double)now, created);
	double minc = a.min_confidence >= 0 ? a.min_confidence : a.report.match.threshold;
	struct plan_live pl = act_live_plan_ops(&live);
	log_info("describing the accounts to remove (live)");
	rc = plan_build(&pi, created, cin.v, cin.n, minc, qcs, nqcs, &pl, a.report.csv_raw, &out, err,
			sizeof err);
	if (rc != CD_OK) {
		log_error("%s", err);
		goto out;
	}
	const char *dir = a.report.output_dir ? a.report.output_dir : OUTPUT_DEFAULT_DIR;
	if ((rc = output_prepare_dir(dir, warn, sizeof warn, err, sizeof err)) != CD_OK) {
		log_error("%s", err);
		goto out;
	}
	if (warn[0])
		log_warn("%s", warn);
	char name[64];
	snprintf(name, sizeof name, "backup_%s.json", ts);
	if ((rc = write_file(dir, name, &out.backup_json)) != CD_OK)
		goto out;
	snprintf(name, sizeof name, "remediation_plan_%s.csv", ts);
	if ((rc = write_file(dir, name, &out.plan_csv)) != CD_OK)
		goto out;
	snprintf(name, sizeof name, "remediation_plan_%s.json", ts);
	if ((rc = write_file(dir, name, &out.plan_json)) != CD_OK)
		goto out;
	if (out.gone)
		log_info("%zu account(s) were already gone and are not in the plan", out.gone);
	log_info("plan: %zu clusters (confidence >= %.2f), %zu accounts to remove, %zu quick "
		 "connects pointing at them; backed up in %s/backup_%s.json",
		 out.clusters, minc, out.removals, out.qcs, dir, ts);
	log_info("review %s/remediation_plan_%s.json (add \"skip\": true to keep an account), then "
		 "run: connect-dupes apply %s/remediation_plan_%s.json", dir, ts, dir, ts);
out:
	plan_output_release(&out);
	act_live_qcs_free(qcs, nqcs);
	clusters_in_release(&cin);
	if (sess_open)
		connect_session_close(&sess);
	return rc;
}

const struct cli_cmd cmd_plan = {
	.name = "plan",
	.synopsis = "--instance ID|ALIAS|ARN [--groups FILE] [--min-confidence F] [-o DIR]",
	.summary = "propose which duplicate accounts to remove, with a backup of each (changes nothing)",
	.description =
		"Takes the clusters from a duplicate_groups_<ts>.json (--groups) or detects them from\n"
		"the instance's cache (run 'scan' first), keeps each cluster's suggested account\n"
		"(docs/detection.md: directory link, most recently modified, most complete...) and\n"
		"proposes to remove the others. Live, it describes each of them, lists its\n"
		"proficiencies and the USER quick connects that transfer to it. Writes\n"
		"remediation_plan_<ts>.json (review it: \"skip\": true keeps an account), the same\n"
		"as remediation_plan_<ts>.csv, and backup_<ts>.json for 'restore'. Read-only: no\n"
		"write request is made. Then: 'connect-dupes apply PLAN' (docs/remediation.md).\n"
		"Exit status: 0 written, 2 usage error or unknown instance, 3 service error,\n"
		"4 authentication or permission error, 5 local I/O error.",
	.opts = plan_opts,
	.nopts = CLI_ARRAY_LEN(plan_opts),
	.run = plan_run,
	.exits = CLI_EXIT(0) | CLI_EXIT(2) | CLI_EXIT(3) | CLI_EXIT(4) | CLI_EXIT(5),
};
