/* cr-data-view.h: the Data view's table: a dataset's columns with their names, types, missing
 * counts and a small histogram (numeric) or bar chart of level counts (categorical) each, a
 * drop-down per column to change its type, and the cells in a GtkColumnView that scrolls a
 * million rows smoothly. Above the table, an error area shows a load error while the data
 * already shown stays; with no dataset, an empty state says how to open one.
 *
 * Invariants:
 * - The view owns its dataset; it never changes it in place. A type change builds a new
 *   dataset, which the view then shows and announces with "dataset-changed".
 * - The table's list model is O(1) to create and holds no per-row state: it makes the object
 *   for a row only when the column view asks for that row.
 * - Cells are formatted from the dataset's doubles alone (cr_data_view_format_cell), so what
 *   the table shows is what the engine reads.
 *
 * Signals:
 *   "dataset-changed" (CrDataView *view, gpointer dataset, gpointer user_data): a type change
 *   built a new dataset (transfer none: the view owns it, valid until the view's dataset
 *   changes again; copy what outlives that). The view already shows it.
 */
#pragma once

#include "data/data.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CR_DATA_VIEW_ERROR (cr_data_view_error_quark ())
GQuark cr_data_view_error_quark (void);

typedef enum
{
  CR_DATA_VIEW_ERROR_NOT_A_NUMBER,   /* a level of a categorical column is not a number */
  CR_DATA_VIEW_ERROR_NOT_AN_INTEGER, /* a value (or level) bound for an integer column is not whole */
} CrDataViewError;

#define CR_TYPE_DATA_VIEW (cr_data_view_get_type ())
G_DECLARE_FINAL_TYPE (CrDataView, cr_data_view, CR, DATA_VIEW, GtkWidget)

/* Returns: (transfer floating) a view with no dataset, showing the empty state. */
GtkWidget *cr_data_view_new (void);

/* Shows @dataset, which the view now owns and frees (transfer full); NULL shows the empty
 * state. Hides an error on show: it belonged to what was there before. Emits nothing. */
void cr_data_view_set_dataset (CrDataView *view, CrDataset *dataset);

/* Returns: (transfer none) the dataset on show, or NULL; valid until the view's dataset
 * changes (a call to cr_data_view_set_dataset () or a type change) or the view is finalised. */
const CrDataset *cr_data_view_get_dataset (CrDataView *view);

/* Shows @error's message in the error area above the table, keeping the data on show; the
 * area's close button hides it. */
void cr_data_view_show_error (CrDataView *view, const GError *error);

/* Returns: (transfer full) the text of @column's cell @row (< the dataset's row count), as the
 * table shows it: an integer without decimals, a float with up to 6 significant digits, a
 * categorical cell as its level's name, a missing cell as "—"; g_free () it. */
char *cr_data_view_format_cell (const CrColumn *column, size_t row);

/* Builds a copy of @dataset in which column @index has type @type. Numeric to categorical:
 * the levels are the distinct present values sorted numerically, named by their shortest
 * round-trip decimal form ("0.5", "12"). Categorical to numeric: each level's name is parsed
 * as a number. Float to integer: every present value must be whole. Missing cells stay missing.
 * Returns: (transfer full) the new dataset, or NULL with @error set in CR_DATA_VIEW_ERROR
 * (e.g. "level 'A' of column 'school' is not a number; ..."). */
CrDataset *cr_data_view_convert_column (const CrDataset *dataset,
                                        size_t index,
                                        CrColumnType type,
                                        GError **error);

G_END_DECLS
