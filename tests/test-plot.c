/* test-plot.c: the plot layer's axes and palette, without GTK. */
#include "plot.h"

#include <math.h>
#include <string.h>

/* The step is 1, 2 or 5 times a power of ten. */
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
  return g_test_run ();
}
