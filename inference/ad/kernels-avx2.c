/* kernels-avx2.c: the GLM kernels four rows at a time, with glibc's libmvec for exp.
 * This file is compiled with -mavx2 -mfma; cr_kernel_select () calls it only on CPUs that have
 * both.
 *
 * Same formulas as kernels.c, as selects on whole vectors; the terms are summed in four lanes
 * and the lanes added at the end in a fixed order, so the sum differs from the portable one's
 * by rounding only, and never from one call to the next.
 */
#include "ad/ad-private.h"

#include <immintrin.h>

/* libmvec's AVX2 variant of exp (the x86-64 vector function ABI: 'd' = AVX2,
 * 'N4' = unmasked, four lanes, 'v' = one vector argument); at most 4 ulp from the correctly
 * rounded value, as glibc documents for libmvec. */
__m256d _ZGVdN4v_exp (__m256d x);

/* Terms of the atanh series below: 2 atanh(f) = 2 f sum_i f^(2i) / (2i + 1). With |f| <= 0.1716
 * the first term left out, f^20 / 21, is below 2.5e-17 of the sum. */
#define ATANH_TERMS 10

/* log1p(t) for t in [0, 1] (NaN passes through), within a few ulps, with no table: libmvec's
 * log and log1p look up tables with gathers, which took a third of logistic's gradient (gathers
 * are slow under the Gather Data Sampling mitigation). log1p(t) = 2 atanh(t / (2 + t)); above
 * t = sqrt(2) - 1, log1p(t) = log 2 + 2 atanh((t - 1) / (t + 3)) (halving 1 + t, with t - 1
 * exact). Either way |f| <= (sqrt(2) - 1) / (sqrt(2) + 1) = 0.1716. */
static inline __m256d
log1p_unit (__m256d t)
{
  const __m256d one = _mm256_set1_pd (1.0), two = _mm256_set1_pd (2.0), three = _mm256_set1_pd (3.0);
  __m256d halve = _mm256_cmp_pd (t, _mm256_set1_pd (G_SQRT2 - 1.0), _CMP_GT_OQ);
  __m256d numerator = _mm256_blendv_pd (t, _mm256_sub_pd (t, one), halve);
  __m256d denominator = _mm256_add_pd (t, _mm256_blendv_pd (two, three, halve));
  __m256d f = _mm256_div_pd (numerator, denominator);
  __m256d z = _mm256_mul_pd (f, f);
  __m256d sum = _mm256_set1_pd (1.0 / (2 * ATANH_TERMS - 1));
  /* Unrolled, so every coefficient is a constant. */
#pragma GCC unroll 16
  for (int i = ATANH_TERMS - 2; i >= 0; i--)
    sum = _mm256_fmadd_pd (sum, z, _mm256_set1_pd (1.0 / (2 * i + 1)));
  __m256d offset = _mm256_and_pd (halve, _mm256_set1_pd (G_LN2));
  return _mm256_fmadd_pd (_mm256_add_pd (f, f), sum, offset);
}

#define LANES 4

/* One group of four rows: @y, @v (eta), @c (a per-row constant of the term, such as
 * PoissonLog's log y!) and @n (BinomialLogit's counts) give the terms and their derivatives in
 * eta. */
typedef void (*Rows) (__m256d y, __m256d v, __m256d c, __m256d n, __m256d *term, __m256d *d);

static inline void
bernoulli_logit_rows (__m256d y, __m256d v, __m256d c, __m256d n, __m256d *term, __m256d *d)
{
  const __m256d zero = _mm256_setzero_pd (), one = _mm256_set1_pd (1.0);
  const __m256d sign = _mm256_set1_pd (-0.0);
  __m256d t = _ZGVdN4v_exp (_mm256_or_pd (v, sign)); /* e^-|v| */
  __m256d l = log1p_unit (t);
  __m256d r = _mm256_div_pd (one, _mm256_add_pd (one, t)); /* s(|v|) */
  /* y != 0 picks log s(v) = min(v, 0) - l, else log(1 - s(v)) = -max(v, 0) - l. The min and
   * max return their second operand (0) for a NaN v, as fmin and fmax do. */
  __m256d y_is_one = _mm256_cmp_pd (y, zero, _CMP_NEQ_UQ);
  __m256d log_s = _mm256_min_pd (v, zero);
  __m256d log_1m_s = _mm256_xor_pd (_mm256_max_pd (v, zero), sign);
  *term = _mm256_sub_pd (_mm256_blendv_pd (log_1m_s, log_s, y_is_one), l);
  __m256d s = _mm256_blendv_pd (_mm256_mul_pd (t, r), r, _mm256_cmp_pd (v, zero, _CMP_GE_OQ));
  *d = _mm256_sub_pd (y, s);
}

static inline void
poisson_log_rows (__m256d y, __m256d v, __m256d c, __m256d n, __m256d *term, __m256d *d)
{
  const __m256d zero = _mm256_setzero_pd ();
  __m256d rate = _ZGVdN4v_exp (v);
  /* y = 0 contributes 0, not 0 * eta (NaN at an infinite eta). */
  __m256d y_eta = _mm256_blendv_pd (zero, _mm256_mul_pd (y, v), _mm256_cmp_pd (y, zero, _CMP_NEQ_UQ));
  *term = _mm256_sub_pd (_mm256_sub_pd (y_eta, rate), c);
  *d = _mm256_sub_pd (y, rate);
}

static inline void
binomial_logit_rows (__m256d y, __m256d v, __m256d c, __m256d n, __m256d *term, __m256d *d)
{
  const __m256d zero = _mm256_setzero_pd (), one = _mm256_set1_pd (1.0);
  const __m256d sign = _mm256_set1_pd (-0.0);
  __m256d t = _ZGVdN4v_exp (_mm256_or_pd (v, sign)); /* e^-|v| */
  __m256d l = log1p_unit (t);
  __m256d r = _mm256_div_pd (one, _mm256_add_pd (one, t));
  __m256d log_s = _mm256_sub_pd (_mm256_min_pd (v, zero), l);
  __m256d log_1m_s = _mm256_sub_pd (_mm256_xor_pd (_mm256_max_pd (v, zero), sign), l);
  /* A count of 0 contributes 0, not 0 * -inf. */
  __m256d failures = _mm256_sub_pd (n, y);
  __m256d successes_term = _mm256_blendv_pd (zero, _mm256_mul_pd (y, log_s), _mm256_cmp_pd (y, zero, _CMP_NEQ_UQ));
  __m256d failures_term = _mm256_blendv_pd (zero, _mm256_mul_pd (failures, log_1m_s),
                                            _mm256_cmp_pd (failures, zero, _CMP_NEQ_UQ));
  *term = _mm256_add_pd (_mm256_add_pd (successes_term, failures_term), c);
  __m256d s = _mm256_blendv_pd (_mm256_mul_pd (t, r), r, _mm256_cmp_pd (v, zero, _CMP_GE_OQ));
  *d = _mm256_sub_pd (y, _mm256_mul_pd (n, s));
}

/* Runs @rows over every group of four rows, then over the last n % 4 rows padded with zeros
 * (the padding's terms are computed and dropped). @c is NULL (zeros) or the n per-row
 * constants @rows takes. */
static inline __attribute__ ((always_inline)) double
run_rows (const CrGlmTerms *terms, const double *c, Rows rows)
{
  size_t n = terms->n, i = 0;
  const double *y = terms->y, *eta = terms->eta, *trials = terms->trials;
  __m256d sum = _mm256_setzero_pd (), term, d;
  for (; i + LANES <= n; i += LANES)
    {
      __m256d ci = c != NULL ? _mm256_loadu_pd (c + i) : _mm256_setzero_pd ();
      __m256d ni = trials == NULL ? _mm256_setzero_pd ()
                   : terms->trials_stride == 0 ? _mm256_set1_pd (trials[0])
                                               : _mm256_loadu_pd (trials + i);
      rows (_mm256_loadu_pd (y + i), _mm256_loadu_pd (eta + i), ci, ni, &term, &d);
      sum = _mm256_add_pd (sum, term);
      if (terms->pointwise != NULL)
        _mm256_storeu_pd (terms->pointwise + i, term);
      if (terms->d_eta != NULL)
        _mm256_storeu_pd (terms->d_eta + i, _mm256_add_pd (_mm256_loadu_pd (terms->d_eta + i), d));
    }
  double lanes[LANES];
  _mm256_storeu_pd (lanes, sum);
  double total = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
  if (i == n)
    return total;

  double y_tail[LANES] = { 0 }, eta_tail[LANES] = { 0 }, c_tail[LANES] = { 0 }, n_tail[LANES] = { 0 };
  double term_tail[LANES], d_tail[LANES];
  size_t rest = n - i;
  for (size_t k = 0; k < rest; k++)
    {
      y_tail[k] = y[i + k], eta_tail[k] = eta[i + k];
      c_tail[k] = c != NULL ? c[i + k] : 0.0;
      n_tail[k] = trials != NULL ? trials[(i + k) * terms->trials_stride] : 0.0;
    }
  rows (_mm256_loadu_pd (y_tail), _mm256_loadu_pd (eta_tail), _mm256_loadu_pd (c_tail),
        _mm256_loadu_pd (n_tail), &term, &d);
  _mm256_storeu_pd (term_tail, term);
  _mm256_storeu_pd (d_tail, d);
  for (size_t k = 0; k < rest; k++)
    {
      total += term_tail[k];
      if (terms->pointwise != NULL)
        terms->pointwise[i + k] = term_tail[k];
      if (terms->d_eta != NULL)
        terms->d_eta[i + k] += d_tail[k];
    }
  return total;
}

double
cr_kernel_bernoulli_logit_avx2 (const CrGlmTerms *terms)
{
  if (terms->eta_stride != 1)
    return cr_kernel_bernoulli_logit (terms);
  return run_rows (terms, NULL, bernoulli_logit_rows);
}

double
cr_kernel_poisson_log_avx2 (const CrGlmTerms *terms)
{
  if (terms->eta_stride != 1)
    return cr_kernel_poisson_log (terms);
  return run_rows (terms, terms->log_factorial, poisson_log_rows);
}

/* The block products keep one accumulator per four columns in registers: each is written for
 * a constant number of vectors (1 to MAX_VECTORS), fully unrolled, and chosen by a switch. */
#define MAX_VECTORS (CR_KERNEL_MAX_COLUMNS / LANES)

/* Lane mask for the last vector of a row: its first @k lanes, 1 <= k <= 4. */
static inline __m256i
last_mask (size_t k)
{
  return _mm256_cmpgt_epi64 (_mm256_set1_epi64x ((long long) k), _mm256_setr_epi64x (0, 1, 2, 3));
}

/* Columns 4v .. 4v + 3 of @row; the last vector is masked (maskload reads nothing past it). */
static inline __attribute__ ((always_inline)) __m256d
load_columns (const double *row, size_t v, size_t n_vectors, __m256i mask)
{
  return v + 1 < n_vectors ? _mm256_loadu_pd (row + LANES * v) : _mm256_maskload_pd (row + LANES * v, mask);
}

static inline __attribute__ ((always_inline)) void
block_matvec_n (const double *x, size_t m, size_t cols, const double *beta, double *eta, const size_t n_vectors)
{
  __m256i mask = last_mask (cols - LANES * (n_vectors - 1));
  __m256d b[MAX_VECTORS];
#pragma GCC unroll 8
  for (size_t v = 0; v < n_vectors; v++)
    b[v] = load_columns (beta, v, n_vectors, mask);
  size_t j = 0;
  /* Four rows at a time, each with its own accumulator, then one horizontal add for the four. */
  for (; j + LANES <= m; j += LANES)
    {
      const double *row = x + j * cols;
      __m256d acc0 = _mm256_setzero_pd (), acc1 = acc0, acc2 = acc0, acc3 = acc0;
#pragma GCC unroll 8
      for (size_t v = 0; v < n_vectors; v++)
        {
          acc0 = _mm256_fmadd_pd (load_columns (row, v, n_vectors, mask), b[v], acc0);
          acc1 = _mm256_fmadd_pd (load_columns (row + cols, v, n_vectors, mask), b[v], acc1);
          acc2 = _mm256_fmadd_pd (load_columns (row + 2 * cols, v, n_vectors, mask), b[v], acc2);
          acc3 = _mm256_fmadd_pd (load_columns (row + 3 * cols, v, n_vectors, mask), b[v], acc3);
        }
      /* hadd pairs lanes (0 + 1, 2 + 3) of two rows; the permutes line the halves up by row. */
      __m256d pairs01 = _mm256_hadd_pd (acc0, acc1), pairs23 = _mm256_hadd_pd (acc2, acc3);
      __m256d low = _mm256_permute2f128_pd (pairs01, pairs23, 0x20);
      __m256d high = _mm256_permute2f128_pd (pairs01, pairs23, 0x31);
      _mm256_storeu_pd (eta + j, _mm256_add_pd (low, high));
    }
  /* The last rows one by one, summed in the same order as the four-row sums. */
  for (; j < m; j++)
    {
      __m256d acc = _mm256_setzero_pd ();
#pragma GCC unroll 8
      for (size_t v = 0; v < n_vectors; v++)
        acc = _mm256_fmadd_pd (load_columns (x + j * cols, v, n_vectors, mask), b[v], acc);
      double lanes[LANES];
      _mm256_storeu_pd (lanes, acc);
      eta[j] = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
    }
}

static inline __attribute__ ((always_inline)) void
block_matvec_t_n (const double *x, size_t m, size_t cols, const double *g, double *d_beta, const size_t n_vectors)
{
  __m256i mask = last_mask (cols - LANES * (n_vectors - 1));
  /* Even and odd rows into separate accumulators, so that few columns still give the FMA
   * units independent chains. */
  __m256d even[MAX_VECTORS], odd[MAX_VECTORS];
#pragma GCC unroll 8
  for (size_t v = 0; v < n_vectors; v++)
    even[v] = odd[v] = _mm256_setzero_pd ();
  size_t j = 0;
  for (; j + 2 <= m; j += 2)
    {
      const double *row = x + j * cols;
      __m256d g0 = _mm256_set1_pd (g[j]), g1 = _mm256_set1_pd (g[j + 1]);
#pragma GCC unroll 8
      for (size_t v = 0; v < n_vectors; v++)
        {
          even[v] = _mm256_fmadd_pd (load_columns (row, v, n_vectors, mask), g0, even[v]);
          odd[v] = _mm256_fmadd_pd (load_columns (row + cols, v, n_vectors, mask), g1, odd[v]);
        }
    }
  if (j < m)
    {
      __m256d g0 = _mm256_set1_pd (g[j]);
#pragma GCC unroll 8
      for (size_t v = 0; v < n_vectors; v++)
        even[v] = _mm256_fmadd_pd (load_columns (x + j * cols, v, n_vectors, mask), g0, even[v]);
    }
  double sums[CR_KERNEL_MAX_COLUMNS];
#pragma GCC unroll 8
  for (size_t v = 0; v < n_vectors; v++)
    _mm256_storeu_pd (sums + LANES * v, _mm256_add_pd (even[v], odd[v]));
  for (size_t k = 0; k < cols; k++)
    d_beta[k] += sums[k];
}

/* Calls @function (a block product) with its number of vectors as a constant. */
#define DISPATCH_VECTORS(function, x, m, cols, vector, out)                                         \
  switch ((cols + LANES - 1) / LANES)                                                              \
    {                                                                                              \
    case 1: function (x, m, cols, vector, out, 1); break;                                          \
    case 2: function (x, m, cols, vector, out, 2); break;                                          \
    case 3: function (x, m, cols, vector, out, 3); break;                                          \
    case 4: function (x, m, cols, vector, out, 4); break;                                          \
    case 5: function (x, m, cols, vector, out, 5); break;                                          \
    case 6: function (x, m, cols, vector, out, 6); break;                                          \
    case 7: function (x, m, cols, vector, out, 7); break;                                          \
    default: function (x, m, cols, vector, out, MAX_VECTORS); break;                               \
    }

G_STATIC_ASSERT (MAX_VECTORS == 8);

double
cr_kernel_binomial_logit_avx2 (const CrGlmTerms *terms)
{
  if (terms->eta_stride != 1)
    return cr_kernel_binomial_logit (terms);
  return run_rows (terms, terms->log_factorial, binomial_logit_rows);
}

void
cr_kernel_block_matvec_avx2 (const double *x, size_t m, size_t cols, const double *beta, double *eta)
{
  if (cols == 0 || cols > CR_KERNEL_MAX_COLUMNS)
    {
      cr_kernel_block_matvec (x, m, cols, beta, eta);
      return;
    }
  DISPATCH_VECTORS (block_matvec_n, x, m, cols, beta, eta);
}

void
cr_kernel_block_matvec_t_avx2 (const double *x, size_t m, size_t cols, const double *g, double *d_beta)
{
  if (cols == 0 || cols > CR_KERNEL_MAX_COLUMNS)
    {
      cr_kernel_block_matvec_t (x, m, cols, g, d_beta);
      return;
    }
  DISPATCH_VECTORS (block_matvec_t_n, x, m, cols, g, d_beta);
}
