/* explain.c -- one line for a person to read per piece of evidence, from the users' original
 * values. */
#include "detect/match.h"

#include <string.h>
#include "detect/normalize.h"

static enum cd_result q(struct buf *o, const char *label, const char *x, const char *rel, const char *label2, const char *y)
{
	return buf_printf(o, "%s \"%s\" %s %s\"%s\"", label, x, rel, label2, y);
}

enum cd_result match_explain(const struct user *a, const struct user *b, enum match_kind k,
			     struct buf *o)
{
	struct buf x = BUF_INIT(SIZE_MAX), y = BUF_INIT(SIZE_MAX);
	enum cd_result r = CD_OK;
	switch (k) {
	case MK_EMAIL:
		r = q(o, "e-mail", a->email, "=", "", b->email);
		break;
	case MK_EMAIL_SECONDARY: {
		/* say which field met which */
		const char *fa = "e-mail", *va = a->email, *fb = "secondary e-mail ", *vb = b->secondary_email;
		norm_email(a->email, &x);
		norm_email(b->secondary_email, &y);
		if (!x.len || strcmp(buf_str(&x), buf_str(&y)) != 0) {
			buf_reset(&x);
			buf_reset(&y);
			norm_email(a->secondary_email, &x);
			norm_email(b->email, &y);
			fa = "secondary e-mail", va = a->secondary_email, fb = "e-mail ", vb = b->email;
			if (!x.len || strcmp(buf_str(&x), buf_str(&y)) != 0)
				fb = "secondary e-mail ", vb = b->secondary_email;
		}
		r = q(o, fa, va, "=", fb, vb);
		break;
	}
	case MK_USERNAME:
		r = q(o, "username", a->username, "=", "", b->username);
		break;
	case MK_USERNAME_EMAIL:
		norm_email(a->username, &x);
		norm_email(b->email, &y);
		if (x.len && strcmp(buf_str(&x), buf_str(&y)) == 0)
			r = q(o, "username", a->username, "=", "e-mail ", b->email);
		else
			r = q(o, "e-mail", a->email, "=", "username ", b->username);
		break;
	case MK_HANDLE:
		r = buf_printf(o, "username \"%s\" / e-mail \"%s\" ~ username \"%s\" / e-mail \"%s\"",
			       a->username, a->email, b->username, b->email);
		break;
	case MK_NAME:
	case MK_NAME_SWAPPED:
	case MK_NAME_TYPO:
	case MK_NAME_INITIAL:
	case MK_NAME_DIFFERENT:
		r = buf_printf(o, "name \"%s %s\" %s \"%s %s\"%s", a->first_name, a->last_name,
			       k == MK_NAME_DIFFERENT ? "!=" : k == MK_NAME_TYPO || k == MK_NAME_INITIAL ? "~" : "=",
			       b->first_name, b->last_name,
			       k == MK_NAME_SWAPPED ? " (first and last swapped)" :
			       k == MK_NAME_TYPO ? " (spelling)" : k == MK_NAME_INITIAL ? " (initial)" : "");
		break;
	case MK_NICKNAME:
		r = buf_printf(o, "first name \"%s\" ~ \"%s\" (nickname), last name \"%s\"",
			       a->first_name, b->first_name, a->last_name);
		break;
	case MK_PHONE: {
		char pa[64], pb[64], pc[64];
		const char *va = a->mobile, *vb = b->mobile;
		norm_phone(a->mobile, pa, sizeof(pa));
		norm_phone(b->mobile, pb, sizeof(pb));
		norm_phone(b->desk_phone, pc, sizeof(pc));
		if (!pa[0] || (strcmp(pa, pb) != 0 && strcmp(pa, pc) != 0))
			va = a->desk_phone;
		norm_phone(va, pa, sizeof(pa));
		if (!pb[0] || strcmp(pa, pb) != 0)
			vb = b->desk_phone;
		r = q(o, "phone", va, "=", "", vb);
		break;
	}
	case MK_DIRECTORY:
		r = buf_printf(o, "directory user \"%s\"", a->directory_user_id);
		break;
	case MK_ROUTING:
		r = strcmp(a->routing_profile_id, b->routing_profile_id) == 0
			    ? buf_printf(o, "routing profile \"%s\"", a->routing_profile_id)
			    : q(o, "routing profile", a->routing_profile_id, "!=", "", b->routing_profile_id);
		break;
	case MK_HIERARCHY:
		r = strcmp(a->hierarchy_group_id, b->hierarchy_group_id) == 0
			    ? buf_printf(o, "hierarchy group \"%s\"", a->hierarchy_group_id)
			    : q(o, "hierarchy group", a->hierarchy_group_id, "!=", "", b->hierarchy_group_id);
		break;
	default:
		r = buf_puts(o, "unknown evidence");
	}
	buf_release(&x);
	buf_release(&y);
	return r;
}
