/* sigv4.c -- AWS Signature Version 4 (canonical request, string to sign, cached signing key). */
#include "aws/sigv4.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

/* The canonical request of a Connect call is a few hundred bytes; a cap keeps a hostile header
 * list from becoming an allocation. */
#define CANON_MAX (1024 * 1024)
#define SCOPE_PART_MAX 64

static const char HEX[] = "0123456789ABCDEF";
static const char hex_lower[] = "0123456789abcdef";

static void to_hex(const unsigned char *in, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex_lower[in[i] >> 4];
		out[2 * i + 1] = hex_lower[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static bool unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.' || c == '~';
}

enum cd_result sigv4_uri_encode(struct buf *out, const char *s, size_t n, bool keep_slash)
{
	enum cd_result r = CD_OK;
	for (size_t i = 0; i < n && r == CD_OK; i++) {
		unsigned char c = (unsigned char)s[i];
		if (unreserved(c) || (keep_slash && c == '/')) {
			r = buf_putc(out, (char)c);
		} else {
			char e[3] = { '%', HEX[c >> 4], HEX[c & 15] };
			r = buf_append(out, e, 3);
		}
	}
	return r;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int sigv4_pct_byte(const char *s, size_t n)
{
	if (n < 3 || s[0] != '%' || hexval(s[1]) < 0 || hexval(s[2]) < 0)
		return -1;
	return hexval(s[1]) * 16 + hexval(s[2]);
}

/* Decodes %XX in s[0..n) and encodes the result again, so that "a%2fb", "a%2Fb" and "a/b" all
 * sign as "a%2Fb". A '%' not followed by two hex digits is taken literally (encoded as %25). '+'
 * is a literal plus, as in the SigV4 spec (it is not form encoding). */
static enum cd_result reencode(struct buf *out, const char *s, size_t n)
{
	enum cd_result r = CD_OK;
	for (size_t i = 0; i < n && r == CD_OK; i++) {
		char c = s[i];
		int v = sigv4_pct_byte(s + i, n - i);
		if (v >= 0) {
			c = (char)v;
			i += 2;
		}
		r = sigv4_uri_encode(out, &c, 1, false);
	}
	return r;
}

/* RFC 3986 5.2.4 dot-segment removal; empty segments are dropped too ("//" -> "/"), as AWS
 * services other than S3 expect and as botocore's normalize_url_path does. */
static enum cd_result canonical_path(struct buf *out, const char *path)
{
	enum cd_result r = CD_OK;
	size_t n = path ? strlen(path) : 0;
	if (n == 0)
		return buf_putc(out, '/');
	/* segment boundaries, at most n/2+1 segments */
	size_t cap = n / 2 + 2;
	size_t *start = malloc(cap * sizeof *start);
	size_t *len = malloc(cap * sizeof *len);
	size_t nseg = 0;
	if (!start || !len) {
		r = CD_NOMEM;
		goto out;
	}
	for (size_t i = 0; i <= n;) {
		size_t j = i;
		while (j < n && path[j] != '/')
			j++;
		size_t l = j - i;
		if (l == 0 || (l == 1 && path[i] == '.')) {
			/* skip */
		} else if (l == 2 && path[i] == '.' && path[i + 1] == '.') {
			if (nseg)
				nseg--;
		} else if (nseg < cap) {
			start[nseg] = i;
			len[nseg] = l;
			nseg++;
		}
		i = j + 1;
	}
	if (path[0] == '/')
		r = buf_putc(out, '/');
	for (size_t k = 0; k < nseg && r == CD_OK; k++) {
		if (k)
			r = buf_putc(out, '/');
		if (r == CD_OK)
			r = sigv4_uri_encode(out, path + start[k], len[k], false);
	}
	if (r == CD_OK && path[n - 1] == '/' && nseg)
		r = buf_putc(out, '/');
out:
	free(start);
	free(len);
	return r;
}

struct kv {
	char *key;
	char *val;
};

static int kv_cmp(const void *a, const void *b)
{
	const struct kv *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c ? c : strcmp(x->val, y->val);
}

static enum cd_result canonical_query(struct buf *out, const char *q)
{
	enum cd_result r = CD_OK;
	struct kv *pairs = NULL;
	size_t npairs = 0;
	if (!q || !*q)
		return CD_OK;
	size_t cap = 1;
	for (const char *p = q; *p; p++)
		cap += *p == '&';
	pairs = calloc(cap, sizeof *pairs);
	if (!pairs)
		return CD_NOMEM;
	for (const char *p = q; r == CD_OK;) {
		const char *amp = strchr(p, '&');
		size_t plen = amp ? (size_t)(amp - p) : strlen(p);
		const char *eq = memchr(p, '=', plen);
		size_t klen = eq ? (size_t)(eq - p) : plen;
		struct buf k = BUF_INIT(CANON_MAX), v = BUF_INIT(CANON_MAX);
		r = reencode(&k, p, klen);
		if (r == CD_OK && eq)
			r = reencode(&v, eq + 1, plen - klen - 1);
		pairs[npairs].key = buf_detach(&k, NULL);
		pairs[npairs].val = buf_detach(&v, NULL);
		npairs++;
		if (r == CD_OK && (!pairs[npairs - 1].key || !pairs[npairs - 1].val))
			r = CD_NOMEM;
		buf_release(&k);
		buf_release(&v);
		if (!amp)
			break;
		p = amp + 1;
	}
	if (r != CD_OK)
		goto out;
	qsort(pairs, npairs, sizeof *pairs, kv_cmp);
	for (size_t i = 0; i < npairs && r == CD_OK; i++)
		r = buf_printf(out, "%s%s=%s", i ? "&" : "", pairs[i].key, pairs[i].val);
out:
	for (size_t i = 0; i < npairs; i++) {
		free(pairs[i].key);
		free(pairs[i].val);
	}
	free(pairs);
	return r;
}

/* The white space Python's str.split() folds (botocore's Trimall); ASCII only, as header
 * values on the wire are. */
static bool hspace(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

struct hdr {
	char *name;        /* lower-cased */
	const char *value; /* borrowed */
	size_t order;      /* keeps repeated headers in request order */
};

static int hdr_cmp(const void *a, const void *b)
{
	const struct hdr *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	if (c)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

static bool reserved_header(const char *name)
{
	return strcasecmp(name, "host") == 0 || strcasecmp(name, "x-amz-date") == 0 ||
	       strcasecmp(name, "x-amz-security-token") == 0 ||
	       strcasecmp(name, "authorization") == 0;
}

static enum cd_result put_trimmed(struct buf *out, const char *v)
{
	enum cd_result r = CD_OK;
	bool pending_space = false, any = false;
	for (const unsigned char *p = (const unsigned char *)v; *p && r == CD_OK; p++) {
		if (hspace(*p)) {
			pending_space = any;
			continue;
		}
		if (pending_space)
			r = buf_putc(out, ' ');
		if (r == CD_OK)
			r = buf_putc(out, (char)*p);
		pending_space = false;
		any = true;
	}
	return r;
}

/* Writes the canonical headers block (with its trailing blank line) to out and the signed
 * header list to signed_list. */
static enum cd_result canonical_headers(const struct sigv4_request *req, const char *amz_date,
					const char *token, struct buf *out,
					struct buf *signed_list)
{
	enum cd_result r = CD_OK;
	size_t cap = req->nheaders + 3, n = 0;
	struct hdr *h = calloc(cap, sizeof *h);
	if (!h)
		return CD_NOMEM;
	const char *fixed_names[3] = { "host", "x-amz-date", "x-amz-security-token" };
	const char *fixed_values[3] = { req->host, amz_date, token };
	for (size_t i = 0; i < 3; i++) {
		if (!fixed_values[i] || (i == 2 && !*fixed_values[i]))
			continue;
		h[n].name = strdup(fixed_names[i]);
		h[n].value = fixed_values[i];
		h[n].order = n;
		if (!h[n++].name) {
			r = CD_NOMEM;
			goto out;
		}
	}
	for (size_t i = 0; i < req->nheaders; i++) {
		const struct sigv4_header *x = &req->headers[i];
		if (!x->name || !x->value || reserved_header(x->name))
			continue;
		char *lname = strdup(x->name);
		if (!lname) {
			r = CD_NOMEM;
			goto out;
		}
		for (char *p = lname; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		h[n].name = lname;
		h[n].value = x->value;
		h[n].order = n;
		n++;
	}
	qsort(h, n, sizeof *h, hdr_cmp);
	for (size_t i = 0; i < n && r == CD_OK; i++) {
		bool same = i > 0 && strcmp(h[i].name, h[i - 1].name) == 0;
		if (same) {
			r = buf_putc(out, ',');
		} else {
			if (i)
				r = buf_putc(out, '\n');
			if (r == CD_OK)
				r = buf_printf(out, "%s:", h[i].name);
			if (r == CD_OK)
				r = buf_printf(signed_list, "%s%s", i ? ";" : "", h[i].name);
		}
		if (r == CD_OK)
			r = put_trimmed(out, h[i].value);
	}
	if (r == CD_OK)
		r = buf_puts(out, "\n");
out:
	for (size_t i = 0; i < n; i++)
		free(h[i].name);
	free(h);
	return r;
}

static void sha256_hex(const void *p, size_t n, char out[65])
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	SHA256(p ? p : (const void *)"", n, md);
	to_hex(md, sizeof md, out);
}

static enum cd_result canonical_request(const struct sigv4_request *req, const char *amz_date,
					const char *token, const char *payload_hash,
					struct buf *out, struct buf *signed_list)
{
	enum cd_result r = buf_printf(out, "%s\n", req->method);
	if (r == CD_OK)
		r = canonical_path(out, req->path);
	if (r == CD_OK)
		r = buf_putc(out, '\n');
	if (r == CD_OK)
		r = canonical_query(out, req->query);
	if (r == CD_OK)
		r = buf_putc(out, '\n');
	if (r == CD_OK)
		r = canonical_headers(req, amz_date, token, out, signed_list);
	if (r == CD_OK)
		r = buf_printf(out, "\n%s\n%s", buf_str(signed_list), payload_hash);
	return r;
}

enum cd_result sigv4_canonical_request(const struct sigv4_request *req, const char *amz_date,
				       const char *session_token, struct buf *out)
{
	char payload_hash[65];
	struct buf signed_list = BUF_INIT(CANON_MAX);
	sha256_hex(req->body, req->body_len, payload_hash);
	enum cd_result r = canonical_request(req, amz_date, session_token, payload_hash, out,
					     &signed_list);
	buf_release(&signed_list);
	return r;
}

bool sigv4_parse_amz_date(const char *s, time_t *out)
{
	if (!s || strlen(s) != 16 || s[8] != 'T' || s[15] != 'Z')
		return false;
	int v[6];
	const int off[6] = { 0, 4, 6, 9, 11, 13 }, width[6] = { 4, 2, 2, 2, 2, 2 };
	for (int i = 0; i < 6; i++) {
		v[i] = 0;
		for (int j = 0; j < width[i]; j++) {
			char c = s[off[i] + j];
			if (c < '0' || c > '9')
				return false;
			v[i] = v[i] * 10 + (c - '0');
		}
	}
	if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 || v[4] > 59 || v[5] > 60)
		return false;
	struct tm tm = { 0 };
	tm.tm_year = v[0] - 1900;
	tm.tm_mon = v[1] - 1;
	tm.tm_mday = v[2];
	tm.tm_hour = v[3];
	tm.tm_min = v[4];
	tm.tm_sec = v[5];
	*out = timegm(&tm);
	return true;
}

/* Signing-key cache. Entries are found by a hash of the secret, never the secret itself, so a
 * core dump of the cache shows derived keys that expire with the day. */
struct key_entry {
	bool used;
	unsigned char secret_hash[SHA256_DIGEST_LENGTH];
	char date[9];
	char region[SCOPE_PART_MAX];
	char service[SCOPE_PART_MAX];
	unsigned char key[SHA256_DIGEST_LENGTH];
};

#define KEY_CACHE_SIZE 8
static struct key_entry key_cache[KEY_CACHE_SIZE];
static size_t key_cache_next;
static pthread_mutex_t key_cache_lock = PTHREAD_MUTEX_INITIALIZER;

static bool hmac(const void *key, size_t keylen, const void *msg, size_t msglen,
		 unsigned char out[SHA256_DIGEST_LENGTH])
{
	unsigned int len = SHA256_DIGEST_LENGTH;
	return HMAC(EVP_sha256(), key, (int)keylen, msg, msglen, out, &len) != NULL;
}

static enum cd_result signing_key(const char *secret, const char *date, const char *region,
				  const char *service, unsigned char key[SHA256_DIGEST_LENGTH])
{
	enum cd_result r = CD_OK;
	unsigned char sh[SHA256_DIGEST_LENGTH];
	SHA256((const unsigned char *)secret, strlen(secret), sh);
	pthread_mutex_lock(&key_cache_lock);
	for (size_t i = 0; i < KEY_CACHE_SIZE; i++) {
		struct key_entry *e = &key_cache[i];
		if (e->used && memcmp(e->secret_hash, sh, sizeof sh) == 0 &&
		    strcmp(e->date, date) == 0 && strcmp(e->region, region) == 0 &&
		    strcmp(e->service, service) == 0) {
			memcpy(key, e->key, SHA256_DIGEST_LENGTH);
			goto out;
		}
	}
	/* derive: kDate = HMAC("AWS4" + secret, date), then region, service, "aws4_request" */
	size_t slen = strlen(secret);
	char *k0 = malloc(slen + 5);
	if (!k0) {
		r = CD_NOMEM;
		goto out;
	}
	memcpy(k0, "AWS4", 4);
	memcpy(k0 + 4, secret, slen + 1);
	unsigned char a[SHA256_DIGEST_LENGTH], b[SHA256_DIGEST_LENGTH];
	bool ok = hmac(k0, slen + 4, date, strlen(date), a) &&
		  hmac(a, sizeof a, region, strlen(region), b) &&
		  hmac(b, sizeof b, service, strlen(service), a) &&
		  hmac(a, sizeof a, "aws4_request", 12, key);
	OPENSSL_cleanse(k0, slen + 4);
	free(k0);
	OPENSSL_cleanse(a, sizeof a);
	OPENSSL_cleanse(b, sizeof b);
	if (!ok) {
		r = CD_INTERNAL;
		goto out;
	}
	struct key_entry *e = &key_cache[key_cache_next];
	key_cache_next = (key_cache_next + 1) % KEY_CACHE_SIZE;
	e->used = true;
	memcpy(e->secret_hash, sh, sizeof sh);
	snprintf(e->date, sizeof e->date, "%s", date);
	snprintf(e->region, sizeof e->region, "%s", region);
	snprintf(e->service, sizeof e->service, "%s", service);
	memcpy(e->key, key, SHA256_DIGEST_LENGTH);
out:
	pthread_mutex_unlock(&key_cache_lock);
	return r;
}

/* A scope part goes into the credential scope and the cache key: keep it to the characters
 * regions and service names are made of. */
static bool scope_part_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n >= SCOPE_PART_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
		      (s[i] >= 'A' && s[i] <= 'Z') || s[i] == '_' || s[i] == '.'))
			return false;
	return true;
}

enum cd_result sigv4_sign(const struct sigv4_request *req, const struct sigv4_creds *creds,
			  struct sigv4_signed *out, char *err, size_t errlen)
{
	enum cd_result r = CD_OK;
	struct buf canon = BUF_INIT(CANON_MAX), signed_list = BUF_INIT(CANON_MAX);
	struct buf sts = BUF_INIT(CANON_MAX);
	unsigned char key[SHA256_DIGEST_LENGTH], sig[SHA256_DIGEST_LENGTH];
	memset(out, 0, sizeof *out);
	if (!req || !req->method || !*req->method || !req->host || !*req->host ||
	    (req->body_len && !req->body)) {
		snprintf(err, errlen, "sigv4: incomplete request");
		r = CD_INTERNAL;
		goto out;
	}
	if (!scope_part_ok(req->region) || !scope_part_ok(req->service)) {
		snprintf(err, errlen, "sigv4: bad region '%s' or service '%s'",
			 req->region ? req->region : "", req->service ? req->service : "");
		r = CD_INPUT;
		goto out;
	}
	if (!creds || !creds->access_key_id || !*creds->access_key_id ||
	    !creds->secret_access_key || !*creds->secret_access_key) {
		snprintf(err, errlen, "sigv4: no credentials to sign with");
		r = CD_AUTH;
		goto out;
	}
	struct tm tm;
	if (!gmtime_r(&req->when, &tm) ||
	    strftime(out->amz_date, sizeof out->amz_date, "%Y%m%dT%H%M%SZ", &tm) != 16) {
		snprintf(err, errlen, "sigv4: bad signing time");
		r = CD_INTERNAL;
		goto out;
	}
	char date[9];
	memcpy(date, out->amz_date, 8);
	date[8] = '\0';
	sha256_hex(req->body, req->body_len, out->payload_hash);
	r = canonical_request(req, out->amz_date, creds->session_token, out->payload_hash, &canon,
			      &signed_list);
	if (r != CD_OK) {
		snprintf(err, errlen, "sigv4: cannot build the canonical request (%s)",
			 result_name(r));
		goto out;
	}
	char canon_hash[65];
	sha256_hex(canon.data, canon.len, canon_hash);
	r = buf_printf(&sts, "AWS4-HMAC-SHA256\n%s\n%s/%s/%s/aws4_request\n%s", out->amz_date, date,
		       req->region, req->service, canon_hash);
	if (r == CD_OK)
		r = signing_key(creds->secret_access_key, date, req->region, req->service, key);
	if (r == CD_OK && !hmac(key, sizeof key, sts.data, sts.len, sig))
		r = CD_INTERNAL;
	if (r != CD_OK) {
		snprintf(err, errlen, "sigv4: signing failed (%s)", result_name(r));
		goto out;
	}
	to_hex(sig, sizeof sig, out->signature);
	int n = snprintf(out->authorization, sizeof out->authorization,
			 "AWS4-HMAC-SHA256 Credential=%s/%s/%s/%s/aws4_request, SignedHeaders=%s, "
			 "Signature=%s",
			 creds->access_key_id, date, req->region, req->service,
			 buf_str(&signed_list), out->signature);
	if (n < 0 || (size_t)n >= sizeof out->authorization) {
		snprintf(err, errlen, "sigv4: authorization header longer than %zu bytes",
			 sizeof out->authorization - 1);
		memset(out->authorization, 0, sizeof out->authorization);
		r = CD_TOOBIG;
	}
out:
	OPENSSL_cleanse(key, sizeof key);
	buf_release(&canon);
	buf_release(&signed_list);
	buf_release(&sts);
	return r;
}
