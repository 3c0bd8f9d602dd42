/* fuzz_users_json.c -- libFuzzer harness: source_file_load over arbitrary bytes, and user_from_json on the same input. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/user_json.h"
#include "source/file.h"

/* The file reader works on a path, so the input goes through a temp file that
 * is reused for the whole run. Invariants checked: a successful load gives users with non-empty
 * ids and raw text; a failure fills a message naming the file. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	if (!path[0]) {
		snprintf(path, sizeof path, "/tmp/fuzz_users_json.%d", (int)getpid());
	}
	FILE *f = fopen(path, "wb");
	if (!f)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);

	struct user_set s;
	struct source_meta meta;
	char err[512];
	user_set_init(&s);
	enum cd_result rc = source_file_load(path, &s, &meta, err, sizeof err);
	if (rc == CD_OK) {
		for (size_t i = 0; i < s.n; i++)
			if (!s.v[i].id[0] || !s.v[i].raw_len)
				abort();
	} else if (!strstr(err, path)) {
		abort();
	}
	/* The reader parses as it reads: a window of 1 to 32 bytes (chosen by the input) puts its
	 * end everywhere, and must give the same users or the same error. */
	struct user_set t;
	char terr[512] = "";
	user_set_init(&t);
	source_file_test_window(size ? (size_t)data[size - 1] % 32 + 1 : 1);
	enum cd_result trc = source_file_load(path, &t, NULL, terr, sizeof terr);
	source_file_test_window(0);
	if (trc != rc || t.n != s.n || (rc != CD_OK && strcmp(terr, err) != 0))
		abort();
	for (size_t i = 0; i < t.n; i++)
		if (strcmp(t.v[i].id, s.v[i].id) != 0 || t.v[i].raw_len != s.v[i].raw_len ||
		    memcmp(t.v[i].raw, s.v[i].raw, t.v[i].raw_len) != 0 ||
		    strcmp(t.v[i].email, s.v[i].email) != 0 ||
		    strcmp(t.v[i].security_profiles, s.v[i].security_profiles) != 0 ||
		    t.v[i].last_modified != s.v[i].last_modified)
			abort();
	user_set_release(&t);
	user_set_release(&s);

	/* The jansson path the live crawl uses, on the same bytes. */
	json_error_t jerr;
	json_t *j = json_loadb((const char *)data, size, JSON_DECODE_ANY, &jerr);
	if (j) {
		struct user_fields uf;
		char *raw = NULL;
		if (user_from_json(j, &uf, &raw, err, sizeof err) == CD_OK && (!uf.id || !uf.id[0]))
			abort();
		free(raw);
		json_decref(j);
	}
	return 0;
}
