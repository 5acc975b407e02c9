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

static int
compare_ranked_values (const void *a,
                       const void *b)
{
  const CrDiagRanked *x = a, *y = b;
  int order = cr_diag_compare_doubles (&x->value, &y->value);
  return order != 0 ? order : (x->index > y->index) - (x->index < y->index);
}

void
cr_diag_rank_values (const double *values,
                     size_t n,
                     CrDiagRanked *ranked)
{
  for (size_t i = 0; i < n; i++)
    ranked[i] = (CrDiagRanked){ values[i], i };
  qsort (ranked, n, sizeof (CrDiagRanked), compare_ranked_values);
}

/* Blom's (1958) offset of the rank normalisation. */
#define BLOM_OFFSET (3.0 / 8.0)

/* z_scale's score of the tie group at 0-based positions first .. last of n sorted values. */
static double
rank_score (size_t first,
            size_t last,
            size_t n)
{
  double rank = ((double) (first + 1) + (double) (last + 1)) / 2.0;
  return gsl_cdf_ugaussian_Pinv ((rank - BLOM_OFFSET) / ((double) n - 2.0 * BLOM_OFFSET + 1.0));
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

  g_autofree CrDiagRanked *order = g_new (CrDiagRanked, n);
  cr_diag_rank_values (values, n, order);
  size_t first = 0;
  while (first < n)
    {
      size_t last = first;
      while (last + 1 < n && order[last + 1].value == order[first].value)
        last++;
      double z = rank_score (first, last, n);
      for (size_t i = first; i <= last; i++)
        values[order[i].index] = z;
      first = last + 1;
    }
  return TRUE;
}

/* The rows and columns of cr_diag_matrix_split's matrix. */
static void
split_shape (size_t n_chains,
             size_t n_draws,
             size_t *n_rows,
             size_t *n_columns)
{
  size_t half = n_draws / 2;
  if (n_draws == 1)
    *n_rows = 1, *n_columns = n_chains;
  else if (half == 1)
    *n_rows = n_chains, *n_columns = 2;
  else
    *n_rows = half, *n_columns = 2 * n_chains;
}

/* Where cr_diag_matrix_split puts draw @index (chain-major) of chains of @n_draws: its place
 * in the split matrix of @n_chains chains, or -1 for an odd chain's dropped middle draw (and
 * the middle draw of 3, which R's 2-or-3-draw split also drops). */
static gssize
split_position (size_t index,
                size_t n_chains,
                size_t n_draws)
{
  size_t chain = index / n_draws, t = index % n_draws;
  if (n_draws == 1)
    return (gssize) chain;
  size_t half = n_draws / 2, second_start = n_draws - half;
  if (half == 1)
    return t == 0 ? (gssize) chain : t == second_start ? (gssize) (n_chains + chain) : -1;
  if (t < half)
    return (gssize) (chain * half + t);
  if (t >= second_start)
    return (gssize) ((n_chains + chain) * half + t - second_start);
  return -1;
}

/* Fills @matrix with the rank-normalised split chains (cr_diag_matrix_split, then
 * cr_diag_z_scale) of the values whose ascending order is @ranked (n_chains * n_draws entries),
 * reading ranks from that order instead of sorting: equal values form the same tie groups. */
static void
split_z_scale_ranked (const CrDiagRanked *ranked,
                      size_t n_chains,
                      size_t n_draws,
                      CrDiagMatrix *matrix)
{
  size_t n = n_chains * n_draws;
  split_shape (n_chains, n_draws, &matrix->n_rows, &matrix->n_columns);
  size_t n_kept = matrix->n_rows * matrix->n_columns;
  matrix->values = g_new (double, n_kept);
  /* The kept values in order, beside their places in the matrix. */
  g_autofree gssize *position = g_new (gssize, n_kept);
  g_autofree double *kept_values = g_new (double, n_kept);
  size_t kept = 0;
  for (size_t i = 0; i < n; i++)
    {
      gssize p = split_position (ranked[i].index, n_chains, n_draws);
      if (p < 0)
        continue;
      position[kept] = p;
      kept_values[kept++] = ranked[i].value;
    }
  g_assert (kept == n_kept);
  size_t first = 0;
  while (first < n_kept)
    {
      size_t last = first;
      while (last + 1 < n_kept && kept_values[last + 1] == kept_values[first])
        last++;
      double z = rank_score (first, last, n_kept);
      for (size_t i = first; i <= last; i++)
        matrix->values[position[i]] = z;
      first = last + 1;
    }
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

/* cr_diag_ess_quantile of draws that posterior does not refuse, given them @sorted. */
static double
ess_quantile_sorted (const double *draws,
                     const double *sorted,
                     size_t n_chains,
                     size_t n_draws,
                     double prob)
{
  size_t n = n_chains * n_draws;
  /* Every draw is <= the maximum, so the indicator at prob 1 would be constant. */
  if (prob == 1.0)
    prob = ((double) n - 0.5) / (double) n;
  double quantile = cr_diag_quantile_sorted (sorted, n, prob);
  g_autofree double *indicator = g_new (double, n);
  for (size_t i = 0; i < n; i++)
    indicator[i] = draws[i] <= quantile ? 1.0 : 0.0;
  return split_diagnostic (indicator, n_chains, n_draws, FALSE, cr_diag_matrix_ess);
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
  g_autofree double *sorted = g_memdup2 (draws, n * sizeof (double));
  qsort (sorted, n, sizeof (double), cr_diag_compare_doubles);
  return ess_quantile_sorted (draws, sorted, n_chains, n_draws, prob);
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

/* The draws folded about @median, |draw - median|, in ascending order, from the draws' own
 * order @ranked: below the median the folded values grow as the draws fall, above it as they
 * rise (floating-point subtraction is monotone), so a merge of the two runs sorts them. */
static void
fold_ranked (const CrDiagRanked *ranked,
             size_t n,
             double median,
             CrDiagRanked *folded)
{
  size_t split = 0;
  while (split < n && ranked[split].value < median)
    split++;
  size_t below = split, above = split;
  for (size_t k = 0; k < n; k++)
    {
      double down = below > 0 ? fabs (ranked[below - 1].value - median) : INFINITY;
      double up = above < n ? fabs (ranked[above].value - median) : INFINITY;
      gboolean take_down = below > 0 && (above == n || down <= up);
      const CrDiagRanked *from = take_down ? &ranked[--below] : &ranked[above++];
      folded[k] = (CrDiagRanked){ take_down ? down : up, from->index };
    }
}

void
cr_diag_rank_diagnostics (const double *draws,
                          const CrDiagRanked *ranked,
                          const double *sorted,
                          size_t n_chains,
                          size_t n_draws,
                          double *ess_bulk,
                          double *ess_tail,
                          double *r_hat)
{
  size_t n = n_chains * n_draws;
  CrDiagMatrix matrix;
  split_z_scale_ranked (ranked, n_chains, n_draws, &matrix);
  *ess_bulk = cr_diag_matrix_ess (&matrix);
  double bulk_rhat = cr_diag_matrix_rhat (&matrix);
  cr_diag_matrix_clear (&matrix);

  g_autofree CrDiagRanked *folded = g_new (CrDiagRanked, n);
  fold_ranked (ranked, n, cr_diag_median_sorted (sorted, n), folded);
  split_z_scale_ranked (folded, n_chains, n_draws, &matrix);
  *r_hat = max_or_nan (bulk_rhat, cr_diag_matrix_rhat (&matrix));
  cr_diag_matrix_clear (&matrix);

  *ess_tail = NAN;
  if (!cr_diag_should_return_na (draws, n))
    *ess_tail = min_or_nan (ess_quantile_sorted (draws, sorted, n_chains, n_draws, 0.05),
                            ess_quantile_sorted (draws, sorted, n_chains, n_draws, 0.95));
}
