/* cr-window.c: the main window. */
#include "cr-window.h"

#include "config.h"
#include "cr-code-view.h"
#include "store/store.h"

#include <glib/gi18n.h>
#include <string.h>

struct _CrWindow
{
  AdwApplicationWindow parent_instance;

  AdwToastOverlay *toast_overlay;
  AdwViewSwitcherTitle *switcher_title;
  AdwViewStack *stack;
  AdwStatusPage *data_page;
  GtkStack *model_stack;
  CrCodeView *code_view;

  CrProject *project;
};

G_DEFINE_FINAL_TYPE (CrWindow, cr_window, ADW_TYPE_APPLICATION_WINDOW)

static void
show_toast (CrWindow *self, const char *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

void
cr_window_show_error (CrWindow *self, const char *heading, const GError *error)
{
  g_return_if_fail (CR_IS_WINDOW (self));
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading,
                                              error != NULL ? error->message : NULL);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The Data view says what the project holds until the data table exists. */
static void
show_datasets (CrWindow *self, GPtrArray *datasets)
{
  g_autoptr (GString) text = g_string_new (
      _("The data table will be here: every column with its type, its missing values and a "
        "histogram."));
  if (datasets == NULL || datasets->len == 0)
    {
      g_string_append (text, "\n\n");
      g_string_append (text, _("This project has no data yet."));
    }
  for (guint i = 0; datasets != NULL && i < datasets->len; i++)
    {
      const CrDatasetInfo *info = g_ptr_array_index (datasets, i);
      g_autofree char *rows = g_strdup_printf (
          g_dngettext (GETTEXT_PACKAGE, "%zu row", "%zu rows", info->n_rows), info->n_rows);
      g_autofree char *columns = g_strdup_printf (
          g_dngettext (GETTEXT_PACKAGE, "%zu column", "%zu columns", info->n_columns),
          info->n_columns);
      g_string_append (text, "\n\n");
      /* Translators: a dataset's name, then "8 rows" and "3 columns". */
      g_string_append_printf (text, _("This project holds “%s”: %s, %s."), info->name, rows,
                              columns);
    }
  adw_status_page_set_description (self->data_page, text->str);
}

static void
show_model (CrWindow *self, CrProject *project, GPtrArray *models)
{
  if (models == NULL || models->len == 0)
    {
      gtk_stack_set_visible_child_name (self->model_stack, "empty");
      return;
    }
  const CrModelInfo *info = g_ptr_array_index (models, 0);
  g_autofree char *text = cr_project_load_model_text (project, info->id, NULL);
  cr_code_view_set_text (self->code_view, text);
  gtk_stack_set_visible_child_name (self->model_stack, "code");
}

gboolean
cr_window_open_project (CrWindow *self, const char *path, GError **error)
{
  g_return_val_if_fail (CR_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  g_autoptr (CrProject) project = cr_project_open (path, error);
  if (project == NULL)
    return FALSE;
  g_autoptr (GPtrArray) datasets = cr_project_list_datasets (project, error);
  if (datasets == NULL)
    return FALSE;
  g_autoptr (GPtrArray) models = cr_project_list_models (project, error);
  if (models == NULL)
    return FALSE;

  cr_project_close (self->project);
  self->project = g_steal_pointer (&project);

  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *dir = g_path_get_dirname (path);
  char *dot = g_strrstr (base, ".credence");
  if (dot != NULL && dot[strlen (".credence")] == '\0')
    *dot = '\0';
  g_autofree char *home = g_strdup (g_get_home_dir ());
  g_autofree char *shown_dir = g_str_has_prefix (dir, home)
                                   ? g_strconcat ("~", dir + strlen (home), NULL)
                                   : g_strdup (dir);
  gtk_window_set_title (GTK_WINDOW (self), base);
  adw_view_switcher_title_set_title (self->switcher_title, base);
  adw_view_switcher_title_set_subtitle (self->switcher_title, shown_dir);

  show_datasets (self, datasets);
  show_model (self, self->project, models);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save-as", TRUE);
  return TRUE;
}

const char *
cr_window_get_project_path (CrWindow *self)
{
  g_return_val_if_fail (CR_IS_WINDOW (self), NULL);
  return self->project != NULL ? cr_project_get_path (self->project) : NULL;
}

static GtkFileFilter *
project_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("Credence projects"));
  gtk_file_filter_add_pattern (filter, "*.credence");
  gtk_file_filter_add_mime_type (filter, "application/x-credence-project");
  return filter;
}

static void
open_response (GtkNativeDialog *chooser, int response, gpointer user_data)
{
  CrWindow *self = CR_WINDOW (user_data);
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = g_file_get_path (file);
      g_autoptr (GError) error = NULL;
      if (path != NULL && !cr_window_open_project (self, path, &error))
        cr_window_show_error (self, _("The Project Could Not Be Opened"), error);
    }
  g_object_unref (chooser);
}

static void
open_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (
      _("Open a Project"), GTK_WINDOW (widget), GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"),
      _("_Cancel"));
  g_autoptr (GtkFileFilter) filter = project_filter ();
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect (chooser, "response", G_CALLBACK (open_response), widget);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Every change is written to the project file as it is made (store.h), so Save has nothing
 * to write; it says so, so that pressing Ctrl+S out of habit is never a worry. */
static void
save_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CrWindow *self = CR_WINDOW (widget);
  if (self->project == NULL)
    return;
  g_autofree char *base = g_path_get_basename (cr_project_get_path (self->project));
  g_autofree char *text = g_strdup_printf (_("Everything is saved in %s"), base);
  show_toast (self, text);
}

static void
save_as_response (GtkNativeDialog *chooser, int response, gpointer user_data)
{
  CrWindow *self = CR_WINDOW (user_data);
  if (response == GTK_RESPONSE_ACCEPT && self->project != NULL)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *chosen = g_file_get_path (file);
      g_autofree char *path = chosen != NULL && !g_str_has_suffix (chosen, ".credence")
                                  ? g_strconcat (chosen, ".credence", NULL)
                                  : g_strdup (chosen);
      g_autoptr (GError) error = NULL;
      if (path != NULL
          && (!cr_project_save_copy (self->project, path, &error)
              || !cr_window_open_project (self, path, &error)))
        cr_window_show_error (self, _("The Project Could Not Be Saved"), error);
    }
  g_object_unref (chooser);
}

static void
save_as_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CrWindow *self = CR_WINDOW (widget);
  if (self->project == NULL)
    return;
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (
      _("Save the Project As"), GTK_WINDOW (widget), GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"),
      _("_Cancel"));
  g_autoptr (GtkFileFilter) filter = project_filter ();
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_autofree char *base = g_path_get_basename (cr_project_get_path (self->project));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), base);
  g_signal_connect (chooser, "response", G_CALLBACK (save_as_response), widget);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
cr_window_dispose (GObject *object)
{
  CrWindow *self = CR_WINDOW (object);
  g_clear_pointer (&self->project, cr_project_close);
  gtk_widget_dispose_template (GTK_WIDGET (self), CR_TYPE_WINDOW);
  G_OBJECT_CLASS (cr_window_parent_class)->dispose (object);
}

static void
cr_window_class_init (CrWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = cr_window_dispose;

  g_type_ensure (CR_TYPE_CODE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/credence/Credence/ui/cr-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CrWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, data_page);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, model_stack);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, code_view);

  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL, save_as_action);
}

static void
cr_window_init (CrWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  show_datasets (self, NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save-as", FALSE);
}

CrWindow *
cr_window_new (GtkApplication *application)
{
  return g_object_new (CR_TYPE_WINDOW, "application", application, NULL);
}
