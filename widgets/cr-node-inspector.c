/* cr-node-inspector.c: the inspector of the model builder's selected node. */
#include "cr-node-inspector.h"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

struct _CrNodeInspector
{
  GtkBox parent_instance;

  GtkStack *stack;
  AdwStatusPage *empty_page;
  GtkBox *rows_box;         /* the groups of the node shown, rebuilt by each show () */
  GHashTable *rows;         /* key -> (transfer none) row widget */
  char *node;               /* the node shown, or NULL */
  gboolean updating;        /* show () is filling rows: their changes are not edits */
  GtkStringList *dist_names; /* every distribution, in the registry's order */
};

G_DEFINE_FINAL_TYPE (CrNodeInspector, cr_node_inspector, GTK_TYPE_BOX)

enum
{
  SIGNAL_EDIT_REQUESTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
request (CrNodeInspector *self, CrInspectorEdit edit, const char *key, const char *text)
{
  if (self->updating || self->node == NULL)
    return;
  /* The handler may show another model, which frees self->node. */
  g_autofree char *node = g_strdup (self->node);
  g_signal_emit (self, signals[SIGNAL_EDIT_REQUESTED], 0, edit, node, key, text);
}

/* Entry rows: the key and the edit each one makes. */

static GQuark key_quark, edit_quark;

static void
entry_applied (AdwEntryRow *row, CrNodeInspector *self)
{
  const char *key = g_object_get_qdata (G_OBJECT (row), key_quark);
  CrInspectorEdit edit = GPOINTER_TO_INT (g_object_get_qdata (G_OBJECT (row), edit_quark));
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
  request (self, edit, edit == CR_INSPECTOR_SET_ARGUMENT ? key : NULL, text);
}

static GtkWidget *
add_entry_row (CrNodeInspector *self,
               AdwPreferencesGroup *group,
               const char *key,
               const char *title,
               CrInspectorEdit edit,
               const char *text)
{
  GtkWidget *row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (row), TRUE);
  gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
  g_object_set_qdata_full (G_OBJECT (row), key_quark, g_strdup (key), g_free);
  g_object_set_qdata (G_OBJECT (row), edit_quark, GINT_TO_POINTER (edit));
  g_signal_connect_object (row, "apply", G_CALLBACK (entry_applied), self, 0);
  g_signal_connect_object (row, "entry-activated", G_CALLBACK (entry_applied), self, 0);
  adw_preferences_group_add (group, row);
  g_hash_table_insert (self->rows, g_strdup (key), row);
  return row;
}

/* The names a person can put into an argument: the model's variables and the columns. */
static void
name_picked (GtkButton *button, AdwEntryRow *row)
{
  const char *name = gtk_button_get_label (button);
  gtk_editable_set_text (GTK_EDITABLE (row), name);
  GtkWidget *popover = gtk_widget_get_ancestor (GTK_WIDGET (button), GTK_TYPE_POPOVER);
  if (popover != NULL)
    gtk_popover_popdown (GTK_POPOVER (popover));
  g_signal_emit_by_name (row, "apply");
}

static void
add_name_menu (AdwEntryRow *row, const char *const *names)
{
  if (names == NULL || names[0] == NULL)
    return;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  for (guint i = 0; names[i] != NULL; i++)
    {
      GtkWidget *button = gtk_button_new_with_label (names[i]);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_halign (gtk_button_get_child (GTK_BUTTON (button)), GTK_ALIGN_START);
      g_signal_connect_object (button, "clicked", G_CALLBACK (name_picked), row, 0);
      gtk_box_append (GTK_BOX (box), button);
    }
  GtkWidget *scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 300);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), box);
  GtkWidget *popover = gtk_popover_new ();
  gtk_popover_set_child (GTK_POPOVER (popover), scroller);
  GtkWidget *menu = gtk_menu_button_new ();
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (menu), "view-list-symbolic");
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (menu), popover);
  gtk_widget_set_valign (menu, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (menu, "flat");
  gtk_widget_set_tooltip_text (menu, _("Use a variable or a data column"));
  adw_entry_row_add_suffix (row, menu);
}

static void
distribution_selected (AdwComboRow *row, GParamSpec *pspec, CrNodeInspector *self)
{
  guint selected = adw_combo_row_get_selected (row);
  if (selected == GTK_INVALID_LIST_POSITION)
    return;
  request (self, CR_INSPECTOR_SET_DISTRIBUTION, NULL,
           gtk_string_list_get_string (self->dist_names, selected));
}

static void
observed_selected (AdwComboRow *row, GParamSpec *pspec, CrNodeInspector *self)
{
  guint selected = adw_combo_row_get_selected (row);
  GListModel *model = adw_combo_row_get_model (row);
  if (selected == GTK_INVALID_LIST_POSITION || model == NULL)
    return;
  /* The first choice is "none": a parameter. */
  request (self, CR_INSPECTOR_SET_OBSERVED, NULL,
           selected == 0 ? "" : gtk_string_list_get_string (GTK_STRING_LIST (model), selected));
}

static void
remove_clicked (CrNodeInspector *self)
{
  request (self, CR_INSPECTOR_REMOVE, NULL, NULL);
}

/* Reading the node's statement */

static const CrStatement *
find_statement (const CrProgram *program, const char *name)
{
  const CrStatement *found = NULL;
  for (guint i = 0; i < program->statements->len; i++)
    {
      const CrStatement *statement = g_ptr_array_index (program->statements, i);
      if (strcmp (statement->name, name) == 0 && (found == NULL || statement->kind == CR_STATEMENT_STOCHASTIC))
        found = statement;
    }
  return found;
}

/* The argument given for parameter @k of @dist: by keyword, or the k-th positional one. */
static const CrExpr *
find_argument (const CrCall *call, const CrDistribution *dist, guint k)
{
  guint positional = 0;
  for (guint i = 0; i < call->arguments->len; i++)
    {
      const CrArgument *argument = g_ptr_array_index (call->arguments, i);
      if (argument->keyword != NULL ? strcmp (argument->keyword, dist->arg_names[k]) == 0 : positional++ == k)
        return argument->value;
    }
  return NULL;
}

static const CrExpr *
find_keyword (const CrCall *call, const char *keyword)
{
  gssize index = cr_call_find_argument (call, keyword);
  return index >= 0 ? ((const CrArgument *) g_ptr_array_index (call->arguments, index))->value : NULL;
}

static char *
print_or_null (const CrExpr *expr)
{
  return expr != NULL ? cr_lang_print_expr (expr) : NULL;
}

/* The names an argument can refer to: every statement but @name itself, then the columns. */
static char **
usable_names (const CrModel *model, const char *name)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  const CrProgram *program = cr_model_get_program (model);
  for (guint i = 0; i < program->statements->len; i++)
    {
      const CrStatement *statement = g_ptr_array_index (program->statements, i);
      if (strcmp (statement->name, name) != 0)
        g_strv_builder_add (builder, statement->name);
    }
  const CrDataset *dataset = cr_model_get_dataset (model);
  for (size_t i = 0; dataset != NULL && i < cr_dataset_get_n_columns (dataset); i++)
    if (find_statement (program, cr_dataset_get_column (dataset, i)->name) == NULL)
      g_strv_builder_add (builder, cr_dataset_get_column (dataset, i)->name);
  return g_strv_builder_end (builder);
}

static const char *
kind_text (const CrStatement *statement, gboolean observed)
{
  switch (statement->kind)
    {
    case CR_STATEMENT_STOCHASTIC:
      return observed ? _("Likelihood: observed data") : _("Parameter: sampled");
    case CR_STATEMENT_DETERMINISTIC:
      return _("Deterministic: computed and kept in the trace");
    case CR_STATEMENT_LOCAL:
      return _("Local: computed, not kept");
    case CR_STATEMENT_DATA:
    default:
      return _("Data constant");
    }
}

static char *
shape_text (CrShape shape)
{
  switch (shape.rank)
    {
    case 0:
      return g_strdup (_("scalar"));
    case 1:
      return g_strdup_printf (_("vector of %zu"), shape.rows);
    default:
      return g_strdup_printf (_("%zu × %zu matrix"), shape.rows, shape.cols);
    }
}

static AdwPreferencesGroup *
add_group (CrNodeInspector *self, const char *title)
{
  GtkWidget *group = adw_preferences_group_new ();
  if (title != NULL)
    adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  gtk_box_append (self->rows_box, group);
  return ADW_PREFERENCES_GROUP (group);
}

static void
add_info_row (AdwPreferencesGroup *group, const char *title, const char *text)
{
  GtkWidget *row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), text);
  gtk_widget_add_css_class (row, "property");
  adw_preferences_group_add (group, row);
}

/* The errors whose line is the statement's. */
static void
add_errors (CrNodeInspector *self, const CrStatement *statement, GPtrArray *diagnostics)
{
  AdwPreferencesGroup *group = NULL;
  for (guint i = 0; diagnostics != NULL && i < diagnostics->len; i++)
    {
      const CrModelDiagnostic *diagnostic = g_ptr_array_index (diagnostics, i);
      if (diagnostic->line < statement->location.line || diagnostic->line > statement->location.end_line)
        continue;
      if (group == NULL)
        group = add_group (self, _("Errors"));
      GtkWidget *label = gtk_label_new (diagnostic->message);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 0.0);
      gtk_widget_add_css_class (label, "error");
      adw_preferences_group_add (group, label);
    }
}

static void
add_stochastic_rows (CrNodeInspector *self, const CrModel *model, const CrStatement *statement, char **names)
{
  const CrCall *call = statement->distribution;
  const CrDataset *dataset = cr_model_get_dataset (model);
  AdwPreferencesGroup *group = add_group (self, _("Distribution"));

  GtkWidget *dist_row = adw_combo_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (dist_row), _("Distribution"));
  adw_combo_row_set_model (ADW_COMBO_ROW (dist_row), G_LIST_MODEL (self->dist_names));
  guint n_dists = g_list_model_get_n_items (G_LIST_MODEL (self->dist_names));
  adw_combo_row_set_selected (ADW_COMBO_ROW (dist_row), GTK_INVALID_LIST_POSITION);
  for (guint i = 0; i < n_dists; i++)
    if (strcmp (gtk_string_list_get_string (self->dist_names, i), call->name) == 0)
      adw_combo_row_set_selected (ADW_COMBO_ROW (dist_row), i);
  g_signal_connect_object (dist_row, "notify::selected", G_CALLBACK (distribution_selected), self, 0);
  adw_preferences_group_add (group, dist_row);
  g_hash_table_insert (self->rows, g_strdup ("distribution"), dist_row);

  g_autofree char *size = print_or_null (statement->size);
  GtkWidget *size_row = add_entry_row (self, group, "size", _("Size (empty for one value)"), CR_INSPECTOR_SET_SIZE, size);
  add_name_menu (ADW_ENTRY_ROW (size_row), (const char *const *) names);

  /* Observed: by keyword, or by having a column's name. */
  const CrExpr *observed = find_keyword (call, "observed");
  const char *observed_column = observed != NULL && observed->kind == CR_EXPR_NAME ? observed->name : NULL;
  gboolean named_like_column = dataset != NULL && cr_dataset_find_column (dataset, statement->name) != NULL;
  if (dataset != NULL && cr_dataset_get_n_columns (dataset) > 0)
    {
      GtkStringList *columns = gtk_string_list_new (NULL);
      gtk_string_list_append (columns, _("None: a parameter"));
      guint selected = 0;
      for (size_t i = 0; i < cr_dataset_get_n_columns (dataset); i++)
        {
          const char *column = cr_dataset_get_column (dataset, i)->name;
          gtk_string_list_append (columns, column);
          if (g_strcmp0 (column, observed_column) == 0 || (observed_column == NULL && named_like_column && strcmp (column, statement->name) == 0))
            selected = (guint) i + 1;
        }
      GtkWidget *observed_row = adw_combo_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (observed_row), _("Observed data"));
      adw_combo_row_set_model (ADW_COMBO_ROW (observed_row), G_LIST_MODEL (columns));
      g_object_unref (columns);
      adw_combo_row_set_selected (ADW_COMBO_ROW (observed_row), selected);
      /* A variable named as a column observes it; renaming it is how that changes. */
      if (named_like_column)
        {
          gtk_widget_set_sensitive (observed_row, FALSE);
          adw_action_row_set_subtitle (ADW_ACTION_ROW (observed_row), _("The column of the same name"));
        }
      g_signal_connect_object (observed_row, "notify::selected", G_CALLBACK (observed_selected), self, 0);
      adw_preferences_group_add (group, observed_row);
      g_hash_table_insert (self->rows, g_strdup ("observed"), observed_row);
    }

  const CrDistribution *dist = cr_dist_lookup (call->name);
  if (dist == NULL)
    return;
  AdwPreferencesGroup *arguments = add_group (self, _("Arguments"));
  g_autofree char *signature = cr_dist_signature (dist);
  adw_preferences_group_set_description (arguments, signature);
  for (guint k = 0; k < dist->n_args; k++)
    {
      g_autofree char *text = print_or_null (find_argument (call, dist, k));
      GtkWidget *row = add_entry_row (self, arguments, dist->arg_names[k], dist->arg_names[k], CR_INSPECTOR_SET_ARGUMENT, text);
      add_name_menu (ADW_ENTRY_ROW (row), (const char *const *) names);
    }
}

static void
show_empty (CrNodeInspector *self)
{
  g_clear_pointer (&self->node, g_free);
  gtk_stack_set_visible_child (self->stack, GTK_WIDGET (self->empty_page));
}

void
cr_node_inspector_show (CrNodeInspector *inspector, const CrModel *model, const char *name, GPtrArray *diagnostics)
{
  g_return_if_fail (CR_IS_NODE_INSPECTOR (inspector));
  CrNodeInspector *self = inspector;
  self->updating = TRUE;
  g_hash_table_remove_all (self->rows);
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->rows_box))) != NULL)
    gtk_box_remove (self->rows_box, child);

  const CrStatement *statement = model != NULL && name != NULL ? find_statement (cr_model_get_program (model), name) : NULL;
  if (statement == NULL)
    {
      show_empty (self);
      self->updating = FALSE;
      return;
    }
  g_free (self->node);
  self->node = g_strdup (name);
  g_auto (GStrv) names = usable_names (model, name);

  AdwPreferencesGroup *group = add_group (self, NULL);
  add_entry_row (self, group, "name", _("Name"), CR_INSPECTOR_RENAME, statement->name);
  const CrDataset *dataset = cr_model_get_dataset (model);
  gboolean observed = statement->kind == CR_STATEMENT_STOCHASTIC
                      && (find_keyword (statement->distribution, "observed") != NULL
                          || (dataset != NULL && cr_dataset_find_column (dataset, statement->name) != NULL));
  add_info_row (group, _("Kind"), kind_text (statement, observed));
  if (cr_model_is_valid (model))
    {
      const CrNode *node = cr_model_find_node (model, name);
      if (node != NULL)
        {
          g_autofree char *shape = shape_text (node->shape);
          add_info_row (group, _("Shape"), shape);
          if (node->kind == CR_NODE_FREE)
            {
              g_autofree char *support = cr_model_describe_support (model, node);
              add_info_row (group, _("Support"), support);
            }
        }
    }

  if (statement->kind == CR_STATEMENT_STOCHASTIC)
    add_stochastic_rows (self, model, statement, names);
  else
    {
      AdwPreferencesGroup *value_group = add_group (self, _("Value"));
      g_autofree char *value = print_or_null (statement->value);
      GtkWidget *row = add_entry_row (self, value_group, "value", _("Expression"), CR_INSPECTOR_SET_VALUE, value);
      add_name_menu (ADW_ENTRY_ROW (row), (const char *const *) names);
    }
  add_errors (self, statement, diagnostics);

  GtkWidget *remove = gtk_button_new_with_mnemonic (_("_Remove From Model"));
  gtk_widget_add_css_class (remove, "destructive-action");
  gtk_widget_set_halign (remove, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (remove, _("Remove this node (Delete on the canvas)"));
  g_signal_connect_object (remove, "clicked", G_CALLBACK (remove_clicked), self, G_CONNECT_SWAPPED);
  gtk_box_append (self->rows_box, remove);

  gtk_stack_set_visible_child_name (self->stack, "node");
  self->updating = FALSE;
}

const char *
cr_node_inspector_get_node (CrNodeInspector *inspector)
{
  g_return_val_if_fail (CR_IS_NODE_INSPECTOR (inspector), NULL);
  return inspector->node;
}

GtkWidget *
cr_node_inspector_get_row (CrNodeInspector *inspector, const char *key)
{
  g_return_val_if_fail (CR_IS_NODE_INSPECTOR (inspector), NULL);
  return g_hash_table_lookup (inspector->rows, key);
}

gboolean
cr_node_inspector_apply (CrNodeInspector *inspector, const char *key)
{
  g_return_val_if_fail (CR_IS_NODE_INSPECTOR (inspector), FALSE);
  GtkWidget *row = g_hash_table_lookup (inspector->rows, key);
  if (row == NULL || !ADW_IS_ENTRY_ROW (row))
    return FALSE;
  entry_applied (ADW_ENTRY_ROW (row), inspector);
  return TRUE;
}

static void
cr_node_inspector_dispose (GObject *object)
{
  CrNodeInspector *self = CR_NODE_INSPECTOR (object);
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_box_remove (GTK_BOX (self), child);
  g_clear_pointer (&self->rows, g_hash_table_unref);
  g_clear_object (&self->dist_names);
  G_OBJECT_CLASS (cr_node_inspector_parent_class)->dispose (object);
}

static void
cr_node_inspector_finalize (GObject *object)
{
  CrNodeInspector *self = CR_NODE_INSPECTOR (object);
  g_free (self->node);
  G_OBJECT_CLASS (cr_node_inspector_parent_class)->finalize (object);
}

static void
cr_node_inspector_class_init (CrNodeInspectorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->dispose = cr_node_inspector_dispose;
  object_class->finalize = cr_node_inspector_finalize;
  key_quark = g_quark_from_static_string ("cr-inspector-key");
  edit_quark = g_quark_from_static_string ("cr-inspector-edit");

  signals[SIGNAL_EDIT_REQUESTED]
      = g_signal_new ("edit-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 4, G_TYPE_INT, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                      G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
cr_node_inspector_init (CrNodeInspector *self)
{
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_widget_add_css_class (GTK_WIDGET (self), "node-inspector");
  self->rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->dist_names = gtk_string_list_new (NULL);
  size_t n = 0;
  const CrDistribution *const *all = cr_dist_all (&n);
  for (size_t i = 0; i < n; i++)
    gtk_string_list_append (self->dist_names, all[i]->name);

  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->stack), TRUE);
  self->empty_page = ADW_STATUS_PAGE (adw_status_page_new ());
  adw_status_page_set_icon_name (self->empty_page, "document-edit-symbolic");
  adw_status_page_set_title (self->empty_page, _("No Node Selected"));
  adw_status_page_set_description (self->empty_page,
                                   _("Select a node on the canvas to change its name, distribution, size and arguments."));
  gtk_widget_add_css_class (GTK_WIDGET (self->empty_page), "compact");
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->empty_page), "empty");

  self->rows_box = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 18));
  gtk_widget_set_margin_start (GTK_WIDGET (self->rows_box), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->rows_box), 12);
  gtk_widget_set_margin_top (GTK_WIDGET (self->rows_box), 12);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->rows_box), 12);
  GtkWidget *scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->rows_box));
  gtk_stack_add_named (self->stack, scroller, "node");
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->stack));
  show_empty (self);
}

GtkWidget *
cr_node_inspector_new (void)
{
  return g_object_new (CR_TYPE_NODE_INSPECTOR, NULL);
}
