/* trace.c: the trace plot: per quantity, per-chain densities beside per-chain lines. */
#include "plot-private.h"

#include <math.h>

#define TRACE_GRID 256
#define DIVERGENCE_TICK 6.0

/* Segments per stroke when a chain is drawn as a line. A trace doubles back on itself at every
 * draw; Cairo's scan converter slows down with the number of edges crossing each scanline, so
 * a chain stroked a few segments at a time draws several times faster than in one path (800
 * draws of 4 chains: 58 ms in one path, 12 ms in fours), and looks the same. */
#define STROKE_CHUNK 4

/* One chain's band of columns. On a vector surface it is a path of boxes. On a raster one
 * (an image, or GTK's recording of a frame) the columns are written into an 8-bit mask drawn
 * at once: Cairo composites the boxes of a path one by one, about a microsecond each (1,700
 * of them for 4 chains on screen), and the mask in one pass. Both give the same pixels, since
 * the boxes lie on whole units; the mask is scaled with the nearest filter on a denser
 * device. */
typedef struct
{
  cairo_t *cr;
  double left, top;         /* the mask's origin in user units */
  cairo_surface_t *mask;    /* NULL: boxes */
  unsigned char *pixels;
  int stride, width, height;
} Band;

static void
band_begin (Band *band, cairo_t *cr, const CrPanel *panel, double left, size_t columns)
{
  *band = (Band){ .cr = cr, .left = left, .top = floor (panel->area.y) - 1.0 };
  cairo_surface_type_t type = cairo_surface_get_type (cairo_get_target (cr));
  if (type != CAIRO_SURFACE_TYPE_IMAGE && type != CAIRO_SURFACE_TYPE_RECORDING)
    return;
  band->width = (int) columns;
  band->height = (int) (ceil (panel->area.y + panel->area.height) - band->top) + 2;
  band->mask = cairo_image_surface_create (CAIRO_FORMAT_A8, MAX (band->width, 1), MAX (band->height, 1));
  if (cairo_surface_status (band->mask) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (band->mask);
      band->mask = NULL;
      return;
    }
  cairo_surface_flush (band->mask);
  band->pixels = cairo_image_surface_get_data (band->mask);
  band->stride = cairo_image_surface_get_stride (band->mask);
}

/* Column @column from @top to @bottom (whole units, top < bottom). */
static void
band_column (Band *band, size_t column, double top, double bottom)
{
  if (band->mask == NULL)
    {
      cairo_rectangle (band->cr, band->left + column, top, 1.0, bottom - top);
      return;
    }
  /* Rows outside the mask are outside the panel, which clips them anyway. */
  int first = (int) MAX (top - band->top, 0.0), last = (int) MIN (bottom - band->top, (double) band->height);
  for (int y = first; y < last; y++)
    band->pixels[(size_t) y * band->stride + column] = 0xff;
}

static void
band_end (Band *band)
{
  if (band->mask == NULL)
    {
      cairo_fill (band->cr);
      return;
    }
  cairo_surface_mark_dirty (band->mask);
  cairo_pattern_t *pattern = cairo_pattern_create_for_surface (band->mask);
  cairo_matrix_t matrix;
  cairo_matrix_init_translate (&matrix, -band->left, -band->top);
  cairo_pattern_set_matrix (pattern, &matrix);
  cairo_pattern_set_filter (pattern, CAIRO_FILTER_NEAREST);
  cairo_mask (band->cr, pattern);
  cairo_pattern_destroy (pattern);
  cairo_surface_destroy (band->mask);
}

/* Draws one chain as a line of draw index against value, one device unit wide. While there
 * are fewer draws than pixel columns it strokes the line itself. From there on it fills, in
 * each column, a one-unit-wide bar from the lowest to the highest draw of the column,
 * stretched to the last draw of the column before (the segment that joins them): the pixels a
 * line through every draw would cover, at the cost of one pass over the draws and one box per
 * column. The boxes lie on whole units, which Cairo fills without scan converting (2,000 draws
 * of 4 chains: 3.5 ms against 8 ms for boxes off the grid), and on screen they go through a
 * mask (Band); the live plot redraws ten times a second while the chains sample, so this is
 * time taken from them. */
static void
draw_chain_line (CrCanvas *canvas,
                 const CrPanel *panel,
                 const double *values,
                 size_t n,
                 CrColor color)
{
  cairo_t *cr = canvas->cr;
  cairo_new_path (cr);
  size_t columns = (size_t) ceil (panel->area.width);
  /* Decimated, a chain is a band of min/max boxes; half opacity lets overlapping chains show
   * through each other instead of the last one covering the rest. */
  gboolean stroked = n <= columns;
  cr_plot_set_source (cr, color, stroked ? 1.0 : 0.5);
  if (stroked)
    {
      cairo_set_line_width (cr, 1.0);
      gboolean pen_down = FALSE;
      size_t segments = 0;
      for (size_t i = 0; i < n; i++)
        {
          if (!isfinite (values[i]))
            {
              pen_down = FALSE;
              continue;
            }
          double x = cr_panel_x (panel, (double) i), y = cr_panel_y (panel, values[i]);
          if (!pen_down)
            {
              cairo_move_to (cr, x, y);
              pen_down = TRUE;
              continue;
            }
          cairo_line_to (cr, x, y);
          if (++segments % STROKE_CHUNK == 0)
            {
              cairo_stroke (cr);
              cairo_move_to (cr, x, y);
            }
        }
      cairo_stroke (cr);
      return;
    }

  double per_column = columns / (panel->x_hi - panel->x_lo);
  double left = round (panel->area.x);
  Band band;
  band_begin (&band, cr, panel, left, columns);
  double previous = NAN; /* the last finite draw of the column before, NAN after a gap */
  size_t i = 0;
  while (i < n)
    {
      size_t column = MIN ((size_t) ((i - panel->x_lo) * per_column), columns - 1);
      double last = NAN, lo = INFINITY, hi = -INFINITY;
      for (; i < n && MIN ((size_t) ((i - panel->x_lo) * per_column), columns - 1) == column; i++)
        {
          double v = values[i];
          if (!isfinite (v))
            continue;
          last = v;
          lo = fmin (lo, v);
          hi = fmax (hi, v);
        }
      if (isnan (last))
        {
          previous = NAN;
          continue;
        }
      if (!isnan (previous))
        {
          lo = fmin (lo, previous);
          hi = fmax (hi, previous);
        }
      previous = last;
      /* Whole units, at least one high. */
      double top = floor (cr_panel_y (panel, hi)), bottom = ceil (cr_panel_y (panel, lo));
      if (bottom - top < 1.0)
        bottom = top + 1.0;
      band_column (&band, column, top, bottom);
    }
  band_end (&band);
}

/* Short ticks up from the bottom of @panel at the x positions @xs (device units), one per
 * pixel column however many divergences share it. */
static void
draw_bottom_ticks (CrCanvas *canvas, const CrPanel *panel, const double *xs, size_t n)
{
  if (n == 0)
    return;
  cairo_t *cr = canvas->cr;
  size_t columns = (size_t) ceil (panel->area.width) + 1;
  g_autofree guint8 *marked = g_new0 (guint8, columns);
  double bottom = panel->area.y + panel->area.height;
  cairo_new_path (cr);
  for (size_t k = 0; k < n; k++)
    {
      double offset = floor (xs[k] - panel->area.x);
      if (!(offset >= 0 && offset < columns) || marked[(size_t) offset])
        continue;
      marked[(size_t) offset] = 1;
      double x = panel->area.x + offset + 0.5;
      cairo_move_to (cr, x, bottom);
      cairo_line_to (cr, x, bottom - DIVERGENCE_TICK);
    }
  cr_plot_set_source (cr, canvas->alert, 1.0);
  cairo_set_line_width (cr, 1.0);
  cairo_stroke (cr);
}

static void
draw_row (CrCanvas *canvas,
          CrRect row,
          const CrPlotTraceInput *input,
          const CrPlotQuantity *quantity,
          double *grids,
          double *densities,
          gboolean *has_density)
{
  const CrPlotDraws *d = &input->draws;
  size_t n = d->n_draws, n_chains = d->n_chains;
  CrPlotTheme theme = canvas->style->theme;
  cairo_t *cr = canvas->cr;

  /* The densities, each chain's on its own grid. */
  double x_lo = INFINITY, x_hi = -INFINITY, top = 0;
  double value_lo = INFINITY, value_hi = -INFINITY;
  for (size_t c = 0; c < n_chains; c++)
    {
      const double *chain = quantity->draws + c * n;
      double lo, hi;
      if (cr_finite_range (chain, n, &lo, &hi) > 0)
        {
          value_lo = fmin (value_lo, lo);
          value_hi = fmax (value_hi, hi);
        }
      double *grid = grids + c * TRACE_GRID, *density = densities + c * TRACE_GRID;
      has_density[c] = cr_plot_kde (chain, n, &quantity->bounds, TRACE_GRID, grid, density,
                                    NULL);
      if (!has_density[c])
        continue;
      x_lo = fmin (x_lo, grid[0]);
      x_hi = fmax (x_hi, grid[TRACE_GRID - 1]);
      for (size_t j = 0; j < TRACE_GRID; j++)
        top = fmax (top, density[j]);
    }
  gboolean any_finite = value_hi >= value_lo;
  if (!(x_hi > x_lo))
    {
      x_lo = any_finite ? value_lo : 0;
      x_hi = any_finite ? value_hi : 1;
    }
  else
    {
      x_lo = fmin (x_lo, value_lo);
      x_hi = fmax (x_hi, value_hi);
    }

  CrRect left = { row.x, row.y, row.width * 0.4, row.height };
  CrRect right = { row.x + left.width, row.y, row.width - left.width, row.height };

  CrAxisTicks density_ticks;
  cr_ticks_for (x_lo, x_hi, left.width, 70, &density_ticks);
  CrFrame density_frame = { .title = quantity->name, .x_ticks = &density_ticks,
                            .no_y_axis = TRUE };
  CrPanel density_panel;
  cr_panel_place (canvas, left, &density_frame, x_lo, x_hi, 0, top > 0 ? top * 1.05 : 1,
                  &density_panel);
  cr_panel_draw_frame (canvas, &density_panel, &density_frame);
  cr_panel_clip (canvas, &density_panel, 1);
  for (size_t c = 0; c < n_chains; c++)
    {
      CrColor color = cr_plot_chain_color ((guint) c, theme);
      if (has_density[c])
        cr_panel_density (canvas, &density_panel, grids + c * TRACE_GRID,
                          densities + c * TRACE_GRID, TRACE_GRID, color, 1.5, 0);
      else
        {
          /* All draws equal: a point mass, shown as a line at the value. */
          double lo, hi;
          if (cr_finite_range (quantity->draws + c * n, n, &lo, &hi) == 0)
            continue;
          double x = cr_panel_x (&density_panel, lo);
          cairo_move_to (cr, x, density_panel.area.y);
          cairo_line_to (cr, x, density_panel.area.y + density_panel.area.height);
          cr_plot_set_source (cr, color, 1.0);
          cairo_set_line_width (cr, 1.5);
          cairo_stroke (cr);
        }
    }
  cairo_restore (cr);

  /* The lines. */
  double pad = any_finite ? 0.05 * (value_hi - value_lo) : 0;
  double y_lo = any_finite ? value_lo - pad : 0, y_hi = any_finite ? value_hi + pad : 1;
  CrAxisTicks draw_ticks, value_ticks;
  cr_ticks_for (0, n > 1 ? n - 1 : 1, right.width, 80, &draw_ticks);
  cr_ticks_for (y_lo, y_hi, row.height, 30, &value_ticks);
  CrFrame trace_frame = { .title = quantity->name, .x_ticks = &draw_ticks,
                          .y_ticks = &value_ticks };
  CrPanel trace_panel;
  cr_panel_place (canvas, right, &trace_frame, 0, n > 1 ? n - 1 : 1, y_lo, y_hi, &trace_panel);
  cr_panel_draw_frame (canvas, &trace_panel, &trace_frame);
  cr_panel_clip (canvas, &trace_panel, 1);
  for (size_t c = 0; c < n_chains; c++)
    draw_chain_line (canvas, &trace_panel, quantity->draws + c * n, n,
                     cr_plot_chain_color ((guint) c, theme));
  cairo_restore (cr);

  /* Divergences: at their draw index under the lines, at their value under the density. */
  if (input->divergent != NULL)
    {
      g_autoptr (GArray) at_index = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr (GArray) at_value = g_array_new (FALSE, FALSE, sizeof (double));
      for (size_t c = 0; c < n_chains; c++)
        for (size_t i = 0; i < n; i++)
          {
            if (!input->divergent[c * n + i])
              continue;
            double x = cr_panel_x (&trace_panel, (double) i);
            g_array_append_val (at_index, x);
            double value = quantity->draws[c * n + i];
            if (isfinite (value))
              {
                double xv = cr_panel_x (&density_panel, value);
                g_array_append_val (at_value, xv);
              }
          }
      draw_bottom_ticks (canvas, &trace_panel, (const double *) at_index->data, at_index->len);
      draw_bottom_ticks (canvas, &density_panel, (const double *) at_value->data,
                         at_value->len);
    }
}

gboolean
cr_plot_draw_trace (cairo_t *cr,
                    double width,
                    double height,
                    const CrPlotStyle *style,
                    const CrPlotTraceInput *input,
                    GError **error)
{
  g_return_val_if_fail (cr != NULL, FALSE);
  g_return_val_if_fail (input != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  const CrPlotDraws *d = &input->draws;
  if (!cr_check_draws (d, "trace", error))
    return FALSE;
  CrCanvas canvas;
  if (!cr_canvas_begin (&canvas, cr, width, height, style, error))
    return FALSE;

  double legend = cr_canvas_chain_legend (&canvas, d->n_chains, FALSE);
  double row_height = (height - legend) / d->n_quantities;
  g_autofree char *what = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%zu row of trace plots", "%zu rows of trace plots", d->n_quantities), d->n_quantities);
  if (!cr_check_cells (width, row_height, CR_PLOT_MIN_WIDTH, 3 * canvas.line_height + 24,
                       what, error))
    return cr_canvas_abort (&canvas);
  cr_canvas_chain_legend (&canvas, d->n_chains, TRUE);

  g_autofree double *grids = g_new (double, d->n_chains * TRACE_GRID);
  g_autofree double *densities = g_new (double, d->n_chains * TRACE_GRID);
  g_autofree gboolean *has_density = g_new (gboolean, d->n_chains);
  for (size_t q = 0; q < d->n_quantities; q++)
    {
      CrRect row = { 0, legend + q * row_height, width, row_height };
      draw_row (&canvas, row, input, &d->quantities[q], grids, densities, has_density);
    }
  return cr_canvas_end (&canvas, error);
}
