/* gradients.c: gradient evaluations per second of the compiled log density on each
 * conformance model, beside its numbers of parameters and observations; and, for the largest
 * logistic regression, the rate against the memory-bandwidth bound.
 *
 * Usage: bench-gradients [MODELS_DIR] [SECONDS_PER_MODEL]
 * MODELS_DIR defaults to ../shared/models beside the source tree.
 */
#include "ad/ad.h"
#include "config.h"

#include <gsl/gsl_errno.h>
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

int
main (int argc, char **argv)
{
  gsl_set_error_handler_off ();
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
      double rate = evaluations / (elapsed / 1e6);
      printf ("%-22s %6zu %8zu %6zu %14.0f %12.2f\n", cases[m].model, d,
              cr_tape_get_n_observations (tape), cr_tape_get_n_operations (tape), rate, 1e6 / rate);
      if (!isfinite (sink))
        fprintf (stderr, "  (the log density was not finite at the benchmark point)\n");

      if (strcmp (cases[m].model, "logistic_big.crm") == 0)
        {
          const CrNode *X = cr_model_find_node (model, "X");
          /* X is read twice per gradient: X @ b forward and X^T g backward. */
          double bytes = 2.0 * cr_shape_size (X->shape) * sizeof (double);
          double bandwidth = copy_bandwidth ();
          printf ("  logistic_big: %.1f MB of X read per gradient; copy bandwidth %.1f GB/s;\n"
                  "  bound %.0f gradients/s; measured %.0f%% of it\n",
                  bytes / 1e6, bandwidth / 1e9, bandwidth / bytes, 100 * rate / (bandwidth / bytes));
        }
    }
  return 0;
}
