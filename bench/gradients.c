/* gradients.c: gradient evaluations per second of the compiled log density on each
 * conformance model, beside its numbers of parameters and observations; and, for the largest
 * logistic regression, the rate against the memory-bandwidth bound (X read once a gradient).
 *
 * Usage: bench-gradients [MODELS_DIR] [SECONDS_PER_MODEL]
 *        bench-gradients --scaling [SECONDS_PER_SIZE]
 * MODELS_DIR defaults to ../shared/models beside the source tree. --scaling times
 * logistic.crm's model (10 features) on generated data of 1k, 10k, 100k and 1M rows, made in
 * memory (nothing is written to disk), to show how the time per gradient grows with N.
 */
#include "ad/ad.h"
#include "config.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

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
  { "linreg.crm", "linreg.csv" },
  { "hier_intercepts.crm", "hier_intercepts.csv" },
  { "poisson.crm", "poisson.csv" },
  { "logistic.crm", "logistic.csv" },
  { "logistic_big.crm", "logistic_big.csv" },
};

/* Bytes per second of a large memcpy: the bound a data-heavy gradient cannot beat. */
static double
copy_bandwidth (void)
{
  size_t n = 64u << 20;
  g_autofree char *a = g_malloc (n), *b = g_malloc (n);
  memset (a, 1, n);
  memset (b, 2, n);
  double best = 0;
  for (int r = 0; r < 5; r++)
    {
      gint64 start = g_get_monotonic_time ();
      memcpy (b, a, n);
      double seconds = (g_get_monotonic_time () - start) / 1e6;
      /* A copy reads n bytes and writes n. */
      best = fmax (best, 2.0 * n / seconds);
    }
  return best;
}

/* Gradient evaluations per second of @tape over about @seconds, at a point that moves by
 * 1e-9 each call so no evaluation can be skipped as a repeat. */
static double
gradients_per_second (const CrTape *tape, double seconds)
{
  g_autoptr (CrWorkspace) w = cr_workspace_new (tape);
  size_t d = cr_tape_get_dimension (tape);
  g_autofree double *theta = g_new (double, d), *gradient = g_new (double, d);
  for (size_t j = 0; j < d; j++)
    theta[j] = 0.1 * sin ((double) j);

  /* Run for the given time, checking the clock every batch. */
  size_t evaluations = 0, batch = 1;
  double sink = 0;
  gint64 start = g_get_monotonic_time (), elapsed = 0;
  while (elapsed < seconds * 1e6)
    {
      for (size_t k = 0; k < batch; k++)
        {
          theta[evaluations % d] += 1e-9;
          sink += cr_tape_log_density (tape, w, theta, gradient);
        }
      evaluations += batch;
      batch = MIN (batch * 2, 4096);
      elapsed = g_get_monotonic_time () - start;
    }
  if (!isfinite (sink))
    fprintf (stderr, "  (the log density was not finite at the benchmark point)\n");
  return evaluations / (elapsed / 1e6);
}

/* logistic.crm's model, on a generated dataset x1..x10, y. */
static const char scaling_model[] =
  "data X = stack(x1, x2, x3, x4, x5, x6, x7, x8, x9, x10)\n"
  "intercept ~ Normal(0, 2)\n"
  "beta[10] ~ Normal(0, 2)\n"
  "y ~ BernoulliLogit(intercept + X @ beta)\n";

/* @n_rows of standard normal features and a Bernoulli outcome whose log-odds are
 * 0.5 + sum_k x_k / k, as CSV text, from a fixed seed so every run times the same data. */
static GString *
scaling_csv (size_t n_rows)
{
  g_autoptr (GString) text = g_string_sized_new (n_rows * 80);
  g_string_append (text, "x1,x2,x3,x4,x5,x6,x7,x8,x9,x10,y\n");
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_rng_set (rng, 20261125);
  for (size_t i = 0; i < n_rows; i++)
    {
      double eta = 0.5;
      for (int k = 1; k <= 10; k++)
        {
          /* Four decimals, as the conformance files have. */
          double x = round (gsl_ran_gaussian_ziggurat (rng, 1.0) * 1e4) / 1e4;
          eta += x / k;
          g_string_append_printf (text, "%.4f,", x);
        }
      double p = 1.0 / (1.0 + exp (-eta));
      g_string_append (text, gsl_rng_uniform (rng) < p ? "1\n" : "0\n");
    }
  gsl_rng_free (rng);
  return g_steal_pointer (&text);
}

/* Time per gradient of the logistic model at 1k to 1M rows, beside the bound that reading X
 * once per gradient at the copy bandwidth sets. */
static int
run_scaling (double seconds)
{
  double bandwidth = copy_bandwidth ();
  printf ("copy bandwidth %.1f GB/s\n", bandwidth / 1e9);
  printf ("%10s %12s %14s %12s %12s %10s\n", "rows", "X MB read", "gradients/s", "us/gradient",
          "ns/row", "of bound");
  for (size_t n_rows = 1000; n_rows <= 1000000; n_rows *= 10)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GString) text = scaling_csv (n_rows);
      g_autoptr (CrDataset) dataset = cr_dataset_parse_csv (text->str, text->len, "generated.csv", &error);
      if (dataset == NULL)
        {
          fprintf (stderr, "%s\n", error->message);
          return 1;
        }
      g_autoptr (CrModel) model = cr_model_new_from_text (scaling_model, dataset, "scaling.crm", NULL, &error);
      if (model == NULL || !cr_model_validate (model, NULL, &error))
        {
          fprintf (stderr, "%s\n", error->message);
          return 1;
        }
      g_autoptr (CrTape) tape = cr_tape_new (model, &error);
      if (tape == NULL)
        {
          fprintf (stderr, "%s\n", error->message);
          return 1;
        }
      double rate = gradients_per_second (tape, seconds);
      /* The fused GLM pass reads X once per gradient (X @ b and X^T g on one cached block). */
      double bytes = (double) n_rows * 10 * sizeof (double);
      printf ("%10zu %12.2f %14.0f %12.2f %12.2f %9.0f%%\n", n_rows, bytes / 1e6, rate, 1e6 / rate,
              1e9 / rate / n_rows, 100 * rate / (bandwidth / bytes));
    }
  return 0;
}

int
main (int argc, char **argv)
{
  gsl_set_error_handler_off ();
  if (argc > 1 && strcmp (argv[1], "--scaling") == 0)
    return run_scaling (argc > 2 ? g_ascii_strtod (argv[2], NULL) : 2.0);
  g_autofree char *default_dir = g_build_filename (CR_SOURCE_ROOT, "..", "shared", "models", NULL);
  const char *dir = argc > 1 ? argv[1] : default_dir;
  double seconds = argc > 2 ? g_ascii_strtod (argv[2], NULL) : 1.0;

  printf ("%-22s %6s %8s %6s %14s %12s\n", "model", "params", "obs", "ops", "gradients/s", "us/gradient");
  for (size_t m = 0; m < G_N_ELEMENTS (cases); m++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (CrDataset) dataset = NULL;
      if (cases[m].data != NULL)
        {
          g_autofree char *path = g_build_filename (dir, cases[m].data, NULL);
          if ((dataset = cr_dataset_read_csv (path, &error)) == NULL)
            {
              fprintf (stderr, "%s\n", error->message);
              return 1;
            }
        }
      g_autofree char *path = g_build_filename (dir, cases[m].model, NULL);
      g_autofree char *text = NULL;
      if (!g_file_get_contents (path, &text, NULL, &error))
        {
          fprintf (stderr, "%s\n", error->message);
          return 1;
        }
      g_autoptr (CrModel) model = cr_model_new_from_text (text, dataset, path, NULL, &error);
      if (model == NULL || !cr_model_validate (model, NULL, &error))
        {
          fprintf (stderr, "%s\n", error->message);
          return 1;
        }
      g_autoptr (CrTape) tape = cr_tape_new (model, &error);
      if (tape == NULL)
        {
          fprintf (stderr, "%s\n", error->message);
          return 1;
        }
      double rate = gradients_per_second (tape, seconds);
      printf ("%-22s %6zu %8zu %6zu %14.0f %12.2f\n", cases[m].model, cr_tape_get_dimension (tape),
              cr_tape_get_n_observations (tape), cr_tape_get_n_operations (tape), rate, 1e6 / rate);
      if (strcmp (cases[m].model, "logistic_big.crm") == 0)
        {
          const CrNode *X = cr_model_find_node (model, "X");
          /* The fused GLM pass reads X once per gradient (X @ b and X^T g on one cached block). */
          double bytes = (double) cr_shape_size (X->shape) * sizeof (double);
          double bandwidth = copy_bandwidth ();
          printf ("  logistic_big: %.1f MB of X read per gradient; copy bandwidth %.1f GB/s;\n"
                  "  bound %.0f gradients/s; measured %.0f%% of it\n",
                  bytes / 1e6, bandwidth / 1e9, bandwidth / bytes, 100 * rate / (bandwidth / bytes));
          printf ("  GLM kernels: %s (%s=1 forces the portable ones)\n",
                  cr_tape_uses_vector_kernels (tape) ? "AVX2" : "portable", CR_TAPE_SCALAR_KERNELS_ENV);
        }
    }
  return 0;
}
