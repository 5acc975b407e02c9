/* kernels.c: the portable GLM kernels (libm), and the choice between them and the AVX2 ones.
 *
 * BernoulliLogit (and BinomialLogit) with t = e^-|v| and l = log1p(t), one exp and one log1p a
 * row for the term and its derivative: log s(v) = min(v, 0) - l, log(1 - s(v)) = -max(v, 0) - l, and
 * s(v) = 1 / (1 + t) for v >= 0, t / (1 + t) below. The exps of a block go first, then the rest,
 * so no row's log1p waits on its own exp; the choice between y = 1 and y = 0 is a select, not a
 * branch (y is 0 or 1 at random, so a branch mispredicts every other row).
 */
#include "ad/ad-private.h"

#include <gsl/gsl_cblas.h>
#include <math.h>

/* The selects are written as ternaries on values both sides already hold, which compilers turn
 * into min/max/blend instructions; fmin/fmax would be calls. NaN gives 0 as fmin/fmax do. */
static inline double
min0 (double v)
{
  return v < 0.0 ? v : 0.0;
}

static inline double
max0 (double v)
{
  return v > 0.0 ? v : 0.0;
}

double
cr_kernel_bernoulli_logit (const CrGlmTerms *terms)
{
  double t[CR_KERNEL_BLOCK];
  double total = 0.0;
  size_t stride = terms->eta_stride;
  for (size_t start = 0; start < terms->n; start += CR_KERNEL_BLOCK)
    {
      size_t m = MIN ((size_t) CR_KERNEL_BLOCK, terms->n - start);
      const double *y = terms->y + start, *eta = terms->eta + start * stride;
      for (size_t j = 0; j < m; j++)
        t[j] = exp (-fabs (eta[j * stride]));
      for (size_t j = 0; j < m; j++)
        {
          double v = eta[j * stride], l = log1p (t[j]);
          double term = (y[j] != 0.0 ? min0 (v) : -max0 (v)) - l;
          total += term;
          if (terms->pointwise != NULL)
            terms->pointwise[start + j] = term;
          if (terms->d_eta != NULL)
            {
              double r = 1.0 / (1.0 + t[j]);
              terms->d_eta[(start + j) * stride] += y[j] - (v >= 0.0 ? r : t[j] * r);
            }
        }
    }
  return total;
}

double
cr_kernel_binomial_logit (const CrGlmTerms *terms)
{
  double t[CR_KERNEL_BLOCK];
  double total = 0.0;
  size_t stride = terms->eta_stride, n_stride = terms->trials_stride;
  for (size_t start = 0; start < terms->n; start += CR_KERNEL_BLOCK)
    {
      size_t m = MIN ((size_t) CR_KERNEL_BLOCK, terms->n - start);
      const double *y = terms->y + start, *eta = terms->eta + start * stride;
      const double *trials = terms->trials + start * n_stride;
      for (size_t j = 0; j < m; j++)
        t[j] = exp (-fabs (eta[j * stride]));
      for (size_t j = 0; j < m; j++)
        {
          double v = eta[j * stride], l = log1p (t[j]), k = y[j], n = trials[j * n_stride];
          double log_s = min0 (v) - l, log_1m_s = -max0 (v) - l;
          double term = (k != 0.0 ? k * log_s : 0.0) + (n - k != 0.0 ? (n - k) * log_1m_s : 0.0)
                        + terms->log_factorial[start + j];
          total += term;
          if (terms->pointwise != NULL)
            terms->pointwise[start + j] = term;
          if (terms->d_eta != NULL)
            {
              double r = 1.0 / (1.0 + t[j]);
              terms->d_eta[(start + j) * stride] += k - n * (v >= 0.0 ? r : t[j] * r);
            }
        }
    }
  return total;
}

double
cr_kernel_poisson_log (const CrGlmTerms *terms)
{
  double rate[CR_KERNEL_BLOCK];
  double total = 0.0;
  size_t stride = terms->eta_stride;
  for (size_t start = 0; start < terms->n; start += CR_KERNEL_BLOCK)
    {
      size_t m = MIN ((size_t) CR_KERNEL_BLOCK, terms->n - start);
      const double *y = terms->y + start, *eta = terms->eta + start * stride;
      for (size_t j = 0; j < m; j++)
        rate[j] = exp (eta[j * stride]);
      for (size_t j = 0; j < m; j++)
        {
          /* y = 0 contributes 0, not 0 * eta (NaN at an infinite eta). */
          double y_eta = y[j] != 0.0 ? y[j] * eta[j * stride] : 0.0;
          double term = y_eta - rate[j] - terms->log_factorial[start + j];
          total += term;
          if (terms->pointwise != NULL)
            terms->pointwise[start + j] = term;
          if (terms->d_eta != NULL)
            terms->d_eta[(start + j) * stride] += y[j] - rate[j];
        }
    }
  return total;
}

void
cr_kernel_block_matvec (const double *x, size_t m, size_t cols, const double *beta, double *eta)
{
  cblas_dgemv (CblasRowMajor, CblasNoTrans, (int) m, (int) cols, 1.0, x, (int) cols, beta, 1, 0.0, eta, 1);
}

void
cr_kernel_block_matvec_t (const double *x, size_t m, size_t cols, const double *g, double *d_beta)
{
  cblas_dgemv (CblasRowMajor, CblasTrans, (int) m, (int) cols, 1.0, x, (int) cols, g, 1, 1.0, d_beta, 1);
}

CrGlmKernels
cr_kernel_select (gboolean allow_vector)
{
  CrGlmKernels kernels = { cr_kernel_bernoulli_logit, cr_kernel_poisson_log, cr_kernel_binomial_logit,
                           cr_kernel_block_matvec, cr_kernel_block_matvec_t, FALSE };
#ifdef CR_HAVE_AVX2_KERNELS
  /* libmvec's four-wide double functions (_ZGVdN4v_*) need AVX2; our loops use FMA too. */
  if (allow_vector && __builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma"))
    kernels = (CrGlmKernels){ cr_kernel_bernoulli_logit_avx2, cr_kernel_poisson_log_avx2,
                              cr_kernel_binomial_logit_avx2, cr_kernel_block_matvec_avx2,
                              cr_kernel_block_matvec_t_avx2, TRUE };
#endif
  return kernels;
}
