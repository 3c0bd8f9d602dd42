/* gen_write.c -- the instance and truth files, streamed or from a user set. */
#include "gen_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "jsonesc.h"
#include "outfile.h"

/* An output: a file through outfile (0600 temporary, fsync, rename, folder fsync), or stdout
 * for "-". */
struct genout {
	struct outfile of; /* the file's; unused for stdout */
	FILE *f;
	int is_stdout;
};

static enum cd_result out_open(struct genout *o, const char *path, char *err, size_t errlen)
{
	char why[512];
	memset(o, 0, sizeof *o);
	if (!strcmp(path, "-")) {
		o->f = stdout;
		o->is_stdout = 1;
		return CD_OK;
	}
	enum cd_result r = outfile_open(&o->of, path, why, sizeof why);
	if (r != CD_OK) {
		snprintf(err, errlen, "cannot create '%s': %s", path, why);
		return r;
	}
	o->f = o->of.f;
	setvbuf(o->f, NULL, _IOFBF, 1 << 20);
	return CD_OK;
}

static void out_write_error(const struct genout *o, char *err, size_t errlen)
{
	const char *why = strerror(errno ? errno : EIO);
	if (o->is_stdout)
		snprintf(err, errlen, "cannot write to standard output: %s", why);
	else
		snprintf(err, errlen, "cannot write '%s': %s", o->of.path, why);
}

/* Flushes and puts the file in place when r is CD_OK; otherwise removes the temporary. */
static enum cd_result out_close(struct genout *o, enum cd_result r, char *err, size_t errlen)
{
	if (!o->f)
		return r;
	o->f = NULL;
	if (!o->is_stdout) {
		if (r != CD_OK) {
			outfile_abort(&o->of);
			return r;
		}
		return outfile_commit(&o->of, err, errlen);
	}
	if ((ferror(stdout) || fflush(stdout) != 0) && r == CD_OK) {
		out_write_error(o, err, errlen);
		r = CD_IO;
	}
	return r;
}

static void instance_head(FILE *f, const struct gen_opts *opts)
{
	char id[256];
	gen_instance_id(opts, id, sizeof id);
	fputs("{\"InstanceId\":", f);
	jsonesc_fput(f, id);
	fputs(",\"Region\":", f);
	jsonesc_fput(f, gen_region(opts));
	fputs(",\"Users\":[\n", f);
}

enum cd_result gen_write_instance(const char *path, const struct gen_opts *opts,
	const struct user_set *users, char *err, size_t errlen)
{
	struct genout o;
	enum cd_result r = out_open(&o, path, err, errlen);
	if (r != CD_OK)
		return r;
	instance_head(o.f, opts);
	for (size_t i = 0; i < users->n; i++) {
		fwrite(users->v[i].raw, 1, users->v[i].raw_len, o.f);
		fputs(i + 1 < users->n ? ",\n" : "\n", o.f);
	}
	fputs("]}\n", o.f);
	return out_close(&o, r, err, errlen);
}

static void truth_list(FILE *f, const struct gen_opts *opts, const struct user_set *users,
	const struct gen_truth *t, int distractor)
{
	char id1[37], id2[37];
	int first = 1;
	for (size_t i = 0; i < t->n; i++) {
		const struct gen_pair *p = &t->v[i];
		if (p->distractor != distractor)
			continue;
		if (users) {
			scpy(id1, sizeof id1, users->v[p->user1].id);
			scpy(id2, sizeof id2, users->v[p->user2].id);
		} else {
			gen_user_id(opts->seed, p->user1, id1);
			gen_user_id(opts->seed, p->user2, id2);
		}
		fprintf(f, "%s\n{\"user1\":\"%s\",\"user2\":\"%s\",\"kind\":\"%s\"}", first ? "" : ",",
			id1, id2, p->kind);
		first = 0;
	}
}

static enum cd_result write_truth(const char *path, const struct gen_opts *opts, size_t n,
	const struct user_set *users, const struct gen_truth *truth, char *err, size_t errlen)
{
	struct genout o;
	enum cd_result r = out_open(&o, path, err, errlen);
	if (r != CD_OK)
		return r;
	fprintf(o.f, "{\"seed\":%llu,\"users\":%zu,\"pairs\":[", opts->seed, n);
	truth_list(o.f, opts, users, truth, 0);
	fputs("],\"distractors\":[", o.f);
	truth_list(o.f, opts, users, truth, 1);
	fputs("]}\n", o.f);
	return out_close(&o, r, err, errlen);
}

enum cd_result gen_write_truth(const char *path, const struct gen_opts *opts,
	const struct user_set *users, const struct gen_truth *truth, char *err, size_t errlen)
{
	for (size_t i = 0; i < truth->n; i++)
		if (truth->v[i].user1 >= users->n || truth->v[i].user2 >= users->n) {
			snprintf(err, errlen, "truth refers to user %zu of %zu", truth->v[i].user2, users->n);
			return CD_INTERNAL;
		}
	return write_truth(path, opts, users->n, users, truth, err, errlen);
}

/* Streaming: users go straight to the file, so a million cost no more memory than a hundred. */
struct file_sink {
	FILE *f;
	size_t n;
};

static enum cd_result file_sink(void *ctx, size_t index, const struct user_fields *u)
{
	struct file_sink *s = ctx;
	if (index)
		fputs(",\n", s->f);
	fwrite(u->raw, 1, u->raw_len, s->f);
	s->n++;
	return ferror(s->f) ? CD_IO : CD_OK;
}

enum cd_result gen_files(const struct gen_opts *opts, const char *out_path,
	const char *truth_path, char *err, size_t errlen)
{
	struct genout o;
	struct gen_truth truth;
	struct file_sink s = { NULL, 0 };
	enum cd_result r;
	gen_truth_init(&truth);
	if (err && errlen)
		err[0] = 0;
	if ((r = out_open(&o, out_path, err, errlen)) != CD_OK)
		return r;
	s.f = o.f;
	instance_head(o.f, opts);
	r = gen_stream(opts, file_sink, &s, &truth, err, errlen);
	if (r == CD_IO)
		out_write_error(&o, err, errlen);
	if (r == CD_OK)
		fputs("\n]}\n", o.f);
	r = out_close(&o, r, err, errlen);
	if (r == CD_OK && truth_path)
		r = write_truth(truth_path, opts, s.n, NULL, &truth, err, errlen);
	gen_truth_release(&truth);
	return r;
}
