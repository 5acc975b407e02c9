/* continuous.c: the continuous distributions of LANGUAGE.md, in PyMC's parameterisations.
 *
 * Every log density here follows the same edge rules (dist.h):
 * - NaN or infinite x, or an argument outside its domain, gives -inf with zero gradients.
 * - x outside the support gives -inf. On the boundary of the support the density is
 *   finite for some arguments (Exponential at 0, Gamma and Weibull with shape 1 at 0, Beta
 *   with a shape 1 at that end, Uniform and TruncatedNormal at their bounds, the half
 *   distributions at 0): there the log density is finite. Where the density tends to 0 the
 *   result is -inf; where it tends to +inf (Gamma with shape < 1 at 0, ...) the point is
 *   treated as outside the support, also -inf, because no finite value is correct there.
 * - On such a boundary the derivative in a shape argument contains log(0): a shape of 1 is
 *   the only one with a finite density there, so log p jumps from +inf to -inf across it and
 *   the derivative is -inf, which is what we return.
 * - A log density that overflows (arguments so extreme that the density underflows) comes
 *   out as -inf with zero gradients, never NaN.
 * - A sampler given invalid arguments returns NaN: there is no draw to give.
 */
#include "dist/dist-private.h"

#include "cr-math.h"

#include <float.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_erf.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_psi.h>
#include <math.h>

/* ---- shared helpers ------------------------------------------------------------------ */

static gboolean
is_real (double v)
{
  return isfinite (v);
}

static gboolean
is_positive (double v)
{
  return v > 0.0 && v < INFINITY;
}

/* Zero density: assigns zero gradients (dist.h) and returns -inf. */
static double
reject (double *d_x, double *d_args, guint n_args)
{
  if (d_x != NULL)
    *d_x = 0.0;
  if (d_args != NULL)
    for (guint k = 0; k < n_args; k++)
      d_args[k] = 0.0;
  return -INFINITY;
}

/* A log density that is not finite can only come from overflow at arguments so extreme
 * that the density underflows (or from a degenerate interval): report it as zero density,
 * so callers never see NaN or +inf. */
static double
finish (double log_p, double *d_x, double *d_args, guint n_args)
{
  if (!(log_p > -INFINITY && log_p < INFINITY))
    return reject (d_x, d_args, n_args);
  return log_p;
}

/* log Γ(a) for a > 0; NaN if GSL fails (overflow near a = 1e305), which finish () maps to
 * zero density. */
static double
ln_gamma (double a)
{
  gsl_sf_result result;
  if (gsl_sf_lngamma_e (a, &result) != GSL_SUCCESS)
    return NAN;
  return result.val;
}

/* log B(a, b) for a, b > 0. GSL keeps full precision when one argument is much larger than
 * the other (gammastar ratios), where lgamma differences would cancel. */
static double
ln_beta (double a, double b)
{
  gsl_sf_result result;
  if (gsl_sf_lnbeta_e (a, b, &result) != GSL_SUCCESS)
    return NAN;
  return result.val;
}

/* The digamma function ψ(a) for a > 0. */
static double
digamma (double a)
{
  gsl_sf_result result;
  if (gsl_sf_psi_e (a, &result) != GSL_SUCCESS)
    return NAN;
  return result.val;
}

/* log(1 + t²) without overflowing t² for |t| up to DBL_MAX. */
static double
log1p_square (double t)
{
  double abs_t = fabs (t);
  if (abs_t > 1e100)
    return 2.0 * log (abs_t); /* the 1 is below rounding */
  return log1p (abs_t * abs_t);
}

/* A draw that rounding put on or beyond an edge of (0, inf) (a tiny Gamma or Weibull draw
 * underflowing to 0, an inverse of 0 overflowing) moves to the nearest double inside, where
 * the density is finite: the distribution has its mass there, double precision does not. */
static double
inside_positive (double x)
{
  return CLAMP (x, DBL_TRUE_MIN, DBL_MAX);
}

/* The same for (0, 1): Beta draws with a shape well below 1 round to 0 or 1. */
static double
inside_unit (double x)
{
  return CLAMP (x, DBL_TRUE_MIN, 1.0 - 0.5 * DBL_EPSILON);
}

/* The standard normal hazard φ(t) / Q(t) for t >= 0, where Q = 1 - Φ. */
static double
normal_hazard (double t)
{
  gsl_sf_result result;
  if (gsl_sf_hazard_e (t, &result) != GSL_SUCCESS)
    return NAN;
  return result.val;
}

/* log Φ(t), the standard normal CDF; accurate deep in the lower tail through log erfc
 * (Φ(t) = erfc(-t / √2) / 2), and near 1 through log1p. -inf at t = -inf. */
static double
log_normal_cdf (double t)
{
  if (t < 0.0)
    {
      gsl_sf_result result;
      if (gsl_sf_log_erfc_e (-t / CR_SQRT_2, &result) != GSL_SUCCESS)
        return t == -INFINITY ? -INFINITY : NAN;
      return result.val - CR_LOG_2;
    }
  return log1p (-0.5 * erfc (t / CR_SQRT_2));
}

/* φ(t) / Φ(t), the derivative of log Φ. For t < 0 this is the hazard at -t, which GSL
 * computes without the underflow of φ and Φ separately; for t >= 0, Φ >= 1/2. */
static double
normal_cdf_log_derivative (double t)
{
  if (t < 0.0)
    return t == -INFINITY ? INFINITY : normal_hazard (-t);
  return exp (-0.5 * t * t - CR_LOG_SQRT_2PI) / (1.0 - 0.5 * erfc (t / CR_SQRT_2));
}

/* ---- Normal(mu, sigma) ---------------------------------------------------------------- */

static double
normal_log_density (double x, const double *args, double *d_x, double *d_args)
{
  double mu = args[0], sigma = args[1];
  if (!isfinite (x) || !is_real (mu) || !is_positive (sigma))
    return reject (d_x, d_args, 2);

  double z = (x - mu) / sigma;
  double log_p = -0.5 * z * z - log (sigma) - CR_LOG_SQRT_2PI;
  if (d_x != NULL)
    *d_x = -z / sigma;
  if (d_args != NULL)
    {
      d_args[0] = z / sigma;
      d_args[1] = (z * z - 1.0) / sigma;
    }
  return finish (log_p, d_x, d_args, 2);
}

static double
normal_sample (const gsl_rng *rng, const double *args)
{
  if (!is_real (args[0]) || !is_positive (args[1]))
    return NAN;
  return args[0] + gsl_ran_gaussian (rng, args[1]);
}

const CrDistribution cr_dist_normal = {
  .name = "Normal",
  .kind = CR_DIST_ELEMENTWISE,
  .n_args = 2,
  .arg_names = { "mu", "sigma" },
  .arg_domains = { CR_DOMAIN_REAL, CR_DOMAIN_POSITIVE },
  .support = CR_SUPPORT_REAL,
  .discrete = FALSE,
  .can_be_free = TRUE,
  .log_density = normal_log_density,
  .sample = normal_sample,
};

/* ---- HalfNormal(sigma): 2 N(x | 0, sigma) on x >= 0 ----------------------------------- */

static double
half_normal_log_density (double x, const double *args, double *d_x, double *d_args)
{
  double sigma = args[0];
  if (!(x >= 0.0 && x < INFINITY) || !is_positive (sigma))
    return reject (d_x, d_args, 1);

  double z = x / sigma;
  double log_p = CR_LOG_2 - CR_LOG_SQRT_2PI - log (sigma) - 0.5 * z * z;
  if (d_x != NULL)
    *d_x = -z / sigma;
  if (d_args != NULL)
    d_args[0] = (z * z - 1.0) / sigma;
  return finish (log_p, d_x, d_args, 1);
}

static double
half_normal_sample (const gsl_rng *rng, const double *args)
{
  if (!is_positive (args[0]))
    return NAN;
  return fabs (gsl_ran_gaussian (rng, args[0]));
}

const CrDistribution cr_dist_half_normal = {
  .name = "HalfNormal",
  .kind = CR_DIST_ELEMENTWISE,
  .n_args = 1,
  .arg_names = { "sigma" },
  .arg_domains = { CR_DOMAIN_POSITIVE },
  .support = CR_SUPPORT_POSITIVE,
  .discrete = FALSE,
  .can_be_free = TRUE,
  .log_density = half_normal_log_density,
  .sample = half_normal_sample,
};

/* ---- StudentT(nu, mu, sigma) and HalfStudentT(nu, sigma) ----------------------------- */

/* ψ(a + 1/2) - ψ(a) - 1/(2a), which is O(1/a²) and cancels badly when formed directly for
 * large a. For a >= 20 the asymptotic series ψ(a + h) ~ log a + Σ (-1)^(k+1) B_k(h)/(k a^k)
 * (DLMF 5.15.8 with B_k(1/2) = (2^(1-k) - 1) B_k) gives it term by term; the first omitted
 * term is below 2e-16 relative there. */
static double
digamma_half_step_excess (double a)
{
  if (a >= 20.0)
    {
      double u = 1.0 / (a * a);
      return u * (1.0 / 8
                  + u * (-1.0 / 64
                         + u * (1.0 / 128
                                + u * (-17.0 / 2048 + u * (31.0 / 2048 + u * (-691.0 / 16384))))));
    }
  return digamma (a + 0.5) - digamma (a) - 0.5 / a;
}

/* log(1 + t) - t / (1 + t) for t = w² >= 0, which is t²/2 + O(t³): a power series below
 * t = 0.1 (terms (-1)^k (k - 1)/k t^k, truncated below 1e-17 relative), direct above. */
static double
log1p_minus_ratio (double w)
{
  double t = w * w;
  if (t < 0.1)
    {
      double sum = 0.0, power = t * t;
      for (int k = 2; k <= 20; k++)
        {
          sum += (k % 2 == 0 ? 1.0 : -1.0) * (k - 1.0) / k * power;
          power *= t;
        }
      return sum;
    }
  return log1p_square (w) - 1.0 / (1.0 + 1.0 / t);
}

/* log of the standard Student-t density at z with nu degrees of freedom:
 * Γ((nu+1)/2) / (Γ(nu/2) √(nu π)) (1 + z²/nu)^(-(nu+1)/2), written with
 * Γ((nu+1)/2) / Γ(nu/2) = √π / B(nu/2, 1/2) so that large nu keeps its digits.
 * Optionally the derivatives in z and nu. */
static double
student_t_standard (double nu, double z, double *d_z, double *d_nu)
{
  double w = z / sqrt (nu);
  double log_p = -ln_beta (0.5 * nu, 0.5) - 0.5 * log (nu) - 0.5 * (nu + 1.0) * log1p_square (w);

  if (d_z != NULL)
    {
      /* -(nu + 1) z / (nu + z²), arranged not to overflow z² */
      if (fabs (z) > sqrt (nu))
        *d_z = -(nu + 1.0) / (z + nu / z);
      else
        *d_z = -(nu + 1.0) * z / (nu + z * z);
    }
  if (d_nu != NULL)
    {
      /* d/dnu = 1/2 [ψ((nu+1)/2) - ψ(nu/2) - 1/nu - log(1 + t) + (1 + 1/nu) t/(1 + t)], with
       * t = z²/nu, regrouped into pieces that do not cancel as nu grows. */
      double t = w * w;
      *d_nu = 0.5 * (digamma_half_step_excess (0.5 * nu) - log1p_minus_ratio (w)
                     + 1.0 / (nu * (1.0 + 1.0 / t)));
    }
  return log_p;
}

/* z d/dz of the standard Student-t log density: -(nu + 1) z²/(nu + z²), bounded by nu + 1. */
static double
student_t_z_times_d_z (double nu, double z)
{
  double t = z * z / nu;
  return -(nu + 1.0) / (1.0 + 1.0 / t);
}

static double
student_t_log_density (double x, const double *args, double *d_x, double *d_args)
{
  double nu = args[0], mu = args[1], sigma = args[2];
  if (!isfinite (x) || !is_positive (nu) || !is_real (mu) || !is_positive (sigma))
    return reject (d_x, d_args, 3);

  double z = (x - mu) / sigma;
  double d_z, d_nu;
  double log_p = student_t_standard (nu, z, &d_z, &d_nu) - log (sigma);
  if (d_x != NULL)
    *d_x = d_z / sigma;
  if (d_args != NULL)
    {
      d_args[0] = d_nu;
      d_args[1] = -d_z / sigma;
      d_args[2] = (-1.0 - student_t_z_times_d_z (nu, z)) / sigma;
    }
  return finish (log_p, d_x, d_args, 3);
}

static double
student_t_sample (const gsl_rng *rng, const double *args)
{
  if (!is_positive (args[0]) || !is_real (args[1]) || !is_positive (args[2]))
    return NAN;
  return args[1] + args[2] * gsl_ran_tdist (rng, args[0]);
}

const CrDistribution cr_dist_student_t = {
  .name = "StudentT",
  .kind = CR_DIST_ELEMENTWISE,
  .n_args = 3,
  .arg_names = { "nu", "mu", "sigma" },
  .arg_domains = { CR_DOMAIN_POSITIVE, CR_DOMAIN_REAL, CR_DOMAIN_POSITIVE },
  .support = CR_SUPPORT_REAL,
  .discrete = FALSE,
  .can_be_free = TRUE,
  .log_density = student_t_log_density,
  .sample = student_t_sample,
};

static double
half_student_t_log_density (double x, const double *args, double *d_x, double *d_args)
{
  double nu = args[0], sigma = args[1];
  if (!(x >= 0.0 && x < INFINITY) || !is_positive (nu) || !is_positive (sigma))
    return reject (d_x, d_args, 2);

  double z = x / sigma;
  double d_z, d_nu;
  double log_p = CR_LOG_2 + student_t_standard (nu, z, &d_z, &d_nu) - log (sigma);
  if (d_x != NULL)
    *d_x = d_z / sigma;
  if (d_args != NULL)
    {
      d_args[0] = d_nu;
      d_args[1] = (-1.0 - student_t_z_times_d_z (nu, z)) / sigma;
    }
  return finish (log_p, d_x, d_args, 2);
}

static double
half_student_t_sample (const gsl_rng *rng, const double *args)
{
  if (!is_positive (args[0]) || !is_positive (args[1]))
    return NAN;
  return fabs (args[1] * gsl_ran_tdist (rng, args[0]));
}

const CrDistribution cr_dist_half_student_t = {
  .name = "HalfStudentT",
  .kind = CR_DIST_ELEMENTWISE,
  .n_args = 2,
  .arg_names = { "nu", "sigma" },
  .arg_domains = { CR_DOMAIN_POSITIVE, CR_DOMAIN_POSITIVE },
  .support = CR_SUPPORT_POSITIVE,
  .discrete = FALSE,
  .can_be_free = TRUE,
  .log_density = half_student_t_log_density,
  .sample = half_student_t_sample,
};

/* ---- Cauchy(alpha, beta) and HalfCauchy(beta) ------------------------------------------ */

/* d/dz of -log(1 + z²) = -2z / (1 + z²), not overflowing for large |z|. */
static double
cauchy_d_z (double z)
{
  if (fabs (z) > 1.0)
    return -2.0 / (z + 1.0 / z);
  return -2.0 * z / (1.0 + z * z);
}

/* z d/dz of -log(1 + z²) = -2z² / (1 + z²). */
static double
cauchy_z_times_d_z (double z)
{
  return -2.0 / (1.0 + 1.0 / (z * z));
}

static double
cauchy_log_density (double x, const double *args, double *d_x, double *d_args)
{
  double alpha = args[0], beta = args[1];
  if (!isfinite (x) || !is_real (alpha) || !is_positive (beta))
    return reject (d_x, d_args, 2);

  double z = (x - alpha) / beta;
  double log_p = -CR_LOG_PI - log (beta) - log1p_square (z);
  double d_z = cauchy_d_z (z);
  if (d_x != NULL)
    *d_x = d_z / beta;
  if (d_args != NULL)
    {
      d_args[0] = -d_z / beta;
      d_args[1] = (-1.0 - cauchy_z_times_d_z (z)) / beta;
    }
  return finish (log_p, d_x, d_args, 2);
}

static double
cauchy_sample (const gsl_rng *rng, const double *args)
{
  if (!is_real (args[0]) || !is_positive (args[1]))
    return NAN;
  return args[0] + gsl_ran_cauchy (rng, args[1]);
}

const CrDistribution cr_dist_cauchy = {
  .name = "Cauchy",
  .kind = CR_DIST_ELEMENTWISE,
  .n_args = 2,
  .arg_names = { "alpha", "beta" },
  .arg_domains = { CR_DOMAIN_REAL, CR_DOMAIN_POSITIVE },
  .support = CR_SUPPORT_REAL,
  .discrete = FALSE,
  .can_be_free = TRUE,
  .log_density = cauchy_log_density,
  .sample = cauchy_sample,
};

static double
half_cauchy_log_density (double x, const double *args, double *d_x, double *d_args)
{
  double beta = args[0];
  if (!(x >= 0.0 && x < INFINITY) || !is_positive (beta))
    return reject (d_x, d_args, 1);

  double z = x / beta;
  double log_p = CR_LOG_2 - CR_LOG_PI - log (beta) - log1p_square (z);
  if (d_x != NULL)
    *d_x = cauchy_d_z (z) / beta;
  if (d_args != NULL)
    d_args[0] = (-1.0 - cauchy_z_times_d_z (z)) / beta;
  return finish (log_p, d_x, d_args, 1);
}

static double
half_cauchy_sample (const gsl_rng *rng, const double *args)
{
  if (!is_positive (args[0]))
    return NAN;
  return fabs (gsl_ran_cauchy (rng, args[0]));
}

const CrDistribution cr_dist_half_cauchy = {
  .name = "HalfCauchy",
  .kind = CR_DIST_ELEMENTWISE,
  .n_args = 1,
  .arg_names = { "beta" },
  .arg_domains = { CR_DOMAIN_POSITIVE },
  .support = CR_SUPPORT_POSITIVE,
  .discrete = FALSE,
  .can_be_free = TRUE,
  .log_density = half_cauchy_log_density,
  .sample = half_cauchy_sample,
};

/* ---- Laplace(mu, b) ------------------------------------------------------------------- */

static double
laplace_log_density (double x, const double *args, double *d_x, double *d_args)
{
  double mu = args[0], b = args[1];
  if (!isfinite (x) || !is_real (mu) || !is_positive (b))
    return reject (d_x, d_args, 2);

  double distance = fabs (x - mu);
  double log_p = -CR_LOG_2 - log (b) - distance / b;
  /* At x = mu the density has a kink; 0 is the midpoint of the one-sided derivatives, what
   * a symmetric difference measures. */
  double sign = x > mu ? 1.0 : (x < mu ? -1.0 : 0.0);
  if (d_x != NULL)
    *d_x = -sign / b;
  if (d_args != NULL)
    {
      d_args[0] = sign / b;
      d_args[1] = (distance / b - 1.0) / b;
    }
  return finish (log_p, d_x, d_args, 2);
}

static double
laplace_sample (const gsl_rng *rng, const double *args)
{
  if (!is_real (args[0]) || !is_positive (args[1]))
    return NAN;
  return args[0] + gsl_ran_laplace (rng, args[1]);
}

const CrDistribution cr_dist_laplace = {
  .name = "Laplace",
  .kind = CR_DIST_ELEMENTWISE,
  .n_args = 2,
  .arg_names = { "mu", "b" },
  .arg_domains = { CR_DOMAIN_REAL, CR_DOMAIN_POSITIVE },
  .support = CR_SUPPORT_REAL,
  .discrete = FALSE,
  .can_be_free = TRUE,
  .log_density = laplace_log_density,
  .sample = laplace_sample,
};

/* ---- Logistic(mu, s): p = σ(z)(1 - σ(z)) / s with z = (x - mu)/s ----------------------- */

static double
logistic_log_density (double x, const double *args, double *d_x, double *d_args)
{
  double mu = args[0], s = args[1];
  if (!isfinite (x) || !is_real (mu) || !is_positive (s))
    return reject (d_x, d_args, 2);

  double z = (x - mu) / s;
  double log_p = -log (s) + cr_log_inv_logit (z) + cr_log1m_inv_logit (z);
  /* d/dz log(σ(z)(1 - σ(z))) = 1 - 2σ(z) = -tanh(z/2), exact near z = 0 */
  double d_z = -tanh (0.5 * z);
  if (d_x != NULL)
    *d_x = d_z / s;
  if (d_args != NULL)
    {
      d_args[0] = -d_z / s;
      d_args[1] = (-1.0 - z * d_z) / s;
    }
  return finish (log_p, d_x, d_args, 2);
}

static double
logistic_sample (const gsl_rng *rng, const double *args)
{
  if (!is_real (args[0]) || !is_positive (args[1]))
    return NAN;
  return args[0] + gsl_ran_logistic (rng, args[1]);
}

const CrDistribution cr_dist_logistic = {
  .name = "Logistic",
  .kind = CR_DIST_ELEMENTWISE,
  .n_args = 2,
  .arg_names = { "mu", "s" },
  .arg_domains = { CR_DOMAIN_REAL, CR_DOMAIN_POSITIVE },
  .support = CR_SUPPORT_REAL,
  .discrete = FALSE,
  .can_be_free = TRUE,
  .log_density = logistic_log_density,
  .sample = logistic_sample,
};

/* ---- Exponential(lam), lam the rate ------------------------------------------------------ */

static double
exponential_log_density (double x, const double *args, double *d_x, double *d_args)
{
  double lam = args[0];
  if (!(x >= 0.0 && x < INFINITY) || !is_positive (lam))
    return reject (d_x, d_args, 1);

  double log_p = log (lam) - lam * x;
  if (d_x != NULL)
    *d_x = -lam;
  if (d_args != NULL)
    d_args[0] = 1.0 / lam - x;
  return finish (log_p, d_x, d_args, 1);
}

static double
exponential_sample (const gsl_rng *rng, const double *args)
{
  if (!is_positive (args[0]))
    return NAN;
  return gsl_ran_exponential (rng, 1.0 / args[0]); /* GSL takes the mean */
}

const CrDistribution cr_dist_exponential = {
  .name = "Exponential",
  .kind = CR_DIST_ELEMENTWISE,
  .n_args = 1,
  .arg_names = { "lam" },
  .arg_domains = { CR_DOMAIN_POSITIVE },
  .support = CR_SUPPORT_POSITIVE,
  .discrete = FALSE,
  .can_be_free = TRUE,
  .log_density = exponential_log_density,
  .sample = exponential_sample,
};

/* ---- Gamma(alpha, beta): shape alpha, rate beta ----------------------------------------- */

/* Above this shape the Gamma log density is formed around the mean (below), because the
 * direct sum alpha log beta - log Γ(alpha) + (alpha - 1) log x - beta x cancels terms of size
 * alpha log alpha down to O(log alpha), losing that many digits. */
#define GAMMA_STIRLING_MIN_SHAPE 10.0

/* log of the Gamma(alpha, rate beta) density at 0 < x < inf. For large alpha, with
 * y = beta x / alpha (x over the mean) and Stirling's formula with its exact remainder,
 * log Γ(alpha) = (alpha - 1/2) log alpha - alpha + log √(2π) + log Γ*(alpha)
 * (Γ* is GSL's regulated gamma function, NIST DLMF 5.11.3), the density becomes
 *   log beta - log y + alpha (log y + 1 - y) - log √(2π alpha) - log Γ*(alpha),
 * where log y + 1 - y = log1p(d) - d with d = y - 1 is O(d²) near the mean and carries only
 * the rounding of d. */
static double
gamma_log_kernel (double x, double alpha, double beta)
{
  double y = beta * x / alpha;
  if (alpha < GAMMA_STIRLING_MIN_SHAPE || !(y > 0.0 && y < INFINITY))
    return alpha * log (beta) - ln_gamma (alpha) + (alpha - 1.0) * log (x) - beta * x;

  gsl_sf_result gamma_star;
  if (gsl_sf_gammastar_e (alpha, &gamma_star) != GSL_SUCCESS)
    return NAN;
  double d = y - 1.0;
  double log_y = fabs (d) < 0.5 ? log1p (d) : log (y);
  double excess = log_y - d; /* log y + 1 - y */
  return log (beta) - log_y + alpha * excess - 0.5 * log (2.0 * CR_PI * alpha)
         - log (gamma_star.val);
}

static double
gamma_log_density (double x, const double *args, double *d_x, double *d_args)
{
  double alpha = args[0], beta = args[1];
  if (!(x >= 0.0 && x < INFINITY) || !is_positive (alpha) || !is_positive (beta))
    return reject (d_x, d_args, 2);

  double log_beta = log (beta);
  if (x == 0.0)
    {
      /* p(0) = beta for alpha = 1, 0 for alpha > 1, unbounded for alpha < 1 */
      if (alpha != 1.0)
        return reject (d_x, d_args, 2);
      if (d_x != NULL)
        *d_x = -beta;
      if (d_args != NULL)
        {
          d_args[0] = -INFINITY;
          d_args[1] = 1.0 / beta;
        }
      return log_beta;
    }

  double log_x = log (x);
  double log_p = gamma_log_kernel (x, alpha, beta);
  if (d_x != NULL)
    *d_x = (alpha - 1.0) / x - beta;
  if (d_args != NULL)
    {
      d_args[0] = log_beta - digamma (alpha) + log_x;
      d_args[1] = alpha / beta - x;
    }
  return finish (log_p, d_x, d_args, 2);
}

static double
gamma_sample (const gsl_rng *rng, const double *args)
{
  if (!is_positive (args[0]) || !is_positive (args[1]))
    return NAN;
  return inside_positive (gsl_ran_gamma (rng, args[0], 1.0 / args[1])); /* GSL takes the scale */
}

const CrDistribution cr_dist_gamma = {
  .name = "Gamma",
  .kind = CR_DIST_ELEMENTWISE,
  .n_args = 2,
  .arg_names = { "alpha", "beta" },
  .arg_domains = { CR_DOMAIN_POSITIVE, CR_DOMAIN_POSITIVE },
  .support = CR_SUPPORT_POSITIVE,
  .discrete = FALSE,
  .can_be_free = TRUE,
  .log_density = gamma_log_density,
  .sample = gamma_sample,
};

/* ---- InverseGamma(alpha, beta): beta^alpha / Γ(alpha) x^(-alpha-1) e^(-beta/x) --------- */

static double
inverse_gamma_log_density (double x, const double *args, double *d_x, double *d_args)
{
  double alpha = args[0], beta = args[1];
  /* the density tends to 0 at x = 0 for every alpha */
  if (!(x > 0.0 && x < INFINITY) || !is_positive (alpha) || !is_positive (beta))
    return reject (d_x, d_args, 2);

  /* X = 1/Y with Y ~ Gamma(alpha, rate beta): p_X(x) = p_Y(1/x) / x² */
  double log_x = log (x), log_beta = log (beta);
  double log_p = gamma_log_kernel (1.0 / x, alpha, beta) - 2.0 * log_x;
  if (d_x != NULL)
    *d_x = (beta / x - (alpha + 1.0)) / x;
  if (d_args != NULL)
    {
      d_args[0] = log_beta - digamma (alpha) - log_x;
      d_args[1] = alpha / beta - 1.0 / x;
    }
  return finish (log_p, d_x, d_args, 2);
}

static double
inverse_gamma_sample (const gsl_rng *rng, const double *args)
{
  if (!is_positive (args[0]) || !is_positive (args[1]))
    return NAN;
  /* 1/X for X ~ Gamma(alpha, rate beta) */
  return inside_positive (1.0 / gsl_ran_gamma (rng, args[0], 1.0 / args[1]));
}

const CrDistribution cr_dist_inverse_gamma = {
  .name = "InverseGamma",
  .kind = CR_DIST_ELEMENTWISE,
  .n_args = 2,
  .arg_names = { "alpha", "beta" },
  .arg_domains = { CR_DOMAIN_POSITIVE, CR_DOMAIN_POSITIVE },
  .support = CR_SUPPORT_POSITIVE,
  .discrete = FALSE,
  .can_be_free = TRUE,
  .log_density = inverse_gamma_log_density,
  .sample = inverse_gamma_sample,
};

/* ---- Beta(alpha, beta) ----------------------------------------------------------------- */

static double
beta_log_density (double x, const double *args, double *d_x, double *d_args)
{
  double a = args[0], b = args[1];
  if (!(x >= 0.0 && x <= 1.0) || !is_positive (a) || !is_positive (b))
    return reject (d_x, d_args, 2);
  /* at an end the density is finite only when that end's exponent is 0 */
  if ((x == 0.0 && a != 1.0) || (x == 1.0 && b != 1.0))
    return reject (d_x, d_args, 2);

  /* (a - 1) log x with a = 1 is 0 even at x = 0, where log x = -inf */
  double log_x = log (x), log1m_x = log1p (-x);
  double term_x = a == 1.0 ? 0.0 : (a - 1.0) * log_x;
  double term_1m_x = b == 1.0 ? 0.0 : (b - 1.0) * log1m_x;
  double log_p = term_x + term_1m_x - ln_beta (a, b);
  if (d_x != NULL)
    *d_x = (a == 1.0 ? 0.0 : (a - 1.0) / x) - (b == 1.0 ? 0.0 : (b - 1.0) / (1.0 - x));
  if (d_args != NULL)
    {
      double digamma_sum = digamma (a + b);
      d_args[0] = log_x - digamma (a) + digamma_sum;
      d_args[1] = log1m_x - digamma (b) + digamma_sum;
    }
  return finish (log_p, d_x, d_args, 2);
}

static double
beta_sample (const gsl_rng *rng, const double *args)
{
  if (!is_positive (args[0]) || !is_positive (args[1]))
    return NAN;
  return inside_unit (gsl_ran_beta (rng, args[0], args[1]));
}

const CrDistribution cr_dist_beta = {
  .name = "Beta",
  .kind = CR_DIST_ELEMENTWISE,
  .n_args = 2,
  .arg_names = { "alpha", "beta" },
  .arg_domains = { CR_DOMAIN_POSITIVE, CR_DOMAIN_POSITIVE },
  .support = CR_SUPPORT_UNIT,
  .discrete = FALSE,
  .can_be_free = TRUE,
  .log_density = beta_log_density,
  .sample = beta_sample,
};

/* ---- Uniform(lower, upper) --------------------------------------------------------------- */

static double
uniform_log_density (double x, const double *args, double *d_x, double *d_args)
{
  double lower = args[0], upper = args[1];
  if (!is_real (lower) || !is_real (upper) || !(lower < upper) || !(x >= lower && x <= upper))
    return reject (d_x, d_args, 2);

  /* half the width, so that upper - lower cannot overflow */
  double half_width = 0.5 * upper - 0.5 * lower;
  double log_p = -(log (half_width) + CR_LOG_2);
  if (d_x != NULL)
    *d_x = 0.0;
  if (d_args != NULL)
    {
      d_args[0] = 0.5 / half_width;
      d_args[1] = -0.5 / half_width;
    }
  return finish (log_p, d_x, d_args, 2);
}

static double
uniform_sample (const gsl_rng *rng, const double *args)
{
  if (!is_real (args[0]) || !is_real (args[1]) || !(args[0] < args[1]))
    return NAN;
  /* lower + (upper - lower) u, with the width halved so it cannot overflow */
  double u = gsl_rng_uniform (rng);
  return args[0] + 2.0 * (0.5 * args[1] - 0.5 * args[0]) * u;
}

const CrDistribution cr_dist_uniform = {
  .name = "Uniform",
  .kind = CR_DIST_ELEMENTWISE,
  .n_args = 2,
  .arg_names = { "lower", "upper" },
  .arg_domains = { CR_DOMAIN_REAL, CR_DOMAIN_REAL },
  .support = CR_SUPPORT_INTERVAL,
  .discrete = FALSE,
  .can_be_free = TRUE,
  .log_density = uniform_log_density,
  .sample = uniform_sample,
};

/* ---- LogNormal(mu, sigma) -------------------------------------------------------------- */

static double
log_normal_log_density (double x, const double *args, double *d_x, double *d_args)
{
  double mu = args[0], sigma = args[1];
  if (!(x > 0.0 && x < INFINITY) || !is_real (mu) || !is_positive (sigma))
    return reject (d_x, d_args, 2);

  double log_x = log (x);
  double z = (log_x - mu) / sigma;
  double log_p = -log_x - log (sigma) - CR_LOG_SQRT_2PI - 0.5 * z * z;
  if (d_x != NULL)
    *d_x = -(1.0 + z / sigma) / x;
  if (d_args != NULL)
    {
      d_args[0] = z / sigma;
      d_args[1] = (z * z - 1.0) / sigma;
    }
  return finish (log_p, d_x, d_args, 2);
}

static double
log_normal_sample (const gsl_rng *rng, const double *args)
{
  if (!is_real (args[0]) || !is_positive (args[1]))
    return NAN;
  return inside_positive (gsl_ran_lognormal (rng, args[0], args[1]));
}

const CrDistribution cr_dist_log_normal = {
  .name = "LogNormal",
  .kind = CR_DIST_ELEMENTWISE,
  .n_args = 2,
  .arg_names = { "mu", "sigma" },
  .arg_domains = { CR_DOMAIN_REAL, CR_DOMAIN_POSITIVE },
  .support = CR_SUPPORT_POSITIVE,
  .discrete = FALSE,
  .can_be_free = TRUE,
  .log_density = log_normal_log_density,
  .sample = log_normal_sample,
};

/* ---- Weibull(alpha, beta): shape alpha, scale beta ------------------------------------- */

static double
weibull_log_density (double x, const double *args, double *d_x, double *d_args)
{
  double alpha = args[0], beta = args[1];
  if (!(x >= 0.0 && x < INFINITY) || !is_positive (alpha) || !is_positive (beta))
    return reject (d_x, d_args, 2);

  if (x == 0.0)
    {
      /* p(0) = 1/beta for alpha = 1, 0 for alpha > 1, unbounded for alpha < 1 */
      if (alpha != 1.0)
        return reject (d_x, d_args, 2);
      if (d_x != NULL)
        *d_x = -1.0 / beta;
      if (d_args != NULL)
        {
          d_args[0] = -INFINITY;
          d_args[1] = -1.0 / beta;
        }
      return -log (beta);
    }

  /* r = log(x / beta), from the quotient when it is representable: one rounding instead of
   * the cancellation of log x - log beta, which (x/beta)^alpha would amplify by alpha */
  double quotient = x / beta;
  double r = quotient > 0.0 && quotient < INFINITY ? log (quotient) : log (x) - log (beta);
  double t = exp (alpha * r); /* (x / beta)^alpha */
  double log_p = log (alpha) - log (beta) + (alpha - 1.0) * r - t;
  if (d_x != NULL)
    *d_x = (alpha - 1.0 - alpha * t) / x;
  if (d_args != NULL)
    {
      d_args[0] = 1.0 / alpha + r * (1.0 - t);
      d_args[1] = alpha * (t - 1.0) / beta;
    }
  return finish (log_p, d_x, d_args, 2);
}

static double
weibull_sample (const gsl_rng *rng, const double *args)
{
  if (!is_positive (args[0]) || !is_positive (args[1]))
    return NAN;
  /* GSL takes (scale, shape) */
  return inside_positive (gsl_ran_weibull (rng, args[1], args[0]));
}

const CrDistribution cr_dist_weibull = {
  .name = "Weibull",
  .kind = CR_DIST_ELEMENTWISE,
  .n_args = 2,
  .arg_names = { "alpha", "beta" },
  .arg_domains = { CR_DOMAIN_POSITIVE, CR_DOMAIN_POSITIVE },
  .support = CR_SUPPORT_POSITIVE,
  .discrete = FALSE,
  .can_be_free = TRUE,
  .log_density = weibull_log_density,
  .sample = weibull_sample,
};

/* ---- TruncatedNormal(mu, sigma, lower, upper) ------------------------------------------- */

/* The normal on [a, b] in standard units, a >= 0 (the upper tail; the lower tail is its
 * mirror image). With h the hazard φ/Q and Q(a) = φ(a)/h(a):
 *   log φ(z) - log Z = -(z - a)(z + a)/2 + log h(a) - log(1 - Q(b)/Q(a)),
 *   log(Q(b)/Q(a)) = -(b - a)(b + a)/2 - log h(b) + log h(a),
 * in which every piece is O(1) however far out a is, so nothing large cancels (the direct
 * log φ(z) - log Z subtracts two numbers near -a²/2). The differences and sums are passed
 * in formed from the original numbers (x - lower)/sigma and so on, for the same reason.
 * Also gives φ(a)/Z and φ(b)/Z, the derivatives of log Z in a and -b. */
typedef struct
{
  double z_minus_a, z_plus_a; /* z - a, z + a */
  double b_minus_a, b_plus_a; /* b - a, b + a (+inf when b is) */
  double a, b;
} TailInterval;

static double
truncated_normal_tail (const TailInterval *in, double *ratio_a, double *ratio_b)
{
  double log_hazard_a = log (normal_hazard (in->a));
  double log_q_ratio = -INFINITY;
  double hazard_b = 0.0;
  if (in->b < INFINITY)
    {
      hazard_b = normal_hazard (in->b);
      log_q_ratio = -0.5 * in->b_minus_a * in->b_plus_a - log (hazard_b) + log_hazard_a;
    }
  /* 1 - Q(b)/Q(a) = -expm1(log_q_ratio), 0 when the interval collapses (caught by finish) */
  double mass = -expm1 (log_q_ratio);
  *ratio_a = exp (log_hazard_a) / mass;
  *ratio_b = in->b < INFINITY ? hazard_b * exp (log_q_ratio) / mass : 0.0;
  return -0.5 * in->z_minus_a * in->z_plus_a + log_hazard_a - log (mass);
}

static double
truncated_normal_log_density (double x, const double *args, double *d_x, double *d_args)
{
  double mu = args[0], sigma = args[1], lower = args[2], upper = args[3];
  /* lower may be -inf and upper +inf: no bound on that side */
  if (!isfinite (x) || !is_real (mu) || !is_positive (sigma) || isnan (lower) || isnan (upper)
      || lower == INFINITY || upper == -INFINITY || !(lower < upper)
      || !(x >= lower && x <= upper))
    return reject (d_x, d_args, 4);

  double z = (x - mu) / sigma;
  double a = (lower - mu) / sigma, b = (upper - mu) / sigma;
  double log_kernel;       /* log φ(z) - log(Φ(b) - Φ(a)) */
  double ratio_a, ratio_b; /* φ(a) / Z, φ(b) / Z */

  if (a >= 0.0)
    {
      TailInterval in = {
        .z_minus_a = (x - lower) / sigma,
        .z_plus_a = (x + lower - 2.0 * mu) / sigma,
        .b_minus_a = (upper - lower) / sigma,
        .b_plus_a = (upper + lower - 2.0 * mu) / sigma,
        .a = a,
        .b = b,
      };
      log_kernel = truncated_normal_tail (&in, &ratio_a, &ratio_b);
    }
  else if (b <= 0.0)
    {
      /* the mirror image x -> -x maps [a, b] to [-b, -a] in the upper tail */
      TailInterval in = {
        .z_minus_a = (upper - x) / sigma,
        .z_plus_a = (2.0 * mu - x - upper) / sigma,
        .b_minus_a = (upper - lower) / sigma,
        .b_plus_a = (2.0 * mu - upper - lower) / sigma,
        .a = -b,
        .b = -a,
      };
      log_kernel = truncated_normal_tail (&in, &ratio_b, &ratio_a);
    }
  else
    {
      /* a < 0 < b: Φ(b) - Φ(a) = (erf(b/√2) + erf(-a/√2)) / 2 adds two non-negative terms,
       * so it keeps its relative precision even for a narrow interval around the mean */
      double log_z = log (0.5 * (erf (b / CR_SQRT_2) + erf (-a / CR_SQRT_2)));
      log_kernel = -0.5 * z * z - CR_LOG_SQRT_2PI - log_z;
      ratio_a = a == -INFINITY ? 0.0 : exp (-0.5 * a * a - CR_LOG_SQRT_2PI - log_z);
      ratio_b = b == INFINITY ? 0.0 : exp (-0.5 * b * b - CR_LOG_SQRT_2PI - log_z);
    }

  double log_p = log_kernel - log (sigma);
  if (d_x != NULL)
    *d_x = -z / sigma;
  if (d_args != NULL)
    {
      /* d log Z / da = -φ(a)/Z, d log Z / db = φ(b)/Z; a and b move with mu and sigma */
      double a_ratio_a = a == -INFINITY ? 0.0 : a * ratio_a;
      double b_ratio_b = b == INFINITY ? 0.0 : b * ratio_b;
      d_args[0] = (z - ratio_a + ratio_b) / sigma;
      d_args[1] = (z * z - 1.0 - a_ratio_a + b_ratio_b) / sigma;
      d_args[2] = ratio_a / sigma;
      d_args[3] = -ratio_b / sigma;
    }
  return finish (log_p, d_x, d_args, 4);
}

/* A standard normal draw on [a, b] of the given width, a < b, a >= -inf, b <= +inf, by
 * accept-reject (Robert 1995, "Simulation of truncated normal variables", Statistics and
 * Computing 5).
 * Proposals: the normal itself when the interval holds most of the mass, a uniform on [a, b]
 * when it is short, GSL's tail sampler (Marsaglia 1964) beyond a > 0. Where two apply, the
 * one with the higher acceptance rate is used, so every case accepts at least 1 - 1/e of
 * its proposals. */
static double
standard_truncated_normal_sample (const gsl_rng *rng, double a, double b, double width)
{
  if (b <= 0.0)
    return -standard_truncated_normal_sample (rng, -b, -a, width);

  double log_mass_uniform = -INFINITY; /* log of the uniform proposal's acceptance rate */
  if (width < INFINITY)
    {
      /* acceptance = Z / ((b - a) max φ), max at 0 or at a */
      double peak = a > 0.0 ? a : 0.0;
      double log_z;
      if (a >= 0.0)
        {
          double hazard_a = normal_hazard (a);
          double log_q_a = -0.5 * a * a - CR_LOG_SQRT_2PI - log (hazard_a);
          double log_q_ratio = -0.5 * width * (b + a) - log (normal_hazard (b)) + log (hazard_a);
          log_z = log_q_a + cr_log1m_exp (log_q_ratio);
        }
      else
        log_z = log (0.5 * (erf (b / CR_SQRT_2) + erf (-a / CR_SQRT_2)));
      log_mass_uniform = log_z - log (width) + 0.5 * peak * peak + CR_LOG_SQRT_2PI;
    }

  if (a <= 0.0)
    {
      /* Z >= 1/2 - Q(width) here; the plain normal accepts that fraction */
      double log_mass_normal = log (0.5 * (erf (b / CR_SQRT_2) + erf (-a / CR_SQRT_2)));
      if (log_mass_normal >= log_mass_uniform)
        for (;;)
          {
            double z = gsl_ran_gaussian (rng, 1.0);
            if (z >= a && z <= b)
              return z;
          }
    }
  else
    {
      /* GSL's tail sampler draws z > a; keeping those <= b accepts 1 - Q(b)/Q(a) */
      double log_q_ratio = -INFINITY;
      if (b < INFINITY)
        log_q_ratio = -0.5 * width * (b + a) - log (normal_hazard (b)) + log (normal_hazard (a));
      double log_mass_tail = cr_log1m_exp (log_q_ratio);
      if (log_mass_tail >= log_mass_uniform)
        for (;;)
          {
            double z = gsl_ran_gaussian_tail (rng, a, 1.0);
            if (z <= b)
              return z;
          }
    }

  /* uniform proposal, accepted with probability φ(z) / φ(peak) */
  double peak = a > 0.0 ? a : 0.0;
  for (;;)
    {
      double z = a + width * gsl_rng_uniform (rng);
      double u = gsl_rng_uniform_pos (rng);
      if (log (u) <= -0.5 * (z - peak) * (z + peak))
        return z;
    }
}

static double
truncated_normal_sample (const gsl_rng *rng, const double *args)
{
  double mu = args[0], sigma = args[1], lower = args[2], upper = args[3];
  if (!is_real (mu) || !is_positive (sigma) || isnan (lower) || isnan (upper)
      || lower == INFINITY || upper == -INFINITY || !(lower < upper))
    return NAN;

  /* the width from the bounds themselves, exact where (upper - mu) - (lower - mu) is not */
  double z = standard_truncated_normal_sample (rng, (lower - mu) / sigma, (upper - mu) / sigma,
                                               (upper - lower) / sigma);
  /* rounding in mu + sigma z must not step outside the bounds */
  return CLAMP (mu + sigma * z, lower, upper);
}

const CrDistribution cr_dist_truncated_normal = {
  .name = "TruncatedNormal",
  .kind = CR_DIST_ELEMENTWISE,
  .n_args = 4,
  .arg_names = { "mu", "sigma", "lower", "upper" },
  /* lower may also be -inf and upper +inf (no bound); dist.c allows exactly that */
  .arg_domains = { CR_DOMAIN_REAL, CR_DOMAIN_POSITIVE, CR_DOMAIN_REAL, CR_DOMAIN_REAL },
  .support = CR_SUPPORT_INTERVAL,
  .discrete = FALSE,
  .can_be_free = TRUE,
  .log_density = truncated_normal_log_density,
  .sample = truncated_normal_sample,
};

/* ---- SkewNormal(mu, sigma, alpha): 2/sigma φ(z) Φ(alpha z) ----------------------------- */

static double
skew_normal_log_density (double x, const double *args, double *d_x, double *d_args)
{
  double mu = args[0], sigma = args[1], alpha = args[2];
  if (!isfinite (x) || !is_real (mu) || !is_positive (sigma) || !is_real (alpha))
    return reject (d_x, d_args, 3);

  double z = (x - mu) / sigma;
  double w = alpha * z;
  double log_p = CR_LOG_2 - log (sigma) - CR_LOG_SQRT_2PI - 0.5 * z * z + log_normal_cdf (w);
  /* d/dz = -z + alpha φ(w)/Φ(w); the ratio is formed without underflow for w << 0 */
  double mills = normal_cdf_log_derivative (w);
  double d_z = -z + alpha * mills;
  if (d_x != NULL)
    *d_x = d_z / sigma;
  if (d_args != NULL)
    {
      d_args[0] = -d_z / sigma;
      d_args[1] = (-1.0 - z * d_z) / sigma;
      d_args[2] = z * mills;
    }
  return finish (log_p, d_x, d_args, 3);
}

static double
skew_normal_sample (const gsl_rng *rng, const double *args)
{
  double mu = args[0], sigma = args[1], alpha = args[2];
  if (!is_real (mu) || !is_positive (sigma) || !is_real (alpha))
    return NAN;
  /* Azzalini and Dalla Valle 1996, section 2: with delta = alpha / √(1 + alpha²) and u0, v
   * independent standard normals, u1 = delta u0 + √(1 - delta²) v taken with the sign of u0
   * is SkewNormal(0, 1, alpha). */
  double scale = sqrt (1.0 + alpha * alpha);
  double delta = alpha / scale;
  double u0 = gsl_ran_gaussian (rng, 1.0);
  double v = gsl_ran_gaussian (rng, 1.0);
  double u1 = delta * u0 + v / scale;
  return mu + sigma * (u0 >= 0.0 ? u1 : -u1);
}

const CrDistribution cr_dist_skew_normal = {
  .name = "SkewNormal",
  .kind = CR_DIST_ELEMENTWISE,
  .n_args = 3,
  .arg_names = { "mu", "sigma", "alpha" },
  .arg_domains = { CR_DOMAIN_REAL, CR_DOMAIN_POSITIVE, CR_DOMAIN_REAL },
  .support = CR_SUPPORT_REAL,
  .discrete = FALSE,
  .can_be_free = TRUE,
  .log_density = skew_normal_log_density,
  .sample = skew_normal_sample,
};
