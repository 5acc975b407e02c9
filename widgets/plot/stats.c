/* stats.c: the numerics the plots share: kernel density estimate, HDI, quantiles,
 * autocorrelation, E-BFMI and number formatting. */
#include "plot-private.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* The kernel is cut where it falls below exp(-8) of its peak (4 bandwidths), and the grid
 * reaches 3 bandwidths past the extreme draws as R's density() with cut = 3. */
#define KDE_KERNEL_REACH 4.0
#define KDE_GRID_CUT 3.0

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

size_t
cr_finite_range (const double *values, size_t n, double *lo, double *hi)
{
  size_t count = 0;
  double min = INFINITY, max = -INFINITY;
  for (size_t i = 0; i < n; i++)
    if (isfinite (values[i]))
      {
        count++;
        min = fmin (min, values[i]);
        max = fmax (max, values[i]);
      }
  if (count > 0)
    {
      *lo = min;
      *hi = max;
    }
  return count;
}

size_t
cr_sorted_finite (const double *values, size_t n, double *out)
{
  size_t count = 0;
  for (size_t i = 0; i < n; i++)
    if (isfinite (values[i]))
      out[count++] = values[i];
  qsort (out, count, sizeof (double), compare_doubles);
  return count;
}

double
cr_quantile_sorted (const double *sorted, size_t n, double prob)
{
  g_assert (n >= 1);
  /* Hyndman & Fan 1996, "Sample quantiles in statistical packages", definition 7. */
  double h = (n - 1) * prob;
  size_t below = (size_t) floor (h);
  if (below >= n - 1)
    return sorted[n - 1];
  return sorted[below] + (h - below) * (sorted[below + 1] - sorted[below]);
}

/* Moves the @k-th smallest of @values[0 .. n-1] to values[k], the smaller ones before it and
 * the larger after (Hoare's FIND with a median-of-three pivot, which keeps sorted and
 * constant input linear). */
static void
select_kth (double *values, size_t n, size_t k)
{
  ptrdiff_t left = 0, right = (ptrdiff_t) n - 1, target = (ptrdiff_t) k;
  while (right > left)
    {
      double a = values[left], b = values[left + (right - left) / 2], c = values[right];
      double pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
      ptrdiff_t i = left, j = right;
      while (i <= j)
        {
          while (values[i] < pivot)
            i++;
          while (values[j] > pivot)
            j--;
          if (i <= j)
            {
              double swap = values[i];
              values[i++] = values[j];
              values[j--] = swap;
            }
        }
      /* Now values[left .. j] <= pivot <= values[i .. right], and any between equal it. */
      if (target <= j)
        right = j;
      else if (target >= i)
        left = i;
      else
        return;
    }
}

/* R's type 7 quantile of @values (n >= 2, reordered in place) without sorting them. */
static double
select_quantile (double *values, size_t n, double prob)
{
  double h = (n - 1) * prob;
  size_t below = (size_t) floor (h);
  select_kth (values, n, below);
  double value = values[below];
  if (below + 1 >= n)
    return value;
  double next = values[below + 1];
  for (size_t i = below + 2; i < n; i++)
    next = fmin (next, values[i]);
  return value + (h - below) * (next - value);
}

gboolean
cr_plot_kde (const double *draws,
             size_t n,
             const CrPlotBounds *bounds,
             size_t n_grid,
             double *grid,
             double *density,
             double *bandwidth)
{
  g_return_val_if_fail (draws != NULL || n == 0, FALSE);
  g_return_val_if_fail (n_grid >= 16, FALSE);
  g_return_val_if_fail (grid != NULL && density != NULL, FALSE);

  double lo = 0, hi = 0, sum = 0;
  size_t count = cr_finite_range (draws, n, &lo, &hi);
  if (count < 2 || !(hi > lo))
    return FALSE;
  for (size_t i = 0; i < n; i++)
    if (isfinite (draws[i]))
      sum += draws[i];
  double mean = sum / count, squares = 0;
  g_autofree double *finite = g_new (double, count);
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (isfinite (draws[i]))
      {
        squares += (draws[i] - mean) * (draws[i] - mean);
        finite[m++] = draws[i];
      }
  double sd = sqrt (squares / (count - 1));
  double iqr = select_quantile (finite, count, 0.75) - select_quantile (finite, count, 0.25);
  /* Silverman 1986, eq. 3.31: the IQR guards against long tails, sd against a zero IQR. */
  double spread = iqr > 0 ? fmin (sd, iqr / 1.34) : sd;
  double h = 0.9 * spread * pow ((double) count, -0.2);
  if (!(h > 0) || !isfinite (h) || !isfinite (hi - lo + 2 * KDE_GRID_CUT * h))
    return FALSE;

  double grid_lo = lo - KDE_GRID_CUT * h, grid_hi = hi + KDE_GRID_CUT * h;
  gboolean reflect_lo = FALSE, reflect_hi = FALSE;
  /* A bound further than the grid's reach needs no reflection: the mirrored kernels lie more
   * than 6 bandwidths from the draws, beyond the kernel's reach. */
  if (bounds != NULL && bounds->has_lower && isfinite (bounds->lower) && bounds->lower <= lo
      && grid_lo < bounds->lower)
    {
      grid_lo = bounds->lower;
      reflect_lo = TRUE;
    }
  if (bounds != NULL && bounds->has_upper && isfinite (bounds->upper) && bounds->upper >= hi
      && grid_hi > bounds->upper)
    {
      grid_hi = bounds->upper;
      reflect_hi = TRUE;
    }
  size_t last = n_grid - 1;
  double delta = (grid_hi - grid_lo) / last;

  /* Linear binning: each draw splits its unit mass between its two neighbouring nodes. */
  g_autofree double *counts = g_new0 (double, n_grid);
  for (size_t i = 0; i < n; i++)
    {
      if (!isfinite (draws[i]))
        continue;
      double position = (draws[i] - grid_lo) / delta;
      double node = floor (position);
      size_t k = node < 0 ? 0 : (size_t) node;
      if (k >= last)
        k = last - 1;
      double fraction = CLAMP (position - k, 0.0, 1.0);
      counts[k] += 1 - fraction;
      counts[k + 1] += fraction;
    }

  /* The kernel sampled at the grid spacing, normalised to unit mass on the grid, so that
   * the binned estimate keeps its mass however coarse the grid is for the bandwidth.
   * Mirror images reach up to 2 (n_grid - 1) nodes away. */
  size_t reach = (size_t) fmin (ceil (KDE_KERNEL_REACH * h / delta), 2.0 * last);
  g_autofree double *weights = g_new (double, reach + 1);
  double total = 0;
  for (size_t d = 0; d <= reach; d++)
    {
      double z = d * delta / h;
      weights[d] = exp (-0.5 * z * z);
      total += d == 0 ? weights[d] : 2 * weights[d];
    }
  double scale = 1.0 / (count * delta * total);

  for (size_t j = 0; j < n_grid; j++)
    {
      double value = 0;
      size_t from = j > reach ? j - reach : 0, to = MIN (last, j + reach);
      for (size_t k = from; k <= to; k++)
        value += counts[k] * weights[k > j ? k - j : j - k];
      /* Silverman 1986, sec. 2.10: the mass a kernel puts below a bound comes back as its
       * mirror image about the bound. The bound is node 0 (or the last node), so the image of
       * node k lies at node -k (or 2 last - k). */
      if (reflect_lo)
        for (size_t k = 0; k <= last && j + k <= reach; k++)
          value += counts[k] * weights[j + k];
      if (reflect_hi)
        {
          size_t distance_j = last - j;
          for (size_t k = last + 1; k-- > 0;)
            {
              size_t distance = distance_j + (last - k);
              if (distance > reach)
                break;
              value += counts[k] * weights[distance];
            }
        }
      density[j] = value * scale;
      grid[j] = grid_lo + j * delta;
    }
  grid[last] = grid_hi;
  if (bandwidth != NULL)
    *bandwidth = h;
  return TRUE;
}

void
cr_hdi_sorted (const double *sorted, size_t n, double prob, double *lower, double *upper)
{
  g_assert (n >= 1);
  /* ArviZ's hdi: the narrowest of the intervals spanning floor(prob n) + 1 sorted draws. */
  size_t span = (size_t) floor (prob * n);
  if (span >= n)
    span = n - 1;
  size_t best = 0;
  double best_width = INFINITY;
  for (size_t i = 0; i + span < n; i++)
    {
      double width = sorted[i + span] - sorted[i];
      /* numpy's argmin returns the first NaN (inf - inf), as the engine does. */
      if (isnan (width))
        {
          best = i;
          break;
        }
      if (width < best_width)
        {
          best_width = width;
          best = i;
        }
    }
  *lower = sorted[best];
  *upper = sorted[best + span];
}

gboolean
cr_plot_hdi (const double *draws, size_t n, double prob, double *lower, double *upper)
{
  g_return_val_if_fail (lower != NULL && upper != NULL, FALSE);
  g_return_val_if_fail (prob > 0 && prob < 1, FALSE);

  *lower = NAN;
  *upper = NAN;
  if (n == 0 || draws == NULL)
    return FALSE;
  for (size_t i = 0; i < n; i++)
    if (isnan (draws[i]))
      return FALSE;
  g_autofree double *sorted = g_memdup2 (draws, n * sizeof (double));
  qsort (sorted, n, sizeof (double), compare_doubles);
  cr_hdi_sorted (sorted, n, prob, lower, upper);
  return TRUE;
}

void
cr_autocorr (const double *chain, size_t n, size_t max_lag, double *out)
{
  g_assert (n >= 2 && max_lag < n);

  double sum = 0;
  for (size_t i = 0; i < n; i++)
    sum += chain[i];
  double mean = sum / n;
  double lag0 = 0;
  for (size_t i = 0; i < n; i++)
    lag0 += (chain[i] - mean) * (chain[i] - mean);
  if (!isfinite (mean) || !isfinite (lag0) || !(lag0 > 0))
    {
      for (size_t k = 0; k <= max_lag; k++)
        out[k] = NAN;
      return;
    }
  /* Every lag's sum has the divisor n, as posterior::autocovariance, which keeps the sequence
   * positive semi-definite; the divisors cancel in the ratio. */
  out[0] = 1.0;
  for (size_t k = 1; k <= max_lag; k++)
    {
      double s = 0;
      for (size_t i = 0; i + k < n; i++)
        s += (chain[i] - mean) * (chain[i + k] - mean);
      out[k] = s / lag0;
    }
}

double
cr_ebfmi (const double *energy, size_t n)
{
  if (n < 2)
    return NAN;
  double sum = 0;
  for (size_t i = 0; i < n; i++)
    {
      if (!isfinite (energy[i]))
        return NAN;
      sum += energy[i];
    }
  double mean = sum / n, steps = 0, deviations = 0;
  for (size_t i = 0; i < n; i++)
    {
      deviations += (energy[i] - mean) * (energy[i] - mean);
      if (i > 0)
        steps += (energy[i] - energy[i - 1]) * (energy[i] - energy[i - 1]);
    }
  return deviations > 0 ? steps / deviations : NAN;
}

char *
cr_plot_format_number (double value, int significant)
{
  if (isnan (value))
    return g_strdup ("NaN");
  if (isinf (value))
    return g_strdup (value > 0 ? "inf" : "-inf");
  if (value == 0)
    return g_strdup ("0");

  significant = CLAMP (significant, 1, 15);
  char format[16], buffer[G_ASCII_DTOSTR_BUF_SIZE];
  g_snprintf (format, sizeof format, "%%.%de", significant - 1);
  g_ascii_formatd (buffer, sizeof buffer, format, value);
  /* The exponent after rounding to @significant digits: 9.996 at 3 digits is 1.00e+01. */
  const char *e = strchr (buffer, 'e');
  int exponent = e != NULL ? atoi (e + 1) : 0;
  double magnitude = fabs (g_ascii_strtod (buffer, NULL));
  if (magnitude >= 1e-3 && magnitude < 1e5)
    {
      int decimals = MAX (0, significant - 1 - exponent);
      g_snprintf (format, sizeof format, "%%.%df", decimals);
      g_ascii_formatd (buffer, sizeof buffer, format, g_ascii_strtod (buffer, NULL));
    }
  return g_strdup (buffer);
}
