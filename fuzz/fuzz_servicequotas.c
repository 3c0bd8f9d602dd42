/* fuzz_servicequotas.c -- libFuzzer harness for the ListServiceQuotas answer parser (outside input from the network). */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/servicequotas.h"
#include "connect/quotas.h"

/* The input is one or more pages separated by NUL bytes, merged as the lookup merges them;
 * whatever comes out must be a usable rate or nothing. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sq_rates r;
	char err[256];
	sq_rates_init(&r);
	const char *p = (const char *)data, *end = p + size;
	while (p <= end) {
		const char *z = memchr(p, '\0', (size_t)(end - p));
		size_t len = z ? (size_t)(z - p) : (size_t)(end - p);
		char *tok = NULL;
		if (sq_parse_list(p, len, &r, &tok, err, sizeof err) == CD_OK && tok &&
		    strlen(tok) > SQ_TOKEN_MAX)
			abort();
		free(tok);
		if (!z)
			break;
		p = z + 1;
	}
	for (size_t i = 0; i < r.n; i++) {
		const struct sq_rate *e = &r.v[i];
		if (!e->operation[0] || strlen(e->operation) >= sizeof e->operation)
			abort();
		if (e->rate < 0 || !isfinite(e->rate) || e->burst < 0 || !isfinite(e->burst))
			abort();
		if (e->rate == 0 && e->burst == 0)
			abort();
	}
	struct connect_quotas q;
	memset(&q, 0, sizeof q);
	connect_quotas_from_sq(&r, &q);
	for (int i = 0; i < API_NOPS; i++) {
		struct quota_use u;
		connect_quotas_plan(&q, 0.8, (enum api_op)i, 0, false, 0, &u);
		if (u.capped && !(u.rate > 0 && u.rate <= 0.8 * 1e10))
			abort();
	}
	sq_rates_release(&r);
	return 0;
}
