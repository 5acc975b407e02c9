/* plot-private.h: the layer the plot kinds share inside widgets/plot/: a canvas (the cairo_t,
 * its style and one Pango layout), panels that map data to device coordinates and draw
 * their axes, legends, grids of panels, and numeric helpers. Never included from outside.
 *
 * Invariants: a CrCanvas lives for one drawing call, between cr_canvas_begin and
 * cr_canvas_end; every helper that changes the cairo_t's state restores it before returning,
 * except cr_panel_clip, whose cairo_save the caller pairs with a cairo_restore.
 */
#pragma once

#include "plot.h"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <pango/pangocairo.h>

G_BEGIN_DECLS

typedef struct
{
  double x, y, width, height;
} CrRect;

typedef struct
{
  cairo_t *cr;
  const CrPlotStyle *style;
  CrPlotStyle default_style; /* what style points to when the caller passed NULL */
  PangoLayout *layout;       /* reused for every piece of text */
  PangoFontDescription *font;
  double layout_scale;       /* the font scale the layout is set to */
  double width, height;
  CrColor background, foreground, grid, muted, alert;
  double font_size;          /* device units */
  double line_height;        /* of one line of text at scale 1 */
  double pad;                /* the spacing unit between panels and labels */
} CrCanvas;

/* Checks the size and @cr, saves @cr's state, paints the background and sets up the text.
 * Returns: FALSE with @error set (and nothing to end) when the plot cannot be drawn. */
gboolean cr_canvas_begin (CrCanvas *canvas,
                          cairo_t *cr,
                          double width,
                          double height,
                          const CrPlotStyle *style,
                          GError **error);

/* Frees the text layout and restores @cr. Returns: FALSE with @error set when @cr went
 * into an error state while drawing. */
gboolean cr_canvas_end (CrCanvas *canvas,
                        GError **error);

/* Ends the canvas after a failure that already set an error. Always returns FALSE. */
gboolean cr_canvas_abort (CrCanvas *canvas);

/* The extent of @text (Pango markup off) at @scale times the font size. */
void cr_canvas_measure (CrCanvas *canvas,
                        const char *text,
                        double scale,
                        double *width,
                        double *height);

/* Draws @text with its box aligned to (@x, @y): @align_x 0 puts its left edge there, 0.5 its
 * centre, 1 its right edge; @align_y likewise from top to bottom. */
void cr_canvas_text (CrCanvas *canvas,
                     const char *text,
                     double x,
                     double y,
                     double align_x,
                     double align_y,
                     double scale,
                     CrColor color);

/* Draws @text turned a quarter anticlockwise (reading upward), centred on (@x, @y). */
void cr_canvas_text_vertical (CrCanvas *canvas,
                              const char *text,
                              double x,
                              double y,
                              double scale,
                              CrColor color);

/* A data rectangle and the data ranges it shows. */
typedef struct
{
  CrRect area;
  double x_lo, x_hi, y_lo, y_hi;
} CrPanel;

/* What is drawn around a panel. Every field may be NULL or 0. */
typedef struct
{
  const char *title;
  const char *x_label;
  const char *y_label;
  const CrAxisTicks *x_ticks;      /* ticks, grid lines and labels along x */
  const CrAxisTicks *y_ticks;      /* numeric ticks along y */
  const char *const *y_names;      /* or names along y, at y = y_name_positions[k] */
  const double *y_name_positions;
  size_t n_y_names;
  gboolean hide_x_tick_labels;     /* keep ticks and grid, leave the labels (shared axes) */
  gboolean hide_y_tick_labels;
  gboolean no_y_axis;              /* densities: no left spine, no y ticks */
} CrFrame;

/* The room @frame needs outside the data area: left, right, top and bottom margins. */
void cr_frame_margins (CrCanvas *canvas,
                       const CrFrame *frame,
                       double *left,
                       double *right,
                       double *top,
                       double *bottom);

/* Ticks for an axis of @length device units that shows exactly [@lo, @hi] (not the range
 * rounded out to ticks): about one per @spacing units, but at least three inside the range
 * where that leaves 35 units or more per tick. */
void cr_ticks_for (double lo,
                   double hi,
                   double length,
                   double spacing,
                   CrAxisTicks *ticks);

/* Places a panel in @outer, leaving the margins @frame needs, showing the data ranges
 * [x_lo, x_hi] x [y_lo, y_hi] (ranges of zero width are widened). */
void cr_panel_place (CrCanvas *canvas,
                     CrRect outer,
                     const CrFrame *frame,
                     double x_lo,
                     double x_hi,
                     double y_lo,
                     double y_hi,
                     CrPanel *panel);

/* Draws the panel's grid lines, spines, ticks, tick labels, axis labels and title. Grid
 * lines go under the data: call this before drawing the data. */
void cr_panel_draw_frame (CrCanvas *canvas,
                          const CrPanel *panel,
                          const CrFrame *frame);

/* Data to device coordinates. */
static inline double
cr_panel_x (const CrPanel *panel, double x)
{
  return panel->area.x + (x - panel->x_lo) / (panel->x_hi - panel->x_lo) * panel->area.width;
}

static inline double
cr_panel_y (const CrPanel *panel, double y)
{
  return panel->area.y + (panel->y_hi - y) / (panel->y_hi - panel->y_lo) * panel->area.height;
}

/* Saves @canvas's cairo_t and clips it to the panel's data area (plus @margin device units
 * around it); the caller calls cairo_restore. */
void cr_panel_clip (CrCanvas *canvas,
                    const CrPanel *panel,
                    double margin);

typedef enum
{
  CR_LEGEND_LINE, /* a short line in the colour */
  CR_LEGEND_BOX,  /* a filled box in the colour at the entry's alpha */
  CR_LEGEND_DOT,  /* a dot */
  CR_LEGEND_TEXT, /* no mark: the text itself in the colour */
} CrLegendMark;

typedef struct
{
  const char *label;
  CrColor color;
  double alpha;
  CrLegendMark mark;
} CrLegendEntry;

/* Lays the entries out left to right from the top left of @area, wrapping at its width, and
 * draws them when @draw is TRUE. Returns: the height used (0 for no entries). */
double cr_canvas_legend (CrCanvas *canvas,
                         CrRect area,
                         const CrLegendEntry *entries,
                         size_t n_entries,
                         gboolean draw);

/* The legend of @n_chains chain colours ("chain 0", ...) drawn across the top of the plot,
 * nothing for one chain. Returns: the height used, padding included. */
double cr_canvas_chain_legend (CrCanvas *canvas,
                               size_t n_chains,
                               gboolean draw);

/* A grid of @n_items cells: one row up to @max_cols items, else @max_cols columns (2 for 4
 * items), as ArviZ's default_grid. */
void cr_grid_shape (size_t n_items,
                    size_t max_cols,
                    size_t *rows,
                    size_t *cols);

/* Cell @index (row-major) of a @rows x @cols grid over @outer. */
CrRect cr_grid_cell (CrRect outer,
                     size_t rows,
                     size_t cols,
                     size_t index);

/* Fails with CR_PLOT_ERROR_SIZE unless cells of @cell_width x @cell_height hold a panel
 * (at least @min_width x @min_height); @what names the cells ("12 panels"). */
gboolean cr_check_cells (double cell_width,
                         double cell_height,
                         double min_width,
                         double min_height,
                         const char *what,
                         GError **error);

/* Fails with CR_PLOT_ERROR_INPUT unless @draws has quantities, chains and draws, each
 * quantity with draws. */
gboolean cr_check_draws (const CrPlotDraws *draws,
                         const char *kind,
                         GError **error);

/* Strokes the @n_grid points of a density as a line in @color (@fill_alpha > 0 also fills
 * under it down to y = 0). */
void cr_panel_density (CrCanvas *canvas,
                       const CrPanel *panel,
                       const double *grid,
                       const double *density,
                       size_t n_grid,
                       CrColor color,
                       double line_width,
                       double fill_alpha);

/* Draws the percentage @prob (0.94 -> "94%"), trimmed of trailing zeros, into @buffer. */
void cr_format_percent (char *buffer,
                        size_t size,
                        double prob);

/* ---- Numerics ---- */

/* The number of finite values among @values[0 .. n-1] (with stride 1), their range into @lo
 * and @hi (untouched when there are none). */
size_t cr_finite_range (const double *values,
                        size_t n,
                        double *lo,
                        double *hi);

/* Copies the finite values of @values into @out (n values of room), sorted ascending.
 * Returns: how many there were. */
size_t cr_sorted_finite (const double *values,
                         size_t n,
                         double *out);

/* R's type 7 quantile at @prob in [0, 1] of @n >= 1 sorted values. */
double cr_quantile_sorted (const double *sorted,
                           size_t n,
                           double prob);

/* cr_plot_hdi on @n values already sorted ascending, none NaN. */
void cr_hdi_sorted (const double *sorted,
                    size_t n,
                    double prob,
                    double *lower,
                    double *upper);

/* The autocorrelation of @chain (n >= 2 values) at lags 0 .. @max_lag (< n) into @out:
 * the autocovariance with divisor n at every lag over its lag-0 value. A constant chain or
 * one with a non-finite value gives NAN at every lag. */
void cr_autocorr (const double *chain,
                  size_t n,
                  size_t max_lag,
                  double *out);

/* The E-BFMI of one chain's @n energies by the empirical estimator of Betancourt 2016
 * (arXiv:1604.00695): sum (E[i] - E[i-1])^2 / sum (E[i] - mean)^2, as the engine's
 * cr_diag_ebfmi; NAN for fewer than 2 energies, a constant or a non-finite one. */
double cr_ebfmi (const double *energy,
                 size_t n);

G_END_DECLS
