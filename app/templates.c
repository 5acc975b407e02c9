/* templates.c: reading the bundled model templates from the GResource.
 *
 * Titles and descriptions are shown to people, so they are translated as they are read: each
 * goes through g_dpgettext2 in the context "model template". xgettext cannot read JSON, so
 * resources/templates/extract-strings.py lists the same strings, in that context, in
 * templates.json.h, which po/POTFILES names; tests/test-i18n.c fails when that list and
 * templates.json differ. Keeping English in templates.json (rather than one index per
 * language) leaves a single index for the test of the templates and for translators' tools.
 */
#include "templates.h"

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#define TEMPLATES_RESOURCE "/org/credence/Credence/templates/"
/* The gettext context of the titles and descriptions, as in templates.json.h. */
#define TEMPLATES_CONTEXT "model template"

void
cr_template_free (CrTemplate *template_)
{
  if (template_ == NULL)
    return;
  g_free (template_->id);
  g_free (template_->title);
  g_free (template_->description);
  g_free (template_->model);
  g_free (template_->data);
  g_free (template_);
}

static GBytes *
read_resource (const char *name, GError **error)
{
  g_autofree char *path = g_strconcat (TEMPLATES_RESOURCE, name, NULL);
  return g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
}

/* A member that must be a non-empty string. */
static char *
required_string (JsonObject *object, const char *member, guint index, GError **error)
{
  JsonNode *node = json_object_get_member (object, member);
  const char *value = node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
                          ? json_node_get_string (node)
                          : NULL;
  if (value == NULL || *value == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "templates.json: template %u has no \"%s\"", index + 1, member);
      return NULL;
    }
  return g_strdup (value);
}

GPtrArray *
cr_templates_list (GError **error)
{
  g_autoptr (GBytes) bytes = read_resource ("templates.json", error);
  if (bytes == NULL)
    return NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  gsize size;
  const char *text = g_bytes_get_data (bytes, &size);
  if (!json_parser_load_from_data (parser, text, (gssize) size, error))
    return NULL;
  JsonNode *root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "templates.json: not an array");
      return NULL;
    }
  JsonArray *array = json_node_get_array (root);
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) cr_template_free);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "templates.json: template %u is not an object", i + 1);
          return NULL;
        }
      JsonObject *object = json_node_get_object (element);
      g_autoptr (CrTemplate) template_ = g_new0 (CrTemplate, 1);
      g_autofree char *title = NULL, *description = NULL;
      if ((template_->id = required_string (object, "id", i, error)) == NULL
          || (title = required_string (object, "title", i, error)) == NULL
          || (description = required_string (object, "description", i, error)) == NULL
          || (template_->model = required_string (object, "model", i, error)) == NULL
          || (template_->data = required_string (object, "data", i, error)) == NULL)
        return NULL;
      template_->title = g_strdup (g_dpgettext2 (GETTEXT_PACKAGE, TEMPLATES_CONTEXT, title));
      template_->description = g_strdup (g_dpgettext2 (GETTEXT_PACKAGE, TEMPLATES_CONTEXT, description));
      g_ptr_array_add (list, g_steal_pointer (&template_));
    }
  return g_steal_pointer (&list);
}

CrTemplate *
cr_templates_read (const char *id, char **model_text, CrDataset **dataset, GError **error)
{
  g_return_val_if_fail (id != NULL && model_text != NULL && dataset != NULL, NULL);
  g_autoptr (GPtrArray) list = cr_templates_list (error);
  if (list == NULL)
    return NULL;
  for (guint i = 0; i < list->len; i++)
    {
      CrTemplate *template_ = g_ptr_array_index (list, i);
      if (strcmp (template_->id, id) != 0)
        continue;
      g_autoptr (GBytes) model = read_resource (template_->model, error);
      g_autoptr (GBytes) data = model != NULL ? read_resource (template_->data, error) : NULL;
      if (data == NULL)
        return NULL;
      gsize size;
      const char *csv = g_bytes_get_data (data, &size);
      CrDataset *read = cr_dataset_parse_csv (csv, size, template_->data, error);
      if (read == NULL)
        return NULL;
      *dataset = read;
      *model_text = g_strndup (g_bytes_get_data (model, NULL), g_bytes_get_size (model));
      return g_ptr_array_steal_index (list, i);
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("There is no template '%s'"), id);
  return NULL;
}
