/* fuzz_remediation.c -- libFuzzer harness for what plan/apply/restore read back: plans, backups, --not-duplicates files, the remediation API responses. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "act/plan.h"
#include "act/restore.h"
#include "connect/api.h"
#include "detect/notdup.h"

/* The first byte picks the reader; the rest is the input. Whatever a reader accepts is walked,
 * so a string left dangling or an entry miscounted shows up under ASan. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	const char *in = (const char *)data + 1;
	size_t len = size - 1;
	char err[256], id[300], arn[300], *raw = NULL, *tok = NULL;
	size_t total = 0;
	switch (data[0] % 7) {
	case 0: {
		struct plan p;
		if (plan_parse(in, len, &p, err, sizeof err) == CD_OK) {
			for (size_t c = 0; c < p.nclusters; c++) {
				total += strlen(p.clusters[c].keep_id);
				for (size_t i = 0; i < p.clusters[c].nremove; i++) {
					const struct plan_remove *r = &p.clusters[c].remove[i];
					total += strlen(r->id) + strlen(r->username) + r->nqc;
					for (size_t q = 0; q < r->nqc; q++)
						total += strlen(r->qc_ids[q]);
					/* an accepted entry is never a keeper by accident of parsing */
					total += plan_is_keeper(&p, r->id);
				}
			}
			plan_release(&p);
		}
		break;
	}
	case 1: {
		struct restore_backup *b;
		if (restore_parse(in, len, &b, err, sizeof err) == CD_OK) {
			struct buf body = BUF_INIT(1u << 20);
			for (size_t i = 0; i < restore_count(b); i++) {
				buf_reset(&body);
				if (restore_create_body(b, i, "i-1", &body) == CD_OK &&
				    strstr(buf_str(&body), "\"Password\""))
					abort(); /* never a password, whatever the backup holds */
				total += strlen(restore_user_id(b, i));
			}
			buf_release(&body);
			restore_free(b);
		}
		break;
	}
	case 2: {
		struct notdup *n;
		if (notdup_parse(in, len, &n, err, sizeof err) == CD_OK) {
			total += notdup_count(n);
			notdup_free(n);
		}
		break;
	}
	case 3: {
		struct api_quick_connect *v = NULL;
		size_t n = 0;
		if (api_parse_list_quick_connects(in, len, &v, &n, &tok, err, sizeof err) == CD_OK)
			for (size_t i = 0; i < n; i++)
				total += strlen(v[i].id) + strlen(v[i].type);
		free(v);
		free(tok);
		break;
	}
	case 4:
		if (api_parse_describe_quick_connect(in, len, &raw, id, sizeof id, err, sizeof err) ==
		    CD_OK) {
			if (strlen(raw) > len)
				abort();
			free(raw);
		}
		break;
	case 5: {
		struct buf items = BUF_INIT(1u << 20);
		if (api_parse_list_user_proficiencies(in, len, &items, &tok, err, sizeof err) == CD_OK &&
		    items.len > len + 1)
			abort();
		free(tok);
		buf_release(&items);
		break;
	}
	default:
		if (api_parse_create_user(in, len, id, sizeof id, arn, sizeof arn, err, sizeof err) ==
		    CD_OK)
			total += strlen(id);
		break;
	}
	return total == (size_t)-1;
}
