/* test-dist-continuous.c: the continuous distributions (inference/dist/continuous.c) and the
 * registry and checks of inference/dist/dist.c.
 *
 * Per distribution, on the grid of tests/data/dist/continuous.txt (edges of the support,
 * extreme but valid arguments), whose reference log densities mpmath computed at 50 digits
 * (make-continuous.py in that folder):
 * - the log density equals the reference and, where GSL's pdf is representable, the log of
 *   GSL's pdf (or of a closed form built on it for the distributions GSL lacks);
 * - every partial derivative equals a Richardson-extrapolated finite difference;
 * - the sampler's mean, variance and quartiles match the distribution;
 * - bad arguments and values give -inf (never NaN) and are refused by the checks.
 * Fixtures are read through G_TEST_SRCDIR: run through `meson test`, or set G_TEST_SRCDIR to
 * the tests folder.
 */
#include "dist/dist.h"

#include <float.h>
#include <glib.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <string.h>

/* Log densities are compared with |a - b| <= tol * max(1, |b|): an absolute error in log p
 * is a relative error in p, so below |log p| = 1 the absolute form is the meaningful one.
 * Against mpmath's exact values every point holds to 1e-12. */
#define TOL_LOG_DENSITY 1e-12
/* GSL's pdfs are computed in linear space (pow, exp of lgamma differences), which loses
 * digits as |log p| grows; against them the same comparison holds to 1e-11 on the points
 * where the pdf is a normal double. */
#define TOL_GSL_DENSITY 1e-11
/* Analytic partial derivatives against finite differences: relative 1e-6, with an absolute
 * floor of TOL_GRADIENT_FLOOR * max(1, |log p|) / s, s the variable's scale (below). The
 * Richardson-extrapolated central difference with h = 1e-3 s has truncation error about
 * h^4 / s^4 and rounding error about 1e-16 |log p| / h, both far below that floor. */
#define TOL_GRADIENT 1e-6
#define TOL_GRADIENT_FLOOR 1e-9
#define FD_STEP 1e-3
/* Statistical checks: N_DRAWS draws with a fixed seed; a statistic is within Z_LIMIT
 * standard errors. For a correct sampler |z| > 5 has probability 5.7e-7 per check; the
 * file runs 158 such checks, so a correct build fails for about 1 seed in 11,000. */
#define N_DRAWS 200000
#define Z_LIMIT 5.0
#define SEED 20240611

/* ---- the fixture ------------------------------------------------------------------------ */

typedef struct
{
  char name[32];
  double x;
  double args[CR_DIST_MAX_ARGS];
  double log_p;
} GridPoint;

static GArray *grid; /* GridPoint */

static void
load_grid (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "dist", "continuous.txt",
                                                 NULL);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  if (!g_file_get_contents (path, &text, NULL, &error))
    g_error ("%s: %s (run through meson test, or set G_TEST_SRCDIR)", path, error->message);

  grid = g_array_new (FALSE, TRUE, sizeof (GridPoint));
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (lines[i][0] == '#' || lines[i][0] == '\0')
        continue;
      g_auto (GStrv) fields = g_strsplit (lines[i], "\t", -1);
      guint n_fields = g_strv_length (fields);
      const CrDistribution *dist = cr_dist_lookup (fields[0]);
      if (dist == NULL || n_fields != dist->n_args + 3)
        g_error ("%s:%u: malformed line", path, i + 1);
      GridPoint point = { 0 };
      g_strlcpy (point.name, fields[0], sizeof point.name);
      point.x = g_ascii_strtod (fields[1], NULL);
      for (guint k = 0; k < dist->n_args; k++)
        point.args[k] = g_ascii_strtod (fields[2 + k], NULL);
      point.log_p = g_ascii_strtod (fields[n_fields - 1], NULL);
      g_array_append_val (grid, point);
    }
}

/* ---- per-distribution knowledge of the test --------------------------------------------- */

typedef struct
{
  const char *name; /* as in the registry */
  const char *path; /* test path component */
  /* The density from GSL's pdf (or a closed form over GSL pieces), independent of
   * continuous.c's log-space formulas. */
  double (*gsl_density) (double x, const double *args);
  /* The scale over which log p varies in x (k = -1) or in real argument k. */
  double (*scale) (int k, double x, const double *args);
  double (*cdf) (double x, const double *args);
  /* Mean and variance, or NAN where the fourth moment is infinite (then only quantiles). */
  double (*mean) (const double *args);
  double (*variance) (const double *args);
  double sample_args[8][CR_DIST_MAX_ARGS];
  guint n_sample_args;
  /* The scale of positive argument k where it is not the argument's own value, or NULL. */
  double (*positive_scale) (int k, double x, const double *args);
} DistCase;

static double
ugaussian_pdf (double z)
{
  return gsl_ran_ugaussian_pdf (z);
}

/* Normal */
static double
normal_gsl (double x, const double *a)
{
  return gsl_ran_gaussian_pdf (x - a[0], a[1]);
}
static double
normal_scale (int k, double x, const double *a)
{
  return a[1];
}
static double
normal_cdf (double x, const double *a)
{
  return gsl_cdf_gaussian_P (x - a[0], a[1]);
}
static double
normal_mean (const double *a)
{
  return a[0];
}
static double
normal_variance (const double *a)
{
  return a[1] * a[1];
}

/* HalfNormal */
static double
half_normal_gsl (double x, const double *a)
{
  return x < 0.0 ? 0.0 : 2.0 * gsl_ran_gaussian_pdf (x, a[0]);
}
static double
half_normal_scale (int k, double x, const double *a)
{
  return a[0];
}
static double
half_normal_cdf (double x, const double *a)
{
  return x <= 0.0 ? 0.0 : 1.0 - 2.0 * gsl_cdf_gaussian_Q (x, a[0]);
}
static double
half_normal_mean (const double *a)
{
  return a[0] * sqrt (2.0 / M_PI);
}
static double
half_normal_variance (const double *a)
{
  return a[0] * a[0] * (1.0 - 2.0 / M_PI);
}

/* StudentT: x varies on sigma near the centre and on |x - mu| in the tails. GSL forms
 * Γ((nu+1)/2) / Γ(nu/2) as exp of an lgamma difference and raises 1 + z²/nu to a power,
 * losing about log10(nu) digits; beyond nu = 1e6 that is more than TOL_GSL_DENSITY, so those
 * points are left to the mpmath reference (NAN here skips the comparison). */
#define GSL_TDIST_MAX_NU 1e6
static double
student_t_gsl (double x, const double *a)
{
  if (a[0] > GSL_TDIST_MAX_NU)
    return NAN;
  return gsl_ran_tdist_pdf ((x - a[1]) / a[2], a[0]) / a[2];
}
static double
student_t_scale (int k, double x, const double *a)
{
  /* log(1 + z²/nu) bends over sigma √nu when nu < 1 */
  return fmax (a[2] * fmin (1.0, sqrt (a[0])), fabs (x - a[1]));
}
static double
student_t_cdf (double x, const double *a)
{
  return gsl_cdf_tdist_P ((x - a[1]) / a[2], a[0]);
}
static double
student_t_mean (const double *a)
{
  return a[0] > 4.0 ? a[1] : NAN;
}
static double
student_t_variance (const double *a)
{
  return a[0] > 4.0 ? a[2] * a[2] * a[0] / (a[0] - 2.0) : NAN;
}

/* HalfStudentT */
static double
half_student_t_gsl (double x, const double *a)
{
  if (a[0] > GSL_TDIST_MAX_NU)
    return NAN;
  return x < 0.0 ? 0.0 : 2.0 * gsl_ran_tdist_pdf (x / a[1], a[0]) / a[1];
}
static double
half_student_t_scale (int k, double x, const double *a)
{
  return fmax (a[1] * fmin (1.0, sqrt (a[0])), x);
}
static double
half_student_t_cdf (double x, const double *a)
{
  return x <= 0.0 ? 0.0 : 1.0 - 2.0 * gsl_cdf_tdist_Q (x / a[1], a[0]);
}
static double
half_student_t_mean (const double *a)
{
  double nu = a[0];
  if (!(nu > 4.0))
    return NAN;
  /* 2 sigma √(nu/π) Γ((nu+1)/2) / (Γ(nu/2) (nu - 1)) */
  double gamma_ratio = exp (lgamma (0.5 * (nu + 1.0)) - lgamma (0.5 * nu));
  return 2.0 * a[1] * sqrt (nu / M_PI) * gamma_ratio / (nu - 1.0);
}
static double
half_student_t_variance (const double *a)
{
  double nu = a[0];
  if (!(nu > 4.0))
    return NAN;
  double m = half_student_t_mean (a);
  return a[1] * a[1] * nu / (nu - 2.0) - m * m;
}

/* Cauchy and HalfCauchy: quantiles only */
static double
cauchy_gsl (double x, const double *a)
{
  return gsl_ran_cauchy_pdf (x - a[0], a[1]);
}
static double
cauchy_scale (int k, double x, const double *a)
{
  return a[1] * fmax (1.0, fabs (x - a[0]) / a[1]);
}
static double
cauchy_cdf (double x, const double *a)
{
  return gsl_cdf_cauchy_P (x - a[0], a[1]);
}
static double
no_moment (const double *a)
{
  return NAN;
}
static double
half_cauchy_gsl (double x, const double *a)
{
  return x < 0.0 ? 0.0 : 2.0 * gsl_ran_cauchy_pdf (x, a[0]);
}
static double
half_cauchy_scale (int k, double x, const double *a)
{
  return a[0] * fmax (1.0, x / a[0]);
}
static double
half_cauchy_cdf (double x, const double *a)
{
  return x <= 0.0 ? 0.0 : 1.0 - 2.0 * gsl_cdf_cauchy_Q (x, a[0]);
}

/* Laplace: steps never cross the kink at mu */
static double
laplace_gsl (double x, const double *a)
{
  return gsl_ran_laplace_pdf (x - a[0], a[1]);
}
static double
laplace_scale (int k, double x, const double *a)
{
  double distance = fabs (x - a[0]);
  return distance > 0.0 ? fmin (a[1], distance) : a[1];
}
static double
laplace_cdf (double x, const double *a)
{
  return gsl_cdf_laplace_P (x - a[0], a[1]);
}
static double
laplace_variance (const double *a)
{
  return 2.0 * a[1] * a[1];
}

/* Logistic */
static double
logistic_gsl (double x, const double *a)
{
  return gsl_ran_logistic_pdf (x - a[0], a[1]);
}
static double
logistic_scale (int k, double x, const double *a)
{
  return a[1];
}
static double
logistic_cdf (double x, const double *a)
{
  return gsl_cdf_logistic_P (x - a[0], a[1]);
}
static double
logistic_variance (const double *a)
{
  return a[1] * a[1] * M_PI * M_PI / 3.0;
}

/* Exponential */
static double
exponential_gsl (double x, const double *a)
{
  return gsl_ran_exponential_pdf (x, 1.0 / a[0]);
}
static double
exponential_scale (int k, double x, const double *a)
{
  return 1.0 / a[0];
}
static double
exponential_cdf (double x, const double *a)
{
  return gsl_cdf_exponential_P (x, 1.0 / a[0]);
}
static double
exponential_mean (const double *a)
{
  return 1.0 / a[0];
}
static double
exponential_variance (const double *a)
{
  return 1.0 / (a[0] * a[0]);
}

/* Gamma */
static double
gamma_gsl (double x, const double *a)
{
  return gsl_ran_gamma_pdf (x, a[0], 1.0 / a[1]);
}
static double
gamma_scale (int k, double x, const double *a)
{
  return 1.0 / a[1];
}
static double
gamma_cdf (double x, const double *a)
{
  return gsl_cdf_gamma_P (x, a[0], 1.0 / a[1]);
}
static double
gamma_mean (const double *a)
{
  return a[0] / a[1];
}
static double
gamma_variance (const double *a)
{
  return a[0] / (a[1] * a[1]);
}

/* InverseGamma: X = 1/Y with Y ~ Gamma(alpha, rate beta), so p(x) = p_Y(1/x) / x² */
static double
inverse_gamma_gsl (double x, const double *a)
{
  return x <= 0.0 ? 0.0 : gsl_ran_gamma_pdf (1.0 / x, a[0], 1.0 / a[1]) / (x * x);
}
static double
inverse_gamma_scale (int k, double x, const double *a)
{
  return a[1] / (a[0] + 1.0); /* the mode */
}
static double
inverse_gamma_cdf (double x, const double *a)
{
  return x <= 0.0 ? 0.0 : gsl_cdf_gamma_Q (1.0 / x, a[0], 1.0 / a[1]);
}
static double
inverse_gamma_mean (const double *a)
{
  return a[0] > 4.0 ? a[1] / (a[0] - 1.0) : NAN;
}
static double
inverse_gamma_variance (const double *a)
{
  return a[0] > 4.0 ? a[1] * a[1] / ((a[0] - 1.0) * (a[0] - 1.0) * (a[0] - 2.0)) : NAN;
}

/* Beta */
static double
beta_gsl (double x, const double *a)
{
  return gsl_ran_beta_pdf (x, a[0], a[1]);
}
static double
beta_scale (int k, double x, const double *a)
{
  return 1.0;
}
static double
beta_cdf (double x, const double *a)
{
  return x <= 0.0 ? 0.0 : (x >= 1.0 ? 1.0 : gsl_cdf_beta_P (x, a[0], a[1]));
}
static double
beta_mean (const double *a)
{
  return a[0] / (a[0] + a[1]);
}
static double
beta_variance (const double *a)
{
  double s = a[0] + a[1];
  return a[0] * a[1] / (s * s * (s + 1.0));
}

/* Uniform */
static double
uniform_gsl (double x, const double *a)
{
  return gsl_ran_flat_pdf (x, a[0], a[1]);
}
static double
uniform_scale (int k, double x, const double *a)
{
  return 0.5 * a[1] - 0.5 * a[0];
}
static double
uniform_cdf (double x, const double *a)
{
  return gsl_cdf_flat_P (x, a[0], a[1]);
}
static double
uniform_mean (const double *a)
{
  return 0.5 * (a[0] + a[1]);
}
static double
uniform_variance (const double *a)
{
  return (a[1] - a[0]) * (a[1] - a[0]) / 12.0;
}

/* LogNormal: x varies on x sigma, mu on sigma */
static double
log_normal_gsl (double x, const double *a)
{
  return gsl_ran_lognormal_pdf (x, a[0], a[1]);
}
static double
log_normal_scale (int k, double x, const double *a)
{
  return k < 0 ? x * a[1] : a[1];
}
static double
log_normal_cdf (double x, const double *a)
{
  return x <= 0.0 ? 0.0 : gsl_cdf_lognormal_P (x, a[0], a[1]);
}
static double
log_normal_mean (const double *a)
{
  return exp (a[0] + 0.5 * a[1] * a[1]);
}
static double
log_normal_variance (const double *a)
{
  return expm1 (a[1] * a[1]) * exp (2.0 * a[0] + a[1] * a[1]);
}

/* Weibull: (x/beta)^alpha varies on x / alpha */
static double
weibull_gsl (double x, const double *a)
{
  return gsl_ran_weibull_pdf (x, a[1], a[0]);
}
static double
weibull_scale (int k, double x, const double *a)
{
  return x > 0.0 ? x / fmax (1.0, a[0]) : a[1];
}
static double
weibull_positive_scale (int k, double x, const double *a)
{
  /* (x/beta)^alpha moves by a factor e when beta moves by beta/alpha */
  return k == 1 ? a[1] / fmax (1.0, a[0]) : a[k];
}
static double
weibull_cdf (double x, const double *a)
{
  return x <= 0.0 ? 0.0 : gsl_cdf_weibull_P (x, a[1], a[0]);
}
static double
weibull_mean (const double *a)
{
  return a[1] * gsl_sf_gamma (1.0 + 1.0 / a[0]);
}
static double
weibull_variance (const double *a)
{
  double g1 = gsl_sf_gamma (1.0 + 1.0 / a[0]);
  return a[1] * a[1] * (gsl_sf_gamma (1.0 + 2.0 / a[0]) - g1 * g1);
}

/* TruncatedNormal: Z = Φ(b) - Φ(a) from GSL's P, or from Q in the upper tail */
static double
truncated_mass (double a, double b)
{
  if (a > 0.0)
    return gsl_cdf_ugaussian_Q (a) - gsl_cdf_ugaussian_Q (b);
  return gsl_cdf_ugaussian_P (b) - gsl_cdf_ugaussian_P (a);
}
static double
truncated_normal_gsl (double x, const double *a)
{
  if (!(x >= a[2] && x <= a[3]))
    return 0.0;
  double lo = (a[2] - a[0]) / a[1], hi = (a[3] - a[0]) / a[1];
  return gsl_ran_gaussian_pdf (x - a[0], a[1]) / truncated_mass (lo, hi);
}
static double
truncated_normal_scale (int k, double x, const double *a)
{
  return a[1];
}
static double
truncated_normal_cdf (double x, const double *a)
{
  if (x <= a[2])
    return 0.0;
  if (x >= a[3])
    return 1.0;
  double lo = (a[2] - a[0]) / a[1], hi = (a[3] - a[0]) / a[1], z = (x - a[0]) / a[1];
  return truncated_mass (lo, z) / truncated_mass (lo, hi);
}
/* Johnson, Kotz and Balakrishnan, Continuous Univariate Distributions 1, §10.1 */
static double
truncated_normal_mean (const double *a)
{
  double lo = (a[2] - a[0]) / a[1], hi = (a[3] - a[0]) / a[1];
  return a[0] + a[1] * (ugaussian_pdf (lo) - ugaussian_pdf (hi)) / truncated_mass (lo, hi);
}
static double
truncated_normal_variance (const double *a)
{
  double lo = (a[2] - a[0]) / a[1], hi = (a[3] - a[0]) / a[1];
  double mass = truncated_mass (lo, hi);
  double lo_term = isinf (lo) ? 0.0 : lo * ugaussian_pdf (lo);
  double hi_term = isinf (hi) ? 0.0 : hi * ugaussian_pdf (hi);
  double shift = (ugaussian_pdf (lo) - ugaussian_pdf (hi)) / mass;
  return a[1] * a[1] * (1.0 + (lo_term - hi_term) / mass - shift * shift);
}

/* SkewNormal: CDF Φ(z) - 2 T(z, alpha) with Owen's T function
 * T(h, a) = 1/(2π) ∫_0^a exp(-h² (1 + t²)/2) / (1 + t²) dt (Owen 1956), by 64-point
 * Gauss-Legendre on a smooth integrand. */
static double
skew_normal_gsl (double x, const double *a)
{
  double z = (x - a[0]) / a[1];
  return 2.0 / a[1] * ugaussian_pdf (z) * gsl_cdf_ugaussian_P (a[2] * z);
}
static double
skew_normal_scale (int k, double x, const double *a)
{
  if (k == 2)
    return 1.0 / fmax (1.0, fabs (x - a[0]) / a[1]);
  return a[1] / fmax (1.0, fabs (a[2]));
}
static double
owen_t_integrand (double t, void *params)
{
  double h = *(const double *) params;
  return exp (-0.5 * h * h * (1.0 + t * t)) / (1.0 + t * t);
}
static double
skew_normal_cdf (double x, const double *a)
{
  double z = (x - a[0]) / a[1];
  gsl_integration_glfixed_table *table = gsl_integration_glfixed_table_alloc (64);
  gsl_function f = { owen_t_integrand, &z };
  double owen_t = gsl_integration_glfixed (&f, 0.0, a[2], table) / (2.0 * M_PI);
  gsl_integration_glfixed_table_free (table);
  return gsl_cdf_ugaussian_P (z) - 2.0 * owen_t;
}
/* Azzalini 1985, section 2 */
static double
skew_normal_mean (const double *a)
{
  double delta = a[2] / sqrt (1.0 + a[2] * a[2]);
  return a[0] + a[1] * delta * sqrt (2.0 / M_PI);
}
static double
skew_normal_variance (const double *a)
{
  double delta = a[2] / sqrt (1.0 + a[2] * a[2]);
  return a[1] * a[1] * (1.0 - 2.0 * delta * delta / M_PI);
}

static const DistCase cases[] = {
  { "Normal", "normal", normal_gsl, normal_scale, normal_cdf, normal_mean, normal_variance,
    { { 1.5, 2.0 }, { -300.0, 1e-3 } }, 2 },
  { "HalfNormal", "half-normal", half_normal_gsl, half_normal_scale, half_normal_cdf,
    half_normal_mean, half_normal_variance, { { 3.0 } }, 1 },
  { "StudentT", "student-t", student_t_gsl, student_t_scale, student_t_cdf, student_t_mean,
    student_t_variance, { { 6.0, 1.0, 2.0 }, { 3.0, 0.0, 1.0 }, { 1.5, -1.0, 0.5 } }, 3 },
  { "HalfStudentT", "half-student-t", half_student_t_gsl, half_student_t_scale,
    half_student_t_cdf, half_student_t_mean, half_student_t_variance,
    { { 7.0, 2.0 }, { 2.0, 1.0 } }, 2 },
  { "Cauchy", "cauchy", cauchy_gsl, cauchy_scale, cauchy_cdf, no_moment, no_moment,
    { { 1.0, 2.0 } }, 1 },
  { "HalfCauchy", "half-cauchy", half_cauchy_gsl, half_cauchy_scale, half_cauchy_cdf,
    no_moment, no_moment, { { 1.5 } }, 1 },
  { "Laplace", "laplace", laplace_gsl, laplace_scale, laplace_cdf, normal_mean,
    laplace_variance, { { -1.0, 0.7 } }, 1 },
  { "Logistic", "logistic", logistic_gsl, logistic_scale, logistic_cdf, normal_mean,
    logistic_variance, { { 2.0, 1.5 } }, 1 },
  { "Exponential", "exponential", exponential_gsl, exponential_scale, exponential_cdf,
    exponential_mean, exponential_variance, { { 0.5 } }, 1 },
  { "Gamma", "gamma", gamma_gsl, gamma_scale, gamma_cdf, gamma_mean, gamma_variance,
    { { 2.5, 4.0 }, { 0.3, 1.0 } }, 2 },
  { "InverseGamma", "inverse-gamma", inverse_gamma_gsl, inverse_gamma_scale,
    inverse_gamma_cdf, inverse_gamma_mean, inverse_gamma_variance,
    { { 7.0, 3.0 }, { 1.5, 1.0 } }, 2 },
  { "Beta", "beta", beta_gsl, beta_scale, beta_cdf, beta_mean, beta_variance,
    { { 2.0, 5.0 }, { 0.5, 0.3 } }, 2 },
  { "Uniform", "uniform", uniform_gsl, uniform_scale, uniform_cdf, uniform_mean,
    uniform_variance, { { -2.0, 5.0 } }, 1 },
  { "LogNormal", "log-normal", log_normal_gsl, log_normal_scale, log_normal_cdf,
    log_normal_mean, log_normal_variance, { { 0.5, 0.4 } }, 1 },
  { "Weibull", "weibull", weibull_gsl, weibull_scale, weibull_cdf, weibull_mean,
    weibull_variance, { { 1.7, 3.0 }, { 0.8, 1.0 } }, 2, weibull_positive_scale },
  /* one arg set per branch of the sampler: plain normal, uniform proposal around the mean,
   * tail sampler, uniform proposal in the tail, the mirrored lower tail, no bounds, a tail
   * with a far upper bound, one bound at a negative a */
  { "TruncatedNormal", "truncated-normal", truncated_normal_gsl, truncated_normal_scale,
    truncated_normal_cdf, truncated_normal_mean, truncated_normal_variance,
    { { 0.0, 1.0, -1.0, 2.0 },
      { 0.0, 1.0, -0.5, 0.5 },
      { 0.0, 1.0, 3.0, INFINITY },
      { 0.0, 1.0, 4.0, 4.2 },
      { 1.0, 2.0, -INFINITY, -5.0 },
      { 0.0, 1.0, -INFINITY, INFINITY },
      { 0.0, 1.0, 0.5, 6.0 },
      { 0.0, 1.0, -0.3, INFINITY } },
    8 },
  { "SkewNormal", "skew-normal", skew_normal_gsl, skew_normal_scale, skew_normal_cdf,
    skew_normal_mean, skew_normal_variance,
    { { 0.0, 1.0, 4.0 }, { 1.0, 2.0, -2.0 }, { 0.0, 1.0, 0.0 } }, 3 },
};

/* LANGUAGE.md's continuous distributions, in its order. */
static const char *const continuous_names[] = {
  "Normal", "HalfNormal", "StudentT", "HalfStudentT", "Cauchy", "HalfCauchy",
  "Laplace", "Logistic", "Exponential", "Gamma", "InverseGamma", "Beta", "Uniform",
  "LogNormal", "Weibull", "TruncatedNormal", "SkewNormal",
};

static const CrDistribution *
case_dist (const DistCase *c)
{
  const CrDistribution *dist = cr_dist_lookup (c->name);
  g_assert_nonnull (dist);
  return dist;
}

/* ---- log density ------------------------------------------------------------------------ */

static gboolean
within (double value, double reference, double tol)
{
  return fabs (value - reference) <= tol * fmax (1.0, fabs (reference));
}

static void
test_log_density (gconstpointer data)
{
  const DistCase *c = data;
  const CrDistribution *dist = case_dist (c);
  guint n_points = 0, n_zero = 0, n_gsl = 0;

  for (guint i = 0; i < grid->len; i++)
    {
      const GridPoint *p = &g_array_index (grid, GridPoint, i);
      if (strcmp (p->name, c->name) != 0)
        continue;
      n_points++;

      double d_x = 42.0, d_args[CR_DIST_MAX_ARGS] = { 42.0, 42.0, 42.0, 42.0 };
      double log_p = dist->log_density (p->x, p->args, NULL, NULL);
      /* asking for gradients must not change the value */
      double log_p_grad = dist->log_density (p->x, p->args, &d_x, d_args);
      g_assert_true (log_p == log_p_grad || (isnan (log_p) && isnan (log_p_grad)));

      if (p->log_p == -INFINITY)
        {
          n_zero++;
          if (log_p != -INFINITY)
            g_test_message ("%s x = %.17g: %.17g, expected -inf", c->name, p->x, log_p);
          g_assert_true (log_p == -INFINITY);
          g_assert_cmpfloat (d_x, ==, 0.0);
          for (guint k = 0; k < dist->n_args; k++)
            g_assert_cmpfloat (d_args[k], ==, 0.0);
          continue;
        }

      if (!within (log_p, p->log_p, TOL_LOG_DENSITY))
        g_test_message ("%s x = %.17g args %g %g %g %g: %.17g, mpmath %.17g (diff %.3g)",
                        c->name, p->x, p->args[0], p->args[1], p->args[2], p->args[3], log_p,
                        p->log_p, log_p - p->log_p);
      g_assert_true (within (log_p, p->log_p, TOL_LOG_DENSITY));
      g_assert_true (isfinite (d_x));
      for (guint k = 0; k < dist->n_args; k++)
        g_assert_false (isnan (d_args[k]));

      double pdf = c->gsl_density (p->x, p->args);
      if (pdf > 1e-280 && pdf < 1e280)
        {
          n_gsl++;
          if (!within (log_p, log (pdf), TOL_GSL_DENSITY))
            g_test_message ("%s x = %.17g args %g %g %g %g: %.17g, GSL %.17g", c->name, p->x,
                            p->args[0], p->args[1], p->args[2], p->args[3], log_p, log (pdf));
          g_assert_true (within (log_p, log (pdf), TOL_GSL_DENSITY));
        }
    }

  /* the grid must reach the edges (some points of zero density), and GSL must confirm at
   * least half of the others */
  g_test_message ("%s: %u points, %u of zero density, %u compared with GSL", c->name,
                  n_points, n_zero, n_gsl);
  g_assert_cmpuint (n_points, >=, 20);
  g_assert_cmpuint (n_gsl, >=, (n_points - n_zero) / 2);
  if (dist->support != CR_SUPPORT_REAL)
    g_assert_cmpuint (n_zero, >=, 1);
}

/* ---- gradients -------------------------------------------------------------------------- */

typedef struct
{
  const CrDistribution *dist;
  double x;
  double args[CR_DIST_MAX_ARGS];
  int variable; /* -1: x; k: argument k */
} Probe;

static double
probe_at (const Probe *probe, double v)
{
  double x = probe->x;
  double args[CR_DIST_MAX_ARGS];
  memcpy (args, probe->args, sizeof args);
  if (probe->variable < 0)
    x = v;
  else
    args[probe->variable] = v;
  return probe->dist->log_density (x, args, NULL, NULL);
}

/* The derivative at v by Richardson extrapolation of a central difference with steps h and
 * h/2 (error O(h^4)); where one side leaves the support (a boundary point), of the one-sided
 * second-order difference (-3 f(v) + 4 f(v + h) - f(v + 2h)) / 2h with h/16 (error O(h^3)
 * after extrapolation). The step is rounded to a power of two. Returns FALSE when neither side
 * is inside. */
static gboolean
finite_difference (const Probe *probe, double v, double h, double *out)
{
  /* a power of two, so that v ± h and v ± h/2 are exact whenever h is above v's ulp */
  h = exp2 (round (log2 (h)));
  double f_plus = probe_at (probe, v + h), f_minus = probe_at (probe, v - h);
  double f_half_plus = probe_at (probe, v + 0.5 * h), f_half_minus = probe_at (probe, v - 0.5 * h);
  if (isfinite (f_plus) && isfinite (f_minus) && isfinite (f_half_plus) && isfinite (f_half_minus))
    {
      double coarse = (f_plus - f_minus) / (2.0 * h);
      double fine = (f_half_plus - f_half_minus) / h;
      *out = (4.0 * fine - coarse) / 3.0;
      return TRUE;
    }

  /* one-sided: a sixteenth of the step (still a power of two), as the extrapolated error is
   * O(h^3) here, not O(h^4) */
  double f0 = probe_at (probe, v);
  for (int side = 1; side >= -1; side -= 2)
    {
      double s = side * h / 16.0;
      double f1 = probe_at (probe, v + s), f2 = probe_at (probe, v + 2.0 * s);
      double f_half = probe_at (probe, v + 0.5 * s);
      if (isfinite (f1) && isfinite (f2) && isfinite (f_half))
        {
          double coarse = (-3.0 * f0 + 4.0 * f1 - f2) / (2.0 * s);
          double fine = (-3.0 * f0 + 4.0 * f_half - f1) / s;
          *out = (4.0 * fine - coarse) / 3.0;
          return TRUE;
        }
    }
  return FALSE;
}

/* The scale of variable @k (-1 for x) at (x, args): from the case for x and real arguments,
 * the value itself for positive ones unless the case says otherwise; never beyond the width
 * of an interval support or the distance to its edge (a distance of 0 means a one-sided
 * difference). */
static double
variable_scale (const DistCase *c, const CrDistribution *dist, int k, double x, const double *args)
{
  double scale;
  if (k >= 0 && dist->arg_domains[k] == CR_DOMAIN_POSITIVE)
    return c->positive_scale != NULL ? c->positive_scale (k, x, args) : args[k];
  scale = c->scale (k, x, args);

  double edge = INFINITY;
  if (dist->support == CR_SUPPORT_INTERVAL)
    {
      /* log Z moves on the width of the interval; x, lower and upper never step over it */
      double lower = args[cr_dist_arg_index (dist, "lower")];
      double upper = args[cr_dist_arg_index (dist, "upper")];
      scale = fmin (scale, upper - lower);
      if (k < 0)
        edge = fmin (x - lower, upper - x);
      else if (strcmp (dist->arg_names[k], "lower") == 0)
        edge = x - lower;
      else if (strcmp (dist->arg_names[k], "upper") == 0)
        edge = upper - x;
    }
  else if (k < 0 && dist->support == CR_SUPPORT_POSITIVE)
    edge = x;
  else if (k < 0 && dist->support == CR_SUPPORT_UNIT)
    edge = fmin (x, 1.0 - x);
  return edge > 0.0 ? fmin (scale, edge) : scale;
}

static void
test_gradient (gconstpointer data)
{
  const DistCase *c = data;
  const CrDistribution *dist = case_dist (c);
  guint n_checked = 0, n_skipped = 0, n_unresolvable = 0;

  for (guint i = 0; i < grid->len; i++)
    {
      const GridPoint *p = &g_array_index (grid, GridPoint, i);
      if (strcmp (p->name, c->name) != 0 || p->log_p == -INFINITY)
        continue;

      double d_x, d_args[CR_DIST_MAX_ARGS];
      double log_p = dist->log_density (p->x, p->args, &d_x, d_args);
      g_assert_true (isfinite (log_p));

      for (int k = -1; k < (int) dist->n_args; k++)
        {
          if (k >= 0 && !isfinite (p->args[k]))
            continue; /* an absent bound of TruncatedNormal */
          Probe probe = { dist, p->x, { 0 }, k };
          memcpy (probe.args, p->args, sizeof probe.args);
          double v = k < 0 ? p->x : p->args[k];
          double scale = variable_scale (c, dist, k, p->x, p->args);
          double numeric;
          if (FD_STEP * scale < 1024.0 * (nextafter (fabs (v), INFINITY) - fabs (v)))
            {
              /* x one ulp below 1: no step fits between v and the edge of the support */
              n_unresolvable++;
              continue;
            }
          double analytic = k < 0 ? d_x : d_args[k];
          if (!finite_difference (&probe, v, FD_STEP * scale, &numeric))
            {
              /* only in a shape at a boundary where the shape is exactly 1: log p jumps from
               * +inf to -inf across it, and the derivative is -inf (continuous.c) */
              g_test_message ("%s x = %g args %g %g: no finite difference in %s", c->name, p->x,
                              p->args[0], p->args[1], k < 0 ? "x" : dist->arg_names[k]);
              g_assert_true (analytic == -INFINITY);
              n_skipped++;
              continue;
            }
          double floor = TOL_GRADIENT_FLOOR * fmax (1.0, fabs (log_p)) / scale;
          if (!(fabs (analytic - numeric) <= fmax (TOL_GRADIENT * fabs (numeric), floor)))
            g_test_message ("%s x = %.17g args %g %g %g %g, d/d%s: analytic %.17g, "
                            "numeric %.17g",
                            c->name, p->x, p->args[0], p->args[1], p->args[2], p->args[3],
                            k < 0 ? "x" : dist->arg_names[k], analytic, numeric);
          g_assert_cmpfloat (fabs (analytic - numeric), <=,
                             fmax (TOL_GRADIENT * fabs (numeric), floor));
          n_checked++;
        }
    }
  g_test_message ("%s: %u partial derivatives checked, %u skipped at a jump, %u with no "
                  "representable step",
                  c->name, n_checked, n_skipped, n_unresolvable);
  g_assert_cmpuint (n_checked, >=, 30);
}

/* At x = 0 with a shape of exactly 1 the density is finite but log p jumps across shape = 1
 * (+inf below, -inf above): the shape derivative is -inf, the others finite. */
static void
test_boundary_shape_derivative (void)
{
  const struct
  {
    const char *name;
    double x;
    double args[2];
    int shape;
    double log_p;
  } points[] = {
    { "Gamma", 0.0, { 1.0, 2.0 }, 0, M_LN2 },
    { "Weibull", 0.0, { 1.0, 2.0 }, 0, -M_LN2 },
    { "Beta", 0.0, { 1.0, 3.0 }, 0, log (3.0) },
    { "Beta", 1.0, { 4.0, 1.0 }, 1, log (4.0) },
  };
  for (guint i = 0; i < G_N_ELEMENTS (points); i++)
    {
      const CrDistribution *dist = cr_dist_lookup (points[i].name);
      double d_x, d_args[2];
      double log_p = dist->log_density (points[i].x, points[i].args, &d_x, d_args);
      g_assert_cmpfloat_with_epsilon (log_p, points[i].log_p, TOL_LOG_DENSITY);
      g_assert_true (isfinite (d_x));
      g_assert_true (d_args[points[i].shape] == -INFINITY);
      g_assert_true (isfinite (d_args[1 - points[i].shape]));
    }
}

/* ---- sampling --------------------------------------------------------------------------- */

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* The p-quantile of @cdf by bisection, from a bracket grown outwards from [-1, 1]. */
static double
quantile (const DistCase *c, const double *args, double p)
{
  double lo = -1.0, hi = 1.0;
  while (c->cdf (lo, args) > p)
    lo *= 2.0;
  while (c->cdf (hi, args) < p)
    hi *= 2.0;
  for (int i = 0; i < 200 && hi - lo > 1e-14 * fmax (1.0, fabs (lo)); i++)
    {
      double mid = 0.5 * (lo + hi);
      if (c->cdf (mid, args) < p)
        lo = mid;
      else
        hi = mid;
    }
  return 0.5 * (lo + hi);
}

/* One arg set: every draw inside the support (finite log density); the sample mean within
 * Z_LIMIT SEs (SE from the sample variance), the sample variance within Z_LIMIT SEs (SE
 * sqrt((m4 - s^4) / n) from the sample fourth central moment), and the fraction of draws
 * below each true quartile within Z_LIMIT binomial SEs sqrt(p (1 - p) / n). With |z| > 5 at
 * 5.7e-7 per check a correct sampler fails about once in 350,000 runs of this function. */
static void
check_sample (const DistCase *c, const CrDistribution *dist, const double *args, gsl_rng *rng)
{
  g_autofree double *draws = g_new (double, N_DRAWS);
  double sum = 0.0;
  for (guint i = 0; i < N_DRAWS; i++)
    {
      draws[i] = dist->sample (rng, args);
      double log_p = dist->log_density (draws[i], args, NULL, NULL);
      if (!isfinite (log_p))
        g_test_message ("%s: draw %.17g has log density %g", c->name, draws[i], log_p);
      g_assert_true (isfinite (log_p));
      sum += draws[i];
    }
  double mean = sum / N_DRAWS;
  double m2 = 0.0, m4 = 0.0;
  for (guint i = 0; i < N_DRAWS; i++)
    {
      double d = draws[i] - mean;
      m2 += d * d;
      m4 += d * d * d * d;
    }
  m2 /= N_DRAWS;
  m4 /= N_DRAWS;

  double true_mean = c->mean (args), true_variance = c->variance (args);
  if (!isnan (true_mean))
    {
      double variance = m2 * N_DRAWS / (N_DRAWS - 1.0);
      double z_mean = (mean - true_mean) / sqrt (variance / N_DRAWS);
      double z_variance = (variance - true_variance) / sqrt ((m4 - m2 * m2) / N_DRAWS);
      g_test_message ("%s(%g, %g, %g, %g): mean %g (truth %g, z = %.2f), variance %g "
                      "(truth %g, z = %.2f)",
                      c->name, args[0], args[1], args[2], args[3], mean, true_mean, z_mean,
                      variance, true_variance, z_variance);
      g_assert_cmpfloat (fabs (z_mean), <=, Z_LIMIT);
      g_assert_cmpfloat (fabs (z_variance), <=, Z_LIMIT);
    }

  qsort (draws, N_DRAWS, sizeof (double), compare_doubles);
  for (int j = 1; j <= 3; j++)
    {
      double p = 0.25 * j;
      double q = quantile (c, args, p);
      /* draws below q: the first index whose draw exceeds q */
      size_t lo = 0, hi = N_DRAWS;
      while (lo < hi)
        {
          size_t mid = (lo + hi) / 2;
          if (draws[mid] <= q)
            lo = mid + 1;
          else
            hi = mid;
        }
      double fraction = (double) lo / N_DRAWS;
      double z = (fraction - p) / sqrt (p * (1.0 - p) / N_DRAWS);
      g_test_message ("%s(%g, %g, %g, %g): %.4f of draws below the %.2f quantile %g (z = %.2f)",
                      c->name, args[0], args[1], args[2], args[3], fraction, p, q, z);
      g_assert_cmpfloat (fabs (z), <=, Z_LIMIT);
    }
}

static void
test_sample (gconstpointer data)
{
  const DistCase *c = data;
  const CrDistribution *dist = case_dist (c);
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_rng_set (rng, SEED);
  for (guint s = 0; s < c->n_sample_args; s++)
    check_sample (c, dist, c->sample_args[s], rng);
  gsl_rng_free (rng);
}

/* ---- bad arguments and values ----------------------------------------------------------- */

static void
assert_reason_names (const char *reason, const char *arg_name, const char *dist_name)
{
  g_assert_nonnull (reason);
  g_test_message ("reason: %s", reason);
  if (arg_name != NULL)
    g_assert_nonnull (strstr (reason, arg_name));
  g_assert_nonnull (strstr (reason, dist_name));
}

/* log p at (x, args) is -inf with zero gradients, never NaN */
static void
assert_zero_density (const CrDistribution *dist, double x, const double *args)
{
  double d_x = 42.0, d_args[CR_DIST_MAX_ARGS] = { 42.0, 42.0, 42.0, 42.0 };
  g_assert_true (dist->log_density (x, args, NULL, NULL) == -INFINITY);
  g_assert_true (dist->log_density (x, args, &d_x, d_args) == -INFINITY);
  g_assert_cmpfloat (d_x, ==, 0.0);
  for (guint k = 0; k < dist->n_args; k++)
    g_assert_cmpfloat (d_args[k], ==, 0.0);
}

static gboolean
check_value_one (const CrDistribution *dist, double x, const double *args, char **reason)
{
  const double *arg_values[CR_DIST_MAX_ARGS];
  size_t arg_len[CR_DIST_MAX_ARGS];
  for (guint k = 0; k < CR_DIST_MAX_ARGS; k++)
    {
      arg_values[k] = &args[k];
      arg_len[k] = 1;
    }
  return cr_dist_check_value (dist, &x, 1, arg_values, arg_len, reason);
}

static void
test_bad_args (gconstpointer data)
{
  const DistCase *c = data;
  const CrDistribution *dist = case_dist (c);
  const double *base = c->sample_args[0];
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_rng_set (rng, SEED);
  double x = dist->sample (rng, base);

  /* the base is valid */
  for (guint k = 0; k < dist->n_args; k++)
    {
      char *reason = NULL;
      g_assert_true (cr_dist_check_arg (dist, k, &base[k], 1, &reason));
      g_assert_null (reason);
    }
  char *reason = NULL;
  g_assert_true (check_value_one (dist, x, base, &reason));
  g_assert_null (reason);

  /* each argument outside its domain */
  const double bad_real[] = { NAN, INFINITY, -INFINITY };
  const double bad_positive[] = { 0.0, -0.0, -1.0, -DBL_MIN, NAN, INFINITY, -INFINITY };
  guint n_bad = 0;
  for (guint k = 0; k < dist->n_args; k++)
    {
      gboolean positive = dist->arg_domains[k] == CR_DOMAIN_POSITIVE;
      const double *bad = positive ? bad_positive : bad_real;
      guint n = positive ? G_N_ELEMENTS (bad_positive) : G_N_ELEMENTS (bad_real);
      for (guint b = 0; b < n; b++)
        {
          double args[CR_DIST_MAX_ARGS];
          memcpy (args, base, sizeof args);
          args[k] = bad[b];
          /* TruncatedNormal: no lower bound is -inf, no upper bound +inf */
          const char *arg_name = dist->arg_names[k];
          if (strcmp (c->name, "TruncatedNormal") == 0
              && ((strcmp (arg_name, "lower") == 0 && bad[b] == -INFINITY)
                  || (strcmp (arg_name, "upper") == 0 && bad[b] == INFINITY)))
            {
              g_assert_true (cr_dist_check_arg (dist, k, &args[k], 1, NULL));
              continue;
            }
          assert_zero_density (dist, x, args);
          g_assert_true (isnan (dist->sample (rng, args)));
          g_assert_false (cr_dist_check_arg (dist, k, &args[k], 1, &reason));
          assert_reason_names (reason, dist->arg_names[k], dist->name);
          g_clear_pointer (&reason, g_free);
          n_bad++;
        }
    }
  g_assert_cmpuint (n_bad, >=, 3 * dist->n_args);

  /* values outside the support */
  double outside[8] = { NAN, INFINITY, -INFINITY };
  guint n_outside = 3;
  switch (dist->support)
    {
    case CR_SUPPORT_POSITIVE:
      outside[n_outside++] = -1.0;
      outside[n_outside++] = -DBL_MIN;
      break;
    case CR_SUPPORT_UNIT:
      outside[n_outside++] = -0.5;
      outside[n_outside++] = 1.5;
      break;
    case CR_SUPPORT_INTERVAL:
      outside[n_outside++] = base[cr_dist_arg_index (dist, "lower")] - 1.0;
      outside[n_outside++] = base[cr_dist_arg_index (dist, "upper")] + 1.0;
      break;
    case CR_SUPPORT_REAL:
    case CR_SUPPORT_NONNEGATIVE_INTEGER:
    case CR_SUPPORT_BINARY:
    case CR_SUPPORT_BOUNDED_INTEGER:
    case CR_SUPPORT_SIMPLEX:
    case CR_SUPPORT_CHOLESKY_CORR:
    case CR_SUPPORT_REAL_VECTOR:
    default:
      break;
    }
  for (guint i = 0; i < n_outside; i++)
    {
      assert_zero_density (dist, outside[i], base);
      g_assert_false (check_value_one (dist, outside[i], base, &reason));
      assert_reason_names (reason, NULL, dist->name);
      g_clear_pointer (&reason, g_free);
    }
  gsl_rng_free (rng);
}

/* Uniform and TruncatedNormal: lower must be below upper; TruncatedNormal's bounds may be
 * infinite only on their own side. */
static void
test_interval_bounds (void)
{
  const CrDistribution *uniform = cr_dist_lookup ("Uniform");
  const CrDistribution *truncated = cr_dist_lookup ("TruncatedNormal");
  char *reason = NULL;

  const double crossed[][2] = { { 1.0, 1.0 }, { 2.0, 1.0 } };
  for (guint i = 0; i < G_N_ELEMENTS (crossed); i++)
    {
      assert_zero_density (uniform, 1.0, crossed[i]);
      g_assert_true (isnan (uniform->sample (NULL, crossed[i])));
      g_assert_false (check_value_one (uniform, 1.0, crossed[i], &reason));
      assert_reason_names (reason, "lower", "Uniform");
      g_clear_pointer (&reason, g_free);

      double tn_args[4] = { 0.0, 1.0, crossed[i][0], crossed[i][1] };
      assert_zero_density (truncated, 1.0, tn_args);
      g_assert_false (check_value_one (truncated, 1.0, tn_args, &reason));
      assert_reason_names (reason, "lower", "TruncatedNormal");
      g_clear_pointer (&reason, g_free);
    }

  /* a bound infinite on the wrong side */
  double wrong_lower[4] = { 0.0, 1.0, INFINITY, INFINITY };
  assert_zero_density (truncated, 1.0, wrong_lower);
  g_assert_false (cr_dist_check_arg (truncated, 2, &wrong_lower[2], 1, &reason));
  assert_reason_names (reason, "lower", "TruncatedNormal");
  g_clear_pointer (&reason, g_free);
  double wrong_upper[4] = { 0.0, 1.0, -INFINITY, -INFINITY };
  assert_zero_density (truncated, 1.0, wrong_upper);
  g_assert_false (cr_dist_check_arg (truncated, 3, &wrong_upper[3], 1, &reason));
  assert_reason_names (reason, "upper", "TruncatedNormal");
  g_clear_pointer (&reason, g_free);

  /* Uniform's bounds must be finite */
  double infinite = -INFINITY;
  g_assert_false (cr_dist_check_arg (uniform, 0, &infinite, 1, &reason));
  g_assert_cmpstr (reason, ==, "lower of Uniform must be finite, got -inf");
  g_clear_pointer (&reason, g_free);

  /* no bounds at all: a normal, and a value far out is inside */
  double open[4] = { 0.0, 1.0, -INFINITY, INFINITY };
  g_assert_true (check_value_one (truncated, -1e300, open, &reason));
  g_assert_null (reason);
}

/* ---- registry --------------------------------------------------------------------------- */

static void
test_registry_order (void)
{
  size_t n = 0;
  const CrDistribution *const *all = cr_dist_all (&n);
  g_assert_nonnull (all);
  g_assert_cmpuint (n, >=, G_N_ELEMENTS (continuous_names));
  for (size_t i = 0; i < G_N_ELEMENTS (continuous_names); i++)
    g_assert_cmpstr (all[i]->name, ==, continuous_names[i]);

  for (size_t i = 0; i < n; i++)
    {
      const CrDistribution *dist = all[i];
      g_assert_true (cr_dist_lookup (dist->name) == dist);
      for (size_t j = i + 1; j < n; j++)
        g_assert_cmpstr (dist->name, !=, all[j]->name);
      g_assert_cmpuint (dist->n_args, <=, CR_DIST_MAX_ARGS);
      for (guint k = 0; k < dist->n_args; k++)
        g_assert_nonnull (dist->arg_names[k]);
      /* what NUTS cannot sample is never free */
      if (dist->discrete)
        g_assert_false (dist->can_be_free);
      if (dist->kind == CR_DIST_ELEMENTWISE)
        {
          g_assert_nonnull (dist->log_density);
          g_assert_nonnull (dist->sample);
        }
      else
        {
          g_assert_nonnull (dist->log_density_vector);
          g_assert_nonnull (dist->sample_vector);
        }
    }

  for (size_t i = 0; i < G_N_ELEMENTS (continuous_names); i++)
    {
      const CrDistribution *dist = all[i];
      g_assert_cmpint (dist->kind, ==, CR_DIST_ELEMENTWISE);
      g_assert_false (dist->discrete);
      g_assert_true (dist->can_be_free);
    }
}

static void
test_registry_lookup (void)
{
  const CrDistribution *normal = cr_dist_lookup ("Normal");
  g_assert_nonnull (normal);
  g_assert_cmpstr (normal->name, ==, "Normal");
  g_assert_null (cr_dist_lookup ("normal"));
  g_assert_null (cr_dist_lookup ("Gaussian"));
  g_assert_null (cr_dist_lookup (""));
  g_assert_null (cr_dist_lookup ("Normal "));
  g_assert_true (cr_dist_lookup ("TruncatedNormal")->support == CR_SUPPORT_INTERVAL);
  g_assert_true (cr_dist_lookup ("Beta")->support == CR_SUPPORT_UNIT);
}

static void
test_registry_arg_index (void)
{
  const CrDistribution *normal = cr_dist_lookup ("Normal");
  g_assert_cmpint (cr_dist_arg_index (normal, "mu"), ==, 0);
  g_assert_cmpint (cr_dist_arg_index (normal, "sigma"), ==, 1);
  g_assert_cmpint (cr_dist_arg_index (normal, "tau"), ==, -1);
  g_assert_cmpint (cr_dist_arg_index (normal, "Sigma"), ==, -1);
  const CrDistribution *truncated = cr_dist_lookup ("TruncatedNormal");
  g_assert_cmpint (cr_dist_arg_index (truncated, "upper"), ==, 3);
  g_assert_cmpint (cr_dist_arg_index (cr_dist_lookup ("Exponential"), "lam"), ==, 0);
}

static const CrDistribution fake_nullary = {
  .name = "Fake",
  .kind = CR_DIST_ELEMENTWISE,
  .n_args = 0,
  .support = CR_SUPPORT_REAL,
};

static void
test_registry_signature (void)
{
  const struct
  {
    const char *name, *signature;
  } expected[] = {
    { "Normal", "Normal(mu, sigma)" },
    { "HalfCauchy", "HalfCauchy(beta)" },
    { "StudentT", "StudentT(nu, mu, sigma)" },
    { "TruncatedNormal", "TruncatedNormal(mu, sigma, lower, upper)" },
    { "Exponential", "Exponential(lam)" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autofree char *signature = cr_dist_signature (cr_dist_lookup (expected[i].name));
      g_assert_cmpstr (signature, ==, expected[i].signature);
    }
  g_autofree char *nullary = cr_dist_signature (&fake_nullary);
  g_assert_cmpstr (nullary, ==, "Fake()");
}

/* ---- checks for every domain and support, on stand-in distributions --------------------- */

/* A Dirichlet log density for the stand-in below, so the boundary rule (a zero entry is
 * accepted where the density is finite) has a density to consult. */
static double
fake_dirichlet_log_density (const double *x,
                            size_t n_x,
                            const double *const *args,
                            const size_t *arg_len,
                            double *d_x,
                            double *const *d_args,
                            double *pointwise)
{
  double log_p = 0.0, sum_a = 0.0;
  for (size_t i = 0; i < n_x; i++)
    {
      double a = args[0][i];
      sum_a += a;
      log_p -= lgamma (a);
      if (a != 1.0)
        {
          if (x[i] == 0.0)
            return -INFINITY;
          log_p += (a - 1.0) * log (x[i]);
        }
    }
  return log_p + lgamma (sum_a);
}

static const CrDistribution fake_binomial = {
  .name = "FakeBinomial", .kind = CR_DIST_ELEMENTWISE, .n_args = 2,
  .arg_names = { "n", "p" },
  .arg_domains = { CR_DOMAIN_NONNEGATIVE_INTEGER, CR_DOMAIN_PROBABILITY },
  .support = CR_SUPPORT_BOUNDED_INTEGER, .discrete = TRUE,
};
static const CrDistribution fake_discrete_uniform = {
  .name = "FakeDiscreteUniform", .kind = CR_DIST_ELEMENTWISE, .n_args = 2,
  .arg_names = { "lower", "upper" },
  .arg_domains = { CR_DOMAIN_INTEGER, CR_DOMAIN_INTEGER },
  .support = CR_SUPPORT_BOUNDED_INTEGER, .discrete = TRUE,
};
static const CrDistribution fake_categorical = {
  .name = "FakeCategorical", .kind = CR_DIST_ELEMENTWISE_VECTOR_ARGS, .n_args = 1,
  .arg_names = { "p" }, .arg_domains = { CR_DOMAIN_SIMPLEX },
  .support = CR_SUPPORT_BOUNDED_INTEGER, .discrete = TRUE,
};
static const CrDistribution fake_poisson = {
  .name = "FakePoisson", .kind = CR_DIST_ELEMENTWISE, .n_args = 1,
  .arg_names = { "mu" }, .arg_domains = { CR_DOMAIN_POSITIVE },
  .support = CR_SUPPORT_NONNEGATIVE_INTEGER, .discrete = TRUE,
};
static const CrDistribution fake_bernoulli = {
  .name = "FakeBernoulli", .kind = CR_DIST_ELEMENTWISE, .n_args = 1,
  .arg_names = { "p" }, .arg_domains = { CR_DOMAIN_PROBABILITY },
  .support = CR_SUPPORT_BINARY, .discrete = TRUE,
};
static const CrDistribution fake_dirichlet = {
  .name = "FakeDirichlet", .kind = CR_DIST_JOINT, .n_args = 1,
  .arg_names = { "a" }, .arg_domains = { CR_DOMAIN_POSITIVE_VECTOR },
  .support = CR_SUPPORT_SIMPLEX, .log_density_vector = fake_dirichlet_log_density,
};
static const CrDistribution fake_mv_normal = {
  .name = "FakeMvNormal", .kind = CR_DIST_JOINT, .n_args = 2,
  .arg_names = { "mu", "chol" },
  .arg_domains = { CR_DOMAIN_REAL_VECTOR, CR_DOMAIN_CHOLESKY_FACTOR },
  .support = CR_SUPPORT_REAL_VECTOR,
};
static const CrDistribution fake_lkj = {
  .name = "FakeLKJ", .kind = CR_DIST_JOINT, .n_args = 2,
  .arg_names = { "n", "eta" },
  .arg_domains = { CR_DOMAIN_DIMENSION, CR_DOMAIN_POSITIVE },
  .support = CR_SUPPORT_CHOLESKY_CORR,
};
static const CrDistribution fake_ar1 = {
  .name = "FakeAR1", .kind = CR_DIST_JOINT, .n_args = 2,
  .arg_names = { "rho", "sigma" },
  .arg_domains = { CR_DOMAIN_OPEN_UNIT_BALL, CR_DOMAIN_POSITIVE },
  .support = CR_SUPPORT_REAL_VECTOR,
};
static const CrDistribution fake_mixture = {
  .name = "FakeMixture", .kind = CR_DIST_ELEMENTWISE_VECTOR_ARGS, .n_args = 3,
  .arg_names = { "w", "mu", "sigma" },
  .arg_domains = { CR_DOMAIN_SIMPLEX, CR_DOMAIN_REAL_VECTOR, CR_DOMAIN_POSITIVE_VECTOR },
  .support = CR_SUPPORT_REAL,
};

/* check_arg over @len values: accepted, or refused naming the argument and distribution */
static void
assert_arg (const CrDistribution *dist, guint arg, const double *values, size_t len, gboolean ok)
{
  char *reason = NULL;
  gboolean result = cr_dist_check_arg (dist, arg, values, len, &reason);
  if (result != ok)
    g_test_message ("%s %s: %s", dist->name, dist->arg_names[arg], reason ? reason : "accepted");
  g_assert_true (result == ok);
  if (ok)
    g_assert_null (reason);
  else
    assert_reason_names (reason, dist->arg_names[arg], dist->name);
  g_free (reason);
}

static void
assert_scalar_arg (const CrDistribution *dist, guint arg, double value, gboolean ok)
{
  assert_arg (dist, arg, &value, 1, ok);
}

static void
test_check_arg_scalar_domains (void)
{
  const CrDistribution *normal = cr_dist_lookup ("Normal");
  /* REAL */
  assert_scalar_arg (normal, 0, -1e300, TRUE);
  assert_scalar_arg (normal, 0, 0.0, TRUE);
  assert_scalar_arg (normal, 0, NAN, FALSE);
  assert_scalar_arg (normal, 0, INFINITY, FALSE);
  assert_scalar_arg (normal, 0, -INFINITY, FALSE);
  /* POSITIVE */
  assert_scalar_arg (normal, 1, DBL_MIN, TRUE);
  assert_scalar_arg (normal, 1, 1e300, TRUE);
  assert_scalar_arg (normal, 1, 0.0, FALSE);
  assert_scalar_arg (normal, 1, -1.0, FALSE);
  assert_scalar_arg (normal, 1, NAN, FALSE);
  assert_scalar_arg (normal, 1, INFINITY, FALSE);
  /* PROBABILITY */
  assert_scalar_arg (&fake_binomial, 1, 0.0, TRUE);
  assert_scalar_arg (&fake_binomial, 1, 1.0, TRUE);
  assert_scalar_arg (&fake_binomial, 1, 0.3, TRUE);
  assert_scalar_arg (&fake_binomial, 1, -1e-300, FALSE);
  assert_scalar_arg (&fake_binomial, 1, 1.0 + DBL_EPSILON, FALSE);
  assert_scalar_arg (&fake_binomial, 1, NAN, FALSE);
  /* OPEN_UNIT_BALL */
  assert_scalar_arg (&fake_ar1, 0, 0.0, TRUE);
  assert_scalar_arg (&fake_ar1, 0, -0.999999, TRUE);
  assert_scalar_arg (&fake_ar1, 0, 1.0, FALSE);
  assert_scalar_arg (&fake_ar1, 0, -1.0, FALSE);
  assert_scalar_arg (&fake_ar1, 0, NAN, FALSE);
  /* NONNEGATIVE_INTEGER */
  assert_scalar_arg (&fake_binomial, 0, 0.0, TRUE);
  assert_scalar_arg (&fake_binomial, 0, 12.0, TRUE);
  assert_scalar_arg (&fake_binomial, 0, -1.0, FALSE);
  assert_scalar_arg (&fake_binomial, 0, 2.5, FALSE);
  assert_scalar_arg (&fake_binomial, 0, INFINITY, FALSE);
  assert_scalar_arg (&fake_binomial, 0, NAN, FALSE);
  /* INTEGER */
  assert_scalar_arg (&fake_discrete_uniform, 0, -7.0, TRUE);
  assert_scalar_arg (&fake_discrete_uniform, 0, 0.5, FALSE);
  assert_scalar_arg (&fake_discrete_uniform, 0, -INFINITY, FALSE);
  assert_scalar_arg (&fake_discrete_uniform, 0, NAN, FALSE);
  /* DIMENSION */
  assert_scalar_arg (&fake_lkj, 0, 2.0, TRUE);
  assert_scalar_arg (&fake_lkj, 0, 5.0, TRUE);
  assert_scalar_arg (&fake_lkj, 0, 1.0, FALSE);
  assert_scalar_arg (&fake_lkj, 0, 3.5, FALSE);
  assert_scalar_arg (&fake_lkj, 0, NAN, FALSE);

  /* one value per element: every one is checked, and the message points at the bad one */
  const double sigmas[] = { 1.0, 2.0, 0.0 };
  assert_arg (normal, 1, sigmas, 3, FALSE);
  char *reason = NULL;
  g_assert_false (cr_dist_check_arg (normal, 1, sigmas, 3, &reason));
  g_assert_cmpstr (reason, ==, "sigma of Normal must be positive, got 0 at index 2");
  g_clear_pointer (&reason, g_free);
  assert_arg (normal, 1, sigmas, 2, TRUE);
  assert_arg (normal, 1, sigmas, 0, FALSE);

  /* the message of dist.h, and numbers written in full */
  double minus_one = -1.0, fraction = 2.0000000001, tenth = 0.1;
  g_assert_false (cr_dist_check_arg (normal, 1, &minus_one, 1, &reason));
  g_assert_cmpstr (reason, ==, "sigma of Normal must be positive, got -1");
  g_clear_pointer (&reason, g_free);
  g_assert_false (cr_dist_check_arg (&fake_binomial, 0, &fraction, 1, &reason));
  g_assert_cmpstr (reason, ==,
                   "n of FakeBinomial must be a non-negative integer, got 2.0000000001");
  g_clear_pointer (&reason, g_free);
  g_assert_true (cr_dist_check_arg (&fake_binomial, 1, &tenth, 1, &reason));
  g_assert_null (reason);
  /* the reason is optional */
  g_assert_false (cr_dist_check_arg (normal, 1, &minus_one, 1, NULL));
}

static void
test_check_arg_vector_domains (void)
{
  /* SIMPLEX */
  const double simplex[] = { 0.2, 0.3, 0.5 };
  const double with_zero[] = { 0.0, 1.0 };
  const double short_sum[] = { 0.2, 0.3, 0.4 };
  const double nearly[] = { 0.5, 0.5 + 5e-9 };
  const double negative[] = { -0.1, 1.1 };
  const double single[] = { 1.0 };
  const double with_nan[] = { NAN, 1.0 };
  assert_arg (&fake_categorical, 0, simplex, 3, TRUE);
  assert_arg (&fake_categorical, 0, with_zero, 2, TRUE);
  assert_arg (&fake_categorical, 0, nearly, 2, TRUE);
  assert_arg (&fake_categorical, 0, short_sum, 3, FALSE);
  assert_arg (&fake_categorical, 0, negative, 2, FALSE);
  assert_arg (&fake_categorical, 0, single, 1, FALSE);
  assert_arg (&fake_categorical, 0, with_nan, 2, FALSE);
  char *reason = NULL;
  g_assert_false (cr_dist_check_arg (&fake_categorical, 0, short_sum, 3, &reason));
  g_assert_cmpstr (reason, ==, "p of FakeCategorical must sum to 1, got a sum of 0.9");
  g_clear_pointer (&reason, g_free);

  /* POSITIVE_VECTOR */
  const double positive[] = { 0.5, 2.0, 1e-300 };
  const double not_positive[] = { 0.5, 0.0 };
  const double infinite[] = { INFINITY };
  assert_arg (&fake_dirichlet, 0, positive, 3, TRUE);
  assert_arg (&fake_dirichlet, 0, not_positive, 2, FALSE);
  assert_arg (&fake_dirichlet, 0, with_nan, 2, FALSE);
  assert_arg (&fake_dirichlet, 0, infinite, 1, FALSE);
  assert_arg (&fake_dirichlet, 0, positive, 0, FALSE);

  /* REAL_VECTOR */
  const double reals[] = { -3.0, 0.0, 1e300 };
  assert_arg (&fake_mv_normal, 0, reals, 3, TRUE);
  assert_arg (&fake_mv_normal, 0, single, 1, TRUE);
  assert_arg (&fake_mv_normal, 0, with_nan, 2, FALSE);
  assert_arg (&fake_mv_normal, 0, infinite, 1, FALSE);
  assert_arg (&fake_mv_normal, 0, reals, 0, FALSE);

  /* CHOLESKY_FACTOR, row-major */
  const double chol[] = { 2.0, 0.0, -1.0, 0.5 };
  const double upper_entry[] = { 2.0, 0.1, -1.0, 0.5 };
  const double zero_diagonal[] = { 2.0, 0.0, -1.0, 0.0 };
  const double negative_diagonal[] = { -2.0, 0.0, -1.0, 0.5 };
  const double nan_entry[] = { 2.0, 0.0, NAN, 0.5 };
  assert_arg (&fake_mv_normal, 1, chol, 4, TRUE);
  assert_arg (&fake_mv_normal, 1, single, 1, TRUE);
  assert_arg (&fake_mv_normal, 1, upper_entry, 4, FALSE);
  assert_arg (&fake_mv_normal, 1, zero_diagonal, 4, FALSE);
  assert_arg (&fake_mv_normal, 1, negative_diagonal, 4, FALSE);
  assert_arg (&fake_mv_normal, 1, nan_entry, 4, FALSE);
  assert_arg (&fake_mv_normal, 1, chol, 3, FALSE);
  assert_arg (&fake_mv_normal, 1, chol, 0, FALSE);
  g_assert_false (cr_dist_check_arg (&fake_mv_normal, 1, upper_entry, 4, &reason));
  g_assert_cmpstr (reason, ==,
                   "chol of FakeMvNormal must be lower-triangular, got 0.1 at row 0, column 1");
  g_clear_pointer (&reason, g_free);
}

/* check_value on one distribution with one value per argument (or NULL args) */
static gboolean
check_values (const CrDistribution *dist,
              const double *x,
              size_t n_x,
              const double *const *args,
              const size_t *arg_len,
              gboolean ok)
{
  char *reason = NULL;
  gboolean result = cr_dist_check_value (dist, x, n_x, args, arg_len, &reason);
  if (result != ok)
    g_test_message ("%s: %s", dist->name, reason ? reason : "accepted");
  g_assert_true (result == ok);
  if (ok)
    g_assert_null (reason);
  else
    assert_reason_names (reason, NULL, dist->name);
  g_free (reason);
  return result;
}

static void
assert_value (const CrDistribution *dist, double x, const double *args, gboolean ok)
{
  const double *arg_values[CR_DIST_MAX_ARGS];
  size_t arg_len[CR_DIST_MAX_ARGS];
  for (guint k = 0; k < CR_DIST_MAX_ARGS; k++)
    {
      arg_values[k] = &args[k];
      arg_len[k] = 1;
    }
  check_values (dist, &x, 1, arg_values, arg_len, ok);
}

static void
test_check_value_continuous_supports (void)
{
  /* REAL */
  const double normal_args[] = { 0.0, 1.0 };
  const CrDistribution *normal = cr_dist_lookup ("Normal");
  assert_value (normal, -1e308, normal_args, TRUE);
  assert_value (normal, NAN, normal_args, FALSE);
  assert_value (normal, INFINITY, normal_args, FALSE);

  /* POSITIVE, with the boundary where the density is finite */
  const double one[] = { 1.0, 1.0 };
  const double two[] = { 2.0, 1.0 };
  const double half[] = { 0.5, 1.0 };
  const CrDistribution *exponential = cr_dist_lookup ("Exponential");
  const CrDistribution *gamma = cr_dist_lookup ("Gamma");
  assert_value (exponential, 0.0, one, TRUE);
  assert_value (exponential, 1e-300, one, TRUE);
  assert_value (exponential, -1e-300, one, FALSE);
  assert_value (gamma, 0.0, one, TRUE);
  assert_value (gamma, 0.0, two, FALSE);
  assert_value (gamma, 0.0, half, FALSE);
  assert_value (cr_dist_lookup ("HalfNormal"), 0.0, one, TRUE);
  assert_value (cr_dist_lookup ("InverseGamma"), 0.0, one, FALSE);
  assert_value (cr_dist_lookup ("LogNormal"), 0.0, normal_args, FALSE);
  char *reason = NULL;
  double zero = 0.0;
  const double *gamma_args[] = { &two[0], &two[1] };
  const size_t ones[] = { 1, 1, 1, 1 };
  g_assert_false (cr_dist_check_value (gamma, &zero, 1, gamma_args, ones, &reason));
  g_assert_cmpstr (reason, ==, "Gamma values must be positive and finite, got 0");
  g_clear_pointer (&reason, g_free);
  /* without arguments the boundary cannot be judged, and is refused */
  check_values (exponential, &zero, 1, NULL, NULL, FALSE);

  /* UNIT */
  const CrDistribution *beta = cr_dist_lookup ("Beta");
  const double beta_args[] = { 1.0, 3.0 };
  assert_value (beta, 0.0, beta_args, TRUE);
  assert_value (beta, 1.0, beta_args, FALSE);
  assert_value (beta, 0.5, beta_args, TRUE);
  assert_value (beta, 1.5, beta_args, FALSE);
  assert_value (beta, NAN, beta_args, FALSE);

  /* INTERVAL, closed where the density is finite at the bounds */
  const CrDistribution *uniform = cr_dist_lookup ("Uniform");
  const double unit[] = { 0.0, 1.0 };
  assert_value (uniform, 0.0, unit, TRUE);
  assert_value (uniform, 1.0, unit, TRUE);
  assert_value (uniform, 1.0 + DBL_EPSILON, unit, FALSE);
  double outside = 2.0;
  const double *uniform_args[] = { &unit[0], &unit[1] };
  g_assert_false (cr_dist_check_value (uniform, &outside, 1, uniform_args, ones, &reason));
  g_assert_cmpstr (reason, ==, "Uniform values must be between lower = 0 and upper = 1, got 2");
  g_clear_pointer (&reason, g_free);
  const double bad_lower[] = { NAN, 1.0 };
  assert_value (uniform, 0.5, bad_lower, FALSE);

  /* broadcasting: each argument one value or one per element */
  const double xs[] = { 0.5, -1.0, 3.0 };
  const double mus[] = { 0.0, 1.0, 2.0 };
  const double sigma = 1.0;
  const double *args[] = { mus, &sigma };
  const size_t per_element[] = { 3, 1 };
  const size_t wrong_length[] = { 2, 1 };
  check_values (normal, xs, 3, args, per_element, TRUE);
  check_values (normal, xs, 3, args, wrong_length, FALSE);
  g_assert_false (cr_dist_check_value (normal, xs, 3, args, wrong_length, &reason));
  assert_reason_names (reason, "mu", "Normal");
  g_clear_pointer (&reason, g_free);
  /* and the element is named */
  const double lowers[] = { 0.0, 0.0, 3.5 };
  const double upper = 4.0;
  const double *bounds[] = { lowers, &upper };
  const double ys[] = { 0.5, 1.0, 3.0 };
  g_assert_false (cr_dist_check_value (uniform, ys, 3, bounds, per_element, &reason));
  g_assert_cmpstr (reason, ==,
                   "Uniform values must be between lower = 3.5 and upper = 4, got 3 at index 2");
  g_clear_pointer (&reason, g_free);
  /* no values: nothing to refuse */
  check_values (normal, NULL, 0, NULL, NULL, TRUE);
}

static void
test_check_value_discrete_supports (void)
{
  const size_t ones[] = { 1, 1, 1, 1 };
  char *reason = NULL;

  /* NONNEGATIVE_INTEGER */
  const double mu[] = { 3.0 };
  assert_value (&fake_poisson, 0.0, mu, TRUE);
  assert_value (&fake_poisson, 1e15, mu, TRUE);
  assert_value (&fake_poisson, -1.0, mu, FALSE);
  assert_value (&fake_poisson, 1.5, mu, FALSE);
  assert_value (&fake_poisson, INFINITY, mu, FALSE);
  assert_value (&fake_poisson, NAN, mu, FALSE);

  /* BINARY */
  const double p[] = { 0.3 };
  assert_value (&fake_bernoulli, 0.0, p, TRUE);
  assert_value (&fake_bernoulli, 1.0, p, TRUE);
  assert_value (&fake_bernoulli, 2.0, p, FALSE);
  assert_value (&fake_bernoulli, 0.5, p, FALSE);
  assert_value (&fake_bernoulli, NAN, p, FALSE);

  /* BOUNDED_INTEGER: 0 .. n */
  const double binomial[] = { 10.0, 0.5 };
  assert_value (&fake_binomial, 0.0, binomial, TRUE);
  assert_value (&fake_binomial, 10.0, binomial, TRUE);
  assert_value (&fake_binomial, 11.0, binomial, FALSE);
  assert_value (&fake_binomial, -1.0, binomial, FALSE);
  assert_value (&fake_binomial, 2.5, binomial, FALSE);
  double eleven = 11.0;
  const double *binomial_args[] = { &binomial[0], &binomial[1] };
  g_assert_false (cr_dist_check_value (&fake_binomial, &eleven, 1, binomial_args, ones, &reason));
  g_assert_cmpstr (reason, ==, "FakeBinomial counts must be integers from 0 to n = 10, got 11");
  g_clear_pointer (&reason, g_free);
  const double bad_n[] = { 2.5, 0.5 };
  assert_value (&fake_binomial, 1.0, bad_n, FALSE);

  /* BOUNDED_INTEGER: lower .. upper, lower = upper allowed */
  const double die[] = { 1.0, 6.0 };
  const double point[] = { 3.0, 3.0 };
  const double crossed[] = { 4.0, 3.0 };
  assert_value (&fake_discrete_uniform, 1.0, die, TRUE);
  assert_value (&fake_discrete_uniform, 6.0, die, TRUE);
  assert_value (&fake_discrete_uniform, 0.0, die, FALSE);
  assert_value (&fake_discrete_uniform, 7.0, die, FALSE);
  assert_value (&fake_discrete_uniform, 3.0, point, TRUE);
  assert_value (&fake_discrete_uniform, 3.0, crossed, FALSE);

  /* BOUNDED_INTEGER: 0 .. K - 1 from the length of p */
  const double probabilities[] = { 0.2, 0.3, 0.5 };
  const double *categorical_args[] = { probabilities };
  const size_t k3[] = { 3 };
  const double codes[] = { 0.0, 2.0, 1.0 };
  const double too_high[] = { 0.0, 3.0 };
  check_values (&fake_categorical, codes, 3, categorical_args, k3, TRUE);
  check_values (&fake_categorical, too_high, 2, categorical_args, k3, FALSE);
  g_assert_false (cr_dist_check_value (&fake_categorical, too_high, 2, categorical_args, k3,
                                       &reason));
  g_assert_cmpstr (reason, ==,
                   "FakeCategorical values must be category codes from 0 to 2 (p has 3 "
                   "entries), got 3 at index 1");
  g_clear_pointer (&reason, g_free);

  /* vector arguments of ELEMENTWISE_VECTOR_ARGS share one length */
  const double w[] = { 0.5, 0.5 }, mus[] = { -1.0, 1.0 }, sigmas[] = { 1.0, 2.0, 3.0 };
  const double *mixture_args[] = { w, mus, sigmas };
  const size_t same[] = { 2, 2, 2 }, different[] = { 2, 2, 3 };
  check_values (&fake_mixture, codes, 3, mixture_args, same, TRUE);
  check_values (&fake_mixture, codes, 3, mixture_args, different, FALSE);
}

static void
test_check_value_joint_supports (void)
{
  /* SIMPLEX, a zero entry only where the density is finite there */
  const double simplex[] = { 0.2, 0.3, 0.5 };
  const double with_zero[] = { 0.0, 0.5, 0.5 };
  const double short_sum[] = { 0.2, 0.3, 0.4 };
  const double negative[] = { -0.2, 0.7, 0.5 };
  const double a_one[] = { 1.0, 2.0, 3.0 }, a_two[] = { 2.0, 2.0, 2.0 };
  const double *args_one[] = { a_one }, *args_two[] = { a_two };
  const size_t len3[] = { 3 }, len2[] = { 2 };
  check_values (&fake_dirichlet, simplex, 3, args_one, len3, TRUE);
  check_values (&fake_dirichlet, with_zero, 3, args_one, len3, TRUE);
  check_values (&fake_dirichlet, with_zero, 3, args_two, len3, FALSE);
  check_values (&fake_dirichlet, short_sum, 3, args_one, len3, FALSE);
  check_values (&fake_dirichlet, negative, 3, args_one, len3, FALSE);
  check_values (&fake_dirichlet, simplex, 1, args_one, len3, FALSE);
  /* the concentration must be as long as the draw */
  check_values (&fake_dirichlet, simplex, 3, args_one, len2, FALSE);

  /* CHOLESKY_CORR: lower-triangular, positive diagonal, rows of unit length */
  const double c = 0.6, s = 0.8;
  const double corr[] = { 1.0, 0.0, c, s };
  const double long_row[] = { 1.0, 0.0, c, 1.0 };
  const double upper_entry[] = { 1.0, 0.1, c, s };
  const double negative_diagonal[] = { 1.0, 0.0, c, -s };
  const double n2 = 2.0, n3 = 3.0, eta = 1.0;
  const double *lkj2[] = { &n2, &eta }, *lkj3[] = { &n3, &eta };
  const size_t scalar[] = { 1, 1 };
  check_values (&fake_lkj, corr, 4, lkj2, scalar, TRUE);
  check_values (&fake_lkj, corr, 4, NULL, NULL, TRUE);
  check_values (&fake_lkj, long_row, 4, lkj2, scalar, FALSE);
  check_values (&fake_lkj, upper_entry, 4, lkj2, scalar, FALSE);
  check_values (&fake_lkj, negative_diagonal, 4, lkj2, scalar, FALSE);
  check_values (&fake_lkj, corr, 4, lkj3, scalar, FALSE);
  check_values (&fake_lkj, corr, 3, NULL, NULL, FALSE);

  /* REAL_VECTOR, with the argument lengths of a draw of 2 */
  const double y[] = { 0.5, -2.0 };
  const double bad_y[] = { 0.5, NAN };
  const double mu[] = { 0.0, 0.0 };
  const double chol[] = { 1.0, 0.0, 0.5, 1.0 };
  const double *mv_args[] = { mu, chol };
  const size_t mv_len[] = { 2, 4 }, mv_wrong[] = { 2, 2 };
  check_values (&fake_mv_normal, y, 2, mv_args, mv_len, TRUE);
  check_values (&fake_mv_normal, bad_y, 2, mv_args, mv_len, FALSE);
  check_values (&fake_mv_normal, y, 2, mv_args, mv_wrong, FALSE);
  check_values (&fake_mv_normal, y, 0, NULL, NULL, FALSE);
  const double rho = 0.5, sigma = 1.0;
  const double *ar_args[] = { &rho, &sigma };
  check_values (&fake_ar1, y, 2, ar_args, scalar, TRUE);
  check_values (&fake_ar1, bad_y, 2, ar_args, scalar, FALSE);
}

int
main (int argc, char **argv)
{
  gsl_set_error_handler_off ();
  g_test_init (&argc, &argv, NULL);
  load_grid ();

  g_test_add_func ("/dist/registry/order", test_registry_order);
  g_test_add_func ("/dist/registry/lookup", test_registry_lookup);
  g_test_add_func ("/dist/registry/arg-index", test_registry_arg_index);
  g_test_add_func ("/dist/registry/signature", test_registry_signature);
  g_test_add_func ("/dist/check-arg/scalar-domains", test_check_arg_scalar_domains);
  g_test_add_func ("/dist/check-arg/vector-domains", test_check_arg_vector_domains);
  g_test_add_func ("/dist/check-value/continuous-supports", test_check_value_continuous_supports);
  g_test_add_func ("/dist/check-value/discrete-supports", test_check_value_discrete_supports);
  g_test_add_func ("/dist/check-value/joint-supports", test_check_value_joint_supports);
  g_test_add_func ("/dist/continuous/interval-bounds", test_interval_bounds);
  g_test_add_func ("/dist/continuous/boundary-shape-derivative", test_boundary_shape_derivative);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const DistCase *c = &cases[i];
      const struct
      {
        const char *what;
        GTestDataFunc func;
      } tests[] = {
        { "log-density", test_log_density },
        { "gradient", test_gradient },
        { "sample", test_sample },
        { "bad-args", test_bad_args },
      };
      for (guint t = 0; t < G_N_ELEMENTS (tests); t++)
        {
          g_autofree char *path = g_strdup_printf ("/dist/%s/%s", c->path, tests[t].what);
          g_test_add_data_func (path, c, tests[t].func);
        }
    }

  int status = g_test_run ();
  g_array_unref (grid);
  return status;
}
