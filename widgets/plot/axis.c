/* axis.c: nice tick positions and their labels. */
#include "plot.h"

#include <math.h>

/* The nice number closest to @x (round) or not below it (ceiling): 1, 2, 5 or 10 times a
 * power of ten. Heckbert 1990, Graphics Gems I, "Nice numbers for graph labels". */
static double
nice_number (double x, gboolean round_it)
{
  double exponent = floor (log10 (x));
  double fraction = x / pow (10.0, exponent);
  double nice;
  if (round_it)
    nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10;
  else
    nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * pow (10.0, exponent);
}

void
cr_axis_ticks (double data_lo, double data_hi, int target, CrAxisTicks *ticks)
{
  g_return_if_fail (ticks != NULL);

  target = CLAMP (target, 2, 10);
  if (!isfinite (data_lo) || !isfinite (data_hi))
    data_lo = 0, data_hi = 1;
  if (data_lo > data_hi)
    {
      double swap = data_lo;
      data_lo = data_hi;
      data_hi = swap;
    }
  if (data_hi - data_lo <= 1e-12 * fmax (fabs (data_lo), fabs (data_hi)) || data_hi == data_lo)
    {
      /* A single value: show a unit-sized window around it at its own scale. */
      double half = data_lo != 0 ? 0.5 * pow (10.0, floor (log10 (fabs (data_lo)))) : 0.5;
      data_lo -= half;
      data_hi += half;
    }

  /* Heckbert rounds the range to a nice number first; dividing the raw range instead keeps
   * the tick count closer to the target (for [-3.2, 17.9] and 5 ticks: step 5, not 10). */
  double step = nice_number ((data_hi - data_lo) / (target - 1), TRUE);
  double lo = floor (data_lo / step) * step;
  double hi = ceil (data_hi / step) * step;
  int n = (int) llround ((hi - lo) / step) + 1;
  /* Rounding the range up can overshoot the table; coarsen the step until it fits. */
  while (n > CR_AXIS_MAX_TICKS)
    {
      step = nice_number (step * 1.5, FALSE);
      lo = floor (data_lo / step) * step;
      hi = ceil (data_hi / step) * step;
      n = (int) llround ((hi - lo) / step) + 1;
    }

  ticks->lo = lo;
  ticks->hi = hi;
  ticks->step = step;
  ticks->n_ticks = n;
  for (int i = 0; i < n; i++)
    {
      double t = lo + i * step;
      /* Snap values that floating point puts a hair off zero. */
      ticks->ticks[i] = fabs (t) < step * 1e-9 ? 0.0 : t;
    }
  ticks->decimals = (int) fmax (0.0, -floor (log10 (step) + 1e-9));
}

char *
cr_axis_format_tick (double value, const CrAxisTicks *ticks)
{
  g_return_val_if_fail (ticks != NULL, NULL);

  if (value == 0.0 || fabs (value) < ticks->step * 1e-9)
    return g_strdup ("0");
  double magnitude = fmax (fabs (ticks->lo), fabs (ticks->hi));
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  if (magnitude >= 1e6 || magnitude < 1e-4)
    {
      /* Enough significant digits to tell neighbouring ticks apart. */
      int digits = (int) fmax (0.0, floor (log10 (fabs (value))) - floor (log10 (ticks->step)));
      char format[16];
      g_snprintf (format, sizeof format, "%%.%de", MIN (digits, 15));
      g_ascii_formatd (buffer, sizeof buffer, format, value);
      return g_strdup (buffer);
    }
  char format[16];
  g_snprintf (format, sizeof format, "%%.%df", MIN (ticks->decimals, 15));
  g_ascii_formatd (buffer, sizeof buffer, format, value);
  return g_strdup (buffer);
}
