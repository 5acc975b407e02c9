/* diag-private.h: helpers shared by the files of inference/diag; never included from outside.
 *
 * The helpers reproduce the R primitives posterior builds on (mean, var, median, quantile
 * type 7, rank) closely enough that ties and comparisons against a quantile come out the same,
 * and posterior's internal .split_chains, z_scale, .rhat and .ess.
 */
#pragma once

#include <gsl/gsl_fft_halfcomplex.h>
#include <gsl/gsl_fft_real.h>

#include "diag/diag.h"

#include <math.h>

/* Returns: whether all @n values are finite (no NaN, no infinity). */
static inline gboolean
cr_diag_all_finite (const double *values, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (!isfinite (values[i]))
      return FALSE;
  return TRUE;
}

/* A draws matrix as posterior's internals see it after as.matrix(): n_rows iterations by
 * n_columns chains, column-major (values[column * n_rows + row]). Owns @values. */
typedef struct
{
  double *values;
  size_t n_rows;
  size_t n_columns;
} CrDiagMatrix;

/* Frees the values of @matrix (not @matrix itself) and empties it. */
void cr_diag_matrix_clear (CrDiagMatrix *matrix);

/* Fills @matrix with a copy of the draws, one column per chain. Allocates its values. */
void cr_diag_matrix_copy (const double *draws,
                          size_t n_chains,
                          size_t n_draws,
                          CrDiagMatrix *matrix);

/* Fills @matrix with posterior's split chains of the draws. Allocates its values. */
void cr_diag_matrix_split (const double *draws,
                           size_t n_chains,
                           size_t n_draws,
                           CrDiagMatrix *matrix);

/* Replaces @values (n of them) by their rank-normalised z-scores; FALSE, leaving @values
 * partly written, when a value is NaN (posterior's result is then NA). */
gboolean cr_diag_z_scale (double *values,
                          size_t n);

/* posterior's .rhat of a matrix: NAN for NaN, inf, a constant matrix, or fewer than 2 rows
 * or columns. */
double cr_diag_matrix_rhat (const CrDiagMatrix *matrix);

/* posterior's .ess of a matrix: NAN for NaN, inf, a constant matrix or fewer than 3 rows. */
double cr_diag_matrix_ess (const CrDiagMatrix *matrix);

/* posterior's should_return_NA: a NaN or infinite value, or max - min < DBL_EPSILON. */
gboolean cr_diag_should_return_na (const double *values,
                                   size_t n);

/* R's var(): n - 1 in the denominator, NAN for n < 2. */
double cr_diag_var (const double *values,
                    size_t n);

/* R's median(): NAN when a value is NaN or n = 0. Allocates one copy of the values. */
double cr_diag_median (const double *values,
                       size_t n);

/* R's type 7 quantile of @n >= 1 values sorted ascending, none NaN; @prob is clamped to
 * [0, 1] as R does. */
double cr_diag_quantile_sorted (const double *sorted,
                                size_t n,
                                double prob);

/* One value and where it came from; an array of them sorted by value (ties by index) is the
 * order every rank and quantile of a quantity's summary is read from. */
typedef struct
{
  double value;
  size_t index;
} CrDiagRanked;

/* Fills @ranked (n entries) with @values and their indices in ascending order of value, ties
 * by index; the values must not be NaN. */
void cr_diag_rank_values (const double *values,
                          size_t n,
                          CrDiagRanked *ranked);

/* R's median of @n >= 1 values sorted ascending, none NaN. */
double cr_diag_median_sorted (const double *sorted,
                              size_t n);

/* cr_diag_hdi of @n >= 1 values sorted ascending, none NaN. */
void cr_diag_hdi_sorted (const double *sorted,
                         size_t n,
                         double prob,
                         double *lower,
                         double *upper);

/* The rank-based diagnostics of one quantity of finite @draws from their order @ranked
 * (cr_diag_rank_values) and @sorted (the same values, ascending), without sorting again:
 * equal to cr_diag_ess_bulk, cr_diag_ess_tail and cr_diag_rhat. */
void cr_diag_rank_diagnostics (const double *draws,
                               const CrDiagRanked *ranked,
                               const double *sorted,
                               size_t n_chains,
                               size_t n_draws,
                               double *ess_bulk,
                               double *ess_tail,
                               double *r_hat);

/* qsort comparator for doubles, none NaN. */
int cr_diag_compare_doubles (const void *a,
                             const void *b);

/* The FFT buffers for the autocovariance of chains of one length @n. */
typedef struct
{
  size_t n;
  size_t n_fft;
  double *buffer; /* n_fft values */
  gsl_fft_real_wavetable *real_wavetable;
  gsl_fft_halfcomplex_wavetable *halfcomplex_wavetable;
  gsl_fft_real_workspace *workspace;
} CrDiagFft;

/* Allocates the buffers for chains of @n >= 2 draws; aborts when memory runs out, as
 * g_malloc does. */
void cr_diag_fft_init (CrDiagFft *fft,
                       size_t n);

/* Frees the buffers of @fft (not @fft itself). */
void cr_diag_fft_clear (CrDiagFft *fft);

/* posterior:::autocovariance of @chain (fft->n finite values) into @autocov (fft->n values). */
void cr_diag_fft_autocov (CrDiagFft *fft,
                          const double *chain,
                          double *autocov);
