/* regression.c: the regression plot for one predictor: the observations, the posterior mean
 * of the regression line, the pointwise HDI band of that line and the pointwise HDI band of
 * the posterior predictive draws, as ArviZ's plot_lm with kind_model="hdi" and
 * kind_pp="hdi". */
#include "plot-private.h"

#include <math.h>
#include <stdlib.h>

#define DEFAULT_GRID 100

typedef struct
{
  double x;
  double lower, upper;
} Band;

static int
compare_bands (const void *a, const void *b)
{
  double x = ((const Band *) a)->x, y = ((const Band *) b)->x;
  return (x > y) - (x < y);
}

/* The mean and the HDI at @prob of the finite values among the @n in @gathered (which it
 * sorts into @sorted). Returns: FALSE when none is finite. */
static gboolean
summarise (const double *gathered,
           size_t n,
           double prob,
           double *sorted,
           double *mean,
           double *lower,
           double *upper)
{
  size_t count = cr_sorted_finite (gathered, n, sorted);
  if (count == 0)
    return FALSE;
  double sum = 0;
  for (size_t k = 0; k < count; k++)
    sum += sorted[k];
  *mean = sum / count;
  cr_hdi_sorted (sorted, count, prob, lower, upper);
  return TRUE;
}

/* Fills the band between @lower and @upper over the @n increasing @xs, skipping points
 * where @valid is FALSE (each run of valid points is its own polygon). */
static void
fill_band (CrCanvas *canvas,
           const CrPanel *panel,
           const double *xs,
           const double *lower,
           const double *upper,
           const gboolean *valid,
           size_t n,
           CrColor color,
           double alpha)
{
  cairo_t *cr = canvas->cr;
  cairo_new_path (cr);
  size_t start = 0;
  while (start < n)
    {
      if (!valid[start])
        {
          start++;
          continue;
        }
      size_t end = start;
      while (end < n && valid[end])
        end++;
      cairo_move_to (cr, cr_panel_x (panel, xs[start]), cr_panel_y (panel, upper[start]));
      for (size_t k = start + 1; k < end; k++)
        cairo_line_to (cr, cr_panel_x (panel, xs[k]), cr_panel_y (panel, upper[k]));
      for (size_t k = end; k-- > start;)
        cairo_line_to (cr, cr_panel_x (panel, xs[k]), cr_panel_y (panel, lower[k]));
      cairo_close_path (cr);
      start = end;
    }
  cr_plot_set_source (cr, color, alpha);
  cairo_fill (cr);
}

/* Smooths the predictive band's bounds by a centred moving average over SMOOTH_WIDTH
 * neighbouring observations (fewer at the ends): each observation's HDI comes from its own
 * draws, and the Monte Carlo noise between neighbours would otherwise show as a ragged edge.
 * ArviZ's plot_hdi smooths its band for the same reason (with a Savitzky-Golay filter). */
#define SMOOTH_WIDTH 5

static void
smooth_bands (Band *bands, size_t n)
{
  if (n < 3)
    return;
  g_autofree double *lower = g_new (double, n);
  g_autofree double *upper = g_new (double, n);
  size_t half = SMOOTH_WIDTH / 2;
  for (size_t k = 0; k < n; k++)
    {
      size_t from = k > half ? k - half : 0, to = MIN (n - 1, k + half);
      double sum_lower = 0, sum_upper = 0;
      for (size_t m = from; m <= to; m++)
        {
          sum_lower += bands[m].lower;
          sum_upper += bands[m].upper;
        }
      lower[k] = sum_lower / (to - from + 1);
      upper[k] = sum_upper / (to - from + 1);
    }
  for (size_t k = 0; k < n; k++)
    {
      bands[k].lower = lower[k];
      bands[k].upper = upper[k];
    }
}

static gboolean
check_input (const CrPlotRegressionInput *input, GError **error)
{
  if (input->x == NULL || input->y == NULL || input->n_obs == 0)
    {
      g_set_error (error, CR_PLOT_ERROR, CR_PLOT_ERROR_INPUT,
                   "regression plot: no observations to plot; pass the predictor and outcome "
                   "columns");
      return FALSE;
    }
  gboolean by_grid = input->mean_draws != NULL && input->grid_x != NULL && input->n_grid >= 2;
  gboolean by_coefficients = input->intercept != NULL && input->slope != NULL;
  if ((!by_grid && !by_coefficients) || input->n_line_draws == 0)
    {
      g_set_error (error, CR_PLOT_ERROR, CR_PLOT_ERROR_INPUT,
                   "regression plot: no draws of the regression line; pass its values at a "
                   "grid of at least 2 points, or intercept and slope draws");
      return FALSE;
    }
  return TRUE;
}

gboolean
cr_plot_draw_regression (cairo_t *cr,
                         double width,
                         double height,
                         const CrPlotStyle *style,
                         const CrPlotRegressionInput *input,
                         GError **error)
{
  g_return_val_if_fail (cr != NULL, FALSE);
  g_return_val_if_fail (input != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  g_return_val_if_fail (input->band_prob == 0 || (input->band_prob > 0 && input->band_prob < 1),
                        FALSE);

  if (!check_input (input, error))
    return FALSE;
  CrCanvas canvas;
  if (!cr_canvas_begin (&canvas, cr, width, height, style, error))
    return FALSE;
  CrPlotTheme theme = canvas.style->theme;
  double prob = input->band_prob > 0 ? input->band_prob : 0.94;
  size_t n_obs = input->n_obs, n_draws = input->n_line_draws;

  double data_lo = 0, data_hi = 1;
  if (cr_finite_range (input->x, n_obs, &data_lo, &data_hi) == 0)
    data_lo = 0, data_hi = 1;

  /* The grid of the line. */
  size_t n_grid;
  g_autofree double *own_grid = NULL;
  const double *grid;
  if (input->grid_x != NULL && input->n_grid >= 2)
    {
      grid = input->grid_x;
      n_grid = input->n_grid;
    }
  else
    {
      n_grid = DEFAULT_GRID;
      own_grid = g_new (double, n_grid);
      double lo = data_lo, hi = data_hi > data_lo ? data_hi : data_lo + 1;
      for (size_t j = 0; j < n_grid; j++)
        own_grid[j] = lo + (hi - lo) * j / (n_grid - 1);
      grid = own_grid;
    }

  /* The line's mean and band at each grid point. */
  size_t scratch_size = MAX (n_draws, input->predictive != NULL ? input->n_predictive_draws : 0);
  g_autofree double *gathered = g_new (double, MAX (scratch_size, 1));
  g_autofree double *sorted = g_new (double, MAX (scratch_size, 1));
  g_autofree double *mean = g_new (double, n_grid);
  g_autofree double *lower = g_new (double, n_grid);
  g_autofree double *upper = g_new (double, n_grid);
  g_autofree gboolean *valid = g_new (gboolean, n_grid);
  double y_lo = INFINITY, y_hi = -INFINITY;
  for (size_t j = 0; j < n_grid; j++)
    {
      for (size_t s = 0; s < n_draws; s++)
        gathered[s] = input->mean_draws != NULL
                        ? input->mean_draws[s * n_grid + j]
                        : input->intercept[s] + input->slope[s] * grid[j];
      valid[j] = isfinite (grid[j])
                 && summarise (gathered, n_draws, prob, sorted, &mean[j], &lower[j], &upper[j]);
      if (valid[j])
        {
          y_lo = fmin (y_lo, lower[j]);
          y_hi = fmax (y_hi, upper[j]);
        }
    }

  /* The predictive band at each observation with a finite predictor, in order of x. */
  size_t n_bands = 0;
  g_autofree Band *bands = NULL;
  if (input->predictive != NULL && input->n_predictive_draws > 0)
    {
      bands = g_new (Band, n_obs);
      for (size_t i = 0; i < n_obs; i++)
        {
          if (!isfinite (input->x[i]))
            continue;
          for (size_t s = 0; s < input->n_predictive_draws; s++)
            gathered[s] = input->predictive[s * n_obs + i];
          double unused;
          Band *band = &bands[n_bands];
          band->x = input->x[i];
          if (summarise (gathered, input->n_predictive_draws, prob, sorted, &unused,
                         &band->lower, &band->upper))
            {
              y_lo = fmin (y_lo, band->lower);
              y_hi = fmax (y_hi, band->upper);
              n_bands++;
            }
        }
      qsort (bands, n_bands, sizeof (Band), compare_bands);
      smooth_bands (bands, n_bands);
    }

  double lo, hi;
  if (cr_finite_range (input->y, n_obs, &lo, &hi) > 0)
    {
      y_lo = fmin (y_lo, lo);
      y_hi = fmax (y_hi, hi);
    }
  if (!(y_hi >= y_lo))
    y_lo = 0, y_hi = 1;
  double x_lo = fmin (data_lo, grid[0]), x_hi = fmax (data_hi, grid[n_grid - 1]);
  double x_margin = 0.03 * (x_hi - x_lo), y_margin = 0.05 * (y_hi - y_lo);

  /* The legend across the top. */
  CrColor line_color = cr_plot_chain_color (0, theme);
  CrColor predictive_color = cr_plot_chain_color (1, theme);
  char percent[32], band_label[64], predictive_label[64];
  cr_format_percent (percent, sizeof percent, prob);
  g_snprintf (band_label, sizeof band_label, "%s HDI of the mean", percent);
  g_snprintf (predictive_label, sizeof predictive_label, "%s predictive HDI", percent);
  CrLegendEntry entries[] = {
    { _("observed"), canvas.foreground, 0.75, CR_LEGEND_DOT },
    { _("posterior mean"), line_color, 1.0, CR_LEGEND_LINE },
    { band_label, line_color, 0.35, CR_LEGEND_BOX },
    { predictive_label, predictive_color, 0.3, CR_LEGEND_BOX },
  };
  size_t n_entries = n_bands > 0 ? 4 : 3;
  CrRect legend_area = { canvas.pad, canvas.pad / 2, width - 2 * canvas.pad, height };
  double legend = cr_canvas_legend (&canvas, legend_area, entries, n_entries, FALSE) + canvas.pad;
  if (!cr_check_cells (width, height - legend, CR_PLOT_MIN_WIDTH, 4 * canvas.line_height + 30,
                       _("the regression panel with its legend"), error))
    return cr_canvas_abort (&canvas);
  cr_canvas_legend (&canvas, legend_area, entries, n_entries, TRUE);

  CrAxisTicks x_ticks, y_ticks;
  cr_ticks_for (x_lo - x_margin, x_hi + x_margin, width, 80, &x_ticks);
  cr_ticks_for (y_lo - y_margin, y_hi + y_margin, height - legend, 40, &y_ticks);
  CrFrame frame = { .x_label = input->x_label != NULL ? input->x_label : "x",
                    .y_label = input->y_label != NULL ? input->y_label : "y",
                    .x_ticks = &x_ticks, .y_ticks = &y_ticks };
  CrRect outer = { 0, legend, width, height - legend };
  CrPanel panel;
  cr_panel_place (&canvas, outer, &frame, x_lo - x_margin, x_hi + x_margin, y_lo - y_margin,
                  y_hi + y_margin, &panel);
  cr_panel_draw_frame (&canvas, &panel, &frame);

  cr_panel_clip (&canvas, &panel, 1);
  if (n_bands > 0)
    {
      g_autofree double *xs = g_new (double, n_bands);
      g_autofree double *band_lower = g_new (double, n_bands);
      g_autofree double *band_upper = g_new (double, n_bands);
      g_autofree gboolean *band_valid = g_new (gboolean, n_bands);
      for (size_t k = 0; k < n_bands; k++)
        {
          xs[k] = bands[k].x;
          band_lower[k] = bands[k].lower;
          band_upper[k] = bands[k].upper;
          band_valid[k] = TRUE;
        }
      fill_band (&canvas, &panel, xs, band_lower, band_upper, band_valid, n_bands,
                 predictive_color, 0.3);
    }
  fill_band (&canvas, &panel, grid, lower, upper, valid, n_grid, line_color, 0.35);

  gboolean pen_down = FALSE;
  cairo_new_path (cr);
  for (size_t j = 0; j < n_grid; j++)
    {
      if (!valid[j])
        {
          pen_down = FALSE;
          continue;
        }
      double x = cr_panel_x (&panel, grid[j]), y = cr_panel_y (&panel, mean[j]);
      if (pen_down)
        cairo_line_to (cr, x, y);
      else
        cairo_move_to (cr, x, y);
      pen_down = TRUE;
    }
  cr_plot_set_source (cr, line_color, 1.0);
  cairo_set_line_width (cr, 2.0);
  cairo_stroke (cr);

  for (size_t i = 0; i < n_obs; i++)
    {
      if (!isfinite (input->x[i]) || !isfinite (input->y[i]))
        continue;
      cairo_new_sub_path (cr);
      cairo_arc (cr, cr_panel_x (&panel, input->x[i]), cr_panel_y (&panel, input->y[i]), 2.5, 0,
                 2 * G_PI);
    }
  cr_plot_set_source (cr, canvas.foreground, 0.75);
  cairo_fill (cr);
  cairo_restore (cr);
  return cr_canvas_end (&canvas, error);
}
