/* posterior.c: the posterior plot: per quantity the density of the pooled draws, the HDI bar
 * with its bounds, the mean, and optionally a reference value with the share of draws on
 * either side, as ArviZ's plot_posterior. */
#include "plot-private.h"

#include <math.h>

#define POSTERIOR_GRID 512
#define SIGNIFICANT 3

static void
draw_panel (CrCanvas *canvas,
            CrRect cell,
            const CrPlotPosteriorInput *input,
            size_t q,
            double hdi_prob,
            double *grid,
            double *density)
{
  cairo_t *cr = canvas->cr;
  const CrPlotDraws *d = &input->draws;
  const CrPlotQuantity *quantity = &d->quantities[q];
  size_t total = d->n_chains * d->n_draws;
  const double *draws = quantity->draws;

  gboolean has_density = cr_plot_kde (draws, total, &quantity->bounds, POSTERIOR_GRID, grid,
                                      density, NULL);
  double lower = NAN, upper = NAN;
  if (input->hdi_lower != NULL && input->hdi_upper != NULL)
    {
      lower = input->hdi_lower[q];
      upper = input->hdi_upper[q];
    }
  else
    cr_plot_hdi (draws, total, hdi_prob, &lower, &upper);
  double sum = 0, lo = 0, hi = 0;
  size_t finite = cr_finite_range (draws, total, &lo, &hi);
  for (size_t i = 0; i < total; i++)
    if (isfinite (draws[i]))
      sum += draws[i];
  double mean = finite > 0 ? sum / finite : NAN;
  double reference = input->reference != NULL ? input->reference[q] : NAN;

  double x_lo = finite > 0 ? lo : 0, x_hi = finite > 0 ? hi : 1, top = 0;
  if (has_density)
    {
      x_lo = fmin (x_lo, grid[0]);
      x_hi = fmax (x_hi, grid[POSTERIOR_GRID - 1]);
      for (size_t j = 0; j < POSTERIOR_GRID; j++)
        top = fmax (top, density[j]);
    }
  if (isfinite (lower) && isfinite (upper))
    {
      x_lo = fmin (x_lo, lower);
      x_hi = fmax (x_hi, upper);
    }
  if (isfinite (reference))
    {
      x_lo = fmin (x_lo, reference);
      x_hi = fmax (x_hi, reference);
    }

  CrAxisTicks ticks;
  cr_ticks_for (x_lo, x_hi, cell.width, 70, &ticks);
  CrFrame frame = { .title = quantity->name, .x_ticks = &ticks, .no_y_axis = TRUE };
  /* Room above the density for the mean and the reference shares, and below it for the
   * HDI bar's labels. */
  double text_lines = isfinite (reference) ? 2.2 : 1.2;
  CrPanel panel;
  cr_panel_place (canvas, cell, &frame, x_lo, x_hi, 0, 1, &panel);
  double headroom = text_lines * canvas->line_height + canvas->pad;
  double footroom = canvas->line_height + canvas->pad + 4;
  double usable = fmax (panel.area.height - headroom - footroom, 1.0);
  double peak = top > 0 ? top : 1;
  panel.y_hi = peak * (panel.area.height - footroom) / usable;
  panel.y_lo = -peak * footroom / usable;
  cr_panel_draw_frame (canvas, &panel, &frame);

  cr_panel_clip (canvas, &panel, 1);
  CrColor color = cr_plot_chain_color (0, canvas->style->theme);
  if (has_density)
    cr_panel_density (canvas, &panel, grid, density, POSTERIOR_GRID, color, 2.0, 0);
  else if (finite > 0)
    {
      /* All draws equal: a point mass, drawn as a line at the value. */
      double x = cr_panel_x (&panel, lo);
      cairo_move_to (cr, x, cr_panel_y (&panel, 0));
      cairo_line_to (cr, x, cr_panel_y (&panel, peak));
      cr_plot_set_source (cr, color, 1.0);
      cairo_set_line_width (cr, 2.0);
      cairo_stroke (cr);
    }
  if (isfinite (reference))
    {
      double x = cr_panel_x (&panel, reference);
      cairo_move_to (cr, x, cr_panel_y (&panel, 0));
      cairo_line_to (cr, x, cr_panel_y (&panel, peak));
      cr_plot_set_source (cr, canvas->muted, 1.0);
      cairo_set_line_width (cr, 1.5);
      double dashes[] = { 5.0, 3.0 };
      cairo_set_dash (cr, dashes, 2, 0);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
    }
  double bar_y = cr_panel_y (&panel, 0) + 3;
  if (isfinite (lower) && isfinite (upper))
    {
      cairo_move_to (cr, cr_panel_x (&panel, lower), bar_y);
      cairo_line_to (cr, cr_panel_x (&panel, upper), bar_y);
      cr_plot_set_source (cr, canvas->foreground, 1.0);
      cairo_set_line_width (cr, 4.0);
      cairo_stroke (cr);
    }
  cairo_restore (cr);

  /* The labels, after the clip so that bounds near the edges stay readable. */
  if (isfinite (lower) && isfinite (upper))
    {
      char percent[32], label[64];
      cr_format_percent (percent, sizeof percent, hdi_prob);
      g_snprintf (label, sizeof label, "%s HDI", percent);
      double x_lower = cr_panel_x (&panel, lower), x_upper = cr_panel_x (&panel, upper);
      g_autofree char *lower_text = cr_plot_format_number (lower, SIGNIFICANT);
      g_autofree char *upper_text = cr_plot_format_number (upper, SIGNIFICANT);
      double label_y = bar_y + 4;
      /* Centred under its bound, unless that would run off the panel: near an edge a label
       * is aligned inward (a scale's lower bound sits at 0, the left edge). */
      const double edge = 40.0;
      double lower_align = x_lower - panel.area.x < edge ? 0.0 : 0.5;
      double upper_align = panel.area.x + panel.area.width - x_upper < edge ? 1.0 : 0.5;
      cr_canvas_text (canvas, lower_text, MAX (x_lower, panel.area.x), label_y, lower_align, 0, 1.0,
                      canvas->foreground);
      cr_canvas_text (canvas, upper_text, MIN (x_upper, panel.area.x + panel.area.width), label_y,
                      upper_align, 0, 1.0, canvas->foreground);
      cr_canvas_text (canvas, label, 0.5 * (x_lower + x_upper), bar_y - 4, 0.5, 1.0, 1.0,
                      canvas->foreground);
    }
  double text_x = panel.area.x + panel.area.width / 2, text_y = panel.area.y + 2;
  if (isfinite (mean))
    {
      g_autofree char *number = cr_plot_format_number (mean, SIGNIFICANT);
      g_autofree char *text = g_strdup_printf ("mean = %s", number);
      cr_canvas_text (canvas, text, text_x, text_y, 0.5, 0, 1.0, canvas->foreground);
    }
  if (isfinite (reference) && finite > 0)
    {
      /* ArviZ's split: draws strictly below, and at or above, so the shares sum to 1. */
      size_t below = 0;
      for (size_t i = 0; i < total; i++)
        if (isfinite (draws[i]) && draws[i] < reference)
          below++;
      char below_text[32], above_text[32];
      cr_format_percent (below_text, sizeof below_text, (double) below / finite);
      cr_format_percent (above_text, sizeof above_text, (double) (finite - below) / finite);
      g_autofree char *number = cr_plot_format_number (reference, SIGNIFICANT);
      g_autofree char *text = g_strdup_printf ("%s < %s < %s", below_text, number, above_text);
      cr_canvas_text (canvas, text, text_x, text_y + canvas->line_height, 0.5, 0, 1.0,
                      canvas->muted);
    }
}

gboolean
cr_plot_draw_posterior (cairo_t *cr,
                        double width,
                        double height,
                        const CrPlotStyle *style,
                        const CrPlotPosteriorInput *input,
                        GError **error)
{
  g_return_val_if_fail (cr != NULL, FALSE);
  g_return_val_if_fail (input != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  g_return_val_if_fail (input->hdi_prob == 0 || (input->hdi_prob > 0 && input->hdi_prob < 1),
                        FALSE);

  const CrPlotDraws *d = &input->draws;
  if (!cr_check_draws (d, "posterior", error))
    return FALSE;
  CrCanvas canvas;
  if (!cr_canvas_begin (&canvas, cr, width, height, style, error))
    return FALSE;

  size_t rows, cols;
  cr_grid_shape (d->n_quantities, 3, &rows, &cols);
  g_autofree char *what = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%zu posterior panel", "%zu posterior panels", d->n_quantities), d->n_quantities);
  if (!cr_check_cells (width / cols, height / rows, 110, 6 * canvas.line_height + 30, what,
                       error))
    return cr_canvas_abort (&canvas);

  double hdi_prob = input->hdi_prob > 0 ? input->hdi_prob : 0.94;
  g_autofree double *grid = g_new (double, POSTERIOR_GRID);
  g_autofree double *density = g_new (double, POSTERIOR_GRID);
  CrRect body = { 0, 0, width, height };
  for (size_t q = 0; q < d->n_quantities; q++)
    draw_panel (&canvas, cr_grid_cell (body, rows, cols, q), input, q, hdi_prob, grid, density);
  return cr_canvas_end (&canvas, error);
}
