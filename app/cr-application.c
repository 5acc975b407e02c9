/* cr-application.c: application-wide actions and the example project. */
#include "cr-application.h"

#include "config.h"
#include "cr-window.h"
#include "data/data.h"
#include "store/store.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>

struct _CrApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (CrApplication, cr_application, ADW_TYPE_APPLICATION)

#define EXAMPLE_RESOURCE "/org/credence/Credence/examples/"

void
cr_application_init_i18n (void)
{
  setlocale (LC_ALL, "");
  const char *dir = g_getenv ("CREDENCE_LOCALEDIR");
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *build_root = g_path_get_dirname (BUILD_LOCALEDIR);
  if (dir == NULL || *dir == '\0')
    dir = exe != NULL && g_str_has_prefix (exe, build_root) ? BUILD_LOCALEDIR : LOCALEDIR;
  bindtextdomain (GETTEXT_PACKAGE, dir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

static gboolean
write_example_project (const char *path, GError **error)
{
  g_autoptr (GBytes) csv = g_resources_lookup_data (EXAMPLE_RESOURCE "eight_schools.csv", 0, error);
  g_autoptr (GBytes) model = csv != NULL ? g_resources_lookup_data (EXAMPLE_RESOURCE "eight_schools.crm", 0, error)
                                         : NULL;
  if (model == NULL)
    return FALSE;

  gsize csv_length = 0, model_length = 0;
  const char *csv_text = g_bytes_get_data (csv, &csv_length);
  const char *model_bytes = g_bytes_get_data (model, &model_length);
  g_autoptr (CrDataset) dataset = cr_dataset_parse_csv (csv_text, csv_length, "eight_schools", error);
  if (dataset == NULL)
    return FALSE;

  /* Build it beside its final name and move it into place, so a crash never leaves a
   * half-written example that would then be opened as the user's. */
  g_autofree char *partial = g_strconcat (path, ".partial", NULL);
  g_unlink (partial);
  {
    g_autoptr (CrProject) project = cr_project_create (partial, error);
    if (project == NULL)
      return FALSE;
    gint64 dataset_id = cr_project_add_dataset (project, dataset, "eight_schools.csv", error);
    g_autofree char *model_text = g_strndup (model_bytes, model_length);
    if (dataset_id == 0
        || cr_project_save_model (project, "Eight schools", model_text, dataset_id, error) == 0)
      {
        cr_project_close (g_steal_pointer (&project));
        g_unlink (partial);
        return FALSE;
      }
  }
  /* Closing checkpointed the WAL into the file; the -wal and -shm files are gone. */
  if (g_rename (partial, path) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Cannot create the example project at %s: %s"), path, g_strerror (saved));
      g_unlink (partial);
      return FALSE;
    }
  return TRUE;
}

char *
cr_application_ensure_example_project (GError **error)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "credence", "examples", NULL);
  g_autofree char *path = g_build_filename (dir, "Eight schools.credence", NULL);
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    return g_steal_pointer (&path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Cannot create the folder %s: %s"), dir, g_strerror (saved));
      return NULL;
    }
  if (!write_example_project (path, error))
    return NULL;
  return g_steal_pointer (&path);
}

static void
cr_application_activate (GApplication *app)
{
  CrWindow *window = cr_window_new (GTK_APPLICATION (app));
  gtk_window_present (GTK_WINDOW (window));

  g_autoptr (GError) error = NULL;
  g_autofree char *example = cr_application_ensure_example_project (&error);
  if (example == NULL || !cr_window_open_project (window, example, &error))
    cr_window_show_error (window, _("The Example Project Could Not Be Opened"), error);
}

static void
cr_application_open (GApplication *app, GFile **files, int n_files, const char *hint)
{
  for (int i = 0; i < n_files; i++)
    {
      CrWindow *window = cr_window_new (GTK_APPLICATION (app));
      gtk_window_present (GTK_WINDOW (window));
      g_autofree char *path = g_file_get_path (files[i]);
      g_autoptr (GError) error = NULL;
      if (path == NULL)
        g_set_error (&error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                     _("Only local files can be opened"));
      if (error != NULL || !cr_window_open_project (window, path, &error))
        cr_window_show_error (window, _("The Project Could Not Be Opened"), error);
    }
}

static void
new_window_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  CrWindow *window = cr_window_new (GTK_APPLICATION (user_data));
  gtk_window_present (GTK_WINDOW (window));
}

static void
about_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));
  static const char *developers[] = { "The Credence developers", NULL };
  AdwAboutWindow *about = ADW_ABOUT_WINDOW (adw_about_window_new ());
  g_object_set (about,
                "transient-for", parent,
                "application-name", "Credence",
                "application-icon", APPLICATION_ID,
                "version", PACKAGE_VERSION,
                "developer-name", _("The Credence developers"),
                "developers", developers,
                "comments", _("Build Bayesian models, sample them and check the results"),
                "license-type", GTK_LICENSE_GPL_3_0,
                /* Translators: replace with your names, one per line. */
                "translator-credits", _("translator-credits"),
                NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
quit_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
cr_application_startup (GApplication *app)
{
  G_APPLICATION_CLASS (cr_application_parent_class)->startup (app);

  static const GActionEntry entries[] = {
    { .name = "new-window", .activate = new_window_activated },
    { .name = "about", .activate = about_activated },
    { .name = "quit", .activate = quit_activated },
  };
  g_action_map_add_action_entries (G_ACTION_MAP (app), entries, G_N_ELEMENTS (entries), app);

  static const struct
  {
    const char *action;
    const char *accels[2];
  } accels[] = {
    { "app.new-window", { "<Primary>n", NULL } },
    { "app.quit", { "<Primary>q", NULL } },
    { "window.close", { "<Primary>w", NULL } },
    { "win.open", { "<Primary>o", NULL } },
    { "win.save", { "<Primary>s", NULL } },
    { "win.save-as", { "<Primary><Shift>s", NULL } },
    { "win.run", { "<Primary>r", NULL } },
    { "win.stop", { "Escape", NULL } },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (app), accels[i].action, accels[i].accels);
}

static void
cr_application_class_init (CrApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);
  app_class->startup = cr_application_startup;
  app_class->activate = cr_application_activate;
  app_class->open = cr_application_open;
}

static void
cr_application_init (CrApplication *self)
{
}

CrApplication *
cr_application_new (GApplicationFlags flags)
{
  return g_object_new (CR_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", flags | G_APPLICATION_HANDLES_OPEN,
                       NULL);
}
