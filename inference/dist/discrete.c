/* discrete.c: the count and category distributions of LANGUAGE.md, with PyMC's
 * parameterisations, and numeric helpers shared with multivariate.c.
 *
 * Every log density is the full log probability mass (binomial coefficients and factorials
 * included). A value that is not an integer inside the support, or an argument outside its
 * domain (NaN and ±inf included), gives -INFINITY with every derivative 0. The derivative in
 * the value is always 0 (the value is discrete), and so is the one in an integer argument.
 *
 * Boundaries where the mass is still positive are limits, not errors: Bernoulli(0) at 0,
 * Binomial(n, 1) at n, ZeroInflatedPoisson(0, mu) at 0, and Poisson(0) at 0 (log 1 = 0, the
 * point mass at 0; Poisson's mu keeps the POSITIVE domain in the table, so
 * cr_dist_check_arg () still refuses mu = 0 in a model).
 *
 * The samplers expect arguments inside their domains (cr_dist_check_arg () says so); outside
 * them they return NaN. They return integral doubles, exactly, for any count representable in
 * a double: GSL's count generators return unsigned int, so larger binomials and Poissons are
 * first split into smaller ones by beta and gamma splitting (Knuth, TAOCP vol. 2, 3rd ed.,
 * sec. 3.4.1 F).
 *
 * Masses near their mode are computed by Loader's method (below) so that they keep full
 * relative precision for large counts.
 */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_psi.h>
#include <math.h>

#include "cr-math.h"
#include "dist/dist-private.h"

/* The largest count handed to GSL's generators: their results are unsigned int, and a
 * Poisson or binomial with a mean below 2^30 stays far below 2^32. */
#define CR_RAN_GSL_MAX_COUNT 1073741824.0

/* --- helpers shared with multivariate.c --------------------------------------------------- */

double
cr_dist_lngamma (double x)
{
  gsl_sf_result result;
  if (gsl_sf_lngamma_e (x, &result) != GSL_SUCCESS)
    return NAN;
  return result.val;
}

double
cr_dist_lnbeta (double a, double b)
{
  gsl_sf_result result;
  if (gsl_sf_lnbeta_e (a, b, &result) != GSL_SUCCESS)
    return NAN;
  return result.val;
}

double
cr_dist_digamma (double x)
{
  gsl_sf_result result;
  if (gsl_sf_psi_e (x, &result) != GSL_SUCCESS)
    return NAN;
  return result.val;
}

gboolean
cr_dist_is_simplex (const double *p, size_t k)
{
  double sum = 0.0;
  if (k < 2)
    return FALSE;
  for (size_t i = 0; i < k; i++)
    {
      if (!(p[i] >= 0.0 && p[i] <= 1.0))
        return FALSE;
      sum += p[i];
    }
  return fabs (sum - 1.0) <= CR_DIST_SIMPLEX_TOLERANCE;
}

size_t
cr_dist_draw_index (const gsl_rng *rng, const double *p, size_t k)
{
  /* Inversion of the cumulative sum. The weights may sum to 1 only within the simplex
   * tolerance, so u is scaled by their sum, and rounding past the end lands on the last
   * index of positive weight, never on one of weight 0. */
  double sum = 0.0;
  size_t last = 0;
  for (size_t i = 0; i < k; i++)
    {
      sum += p[i];
      if (p[i] > 0.0)
        last = i;
    }
  double u = gsl_rng_uniform (rng) * sum;
  double cumulative = 0.0;
  for (size_t i = 0; i < k; i++)
    {
      cumulative += p[i];
      if (u < cumulative && p[i] > 0.0)
        return i;
    }
  return last;
}

double
cr_dist_ran_binomial (const gsl_rng *rng, double n, double p)
{
  /* Beta splitting: the a-th smallest of n uniforms is Y ~ Beta(a, n + 1 - a). The a - 1
   * uniforms below it are uniform on (0, Y), the n - a above it uniform on (Y, 1); so the
   * count below p is Binomial(a - 1, p / Y) when Y >= p, else a + Binomial(n - a,
   * (p - Y) / (1 - Y)). Knuth, TAOCP vol. 2, 3rd ed., sec. 3.4.1 F. */
  double count = 0.0;
  while (n > CR_RAN_GSL_MAX_COUNT)
    {
      double a = floor (n / 2.0) + 1.0;
      double y = gsl_ran_beta (rng, a, n + 1.0 - a);
      if (y >= p)
        {
          n = a - 1.0;
          p /= y;
        }
      else
        {
          count += a;
          n -= a;
          p = (p - y) / (1.0 - y);
        }
    }
  return count + (double) gsl_ran_binomial (rng, p, (unsigned int) n);
}

double
cr_dist_ran_poisson (const gsl_rng *rng, double mu)
{
  /* Gamma splitting: in a unit-rate Poisson process the m-th arrival is at X ~ Gamma(m, 1).
   * If X >= mu the arrivals before mu are the first m - 1, each uniform on (0, X), below mu
   * with probability mu / X; otherwise m arrivals precede X and the rest of (X, mu) is a
   * Poisson process again. Knuth, TAOCP vol. 2, 3rd ed., sec. 3.4.1 F. */
  double count = 0.0;
  while (mu > CR_RAN_GSL_MAX_COUNT)
    {
      double m = floor (mu * 0.875);
      double x = gsl_ran_gamma (rng, m, 1.0);
      if (x >= mu)
        return count + cr_dist_ran_binomial (rng, m - 1.0, mu / x);
      count += m;
      mu -= x;
    }
  return count + (double) gsl_ran_poisson (rng, mu);
}

/* --- log masses without cancellation --------------------------------------------------------
 *
 * Written directly, a log mass near its mode is a small difference of terms of size x log x
 * (x log mu - mu - log x! for a Poisson), which loses about log10(x log x) digits. Loader
 * (2000, "Fast and accurate computation of binomial probabilities") rewrites the masses with
 * the remainder of Stirling's series and a deviance term computed by a series near the mode,
 * which keeps full relative precision. */

/* Stirling's remainder μ(z) = log Γ(z) - (z - 1/2) log z + z - log sqrt(2π), for z > 0; also
 * Loader's stirlerr(n) = log n! - log(sqrt(2πn) (n/e)^n) = μ(n). Above 10 the asymptotic
 * series Σ B_2k / (2k (2k - 1) z^(2k - 1)) to B_14 (next term below 3e-17 at z = 10); below,
 * the definition, where its terms are small (or, for z near 0, dominated by log Γ(z)). */
static double
stirling_remainder (double z)
{
  if (z < 10.0)
    return cr_dist_lngamma (z) - (z - 0.5) * log (z) + z - CR_LOG_SQRT_2PI;
  double w = 1.0 / (z * z);
  return (1.0 / 12.0
          - w * (1.0 / 360.0
                 - w * (1.0 / 1260.0
                        - w * (1.0 / 1680.0
                               - w * (1.0 / 1188.0 - w * (691.0 / 360360.0 - w / 156.0))))))
         / z;
}

/* x log(x / m) + m - x >= 0, for x >= 0 and m >= 0: Loader's bd0, by the series of
 * log((1 + v) / (1 - v)), v = (x - m) / (x + m), where x and m are close. +inf for m = 0 < x. */
static double
deviance_term (double x, double m)
{
  if (x == 0.0)
    return m;
  if (fabs (x - m) < 0.1 * (x + m))
    {
      /* (x - m) v + 2 x Σ_{j >= 1} v^(2j+1) / (2j + 1); |v| < 0.053, so a few terms. */
      double v = (x - m) / (x + m);
      double sum = (x - m) * v, power = 2.0 * x * v, v2 = v * v;
      for (int j = 1; j < 100; j++)
        {
          power *= v2;
          double next = sum + power / (2 * j + 1);
          if (next == sum)
            break;
          sum = next;
        }
      return sum;
    }
  return x * log (x / m) + m - x;
}

/* log [Γ(n + 1) / (Γ(k + 1) Γ(n - k + 1)) p^k q^(n - k)] for real 0 < k < n, p + q = 1 with
 * both given (so that neither is computed as 1 minus the other): Loader 2000, the saddle
 * point expansion with the exact Stirling remainders. */
static double
binomial_saddle (double k, double n, double p, double q)
{
  return stirling_remainder (n) - stirling_remainder (k) - stirling_remainder (n - k)
         - deviance_term (k, n * p) - deviance_term (n - k, n * q)
         - CR_LOG_SQRT_2PI - 0.5 * (log (k) + log1p (-k / n));
}

/* log Γ(a + x) / Γ(a) for a > 0, x >= 0: with μ as above it is (a - 1/2) log1p(x / a)
 * + x log(a + x) - x + μ(a + x) - μ(a), free of the cancellation between two log-gammas of
 * large a (GSL's lnpoch loses 1e-11 relative at a = 1e4, x = 1). */
static double
log_rising_factorial (double a, double x)
{
  if (x == 0.0)
    return 0.0;
  return (a - 0.5) * log1p (x / a) + x * log (a + x) - x + stirling_remainder (a + x)
         - stirling_remainder (a);
}

/* --- argument and value checks ------------------------------------------------------------- */

static inline gboolean
is_probability (double p)
{
  return p >= 0.0 && p <= 1.0;
}

static inline gboolean
is_positive (double a)
{
  return a > 0.0 && a < INFINITY;
}

static inline gboolean
is_real (double a)
{
  return isfinite (a);
}

static inline gboolean
is_integer (double a)
{
  return isfinite (a) && a == floor (a);
}

static inline gboolean
is_count (double a)
{
  return is_integer (a) && a >= 0.0;
}

/* Hands back an elementwise result: the log density and its gradient, or -INFINITY with
 * zero gradients when the density is 0 or the arithmetic overflowed (NaN) at an extreme
 * argument. The derivative in a discrete value is always 0. */
static double
finish (double lp, const double *grad, guint n_args, double *d_x, double *d_args)
{
  gboolean finite = lp > -INFINITY && lp < INFINITY;
  if (d_x != NULL)
    *d_x = 0.0;
  if (d_args != NULL)
    for (guint k = 0; k < n_args; k++)
      d_args[k] = finite ? grad[k] : 0.0;
  return finite ? lp : -INFINITY;
}

/* log C(n, k) = -log(n + 1) - log B(n - k + 1, k + 1), one log-beta where three
 * log-factorials would cancel each other. */
static double
log_choose (double n, double k)
{
  if (k == 0.0 || k == n)
    return 0.0;
  return -log1p (n) - cr_dist_lnbeta (n - k + 1.0, k + 1.0);
}

/* log Binomial(x | n, p) for counts 0 <= x <= n, with q = 1 - p and both logs given by the
 * caller (each computed the accurate way for its parameterisation). */
static double
binomial_log_mass (double x, double n, double p, double q, double log_p, double log_q)
{
  if (n == 0.0)
    return 0.0;
  if (x == 0.0)
    return n * log_q;
  if (x == n)
    return n * log_p;
  return binomial_saddle (x, n, p, q);
}

/* --- Bernoulli ----------------------------------------------------------------------------- */

static double
bernoulli_log_density (double x, const double *args, double *d_x, double *d_args)
{
  double p = args[0];
  double grad[1] = { 0.0 };
  double lp = -INFINITY;
  if (is_probability (p) && (x == 0.0 || x == 1.0))
    {
      if (x == 1.0)
        {
          lp = log (p);
          grad[0] = 1.0 / p;
        }
      else
        {
          lp = log1p (-p);
          grad[0] = -1.0 / (1.0 - p);
        }
    }
  return finish (lp, grad, 1, d_x, d_args);
}

static double
bernoulli_sample (const gsl_rng *rng, const double *args)
{
  double p = args[0];
  if (!is_probability (p))
    return NAN;
  return gsl_rng_uniform (rng) < p ? 1.0 : 0.0;
}

const CrDistribution cr_dist_bernoulli = {
  .name = "Bernoulli",
  .kind = CR_DIST_ELEMENTWISE,
  .n_args = 1,
  .arg_names = { "p" },
  .arg_domains = { CR_DOMAIN_PROBABILITY },
  .support = CR_SUPPORT_BINARY,
  .discrete = TRUE,
  .can_be_free = FALSE,
  .log_density = bernoulli_log_density,
  .sample = bernoulli_sample,
};

/* --- BernoulliLogit ------------------------------------------------------------------------ */

static double
bernoulli_logit_log_density (double x, const double *args, double *d_x, double *d_args)
{
  double logit_p = args[0];
  double grad[1] = { 0.0 };
  double lp = -INFINITY;
  if (is_real (logit_p) && (x == 0.0 || x == 1.0))
    {
      /* log inv_logit and its complement never round p to 0 or 1, so the mass of the
       * unlikely outcome stays finite for every finite logit_p. */
      lp = x == 1.0 ? cr_log_inv_logit (logit_p) : cr_log1m_inv_logit (logit_p);
      grad[0] = x - cr_inv_logit (logit_p);
    }
  return finish (lp, grad, 1, d_x, d_args);
}

static double
bernoulli_logit_sample (const gsl_rng *rng, const double *args)
{
  double logit_p = args[0];
  if (!is_real (logit_p))
    return NAN;
  return gsl_rng_uniform (rng) < cr_inv_logit (logit_p) ? 1.0 : 0.0;
}

const CrDistribution cr_dist_bernoulli_logit = {
  .name = "BernoulliLogit",
  .kind = CR_DIST_ELEMENTWISE,
  .n_args = 1,
  .arg_names = { "logit_p" },
  .arg_domains = { CR_DOMAIN_REAL },
  .support = CR_SUPPORT_BINARY,
  .discrete = TRUE,
  .can_be_free = FALSE,
  .log_density = bernoulli_logit_log_density,
  .sample = bernoulli_logit_sample,
};

/* --- Binomial ------------------------------------------------------------------------------ */

static double
binomial_log_density (double x, const double *args, double *d_x, double *d_args)
{
  double n = args[0], p = args[1];
  double grad[2] = { 0.0, 0.0 };
  double lp = -INFINITY;
  if (is_count (n) && is_probability (p) && is_count (x) && x <= n)
    {
      /* 0 log 0 = 0: a p of 0 or 1 keeps the one outcome it allows at log mass 0. */
      lp = binomial_log_mass (x, n, p, 1.0 - p, log (p), log1p (-p));
      if (x > 0.0)
        grad[1] += x / p;
      if (n - x > 0.0)
        grad[1] -= (n - x) / (1.0 - p);
    }
  return finish (lp, grad, 2, d_x, d_args);
}

static double
binomial_sample (const gsl_rng *rng, const double *args)
{
  double n = args[0], p = args[1];
  if (!is_count (n) || !is_probability (p))
    return NAN;
  return cr_dist_ran_binomial (rng, n, p);
}

const CrDistribution cr_dist_binomial = {
  .name = "Binomial",
  .kind = CR_DIST_ELEMENTWISE,
  .n_args = 2,
  .arg_names = { "n", "p" },
  .arg_domains = { CR_DOMAIN_NONNEGATIVE_INTEGER, CR_DOMAIN_PROBABILITY },
  .support = CR_SUPPORT_BOUNDED_INTEGER,
  .discrete = TRUE,
  .can_be_free = FALSE,
  .log_density = binomial_log_density,
  .sample = binomial_sample,
};

/* --- BinomialLogit ------------------------------------------------------------------------- */

static double
binomial_logit_log_density (double x, const double *args, double *d_x, double *d_args)
{
  double n = args[0], logit_p = args[1];
  double grad[2] = { 0.0, 0.0 };
  double lp = -INFINITY;
  if (is_count (n) && is_real (logit_p) && is_count (x) && x <= n)
    {
      lp = binomial_log_mass (x, n, cr_inv_logit (logit_p), cr_inv_logit (-logit_p),
                              cr_log_inv_logit (logit_p), cr_log1m_inv_logit (logit_p));
      grad[1] = x - n * cr_inv_logit (logit_p);
    }
  return finish (lp, grad, 2, d_x, d_args);
}

static double
binomial_logit_sample (const gsl_rng *rng, const double *args)
{
  double n = args[0], logit_p = args[1];
  if (!is_count (n) || !is_real (logit_p))
    return NAN;
  return cr_dist_ran_binomial (rng, n, cr_inv_logit (logit_p));
}

const CrDistribution cr_dist_binomial_logit = {
  .name = "BinomialLogit",
  .kind = CR_DIST_ELEMENTWISE,
  .n_args = 2,
  .arg_names = { "n", "logit_p" },
  .arg_domains = { CR_DOMAIN_NONNEGATIVE_INTEGER, CR_DOMAIN_REAL },
  .support = CR_SUPPORT_BOUNDED_INTEGER,
  .discrete = TRUE,
  .can_be_free = FALSE,
  .log_density = binomial_logit_log_density,
  .sample = binomial_logit_sample,
};

/* --- BetaBinomial -------------------------------------------------------------------------- */

static double
beta_binomial_log_density (double x, const double *args, double *d_x, double *d_args)
{
  double n = args[0], alpha = args[1], beta = args[2];
  double grad[3] = { 0.0, 0.0, 0.0 };
  double lp = -INFINITY;
  if (is_count (n) && is_positive (alpha) && is_positive (beta) && is_count (x) && x <= n)
    {
      /* C(n, x) B(x + alpha, n - x + beta) / B(alpha, beta), with the ratio of beta
       * functions as rising factorials, (alpha)_x (beta)_(n-x) / (alpha + beta)_n, which
       * stays accurate when alpha and beta are large. */
      lp = log_choose (n, x) + log_rising_factorial (alpha, x)
           + log_rising_factorial (beta, n - x) - log_rising_factorial (alpha + beta, n);
      double psi_total = cr_dist_digamma (n + alpha + beta) - cr_dist_digamma (alpha + beta);
      grad[1] = cr_dist_digamma (x + alpha) - cr_dist_digamma (alpha) - psi_total;
      grad[2] = cr_dist_digamma (n - x + beta) - cr_dist_digamma (beta) - psi_total;
    }
  return finish (lp, grad, 3, d_x, d_args);
}

static double
beta_binomial_sample (const gsl_rng *rng, const double *args)
{
  double n = args[0], alpha = args[1], beta = args[2];
  if (!is_count (n) || !is_positive (alpha) || !is_positive (beta))
    return NAN;
  return cr_dist_ran_binomial (rng, n, gsl_ran_beta (rng, alpha, beta));
}

const CrDistribution cr_dist_beta_binomial = {
  .name = "BetaBinomial",
  .kind = CR_DIST_ELEMENTWISE,
  .n_args = 3,
  .arg_names = { "n", "alpha", "beta" },
  .arg_domains = { CR_DOMAIN_NONNEGATIVE_INTEGER, CR_DOMAIN_POSITIVE, CR_DOMAIN_POSITIVE },
  .support = CR_SUPPORT_BOUNDED_INTEGER,
  .discrete = TRUE,
  .can_be_free = FALSE,
  .log_density = beta_binomial_log_density,
  .sample = beta_binomial_sample,
};

/* --- Poisson ------------------------------------------------------------------------------- */

/* log Poisson(x | mu) for a count x and mu > 0, or mu = 0 (all mass at 0); *d_mu gets its
 * derivative in mu. */
static double
poisson_log_mass (double x, double mu, double *d_mu)
{
  if (x == 0.0)
    {
      *d_mu = -1.0;
      return -mu;
    }
  *d_mu = x / mu - 1.0;
  /* Loader 2000: log(mu^x e^-mu / x!) = -μ(x) - bd0(x, mu) - log sqrt(2π x). */
  return -stirling_remainder (x) - deviance_term (x, mu) - CR_LOG_SQRT_2PI - 0.5 * log (x);
}

static double
poisson_log_density (double x, const double *args, double *d_x, double *d_args)
{
  double mu = args[0];
  double grad[1] = { 0.0 };
  double lp = -INFINITY;
  if (mu >= 0.0 && mu < INFINITY && is_count (x))
    lp = poisson_log_mass (x, mu, &grad[0]);
  return finish (lp, grad, 1, d_x, d_args);
}

static double
poisson_sample (const gsl_rng *rng, const double *args)
{
  double mu = args[0];
  if (!(mu >= 0.0 && mu < INFINITY))
    return NAN;
  return cr_dist_ran_poisson (rng, mu);
}

const CrDistribution cr_dist_poisson = {
  .name = "Poisson",
  .kind = CR_DIST_ELEMENTWISE,
  .n_args = 1,
  .arg_names = { "mu" },
  .arg_domains = { CR_DOMAIN_POSITIVE },
  .support = CR_SUPPORT_NONNEGATIVE_INTEGER,
  .discrete = TRUE,
  .can_be_free = FALSE,
  .log_density = poisson_log_density,
  .sample = poisson_sample,
};

/* --- PoissonLog ---------------------------------------------------------------------------- */

static double
poisson_log_log_density (double x, const double *args, double *d_x, double *d_args)
{
  double log_mu = args[0];
  double grad[1] = { 0.0 };
  double lp = -INFINITY;
  if (is_real (log_mu) && is_count (x))
    {
      /* Below log_mu = 0 the direct x log_mu - mu - log x! adds terms of one sign, so it
       * is accurate, and it keeps working where e^log_mu underflows. Above, Loader's form
       * of the Poisson mass (an overflowing e^log_mu, log_mu > 709, gives -inf, the mass
       * to double precision). */
      double mu = exp (log_mu), unused;
      if (log_mu < 0.0)
        lp = x * log_mu - mu - (x == 0.0 ? 0.0 : cr_dist_lngamma (x + 1.0));
      else
        lp = poisson_log_mass (x, mu, &unused);
      grad[0] = x - mu;
    }
  return finish (lp, grad, 1, d_x, d_args);
}

static double
poisson_log_sample (const gsl_rng *rng, const double *args)
{
  double log_mu = args[0];
  if (!is_real (log_mu))
    return NAN;
  return cr_dist_ran_poisson (rng, exp (log_mu));
}

const CrDistribution cr_dist_poisson_log = {
  .name = "PoissonLog",
  .kind = CR_DIST_ELEMENTWISE,
  .n_args = 1,
  .arg_names = { "log_mu" },
  .arg_domains = { CR_DOMAIN_REAL },
  .support = CR_SUPPORT_NONNEGATIVE_INTEGER,
  .discrete = TRUE,
  .can_be_free = FALSE,
  .log_density = poisson_log_log_density,
  .sample = poisson_log_sample,
};

/* --- NegativeBinomial ---------------------------------------------------------------------- */

static double
negative_binomial_log_density (double x, const double *args, double *d_x, double *d_args)
{
  double mu = args[0], alpha = args[1];
  double grad[2] = { 0.0, 0.0 };
  double lp = -INFINITY;
  if (is_positive (mu) && is_positive (alpha) && is_count (x))
    {
      /* PyMC's NegativeBinomial(mu, alpha) is NB(n = alpha, p = alpha / (mu + alpha)):
       * Γ(x + α) / (x! Γ(α)) p^α q^x, q = μ / (μ + α), mean μ, variance μ + μ²/α. At
       * x = 0 that is -α log1p(μ / α), exact also in the Poisson limit of large α; above,
       * the mass is α / (x + α) times a binomial mass of α successes in x + α trials,
       * evaluated by Loader's method (as R's dnbinom does). */
      double p = alpha / (mu + alpha), q = mu / (mu + alpha);
      if (x == 0.0)
        lp = -alpha * log1p (mu / alpha);
      else
        lp = log (alpha / (x + alpha)) + binomial_saddle (alpha, x + alpha, p, q);
      grad[0] = (x > 0.0 ? x / mu : 0.0) - (x + alpha) / (mu + alpha);
      grad[1] = cr_dist_digamma (x + alpha) - cr_dist_digamma (alpha) - log1p (mu / alpha)
                + (mu - x) / (mu + alpha);
    }
  return finish (lp, grad, 2, d_x, d_args);
}

static double
negative_binomial_sample (const gsl_rng *rng, const double *args)
{
  double mu = args[0], alpha = args[1];
  if (!is_positive (mu) || !is_positive (alpha))
    return NAN;
  /* The gamma-Poisson mixture: a rate from Gamma(shape alpha, scale mu / alpha). */
  return cr_dist_ran_poisson (rng, gsl_ran_gamma (rng, alpha, mu / alpha));
}

const CrDistribution cr_dist_negative_binomial = {
  .name = "NegativeBinomial",
  .kind = CR_DIST_ELEMENTWISE,
  .n_args = 2,
  .arg_names = { "mu", "alpha" },
  .arg_domains = { CR_DOMAIN_POSITIVE, CR_DOMAIN_POSITIVE },
  .support = CR_SUPPORT_NONNEGATIVE_INTEGER,
  .discrete = TRUE,
  .can_be_free = FALSE,
  .log_density = negative_binomial_log_density,
  .sample = negative_binomial_sample,
};

/* --- ZeroInflatedPoisson ------------------------------------------------------------------- */

static double
zero_inflated_poisson_log_density (double x, const double *args, double *d_x, double *d_args)
{
  double psi = args[0], mu = args[1];
  double grad[2] = { 0.0, 0.0 };
  double lp = -INFINITY;
  if (is_probability (psi) && is_positive (mu) && is_count (x))
    {
      if (x == 0.0)
        {
          /* P(0) = (1 - psi) + psi e^-mu, summed in log space so that neither a psi near 1
           * nor a large mu loses the smaller part. */
          lp = cr_log_add_exp (log1p (-psi), log (psi) - mu);
          grad[0] = expm1 (-mu) * exp (-lp);
          grad[1] = -psi * exp (-mu - lp);
        }
      else
        {
          lp = log (psi) + poisson_log_mass (x, mu, &grad[1]);
          grad[0] = 1.0 / psi;
        }
    }
  return finish (lp, grad, 2, d_x, d_args);
}

static double
zero_inflated_poisson_sample (const gsl_rng *rng, const double *args)
{
  double psi = args[0], mu = args[1];
  if (!is_probability (psi) || !is_positive (mu))
    return NAN;
  return gsl_rng_uniform (rng) < psi ? cr_dist_ran_poisson (rng, mu) : 0.0;
}

const CrDistribution cr_dist_zero_inflated_poisson = {
  .name = "ZeroInflatedPoisson",
  .kind = CR_DIST_ELEMENTWISE,
  .n_args = 2,
  .arg_names = { "psi", "mu" },
  .arg_domains = { CR_DOMAIN_PROBABILITY, CR_DOMAIN_POSITIVE },
  .support = CR_SUPPORT_NONNEGATIVE_INTEGER,
  .discrete = TRUE,
  .can_be_free = FALSE,
  .log_density = zero_inflated_poisson_log_density,
  .sample = zero_inflated_poisson_sample,
};

/* --- DiscreteUniform ----------------------------------------------------------------------- */

static double
discrete_uniform_log_density (double x, const double *args, double *d_x, double *d_args)
{
  double lower = args[0], upper = args[1];
  double grad[2] = { 0.0, 0.0 };
  double lp = -INFINITY;
  if (is_integer (lower) && is_integer (upper) && lower <= upper && is_integer (x)
      && x >= lower && x <= upper)
    lp = -log1p (upper - lower);
  return finish (lp, grad, 2, d_x, d_args);
}

static double
discrete_uniform_sample (const gsl_rng *rng, const double *args)
{
  double lower = args[0], upper = args[1];
  if (!is_integer (lower) || !is_integer (upper) || lower > upper)
    return NAN;
  double width = upper - lower + 1.0;
  /* gsl_rng_uniform_int is exact but limited to the generator's range; wider ranges (beyond
   * 2^32 integers for MT19937) use a uniform in [0, 1) scaled, which is uniform to 2^-53. */
  if (width - 1.0 <= (double) (gsl_rng_max (rng) - gsl_rng_min (rng)))
    return lower + (double) gsl_rng_uniform_int (rng, (unsigned long) width);
  return fmin (upper, lower + floor (gsl_rng_uniform (rng) * width));
}

const CrDistribution cr_dist_discrete_uniform = {
  .name = "DiscreteUniform",
  .kind = CR_DIST_ELEMENTWISE,
  .n_args = 2,
  .arg_names = { "lower", "upper" },
  .arg_domains = { CR_DOMAIN_INTEGER, CR_DOMAIN_INTEGER },
  .support = CR_SUPPORT_BOUNDED_INTEGER,
  .discrete = TRUE,
  .can_be_free = FALSE,
  .log_density = discrete_uniform_log_density,
  .sample = discrete_uniform_sample,
};

/* --- Categorical --------------------------------------------------------------------------- */

static double
categorical_log_density_vector (const double *x,
                                size_t n_x,
                                const double *const *args,
                                const size_t *arg_len,
                                double *d_x,
                                double *const *d_args,
                                double *pointwise)
{
  const double *p = args[0];
  size_t k = arg_len[0];
  gboolean valid = cr_dist_is_simplex (p, k);

  /* First make sure every term is finite, so that nothing is accumulated for a draw of
   * density 0 (then every pointwise term is -inf). */
  for (size_t i = 0; valid && i < n_x; i++)
    valid = is_count (x[i]) && x[i] < (double) k && p[(size_t) x[i]] > 0.0;
  if (!valid)
    {
      if (pointwise != NULL)
        for (size_t i = 0; i < n_x; i++)
          pointwise[i] = -INFINITY;
      return -INFINITY;
    }

  double *d_p = d_args != NULL ? d_args[0] : NULL;
  double total = 0.0;
  for (size_t i = 0; i < n_x; i++)
    {
      size_t code = (size_t) x[i];
      double term = log (p[code]);
      total += term;
      if (pointwise != NULL)
        pointwise[i] = term;
      if (d_p != NULL)
        d_p[code] += 1.0 / p[code];
    }
  return total;
}

static void
categorical_sample_vector (const gsl_rng *rng,
                           const double *const *args,
                           const size_t *arg_len,
                           double *x,
                           size_t n_x)
{
  const double *p = args[0];
  size_t k = arg_len[0];
  gboolean valid = cr_dist_is_simplex (p, k);
  for (size_t i = 0; i < n_x; i++)
    x[i] = valid ? (double) cr_dist_draw_index (rng, p, k) : NAN;
}

const CrDistribution cr_dist_categorical = {
  .name = "Categorical",
  .kind = CR_DIST_ELEMENTWISE_VECTOR_ARGS,
  .n_args = 1,
  .arg_names = { "p" },
  .arg_domains = { CR_DOMAIN_SIMPLEX },
  .support = CR_SUPPORT_BOUNDED_INTEGER,
  .discrete = TRUE,
  .can_be_free = FALSE,
  .log_density_vector = categorical_log_density_vector,
  .sample_vector = categorical_sample_vector,
};
