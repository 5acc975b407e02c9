/* convergence.c: split chains, rank normalisation, R-hat, ESS and MCSE as posterior 1.4.0.
 *
 * Each public function is a composition of posterior's internals (.split_chains, z_scale,
 * fold_draws, .rhat, .ess) in the order posterior composes them; that order matters, e.g. the
 * bulk ranks are taken after splitting, so an odd chain's dropped middle draw is never ranked.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "diag/diag-private.h"

void
cr_diag_matrix_clear (CrDiagMatrix *matrix)
{
  g_clear_pointer (&matrix->values, g_free);
  matrix->n_rows = 0;
  matrix->n_columns = 0;
}

void
cr_diag_matrix_copy (const double *draws,
                     size_t n_chains,
                     size_t n_draws,
                     CrDiagMatrix *matrix)
{
  matrix->values = g_memdup2 (draws, n_chains * n_draws * sizeof (double));
  matrix->n_rows = n_draws;
  matrix->n_columns = n_chains;
}

/* posterior's .split_chains: cbind(x[1:floor(n/2), ], x[ceiling(n/2 + 1):n, ]), so an odd
 * chain loses its middle draw and one draw is left as it is. */
void
cr_diag_matrix_split (const double *draws,
                      size_t n_chains,
                      size_t n_draws,
                      CrDiagMatrix *matrix)
{
  if (n_draws == 1)
    {
      cr_diag_matrix_copy (draws, n_chains, n_draws, matrix);
      return;
    }
  size_t half = n_draws / 2, second_start = n_draws - half;
  if (half == 1)
    {
      /* For 2 or 3 draws x[1:1, ] drops to a vector of one draw per chain, and cbind of two
       * such vectors is a matrix with one row per chain and two columns: first draws, last
       * draws. posterior computes its diagnostics on that matrix, and so do we. */
      matrix->n_rows = n_chains;
      matrix->n_columns = 2;
      matrix->values = g_new (double, 2 * n_chains);
      for (size_t chain = 0; chain < n_chains; chain++)
        {
          matrix->values[chain] = draws[chain * n_draws];
          matrix->values[n_chains + chain] = draws[chain * n_draws + second_start];
        }
      return;
    }
  matrix->n_rows = half;
  matrix->n_columns = 2 * n_chains;
  matrix->values = g_new (double, 2 * n_chains * half);
  for (size_t chain = 0; chain < n_chains; chain++)
    {
      memcpy (matrix->values + chain * half, draws + chain * n_draws, half * sizeof (double));
      memcpy (matrix->values + (n_chains + chain) * half, draws + chain * n_draws + second_start,
              half * sizeof (double));
    }
}

typedef struct
{
  double value;
  size_t index;
} RankedValue;

static int
compare_ranked_values (const void *a,
                       const void *b)
{
  const RankedValue *x = a, *y = b;
  int order = cr_diag_compare_doubles (&x->value, &y->value);
  return order != 0 ? order : (x->index > y->index) - (x->index < y->index);
}

/* Rank normalisation, Vehtari et al. 2021, sec. 4.1: fractional ranks r over all values with
 * ties given their average rank (R's rank(ties.method = "average")), then
 * z = Phi^-1((r - 3/8) / (S - 2 * 3/8 + 1)), Blom's (1958) offset. */
gboolean
cr_diag_z_scale (double *values,
                 size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (isnan (values[i]))
      return FALSE;

  g_autofree RankedValue *order = g_new (RankedValue, n);
  for (size_t i = 0; i < n; i++)
    order[i] = (RankedValue){ values[i], i };
  qsort (order, n, sizeof (RankedValue), compare_ranked_values);

  const double offset = 3.0 / 8.0;
  double denominator = (double) n - 2.0 * offset + 1.0;
  size_t first = 0;
  while (first < n)
    {
      size_t last = first;
      while (last + 1 < n && order[last + 1].value == order[first].value)
        last++;
      double rank = ((double) (first + 1) + (double) (last + 1)) / 2.0;
      double z = gsl_cdf_ugaussian_Pinv ((rank - offset) / denominator);
      for (size_t i = first; i <= last; i++)
        values[order[i].index] = z;
      first = last + 1;
    }
  return TRUE;
}

/* posterior's .rhat: the potential scale reduction sqrt(var_plus / W) with
 * var_plus = (n - 1) / n W + B / n, Gelman et al. 2013, BDA3 sec. 11.4. */
double
cr_diag_matrix_rhat (const CrDiagMatrix *matrix)
{
  size_t n_rows = matrix->n_rows, n_columns = matrix->n_columns;
  if (cr_diag_should_return_na (matrix->values, n_rows * n_columns))
    return NAN;
  /* The variance of one draw, or of one chain mean, is NA in R. */
  if (n_rows < 2 || n_columns < 2)
    return NAN;

  g_autofree double *chain_mean = g_new (double, n_columns);
  g_autofree double *chain_var = g_new (double, n_columns);
  for (size_t column = 0; column < n_columns; column++)
    {
      const double *x = matrix->values + column * n_rows;
      chain_mean[column] = cr_diag_mean (x, n_rows);
      long double sum = 0.0L;
      for (size_t i = 0; i < n_rows; i++)
        {
          double deviation = x[i] - chain_mean[column];
          sum += deviation * deviation;
        }
      chain_var[column] = (double) (sum / (long double) (n_rows - 1));
    }
  double n = (double) n_rows;
  double var_between = n * cr_diag_var (chain_mean, n_columns);
  double var_within = cr_diag_mean (chain_var, n_columns);
  return sqrt ((var_between / var_within + n - 1.0) / n);
}

/* posterior's .ess: the multi-chain autocorrelation of BDA3 sec. 11.5 (Vehtari et al. 2021,
 * sec. 3.2) summed with Geyer's (1992) initial positive sequence, made monotone, and the
 * result capped at S log10(S). */
double
cr_diag_matrix_ess (const CrDiagMatrix *matrix)
{
  size_t n_rows = matrix->n_rows, n_columns = matrix->n_columns;
  if (n_rows < 3 || cr_diag_should_return_na (matrix->values, n_rows * n_columns))
    return NAN;

  g_autofree double *autocov = g_new (double, n_rows);
  g_autofree double *mean_autocov = g_new0 (double, n_rows);
  g_autofree double *chain_mean = g_new (double, n_columns);
  CrDiagFft fft;
  cr_diag_fft_init (&fft, n_rows);
  for (size_t column = 0; column < n_columns; column++)
    {
      const double *x = matrix->values + column * n_rows;
      cr_diag_fft_autocov (&fft, x, autocov);
      for (size_t lag = 0; lag < n_rows; lag++)
        mean_autocov[lag] += autocov[lag];
      chain_mean[column] = cr_diag_mean (x, n_rows);
    }
  cr_diag_fft_clear (&fft);
  for (size_t lag = 0; lag < n_rows; lag++)
    mean_autocov[lag] /= (double) n_columns;

  double n = (double) n_rows;
  double mean_var = mean_autocov[0] * n / (n - 1.0);
  double var_plus = mean_var * (n - 1.0) / n;
  if (n_columns > 1)
    var_plus += cr_diag_var (chain_mean, n_columns);

  /* rho[t] = 1 - (W - mean autocovariance at lag t) / var_plus. Pairs (even, odd) are kept
   * while their sums are positive; the loop stops 5 lags before the end, as posterior's. */
  g_autofree double *rho = g_new0 (double, n_rows);
  long t = 0;
  double rho_even = 1.0;
  double rho_odd = 1.0 - (mean_var - mean_autocov[1]) / var_plus;
  rho[0] = rho_even;
  rho[1] = rho_odd;
  while (t < (long) n_rows - 5 && !isnan (rho_even + rho_odd) && rho_even + rho_odd > 0.0)
    {
      t += 2;
      rho_even = 1.0 - (mean_var - mean_autocov[t]) / var_plus;
      rho_odd = 1.0 - (mean_var - mean_autocov[t + 1]) / var_plus;
      if (rho_even + rho_odd >= 0.0)
        {
          rho[t] = rho_even;
          rho[t + 1] = rho_odd;
        }
    }
  long max_t = t;
  if (rho_even > 0.0)
    rho[max_t] = rho_even;

  /* Geyer's initial monotone sequence: no pair sum may exceed the one before it. */
  t = 0;
  while (t <= max_t - 4)
    {
      t += 2;
      if (rho[t] + rho[t + 1] > rho[t - 2] + rho[t - 1])
        {
          rho[t] = (rho[t - 2] + rho[t - 1]) / 2.0;
          rho[t + 1] = rho[t];
        }
    }

  /* posterior sums rho_hat_t[1:max_t]; for max_t = 0, R's 1:0 is c(1, 0), which selects
   * rho[0] alone. That is why 6 to 11 draws per chain give tau = 2. */
  long double sum = 0.0L;
  if (max_t == 0)
    sum = rho[0];
  for (long i = 0; i < max_t; i++)
    sum += rho[i];
  double draws = (double) (n_columns * n_rows);
  double tau = -1.0 + 2.0 * (double) sum + rho[max_t];
  double tau_bound = 1.0 / log10 (draws);
  if (tau < tau_bound)
    tau = tau_bound;
  return draws / tau;
}

/* NaN if either is NaN, as R's max() and min() of NA. */
static double
max_or_nan (double a,
            double b)
{
  return isnan (a) || isnan (b) ? NAN : fmax (a, b);
}

static double
min_or_nan (double a,
            double b)
{
  return isnan (a) || isnan (b) ? NAN : fmin (a, b);
}

/* The R-hat or ESS of split chains of @values, rank-normalised first when @rank_normalise. */
static double
split_diagnostic (const double *values,
                  size_t n_chains,
                  size_t n_draws,
                  gboolean rank_normalise,
                  double (*diagnostic) (const CrDiagMatrix *))
{
  CrDiagMatrix matrix;
  cr_diag_matrix_split (values, n_chains, n_draws, &matrix);
  double result = NAN;
  if (!rank_normalise || cr_diag_z_scale (matrix.values, matrix.n_rows * matrix.n_columns))
    result = diagnostic (&matrix);
  cr_diag_matrix_clear (&matrix);
  return result;
}

/* The R-hat or ESS of @values as they are, no rank normalisation: of split chains when @split,
 * of the chains whole otherwise. */
static double
basic_diagnostic (const double *values,
                  size_t n_chains,
                  size_t n_draws,
                  gboolean split,
                  double (*diagnostic) (const CrDiagMatrix *))
{
  if (split)
    return split_diagnostic (values, n_chains, n_draws, FALSE, diagnostic);
  CrDiagMatrix matrix;
  cr_diag_matrix_copy (values, n_chains, n_draws, &matrix);
  double result = diagnostic (&matrix);
  cr_diag_matrix_clear (&matrix);
  return result;
}

double
cr_diag_rhat (const double *draws,
              size_t n_chains,
              size_t n_draws)
{
  g_return_val_if_fail (draws != NULL, NAN);
  g_return_val_if_fail (n_chains >= 1 && n_draws >= 1, NAN);

  double bulk = split_diagnostic (draws, n_chains, n_draws, TRUE, cr_diag_matrix_rhat);

  /* Folding about the median makes the tails the bulk (Vehtari et al. 2021, sec. 4.2). */
  size_t n = n_chains * n_draws;
  double median = cr_diag_median (draws, n);
  g_autofree double *folded = g_new (double, n);
  for (size_t i = 0; i < n; i++)
    folded[i] = fabs (draws[i] - median);
  double tail = split_diagnostic (folded, n_chains, n_draws, TRUE, cr_diag_matrix_rhat);

  return max_or_nan (bulk, tail);
}

double
cr_diag_rhat_basic (const double *draws,
                    size_t n_chains,
                    size_t n_draws,
                    gboolean split)
{
  g_return_val_if_fail (draws != NULL, NAN);
  g_return_val_if_fail (n_chains >= 1 && n_draws >= 1, NAN);

  return basic_diagnostic (draws, n_chains, n_draws, split, cr_diag_matrix_rhat);
}

double
cr_diag_ess_bulk (const double *draws,
                  size_t n_chains,
                  size_t n_draws)
{
  g_return_val_if_fail (draws != NULL, NAN);
  g_return_val_if_fail (n_chains >= 1 && n_draws >= 1, NAN);

  return split_diagnostic (draws, n_chains, n_draws, TRUE, cr_diag_matrix_ess);
}

double
cr_diag_ess_basic (const double *draws,
                   size_t n_chains,
                   size_t n_draws,
                   gboolean split)
{
  g_return_val_if_fail (draws != NULL, NAN);
  g_return_val_if_fail (n_chains >= 1 && n_draws >= 1, NAN);

  return basic_diagnostic (draws, n_chains, n_draws, split, cr_diag_matrix_ess);
}

double
cr_diag_ess_mean (const double *draws,
                  size_t n_chains,
                  size_t n_draws)
{
  g_return_val_if_fail (draws != NULL, NAN);
  g_return_val_if_fail (n_chains >= 1 && n_draws >= 1, NAN);

  return split_diagnostic (draws, n_chains, n_draws, FALSE, cr_diag_matrix_ess);
}

double
cr_diag_ess_sd (const double *draws,
                size_t n_chains,
                size_t n_draws)
{
  g_return_val_if_fail (draws != NULL, NAN);
  g_return_val_if_fail (n_chains >= 1 && n_draws >= 1, NAN);

  size_t n = n_chains * n_draws;
  double mean = cr_diag_mean (draws, n);
  g_autofree double *deviation = g_new (double, n);
  for (size_t i = 0; i < n; i++)
    deviation[i] = fabs (draws[i] - mean);
  return split_diagnostic (deviation, n_chains, n_draws, FALSE, cr_diag_matrix_ess);
}

double
cr_diag_ess_quantile (const double *draws,
                      size_t n_chains,
                      size_t n_draws,
                      double prob)
{
  g_return_val_if_fail (draws != NULL, NAN);
  g_return_val_if_fail (n_chains >= 1 && n_draws >= 1, NAN);
  g_return_val_if_fail (prob >= 0.0 && prob <= 1.0, NAN);

  size_t n = n_chains * n_draws;
  if (cr_diag_should_return_na (draws, n))
    return NAN;
  /* Every draw is <= the maximum, so the indicator at prob 1 would be constant. */
  if (prob == 1.0)
    prob = ((double) n - 0.5) / (double) n;

  g_autofree double *indicator = g_memdup2 (draws, n * sizeof (double));
  qsort (indicator, n, sizeof (double), cr_diag_compare_doubles);
  double quantile = cr_diag_quantile_sorted (indicator, n, prob);
  for (size_t i = 0; i < n; i++)
    indicator[i] = draws[i] <= quantile ? 1.0 : 0.0;
  return split_diagnostic (indicator, n_chains, n_draws, FALSE, cr_diag_matrix_ess);
}

double
cr_diag_ess_tail (const double *draws,
                  size_t n_chains,
                  size_t n_draws)
{
  g_return_val_if_fail (draws != NULL, NAN);
  g_return_val_if_fail (n_chains >= 1 && n_draws >= 1, NAN);

  return min_or_nan (cr_diag_ess_quantile (draws, n_chains, n_draws, 0.05),
                     cr_diag_ess_quantile (draws, n_chains, n_draws, 0.95));
}

double
cr_diag_mcse_mean (const double *draws,
                   size_t n_chains,
                   size_t n_draws)
{
  g_return_val_if_fail (draws != NULL, NAN);
  g_return_val_if_fail (n_chains >= 1 && n_draws >= 1, NAN);

  double sd = cr_diag_sd (draws, n_chains * n_draws);
  return sd / sqrt (cr_diag_ess_mean (draws, n_chains, n_draws));
}

double
cr_diag_mcse_sd (const double *draws,
                 size_t n_chains,
                 size_t n_draws)
{
  g_return_val_if_fail (draws != NULL, NAN);
  g_return_val_if_fail (n_chains >= 1 && n_draws >= 1, NAN);

  size_t n = n_chains * n_draws;
  double mean = cr_diag_mean (draws, n);
  g_autofree double *squared = g_new (double, n);
  g_autofree double *fourth = g_new (double, n);
  for (size_t i = 0; i < n; i++)
    {
      double centred = draws[i] - mean;
      squared[i] = centred * centred;
      fourth[i] = pow (centred, 4.0); /* R's x^4 is pow(); x^2 is x * x */
    }
  double ess = cr_diag_ess_mean (squared, n_chains, n_draws);
  double expected_var = cr_diag_mean (squared, n);
  double var_of_var = (cr_diag_mean (fourth, n) - expected_var * expected_var) / ess;
  double var_of_sd = var_of_var / expected_var / 4.0;
  return sqrt (var_of_sd);
}

double
cr_diag_mcse_quantile (const double *draws,
                       size_t n_chains,
                       size_t n_draws,
                       double prob)
{
  g_return_val_if_fail (draws != NULL, NAN);
  g_return_val_if_fail (n_chains >= 1 && n_draws >= 1, NAN);
  g_return_val_if_fail (prob >= 0.0 && prob <= 1.0, NAN);

  double ess = cr_diag_ess_quantile (draws, n_chains, n_draws, prob);
  if (isnan (ess))
    return NAN;
  /* posterior's rounded Phi(-1) and Phi(1): the bounds of a +-1 sd interval. */
  const double lower_prob = 0.1586553, upper_prob = 0.8413447;
  double a = ess * prob + 1.0, b = ess * (1.0 - prob) + 1.0;
  double lower_point = gsl_cdf_beta_Pinv (lower_prob, a, b);
  double upper_point = gsl_cdf_beta_Pinv (upper_prob, a, b);
  if (isnan (lower_point) || isnan (upper_point))
    return NAN;

  size_t n = n_chains * n_draws;
  g_autofree double *sorted = g_memdup2 (draws, n * sizeof (double));
  qsort (sorted, n, sizeof (double), cr_diag_compare_doubles);
  /* 1-based positions as in posterior: ssims[max(floor(a1 S), 1)], ssims[min(ceiling(a2 S), S)]. */
  double lower_position = fmax (floor (lower_point * (double) n), 1.0);
  double upper_position = fmin (ceil (upper_point * (double) n), (double) n);
  double lower = sorted[(size_t) lower_position - 1];
  double upper = sorted[(size_t) upper_position - 1];
  return (upper - lower) / 2.0;
}
