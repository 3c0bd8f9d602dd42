/* csv.h -- RFC 4180 CSV writing with the spreadsheet formula-injection guard. */
#ifndef CD_REPORT_CSV_H
#define CD_REPORT_CSV_H

#include <stdbool.h>
#include <stdio.h>

#include "buf.h"
#include "detect/rules.h"
#include "model/user.h"
#include "result.h"

/* Cells are quoted when they hold a comma, a double quote, CR or LF (quotes doubled); rows end
 * in CRLF (RFC 4180). Unless `raw`, a cell starting with '=', '+', '-', '@', TAB or CR gets a
 * leading apostrophe so Excel, LibreOffice and Google Sheets show it as text instead of running
 * it as a formula (OWASP "CSV injection"); --csv-raw turns that off for tools that read the file
 * back. The guard changes the cell's text, so a value like "+15550100" reads "'+15550100". */

/* Appends one cell (no separator) to b. */
enum cd_result csv_cell(struct buf *b, const char *s, bool raw);
/* Writes cells[0..n) as one row to f; errors surface through ferror(f). */
void csv_row(FILE *f, const char *const *cells, size_t n, bool raw);

/* all_users_<ts>.csv: Username,Email,FirstName,LastName,User_ID,ARN. */
void csv_write_users(FILE *f, const struct user_set *users, bool raw);
/* duplicate_users_<ts>.csv: User1_ID,User1_Username,User1_Email,User1_FirstName,User1_LastName,
 * User2_...,Reason -- e-mail pairs, then username pairs, then name pairs, each in input order. */
void csv_write_pairs(FILE *f, const struct user_set *users, const struct rule_pairs *pairs,
		     bool raw);

#endif
