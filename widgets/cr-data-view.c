/* cr-data-view.c: the Data view's table, its column headers and its type conversions. */
#include "cr-data-view.h"

#include "plot.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

G_DEFINE_QUARK (cr-data-view-error-quark, cr_data_view_error)

/* Every table column and its header card share this width, so the cards line up with the
 * columns below them; a column resized by the user drags its card along. */
#define COLUMN_WIDTH 168
#define CHART_HEIGHT 44
/* Beyond this many levels a bar chart is a grey smear: the card gives the count instead. */
#define MAX_BARS 60
/* An integer column whose range spans at most this many values gets one bar per value. */
#define MAX_INTEGER_BINS 40
/* Never more histogram bins than this, whatever Sturges' rule says for a huge column. */
#define MAX_BINS 40

/* The drop-down's positions; CrColumnType's values are not promised to stay in this order. */
static const CrColumnType type_at_position[] = { CR_COLUMN_INTEGER, CR_COLUMN_FLOAT,
                                                 CR_COLUMN_CATEGORICAL };

static guint
position_of_type (CrColumnType type)
{
  for (guint i = 0; i < G_N_ELEMENTS (type_at_position); i++)
    if (type_at_position[i] == type)
      return i;
  g_return_val_if_reached (0);
}

/* ---- Cell text ---------------------------------------------------------------------- */

/* "-0" reads as a different number from "0" in a table; a missing cell never gets here. */
static double
without_negative_zero (double value)
{
  return value == 0.0 ? 0.0 : value;
}

static char *
format_with (const char *format, double value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  /* ASCII digits and a point, as in the CSV file and the model text, whatever the locale. */
  g_ascii_formatd (buffer, sizeof buffer, format, without_negative_zero (value));
  return g_strdup (buffer);
}

char *
cr_data_view_format_cell (const CrColumn *column, size_t row)
{
  g_return_val_if_fail (column != NULL, NULL);

  double value = column->values[row];
  if (isnan (value))
    return g_strdup ("—");
  switch (column->type)
    {
    case CR_COLUMN_INTEGER:
      return format_with ("%.0f", value);
    case CR_COLUMN_FLOAT:
      return format_with ("%.6g", value);
    case CR_COLUMN_CATEGORICAL:
      g_assert (value >= 0 && (size_t) value < column->n_levels);
      return g_strdup (column->levels[(size_t) value]);
    }
  g_return_val_if_reached (NULL);
}

/* The name of a level made from a number: whole numbers without a point ("12"), others with
 * the fewest significant digits that read back as the same double, so distinct values never
 * share a name ("0.1", not "0.10000000000000001"). */
static char *
format_level_name (double value)
{
  if (value == floor (value) && fabs (value) < 1e15)
    return format_with ("%.0f", value);
  char buffer[G_ASCII_DTOSTR_BUF_SIZE] = "";
  for (int digits = 1; digits <= 17; digits++)
    {
      char format[8];
      g_snprintf (format, sizeof format, "%%.%dg", digits);
      g_ascii_formatd (buffer, sizeof buffer, format, value);
      if (g_ascii_strtod (buffer, NULL) == value)
        break;
    }
  return g_strdup (buffer);
}

/* ---- Type conversions --------------------------------------------------------------- */

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* Numeric to categorical: the distinct present values, sorted, become the levels. */
static void
numbers_to_levels (const CrColumn *source, size_t n_rows, double *codes, GStrv *levels)
{
  g_autofree double *distinct = g_new (double, MAX (n_rows, (size_t) 1));
  size_t n_present = 0;
  for (size_t row = 0; row < n_rows; row++)
    if (!isnan (source->values[row]))
      distinct[n_present++] = source->values[row];
  qsort (distinct, n_present, sizeof (double), compare_doubles);
  /* == merges 0 and -0, which the table prints alike. */
  size_t n_distinct = 0;
  for (size_t i = 0; i < n_present; i++)
    if (n_distinct == 0 || distinct[i] != distinct[n_distinct - 1])
      distinct[n_distinct++] = distinct[i];

  GStrv names = g_new0 (char *, n_distinct + 1);
  for (size_t k = 0; k < n_distinct; k++)
    names[k] = format_level_name (distinct[k]);
  for (size_t row = 0; row < n_rows; row++)
    {
      double value = source->values[row];
      if (isnan (value))
        {
          codes[row] = NAN;
          continue;
        }
      const double *found = bsearch (&value, distinct, n_distinct, sizeof (double), compare_doubles);
      g_assert (found != NULL);
      codes[row] = (double) (found - distinct);
    }
  *levels = names;
}

/* Reads @text as a decimal number, the notation the CSV reader accepts: an optional sign,
 * digits with an optional point, an optional exponent, and blanks around it; no hexadecimal,
 * no inf or nan. */
static gboolean
parse_number (const char *text, double *value)
{
  const char *p = text;
  while (g_ascii_isspace (*p))
    p++;
  const char *start = p;
  if (*p == '+' || *p == '-')
    p++;
  gboolean has_digits = FALSE;
  while (g_ascii_isdigit (*p))
    p++, has_digits = TRUE;
  if (*p == '.')
    for (p++; g_ascii_isdigit (*p); p++)
      has_digits = TRUE;
  if (!has_digits)
    return FALSE;
  if (*p == 'e' || *p == 'E')
    {
      p++;
      if (*p == '+' || *p == '-')
        p++;
      if (!g_ascii_isdigit (*p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        p++;
    }
  while (g_ascii_isspace (*p))
    p++;
  if (*p != '\0')
    return FALSE;
  *value = g_ascii_strtod (start, NULL);
  return isfinite (*value); /* "1e999" overflows */
}

/* Categorical to numeric: every level's name must be a number (a whole one for @type integer). */
static gboolean
levels_to_numbers (const CrColumn *source,
                   size_t n_rows,
                   CrColumnType type,
                   double *values,
                   GError **error)
{
  g_autofree double *level_values = g_new (double, MAX (source->n_levels, (size_t) 1));
  for (size_t k = 0; k < source->n_levels; k++)
    {
      if (!parse_number (source->levels[k], &level_values[k]))
        {
          g_set_error (error, CR_DATA_VIEW_ERROR, CR_DATA_VIEW_ERROR_NOT_A_NUMBER,
                       _("level '%s' of column '%s' is not a number; only a column whose levels "
                         "are all numbers can become numeric"),
                       source->levels[k], source->name);
          return FALSE;
        }
      if (type == CR_COLUMN_INTEGER && level_values[k] != floor (level_values[k]))
        {
          g_set_error (error, CR_DATA_VIEW_ERROR, CR_DATA_VIEW_ERROR_NOT_AN_INTEGER,
                       _("level '%s' of column '%s' is not a whole number; make the column "
                         "float instead"),
                       source->levels[k], source->name);
          return FALSE;
        }
    }
  for (size_t row = 0; row < n_rows; row++)
    {
      double code = source->values[row];
      values[row] = isnan (code) ? NAN : level_values[(size_t) code];
    }
  return TRUE;
}

/* Numeric to numeric: float to integer needs whole values; integer to float always works. */
static gboolean
numbers_to_numbers (const CrColumn *source,
                    size_t n_rows,
                    CrColumnType type,
                    double *values,
                    GError **error)
{
  for (size_t row = 0; row < n_rows; row++)
    {
      double value = source->values[row];
      if (type == CR_COLUMN_INTEGER && !isnan (value) && (!isfinite (value) || value != floor (value)))
        {
          g_autofree char *text = format_with ("%.17g", value);
          g_set_error (error, CR_DATA_VIEW_ERROR, CR_DATA_VIEW_ERROR_NOT_AN_INTEGER,
                       _("row %zu of column '%s' holds %s, which is not a whole number; keep the "
                         "column as float"),
                       row + 1, source->name, text);
          return FALSE;
        }
      values[row] = value;
    }
  return TRUE;
}

CrDataset *
cr_data_view_convert_column (const CrDataset *dataset,
                             size_t index,
                             CrColumnType type,
                             GError **error)
{
  g_return_val_if_fail (dataset != NULL, NULL);
  g_return_val_if_fail (index < cr_dataset_get_n_columns (dataset), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  const CrColumn *source = cr_dataset_get_column (dataset, index);
  size_t n_rows = cr_dataset_get_n_rows (dataset);
  g_autofree double *values = g_new (double, MAX (n_rows, (size_t) 1));
  g_auto (GStrv) levels = NULL;
  gboolean ok = TRUE;
  if (source->type == CR_COLUMN_CATEGORICAL && type == CR_COLUMN_CATEGORICAL)
    {
      memcpy (values, source->values, n_rows * sizeof (double));
      levels = g_strdupv (source->levels);
    }
  else if (type == CR_COLUMN_CATEGORICAL)
    numbers_to_levels (source, n_rows, values, &levels);
  else if (source->type == CR_COLUMN_CATEGORICAL)
    ok = levels_to_numbers (source, n_rows, type, values, error);
  else
    ok = numbers_to_numbers (source, n_rows, type, values, error);
  if (!ok)
    return NULL;

  g_autoptr (CrDataset) converted = cr_dataset_new (cr_dataset_get_name (dataset));
  for (size_t j = 0; j < cr_dataset_get_n_columns (dataset); j++)
    {
      const CrColumn *column = cr_dataset_get_column (dataset, j);
      gboolean added;
      if (j == index)
        added = cr_dataset_add_column (converted, column->name, type, values, n_rows,
                                       (const char *const *) levels, error);
      else
        added = cr_dataset_add_column (converted, column->name, column->type, column->values,
                                       n_rows, (const char *const *) column->levels, error);
      if (!added)
        return NULL;
    }
  return g_steal_pointer (&converted);
}

/* ---- The list model: one object per row, made when asked for ------------------------ */

#define CR_TYPE_DATA_VIEW_ROW (cr_data_view_row_get_type ())
G_DECLARE_FINAL_TYPE (CrDataViewRow, cr_data_view_row, CR, DATA_VIEW_ROW, GObject)

struct _CrDataViewRow
{
  GObject parent_instance;
  guint index;
};

G_DEFINE_FINAL_TYPE (CrDataViewRow, cr_data_view_row, G_TYPE_OBJECT)

static void
cr_data_view_row_class_init (CrDataViewRowClass *klass)
{
}

static void
cr_data_view_row_init (CrDataViewRow *self)
{
}

#define CR_TYPE_DATA_VIEW_ROW_MODEL (cr_data_view_row_model_get_type ())
G_DECLARE_FINAL_TYPE (CrDataViewRowModel, cr_data_view_row_model, CR, DATA_VIEW_ROW_MODEL, GObject)

/* Only the row count: a million rows cost no more than ten until they are on screen. */
struct _CrDataViewRowModel
{
  GObject parent_instance;
  guint n_rows;
};

static GType
row_model_get_item_type (GListModel *model)
{
  return CR_TYPE_DATA_VIEW_ROW;
}

static guint
row_model_get_n_items (GListModel *model)
{
  return CR_DATA_VIEW_ROW_MODEL (model)->n_rows;
}

static gpointer
row_model_get_item (GListModel *model, guint position)
{
  if (position >= CR_DATA_VIEW_ROW_MODEL (model)->n_rows)
    return NULL;
  CrDataViewRow *row = g_object_new (CR_TYPE_DATA_VIEW_ROW, NULL);
  row->index = position;
  return row;
}

static void
row_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = row_model_get_item_type;
  iface->get_n_items = row_model_get_n_items;
  iface->get_item = row_model_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (CrDataViewRowModel, cr_data_view_row_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, row_model_list_model_init))

static void
cr_data_view_row_model_class_init (CrDataViewRowModelClass *klass)
{
}

static void
cr_data_view_row_model_init (CrDataViewRowModel *self)
{
}

/* GListModel counts in guint: a dataset beyond 4 294 967 295 rows shows its first that many. */
static GListModel *
row_model_new (size_t n_rows)
{
  CrDataViewRowModel *model = g_object_new (CR_TYPE_DATA_VIEW_ROW_MODEL, NULL);
  model->n_rows = (guint) MIN (n_rows, (size_t) G_MAXUINT);
  return G_LIST_MODEL (model);
}

/* ---- Histograms and bar charts ------------------------------------------------------ */

typedef struct
{
  gboolean categorical;
  double lo, hi; /* numeric: the smallest and largest finite value */
  size_t n_bins;
  size_t *counts;
  size_t max_count;
} Chart;

static void
chart_free (gpointer data)
{
  Chart *chart = data;
  if (chart == NULL)
    return;
  g_free (chart->counts);
  g_free (chart);
}

/* Returns: (transfer full) the counts to draw for @column, or NULL when there is nothing to
 * draw (no present cell, or too many levels to tell apart). */
static Chart *
chart_new (const CrColumn *column, size_t n_rows)
{
  size_t n_present = n_rows - column->n_missing;
  if (n_present == 0 || (column->type == CR_COLUMN_CATEGORICAL && column->n_levels > MAX_BARS))
    return NULL;

  Chart *chart = g_new0 (Chart, 1);
  /* A bar per level, a bar per value of an integer column with a short range, or bins. */
  gboolean bar_per_value = TRUE;
  double lo = 0.0, hi = -INFINITY;
  if (column->type == CR_COLUMN_CATEGORICAL)
    {
      chart->categorical = TRUE;
      chart->n_bins = column->n_levels;
    }
  else
    {
      lo = INFINITY;
      for (size_t row = 0; row < n_rows; row++)
        if (isfinite (column->values[row]))
          {
            lo = fmin (lo, column->values[row]);
            hi = fmax (hi, column->values[row]);
          }
      if (lo > hi) /* no finite value */
        {
          g_free (chart);
          return NULL;
        }
      bar_per_value = column->type == CR_COLUMN_INTEGER && hi - lo < MAX_INTEGER_BINS;
      if (bar_per_value)
        chart->n_bins = (size_t) (hi - lo) + 1;
      else if (lo == hi)
        chart->n_bins = 1;
      else
        /* Sturges (1926), "The choice of a class interval", JASA 21: 1 + log2 n classes. */
        chart->n_bins = MIN ((size_t) ceil (log2 ((double) n_present)) + 1, (size_t) MAX_BINS);
    }

  chart->counts = g_new0 (size_t, chart->n_bins);
  for (size_t row = 0; row < n_rows; row++)
    {
      double value = column->values[row];
      if (!isfinite (value))
        continue;
      size_t bin = 0;
      if (bar_per_value)
        bin = (size_t) (value - lo);
      else if (hi > lo)
        bin = MIN ((size_t) ((value - lo) / (hi - lo) * (double) chart->n_bins), chart->n_bins - 1);
      chart->counts[bin]++;
    }
  for (size_t k = 0; k < chart->n_bins; k++)
    chart->max_count = MAX (chart->max_count, chart->counts[k]);
  chart->lo = lo;
  chart->hi = hi;
  return chart;
}

static void
draw_chart (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer data)
{
  const Chart *chart = data;
  if (chart == NULL || chart->max_count == 0 || width < 2 || height < 2)
    return;
  CrPlotTheme theme = adw_style_manager_get_dark (adw_style_manager_get_default ())
                          ? CR_PLOT_THEME_DARK
                          : CR_PLOT_THEME_LIGHT;
  double slot = (double) width / (double) chart->n_bins;
  /* Bars of a bar chart stand apart; a histogram's bins touch but for a hairline. */
  double gap = chart->categorical ? fmin (slot * 0.25, 6.0) : (slot >= 4.0 ? 1.0 : 0.0);
  double base = height - 1.0;
  cr_plot_set_source (cr, cr_plot_chain_color (chart->categorical ? 1 : 0, theme), 0.9);
  for (size_t k = 0; k < chart->n_bins; k++)
    {
      if (chart->counts[k] == 0)
        continue;
      /* A single cell still shows as a pixel, so a rare level never looks absent. */
      double bar = fmax (1.0, base * (double) chart->counts[k] / (double) chart->max_count);
      cairo_rectangle (cr, (double) k * slot + gap / 2.0, base - bar, slot - gap, bar);
    }
  cairo_fill (cr);
  cr_plot_set_source (cr, cr_plot_muted_color (theme), 0.8);
  cairo_rectangle (cr, 0, base, width, 1.0);
  cairo_fill (cr);
}

/* ---- The view ----------------------------------------------------------------------- */

/* The widgets of one column's header card; the widget tree owns them. */
typedef struct
{
  GtkWidget *card;
  GtkWidget *name_label;
  GtkWidget *type_drop_down;
  GtkWidget *missing_label;
  GtkWidget *summary_label;
  GtkWidget *chart;
} Card;

struct _CrDataView
{
  GtkWidget parent_instance;

  CrDataset *dataset; /* owned; NULL shows the empty state */
  GListModel *rows;   /* the row model of the table, or NULL */

  GtkWidget *box;
  GtkWidget *error_revealer;
  GtkWidget *error_label;
  GtkWidget *stack;
  GtkWidget *header_scroller;
  GtkWidget *header_box;
  GtkWidget *table_scroller;
  GtkWidget *column_view;
  GPtrArray *cards;      /* of Card, one per column on show */
  gboolean setting_type; /* the view itself is setting a drop-down: not a person's choice */
  guint rescroll_tick;   /* the tick callback of rescroll (), or 0 */
  guint rescroll_frames; /* frames since the scroll that rescroll () follows up */
  gboolean rescrolling;
};

G_DEFINE_FINAL_TYPE (CrDataView, cr_data_view, GTK_TYPE_WIDGET)

enum
{
  SIGNAL_DATASET_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* What a table cell's factory needs: the view reads the column afresh at every bind, so a
 * factory never holds a pointer into a dataset that may be replaced. */
typedef struct
{
  CrDataView *view;
  size_t index;
} CellBinding;

static void
cell_setup (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  const CellBinding *binding = data;
  const CrColumn *column = cr_dataset_get_column (binding->view->dataset, binding->index);
  GtkWidget *label = gtk_label_new (NULL);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "cr-data-view-cell");
  if (column->type == CR_COLUMN_CATEGORICAL)
    gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  else
    {
      /* Numbers right-aligned in tabular figures, so their digits line up down a column. */
      gtk_label_set_xalign (GTK_LABEL (label), 1.0);
      gtk_widget_add_css_class (label, "numeric");
    }
  gtk_list_item_set_child (item, label);
}

static void
cell_bind (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  const CellBinding *binding = data;
  const CrColumn *column = cr_dataset_get_column (binding->view->dataset, binding->index);
  CrDataViewRow *row = CR_DATA_VIEW_ROW (gtk_list_item_get_item (item));
  GtkWidget *label = gtk_list_item_get_child (item);
  g_autofree char *text = cr_data_view_format_cell (column, row->index);
  gtk_label_set_text (GTK_LABEL (label), text);
  if (isnan (column->values[row->index]))
    gtk_widget_add_css_class (label, "dim-label");
  else
    gtk_widget_remove_css_class (label, "dim-label");
}

static GtkListItemFactory *
cell_factory_new (CrDataView *self, size_t index)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  CellBinding *binding = g_new (CellBinding, 1);
  binding->view = self;
  binding->index = index;
  g_signal_connect_data (factory, "setup", G_CALLBACK (cell_setup), binding,
                         (GClosureNotify) (void (*) (void)) g_free, 0);
  g_signal_connect (factory, "bind", G_CALLBACK (cell_bind), binding);
  return factory;
}

static void
redraw_charts (CrDataView *self)
{
  if (self->cards == NULL) /* disposed */
    return;
  for (guint j = 0; j < self->cards->len; j++)
    gtk_widget_queue_draw (((Card *) g_ptr_array_index (self->cards, j))->chart);
}

/* Fills @card from @column: the widgets stay, so a drop-down that a person just used is
 * never destroyed under them. */
static void
card_update (CrDataView *self, Card *card, const CrColumn *column, size_t n_rows)
{
  gtk_label_set_text (GTK_LABEL (card->name_label), column->name);
  gtk_widget_set_tooltip_text (card->name_label, column->name);

  self->setting_type = TRUE;
  gtk_drop_down_set_selected (GTK_DROP_DOWN (card->type_drop_down), position_of_type (column->type));
  self->setting_type = FALSE;
  g_autofree char *drop_down_label = g_strdup_printf (_("Type of column %s"), column->name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (card->type_drop_down),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, drop_down_label, -1);

  g_autofree char *missing = NULL;
  if (column->n_missing == 0)
    missing = g_strdup (_("None missing"));
  else
    missing = g_strdup_printf (ngettext ("%zu missing", "%zu missing", column->n_missing),
                               column->n_missing);
  gtk_label_set_text (GTK_LABEL (card->missing_label), missing);

  g_autofree char *summary = NULL;
  Chart *chart = chart_new (column, n_rows);
  if (column->type == CR_COLUMN_CATEGORICAL)
    summary = g_strdup_printf (ngettext ("%zu level", "%zu levels", column->n_levels),
                               column->n_levels);
  else if (chart != NULL)
    {
      const char *format = column->type == CR_COLUMN_INTEGER ? "%.0f" : "%.6g";
      g_autofree char *lo_text = format_with (format, chart->lo);
      g_autofree char *hi_text = format_with (format, chart->hi);
      /* TRANSLATORS: the smallest and largest value of a numeric column. */
      summary = g_strdup_printf (_("%s to %s"), lo_text, hi_text);
    }
  else
    summary = g_strdup (_("No values"));
  gtk_label_set_text (GTK_LABEL (card->summary_label), summary);

  g_autofree char *chart_label = column->type == CR_COLUMN_CATEGORICAL
                                     ? g_strdup_printf (_("Counts of the levels of %s"), column->name)
                                     : g_strdup_printf (_("Histogram of %s"), column->name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (card->chart), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  chart_label, -1);
  /* The drawing area owns the chart from here and frees the one it had. */
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (card->chart), draw_chart, chart, chart_free);
}

static void type_selected (GtkDropDown *drop_down, GParamSpec *pspec, CrDataView *self);

static void
column_width_changed (GtkColumnViewColumn *column, GParamSpec *pspec, GtkWidget *card)
{
  gtk_widget_set_size_request (card, MAX (gtk_column_view_column_get_fixed_width (column), 0), -1);
}

static Card *
card_new (CrDataView *self, size_t index)
{
  Card *card = g_new0 (Card, 1);
  card->card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_widget_add_css_class (card->card, "cr-data-view-column");
  gtk_widget_set_size_request (card->card, COLUMN_WIDTH, -1);
  gtk_widget_set_hexpand (card->card, FALSE);

  card->name_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (card->name_label), 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (card->name_label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (card->name_label, "heading");
  gtk_box_append (GTK_BOX (card->card), card->name_label);

  const char *const type_names[] = { _("Integer"), _("Float"), _("Categorical"), NULL };
  G_STATIC_ASSERT (G_N_ELEMENTS (type_names) == G_N_ELEMENTS (type_at_position) + 1);
  card->type_drop_down = gtk_drop_down_new_from_strings (type_names);
  gtk_widget_set_tooltip_text (card->type_drop_down, _("How the model reads this column"));
  g_object_set_data (G_OBJECT (card->type_drop_down), "cr-column-index", GSIZE_TO_POINTER (index));
  g_signal_connect (card->type_drop_down, "notify::selected", G_CALLBACK (type_selected), self);
  gtk_box_append (GTK_BOX (card->card), card->type_drop_down);

  card->missing_label = gtk_label_new (NULL);
  card->summary_label = gtk_label_new (NULL);
  GtkWidget *labels[] = { card->missing_label, card->summary_label };
  for (size_t i = 0; i < G_N_ELEMENTS (labels); i++)
    {
      gtk_label_set_xalign (GTK_LABEL (labels[i]), 0.0);
      gtk_label_set_ellipsize (GTK_LABEL (labels[i]), PANGO_ELLIPSIZE_END);
      gtk_widget_add_css_class (labels[i], "caption");
      gtk_widget_add_css_class (labels[i], "dim-label");
      gtk_box_append (GTK_BOX (card->card), labels[i]);
    }

  card->chart = gtk_drawing_area_new ();
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (card->chart), CHART_HEIGHT);
  gtk_box_append (GTK_BOX (card->card), card->chart);
  return card;
}

static GtkColumnViewColumn *
table_column_new (CrDataView *self, size_t index, GtkWidget *card)
{
  const CrColumn *column = cr_dataset_get_column (self->dataset, index);
  g_autoptr (GtkListItemFactory) factory = cell_factory_new (self, index);
  GtkColumnViewColumn *table_column = gtk_column_view_column_new (column->name, g_steal_pointer (&factory));
  /* The card's width: COLUMN_WIDTH, or what the person resized the column to before. */
  int width;
  gtk_widget_get_size_request (card, &width, NULL);
  gtk_column_view_column_set_fixed_width (table_column, width);
  gtk_column_view_column_set_resizable (table_column, TRUE);
  g_signal_connect_object (table_column, "notify::fixed-width", G_CALLBACK (column_width_changed), card, 0);
  return table_column;
}

static void
remove_table_columns (CrDataView *self)
{
  GListModel *columns = gtk_column_view_get_columns (GTK_COLUMN_VIEW (self->column_view));
  while (g_list_model_get_n_items (columns) > 0)
    {
      g_autoptr (GtkColumnViewColumn) column = g_list_model_get_item (columns, 0);
      gtk_column_view_remove_column (GTK_COLUMN_VIEW (self->column_view), column);
    }
}

static void
remove_columns (CrDataView *self)
{
  remove_table_columns (self);
  for (guint j = 0; j < self->cards->len; j++)
    gtk_box_remove (GTK_BOX (self->header_box), ((Card *) g_ptr_array_index (self->cards, j))->card);
  g_ptr_array_set_size (self->cards, 0);
}

/* Whether @a and @b have the same columns by name, in order, and the same number of rows: the
 * table can then stay as it is (scroll position included) and only its cells change. */
static gboolean
same_shape (const CrDataset *a, const CrDataset *b)
{
  if (a == NULL || b == NULL || cr_dataset_get_n_rows (a) != cr_dataset_get_n_rows (b)
      || cr_dataset_get_n_columns (a) != cr_dataset_get_n_columns (b))
    return FALSE;
  for (size_t j = 0; j < cr_dataset_get_n_columns (a); j++)
    if (strcmp (cr_dataset_get_column (a, j)->name, cr_dataset_get_column (b, j)->name) != 0)
      return FALSE;
  return TRUE;
}

static void
hide_error (CrDataView *self)
{
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->error_revealer), FALSE);
}

static void
show_dataset (CrDataView *self, CrDataset *dataset)
{
  hide_error (self);
  CrDataset *old = self->dataset;

  if (same_shape (old, dataset))
    {
      /* New table columns make new cells: a type change alters their text and alignment, and
       * GTK 4.8 keeps a column's cells when only its factory changes. The row model, and with
       * it the scroll position, stays. */
      remove_table_columns (self);
      self->dataset = dataset;
      cr_dataset_free (old);
      size_t n_rows = cr_dataset_get_n_rows (dataset);
      for (size_t j = 0; j < cr_dataset_get_n_columns (dataset); j++)
        {
          Card *card = g_ptr_array_index (self->cards, j);
          card_update (self, card, cr_dataset_get_column (dataset, j), n_rows);
          g_autoptr (GtkColumnViewColumn) table_column = table_column_new (self, j, card->card);
          gtk_column_view_append_column (GTK_COLUMN_VIEW (self->column_view), table_column);
        }
      return;
    }

  /* Columns go before the dataset they read. */
  remove_columns (self);
  gtk_column_view_set_model (GTK_COLUMN_VIEW (self->column_view), NULL);
  g_clear_object (&self->rows);
  self->dataset = dataset;
  cr_dataset_free (old);
  if (dataset == NULL)
    {
      gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "empty");
      return;
    }

  size_t n_rows = cr_dataset_get_n_rows (dataset);
  for (size_t j = 0; j < cr_dataset_get_n_columns (dataset); j++)
    {
      Card *card = card_new (self, j);
      g_ptr_array_add (self->cards, card);
      gtk_box_append (GTK_BOX (self->header_box), card->card);
      card_update (self, card, cr_dataset_get_column (dataset, j), n_rows);
      g_autoptr (GtkColumnViewColumn) table_column = table_column_new (self, j, card->card);
      gtk_column_view_append_column (GTK_COLUMN_VIEW (self->column_view), table_column);
    }
  self->rows = row_model_new (n_rows);
  g_autoptr (GtkSelectionModel) selection = GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (self->rows)));
  gtk_column_view_set_model (GTK_COLUMN_VIEW (self->column_view), selection);
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "table");
}

static void
type_selected (GtkDropDown *drop_down, GParamSpec *pspec, CrDataView *self)
{
  guint position = gtk_drop_down_get_selected (drop_down);
  if (self->setting_type || self->dataset == NULL || position >= G_N_ELEMENTS (type_at_position))
    return;
  size_t index = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (drop_down), "cr-column-index"));
  const CrColumn *column = cr_dataset_get_column (self->dataset, index);
  CrColumnType type = type_at_position[position];
  if (type == column->type)
    return;

  g_autoptr (GError) error = NULL;
  CrDataset *converted = cr_data_view_convert_column (self->dataset, index, type, &error);
  if (converted == NULL)
    {
      cr_data_view_show_error (self, error);
      /* The column keeps its type, and the drop-down says so again. */
      self->setting_type = TRUE;
      gtk_drop_down_set_selected (drop_down, position_of_type (column->type));
      self->setting_type = FALSE;
      return;
    }
  show_dataset (self, converted);
  g_signal_emit (self, signals[SIGNAL_DATASET_CHANGED], 0, self->dataset);
}

/* GTK 4.8.3's list views lose their rows after a jump beyond the rows they have made, such as
 * a click far down the scroll bar's trough: the table stays empty until the next scroll. A
 * plain GtkListView over a GtkStringList does the same. Telling the list again, once the jump
 * has been laid out, brings the rows back; so every scroll is repeated one frame later. */
static gboolean
rescroll (GtkWidget *column_view, GdkFrameClock *clock, gpointer data)
{
  CrDataView *self = data;
  /* Frame 1 lays the jump out (the rows go missing); frame 2 repeats it before its layout. */
  if (++self->rescroll_frames < 2)
    return G_SOURCE_CONTINUE;
  self->rescroll_tick = 0;
  self->rescrolling = TRUE;
  g_signal_emit_by_name (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->table_scroller)),
                         "value-changed");
  self->rescrolling = FALSE;
  return G_SOURCE_REMOVE;
}

static void
table_scrolled (GtkAdjustment *adjustment, CrDataView *self)
{
  if (self->rescrolling || self->rescroll_tick != 0)
    return;
  self->rescroll_frames = 0;
  self->rescroll_tick = gtk_widget_add_tick_callback (self->column_view, rescroll, self, NULL);
}

/* The header strip scrolls sideways with the table; each follows the other. */
static void
follow_scroll (GtkAdjustment *source, GtkAdjustment *target)
{
  gtk_adjustment_set_value (target, gtk_adjustment_get_value (source));
}

/* libadwaita 1.2 has no banner; this tints the error area in the theme's error colour. */
static void
ensure_css (GdkDisplay *display)
{
  if (display == NULL || g_object_get_data (G_OBJECT (display), "cr-data-view-css") != NULL)
    return;
  g_autoptr (GtkCssProvider) provider = gtk_css_provider_new ();
  static const char css[] =
      ".cr-data-view-error { background-color: alpha(@error_bg_color, 0.14);"
      "  border-bottom: 1px solid alpha(@error_bg_color, 0.35); padding: 6px 6px 6px 12px; }"
      ".cr-data-view-header { border-bottom: 1px solid alpha(currentColor, 0.15); }"
      ".cr-data-view-column { padding: 8px 8px 6px 8px;"
      "  border-right: 1px solid alpha(currentColor, 0.08); }";
  gtk_css_provider_load_from_data (provider, css, -1);
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_object_set_data (G_OBJECT (display), "cr-data-view-css", GINT_TO_POINTER (1));
}

static GtkWidget *
error_area_new (CrDataView *self)
{
  GtkWidget *area = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_add_css_class (area, "cr-data-view-error");
  GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-error-symbolic");
  gtk_widget_add_css_class (icon, "error");
  gtk_box_append (GTK_BOX (area), icon);

  self->error_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->error_label), 0.0);
  gtk_label_set_wrap (GTK_LABEL (self->error_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (self->error_label), PANGO_WRAP_WORD_CHAR);
  /* A person may want to copy the path and line into an editor. */
  gtk_label_set_selectable (GTK_LABEL (self->error_label), TRUE);
  gtk_widget_set_hexpand (self->error_label, TRUE);
  gtk_box_append (GTK_BOX (area), self->error_label);

  GtkWidget *close = gtk_button_new_from_icon_name ("window-close-symbolic");
  gtk_widget_add_css_class (close, "flat");
  gtk_widget_add_css_class (close, "circular");
  gtk_widget_set_valign (close, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (close, _("Close"));
  g_signal_connect_swapped (close, "clicked", G_CALLBACK (hide_error), self);
  gtk_box_append (GTK_BOX (area), close);

  GtkWidget *revealer = gtk_revealer_new ();
  gtk_revealer_set_transition_type (GTK_REVEALER (revealer), GTK_REVEALER_TRANSITION_TYPE_SLIDE_DOWN);
  gtk_revealer_set_child (GTK_REVEALER (revealer), area);
  return revealer;
}

static GtkWidget *
table_page_new (CrDataView *self)
{
  GtkWidget *page = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  self->header_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_set_halign (self->header_box, GTK_ALIGN_START);
  self->header_scroller = gtk_scrolled_window_new ();
  gtk_widget_add_css_class (self->header_scroller, "cr-data-view-header");
  /* The table's scroll bar serves both. */
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->header_scroller),
                                  GTK_POLICY_EXTERNAL, GTK_POLICY_NEVER);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (self->header_scroller), TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->header_scroller), self->header_box);
  gtk_box_append (GTK_BOX (page), self->header_scroller);

  self->column_view = gtk_column_view_new (NULL);
  gtk_widget_add_css_class (self->column_view, "data-table");
  gtk_column_view_set_show_column_separators (GTK_COLUMN_VIEW (self->column_view), TRUE);
  /* Reordering would leave the header cards behind. */
  gtk_column_view_set_reorderable (GTK_COLUMN_VIEW (self->column_view), FALSE);
  self->table_scroller = gtk_scrolled_window_new ();
  gtk_widget_set_vexpand (self->table_scroller, TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->table_scroller), self->column_view);
  gtk_box_append (GTK_BOX (page), self->table_scroller);

  GtkAdjustment *table_h = gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (self->table_scroller));
  GtkAdjustment *header_h = gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (self->header_scroller));
  g_signal_connect_object (table_h, "value-changed", G_CALLBACK (follow_scroll), header_h, 0);
  g_signal_connect_object (header_h, "value-changed", G_CALLBACK (follow_scroll), table_h, 0);
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->table_scroller)),
                           "value-changed", G_CALLBACK (table_scrolled), self, 0);
  return page;
}

static GtkWidget *
empty_page_new (void)
{
  GtkWidget *status = adw_status_page_new ();
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (status), "view-grid-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (status), _("No Data Yet"));
  adw_status_page_set_description (ADW_STATUS_PAGE (status),
                                   _("Open a CSV file with the Open button, or drop it on the window."));
  return status;
}

static void
cr_data_view_dispose (GObject *object)
{
  CrDataView *self = CR_DATA_VIEW (object);
  if (self->rescroll_tick != 0)
    gtk_widget_remove_tick_callback (self->column_view, self->rescroll_tick);
  self->rescroll_tick = 0;
  /* The tree goes first: its cell factories read the dataset until they are gone. */
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_pointer (&self->cards, g_ptr_array_unref);
  g_clear_object (&self->rows);
  G_OBJECT_CLASS (cr_data_view_parent_class)->dispose (object);
}

static void
cr_data_view_finalize (GObject *object)
{
  CrDataView *self = CR_DATA_VIEW (object);
  g_clear_pointer (&self->dataset, cr_dataset_free);
  G_OBJECT_CLASS (cr_data_view_parent_class)->finalize (object);
}

static void
cr_data_view_class_init (CrDataViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = cr_data_view_dispose;
  object_class->finalize = cr_data_view_finalize;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "crdataview");

  signals[SIGNAL_DATASET_CHANGED] = g_signal_new ("dataset-changed", G_TYPE_FROM_CLASS (klass),
                                                  G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                  G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
cr_data_view_init (CrDataView *self)
{
  ensure_css (gtk_widget_get_display (GTK_WIDGET (self)));
  self->cards = g_ptr_array_new_with_free_func (g_free);

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  self->error_revealer = error_area_new (self);
  gtk_box_append (GTK_BOX (self->box), self->error_revealer);

  self->stack = gtk_stack_new ();
  gtk_widget_set_vexpand (self->stack, TRUE);
  gtk_widget_set_hexpand (self->stack, TRUE);
  gtk_stack_add_named (GTK_STACK (self->stack), empty_page_new (), "empty");
  gtk_stack_add_named (GTK_STACK (self->stack), table_page_new (self), "table");
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "empty");
  gtk_box_append (GTK_BOX (self->box), self->stack);

  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (redraw_charts), self, G_CONNECT_SWAPPED);
}

GtkWidget *
cr_data_view_new (void)
{
  return g_object_new (CR_TYPE_DATA_VIEW, NULL);
}

void
cr_data_view_set_dataset (CrDataView *view, CrDataset *dataset)
{
  g_return_if_fail (CR_IS_DATA_VIEW (view));
  if (dataset != NULL && dataset == view->dataset)
    return;
  show_dataset (view, dataset);
}

const CrDataset *
cr_data_view_get_dataset (CrDataView *view)
{
  g_return_val_if_fail (CR_IS_DATA_VIEW (view), NULL);
  return view->dataset;
}

void
cr_data_view_show_error (CrDataView *view, const GError *error)
{
  g_return_if_fail (CR_IS_DATA_VIEW (view));
  g_return_if_fail (error != NULL);
  gtk_label_set_text (GTK_LABEL (view->error_label), error->message);
  gtk_revealer_set_reveal_child (GTK_REVEALER (view->error_revealer), TRUE);
}
