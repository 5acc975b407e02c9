/* plot.h: the shared layer of the plot renderers: axis ticks, tick labels and the per-chain
 * palette. Pure Cairo and Pango: the same code draws on screen, into PNG, SVG and PDF files
 * and into reports, and credence-cli uses it without GTK.
 *
 * Invariants: nothing here allocates on the drawing path except the label strings it returns;
 * every function is safe to call from any thread.
 */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

#define CR_AXIS_MAX_TICKS 16

typedef struct
{
  double lo, hi;                        /* the axis range: covers the data, ends on ticks */
  double step;                          /* 1, 2 or 5 times a power of ten */
  int n_ticks;
  double ticks[CR_AXIS_MAX_TICKS];
  int decimals;                         /* digits after the point that label every tick */
} CrAxisTicks;

/* Chooses about @target (2..10) ticks at "nice" steps covering [@data_lo, @data_hi]
 * (Heckbert 1990, "Nice numbers for graph labels"). A degenerate range (lo == hi) is widened
 * around its value; non-finite input gives the range [0, 1]. */
void cr_axis_ticks (double data_lo, double data_hi, int target, CrAxisTicks *ticks);

/* Formats @value as a tick label of @ticks: fixed notation with ticks->decimals digits, or
 * scientific notation when the magnitude is below 1e-4 or at least 1e6; never "-0".
 * Returns: (transfer full) the label; g_free () it. */
char *cr_axis_format_tick (double value, const CrAxisTicks *ticks);

typedef enum
{
  CR_PLOT_THEME_LIGHT,
  CR_PLOT_THEME_DARK,
} CrPlotTheme;

typedef struct
{
  double red, green, blue;
} CrColor;

/* Returns: the colour of chain @chain (any index; the palette repeats after 8), from the
 * Okabe–Ito colour-blind-safe palette, adjusted for the theme's background. */
CrColor cr_plot_chain_color (guint chain, CrPlotTheme theme);

/* Returns: the theme's background and foreground (text, axes) colours. */
CrColor cr_plot_background_color (CrPlotTheme theme);
CrColor cr_plot_foreground_color (CrPlotTheme theme);

/* Sets @color as @cr's source with @alpha. */
void cr_plot_set_source (cairo_t *cr, CrColor color, double alpha);

G_END_DECLS
