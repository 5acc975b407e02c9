/* cr-model-editor.c: the model code pane with live validation. */
#include "cr-model-editor.h"

#include "config.h"
#include "cr-code-view.h"
#include "model/model.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <string.h>

/* The list under the text grows with its errors up to this height, then scrolls. */
#define ERROR_LIST_MAX_HEIGHT 120

/* One error of the last validation. The marks follow the text as it is edited until the next
 * validation, so the tooltip and the list still point at the misspelt name after typing
 * elsewhere. An error without a position (line 0) has no marks. */
typedef struct
{
  guint line;
  guint column;
  char *message;
  GtkTextBuffer *buffer;
  GtkTextMark *start; /* right gravity: text typed just before the error is not part of it */
  GtkTextMark *end;   /* left gravity: text typed just after it is not either */
} EditorError;

struct _CrModelEditor
{
  GtkBox parent_instance;

  CrCodeView *view;
  GtkTextBuffer *buffer; /* the view's */
  GtkTextTag *error_tag;
  GtkWidget *error_scroller;
  GtkListBox *error_list;

  const CrDataset *dataset;
  guint pause_id;   /* the pending validation after an edit, or 0 */
  gboolean loading; /* set_text () is replacing the text: not an edit */
  gboolean edited;  /* the text was edited since the last validation */
  gboolean valid;
  GPtrArray *errors; /* (element-type EditorError) in the engine's order */
  char *first_error; /* "LINE:COLUMN: message" of errors[0], or NULL when valid */
  CrModel *model;    /* the last validation's model, or NULL when the text did not parse */
  GPtrArray *diagnostics; /* (element-type CrModelDiagnostic) the last validation's errors */
};

G_DEFINE_FINAL_TYPE (CrModelEditor, cr_model_editor, GTK_TYPE_BOX)

enum
{
  PROP_0,
  PROP_VALID,
  PROP_CAN_UNDO,
  PROP_CAN_REDO,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_VALIDATED,
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
editor_error_free (EditorError *error)
{
  if (error->start != NULL)
    gtk_text_buffer_delete_mark (error->buffer, error->start);
  if (error->end != NULL)
    gtk_text_buffer_delete_mark (error->buffer, error->end);
  g_free (error->message);
  g_free (error);
}

/* Adwaita's error colours (the "error_color" of libadwaita's light and dark styles), so the
 * underline reads as the toolkit's own error marks do. */
static void
update_error_color (CrModelEditor *self)
{
  GdkRGBA color;
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  gdk_rgba_parse (&color, dark ? "#ff7b63" : "#c01c28");
  g_object_set (self->error_tag, "underline-rgba", &color, NULL);
}

/* Finds the characters an error underlines: columns are 1-based character offsets and
 * end_column is just after the last character (lang.h). The range is clipped to the line, and
 * an empty one (an error at the end of a line, such as a missing ")") widens to the character
 * before it so there is something to see and to point at. Returns FALSE when the line is not
 * in the buffer or is empty. */
static gboolean
error_range (GtkTextBuffer *buffer,
             const CrModelDiagnostic *diagnostic,
             GtkTextIter *start,
             GtkTextIter *end)
{
  if (diagnostic->line == 0 || diagnostic->line > (guint) gtk_text_buffer_get_line_count (buffer))
    return FALSE;
  GtkTextIter line_end;
  gtk_text_buffer_get_iter_at_line (buffer, &line_end, (int) diagnostic->line - 1);
  if (!gtk_text_iter_ends_line (&line_end))
    gtk_text_iter_forward_to_line_end (&line_end);
  guint n_chars = (guint) gtk_text_iter_get_line_offset (&line_end);
  if (n_chars == 0)
    return FALSE;
  guint first = MIN (diagnostic->column > 0 ? diagnostic->column - 1 : 0, n_chars);
  guint last = diagnostic->end_column > 0 ? diagnostic->end_column - 1 : 0;
  last = MIN (MAX (last, first), n_chars);
  if (first == last)
    {
      if (last < n_chars)
        last++;
      else
        first--;
    }
  gtk_text_buffer_get_iter_at_line_offset (buffer, start, (int) diagnostic->line - 1, (int) first);
  gtk_text_buffer_get_iter_at_line_offset (buffer, end, (int) diagnostic->line - 1, (int) last);
  return TRUE;
}

static GtkWidget *
error_row_new (const EditorError *error)
{
  g_autofree char *text = error->line > 0
                              ? g_strdup_printf (_("line %u, column %u: %s"), error->line,
                                                 error->column, error->message)
                              : g_strdup (error->message);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-error-symbolic");
  gtk_widget_add_css_class (icon, "error");
  gtk_widget_set_valign (icon, GTK_ALIGN_START);
  gtk_box_append (GTK_BOX (box), icon);
  GtkWidget *label = gtk_label_new (text);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), label);

  GtkWidget *row = gtk_list_box_row_new ();
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  /* Only an error with a place in the text has somewhere to move the cursor to. */
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), error->start != NULL);
  if (error->start != NULL)
    gtk_widget_set_tooltip_text (row, _("Show in the model text"));
  return row;
}

/* Replaces the underlines and the list with @diagnostics (NULL or empty when valid). */
static void
show_errors (CrModelEditor *self, GPtrArray *diagnostics)
{
  GtkTextIter start, end;
  gtk_text_buffer_get_bounds (self->buffer, &start, &end);
  gtk_text_buffer_remove_tag (self->buffer, self->error_tag, &start, &end);
  g_ptr_array_set_size (self->errors, 0);
  GtkWidget *row;
  while ((row = gtk_widget_get_first_child (GTK_WIDGET (self->error_list))) != NULL)
    gtk_list_box_remove (self->error_list, row);

  for (guint i = 0; diagnostics != NULL && i < diagnostics->len; i++)
    {
      const CrModelDiagnostic *diagnostic = g_ptr_array_index (diagnostics, i);
      EditorError *error = g_new0 (EditorError, 1);
      error->line = diagnostic->line;
      error->column = diagnostic->column;
      error->message = g_strdup (diagnostic->message);
      error->buffer = self->buffer;
      if (error_range (self->buffer, diagnostic, &start, &end))
        {
          gtk_text_buffer_apply_tag (self->buffer, self->error_tag, &start, &end);
          error->start = gtk_text_buffer_create_mark (self->buffer, NULL, &start, FALSE);
          error->end = gtk_text_buffer_create_mark (self->buffer, NULL, &end, TRUE);
        }
      g_ptr_array_add (self->errors, error);
      gtk_list_box_append (self->error_list, error_row_new (error));
    }
  gtk_widget_set_visible (self->error_scroller, self->errors->len > 0);
}

/* Parses and validates the text as it is now, and shows the outcome. */
static void
validate (CrModelEditor *self)
{
  g_clear_handle_id (&self->pause_id, g_source_remove);
  gboolean edited = self->edited;
  self->edited = FALSE;

  g_autofree char *text = cr_model_editor_get_text (self);
  g_autoptr (GPtrArray) parse_diagnostics = NULL;
  g_autoptr (GPtrArray) model_diagnostics = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CrModel) model
      = cr_model_new_from_text (text, self->dataset, NULL, &parse_diagnostics, &error);
  gboolean valid = model != NULL && cr_model_validate (model, &model_diagnostics, &error);
  GPtrArray *diagnostics = model != NULL ? model_diagnostics : parse_diagnostics;

  show_errors (self, valid ? NULL : diagnostics);
  g_clear_pointer (&self->model, cr_model_free);
  self->model = g_steal_pointer (&model);
  g_ptr_array_unref (self->diagnostics);
  self->diagnostics = !valid && diagnostics != NULL
                          ? g_ptr_array_ref (diagnostics)
                          : g_ptr_array_new_with_free_func ((GDestroyNotify) cr_model_diagnostic_free);
  g_clear_pointer (&self->first_error, g_free);
  if (!valid)
    {
      const EditorError *first = self->errors->len > 0 ? g_ptr_array_index (self->errors, 0) : NULL;
      if (first != NULL && first->line > 0)
        self->first_error
            = g_strdup_printf ("%u:%u: %s", first->line, first->column, first->message);
      else if (first != NULL)
        self->first_error = g_strdup (first->message);
      else
        self->first_error
            = g_strdup (error != NULL ? error->message : _("The model is not valid"));
    }

  if (valid != self->valid)
    {
      self->valid = valid;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALID]);
    }
  g_signal_emit (self, signals[SIGNAL_VALIDATED], 0, valid);
  if (valid && edited)
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0, text);
}

static gboolean
pause_elapsed (gpointer data)
{
  CrModelEditor *self = CR_MODEL_EDITOR (data);
  self->pause_id = 0;
  validate (self);
  return G_SOURCE_REMOVE;
}

/* Every change of the text but loading is an edit: wait for a pause in them. */
static void
buffer_changed (CrModelEditor *self)
{
  if (self->loading)
    return;
  self->edited = TRUE;
  g_clear_handle_id (&self->pause_id, g_source_remove);
  self->pause_id = g_timeout_add (CR_MODEL_EDITOR_PAUSE_MS, pause_elapsed, self);
  g_source_set_name_by_id (self->pause_id, "[credence] model editor pause");
}

static gboolean
query_tooltip (GtkWidget *widget,
               int x,
               int y,
               gboolean keyboard_mode,
               GtkTooltip *tooltip,
               CrModelEditor *self)
{
  GtkTextView *view = GTK_TEXT_VIEW (widget);
  GtkTextIter iter;
  if (keyboard_mode)
    gtk_text_buffer_get_iter_at_mark (self->buffer, &iter,
                                      gtk_text_buffer_get_insert (self->buffer));
  else
    {
      int buffer_x, buffer_y, trailing;
      gtk_text_view_window_to_buffer_coords (view, GTK_TEXT_WINDOW_WIDGET, x, y, &buffer_x,
                                             &buffer_y);
      /* The character under the pointer, not the nearest boundary between characters (which
       * gtk_text_view_get_iter_at_location () gives); nothing over the line numbers or past
       * the end of a line. */
      if (!gtk_text_view_get_iter_at_position (view, &iter, &trailing, buffer_x, buffer_y))
        return FALSE;
    }
  g_autofree char *text = cr_model_editor_get_error_at (self, &iter);
  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
error_activated (GtkListBox *list, GtkListBoxRow *row, CrModelEditor *self)
{
  int index = gtk_list_box_row_get_index (row);
  if (index < 0 || (guint) index >= self->errors->len)
    return;
  const EditorError *error = g_ptr_array_index (self->errors, index);
  if (error->start == NULL)
    return;
  GtkTextIter iter;
  gtk_text_buffer_get_iter_at_mark (self->buffer, &iter, error->start);
  gtk_text_buffer_place_cursor (self->buffer, &iter);
  gtk_text_view_scroll_mark_onscreen (GTK_TEXT_VIEW (self->view),
                                      gtk_text_buffer_get_insert (self->buffer));
  gtk_widget_grab_focus (GTK_WIDGET (self->view));
}

static void
forward_notify (CrModelEditor *self, GParamSpec *pspec)
{
  if (g_strcmp0 (pspec->name, "can-undo") == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
  else if (g_strcmp0 (pspec->name, "can-redo") == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_REDO]);
}

static void
cr_model_editor_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CrModelEditor *self = CR_MODEL_EDITOR (object);
  switch (prop_id)
    {
    case PROP_VALID:
      g_value_set_boolean (value, self->valid);
      break;
    case PROP_CAN_UNDO:
      g_value_set_boolean (value, cr_model_editor_can_undo (self));
      break;
    case PROP_CAN_REDO:
      g_value_set_boolean (value, cr_model_editor_can_redo (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cr_model_editor_dispose (GObject *object)
{
  CrModelEditor *self = CR_MODEL_EDITOR (object);
  g_clear_handle_id (&self->pause_id, g_source_remove);
  /* The errors' marks live in the buffer: delete them while the view still holds it. */
  if (self->errors != NULL)
    g_ptr_array_set_size (self->errors, 0);
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_box_remove (GTK_BOX (self), child);
  self->view = NULL;
  self->buffer = NULL;
  G_OBJECT_CLASS (cr_model_editor_parent_class)->dispose (object);
}

static void
cr_model_editor_finalize (GObject *object)
{
  CrModelEditor *self = CR_MODEL_EDITOR (object);
  g_ptr_array_unref (self->errors);
  g_ptr_array_unref (self->diagnostics);
  g_clear_pointer (&self->model, cr_model_free);
  g_free (self->first_error);
  G_OBJECT_CLASS (cr_model_editor_parent_class)->finalize (object);
}

static void
cr_model_editor_class_init (CrModelEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->get_property = cr_model_editor_get_property;
  object_class->dispose = cr_model_editor_dispose;
  object_class->finalize = cr_model_editor_finalize;

  properties[PROP_VALID]
      = g_param_spec_boolean ("valid", NULL, NULL, FALSE,
                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_CAN_UNDO] = g_param_spec_boolean ("can-undo", NULL, NULL, FALSE,
                                                    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_REDO] = g_param_spec_boolean ("can-redo", NULL, NULL, FALSE,
                                                    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_VALIDATED]
      = g_signal_new ("validated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
  signals[SIGNAL_CHANGED]
      = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                      G_TYPE_NONE, 1, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
cr_model_editor_init (CrModelEditor *self)
{
  self->errors = g_ptr_array_new_with_free_func ((GDestroyNotify) editor_error_free);
  self->diagnostics = g_ptr_array_new_with_free_func ((GDestroyNotify) cr_model_diagnostic_free);
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_widget_add_css_class (GTK_WIDGET (self), "model-editor");

  /* The code view brings the .crm language, line numbers and the style scheme; here it
   * becomes editable. */
  self->view = CR_CODE_VIEW (cr_code_view_new ());
  GtkTextView *text_view = GTK_TEXT_VIEW (self->view);
  gtk_text_view_set_editable (text_view, TRUE);
  gtk_text_view_set_bottom_margin (text_view, 6);
  gtk_source_view_set_auto_indent (GTK_SOURCE_VIEW (self->view), TRUE);
  gtk_source_view_set_highlight_current_line (GTK_SOURCE_VIEW (self->view), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Model code"), -1);
  self->buffer = gtk_text_view_get_buffer (text_view);

  GtkWidget *text_scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (text_scroller), GTK_WIDGET (self->view));
  gtk_widget_set_vexpand (text_scroller, TRUE);
  gtk_box_append (GTK_BOX (self), text_scroller);

  self->error_list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->error_list, GTK_SELECTION_NONE);
  gtk_list_box_set_activate_on_single_click (self->error_list, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->error_list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Errors in the model"), -1);
  g_signal_connect_object (self->error_list, "row-activated", G_CALLBACK (error_activated), self,
                           0);
  self->error_scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->error_scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (self->error_scroller),
                                                    TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (self->error_scroller),
                                              ERROR_LIST_MAX_HEIGHT);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->error_scroller),
                                 GTK_WIDGET (self->error_list));
  gtk_widget_set_visible (self->error_scroller, FALSE);
  gtk_box_append (GTK_BOX (self), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));
  gtk_box_append (GTK_BOX (self), self->error_scroller);

  self->error_tag = gtk_text_buffer_create_tag (self->buffer, CR_MODEL_EDITOR_ERROR_TAG,
                                                "underline", PANGO_UNDERLINE_ERROR, NULL);
  update_error_color (self);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (update_error_color), self, G_CONNECT_SWAPPED);

  gtk_widget_set_has_tooltip (GTK_WIDGET (self->view), TRUE);
  g_signal_connect_object (self->view, "query-tooltip", G_CALLBACK (query_tooltip), self, 0);
  g_signal_connect_object (self->buffer, "changed", G_CALLBACK (buffer_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->buffer, "notify::can-undo", G_CALLBACK (forward_notify), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->buffer, "notify::can-redo", G_CALLBACK (forward_notify), self,
                           G_CONNECT_SWAPPED);
}

GtkWidget *
cr_model_editor_new (void)
{
  return g_object_new (CR_TYPE_MODEL_EDITOR, NULL);
}

void
cr_model_editor_set_text (CrModelEditor *editor, const char *text)
{
  g_return_if_fail (CR_IS_MODEL_EDITOR (editor));
  editor->loading = TRUE;
  cr_code_view_set_text (editor->view, text);
  editor->loading = FALSE;
  /* Loading replaces any edit still waiting for its pause. */
  editor->edited = FALSE;
  validate (editor);
}

/* The number of whole UTF-8 characters @a and @b share at their start (@from_end FALSE) or
 * their end, at most @limit; one walk over each string. */
static glong
shared_chars (const char *a, const char *b, gboolean from_end, glong limit)
{
  const char *pa = from_end ? a + strlen (a) : a, *pb = from_end ? b + strlen (b) : b;
  glong n = 0;
  while (n < limit)
    {
      if (from_end)
        {
          if (pa == a || pb == b)
            break;
          pa = g_utf8_prev_char (pa);
          pb = g_utf8_prev_char (pb);
        }
      else if (*pa == '\0' || *pb == '\0')
        break;
      if (g_utf8_get_char (pa) != g_utf8_get_char (pb))
        break;
      if (!from_end)
        {
          pa = g_utf8_next_char (pa);
          pb = g_utf8_next_char (pb);
        }
      n++;
    }
  return n;
}

void
cr_model_editor_apply_edit (CrModelEditor *editor, const char *text)
{
  g_return_if_fail (CR_IS_MODEL_EDITOR (editor));
  g_return_if_fail (text != NULL);
  g_autofree char *old = cr_model_editor_get_text (editor);
  if (strcmp (old, text) == 0)
    return;
  glong n_old = g_utf8_strlen (old, -1), n_new = g_utf8_strlen (text, -1);
  glong prefix = shared_chars (old, text, FALSE, MIN (n_old, n_new));
  glong suffix = shared_chars (old, text, TRUE, MIN (n_old, n_new) - prefix);

  GtkTextIter start, end;
  gtk_text_buffer_begin_user_action (editor->buffer);
  gtk_text_buffer_get_iter_at_offset (editor->buffer, &start, (int) prefix);
  gtk_text_buffer_get_iter_at_offset (editor->buffer, &end, (int) (n_old - suffix));
  gtk_text_buffer_delete (editor->buffer, &start, &end);
  const char *insert_start = g_utf8_offset_to_pointer (text, prefix);
  const char *insert_end = g_utf8_offset_to_pointer (text, n_new - suffix);
  gtk_text_buffer_insert (editor->buffer, &start, insert_start, (int) (insert_end - insert_start));
  gtk_text_buffer_end_user_action (editor->buffer);
  validate (editor);
}

const CrModel *
cr_model_editor_get_model (CrModelEditor *editor)
{
  g_return_val_if_fail (CR_IS_MODEL_EDITOR (editor), NULL);
  return editor->model;
}

GPtrArray *
cr_model_editor_get_diagnostics (CrModelEditor *editor)
{
  g_return_val_if_fail (CR_IS_MODEL_EDITOR (editor), NULL);
  return editor->diagnostics;
}

char *
cr_model_editor_get_text (CrModelEditor *editor)
{
  g_return_val_if_fail (CR_IS_MODEL_EDITOR (editor), NULL);
  return cr_code_view_get_text (editor->view);
}

void
cr_model_editor_set_dataset (CrModelEditor *editor, const CrDataset *dataset)
{
  g_return_if_fail (CR_IS_MODEL_EDITOR (editor));
  editor->dataset = dataset;
  validate (editor);
}

const CrDataset *
cr_model_editor_get_dataset (CrModelEditor *editor)
{
  g_return_val_if_fail (CR_IS_MODEL_EDITOR (editor), NULL);
  return editor->dataset;
}

gboolean
cr_model_editor_is_valid (CrModelEditor *editor)
{
  g_return_val_if_fail (CR_IS_MODEL_EDITOR (editor), FALSE);
  return editor->valid;
}

const char *
cr_model_editor_get_first_error (CrModelEditor *editor)
{
  g_return_val_if_fail (CR_IS_MODEL_EDITOR (editor), NULL);
  return editor->first_error;
}

guint
cr_model_editor_get_n_errors (CrModelEditor *editor)
{
  g_return_val_if_fail (CR_IS_MODEL_EDITOR (editor), 0);
  return editor->errors->len;
}

char *
cr_model_editor_get_error_at (CrModelEditor *editor, const GtkTextIter *iter)
{
  g_return_val_if_fail (CR_IS_MODEL_EDITOR (editor), NULL);
  g_return_val_if_fail (iter != NULL && gtk_text_iter_get_buffer (iter) == editor->buffer, NULL);
  if (!gtk_text_iter_has_tag (iter, editor->error_tag))
    return NULL;
  g_autoptr (GString) text = NULL;
  for (guint i = 0; i < editor->errors->len; i++)
    {
      const EditorError *error = g_ptr_array_index (editor->errors, i);
      if (error->start == NULL)
        continue;
      GtkTextIter start, end;
      gtk_text_buffer_get_iter_at_mark (editor->buffer, &start, error->start);
      gtk_text_buffer_get_iter_at_mark (editor->buffer, &end, error->end);
      if (!gtk_text_iter_in_range (iter, &start, &end))
        continue;
      if (text == NULL)
        text = g_string_new (error->message);
      else
        g_string_append_printf (text, "\n%s", error->message);
    }
  return text != NULL ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}

void
cr_model_editor_undo (CrModelEditor *editor)
{
  g_return_if_fail (CR_IS_MODEL_EDITOR (editor));
  if (gtk_text_buffer_get_can_undo (editor->buffer))
    gtk_text_buffer_undo (editor->buffer);
}

void
cr_model_editor_redo (CrModelEditor *editor)
{
  g_return_if_fail (CR_IS_MODEL_EDITOR (editor));
  if (gtk_text_buffer_get_can_redo (editor->buffer))
    gtk_text_buffer_redo (editor->buffer);
}

gboolean
cr_model_editor_can_undo (CrModelEditor *editor)
{
  g_return_val_if_fail (CR_IS_MODEL_EDITOR (editor), FALSE);
  return editor->buffer != NULL && gtk_text_buffer_get_can_undo (editor->buffer);
}

gboolean
cr_model_editor_can_redo (CrModelEditor *editor)
{
  g_return_val_if_fail (CR_IS_MODEL_EDITOR (editor), FALSE);
  return editor->buffer != NULL && gtk_text_buffer_get_can_redo (editor->buffer);
}

GtkSourceView *
cr_model_editor_get_view (CrModelEditor *editor)
{
  g_return_val_if_fail (CR_IS_MODEL_EDITOR (editor), NULL);
  return GTK_SOURCE_VIEW (editor->view);
}
