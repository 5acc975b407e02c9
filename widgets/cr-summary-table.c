/* cr-summary-table.c: a run's summary as a tree of variables and their elements.
 *
 * The model: a GListStore of top-level rows (scalars and groups) under a GtkTreeListModel whose
 * children are each group's elements, sorted by a GtkTreeListRowSorter around the column
 * view's own sorter (so siblings sort by the clicked column and children stay under their
 * group), under a GtkSingleSelection. Every row object carries the numbers it shows, so cells
 * and sorters never look anywhere else.
 */
#include "cr-summary-table.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Decimals in a cell, as ArviZ's summary prints them. */
#define ESS_DECIMALS 0
#define RHAT_DECIMALS 2
#define VALUE_DECIMALS 3

/* ---- Rows --------------------------------------------------------------------------- */

#define CR_TYPE_SUMMARY_ROW (cr_summary_row_get_type ())
G_DECLARE_FINAL_TYPE (CrSummaryRow, cr_summary_row, CR, SUMMARY_ROW, GObject)

/* One row of the table: a quantity (a scalar or one element) or a group of elements. */
struct _CrSummaryRow
{
  GObject parent_instance;
  size_t first, count; /* the quantities shown: (j, 1), or a group's elements */
  gboolean is_group;
  size_t group;         /* a group row's index among the summary's groups */
  char *name;           /* "sigma", "beta[3]", or a group's variable, "beta" */
  char *shape;          /* a group's "[20]" or "[2,2]"; NULL for a quantity */
  CrDiagSummary values; /* a group's: its worst ESS and r_hat, NAN in the other columns */
  CrVerdictLevel level;
};

G_DEFINE_FINAL_TYPE (CrSummaryRow, cr_summary_row, G_TYPE_OBJECT)

static void
cr_summary_row_finalize (GObject *object)
{
  CrSummaryRow *row = CR_SUMMARY_ROW (object);
  g_free (row->name);
  g_free (row->shape);
  G_OBJECT_CLASS (cr_summary_row_parent_class)->finalize (object);
}

static void
cr_summary_row_class_init (CrSummaryRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cr_summary_row_finalize;
}

static void
cr_summary_row_init (CrSummaryRow *row)
{
}

/* What the table keeps of a summary: the tree model's children are made from it on demand. */
typedef struct
{
  size_t n_quantities;
  char **names;             /* n_quantities + 1, NULL-terminated */
  CrDiagSummary *summaries; /* n_quantities */
  size_t n_chains;
  size_t n_groups;
  GListModel **children; /* n_groups: each group's element rows, made when first asked for */
} SummaryCopy;

static void
summary_copy_clear (gpointer data)
{
  SummaryCopy *copy = data;
  g_strfreev (copy->names);
  g_free (copy->summaries);
  for (size_t g = 0; g < copy->n_groups; g++)
    g_clear_object (&copy->children[g]);
  g_free (copy->children);
}

static void
summary_copy_release (gpointer copy)
{
  g_rc_box_release_full (copy, summary_copy_clear);
}

static SummaryCopy *
summary_copy_new (const CrSampleSummary *summary)
{
  SummaryCopy *copy = g_rc_box_new0 (SummaryCopy);
  copy->n_quantities = summary->n_quantities;
  copy->names = g_strdupv (summary->names);
  copy->summaries = g_memdup2 (summary->summaries, summary->n_quantities * sizeof (CrDiagSummary));
  copy->n_chains = summary->n_chains;
  return copy;
}

static CrSummaryRow *
quantity_row_new (const SummaryCopy *copy, size_t j)
{
  CrSummaryRow *row = g_object_new (CR_TYPE_SUMMARY_ROW, NULL);
  row->first = j;
  row->count = 1;
  row->name = g_strdup (copy->names[j]);
  row->values = copy->summaries[j];
  row->level = cr_diag_quantity_level (&copy->summaries[j], copy->n_chains);
  return row;
}

/* The length of @name's variable: the part before '['. */
static size_t
variable_length (const char *name)
{
  return strcspn (name, "[");
}

/* A group's shape from its last element's indices plus one ("L[1,2]" gives "[2,3]"); a name
 * that does not end in indices gives the element count. */
static char *
shape_text (const char *last_name, size_t count)
{
  const char *open = strchr (last_name, '[');
  g_autoptr (GString) shape = g_string_new ("[");
  const char *p = open != NULL ? open + 1 : NULL;
  while (p != NULL)
    {
      char *end;
      guint64 index = g_ascii_strtoull (p, &end, 10);
      if (end == p || (*end != ',' && *end != ']'))
        return g_strdup_printf ("[%zu]", count);
      g_string_append_printf (shape, "%s%" G_GUINT64_FORMAT, shape->len > 1 ? "," : "", index + 1);
      p = *end == ',' ? end + 1 : NULL;
    }
  if (open == NULL)
    return g_strdup_printf ("[%zu]", count);
  g_string_append_c (shape, ']');
  return g_string_free (g_steal_pointer (&shape), FALSE);
}

/* The group row of elements [@first, @first + @count): its worst ESS and r_hat (fmin and fmax
 * skip a NaN element, a constant one), and its worst element's verdict. */
static CrSummaryRow *
group_row_new (const SummaryCopy *copy, size_t first, size_t count, size_t group)
{
  CrSummaryRow *row = g_object_new (CR_TYPE_SUMMARY_ROW, NULL);
  row->first = first;
  row->count = count;
  row->is_group = TRUE;
  row->group = group;
  row->name = g_strndup (copy->names[first], variable_length (copy->names[first]));
  row->shape = shape_text (copy->names[first + count - 1], count);
  row->values = (CrDiagSummary){ NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN };
  row->level = CR_VERDICT_OK;
  for (size_t j = first; j < first + count; j++)
    {
      const CrDiagSummary *s = &copy->summaries[j];
      row->values.ess_bulk = fmin (row->values.ess_bulk, s->ess_bulk);
      row->values.ess_tail = fmin (row->values.ess_tail, s->ess_tail);
      row->values.r_hat = fmax (row->values.r_hat, s->r_hat);
      row->level = MAX (row->level, cr_diag_quantity_level (s, copy->n_chains));
    }
  return row;
}

/* Whether names @a and @b are elements of the same variable. */
static gboolean
same_variable (const char *a, const char *b)
{
  size_t length = variable_length (a);
  return a[length] == '[' && variable_length (b) == length && b[length] == '['
         && strncmp (a, b, length) == 0;
}

/* Fills @root with the top-level rows: a scalar each, and a group for each run of two or more
 * consecutive elements of one variable. A variable of one element ("w[0]") is a plain row: a
 * group of one would open on a copy of itself, and its selection could not be told from its
 * element's. Returns: the number of groups. */
static size_t
add_top_rows (const SummaryCopy *copy, GListStore *root)
{
  size_t n_groups = 0;
  for (size_t j = 0; j < copy->n_quantities;)
    {
      const char *name = copy->names[j];
      gboolean element = name[variable_length (name)] == '[';
      if (!element || j + 1 >= copy->n_quantities || !same_variable (name, copy->names[j + 1]))
        {
          g_autoptr (CrSummaryRow) row = quantity_row_new (copy, j);
          g_list_store_append (root, row);
          j++;
          continue;
        }
      size_t end = j + 1;
      while (end < copy->n_quantities && same_variable (name, copy->names[end]))
        end++;
      g_autoptr (CrSummaryRow) row = group_row_new (copy, j, end - j, n_groups++);
      g_list_store_append (root, row);
      j = end;
    }
  return n_groups;
}

/* The tree's children: a group's elements, made once and kept (the tree asks again each time
 * a group opens, and to learn whether a row can open at all). */
static GListModel *
create_children (gpointer item, gpointer data)
{
  const CrSummaryRow *row = item;
  SummaryCopy *copy = data;
  if (!row->is_group)
    return NULL;
  if (copy->children[row->group] == NULL)
    {
      GListStore *elements = g_list_store_new (CR_TYPE_SUMMARY_ROW);
      for (size_t j = row->first; j < row->first + row->count; j++)
        {
          g_autoptr (CrSummaryRow) element = quantity_row_new (copy, j);
          g_list_store_append (elements, element);
        }
      copy->children[row->group] = G_LIST_MODEL (elements);
    }
  return g_object_ref (copy->children[row->group]);
}

/* ---- Cells -------------------------------------------------------------------------- */

static const char *const column_titles[CR_SUMMARY_N_COLUMNS] = {
  "", "mean", "sd", "hdi_3%", "hdi_97%", "mcse_mean", "mcse_sd", "ess_bulk", "ess_tail", "r_hat"
};

/* The columns where a group shows its worst element; its other cells are blank. */
static gboolean
column_is_worst_of_group (CrSummaryColumn column)
{
  return column == CR_SUMMARY_COLUMN_ESS_BULK || column == CR_SUMMARY_COLUMN_ESS_TAIL
         || column == CR_SUMMARY_COLUMN_R_HAT;
}

/* The number @row shows in @column: NAN where it has none. */
static double
row_value (const CrSummaryRow *row, CrSummaryColumn column)
{
  const CrDiagSummary *s = &row->values;
  switch (column)
    {
    case CR_SUMMARY_COLUMN_MEAN:
      return s->mean;
    case CR_SUMMARY_COLUMN_SD:
      return s->sd;
    case CR_SUMMARY_COLUMN_HDI_LOWER:
      return s->hdi_lower;
    case CR_SUMMARY_COLUMN_HDI_UPPER:
      return s->hdi_upper;
    case CR_SUMMARY_COLUMN_MCSE_MEAN:
      return s->mcse_mean;
    case CR_SUMMARY_COLUMN_MCSE_SD:
      return s->mcse_sd;
    case CR_SUMMARY_COLUMN_ESS_BULK:
      return s->ess_bulk;
    case CR_SUMMARY_COLUMN_ESS_TAIL:
      return s->ess_tail;
    case CR_SUMMARY_COLUMN_R_HAT:
      return s->r_hat;
    case CR_SUMMARY_COLUMN_NAME:
    case CR_SUMMARY_N_COLUMNS:
      break;
    }
  return NAN;
}

static char *
format_cell (const CrSummaryRow *row, CrSummaryColumn column)
{
  if (column == CR_SUMMARY_COLUMN_NAME)
    return g_strdup (row->name);
  if (row->is_group && !column_is_worst_of_group (column))
    return g_strdup ("");
  double value = row_value (row, column);
  gboolean ess = column == CR_SUMMARY_COLUMN_ESS_BULK || column == CR_SUMMARY_COLUMN_ESS_TAIL;
  int decimals = ess                                ? ESS_DECIMALS
                 : column == CR_SUMMARY_COLUMN_R_HAT ? RHAT_DECIMALS
                                                     : VALUE_DECIMALS;
  return !isfinite (value) ? g_strdup ("—") : g_strdup_printf ("%.*f", decimals, value);
}

/* The whole row takes its verdict's colour: a reader sees at once which quantities failed. */
static void
set_level_class (GtkWidget *widget, CrVerdictLevel level)
{
  gtk_widget_remove_css_class (widget, "warning");
  gtk_widget_remove_css_class (widget, "error");
  if (level != CR_VERDICT_OK)
    gtk_widget_add_css_class (widget, level == CR_VERDICT_STOP ? "error" : "warning");
}

/* Returns: (transfer full) the row object a list item shows. */
static CrSummaryRow *
list_item_row (GtkListItem *item)
{
  GtkTreeListRow *list_row = gtk_list_item_get_item (item);
  g_assert (list_row != NULL); /* bind is only called with an item */
  return CR_SUMMARY_ROW (gtk_tree_list_row_get_item (list_row));
}

static void
setup_name_cell (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *name = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (name), 0.0f);
  gtk_widget_add_css_class (name, "numeric");
  gtk_box_append (GTK_BOX (box), name);
  GtkWidget *shape = gtk_label_new (NULL);
  gtk_widget_add_css_class (shape, "numeric");
  gtk_widget_add_css_class (shape, "dim-label");
  gtk_box_append (GTK_BOX (box), shape);
  GtkWidget *expander = gtk_tree_expander_new ();
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), box);
  gtk_list_item_set_child (item, expander);
}

static void
bind_name_cell (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  g_autoptr (CrSummaryRow) row = list_item_row (item);
  GtkTreeExpander *expander = GTK_TREE_EXPANDER (gtk_list_item_get_child (item));
  gtk_tree_expander_set_list_row (expander, gtk_list_item_get_item (item));
  GtkWidget *box = gtk_tree_expander_get_child (expander);
  GtkWidget *name = gtk_widget_get_first_child (box), *shape = gtk_widget_get_next_sibling (name);
  gtk_label_set_text (GTK_LABEL (name), row->name);
  gtk_label_set_text (GTK_LABEL (shape), row->shape != NULL ? row->shape : "");
  gtk_widget_set_visible (shape, row->shape != NULL);
  g_autofree char *tooltip = NULL;
  if (row->is_group)
    tooltip = g_strdup_printf (ngettext ("%s: %zu element", "%s: %zu elements", row->count),
                               row->name, row->count);
  gtk_widget_set_tooltip_text (box, tooltip);
  set_level_class (box, row->level);
}

static void
setup_number_cell (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  GtkWidget *label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (label), 1.0f);
  gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (item, label);
}

static void
bind_number_cell (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  CrSummaryColumn column = GPOINTER_TO_INT (data);
  g_autoptr (CrSummaryRow) row = list_item_row (item);
  GtkWidget *label = gtk_list_item_get_child (item);
  g_autofree char *text = format_cell (row, column);
  gtk_label_set_text (GTK_LABEL (label), text);
  const char *tooltip = NULL;
  if (row->is_group && column == CR_SUMMARY_COLUMN_R_HAT)
    tooltip = _("The largest r_hat among this variable's elements");
  else if (row->is_group && column_is_worst_of_group (column))
    tooltip = _("The smallest ESS among this variable's elements");
  gtk_widget_set_tooltip_text (label, tooltip);
  set_level_class (label, row->level);
}

/* Sorting by a column: numbers in order, blanks and values that could not be computed after
 * them; ties, and the name column, in the model's order. */
static int
compare_rows (gconstpointer a, gconstpointer b, gpointer data)
{
  const CrSummaryRow *x = a, *y = b;
  CrSummaryColumn column = GPOINTER_TO_INT (data);
  if (column != CR_SUMMARY_COLUMN_NAME)
    {
      double u = row_value (x, column), v = row_value (y, column);
      if (isnan (u) != isnan (v))
        return isnan (u) ? 1 : -1;
      if (u != v && !isnan (u))
        return u < v ? -1 : 1;
    }
  return x->first < y->first ? -1 : x->first > y->first;
}

/* ---- The table ---------------------------------------------------------------------- */

struct _CrSummaryTable
{
  GtkWidget parent_instance;
  GtkWidget *scroller;
  GtkColumnView *view;
  size_t n_quantities;
  GtkTreeListModel *tree;         /* NULL while empty */
  GtkSingleSelection *selection;  /* of the sorted tree's rows; NULL while empty */
  GtkTreeListRow *selected_row;   /* the selected row last announced, or NULL */
  GtkTreeListRow *selected_group; /* its group when it is an element, or NULL */
};

G_DEFINE_FINAL_TYPE (CrSummaryTable, cr_summary_table, GTK_TYPE_WIDGET)

enum
{
  SIGNAL_SELECTION_CHANGED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

/* A group's state kept from one summary to the next, by variable name. */
enum
{
  GROUP_CLOSED = 1,
  GROUP_OPEN = 2,
};

/* Returns: (transfer full) the tree row at @position on screen, or NULL. */
static GtkTreeListRow *
list_row_at (CrSummaryTable *self, guint position)
{
  if (self->selection == NULL)
    return NULL;
  return g_list_model_get_item (G_LIST_MODEL (self->selection), position);
}

/* Returns: (transfer full) the row object at @position on screen, or NULL. */
static CrSummaryRow *
row_at (CrSummaryTable *self, guint position)
{
  g_autoptr (GtkTreeListRow) list_row = list_row_at (self, position);
  return list_row != NULL ? CR_SUMMARY_ROW (gtk_tree_list_row_get_item (list_row)) : NULL;
}

/* Returns: (transfer full) the selected tree row, or NULL. */
static GtkTreeListRow *
selected_list_row (CrSummaryTable *self)
{
  if (self->selection == NULL)
    return NULL;
  gpointer row = gtk_single_selection_get_selected_item (self->selection);
  return row != NULL ? g_object_ref (row) : NULL;
}

/* The position on screen of tree row @target (rows are unique objects while referenced), or
 * GTK_INVALID_LIST_POSITION. */
static guint
position_of (CrSummaryTable *self, GtkTreeListRow *target)
{
  guint n = self->selection != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->selection)) : 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GtkTreeListRow) row = list_row_at (self, i);
      if (row == target)
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

/* The column view's inner list, whose "list.scroll-to-item" action scrolls to a row (GTK 4.8
 * has no gtk_column_view_scroll_to ()). */
static GtkWidget *
inner_list (CrSummaryTable *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->view)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      return child;
  return NULL;
}

/* Selects the row at @position and scrolls to it. */
static void
select_position (CrSummaryTable *self, guint position)
{
  if (position == GTK_INVALID_LIST_POSITION)
    return;
  gtk_single_selection_set_selected (self->selection, position);
  GtkWidget *list = inner_list (self);
  if (list != NULL)
    gtk_widget_activate_action (list, "list.scroll-to-item", "u", position);
}

/* Called on "selection-changed" and on "notify::selected": GTK 4.8 only notifies when the
 * selected row is removed and another takes its place, and notifies too when the selected row
 * merely moves (a sort), so what counts is whether the selected row is another one. */
static void
on_selection_changed (CrSummaryTable *self)
{
  g_autoptr (GtkTreeListRow) selected = selected_list_row (self);
  if (selected == self->selected_row)
    return;
  /* Closing a group removes its selected element, and the selection falls on the row after
   * the group; the group itself is the one a person means. */
  if (self->selected_group != NULL && selected != self->selected_group
      && !gtk_tree_list_row_get_expanded (self->selected_group))
    {
      g_autoptr (GtkTreeListRow) group = g_steal_pointer (&self->selected_group);
      guint group_position = position_of (self, group);
      if (group_position != GTK_INVALID_LIST_POSITION)
        {
          select_position (self, group_position); /* announces the change itself */
          return;
        }
    }
  g_set_object (&self->selected_row, selected);
  g_clear_object (&self->selected_group);
  if (selected != NULL)
    self->selected_group = gtk_tree_list_row_get_parent (selected);
  g_signal_emit (self, signals[SIGNAL_SELECTION_CHANGED], 0);
}

/* Right, plus and asterisk open the selected group; Left, minus and slash close it, or go from
 * an element to its group. Keys the row cannot use go on to the list. */
static gboolean
on_key_pressed (GtkEventControllerKey *keys, guint keyval, guint keycode, GdkModifierType state,
                CrSummaryTable *self)
{
  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0)
    return FALSE;
  g_autoptr (GtkTreeListRow) row = selected_list_row (self);
  if (row == NULL)
    return FALSE;
  gboolean rtl = gtk_widget_get_direction (GTK_WIDGET (self)) == GTK_TEXT_DIR_RTL;
  gboolean open, close;
  switch (keyval)
    {
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      open = !rtl, close = rtl;
      break;
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      open = rtl, close = !rtl;
      break;
    case GDK_KEY_plus:
    case GDK_KEY_KP_Add:
    case GDK_KEY_asterisk:
    case GDK_KEY_KP_Multiply:
      open = TRUE, close = FALSE;
      break;
    case GDK_KEY_minus:
    case GDK_KEY_KP_Subtract:
    case GDK_KEY_slash:
    case GDK_KEY_KP_Divide:
      open = FALSE, close = TRUE;
      break;
    default:
      return FALSE;
    }
  if (open && gtk_tree_list_row_is_expandable (row))
    {
      gtk_tree_list_row_set_expanded (row, TRUE);
      return TRUE;
    }
  if (close && gtk_tree_list_row_get_expanded (row))
    {
      gtk_tree_list_row_set_expanded (row, FALSE);
      return TRUE;
    }
  g_autoptr (GtkTreeListRow) parent = close ? gtk_tree_list_row_get_parent (row) : NULL;
  if (parent == NULL)
    return FALSE;
  select_position (self, position_of (self, parent));
  return TRUE;
}

static void
add_columns (CrSummaryTable *self)
{
  for (int c = 0; c < CR_SUMMARY_N_COLUMNS; c++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      gboolean name = c == CR_SUMMARY_COLUMN_NAME;
      g_signal_connect (factory, "setup", G_CALLBACK (name ? setup_name_cell : setup_number_cell),
                        NULL);
      g_signal_connect (factory, "bind", G_CALLBACK (name ? bind_name_cell : bind_number_cell),
                        GINT_TO_POINTER (c));
      g_autoptr (GtkColumnViewColumn) column = gtk_column_view_column_new (column_titles[c],
                                                                           factory);
      g_autoptr (GtkCustomSorter) sorter = gtk_custom_sorter_new (compare_rows, GINT_TO_POINTER (c),
                                                                  NULL);
      gtk_column_view_column_set_sorter (column, GTK_SORTER (sorter));
      gtk_column_view_append_column (self->view, column);
    }
}

/* Returns: (transfer full) the open (GROUP_OPEN) or closed (GROUP_CLOSED) state of every group
 * on show, by variable name. */
static GHashTable *
group_states (CrSummaryTable *self)
{
  GHashTable *states = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (self->tree == NULL)
    return states;
  GListModel *root = gtk_tree_list_model_get_model (self->tree);
  for (guint i = 0; i < g_list_model_get_n_items (root); i++)
    {
      g_autoptr (GtkTreeListRow) list_row = gtk_tree_list_model_get_child_row (self->tree, i);
      g_autoptr (CrSummaryRow) row = CR_SUMMARY_ROW (gtk_tree_list_row_get_item (list_row));
      int state = gtk_tree_list_row_get_expanded (list_row) ? GROUP_OPEN : GROUP_CLOSED;
      if (row->is_group)
        g_hash_table_insert (states, g_strdup (row->name), GINT_TO_POINTER (state));
    }
  return states;
}

static void
clear_model (CrSummaryTable *self)
{
  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  if (self->view != NULL)
    gtk_column_view_set_model (self->view, NULL);
  g_clear_object (&self->selection);
  g_clear_object (&self->selected_row);
  g_clear_object (&self->selected_group);
  g_clear_object (&self->tree);
  self->n_quantities = 0;
}

/* Opens the groups as the header comment says: as they were in the previous summary
 * (@previous), or by the default rule. */
static void
open_groups (CrSummaryTable *self, GHashTable *previous)
{
  gboolean open_by_default = self->n_quantities <= CR_SUMMARY_TABLE_EXPAND_MAX;
  GListModel *root = gtk_tree_list_model_get_model (self->tree);
  for (guint i = 0; i < g_list_model_get_n_items (root); i++)
    {
      g_autoptr (GtkTreeListRow) list_row = gtk_tree_list_model_get_child_row (self->tree, i);
      g_autoptr (CrSummaryRow) row = CR_SUMMARY_ROW (gtk_tree_list_row_get_item (list_row));
      if (!row->is_group)
        continue;
      int state = GPOINTER_TO_INT (g_hash_table_lookup (previous, row->name));
      gtk_tree_list_row_set_expanded (list_row, state != 0 ? state == GROUP_OPEN : open_by_default);
    }
}

static void
show_summary (CrSummaryTable *self, const CrSampleSummary *summary, GHashTable *previous)
{
  SummaryCopy *copy = summary_copy_new (summary);
  GListStore *root = g_list_store_new (CR_TYPE_SUMMARY_ROW);
  copy->n_groups = add_top_rows (copy, root);
  copy->children = g_new0 (GListModel *, MAX (copy->n_groups, 1));
  self->n_quantities = copy->n_quantities;
  self->tree = gtk_tree_list_model_new (G_LIST_MODEL (root), FALSE, FALSE, create_children, copy,
                                        summary_copy_release);
  /* Opened before sorting: one sort of the whole, not one per group. */
  open_groups (self, previous);
  GtkSorter *column_sorter = gtk_column_view_get_sorter (self->view);
  GtkTreeListRowSorter *row_sorter =
      gtk_tree_list_row_sorter_new (column_sorter != NULL ? g_object_ref (column_sorter) : NULL);
  GtkSortListModel *sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->tree)),
                                                      GTK_SORTER (row_sorter));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (sorted));
  g_signal_connect_swapped (self->selection, "selection-changed",
                            G_CALLBACK (on_selection_changed), self);
  g_signal_connect_swapped (self->selection, "notify::selected",
                            G_CALLBACK (on_selection_changed), self);
  gtk_column_view_set_model (self->view, GTK_SELECTION_MODEL (self->selection));
  /* The first row is selected already (autoselect); set_summary () announces it. */
  self->selected_row = selected_list_row (self);
  if (self->selected_row != NULL)
    self->selected_group = gtk_tree_list_row_get_parent (self->selected_row);
}

static void
cr_summary_table_dispose (GObject *object)
{
  CrSummaryTable *self = CR_SUMMARY_TABLE (object);
  clear_model (self);
  self->view = NULL;
  g_clear_pointer (&self->scroller, gtk_widget_unparent);
  G_OBJECT_CLASS (cr_summary_table_parent_class)->dispose (object);
}

static void
cr_summary_table_class_init (CrSummaryTableClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = cr_summary_table_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "crsummarytable");

  signals[SIGNAL_SELECTION_CHANGED] = g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass),
                                                    G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                    G_TYPE_NONE, 0);
}

static void
cr_summary_table_init (CrSummaryTable *self)
{
  self->view = GTK_COLUMN_VIEW (gtk_column_view_new (NULL));
  gtk_column_view_set_show_row_separators (self->view, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->view), "data-table");
  add_columns (self);
  /* Capture: the list underneath would take Left and Right for moving across. */
  GtkEventController *keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_name (keys, "cr-summary-table-keys");
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->view), keys);

  self->scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), GTK_WIDGET (self->view));
  gtk_widget_set_parent (self->scroller, GTK_WIDGET (self));
}

GtkWidget *
cr_summary_table_new (void)
{
  return g_object_new (CR_TYPE_SUMMARY_TABLE, NULL);
}

void
cr_summary_table_set_summary (CrSummaryTable *table, const CrSampleSummary *summary)
{
  g_return_if_fail (CR_IS_SUMMARY_TABLE (table));
  g_autoptr (GHashTable) previous = group_states (table);
  clear_model (table);
  if (summary != NULL && summary->n_quantities > 0)
    show_summary (table, summary, previous);
  g_signal_emit (table, signals[SIGNAL_SELECTION_CHANGED], 0);
}

gboolean
cr_summary_table_get_selection (CrSummaryTable *table, size_t *first, size_t *count)
{
  g_return_val_if_fail (CR_IS_SUMMARY_TABLE (table), FALSE);
  g_autoptr (GtkTreeListRow) list_row = selected_list_row (table);
  if (list_row == NULL)
    return FALSE;
  g_autoptr (CrSummaryRow) row = CR_SUMMARY_ROW (gtk_tree_list_row_get_item (list_row));
  if (first != NULL)
    *first = row->first;
  if (count != NULL)
    *count = row->count;
  return TRUE;
}

void
cr_summary_table_select (CrSummaryTable *table, size_t quantity)
{
  g_return_if_fail (CR_IS_SUMMARY_TABLE (table));
  g_return_if_fail (quantity < table->n_quantities);
  /* The top-level row holding @quantity: rows are in the model's order, by first quantity. */
  GListModel *root = gtk_tree_list_model_get_model (table->tree);
  guint low = 0, high = g_list_model_get_n_items (root);
  while (high - low > 1)
    {
      guint middle = low + (high - low) / 2;
      g_autoptr (CrSummaryRow) row = g_list_model_get_item (root, middle);
      if (row->first <= quantity)
        low = middle;
      else
        high = middle;
    }
  g_autoptr (GtkTreeListRow) top = gtk_tree_list_model_get_child_row (table->tree, low);
  g_autoptr (CrSummaryRow) top_row = CR_SUMMARY_ROW (gtk_tree_list_row_get_item (top));
  g_autoptr (GtkTreeListRow) target = NULL;
  if (top_row->is_group)
    {
      gtk_tree_list_row_set_expanded (top, TRUE);
      target = gtk_tree_list_row_get_child_row (top, quantity - top_row->first);
    }
  else
    target = g_object_ref (top);
  select_position (table, position_of (table, target));
}

GtkColumnView *
cr_summary_table_get_view (CrSummaryTable *table)
{
  g_return_val_if_fail (CR_IS_SUMMARY_TABLE (table), NULL);
  return table->view;
}

guint
cr_summary_table_get_n_rows (CrSummaryTable *table)
{
  g_return_val_if_fail (CR_IS_SUMMARY_TABLE (table), 0);
  return table->selection != NULL ? g_list_model_get_n_items (G_LIST_MODEL (table->selection)) : 0;
}

gboolean
cr_summary_table_get_row (CrSummaryTable *table, guint position, size_t *first, size_t *count,
                          gboolean *is_group, gboolean *expanded)
{
  g_return_val_if_fail (CR_IS_SUMMARY_TABLE (table), FALSE);
  g_autoptr (GtkTreeListRow) list_row = list_row_at (table, position);
  if (list_row == NULL)
    return FALSE;
  g_autoptr (CrSummaryRow) row = CR_SUMMARY_ROW (gtk_tree_list_row_get_item (list_row));
  if (first != NULL)
    *first = row->first;
  if (count != NULL)
    *count = row->count;
  if (is_group != NULL)
    *is_group = row->is_group;
  if (expanded != NULL)
    *expanded = gtk_tree_list_row_get_expanded (list_row);
  return TRUE;
}

char *
cr_summary_table_get_cell_text (CrSummaryTable *table, guint position, CrSummaryColumn column)
{
  g_return_val_if_fail (CR_IS_SUMMARY_TABLE (table), NULL);
  g_return_val_if_fail (column < CR_SUMMARY_N_COLUMNS, NULL);
  g_autoptr (CrSummaryRow) row = row_at (table, position);
  return row != NULL ? format_cell (row, column) : NULL;
}

CrVerdictLevel
cr_summary_table_get_row_level (CrSummaryTable *table, guint position)
{
  g_return_val_if_fail (CR_IS_SUMMARY_TABLE (table), CR_VERDICT_OK);
  g_autoptr (CrSummaryRow) row = row_at (table, position);
  return row != NULL ? row->level : CR_VERDICT_OK;
}
