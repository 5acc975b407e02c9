/* test-gui.c: the application as a person starts it, under a display (Xvfb in CI).
 *
 * Run with LANGUAGE=fr, the same executable checks the French translation instead.
 * With CREDENCE_SCREENSHOT_DIR set, it also saves PNGs of the window (light and dark) there.
 */
#include "cr-application.h"
#include "cr-code-view.h"
#include "cr-data-view.h"
#include "cr-model-builder.h"
#include "cr-plot-view.h"
#include "cr-summary-table.h"
#include "cr-window.h"
#include "data/data.h"
#include "gui-util.h"
#include "store/store.h"

#include <glib/gstdio.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <string.h>

/* The first button under @root showing @icon_name, or labelled @label. */
static GtkWidget *
find_button (GtkWidget *root, const char *icon_name, const char *label)
{
  if (GTK_IS_BUTTON (root) && !GTK_IS_MENU_BUTTON (root)
      && ((icon_name != NULL && g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (root)), icon_name) == 0)
          || (label != NULL && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), label) == 0)))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, icon_name, label);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static GObject *
template_child (CrWindow *window, const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (window), CR_TYPE_WINDOW, name);
  g_assert_nonnull (child);
  return child;
}

/* One application per process, as in the real program; each test closes its windows. */
static CrApplication *the_app;

typedef struct
{
  CrApplication *app;
  CrWindow *window;
  char *dir;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->dir = g_dir_make_tmp ("credence-gui-XXXXXX", NULL);
  g_assert_nonnull (fixture->dir);
  fixture->app = the_app;
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  /* Every toplevel: the About and Shortcuts windows are not in the application's list. */
  GListModel *toplevels = gtk_window_get_toplevels ();
  while (g_list_model_get_n_items (toplevels) > 0)
    {
      g_autoptr (GtkWindow) window = g_list_model_get_item (toplevels, 0);
      gtk_window_destroy (window);
    }
  gui_settle (50);
  g_autofree char *command = g_strdup_printf ("rm -rf '%s'", fixture->dir);
  g_assert_cmpint (system (command), ==, 0);
  g_free (fixture->dir);
}

/* Activates the application as a launcher would, and returns its first window. */
static CrWindow *
activate (Fixture *fixture)
{
  g_application_activate (G_APPLICATION (fixture->app));
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (fixture->app));
  g_assert_true (CR_IS_WINDOW (window));
  g_assert_true (gui_wait_for (gui_is_mapped, window, GUI_TIMEOUT_US));
  gui_settle (50);
  return CR_WINDOW (window);
}

static const char *const view_names[] = { "data", "model", "sampling", "diagnostics", "compare", "report" };

static void
test_window_views (Fixture *fixture, gconstpointer data)
{
  CrWindow *window = activate (fixture);
  g_assert_true (ADW_IS_APPLICATION_WINDOW (window));

  /* A header bar with Open, Save, Run, Stop and the primary menu. */
  GtkWidget *header = gui_find_descendant (GTK_WIDGET (window), ADW_TYPE_HEADER_BAR);
  g_assert_nonnull (header);
  GtkWidget *open = find_button (header, "document-open-symbolic", NULL);
  GtkWidget *save = find_button (header, "document-save-symbolic", NULL);
  GtkWidget *run = find_button (header, NULL, "_Run");
  GtkWidget *stop = find_button (header, "media-playback-stop-symbolic", NULL);
  g_assert_nonnull (open);
  g_assert_nonnull (save);
  g_assert_nonnull (run);
  g_assert_nonnull (stop);
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (open)), ==, "win.open");
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (save)), ==, "win.save");
  g_assert_true (gtk_widget_is_sensitive (open));
  g_assert_true (gtk_widget_is_sensitive (save));
  /* A model is open: it can be run; nothing runs yet, so there is nothing to stop. */
  g_assert_true (gtk_widget_is_sensitive (run));
  g_assert_false (gtk_widget_is_sensitive (stop));
  GtkMenuButton *menu_button = GTK_MENU_BUTTON (gui_find_descendant (header, GTK_TYPE_MENU_BUTTON));
  g_assert_nonnull (menu_button);
  GMenuModel *menu = gtk_menu_button_get_menu_model (menu_button);
  g_assert_nonnull (menu);
  g_autoptr (GPtrArray) actions = g_ptr_array_new_with_free_func (g_free);
  for (int s = 0; s < g_menu_model_get_n_items (menu); s++)
    {
      g_autoptr (GMenuModel) section = g_menu_model_get_item_link (menu, s, G_MENU_LINK_SECTION);
      for (int i = 0; section != NULL && i < g_menu_model_get_n_items (section); i++)
        {
          char *action = NULL;
          g_menu_model_get_item_attribute (section, i, G_MENU_ATTRIBUTE_ACTION, "s", &action);
          g_ptr_array_add (actions, action);
        }
    }
  static const char *const expected_menu[] = { "win.show-help-overlay", "app.about", "app.quit" };
  for (size_t i = 0; i < G_N_ELEMENTS (expected_menu); i++)
    g_assert_true (g_ptr_array_find_with_equal_func (actions, expected_menu[i], g_str_equal, NULL));

  /* The six views, each reachable from the switcher. */
  AdwViewStack *stack = ADW_VIEW_STACK (template_child (window, "stack"));
  for (size_t i = 0; i < G_N_ELEMENTS (view_names); i++)
    {
      GtkWidget *child = adw_view_stack_get_child_by_name (stack, view_names[i]);
      g_assert_nonnull (child);
      AdwViewStackPage *page = adw_view_stack_get_page (stack, child);
      g_assert_nonnull (adw_view_stack_page_get_title (page));
      g_assert_nonnull (adw_view_stack_page_get_icon_name (page));
      adw_view_stack_set_visible_child_name (stack, view_names[i]);
      gui_settle (50);
      g_assert_true (gtk_widget_get_mapped (child));
    }
  g_assert_nonnull (gui_find_descendant (GTK_WIDGET (window), ADW_TYPE_VIEW_SWITCHER));
}

static void
test_opens_example (Fixture *fixture, gconstpointer data)
{
  CrWindow *window = activate (fixture);

  /* The example was written into the user's data folder and opened from there. */
  const char *path = cr_window_get_project_path (window);
  g_assert_nonnull (path);
  g_assert_true (g_str_has_prefix (path, g_get_user_data_dir ()));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Eight schools");

  const CrDataset *shown = cr_data_view_get_dataset (CR_DATA_VIEW (template_child (window, "data_view")));
  g_assert_nonnull (shown);
  g_assert_cmpstr (cr_dataset_get_name (shown), ==, "eight_schools");
  g_assert_cmpuint (cr_dataset_get_n_rows (shown), ==, 8);
  g_assert_cmpuint (cr_dataset_get_n_columns (shown), ==, 3);

  AdwViewStack *stack = ADW_VIEW_STACK (template_child (window, "stack"));
  adw_view_stack_set_visible_child_name (stack, "model");
  gui_settle (50);
  CrModelEditor *editor = cr_model_builder_get_editor (CR_MODEL_BUILDER (template_child (window, "model_builder")));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (editor)));
  g_autofree char *text = cr_model_editor_get_text (editor);
  g_assert_nonnull (strstr (text, "theta_tilde[school] ~ Normal(0, 1)"));
  g_assert_true (cr_model_editor_is_valid (editor));
  GtkSourceView *code = cr_model_editor_get_view (editor);
  g_assert_true (gtk_text_view_get_editable (GTK_TEXT_VIEW (code)));
  GtkSourceLanguage *language = gtk_source_buffer_get_language (
      GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (code))));
  g_assert_nonnull (language);
  g_assert_cmpstr (gtk_source_language_get_id (language), ==, "crm");
  gui_save_screenshot (GTK_WIDGET (window), "model-light.png");

  adw_view_stack_set_visible_child_name (stack, "data");
  gui_settle (50);
  gui_save_screenshot (GTK_WIDGET (window), "data-light.png");

  /* A second start opens the same file: the user's copy is never recreated. */
  g_autofree char *first = g_strdup (path);
  g_autoptr (GError) error = NULL;
  g_autofree char *again = cr_application_ensure_example_project (&error);
  g_assert_no_error (error);
  g_assert_cmpstr (again, ==, first);
}

static void
test_dark_style (Fixture *fixture, gconstpointer data)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  CrWindow *window = activate (fixture);
  AdwViewStack *stack = ADW_VIEW_STACK (template_child (window, "stack"));
  GtkSourceView *code = cr_model_editor_get_view (cr_model_builder_get_editor (CR_MODEL_BUILDER (template_child (window, "model_builder"))));
  GtkSourceBuffer *buffer = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (code)));

  /* The app sets no scheme of its own, so it follows the system's preference. */
  g_assert_cmpint (adw_style_manager_get_color_scheme (style), ==, ADW_COLOR_SCHEME_DEFAULT);

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  gui_settle (50);
  g_assert_true (adw_style_manager_get_dark (style));
  g_assert_cmpstr (gtk_source_style_scheme_get_id (gtk_source_buffer_get_style_scheme (buffer)), ==, "Adwaita-dark");
  adw_view_stack_set_visible_child_name (stack, "model");
  gui_settle (50);
  gui_save_screenshot (GTK_WIDGET (window), "model-dark.png");
  adw_view_stack_set_visible_child_name (stack, "sampling");
  gui_settle (50);
  gui_save_screenshot (GTK_WIDGET (window), "sampling-dark.png");

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  gui_settle (50);
  g_assert_cmpstr (gtk_source_style_scheme_get_id (gtk_source_buffer_get_style_scheme (buffer)), ==, "Adwaita");
}

static void
test_opens_file_argument (Fixture *fixture, gconstpointer data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "trial.credence", NULL);
  {
    g_autoptr (CrProject) project = cr_project_create (path, NULL);
    g_autoptr (CrDataset) dataset = cr_dataset_new ("trial");
    const double dose[] = { 1, 2, 3, 4 };
    g_assert_true (cr_dataset_add_column (dataset, "dose", CR_COLUMN_INTEGER, dose, 4, NULL, NULL));
    g_assert_cmpint (cr_project_add_dataset (project, dataset, NULL, NULL), >, 0);
  }

  /* As `credence trial.credence` does. */
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_application_open (G_APPLICATION (fixture->app), &file, 1, "");
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (fixture->app));
  g_assert_true (CR_IS_WINDOW (window));
  g_assert_true (gui_wait_for (gui_is_mapped, window, GUI_TIMEOUT_US));
  g_assert_cmpstr (cr_window_get_project_path (CR_WINDOW (window)), ==, path);
  g_assert_cmpstr (gtk_window_get_title (window), ==, "trial");
  const CrDataset *shown = cr_data_view_get_dataset (CR_DATA_VIEW (template_child (CR_WINDOW (window), "data_view")));
  g_assert_cmpstr (cr_dataset_get_name (shown), ==, "trial");
  g_assert_cmpuint (cr_dataset_get_n_rows (shown), ==, 4);
  /* No model in this project: the builder starts an empty one over the project's table. */
  GtkStack *model_stack = GTK_STACK (template_child (CR_WINDOW (window), "model_stack"));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (model_stack), ==, "code");
  CrModelBuilder *builder = CR_MODEL_BUILDER (template_child (CR_WINDOW (window), "model_builder"));
  g_assert_cmpuint (cr_model_canvas_get_n_nodes (cr_model_builder_get_canvas (builder)), ==, 0);
  g_assert_true (cr_model_palette_is_visible (cr_model_builder_get_palette (builder), CR_PALETTE_DATA, "dose"));
  g_assert_false (gtk_widget_is_sensitive (find_button (GTK_WIDGET (window), NULL, "_Run")));
}

static gboolean
has_window_of_type (gpointer type_pointer)
{
  GType type = GPOINTER_TO_SIZE (type_pointer);
  GListModel *toplevels = gtk_window_get_toplevels ();
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) window = g_list_model_get_item (toplevels, i);
      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_mapped (GTK_WIDGET (window)))
        return TRUE;
    }
  return FALSE;
}

static void
test_refuses_bad_file (Fixture *fixture, gconstpointer data)
{
  CrWindow *window = activate (fixture);
  g_autofree char *before = g_strdup (cr_window_get_project_path (window));
  g_autofree char *path = g_build_filename (fixture->dir, "notes.credence", NULL);
  g_assert_true (g_file_set_contents (path, "not a project", -1, NULL));

  g_autoptr (GError) error = NULL;
  g_assert_false (cr_window_open_project (window, path, &error));
  g_assert_error (error, CR_STORE_ERROR, CR_STORE_ERROR_NOT_PROJECT);
  /* The window keeps the project it had. */
  g_assert_cmpstr (cr_window_get_project_path (window), ==, before);

  /* Opened as a file argument, the error is shown in a dialog, with the reason. */
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_application_open (G_APPLICATION (fixture->app), &file, 1, "");
  g_assert_true (gui_wait_for (has_window_of_type, GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG), GUI_TIMEOUT_US));
  GListModel *toplevels = gtk_window_get_toplevels ();
  gboolean explained = FALSE;
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) dialog = g_list_model_get_item (toplevels, i);
      if (ADW_IS_MESSAGE_DIALOG (dialog))
        {
          explained = strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)),
                              "not a Credence project") != NULL;
          gtk_window_destroy (GTK_WINDOW (dialog));
        }
    }
  g_assert_true (explained);
  g_autofree char *contents = NULL;
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "not a project");
}

static void
test_menu_actions (Fixture *fixture, gconstpointer data)
{
  CrWindow *window = activate (fixture);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
  g_assert_true (gui_wait_for (has_window_of_type, GSIZE_TO_POINTER (GTK_TYPE_SHORTCUTS_WINDOW), GUI_TIMEOUT_US));

  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "about", NULL);
  g_assert_true (gui_wait_for (has_window_of_type, GSIZE_TO_POINTER (ADW_TYPE_ABOUT_WINDOW), GUI_TIMEOUT_US));

  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (fixture->app), "quit"));
  g_auto (GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (fixture->app), "win.open");
  g_assert_cmpstr (accels[0], ==, "<Control>o");
}

static gboolean
not_busy (gpointer window)
{
  return !cr_window_is_busy (CR_WINDOW (window));
}

/* Spins the main loop until the run ends or @seconds pass. */
static gboolean
wait_for_run (CrWindow *window, int seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;
  while (!not_busy (window))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
  gui_settle (50);
  return TRUE;
}

static CrWindow *
open_coin (Fixture *fixture)
{
  g_autofree char *path = g_build_filename (fixture->dir, "coin.credence", NULL);
  {
    g_autoptr (CrProject) project = cr_project_create (path, NULL);
    g_assert_cmpint (cr_project_save_model (project, "coin", "data n_flips = 50\ndata n_heads = 15\n"
                                                            "p ~ Beta(2, 2)\nn_heads ~ Binomial(n_flips, p)\n",
                                            0, NULL),
                     >, 0);
  }
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_application_open (G_APPLICATION (fixture->app), &file, 1, "");
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (fixture->app));
  g_assert_true (gui_wait_for (gui_is_mapped, window, GUI_TIMEOUT_US));
  gui_settle (50);
  return CR_WINDOW (window);
}

/* Run the coin from the window, as a person does with Ctrl+R: the Diagnostics view then shows
 * the posterior, whose mean is Beta(17, 37)'s within Monte Carlo error (4 MCSEs: a false
 * failure about once in 16,000 seeds; the seed is fixed). */
static void
test_run_coin (Fixture *fixture, gconstpointer data)
{
  CrWindow *window = open_coin (fixture);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (template_child (window, "seed_spin")), 17);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL));
  g_assert_true (cr_window_is_sampling (window));
  AdwViewStack *stack = ADW_VIEW_STACK (template_child (window, "stack"));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (stack), ==, "sampling");
  /* While it runs, the chains' rows show progress, and Run waits for Stop. */
  GtkListBox *chains = GTK_LIST_BOX (template_child (window, "chain_list"));
  g_assert_nonnull (gtk_list_box_get_row_at_index (chains, 3));
  g_assert_null (gtk_list_box_get_row_at_index (chains, 4));

  g_assert_true (wait_for_run (window, 60));
  gui_save_screenshot (GTK_WIDGET (window), "sampling-light.png");
  const CrSampleSummary *summary = cr_window_get_summary (window);
  g_assert_nonnull (summary);
  g_assert_cmpuint (summary->n_quantities, ==, 1);
  g_assert_cmpstr (summary->names[0], ==, "p");
  const CrDiagSummary *p = &summary->summaries[0];
  g_assert_cmpfloat (fabs (p->mean - 17.0 / 54.0), <=, 4 * p->mcse_mean);
  g_assert_cmpfloat (p->r_hat, <=, 1.01);

  /* The table and the verdicts are on screen. */
  GtkStack *diagnostics = GTK_STACK (template_child (window, "diagnostics_stack"));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (diagnostics), ==, "summary");
  CrSummaryTable *table = CR_SUMMARY_TABLE (template_child (window, "summary_view"));
  g_assert_cmpuint (cr_summary_table_get_n_rows (table), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (gtk_column_view_get_columns (cr_summary_table_get_view (table))), ==, 10);
  /* The run's first row is selected, and its plot shows. */
  size_t first = 0, count = 0;
  g_assert_true (cr_summary_table_get_selection (table, &first, &count));
  g_assert_cmpuint (first, ==, 0);
  g_assert_cmpuint (count, ==, 1);
  GtkListBox *verdicts = GTK_LIST_BOX (template_child (window, "verdict_list"));
  g_assert_nonnull (gtk_list_box_get_row_at_index (verdicts, 0));
  adw_view_stack_set_visible_child_name (stack, "diagnostics");
  gui_settle (50);
  gui_save_screenshot (GTK_WIDGET (window), "diagnostics-light.png");

  /* The run is kept in the project: the run list has it, and the row's plot shows. */
  GtkDropDown *runs = GTK_DROP_DOWN (template_child (window, "run_dropdown"));
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (runs)), ==, 1);
  g_assert_true (cr_plot_view_has_input (CR_PLOT_VIEW (template_child (window, "diag_plot"))));

  /* Exports: a plot in two formats, the summary, and the draws as CmdStan CSV. */
  g_autoptr (GError) error = NULL;
  g_autofree char *png = g_build_filename (fixture->dir, "trace.png", NULL);
  g_autofree char *svg = g_build_filename (fixture->dir, "trace.svg", NULL);
  g_autofree char *csv = g_build_filename (fixture->dir, "summary.csv", NULL);
  g_autofree char *draws = g_build_filename (fixture->dir, "draws", NULL);
  g_assert_true (cr_window_export_plot (window, png, &error));
  g_assert_true (cr_window_export_plot (window, svg, &error));
  g_assert_true (cr_window_export_summary (window, csv, &error));
  g_assert_true (cr_window_export_draws (window, draws, &error));
  g_assert_no_error (error);
  g_autofree char *png_bytes = NULL, *svg_text = NULL, *csv_text = NULL;
  gsize png_length = 0;
  g_assert_true (g_file_get_contents (png, &png_bytes, &png_length, NULL));
  g_assert_cmpmem (png_bytes, 4, "\x89PNG", 4);
  g_assert_true (g_file_get_contents (svg, &svg_text, NULL, NULL));
  g_assert_nonnull (strstr (svg_text, "<svg"));
  g_assert_true (g_file_get_contents (csv, &csv_text, NULL, NULL));
  g_assert_true (g_str_has_prefix (csv_text, "name,mean,sd,hdi_3%,hdi_97%,mcse_mean,mcse_sd,ess_bulk,ess_tail,r_hat\np,0.3"));
  g_autofree char *chain1 = g_build_filename (draws, "output_1.csv", NULL);
  g_assert_true (g_file_test (chain1, G_FILE_TEST_EXISTS));

  /* Reopened, the project shows the same run without sampling again. */
  double mean = p->mean;
  const char *path = cr_window_get_project_path (window);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_application_open (G_APPLICATION (fixture->app), &file, 1, "");
  GtkWindow *again = gtk_application_get_active_window (GTK_APPLICATION (fixture->app));
  g_assert_true (again != GTK_WINDOW (window));
  g_assert_true (gui_wait_for (gui_is_mapped, again, GUI_TIMEOUT_US));
  g_assert_true (gui_wait_for (not_busy, again, GUI_TIMEOUT_US));
  const CrSampleSummary *restored = cr_window_get_summary (CR_WINDOW (again));
  g_assert_nonnull (restored);
  g_assert_cmpfloat (restored->summaries[0].mean, ==, mean);
  GtkStack *restored_diagnostics = GTK_STACK (template_child (CR_WINDOW (again), "diagnostics_stack"));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (restored_diagnostics), ==, "summary");
}

/* Stop keeps the draws so far: the summary covers fewer draws than asked for. */
static void
test_stop_keeps_draws (Fixture *fixture, gconstpointer data)
{
  CrWindow *window = activate (fixture);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (template_child (window, "tune_spin")), 200);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (template_child (window, "draws_spin")), 1000000);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL));
  /* Let every chain get past warmup. */
  gint64 until = g_get_monotonic_time () + G_USEC_PER_SEC;
  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (cr_window_is_sampling (window));
  /* The live plot follows the draws as they come. */
  g_assert_true (cr_plot_view_has_input (CR_PLOT_VIEW (template_child (window, "live_plot"))));
  gui_save_screenshot (GTK_WIDGET (window), "sampling-live.png");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL));
  g_assert_true (wait_for_run (window, 30));
  const CrSampleSummary *summary = cr_window_get_summary (window);
  g_assert_nonnull (summary);
  g_assert_cmpuint (summary->n_draws, >, 0);
  g_assert_cmpuint (summary->n_draws, <, 1000000);
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (template_child (window, "run_heading"))), "Stopped"));
  /* The table sorts by a column when asked, as clicking its header does: the scalars by their
   * means, then the variables' groups (a group has no mean), each group's elements by theirs. */
  CrSummaryTable *table = CR_SUMMARY_TABLE (template_child (window, "summary_view"));
  GtkColumnView *view = cr_summary_table_get_view (table);
  GListModel *columns = gtk_column_view_get_columns (view);
  g_autoptr (GtkColumnViewColumn) mean_column = g_list_model_get_item (columns, CR_SUMMARY_COLUMN_MEAN);
  g_assert_cmpstr (gtk_column_view_column_get_title (mean_column), ==, "mean");
  gtk_column_view_sort_by_column (view, mean_column, GTK_SORT_ASCENDING);
  /* Open every group, so every quantity has a row. */
  for (size_t j = 0; j < summary->n_quantities; j++)
    cr_summary_table_select (table, j);
  gui_settle (50);
  size_t n_rows = cr_summary_table_get_n_rows (table), n_groups = 0, shown = 0;
  double previous_top = -INFINITY, previous_element = -INFINITY;
  gboolean in_groups = FALSE;
  for (guint i = 0; i < n_rows; i++)
    {
      size_t first = 0, count = 0;
      gboolean is_group = FALSE, expanded = FALSE;
      g_assert_true (cr_summary_table_get_row (table, i, &first, &count, &is_group, &expanded));
      if (is_group)
        {
          g_assert_true (expanded);
          in_groups = TRUE;
          n_groups++;
          previous_element = -INFINITY;
          continue;
        }
      shown++;
      double mean = summary->summaries[first].mean;
      if (!in_groups)
        {
          g_assert_cmpfloat (mean, >=, previous_top);
          previous_top = mean;
          continue;
        }
      g_assert_cmpfloat (mean, >=, previous_element);
      previous_element = mean;
    }
  g_assert_cmpuint (shown, ==, summary->n_quantities);
  g_assert_cmpuint (n_rows, ==, summary->n_quantities + n_groups);
  g_assert_cmpuint (n_groups, >, 0);
  /* The Diagnostics view of a model with vectors, light and dark. */
  AdwViewStack *stack = ADW_VIEW_STACK (template_child (window, "stack"));
  adw_view_stack_set_visible_child_name (stack, "diagnostics");
  cr_summary_table_select (table, 0);
  gui_settle (50);
  gui_save_screenshot (GTK_WIDGET (window), "diagnostics-vectors-light.png");
  AdwStyleManager *style = adw_style_manager_get_default ();
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  gui_settle (50);
  gui_save_screenshot (GTK_WIDGET (window), "diagnostics-vectors-dark.png");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  gui_settle (50);
  /* A group row (a variable's elements) has every kind of plot, from its elements. */
  guint group_position = G_MAXUINT;
  for (guint i = 0; i < cr_summary_table_get_n_rows (table) && group_position == G_MAXUINT; i++)
    {
      gboolean is_group = FALSE;
      g_assert_true (cr_summary_table_get_row (table, i, NULL, NULL, &is_group, NULL));
      if (is_group)
        group_position = i;
    }
  g_assert_cmpuint (group_position, !=, G_MAXUINT);
  g_assert_true (gtk_selection_model_select_item (gtk_column_view_get_model (view), group_position, TRUE));
  size_t group_first = 0, group_count = 0;
  g_assert_true (cr_summary_table_get_selection (table, &group_first, &group_count));
  g_assert_cmpuint (group_count, >, 1);
  GtkDropDown *kinds = GTK_DROP_DOWN (template_child (window, "diag_kind_dropdown"));
  CrPlotView *diag_plot = CR_PLOT_VIEW (template_child (window, "diag_plot"));
  for (guint k = 0; k < g_list_model_get_n_items (gtk_drop_down_get_model (kinds)); k++)
    {
      gtk_drop_down_set_selected (kinds, k);
      g_assert_true (cr_plot_view_has_input (diag_plot));
    }
  gtk_drop_down_set_selected (kinds, 0);

  /* The project keeps it, marked interrupted, with the draws made. */
  g_autoptr (CrProject) project = cr_project_open (cr_window_get_project_path (window), NULL);
  g_autoptr (CrRun) run = cr_project_load_run (project, 0, NULL);
  g_assert_nonnull (run);
  g_assert_cmpint (run->status, ==, CR_RUN_INTERRUPTED);
  g_assert_cmpuint (cr_run_get_n_common_draws (run), ==, summary->n_draws);
}

static gboolean
run_enabled (gpointer window)
{
  return gtk_widget_is_sensitive (find_button (GTK_WIDGET (window), NULL, "_Run"));
}

static gboolean
run_disabled (gpointer window)
{
  return !run_enabled (window);
}

/* The model compiles away from the main loop before the chains start; Stop in that moment
 * stops the run before it samples: nothing is stored, and Run can be pressed again. */
static void
test_stop_while_preparing (Fixture *fixture, gconstpointer data)
{
  CrWindow *window = activate (fixture);
  g_autoptr (CrProject) project = cr_project_open (cr_window_get_project_path (window), NULL);
  g_autoptr (GPtrArray) before = cr_project_list_runs (project, NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL));
  g_assert_true (cr_window_is_sampling (window));
  GtkLabel *heading = GTK_LABEL (template_child (window, "run_heading"));
  g_assert_cmpstr (gtk_label_get_text (heading), ==, "Preparing the model…");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL));
  g_assert_true (wait_for_run (window, 30));
  g_assert_cmpstr (gtk_label_get_text (heading), ==, "Stopped before sampling began.");
  g_autoptr (GPtrArray) after_stop = cr_project_list_runs (project, NULL);
  g_assert_cmpuint (after_stop->len, ==, before->len);
  /* Run again: this one samples, and is stored. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL));
  g_assert_true (wait_for_run (window, 60));
  g_assert_nonnull (strstr (gtk_label_get_text (heading), "Done"));
  g_autoptr (GPtrArray) after_run = cr_project_list_runs (project, NULL);
  g_assert_cmpuint (after_run->len, ==, before->len + 1);

  /* The README's picture of the Diagnostics view: the eight schools, theta opened. */
  if (g_getenv ("CREDENCE_SCREENSHOT_DIR") != NULL)
    {
      const CrSampleSummary *summary = cr_window_get_summary (window);
      CrSummaryTable *table = CR_SUMMARY_TABLE (template_child (window, "summary_view"));
      for (size_t j = 0; j < summary->n_quantities; j++)
        if (g_str_has_prefix (summary->names[j], "theta["))
          {
            cr_summary_table_select (table, j);
            break;
          }
      adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (template_child (window, "stack")), "diagnostics");
      gint64 toast_gone = g_get_monotonic_time () + 7 * G_USEC_PER_SEC;
      while (g_get_monotonic_time () < toast_gone)
        {
          g_main_context_iteration (NULL, FALSE);
          g_usleep (10000);
        }
      gui_save_screenshot (GTK_WIDGET (window), "diagnostics-eight-schools.png");
    }
}

/* A model with an error is not run: Run says why, with the line and column. */
static void
test_run_refuses_invalid (Fixture *fixture, gconstpointer data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "typo.credence", NULL);
  {
    g_autoptr (CrProject) project = cr_project_create (path, NULL);
    cr_project_save_model (project, "typo", "sigma ~ HalfNormal(1)\nmu ~ Normal(0, sigam)\n", 0, NULL);
  }
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_application_open (G_APPLICATION (fixture->app), &file, 1, "");
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (fixture->app));
  g_assert_true (gui_wait_for (gui_is_mapped, window, GUI_TIMEOUT_US));
  /* Run is disabled, and its tooltip gives the first error with its line and column. */
  g_assert_true (gui_wait_for (run_disabled, window, GUI_TIMEOUT_US));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL); /* Ctrl+R: a disabled action */
  g_assert_false (cr_window_is_sampling (CR_WINDOW (window)));
  GtkWidget *run = find_button (GTK_WIDGET (window), NULL, "_Run");
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (run), "2:16: 'sigam' is not defined; did you mean 'sigma'?"));
}

static void
count_change (guint *changes)
{
  (*changes)++;
}

/* Whether the editor said "changed" since @changes was last reset to zero. */
static gboolean
saw_change (gpointer changes)
{
  return *(guint *) changes > 0;
}

/* A person edits the model: a typo disables Run with the reason in its tooltip; the fix is
 * kept in the project file, so it is there when the project is opened again. */
static void
test_edit_model (Fixture *fixture, gconstpointer data)
{
  CrWindow *window = open_coin (fixture);
  CrModelEditor *editor = cr_model_builder_get_editor (CR_MODEL_BUILDER (template_child (window, "model_builder")));
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (cr_model_editor_get_view (editor)));
  g_assert_true (run_enabled (window));
  guint changes = 0;
  g_signal_connect_swapped (editor, "changed", G_CALLBACK (count_change), &changes);

  /* "p ~ Beta(2, 2)" is line 3: make it "p ~ Bta(2, 2)". */
  GtkTextIter start, end;
  gtk_text_buffer_get_iter_at_line_offset (buffer, &start, 2, 5);
  gtk_text_buffer_get_iter_at_line_offset (buffer, &end, 2, 6);
  gtk_text_buffer_delete_interactive (buffer, &start, &end, TRUE);
  g_assert_true (gui_wait_for (run_disabled, window, GUI_TIMEOUT_US));
  GtkWidget *run = find_button (GTK_WIDGET (window), NULL, "_Run");
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (run), "did you mean 'Beta'?"));

  gtk_text_buffer_get_iter_at_line_offset (buffer, &start, 2, 5);
  gtk_text_buffer_insert_interactive (buffer, &start, "e", 1, TRUE);
  g_assert_true (gui_wait_for (run_enabled, window, GUI_TIMEOUT_US));
  changes = 0;

  /* And a real change, kept: the prior becomes Beta(3, 3). */
  gtk_text_buffer_get_iter_at_line_offset (buffer, &start, 2, 9);
  gtk_text_buffer_get_iter_at_line_offset (buffer, &end, 2, 13);
  gtk_text_buffer_delete_interactive (buffer, &start, &end, TRUE);
  gtk_text_buffer_insert_interactive (buffer, &start, "3, 3", 4, TRUE);
  /* The editor validates after the typing pause, then says "changed" and the window keeps
   * the text: wait for that, not for Run, which is enabled throughout. */
  g_assert_true (gui_wait_for (saw_change, &changes, GUI_TIMEOUT_US));
  g_assert_true (run_enabled (window));
  g_signal_handlers_disconnect_by_data (editor, &changes);
  g_autoptr (CrProject) project = cr_project_open (cr_window_get_project_path (window), NULL);
  g_autoptr (GPtrArray) models = cr_project_list_models (project, NULL);
  g_autofree char *stored = cr_project_load_model_text (project, ((CrModelInfo *) g_ptr_array_index (models, 0))->id, NULL);
  g_assert_nonnull (strstr (stored, "p ~ Beta(3, 3)"));
}

/* A CSV brought in (as Open or a drop does) joins the project and shows; a broken one shows
 * its error at line:column while the data already shown stays. */
static void
test_import_csv (Fixture *fixture, gconstpointer data)
{
  CrWindow *window = open_coin (fixture);
  CrDataView *view = CR_DATA_VIEW (template_child (window, "data_view"));
  g_assert_null (cr_data_view_get_dataset (view));
  g_autofree char *good = g_build_filename (fixture->dir, "flips.csv", NULL);
  g_autofree char *bad = g_build_filename (fixture->dir, "broken.csv", NULL);
  g_assert_true (g_file_set_contents (good, "flip,weight\n1,0.5\n0,0.7\n1,0.2\n", -1, NULL));
  g_assert_true (g_file_set_contents (bad, "flip,weight\n1,0.5\n0\n", -1, NULL));
  g_autoptr (GError) error = NULL;
  g_assert_true (cr_window_import_csv (window, good, &error));
  g_assert_no_error (error);
  const CrDataset *shown = cr_data_view_get_dataset (view);
  g_assert_cmpstr (cr_dataset_get_name (shown), ==, "flips");
  AdwViewStack *stack = ADW_VIEW_STACK (template_child (window, "stack"));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (stack), ==, "data");
  gui_settle (50);
  gui_save_screenshot (GTK_WIDGET (window), "data-table.png");

  g_assert_false (cr_window_import_csv (window, bad, &error));
  g_assert_error (error, CR_DATA_ERROR, CR_DATA_ERROR_RAGGED);
  g_autofree char *where = g_strdup_printf ("%s:3:", bad);
  g_assert_true (g_str_has_prefix (error->message, where));
  g_assert_true (cr_data_view_get_dataset (view) == shown);

  /* It is in the project file. */
  g_autoptr (CrProject) project = cr_project_open (cr_window_get_project_path (window), NULL);
  g_autoptr (GPtrArray) datasets = cr_project_list_datasets (project, NULL);
  g_assert_cmpuint (datasets->len, ==, 1);
  g_assert_cmpstr (((CrDatasetInfo *) g_ptr_array_index (datasets, 0))->name, ==, "flips");
}


/* qsort's and g_ptr_array_sort's comparison of two strings through pointers to them. */
static int
compare_strings (const void *a, const void *b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* The builder's nodes in a canvas's order, as "name:kind" joined by spaces, sorted. */
static char *
canvas_nodes (CrModelCanvas *canvas)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < cr_model_canvas_get_n_nodes (canvas); i++)
    {
      const char *name = cr_model_canvas_get_node_name (canvas, i);
      CrCanvasNodeKind kind;
      g_assert_true (cr_model_canvas_get_node_kind (canvas, name, &kind));
      g_ptr_array_add (names, g_strdup_printf ("%s:%d", name, kind));
    }
  g_ptr_array_sort (names, compare_strings);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

static char *
parents_of (CrModelCanvas *canvas, const char *name)
{
  g_auto (GStrv) parents = cr_model_canvas_get_parents (canvas, name);
  g_assert_nonnull (parents);
  qsort (parents, g_strv_length (parents), sizeof (char *), compare_strings);
  return g_strjoinv (",", parents);
}

/* Sets inspector entry @key to @text and applies it, as typing and pressing Enter does. */
static void
inspector_set (CrNodeInspector *inspector, const char *key, const char *text)
{
  GtkWidget *row = cr_node_inspector_get_row (inspector, key);
  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
  g_assert_true (cr_node_inspector_apply (inspector, key));
  gui_settle (5);
}

static char *
editor_text (CrModelBuilder *builder)
{
  return cr_model_editor_get_text (cr_model_builder_get_editor (builder));
}

static gboolean
is_valid (gpointer editor)
{
  return cr_model_editor_is_valid (CR_MODEL_EDITOR (editor));
}

/* A person builds the linear regression without typing a line of code: a CSV comes in, the
 * palette adds priors and a likelihood, the inspector names them and sets their arguments.
 * The code pane shows the model as text; an edit of the text changes the graph; undo takes
 * it back; the model and the positions of its nodes are in the project when it reopens. */
static void
test_build_linreg (Fixture *fixture, gconstpointer data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "build.credence", NULL);
  g_autofree char *csv = g_build_filename (fixture->dir, "heights.csv", NULL);
  g_assert_true (g_file_set_contents (csv, "x,y\n1.0,2.1\n2.0,3.9\n3.0,6.2\n4.0,8.1\n5.0,9.8\n6.0,12.2\n", -1, NULL));
  {
    g_autoptr (CrProject) project = cr_project_create (path, NULL);
    g_assert_nonnull (project);
  }
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_application_open (G_APPLICATION (fixture->app), &file, 1, "");
  CrWindow *window = CR_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (fixture->app)));
  g_assert_true (gui_wait_for (gui_is_mapped, window, GUI_TIMEOUT_US));
  g_autoptr (GError) error = NULL;
  g_assert_true (cr_window_import_csv (window, csv, &error));
  g_assert_no_error (error);
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (template_child (window, "stack")), "model");
  gui_settle (20);

  CrModelBuilder *builder = CR_MODEL_BUILDER (template_child (window, "model_builder"));
  CrModelPalette *palette = cr_model_builder_get_palette (builder);
  CrNodeInspector *inspector = cr_model_builder_get_inspector (builder);
  CrModelCanvas *canvas = cr_model_builder_get_canvas (builder);
  CrModelEditor *editor = cr_model_builder_get_editor (builder);
  g_assert_true (run_disabled (window));

  /* The palette lists the columns, and its search finds the advice on scales. */
  g_assert_true (cr_model_palette_is_visible (palette, CR_PALETTE_DATA, "x"));
  cr_model_palette_set_search (palette, "scale");
  g_assert_true (cr_model_palette_is_visible (palette, CR_PALETTE_PRIOR, "HalfNormal"));
  g_assert_false (cr_model_palette_is_visible (palette, CR_PALETTE_PRIOR, "Beta"));
  g_assert_nonnull (strstr (cr_model_palette_get_hint (palette, CR_PALETTE_PRIOR, "Uniform"), "bad idea"));
  cr_model_palette_set_search (palette, "");

  /* The intercept and the slope: a Normal prior each, renamed and given a scale. */
  static const char *const coefficients[] = { "alpha", "beta" };
  for (size_t i = 0; i < G_N_ELEMENTS (coefficients); i++)
    {
      g_assert_true (cr_model_palette_activate (palette, CR_PALETTE_PRIOR, "Normal"));
      gui_settle (5);
      g_assert_cmpstr (cr_model_canvas_get_selected (canvas), ==, "theta");
      g_assert_cmpstr (cr_node_inspector_get_node (inspector), ==, "theta");
      inspector_set (inspector, "name", coefficients[i]);
      g_assert_cmpstr (cr_node_inspector_get_node (inspector), ==, coefficients[i]);
      inspector_set (inspector, "sigma", "10");
    }
  g_assert_true (cr_model_palette_activate (palette, CR_PALETTE_PRIOR, "HalfNormal"));
  gui_settle (5);
  g_assert_cmpstr (cr_model_canvas_get_selected (canvas), ==, "sigma");
  inspector_set (inspector, "sigma", "5");
  /* The likelihood observes the column not modelled yet: y. */
  g_assert_true (cr_model_palette_activate (palette, CR_PALETTE_LIKELIHOOD, "Normal"));
  gui_settle (5);
  g_assert_cmpstr (cr_model_canvas_get_selected (canvas), ==, "y");
  inspector_set (inspector, "mu", "alpha + beta * x");
  inspector_set (inspector, "sigma", "sigma");

  g_autofree char *built = editor_text (builder);
  g_assert_cmpstr (built, ==, "alpha ~ Normal(0, 10)\nbeta ~ Normal(0, 10)\nsigma ~ HalfNormal(5)\n"
                              "y ~ Normal(alpha + beta * x, sigma)\n");
  g_assert_true (cr_model_editor_is_valid (editor));
  g_assert_true (gui_wait_for (run_enabled, window, GUI_TIMEOUT_US));
  g_autofree char *nodes = canvas_nodes (canvas);
  g_autofree char *expected_nodes = g_strdup_printf ("alpha:%d beta:%d sigma:%d x:%d y:%d", CR_CANVAS_NODE_FREE,
                                                     CR_CANVAS_NODE_FREE, CR_CANVAS_NODE_FREE, CR_CANVAS_NODE_DATA,
                                                     CR_CANVAS_NODE_OBSERVED);
  g_assert_cmpstr (nodes, ==, expected_nodes);
  g_autofree char *y_parents = parents_of (canvas, "y");
  g_assert_cmpstr (y_parents, ==, "alpha,beta,sigma,x");

  /* A bad argument shows on its node and disables Run; undo takes it back. */
  inspector_set (inspector, "sigma", "alpha");
  g_assert_true (run_disabled (window));
  g_assert_nonnull (cr_model_canvas_get_node_error (canvas, "y"));
  g_assert_nonnull (strstr (cr_model_canvas_get_node_error (canvas, "y"), "sigma of Normal must be positive"));
  gtk_widget_activate_action (GTK_WIDGET (builder), "builder.undo", NULL);
  g_assert_true (gui_wait_for (is_valid, editor, GUI_TIMEOUT_US));
  g_assert_null (cr_model_canvas_get_node_error (canvas, "y"));

  /* The text, edited: a deterministic mean joins the graph after the typing pause. */
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (cr_model_editor_get_view (editor)));
  GtkTextIter start, end;
  gtk_text_buffer_get_iter_at_line (buffer, &start, 3);
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_begin_user_action (buffer);
  gtk_text_buffer_delete_interactive (buffer, &start, &end, TRUE);
  gtk_text_buffer_insert_interactive (buffer, &start, "mu = alpha + beta * x\ny ~ Normal(mu, sigma)\n", -1, TRUE);
  gtk_text_buffer_end_user_action (buffer);
  guint changes = 0;
  g_signal_connect_swapped (editor, "changed", G_CALLBACK (count_change), &changes);
  g_assert_true (gui_wait_for (saw_change, &changes, GUI_TIMEOUT_US));
  CrCanvasNodeKind kind;
  g_assert_true (cr_model_canvas_get_node_kind (canvas, "mu", &kind));
  g_assert_cmpint (kind, ==, CR_CANVAS_NODE_DETERMINISTIC);
  g_autofree char *mu_parents = parents_of (canvas, "y");
  g_assert_cmpstr (mu_parents, ==, "mu,sigma");

  /* Undo: the text and the graph are as the builder left them. */
  changes = 0;
  gtk_widget_activate_action (GTK_WIDGET (builder), "builder.undo", NULL);
  g_assert_true (gui_wait_for (saw_change, &changes, GUI_TIMEOUT_US));
  g_signal_handlers_disconnect_by_data (editor, &changes);
  g_autofree char *undone = editor_text (builder);
  g_assert_cmpstr (undone, ==, built);
  g_assert_false (cr_model_canvas_get_node_kind (canvas, "mu", &kind));

  /* A node moved, as a drag does, and Save. */
  g_assert_true (cr_model_canvas_get_node_position (canvas, "alpha", NULL, NULL));
  cr_model_canvas_set_node_position (canvas, "alpha", 412.0, 37.0);
  g_signal_emit_by_name (canvas, "layout-changed");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.save", NULL);
  gui_settle (20);
  gui_save_screenshot (GTK_WIDGET (window), "builder-linreg.png");
  gtk_window_destroy (GTK_WINDOW (window));
  gui_settle (20);

  /* Reopened: the same model, the same data, alpha where it was put. */
  g_application_open (G_APPLICATION (fixture->app), &file, 1, "");
  window = CR_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (fixture->app)));
  g_assert_true (gui_wait_for (gui_is_mapped, window, GUI_TIMEOUT_US));
  gui_settle (20);
  builder = CR_MODEL_BUILDER (template_child (window, "model_builder"));
  canvas = cr_model_builder_get_canvas (builder);
  g_autofree char *reopened = editor_text (builder);
  g_assert_cmpstr (reopened, ==, built);
  g_assert_true (cr_model_editor_is_valid (cr_model_builder_get_editor (builder)));
  g_autofree char *reopened_nodes = canvas_nodes (canvas);
  g_assert_cmpstr (reopened_nodes, ==, expected_nodes);
  double x, y;
  g_assert_true (cr_model_canvas_get_node_position (canvas, "alpha", &x, &y));
  g_assert_cmpfloat (x, ==, 412.0);
  g_assert_cmpfloat (y, ==, 37.0);
  g_assert_true (gui_wait_for (run_enabled, window, GUI_TIMEOUT_US));
}

/* A template from the palette comes in as a new model with its data, beside the one there;
 * the hierarchical one draws its school means in a plate of the school levels. */
static void
test_template (Fixture *fixture, gconstpointer data)
{
  CrWindow *window = open_coin (fixture);
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (template_child (window, "stack")), "model");
  CrModelBuilder *builder = CR_MODEL_BUILDER (template_child (window, "model_builder"));
  CrModelPalette *palette = cr_model_builder_get_palette (builder);
  static const char *const ids[] = { "coin", "ab_test", "linear_regression", "multiple_regression",
                                     "logistic_regression", "poisson_regression", "hierarchical", "ar1",
                                     "calibration", "mixture" };
  for (size_t i = 0; i < G_N_ELEMENTS (ids); i++)
    g_assert_true (cr_model_palette_is_visible (palette, CR_PALETTE_TEMPLATE, ids[i]));
  g_assert_true (cr_model_palette_activate (palette, CR_PALETTE_TEMPLATE, "hierarchical"));
  gui_settle (20);
  CrModelCanvas *canvas = cr_model_builder_get_canvas (builder);
  g_assert_true (cr_model_editor_is_valid (cr_model_builder_get_editor (builder)));
  g_assert_true (gui_wait_for (run_enabled, window, GUI_TIMEOUT_US));
  CrCanvasNodeKind kind;
  g_assert_true (cr_model_canvas_get_node_kind (canvas, "school_mu", &kind));
  g_assert_cmpint (kind, ==, CR_CANVAS_NODE_FREE);
  g_assert_nonnull (cr_model_canvas_get_plate_label (canvas, "school_mu"));
  g_assert_nonnull (strstr (cr_model_canvas_get_plate_label (canvas, "school_mu"), "school"));
  cr_model_canvas_select (canvas, "school_mu");
  if (g_getenv ("CREDENCE_SCREENSHOT_DIR") != NULL)
    {
      /* The README's picture: a window of a usual size, once the toast has gone. */
      gtk_window_set_default_size (GTK_WINDOW (window), 1400, 860);
      gint64 toast_gone = g_get_monotonic_time () + 7 * G_USEC_PER_SEC;
      while (g_get_monotonic_time () < toast_gone)
        {
          g_main_context_iteration (NULL, FALSE);
          g_usleep (10000);
        }
      cr_model_canvas_zoom_to_fit (canvas);
      gui_settle (20);
      gui_save_screenshot (GTK_WIDGET (window), "builder.png");
    }

  /* Both models are in the project: nothing was replaced. */
  g_autoptr (CrProject) project = cr_project_open (cr_window_get_project_path (window), NULL);
  g_autoptr (GPtrArray) models = cr_project_list_models (project, NULL);
  g_assert_cmpuint (models->len, ==, 2);
  g_autoptr (GPtrArray) datasets = cr_project_list_datasets (project, NULL);
  g_assert_cmpuint (datasets->len, ==, 1);
}

/* Whether a GtkLabel under @root (itself included) shows @text. */
static gboolean
has_label (GtkWidget *root, const char *text)
{
  if (GTK_IS_LABEL (root) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (root)), text) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_label (child, text))
      return TRUE;
  return FALSE;
}

static void
test_french (Fixture *fixture, gconstpointer data)
{
  CrWindow *window = activate (fixture);
  AdwViewStack *stack = ADW_VIEW_STACK (template_child (window, "stack"));
  static const char *const titles[] = { "Données", "Modèle", "Échantillonnage", "Diagnostics", "Comparer", "Rapport" };
  for (size_t i = 0; i < G_N_ELEMENTS (view_names); i++)
    {
      GtkWidget *child = adw_view_stack_get_child_by_name (stack, view_names[i]);
      g_assert_cmpstr (adw_view_stack_page_get_title (adw_view_stack_get_page (stack, child)), ==, titles[i]);
    }
  g_assert_nonnull (find_button (GTK_WIDGET (window), NULL, "_Lancer"));
  gui_save_screenshot (GTK_WIDGET (window), "data-fr.png");
}

/* French typography: a no-break space before a colon (GNOME's French conventions). */
#define FR_COLON "\u00a0:"

/* The builder in French: the palette's groups, hints and templates, whose titles are read from
 * templates.json and translated; the inspector's rows; and the verdict on a run. */
static void
test_french_builder (Fixture *fixture, gconstpointer data)
{
  CrWindow *window = open_coin (fixture);
  gtk_window_set_default_size (GTK_WINDOW (window), 1400, 860);
  AdwViewStack *stack = ADW_VIEW_STACK (template_child (window, "stack"));
  adw_view_stack_set_visible_child_name (stack, "model");
  gui_settle (50);
  CrModelBuilder *builder = CR_MODEL_BUILDER (template_child (window, "model_builder"));
  GtkWidget *palette = GTK_WIDGET (cr_model_builder_get_palette (builder));
  g_assert_true (has_label (palette, "Modèles types"));
  g_assert_true (has_label (palette, "Lois a priori"));
  g_assert_true (has_label (palette, "Vraisemblances"));
  g_assert_true (has_label (palette, "Pile ou face"));
  g_assert_true (has_label (palette, "Régression logistique"));
  g_assert_cmpstr (cr_model_palette_get_hint (CR_MODEL_PALETTE (palette), CR_PALETTE_TEMPLATE, "coin"), ==,
                   "Estimer la probabilité de tomber sur pile à partir d’une série de lancers.");
  g_assert_cmpstr (cr_model_palette_get_hint (CR_MODEL_PALETTE (palette), CR_PALETTE_PRIOR, "HalfNormal"), ==,
                   "Échelles (sigma, tau)" FR_COLON " le choix habituel. Positive, elle les tient loin "
                   "des valeurs invraisemblablement grandes");

  /* The inspector of the prior p. */
  cr_model_canvas_select (cr_model_builder_get_canvas (builder), "p");
  gui_settle (20);
  CrNodeInspector *inspector = cr_model_builder_get_inspector (builder);
  g_assert_cmpstr (cr_node_inspector_get_node (inspector), ==, "p");
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (cr_node_inspector_get_row (inspector, "distribution"))),
                   ==, "Loi");
  g_assert_true (has_label (GTK_WIDGET (inspector), "Nature"));
  g_assert_true (has_label (GTK_WIDGET (inspector), "Paramètre" FR_COLON " échantillonné"));
  g_assert_true (has_label (GTK_WIDGET (inspector), "Retirer du modèle"));
  cr_model_canvas_zoom_to_fit (cr_model_builder_get_canvas (builder));
  gui_settle (20);
  gui_save_screenshot (GTK_WIDGET (window), "builder-fr.png");

  /* A template comes in under its French title. */
  g_assert_true (cr_model_palette_activate (CR_MODEL_PALETTE (palette), CR_PALETTE_TEMPLATE, "ab_test"));
  gui_settle (20);
  g_autoptr (CrProject) project = cr_project_open (cr_window_get_project_path (window), NULL);
  g_autoptr (GPtrArray) models = cr_project_list_models (project, NULL);
  gboolean found = FALSE;
  for (guint i = 0; i < models->len; i++)
    found = found || g_strcmp0 (((const CrModelInfo *) g_ptr_array_index (models, i))->name, "Test A/B") == 0;
  g_assert_true (found);

  /* The verdict on a run, computed by the engine, shows in French. */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (template_child (window, "seed_spin")), 17);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL));
  g_assert_true (wait_for_run (window, 60));
  GtkListBox *verdicts = GTK_LIST_BOX (template_child (window, "verdict_list"));
  GtkListBoxRow *first = gtk_list_box_get_row_at_index (verdicts, 0);
  g_assert_nonnull (first);
  const char *verdict = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (first));
  g_test_message ("verdict: %s", verdict);
  g_assert_true (g_str_has_prefix (verdict, "Les chaînes ont convergé" FR_COLON " R-hat vaut au plus "));
  adw_view_stack_set_visible_child_name (stack, "diagnostics");
  gui_settle (50);
  gui_save_screenshot (GTK_WIDGET (window), "diagnostics-fr.png");
}

int
main (int argc, char **argv)
{
  gsl_set_error_handler_off ();
  cr_application_init_i18n ();
  g_test_init (&argc, &argv, NULL);

  /* The example project is written under the user's data folder: use a fresh one, before
   * anything asks GLib for it (it caches the answer). */
  g_autofree char *home = g_dir_make_tmp ("credence-gui-home-XXXXXX", NULL);
  g_assert_nonnull (home);
  g_autofree char *data_home = g_build_filename (home, "data", NULL);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);

  if (!gtk_init_check ())
    {
      g_printerr ("test-gui needs a display: run the tests under xvfb-run (see README.md)\n");
      return 1;
    }
  adw_init ();
  the_app = cr_application_new (G_APPLICATION_NON_UNIQUE);
  g_autoptr (GError) error = NULL;
  if (!g_application_register (G_APPLICATION (the_app), NULL, &error))
    g_error ("cannot register the application: %s", error->message);
  /* Keep the application alive between windows, as g_application_run () would. */
  g_application_hold (G_APPLICATION (the_app));

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  if (g_str_has_prefix (g_getenv ("LANGUAGE") != NULL ? g_getenv ("LANGUAGE") : "", "fr"))
    {
      ADD ("/gui/i18n/french", test_french);
      ADD ("/gui/i18n/french-builder", test_french_builder);
    }
  else
    {
      ADD ("/gui/window/views", test_window_views);
      ADD ("/gui/window/opens-example", test_opens_example);
      ADD ("/gui/window/dark-style", test_dark_style);
      ADD ("/gui/window/opens-file-argument", test_opens_file_argument);
      ADD ("/gui/window/refuses-bad-file", test_refuses_bad_file);
      ADD ("/gui/window/menu-actions", test_menu_actions);
      ADD ("/gui/run/coin", test_run_coin);
      ADD ("/gui/run/stop-keeps-draws", test_stop_keeps_draws);
      ADD ("/gui/run/stop-while-preparing", test_stop_while_preparing);
      ADD ("/gui/run/refuses-invalid", test_run_refuses_invalid);
      ADD ("/gui/model/edit", test_edit_model);
      ADD ("/gui/data/import-csv", test_import_csv);
      ADD ("/gui/model/build-linreg", test_build_linreg);
      ADD ("/gui/model/template", test_template);
    }
#undef ADD
  int status = g_test_run ();
  g_application_release (G_APPLICATION (the_app));
  g_clear_object (&the_app);
  g_autofree char *command = g_strdup_printf ("rm -rf '%s'", home);
  if (system (command) != 0)
    g_printerr ("could not remove %s\n", home);
  return status;
}
