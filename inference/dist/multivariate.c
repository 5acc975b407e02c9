/* multivariate.c: the joint distributions (Dirichlet, MvNormal, LKJCholeskyCorr), the normal
 * mixture, and the two time series (AR1, GaussianRandomWalk).
 *
 * Each log density is full (every normalising constant) at constrained values, and follows
 * dist.h's conventions for log_density_vector: derivatives are ACCUMULATED, any output may be
 * NULL. When the density is 0 (a value outside the support, an argument outside its domain,
 * or lengths that do not fit together) the result is -INFINITY, every pointwise term is
 * -INFINITY and nothing is accumulated; so the finiteness of every term is settled before any
 * derivative is added.
 *
 * Measures: Dirichlet's density is with respect to the first K - 1 coordinates of the simplex
 * (Dirichlet(1, ..., 1) is log Γ(K)) but written in all K, with a derivative in each, so the
 * simplex transform supplies the chain rule. LKJCholeskyCorr's is with respect to the strictly
 * lower entries of the Cholesky factor and is written in its diagonal; again the transform
 * supplies the chain rule.
 *
 * Starts of the time series: AR1 starts from its stationary distribution, x_0 ~ Normal(0,
 * sigma / sqrt(1 - rho^2)), so the whole series is stationary and the density needs no extra
 * argument. GaussianRandomWalk starts from x_0 ~ Normal(0, 100), the init_dist PyMC uses when
 * none is given, so a model written for PyMC has the same log density here; a walk has no
 * stationary distribution to start from. The arguments of both are one value, or one per time
 * point (time t's value drives step t, and AR1's start uses those of time 0).
 *
 * No function allocates, except the MvNormal density above CR_MV_NORMAL_STACK_DIM dimensions,
 * which takes its K doubles of scratch from the heap.
 */
#include <gsl/gsl_randist.h>
#include <math.h>

#include "cr-math.h"
#include "dist/dist-private.h"

/* A row of a correlation matrix's Cholesky factor has unit norm within this, as the
 * Cholesky-correlation transform promises for its output. */
#define CR_DIST_CORR_TOLERANCE 1e-8

/* MvNormal keeps its solve on the stack up to this dimension (4 KiB). */
#define CR_MV_NORMAL_STACK_DIM 512

/* GaussianRandomWalk's start, x_0 ~ Normal(0, 100) (PyMC's default init_dist). */
#define CR_RANDOM_WALK_INIT_SIGMA 100.0

static inline gboolean
is_positive (double a)
{
  return a > 0.0 && a < INFINITY;
}

static gboolean
all_finite (const double *v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (!isfinite (v[i]))
      return FALSE;
  return TRUE;
}

static gboolean
all_positive (const double *v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (!is_positive (v[i]))
      return FALSE;
  return TRUE;
}

/* The derivative output of argument @k, or NULL. */
static inline double *
arg_gradient (double *const *d_args, guint k)
{
  return d_args != NULL ? d_args[k] : NULL;
}

/* The density is 0: every term is -inf, nothing is accumulated. */
static double
impossible (double *pointwise, size_t n_terms)
{
  if (pointwise != NULL)
    for (size_t i = 0; i < n_terms; i++)
      pointwise[i] = -INFINITY;
  return -INFINITY;
}

/* --- Dirichlet ----------------------------------------------------------------------------- */

static double
dirichlet_log_density_vector (const double *x,
                              size_t n_x,
                              const double *const *args,
                              const size_t *arg_len,
                              double *d_x,
                              double *const *d_args,
                              double *pointwise)
{
  const double *alpha = args[0];
  size_t k = arg_len[0];
  if (n_x != k || !all_positive (alpha, k) || !cr_dist_is_simplex (x, k))
    return impossible (pointwise, 1);
  for (size_t i = 0; i < k; i++)
    if (!(x[i] > 0.0))
      return impossible (pointwise, 1);

  /* log Γ(A) - Σ log Γ(a_i) + Σ (a_i - 1) log x_i, A = Σ a_i. */
  double alpha_sum = 0.0;
  for (size_t i = 0; i < k; i++)
    alpha_sum += alpha[i];
  double lp = cr_dist_lngamma (alpha_sum);
  for (size_t i = 0; i < k; i++)
    lp += (alpha[i] - 1.0) * log (x[i]) - cr_dist_lngamma (alpha[i]);
  if (!(lp > -INFINITY && lp < INFINITY))
    return impossible (pointwise, 1);

  double *d_alpha = arg_gradient (d_args, 0);
  if (d_x != NULL)
    for (size_t i = 0; i < k; i++)
      d_x[i] += (alpha[i] - 1.0) / x[i];
  if (d_alpha != NULL)
    {
      double psi_sum = cr_dist_digamma (alpha_sum);
      for (size_t i = 0; i < k; i++)
        d_alpha[i] += psi_sum - cr_dist_digamma (alpha[i]) + log (x[i]);
    }
  if (pointwise != NULL)
    pointwise[0] = lp;
  return lp;
}

static void
dirichlet_sample_vector (const gsl_rng *rng,
                         const double *const *args,
                         const size_t *arg_len,
                         double *x,
                         size_t n_x)
{
  const double *alpha = args[0];
  size_t k = arg_len[0];
  if (n_x != k || k < 2 || !all_positive (alpha, k))
    {
      for (size_t i = 0; i < n_x; i++)
        x[i] = NAN;
      return;
    }
  /* GSL normalises gamma draws, switching to log space when they underflow (small a). */
  gsl_ran_dirichlet (rng, k, alpha, x);
}

const CrDistribution cr_dist_dirichlet = {
  .name = "Dirichlet",
  .kind = CR_DIST_JOINT,
  .n_args = 1,
  .arg_names = { "a" },
  .arg_domains = { CR_DOMAIN_POSITIVE_VECTOR },
  .support = CR_SUPPORT_SIMPLEX,
  .discrete = FALSE,
  .can_be_free = TRUE,
  .log_density_vector = dirichlet_log_density_vector,
  .sample_vector = dirichlet_sample_vector,
};

/* --- MvNormal ------------------------------------------------------------------------------ */

/* TRUE when @chol is a k x k row-major lower-triangular matrix with a positive diagonal:
 * finite below, exactly 0 above. */
static gboolean
is_cholesky_factor (const double *chol, size_t k)
{
  for (size_t i = 0; i < k; i++)
    for (size_t j = 0; j < k; j++)
      {
        double v = chol[i * k + j];
        if (j > i ? v != 0.0 : (j == i ? !is_positive (v) : !isfinite (v)))
          return FALSE;
      }
  return TRUE;
}

static double
mv_normal_log_density_vector (const double *x,
                              size_t n_x,
                              const double *const *args,
                              const size_t *arg_len,
                              double *d_x,
                              double *const *d_args,
                              double *pointwise)
{
  const double *mu = args[0], *chol = args[1];
  size_t k = arg_len[0];
  if (n_x != k || k == 0 || arg_len[1] != k * k || !all_finite (x, k) || !all_finite (mu, k)
      || !is_cholesky_factor (chol, k))
    return impossible (pointwise, 1);

  double stack[CR_MV_NORMAL_STACK_DIM];
  double *scratch = k <= CR_MV_NORMAL_STACK_DIM ? stack : g_new (double, k);

  /* With Σ = L L^T: log N = -K log sqrt(2π) - Σ log L_ii - |z|^2 / 2, z = L^-1 (x - mu),
   * by forward substitution. */
  double lp = -(double) k * CR_LOG_SQRT_2PI;
  double z_norm2 = 0.0;
  for (size_t i = 0; i < k; i++)
    {
      double r = x[i] - mu[i];
      for (size_t j = 0; j < i; j++)
        r -= chol[i * k + j] * scratch[j];
      scratch[i] = r / chol[i * k + i];
      z_norm2 += scratch[i] * scratch[i];
      lp -= log (chol[i * k + i]);
    }
  lp -= 0.5 * z_norm2;

  double *d_mu = arg_gradient (d_args, 0), *d_chol = arg_gradient (d_args, 1);
  if (lp > -INFINITY && (d_x != NULL || d_mu != NULL || d_chol != NULL))
    {
      /* With w = L^-T z: d/dx = -w, d/dmu = w, and d/dL_ij = w_i z_j - [i = j] / L_ii on the
       * lower triangle (from dz = -L^-1 dL z). w comes by back substitution from the last
       * row up; row i of dL needs z_0..z_i, which are still in the scratch until w_i
       * replaces z_i, so one vector serves for both. */
      for (size_t ii = k; ii-- > 0;)
        {
          double w = scratch[ii];
          for (size_t j = ii + 1; j < k; j++)
            w -= chol[j * k + ii] * scratch[j];
          w /= chol[ii * k + ii];
          if (d_chol != NULL)
            {
              for (size_t j = 0; j <= ii; j++)
                d_chol[ii * k + j] += w * scratch[j];
              d_chol[ii * k + ii] -= 1.0 / chol[ii * k + ii];
            }
          if (d_x != NULL)
            d_x[ii] -= w;
          if (d_mu != NULL)
            d_mu[ii] += w;
          scratch[ii] = w;
        }
    }
  if (scratch != stack)
    g_free (scratch);

  if (!(lp > -INFINITY))
    return impossible (pointwise, 1);
  if (pointwise != NULL)
    pointwise[0] = lp;
  return lp;
}

static void
mv_normal_sample_vector (const gsl_rng *rng,
                         const double *const *args,
                         const size_t *arg_len,
                         double *x,
                         size_t n_x)
{
  const double *mu = args[0], *chol = args[1];
  size_t k = arg_len[0];
  if (n_x != k || arg_len[1] != k * k || !all_finite (mu, k) || !is_cholesky_factor (chol, k))
    {
      for (size_t i = 0; i < n_x; i++)
        x[i] = NAN;
      return;
    }
  /* x = mu + L z with z standard normal, in place: row i of L z needs z_0..z_i only, so
   * going from the last row up never reads an overwritten z. */
  for (size_t i = 0; i < k; i++)
    x[i] = gsl_ran_gaussian (rng, 1.0);
  for (size_t ii = k; ii-- > 0;)
    {
      double v = mu[ii];
      for (size_t j = 0; j <= ii; j++)
        v += chol[ii * k + j] * x[j];
      x[ii] = v;
    }
}

const CrDistribution cr_dist_mv_normal = {
  .name = "MvNormal",
  .kind = CR_DIST_JOINT,
  .n_args = 2,
  .arg_names = { "mu", "chol" },
  .arg_domains = { CR_DOMAIN_REAL_VECTOR, CR_DOMAIN_CHOLESKY_FACTOR },
  .support = CR_SUPPORT_REAL_VECTOR,
  .discrete = FALSE,
  .can_be_free = TRUE,
  .log_density_vector = mv_normal_log_density_vector,
  .sample_vector = mv_normal_sample_vector,
};

/* --- LKJCholeskyCorr ----------------------------------------------------------------------- */

/* log c_n(eta), the normalising constant of the LKJ density det(R)^(eta - 1) / c_n(eta) on
 * n x n correlation matrices (Lewandowski, Kurowicka and Joe 2009, sec. 3.2, the onion
 * method):
 *   c_n = 2^(Σ_k (2 eta - 2 + n - k)(n - k)) Π_k B(b_k, b_k)^(n - k),
 *   b_k = eta + (n - k - 1) / 2, k = 1 .. n - 1.
 * (n = 2: 2^(2 eta - 1) B(eta, eta); n = 3, eta = 1: π²/2, the volume of the elliptope.)
 * *d_eta gets its derivative in eta. */
static double
lkj_log_normaliser (double n, double eta, double *d_eta)
{
  double log_c = 0.0, derivative = 0.0;
  for (double k = 1.0; k < n; k += 1.0)
    {
      double b = eta + 0.5 * (n - k - 1.0);
      log_c += (n - k) * ((2.0 * eta - 2.0 + n - k) * CR_LOG_2 + cr_dist_lnbeta (b, b));
      derivative += (n - k) * 2.0
                    * (CR_LOG_2 + cr_dist_digamma (b) - cr_dist_digamma (2.0 * b));
    }
  *d_eta = derivative;
  return log_c;
}

/* TRUE when @l is an n x n row-major lower-triangular matrix with a positive diagonal and
 * rows of unit norm (within the tolerance): the Cholesky factor of a correlation matrix. */
static gboolean
is_cholesky_corr (const double *l, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      double norm2 = 0.0;
      for (size_t j = 0; j < n; j++)
        {
          double v = l[i * n + j];
          if (j > i ? v != 0.0 : !isfinite (v))
            return FALSE;
          norm2 += v * v;
        }
      if (!(l[i * n + i] > 0.0) || fabs (norm2 - 1.0) > CR_DIST_CORR_TOLERANCE)
        return FALSE;
    }
  return TRUE;
}

/* The dimension argument: an integer >= 2 given as one value (and below 2^32, so that the
 * conversion to size_t and n * n are exact; any larger n could not match n_x anyway). */
static gboolean
lkj_dimension (const double *const *args, const size_t *arg_len, size_t *n)
{
  double value = args[0][0];
  if (arg_len[0] != 1 || !(value >= 2.0 && value < 4294967296.0) || value != floor (value))
    return FALSE;
  *n = (size_t) value;
  return TRUE;
}

static double
lkj_cholesky_corr_log_density_vector (const double *x,
                                      size_t n_x,
                                      const double *const *args,
                                      const size_t *arg_len,
                                      double *d_x,
                                      double *const *d_args,
                                      double *pointwise)
{
  size_t n;
  double eta = args[1][0];
  if (!lkj_dimension (args, arg_len, &n) || arg_len[1] != 1 || !is_positive (eta)
      || n_x != n * n || !is_cholesky_corr (x, n))
    return impossible (pointwise, 1);

  /* The density of R = L L^T is det(R)^(eta - 1) / c_n = Π L_ii^(2 eta - 2) / c_n; the map
   * from L's strictly lower entries to R's has Jacobian Π_i L_ii^(n - i - 1) (0-based i).
   * So log p(L) = Σ_{i >= 1} (n - i - 3 + 2 eta) log L_ii - log c_n(eta); Stan Functions
   * Reference, "LKJ Cholesky distribution", and LKJ 2009. */
  double d_log_c;
  double lp = -lkj_log_normaliser ((double) n, eta, &d_log_c);
  double sum_log_diag = 0.0;
  for (size_t i = 1; i < n; i++)
    {
      double log_diag = log (x[i * n + i]);
      lp += ((double) n - (double) i - 3.0 + 2.0 * eta) * log_diag;
      sum_log_diag += log_diag;
    }
  if (!(lp > -INFINITY && lp < INFINITY))
    return impossible (pointwise, 1);

  if (d_x != NULL)
    for (size_t i = 1; i < n; i++)
      d_x[i * n + i] += ((double) n - (double) i - 3.0 + 2.0 * eta) / x[i * n + i];
  double *d_eta = arg_gradient (d_args, 1);
  if (d_eta != NULL)
    d_eta[0] += 2.0 * sum_log_diag - d_log_c;
  if (pointwise != NULL)
    pointwise[0] = lp;
  return lp;
}

static void
lkj_cholesky_corr_sample_vector (const gsl_rng *rng,
                                 const double *const *args,
                                 const size_t *arg_len,
                                 double *x,
                                 size_t n_x)
{
  size_t n;
  double eta = args[1][0];
  for (size_t i = 0; i < n_x; i++)
    x[i] = 0.0;
  if (!lkj_dimension (args, arg_len, &n) || arg_len[1] != 1 || !is_positive (eta)
      || n_x != n * n)
    {
      for (size_t i = 0; i < n_x; i++)
        x[i] = NAN;
      return;
    }
  /* The onion method (LKJ 2009, sec. 3.2) grows the matrix a row at a time; with A the
   * Cholesky factor so far, the new correlations are z = A w with w = sqrt(y) u, u uniform
   * on the unit sphere of R^k, y ~ Beta(k / 2, b_k), so the new row of the Cholesky factor
   * is (w, sqrt(1 - y)) itself. b_k = eta + (n - 1 - k) / 2; k = 1 reproduces the first
   * step, r_12 = 2 Beta(b_1, b_1) - 1, since r^2 ~ Beta(1/2, b_1) for that r. */
  x[0] = 1.0;
  for (size_t k = 1; k < n; k++)
    {
      double b = eta + 0.5 * ((double) n - 1.0 - (double) k);
      double y = gsl_ran_beta (rng, 0.5 * (double) k, b);
      double *row = x + k * n;
      gsl_ran_dir_nd (rng, k, row);
      double radius = sqrt (y);
      for (size_t j = 0; j < k; j++)
        row[j] *= radius;
      row[k] = sqrt (1.0 - y);
    }
}

const CrDistribution cr_dist_lkj_cholesky_corr = {
  .name = "LKJCholeskyCorr",
  .kind = CR_DIST_JOINT,
  .n_args = 2,
  .arg_names = { "n", "eta" },
  .arg_domains = { CR_DOMAIN_DIMENSION, CR_DOMAIN_POSITIVE },
  .support = CR_SUPPORT_CHOLESKY_CORR,
  .discrete = FALSE,
  .can_be_free = TRUE,
  .log_density_vector = lkj_cholesky_corr_log_density_vector,
  .sample_vector = lkj_cholesky_corr_sample_vector,
};

/* --- NormalMixture ------------------------------------------------------------------------- */

/* log w_k + log N(x | mu_k, sigma_k) */
static inline double
mixture_component (double x, double w, double mu, double sigma)
{
  double z = (x - mu) / sigma;
  return log (w) - CR_LOG_SQRT_2PI - log (sigma) - 0.5 * z * z;
}

static double
normal_mixture_log_density_vector (const double *x,
                                   size_t n_x,
                                   const double *const *args,
                                   const size_t *arg_len,
                                   double *d_x,
                                   double *const *d_args,
                                   double *pointwise)
{
  const double *w = args[0], *mu = args[1], *sigma = args[2];
  size_t k = arg_len[0];
  if (arg_len[1] != k || arg_len[2] != k || !cr_dist_is_simplex (w, k) || !all_finite (mu, k)
      || !all_positive (sigma, k) || !all_finite (x, n_x))
    return impossible (pointwise, n_x);

  /* With valid arguments and a finite x every term is finite: some w_k > 0, and its
   * component's log density is finite. */
  double *d_w = arg_gradient (d_args, 0), *d_mu = arg_gradient (d_args, 1),
         *d_sigma = arg_gradient (d_args, 2);
  gboolean want_gradient = d_x != NULL || d_w != NULL || d_mu != NULL || d_sigma != NULL;
  double total = 0.0;
  for (size_t i = 0; i < n_x; i++)
    {
      /* log Σ_k e^(c_k) in one pass, rescaling the running sum whenever the maximum grows
       * (no scratch of K terms). */
      double max = -INFINITY, sum = 0.0;
      for (size_t c = 0; c < k; c++)
        {
          double term = mixture_component (x[i], w[c], mu[c], sigma[c]);
          if (term == -INFINITY)
            continue;
          if (term > max)
            {
              sum = sum * exp (max - term) + 1.0;
              max = term;
            }
          else
            sum += exp (term - max);
        }
      double term_i = max + log (sum);
      total += term_i;
      if (pointwise != NULL)
        pointwise[i] = term_i;
      if (!want_gradient)
        continue;

      /* With responsibilities r_k = w_k N_k / f: d/dx = -Σ r_k (x - mu_k) / sigma_k^2,
       * d/dw_k = N_k / f (finite even where w_k = 0), d/dmu_k = r_k (x - mu_k) / sigma_k^2,
       * d/dsigma_k = r_k ((x - mu_k)^2 / sigma_k^3 - 1 / sigma_k). */
      for (size_t c = 0; c < k; c++)
        {
          double z = (x[i] - mu[c]) / sigma[c];
          double log_normal = -CR_LOG_SQRT_2PI - log (sigma[c]) - 0.5 * z * z;
          double normal_over_f = exp (log_normal - term_i);
          double responsibility = w[c] * normal_over_f;
          if (d_x != NULL)
            d_x[i] -= responsibility * z / sigma[c];
          if (d_w != NULL)
            d_w[c] += normal_over_f;
          if (d_mu != NULL)
            d_mu[c] += responsibility * z / sigma[c];
          if (d_sigma != NULL)
            d_sigma[c] += responsibility * (z * z - 1.0) / sigma[c];
        }
    }
  return total;
}

static void
normal_mixture_sample_vector (const gsl_rng *rng,
                              const double *const *args,
                              const size_t *arg_len,
                              double *x,
                              size_t n_x)
{
  const double *w = args[0], *mu = args[1], *sigma = args[2];
  size_t k = arg_len[0];
  gboolean valid = arg_len[1] == k && arg_len[2] == k && cr_dist_is_simplex (w, k)
                   && all_finite (mu, k) && all_positive (sigma, k);
  for (size_t i = 0; i < n_x; i++)
    {
      if (!valid)
        {
          x[i] = NAN;
          continue;
        }
      size_t c = cr_dist_draw_index (rng, w, k);
      x[i] = mu[c] + gsl_ran_gaussian (rng, sigma[c]);
    }
}

const CrDistribution cr_dist_normal_mixture = {
  .name = "NormalMixture",
  .kind = CR_DIST_ELEMENTWISE_VECTOR_ARGS,
  .n_args = 3,
  .arg_names = { "w", "mu", "sigma" },
  .arg_domains = { CR_DOMAIN_SIMPLEX, CR_DOMAIN_REAL_VECTOR, CR_DOMAIN_POSITIVE_VECTOR },
  .support = CR_SUPPORT_REAL,
  .discrete = FALSE,
  .can_be_free = TRUE,
  .log_density_vector = normal_mixture_log_density_vector,
  .sample_vector = normal_mixture_sample_vector,
};

/* --- AR1 ----------------------------------------------------------------------------------- */

/* A scalar argument of a series holds one value, or one per time point (cr_dist_check_value
 * accepts both): the index of time @t's value. */
static inline size_t
at_time (const size_t *arg_len, guint k, size_t t)
{
  return arg_len[k] == 1 ? 0 : t;
}

/* TRUE when every argument of a series has 1 or @n_x values and those of argument @k lie in
 * (-1, 1) when @unit_ball, else are positive and finite. */
static gboolean
series_args_valid (const double *const *args,
                   const size_t *arg_len,
                   guint k,
                   size_t n_x,
                   gboolean unit_ball)
{
  if (arg_len[k] != 1 && arg_len[k] != n_x)
    return FALSE;
  for (size_t i = 0; i < arg_len[k]; i++)
    {
      double v = args[k][i];
      if (unit_ball ? !(v > -1.0 && v < 1.0) : !is_positive (v))
        return FALSE;
    }
  return TRUE;
}

static double
ar1_log_density_vector (const double *x,
                        size_t n_x,
                        const double *const *args,
                        const size_t *arg_len,
                        double *d_x,
                        double *const *d_args,
                        double *pointwise)
{
  if (!series_args_valid (args, arg_len, 0, n_x, TRUE)
      || !series_args_valid (args, arg_len, 1, n_x, FALSE) || !all_finite (x, n_x))
    return impossible (pointwise, n_x);
  if (n_x == 0)
    return 0.0;

  double *d_rho = arg_gradient (d_args, 0), *d_sigma = arg_gradient (d_args, 1);

  /* x_0 ~ Normal(0, sigma / sqrt(1 - rho^2)); 1 - rho^2 as (1 - rho)(1 + rho), exact near
   * |rho| = 1 where the stationary variance blows up. */
  double rho = args[0][0], sigma = args[1][0];
  double one_minus_rho2 = (1.0 - rho) * (1.0 + rho);
  double precision0 = one_minus_rho2 / (sigma * sigma);
  double total = -CR_LOG_SQRT_2PI - log (sigma) + 0.5 * (log1p (-rho) + log1p (rho))
                 - 0.5 * x[0] * x[0] * precision0;
  if (pointwise != NULL)
    pointwise[0] = total;
  if (d_x != NULL)
    d_x[0] -= x[0] * precision0;
  if (d_rho != NULL)
    d_rho[0] += -rho / one_minus_rho2 + x[0] * x[0] * rho / (sigma * sigma);
  if (d_sigma != NULL)
    d_sigma[0] += (x[0] * x[0] * precision0 - 1.0) / sigma;

  /* x_t ~ Normal(rho x_{t-1}, sigma). */
  for (size_t t = 1; t < n_x; t++)
    {
      size_t r = at_time (arg_len, 0, t), s = at_time (arg_len, 1, t);
      rho = args[0][r];
      sigma = args[1][s];
      double inv_var = 1.0 / (sigma * sigma);
      double e = x[t] - rho * x[t - 1];
      double term = -CR_LOG_SQRT_2PI - log (sigma) - 0.5 * e * e * inv_var;
      total += term;
      if (pointwise != NULL)
        pointwise[t] = term;
      if (d_x != NULL)
        {
          d_x[t] -= e * inv_var;
          d_x[t - 1] += rho * e * inv_var;
        }
      if (d_rho != NULL)
        d_rho[r] += e * x[t - 1] * inv_var;
      if (d_sigma != NULL)
        d_sigma[s] += (e * e * inv_var - 1.0) / sigma;
    }
  return total;
}

static void
ar1_sample_vector (const gsl_rng *rng,
                   const double *const *args,
                   const size_t *arg_len,
                   double *x,
                   size_t n_x)
{
  gboolean valid = series_args_valid (args, arg_len, 0, n_x, TRUE)
                   && series_args_valid (args, arg_len, 1, n_x, FALSE);
  for (size_t t = 0; t < n_x; t++)
    {
      if (!valid)
        {
          x[t] = NAN;
          continue;
        }
      double rho = args[0][at_time (arg_len, 0, t)], sigma = args[1][at_time (arg_len, 1, t)];
      if (t == 0)
        x[t] = gsl_ran_gaussian (rng, sigma / sqrt ((1.0 - rho) * (1.0 + rho)));
      else
        x[t] = rho * x[t - 1] + gsl_ran_gaussian (rng, sigma);
    }
}

const CrDistribution cr_dist_ar1 = {
  .name = "AR1",
  .kind = CR_DIST_JOINT,
  .n_args = 2,
  .arg_names = { "rho", "sigma" },
  .arg_domains = { CR_DOMAIN_OPEN_UNIT_BALL, CR_DOMAIN_POSITIVE },
  .support = CR_SUPPORT_REAL_VECTOR,
  .discrete = FALSE,
  .can_be_free = TRUE,
  .log_density_vector = ar1_log_density_vector,
  .sample_vector = ar1_sample_vector,
};

/* --- GaussianRandomWalk -------------------------------------------------------------------- */

static double
gaussian_random_walk_log_density_vector (const double *x,
                                         size_t n_x,
                                         const double *const *args,
                                         const size_t *arg_len,
                                         double *d_x,
                                         double *const *d_args,
                                         double *pointwise)
{
  if (!series_args_valid (args, arg_len, 0, n_x, FALSE) || !all_finite (x, n_x))
    return impossible (pointwise, n_x);
  if (n_x == 0)
    return 0.0;

  double *d_sigma = arg_gradient (d_args, 0);

  /* x_0 ~ Normal(0, 100) whatever sigma is: sigma_0, when given per time point, is unused
   * and gets no derivative. */
  double z0 = x[0] / CR_RANDOM_WALK_INIT_SIGMA;
  double total = -CR_LOG_SQRT_2PI - log (CR_RANDOM_WALK_INIT_SIGMA) - 0.5 * z0 * z0;
  if (pointwise != NULL)
    pointwise[0] = total;
  if (d_x != NULL)
    d_x[0] -= z0 / CR_RANDOM_WALK_INIT_SIGMA;

  for (size_t t = 1; t < n_x; t++)
    {
      size_t s = at_time (arg_len, 0, t);
      double sigma = args[0][s], inv_var = 1.0 / (sigma * sigma);
      double e = x[t] - x[t - 1];
      double term = -CR_LOG_SQRT_2PI - log (sigma) - 0.5 * e * e * inv_var;
      total += term;
      if (pointwise != NULL)
        pointwise[t] = term;
      if (d_x != NULL)
        {
          d_x[t] -= e * inv_var;
          d_x[t - 1] += e * inv_var;
        }
      if (d_sigma != NULL)
        d_sigma[s] += (e * e * inv_var - 1.0) / sigma;
    }
  return total;
}

static void
gaussian_random_walk_sample_vector (const gsl_rng *rng,
                                    const double *const *args,
                                    const size_t *arg_len,
                                    double *x,
                                    size_t n_x)
{
  gboolean valid = series_args_valid (args, arg_len, 0, n_x, FALSE);
  for (size_t t = 0; t < n_x; t++)
    {
      if (!valid)
        x[t] = NAN;
      else if (t == 0)
        x[t] = gsl_ran_gaussian (rng, CR_RANDOM_WALK_INIT_SIGMA);
      else
        x[t] = x[t - 1] + gsl_ran_gaussian (rng, args[0][at_time (arg_len, 0, t)]);
    }
}

const CrDistribution cr_dist_gaussian_random_walk = {
  .name = "GaussianRandomWalk",
  .kind = CR_DIST_JOINT,
  .n_args = 1,
  .arg_names = { "sigma" },
  .arg_domains = { CR_DOMAIN_POSITIVE },
  .support = CR_SUPPORT_REAL_VECTOR,
  .discrete = FALSE,
  .can_be_free = TRUE,
  .log_density_vector = gaussian_random_walk_log_density_vector,
  .sample_vector = gaussian_random_walk_sample_vector,
};
