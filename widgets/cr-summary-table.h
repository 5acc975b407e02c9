/* cr-summary-table.h: the Diagnostics view's summary table: a run's quantities in ArviZ's
 * columns (name, mean, sd, hdi_3%, hdi_97%, mcse_mean, mcse_sd, ess_bulk, ess_tail, r_hat),
 * with each vector or matrix variable as one group row that opens on its elements.
 *
 * Rows: a scalar ("sigma") is a plain row, as is a variable of one element ("w[0]"). The
 * elements of a larger variable (consecutive names sharing the part before '[':
 * "beta[0]".."beta[19]", "L[0,0]".."L[1,1]") are the children of a group row, which shows the variable's name and shape ("beta" and a dim "[20]") and, where a
 * worst element means something, that worst: the largest r_hat and the smallest ess_bulk and
 * ess_tail. Its other cells are blank. Every row is coloured by its verdict (css class
 * "warning" or "error", with the thresholds of diag/verdict.h: r_hat above 1.05 is an error,
 * above 1.01 or an ESS under 100 per chain a warning); a group takes its worst element's, so
 * a person sees at once which variable to open.
 *
 * Default expansion: when the run has at most CR_SUMMARY_TABLE_EXPAND_MAX quantities every
 * group starts open, since then all rows fit in the table with little scrolling and opening
 * a group would be a wasted click; with more, groups start closed, so every variable, coloured
 * by its worst element, is in view at once. A group whose variable was in the previous summary
 * keeps the state it had there, so running the same model again keeps what the person opened.
 *
 * Sorting: clicking a header sorts the top-level rows by that column (groups by their worst
 * element; a blank sorts after every number, as a value that could not be computed does) and
 * the elements within each group, which stay under their group. Ties keep the model's order;
 * sorting by name is the model's order.
 *
 * Keyboard: the arrow keys move the selection; Right, plus and asterisk open the selected
 * group, Left, minus and slash close it, and from an element go to its group (the keys of
 * GtkTreeExpander, with Left and Right as in other trees). Closing the group of the selected
 * element selects the group.
 *
 * Invariants: the table copies what it shows from the summary it is given, so the caller may
 * free that summary at once; exactly one row is selected while the table has rows (the first
 * after set_summary ()). Cells read the same numbers the summary holds: decimals 0 for ESS, 2
 * for r_hat and 3 otherwise; "—" for a value that could not be computed.
 *
 * Signals:
 *   "selection-changed": the selected row changed (also once per set_summary ()); read it with
 *   cr_summary_table_get_selection ().
 */
#pragma once

#include "diag/verdict.h"
#include "sample/sample.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A run with at most this many quantities shows its groups open (see above). */
#define CR_SUMMARY_TABLE_EXPAND_MAX 12

/* The table's columns, in their order on screen. */
typedef enum
{
  CR_SUMMARY_COLUMN_NAME,
  CR_SUMMARY_COLUMN_MEAN,
  CR_SUMMARY_COLUMN_SD,
  CR_SUMMARY_COLUMN_HDI_LOWER,
  CR_SUMMARY_COLUMN_HDI_UPPER,
  CR_SUMMARY_COLUMN_MCSE_MEAN,
  CR_SUMMARY_COLUMN_MCSE_SD,
  CR_SUMMARY_COLUMN_ESS_BULK,
  CR_SUMMARY_COLUMN_ESS_TAIL,
  CR_SUMMARY_COLUMN_R_HAT,
  CR_SUMMARY_N_COLUMNS,
} CrSummaryColumn;

#define CR_TYPE_SUMMARY_TABLE (cr_summary_table_get_type ())
G_DECLARE_FINAL_TYPE (CrSummaryTable, cr_summary_table, CR, SUMMARY_TABLE, GtkWidget)

/* Returns: (transfer floating) an empty table. */
GtkWidget *cr_summary_table_new (void);

/* Shows @summary (copied: the caller keeps it and may free it at once), or nothing for NULL;
 * selects the first row and emits "selection-changed". The column sorted by stays. */
void cr_summary_table_set_summary (CrSummaryTable *table, const CrSampleSummary *summary);

/* The selected row's quantities: a quantity row gives (its index, 1), a group row its
 * elements' range (first index, number of elements). Returns: FALSE when nothing is selected
 * (the table is empty). */
gboolean cr_summary_table_get_selection (CrSummaryTable *table, size_t *first, size_t *count);

/* Selects the row of quantity @quantity (< the summary's n_quantities), opening its group
 * first, and scrolls to it. */
void cr_summary_table_select (CrSummaryTable *table, size_t quantity);

/* Returns: (transfer none) the column view inside, whose columns are in CrSummaryColumn order
 * (to sort by one as clicking its header does). */
GtkColumnView *cr_summary_table_get_view (CrSummaryTable *table);

/* Returns: the number of rows the table shows: top-level rows and the elements of open
 * groups, in their order on screen. */
guint cr_summary_table_get_n_rows (CrSummaryTable *table);

/* What row @position (< cr_summary_table_get_n_rows ()) shows: its quantities as in
 * cr_summary_table_get_selection (), whether it is a group row, and whether it is open (FALSE
 * for a quantity row). Each out argument may be NULL. Returns: FALSE when there is no such
 * row. */
gboolean cr_summary_table_get_row (CrSummaryTable *table,
                                   guint position,
                                   size_t *first,
                                   size_t *count,
                                   gboolean *is_group,
                                   gboolean *expanded);

/* Returns: (transfer full) the text row @position shows in @column ("" for a group's blank
 * cell), or NULL when there is no such row; g_free () it. */
char *cr_summary_table_get_cell_text (CrSummaryTable *table,
                                      guint position,
                                      CrSummaryColumn column);

/* Returns: the verdict row @position is coloured by (OK when there is no such row). */
CrVerdictLevel cr_summary_table_get_row_level (CrSummaryTable *table, guint position);

G_END_DECLS
