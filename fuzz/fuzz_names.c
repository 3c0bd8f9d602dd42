/* fuzz_names.c -- libFuzzer harness for the name listings' parser (ListRoutingProfiles and its two siblings: outside input from the network) and the id -> name table it fills. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "connect/api.h"
#include "model/names.h"

/* The first byte picks the kind; the rest is the body. Every stored entry is looked up again
 * and joined, so a dangling string or a bad sort shows up under ASan. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	enum name_kind k = (enum name_kind)(data[0] % NAME_KINDS);
	struct name_table t;
	char err[256], *next = NULL;
	size_t skipped = 0;
	names_init(&t);
	if (api_parse_list_names(k, (const char *)data + 1, size - 1, &t, &skipped, &next, err,
				 sizeof err) == CD_OK) {
		names_finish(&t);
		struct buf ids = BUF_INIT(1 << 20), out = BUF_INIT(1 << 22);
		for (size_t i = 0; i < t.n[k]; i++) {
			const char *n = names_lookup(&t, k, t.v[k][i].id);
			if (!n || strcmp(n, t.v[k][i].name) != 0)
				abort();
			if (i && strcmp(t.v[k][i - 1].id, t.v[k][i].id) >= 0)
				abort(); /* sorted, one entry per id */
			if (!strchr(t.v[k][i].id, ','))
				buf_printf(&ids, "%s%s", i ? "," : "", t.v[k][i].id);
		}
		names_join(&t, k, buf_str(&ids), &out);
		buf_release(&ids);
		buf_release(&out);
	}
	free(next);
	names_release(&t);
	return 0;
}
