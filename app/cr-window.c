/* cr-window.c: the main window. */
#include "cr-window.h"

#include "config.h"
#include "cr-code-view.h"
#include "cr-data-view.h"
#include "cr-model-builder.h"
#include "cr-plot-view.h"
#include "cr-summary-table.h"
#include "diag/diag.h"
#include "recording.h"
#include "sample/sample.h"
#include "store/store.h"
#include "templates.h"

#include <glib/gstdio.h>

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

struct _CrWindow
{
  AdwApplicationWindow parent_instance;

  AdwToastOverlay *toast_overlay;
  AdwViewSwitcherTitle *switcher_title;
  AdwViewStack *stack;
  CrDataView *data_view;
  gint64 shown_dataset_id; /* the project's dataset the Data view shows, or 0 */
  GtkStack *model_stack;
  CrModelBuilder *model_builder;
  CrModelEditor *model_editor; /* the builder's code pane */
  GtkWidget *run_button;
  GtkSpinButton *chains_spin, *tune_spin, *draws_spin, *target_spin, *depth_spin, *seed_spin;
  GtkStack *sampling_stack, *diagnostics_stack;
  GtkLabel *run_heading;
  GtkListBox *chain_list, *verdict_list;
  CrSummaryTable *summary_view;
  GtkDropDown *live_kind_dropdown, *live_var_dropdown, *run_dropdown, *diag_kind_dropdown;
  CrPlotView *live_plot, *diag_plot;

  CrProject *project;
  char *model_name;
  char *model_text; /* the project's model, or NULL */
  CrDataset *dataset; /* the model's data, or NULL */
  gint64 model_id, dataset_id;
  char **summary_names_live; /* the quantity names of the run in progress */
  GArray *run_ids;    /* the project's runs, newest first, as the run drop-down lists them */
  CrRun *run;         /* the run the Diagnostics view shows, or NULL */
  CrModel *run_shown_model;     /* that run's model, for its supports; rebuilt once per run */
  CrDataset *run_shown_dataset; /* the data it was validated with */
  gint64 run_shown_model_id;    /* the run the two above belong to, or 0 */
  Recording *recording;
  gint64 last_flush;
  gint64 last_texts; /* when the chains' rows last had their texts updated */
  gint64 recording_run_id; /* the stored run the last sampling in this window wrote */
  gint64 wanted_run_id;    /* the run the Diagnostics view is to show */
  guint summarising;       /* summaries being computed in threads */
  gboolean disposed;       /* a summary may arrive after the window closed */

  /* A run in progress or the last one: the sampler reads the tape, which reads the model. */
  GCancellable *preparing; /* while the run's model compiles, before the chains start */
  CrModel *run_model;
  CrDataset *run_dataset; /* the run's own reference to the data its model reads */
  CrTape *run_tape;
  CrSampler *sampler;
  guint progress_timer;
  GPtrArray *chain_rows; /* of AdwActionRow, one per chain */
  GPtrArray *chain_bars; /* of GtkProgressBar */
  CrSampleSummary *summary;
};

G_DEFINE_FINAL_TYPE (CrWindow, cr_window, ADW_TYPE_APPLICATION_WINDOW)

static void load_runs (CrWindow *self, gint64 select_id);
static void set_running (CrWindow *self, gboolean running);

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

/* The Data view shows the model's dataset, or else the project's first. */
static void
show_datasets (CrWindow *self, GPtrArray *datasets)
{
  self->shown_dataset_id = self->dataset_id;
  if (self->shown_dataset_id == 0 && datasets != NULL && datasets->len > 0)
    self->shown_dataset_id = ((const CrDatasetInfo *) g_ptr_array_index (datasets, 0))->id;
  CrDataset *dataset = self->shown_dataset_id > 0 && self->project != NULL
                           ? cr_project_load_dataset (self->project, self->shown_dataset_id, NULL)
                           : NULL;
  cr_data_view_set_dataset (self->data_view, dataset);
}

static gboolean
show_model (CrWindow *self, CrProject *project, GPtrArray *models, GError **error)
{
  g_clear_pointer (&self->model_text, g_free);
  g_clear_pointer (&self->model_name, g_free);
  g_clear_pointer (&self->dataset, cr_dataset_free);
  self->model_id = self->dataset_id = 0;
  if (models == NULL || models->len == 0)
    {
      /* A project without a model starts an empty one over its first table: the first
       * edit stores it. */
      g_autoptr (GPtrArray) datasets = cr_project_list_datasets (project, error);
      if (datasets == NULL)
        return FALSE;
      if (datasets->len > 0)
        {
          self->dataset_id = ((const CrDatasetInfo *) g_ptr_array_index (datasets, 0))->id;
          if ((self->dataset = cr_project_load_dataset (project, self->dataset_id, error)) == NULL)
            return FALSE;
        }
      cr_model_builder_set_dataset (self->model_builder, self->dataset);
      cr_model_builder_load (self->model_builder, "", NULL);
      gtk_stack_set_visible_child_name (self->model_stack, "code");
      return TRUE;
    }
  /* The project opens on the model worked on last. */
  const CrModelInfo *info = g_ptr_array_index (models, 0);
  for (guint i = 1; i < models->len; i++)
    {
      const CrModelInfo *other = g_ptr_array_index (models, i);
      if (g_strcmp0 (other->modified, info->modified) >= 0)
        info = other;
    }
  self->model_text = cr_project_load_model_text (project, info->id, error);
  if (self->model_text == NULL)
    return FALSE;
  g_autoptr (GError) layout_error = NULL;
  g_autofree char *layout = cr_project_load_model_layout (project, info->id, &layout_error);
  self->model_name = g_strdup (info->name);
  self->model_id = info->id;
  self->dataset_id = info->dataset_id;
  if (info->dataset_id > 0 && (self->dataset = cr_project_load_dataset (project, info->dataset_id, error)) == NULL)
    return FALSE;
  cr_model_builder_set_dataset (self->model_builder, self->dataset);
  cr_model_builder_load (self->model_builder, self->model_text, layout);
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

  if (!show_model (self, self->project, models, error))
    return FALSE;
  show_datasets (self, datasets);
  set_running (self, FALSE);
  load_runs (self, 0);
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
      if (path != NULL && (g_str_has_suffix (path, ".csv") || g_str_has_suffix (path, ".tsv")))
        cr_window_import_csv (self, path, &error);
      else if (path != NULL && !cr_window_open_project (self, path, &error))
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
  g_autoptr (GtkFileFilter) tables = gtk_file_filter_new ();
  gtk_file_filter_set_name (tables, _("Data tables (CSV)"));
  gtk_file_filter_add_pattern (tables, "*.csv");
  gtk_file_filter_add_pattern (tables, "*.tsv");
  gtk_file_filter_add_mime_type (tables, "text/csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), tables);
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

/* Plots: inputs built from draws, owned by the view that shows them. */

typedef struct
{
  union
  {
    CrPlotTraceInput trace;
    CrPlotRankInput rank;
    CrPlotPosteriorInput posterior;
    CrPlotForestInput forest;
    CrPlotPairInput pair;
    CrPlotEnergyInput energy;
    CrPlotAutocorrInput autocorr;
  } input; /* first, so the PlotData is the input the renderers take */
  CrPlotQuantity *quantities;
  GPtrArray *buffers; /* every array above points into, freed with it */
} PlotData;

static void
plot_data_free (gpointer data)
{
  PlotData *plot = data;
  g_free (plot->quantities);
  g_ptr_array_unref (plot->buffers);
  g_free (plot);
}

static gpointer
keep (PlotData *plot, gpointer buffer)
{
  g_ptr_array_add (plot->buffers, buffer);
  return buffer;
}

/* Builds plot @kind of @n_quantities chain-major draw arrays (taken over), with @divergent and
 * @energy (n_chains x n each, taken over, may be NULL). HDIs, R-hat and E-BFMI come from diag/,
 * as the summary's do. Returns NULL when the kind needs what is missing. */
static PlotData *
plot_data_new (CrPlotKind kind, char **names, double **draws, const CrPlotBounds *bounds, size_t n_quantities,
               size_t n_chains, size_t n, guint8 *divergent, double *energy)
{
  PlotData *plot = g_new0 (PlotData, 1);
  plot->buffers = g_ptr_array_new_with_free_func (g_free);
  plot->quantities = g_new0 (CrPlotQuantity, MAX (n_quantities, 1));
  for (size_t q = 0; q < n_quantities; q++)
    {
      plot->quantities[q] = (CrPlotQuantity){ keep (plot, names[q]), keep (plot, draws[q]), bounds[q] };
    }
  if (divergent != NULL)
    keep (plot, divergent);
  if (energy != NULL)
    keep (plot, energy);
  CrPlotDraws all = { plot->quantities, n_quantities, n_chains, n };
  switch (kind)
    {
    case CR_PLOT_KIND_TRACE:
      plot->input.trace = (CrPlotTraceInput){ all, divergent };
      break;
    case CR_PLOT_KIND_RANK:
      plot->input.rank = (CrPlotRankInput){ all, 0 };
      break;
    case CR_PLOT_KIND_AUTOCORR:
      plot->input.autocorr = (CrPlotAutocorrInput){ all, 0 };
      break;
    case CR_PLOT_KIND_PAIR:
      plot->input.pair = (CrPlotPairInput){ all, divergent, CR_PLOT_PAIR_AUTO };
      break;
    case CR_PLOT_KIND_POSTERIOR:
    case CR_PLOT_KIND_FOREST:
      {
        double *lower = keep (plot, g_new (double, MAX (n_quantities, 1)));
        double *upper = keep (plot, g_new (double, MAX (n_quantities, 1)));
        double *r_hat = keep (plot, g_new (double, MAX (n_quantities, 1)));
        for (size_t q = 0; q < n_quantities; q++)
          {
            cr_diag_hdi (draws[q], n_chains * n, CR_DIAG_HDI_PROB, &lower[q], &upper[q]);
            r_hat[q] = cr_diag_rhat (draws[q], n_chains, n);
          }
        if (kind == CR_PLOT_KIND_POSTERIOR)
          plot->input.posterior = (CrPlotPosteriorInput){ all, CR_DIAG_HDI_PROB, lower, upper, NULL };
        else
          plot->input.forest = (CrPlotForestInput){ all, TRUE, CR_DIAG_HDI_PROB, lower, upper, r_hat };
        break;
      }
    case CR_PLOT_KIND_ENERGY:
      {
        if (energy == NULL)
          {
            plot_data_free (plot);
            return NULL;
          }
        double *ebfmi = keep (plot, g_new (double, MAX (n_chains, 1)));
        cr_diag_ebfmi (energy, n_chains, n, ebfmi);
        plot->input.energy = (CrPlotEnergyInput){ energy, n_chains, n, ebfmi };
        break;
      }
    case CR_PLOT_KIND_ESS:
    case CR_PLOT_KIND_REGRESSION:
      plot_data_free (plot);
      return NULL;
    }
  return plot;
}

static const CrPlotKind live_kinds[] = { CR_PLOT_KIND_TRACE, CR_PLOT_KIND_RANK, CR_PLOT_KIND_POSTERIOR, CR_PLOT_KIND_ENERGY };
static const CrPlotKind diag_kinds[] = { CR_PLOT_KIND_TRACE, CR_PLOT_KIND_RANK, CR_PLOT_KIND_POSTERIOR, CR_PLOT_KIND_AUTOCORR,
                                         CR_PLOT_KIND_FOREST, CR_PLOT_KIND_PAIR, CR_PLOT_KIND_ENERGY };

/* The names of a run's flat quantities, for the variable drop-down. */
static void
set_quantity_names (GtkDropDown *dropdown, char **names, size_t n)
{
  g_autoptr (GtkStringList) list = gtk_string_list_new (NULL);
  for (size_t j = 0; j < n; j++)
    gtk_string_list_append (list, names[j]);
  gtk_drop_down_set_model (dropdown, G_LIST_MODEL (list));
}

/* The live plot of the quantity chosen, from the draws the chains have published so far:
 * the trace shows warmup too, the other kinds only draws after warmup. */
static void
update_live_plot (CrWindow *self)
{
  if (self->sampler == NULL || self->summary_names_live == NULL)
    return;
  guint j = gtk_drop_down_get_selected (self->live_var_dropdown);
  CrPlotKind kind = live_kinds[MIN (gtk_drop_down_get_selected (self->live_kind_dropdown), G_N_ELEMENTS (live_kinds) - 1)];
  const CrSampleSettings *settings = cr_sampler_get_settings (self->sampler);
  guint n_chains = cr_sampler_get_n_chains (self->sampler);
  size_t size = cr_tape_get_trace_size (self->run_tape);
  if (j == GTK_INVALID_LIST_POSITION || j >= size)
    return;
  size_t published = G_MAXSIZE;
  for (guint c = 0; c < n_chains; c++)
    published = MIN (published, cr_chain_get_n_published (cr_sampler_get_chain (self->sampler, c)));
  size_t first = kind == CR_PLOT_KIND_TRACE ? 0 : settings->n_tune;
  size_t n = published > first ? published - first : 0;
  if (n < 4)
    {
      cr_plot_view_set_input (self->live_plot, kind, NULL, NULL,
                              kind == CR_PLOT_KIND_TRACE ? _("The trace appears with the first draws.")
                                                         : _("This plot appears once warmup is over."));
      return;
    }
  double *draws = g_new (double, n_chains * n), *energy = g_new (double, n_chains * n);
  guint8 *divergent = g_new (guint8, n_chains * n);
  for (guint c = 0; c < n_chains; c++)
    {
      const CrChain *chain = cr_sampler_get_chain (self->sampler, c);
      const double *values = cr_chain_get_values (chain), *stats = cr_chain_get_stats (chain);
      for (size_t i = 0; i < n; i++)
        {
          draws[c * n + i] = values[(first + i) * size + j];
          energy[c * n + i] = stats[(first + i) * CR_N_STATS + CR_STAT_ENERGY];
          /* Warmup divergences are expected; only those after warmup are marked. */
          divergent[c * n + i] = first + i >= settings->n_tune && stats[(first + i) * CR_N_STATS + CR_STAT_DIVERGENT] != 0;
        }
    }
  g_autofree char *variable = recording_variable_of (self->summary_names_live[j]);
  CrPlotBounds bounds = recording_plot_bounds (self->run_model, variable);
  char *name = g_strdup (self->summary_names_live[j]);
  PlotData *plot = plot_data_new (kind, &name, &draws, &bounds, 1, n_chains, n, divergent, energy);
  cr_plot_view_set_input (self->live_plot, kind, plot, plot_data_free, NULL);
}

/* The Diagnostics plot of the row selected in the summary table, from the shown run. */
static void
update_diag_plot (CrWindow *self)
{
  if (self->run == NULL)
    return;
  CrRun *run = self->run;
  size_t n = cr_run_get_n_common_draws (run), n_chains = run->n_chains;
  CrPlotKind kind = diag_kinds[MIN (gtk_drop_down_get_selected (self->diag_kind_dropdown), G_N_ELEMENTS (diag_kinds) - 1)];
  size_t first = 0, n_selected = 0;
  gboolean selected = cr_summary_table_get_selection (self->summary_view, &first, &n_selected);
  if (n < 4 || !selected || first + n_selected > run->n_values)
    {
      cr_plot_view_set_input (self->diag_plot, kind, NULL, NULL, _("Select a row to see its plots."));
      return;
    }
  g_auto (GStrv) names = cr_run_get_quantity_names (run);
  /* Rebuilding a model validates it against its data: for a large table that takes a while, so
   * it happens once per run shown, not per plot. The run just sampled lends its own. */
  const CrModel *model;
  if (self->recording_run_id == run->id && self->run_model != NULL)
    model = self->run_model;
  else
    {
      if (self->run_shown_model_id != run->id)
        {
          g_clear_pointer (&self->run_shown_model, cr_model_free);
          g_clear_pointer (&self->run_shown_dataset, cr_dataset_free);
          self->run_shown_model = recording_run_model (self->project, run, &self->run_shown_dataset);
          self->run_shown_model_id = run->id;
        }
      model = self->run_shown_model;
    }
  /* A quantity row: the forest shows every quantity, the pair it and its neighbour, the rest
   * it. A group row (a variable's elements): the forest shows the elements, the pair the
   * first two, the rest the first. */
  gboolean group = n_selected > 1;
  size_t from = kind == CR_PLOT_KIND_FOREST && !group ? 0 : first;
  size_t count = kind == CR_PLOT_KIND_FOREST ? (group ? n_selected : run->n_values)
                 : kind == CR_PLOT_KIND_PAIR ? MIN (2, run->n_values)
                                             : 1;
  if (kind == CR_PLOT_KIND_PAIR && from + count > run->n_values)
    from = run->n_values - count;
  g_autofree char **quantity_names = g_new (char *, count);
  g_autofree double **draws = g_new (double *, count);
  g_autofree CrPlotBounds *bounds = g_new0 (CrPlotBounds, count);
  for (size_t q = 0; q < count; q++)
    {
      quantity_names[q] = g_strdup (names[from + q]);
      draws[q] = g_new (double, n_chains * n);
      cr_run_copy_quantity (run, from + q, draws[q]);
      g_autofree char *variable = recording_variable_of (names[from + q]);
      bounds[q] = recording_plot_bounds (model, variable);
    }
  int divergent_stat = cr_run_find_stat (run, "divergent"), energy_stat = cr_run_find_stat (run, "energy");
  guint8 *divergent = NULL;
  double *energy = NULL;
  if (divergent_stat >= 0)
    {
      g_autofree double *flags = g_new (double, n_chains * n);
      cr_run_copy_stat (run, (size_t) divergent_stat, flags);
      divergent = g_new (guint8, n_chains * n);
      for (size_t i = 0; i < n_chains * n; i++)
        divergent[i] = flags[i] != 0;
    }
  if (energy_stat >= 0)
    {
      energy = g_new (double, n_chains * n);
      cr_run_copy_stat (run, (size_t) energy_stat, energy);
    }
  PlotData *plot = plot_data_new (kind, quantity_names, draws, bounds, count, n_chains, n, divergent, energy);
  cr_plot_view_set_input (self->diag_plot, kind, plot, plot != NULL ? plot_data_free : NULL,
                          _("This run has no sampler statistics for this plot."));
}

static void
on_diag_selection (CrWindow *self)
{
  update_diag_plot (self);
}

/* Data: a person changes a column's type, or brings a CSV file. */

/* The model sees the project's current data: reload it after a change. */
static void
refresh_model_dataset (CrWindow *self)
{
  if (self->dataset_id == 0)
    return;
  g_clear_pointer (&self->dataset, cr_dataset_free);
  self->dataset = cr_project_load_dataset (self->project, self->dataset_id, NULL);
  cr_model_builder_set_dataset (self->model_builder, self->dataset);
}

static void
on_dataset_changed (CrWindow *self, CrDataset *dataset)
{
  g_autoptr (GError) error = NULL;
  if (self->project == NULL || self->shown_dataset_id == 0)
    return;
  if (!cr_project_replace_dataset (self->project, self->shown_dataset_id, dataset, &error))
    {
      cr_window_show_error (self, _("The Data Could Not Be Saved"), error);
      return;
    }
  if (self->shown_dataset_id == self->dataset_id)
    refresh_model_dataset (self);
}

gboolean
cr_window_import_csv (CrWindow *self, const char *path, GError **error)
{
  g_autoptr (GError) read_error = NULL;
  g_autoptr (CrDataset) dataset = cr_dataset_read_csv (path, &read_error);
  adw_view_stack_set_visible_child_name (self->stack, "data");
  if (dataset == NULL)
    {
      /* The data already shown stays; the message says where the file went wrong. */
      cr_data_view_show_error (self->data_view, read_error);
      g_propagate_error (error, g_steal_pointer (&read_error));
      return FALSE;
    }
  if (self->project == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("Open or create a project first: data lives in a project"));
      return FALSE;
    }
  /* A table of the same name replaces the project's; a new name adds one. */
  gint64 id = 0;
  g_autoptr (GPtrArray) datasets = cr_project_list_datasets (self->project, error);
  if (datasets == NULL)
    return FALSE;
  for (guint i = 0; i < datasets->len; i++)
    if (strcmp (((const CrDatasetInfo *) g_ptr_array_index (datasets, i))->name, cr_dataset_get_name (dataset)) == 0)
      id = ((const CrDatasetInfo *) g_ptr_array_index (datasets, i))->id;
  if (id > 0 ? !cr_project_replace_dataset (self->project, id, dataset, error)
             : (id = cr_project_add_dataset (self->project, dataset, path, error)) == 0)
    return FALSE;
  /* A model without data takes this table (a project without a model keeps it for the first). */
  if (self->dataset_id == 0
      && (self->model_text == NULL
          || cr_project_save_model (self->project, self->model_name, self->model_text, id, NULL) > 0))
    self->dataset_id = id;
  if (id == self->dataset_id)
    refresh_model_dataset (self);
  self->shown_dataset_id = id;
  cr_data_view_set_dataset (self->data_view, g_steal_pointer (&dataset));
  return TRUE;
}

/* A file dropped on the window: a project opens, a CSV table comes in. */
static gboolean
on_drop (GtkDropTarget *target, const GValue *value, double x, double y, gpointer data)
{
  CrWindow *self = CR_WINDOW (data);
  g_autofree char *path = g_file_get_path (g_value_get_object (value));
  if (path == NULL)
    return FALSE;
  g_autoptr (GError) error = NULL;
  if (g_str_has_suffix (path, ".csv") || g_str_has_suffix (path, ".CSV") || g_str_has_suffix (path, ".tsv"))
    cr_window_import_csv (self, path, &error);
  else if (!cr_window_open_project (self, path, &error))
    cr_window_show_error (self, _("The Project Could Not Be Opened"), error);
  return TRUE;
}

/* The code pane: valid edits are kept in the project at once, as everything else is. */
static void
on_model_validated (CrWindow *self, gboolean valid)
{
  set_running (self, cr_window_is_sampling (self));
}

static void
on_model_changed (CrWindow *self, const char *text)
{
  if (self->project == NULL)
    return;
  g_autoptr (GError) error = NULL;
  gint64 id = cr_project_save_model (self->project, self->model_name != NULL ? self->model_name : "model", text,
                                     self->dataset_id, &error);
  if (id == 0)
    {
      cr_window_show_error (self, _("The Model Could Not Be Saved"), error);
      return;
    }
  if (self->model_name == NULL)
    self->model_name = g_strdup ("model");
  self->model_id = id;
  g_free (self->model_text);
  self->model_text = g_strdup (text);
  set_running (self, cr_window_is_sampling (self));
}

/* The canvas positions are kept with the model, apart from its text. */
static void
on_layout_changed (CrWindow *self)
{
  if (self->project == NULL || self->model_id == 0)
    return;
  g_autofree char *layout = cr_model_builder_get_layout (self->model_builder);
  g_autoptr (GError) error = NULL;
  if (!cr_project_save_model_layout (self->project, self->model_id, layout, &error))
    cr_window_show_error (self, _("The Layout Could Not Be Saved"), error);
}

static void
on_edit_failed (CrWindow *self, const char *message)
{
  show_toast (self, message);
}

/* A template comes in as a new model of the project with its own data: nothing the person
 * had is replaced, and the model they had stays in the project. */
gboolean
cr_window_load_template (CrWindow *self, const char *id, GError **error)
{
  g_return_val_if_fail (CR_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  if (self->project == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("Open or create a project first: a model lives in a project"));
      return FALSE;
    }
  g_autofree char *text = NULL;
  g_autoptr (CrDataset) dataset = NULL;
  g_autoptr (CrTemplate) template_ = cr_templates_read (id, &text, &dataset, error);
  if (template_ == NULL)
    return FALSE;
  g_autoptr (GPtrArray) models = cr_project_list_models (self->project, error);
  g_autoptr (GPtrArray) datasets = models != NULL ? cr_project_list_datasets (self->project, error) : NULL;
  if (datasets == NULL)
    return FALSE;
  /* A name not yet taken: "Coin flip", "Coin flip 2", ... */
  g_autofree char *name = NULL;
  for (guint n = 1; name == NULL; n++)
    {
      char *candidate = n == 1 ? g_strdup (template_->title) : g_strdup_printf ("%s %u", template_->title, n);
      gboolean taken = FALSE;
      for (guint i = 0; i < models->len; i++)
        taken = taken || strcmp (((const CrModelInfo *) g_ptr_array_index (models, i))->name, candidate) == 0;
      if (taken)
        g_free (candidate);
      else
        name = candidate;
    }
  gint64 dataset_id = 0;
  for (guint i = 0; i < datasets->len; i++)
    if (strcmp (((const CrDatasetInfo *) g_ptr_array_index (datasets, i))->name, cr_dataset_get_name (dataset)) == 0)
      dataset_id = ((const CrDatasetInfo *) g_ptr_array_index (datasets, i))->id;
  if (dataset_id == 0 && (dataset_id = cr_project_add_dataset (self->project, dataset, template_->data, error)) == 0)
    return FALSE;
  if (cr_project_save_model (self->project, name, text, dataset_id, error) == 0)
    return FALSE;
  g_autoptr (GPtrArray) updated = cr_project_list_models (self->project, error);
  g_autoptr (GPtrArray) all_data = updated != NULL ? cr_project_list_datasets (self->project, error) : NULL;
  if (all_data == NULL || !show_model (self, self->project, updated, error))
    return FALSE;
  show_datasets (self, all_data);
  g_autofree char *toast = g_strdup_printf (_("“%s” added to the project with its example data"), name);
  show_toast (self, toast);
  return TRUE;
}

static void
on_template_requested (CrWindow *self, const char *id)
{
  g_autoptr (GError) error = NULL;
  if (!cr_window_load_template (self, id, &error))
    cr_window_show_error (self, _("The Template Could Not Be Loaded"), error);
}

static void
add_templates (CrWindow *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) templates = cr_templates_list (&error);
  if (templates == NULL)
    {
      g_warning ("The model templates are missing: %s", error->message);
      return;
    }
  CrModelPalette *palette = cr_model_builder_get_palette (self->model_builder);
  for (guint i = 0; i < templates->len; i++)
    {
      const CrTemplate *template_ = g_ptr_array_index (templates, i);
      cr_model_palette_add_template (palette, template_->id, template_->title, template_->description);
    }
}

/* Running */

static void stop_progress (CrWindow *self);

static void
set_running (CrWindow *self, gboolean running)
{
  gboolean valid = self->model_text != NULL && cr_model_editor_is_valid (self->model_editor);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.run", !running && valid);
  /* A model with errors cannot run: the button says why. */
  const char *error = self->model_text != NULL ? cr_model_editor_get_first_error (self->model_editor) : NULL;
  g_autofree char *tooltip = !valid && error != NULL ? g_strdup_printf (_("The model has errors: %s"), error)
                                                     : g_strdup (_("Sample the model (Ctrl+R)"));
  gtk_widget_set_tooltip_text (self->run_button, tooltip);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.stop", running);
  GtkWidget *spins[] = { GTK_WIDGET (self->chains_spin), GTK_WIDGET (self->tune_spin), GTK_WIDGET (self->draws_spin),
                         GTK_WIDGET (self->target_spin), GTK_WIDGET (self->depth_spin), GTK_WIDGET (self->seed_spin) };
  for (size_t i = 0; i < G_N_ELEMENTS (spins); i++)
    gtk_widget_set_sensitive (spins[i], !running);
}

/* The interval between updates of the chains' texts. The bars move at every tick; the texts
 * (counts, draws per second, step size, ETA) at most twice a second: they are read, not
 * watched, and each change of a label lays the window out again, time taken from the chains
 * on a machine with fewer cores than chains. */
#define TEXT_INTERVAL_US (G_USEC_PER_SEC / 2)

/* The chains' rows: the bars always, the texts when @texts. */
static void
update_chain_rows (CrWindow *self, gboolean texts)
{
  for (guint c = 0; c < cr_sampler_get_n_chains (self->sampler); c++)
    {
      CrChainProgress p;
      cr_chain_get_progress (cr_sampler_get_chain (self->sampler, c), &p);
      GtkProgressBar *bar = g_ptr_array_index (self->chain_bars, c);
      gtk_progress_bar_set_fraction (bar, p.total > 0 ? (double) p.iteration / (double) p.total : 0);
      if (!texts)
        continue;
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
  if (texts)
    self->last_texts = g_get_monotonic_time ();
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
  gtk_stack_set_visible_child_name (self->diagnostics_stack, "summary");
  /* The table selects its first row and says so: on_diag_selection () draws its plot. */
  cr_summary_table_set_summary (self->summary_view, self->summary);
}

/* A stored run and its summary, computed away from the main loop: the diagnostics of many
 * quantities take longer than a frame. */
typedef struct
{
  CrRun *run;
  CrSampleSummary *summary;
} RunSummary;

static void
run_summary_free (gpointer data)
{
  RunSummary *result = data;
  cr_run_free (result->run);
  cr_sample_summary_free (result->summary);
  g_free (result);
}

static void
summarise_in_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  RunSummary *result = data;
  result->summary = cr_summary_from_run (result->run);
  g_task_return_boolean (task, TRUE);
}

static void
show_summarised_run (CrWindow *self, RunSummary *result)
{
  g_clear_pointer (&self->run, cr_run_free);
  self->run = g_steal_pointer (&result->run);
  g_clear_pointer (&self->summary, cr_sample_summary_free);
  self->summary = g_steal_pointer (&result->summary);
  if (self->summary == NULL)
    {
      clear_list (self->verdict_list);
      cr_summary_table_set_summary (self->summary_view, NULL);
      cr_plot_view_set_input (self->diag_plot, CR_PLOT_KIND_TRACE, NULL, NULL,
                              _("This run stopped during warmup: it has no draws to summarise."));
      gtk_stack_set_visible_child_name (self->diagnostics_stack, "summary");
      return;
    }
  show_summary (self);
}

static void
summarised (GObject *source, GAsyncResult *result, gpointer data)
{
  CrWindow *self = CR_WINDOW (source);
  RunSummary *summary = g_task_get_task_data (G_TASK (result));
  self->summarising--;
  /* Only the run asked for last is shown; an older answer arriving late is dropped. */
  if (!self->disposed && summary->run->id == self->wanted_run_id)
    show_summarised_run (self, summary);
}

/* Shows stored run @id in the Diagnostics view once its summary is ready. */
static gboolean
show_run (CrWindow *self, gint64 id, GError **error)
{
  CrRun *run = cr_project_load_run (self->project, id, error);
  if (run == NULL)
    return FALSE;
  RunSummary *data = g_new0 (RunSummary, 1);
  data->run = run;
  self->wanted_run_id = run->id;
  self->summarising++;
  g_autoptr (GTask) task = g_task_new (self, NULL, summarised, NULL);
  g_task_set_task_data (task, data, run_summary_free);
  g_task_run_in_thread (task, summarise_in_thread);
  return TRUE;
}

static void
on_run_selected (CrWindow *self)
{
  guint position = gtk_drop_down_get_selected (self->run_dropdown);
  if (self->run_ids == NULL || position >= self->run_ids->len)
    return;
  gint64 id = g_array_index (self->run_ids, gint64, position);
  if (self->run != NULL && self->run->id == id)
    return;
  g_autoptr (GError) error = NULL;
  if (!show_run (self, id, &error))
    cr_window_show_error (self, _("The Run Could Not Be Read"), error);
}

/* A run's status as the run list shows it, in the user's language. */
static const char *
run_status_label (CrRunStatus status)
{
  switch (status)
    {
    case CR_RUN_RUNNING:
      return C_ ("run status", "running");
    case CR_RUN_COMPLETE:
      return C_ ("run status", "complete");
    case CR_RUN_INTERRUPTED:
      return C_ ("run status", "interrupted");
    case CR_RUN_FAILED:
      return C_ ("run status", "failed");
    }
  return cr_run_status_to_string (status);
}

/* Lists the project's runs, newest first, and shows @select_id (0: the newest). */
static void
load_runs (CrWindow *self, gint64 select_id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) runs = self->project != NULL ? cr_project_list_runs (self->project, &error) : NULL;
  g_array_set_size (self->run_ids, 0);
  g_autoptr (GtkStringList) labels = gtk_string_list_new (NULL);
  guint selected = 0;
  for (guint i = runs != NULL ? runs->len : 0; i-- > 0;)
    {
      const CrRunInfo *info = g_ptr_array_index (runs, i);
      g_autofree char *label = g_strdup_printf (_("Run %lld · %s · %zu × %zu · %s"), (long long) info->id,
                                                run_status_label (info->status), info->n_chains,
                                                info->stored_draws, info->started != NULL ? info->started : "");
      if (info->id == select_id)
        selected = self->run_ids->len;
      gtk_string_list_append (labels, label);
      g_array_append_val (self->run_ids, info->id);
    }
  g_signal_handlers_block_by_func (self->run_dropdown, on_run_selected, self);
  gtk_drop_down_set_model (self->run_dropdown, G_LIST_MODEL (labels));
  gtk_drop_down_set_selected (self->run_dropdown, selected);
  g_signal_handlers_unblock_by_func (self->run_dropdown, on_run_selected, self);
  g_clear_pointer (&self->run, cr_run_free);
  if (self->run_ids->len == 0)
    {
      g_clear_pointer (&self->summary, cr_sample_summary_free);
      gtk_stack_set_visible_child_name (self->diagnostics_stack, "empty");
      return;
    }
  if (!show_run (self, g_array_index (self->run_ids, gint64, selected), &error))
    cr_window_show_error (self, _("The Run Could Not Be Read"), error);
}

static void
finish_run (CrWindow *self)
{
  stop_progress (self);
  update_chain_rows (self, TRUE);
  update_live_plot (self);
  g_autoptr (GError) error = NULL;
  gboolean ok = cr_sampler_wait (self->sampler, &error);
  gboolean stopped = cr_sampler_was_cancelled (self->sampler);
  gint64 saved = 0;
  if (self->recording != NULL)
    {
      g_autoptr (GError) save_error = NULL;
      CrRunStatus status = !ok ? CR_RUN_FAILED : stopped ? CR_RUN_INTERRUPTED : CR_RUN_COMPLETE;
      if (recording_finish (self->recording, self->sampler, status, &save_error))
        saved = self->recording_run_id = self->recording->run_id;
      else
        cr_window_show_error (self, _("The Run Could Not Be Saved"), save_error);
      g_clear_pointer (&self->recording, recording_free);
    }
  set_running (self, FALSE);
  if (!ok)
    {
      gtk_label_set_text (self->run_heading, _("The run failed."));
      cr_window_show_error (self, _("Sampling Failed"), error);
      return;
    }
  if (saved > 0)
    load_runs (self, saved);
  else
    {
      /* Not in a project file: summarise from memory. */
      g_clear_pointer (&self->run, cr_run_free);
      g_clear_pointer (&self->summary, cr_sample_summary_free);
      self->summary = cr_sample_summary_new_for_sampler (self->sampler, self->run_tape);
      if (self->summary != NULL)
        show_summary (self);
    }
  size_t kept = cr_sampler_get_settings (self->sampler)->n_draws;
  for (guint c = 0; c < cr_sampler_get_n_chains (self->sampler); c++)
    {
      size_t published = cr_chain_get_n_published (cr_sampler_get_chain (self->sampler, c));
      size_t tune = cr_sampler_get_settings (self->sampler)->n_tune;
      kept = MIN (kept, published > tune ? published - tune : 0);
    }
  if (kept == 0)
    {
      gtk_label_set_text (self->run_heading, _("Stopped during warmup: there are no draws to summarise."));
      return;
    }
  g_autofree char *heading = stopped
      ? g_strdup_printf (_("Stopped: %zu draws per chain kept so far."), kept)
      : g_strdup_printf (_("Done: %u chains of %zu draws."), cr_sampler_get_n_chains (self->sampler), kept);
  gtk_label_set_text (self->run_heading, heading);
  show_toast (self, stopped ? _("Stopped; the draws so far are in Diagnostics") : _("Sampling finished; see Diagnostics"));
}

static gboolean
progress_tick (gpointer data)
{
  CrWindow *self = CR_WINDOW (data);
  update_chain_rows (self, g_get_monotonic_time () - self->last_texts >= TEXT_INTERVAL_US);
  update_live_plot (self);
  /* A batch a second into the project: a crash loses at most the last second of draws. */
  gint64 now = g_get_monotonic_time ();
  if (self->recording != NULL && now - self->last_flush >= G_USEC_PER_SEC)
    {
      recording_collect (self->recording, self->sampler);
      g_autoptr (GError) error = NULL;
      if (!cr_run_writer_flush (self->recording->writer, &error))
        g_warning ("cannot save draws yet (will retry): %s", error->message);
      self->last_flush = now;
    }
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
  g_clear_pointer (&self->recording, recording_free); /* an unfinished run is marked interrupted */
  self->recording_run_id = 0; /* its model goes with the run state below */
  g_clear_pointer (&self->sampler, cr_sampler_free); /* joins the chains' threads */
  g_clear_pointer (&self->summary_names_live, g_strfreev);
  g_clear_pointer (&self->run_tape, cr_tape_free);
  g_clear_pointer (&self->run_model, cr_model_free);
  g_clear_pointer (&self->run_dataset, cr_dataset_free);
}

/* One row per chain with its progress bar, waiting for the chains to start. */
static void
show_chain_rows (CrWindow *self, guint n_chains)
{
  clear_list (self->chain_list);
  g_ptr_array_set_size (self->chain_rows, 0);
  g_ptr_array_set_size (self->chain_bars, 0);
  for (guint c = 0; c < n_chains; c++)
    {
      GtkWidget *row = adw_action_row_new ();
      /* Numbered from 0, as the plots and ArviZ number chains. */
      g_autofree char *title = g_strdup_printf (_("Chain %u"), c);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      GtkWidget *bar = gtk_progress_bar_new ();
      gtk_progress_bar_set_show_text (GTK_PROGRESS_BAR (bar), TRUE);
      gtk_progress_bar_set_text (GTK_PROGRESS_BAR (bar), _("waiting for the model"));
      gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
      gtk_widget_set_size_request (bar, 260, -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), bar);
      gtk_list_box_append (self->chain_list, row);
      g_ptr_array_add (self->chain_rows, row);
      g_ptr_array_add (self->chain_bars, bar);
    }
}

/* A run's model, compiled away from the main loop: validating a large table and building its
 * tape take longer than a frame. The preparation owns a reference to the data, so the window
 * may load new data meanwhile. */
typedef struct
{
  char *text, *name;
  CrDataset *dataset;
  CrModel *model;
  CrTape *tape;
  CrSampleSettings settings;
} RunPreparation;

static void
run_preparation_free (gpointer data)
{
  RunPreparation *prep = data;
  cr_tape_free (prep->tape); /* the tape reads the model, which reads the data */
  cr_model_free (prep->model);
  cr_dataset_free (prep->dataset);
  g_free (prep->text);
  g_free (prep->name);
  g_free (prep);
}

static void
compile_in_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  RunPreparation *prep = data;
  GError *error = NULL;
  prep->model = cr_model_new_from_text (prep->text, prep->dataset, prep->name, NULL, &error);
  if (prep->model == NULL || !cr_model_validate (prep->model, NULL, &error)
      || (prep->tape = cr_tape_new (prep->model, &error)) == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* Starts sampling the compiled model: the chains in threads, the live plot, and the run's record
 * in the project. Takes the model, tape and data of @prep. */
static void
start_sampling (CrWindow *self, RunPreparation *prep)
{
  g_autoptr (GError) error = NULL;
  const CrSampleSettings *settings = &prep->settings;
  self->run_dataset = g_steal_pointer (&prep->dataset);
  self->run_model = g_steal_pointer (&prep->model);
  self->run_tape = g_steal_pointer (&prep->tape);
  self->sampler = cr_sampler_new_for_tape (self->run_tape, settings, &error);
  if (self->sampler == NULL)
    {
      release_run (self);
      show_chain_rows (self, 0);
      set_running (self, FALSE);
      cr_window_show_error (self, _("The Settings Are Out of Range"), error);
      return;
    }

  /* The quantities to plot live, and the run's record in the project. */
  size_t size = cr_tape_get_trace_size (self->run_tape);
  self->summary_names_live = g_new0 (char *, size + 1);
  for (size_t v = 0; v < cr_tape_get_n_trace_variables (self->run_tape); v++)
    {
      const CrTraceVariable *variable = cr_tape_get_trace_variable (self->run_tape, v);
      for (size_t k = 0; k < cr_shape_size (variable->shape); k++)
        self->summary_names_live[variable->offset + k] = cr_sample_element_name (variable, k);
    }
  set_quantity_names (self->live_var_dropdown, self->summary_names_live, size);
  if (self->project != NULL && self->model_id > 0)
    {
      self->recording = recording_begin_in_project (self->project, self->model_id, self->dataset_id,
                                                    prep->text, self->run_tape, settings, &error);
      if (self->recording == NULL)
        {
          g_autofree char *text = g_strdup_printf (_("This run will not be saved: %s"), error->message);
          show_toast (self, text);
          g_clear_error (&error);
        }
      self->last_flush = g_get_monotonic_time ();
    }

  g_autofree char *heading = g_strdup_printf (_("Sampling %s: %u chains, %zu warmup and %zu draws each, seed %llu"),
                                              prep->name, settings->n_chains, settings->n_tune,
                                              settings->n_draws, (unsigned long long) settings->seed);
  gtk_label_set_text (self->run_heading, heading);
  gtk_stack_set_visible_child_name (self->sampling_stack, "progress");
  cr_sampler_set_background (self->sampler, TRUE);
  cr_sampler_start (self->sampler, 0);
  /* About ten redraws a second: the chains never wait for the interface. */
  self->progress_timer = g_timeout_add (100, progress_tick, self);
}

static void
compiled (GObject *source, GAsyncResult *result, gpointer data)
{
  CrWindow *self = CR_WINDOW (source);
  RunPreparation *prep = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);
  gboolean stopped = g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result)));
  if (self->disposed)
    return;
  g_clear_object (&self->preparing);
  if (stopped || !ok)
    show_chain_rows (self, 0);
  if (stopped)
    {
      set_running (self, FALSE);
      gtk_label_set_text (self->run_heading, _("Stopped before sampling began."));
      return;
    }
  if (!ok)
    {
      set_running (self, FALSE);
      gtk_label_set_text (self->run_heading, _("The model has errors."));
      cr_window_show_error (self, _("The Model Has Errors"), error);
      return;
    }
  start_sampling (self, prep);
}

static void
run_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CrWindow *self = CR_WINDOW (widget);
  if (self->model_text == NULL || cr_window_is_sampling (self))
    return;
  release_run (self);

  RunPreparation *prep = g_new0 (RunPreparation, 1);
  prep->text = g_strdup (self->model_text);
  prep->name = g_strdup (self->model_name);
  prep->dataset = self->dataset != NULL ? cr_dataset_ref (self->dataset) : NULL;
  CrSampleSettings *settings = &prep->settings;
  cr_sample_settings_init (settings);
  settings->n_chains = (guint) gtk_spin_button_get_value_as_int (self->chains_spin);
  settings->n_tune = (size_t) gtk_spin_button_get_value_as_int (self->tune_spin);
  settings->n_draws = (size_t) gtk_spin_button_get_value_as_int (self->draws_spin);
  settings->target_accept = gtk_spin_button_get_value (self->target_spin);
  settings->max_treedepth = (guint) gtk_spin_button_get_value_as_int (self->depth_spin);
  settings->seed = (guint64) gtk_spin_button_get_value (self->seed_spin);

  /* The Sampling view says what happens until the chains report. */
  show_chain_rows (self, settings->n_chains);
  gtk_label_set_text (self->run_heading, _("Preparing the model…"));
  cr_plot_view_set_input (self->live_plot, CR_PLOT_KIND_TRACE, NULL, NULL, _("The trace appears with the first draws."));
  gtk_stack_set_visible_child_name (self->sampling_stack, "progress");
  adw_view_stack_set_visible_child_name (self->stack, "sampling");
  self->preparing = g_cancellable_new ();
  set_running (self, TRUE);
  g_autoptr (GTask) task = g_task_new (self, self->preparing, compiled, NULL);
  g_task_set_task_data (task, prep, run_preparation_free);
  g_task_run_in_thread (task, compile_in_thread);
}

static void
stop_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CrWindow *self = CR_WINDOW (widget);
  if (self->preparing != NULL)
    g_cancellable_cancel (self->preparing);
  if (self->sampler != NULL)
    cr_sampler_cancel (self->sampler);
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
  return self->preparing != NULL || (self->sampler != NULL && self->progress_timer != 0);
}

gboolean
cr_window_is_busy (CrWindow *self)
{
  g_return_val_if_fail (CR_IS_WINDOW (self), FALSE);
  return cr_window_is_sampling (self) || self->summarising > 0;
}

/* Exporting, through the same code as credence-cli. */

gboolean
cr_window_export_plot (CrWindow *self, const char *path, GError **error)
{
  gboolean on_sampling = g_strcmp0 (adw_view_stack_get_visible_child_name (self->stack), "sampling") == 0;
  CrPlotView *view = on_sampling && cr_plot_view_has_input (self->live_plot) ? self->live_plot : self->diag_plot;
  return cr_plot_view_save (view, path, error);
}

gboolean
cr_window_export_summary (CrWindow *self, const char *path, GError **error)
{
  if (self->summary == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("There is no summary yet: run the model first"));
      return FALSE;
    }
  g_autoptr (GString) csv = g_string_new ("name,mean,sd,hdi_3%,hdi_97%,mcse_mean,mcse_sd,ess_bulk,ess_tail,r_hat\n");
  for (size_t j = 0; j < self->summary->n_quantities; j++)
    {
      const CrDiagSummary *d = &self->summary->summaries[j];
      const double columns[] = { d->mean, d->sd, d->hdi_lower, d->hdi_upper, d->mcse_mean, d->mcse_sd,
                                 d->ess_bulk, d->ess_tail, d->r_hat };
      g_string_append (csv, self->summary->names[j]);
      for (size_t k = 0; k < G_N_ELEMENTS (columns); k++)
        {
          char number[G_ASCII_DTOSTR_BUF_SIZE];
          /* A value that cannot be computed is an empty cell: R and pandas read it as missing. */
          g_string_append_printf (csv, ",%s", isfinite (columns[k]) ? g_ascii_dtostr (number, sizeof number, columns[k]) : "");
        }
      g_string_append_c (csv, '\n');
    }
  return g_file_set_contents (path, csv->str, (gssize) csv->len, error);
}

gboolean
cr_window_export_draws (CrWindow *self, const char *dir, GError **error)
{
  if (self->run == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("There is no stored run to export yet"));
      return FALSE;
    }
  g_auto (GStrv) paths = cr_run_export_cmdstan (self->run, dir, error);
  return paths != NULL;
}

typedef gboolean (*ExportFunc) (CrWindow *self, const char *path, GError **error);

static void
export_response (GtkNativeDialog *chooser, int response, gpointer user_data)
{
  CrWindow *self = CR_WINDOW (user_data);
  ExportFunc func = g_object_get_data (G_OBJECT (chooser), "cr-export");
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = g_file_get_path (file);
      g_autoptr (GError) error = NULL;
      if (path != NULL && !func (self, path, &error))
        cr_window_show_error (self, _("The Export Failed"), error);
      else if (path != NULL)
        {
          g_autofree char *base = g_path_get_basename (path);
          g_autofree char *text = g_strdup_printf (_("Exported to %s"), base);
          show_toast (self, text);
        }
    }
  g_object_unref (chooser);
}

static void
start_export (CrWindow *self, const char *title, GtkFileChooserAction action, const char *name, ExportFunc func)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self), action, _("_Export"), _("_Cancel"));
  if (name != NULL)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_object_set_data (G_OBJECT (chooser), "cr-export", func);
  g_signal_connect (chooser, "response", G_CALLBACK (export_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
export_plot_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  start_export (CR_WINDOW (widget), _("Export the Plot (PNG, SVG or PDF by its name)"), GTK_FILE_CHOOSER_ACTION_SAVE,
                "plot.png", cr_window_export_plot);
}

static void
export_summary_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  start_export (CR_WINDOW (widget), _("Export the Summary"), GTK_FILE_CHOOSER_ACTION_SAVE, "summary.csv",
                cr_window_export_summary);
}

static void
export_draws_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  start_export (CR_WINDOW (widget), _("Export the Draws to a Folder"), GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, NULL,
                cr_window_export_draws);
}

static void
cr_window_dispose (GObject *object)
{
  CrWindow *self = CR_WINDOW (object);
  self->disposed = TRUE;
  if (self->preparing != NULL)
    g_cancellable_cancel (self->preparing); /* the compiled model is freed with its task */
  g_clear_object (&self->preparing);
  release_run (self);
  g_clear_pointer (&self->run, cr_run_free);
  g_clear_pointer (&self->run_shown_model, cr_model_free);
  g_clear_pointer (&self->run_shown_dataset, cr_dataset_free);
  g_clear_pointer (&self->run_ids, g_array_unref);
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
  g_type_ensure (CR_TYPE_MODEL_BUILDER);
  g_type_ensure (CR_TYPE_DATA_VIEW);
  g_type_ensure (CR_TYPE_PLOT_VIEW);
  g_type_ensure (CR_TYPE_SUMMARY_TABLE);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/credence/Credence/ui/cr-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CrWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, data_view);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, model_stack);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, model_builder);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, run_button);
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
  gtk_widget_class_bind_template_child (widget_class, CrWindow, live_kind_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, live_var_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, live_plot);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, run_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, diag_kind_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CrWindow, diag_plot);

  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL, save_as_action);
  gtk_widget_class_install_action (widget_class, "win.run", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "win.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "win.export-plot", NULL, export_plot_action);
  gtk_widget_class_install_action (widget_class, "win.export-summary", NULL, export_summary_action);
  gtk_widget_class_install_action (widget_class, "win.export-draws", NULL, export_draws_action);
}

static void
cr_window_init (CrWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->model_editor = cr_model_builder_get_editor (self->model_builder);
  add_templates (self);
  g_signal_connect_swapped (self->model_builder, "layout-changed", G_CALLBACK (on_layout_changed), self);
  g_signal_connect_swapped (self->model_builder, "template-requested", G_CALLBACK (on_template_requested), self);
  g_signal_connect_swapped (self->model_builder, "edit-failed", G_CALLBACK (on_edit_failed), self);
  self->chain_rows = g_ptr_array_new ();
  self->run_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_signal_connect_swapped (self->model_editor, "validated", G_CALLBACK (on_model_validated), self);
  g_signal_connect_swapped (self->data_view, "dataset-changed", G_CALLBACK (on_dataset_changed), self);
  GtkDropTarget *drop = gtk_drop_target_new (G_TYPE_FILE, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
  g_signal_connect_swapped (self->model_editor, "changed", G_CALLBACK (on_model_changed), self);
  g_signal_connect_swapped (self->run_dropdown, "notify::selected", G_CALLBACK (on_run_selected), self);
  g_signal_connect_swapped (self->live_kind_dropdown, "notify::selected", G_CALLBACK (update_live_plot), self);
  g_signal_connect_swapped (self->live_var_dropdown, "notify::selected", G_CALLBACK (update_live_plot), self);
  g_signal_connect_swapped (self->diag_kind_dropdown, "notify::selected", G_CALLBACK (update_diag_plot), self);
  self->chain_bars = g_ptr_array_new ();
  g_signal_connect_swapped (self->summary_view, "selection-changed", G_CALLBACK (on_diag_selection), self);
  /* A fresh seed per window, shown and editable, so a run can be repeated exactly. */
  gtk_spin_button_set_value (self->seed_spin, g_random_int_range (0, G_MAXINT32));
  set_running (self, FALSE);
  cr_data_view_set_dataset (self->data_view, NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save-as", FALSE);
}

CrWindow *
cr_window_new (GtkApplication *application)
{
  return g_object_new (CR_TYPE_WINDOW, "application", application, NULL);
}
