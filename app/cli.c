/* cli.c: credence-cli, the headless entry point. It links the engine (inference/) and the
 * plot renderers (widgets/plot/) only, never GTK, so it runs on servers and in scripts.
 *
 * Exit status: 0 success, 1 a failure of the environment (a file that cannot be written),
 * 2 bad input (a malformed file, a bad argument), 64 a usage error.
 */
#include "config.h"
#include "data/data.h"
#include "store/store.h"

#include <glib/gi18n.h>
#include <gsl/gsl_errno.h>
#include <json-glib/json-glib.h>
#include <locale.h>
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

static int command_new (int argc, char **argv);
static int command_info (int argc, char **argv);

static const Command commands[] = {
  { "new", "PROJECT --data CSV [--model MODEL.crm]",
    N_ ("Create a project from a data table and, optionally, a model"), command_new },
  { "info", "PROJECT [--json]", N_ ("List the datasets and models in a project"), command_info },
};

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

static int
command_new (int argc, char **argv)
{
  g_autofree char *data_path = NULL, *model_path = NULL;
  const GOptionEntry entries[] = {
    { "data", 'd', 0, G_OPTION_ARG_FILENAME, &data_path, N_ ("The data table (CSV)"), "CSV" },
    { "model", 'm', 0, G_OPTION_ARG_FILENAME, &model_path, N_ ("The model (.crm text)"), "MODEL" },
    { NULL },
  };
  int status = parse_options (&commands[0], entries, &argc, &argv);
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
  int status = parse_options (&commands[1], entries, &argc, &argv);
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
