/* cr-node-inspector.h: the model builder's inspector. It shows the node selected on the canvas
 * and lets a person change it: its name; for a random variable its distribution (a drop-down
 * of every distribution), its size, the data column it observes, and each argument of the
 * distribution as a number, a variable, a data column or any expression (typed, or picked
 * from a list of the model's names and the dataset's columns); for a computed node its
 * expression. It also says what kind of node it is, its support and shape when the model is
 * valid, and the errors on the node's line.
 *
 * The inspector changes nothing itself: every change is an "edit-requested" signal that the
 * builder applies to the model text, so every edit is one undo step. After an edit the
 * builder shows the node again.
 *
 * Invariants: after cr_node_inspector_show (), the rows describe that node of that model as it
 * was then (the model is only read during the call); with no node, an empty state says what
 * the inspector is for.
 *
 * Signals:
 *   "edit-requested" (CrInspectorEdit edit, const char *node, const char *key, const char
 *     *text): @key is the parameter name for CR_INSPECTOR_SET_ARGUMENT, else NULL; @text is
 *     the new name, distribution, size, column ("" for none), argument or value text.
 */
#pragma once

#include "model/model.h"

#include <adwaita.h>

G_BEGIN_DECLS

typedef enum
{
  CR_INSPECTOR_RENAME,
  CR_INSPECTOR_SET_DISTRIBUTION,
  CR_INSPECTOR_SET_SIZE,
  CR_INSPECTOR_SET_OBSERVED,
  CR_INSPECTOR_SET_ARGUMENT,
  CR_INSPECTOR_SET_VALUE,
  CR_INSPECTOR_REMOVE,
} CrInspectorEdit;

#define CR_TYPE_NODE_INSPECTOR (cr_node_inspector_get_type ())
G_DECLARE_FINAL_TYPE (CrNodeInspector, cr_node_inspector, CR, NODE_INSPECTOR, GtkBox)

GtkWidget *cr_node_inspector_new (void);

/* Shows node @name of @model (valid or not) with the @diagnostics (element-type
 * CrModelDiagnostic, nullable) of its statement; @name NULL, or a name the program does not
 * define, shows the empty state. */
void cr_node_inspector_show (CrNodeInspector *inspector, const CrModel *model, const char *name, GPtrArray *diagnostics);

/* Returns: (transfer none) (nullable) the node shown. */
const char *cr_node_inspector_get_node (CrNodeInspector *inspector);

/* Returns: (transfer none) (nullable) the row that edits @key: "name", "distribution", "size",
 * "observed", "value", or a parameter name of the distribution; NULL when the node has none.
 * For tests and for focusing a row. */
GtkWidget *cr_node_inspector_get_row (CrNodeInspector *inspector, const char *key);

/* Applies the text of entry row @key, as pressing its apply button or Enter does. Returns:
 * FALSE when there is no such entry row. */
gboolean cr_node_inspector_apply (CrNodeInspector *inspector, const char *key);

G_END_DECLS
