/* cr-code-view.h: a GtkSourceView for .crm model text: highlighting, line numbers, and the
 * style scheme that matches the application's light or dark style. */
#pragma once

#include <gtksourceview/gtksource.h>

G_BEGIN_DECLS

#define CR_TYPE_CODE_VIEW (cr_code_view_get_type ())
G_DECLARE_FINAL_TYPE (CrCodeView, cr_code_view, CR, CODE_VIEW, GtkSourceView)

/* Returns: (transfer floating) a new, empty code view. */
GtkWidget *cr_code_view_new (void);

/* Replaces the text (not undoable: this is loading, not editing). */
void cr_code_view_set_text (CrCodeView *view, const char *text);

/* Returns: (transfer full) the whole text; g_free () it. */
char *cr_code_view_get_text (CrCodeView *view);

G_END_DECLS
