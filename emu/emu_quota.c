/* emu_quota.c -- per-operation token buckets. */
#include "emu_quota.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

const char *const emu_op_names[EMU_OP_COUNT] = {
	"ListUsers", "DescribeUser", "SearchUsers", "ListInstances", "DeleteUser", "CreateUser",
	"ListQuickConnects", "DescribeQuickConnect", "DeleteQuickConnect", "ListUserProficiencies",
	"AssociateUserProficiencies", "ListRoutingProfiles", "ListSecurityProfiles",
	"ListUserHierarchyGroups",
};

int emu_op_find(const char *name, size_t len)
{
	for (int i = 0; i < EMU_OP_COUNT; i++)
		if (strlen(emu_op_names[i]) == len && !strncasecmp(emu_op_names[i], name, len))
			return i;
	return -1;
}

double emu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void emu_quota_init(struct emu_quota *q)
{
	memset(q->b, 0, sizeof q->b);
	pthread_mutex_init(&q->lock, NULL);
}

void emu_quota_release(struct emu_quota *q)
{
	pthread_mutex_destroy(&q->lock);
}

enum cd_result emu_quota_set(struct emu_quota *q, bool is_burst, const char *arg, char *err,
			     size_t errlen)
{
	const char *opt = is_burst ? "--burst" : "--rate";
	const char *eq = strchr(arg, '=');
	const char *num = eq ? eq + 1 : arg;
	int op = -1;
	if (eq) {
		op = emu_op_find(arg, (size_t)(eq - arg));
		if (op < 0) {
			snprintf(err, errlen,
				 "%s: unknown operation '%.*s' (ListUsers, DescribeUser, SearchUsers, "
				 "ListInstances)", opt, (int)(eq - arg), arg);
			return CD_USAGE;
		}
	}
	char *end;
	double v = strtod(num, &end);
	if (!*num || *end || !(v >= 0 && v <= 1e9) || (is_burst && v < 1 && v != 0)) {
		snprintf(err, errlen, "%s: bad number '%s'", opt, num);
		return CD_USAGE;
	}
	for (int i = 0; i < EMU_OP_COUNT; i++) {
		if (op >= 0 && i != op)
			continue;
		if (is_burst) {
			q->b[i].burst = v;
			q->b[i].burst_set = true;
		} else {
			q->b[i].rate = v;
		}
	}
	return CD_OK;
}

void emu_quota_start(struct emu_quota *q)
{
	double now = emu_now();
	for (int i = 0; i < EMU_OP_COUNT; i++) {
		struct emu_bucket *b = &q->b[i];
		if (!b->burst_set || b->burst <= 0)
			b->burst = b->rate > 1 ? b->rate : 1;
		b->tokens = b->burst;
		b->last = now;
	}
}

bool emu_quota_take(struct emu_quota *q, enum emu_op op, double now)
{
	struct emu_bucket *b = &q->b[op];
	if (b->rate <= 0)
		return true;
	bool ok = false;
	pthread_mutex_lock(&q->lock);
	if (now > b->last) {
		b->tokens += (now - b->last) * b->rate;
		if (b->tokens > b->burst)
			b->tokens = b->burst;
		b->last = now;
	}
	if (b->tokens >= 1) {
		b->tokens -= 1;
		ok = true;
	}
	pthread_mutex_unlock(&q->lock);
	return ok;
}
