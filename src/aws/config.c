/* config.c -- ~/.aws/config and ~/.aws/credentials, profiles, region, endpoint, CA bundle. */
#include "aws/config.h"

#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "grow.h"

/* A shared config file is a few kilobytes; anything past this is not one. */
#define CONFIG_MAX_BYTES (1024 * 1024)
/* Every entry takes at least three bytes of a file ("k=" and a newline) and there are two files:
 * no real pair of files comes near this. */
#define CONFIG_MAX_ENTRIES ((size_t)CONFIG_MAX_BYTES)

enum section_kind { SEC_PROFILE, SEC_SSO_SESSION, SEC_SERVICES, SEC_OTHER };

struct entry {
	enum section_kind kind;
	char *section;   /* profile / session / services name */
	char *key;       /* lower-cased; "parent.sub" for sub-section values */
	char *value;
	bool from_credentials;
};

struct aws_config {
	struct entry *e;
	size_t n, cap;
	char *config_file;
	char *credentials_file;
};

struct aws_config *aws_config_new(void)
{
	return calloc(1, sizeof(struct aws_config));
}

void aws_config_free(struct aws_config *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < cfg->n; i++) {
		free(cfg->e[i].section);
		free(cfg->e[i].key);
		free(cfg->e[i].value);
	}
	free(cfg->e);
	free(cfg->config_file);
	free(cfg->credentials_file);
	free(cfg);
}

static char *dupn(const char *s, size_t n)
{
	char *p = malloc(n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

static void trim(const char **s, size_t *n)
{
	while (*n && isspace((unsigned char)**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && isspace((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

static enum cd_result add_entry(struct aws_config *cfg, enum section_kind kind,
				const char *section, const char *key, size_t klen,
				const char *value, size_t vlen, bool from_credentials)
{
	enum cd_result r = ARRAY_GROW(cfg->e, cfg->n + 1, cfg->cap, CONFIG_MAX_ENTRIES);
	if (r != CD_OK)
		return r;
	struct entry *e = &cfg->e[cfg->n];
	e->kind = kind;
	e->section = strdup(section);
	e->key = dupn(key, klen);
	e->value = dupn(value, vlen);
	e->from_credentials = from_credentials;
	if (!e->section || !e->key || !e->value) {
		free(e->section);
		free(e->key);
		free(e->value);
		return CD_NOMEM;
	}
	for (char *p = e->key; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	cfg->n++;
	return CD_OK;
}

/* The last entry's value grows by a continuation line. */
static enum cd_result append_value(struct aws_config *cfg, const char *s, size_t n)
{
	struct entry *e = &cfg->e[cfg->n - 1];
	size_t old = strlen(e->value);
	char *v = realloc(e->value, old + n + 2);
	if (!v)
		return CD_NOMEM;
	if (old)
		v[old++] = '\n';
	memcpy(v + old, s, n);
	v[old + n] = '\0';
	e->value = v;
	return CD_OK;
}

enum cd_result aws_config_parse(struct aws_config *cfg, const char *text, size_t len,
				bool credentials_file, const char *filename, char *err,
				size_t errlen)
{
	enum cd_result r = CD_OK;
	char section[256] = "";
	enum section_kind kind = SEC_OTHER;
	bool in_section = false;
	/* the key of the last "key =" with an empty value: indented lines below it are its
	 * sub-section */
	char parent[128] = "";
	bool last_is_entry = false;
	size_t lineno = 0;
	const char *fname = filename && *filename ? filename : "config";
	for (size_t pos = 0; pos < len && r == CD_OK;) {
		const char *line = text + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;
		pos += n + (nl ? 1 : 0);
		lineno++;
		if (memchr(line, '\0', n)) {
			snprintf(err, errlen, "'%s' line %zu: unexpected NUL byte", fname, lineno);
			r = CD_INPUT;
			break;
		}
		bool indented = n && (line[0] == ' ' || line[0] == '\t');
		const char *s = line;
		size_t sn = n;
		trim(&s, &sn);
		if (sn == 0 || s[0] == '#' || s[0] == ';')
			continue;
		if (indented && in_section && last_is_entry) {
			const char *eq = memchr(s, '=', sn);
			if (parent[0] && eq) {
				const char *k = s, *v = eq + 1;
				size_t kn = (size_t)(eq - s), vn = sn - kn - 1;
				trim(&k, &kn);
				trim(&v, &vn);
				char full[256];
				int fl = snprintf(full, sizeof full, "%s.%.*s", parent, (int)kn, k);
				if (fl < 0 || (size_t)fl >= sizeof full || kn == 0) {
					snprintf(err, errlen, "'%s' line %zu: bad sub-setting", fname,
						 lineno);
					r = CD_INPUT;
					break;
				}
				r = add_entry(cfg, kind, section, full, (size_t)fl, v, vn,
					      credentials_file);
			} else {
				parent[0] = '\0';
				r = append_value(cfg, s, sn);
			}
			continue;
		}
		if (s[0] == '[') {
			if (s[sn - 1] != ']') {
				snprintf(err, errlen, "'%s' line %zu: section header without ']'",
					 fname, lineno);
				r = CD_INPUT;
				break;
			}
			const char *name = s + 1;
			size_t nn = sn - 2;
			trim(&name, &nn);
			kind = SEC_PROFILE;
			if (!credentials_file) {
				/* config file: [default], [profile X], [sso-session X], [services X] */
				static const struct { const char *p; enum section_kind k; } pre[] = {
					{ "profile", SEC_PROFILE },
					{ "sso-session", SEC_SSO_SESSION },
					{ "services", SEC_SERVICES },
				};
				kind = SEC_OTHER;
				for (size_t i = 0; i < 3; i++) {
					size_t pl = strlen(pre[i].p);
					if (nn > pl && strncmp(name, pre[i].p, pl) == 0 &&
					    isspace((unsigned char)name[pl])) {
						kind = pre[i].k;
						name += pl;
						nn -= pl;
						trim(&name, &nn);
						break;
					}
				}
				if (kind == SEC_OTHER && nn == 7 && strncmp(name, "default", 7) == 0)
					kind = SEC_PROFILE;
			}
			if (nn == 0 || nn >= sizeof section) {
				snprintf(err, errlen, "'%s' line %zu: bad section name", fname, lineno);
				r = CD_INPUT;
				break;
			}
			memcpy(section, name, nn);
			section[nn] = '\0';
			in_section = true;
			last_is_entry = false;
			parent[0] = '\0';
			continue;
		}
		const char *eq = memchr(s, '=', sn);
		if (!in_section || !eq) {
			snprintf(err, errlen, "'%s' line %zu: %s", fname, lineno,
				 in_section ? "expected 'key = value'" : "setting before any [section]");
			r = CD_INPUT;
			break;
		}
		const char *k = s, *v = eq + 1;
		size_t kn = (size_t)(eq - s), vn = sn - kn - 1;
		trim(&k, &kn);
		trim(&v, &vn);
		if (kn == 0 || kn >= sizeof parent) {
			snprintf(err, errlen, "'%s' line %zu: expected 'key = value'", fname, lineno);
			r = CD_INPUT;
			break;
		}
		r = add_entry(cfg, kind, section, k, kn, v, vn, credentials_file);
		last_is_entry = true;
		if (vn == 0) {
			memcpy(parent, k, kn);
			parent[kn] = '\0';
			for (char *p = parent; *p; p++)
				*p = (char)tolower((unsigned char)*p);
		} else {
			parent[0] = '\0';
		}
	}
	if (r == CD_NOMEM) {
		snprintf(err, errlen, "out of memory reading '%s'", fname);
	} else if (r == CD_TOOBIG) {
		snprintf(err, errlen, "'%s' has more than %zu settings", fname, CONFIG_MAX_ENTRIES);
		r = CD_INPUT;
	}
	return r;
}

static const char *lookup(const struct aws_config *cfg, enum section_kind kind, const char *name,
			  const char *key, int from_credentials /* -1 any */)
{
	if (!cfg || !name || !key)
		return NULL;
	for (size_t i = cfg->n; i-- > 0;) {
		const struct entry *e = &cfg->e[i];
		if (e->kind == kind && (from_credentials < 0 || e->from_credentials == from_credentials) &&
		    strcmp(e->section, name) == 0 && strcasecmp(e->key, key) == 0)
			return e->value;
	}
	return NULL;
}

const char *aws_config_get(const struct aws_config *cfg, const char *profile, const char *key)
{
	const char *v = lookup(cfg, SEC_PROFILE, profile, key, 1);
	return v ? v : lookup(cfg, SEC_PROFILE, profile, key, 0);
}

const char *aws_config_get_in(const struct aws_config *cfg, const char *profile, const char *key,
			      bool credentials_file)
{
	return lookup(cfg, SEC_PROFILE, profile, key, credentials_file ? 1 : 0);
}

const char *aws_config_section_get(const struct aws_config *cfg, const char *kind,
				   const char *name, const char *key)
{
	enum section_kind k = SEC_OTHER;
	if (kind && strcmp(kind, "sso-session") == 0)
		k = SEC_SSO_SESSION;
	else if (kind && strcmp(kind, "services") == 0)
		k = SEC_SERVICES;
	else if (kind && strcmp(kind, "profile") == 0)
		k = SEC_PROFILE;
	return k == SEC_OTHER ? NULL : lookup(cfg, k, name, key, -1);
}

bool aws_config_has_profile(const struct aws_config *cfg, const char *profile)
{
	if (!cfg || !profile)
		return false;
	for (size_t i = 0; i < cfg->n; i++)
		if (cfg->e[i].kind == SEC_PROFILE && strcmp(cfg->e[i].section, profile) == 0)
			return true;
	return false;
}

const char *aws_config_file(const struct aws_config *cfg)
{
	return cfg && cfg->config_file ? cfg->config_file : "";
}

const char *aws_config_credentials_file(const struct aws_config *cfg)
{
	return cfg && cfg->credentials_file ? cfg->credentials_file : "";
}

static const char *home_dir(void)
{
	const char *h = getenv("HOME");
	if (h && *h)
		return h;
	struct passwd *pw = getpwuid(getuid());
	return pw && pw->pw_dir ? pw->pw_dir : "";
}

enum cd_result aws_expand_home(const char *path, char *out, size_t outlen)
{
	int n;
	if (path[0] == '~' && (path[1] == '/' || path[1] == '\0'))
		n = snprintf(out, outlen, "%s%s", home_dir(), path + 1);
	else
		n = snprintf(out, outlen, "%s", path);
	return n < 0 || (size_t)n >= outlen ? CD_TOOBIG : CD_OK;
}

static enum cd_result load_file(struct aws_config *cfg, const char *path, bool credentials,
				char *err, size_t errlen)
{
	enum cd_result r = CD_OK;
	struct buf b = BUF_INIT(CONFIG_MAX_BYTES);
	FILE *f = fopen(path, "r");
	if (!f) {
		if (errno == ENOENT || errno == ENOTDIR)
			return CD_OK; /* no file is an empty file, as for the AWS CLI */
		snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
		return CD_INPUT;
	}
	char chunk[8192];
	size_t n;
	while (r == CD_OK && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
		r = buf_append(&b, chunk, n);
	if (r == CD_TOOBIG) {
		snprintf(err, errlen, "'%s' is larger than %d bytes", path, CONFIG_MAX_BYTES);
		r = CD_INPUT;
	} else if (r == CD_OK && ferror(f)) {
		snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
		r = CD_INPUT;
	} else if (r == CD_OK) {
		r = aws_config_parse(cfg, buf_str(&b), b.len, credentials, path, err, errlen);
	}
	fclose(f);
	buf_release(&b);
	return r;
}

enum cd_result aws_config_load(const char *config_path, const char *credentials_path,
			       struct aws_config **out, char *err, size_t errlen)
{
	enum cd_result r = CD_OK;
	char cpath[4096], kpath[4096];
	struct aws_config *cfg = aws_config_new();
	*out = NULL;
	if (!cfg)
		return CD_NOMEM;
	if (!config_path)
		config_path = getenv("AWS_CONFIG_FILE");
	if (!config_path || !*config_path)
		config_path = "~/.aws/config";
	if (!credentials_path)
		credentials_path = getenv("AWS_SHARED_CREDENTIALS_FILE");
	if (!credentials_path || !*credentials_path)
		credentials_path = "~/.aws/credentials";
	if (aws_expand_home(config_path, cpath, sizeof cpath) != CD_OK ||
	    aws_expand_home(credentials_path, kpath, sizeof kpath) != CD_OK) {
		snprintf(err, errlen, "AWS config file path is too long");
		r = CD_INPUT;
		goto out;
	}
	cfg->config_file = strdup(cpath);
	cfg->credentials_file = strdup(kpath);
	if (!cfg->config_file || !cfg->credentials_file) {
		r = CD_NOMEM;
		goto out;
	}
	r = load_file(cfg, cpath, false, err, errlen);
	if (r == CD_OK)
		r = load_file(cfg, kpath, true, err, errlen);
out:
	if (r != CD_OK)
		aws_config_free(cfg);
	else
		*out = cfg;
	return r;
}

/* The shape of every AWS Region name: a 2-4 letter area ("us", "eu", "ap", "eusc"), one or more
 * words ("gov-west", "southeast", "isob-east") and a number: [a-z]{2,4}(-[a-z]+)+-[0-9]{1,3}.
 * Only the shape: AWS adds Regions, and a new one must work without a new connect-dupes. */
bool aws_region_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0, i = 0, words = 0;
	if (n < 6 || n > 40)
		return false;
	while (i < n && s[i] >= 'a' && s[i] <= 'z')
		i++;
	if (i < 2 || i > 4)
		return false;
	for (;;) {
		if (i >= n || s[i] != '-')
			return false;
		size_t start = ++i;
		if (i < n && s[i] >= 'a' && s[i] <= 'z') {
			while (i < n && s[i] >= 'a' && s[i] <= 'z')
				i++;
			words++;
			continue;
		}
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		return words >= 1 && i == n && i - start >= 1 && i - start <= 3;
	}
}

/* The Regions AWS had announced when this was written (every partition). Only for messages:
 * "not a known AWS Region" when the endpoint of one does not resolve either. */
static const char *const known_regions[] = {
	"af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2",
	"ap-northeast-3", "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2",
	"ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7",
	"ca-central-1", "ca-west-1", "cn-north-1", "cn-northwest-1", "eu-central-1",
	"eu-central-2", "eu-isoe-west-1", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1",
	"eu-west-2", "eu-west-3", "eusc-de-east-1", "il-central-1", "me-central-1", "me-south-1",
	"mx-central-1", "sa-east-1", "us-east-1", "us-east-2", "us-gov-east-1", "us-gov-west-1",
	"us-iso-east-1", "us-iso-west-1", "us-isob-east-1", "us-isof-east-1", "us-isof-south-1",
	"us-west-1", "us-west-2",
};

bool aws_region_known(const char *s)
{
	for (size_t i = 0; s && i < sizeof known_regions / sizeof known_regions[0]; i++)
		if (strcmp(s, known_regions[i]) == 0)
			return true;
	return false;
}

enum cd_result aws_default_endpoint(const char *service, const char *region, bool fips,
				    char *out, size_t outlen, char *err, size_t errlen)
{
	if (!aws_region_valid(region)) {
		snprintf(err, errlen, "'%s' is not an AWS region name", region ? region : "");
		return CD_INPUT;
	}
	const char *domain = strncmp(region, "cn-", 3) == 0 ? "amazonaws.com.cn" : "amazonaws.com";
	int n;
	if (strcmp(service, "sso") == 0)
		n = snprintf(out, outlen, "https://portal.sso.%s.%s", region, domain);
	else if (strcmp(service, "sso-oidc") == 0)
		n = snprintf(out, outlen, "https://oidc.%s.%s", region, domain);
	else if (strcmp(service, "service_quotas") == 0) /* service id "Service Quotas" */
		n = snprintf(out, outlen, "https://servicequotas%s.%s.%s", fips ? "-fips" : "", region,
			     domain);
	else
		n = snprintf(out, outlen, "https://%s%s.%s.%s", service, fips ? "-fips" : "", region,
			     domain);
	return n < 0 || (size_t)n >= outlen ? CD_TOOBIG : CD_OK;
}

bool aws_truthy(const char *v)
{
	return v && strcasecmp(v, "true") == 0;
}

/* "connect" -> "AWS_ENDPOINT_URL_CONNECT" (the service id upper-cased, '-' and ' ' as '_'). */
static void endpoint_env_name(const char *service, char *out, size_t outlen)
{
	int n = snprintf(out, outlen, "AWS_ENDPOINT_URL_%s", service);
	for (int i = 17; n > 0 && i < n && (size_t)i < outlen; i++) {
		char c = out[i];
		out[i] = c == '-' || c == ' ' ? '_' : (char)toupper((unsigned char)c);
	}
}

static enum cd_result set_url(char *out, size_t outlen, const char *url, char *source,
			      size_t sourcelen, const char *src, char *err, size_t errlen)
{
	size_t n = strlen(url);
	while (n && url[n - 1] == '/')
		n--;
	if (!(strncmp(url, "https://", 8) == 0 || strncmp(url, "http://", 7) == 0) || n < 9 ||
	    n >= outlen || strpbrk(url, " \t\r\n")) {
		snprintf(err, errlen, "endpoint '%.200s' from %s is not an http(s) URL", url, src);
		return CD_INPUT;
	}
	memcpy(out, url, n);
	out[n] = '\0';
	snprintf(source, sourcelen, "%s", src);
	return CD_OK;
}

enum cd_result aws_service_endpoint(const struct aws_config *cfg, const char *profile,
				    const char *service, const char *region, char *out,
				    size_t outlen, char *source, size_t sourcelen, char *err,
				    size_t errlen)
{
	char envname[96], src[160];
	const char *v;
	bool ignore = aws_truthy(getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")) ||
		      aws_truthy(aws_config_get(cfg, profile, "ignore_configured_endpoint_urls"));
	if (!ignore) {
		endpoint_env_name(service, envname, sizeof envname);
		if ((v = getenv(envname)) && *v)
			return set_url(out, outlen, v, source, sourcelen, envname, err, errlen);
		if ((v = getenv("AWS_ENDPOINT_URL")) && *v)
			return set_url(out, outlen, v, source, sourcelen, "AWS_ENDPOINT_URL", err,
				       errlen);
		const char *services = aws_config_get(cfg, profile, "services");
		if (services) {
			char key[96];
			snprintf(key, sizeof key, "%s.endpoint_url", service);
			if ((v = aws_config_section_get(cfg, "services", services, key)) && *v) {
				snprintf(src, sizeof src, "services '%s' of profile '%s'", services,
					 profile);
				return set_url(out, outlen, v, source, sourcelen, src, err, errlen);
			}
		}
		if ((v = aws_config_get(cfg, profile, "endpoint_url")) && *v) {
			snprintf(src, sizeof src, "endpoint_url of profile '%s'", profile);
			return set_url(out, outlen, v, source, sourcelen, src, err, errlen);
		}
	}
	const char *fv = getenv("AWS_USE_FIPS_ENDPOINT");
	bool fips = fv && *fv ? aws_truthy(fv)
			      : aws_truthy(aws_config_get(cfg, profile, "use_fips_endpoint"));
	enum cd_result r = aws_default_endpoint(service, region, fips, out, outlen, err, errlen);
	if (r == CD_OK)
		snprintf(source, sourcelen, "default");
	return r;
}

void aws_settings_release(struct aws_settings *s)
{
	if (s) {
		aws_config_free(s->config);
		s->config = NULL;
	}
}

enum cd_result aws_settings_resolve(const struct aws_settings_input *in, struct aws_settings *out,
				    char *err, size_t errlen)
{
	enum cd_result r = CD_OK;
	const char *v;
	memset(out, 0, sizeof *out);
	snprintf(out->service, sizeof out->service, "%s", in && in->service ? in->service : "connect");
	r = aws_config_load(NULL, NULL, &out->config, err, errlen);
	if (r != CD_OK)
		goto out;

	const char *profile = NULL;
	if (in && in->profile && *in->profile) {
		profile = in->profile;
		out->profile_from_cli = true;
	} else if ((v = getenv("AWS_PROFILE")) && *v) {
		profile = v;
	} else if ((v = getenv("AWS_DEFAULT_PROFILE")) && *v) {
		profile = v;
	}
	out->profile_named = profile != NULL;
	if (!profile)
		profile = "default";
	if ((size_t)snprintf(out->profile, sizeof out->profile, "%s", profile) >= sizeof out->profile) {
		snprintf(err, errlen, "profile name '%.40s...' is too long", profile);
		r = CD_USAGE;
		goto out;
	}
	if (out->profile_named && !aws_config_has_profile(out->config, profile)) {
		snprintf(err, errlen, "the AWS profile '%s' is not in '%s' or '%s'", profile,
			 aws_config_file(out->config), aws_config_credentials_file(out->config));
		r = CD_NOT_FOUND;
		goto out;
	}

	char pdesc[160];
	snprintf(pdesc, sizeof pdesc, "profile '%s'", profile);
	const char *region = NULL, *rsrc = NULL;
	if (in && in->region && *in->region) {
		region = in->region;
		rsrc = "--region";
	} else if ((v = getenv("AWS_REGION")) && *v) {
		region = v;
		rsrc = "AWS_REGION";
	} else if ((v = getenv("AWS_DEFAULT_REGION")) && *v) {
		region = v;
		rsrc = "AWS_DEFAULT_REGION";
	} else if ((v = aws_config_get(out->config, profile, "region")) && *v) {
		region = v;
		rsrc = pdesc;
	}
	if (!region) {
		if (in && in->region_optional)
			goto endpoint;
		snprintf(err, errlen,
			 "no AWS region set (use --region, AWS_REGION or the region of profile '%s')",
			 profile);
		r = CD_USAGE;
		goto out;
	}
	if (!aws_region_valid(region)) {
		snprintf(err, errlen, "'%.60s' from %s is not an AWS region name (such as "
			 "'eu-west-2'): check %s", region, rsrc, rsrc);
		r = CD_USAGE;
		goto out;
	}
	snprintf(out->region, sizeof out->region, "%s", region);
	snprintf(out->region_source, sizeof out->region_source, "%s", rsrc);

endpoint:
	if (in && in->endpoint_url && *in->endpoint_url) {
		r = set_url(out->endpoint_url, sizeof out->endpoint_url, in->endpoint_url,
			    out->endpoint_source, sizeof out->endpoint_source, "--endpoint-url", err,
			    errlen);
		if (r != CD_OK)
			r = CD_USAGE;
	} else if (out->region[0]) {
		r = aws_service_endpoint(out->config, profile, out->service, out->region,
					 out->endpoint_url, sizeof out->endpoint_url,
					 out->endpoint_source, sizeof out->endpoint_source, err,
					 errlen);
	} else {
		/* no region: an endpoint can still be configured explicitly */
		char tmp[160];
		enum cd_result e = aws_service_endpoint(out->config, profile, out->service, "x-none-0",
							out->endpoint_url,
							sizeof out->endpoint_url,
							out->endpoint_source,
							sizeof out->endpoint_source, tmp,
							sizeof tmp);
		if (e != CD_OK || strcmp(out->endpoint_source, "default") == 0) {
			out->endpoint_url[0] = '\0';
			out->endpoint_source[0] = '\0';
		}
	}
	if (r != CD_OK)
		goto out;

	if ((v = getenv("AWS_CA_BUNDLE")) && *v) {
		r = aws_expand_home(v, out->ca_bundle, sizeof out->ca_bundle);
	} else if ((v = aws_config_get(out->config, profile, "ca_bundle")) && *v) {
		r = aws_expand_home(v, out->ca_bundle, sizeof out->ca_bundle);
	}
	if (r != CD_OK) {
		snprintf(err, errlen, "CA bundle path is too long");
		r = CD_USAGE;
	}
out:
	if (r != CD_OK)
		aws_settings_release(out);
	return r;
}
