/* creds_profile.c -- what a profile says about credentials, in botocore's order; static keys. */
#include "aws/creds_int.h"

#include <stdio.h>
#include <string.h>

static enum cd_result static_keys(struct creds_provider *p, const char *profile,
				  bool credentials_file, struct creds *out, char *err,
				  size_t errlen)
{
	const struct aws_config *cfg = p->s->config;
	const char *akid = aws_config_get_in(cfg, profile, "aws_access_key_id", credentials_file);
	const char *secret = aws_config_get_in(cfg, profile, "aws_secret_access_key",
					       credentials_file);
	const char *token = aws_config_get_in(cfg, profile, "aws_session_token", credentials_file);
	const char *file = credentials_file ? aws_config_credentials_file(cfg) : aws_config_file(cfg);
	if (!akid && !secret)
		return CD_NOT_FOUND;
	if (!creds_fill(out, akid, secret, token)) {
		snprintf(err, errlen, "profile '%s' in '%s' has %s", profile, file,
			 akid && secret ? "malformed keys" : akid ? "aws_access_key_id without "
			 "aws_secret_access_key" : "aws_secret_access_key without aws_access_key_id");
		return CD_AUTH;
	}
	snprintf(out->provider, sizeof out->provider, "%s",
		 credentials_file ? "shared-credentials-file" : "config-file");
	snprintf(out->source, sizeof out->source, "profile '%.60s' in '%.170s'", profile, file);
	return CD_OK;
}

/* Everything a profile can say about credentials, in botocore's order. */
enum cd_result creds_from_profile(struct creds_provider *p, const char *profile, int depth,
				  bool static_only, struct creds *out, char *err, size_t errlen)
{
	enum cd_result r;
	const struct aws_config *cfg = p->s->config;
	if (!static_only) {
		if (aws_config_get(cfg, profile, "role_arn") &&
		    !aws_config_get(cfg, profile, "web_identity_token_file")) {
			creds_looked(p, "role_arn of profile '%s'", profile);
			return creds_assume_role(p, profile, depth, out, err, errlen);
		}
		const char *wif = aws_config_get(cfg, profile, "web_identity_token_file");
		if (wif)
			return creds_web_identity(p, profile, wif,
						  aws_config_get(cfg, profile, "role_arn"), NULL,
						  out, err, errlen);
		r = creds_from_sso(p, profile, out, err, errlen);
		if (r != CD_NOT_FOUND)
			return r;
	}
	creds_looked(p, "profile '%s' in '%s'", profile, aws_config_credentials_file(cfg));
	r = static_keys(p, profile, true, out, err, errlen);
	if (r != CD_NOT_FOUND || static_only)
		goto done;
	const char *proc = aws_config_get(cfg, profile, "credential_process");
	if (proc && *proc)
		return creds_from_process(p, profile, proc, out, err, errlen);
	creds_looked(p, "profile '%s' in '%s'", profile, aws_config_file(cfg));
	r = static_keys(p, profile, false, out, err, errlen);
done:
	if (r == CD_NOT_FOUND && static_only)
		r = static_keys(p, profile, false, out, err, errlen);
	return r;
}
