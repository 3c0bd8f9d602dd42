/* explain_names.c -- the names hook of the evidence text: ids of routing profiles, security
 * profiles and hierarchy groups replaced by what an administrator calls them. */
#include "detect/explain_names.h"

#include <string.h>

static bool kind_of(enum match_kind k, enum name_kind *nk)
{
	if (k == MK_ROUTING)
		*nk = NAME_ROUTING_PROFILE;
	else if (k == MK_HIERARCHY)
		*nk = NAME_HIERARCHY_GROUP;
	else
		return false;
	return true;
}

bool match_explain_sentence(enum match_kind k, const struct name_table *names)
{
	enum name_kind nk;
	return kind_of(k, &nk) && names_known(names, nk);
}

static const char *name_of(const struct name_table *names, enum name_kind nk, const char *id)
{
	const char *n = names_lookup(names, nk, id);
	return n ? n : *id ? id : "(none)";
}

enum cd_result match_explain_named(const struct user *a, const struct user *b, enum match_kind k,
				   const struct name_table *names, struct buf *out)
{
	enum name_kind nk;
	if (!kind_of(k, &nk) || !names_known(names, nk))
		return match_explain(a, b, k, out);
	const char *ia = nk == NAME_ROUTING_PROFILE ? a->routing_profile_id : a->hierarchy_group_id;
	const char *ib = nk == NAME_ROUTING_PROFILE ? b->routing_profile_id : b->hierarchy_group_id;
	const char *label = name_kind_label(nk);
	enum cd_result r;
	if (strcmp(ia, ib) != 0)
		return buf_printf(out, "Different %ss: %s / %s", label, name_of(names, nk, ia),
				  name_of(names, nk, ib));
	r = buf_printf(out, "Same %s: %s", label, name_of(names, nk, ia));
	/* the security profiles take part in the routing evidence (the same job is the same
	 * routing profile with the same permissions): name them when they are the same */
	if (r == CD_OK && nk == NAME_ROUTING_PROFILE && names_known(names, NAME_SECURITY_PROFILE) &&
	    a->security_profiles[0] && strcmp(a->security_profiles, b->security_profiles) == 0) {
		r = buf_puts(out, " (same security profiles: ");
		if (r == CD_OK)
			r = names_join(names, NAME_SECURITY_PROFILE, a->security_profiles, out);
		if (r == CD_OK)
			r = buf_putc(out, ')');
	}
	return r;
}
