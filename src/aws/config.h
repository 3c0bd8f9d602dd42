/* config.h -- ~/.aws/config and ~/.aws/credentials, profiles, region, endpoint, CA bundle. */
#ifndef CD_AWS_CONFIG_H
#define CD_AWS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include "result.h"

/* The shared config and credentials files as the AWS CLI reads them (botocore's rules):
 *   config file:      [default], [profile NAME], [sso-session NAME], [services NAME]
 *   credentials file: [NAME]; its values win over the config file's for the same profile
 *   "key = value" (keys lower-cased), '#' and ';' comment lines, indented lines continue the
 *   value above; an empty value followed by indented "sub = value" lines is a sub-section,
 *   stored as "key.sub" (how [services] and nested settings are written).
 * A repeated section or key is merged, the later value winning. */
struct aws_config;

/* Reads both files. NULL paths mean AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE, else
 * ~/.aws/config and ~/.aws/credentials; a file that does not exist is empty, one that cannot be
 * read or parsed is CD_INPUT with err naming file and line. The caller frees *out. */
enum cd_result aws_config_load(const char *config_path, const char *credentials_path,
			       struct aws_config **out, char *err, size_t errlen);

/* For tests and the fuzzer: an empty config, and parsing one file's text into it. */
struct aws_config *aws_config_new(void);
enum cd_result aws_config_parse(struct aws_config *cfg, const char *text, size_t len,
				bool credentials_file, const char *filename, char *err,
				size_t errlen);
void aws_config_free(struct aws_config *cfg);

/* Whether a profile exists in either file. */
bool aws_config_has_profile(const struct aws_config *cfg, const char *profile);
/* A profile's value ("region", "role_arn", "services", ...) or NULL. The string belongs to
 * cfg. */
const char *aws_config_get(const struct aws_config *cfg, const char *profile, const char *key);
/* The same, from one file only: the chain takes static keys from the credentials file before
 * credential_process, and from the config file after it (botocore's order). */
const char *aws_config_get_in(const struct aws_config *cfg, const char *profile, const char *key,
			      bool credentials_file);
/* A value of another kind of section: kind is "sso-session" or "services". */
const char *aws_config_section_get(const struct aws_config *cfg, const char *kind,
				   const char *name, const char *key);
/* The files it was loaded from, for messages ("" for a parsed-only config). */
const char *aws_config_file(const struct aws_config *cfg);
const char *aws_config_credentials_file(const struct aws_config *cfg);

/* What the command line says; NULL for anything not given. */
struct aws_settings_input {
	const char *profile;      /* --profile */
	const char *region;       /* --region */
	const char *endpoint_url; /* --endpoint-url */
	const char *service;      /* service id: "connect" (NULL means "connect") */
	bool region_optional;     /* do not fail when no region is set (region stays "") */
};

/* Everything the AWS layer needs to talk to one service, resolved once per run. */
struct aws_settings {
	char profile[128];          /* the profile in effect; "default" when none was named */
	bool profile_named;         /* named by --profile, AWS_PROFILE or AWS_DEFAULT_PROFILE */
	bool profile_from_cli;      /* named by --profile: the environment's keys are then skipped */
	char region[64];
	char region_source[160];    /* "--region", "AWS_REGION", "profile 'dev'" */
	char endpoint_url[1024];    /* no trailing '/' */
	char endpoint_source[160];  /* "--endpoint-url", "AWS_ENDPOINT_URL_CONNECT", "default" */
	char ca_bundle[1024];       /* "" for the system store */
	char service[32];
	struct aws_config *config;  /* owned; the credential chain reads profiles from it */
};

/* Resolves, in the AWS CLI's order:
 *   profile   --profile, AWS_PROFILE, AWS_DEFAULT_PROFILE, "default" (a named profile that is in
 *             neither file is CD_NOT_FOUND)
 *   region    --region, AWS_REGION, AWS_DEFAULT_REGION, the profile's region (none: CD_USAGE,
 *             "no AWS region set (use --region, AWS_REGION or a profile's region)")
 *   endpoint  --endpoint-url, AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, the profile's
 *             services section "<service>.endpoint_url", the profile's endpoint_url (the
 *             environment and files skipped when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS or the
 *             profile's ignore_configured_endpoint_urls is true), else the public endpoint
 *   ca bundle AWS_CA_BUNDLE, the profile's ca_bundle
 * Release with aws_settings_release. */
enum cd_result aws_settings_resolve(const struct aws_settings_input *in, struct aws_settings *out,
				    char *err, size_t errlen);
void aws_settings_release(struct aws_settings *s);

/* The endpoint of another service for the same profile (the credential chain's "sts" and
 * "sso"), by the same rules minus the command line: AWS_ENDPOINT_URL_<SERVICE>,
 * AWS_ENDPOINT_URL, the services section, the profile's endpoint_url, else the public endpoint
 * in region ("https://sts.REGION.amazonaws.com", "https://portal.sso.REGION.amazonaws.com").
 * profile may be NULL. */
enum cd_result aws_service_endpoint(const struct aws_config *cfg, const char *profile,
				    const char *service, const char *region, char *out,
				    size_t outlen, char *source, size_t sourcelen, char *err,
				    size_t errlen);

/* The public endpoint of service in region: .amazonaws.com, .amazonaws.com.cn for cn- regions;
 * fips uses the "-fips" host. CD_INPUT for a region that is not a region name. */
enum cd_result aws_default_endpoint(const char *service, const char *region, bool fips,
				    char *out, size_t outlen, char *err, size_t errlen);

/* Whether s is shaped like a region name ("us-east-1", "cn-north-1", "us-gov-west-1",
 * "eusc-de-east-1"): [a-z]{2,4}(-[a-z]+)+-[0-9]{1,3}. A new Region of that shape is valid. */
bool aws_region_valid(const char *s);
/* Whether s is one of the Regions this build knows by name (for messages only: an unknown
 * Region of the right shape is still used). */
bool aws_region_known(const char *s);

/* Whether a boolean setting (file or environment) is on: "true" in any case, as botocore reads
 * them; NULL is off. */
bool aws_truthy(const char *v);

/* "~/x" -> "$HOME/x" into out; other paths copied. */
enum cd_result aws_expand_home(const char *path, char *out, size_t outlen);

#endif
