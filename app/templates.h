/* templates.h: the bundled model templates (resources/templates/): each a working model with
 * example data, listed in templates.json in the order the palette shows them.
 *
 * Invariants: every template listed has its model and data in the GResource (the test of
 * the templates checks the files, and that each samples to its known truth).
 */
#pragma once

#include "data/data.h"

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char *id;          /* "coin" */
  char *title;       /* "Coin flip", translated */
  char *description; /* one line for the palette, translated */
  char *model;       /* the model file's name in the resource folder */
  char *data;        /* the CSV file's name */
} CrTemplate;

void cr_template_free (CrTemplate *template_);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrTemplate, cr_template_free)

/* Returns: (transfer full) (element-type CrTemplate) the templates in palette order, or NULL
 * with @error set when the index is missing or damaged. */
GPtrArray *cr_templates_list (GError **error);

/* Reads template @id: its model text and its data (a dataset named after the CSV file).
 * Returns: (transfer full) the template, or NULL with @error set. */
CrTemplate *cr_templates_read (const char *id, char **model_text, CrDataset **dataset, GError **error);

G_END_DECLS
