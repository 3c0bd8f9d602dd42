/* emu_store.c -- the emulated instance: users in creation order, an id index, pages, changes. */
#include "emu_store.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "emu_json.h"
#include "grow.h"
#include "hash.h"
#include "jsonesc.h"

#define DUMP_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(15))

struct emu_user {
	char *strs;         /* one block for the fields below */
	const char *id, *arn, *username, *first, *last, *routing, *hierarchy, *region;
	char *describe;     /* {"User":{...}} */
	size_t describe_len;
	/* UserSearchSummary, built on first use when loading took the fast path; published with a
	 * compare-and-swap because readers share the read lock */
	_Atomic(char *) summary;
	double modified;    /* LastModifiedTime */
	bool deleted;
	atomic_uint described;
};

struct emu_store {
	pthread_rwlock_t lock;
	struct emu_user *v;
	size_t n, cap, live;
	size_t *index;      /* open addressing: position + 1, 0 = empty */
	size_t index_cap;   /* power of two, > 2n */
	char instance_id[128], region[64], account[24], arn[256];
	double created_time;
	atomic_size_t distinct, again;
	uint64_t rng;       /* for changes; under the write lock */
	unsigned long serial;
	size_t modified;    /* changes so far (created: serial) */
};

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double wall_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	/* milliseconds, like the service's timestamps */
	return (double)ts.tv_sec + (double)(ts.tv_nsec / 1000000) / 1000.0;
}

static void uuid_from(uint64_t *rng, char out[37])
{
	uint64_t a = splitmix(rng), b = splitmix(rng);
	snprintf(out, 37, "%08x-%04x-4%03x-%04x-%012llx", (unsigned)(a >> 32),
		 (unsigned)(a >> 16) & 0xffff, (unsigned)a & 0xfff,
		 (unsigned)(0x8000 | ((b >> 48) & 0x3fff)), (unsigned long long)(b & 0xffffffffffffULL));
}

/* ---- id index ---- */

static size_t *index_slot(struct emu_store *s, const char *id)
{
	size_t mask = s->index_cap - 1;
	size_t i = (size_t)hash_bytes(id, strlen(id)) & mask;
	while (s->index[i] && strcmp(s->v[s->index[i] - 1].id, id))
		i = (i + 1) & mask;
	return &s->index[i];
}

static enum cd_result index_grow(struct emu_store *s, size_t want_users)
{
	if (s->index_cap > 2 * want_users)
		return CD_OK;
	size_t cap = 1024;
	while (cap <= 2 * want_users)
		cap *= 2;
	size_t *ix = calloc(cap, sizeof *ix);
	if (!ix)
		return CD_NOMEM;
	free(s->index);
	s->index = ix;
	s->index_cap = cap;
	for (size_t k = 0; k < s->n; k++)
		*index_slot(s, s->v[k].id) = k + 1;
	return CD_OK;
}

static struct emu_user *find_user(struct emu_store *s, const char *id)
{
	size_t k = *index_slot(s, id);
	return k ? &s->v[k - 1] : NULL;
}

/* ---- one user's cached forms ---- */

static const char *jstr(const json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));
	return v ? v : "";
}

/* The members of UserSearchSummary: SearchUsers never returns e-mail, mobile or LastModified*,
 * and reports AfterContactWorkTimeLimit in milliseconds (documented in the model). */
static json_t *make_summary(json_t *user)
{
	static const char *const keep[] = {
		"Arn", "DirectoryUserId", "HierarchyGroupId", "Id", "PhoneConfig", "RoutingProfileId",
		"SecurityProfileIds", "Tags", "Username", "AutoAcceptConfigs",
		"AfterContactWorkConfigs", "PhoneNumberConfigs", "PersistentConnectionConfigs",
		"VoiceEnhancementConfigs",
	};
	json_t *o = json_object();
	if (!o)
		return NULL;
	for (size_t i = 0; i < sizeof keep / sizeof *keep; i++) {
		json_t *v = json_object_get(user, keep[i]);
		if (v) /* shared, not copied: the summary is dumped and dropped while user lives */
			json_object_set(o, keep[i], v);
	}
	json_t *pc = json_object_get(o, "PhoneConfig");
	json_t *acw = json_object_get(pc, "AfterContactWorkTimeLimit");
	if (json_is_integer(acw)) {
		pc = json_copy(pc); /* shallow: only this member changes */
		json_object_set_new(pc, "AfterContactWorkTimeLimit",
				    json_integer(json_integer_value(acw) * 1000));
		json_object_set_new(o, "PhoneConfig", pc);
	}
	json_t *ii = json_object_get(user, "IdentityInfo");
	if (json_is_object(ii)) {
		json_t *lite = json_object();
		if (json_object_get(ii, "FirstName"))
			json_object_set(lite, "FirstName", json_object_get(ii, "FirstName"));
		if (json_object_get(ii, "LastName"))
			json_object_set(lite, "LastName", json_object_get(ii, "LastName"));
		json_object_set_new(o, "IdentityInfo", lite);
	}
	return o;
}

static void user_clear(struct emu_user *u)
{
	free(u->strs);
	free(u->describe);
	free(atomic_load(&u->summary));
	u->strs = u->describe = NULL;
	atomic_store(&u->summary, NULL);
}

/* Copies the eight indexed strings into one block owned by u. */
static enum cd_result set_strings(struct emu_user *u, const char *const f[8])
{
	size_t len[8], total = 0;
	for (int i = 0; i < 8; i++)
		total += (len[i] = strlen(f[i])) + 1;
	char *p = malloc(total);
	if (!p)
		return CD_NOMEM;
	const char **dst[8] = { &u->id, &u->arn, &u->username, &u->first, &u->last, &u->routing,
				&u->hierarchy, &u->region };
	free(u->strs);
	u->strs = p;
	for (int i = 0; i < 8; i++) {
		memcpy(p, f[i], len[i] + 1);
		*dst[i] = p;
		p += len[i] + 1;
	}
	return CD_OK;
}

/* {"User":<text>} */
static char *wrap_user(const char *text, size_t len)
{
	char *w = malloc(len + 10);
	if (w) {
		memcpy(w, "{\"User\":", 8);
		memcpy(w + 8, text, len);
		memcpy(w + 8 + len, "}", 2);
	}
	return w;
}

/* Rebuilds u's cached strings from the User object (which it does not keep). */
static enum cd_result user_build(struct emu_user *u, json_t *user)
{
	enum cd_result r = CD_NOMEM;
	json_t *sum = NULL;
	char *text = NULL, *describe = NULL, *summary = NULL;
	const json_t *ii = json_object_get(user, "IdentityInfo");
	const char *f[8] = {
		jstr(user, "Id"), jstr(user, "Arn"), jstr(user, "Username"), jstr(ii, "FirstName"),
		jstr(ii, "LastName"), jstr(user, "RoutingProfileId"), jstr(user, "HierarchyGroupId"),
		jstr(user, "LastModifiedRegion"),
	};
	if (!(text = json_dumps(user, DUMP_FLAGS)) || !(describe = wrap_user(text, strlen(text))))
		goto out;
	if (!(sum = make_summary(user)) || !(summary = json_dumps(sum, DUMP_FLAGS)))
		goto out;
	if (set_strings(u, f) != CD_OK) /* f points into user, which outlives this call */
		goto out;
	free(u->describe);
	free(atomic_load(&u->summary));
	u->describe = describe;
	u->describe_len = strlen(describe);
	atomic_store(&u->summary, summary);
	u->modified = json_real_value(json_object_get(user, "LastModifiedTime"));
	describe = summary = NULL;
	r = CD_OK;
out:
	free(text);
	free(describe);
	free(summary);
	json_decref(sum);
	return r;
}

/* The User object behind a cached user (a fresh tree the caller owns). */
static json_t *user_object(const struct emu_user *u)
{
	json_t *wrap = json_loadb(u->describe, u->describe_len, 0, NULL);
	json_t *user = json_incref(json_object_get(wrap, "User"));
	json_decref(wrap);
	return user;
}

/* The next free slot, zeroed; NULL when out of memory. slot_commit makes it a user. */
static struct emu_user *slot_next(struct emu_store *s)
{
	if (ARRAY_GROW(s->v, s->n + 1, s->cap, GROW_MAX_ELEMS) != CD_OK)
		return NULL;
	if (index_grow(s, s->n + 1) != CD_OK)
		return NULL;
	struct emu_user *u = &s->v[s->n];
	memset(u, 0, sizeof *u);
	atomic_init(&u->described, 0);
	atomic_init(&u->summary, NULL);
	return u;
}

static void slot_commit(struct emu_store *s)
{
	s->n++;
	s->live++;
	*index_slot(s, s->v[s->n - 1].id) = s->n;
}

static enum cd_result push_user(struct emu_store *s, json_t *user)
{
	struct emu_user *u = slot_next(s);
	if (!u)
		return CD_NOMEM;
	enum cd_result r = user_build(u, user);
	if (r != CD_OK) {
		user_clear(u);
		return r;
	}
	slot_commit(s);
	return CD_OK;
}

/* Loading without jansson: when a record's raw User already carries what the service always
 * sends (Arn, LastModifiedRegion, a numeric LastModifiedTime) it is served as it is, with the
 * fields the loader extracted; the search summary is then built on first use. A million users
 * load in seconds instead of a minute. CD_INPUT: not eligible, take the slow path. */
static enum cd_result push_fast(struct emu_store *s, const struct user *in)
{
	const char *p;
	if (!in->raw_len || in->last_modified <= 0 || !*in->arn || !*in->last_modified_region ||
	    in->raw[0] != '{' || !(p = memmem(in->raw, in->raw_len, "\"LastModifiedTime\":", 19)))
		return CD_INPUT;
	for (p += 19; *p == ' '; p++)
		;
	if (*p < '0' || *p > '9')
		return CD_INPUT;
	struct emu_user *u = slot_next(s);
	if (!u)
		return CD_NOMEM;
	const char *f[8] = { in->id, in->arn, in->username, in->first_name, in->last_name,
			     in->routing_profile_id, in->hierarchy_group_id, in->last_modified_region };
	if (set_strings(u, f) != CD_OK || !(u->describe = wrap_user(in->raw, in->raw_len))) {
		user_clear(u);
		return CD_NOMEM;
	}
	u->describe_len = in->raw_len + 9;
	u->modified = in->last_modified;
	slot_commit(s);
	return CD_OK;
}

/* The UserSearchSummary of u, built and published on first use; NULL when out of memory. */
static const char *user_summary(struct emu_user *u)
{
	char *have = atomic_load(&u->summary);
	if (have)
		return have;
	json_t *user = user_object(u);
	json_t *sum = user ? make_summary(user) : NULL;
	char *mine = sum ? json_dumps(sum, DUMP_FLAGS) : NULL;
	json_decref(sum);
	json_decref(user);
	if (!mine)
		return NULL;
	if (!atomic_compare_exchange_strong(&u->summary, &have, mine)) {
		free(mine); /* another reader won; `have` is its summary */
		return have;
	}
	return mine;
}

/* A User object from a loaded record, with the fields the service always sends filled in. */
static json_t *normalise(struct emu_store *s, const struct user *in, char *err, size_t errlen)
{
	json_t *u = NULL;
	if (in->raw_len) {
		json_error_t je;
		u = json_loadb(in->raw, in->raw_len, 0, &je);
		if (!json_is_object(u)) {
			snprintf(err, errlen, "user '%.64s': raw JSON is not an object", in->id);
			json_decref(u);
			return NULL;
		}
	} else {
		u = json_pack("{ss ss ss s{ss ss ss ss ss}}", "Id", in->id, "Arn", in->arn, "Username",
			      in->username, "IdentityInfo", "FirstName", in->first_name, "LastName",
			      in->last_name, "Email", in->email, "SecondaryEmail", in->secondary_email,
			      "Mobile", in->mobile);
		if (!u) {
			snprintf(err, errlen, "out of memory");
			return NULL;
		}
	}
	if (!json_string_value(json_object_get(u, "Id")) || !*jstr(u, "Id")) {
		snprintf(err, errlen, "a user has no Id");
		json_decref(u);
		return NULL;
	}
	if (!*jstr(u, "Arn")) {
		char arn[512];
		snprintf(arn, sizeof arn, "%s/agent/%s", s->arn, jstr(u, "Id"));
		json_object_set_new(u, "Arn", json_string(arn));
	}
	/* The service sends epoch seconds; files written by other tools may hold ISO strings,
	 * which the loader already turned into in->last_modified. */
	if (!json_is_number(json_object_get(u, "LastModifiedTime")))
		json_object_set_new(u, "LastModifiedTime",
				    json_real(in->last_modified > 0 ? in->last_modified : s->created_time));
	else if (json_is_integer(json_object_get(u, "LastModifiedTime")))
		json_object_set_new(u, "LastModifiedTime",
				    json_real((double)json_integer_value(json_object_get(u, "LastModifiedTime"))));
	if (!*jstr(u, "LastModifiedRegion"))
		json_object_set_new(u, "LastModifiedRegion", json_string(s->region));
	return u;
}

enum cd_result emu_store_open(struct emu_store **out, const struct user_set *users,
			      const struct emu_instance_info *info, char *err, size_t errlen)
{
	enum cd_result r = CD_NOMEM;
	struct emu_store *s = calloc(1, sizeof *s);
	*out = NULL;
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return CD_NOMEM;
	}
	pthread_rwlock_init(&s->lock, NULL);
	atomic_init(&s->distinct, 0);
	atomic_init(&s->again, 0);
	s->rng = info->seed ^ 0x5eed5eed5eedULL;
	snprintf(s->region, sizeof s->region, "%s", info->region ? info->region : "us-east-1");
	snprintf(s->account, sizeof s->account, "123456789012");
	/* The account comes from the users' ARNs when they carry one:
	 * arn:aws:connect:REGION:ACCOUNT:instance/ID/agent/UID */
	if (users->n && !strncmp(users->v[0].arn, "arn:", 4)) {
		const char *p = users->v[0].arn;
		for (int colons = 0; *p && colons < 4; p++)
			colons += *p == ':';
		size_t n = strcspn(p, ":");
		if (n > 0 && n < sizeof s->account)
			snprintf(s->account, sizeof s->account, "%.*s", (int)n, p);
	}
	if (!info->instance_id || !*info->instance_id) {
		snprintf(err, errlen, "no instance id");
		r = CD_INPUT;
		goto out;
	}
	snprintf(s->instance_id, sizeof s->instance_id, "%s", info->instance_id);
	snprintf(s->arn, sizeof s->arn, "arn:aws:connect:%s:%s:instance/%s", s->region, s->account,
		 s->instance_id);
	s->created_time = 1609459200.0; /* 2021-01-01: fixed, so replies are reproducible */
	if ((r = index_grow(s, users->n)) != CD_OK)
		goto out;
	for (size_t i = 0; i < users->n; i++) {
		if (find_user(s, users->v[i].id))
			continue;
		r = push_fast(s, &users->v[i]);
		if (r == CD_OK)
			continue;
		if (r != CD_INPUT) {
			snprintf(err, errlen, "out of memory loading users");
			goto out;
		}
		json_t *u = normalise(s, &users->v[i], err, errlen);
		if (!u) {
			r = CD_INPUT;
			goto out;
		}
		r = push_user(s, u);
		json_decref(u);
		if (r != CD_OK) {
			snprintf(err, errlen, "out of memory loading users");
			goto out;
		}
	}
	*out = s;
	s = NULL;
	r = CD_OK;
out:
	emu_store_close(s);
	return r;
}

void emu_store_close(struct emu_store *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		user_clear(&s->v[i]);
	free(s->v);
	free(s->index);
	pthread_rwlock_destroy(&s->lock);
	free(s);
}

const char *emu_store_instance_id(const struct emu_store *s) { return s->instance_id; }
const char *emu_store_instance_arn(const struct emu_store *s) { return s->arn; }
const char *emu_store_region(const struct emu_store *s) { return s->region; }

bool emu_store_is_instance(const struct emu_store *s, const char *id)
{
	return !strcmp(id, s->instance_id) || !strcmp(id, s->arn);
}

enum cd_result emu_store_instance_summary(const struct emu_store *s, struct buf *out)
{
	char alias[64];
	snprintf(alias, sizeof alias, "emu-%.8s", s->instance_id);
	enum cd_result r = buf_puts(out, "{\"Id\":");
	if (r == CD_OK) r = jsonesc_append(out, s->instance_id);
	if (r == CD_OK) r = buf_puts(out, ",\"Arn\":");
	if (r == CD_OK) r = jsonesc_append(out, s->arn);
	if (r == CD_OK)
		r = buf_printf(out,
			       ",\"IdentityManagementType\":\"CONNECT_MANAGED\",\"InstanceAlias\":\"%s\","
			       "\"CreatedTime\":%.15g,\"ServiceRole\":\"arn:aws:iam::%s:role/"
			       "aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect\","
			       "\"InstanceStatus\":\"ACTIVE\",\"InboundCallsEnabled\":true,"
			       "\"OutboundCallsEnabled\":true,\"InstanceAccessUrl\":"
			       "\"https://%s.my.connect.aws\"}",
			       alias, s->created_time, s->account, alias);
	return r;
}

enum cd_result emu_store_describe(struct emu_store *s, const char *user_id, struct buf *out)
{
	enum cd_result r = CD_NOT_FOUND;
	pthread_rwlock_rdlock(&s->lock);
	struct emu_user *u = find_user(s, user_id);
	if (u && !u->deleted) {
		r = buf_append(out, u->describe, u->describe_len);
		unsigned before = atomic_fetch_add(&u->described, 1);
		if (before == 0)
			atomic_fetch_add(&s->distinct, 1);
		else if (before == 1)
			atomic_fetch_add(&s->again, 1);
	}
	pthread_rwlock_unlock(&s->lock);
	return r;
}

static size_t next_live(const struct emu_store *s, size_t k)
{
	while (k < s->n && s->v[k].deleted)
		k++;
	return k;
}

enum cd_result emu_store_list_page(struct emu_store *s, size_t from, size_t max, struct buf *out,
				   size_t *next)
{
	enum cd_result r = CD_OK;
	size_t got = 0, k;
	pthread_rwlock_rdlock(&s->lock);
	for (k = next_live(s, from); k < s->n && got < max && r == CD_OK; k = next_live(s, k + 1)) {
		const struct emu_user *u = &s->v[k];
		r = buf_puts(out, got++ ? ",{\"Id\":" : "{\"Id\":");
		if (r == CD_OK) r = jsonesc_append(out, u->id);
		if (r == CD_OK) r = buf_puts(out, ",\"Arn\":");
		if (r == CD_OK) r = jsonesc_append(out, u->arn);
		if (r == CD_OK) r = buf_puts(out, ",\"Username\":");
		if (r == CD_OK) r = jsonesc_append(out, u->username);
		if (r == CD_OK) r = buf_puts(out, ",\"LastModifiedTime\":");
		if (r == CD_OK) r = emu_json_time(out, u->modified);
		if (r == CD_OK) r = buf_puts(out, ",\"LastModifiedRegion\":");
		if (r == CD_OK) r = jsonesc_append(out, u->region);
		if (r == CD_OK) r = buf_putc(out, '}');
	}
	*next = k < s->n ? k : 0;
	pthread_rwlock_unlock(&s->lock);
	return r;
}

static bool user_matches(const struct emu_cond *c, const struct emu_user *u)
{
	if (!c)
		return true;
	struct emu_search_view v = {
		.id = u->id, .username = u->username, .first_name = u->first, .last_name = u->last,
		.routing_profile_id = u->routing, .hierarchy_group_id = u->hierarchy,
		.raw = u->describe + 8, .raw_len = u->describe_len - 9,
	};
	return emu_search_match(c, &v);
}

enum cd_result emu_store_search_page(struct emu_store *s, const struct emu_cond *cond, size_t from,
				     size_t max, struct buf *out, size_t *next, size_t *total)
{
	enum cd_result r = CD_OK;
	size_t got = 0, k, count = 0;
	pthread_rwlock_rdlock(&s->lock);
	*next = 0;
	if (!cond) {
		count = s->live;
	} else {
		for (k = 0; k < s->n; k++)
			count += !s->v[k].deleted && user_matches(cond, &s->v[k]);
	}
	for (k = from; k < s->n && r == CD_OK; k++) {
		const struct emu_user *u = &s->v[k];
		if (u->deleted || !user_matches(cond, u))
			continue;
		if (got == max) {
			*next = k;
			break;
		}
		if (got++)
			r = buf_putc(out, ',');
		const char *sum = r == CD_OK ? user_summary((struct emu_user *)u) : NULL;
		if (r == CD_OK)
			r = sum ? buf_puts(out, sum) : CD_NOMEM;
	}
	*total = count;
	pthread_rwlock_unlock(&s->lock);
	return r;
}

/* ---- changes ---- */

static double bump_time(double old)
{
	double t = wall_now();
	return t > old ? t : old + 0.001;
}

static enum cd_result report_id(struct buf *b, bool *first, const char *id)
{
	if (!b)
		return CD_OK;
	enum cd_result r = buf_puts(b, *first ? "" : ",");
	*first = false;
	return r == CD_OK ? jsonesc_append(b, id) : r;
}

static struct emu_user *random_live(struct emu_store *s)
{
	if (!s->live)
		return NULL;
	for (int tries = 0; tries < 64; tries++) {
		struct emu_user *u = &s->v[splitmix(&s->rng) % s->n];
		if (!u->deleted)
			return u;
	}
	size_t k = next_live(s, 0);
	return k < s->n ? &s->v[k] : NULL;
}

static enum cd_result modify_one(struct emu_store *s, struct emu_user *u)
{
	json_t *user = user_object(u);
	if (!user)
		return CD_NOMEM;
	char mobile[32];
	snprintf(mobile, sizeof mobile, "+1555%07llu",
		 (unsigned long long)(splitmix(&s->rng) % 10000000ULL));
	json_t *ii = json_object_get(user, "IdentityInfo");
	if (!json_is_object(ii)) {
		ii = json_object();
		json_object_set_new(user, "IdentityInfo", ii);
	}
	json_object_set_new(ii, "Mobile", json_string(mobile));
	json_object_set_new(user, "LastModifiedTime", json_real(bump_time(u->modified)));
	json_object_set_new(user, "LastModifiedRegion", json_string(s->region));
	enum cd_result r = user_build(u, user);
	json_decref(user);
	s->modified += r == CD_OK;
	return r;
}

static enum cd_result create_one(struct emu_store *s, char id[37])
{
	static const char *const first[] = { "Alex", "Sam", "Maria", "Chen", "Fatima", "Jonas" };
	static const char *const last[] = { "Kim", "Novak", "Garcia", "Okafor", "Larsen", "Ito" };
	char rp[37], sp[37], arn[512], username[64], email[96];
	uuid_from(&s->rng, id);
	uuid_from(&s->rng, rp);
	uuid_from(&s->rng, sp);
	s->serial++;
	const char *f = first[splitmix(&s->rng) % 6], *l = last[splitmix(&s->rng) % 6];
	snprintf(arn, sizeof arn, "%s/agent/%s", s->arn, id);
	snprintf(username, sizeof username, "emu.created.%lu", s->serial);
	snprintf(email, sizeof email, "emu.created.%lu@example.com", s->serial);
	json_t *user = json_pack("{ss ss ss s{ss ss ss} s{ss sb si} s[s] ss so ss}", "Id", id, "Arn",
				 arn, "Username", username, "IdentityInfo", "FirstName", f,
				 "LastName", l, "Email", email, "PhoneConfig", "PhoneType",
				 "SOFT_PHONE", "AutoAccept", 0, "AfterContactWorkTimeLimit", 0,
				 "SecurityProfileIds", sp, "RoutingProfileId", rp, "LastModifiedTime",
				 json_real(wall_now()), "LastModifiedRegion", s->region);
	if (!user)
		return CD_NOMEM;
	enum cd_result r = push_user(s, user);
	json_decref(user);
	return r;
}

enum cd_result emu_store_mutate(struct emu_store *s, unsigned modify, unsigned create,
				unsigned del, struct buf *report)
{
	enum cd_result r = CD_OK;
	bool first;
	pthread_rwlock_wrlock(&s->lock);
	if (report)
		r = buf_puts(report, "{\"modified\":[");
	first = true;
	for (unsigned i = 0; i < modify && r == CD_OK; i++) {
		struct emu_user *u = random_live(s);
		if (!u)
			break;
		r = modify_one(s, u);
		if (r == CD_OK)
			r = report_id(report, &first, u->id);
	}
	if (report && r == CD_OK)
		r = buf_puts(report, "],\"created\":[");
	first = true;
	for (unsigned i = 0; i < create && r == CD_OK; i++) {
		char id[37];
		r = create_one(s, id);
		if (r == CD_OK)
			r = report_id(report, &first, id);
	}
	if (report && r == CD_OK)
		r = buf_puts(report, "],\"deleted\":[");
	first = true;
	for (unsigned i = 0; i < del && r == CD_OK; i++) {
		struct emu_user *u = random_live(s);
		if (!u)
			break;
		u->deleted = true;
		s->live--;
		r = report_id(report, &first, u->id);
	}
	if (report && r == CD_OK)
		r = buf_puts(report, "]}");
	pthread_rwlock_unlock(&s->lock);
	return r;
}

enum cd_result emu_store_update(struct emu_store *s, const char *id, json_t *patch, char *err,
				size_t errlen)
{
	enum cd_result r = CD_NOT_FOUND;
	json_t *user = NULL;
	if (!json_is_object(patch) || json_object_get(patch, "Id") || json_object_get(patch, "Arn")) {
		snprintf(err, errlen, "the patch must be a User object without Id and Arn");
		return CD_INPUT;
	}
	pthread_rwlock_wrlock(&s->lock);
	struct emu_user *u = find_user(s, id);
	if (!u || u->deleted) {
		snprintf(err, errlen, "user '%.64s' not found", id);
		goto out;
	}
	r = CD_NOMEM;
	if (!(user = user_object(u)) || json_object_update_recursive(user, patch))
		goto out;
	json_object_set_new(user, "LastModifiedTime", json_real(bump_time(u->modified)));
	r = user_build(u, user);
	s->modified += r == CD_OK;
out:
	pthread_rwlock_unlock(&s->lock);
	json_decref(user);
	return r;
}

void emu_store_counts(struct emu_store *s, struct emu_store_counts *c)
{
	pthread_rwlock_rdlock(&s->lock);
	c->users = s->live;
	c->deleted = s->n - s->live;
	c->described = atomic_load(&s->distinct);
	c->described_again = atomic_load(&s->again);
	c->modified = s->modified;
	c->created = s->serial;
	pthread_rwlock_unlock(&s->lock);
}

void emu_store_reset_counts(struct emu_store *s)
{
	pthread_rwlock_wrlock(&s->lock);
	for (size_t i = 0; i < s->n; i++)
		atomic_store(&s->v[i].described, 0);
	atomic_store(&s->distinct, 0);
	atomic_store(&s->again, 0);
	pthread_rwlock_unlock(&s->lock);
}

/* ---- the remediation operations ---- */

enum cd_result emu_store_delete(struct emu_store *s, const char *id)
{
	enum cd_result r = CD_NOT_FOUND;
	pthread_rwlock_wrlock(&s->lock);
	struct emu_user *u = find_user(s, id);
	if (u && !u->deleted) {
		u->deleted = true;
		s->live--;
		r = CD_OK;
	}
	pthread_rwlock_unlock(&s->lock);
	return r;
}

bool emu_store_exists(struct emu_store *s, const char *id)
{
	pthread_rwlock_rdlock(&s->lock);
	struct emu_user *u = find_user(s, id);
	bool yes = u && !u->deleted;
	pthread_rwlock_unlock(&s->lock);
	return yes;
}

enum cd_result emu_store_create(struct emu_store *s, json_t *request, char id_out[37],
				char *arn_out, size_t arnlen, char *err, size_t errlen)
{
	/* CreateUserRequest members a User carries back in DescribeUser (Password is not one) */
	static const char *const copy[] = {
		"Username", "IdentityInfo", "PhoneConfig", "DirectoryUserId", "SecurityProfileIds",
		"RoutingProfileId", "HierarchyGroupId", "Tags", "AutoAcceptConfigs",
		"AfterContactWorkConfigs", "PhoneNumberConfigs", "PersistentConnectionConfigs",
		"VoiceEnhancementConfigs",
	};
	enum cd_result r = CD_NOMEM;
	const char *username = jstr(request, "Username");
	json_t *user = json_object();
	if (!user)
		return CD_NOMEM;
	pthread_rwlock_wrlock(&s->lock);
	for (size_t k = 0; k < s->n; k++)
		if (!s->v[k].deleted && !strcmp(s->v[k].username, username)) {
			snprintf(err, errlen, "User with username %.64s already exists", username);
			r = CD_INPUT;
			goto out;
		}
	char id[37], arn[512];
	do
		uuid_from(&s->rng, id);
	while (find_user(s, id));
	snprintf(arn, sizeof arn, "%s/agent/%s", s->arn, id);
	json_object_set_new(user, "Id", json_string(id));
	json_object_set_new(user, "Arn", json_string(arn));
	for (size_t i = 0; i < sizeof copy / sizeof *copy; i++) {
		json_t *v = json_object_get(request, copy[i]);
		if (v)
			json_object_set(user, copy[i], v);
	}
	json_object_set_new(user, "LastModifiedTime", json_real(wall_now()));
	json_object_set_new(user, "LastModifiedRegion", json_string(s->region));
	if ((r = push_user(s, user)) != CD_OK)
		goto out;
	s->serial++;
	memcpy(id_out, id, 37);
	snprintf(arn_out, arnlen, "%s", arn);
out:
	pthread_rwlock_unlock(&s->lock);
	json_decref(user);
	return r;
}

enum cd_result emu_store_patch_quiet(struct emu_store *s, const char *id, json_t *patch)
{
	enum cd_result r = CD_NOT_FOUND;
	json_t *user = NULL;
	pthread_rwlock_wrlock(&s->lock);
	struct emu_user *u = find_user(s, id);
	if (!u || u->deleted)
		goto out;
	r = CD_NOMEM;
	if (!json_is_object(patch) || !(user = user_object(u)) ||
	    json_object_update_recursive(user, patch))
		goto out;
	r = user_build(u, user);
out:
	pthread_rwlock_unlock(&s->lock);
	json_decref(user);
	return r;
}

enum cd_result emu_store_live_ids(struct emu_store *s, struct buf *out)
{
	pthread_rwlock_rdlock(&s->lock);
	enum cd_result r = buf_putc(out, '[');
	bool first = true;
	for (size_t k = 0; k < s->n && r == CD_OK; k++)
		if (!s->v[k].deleted)
			r = report_id(out, &first, s->v[k].id);
	if (r == CD_OK)
		r = buf_putc(out, ']');
	pthread_rwlock_unlock(&s->lock);
	return r;
}

/* ---- the ids of routing profiles, security profiles and hierarchy groups users carry ---- */

void emu_store_profile_ids(struct emu_store *s,
			   void (*fn)(void *ctx, int kind, const char *id, size_t len), void *ctx)
{
	static const char key[] = "\"SecurityProfileIds\":[";
	pthread_rwlock_rdlock(&s->lock);
	for (size_t k = 0; k < s->n; k++) {
		const struct emu_user *u = &s->v[k];
		if (u->deleted)
			continue;
		if (u->routing && *u->routing)
			fn(ctx, 0, u->routing, strlen(u->routing));
		if (u->hierarchy && *u->hierarchy)
			fn(ctx, 2, u->hierarchy, strlen(u->hierarchy));
		/* the stored text is compact JSON (json_dumps): the list is found without a parse */
		const char *p = u->describe ? strstr(u->describe, key) : NULL;
		if (!p)
			continue;
		p += sizeof key - 1;
		while (*p == '"') {
			const char *e = p + 1;
			while (*e && *e != '"' && *e != '\\')
				e++;
			if (*e != '"')
				break; /* an escape: not one of ours */
			if (e > p + 1)
				fn(ctx, 1, p + 1, (size_t)(e - p - 1));
			p = e + 1;
			if (*p == ',')
				p++;
		}
	}
	pthread_rwlock_unlock(&s->lock);
}
