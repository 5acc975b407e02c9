/* test-widgets-summary.c: the Diagnostics view's summary table under a display (Xvfb in CI):
 * the tree of variables and elements, the groups' worst values and colours, the default and
 * kept expansion, sorting at both levels, the selection API and the keys, and that the table
 * keeps working once the caller has freed its summary.
 *
 * With CREDENCE_SCREENSHOT_DIR set, it also saves PNGs of the table, light and dark.
 */
#include "cr-summary-table.h"
#include "gui-util.h"

#include <adwaita.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <string.h>

#define N_CHAINS 4

/* One quantity of a hand-made summary. */
typedef struct
{
  const char *name;
  double mean, r_hat, ess_bulk, ess_tail;
} Quantity;

/* A scalar, a vector of 3, a 2 x 2 matrix and a scalar. With 4 chains an ESS under 400 warns:
 * beta[1]'s tail does, so beta warns; L[1,0]'s r_hat of 1.2 says stop, so L does. L[0,0] is
 * the constant 1 of a Cholesky factor: its r_hat and ESS could not be computed. */
static const Quantity mixed[] = {
  { "alpha", 0.5, 1.000, 2000, 1800 },
  { "beta[0]", 3.0, 1.001, 1500, 1100 },
  { "beta[1]", -1.0, 1.008, 900, 350 },
  { "beta[2]", 2.0, 1.003, 1200, 700 },
  { "L[0,0]", 1.0, NAN, NAN, NAN },
  { "L[0,1]", 0.0, 1.004, 800, 900 },
  { "L[1,0]", 0.3, 1.2, 30, 45 },
  { "L[1,1]", 0.9, 1.002, 1000, 1000 },
  { "sigma", 1.5, 1.006, 1700, 1600 },
};
enum
{
  ALPHA = 0,
  BETA = 1,
  L_FIRST = 4,
  L_STOP = 6,
  SIGMA = 8,
};

/* Returns: (transfer full) a summary of @n quantities, as cr_sample_summary_new () lays one
 * out; the sd, HDI and MCSE follow from the mean so every column has distinct numbers. */
static CrSampleSummary *
summary_new (const Quantity *quantities, size_t n)
{
  CrSampleSummary *summary = g_new0 (CrSampleSummary, 1);
  summary->n_quantities = n;
  summary->names = g_new0 (char *, n + 1);
  summary->summaries = g_new (CrDiagSummary, n);
  for (size_t j = 0; j < n; j++)
    {
      const Quantity *q = &quantities[j];
      summary->names[j] = g_strdup (q->name);
      double sd = 0.1 + 0.01 * (double) j, mcse_mean = 0.001 * (double) (j + 1), mcse_sd = 0.002;
      summary->summaries[j] = (CrDiagSummary){ q->mean, sd, q->mean - 1.0, q->mean + 1.0, mcse_mean,
                                               mcse_sd, q->ess_bulk, q->ess_tail, q->r_hat };
    }
  summary->n_chains = N_CHAINS;
  summary->n_draws = 1000;
  summary->ebfmi = g_new0 (double, N_CHAINS);
  summary->verdicts = g_ptr_array_new_with_free_func ((GDestroyNotify) cr_verdict_free);
  return summary;
}

/* theta[0]..theta[@n - 2] and tau: more than CR_SUMMARY_TABLE_EXPAND_MAX when @n is. */
static CrSampleSummary *
long_summary_new (const char *vector, size_t n)
{
  g_autofree Quantity *quantities = g_new (Quantity, n);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  for (size_t j = 0; j + 1 < n; j++)
    {
      char *name = g_strdup_printf ("%s[%zu]", vector, j);
      g_ptr_array_add (names, name);
      quantities[j] = (Quantity){ name, (double) j, 1.001, 1000, 1000 };
    }
  quantities[n - 1] = (Quantity){ "tau", 2.0, 1.002, 900, 900 };
  return summary_new (quantities, n);
}

typedef struct
{
  GtkWindow *window;
  CrSummaryTable *table;
  guint n_selection_changed;
} Fixture;

static void
on_selection_changed (CrSummaryTable *table, Fixture *fixture)
{
  fixture->n_selection_changed++;
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (fixture->window, 900, 480);
  fixture->table = CR_SUMMARY_TABLE (cr_summary_table_new ());
  gtk_window_set_child (fixture->window, GTK_WIDGET (fixture->table));
  g_signal_connect (fixture->table, "selection-changed", G_CALLBACK (on_selection_changed), fixture);
  gtk_window_present (fixture->window);
  g_assert_true (gui_wait_for (gui_is_mapped, fixture->table, GUI_TIMEOUT_US));
  gui_settle (5);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  gtk_window_destroy (fixture->window);
  gui_settle (5);
}

/* Shows @n quantities and frees the summary at once, as the window may. */
static void
show (Fixture *fixture, const Quantity *quantities, size_t n)
{
  CrSampleSummary *summary = summary_new (quantities, n);
  cr_summary_table_set_summary (fixture->table, summary);
  cr_sample_summary_free (summary);
  gui_settle (5);
}

/* Row @position must show (@first, @count) as a group or not. */
static void
assert_row (Fixture *fixture, guint position, size_t first, size_t count, gboolean is_group)
{
  size_t row_first = G_MAXSIZE, row_count = 0;
  gboolean row_is_group = !is_group;
  g_assert_true (cr_summary_table_get_row (fixture->table, position, &row_first, &row_count, &row_is_group, NULL));
  g_assert_cmpuint (row_first, ==, first);
  g_assert_cmpuint (row_count, ==, count);
  g_assert_cmpint (row_is_group, ==, is_group);
}

static void
assert_cell (Fixture *fixture, guint position, CrSummaryColumn column, const char *text)
{
  g_autofree char *shown = cr_summary_table_get_cell_text (fixture->table, position, column);
  g_assert_cmpstr (shown, ==, text);
}

static gboolean
is_expanded (Fixture *fixture, guint position)
{
  gboolean expanded = FALSE;
  g_assert_true (cr_summary_table_get_row (fixture->table, position, NULL, NULL, NULL, &expanded));
  return expanded;
}

/* The position of the row that shows (@first, @count), or G_MAXUINT. */
static guint
find_row (Fixture *fixture, size_t first, gboolean is_group)
{
  for (guint i = 0; i < cr_summary_table_get_n_rows (fixture->table); i++)
    {
      size_t row_first;
      gboolean row_is_group;
      g_assert_true (cr_summary_table_get_row (fixture->table, i, &row_first, NULL, &row_is_group, NULL));
      if (row_first == first && row_is_group == is_group)
        return i;
    }
  return G_MAXUINT;
}

static void
assert_selection (Fixture *fixture, size_t first, size_t count)
{
  size_t selected_first = G_MAXSIZE, selected_count = 0;
  g_assert_true (cr_summary_table_get_selection (fixture->table, &selected_first, &selected_count));
  g_assert_cmpuint (selected_first, ==, first);
  g_assert_cmpuint (selected_count, ==, count);
}

/* Returns: (transfer none) the first label under @root showing @text, or NULL. */
static GtkWidget *
find_label (GtkWidget *root, const char *text)
{
  if (GTK_IS_LABEL (root) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (root)), text) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label (child, text);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The colour class the cell showing @text has, on itself or its name cell's box. */
static const char *
colour_of (Fixture *fixture, const char *text)
{
  GtkWidget *label = find_label (GTK_WIDGET (fixture->table), text);
  g_assert_nonnull (label);
  for (GtkWidget *w = label; w != NULL && w != GTK_WIDGET (fixture->table); w = gtk_widget_get_parent (w))
    {
      if (gtk_widget_has_css_class (w, "error"))
        return "error";
      if (gtk_widget_has_css_class (w, "warning"))
        return "warning";
    }
  return "none";
}

/* Returns: (transfer none) the expander showing variable @name. */
static GtkWidget *
find_expander (Fixture *fixture, const char *name)
{
  GtkWidget *label = find_label (GTK_WIDGET (fixture->table), name);
  g_assert_nonnull (label);
  GtkWidget *expander = gtk_widget_get_ancestor (label, GTK_TYPE_TREE_EXPANDER);
  g_assert_nonnull (expander);
  return expander;
}

/* Activates @action ("listitem.expand", ...) of variable @name's expander, as a click on its
 * arrow does ("listitem.toggle-expand"). */
static void
expander_action (Fixture *fixture, const char *name, const char *action)
{
  g_assert_true (gtk_widget_activate_action (find_expander (fixture, name), action, NULL));
}

/* Presses @keyval on the table's key controller, as typing with the table focused does. */
static gboolean
press_key (Fixture *fixture, guint keyval)
{
  GtkWidget *view = GTK_WIDGET (cr_summary_table_get_view (fixture->table));
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (view);
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GtkEventController) controller = g_list_model_get_item (controllers, i);
      if (g_strcmp0 (gtk_event_controller_get_name (controller), "cr-summary-table-keys") != 0)
        continue;
      gboolean handled = FALSE;
      g_signal_emit_by_name (controller, "key-pressed", keyval, 0, 0, &handled);
      gui_settle (2);
      return handled;
    }
  g_assert_not_reached ();
}

static void
sort_by (Fixture *fixture, CrSummaryColumn column, GtkSortType order)
{
  GtkColumnView *view = cr_summary_table_get_view (fixture->table);
  g_autoptr (GtkColumnViewColumn) view_column = g_list_model_get_item (gtk_column_view_get_columns (view), column);
  gtk_column_view_sort_by_column (view, view_column, order);
  gui_settle (2);
}

/* The table's rows as names ("beta" for a group), in order, comma-separated. */
static char *
row_names (Fixture *fixture)
{
  g_autoptr (GString) names = g_string_new (NULL);
  for (guint i = 0; i < cr_summary_table_get_n_rows (fixture->table); i++)
    {
      g_autofree char *name = cr_summary_table_get_cell_text (fixture->table, i, CR_SUMMARY_COLUMN_NAME);
      g_string_append_printf (names, "%s%s", i > 0 ? "," : "", name);
    }
  return g_string_free (g_steal_pointer (&names), FALSE);
}

static void
assert_rows (Fixture *fixture, const char *expected)
{
  g_autofree char *names = row_names (fixture);
  g_assert_cmpstr (names, ==, expected);
}

static void
test_tree (Fixture *fixture, gconstpointer data)
{
  g_assert_cmpuint (cr_summary_table_get_n_rows (fixture->table), ==, 0);
  show (fixture, mixed, G_N_ELEMENTS (mixed));
  /* Nine quantities: few enough that the groups start open. */
  g_assert_cmpuint (G_N_ELEMENTS (mixed), <=, CR_SUMMARY_TABLE_EXPAND_MAX);
  assert_rows (fixture, "alpha,beta,beta[0],beta[1],beta[2],L,L[0,0],L[0,1],L[1,0],L[1,1],sigma");
  assert_row (fixture, 0, ALPHA, 1, FALSE);
  assert_row (fixture, 1, BETA, 3, TRUE);
  assert_row (fixture, 2, BETA, 1, FALSE);
  assert_row (fixture, 4, BETA + 2, 1, FALSE);
  assert_row (fixture, 5, L_FIRST, 4, TRUE);
  assert_row (fixture, 8, L_STOP, 1, FALSE);
  assert_row (fixture, 10, SIGMA, 1, FALSE);
  g_assert_false (cr_summary_table_get_row (fixture->table, 11, NULL, NULL, NULL, NULL));
  g_assert_null (cr_summary_table_get_cell_text (fixture->table, 11, CR_SUMMARY_COLUMN_MEAN));
  g_assert_true (is_expanded (fixture, 1));
  g_assert_true (is_expanded (fixture, 5));
  g_assert_false (is_expanded (fixture, 0));

  /* On screen: each group's name, and its shape dimmed beside it. */
  g_assert_nonnull (find_label (GTK_WIDGET (fixture->table), "[3]"));
  GtkWidget *shape = find_label (GTK_WIDGET (fixture->table), "[2,2]");
  g_assert_nonnull (shape);
  g_assert_true (gtk_widget_has_css_class (shape, "dim-label"));
  g_assert_true (gtk_widget_get_visible (shape));
  g_assert_true (gtk_widget_get_ancestor (shape, GTK_TYPE_TREE_EXPANDER) == find_expander (fixture, "L"));

  /* The expander closes and opens a group, as a click on its arrow does. */
  expander_action (fixture, "L", "listitem.toggle-expand");
  gui_settle (2);
  assert_rows (fixture, "alpha,beta,beta[0],beta[1],beta[2],L,sigma");
  g_assert_false (is_expanded (fixture, 5));
  expander_action (fixture, "L", "listitem.toggle-expand");
  gui_settle (2);
  g_assert_cmpuint (cr_summary_table_get_n_rows (fixture->table), ==, 11);
  gui_save_screenshot (GTK_WIDGET (fixture->table), "summary-table-light.png");
  AdwStyleManager *style = adw_style_manager_get_default ();
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  gui_settle (20);
  gui_save_screenshot (GTK_WIDGET (fixture->table), "summary-table-dark.png");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  gui_settle (5);
}

/* A group shows its worst element where that means something, blank elsewhere; the cells keep
 * the summary's formatting. */
static void
test_aggregates (Fixture *fixture, gconstpointer data)
{
  show (fixture, mixed, G_N_ELEMENTS (mixed));
  guint beta = find_row (fixture, BETA, TRUE), l = find_row (fixture, L_FIRST, TRUE);
  assert_cell (fixture, beta, CR_SUMMARY_COLUMN_NAME, "beta");
  assert_cell (fixture, beta, CR_SUMMARY_COLUMN_R_HAT, "1.01"); /* 1.008, the largest */
  assert_cell (fixture, beta, CR_SUMMARY_COLUMN_ESS_BULK, "900");
  assert_cell (fixture, beta, CR_SUMMARY_COLUMN_ESS_TAIL, "350");
  for (CrSummaryColumn c = CR_SUMMARY_COLUMN_MEAN; c <= CR_SUMMARY_COLUMN_MCSE_SD; c++)
    assert_cell (fixture, beta, c, "");
  /* L[0,0]'s values could not be computed: the worst is among the others. */
  assert_cell (fixture, l, CR_SUMMARY_COLUMN_R_HAT, "1.20");
  assert_cell (fixture, l, CR_SUMMARY_COLUMN_ESS_BULK, "30");
  assert_cell (fixture, l, CR_SUMMARY_COLUMN_ESS_TAIL, "45");

  /* Quantities as before: 3 decimals, 0 for ESS, 2 for r_hat, "—" when not computed. */
  guint alpha = find_row (fixture, ALPHA, FALSE), constant = find_row (fixture, L_FIRST, FALSE);
  assert_cell (fixture, alpha, CR_SUMMARY_COLUMN_MEAN, "0.500");
  assert_cell (fixture, alpha, CR_SUMMARY_COLUMN_SD, "0.100");
  assert_cell (fixture, alpha, CR_SUMMARY_COLUMN_HDI_LOWER, "-0.500");
  assert_cell (fixture, alpha, CR_SUMMARY_COLUMN_HDI_UPPER, "1.500");
  assert_cell (fixture, alpha, CR_SUMMARY_COLUMN_MCSE_MEAN, "0.001");
  assert_cell (fixture, alpha, CR_SUMMARY_COLUMN_ESS_BULK, "2000");
  assert_cell (fixture, alpha, CR_SUMMARY_COLUMN_R_HAT, "1.00");
  assert_cell (fixture, constant, CR_SUMMARY_COLUMN_NAME, "L[0,0]");
  assert_cell (fixture, constant, CR_SUMMARY_COLUMN_MEAN, "1.000");
  assert_cell (fixture, constant, CR_SUMMARY_COLUMN_R_HAT, "—");
  assert_cell (fixture, constant, CR_SUMMARY_COLUMN_ESS_TAIL, "—");
}

static CrVerdictLevel
level_of (Fixture *fixture, size_t first, gboolean is_group)
{
  return cr_summary_table_get_row_level (fixture->table, find_row (fixture, first, is_group));
}

/* Each row takes its verdict's colour; a group its worst element's. */
static void
test_colours (Fixture *fixture, gconstpointer data)
{
  show (fixture, mixed, G_N_ELEMENTS (mixed));
  g_assert_cmpint (level_of (fixture, ALPHA, FALSE), ==, CR_VERDICT_OK);
  g_assert_cmpint (level_of (fixture, BETA, TRUE), ==, CR_VERDICT_WARN);
  g_assert_cmpint (level_of (fixture, BETA, FALSE), ==, CR_VERDICT_OK);
  g_assert_cmpint (level_of (fixture, L_FIRST, TRUE), ==, CR_VERDICT_STOP);
  g_assert_cmpint (level_of (fixture, L_FIRST, FALSE), ==, CR_VERDICT_OK);
  g_assert_cmpint (level_of (fixture, L_STOP, FALSE), ==, CR_VERDICT_STOP);
  /* On screen: the cells carry the classes the theme colours. */
  g_assert_cmpstr (colour_of (fixture, "alpha"), ==, "none");
  g_assert_cmpstr (colour_of (fixture, "beta"), ==, "warning");
  g_assert_cmpstr (colour_of (fixture, "beta[0]"), ==, "none");
  g_assert_cmpstr (colour_of (fixture, "beta[1]"), ==, "warning");
  g_assert_cmpstr (colour_of (fixture, "L"), ==, "error");
  g_assert_cmpstr (colour_of (fixture, "[2,2]"), ==, "error");
  g_assert_cmpstr (colour_of (fixture, "1.20"), ==, "error"); /* L's and L[1,0]'s r_hat */
  g_assert_cmpstr (colour_of (fixture, "L[1,0]"), ==, "error");
  g_assert_cmpstr (colour_of (fixture, "L[1,1]"), ==, "none");
  g_assert_cmpstr (colour_of (fixture, "L[0,0]"), ==, "none");
}

static void
test_sort (Fixture *fixture, gconstpointer data)
{
  show (fixture, mixed, G_N_ELEMENTS (mixed));
  /* By mean: the scalars, then the groups (blank), in the model's order; the elements under
   * their group by their means. */
  sort_by (fixture, CR_SUMMARY_COLUMN_MEAN, GTK_SORT_ASCENDING);
  assert_rows (fixture, "alpha,sigma,beta,beta[1],beta[2],beta[0],L,L[0,1],L[1,0],L[1,1],L[0,0]");
  /* Descending reverses the whole order. */
  sort_by (fixture, CR_SUMMARY_COLUMN_MEAN, GTK_SORT_DESCENDING);
  assert_rows (fixture, "L,L[0,0],L[1,1],L[1,0],L[0,1],beta,beta[0],beta[2],beta[1],sigma,alpha");
  /* By r_hat: the groups by their worst; the element that could not be computed last. */
  sort_by (fixture, CR_SUMMARY_COLUMN_R_HAT, GTK_SORT_ASCENDING);
  assert_rows (fixture, "alpha,sigma,beta,beta[0],beta[2],beta[1],L,L[1,1],L[0,1],L[1,0],L[0,0]");
  /* By ESS: groups by their smallest. */
  sort_by (fixture, CR_SUMMARY_COLUMN_ESS_BULK, GTK_SORT_ASCENDING);
  assert_rows (fixture, "L,L[1,0],L[0,1],L[1,1],L[0,0],beta,beta[1],beta[2],beta[0],sigma,alpha");
  /* A closed group still sorts as a whole and opens with its elements sorted. */
  expander_action (fixture, "beta", "listitem.collapse");
  gui_settle (2);
  assert_rows (fixture, "L,L[1,0],L[0,1],L[1,1],L[0,0],beta,sigma,alpha");
  sort_by (fixture, CR_SUMMARY_COLUMN_MEAN, GTK_SORT_ASCENDING);
  expander_action (fixture, "beta", "listitem.expand");
  gui_settle (2);
  assert_rows (fixture, "alpha,sigma,beta,beta[1],beta[2],beta[0],L,L[0,1],L[1,0],L[1,1],L[0,0]");
  /* By name: the model's order. */
  sort_by (fixture, CR_SUMMARY_COLUMN_NAME, GTK_SORT_ASCENDING);
  assert_rows (fixture, "alpha,beta,beta[0],beta[1],beta[2],L,L[0,0],L[0,1],L[1,0],L[1,1],sigma");
  /* The sort stays for the next summary. */
  sort_by (fixture, CR_SUMMARY_COLUMN_MEAN, GTK_SORT_ASCENDING);
  show (fixture, mixed, G_N_ELEMENTS (mixed));
  assert_rows (fixture, "alpha,sigma,beta,beta[1],beta[2],beta[0],L,L[0,1],L[1,0],L[1,1],L[0,0]");
}

static void
test_selection (Fixture *fixture, gconstpointer data)
{
  g_assert_false (cr_summary_table_get_selection (fixture->table, NULL, NULL));
  show (fixture, mixed, G_N_ELEMENTS (mixed));
  /* The first row is selected, and said so once. */
  g_assert_cmpuint (fixture->n_selection_changed, ==, 1);
  assert_selection (fixture, ALPHA, 1);

  /* A group row gives its elements; an element itself. */
  GtkSelectionModel *rows = gtk_column_view_get_model (cr_summary_table_get_view (fixture->table));
  g_assert_true (gtk_selection_model_select_item (rows, find_row (fixture, L_FIRST, TRUE), TRUE));
  g_assert_cmpuint (fixture->n_selection_changed, ==, 2);
  assert_selection (fixture, L_FIRST, 4);
  g_assert_true (gtk_selection_model_select_item (rows, find_row (fixture, L_STOP, FALSE), TRUE));
  assert_selection (fixture, L_STOP, 1);

  /* Closing the group of the selected element selects the group. */
  expander_action (fixture, "L", "listitem.collapse");
  gui_settle (2);
  assert_selection (fixture, L_FIRST, 4);
  g_assert_cmpuint (gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (rows)), ==, find_row (fixture, L_FIRST, TRUE));

  /* select () opens the group it needs. */
  guint changes = fixture->n_selection_changed;
  cr_summary_table_select (fixture->table, L_STOP);
  gui_settle (2);
  assert_selection (fixture, L_STOP, 1);
  g_assert_true (is_expanded (fixture, find_row (fixture, L_FIRST, TRUE)));
  g_assert_cmpuint (fixture->n_selection_changed, ==, changes + 1);
  cr_summary_table_select (fixture->table, SIGMA);
  assert_selection (fixture, SIGMA, 1);

  /* Sorting moves the selected row but keeps it selected. */
  changes = fixture->n_selection_changed;
  sort_by (fixture, CR_SUMMARY_COLUMN_MEAN, GTK_SORT_DESCENDING);
  assert_selection (fixture, SIGMA, 1);
  g_assert_cmpuint (fixture->n_selection_changed, ==, changes);
}

/* The keys of a tree: Right and plus open, Left and minus close or go to the group. */
static void
test_keys (Fixture *fixture, gconstpointer data)
{
  show (fixture, mixed, G_N_ELEMENTS (mixed));
  cr_summary_table_select (fixture->table, BETA + 1);
  /* From an element, Left goes to its group; again, it closes the group. */
  g_assert_true (press_key (fixture, GDK_KEY_Left));
  assert_selection (fixture, BETA, 3);
  g_assert_true (is_expanded (fixture, find_row (fixture, BETA, TRUE)));
  g_assert_true (press_key (fixture, GDK_KEY_Left));
  g_assert_false (is_expanded (fixture, find_row (fixture, BETA, TRUE)));
  assert_selection (fixture, BETA, 3);
  /* A closed group: Left goes on to the list; Right and plus open. */
  g_assert_false (press_key (fixture, GDK_KEY_Left));
  g_assert_true (press_key (fixture, GDK_KEY_Right));
  g_assert_true (is_expanded (fixture, find_row (fixture, BETA, TRUE)));
  g_assert_true (press_key (fixture, GDK_KEY_minus));
  g_assert_false (is_expanded (fixture, find_row (fixture, BETA, TRUE)));
  g_assert_true (press_key (fixture, GDK_KEY_plus));
  g_assert_true (is_expanded (fixture, find_row (fixture, BETA, TRUE)));
  /* A scalar has nothing to open; other keys are the list's. */
  cr_summary_table_select (fixture->table, ALPHA);
  g_assert_false (press_key (fixture, GDK_KEY_Right));
  g_assert_false (press_key (fixture, GDK_KEY_Left));
  g_assert_false (press_key (fixture, GDK_KEY_Down));
  assert_selection (fixture, ALPHA, 1);
}

/* Many quantities: the groups start closed, one row per variable; a group the person opened
 * stays open for the next summary of the same model, a new variable follows the rule. */
static void
test_default_expansion (Fixture *fixture, gconstpointer data)
{
  const size_t n = CR_SUMMARY_TABLE_EXPAND_MAX + 1;
  CrSampleSummary *summary = long_summary_new ("theta", n);
  cr_summary_table_set_summary (fixture->table, summary);
  gui_settle (5);
  assert_rows (fixture, "theta,tau");
  assert_row (fixture, 0, 0, n - 1, TRUE);
  g_assert_false (is_expanded (fixture, 0));
  g_autofree char *shape = g_strdup_printf ("[%zu]", n - 1);
  g_assert_nonnull (find_label (GTK_WIDGET (fixture->table), shape));

  expander_action (fixture, "theta", "listitem.expand");
  gui_settle (2);
  g_assert_cmpuint (cr_summary_table_get_n_rows (fixture->table), ==, n + 1);
  cr_summary_table_set_summary (fixture->table, summary);
  gui_settle (2);
  g_assert_cmpuint (cr_summary_table_get_n_rows (fixture->table), ==, n + 1);
  g_assert_true (is_expanded (fixture, 0));
  cr_sample_summary_free (summary);

  CrSampleSummary *other = long_summary_new ("eta", n);
  cr_summary_table_set_summary (fixture->table, other);
  cr_sample_summary_free (other);
  gui_settle (2);
  assert_rows (fixture, "eta,tau");
}

/* select () brings a row out of view into view. */
static void
test_select_scrolls (Fixture *fixture, gconstpointer data)
{
  const size_t n = 120;
  CrSampleSummary *summary = long_summary_new ("theta", n);
  cr_summary_table_set_summary (fixture->table, summary);
  cr_sample_summary_free (summary);
  gui_settle (5);
  GtkWidget *scroller = gui_find_descendant (GTK_WIDGET (fixture->table), GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *vertical = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  g_assert_cmpfloat (gtk_adjustment_get_value (vertical), ==, 0.0);
  cr_summary_table_select (fixture->table, n - 2);
  gui_settle (10);
  assert_selection (fixture, n - 2, 1);
  g_assert_cmpuint (cr_summary_table_get_n_rows (fixture->table), ==, n + 1);
  /* The last element's row is at the bottom of the list: the view scrolled most of the way. */
  double bottom = gtk_adjustment_get_upper (vertical) - gtk_adjustment_get_page_size (vertical);
  g_assert_cmpfloat (bottom, >, 0.0);
  g_assert_cmpfloat (gtk_adjustment_get_value (vertical), >, bottom / 2);
}

static void
test_clear (Fixture *fixture, gconstpointer data)
{
  show (fixture, mixed, G_N_ELEMENTS (mixed));
  guint changes = fixture->n_selection_changed;
  cr_summary_table_set_summary (fixture->table, NULL);
  gui_settle (2);
  g_assert_cmpuint (fixture->n_selection_changed, ==, changes + 1);
  g_assert_cmpuint (cr_summary_table_get_n_rows (fixture->table), ==, 0);
  g_assert_false (cr_summary_table_get_selection (fixture->table, NULL, NULL));
  g_assert_null (find_label (GTK_WIDGET (fixture->table), "alpha"));
  /* And back. */
  show (fixture, mixed, G_N_ELEMENTS (mixed));
  g_assert_cmpuint (cr_summary_table_get_n_rows (fixture->table), ==, 11);
}

/* The summary is freed as soon as it is shown (show () does): everything still reads the
 * table's copy. Overwriting the freed memory makes a dangling read show. */
static void
test_after_summary_freed (Fixture *fixture, gconstpointer data)
{
  CrSampleSummary *summary = summary_new (mixed, G_N_ELEMENTS (mixed));
  cr_summary_table_set_summary (fixture->table, summary);
  for (size_t j = 0; j < summary->n_quantities; j++)
    {
      memset (summary->names[j], 'x', strlen (summary->names[j]));
      summary->summaries[j] = (CrDiagSummary){ -7, -7, -7, -7, -7, -7, -7, -7, -7 };
    }
  cr_sample_summary_free (summary);
  gui_settle (5);
  /* Closed and opened again, the group makes its element rows anew. */
  expander_action (fixture, "L", "listitem.collapse");
  gui_settle (2);
  expander_action (fixture, "L", "listitem.expand");
  sort_by (fixture, CR_SUMMARY_COLUMN_R_HAT, GTK_SORT_ASCENDING);
  assert_rows (fixture, "alpha,sigma,beta,beta[0],beta[2],beta[1],L,L[1,1],L[0,1],L[1,0],L[0,0]");
  assert_cell (fixture, find_row (fixture, L_STOP, FALSE), CR_SUMMARY_COLUMN_MEAN, "0.300");
  assert_cell (fixture, find_row (fixture, L_FIRST, TRUE), CR_SUMMARY_COLUMN_R_HAT, "1.20");
  cr_summary_table_select (fixture->table, SIGMA);
  assert_selection (fixture, SIGMA, 1);
  g_assert_nonnull (find_label (GTK_WIDGET (fixture->table), "L[1,0]"));

  /* A group that starts closed makes its element rows only when opened, after the free. */
  const size_t n = CR_SUMMARY_TABLE_EXPAND_MAX + 1;
  CrSampleSummary *long_summary = long_summary_new ("theta", n);
  cr_summary_table_set_summary (fixture->table, long_summary);
  for (size_t j = 0; j < long_summary->n_quantities; j++)
    {
      memset (long_summary->names[j], 'x', strlen (long_summary->names[j]));
      long_summary->summaries[j] = (CrDiagSummary){ -7, -7, -7, -7, -7, -7, -7, -7, -7 };
    }
  cr_sample_summary_free (long_summary);
  gui_settle (2);
  assert_rows (fixture, "theta,tau"); /* by r_hat still: 1.001 at worst, then 1.002 */
  cr_summary_table_select (fixture->table, 3);
  gui_settle (2);
  assert_selection (fixture, 3, 1);
  assert_cell (fixture, find_row (fixture, 3, FALSE), CR_SUMMARY_COLUMN_NAME, "theta[3]");
  assert_cell (fixture, find_row (fixture, 3, FALSE), CR_SUMMARY_COLUMN_MEAN, "3.000");
  g_assert_cmpuint (cr_summary_table_get_n_rows (fixture->table), ==, n + 1);
}

/* A variable of one element is a plain row, not a group of one: selecting it gives its own
 * quantity, as any quantity row does; select () finds it. */
static void
test_one_element (Fixture *fixture, gconstpointer data)
{
  static const Quantity quantities[] = {
    { "a", 1.0, 1.001, 1000, 1000 },
    { "w[0]", 2.0, 1.001, 1000, 1000 },
    { "b[0]", 3.0, 1.001, 1000, 1000 },
    { "b[1]", 4.0, 1.001, 1000, 1000 },
  };
  show (fixture, quantities, G_N_ELEMENTS (quantities));
  assert_rows (fixture, "a,w[0],b,b[0],b[1]");
  assert_row (fixture, 1, 1, 1, FALSE);
  assert_row (fixture, 2, 2, 2, TRUE);
  cr_summary_table_select (fixture->table, 1);
  size_t first = 0, count = 0;
  g_assert_true (cr_summary_table_get_selection (fixture->table, &first, &count));
  g_assert_cmpuint (first, ==, 1);
  g_assert_cmpuint (count, ==, 1);
}

int
main (int argc, char **argv)
{
  gsl_set_error_handler_off ();
  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      g_printerr ("test-widgets-summary needs a display: run it under xvfb-run (see README.md)\n");
      return 1;
    }
  adw_init ();

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/widgets/summary/tree", test_tree);
  ADD ("/widgets/summary/aggregates", test_aggregates);
  ADD ("/widgets/summary/colours", test_colours);
  ADD ("/widgets/summary/sort", test_sort);
  ADD ("/widgets/summary/selection", test_selection);
  ADD ("/widgets/summary/keys", test_keys);
  ADD ("/widgets/summary/default-expansion", test_default_expansion);
  ADD ("/widgets/summary/select-scrolls", test_select_scrolls);
  ADD ("/widgets/summary/clear", test_clear);
  ADD ("/widgets/summary/after-summary-freed", test_after_summary_freed);
  ADD ("/widgets/summary/one-element", test_one_element);
#undef ADD
  return g_test_run ();
}
