/* gui-util.h: what the GUI tests share to drive widgets under a display (Xvfb in CI). */
#pragma once

#include <gtk/gtk.h>

/* How long a test waits for something a person would see at once. */
#define GUI_TIMEOUT_US (5 * G_USEC_PER_SEC)

/* Spins the main loop until @done (@data) returns TRUE (then returns TRUE) or @timeout_us
 * passes (then returns FALSE). */
gboolean gui_wait_for (gboolean (*done) (gpointer data), gpointer data, gint64 timeout_us);

/* Whether @widget (a GtkWidget) is mapped; a predicate for gui_wait_for (). */
gboolean gui_is_mapped (gpointer widget);

/* Lets pending layout, drawing and animations happen: @rounds rounds of running every pending
 * source, each followed by 2 ms of sleep. */
void gui_settle (guint rounds);

/* Returns: (transfer none) the first widget of @type under @root (itself included), depth
 * first, or NULL. */
GtkWidget *gui_find_descendant (GtkWidget *root, GType type);

/* Returns: (transfer full) @widget rendered alone at its allocated size by its window's
 * renderer, or NULL when it draws nothing at all. */
GdkTexture *gui_render (GtkWidget *widget);

/* Saves @widget, rendered, as the PNG @name in $CREDENCE_SCREENSHOT_DIR; does nothing when
 * that is not set. */
void gui_save_screenshot (GtkWidget *widget, const char *name);
