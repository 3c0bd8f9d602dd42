/* explain_names.h -- evidence about routing profiles and hierarchy groups in words, with their names. */
#ifndef CD_DETECT_EXPLAIN_NAMES_H
#define CD_DETECT_EXPLAIN_NAMES_H

#include <stdbool.h>
#include "buf.h"
#include "detect/match.h"
#include "model/names.h"

/* True when match_explain_named writes a whole sentence for kind k ("Same routing profile:
 * Basic Routing Profile"), which a report shows without its own label for the kind: k is
 * MK_ROUTING or MK_HIERARCHY and the instance's list of that resource is known (names_known).
 * False for a NULL table (analyze FILE...): the text is match_explain's then. */
bool match_explain_sentence(enum match_kind k, const struct name_table *names);

/* match_explain, with names: "Same routing profile: Basic Routing Profile (same security
 * profiles: Agent, CallCenterManager)", "Different routing profiles: Sales / Support", "Same
 * hierarchy group: London"; an id the list lacks shows as the id, an empty one as "(none)". Any
 * other kind, or a kind whose list is not known, is exactly match_explain's text. */
enum cd_result match_explain_named(const struct user *a, const struct user *b, enum match_kind k,
				   const struct name_table *names, struct buf *out);

#endif
