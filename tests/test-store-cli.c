/* test-store-cli.c: `credence-cli runs` and `credence-cli export` (app/cli-runs.c), run as a
 * script runs them: arguments, output, files and exit status. The commands run inside
 * store-helper, which links app/cli-runs.c until credence-cli has them. */
#include "store/store.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gsl/gsl_errno.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/wait.h>

typedef struct
{
  char *dir;
  char *path;
  char *helper;
  gint64 complete;
  gint64 warmup_only;
} Fixture;

typedef struct
{
  int status;
  char *out;
  char *err;
} Result;

static void
result_clear (Result *result)
{
  g_free (result->out);
  g_free (result->err);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Result, result_clear)

static const CrRunVariable variables[] = {
  { "mu", 0, { 0 }, 0 },
  { "beta", 1, { 2 }, 1 },
};

/* A run of 2 chains, 1 warmup and 3 kept draws: beta[1] of draw i of chain c is 10c + i. */
static gint64
store_run (CrProject *project, gint64 model_id, size_t kept)
{
  g_autoptr (GError) error = NULL;
  CrRunSpec spec = {
    .model_id = model_id,
    .model_text = "mu ~ Normal(0, 1)\n",
    .seed = 42,
    .n_chains = 2,
    .tune = 1,
    .draws = 3,
    .variables = variables,
    .n_variables = G_N_ELEMENTS (variables),
  };
  gint64 id = cr_project_begin_run (project, &spec, &error);
  g_assert_no_error (error);
  g_autoptr (CrRunWriter) writer = cr_run_writer_new (project, id, &error);
  g_assert_no_error (error);
  double stats[CR_RUN_N_NUTS_STATS] = { -1, 0.9, 0.5, 2, 3, 0, 4 };
  for (guint c = 0; c < 2; c++)
    for (size_t i = 0; i < 1 + kept; i++)
      {
        double values[3] = { 0.5, (double) i, 10.0 * c + (double) i };
        cr_run_writer_append (writer, c, i == 0, values, stats);
      }
  CrRunTimings timings = { 0.5, 2.0 };
  g_assert_true (cr_run_writer_finish (writer, kept == 3 ? CR_RUN_COMPLETE : CR_RUN_FAILED,
                                       &timings, &error));
  g_assert_no_error (error);
  return id;
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  fixture->dir = g_dir_make_tmp ("credence-store-cli-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "project.credence", NULL);
  fixture->helper = g_test_build_filename (G_TEST_BUILT, "store-helper", NULL);
  g_autoptr (CrProject) project = cr_project_create (fixture->path, &error);
  g_assert_no_error (error);
  gint64 model_id = cr_project_save_model (project, "regression", "mu ~ Normal(0, 1)\n", 0, &error);
  g_assert_no_error (error);
  fixture->complete = store_run (project, model_id, 3);
  fixture->warmup_only = store_run (project, 0, 0);
}

static void
remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  remove_tree (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->dir);
  g_free (fixture->helper);
}

/* Runs the helper's command with the NULL-terminated arguments in the C locale. */
static void
run (Result *result, const Fixture *fixture, const char *first, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, fixture->helper);
  va_list args;
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_auto (GStrv) env = g_get_environ ();
  env = g_environ_setenv (env, "LC_ALL", "C.UTF-8", TRUE);
  env = g_environ_unsetenv (env, "LANGUAGE");
  g_autoptr (GError) error = NULL;
  int wait_status = 0;
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, env, G_SPAWN_DEFAULT, NULL, NULL,
                               &result->out, &result->err, &wait_status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  result->status = WEXITSTATUS (wait_status);
}

static void
test_runs_table (Fixture *fixture, gconstpointer data)
{
  g_auto (Result) result = { 0 };
  run (&result, fixture, "runs", fixture->path, NULL);
  g_assert_cmpint (result.status, ==, 0);
  g_assert_cmpstr (result.err, ==, "");
  g_auto (GStrv) lines = g_strsplit (result.out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 4); /* header, 2 runs, and the final "" */
  g_assert_nonnull (strstr (lines[0], "STATUS"));
  g_assert_nonnull (strstr (lines[0], "DRAWS/CHAIN"));
  g_assert_true (g_str_has_prefix (g_strchug (lines[1]), "1  regression"));
  g_assert_nonnull (strstr (lines[1], "complete"));
  g_assert_nonnull (strstr (lines[1], "3/3"));
  g_assert_nonnull (strstr (lines[1], "0.50 s"));
  g_assert_nonnull (strstr (lines[1], "2.00 s"));
  g_assert_nonnull (strstr (lines[2], "failed"));
  g_assert_nonnull (strstr (lines[2], "0/3"));
}

static void
test_runs_json (Fixture *fixture, gconstpointer data)
{
  g_auto (Result) result = { 0 };
  run (&result, fixture, "runs", "--json", fixture->path, NULL);
  g_assert_cmpint (result.status, ==, 0);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) root = json_from_string (result.out, &error);
  g_assert_no_error (error);
  JsonArray *runs = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (runs), ==, 2);
  JsonObject *first = json_array_get_object_element (runs, 0);
  g_assert_cmpint (json_object_get_int_member (first, "id"), ==, fixture->complete);
  g_assert_cmpstr (json_object_get_string_member (first, "model"), ==, "regression");
  g_assert_cmpstr (json_object_get_string_member (first, "status"), ==, "complete");
  g_assert_cmpint (json_object_get_int_member (first, "chains"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (first, "stored_draws"), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (first, "seed"), ==, "42");
  g_assert_cmpfloat (json_object_get_double_member (first, "sampling_seconds"), ==, 2.0);
  JsonObject *second = json_array_get_object_element (runs, 1);
  g_assert_true (json_object_get_null_member (second, "model"));
}

static void
test_runs_errors (Fixture *fixture, gconstpointer data)
{
  g_autofree char *missing = g_build_filename (fixture->dir, "missing.credence", NULL);
  g_autofree char *text = g_build_filename (fixture->dir, "notes.txt", NULL);
  g_assert_true (g_file_set_contents (text, "not a project\n", -1, NULL));
  {
    g_auto (Result) result = { 0 };
    run (&result, fixture, "runs", NULL);
    g_assert_cmpint (result.status, ==, 64);
  }
  {
    g_auto (Result) result = { 0 };
    run (&result, fixture, "runs", "--bogus", fixture->path, NULL);
    g_assert_cmpint (result.status, ==, 64);
  }
  {
    g_auto (Result) result = { 0 };
    run (&result, fixture, "runs", missing, NULL);
    g_assert_cmpint (result.status, ==, 2);
    g_assert_nonnull (strstr (result.err, "no such file"));
  }
  {
    g_auto (Result) result = { 0 };
    run (&result, fixture, "runs", text, NULL);
    g_assert_cmpint (result.status, ==, 2);
    g_assert_nonnull (strstr (result.err, "not a Credence project"));
  }
}

static void
test_export_cmdstan (Fixture *fixture, gconstpointer data)
{
  g_autofree char *dir = g_build_filename (fixture->dir, "out", NULL);
  g_auto (Result) result = { 0 };
  /* --run left out: the latest run has no kept draws, so name the complete one. */
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, fixture->complete);
  run (&result, fixture, "export", fixture->path, "--run", id, "--format", "cmdstan", "--out", dir, NULL);
  g_assert_cmpint (result.status, ==, 0);
  g_assert_nonnull (strstr (result.out, "output_2.csv"));
  g_autofree char *second = g_build_filename (dir, "output_2.csv", NULL);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (second, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "\nlp__,accept_stat__,stepsize__,treedepth__,n_leapfrog__,"
                                  "divergent__,energy__,mu,beta.1,beta.2\n"));
  /* Chain 2's last kept draw (draw 3 of the chain, after 1 warmup draw). */
  g_assert_nonnull (strstr (text, "\n-1,0.9,0.5,2,3,0,4,0.5,3,13\n"));
}

static void
test_export_wide (Fixture *fixture, gconstpointer data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "draws.csv", NULL);
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, fixture->complete);
  g_auto (Result) result = { 0 };
  run (&result, fixture, "export", fixture->path, "--run", id, "--format", "wide", "--out", path, NULL);
  g_assert_cmpint (result.status, ==, 0);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_cmpstr (text, ==,
                   "chain,draw,mu,beta[0],beta[1]\n"
                   "0,0,0.5,1,1\n0,1,0.5,2,2\n0,2,0.5,3,3\n"
                   "1,0,0.5,1,11\n1,1,0.5,2,12\n1,2,0.5,3,13\n");
}

static void
test_export_errors (Fixture *fixture, gconstpointer data)
{
  g_autofree char *out = g_build_filename (fixture->dir, "x.csv", NULL);
  static const struct
  {
    const char *args[6];
    int status;
    const char *message;
  } cases[] = {
    { { "--format", "wide", NULL }, 64, "--out" },
    { { "--out", "X", NULL }, 64, "--format" },
    { { "--format", "xml", "--out", "X", NULL }, 2, "unknown format" },
    { { "--run", "0", "--format", "wide", "--out", "X" }, 2, "start at 1" },
    { { "--run", "99", "--format", "wide", "--out", "X" }, 2, "no run 99" },
    { { "--run", "two", "--format", "wide", "--out", "X" }, 64, "two" },
    /* The latest run failed in warmup: nothing to export. */
    { { "--format", "cmdstan", "--out", "X", NULL }, 2, "nothing to export" },
    { { "--run", "1", "--format", "wide", "--out", "/proc/credence/x.csv" }, 1, "/proc/credence" },
  };
  for (size_t k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      g_autoptr (GPtrArray) argv = g_ptr_array_new ();
      g_ptr_array_add (argv, fixture->helper);
      g_ptr_array_add (argv, "export");
      g_ptr_array_add (argv, fixture->path);
      for (size_t a = 0; a < G_N_ELEMENTS (cases[k].args) && cases[k].args[a] != NULL; a++)
        g_ptr_array_add (argv, strcmp (cases[k].args[a], "X") == 0 ? out : (char *) cases[k].args[a]);
      g_ptr_array_add (argv, NULL);
      g_autofree char *std_out = NULL, *std_err = NULL;
      int wait_status = 0;
      g_autoptr (GError) error = NULL;
      g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                   &std_out, &std_err, &wait_status, &error));
      g_assert_no_error (error);
      g_test_message ("case %zu: %s", k, std_err);
      g_assert_true (WIFEXITED (wait_status));
      g_assert_cmpint (WEXITSTATUS (wait_status), ==, cases[k].status);
      g_assert_nonnull (strstr (std_err, cases[k].message));
      g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
    }
}

int
main (int argc, char **argv)
{
  gsl_set_error_handler_off ();
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/store-cli/runs/table", test_runs_table);
  ADD ("/store-cli/runs/json", test_runs_json);
  ADD ("/store-cli/runs/errors", test_runs_errors);
  ADD ("/store-cli/export/cmdstan", test_export_cmdstan);
  ADD ("/store-cli/export/wide", test_export_wide);
  ADD ("/store-cli/export/errors", test_export_errors);
#undef ADD

  return g_test_run ();
}
