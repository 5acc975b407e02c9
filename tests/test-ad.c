/* test-ad.c: the compiled log density: values against independent computations, gradients
 * against finite differences on every conformance model, threads. */
#include "ad/ad.h"
#include "model-fixtures.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <string.h>

/* Relative agreement of a gradient with finite differences (STYLE.md: 1e-6). */
#define CR_TOL_GRADIENT 1e-6
#define CR_TOL_EXACT (64 * DBL_EPSILON)

static void
test_coin_exact (void)
{
  g_auto (Compiled) c = { 0 };
  compile_file (&c, "coin.crm", NULL);
  g_autoptr (CrWorkspace) w = cr_workspace_new (c.tape);
  for (double p = 0.05; p < 1.0; p += 0.1)
    {
      double lp, gradient;
      g_autoptr (GError) error = NULL;
      g_assert_true (cr_tape_log_density_constrained (c.tape, w, &p, &lp, &gradient, &error));
      g_assert_no_error (error);
      double expected = log (gsl_ran_beta_pdf (p, 2, 2)) + log (gsl_ran_binomial_pdf (15, p, 50));
      g_assert_cmpfloat_with_epsilon (lp, expected, 1e-12 * fabs (expected));
      /* d/dp [log p + log(1-p) + 15 log p + 35 log(1-p)] */
      double expected_gradient = 16 / p - 36 / (1 - p);
      g_assert_cmpfloat_with_epsilon (gradient, expected_gradient, 1e-12 * fabs (expected_gradient) + 1e-12);

      /* With the Jacobian of the logit transform: + log p (1 - p). */
      double theta = log (p / (1 - p)), grad_theta;
      double lp_unconstrained = cr_tape_log_density (c.tape, w, &theta, &grad_theta);
      g_assert_cmpfloat_with_epsilon (lp_unconstrained, expected + log (p * (1 - p)), 1e-11 * fabs (expected));
      g_assert_cmpfloat_with_epsilon (grad_theta, expected_gradient * p * (1 - p) + (1 - 2 * p), 1e-10);
    }
}

typedef struct
{
  const char *model;
  const char *data;
} Case;

static const Case cases[] = {
  { "coin.crm", NULL },
  { "ab_test.crm", NULL },
  { "eight_schools_c.crm", "eight_schools.csv" },
  { "eight_schools_nc.crm", "eight_schools.csv" },
  { "hier_intercepts.crm", "hier_intercepts.csv" },
  { "linreg.crm", "linreg.csv" },
  { "logistic.crm", "logistic.csv" },
  { "logistic_big.crm", "big" },
  { "poisson.crm", "poisson.csv" },
};

/* Fourth-order central difference of the log density along coordinate @j. */
static double
finite_difference (const CrTape *tape, CrWorkspace *w, double *theta, size_t j, double h)
{
  double saved = theta[j], f[4];
  const double steps[4] = { -2 * h, -h, h, 2 * h };
  for (int k = 0; k < 4; k++)
    {
      theta[j] = saved + steps[k];
      f[k] = cr_tape_log_density (tape, w, theta, NULL);
    }
  theta[j] = saved;
  return (f[0] - 8 * f[1] + 8 * f[2] - f[3]) / (12 * h);
}

static void
test_gradient (gconstpointer data)
{
  const Case *case_ = data;
  g_auto (Compiled) c = { 0 };
  compile_file (&c, case_->model, case_->data);
  size_t d = cr_tape_get_dimension (c.tape);
  g_autoptr (CrWorkspace) w = cr_workspace_new (c.tape);
  g_autofree double *theta = g_new (double, d);
  g_autofree double *gradient = g_new (double, d);
  GRand *rand = g_rand_new_with_seed (7);
  for (int trial = 0; trial < 3; trial++)
    {
      /* Stan's initialisation range: uniform(-2, 2) on the unconstrained scale. */
      for (size_t j = 0; j < d; j++)
        theta[j] = g_rand_double_range (rand, -2, 2);
      double lp = cr_tape_log_density (c.tape, w, theta, gradient);
      g_assert_true (isfinite (lp));
      /* Evaluating again gives the same number: no state leaks between calls. */
      g_assert_cmpfloat (cr_tape_log_density (c.tape, w, theta, NULL), ==, lp);
      for (size_t j = 0; j < d; j++)
        {
          double numeric = finite_difference (c.tape, w, theta, j, 1e-4);
          /* The difference's rounding error is about eps |lp| / h; allow for it. */
          double tolerance = CR_TOL_GRADIENT * fmax (1.0, fabs (numeric)) + 1e-11 * fabs (lp) / 1e-4;
          if (fabs (gradient[j] - numeric) > tolerance)
            g_error ("%s: d lp / d theta[%zu] = %.12g, finite difference %.12g", case_->model, j,
                     gradient[j], numeric);
        }
    }
  g_rand_free (rand);
}

static void
test_jacobian (void)
{
  g_auto (Compiled) c = { 0 };
  c.dataset = NULL;
  compile_text (&c, "s ~ HalfNormal(2)\nu ~ Uniform(-1, 3)\n");
  g_autoptr (CrWorkspace) w = cr_workspace_new (c.tape);
  double theta[2] = { 0.7, -0.4 };
  double lp = cr_tape_log_density (c.tape, w, theta, NULL);
  double s = exp (theta[0]), u = -1 + 4 / (1 + exp (-theta[1]));
  double values[2] = { s, u }, lp_constrained;
  g_assert_true (cr_tape_log_density_constrained (c.tape, w, values, &lp_constrained, NULL, NULL));
  double expected_constrained = log (2 * gsl_ran_gaussian_pdf (s, 2)) + log (0.25);
  g_assert_cmpfloat_with_epsilon (lp_constrained, expected_constrained, CR_TOL_EXACT * 10);
  /* log|J|: theta for exp; log(4) + log σ(y) + log(1 - σ(y)) for the interval. */
  double sig = 1 / (1 + exp (-theta[1]));
  double log_jacobian = theta[0] + log (4) + log (sig) + log (1 - sig);
  g_assert_cmpfloat_with_epsilon (lp - lp_constrained, log_jacobian, 1e-13);
}

static void
test_pointwise_and_kernels (void)
{
  /* Fused Normal: each term equals the distribution's own log density. */
  g_auto (Compiled) c = { 0 };
  compile_file (&c, "linreg.crm", "linreg.csv");
  g_autoptr (CrWorkspace) w = cr_workspace_new (c.tape);
  double theta[3] = { 0.5, 1.5, log (0.8) };
  size_t n = cr_tape_get_n_observations (c.tape);
  g_assert_cmpuint (n, ==, 100);
  g_autofree double *pointwise = g_new (double, n);
  cr_tape_pointwise_log_likelihood (c.tape, w, theta, pointwise);
  const CrColumn *x = cr_dataset_find_column (c.dataset, "x"), *y = cr_dataset_find_column (c.dataset, "y");
  const CrDistribution *normal = cr_dist_lookup ("Normal");
  double total = 0;
  for (size_t i = 0; i < n; i++)
    {
      double args[2] = { 0.5 + 1.5 * x->values[i], 0.8 };
      double expected = normal->log_density (y->values[i], args, NULL, NULL);
      g_assert_cmpfloat_with_epsilon (pointwise[i], expected, CR_TOL_EXACT * fmax (1, fabs (expected)));
      g_assert_cmpfloat_with_epsilon (expected, log (gsl_ran_gaussian_pdf (y->values[i] - args[0], 0.8)), 1e-12);
      total += pointwise[i];
    }
  /* The whole log density is the likelihood plus the priors plus log|J| = theta[2]. */
  double priors = log (gsl_ran_gaussian_pdf (0.5, 5)) + log (gsl_ran_gaussian_pdf (1.5, 5))
                  + log (2 * gsl_ran_gaussian_pdf (0.8, 2));
  g_assert_cmpfloat_with_epsilon (cr_tape_log_density (c.tape, w, theta, NULL), total + priors + theta[2],
                                  1e-10 * fabs (total));
}

/* The fused BernoulliLogit and PoissonLog terms equal the generic distributions' terms. */
static void
test_fused_glm_kernels (void)
{
  static const struct
  {
    const char *model, *csv, *dist;
    size_t k;
  } glms[] = { { "logistic.crm", "logistic.csv", "BernoulliLogit", 10 }, { "poisson.crm", "poisson.csv", "PoissonLog", 3 } };
  for (size_t g = 0; g < G_N_ELEMENTS (glms); g++)
    {
      g_auto (Compiled) c = { 0 };
      compile_file (&c, glms[g].model, glms[g].csv);
      g_autoptr (CrWorkspace) w = cr_workspace_new (c.tape);
      size_t d = cr_tape_get_dimension (c.tape), n = cr_tape_get_n_observations (c.tape);
      g_autofree double *theta = g_new (double, d);
      for (size_t j = 0; j < d; j++)
        theta[j] = 0.3 * sin (1.0 + j);
      g_autofree double *pointwise = g_new (double, n);
      cr_tape_pointwise_log_likelihood (c.tape, w, theta, pointwise);
      const CrDistribution *dist = cr_dist_lookup (glms[g].dist);
      const CrColumn *y = cr_dataset_find_column (c.dataset, "y");
      for (size_t i = 0; i < n; i++)
        {
          double eta = theta[0];
          for (size_t k = 0; k < glms[g].k; k++)
            {
              g_autofree char *name = g_strdup_printf ("x%zu", k + 1);
              eta += cr_dataset_find_column (c.dataset, name)->values[i] * theta[1 + k];
            }
          double expected = dist->log_density (y->values[i], &eta, NULL, NULL);
          g_assert_cmpfloat_with_epsilon (pointwise[i], expected, 1e-12 * fmax (1, fabs (expected)));
        }
    }
}

/* Adds column n, counts of trials from y + 1 to y + 3 per row, for BinomialLogit on y. */
static void
add_trial_counts (CrDataset *dataset)
{
  const CrColumn *y = cr_dataset_find_column (dataset, "y");
  size_t n_rows = cr_dataset_get_n_rows (dataset);
  g_autofree double *trials = g_new (double, n_rows);
  for (size_t i = 0; i < n_rows; i++)
    trials[i] = y->values[i] + 1.0 + (double) (i % 3);
  g_autoptr (GError) error = NULL;
  g_assert_true (cr_dataset_add_column (dataset, "n", CR_COLUMN_INTEGER, trials, n_rows, NULL, &error));
}

/* A GLM likelihood on intercept + X @ beta written in place is evaluated in blocks (fused);
 * through a named deterministic it is not. Both give the same log density and gradient, with
 * the intercept on either side or absent, over several blocks of rows, and with 3, 8 and 10
 * columns (a partial vector of four, whole ones, both); BinomialLogit with one count shared
 * and with one per row. */
static void
test_fused_glm_blocks (void)
{
  static const char *const variants[][2] = {
    { "y ~ BernoulliLogit(a + X @ b)\n", "eta = a + X @ b\ny ~ BernoulliLogit(eta)\n" },
    { "y ~ BernoulliLogit(X @ b + a)\n", "eta = X @ b + a\ny ~ BernoulliLogit(eta)\n" },
    { "y ~ BernoulliLogit(X @ b)\n", "eta = X @ b\ny ~ BernoulliLogit(eta)\n" },
    { "y ~ PoissonLog(a + X @ b)\n", "eta = a + X @ b\ny ~ PoissonLog(eta)\n" },
    { "y ~ BinomialLogit(1, a + X @ b)\n", "eta = a + X @ b\ny ~ BinomialLogit(1, eta)\n" },
    { "y ~ BinomialLogit(n, X @ b + a)\n", "eta = X @ b + a\ny ~ BinomialLogit(n, eta)\n" },
  };
  static const size_t widths[] = { 3, 8, 10 };
  for (size_t v = 0; v < G_N_ELEMENTS (variants); v++)
    for (size_t w_index = 0; w_index < G_N_ELEMENTS (widths); w_index++)
      {
        gboolean poisson = v == 3;
        size_t cols = widths[w_index], d = cols + 1;
        if (poisson && cols > 3) /* poisson.csv has three columns */
          continue;
        g_autoptr (GString) priors = g_string_new ("data X = stack(x1");
        for (size_t k = 2; k <= cols; k++)
          g_string_append_printf (priors, ", x%zu", k);
        g_string_append_printf (priors, ")\na ~ Normal(0, 2)\nb[%zu] ~ Normal(0, 2)\n", cols);
        double theta[11], lp[2], gradient[2][11];
        size_t n_operations[2];
        for (size_t j = 0; j < d; j++)
          theta[j] = 0.3 * sin (1.0 + (double) j);
        for (int k = 0; k < 2; k++)
          {
            g_auto (Compiled) c = { 0 };
            c.dataset = fixture_load_csv (poisson ? "poisson.csv" : "logistic.csv");
            if (strstr (variants[v][k], "(n,") != NULL)
              add_trial_counts (c.dataset);
            g_autofree char *text = g_strconcat (priors->str, variants[v][k], NULL);
            compile_text (&c, text);
            g_autoptr (CrWorkspace) w = cr_workspace_new (c.tape);
            g_assert_cmpuint (cr_tape_get_dimension (c.tape), ==, d);
            lp[k] = cr_tape_log_density (c.tape, w, theta, gradient[k]);
            n_operations[k] = cr_tape_get_n_operations (c.tape);
          }
        /* Fused, X @ b (and the intercept's addition) are part of the likelihood's op. */
        gboolean intercept = strstr (variants[v][0], "+ a") != NULL || strstr (variants[v][0], "a +") != NULL;
        g_assert_cmpuint (n_operations[0] + (intercept ? 2 : 1), ==, n_operations[1]);
        g_assert_true (isfinite (lp[0]));
        g_assert_cmpfloat_with_epsilon (lp[0], lp[1], 1e-12 * fabs (lp[1]));
        for (size_t j = 0; j < d; j++)
          g_assert_cmpfloat_with_epsilon (gradient[0][j], gradient[1][j], 1e-10 * fmax (1, fabs (gradient[1][j])));
      }

  /* X @ beta with beta data is a constant: nothing to fuse, and the intercept alone varies. */
  double lp[2], gradient[2];
  static const char *const constant_product[] = {
    "data X = stack(x1, x2)\na ~ Normal(0, 2)\ny ~ BernoulliLogit(a + X @ [0.5, -0.25])\n",
    "data X = stack(x1, x2)\na ~ Normal(0, 2)\neta = a + X @ [0.5, -0.25]\ny ~ BernoulliLogit(eta)\n",
  };
  for (int k = 0; k < 2; k++)
    {
      g_auto (Compiled) c = { 0 };
      c.dataset = fixture_load_csv ("logistic.csv");
      compile_text (&c, constant_product[k]);
      g_autoptr (CrWorkspace) w = cr_workspace_new (c.tape);
      double theta = 0.4;
      lp[k] = cr_tape_log_density (c.tape, w, &theta, &gradient[k]);
    }
  g_assert_true (isfinite (lp[0]));
  g_assert_cmpfloat (lp[0], ==, lp[1]);
  g_assert_cmpfloat (gradient[0], ==, gradient[1]);
}

/* Rows for the kernel-path test: more than one block of the portable kernels, not a multiple
 * of the AVX2 kernels' four lanes. */
#define PATHS_ROWS 1003

/* Compiles @text against @csv twice, with the vector kernels allowed and with the portable
 * ones forced; FALSE (and both cleared) when this CPU has no vector kernels. */
static gboolean
compile_both_paths (const char *text, const GString *csv, Compiled *vector, Compiled *portable)
{
  Compiled *both[2] = { vector, portable };
  for (int k = 0; k < 2; k++)
    {
      if (k == 1)
        g_setenv (CR_TAPE_SCALAR_KERNELS_ENV, "1", TRUE);
      both[k]->dataset = cr_dataset_parse_csv (csv->str, csv->len, "paths.csv", NULL);
      compile_text (both[k], text);
      g_unsetenv (CR_TAPE_SCALAR_KERNELS_ENV);
    }
  g_assert_false (cr_tape_uses_vector_kernels (portable->tape));
  return cr_tape_uses_vector_kernels (vector->tape);
}

/* The AVX2 and portable BernoulliLogit, PoissonLog and BinomialLogit kernels agree: each term to
 * 16 ulps (libmvec's exp and our log1p are within 4 ulps each), each equal to the distribution's
 * own term to 1e-12, and the log density and gradient to 16 ulps plus the rounding of summing
 * N terms in another order, (16 + N) eps times the sum of the terms' magnitudes. The rows
 * include |eta| up to 700 and more, where e^-|eta| is subnormal or 0 (BinomialLogit: up to
 * 450). */
static void
test_kernel_paths (void)
{
  static const struct
  {
    const char *text, *dist;
    double x_scale; /* eta = a + b x, so |eta| reaches about this much */
  } glms[] = {
    { "a ~ Normal(0, 1)\nb ~ Normal(0, 1)\ny ~ BernoulliLogit(a + b * x)\n", "BernoulliLogit", 800 },
    { "a ~ Normal(0, 1)\nb ~ Normal(0, 1)\ny ~ PoissonLog(a + b * x)\n", "PoissonLog", 5 },
    /* BinomialLogit's own density rounds p = s(eta) to 0 below eta = -709 (the kernels do not):
     * compare where both are exact. */
    { "a ~ Normal(0, 1)\nb ~ Normal(0, 1)\ny ~ BinomialLogit(n, a + b * x)\n", "BinomialLogit", 500 },
  };
  for (size_t g = 0; g < G_N_ELEMENTS (glms); g++)
    {
      g_autoptr (GString) csv = g_string_new ("x,n,y\n");
      GRand *rand = g_rand_new_with_seed (11);
      for (size_t i = 0; i < PATHS_ROWS; i++)
        {
          /* A cube spreads x over the whole range while keeping most rows near 0. */
          double u = g_rand_double_range (rand, -1, 1);
          /* Binomial counts from 0 trials up, successes from none to all. */
          int n = g_rand_int_range (rand, 0, 13);
          double y = g == 0 ? (double) g_rand_int_range (rand, 0, 2)
                     : g == 1 ? (double) g_rand_int_range (rand, 0, 6)
                              : (double) g_rand_int_range (rand, 0, n + 1);
          g_string_append_printf (csv, "%.17g,%d,%g\n", glms[g].x_scale * u * u * u, n, y);
        }
      g_rand_free (rand);
      g_auto (Compiled) vector = { 0 };
      g_auto (Compiled) portable = { 0 };
      if (!compile_both_paths (glms[g].text, csv, &vector, &portable))
        {
          g_test_skip ("this CPU or build has no AVX2 kernels");
          return;
        }
      g_assert_cmpuint (cr_tape_get_n_observations (vector.tape), ==, PATHS_ROWS);
      g_autoptr (CrWorkspace) wv = cr_workspace_new (vector.tape);
      g_autoptr (CrWorkspace) wp = cr_workspace_new (portable.tape);
      double theta[2] = { 0.3, 0.9 }, grad_v[2], grad_p[2];
      double terms_v[PATHS_ROWS], terms_p[PATHS_ROWS], magnitude = 0;
      cr_tape_pointwise_log_likelihood (vector.tape, wv, theta, terms_v);
      cr_tape_pointwise_log_likelihood (portable.tape, wp, theta, terms_p);
      const CrDistribution *dist = cr_dist_lookup (glms[g].dist);
      const double *x = cr_dataset_find_column (vector.dataset, "x")->values;
      const double *y = cr_dataset_find_column (vector.dataset, "y")->values;
      const double *trials = cr_dataset_find_column (vector.dataset, "n")->values;
      for (size_t i = 0; i < PATHS_ROWS; i++)
        {
          double eta = theta[0] + theta[1] * x[i];
          double args[2] = { eta, 0 };
          if (g == 2)
            args[0] = trials[i], args[1] = eta;
          double expected = dist->log_density (y[i], args, NULL, NULL);
          g_assert_cmpfloat_with_epsilon (terms_p[i], expected, 1e-12 * fmax (1, fabs (expected)));
          /* Subnormal terms (e^-|eta| below DBL_MIN) have fewer bits: 16 of their ulps. */
          g_assert_cmpfloat_with_epsilon (terms_v[i], terms_p[i], 16 * (DBL_EPSILON * fabs (terms_p[i]) + DBL_TRUE_MIN));
          /* The gradient sums terms' derivatives times x; a derivative is at most n. */
          magnitude += (fabs (terms_p[i]) + fmax (1, trials[i])) * fmax (1, fabs (x[i]));
        }
      double lp_v = cr_tape_log_density (vector.tape, wv, theta, grad_v);
      double lp_p = cr_tape_log_density (portable.tape, wp, theta, grad_p);
      double tolerance = (16 + PATHS_ROWS) * DBL_EPSILON * magnitude;
      g_assert_cmpfloat_with_epsilon (lp_v, lp_p, tolerance);
      for (int j = 0; j < 2; j++)
        g_assert_cmpfloat_with_epsilon (grad_v[j], grad_p[j], tolerance);
    }
}

typedef struct
{
  const char *text;
  const char *dist;
  /* Computes the arguments of observation i from theta (constrained where the model says). */
  void (*args_of) (const CrDataset *data, const double *theta, size_t i, double *args);
} FusedCase;

static double
logistic (double v)
{
  return 1 / (1 + exp (-v));
}

static void
student_args (const CrDataset *data, const double *theta, size_t i, double *args)
{
  args[0] = 4, args[1] = theta[0], args[2] = exp (theta[1]);
}

static void
binomial_logit_args (const CrDataset *data, const double *theta, size_t i, double *args)
{
  args[0] = cr_dataset_find_column (data, "n")->values[i];
  args[1] = theta[0] + theta[1] * cr_dataset_find_column (data, "x")->values[i];
}

static void
binomial_args (const CrDataset *data, const double *theta, size_t i, double *args)
{
  args[0] = cr_dataset_find_column (data, "n")->values[i];
  args[1] = logistic (theta[0]);
}

/* StudentT (nu constant), BinomialLogit and Binomial take fused kernels: each term equals the
 * distribution's own, and the gradient matches finite differences. */
static void
test_fused_more (void)
{
  static const char csv[] = "x,n,y\n0.5,10,3\n-1.2,7,0\n2.0,12,12\n0.1,5,2\n-0.4,9,5\n";
  static const FusedCase fused[] = {
    { "mu ~ Normal(0, 1)\ns ~ HalfNormal(1)\ny ~ StudentT(4, mu, s)\n", "StudentT", student_args },
    { "a ~ Normal(0, 1)\nb ~ Normal(0, 1)\ny ~ BinomialLogit(n, a + b * x)\n", "BinomialLogit", binomial_logit_args },
    { "p ~ Beta(2, 2)\ny ~ Binomial(n, p)\n", "Binomial", binomial_args },
  };
  for (size_t f = 0; f < G_N_ELEMENTS (fused); f++)
    {
      g_auto (Compiled) c = { 0 };
      c.dataset = cr_dataset_parse_csv (csv, strlen (csv), "data", NULL);
      compile_text (&c, fused[f].text);
      g_autoptr (CrWorkspace) w = cr_workspace_new (c.tape);
      size_t d = cr_tape_get_dimension (c.tape), n = cr_tape_get_n_observations (c.tape);
      double theta[2] = { 0.3, -0.2 }, gradient[2];
      double pointwise[5];
      cr_tape_pointwise_log_likelihood (c.tape, w, theta, pointwise);
      const CrDistribution *dist = cr_dist_lookup (fused[f].dist);
      const CrColumn *y = cr_dataset_find_column (c.dataset, "y");
      for (size_t i = 0; i < n; i++)
        {
          double args[CR_DIST_MAX_ARGS];
          fused[f].args_of (c.dataset, theta, i, args);
          double expected = dist->log_density (y->values[i], args, NULL, NULL);
          g_assert_cmpfloat_with_epsilon (pointwise[i], expected, 1e-12 * fmax (1, fabs (expected)));
        }
      double lp = cr_tape_log_density (c.tape, w, theta, gradient);
      g_assert_true (isfinite (lp));
      for (size_t j = 0; j < d; j++)
        {
          double numeric = finite_difference (c.tape, w, theta, j, 1e-4);
          g_assert_cmpfloat_with_epsilon (gradient[j], numeric, CR_TOL_GRADIENT * fmax (1, fabs (numeric)));
        }
    }
}

static void
test_trace_values (void)
{
  g_auto (Compiled) c = { 0 };
  compile_file (&c, "eight_schools_nc.crm", "eight_schools.csv");
  g_autoptr (CrWorkspace) w = cr_workspace_new (c.tape);
  g_assert_cmpuint (cr_tape_get_n_trace_variables (c.tape), ==, 4);
  static const char *const names[] = { "mu", "tau", "theta_tilde", "theta" };
  for (size_t i = 0; i < 4; i++)
    g_assert_cmpstr (cr_tape_get_trace_variable (c.tape, i)->name, ==, names[i]);
  g_assert_cmpuint (cr_tape_get_trace_size (c.tape), ==, 18);
  double theta[10];
  for (int j = 0; j < 10; j++)
    theta[j] = 0.1 * j - 0.3;
  double values[18];
  cr_tape_constrained_values (c.tape, w, theta, values);
  double mu = values[0], tau = values[1];
  g_assert_cmpfloat (mu, ==, theta[0]);
  g_assert_cmpfloat_with_epsilon (tau, exp (theta[1]), CR_TOL_EXACT);
  for (int k = 0; k < 8; k++)
    {
      g_assert_cmpfloat (values[2 + k], ==, theta[2 + k]);
      g_assert_cmpfloat (values[10 + k], ==, mu + tau * theta[2 + k]);
    }
}

static void
test_value_outside_support (void)
{
  g_auto (Compiled) c = { 0 };
  compile_file (&c, "eight_schools_nc.crm", "eight_schools.csv");
  g_autoptr (CrWorkspace) w = cr_workspace_new (c.tape);
  double values[10] = { 0, -1, 0, 0, 0, 0, 0, 0, 0, 0 };
  double lp;
  g_autoptr (GError) error = NULL;
  g_assert_false (cr_tape_log_density_constrained (c.tape, w, values, &lp, NULL, &error));
  g_assert_error (error, CR_AD_ERROR, CR_AD_ERROR_VALUE);
  g_assert_true (g_str_has_prefix (error->message, "tau: "));
}

/* Far out in the tails the density may be -inf or NaN (a divergence), never a crash. */
static void
test_extreme_theta (void)
{
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto (Compiled) c = { 0 };
      compile_file (&c, cases[i].model, cases[i].data);
      g_autoptr (CrWorkspace) w = cr_workspace_new (c.tape);
      size_t d = cr_tape_get_dimension (c.tape);
      g_autofree double *theta = g_new (double, d);
      g_autofree double *gradient = g_new (double, d);
      for (double value = -800; value <= 800; value += 400)
        {
          for (size_t j = 0; j < d; j++)
            theta[j] = j % 2 == 0 ? value : -value;
          double lp = cr_tape_log_density (c.tape, w, theta, gradient);
          g_assert_false (lp == INFINITY);
        }
    }
}

typedef struct
{
  const CrTape *tape;
  const double *thetas;
  size_t n_thetas;
  double *results;
} ThreadJob;

static gpointer
evaluate_all (gpointer data)
{
  ThreadJob *job = data;
  size_t d = cr_tape_get_dimension (job->tape);
  g_autoptr (CrWorkspace) w = cr_workspace_new (job->tape);
  g_autofree double *gradient = g_new (double, d);
  for (size_t t = 0; t < job->n_thetas; t++)
    {
      job->results[t * (d + 1)] = cr_tape_log_density (job->tape, w, job->thetas + t * d, gradient);
      memcpy (job->results + t * (d + 1) + 1, gradient, d * sizeof (double));
    }
  return NULL;
}

/* Several threads share one tape, each with its own workspace, and get exactly the serial
 * results: on a hierarchical model, and on logistic regression (the vector kernels). */
static void
test_threads (gconstpointer data)
{
  const Case *case_ = data;
  g_auto (Compiled) c = { 0 };
  compile_file (&c, case_->model, case_->data);
  size_t d = cr_tape_get_dimension (c.tape), n = 50;
  g_autofree double *thetas = g_new (double, n * d);
  GRand *rand = g_rand_new_with_seed (3);
  for (size_t i = 0; i < n * d; i++)
    thetas[i] = g_rand_double_range (rand, -2, 2);
  g_rand_free (rand);

  g_autofree double *serial = g_new (double, n * (d + 1));
  ThreadJob reference = { c.tape, thetas, n, serial };
  evaluate_all (&reference);

  ThreadJob jobs[4];
  GThread *threads[4];
  for (int t = 0; t < 4; t++)
    {
      jobs[t] = (ThreadJob){ c.tape, thetas, n, g_new (double, n * (d + 1)) };
      threads[t] = g_thread_new ("tape", evaluate_all, &jobs[t]);
    }
  for (int t = 0; t < 4; t++)
    {
      g_thread_join (threads[t]);
      g_assert_cmpmem (jobs[t].results, n * (d + 1) * sizeof (double), serial, n * (d + 1) * sizeof (double));
      g_free (jobs[t].results);
    }
}

int
main (int argc, char **argv)
{
  gsl_set_error_handler_off ();
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ad/coin/exact", test_coin_exact);
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/ad/gradient/%s", cases[i].model);
      g_test_add_data_func (path, &cases[i], test_gradient);
    }
  g_test_add_func ("/ad/jacobian", test_jacobian);
  g_test_add_func ("/ad/pointwise/normal", test_pointwise_and_kernels);
  g_test_add_func ("/ad/pointwise/fused-glm", test_fused_glm_kernels);
  g_test_add_func ("/ad/pointwise/fused-more", test_fused_more);
  g_test_add_func ("/ad/kernels/vector-and-portable", test_kernel_paths);
  g_test_add_func ("/ad/kernels/fused-glm-blocks", test_fused_glm_blocks);
  g_test_add_func ("/ad/trace/values", test_trace_values);
  g_test_add_func ("/ad/error/outside-support", test_value_outside_support);
  g_test_add_func ("/ad/extreme-theta", test_extreme_theta);
  static const Case threaded[] = { { "hier_intercepts.crm", "hier_intercepts.csv" }, { "logistic.crm", "logistic.csv" } };
  for (size_t i = 0; i < G_N_ELEMENTS (threaded); i++)
    {
      g_autofree char *path = g_strdup_printf ("/ad/threads/%s", threaded[i].model);
      g_test_add_data_func (path, &threaded[i], test_threads);
    }
  return g_test_run ();
}
