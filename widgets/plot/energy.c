/* energy.c: the energy plot: the marginal distribution of the Hamiltonian energy (centred)
 * over the distribution of its changes between successive draws, with each chain's E-BFMI.
 * When the transitions are much narrower than the marginal, the sampler's momentum
 * resampling cannot explore the energy levels (Betancourt 2016, arXiv:1604.00695; Betancourt
 * 2017, "A Conceptual Introduction to Hamiltonian Monte Carlo"), as ArviZ's
 * plot_energy shows. */
#include "plot-private.h"

#include <math.h>

#define ENERGY_GRID 512

/* Below this E-BFMI Betancourt 2016 and Stan warn of poor exploration. */
#define EBFMI_WARNING 0.3

gboolean
cr_plot_draw_energy (cairo_t *cr,
                     double width,
                     double height,
                     const CrPlotStyle *style,
                     const CrPlotEnergyInput *input,
                     GError **error)
{
  g_return_val_if_fail (cr != NULL, FALSE);
  g_return_val_if_fail (input != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  size_t n_chains = input->n_chains, n = input->n_draws;
  if (input->energy == NULL || n_chains == 0 || n < 2)
    {
      g_set_error (error, CR_PLOT_ERROR, CR_PLOT_ERROR_INPUT,
                   "energy plot: needs the energy of at least 2 draws per chain (%zu chains "
                   "of %zu draws); plot it once the run has recorded more",
                   n_chains, n);
      return FALSE;
    }
  CrCanvas canvas;
  if (!cr_canvas_begin (&canvas, cr, width, height, style, error))
    return FALSE;
  CrPlotTheme theme = canvas.style->theme;

  /* The marginal energy about the mean of all chains, and the transitions within chains. */
  size_t total = n_chains * n;
  double sum = 0;
  size_t finite = 0;
  for (size_t k = 0; k < total; k++)
    if (isfinite (input->energy[k]))
      {
        sum += input->energy[k];
        finite++;
      }
  double mean = finite > 0 ? sum / finite : 0;
  g_autofree double *marginal = g_new (double, total);
  g_autofree double *transition = g_new (double, n_chains * (n - 1));
  for (size_t k = 0; k < total; k++)
    marginal[k] = input->energy[k] - mean;
  for (size_t c = 0; c < n_chains; c++)
    for (size_t i = 1; i < n; i++)
      transition[c * (n - 1) + i - 1] = input->energy[c * n + i] - input->energy[c * n + i - 1];

  double grids[2][ENERGY_GRID], densities[2][ENERGY_GRID];
  gboolean has_density[2] = {
    cr_plot_kde (marginal, total, NULL, ENERGY_GRID, grids[0], densities[0], NULL),
    cr_plot_kde (transition, n_chains * (n - 1), NULL, ENERGY_GRID, grids[1], densities[1],
                 NULL),
  };
  CrColor colors[2] = { cr_plot_chain_color (0, theme), cr_plot_chain_color (1, theme) };

  /* The legend: the two distributions, then each chain's E-BFMI. */
  g_autoptr (GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_autofree CrLegendEntry *entries = g_new0 (CrLegendEntry, 2 + n_chains);
  entries[0] = (CrLegendEntry){ _("marginal energy"), colors[0], 0.5, CR_LEGEND_BOX };
  entries[1] = (CrLegendEntry){ _("energy transition"), colors[1], 0.5, CR_LEGEND_BOX };
  for (size_t c = 0; c < n_chains; c++)
    {
      double ebfmi = input->ebfmi != NULL ? input->ebfmi[c] : cr_ebfmi (input->energy + c * n, n);
      char value[G_ASCII_DTOSTR_BUF_SIZE];
      if (isfinite (ebfmi))
        g_ascii_formatd (value, sizeof value, "%.2f", ebfmi);
      else
        g_strlcpy (value, "—", sizeof value);
      char *label = n_chains > 1 ? g_strdup_printf ("E-BFMI chain %zu: %s", c, value)
                                 : g_strdup_printf ("E-BFMI: %s", value);
      g_ptr_array_add (labels, label);
      gboolean low = isfinite (ebfmi) && ebfmi < EBFMI_WARNING;
      entries[2 + c] = (CrLegendEntry){ label, low ? canvas.alert : canvas.foreground, 1.0,
                                        CR_LEGEND_TEXT };
    }
  CrRect legend_area = { canvas.pad, canvas.pad / 2, width - 2 * canvas.pad, height };
  double legend = cr_canvas_legend (&canvas, legend_area, entries, 2 + n_chains, FALSE)
                  + canvas.pad;
  if (!cr_check_cells (width, height - legend, CR_PLOT_MIN_WIDTH, 3 * canvas.line_height + 30,
                       _("the energy panel with its legend"), error))
    return cr_canvas_abort (&canvas);
  cr_canvas_legend (&canvas, legend_area, entries, 2 + n_chains, TRUE);

  double x_lo = INFINITY, x_hi = -INFINITY, top = 0;
  for (int k = 0; k < 2; k++)
    {
      if (!has_density[k])
        continue;
      x_lo = fmin (x_lo, grids[k][0]);
      x_hi = fmax (x_hi, grids[k][ENERGY_GRID - 1]);
      for (size_t j = 0; j < ENERGY_GRID; j++)
        top = fmax (top, densities[k][j]);
    }
  if (!(x_hi > x_lo))
    {
      x_lo = -1;
      x_hi = 1;
    }
  CrAxisTicks ticks;
  cr_ticks_for (x_lo, x_hi, width, 80, &ticks);
  CrFrame frame = { .x_ticks = &ticks, .no_y_axis = TRUE,
                    .x_label = _("energy (marginal: minus its mean)") };
  CrRect outer = { 0, legend, width, height - legend };
  CrPanel panel;
  cr_panel_place (&canvas, outer, &frame, x_lo, x_hi, 0, top > 0 ? 1.05 * top : 1, &panel);
  cr_panel_draw_frame (&canvas, &panel, &frame);
  cr_panel_clip (&canvas, &panel, 1);
  for (int k = 0; k < 2; k++)
    if (has_density[k])
      cr_panel_density (&canvas, &panel, grids[k], densities[k], ENERGY_GRID, colors[k], 1.5,
                        0.35);
  cairo_restore (cr);
  return cr_canvas_end (&canvas, error);
}
