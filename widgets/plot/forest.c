/* forest.c: the forest plot: one row per quantity with its HDI (thin line), interquartile
 * range (thick line) and median (hollow dot), pooled or per chain, and R-hat beside, as
 * ArviZ's plot_forest with quartiles and r_hat. */
#include "plot-private.h"

#include <math.h>

typedef struct
{
  double hdi_lower, hdi_upper, q25, median, q75;
  gboolean valid;
} Interval;

static Interval
interval_of (const double *draws,
             size_t n,
             double prob,
             double *scratch)
{
  Interval interval = { NAN, NAN, NAN, NAN, NAN, FALSE };
  size_t finite = cr_sorted_finite (draws, n, scratch);
  if (finite == 0)
    return interval;
  cr_hdi_sorted (scratch, finite, prob, &interval.hdi_lower, &interval.hdi_upper);
  interval.q25 = cr_quantile_sorted (scratch, finite, 0.25);
  interval.median = cr_quantile_sorted (scratch, finite, 0.5);
  interval.q75 = cr_quantile_sorted (scratch, finite, 0.75);
  interval.valid = TRUE;
  return interval;
}

static void
draw_interval (CrCanvas *canvas,
               const CrPanel *panel,
               const Interval *interval,
               double y_data,
               CrColor color)
{
  if (!interval->valid)
    return;
  cairo_t *cr = canvas->cr;
  double y = cr_panel_y (panel, y_data);
  cr_plot_set_source (cr, color, 1.0);
  cairo_set_line_width (cr, 1.5);
  cairo_move_to (cr, cr_panel_x (panel, interval->hdi_lower), y);
  cairo_line_to (cr, cr_panel_x (panel, interval->hdi_upper), y);
  cairo_stroke (cr);
  cairo_set_line_width (cr, 4.0);
  cairo_move_to (cr, cr_panel_x (panel, interval->q25), y);
  cairo_line_to (cr, cr_panel_x (panel, interval->q75), y);
  cairo_stroke (cr);
  double x = cr_panel_x (panel, interval->median);
  cairo_new_sub_path (cr);
  cairo_arc (cr, x, y, 3.0, 0, 2 * G_PI);
  cr_plot_set_source (cr, canvas->background, 1.0);
  cairo_fill_preserve (cr);
  cr_plot_set_source (cr, color, 1.0);
  cairo_set_line_width (cr, 1.5);
  cairo_stroke (cr);
}

gboolean
cr_plot_draw_forest (cairo_t *cr,
                     double width,
                     double height,
                     const CrPlotStyle *style,
                     const CrPlotForestInput *input,
                     GError **error)
{
  g_return_val_if_fail (cr != NULL, FALSE);
  g_return_val_if_fail (input != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  g_return_val_if_fail (input->hdi_prob == 0 || (input->hdi_prob > 0 && input->hdi_prob < 1),
                        FALSE);

  const CrPlotDraws *d = &input->draws;
  if (!cr_check_draws (d, "forest", error))
    return FALSE;
  CrCanvas canvas;
  if (!cr_canvas_begin (&canvas, cr, width, height, style, error))
    return FALSE;

  size_t n_rows = d->n_quantities;
  size_t lines = input->combined ? 1 : d->n_chains;
  double hdi_prob = input->hdi_prob > 0 ? input->hdi_prob : 0.94;
  size_t n = d->n_draws, total = d->n_chains * n;

  /* Every interval first: together they set the x range. */
  g_autofree Interval *intervals = g_new (Interval, n_rows * lines);
  g_autofree double *scratch = g_new (double, total);
  double x_lo = INFINITY, x_hi = -INFINITY;
  for (size_t q = 0; q < n_rows; q++)
    for (size_t l = 0; l < lines; l++)
      {
        const double *draws = d->quantities[q].draws;
        Interval *interval = &intervals[q * lines + l];
        if (input->combined)
          {
            *interval = interval_of (draws, total, hdi_prob, scratch);
            if (interval->valid && input->hdi_lower != NULL && input->hdi_upper != NULL)
              {
                interval->hdi_lower = input->hdi_lower[q];
                interval->hdi_upper = input->hdi_upper[q];
              }
          }
        else
          *interval = interval_of (draws + l * n, n, hdi_prob, scratch);
        if (!interval->valid)
          continue;
        double values[] = { interval->hdi_lower, interval->hdi_upper, interval->q25,
                            interval->q75 };
        for (size_t k = 0; k < G_N_ELEMENTS (values); k++)
          if (isfinite (values[k]))
            {
              x_lo = fmin (x_lo, values[k]);
              x_hi = fmax (x_hi, values[k]);
            }
      }
  if (!(x_hi >= x_lo))
    {
      x_lo = 0;
      x_hi = 1;
    }
  double margin = 0.05 * (x_hi - x_lo);
  x_lo -= margin;
  x_hi += margin;

  double legend = input->combined ? 0 : cr_canvas_chain_legend (&canvas, d->n_chains, TRUE);

  /* The R-hat column on the right. */
  double column = 0, header_width, header_height;
  cr_canvas_measure (&canvas, "R-hat", 1.0, &header_width, &header_height);
  if (input->r_hat != NULL)
    {
      double number_width, number_height;
      cr_canvas_measure (&canvas, "0.000", 1.0, &number_width, &number_height);
      column = fmax (header_width, number_width) + 2 * canvas.pad;
    }

  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  g_autofree double *positions = g_new (double, n_rows);
  for (size_t q = 0; q < n_rows; q++)
    {
      const char *name = d->quantities[q].name;
      g_ptr_array_add (names, (gpointer) (name != NULL ? name : ""));
      /* Row 0 at the top. */
      positions[q] = n_rows - q - 0.5;
    }
  char percent[32], title[64];
  cr_format_percent (percent, sizeof percent, hdi_prob);
  g_snprintf (title, sizeof title, "%s HDI", percent);
  CrAxisTicks ticks;
  cr_ticks_for (x_lo, x_hi, width - column, 80, &ticks);
  CrFrame frame = { .title = title, .x_ticks = &ticks,
                    .y_names = (const char *const *) names->pdata, .y_name_positions = positions,
                    .n_y_names = n_rows };
  CrRect outer = { 0, legend, width - column, height - legend };
  CrPanel panel;
  cr_panel_place (&canvas, outer, &frame, x_lo, x_hi, 0, (double) n_rows, &panel);

  g_autofree char *what = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%zu forest row", "%zu forest rows", n_rows), n_rows);
  double min_row = fmax (canvas.line_height, 5.0 * lines);
  if (!cr_check_cells (panel.area.width, panel.area.height / n_rows, 60, min_row, what, error))
    return cr_canvas_abort (&canvas);
  cr_panel_draw_frame (&canvas, &panel, &frame);

  cr_panel_clip (&canvas, &panel, 4);
  for (size_t q = 0; q < n_rows; q++)
    for (size_t l = 0; l < lines; l++)
      {
        /* Per chain: the chains' lines spread over the middle 60% of the row, chain 0 on
         * top. */
        double offset = lines > 1 ? 0.3 - 0.6 * l / (lines - 1) : 0;
        CrColor color = cr_plot_chain_color ((guint) l, canvas.style->theme);
        draw_interval (&canvas, &panel, &intervals[q * lines + l], positions[q] + offset, color);
      }
  cairo_restore (cr);

  if (input->r_hat != NULL)
    {
      double x = panel.area.x + panel.area.width + column / 2;
      cr_canvas_text (&canvas, "R-hat", x, panel.area.y - canvas.pad / 2, 0.5, 1.0, 1.0,
                      canvas.foreground);
      for (size_t q = 0; q < n_rows; q++)
        {
          double r_hat = input->r_hat[q];
          char text[G_ASCII_DTOSTR_BUF_SIZE];
          if (isfinite (r_hat))
            g_ascii_formatd (text, sizeof text, "%.3f", r_hat);
          else
            g_strlcpy (text, "—", sizeof text);
          /* Vehtari et al. 2021 recommend R-hat at most 1.01 before trusting the draws. */
          CrColor color = isfinite (r_hat) && r_hat > 1.01 ? canvas.alert : canvas.foreground;
          cr_canvas_text (&canvas, text, x, cr_panel_y (&panel, positions[q]), 0.5, 0.5, 1.0,
                          color);
        }
    }
  return cr_canvas_end (&canvas, error);
}
