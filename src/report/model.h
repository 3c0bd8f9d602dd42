/* model.h -- model_<ts>.json: the detection model estimated for this run (m and u per level,
 * the prior, EM iterations, blocking counts), and its one-line summary for the log. */
#ifndef CD_REPORT_MODEL_H
#define CD_REPORT_MODEL_H

#include <stddef.h>
#include <stdio.h>
#include "buf.h"
#include "detect/match.h"
#include "result.h"

/* {"generated":TS,"mode":M,"users":N,"pairs_total":P,"candidate_pairs":C,"sampled_pairs":S,
 *  "threshold":T,"possible_from":F,"prior":{"lambda":L,"bits":B,"lambda_candidates":LC},
 *  "em":{"iterations":I,"converged":BOOL},"name_m_source":SRC,"name_m_pairs":K,
 *  "blocking":{"capped_blocks":X,"largest_capped":{"key":TEXT,"users":U}},
 *  "comparisons":[{"name":NAME,"levels":[{"level":L,"m":M,"u":U,"weight":BITS}...]}...],
 *  "first_last_model":null|{"lambda":L,"comparisons":[...as above...]},
 *  "duplicates":D,"possible":Q}
 * Level 0 ("null": a side has no value) weighs 0 and is listed without m and u. Errors surface
 * through ferror(f). */
void report_model_json(FILE *f, const struct match_result *m, const struct match_opts *o,
		       size_t users, const char *ts);

/* One line for the log: "model: prior 1 in N pairs (B bits), EM I iterations, names' m from
 * SRC; C candidate pairs, u from S sampled pairs". */
enum cd_result report_model_line(struct buf *out, const struct match_result *m);

#endif
