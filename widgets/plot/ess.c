/* ess.c: the ESS evolution plot: per quantity, bulk and tail ESS computed on growing numbers
 * of draws, with the minimum ESS dashed, as ArviZ's plot_ess(kind="evolution"). ESS that
 * grows linearly with the draws means the estimates are reliable; ESS that stalls means the
 * chains are not mixing (Vehtari et al. 2021, sec. 4.3). */
#include "plot-private.h"

#include <math.h>

static void
draw_series (CrCanvas *canvas,
             const CrPanel *panel,
             const double *xs,
             const double *ys,
             size_t n,
             CrColor color)
{
  cairo_t *cr = canvas->cr;
  gboolean pen_down = FALSE;
  cairo_new_path (cr);
  for (size_t k = 0; k < n; k++)
    {
      if (!isfinite (xs[k]) || !isfinite (ys[k]))
        {
          pen_down = FALSE;
          continue;
        }
      double x = cr_panel_x (panel, xs[k]), y = cr_panel_y (panel, ys[k]);
      if (pen_down)
        cairo_line_to (cr, x, y);
      else
        cairo_move_to (cr, x, y);
      pen_down = TRUE;
    }
  cr_plot_set_source (cr, color, 1.0);
  cairo_set_line_width (cr, 1.5);
  cairo_stroke (cr);
  for (size_t k = 0; k < n; k++)
    {
      if (!isfinite (xs[k]) || !isfinite (ys[k]))
        continue;
      cairo_new_sub_path (cr);
      cairo_arc (cr, cr_panel_x (panel, xs[k]), cr_panel_y (panel, ys[k]), 3.0, 0, 2 * G_PI);
    }
  cairo_fill (cr);
}

gboolean
cr_plot_draw_ess (cairo_t *cr,
                  double width,
                  double height,
                  const CrPlotStyle *style,
                  const CrPlotEssInput *input,
                  GError **error)
{
  g_return_val_if_fail (cr != NULL, FALSE);
  g_return_val_if_fail (input != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (input->n_quantities == 0 || input->n_points == 0 || input->draw_counts == NULL
      || input->ess_bulk == NULL)
    {
      g_set_error (error, CR_PLOT_ERROR, CR_PLOT_ERROR_INPUT,
                   "ESS plot: no ESS values to plot (%zu quantities at %zu draw counts)",
                   input->n_quantities, input->n_points);
      return FALSE;
    }
  CrCanvas canvas;
  if (!cr_canvas_begin (&canvas, cr, width, height, style, error))
    return FALSE;
  CrPlotTheme theme = canvas.style->theme;
  CrColor bulk_color = cr_plot_chain_color (0, theme), tail_color = cr_plot_chain_color (1, theme);
  double min_ess = input->min_ess > 0 ? input->min_ess : 400;

  g_autofree char *minimum = NULL;
  {
    g_autofree char *number = cr_plot_format_number (min_ess, 3);
    minimum = g_strdup_printf ("minimum ESS (%s)", number);
  }
  CrLegendEntry entries[] = {
    { C_ ("ESS", "bulk"), bulk_color, 1.0, CR_LEGEND_LINE },
    { C_ ("ESS", "tail"), tail_color, 1.0, CR_LEGEND_LINE },
    { minimum, canvas.muted, 1.0, CR_LEGEND_LINE },
  };
  CrLegendEntry *shown = entries;
  size_t n_entries = G_N_ELEMENTS (entries);
  CrLegendEntry without_tail[] = { entries[0], entries[2] };
  if (input->ess_tail == NULL)
    {
      shown = without_tail;
      n_entries = G_N_ELEMENTS (without_tail);
    }
  CrRect legend_area = { canvas.pad, canvas.pad / 2, width - 2 * canvas.pad, height };
  double legend = cr_canvas_legend (&canvas, legend_area, shown, n_entries, FALSE) + canvas.pad;

  size_t rows, cols;
  cr_grid_shape (input->n_quantities, 3, &rows, &cols);
  CrRect body = { 0, legend, width, height - legend };
  g_autofree char *what = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%zu ESS panel", "%zu ESS panels", input->n_quantities), input->n_quantities);
  if (!cr_check_cells (width / cols, body.height / rows, 110, 4 * canvas.line_height + 30, what,
                       error))
    return cr_canvas_abort (&canvas);
  cr_canvas_legend (&canvas, legend_area, shown, n_entries, TRUE);

  size_t n = input->n_points;
  double x_lo = 0, x_hi = 1;
  if (cr_finite_range (input->draw_counts, n, &x_lo, &x_hi) == 0)
    x_lo = 0, x_hi = 1;
  x_lo = fmin (x_lo, 0);
  for (size_t q = 0; q < input->n_quantities; q++)
    {
      const double *bulk = input->ess_bulk + q * n;
      const double *tail = input->ess_tail != NULL ? input->ess_tail + q * n : NULL;
      double lo, hi, top = min_ess;
      if (cr_finite_range (bulk, n, &lo, &hi) > 0)
        top = fmax (top, hi);
      if (tail != NULL && cr_finite_range (tail, n, &lo, &hi) > 0)
        top = fmax (top, hi);
      top *= 1.08;

      CrRect cell = cr_grid_cell (body, rows, cols, q);
      CrAxisTicks draw_ticks, ess_ticks;
      cr_ticks_for (x_lo, x_hi, cell.width, 80, &draw_ticks);
      cr_ticks_for (0, top, cell.height, 40, &ess_ticks);
      const char *name = input->names != NULL && input->names[q] != NULL ? input->names[q] : "";
      CrFrame frame = { .title = name, .x_label = _("total number of draws"), .y_label = "ESS",
                        .x_ticks = &draw_ticks, .y_ticks = &ess_ticks };
      CrPanel panel;
      cr_panel_place (&canvas, cell, &frame, x_lo, x_hi + 0.02 * (x_hi - x_lo), 0, top, &panel);
      cr_panel_draw_frame (&canvas, &panel, &frame);

      cr_panel_clip (&canvas, &panel, 4);
      double y = cr_panel_y (&panel, min_ess);
      cr_plot_set_source (cr, canvas.muted, 1.0);
      cairo_set_line_width (cr, 1.0);
      double dashes[] = { 5.0, 3.0 };
      cairo_set_dash (cr, dashes, 2, 0);
      cairo_move_to (cr, panel.area.x, y);
      cairo_line_to (cr, panel.area.x + panel.area.width, y);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      draw_series (&canvas, &panel, input->draw_counts, bulk, n, bulk_color);
      if (tail != NULL)
        draw_series (&canvas, &panel, input->draw_counts, tail, n, tail_color);
      cairo_restore (cr);
    }
  return cr_canvas_end (&canvas, error);
}
