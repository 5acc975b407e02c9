/* cr-model-builder.c: the Model view: palette, canvas, code and inspector over one text. */
#include "cr-model-builder.h"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

/* The palette's and the inspector's natural widths. */
#define SIDE_WIDTH 280

struct _CrModelBuilder
{
  GtkBox parent_instance;

  CrModelPalette *palette;
  CrModelCanvas *canvas;
  CrModelEditor *editor;
  CrNodeInspector *inspector;
  GtkRevealer *stale_revealer; /* "the graph shows the last model that parsed" */
  const CrDataset *dataset;
  gboolean loading; /* load () is placing a stored model: its positions are not changes */
};

G_DEFINE_FINAL_TYPE (CrModelBuilder, cr_model_builder, GTK_TYPE_BOX)

enum
{
  SIGNAL_LAYOUT_CHANGED,
  SIGNAL_TEMPLATE_REQUESTED,
  SIGNAL_EDIT_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Expressions typed into the inspector, parsed by the language's own parser. */

/* Parses "@text" as the arguments of a call ("0, 1"; "" is none). Returns: (transfer full)
 * (element-type CrExpr) the expressions, or NULL with @error naming the text. */
static GPtrArray *
parse_arguments (const char *text, GError **error)
{
  g_autofree char *source = g_strdup_printf ("arguments = f(%s)\n", text);
  g_autoptr (GError) parse_error = NULL;
  g_autoptr (CrProgram) program = cr_lang_parse (source, -1, NULL, NULL, &parse_error);
  const CrStatement *statement = program != NULL && program->statements->len == 1
                                     ? g_ptr_array_index (program->statements, 0)
                                     : NULL;
  if (statement == NULL || statement->value == NULL || statement->value->kind != CR_EXPR_CALL)
    {
      g_set_error (error, CR_MODEL_ERROR, CR_MODEL_ERROR_SYNTAX,
                   _("'%s' is not an expression: write a number, a name, or a formula such as a + b * x"), text);
      return NULL;
    }
  GPtrArray *arguments = g_ptr_array_new_with_free_func ((GDestroyNotify) cr_expr_free);
  const CrCall *call = statement->value->call;
  for (guint i = 0; i < call->arguments->len; i++)
    {
      const CrArgument *argument = g_ptr_array_index (call->arguments, i);
      g_ptr_array_add (arguments, cr_expr_copy (argument->value));
    }
  return arguments;
}

/* Parses one expression. Returns: (transfer full) it, or NULL with @error. */
static CrExpr *
parse_expression (const char *text, GError **error)
{
  g_autoptr (GPtrArray) arguments = parse_arguments (text, error);
  if (arguments == NULL)
    return NULL;
  if (arguments->len != 1)
    {
      g_set_error (error, CR_MODEL_ERROR, CR_MODEL_ERROR_SYNTAX,
                   _("'%s' is not one expression: write a number, a name, or a formula such as a + b * x"), text);
      return NULL;
    }
  return g_ptr_array_steal_index (arguments, 0);
}

/* Editing through the engine */

/* The model of the text as it is now, to be edited. Returns: NULL with @error when the text
 * does not parse: a graph edit would lose what was typed. */
static CrModel *
model_to_edit (CrModelBuilder *self, GError **error)
{
  g_autofree char *text = cr_model_editor_get_text (self->editor);
  CrModel *model = cr_model_new_from_text (text, self->dataset, NULL, NULL, NULL);
  if (model == NULL)
    g_set_error_literal (error, CR_MODEL_ERROR, CR_MODEL_ERROR_SYNTAX,
                         _("The model text has a syntax error: fix it in the code first, then edit the graph"));
  return model;
}

/* Prints @model back into the code pane as one undoable edit. */
static void
apply_model (CrModelBuilder *self, const CrModel *model)
{
  g_autofree char *text = cr_lang_print (cr_model_get_program (model));
  cr_model_editor_apply_edit (self->editor, text);
}

static gboolean
program_defines (const CrModel *model, const char *name)
{
  const CrProgram *program = cr_model_get_program (model);
  for (guint i = 0; i < program->statements->len; i++)
    if (strcmp (((const CrStatement *) g_ptr_array_index (program->statements, i))->name, name) == 0)
      return TRUE;
  return FALSE;
}

/* @base, or @base2, @base3, ...: the first name neither the program nor the data uses. */
static char *
fresh_name (const CrModel *model, const CrDataset *dataset, const char *base)
{
  for (guint i = 1;; i++)
    {
      char *name = i == 1 ? g_strdup (base) : g_strdup_printf ("%s%u", base, i);
      if (!program_defines (model, name) && (dataset == NULL || cr_dataset_find_column (dataset, name) == NULL))
        return name;
      g_free (name);
    }
}

/* What a new prior is called: the role its distribution usually plays. */
static const char *
prior_base_name (const CrDistribution *dist)
{
  static const struct
  {
    const char *dist;
    const char *name;
  } names[] = {
    { "HalfNormal", "sigma" }, { "HalfStudentT", "sigma" }, { "HalfCauchy", "sigma" }, { "Exponential", "sigma" },
    { "Gamma", "lambda" },     { "InverseGamma", "ell" },   { "Beta", "p" },          { "Dirichlet", "w" },
    { "LKJCholeskyCorr", "L_corr" }, { "GaussianRandomWalk", "walk" },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (names); i++)
    if (strcmp (names[i].dist, dist->name) == 0)
      return names[i].name;
  return "theta";
}

/* The column a new likelihood observes: the last one that no statement defines yet. */
static const char *
unmodelled_column (const CrModel *model, const CrDataset *dataset)
{
  for (size_t i = dataset != NULL ? cr_dataset_get_n_columns (dataset) : 0; i > 0; i--)
    {
      const CrColumn *column = cr_dataset_get_column (dataset, i - 1);
      if (column->type != CR_COLUMN_CATEGORICAL && !program_defines (model, column->name))
        return column->name;
    }
  return NULL;
}

static gboolean
add_stochastic (CrModel *model, const char *name, const char *dist_name, GError **error)
{
  const char *defaults = cr_model_palette_default_arguments (dist_name);
  g_autoptr (GPtrArray) arguments = parse_arguments (defaults != NULL ? defaults : "", error);
  if (arguments == NULL)
    return FALSE;
  guint n = arguments->len;
  CrExpr **expressions = (CrExpr **) g_ptr_array_steal (arguments, NULL);
  gboolean added = cr_model_add_stochastic (model, name, NULL, dist_name, expressions, n, error);
  g_free (expressions);
  return added;
}

char *
cr_model_builder_add_node (CrModelBuilder *builder, CrPaletteGroup group, const char *id, GError **error)
{
  g_return_val_if_fail (CR_IS_MODEL_BUILDER (builder), NULL);
  g_return_val_if_fail (id != NULL, NULL);
  CrModelBuilder *self = builder;
  g_autoptr (CrModel) model = model_to_edit (self, error);
  if (model == NULL)
    return NULL;

  g_autofree char *name = NULL;
  gboolean added = FALSE;
  const CrDistribution *dist = cr_dist_lookup (id);
  switch (group)
    {
    case CR_PALETTE_PRIOR:
      g_return_val_if_fail (dist != NULL, NULL);
      name = fresh_name (model, self->dataset, prior_base_name (dist));
      added = add_stochastic (model, name, id, error);
      break;
    case CR_PALETTE_LIKELIHOOD:
    case CR_PALETTE_DATA:
      {
        const char *column = group == CR_PALETTE_DATA ? id : unmodelled_column (model, self->dataset);
        const char *dist_name = group == CR_PALETTE_DATA ? "Normal" : id;
        if (column == NULL)
          {
            g_set_error_literal (error, CR_MODEL_ERROR, CR_MODEL_ERROR_DATA,
                                 self->dataset == NULL
                                     ? _("A likelihood needs data to observe: open a CSV table first")
                                     : _("Every numeric column is modelled already: pick a column in the Observed data row of a node instead"));
            return NULL;
          }
        if (program_defines (model, column))
          {
            g_set_error (error, CR_MODEL_ERROR, CR_MODEL_ERROR_NAME,
                         _("'%s' is modelled already: select its node to change it"), column);
            return NULL;
          }
        name = g_strdup (column);
        added = add_stochastic (model, name, dist_name, error);
        break;
      }
    case CR_PALETTE_COMPUTED:
      {
        gboolean local = strcmp (id, "local") == 0;
        name = fresh_name (model, self->dataset, local ? "eta" : "derived");
        added = cr_model_add_assignment (model, local ? CR_STATEMENT_LOCAL : CR_STATEMENT_DETERMINISTIC, name,
                                         cr_expr_new_number (0), error);
        break;
      }
    case CR_PALETTE_TEMPLATE:
    default:
      g_set_error (error, CR_MODEL_ERROR, CR_MODEL_ERROR_NAME, _("'%s' is not a node of a model"), id);
      return NULL;
    }
  if (!added)
    return NULL;
  apply_model (self, model);
  cr_model_canvas_select (self->canvas, name);
  return g_steal_pointer (&name);
}

gboolean
cr_model_builder_edit (CrModelBuilder *builder,
                       CrInspectorEdit edit,
                       const char *node,
                       const char *key,
                       const char *text,
                       GError **error)
{
  g_return_val_if_fail (CR_IS_MODEL_BUILDER (builder), FALSE);
  g_return_val_if_fail (node != NULL, FALSE);
  CrModelBuilder *self = builder;
  g_autoptr (CrModel) model = model_to_edit (self, error);
  if (model == NULL)
    return FALSE;
  const char *value = text != NULL ? text : "";
  gboolean done = FALSE;
  const char *selected = node;
  switch (edit)
    {
    case CR_INSPECTOR_RENAME:
      done = strcmp (node, value) == 0 || cr_model_rename (model, node, value, error);
      selected = value;
      break;
    case CR_INSPECTOR_SET_DISTRIBUTION:
      done = cr_model_set_distribution (model, node, value, error);
      break;
    case CR_INSPECTOR_SET_SIZE:
      {
        CrExpr *size = NULL;
        if (*value != '\0' && (size = parse_expression (value, error)) == NULL)
          return FALSE;
        done = cr_model_set_size (model, node, size, error);
        break;
      }
    case CR_INSPECTOR_SET_OBSERVED:
      done = *value == '\0' ? cr_model_remove_argument (model, node, "observed", error)
                            : cr_model_set_argument (model, node, "observed", cr_expr_new_name (value), error);
      break;
    case CR_INSPECTOR_SET_ARGUMENT:
    case CR_INSPECTOR_SET_VALUE:
      {
        g_return_val_if_fail (edit == CR_INSPECTOR_SET_VALUE || key != NULL, FALSE);
        if (*value == '\0' && edit == CR_INSPECTOR_SET_ARGUMENT)
          {
            done = cr_model_remove_argument (model, node, key, error);
            break;
          }
        CrExpr *expr = parse_expression (value, error);
        if (expr == NULL)
          return FALSE;
        done = edit == CR_INSPECTOR_SET_ARGUMENT ? cr_model_set_argument (model, node, key, expr, error)
                                                 : cr_model_set_value (model, node, expr, error);
        break;
      }
    case CR_INSPECTOR_REMOVE:
      done = cr_model_remove (model, node, error);
      selected = NULL;
      break;
    default:
      g_return_val_if_reached (FALSE);
    }
  if (!done)
    return FALSE;
  /* The canvas dropped a renamed node's selection with its old name: select it again. */
  g_autofree char *keep = g_strdup (selected);
  apply_model (self, model);
  cr_model_canvas_select (self->canvas, keep);
  return TRUE;
}

/* What the parts say */

static void
report (CrModelBuilder *self, const GError *error)
{
  g_signal_emit (self, signals[SIGNAL_EDIT_FAILED], 0, error->message);
}

static void
palette_activated (CrModelBuilder *self, CrPaletteGroup group, const char *id)
{
  if (group == CR_PALETTE_TEMPLATE)
    {
      g_signal_emit (self, signals[SIGNAL_TEMPLATE_REQUESTED], 0, id);
      return;
    }
  g_autoptr (GError) error = NULL;
  g_autofree char *name = cr_model_builder_add_node (self, group, id, &error);
  if (name == NULL)
    report (self, error);
}

static void
inspector_edit (CrModelBuilder *self, CrInspectorEdit edit, const char *node, const char *key, const char *text)
{
  g_autoptr (GError) error = NULL;
  if (!cr_model_builder_edit (self, edit, node, key, text, &error))
    report (self, error);
}

static void
delete_requested (CrModelBuilder *self, const char *node)
{
  inspector_edit (self, CR_INSPECTOR_REMOVE, node, NULL, NULL);
}

static void
show_selection (CrModelBuilder *self)
{
  const CrModel *model = cr_model_editor_get_model (self->editor);
  cr_node_inspector_show (self->inspector, model, cr_model_canvas_get_selected (self->canvas),
                          cr_model_editor_get_diagnostics (self->editor));
}

static void
node_activated (CrModelBuilder *self, const char *node)
{
  GtkWidget *row = cr_node_inspector_get_row (self->inspector, "name");
  if (row != NULL)
    gtk_widget_grab_focus (row);
}

/* After every validation the graph follows the text, unless the text does not parse. */
static void
editor_validated (CrModelBuilder *self)
{
  const CrModel *model = cr_model_editor_get_model (self->editor);
  gtk_revealer_set_reveal_child (self->stale_revealer, model == NULL);
  if (model == NULL)
    return;
  cr_model_canvas_set_model (self->canvas, model, cr_model_editor_get_diagnostics (self->editor));
  show_selection (self);
}

static void
layout_changed (CrModelBuilder *self)
{
  if (self->loading)
    return;
  g_signal_emit (self, signals[SIGNAL_LAYOUT_CHANGED], 0);
}

static void
undo_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  cr_model_editor_undo (CR_MODEL_BUILDER (widget)->editor);
}

static void
redo_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  cr_model_editor_redo (CR_MODEL_BUILDER (widget)->editor);
}

static void
relayout_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  cr_model_canvas_relayout (CR_MODEL_BUILDER (widget)->canvas);
}

static void
update_undo_actions (CrModelBuilder *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "builder.undo", cr_model_editor_can_undo (self->editor));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "builder.redo", cr_model_editor_can_redo (self->editor));
}

/* Building the view */

static GtkWidget *
canvas_toolbar (CrModelBuilder *self)
{
  GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_add_css_class (bar, "toolbar");
  static const struct
  {
    const char *icon;
    const char *action;
    const char *tooltip;
  } buttons[] = {
    { "edit-undo-symbolic", "builder.undo", N_("Undo (Ctrl+Z)") },
    { "edit-redo-symbolic", "builder.redo", N_("Redo (Ctrl+Shift+Z)") },
    { "view-grid-symbolic", "builder.relayout", N_("Arrange the graph automatically") },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (buttons); i++)
    {
      GtkWidget *button = gtk_button_new_from_icon_name (buttons[i].icon);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), buttons[i].action);
      gtk_widget_set_tooltip_text (button, _(buttons[i].tooltip));
      gtk_widget_add_css_class (button, "flat");
      gtk_box_append (GTK_BOX (bar), button);
    }
  GtkWidget *hint = gtk_label_new (_("Click the palette to add a node; select a node to edit it; drag to move, Ctrl+scroll to zoom"));
  gtk_label_set_ellipsize (GTK_LABEL (hint), PANGO_ELLIPSIZE_END);
  /* A narrow window, or a longer language, cuts the hint short: the tooltip keeps all of it. */
  gtk_widget_set_tooltip_text (hint, gtk_label_get_text (GTK_LABEL (hint)));
  gtk_label_set_xalign (GTK_LABEL (hint), 0.0);
  gtk_widget_set_hexpand (hint, TRUE);
  gtk_widget_add_css_class (hint, "dim-label");
  gtk_widget_add_css_class (hint, "caption");
  gtk_box_append (GTK_BOX (bar), hint);
  return bar;
}

static void
cr_model_builder_dispose (GObject *object)
{
  CrModelBuilder *self = CR_MODEL_BUILDER (object);
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_box_remove (GTK_BOX (self), child);
  G_OBJECT_CLASS (cr_model_builder_parent_class)->dispose (object);
}

static void
cr_model_builder_class_init (CrModelBuilderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = cr_model_builder_dispose;

  signals[SIGNAL_LAYOUT_CHANGED] = g_signal_new ("layout-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                                 NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_TEMPLATE_REQUESTED]
      = g_signal_new ("template-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                      G_TYPE_NONE, 1, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[SIGNAL_EDIT_FAILED]
      = g_signal_new ("edit-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                      G_TYPE_NONE, 1, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);

  gtk_widget_class_install_action (widget_class, "builder.undo", NULL, undo_activated);
  gtk_widget_class_install_action (widget_class, "builder.redo", NULL, redo_activated);
  gtk_widget_class_install_action (widget_class, "builder.relayout", NULL, relayout_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "builder.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "builder.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_y, GDK_CONTROL_MASK, "builder.redo", NULL);
}

static void
cr_model_builder_init (CrModelBuilder *self)
{
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_HORIZONTAL);
  gtk_widget_add_css_class (GTK_WIDGET (self), "model-builder");

  self->palette = CR_MODEL_PALETTE (cr_model_palette_new ());
  gtk_widget_set_size_request (GTK_WIDGET (self->palette), SIDE_WIDTH, -1);
  self->canvas = CR_MODEL_CANVAS (cr_model_canvas_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->canvas), TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self->canvas), TRUE);
  self->editor = CR_MODEL_EDITOR (cr_model_editor_new ());
  self->inspector = CR_NODE_INSPECTOR (cr_node_inspector_new ());
  gtk_widget_set_size_request (GTK_WIDGET (self->inspector), SIDE_WIDTH, -1);

  GtkWidget *stale = gtk_label_new (_("The code has a syntax error: the graph shows the last model that parsed"));
  gtk_label_set_wrap (GTK_LABEL (stale), TRUE);
  gtk_widget_add_css_class (stale, "warning");
  gtk_widget_set_margin_top (stale, 6);
  gtk_widget_set_margin_bottom (stale, 6);
  self->stale_revealer = GTK_REVEALER (gtk_revealer_new ());
  gtk_revealer_set_child (self->stale_revealer, stale);

  GtkWidget *graph = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append (GTK_BOX (graph), canvas_toolbar (self));
  gtk_box_append (GTK_BOX (graph), GTK_WIDGET (self->stale_revealer));
  gtk_box_append (GTK_BOX (graph), GTK_WIDGET (self->canvas));

  GtkWidget *middle = gtk_paned_new (GTK_ORIENTATION_VERTICAL);
  gtk_paned_set_start_child (GTK_PANED (middle), graph);
  gtk_paned_set_end_child (GTK_PANED (middle), GTK_WIDGET (self->editor));
  gtk_paned_set_shrink_start_child (GTK_PANED (middle), FALSE);
  gtk_paned_set_shrink_end_child (GTK_PANED (middle), FALSE);
  gtk_paned_set_position (GTK_PANED (middle), 360);
  gtk_widget_set_hexpand (middle, TRUE);

  GtkWidget *right = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);
  gtk_paned_set_start_child (GTK_PANED (right), middle);
  gtk_paned_set_end_child (GTK_PANED (right), GTK_WIDGET (self->inspector));
  gtk_paned_set_resize_end_child (GTK_PANED (right), FALSE);
  gtk_paned_set_shrink_end_child (GTK_PANED (right), FALSE);
  gtk_paned_set_shrink_start_child (GTK_PANED (right), FALSE);

  GtkWidget *outer = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);
  gtk_paned_set_start_child (GTK_PANED (outer), GTK_WIDGET (self->palette));
  gtk_paned_set_end_child (GTK_PANED (outer), right);
  gtk_paned_set_resize_start_child (GTK_PANED (outer), FALSE);
  gtk_paned_set_shrink_start_child (GTK_PANED (outer), FALSE);
  gtk_paned_set_shrink_end_child (GTK_PANED (outer), FALSE);
  gtk_widget_set_hexpand (outer, TRUE);
  gtk_box_append (GTK_BOX (self), outer);

  g_signal_connect_object (self->palette, "item-activated", G_CALLBACK (palette_activated), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->inspector, "edit-requested", G_CALLBACK (inspector_edit), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->canvas, "delete-requested", G_CALLBACK (delete_requested), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->canvas, "selection-changed", G_CALLBACK (show_selection), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->canvas, "node-activated", G_CALLBACK (node_activated), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->canvas, "layout-changed", G_CALLBACK (layout_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->editor, "validated", G_CALLBACK (editor_validated), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->editor, "notify::can-undo", G_CALLBACK (update_undo_actions), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->editor, "notify::can-redo", G_CALLBACK (update_undo_actions), self, G_CONNECT_SWAPPED);
  update_undo_actions (self);
}

GtkWidget *
cr_model_builder_new (void)
{
  return g_object_new (CR_TYPE_MODEL_BUILDER, NULL);
}

CrModelEditor *
cr_model_builder_get_editor (CrModelBuilder *builder)
{
  g_return_val_if_fail (CR_IS_MODEL_BUILDER (builder), NULL);
  return builder->editor;
}

CrModelCanvas *
cr_model_builder_get_canvas (CrModelBuilder *builder)
{
  g_return_val_if_fail (CR_IS_MODEL_BUILDER (builder), NULL);
  return builder->canvas;
}

CrModelPalette *
cr_model_builder_get_palette (CrModelBuilder *builder)
{
  g_return_val_if_fail (CR_IS_MODEL_BUILDER (builder), NULL);
  return builder->palette;
}

CrNodeInspector *
cr_model_builder_get_inspector (CrModelBuilder *builder)
{
  g_return_val_if_fail (CR_IS_MODEL_BUILDER (builder), NULL);
  return builder->inspector;
}

void
cr_model_builder_set_dataset (CrModelBuilder *builder, const CrDataset *dataset)
{
  g_return_if_fail (CR_IS_MODEL_BUILDER (builder));
  builder->dataset = dataset;
  cr_model_palette_set_dataset (builder->palette, dataset);
  cr_model_editor_set_dataset (builder->editor, dataset);
}

void
cr_model_builder_load (CrModelBuilder *builder, const char *text, const char *layout)
{
  g_return_if_fail (CR_IS_MODEL_BUILDER (builder));
  g_return_if_fail (text != NULL);
  cr_model_canvas_select (builder->canvas, NULL);
  /* An empty canvas first, so the new model's nodes are placed afresh, then the saved
   * positions over them; only a model without them has a new layout to keep. */
  builder->loading = TRUE;
  cr_model_canvas_set_model (builder->canvas, NULL, NULL);
  cr_model_editor_set_text (builder->editor, text);
  gboolean stored = layout != NULL && cr_model_canvas_load_layout (builder->canvas, layout, NULL);
  if (!stored)
    cr_model_canvas_relayout (builder->canvas);
  cr_model_canvas_zoom_to_fit (builder->canvas);
  builder->loading = FALSE;
  if (!stored)
    layout_changed (builder);
}

char *
cr_model_builder_get_layout (CrModelBuilder *builder)
{
  g_return_val_if_fail (CR_IS_MODEL_BUILDER (builder), NULL);
  return cr_model_canvas_save_layout (builder->canvas);
}
