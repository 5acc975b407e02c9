/* cr-window.c: the main window. */
#include "cr-window.h"

#include "config.h"
#include "cr-code-view.h"
#include "sample/sample.h"
#include "store/store.h"

#include <glib/gi18n.h>
#include <math.h>
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
  GtkSpinButton *chains_spin, *tune_spin, *draws_spin, *target_spin, *depth_spin, *seed_spin;
  GtkStack *sampling_stack, *diagnostics_stack;
  GtkLabel *run_heading;
  GtkListBox *chain_list, *verdict_list;
  GtkColumnView *summary_view;

  CrProject *project;
  char *model_name;
  char *model_text; /* the project's model, or NULL */
  CrDataset *dataset; /* the model's data, or NULL */

  /* A run in progress or the last one: the sampler reads the tape, which reads the model. */
  CrModel *run_model;
  CrTape *run_tape;
  CrSampler *sampler;
  guint progress_timer;
  GPtrArray *chain_rows; /* of AdwActionRow, one per chain */
  GPtrArray *chain_bars; /* of GtkProgressBar */
  CrSampleSummary *summary;
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

static gboolean
show_model (CrWindow *self, CrProject *project, GPtrArray *models, GError **error)
{
  g_clear_pointer (&self->model_text, g_free);
  g_clear_pointer (&self->model_name, g_free);
  g_clear_pointer (&self->dataset, cr_dataset_free);
  if (models == NULL || models->len == 0)
    {
      gtk_stack_set_visible_child_name (self->model_stack, "empty");
      return TRUE;
    }
  const CrModelInfo *info = g_ptr_array_index (models, 0);
  self->model_text = cr_project_load_model_text (project, info->id, error);
  if (self->model_text == NULL)
    return FALSE;
  self->model_name = g_strdup (info->name);
  if (info->dataset_id > 0 && (self->dataset = cr_project_load_dataset (project, info->dataset_id, error)) == NULL)
    return FALSE;
  cr_code_view_set_text (self->code_view, self->model_text);
  gtk_stack_set_visible_child_name (self->model_stack, "code");
  return TRUE;
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
  if (!show_model (self, self->project, models, error))
    return FALSE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.run", self->model_text != NULL && self->sampler == NULL);
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

/* Running */

static void stop_progress (CrWindow *self);

static void
set_running (CrWindow *self, gboolean running)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.run", !running && self->model_text != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.stop", running);
  GtkWidget *spins[] = { GTK_WIDGET (self->chains_spin), GTK_WIDGET (self->tune_spin), GTK_WIDGET (self->draws_spin),
                         GTK_WIDGET (self->target_spin), GTK_WIDGET (self->depth_spin), GTK_WIDGET (self->seed_spin) };
  for (size_t i = 0; i < G_N_ELEMENTS (spins); i++)
    gtk_widget_set_sensitive (spins[i], !running);
}

static void
update_chain_rows (CrWindow *self)
{
  for (guint c = 0; c < cr_sampler_get_n_chains (self->sampler); c++)
    {
      CrChainProgress p;
      cr_chain_get_progress (cr_sampler_get_chain (self->sampler, c), &p);
      GtkProgressBar *bar = g_ptr_array_index (self->chain_bars, c);
      gtk_progress_bar_set_fraction (bar, p.total > 0 ? (double) p.iteration / (double) p.total : 0);
      const char *phase = p.finished ? _("done") : p.warmup ? _("warmup") : _("sampling");
      g_autofree char *counts = g_strdup_printf ("%s %zu/%zu", phase, p.iteration, p.total);
      gtk_progress_bar_set_text (bar, counts);
      g_autofree char *eta = p.finished || p.draws_per_second <= 0 ? g_strdup ("")
                             : g_strdup_printf (_(" · %.0f s left"), (p.total - p.iteration) / p.draws_per_second);
      g_autofree char *details = g_strdup_printf (
          g_dngettext (GETTEXT_PACKAGE, "%.0f draws/s · step size %.3g · %u divergence%s",
                       "%.0f draws/s · step size %.3g · %u divergences%s", p.divergences),
          p.draws_per_second, p.step_size, p.divergences, eta);
      adw_action_row_set_subtitle (g_ptr_array_index (self->chain_rows, c), details);
    }
}

static const char *
verdict_icon (CrVerdictLevel level)
{
  return level == CR_VERDICT_OK ? "emblem-ok-symbolic" : level == CR_VERDICT_WARN ? "dialog-warning-symbolic"
                                                                                   : "dialog-error-symbolic";
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static void
show_summary (CrWindow *self)
{
  clear_list (self->verdict_list);
  for (guint v = 0; v < self->summary->verdicts->len; v++)
    {
      const CrVerdict *verdict = g_ptr_array_index (self->summary->verdicts, v);
      GtkWidget *row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), verdict->message);
      if (verdict->remedy != NULL)
        {
          g_autofree char *remedy = g_strdup_printf (_("What to do: %s"), verdict->remedy);
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), remedy);
        }
      adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
      GtkWidget *icon = gtk_image_new_from_icon_name (verdict_icon (verdict->level));
      gtk_widget_add_css_class (icon, verdict->level == CR_VERDICT_OK ? "success"
                                      : verdict->level == CR_VERDICT_WARN ? "warning" : "error");
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      gtk_list_box_append (self->verdict_list, row);
    }
  /* One row per quantity: the model holds the index, the columns format the numbers. */
  g_autoptr (GtkStringList) rows = gtk_string_list_new (NULL);
  for (size_t j = 0; j < self->summary->n_quantities; j++)
    {
      char index[32];
      g_snprintf (index, sizeof index, "%zu", j);
      gtk_string_list_append (rows, index);
    }
  g_autoptr (GtkNoSelection) selection = gtk_no_selection_new (G_LIST_MODEL (g_steal_pointer (&rows)));
  gtk_column_view_set_model (self->summary_view, GTK_SELECTION_MODEL (selection));
  gtk_stack_set_visible_child_name (self->diagnostics_stack, "summary");
}

static void
finish_run (CrWindow *self)
{
  stop_progress (self);
  update_chain_rows (self);
  g_autoptr (GError) error = NULL;
  gboolean ok = cr_sampler_wait (self->sampler, &error);
  gboolean stopped = cr_sampler_was_cancelled (self->sampler);
  g_clear_pointer (&self->summary, cr_sample_summary_free);
  if (ok)
    self->summary = cr_sample_summary_new_for_sampler (self->sampler, self->run_tape);
  set_running (self, FALSE);
  if (!ok)
    {
      gtk_label_set_text (self->run_heading, _("The run failed."));
      cr_window_show_error (self, _("Sampling Failed"), error);
      return;
    }
  if (self->summary == NULL)
    {
      gtk_label_set_text (self->run_heading, _("Stopped during warmup: there are no draws to summarise."));
      return;
    }
  g_autofree char *heading = stopped
      ? g_strdup_printf (_("Stopped: %zu draws per chain kept so far."), self->summary->n_draws)
      : g_strdup_printf (_("Done: %zu chains of %zu draws."), self->summary->n_chains, self->summary->n_draws);
  gtk_label_set_text (self->run_heading, heading);
  show_summary (self);
  show_toast (self, stopped ? _("Stopped; the draws so far are in Diagnostics") : _("Sampling finished; see Diagnostics"));
}

static gboolean
progress_tick (gpointer data)
{
  CrWindow *self = CR_WINDOW (data);
  update_chain_rows (self);
  if (cr_sampler_is_finished (self->sampler))
    {
      self->progress_timer = 0;
      finish_run (self);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
stop_progress (CrWindow *self)
{
  if (self->progress_timer != 0)
    g_source_remove (self->progress_timer);
  self->progress_timer = 0;
}

static void
release_run (CrWindow *self)
{
  stop_progress (self);
  if (self->sampler != NULL)
    cr_sampler_cancel (self->sampler);
  g_clear_pointer (&self->sampler, cr_sampler_free); /* joins the chains' threads */
  g_clear_pointer (&self->run_tape, cr_tape_free);
  g_clear_pointer (&self->run_model, cr_model_free);
}

static void
run_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CrWindow *self = CR_WINDOW (widget);
  if (self->model_text == NULL || (self->sampler != NULL && !cr_sampler_is_finished (self->sampler)))
    return;
  release_run (self);

  g_autoptr (GError) error = NULL;
  self->run_model = cr_model_new_from_text (self->model_text, self->dataset, self->model_name, NULL, &error);
  if (self->run_model == NULL || !cr_model_validate (self->run_model, NULL, &error)
      || (self->run_tape = cr_tape_new (self->run_model, &error)) == NULL)
    {
      release_run (self);
      cr_window_show_error (self, _("The Model Has Errors"), error);
      return;
    }
  CrSampleSettings settings;
  cr_sample_settings_init (&settings);
  settings.n_chains = (guint) gtk_spin_button_get_value_as_int (self->chains_spin);
  settings.n_tune = (size_t) gtk_spin_button_get_value_as_int (self->tune_spin);
  settings.n_draws = (size_t) gtk_spin_button_get_value_as_int (self->draws_spin);
  settings.target_accept = gtk_spin_button_get_value (self->target_spin);
  settings.max_treedepth = (guint) gtk_spin_button_get_value_as_int (self->depth_spin);
  settings.seed = (guint64) gtk_spin_button_get_value (self->seed_spin);
  self->sampler = cr_sampler_new_for_tape (self->run_tape, &settings, &error);
  if (self->sampler == NULL)
    {
      release_run (self);
      cr_window_show_error (self, _("The Settings Are Out of Range"), error);
      return;
    }

  clear_list (self->chain_list);
  g_ptr_array_set_size (self->chain_rows, 0);
  g_ptr_array_set_size (self->chain_bars, 0);
  for (guint c = 0; c < settings.n_chains; c++)
    {
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *title = g_strdup_printf (_("Chain %u"), c + 1);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      GtkWidget *bar = gtk_progress_bar_new ();
      gtk_progress_bar_set_show_text (GTK_PROGRESS_BAR (bar), TRUE);
      gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
      gtk_widget_set_size_request (bar, 260, -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), bar);
      gtk_list_box_append (self->chain_list, row);
      g_ptr_array_add (self->chain_rows, row);
      g_ptr_array_add (self->chain_bars, bar);
    }
  g_autofree char *heading = g_strdup_printf (_("Sampling %s: %u chains, %zu warmup and %zu draws each, seed %llu"),
                                              self->model_name, settings.n_chains, settings.n_tune,
                                              settings.n_draws, (unsigned long long) settings.seed);
  gtk_label_set_text (self->run_heading, heading);
  gtk_stack_set_visible_child_name (self->sampling_stack, "progress");
  adw_view_stack_set_visible_child_name (self->stack, "sampling");
  set_running (self, TRUE);
  cr_sampler_start (self->sampler, 0);
  /* About ten redraws a second: the chains never wait for the interface. */
  self->progress_timer = g_timeout_add (100, progress_tick, self);
}

static void
stop_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CrWindow *self = CR_WINDOW (widget);
  if (self->sampler != NULL)
    cr_sampler_cancel (self->sampler);
}

/* The summary table: one column per ArviZ column. */
typedef enum
{
  COLUMN_NAME,
  COLUMN_MEAN,
  COLUMN_SD,
  COLUMN_HDI_LOWER,
  COLUMN_HDI_UPPER,
  COLUMN_MCSE_MEAN,
  COLUMN_MCSE_SD,
  COLUMN_ESS_BULK,
  COLUMN_ESS_TAIL,
  COLUMN_R_HAT,
} SummaryColumn;

static void
setup_cell (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  GtkWidget *label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (label), GPOINTER_TO_INT (data) == COLUMN_NAME ? 0.0f : 1.0f);
  gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (item, label);
}

/* The window whose summary a factory formats. */
static CrWindow *
factory_window (GtkSignalListItemFactory *factory)
{
  return g_object_get_data (G_OBJECT (factory), "cr-window");
}

static void
bind_cell (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  CrWindow *self = factory_window (factory);
  GtkStringObject *row = gtk_list_item_get_item (item);
  size_t j = (size_t) g_ascii_strtoull (gtk_string_object_get_string (row), NULL, 10);
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (item));
  if (self->summary == NULL || j >= self->summary->n_quantities)
    return;
  const CrDiagSummary *s = &self->summary->summaries[j];
  SummaryColumn column = GPOINTER_TO_INT (data);
  if (column == COLUMN_NAME)
    {
      gtk_label_set_text (label, self->summary->names[j]);
      return;
    }
  double value = column == COLUMN_MEAN ? s->mean : column == COLUMN_SD ? s->sd
                 : column == COLUMN_HDI_LOWER ? s->hdi_lower : column == COLUMN_HDI_UPPER ? s->hdi_upper
                 : column == COLUMN_MCSE_MEAN ? s->mcse_mean : column == COLUMN_MCSE_SD ? s->mcse_sd
                 : column == COLUMN_ESS_BULK ? s->ess_bulk : column == COLUMN_ESS_TAIL ? s->ess_tail : s->r_hat;
  int decimals = column == COLUMN_ESS_BULK || column == COLUMN_ESS_TAIL ? 0 : column == COLUMN_R_HAT ? 2 : 3;
  g_autofree char *text = !isfinite (value) ? g_strdup ("—") : g_strdup_printf ("%.*f", decimals, value);
  gtk_label_set_text (label, text);
  /* R-hat above 1.01 is flagged where it is read. */
  gtk_widget_remove_css_class (GTK_WIDGET (label), "warning");
  gtk_widget_remove_css_class (GTK_WIDGET (label), "error");
  if (column == COLUMN_R_HAT && value > 1.05)
    gtk_widget_add_css_class (GTK_WIDGET (label), "error");
  else if (column == COLUMN_R_HAT && value > 1.01)
    gtk_widget_add_css_class (GTK_WIDGET (label), "warning");
}

static void
add_summary_columns (CrWindow *self)
{
  static const char *const titles[] = { "", "mean", "sd", "hdi_3%", "hdi_97%", "mcse_mean", "mcse_sd",
                                        "ess_bulk", "ess_tail", "r_hat" };
  for (int c = 0; c < (int) G_N_ELEMENTS (titles); c++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      g_object_set_data (G_OBJECT (factory), "cr-window", self);
      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), GINT_TO_POINTER (c));
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), GINT_TO_POINTER (c));
      GtkColumnViewColumn *column = gtk_column_view_column_new (titles[c], factory);
      gtk_column_view_append_column (self->summary_view, column);
      g_object_unref (column);
    }
}

const CrSampleSummary *
cr_window_get_summary (CrWindow *self)
{
  g_return_val_if_fail (CR_IS_WINDOW (self), NULL);
  return self->summary;
}

gboolean
cr_window_is_sampling (CrWindow *self)
{
  g_return_val_if_fail (CR_IS_WINDOW (self), FALSE);
  return self->sampler != NULL && self->progress_timer != 0;
}

static void
cr_window_dispose (GObject *object)
{
  CrWindow *self = CR_WINDOW (object);
  release_run (self);
  g_clear_pointer (&self->summary, cr_sample_summary_free);
  g_clear_pointer (&self->chain_rows, g_ptr_array_unref);
  g_clear_pointer (&self->chain_bars, g_ptr_array_unref);
  g_clear_pointer (&self->model_text, g_free);
  g_clear_pointer (&self->model_name, g_free);
  g_clear_pointer (&self->dataset, cr_dataset_free);
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
  gtk_widget_class_bind_template_child (widget_class, CrWindow, chains_spin);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, tune_spin);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, draws_spin);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, target_spin);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, depth_spin);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, seed_spin);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, sampling_stack);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, diagnostics_stack);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, run_heading);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, chain_list);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, verdict_list);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, summary_view);

  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL, save_as_action);
  gtk_widget_class_install_action (widget_class, "win.run", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "win.stop", NULL, stop_action);
}

static void
cr_window_init (CrWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->chain_rows = g_ptr_array_new ();
  self->chain_bars = g_ptr_array_new ();
  add_summary_columns (self);
  /* A fresh seed per window, shown and editable, so a run can be repeated exactly. */
  gtk_spin_button_set_value (self->seed_spin, g_random_int_range (0, G_MAXINT32));
  set_running (self, FALSE);
  show_datasets (self, NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save-as", FALSE);
}

CrWindow *
cr_window_new (GtkApplication *application)
{
  return g_object_new (CR_TYPE_WINDOW, "application", application, NULL);
}
