/* whoami.c -- `connect-dupes whoami`: which credentials, region and endpoint a scan would use. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "aws/config.h"
#include "aws/creds.h"
#include "cmd/commands.h"
#include "jsonw.h"
#include "log.h"

enum { OPT_CHECK = 1, OPT_ENDPOINT, OPT_OUTPUT, OPT_PROFILE, OPT_QUIET, OPT_REGION, OPT_VERBOSE };

static const struct cli_opt whoami_opts[] = {
	{ "check", 0, NULL, OPT_CHECK,
	  "also ask STS who the credentials belong to (GetCallerIdentity; needs no permission)" },
	{ "endpoint-url", 0, "URL", OPT_ENDPOINT,
	  "Connect endpoint (default from the environment, profile or region)" },
	{ "output", 0, "text|json|table", OPT_OUTPUT, CLI_OUTPUT_HELP },
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
	enum cli_output output;
};

static enum cd_result whoami_opt(void *ctx, int id, const char *arg, char *err, size_t errlen)
{
	struct whoami_args *a = ctx;
	switch (id) {
	case OPT_CHECK: a->check = true; break;
	case OPT_ENDPOINT: a->in.endpoint_url = arg; break;
	case OPT_OUTPUT: return cli_output_parse(arg, &a->output, err, errlen);
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

struct whoami_facts {
	const struct creds *c;
	const struct aws_settings *s;
	char hint[16];
	bool checked;          /* --check asked STS and it answered */
	char arn[512], account[32];
};

static void fmt_expiry(time_t t, char *out, size_t outlen)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* --output json: the stable shape of docs/formats.md ("whoami"). Never a secret. */
static void whoami_json(const struct whoami_facts *f)
{
	const struct creds *c = f->c;
	const struct aws_settings *s = f->s;
	struct jsonw w;
	char when[32];
	jsonw_init(&w, stdout);
	jsonw_object(&w, NULL);
	jsonw_str(&w, "provider", c->provider);
	jsonw_str(&w, "source", c->source);
	jsonw_str(&w, "key_id", f->hint);
	jsonw_bool(&w, "temporary", c->expiration || c->session_token[0]);
	if (c->expiration) {
		fmt_expiry(c->expiration, when, sizeof when);
		jsonw_str(&w, "expires", when);
	} else {
		jsonw_null(&w, "expires");
	}
	jsonw_str(&w, "profile", s->profile);
	jsonw_bool(&w, "profile_named", s->profile_named);
	jsonw_str(&w, "region", s->region[0] ? s->region : NULL);
	jsonw_str(&w, "region_source", s->region[0] ? s->region_source : NULL);
	jsonw_str(&w, "endpoint", s->endpoint_url[0] ? s->endpoint_url : NULL);
	jsonw_str(&w, "endpoint_source", s->endpoint_url[0] ? s->endpoint_source : NULL);
	jsonw_str(&w, "ca_bundle", s->ca_bundle[0] ? s->ca_bundle : NULL);
	if (f->checked) {
		jsonw_object(&w, "identity");
		jsonw_str(&w, "arn", f->arn);
		jsonw_str(&w, "account", f->account);
		jsonw_end(&w);
	} else {
		jsonw_null(&w, "identity");
	}
	jsonw_finish(&w);
}

static void whoami_text(const struct whoami_facts *f, bool table)
{
	const struct creds *c = f->c;
	const struct aws_settings *s = f->s;
	char provider[600], temporary[64], profile[300], region[300], endpoint[1200], identity[600];
	const char *cells[16];
	size_t n = 0;
	snprintf(provider, sizeof provider, "%s (%s)", c->provider, c->source);
	if (c->expiration) {
		char when[32];
		fmt_expiry(c->expiration, when, sizeof when);
		snprintf(temporary, sizeof temporary, "yes, expires %s", when);
	} else {
		snprintf(temporary, sizeof temporary, "%s", c->session_token[0] ? "yes" : "no");
	}
	snprintf(profile, sizeof profile, "%s%s", s->profile, s->profile_named ? "" : " (none named)");
	if (s->region[0])
		snprintf(region, sizeof region, "%s (from %s)", s->region, s->region_source);
	else
		snprintf(region, sizeof region, "(not set)");
	snprintf(endpoint, sizeof endpoint, "%s (%s)", s->endpoint_url, s->endpoint_source);
	snprintf(identity, sizeof identity, "%s (account %s)", f->arn, f->account);
	const char *k[] = { "provider", "key id", "temporary", "profile", "region", "endpoint",
			    "ca bundle", "identity" };
	const char *v[] = { provider, f->hint, temporary, profile, region,
			    s->endpoint_url[0] ? endpoint : NULL, s->ca_bundle[0] ? s->ca_bundle : NULL,
			    f->checked ? identity : NULL };
	for (size_t i = 0; i < CLI_ARRAY_LEN(k); i++) {
		if (!v[i])
			continue;
		if (table) {
			cells[n++] = k[i];
			cells[n++] = v[i];
		} else {
			printf("%s:%*s%s\n", k[i], (int)(10 - strlen(k[i])), "", v[i]);
		}
	}
	if (table)
		cli_print_table(stdout, "whoami", false, 2, cells, n);
}

static enum cd_result whoami_run(int argc, char **argv)
{
	struct whoami_args a = { .in = { .service = "connect", .region_optional = true },
				 .level = LOG_INFO };
	struct aws_settings s;
	struct creds_provider *prov = NULL;
	struct creds c;
	char err[512] = "";
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
	struct whoami_facts f = { .c = &c, .s = &s };
	creds_key_hint(&c, f.hint, sizeof f.hint);
	if (!s.region[0]) {
		log_error("no AWS region set (use --region, AWS_REGION or the region of profile '%s')",
			  s.profile);
		r = CD_USAGE;
	}
	if (a.check && r == CD_OK) {
		r = creds_caller_identity(prov, &c, f.arn, sizeof f.arn, f.account, sizeof f.account,
					  err, sizeof err);
		if (r != CD_OK)
			log_error("%s", err);
		else
			f.checked = true;
	}
	/* What was found is printed even when the region is missing or STS refused: it tells
	 * what to fix. */
	if (a.output == CLI_OUTPUT_JSON)
		whoami_json(&f);
	else
		whoami_text(&f, a.output == CLI_OUTPUT_TABLE);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		log_error("cannot write to standard output");
		if (r == CD_OK)
			r = CD_IO;
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
		"are.",
	.opts = whoami_opts,
	.nopts = CLI_ARRAY_LEN(whoami_opts),
	.run = whoami_run,
	.exits = CLI_EXIT(0) | CLI_EXIT(2) | CLI_EXIT(3) | CLI_EXIT(4),
};
