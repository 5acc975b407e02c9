/* kernels-avx2.c: the GLM kernels four rows at a time, with glibc's libmvec for exp and log.
 * This file is compiled with -mavx2 -mfma; cr_kernel_select () calls it only on CPUs that have
 * both.
 *
 * Same formulas as kernels.c, as selects on whole vectors; the terms are summed in four lanes
 * and the lanes added at the end in a fixed order, so the sum differs from the portable one's
 * by rounding only, and never from one call to the next.
 */
#include "ad/ad-private.h"

#include <immintrin.h>

/* libmvec's AVX2 variants of exp and log (the x86-64 vector function ABI: 'd' = AVX2,
 * 'N4' = unmasked, four lanes, 'v' = one vector argument); at most 4 ulp from the correctly
 * rounded value, as glibc documents for libmvec. */
__m256d _ZGVdN4v_exp (__m256d x);
__m256d _ZGVdN4v_log (__m256d x);

#define LANES 4

/* One group of four rows: @y, @v (eta) and @c (a per-row constant of the term, such as
 * PoissonLog's log y!) give the terms and their derivatives in eta. */
typedef void (*Rows) (__m256d y, __m256d v, __m256d c, __m256d *term, __m256d *d);

static inline void
bernoulli_logit_rows (__m256d y, __m256d v, __m256d c, __m256d *term, __m256d *d)
{
  const __m256d zero = _mm256_setzero_pd (), one = _mm256_set1_pd (1.0);
  const __m256d sign = _mm256_set1_pd (-0.0);
  __m256d t = _ZGVdN4v_exp (_mm256_or_pd (v, sign)); /* e^-|v| */
  /* l = log1p(t) from log, which libmvec computes in a third of the time of its log1p: u = 1 + t
   * rounds, and (t - (u - 1)) / u puts back what the rounding lost (the correction term of
   * Goldberg 1991, "What every computer scientist should know about floating-point
   * arithmetic", sec. 4), so l is within a few ulps of log1p(t); below t = 2^-53, u = 1 and
   * l = t. r = 1 / u is also s(|v|), the logistic function the derivative needs. */
  __m256d u = _mm256_add_pd (one, t);
  __m256d r = _mm256_div_pd (one, u);
  __m256d lost = _mm256_sub_pd (t, _mm256_sub_pd (u, one));
  __m256d l = _mm256_add_pd (_ZGVdN4v_log (u), _mm256_mul_pd (lost, r));
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
poisson_log_rows (__m256d y, __m256d v, __m256d c, __m256d *term, __m256d *d)
{
  const __m256d zero = _mm256_setzero_pd ();
  __m256d rate = _ZGVdN4v_exp (v);
  /* y = 0 contributes 0, not 0 * eta (NaN at an infinite eta). */
  __m256d y_eta = _mm256_blendv_pd (zero, _mm256_mul_pd (y, v), _mm256_cmp_pd (y, zero, _CMP_NEQ_UQ));
  *term = _mm256_sub_pd (_mm256_sub_pd (y_eta, rate), c);
  *d = _mm256_sub_pd (y, rate);
}

/* Runs @rows over every group of four rows, then over the last n % 4 rows padded with zeros
 * (the padding's terms are computed and dropped). @c is NULL (zeros) or the n per-row
 * constants @rows takes. */
static inline __attribute__ ((always_inline)) double
run_rows (const CrGlmTerms *terms, const double *c, Rows rows)
{
  size_t n = terms->n, i = 0;
  const double *y = terms->y, *eta = terms->eta;
  __m256d sum = _mm256_setzero_pd (), term, d;
  for (; i + LANES <= n; i += LANES)
    {
      __m256d ci = c != NULL ? _mm256_loadu_pd (c + i) : _mm256_setzero_pd ();
      rows (_mm256_loadu_pd (y + i), _mm256_loadu_pd (eta + i), ci, &term, &d);
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

  double y_tail[LANES] = { 0 }, eta_tail[LANES] = { 0 }, c_tail[LANES] = { 0 };
  double term_tail[LANES], d_tail[LANES];
  size_t rest = n - i;
  for (size_t k = 0; k < rest; k++)
    {
      y_tail[k] = y[i + k], eta_tail[k] = eta[i + k];
      c_tail[k] = c != NULL ? c[i + k] : 0.0;
    }
  rows (_mm256_loadu_pd (y_tail), _mm256_loadu_pd (eta_tail), _mm256_loadu_pd (c_tail), &term, &d);
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
