/* test-plot.c: the plot layer without GTK: axes, palette, the density estimate and HDI, every
 * plot kind rendered for scalar and vector variables and for one and eight chains, renders
 * compared with the reference images in tests/data/plot/, and file output.
 *
 * The reference images are drawn with CrPlotStyle.omit_text, so they compare the geometry and
 * not the font rasteriser; tests/data/plot/README.md says why and how to regenerate them
 * (CREDENCE_UPDATE_REFERENCES=1). Run through `meson test`, or set G_TEST_SRCDIR to the tests
 * folder. With -m slow the trace timing is also asserted (see test_trace_timing).
 */
#include "plot.h"

#include <glib/gstdio.h>
#include <pango/pangocairo.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void
assert_nice_step (double step)
{
  double exponent = floor (log10 (step));
  double mantissa = step / pow (10.0, exponent);
  g_assert_true (fabs (mantissa - 1) < 1e-9 || fabs (mantissa - 2) < 1e-9
                 || fabs (mantissa - 5) < 1e-9 || fabs (mantissa - 10) < 1e-9);
}

static void
check_ticks (double lo, double hi, int target)
{
  CrAxisTicks ticks;
  cr_axis_ticks (lo, hi, target, &ticks);
  assert_nice_step (ticks.step);
  g_assert_cmpint (ticks.n_ticks, >=, 2);
  g_assert_cmpint (ticks.n_ticks, <=, CR_AXIS_MAX_TICKS);
  /* The axis covers the data and ends on ticks. */
  g_assert_cmpfloat (ticks.lo, <=, lo);
  g_assert_cmpfloat (ticks.hi, >=, hi);
  g_assert_cmpfloat (ticks.ticks[0], ==, ticks.lo);
  g_assert_cmpfloat_with_epsilon (ticks.ticks[ticks.n_ticks - 1], ticks.hi, ticks.step * 1e-9);
  for (int i = 1; i < ticks.n_ticks; i++)
    g_assert_cmpfloat_with_epsilon (ticks.ticks[i] - ticks.ticks[i - 1], ticks.step, ticks.step * 1e-9);
  /* Not wildly more than asked for: at most twice the target, plus the end ticks. */
  g_assert_cmpint (ticks.n_ticks, <=, 2 * target + 2);
}

static void
test_ticks_ranges (void)
{
  static const double ranges[][2] = {
    { 0, 1 }, { -3.2, 17.9 }, { 0.3141, 0.3152 }, { -1e6, 2e6 }, { 1e-7, 3e-7 },
    { 28, 29 }, { -0.004, 0.002 }, { 123456, 123999 }, { -50, -49.5 },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (ranges); i++)
    for (int target = 2; target <= 10; target++)
      check_ticks (ranges[i][0], ranges[i][1], target);
}

static void
test_ticks_known (void)
{
  CrAxisTicks ticks;
  cr_axis_ticks (-3.2, 17.9, 5, &ticks);
  g_assert_cmpfloat (ticks.step, ==, 5);
  g_assert_cmpfloat (ticks.lo, ==, -5);
  g_assert_cmpfloat (ticks.hi, ==, 20);
  g_assert_cmpint (ticks.n_ticks, ==, 6);
  g_assert_cmpint (ticks.decimals, ==, 0);

  cr_axis_ticks (0.21, 0.43, 5, &ticks);
  g_assert_cmpfloat_with_epsilon (ticks.step, 0.05, 1e-15);
  g_assert_cmpint (ticks.decimals, ==, 2);
}

static void
test_ticks_degenerate (void)
{
  CrAxisTicks ticks;
  cr_axis_ticks (5, 5, 5, &ticks);
  g_assert_cmpfloat (ticks.lo, <, 5);
  g_assert_cmpfloat (ticks.hi, >, 5);
  cr_axis_ticks (0, 0, 5, &ticks);
  g_assert_cmpfloat (ticks.lo, <, 0);
  g_assert_cmpfloat (ticks.hi, >, 0);
  cr_axis_ticks (NAN, 3, 5, &ticks);
  g_assert_cmpfloat (ticks.lo, ==, 0);
  g_assert_cmpfloat (ticks.hi, ==, 1);
  cr_axis_ticks (-INFINITY, INFINITY, 5, &ticks);
  g_assert_cmpfloat (ticks.lo, ==, 0);
  /* Reversed input is the same range. */
  CrAxisTicks reversed;
  cr_axis_ticks (17.9, -3.2, 5, &reversed);
  cr_axis_ticks (-3.2, 17.9, 5, &ticks);
  g_assert_cmpfloat (reversed.lo, ==, ticks.lo);
  g_assert_cmpfloat (reversed.hi, ==, ticks.hi);
}

static void
assert_label (double lo, double hi, double value, const char *expected)
{
  CrAxisTicks ticks;
  cr_axis_ticks (lo, hi, 5, &ticks);
  g_autofree char *label = cr_axis_format_tick (value, &ticks);
  g_assert_cmpstr (label, ==, expected);
}

static void
test_tick_labels (void)
{
  assert_label (-3.2, 17.9, 10, "10");
  assert_label (0.21, 0.43, 0.25, "0.25");
  assert_label (0.21, 0.43, 0.3, "0.30");
  assert_label (-1, 1, -0.0, "0");
  assert_label (-1, 1, 1e-17, "0");
  assert_label (0, 3e6, 2e6, "2e+06");
  assert_label (0, 1.2e6, 1.5e6, "1.5e+06");
  assert_label (1e-7, 3e-7, 2e-7, "2.0e-07");
}

static void
test_palette (void)
{
  for (CrPlotTheme theme = CR_PLOT_THEME_LIGHT; theme <= CR_PLOT_THEME_DARK; theme++)
    {
      CrColor background = cr_plot_background_color (theme);
      for (guint a = 0; a < 8; a++)
        {
          CrColor ca = cr_plot_chain_color (a, theme);
          /* Every chain colour stands apart from the background... */
          double contrast = fabs (ca.red - background.red) + fabs (ca.green - background.green)
                            + fabs (ca.blue - background.blue);
          g_assert_cmpfloat (contrast, >, 0.3);
          /* ...and from the other chains. */
          for (guint b = 0; b < a; b++)
            {
              CrColor cb = cr_plot_chain_color (b, theme);
              double distance = fabs (ca.red - cb.red) + fabs (ca.green - cb.green) + fabs (ca.blue - cb.blue);
              g_assert_cmpfloat (distance, >, 0.15);
            }
        }
      /* The palette repeats after eight chains. */
      CrColor first = cr_plot_chain_color (0, theme), ninth = cr_plot_chain_color (8, theme);
      g_assert_cmpmem (&first, sizeof first, &ninth, sizeof ninth);
    }
}

static void
test_set_source_paints (void)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 4, 4);
  cairo_t *cr = cairo_create (surface);
  CrColor blue = cr_plot_chain_color (0, CR_PLOT_THEME_LIGHT);
  cr_plot_set_source (cr, blue, 1.0);
  cairo_paint (cr);
  cairo_surface_flush (surface);
  const guint32 *pixel = (const guint32 *) cairo_image_surface_get_data (surface);
  g_assert_cmpuint ((*pixel >> 24) & 0xff, ==, 0xff);
  g_assert_cmpuint ((*pixel >> 16) & 0xff, ==, (guint) lround (blue.red * 255));
  g_assert_cmpuint ((*pixel >> 8) & 0xff, ==, (guint) lround (blue.green * 255));
  g_assert_cmpuint (*pixel & 0xff, ==, (guint) lround (blue.blue * 255));
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}


/* ---- Fixtures: deterministic draws from a fixed seed ---- */

/* Mass of a density over its grid: the KDE's grid holds all of it but the kernel tails
 * beyond 3 bandwidths of the extreme draws, well under this (the brief's tolerance). */
#define CR_PLOT_TOL_MASS 1e-2
/* Two computations of the same bandwidth from the same order statistics. */
#define CR_PLOT_TOL_BANDWIDTH 1e-12

/* The reference-image comparison: a pixel differs when one of its channels differs by more
 * than this, and at most this share of the pixels may differ (antialiasing that rounds
 * differently on another CPU or pixman build). */
#define REFERENCE_CHANNEL_TOLERANCE 8
#define REFERENCE_PIXEL_SHARE 0.005

static double
normal (GRand *rand)
{
  /* Box & Muller 1958; 1 - u keeps the logarithm finite. */
  double u = 1.0 - g_rand_double (rand), v = g_rand_double (rand);
  return sqrt (-2.0 * log (u)) * cos (2 * G_PI * v);
}

typedef struct
{
  size_t n_quantities, n_chains, n_draws;
  double *values;              /* n_quantities blocks of n_chains * n_draws, chain-major */
  char **names;
  CrPlotQuantity *quantities;
  guint8 *divergent;
  double *energy;
  /* ess */
  size_t n_points;
  double *draw_counts, *ess_bulk, *ess_tail;
  /* regression */
  size_t n_obs, n_grid, n_line_draws, n_predictive_draws;
  double *x, *y, *grid, *intercept, *slope, *mean_draws, *predictive;
} Fixture;

static void
fixture_free (Fixture *f)
{
  g_free (f->values);
  g_strfreev (f->names);
  g_free (f->quantities);
  g_free (f->divergent);
  g_free (f->energy);
  g_free (f->draw_counts);
  g_free (f->ess_bulk);
  g_free (f->ess_tail);
  g_free (f->x);
  g_free (f->y);
  g_free (f->grid);
  g_free (f->intercept);
  g_free (f->slope);
  g_free (f->mean_draws);
  g_free (f->predictive);
  g_free (f);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Fixture, fixture_free)

/* A scalar variable ("sigma", positive, bounded below at 0) when @n_quantities is 1, else a
 * vector ("theta[0]", ...), as autocorrelated chains with slightly different centres; about
 * 1% of the draws divergent; an energy series per chain; ESS values at 10 draw counts; and a
 * regression of 30 observations with its line and predictive draws. */
static Fixture *
fixture_new (size_t n_quantities, size_t n_chains, size_t n_draws, guint32 seed)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  Fixture *f = g_new0 (Fixture, 1);
  f->n_quantities = n_quantities;
  f->n_chains = n_chains;
  f->n_draws = n_draws;
  size_t total = n_chains * n_draws;
  f->values = g_new (double, n_quantities * total);
  f->names = g_new0 (char *, n_quantities + 1);
  f->quantities = g_new0 (CrPlotQuantity, n_quantities);
  const double phi = 0.7;
  for (size_t q = 0; q < n_quantities; q++)
    {
      double *block = f->values + q * total;
      for (size_t c = 0; c < n_chains; c++)
        {
          double state = normal (rand);
          for (size_t i = 0; i < n_draws; i++)
            {
              state = phi * state + sqrt (1 - phi * phi) * normal (rand);
              double centre = q * 1.5 - 1 + 0.1 * c;
              block[c * n_draws + i] = n_quantities == 1 ? exp (0.5 * state) : centre + state;
            }
        }
      f->names[q] = n_quantities == 1 ? g_strdup ("sigma") : g_strdup_printf ("theta[%zu]", q);
      f->quantities[q].name = f->names[q];
      f->quantities[q].draws = block;
      if (n_quantities == 1)
        f->quantities[q].bounds = (CrPlotBounds){ .has_lower = TRUE, .lower = 0 };
    }
  f->divergent = g_new0 (guint8, total);
  f->energy = g_new (double, total);
  for (size_t c = 0; c < n_chains; c++)
    {
      double state = 0;
      for (size_t i = 0; i < n_draws; i++)
        {
          f->divergent[c * n_draws + i] = g_rand_double (rand) < 0.01;
          state = 0.5 * state + normal (rand);
          f->energy[c * n_draws + i] = 20 + 3 * state;
        }
    }

  f->n_points = 10;
  f->draw_counts = g_new (double, f->n_points);
  f->ess_bulk = g_new (double, n_quantities * f->n_points);
  f->ess_tail = g_new (double, n_quantities * f->n_points);
  for (size_t k = 0; k < f->n_points; k++)
    {
      f->draw_counts[k] = (k + 1.0) / f->n_points * total;
      for (size_t q = 0; q < n_quantities; q++)
        {
          f->ess_bulk[q * f->n_points + k] = 0.35 * f->draw_counts[k] + 5 * normal (rand);
          f->ess_tail[q * f->n_points + k] = 0.25 * f->draw_counts[k] + 5 * normal (rand);
        }
    }

  f->n_obs = 30;
  f->n_grid = 20;
  f->n_line_draws = 400;
  f->n_predictive_draws = 200;
  f->x = g_new (double, f->n_obs);
  f->y = g_new (double, f->n_obs);
  for (size_t i = 0; i < f->n_obs; i++)
    {
      f->x[i] = 10 * g_rand_double (rand);
      f->y[i] = 1 + 0.5 * f->x[i] + 0.8 * normal (rand);
    }
  f->intercept = g_new (double, f->n_line_draws);
  f->slope = g_new (double, f->n_line_draws);
  for (size_t s = 0; s < f->n_line_draws; s++)
    {
      f->intercept[s] = 1 + 0.3 * normal (rand);
      f->slope[s] = 0.5 + 0.05 * normal (rand);
    }
  f->grid = g_new (double, f->n_grid);
  f->mean_draws = g_new (double, f->n_line_draws * f->n_grid);
  for (size_t j = 0; j < f->n_grid; j++)
    f->grid[j] = 10.0 * j / (f->n_grid - 1);
  for (size_t s = 0; s < f->n_line_draws; s++)
    for (size_t j = 0; j < f->n_grid; j++)
      f->mean_draws[s * f->n_grid + j] = f->intercept[s] + f->slope[s] * f->grid[j];
  f->predictive = g_new (double, f->n_predictive_draws * f->n_obs);
  for (size_t s = 0; s < f->n_predictive_draws; s++)
    for (size_t i = 0; i < f->n_obs; i++)
      f->predictive[s * f->n_obs + i] = f->intercept[s] + f->slope[s] * f->x[i]
                                        + 0.8 * normal (rand);
  return f;
}

static CrPlotDraws
fixture_draws (const Fixture *f)
{
  return (CrPlotDraws){ f->quantities, f->n_quantities, f->n_chains, f->n_draws };
}

/* Draws @kind from the fixture: per chain where the kind can be, with divergences, and
 * for the regression its line from grid values (vector fixture) or coefficients (scalar). */
static gboolean
fixture_draw (const Fixture *f,
              cairo_t *cr,
              double width,
              double height,
              const CrPlotStyle *style,
              CrPlotKind kind,
              GError **error)
{
  CrPlotDraws draws = fixture_draws (f);
  CrPlotTraceInput trace = { draws, f->divergent };
  CrPlotRankInput rank = { draws, 0 };
  g_autofree double *reference = g_new (double, f->n_quantities);
  for (size_t q = 0; q < f->n_quantities; q++)
    reference[q] = q == 0 ? 1.0 : NAN;
  CrPlotPosteriorInput posterior = { draws, 0, NULL, NULL, reference };
  g_autofree double *r_hat = g_new (double, f->n_quantities);
  for (size_t q = 0; q < f->n_quantities; q++)
    r_hat[q] = 1.0 + 0.01 * q;
  CrPlotForestInput forest = { draws, FALSE, 0, NULL, NULL, r_hat };
  CrPlotPairInput pair = { draws, f->divergent, CR_PLOT_PAIR_AUTO };
  CrPlotEnergyInput energy = { f->energy, f->n_chains, f->n_draws, NULL };
  CrPlotAutocorrInput autocorr = { draws, 0 };
  CrPlotEssInput ess = { (const char *const *) f->names, f->n_quantities, f->n_points,
                         f->draw_counts, f->ess_bulk, f->ess_tail, 0 };
  CrPlotRegressionInput regression = {
    .x = f->x, .y = f->y, .n_obs = f->n_obs, .x_label = "dose", .y_label = "response",
    .n_line_draws = f->n_line_draws, .predictive = f->predictive,
    .n_predictive_draws = f->n_predictive_draws,
  };
  if (f->n_quantities > 1)
    {
      regression.grid_x = f->grid;
      regression.n_grid = f->n_grid;
      regression.mean_draws = f->mean_draws;
    }
  else
    {
      regression.intercept = f->intercept;
      regression.slope = f->slope;
    }
  gconstpointer inputs[CR_PLOT_N_KINDS] = {
    [CR_PLOT_KIND_TRACE] = &trace,       [CR_PLOT_KIND_RANK] = &rank,
    [CR_PLOT_KIND_POSTERIOR] = &posterior, [CR_PLOT_KIND_FOREST] = &forest,
    [CR_PLOT_KIND_PAIR] = &pair,         [CR_PLOT_KIND_ENERGY] = &energy,
    [CR_PLOT_KIND_AUTOCORR] = &autocorr, [CR_PLOT_KIND_ESS] = &ess,
    [CR_PLOT_KIND_REGRESSION] = &regression,
  };
  return cr_plot_draw (cr, width, height, style, kind, inputs[kind], error);
}

/* Renders onto a new image surface; NULL with @error set on failure. */
static cairo_surface_t *
render (const Fixture *f,
        CrPlotKind kind,
        int width,
        int height,
        CrPlotTheme theme,
        gboolean omit_text,
        GError **error)
{
  CrPlotStyle style;
  cr_plot_style_init (&style, theme);
  style.omit_text = omit_text;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);
  gboolean ok = fixture_draw (f, cr, width, height, &style, kind, error);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  if (!ok)
    g_clear_pointer (&surface, cairo_surface_destroy);
  return surface;
}

/* Pixels of @surface, within [x0, x1) x [y0, y1), whose colour is @color give or take
 * @tolerance in each 8-bit channel (and opaque). */
static size_t
count_color_in (cairo_surface_t *surface,
                CrColor color,
                int tolerance,
                int x0,
                int y0,
                int x1,
                int y1)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  int red = (int) lround (color.red * 255), green = (int) lround (color.green * 255);
  int blue = (int) lround (color.blue * 255);
  size_t count = 0;
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      {
        guint32 pixel = *(const guint32 *) (data + y * stride + 4 * x);
        if ((int) (pixel >> 24) == 255 && abs ((int) ((pixel >> 16) & 0xff) - red) <= tolerance
            && abs ((int) ((pixel >> 8) & 0xff) - green) <= tolerance
            && abs ((int) (pixel & 0xff) - blue) <= tolerance)
          count++;
      }
  return count;
}

static size_t
count_color (cairo_surface_t *surface, CrColor color, int tolerance)
{
  return count_color_in (surface, color, tolerance, 0, 0, cairo_image_surface_get_width (surface),
                         cairo_image_surface_get_height (surface));
}

/* ---- Numerics ---- */

static double
trapezoid (const double *grid, const double *density, size_t n)
{
  double mass = 0;
  for (size_t j = 1; j < n; j++)
    mass += 0.5 * (density[j - 1] + density[j]) * (grid[j] - grid[j - 1]);
  return mass;
}

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
quantile7 (const double *sorted, size_t n, double p)
{
  double h = (n - 1) * p;
  size_t below = (size_t) floor (h);
  return below + 1 < n ? sorted[below] + (h - below) * (sorted[below + 1] - sorted[below])
                       : sorted[n - 1];
}

static void
test_kde_normal (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (11);
  const size_t n = 5000, n_grid = 512;
  g_autofree double *draws = g_new (double, n);
  for (size_t i = 0; i < n; i++)
    draws[i] = normal (rand);
  double grid[512], density[512], bandwidth;
  g_assert_true (cr_plot_kde (draws, n, NULL, n_grid, grid, density, &bandwidth));

  g_assert_cmpfloat_with_epsilon (trapezoid (grid, density, n_grid), 1.0, CR_PLOT_TOL_MASS);

  /* The bandwidth is Silverman's rule on the exact sd and type 7 IQR. */
  g_autofree double *sorted = g_memdup2 (draws, n * sizeof (double));
  qsort (sorted, n, sizeof (double), compare_doubles);
  double mean = 0, squares = 0;
  for (size_t i = 0; i < n; i++)
    mean += draws[i] / n;
  for (size_t i = 0; i < n; i++)
    squares += (draws[i] - mean) * (draws[i] - mean);
  double sd = sqrt (squares / (n - 1));
  double iqr = quantile7 (sorted, n, 0.75) - quantile7 (sorted, n, 0.25);
  double expected = 0.9 * fmin (sd, iqr / 1.34) * pow ((double) n, -0.2);
  g_assert_cmpfloat (fabs (bandwidth - expected), <=, CR_PLOT_TOL_BANDWIDTH * expected);

  /* The grid runs 3 bandwidths past the extreme draws. */
  g_assert_cmpfloat_with_epsilon (grid[0], sorted[0] - 3 * bandwidth, 1e-9);
  g_assert_cmpfloat_with_epsilon (grid[n_grid - 1], sorted[n - 1] + 3 * bandwidth, 1e-9);

  /* The peak sits near 0 at about the standard normal's 0.399, less the smoothing bias
   * (a factor 1 / sqrt(1 + h^2)) and Monte Carlo error: the estimate's sd at the mode is
   * about sqrt(f(0) R(K) / (n h)) = 0.011 here, so 0.05 is over 4 sd. */
  size_t peak = 0;
  for (size_t j = 0; j < n_grid; j++)
    if (density[j] > density[peak])
      peak = j;
  g_assert_cmpfloat (fabs (grid[peak]), <, 0.2);
  g_assert_cmpfloat (fabs (density[peak] - 0.3989 / sqrt (1 + bandwidth * bandwidth)), <, 0.05);
}

static void
test_kde_lower_bound (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (12);
  const size_t n = 4000, n_grid = 512;
  g_autofree double *draws = g_new (double, n);
  for (size_t i = 0; i < n; i++)
    draws[i] = -log (1 - g_rand_double (rand)); /* Exponential(1) */
  double grid[512], density[512];
  CrPlotBounds positive = { .has_lower = TRUE, .lower = 0 };
  g_assert_true (cr_plot_kde (draws, n, &positive, n_grid, grid, density, NULL));
  /* No mass below the bound: the grid starts on it. */
  g_assert_cmpfloat (grid[0], ==, 0.0);
  for (size_t j = 0; j < n_grid; j++)
    g_assert_cmpfloat (density[j], >=, 0.0);
  g_assert_cmpfloat_with_epsilon (trapezoid (grid, density, n_grid), 1.0, CR_PLOT_TOL_MASS);
  /* Reflection restores the density at the bound (1 for Exponential(1)); an uncorrected
   * estimate gives about half of it there. Expected about 1 - 0.8 h = 0.89 here, with sd
   * near 0.05, so 0.75 is a margin of almost 3 sd at a fixed seed. */
  g_assert_cmpfloat (density[0], >, 0.75);

  /* The same draws unbounded put visible mass below 0 (about 0.4 h = 0.055): what the
   * reflection removes. */
  g_assert_true (cr_plot_kde (draws, n, NULL, n_grid, grid, density, NULL));
  g_assert_cmpfloat (grid[0], <, 0.0);
  double below = 0;
  for (size_t j = 1; j < n_grid && grid[j] <= 0; j++)
    below += 0.5 * (density[j - 1] + density[j]) * (grid[j] - grid[j - 1]);
  g_assert_cmpfloat (below, >, 0.02);
}

static void
test_kde_both_bounds (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (13);
  const size_t n = 4000, n_grid = 256;
  g_autofree double *draws = g_new (double, n);
  for (size_t i = 0; i < n; i++)
    draws[i] = g_rand_double (rand);
  double grid[256], density[256];
  CrPlotBounds unit = { TRUE, TRUE, 0, 1 };
  g_assert_true (cr_plot_kde (draws, n, &unit, n_grid, grid, density, NULL));
  g_assert_cmpfloat (grid[0], ==, 0.0);
  g_assert_cmpfloat (grid[n_grid - 1], ==, 1.0);
  g_assert_cmpfloat_with_epsilon (trapezoid (grid, density, n_grid), 1.0, CR_PLOT_TOL_MASS);
  /* Reflection is unbiased at the edges of a uniform: about 1 there, with sd near 0.06
   * (the interior's sqrt(R(K) / (n h)) doubled by the folded kernel, then square-rooted);
   * 0.25 is 4 sd. Uncorrected, the edges would be near 0.5. */
  g_assert_cmpfloat (fabs (density[0] - 1), <, 0.25);
  g_assert_cmpfloat (fabs (density[n_grid - 1] - 1), <, 0.25);

  /* A bound that the draws cross is ignored rather than trusted. */
  CrPlotBounds wrong = { .has_lower = TRUE, .lower = 0.5 };
  g_assert_true (cr_plot_kde (draws, n, &wrong, n_grid, grid, density, NULL));
  g_assert_cmpfloat (grid[0], <, 0.0);
}

static void
test_kde_degenerate (void)
{
  double grid[16], density[16];
  const double constant[] = { 2, 2, 2, 2 };
  g_assert_false (cr_plot_kde (constant, 4, NULL, 16, grid, density, NULL));
  const double one[] = { 1 };
  g_assert_false (cr_plot_kde (one, 1, NULL, 16, grid, density, NULL));
  g_assert_false (cr_plot_kde (NULL, 0, NULL, 16, grid, density, NULL));
  const double lonely[] = { NAN, 3, INFINITY, -INFINITY };
  g_assert_false (cr_plot_kde (lonely, 4, NULL, 16, grid, density, NULL));
  /* Non-finite draws are skipped, the rest estimated. */
  const double mixed[] = { NAN, 1, 2, INFINITY, 3, 4, -INFINITY, 5 };
  g_assert_true (cr_plot_kde (mixed, G_N_ELEMENTS (mixed), NULL, 16, grid, density, NULL));
  for (size_t j = 0; j < 16; j++)
    g_assert_true (isfinite (grid[j]) && isfinite (density[j]));
  g_assert_cmpfloat (grid[0], <, 1.0);
  g_assert_cmpfloat (grid[15], >, 5.0);
}

static void
test_hdi (void)
{
  /* 0 .. 99 in a scrambled order: every window of 95 draws is 94 wide; the first wins. */
  double draws[100];
  for (int i = 0; i < 100; i++)
    draws[i] = (i * 37) % 100;
  double lower, upper;
  g_assert_true (cr_plot_hdi (draws, 100, 0.94, &lower, &upper));
  g_assert_cmpfloat (lower, ==, 0);
  g_assert_cmpfloat (upper, ==, 94);

  /* Skewed: the narrowest window of 6 of these 10 draws leaves the outlier out. */
  const double skewed[] = { 100, 0, 8, 1, 7, 2, 6, 3, 5, 4 };
  g_assert_true (cr_plot_hdi (skewed, 10, 0.5, &lower, &upper));
  g_assert_cmpfloat (lower, ==, 0);
  g_assert_cmpfloat (upper, ==, 5);

  /* An infinite draw makes its windows infinitely wide. */
  const double infinite[] = { -INFINITY, 1, 2, 3 };
  g_assert_true (cr_plot_hdi (infinite, 4, 0.5, &lower, &upper));
  g_assert_cmpfloat (lower, ==, 1);
  g_assert_cmpfloat (upper, ==, 3);

  const double with_nan[] = { 1, NAN, 3 };
  g_assert_false (cr_plot_hdi (with_nan, 3, 0.5, &lower, &upper));
  g_assert_true (isnan (lower) && isnan (upper));
  g_assert_false (cr_plot_hdi (NULL, 0, 0.94, &lower, &upper));
}

static void
assert_number (double value, int significant, const char *expected)
{
  g_autofree char *text = cr_plot_format_number (value, significant);
  g_assert_cmpstr (text, ==, expected);
}

static void
test_format_number (void)
{
  assert_number (1.23456, 3, "1.23");
  assert_number (-1.23456, 3, "-1.23");
  assert_number (12, 3, "12.0");
  assert_number (9.996, 3, "10.0");
  assert_number (0.001, 2, "0.0010");
  assert_number (0.000123456, 3, "1.23e-04");
  assert_number (123456, 3, "1.23e+05");
  assert_number (99999.4, 3, "1.00e+05");
  assert_number (1234.5, 3, "1230");
  assert_number (-0.0, 3, "0");
  assert_number (NAN, 3, "NaN");
  assert_number (INFINITY, 3, "inf");
  assert_number (-INFINITY, 3, "-inf");
}

static void
test_kind_names (void)
{
  for (guint k = 0; k < CR_PLOT_N_KINDS; k++)
    {
      const char *name = cr_plot_kind_to_name ((CrPlotKind) k);
      g_assert_nonnull (name);
      CrPlotKind back;
      g_assert_true (cr_plot_kind_from_name (name, &back));
      g_assert_cmpint (back, ==, k);
    }
  CrPlotKind kind = CR_PLOT_KIND_ESS;
  g_assert_false (cr_plot_kind_from_name ("histogram", &kind));
  g_assert_false (cr_plot_kind_from_name ("Trace", &kind));
  g_assert_cmpint (kind, ==, CR_PLOT_KIND_ESS);
}

static void
test_palette_roles (void)
{
  for (CrPlotTheme theme = CR_PLOT_THEME_LIGHT; theme <= CR_PLOT_THEME_DARK; theme++)
    {
      CrColor roles[] = { cr_plot_muted_color (theme), cr_plot_alert_color (theme) };
      CrColor background = cr_plot_background_color (theme);
      for (size_t r = 0; r < G_N_ELEMENTS (roles); r++)
        {
          double contrast = fabs (roles[r].red - background.red)
                            + fabs (roles[r].green - background.green)
                            + fabs (roles[r].blue - background.blue);
          g_assert_cmpfloat (contrast, >, 0.6);
          /* The reference lines and alerts are never mistaken for a chain. */
          for (guint c = 0; c < 8; c++)
            {
              CrColor chain = cr_plot_chain_color (c, theme);
              double distance = fabs (roles[r].red - chain.red)
                                + fabs (roles[r].green - chain.green)
                                + fabs (roles[r].blue - chain.blue);
              g_assert_cmpfloat (distance, >, 0.3);
            }
        }
      /* Grid lines are faint: nearer the background than the foreground. */
      CrColor grid = cr_plot_grid_color (theme), foreground = cr_plot_foreground_color (theme);
      g_assert_cmpfloat (fabs (grid.red - background.red), <, fabs (grid.red - foreground.red));
    }
}

/* ---- Every kind renders ---- */

/* The chain whose colour must show in a render of @kind with @n_chains chains: the last for
 * the kinds drawn per chain, else chain 0 (the colour of the single-colour kinds). */
static guint
expected_chain (CrPlotKind kind, size_t n_chains)
{
  switch (kind)
    {
    case CR_PLOT_KIND_TRACE:
    case CR_PLOT_KIND_RANK:
    case CR_PLOT_KIND_FOREST:
    case CR_PLOT_KIND_AUTOCORR:
      return (guint) n_chains - 1;
    case CR_PLOT_KIND_ENERGY:
    case CR_PLOT_KIND_ESS:
      return 1;
    default:
      return 0;
    }
}

static void
test_renders (gconstpointer data)
{
  CrPlotKind kind = GPOINTER_TO_INT (data);
  const size_t chain_counts[] = { 1, 8 }, quantity_counts[] = { 1, 3 };
  for (size_t a = 0; a < G_N_ELEMENTS (quantity_counts); a++)
    for (size_t b = 0; b < G_N_ELEMENTS (chain_counts); b++)
      {
        g_autoptr (Fixture) f = fixture_new (quantity_counts[a], chain_counts[b], 300, 7);
        g_autoptr (GError) error = NULL;
        const int width = 640, height = 480;
        cairo_surface_t *surface = render (f, kind, width, height, CR_PLOT_THEME_LIGHT, TRUE,
                                           &error);
        g_assert_no_error (error);
        g_assert_nonnull (surface);

        /* Not blank: with the text left out, the axes and the data still cover part of the
         * plot, and the data's colour is there. */
        size_t background = count_color (surface, cr_plot_background_color (CR_PLOT_THEME_LIGHT),
                                         0);
        size_t drawn = (size_t) width * height - background;
        g_test_message ("%s, %zu quantities, %zu chains: %zu pixels drawn",
                        cr_plot_kind_to_name (kind), quantity_counts[a], chain_counts[b], drawn);
        g_assert_cmpuint (drawn, >, (size_t) width * height / 100);
        CrColor expected = cr_plot_chain_color (expected_chain (kind, chain_counts[b]),
                                                CR_PLOT_THEME_LIGHT);
        g_assert_cmpuint (count_color (surface, expected, 2), >=, 10);
        cairo_surface_destroy (surface);

        /* With text too, on both themes. */
        for (CrPlotTheme theme = CR_PLOT_THEME_LIGHT; theme <= CR_PLOT_THEME_DARK; theme++)
          {
            surface = render (f, kind, width, height, theme, FALSE, &error);
            g_assert_no_error (error);
            CrColor corner = cr_plot_background_color (theme);
            g_assert_cmpuint (count_color_in (surface, corner, 0, 0, height - 1, 1, height), ==, 1);
            CrColor chain = cr_plot_chain_color (expected_chain (kind, chain_counts[b]), theme);
            g_assert_cmpuint (count_color (surface, chain, 2), >=, 10);
            cairo_surface_destroy (surface);
          }
      }
}

/* Renders @input of @kind onto a new image surface, failing the test on an error. */
static cairo_surface_t *
render_input (CrPlotKind kind, gconstpointer input, int width, int height, gboolean omit_text)
{
  CrPlotStyle style;
  cr_plot_style_init (&style, CR_PLOT_THEME_LIGHT);
  style.omit_text = omit_text;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);
  g_autoptr (GError) error = NULL;
  g_assert_true (cr_plot_draw (cr, width, height, &style, kind, input, &error));
  g_assert_no_error (error);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

static gboolean
surfaces_equal (cairo_surface_t *a, cairo_surface_t *b)
{
  int height = cairo_image_surface_get_height (a);
  int stride = cairo_image_surface_get_stride (a);
  g_assert_cmpint (cairo_image_surface_get_height (b), ==, height);
  g_assert_cmpint (cairo_image_surface_get_stride (b), ==, stride);
  return memcmp (cairo_image_surface_get_data (a), cairo_image_surface_get_data (b),
                 (size_t) stride * height) == 0;
}

/* Numbers the caller passes are used as given: the engine's HDI and E-BFMI, when they equal
 * what the plot computes itself, draw the same pixels (text included); other values draw
 * others. */
static void
test_given_numbers (void)
{
  g_autoptr (Fixture) f = fixture_new (2, 3, 200, 21);
  size_t total = f->n_chains * f->n_draws;
  double lower[2], upper[2];
  for (size_t q = 0; q < 2; q++)
    g_assert_true (cr_plot_hdi (f->quantities[q].draws, total, 0.94, &lower[q], &upper[q]));
  CrPlotPosteriorInput computed = { fixture_draws (f), 0, NULL, NULL, NULL };
  CrPlotPosteriorInput given = { fixture_draws (f), 0, lower, upper, NULL };
  cairo_surface_t *a = render_input (CR_PLOT_KIND_POSTERIOR, &computed, 480, 300, FALSE);
  cairo_surface_t *b = render_input (CR_PLOT_KIND_POSTERIOR, &given, 480, 300, FALSE);
  g_assert_true (surfaces_equal (a, b));
  cairo_surface_destroy (b);
  lower[0] -= 0.5;
  b = render_input (CR_PLOT_KIND_POSTERIOR, &given, 480, 300, FALSE);
  g_assert_false (surfaces_equal (a, b));
  cairo_surface_destroy (a);
  cairo_surface_destroy (b);

  /* E-BFMI by its definition (Betancourt 2016): squared steps over squared deviations. */
  double ebfmi[3];
  for (size_t c = 0; c < f->n_chains; c++)
    {
      const double *energy = f->energy + c * f->n_draws;
      double mean = 0, steps = 0, deviations = 0;
      for (size_t i = 0; i < f->n_draws; i++)
        mean += energy[i] / f->n_draws;
      for (size_t i = 0; i < f->n_draws; i++)
        {
          deviations += (energy[i] - mean) * (energy[i] - mean);
          if (i > 0)
            steps += (energy[i] - energy[i - 1]) * (energy[i] - energy[i - 1]);
        }
      ebfmi[c] = steps / deviations;
    }
  CrPlotEnergyInput energy_computed = { f->energy, f->n_chains, f->n_draws, NULL };
  CrPlotEnergyInput energy_given = { f->energy, f->n_chains, f->n_draws, ebfmi };
  a = render_input (CR_PLOT_KIND_ENERGY, &energy_computed, 480, 300, FALSE);
  b = render_input (CR_PLOT_KIND_ENERGY, &energy_given, 480, 300, FALSE);
  g_assert_true (surfaces_equal (a, b));
  cairo_surface_destroy (b);
  ebfmi[1] += 0.5;
  b = render_input (CR_PLOT_KIND_ENERGY, &energy_given, 480, 300, FALSE);
  g_assert_false (surfaces_equal (a, b));
  cairo_surface_destroy (a);
  cairo_surface_destroy (b);
}

/* Pixels of the light theme's alert red, antialiased text included: red exceeds green and
 * blue by over a third of the range, which no blend of the background with the chain colours
 * drawn here (blue and orange) reaches. */
static size_t
count_alert_red (cairo_surface_t *surface)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  size_t count = 0;
  for (int y = 0; y < cairo_image_surface_get_height (surface); y++)
    for (int x = 0; x < cairo_image_surface_get_width (surface); x++)
      {
        guint32 pixel = *(const guint32 *) (data + y * stride + 4 * x);
        int red = (pixel >> 16) & 0xff, green = (pixel >> 8) & 0xff, blue = pixel & 0xff;
        count += red - MAX (green, blue) > 85;
      }
  return count;
}

/* What needs attention shows in the alert colour: divergences on the trace and pair plots,
 * an R-hat above 1.01, an E-BFMI below 0.3; and nothing else does. */
static void
test_alerts (void)
{
  g_autoptr (Fixture) f = fixture_new (2, 2, 200, 22);
  CrPlotTraceInput trace_calm = { fixture_draws (f), NULL };
  CrPlotTraceInput trace_alarming = { fixture_draws (f), f->divergent };
  CrPlotPairInput pair_calm = { fixture_draws (f), NULL, CR_PLOT_PAIR_SCATTER };
  CrPlotPairInput pair_scatter = { fixture_draws (f), f->divergent, CR_PLOT_PAIR_SCATTER };
  CrPlotPairInput pair_hexbin = { fixture_draws (f), f->divergent, CR_PLOT_PAIR_HEXBIN };
  const double r_hat_calm[] = { 1.0, 1.01 }, r_hat_alarming[] = { 1.0, 1.05 };
  CrPlotForestInput forest_calm = { fixture_draws (f), TRUE, 0, NULL, NULL, r_hat_calm };
  CrPlotForestInput forest_alarming = { fixture_draws (f), TRUE, 0, NULL, NULL, r_hat_alarming };
  const double ebfmi_calm[] = { 0.9, 0.3 }, ebfmi_alarming[] = { 0.9, 0.2 };
  CrPlotEnergyInput energy_calm = { f->energy, 2, f->n_draws, ebfmi_calm };
  CrPlotEnergyInput energy_alarming = { f->energy, 2, f->n_draws, ebfmi_alarming };
  const struct
  {
    CrPlotKind kind;
    gconstpointer calm, alarming;
  } cases[] = {
    { CR_PLOT_KIND_TRACE, &trace_calm, &trace_alarming },
    { CR_PLOT_KIND_PAIR, &pair_calm, &pair_scatter },
    { CR_PLOT_KIND_PAIR, &pair_calm, &pair_hexbin },
    { CR_PLOT_KIND_FOREST, &forest_calm, &forest_alarming },
    { CR_PLOT_KIND_ENERGY, &energy_calm, &energy_alarming },
  };
  for (size_t k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      cairo_surface_t *calm = render_input (cases[k].kind, cases[k].calm, 480, 320, FALSE);
      cairo_surface_t *alarming = render_input (cases[k].kind, cases[k].alarming, 480, 320, FALSE);
      g_test_message ("%s: %zu alert pixels when calm, %zu when alarming",
                      cr_plot_kind_to_name (cases[k].kind), count_alert_red (calm),
                      count_alert_red (alarming));
      g_assert_cmpuint (count_alert_red (calm), ==, 0);
      g_assert_cmpuint (count_alert_red (alarming), >=, 10);
      cairo_surface_destroy (calm);
      cairo_surface_destroy (alarming);
    }
}

/* Text is drawn unless omitted, and omitting it leaves the rest of the plot as it was. */
static void
test_text_drawn (void)
{
  g_autoptr (Fixture) f = fixture_new (3, 2, 200, 3);
  g_autoptr (GError) error = NULL;
  cairo_surface_t *with = render (f, CR_PLOT_KIND_POSTERIOR, 480, 320, CR_PLOT_THEME_LIGHT, FALSE,
                                  &error);
  g_assert_no_error (error);
  cairo_surface_t *without = render (f, CR_PLOT_KIND_POSTERIOR, 480, 320, CR_PLOT_THEME_LIGHT,
                                     TRUE, &error);
  g_assert_no_error (error);
  CrColor black = cr_plot_foreground_color (CR_PLOT_THEME_LIGHT);
  CrColor white = cr_plot_background_color (CR_PLOT_THEME_LIGHT);
  size_t white_with = count_color (with, white, 0), white_without = count_color (without, white, 0);
  /* Titles, tick labels, the mean and the HDI bounds take some hundreds of pixels. */
  g_assert_cmpuint (white_without, >, white_with + 500);
  g_assert_cmpuint (count_color (with, black, 40), >, count_color (without, black, 40));
  cairo_surface_destroy (with);
  cairo_surface_destroy (without);
}

/* A drawing keeps to its rectangle and leaves the cairo_t's state as it found it. */
static void
test_draw_keeps_state (void)
{
  g_autoptr (Fixture) f = fixture_new (3, 4, 200, 5);
  for (guint k = 0; k < CR_PLOT_N_KINDS; k++)
    {
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 500, 400);
      cairo_t *cr = cairo_create (surface);
      cairo_translate (cr, 20, 30);
      cairo_set_source_rgb (cr, 0.25, 0.5, 0.75);
      cairo_set_line_width (cr, 7);
      cairo_matrix_t before, after;
      cairo_get_matrix (cr, &before);
      g_autoptr (GError) error = NULL;
      g_assert_true (fixture_draw (f, cr, 460, 360, NULL, (CrPlotKind) k, &error));
      g_assert_no_error (error);
      cairo_get_matrix (cr, &after);
      g_assert_cmpmem (&before, sizeof before, &after, sizeof after);
      g_assert_cmpfloat (cairo_get_line_width (cr), ==, 7);
      double red, green, blue, alpha;
      g_assert_cmpint (cairo_pattern_get_rgba (cairo_get_source (cr), &red, &green, &blue, &alpha),
                       ==, CAIRO_STATUS_SUCCESS);
      g_assert_cmpfloat (green, ==, 0.5);
      double x1, y1, x2, y2;
      cairo_clip_extents (cr, &x1, &y1, &x2, &y2);
      g_assert_cmpfloat (x1, ==, -20);
      g_assert_cmpfloat (x2, ==, 480);
      cairo_destroy (cr);
      cairo_surface_flush (surface);

      /* Transparent outside the plot's rectangle, opaque inside. */
      const guint8 *pixels = cairo_image_surface_get_data (surface);
      int stride = cairo_image_surface_get_stride (surface);
      g_assert_cmpuint (*(const guint32 *) (pixels + 10 * stride + 4 * 10) >> 24, ==, 0);
      g_assert_cmpuint (*(const guint32 *) (pixels + 395 * stride + 4 * 490) >> 24, ==, 0);
      g_assert_cmpuint (*(const guint32 *) (pixels + 31 * stride + 4 * 21) >> 24, ==, 255);
      g_assert_cmpuint (*(const guint32 *) (pixels + 389 * stride + 4 * 479) >> 24, ==, 255);
      cairo_surface_destroy (surface);
    }
}

/* A single outlying draw among 100,000 survives the min/max decimation: the line reaches it. */
static void
test_trace_keeps_extremes (void)
{
  const size_t n = 100000;
  g_autofree double *draws = g_new0 (double, n);
  draws[n / 2] = 10;
  CrPlotQuantity quantity = { "spike", draws, { 0 } };
  CrPlotTraceInput input = { { &quantity, 1, 1, n }, NULL };
  CrPlotStyle style;
  cr_plot_style_init (&style, CR_PLOT_THEME_LIGHT);
  style.omit_text = TRUE;
  const int width = 800, height = 300;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);
  g_autoptr (GError) error = NULL;
  g_assert_true (cr_plot_draw_trace (cr, width, height, &style, &input, &error));
  g_assert_no_error (error);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  /* The line panel is the right 60%; its top third holds only the spike. Decimated, a chain is
   * drawn at half opacity over the white background. */
  CrColor chain = cr_plot_chain_color (0, CR_PLOT_THEME_LIGHT);
  CrColor blue = { 0.5 * chain.red + 0.5, 0.5 * chain.green + 0.5, 0.5 * chain.blue + 0.5 };
  g_assert_cmpuint (count_color_in (surface, blue, 2, width / 2, 0, width, height / 3), >=, 10);
  /* ...and it is one column wide at most a few pixels, not a smear. */
  g_assert_cmpuint (count_color_in (surface, blue, 2, width / 2, 0, width * 5 / 8, height / 3),
                    ==, 0);
  cairo_surface_destroy (surface);
}

static int
compare_gint64 (const void *a, const void *b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return (x > y) - (x < y);
}

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED_BUILD 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define SANITIZED_BUILD 1
#endif
#endif

/* The trace of 4 chains x 100,000 draws at 800 x 300: the time is reported; with -m slow, in
 * an unsanitised build, its median must stay under TRACE_TIME_LIMIT_US, 4 times the 50 ms
 * target, so that a loaded CI machine does not fail it. */
#define TRACE_TIME_LIMIT_US 200000

static void
test_trace_timing (void)
{
  g_autoptr (Fixture) f = fixture_new (1, 4, 100000, 17);
  f->quantities[0].bounds.has_lower = FALSE;
  CrPlotTraceInput input = { fixture_draws (f), f->divergent };
  const int width = 800, height = 300, repeats = 7;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  gint64 times[7];
  for (int r = 0; r < repeats; r++)
    {
      cairo_t *cr = cairo_create (surface);
      gint64 start = g_get_monotonic_time ();
      g_autoptr (GError) error = NULL;
      g_assert_true (cr_plot_draw_trace (cr, width, height, NULL, &input, &error));
      cairo_surface_flush (surface);
      times[r] = g_get_monotonic_time () - start;
      g_assert_no_error (error);
      cairo_destroy (cr);
    }
  qsort (times, repeats, sizeof (gint64), compare_gint64);
  g_test_message ("trace of 4 chains x 100000 draws at 800x300: median %.1f ms, fastest %.1f ms, "
                  "slowest %.1f ms over %d renders",
                  times[repeats / 2] / 1000.0, times[0] / 1000.0, times[repeats - 1] / 1000.0,
                  repeats);
  for (guint c = 0; c < 4; c++)
    g_assert_cmpuint (count_color (surface, cr_plot_chain_color (c, CR_PLOT_THEME_LIGHT), 2),
                      >=, 10);
  cairo_surface_destroy (surface);
#ifdef SANITIZED_BUILD
  g_test_message ("sanitised build: the time is not asserted");
#else
  if (g_test_slow ())
    g_assert_cmpint (times[repeats / 2], <, TRACE_TIME_LIMIT_US);
#endif
}

/* ---- Reference images ---- */

/* Compares @actual with tests/data/plot/@name, or writes it there when
 * CREDENCE_UPDATE_REFERENCES=1. On a mismatch the render is kept in the build folder. */
static void
check_reference (const char *name, cairo_surface_t *actual)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "plot", name, NULL);
  if (g_strcmp0 (g_getenv ("CREDENCE_UPDATE_REFERENCES"), "1") == 0)
    {
      g_assert_cmpint (cairo_surface_write_to_png (actual, path), ==, CAIRO_STATUS_SUCCESS);
      g_test_message ("wrote the reference %s", path);
      return;
    }
  cairo_surface_t *reference = cairo_image_surface_create_from_png (path);
  if (cairo_surface_status (reference) != CAIRO_STATUS_SUCCESS)
    g_error ("cannot read the reference %s (%s); regenerate it with CREDENCE_UPDATE_REFERENCES=1",
             path, cairo_status_to_string (cairo_surface_status (reference)));
  int width = cairo_image_surface_get_width (actual);
  int height = cairo_image_surface_get_height (actual);
  g_assert_cmpint (cairo_image_surface_get_width (reference), ==, width);
  g_assert_cmpint (cairo_image_surface_get_height (reference), ==, height);
  /* An opaque image reads back as RGB24, whose top byte is unused: compare colours only
   * (every plot is opaque; /plot/draw/keeps-state checks that). */
  cairo_format_t format = cairo_image_surface_get_format (reference);
  g_assert_true (format == CAIRO_FORMAT_RGB24 || format == CAIRO_FORMAT_ARGB32);

  const guint8 *a = cairo_image_surface_get_data (actual);
  const guint8 *b = cairo_image_surface_get_data (reference);
  int stride_a = cairo_image_surface_get_stride (actual);
  int stride_b = cairo_image_surface_get_stride (reference);
  size_t differing = 0;
  int largest = 0;
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint32 pa = *(const guint32 *) (a + y * stride_a + 4 * x);
        guint32 pb = *(const guint32 *) (b + y * stride_b + 4 * x);
        int most = 0;
        for (int shift = 0; shift < 24; shift += 8)
          most = MAX (most, abs ((int) ((pa >> shift) & 0xff) - (int) ((pb >> shift) & 0xff)));
        largest = MAX (largest, most);
        if (most > REFERENCE_CHANNEL_TOLERANCE)
          differing++;
      }
  double share = (double) differing / ((double) width * height);
  g_test_message ("%s: %zu pixels differ by more than %d (%.3f%%), largest difference %d", name,
                  differing, REFERENCE_CHANNEL_TOLERANCE, 100 * share, largest);
  if (share > REFERENCE_PIXEL_SHARE)
    {
      g_autofree char *kept_name = g_strconcat ("actual-", name, NULL);
      g_autofree char *kept = g_test_build_filename (G_TEST_BUILT, kept_name, NULL);
      cairo_surface_write_to_png (actual, kept);
      g_test_message ("the render is kept as %s", kept);
    }
  g_assert_cmpfloat (share, <=, REFERENCE_PIXEL_SHARE);
  cairo_surface_destroy (reference);
}

static void
test_reference (gconstpointer data)
{
  CrPlotKind kind = GPOINTER_TO_INT (data);
  /* Small and fixed: 3 quantities (a vector), 2 chains of 200 draws, seed 2024. */
  g_autoptr (Fixture) f = fixture_new (3, 2, 200, 2024);
  g_autoptr (GError) error = NULL;
  cairo_surface_t *surface = render (f, kind, 400, 300, CR_PLOT_THEME_LIGHT, TRUE, &error);
  g_assert_no_error (error);
  g_autofree char *name = g_strdup_printf ("%s.png", cr_plot_kind_to_name (kind));
  check_reference (name, surface);
  cairo_surface_destroy (surface);
}

static void
test_reference_dark (void)
{
  g_autoptr (Fixture) f = fixture_new (1, 4, 200, 2024);
  g_autoptr (GError) error = NULL;
  cairo_surface_t *surface = render (f, CR_PLOT_KIND_TRACE, 360, 200, CR_PLOT_THEME_DARK, TRUE,
                                     &error);
  g_assert_no_error (error);
  check_reference ("trace-dark.png", surface);
  cairo_surface_destroy (surface);
}

/* ---- Files ---- */

typedef struct
{
  char *root;
  int depth;
} SvgCheck;

static void
svg_start_element (GMarkupParseContext *context,
                   const char *element,
                   const char **attribute_names,
                   const char **attribute_values,
                   gpointer user_data,
                   GError **error)
{
  SvgCheck *check = user_data;
  if (check->depth++ == 0)
    check->root = g_strdup (element);
}

static void
svg_end_element (GMarkupParseContext *context,
                 const char *element,
                 gpointer user_data,
                 GError **error)
{
  SvgCheck *check = user_data;
  check->depth--;
}

static char *
temporary_path (const char *file)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-plot-XXXXXX", &error);
  g_assert_no_error (error);
  return g_build_filename (dir, file, NULL);
}

static void
remove_temporary (const char *path)
{
  g_remove (path);
  g_autofree char *dir = g_path_get_dirname (path);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
save_fixture (const char *path, CrPlotKind kind, GError **error)
{
  g_autoptr (Fixture) f = fixture_new (2, 2, 200, 9);
  CrPlotTraceInput trace = { fixture_draws (f), f->divergent };
  CrPlotPosteriorInput posterior = { fixture_draws (f), 0, NULL, NULL, NULL };
  gconstpointer input = kind == CR_PLOT_KIND_TRACE ? (gconstpointer) &trace
                                                   : (gconstpointer) &posterior;
  CrPlotStyle style;
  cr_plot_style_init (&style, CR_PLOT_THEME_DARK);
  cr_plot_save (path, 420, 300.5, &style, kind, input, error);
}

static void
test_save_png (void)
{
  g_autofree char *path = temporary_path ("trace.PNG");
  g_autoptr (GError) error = NULL;
  save_fixture (path, CR_PLOT_KIND_TRACE, &error);
  g_assert_no_error (error);
  cairo_surface_t *image = cairo_image_surface_create_from_png (path);
  g_assert_cmpint (cairo_surface_status (image), ==, CAIRO_STATUS_SUCCESS);
  /* Fractional sizes round up to whole pixels. */
  g_assert_cmpint (cairo_image_surface_get_width (image), ==, 420);
  g_assert_cmpint (cairo_image_surface_get_height (image), ==, 301);
  cairo_surface_flush (image);
  CrColor dark = cr_plot_background_color (CR_PLOT_THEME_DARK);
  g_assert_cmpuint (count_color_in (image, dark, 0, 0, 0, 1, 1), ==, 1);
  cairo_surface_destroy (image);
  remove_temporary (path);
}

static void
test_save_svg (void)
{
  g_autofree char *path = temporary_path ("posterior.svg");
  g_autoptr (GError) error = NULL;
  save_fixture (path, CR_PLOT_KIND_POSTERIOR, &error);
  g_assert_no_error (error);
  g_autofree char *contents = NULL;
  gsize length;
  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  GMarkupParser parser = { svg_start_element, svg_end_element, NULL, NULL, NULL };
  SvgCheck check = { NULL, 0 };
  GMarkupParseContext *context = g_markup_parse_context_new (&parser, 0, &check, NULL);
  g_assert_true (g_markup_parse_context_parse (context, contents, (gssize) length, &error));
  g_assert_true (g_markup_parse_context_end_parse (context, &error));
  g_assert_no_error (error);
  g_markup_parse_context_free (context);
  g_assert_cmpstr (check.root, ==, "svg");
  g_assert_cmpint (check.depth, ==, 0);
  g_free (check.root);
  remove_temporary (path);
}

static void
test_save_pdf (void)
{
  g_autofree char *path = temporary_path ("trace.pdf");
  g_autoptr (GError) error = NULL;
  save_fixture (path, CR_PLOT_KIND_TRACE, &error);
  g_assert_no_error (error);
  g_autofree char *contents = NULL;
  gsize length;
  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_cmpuint (length, >, 100);
  g_assert_cmpmem (contents, 5, "%PDF-", 5);
  /* The file is binary: trim the trailing end of line by length, not as a C string. */
  while (length > 0 && g_ascii_isspace (contents[length - 1]))
    length--;
  g_assert_cmpuint (length, >, 5);
  g_assert_cmpmem (contents + length - 5, 5, "%%EOF", 5);

  g_autofree char *pdfinfo = g_find_program_in_path ("pdfinfo");
  if (pdfinfo == NULL)
    g_test_message ("pdfinfo (poppler-utils) is not installed: the PDF's structure is not checked "
                    "by poppler");
  else
    {
      const char *argv[] = { pdfinfo, path, NULL };
      g_autofree char *out = NULL;
      int status;
      g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                                   NULL, &out, NULL, &status, &error));
      g_assert_no_error (error);
      g_assert_true (g_spawn_check_wait_status (status, &error));
      g_assert_no_error (error);
      g_assert_nonnull (strstr (out, "Pages:"));
    }
  remove_temporary (path);
}

static void
test_save_errors (void)
{
  g_autoptr (GError) error = NULL;

  /* An unknown suffix creates nothing. */
  g_autofree char *jpeg = temporary_path ("plot.jpg");
  save_fixture (jpeg, CR_PLOT_KIND_TRACE, &error);
  g_assert_error (error, CR_PLOT_ERROR, CR_PLOT_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, ".png"));
  g_assert_false (g_file_test (jpeg, G_FILE_TEST_EXISTS));
  remove_temporary (jpeg);
  g_clear_error (&error);

  /* A folder that does not exist. */
  g_autofree char *nowhere = temporary_path ("missing/plot.svg");
  save_fixture (nowhere, CR_PLOT_KIND_TRACE, &error);
  g_assert_error (error, CR_PLOT_ERROR, CR_PLOT_ERROR_WRITE);
  g_assert_nonnull (strstr (error->message, nowhere));
  g_clear_error (&error);
  g_autofree char *missing = g_path_get_dirname (nowhere);
  remove_temporary (missing);

  /* A drawing that fails leaves no file behind. */
  g_autofree char *empty = temporary_path ("empty.pdf");
  CrPlotQuantity quantity = { "mu", NULL, { 0 } };
  CrPlotTraceInput input = { { &quantity, 1, 4, 0 }, NULL };
  g_assert_false (cr_plot_save (empty, 400, 300, NULL, CR_PLOT_KIND_TRACE, &input, &error));
  g_assert_error (error, CR_PLOT_ERROR, CR_PLOT_ERROR_INPUT);
  g_assert_false (g_file_test (empty, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  /* A size out of range is refused before the file is created. */
  g_assert_false (cr_plot_save (empty, 400, 20, NULL, CR_PLOT_KIND_TRACE, &input, &error));
  g_assert_error (error, CR_PLOT_ERROR, CR_PLOT_ERROR_SIZE);
  g_assert_false (g_file_test (empty, G_FILE_TEST_EXISTS));
  remove_temporary (empty);
}

/* ---- Errors a person can cause ---- */

static void
test_draw_errors (void)
{
  g_autoptr (Fixture) f = fixture_new (1, 2, 50, 1);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 400, 300);
  cairo_t *cr = cairo_create (surface);
  g_autoptr (GError) error = NULL;

  /* No draws yet. */
  CrPlotTraceInput empty = { { f->quantities, 1, 2, 0 }, NULL };
  g_assert_false (cr_plot_draw_trace (cr, 400, 300, NULL, &empty, &error));
  g_assert_error (error, CR_PLOT_ERROR, CR_PLOT_ERROR_INPUT);
  g_clear_error (&error);
  CrPlotRankInput no_quantities = { { f->quantities, 0, 2, 50 }, 0 };
  g_assert_false (cr_plot_draw_rank (cr, 400, 300, NULL, &no_quantities, &error));
  g_assert_error (error, CR_PLOT_ERROR, CR_PLOT_ERROR_INPUT);
  g_clear_error (&error);
  CrPlotEnergyInput one_draw = { f->energy, 2, 1, NULL };
  g_assert_false (cr_plot_draw_energy (cr, 400, 300, NULL, &one_draw, &error));
  g_assert_error (error, CR_PLOT_ERROR, CR_PLOT_ERROR_INPUT);
  g_clear_error (&error);
  CrPlotRegressionInput no_line = { .x = f->x, .y = f->y, .n_obs = f->n_obs };
  g_assert_false (cr_plot_draw_regression (cr, 400, 300, NULL, &no_line, &error));
  g_assert_error (error, CR_PLOT_ERROR, CR_PLOT_ERROR_INPUT);
  g_clear_error (&error);

  /* Too small, or too many panels for the size. */
  CrPlotTraceInput trace = { fixture_draws (f), NULL };
  g_assert_false (cr_plot_draw_trace (cr, 100, 300, NULL, &trace, &error));
  g_assert_error (error, CR_PLOT_ERROR, CR_PLOT_ERROR_SIZE);
  g_clear_error (&error);
  g_assert_false (cr_plot_draw_trace (cr, NAN, 300, NULL, &trace, &error));
  g_assert_error (error, CR_PLOT_ERROR, CR_PLOT_ERROR_SIZE);
  g_clear_error (&error);
  g_autoptr (Fixture) wide = fixture_new (20, 2, 50, 1);
  CrPlotTraceInput many = { fixture_draws (wide), NULL };
  g_assert_false (cr_plot_draw_trace (cr, 400, 300, NULL, &many, &error));
  g_assert_error (error, CR_PLOT_ERROR, CR_PLOT_ERROR_SIZE);
  g_assert_nonnull (strstr (error->message, "20 rows"));
  g_clear_error (&error);
  /* The same rows fit a taller plot. */
  cairo_surface_t *tall = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 400, 1600);
  cairo_t *tall_cr = cairo_create (tall);
  g_assert_true (cr_plot_draw_trace (tall_cr, 400, 1600, NULL, &many, &error));
  g_assert_no_error (error);
  cairo_destroy (tall_cr);
  cairo_surface_destroy (tall);
  cairo_destroy (cr);

  /* A Cairo context already in an error state. */
  cairo_surface_finish (surface);
  cr = cairo_create (surface);
  g_assert_false (cr_plot_draw_trace (cr, 400, 300, NULL, &trace, &error));
  g_assert_error (error, CR_PLOT_ERROR, CR_PLOT_ERROR_CAIRO);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

/* Non-finite draws are skipped, never a failure: a chain of NaN, a chain with infinities. */
static void
test_non_finite_draws (void)
{
  g_autoptr (Fixture) f = fixture_new (3, 2, 100, 4);
  for (size_t i = 0; i < f->n_draws; i++)
    f->values[i] = NAN; /* theta[0], chain 0 */
  f->values[f->n_chains * f->n_draws + 5] = INFINITY;
  f->values[f->n_chains * f->n_draws + 6] = -INFINITY;
  for (size_t q = 0; q < f->n_chains * f->n_draws; q++)
    f->values[2 * f->n_chains * f->n_draws + q] = 4.0; /* theta[2]: constant */
  for (guint k = 0; k < CR_PLOT_N_KINDS; k++)
    {
      g_autoptr (GError) error = NULL;
      cairo_surface_t *surface = render (f, (CrPlotKind) k, 640, 480, CR_PLOT_THEME_LIGHT, FALSE,
                                         &error);
      g_assert_no_error (error);
      cairo_surface_destroy (surface);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/plot/axis/ticks-cover-ranges", test_ticks_ranges);
  g_test_add_func ("/plot/axis/ticks-known", test_ticks_known);
  g_test_add_func ("/plot/axis/ticks-degenerate", test_ticks_degenerate);
  g_test_add_func ("/plot/axis/labels", test_tick_labels);
  g_test_add_func ("/plot/palette/distinct", test_palette);
  g_test_add_func ("/plot/palette/set-source", test_set_source_paints);
  g_test_add_func ("/plot/palette/roles", test_palette_roles);
  g_test_add_func ("/plot/kde/normal", test_kde_normal);
  g_test_add_func ("/plot/kde/lower-bound", test_kde_lower_bound);
  g_test_add_func ("/plot/kde/both-bounds", test_kde_both_bounds);
  g_test_add_func ("/plot/kde/degenerate", test_kde_degenerate);
  g_test_add_func ("/plot/hdi/known", test_hdi);
  g_test_add_func ("/plot/format/number", test_format_number);
  g_test_add_func ("/plot/kind/names", test_kind_names);
  for (guint k = 0; k < CR_PLOT_N_KINDS; k++)
    {
      const char *name = cr_plot_kind_to_name ((CrPlotKind) k);
      g_autofree char *renders = g_strdup_printf ("/plot/%s/renders", name);
      g_test_add_data_func (renders, GINT_TO_POINTER (k), test_renders);
      g_autofree char *reference = g_strdup_printf ("/plot/%s/matches-reference", name);
      g_test_add_data_func (reference, GINT_TO_POINTER (k), test_reference);
    }
  g_test_add_func ("/plot/trace/matches-reference-dark", test_reference_dark);
  g_test_add_func ("/plot/trace/keeps-extremes", test_trace_keeps_extremes);
  g_test_add_func ("/plot/trace/timing", test_trace_timing);
  g_test_add_func ("/plot/draw/text", test_text_drawn);
  g_test_add_func ("/plot/draw/given-numbers", test_given_numbers);
  g_test_add_func ("/plot/draw/alerts", test_alerts);
  g_test_add_func ("/plot/draw/keeps-state", test_draw_keeps_state);
  g_test_add_func ("/plot/draw/errors", test_draw_errors);
  g_test_add_func ("/plot/draw/non-finite", test_non_finite_draws);
  g_test_add_func ("/plot/save/png", test_save_png);
  g_test_add_func ("/plot/save/svg", test_save_svg);
  g_test_add_func ("/plot/save/pdf", test_save_pdf);
  g_test_add_func ("/plot/save/errors", test_save_errors);
  return g_test_run ();
}
