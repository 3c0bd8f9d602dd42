/* fuzz_api_responses.c -- libFuzzer harness for the Connect response parsers and error classifier (outside input from the network). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "connect/api.h"

/* The first byte picks the parser; the rest is the body. Everything a parser returns is read
 * back, so a span cut at the wrong place or a dangling string shows up under ASan. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	const char *body = (const char *)data + 1;
	size_t len = size - 1;
	char err[256];
	size_t total = 0;
	switch (data[0] % 5) {
	case 0:
	case 1: {
		struct api_page p;
		api_page_init(&p);
		enum cd_result r = data[0] % 5 == 0 ? api_parse_search_users(body, len, &p, err, sizeof err)
						    : api_parse_list_users(body, len, &p, err, sizeof err);
		if (r == CD_OK) {
			for (size_t i = 0; i < p.users.n; i++) {
				const struct user *u = &p.users.v[i];
				total += strlen(u->id) + strlen(u->username) + u->raw_len;
				/* the raw cut lies inside the body */
				if (u->raw_len > len)
					abort();
			}
			total += p.next_token ? strlen(p.next_token) : 0;
		}
		api_page_release(&p);
		break;
	}
	case 2: {
		char *raw = NULL, id[300];
		size_t n = 0;
		if (api_parse_describe_user(body, len, &raw, &n, id, sizeof id, err, sizeof err) == CD_OK) {
			if (n > len || strlen(raw) != n)
				abort();
			total += n + strlen(id);
		}
		free(raw);
		break;
	}
	case 3: {
		struct api_instance *v = NULL;
		size_t n = 0;
		char *next = NULL;
		if (api_parse_list_instances(body, len, &v, &n, &next, err, sizeof err) == CD_OK) {
			for (size_t i = 0; i < n; i++)
				total += strlen(v[i].id) + strlen(v[i].alias) + strlen(v[i].arn);
			total += next ? strlen(next) : 0;
		}
		free(v);
		free(next);
		break;
	}
	case 4: {
		struct api_error e;
		char line[400];
		int status = 400 + (int)(len % 200);
		/* the header is a C string: take the body's first line as its value */
		char header[128];
		size_t hl = 0;
		while (hl < len && hl + 1 < sizeof header && body[hl] != '\n' && body[hl] != '\0') {
			header[hl] = body[hl];
			hl++;
		}
		header[hl] = '\0';
		api_classify(status, len > 2 ? header : NULL, body, len, &e);
		api_error_format(&e, line, sizeof line);
		total += strlen(line) + (size_t)api_error_result(&e);
		break;
	}
	}
	return total == (size_t)-1;
}
