/* plan.c -- remediation plans: built from clusters and live lookups, read back and checked. */
#include "act/plan.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "connect/api.h"
#include "report/csv.h"

#define PLAN_FILE_MAX (512u << 20)
#define PLAN_OUT_MAX (1u << 30)

/* --- times ------------------------------------------------------------------------------- */

void plan_iso_time(double t, char out[32])
{
	double whole = floor(t);
	long ms = lround((t - whole) * 1000);
	if (ms >= 1000) {
		whole += 1;
		ms -= 1000;
	}
	time_t s = (time_t)whole;
	struct tm tm;
	char day[24];
	if (!gmtime_r(&s, &tm) || !strftime(day, sizeof day, "%Y-%m-%dT%H:%M:%S", &tm))
		day[0] = '\0';
	snprintf(out, 32, "%.19s.%03dZ", day, (int)ms);
}

bool plan_same_time(const char *a, const char *b)
{
	double ta, tb;
	if (!a || !b || !api_parse_timestamp(a, &ta) || !api_parse_timestamp(b, &tb))
		return false;
	return llround(ta * 1000) == llround(tb * 1000);
}

/* --- reading ----------------------------------------------------------------------------- */

static char *dup_member(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return strdup(s ? s : "");
}

static void free_remove(struct plan_remove *r)
{
	free(r->id);
	free(r->username);
	free(r->last_modified);
	for (size_t i = 0; i < r->nqc; i++)
		free(r->qc_ids[i]);
	free(r->qc_ids);
}

void plan_release(struct plan *p)
{
	for (size_t c = 0; c < p->nclusters; c++) {
		struct plan_cluster *k = &p->clusters[c];
		for (size_t i = 0; i < k->nremove; i++)
			free_remove(&k->remove[i]);
		free(k->remove);
		free(k->keep_id);
		free(k->keep_username);
	}
	free(p->clusters);
	memset(p, 0, sizeof *p);
}

static bool copy_str(json_t *o, const char *key, char *out, size_t cap)
{
	const char *s = json_string_value(json_object_get(o, key));
	if (!s || strlen(s) >= cap)
		return false;
	memcpy(out, s, strlen(s) + 1);
	return true;
}

static enum cd_result parse_remove(json_t *e, size_t c, size_t i, struct plan_remove *r,
				   char *err, size_t errlen)
{
	const char *id = json_string_value(json_object_get(e, "Id"));
	json_t *lm = json_object_get(e, "LastModifiedTime");
	json_t *skip = json_object_get(e, "skip");
	json_t *qcs = json_object_get(e, "QuickConnectIds");
	double t;
	if (!json_is_object(e) || !id || !*id) {
		snprintf(err, errlen, "cluster %zu, remove entry %zu has no Id", c + 1, i + 1);
		return CD_INPUT;
	}
	if (!json_is_string(lm) || !api_parse_timestamp(json_string_value(lm), &t)) {
		snprintf(err, errlen, "entry '%.64s' has no LastModifiedTime that reads as a time", id);
		return CD_INPUT;
	}
	if (skip && !json_is_boolean(skip)) {
		snprintf(err, errlen, "entry '%.64s': \"skip\" must be true or false", id);
		return CD_INPUT;
	}
	if (qcs && !json_is_array(qcs)) {
		snprintf(err, errlen, "entry '%.64s': QuickConnectIds must be a list", id);
		return CD_INPUT;
	}
	r->skip = json_is_true(skip);
	if (!(r->id = strdup(id)) || !(r->username = dup_member(e, "Username")) ||
	    !(r->last_modified = strdup(json_string_value(lm))))
		return CD_NOMEM;
	size_t n = json_array_size(qcs);
	if (n && !(r->qc_ids = calloc(n, sizeof *r->qc_ids)))
		return CD_NOMEM;
	for (size_t q = 0; q < n; q++) {
		const char *qid = json_string_value(json_array_get(qcs, q));
		if (!qid || !*qid) {
			snprintf(err, errlen, "entry '%.64s': a quick connect id is not a string", id);
			return CD_INPUT;
		}
		if (!(r->qc_ids[r->nqc++] = strdup(qid)))
			return CD_NOMEM;
	}
	return CD_OK;
}

enum cd_result plan_parse(const char *text, size_t len, struct plan *p, char *err, size_t errlen)
{
	enum cd_result r = CD_INPUT;
	json_error_t je;
	memset(p, 0, sizeof *p);
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!json_is_object(root)) {
		snprintf(err, errlen, "not a plan: %s (line %d)", root ? "not an object" : je.text,
			 je.line);
		goto out;
	}
	json_t *ver = json_object_get(root, "version"), *inst = json_object_get(root, "instance");
	json_t *clusters = json_object_get(root, "clusters");
	if (!json_is_integer(ver) || json_integer_value(ver) != 1) {
		snprintf(err, errlen, "not a plan of version 1");
		goto out;
	}
	if (!json_is_object(inst) || !copy_str(inst, "Id", p->inst.id, sizeof p->inst.id) ||
	    !*p->inst.id || !copy_str(inst, "Region", p->inst.region, sizeof p->inst.region) ||
	    !*p->inst.region) {
		snprintf(err, errlen, "the plan names no instance Id and Region");
		goto out;
	}
	copy_str(inst, "Arn", p->inst.arn, sizeof p->inst.arn);
	copy_str(inst, "Alias", p->inst.alias, sizeof p->inst.alias);
	copy_str(root, "created", p->created, sizeof p->created);
	if (!json_is_array(clusters)) {
		snprintf(err, errlen, "the plan has no list of clusters");
		goto out;
	}
	size_t nc = json_array_size(clusters);
	r = CD_NOMEM;
	if (nc && !(p->clusters = calloc(nc, sizeof *p->clusters)))
		goto out;
	for (size_t c = 0; c < nc; c++) {
		json_t *k = json_array_get(clusters, c);
		json_t *keep = json_object_get(k, "keep"), *rem = json_object_get(k, "remove");
		struct plan_cluster *pc = &p->clusters[p->nclusters++];
		const char *kid = json_string_value(json_object_get(keep, "Id"));
		if (!json_is_object(k) || !kid || !*kid || (rem && !json_is_array(rem))) {
			snprintf(err, errlen, "cluster %zu has no keep.Id or a remove that is not a list",
				 c + 1);
			r = CD_INPUT;
			goto out;
		}
		pc->confidence = json_number_value(json_object_get(k, "confidence"));
		if (!(pc->keep_id = strdup(kid)) || !(pc->keep_username = dup_member(keep, "Username")))
			goto out;
		size_t nr = json_array_size(rem);
		if (nr && !(pc->remove = calloc(nr, sizeof *pc->remove)))
			goto out;
		for (size_t i = 0; i < nr; i++) {
			r = parse_remove(json_array_get(rem, i), c, i, &pc->remove[pc->nremove++], err,
					 errlen);
			if (r != CD_OK)
				goto out;
		}
		r = CD_NOMEM;
	}
	r = CD_OK;
out:
	if (r == CD_NOMEM)
		snprintf(err, errlen, "out of memory reading the plan");
	if (r != CD_OK)
		plan_release(p);
	json_decref(root);
	return r;
}

enum cd_result plan_load(const char *path, struct plan *p, char *err, size_t errlen)
{
	char perr[400];
	memset(p, 0, sizeof *p);
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
		return errno == ENOENT ? CD_INPUT : CD_IO;
	}
	struct buf b = BUF_INIT(PLAN_FILE_MAX);
	char chunk[65536];
	size_t n;
	enum cd_result r = CD_OK;
	while (r == CD_OK && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
		r = buf_append(&b, chunk, n);
	if (r == CD_OK && ferror(f))
		r = CD_IO;
	fclose(f);
	if (r != CD_OK)
		snprintf(err, errlen, "cannot read '%s'%s", path, r == CD_TOOBIG ? ": too large" : "");
	else if ((r = plan_parse(buf_str(&b), b.len, p, perr, sizeof perr)) != CD_OK)
		snprintf(err, errlen, "'%s': %s", path, perr);
	buf_release(&b);
	return r;
}

bool plan_is_keeper(const struct plan *p, const char *id)
{
	for (size_t c = 0; c < p->nclusters; c++)
		if (!strcmp(p->clusters[c].keep_id, id))
			return true;
	return false;
}

void plan_arn_account(const char *arn, char *out, size_t outlen)
{
	/* arn:PARTITION:connect:REGION:ACCOUNT:instance/ID */
	const char *p = arn;
	out[0] = '\0';
	if (!arn || strncmp(arn, "arn:", 4))
		return;
	for (int colons = 0; *p && colons < 4; p++)
		colons += *p == ':';
	snprintf(out, outlen, "%.*s", (int)strcspn(p, ":"), p);
}

/* --- building ---------------------------------------------------------------------------- */

void plan_output_init(struct plan_output *o)
{
	memset(o, 0, sizeof *o);
	buf_init(&o->plan_json, PLAN_OUT_MAX);
	buf_init(&o->plan_csv, PLAN_OUT_MAX);
	buf_init(&o->backup_json, PLAN_OUT_MAX);
}

void plan_output_release(struct plan_output *o)
{
	buf_release(&o->plan_json);
	buf_release(&o->plan_csv);
	buf_release(&o->backup_json);
}

static enum cd_result csv_line(struct buf *b, const char *const *cells, size_t n, bool raw)
{
	enum cd_result r = CD_OK;
	for (size_t i = 0; i < n && r == CD_OK; i++) {
		if (i)
			r = buf_putc(b, ',');
		if (r == CD_OK)
			r = csv_cell(b, cells[i] ? cells[i] : "", raw);
	}
	return r == CD_OK ? buf_puts(b, "\r\n") : r;
}

static json_t *instance_json(const struct plan_instance *inst)
{
	return json_pack("{ss ss ss ss}", "Id", inst->id, "Arn", inst->arn, "Alias", inst->alias,
			 "Region", inst->region);
}

static bool keeper_anywhere(const struct plan_input *in, size_t nin, const char *id)
{
	for (size_t c = 0; c < nin; c++)
		if (in[c].keep < in[c].nmembers && !strcmp(in[c].members[in[c].keep].id, id))
			return true;
	return false;
}

/* The LastModifiedTime of a User object's text, as ISO-8601; false when it has none. */
static bool user_time(json_t *user, char out[32])
{
	json_t *v = json_object_get(user, "LastModifiedTime");
	double t;
	if (json_is_number(v))
		t = json_number_value(v);
	else if (!json_is_string(v) || !api_parse_timestamp(json_string_value(v), &t))
		return false;
	plan_iso_time(t, out);
	return true;
}

struct build {
	const struct plan_live *live;
	const struct plan_qc *qcs;
	size_t nqcs;
	bool raw;
	struct plan_output *out;
	struct buf user, profs;
	bool first_backup;
};

/* Describes one account to remove, backs it up and returns its plan entry (NULL with *rc
 * CD_OK when it is gone already). */
static json_t *one_removal(struct build *b, size_t cluster_no, double confidence,
			   const struct plan_member *m, const struct plan_member *keep,
			   enum cd_result *rc, char *err, size_t errlen)
{
	char lm[32], conf[16], cno[24], qcs_text[2048] = "";
	json_t *entry = NULL, *user = NULL, *ids = NULL;
	buf_reset(&b->user);
	buf_reset(&b->profs);
	*rc = b->live->describe_user(b->live->ctx, m->id, &b->user, err, errlen);
	if (*rc == CD_NOT_FOUND) {
		b->out->gone++;
		*rc = CD_OK;
		return NULL;
	}
	if (*rc == CD_OK)
		*rc = b->live->list_proficiencies(b->live->ctx, m->id, &b->profs, err, errlen);
	if (*rc == CD_NOT_FOUND) { /* deleted between the two calls */
		b->out->gone++;
		*rc = CD_OK;
		return NULL;
	}
	if (*rc != CD_OK)
		return NULL;
	user = json_loadb(b->user.data, b->user.len, 0, NULL);
	if (!json_is_object(user) || !user_time(user, lm)) {
		snprintf(err, errlen, "DescribeUser of '%.64s' gave no LastModifiedTime", m->id);
		*rc = CD_SERVICE;
		goto fail;
	}
	const char *uname = json_string_value(json_object_get(user, "Username"));
	if (!uname)
		uname = m->username ? m->username : "";
	*rc = CD_NOMEM;
	if (!(ids = json_array()))
		goto fail;
	struct buf *bk = &b->out->backup_json;
	enum cd_result r = buf_puts(bk, b->first_backup ? "\n{\"User\":" : ",\n{\"User\":");
	b->first_backup = false;
	if (r == CD_OK)
		r = buf_append(bk, b->user.data, b->user.len);
	if (r == CD_OK)
		r = buf_puts(bk, ",\"Proficiencies\":[");
	if (r == CD_OK)
		r = buf_append(bk, buf_str(&b->profs), b->profs.len);
	if (r == CD_OK)
		r = buf_puts(bk, "],\"QuickConnects\":[");
	size_t k = 0, used = 0;
	for (size_t q = 0; q < b->nqcs && r == CD_OK; q++) {
		if (strcmp(b->qcs[q].user_id, m->id))
			continue;
		if (json_array_append_new(ids, json_string(b->qcs[q].id)))
			r = CD_NOMEM;
		if (r == CD_OK && k++)
			r = buf_putc(bk, ',');
		if (r == CD_OK)
			r = buf_puts(bk, b->qcs[q].raw);
		int w = snprintf(qcs_text + used, sizeof qcs_text - used, "%s%s", used ? " " : "",
				 b->qcs[q].id);
		if (w > 0 && (size_t)w < sizeof qcs_text - used)
			used += (size_t)w;
	}
	b->out->qcs += k;
	if (r == CD_OK)
		r = buf_puts(bk, "]}");
	snprintf(conf, sizeof conf, "%.4f", confidence);
	snprintf(cno, sizeof cno, "%zu", cluster_no);
	const char *cells[] = { cno, conf, m->id, uname, m->email, m->first_name, m->last_name, lm,
				qcs_text, keep->id, keep->username, m->evidence };
	if (r == CD_OK)
		r = csv_line(&b->out->plan_csv, cells, sizeof cells / sizeof *cells, b->raw);
	if (r == CD_OK)
		entry = json_pack("{ss ss ss sO}", "Id", m->id, "Username", uname,
				  "LastModifiedTime", lm, "QuickConnectIds", ids);
	if (r != CD_OK || !entry) {
		*rc = r == CD_OK ? CD_NOMEM : r;
		goto fail;
	}
	*rc = CD_OK;
	b->out->removals++;
fail:
	if (*rc == CD_NOMEM || *rc == CD_TOOBIG)
		snprintf(err, errlen, "out of memory building the plan");
	json_decref(ids);
	json_decref(user);
	return entry;
}

enum cd_result plan_build(const struct plan_instance *inst, const char *created,
			  const struct plan_input *in, size_t nin, double min_confidence,
			  const struct plan_qc *qcs, size_t nqcs, const struct plan_live *live,
			  bool csv_raw, struct plan_output *out, char *err, size_t errlen)
{
	enum cd_result r = CD_NOMEM;
	struct build b = { .live = live, .qcs = qcs, .nqcs = nqcs, .raw = csv_raw, .out = out,
			   .user = BUF_INIT(16u << 20), .profs = BUF_INIT(16u << 20),
			   .first_backup = true };
	json_t *root = json_object(), *clusters = json_array(), *ij = instance_json(inst);
	char *text = NULL, *itext = NULL;
	if (!root || !clusters || !ij)
		goto out;
	static const char *const head[] = { "Cluster", "Confidence", "Remove_ID", "Remove_Username",
					    "Remove_Email", "Remove_FirstName", "Remove_LastName",
					    "LastModifiedTime", "QuickConnectIds", "Keep_ID",
					    "Keep_Username", "Evidence" };
	if ((r = csv_line(&out->plan_csv, head, sizeof head / sizeof *head, true)) != CD_OK)
		goto out;
	if (!(itext = json_dumps(ij, JSON_COMPACT | JSON_PRESERVE_ORDER)))
		goto out;
	r = buf_printf(&out->backup_json, "{\"instance\":%s,\"created\":\"%s\",\"users\":[", itext,
		       created);
	for (size_t c = 0; c < nin && r == CD_OK; c++) {
		const struct plan_input *k = &in[c];
		if (k->confidence < min_confidence || k->keep >= k->nmembers)
			continue;
		const struct plan_member *keep = &k->members[k->keep];
		json_t *rem = json_array();
		if (!rem) {
			r = CD_NOMEM;
			break;
		}
		for (size_t i = 0; i < k->nmembers && r == CD_OK; i++) {
			const struct plan_member *m = &k->members[i];
			/* never a keeper, of this cluster or any other */
			if (i == k->keep || keeper_anywhere(in, nin, m->id))
				continue;
			json_t *e = one_removal(&b, out->clusters + 1, k->confidence, m, keep, &r, err,
						errlen);
			if (e && json_array_append_new(rem, e))
				r = CD_NOMEM;
		}
		if (r == CD_OK && json_array_size(rem)) {
			json_t *cj = json_pack("{sf s{ss ss} sO}", "confidence",
					       round(k->confidence * 1e4) / 1e4, "keep", "Id", keep->id,
					       "Username", keep->username ? keep->username : "",
					       "remove", rem);
			if (!cj || json_array_append_new(clusters, cj))
				r = CD_NOMEM;
			else
				out->clusters++;
		}
		json_decref(rem);
	}
	if (r == CD_OK)
		r = buf_puts(&out->backup_json, "\n]}\n");
	if (r != CD_OK)
		goto out;
	r = CD_NOMEM;
	if (json_object_set_new(root, "version", json_integer(1)) ||
	    json_object_set(root, "instance", ij) ||
	    json_object_set_new(root, "created", json_string(created)) ||
	    json_object_set(root, "clusters", clusters))
		goto out;
	if (!(text = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6))))
		goto out;
	r = buf_puts(&out->plan_json, text);
	if (r == CD_OK)
		r = buf_putc(&out->plan_json, '\n');
out:
	if (r == CD_NOMEM || r == CD_TOOBIG)
		snprintf(err, errlen, "out of memory building the plan");
	free(text);
	free(itext);
	json_decref(root);
	json_decref(clusters);
	json_decref(ij);
	buf_release(&b.user);
	buf_release(&b.profs);
	return r;
}
