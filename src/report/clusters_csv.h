/* clusters_csv.h -- duplicate_clusters_<ts>.csv: one row per account in a cluster, for spreadsheets. */
#ifndef CD_REPORT_CLUSTERS_CSV_H
#define CD_REPORT_CLUSTERS_CSV_H

#include <stdbool.h>
#include <stdio.h>
#include "report/groups.h"

/* Cluster,Confidence,Suggestion,Username,Email,FirstName,LastName,User_ID,ARN,Evidence,
 * Not_Duplicates_Line -- Suggestion is "keep" (Evidence then says why it is the one to keep)
 * or "remove" (Evidence is the strongest pair joining it); Not_Duplicates_Line is that pair as
 * "ID1,ID2", the line to add to a --not-duplicates file when the two are different people.
 * With the CSV injection guard unless raw. Errors surface through ferror(f). */
void report_clusters_csv(FILE *f, const struct groups_facts *g, bool raw);

#endif
