/* journal.c -- apply's write-ahead journal (append, fsync, replay). */
#include "act/journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"

#define JOURNAL_MAX (256u << 20)  /* a plan of a million entries fits several times */
#define JOURNAL_LINE_MAX 600

struct journal_entry {
	char *key;                 /* "OP ID" */
	enum journal_state state;
};

struct journal {
	int fd;
	struct journal_entry *v;
	size_t n, cap;
};

static struct journal_entry *find(const struct journal *j, const char *key)
{
	/* newest first: a rerun asks about what it just wrote */
	for (size_t i = j->n; i-- > 0;)
		if (!strcmp(j->v[i].key, key))
			return &j->v[i];
	return NULL;
}

static enum cd_result set_state(struct journal *j, const char *key, enum journal_state st)
{
	struct journal_entry *e = find(j, key);
	if (e) {
		e->state = st;
		return CD_OK;
	}
	if (j->n == j->cap) {
		size_t cap = j->cap ? 2 * j->cap : 256;
		struct journal_entry *v = realloc(j->v, cap * sizeof *v);
		if (!v)
			return CD_NOMEM;
		j->v = v;
		j->cap = cap;
	}
	if (!(j->v[j->n].key = strdup(key)))
		return CD_NOMEM;
	j->v[j->n++].state = st;
	return CD_OK;
}

static bool key_of(char *out, size_t cap, const char *op, const char *id)
{
	int n = snprintf(out, cap, "%s %s", op, id);
	return n > 0 && (size_t)n < cap && !strpbrk(id, " \n\r") && !strpbrk(op, " \n\r");
}

/* Replays one complete line. Unknown lines are an error: the file is ours alone. */
static enum cd_result replay(struct journal *j, char *line, char *err, size_t errlen)
{
	char key[JOURNAL_LINE_MAX];
	char *op, *id, *res, *save = NULL;
	if (line[0] != 'B' && line[0] != 'E')
		goto bad;
	bool begin = line[0] == 'B';
	if (line[1] != ' ' || !(op = strtok_r(line + 2, " ", &save)) ||
	    !(id = strtok_r(NULL, " ", &save)))
		goto bad;
	res = strtok_r(NULL, " ", &save);
	if (begin != !res || !key_of(key, sizeof key, op, id))
		goto bad;
	if (begin)
		return set_state(j, key, JOURNAL_BEGUN);
	if (!strcmp(res, "failed"))
		return set_state(j, key, JOURNAL_NONE);
	if (strcmp(res, "ok") && strcmp(res, "gone"))
		goto bad;
	return set_state(j, key, JOURNAL_DONE);
bad:
	snprintf(err, errlen, "the journal has a line it did not write: '%.80s'", line);
	return CD_INPUT;
}

static enum cd_result append(struct journal *j, const char *line, char *err, size_t errlen)
{
	size_t len = strlen(line), off = 0;
	while (off < len) {
		ssize_t w = write(j->fd, line + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			snprintf(err, errlen, "cannot write the journal: %s", strerror(errno));
			return CD_IO;
		}
		off += (size_t)w;
	}
	if (fsync(j->fd) != 0) {
		snprintf(err, errlen, "cannot sync the journal: %s", strerror(errno));
		return CD_IO;
	}
	return CD_OK;
}

void journal_close(struct journal *j)
{
	if (!j)
		return;
	if (j->fd >= 0)
		close(j->fd);
	for (size_t i = 0; i < j->n; i++)
		free(j->v[i].key);
	free(j->v);
	free(j);
}

static enum cd_result read_all(int fd, struct buf *b, const char *path, char *err, size_t errlen)
{
	char chunk[65536];
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
			return CD_IO;
		}
		if (n == 0)
			return CD_OK;
		if (buf_append(b, chunk, (size_t)n) != CD_OK) {
			snprintf(err, errlen, "'%s' is larger than %u bytes", path, JOURNAL_MAX);
			return CD_TOOBIG;
		}
	}
}

enum cd_result journal_open(const char *path, const char *instance_id, struct journal **out,
			    char *err, size_t errlen)
{
	enum cd_result r = CD_NOMEM;
	struct buf text = BUF_INIT(JOURNAL_MAX);
	char header[400];
	struct journal *j = calloc(1, sizeof *j);
	*out = NULL;
	if (!j)
		goto out;
	snprintf(header, sizeof header, "connect-dupes journal 1 instance %s\n", instance_id);
	j->fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (j->fd < 0) {
		snprintf(err, errlen, "cannot open the journal '%s': %s", path, strerror(errno));
		r = CD_IO;
		goto out;
	}
	if ((r = read_all(j->fd, &text, path, err, errlen)) != CD_OK)
		goto out;
	if (text.len == 0) {
		r = append(j, header, err, errlen);
		goto done;
	}
	char *s = text.data, *end = text.data + text.len;
	char *nl = memchr(s, '\n', text.len);
	if (!nl || (size_t)(nl - s + 1) != strlen(header) || memcmp(s, header, strlen(header))) {
		snprintf(err, errlen, "'%s' is not this plan's journal (it is not for instance %s)",
			 path, instance_id);
		r = CD_INPUT;
		goto out;
	}
	for (s = nl + 1; s < end; s = nl + 1) {
		nl = memchr(s, '\n', (size_t)(end - s));
		if (!nl) {
			/* torn last line: the run was killed while writing it. Cut it off so the
			 * next line starts clean; what it said is lost, which is safe: a torn "B"
			 * was written before its request was sent, and a torn "E" leaves its "B",
			 * which makes the caller ask the service. */
			if (ftruncate(j->fd, (off_t)(s - text.data)) != 0 || fsync(j->fd) != 0) {
				snprintf(err, errlen, "cannot repair the journal '%s': %s", path,
					 strerror(errno));
				r = CD_IO;
				goto out;
			}
			break;
		}
		*nl = '\0';
		if (nl - s >= JOURNAL_LINE_MAX) {
			snprintf(err, errlen, "'%s' has a line longer than %d bytes", path,
				 JOURNAL_LINE_MAX);
			r = CD_INPUT;
			goto out;
		}
		if (s == nl)
			continue;
		if ((r = replay(j, s, err, errlen)) != CD_OK)
			goto out;
	}
	r = CD_OK;
done:
	if (r == CD_OK) {
		*out = j;
		j = NULL;
	}
out:
	if (r == CD_NOMEM)
		snprintf(err, errlen, "out of memory reading the journal");
	buf_release(&text);
	journal_close(j);
	return r;
}

enum journal_state journal_state(const struct journal *j, const char *op, const char *id)
{
	char key[JOURNAL_LINE_MAX];
	if (!key_of(key, sizeof key, op, id))
		return JOURNAL_NONE;
	const struct journal_entry *e = find(j, key);
	return e ? e->state : JOURNAL_NONE;
}

static enum cd_result record(struct journal *j, char kind, const char *op, const char *id,
			     const char *result, char *err, size_t errlen)
{
	char key[JOURNAL_LINE_MAX], line[JOURNAL_LINE_MAX + 16];
	if (!key_of(key, sizeof key, op, id)) {
		snprintf(err, errlen, "cannot journal '%.64s': not a plain id", id);
		return CD_INPUT;
	}
	snprintf(line, sizeof line, "%c %s%s%s\n", kind, key, result ? " " : "", result ? result : "");
	enum cd_result r = append(j, line, err, errlen);
	if (r == CD_OK)
		r = set_state(j, key, kind == 'B' ? JOURNAL_BEGUN
				       : strcmp(result, "failed") ? JOURNAL_DONE : JOURNAL_NONE);
	return r;
}

enum cd_result journal_begin(struct journal *j, const char *op, const char *id, char *err,
			     size_t errlen)
{
	return record(j, 'B', op, id, NULL, err, errlen);
}

enum cd_result journal_end(struct journal *j, const char *op, const char *id, const char *result,
			   char *err, size_t errlen)
{
	return record(j, 'E', op, id, result, err, errlen);
}

size_t journal_done_count(const struct journal *j)
{
	size_t n = 0;
	for (size_t i = 0; i < j->n; i++)
		n += j->v[i].state == JOURNAL_DONE;
	return n;
}
