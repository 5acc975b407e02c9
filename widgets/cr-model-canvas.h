/* cr-model-canvas.h: the model builder's graph, drawn with Cairo and Pango as DoodleBUGS and
 * PyMC's model_to_graphviz draw a model: free variables as ellipses, observed variables as
 * shaded ellipses, deterministics as boxes, `local` values as dashed boxes, data (constants
 * and the dataset columns the model uses) as shaded rounded boxes, an arrow from each parent
 * to its child, and vector variables inside plates labelled with their size ("J = 8",
 * "school: 8 levels", "100"). A node whose statement has an error has a red outline, a badge
 * and the messages as its tooltip.
 *
 * The graph comes from the program's statements, not from the validated graph, so an invalid
 * model still shows: one node per defined name (a `~` statement on a `data` name and that
 * `data` statement are one observed node), plus one data node per dataset column the
 * statements read. A node's parents are the names its statement reads (size, distribution
 * arguments including keyword ones, value) that name another node.
 *
 * Coordinates: node positions are in canvas (model) units, the units of a label at zoom 1;
 * widget = canvas * zoom + pan. Positions belong to names: they survive set_model (), and a
 * name that disappears and comes back finds its old place when that is still free. Until a
 * person arranges the graph (drags a node, or a stored layout is loaded, or
 * set_node_position () is called), and again after relayout (), a change in the graph's
 * structure (nodes, parents, plates) lays the whole graph out afresh, so a model built node by
 * node reads as well as one that came from text.
 *
 * Invariants: node names are unique; every parent of a node is a node; the selection is a node
 * or NULL; after set_model () or relayout () no two node boxes overlap unless the user or
 * set_node_position () put them there; the zoom stays in [CR_MODEL_CANVAS_ZOOM_MIN,
 * CR_MODEL_CANVAS_ZOOM_MAX]. The canvas keeps no pointer into the model it was given.
 *
 * Input: a click selects (on the background: clears), a double click activates; dragging a
 * node moves it, dragging the background or scrolling pans; Ctrl+scroll and pinching zoom
 * about the pointer. Keys when focused: Delete/BackSpace ask to delete the selection,
 * plus/minus/0 zoom in, out and to fit, Escape clears the selection, Tab/Shift+Tab select the
 * next/previous node in node order; past the last (first) node they clear the selection and
 * let the focus move on, so the keyboard never gets trapped in the canvas.
 *
 * Signals:
 *   "selection-changed" (const char *name, nullable): the selected node changed.
 *   "delete-requested" (const char *name): Delete or BackSpace with @name selected; the canvas
 *     changes nothing, the window decides.
 *   "layout-changed": positions changed by the canvas or the user (a drag ended, relayout (),
 *     new nodes placed by set_model ()), so the window can save the layout.
 *   "node-activated" (const char *name): a node was double-clicked.
 */
#pragma once

#include "model/model.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The zoom range; 1 draws labels at their natural size (12 px). */
#define CR_MODEL_CANVAS_ZOOM_MIN 0.2
#define CR_MODEL_CANVAS_ZOOM_MAX 4.0

#define CR_MODEL_CANVAS_ERROR (cr_model_canvas_error_quark ())
GQuark cr_model_canvas_error_quark (void);

typedef enum
{
  CR_MODEL_CANVAS_ERROR_LAYOUT, /* a saved layout that is not the JSON save_layout () writes */
} CrModelCanvasError;

#define CR_TYPE_MODEL_CANVAS (cr_model_canvas_get_type ())
G_DECLARE_FINAL_TYPE (CrModelCanvas, cr_model_canvas, CR, MODEL_CANVAS, GtkWidget)

typedef enum
{
  CR_CANVAS_NODE_FREE,
  CR_CANVAS_NODE_OBSERVED,
  CR_CANVAS_NODE_DETERMINISTIC,
  CR_CANVAS_NODE_LOCAL,
  CR_CANVAS_NODE_DATA,
} CrCanvasNodeKind;

/* Returns: (transfer floating) an empty canvas; focusable, with an accessible label. */
GtkWidget *cr_model_canvas_new (void);

/* Shows the graph of @model's program (valid or not; borrowed only during the call, the canvas
 * copies what it needs), its dataset's columns, and @diagnostics (element-type
 * CrModelDiagnostic, nullable) on their nodes: a diagnostic belongs to the statement whose
 * lines span its line. Keeps positions and the selection by name (selection cleared if that
 * node is gone, emitting "selection-changed"). New nodes are placed where they overlap
 * nothing ("layout-changed"); the first graph shown is laid out and fitted. When @model is
 * valid, plates come from its shapes; otherwise each node keeps its last known plate, else
 * the one its declared size gives. NULL model: empty. */
void cr_model_canvas_set_model (CrModelCanvas *canvas, const CrModel *model, GPtrArray *diagnostics);

/* Lays out every node again (parents above children, plates together), then fits the view;
 * emits "layout-changed". */
void cr_model_canvas_relayout (CrModelCanvas *canvas);

/* Zooms and pans so that the whole graph shows, at most at zoom 1; at once when the canvas has
 * a size, else as soon as it gets one. */
void cr_model_canvas_zoom_to_fit (CrModelCanvas *canvas);

double cr_model_canvas_get_zoom (CrModelCanvas *canvas);
/* Sets the zoom (clamped to the range) about the centre of the widget. */
void cr_model_canvas_set_zoom (CrModelCanvas *canvas, double zoom);
/* Sets the zoom (clamped) so that the canvas point under widget point (@widget_x, @widget_y)
 * stays there, as Ctrl+scroll and pinching do about the pointer. */
void cr_model_canvas_zoom_at (CrModelCanvas *canvas, double zoom, double widget_x, double widget_y);

/* Returns: (transfer none) (nullable) the selected node's name. */
const char *cr_model_canvas_get_selected (CrModelCanvas *canvas);
/* Selects node @name (NULL, or a name that is no node, clears the selection); emits
 * "selection-changed" when the selection changes. */
void cr_model_canvas_select (CrModelCanvas *canvas, const char *name);

guint cr_model_canvas_get_n_nodes (CrModelCanvas *canvas);
/* Returns: (transfer none) node @index's name: statements in source order, then columns. */
const char *cr_model_canvas_get_node_name (CrModelCanvas *canvas, guint index);
/* Returns: FALSE when @name is no node; else TRUE with @kind set. */
gboolean cr_model_canvas_get_node_kind (CrModelCanvas *canvas, const char *name, CrCanvasNodeKind *kind);
/* Returns: (transfer full) (nullable) @name's parents in the order its statement reads them,
 * NULL-terminated (g_strfreev ()), or NULL when @name is no node. */
char **cr_model_canvas_get_parents (CrModelCanvas *canvas, const char *name);
/* Returns: (transfer none) (nullable) the messages of @name's errors, one per line, or NULL. */
const char *cr_model_canvas_get_node_error (CrModelCanvas *canvas, const char *name);
/* Returns: (transfer none) (nullable) the label of the plate @name is drawn in, or NULL for a
 * scalar (or unknown) node. */
const char *cr_model_canvas_get_plate_label (CrModelCanvas *canvas, const char *name);

/* Centre of the node in canvas (model) coordinates, independent of zoom and pan. */
gboolean cr_model_canvas_get_node_position (CrModelCanvas *canvas, const char *name, double *x, double *y);
/* Moves node @name's centre there (nothing when @name is no node); no "layout-changed". */
void cr_model_canvas_set_node_position (CrModelCanvas *canvas, const char *name, double x, double y);
/* Width and height of node @name's box in canvas units. Returns: FALSE when @name is no node. */
gboolean cr_model_canvas_get_node_size (CrModelCanvas *canvas,
                                        const char *name,
                                        double *width,
                                        double *height);

/* The node under a point in widget coordinates, or NULL (what a click hits). */
const char *cr_model_canvas_node_at (CrModelCanvas *canvas, double widget_x, double widget_y);
/* Widget coordinates of a node's centre (so tests can click it). */
gboolean cr_model_canvas_node_to_widget (CrModelCanvas *canvas, const char *name, double *wx, double *wy);

/* Positions as JSON {"version":1,"nodes":{"mu":[x,y],...}} for the project file, for the nodes
 * on show. Returns: (transfer full) the text; g_free (). */
char *cr_model_canvas_save_layout (CrModelCanvas *canvas);
/* Applies the positions of names present (unknown names kept for later, when they appear);
 * does not change the zoom or emit "layout-changed". Returns: FALSE with @error
 * (CR_MODEL_CANVAS_ERROR_LAYOUT) on malformed JSON, with nothing changed. */
gboolean cr_model_canvas_load_layout (CrModelCanvas *canvas, const char *json, GError **error);

G_END_DECLS
