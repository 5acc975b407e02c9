/* cr-model-editor.h: the model code pane. An editable .crm text view (a CrCodeView: line
 * numbers, highlighting, light or dark scheme) that validates the model against the engine
 * after each pause in typing, underlines every error at its line and column with the message
 * as a tooltip, lists the errors under the text (activating one moves the cursor there), and
 * keeps GtkTextBuffer's undo history for every edit.
 *
 * Invariants: validation runs on the main thread, CR_MODEL_EDITOR_PAUSE_MS after the last edit
 * (each edit restarts the wait), or at once after cr_model_editor_set_text () and
 * cr_model_editor_set_dataset (); after it, the underlines, the error list, is_valid () and
 * get_first_error () all describe the text that was validated, and "validated" has been
 * emitted. The text is never changed by the editor itself. The dataset is borrowed and must
 * outlive the editor or be replaced first.
 *
 * Signals:
 *   "validated" (gboolean valid): after every validation.
 *   "changed" (const char *text): after "validated", when the validation followed an edit of
 *     the text (typing, undo, redo) and found the text valid, so the window can store the text
 *     and rebuild the graph. Not emitted for set_text () or set_dataset () alone: the caller
 *     made those changes and can read is_valid ().
 * Properties (read-only): "valid", "can-undo", "can-redo", for binding actions and the Run
 * button's sensitivity.
 */
#pragma once

#include "data/data.h"
#include "model/model.h"

#include <gtksourceview/gtksource.h>

G_BEGIN_DECLS

/* How long typing must pause before the text is validated. */
#define CR_MODEL_EDITOR_PAUSE_MS 300

/* The name of the buffer's tag that underlines errors. */
#define CR_MODEL_EDITOR_ERROR_TAG "cr-model-error"

#define CR_TYPE_MODEL_EDITOR (cr_model_editor_get_type ())
G_DECLARE_FINAL_TYPE (CrModelEditor, cr_model_editor, CR, MODEL_EDITOR, GtkBox)

/* Returns: (transfer floating) a new, empty editor; nothing is validated until text is set or
 * typed. */
GtkWidget *cr_model_editor_new (void);

/* Replaces the text without an undo step (the undo history is cleared: this is loading, not
 * editing) and validates it at once. */
void cr_model_editor_set_text (CrModelEditor *editor, const char *text);

/* Replaces the text by @text as one edit a person made, in one undo step (only the part
 * that differs is replaced, so the cursor and the scroll position stay where they were),
 * and validates it at once; "changed" follows when it is valid, as after typing. The
 * builder's graph edits come through here, so undo and redo cover them as well. */
void cr_model_editor_apply_edit (CrModelEditor *editor, const char *text);

/* Returns: (transfer full) the whole text; g_free () it. */
char *cr_model_editor_get_text (CrModelEditor *editor);

/* Sets the data the model's names bind to (@dataset borrowed; NULL for none) and validates
 * the text against it at once. */
void cr_model_editor_set_dataset (CrModelEditor *editor, const CrDataset *dataset);

/* Returns: (transfer none) (nullable) the dataset given to set_dataset (). */
const CrDataset *cr_model_editor_get_dataset (CrModelEditor *editor);

/* Returns: (transfer none) (nullable) the model of the last validation (valid or not), or
 * NULL when the text did not parse or nothing was validated yet. Valid until the next
 * validation. */
const CrModel *cr_model_editor_get_model (CrModelEditor *editor);

/* Returns: (transfer none) (element-type CrModelDiagnostic) the errors of the last validation
 * (empty when valid). Valid until the next validation. */
GPtrArray *cr_model_editor_get_diagnostics (CrModelEditor *editor);

/* Returns: whether the last validation found no error; FALSE before the first one. */
gboolean cr_model_editor_is_valid (CrModelEditor *editor);

/* Returns: (transfer none) (nullable) the first error of the last validation as
 * "LINE:COLUMN: message" (just the message when it has no position), or NULL when the text is
 * valid or was never validated. Valid until the next validation. */
const char *cr_model_editor_get_first_error (CrModelEditor *editor);

/* Returns: the number of errors the last validation found. */
guint cr_model_editor_get_n_errors (CrModelEditor *editor);

/* Returns: (transfer full) (nullable) the messages of the underlined errors that cover @iter
 * (an iter of the editor's buffer), one per line; NULL when no error covers it. This is the
 * text of the tooltip over that character. */
char *cr_model_editor_get_error_at (CrModelEditor *editor, const GtkTextIter *iter);

/* Undoes or redoes the last edit, when there is one (Ctrl+Z and Ctrl+Shift+Z in the view do
 * the same); the text is then validated after the pause, as after typing. */
void cr_model_editor_undo (CrModelEditor *editor);
void cr_model_editor_redo (CrModelEditor *editor);
gboolean cr_model_editor_can_undo (CrModelEditor *editor);
gboolean cr_model_editor_can_redo (CrModelEditor *editor);

/* Returns: (transfer none) the text view, for focus, scrolling and its buffer. */
GtkSourceView *cr_model_editor_get_view (CrModelEditor *editor);

G_END_DECLS
