/* cr-model-palette.c: the builder's palette of templates, distributions, computed quantities
 * and data columns. */
#include "cr-model-palette.h"

#include "config.h"
#include "dist/dist.h"

#include <glib/gi18n.h>
#include <string.h>

/* What a distribution is good for, as a prior and as a likelihood, and what a new node of it
 * starts with. The advice follows Stan's prior-choice recommendations: weakly informative
 * priors on the data's scale, half-distributions or Exponential for scales, never a flat
 * Uniform on a scale. NULL: no advice for that role. */
typedef struct
{
  const char *name;
  const char *prior_hint;
  const char *likelihood_hint;
  const char *arguments; /* the default arguments of a new node */
} DistAdvice;

static const DistAdvice advice[] = {
  { "Normal", N_("Locations and coefficients: a mean, an intercept, a slope. Centre it on a plausible value, sigma on the data's scale"),
    N_("Measurements with symmetric noise"), "0, 1" },
  { "HalfNormal", N_("Scales (sigma, tau): the usual choice. Positive, and keeps them away from implausibly large values"),
    N_("Positive measurements near zero"), "1" },
  { "StudentT", N_("Coefficients that are usually small but may be large: heavier tails than Normal"),
    N_("Measurements with outliers: robust regression"), "3, 0, 1" },
  { "HalfStudentT", N_("Scales that may occasionally be large: a heavier tail than HalfNormal"), NULL, "3, 1" },
  { "Cauchy", N_("Very heavy tails: weakly informative for coefficients, but slow to sample; StudentT is gentler"),
    NULL, "0, 1" },
  { "HalfCauchy", N_("Scales with a very heavy tail; HalfNormal or HalfStudentT usually sample better"), NULL, "1" },
  { "Laplace", N_("Coefficients pulled towards zero, as the lasso does"), N_("Measurements with a sharp peak and heavy tails"),
    "0, 1" },
  { "Logistic", N_("Locations: close to Normal, with slightly heavier tails"), N_("Measurements with slightly heavy tails"),
    "0, 1" },
  { "Exponential", N_("Scales, by rate: Exponential(1 / typical scale); it allows values near zero"),
    N_("Waiting times at a constant rate"), "1" },
  { "Gamma", N_("Positive rates and shapes; with alpha > 1 it keeps away from zero. Avoid Gamma(0.001, 0.001)"),
    N_("Positive, right-skewed measurements"), "2, 1" },
  { "InverseGamma", N_("Positive quantities that must stay away from zero, such as a length-scale"), NULL, "3, 2" },
  { "Beta", N_("Proportions and probabilities: Beta(1, 1) is flat, Beta(2, 2) keeps away from 0 and 1"),
    N_("Proportions strictly between 0 and 1"), "2, 2" },
  { "Uniform", N_("Only for quantities with known hard limits. On a scale it is a bad idea: the upper wall is arbitrary and distorts the posterior"),
    NULL, "0, 1" },
  { "LogNormal", N_("Positive quantities known to about an order of magnitude: ratios, rates"),
    N_("Positive, right-skewed measurements: incomes, durations"), "0, 1" },
  { "Weibull", N_("Positive quantities such as lifetimes"), N_("Lifetimes and failure times"), "2, 1" },
  { "TruncatedNormal", N_("Locations with hard physical limits"), N_("Measurements that cannot leave an interval"),
    "0, 1, 0, 10" },
  { "SkewNormal", N_("Locations whose uncertainty is lopsided"), N_("Measurements with skewed noise"), "0, 1, 0" },
  { "Bernoulli", NULL, N_("Yes/no outcomes (0 or 1) with probability p"), "0.5" },
  { "BernoulliLogit", NULL, N_("Yes/no outcomes on the log-odds scale: logistic regression"), "0" },
  { "Binomial", NULL, N_("Successes out of n trials with probability p"), "10, 0.5" },
  { "BinomialLogit", NULL, N_("Successes out of n trials on the log-odds scale"), "10, 0" },
  { "BetaBinomial", NULL, N_("Successes out of n trials when the rate varies more than Binomial allows"), "10, 2, 2" },
  { "Poisson", NULL, N_("Counts with mean mu"), "1" },
  { "PoissonLog", NULL, N_("Counts on the log scale: Poisson regression"), "0" },
  { "NegativeBinomial", NULL, N_("Counts that vary more than Poisson allows (overdispersion)"), "1, 1" },
  { "ZeroInflatedPoisson", NULL, N_("Counts with more zeros than Poisson allows"), "0.5, 1" },
  { "DiscreteUniform", NULL, N_("Integers equally likely between two bounds"), "0, 10" },
  { "Categorical", NULL, N_("One of K categories (0-based codes) with probabilities p"), "[0.5, 0.5]" },
  { "Dirichlet", N_("Weights that sum to one: mixture weights, category probabilities"), NULL, "[1, 1, 1]" },
  { "MvNormal", N_("Correlated coefficients, from a mean vector and a Cholesky factor"), N_("Correlated measurements"),
    NULL },
  { "LKJCholeskyCorr", N_("A correlation matrix (its Cholesky factor); eta = 2 mildly favours weak correlation"), NULL,
    "2, 2" },
  { "NormalMixture", NULL, N_("Measurements from K groups you cannot see; give the means transform=ordered"), NULL },
  { "AR1", NULL, N_("A time series in which each value leans on the previous one"), "0.5, 1" },
  { "GaussianRandomWalk", N_("A smooth series of values, each a Normal step from the last"),
    N_("A series drifting by Normal steps"), "1" },
};

static const DistAdvice *
find_advice (const char *name)
{
  for (size_t i = 0; i < G_N_ELEMENTS (advice); i++)
    if (strcmp (advice[i].name, name) == 0)
      return &advice[i];
  return NULL;
}

const char *
cr_model_palette_default_arguments (const char *dist_name)
{
  g_return_val_if_fail (dist_name != NULL, NULL);
  const DistAdvice *found = find_advice (dist_name);
  return found != NULL ? found->arguments : NULL;
}

/* One entry. The row widget holds it as data. */
typedef struct
{
  CrPaletteGroup group;
  char *id;
  char *title;
  char *hint;
  char *search; /* title, hint and group, case-folded: what the search looks in */
} Entry;

static void
entry_free (Entry *entry)
{
  g_free (entry->id);
  g_free (entry->title);
  g_free (entry->hint);
  g_free (entry->search);
  g_free (entry);
}

struct _CrModelPalette
{
  GtkBox parent_instance;

  GtkSearchEntry *search_entry;
  GtkListBox *list;
  char **search_words; /* case-folded words of the search, or NULL */
};

G_DEFINE_FINAL_TYPE (CrModelPalette, cr_model_palette, GTK_TYPE_BOX)

enum
{
  SIGNAL_ITEM_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static GQuark entry_quark;

static const char *
group_title (CrPaletteGroup group)
{
  switch (group)
    {
    case CR_PALETTE_TEMPLATE:
      return _("Templates");
    case CR_PALETTE_PRIOR:
      return _("Priors");
    case CR_PALETTE_LIKELIHOOD:
      return _("Likelihoods");
    case CR_PALETTE_COMPUTED:
      return _("Computed");
    case CR_PALETTE_DATA:
      return _("Data Columns");
    default:
      g_return_val_if_reached (NULL);
    }
}

static const Entry *
row_entry (GtkListBoxRow *row)
{
  return g_object_get_qdata (G_OBJECT (row), entry_quark);
}

static GtkWidget *
row_new (CrPaletteGroup group, const char *id, const char *title, const char *hint)
{
  Entry *entry = g_new0 (Entry, 1);
  entry->group = group;
  entry->id = g_strdup (id);
  entry->title = g_strdup (title);
  entry->hint = g_strdup (hint);
  g_autofree char *text = g_strjoin (" ", title, hint != NULL ? hint : "", group_title (group), NULL);
  entry->search = g_utf8_casefold (text, -1);

  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  GtkWidget *title_label = gtk_label_new (title);
  gtk_label_set_xalign (GTK_LABEL (title_label), 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (title_label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (title_label, "heading");
  gtk_box_append (GTK_BOX (box), title_label);
  if (hint != NULL)
    {
      GtkWidget *hint_label = gtk_label_new (hint);
      gtk_label_set_xalign (GTK_LABEL (hint_label), 0.0);
      gtk_label_set_wrap (GTK_LABEL (hint_label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (hint_label), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_lines (GTK_LABEL (hint_label), 3);
      gtk_label_set_ellipsize (GTK_LABEL (hint_label), PANGO_ELLIPSIZE_END);
      gtk_label_set_max_width_chars (GTK_LABEL (hint_label), 30);
      gtk_widget_add_css_class (hint_label, "dim-label");
      gtk_widget_add_css_class (hint_label, "caption");
      gtk_box_append (GTK_BOX (box), hint_label);
    }

  GtkWidget *row = gtk_list_box_row_new ();
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  if (hint != NULL)
    gtk_widget_set_tooltip_text (row, hint);
  g_autofree char *label = hint != NULL ? g_strdup_printf ("%s: %s", title, hint) : g_strdup (title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_object_set_qdata_full (G_OBJECT (row), entry_quark, entry, (GDestroyNotify) entry_free);
  return row;
}

/* Rows stay sorted by group, then in the order they were added. */
static void
insert_row (CrModelPalette *self, GtkWidget *row)
{
  CrPaletteGroup group = row_entry (GTK_LIST_BOX_ROW (row))->group;
  int position = 0;
  GtkListBoxRow *other;
  while ((other = gtk_list_box_get_row_at_index (self->list, position)) != NULL
         && row_entry (other)->group <= group)
    position++;
  gtk_list_box_insert (self->list, row, position);
}

static void
remove_group (CrModelPalette *self, CrPaletteGroup group)
{
  int position = 0;
  GtkListBoxRow *row;
  while ((row = gtk_list_box_get_row_at_index (self->list, position)) != NULL)
    if (row_entry (row)->group == group)
      gtk_list_box_remove (self->list, GTK_WIDGET (row));
    else
      position++;
}

static gboolean
entry_matches (CrModelPalette *self, const Entry *entry)
{
  for (guint i = 0; self->search_words != NULL && self->search_words[i] != NULL; i++)
    if (strstr (entry->search, self->search_words[i]) == NULL)
      return FALSE;
  return TRUE;
}

static gboolean
filter_row (GtkListBoxRow *row, gpointer data)
{
  return entry_matches (CR_MODEL_PALETTE (data), row_entry (row));
}

/* A heading above the first row of each group. */
static void
update_header (GtkListBoxRow *row, GtkListBoxRow *before, gpointer data)
{
  CrPaletteGroup group = row_entry (row)->group;
  if (before != NULL && row_entry (before)->group == group)
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }
  GtkWidget *header = gtk_label_new (group_title (group));
  gtk_label_set_xalign (GTK_LABEL (header), 0.0);
  gtk_widget_add_css_class (header, "heading");
  gtk_widget_add_css_class (header, "dim-label");
  gtk_widget_set_margin_start (header, 12);
  gtk_widget_set_margin_top (header, 12);
  gtk_widget_set_margin_bottom (header, 4);
  gtk_accessible_update_property (GTK_ACCESSIBLE (header), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  group_title (group), -1);
  gtk_list_box_row_set_header (row, header);
}

static void
row_activated (GtkListBox *list, GtkListBoxRow *row, CrModelPalette *self)
{
  const Entry *entry = row_entry (row);
  g_signal_emit (self, signals[SIGNAL_ITEM_ACTIVATED], 0, entry->group, entry->id);
}

static void
search_changed (CrModelPalette *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_clear_pointer (&self->search_words, g_strfreev);
  g_autofree char *folded = g_utf8_casefold (text, -1);
  g_strstrip (folded);
  if (*folded != '\0')
    self->search_words = g_strsplit_set (folded, " \t", -1);
  /* g_strsplit_set leaves empty words between repeated spaces: they match everything. */
  gtk_list_box_invalidate_filter (self->list);
}

static void
add_distributions (CrModelPalette *self)
{
  size_t n = 0;
  const CrDistribution *const *all = cr_dist_all (&n);
  for (size_t i = 0; i < n; i++)
    {
      const DistAdvice *found = find_advice (all[i]->name);
      g_autofree char *signature = cr_dist_signature (all[i]);
      if (all[i]->can_be_free && found != NULL && found->prior_hint != NULL)
        insert_row (self, row_new (CR_PALETTE_PRIOR, all[i]->name, signature, _(found->prior_hint)));
      if (found != NULL && found->likelihood_hint != NULL)
        insert_row (self, row_new (CR_PALETTE_LIKELIHOOD, all[i]->name, signature, _(found->likelihood_hint)));
    }
  insert_row (self, row_new (CR_PALETTE_COMPUTED, "deterministic", _("Deterministic"),
                             _("A quantity computed from others and kept in the trace: a difference, a prediction")));
  insert_row (self, row_new (CR_PALETTE_COMPUTED, "local", _("Local"),
                             _("An intermediate computed from others and not kept: a linear predictor")));
}

static void
cr_model_palette_dispose (GObject *object)
{
  CrModelPalette *self = CR_MODEL_PALETTE (object);
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_box_remove (GTK_BOX (self), child);
  G_OBJECT_CLASS (cr_model_palette_parent_class)->dispose (object);
}

static void
cr_model_palette_finalize (GObject *object)
{
  g_strfreev (CR_MODEL_PALETTE (object)->search_words);
  G_OBJECT_CLASS (cr_model_palette_parent_class)->finalize (object);
}

static void
cr_model_palette_class_init (CrModelPaletteClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->dispose = cr_model_palette_dispose;
  object_class->finalize = cr_model_palette_finalize;
  entry_quark = g_quark_from_static_string ("cr-palette-entry");

  signals[SIGNAL_ITEM_ACTIVATED]
      = g_signal_new ("item-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
cr_model_palette_init (CrModelPalette *self)
{
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_widget_add_css_class (GTK_WIDGET (self), "model-palette");

  self->search_entry = GTK_SEARCH_ENTRY (gtk_search_entry_new ());
  g_object_set (self->search_entry, "placeholder-text", _("Search the palette"), NULL);
  gtk_widget_set_margin_start (GTK_WIDGET (self->search_entry), 6);
  gtk_widget_set_margin_end (GTK_WIDGET (self->search_entry), 6);
  gtk_widget_set_margin_top (GTK_WIDGET (self->search_entry), 6);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->search_entry), 6);
  g_signal_connect_object (self->search_entry, "search-changed", G_CALLBACK (search_changed), self,
                           G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->search_entry));

  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_list_box_set_activate_on_single_click (self->list, TRUE);
  gtk_list_box_set_filter_func (self->list, filter_row, self, NULL);
  gtk_list_box_set_header_func (self->list, update_header, NULL, NULL);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "navigation-sidebar");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Model palette"), -1);
  g_signal_connect_object (self->list, "row-activated", G_CALLBACK (row_activated), self, 0);
  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self->list));

  GtkWidget *scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->list));
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_box_append (GTK_BOX (self), scroller);

  add_distributions (self);
}

GtkWidget *
cr_model_palette_new (void)
{
  return g_object_new (CR_TYPE_MODEL_PALETTE, NULL);
}

void
cr_model_palette_add_template (CrModelPalette *palette, const char *id, const char *title, const char *hint)
{
  g_return_if_fail (CR_IS_MODEL_PALETTE (palette));
  g_return_if_fail (id != NULL && title != NULL);
  insert_row (palette, row_new (CR_PALETTE_TEMPLATE, id, title, hint));
}

static const char *
column_hint (const CrColumn *column)
{
  switch (column->type)
    {
    case CR_COLUMN_CATEGORICAL:
      return _("Categorical: index a vector by it (one value per level), or give it as a size");
    case CR_COLUMN_INTEGER:
      return _("Whole numbers: click to model them (counts, 0/1 outcomes); pick it in an argument to use it as a predictor");
    case CR_COLUMN_FLOAT:
    default:
      return _("Numbers: click to model them; pick it in an argument to use it as a predictor");
    }
}

void
cr_model_palette_set_dataset (CrModelPalette *palette, const CrDataset *dataset)
{
  g_return_if_fail (CR_IS_MODEL_PALETTE (palette));
  remove_group (palette, CR_PALETTE_DATA);
  size_t n = dataset != NULL ? cr_dataset_get_n_columns (dataset) : 0;
  for (size_t i = 0; i < n; i++)
    {
      const CrColumn *column = cr_dataset_get_column (dataset, i);
      insert_row (palette, row_new (CR_PALETTE_DATA, column->name, column->name,
                                    column_hint (column)));
    }
}

void
cr_model_palette_set_search (CrModelPalette *palette, const char *text)
{
  g_return_if_fail (CR_IS_MODEL_PALETTE (palette));
  gtk_editable_set_text (GTK_EDITABLE (palette->search_entry), text != NULL ? text : "");
  /* The entry reports the change after a delay; the caller wants the result now. */
  search_changed (palette);
}

static GtkListBoxRow *
find_row (CrModelPalette *self, CrPaletteGroup group, const char *id)
{
  GtkListBoxRow *row;
  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->list, i)) != NULL; i++)
    if (row_entry (row)->group == group && strcmp (row_entry (row)->id, id) == 0)
      return row;
  return NULL;
}

guint
cr_model_palette_get_n_visible (CrModelPalette *palette)
{
  g_return_val_if_fail (CR_IS_MODEL_PALETTE (palette), 0);
  guint n = 0;
  GtkListBoxRow *row;
  for (int i = 0; (row = gtk_list_box_get_row_at_index (palette->list, i)) != NULL; i++)
    n += entry_matches (palette, row_entry (row));
  return n;
}

gboolean
cr_model_palette_is_visible (CrModelPalette *palette, CrPaletteGroup group, const char *id)
{
  g_return_val_if_fail (CR_IS_MODEL_PALETTE (palette), FALSE);
  GtkListBoxRow *row = find_row (palette, group, id);
  return row != NULL && entry_matches (palette, row_entry (row));
}

const char *
cr_model_palette_get_hint (CrModelPalette *palette, CrPaletteGroup group, const char *id)
{
  g_return_val_if_fail (CR_IS_MODEL_PALETTE (palette), NULL);
  GtkListBoxRow *row = find_row (palette, group, id);
  return row != NULL ? row_entry (row)->hint : NULL;
}

gboolean
cr_model_palette_activate (CrModelPalette *palette, CrPaletteGroup group, const char *id)
{
  g_return_val_if_fail (CR_IS_MODEL_PALETTE (palette), FALSE);
  GtkListBoxRow *row = find_row (palette, group, id);
  if (row == NULL)
    return FALSE;
  g_signal_emit_by_name (palette->list, "row-activated", row);
  return TRUE;
}
