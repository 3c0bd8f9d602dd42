/* whoami.c -- `connect-dupes whoami`: which credentials, region and endpoint a scan would use. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "aws/config.h"
#include "aws/creds.h"
#include "cmd/commands.h"
#include "log.h"

enum { OPT_CHECK = 1, OPT_ENDPOINT, OPT_PROFILE, OPT_QUIET, OPT_REGION, OPT_VERBOSE };

static const struct cli_opt whoami_opts[] = {
	{ "check", 0, NULL, OPT_CHECK,
	  "also ask STS who the credentials belong to (GetCallerIdentity; needs no permission)" },
	{ "endpoint-url", 0, "URL", OPT_ENDPOINT,
	  "Connect endpoint (default from the environment, profile or region)" },
	{ "profile", 0, "NAME", OPT_PROFILE, "AWS profile (default AWS_PROFILE, else 'default')" },
	{ "quiet", 'q', NULL, OPT_QUIET, "print nothing but errors and the report" },
	{ "region", 0, "REGION", OPT_REGION,
	  "AWS region (default AWS_REGION, AWS_DEFAULT_REGION, the profile's)" },
	{ "verbose", 'v', NULL, OPT_VERBOSE, "print debugging detail too" },
};

struct whoami_args {
	struct aws_settings_input in;
	enum log_level level;
	bool check;
};

static enum cd_result whoami_opt(void *ctx, int id, const char *arg, char *err, size_t errlen)
{
	struct whoami_args *a = ctx;
	switch (id) {
	case OPT_CHECK: a->check = true; break;
	case OPT_ENDPOINT: a->in.endpoint_url = arg; break;
	case OPT_PROFILE: a->in.profile = arg; break;
	case OPT_REGION: a->in.region = arg; break;
	case OPT_QUIET: a->level = LOG_ERROR; break;
	case OPT_VERBOSE: a->level = LOG_DEBUG; break;
	default:
		snprintf(err, errlen, "unhandled option");
		return CD_INTERNAL;
	}
	return CD_OK;
}

static enum cd_result whoami_run(int argc, char **argv)
{
	struct whoami_args a = { .in = { .service = "connect", .region_optional = true },
				 .level = LOG_INFO };
	struct aws_settings s;
	struct creds_provider *prov = NULL;
	struct creds c;
	char err[512] = "", hint[16];
	char *pos[1];
	size_t npos;
	bool help, have_settings = false;
	memset(&c, 0, sizeof c);
	enum cd_result r = cli_parse(whoami_opts, CLI_ARRAY_LEN(whoami_opts), argc, argv,
				     whoami_opt, &a, pos, 0, &npos, &help, err, sizeof err);
	if (r != CD_OK) {
		log_error("%s", err);
		goto out;
	}
	if (help) {
		cli_print_help(stdout, "connect-dupes", &cmd_whoami);
		goto out;
	}
	log_set_console_level(a.level);
	r = aws_settings_resolve(&a.in, &s, err, sizeof err);
	if (r != CD_OK) {
		log_error("%s", err);
		goto out;
	}
	have_settings = true;
	log_debug("config file '%s', credentials file '%s', profile '%s'",
		  aws_config_file(s.config), aws_config_credentials_file(s.config), s.profile);
	r = creds_provider_new(&s, NULL, &prov, err, sizeof err);
	if (r == CD_OK)
		r = creds_get(prov, &c, err, sizeof err);
	if (r != CD_OK) {
		log_error("%s", err);
		goto out;
	}
	log_debug("credentials from %s (%s)", c.provider, c.source);
	printf("provider:  %s (%s)\n", c.provider, c.source);
	printf("key id:    %s\n", creds_key_hint(&c, hint, sizeof hint));
	if (c.expiration) {
		char when[32];
		struct tm tm;
		gmtime_r(&c.expiration, &tm);
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
		printf("temporary: yes, expires %s\n", when);
	} else {
		printf("temporary: %s\n", c.session_token[0] ? "yes" : "no");
	}
	printf("profile:   %s%s\n", s.profile, s.profile_named ? "" : " (none named)");
	if (s.region[0]) {
		printf("region:    %s (from %s)\n", s.region, s.region_source);
		printf("endpoint:  %s (%s)\n", s.endpoint_url, s.endpoint_source);
	} else {
		printf("region:    (not set)\n");
		if (s.endpoint_url[0])
			printf("endpoint:  %s (%s)\n", s.endpoint_url, s.endpoint_source);
		log_error("no AWS region set (use --region, AWS_REGION or the region of profile '%s')",
			  s.profile);
		r = CD_USAGE;
	}
	if (s.ca_bundle[0])
		printf("ca bundle: %s\n", s.ca_bundle);
	if (a.check && r == CD_OK) {
		char arn[512], account[32];
		fflush(stdout);
		r = creds_caller_identity(prov, &c, arn, sizeof arn, account, sizeof account, err,
					  sizeof err);
		if (r != CD_OK)
			log_error("%s", err);
		else
			printf("identity:  %s (account %s)\n", arn, account);
	}
out:
	creds_clear(&c);
	creds_provider_free(prov);
	if (have_settings)
		aws_settings_release(&s);
	return r;
}

const struct cli_cmd cmd_whoami = {
	.name = "whoami",
	.synopsis = "[--profile NAME] [--region REGION] [--endpoint-url URL] [--check]",
	.summary = "show which AWS credentials, region and endpoint a scan would use (nothing secret)",
	.description =
		"Resolves the profile, region and endpoint as scan does and fetches credentials\n"
		"through the same provider chain (environment, profiles, assume-role, web identity,\n"
		"SSO, credential_process, container, EC2 instance metadata). Prints the provider that\n"
		"answered, the last four characters of the access key id, the region and the\n"
		"endpoint; never a secret. With --check it also asks STS whose credentials they\n"
		"are. Exit status 4 when no credentials can be found or STS refuses them.",
	.opts = whoami_opts,
	.nopts = CLI_ARRAY_LEN(whoami_opts),
	.run = whoami_run,
};
