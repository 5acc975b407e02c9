/* cli.c: credence-cli, the headless entry point. It links the engine (inference/) and the
 * plot renderers (widgets/plot/) only, never GTK, so it runs on servers and in scripts.
 *
 * Exit status: 0 success, 1 a failure of the environment (a file that cannot be written),
 * 2 bad input (a malformed file, a bad argument), 64 a usage error.
 */
#include "ad/ad.h"
#include "cli-plot.h"
#include "cli-runs.h"
#include "recording.h"
#include "config.h"
#include "sample/sample.h"
#include "data/data.h"
#include "model/model.h"
#include "store/store.h"

#include <glib/gi18n.h>
#include <gsl/gsl_errno.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>

enum
{
  EXIT_INPUT = 2,
  EXIT_USAGE = 64,
};

typedef struct
{
  const char *name;
  const char *arguments;
  const char *summary;
  int (*run) (int argc, char **argv);
} Command;

static int command_check (int argc, char **argv);
static int command_logp (int argc, char **argv);
static int command_sample (int argc, char **argv);
static int command_diagnose (int argc, char **argv);
static int command_new (int argc, char **argv);
static int command_info (int argc, char **argv);
static int command_summary (int argc, char **argv);

static const Command commands[] = {
  { "check", "MODEL.crm [--data CSV]",
    N_ ("Check a model: each variable's shape, support and transform"), command_check },
  { "logp", "MODEL.crm [--data CSV] --at 'name=value,name=[v1,v2],...' [--jacobian] [--json]",
    N_ ("The log density and its gradient at given parameter values"), command_logp },
  { "sample", "MODEL.crm [--data CSV] [--chains 4] [--draws 1000] [--tune 1000] [--seed N]\n"
              "         [--target-accept 0.8] [--max-treedepth 10] [--metric diag|dense] [--json]\n"
              "         [--out PROJECT.credence]",
    N_ ("Sample the posterior with NUTS and summarise it"), command_sample },
  { "diagnose", "FILE... [--json]",
    N_ ("Summarise draws from CmdStan CSV files (one per chain) or one wide CSV with a chain column"),
    command_diagnose },
  { "new", "PROJECT --data CSV [--model MODEL.crm]",
    N_ ("Create a project from a data table and, optionally, a model"), command_new },
  { "info", "PROJECT [--json]", N_ ("List the datasets and models in a project"), command_info },
  { "runs", "PROJECT [--json]", N_ ("List a project's runs: model, status, draws, timings"), cr_cli_runs },
  { "summary", "PROJECT [--run ID] [--json]", N_ ("Summarise a stored run (the latest by default)"),
    command_summary },
  { "export", "PROJECT [--run ID] --format cmdstan|wide --out DIR_OR_FILE",
    N_ ("Write a stored run's draws as CmdStan CSV files or one wide CSV"), cr_cli_export },
  { "plot", "PROJECT [--run ID] --kind KIND [--var NAME] --out FILE.png|.svg|.pdf\n"
            "         [--width W --height H] [--theme light|dark]",
    N_ ("Draw a plot of a stored run: trace, rank, posterior, forest, pair, energy, autocorr, ess,\n"
        "         regression"), cr_cli_plot },
};

static const Command *
find_command (const char *name)
{
  for (size_t i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (commands[i].name, name) == 0)
      return &commands[i];
  g_assert_not_reached ();
}

static void
print_usage (FILE *out)
{
  fprintf (out, _("Usage: credence-cli COMMAND [OPTIONS…]\n"
                  "       credence-cli --help | --version\n\n"
                  "Bayesian modeling from the command line.\n\n"
                  "Commands:\n"));
  for (size_t i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-6s %s\n         %s\n", commands[i].name, commands[i].arguments,
             _(commands[i].summary));
  fprintf (out, _("\nRun “credence-cli COMMAND --help” for the options of a command.\n"));
}

/* Parses @entries for @command; prints the error or the help. Returns: -1 to go on, else the
 * exit status. */
static int
parse_options (const Command *command, const GOptionEntry *entries, int *argc, char ***argv)
{
  g_autofree char *parameter = g_strdup_printf ("%s %s", command->name, command->arguments);
  g_autoptr (GOptionContext) context = g_option_context_new (parameter);
  g_option_context_set_summary (context, _(command->summary));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      fprintf (stderr, "credence-cli %s: %s\n", command->name, error->message);
      return EXIT_USAGE;
    }
  return -1;
}

static void
print_error (const char *command, const GError *error)
{
  fprintf (stderr, "credence-cli %s: %s\n", command, error->message);
}

/* Reads the model at @model_path and the data at @data_path (may be NULL) and validates.
 * Returns: 0, or the exit status after printing every error. */
static int
load_model (const char *command,
            const char *model_path,
            const char *data_path,
            CrDataset **dataset,
            CrModel **model)
{
  g_autoptr (GError) error = NULL;
  if (data_path != NULL && (*dataset = cr_dataset_read_csv (data_path, &error)) == NULL)
    {
      print_error (command, error);
      return EXIT_INPUT;
    }
  g_autofree char *text = NULL;
  if (!g_file_get_contents (model_path, &text, NULL, &error))
    {
      print_error (command, error);
      return EXIT_INPUT;
    }
  *model = cr_model_new_from_text (text, *dataset, model_path, NULL, &error);
  if (*model == NULL || !cr_model_validate (*model, NULL, &error))
    {
      /* One message per line, each with file:line:column. */
      fprintf (stderr, "%s\n", error->message);
      return EXIT_INPUT;
    }
  return 0;
}

static const char *
kind_name (CrNodeKind kind)
{
  switch (kind)
    {
    case CR_NODE_FREE:
      return "free";
    case CR_NODE_OBSERVED:
      return "observed";
    case CR_NODE_DETERMINISTIC:
      return "deterministic";
    case CR_NODE_LOCAL:
      return "local";
    case CR_NODE_DATA:
      return "data";
    }
  return "?";
}

static char *
shape_text (CrShape shape)
{
  if (shape.rank == 0)
    return g_strdup ("scalar");
  if (shape.rank == 1)
    return g_strdup_printf ("[%zu]", shape.rows);
  return g_strdup_printf ("[%zu, %zu]", shape.rows, shape.cols);
}

static int
command_check (int argc, char **argv)
{
  g_autofree char *data_path = NULL;
  const GOptionEntry entries[] = {
    { "data", 'd', 0, G_OPTION_ARG_FILENAME, &data_path, N_ ("The data table (CSV)"), "CSV" },
    { NULL },
  };
  int status = parse_options (find_command ("check"), entries, &argc, &argv);
  if (status >= 0)
    return status;
  if (argc != 2)
    {
      fprintf (stderr, _("credence-cli check: give one model file\n"));
      return EXIT_USAGE;
    }
  g_autoptr (CrDataset) dataset = NULL;
  g_autoptr (CrModel) model = NULL;
  if ((status = load_model ("check", argv[1], data_path, &dataset, &model)) != 0)
    return status;

  printf ("%-16s %-14s %-10s %-22s %-10s %s\n", _("variable"), _("kind"), _("shape"),
          _("support"), _("transform"), _("free"));
  const CrProgram *program = cr_model_get_program (model);
  for (guint i = 0; i < program->statements->len; i++)
    {
      const CrStatement *statement = g_ptr_array_index (program->statements, i);
      const CrNode *node = cr_model_find_node (model, statement->name);
      if (node->statement != statement && node->kind != CR_NODE_DATA)
        continue;
      g_autofree char *shape = shape_text (node->shape);
      g_autofree char *support = cr_model_describe_support (model, node);
      if (node->kind == CR_NODE_FREE)
        printf ("%-16s %-14s %-10s %-22s %-10s %zu\n", node->name, kind_name (node->kind), shape,
                support, cr_transform_to_string (node->transform), node->free_size);
      else if (node->kind == CR_NODE_OBSERVED)
        printf ("%-16s %-14s %-10s %-22s %-10s -\n", node->name, kind_name (node->kind), shape,
                node->dist->name, "-");
      else
        printf ("%-16s %-14s %-10s %-22s %-10s -\n", node->name, kind_name (node->kind), shape,
                "-", "-");
    }
  printf (_("unconstrained dimensions: %zu\n"), cr_model_get_free_dimension (model));
  printf (_("observations: %zu\n"), cr_model_get_n_observations (model));
  return EXIT_SUCCESS;
}

/* Parses "a=1,b=[1, 2, 3]" into name -> GArray of doubles. */
static GHashTable *
parse_at (const char *text, GError **error)
{
  g_autoptr (GHashTable) values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         (GDestroyNotify) g_array_unref);
  const char *p = text;
  while (*p != '\0')
    {
      while (g_ascii_isspace (*p) || *p == ',')
        p++;
      if (*p == '\0')
        break;
      const char *name_start = p;
      while (g_ascii_isalnum (*p) || *p == '_')
        p++;
      g_autofree char *name = g_strndup (name_start, p - name_start);
      while (g_ascii_isspace (*p))
        p++;
      if (*name == '\0' || *p != '=')
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("--at: expected name=value at “%s”"), name_start);
          return NULL;
        }
      p++;
      while (g_ascii_isspace (*p))
        p++;
      gboolean vector = *p == '[';
      if (vector)
        p++;
      GArray *numbers = g_array_new (FALSE, FALSE, sizeof (double));
      g_hash_table_replace (values, g_strdup (name), numbers);
      for (;;)
        {
          while (g_ascii_isspace (*p))
            p++;
          char *end = NULL;
          double v = g_ascii_strtod (p, &end);
          if (end == p)
            {
              g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--at: the value of %s is not a number at “%s”"), name, p);
              return NULL;
            }
          g_array_append_val (numbers, v);
          p = end;
          while (g_ascii_isspace (*p))
            p++;
          if (!vector)
            break;
          if (*p == ',')
            {
              p++;
              continue;
            }
          if (*p == ']')
            {
              p++;
              break;
            }
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("--at: expected ',' or ']' in the values of %s"), name);
          return NULL;
        }
    }
  return g_steal_pointer (&values);
}

static void
print_values (const double *values, size_t n, gboolean vector)
{
  if (!vector)
    {
      printf ("%.17g", values[0]);
      return;
    }
  printf ("[");
  for (size_t i = 0; i < n; i++)
    printf ("%s%.17g", i > 0 ? ", " : "", values[i]);
  printf ("]");
}

static int
command_logp (int argc, char **argv)
{
  g_autofree char *data_path = NULL, *at = NULL;
  gboolean jacobian = FALSE, json = FALSE;
  const GOptionEntry entries[] = {
    { "data", 'd', 0, G_OPTION_ARG_FILENAME, &data_path, N_ ("The data table (CSV)"), "CSV" },
    { "at", 0, 0, G_OPTION_ARG_STRING, &at, N_ ("The constrained value of every parameter"), "VALUES" },
    { "jacobian", 0, 0, G_OPTION_ARG_NONE, &jacobian,
      N_ ("Add the transforms' log-Jacobians; the gradient is then on the unconstrained scale"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("Print one JSON object"), NULL },
    { NULL },
  };
  int status = parse_options (find_command ("logp"), entries, &argc, &argv);
  if (status >= 0)
    return status;
  if (argc != 2 || at == NULL)
    {
      fprintf (stderr, _("credence-cli logp: give one model file and --at\n"));
      return EXIT_USAGE;
    }
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) given = parse_at (at, &error);
  if (given == NULL)
    {
      print_error ("logp", error);
      return EXIT_USAGE;
    }
  g_autoptr (CrDataset) dataset = NULL;
  g_autoptr (CrModel) model = NULL;
  if ((status = load_model ("logp", argv[1], data_path, &dataset, &model)) != 0)
    return status;
  g_autoptr (CrTape) tape = cr_tape_new (model, &error);
  if (tape == NULL)
    {
      print_error ("logp", error);
      return EXIT_INPUT;
    }

  size_t n_free = cr_tape_get_n_free_variables (tape);
  g_autofree double *values = g_new0 (double, MAX (cr_tape_get_free_values_size (tape), 1));
  for (size_t i = 0; i < n_free; i++)
    {
      const CrTraceVariable *variable = cr_tape_get_free_variable (tape, i);
      GArray *numbers = g_hash_table_lookup (given, variable->name);
      size_t n = cr_shape_size (variable->shape);
      if (numbers == NULL || numbers->len != n)
        {
          fprintf (stderr,
                   numbers == NULL ? _("credence-cli logp: --at gives no value for %s; give %zu\n")
                                   : _("credence-cli logp: --at gives the wrong number of values for %s; give %zu\n"),
                   variable->name, n);
          return EXIT_USAGE;
        }
      memcpy (values + variable->offset, numbers->data, n * sizeof (double));
      g_hash_table_remove (given, variable->name);
    }
  if (g_hash_table_size (given) > 0)
    {
      GHashTableIter iter;
      gpointer name;
      g_hash_table_iter_init (&iter, given);
      g_hash_table_iter_next (&iter, &name, NULL);
      fprintf (stderr, _("credence-cli logp: %s is not a parameter of the model\n"), (const char *) name);
      return EXIT_USAGE;
    }

  g_autoptr (CrWorkspace) workspace = cr_workspace_new (tape);
  size_t dimension = cr_tape_get_dimension (tape);
  g_autofree double *gradient = g_new0 (double, MAX (MAX (dimension, cr_tape_get_free_values_size (tape)), 1));
  double lp;
  if (jacobian)
    {
      g_autofree double *theta = g_new0 (double, MAX (dimension, 1));
      if (!cr_tape_unconstrain (tape, workspace, values, theta, &error))
        {
          print_error ("logp", error);
          return EXIT_INPUT;
        }
      lp = cr_tape_log_density (tape, workspace, theta, gradient);
    }
  else if (!cr_tape_log_density_constrained (tape, workspace, values, &lp, gradient, &error))
    {
      print_error ("logp", error);
      return EXIT_INPUT;
    }

  /* With the Jacobian the gradient is in theta, whose slices follow the free variables. */
  if (json)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "logp");
      if (isfinite (lp))
        json_builder_add_double_value (builder, lp);
      else
        json_builder_add_string_value (builder, isnan (lp) ? "nan" : lp > 0 ? "inf" : "-inf");
      json_builder_set_member_name (builder, "gradient");
      json_builder_begin_object (builder);
      for (size_t i = 0; i < n_free; i++)
        {
          const CrTraceVariable *variable = cr_tape_get_free_variable (tape, i);
          const CrNode *node = cr_model_find_node (model, variable->name);
          size_t n = jacobian ? node->free_size : cr_shape_size (variable->shape);
          const double *g = gradient + (jacobian ? node->free_offset : variable->offset);
          json_builder_set_member_name (builder, variable->name);
          if (variable->shape.rank == 0 && n == 1)
            json_builder_add_double_value (builder, g[0]);
          else
            {
              json_builder_begin_array (builder);
              for (size_t j = 0; j < n; j++)
                json_builder_add_double_value (builder, g[j]);
              json_builder_end_array (builder);
            }
        }
      json_builder_end_object (builder);
      json_builder_end_object (builder);
      g_autoptr (JsonNode) root = json_builder_get_root (builder);
      g_autofree char *text = json_to_string (root, FALSE);
      printf ("%s\n", text);
      return EXIT_SUCCESS;
    }
  printf ("logp: %.17g\n", lp);
  printf (jacobian ? _("gradient (unconstrained):\n") : _("gradient:\n"));
  for (size_t i = 0; i < n_free; i++)
    {
      const CrTraceVariable *variable = cr_tape_get_free_variable (tape, i);
      const CrNode *node = cr_model_find_node (model, variable->name);
      size_t n = jacobian ? node->free_size : cr_shape_size (variable->shape);
      printf ("  %s: ", variable->name);
      print_values (gradient + (jacobian ? node->free_offset : variable->offset), n,
                    variable->shape.rank > 0 || n != 1);
      printf ("\n");
    }
  return EXIT_SUCCESS;
}

/* A number for a summary table: "—" for what cannot be computed, never "nan". */
static void
print_number (GString *out, double value, int decimals, int width)
{
  if (!isfinite (value))
    g_string_append_printf (out, "%*s", width + 2, "—"); /* the dash is 3 bytes, 1 column */
  else if (fabs (value) >= 1e6 || (fabs (value) < 1e-3 && value != 0 && decimals > 0))
    g_string_append_printf (out, "%*.*e", width, 2, value);
  else
    g_string_append_printf (out, "%*.*f", width, decimals, value);
}

/* The JSON output's names of levels and checks: stable English keys for scripts, beside the
 * messages, which are in the user's language. */
static const char *
verdict_level_name (CrVerdictLevel level)
{
  return level == CR_VERDICT_OK ? "ok" : level == CR_VERDICT_WARN ? "warning" : "error";
}

static const char *
verdict_check_name (CrCheck check)
{
  switch (check)
    {
    case CR_CHECK_RHAT:
      return "r_hat";
    case CR_CHECK_ESS:
      return "ess";
    case CR_CHECK_DIVERGENCES:
      return "divergences";
    case CR_CHECK_TREE_DEPTH:
      return "tree_depth";
    case CR_CHECK_EBFMI:
      return "e_bfmi";
    case CR_CHECK_ALL:
      return "all";
    }
  g_assert_not_reached ();
}

/* The text output's label of a level, for a person. */
static const char *
verdict_level_label (CrVerdictLevel level)
{
  return level == CR_VERDICT_OK ? C_ ("verdict", "ok")
         : level == CR_VERDICT_WARN ? C_ ("verdict", "warning")
                                    : C_ ("verdict", "error");
}

static void
json_add_number (JsonBuilder *builder, const char *name, double value)
{
  json_builder_set_member_name (builder, name);
  if (isfinite (value))
    json_builder_add_double_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/* The summary in ArviZ's columns, then divergences and verdicts; or one JSON object. */
static void
print_summary (const CrSampleSummary *summary, gboolean json, double warmup_seconds, double sampling_seconds)
{
  if (json)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "variables");
      json_builder_begin_array (builder);
      for (size_t j = 0; j < summary->n_quantities; j++)
        {
          const CrDiagSummary *s = &summary->summaries[j];
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, summary->names[j]);
          json_add_number (builder, "mean", s->mean);
          json_add_number (builder, "sd", s->sd);
          json_add_number (builder, "hdi_3%", s->hdi_lower);
          json_add_number (builder, "hdi_97%", s->hdi_upper);
          json_add_number (builder, "mcse_mean", s->mcse_mean);
          json_add_number (builder, "mcse_sd", s->mcse_sd);
          json_add_number (builder, "ess_bulk", s->ess_bulk);
          json_add_number (builder, "ess_tail", s->ess_tail);
          json_add_number (builder, "r_hat", s->r_hat);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "divergences");
      json_builder_add_int_value (builder, (gint64) summary->n_divergent);
      json_builder_set_member_name (builder, "verdicts");
      json_builder_begin_array (builder);
      for (guint v = 0; v < summary->verdicts->len; v++)
        {
          const CrVerdict *verdict = g_ptr_array_index (summary->verdicts, v);
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "level");
          json_builder_add_string_value (builder, verdict_level_name (verdict->level));
          json_builder_set_member_name (builder, "check");
          json_builder_add_string_value (builder, verdict_check_name (verdict->check));
          json_builder_set_member_name (builder, "message");
          json_builder_add_string_value (builder, verdict->message);
          if (verdict->remedy != NULL)
            {
              json_builder_set_member_name (builder, "remedy");
              json_builder_add_string_value (builder, verdict->remedy);
            }
          json_builder_set_member_name (builder, "variables");
          json_builder_begin_array (builder);
          for (char **name = verdict->variables; *name != NULL; name++)
            json_builder_add_string_value (builder, *name);
          json_builder_end_array (builder);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "gradient_evaluations");
      json_builder_add_int_value (builder, (gint64) summary->gradient_evaluations);
      json_add_number (builder, "warmup_seconds", warmup_seconds);
      json_add_number (builder, "sampling_seconds", sampling_seconds);
      json_builder_end_object (builder);
      g_autoptr (JsonNode) root = json_builder_get_root (builder);
      g_autofree char *text = json_to_string (root, FALSE);
      printf ("%s\n", text);
      return;
    }

  size_t width = 8;
  for (size_t j = 0; j < summary->n_quantities; j++)
    width = MAX (width, strlen (summary->names[j]));
  g_autoptr (GString) out = g_string_new (NULL);
  g_string_append_printf (out, "%-*s %9s %9s %9s %9s %10s %9s %9s %9s %6s\n", (int) width, "",
                          "mean", "sd", "hdi_3%", "hdi_97%", "mcse_mean", "mcse_sd", "ess_bulk",
                          "ess_tail", "r_hat");
  for (size_t j = 0; j < summary->n_quantities; j++)
    {
      const CrDiagSummary *s = &summary->summaries[j];
      g_string_append_printf (out, "%-*s", (int) width, summary->names[j]);
      print_number (out, s->mean, 3, 10);
      print_number (out, s->sd, 3, 10);
      print_number (out, s->hdi_lower, 3, 10);
      print_number (out, s->hdi_upper, 3, 10);
      print_number (out, s->mcse_mean, 3, 11);
      print_number (out, s->mcse_sd, 3, 10);
      print_number (out, s->ess_bulk, 0, 10);
      print_number (out, s->ess_tail, 0, 10);
      print_number (out, s->r_hat, 2, 7);
      g_string_append_c (out, '\n');
    }
  g_string_append_printf (out, _("\ndivergences: %zu of %zu draws\n"), summary->n_divergent,
                          summary->n_chains * summary->n_draws);
  for (guint v = 0; v < summary->verdicts->len; v++)
    {
      const CrVerdict *verdict = g_ptr_array_index (summary->verdicts, v);
      /* Translators: a verdict's level ("warning"), then its message. */
      g_string_append_printf (out, _("%s: %s\n"), verdict_level_label (verdict->level), verdict->message);
      if (verdict->remedy != NULL)
        g_string_append_printf (out, _("  what to do: %s\n"), verdict->remedy);
    }
  fputs (out->str, stdout);
}

static int
command_summary (int argc, char **argv)
{
  gint64 run_id = 0;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "run", 'r', 0, G_OPTION_ARG_INT64, &run_id, N_ ("The run (the latest by default)"), "ID" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("Print one JSON object"), NULL },
    { NULL },
  };
  int status = parse_options (find_command ("summary"), entries, &argc, &argv);
  if (status >= 0)
    return status;
  if (argc != 2)
    {
      fprintf (stderr, _("credence-cli summary: give one project file\n"));
      return EXIT_USAGE;
    }
  g_autoptr (GError) error = NULL;
  g_autoptr (CrProject) project = cr_project_open (argv[1], &error);
  g_autoptr (CrRun) run = project != NULL ? cr_project_load_run (project, run_id, &error) : NULL;
  if (run == NULL)
    {
      print_error ("summary", error);
      return EXIT_INPUT;
    }
  size_t kept = cr_run_get_n_common_draws (run);
  if (kept == 0 || run->n_stats != CR_N_STATS)
    {
      fprintf (stderr, kept == 0 ? _("credence-cli summary: run %lld has no draws after warmup\n")
                                 : _("credence-cli summary: run %lld was not made by NUTS\n"),
               (long long) run->id);
      return EXIT_INPUT;
    }
  g_autoptr (CrSampleSummary) summary = cr_summary_from_run (run);
  if (!json)
    printf (_("Run %lld (%s): %zu chains, %zu draws each summarised\n"), (long long) run->id,
            cr_run_status_to_string (run->status), run->n_chains, kept);
  print_summary (summary, json, run->timings.warmup_seconds, run->timings.sampling_seconds);
  return EXIT_SUCCESS;
}

/* How often the sampling loop looks at Ctrl+C, the progress line and the draws to save. */
#define CLI_POLL_US 20000

static volatile sig_atomic_t interrupted = 0;

static void
on_interrupt (int signal_number)
{
  interrupted = 1;
}

/* Live progress on a terminal: one line per chain, redrawn in place. */
static void
print_progress (const CrSampler *sampler, gboolean redraw)
{
  guint n = cr_sampler_get_n_chains (sampler);
  if (redraw)
    fprintf (stderr, "\033[%uA", n);
  for (guint c = 0; c < n; c++)
    {
      CrChainProgress p;
      cr_chain_get_progress (cr_sampler_get_chain (sampler, c), &p);
      double eta = p.draws_per_second > 0 ? (p.total - p.iteration) / p.draws_per_second : NAN;
      fprintf (stderr, "\033[2K" "chain %u  %-8s %5zu/%zu  %7.0f draws/s  step %.3g  %u divergent  ",
               c, p.finished ? _("done") : p.warmup ? _("warmup") : _("sampling"), p.iteration,
               p.total, p.draws_per_second, p.step_size, p.divergences);
      if (!p.finished && isfinite (eta))
        fprintf (stderr, _("%.0f s left"), eta);
      fputc ('\n', stderr);
    }
}

static int
command_sample (int argc, char **argv)
{
  g_autofree char *data_path = NULL, *metric = NULL, *out_path = NULL;
  int chains = 4, draws = 1000, tune = 1000, max_treedepth = 10;
  gint64 seed = -1;
  double target_accept = 0.8;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "data", 'd', 0, G_OPTION_ARG_FILENAME, &data_path, N_ ("The data table (CSV)"), "CSV" },
    { "chains", 0, 0, G_OPTION_ARG_INT, &chains, N_ ("Chains, each in its own thread (4)"), "N" },
    { "draws", 0, 0, G_OPTION_ARG_INT, &draws, N_ ("Draws kept per chain (1000)"), "N" },
    { "tune", 0, 0, G_OPTION_ARG_INT, &tune, N_ ("Warmup iterations per chain (1000)"), "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, N_ ("Random seed (random when not given)"), "N" },
    { "target-accept", 0, 0, G_OPTION_ARG_DOUBLE, &target_accept, N_ ("Target acceptance of warmup (0.8)"), "P" },
    { "max-treedepth", 0, 0, G_OPTION_ARG_INT, &max_treedepth, N_ ("Maximum tree depth (10)"), "N" },
    { "metric", 0, 0, G_OPTION_ARG_STRING, &metric, N_ ("diag (default) or dense"), "KIND" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("Print one JSON object"), NULL },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out_path,
      N_ ("Record the run in this project (created when missing), draws saved as they come"), "PROJECT" },
    { NULL },
  };
  int status = parse_options (find_command ("sample"), entries, &argc, &argv);
  if (status >= 0)
    return status;
  if (argc != 2)
    {
      fprintf (stderr, _("credence-cli sample: give one model file\n"));
      return EXIT_USAGE;
    }
  CrSampleSettings settings;
  cr_sample_settings_init (&settings);
  settings.n_chains = chains > 0 ? (guint) chains : 0;
  settings.n_draws = draws > 0 ? (size_t) draws : 0;
  settings.n_tune = tune >= 0 ? (size_t) tune : (size_t) -1;
  settings.seed = seed >= 0 ? (guint64) seed : g_random_int ();
  settings.target_accept = target_accept;
  settings.max_treedepth = max_treedepth > 0 ? (guint) max_treedepth : 0;
  if (metric != NULL && strcmp (metric, "dense") == 0)
    settings.metric = CR_METRIC_DENSE;
  else if (metric != NULL && strcmp (metric, "diag") != 0)
    {
      fprintf (stderr, _("credence-cli sample: --metric is diag or dense, not “%s”\n"), metric);
      return EXIT_USAGE;
    }
  g_autoptr (GError) error = NULL;
  if (!cr_sample_settings_check (&settings, &error))
    {
      print_error ("sample", error);
      return EXIT_USAGE;
    }

  g_autoptr (CrDataset) dataset = NULL;
  g_autoptr (CrModel) model = NULL;
  if ((status = load_model ("sample", argv[1], data_path, &dataset, &model)) != 0)
    return status;
  g_autoptr (CrTape) tape = cr_tape_new (model, &error);
  if (tape == NULL)
    {
      print_error ("sample", error);
      return EXIT_INPUT;
    }
  g_autoptr (CrSampler) sampler = cr_sampler_new_for_tape (tape, &settings, &error);
  if (sampler == NULL)
    {
      print_error ("sample", error);
      return EXIT_USAGE;
    }

  struct sigaction action = { 0 }, previous;
  action.sa_handler = on_interrupt;
  sigaction (SIGINT, &action, &previous);
  gboolean live = isatty (STDERR_FILENO);
  if (!json)
    fprintf (stderr, _("Sampling %u chains: %zu warmup + %zu draws each, seed %llu\n"),
             settings.n_chains, settings.n_tune, settings.n_draws, (unsigned long long) settings.seed);
  g_autoptr (Recording) recording = NULL;
  if (out_path != NULL
      && (recording = recording_begin (out_path, argv[1], data_path, dataset, tape, &settings, &error)) == NULL)
    {
      print_error ("sample", error);
      return EXIT_INPUT;
    }
  cr_sampler_start (sampler, 0);
  gboolean drawn = FALSE;
  gint64 last_flush = g_get_monotonic_time (), last_progress = 0;
  while (!cr_sampler_is_finished (sampler))
    {
      if (interrupted)
        cr_sampler_cancel (sampler);
      gint64 now = g_get_monotonic_time ();
      if (live && now - last_progress >= G_USEC_PER_SEC / 5)
        {
          print_progress (sampler, drawn);
          drawn = TRUE;
          last_progress = now;
        }
      /* A batch a second: a kill loses at most the last second of draws (store.h). */
      if (recording != NULL && now - last_flush >= G_USEC_PER_SEC)
        {
          recording_collect (recording, sampler);
          if (!cr_run_writer_flush (recording->writer, &error))
            {
              fprintf (stderr, _("credence-cli sample: cannot save draws (will retry): %s\n"), error->message);
              g_clear_error (&error);
            }
          last_flush = now;
        }
      /* Wakes at once when the last chain finishes, so the summary starts without delay. */
      cr_sampler_wait_finished (sampler, CLI_POLL_US);
    }
  if (live)
    print_progress (sampler, drawn);
  sigaction (SIGINT, &previous, NULL);
  gboolean sampled = cr_sampler_wait (sampler, &error);
  if (recording != NULL)
    {
      g_autoptr (GError) save_error = NULL;
      if (!recording_finish (recording, sampler,
                             !sampled ? CR_RUN_FAILED : cr_sampler_was_cancelled (sampler) ? CR_RUN_INTERRUPTED
                                                                                         : CR_RUN_COMPLETE,
                             &save_error))
        {
          print_error ("sample", save_error);
          return EXIT_FAILURE;
        }
      if (!json)
        fprintf (stderr, _("Saved as run %lld in %s\n"), (long long) recording->run_id, out_path);
    }
  if (!sampled)
    {
      print_error ("sample", error);
      return EXIT_INPUT;
    }

  double warmup_seconds = 0, sampling_seconds = 0;
  for (guint c = 0; c < settings.n_chains; c++)
    {
      double w, t;
      cr_chain_get_timing (cr_sampler_get_chain (sampler, c), &w, &t);
      warmup_seconds += w;
      sampling_seconds += t;
    }
  /* Kept draws every chain has: all of them, or fewer after an interruption. */
  g_autoptr (CrSampleSummary) summary = cr_sample_summary_new_for_sampler (sampler, tape);
  if (summary == NULL)
    {
      fprintf (stderr, _("credence-cli sample: stopped during warmup; there are no draws to summarise\n"));
      return EXIT_FAILURE;
    }
  if (cr_sampler_was_cancelled (sampler) && !json)
    fprintf (stderr, _("Stopped: summarising the %zu draws per chain made so far.\n"), summary->n_draws);
  print_summary (summary, json, warmup_seconds, sampling_seconds);
  return cr_sampler_was_cancelled (sampler) ? 130 : EXIT_SUCCESS;
}

/* CmdStan's "theta.1" and "L.2.1" are Credence's "theta[0]" and "L[1,0]"; other names stay. */
static char *
zero_based_name (const char *name)
{
  g_auto (GStrv) parts = g_strsplit (name, ".", -1);
  guint n = g_strv_length (parts);
  if (n < 2)
    return g_strdup (name);
  g_autoptr (GString) out = g_string_new (parts[0]);
  for (guint k = 1; k < n; k++)
    {
      char *end = NULL;
      guint64 index = g_ascii_strtoull (parts[k], &end, 10);
      if (end == parts[k] || *end != '\0' || index == 0)
        return g_strdup (name);
      g_string_append_printf (out, "%s%" G_GUINT64_FORMAT, k == 1 ? "[" : ",", index - 1);
    }
  g_string_append_c (out, ']');
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static int
stat_of_column (const char *name)
{
  static const char *const columns[CR_N_STATS] = { "lp__", "accept_stat__", "stepsize__", "treedepth__",
                                                   "n_leapfrog__", "divergent__", "energy__" };
  for (int k = 0; k < CR_N_STATS; k++)
    if (strcmp (name, columns[k]) == 0)
      return k;
  return -1;
}

typedef struct
{
  GPtrArray *names;  /* quantity names, 0-based */
  GPtrArray *values; /* per chain: GArray of doubles, draws x quantities */
  GPtrArray *stats;  /* per chain: GArray of doubles, draws x CR_N_STATS */
  guint max_treedepth;
} Draws;

static void
draws_clear (Draws *draws)
{
  g_clear_pointer (&draws->names, g_ptr_array_unref);
  g_clear_pointer (&draws->values, g_ptr_array_unref);
  g_clear_pointer (&draws->stats, g_ptr_array_unref);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Draws, draws_clear)

/* Adds the draws of one file: a CmdStan chain, or a wide table whose "chain" column splits it. */
static gboolean
read_draws_file (Draws *draws, const char *path, GError **error)
{
  g_autofree char *text = NULL;
  gsize length = 0;
  if (!g_file_get_contents (path, &text, &length, error))
    return FALSE;
  /* CmdStan writes its settings as '#' lines: keep max_depth, drop the rest. (Line numbers in
   * the reader's messages then count the table's lines.) */
  g_autoptr (GString) kept = g_string_sized_new (length);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (char **line = lines; *line != NULL; line++)
    {
      if ((*line)[0] != '#')
        {
          g_string_append (kept, *line);
          if (line[1] != NULL)
            g_string_append_c (kept, '\n');
          continue;
        }
      const char *depth = strstr (*line, "max_depth = ");
      if (depth != NULL)
        draws->max_treedepth = (guint) g_ascii_strtoull (depth + strlen ("max_depth = "), NULL, 10);
    }
  g_autoptr (CrDataset) table = cr_dataset_parse_csv (kept->str, kept->len, path, error);
  if (table == NULL)
    return FALSE;

  size_t n_rows = cr_dataset_get_n_rows (table), n_columns = cr_dataset_get_n_columns (table);
  const CrColumn *chain_column = cr_dataset_find_column (table, "chain");
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) quantity_columns = g_array_new (FALSE, FALSE, sizeof (size_t));
  int stat_columns[CR_N_STATS];
  for (int k = 0; k < CR_N_STATS; k++)
    stat_columns[k] = -1;
  for (size_t j = 0; j < n_columns; j++)
    {
      const CrColumn *column = cr_dataset_get_column (table, j);
      int stat = stat_of_column (column->name);
      if (stat >= 0)
        stat_columns[stat] = (int) j;
      if (stat >= 0 || g_str_has_suffix (column->name, "__") || strcmp (column->name, "chain") == 0
          || strcmp (column->name, "draw") == 0 || strcmp (column->name, "iteration") == 0)
        continue;
      if (column->type == CR_COLUMN_CATEGORICAL || column->n_missing > 0)
        {
          g_set_error (error, CR_DATA_ERROR, CR_DATA_ERROR_NOT_A_NUMBER,
                       "%s: column '%s' holds something other than numbers; draws files hold one "
                       "number per cell",
                       path, column->name);
          return FALSE;
        }
      g_ptr_array_add (names, zero_based_name (column->name));
      g_array_append_val (quantity_columns, j);
    }
  if (names->len == 0)
    {
      g_set_error (error, CR_DATA_ERROR, CR_DATA_ERROR_EMPTY, "%s: no columns of draws", path);
      return FALSE;
    }
  if (draws->names == NULL)
    draws->names = g_steal_pointer (&names);
  else
    {
      gboolean same = draws->names->len == names->len;
      for (guint k = 0; same && k < names->len; k++)
        same = strcmp (g_ptr_array_index (draws->names, k), g_ptr_array_index (names, k)) == 0;
      if (!same)
        {
          g_set_error (error, CR_DATA_ERROR, CR_DATA_ERROR_SHAPE,
                       "%s: its columns differ from the first file's; give the chains of one run",
                       path);
          return FALSE;
        }
    }

  /* Chains in the order they first appear. */
  g_autoptr (GArray) chain_ids = g_array_new (FALSE, FALSE, sizeof (double));
  for (size_t i = 0; i < n_rows; i++)
    {
      double id = chain_column != NULL ? chain_column->values[i] : 0;
      gboolean seen = FALSE;
      for (guint c = 0; c < chain_ids->len && !seen; c++)
        seen = g_array_index (chain_ids, double, c) == id;
      if (!seen)
        g_array_append_val (chain_ids, id);
    }
  for (guint c = 0; c < chain_ids->len; c++)
    {
      double id = g_array_index (chain_ids, double, c);
      GArray *values = g_array_new (FALSE, FALSE, sizeof (double));
      GArray *stats = g_array_new (FALSE, FALSE, sizeof (double));
      for (size_t i = 0; i < n_rows; i++)
        {
          if (chain_column != NULL && chain_column->values[i] != id)
            continue;
          for (guint q = 0; q < quantity_columns->len; q++)
            g_array_append_val (values, cr_dataset_get_column (table, g_array_index (quantity_columns, size_t, q))->values[i]);
          for (int k = 0; k < CR_N_STATS; k++)
            {
              /* Unknown stats: no divergences, no saturation, and NaN for the rest. */
              double v = stat_columns[k] >= 0 ? cr_dataset_get_column (table, (size_t) stat_columns[k])->values[i]
                         : k == CR_STAT_DIVERGENT || k == CR_STAT_TREE_DEPTH || k == CR_STAT_N_LEAPFROG ? 0.0
                                                                                                          : NAN;
              g_array_append_val (stats, v);
            }
        }
      g_ptr_array_add (draws->values, values);
      g_ptr_array_add (draws->stats, stats);
    }
  return TRUE;
}

static int
command_diagnose (int argc, char **argv)
{
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("Print one JSON object"), NULL },
    { NULL },
  };
  int status = parse_options (find_command ("diagnose"), entries, &argc, &argv);
  if (status >= 0)
    return status;
  if (argc < 2)
    {
      fprintf (stderr, _("credence-cli diagnose: give one or more draws files\n"));
      return EXIT_USAGE;
    }
  g_auto (Draws) draws = { NULL, g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref),
                           g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref), 10 };
  g_autoptr (GError) error = NULL;
  for (int f = 1; f < argc; f++)
    if (!read_draws_file (&draws, argv[f], &error))
      {
        print_error ("diagnose", error);
        return EXIT_INPUT;
      }
  /* read_draws_file () made names and at least one chain, or failed. */
  g_assert (draws.names != NULL && draws.values->len > 0);
  size_t n_quantities = draws.names->len, n_chains = draws.values->len;
  size_t n_draws = ((GArray *) g_ptr_array_index (draws.values, 0))->len / n_quantities;
  for (size_t c = 1; c < n_chains; c++)
    if (((GArray *) g_ptr_array_index (draws.values, c))->len / n_quantities != n_draws)
      {
        fprintf (stderr, _("credence-cli diagnose: chain %zu has %u draws but chain 0 has %zu; "
                           "the chains of one run have as many draws each\n"),
                 c, ((GArray *) g_ptr_array_index (draws.values, c))->len / (guint) n_quantities, n_draws);
        return EXIT_INPUT;
      }
  if (n_draws == 0)
    {
      fprintf (stderr, _("credence-cli diagnose: the files hold no draws\n"));
      return EXIT_INPUT;
    }
  g_autofree CrTraceVariable *variables = g_new0 (CrTraceVariable, n_quantities);
  g_autofree const double **values = g_new (const double *, n_chains);
  g_autofree const double **stats = g_new (const double *, n_chains);
  for (size_t q = 0; q < n_quantities; q++)
    variables[q] = (CrTraceVariable){ g_ptr_array_index (draws.names, q), CR_NODE_DETERMINISTIC, { 0, 1, 1 }, q };
  for (size_t c = 0; c < n_chains; c++)
    {
      values[c] = (const double *) ((GArray *) g_ptr_array_index (draws.values, c))->data;
      stats[c] = (const double *) ((GArray *) g_ptr_array_index (draws.stats, c))->data;
    }
  g_autoptr (CrSampleSummary) summary = cr_sample_summary_new (variables, n_quantities, n_quantities, values, stats,
                                                               n_chains, 0, n_draws, draws.max_treedepth, 0.8);
  print_summary (summary, json, NAN, NAN);
  return EXIT_SUCCESS;
}

static int
command_new (int argc, char **argv)
{
  g_autofree char *data_path = NULL, *model_path = NULL;
  const GOptionEntry entries[] = {
    { "data", 'd', 0, G_OPTION_ARG_FILENAME, &data_path, N_ ("The data table (CSV)"), "CSV" },
    { "model", 'm', 0, G_OPTION_ARG_FILENAME, &model_path, N_ ("The model (.crm text)"), "MODEL" },
    { NULL },
  };
  int status = parse_options (find_command ("new"), entries, &argc, &argv);
  if (status >= 0)
    return status;
  if (argc != 2 || data_path == NULL)
    {
      fprintf (stderr, _("credence-cli new: give the project to create and --data CSV\n"));
      return EXIT_USAGE;
    }

  g_autoptr (GError) error = NULL;
  g_autoptr (CrDataset) dataset = cr_dataset_read_csv (data_path, &error);
  if (dataset == NULL)
    {
      print_error ("new", error);
      return EXIT_INPUT;
    }
  g_autofree char *model_text = NULL;
  if (model_path != NULL && !g_file_get_contents (model_path, &model_text, NULL, &error))
    {
      print_error ("new", error);
      return EXIT_INPUT;
    }
  if (model_text != NULL && !g_utf8_validate (model_text, -1, NULL))
    {
      fprintf (stderr, _("credence-cli new: %s is not UTF-8 text\n"), model_path);
      return EXIT_INPUT;
    }

  g_autoptr (CrProject) project = cr_project_create (argv[1], &error);
  if (project == NULL)
    {
      print_error ("new", error);
      return g_error_matches (error, CR_STORE_ERROR, CR_STORE_ERROR_EXISTS) ? EXIT_INPUT : EXIT_FAILURE;
    }
  gint64 dataset_id = cr_project_add_dataset (project, dataset, data_path, &error);
  if (dataset_id == 0)
    {
      print_error ("new", error);
      return EXIT_FAILURE;
    }
  if (model_text != NULL)
    {
      g_autofree char *base = g_path_get_basename (model_path);
      char *dot = strrchr (base, '.');
      if (dot != NULL && dot != base)
        *dot = '\0';
      if (cr_project_save_model (project, base, model_text, dataset_id, &error) == 0)
        {
          print_error ("new", error);
          return EXIT_FAILURE;
        }
    }
  printf (_("Created %s: dataset “%s” (%zu rows, %zu columns)%s\n"), argv[1],
          cr_dataset_get_name (dataset), cr_dataset_get_n_rows (dataset),
          cr_dataset_get_n_columns (dataset), model_text != NULL ? _(" and its model") : "");
  return EXIT_SUCCESS;
}

static int
command_info (int argc, char **argv)
{
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("Print one JSON object"), NULL },
    { NULL },
  };
  int status = parse_options (find_command ("info"), entries, &argc, &argv);
  if (status >= 0)
    return status;
  if (argc != 2)
    {
      fprintf (stderr, _("credence-cli info: give one project file\n"));
      return EXIT_USAGE;
    }

  g_autoptr (GError) error = NULL;
  g_autoptr (CrProject) project = cr_project_open (argv[1], &error);
  g_autoptr (GPtrArray) datasets = project != NULL ? cr_project_list_datasets (project, &error) : NULL;
  g_autoptr (GPtrArray) models = datasets != NULL ? cr_project_list_models (project, &error) : NULL;
  if (models == NULL)
    {
      print_error ("info", error);
      return EXIT_INPUT;
    }

  if (json)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "datasets");
      json_builder_begin_array (builder);
      for (guint i = 0; i < datasets->len; i++)
        {
          const CrDatasetInfo *info = g_ptr_array_index (datasets, i);
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "id");
          json_builder_add_int_value (builder, info->id);
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, info->name);
          json_builder_set_member_name (builder, "rows");
          json_builder_add_int_value (builder, (gint64) info->n_rows);
          json_builder_set_member_name (builder, "columns");
          json_builder_add_int_value (builder, (gint64) info->n_columns);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "models");
      json_builder_begin_array (builder);
      for (guint i = 0; i < models->len; i++)
        {
          const CrModelInfo *info = g_ptr_array_index (models, i);
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "id");
          json_builder_add_int_value (builder, info->id);
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, info->name);
          json_builder_set_member_name (builder, "dataset");
          if (info->dataset_id > 0)
            json_builder_add_int_value (builder, info->dataset_id);
          else
            json_builder_add_null_value (builder);
          json_builder_set_member_name (builder, "modified");
          json_builder_add_string_value (builder, info->modified);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      g_autoptr (JsonNode) root = json_builder_get_root (builder);
      g_autofree char *text = json_to_string (root, TRUE);
      printf ("%s\n", text);
      return EXIT_SUCCESS;
    }

  printf (_("Datasets:\n"));
  if (datasets->len == 0)
    printf (_("  (none)\n"));
  for (guint i = 0; i < datasets->len; i++)
    {
      const CrDatasetInfo *info = g_ptr_array_index (datasets, i);
      printf (_("  %lld  %s: %zu rows, %zu columns\n"), (long long) info->id, info->name,
              info->n_rows, info->n_columns);
    }
  printf (_("Models:\n"));
  if (models->len == 0)
    printf (_("  (none)\n"));
  for (guint i = 0; i < models->len; i++)
    {
      const CrModelInfo *info = g_ptr_array_index (models, i);
      printf (_("  %lld  %s (modified %s)\n"), (long long) info->id, info->name,
              info->modified);
    }
  return EXIT_SUCCESS;
}

int
main (int argc, char **argv)
{
  gsl_set_error_handler_off ();
  setlocale (LC_ALL, "");
  const char *localedir = g_getenv ("CREDENCE_LOCALEDIR");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL && *localedir != '\0' ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc < 2)
    {
      print_usage (stderr);
      return EXIT_USAGE;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 || strcmp (argv[1], "help") == 0)
    {
      print_usage (stdout);
      return EXIT_SUCCESS;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("credence-cli %s\n", PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }
  for (size_t i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      return commands[i].run (argc - 1, argv + 1);

  fprintf (stderr, _("credence-cli: unknown command “%s”\n\n"), argv[1]);
  print_usage (stderr);
  return EXIT_USAGE;
}
