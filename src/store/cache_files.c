/* cache_files.c -- the cache on disk: default folder and path, making parents, the writer's
 * lock, finding a cache by id, ARN or alias, and removing one. */
#include "store/cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/cache_int.h"

/* --- paths --------------------------------------------------------------------------------- */

enum cd_result cache_default_dir(char *out, size_t outlen, char *err, size_t errlen)
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	int n;
	/* The XDG spec says a relative value is invalid and must be ignored. */
	if (xdg && xdg[0] == '/')
		n = snprintf(out, outlen, "%s/connect-dupes", xdg);
	else if (home && home[0])
		n = snprintf(out, outlen, "%s/.cache/connect-dupes", home);
	else {
		cache_seterr(err, errlen, "no cache folder: neither XDG_CACHE_HOME nor HOME is set "
				    "(use --cache FILE or --no-cache)");
		return CD_USAGE;
	}
	if (n < 0 || (size_t)n >= outlen) {
		cache_seterr(err, errlen, "cache folder path too long");
		return CD_TOOBIG;
	}
	return CD_OK;
}

enum cd_result cache_default_path(const char *instance_id, char *out, size_t outlen, char *err,
				  size_t errlen)
{
	char dir[PATH_MAX];
	enum cd_result r;
	if (instance_id && strncmp(instance_id, "arn:", 4) == 0) {
		const char *p = strstr(instance_id, ":instance/");
		instance_id = p ? p + 10 : "";
	}
	if (!instance_id || !instance_id[0] || strchr(instance_id, '/') ||
	    strcmp(instance_id, ".") == 0 || strcmp(instance_id, "..") == 0) {
		cache_seterr(err, errlen, "instance id '%s' cannot name a cache file",
			     instance_id ? instance_id : "");
		return CD_USAGE;
	}
	r = cache_default_dir(dir, sizeof dir, err, errlen);
	if (r != CD_OK)
		return r;
	int n = snprintf(out, outlen, "%s/%s.db", dir, instance_id);
	if (n < 0 || (size_t)n >= outlen) {
		cache_seterr(err, errlen, "cache path for instance '%s' too long", instance_id);
		return CD_TOOBIG;
	}
	return CD_OK;
}

/* mkdir -p of path's parent folder; folders we create are 0700 (they hold personal data). */
enum cd_result cache_make_parent(const char *path, char *err, size_t errlen)
{
	char dir[PATH_MAX];
	size_t n = strlen(path);
	if (n >= sizeof dir) {
		cache_seterr(err, errlen, "cache path too long: '%s'", path);
		return CD_TOOBIG;
	}
	memcpy(dir, path, n + 1);
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return CD_OK;
	*slash = '\0';
	for (char *p = dir + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			cache_seterr(err, errlen, "cannot create cache folder '%s': %s (scan with "
				     "--cache FILE elsewhere, or --no-cache)", dir, strerror(errno));
			return CD_IO;
		}
		*p = saved;
		if (saved == '\0')
			break;
	}
	return CD_OK;
}

/* Creates the file 0600 before SQLite opens it (SQLite would honour the umask instead); the WAL
 * and shared-memory files SQLite creates later copy the database file's mode. */
enum cd_result cache_create_file(const char *path, bool *created, char *err, size_t errlen)
{
	*created = false;
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			return CD_OK;
		cache_seterr(err, errlen, "cannot create cache '%s': %s (scan with --cache FILE "
			     "elsewhere, or --no-cache)", path, strerror(errno));
		return CD_IO;
	}
	*created = true;
	enum cd_result r = CD_OK;
	if (fchmod(fd, 0600) != 0) {
		cache_seterr(err, errlen, "cannot set the mode of cache '%s': %s", path, strerror(errno));
		r = CD_IO;
	}
	close(fd);
	return r;
}

/* One writer at a time: two scans of one instance would describe the same users twice, and one
 * scan's "not seen in my listing" is not another's. flock on a companion file, not on the database
 * (SQLite's own POSIX locks on it must not be disturbed; on NFS flock is emulated with them); the
 * kernel releases it when the process dies, kill -9 included. Readers (info, export, analyze)
 * take no lock. */
enum cd_result cache_take_lock(struct cache *c, char *err, size_t errlen)
{
	char p[PATH_MAX];
	if (snprintf(p, sizeof p, "%s-lock", c->path) >= (int)sizeof p) {
		cache_seterr(err, errlen, "cache path too long: '%s'", c->path);
		return CD_TOOBIG;
	}
	c->lock_fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (c->lock_fd < 0) {
		cache_seterr(err, errlen, "cannot create '%s': %s", p, strerror(errno));
		return CD_IO;
	}
	if (flock(c->lock_fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno == EWOULDBLOCK)
			cache_seterr(err, errlen, "cache '%s' is in use by another connect-dupes scan: let it "
					    "finish, or use another --cache file", c->path);
		else
			cache_seterr(err, errlen, "cannot lock '%s': %s", p, strerror(errno));
		return CD_IO;
	}
	return CD_OK;
}

/* Whether a writer holds the lock (for `cache info`: a scan without an end time is running, not
 * interrupted). Only tests it: a shared lock taken is dropped at once. */
bool cache_lock_is_held(const char *path)
{
	char p[PATH_MAX];
	bool held = false;
	if (snprintf(p, sizeof p, "%s-lock", path) >= (int)sizeof p)
		return false;
	int fd = open(p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return false;
	if (flock(fd, LOCK_SH | LOCK_NB) != 0)
		held = errno == EWOULDBLOCK;
	close(fd);
	return held;
}

/* An instance ARN's region, account and id, or false. */
static bool split_arn(const char *arn, char *region, size_t rlen, char *account, size_t alen,
		      const char **id)
{
	const char *f[6], *p = arn;
	if (strncmp(arn, "arn:", 4) != 0)
		return false;
	for (int i = 0; i < 6; i++) {
		f[i] = p;
		const char *colon = i < 5 ? strchr(p, ':') : NULL;
		if (i < 5 && !colon)
			return false;
		p = colon ? colon + 1 : p;
	}
	if (strncmp(f[5], "instance/", 9) != 0)
		return false;
	snprintf(region, rlen, "%.*s", (int)(f[4] - f[3] - 1), f[3]);
	snprintf(account, alen, "%.*s", (int)(f[5] - f[4] - 1), f[4]);
	*id = f[5] + 9;
	return true;
}

enum cd_result cache_find(const char *instance, char *path, size_t pathlen, char *err,
			  size_t errlen)
{
	char region[64] = "", account[32] = "", dir[PATH_MAX], cand[PATH_MAX];
	const char *id = instance;
	enum cd_result r;
	struct cache *c = NULL;
	bool arn = instance && split_arn(instance, region, sizeof region, account, sizeof account,
					 &id);
	if (!instance || !instance[0] || (!arn && strncmp(instance, "arn:", 4) == 0)) {
		cache_seterr(err, errlen, "'%s' is not an instance id, ARN or alias", instance ? instance : "");
		return CD_USAGE;
	}
	if ((r = cache_default_path(id, path, pathlen, err, errlen)) != CD_OK &&
	    (arn || strchr(id, '/')))
		return r;
	if (r == CD_OK && access(path, F_OK) == 0) {
		if (!arn)
			return CD_OK;
		/* The ARN names a region and an account: the cache must be of those. */
		struct cache_key key = { .instance_id = id, .region = region, .account = account };
		r = cache_open_key(&c, path, &key, CACHE_READ_ONLY, err, errlen);
		cache_close(c);
		return r;
	}
	if (arn) {
		cache_seterr(err, errlen, "no cache for instance '%s' at '%s' (run a scan first)", id, path);
		return CD_NOT_FOUND;
	}
	/* Not a file: an alias a scan recorded in its cache. */
	if ((r = cache_default_dir(dir, sizeof dir, err, errlen)) != CD_OK)
		return r;
	DIR *d = opendir(dir);
	size_t hits = 0;
	char found[2][PATH_MAX];
	struct dirent *e;
	while (d && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len < 4 || strcmp(e->d_name + len - 3, ".db") != 0 ||
		    snprintf(cand, sizeof cand, "%s/%s", dir, e->d_name) >= (int)sizeof cand)
			continue;
		char oerr[256];
		if (cache_open(&c, cand, NULL, CACHE_READ_ONLY, oerr, sizeof oerr) != CD_OK)
			continue; /* damaged, foreign or empty: not the one */
		if (strcasecmp(cache_alias(c), instance) == 0) {
			if (hits < 2)
				snprintf(found[hits], sizeof found[hits], "%s", cand);
			hits++;
		}
		cache_close(c);
		c = NULL;
	}
	if (d)
		closedir(d);
	if (hits == 1) {
		if (snprintf(path, pathlen, "%s", found[0]) >= (int)pathlen) {
			cache_seterr(err, errlen, "cache path too long: '%s'", found[0]);
			return CD_TOOBIG;
		}
		return CD_OK;
	}
	if (hits > 1) {
		cache_seterr(err, errlen, "alias '%s' names the caches of %zu instances ('%s', '%s'%s): give "
			     "--instance ID or ARN", instance, hits, found[0], found[1],
			     hits > 2 ? ", ..." : "");
		return CD_USAGE;
	}
	cache_seterr(err, errlen, "no cache for instance '%s' in '%s' (no cache file of that id, and no "
		     "scan recorded it as an alias): run a scan first", instance, dir);
	return CD_NOT_FOUND;
}

bool cache_in_use(const char *path)
{
	return cache_lock_is_held(path);
}

enum cd_result cache_remove(const char *path, char *err, size_t errlen)
{
	static const char *const suffix[] = { "-wal", "-shm", "-journal", "-lock" };
	char p[PATH_MAX];
	enum cd_result r = CD_OK;
	if (unlink(path) != 0) {
		cache_seterr(err, errlen, "cannot delete cache '%s': %s", path, strerror(errno));
		r = errno == ENOENT ? CD_NOT_FOUND : CD_IO;
	}
	for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
		int n = snprintf(p, sizeof p, "%s%s", path, suffix[i]);
		if (n > 0 && (size_t)n < sizeof p && unlink(p) != 0 && errno != ENOENT && r == CD_OK) {
			cache_seterr(err, errlen, "cannot delete '%s': %s", p, strerror(errno));
			r = CD_IO;
		}
	}
	return r;
}
