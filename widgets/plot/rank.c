/* rank.c: the rank plot: per quantity, each chain's histogram of its draws' ranks among the
 * draws of all chains (Vehtari et al. 2021, sec. 4.1). Chains that sample the same
 * distribution have flat histograms; a chain stuck in a region piles up at one end. */
#include "plot-private.h"

#include <math.h>
#include <stdlib.h>

/* The height of a band's tallest bar, as a share of the band, so bands do not touch. */
#define BAND_FILL 0.85

typedef struct
{
  double value;
  size_t index;
} Ranked;

/* NaN sorts above every number and equal to itself, so ranking is total. */
static int
compare_ranked (const void *a, const void *b)
{
  double x = ((const Ranked *) a)->value, y = ((const Ranked *) b)->value;
  if (isnan (x) || isnan (y))
    return isnan (x) - isnan (y);
  return (x > y) - (x < y);
}

static gboolean
same_value (double x, double y)
{
  return x == y || (isnan (x) && isnan (y));
}

/* The ranks 1 .. n of @values into @ranks, ties sharing their mean rank (scipy's rankdata
 * "average", which ArviZ uses). */
static void
rank_values (const double *values, size_t n, Ranked *scratch, double *ranks)
{
  for (size_t i = 0; i < n; i++)
    scratch[i] = (Ranked){ values[i], i };
  qsort (scratch, n, sizeof (Ranked), compare_ranked);
  size_t start = 0;
  while (start < n)
    {
      size_t end = start + 1;
      while (end < n && same_value (scratch[end].value, scratch[start].value))
        end++;
      double mean_rank = 0.5 * ((start + 1) + end);
      for (size_t k = start; k < end; k++)
        ranks[scratch[k].index] = mean_rank;
      start = end;
    }
}

static void
draw_panel (CrCanvas *canvas,
            CrRect cell,
            const CrPlotQuantity *quantity,
            size_t n_chains,
            size_t n_draws,
            size_t n_bins,
            Ranked *scratch,
            double *ranks,
            double *counts,
            const char *const *chain_names,
            const double *chain_positions)
{
  cairo_t *cr = canvas->cr;
  size_t total = n_chains * n_draws;
  rank_values (quantity->draws, total, scratch, ranks);

  for (size_t k = 0; k < n_chains * n_bins; k++)
    counts[k] = 0;
  for (size_t c = 0; c < n_chains; c++)
    for (size_t i = 0; i < n_draws; i++)
      {
        /* Ranks 1 .. total spread evenly over the bins. */
        double share = (ranks[c * n_draws + i] - 0.5) / total;
        size_t bin = MIN ((size_t) (share * n_bins), n_bins - 1);
        counts[c * n_bins + bin] += 1;
      }
  double most = 0;
  for (size_t k = 0; k < n_chains * n_bins; k++)
    most = fmax (most, counts[k]);

  CrAxisTicks rank_ticks;
  cr_ticks_for (0, (double) total, cell.width, 70, &rank_ticks);
  CrFrame frame = { .title = quantity->name, .x_label = _("Rank (all chains)"),
                    .y_label = _("Chain"), .x_ticks = &rank_ticks, .y_names = chain_names,
                    .y_name_positions = chain_positions, .n_y_names = n_chains };
  CrPanel panel;
  cr_panel_place (canvas, cell, &frame, 0, (double) total, 0, (double) n_chains, &panel);
  cr_panel_draw_frame (canvas, &panel, &frame);

  cr_panel_clip (canvas, &panel, 0);
  double bin_width = (double) total / n_bins;
  /* A hairline of background between bars when they are wide enough to spare it. */
  double bar_pixels = panel.area.width / n_bins;
  double gap = bar_pixels >= 4 ? 1.0 : 0.0;
  for (size_t c = 0; c < n_chains; c++)
    {
      /* Chain 0 is the bottom band, as in ArviZ. */
      cr_plot_set_source (cr, cr_plot_chain_color ((guint) c, canvas->style->theme), 1.0);
      for (size_t b = 0; b < n_bins; b++)
        {
          double x0 = cr_panel_x (&panel, b * bin_width);
          double x1 = cr_panel_x (&panel, (b + 1) * bin_width) - gap;
          double y0 = cr_panel_y (&panel, (double) c);
          double y1 = cr_panel_y (&panel, c + BAND_FILL * counts[c * n_bins + b] / most);
          cairo_rectangle (cr, x0, y1, fmax (x1 - x0, 0.5), y0 - y1);
        }
      cairo_fill (cr);
    }
  /* Where every bar would be if the ranks were uniform. */
  double expected = (double) n_draws / n_bins;
  cr_plot_set_source (cr, canvas->muted, 1.0);
  cairo_set_line_width (cr, 1.0);
  double dashes[] = { 4.0, 3.0 };
  cairo_set_dash (cr, dashes, 2, 0);
  for (size_t c = 0; c < n_chains; c++)
    {
      double y = cr_panel_y (&panel, c + BAND_FILL * expected / most);
      cairo_move_to (cr, panel.area.x, y);
      cairo_line_to (cr, panel.area.x + panel.area.width, y);
    }
  cairo_stroke (cr);
  cairo_restore (cr);
}

gboolean
cr_plot_draw_rank (cairo_t *cr,
                   double width,
                   double height,
                   const CrPlotStyle *style,
                   const CrPlotRankInput *input,
                   GError **error)
{
  g_return_val_if_fail (cr != NULL, FALSE);
  g_return_val_if_fail (input != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  const CrPlotDraws *d = &input->draws;
  if (!cr_check_draws (d, "rank", error))
    return FALSE;
  CrCanvas canvas;
  if (!cr_canvas_begin (&canvas, cr, width, height, style, error))
    return FALSE;

  size_t rows, cols;
  cr_grid_shape (d->n_quantities, 3, &rows, &cols);
  CrRect body = { 0, 0, width, height };
  g_autofree char *what = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%zu rank panel", "%zu rank panels", d->n_quantities), d->n_quantities);
  if (!cr_check_cells (width / cols, height / rows, 110,
                       4 * canvas.line_height + 20 + 6.0 * d->n_chains, what, error))
    return cr_canvas_abort (&canvas);

  /* ArviZ's bins: Sturges' formula doubled, on the draws per chain. */
  size_t n_bins = input->n_bins;
  if (n_bins == 0)
    n_bins = (size_t) ceil (2 * log2 ((double) d->n_draws)) + 1;
  n_bins = CLAMP (n_bins, 1, d->n_chains * d->n_draws);

  size_t total = d->n_chains * d->n_draws;
  g_autofree Ranked *scratch = g_new (Ranked, total);
  g_autofree double *ranks = g_new (double, total);
  g_autofree double *counts = g_new (double, d->n_chains * n_bins);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree double *positions = g_new (double, d->n_chains);
  for (size_t c = 0; c < d->n_chains; c++)
    {
      g_ptr_array_add (names, g_strdup_printf ("%zu", c));
      positions[c] = c + BAND_FILL / 2;
    }
  for (size_t q = 0; q < d->n_quantities; q++)
    draw_panel (&canvas, cr_grid_cell (body, rows, cols, q), &d->quantities[q], d->n_chains,
                d->n_draws, n_bins, scratch, ranks, counts, (const char *const *) names->pdata,
                positions);
  return cr_canvas_end (&canvas, error);
}
