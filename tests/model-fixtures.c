/* model-fixtures.c: conformance models and data for the engine's tests. */
#include "model-fixtures.h"

#include <string.h>

CrDataset *
fixture_load_csv (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "models", name, NULL);
  g_autoptr (GError) error = NULL;
  CrDataset *dataset = cr_dataset_read_csv (path, &error);
  g_assert_no_error (error);
  return dataset;
}

char *
fixture_read_model (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "models", name, NULL);
  char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

CrDataset *
fixture_logistic_big (size_t n)
{
  CrDataset *dataset = cr_dataset_new ("logistic_big");
  g_autofree double *column = g_new (double, n);
  GRand *rand = g_rand_new_with_seed (20);
  for (int j = 1; j <= 20; j++)
    {
      for (size_t i = 0; i < n; i++)
        column[i] = g_rand_double_range (rand, -2, 2);
      g_autofree char *name = g_strdup_printf ("x%d", j);
      g_assert_true (cr_dataset_add_column (dataset, name, CR_COLUMN_FLOAT, column, n, NULL, NULL));
    }
  for (size_t i = 0; i < n; i++)
    column[i] = g_rand_int_range (rand, 0, 2);
  g_assert_true (cr_dataset_add_column (dataset, "y", CR_COLUMN_INTEGER, column, n, NULL, NULL));
  g_rand_free (rand);
  return dataset;
}

void
compiled_clear (Compiled *c)
{
  cr_tape_free (c->tape);
  cr_model_free (c->model);
  cr_dataset_free (c->dataset);
}

void
compile_text (Compiled *c, const char *text)
{
  g_autoptr (GError) error = NULL;
  c->model = cr_model_new_from_text (text, c->dataset, "test.crm", NULL, &error);
  g_assert_no_error (error);
  if (!cr_model_validate (c->model, NULL, &error))
    g_error ("%s", error->message);
  c->tape = cr_tape_new (c->model, &error);
  g_assert_no_error (error);
}

void
compile_file (Compiled *c, const char *model_name, const char *csv)
{
  if (csv != NULL && strcmp (csv, "big") == 0)
    c->dataset = fixture_logistic_big (2000);
  else if (csv != NULL)
    c->dataset = fixture_load_csv (csv);
  g_autofree char *text = fixture_read_model (model_name);
  compile_text (c, text);
}
