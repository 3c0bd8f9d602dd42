/* gen_resources.c -- quick connects, proficiencies and tags for a generated instance (deterministic). */
#include "gen_resources.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outfile.h"

static uint64_t mix(uint64_t z)
{
	z += 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void det_uuid(uint64_t a, uint64_t b, char out[37])
{
	a = mix(a);
	b = mix(b ^ a);
	snprintf(out, 37, "%08x-%04x-4%03x-%04x-%012llx", (unsigned)(a >> 32),
		 (unsigned)(a >> 16) & 0xffff, (unsigned)a & 0xfff,
		 (unsigned)(0x8000 | ((b >> 48) & 0x3fff)), (unsigned long long)(b & 0xffffffffffffULL));
}

static const char *const skills[][2] = {
	{ "Language", "English" }, { "Language", "Spanish" }, { "Language", "German" },
	{ "Technology", "Billing" }, { "Technology", "Networking" }, { "Product", "Mortgages" },
};
static const char *const teams[] = { "sales", "support", "collections", "onboarding" };

/* One section of the file: f is the open temporary file. */
static void write_all(FILE *f, const struct gen_opts *o)
{
	char uid[37], qid[37], flow[37];
	uint64_t seed = o->seed;
	det_uuid(seed, 0xf10f, flow);
	fputs("{\"QuickConnects\":[", f);
	bool first = true;
	for (size_t i = 0; i < o->users; i++) {
		uint64_t h = mix(seed * 0x100000001b3ULL ^ (uint64_t)i);
		if (!(h & 1))
			continue;
		gen_user_id(seed, i, uid);
		for (int k = 0; k < ((h >> 4) % 4 == 0 ? 2 : 1); k++) {
			det_uuid(h, (uint64_t)k + 0x9c, qid);
			fprintf(f, "%s\n{\"QuickConnectId\":\"%s\",\"Name\":\"Transfer to agent %.8s%s\","
				   "\"Description\":\"direct transfer\",\"QuickConnectConfig\":{"
				   "\"QuickConnectType\":\"USER\",\"UserConfig\":{\"UserId\":\"%s\","
				   "\"ContactFlowId\":\"%s\"}},\"Tags\":{},\"LastModifiedTime\":1640995200.0,"
				   "\"LastModifiedRegion\":\"%s\"}",
				first ? "" : ",", qid, uid, k ? " (2)" : "", uid, flow, gen_region(o));
			first = false;
		}
	}
	fputs("\n],\"UserProficiencies\":{", f);
	first = true;
	for (size_t i = 0; i < o->users; i++) {
		uint64_t h = mix(seed * 0x100000001b3ULL ^ (uint64_t)i);
		unsigned n = (unsigned)((h >> 8) % 3);
		if (!n)
			continue;
		gen_user_id(seed, i, uid);
		fprintf(f, "%s\n\"%s\":[", first ? "" : ",", uid);
		first = false;
		for (unsigned k = 0; k < n; k++) {
			const char *const *s = skills[(h >> (12 + 4 * k)) % 6];
			if (k && s == skills[(h >> 12) % 6])
				s = skills[((h >> 12) + 1) % 6];
			fprintf(f, "%s{\"AttributeName\":\"%s\",\"AttributeValue\":\"%s\",\"Level\":%u.0}",
				k ? "," : "", s[0], s[1], (unsigned)(1 + (h >> (24 + 3 * k)) % 5));
		}
		fputc(']', f);
	}
	fputs("\n},\"UserTags\":{", f);
	first = true;
	for (size_t i = 0; i < o->users; i++) {
		uint64_t h = mix(seed * 0x100000001b3ULL ^ (uint64_t)i);
		if ((h >> 16) % 2)
			continue;
		gen_user_id(seed, i, uid);
		fprintf(f, "%s\n\"%s\":{\"team\":\"%s\",\"cost-center\":\"CC-%04u\"}", first ? "" : ",",
			uid, teams[(h >> 20) % 4], (unsigned)((h >> 32) % 10000));
		first = false;
	}
	fputs("\n}}\n", f);
}

enum cd_result gen_resources_write(const struct gen_opts *o, const char *path, char *err,
				   size_t errlen)
{
	struct outfile of;
	enum cd_result r = outfile_open(&of, path, err, errlen);
	if (r != CD_OK)
		return r;
	write_all(of.f, o);
	return outfile_commit(&of, err, errlen);
}
