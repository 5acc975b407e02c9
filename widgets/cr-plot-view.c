/* cr-plot-view.c: a plot renderer on screen. */
#include "cr-plot-view.h"

#include <adwaita.h>

struct _CrPlotView
{
  GtkDrawingArea parent_instance;
  CrPlotKind kind;
  gpointer input;
  GDestroyNotify free_input;
  char *empty_text;
};

G_DEFINE_FINAL_TYPE (CrPlotView, cr_plot_view, GTK_TYPE_DRAWING_AREA)

static CrPlotStyle
current_style (void)
{
  CrPlotStyle style = { CR_PLOT_THEME_LIGHT, NULL, 0, FALSE };
  if (adw_style_manager_get_dark (adw_style_manager_get_default ()))
    style.theme = CR_PLOT_THEME_DARK;
  return style;
}

/* Centred dim text, for an empty view or a plot that cannot be drawn at this size. */
static void
draw_message (GtkWidget *widget, cairo_t *cr, int width, int height, const char *text)
{
  if (text == NULL)
    return;
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);
  pango_layout_set_width (layout, MAX (width - 24, 1) * PANGO_SCALE);
  pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD);
  int text_width, text_height;
  pango_layout_get_pixel_size (layout, &text_width, &text_height);
  CrColor foreground = cr_plot_foreground_color (current_style ().theme);
  cr_plot_set_source (cr, foreground, 0.55);
  cairo_move_to (cr, 12, (height - text_height) / 2.0);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
}

static void
draw (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer data)
{
  CrPlotView *self = CR_PLOT_VIEW (area);
  if (self->input == NULL)
    {
      draw_message (GTK_WIDGET (area), cr, width, height, self->empty_text);
      return;
    }
  CrPlotStyle style = current_style ();
  cr_plot_set_source (cr, cr_plot_background_color (style.theme), 1.0);
  cairo_paint (cr);
  g_autoptr (GError) error = NULL;
  if (!cr_plot_draw (cr, width, height, &style, self->kind, self->input, &error))
    draw_message (GTK_WIDGET (area), cr, width, height, error->message);
}

static void
clear_input (CrPlotView *self)
{
  if (self->input != NULL && self->free_input != NULL)
    self->free_input (self->input);
  self->input = NULL;
  self->free_input = NULL;
}

static void
cr_plot_view_dispose (GObject *object)
{
  CrPlotView *self = CR_PLOT_VIEW (object);
  clear_input (self);
  g_clear_pointer (&self->empty_text, g_free);
  G_OBJECT_CLASS (cr_plot_view_parent_class)->dispose (object);
}

static void
cr_plot_view_class_init (CrPlotViewClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = cr_plot_view_dispose;
}

static void
redraw (CrPlotView *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
cr_plot_view_init (CrPlotView *self)
{
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self), draw, NULL, NULL);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_size_request (GTK_WIDGET (self), 320, 240);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark", G_CALLBACK (redraw), self,
                           G_CONNECT_SWAPPED);
}

GtkWidget *
cr_plot_view_new (void)
{
  return g_object_new (CR_TYPE_PLOT_VIEW, NULL);
}

void
cr_plot_view_set_input (CrPlotView *view, CrPlotKind kind, gpointer input, GDestroyNotify free_input,
                        const char *empty_text)
{
  g_return_if_fail (CR_IS_PLOT_VIEW (view));
  clear_input (view);
  view->kind = kind;
  view->input = input;
  view->free_input = free_input;
  g_free (view->empty_text);
  view->empty_text = g_strdup (empty_text);
  gtk_widget_queue_draw (GTK_WIDGET (view));
}

gboolean
cr_plot_view_has_input (CrPlotView *view)
{
  g_return_val_if_fail (CR_IS_PLOT_VIEW (view), FALSE);
  return view->input != NULL;
}

gboolean
cr_plot_view_save (CrPlotView *view, const char *path, GError **error)
{
  g_return_val_if_fail (CR_IS_PLOT_VIEW (view), FALSE);
  if (view->input == NULL)
    {
      g_set_error (error, CR_PLOT_ERROR, CR_PLOT_ERROR_INPUT, "there is no plot to save yet");
      return FALSE;
    }
  int width = MAX (gtk_widget_get_width (GTK_WIDGET (view)), 640);
  int height = MAX (gtk_widget_get_height (GTK_WIDGET (view)), 360);
  CrPlotStyle style = current_style ();
  return cr_plot_save (path, width, height, &style, view->kind, view->input, error);
}
