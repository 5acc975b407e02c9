/* test-templates.c: the model templates of the builder's palette (resources/templates/).
 *
 * The index lists ten templates whose model and data exist, in the folder and, byte for byte,
 * in the GResource the app loads them from. Each model validates against its bundled data and
 * samples cleanly (no divergence, R-hat at most 1.01, an OK verdict), and its posterior covers
 * the values make-data.py simulated the data from: each true value lies inside the central
 * 99.9% interval of the draws. The true values below are the script's; change both together.
 *
 * The folder comes from CREDENCE_TEMPLATES_DIR, which meson sets to the source tree's.
 */
#include "model-fixtures.h"
#include "sample/sample.h"

#include <gsl/gsl_errno.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#define TEMPLATES_ENV "CREDENCE_TEMPLATES_DIR"
#define TEMPLATES_RESOURCE "/org/credence/Credence/templates"
#define TEMPLATES_INDEX "templates.json"
#define N_TEMPLATES 10

/* Longer than the 500 + 500 a quick look needs: R-hat's own noise is then well under 1.01
 * for every quantity, and one template still samples in well under a second. */
#define TEMPLATE_TUNE 1000
#define TEMPLATE_DRAWS 1000
#define TEMPLATE_CHAINS 4
#define TEMPLATE_SEED 8128
#define TEMPLATE_MAX_RHAT 1.01

/* The central 99.9% interval: a true value outside it is a 1-in-1000 event for a correct
 * posterior. The data are committed, so whether each truth lies inside is settled once for a
 * correct engine; what the check catches is a sampler or a model that moves the posterior. */
#define COVERAGE_TAIL 0.0005

#define MAX_TRUTHS 20

typedef struct
{
  const char *name; /* an element name of the trace: "p", "beta[2]" */
  double value;
} Truth;

typedef struct
{
  const char *id;
  Truth truths[MAX_TRUTHS]; /* ends at the first NULL name */
} TemplateCase;

/* The true values of resources/templates/make-data.py. Deterministics are the same functions
 * of the true parameters, written out (exp, log and invlogit of the values above them). */
static const TemplateCase template_cases[] = {
  { "coin", { { "p", 0.58 } } },
  { "ab_test",
    { { "p[0]", 0.040 }, { "p[1]", 0.048 }, { "diff", 0.008 }, { "lift", 0.2 } } },
  { "linear_regression", { { "intercept", 68.0 }, { "slope", 0.9 }, { "sigma", 7.0 } } },
  { "multiple_regression",
    { { "intercept", 240.0 },
      { "beta[0]", 2.6 },
      { "beta[1]", -1.1 },
      { "beta[2]", -7.5 },
      { "sigma", 25.0 } } },
  { "logistic_regression",
    { { "intercept", -0.3 },
      { "b_hours", 0.35 },
      { "b_review", 0.8 },
      { "p_typical", 0.42555748318834102 },      /* invlogit(-0.3) */
      { "odds_ratio_hour", 1.4190675485932571 }, /* exp(0.35) */
      { "odds_ratio_review", 2.2255409284924674 } } },
  { "poisson_regression",
    { { "intercept", 2.0794415416798357 }, /* log(8) */
      { "b_pm25", 0.02 },
      { "b_weekend", -0.3 },
      { "rate_ratio_10", 1.2214027581601699 }, /* exp(10 * 0.02) */
      { "weekend_ratio", 0.74081822068171788 } } },
  { "hierarchical",
    { { "mu", 62.0 },
      { "tau", 6.0 },
      { "sigma", 12.0 },
      { "school_mu[0]", 55.1 },
      { "school_mu[1]", 63.8 },
      { "school_mu[2]", 70.4 },
      { "school_mu[3]", 58.2 },
      { "school_mu[4]", 61.5 },
      { "school_mu[5]", 67.9 },
      { "school_mu[6]", 52.6 },
      { "school_mu[7]", 64.3 },
      { "school_mu[8]", 60.1 },
      { "school_mu[9]", 73.0 },
      { "school_mu[10]", 59.4 },
      { "school_mu[11]", 62.7 } } },
  { "ar1",
    { { "rho", 0.75 },
      { "sigma", 0.12 },
      { "half_life", 2.4094208396532095 } } }, /* log(0.5) / log(0.75) */
  { "calibration",
    { { "intercept", 0.02 },
      { "slope", 0.095 },
      { "sigma", 0.01 },
      { "concentration[0]", 1.7 },
      { "concentration[1]", 3.2 },
      { "concentration[2]", 5.5 },
      { "concentration[3]", 8.9 } } },
  { "mixture",
    { { "w[0]", 0.35 },
      { "w[1]", 0.65 },
      { "mu[0]", 2.0 },
      { "mu[1]", 4.3 },
      { "sigma[0]", 0.25 },
      { "sigma[1]", 0.4 } } },
};

G_STATIC_ASSERT (G_N_ELEMENTS (template_cases) == N_TEMPLATES);

/* Returns: (transfer full) the path of @file in the templates folder. */
static char *
template_path (const char *file)
{
  const char *dir = g_getenv (TEMPLATES_ENV);
  if (dir == NULL)
    g_error ("%s is not set; run the test through meson, which sets it", TEMPLATES_ENV);
  return g_build_filename (dir, file, NULL);
}

static char *
read_template_file (const char *file, size_t *length)
{
  g_autofree char *path = template_path (file);
  g_autoptr (GError) error = NULL;
  char *text = NULL;
  gsize n = 0;
  if (!g_file_get_contents (path, &text, &n, &error))
    g_error ("%s", error->message);
  if (length != NULL)
    *length = n;
  return text;
}

/* Returns: (transfer full) the index's root array; fails the test if it does not parse. */
static JsonArray *
read_index (void)
{
  g_autofree char *path = template_path (TEMPLATES_INDEX);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  if (!json_parser_load_from_file (parser, path, &error))
    g_error ("%s: %s", path, error->message);
  JsonNode *root = json_parser_get_root (parser);
  g_assert_nonnull (root);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (root));
  return json_array_ref (json_node_get_array (root));
}

static const char *
entry_string (JsonObject *entry, const char *member)
{
  const char *value = json_object_get_string_member_with_default (entry, member, NULL);
  if (value == NULL || value[0] == '\0')
    g_error ("%s: an entry has no '%s' string", TEMPLATES_INDEX, member);
  return value;
}

/* Fails the test unless @file is in the folder and the same bytes are in the GResource. */
static void
assert_file_registered (const char *file)
{
  size_t length = 0;
  g_autofree char *text = read_template_file (file, &length);
  g_autofree char *resource = g_strdup_printf ("%s/%s", TEMPLATES_RESOURCE, file);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = g_resources_lookup_data (resource, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (bytes == NULL)
    g_error ("%s is not in the GResource (credence.gresource.xml): %s", file, error->message);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), text, length);
}

/* The index: ten entries in palette order with every member, unique ids, the cases of this
 * test, and files that exist in the folder and in the GResource. */
static void
test_index (void)
{
  g_autoptr (JsonArray) index = read_index ();
  g_assert_cmpuint (json_array_get_length (index), ==, N_TEMPLATES);
  assert_file_registered (TEMPLATES_INDEX);
  g_autoptr (GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < N_TEMPLATES; i++)
    {
      JsonNode *node = json_array_get_element (index, i);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
      JsonObject *entry = json_node_get_object (node);
      const char *id = entry_string (entry, "id");
      entry_string (entry, "title");
      entry_string (entry, "description");
      g_assert_true (g_hash_table_add (ids, (gpointer) id));
      /* The palette's order is the order of the cases here, which follows the issue. */
      g_assert_cmpstr (id, ==, template_cases[i].id);
      const char *model = entry_string (entry, "model"), *data = entry_string (entry, "data");
      g_assert_true (g_str_has_suffix (model, ".crm"));
      g_assert_true (g_str_has_suffix (data, ".csv"));
      assert_file_registered (model);
      assert_file_registered (data);
    }
}

/* Returns: the index entry called @id; fails the test when there is none. */
static JsonObject *
find_entry (JsonArray *index, const char *id)
{
  for (guint i = 0; i < json_array_get_length (index); i++)
    {
      JsonObject *entry = json_array_get_object_element (index, i);
      if (g_strcmp0 (json_object_get_string_member_with_default (entry, "id", NULL), id) == 0)
        return entry;
    }
  g_error ("%s has no template '%s'", TEMPLATES_INDEX, id);
}

static gssize
find_quantity (const CrSampleSummary *summary, const char *name)
{
  for (size_t j = 0; j < summary->n_quantities; j++)
    if (strcmp (summary->names[j], name) == 0)
      return (gssize) j;
  return -1;
}

/* Returns: (transfer full) the kept draws of trace position @j, pooled over the chains. */
static double *
pooled_draws (const CrSampler *sampler, size_t trace_size, size_t j, size_t *n)
{
  const CrSampleSettings *settings = cr_sampler_get_settings (sampler);
  *n = settings->n_chains * settings->n_draws;
  double *draws = g_new (double, *n);
  for (guint c = 0; c < settings->n_chains; c++)
    {
      const double *values = cr_chain_get_values (cr_sampler_get_chain (sampler, c));
      for (size_t i = 0; i < settings->n_draws; i++)
        draws[c * settings->n_draws + i] = values[(settings->n_tune + i) * trace_size + j];
    }
  return draws;
}

/* Each truth inside the central interval of its draws; the share of draws below it goes to
 * the test log, so how close each one came can be read off a verbose run. */
static void
assert_truths_covered (const TemplateCase *tc,
                       const CrSampler *sampler,
                       const CrTape *tape,
                       const CrSampleSummary *summary)
{
  size_t trace_size = cr_tape_get_trace_size (tape);
  for (const Truth *truth = tc->truths; truth->name != NULL; truth++)
    {
      gssize j = find_quantity (summary, truth->name);
      if (j < 0)
        g_error ("%s: the model has no quantity '%s'", tc->id, truth->name);
      size_t n = 0;
      g_autofree double *draws = pooled_draws (sampler, trace_size, (size_t) j, &n);
      double lower = cr_diag_quantile (draws, n, COVERAGE_TAIL);
      double upper = cr_diag_quantile (draws, n, 1.0 - COVERAGE_TAIL);
      size_t below = 0;
      for (size_t i = 0; i < n; i++)
        below += draws[i] < truth->value;
      g_test_message ("%s %s: true %g, share of draws below it %.4f, 99.9%% interval [%g, %g]",
                      tc->id, truth->name, truth->value, (double) below / n, lower, upper);
      if (!(truth->value >= lower && truth->value <= upper))
        g_error ("%s %s: the true value %g is outside the central 99.9%% interval [%g, %g]",
                 tc->id, truth->name, truth->value, lower, upper);
    }
}

static void
test_template (gconstpointer data)
{
  const TemplateCase *tc = data;
  g_autoptr (JsonArray) index = read_index ();
  JsonObject *entry = find_entry (index, tc->id);

  g_auto (Compiled) c = { 0 };
  g_autofree char *csv = template_path (entry_string (entry, "data"));
  g_autoptr (GError) error = NULL;
  c.dataset = cr_dataset_read_csv (csv, &error);
  g_assert_no_error (error);
  g_autofree char *text = read_template_file (entry_string (entry, "model"), NULL);
  compile_text (&c, text);

  CrSampleSettings settings;
  cr_sample_settings_init (&settings);
  settings.n_chains = TEMPLATE_CHAINS;
  settings.n_tune = TEMPLATE_TUNE, settings.n_draws = TEMPLATE_DRAWS;
  settings.seed = TEMPLATE_SEED;
  g_autoptr (CrSampler) sampler = cr_sampler_new_for_tape (c.tape, &settings, &error);
  g_assert_no_error (error);
  cr_sampler_start (sampler, 0);
  g_assert_true (cr_sampler_wait (sampler, &error));
  g_assert_no_error (error);
  g_autoptr (CrSampleSummary) summary = cr_sample_summary_new_for_sampler (sampler, c.tape);
  g_assert_nonnull (summary);

  g_assert_cmpuint (summary->n_divergent, ==, 0);
  double max_rhat = 0;
  for (size_t j = 0; j < summary->n_quantities; j++)
    {
      double r_hat = summary->summaries[j].r_hat;
      if (!(r_hat <= TEMPLATE_MAX_RHAT))
        g_error ("%s %s: R-hat %.4f is above %.2f", tc->id, summary->names[j], r_hat,
                 TEMPLATE_MAX_RHAT);
      max_rhat = fmax (max_rhat, r_hat);
    }
  g_test_message ("%s: max R-hat %.4f, %zu draws at max tree depth", tc->id, max_rhat,
                  summary->n_max_treedepth);
  /* A template is what a newcomer runs first: it must end with the plain "converged". */
  g_assert_cmpint (cr_diag_verdicts_level (summary->verdicts), ==, CR_VERDICT_OK);
  assert_truths_covered (tc, sampler, c.tape, summary);
}

int
main (int argc, char **argv)
{
  gsl_set_error_handler_off ();
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/templates/index", test_index);
  for (size_t i = 0; i < G_N_ELEMENTS (template_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/templates/sample/%s", template_cases[i].id);
      g_test_add_data_func (name, &template_cases[i], test_template);
    }
  return g_test_run ();
}
