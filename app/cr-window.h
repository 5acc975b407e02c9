/* cr-window.h: the main window: header bar, the views (Data, Model, Sampling, Diagnostics,
 * Compare, Report) and the project it shows. */
#pragma once

#include "sample/sample.h"

#include <adwaita.h>

G_BEGIN_DECLS

#define CR_TYPE_WINDOW (cr_window_get_type ())
G_DECLARE_FINAL_TYPE (CrWindow, cr_window, CR, WINDOW, AdwApplicationWindow)

/* Returns: (transfer floating) a new window of @application with no project. */
CrWindow *cr_window_new (GtkApplication *application);

/* Opens the project at @path in this window. On failure the window keeps what it showed and
 * @error says why (the caller shows it). */
gboolean cr_window_open_project (CrWindow *window, const char *path, GError **error);

/* Shows @error in a dialog over the window. */
void cr_window_show_error (CrWindow *window, const char *heading, const GError *error);

/* Returns: (transfer none) the path of the open project, or NULL. */
const char *cr_window_get_project_path (CrWindow *window);

/* Returns: (transfer none) the summary of the last finished run, or NULL. */
const CrSampleSummary *cr_window_get_summary (CrWindow *window);

/* Brings the CSV file at @path into the project (replacing a table of the same name) and shows
 * it in the Data view, as Open and dropping a file do. A file that cannot be read is shown as an
 * error in the Data view, which keeps the data it showed. */
gboolean cr_window_import_csv (CrWindow *window, const char *path, GError **error);

/* Adds model template @id (templates.h) to the project as a new model with its example data,
 * and shows it, as choosing it in the palette does. */
gboolean cr_window_load_template (CrWindow *window, const char *id, GError **error);

/* Export what the window shows, as the menu's Export items do: the plot on show (the suffix of
 * @path picks PNG, SVG or PDF), the summary as CSV, or the run's draws as CmdStan CSV files
 * into the folder @dir. FALSE with @error when there is nothing to export or the write fails. */
gboolean cr_window_export_plot (CrWindow *window, const char *path, GError **error);
gboolean cr_window_export_summary (CrWindow *window, const char *path, GError **error);
gboolean cr_window_export_draws (CrWindow *window, const char *dir, GError **error);

/* Returns: TRUE while chains are running in the background. */
gboolean cr_window_is_sampling (CrWindow *window);

/* Returns: TRUE while chains run or a run's summary is being computed in the background. */
gboolean cr_window_is_busy (CrWindow *window);

G_END_DECLS
