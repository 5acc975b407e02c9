/* cr-application.h: the GtkApplication: actions, accelerators, windows, the about dialog. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CR_TYPE_APPLICATION (cr_application_get_type ())
G_DECLARE_FINAL_TYPE (CrApplication, cr_application, CR, APPLICATION, AdwApplication)

/* Returns: (transfer full) the application with @flags added to the ones it always has. */
CrApplication *cr_application_new (GApplicationFlags flags);

/* Returns: (transfer full) the path of the bundled example project in the user's data
 * folder, creating it from the resources on first use; NULL with @error set when it cannot
 * be written. The file is the user's from then on: it is never recreated over their edits. */
char *cr_application_ensure_example_project (GError **error);

/* Binds the message catalogues: $CREDENCE_LOCALEDIR, else the build tree's when this binary
 * runs from it, else the installed ones. Call once, first thing in main (). */
void cr_application_init_i18n (void);

G_END_DECLS
