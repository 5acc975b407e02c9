/* test-dist-discrete.c: the discrete, multivariate, mixture and time-series distributions.
 *
 * For each distribution: the log density against an independent computation (a closed form
 * in long double written here, and GSL's pmf or pdf where GSL has one), every derivative
 * against a finite difference, the pmf summing to 1, the generator's moments, and bad
 * arguments and values giving -inf with a reason from the check functions.
 *
 * Statistical tests draw CR_N_DRAWS values with a fixed seed and fail when a z-score exceeds
 * CR_Z_MAX = 5: each such comparison fails a correct generator with probability 5.7e-7
 * (two-sided normal tail). The file makes 185 of them, so a correct implementation would fail
 * about one run in 10,000 seeds; with the fixed seed the outcome is the same on every run.
 */
#include <float.h>
#include <glib.h>
#include <gsl/gsl_deriv.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <string.h>

#include "dist/dist.h"

/* A log density against an independent closed form: relative, with an absolute floor of 1
 * (an absolute error in a log density is the relative error of the density). */
#define CR_TOL_LOG_DENSITY 1e-12
/* A derivative against a Richardson-extrapolated difference (gsl_deriv_central; the
 * one-sided gsl_deriv_forward where a variable sits on a closed end), with steps scaled to
 * the variable: within CR_TOL_GRADIENT relative for derivatives above CR_GRADIENT_FLOOR in
 * size, CR_TOL_GRADIENT * CR_GRADIENT_FLOOR absolute below. The floor is what a difference
 * resolves near 0: at a maximum of curvature 1e6 (Binomial(1000, 0.999) at 999) rounding
 * alone leaves 1e-7. */
#define CR_TOL_GRADIENT 1e-6
#define CR_GRADIENT_FLOOR 1.0
/* Where a difference of the density in double cannot resolve 1e-6 (a log density beyond
 * this in size, so that its rounding over a step swamps the change; or a closed end of a
 * domain, p = 0 or 1 or mu = 0, where only a one-sided difference exists), the derivative is
 * compared with a Richardson-extrapolated difference of the long double reference instead. */
#define CR_FD_MAX_LOG_DENSITY 1e3
/* The pmf summed over the whole support. */
#define CR_TOL_PMF_SUM 1e-10

#define CR_N_DRAWS 200000
#define CR_Z_MAX 5.0
#define CR_SEED 20240611UL

/* The largest vector (value or argument) in a vector case. */
#define CR_VEC_MAX 16

static const CrDistribution *
get_dist (const char *name)
{
  const CrDistribution *dist = cr_dist_lookup (name);
  g_assert_nonnull (dist);
  g_assert_cmpstr (dist->name, ==, name);
  return dist;
}

static gsl_rng *
new_rng (void)
{
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_rng_set (rng, CR_SEED);
  return rng;
}

static void
assert_close (double value, long double reference, double tolerance, const char *what)
{
  if (isinf ((double) reference) && (double) reference < 0.0)
    {
      if (value != -INFINITY)
        g_test_message ("%s: got %.17g, expected -inf", what, value);
      g_assert_true (value == -INFINITY);
      return;
    }
  double bound = tolerance * fmax (1.0, fabs ((double) reference));
  if (!(fabs (value - (double) reference) <= bound))
    g_test_message ("%s: got %.17g, reference %.17Lg", what, value, reference);
  g_assert_cmpfloat_with_epsilon (value, (double) reference, bound);
}

static void
assert_gradient (double analytic, double numeric, const char *what)
{
  double bound = CR_TOL_GRADIENT * fmax (fabs (numeric), CR_GRADIENT_FLOOR);
  if (!(fabs (analytic - numeric) <= bound))
    g_test_message ("%s: analytic %.17g, finite difference %.17g", what, analytic, numeric);
  g_assert_cmpfloat_with_epsilon (analytic, numeric, bound);
}

/* f'(at) by GSL's Richardson-extrapolated 5-point difference: central, or one-sided where
 * @side says the variable sits on a closed boundary (+1: only values above, -1: below). */
static double
finite_difference (double (*f) (double, void *), void *data, double at, double step, int side)
{
  gsl_function fn = { f, data };
  double result, abserr;
  int status;
  if (side > 0)
    status = gsl_deriv_forward (&fn, at, step, &result, &abserr);
  else if (side < 0)
    status = gsl_deriv_backward (&fn, at, step, &result, &abserr);
  else
    status = gsl_deriv_central (&fn, at, step, &result, &abserr);
  g_assert_cmpint (status, ==, GSL_SUCCESS);
  return result;
}

/* Accumulates the z-score of a sample mean and variance against their true values: the SE
 * of the mean from the true variance, that of the variance from the sample fourth moment. */
static void
assert_moments (const double *draws, size_t n, double mean, double variance, const char *what)
{
  long double sum = 0.0L;
  for (size_t i = 0; i < n; i++)
    sum += draws[i];
  double sample_mean = (double) (sum / n);
  long double m2 = 0.0L, m4 = 0.0L;
  for (size_t i = 0; i < n; i++)
    {
      long double d = draws[i] - (long double) sample_mean;
      m2 += d * d;
      m4 += d * d * d * d;
    }
  double sample_var = (double) (m2 / (n - 1));
  double fourth = (double) (m4 / n);
  double se_mean = sqrt (variance / n);
  double se_var = sqrt (fmax (fourth - sample_var * sample_var, 0.0) / n);
  double z_mean = (sample_mean - mean) / se_mean;
  double z_var = (sample_var - variance) / se_var;
  g_test_message ("%s: mean %.6g (true %.6g, z %.2f), variance %.6g (true %.6g, z %.2f)", what,
                  sample_mean, mean, z_mean, sample_var, variance, z_var);
  g_assert_cmpfloat (fabs (z_mean), <=, CR_Z_MAX);
  g_assert_cmpfloat (fabs (z_var), <=, CR_Z_MAX);
}

/* The fraction of @n draws below @q against @p within CR_Z_MAX binomial SEs. */
static void
assert_fraction_below (const double *draws, size_t n, double q, double p, const char *what)
{
  size_t below = 0;
  for (size_t i = 0; i < n; i++)
    below += draws[i] < q;
  double fraction = (double) below / n;
  double z = (fraction - p) / sqrt (p * (1.0 - p) / n);
  g_test_message ("%s: P(x < %g) = %.5f (true %.5f, z %.2f)", what, q, fraction, p, z);
  g_assert_cmpfloat (fabs (z), <=, CR_Z_MAX);
}

static void
assert_reason_names (const char *reason, const char *arg_name, const char *dist_name)
{
  g_assert_nonnull (reason);
  g_test_message ("reason: %s", reason);
  if (arg_name != NULL)
    g_assert_nonnull (strstr (reason, arg_name));
  g_assert_nonnull (strstr (reason, dist_name));
}

/* ============================================================================================
 * Elementwise discrete distributions: one table-driven spec each.
 * ============================================================================================ */

typedef struct
{
  double v[CR_DIST_MAX_ARGS];
} Args;

typedef struct
{
  guint arg;
  double value;
} BadArg;

typedef struct
{
  const char *name;
  /* The log pmf, in long double, written independently of discrete.c. */
  long double (*reference) (double x, const double *args);
  /* GSL's pmf, or NULL where GSL has none for this parameterisation. */
  double (*gsl_pmf) (double x, const double *args);
  void (*support) (const double *args, double *lower, double *upper);
  void (*moments) (const double *args, double *mean, double *variance);
  const Args *cases;
  guint n_cases;
  const Args *rng_cases;
  guint n_rng_cases;
  const BadArg *bad_args;
  guint n_bad_args;
} DiscreteSpec;

/* log C(n, k) by log-gamma in long double (64-bit mantissa). */
static long double
ref_log_choose (long double n, long double k)
{
  return lgammal (n + 1.0L) - lgammal (k + 1.0L) - lgammal (n - k + 1.0L);
}

/* x log p with 0 log 0 = 0 */
static long double
ref_xlogy (long double x, long double y)
{
  return x == 0.0L ? 0.0L : x * logl (y);
}

static long double
ref_bernoulli (double x, const double *a)
{
  return x == 1.0 ? logl (a[0]) : log1pl (-(long double) a[0]);
}

static double
gsl_bernoulli (double x, const double *a)
{
  return gsl_ran_bernoulli_pdf ((unsigned int) x, a[0]);
}

static void
support_binary (const double *a, double *lower, double *upper)
{
  *lower = 0.0;
  *upper = 1.0;
}

static void
moments_bernoulli (const double *a, double *mean, double *variance)
{
  *mean = a[0];
  *variance = a[0] * (1.0 - a[0]);
}

static long double
ref_bernoulli_logit (double x, const double *a)
{
  /* log p = -log(1 + e^-l), log(1 - p) = -log(1 + e^l) */
  long double l = a[0];
  return x == 1.0 ? -log1pl (expl (-l)) : -log1pl (expl (l));
}

static void
moments_bernoulli_logit (const double *a, double *mean, double *variance)
{
  double p = 1.0 / (1.0 + exp (-a[0]));
  *mean = p;
  *variance = p * (1.0 - p);
}

static long double
ref_binomial (double x, const double *a)
{
  long double n = a[0], p = a[1];
  return ref_log_choose (n, x) + ref_xlogy (x, p) + ref_xlogy (n - x, 1.0L - p);
}

static double
gsl_binomial (double x, const double *a)
{
  if (a[0] > 4294967295.0)
    return NAN;
  return gsl_ran_binomial_pdf ((unsigned int) x, a[1], (unsigned int) a[0]);
}

static void
support_to_n (const double *a, double *lower, double *upper)
{
  *lower = 0.0;
  *upper = a[0];
}

static void
moments_binomial (const double *a, double *mean, double *variance)
{
  *mean = a[0] * a[1];
  *variance = a[0] * a[1] * (1.0 - a[1]);
}

static long double
ref_binomial_logit (double x, const double *a)
{
  long double n = a[0], l = a[1];
  return ref_log_choose (n, x) - x * log1pl (expl (-l)) - (n - x) * log1pl (expl (l));
}

static void
moments_binomial_logit (const double *a, double *mean, double *variance)
{
  double p = 1.0 / (1.0 + exp (-a[1]));
  *mean = a[0] * p;
  *variance = a[0] * p * (1.0 - p);
}

static long double
ref_beta_binomial (double x, const double *a)
{
  long double n = a[0], al = a[1], be = a[2];
  return ref_log_choose (n, x) + lgammal (x + al) + lgammal (n - x + be) - lgammal (n + al + be)
         - lgammal (al) - lgammal (be) + lgammal (al + be);
}

static void
moments_beta_binomial (const double *a, double *mean, double *variance)
{
  double n = a[0], al = a[1], be = a[2], s = al + be;
  *mean = n * al / s;
  *variance = n * al * be * (s + n) / (s * s * (s + 1.0));
}

static long double
ref_poisson (double x, const double *a)
{
  long double mu = a[0];
  return ref_xlogy (x, mu) - mu - lgammal ((long double) x + 1.0L);
}

static double
gsl_poisson (double x, const double *a)
{
  return gsl_ran_poisson_pdf ((unsigned int) x, a[0]);
}

static void
support_counts (const double *a, double *lower, double *upper)
{
  *lower = 0.0;
  *upper = INFINITY;
}

static void
moments_poisson (const double *a, double *mean, double *variance)
{
  *mean = a[0];
  *variance = a[0];
}

static long double
ref_poisson_log (double x, const double *a)
{
  long double l = a[0];
  return x * l - expl (l) - lgammal ((long double) x + 1.0L);
}

static void
moments_poisson_log (const double *a, double *mean, double *variance)
{
  *mean = exp (a[0]);
  *variance = exp (a[0]);
}

static long double
ref_negative_binomial (double x, const double *a)
{
  long double mu = a[0], al = a[1];
  return lgammal (x + al) - lgammal (al) - lgammal ((long double) x + 1.0L)
         + al * logl (al / (mu + al)) + ref_xlogy (x, mu / (mu + al));
}

static double
gsl_negative_binomial (double x, const double *a)
{
  return gsl_ran_negative_binomial_pdf ((unsigned int) x, a[1] / (a[0] + a[1]), a[1]);
}

static void
moments_negative_binomial (const double *a, double *mean, double *variance)
{
  *mean = a[0];
  *variance = a[0] + a[0] * a[0] / a[1];
}

static long double
ref_zero_inflated_poisson (double x, const double *a)
{
  long double psi = a[0], mu = a[1];
  if (x == 0.0)
    return logl ((1.0L - psi) + psi * expl (-mu));
  return logl (psi) + x * logl (mu) - mu - lgammal ((long double) x + 1.0L);
}

static void
moments_zero_inflated_poisson (const double *a, double *mean, double *variance)
{
  double psi = a[0], mu = a[1];
  *mean = psi * mu;
  *variance = psi * mu * (1.0 + (1.0 - psi) * mu);
}

static long double
ref_discrete_uniform (double x, const double *a)
{
  return -logl ((long double) a[1] - a[0] + 1.0L);
}

static void
support_lower_upper (const double *a, double *lower, double *upper)
{
  *lower = a[0];
  *upper = a[1];
}

static void
moments_discrete_uniform (const double *a, double *mean, double *variance)
{
  double width = a[1] - a[0] + 1.0;
  *mean = 0.5 * (a[0] + a[1]);
  *variance = (width * width - 1.0) / 12.0;
}

/* Grids: the edges of the domains (p = 0 and 1, mu = 0) and extreme but valid values. */
static const Args bernoulli_cases[] = { { { 0.0 } }, { { 1e-12 } }, { { 0.3 } }, { { 0.5 } },
                                        { { 1.0 - 1e-7 } }, { { 1.0 } } };
static const Args bernoulli_rng[] = { { { 0.3 } }, { { 0.01 } } };
static const BadArg bad_probability[] = { { 0, -0.1 }, { 0, 1.5 }, { 0, NAN }, { 0, INFINITY } };

static const Args bernoulli_logit_cases[] = { { { -700.0 } }, { { -30.0 } }, { { -1.0 } },
                                              { { 0.0 } }, { { 2.5 } }, { { 30.0 } },
                                              { { 700.0 } } };
static const Args bernoulli_logit_rng[] = { { { -2.0 } }, { { 1.0 } } };
static const BadArg bad_real[] = { { 0, NAN }, { 0, INFINITY }, { 0, -INFINITY } };

static const Args binomial_cases[] = { { { 0.0, 0.5 } }, { { 1.0, 0.3 } }, { { 10.0, 0.0 } },
                                       { { 10.0, 1.0 } }, { { 10.0, 0.3 } },
                                       { { 50.0, 1e-10 } }, { { 1000.0, 0.999 } },
                                       { { 1000.0, 0.5 } } };
static const Args binomial_rng[] = { { { 10.0, 0.3 } }, { { 1000.0, 0.02 } },
                                     { { 1e10, 0.3 } }, { { 1e10, 1e-9 } } };
static const BadArg bad_binomial[] = { { 0, -1.0 }, { 0, 2.5 }, { 0, NAN }, { 0, INFINITY },
                                       { 1, -0.1 }, { 1, 1.1 }, { 1, NAN } };

static const Args binomial_logit_cases[] = { { { 0.0, 1.0 } }, { { 10.0, -3.0 } },
                                             { { 30.0, 0.0 } }, { { 1000.0, 8.0 } },
                                             { { 20.0, -40.0 } } };
static const Args binomial_logit_rng[] = { { { 20.0, 0.5 } }, { { 3e9, -1.0 } } };
static const BadArg bad_binomial_logit[] = { { 0, -1.0 }, { 0, 0.5 }, { 0, NAN },
                                             { 1, NAN }, { 1, INFINITY } };

static const Args beta_binomial_cases[] = { { { 0.0, 1.0, 1.0 } }, { { 1.0, 0.5, 0.5 } },
                                            { { 10.0, 1.0, 1.0 } }, { { 20.0, 0.01, 5.0 } },
                                            { { 50.0, 1e3, 2e3 } }, { { 7.0, 1e-3, 1e-3 } } };
static const Args beta_binomial_rng[] = { { { 10.0, 2.0, 3.0 } }, { { 30.0, 0.5, 0.5 } } };
static const BadArg bad_beta_binomial[] = { { 0, -2.0 }, { 0, 1.5 }, { 1, 0.0 }, { 1, -1.0 },
                                            { 1, NAN }, { 2, 0.0 }, { 2, INFINITY } };

static const Args poisson_cases[] = { { { 0.0 } }, { { 1e-8 } }, { { 0.5 } }, { { 3.0 } },
                                      { { 100.0 } }, { { 1e5 } } };
static const Args poisson_rng[] = { { { 0.5 } }, { { 20.0 } }, { { 3e9 } }, { { 1e10 } } };
static const BadArg bad_poisson[] = { { 0, -1.0 }, { 0, NAN }, { 0, INFINITY } };

static const Args poisson_log_cases[] = { { { -20.0 } }, { { -1.0 } }, { { 0.0 } },
                                          { { 2.3 } }, { { 10.0 } } };
static const Args poisson_log_rng[] = { { { 1.0 } }, { { 23.0 } } };

static const Args negative_binomial_cases[] = { { { 1e-3, 1.0 } }, { { 3.0, 0.1 } },
                                                { { 10.0, 2.0 } }, { { 100.0, 1e3 } },
                                                { { 2.5, 1e4 } } };
static const Args negative_binomial_rng[] = { { { 3.0, 0.5 } }, { { 10.0, 5.0 } },
                                              { { 1e10, 50.0 } } };
static const BadArg bad_negative_binomial[] = { { 0, 0.0 }, { 0, -1.0 }, { 0, NAN },
                                                { 1, 0.0 }, { 1, INFINITY }, { 1, NAN } };

static const Args zero_inflated_poisson_cases[] = { { { 0.0, 2.0 } }, { { 1.0, 3.0 } },
                                                    { { 0.3, 1e-6 } }, { { 0.7, 50.0 } },
                                                    { { 1e-12, 4.0 } }, { { 0.999, 0.01 } } };
static const Args zero_inflated_poisson_rng[] = { { { 0.3, 4.0 } }, { { 0.9, 1e10 } } };
static const BadArg bad_zero_inflated_poisson[] = { { 0, -0.5 }, { 0, 2.0 }, { 0, NAN },
                                                    { 1, 0.0 }, { 1, -3.0 }, { 1, INFINITY } };

static const Args discrete_uniform_cases[] = { { { 0.0, 0.0 } }, { { -3.0, 4.0 } },
                                               { { 10.0, 12.0 } }, { { -1000.0, 1000.0 } } };
static const Args discrete_uniform_rng[] = { { { -3.0, 4.0 } }, { { 0.0, 1e12 } } };
static const BadArg bad_discrete_uniform[] = { { 0, 0.5 }, { 0, NAN }, { 0, -INFINITY },
                                               { 1, 2.5 }, { 1, INFINITY } };

#define SPEC(name_, ref_, gsl_, support_, moments_, cases_, rng_, bad_)                        \
  {                                                                                             \
    name_, ref_, gsl_, support_, moments_, cases_, G_N_ELEMENTS (cases_), rng_,                 \
        G_N_ELEMENTS (rng_), bad_, G_N_ELEMENTS (bad_)                                          \
  }

static const DiscreteSpec discrete_specs[] = {
  SPEC ("Bernoulli", ref_bernoulli, gsl_bernoulli, support_binary, moments_bernoulli,
        bernoulli_cases, bernoulli_rng, bad_probability),
  SPEC ("BernoulliLogit", ref_bernoulli_logit, NULL, support_binary, moments_bernoulli_logit,
        bernoulli_logit_cases, bernoulli_logit_rng, bad_real),
  SPEC ("Binomial", ref_binomial, gsl_binomial, support_to_n, moments_binomial, binomial_cases,
        binomial_rng, bad_binomial),
  SPEC ("BinomialLogit", ref_binomial_logit, NULL, support_to_n, moments_binomial_logit,
        binomial_logit_cases, binomial_logit_rng, bad_binomial_logit),
  SPEC ("BetaBinomial", ref_beta_binomial, NULL, support_to_n, moments_beta_binomial,
        beta_binomial_cases, beta_binomial_rng, bad_beta_binomial),
  SPEC ("Poisson", ref_poisson, gsl_poisson, support_counts, moments_poisson, poisson_cases,
        poisson_rng, bad_poisson),
  SPEC ("PoissonLog", ref_poisson_log, NULL, support_counts, moments_poisson_log,
        poisson_log_cases, poisson_log_rng, bad_real),
  SPEC ("NegativeBinomial", ref_negative_binomial, gsl_negative_binomial, support_counts,
        moments_negative_binomial, negative_binomial_cases, negative_binomial_rng,
        bad_negative_binomial),
  SPEC ("ZeroInflatedPoisson", ref_zero_inflated_poisson, NULL, support_counts,
        moments_zero_inflated_poisson, zero_inflated_poisson_cases, zero_inflated_poisson_rng,
        bad_zero_inflated_poisson),
  SPEC ("DiscreteUniform", ref_discrete_uniform, NULL, support_lower_upper,
        moments_discrete_uniform, discrete_uniform_cases, discrete_uniform_rng,
        bad_discrete_uniform),
};

/* The values to evaluate at: the whole support when it is small, else its edges, points
 * near the mean and far into the tail. Returns the count written to @xs (at most 64). */
static guint
value_grid (const DiscreteSpec *spec, const double *args, double *xs)
{
  double lower, upper, mean, variance;
  guint n = 0;
  spec->support (args, &lower, &upper);
  if (upper - lower <= 40.0)
    {
      for (double x = lower; x <= upper; x += 1.0)
        xs[n++] = x;
      return n;
    }
  static const double offsets[] = { 0, 1, 2, 3, 4, 5, 7, 10, 15, 20, 30, 50, 100, 300, 1e3, 1e4,
                                    1e6 };
  for (guint i = 0; i < G_N_ELEMENTS (offsets); i++)
    if (lower + offsets[i] <= upper)
      xs[n++] = lower + offsets[i];
  spec->moments (args, &mean, &variance);
  xs[n++] = floor (mean);
  xs[n++] = floor (mean) + 1.0;
  if (isfinite (upper))
    {
      xs[n++] = upper - 1.0;
      xs[n++] = upper;
    }
  return n;
}

static void
test_discrete_log_density (gconstpointer data)
{
  const DiscreteSpec *spec = data;
  const CrDistribution *dist = get_dist (spec->name);
  g_assert_true (dist->kind == CR_DIST_ELEMENTWISE);
  g_assert_true (dist->discrete);
  g_assert_false (dist->can_be_free);

  for (guint c = 0; c < spec->n_cases; c++)
    {
      const double *args = spec->cases[c].v;
      double xs[64];
      guint n = value_grid (spec, args, xs);
      for (guint i = 0; i < n; i++)
        {
          double d_x = 42.0, d_args[CR_DIST_MAX_ARGS];
          double lp = dist->log_density (xs[i], args, &d_x, d_args);
          char *what = g_strdup_printf ("%s case %u at x = %g", spec->name, c, xs[i]);
          g_assert_false (isnan (lp));
          /* The derivative in a discrete value is assigned, and 0. */
          g_assert_cmpfloat (d_x, ==, 0.0);
          assert_close (lp, spec->reference (xs[i], args), CR_TOL_LOG_DENSITY, what);
          if (spec->gsl_pmf != NULL)
            {
              /* GSL forms its mass from differences of log-factorials of size about
               * m log m (m the largest of x and the arguments), so the log of its mass
               * carries an absolute error of a few DBL_EPSILON times that. */
              double m = fmax (xs[i], fmax (fabs (args[0]), fabs (args[1])));
              double gsl_tolerance = fmax (CR_TOL_LOG_DENSITY,
                                           16.0 * DBL_EPSILON * (m + 2.0) * log (m + 2.0)
                                               / fmax (1.0, fabs (lp)));
              double pmf = spec->gsl_pmf (xs[i], args);
              if (pmf > 1e-300)
                assert_close (lp, logl (pmf), gsl_tolerance, what);
              else if (pmf == 0.0 && lp > -INFINITY)
                g_assert_cmpfloat (lp, <, -690.0); /* GSL underflowed, we did not */
            }
          g_free (what);
        }
    }
}

typedef struct
{
  const CrDistribution *dist;
  double x;
  double args[CR_DIST_MAX_ARGS];
  guint arg;
} ElementwiseProbe;

static double
elementwise_in_arg (double value, void *data)
{
  ElementwiseProbe *probe = data;
  double args[CR_DIST_MAX_ARGS];
  memcpy (args, probe->args, sizeof args);
  args[probe->arg] = value;
  return probe->dist->log_density (probe->x, args, NULL, NULL);
}

typedef struct
{
  const DiscreteSpec *spec;
  double x;
  double args[CR_DIST_MAX_ARGS];
  guint arg;
} ReferenceArgProbe;

static long double
reference_in_arg (double value, const ReferenceArgProbe *probe)
{
  double args[CR_DIST_MAX_ARGS];
  memcpy (args, probe->args, sizeof args);
  args[probe->arg] = value;
  return probe->spec->reference (probe->x, args);
}

/* The derivative of the long double reference in one argument by Richardson extrapolation
 * (a Neville tableau over 5 halvings of @step): of central differences (error series in
 * h^2), or of one-sided ones (series in h) when @side is +1 or -1. The steps are measured
 * after rounding the perturbed argument to double, so they are exact. */
static double
reference_derivative (const ReferenceArgProbe *probe, double at, double step, int side)
{
  enum { LEVELS = 5 };
  long double table[LEVELS][LEVELS];
  double ratio = side == 0 ? 4.0 : 2.0;
  for (int i = 0; i < LEVELS; i++, step /= 2.0)
    {
      if (side == 0)
        {
          double up = at + step, down = at - step;
          table[i][0] = (reference_in_arg (up, probe) - reference_in_arg (down, probe))
                        / ((long double) up - down);
        }
      else
        {
          double moved = at + side * step;
          table[i][0] = (reference_in_arg (moved, probe) - reference_in_arg (at, probe))
                        / ((long double) moved - at);
        }
      long double factor = 1.0L;
      for (int j = 1; j <= i; j++)
        {
          factor *= ratio;
          table[i][j] = table[i][j - 1] + (table[i][j - 1] - table[i - 1][j - 1]) / (factor - 1.0L);
        }
    }
  return (double) table[LEVELS - 1][LEVELS - 1];
}

static gboolean
domain_is_integer (CrArgDomain domain)
{
  return domain == CR_DOMAIN_NONNEGATIVE_INTEGER || domain == CR_DOMAIN_INTEGER
         || domain == CR_DOMAIN_DIMENSION;
}

/* A step for the finite difference in an argument of @domain at @value, and the side when
 * it sits on a closed boundary of the domain. */
static double
fd_step (CrArgDomain domain, double value, int *side)
{
  *side = 0;
  switch (domain)
    {
    case CR_DOMAIN_PROBABILITY:
      /* One-sided at a closed end: its rounding error is larger than a central one's, so
       * a larger step. */
      if (value == 0.0)
        {
          *side = 1;
          return 1e-2;
        }
      if (value == 1.0)
        {
          *side = -1;
          return 1e-2;
        }
      return fmin (1e-3, 1e-3 * fmin (value, 1.0 - value));
    case CR_DOMAIN_OPEN_UNIT_BALL:
      return fmin (1e-3, 1e-3 * (1.0 - fabs (value)));
    case CR_DOMAIN_POSITIVE:
    case CR_DOMAIN_POSITIVE_VECTOR:
    case CR_DOMAIN_CHOLESKY_FACTOR:
      if (value == 0.0)
        {
          /* Poisson's mu = 0, a limit the density keeps. */
          *side = 1;
          return 1e-4;
        }
      return 1e-3 * fabs (value);
    default:
      return 1e-3 * fmax (1.0, fabs (value));
    }
}

static void
test_discrete_gradient (gconstpointer data)
{
  const DiscreteSpec *spec = data;
  const CrDistribution *dist = get_dist (spec->name);
  guint n_checked = 0;

  for (guint c = 0; c < spec->n_cases; c++)
    {
      const double *args = spec->cases[c].v;
      double xs[64];
      guint n = value_grid (spec, args, xs);
      for (guint i = 0; i < n; i++)
        {
          /* Derivatives are assigned over whatever the outputs held. */
          double d_args[CR_DIST_MAX_ARGS] = { 42.0, 42.0, 42.0, 42.0 };
          double lp = dist->log_density (xs[i], args, NULL, d_args);
          for (guint k = 0; k < dist->n_args; k++)
            {
              char *what = g_strdup_printf ("%s case %u at x = %g: d/d%s", spec->name, c,
                                            xs[i], dist->arg_names[k]);
              if (lp == -INFINITY || domain_is_integer (dist->arg_domains[k]))
                {
                  /* No derivative where the density is 0, nor in an integer argument. */
                  g_assert_cmpfloat (d_args[k], ==, 0.0);
                }
              else
                {
                  int side;
                  double step = fd_step (dist->arg_domains[k], args[k], &side);
                  double numeric;
                  if (side == 0 && fabs (lp) <= CR_FD_MAX_LOG_DENSITY)
                    {
                      ElementwiseProbe probe = { dist, xs[i], { 0 }, k };
                      memcpy (probe.args, args, sizeof probe.args);
                      numeric = finite_difference (elementwise_in_arg, &probe, args[k], step, 0);
                    }
                  else
                    {
                      /* Five levels of extrapolation allow steps a tenth of the distance
                       * to the edge of the domain, which keeps rounding small. */
                      ReferenceArgProbe probe = { spec, xs[i], { 0 }, k };
                      memcpy (probe.args, args, sizeof probe.args);
                      numeric = reference_derivative (&probe, args[k],
                                                      side == 0 ? 100.0 * step : step, side);
                    }
                  assert_gradient (d_args[k], numeric, what);
                  n_checked++;
                }
              g_free (what);
            }
        }
    }
  /* DiscreteUniform has no real argument; every other distribution must be checked. */
  if (strcmp (spec->name, "DiscreteUniform") != 0)
    g_assert_cmpuint (n_checked, >, 0);
}

static void
test_discrete_pmf_sum (gconstpointer data)
{
  const DiscreteSpec *spec = data;
  const CrDistribution *dist = get_dist (spec->name);

  for (guint c = 0; c < spec->n_cases; c++)
    {
      const double *args = spec->cases[c].v;
      double lower, upper, mean, variance;
      spec->support (args, &lower, &upper);
      spec->moments (args, &mean, &variance);
      long double sum = 0.0L;
      double x = lower;
      for (;; x += 1.0)
        {
          if (x > upper)
            break;
          double mass = exp (dist->log_density (x, args, NULL, NULL));
          sum += mass;
          /* An unbounded support ends where the terms, decreasing past the mean, stop
           * counting at double precision. */
          if (!isfinite (upper) && x > mean && mass < 1e-20)
            break;
          g_assert_cmpfloat (x - lower, <, 1e8);
        }
      g_test_message ("%s case %u: sum over %g..%g = %.17Lg", spec->name, c, lower, x, sum);
      g_assert_cmpfloat_with_epsilon ((double) sum, 1.0, CR_TOL_PMF_SUM);
    }
}

static void
test_discrete_rng (gconstpointer data)
{
  const DiscreteSpec *spec = data;
  const CrDistribution *dist = get_dist (spec->name);
  gsl_rng *rng = new_rng ();
  double *draws = g_new (double, CR_N_DRAWS);

  for (guint c = 0; c < spec->n_rng_cases; c++)
    {
      const double *args = spec->rng_cases[c].v;
      double lower, upper, mean, variance;
      spec->support (args, &lower, &upper);
      spec->moments (args, &mean, &variance);
      for (size_t i = 0; i < CR_N_DRAWS; i++)
        {
          double x = dist->sample (rng, args);
          /* An integral double inside the support. */
          g_assert_true (isfinite (x) && x == floor (x));
          g_assert_cmpfloat (x, >=, lower);
          g_assert_cmpfloat (x, <=, upper);
          draws[i] = x;
        }
      char *what = g_strdup_printf ("%s rng case %u", spec->name, c);
      assert_moments (draws, CR_N_DRAWS, mean, variance, what);
      g_free (what);
    }
  g_free (draws);
  gsl_rng_free (rng);
}

/* Binomials beyond GSL's unsigned range are split into smaller ones; at p = 0 and 1 every
 * split must keep the count exact, which moments at n = 1e10 could not see. */
static void
test_binomial_rng_large_exact (void)
{
  const CrDistribution *dist = get_dist ("Binomial");
  gsl_rng *rng = new_rng ();
  const double ns[] = { 3e9, 1e10, 9007199254740992.0 };
  for (guint i = 0; i < G_N_ELEMENTS (ns); i++)
    for (int draw = 0; draw < 100; draw++)
      {
        g_assert_cmpfloat (dist->sample (rng, (double[]){ ns[i], 1.0 }), ==, ns[i]);
        g_assert_cmpfloat (dist->sample (rng, (double[]){ ns[i], 0.0 }), ==, 0.0);
      }
  gsl_rng_free (rng);
}

static void
test_discrete_bad_arguments (gconstpointer data)
{
  const DiscreteSpec *spec = data;
  const CrDistribution *dist = get_dist (spec->name);
  /* Bad arguments replace one argument of a typical valid case. */
  const double *base = spec->rng_cases[0].v;
  gsl_rng *rng = new_rng ();

  /* The valid cases pass the argument checks (all but Poisson's mu = 0, which the density
   * takes as a limit while the POSITIVE domain refuses it). */
  for (guint c = 0; c < spec->n_cases; c++)
    for (guint k = 0; k < dist->n_args; k++)
      {
        char *reason = NULL;
        double value = spec->cases[c].v[k];
        if (strcmp (spec->name, "Poisson") == 0 && value == 0.0)
          continue;
        gboolean ok = cr_dist_check_arg (dist, k, &value, 1, &reason);
        if (!ok)
          g_test_message ("%s: %s", spec->name, reason);
        g_assert_true (ok);
        g_assert_null (reason);
      }

  for (guint b = 0; b < spec->n_bad_args; b++)
    {
      double args[CR_DIST_MAX_ARGS];
      memcpy (args, base, sizeof args);
      args[spec->bad_args[b].arg] = spec->bad_args[b].value;
      for (double x = -1.0; x <= 3.0; x += 1.0)
        {
          double d_x = 42.0, d_args[CR_DIST_MAX_ARGS] = { 42.0, 42.0, 42.0, 42.0 };
          double lp = dist->log_density (x, args, &d_x, d_args);
          g_assert_true (lp == -INFINITY);
          g_assert_cmpfloat (d_x, ==, 0.0);
          for (guint k = 0; k < dist->n_args; k++)
            g_assert_cmpfloat (d_args[k], ==, 0.0);
        }
      /* The generator has no draw to give. */
      g_assert_true (isnan (dist->sample (rng, args)));
      char *reason = NULL;
      double value = spec->bad_args[b].value;
      g_assert_false (cr_dist_check_arg (dist, spec->bad_args[b].arg, &value, 1, &reason));
      assert_reason_names (reason, dist->arg_names[spec->bad_args[b].arg], dist->name);
      g_free (reason);
    }

  /* Values outside the support: fractions, negatives, beyond the upper end, NaN, inf. */
  double lower, upper;
  spec->support (base, &lower, &upper);
  const double bad_values[] = { lower - 1.0, lower + 0.5, NAN, INFINITY, -INFINITY,
                                upper + 1.0 };
  /* The last, beyond the upper end, only where there is one. */
  guint n_bad_values = G_N_ELEMENTS (bad_values) - (isfinite (upper) ? 0 : 1);
  const double *arg_values[CR_DIST_MAX_ARGS];
  size_t arg_len[CR_DIST_MAX_ARGS];
  for (guint k = 0; k < CR_DIST_MAX_ARGS; k++)
    {
      arg_values[k] = &base[k];
      arg_len[k] = 1;
    }
  for (guint i = 0; i < n_bad_values; i++)
    {
      double x = bad_values[i];
      double d_args[CR_DIST_MAX_ARGS];
      g_assert_true (dist->log_density (x, base, NULL, d_args) == -INFINITY);
      char *reason = NULL;
      g_assert_false (cr_dist_check_value (dist, &x, 1, arg_values, arg_len, &reason));
      assert_reason_names (reason, NULL, dist->name);
      g_free (reason);
    }

  /* And a value inside the support passes. */
  char *reason = NULL;
  g_assert_true (cr_dist_check_value (dist, &lower, 1, arg_values, arg_len, &reason));
  g_assert_null (reason);
  gsl_rng_free (rng);
}

/* ============================================================================================
 * Vector distributions: a case holds the value and every argument as flat arrays.
 * ============================================================================================ */

typedef struct
{
  const CrDistribution *dist;
  size_t n_x;
  double x[CR_VEC_MAX];
  size_t arg_len[CR_DIST_MAX_ARGS];
  double args[CR_DIST_MAX_ARGS][CR_VEC_MAX];
} VectorCase;

/* What a finite difference may move: FREE coordinates one at a time; SIMPLEX ones only in
 * pairs (x_i + t, x_j - t), the directions inside the simplex; SKIP ones not at all (integer
 * arguments, entries the density ignores or refuses to see move). */
typedef enum
{
  COORD_FREE,
  COORD_SIMPLEX,
  COORD_SKIP,
} CoordKind;

static double
vector_eval (const VectorCase *c,
             double *d_x,
             double (*d_args)[CR_VEC_MAX],
             double *pointwise)
{
  const double *arg_values[CR_DIST_MAX_ARGS];
  double *grad[CR_DIST_MAX_ARGS];
  for (guint k = 0; k < CR_DIST_MAX_ARGS; k++)
    {
      arg_values[k] = c->args[k];
      grad[k] = d_args != NULL ? d_args[k] : NULL;
    }
  return c->dist->log_density_vector (c->x, c->n_x, arg_values, c->arg_len, d_x,
                                      d_args != NULL ? grad : NULL, pointwise);
}

static void
vector_sample (const VectorCase *c, const gsl_rng *rng, double *x, size_t n_x)
{
  const double *arg_values[CR_DIST_MAX_ARGS];
  for (guint k = 0; k < CR_DIST_MAX_ARGS; k++)
    arg_values[k] = c->args[k];
  c->dist->sample_vector (rng, arg_values, c->arg_len, x, n_x);
}

/* The coordinate @index of the value (@which = -1) or of argument @which. */
static double *
vector_coord (VectorCase *c, int which, size_t index)
{
  return which < 0 ? &c->x[index] : &c->args[which][index];
}

typedef struct
{
  const VectorCase *base;
  int which;
  size_t index;
  size_t other; /* SIMPLEX pairs: the coordinate that moves the other way */
  gboolean paired;
} VectorProbe;

static double
vector_in_coord (double value, void *data)
{
  VectorProbe *probe = data;
  VectorCase c = *probe->base;
  double *coord = vector_coord (&c, probe->which, probe->index);
  if (probe->paired)
    {
      double shift = value - *coord;
      *coord = value;
      *vector_coord (&c, probe->which, probe->other) -= shift;
    }
  else
    *coord = value;
  return vector_eval (&c, NULL, NULL, NULL);
}

/* Checks every derivative of @c: analytic (accumulated on top of a sentinel, which also
 * checks that outputs are added to, not overwritten) against finite differences of the
 * density itself, coordinate by coordinate or, on a simplex, pair by pair. @kinds gives the
 * coordinate kind of the value (entry 0) and of each argument (entries 1..n_args); @x_domain
 * sets the step of the value's coordinates (that of the arguments comes from the table). */
static void
check_vector_gradient (const VectorCase *c, const CoordKind *kinds, CrArgDomain x_domain)
{
  const double sentinel = 0.25;
  double d_x[CR_VEC_MAX], d_args[CR_DIST_MAX_ARGS][CR_VEC_MAX];
  for (size_t i = 0; i < CR_VEC_MAX; i++)
    {
      d_x[i] = sentinel;
      for (guint k = 0; k < CR_DIST_MAX_ARGS; k++)
        d_args[k][i] = sentinel;
    }
  double lp = vector_eval (c, d_x, d_args, NULL);
  g_assert_true (isfinite (lp));

  for (int which = -1; which < (int) c->dist->n_args; which++)
    {
      CoordKind kind = kinds[which + 1];
      size_t len = which < 0 ? c->n_x : c->arg_len[which];
      double *grad = which < 0 ? d_x : d_args[which];
      CrArgDomain domain = which < 0 ? x_domain : c->dist->arg_domains[which];
      const char *label = which < 0 ? "x" : c->dist->arg_names[which];
      if (kind == COORD_SKIP)
        continue;
      for (size_t i = 0; i < len; i++)
        {
          double at = *vector_coord ((VectorCase *) c, which, i);
          char *what = g_strdup_printf ("%s: d/d%s[%zu]", c->dist->name, label, i);
          if (kind == COORD_FREE)
            {
              VectorProbe probe = { c, which, i, 0, FALSE };
              int side;
              double step = fd_step (domain, at, &side);
              double numeric = finite_difference (vector_in_coord, &probe, at, step, side);
              assert_gradient (grad[i] - sentinel, numeric, what);
            }
          else
            {
              /* The directional derivative along e_i - e_j, for every j > i. */
              for (size_t j = i + 1; j < len; j++)
                {
                  double other = *vector_coord ((VectorCase *) c, which, j);
                  VectorProbe probe = { c, which, i, j, TRUE };
                  double step = 0.25 * fmin (fmin (at, other), 1e-2);
                  double numeric = finite_difference (vector_in_coord, &probe, at, step, 0);
                  assert_gradient (grad[i] - grad[j], numeric, what);
                }
            }
          g_free (what);
        }
    }
}

/* For coordinates on a simplex the density as a function of each coordinate alone is only
 * available from an independent formula: compares the analytic partials with finite
 * differences of @reference in coordinate @which (-1: the value). */
typedef struct
{
  VectorCase c;
  long double (*reference) (const VectorCase *c);
  int which;
  size_t index;
} ReferenceProbe;

static double
reference_in_coord (double value, void *data)
{
  ReferenceProbe *probe = data;
  VectorCase c = probe->c;
  *vector_coord (&c, probe->which, probe->index) = value;
  return (double) probe->reference (&c);
}

static void
check_partials_against_reference (const VectorCase *c,
                                  long double (*reference) (const VectorCase *c),
                                  int which)
{
  double d_x[CR_VEC_MAX] = { 0 }, d_args[CR_DIST_MAX_ARGS][CR_VEC_MAX] = { { 0 } };
  vector_eval (c, d_x, d_args, NULL);
  size_t len = which < 0 ? c->n_x : c->arg_len[which];
  double *grad = which < 0 ? d_x : d_args[which];
  for (size_t i = 0; i < len; i++)
    {
      ReferenceProbe probe = { *c, reference, which, i };
      double at = *vector_coord ((VectorCase *) c, which, i);
      /* A weight of 0 moves up only. */
      double numeric = at > 0.0 ? finite_difference (reference_in_coord, &probe, at, 0.25 * at, 0)
                                : finite_difference (reference_in_coord, &probe, at, 1e-3, 1);
      char *what = g_strdup_printf ("%s: partial d/d%s[%zu] of the formula", c->dist->name,
                                    which < 0 ? "x" : c->dist->arg_names[which], i);
      assert_gradient (grad[i], numeric, what);
      g_free (what);
    }
}

/* A density of 0 from a bad argument or value: -inf, every pointwise term -inf, nothing
 * accumulated, and no NaN. */
static void
assert_vector_impossible (const VectorCase *c, size_t n_terms)
{
  double d_x[CR_VEC_MAX], d_args[CR_DIST_MAX_ARGS][CR_VEC_MAX], pointwise[CR_VEC_MAX];
  for (size_t i = 0; i < CR_VEC_MAX; i++)
    {
      d_x[i] = 0.5;
      pointwise[i] = 0.5;
      for (guint k = 0; k < CR_DIST_MAX_ARGS; k++)
        d_args[k][i] = 0.5;
    }
  double lp = vector_eval (c, d_x, d_args, pointwise);
  g_assert_true (lp == -INFINITY);
  for (size_t i = 0; i < CR_VEC_MAX; i++)
    {
      g_assert_cmpfloat (d_x[i], ==, 0.5);
      for (guint k = 0; k < CR_DIST_MAX_ARGS; k++)
        g_assert_cmpfloat (d_args[k][i], ==, 0.5);
    }
  for (size_t i = 0; i < n_terms; i++)
    g_assert_true (pointwise[i] == -INFINITY);
}

/* Argument @arg of @base replaced by @values (@len of them): the density is 0 and
 * cr_dist_check_arg refuses the argument, naming it and the distribution. */
static void
assert_bad_vector_arg (const VectorCase *base,
                       guint arg,
                       const double *values,
                       size_t len,
                       size_t n_terms)
{
  VectorCase c = *base;
  g_assert_cmpuint (len, <=, CR_VEC_MAX);
  memcpy (c.args[arg], values, len * sizeof (double));
  c.arg_len[arg] = len;
  assert_vector_impossible (&c, n_terms);
  /* The generator has no draw to give. */
  gsl_rng *rng = new_rng ();
  double draw[CR_VEC_MAX];
  vector_sample (&c, rng, draw, c.n_x);
  for (size_t i = 0; i < c.n_x; i++)
    g_assert_true (isnan (draw[i]));
  gsl_rng_free (rng);
  char *reason = NULL;
  g_assert_false (cr_dist_check_arg (c.dist, arg, values, len, &reason));
  assert_reason_names (reason, c.dist->arg_names[arg], c.dist->name);
  g_free (reason);
}

/* The value replaced by @values: the density is 0 and cr_dist_check_value refuses it. */
static void
assert_bad_vector_value (const VectorCase *base, const double *values, size_t n_terms)
{
  VectorCase c = *base;
  memcpy (c.x, values, c.n_x * sizeof (double));
  assert_vector_impossible (&c, n_terms);
  const double *arg_values[CR_DIST_MAX_ARGS];
  for (guint k = 0; k < CR_DIST_MAX_ARGS; k++)
    arg_values[k] = c.args[k];
  char *reason = NULL;
  g_assert_false (cr_dist_check_value (c.dist, c.x, c.n_x, arg_values, c.arg_len, &reason));
  assert_reason_names (reason, NULL, c.dist->name);
  g_free (reason);
}

/* The case's arguments and value pass the checks. */
static void
assert_vector_valid (const VectorCase *c)
{
  const double *arg_values[CR_DIST_MAX_ARGS];
  for (guint k = 0; k < CR_DIST_MAX_ARGS; k++)
    arg_values[k] = c->args[k];
  for (guint k = 0; k < c->dist->n_args; k++)
    {
      char *reason = NULL;
      gboolean ok = cr_dist_check_arg (c->dist, k, c->args[k], c->arg_len[k], &reason);
      if (!ok)
        g_test_message ("%s", reason);
      g_assert_true (ok);
      g_assert_null (reason);
    }
  char *reason = NULL;
  gboolean ok = cr_dist_check_value (c->dist, c->x, c->n_x, arg_values, c->arg_len, &reason);
  if (!ok)
    g_test_message ("%s", reason);
  g_assert_true (ok);
  g_assert_null (reason);
}

/* Sample mean vector and covariance matrix of @n draws of dimension @dim against the truth,
 * each entry within CR_Z_MAX SEs: the SE of a mean from the true variance, that of a
 * covariance from the sample variance of the products of deviations. */
static void
assert_mean_covariance (const double *draws,
                        size_t n,
                        size_t dim,
                        const double *mean,
                        const double *covariance,
                        const char *what)
{
  double sample_mean[CR_VEC_MAX];
  for (size_t j = 0; j < dim; j++)
    {
      long double sum = 0.0L;
      for (size_t i = 0; i < n; i++)
        sum += draws[i * dim + j];
      sample_mean[j] = (double) (sum / n);
      double z = (sample_mean[j] - mean[j]) / sqrt (covariance[j * dim + j] / n);
      g_test_message ("%s: mean[%zu] %.6g (true %.6g, z %.2f)", what, j, sample_mean[j],
                      mean[j], z);
      g_assert_cmpfloat (fabs (z), <=, CR_Z_MAX);
    }
  for (size_t a = 0; a < dim; a++)
    for (size_t b = 0; b <= a; b++)
      {
        long double sum = 0.0L, sum2 = 0.0L;
        for (size_t i = 0; i < n; i++)
          {
            long double product = (draws[i * dim + a] - (long double) sample_mean[a])
                                  * (draws[i * dim + b] - (long double) sample_mean[b]);
            sum += product;
            sum2 += product * product;
          }
        double cov = (double) (sum / (n - 1));
        double var_product = (double) (sum2 / n - (sum / n) * (sum / n));
        double z = (cov - covariance[a * dim + b]) / sqrt (var_product / n);
        g_test_message ("%s: cov[%zu][%zu] %.6g (true %.6g, z %.2f)", what, a, b, cov,
                        covariance[a * dim + b], z);
        g_assert_cmpfloat (fabs (z), <=, CR_Z_MAX);
      }
}

/* --- Categorical --------------------------------------------------------------------------- */

static long double
ref_categorical (const VectorCase *c)
{
  long double total = 0.0L;
  for (size_t i = 0; i < c->n_x; i++)
    total += logl (c->args[0][(size_t) c->x[i]]);
  return total;
}

static VectorCase
categorical_case (void)
{
  VectorCase c = { get_dist ("Categorical"), 7, { 0, 1, 2, 4, 4, 0, 2 }, { 5 },
                   { { 0.2, 0.1, 0.3, 0.0, 0.4 } } };
  return c;
}

static void
test_categorical_log_density (void)
{
  VectorCase c = categorical_case ();
  g_assert_true (c.dist->kind == CR_DIST_ELEMENTWISE_VECTOR_ARGS);
  g_assert_true (c.dist->discrete);
  g_assert_false (c.dist->can_be_free);

  double pointwise[CR_VEC_MAX];
  double lp = vector_eval (&c, NULL, NULL, pointwise);
  assert_close (lp, ref_categorical (&c), CR_TOL_LOG_DENSITY, "Categorical");
  for (size_t i = 0; i < c.n_x; i++)
    assert_close (pointwise[i], logl (c.args[0][(size_t) c.x[i]]), CR_TOL_LOG_DENSITY,
                  "Categorical term");

  /* Extreme weights: a category of probability 1e-300 and an empty vector of codes. */
  VectorCase tiny = { c.dist, 2, { 1, 0 }, { 2 }, { { 1.0 - 1e-12, 1e-12 } } };
  assert_close (vector_eval (&tiny, NULL, NULL, NULL), ref_categorical (&tiny),
                CR_TOL_LOG_DENSITY, "Categorical tiny");
  tiny.n_x = 0;
  g_assert_cmpfloat (vector_eval (&tiny, NULL, NULL, NULL), ==, 0.0);

  /* The pmf sums to 1 over the codes. */
  long double sum = 0.0L;
  for (size_t code = 0; code < 5; code++)
    {
      VectorCase one = c;
      one.n_x = 1;
      one.x[0] = (double) code;
      sum += expl (vector_eval (&one, NULL, NULL, NULL));
    }
  g_assert_cmpfloat_with_epsilon ((double) sum, 1.0, CR_TOL_PMF_SUM);
}

static void
test_categorical_gradient (void)
{
  VectorCase c = categorical_case ();
  /* p[3] = 0 cannot move down; the directional checks use the positive weights. */
  VectorCase positive = c;
  memcpy (positive.args[0], (double[]){ 0.2, 0.1, 0.3, 0.05, 0.35 }, 5 * sizeof (double));
  const CoordKind kinds[] = { COORD_SKIP, COORD_SIMPLEX };
  check_vector_gradient (&positive, kinds, CR_DOMAIN_REAL);
  check_partials_against_reference (&positive, ref_categorical, 0);
  check_partials_against_reference (&c, ref_categorical, 0);
}

static void
test_categorical_rng (void)
{
  VectorCase c = categorical_case ();
  gsl_rng *rng = new_rng ();
  double *draws = g_new (double, CR_N_DRAWS);
  vector_sample (&c, rng, draws, CR_N_DRAWS);
  double counts[5] = { 0 };
  for (size_t i = 0; i < CR_N_DRAWS; i++)
    {
      g_assert_true (draws[i] == floor (draws[i]) && draws[i] >= 0.0 && draws[i] <= 4.0);
      counts[(size_t) draws[i]] += 1.0;
    }
  /* Never a code of probability 0; each other frequency within CR_Z_MAX binomial SEs. */
  g_assert_cmpfloat (counts[3], ==, 0.0);
  double cumulative = 0.0;
  for (size_t k = 0; k + 1 < 5; k++)
    {
      cumulative += c.args[0][k];
      if (c.args[0][k] > 0.0)
        assert_fraction_below (draws, CR_N_DRAWS, (double) k + 0.5, cumulative,
                               "Categorical cumulative");
    }
  double mean = 0.0, second = 0.0;
  for (size_t k = 0; k < 5; k++)
    {
      mean += k * c.args[0][k];
      second += (double) (k * k) * c.args[0][k];
    }
  assert_moments (draws, CR_N_DRAWS, mean, second - mean * mean, "Categorical");
  g_free (draws);
  gsl_rng_free (rng);
}

static void
test_categorical_bad (void)
{
  VectorCase c = categorical_case ();
  assert_vector_valid (&c);
  assert_bad_vector_arg (&c, 0, (double[]){ 0.5, 0.6, -0.1 }, 3, c.n_x);
  assert_bad_vector_arg (&c, 0, (double[]){ 0.5, 0.6 }, 2, c.n_x);
  assert_bad_vector_arg (&c, 0, (double[]){ 0.5, NAN, 0.5 }, 3, c.n_x);
  assert_bad_vector_arg (&c, 0, (double[]){ 1.0 }, 1, c.n_x);
  assert_bad_vector_value (&c, (double[]){ 0, 1, 2, 5, 4, 0, 2 }, c.n_x);
  assert_bad_vector_value (&c, (double[]){ 0, 1, -1, 4, 4, 0, 2 }, c.n_x);
  assert_bad_vector_value (&c, (double[]){ 0, 1.5, 2, 4, 4, 0, 2 }, c.n_x);
  assert_bad_vector_value (&c, (double[]){ 0, 1, NAN, 4, 4, 0, 2 }, c.n_x);
  /* Code 3 has probability 0: density 0, and the value check names the code. */
  assert_bad_vector_value (&c, (double[]){ 0, 1, 3, 4, 4, 0, 2 }, c.n_x);
  VectorCase zero = c;
  zero.x[2] = 3.0;
  char *reason = NULL;
  const double *arg_values[CR_DIST_MAX_ARGS] = { zero.args[0] };
  g_assert_false (cr_dist_check_value (zero.dist, zero.x, zero.n_x, arg_values, zero.arg_len, &reason));
  g_assert_cmpstr (reason, ==, "Categorical values must be codes of categories whose p is above 0, got 3 at index 2");
  g_free (reason);
}

/* --- Dirichlet ----------------------------------------------------------------------------- */

static long double
ref_dirichlet (const VectorCase *c)
{
  long double total_alpha = 0.0L, lp = 0.0L;
  for (size_t i = 0; i < c->n_x; i++)
    {
      total_alpha += c->args[0][i];
      lp += (c->args[0][i] - 1.0L) * logl (c->x[i]) - lgammal (c->args[0][i]);
    }
  return lp + lgammal (total_alpha);
}

static void
test_dirichlet_log_density (void)
{
  const CrDistribution *dist = get_dist ("Dirichlet");
  g_assert_true (dist->kind == CR_DIST_JOINT && dist->support == CR_SUPPORT_SIMPLEX);
  g_assert_true (dist->can_be_free && !dist->discrete);
  const VectorCase cases[] = {
    { dist, 3, { 0.2, 0.3, 0.5 }, { 3 }, { { 1.0, 1.0, 1.0 } } },
    { dist, 2, { 0.25, 0.75 }, { 2 }, { { 2.0, 5.0 } } },
    { dist, 4, { 1e-10, 0.3, 0.4, 0.3 - 1e-10 }, { 4 }, { { 0.05, 3.0, 1e3, 2.0 } } },
    { dist, 3, { 0.999998, 1e-6, 1e-6 }, { 3 }, { { 50.0, 0.5, 0.5 } } },
  };
  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      double pointwise[1];
      double lp = vector_eval (&cases[c], NULL, NULL, pointwise);
      assert_close (lp, ref_dirichlet (&cases[c]), CR_TOL_LOG_DENSITY, "Dirichlet");
      g_assert_cmpfloat (pointwise[0], ==, lp);
      double gsl_lp = gsl_ran_dirichlet_lnpdf (cases[c].n_x, cases[c].args[0], cases[c].x);
      assert_close (lp, gsl_lp, CR_TOL_LOG_DENSITY, "Dirichlet against GSL");
      assert_vector_valid (&cases[c]);
    }
  /* Dirichlet(1, ..., 1) is log Γ(K) with respect to the first K - 1 coordinates. */
  assert_close (vector_eval (&cases[0], NULL, NULL, NULL), log (2.0), CR_TOL_LOG_DENSITY,
                "Dirichlet(1, 1, 1)");
}

typedef struct
{
  VectorCase c;
} DirichletLine;

static double
dirichlet_on_line (double t, void *data)
{
  DirichletLine *line = data;
  VectorCase c = line->c;
  c.x[0] = t;
  c.x[1] = 1.0 - t;
  return exp (vector_eval (&c, NULL, NULL, NULL));
}

static void
test_dirichlet_integrates (void)
{
  const CrDistribution *dist = get_dist ("Dirichlet");
  const double alphas[][2] = { { 0.5, 3.0 }, { 1.0, 1.0 }, { 4.0, 2.5 } };
  gsl_integration_workspace *workspace = gsl_integration_workspace_alloc (1000);
  for (guint a = 0; a < G_N_ELEMENTS (alphas); a++)
    {
      DirichletLine line = { { dist, 2, { 0.5, 0.5 }, { 2 }, { { alphas[a][0], alphas[a][1] } } } };
      gsl_function fn = { dirichlet_on_line, &line };
      double integral, abserr;
      int status = gsl_integration_qags (&fn, 0.0, 1.0, 0.0, 1e-12, 1000, workspace, &integral,
                                         &abserr);
      g_assert_cmpint (status, ==, GSL_SUCCESS);
      /* The quadrature's own error estimate is below 1e-10 for these smooth or
       * algebraically singular integrands. */
      g_assert_cmpfloat_with_epsilon (integral, 1.0, 1e-9);
    }
  gsl_integration_workspace_free (workspace);
}

static void
test_dirichlet_gradient (void)
{
  const CrDistribution *dist = get_dist ("Dirichlet");
  const VectorCase cases[] = {
    { dist, 3, { 0.2, 0.3, 0.5 }, { 3 }, { { 1.0, 1.0, 1.0 } } },
    { dist, 4, { 0.01, 0.3, 0.4, 0.29 }, { 4 }, { { 0.05, 3.0, 1e3, 2.0 } } },
    { dist, 2, { 0.999, 0.001 }, { 2 }, { { 50.0, 0.5 } } },
  };
  const CoordKind kinds[] = { COORD_SIMPLEX, COORD_FREE };
  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      check_vector_gradient (&cases[c], kinds, CR_DOMAIN_POSITIVE);
      check_partials_against_reference (&cases[c], ref_dirichlet, -1);
    }
}

static void
test_dirichlet_rng (void)
{
  const CrDistribution *dist = get_dist ("Dirichlet");
  const VectorCase cases[] = {
    { dist, 3, { 0 }, { 3 }, { { 1.0, 2.0, 3.0 } } },
    { dist, 4, { 0 }, { 4 }, { { 0.1, 0.5, 5.0, 20.0 } } },
  };
  gsl_rng *rng = new_rng ();
  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      size_t k = cases[c].n_x;
      double *draws = g_new (double, CR_N_DRAWS * k);
      for (size_t i = 0; i < CR_N_DRAWS; i++)
        {
          vector_sample (&cases[c], rng, draws + i * k, k);
          double sum = 0.0;
          for (size_t j = 0; j < k; j++)
            {
              g_assert_cmpfloat (draws[i * k + j], >=, 0.0);
              sum += draws[i * k + j];
            }
          g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-12);
        }
      /* E x_i = a_i / A, Cov(x_i, x_j) = a_i (A [i = j] - a_j) / (A^2 (A + 1)). */
      const double *alpha = cases[c].args[0];
      double total = 0.0, mean[CR_VEC_MAX], cov[CR_VEC_MAX * CR_VEC_MAX];
      for (size_t j = 0; j < k; j++)
        total += alpha[j];
      for (size_t a = 0; a < k; a++)
        {
          mean[a] = alpha[a] / total;
          for (size_t b = 0; b < k; b++)
            cov[a * k + b]
                = alpha[a] * ((a == b ? total : 0.0) - alpha[b]) / (total * total * (total + 1.0));
        }
      assert_mean_covariance (draws, CR_N_DRAWS, k, mean, cov, "Dirichlet");
      g_free (draws);
    }
  gsl_rng_free (rng);
}

static void
test_dirichlet_bad (void)
{
  const CrDistribution *dist = get_dist ("Dirichlet");
  const VectorCase c = { dist, 3, { 0.2, 0.3, 0.5 }, { 3 }, { { 1.0, 2.0, 3.0 } } };
  assert_bad_vector_arg (&c, 0, (double[]){ 1.0, 0.0, 3.0 }, 3, 1);
  assert_bad_vector_arg (&c, 0, (double[]){ 1.0, -2.0, 3.0 }, 3, 1);
  assert_bad_vector_arg (&c, 0, (double[]){ 1.0, NAN, 3.0 }, 3, 1);
  assert_bad_vector_arg (&c, 0, (double[]){ 1.0, INFINITY, 3.0 }, 3, 1);
  assert_bad_vector_value (&c, (double[]){ 0.2, 0.3, 0.6 }, 1);
  assert_bad_vector_value (&c, (double[]){ -0.2, 0.7, 0.5 }, 1);
  assert_bad_vector_value (&c, (double[]){ 0.5, 0.5, 0.0 }, 1);
  assert_bad_vector_value (&c, (double[]){ 0.5, NAN, 0.5 }, 1);
  /* A length that does not match the argument's is a density of 0, not a crash. */
  VectorCase short_x = c;
  short_x.n_x = 2;
  short_x.x[0] = 0.4;
  short_x.x[1] = 0.6;
  assert_vector_impossible (&short_x, 1);
}

/* --- MvNormal ------------------------------------------------------------------------------ */

static const VectorCase *
mv_normal_cases (guint *n)
{
  static VectorCase cases[3];
  const CrDistribution *dist = get_dist ("MvNormal");
  cases[0] = (VectorCase){ dist, 1, { 0.7 }, { 1, 1 }, { { -0.2 }, { 1.5 } } };
  cases[1] = (VectorCase){ dist, 3, { 1.0, -2.0, 0.5 }, { 3, 9 },
                           { { 0.5, -1.0, 2.0 }, { 2.0, 0, 0, 0.6, 1.2, 0, -0.4, 0.3, 0.5 } } };
  /* Strong correlation and scales far apart. */
  cases[2] = (VectorCase){ dist, 3, { 1e3, 3.0, -1e-3 }, { 3, 9 },
                           { { 998.0, 2.0, 0.0 },
                             { 1e2, 0, 0, 0.05, 1e-3, 0, -5.0, 0.2, 1e-2 } } };
  *n = G_N_ELEMENTS (cases);
  return cases;
}

static void
test_mv_normal_log_density (void)
{
  guint n;
  const VectorCase *cases = mv_normal_cases (&n);
  g_assert_true (cases[0].dist->kind == CR_DIST_JOINT);
  for (guint c = 0; c < n; c++)
    {
      size_t k = cases[c].n_x;
      gsl_vector_const_view x = gsl_vector_const_view_array (cases[c].x, k);
      gsl_vector_const_view mu = gsl_vector_const_view_array (cases[c].args[0], k);
      gsl_matrix_const_view chol = gsl_matrix_const_view_array (cases[c].args[1], k, k);
      gsl_vector *work = gsl_vector_alloc (k);
      double reference;
      g_assert_cmpint (gsl_ran_multivariate_gaussian_log_pdf (&x.vector, &mu.vector,
                                                              &chol.matrix, &reference, work),
                       ==, GSL_SUCCESS);
      gsl_vector_free (work);
      double pointwise[1];
      double lp = vector_eval (&cases[c], NULL, NULL, pointwise);
      assert_close (lp, reference, CR_TOL_LOG_DENSITY, "MvNormal against GSL");
      g_assert_cmpfloat (pointwise[0], ==, lp);
      assert_vector_valid (&cases[c]);
    }
}

static void
test_mv_normal_gradient (void)
{
  guint n;
  const VectorCase *cases = mv_normal_cases (&n);
  const CoordKind kinds[] = { COORD_FREE, COORD_FREE, COORD_SKIP };
  for (guint c = 0; c < n; c++)
    {
      check_vector_gradient (&cases[c], kinds, CR_DOMAIN_REAL);

      /* The lower triangle of chol one entry at a time (the diagonal stays positive); the
       * upper triangle is no argument and gets no derivative. */
      size_t k = cases[c].n_x;
      double d_args[CR_DIST_MAX_ARGS][CR_VEC_MAX] = { { 0 } };
      vector_eval (&cases[c], NULL, d_args, NULL);
      for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j < k; j++)
          {
            double at = cases[c].args[1][i * k + j];
            if (j > i)
              {
                g_assert_cmpfloat (d_args[1][i * k + j], ==, 0.0);
                continue;
              }
            VectorProbe probe = { &cases[c], 1, i * k + j, 0, FALSE };
            double step = j == i ? 1e-3 * at : 1e-3 * fmax (fabs (at), cases[c].args[1][i * k + i]);
            double numeric = finite_difference (vector_in_coord, &probe, at, step, 0);
            char *what = g_strdup_printf ("MvNormal: d/dchol[%zu][%zu]", i, j);
            assert_gradient (d_args[1][i * k + j], numeric, what);
            g_free (what);
          }
    }
}

typedef struct
{
  const CrDistribution *dist;
  size_t k;
  double *x, *mu, *chol;
  size_t index;
} LargeMvNormal;

static double
large_mv_normal (const LargeMvNormal *m, double *d_x, double *d_chol)
{
  const double *args[] = { m->mu, m->chol };
  const size_t arg_len[] = { m->k, m->k * m->k };
  double *d_args[] = { NULL, d_chol };
  return m->dist->log_density_vector (m->x, m->k, args, arg_len, d_x,
                                      d_chol != NULL ? d_args : NULL, NULL);
}

static double
large_mv_normal_in_x (double value, void *data)
{
  LargeMvNormal *m = data;
  double saved = m->x[m->index];
  m->x[m->index] = value;
  double lp = large_mv_normal (m, NULL, NULL);
  m->x[m->index] = saved;
  return lp;
}

/* Above the dimension kept on the stack the scratch comes from the heap (under ASan this
 * also checks it is freed): the density against GSL and a few derivatives. */
static void
test_mv_normal_large (void)
{
  LargeMvNormal m = { get_dist ("MvNormal"), 600, NULL, NULL, NULL, 0 };
  size_t k = m.k;
  m.x = g_new (double, k);
  m.mu = g_new (double, k);
  m.chol = g_new0 (double, k * k);
  for (size_t i = 0; i < k; i++)
    {
      m.x[i] = sin (0.1 * (double) i);
      m.mu[i] = 0.01 * (double) i;
      m.chol[i * k + i] = 1.5;
      if (i > 0)
        m.chol[i * k + i - 1] = 0.5;
    }
  gsl_vector_view x = gsl_vector_view_array (m.x, k);
  gsl_vector_view mu = gsl_vector_view_array (m.mu, k);
  gsl_matrix_view chol = gsl_matrix_view_array (m.chol, k, k);
  gsl_vector *work = gsl_vector_alloc (k);
  double reference;
  g_assert_cmpint (gsl_ran_multivariate_gaussian_log_pdf (&x.vector, &mu.vector, &chol.matrix,
                                                          &reference, work),
                   ==, GSL_SUCCESS);
  gsl_vector_free (work);

  double *d_x = g_new0 (double, k), *d_chol = g_new0 (double, k * k);
  assert_close (large_mv_normal (&m, d_x, d_chol), reference, CR_TOL_LOG_DENSITY,
                "MvNormal K = 600");
  const size_t probes[] = { 0, 1, 299, 599 };
  for (guint p = 0; p < G_N_ELEMENTS (probes); p++)
    {
      m.index = probes[p];
      double numeric = finite_difference (large_mv_normal_in_x, &m, m.x[m.index],
                                          1e-3 * fmax (1.0, fabs (m.x[m.index])), 0);
      assert_gradient (d_x[m.index], numeric, "MvNormal K = 600: d/dx");
    }
  g_free (d_x);
  g_free (d_chol);
  g_free (m.x);
  g_free (m.mu);
  g_free (m.chol);
}

static void
test_mv_normal_rng (void)
{
  guint n;
  const VectorCase *cases = mv_normal_cases (&n);
  gsl_rng *rng = new_rng ();
  for (guint c = 0; c < n; c++)
    {
      size_t k = cases[c].n_x;
      const double *chol = cases[c].args[1];
      double *draws = g_new (double, CR_N_DRAWS * k);
      for (size_t i = 0; i < CR_N_DRAWS; i++)
        vector_sample (&cases[c], rng, draws + i * k, k);
      double cov[CR_VEC_MAX * CR_VEC_MAX];
      for (size_t a = 0; a < k; a++)
        for (size_t b = 0; b < k; b++)
          {
            cov[a * k + b] = 0.0;
            for (size_t j = 0; j < k; j++)
              cov[a * k + b] += chol[a * k + j] * chol[b * k + j];
          }
      assert_mean_covariance (draws, CR_N_DRAWS, k, cases[c].args[0], cov, "MvNormal");
      g_free (draws);
    }
  gsl_rng_free (rng);
}

static void
test_mv_normal_bad (void)
{
  guint n;
  const VectorCase *cases = mv_normal_cases (&n);
  const VectorCase *c = &cases[1];
  assert_bad_vector_arg (c, 0, (double[]){ 0.5, NAN, 2.0 }, 3, 1);
  assert_bad_vector_arg (c, 0, (double[]){ 0.5, INFINITY, 2.0 }, 3, 1);
  /* Not lower-triangular, a diagonal of 0 or below, a NaN. */
  assert_bad_vector_arg (c, 1, (double[]){ 2.0, 0.1, 0, 0.6, 1.2, 0, -0.4, 0.3, 0.5 }, 9, 1);
  assert_bad_vector_arg (c, 1, (double[]){ 2.0, 0, 0, 0.6, 0.0, 0, -0.4, 0.3, 0.5 }, 9, 1);
  assert_bad_vector_arg (c, 1, (double[]){ 2.0, 0, 0, 0.6, -1.2, 0, -0.4, 0.3, 0.5 }, 9, 1);
  assert_bad_vector_arg (c, 1, (double[]){ 2.0, 0, 0, NAN, 1.2, 0, -0.4, 0.3, 0.5 }, 9, 1);
  assert_bad_vector_value (c, (double[]){ 1.0, INFINITY, 0.5 }, 1);
  assert_bad_vector_value (c, (double[]){ NAN, 1.0, 0.5 }, 1);
  /* chol of the wrong size for mu. */
  VectorCase wrong = *c;
  wrong.arg_len[1] = 4;
  assert_vector_impossible (&wrong, 1);
}

/* --- LKJCholeskyCorr ----------------------------------------------------------------------- */

typedef struct
{
  double eta;
} LkjLine;

/* The n = 2 density at L = [[1, 0], [t, sqrt(1 - t^2)]], a function of the free entry t. */
static double
lkj2_density (double t, void *data)
{
  LkjLine *line = data;
  VectorCase c = { get_dist ("LKJCholeskyCorr"), 4, { 1.0, 0.0, t, sqrt (1.0 - t * t) },
                   { 1, 1 }, { { 2.0 }, { line->eta } } };
  return exp (vector_eval (&c, NULL, NULL, NULL));
}

static void
test_lkj_integrates_n2 (void)
{
  const CrDistribution *dist = get_dist ("LKJCholeskyCorr");
  g_assert_true (dist->kind == CR_DIST_JOINT && dist->support == CR_SUPPORT_CHOLESKY_CORR);
  const double etas[] = { 0.5, 1.0, 2.0, 10.0, 50.0 };
  gsl_integration_workspace *workspace = gsl_integration_workspace_alloc (1000);
  for (guint e = 0; e < G_N_ELEMENTS (etas); e++)
    {
      LkjLine line = { etas[e] };
      gsl_function fn = { lkj2_density, &line };
      double integral, abserr;
      int status = gsl_integration_qags (&fn, -1.0, 1.0, 0.0, 1e-12, 1000, workspace,
                                         &integral, &abserr);
      g_assert_cmpint (status, ==, GSL_SUCCESS);
      g_test_message ("LKJ n = 2, eta = %g: integral %.15g (+- %.1g)", etas[e], integral, abserr);
      /* qags' own error estimate is below 1e-10 here, including the integrable endpoint
       * singularities of eta < 1. */
      g_assert_cmpfloat_with_epsilon (integral, 1.0, 1e-9);
    }
  gsl_integration_workspace_free (workspace);
}

/* I(s) = ∫_{-1}^{1} (1 - t^2)^(s - 1) dt by quadrature. */
static double
lkj_power (double t, void *data)
{
  double s = *(double *) data;
  return pow ((1.0 - t) * (1.0 + t), s - 1.0);
}

static double
integral_power (double s)
{
  gsl_integration_workspace *workspace = gsl_integration_workspace_alloc (1000);
  gsl_function fn = { lkj_power, &s };
  double integral, abserr;
  g_assert_cmpint (gsl_integration_qags (&fn, -1.0, 1.0, 0.0, 1e-11, 1000, workspace, &integral,
                                         &abserr),
                   ==, GSL_SUCCESS);
  gsl_integration_workspace_free (workspace);
  return integral;
}

/* Row i of a 3 x 3 correlation Cholesky factor from its strictly lower entries. */
static void
lkj3_factor (const double *free_entries, double *l)
{
  memset (l, 0, 9 * sizeof (double));
  l[0] = 1.0;
  l[3] = free_entries[0];
  l[4] = sqrt (1.0 - l[3] * l[3]);
  l[6] = free_entries[1];
  l[7] = free_entries[2];
  l[8] = sqrt (1.0 - l[6] * l[6] - l[7] * l[7]);
}

typedef struct
{
  double free_entries[3];
  guint entry; /* which free entry moves */
  guint output; /* which off-diagonal of R = L L^T is read: r10, r20, r21 */
} LkjMap;

static double
lkj3_correlation (double value, void *data)
{
  LkjMap *map = data;
  double free_entries[3], l[9];
  memcpy (free_entries, map->free_entries, sizeof free_entries);
  free_entries[map->entry] = value;
  lkj3_factor (free_entries, l);
  static const guint rows[3][2] = { { 1, 0 }, { 2, 0 }, { 2, 1 } };
  guint a = rows[map->output][0], b = rows[map->output][1];
  return l[a * 3 + 0] * l[b * 3 + 0] + l[a * 3 + 1] * l[b * 3 + 1] + l[a * 3 + 2] * l[b * 3 + 2];
}

/* The n = 3 density computed without the onion formula: the LKJ density of R = L L^T,
 * det(R)^(eta - 1) / c_3(eta), times |d R_offdiag / d L_strict| from a finite-difference
 * Jacobian. c_3 integrates det(R)^(eta - 1) over the elliptope: with
 * det R = (1 - r10^2)(1 - r20^2) - (r21 - r10 r20)^2 the r21 integral is a power of the
 * other two, which leaves c_3 = I(eta) I(eta + 1/2)^2, each I by quadrature. */
static double
lkj3_independent (const double *free_entries, double eta)
{
  double l[9];
  lkj3_factor (free_entries, l);
  gsl_matrix *r = gsl_matrix_alloc (3, 3), *jacobian = gsl_matrix_alloc (3, 3);
  for (size_t a = 0; a < 3; a++)
    for (size_t b = 0; b < 3; b++)
      gsl_matrix_set (r, a, b,
                      l[a * 3] * l[b * 3] + l[a * 3 + 1] * l[b * 3 + 1]
                          + l[a * 3 + 2] * l[b * 3 + 2]);
  for (guint out = 0; out < 3; out++)
    for (guint in = 0; in < 3; in++)
      {
        LkjMap map = { { free_entries[0], free_entries[1], free_entries[2] }, in, out };
        gsl_matrix_set (jacobian, out, in,
                        finite_difference (lkj3_correlation, &map, free_entries[in], 1e-4, 0));
      }
  gsl_permutation *perm = gsl_permutation_alloc (3);
  int signum;
  g_assert_cmpint (gsl_linalg_LU_decomp (r, perm, &signum), ==, GSL_SUCCESS);
  double log_det_r = gsl_linalg_LU_lndet (r);
  g_assert_cmpint (gsl_linalg_LU_decomp (jacobian, perm, &signum), ==, GSL_SUCCESS);
  double log_jacobian = gsl_linalg_LU_lndet (jacobian);
  gsl_permutation_free (perm);
  gsl_matrix_free (r);
  gsl_matrix_free (jacobian);
  double log_c3 = log (integral_power (eta)) + 2.0 * log (integral_power (eta + 0.5));
  return (eta - 1.0) * log_det_r + log_jacobian - log_c3;
}

static void
test_lkj_n3_independent (void)
{
  const CrDistribution *dist = get_dist ("LKJCholeskyCorr");
  const double points[][3] = { { 0.3, -0.2, 0.5 }, { -0.9, 0.1, 0.35 }, { 0.0, 0.0, 0.0 },
                               { 0.6, 0.7, -0.1 } };
  const double etas[] = { 0.3, 1.0, 2.5, 20.0 };
  for (guint p = 0; p < G_N_ELEMENTS (points); p++)
    for (guint e = 0; e < G_N_ELEMENTS (etas); e++)
      {
        VectorCase c = { dist, 9, { 0 }, { 1, 1 }, { { 3.0 }, { etas[e] } } };
        lkj3_factor (points[p], c.x);
        double lp = vector_eval (&c, NULL, NULL, NULL);
        double reference = lkj3_independent (points[p], etas[e]);
        g_test_message ("LKJ n = 3, eta = %g: %.15g vs %.15g", etas[e], lp, reference);
        /* The finite-difference Jacobian and the quadratures are good to about 1e-10. */
        g_assert_cmpfloat_with_epsilon (lp, reference, 1e-8 * fmax (1.0, fabs (reference)));
        assert_vector_valid (&c);
      }
  /* eta = 1 at n = 3 is uniform on correlation matrices: c_3 = π²/2, the elliptope's
   * volume, and at L = I the density is 1 / c_3. */
  VectorCase identity = { dist, 9, { 1, 0, 0, 0, 1, 0, 0, 0, 1 }, { 1, 1 }, { { 3.0 }, { 1.0 } } };
  assert_close (vector_eval (&identity, NULL, NULL, NULL), -log (M_PI * M_PI / 2.0),
                CR_TOL_LOG_DENSITY, "LKJ n = 3, eta = 1 at I");
}

typedef struct
{
  const VectorCase *base;
  size_t n;
  size_t row, column; /* the strictly lower entry that moves; the diagonal follows */
} LkjProbe;

static double
lkj_on_manifold (double value, void *data)
{
  LkjProbe *probe = data;
  VectorCase c = *probe->base;
  size_t n = probe->n;
  c.x[probe->row * n + probe->column] = value;
  double norm2 = 0.0;
  for (size_t j = 0; j < probe->row; j++)
    norm2 += c.x[probe->row * n + j] * c.x[probe->row * n + j];
  c.x[probe->row * n + probe->row] = sqrt (1.0 - norm2);
  return vector_eval (&c, NULL, NULL, NULL);
}

static void
test_lkj_gradient (void)
{
  const CrDistribution *dist = get_dist ("LKJCholeskyCorr");
  const double points[][3] = { { 0.3, -0.2, 0.5 }, { -0.9, 0.1, 0.35 }, { 0.6, 0.7, -0.1 } };
  const double etas[] = { 0.3, 1.0, 2.5, 20.0 };
  for (guint p = 0; p < G_N_ELEMENTS (points); p++)
    for (guint e = 0; e < G_N_ELEMENTS (etas); e++)
      {
        VectorCase c = { dist, 9, { 0 }, { 1, 1 }, { { 3.0 }, { etas[e] } } };
        lkj3_factor (points[p], c.x);

        /* eta directly. */
        const CoordKind kinds[] = { COORD_SKIP, COORD_SKIP, COORD_FREE };
        check_vector_gradient (&c, kinds, CR_DOMAIN_REAL);

        /* In x the density cannot leave the manifold of unit rows, so each strictly lower
         * entry moves with its row's diagonal following: the total derivative is
         * d/dL_ij + d/dL_ii * dL_ii/dL_ij, with dL_ii/dL_ij = -L_ij / L_ii. */
        double d_x[CR_VEC_MAX] = { 0 };
        vector_eval (&c, d_x, NULL, NULL);
        for (size_t i = 1; i < 3; i++)
          for (size_t j = 0; j < i; j++)
            {
              LkjProbe probe = { &c, 3, i, j };
              double at = c.x[i * 3 + j];
              double numeric = finite_difference (lkj_on_manifold, &probe, at, 1e-4, 0);
              double analytic
                  = d_x[i * 3 + j] - d_x[i * 3 + i] * c.x[i * 3 + j] / c.x[i * 3 + i];
              char *what = g_strdup_printf ("LKJ eta %g: total d/dL[%zu][%zu]", etas[e], i, j);
              assert_gradient (analytic, numeric, what);
              g_free (what);
            }
        /* Entries on and above the diagonal of row 0, and above the diagonal elsewhere,
         * get nothing. */
        g_assert_cmpfloat (d_x[0], ==, 0.0);
        g_assert_cmpfloat (d_x[1], ==, 0.0);
        g_assert_cmpfloat (d_x[2], ==, 0.0);
        g_assert_cmpfloat (d_x[5], ==, 0.0);
      }
}

static void
test_lkj_rng (void)
{
  const CrDistribution *dist = get_dist ("LKJCholeskyCorr");
  gsl_rng *rng = new_rng ();
  double *draws = g_new (double, CR_N_DRAWS);
  double x[16];

  /* n = 2, eta = 1: r = L_10 is uniform on (-1, 1); its quartiles. */
  VectorCase two = { dist, 4, { 0 }, { 1, 1 }, { { 2.0 }, { 1.0 } } };
  for (size_t i = 0; i < CR_N_DRAWS; i++)
    {
      vector_sample (&two, rng, x, 4);
      g_assert_cmpfloat (x[0], ==, 1.0);
      g_assert_cmpfloat (x[1], ==, 0.0);
      g_assert_cmpfloat_with_epsilon (x[2] * x[2] + x[3] * x[3], 1.0, 1e-12);
      draws[i] = x[2];
    }
  assert_fraction_below (draws, CR_N_DRAWS, -0.5, 0.25, "LKJ n = 2 r");
  assert_fraction_below (draws, CR_N_DRAWS, 0.0, 0.5, "LKJ n = 2 r");
  assert_fraction_below (draws, CR_N_DRAWS, 0.5, 0.75, "LKJ n = 2 r");

  /* n = 4: every draw is a valid factor (unit-diagonal R), and each correlation r_ab has
   * the marginal 2 Beta(b, b) - 1, b = eta - 1 + n / 2 (LKJ 2009, sec. 3.2): mean 0,
   * variance 1 / (2 eta + n - 1). */
  const double etas[] = { 0.5, 2.0 };
  double *r = g_new (double, CR_N_DRAWS * 6);
  for (guint e = 0; e < G_N_ELEMENTS (etas); e++)
    {
      VectorCase four = { dist, 16, { 0 }, { 1, 1 }, { { 4.0 }, { etas[e] } } };
      for (size_t i = 0; i < CR_N_DRAWS; i++)
        {
          vector_sample (&four, rng, x, 16);
          memcpy (four.x, x, sizeof x);
          g_assert_true (isfinite (vector_eval (&four, NULL, NULL, NULL)));
          size_t m = 0;
          for (size_t a = 0; a < 4; a++)
            {
              double diag = 0.0;
              for (size_t j = 0; j < 4; j++)
                {
                  if (j > a)
                    g_assert_cmpfloat (x[a * 4 + j], ==, 0.0);
                  diag += x[a * 4 + j] * x[a * 4 + j];
                }
              g_assert_cmpfloat_with_epsilon (diag, 1.0, 1e-12);
              g_assert_cmpfloat (x[a * 4 + a], >, 0.0);
              for (size_t b = 0; b < a; b++)
                {
                  double v = 0.0;
                  for (size_t j = 0; j < 4; j++)
                    v += x[a * 4 + j] * x[b * 4 + j];
                  r[i * 6 + m++] = v;
                }
            }
        }
      double variance = 1.0 / (2.0 * etas[e] + 3.0);
      for (size_t m = 0; m < 6; m++)
        {
          for (size_t i = 0; i < CR_N_DRAWS; i++)
            draws[i] = r[i * 6 + m];
          char *what = g_strdup_printf ("LKJ n = 4 eta %g r[%zu]", etas[e], m);
          assert_moments (draws, CR_N_DRAWS, 0.0, variance, what);
          g_free (what);
        }
    }
  g_free (r);
  g_free (draws);
  gsl_rng_free (rng);
}

static void
test_lkj_bad (void)
{
  const CrDistribution *dist = get_dist ("LKJCholeskyCorr");
  VectorCase c = { dist, 9, { 0 }, { 1, 1 }, { { 3.0 }, { 2.0 } } };
  lkj3_factor ((double[]){ 0.3, -0.2, 0.5 }, c.x);
  assert_bad_vector_arg (&c, 1, (double[]){ 0.0 }, 1, 1);
  assert_bad_vector_arg (&c, 1, (double[]){ -1.0 }, 1, 1);
  assert_bad_vector_arg (&c, 1, (double[]){ NAN }, 1, 1);
  assert_bad_vector_arg (&c, 1, (double[]){ INFINITY }, 1, 1);
  assert_bad_vector_arg (&c, 0, (double[]){ 1.0 }, 1, 1);
  assert_bad_vector_arg (&c, 0, (double[]){ 2.5 }, 1, 1);
  assert_bad_vector_arg (&c, 0, (double[]){ NAN }, 1, 1);
  /* n = 2 with a 3 x 3 value: the sizes disagree. */
  VectorCase wrong = c;
  wrong.args[0][0] = 2.0;
  assert_vector_impossible (&wrong, 1);

  double bad[9];
  memcpy (bad, c.x, sizeof bad);
  bad[4] = -bad[4]; /* a negative diagonal */
  assert_bad_vector_value (&c, bad, 1);
  memcpy (bad, c.x, sizeof bad);
  bad[3] += 0.01; /* a row off the unit sphere */
  assert_bad_vector_value (&c, bad, 1);
  memcpy (bad, c.x, sizeof bad);
  bad[1] = 0.1; /* above the diagonal */
  assert_bad_vector_value (&c, bad, 1);
  memcpy (bad, c.x, sizeof bad);
  bad[7] = NAN;
  assert_bad_vector_value (&c, bad, 1);
}

/* --- NormalMixture ------------------------------------------------------------------------- */

static long double
ref_normal_mixture_term (const VectorCase *c, size_t i)
{
  long double density = 0.0L;
  for (size_t k = 0; k < c->arg_len[0]; k++)
    {
      long double z = (c->x[i] - (long double) c->args[1][k]) / c->args[2][k];
      density += c->args[0][k] * expl (-0.5L * z * z) / (sqrtl (2.0L * M_PI) * c->args[2][k]);
    }
  return logl (density);
}

static long double
ref_normal_mixture (const VectorCase *c)
{
  long double total = 0.0L;
  for (size_t i = 0; i < c->n_x; i++)
    total += ref_normal_mixture_term (c, i);
  return total;
}

static const VectorCase *
normal_mixture_cases (guint *n)
{
  static VectorCase cases[3];
  const CrDistribution *dist = get_dist ("NormalMixture");
  cases[0] = (VectorCase){ dist, 6, { -3.0, -1.0, 0.0, 0.4, 2.0, 8.0 }, { 3, 3, 3 },
                           { { 0.2, 0.5, 0.3 }, { -2.0, 0.0, 3.0 }, { 0.5, 1.0, 2.0 } } };
  /* Far tails (a term near -600 where one component dominates), a weight of 0. */
  cases[1] = (VectorCase){ dist, 4, { -40.0, 1e-3, 35.0, 5.0 }, { 2, 2, 2 },
                           { { 0.999, 0.001 }, { 0.0, 5.0 }, { 1.0, 0.01 } } };
  cases[2] = (VectorCase){ dist, 3, { 0.0, 1.0, -2.0 }, { 3, 3, 3 },
                           { { 0.6, 0.0, 0.4 }, { 0.5, 100.0, -1.0 }, { 1.0, 1.0, 3.0 } } };
  *n = G_N_ELEMENTS (cases);
  return cases;
}

static void
test_normal_mixture_log_density (void)
{
  guint n;
  const VectorCase *cases = normal_mixture_cases (&n);
  g_assert_true (cases[0].dist->kind == CR_DIST_ELEMENTWISE_VECTOR_ARGS);
  g_assert_true (cases[0].dist->can_be_free);
  for (guint c = 0; c < n; c++)
    {
      double pointwise[CR_VEC_MAX];
      double lp = vector_eval (&cases[c], NULL, NULL, pointwise);
      assert_close (lp, ref_normal_mixture (&cases[c]), CR_TOL_LOG_DENSITY, "NormalMixture");
      for (size_t i = 0; i < cases[c].n_x; i++)
        assert_close (pointwise[i], ref_normal_mixture_term (&cases[c], i), CR_TOL_LOG_DENSITY,
                      "NormalMixture term");
      assert_vector_valid (&cases[c]);
    }
}

static void
test_normal_mixture_gradient (void)
{
  guint n;
  const VectorCase *cases = normal_mixture_cases (&n);
  const CoordKind kinds[] = { COORD_FREE, COORD_SIMPLEX, COORD_FREE, COORD_FREE };
  const CoordKind kinds_zero_weight[] = { COORD_FREE, COORD_SKIP, COORD_FREE, COORD_FREE };
  for (guint c = 0; c < n; c++)
    {
      gboolean zero_weight = FALSE;
      for (size_t k = 0; k < cases[c].arg_len[0]; k++)
        zero_weight |= cases[c].args[0][k] == 0.0;
      check_vector_gradient (&cases[c], zero_weight ? kinds_zero_weight : kinds, CR_DOMAIN_REAL);
      /* d/dw_k is N_k / f, finite also where w_k = 0. */
      check_partials_against_reference (&cases[c], ref_normal_mixture, 0);
    }
}

static void
test_normal_mixture_rng (void)
{
  guint n;
  const VectorCase *cases = normal_mixture_cases (&n);
  gsl_rng *rng = new_rng ();
  double *draws = g_new (double, CR_N_DRAWS);
  for (guint c = 0; c < n; c++)
    {
      vector_sample (&cases[c], rng, draws, CR_N_DRAWS);
      const double *w = cases[c].args[0], *mu = cases[c].args[1], *sigma = cases[c].args[2];
      double mean = 0.0, second = 0.0;
      for (size_t k = 0; k < cases[c].arg_len[0]; k++)
        {
          mean += w[k] * mu[k];
          second += w[k] * (sigma[k] * sigma[k] + mu[k] * mu[k]);
        }
      assert_moments (draws, CR_N_DRAWS, mean, second - mean * mean, "NormalMixture");
    }
  g_free (draws);
  gsl_rng_free (rng);
}

static void
test_normal_mixture_bad (void)
{
  guint n;
  const VectorCase *cases = normal_mixture_cases (&n);
  const VectorCase *c = &cases[0];
  assert_bad_vector_arg (c, 0, (double[]){ 0.2, 0.5, 0.4 }, 3, c->n_x);
  assert_bad_vector_arg (c, 0, (double[]){ 0.2, NAN, 0.3 }, 3, c->n_x);
  assert_bad_vector_arg (c, 1, (double[]){ -2.0, INFINITY, 3.0 }, 3, c->n_x);
  assert_bad_vector_arg (c, 2, (double[]){ 0.5, 0.0, 2.0 }, 3, c->n_x);
  assert_bad_vector_arg (c, 2, (double[]){ 0.5, -1.0, 2.0 }, 3, c->n_x);
  assert_bad_vector_arg (c, 2, (double[]){ 0.5, NAN, 2.0 }, 3, c->n_x);
  assert_bad_vector_value (c, (double[]){ -3.0, NAN, 0.0, 0.4, 2.0, 8.0 }, c->n_x);
  assert_bad_vector_value (c, (double[]){ -3.0, -1.0, INFINITY, 0.4, 2.0, 8.0 }, c->n_x);
  /* mu shorter than w. */
  VectorCase wrong = *c;
  wrong.arg_len[1] = 2;
  assert_vector_impossible (&wrong, c->n_x);
}

/* --- AR1 and GaussianRandomWalk ------------------------------------------------------------ */

static const VectorCase *
ar1_cases (guint *n)
{
  static VectorCase cases[5];
  const CrDistribution *dist = get_dist ("AR1");
  cases[0] = (VectorCase){ dist, 6, { 0.3, -0.5, 1.2, 0.8, 0.0, -2.0 }, { 1, 1 },
                           { { 0.6 }, { 1.5 } } };
  /* Near a unit root, and a negative rho on a tiny scale. */
  cases[1] = (VectorCase){ dist, 5, { 10.0, 9.9, 9.95, 9.7, 9.8 }, { 1, 1 },
                           { { 0.999 }, { 0.2 } } };
  cases[2] = (VectorCase){ dist, 4, { 1e-3, -2e-3, 1.5e-3, 0.0 }, { 1, 1 },
                           { { -0.95 }, { 1e-3 } } };
  cases[3] = (VectorCase){ dist, 1, { 2.0 }, { 1, 1 }, { { 0.0 }, { 3.0 } } };
  /* One rho and sigma per time point. */
  cases[4] = (VectorCase){ dist, 4, { 0.5, -1.0, 0.2, 2.5 }, { 4, 4 },
                           { { 0.3, -0.6, 0.9, 0.1 }, { 1.0, 0.5, 2.0, 0.8 } } };
  *n = G_N_ELEMENTS (cases);
  return cases;
}

static void
test_ar1_log_density (void)
{
  guint n;
  const VectorCase *cases = ar1_cases (&n);
  g_assert_true (cases[0].dist->kind == CR_DIST_JOINT);
  for (guint c = 0; c < n; c++)
    {
      const VectorCase *v = &cases[c];
      double pointwise[CR_VEC_MAX];
      double lp = vector_eval (v, NULL, NULL, pointwise);
      long double total = 0.0L;
      for (size_t t = 0; t < v->n_x; t++)
        {
          double rho = v->args[0][v->arg_len[0] == 1 ? 0 : t];
          double sigma = v->args[1][v->arg_len[1] == 1 ? 0 : t];
          double term = t == 0
                            ? log (gsl_ran_gaussian_pdf (v->x[0], sigma / sqrt (1.0 - rho * rho)))
                            : log (gsl_ran_gaussian_pdf (v->x[t] - rho * v->x[t - 1], sigma));
          assert_close (pointwise[t], term, CR_TOL_LOG_DENSITY, "AR1 term");
          total += term;
        }
      assert_close (lp, total, CR_TOL_LOG_DENSITY, "AR1");
      assert_vector_valid (v);
    }
}

static void
test_ar1_gradient (void)
{
  guint n;
  const VectorCase *cases = ar1_cases (&n);
  const CoordKind kinds[] = { COORD_FREE, COORD_FREE, COORD_FREE };
  for (guint c = 0; c < n; c++)
    check_vector_gradient (&cases[c], kinds, CR_DOMAIN_REAL);
}

/* Draws of a series of length @n_t: mean vector and covariance matrix. */
static void
check_series_rng (const VectorCase *c, const double *mean, const double *cov, const char *what)
{
  size_t n_t = c->n_x;
  gsl_rng *rng = new_rng ();
  double *draws = g_new (double, CR_N_DRAWS * n_t);
  for (size_t i = 0; i < CR_N_DRAWS; i++)
    vector_sample (c, rng, draws + i * n_t, n_t);
  assert_mean_covariance (draws, CR_N_DRAWS, n_t, mean, cov, what);
  g_free (draws);
  gsl_rng_free (rng);
}

static void
test_ar1_rng (void)
{
  const CrDistribution *dist = get_dist ("AR1");
  const double rhos[] = { 0.7, -0.4 };
  for (guint r = 0; r < G_N_ELEMENTS (rhos); r++)
    {
      /* Stationary: E x_t = 0, Cov(x_s, x_t) = sigma^2 rho^|s - t| / (1 - rho^2). */
      double rho = rhos[r], sigma = 1.3;
      VectorCase c = { dist, 5, { 0 }, { 1, 1 }, { { rho }, { sigma } } };
      double mean[5] = { 0 }, cov[25];
      for (int s = 0; s < 5; s++)
        for (int t = 0; t < 5; t++)
          cov[s * 5 + t] = sigma * sigma * pow (rho, abs (s - t)) / (1.0 - rho * rho);
      check_series_rng (&c, mean, cov, "AR1");
    }
}

static void
test_ar1_bad (void)
{
  guint n;
  const VectorCase *cases = ar1_cases (&n);
  const VectorCase *c = &cases[0];
  assert_bad_vector_arg (c, 0, (double[]){ 1.0 }, 1, c->n_x);
  assert_bad_vector_arg (c, 0, (double[]){ -1.0 }, 1, c->n_x);
  assert_bad_vector_arg (c, 0, (double[]){ 1.5 }, 1, c->n_x);
  assert_bad_vector_arg (c, 0, (double[]){ NAN }, 1, c->n_x);
  assert_bad_vector_arg (c, 1, (double[]){ 0.0 }, 1, c->n_x);
  assert_bad_vector_arg (c, 1, (double[]){ -1.0 }, 1, c->n_x);
  assert_bad_vector_arg (c, 1, (double[]){ INFINITY }, 1, c->n_x);
  assert_bad_vector_value (c, (double[]){ 0.3, -0.5, NAN, 0.8, 0.0, -2.0 }, c->n_x);
  assert_bad_vector_value (c, (double[]){ 0.3, -0.5, 1.2, 0.8, 0.0, -INFINITY }, c->n_x);
  /* A rho per time point with one of them outside (-1, 1); sigma of a length that is
   * neither 1 nor the series'. */
  assert_bad_vector_arg (&cases[4], 0, (double[]){ 0.3, -0.6, 1.0, 0.1 }, 4, cases[4].n_x);
  VectorCase wrong = *c;
  wrong.arg_len[1] = 2;
  wrong.args[1][1] = 1.0;
  assert_vector_impossible (&wrong, c->n_x);
}

static const VectorCase *
random_walk_cases (guint *n)
{
  static VectorCase cases[4];
  const CrDistribution *dist = get_dist ("GaussianRandomWalk");
  cases[0] = (VectorCase){ dist, 6, { 0.3, -0.5, 1.2, 0.8, 0.0, -2.0 }, { 1 }, { { 1.5 } } };
  cases[1] = (VectorCase){ dist, 4, { 250.0, 250.001, 249.999, 250.0 }, { 1 }, { { 1e-3 } } };
  cases[2] = (VectorCase){ dist, 1, { -30.0 }, { 1 }, { { 2.0 } } };
  /* One sigma per time point; the first is unused (x_0 has its own start). */
  cases[3] = (VectorCase){ dist, 4, { 3.0, 2.0, 2.5, -1.0 }, { 4 }, { { 7.0, 0.5, 2.0, 1.5 } } };
  *n = G_N_ELEMENTS (cases);
  return cases;
}

static void
test_random_walk_log_density (void)
{
  guint n;
  const VectorCase *cases = random_walk_cases (&n);
  g_assert_true (cases[0].dist->kind == CR_DIST_JOINT);
  for (guint c = 0; c < n; c++)
    {
      const VectorCase *v = &cases[c];
      double pointwise[CR_VEC_MAX];
      double lp = vector_eval (v, NULL, NULL, pointwise);
      long double total = 0.0L;
      for (size_t t = 0; t < v->n_x; t++)
        {
          double sigma = v->args[0][v->arg_len[0] == 1 ? 0 : t];
          /* x_0 ~ Normal(0, 100), PyMC's default start. */
          double term = t == 0 ? log (gsl_ran_gaussian_pdf (v->x[0], 100.0))
                               : log (gsl_ran_gaussian_pdf (v->x[t] - v->x[t - 1], sigma));
          assert_close (pointwise[t], term, CR_TOL_LOG_DENSITY, "GaussianRandomWalk term");
          total += term;
        }
      assert_close (lp, total, CR_TOL_LOG_DENSITY, "GaussianRandomWalk");
      assert_vector_valid (v);
    }
}

static void
test_random_walk_gradient (void)
{
  guint n;
  const VectorCase *cases = random_walk_cases (&n);
  const CoordKind kinds[] = { COORD_FREE, COORD_FREE };
  for (guint c = 0; c < n; c++)
    check_vector_gradient (&cases[c], kinds, CR_DOMAIN_REAL);
}

static void
test_random_walk_rng (void)
{
  const CrDistribution *dist = get_dist ("GaussianRandomWalk");
  /* E x_t = 0, Cov(x_s, x_t) = 100^2 + min(s, t) sigma^2. A large sigma keeps the steps
   * visible next to the start's variance of 10^4. */
  double sigma = 60.0;
  VectorCase c = { dist, 4, { 0 }, { 1 }, { { sigma } } };
  double mean[4] = { 0 }, cov[16];
  for (size_t s = 0; s < 4; s++)
    for (size_t t = 0; t < 4; t++)
      cov[s * 4 + t] = 1e4 + (double) MIN (s, t) * sigma * sigma;
  check_series_rng (&c, mean, cov, "GaussianRandomWalk");
}

static void
test_random_walk_bad (void)
{
  guint n;
  const VectorCase *cases = random_walk_cases (&n);
  const VectorCase *c = &cases[0];
  assert_bad_vector_arg (c, 0, (double[]){ 0.0 }, 1, c->n_x);
  assert_bad_vector_arg (c, 0, (double[]){ -2.0 }, 1, c->n_x);
  assert_bad_vector_arg (c, 0, (double[]){ NAN }, 1, c->n_x);
  assert_bad_vector_arg (c, 0, (double[]){ INFINITY }, 1, c->n_x);
  assert_bad_vector_value (c, (double[]){ 0.3, -0.5, 1.2, NAN, 0.0, -2.0 }, c->n_x);
  assert_bad_vector_value (c, (double[]){ INFINITY, -0.5, 1.2, 0.8, 0.0, -2.0 }, c->n_x);
}

/* ============================================================================================ */

int
main (int argc, char **argv)
{
  gsl_set_error_handler_off ();
  g_test_init (&argc, &argv, NULL);

  static const char *const areas[] = { "log-density", "gradient", "pmf-sums-to-one", "rng",
                                       "bad-arguments" };
  static const GTestDataFunc funcs[] = { test_discrete_log_density, test_discrete_gradient,
                                         test_discrete_pmf_sum, test_discrete_rng,
                                         test_discrete_bad_arguments };
  for (guint s = 0; s < G_N_ELEMENTS (discrete_specs); s++)
    for (guint a = 0; a < G_N_ELEMENTS (areas); a++)
      {
        char *path = g_strdup_printf ("/dist-discrete/%s/%s", discrete_specs[s].name, areas[a]);
        g_test_add_data_func (path, &discrete_specs[s], funcs[a]);
        g_free (path);
      }

  g_test_add_func ("/dist-discrete/Binomial/rng-large-n-exact", test_binomial_rng_large_exact);

  g_test_add_func ("/dist-discrete/Categorical/log-density", test_categorical_log_density);
  g_test_add_func ("/dist-discrete/Categorical/gradient", test_categorical_gradient);
  g_test_add_func ("/dist-discrete/Categorical/rng", test_categorical_rng);
  g_test_add_func ("/dist-discrete/Categorical/bad-arguments", test_categorical_bad);

  g_test_add_func ("/dist-discrete/Dirichlet/log-density", test_dirichlet_log_density);
  g_test_add_func ("/dist-discrete/Dirichlet/integrates-to-one", test_dirichlet_integrates);
  g_test_add_func ("/dist-discrete/Dirichlet/gradient", test_dirichlet_gradient);
  g_test_add_func ("/dist-discrete/Dirichlet/rng", test_dirichlet_rng);
  g_test_add_func ("/dist-discrete/Dirichlet/bad-arguments", test_dirichlet_bad);

  g_test_add_func ("/dist-discrete/MvNormal/log-density", test_mv_normal_log_density);
  g_test_add_func ("/dist-discrete/MvNormal/gradient", test_mv_normal_gradient);
  g_test_add_func ("/dist-discrete/MvNormal/large-dimension", test_mv_normal_large);
  g_test_add_func ("/dist-discrete/MvNormal/rng", test_mv_normal_rng);
  g_test_add_func ("/dist-discrete/MvNormal/bad-arguments", test_mv_normal_bad);

  g_test_add_func ("/dist-discrete/LKJCholeskyCorr/integrates-to-one-n2", test_lkj_integrates_n2);
  g_test_add_func ("/dist-discrete/LKJCholeskyCorr/log-density-n3", test_lkj_n3_independent);
  g_test_add_func ("/dist-discrete/LKJCholeskyCorr/gradient", test_lkj_gradient);
  g_test_add_func ("/dist-discrete/LKJCholeskyCorr/rng", test_lkj_rng);
  g_test_add_func ("/dist-discrete/LKJCholeskyCorr/bad-arguments", test_lkj_bad);

  g_test_add_func ("/dist-discrete/NormalMixture/log-density", test_normal_mixture_log_density);
  g_test_add_func ("/dist-discrete/NormalMixture/gradient", test_normal_mixture_gradient);
  g_test_add_func ("/dist-discrete/NormalMixture/rng", test_normal_mixture_rng);
  g_test_add_func ("/dist-discrete/NormalMixture/bad-arguments", test_normal_mixture_bad);

  g_test_add_func ("/dist-discrete/AR1/log-density", test_ar1_log_density);
  g_test_add_func ("/dist-discrete/AR1/gradient", test_ar1_gradient);
  g_test_add_func ("/dist-discrete/AR1/rng", test_ar1_rng);
  g_test_add_func ("/dist-discrete/AR1/bad-arguments", test_ar1_bad);

  g_test_add_func ("/dist-discrete/GaussianRandomWalk/log-density", test_random_walk_log_density);
  g_test_add_func ("/dist-discrete/GaussianRandomWalk/gradient", test_random_walk_gradient);
  g_test_add_func ("/dist-discrete/GaussianRandomWalk/rng", test_random_walk_rng);
  g_test_add_func ("/dist-discrete/GaussianRandomWalk/bad-arguments", test_random_walk_bad);

  return g_test_run ();
}
