/* pair.c: the pair plot: the lower triangle of every pair of quantities, as a scatter of the
 * pooled draws or, for many draws, as hexagonal bins; each quantity's density on the
 * diagonal; divergent draws on top in the alert colour, as ArviZ's plot_pair with
 * divergences=True and marginals=True. */
#include "plot-private.h"

#include <math.h>

#define PAIR_GRID 256
#define SQRT3 1.7320508075688772

typedef struct
{
  const CrPlotPairInput *input;
  double *lo, *hi;         /* per quantity: the padded range of its finite draws */
  CrAxisTicks *ticks;      /* per quantity */
  gboolean hexbin;
  size_t n_divergent;
} Pair;

/* Colour @t of the way from the background to @color. */
static CrColor
mix (CrColor background, CrColor color, double t)
{
  return (CrColor){ background.red + t * (color.red - background.red),
                    background.green + t * (color.green - background.green),
                    background.blue + t * (color.blue - background.blue) };
}

static void
draw_scatter (CrCanvas *canvas,
              const CrPanel *panel,
              const double *xs,
              const double *ys,
              size_t n,
              CrColor color)
{
  cairo_t *cr = canvas->cr;
  cairo_new_path (cr);
  for (size_t k = 0; k < n; k++)
    {
      if (!isfinite (xs[k]) || !isfinite (ys[k]))
        continue;
      cairo_new_sub_path (cr);
      cairo_arc (cr, cr_panel_x (panel, xs[k]), cr_panel_y (panel, ys[k]), 1.6, 0, 2 * G_PI);
    }
  cr_plot_set_source (cr, color, 0.5);
  cairo_fill (cr);
}

/* Hexagonal bins in device space (pointy-top hexagons of circumradius r, in axial
 * coordinates; Carr et al. 1987, "Scatterplot matrix techniques for large N", JASA 82),
 * shaded from the background toward @color by their count. */
static void
draw_hexbin (CrCanvas *canvas,
             const CrPanel *panel,
             const double *xs,
             const double *ys,
             size_t n,
             CrColor color)
{
  cairo_t *cr = canvas->cr;
  double r = CLAMP (panel->area.width / 30, 3.0, 10.0);
  size_t rows = (size_t) (panel->area.height / (1.5 * r)) + 3;
  size_t cols = (size_t) (panel->area.width / (SQRT3 * r)) + 4;
  g_autofree guint32 *counts = g_new0 (guint32, rows * cols);
  guint32 most = 0;
  for (size_t k = 0; k < n; k++)
    {
      if (!isfinite (xs[k]) || !isfinite (ys[k]))
        continue;
      double px = cr_panel_x (panel, xs[k]) - panel->area.x;
      double py = cr_panel_y (panel, ys[k]) - panel->area.y;
      /* Axial coordinates, then the nearest hexagon by rounding in cube coordinates. */
      double q = (SQRT3 / 3 * px - py / 3) / r, s = 2.0 / 3 * py / r;
      double cube_x = q, cube_z = s, cube_y = -q - s;
      double rx = round (cube_x), ry = round (cube_y), rz = round (cube_z);
      double dx = fabs (rx - cube_x), dy = fabs (ry - cube_y), dz = fabs (rz - cube_z);
      if (dx > dy && dx > dz)
        rx = -ry - rz;
      else if (dy <= dz)
        rz = -rx - ry;
      double row = rz, col = rx + floor (rz / 2) + 1;
      if (row < 0 || col < 0 || row >= rows || col >= cols)
        continue;
      guint32 *cell = &counts[(size_t) row * cols + (size_t) col];
      (*cell)++;
      most = MAX (most, *cell);
    }
  if (most == 0)
    return;
  for (size_t row = 0; row < rows; row++)
    for (size_t col = 0; col < cols; col++)
      {
        guint32 count = counts[row * cols + col];
        if (count == 0)
          continue;
        double axial_q = (double) col - 1 - floor ((double) row / 2);
        double cx = panel->area.x + SQRT3 * r * (axial_q + row / 2.0);
        double cy = panel->area.y + 1.5 * r * row;
        cairo_new_path (cr);
        for (int corner = 0; corner < 6; corner++)
          {
            double angle = G_PI / 6 + corner * G_PI / 3;
            cairo_line_to (cr, cx + r * cos (angle), cy + r * sin (angle));
          }
        cairo_close_path (cr);
        /* The square root spreads the sparse bins' shades apart, and the floor keeps a
         * single draw visible next to a crowded bin. */
        double t = 0.25 + 0.75 * sqrt ((double) count / most);
        cr_plot_set_source (cr, mix (canvas->background, color, t), 1.0);
        cairo_fill (cr);
      }
}

/* The divergent draws as dots, one per device pixel however many fall on it. */
static void
draw_divergent (CrCanvas *canvas,
                const CrPanel *panel,
                const double *xs,
                const double *ys,
                const guint8 *divergent,
                size_t n)
{
  cairo_t *cr = canvas->cr;
  size_t width = (size_t) ceil (panel->area.width) + 1;
  size_t height = (size_t) ceil (panel->area.height) + 1;
  g_autofree guint8 *marked = g_new0 (guint8, width * height);
  cairo_new_path (cr);
  for (size_t k = 0; k < n; k++)
    {
      if (!divergent[k] || !isfinite (xs[k]) || !isfinite (ys[k]))
        continue;
      double x = cr_panel_x (panel, xs[k]), y = cr_panel_y (panel, ys[k]);
      double px = floor (x - panel->area.x), py = floor (y - panel->area.y);
      if (px < 0 || py < 0 || px >= width || py >= height)
        continue;
      guint8 *mark = &marked[(size_t) py * width + (size_t) px];
      if (*mark)
        continue;
      *mark = 1;
      cairo_new_sub_path (cr);
      cairo_arc (cr, x, y, 2.5, 0, 2 * G_PI);
    }
  cr_plot_set_source (cr, canvas->alert, 1.0);
  cairo_fill_preserve (cr);
  cr_plot_set_source (cr, canvas->background, 1.0);
  cairo_set_line_width (cr, 0.6);
  cairo_stroke (cr);
}

static void
draw_diagonal (CrCanvas *canvas, const Pair *pair, size_t i, CrRect area, size_t n_q)
{
  const CrPlotDraws *d = &pair->input->draws;
  const CrPlotQuantity *quantity = &d->quantities[i];
  size_t total = d->n_chains * d->n_draws;
  double grid[PAIR_GRID], density[PAIR_GRID];
  gboolean has_density = cr_plot_kde (quantity->draws, total, &quantity->bounds, PAIR_GRID,
                                      grid, density, NULL);
  double top = 0;
  for (size_t j = 0; has_density && j < PAIR_GRID; j++)
    top = fmax (top, density[j]);
  CrFrame frame = { .x_ticks = &pair->ticks[i], .no_y_axis = TRUE,
                    .hide_x_tick_labels = i != n_q - 1,
                    .x_label = i == n_q - 1 ? quantity->name : NULL };
  CrPanel panel = { area, pair->lo[i], pair->hi[i], 0, top > 0 ? 1.05 * top : 1 };
  cr_panel_draw_frame (canvas, &panel, &frame);
  if (!has_density)
    return;
  cr_panel_clip (canvas, &panel, 1);
  cr_panel_density (canvas, &panel, grid, density, PAIR_GRID,
                    cr_plot_chain_color (0, canvas->style->theme), 1.5, 0);
  cairo_restore (canvas->cr);
}

static void
draw_off_diagonal (CrCanvas *canvas,
                   const Pair *pair,
                   size_t i,
                   size_t j,
                   CrRect area,
                   size_t n_q)
{
  const CrPlotDraws *d = &pair->input->draws;
  size_t total = d->n_chains * d->n_draws;
  const double *xs = d->quantities[j].draws, *ys = d->quantities[i].draws;
  CrFrame frame = { .x_ticks = &pair->ticks[j], .y_ticks = &pair->ticks[i],
                    .hide_x_tick_labels = i != n_q - 1, .hide_y_tick_labels = j != 0,
                    .x_label = i == n_q - 1 ? d->quantities[j].name : NULL,
                    .y_label = j == 0 ? d->quantities[i].name : NULL };
  CrPanel panel = { area, pair->lo[j], pair->hi[j], pair->lo[i], pair->hi[i] };
  cr_panel_draw_frame (canvas, &panel, &frame);
  cr_panel_clip (canvas, &panel, 1);
  CrColor color = cr_plot_chain_color (0, canvas->style->theme);
  if (pair->hexbin)
    draw_hexbin (canvas, &panel, xs, ys, total, color);
  else
    draw_scatter (canvas, &panel, xs, ys, total, color);
  if (pair->n_divergent > 0)
    draw_divergent (canvas, &panel, xs, ys, pair->input->divergent, total);
  cairo_restore (canvas->cr);
}

gboolean
cr_plot_draw_pair (cairo_t *cr,
                   double width,
                   double height,
                   const CrPlotStyle *style,
                   const CrPlotPairInput *input,
                   GError **error)
{
  g_return_val_if_fail (cr != NULL, FALSE);
  g_return_val_if_fail (input != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  const CrPlotDraws *d = &input->draws;
  if (!cr_check_draws (d, "pair", error))
    return FALSE;
  CrCanvas canvas;
  if (!cr_canvas_begin (&canvas, cr, width, height, style, error))
    return FALSE;

  size_t n_q = d->n_quantities, total = d->n_chains * d->n_draws;
  Pair pair = { .input = input };
  pair.hexbin = input->mode == CR_PLOT_PAIR_HEXBIN
                || (input->mode == CR_PLOT_PAIR_AUTO && total > CR_PLOT_PAIR_SCATTER_MAX);
  if (input->divergent != NULL)
    for (size_t k = 0; k < total; k++)
      pair.n_divergent += input->divergent[k] != 0;

  double legend = 0;
  if (pair.n_divergent > 0)
    {
      g_autofree char *label = g_strdup_printf ("divergent (%zu)", pair.n_divergent);
      CrLegendEntry entries[] = {
        { _("draws"), cr_plot_chain_color (0, canvas.style->theme), 1.0, CR_LEGEND_DOT },
        { label, canvas.alert, 1.0, CR_LEGEND_DOT },
      };
      CrRect area = { canvas.pad, canvas.pad / 2, width - 2 * canvas.pad, height };
      legend = cr_canvas_legend (&canvas, area, entries, G_N_ELEMENTS (entries), TRUE)
               + canvas.pad;
    }

  /* One layout for the whole grid, so that the panels of a column share their x axis and
   * those of a row their y axis. */
  double line = canvas.line_height, pad = canvas.pad;
  double left = n_q > 1 ? pad + line + pad / 2 : pad;
  double right = 2 * pad + 12, top = legend + pad / 2;
  double bottom = 4 + 2 * line + pad;
  double cell_width = (width - left - right) / n_q, cell_height = (height - top - bottom) / n_q;

  g_autofree double *lo = g_new (double, n_q);
  g_autofree double *hi = g_new (double, n_q);
  g_autofree CrAxisTicks *ticks = g_new (CrAxisTicks, n_q);
  double widest_label = 0;
  for (size_t q = 0; q < n_q; q++)
    {
      double a, b;
      if (cr_finite_range (d->quantities[q].draws, total, &a, &b) == 0)
        a = 0, b = 1;
      double margin = b > a ? 0.05 * (b - a) : 0.5;
      lo[q] = a - margin;
      hi[q] = b + margin;
      cr_ticks_for (lo[q], hi[q], fmin (cell_width, cell_height), 60, &ticks[q]);
      if (q == 0)
        continue;
      for (int t = 0; t < ticks[q].n_ticks; t++)
        {
          g_autofree char *label = cr_axis_format_tick (ticks[q].ticks[t], &ticks[q]);
          double w, h;
          cr_canvas_measure (&canvas, label, 1.0, &w, &h);
          widest_label = fmax (widest_label, w);
        }
    }
  if (n_q > 1)
    {
      left += widest_label + 4 + pad / 2;
      cell_width = (width - left - right) / n_q;
    }
  g_autofree char *what = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%zu x %zu pair panel", "%zu x %zu pair panels", n_q * n_q), n_q, n_q);
  if (!cr_check_cells (cell_width, cell_height, 50, 40, what, error))
    return cr_canvas_abort (&canvas);
  pair.lo = lo;
  pair.hi = hi;
  pair.ticks = ticks;

  double gap = n_q > 1 ? pad : 0;
  for (size_t i = 0; i < n_q; i++)
    for (size_t j = 0; j <= i; j++)
      {
        CrRect area = { left + j * cell_width, top + i * cell_height, cell_width - gap,
                        cell_height - gap };
        if (i == j)
          draw_diagonal (&canvas, &pair, i, area, n_q);
        else
          draw_off_diagonal (&canvas, &pair, i, j, area, n_q);
      }
  return cr_canvas_end (&canvas, error);
}
