/* cr-model-palette.h: the model builder's palette. What a model can be made of, grouped and
 * searchable: templates (whole working models), priors, likelihoods, computed quantities and
 * the dataset's columns. Each entry has a one-line hint that says when to use it, in the
 * spirit of the prior-choice advice Stan's developers give (HalfNormal for scales, Beta for
 * proportions, why a Uniform on a scale is a bad idea). The distributions come from the
 * engine's registry, so the palette lists exactly what a model can use.
 *
 * Activating an entry (click, Enter) emits "item-activated"; the palette changes nothing
 * itself: the builder decides what an entry adds.
 *
 * Invariants: the priors are the distributions NUTS can sample (can_be_free), the likelihoods
 * all distributions; the data group lists the columns of the last set_dataset () in their
 * order; the search keeps the entries whose title, hint or group contains every word typed,
 * ignoring case.
 *
 * Signals:
 *   "item-activated" (CrPaletteGroup group, const char *id): the entry's group and its id (a
 *     template id, a distribution name, "deterministic" / "local", or a column name).
 */
#pragma once

#include "data/data.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum
{
  CR_PALETTE_TEMPLATE,
  CR_PALETTE_PRIOR,
  CR_PALETTE_LIKELIHOOD,
  CR_PALETTE_COMPUTED,
  CR_PALETTE_DATA,
} CrPaletteGroup;

#define CR_TYPE_MODEL_PALETTE (cr_model_palette_get_type ())
G_DECLARE_FINAL_TYPE (CrModelPalette, cr_model_palette, CR, MODEL_PALETTE, GtkBox)

/* Returns: (transfer floating) a palette with the priors, likelihoods and computed entries;
 * no templates and no columns yet. */
GtkWidget *cr_model_palette_new (void);

/* Adds a template entry (shown first, in the order added). The strings are copied; @title and
 * @hint are shown as given (translate them first). */
void cr_model_palette_add_template (CrModelPalette *palette, const char *id, const char *title, const char *hint);

/* Lists @dataset's columns in the data group (NULL: none); @dataset is only read here. */
void cr_model_palette_set_dataset (CrModelPalette *palette, const CrDataset *dataset);

/* Sets the search text, as typing in the palette's search entry does. */
void cr_model_palette_set_search (CrModelPalette *palette, const char *text);

/* Returns: the number of entries the search leaves visible. */
guint cr_model_palette_get_n_visible (CrModelPalette *palette);

/* Returns: whether an entry of @group with @id is visible under the current search. */
gboolean cr_model_palette_is_visible (CrModelPalette *palette, CrPaletteGroup group, const char *id);

/* Returns: (transfer none) (nullable) the hint of an entry, or NULL when there is none. */
const char *cr_model_palette_get_hint (CrModelPalette *palette, CrPaletteGroup group, const char *id);

/* Activates an entry as a click would. Returns: FALSE when there is no such entry. */
gboolean cr_model_palette_activate (CrModelPalette *palette, CrPaletteGroup group, const char *id);

/* Returns: (transfer none) the default argument text of a prior or likelihood entry: what a
 * new node of that distribution starts with ("0, 1" for Normal), or NULL when it has none. */
const char *cr_model_palette_default_arguments (const char *dist_name);

G_END_DECLS
