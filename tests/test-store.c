/* test-store.c: the project file: round trips, refusals that leave files untouched. */
#include "store/store.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  fixture->dir = g_dir_make_tmp ("credence-store-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "project.credence", NULL);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GDir) dir = g_dir_open (fixture->dir, 0, NULL);
  const char *name;
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->dir);
}

static CrDataset *
make_schools (void)
{
  static const double score[] = { 28, 8, -3, NAN, -1 };
  static const double school[] = { 0, 1, 2, 0, 1 };
  static const double count[] = { 1, 2, 3, 4, 5 };
  static const char *const levels[] = { "Alpha \"A\"", "Béta", "γ, gamma", NULL };
  CrDataset *dataset = cr_dataset_new ("schools");
  g_assert_true (cr_dataset_add_column (dataset, "school", CR_COLUMN_CATEGORICAL, school, 5, levels, NULL));
  g_assert_true (cr_dataset_add_column (dataset, "score", CR_COLUMN_FLOAT, score, 5, NULL, NULL));
  g_assert_true (cr_dataset_add_column (dataset, "count", CR_COLUMN_INTEGER, count, 5, NULL, NULL));
  return dataset;
}

static void
assert_same_dataset (const CrDataset *a, const CrDataset *b)
{
  g_assert_cmpstr (cr_dataset_get_name (a), ==, cr_dataset_get_name (b));
  g_assert_cmpuint (cr_dataset_get_n_rows (a), ==, cr_dataset_get_n_rows (b));
  g_assert_cmpuint (cr_dataset_get_n_columns (a), ==, cr_dataset_get_n_columns (b));
  for (size_t j = 0; j < cr_dataset_get_n_columns (a); j++)
    {
      const CrColumn *x = cr_dataset_get_column (a, j), *y = cr_dataset_get_column (b, j);
      g_assert_cmpstr (x->name, ==, y->name);
      g_assert_cmpint (x->type, ==, y->type);
      g_assert_cmpuint (x->n_missing, ==, y->n_missing);
      g_assert_cmpuint (x->n_levels, ==, y->n_levels);
      for (size_t k = 0; k < x->n_levels; k++)
        g_assert_cmpstr (x->levels[k], ==, y->levels[k]);
      for (size_t i = 0; i < cr_dataset_get_n_rows (a); i++)
        if (isnan (x->values[i]))
          g_assert_true (isnan (y->values[i]));
        else
          g_assert_cmpfloat (x->values[i], ==, y->values[i]);
    }
}

static void
test_round_trip (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrDataset) schools = make_schools ();
  gint64 dataset_id, model_id;
  {
    g_autoptr (CrProject) project = cr_project_create (fixture->path, &error);
    g_assert_no_error (error);
    dataset_id = cr_project_add_dataset (project, schools, "/tmp/schools.csv", &error);
    g_assert_no_error (error);
    g_assert_cmpint (dataset_id, >, 0);
    model_id = cr_project_save_model (project, "model", "mu ~ Normal(0, 1)\n", dataset_id, &error);
    g_assert_no_error (error);
    g_assert_cmpint (model_id, >, 0);
    /* Saving under the same name replaces the text and keeps the id. */
    gint64 again = cr_project_save_model (project, "model", "mu ~ Normal(0, 2)\n", dataset_id, &error);
    g_assert_no_error (error);
    g_assert_cmpint (again, ==, model_id);
  }

  g_autoptr (CrProject) project = cr_project_open (fixture->path, &error);
  g_assert_no_error (error);
  g_autoptr (GPtrArray) datasets = cr_project_list_datasets (project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (datasets->len, ==, 1);
  CrDatasetInfo *info = g_ptr_array_index (datasets, 0);
  g_assert_cmpstr (info->name, ==, "schools");
  g_assert_cmpuint (info->n_rows, ==, 5);
  g_assert_cmpuint (info->n_columns, ==, 3);
  g_assert_cmpstr (info->source, ==, "/tmp/schools.csv");

  g_autoptr (CrDataset) loaded = cr_project_load_dataset (project, dataset_id, &error);
  g_assert_no_error (error);
  assert_same_dataset (schools, loaded);

  g_autoptr (GPtrArray) models = cr_project_list_models (project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (models->len, ==, 1);
  CrModelInfo *model = g_ptr_array_index (models, 0);
  g_assert_cmpstr (model->name, ==, "model");
  g_assert_cmpint (model->dataset_id, ==, dataset_id);
  g_autofree char *text = cr_project_load_model_text (project, model_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "mu ~ Normal(0, 2)\n");
}

static void
test_missing_ids (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrProject) project = cr_project_create (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_null (cr_project_load_dataset (project, 42, &error));
  g_assert_error (error, CR_STORE_ERROR, CR_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (cr_project_load_model_text (project, 42, &error));
  g_assert_error (error, CR_STORE_ERROR, CR_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  /* A model may not point at a dataset that is not there (foreign keys are on). */
  g_assert_cmpint (cr_project_save_model (project, "m", "x ~ Normal(0, 1)", 42, &error), ==, 0);
  g_assert_error (error, CR_STORE_ERROR, CR_STORE_ERROR_IO);
}

static void
test_duplicate_dataset (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrDataset) schools = make_schools ();
  g_autoptr (CrProject) project = cr_project_create (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cr_project_add_dataset (project, schools, NULL, &error), >, 0);
  g_assert_cmpint (cr_project_add_dataset (project, schools, NULL, &error), ==, 0);
  g_assert_error (error, CR_STORE_ERROR, CR_STORE_ERROR_EXISTS);
  g_assert_nonnull (strstr (error->message, "'schools'"));
  /* The failed insert left nothing behind. */
  g_autoptr (GPtrArray) datasets = cr_project_list_datasets (project, NULL);
  g_assert_cmpuint (datasets->len, ==, 1);
}

static void
test_create_refuses_existing (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (g_file_set_contents (fixture->path, "precious", -1, NULL));
  g_assert_null (cr_project_create (fixture->path, &error));
  g_assert_error (error, CR_STORE_ERROR, CR_STORE_ERROR_EXISTS);
  g_autofree char *contents = NULL;
  g_assert_true (g_file_get_contents (fixture->path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "precious");
}

/* Opens @path expecting @code, and checks the file's bytes did not change. */
static void
assert_refused_untouched (const char *path, CrStoreError code, const char *message_part)
{
  g_autofree char *before = NULL, *after = NULL;
  gsize n_before = 0, n_after = 0;
  g_assert_true (g_file_get_contents (path, &before, &n_before, NULL));
  g_autoptr (GError) error = NULL;
  g_autoptr (CrProject) project = cr_project_open (path, &error);
  g_assert_null (project);
  g_assert_error (error, CR_STORE_ERROR, (int) code);
  g_assert_nonnull (strstr (error->message, path));
  if (message_part != NULL)
    g_assert_nonnull (strstr (error->message, message_part));
  g_assert_true (g_file_get_contents (path, &after, &n_after, NULL));
  g_assert_cmpmem (before, n_before, after, n_after);
}

static void
test_refuses_text_file (Fixture *fixture, gconstpointer data)
{
  g_assert_true (g_file_set_contents (fixture->path, "school,score\nA,28\n", -1, NULL));
  assert_refused_untouched (fixture->path, CR_STORE_ERROR_NOT_PROJECT, "not a Credence project");
}

static void
test_refuses_empty_file (Fixture *fixture, gconstpointer data)
{
  g_assert_true (g_file_set_contents (fixture->path, "", 0, NULL));
  assert_refused_untouched (fixture->path, CR_STORE_ERROR_NOT_PROJECT, NULL);
}

static void
test_refuses_other_sqlite (Fixture *fixture, gconstpointer data)
{
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE t (x); INSERT INTO t VALUES (1);", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  assert_refused_untouched (fixture->path, CR_STORE_ERROR_NOT_PROJECT, "not a Credence project");
}

static void
test_refuses_newer_version (Fixture *fixture, gconstpointer data)
{
  cr_project_close (cr_project_create (fixture->path, NULL));
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA journal_mode = DELETE; PRAGMA user_version = 99", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  assert_refused_untouched (fixture->path, CR_STORE_ERROR_TOO_NEW, "newer Credence");
}

static void
test_refuses_triggers (Fixture *fixture, gconstpointer data)
{
  cr_project_close (cr_project_create (fixture->path, NULL));
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
                                 "PRAGMA journal_mode = DELETE;"
                                 "CREATE TRIGGER t AFTER INSERT ON models BEGIN DELETE FROM datasets; END",
                                 NULL, NULL, NULL),
                   ==, SQLITE_OK);
  sqlite3_close (db);
  assert_refused_untouched (fixture->path, CR_STORE_ERROR_INVALID, "triggers");
}

static void
test_refuses_corrupt (Fixture *fixture, gconstpointer data)
{
  {
    g_autoptr (CrProject) project = cr_project_create (fixture->path, NULL);
    /* Enough rows to span several pages, so damage lands inside a b-tree. */
    for (int i = 0; i < 200; i++)
      {
        g_autofree char *name = g_strdup_printf ("model %d", i);
        g_autofree char *text = g_strnfill (200, 'x');
        g_assert_cmpint (cr_project_save_model (project, name, text, 0, NULL), >, 0);
      }
  }
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  g_autofree char *bytes = NULL;
  gsize n = 0;
  g_assert_true (g_file_get_contents (fixture->path, &bytes, &n, NULL));
  g_assert_cmpuint (n, >, 4 * 4096);
  /* Scribble over the b-tree page headers of pages 2 and 3, keeping the file header. */
  memset (bytes + 4096, 0x5a, 64);
  memset (bytes + 2 * 4096, 0x5a, 64);
  g_assert_true (g_file_set_contents (fixture->path, bytes, (gssize) n, NULL));
  assert_refused_untouched (fixture->path, CR_STORE_ERROR_CORRUPT, "damaged");
}

static void
test_refuses_missing (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_assert_null (cr_project_open (fixture->path, &error));
  g_assert_error (error, CR_STORE_ERROR, CR_STORE_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "no such file"));
  g_assert_false (g_file_test (fixture->path, G_FILE_TEST_EXISTS));
}

static void
test_save_copy (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrDataset) schools = make_schools ();
  g_autofree char *copy_path = g_build_filename (fixture->dir, "copy.credence", NULL);
  {
    g_autoptr (CrProject) project = cr_project_create (fixture->path, &error);
    g_assert_no_error (error);
    gint64 id = cr_project_add_dataset (project, schools, NULL, &error);
    g_assert_no_error (error);
    cr_project_save_model (project, "model", "mu ~ Normal(0, 1)\n", id, &error);
    g_assert_no_error (error);
    g_assert_true (cr_project_save_copy (project, copy_path, &error));
    g_assert_no_error (error);
    /* A second copy over the first is refused: Save As never overwrites silently. */
    g_assert_false (cr_project_save_copy (project, copy_path, &error));
    g_assert_error (error, CR_STORE_ERROR, CR_STORE_ERROR_EXISTS);
    g_clear_error (&error);
  }
  g_autoptr (CrProject) copy = cr_project_open (copy_path, &error);
  g_assert_no_error (error);
  g_autoptr (GPtrArray) datasets = cr_project_list_datasets (copy, &error);
  g_assert_cmpuint (datasets->len, ==, 1);
  g_autoptr (CrDataset) loaded = cr_project_load_dataset (copy, ((CrDatasetInfo *) g_ptr_array_index (datasets, 0))->id, &error);
  g_assert_no_error (error);
  assert_same_dataset (schools, loaded);
}

int
main (int argc, char **argv)
{
  gsl_set_error_handler_off ();
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/store/round-trip", test_round_trip);
  ADD ("/store/missing-ids", test_missing_ids);
  ADD ("/store/duplicate-dataset", test_duplicate_dataset);
  ADD ("/store/create/refuses-existing", test_create_refuses_existing);
  ADD ("/store/open/refuses-text-file", test_refuses_text_file);
  ADD ("/store/open/refuses-empty-file", test_refuses_empty_file);
  ADD ("/store/open/refuses-other-sqlite", test_refuses_other_sqlite);
  ADD ("/store/open/refuses-newer-version", test_refuses_newer_version);
  ADD ("/store/open/refuses-triggers", test_refuses_triggers);
  ADD ("/store/open/refuses-corrupt", test_refuses_corrupt);
  ADD ("/store/open/refuses-missing", test_refuses_missing);
  ADD ("/store/save-copy", test_save_copy);
#undef ADD

  return g_test_run ();
}
