/* gui-util.c: what the GUI tests share to drive widgets under a display. */
#include "gui-util.h"

gboolean
gui_wait_for (gboolean (*done) (gpointer data), gpointer data, gint64 timeout_us)
{
  gint64 deadline = g_get_monotonic_time () + timeout_us;
  while (!done (data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (500);
    }
  return TRUE;
}

gboolean
gui_is_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (GTK_WIDGET (widget));
}

void
gui_settle (guint rounds)
{
  for (guint i = 0; i < rounds; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (2000);
    }
}

GtkWidget *
gui_find_descendant (GtkWidget *root, GType type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = gui_find_descendant (child, type);
      if (found != NULL)
        return found;
    }
  return NULL;
}

GdkTexture *
gui_render (GtkWidget *widget)
{
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr (GtkSnapshot) snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  g_autoptr (GskRenderNode) node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    return NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  return gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
}

void
gui_save_screenshot (GtkWidget *widget, const char *name)
{
  const char *dir = g_getenv ("CREDENCE_SCREENSHOT_DIR");
  if (dir == NULL)
    return;
  /* A widget between an allocation and its next frame has no render node yet: on a loaded
   * machine that moment can last; let the frame come. */
  g_autoptr (GdkTexture) texture = gui_render (widget);
  for (int attempt = 0; texture == NULL && attempt < 20; attempt++)
    {
      gui_settle (10);
      texture = gui_render (widget);
    }
  g_assert_nonnull (texture);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
}
