/* test-widgets-data.c: the Data view's table (CrDataView) under a display (Xvfb in CI).
 *
 * With CREDENCE_SCREENSHOT_DIR set, it also saves PNGs of the view there (light, dark, and
 * with a load error on show).
 */
#include "cr-data-view.h"
#include "gui-util.h"

#include <adwaita.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <string.h>

/* A million rows must be on screen, and scrolled to the end, within this long (the brief's
 * generous bound; the measured times are printed). */
#define LARGE_TIMEOUT_US (5 * G_USEC_PER_SEC)
#define LARGE_N_ROWS 1000000

static void
collect_descendants (GtkWidget *root, GType type, GPtrArray *found)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    g_ptr_array_add (found, root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_descendants (child, type, found);
}

/* Returns: (transfer container) the widgets of @type under @root (itself included), in
 * depth-first order, which is the order on screen for boxes and list rows. */
static GPtrArray *
find_all (GtkWidget *root, GType type)
{
  GPtrArray *found = g_ptr_array_new ();
  collect_descendants (root, type, found);
  return found;
}

/* The mapped labels under @root with the text @text. */
static guint
count_labels (GtkWidget *root, const char *text)
{
  g_autoptr (GPtrArray) labels = find_all (root, GTK_TYPE_LABEL);
  guint n = 0;
  for (guint i = 0; i < labels->len; i++)
    if (gtk_widget_get_mapped (g_ptr_array_index (labels, i))
        && g_strcmp0 (gtk_label_get_text (g_ptr_array_index (labels, i)), text) == 0)
      n++;
  return n;
}

/* Returns: (transfer container) the table's cell labels, row by row, each row's cells in
 * column order. */
static GPtrArray *
cell_labels (GtkWidget *root)
{
  g_autoptr (GPtrArray) labels = find_all (root, GTK_TYPE_LABEL);
  GPtrArray *cells = g_ptr_array_new ();
  for (guint i = 0; i < labels->len; i++)
    {
      GtkWidget *label = g_ptr_array_index (labels, i);
      if (gtk_widget_has_css_class (label, "cr-data-view-cell") && gtk_widget_get_mapped (label))
        g_ptr_array_add (cells, label);
    }
  return cells;
}

/* Renders @widget alone and counts its pixels that are not fully transparent. */
static size_t
count_painted_pixels (GtkWidget *widget)
{
  g_autoptr (GdkTexture) texture = gui_render (widget);
  if (texture == NULL) /* nothing drawn at all */
    return 0;
  int width = gdk_texture_get_width (texture), height = gdk_texture_get_height (texture);
  size_t stride = (size_t) width * 4;
  g_autofree guchar *pixels = g_malloc (stride * (size_t) height);
  gdk_texture_download (texture, pixels, stride);
  size_t painted = 0;
  /* GDK_MEMORY_DEFAULT: premultiplied B, G, R, A on little-endian machines; A is what counts,
   * and it is the byte at offset 3 or 0 by endianness. */
  size_t alpha = G_BYTE_ORDER == G_LITTLE_ENDIAN ? 3 : 0;
  for (size_t i = 0; i < stride * (size_t) height; i += 4)
    painted += pixels[i + alpha] != 0;
  return painted;
}

static CrDataset *
parse (const char *csv)
{
  g_autoptr (GError) error = NULL;
  CrDataset *dataset = cr_dataset_parse_csv (csv, strlen (csv), "test.csv", &error);
  g_assert_no_error (error);
  return dataset;
}

/* A small table with every column type and a missing cell in two columns. */
static const char small_csv[] = "school,size,score,grade\n"
                                "A,12,0.7293,3\n"
                                "B,7,NA,10\n"
                                "A,,-1.25,2\n"
                                "C,30,1234567,3\n";

/* The small table's cells, as the view must show them, row by row. */
static const char *const small_cells[] = {
  "A", "12", "0.7293", "3",
  "B", "7", "—", "10",
  "A", "—", "-1.25", "2",
  "C", "30", "1.23457e+06", "3",
};

/* Like tests/data/models/hier_intercepts.csv: eight groups, a binary predictor, an outcome,
 * and a few missing outcomes, made here so the test owns its data. */
static CrDataset *
hier_intercepts_like (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (20240508);
  g_autoptr (GString) csv = g_string_new ("group,x,y,note\n");
  for (int i = 0; i < 240; i++)
    {
      int group = 1 + i % 8;
      int x = g_rand_int_range (rand, 0, 2);
      double y = 0.3 * group - 0.8 * x + g_rand_double_range (rand, -1.2, 1.2)
                 + g_rand_double_range (rand, -1.2, 1.2);
      char y_text[G_ASCII_DTOSTR_BUF_SIZE];
      g_ascii_formatd (y_text, sizeof y_text, "%.4f", y);
      g_string_append_printf (csv, "g%02d,%d,%s,\n", group, x, i % 53 == 7 ? "NA" : y_text);
    }
  return parse (csv->str);
}

typedef struct
{
  GtkWindow *window;
  CrDataView *view;
  guint n_changed;
  gconstpointer changed_dataset; /* the last "dataset-changed" argument */
} Fixture;

static void
dataset_changed (CrDataView *view, gpointer dataset, Fixture *fixture)
{
  /* transfer none: the view already shows the dataset it announces. */
  g_assert_true (dataset == cr_data_view_get_dataset (view));
  fixture->n_changed++;
  fixture->changed_dataset = dataset;
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (fixture->window, 960, 640);
  fixture->view = CR_DATA_VIEW (cr_data_view_new ());
  gtk_window_set_child (fixture->window, GTK_WIDGET (fixture->view));
  g_signal_connect (fixture->view, "dataset-changed", G_CALLBACK (dataset_changed), fixture);
  gtk_window_present (fixture->window);
  g_assert_true (gui_wait_for (gui_is_mapped, fixture->view, GUI_TIMEOUT_US));
  gui_settle (200);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  gtk_window_destroy (fixture->window);
  gui_settle (200);
}

/* ---- Formatting and conversions (no widget needed) ---------------------------------- */

static void
test_format_cells (void)
{
  g_autoptr (CrDataset) dataset = cr_dataset_new ("cells");
  const double integers[] = { 3, -0.0, 1e15, -42, NAN };
  const double floats[] = { 0.7293, 1.0 / 3.0, 1234567, -2.5, NAN };
  const double codes[] = { 1, 0, 1, NAN, 0 };
  const char *const levels[] = { "g01", "g02", NULL };
  g_assert_true (cr_dataset_add_column (dataset, "n", CR_COLUMN_INTEGER, integers, 5, NULL, NULL));
  g_assert_true (cr_dataset_add_column (dataset, "y", CR_COLUMN_FLOAT, floats, 5, NULL, NULL));
  g_assert_true (cr_dataset_add_column (dataset, "g", CR_COLUMN_CATEGORICAL, codes, 5, levels, NULL));

  static const char *const expected[3][5] = {
    { "3", "0", "1000000000000000", "-42", "—" },
    { "0.7293", "0.333333", "1.23457e+06", "-2.5", "—" },
    { "g02", "g01", "g02", "—", "g01" },
  };
  for (size_t j = 0; j < 3; j++)
    for (size_t row = 0; row < 5; row++)
      {
        g_autofree char *text = cr_data_view_format_cell (cr_dataset_get_column (dataset, j), row);
        g_assert_cmpstr (text, ==, expected[j][row]);
      }
}

static void
test_convert_to_categorical (void)
{
  g_autoptr (CrDataset) dataset = cr_dataset_new ("levels");
  /* Numeric order, not text order: 10 after 9; 0 and -0 are one level. */
  const double integers[] = { 10, 9, 2, NAN, 9, 0, -0.0 };
  const double floats[] = { 0.1, 0.25, NAN, 0.1, -3.5, 1e6, 0.30000000000000004 };
  g_assert_true (cr_dataset_add_column (dataset, "k", CR_COLUMN_INTEGER, integers, 7, NULL, NULL));
  g_assert_true (cr_dataset_add_column (dataset, "v", CR_COLUMN_FLOAT, floats, 7, NULL, NULL));

  g_autoptr (GError) error = NULL;
  g_autoptr (CrDataset) by_k = cr_data_view_convert_column (dataset, 0, CR_COLUMN_CATEGORICAL, &error);
  g_assert_no_error (error);
  const CrColumn *k = cr_dataset_get_column (by_k, 0);
  g_assert_cmpint (k->type, ==, CR_COLUMN_CATEGORICAL);
  const char *const k_levels[] = { "0", "2", "9", "10", NULL };
  g_assert_cmpstrv (k->levels, k_levels);
  const double k_codes[] = { 3, 2, 1, NAN, 2, 0, 0 };
  for (size_t row = 0; row < 7; row++)
    if (isnan (k_codes[row]))
      g_assert_true (isnan (k->values[row]));
    else
      g_assert_cmpfloat (k->values[row], ==, k_codes[row]);
  g_assert_cmpuint (k->n_missing, ==, 1);
  /* The other column is copied as it was. */
  g_assert_cmpint (cr_dataset_get_column (by_k, 1)->type, ==, CR_COLUMN_FLOAT);
  g_assert_cmpmem (cr_dataset_get_column (by_k, 1)->values, sizeof floats, floats, sizeof floats);
  g_assert_cmpstr (cr_dataset_get_name (by_k), ==, "levels");

  /* Float levels are named by the shortest text that reads back as the same number. */
  g_autoptr (CrDataset) by_v = cr_data_view_convert_column (dataset, 1, CR_COLUMN_CATEGORICAL, &error);
  g_assert_no_error (error);
  const CrColumn *v = cr_dataset_get_column (by_v, 1);
  const char *const v_levels[] = { "-3.5", "0.1", "0.25", "0.30000000000000004", "1000000", NULL };
  g_assert_cmpstrv (v->levels, v_levels);
  const double v_codes[] = { 1, 2, NAN, 1, 0, 4, 3 };
  for (size_t row = 0; row < 7; row++)
    if (isnan (v_codes[row]))
      g_assert_true (isnan (v->values[row]));
    else
      g_assert_cmpfloat (v->values[row], ==, v_codes[row]);
}

static void
test_convert_to_numeric (void)
{
  g_autoptr (CrDataset) dataset = cr_dataset_new ("numbers");
  const char *const levels[] = { "-2", "1.5", " 10 ", NULL };
  const double codes[] = { 2, 0, NAN, 1 };
  const char *const school_levels[] = { "1", "A", NULL };
  const double school_codes[] = { 0, 1, 1, 0 };
  const double reals[] = { 1.0, -3.0, NAN, 0.5 };
  g_assert_true (cr_dataset_add_column (dataset, "dose", CR_COLUMN_CATEGORICAL, codes, 4, levels, NULL));
  g_assert_true (cr_dataset_add_column (dataset, "school", CR_COLUMN_CATEGORICAL, school_codes, 4,
                                        school_levels, NULL));
  g_assert_true (cr_dataset_add_column (dataset, "w", CR_COLUMN_FLOAT, reals, 4, NULL, NULL));

  g_autoptr (GError) error = NULL;
  g_autoptr (CrDataset) as_float = cr_data_view_convert_column (dataset, 0, CR_COLUMN_FLOAT, &error);
  g_assert_no_error (error);
  const CrColumn *dose = cr_dataset_get_column (as_float, 0);
  g_assert_cmpint (dose->type, ==, CR_COLUMN_FLOAT);
  g_assert_null (dose->levels);
  g_assert_cmpfloat (dose->values[0], ==, 10.0);
  g_assert_cmpfloat (dose->values[1], ==, -2.0);
  g_assert_true (isnan (dose->values[2]));
  g_assert_cmpfloat (dose->values[3], ==, 1.5);

  /* 1.5 is a number but not a whole one. */
  g_assert_null (cr_data_view_convert_column (dataset, 0, CR_COLUMN_INTEGER, &error));
  g_assert_error (error, CR_DATA_VIEW_ERROR, CR_DATA_VIEW_ERROR_NOT_AN_INTEGER);
  g_assert_nonnull (strstr (error->message, "level '1.5' of column 'dose' is not a whole number"));
  g_clear_error (&error);

  g_assert_null (cr_data_view_convert_column (dataset, 1, CR_COLUMN_FLOAT, &error));
  g_assert_error (error, CR_DATA_VIEW_ERROR, CR_DATA_VIEW_ERROR_NOT_A_NUMBER);
  g_assert_nonnull (strstr (error->message, "level 'A' of column 'school' is not a number"));
  g_clear_error (&error);

  /* Float to integer needs whole values and names the first row that is not. */
  g_assert_null (cr_data_view_convert_column (dataset, 2, CR_COLUMN_INTEGER, &error));
  g_assert_error (error, CR_DATA_VIEW_ERROR, CR_DATA_VIEW_ERROR_NOT_AN_INTEGER);
  g_assert_nonnull (strstr (error->message, "row 4 of column 'w' holds 0.5, which is not a whole number"));
  g_clear_error (&error);

  g_autoptr (CrDataset) whole = cr_dataset_new ("whole");
  g_assert_true (cr_dataset_add_column (whole, "w", CR_COLUMN_FLOAT, reals, 3, NULL, NULL));
  g_autoptr (CrDataset) as_integer = cr_data_view_convert_column (whole, 0, CR_COLUMN_INTEGER, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cr_dataset_get_column (as_integer, 0)->type, ==, CR_COLUMN_INTEGER);
  g_assert_cmpmem (cr_dataset_get_column (as_integer, 0)->values, 2 * sizeof (double), reals,
                   2 * sizeof (double));
  g_assert_cmpuint (cr_dataset_get_column (as_integer, 0)->n_missing, ==, 1);
}

/* The strict number syntax: what the CSV reader would not read as a number is not one here. */
static void
test_convert_refuses_non_decimal (void)
{
  static const char *const not_numbers[] = { "0x1A", "inf", "nan", "1e", "-", ".", "1.2.3", "1e999", "" };
  for (size_t i = 0; i < G_N_ELEMENTS (not_numbers); i++)
    {
      g_autoptr (CrDataset) dataset = cr_dataset_new ("odd");
      const char *const levels[] = { not_numbers[i], NULL };
      const double codes[] = { 0 };
      g_assert_true (cr_dataset_add_column (dataset, "c", CR_COLUMN_CATEGORICAL, codes, 1, levels, NULL));
      g_autoptr (GError) error = NULL;
      g_assert_null (cr_data_view_convert_column (dataset, 0, CR_COLUMN_FLOAT, &error));
      g_assert_error (error, CR_DATA_VIEW_ERROR, CR_DATA_VIEW_ERROR_NOT_A_NUMBER);
    }
}

/* ---- The widget --------------------------------------------------------------------- */

static GtkColumnView *
column_view_of (Fixture *fixture)
{
  GtkWidget *column_view = gui_find_descendant (GTK_WIDGET (fixture->view), GTK_TYPE_COLUMN_VIEW);
  g_assert_nonnull (column_view);
  return GTK_COLUMN_VIEW (column_view);
}

static void
assert_small_cells (Fixture *fixture, CrColumnType grade_type)
{
  g_autoptr (GPtrArray) cells = cell_labels (GTK_WIDGET (fixture->view));
  g_assert_cmpuint (cells->len, ==, G_N_ELEMENTS (small_cells));
  for (guint i = 0; i < cells->len; i++)
    {
      GtkLabel *label = g_ptr_array_index (cells, i);
      g_assert_cmpstr (gtk_label_get_text (label), ==, small_cells[i]);
      /* Missing cells are dimmed, and only they. */
      g_assert_cmpint (gtk_widget_has_css_class (GTK_WIDGET (label), "dim-label"), ==,
                       strcmp (small_cells[i], "—") == 0);
      /* Numbers right-aligned, level names left-aligned. */
      gboolean categorical = i % 4 == 0 || (i % 4 == 3 && grade_type == CR_COLUMN_CATEGORICAL);
      g_assert_cmpfloat (gtk_label_get_xalign (label), ==, (categorical ? 0.0 : 1.0));
    }
}

static void
test_empty_state (Fixture *fixture, gconstpointer data)
{
  AdwStatusPage *status = ADW_STATUS_PAGE (gui_find_descendant (GTK_WIDGET (fixture->view), ADW_TYPE_STATUS_PAGE));
  g_assert_nonnull (status);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (status)));
  g_assert_cmpstr (adw_status_page_get_title (status), ==, "No Data Yet");
  g_assert_nonnull (strstr (adw_status_page_get_description (status), "Open"));
  g_assert_nonnull (strstr (adw_status_page_get_description (status), "drop"));
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (column_view_of (fixture))));
  g_assert_null (cr_data_view_get_dataset (fixture->view));

  cr_data_view_set_dataset (fixture->view, parse (small_csv));
  gui_settle (200);
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (status)));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (column_view_of (fixture))));

  /* No dataset again: the empty state, and no columns left behind. */
  cr_data_view_set_dataset (fixture->view, NULL);
  gui_settle (200);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (status)));
  g_assert_cmpuint (g_list_model_get_n_items (gtk_column_view_get_columns (column_view_of (fixture))), ==, 0);
  g_assert_null (cr_data_view_get_dataset (fixture->view));
  g_assert_cmpuint (fixture->n_changed, ==, 0);
}

static void
test_shows_columns (Fixture *fixture, gconstpointer data)
{
  CrDataset *dataset = parse (small_csv);
  cr_data_view_set_dataset (fixture->view, dataset);
  gui_settle (200);
  g_assert_true (cr_data_view_get_dataset (fixture->view) == dataset);

  /* One table column per dataset column, titled with its name. */
  GtkColumnView *column_view = column_view_of (fixture);
  GListModel *columns = gtk_column_view_get_columns (column_view);
  g_assert_cmpuint (g_list_model_get_n_items (columns), ==, 4);
  static const char *const names[] = { "school", "size", "score", "grade" };
  for (guint j = 0; j < 4; j++)
    {
      g_autoptr (GtkColumnViewColumn) column = g_list_model_get_item (columns, j);
      g_assert_cmpstr (gtk_column_view_column_get_title (column), ==, names[j]);
    }
  GListModel *rows = G_LIST_MODEL (gtk_column_view_get_model (column_view));
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 4);

  assert_small_cells (fixture, CR_COLUMN_INTEGER);

  /* A header card per column: its name, its inferred type, its missing count. */
  g_autoptr (GPtrArray) drop_downs = find_all (GTK_WIDGET (fixture->view), GTK_TYPE_DROP_DOWN);
  g_assert_cmpuint (drop_downs->len, ==, 4);
  static const guint type_positions[] = { 2, 0, 1, 0 }; /* categorical, integer, float, integer */
  for (guint j = 0; j < 4; j++)
    g_assert_cmpuint (gtk_drop_down_get_selected (g_ptr_array_index (drop_downs, j)), ==, type_positions[j]);
  GtkStringList *type_names = GTK_STRING_LIST (gtk_drop_down_get_model (g_ptr_array_index (drop_downs, 0)));
  g_assert_cmpstr (gtk_string_list_get_string (type_names, 0), ==, "Integer");
  g_assert_cmpstr (gtk_string_list_get_string (type_names, 1), ==, "Float");
  g_assert_cmpstr (gtk_string_list_get_string (type_names, 2), ==, "Categorical");
  for (guint j = 0; j < 4; j++)
    g_assert_cmpuint (count_labels (GTK_WIDGET (fixture->view), names[j]), >=, 1);
  g_assert_cmpuint (count_labels (GTK_WIDGET (fixture->view), "1 missing"), ==, 2);
  g_assert_cmpuint (count_labels (GTK_WIDGET (fixture->view), "None missing"), ==, 2);
  g_assert_cmpuint (count_labels (GTK_WIDGET (fixture->view), "3 levels"), ==, 1);
  g_assert_cmpuint (count_labels (GTK_WIDGET (fixture->view), "7 to 30"), ==, 1);
  g_assert_cmpuint (count_labels (GTK_WIDGET (fixture->view), "-1.25 to 1.23457e+06"), ==, 1);
  g_assert_cmpuint (fixture->n_changed, ==, 0);
}

static void
test_charts (Fixture *fixture, gconstpointer data)
{
  cr_data_view_set_dataset (fixture->view, hier_intercepts_like ());
  gui_settle (200);
  g_assert_cmpuint (count_labels (GTK_WIDGET (fixture->view), "8 levels"), ==, 1);
  g_assert_cmpuint (count_labels (GTK_WIDGET (fixture->view), "5 missing"), ==, 1);
  g_assert_cmpuint (count_labels (GTK_WIDGET (fixture->view), "240 missing"), ==, 1);
  g_assert_cmpuint (count_labels (GTK_WIDGET (fixture->view), "0 to 1"), ==, 1);

  /* Every column with a value draws its chart; the column with none draws nothing. */
  g_autoptr (GPtrArray) charts = find_all (GTK_WIDGET (fixture->view), GTK_TYPE_DRAWING_AREA);
  g_assert_cmpuint (charts->len, ==, 4);
  for (guint j = 0; j < 3; j++)
    g_assert_cmpuint (count_painted_pixels (g_ptr_array_index (charts, j)), >, 100);
  g_assert_cmpuint (count_painted_pixels (g_ptr_array_index (charts, 3)), ==, 0);
  gui_save_screenshot (GTK_WIDGET (fixture->window), "data-view-light.png");

  AdwStyleManager *style = adw_style_manager_get_default ();
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  gui_settle (200);
  g_assert_true (adw_style_manager_get_dark (style));
  for (guint j = 0; j < 3; j++)
    g_assert_cmpuint (count_painted_pixels (g_ptr_array_index (charts, j)), >, 100);
  gui_save_screenshot (GTK_WIDGET (fixture->window), "data-view-dark.png");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  gui_settle (200);
}

static void
test_change_to_categorical (Fixture *fixture, gconstpointer data)
{
  cr_data_view_set_dataset (fixture->view, parse (small_csv));
  gui_settle (200);
  const CrDataset *before = cr_data_view_get_dataset (fixture->view);

  /* The person widens "grade", whose header card follows, then picks Categorical in its
   * drop-down. */
  GListModel *columns = gtk_column_view_get_columns (column_view_of (fixture));
  g_autoptr (GtkColumnViewColumn) grade_column = g_list_model_get_item (columns, 3);
  gtk_column_view_column_set_fixed_width (grade_column, 230);
  g_autoptr (GPtrArray) drop_downs = find_all (GTK_WIDGET (fixture->view), GTK_TYPE_DROP_DOWN);
  GtkDropDown *grade_type = g_ptr_array_index (drop_downs, 3);
  GtkWidget *grade_card = gtk_widget_get_parent (GTK_WIDGET (grade_type));
  int card_width;
  gtk_widget_get_size_request (grade_card, &card_width, NULL);
  g_assert_cmpint (card_width, ==, 230);
  gtk_drop_down_set_selected (grade_type, 2);
  g_assert_cmpuint (fixture->n_changed, ==, 1);
  g_assert_true (fixture->changed_dataset != before);
  const CrDataset *after = cr_data_view_get_dataset (fixture->view);
  g_assert_true (fixture->changed_dataset == after);

  /* Levels from the distinct values in numeric order (10 last), codes indexing them. */
  const CrColumn *grade = cr_dataset_find_column (after, "grade");
  g_assert_cmpint (grade->type, ==, CR_COLUMN_CATEGORICAL);
  const char *const levels[] = { "2", "3", "10", NULL };
  g_assert_cmpstrv (grade->levels, levels);
  const double codes[] = { 1, 2, 0, 1 };
  g_assert_cmpmem (grade->values, sizeof codes, codes, sizeof codes);
  g_assert_cmpint (cr_dataset_find_column (after, "school")->type, ==, CR_COLUMN_CATEGORICAL);
  g_assert_cmpint (cr_dataset_find_column (after, "size")->type, ==, CR_COLUMN_INTEGER);

  /* The same text in the table, now left-aligned as level names; the card says so. */
  gui_settle (200);
  assert_small_cells (fixture, CR_COLUMN_CATEGORICAL);
  g_autoptr (GPtrArray) drop_downs_after = find_all (GTK_WIDGET (fixture->view), GTK_TYPE_DROP_DOWN);
  g_assert_cmpuint (drop_downs_after->len, ==, 4);
  g_assert_cmpuint (gtk_drop_down_get_selected (g_ptr_array_index (drop_downs_after, 3)), ==, 2);
  g_assert_cmpuint (count_labels (GTK_WIDGET (fixture->view), "3 levels"), ==, 2);
  /* The table's columns are new, and "grade" kept its width. */
  g_assert_cmpuint (g_list_model_get_n_items (columns), ==, 4);
  g_autoptr (GtkColumnViewColumn) new_grade_column = g_list_model_get_item (columns, 3);
  g_assert_cmpstr (gtk_column_view_column_get_title (new_grade_column), ==, "grade");
  g_assert_cmpint (gtk_column_view_column_get_fixed_width (new_grade_column), ==, 230);

  /* And back to integer: the original values. */
  gtk_drop_down_set_selected (g_ptr_array_index (drop_downs_after, 3), 0);
  g_assert_cmpuint (fixture->n_changed, ==, 2);
  const CrColumn *back = cr_dataset_find_column (cr_data_view_get_dataset (fixture->view), "grade");
  g_assert_cmpint (back->type, ==, CR_COLUMN_INTEGER);
  const double values[] = { 3, 10, 2, 3 };
  g_assert_cmpmem (back->values, sizeof values, values, sizeof values);
  gui_settle (200);
  assert_small_cells (fixture, CR_COLUMN_INTEGER);
}

static GtkRevealer *
error_revealer_of (Fixture *fixture)
{
  GtkRevealer *revealer = GTK_REVEALER (gui_find_descendant (GTK_WIDGET (fixture->view), GTK_TYPE_REVEALER));
  g_assert_nonnull (revealer);
  return revealer;
}

static const char *
error_text_of (Fixture *fixture)
{
  GtkWidget *label = gui_find_descendant (GTK_WIDGET (error_revealer_of (fixture)), GTK_TYPE_LABEL);
  g_assert_nonnull (label);
  return gtk_label_get_text (GTK_LABEL (label));
}

static void
test_refused_change (Fixture *fixture, gconstpointer data)
{
  cr_data_view_set_dataset (fixture->view, parse (small_csv));
  gui_settle (200);
  const CrDataset *before = cr_data_view_get_dataset (fixture->view);
  g_assert_false (gtk_revealer_get_reveal_child (error_revealer_of (fixture)));

  g_autoptr (GPtrArray) drop_downs = find_all (GTK_WIDGET (fixture->view), GTK_TYPE_DROP_DOWN);
  GtkDropDown *school_type = g_ptr_array_index (drop_downs, 0);
  gtk_drop_down_set_selected (school_type, 1);
  gui_settle (200);

  /* Nothing changed, nothing announced, and the view says why. */
  g_assert_cmpuint (fixture->n_changed, ==, 0);
  g_assert_true (cr_data_view_get_dataset (fixture->view) == before);
  g_assert_cmpuint (gtk_drop_down_get_selected (school_type), ==, 2);
  g_assert_true (gtk_revealer_get_reveal_child (error_revealer_of (fixture)));
  g_assert_true (gtk_revealer_get_child_revealed (error_revealer_of (fixture)));
  g_assert_nonnull (strstr (error_text_of (fixture), "level 'A' of column 'school' is not a number"));
  assert_small_cells (fixture, CR_COLUMN_INTEGER);

  /* A later change that works clears the stale message. */
  gtk_drop_down_set_selected (g_ptr_array_index (drop_downs, 1), 1);
  g_assert_cmpuint (fixture->n_changed, ==, 1);
  g_assert_false (gtk_revealer_get_reveal_child (error_revealer_of (fixture)));
}

static void
test_show_error_keeps_data (Fixture *fixture, gconstpointer data)
{
  CrDataset *dataset = parse (small_csv);
  cr_data_view_set_dataset (fixture->view, dataset);
  gui_settle (200);

  /* A real load error: a row with too few cells. */
  static const char bad[] = "a,b\n1,2\n3\n";
  g_autoptr (GError) error = NULL;
  g_assert_null (cr_dataset_parse_csv (bad, strlen (bad), "bad.csv", &error));
  g_assert_nonnull (error);
  g_assert_true (g_str_has_prefix (error->message, "bad.csv:3:"));
  cr_data_view_show_error (fixture->view, error);
  gui_settle (200);

  g_assert_true (gtk_revealer_get_child_revealed (error_revealer_of (fixture)));
  g_assert_cmpstr (error_text_of (fixture), ==, error->message);
  g_assert_true (gtk_widget_get_mapped (gui_find_descendant (GTK_WIDGET (error_revealer_of (fixture)), GTK_TYPE_LABEL)));
  /* The data stays on show below it. */
  g_assert_true (cr_data_view_get_dataset (fixture->view) == dataset);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (column_view_of (fixture))));
  g_assert_cmpuint (g_list_model_get_n_items (gtk_column_view_get_columns (column_view_of (fixture))), ==, 4);
  assert_small_cells (fixture, CR_COLUMN_INTEGER);
  gui_save_screenshot (GTK_WIDGET (fixture->window), "data-view-error.png");

  /* The close button hides it; the data still stays. */
  g_autoptr (GPtrArray) buttons = find_all (GTK_WIDGET (error_revealer_of (fixture)), GTK_TYPE_BUTTON);
  g_assert_cmpuint (buttons->len, ==, 1);
  g_assert_cmpstr (gtk_button_get_icon_name (g_ptr_array_index (buttons, 0)), ==, "window-close-symbolic");
  g_signal_emit_by_name (g_ptr_array_index (buttons, 0), "clicked");
  gui_settle (200);
  g_assert_false (gtk_revealer_get_child_revealed (error_revealer_of (fixture)));
  g_assert_true (cr_data_view_get_dataset (fixture->view) == dataset);
  assert_small_cells (fixture, CR_COLUMN_INTEGER);

  /* With no data at all, the error still shows, above the empty state. */
  cr_data_view_set_dataset (fixture->view, NULL);
  cr_data_view_show_error (fixture->view, error);
  gui_settle (200);
  g_assert_true (gtk_revealer_get_child_revealed (error_revealer_of (fixture)));
  g_assert_true (gtk_widget_get_mapped (gui_find_descendant (GTK_WIDGET (fixture->view), ADW_TYPE_STATUS_PAGE)));
  g_assert_cmpuint (fixture->n_changed, ==, 0);
}

static CrDataset *
large_dataset (void)
{
  g_autofree double *index = g_new (double, LARGE_N_ROWS);
  g_autofree double *wave = g_new (double, LARGE_N_ROWS);
  g_autofree double *group = g_new (double, LARGE_N_ROWS);
  for (size_t i = 0; i < LARGE_N_ROWS; i++)
    {
      index[i] = (double) i;
      wave[i] = i % 1000 == 999 ? NAN : sin ((double) i);
      group[i] = (double) (i % 5);
    }
  const char *const levels[] = { "a", "b", "c", "d", "e", NULL };
  CrDataset *dataset = cr_dataset_new ("large");
  g_assert_true (cr_dataset_add_column (dataset, "row", CR_COLUMN_INTEGER, index, LARGE_N_ROWS, NULL, NULL));
  g_assert_true (cr_dataset_add_column (dataset, "wave", CR_COLUMN_FLOAT, wave, LARGE_N_ROWS, NULL, NULL));
  g_assert_true (cr_dataset_add_column (dataset, "group", CR_COLUMN_CATEGORICAL, group, LARGE_N_ROWS,
                                        levels, NULL));
  return dataset;
}

typedef struct
{
  GtkWidget *root;
  const char *text;
} CellSearch;

static gboolean
shows_cell (gpointer data)
{
  const CellSearch *search = data;
  g_autoptr (GPtrArray) cells = cell_labels (search->root);
  /* Allocated too: laid out on screen, not only made. */
  for (guint i = 0; i < cells->len; i++)
    if (g_strcmp0 (gtk_label_get_text (g_ptr_array_index (cells, i)), search->text) == 0
        && gtk_widget_get_width (g_ptr_array_index (cells, i)) > 0)
      return TRUE;
  return FALSE;
}

static gboolean
is_configured (gpointer adjustment)
{
  /* The list has laid out and told the scroll bar its full height: many pages. */
  return gtk_adjustment_get_upper (adjustment) > 100 * gtk_adjustment_get_page_size (adjustment);
}

static void
test_million_rows (Fixture *fixture, gconstpointer data)
{
  CrDataset *dataset = large_dataset ();
  gint64 start = g_get_monotonic_time ();
  cr_data_view_set_dataset (fixture->view, dataset);
  gint64 set = g_get_monotonic_time ();
  CellSearch first = { GTK_WIDGET (fixture->view), "0" };
  g_assert_true (gui_wait_for (shows_cell, &first, LARGE_TIMEOUT_US));
  gint64 shown = g_get_monotonic_time ();
  g_test_message ("1,000,000 rows: set in %.1f ms, first rows on screen after %.1f ms",
                  (set - start) / 1e3, (shown - start) / 1e3);
  g_assert_cmpint (shown - start, <, LARGE_TIMEOUT_US);

  GtkColumnView *column_view = column_view_of (fixture);
  GListModel *rows = G_LIST_MODEL (gtk_column_view_get_model (column_view));
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, LARGE_N_ROWS);
  /* Far fewer cells exist than rows: only those on screen (and a few more) are made. */
  g_autoptr (GPtrArray) cells = cell_labels (GTK_WIDGET (fixture->view));
  g_assert_cmpuint (cells->len, <, 3 * 1000);

  /* One jump to the end, as a click at the bottom of the scroll bar's trough makes. */
  GtkWidget *scroller = gtk_widget_get_parent (GTK_WIDGET (column_view));
  g_assert_true (GTK_IS_SCROLLED_WINDOW (scroller));
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  g_assert_true (gui_wait_for (is_configured, adjustment, LARGE_TIMEOUT_US));
  start = g_get_monotonic_time ();
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment)
                                            - gtk_adjustment_get_page_size (adjustment));
  CellSearch last = { GTK_WIDGET (fixture->view), "999999" };
  g_assert_true (gui_wait_for (shows_cell, &last, LARGE_TIMEOUT_US));
  gint64 end = g_get_monotonic_time ();
  g_test_message ("scrolled to row 999,999 in %.1f ms", (end - start) / 1e3);
  g_assert_cmpint (end - start, <, LARGE_TIMEOUT_US);
  /* Row 999,999 is the last and its "wave" is missing (every thousandth is). */
  CellSearch missing = { GTK_WIDGET (fixture->view), "—" };
  g_assert_true (shows_cell (&missing));

  /* Page by page from the middle, as Page Down does: each page shows its middle row. */
  double row_height = gtk_adjustment_get_upper (adjustment) / LARGE_N_ROWS;
  double page = gtk_adjustment_get_page_size (adjustment);
  gint64 slowest = 0, total = 0;
  const int n_pages = 20;
  for (int i = 0; i < n_pages; i++)
    {
      double value = gtk_adjustment_get_upper (adjustment) / 2 + i * page;
      g_autofree char *middle_row = g_strdup_printf ("%.0f", floor ((value + page / 2) / row_height));
      CellSearch middle = { GTK_WIDGET (fixture->view), middle_row };
      start = g_get_monotonic_time ();
      gtk_adjustment_set_value (adjustment, value);
      g_assert_true (gui_wait_for (shows_cell, &middle, LARGE_TIMEOUT_US));
      gint64 took = g_get_monotonic_time () - start;
      slowest = MAX (slowest, took);
      total += took;
    }
  g_test_message ("%d pages from the middle: %.1f ms each on average, %.1f ms at most", n_pages,
                  total / 1e3 / n_pages, slowest / 1e3);
  /* A page that takes a second is not smooth; a correct view takes a frame or two. */
  g_assert_cmpint (slowest, <, G_USEC_PER_SEC);
}

int
main (int argc, char **argv)
{
  gsl_set_error_handler_off ();
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/data-view/format/cells", test_format_cells);
  g_test_add_func ("/data-view/convert/to-categorical", test_convert_to_categorical);
  g_test_add_func ("/data-view/convert/to-numeric", test_convert_to_numeric);
  g_test_add_func ("/data-view/convert/refuses-non-decimal", test_convert_refuses_non_decimal);

  if (!gtk_init_check ())
    {
      g_printerr ("test-widgets-data needs a display: run it under xvfb-run (see README.md)\n");
      return 1;
    }
  adw_init ();

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/data-view/table/empty-state", test_empty_state);
  ADD ("/data-view/table/shows-columns", test_shows_columns);
  ADD ("/data-view/table/charts", test_charts);
  ADD ("/data-view/type/to-categorical", test_change_to_categorical);
  ADD ("/data-view/type/refused", test_refused_change);
  ADD ("/data-view/error/keeps-data", test_show_error_keeps_data);
  ADD ("/data-view/table/million-rows", test_million_rows);
#undef ADD

  return g_test_run ();
}
