/* fuzz_aws_config.c -- libFuzzer harness for the shared AWS config/credentials INI parser. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "aws/config.h"

/* The first byte picks config or credentials rules; every value found is read back so that a
 * parser that stored garbage pointers is caught by ASan, not just one that crashes. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	struct aws_config *cfg = aws_config_new();
	if (!cfg)
		return 0;
	char err[256];
	bool creds_file = data[0] & 1;
	if (aws_config_parse(cfg, (const char *)data + 1, size - 1, creds_file, "fuzz", err,
			     sizeof err) == CD_OK) {
		static const char *const profiles[] = { "default", "dev", "a", "" };
		static const char *const keys[] = { "region", "role_arn", "services", "s3.x",
						    "aws_access_key_id" };
		size_t total = 0;
		for (size_t p = 0; p < 4; p++)
			for (size_t k = 0; k < 5; k++) {
				const char *v = aws_config_get(cfg, profiles[p], keys[k]);
				total += v ? strlen(v) : 0;
			}
		const char *v = aws_config_section_get(cfg, "services", "a", "connect.endpoint_url");
		total += v ? strlen(v) : 0;
		(void)total;
	} else if (!memchr(err, '\0', sizeof err)) {
		__builtin_trap(); /* the message must always be a string */
	}
	aws_config_free(cfg);
	return 0;
}
