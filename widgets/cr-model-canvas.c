/* cr-model-canvas.c: the model graph on a Cairo canvas: building the graph from the program,
 * a layered layout with plates, drawing, and pointer and keyboard interaction. */
#include "cr-model-canvas.h"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <math.h>

/* Geometry, in canvas units (pixels at zoom 1). Labels are 12 px and plate labels 11 px, as
 * GNOME's diagrams and captions are; everything else is sized around them. */
#define LABEL_SIZE 12.0
#define PLATE_LABEL_SIZE 11.0
#define NODE_HEIGHT 36.0
#define NODE_MIN_WIDTH 64.0
#define BOX_PADDING 14.0       /* between a box's label and its sides */
#define ELLIPSE_TEXT_SCALE 1.15 /* an ellipse is this much wider than its label, plus padding */
#define ELLIPSE_PADDING 16.0
#define ITEM_GAP 28.0       /* between neighbours in a layer, node or plate */
#define LAYER_SPACING 112.0 /* between the centres of two layers */
#define PLATE_PADDING 12.0  /* between a plate and the boxes of its nodes */
#define PLATE_LABEL_HEIGHT 18.0
#define PLATE_RADIUS 10.0
#define LABEL_PATCH_MARGIN 3.0 /* around a plate label, over the arrows */
#define DATA_RADIUS 9.0
#define BOX_RADIUS 3.0
#define BADGE_RADIUS 8.0
#define BADGE_RING_WIDTH 1.5
#define BADGE_MARK_WIDTH 2.0
#define ARROW_LENGTH 9.0
#define ARROW_HALF_WIDTH 4.0
#define EDGE_WIDTH 1.3
#define EDGE_BEND 0.5    /* a curved edge's control points, as a fraction of its height */
#define PORT_SLOPE 0.15  /* how far a port moves per unit of sideways distance to the other end */
#define PORT_SPREAD 0.5  /* at most this fraction of the half width from the middle */
#define NODE_LINE_WIDTH 1.5
#define SELECTED_LINE_WIDTH 2.5
#define SELECTED_HALO_WIDTH 7.0
#define ERROR_LINE_WIDTH 2.0
#define LOCAL_DASH 5.0

/* The layout's effort: barycentre sweeps (each one down and one up) and balancing passes. */
#define ORDER_SWEEPS 4
#define BALANCE_PASSES 24

/* Where a new node may go around its ideal place: a grid of steps, nearest first. */
#define PLACE_STEP_X 12.0
#define PLACE_STEPS_X 60
#define PLACE_STEP_Y (LAYER_SPACING / 2.0)
#define PLACE_STEPS_Y 8
#define PLACE_ROW_COST 2.0 /* moving a row away costs this much more than sideways */

/* The view. */
#define ZOOM_STEP 1.25   /* one key press or wheel notch */
#define ZOOM_FIT_MAX 1.0 /* fitting never enlarges the labels beyond their natural size */
#define FIT_MARGIN 24.0  /* widget pixels around the fitted graph */
#define SCROLL_STEP 48.0 /* widget pixels per wheel notch */
#define MIN_WIDTH 240
#define MIN_HEIGHT 180

/* How much of the foreground shades an observed variable or data in the light and dark style. */
#define SHADE_LIGHT 0.10
#define SHADE_DARK 0.18
#define PLATE_FILL_ALPHA 0.03
#define PLATE_LINE_ALPHA 0.32
#define EDGE_ALPHA 0.55
#define DIM_ALPHA 0.6

G_DEFINE_QUARK (cr-model-canvas-error-quark, cr_model_canvas_error)

/* Where a node's plate comes from, and so how it is labelled. */
typedef enum
{
  PLATE_NONE,     /* a scalar */
  PLATE_SIZE,     /* a size alone: "100" */
  PLATE_CONSTANT, /* a `data` constant: "J = 8" */
  PLATE_LEVELS,   /* a categorical column's levels: "school: 8 levels" */
  PLATE_NAME,     /* a name whose size is not known (an invalid model): "J" */
} PlateKind;

typedef struct
{
  PlateKind kind;
  size_t size; /* 0 for PLATE_NONE and PLATE_NAME */
  char *name;  /* CONSTANT, LEVELS, NAME: the name of the size; NULL otherwise */
} PlateSpec;

typedef struct
{
  char *name;
  CrCanvasNodeKind kind;
  char *distribution; /* a stochastic node's distribution, else NULL */
  GPtrArray *parents; /* (element-type utf8) names of nodes, without repeats, in reading order */
  char *error;        /* the messages of its statements' errors, one per line, or NULL */
  PlateSpec plate_spec;
  int plate; /* index into the canvas's plates, or -1 */
  double x, y;          /* centre, canvas units */
  double width, height; /* box */
  /* Borrowed from the model only while set_model () runs; NULL for a column. */
  const CrStatement *statement;
} CanvasNode;

typedef struct
{
  char *label;
  size_t size;
  gboolean named; /* labelled by a name, so bare sizes may join it */
  double label_width;
  double label_height;
} CanvasPlate;

typedef struct
{
  double x0, y0, x1, y1;
} Rect;

struct _CrModelCanvas
{
  GtkWidget parent_instance;

  GPtrArray *nodes;        /* (element-type CanvasNode) statements in order, then columns */
  GHashTable *node_index;  /* name (borrowed from the node) -> CanvasNode */
  GPtrArray *plates;       /* (element-type CanvasPlate) */
  GHashTable *positions;   /* name -> double[2], every name placed so far or loaded */
  GHashTable *known_plates; /* name -> PlateSpec from the last valid model it was in */
  char *selected;
  /* A person placed nodes (a drag, a stored layout, set_node_position ()): a changed graph
   * then keeps their places and fits new nodes around them. Until then, and after relayout (),
   * every change of the graph's structure lays it out afresh, as a model built node by node
   * deserves. */
  gboolean arranged;

  double zoom;
  double pan_x, pan_y; /* widget = canvas * zoom + pan */
  gboolean fit_pending; /* fit as soon as the widget has a size */

  char *drag_node; /* the node being dragged, or NULL when the drag pans */
  double drag_start_x, drag_start_y; /* the node's position or the pan when the drag began */
  gboolean drag_moved;
  double pointer_x, pointer_y; /* last pointer position over the widget */
  double pinch_start_zoom;
};

G_DEFINE_FINAL_TYPE (CrModelCanvas, cr_model_canvas, GTK_TYPE_WIDGET)

enum
{
  SIGNAL_SELECTION_CHANGED,
  SIGNAL_DELETE_REQUESTED,
  SIGNAL_LAYOUT_CHANGED,
  SIGNAL_NODE_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Plates */

static void
plate_spec_clear (PlateSpec *spec)
{
  g_clear_pointer (&spec->name, g_free);
  spec->kind = PLATE_NONE;
  spec->size = 0;
}

static void
plate_spec_set (PlateSpec *spec, PlateKind kind, size_t size, const char *name)
{
  char *copy = g_strdup (name);
  plate_spec_clear (spec);
  spec->kind = kind;
  spec->size = size;
  spec->name = copy;
}

static PlateSpec *
plate_spec_copy (const PlateSpec *spec)
{
  PlateSpec *copy = g_new0 (PlateSpec, 1);
  plate_spec_set (copy, spec->kind, spec->size, spec->name);
  return copy;
}

static void
plate_spec_free (PlateSpec *spec)
{
  plate_spec_clear (spec);
  g_free (spec);
}

/* Returns: (transfer full) the label of a plate that is not PLATE_NONE. */
static char *
plate_spec_label (const PlateSpec *spec)
{
  switch (spec->kind)
    {
    case PLATE_SIZE:
      return g_strdup_printf ("%zu", spec->size);
    case PLATE_CONSTANT:
      return g_strdup_printf ("%s = %zu", spec->name, spec->size);
    case PLATE_LEVELS:
      /* TRANSLATORS: a plate's label: the categorical column that sizes it, and its levels */
      return g_strdup_printf (ngettext ("%s: %zu level", "%s: %zu levels", spec->size),
                              spec->name, spec->size);
    case PLATE_NAME:
      return g_strdup (spec->name);
    case PLATE_NONE:
    default:
      g_assert_not_reached ();
    }
}

static void
canvas_plate_free (CanvasPlate *plate)
{
  g_free (plate->label);
  g_free (plate);
}

/* Nodes */

static CanvasNode *
canvas_node_new (const char *name, CrCanvasNodeKind kind)
{
  CanvasNode *node = g_new0 (CanvasNode, 1);
  node->name = g_strdup (name);
  node->kind = kind;
  node->parents = g_ptr_array_new_with_free_func (g_free);
  node->plate = -1;
  return node;
}

static void
canvas_node_free (CanvasNode *node)
{
  g_free (node->name);
  g_free (node->distribution);
  g_ptr_array_unref (node->parents);
  g_free (node->error);
  plate_spec_clear (&node->plate_spec);
  g_free (node);
}

static gboolean
is_ellipse (const CanvasNode *node)
{
  return node->kind == CR_CANVAS_NODE_FREE || node->kind == CR_CANVAS_NODE_OBSERVED;
}

static CanvasNode *
find_node (CrModelCanvas *self, const char *name)
{
  return name != NULL ? g_hash_table_lookup (self->node_index, name) : NULL;
}

static Rect
node_rect (const CanvasNode *node)
{
  return (Rect){ node->x - node->width / 2, node->y - node->height / 2, node->x + node->width / 2,
                 node->y + node->height / 2 };
}

static gboolean
rects_overlap (Rect a, Rect b, double margin)
{
  return a.x0 < b.x1 + margin && b.x0 < a.x1 + margin && a.y0 < b.y1 + margin
         && b.y0 < a.y1 + margin;
}

static Rect
rect_union (Rect a, Rect b)
{
  return (Rect){ MIN (a.x0, b.x0), MIN (a.y0, b.y0), MAX (a.x1, b.x1), MAX (a.y1, b.y1) };
}

/* The rectangle a plate draws around the boxes in @members (their union), with room for its
 * label below and at least as wide as the label. */
static Rect
plate_rect_around (const CanvasPlate *plate, Rect members)
{
  Rect rect = { members.x0 - PLATE_PADDING, members.y0 - PLATE_PADDING,
                members.x1 + PLATE_PADDING, members.y1 + PLATE_PADDING + PLATE_LABEL_HEIGHT };
  double min_width = plate->label_width + 2 * PLATE_PADDING;
  if (rect.x1 - rect.x0 < min_width)
    {
      double grow = (min_width - (rect.x1 - rect.x0)) / 2;
      rect.x0 -= grow;
      rect.x1 += grow;
    }
  return rect;
}

/* Plate @plate's rectangle around its members for which @include is TRUE (all when NULL).
 * Returns: FALSE when no member counts. */
static gboolean
plate_rect (CrModelCanvas *self, int plate, const gboolean *include, Rect *rect)
{
  gboolean any = FALSE;
  Rect members = { 0 };
  for (guint i = 0; i < self->nodes->len; i++)
    {
      const CanvasNode *node = g_ptr_array_index (self->nodes, i);
      if (node->plate != plate || (include != NULL && !include[i]))
        continue;
      members = any ? rect_union (members, node_rect (node)) : node_rect (node);
      any = TRUE;
    }
  if (any)
    *rect = plate_rect_around (g_ptr_array_index (self->plates, plate), members);
  return any;
}

/* Remembers where node @node is, for later graphs and the saved layout. */
static void
set_node_xy (CrModelCanvas *self, CanvasNode *node, double x, double y)
{
  node->x = x;
  node->y = y;
  double *position = g_new (double, 2);
  position[0] = x;
  position[1] = y;
  g_hash_table_replace (self->positions, g_strdup (node->name), position);
}

/* Text */

/* A layout for a label of @size pixels in the widget's font family, drawn on @cr (or, when
 * NULL, only measured). Metrics are not hinted, so a label has the same size at every zoom
 * and on every surface: the box measured once fits the text drawn at any scale. */
static PangoLayout *
create_label_layout (CrModelCanvas *self, double size, cairo_t *cr)
{
  PangoLayout *layout;
  if (cr != NULL)
    layout = pango_cairo_create_layout (cr);
  else
    {
      PangoContext *context = pango_font_map_create_context (pango_cairo_font_map_get_default ());
      layout = pango_layout_new (context);
      g_object_unref (context); /* the layout keeps it */
    }
  cairo_font_options_t *options = cairo_font_options_create ();
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (pango_layout_get_context (layout), options);
  cairo_font_options_destroy (options);
  pango_layout_context_changed (layout);

  PangoFontDescription *font
      = pango_font_description_copy (pango_context_get_font_description (
          gtk_widget_get_pango_context (GTK_WIDGET (self))));
  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  return layout;
}

/* Returns: (transfer full) a node's label as Pango markup: its name, and for a stochastic
 * node the distribution ("<b>p</b> ~ Beta"). */
static char *
node_markup (const CanvasNode *node)
{
  if (node->distribution != NULL)
    return g_markup_printf_escaped ("<span weight=\"600\">%s</span> ~ %s", node->name,
                                    node->distribution);
  return g_markup_printf_escaped ("<span weight=\"600\">%s</span>", node->name);
}

static void
measure_node (CrModelCanvas *self, CanvasNode *node)
{
  g_autoptr (PangoLayout) layout = create_label_layout (self, LABEL_SIZE, NULL);
  g_autofree char *markup = node_markup (node);
  pango_layout_set_markup (layout, markup, -1);
  int text_width, text_height;
  pango_layout_get_pixel_size (layout, &text_width, &text_height);
  double width = is_ellipse (node) ? text_width * ELLIPSE_TEXT_SCALE + 2 * ELLIPSE_PADDING
                                   : text_width + 2 * BOX_PADDING;
  node->width = ceil (MAX (width, NODE_MIN_WIDTH));
  node->height = NODE_HEIGHT;
}

static void
measure_plate (CrModelCanvas *self, CanvasPlate *plate)
{
  g_autoptr (PangoLayout) layout = create_label_layout (self, PLATE_LABEL_SIZE, NULL);
  pango_layout_set_text (layout, plate->label, -1);
  int width, height;
  pango_layout_get_pixel_size (layout, &width, &height);
  plate->label_width = width;
  plate->label_height = height;
}

/* Building the graph from the program */

/* Appends every name @expr reads to @names, once each. A called function's name is no
 * reference; its arguments are. */
static void
collect_names (const CrExpr *expr, GPtrArray *names)
{
  if (expr == NULL)
    return;
  switch (expr->kind)
    {
    case CR_EXPR_NUMBER:
      break;
    case CR_EXPR_NAME:
      if (!g_ptr_array_find_with_equal_func (names, expr->name, g_str_equal, NULL))
        g_ptr_array_add (names, expr->name);
      break;
    case CR_EXPR_NEGATE:
      collect_names (expr->operand, names);
      break;
    case CR_EXPR_BINARY:
      collect_names (expr->binary.left, names);
      collect_names (expr->binary.right, names);
      break;
    case CR_EXPR_CALL:
      for (guint i = 0; i < expr->call->arguments->len; i++)
        collect_names (((CrArgument *) g_ptr_array_index (expr->call->arguments, i))->value, names);
      break;
    case CR_EXPR_SUBSCRIPT:
      collect_names (expr->subscript.base, names);
      collect_names (expr->subscript.index, names);
      break;
    case CR_EXPR_VECTOR:
      for (guint i = 0; i < expr->elements->len; i++)
        collect_names (g_ptr_array_index (expr->elements, i), names);
      break;
    }
}

/* Every name @statement reads: its size, its distribution's arguments (keyword ones too) and
 * its value. */
static void
collect_statement_names (const CrStatement *statement, GPtrArray *names)
{
  collect_names (statement->size, names);
  if (statement->distribution != NULL)
    for (guint i = 0; i < statement->distribution->arguments->len; i++)
      collect_names (((CrArgument *) g_ptr_array_index (statement->distribution->arguments, i))->value,
                     names);
  collect_names (statement->value, names);
}

static CrCanvasNodeKind
statement_node_kind (const CrStatement *statement)
{
  switch (statement->kind)
    {
    case CR_STATEMENT_STOCHASTIC:
      return CR_CANVAS_NODE_FREE;
    case CR_STATEMENT_DETERMINISTIC:
      return CR_CANVAS_NODE_DETERMINISTIC;
    case CR_STATEMENT_LOCAL:
      return CR_CANVAS_NODE_LOCAL;
    case CR_STATEMENT_DATA:
    default:
      return CR_CANVAS_NODE_DATA;
    }
}

static CrCanvasNodeKind
model_node_kind (CrNodeKind kind)
{
  switch (kind)
    {
    case CR_NODE_FREE:
      return CR_CANVAS_NODE_FREE;
    case CR_NODE_OBSERVED:
      return CR_CANVAS_NODE_OBSERVED;
    case CR_NODE_DETERMINISTIC:
      return CR_CANVAS_NODE_DETERMINISTIC;
    case CR_NODE_LOCAL:
      return CR_CANVAS_NODE_LOCAL;
    case CR_NODE_DATA:
    default:
      return CR_CANVAS_NODE_DATA;
    }
}

/* Makes the node of each statement. A `~` statement on data (a column, or a name a `data`
 * statement defines) or with observed= is observed; a name defined twice in another way is an
 * error the diagnostics report, and its node keeps the first definition. */
static void
add_statement_nodes (CrModelCanvas *self, const CrProgram *program, const CrDataset *dataset)
{
  for (guint i = 0; i < program->statements->len; i++)
    {
      const CrStatement *statement = g_ptr_array_index (program->statements, i);
      CanvasNode *node = find_node (self, statement->name);
      if (node == NULL)
        {
          node = canvas_node_new (statement->name, statement_node_kind (statement));
          node->statement = statement;
          g_ptr_array_add (self->nodes, node);
          g_hash_table_insert (self->node_index, node->name, node);
        }
      if (statement->kind != CR_STATEMENT_STOCHASTIC)
        {
          if (statement->kind == CR_STATEMENT_DATA && node->distribution != NULL)
            node->kind = CR_CANVAS_NODE_OBSERVED;
          continue;
        }
      if (node->distribution != NULL)
        continue;
      gboolean observed = node->kind == CR_CANVAS_NODE_DATA
                          || cr_call_find_argument (statement->distribution, "observed") >= 0
                          || (dataset != NULL
                              && cr_dataset_find_column (dataset, statement->name) != NULL);
      node->kind = observed ? CR_CANVAS_NODE_OBSERVED : CR_CANVAS_NODE_FREE;
      node->distribution = g_strdup (statement->distribution->name);
      node->statement = statement; /* the `~` statement carries the size */
    }
}

/* Links each statement's node to the nodes it reads, adding a data node for each dataset
 * column read that no statement defines. */
static void
add_parents (CrModelCanvas *self, const CrProgram *program, const CrDataset *dataset)
{
  for (guint i = 0; i < program->statements->len; i++)
    {
      const CrStatement *statement = g_ptr_array_index (program->statements, i);
      CanvasNode *node = find_node (self, statement->name);
      g_assert (node != NULL); /* every statement has a node */
      g_autoptr (GPtrArray) names = g_ptr_array_new ();
      collect_statement_names (statement, names);
      for (guint j = 0; j < names->len; j++)
        {
          const char *name = g_ptr_array_index (names, j);
          if (g_str_equal (name, node->name))
            continue;
          if (find_node (self, name) == NULL)
            {
              const CrColumn *column = dataset != NULL ? cr_dataset_find_column (dataset, name) : NULL;
              if (column == NULL)
                continue; /* undefined: the diagnostics say so */
              CanvasNode *data = canvas_node_new (name, CR_CANVAS_NODE_DATA);
              plate_spec_set (&data->plate_spec, PLATE_SIZE, cr_dataset_get_n_rows (dataset), NULL);
              g_ptr_array_add (self->nodes, data);
              g_hash_table_insert (self->node_index, data->name, data);
            }
          if (!g_ptr_array_find_with_equal_func (node->parents, name, g_str_equal, NULL))
            g_ptr_array_add (node->parents, g_strdup (name));
        }
    }
}

/* Puts each diagnostic on the node of the statement whose lines span its line. */
static void
add_errors (CrModelCanvas *self, const CrProgram *program, GPtrArray *diagnostics)
{
  for (guint d = 0; diagnostics != NULL && d < diagnostics->len; d++)
    {
      const CrModelDiagnostic *diagnostic = g_ptr_array_index (diagnostics, d);
      for (guint i = 0; i < program->statements->len; i++)
        {
          const CrStatement *statement = g_ptr_array_index (program->statements, i);
          if (diagnostic->line < statement->location.line
              || diagnostic->line > statement->location.end_line)
            continue;
          CanvasNode *node = find_node (self, statement->name);
          g_assert (node != NULL); /* every statement has a node */
          char *error = node->error == NULL
                            ? g_strdup (diagnostic->message)
                            : g_strconcat (node->error, "\n", diagnostic->message, NULL);
          g_free (node->error);
          node->error = error;
          break;
        }
    }
}

/* Returns: (transfer none) the `data` statement that defines @name, or NULL. */
static const CrStatement *
find_data_statement (const CrProgram *program, const char *name)
{
  for (guint i = 0; i < program->statements->len; i++)
    {
      const CrStatement *statement = g_ptr_array_index (program->statements, i);
      if (statement->kind == CR_STATEMENT_DATA && g_str_equal (statement->name, name))
        return statement;
    }
  return NULL;
}

/* The plate a size expression @size names, when it is a name: a `data` constant or a
 * categorical column. @size_value is the size when known (0 otherwise). */
static void
spec_from_size_name (PlateSpec *spec, const CrProgram *program, const CrDataset *dataset,
                     const char *name, size_t size_value)
{
  const CrStatement *constant = find_data_statement (program, name);
  const CrColumn *column = dataset != NULL ? cr_dataset_find_column (dataset, name) : NULL;
  if (constant != NULL)
    {
      size_t size = size_value;
      if (size == 0 && constant->value->kind == CR_EXPR_NUMBER && constant->value->number >= 1)
        size = (size_t) constant->value->number;
      plate_spec_set (spec, size > 0 ? PLATE_CONSTANT : PLATE_NAME, size, name);
    }
  else if (column != NULL && column->type == CR_COLUMN_CATEGORICAL)
    plate_spec_set (spec, PLATE_LEVELS, size_value > 0 ? size_value : column->n_levels, name);
  else if (size_value > 0)
    plate_spec_set (spec, PLATE_SIZE, size_value, NULL);
  else
    plate_spec_set (spec, PLATE_NAME, 0, name);
}

/* A node's plate in a valid model: its shape's rows, labelled by what its size names. */
static void
spec_from_model (PlateSpec *spec, const CanvasNode *node, const CrNode *model_node,
                 const CrProgram *program, const CrDataset *dataset)
{
  if (model_node->shape.rank == 0)
    {
      plate_spec_clear (spec);
      return;
    }
  size_t rows = model_node->shape.rows;
  const CrExpr *size = node->statement != NULL ? node->statement->size : NULL;
  if (size != NULL && size->kind == CR_EXPR_NAME)
    spec_from_size_name (spec, program, dataset, size->name, rows);
  else
    plate_spec_set (spec, PLATE_SIZE, rows, NULL);
}

/* A statement node's plate as its text declares it, for a model that is not valid. */
static void
spec_from_declaration (PlateSpec *spec, const CanvasNode *node, const CrProgram *program,
                       const CrDataset *dataset)
{
  const CrStatement *statement = node->statement;
  const CrColumn *column = dataset != NULL ? cr_dataset_find_column (dataset, node->name) : NULL;
  const CrStatement *constant = find_data_statement (program, node->name);
  if (statement->size != NULL && statement->size->kind == CR_EXPR_NUMBER
      && statement->size->number >= 1)
    plate_spec_set (spec, PLATE_SIZE, (size_t) statement->size->number, NULL);
  else if (statement->size != NULL && statement->size->kind == CR_EXPR_NAME)
    spec_from_size_name (spec, program, dataset, statement->size->name, 0);
  else if (column != NULL && cr_dataset_get_n_rows (dataset) > 0)
    plate_spec_set (spec, PLATE_SIZE, cr_dataset_get_n_rows (dataset), NULL);
  else if (constant != NULL && constant->value->kind == CR_EXPR_VECTOR)
    plate_spec_set (spec, PLATE_SIZE, constant->value->elements->len, NULL);
  else
    plate_spec_clear (spec);
}

/* Sets each statement node's kind and plate: from the model when it is valid (and remembers
 * them), else from the last valid model the name was in, else from the text. */
static void
resolve_shapes (CrModelCanvas *self, const CrModel *model)
{
  const CrProgram *program = cr_model_get_program (model);
  const CrDataset *dataset = cr_model_get_dataset (model);
  gboolean valid = cr_model_is_valid (model);
  for (guint i = 0; i < self->nodes->len; i++)
    {
      CanvasNode *node = g_ptr_array_index (self->nodes, i);
      if (node->statement == NULL)
        continue; /* a column: its plate is its length */
      const CrNode *model_node = valid ? cr_model_find_node (model, node->name) : NULL;
      const PlateSpec *known = g_hash_table_lookup (self->known_plates, node->name);
      if (model_node != NULL)
        {
          node->kind = model_node_kind (model_node->kind);
          spec_from_model (&node->plate_spec, node, model_node, program, dataset);
          g_hash_table_replace (self->known_plates, g_strdup (node->name),
                                plate_spec_copy (&node->plate_spec));
        }
      else if (known != NULL)
        plate_spec_set (&node->plate_spec, known->kind, known->size, known->name);
      else
        spec_from_declaration (&node->plate_spec, node, program, dataset);
    }
}

static int
find_plate (CrModelCanvas *self, const char *label)
{
  for (guint p = 0; p < self->plates->len; p++)
    if (g_str_equal (((CanvasPlate *) g_ptr_array_index (self->plates, p))->label, label))
      return (int) p;
  return -1;
}

static int
add_plate (CrModelCanvas *self, char *label, size_t size, gboolean named)
{
  CanvasPlate *plate = g_new0 (CanvasPlate, 1);
  plate->label = label;
  plate->size = size;
  plate->named = named;
  measure_plate (self, plate);
  g_ptr_array_add (self->plates, plate);
  return (int) self->plates->len - 1;
}

/* Groups nodes into plates: named sizes by their label; a bare size joins the one named plate
 * of that size when there is exactly one ("theta = mu + tau * eta" shares eta's "J = 8"),
 * else the plate of that number. */
static void
assign_plates (CrModelCanvas *self)
{
  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < self->nodes->len; i++)
      {
        CanvasNode *node = g_ptr_array_index (self->nodes, i);
        const PlateSpec *spec = &node->plate_spec;
        gboolean bare = spec->kind == PLATE_SIZE;
        if (spec->kind == PLATE_NONE || bare != (pass == 1))
          continue;
        if (bare)
          {
            int match = -1, n_matches = 0;
            for (guint p = 0; p < self->plates->len; p++)
              {
                const CanvasPlate *plate = g_ptr_array_index (self->plates, p);
                if (plate->named && plate->size == spec->size)
                  {
                    match = (int) p;
                    n_matches++;
                  }
              }
            if (n_matches == 1)
              {
                node->plate = match;
                continue;
              }
          }
        char *label = plate_spec_label (spec);
        node->plate = find_plate (self, label);
        if (node->plate >= 0)
          g_free (label);
        else
          node->plate = add_plate (self, label, spec->size, !bare);
      }
}

/* The layout */

/* The graph as index arrays, for the layout. */
typedef struct
{
  guint n;
  CanvasNode **nodes;
  GArray **parents;  /* (element-type int) per node */
  GArray **children; /* (element-type int) per node */
  int *layer;
  guint n_layers;
  guint n_plates;
  int *plate_top, *plate_bottom; /* the layers a plate spans */
  double *plate_width;           /* the slot a plate takes in every layer it spans */
} Graph;

static void
graph_init (Graph *graph, CrModelCanvas *self)
{
  graph->n = self->nodes->len;
  graph->nodes = (CanvasNode **) self->nodes->pdata;
  graph->parents = g_new0 (GArray *, graph->n);
  graph->children = g_new0 (GArray *, graph->n);
  for (guint i = 0; i < graph->n; i++)
    {
      graph->parents[i] = g_array_new (FALSE, FALSE, sizeof (int));
      graph->children[i] = g_array_new (FALSE, FALSE, sizeof (int));
    }
  g_autoptr (GHashTable) index = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < graph->n; i++)
    g_hash_table_insert (index, graph->nodes[i]->name, GUINT_TO_POINTER (i));
  for (guint i = 0; i < graph->n; i++)
    {
      const CanvasNode *node = graph->nodes[i];
      for (guint j = 0; j < node->parents->len; j++)
        {
          gpointer parent;
          gboolean found = g_hash_table_lookup_extended (index, g_ptr_array_index (node->parents, j),
                                                         NULL, &parent);
          g_assert (found); /* every parent is a node */
          int p = GPOINTER_TO_INT (parent), c = (int) i;
          g_array_append_val (graph->parents[i], p);
          g_array_append_val (graph->children[p], c);
        }
    }
  graph->layer = g_new0 (int, graph->n);
  graph->n_plates = self->plates->len;
  graph->plate_top = g_new (int, graph->n_plates);
  graph->plate_bottom = g_new (int, graph->n_plates);
  graph->plate_width = g_new0 (double, graph->n_plates);
}

static void
graph_clear (Graph *graph)
{
  for (guint i = 0; i < graph->n; i++)
    {
      g_array_unref (graph->parents[i]);
      g_array_unref (graph->children[i]);
    }
  g_free (graph->parents);
  g_free (graph->children);
  g_free (graph->layer);
  g_free (graph->plate_top);
  g_free (graph->plate_bottom);
  g_free (graph->plate_width);
}

enum
{
  UNVISITED,
  VISITING,
  VISITED
};

/* The longest path from a root to node @i; an edge that closes a cycle (an invalid model) is
 * ignored. Returns: the layer, or -1 for a node on the current path. */
static int
longest_path (Graph *graph, guint8 *state, int i)
{
  if (state[i] == VISITED)
    return graph->layer[i];
  if (state[i] == VISITING)
    return -1;
  state[i] = VISITING;
  int layer = 0;
  for (guint j = 0; j < graph->parents[i]->len; j++)
    {
      int parent_layer = longest_path (graph, state, g_array_index (graph->parents[i], int, j));
      if (parent_layer >= 0)
        layer = MAX (layer, parent_layer + 1);
    }
  state[i] = VISITED;
  graph->layer[i] = layer;
  return layer;
}

/* Layer = longest path from a root, so every parent is above its children; then each root
 * moves down to just above its highest child, so that a prior sits next to what it informs
 * instead of at the top of a long arrow. */
static void
assign_layers (Graph *graph)
{
  g_autofree guint8 *state = g_new0 (guint8, graph->n);
  for (guint i = 0; i < graph->n; i++)
    longest_path (graph, state, (int) i);
  for (guint i = 0; i < graph->n; i++)
    {
      if (graph->parents[i]->len > 0 || graph->children[i]->len == 0)
        continue;
      int highest_child = G_MAXINT;
      for (guint j = 0; j < graph->children[i]->len; j++)
        highest_child = MIN (highest_child, graph->layer[g_array_index (graph->children[i], int, j)]);
      graph->layer[i] = highest_child - 1;
    }
  graph->n_layers = 0;
  for (guint i = 0; i < graph->n; i++)
    graph->n_layers = MAX (graph->n_layers, (guint) graph->layer[i] + 1);
  for (guint p = 0; p < graph->n_plates; p++)
    {
      graph->plate_top[p] = G_MAXINT;
      graph->plate_bottom[p] = -1;
    }
  for (guint i = 0; i < graph->n; i++)
    {
      int p = graph->nodes[i]->plate;
      if (p < 0)
        continue;
      graph->plate_top[p] = MIN (graph->plate_top[p], graph->layer[i]);
      graph->plate_bottom[p] = MAX (graph->plate_bottom[p], graph->layer[i]);
    }
}

/* One entry of a layer: a node outside any plate, or the slot of a plate that spans the layer
 * (its members in this layer, side by side). */
typedef struct
{
  int node;  /* >= 0 for a node */
  int plate; /* >= 0 for a plate's slot */
  double key;
} Item;

typedef struct
{
  Graph *graph;
  GArray **items;  /* (element-type Item) per layer, left to right */
  double *key;     /* per node: its ordering key */
  double *rank;    /* per node: its place in its layer, counting plate members one by one */
  double *plate_key;
  double *left;    /* per node outside plates, and per plate (after the nodes): left edge */
} Order;

static int
compare_items (gconstpointer a, gconstpointer b)
{
  const Item *x = a, *y = b;
  if (x->key != y->key)
    return x->key < y->key ? -1 : 1;
  int x_id = x->node >= 0 ? x->node : G_MAXINT / 2 + x->plate;
  int y_id = y->node >= 0 ? y->node : G_MAXINT / 2 + y->plate;
  return (x_id > y_id) - (x_id < y_id);
}

/* Node indices of plate @plate's members in layer @layer, by key. */
static GArray *
plate_members (Order *order, int plate, int layer)
{
  GArray *members = g_array_new (FALSE, FALSE, sizeof (Item));
  for (guint i = 0; i < order->graph->n; i++)
    if (order->graph->nodes[i]->plate == plate && order->graph->layer[i] == layer)
      {
        Item item = { (int) i, -1, order->key[i] };
        g_array_append_val (members, item);
      }
  g_array_sort (members, compare_items);
  return members;
}

/* Sorts layer @layer by the keys and renumbers the ranks of its nodes. */
static void
sort_layer (Order *order, int layer)
{
  GArray *items = order->items[layer];
  for (guint k = 0; k < items->len; k++)
    {
      Item *item = &g_array_index (items, Item, k);
      item->key = item->node >= 0 ? order->key[item->node] : order->plate_key[item->plate];
    }
  g_array_sort (items, compare_items);
  double rank = 0;
  for (guint k = 0; k < items->len; k++)
    {
      const Item *item = &g_array_index (items, Item, k);
      if (item->node >= 0)
        {
          order->rank[item->node] = rank++;
          continue;
        }
      g_autoptr (GArray) members = plate_members (order, item->plate, layer);
      for (guint m = 0; m < members->len; m++)
        order->rank[g_array_index (members, Item, m).node] = rank++;
      if (members->len == 0)
        rank++; /* an empty slot still sits between its neighbours */
    }
}

/* Keys of layer @layer's nodes: the mean rank of their parents (@down) or children; a node
 * without any keeps its rank. */
static void
barycentre_keys (Order *order, int layer, gboolean down)
{
  Graph *graph = order->graph;
  for (guint i = 0; i < graph->n; i++)
    {
      if (graph->layer[i] != layer)
        continue;
      GArray *neighbours = down ? graph->parents[i] : graph->children[i];
      double sum = 0;
      for (guint j = 0; j < neighbours->len; j++)
        sum += order->rank[g_array_index (neighbours, int, j)];
      order->key[i] = neighbours->len > 0 ? sum / neighbours->len : order->rank[i];
    }
}

/* One plate's key for all layers: the mean rank of its members. Sharing it keeps the plates
 * in the same left-to-right order in every layer, so a plate can be one vertical band. */
static void
update_plate_keys (Order *order)
{
  Graph *graph = order->graph;
  for (guint p = 0; p < graph->n_plates; p++)
    {
      double sum = 0;
      guint count = 0;
      for (guint i = 0; i < graph->n; i++)
        if (graph->nodes[i]->plate == (int) p)
          {
            sum += order->rank[i];
            count++;
          }
      order->plate_key[p] = count > 0 ? sum / count : 0;
    }
}

/* Orders each layer to reduce crossings: barycentre sweeps down and up, plate members kept
 * together in their plate's slot. */
static void
order_layers (Order *order)
{
  Graph *graph = order->graph;
  for (guint layer = 0; layer < graph->n_layers; layer++)
    {
      order->items[layer] = g_array_new (FALSE, FALSE, sizeof (Item));
      for (guint i = 0; i < graph->n; i++)
        if (graph->layer[i] == (int) layer && graph->nodes[i]->plate < 0)
          {
            Item item = { (int) i, -1, 0 };
            g_array_append_val (order->items[layer], item);
          }
      for (guint p = 0; p < graph->n_plates; p++)
        if (graph->plate_top[p] <= (int) layer && (int) layer <= graph->plate_bottom[p])
          {
            Item item = { -1, (int) p, 0 };
            g_array_append_val (order->items[layer], item);
          }
    }
  for (guint i = 0; i < graph->n; i++)
    order->key[i] = order->rank[i] = i;
  update_plate_keys (order);
  for (guint layer = 0; layer < graph->n_layers; layer++)
    sort_layer (order, (int) layer);

  for (int sweep = 0; sweep < ORDER_SWEEPS; sweep++)
    {
      for (guint layer = 1; layer < graph->n_layers; layer++)
        {
          barycentre_keys (order, (int) layer, TRUE);
          sort_layer (order, (int) layer);
        }
      update_plate_keys (order);
      for (int layer = (int) graph->n_layers - 2; layer >= 0; layer--)
        {
          barycentre_keys (order, layer, FALSE);
          sort_layer (order, layer);
        }
      update_plate_keys (order);
    }
}

static double
members_width (Order *order, int plate, int layer)
{
  g_autoptr (GArray) members = plate_members (order, plate, layer);
  double width = 0;
  for (guint m = 0; m < members->len; m++)
    width += order->graph->nodes[g_array_index (members, Item, m).node]->width
             + (m > 0 ? ITEM_GAP : 0);
  return width;
}

/* Each plate's slot: wide enough for its widest layer and its label. */
static void
plate_widths (Order *order, GPtrArray *plates)
{
  Graph *graph = order->graph;
  for (guint p = 0; p < graph->n_plates; p++)
    {
      const CanvasPlate *plate = g_ptr_array_index (plates, p);
      double width = plate->label_width;
      for (int layer = graph->plate_top[p]; layer <= graph->plate_bottom[p]; layer++)
        width = MAX (width, members_width (order, (int) p, layer));
      graph->plate_width[p] = width + 2 * PLATE_PADDING;
    }
}

/* Index into order->left of an item. */
static guint
item_slot (Order *order, const Item *item)
{
  return item->node >= 0 ? (guint) item->node : order->graph->n + (guint) item->plate;
}

static double
item_width (Order *order, const Item *item)
{
  return item->node >= 0 ? order->graph->nodes[item->node]->width
                         : order->graph->plate_width[item->plate];
}

/* Places each plate's members in its slot, centred, side by side, and every node outside
 * plates at its left edge: sets the nodes' centres (x), from order->left. */
static void
place_from_lefts (Order *order)
{
  Graph *graph = order->graph;
  for (guint i = 0; i < graph->n; i++)
    if (graph->nodes[i]->plate < 0)
      graph->nodes[i]->x = order->left[i] + graph->nodes[i]->width / 2;
  for (guint p = 0; p < graph->n_plates; p++)
    for (int layer = graph->plate_top[p]; layer <= graph->plate_bottom[p]; layer++)
      {
        g_autoptr (GArray) members = plate_members (order, (int) p, layer);
        double x = order->left[graph->n + p]
                   + (graph->plate_width[p] - members_width (order, (int) p, layer)) / 2;
        for (guint m = 0; m < members->len; m++)
          {
            CanvasNode *node = graph->nodes[g_array_index (members, Item, m).node];
            node->x = x + node->width / 2;
            x += node->width + ITEM_GAP;
          }
      }
}

/* The leftmost lefts that keep ITEM_GAP between neighbours in every layer: a plate's slot is
 * one variable for all its layers, and as plates keep one order in every layer, pushing right
 * until nothing changes ends (the constraints form no cycle). */
static void
pack_left (Order *order)
{
  Graph *graph = order->graph;
  guint n_slots = graph->n + graph->n_plates;
  for (guint s = 0; s < n_slots; s++)
    order->left[s] = 0;
  for (guint round = 0; round <= n_slots; round++)
    {
      gboolean changed = FALSE;
      for (guint layer = 0; layer < graph->n_layers; layer++)
        {
          GArray *items = order->items[layer];
          for (guint k = 1; k < items->len; k++)
            {
              const Item *a = &g_array_index (items, Item, k - 1), *b = &g_array_index (items, Item, k);
              double least = order->left[item_slot (order, a)] + item_width (order, a) + ITEM_GAP;
              if (order->left[item_slot (order, b)] < least)
                {
                  order->left[item_slot (order, b)] = least;
                  changed = TRUE;
                }
            }
        }
      if (!changed)
        break;
    }
}

/* How far the item in @slot wants to move right (negative: left): toward the mean centre of
 * the neighbours of its nodes. A plate's slot counts those outside the plate; a node inside a
 * plate (@within_plate) only those inside it, as the slot has already come as near the others
 * as it can, and pulling members to its edge would crowd them there. */
static double
wanted_shift (Order *order, guint slot, gboolean within_plate)
{
  Graph *graph = order->graph;
  double sum = 0;
  guint count = 0;
  for (guint i = 0; i < graph->n; i++)
    {
      gboolean inside = slot < graph->n ? i == slot
                                        : graph->nodes[i]->plate == (int) (slot - graph->n);
      if (!inside)
        continue;
      int plate = graph->nodes[i]->plate;
      for (int direction = 0; direction < 2; direction++)
        {
          GArray *neighbours = direction == 0 ? graph->parents[i] : graph->children[i];
          for (guint j = 0; j < neighbours->len; j++)
            {
              const CanvasNode *neighbour = graph->nodes[g_array_index (neighbours, int, j)];
              gboolean same_plate = plate >= 0 && neighbour->plate == plate;
              if ((slot >= graph->n && same_plate) || (within_plate && !same_plate))
                continue;
              sum += neighbour->x - graph->nodes[i]->x;
              count++;
            }
        }
    }
  return count > 0 ? sum / count : 0;
}

/* Moves items toward their neighbours within the room their layers leave them, so children
 * sit under their parents; every move keeps the gaps, so nothing comes to overlap. */
static void
balance (Order *order)
{
  Graph *graph = order->graph;
  guint n_slots = graph->n + graph->n_plates;
  for (int pass = 0; pass < BALANCE_PASSES; pass++)
    for (guint slot = 0; slot < n_slots; slot++)
      {
        double shift = wanted_shift (order, slot, FALSE);
        if (shift == 0)
          continue;
        double room_left = G_MAXDOUBLE, room_right = G_MAXDOUBLE;
        gboolean present = FALSE;
        for (guint layer = 0; layer < graph->n_layers; layer++)
          {
            GArray *items = order->items[layer];
            for (guint k = 0; k < items->len; k++)
              {
                const Item *item = &g_array_index (items, Item, k);
                if (item_slot (order, item) != slot)
                  continue;
                present = TRUE;
                double left = order->left[slot], right = left + item_width (order, item);
                if (k > 0)
                  {
                    const Item *before = &g_array_index (items, Item, k - 1);
                    double edge = order->left[item_slot (order, before)] + item_width (order, before);
                    room_left = MIN (room_left, left - edge - ITEM_GAP);
                  }
                if (k + 1 < items->len)
                  {
                    const Item *after = &g_array_index (items, Item, k + 1);
                    room_right = MIN (room_right, order->left[item_slot (order, after)] - right - ITEM_GAP);
                  }
              }
          }
        if (!present)
          continue;
        shift = CLAMP (shift, -MAX (room_left, 0), MAX (room_right, 0));
        order->left[slot] += shift;
        place_from_lefts (order);
      }
}

/* The graph's structure: every node with its kind, plate and parents, for telling whether a new
 * model changed it. */
static char *
structure_signature (CrModelCanvas *self)
{
  GString *text = g_string_new (NULL);
  for (guint i = 0; i < self->nodes->len; i++)
    {
      const CanvasNode *node = g_ptr_array_index (self->nodes, i);
      g_string_append_printf (text, "%s/%d/%d<", node->name, node->kind, node->plate);
      for (guint k = 0; k < node->parents->len; k++)
        g_string_append_printf (text, "%s,", (const char *) g_ptr_array_index (node->parents, k));
      g_string_append_c (text, ';');
    }
  return g_string_free (text, FALSE);
}

/* Moves plate members toward their neighbours inside their slot, each layer's members keeping
 * their order and gaps, so a plate's nodes sit under their parents as free nodes do. The slot
 * does not move, so nothing outside the plate comes to overlap. */
static void
balance_inside_plates (Order *order)
{
  Graph *graph = order->graph;
  for (int pass = 0; pass < BALANCE_PASSES; pass++)
    for (guint p = 0; p < graph->n_plates; p++)
      for (int layer = graph->plate_top[p]; layer <= graph->plate_bottom[p]; layer++)
        {
          g_autoptr (GArray) members = plate_members (order, (int) p, layer);
          double slot_left = order->left[graph->n + p] + PLATE_PADDING;
          double slot_right = order->left[graph->n + p] + graph->plate_width[p] - PLATE_PADDING;
          for (guint m = 0; m < members->len; m++)
            {
              guint i = (guint) g_array_index (members, Item, m).node;
              CanvasNode *node = graph->nodes[i];
              double lowest = m > 0 ? graph->nodes[g_array_index (members, Item, m - 1).node]->x
                                          + graph->nodes[g_array_index (members, Item, m - 1).node]->width / 2
                                          + ITEM_GAP
                                    : slot_left;
              double highest = m + 1 < members->len
                                   ? graph->nodes[g_array_index (members, Item, m + 1).node]->x
                                         - graph->nodes[g_array_index (members, Item, m + 1).node]->width / 2
                                         - ITEM_GAP
                                   : slot_right;
              double wanted = node->x + wanted_shift (order, i, TRUE);
              node->x = CLAMP (wanted, lowest + node->width / 2, MAX (highest - node->width / 2,
                                                                      lowest + node->width / 2));
            }
        }
}

/* Lays out every node: sets x and y of each (centres), from layer, order and balancing. */
static void
layout_all (CrModelCanvas *self, int *layers)
{
  Graph graph;
  graph_init (&graph, self);
  assign_layers (&graph);
  Order order = { &graph };
  order.items = g_new0 (GArray *, MAX (graph.n_layers, 1));
  order.key = g_new0 (double, graph.n);
  order.rank = g_new0 (double, graph.n);
  order.plate_key = g_new0 (double, graph.n_plates);
  order.left = g_new0 (double, graph.n + graph.n_plates);

  order_layers (&order);
  plate_widths (&order, self->plates);
  pack_left (&order);
  place_from_lefts (&order);
  balance (&order);
  balance_inside_plates (&order);
  for (guint i = 0; i < graph.n; i++)
    {
      graph.nodes[i]->y = graph.layer[i] * LAYER_SPACING;
      if (layers != NULL)
        layers[i] = graph.layer[i];
    }

  for (guint layer = 0; layer < graph.n_layers; layer++)
    g_array_unref (order.items[layer]);
  g_free (order.items);
  g_free (order.key);
  g_free (order.rank);
  g_free (order.plate_key);
  g_free (order.left);
  graph_clear (&graph);
}

/* Whether node @i at its current place leaves a gap to every placed node, lies in no other
 * plate, and its own plate, grown to take it, swallows no placed node of another plate. */
static gboolean
place_is_free (CrModelCanvas *self, guint i, const gboolean *placed)
{
  const CanvasNode *node = g_ptr_array_index (self->nodes, i);
  Rect box = node_rect (node);
  for (guint j = 0; j < self->nodes->len; j++)
    if (j != i && placed[j]
        && rects_overlap (box, node_rect (g_ptr_array_index (self->nodes, j)), ITEM_GAP / 2))
      return FALSE;
  for (guint p = 0; p < self->plates->len; p++)
    {
      Rect plate;
      if ((int) p == node->plate || !plate_rect (self, (int) p, placed, &plate))
        continue;
      if (rects_overlap (box, plate, ITEM_GAP / 2))
        return FALSE;
    }
  Rect own;
  if (node->plate >= 0 && plate_rect (self, node->plate, placed, &own))
    {
      own = rect_union (own, plate_rect_around (g_ptr_array_index (self->plates, node->plate), box));
      for (guint j = 0; j < self->nodes->len; j++)
        {
          const CanvasNode *other = g_ptr_array_index (self->nodes, j);
          if (j != i && placed[j] && other->plate != node->plate
              && rects_overlap (own, node_rect (other), ITEM_GAP / 2))
            return FALSE;
        }
    }
  return TRUE;
}

typedef struct
{
  double dx, dy, cost;
} Offset;

static int
compare_offsets (gconstpointer a, gconstpointer b)
{
  const Offset *x = a, *y = b;
  return (x->cost > y->cost) - (x->cost < y->cost);
}

/* Moves node @i to the free place nearest (@x, @y) on a grid around it, or below everything
 * when the grid is full. */
static void
place_near (CrModelCanvas *self, guint i, const gboolean *placed, double x, double y)
{
  CanvasNode *node = g_ptr_array_index (self->nodes, i);
  g_autoptr (GArray) offsets = g_array_new (FALSE, FALSE, sizeof (Offset));
  for (int row = -PLACE_STEPS_Y; row <= PLACE_STEPS_Y; row++)
    for (int step = -PLACE_STEPS_X; step <= PLACE_STEPS_X; step++)
      {
        Offset offset = { step * PLACE_STEP_X, row * PLACE_STEP_Y, 0 };
        offset.cost = fabs (offset.dx) + PLACE_ROW_COST * fabs (offset.dy);
        g_array_append_val (offsets, offset);
      }
  g_array_sort (offsets, compare_offsets);
  for (guint k = 0; k < offsets->len; k++)
    {
      const Offset *offset = &g_array_index (offsets, Offset, k);
      node->x = x + offset->dx;
      node->y = y + offset->dy;
      if (place_is_free (self, i, placed))
        return;
    }
  double bottom = y;
  for (guint j = 0; j < self->nodes->len; j++)
    if (placed[j])
      bottom = MAX (bottom, node_rect (g_ptr_array_index (self->nodes, j)).y1);
  node->x = x;
  node->y = bottom + LAYER_SPACING;
}

/* Places the nodes not @fixed: each where the full layout would put it, moved as its placed
 * neighbours have moved from their layout places (all fixed nodes when it has none), then
 * to the nearest free place. Parents are placed before children. With no fixed node, the
 * layout is used as it is. */
static void
place_new_nodes (CrModelCanvas *self, const gboolean *fixed)
{
  guint n = self->nodes->len;
  g_autofree double *fixed_x = g_new (double, n);
  g_autofree double *fixed_y = g_new (double, n);
  g_autofree int *layers = g_new (int, n);
  g_autofree gboolean *placed = g_new (gboolean, n);
  guint n_fixed = 0;
  for (guint i = 0; i < n; i++)
    {
      const CanvasNode *node = g_ptr_array_index (self->nodes, i);
      fixed_x[i] = node->x;
      fixed_y[i] = node->y;
      placed[i] = fixed[i];
      n_fixed += fixed[i] ? 1 : 0;
    }
  layout_all (self, layers); /* every node's layout place, in node->x and node->y */
  g_autofree double *layout_x = g_new (double, n);
  g_autofree double *layout_y = g_new (double, n);
  double all_dx = 0, all_dy = 0;
  for (guint i = 0; i < n; i++)
    {
      CanvasNode *node = g_ptr_array_index (self->nodes, i);
      layout_x[i] = node->x;
      layout_y[i] = node->y;
      if (!fixed[i])
        continue;
      all_dx += (fixed_x[i] - layout_x[i]) / n_fixed;
      all_dy += (fixed_y[i] - layout_y[i]) / n_fixed;
      node->x = fixed_x[i];
      node->y = fixed_y[i];
    }

  for (int layer = 0; n_fixed > 0 && layer <= (int) n; layer++)
    for (guint i = 0; i < n; i++)
      {
        if (placed[i] || layers[i] != layer)
          continue;
        const CanvasNode *node = g_ptr_array_index (self->nodes, i);
        double dx = 0, dy = 0;
        guint count = 0;
        for (guint j = 0; j < n; j++)
          {
            const CanvasNode *other = g_ptr_array_index (self->nodes, j);
            gboolean related = g_ptr_array_find_with_equal_func (node->parents, other->name,
                                                                 g_str_equal, NULL)
                               || g_ptr_array_find_with_equal_func (other->parents, node->name,
                                                                    g_str_equal, NULL);
            if (!placed[j] || !related)
              continue;
            dx += other->x - layout_x[j];
            dy += other->y - layout_y[j];
            count++;
          }
        if (count > 0)
          {
            dx /= count;
            dy /= count;
          }
        else
          {
            dx = all_dx;
            dy = all_dy;
          }
        place_near (self, i, placed, layout_x[i] + dx, layout_y[i] + dy);
        placed[i] = TRUE;
      }
  for (guint i = 0; i < n; i++)
    {
      CanvasNode *node = g_ptr_array_index (self->nodes, i);
      set_node_xy (self, node, node->x, node->y);
    }
}

/* The view */

static Rect
graph_bounds (CrModelCanvas *self)
{
  Rect bounds = { 0 };
  for (guint i = 0; i < self->nodes->len; i++)
    {
      Rect box = node_rect (g_ptr_array_index (self->nodes, i));
      bounds = i == 0 ? box : rect_union (bounds, box);
    }
  for (guint p = 0; p < self->plates->len; p++)
    {
      Rect plate;
      if (plate_rect (self, (int) p, NULL, &plate))
        bounds = rect_union (bounds, plate);
    }
  return bounds;
}

static void
fit_now (CrModelCanvas *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));
  self->fit_pending = FALSE;
  if (self->nodes->len == 0)
    {
      self->zoom = 1.0;
      self->pan_x = self->pan_y = 0;
      return;
    }
  Rect bounds = graph_bounds (self);
  double graph_width = MAX (bounds.x1 - bounds.x0, 1), graph_height = MAX (bounds.y1 - bounds.y0, 1);
  double zoom = MIN ((width - 2 * FIT_MARGIN) / graph_width, (height - 2 * FIT_MARGIN) / graph_height);
  self->zoom = CLAMP (MIN (zoom, ZOOM_FIT_MAX), CR_MODEL_CANVAS_ZOOM_MIN, CR_MODEL_CANVAS_ZOOM_MAX);
  self->pan_x = width / 2.0 - (bounds.x0 + bounds.x1) / 2 * self->zoom;
  self->pan_y = height / 2.0 - (bounds.y0 + bounds.y1) / 2 * self->zoom;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Pans the least that shows node @node whole, when the widget has a size. */
static void
scroll_to_node (CrModelCanvas *self, const CanvasNode *node)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));
  if (width <= 0 || height <= 0)
    return;
  Rect box = node_rect (node);
  double x0 = box.x0 * self->zoom + self->pan_x, x1 = box.x1 * self->zoom + self->pan_x;
  double y0 = box.y0 * self->zoom + self->pan_y, y1 = box.y1 * self->zoom + self->pan_y;
  if (x0 < FIT_MARGIN)
    self->pan_x += FIT_MARGIN - x0;
  else if (x1 > width - FIT_MARGIN)
    self->pan_x -= x1 - (width - FIT_MARGIN);
  if (y0 < FIT_MARGIN)
    self->pan_y += FIT_MARGIN - y0;
  else if (y1 > height - FIT_MARGIN)
    self->pan_y -= y1 - (height - FIT_MARGIN);
}

static void
update_accessible (CrModelCanvas *self)
{
  g_autofree char *description
      = self->selected != NULL
            ? g_strdup_printf (ngettext ("%u node; %s selected", "%u nodes; %s selected",
                                         self->nodes->len),
                               self->nodes->len, self->selected)
            : g_strdup_printf (ngettext ("%u node", "%u nodes", self->nodes->len),
                               self->nodes->len);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  description, -1);
}

/* Drawing */

typedef struct
{
  GdkRGBA background;
  GdkRGBA foreground;
  GdkRGBA accent;
  GdkRGBA error;
  GdkRGBA badge;      /* an error badge's fill */
  GdkRGBA badge_mark; /* and its mark */
  gboolean dark;
} Palette;

/* Libadwaita's named colours from the widget's style, so the canvas follows the theme;
 * libadwaita's own values when a colour is not defined. */
static void
lookup_color (GtkWidget *widget, const char *name, const char *fallback, GdkRGBA *color)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  if (!gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), name, color))
    gdk_rgba_parse (color, fallback);
  G_GNUC_END_IGNORE_DEPRECATIONS
}

static Palette
current_palette (GtkWidget *widget)
{
  Palette palette;
  palette.dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  lookup_color (widget, "view_bg_color", palette.dark ? "#1e1e1e" : "#ffffff", &palette.background);
  lookup_color (widget, "view_fg_color", palette.dark ? "#ffffff" : "rgba(0,0,0,0.8)",
                &palette.foreground);
  lookup_color (widget, "accent_color", palette.dark ? "#78aeed" : "#1c71d8", &palette.accent);
  lookup_color (widget, "error_color", palette.dark ? "#ff7b63" : "#c01c28", &palette.error);
  lookup_color (widget, "destructive_bg_color", palette.dark ? "#c01c28" : "#e01b24", &palette.badge);
  lookup_color (widget, "destructive_fg_color", "#ffffff", &palette.badge_mark);
  return palette;
}

static void
set_color (cairo_t *cr, const GdkRGBA *color, double alpha)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha * alpha);
}

/* The foreground mixed into the background by @amount, opaque, so a shaded node hides the
 * plate and arrows behind it. */
static void
set_shade (cairo_t *cr, const Palette *palette, double amount)
{
  double a = amount * palette->foreground.alpha;
  cairo_set_source_rgb (cr, palette->background.red * (1 - a) + palette->foreground.red * a,
                        palette->background.green * (1 - a) + palette->foreground.green * a,
                        palette->background.blue * (1 - a) + palette->foreground.blue * a);
}

static void
rounded_rect (cairo_t *cr, Rect rect, double radius)
{
  radius = MIN (radius, MIN (rect.x1 - rect.x0, rect.y1 - rect.y0) / 2);
  cairo_new_sub_path (cr);
  cairo_arc (cr, rect.x1 - radius, rect.y0 + radius, radius, -G_PI / 2, 0);
  cairo_arc (cr, rect.x1 - radius, rect.y1 - radius, radius, 0, G_PI / 2);
  cairo_arc (cr, rect.x0 + radius, rect.y1 - radius, radius, G_PI / 2, G_PI);
  cairo_arc (cr, rect.x0 + radius, rect.y0 + radius, radius, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

static void
node_path (cairo_t *cr, const CanvasNode *node)
{
  if (is_ellipse (node))
    {
      cairo_save (cr);
      cairo_translate (cr, node->x, node->y);
      cairo_scale (cr, node->width / 2, node->height / 2);
      cairo_new_sub_path (cr);
      cairo_arc (cr, 0, 0, 1, 0, 2 * G_PI);
      cairo_restore (cr);
    }
  else
    rounded_rect (cr, node_rect (node), node->kind == CR_CANVAS_NODE_DATA ? DATA_RADIUS : BOX_RADIUS);
}

/* Where the line from @node's centre toward (@x, @y) leaves its shape. */
static void
border_point (const CanvasNode *node, double x, double y, double *border_x, double *border_y)
{
  double dx = x - node->x, dy = y - node->y;
  double half_width = node->width / 2, half_height = node->height / 2;
  double t = 0;
  if (dx != 0 || dy != 0)
    {
      if (is_ellipse (node))
        t = 1 / sqrt ((dx / half_width) * (dx / half_width) + (dy / half_height) * (dy / half_height));
      else
        t = MIN (dx != 0 ? half_width / fabs (dx) : G_MAXDOUBLE,
                 dy != 0 ? half_height / fabs (dy) : G_MAXDOUBLE);
    }
  *border_x = node->x + t * dx;
  *border_y = node->y + t * dy;
}

/* The arrowhead at @tip, pointing along the unit vector (@ux, @uy). */
static void
draw_arrowhead (cairo_t *cr, double tip_x, double tip_y, double ux, double uy)
{
  cairo_move_to (cr, tip_x, tip_y);
  cairo_line_to (cr, tip_x - ux * ARROW_LENGTH - uy * ARROW_HALF_WIDTH,
                 tip_y - uy * ARROW_LENGTH + ux * ARROW_HALF_WIDTH);
  cairo_line_to (cr, tip_x - ux * ARROW_LENGTH + uy * ARROW_HALF_WIDTH,
                 tip_y - uy * ARROW_LENGTH - ux * ARROW_HALF_WIDTH);
  cairo_close_path (cr);
  cairo_fill (cr);
}

/* Where an edge leaves @node's bottom (or enters its top, !@bottom): on the outline, moved
 * from the middle toward the node at the other end (@toward_x), so that edges from the left
 * arrive on the left and arrowheads into one node do not pile up. */
static void
port_point (const CanvasNode *node, double toward_x, gboolean bottom, double *x, double *y)
{
  double half_width = node->width / 2, half_height = node->height / 2;
  double offset = CLAMP ((toward_x - node->x) * PORT_SLOPE, -half_width * PORT_SPREAD,
                         half_width * PORT_SPREAD);
  double rise = is_ellipse (node)
                    ? half_height * sqrt (1 - (offset / half_width) * (offset / half_width))
                    : half_height;
  *x = node->x + offset;
  *y = node->y + (bottom ? rise : -rise);
}

/* An arrow from @parent to @child. A child below its parent gets a curve that leaves the
 * parent's bottom and enters the child's top vertically, as dot draws them, so a long sideways
 * edge runs in the gap between layers instead of along a row of nodes; nodes the user placed
 * side by side or upside down get a straight line between their outlines. */
static void
draw_edge (cairo_t *cr, const CanvasNode *parent, const CanvasNode *child)
{
  double x0, y0, x1, y1;
  port_point (parent, child->x, TRUE, &x0, &y0);
  port_point (child, parent->x, FALSE, &x1, &y1);
  if (y1 - y0 > 2 * ARROW_LENGTH)
    {
      double base_y = y1 - ARROW_LENGTH;
      double bend = (base_y - y0) * EDGE_BEND;
      cairo_move_to (cr, x0, y0);
      cairo_curve_to (cr, x0, y0 + bend, x1, base_y - bend, x1, base_y);
      cairo_stroke (cr);
      draw_arrowhead (cr, x1, y1, 0, 1);
      return;
    }
  border_point (parent, child->x, child->y, &x0, &y0);
  border_point (child, parent->x, parent->y, &x1, &y1);
  double length = hypot (x1 - x0, y1 - y0);
  double toward_child = (child->x - parent->x) * (x1 - x0) + (child->y - parent->y) * (y1 - y0);
  if (length < 2 * ARROW_LENGTH || toward_child <= 0)
    return; /* the boxes touch or overlap: no room for an arrow */
  double ux = (x1 - x0) / length, uy = (y1 - y0) / length;
  cairo_move_to (cr, x0, y0);
  cairo_line_to (cr, x1 - ux * ARROW_LENGTH, y1 - uy * ARROW_LENGTH);
  cairo_stroke (cr);
  draw_arrowhead (cr, x1, y1, ux, uy);
}

static void
draw_plate (CrModelCanvas *self, cairo_t *cr, const Palette *palette, int index)
{
  Rect rect;
  if (!plate_rect (self, index, NULL, &rect))
    return;
  rounded_rect (cr, rect, PLATE_RADIUS);
  set_color (cr, &palette->foreground, PLATE_FILL_ALPHA);
  cairo_fill_preserve (cr);
  set_color (cr, &palette->foreground, PLATE_LINE_ALPHA);
  cairo_set_line_width (cr, 1.0);
  cairo_stroke (cr);
}

/* A plate's label at its bottom right, drawn after the arrows on a patch of the plate's own
 * colour, so an arrow that crosses the corner passes behind the text instead of through it. */
static void
draw_plate_label (CrModelCanvas *self, cairo_t *cr, const Palette *palette, int index)
{
  Rect rect;
  if (!plate_rect (self, index, NULL, &rect))
    return;
  const CanvasPlate *plate = g_ptr_array_index (self->plates, index);
  double x = rect.x1 - PLATE_PADDING - plate->label_width;
  double y = rect.y1 - (PLATE_LABEL_HEIGHT + plate->label_height) / 2 - PLATE_PADDING / 4;
  Rect patch = { x - LABEL_PATCH_MARGIN, y, x + plate->label_width + LABEL_PATCH_MARGIN,
                 y + plate->label_height };
  rounded_rect (cr, patch, BOX_RADIUS);
  set_shade (cr, palette, PLATE_FILL_ALPHA);
  cairo_fill (cr);
  g_autoptr (PangoLayout) layout = create_label_layout (self, PLATE_LABEL_SIZE, cr);
  pango_layout_set_text (layout, plate->label, -1);
  set_color (cr, &palette->foreground, DIM_ALPHA);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
}

/* An error badge on the outline at the top right (a box's corner, an ellipse at 45 degrees):
 * a filled circle with an exclamation mark drawn as a bar and a dot, crisp at any zoom. */
static void
draw_badge (cairo_t *cr, const Palette *palette, const CanvasNode *node)
{
  double corner = is_ellipse (node) ? G_SQRT2 / 2 : 1;
  double x = node->x + node->width / 2 * corner, y = node->y - node->height / 2 * corner;
  cairo_arc (cr, x, y, BADGE_RADIUS, 0, 2 * G_PI);
  set_color (cr, &palette->badge, 1.0);
  cairo_fill_preserve (cr);
  set_color (cr, &palette->background, 1.0);
  cairo_set_line_width (cr, BADGE_RING_WIDTH);
  cairo_stroke (cr);
  set_color (cr, &palette->badge_mark, 1.0);
  cairo_set_line_width (cr, BADGE_MARK_WIDTH);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_move_to (cr, x, y - BADGE_RADIUS * 0.5);
  cairo_line_to (cr, x, y + BADGE_RADIUS * 0.12);
  cairo_stroke (cr);
  cairo_arc (cr, x, y + BADGE_RADIUS * 0.5, BADGE_MARK_WIDTH * 0.6, 0, 2 * G_PI);
  cairo_fill (cr);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);
}

static void
draw_node (CrModelCanvas *self, cairo_t *cr, const Palette *palette, const CanvasNode *node)
{
  gboolean selected = g_strcmp0 (node->name, self->selected) == 0;
  gboolean shaded = node->kind == CR_CANVAS_NODE_OBSERVED || node->kind == CR_CANVAS_NODE_DATA;
  if (selected)
    {
      node_path (cr, node);
      set_color (cr, &palette->accent, 0.3);
      cairo_set_line_width (cr, SELECTED_HALO_WIDTH);
      cairo_stroke (cr);
    }
  node_path (cr, node);
  if (shaded)
    set_shade (cr, palette, palette->dark ? SHADE_DARK : SHADE_LIGHT);
  else
    set_color (cr, &palette->background, 1.0);
  cairo_fill_preserve (cr);
  if (node->kind == CR_CANVAS_NODE_LOCAL)
    {
      double dash = LOCAL_DASH;
      cairo_set_dash (cr, &dash, 1, 0);
    }
  if (selected)
    {
      set_color (cr, &palette->accent, 1.0);
      cairo_set_line_width (cr, SELECTED_LINE_WIDTH);
    }
  else if (node->error != NULL)
    {
      set_color (cr, &palette->error, 1.0);
      cairo_set_line_width (cr, ERROR_LINE_WIDTH);
    }
  else
    {
      set_color (cr, &palette->foreground, 0.85);
      cairo_set_line_width (cr, NODE_LINE_WIDTH);
    }
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);

  g_autoptr (PangoLayout) layout = create_label_layout (self, LABEL_SIZE, cr);
  g_autofree char *markup = node_markup (node);
  pango_layout_set_markup (layout, markup, -1);
  int width, height;
  pango_layout_get_pixel_size (layout, &width, &height);
  set_color (cr, &palette->foreground, 1.0);
  cairo_move_to (cr, node->x - width / 2.0, node->y - height / 2.0);
  pango_cairo_show_layout (cr, layout);
  if (node->error != NULL)
    draw_badge (cr, palette, node);
}

static void
draw_empty (CrModelCanvas *self, cairo_t *cr, const Palette *palette, int width, int height)
{
  g_autoptr (PangoLayout) layout = create_label_layout (self, LABEL_SIZE, cr);
  pango_layout_set_text (layout, _("No variables yet: add one from the palette or type the model"),
                         -1);
  pango_layout_set_width (layout, MAX (width - 2 * (int) FIT_MARGIN, 1) * PANGO_SCALE);
  pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD);
  int text_width, text_height;
  pango_layout_get_pixel_size (layout, &text_width, &text_height);
  set_color (cr, &palette->foreground, DIM_ALPHA);
  cairo_move_to (cr, FIT_MARGIN, (height - text_height) / 2.0);
  pango_cairo_show_layout (cr, layout);
}

static void
cr_model_canvas_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  CrModelCanvas *self = CR_MODEL_CANVAS (widget);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  if (width <= 0 || height <= 0)
    return;
  Palette palette = current_palette (widget);
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  set_color (cr, &palette.background, 1.0);
  cairo_paint (cr);
  if (self->nodes->len == 0)
    {
      draw_empty (self, cr, &palette, width, height);
      cairo_destroy (cr);
      return;
    }
  cairo_translate (cr, self->pan_x, self->pan_y);
  cairo_scale (cr, self->zoom, self->zoom);
  for (guint p = 0; p < self->plates->len; p++)
    draw_plate (self, cr, &palette, (int) p);

  set_color (cr, &palette.foreground, EDGE_ALPHA);
  cairo_set_line_width (cr, EDGE_WIDTH);
  for (guint i = 0; i < self->nodes->len; i++)
    {
      const CanvasNode *child = g_ptr_array_index (self->nodes, i);
      for (guint j = 0; j < child->parents->len; j++)
        {
          const CanvasNode *parent = find_node (self, g_ptr_array_index (child->parents, j));
          g_assert (parent != NULL); /* every parent is a node */
          draw_edge (cr, parent, child);
        }
    }
  for (guint p = 0; p < self->plates->len; p++)
    draw_plate_label (self, cr, &palette, (int) p);
  for (guint i = 0; i < self->nodes->len; i++)
    draw_node (self, cr, &palette, g_ptr_array_index (self->nodes, i));
  cairo_destroy (cr);
}

/* Hit testing */

static gboolean
node_contains (const CanvasNode *node, double x, double y)
{
  double dx = (x - node->x) / (node->width / 2), dy = (y - node->y) / (node->height / 2);
  if (is_ellipse (node))
    return dx * dx + dy * dy <= 1;
  return fabs (dx) <= 1 && fabs (dy) <= 1;
}

/* The topmost node under widget point (@x, @y): the last drawn. */
static CanvasNode *
node_at (CrModelCanvas *self, double x, double y)
{
  double canvas_x = (x - self->pan_x) / self->zoom, canvas_y = (y - self->pan_y) / self->zoom;
  for (guint i = self->nodes->len; i-- > 0;)
    {
      CanvasNode *node = g_ptr_array_index (self->nodes, i);
      if (node_contains (node, canvas_x, canvas_y))
        return node;
    }
  return NULL;
}

/* Input */

static void
select_node (CrModelCanvas *self, const char *name, gboolean scroll)
{
  CanvasNode *node = find_node (self, name);
  const char *new_name = node != NULL ? node->name : NULL;
  if (g_strcmp0 (new_name, self->selected) == 0)
    return;
  g_free (self->selected);
  self->selected = g_strdup (new_name);
  if (node != NULL && scroll)
    scroll_to_node (self, node);
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[SIGNAL_SELECTION_CHANGED], 0, self->selected);
}

static void
on_click_pressed (GtkGestureClick *gesture, int n_press, double x, double y, CrModelCanvas *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self));
  CanvasNode *node = node_at (self, x, y);
  if (n_press == 2 && node != NULL)
    g_signal_emit (self, signals[SIGNAL_NODE_ACTIVATED], 0, node->name);
  else if (n_press == 1)
    select_node (self, node != NULL ? node->name : NULL, FALSE);
}

static void
on_drag_begin (GtkGestureDrag *gesture, double x, double y, CrModelCanvas *self)
{
  CanvasNode *node = node_at (self, x, y);
  g_clear_pointer (&self->drag_node, g_free);
  self->drag_moved = FALSE;
  if (node != NULL)
    {
      self->drag_node = g_strdup (node->name);
      self->drag_start_x = node->x;
      self->drag_start_y = node->y;
    }
  else
    {
      self->drag_start_x = self->pan_x;
      self->drag_start_y = self->pan_y;
    }
}

static void
on_drag_update (GtkGestureDrag *gesture, double offset_x, double offset_y, CrModelCanvas *self)
{
  CanvasNode *node = find_node (self, self->drag_node);
  if (node != NULL)
    {
      set_node_xy (self, node, self->drag_start_x + offset_x / self->zoom,
                   self->drag_start_y + offset_y / self->zoom);
      self->drag_moved = self->drag_moved || offset_x != 0 || offset_y != 0;
    }
  else if (self->drag_node == NULL)
    {
      self->pan_x = self->drag_start_x + offset_x;
      self->pan_y = self->drag_start_y + offset_y;
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_drag_end (GtkGestureDrag *gesture, double offset_x, double offset_y, CrModelCanvas *self)
{
  on_drag_update (gesture, offset_x, offset_y, self);
  gboolean moved = self->drag_node != NULL && self->drag_moved;
  g_clear_pointer (&self->drag_node, g_free);
  self->arranged = self->arranged || moved;
  if (moved)
    g_signal_emit (self, signals[SIGNAL_LAYOUT_CHANGED], 0);
}

static void
on_motion (GtkEventControllerMotion *controller, double x, double y, CrModelCanvas *self)
{
  self->pointer_x = x;
  self->pointer_y = y;
}

static gboolean
on_scroll (GtkEventControllerScroll *controller, double dx, double dy, CrModelCanvas *self)
{
  /* A wheel reports notches, a touchpad pixels. */
  double step = gtk_event_controller_scroll_get_unit (controller) == GDK_SCROLL_UNIT_WHEEL
                    ? SCROLL_STEP
                    : 1.0;
  GdkModifierType state
      = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
  if (state & GDK_CONTROL_MASK)
    cr_model_canvas_zoom_at (self, self->zoom * pow (ZOOM_STEP, -dy * step / SCROLL_STEP),
                             self->pointer_x, self->pointer_y);
  else
    {
      self->pan_x -= dx * step;
      self->pan_y -= dy * step;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
  return TRUE;
}

static void
on_pinch_begin (GtkGesture *gesture, GdkEventSequence *sequence, CrModelCanvas *self)
{
  self->pinch_start_zoom = self->zoom;
}

static void
on_pinch_scale_changed (GtkGestureZoom *gesture, double scale, CrModelCanvas *self)
{
  double x, y;
  if (!gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &x, &y))
    return;
  cr_model_canvas_zoom_at (self, self->pinch_start_zoom * scale, x, y);
}

/* Selects the node @step places after the selected one in node order. Returns: FALSE, with the
 * selection cleared, when that runs past either end, so Tab moves the focus on from there. */
static gboolean
select_step (CrModelCanvas *self, int step)
{
  guint n = self->nodes->len;
  if (n == 0)
    return FALSE;
  guint current;
  CanvasNode *selected = find_node (self, self->selected);
  int next;
  if (selected == NULL || !g_ptr_array_find (self->nodes, selected, &current))
    next = step > 0 ? 0 : (int) n - 1;
  else
    next = (int) current + step;
  if (next < 0 || next >= (int) n)
    {
      select_node (self, NULL, FALSE);
      return FALSE;
    }
  select_node (self, ((CanvasNode *) g_ptr_array_index (self->nodes, next))->name, TRUE);
  return TRUE;
}

static void
zoom_about_centre (CrModelCanvas *self, double zoom)
{
  cr_model_canvas_zoom_at (self, zoom, gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
                           gtk_widget_get_height (GTK_WIDGET (self)) / 2.0);
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller, guint keyval, guint keycode,
                GdkModifierType state, CrModelCanvas *self)
{
  switch (keyval)
    {
    case GDK_KEY_Delete:
    case GDK_KEY_KP_Delete:
    case GDK_KEY_BackSpace:
      if (self->selected == NULL)
        return FALSE;
      g_signal_emit (self, signals[SIGNAL_DELETE_REQUESTED], 0, self->selected);
      return TRUE;
    case GDK_KEY_plus:
    case GDK_KEY_equal:
    case GDK_KEY_KP_Add:
      zoom_about_centre (self, self->zoom * ZOOM_STEP);
      return TRUE;
    case GDK_KEY_minus:
    case GDK_KEY_KP_Subtract:
      zoom_about_centre (self, self->zoom / ZOOM_STEP);
      return TRUE;
    case GDK_KEY_0:
    case GDK_KEY_KP_0:
      cr_model_canvas_zoom_to_fit (self);
      return TRUE;
    case GDK_KEY_Tab:
    case GDK_KEY_KP_Tab:
    case GDK_KEY_ISO_Left_Tab:
      return select_step (self, keyval == GDK_KEY_ISO_Left_Tab || (state & GDK_SHIFT_MASK) ? -1 : 1);
    case GDK_KEY_Escape:
      if (self->selected == NULL)
        return FALSE;
      select_node (self, NULL, FALSE);
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
cr_model_canvas_query_tooltip (GtkWidget *widget, int x, int y, gboolean keyboard,
                               GtkTooltip *tooltip)
{
  CrModelCanvas *self = CR_MODEL_CANVAS (widget);
  CanvasNode *node = keyboard ? find_node (self, self->selected) : node_at (self, x, y);
  if (node == NULL || node->error == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, node->error);
  return TRUE;
}

static void
cr_model_canvas_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  CrModelCanvas *self = CR_MODEL_CANVAS (widget);
  if (self->fit_pending && width > 0 && height > 0)
    fit_now (self);
}

static void
cr_model_canvas_dispose (GObject *object)
{
  CrModelCanvas *self = CR_MODEL_CANVAS (object);
  g_clear_pointer (&self->nodes, g_ptr_array_unref);
  g_clear_pointer (&self->node_index, g_hash_table_unref);
  g_clear_pointer (&self->plates, g_ptr_array_unref);
  g_clear_pointer (&self->positions, g_hash_table_unref);
  g_clear_pointer (&self->known_plates, g_hash_table_unref);
  g_clear_pointer (&self->selected, g_free);
  g_clear_pointer (&self->drag_node, g_free);
  G_OBJECT_CLASS (cr_model_canvas_parent_class)->dispose (object);
}

static void
cr_model_canvas_class_init (CrModelCanvasClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = cr_model_canvas_dispose;
  widget_class->snapshot = cr_model_canvas_snapshot;
  widget_class->size_allocate = cr_model_canvas_size_allocate;
  widget_class->query_tooltip = cr_model_canvas_query_tooltip;
  gtk_widget_class_set_css_name (widget_class, "modelcanvas");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);

  signals[SIGNAL_SELECTION_CHANGED]
      = g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                      NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_DELETE_REQUESTED]
      = g_signal_new ("delete-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                      NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_LAYOUT_CHANGED] = g_signal_new ("layout-changed", G_TYPE_FROM_CLASS (klass),
                                                 G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                 G_TYPE_NONE, 0);
  signals[SIGNAL_NODE_ACTIVATED]
      = g_signal_new ("node-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                      NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
redraw (CrModelCanvas *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
cr_model_canvas_init (CrModelCanvas *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  self->nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) canvas_node_free);
  self->node_index = g_hash_table_new (g_str_hash, g_str_equal);
  self->plates = g_ptr_array_new_with_free_func ((GDestroyNotify) canvas_plate_free);
  self->positions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->known_plates
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) plate_spec_free);
  self->zoom = 1.0;

  gtk_widget_set_focusable (widget, TRUE);
  gtk_widget_set_focus_on_click (widget, TRUE);
  gtk_widget_set_has_tooltip (widget, TRUE);
  gtk_widget_set_hexpand (widget, TRUE);
  gtk_widget_set_vexpand (widget, TRUE);
  gtk_widget_set_size_request (widget, MIN_WIDTH, MIN_HEIGHT);
  gtk_widget_set_overflow (widget, GTK_OVERFLOW_HIDDEN);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Model graph"), -1);
  update_accessible (self);

  GtkGesture *click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "pressed", G_CALLBACK (on_click_pressed), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (click));

  GtkGesture *drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (drag));

  GtkEventController *scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (widget, scroll);

  GtkEventController *motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "enter", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  gtk_widget_add_controller (widget, motion);

  GtkGesture *pinch = gtk_gesture_zoom_new ();
  g_signal_connect (pinch, "begin", G_CALLBACK (on_pinch_begin), self);
  g_signal_connect (pinch, "scale-changed", G_CALLBACK (on_pinch_scale_changed), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (pinch));

  GtkEventController *keys = gtk_event_controller_key_new ();
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (widget, keys);

  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark", G_CALLBACK (redraw),
                           self, G_CONNECT_SWAPPED);
}

/* Public API */

GtkWidget *
cr_model_canvas_new (void)
{
  return g_object_new (CR_TYPE_MODEL_CANVAS, NULL);
}

/* Which nodes keep a place: those on show before, and new ones whose remembered place (from
 * an earlier graph or a loaded layout) is free of those. */
static gboolean *
keep_positions (CrModelCanvas *self, GHashTable *previous)
{
  guint n = self->nodes->len;
  gboolean *fixed = g_new0 (gboolean, n);
  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < n; i++)
      {
        CanvasNode *node = g_ptr_array_index (self->nodes, i);
        const double *position = g_hash_table_lookup (self->positions, node->name);
        gboolean was_shown = g_hash_table_contains (previous, node->name);
        if (position == NULL || was_shown != (pass == 0))
          continue;
        node->x = position[0];
        node->y = position[1];
        fixed[i] = was_shown || place_is_free (self, i, fixed);
      }
  return fixed;
}

void
cr_model_canvas_set_model (CrModelCanvas *canvas, const CrModel *model, GPtrArray *diagnostics)
{
  g_return_if_fail (CR_IS_MODEL_CANVAS (canvas));
  gboolean was_empty = canvas->nodes->len == 0;
  g_autofree char *old_structure = structure_signature (canvas);
  g_autoptr (GHashTable) previous = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < canvas->nodes->len; i++)
    g_hash_table_add (previous, g_strdup (((CanvasNode *) g_ptr_array_index (canvas->nodes, i))->name));
  g_hash_table_remove_all (canvas->node_index);
  g_ptr_array_set_size (canvas->nodes, 0);
  g_ptr_array_set_size (canvas->plates, 0);

  if (model != NULL)
    {
      const CrProgram *program = cr_model_get_program (model);
      const CrDataset *dataset = cr_model_get_dataset (model);
      add_statement_nodes (canvas, program, dataset);
      add_parents (canvas, program, dataset);
      add_errors (canvas, program, diagnostics);
      resolve_shapes (canvas, model);
      assign_plates (canvas);
      for (guint i = 0; i < canvas->nodes->len; i++)
        {
          CanvasNode *node = g_ptr_array_index (canvas->nodes, i);
          node->statement = NULL; /* the model is only borrowed */
          measure_node (canvas, node);
        }
    }

  g_autofree gboolean *fixed = keep_positions (canvas, previous);
  gboolean placed_any = FALSE;
  for (guint i = 0; i < canvas->nodes->len; i++)
    placed_any = placed_any || !fixed[i];
  g_autofree char *new_structure = structure_signature (canvas);
  if (!canvas->arranged && !was_empty && strcmp (old_structure, new_structure) != 0)
    {
      layout_all (canvas, NULL);
      for (guint i = 0; i < canvas->nodes->len; i++)
        {
          CanvasNode *node = g_ptr_array_index (canvas->nodes, i);
          set_node_xy (canvas, node, node->x, node->y);
        }
      cr_model_canvas_zoom_to_fit (canvas);
      placed_any = TRUE;
    }
  else if (placed_any)
    place_new_nodes (canvas, fixed);
  if (was_empty && canvas->nodes->len > 0)
    cr_model_canvas_zoom_to_fit (canvas);

  if (canvas->selected != NULL && find_node (canvas, canvas->selected) == NULL)
    select_node (canvas, NULL, FALSE);
  update_accessible (canvas);
  gtk_widget_queue_draw (GTK_WIDGET (canvas));
  if (placed_any)
    g_signal_emit (canvas, signals[SIGNAL_LAYOUT_CHANGED], 0);
}

void
cr_model_canvas_relayout (CrModelCanvas *canvas)
{
  g_return_if_fail (CR_IS_MODEL_CANVAS (canvas));
  canvas->arranged = FALSE;
  layout_all (canvas, NULL);
  for (guint i = 0; i < canvas->nodes->len; i++)
    {
      CanvasNode *node = g_ptr_array_index (canvas->nodes, i);
      set_node_xy (canvas, node, node->x, node->y);
    }
  cr_model_canvas_zoom_to_fit (canvas);
  g_signal_emit (canvas, signals[SIGNAL_LAYOUT_CHANGED], 0);
}

void
cr_model_canvas_zoom_to_fit (CrModelCanvas *canvas)
{
  g_return_if_fail (CR_IS_MODEL_CANVAS (canvas));
  if (gtk_widget_get_width (GTK_WIDGET (canvas)) > 0 && gtk_widget_get_height (GTK_WIDGET (canvas)) > 0)
    fit_now (canvas);
  else
    canvas->fit_pending = TRUE;
}

double
cr_model_canvas_get_zoom (CrModelCanvas *canvas)
{
  g_return_val_if_fail (CR_IS_MODEL_CANVAS (canvas), 1.0);
  return canvas->zoom;
}

void
cr_model_canvas_set_zoom (CrModelCanvas *canvas, double zoom)
{
  g_return_if_fail (CR_IS_MODEL_CANVAS (canvas));
  zoom_about_centre (canvas, zoom);
}

void
cr_model_canvas_zoom_at (CrModelCanvas *canvas, double zoom, double widget_x, double widget_y)
{
  g_return_if_fail (CR_IS_MODEL_CANVAS (canvas));
  g_return_if_fail (isfinite (zoom));
  zoom = CLAMP (zoom, CR_MODEL_CANVAS_ZOOM_MIN, CR_MODEL_CANVAS_ZOOM_MAX);
  double canvas_x = (widget_x - canvas->pan_x) / canvas->zoom;
  double canvas_y = (widget_y - canvas->pan_y) / canvas->zoom;
  canvas->zoom = zoom;
  canvas->pan_x = widget_x - canvas_x * zoom;
  canvas->pan_y = widget_y - canvas_y * zoom;
  canvas->fit_pending = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (canvas));
}

const char *
cr_model_canvas_get_selected (CrModelCanvas *canvas)
{
  g_return_val_if_fail (CR_IS_MODEL_CANVAS (canvas), NULL);
  return canvas->selected;
}

void
cr_model_canvas_select (CrModelCanvas *canvas, const char *name)
{
  g_return_if_fail (CR_IS_MODEL_CANVAS (canvas));
  select_node (canvas, name, TRUE);
}

guint
cr_model_canvas_get_n_nodes (CrModelCanvas *canvas)
{
  g_return_val_if_fail (CR_IS_MODEL_CANVAS (canvas), 0);
  return canvas->nodes->len;
}

const char *
cr_model_canvas_get_node_name (CrModelCanvas *canvas, guint index)
{
  g_return_val_if_fail (CR_IS_MODEL_CANVAS (canvas), NULL);
  g_return_val_if_fail (index < canvas->nodes->len, NULL);
  return ((CanvasNode *) g_ptr_array_index (canvas->nodes, index))->name;
}

gboolean
cr_model_canvas_get_node_kind (CrModelCanvas *canvas, const char *name, CrCanvasNodeKind *kind)
{
  g_return_val_if_fail (CR_IS_MODEL_CANVAS (canvas), FALSE);
  CanvasNode *node = find_node (canvas, name);
  if (node == NULL)
    return FALSE;
  if (kind != NULL)
    *kind = node->kind;
  return TRUE;
}

char **
cr_model_canvas_get_parents (CrModelCanvas *canvas, const char *name)
{
  g_return_val_if_fail (CR_IS_MODEL_CANVAS (canvas), NULL);
  CanvasNode *node = find_node (canvas, name);
  if (node == NULL)
    return NULL;
  char **parents = g_new0 (char *, node->parents->len + 1);
  for (guint i = 0; i < node->parents->len; i++)
    parents[i] = g_strdup (g_ptr_array_index (node->parents, i));
  return parents;
}

const char *
cr_model_canvas_get_node_error (CrModelCanvas *canvas, const char *name)
{
  g_return_val_if_fail (CR_IS_MODEL_CANVAS (canvas), NULL);
  CanvasNode *node = find_node (canvas, name);
  return node != NULL ? node->error : NULL;
}

const char *
cr_model_canvas_get_plate_label (CrModelCanvas *canvas, const char *name)
{
  g_return_val_if_fail (CR_IS_MODEL_CANVAS (canvas), NULL);
  CanvasNode *node = find_node (canvas, name);
  if (node == NULL || node->plate < 0)
    return NULL;
  return ((CanvasPlate *) g_ptr_array_index (canvas->plates, node->plate))->label;
}

gboolean
cr_model_canvas_get_node_position (CrModelCanvas *canvas, const char *name, double *x, double *y)
{
  g_return_val_if_fail (CR_IS_MODEL_CANVAS (canvas), FALSE);
  CanvasNode *node = find_node (canvas, name);
  if (node == NULL)
    return FALSE;
  if (x != NULL)
    *x = node->x;
  if (y != NULL)
    *y = node->y;
  return TRUE;
}

void
cr_model_canvas_set_node_position (CrModelCanvas *canvas, const char *name, double x, double y)
{
  g_return_if_fail (CR_IS_MODEL_CANVAS (canvas));
  g_return_if_fail (isfinite (x) && isfinite (y));
  CanvasNode *node = find_node (canvas, name);
  if (node == NULL)
    return;
  set_node_xy (canvas, node, x, y);
  canvas->arranged = TRUE;
  gtk_widget_queue_draw (GTK_WIDGET (canvas));
}

gboolean
cr_model_canvas_get_node_size (CrModelCanvas *canvas, const char *name, double *width, double *height)
{
  g_return_val_if_fail (CR_IS_MODEL_CANVAS (canvas), FALSE);
  CanvasNode *node = find_node (canvas, name);
  if (node == NULL)
    return FALSE;
  if (width != NULL)
    *width = node->width;
  if (height != NULL)
    *height = node->height;
  return TRUE;
}

const char *
cr_model_canvas_node_at (CrModelCanvas *canvas, double widget_x, double widget_y)
{
  g_return_val_if_fail (CR_IS_MODEL_CANVAS (canvas), NULL);
  CanvasNode *node = node_at (canvas, widget_x, widget_y);
  return node != NULL ? node->name : NULL;
}

gboolean
cr_model_canvas_node_to_widget (CrModelCanvas *canvas, const char *name, double *wx, double *wy)
{
  g_return_val_if_fail (CR_IS_MODEL_CANVAS (canvas), FALSE);
  CanvasNode *node = find_node (canvas, name);
  if (node == NULL)
    return FALSE;
  if (wx != NULL)
    *wx = node->x * canvas->zoom + canvas->pan_x;
  if (wy != NULL)
    *wy = node->y * canvas->zoom + canvas->pan_y;
  return TRUE;
}

/* The saved layout */

#define LAYOUT_VERSION 1

char *
cr_model_canvas_save_layout (CrModelCanvas *canvas)
{
  g_return_val_if_fail (CR_IS_MODEL_CANVAS (canvas), NULL);
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, LAYOUT_VERSION);
  json_builder_set_member_name (builder, "nodes");
  json_builder_begin_object (builder);
  for (guint i = 0; i < canvas->nodes->len; i++)
    {
      const CanvasNode *node = g_ptr_array_index (canvas->nodes, i);
      json_builder_set_member_name (builder, node->name);
      json_builder_begin_array (builder);
      json_builder_add_double_value (builder, node->x);
      json_builder_add_double_value (builder, node->y);
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  g_autoptr (JsonNode) root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/* Returns: TRUE and sets @value when @node is a finite number. */
static gboolean
json_number (JsonNode *node, double *value)
{
  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  GType type = json_node_get_value_type (node);
  if (type != G_TYPE_DOUBLE && type != G_TYPE_INT64)
    return FALSE;
  *value = json_node_get_double (node);
  return isfinite (*value);
}

static gboolean
layout_error (GError **error, const char *message)
{
  g_set_error (error, CR_MODEL_CANVAS_ERROR, CR_MODEL_CANVAS_ERROR_LAYOUT,
               _("The saved graph layout cannot be read: %s; the graph keeps its layout"), message);
  return FALSE;
}

gboolean
cr_model_canvas_load_layout (CrModelCanvas *canvas, const char *json, GError **error)
{
  g_return_val_if_fail (CR_IS_MODEL_CANVAS (canvas), FALSE);
  g_return_val_if_fail (json != NULL, FALSE);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) parse_error = NULL;
  if (!json_parser_load_from_data (parser, json, -1, &parse_error))
    return layout_error (error, parse_error->message);
  JsonNode *root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return layout_error (error, _("it is not a JSON object"));
  JsonObject *object = json_node_get_object (root);
  JsonNode *version = json_object_get_member (object, "version");
  double version_value;
  if (version == NULL || !json_number (version, &version_value) || version_value != LAYOUT_VERSION)
    return layout_error (error, _("its version is not 1"));
  JsonNode *nodes = json_object_get_member (object, "nodes");
  if (nodes == NULL || !JSON_NODE_HOLDS_OBJECT (nodes))
    return layout_error (error, _("it has no \"nodes\" object"));

  /* Check everything before changing anything. */
  JsonObject *nodes_object = json_node_get_object (nodes);
  g_autoptr (GList) names = json_object_get_members (nodes_object);
  g_autoptr (GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
  for (GList *link = names; link != NULL; link = link->next)
    {
      JsonNode *member = json_object_get_member (nodes_object, link->data);
      JsonArray *pair = JSON_NODE_HOLDS_ARRAY (member) ? json_node_get_array (member) : NULL;
      double xy[2];
      if (pair == NULL || json_array_get_length (pair) != 2
          || !json_number (json_array_get_element (pair, 0), &xy[0])
          || !json_number (json_array_get_element (pair, 1), &xy[1]))
        {
          g_autofree char *message
              = g_strdup_printf (_("the place of '%s' is not two numbers [x, y]"),
                                 (const char *) link->data);
          return layout_error (error, message);
        }
      g_array_append_vals (values, xy, 2);
    }
  guint k = 0;
  for (GList *link = names; link != NULL; link = link->next, k++)
    {
      double x = g_array_index (values, double, 2 * k), y = g_array_index (values, double, 2 * k + 1);
      CanvasNode *node = find_node (canvas, link->data);
      if (node != NULL)
        set_node_xy (canvas, node, x, y);
      else
        {
          double *position = g_new (double, 2);
          position[0] = x;
          position[1] = y;
          g_hash_table_replace (canvas->positions, g_strdup (link->data), position);
        }
    }
  canvas->arranged = TRUE;
  gtk_widget_queue_draw (GTK_WIDGET (canvas));
  return TRUE;
}
