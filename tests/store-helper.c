/* store-helper.c: a separate process for the store's tests, which spawn it and kill it.
 *
 *   store-helper write PROJECT N_VALUES BATCH
 *       begins a run of 2 chains and then, for ever, appends BATCH draws to each chain and
 *       flushes, printing "flushed N" (draws stored per chain) after each flush; the test
 *       kills it with SIGKILL. Value j of stored draw i of chain c is write_value (c, i, j).
 *   store-helper hammer PROJECT TAG N
 *       N times: adds a dataset and a model named TAG-k, and a complete run of 2 chains of
 *       20 draws, flushed twice; exits 0, or 1 after printing the first error.
 *   store-helper runs|export ARGS...
 *       the credence-cli commands, as cr_cli_runs () and cr_cli_export ().
 */
#include "cli-runs.h"
#include "store/store.h"

#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Exits after this long in case the test that should kill it died first. */
#define WRITE_LIMIT_SECONDS 120

#define HAMMER_DRAWS 20

static const char *const write_stat_names[] = { "lp", NULL };

static double
write_value (size_t chain, size_t i, size_t j)
{
  return (double) chain * 1e6 + (double) i + (double) j / 1024.0;
}

static int
fail (const char *what, const GError *error)
{
  fprintf (stderr, "store-helper %s: %s\n", what, error->message);
  return 1;
}

static int
write_forever (const char *path, size_t n_values, size_t batch)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrProject) project = cr_project_open (path, &error);
  if (project == NULL)
    return fail ("write", error);
  CrRunVariable variable = { .name = "x", .rank = 1, .dims = { n_values }, .offset = 0 };
  CrRunSpec spec = {
    .model_text = "x[n] ~ Normal(0, 1)\n",
    .seed = 1,
    .n_chains = 2,
    /* The warmup ends halfway through the third batch, so that flush stores a warmup and a
     * kept chunk of each chain. */
    .tune = 2 * batch + batch / 2,
    .draws = G_MAXINT32,
    .variables = &variable,
    .n_variables = 1,
    .stat_names = write_stat_names,
  };
  gint64 run_id = cr_project_begin_run (project, &spec, &error);
  if (run_id == 0)
    return fail ("write", error);
  g_autoptr (CrRunWriter) writer = cr_run_writer_new (project, run_id, &error);
  if (writer == NULL)
    return fail ("write", error);

  g_autofree double *values = g_new (double, n_values);
  gint64 deadline = g_get_monotonic_time () + WRITE_LIMIT_SECONDS * G_USEC_PER_SEC;
  for (size_t stored = 0; g_get_monotonic_time () < deadline;)
    {
      for (size_t i = stored; i < stored + batch; i++)
        for (guint c = 0; c < 2; c++)
          {
            for (size_t j = 0; j < n_values; j++)
              values[j] = write_value (c, i, j);
            double lp = -(double) i;
            cr_run_writer_append (writer, c, i < spec.tune, values, &lp);
          }
      if (!cr_run_writer_flush (writer, &error))
        return fail ("write", error);
      stored += batch;
      printf ("flushed %zu\n", stored);
      fflush (stdout);
    }
  return 2;
}

static int
hammer (const char *path, const char *tag, int n)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrProject) project = cr_project_open (path, &error);
  if (project == NULL)
    return fail ("hammer", error);
  static const double column[] = { 1, 2, 3 };
  CrRunVariable variable = { .name = "mu", .rank = 0, .offset = 0 };
  for (int k = 0; k < n; k++)
    {
      g_autofree char *name = g_strdup_printf ("%s-%d", tag, k);
      g_autoptr (CrDataset) dataset = cr_dataset_new (name);
      if (!cr_dataset_add_column (dataset, "y", CR_COLUMN_FLOAT, column, 3, NULL, &error))
        return fail ("hammer", error);
      gint64 dataset_id = cr_project_add_dataset (project, dataset, NULL, &error);
      if (dataset_id == 0)
        return fail ("hammer", error);
      gint64 model_id = cr_project_save_model (project, name, "mu ~ Normal(0, 1)\n", dataset_id, &error);
      if (model_id == 0)
        return fail ("hammer", error);
      CrRunSpec spec = {
        .model_id = model_id,
        .dataset_id = dataset_id,
        .model_text = "mu ~ Normal(0, 1)\n",
        .seed = (guint64) k,
        .n_chains = 2,
        .draws = HAMMER_DRAWS,
        .variables = &variable,
        .n_variables = 1,
      };
      gint64 run_id = cr_project_begin_run (project, &spec, &error);
      if (run_id == 0)
        return fail ("hammer", error);
      g_autoptr (CrRunWriter) writer = cr_run_writer_new (project, run_id, &error);
      if (writer == NULL)
        return fail ("hammer", error);
      double stats[CR_RUN_N_NUTS_STATS] = { 0 };
      for (int i = 0; i < HAMMER_DRAWS; i++)
        {
          for (guint c = 0; c < 2; c++)
            {
              double mu = k + i / 100.0;
              cr_run_writer_append (writer, c, FALSE, &mu, stats);
            }
          if (i == HAMMER_DRAWS / 2 && !cr_run_writer_flush (writer, &error))
            return fail ("hammer", error);
        }
      if (!cr_run_writer_finish (writer, CR_RUN_COMPLETE, NULL, &error))
        return fail ("hammer", error);
    }
  return 0;
}

int
main (int argc, char **argv)
{
  gsl_set_error_handler_off ();
  if (argc >= 2 && strcmp (argv[1], "runs") == 0)
    return cr_cli_runs (argc - 1, argv + 1);
  if (argc >= 2 && strcmp (argv[1], "export") == 0)
    return cr_cli_export (argc - 1, argv + 1);
  if (argc == 5 && strcmp (argv[1], "write") == 0)
    return write_forever (argv[2], (size_t) g_ascii_strtoull (argv[3], NULL, 10),
                          (size_t) g_ascii_strtoull (argv[4], NULL, 10));
  if (argc == 5 && strcmp (argv[1], "hammer") == 0)
    return hammer (argv[2], argv[3], atoi (argv[4]));
  fprintf (stderr, "usage: store-helper write|hammer|runs|export ...\n");
  return 64;
}
