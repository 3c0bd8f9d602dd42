/* test_aws_config.c -- INI parsing of the shared AWS files and the settings resolution order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "aws/config.h"
#include "buf.h"

static char dir[] = "/tmp/cd-awscfg-XXXXXX";
static char cfg_path[256], cred_path[256];

static const char *ENV_VARS[] = {
	"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION",
	"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_CONNECT", "AWS_ENDPOINT_URL_STS", "AWS_CA_BUNDLE",
	"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_USE_FIPS_ENDPOINT",
};

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static const char CONFIG[] =
	"# a comment\n"
	"; another\n"
	"[default]\n"
	"region = eu-west-2\n"
	"output=json\n"
	"\n"
	"[profile dev]\n"
	"Region = us-west-2\n"
	"role_arn = arn:aws:iam::123456789012:role/dev\n"
	"source_profile = default\n"
	"services = local\n"
	"s3 =\n"
	"  max_concurrent_requests = 20\n"
	"  addressing_style = path\n"
	"\n"
	"[profile   spaced  ]\n"
	"region=ap-southeast-2\n"
	"endpoint_url = https://proxy.example.com/\n"
	"\n"
	"[profile china]\n"
	"region = cn-north-1\n"
	"\n"
	"[profile noregion]\n"
	"output = text\n"
	"\n"
	"[profile long]\n"
	"note = first\n"
	"   second line\n"
	"\n"
	"[sso-session corp]\n"
	"sso_start_url = https://corp.awsapps.com/start\n"
	"sso_region = us-east-1\n"
	"\n"
	"[services local]\n"
	"connect =\n"
	"  endpoint_url = http://127.0.0.1:4566\n"
	"sts =\n"
	"  endpoint_url = http://127.0.0.1:4567\n"
	"\n"
	"[notaprofile]\n"
	"region = xx-none-9\n";

static const char CREDENTIALS[] =
	"[default]\n"
	"aws_access_key_id = AKIDDEFAULT\n"
	"aws_secret_access_key = secret/default+key\n"
	"[dev]\n"
	"region = us-east-2\n"
	"[credonly]\n"
	"aws_access_key_id = AKIDCREDONLY\n"
	"aws_secret_access_key = x\n";

static int setup(void **state)
{
	if (!mkdtemp(dir))
		return -1;
	snprintf(cfg_path, sizeof cfg_path, "%s/config", dir);
	snprintf(cred_path, sizeof cred_path, "%s/credentials", dir);
	write_file(cfg_path, CONFIG);
	write_file(cred_path, CREDENTIALS);
	return 0;
}

static int teardown(void **state)
{
	unlink(cfg_path);
	unlink(cred_path);
	rmdir(dir);
	return 0;
}

/* Every test starts from a clean environment pointing at the test files. */
static int clean_env(void **state)
{
	for (size_t i = 0; i < sizeof ENV_VARS / sizeof ENV_VARS[0]; i++)
		unsetenv(ENV_VARS[i]);
	setenv("AWS_CONFIG_FILE", cfg_path, 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", cred_path, 1);
	return 0;
}

static void parses_sections_and_values(void **state)
{
	struct aws_config *c = NULL;
	char err[256];
	assert_int_equal(aws_config_load(NULL, NULL, &c, err, sizeof err), CD_OK);
	assert_string_equal(aws_config_file(c), cfg_path);
	assert_string_equal(aws_config_get(c, "default", "region"), "eu-west-2");
	assert_string_equal(aws_config_get(c, "default", "output"), "json");
	assert_string_equal(aws_config_get(c, "default", "aws_access_key_id"), "AKIDDEFAULT");
	/* the credentials file wins over the config file for the same profile */
	assert_string_equal(aws_config_get(c, "dev", "region"), "us-east-2");
	assert_string_equal(aws_config_get(c, "dev", "role_arn"), "arn:aws:iam::123456789012:role/dev");
	assert_string_equal(aws_config_get(c, "dev", "s3.addressing_style"), "path");
	assert_string_equal(aws_config_get(c, "dev", "s3"), "");
	assert_string_equal(aws_config_get(c, "spaced", "region"), "ap-southeast-2");
	assert_string_equal(aws_config_get(c, "long", "note"), "first\nsecond line");
	assert_string_equal(aws_config_section_get(c, "sso-session", "corp", "sso_region"), "us-east-1");
	assert_string_equal(aws_config_section_get(c, "services", "local", "connect.endpoint_url"),
			    "http://127.0.0.1:4566");
	assert_true(aws_config_has_profile(c, "credonly"));
	assert_true(aws_config_has_profile(c, "noregion"));
	/* [notaprofile] in the config file is not a profile; [corp] is not either */
	assert_false(aws_config_has_profile(c, "notaprofile"));
	assert_false(aws_config_has_profile(c, "corp"));
	assert_null(aws_config_get(c, "dev", "nope"));
	assert_null(aws_config_get(c, "nope", "region"));
	aws_config_free(c);
}

static void missing_files_are_empty(void **state)
{
	struct aws_config *c = NULL;
	char err[256];
	assert_int_equal(aws_config_load("/nonexistent/config", "/nonexistent/creds", &c, err,
					  sizeof err), CD_OK);
	assert_false(aws_config_has_profile(c, "default"));
	aws_config_free(c);
}

static void expect_parse_error(const char *text, const char *want)
{
	struct aws_config *c = aws_config_new();
	char err[256] = "";
	assert_int_equal(aws_config_parse(c, text, strlen(text), false, "cfg", err, sizeof err),
			 CD_INPUT);
	if (!strstr(err, want))
		fail_msg("error '%s' does not contain '%s'", err, want);
	aws_config_free(c);
}

static void parse_errors_name_the_line(void **state)
{
	expect_parse_error("region = x\n", "'cfg' line 1: setting before any [section]");
	expect_parse_error("[default]\nregion us-east-1\n", "'cfg' line 2: expected 'key = value'");
	expect_parse_error("[default\n", "line 1: section header without ']'");
	expect_parse_error("[default]\n\n[]\n", "line 3: bad section name");
	expect_parse_error("[default]\n= v\n", "line 2: expected 'key = value'");
	const char nul[] = "[default]\nregion = a\0b\n";
	struct aws_config *c = aws_config_new();
	char err[256];
	assert_int_equal(aws_config_parse(c, nul, sizeof nul - 1, false, "cfg", err, sizeof err),
			 CD_INPUT);
	aws_config_free(c);
	/* CRLF files and repeated keys (the later wins) */
	c = aws_config_new();
	const char crlf[] = "[default]\r\nregion = us-east-1\r\nregion = us-west-1\r\n";
	assert_int_equal(aws_config_parse(c, crlf, strlen(crlf), false, "cfg", err, sizeof err), CD_OK);
	assert_string_equal(aws_config_get(c, "default", "region"), "us-west-1");
	aws_config_free(c);
}

/* The entry array grows through many doublings and keeps every value where it was put. */
static void many_profiles(void **state)
{
	struct buf b = BUF_INIT(1024 * 1024);
	for (int i = 0; i < 3000; i++)
		assert_int_equal(buf_printf(&b, "[profile p%d]\nregion = r%d\nsso_role_name = x\n", i, i),
				 CD_OK);
	struct aws_config *c = aws_config_new();
	char err[256];
	assert_int_equal(aws_config_parse(c, buf_str(&b), b.len, false, "cfg", err, sizeof err),
			 CD_OK);
	for (int i = 0; i < 3000; i += 7) {
		char p[32], want[32];
		snprintf(p, sizeof p, "p%d", i);
		snprintf(want, sizeof want, "r%d", i);
		assert_string_equal(aws_config_get(c, p, "region"), want);
	}
	assert_null(aws_config_get(c, "p3000", "region"));
	aws_config_free(c);
	buf_release(&b);
}

static void truthy_settings(void **state)
{
	assert_true(aws_truthy("true"));
	assert_true(aws_truthy("TRUE"));
	assert_false(aws_truthy("false"));
	assert_false(aws_truthy("1"));
	assert_false(aws_truthy(""));
	assert_false(aws_truthy(NULL));
}

static void resolve(const struct aws_settings_input *in, struct aws_settings *s)
{
	char err[256] = "";
	enum cd_result r = aws_settings_resolve(in, s, err, sizeof err);
	if (r != CD_OK)
		fail_msg("aws_settings_resolve: %s", err);
}

static void region_order(void **state)
{
	struct aws_settings s;
	struct aws_settings_input in = { 0 };
	resolve(&in, &s);
	assert_string_equal(s.profile, "default");
	assert_false(s.profile_named);
	assert_string_equal(s.region, "eu-west-2");
	assert_string_equal(s.region_source, "profile 'default'");
	assert_string_equal(s.endpoint_url, "https://connect.eu-west-2.amazonaws.com");
	assert_string_equal(s.endpoint_source, "default");
	aws_settings_release(&s);

	setenv("AWS_DEFAULT_REGION", "us-west-1", 1);
	resolve(&in, &s);
	assert_string_equal(s.region, "us-west-1");
	aws_settings_release(&s);
	setenv("AWS_REGION", "ca-central-1", 1);
	resolve(&in, &s);
	assert_string_equal(s.region, "ca-central-1");
	assert_string_equal(s.region_source, "AWS_REGION");
	aws_settings_release(&s);
	in.region = "ap-south-1";
	resolve(&in, &s);
	assert_string_equal(s.region, "ap-south-1");
	assert_string_equal(s.region_source, "--region");
	aws_settings_release(&s);
}

static void profile_order(void **state)
{
	struct aws_settings s;
	struct aws_settings_input in = { 0 };
	setenv("AWS_DEFAULT_PROFILE", "china", 1);
	resolve(&in, &s);
	assert_string_equal(s.profile, "china");
	assert_string_equal(s.endpoint_url, "https://connect.cn-north-1.amazonaws.com.cn");
	aws_settings_release(&s);
	setenv("AWS_PROFILE", "spaced", 1);
	resolve(&in, &s);
	assert_string_equal(s.profile, "spaced");
	assert_true(s.profile_named);
	assert_false(s.profile_from_cli);
	assert_string_equal(s.endpoint_url, "https://proxy.example.com");
	assert_string_equal(s.endpoint_source, "endpoint_url of profile 'spaced'");
	aws_settings_release(&s);
	in.profile = "credonly"; /* a profile only in the credentials file is a profile */
	setenv("AWS_REGION", "us-east-1", 1);
	resolve(&in, &s);
	assert_string_equal(s.profile, "credonly");
	assert_true(s.profile_from_cli);
	aws_settings_release(&s);

	char err[256];
	in.profile = "ghost";
	assert_int_equal(aws_settings_resolve(&in, &s, err, sizeof err), CD_NOT_FOUND);
	assert_non_null(strstr(err, "the AWS profile 'ghost' is not in"));
	assert_null(s.config);
}

static void missing_or_bad_region(void **state)
{
	struct aws_settings s;
	struct aws_settings_input in = { .profile = "noregion" };
	char err[256];
	assert_int_equal(aws_settings_resolve(&in, &s, err, sizeof err), CD_USAGE);
	assert_string_equal(err, "no AWS region set (use --region, AWS_REGION or the region of "
				 "profile 'noregion')");
	in.region_optional = true;
	assert_int_equal(aws_settings_resolve(&in, &s, err, sizeof err), CD_OK);
	assert_string_equal(s.region, "");
	assert_string_equal(s.endpoint_url, "");
	aws_settings_release(&s);
	in.region_optional = false;
	in.region = "us-east-1/../x";
	assert_int_equal(aws_settings_resolve(&in, &s, err, sizeof err), CD_USAGE);
	assert_non_null(strstr(err, "is not an AWS region name"));
}

static void endpoint_order(void **state)
{
	struct aws_settings s;
	struct aws_settings_input in = { .profile = "dev" };
	resolve(&in, &s);
	/* the profile's services section */
	assert_string_equal(s.endpoint_url, "http://127.0.0.1:4566");
	assert_string_equal(s.endpoint_source, "services 'local' of profile 'dev'");
	char url[256], src[160], err[256];
	assert_int_equal(aws_service_endpoint(s.config, "dev", "sts", "us-west-2", url, sizeof url,
					      src, sizeof src, err, sizeof err), CD_OK);
	assert_string_equal(url, "http://127.0.0.1:4567");
	assert_int_equal(aws_service_endpoint(s.config, "default", "sts", "us-west-2", url,
					      sizeof url, src, sizeof src, err, sizeof err), CD_OK);
	assert_string_equal(url, "https://sts.us-west-2.amazonaws.com");
	assert_int_equal(aws_service_endpoint(s.config, "default", "sso", "eu-west-1", url,
					      sizeof url, src, sizeof src, err, sizeof err), CD_OK);
	assert_string_equal(url, "https://portal.sso.eu-west-1.amazonaws.com");
	aws_settings_release(&s);

	setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1/", 1);
	resolve(&in, &s);
	assert_string_equal(s.endpoint_url, "http://127.0.0.1:1");
	assert_string_equal(s.endpoint_source, "AWS_ENDPOINT_URL");
	aws_settings_release(&s);
	setenv("AWS_ENDPOINT_URL_CONNECT", "http://127.0.0.1:2", 1);
	resolve(&in, &s);
	assert_string_equal(s.endpoint_url, "http://127.0.0.1:2");
	assert_string_equal(s.endpoint_source, "AWS_ENDPOINT_URL_CONNECT");
	aws_settings_release(&s);
	in.endpoint_url = "http://127.0.0.1:3";
	resolve(&in, &s);
	assert_string_equal(s.endpoint_url, "http://127.0.0.1:3");
	assert_string_equal(s.endpoint_source, "--endpoint-url");
	aws_settings_release(&s);
	/* configured endpoints can be switched off; --endpoint-url still counts */
	in.endpoint_url = NULL;
	setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", 1);
	resolve(&in, &s);
	assert_string_equal(s.endpoint_url, "https://connect.us-east-2.amazonaws.com");
	aws_settings_release(&s);
	setenv("AWS_USE_FIPS_ENDPOINT", "true", 1);
	resolve(&in, &s);
	assert_string_equal(s.endpoint_url, "https://connect-fips.us-east-2.amazonaws.com");
	aws_settings_release(&s);

	in.endpoint_url = "ftp://x";
	assert_int_equal(aws_settings_resolve(&in, &s, err, sizeof err), CD_USAGE);
	assert_non_null(strstr(err, "'ftp://x' from --endpoint-url is not an http(s) URL"));
}

static void ca_bundle_and_home(void **state)
{
	struct aws_settings s;
	struct aws_settings_input in = { 0 };
	setenv("AWS_CA_BUNDLE", "~/corp-ca.pem", 1);
	char *home = getenv("HOME");
	char saved[512];
	snprintf(saved, sizeof saved, "%s", home ? home : "");
	setenv("HOME", "/home/tester", 1);
	resolve(&in, &s);
	assert_string_equal(s.ca_bundle, "/home/tester/corp-ca.pem");
	aws_settings_release(&s);
	setenv("HOME", saved, 1);
	assert_true(aws_region_valid("us-gov-west-1"));
	assert_true(aws_region_valid("eusc-de-east-1"));
	assert_true(aws_region_valid("eu-west-22"));      /* the shape of a Region: may be new */
	assert_true(aws_region_valid("ap-future-9"));
	assert_false(aws_region_valid("eu-west-two"));
	assert_false(aws_region_valid("euwest-2"));
	assert_false(aws_region_valid("e-west-2"));
	assert_false(aws_region_valid("eu-west-2-"));
	assert_false(aws_region_valid("eu-west-1234"));
	assert_false(aws_region_valid("EU-west-2"));
	assert_true(aws_region_known("eu-west-2"));
	assert_false(aws_region_known("eu-west-22"));
	assert_false(aws_region_valid("useast1"));
	assert_false(aws_region_valid("us-east-1 "));
	assert_false(aws_region_valid(""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(parses_sections_and_values, clean_env),
		cmocka_unit_test_setup(missing_files_are_empty, clean_env),
		cmocka_unit_test_setup(parse_errors_name_the_line, clean_env),
		cmocka_unit_test_setup(region_order, clean_env),
		cmocka_unit_test_setup(profile_order, clean_env),
		cmocka_unit_test_setup(missing_or_bad_region, clean_env),
		cmocka_unit_test_setup(endpoint_order, clean_env),
		cmocka_unit_test_setup(ca_bundle_and_home, clean_env),
		cmocka_unit_test_setup(many_profiles, clean_env),
		cmocka_unit_test_setup(truthy_settings, clean_env),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
