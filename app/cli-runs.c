/* cli-runs.c: `credence-cli runs` and `credence-cli export`. */
#include "cli-runs.h"

#include "config.h"
#include "store/store.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

enum
{
  EXIT_OUTPUT = 1,
  EXIT_INPUT = 2,
  EXIT_USAGE = 64,
};

/* Parses @entries; prints the error. Returns: -1 to go on, else the exit status. */
static int
parse_options (const char *command,
               const char *parameter,
               const char *summary,
               const GOptionEntry *entries,
               int *argc,
               char ***argv)
{
  g_autofree char *usage = g_strdup_printf ("%s %s", command, parameter);
  g_autoptr (GOptionContext) context = g_option_context_new (usage);
  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      fprintf (stderr, "credence-cli %s: %s\n", command, error->message);
      return EXIT_USAGE;
    }
  return -1;
}

static void
print_error (const char *command, const GError *error)
{
  fprintf (stderr, "credence-cli %s: %s\n", command, error->message);
}

/* "1.23 s", or a dash when the time is unknown. Returns: (transfer full). */
static char *
seconds_text (double seconds)
{
  if (!isfinite (seconds))
    return g_strdup ("—");
  return g_strdup_printf (_("%.2f s"), seconds);
}

static void
add_seconds (JsonBuilder *builder, const char *name, double seconds)
{
  json_builder_set_member_name (builder, name);
  if (isfinite (seconds))
    json_builder_add_double_value (builder, seconds);
  else
    json_builder_add_null_value (builder);
}

static void
print_runs_json (const GPtrArray *runs)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  json_builder_begin_array (builder);
  for (guint i = 0; i < runs->len; i++)
    {
      const CrRunInfo *info = g_ptr_array_index (runs, i);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, info->id);
      json_builder_set_member_name (builder, "model");
      if (info->model_name != NULL)
        json_builder_add_string_value (builder, info->model_name);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "status");
      json_builder_add_string_value (builder, cr_run_status_to_string (info->status));
      json_builder_set_member_name (builder, "chains");
      json_builder_add_int_value (builder, (gint64) info->n_chains);
      json_builder_set_member_name (builder, "tune");
      json_builder_add_int_value (builder, (gint64) info->tune);
      json_builder_set_member_name (builder, "draws");
      json_builder_add_int_value (builder, (gint64) info->draws);
      json_builder_set_member_name (builder, "stored_draws");
      json_builder_add_int_value (builder, (gint64) info->stored_draws);
      json_builder_set_member_name (builder, "seed");
      /* JSON numbers lose integers past 2^53; a seed is an identifier, so it is text. */
      g_autofree char *seed = g_strdup_printf ("%" G_GUINT64_FORMAT, info->seed);
      json_builder_add_string_value (builder, seed);
      json_builder_set_member_name (builder, "started");
      json_builder_add_string_value (builder, info->started);
      json_builder_set_member_name (builder, "finished");
      if (info->finished != NULL)
        json_builder_add_string_value (builder, info->finished);
      else
        json_builder_add_null_value (builder);
      add_seconds (builder, "warmup_seconds", info->timings.warmup_seconds);
      add_seconds (builder, "sampling_seconds", info->timings.sampling_seconds);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  g_autoptr (JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = json_to_string (root, TRUE);
  printf ("%s\n", text);
}

int
cr_cli_runs (int argc, char **argv)
{
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("Print one JSON array"), NULL },
    { NULL },
  };
  int status = parse_options ("runs", "PROJECT", _("List the runs stored in a project"), entries,
                              &argc, &argv);
  if (status >= 0)
    return status;
  if (argc != 2)
    {
      fprintf (stderr, _("credence-cli runs: give one project file\n"));
      return EXIT_USAGE;
    }

  g_autoptr (GError) error = NULL;
  g_autoptr (CrProject) project = cr_project_open (argv[1], &error);
  g_autoptr (GPtrArray) runs = project != NULL ? cr_project_list_runs (project, &error) : NULL;
  if (runs == NULL)
    {
      print_error ("runs", error);
      return EXIT_INPUT;
    }
  if (json)
    {
      print_runs_json (runs);
      return EXIT_SUCCESS;
    }
  if (runs->len == 0)
    {
      printf (_("No runs yet in %s\n"), argv[1]);
      return EXIT_SUCCESS;
    }
  printf ("%4s  %-16s  %-11s  %6s  %13s  %10s  %10s  %s\n", _("ID"), _("MODEL"), _("STATUS"),
          _("CHAINS"), _("DRAWS/CHAIN"), _("WARMUP"), _("SAMPLING"), _("STARTED"));
  for (guint i = 0; i < runs->len; i++)
    {
      const CrRunInfo *info = g_ptr_array_index (runs, i);
      g_autofree char *draws = g_strdup_printf ("%zu/%zu", info->stored_draws, info->draws);
      g_autofree char *warmup = seconds_text (info->timings.warmup_seconds);
      g_autofree char *sampling = seconds_text (info->timings.sampling_seconds);
      printf ("%4" G_GINT64_FORMAT "  %-16s  %-11s  %6zu  %13s  %10s  %10s  %s\n", info->id,
              info->model_name != NULL ? info->model_name : "—",
              cr_run_status_to_string (info->status), info->n_chains, draws, warmup, sampling,
              info->started);
    }
  return EXIT_SUCCESS;
}

int
cr_cli_export (int argc, char **argv)
{
  /* G_MININT64 until --run is given, so an explicit --run 0 is told apart from none. */
  gint64 run_id = G_MININT64;
  g_autofree char *format = NULL;
  g_autofree char *out = NULL;
  const GOptionEntry entries[] = {
    { "run", 0, 0, G_OPTION_ARG_INT64, &run_id, N_ ("The run to export (default: the latest)"),
      N_ ("ID") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format,
      N_ ("cmdstan (one CSV per chain, as CmdStan writes) or wide (one CSV)"), N_ ("FORMAT") },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out,
      N_ ("cmdstan: a directory, or NAME.csv for NAME_1.csv…; wide: the file"), N_ ("PATH") },
    { NULL },
  };
  int status = parse_options ("export", "PROJECT", _("Write a stored run's draws as CSV"), entries,
                              &argc, &argv);
  if (status >= 0)
    return status;
  if (argc != 2)
    {
      fprintf (stderr, _("credence-cli export: give one project file\n"));
      return EXIT_USAGE;
    }
  if (format == NULL || out == NULL)
    {
      fprintf (stderr, _("credence-cli export: give --format cmdstan|wide and --out PATH\n"));
      return EXIT_USAGE;
    }
  gboolean cmdstan = strcmp (format, "cmdstan") == 0;
  if (!cmdstan && strcmp (format, "wide") != 0)
    {
      fprintf (stderr, _("credence-cli export: unknown format “%s”; use cmdstan or wide\n"), format);
      return EXIT_INPUT;
    }
  if (run_id == G_MININT64)
    run_id = 0;
  else if (run_id <= 0)
    {
      fprintf (stderr, _("credence-cli export: run ids start at 1; leave out --run for the "
                         "latest run\n"));
      return EXIT_INPUT;
    }

  g_autoptr (GError) error = NULL;
  g_autoptr (CrProject) project = cr_project_open (argv[1], &error);
  g_autoptr (CrRun) run = project != NULL ? cr_project_load_run (project, run_id, &error) : NULL;
  if (run == NULL)
    {
      print_error ("export", error);
      return EXIT_INPUT;
    }
  if (cmdstan)
    {
      g_auto (GStrv) paths = cr_run_export_cmdstan (run, out, &error);
      if (paths == NULL)
        {
          print_error ("export", error);
          return g_error_matches (error, CR_STORE_ERROR, CR_STORE_ERROR_NO_DRAWS) ? EXIT_INPUT
                                                                                  : EXIT_OUTPUT;
        }
      printf (_("Run %lld: wrote %zu draws per chain to\n"), (long long) run->id,
              cr_run_get_n_common_draws (run));
      for (size_t i = 0; paths[i] != NULL; i++)
        printf ("  %s\n", paths[i]);
    }
  else
    {
      if (!cr_run_export_wide (run, out, &error))
        {
          print_error ("export", error);
          return g_error_matches (error, CR_STORE_ERROR, CR_STORE_ERROR_NO_DRAWS) ? EXIT_INPUT
                                                                                  : EXIT_OUTPUT;
        }
      printf (_("Run %lld: wrote %zu quantities of %zu chains to %s\n"), (long long) run->id,
              run->n_values, run->n_chains, out);
    }
  return EXIT_SUCCESS;
}
