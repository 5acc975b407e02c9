/* summary.c: means, spreads, quantiles, the HDI, E-BFMI and the one-call summary. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "diag/diag-private.h"

int
cr_diag_compare_doubles (const void *a,
                         const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* R's mean.default in summary.c: a long double sum, then a second pass adding the mean of the
 * residuals, which is what makes R's mean of a constant exact. Matching it keeps the centred
 * values posterior ranks and compares bit-for-bit close to R's. */
double
cr_diag_mean (const double *draws,
              size_t n)
{
  g_return_val_if_fail (draws != NULL || n == 0, NAN);

  if (n == 0)
    return NAN;
  long double sum = 0.0L;
  for (size_t i = 0; i < n; i++)
    sum += draws[i];
  long double mean = sum / (long double) n;
  if (isfinite ((double) mean))
    {
      long double residual = 0.0L;
      for (size_t i = 0; i < n; i++)
        residual += draws[i] - mean;
      mean += residual / (long double) n;
    }
  return (double) mean;
}

/* R's cov.c for one complete column: the mean as above rounded to double, then a long double
 * sum of squared deviations over n - 1. */
double
cr_diag_var (const double *values,
             size_t n)
{
  if (n < 2)
    return NAN;
  double mean = cr_diag_mean (values, n);
  long double sum = 0.0L;
  for (size_t i = 0; i < n; i++)
    {
      double deviation = values[i] - mean;
      sum += deviation * deviation;
    }
  return (double) (sum / (long double) (n - 1));
}

double
cr_diag_sd (const double *draws,
            size_t n)
{
  g_return_val_if_fail (draws != NULL || n == 0, NAN);

  return sqrt (cr_diag_var (draws, n));
}

gboolean
cr_diag_should_return_na (const double *values,
                          size_t n)
{
  double lowest = INFINITY, highest = -INFINITY;
  for (size_t i = 0; i < n; i++)
    {
      if (!isfinite (values[i]))
        return TRUE;
      lowest = fmin (lowest, values[i]);
      highest = fmax (highest, values[i]);
    }
  return fabs (highest - lowest) < DBL_EPSILON;
}

static gboolean
any_nan (const double *values,
         size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (isnan (values[i]))
      return TRUE;
  return FALSE;
}

static double *
sorted_copy (const double *values,
             size_t n)
{
  double *sorted = g_memdup2 (values, n * sizeof (double));
  qsort (sorted, n, sizeof (double), cr_diag_compare_doubles);
  return sorted;
}

double
cr_diag_median_sorted (const double *sorted,
                       size_t n)
{
  g_assert (n >= 1);

  if (n % 2 == 1)
    return sorted[n / 2];
  /* R averages the two middle values with mean(), so do we. */
  return cr_diag_mean (sorted + n / 2 - 1, 2);
}

double
cr_diag_median (const double *values,
                size_t n)
{
  if (n == 0 || any_nan (values, n))
    return NAN;
  g_autofree double *sorted = sorted_copy (values, n);
  return cr_diag_median_sorted (sorted, n);
}

/* R's quantile.default, type 7 (Hyndman and Fan 1996, definition 7), with R's exact
 * arithmetic: index = 1 + (n - 1) p, and interpolation only when the neighbours differ. The
 * same operations in the same order give the same double, which matters because posterior's
 * ESS of a quantile compares every draw against it. */
double
cr_diag_quantile_sorted (const double *sorted,
                         size_t n,
                         double prob)
{
  g_assert (n >= 1);

  prob = fmax (0.0, fmin (1.0, prob));
  double index = 1.0 + (double) (n - 1) * prob;
  double lo = floor (index), hi = ceil (index);
  double quantile = sorted[(size_t) lo - 1];
  double above = sorted[(size_t) hi - 1];
  if (index > lo && above != quantile)
    {
      double h = index - lo;
      quantile = (1.0 - h) * quantile + h * above;
    }
  return quantile;
}

double
cr_diag_quantile (const double *draws,
                  size_t n,
                  double prob)
{
  g_return_val_if_fail (draws != NULL || n == 0, NAN);
  g_return_val_if_fail (prob >= 0.0 && prob <= 1.0, NAN);

  /* posterior's quantile2 returns NA for NA draws rather than failing as quantile() does. */
  if (n == 0 || any_nan (draws, n))
    return NAN;
  g_autofree double *sorted = sorted_copy (draws, n);
  return cr_diag_quantile_sorted (sorted, n, prob);
}

void
cr_diag_hdi_sorted (const double *sorted,
                    size_t n,
                    double prob,
                    double *lower,
                    double *upper)
{
  /* ArviZ's _hdi: interval_idx_inc = int(np.floor(hdi_prob * n)). prob < 1, so k < n in exact
   * arithmetic; the clamp only guards a product that rounds up to n. */
  size_t k = (size_t) floor (prob * (double) n);
  if (k >= n)
    k = n - 1;
  size_t n_intervals = n - k;
  size_t best = 0;
  double best_width = sorted[k] - sorted[0];
  for (size_t i = 1; i < n_intervals && !isnan (best_width); i++)
    {
      double width = sorted[i + k] - sorted[i];
      /* numpy's argmin: the first NaN if there is one, else the first minimum. */
      if (isnan (width) || width < best_width)
        {
          best = i;
          best_width = width;
        }
    }
  *lower = sorted[best];
  *upper = sorted[best + k];
}

void
cr_diag_hdi (const double *draws,
             size_t n,
             double prob,
             double *lower,
             double *upper)
{
  g_return_if_fail (draws != NULL || n == 0);
  g_return_if_fail (prob > 0.0 && prob < 1.0);
  g_return_if_fail (lower != NULL && upper != NULL);

  *lower = *upper = NAN;
  if (n == 0 || any_nan (draws, n))
    return;
  g_autofree double *sorted = sorted_copy (draws, n);
  cr_diag_hdi_sorted (sorted, n, prob, lower, upper);
}

void
cr_diag_ebfmi (const double *energy,
               size_t n_chains,
               size_t n_draws,
               double *ebfmi)
{
  g_return_if_fail (energy != NULL);
  g_return_if_fail (ebfmi != NULL);

  for (size_t chain = 0; chain < n_chains; chain++)
    {
      const double *e = energy + chain * n_draws;
      ebfmi[chain] = NAN;
      if (n_draws < 2 || cr_diag_should_return_na (e, n_draws))
        continue;
      double mean = cr_diag_mean (e, n_draws);
      long double jumps = 0.0L, spread = 0.0L;
      for (size_t i = 0; i < n_draws; i++)
        {
          double deviation = e[i] - mean;
          spread += deviation * deviation;
          if (i > 0)
            {
              double jump = e[i] - e[i - 1];
              jumps += jump * jump;
            }
        }
      ebfmi[chain] = (double) (jumps / spread);
    }
}

void
cr_diag_summarise (const double *draws,
                   size_t n_chains,
                   size_t n_draws,
                   double hdi_prob,
                   CrDiagSummary *summary)
{
  g_return_if_fail (draws != NULL);
  g_return_if_fail (n_chains >= 1 && n_draws >= 1);
  g_return_if_fail (hdi_prob > 0.0 && hdi_prob < 1.0);
  g_return_if_fail (summary != NULL);

  size_t n = n_chains * n_draws;
  summary->mean = cr_diag_mean (draws, n);
  summary->sd = cr_diag_sd (draws, n);
  summary->mcse_mean = cr_diag_mcse_mean (draws, n_chains, n_draws);
  summary->mcse_sd = cr_diag_mcse_sd (draws, n_chains, n_draws);
  if (!cr_diag_all_finite (draws, n))
    {
      /* NaN and infinite draws are rare and have rules of their own in each function. */
      cr_diag_hdi (draws, n, hdi_prob, &summary->hdi_lower, &summary->hdi_upper);
      summary->ess_bulk = cr_diag_ess_bulk (draws, n_chains, n_draws);
      summary->ess_tail = cr_diag_ess_tail (draws, n_chains, n_draws);
      summary->r_hat = cr_diag_rhat (draws, n_chains, n_draws);
      return;
    }
  /* One sort serves the HDI, the median, the quantiles and both rank normalisations, which
   * would otherwise sort the same draws six times. */
  g_autofree CrDiagRanked *ranked = g_new (CrDiagRanked, n);
  g_autofree double *sorted = g_new (double, n);
  cr_diag_rank_values (draws, n, ranked);
  for (size_t i = 0; i < n; i++)
    sorted[i] = ranked[i].value;
  cr_diag_hdi_sorted (sorted, n, hdi_prob, &summary->hdi_lower, &summary->hdi_upper);
  cr_diag_rank_diagnostics (draws, ranked, sorted, n_chains, n_draws, &summary->ess_bulk,
                            &summary->ess_tail, &summary->r_hat);
}
