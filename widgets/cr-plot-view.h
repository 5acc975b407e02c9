/* cr-plot-view.h: a plot on screen: a GtkDrawingArea that draws one of the plot renderers
 * (widgets/plot/) at its size, in the application's light or dark style. The same input
 * exports to PNG, SVG or PDF with cr_plot_view_save (). */
#pragma once

#include "plot.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CR_TYPE_PLOT_VIEW (cr_plot_view_get_type ())
G_DECLARE_FINAL_TYPE (CrPlotView, cr_plot_view, CR, PLOT_VIEW, GtkDrawingArea)

/* Returns: (transfer floating) an empty plot view, which says so until it has an input. */
GtkWidget *cr_plot_view_new (void);

/* Shows plot @kind of @input, which the view now owns and frees with @free_input (the input
 * struct and whatever it points to). NULL @input empties the view and shows @empty_text. */
void cr_plot_view_set_input (CrPlotView *view,
                             CrPlotKind kind,
                             gpointer input,
                             GDestroyNotify free_input,
                             const char *empty_text);

/* Returns: whether the view has an input to draw. */
gboolean cr_plot_view_has_input (CrPlotView *view);

/* Writes the plot on show to @path (the suffix picks PNG, SVG or PDF) at the view's size. */
gboolean cr_plot_view_save (CrPlotView *view, const char *path, GError **error);

G_END_DECLS
