/* cli-plot.c: credence-cli plot PROJECT [--run ID] --kind KIND [--var NAME] --out FILE.
 *
 * The numbers a plot prints (HDI bounds, R-hat, E-BFMI, ESS) come from the engine's diag module,
 * so a plot and `summary` never disagree; densities reflect at the bounds of each variable's
 * support, read from the run's own model.
 */
#include "cli-plot.h"
#include "recording.h"

#include "config.h"
#include "diag/diag.h"
#include "model/model.h"
#include "plot.h"
#include "store/store.h"

#include <glib/gi18n.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

enum
{
  EXIT_INPUT = 2,
  EXIT_USAGE = 64,
};

static gboolean
wanted (const char *quantity, const char *var)
{
  if (var == NULL)
    return TRUE;
  size_t n = strlen (var);
  return strcmp (quantity, var) == 0 || (strncmp (quantity, var, n) == 0 && quantity[n] == '[');
}

int
cr_cli_plot (int argc, char **argv)
{
  gint64 run_id = 0;
  g_autofree char *kind_name = NULL, *var = NULL, *out = NULL, *theme_name = NULL;
  g_autofree char *x_column = NULL, *y_column = NULL, *intercept_name = NULL, *slope_name = NULL, *sigma_name = NULL;
  int width = 800, height = 0;
  const GOptionEntry entries[] = {
    { "run", 'r', 0, G_OPTION_ARG_INT64, &run_id, N_ ("The run (the latest by default)"), "ID" },
    { "kind", 'k', 0, G_OPTION_ARG_STRING, &kind_name,
      N_ ("trace, rank, posterior, forest, pair, energy, autocorr, ess or regression"), "KIND" },
    { "var", 'v', 0, G_OPTION_ARG_STRING, &var, N_ ("The variable (all its elements); all by default"), "NAME" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, N_ ("The file: .png, .svg or .pdf"), "FILE" },
    { "width", 0, 0, G_OPTION_ARG_INT, &width, N_ ("Width in pixels or points (800)"), "W" },
    { "height", 0, 0, G_OPTION_ARG_INT, &height, N_ ("Height (by default from the number of panels)"), "H" },
    { "theme", 0, 0, G_OPTION_ARG_STRING, &theme_name, N_ ("light (default) or dark"), "THEME" },
    { "x", 0, 0, G_OPTION_ARG_STRING, &x_column, N_ ("regression: the predictor column"), "COLUMN" },
    { "y", 0, 0, G_OPTION_ARG_STRING, &y_column, N_ ("regression: the outcome column"), "COLUMN" },
    { "intercept", 0, 0, G_OPTION_ARG_STRING, &intercept_name, N_ ("regression: the intercept variable"), "NAME" },
    { "slope", 0, 0, G_OPTION_ARG_STRING, &slope_name, N_ ("regression: the slope variable"), "NAME" },
    { "sigma", 0, 0, G_OPTION_ARG_STRING, &sigma_name, N_ ("regression: the noise sd, for the predictive band"), "NAME" },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new (
      "PROJECT [--run ID] --kind KIND [--var NAME] --out FILE.png|.svg|.pdf [--width W --height H] [--theme light|dark]");
  g_option_context_set_summary (context, _("Draw a plot of a stored run into a PNG, SVG or PDF file"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "credence-cli plot: %s\n", error->message);
      return EXIT_USAGE;
    }
  CrPlotKind kind;
  if (argc != 2 || kind_name == NULL || out == NULL)
    {
      fprintf (stderr, _("credence-cli plot: give one project, --kind and --out\n"));
      return EXIT_USAGE;
    }
  if (!cr_plot_kind_from_name (kind_name, &kind))
    {
      fprintf (stderr, _("credence-cli plot: “%s” is not a kind of plot; the kinds are trace, rank, posterior, "
                         "forest, pair, energy, autocorr, ess and regression\n"),
               kind_name);
      return EXIT_USAGE;
    }
  CrPlotStyle style = { CR_PLOT_THEME_LIGHT, NULL, 0, FALSE };
  if (theme_name != NULL && strcmp (theme_name, "dark") == 0)
    style.theme = CR_PLOT_THEME_DARK;
  else if (theme_name != NULL && strcmp (theme_name, "light") != 0)
    {
      fprintf (stderr, _("credence-cli plot: --theme is light or dark, not “%s”\n"), theme_name);
      return EXIT_USAGE;
    }

  g_autoptr (CrProject) project = cr_project_open (argv[1], &error);
  g_autoptr (CrRun) run = project != NULL ? cr_project_load_run (project, run_id, &error) : NULL;
  if (run == NULL)
    {
      fprintf (stderr, "credence-cli plot: %s\n", error->message);
      return EXIT_INPUT;
    }
  size_t n = cr_run_get_n_common_draws (run), n_chains = run->n_chains;
  if (n < 4)
    {
      fprintf (stderr, _("credence-cli plot: run %lld has %zu draws per chain after warmup; a plot needs at least 4\n"),
               (long long) run->id, n);
      return EXIT_INPUT;
    }
  g_autoptr (CrDataset) dataset = NULL;
  g_autoptr (CrModel) model = recording_run_model (project, run, &dataset);

  /* The quantities asked for, chain-major, with their bounds, HDIs and R-hats. */
  g_auto (GStrv) names = cr_run_get_quantity_names (run);
  g_autoptr (GArray) quantities = g_array_new (FALSE, FALSE, sizeof (CrPlotQuantity));
  g_autoptr (GPtrArray) buffers = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) hdi_lower = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) hdi_upper = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) r_hat = g_array_new (FALSE, FALSE, sizeof (double));
  for (size_t j = 0; j < run->n_values; j++)
    {
      if (!wanted (names[j], var))
        continue;
      double *draws = g_new (double, n_chains * n);
      cr_run_copy_quantity (run, j, draws);
      g_ptr_array_add (buffers, draws);
      g_autofree char *variable = recording_variable_of (names[j]);
      CrPlotQuantity q = { names[j], draws, recording_plot_bounds (model, variable) };
      g_array_append_val (quantities, q);
      double lo, hi, rh = cr_diag_rhat (draws, n_chains, n);
      cr_diag_hdi (draws, n_chains * n, CR_DIAG_HDI_PROB, &lo, &hi);
      g_array_append_val (hdi_lower, lo);
      g_array_append_val (hdi_upper, hi);
      g_array_append_val (r_hat, rh);
    }
  if (quantities->len == 0 && kind != CR_PLOT_KIND_ENERGY && kind != CR_PLOT_KIND_REGRESSION)
    {
      fprintf (stderr, _("credence-cli plot: run %lld has no variable “%s”\n"), (long long) run->id, var);
      return EXIT_INPUT;
    }
  CrPlotDraws draws = { (const CrPlotQuantity *) quantities->data, quantities->len, n_chains, n };

  int divergent_stat = cr_run_find_stat (run, "divergent"), energy_stat = cr_run_find_stat (run, "energy");
  g_autofree guint8 *divergent = NULL;
  if (divergent_stat >= 0)
    {
      g_autofree double *flags = g_new (double, n_chains * n);
      cr_run_copy_stat (run, (size_t) divergent_stat, flags);
      divergent = g_new (guint8, n_chains * n);
      for (size_t i = 0; i < n_chains * n; i++)
        divergent[i] = flags[i] != 0;
    }

  size_t panels = MAX (quantities->len, 1);
  int default_height = kind == CR_PLOT_KIND_FOREST ? 80 + 24 * (int) panels
                       : kind == CR_PLOT_KIND_PAIR ? width
                       : kind == CR_PLOT_KIND_ENERGY || kind == CR_PLOT_KIND_REGRESSION || kind == CR_PLOT_KIND_ESS ? 400
                                                                                                      : 60 + 180 * (int) MIN (panels, 12);
  if (height <= 0)
    height = default_height;

  gboolean ok = FALSE;
  switch (kind)
    {
    case CR_PLOT_KIND_TRACE:
      {
        CrPlotTraceInput input = { draws, divergent };
        ok = cr_plot_save (out, width, height, &style, kind, &input, &error);
        break;
      }
    case CR_PLOT_KIND_RANK:
      {
        CrPlotRankInput input = { draws, 0 };
        ok = cr_plot_save (out, width, height, &style, kind, &input, &error);
        break;
      }
    case CR_PLOT_KIND_POSTERIOR:
      {
        CrPlotPosteriorInput input = { draws, CR_DIAG_HDI_PROB, (const double *) hdi_lower->data,
                                       (const double *) hdi_upper->data, NULL };
        ok = cr_plot_save (out, width, height, &style, kind, &input, &error);
        break;
      }
    case CR_PLOT_KIND_FOREST:
      {
        CrPlotForestInput input = { draws, TRUE, CR_DIAG_HDI_PROB, (const double *) hdi_lower->data,
                                    (const double *) hdi_upper->data, (const double *) r_hat->data };
        ok = cr_plot_save (out, width, height, &style, kind, &input, &error);
        break;
      }
    case CR_PLOT_KIND_PAIR:
      {
        CrPlotPairInput input = { draws, divergent, CR_PLOT_PAIR_AUTO };
        ok = cr_plot_save (out, width, height, &style, kind, &input, &error);
        break;
      }
    case CR_PLOT_KIND_ENERGY:
      {
        if (energy_stat < 0)
          {
            fprintf (stderr, _("credence-cli plot: run %lld has no energy statistic\n"), (long long) run->id);
            return EXIT_INPUT;
          }
        g_autofree double *energy = g_new (double, n_chains * n), *ebfmi = g_new (double, n_chains);
        cr_run_copy_stat (run, (size_t) energy_stat, energy);
        cr_diag_ebfmi (energy, n_chains, n, ebfmi);
        CrPlotEnergyInput input = { energy, n_chains, n, ebfmi };
        ok = cr_plot_save (out, width, height, &style, kind, &input, &error);
        break;
      }
    case CR_PLOT_KIND_AUTOCORR:
      {
        CrPlotAutocorrInput input = { draws, 0 };
        ok = cr_plot_save (out, width, height, &style, kind, &input, &error);
        break;
      }
    case CR_PLOT_KIND_ESS:
      {
        /* ESS of the first k draws of every chain, at 20 increasing k, as ArviZ's plot_ess. */
        enum { POINTS = 20 };
        size_t nq = quantities->len;
        g_autofree double *counts = g_new (double, POINTS), *bulk = g_new (double, nq * POINTS), *tail = g_new (double, nq * POINTS);
        g_autofree double *prefix = g_new (double, n_chains * n);
        g_autofree const char **labels = g_new (const char *, nq);
        for (int k = 0; k < POINTS; k++)
          {
            size_t m = MAX (4, n * (size_t) (k + 1) / POINTS);
            counts[k] = (double) (m * n_chains);
            for (size_t q = 0; q < nq; q++)
              {
                const double *all = g_array_index (quantities, CrPlotQuantity, q).draws;
                for (size_t c = 0; c < n_chains; c++)
                  memcpy (prefix + c * m, all + c * n, m * sizeof (double));
                bulk[q * POINTS + k] = cr_diag_ess_bulk (prefix, n_chains, m);
                tail[q * POINTS + k] = cr_diag_ess_tail (prefix, n_chains, m);
              }
          }
        for (size_t q = 0; q < nq; q++)
          labels[q] = g_array_index (quantities, CrPlotQuantity, q).name;
        CrPlotEssInput input = { labels, nq, POINTS, counts, bulk, tail, 100.0 * n_chains };
        ok = cr_plot_save (out, width, height, &style, kind, &input, &error);
        break;
      }
    case CR_PLOT_KIND_REGRESSION:
      {
        const CrColumn *x = dataset != NULL && x_column != NULL ? cr_dataset_find_column (dataset, x_column) : NULL;
        const CrColumn *y = dataset != NULL && y_column != NULL ? cr_dataset_find_column (dataset, y_column) : NULL;
        gssize a = -1, b = -1, s = -1;
        for (size_t j = 0; j < run->n_values; j++)
          {
            a = intercept_name != NULL && strcmp (names[j], intercept_name) == 0 ? (gssize) j : a;
            b = slope_name != NULL && strcmp (names[j], slope_name) == 0 ? (gssize) j : b;
            s = sigma_name != NULL && strcmp (names[j], sigma_name) == 0 ? (gssize) j : s;
          }
        if (x == NULL || y == NULL || a < 0 || b < 0)
          {
            fprintf (stderr, _("credence-cli plot: a regression plot needs --x and --y columns of the run's data "
                               "and --intercept and --slope variables of the run (and --sigma for the "
                               "predictive band)\n"));
            return EXIT_USAGE;
          }
        size_t rows = cr_dataset_get_n_rows (dataset), total = n_chains * n;
        g_autofree double *intercept = g_new (double, total), *slope = g_new (double, total);
        cr_run_copy_quantity (run, (size_t) a, intercept);
        cr_run_copy_quantity (run, (size_t) b, slope);
        g_autofree double *predictive = NULL;
        size_t n_predictive = 0;
        if (s >= 0)
          {
            /* y_rep = intercept + slope x + N(0, sigma), one replicate per draw (fixed seed). */
            g_autofree double *sigma = g_new (double, total);
            cr_run_copy_quantity (run, (size_t) s, sigma);
            n_predictive = MIN (total, 1000);
            predictive = g_new (double, n_predictive * rows);
            gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
            gsl_rng_set (rng, 1);
            for (size_t d = 0; d < n_predictive; d++)
              for (size_t i = 0; i < rows; i++)
                predictive[d * rows + i] = intercept[d] + slope[d] * x->values[i] + gsl_ran_gaussian (rng, sigma[d]);
            gsl_rng_free (rng);
          }
        CrPlotRegressionInput input = { x->values, y->values, rows, x_column, y_column, CR_DIAG_HDI_PROB, NULL, 0,
                                        NULL, intercept, slope, total, predictive, n_predictive };
        ok = cr_plot_save (out, width, height, &style, kind, &input, &error);
        break;
      }
    }
  if (!ok)
    {
      fprintf (stderr, "credence-cli plot: %s\n", error->message);
      return g_error_matches (error, CR_PLOT_ERROR, CR_PLOT_ERROR_FORMAT) ? EXIT_USAGE : EXIT_INPUT;
    }
  printf (_("Wrote %s\n"), out);
  return EXIT_SUCCESS;
}
