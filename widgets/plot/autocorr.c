/* autocorr.c: the autocorrelation plot: per quantity and chain, the autocorrelation at each
 * lag as a bar, as ArviZ's plot_autocorr (one panel per chain, y from -1 to 1). */
#include "plot-private.h"

#include <math.h>

static void
draw_panel (CrCanvas *canvas,
            CrRect cell,
            const char *title,
            const double *autocorr,
            size_t max_lag,
            CrColor color)
{
  cairo_t *cr = canvas->cr;
  CrAxisTicks lag_ticks, value_ticks;
  cr_ticks_for (0, (double) max_lag, cell.width, 60, &lag_ticks);
  cr_axis_ticks (-1, 1, cell.height >= 120 ? 5 : 3, &value_ticks);
  CrFrame frame = { .title = title, .x_ticks = &lag_ticks, .y_ticks = &value_ticks };
  CrPanel panel;
  cr_panel_place (canvas, cell, &frame, -0.5, max_lag + 0.5, -1, 1, &panel);
  cr_panel_draw_frame (canvas, &panel, &frame);

  cr_panel_clip (canvas, &panel, 0);
  double zero = cr_panel_y (&panel, 0);
  cr_plot_set_source (cr, canvas->muted, 1.0);
  cairo_set_line_width (cr, 1.0);
  cairo_move_to (cr, panel.area.x, floor (zero) + 0.5);
  cairo_line_to (cr, panel.area.x + panel.area.width, floor (zero) + 0.5);
  cairo_stroke (cr);

  /* Bars of at least one device unit, so a long lag axis stays visible. */
  double per_lag = panel.area.width / (max_lag + 1.0);
  double bar = fmax (1.0, 0.7 * per_lag);
  cr_plot_set_source (cr, color, 1.0);
  for (size_t k = 0; k <= max_lag; k++)
    {
      if (!isfinite (autocorr[k]))
        continue;
      double x = cr_panel_x (&panel, (double) k), y = cr_panel_y (&panel, autocorr[k]);
      cairo_rectangle (cr, x - bar / 2, fmin (y, zero), bar, fabs (zero - y));
    }
  cairo_fill (cr);
  cairo_restore (cr);
}

gboolean
cr_plot_draw_autocorr (cairo_t *cr,
                       double width,
                       double height,
                       const CrPlotStyle *style,
                       const CrPlotAutocorrInput *input,
                       GError **error)
{
  g_return_val_if_fail (cr != NULL, FALSE);
  g_return_val_if_fail (input != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  const CrPlotDraws *d = &input->draws;
  if (!cr_check_draws (d, "autocorrelation", error))
    return FALSE;
  if (d->n_draws < 2)
    {
      g_set_error (error, CR_PLOT_ERROR, CR_PLOT_ERROR_INPUT,
                   "autocorrelation plot: needs at least 2 draws per chain, the run has %zu",
                   d->n_draws);
      return FALSE;
    }
  CrCanvas canvas;
  if (!cr_canvas_begin (&canvas, cr, width, height, style, error))
    return FALSE;

  size_t n_panels = d->n_quantities * d->n_chains;
  /* A row per quantity with a panel per chain, up to 4 chains a row; one chain gives the
   * usual grid of quantities. */
  size_t rows, cols;
  if (d->n_chains == 1)
    cr_grid_shape (n_panels, 3, &rows, &cols);
  else
    {
      cols = MIN (d->n_chains, 4);
      rows = (n_panels + cols - 1) / cols;
    }
  g_autofree char *what = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%zu autocorrelation panel", "%zu autocorrelation panels", n_panels), n_panels);
  if (!cr_check_cells (width / cols, height / rows, 90, 3 * canvas.line_height + 30, what,
                       error))
    return cr_canvas_abort (&canvas);

  size_t max_lag = input->max_lag > 0 ? input->max_lag : 100;
  max_lag = MIN (max_lag, d->n_draws - 1);
  g_autofree double *autocorr = g_new (double, max_lag + 1);
  CrRect body = { 0, 0, width, height };
  for (size_t q = 0; q < d->n_quantities; q++)
    for (size_t c = 0; c < d->n_chains; c++)
      {
        const CrPlotQuantity *quantity = &d->quantities[q];
        cr_autocorr (quantity->draws + c * d->n_draws, d->n_draws, max_lag, autocorr);
        const char *name = quantity->name != NULL ? quantity->name : "";
        g_autofree char *title = d->n_chains > 1 ? g_strdup_printf ("%s, chain %zu", name, c)
                                                 : g_strdup (name);
        size_t index = q * d->n_chains + c;
        draw_panel (&canvas, cr_grid_cell (body, rows, cols, index), title, autocorr, max_lag,
                    cr_plot_chain_color ((guint) c, canvas.style->theme));
      }
  return cr_canvas_end (&canvas, error);
}
