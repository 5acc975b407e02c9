/* test-store.c: the project file: round trips, refusals that leave files untouched, runs and
 * their draws, recovery of runs whose writer died, migration, exports and their readers. */
#include "config.h"
#include "store/store.h"

#include <float.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>

/* R's read.csv parses decimal text with its own strtod, which may miss the nearest double by
 * an ulp or two; the exports write the shortest text that reads back exactly in C. */
#define CR_TOL_R_PARSE (8 * DBL_EPSILON)

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
    /* The canvas layout is kept apart from the text: saving the text again leaves it. */
    g_autofree char *none = cr_project_load_model_layout (project, model_id, &error);
    g_assert_no_error (error);
    g_assert_null (none);
    g_assert_true (cr_project_save_model_layout (project, model_id, "{\"nodes\":{}}", &error));
    g_assert_no_error (error);
    g_assert_cmpint (cr_project_save_model (project, "model", "mu ~ Normal(0, 2)\n", dataset_id, &error), ==, model_id);
    g_assert_false (cr_project_save_model_layout (project, model_id + 1, "{}", &error));
    g_assert_error (error, CR_STORE_ERROR, CR_STORE_ERROR_NOT_FOUND);
    g_clear_error (&error);
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
  g_autofree char *layout = cr_project_load_model_layout (project, model_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (layout, ==, "{\"nodes\":{}}");
  g_assert_null (cr_project_load_model_layout (project, model_id + 1, &error));
  g_assert_error (error, CR_STORE_ERROR, CR_STORE_ERROR_NOT_FOUND);
}

/* A dataset replaced (a column's type changed) reads back as the new one, under its id. */
static void
test_replace_dataset (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrDataset) schools = make_schools ();
  g_autoptr (CrProject) project = cr_project_create (fixture->path, &error);
  gint64 id = cr_project_add_dataset (project, schools, NULL, &error);
  g_assert_no_error (error);
  g_autoptr (CrDataset) changed = cr_dataset_new ("schools");
  const double counts[] = { 2, 0, 1, 0, 2, 1 };
  const char *const levels[] = { "1", "2", "3", NULL };
  g_assert_true (cr_dataset_add_column (changed, "count", CR_COLUMN_CATEGORICAL, counts, 6, levels, NULL));
  g_assert_true (cr_project_replace_dataset (project, id, changed, &error));
  g_assert_no_error (error);
  g_autoptr (CrDataset) loaded = cr_project_load_dataset (project, id, &error);
  g_assert_no_error (error);
  assert_same_dataset (changed, loaded);
  g_assert_false (cr_project_replace_dataset (project, id + 1, changed, &error));
  g_assert_error (error, CR_STORE_ERROR, CR_STORE_ERROR_NOT_FOUND);
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
  g_test_message ("refused: %s", error->message);
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

/* ------------------------------------------------------------------------------------------ */
/* Runs */

/* The synthetic run: 3 chains of 2 warmup and 4 kept draws of mu, theta[3] and L[2,3]. */
#define N_CHAINS 3
#define TUNE 2
#define DRAWS 4
#define N_VALUES 10

static const CrRunVariable synthetic_variables[] = {
  { "mu", 0, { 0 }, 0 },
  { "theta", 1, { 3 }, 1 },
  { "L", 2, { 2, 3 }, 4 },
};

/* Value @j of draw @i (counted within its phase) of @chain; warmup draws are offset by 1000. */
static double
synthetic_value (size_t chain, gboolean warmup, size_t i, size_t j)
{
  return (warmup ? 1000.0 : 0.0) + (double) chain * 100.0 + (double) i * 1.5 + (double) j * 0.1;
}

static void
synthetic_stats (size_t chain, gboolean warmup, size_t i, double *stats)
{
  stats[CR_RUN_STAT_LP] = -(double) (chain + i) - 0.5 - (warmup ? 100.0 : 0.0);
  stats[CR_RUN_STAT_ACCEPT_STAT] = 0.9;
  stats[CR_RUN_STAT_STEP_SIZE] = 0.25 + (double) chain;
  stats[CR_RUN_STAT_TREE_DEPTH] = 3;
  stats[CR_RUN_STAT_N_LEAPFROG] = 7;
  stats[CR_RUN_STAT_DIVERGENT] = i == 2 ? 1 : 0;
  stats[CR_RUN_STAT_ENERGY] = 10.0 + (double) i;
}

static JsonObject *
synthetic_settings (void)
{
  JsonObject *settings = json_object_new ();
  json_object_set_double_member (settings, "target_accept", 0.8);
  json_object_set_int_member (settings, "max_tree_depth", 10);
  json_object_set_string_member (settings, "metric", "diag");
  return settings;
}

static gint64
begin_synthetic_run (CrProject *project, gint64 model_id, guint64 seed)
{
  g_autoptr (JsonObject) settings = synthetic_settings ();
  CrRunSpec spec = {
    .model_id = model_id,
    .model_text = "mu ~ Normal(0, 1)\n",
    .settings = settings,
    .seed = seed,
    .n_chains = N_CHAINS,
    .tune = TUNE,
    .draws = DRAWS,
    .variables = synthetic_variables,
    .n_variables = G_N_ELEMENTS (synthetic_variables),
  };
  g_autoptr (GError) error = NULL;
  gint64 id = cr_project_begin_run (project, &spec, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

/* Appends draws [from, to) of every chain in @phase. */
static void
append_synthetic (CrRunWriter *writer, gboolean warmup, size_t from, size_t to, size_t n_chains)
{
  double values[N_VALUES], stats[CR_RUN_N_NUTS_STATS];
  for (size_t i = from; i < to; i++)
    for (size_t c = 0; c < n_chains; c++)
      {
        for (size_t j = 0; j < N_VALUES; j++)
          values[j] = synthetic_value (c, warmup, i, j);
        synthetic_stats (c, warmup, i, stats);
        cr_run_writer_append (writer, (guint) c, warmup, values, stats);
      }
}

/* Stores the whole synthetic run, complete, in three flushes; chains 0 and 1 get an adaptation,
 * chain 2 none. Returns: the run's id. */
static gint64
store_synthetic_run (CrProject *project, gint64 model_id)
{
  g_autoptr (GError) error = NULL;
  gint64 id = begin_synthetic_run (project, model_id, G_GUINT64_CONSTANT (18446744073709551557));
  g_autoptr (CrRunWriter) writer = cr_run_writer_new (project, id, &error);
  g_assert_no_error (error);
  append_synthetic (writer, TRUE, 0, TUNE, N_CHAINS);
  g_assert_true (cr_run_writer_flush (writer, &error));
  g_assert_no_error (error);
  for (guint c = 0; c < 2; c++)
    {
      const double inv_metric[] = { 1.0 * (c + 1), 2.0 * (c + 1), 3.0 * (c + 1), 0.5 };
      cr_run_writer_set_adaptation (writer, c, 0.25 + c, inv_metric, 4, FALSE);
    }
  append_synthetic (writer, FALSE, 0, 1, N_CHAINS);
  g_assert_true (cr_run_writer_flush (writer, &error));
  g_assert_no_error (error);
  /* A flush with nothing buffered stores nothing and succeeds. */
  g_assert_true (cr_run_writer_flush (writer, &error));
  append_synthetic (writer, FALSE, 1, DRAWS, N_CHAINS);
  CrRunTimings timings = { 1.25, 3.5 };
  g_assert_true (cr_run_writer_finish (writer, CR_RUN_COMPLETE, &timings, &error));
  g_assert_no_error (error);
  return id;
}

/* Stored draws come back bit for bit, so the comparisons are exact. */
static void
assert_synthetic_draws (const CrRun *run, size_t chain, size_t n_warmup, size_t n_kept)
{
  g_assert_cmpuint (run->chain_warmup[chain], ==, n_warmup);
  g_assert_cmpuint (run->chain_draws[chain], ==, n_kept);
  double stats[CR_RUN_N_NUTS_STATS];
  for (size_t i = 0; i < n_warmup; i++)
    {
      const double *draw = run->warmup_values + (chain * run->stored_warmup + i) * run->n_values;
      for (size_t j = 0; j < N_VALUES; j++)
        g_assert_cmpfloat (draw[j], ==, synthetic_value (chain, TRUE, i, j));
      synthetic_stats (chain, TRUE, i, stats);
      g_assert_cmpmem (run->warmup_stats + (chain * run->stored_warmup + i) * run->n_stats,
                       sizeof stats, stats, sizeof stats);
    }
  for (size_t i = 0; i < n_kept; i++)
    {
      const double *draw = run->values + (chain * run->stored_draws + i) * run->n_values;
      for (size_t j = 0; j < N_VALUES; j++)
        g_assert_cmpfloat (draw[j], ==, synthetic_value (chain, FALSE, i, j));
      synthetic_stats (chain, FALSE, i, stats);
      g_assert_cmpmem (run->stats + (chain * run->stored_draws + i) * run->n_stats, sizeof stats,
                       stats, sizeof stats);
    }
  /* Rows past a shorter chain's own count are NAN. */
  for (size_t i = n_kept; i < run->stored_draws; i++)
    g_assert_true (isnan (run->values[(chain * run->stored_draws + i) * run->n_values]));
}

static void
test_run_round_trip (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 model_id, run_id;
  {
    g_autoptr (CrProject) project = cr_project_create (fixture->path, &error);
    g_assert_no_error (error);
    model_id = cr_project_save_model (project, "normal", "mu ~ Normal(0, 1)\n", 0, &error);
    g_assert_no_error (error);
    run_id = store_synthetic_run (project, model_id);
    /* Editing the model later leaves the run's snapshot of its text alone. */
    cr_project_save_model (project, "normal", "mu ~ Normal(0, 2)\n", 0, &error);
    g_assert_no_error (error);
  }

  g_autoptr (CrProject) project = cr_project_open (fixture->path, &error);
  g_assert_no_error (error);
  g_autoptr (CrRun) run = cr_project_load_run (project, run_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run->id, ==, run_id);
  g_assert_cmpint (run->model_id, ==, model_id);
  g_assert_cmpstr (run->model_name, ==, "normal");
  g_assert_cmpint (run->dataset_id, ==, 0);
  g_assert_cmpstr (run->model_text, ==, "mu ~ Normal(0, 1)\n");
  g_assert_cmpuint (run->seed, ==, G_GUINT64_CONSTANT (18446744073709551557));
  g_assert_cmpuint (run->n_chains, ==, N_CHAINS);
  g_assert_cmpuint (run->tune, ==, TUNE);
  g_assert_cmpuint (run->draws, ==, DRAWS);
  g_assert_cmpint (run->status, ==, CR_RUN_COMPLETE);
  g_assert_nonnull (run->started);
  g_assert_nonnull (run->finished);
  g_assert_cmpfloat (run->timings.warmup_seconds, ==, 1.25);
  g_assert_cmpfloat (run->timings.sampling_seconds, ==, 3.5);
  g_assert_cmpstr (run->credence_version, ==, PACKAGE_VERSION);
  g_assert_cmpfloat (json_object_get_double_member (run->settings, "target_accept"), ==, 0.8);
  g_assert_cmpint (json_object_get_int_member (run->settings, "max_tree_depth"), ==, 10);

  g_assert_cmpuint (run->n_variables, ==, 3);
  g_assert_cmpuint (run->n_values, ==, N_VALUES);
  for (size_t v = 0; v < run->n_variables; v++)
    {
      g_assert_cmpstr (run->variables[v].name, ==, synthetic_variables[v].name);
      g_assert_cmpuint (run->variables[v].rank, ==, synthetic_variables[v].rank);
      g_assert_cmpmem (run->variables[v].dims, run->variables[v].rank * sizeof (size_t),
                       synthetic_variables[v].dims, synthetic_variables[v].rank * sizeof (size_t));
      g_assert_cmpuint (run->variables[v].offset, ==, synthetic_variables[v].offset);
    }
  g_assert_cmpuint (run->n_stats, ==, CR_RUN_N_NUTS_STATS);
  g_assert_cmpstrv (run->stat_names, cr_run_get_nuts_stat_names ());
  g_assert_cmpint (cr_run_find_stat (run, "divergent"), ==, CR_RUN_STAT_DIVERGENT);
  g_assert_cmpint (cr_run_find_stat (run, "no such"), ==, -1);

  g_assert_cmpuint (run->stored_warmup, ==, TUNE);
  g_assert_cmpuint (run->stored_draws, ==, DRAWS);
  for (size_t c = 0; c < N_CHAINS; c++)
    assert_synthetic_draws (run, c, TUNE, DRAWS);

  for (size_t c = 0; c < 2; c++)
    {
      const CrRunAdaptation *adaptation = &run->adaptation[c];
      g_assert_true (adaptation->known);
      g_assert_false (adaptation->dense);
      g_assert_cmpfloat (adaptation->step_size, ==, 0.25 + (double) c);
      g_assert_cmpuint (adaptation->dim, ==, 4);
      g_assert_cmpfloat (adaptation->inv_metric[1], ==, 2.0 * (double) (c + 1));
    }
  g_assert_false (run->adaptation[2].known);

  g_auto (GStrv) names = cr_run_get_quantity_names (run);
  const char *const expected_names[] = { "mu", "theta[0]", "theta[1]", "theta[2]", "L[0,0]",
                                         "L[0,1]", "L[0,2]", "L[1,0]", "L[1,1]", "L[1,2]", NULL };
  g_assert_cmpstrv (names, expected_names);

  g_assert_cmpuint (cr_run_get_n_common_draws (run), ==, DRAWS);
  double theta_1[N_CHAINS * DRAWS], divergent[N_CHAINS * DRAWS];
  cr_run_copy_quantity (run, 2, theta_1);
  cr_run_copy_stat (run, CR_RUN_STAT_DIVERGENT, divergent);
  for (size_t c = 0; c < N_CHAINS; c++)
    for (size_t i = 0; i < DRAWS; i++)
      {
        g_assert_cmpfloat (theta_1[c * DRAWS + i], ==, synthetic_value (c, FALSE, i, 2));
        g_assert_cmpfloat (divergent[c * DRAWS + i], ==, i == 2 ? 1.0 : 0.0);
      }
}

static void
test_run_latest_and_missing (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrProject) project = cr_project_create (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_null (cr_project_load_run (project, 0, &error));
  g_assert_error (error, CR_STORE_ERROR, CR_STORE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "no runs yet"));
  g_clear_error (&error);

  store_synthetic_run (project, 0);
  gint64 second = store_synthetic_run (project, 0);
  g_autoptr (CrRun) latest = cr_project_load_run (project, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (latest->id, ==, second);
  g_assert_null (latest->model_name);

  g_assert_null (cr_project_load_run (project, second + 1, &error));
  g_assert_error (error, CR_STORE_ERROR, CR_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (cr_run_writer_new (project, second + 1, &error));
  g_assert_error (error, CR_STORE_ERROR, CR_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  /* A finished run takes no more draws. */
  g_assert_null (cr_run_writer_new (project, second, &error));
  g_assert_error (error, CR_STORE_ERROR, CR_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "complete"));
  g_clear_error (&error);

  /* A run must name a model and dataset of the project (foreign keys are on). */
  CrRunSpec spec = {
    .model_id = 42,
    .model_text = "",
    .n_chains = 1,
    .variables = synthetic_variables,
    .n_variables = 1,
  };
  g_assert_cmpint (cr_project_begin_run (project, &spec, &error), ==, 0);
  g_assert_error (error, CR_STORE_ERROR, CR_STORE_ERROR_NOT_FOUND);
  g_autoptr (GPtrArray) runs = cr_project_list_runs (project, NULL);
  g_assert_cmpuint (runs->len, ==, 2);
}

/* An interrupted run whose chains got different numbers of draws. */
static gint64
store_ragged_run (CrProject *project)
{
  g_autoptr (GError) error = NULL;
  gint64 id = begin_synthetic_run (project, 0, 7);
  CrRunWriter *writer = cr_run_writer_new (project, id, &error);
  g_assert_no_error (error);
  append_synthetic (writer, TRUE, 0, TUNE, N_CHAINS);
  append_synthetic (writer, FALSE, 0, 1, N_CHAINS);
  append_synthetic (writer, FALSE, 1, 3, 2); /* chains 0 and 1 only */
  g_assert_true (cr_run_writer_flush (writer, &error));
  g_assert_no_error (error);
  /* Freed unfinished, as by a cancelled sampler: the buffer is stored and the run interrupted. */
  append_synthetic (writer, FALSE, 3, 4, 1); /* chain 0 only */
  cr_run_writer_free (writer);
  return id;
}

static void
test_run_ragged_and_list (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrProject) project = cr_project_create (fixture->path, &error);
  g_assert_no_error (error);
  gint64 model_id = cr_project_save_model (project, "normal", "mu ~ Normal(0, 1)\n", 0, &error);
  gint64 complete = store_synthetic_run (project, model_id);
  gint64 ragged = store_ragged_run (project);

  g_autoptr (CrRun) run = cr_project_load_run (project, ragged, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run->status, ==, CR_RUN_INTERRUPTED);
  g_assert_nonnull (run->finished); /* it stopped when the writer was freed */
  g_assert_true (isnan (run->timings.warmup_seconds));
  g_assert_cmpuint (run->stored_draws, ==, 4);
  assert_synthetic_draws (run, 0, TUNE, 4);
  assert_synthetic_draws (run, 1, TUNE, 3);
  assert_synthetic_draws (run, 2, TUNE, 1);
  g_assert_cmpuint (cr_run_get_n_common_draws (run), ==, 1);

  g_autoptr (GPtrArray) runs = cr_project_list_runs (project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 2);
  const CrRunInfo *first = g_ptr_array_index (runs, 0), *second = g_ptr_array_index (runs, 1);
  g_assert_cmpint (first->id, ==, complete);
  g_assert_cmpstr (first->model_name, ==, "normal");
  g_assert_cmpint (first->status, ==, CR_RUN_COMPLETE);
  g_assert_cmpuint (first->stored_warmup, ==, TUNE);
  g_assert_cmpuint (first->stored_draws, ==, DRAWS);
  g_assert_cmpfloat (first->timings.sampling_seconds, ==, 3.5);
  g_assert_cmpint (second->id, ==, ragged);
  g_assert_null (second->model_name);
  g_assert_cmpint (second->status, ==, CR_RUN_INTERRUPTED);
  g_assert_cmpuint (second->stored_draws, ==, 1); /* the chain with fewest */
  g_assert_cmpuint (second->seed, ==, 7);
}

static sqlite3 *
raw_open (const char *path)
{
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  return db;
}

static void
raw_exec (sqlite3 *db, const char *sql)
{
  char *message = NULL;
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static void
test_flush_is_atomic (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrProject) project = cr_project_create (fixture->path, &error);
  g_assert_no_error (error);
  gint64 id = begin_synthetic_run (project, 0, 1);
  g_autoptr (CrRunWriter) writer = cr_run_writer_new (project, id, &error);
  g_assert_no_error (error);

  /* Another connection takes chain 2's next slot, so the flush fails at its last row, after
   * chains 0 and 1 were inserted inside the transaction. */
  sqlite3 *db = raw_open (fixture->path);
  g_autofree char *squat = g_strdup_printf ("INSERT INTO draws VALUES (%" G_GINT64_FORMAT
                                            ", 2, 0, 1, 1, zeroblob (80), zeroblob (56))",
                                            id);
  raw_exec (db, squat);
  append_synthetic (writer, TRUE, 0, TUNE, N_CHAINS);
  g_assert_false (cr_run_writer_flush (writer, &error));
  g_assert_error (error, CR_STORE_ERROR, CR_STORE_ERROR_IO);
  g_clear_error (&error);
  sqlite3_stmt *count = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM draws", -1, &count, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (count), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (count, 0), ==, 1); /* only the squatter */
  sqlite3_finalize (count);

  /* The writer kept its buffer: once the slot is free, the same flush stores everything. */
  raw_exec (db, "DELETE FROM draws");
  sqlite3_close (db);
  g_assert_true (cr_run_writer_flush (writer, &error));
  g_assert_no_error (error);
  append_synthetic (writer, FALSE, 0, DRAWS, N_CHAINS);
  g_assert_true (cr_run_writer_finish (writer, CR_RUN_COMPLETE, NULL, &error));
  g_assert_no_error (error);

  g_autoptr (CrRun) run = cr_project_load_run (project, id, &error);
  g_assert_no_error (error);
  for (size_t c = 0; c < N_CHAINS; c++)
    assert_synthetic_draws (run, c, TUNE, DRAWS);
}

/* Sets run @id's writer as another process would have. */
static void
set_writer (const char *path, gint64 id, gint64 pid, const char *boot_id)
{
  sqlite3 *db = raw_open (path);
  g_autofree char *sql = g_strdup_printf ("UPDATE runs SET writer_pid = %" G_GINT64_FORMAT
                                          ", writer_boot_id = %s%s%s WHERE id = %" G_GINT64_FORMAT,
                                          pid, boot_id != NULL ? "'" : "",
                                          boot_id != NULL ? boot_id : "NULL",
                                          boot_id != NULL ? "'" : "", id);
  raw_exec (db, sql);
  sqlite3_close (db);
}

static void
test_recovers_dead_writer (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *boot_id = NULL;
  if (g_file_get_contents ("/proc/sys/kernel/random/boot_id", &boot_id, NULL, NULL))
    g_strstrip (boot_id);

  /* A process that has exited and been reaped: its id names no process now. */
  const char *true_argv[] = { "/bin/true", NULL };
  GPid dead = 0;
  g_assert_true (g_spawn_async (NULL, (char **) true_argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL,
                                NULL, &dead, &error));
  g_assert_no_error (error);
  int wait_status = 0;
  g_assert_cmpint (waitpid (dead, &wait_status, 0), ==, dead);

  gint64 mine, dead_run, other_boot, no_boot, reused;
  {
    g_autoptr (CrProject) project = cr_project_create (fixture->path, &error);
    g_assert_no_error (error);
    mine = begin_synthetic_run (project, 0, 1);
    dead_run = begin_synthetic_run (project, 0, 2);
    other_boot = begin_synthetic_run (project, 0, 3);
    no_boot = begin_synthetic_run (project, 0, 4);
    reused = begin_synthetic_run (project, 0, 5);
    /* A draw flushed before the writer died survives. */
    g_autoptr (CrRunWriter) writer = cr_run_writer_new (project, dead_run, &error);
    append_synthetic (writer, TRUE, 0, 1, N_CHAINS);
    g_assert_true (cr_run_writer_flush (writer, &error));
    g_assert_no_error (error);
  }
  /* Freeing the writer marked the run interrupted; a killed process would have left it
   * running, with the dead process as its writer. */
  sqlite3 *db = raw_open (fixture->path);
  raw_exec (db, "UPDATE runs SET status = 'running'");
  sqlite3_close (db);
  set_writer (fixture->path, dead_run, dead, boot_id);
  set_writer (fixture->path, other_boot, getpid (), "00000000-0000-0000-0000-000000000000");
  set_writer (fixture->path, no_boot, dead, NULL);
  /* A writer with this process's id that started at another time: the id was reused. */
  db = raw_open (fixture->path);
  g_autofree char *reuse = g_strdup_printf ("UPDATE runs SET writer_start = writer_start - 1 WHERE id = %" G_GINT64_FORMAT
                                            " AND writer_start IS NOT NULL", reused);
  raw_exec (db, reuse);
  sqlite3_close (db);
  gboolean have_start_times = g_file_test ("/proc/self/stat", G_FILE_TEST_EXISTS);

  g_autoptr (CrProject) project = cr_project_open (fixture->path, &error);
  g_assert_no_error (error);
  g_autoptr (GPtrArray) runs = cr_project_list_runs (project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 5);
  const CrRunInfo *info = g_ptr_array_index (runs, 0);
  g_assert_cmpint (info->id, ==, mine);
  g_assert_cmpint (info->status, ==, CR_RUN_RUNNING); /* this process is alive */
  info = g_ptr_array_index (runs, 1);
  g_assert_cmpint (info->status, ==, CR_RUN_INTERRUPTED);
  g_assert_cmpuint (info->stored_warmup, ==, 1);
  info = g_ptr_array_index (runs, 2);
  g_assert_cmpint (info->status, ==, boot_id != NULL ? CR_RUN_INTERRUPTED : CR_RUN_RUNNING);
  info = g_ptr_array_index (runs, 3);
  g_assert_cmpint (info->status, ==, CR_RUN_INTERRUPTED);
  info = g_ptr_array_index (runs, 4);
  g_assert_cmpint (info->id, ==, reused);
  g_assert_cmpint (info->status, ==, have_start_times ? CR_RUN_INTERRUPTED : CR_RUN_RUNNING);
}

static void
test_summary (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrProject) project = cr_project_create (fixture->path, &error);
  g_assert_no_error (error);
  gint64 id = store_synthetic_run (project, 0);
  g_assert_null (cr_project_load_summary (project, id, &error));
  g_assert_error (error, CR_STORE_ERROR, CR_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (cr_project_save_summary (project, id, "{\"mu\": {\"mean\": 0.1}}", &error));
  g_assert_true (cr_project_save_summary (project, id, "{\"mu\": {\"mean\": 0.2}}", &error));
  g_assert_no_error (error);
  g_autofree char *summary = cr_project_load_summary (project, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (summary, ==, "{\"mu\": {\"mean\": 0.2}}");
  g_assert_false (cr_project_save_summary (project, id, "{\"mu\": ", &error));
  g_assert_error (error, CR_STORE_ERROR, CR_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (cr_project_save_summary (project, id + 1, "{}", &error));
  g_assert_error (error, CR_STORE_ERROR, CR_STORE_ERROR_NOT_FOUND);
}

static void
test_migrates_v1 (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *fixture_path = g_test_build_filename (G_TEST_DIST, "data", "store",
                                                         "v1-schools.credence", NULL);
  g_autofree char *bytes = NULL;
  gsize n = 0;
  g_assert_true (g_file_get_contents (fixture_path, &bytes, &n, &error));
  g_assert_true (g_file_set_contents (fixture->path, bytes, (gssize) n, &error));

  {
    g_autoptr (CrProject) project = cr_project_open (fixture->path, &error);
    g_assert_no_error (error);
    g_autoptr (GPtrArray) datasets = cr_project_list_datasets (project, &error);
    g_assert_cmpuint (datasets->len, ==, 1);
    g_assert_cmpstr (((CrDatasetInfo *) g_ptr_array_index (datasets, 0))->name, ==, "schools");
    g_autoptr (GPtrArray) models = cr_project_list_models (project, &error);
    g_assert_cmpuint (models->len, ==, 1);
    const CrModelInfo *model = g_ptr_array_index (models, 0);
    g_assert_cmpstr (model->name, ==, "schools");
    /* The migrated file takes runs of its model. */
    gint64 id = store_synthetic_run (project, model->id);
    g_autoptr (CrRun) run = cr_project_load_run (project, id, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (run->model_name, ==, "schools");
  }
  sqlite3 *db = raw_open (fixture->path);
  sqlite3_stmt *stmt = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, CR_STORE_SCHEMA_VERSION);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  g_assert_cmpint (CR_STORE_SCHEMA_VERSION, ==, 3);
}

static void
test_refuses_damaged_run (Fixture *fixture, gconstpointer data)
{
  static const struct
  {
    const char *sql;
    const char *part;
  } cases[] = {
    { "UPDATE runs SET layout = '{\"variables\": 3}'", "layout" },
    { "UPDATE runs SET layout = replace (layout, '\"offset\":4', '\"offset\":5')", "layout" },
    { "UPDATE runs SET layout = replace (layout, '\"stats\":[\"lp\"', '\"stats\":[\"energy\"')",
      "layout" },
    { "UPDATE runs SET settings = '[1, 2]'", "settings" },
    { "UPDATE draws SET \"values\" = zeroblob (8) WHERE chain = 1 AND first_draw = 2", "wrong size" },
    { "UPDATE draws SET first_draw = 9 WHERE chain = 1 AND first_draw = 2", "gap" },
    { "UPDATE draws SET chain = 7 WHERE chain = 1 AND first_draw = 2", "chain" },
    { "UPDATE draws SET warmup = 1 WHERE chain = 1 AND first_draw = 3", "warmup" },
    { "UPDATE runs SET draws = 2", "more draws" },
    { "UPDATE run_adaptation SET dim = 5 WHERE chain = 0", "adaptation" },
  };
  gint64 id;
  {
    g_autoptr (CrProject) project = cr_project_create (fixture->path, NULL);
    id = store_synthetic_run (project, 0);
  }
  for (size_t k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      g_test_message ("damage: %s", cases[k].sql);
      sqlite3 *db = raw_open (fixture->path);
      /* Damage that passes the integrity check on open (which catches a broken CHECK, such
       * as an unknown status) but not the load's checks of the run's contents. */
      raw_exec (db, "PRAGMA ignore_check_constraints = ON");
      raw_exec (db, "BEGIN");
      raw_exec (db, cases[k].sql);
      raw_exec (db, "COMMIT");
      {
        g_autoptr (GError) error = NULL;
        g_autoptr (CrProject) project = cr_project_open (fixture->path, &error);
        g_assert_no_error (error);
        g_assert_null (cr_project_load_run (project, id, &error));
        g_assert_error (error, CR_STORE_ERROR, CR_STORE_ERROR_INVALID);
        g_assert_nonnull (strstr (error->message, cases[k].part));
      }
      /* Undo it for the next case by storing the run afresh under the same id. */
      raw_exec (db, "PRAGMA foreign_keys = ON");
      raw_exec (db, "DELETE FROM runs");
      sqlite3_close (db);
      g_autoptr (CrProject) project = cr_project_open (fixture->path, NULL);
      id = store_synthetic_run (project, 0);
    }
}

static void
test_refuses_truncated (Fixture *fixture, gconstpointer data)
{
  {
    g_autoptr (CrProject) project = cr_project_create (fixture->path, NULL);
    /* Enough runs to fill many pages, so the cut lands inside the draws. */
    for (int k = 0; k < 40; k++)
      store_synthetic_run (project, 0);
  }
  g_autofree char *bytes = NULL;
  gsize n = 0;
  g_assert_true (g_file_get_contents (fixture->path, &bytes, &n, NULL));
  g_assert_cmpuint (n, >, 16 * 4096);
  g_assert_true (g_file_set_contents (fixture->path, bytes, (gssize) (n / 2), NULL));
  assert_refused_untouched (fixture->path, CR_STORE_ERROR_CORRUPT, "damaged");
}

/* ------------------------------------------------------------------------------------------ */
/* Export */

/* The value index of each CmdStan column after the statistics: L is written column-major. */
static const size_t cmdstan_order[N_VALUES] = { 0, 1, 2, 3, 4, 7, 5, 8, 6, 9 };

typedef struct
{
  GPtrArray *comments; /* (element-type utf8) the '#' lines */
  char *header;
  GPtrArray *rows; /* (element-type utf8) */
} CsvFile;

static void
csv_file_clear (CsvFile *file)
{
  g_clear_pointer (&file->comments, g_ptr_array_unref);
  g_clear_pointer (&file->rows, g_ptr_array_unref);
  g_clear_pointer (&file->header, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CsvFile, csv_file_clear)

static void
read_csv_file (const char *path, CsvFile *file)
{
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (text, "\n"));
  file->comments = g_ptr_array_new_with_free_func (g_free);
  file->rows = g_ptr_array_new_with_free_func (g_free);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (size_t k = 0; lines[k] != NULL && lines[k + 1] != NULL; k++)
    if (lines[k][0] == '#')
      g_ptr_array_add (file->comments, g_strdup (lines[k]));
    else if (file->header == NULL)
      file->header = g_strdup (lines[k]);
    else
      g_ptr_array_add (file->rows, g_strdup (lines[k]));
}

static gboolean
has_comment (const CsvFile *file, const char *line)
{
  for (guint k = 0; k < file->comments->len; k++)
    if (strcmp (g_ptr_array_index (file->comments, k), line) == 0)
      return TRUE;
  return FALSE;
}

/* The position of @line among the comments, or -1. */
static int
comment_index (const CsvFile *file, const char *line)
{
  for (guint k = 0; k < file->comments->len; k++)
    if (strcmp (g_ptr_array_index (file->comments, k), line) == 0)
      return (int) k;
  return -1;
}

/* Checks one chain's CmdStan file: the configuration, header, adaptation, each row's numbers
 * read back exactly, and the timings. */
static void
assert_cmdstan_chain (const char *path, size_t chain, size_t n_draws)
{
  g_auto (CsvFile) file = { 0 };
  read_csv_file (path, &file);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (file.comments, 0), "# Written by Credence"));
  g_assert_true (has_comment (&file, "# model = my_model"));
  g_autofree char *num_samples = g_strdup_printf ("#     num_samples = %zu", n_draws);
  g_assert_true (has_comment (&file, num_samples));
  g_assert_true (has_comment (&file, "#     num_warmup = 2"));
  g_assert_true (has_comment (&file, "#     save_warmup = 0"));
  g_assert_true (has_comment (&file, "#     thin = 1"));
  g_assert_true (has_comment (&file, "#       delta = 0.8"));
  g_assert_true (has_comment (&file, "#             max_depth = 10"));
  g_assert_true (has_comment (&file, "#     algorithm = hmc"));
  g_assert_true (has_comment (&file, "#         engine = nuts"));
  g_assert_true (has_comment (&file, "#         metric = diag_e"));
  g_autofree char *id = g_strdup_printf ("# id = %zu", chain + 1);
  g_assert_true (has_comment (&file, id));
  g_assert_true (has_comment (&file, "#   seed = 18446744073709551557"));

  g_assert_cmpstr (file.header, ==,
                   "lp__,accept_stat__,stepsize__,treedepth__,n_leapfrog__,divergent__,energy__,"
                   "mu,theta.1,theta.2,theta.3,L.1.1,L.2.1,L.1.2,L.2.2,L.1.3,L.2.3");
  int adapted = comment_index (&file, "# Adaptation terminated");
  g_assert_cmpint (adapted, >, 0);
  if (chain < 2)
    {
      g_autofree char *step = g_strdup_printf ("# Step size = %g", 0.25 + (double) chain);
      g_assert_cmpstr (g_ptr_array_index (file.comments, adapted + 1), ==, step);
      g_assert_cmpstr (g_ptr_array_index (file.comments, adapted + 2), ==,
                       "# Diagonal elements of inverse mass matrix:");
      g_assert_cmpstr (g_ptr_array_index (file.comments, adapted + 3), ==,
                       chain == 0 ? "# 1, 2, 3, 0.5" : "# 2, 4, 6, 0.5");
    }
  else
    {
      /* No stored adaptation: the step size the kept draws were taken with, and no metric. */
      g_assert_cmpstr (g_ptr_array_index (file.comments, adapted + 1), ==, "# Step size = 2.25");
      g_assert_false (has_comment (&file, "# Diagonal elements of inverse mass matrix:"));
    }
  g_assert_true (has_comment (&file, "#  Elapsed Time: 1.250000 seconds (Warm-up)"));
  g_assert_true (has_comment (&file, "#                3.500000 seconds (Sampling)"));
  g_assert_true (has_comment (&file, "#                4.750000 seconds (Total)"));

  g_assert_cmpuint (file.rows->len, ==, n_draws);
  if (chain == 0)
    /* Worked by hand: 3 * 0.1 is 0.30000000000000004 in binary, and 17 digits say so. */
    g_assert_cmpstr (g_ptr_array_index (file.rows, 0), ==,
                     "-0.5,0.9,0.25,3,7,0,10,0,0.1,0.2,0.30000000000000004,0.4,"
                     "0.7000000000000001,0.5,0.8,0.6000000000000001,0.9");
  for (size_t i = 0; i < n_draws; i++)
    {
      g_auto (GStrv) fields = g_strsplit (g_ptr_array_index (file.rows, i), ",", -1);
      g_assert_cmpuint (g_strv_length (fields), ==, CR_RUN_N_NUTS_STATS + N_VALUES);
      double stats[CR_RUN_N_NUTS_STATS];
      synthetic_stats (chain, FALSE, i, stats);
      static const int stat_order[] = { CR_RUN_STAT_LP, CR_RUN_STAT_ACCEPT_STAT, CR_RUN_STAT_STEP_SIZE,
                                        CR_RUN_STAT_TREE_DEPTH, CR_RUN_STAT_N_LEAPFROG,
                                        CR_RUN_STAT_DIVERGENT, CR_RUN_STAT_ENERGY };
      for (size_t k = 0; k < CR_RUN_N_NUTS_STATS; k++)
        g_assert_cmpfloat (g_ascii_strtod (fields[k], NULL), ==, stats[stat_order[k]]);
      for (size_t k = 0; k < N_VALUES; k++)
        g_assert_cmpfloat (g_ascii_strtod (fields[CR_RUN_N_NUTS_STATS + k], NULL), ==,
                           synthetic_value (chain, FALSE, i, cmdstan_order[k]));
    }
}

static CrRun *
load_exportable_run (Fixture *fixture, gboolean ragged)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrProject) project = cr_project_create (fixture->path, &error);
  g_assert_no_error (error);
  gint64 model_id = cr_project_save_model (project, "my model", "mu ~ Normal(0, 1)\n", 0, &error);
  g_assert_no_error (error);
  gint64 id = store_synthetic_run (project, model_id);
  if (ragged)
    id = store_ragged_run (project);
  CrRun *run = cr_project_load_run (project, id, &error);
  g_assert_no_error (error);
  return run;
}

static void
test_export_cmdstan (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrRun) run = load_exportable_run (fixture, FALSE);

  /* A directory, created when missing: output_1.csv... */
  g_autofree char *dir = g_build_filename (fixture->dir, "cmdstan", NULL);
  g_auto (GStrv) paths = cr_run_export_cmdstan (run, dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (paths), ==, N_CHAINS);
  for (size_t c = 0; c < N_CHAINS; c++)
    {
      g_autofree char *name = g_strdup_printf ("output_%zu.csv", c + 1);
      g_autofree char *expected = g_build_filename (dir, name, NULL);
      g_assert_cmpstr (paths[c], ==, expected);
      assert_cmdstan_chain (paths[c], c, DRAWS);
    }

  /* NAME.csv: NAME_1.csv... beside it; exporting again replaces the files. */
  g_autofree char *stem = g_build_filename (fixture->dir, "fit.csv", NULL);
  for (int again = 0; again < 2; again++)
    {
      g_auto (GStrv) stem_paths = cr_run_export_cmdstan (run, stem, &error);
      g_assert_no_error (error);
      g_autofree char *second = g_build_filename (fixture->dir, "fit_2.csv", NULL);
      g_assert_cmpstr (stem_paths[1], ==, second);
      assert_cmdstan_chain (stem_paths[1], 1, DRAWS);
    }
  g_assert_false (g_file_test (stem, G_FILE_TEST_EXISTS));

  /* A regular file where a directory should be is refused, not replaced. */
  g_autofree char *file = g_build_filename (fixture->dir, "plain", NULL);
  g_assert_true (g_file_set_contents (file, "keep", -1, NULL));
  g_assert_null (cr_run_export_cmdstan (run, file, &error));
  g_assert_error (error, CR_STORE_ERROR, CR_STORE_ERROR_IO);
  g_clear_error (&error);

  /* Clean up the directory the fixture does not know about. */
  for (size_t c = 0; paths[c] != NULL; c++)
    g_unlink (paths[c]);
  g_rmdir (dir);
}

static void
test_export_ragged (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrRun) run = load_exportable_run (fixture, TRUE);
  g_autofree char *stem = g_build_filename (fixture->dir, "ragged.csv", NULL);
  g_auto (GStrv) paths = cr_run_export_cmdstan (run, stem, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (paths), ==, N_CHAINS);
  /* Only the one draw every chain has, so readers see chains of equal length. */
  for (size_t c = 0; c < N_CHAINS; c++)
    {
      g_auto (CsvFile) file = { 0 };
      read_csv_file (paths[c], &file);
      g_assert_cmpuint (file.rows->len, ==, 1);
      g_assert_true (has_comment (&file, "#     num_samples = 1"));
      /* No timings were recorded: no elapsed-time block. */
      for (guint k = 0; k < file.comments->len; k++)
        g_assert_null (strstr (g_ptr_array_index (file.comments, k), "Elapsed"));
    }

  /* The wide file keeps every draw: 4 + 3 + 1. */
  g_autofree char *wide = g_build_filename (fixture->dir, "wide.csv", NULL);
  g_assert_true (cr_run_export_wide (run, wide, &error));
  g_assert_no_error (error);
  g_auto (CsvFile) file = { 0 };
  read_csv_file (wide, &file);
  g_assert_cmpuint (file.rows->len, ==, 8);
  g_assert_cmpstr (g_ptr_array_index (file.rows, 7), ==,
                   "2,0,200,200.1,200.2,200.3,200.4,200.5,200.6,200.7,200.8,200.9");
}

static void
test_export_wide (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrRun) run = load_exportable_run (fixture, FALSE);
  g_autofree char *path = g_build_filename (fixture->dir, "draws.csv", NULL);
  g_assert_true (cr_run_export_wide (run, path, &error));
  g_assert_no_error (error);
  g_auto (CsvFile) file = { 0 };
  read_csv_file (path, &file);
  g_assert_cmpuint (file.comments->len, ==, 0);
  g_assert_cmpstr (file.header, ==,
                   "chain,draw,mu,theta[0],theta[1],theta[2],\"L[0,0]\",\"L[0,1]\",\"L[0,2]\","
                   "\"L[1,0]\",\"L[1,1]\",\"L[1,2]\"");
  g_assert_cmpuint (file.rows->len, ==, N_CHAINS * DRAWS);
  /* Row-major, as Credence shows it: L[1,0] is value 7. */
  g_assert_cmpstr (g_ptr_array_index (file.rows, 5), ==,
                   "1,1,101.5,101.6,101.7,101.8,101.9,102,102.1,102.2,102.3,102.4");
  for (size_t c = 0; c < N_CHAINS; c++)
    for (size_t i = 0; i < DRAWS; i++)
      {
        g_auto (GStrv) fields = g_strsplit (g_ptr_array_index (file.rows, c * DRAWS + i), ",", -1);
        g_assert_cmpuint (g_strv_length (fields), ==, 2 + N_VALUES);
        g_assert_cmpuint (g_ascii_strtoull (fields[0], NULL, 10), ==, c);
        g_assert_cmpuint (g_ascii_strtoull (fields[1], NULL, 10), ==, i);
        for (size_t j = 0; j < N_VALUES; j++)
          g_assert_cmpfloat (g_ascii_strtod (fields[2 + j], NULL), ==, synthetic_value (c, FALSE, i, j));
      }
}

static void
test_export_no_draws (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrProject) project = cr_project_create (fixture->path, &error);
  g_assert_no_error (error);
  gint64 id = begin_synthetic_run (project, 0, 1);
  {
    g_autoptr (CrRunWriter) writer = cr_run_writer_new (project, id, &error);
    append_synthetic (writer, TRUE, 0, TUNE, N_CHAINS);
    g_assert_true (cr_run_writer_finish (writer, CR_RUN_FAILED, NULL, &error));
    g_assert_no_error (error);
  }
  g_autoptr (CrRun) run = cr_project_load_run (project, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run->status, ==, CR_RUN_FAILED);
  g_assert_cmpuint (run->stored_warmup, ==, TUNE);
  g_autofree char *dir = g_build_filename (fixture->dir, "out", NULL);
  g_assert_null (cr_run_export_cmdstan (run, dir, &error));
  g_assert_error (error, CR_STORE_ERROR, CR_STORE_ERROR_NO_DRAWS);
  g_assert_nonnull (strstr (error->message, "failed"));
  g_clear_error (&error);
  g_assert_false (cr_run_export_wide (run, dir, &error));
  g_assert_error (error, CR_STORE_ERROR, CR_STORE_ERROR_NO_DRAWS);
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
}

/* Runs Rscript with @args; FALSE (and the test skipped) where R or rstan is missing. */
static gboolean
have_rstan (void)
{
  g_autofree char *rscript = g_find_program_in_path ("Rscript");
  if (rscript == NULL)
    {
      g_test_skip ("Rscript is not installed; apt-get install r-base-core r-cran-rstan to check "
                   "that rstan reads the CmdStan export");
      return FALSE;
    }
  const char *argv[] = { rscript, "-e",
                         "quit (status = if (requireNamespace ('rstan', quietly = TRUE)) 0 else 3)",
                         NULL };
  int wait_status = 0;
  g_autoptr (GError) error = NULL;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, NULL, NULL, &wait_status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (wait_status, NULL))
    {
      g_test_skip ("R's rstan package is not installed; apt-get install r-cran-rstan to check "
                   "that rstan reads the CmdStan export");
      return FALSE;
    }
  return TRUE;
}

static void
test_export_read_by_rstan (Fixture *fixture, gconstpointer data)
{
  if (!have_rstan ())
    return;
  g_autoptr (GError) error = NULL;
  g_autoptr (CrRun) run = load_exportable_run (fixture, FALSE);
  g_auto (GStrv) paths = cr_run_export_cmdstan (run, fixture->dir, &error);
  g_assert_no_error (error);

  /* L[2,1] in rstan's 1-based names is L[1,0] in Credence's, value 7 of every draw: rstan puts
   * it there only if the columns are in CmdStan's column-major order. */
  g_autoptr (GString) l21 = g_string_new (NULL);
  for (size_t c = 0; c < N_CHAINS; c++)
    for (size_t i = 0; i < DRAWS; i++)
      g_string_append_printf (l21, "%s%.17g", l21->len > 0 ? ", " : "", synthetic_value (c, FALSE, i, 7));
  g_autofree char *script = g_strdup_printf (
      "suppressPackageStartupMessages (library (rstan))\n"
      "options (warn = 2)\n" /* a reader's warning about the layout fails the test */
      "files <- commandArgs (trailingOnly = TRUE)\n"
      "fit <- read_stan_csv (files)\n"
      "near <- function (x, y) all (abs (x - y) <= %.17g * pmax (1, abs (y)))\n"
      "a <- as.array (fit)\n"
      "stopifnot (identical (dim (a), c (4L, 3L, 11L)))\n"
      "stopifnot (identical (dimnames (a)$parameters, c ('mu', 'theta[1]', 'theta[2]', "
      "  'theta[3]', 'L[1,1]', 'L[2,1]', 'L[1,2]', 'L[2,2]', 'L[1,3]', 'L[2,3]', 'lp__')))\n"
      "stopifnot (near (a[3, 2, 'L[2,1]'], %.17g), near (a[4, 3, 'theta[2]'], %.17g))\n"
      "stopifnot (near (a[1, 1, 'lp__'], -0.5))\n"
      "L <- extract (fit, pars = 'L')$L\n"
      "stopifnot (identical (dim (L), c (12L, 2L, 3L)), near (sort (L[, 2, 1]), sort (c (%s))))\n"
      "sp <- get_sampler_params (fit, inc_warmup = FALSE)\n"
      "stopifnot (length (sp) == 3, sp[[2]][3, 'divergent__'] == 1, "
      "  sp[[1]][1, 'treedepth__'] == 3, sp[[3]][1, 'stepsize__'] == 2.25)\n"
      "stopifnot (fit@sim$iter == 6, fit@sim$warmup == 2, fit@sim$chains == 3)\n"
      "stopifnot (near (get_elapsed_time (fit)[1, ], c (1.25, 3.5)))\n",
      CR_TOL_R_PARSE, synthetic_value (1, FALSE, 2, 7), synthetic_value (2, FALSE, 3, 2), l21->str);
  g_autofree char *script_path = g_build_filename (fixture->dir, "read.R", NULL);
  g_assert_true (g_file_set_contents (script_path, script, -1, NULL));

  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, "Rscript");
  g_ptr_array_add (argv, script_path);
  for (size_t c = 0; paths[c] != NULL; c++)
    g_ptr_array_add (argv, paths[c]);
  g_ptr_array_add (argv, NULL);
  g_autofree char *out = NULL, *err = NULL;
  int wait_status = 0;
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               &out, &err, &wait_status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (wait_status, NULL))
    g_error ("rstan could not read the export:\n%s%s", out, err);
}

int
main (int argc, char **argv)
{
  gsl_set_error_handler_off ();
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/store/round-trip", test_round_trip);
  ADD ("/store/missing-ids", test_missing_ids);
  ADD ("/store/replace-dataset", test_replace_dataset);
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
  ADD ("/store/open/refuses-truncated", test_refuses_truncated);
  ADD ("/store/open/migrates-v1", test_migrates_v1);
  ADD ("/store/runs/round-trip", test_run_round_trip);
  ADD ("/store/runs/latest-and-missing", test_run_latest_and_missing);
  ADD ("/store/runs/ragged-and-list", test_run_ragged_and_list);
  ADD ("/store/runs/flush-is-atomic", test_flush_is_atomic);
  ADD ("/store/runs/recovers-dead-writer", test_recovers_dead_writer);
  ADD ("/store/runs/refuses-damaged", test_refuses_damaged_run);
  ADD ("/store/runs/summary", test_summary);
  ADD ("/store/export/cmdstan", test_export_cmdstan);
  ADD ("/store/export/ragged", test_export_ragged);
  ADD ("/store/export/wide", test_export_wide);
  ADD ("/store/export/no-draws", test_export_no_draws);
  ADD ("/store/export/read-by-rstan", test_export_read_by_rstan);
#undef ADD

  return g_test_run ();
}
