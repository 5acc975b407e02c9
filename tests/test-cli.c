/* test-cli.c: credence-cli as a script runs it: arguments, output, exit status. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

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

/* Runs credence-cli with the NULL-terminated arguments in the C locale. */
static void
run (Result *result, const char *first, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (char *) g_getenv ("CREDENCE_CLI"));
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

static char *
temp_path (const char *name)
{
  g_autofree char *dir = g_dir_make_tmp ("credence-cli-XXXXXX", NULL);
  g_assert_nonnull (dir);
  return g_build_filename (dir, name, NULL);
}

static void
remove_with_dir (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *command = g_strdup_printf ("rm -rf '%s'", dir);
  g_assert_cmpint (system (command), ==, 0);
}

static void
test_help_lists_commands (void)
{
  g_auto (Result) r = { 0 };
  run (&r, "--help", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "Usage: credence-cli COMMAND"));
  g_assert_nonnull (strstr (r.out, "\n  new "));
  g_assert_nonnull (strstr (r.out, "\n  info "));
  g_assert_nonnull (strstr (r.out, "\n  check "));
  g_assert_nonnull (strstr (r.out, "\n  logp "));
  g_assert_nonnull (strstr (r.out, "\n  sample "));
  g_assert_nonnull (strstr (r.out, "\n  diagnose "));
}

static void
test_version (void)
{
  g_auto (Result) r = { 0 };
  run (&r, "--version", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==, "credence-cli " PACKAGE_VERSION "\n");
}

static void
test_usage_errors (void)
{
  g_auto (Result) none = { 0 }, unknown = { 0 }, bad_option = { 0 };
  run (&none, NULL);
  g_assert_cmpint (none.status, ==, 64);
  run (&unknown, "smaple", NULL);
  g_assert_cmpint (unknown.status, ==, 64);
  g_assert_nonnull (strstr (unknown.err, "unknown command “smaple”"));
  run (&bad_option, "info", "--frobnicate", "x.credence", NULL);
  g_assert_cmpint (bad_option.status, ==, 64);
  g_assert_nonnull (strstr (bad_option.err, "--frobnicate"));
}

static void
test_new_and_info (void)
{
  g_autofree char *csv = g_test_build_filename (G_TEST_DIST, "data", "cli", "schools.csv", NULL);
  g_autofree char *model = g_test_build_filename (G_TEST_DIST, "data", "cli", "schools.crm", NULL);
  g_autofree char *project = temp_path ("schools.credence");

  g_auto (Result) created = { 0 };
  run (&created, "new", project, "--data", csv, "--model", model, NULL);
  g_assert_cmpint (created.status, ==, 0);
  g_assert_nonnull (strstr (created.out, "dataset “schools” (8 rows, 3 columns) and its model"));

  g_auto (Result) text = { 0 };
  run (&text, "info", project, NULL);
  g_assert_cmpint (text.status, ==, 0);
  g_assert_nonnull (strstr (text.out, "schools: 8 rows, 3 columns"));

  g_auto (Result) json = { 0 };
  run (&json, "info", "--json", project, NULL);
  g_assert_cmpint (json.status, ==, 0);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) root = json_from_string (json.out, &error);
  g_assert_no_error (error);
  JsonObject *object = json_node_get_object (root);
  JsonArray *datasets = json_object_get_array_member (object, "datasets");
  g_assert_cmpuint (json_array_get_length (datasets), ==, 1);
  JsonObject *dataset = json_array_get_object_element (datasets, 0);
  g_assert_cmpstr (json_object_get_string_member (dataset, "name"), ==, "schools");
  g_assert_cmpint (json_object_get_int_member (dataset, "rows"), ==, 8);
  g_assert_cmpint (json_object_get_int_member (dataset, "columns"), ==, 3);
  JsonArray *models = json_object_get_array_member (object, "models");
  g_assert_cmpuint (json_array_get_length (models), ==, 1);
  JsonObject *m = json_array_get_object_element (models, 0);
  g_assert_cmpstr (json_object_get_string_member (m, "name"), ==, "schools");
  g_assert_cmpint (json_object_get_int_member (m, "dataset"), ==, json_object_get_int_member (dataset, "id"));

  /* Creating over an existing project is refused, and the project is untouched. */
  g_auto (Result) again = { 0 };
  run (&again, "new", project, "--data", csv, NULL);
  g_assert_cmpint (again.status, ==, 2);
  g_assert_nonnull (strstr (again.err, "exists already"));
  remove_with_dir (project);
}

static void
test_bad_inputs_exit_2 (void)
{
  g_autofree char *ragged = g_test_build_filename (G_TEST_DIST, "data", "cli", "ragged.csv", NULL);
  g_autofree char *project = temp_path ("ragged.credence");
  g_auto (Result) r = { 0 };
  run (&r, "new", project, "--data", ragged, NULL);
  g_assert_cmpint (r.status, ==, 2);
  /* The reader's message names the file, line and column. */
  g_autofree char *where = g_strdup_printf ("%s:3:", ragged);
  g_assert_nonnull (strstr (r.err, where));
  g_assert_false (g_file_test (project, G_FILE_TEST_EXISTS));

  g_autofree char *not_project = temp_path ("notes.credence");
  g_assert_true (g_file_set_contents (not_project, "hello", -1, NULL));
  g_auto (Result) info = { 0 };
  run (&info, "info", not_project, NULL);
  g_assert_cmpint (info.status, ==, 2);
  g_assert_nonnull (strstr (info.err, "not a Credence project"));
  remove_with_dir (project);
  remove_with_dir (not_project);
}

static void
test_check (void)
{
  g_autofree char *coin = g_test_build_filename (G_TEST_DIST, "data", "cli", "coin.crm", NULL);
  g_auto (Result) r = { 0 };
  run (&r, "check", coin, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_regex_match_simple ("^p +free +scalar +\\(0, 1\\) +interval +1$", r.out, G_REGEX_MULTILINE, 0));
  g_assert_true (g_regex_match_simple ("^n_heads +observed +scalar +Binomial", r.out, G_REGEX_MULTILINE, 0));
  g_assert_nonnull (strstr (r.out, "unconstrained dimensions: 1\n"));

  g_autofree char *typo = g_test_build_filename (G_TEST_DIST, "data", "cli", "typo.crm", NULL);
  g_auto (Result) bad = { 0 };
  run (&bad, "check", typo, NULL);
  g_assert_cmpint (bad.status, ==, 2);
  g_autofree char *expected = g_strdup_printf ("%s:2:15: 'sigam' is not defined; did you mean 'sigma'?\n", typo);
  g_assert_cmpstr (bad.err, ==, expected);
}

static void
test_logp (void)
{
  g_autofree char *coin = g_test_build_filename (G_TEST_DIST, "data", "cli", "coin.crm", NULL);
  g_auto (Result) r = { 0 };
  run (&r, "logp", coin, "--at", "p=0.3", "--json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_autoptr (JsonNode) root = json_from_string (r.out, NULL);
  g_assert_nonnull (root);
  JsonObject *object = json_node_get_object (root);
  /* log Beta(0.3 | 2, 2) + log Binomial(15 | 50, 0.3), and its derivative 16/p - 36/(1-p). */
  double expected = log (6 * 0.3 * 0.7) + lgamma (51) - lgamma (16) - lgamma (36) + 15 * log (0.3) + 35 * log (0.7);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (object, "logp"), expected, 1e-12);
  JsonObject *gradient = json_object_get_object_member (object, "gradient");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (gradient, "p"), 16 / 0.3 - 36 / 0.7, 1e-10);

  g_auto (Result) missing = { 0 };
  run (&missing, "logp", coin, "--at", "q=0.3", NULL);
  g_assert_cmpint (missing.status, ==, 64);
  g_assert_nonnull (strstr (missing.err, "--at gives no value for p"));

  g_auto (Result) outside = { 0 };
  run (&outside, "logp", coin, "--at", "p=1.5", NULL);
  g_assert_cmpint (outside.status, ==, 2);
  g_assert_nonnull (strstr (outside.err, "p: "));
}

static JsonObject *
parse_object (const char *text, JsonNode **root)
{
  g_autoptr (GError) error = NULL;
  *root = json_from_string (text, &error);
  g_assert_no_error (error);
  return json_node_get_object (*root);
}

static void
test_sample_json (void)
{
  g_autofree char *coin = g_test_build_filename (G_TEST_DIST, "data", "cli", "coin.crm", NULL);
  g_auto (Result) r = { 0 };
  run (&r, "sample", coin, "--seed", "11", "--draws", "500", "--tune", "500", "--json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_autoptr (JsonNode) root = NULL;
  JsonObject *object = parse_object (r.out, &root);
  JsonArray *variables = json_object_get_array_member (object, "variables");
  g_assert_cmpuint (json_array_get_length (variables), ==, 1);
  JsonObject *p = json_array_get_object_element (variables, 0);
  g_assert_cmpstr (json_object_get_string_member (p, "name"), ==, "p");
  static const char *const columns[] = { "mean", "sd", "hdi_3%", "hdi_97%", "mcse_mean", "mcse_sd", "ess_bulk", "ess_tail", "r_hat" };
  for (size_t i = 0; i < G_N_ELEMENTS (columns); i++)
    g_assert_true (json_object_has_member (p, columns[i]));
  /* Beta(17, 37): mean 0.3148; 4 MCSEs, a 1-in-16,000 false failure. */
  g_assert_cmpfloat (fabs (json_object_get_double_member (p, "mean") - 17.0 / 54), <=,
                     4 * json_object_get_double_member (p, "mcse_mean"));
  g_assert_cmpint (json_object_get_int_member (object, "divergences"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (object, "gradient_evaluations"), >, 4000);
  g_assert_cmpfloat (json_object_get_double_member (object, "sampling_seconds"), >, 0);
  JsonArray *verdicts = json_object_get_array_member (object, "verdicts");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (verdicts, 0), "level"), ==, "ok");
  /* Scripts key on the level and the check, which stay English; the message is for a person. */
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (verdicts, 0), "check"), ==, "all");

  /* The same seed gives the same numbers. */
  g_auto (Result) again = { 0 };
  run (&again, "sample", coin, "--seed", "11", "--draws", "500", "--tune", "500", "--json", NULL);
  g_autoptr (JsonNode) root2 = NULL;
  JsonObject *p2 = json_array_get_object_element (json_object_get_array_member (parse_object (again.out, &root2), "variables"), 0);
  g_assert_cmpfloat (json_object_get_double_member (p2, "mean"), ==, json_object_get_double_member (p, "mean"));

  g_auto (Result) bad = { 0 };
  run (&bad, "sample", coin, "--target-accept", "1.5", NULL);
  g_assert_cmpint (bad.status, ==, 64);
  g_assert_nonnull (strstr (bad.err, "target_accept"));
}

/* CmdStan's layout (one file per chain, 1-based dotted names) and the wide layout (a chain
 * column) of the same draws give the same summary, with names 0-based. */
static void
test_diagnose (void)
{
  g_autofree char *one = g_test_build_filename (G_TEST_DIST, "data", "cli", "output_1.csv", NULL);
  g_autofree char *two = g_test_build_filename (G_TEST_DIST, "data", "cli", "output_2.csv", NULL);
  g_autofree char *wide = g_test_build_filename (G_TEST_DIST, "data", "cli", "wide.csv", NULL);
  g_auto (Result) cmdstan = { 0 }, table = { 0 };
  run (&cmdstan, "diagnose", "--json", one, two, NULL);
  run (&table, "diagnose", "--json", wide, NULL);
  g_assert_cmpint (cmdstan.status, ==, 0);
  g_assert_cmpint (table.status, ==, 0);
  g_autoptr (JsonNode) a_root = NULL, b_root = NULL;
  JsonObject *a = parse_object (cmdstan.out, &a_root), *b = parse_object (table.out, &b_root);
  JsonArray *va = json_object_get_array_member (a, "variables"), *vb = json_object_get_array_member (b, "variables");
  g_assert_cmpuint (json_array_get_length (va), ==, 3);
  g_assert_cmpuint (json_array_get_length (vb), ==, 3);
  static const char *const names[] = { "mu", "theta[0]", "theta[1]" };
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *x = json_array_get_object_element (va, i), *y = json_array_get_object_element (vb, i);
      g_assert_cmpstr (json_object_get_string_member (x, "name"), ==, names[i]);
      g_assert_cmpstr (json_object_get_string_member (y, "name"), ==, names[i]);
      g_assert_cmpfloat (json_object_get_double_member (x, "mean"), ==, json_object_get_double_member (y, "mean"));
      g_assert_cmpfloat (json_object_get_double_member (x, "r_hat"), ==, json_object_get_double_member (y, "r_hat"));
    }
  /* Only the CmdStan files carry divergent__: one draw of chain 2 diverged. */
  g_assert_cmpint (json_object_get_int_member (a, "divergences"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (b, "divergences"), ==, 0);

  g_auto (Result) ragged = { 0 };
  g_autofree char *typo = g_test_build_filename (G_TEST_DIST, "data", "cli", "ragged.csv", NULL);
  run (&ragged, "diagnose", one, typo, NULL);
  g_assert_cmpint (ragged.status, ==, 2);
}

/* A run recorded with --out is listed, summarised exactly as sample printed it, and exported
 * in CmdStan's layout, which diagnose reads back to the same numbers. */
static void
test_recorded_run (void)
{
  g_autofree char *coin = g_test_build_filename (G_TEST_DIST, "data", "cli", "coin.crm", NULL);
  g_autofree char *project = temp_path ("runs.credence");
  g_auto (Result) sampled = { 0 };
  run (&sampled, "sample", coin, "--seed", "5", "--draws", "300", "--tune", "300", "--json", "--out", project, NULL);
  g_assert_cmpint (sampled.status, ==, 0);

  g_auto (Result) runs = { 0 };
  run (&runs, "runs", project, NULL);
  g_assert_cmpint (runs.status, ==, 0);
  g_assert_true (g_regex_match_simple ("^ +1 +coin +complete +4 +300/300", runs.out, G_REGEX_MULTILINE, 0));

  g_auto (Result) summary = { 0 };
  run (&summary, "summary", project, "--json", NULL);
  g_assert_cmpint (summary.status, ==, 0);
  g_autoptr (JsonNode) a_root = NULL, b_root = NULL;
  JsonObject *a = parse_object (sampled.out, &a_root), *b = parse_object (summary.out, &b_root);
  JsonObject *pa = json_array_get_object_element (json_object_get_array_member (a, "variables"), 0);
  JsonObject *pb = json_array_get_object_element (json_object_get_array_member (b, "variables"), 0);
  g_assert_cmpfloat (json_object_get_double_member (pa, "mean"), ==, json_object_get_double_member (pb, "mean"));
  g_assert_cmpfloat (json_object_get_double_member (pa, "ess_bulk"), ==, json_object_get_double_member (pb, "ess_bulk"));

  g_autofree char *dir = g_path_get_dirname (project);
  g_autofree char *out = g_build_filename (dir, "cmdstan", NULL);
  g_auto (Result) exported = { 0 };
  run (&exported, "export", project, "--format", "cmdstan", "--out", out, NULL);
  g_assert_cmpint (exported.status, ==, 0);
  g_autofree char *f1 = g_build_filename (out, "output_1.csv", NULL), *f2 = g_build_filename (out, "output_2.csv", NULL);
  g_autofree char *f3 = g_build_filename (out, "output_3.csv", NULL), *f4 = g_build_filename (out, "output_4.csv", NULL);
  g_auto (Result) diagnosed = { 0 };
  run (&diagnosed, "diagnose", "--json", f1, f2, f3, f4, NULL);
  g_assert_cmpint (diagnosed.status, ==, 0);
  g_autoptr (JsonNode) c_root = NULL;
  JsonObject *pc = json_array_get_object_element (json_object_get_array_member (parse_object (diagnosed.out, &c_root), "variables"), 0);
  /* The CSV carries the values to 17 significant digits, enough for the same doubles. */
  g_assert_cmpfloat (json_object_get_double_member (pc, "mean"), ==, json_object_get_double_member (pa, "mean"));

  g_auto (Result) missing = { 0 };
  run (&missing, "summary", project, "--run", "9", NULL);
  g_assert_cmpint (missing.status, ==, 2);
  remove_with_dir (project);
}

static gboolean
file_starts_with (const char *path, const char *magic, size_t n)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  return g_file_get_contents (path, &contents, &length, NULL) && length > n && memcmp (contents, magic, n) == 0;
}

/* Every kind of plot of a stored run, in each format the suffix names. */
static void
test_plot (void)
{
  g_autofree char *model = g_test_build_filename (G_TEST_DIST, "data", "cli", "linreg.crm", NULL);
  g_autofree char *data = g_test_build_filename (G_TEST_DIST, "data", "cli", "linreg.csv", NULL);
  g_autofree char *project = temp_path ("plots.credence");
  g_autofree char *dir = g_path_get_dirname (project);
  g_auto (Result) sampled = { 0 };
  run (&sampled, "sample", model, "--data", data, "--seed", "2", "--draws", "200", "--tune", "200", "--out", project, NULL);
  g_assert_cmpint (sampled.status, ==, 0);

  static const char *const kinds[] = { "trace", "rank", "posterior", "forest", "pair", "energy", "autocorr", "ess" };
  for (size_t k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autofree char *png = g_strdup_printf ("%s/%s.png", dir, kinds[k]);
      g_auto (Result) r = { 0 };
      run (&r, "plot", project, "--kind", kinds[k], "--var", strcmp (kinds[k], "pair") == 0 ? "s" : "sigma",
           "--out", png, NULL);
      if (strcmp (kinds[k], "pair") == 0)
        {
          /* "s" names no variable: refused, and no file is left behind. */
          g_assert_cmpint (r.status, ==, 2);
          g_assert_false (g_file_test (png, G_FILE_TEST_EXISTS));
          continue;
        }
      g_assert_cmpint (r.status, ==, 0);
      g_assert_true (file_starts_with (png, "\x89PNG", 4));
    }
  g_autofree char *svg = g_strdup_printf ("%s/forest.svg", dir), *pdf = g_strdup_printf ("%s/trace.pdf", dir);
  g_auto (Result) r_svg = { 0 }, r_pdf = { 0 }, r_regression = { 0 }, r_bad = { 0 }, r_suffix = { 0 };
  run (&r_svg, "plot", project, "--kind", "forest", "--out", svg, "--theme", "dark", NULL);
  g_assert_cmpint (r_svg.status, ==, 0);
  g_assert_true (file_starts_with (svg, "<?xml", 5));
  run (&r_pdf, "plot", project, "--kind", "trace", "--var", "slope", "--out", pdf, NULL);
  g_assert_cmpint (r_pdf.status, ==, 0);
  g_assert_true (file_starts_with (pdf, "%PDF-", 5));
  g_autofree char *regression = g_strdup_printf ("%s/regression.png", dir);
  run (&r_regression, "plot", project, "--kind", "regression", "--x", "x", "--y", "y", "--intercept", "intercept",
       "--slope", "slope", "--sigma", "sigma", "--out", regression, NULL);
  g_assert_cmpint (r_regression.status, ==, 0);
  g_assert_true (file_starts_with (regression, "\x89PNG", 4));
  run (&r_bad, "plot", project, "--kind", "violin", "--out", regression, NULL);
  g_assert_cmpint (r_bad.status, ==, 64);
  g_autofree char *gif = g_strdup_printf ("%s/trace.gif", dir);
  run (&r_suffix, "plot", project, "--kind", "trace", "--out", gif, NULL);
  g_assert_cmpint (r_suffix.status, ==, 64);
  remove_with_dir (project);
}

/* The headless tool must never load GTK: it runs on servers with no display libraries. */
static void
test_does_not_link_gtk (void)
{
  const char *argv[] = { "ldd", g_getenv ("CREDENCE_CLI"), NULL };
  g_autofree char *out = NULL;
  int wait_status = 0;
  g_autoptr (GError) error = NULL;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                               NULL, &wait_status, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (out, "libglib-2.0"));
  g_assert_null (strstr (out, "libgtk"));
  g_assert_null (strstr (out, "libadwaita"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_assert_nonnull (g_getenv ("CREDENCE_CLI"));
  g_test_add_func ("/cli/help-lists-commands", test_help_lists_commands);
  g_test_add_func ("/cli/version", test_version);
  g_test_add_func ("/cli/usage-errors", test_usage_errors);
  g_test_add_func ("/cli/new-and-info", test_new_and_info);
  g_test_add_func ("/cli/bad-inputs-exit-2", test_bad_inputs_exit_2);
  g_test_add_func ("/cli/check", test_check);
  g_test_add_func ("/cli/logp", test_logp);
  g_test_add_func ("/cli/sample-json", test_sample_json);
  g_test_add_func ("/cli/diagnose", test_diagnose);
  g_test_add_func ("/cli/recorded-run", test_recorded_run);
  g_test_add_func ("/cli/plot", test_plot);
  g_test_add_func ("/cli/does-not-link-gtk", test_does_not_link_gtk);
  return g_test_run ();
}
