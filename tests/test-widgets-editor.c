/* test-widgets-editor.c: the model code pane under a display (Xvfb in CI): live validation
 * after a pause in typing, error underlines, tooltips and the error list, undo, and binding
 * to a dataset.
 *
 * With CREDENCE_SCREENSHOT_DIR set, it also saves a PNG of the editor showing an error there.
 */
#include "cr-model-editor.h"
#include "gui-util.h"

#include <adwaita.h>
#include <gsl/gsl_errno.h>
#include <string.h>

/* A valid model that needs no dataset. Line 2 reads "y ~ Normal(mu, sigma)": 'sigma' starts at
 * column 16 (line offset 15). */
static const char valid_model[] = "mu ~ Normal(0, 10)\n"
                                  "y ~ Normal(mu, sigma)\n"
                                  "sigma ~ HalfNormal(1)\n"
                                  "data y = [0.3, -1.2, 2.5, 0.8]\n";
#define SIGMA_LINE 1 /* 0-based, as GtkTextIter counts */
#define SIGMA_OFFSET 15
/* The typo: an "a" typed after "sig", making 'sigama' (six characters). */
#define TYPO_OFFSET (SIGMA_OFFSET + 3)
#define TYPO_LENGTH 6
static const char typo_message[] = "'sigama' is not defined; did you mean 'sigma'?";

/* A model whose index and likelihood are columns of a dataset. */
static const char dataset_model[] = "mu[school] ~ Normal(0, 10)\n"
                                    "sigma ~ HalfNormal(5)\n"
                                    "score ~ Normal(mu[school], sigma)\n";
static const char dataset_csv[] = "school,score\nA,61.5\nB,70.2\nA,58.9\nC,66.0\nB,72.4\n";

typedef struct
{
  GtkWindow *window;
  CrModelEditor *editor;
  GtkTextBuffer *buffer;
  guint n_validated;
  gboolean last_valid;
  guint n_changed;
  char *changed_text;
  gint64 validated_time; /* monotonic time of the last "validated" */
} Fixture;

static void
on_validated (CrModelEditor *editor, gboolean valid, Fixture *fixture)
{
  fixture->n_validated++;
  fixture->last_valid = valid;
  fixture->validated_time = g_get_monotonic_time ();
  /* The state the signal announces is in place when it is emitted. */
  g_assert_cmpint (cr_model_editor_is_valid (editor), ==, valid);
  g_assert_cmpint (cr_model_editor_get_first_error (editor) == NULL, ==, valid);
}

static void
on_changed (CrModelEditor *editor, const char *text, Fixture *fixture)
{
  fixture->n_changed++;
  g_free (fixture->changed_text);
  fixture->changed_text = g_strdup (text);
  g_assert_true (cr_model_editor_is_valid (editor));
}

/* Spins the main loop until "validated" has been emitted @count times in all, or five seconds
 * pass. */
static gboolean
wait_for_validations (Fixture *fixture, guint count)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (fixture->n_validated < count)
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  return TRUE;
}

/* Spins the main loop for @ms milliseconds. */
static void
spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * (gint64) 1000;
  while (g_get_monotonic_time () < end)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (1000);
    }
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (fixture->window, 640, 420);
  fixture->editor = CR_MODEL_EDITOR (cr_model_editor_new ());
  gtk_window_set_child (fixture->window, GTK_WIDGET (fixture->editor));
  fixture->buffer
      = gtk_text_view_get_buffer (GTK_TEXT_VIEW (cr_model_editor_get_view (fixture->editor)));
  g_signal_connect (fixture->editor, "validated", G_CALLBACK (on_validated), fixture);
  g_signal_connect (fixture->editor, "changed", G_CALLBACK (on_changed), fixture);
  gtk_window_present (fixture->window);
  g_assert_true (gui_wait_for (gui_is_mapped, fixture->window, GUI_TIMEOUT_US));
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  gtk_window_destroy (fixture->window);
  spin (20);
  g_free (fixture->changed_text);
}

static GtkTextTag *
error_tag (Fixture *fixture)
{
  GtkTextTag *tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (fixture->buffer),
                                               CR_MODEL_EDITOR_ERROR_TAG);
  g_assert_nonnull (tag);
  return tag;
}

/* Whether the error tag covers any character of the buffer. */
static gboolean
has_error_tags (Fixture *fixture)
{
  GtkTextIter iter;
  gtk_text_buffer_get_start_iter (fixture->buffer, &iter);
  return gtk_text_iter_has_tag (&iter, error_tag (fixture))
         || gtk_text_iter_forward_to_tag_toggle (&iter, error_tag (fixture));
}

/* The text of the error list's row @index, or NULL when there is no such row. */
static const char *
error_row_text (Fixture *fixture, int index)
{
  GtkListBox *list
      = GTK_LIST_BOX (gui_find_descendant (GTK_WIDGET (fixture->editor), GTK_TYPE_LIST_BOX));
  g_assert_nonnull (list);
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (list, index);
  if (row == NULL)
    return NULL;
  GtkWidget *label = gui_find_descendant (GTK_WIDGET (row), GTK_TYPE_LABEL);
  g_assert_nonnull (label);
  return gtk_label_get_label (GTK_LABEL (label));
}

static GtkListBoxRow *
error_row (Fixture *fixture, int index)
{
  GtkListBox *list
      = GTK_LIST_BOX (gui_find_descendant (GTK_WIDGET (fixture->editor), GTK_TYPE_LIST_BOX));
  return gtk_list_box_get_row_at_index (list, index);
}

static void
save_screenshot (GtkWidget *widget, const char *name)
{
  const char *dir = g_getenv ("CREDENCE_SCREENSHOT_DIR");
  if (dir == NULL)
    return;
  spin (200); /* lay out and draw what changed */
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr (GtkSnapshot) snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  g_autoptr (GskRenderNode) node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  g_autoptr (GdkTexture) texture
      = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

/* Types "a" after "sig" on line 2, as a person would, and waits for the validation. */
static void
type_typo (Fixture *fixture)
{
  guint before = fixture->n_validated;
  GtkTextIter iter;
  gtk_text_buffer_get_iter_at_line_offset (fixture->buffer, &iter, SIGMA_LINE, TYPO_OFFSET);
  g_assert_true (gtk_text_buffer_insert_interactive (fixture->buffer, &iter, "a", -1, TRUE));
  g_assert_true (wait_for_validations (fixture, before + 1));
}

/* Sets the valid model and checks it validated cleanly. */
static void
load_valid (Fixture *fixture)
{
  cr_model_editor_set_text (fixture->editor, valid_model);
  g_assert_true (wait_for_validations (fixture, 1));
  g_assert_true (fixture->last_valid);
}

static void
test_valid_model (Fixture *fixture, gconstpointer data)
{
  /* Nothing is validated before there is text. */
  g_assert_false (cr_model_editor_is_valid (fixture->editor));
  g_assert_null (cr_model_editor_get_first_error (fixture->editor));

  load_valid (fixture);
  g_assert_true (cr_model_editor_is_valid (fixture->editor));
  g_assert_null (cr_model_editor_get_first_error (fixture->editor));
  g_assert_cmpuint (cr_model_editor_get_n_errors (fixture->editor), ==, 0);
  g_assert_false (has_error_tags (fixture));
  g_assert_null (error_row_text (fixture, 0));
  g_autofree char *text = cr_model_editor_get_text (fixture->editor);
  g_assert_cmpstr (text, ==, valid_model);
  /* Loading is not an edit: nothing to undo, nothing to report as changed. */
  g_assert_false (cr_model_editor_can_undo (fixture->editor));
  spin (CR_MODEL_EDITOR_PAUSE_MS + 200);
  g_assert_cmpuint (fixture->n_validated, ==, 1);
  g_assert_cmpuint (fixture->n_changed, ==, 0);

  /* An editable source view with line numbers and the .crm language from the resources
   * linked into this test. */
  GtkSourceView *view = cr_model_editor_get_view (fixture->editor);
  g_assert_true (gtk_text_view_get_editable (GTK_TEXT_VIEW (view)));
  g_assert_true (gtk_source_view_get_show_line_numbers (view));
  GtkSourceLanguage *language
      = gtk_source_buffer_get_language (GTK_SOURCE_BUFFER (fixture->buffer));
  g_assert_nonnull (language);
  g_assert_cmpstr (gtk_source_language_get_id (language), ==, "crm");
}

static void
test_typo_underlined (Fixture *fixture, gconstpointer data)
{
  load_valid (fixture);
  gint64 edit_time = g_get_monotonic_time ();
  type_typo (fixture);
  /* The validation waited for the pause. */
  g_assert_cmpint (fixture->validated_time - edit_time, >=,
                   CR_MODEL_EDITOR_PAUSE_MS * (gint64) 1000);
  g_assert_false (fixture->last_valid);
  g_assert_false (cr_model_editor_is_valid (fixture->editor));
  g_assert_cmpuint (cr_model_editor_get_n_errors (fixture->editor), ==, 1);

  /* The tag covers exactly the misspelt name: one range, from its first to its last letter. */
  GtkTextTag *tag = error_tag (fixture);
  GtkTextIter start, end;
  gtk_text_buffer_get_start_iter (fixture->buffer, &start);
  g_assert_true (gtk_text_iter_forward_to_tag_toggle (&start, tag));
  g_assert_true (gtk_text_iter_starts_tag (&start, tag));
  end = start;
  g_assert_true (gtk_text_iter_forward_to_tag_toggle (&end, tag));
  g_assert_true (gtk_text_iter_ends_tag (&end, tag));
  g_assert_cmpint (gtk_text_iter_get_line (&start), ==, SIGMA_LINE);
  g_assert_cmpint (gtk_text_iter_get_line_offset (&start), ==, SIGMA_OFFSET);
  g_assert_cmpint (gtk_text_iter_get_line (&end), ==, SIGMA_LINE);
  g_assert_cmpint (gtk_text_iter_get_line_offset (&end), ==, SIGMA_OFFSET + TYPO_LENGTH);
  g_autofree char *underlined = gtk_text_iter_get_text (&start, &end);
  g_assert_cmpstr (underlined, ==, "sigama");
  GtkTextIter after = end;
  g_assert_false (gtk_text_iter_forward_to_tag_toggle (&after, tag));

  /* The message, in the list and for the Run button's tooltip. */
  g_autofree char *row_text = g_strdup_printf ("line 2, column 16: %s", typo_message);
  g_assert_cmpstr (error_row_text (fixture, 0), ==, row_text);
  g_assert_null (error_row_text (fixture, 1));
  g_autofree char *first = g_strdup_printf ("2:16: %s", typo_message);
  g_assert_cmpstr (cr_model_editor_get_first_error (fixture->editor), ==, first);
  gboolean valid_property = TRUE, can_undo_property = FALSE;
  g_object_get (fixture->editor, "valid", &valid_property, "can-undo", &can_undo_property, NULL);
  g_assert_false (valid_property);
  g_assert_true (can_undo_property);
  save_screenshot (GTK_WIDGET (fixture->window), "model-editor-error.png");
}

static void
test_tooltip (Fixture *fixture, gconstpointer data)
{
  load_valid (fixture);
  type_typo (fixture);
  spin (50); /* lay out the new underline */

  /* Over the misspelt name: its message; next to it and on another line: nothing. */
  GtkTextIter iter;
  for (int offset = SIGMA_OFFSET; offset < SIGMA_OFFSET + TYPO_LENGTH; offset++)
    {
      gtk_text_buffer_get_iter_at_line_offset (fixture->buffer, &iter, SIGMA_LINE, offset);
      g_autofree char *message = cr_model_editor_get_error_at (fixture->editor, &iter);
      g_assert_cmpstr (message, ==, typo_message);
    }
  gtk_text_buffer_get_iter_at_line_offset (fixture->buffer, &iter, SIGMA_LINE, SIGMA_OFFSET - 1);
  g_assert_null (cr_model_editor_get_error_at (fixture->editor, &iter));
  gtk_text_buffer_get_iter_at_line_offset (fixture->buffer, &iter, SIGMA_LINE,
                                           SIGMA_OFFSET + TYPO_LENGTH);
  g_assert_null (cr_model_editor_get_error_at (fixture->editor, &iter));
  gtk_text_buffer_get_iter_at_line_offset (fixture->buffer, &iter, 0, 3);
  g_assert_null (cr_model_editor_get_error_at (fixture->editor, &iter));

  /* The view answers "query-tooltip" at the pointer over the typo, and declines elsewhere. */
  GtkTextView *view = GTK_TEXT_VIEW (cr_model_editor_get_view (fixture->editor));
  g_assert_true (gtk_widget_get_has_tooltip (GTK_WIDGET (view)));
  struct
  {
    int offset;
    gboolean expected;
  } points[] = { { SIGMA_OFFSET + 2, TRUE }, { SIGMA_OFFSET - 3, FALSE } };
  for (size_t i = 0; i < G_N_ELEMENTS (points); i++)
    {
      gtk_text_buffer_get_iter_at_line_offset (fixture->buffer, &iter, SIGMA_LINE,
                                               points[i].offset);
      GdkRectangle rect;
      gtk_text_view_get_iter_location (view, &iter, &rect);
      int x, y;
      gtk_text_view_buffer_to_window_coords (view, GTK_TEXT_WINDOW_WIDGET, rect.x + rect.width / 2,
                                             rect.y + rect.height / 2, &x, &y);
      g_autoptr (GtkTooltip) tooltip = g_object_new (GTK_TYPE_TOOLTIP, NULL);
      gboolean shown = FALSE;
      g_signal_emit_by_name (view, "query-tooltip", x, y, FALSE, tooltip, &shown);
      g_assert_cmpint (shown, ==, points[i].expected);
    }
}

static void
test_fix_and_undo (Fixture *fixture, gconstpointer data)
{
  load_valid (fixture);
  type_typo (fixture);
  g_assert_false (fixture->last_valid);
  g_assert_cmpuint (fixture->n_changed, ==, 0);

  /* Delete the stray "a" again. */
  GtkTextIter start, end;
  gtk_text_buffer_get_iter_at_line_offset (fixture->buffer, &start, SIGMA_LINE, TYPO_OFFSET);
  gtk_text_buffer_get_iter_at_line_offset (fixture->buffer, &end, SIGMA_LINE, TYPO_OFFSET + 1);
  g_assert_true (gtk_text_buffer_delete_interactive (fixture->buffer, &start, &end, TRUE));
  g_assert_true (wait_for_validations (fixture, 3));
  g_assert_true (fixture->last_valid);
  g_assert_false (has_error_tags (fixture));
  g_assert_null (error_row_text (fixture, 0));
  g_assert_null (cr_model_editor_get_first_error (fixture->editor));
  g_assert_cmpuint (fixture->n_changed, ==, 1);
  g_assert_cmpstr (fixture->changed_text, ==, valid_model);

  /* Undo brings the typo and its error back; redo removes them again. */
  g_assert_true (cr_model_editor_can_undo (fixture->editor));
  cr_model_editor_undo (fixture->editor);
  g_autofree char *undone = cr_model_editor_get_text (fixture->editor);
  g_assert_nonnull (strstr (undone, "y ~ Normal(mu, sigama)\n"));
  g_assert_true (wait_for_validations (fixture, 4));
  g_assert_false (fixture->last_valid);
  g_assert_true (has_error_tags (fixture));
  g_assert_nonnull (strstr (cr_model_editor_get_first_error (fixture->editor), "2:16: "));
  g_assert_cmpuint (fixture->n_changed, ==, 1);

  g_assert_true (cr_model_editor_can_redo (fixture->editor));
  cr_model_editor_redo (fixture->editor);
  g_assert_true (wait_for_validations (fixture, 5));
  g_assert_true (fixture->last_valid);
  g_assert_false (has_error_tags (fixture));
  g_assert_cmpuint (fixture->n_changed, ==, 2);
  g_assert_cmpstr (fixture->changed_text, ==, valid_model);

  /* Undo of both edits leaves the loaded text, and nothing before it. */
  cr_model_editor_undo (fixture->editor);
  cr_model_editor_undo (fixture->editor);
  g_autofree char *original = cr_model_editor_get_text (fixture->editor);
  g_assert_cmpstr (original, ==, valid_model);
  g_assert_false (cr_model_editor_can_undo (fixture->editor));
}

static void
test_error_list_moves_cursor (Fixture *fixture, gconstpointer data)
{
  load_valid (fixture);
  type_typo (fixture);
  /* Type elsewhere first: the error's place follows the text until the next validation. */
  GtkTextIter iter;
  gtk_text_buffer_get_start_iter (fixture->buffer, &iter);
  gtk_text_buffer_insert_interactive (fixture->buffer, &iter, "# a comment\n", -1, TRUE);
  gtk_text_buffer_get_start_iter (fixture->buffer, &iter);
  gtk_text_buffer_place_cursor (fixture->buffer, &iter);

  GtkListBoxRow *row = error_row (fixture, 0);
  g_assert_nonnull (row);
  g_assert_true (gtk_list_box_row_get_activatable (row));
  g_signal_emit_by_name (row, "activate");
  gtk_text_buffer_get_iter_at_mark (fixture->buffer, &iter,
                                    gtk_text_buffer_get_insert (fixture->buffer));
  g_assert_cmpint (gtk_text_iter_get_line (&iter), ==, SIGMA_LINE + 1);
  g_assert_cmpint (gtk_text_iter_get_line_offset (&iter), ==, SIGMA_OFFSET);

  /* After the pause, the same error is reported on its new line. */
  g_assert_true (wait_for_validations (fixture, 3));
  g_assert_cmpstr (cr_model_editor_get_first_error (fixture->editor), ==,
                   "3:16: 'sigama' is not defined; did you mean 'sigma'?");
}

static void
test_syntax_error (Fixture *fixture, gconstpointer data)
{
  cr_model_editor_set_text (fixture->editor, "mu ~ Normal(0, 10\nsigma ~ HalfNormal(1)\n");
  g_assert_true (wait_for_validations (fixture, 1));
  g_assert_false (fixture->last_valid);
  g_assert_cmpuint (cr_model_editor_get_n_errors (fixture->editor), >=, 1);
  /* A syntax error is placed on the first line and underlined on it. */
  g_assert_true (g_str_has_prefix (cr_model_editor_get_first_error (fixture->editor), "1:"));
  GtkTextIter iter;
  gtk_text_buffer_get_start_iter (fixture->buffer, &iter);
  g_assert_true (gtk_text_iter_forward_to_tag_toggle (&iter, error_tag (fixture)));
  g_assert_cmpint (gtk_text_iter_get_line (&iter), ==, 0);
  g_assert_nonnull (error_row_text (fixture, 0));
}

static void
test_dataset (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrDataset) dataset
      = cr_dataset_parse_csv (dataset_csv, strlen (dataset_csv), "scores", &error);
  g_assert_no_error (error);

  /* Without the data, 'school' means nothing. */
  cr_model_editor_set_text (fixture->editor, dataset_model);
  g_assert_true (wait_for_validations (fixture, 1));
  g_assert_false (fixture->last_valid);
  g_assert_true (g_str_has_prefix (cr_model_editor_get_first_error (fixture->editor), "1:4: "));
  g_assert_nonnull (strstr (cr_model_editor_get_first_error (fixture->editor), "'school'"));

  cr_model_editor_set_dataset (fixture->editor, dataset);
  g_assert_true (cr_model_editor_get_dataset (fixture->editor) == dataset);
  g_assert_true (wait_for_validations (fixture, 2));
  g_assert_true (fixture->last_valid);
  g_assert_false (has_error_tags (fixture));
  /* The caller changed the data and knows it: no "changed". */
  g_assert_cmpuint (fixture->n_changed, ==, 0);

  /* An edit validates against the same data. */
  GtkTextIter iter;
  gtk_text_buffer_get_end_iter (fixture->buffer, &iter);
  gtk_text_buffer_insert_interactive (fixture->buffer, &iter, "grand_mean = mean(mu)\n", -1, TRUE);
  g_assert_true (wait_for_validations (fixture, 3));
  g_assert_true (fixture->last_valid);
  g_assert_cmpuint (fixture->n_changed, ==, 1);

  cr_model_editor_set_dataset (fixture->editor, NULL);
  g_assert_true (wait_for_validations (fixture, 4));
  g_assert_false (fixture->last_valid);
}

static void
test_rapid_edits (Fixture *fixture, gconstpointer data)
{
  load_valid (fixture);
  GtkTextIter iter;
  /* Five keystrokes 50 ms apart, each well inside the pause: one validation, after the last.
   * A machine so loaded that 50 ms of spinning took a whole pause cannot tell, and skips. */
  static const char *const keys[] = { "#", " ", "o", "k", "\n" };
  gint64 last_edit = 0;
  for (size_t i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      gtk_text_buffer_get_end_iter (fixture->buffer, &iter);
      gtk_text_buffer_insert_interactive (fixture->buffer, &iter, keys[i], -1, TRUE);
      last_edit = g_get_monotonic_time ();
      spin (50);
      if (g_get_monotonic_time () - last_edit >= CR_MODEL_EDITOR_PAUSE_MS * (gint64) 1000)
        {
          g_test_skip ("the main loop stalled for longer than the pause");
          return;
        }
      g_assert_cmpuint (fixture->n_validated, ==, 1);
    }
  g_assert_true (wait_for_validations (fixture, 2));
  g_assert_cmpint (fixture->validated_time - last_edit, >=,
                   CR_MODEL_EDITOR_PAUSE_MS * (gint64) 1000);
  spin (2 * CR_MODEL_EDITOR_PAUSE_MS);
  g_assert_cmpuint (fixture->n_validated, ==, 2);
  g_assert_cmpuint (fixture->n_changed, ==, 1);
  g_assert_true (g_str_has_suffix (fixture->changed_text, "# ok\n"));
}

/* Undo and redo through the keyboard, as GtkTextView binds them. */
static void
test_keyboard_undo (Fixture *fixture, gconstpointer data)
{
  load_valid (fixture);
  type_typo (fixture);
  GtkWidget *view = GTK_WIDGET (cr_model_editor_get_view (fixture->editor));
  g_assert_true (gtk_widget_activate_action (view, "text.undo", NULL));
  g_autofree char *undone = cr_model_editor_get_text (fixture->editor);
  g_assert_cmpstr (undone, ==, valid_model);
  g_assert_true (wait_for_validations (fixture, 3));
  g_assert_true (fixture->last_valid);
  g_assert_true (gtk_widget_activate_action (view, "text.redo", NULL));
  g_autofree char *redone = cr_model_editor_get_text (fixture->editor);
  g_assert_nonnull (strstr (redone, "sigama"));
}

int
main (int argc, char **argv)
{
  gsl_set_error_handler_off ();
  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      g_printerr ("test-widgets-editor needs a display: run it under xvfb-run (see README.md)\n");
      return 1;
    }
  adw_init ();

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/widgets/editor/valid-model", test_valid_model);
  ADD ("/widgets/editor/typo-underlined", test_typo_underlined);
  ADD ("/widgets/editor/tooltip", test_tooltip);
  ADD ("/widgets/editor/fix-and-undo", test_fix_and_undo);
  ADD ("/widgets/editor/error-list-moves-cursor", test_error_list_moves_cursor);
  ADD ("/widgets/editor/syntax-error", test_syntax_error);
  ADD ("/widgets/editor/dataset", test_dataset);
  ADD ("/widgets/editor/rapid-edits", test_rapid_edits);
  ADD ("/widgets/editor/keyboard-undo", test_keyboard_undo);
#undef ADD
  return g_test_run ();
}
