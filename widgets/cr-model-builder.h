/* cr-model-builder.h: the Model view: the point-and-click builder and the code, side by side.
 * A palette (templates, priors, likelihoods, computed quantities, data columns) on the left;
 * the model's graph on a canvas over its code in the middle; the inspector of the selected
 * node on the right.
 *
 * The text is the single source of truth. A graph edit (a palette entry, an inspector change,
 * Delete on the canvas) is made with the engine's editing API on the model of the current
 * text, printed back, and applied to the code pane as one edit, so undo and redo cover graph
 * and text edits alike, and the project stores one thing. After every validation of the text
 * the canvas and the inspector show its model, valid or not, with the errors on their nodes;
 * while the text does not parse, the canvas keeps the last graph and says why.
 *
 * Invariants: the canvas, the inspector and the palette's columns describe the editor's last
 * validation; a graph edit that cannot be made (an invalid name, a syntax error in the text
 * to be edited) changes nothing and reports a GError. The dataset is borrowed and must
 * outlive the builder or be replaced first.
 *
 * Signals:
 *   "layout-changed": the canvas positions changed (a drag, a relayout, new nodes placed);
 *     cr_model_builder_get_layout () has them.
 *   "template-requested" (const char *id): a template of the palette was chosen.
 *   "edit-failed" (const char *message): a graph edit could not be made; the window shows it.
 */
#pragma once

#include "cr-model-canvas.h"
#include "cr-model-editor.h"
#include "cr-model-palette.h"
#include "cr-node-inspector.h"

G_BEGIN_DECLS

#define CR_TYPE_MODEL_BUILDER (cr_model_builder_get_type ())
G_DECLARE_FINAL_TYPE (CrModelBuilder, cr_model_builder, CR, MODEL_BUILDER, GtkBox)

GtkWidget *cr_model_builder_new (void);

/* Returns: (transfer none) the parts, for the window's signals and for tests. */
CrModelEditor *cr_model_builder_get_editor (CrModelBuilder *builder);
CrModelCanvas *cr_model_builder_get_canvas (CrModelBuilder *builder);
CrModelPalette *cr_model_builder_get_palette (CrModelBuilder *builder);
CrNodeInspector *cr_model_builder_get_inspector (CrModelBuilder *builder);

/* Sets the data the model binds to (borrowed; NULL for none): the editor validates against
 * it and the palette lists its columns. */
void cr_model_builder_set_dataset (CrModelBuilder *builder, const CrDataset *dataset);

/* Loads a model: its text (no undo step) and its canvas layout (nullable JSON from
 * cr_model_builder_get_layout (); NULL or damaged: automatic layout). */
void cr_model_builder_load (CrModelBuilder *builder, const char *text, const char *layout);

/* Returns: (transfer full) the canvas positions as JSON. */
char *cr_model_builder_get_layout (CrModelBuilder *builder);

/* Adds what palette entry (@group, @id) stands for: a prior `theta ~ Normal(0, 1)`, a
 * likelihood of a column not yet modelled, a deterministic or local quantity, or a likelihood
 * of data column @id; the new node is selected. Templates are not added here (see
 * "template-requested"). Returns: (transfer full) the new node's name, or NULL with @error. */
char *cr_model_builder_add_node (CrModelBuilder *builder, CrPaletteGroup group, const char *id, GError **error);

/* Makes an inspector edit of @node: @key and @text as in CrNodeInspector's "edit-requested"
 * (a size, an argument or a value is parsed as an expression; "" removes a size or the
 * observed column). Returns: FALSE with @error when it cannot be made. */
gboolean cr_model_builder_edit (CrModelBuilder *builder,
                                CrInspectorEdit edit,
                                const char *node,
                                const char *key,
                                const char *text,
                                GError **error);

G_END_DECLS
