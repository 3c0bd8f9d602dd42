/* gen_render.c -- an account as its DescribeUser `User` JSON, without printf. */
#include "gen_int.h"

#include <math.h>
#include <string.h>

#include "jsonesc.h"

/* Appends without printf: rendering is most of the generator's time at a million users. */
#define PUT_LIT(b, lit) buf_append((b), (lit), sizeof(lit) - 1)

static enum cd_result put_raw(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

static enum cd_result put_uint(struct buf *b, unsigned long long v)
{
	char t[24];
	size_t n = sizeof t;
	do
		t[--n] = (char)('0' + v % 10);
	while ((v /= 10) && n);
	return buf_append(b, t + n, sizeof t - n);
}

/* Seconds with exactly three decimals (what %.3f gives for our millisecond values). */
static enum cd_result put_millis(struct buf *b, double secs)
{
	long long ms = llround(secs * 1000.0);
	char frac[4] = { (char)('0' + ms / 100 % 10), (char)('0' + ms / 10 % 10), (char)('0' + ms % 10), 0 };
	enum cd_result r = put_uint(b, (unsigned long long)(ms / 1000));
	if (r == CD_OK)
		r = buf_putc(b, '.');
	return r == CD_OK ? buf_append(b, frac, 3) : r;
}

static enum cd_result put_member(struct buf *b, const char *lit_key, const char *val, int escape)
{
	enum cd_result r = put_raw(b, lit_key);
	if (r != CD_OK)
		return r;
	if (escape)
		return jsonesc_append(b, val);
	r = buf_putc(b, '"');
	if (r == CD_OK)
		r = put_raw(b, val);
	return r == CD_OK ? buf_putc(b, '"') : r;
}

enum cd_result render(struct gen_ctx *g, const struct acct *a, const char *id, struct buf *b)
{
	char pool[37];
	enum cd_result r;
	buf_reset(b);
	r = put_member(b, "{\"Id\":", id, 0);
	if (r == CD_OK) r = PUT_LIT(b, ",\"Arn\":\"arn:aws:connect:");
	if (r == CD_OK) r = put_raw(b, g->region);
	if (r == CD_OK) r = buf_putc(b, ':');
	if (r == CD_OK) r = put_raw(b, g->account);
	if (r == CD_OK) r = PUT_LIT(b, ":instance/");
	if (r == CD_OK) r = put_raw(b, g->instance_id);
	if (r == CD_OK) r = PUT_LIT(b, "/agent/");
	if (r == CD_OK) r = put_raw(b, id);
	if (r == CD_OK) r = buf_putc(b, '"');
	if (r == CD_OK) r = put_member(b, ",\"Username\":", a->username, 1);
	if (r == CD_OK) r = put_member(b, ",\"IdentityInfo\":{\"FirstName\":", a->first, 1);
	if (r == CD_OK) r = put_member(b, ",\"LastName\":", a->last, 1);
	if (r == CD_OK) r = put_member(b, ",\"Email\":", a->email, 1);
	if (r == CD_OK && a->secondary[0])
		r = put_member(b, ",\"SecondaryEmail\":", a->secondary, 1);
	if (r == CD_OK && a->mobile[0])
		r = put_member(b, ",\"Mobile\":", a->mobile, 0);
	if (r == CD_OK)
		r = put_member(b, "},\"PhoneConfig\":{\"PhoneType\":",
			a->desk_type ? "DESK_PHONE" : "SOFT_PHONE", 0);
	if (r == CD_OK)
		r = a->auto_accept ? PUT_LIT(b, ",\"AutoAccept\":true") : PUT_LIT(b, ",\"AutoAccept\":false");
	if (r == CD_OK) r = PUT_LIT(b, ",\"AfterContactWorkTimeLimit\":");
	if (r == CD_OK) r = put_uint(b, (unsigned long long)a->acw);
	if (r == CD_OK && a->desk_type)
		r = put_member(b, ",\"DeskPhoneNumber\":", a->desk, 0);
	if (r == CD_OK) r = buf_putc(b, '}');
	if (r == CD_OK && a->has_dir)
		r = put_member(b, ",\"DirectoryUserId\":", a->dir, 0);
	if (r == CD_OK) r = PUT_LIT(b, ",\"SecurityProfileIds\":[");
	for (size_t i = 0; i < a->nsec && r == CD_OK; i++) {
		uuid_det(g->o->seed, 's', a->sec[i], pool);
		r = put_member(b, i ? "," : "", pool, 0);
	}
	uuid_det(g->o->seed, 'r', a->rp, pool);
	if (r == CD_OK) r = put_member(b, "],\"RoutingProfileId\":", pool, 0);
	if (r == CD_OK && a->hg != SIZE_MAX) {
		uuid_det(g->o->seed, 'h', a->hg, pool);
		r = put_member(b, ",\"HierarchyGroupId\":", pool, 0);
	}
	if (r == CD_OK && a->ntags) {
		r = put_member(b, ",\"Tags\":{\"Department\":", names_departments[a->tag_dept], 1);
		if (r == CD_OK && a->ntags > 1)
			r = put_member(b, ",\"Site\":", names_sites[a->tag_site], 1);
		if (r == CD_OK && a->ntags > 2) {
			r = PUT_LIT(b, ",\"CostCenter\":\"CC-");
			if (r == CD_OK) r = put_uint(b, a->tag_cc);
			if (r == CD_OK) r = buf_putc(b, '"');
		}
		if (r == CD_OK) r = buf_putc(b, '}');
	}
	if (r == CD_OK) r = PUT_LIT(b, ",\"LastModifiedTime\":");
	if (r == CD_OK) r = put_millis(b, a->lmt);
	if (r == CD_OK) r = put_member(b, ",\"LastModifiedRegion\":", g->region, 0);
	if (r == CD_OK) r = buf_putc(b, '}');
	return r;
}
