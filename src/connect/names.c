/* names.c -- one listing of names over the scan's session, paced and retried as every other call. */
#include "connect/names.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "connect/api.h"
#include "connect/crawl.h"
#include "connect/ratelimit.h"

/* A page of 1000 summaries is ~200 KB; a listing past this many pages is a service bug. */
#define NAMES_BODY_MAX (16u << 20)
#define NAMES_MAX_PAGES 1000

static void sleep_s(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

enum cd_result connect_names_list(struct connect_session *s, const char *instance_id,
				  enum name_kind k, double rate, double burst,
				  struct name_table *t, size_t *requests, char *err, size_t errlen)
{
	enum api_op op = api_names_op(k);
	if (op == API_NOPS) {
		snprintf(err, errlen, "no listing for that kind of name");
		return CD_INTERNAL;
	}
	double r0, b0;
	api_default_quota(op, &r0, &b0);
	struct ratelimit rl;
	/* adaptive below the published quota, as the remediation calls: a handful of pages */
	ratelimit_init(&rl, rate > 0 ? rate : r0, burst > 0 ? burst : b0, true,
		       rate > 0 ? rate : r0, crawl_now());
	names_clear(t, k);
	char *token = NULL;
	enum cd_result r = CD_OK;
	unsigned page = 0;
	for (;; page++) {
		if (page == NAMES_MAX_PAGES) {
			snprintf(err, errlen, "%s did not end after %d pages", api_op_name(op),
				 NAMES_MAX_PAGES);
			r = CD_SERVICE;
			break;
		}
		struct api_request req;
		struct buf body = BUF_INIT(NAMES_BODY_MAX);
		r = api_list_names(&req, k, instance_id, token, API_MAX_LIST_NAMES, err, errlen);
		free(token);
		token = NULL;
		if (r != CD_OK)
			break;
		double wait;
		while ((wait = ratelimit_take(&rl, crawl_now())) > 0)
			sleep_s(wait);
		if (requests)
			(*requests)++;
		r = connect_session_call(s, &req, &body, err, errlen);
		if (r == CD_THROTTLED)
			ratelimit_throttled(&rl, crawl_now());
		api_request_release(&req);
		if (r == CD_OK)
			r = api_parse_list_names(k, body.data, body.len, t, NULL, &token, err, errlen);
		buf_release(&body);
		if (r != CD_OK || !token)
			break;
	}
	free(token);
	if (r != CD_OK)
		names_clear(t, k);
	else
		names_finish(t);
	return r;
}
