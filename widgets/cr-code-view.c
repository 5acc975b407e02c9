/* cr-code-view.c: the model code view. */
#include "cr-code-view.h"

#include <adwaita.h>

struct _CrCodeView
{
  GtkSourceView parent_instance;
};

G_DEFINE_FINAL_TYPE (CrCodeView, cr_code_view, GTK_SOURCE_TYPE_VIEW)

/* The .crm language definition ships in the application's resources. */
static GtkSourceLanguage *
crm_language (void)
{
  static gsize initialised = 0;
  GtkSourceLanguageManager *manager = gtk_source_language_manager_get_default ();
  if (g_once_init_enter (&initialised))
    {
      gtk_source_language_manager_append_search_path (
          manager, "resource:///org/credence/Credence/language-specs");
      g_once_init_leave (&initialised, 1);
    }
  return gtk_source_language_manager_get_language (manager, "crm");
}

static void
update_style_scheme (CrCodeView *self)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  GtkSourceStyleSchemeManager *schemes = gtk_source_style_scheme_manager_get_default ();
  const char *id = adw_style_manager_get_dark (style) ? "Adwaita-dark" : "Adwaita";
  GtkSourceBuffer *buffer = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self)));
  gtk_source_buffer_set_style_scheme (buffer, gtk_source_style_scheme_manager_get_scheme (schemes, id));
}

/* GtkSourceView makes its buffer in its own constructed (); set ours up after it. */
static void
cr_code_view_constructed (GObject *object)
{
  CrCodeView *self = CR_CODE_VIEW (object);
  G_OBJECT_CLASS (cr_code_view_parent_class)->constructed (object);

  GtkSourceBuffer *buffer = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self)));
  gtk_source_buffer_set_language (buffer, crm_language ());

  gtk_source_view_set_show_line_numbers (GTK_SOURCE_VIEW (self), TRUE);
  gtk_source_view_set_tab_width (GTK_SOURCE_VIEW (self), 2);
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (self), TRUE);
  gtk_text_view_set_editable (GTK_TEXT_VIEW (self), FALSE);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (self), 6);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (self), 6);
  gtk_widget_add_css_class (GTK_WIDGET (self), "code-view");

  update_style_scheme (self);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (update_style_scheme), self, G_CONNECT_SWAPPED);
}

static void
cr_code_view_class_init (CrCodeViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->constructed = cr_code_view_constructed;
}

static void
cr_code_view_init (CrCodeView *self)
{
}

GtkWidget *
cr_code_view_new (void)
{
  return g_object_new (CR_TYPE_CODE_VIEW, NULL);
}

void
cr_code_view_set_text (CrCodeView *view, const char *text)
{
  g_return_if_fail (CR_IS_CODE_VIEW (view));
  GtkSourceBuffer *buffer = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)));
  gtk_text_buffer_begin_irreversible_action (GTK_TEXT_BUFFER (buffer));
  gtk_text_buffer_set_text (GTK_TEXT_BUFFER (buffer), text != NULL ? text : "", -1);
  gtk_text_buffer_end_irreversible_action (GTK_TEXT_BUFFER (buffer));
}

char *
cr_code_view_get_text (CrCodeView *view)
{
  g_return_val_if_fail (CR_IS_CODE_VIEW (view), NULL);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  GtkTextIter start, end;
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}
