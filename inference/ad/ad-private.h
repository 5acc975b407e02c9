/* ad-private.h: the fused GLM likelihood kernels and the block products of the fused GLM pass,
 * shared by tape.c and their versions (kernels.c, kernels-avx2.c). Never included from outside
 * inference/ad/.
 *
 * Each kernel adds the log-likelihood terms of n observations, and their derivatives in eta,
 * for one likelihood whose linear predictor eta is given. Two versions compute the same terms:
 * the portable one (libm, two passes over blocks of rows so that neighbouring rows' exp and
 * log1p overlap; CBLAS for the products) and, on x86-64 CPUs with AVX2 and FMA, one that works
 * four rows at a time (libmvec's exp, a table-free log1p, register-blocked products). Their
 * terms agree to a few ulps (tests/test-ad.c); which one runs is fixed when a tape is made, so
 * a tape's results never depend on the thread that evaluates it.
 *
 * Invariants: no kernel branches on the data in its inner loop, allocates, or fails; a
 * non-finite eta gives a term of -inf, 0 or NaN, never an error.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Rows per block: the portable kernels' scratch lives on the stack, and a block of eta, y and
 * the scratch stays in L1. */
#define CR_KERNEL_BLOCK 256

/* The arguments of a GLM kernel over n observations. */
typedef struct
{
  size_t n;
  const double *y;             /* n observed values */
  const double *eta;           /* the linear predictor: n values, or one when eta_stride is 0 */
  size_t eta_stride;           /* 1, or 0 for one eta shared by every row */
  double *d_eta;               /* NULL, or adjoints of eta to add to (same stride) */
  double *pointwise;           /* NULL, or n terms to write */
  const double *log_factorial; /* PoissonLog: log y!; BinomialLogit: log C(n, y); per row */
  const double *trials;        /* BinomialLogit: the counts n, one per row or one shared */
  size_t trials_stride;        /* 1, or 0 for one n shared by every row */
} CrGlmTerms;

/* y in {0, 1}: y log s(eta) + (1 - y) log(1 - s(eta)), s the logistic function. Returns the sum. */
double cr_kernel_bernoulli_logit (const CrGlmTerms *terms);
/* y eta - e^eta - log y!. Returns the sum. */
double cr_kernel_poisson_log (const CrGlmTerms *terms);
/* y log s(eta) + (n - y) log(1 - s(eta)) + log C(n, y); a count of 0 contributes 0 even where
 * its log is -inf. Returns the sum. */
double cr_kernel_binomial_logit (const CrGlmTerms *terms);

/* The AVX2 versions (kernels-avx2.c): same contract; they pass a shared eta (eta_stride 0)
 * to the portable ones. Compiled for AVX2 and FMA, they fault on other CPUs: call them only
 * through cr_kernel_select (). */
double cr_kernel_bernoulli_logit_avx2 (const CrGlmTerms *terms);
double cr_kernel_poisson_log_avx2 (const CrGlmTerms *terms);
double cr_kernel_binomial_logit_avx2 (const CrGlmTerms *terms);

typedef double (*CrGlmKernel) (const CrGlmTerms *terms);

/* The widest X the AVX2 block products handle themselves (its accumulators stay in registers);
 * wider ones go to CBLAS. */
#define CR_KERNEL_MAX_COLUMNS 32

/* eta = X @ beta for a block of @m rows of a row-major X with @cols columns. */
typedef void (*CrBlockMatvec) (const double *x, size_t m, size_t cols, const double *beta, double *eta);
/* d_beta += X^T g for a block of @m rows. */
typedef void (*CrBlockMatvecT) (const double *x, size_t m, size_t cols, const double *g, double *d_beta);

/* The portable products (CBLAS) and the AVX2 ones, same contracts. The AVX2 ones sum each
 * row's products in four lanes, so they differ from CBLAS by rounding only. */
void cr_kernel_block_matvec (const double *x, size_t m, size_t cols, const double *beta, double *eta);
void cr_kernel_block_matvec_t (const double *x, size_t m, size_t cols, const double *g, double *d_beta);
void cr_kernel_block_matvec_avx2 (const double *x, size_t m, size_t cols, const double *beta, double *eta);
void cr_kernel_block_matvec_t_avx2 (const double *x, size_t m, size_t cols, const double *g, double *d_beta);

/* The kernels a tape uses. */
typedef struct
{
  CrGlmKernel bernoulli_logit;
  CrGlmKernel poisson_log;
  CrGlmKernel binomial_logit;
  CrBlockMatvec block_matvec;
  CrBlockMatvecT block_matvec_t;
  gboolean vector; /* the AVX2 ones */
} CrGlmKernels;

/* The AVX2 kernels when @allow_vector, the build has them and this CPU runs them; otherwise
 * the portable ones. */
CrGlmKernels cr_kernel_select (gboolean allow_vector);

G_END_DECLS
