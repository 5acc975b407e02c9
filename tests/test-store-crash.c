/* test-store-crash.c: the project file against other processes: a writer killed with SIGKILL
 * in the middle of a run, and two processes writing to one project at the same time. The
 * processes are store-helper (store-helper.c), built beside this test. */
#include "store/store.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gsl/gsl_errno.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

/* The helper's draws: keep in step with write_value () in store-helper.c. */
static double
write_value (size_t chain, size_t i, size_t j)
{
  return (double) chain * 1e6 + (double) i + (double) j / 1024.0;
}

typedef struct
{
  char *dir;
  char *path;
  char *helper;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  fixture->dir = g_dir_make_tmp ("credence-store-crash-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "project.credence", NULL);
  fixture->helper = g_test_build_filename (G_TEST_BUILT, "store-helper", NULL);
  g_assert_true (g_file_test (fixture->helper, G_FILE_TEST_IS_EXECUTABLE));
  cr_project_close (cr_project_create (fixture->path, &error));
  g_assert_no_error (error);
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
  g_free (fixture->helper);
}

static GPid
spawn_helper (const char *const *argv, int *stdout_fd)
{
  g_autoptr (GError) error = NULL;
  GPid pid = 0;
  g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                           NULL, NULL, &pid, NULL, stdout_fd, NULL, &error));
  g_assert_no_error (error);
  return pid;
}

/* Runs a writer that flushes @batch draws of @n_values values per chain at a time, waits for
 * its @n_flushes-th report and then @extra_ms more, and kills it with SIGKILL.
 * Returns: the draws per chain it last reported as flushed. */
static size_t
kill_mid_run (const Fixture *fixture, guint n_flushes, guint extra_ms, size_t n_values, size_t batch)
{
  g_autofree char *values_arg = g_strdup_printf ("%zu", n_values);
  g_autofree char *batch_arg = g_strdup_printf ("%zu", batch);
  const char *argv[] = { fixture->helper, "write", fixture->path, values_arg, batch_arg, NULL };
  int stdout_fd = -1;
  GPid pid = spawn_helper (argv, &stdout_fd);
  FILE *out = fdopen (stdout_fd, "r");
  g_assert_nonnull (out);

  size_t flushed = 0;
  char line[64];
  for (guint k = 0; k < n_flushes; k++)
    {
      if (fgets (line, sizeof line, out) == NULL)
        g_error ("the writer stopped before its flush %u", k + 1);
      g_assert_true (g_str_has_prefix (line, "flushed "));
      flushed = (size_t) g_ascii_strtoull (line + strlen ("flushed "), NULL, 10);
    }
  g_usleep (extra_ms * 1000);
  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
  /* Reap it: until then a killed process is a zombie, and a zombie's pid is still alive. */
  int wait_status = 0;
  g_assert_cmpint (waitpid (pid, &wait_status, 0), ==, pid);
  g_assert_true (WIFSIGNALED (wait_status));
  g_assert_cmpint (WTERMSIG (wait_status), ==, SIGKILL);
  g_spawn_close_pid (pid);
  fclose (out);
  return flushed;
}

static void
assert_integrity (const char *path)
{
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_stmt *stmt = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

static void
test_killed_writer (Fixture *fixture, gconstpointer data)
{
  /* Where the kill lands: right after a flush's report, and a few milliseconds later, when
   * the writer is appending or inside the next flush's transaction. 1000 values per draw
   * make each flush of 2 x 60 draws about 1 MB, so a flush takes long enough to be hit:
   * reading the WAL after such kills showed an uncommitted tail about one time in three, so
   * eight kills all miss a transaction about one run in 25. */
  static const struct
  {
    guint n_flushes;
    guint extra_ms;
  } kills[] = { { 1, 0 }, { 3, 2 }, { 4, 5 }, { 6, 1 }, { 2, 9 }, { 5, 3 }, { 2, 4 }, { 3, 7 } };
  const size_t n_values = 1000, batch = 60;

  for (size_t k = 0; k < G_N_ELEMENTS (kills); k++)
    {
      size_t flushed = kill_mid_run (fixture, kills[k].n_flushes, kills[k].extra_ms, n_values, batch);
      g_assert_cmpuint (flushed, ==, kills[k].n_flushes * batch);

      /* The file opens; the run is interrupted and holds every flushed draw, whole batches. */
      g_autoptr (GError) error = NULL;
      g_autoptr (CrProject) project = cr_project_open (fixture->path, &error);
      g_assert_no_error (error);
      g_autoptr (CrRun) run = cr_project_load_run (project, 0, &error);
      g_assert_no_error (error);
      g_assert_cmpint (run->id, ==, (gint64) k + 1);
      g_assert_cmpint (run->status, ==, CR_RUN_INTERRUPTED);
      g_assert_null (run->finished);
      size_t stored = run->chain_warmup[0] + run->chain_draws[0];
      g_test_message ("kill %zu: %zu draws per chain reported flushed, %zu stored", k, flushed, stored);
      g_assert_cmpuint (stored, >=, flushed);
      g_assert_cmpuint (stored % batch, ==, 0);
      g_assert_cmpuint (run->chain_warmup[1], ==, run->chain_warmup[0]);
      g_assert_cmpuint (run->chain_draws[1], ==, run->chain_draws[0]);
      g_assert_cmpuint (run->chain_warmup[0], ==, MIN (stored, run->tune));
      for (size_t c = 0; c < 2; c++)
        for (size_t i = 0; i < stored; i++)
          {
            gboolean warmup = i < run->chain_warmup[c];
            const double *draw = warmup ? run->warmup_values + (c * run->stored_warmup + i) * n_values
                                        : run->values + (c * run->stored_draws + i - run->chain_warmup[c]) * n_values;
            for (size_t j = 0; j < n_values; j++)
              if (draw[j] != write_value (c, i, j))
                g_error ("run %zu, chain %zu, draw %zu, value %zu: %.17g, expected %.17g", k + 1, c,
                         i, j, draw[j], write_value (c, i, j));
          }
    }

  assert_integrity (fixture->path);
  g_autoptr (GError) error = NULL;
  g_autoptr (CrProject) project = cr_project_open (fixture->path, &error);
  g_assert_no_error (error);
  g_autoptr (GPtrArray) runs = cr_project_list_runs (project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, G_N_ELEMENTS (kills));
  for (guint k = 0; k < runs->len; k++)
    g_assert_cmpint (((CrRunInfo *) g_ptr_array_index (runs, k))->status, ==, CR_RUN_INTERRUPTED);
}

static void
test_two_writers (Fixture *fixture, gconstpointer data)
{
  const int n = 25;
  g_autofree char *n_arg = g_strdup_printf ("%d", n);
  const char *argv_a[] = { fixture->helper, "hammer", fixture->path, "a", n_arg, NULL };
  const char *argv_b[] = { fixture->helper, "hammer", fixture->path, "b", n_arg, NULL };
  GPid a = spawn_helper (argv_a, NULL), b = spawn_helper (argv_b, NULL);
  int status_a = 0, status_b = 0;
  g_assert_cmpint (waitpid (a, &status_a, 0), ==, a);
  g_assert_cmpint (waitpid (b, &status_b, 0), ==, b);
  g_spawn_close_pid (a);
  g_spawn_close_pid (b);
  g_assert_true (WIFEXITED (status_a) && WEXITSTATUS (status_a) == 0);
  g_assert_true (WIFEXITED (status_b) && WEXITSTATUS (status_b) == 0);

  assert_integrity (fixture->path);
  g_autoptr (GError) error = NULL;
  g_autoptr (CrProject) project = cr_project_open (fixture->path, &error);
  g_assert_no_error (error);
  g_autoptr (GPtrArray) datasets = cr_project_list_datasets (project, &error);
  g_autoptr (GPtrArray) models = cr_project_list_models (project, &error);
  g_autoptr (GPtrArray) runs = cr_project_list_runs (project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (datasets->len, ==, 2 * n);
  g_assert_cmpuint (models->len, ==, 2 * n);
  g_assert_cmpuint (runs->len, ==, 2 * n);
  for (guint k = 0; k < runs->len; k++)
    {
      const CrRunInfo *info = g_ptr_array_index (runs, k);
      g_assert_cmpint (info->status, ==, CR_RUN_COMPLETE);
      g_assert_cmpuint (info->stored_draws, ==, 20);
      g_assert_nonnull (info->model_name);
    }
}

int
main (int argc, char **argv)
{
  gsl_set_error_handler_off ();
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/store-crash/killed-writer", test_killed_writer);
  ADD ("/store-crash/two-writers", test_two_writers);
#undef ADD

  return g_test_run ();
}
