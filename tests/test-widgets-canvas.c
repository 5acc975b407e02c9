/* test-widgets-canvas.c: the model graph canvas under a display (Xvfb in CI): the graph built
 * from the program (nodes, kinds, parents, plates), errors on their nodes, the layout, positions
 * kept across models and through the saved layout, selection by click and keys, and zoom.
 *
 * With CREDENCE_SCREENSHOT_DIR set, it also saves PNGs of the schools model, light and dark.
 */
#include "cr-model-canvas.h"
#include "gui-util.h"

#include <adwaita.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <string.h>

/* Positions are kept exactly: only a computation on them could change their last bit. */
#define POSITION_TOLERANCE 1e-9

/* A linear regression on the columns x and y of regression_dataset (). */
static const char regression_model[] = "alpha ~ Normal(0, 10)\n"
                                       "beta ~ Normal(0, 10)\n"
                                       "sigma ~ HalfNormal(5)\n"
                                       "mu = alpha + beta * x\n"
                                       "y ~ Normal(mu, sigma)\n";
#define REGRESSION_ROWS 6
/* The same with a typo on line 5 (the likelihood). */
static const char regression_typo[] = "alpha ~ Normal(0, 10)\n"
                                      "beta ~ Normal(0, 10)\n"
                                      "sigma ~ HalfNormal(5)\n"
                                      "mu = alpha + beta * x\n"
                                      "y ~ Normal(mu, sigam)\n";
/* The regression with one more variable, a Student-t likelihood's degrees of freedom. */
static const char regression_robust[] = "alpha ~ Normal(0, 10)\n"
                                        "beta ~ Normal(0, 10)\n"
                                        "sigma ~ HalfNormal(5)\n"
                                        "nu ~ Gamma(2, 0.1)\n"
                                        "mu = alpha + beta * x\n"
                                        "y ~ StudentT(nu, mu, sigma)\n";

/* The hierarchical schools model of LANGUAGE.md, on schools_dataset (). */
static const char schools_model[] = "# dataset columns: school (categorical), score\n"
                                    "mu_pop ~ Normal(60, 20)\n"
                                    "tau ~ HalfNormal(10)\n"
                                    "school_mu[school] ~ Normal(mu_pop, tau)\n"
                                    "sigma ~ HalfNormal(5)\n"
                                    "score ~ Normal(school_mu[school], sigma)\n";
#define N_SCHOOLS 8
#define SCHOOLS_ROWS 16

/* Eight schools with its data in the file: a constant size, a local, and a `data` vector that
 * a `~` statement observes. */
static const char constants_model[] = "data J = 3\n"
                                      "data y = [28, 8, -3]\n"
                                      "data s = [15, 10, 16]\n"
                                      "mu ~ Normal(0, 5)\n"
                                      "tau ~ HalfNormal(5)\n"
                                      "eta[J] ~ Normal(0, 1)\n"
                                      "local spread = tau * eta\n"
                                      "theta = mu + spread\n"
                                      "y ~ Normal(theta, s)\n";

/* Varying intercepts by county and three predictors in a matrix: more layers and plates. */
static const char county_model[] = "data K = 3\n"
                                   "data X = stack(x1, x2, x3)\n"
                                   "mu_a ~ Normal(0, 10)\n"
                                   "sigma_a ~ HalfNormal(5)\n"
                                   "a[county] ~ Normal(mu_a, sigma_a)\n"
                                   "beta[K] ~ Normal(0, 1)\n"
                                   "sigma ~ HalfNormal(1)\n"
                                   "local eta = X @ beta\n"
                                   "mu = a[county] + eta\n"
                                   "y ~ Normal(mu, sigma)\n";
#define N_COUNTIES 4
#define COUNTY_ROWS 12

typedef struct
{
  GtkWindow *window;
  CrModelCanvas *canvas;
  CrDataset *dataset;
  guint n_selection_changed;
  char *last_selection;
  guint n_delete_requested;
  char *last_delete;
  guint n_layout_changed;
  guint n_activated;
  char *last_activated;
} Fixture;

static void
on_selection_changed (CrModelCanvas *canvas, const char *name, Fixture *fixture)
{
  fixture->n_selection_changed++;
  g_free (fixture->last_selection);
  fixture->last_selection = g_strdup (name);
  /* The state the signal announces is in place when it is emitted. */
  g_assert_cmpstr (cr_model_canvas_get_selected (canvas), ==, name);
}

static void
on_delete_requested (CrModelCanvas *canvas, const char *name, Fixture *fixture)
{
  fixture->n_delete_requested++;
  g_free (fixture->last_delete);
  fixture->last_delete = g_strdup (name);
}

static void
on_layout_changed (CrModelCanvas *canvas, Fixture *fixture)
{
  fixture->n_layout_changed++;
}

static void
on_node_activated (CrModelCanvas *canvas, const char *name, Fixture *fixture)
{
  fixture->n_activated++;
  g_free (fixture->last_activated);
  fixture->last_activated = g_strdup (name);
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (fixture->window, 720, 520);
  fixture->canvas = CR_MODEL_CANVAS (cr_model_canvas_new ());
  gtk_window_set_child (fixture->window, GTK_WIDGET (fixture->canvas));
  g_signal_connect (fixture->canvas, "selection-changed", G_CALLBACK (on_selection_changed), fixture);
  g_signal_connect (fixture->canvas, "delete-requested", G_CALLBACK (on_delete_requested), fixture);
  g_signal_connect (fixture->canvas, "layout-changed", G_CALLBACK (on_layout_changed), fixture);
  g_signal_connect (fixture->canvas, "node-activated", G_CALLBACK (on_node_activated), fixture);
  gtk_window_present (fixture->window);
  g_assert_true (gui_wait_for (gui_is_mapped, fixture->canvas, GUI_TIMEOUT_US));
  gui_settle (5);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  gtk_window_destroy (fixture->window);
  gui_settle (5);
  g_clear_pointer (&fixture->dataset, cr_dataset_free);
  g_free (fixture->last_selection);
  g_free (fixture->last_delete);
  g_free (fixture->last_activated);
}

static CrDataset *
regression_dataset (void)
{
  const double x[REGRESSION_ROWS] = { 0.0, 1.0, 2.0, 3.0, 4.0, 5.0 };
  const double y[REGRESSION_ROWS] = { 0.9, 3.1, 4.8, 7.2, 9.1, 10.8 };
  CrDataset *dataset = cr_dataset_new ("regression");
  g_assert_true (cr_dataset_add_column (dataset, "x", CR_COLUMN_FLOAT, x, REGRESSION_ROWS, NULL, NULL));
  g_assert_true (cr_dataset_add_column (dataset, "y", CR_COLUMN_FLOAT, y, REGRESSION_ROWS, NULL, NULL));
  return dataset;
}

static CrDataset *
schools_dataset (void)
{
  const char *const levels[N_SCHOOLS + 1] = { "A", "B", "C", "D", "E", "F", "G", "H", NULL };
  double codes[SCHOOLS_ROWS], scores[SCHOOLS_ROWS];
  for (int i = 0; i < SCHOOLS_ROWS; i++)
    {
      codes[i] = i % N_SCHOOLS;
      scores[i] = 55.0 + 1.5 * (i % N_SCHOOLS) + (i < N_SCHOOLS ? -2.0 : 2.0);
    }
  CrDataset *dataset = cr_dataset_new ("schools");
  g_assert_true (cr_dataset_add_column (dataset, "school", CR_COLUMN_CATEGORICAL, codes,
                                        SCHOOLS_ROWS, levels, NULL));
  g_assert_true (cr_dataset_add_column (dataset, "score", CR_COLUMN_FLOAT, scores, SCHOOLS_ROWS,
                                        NULL, NULL));
  return dataset;
}

static CrDataset *
county_dataset (void)
{
  const char *const levels[N_COUNTIES + 1] = { "north", "south", "east", "west", NULL };
  double codes[COUNTY_ROWS], x[COUNTY_ROWS], y[COUNTY_ROWS];
  for (int i = 0; i < COUNTY_ROWS; i++)
    {
      codes[i] = i % N_COUNTIES;
      x[i] = 0.25 * i;
      y[i] = 1.0 + 0.5 * i;
    }
  CrDataset *dataset = cr_dataset_new ("counties");
  g_assert_true (cr_dataset_add_column (dataset, "county", CR_COLUMN_CATEGORICAL, codes,
                                        COUNTY_ROWS, levels, NULL));
  const char *const columns[] = { "x1", "x2", "x3", "y" };
  for (size_t c = 0; c < G_N_ELEMENTS (columns); c++)
    g_assert_true (cr_dataset_add_column (dataset, columns[c], CR_COLUMN_FLOAT, c < 3 ? x : y,
                                          COUNTY_ROWS, NULL, NULL));
  return dataset;
}

/* Parses and validates @text against the fixture's dataset and shows it; checks that it is
 * as valid as @valid says. */
static void
show_model (Fixture *fixture, const char *text, gboolean valid)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) diagnostics = NULL;
  g_autoptr (CrModel) model = cr_model_new_from_text (text, fixture->dataset, NULL, NULL, &error);
  g_assert_no_error (error);
  gboolean validated = cr_model_validate (model, &diagnostics, valid ? &error : NULL);
  g_assert_no_error (error);
  g_assert_cmpint (validated, ==, valid);
  cr_model_canvas_set_model (fixture->canvas, model, diagnostics);
  gui_settle (3);
}

static void
assert_kind (Fixture *fixture, const char *name, CrCanvasNodeKind expected)
{
  CrCanvasNodeKind kind;
  g_assert_true (cr_model_canvas_get_node_kind (fixture->canvas, name, &kind));
  g_assert_cmpint (kind, ==, expected);
}

/* Checks @name's parents against the NULL-terminated @expected, in order. */
static void
assert_parents (Fixture *fixture, const char *name, const char *const *expected)
{
  g_auto (GStrv) parents = cr_model_canvas_get_parents (fixture->canvas, name);
  g_assert_nonnull (parents);
  g_assert_cmpstrv (parents, expected);
}

static void
assert_node_names (Fixture *fixture, const char *const *expected)
{
  guint n = g_strv_length ((char **) expected);
  g_assert_cmpuint (cr_model_canvas_get_n_nodes (fixture->canvas), ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpstr (cr_model_canvas_get_node_name (fixture->canvas, i), ==, expected[i]);
}

typedef struct
{
  double x0, y0, x1, y1;
} Box;

static Box
node_box (Fixture *fixture, const char *name)
{
  double x, y, width, height;
  g_assert_true (cr_model_canvas_get_node_position (fixture->canvas, name, &x, &y));
  g_assert_true (cr_model_canvas_get_node_size (fixture->canvas, name, &width, &height));
  g_assert_cmpfloat (width, >, 0);
  g_assert_cmpfloat (height, >, 0);
  return (Box){ x - width / 2, y - height / 2, x + width / 2, y + height / 2 };
}

static gboolean
boxes_overlap (Box a, Box b)
{
  return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

/* No two node boxes overlap, and every parent's centre is above its child's. */
static void
assert_layered_without_overlaps (Fixture *fixture)
{
  guint n = cr_model_canvas_get_n_nodes (fixture->canvas);
  for (guint i = 0; i < n; i++)
    {
      const char *name = cr_model_canvas_get_node_name (fixture->canvas, i);
      for (guint j = i + 1; j < n; j++)
        {
          const char *other = cr_model_canvas_get_node_name (fixture->canvas, j);
          if (boxes_overlap (node_box (fixture, name), node_box (fixture, other)))
            g_error ("the boxes of %s and %s overlap", name, other);
        }
      g_auto (GStrv) parents = cr_model_canvas_get_parents (fixture->canvas, name);
      double child_y, parent_y;
      g_assert_true (cr_model_canvas_get_node_position (fixture->canvas, name, NULL, &child_y));
      for (guint k = 0; parents[k] != NULL; k++)
        {
          g_assert_true (cr_model_canvas_get_node_position (fixture->canvas, parents[k], NULL, &parent_y));
          if (!(parent_y < child_y))
            g_error ("parent %s (y %g) is not above %s (y %g)", parents[k], parent_y, name, child_y);
        }
    }
}

static void
test_regression_graph (Fixture *fixture, gconstpointer data)
{
  fixture->dataset = regression_dataset ();
  show_model (fixture, regression_model, TRUE);
  const char *const names[] = { "alpha", "beta", "sigma", "mu", "y", "x", NULL };
  assert_node_names (fixture, names);
  assert_kind (fixture, "alpha", CR_CANVAS_NODE_FREE);
  assert_kind (fixture, "sigma", CR_CANVAS_NODE_FREE);
  assert_kind (fixture, "mu", CR_CANVAS_NODE_DETERMINISTIC);
  assert_kind (fixture, "y", CR_CANVAS_NODE_OBSERVED);
  assert_kind (fixture, "x", CR_CANVAS_NODE_DATA);
  g_assert_false (cr_model_canvas_get_node_kind (fixture->canvas, "sigam", NULL));

  const char *const mu_parents[] = { "alpha", "beta", "x", NULL };
  const char *const y_parents[] = { "mu", "sigma", NULL };
  const char *const no_parents[] = { NULL };
  assert_parents (fixture, "mu", mu_parents);
  assert_parents (fixture, "y", y_parents);
  assert_parents (fixture, "alpha", no_parents);
  assert_parents (fixture, "x", no_parents);
  g_assert_null (cr_model_canvas_get_parents (fixture->canvas, "nothing"));

  /* The vectors share the plate of the column length; scalars are in none. */
  g_assert_cmpstr (cr_model_canvas_get_plate_label (fixture->canvas, "mu"), ==, "6");
  g_assert_cmpstr (cr_model_canvas_get_plate_label (fixture->canvas, "y"), ==, "6");
  g_assert_cmpstr (cr_model_canvas_get_plate_label (fixture->canvas, "x"), ==, "6");
  g_assert_null (cr_model_canvas_get_plate_label (fixture->canvas, "alpha"));
  g_assert_null (cr_model_canvas_get_plate_label (fixture->canvas, "sigma"));
  for (guint i = 0; i < cr_model_canvas_get_n_nodes (fixture->canvas); i++)
    g_assert_null (cr_model_canvas_get_node_error (fixture->canvas,
                                                   cr_model_canvas_get_node_name (fixture->canvas, i)));
  assert_layered_without_overlaps (fixture);
  /* The first graph was laid out (once) and fitted. */
  g_assert_cmpuint (fixture->n_layout_changed, ==, 1);
  g_assert_cmpfloat (cr_model_canvas_get_zoom (fixture->canvas), <=, 1.0);
}

static void
test_schools_graph (Fixture *fixture, gconstpointer data)
{
  fixture->dataset = schools_dataset ();
  show_model (fixture, schools_model, TRUE);
  const char *const names[] = { "mu_pop", "tau", "school_mu", "sigma", "score", "school", NULL };
  assert_node_names (fixture, names);
  assert_kind (fixture, "mu_pop", CR_CANVAS_NODE_FREE);
  assert_kind (fixture, "school_mu", CR_CANVAS_NODE_FREE);
  assert_kind (fixture, "score", CR_CANVAS_NODE_OBSERVED);
  assert_kind (fixture, "school", CR_CANVAS_NODE_DATA);
  /* The size is read first, then the arguments. */
  const char *const school_mu_parents[] = { "school", "mu_pop", "tau", NULL };
  const char *const score_parents[] = { "school_mu", "school", "sigma", NULL };
  assert_parents (fixture, "school_mu", school_mu_parents);
  assert_parents (fixture, "score", score_parents);

  g_assert_cmpstr (cr_model_canvas_get_plate_label (fixture->canvas, "school_mu"), ==,
                   "school: 8 levels");
  g_assert_cmpstr (cr_model_canvas_get_plate_label (fixture->canvas, "score"), ==, "16");
  g_assert_cmpstr (cr_model_canvas_get_plate_label (fixture->canvas, "school"), ==, "16");
  g_assert_null (cr_model_canvas_get_plate_label (fixture->canvas, "mu_pop"));
  assert_layered_without_overlaps (fixture);
}

static void
test_constants_graph (Fixture *fixture, gconstpointer data)
{
  show_model (fixture, constants_model, TRUE);
  /* `data y` and `y ~ ...` are one observed node. */
  const char *const names[] = { "J", "y", "s", "mu", "tau", "eta", "spread", "theta", NULL };
  assert_node_names (fixture, names);
  assert_kind (fixture, "J", CR_CANVAS_NODE_DATA);
  assert_kind (fixture, "s", CR_CANVAS_NODE_DATA);
  assert_kind (fixture, "y", CR_CANVAS_NODE_OBSERVED);
  assert_kind (fixture, "spread", CR_CANVAS_NODE_LOCAL);
  assert_kind (fixture, "theta", CR_CANVAS_NODE_DETERMINISTIC);
  const char *const eta_parents[] = { "J", NULL };
  const char *const y_parents[] = { "theta", "s", NULL };
  assert_parents (fixture, "eta", eta_parents);
  assert_parents (fixture, "y", y_parents);
  /* Every vector of 3 shares the plate the constant J names. */
  const char *const in_plate[] = { "eta", "spread", "theta", "y", "s" };
  for (size_t i = 0; i < G_N_ELEMENTS (in_plate); i++)
    g_assert_cmpstr (cr_model_canvas_get_plate_label (fixture->canvas, in_plate[i]), ==, "J = 3");
  g_assert_null (cr_model_canvas_get_plate_label (fixture->canvas, "J"));
  assert_layered_without_overlaps (fixture);
}

static void
test_invalid_model (Fixture *fixture, gconstpointer data)
{
  fixture->dataset = regression_dataset ();
  show_model (fixture, regression_model, TRUE);
  show_model (fixture, regression_typo, FALSE);
  /* Every node is still there; the undefined name is no node and no parent. */
  const char *const names[] = { "alpha", "beta", "sigma", "mu", "y", "x", NULL };
  assert_node_names (fixture, names);
  const char *const y_parents[] = { "mu", NULL };
  assert_parents (fixture, "y", y_parents);
  /* The error is on the likelihood's node only. */
  const char *error = cr_model_canvas_get_node_error (fixture->canvas, "y");
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error, "'sigam'"));
  for (guint i = 0; i < cr_model_canvas_get_n_nodes (fixture->canvas); i++)
    {
      const char *name = cr_model_canvas_get_node_name (fixture->canvas, i);
      if (!g_str_equal (name, "y"))
        g_assert_null (cr_model_canvas_get_node_error (fixture->canvas, name));
    }
  /* Shapes are the last valid model's. */
  g_assert_cmpstr (cr_model_canvas_get_plate_label (fixture->canvas, "mu"), ==, "6");
  assert_kind (fixture, "y", CR_CANVAS_NODE_OBSERVED);

  /* The tooltip over the node shows the message; over another node there is none. */
  GtkWidget *widget = GTK_WIDGET (fixture->canvas);
  const char *points[] = { "y", "alpha" };
  for (size_t i = 0; i < G_N_ELEMENTS (points); i++)
    {
      double x, y;
      g_assert_true (cr_model_canvas_node_to_widget (fixture->canvas, points[i], &x, &y));
      g_autoptr (GtkTooltip) tooltip = g_object_new (GTK_TYPE_TOOLTIP, NULL);
      gboolean shown = FALSE;
      g_signal_emit_by_name (widget, "query-tooltip", (int) x, (int) y, FALSE, tooltip, &shown);
      g_assert_cmpint (shown, ==, i == 0);
    }
}

static void
test_invalid_first (Fixture *fixture, gconstpointer data)
{
  /* Never valid: the shapes come from the text. A size that names a categorical column is its
   * levels, one that names a constant is the constant, and a bare literal is itself. */
  fixture->dataset = schools_dataset ();
  show_model (fixture,
              "data K = 4\n"
              "a[school] ~ Normal(0, sigam)\n"
              "b[K] ~ Normal(0, 1)\n"
              "c[5] ~ Normal(0, 1)\n"
              "score ~ Normal(a[school], 1)\n",
              FALSE);
  g_assert_cmpstr (cr_model_canvas_get_plate_label (fixture->canvas, "a"), ==, "school: 8 levels");
  g_assert_cmpstr (cr_model_canvas_get_plate_label (fixture->canvas, "b"), ==, "K = 4");
  g_assert_cmpstr (cr_model_canvas_get_plate_label (fixture->canvas, "c"), ==, "5");
  g_assert_cmpstr (cr_model_canvas_get_plate_label (fixture->canvas, "score"), ==, "16");
  g_assert_nonnull (cr_model_canvas_get_node_error (fixture->canvas, "a"));
  g_assert_null (cr_model_canvas_get_node_error (fixture->canvas, "b"));
  assert_layered_without_overlaps (fixture);
}

static void
test_positions_kept (Fixture *fixture, gconstpointer data)
{
  fixture->dataset = regression_dataset ();
  show_model (fixture, regression_model, TRUE);
  /* Where the user put a node is kept as well. */
  cr_model_canvas_set_node_position (fixture->canvas, "sigma", 612.5, -40.25);
  const char *const names[] = { "alpha", "beta", "sigma", "mu", "y", "x" };
  double before[G_N_ELEMENTS (names)][2];
  for (size_t i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_true (cr_model_canvas_get_node_position (fixture->canvas, names[i], &before[i][0],
                                                      &before[i][1]));
  double zoom = cr_model_canvas_get_zoom (fixture->canvas);
  guint layouts = fixture->n_layout_changed;

  show_model (fixture, regression_robust, TRUE);
  g_assert_cmpuint (cr_model_canvas_get_n_nodes (fixture->canvas), ==, G_N_ELEMENTS (names) + 1);
  for (size_t i = 0; i < G_N_ELEMENTS (names); i++)
    {
      double x, y;
      g_assert_true (cr_model_canvas_get_node_position (fixture->canvas, names[i], &x, &y));
      g_assert_cmpfloat_with_epsilon (x, before[i][0], POSITION_TOLERANCE);
      g_assert_cmpfloat_with_epsilon (y, before[i][1], POSITION_TOLERANCE);
    }
  /* The new node overlaps nothing, and sits above its child; the view stayed. */
  Box nu = node_box (fixture, "nu");
  for (size_t i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_false (boxes_overlap (nu, node_box (fixture, names[i])));
  double nu_y, y_y;
  cr_model_canvas_get_node_position (fixture->canvas, "nu", NULL, &nu_y);
  cr_model_canvas_get_node_position (fixture->canvas, "y", NULL, &y_y);
  g_assert_cmpfloat (nu_y, <, y_y);
  g_assert_cmpuint (fixture->n_layout_changed, ==, layouts + 1);
  g_assert_cmpfloat (cr_model_canvas_get_zoom (fixture->canvas), ==, zoom);

  /* The same model again places nothing. */
  show_model (fixture, regression_robust, TRUE);
  g_assert_cmpuint (fixture->n_layout_changed, ==, layouts + 1);

  /* Relayout puts every node back in layers, and says so. */
  cr_model_canvas_relayout (fixture->canvas);
  g_assert_cmpuint (fixture->n_layout_changed, ==, layouts + 2);
  assert_layered_without_overlaps (fixture);
}

/* Adding many nodes one model at a time never makes two overlap. */
static void
test_growing_model (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GString) text = g_string_new ("base ~ Normal(0, 1)\n");
  show_model (fixture, text->str, TRUE);
  for (int i = 0; i < 12; i++)
    {
      g_string_append_printf (text, "v%d ~ Normal(%s, 1)\n", i, i % 3 == 0 ? "base" : "0");
      show_model (fixture, text->str, TRUE);
      guint n = cr_model_canvas_get_n_nodes (fixture->canvas);
      for (guint a = 0; a < n; a++)
        for (guint b = a + 1; b < n; b++)
          g_assert_false (boxes_overlap (
              node_box (fixture, cr_model_canvas_get_node_name (fixture->canvas, a)),
              node_box (fixture, cr_model_canvas_get_node_name (fixture->canvas, b))));
    }
}

/* A larger model: chains of scalars and vectors of two sizes over a few columns. Laid out in
 * layers without overlaps, in a time a person does not notice. */
static void
test_large_model (Fixture *fixture, gconstpointer data)
{
  fixture->dataset = regression_dataset ();
  g_autoptr (GString) text = g_string_new ("data K = 4\n");
  const int n_groups = 12;
  for (int g = 0; g < n_groups; g++)
    {
      g_string_append_printf (text, "s%d ~ HalfNormal(%d)\n", g, g + 1);
      g_string_append_printf (text, "v%d[K] ~ Normal(%s, s%d)\n", g, g > 0 ? "m0" : "0", g);
      g_string_append_printf (text, "m%d ~ Normal(0, s%d)\n", g, g);
      g_string_append_printf (text, "d%d = m%d + sum(v%d) * x\n", g, g, g);
    }
  g_string_append (text, "mu = d0 + d1 + d2 + d3 + d4 + d5 + d6 + d7 + d8 + d9 + d10 + d11\n"
                         "sigma ~ HalfNormal(1)\n"
                         "y ~ Normal(mu, sigma)\n");
  gint64 start = g_get_monotonic_time ();
  show_model (fixture, text->str, TRUE);
  gint64 shown = g_get_monotonic_time ();
  cr_model_canvas_relayout (fixture->canvas);
  gint64 relaid = g_get_monotonic_time ();
  g_test_message ("%u nodes: set_model %.1f ms (with 3 settle rounds), relayout %.1f ms",
                  cr_model_canvas_get_n_nodes (fixture->canvas), (shown - start) / 1e3,
                  (relaid - shown) / 1e3);
  g_assert_cmpuint (cr_model_canvas_get_n_nodes (fixture->canvas), ==, 4 * n_groups + 5);
  g_assert_cmpstr (cr_model_canvas_get_plate_label (fixture->canvas, "v3"), ==, "K = 4");
  g_assert_cmpstr (cr_model_canvas_get_plate_label (fixture->canvas, "d3"), ==, "6");
  assert_layered_without_overlaps (fixture);
  gui_settle (5); /* draw the new layout */
  gui_save_screenshot (GTK_WIDGET (fixture->canvas), "model-canvas-large.png");
}

static void
test_layout_json (Fixture *fixture, gconstpointer data)
{
  fixture->dataset = regression_dataset ();
  show_model (fixture, regression_model, TRUE);
  cr_model_canvas_set_node_position (fixture->canvas, "mu", 0.1, -1e-7);
  g_autofree char *saved = cr_model_canvas_save_layout (fixture->canvas);
  g_assert_true (g_str_has_prefix (saved, "{\"version\":1,\"nodes\":{\"alpha\":["));

  /* Move everything, then load: every node is back exactly. */
  guint n = cr_model_canvas_get_n_nodes (fixture->canvas);
  g_autofree double *xs = g_new (double, n);
  g_autofree double *ys = g_new (double, n);
  for (guint i = 0; i < n; i++)
    {
      const char *name = cr_model_canvas_get_node_name (fixture->canvas, i);
      cr_model_canvas_get_node_position (fixture->canvas, name, &xs[i], &ys[i]);
      cr_model_canvas_set_node_position (fixture->canvas, name, 1000.0 + i, 2000.0 - i);
    }
  g_autoptr (GError) error = NULL;
  g_assert_true (cr_model_canvas_load_layout (fixture->canvas, saved, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      double x, y;
      cr_model_canvas_get_node_position (fixture->canvas,
                                         cr_model_canvas_get_node_name (fixture->canvas, i), &x, &y);
      g_assert_cmpfloat (x, ==, xs[i]);
      g_assert_cmpfloat (y, ==, ys[i]);
    }
  g_autofree char *saved_again = cr_model_canvas_save_layout (fixture->canvas);
  g_assert_cmpstr (saved_again, ==, saved);

  /* Malformed layouts change nothing. */
  static const char *const malformed[] = {
    "",
    "{\"version\":1,\"nodes\":{\"mu\":[1,2]",
    "[1, 2]",
    "{\"nodes\":{\"mu\":[1,2]}}",
    "{\"version\":2,\"nodes\":{\"mu\":[1,2]}}",
    "{\"version\":1}",
    "{\"version\":1,\"nodes\":[]}",
    "{\"version\":1,\"nodes\":{\"mu\":[1]}}",
    "{\"version\":1,\"nodes\":{\"mu\":[1,2,3]}}",
    "{\"version\":1,\"nodes\":{\"mu\":[\"1\",2]}}",
    "{\"version\":1,\"nodes\":{\"alpha\":[5,5],\"mu\":{\"x\":1}}}",
  };
  for (size_t i = 0; i < G_N_ELEMENTS (malformed); i++)
    {
      g_autoptr (GError) malformed_error = NULL;
      g_assert_false (cr_model_canvas_load_layout (fixture->canvas, malformed[i], &malformed_error));
      g_assert_error (malformed_error, CR_MODEL_CANVAS_ERROR, CR_MODEL_CANVAS_ERROR_LAYOUT);
      g_autofree char *unchanged = cr_model_canvas_save_layout (fixture->canvas);
      g_assert_cmpstr (unchanged, ==, saved);
    }

  /* A name that is no node yet keeps its place for when it appears. */
  g_assert_true (cr_model_canvas_load_layout (
      fixture->canvas, "{\"version\":1,\"nodes\":{\"nu\":[-300.5,-200],\"alpha\":[-100,-250]}}",
      &error));
  g_assert_no_error (error);
  double x, y;
  cr_model_canvas_get_node_position (fixture->canvas, "alpha", &x, &y);
  g_assert_cmpfloat (x, ==, -100);
  g_assert_cmpfloat (y, ==, -250);
  show_model (fixture, regression_robust, TRUE);
  cr_model_canvas_get_node_position (fixture->canvas, "nu", &x, &y);
  g_assert_cmpfloat (x, ==, -300.5);
  g_assert_cmpfloat (y, ==, -200);
}

static GtkEventController *
find_controller (GtkWidget *widget, GType type)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (widget);
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GtkEventController) controller = g_list_model_get_item (controllers, i);
      if (G_TYPE_CHECK_INSTANCE_TYPE (controller, type))
        return controller; /* the widget keeps it */
    }
  g_assert_not_reached ();
}

/* Sends a press of @n_press clicks at widget point (@x, @y) to the canvas's click gesture. */
static void
click (Fixture *fixture, int n_press, double x, double y)
{
  GtkEventController *gesture = find_controller (GTK_WIDGET (fixture->canvas), GTK_TYPE_GESTURE_CLICK);
  g_signal_emit_by_name (gesture, "pressed", n_press, x, y);
}

static gboolean
press_key (Fixture *fixture, guint keyval, GdkModifierType state)
{
  GtkEventController *keys = find_controller (GTK_WIDGET (fixture->canvas),
                                              GTK_TYPE_EVENT_CONTROLLER_KEY);
  gboolean handled = FALSE;
  g_signal_emit_by_name (keys, "key-pressed", keyval, 0, state, &handled);
  return handled;
}

static void
test_click_selects (Fixture *fixture, gconstpointer data)
{
  fixture->dataset = schools_dataset ();
  show_model (fixture, schools_model, TRUE);
  double x, y;
  g_assert_true (cr_model_canvas_node_to_widget (fixture->canvas, "tau", &x, &y));
  g_assert_cmpstr (cr_model_canvas_node_at (fixture->canvas, x, y), ==, "tau");
  /* Inside the widget. */
  g_assert_cmpfloat (x, >, 0);
  g_assert_cmpfloat (x, <, gtk_widget_get_width (GTK_WIDGET (fixture->canvas)));

  click (fixture, 1, x, y);
  g_assert_cmpstr (cr_model_canvas_get_selected (fixture->canvas), ==, "tau");
  g_assert_cmpuint (fixture->n_selection_changed, ==, 1);
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (fixture->canvas)));
  /* A second click on the same node changes nothing. */
  click (fixture, 1, x, y);
  g_assert_cmpuint (fixture->n_selection_changed, ==, 1);
  click (fixture, 2, x, y);
  g_assert_cmpuint (fixture->n_activated, ==, 1);
  g_assert_cmpstr (fixture->last_activated, ==, "tau");

  /* The background: far left of every node. */
  g_assert_null (cr_model_canvas_node_at (fixture->canvas, 1, 1));
  click (fixture, 1, 1, 1);
  g_assert_null (cr_model_canvas_get_selected (fixture->canvas));
  g_assert_cmpuint (fixture->n_selection_changed, ==, 2);
  g_assert_null (fixture->last_selection);

  /* A selection survives a new model that keeps the node, and goes with the node. */
  cr_model_canvas_select (fixture->canvas, "sigma");
  g_assert_cmpuint (fixture->n_selection_changed, ==, 3);
  show_model (fixture, schools_model, TRUE);
  g_assert_cmpstr (cr_model_canvas_get_selected (fixture->canvas), ==, "sigma");
  g_assert_cmpuint (fixture->n_selection_changed, ==, 3);
  show_model (fixture,
              "mu_pop ~ Normal(60, 20)\ntau ~ HalfNormal(10)\n"
              "school_mu[school] ~ Normal(mu_pop, tau)\nscore ~ Normal(school_mu[school], 5)\n",
              TRUE);
  g_assert_null (cr_model_canvas_get_selected (fixture->canvas));
  g_assert_cmpuint (fixture->n_selection_changed, ==, 4);
  cr_model_canvas_select (fixture->canvas, "no_such_node");
  g_assert_null (cr_model_canvas_get_selected (fixture->canvas));
}

static void
test_drag (Fixture *fixture, gconstpointer data)
{
  fixture->dataset = schools_dataset ();
  show_model (fixture, schools_model, TRUE);
  GtkEventController *drag = find_controller (GTK_WIDGET (fixture->canvas), GTK_TYPE_GESTURE_DRAG);
  double zoom = cr_model_canvas_get_zoom (fixture->canvas);
  double x0, y0, wx, wy;
  cr_model_canvas_get_node_position (fixture->canvas, "sigma", &x0, &y0);
  cr_model_canvas_node_to_widget (fixture->canvas, "sigma", &wx, &wy);
  guint layouts = fixture->n_layout_changed;

  /* Dragging a node moves it by the pointer's offset, in canvas units. */
  g_signal_emit_by_name (drag, "drag-begin", wx, wy);
  g_signal_emit_by_name (drag, "drag-update", 15.0, 5.0);
  g_assert_cmpuint (fixture->n_layout_changed, ==, layouts);
  g_signal_emit_by_name (drag, "drag-end", 30.0, -20.0);
  double x1, y1;
  cr_model_canvas_get_node_position (fixture->canvas, "sigma", &x1, &y1);
  g_assert_cmpfloat_with_epsilon (x1, x0 + 30.0 / zoom, POSITION_TOLERANCE);
  g_assert_cmpfloat_with_epsilon (y1, y0 - 20.0 / zoom, POSITION_TOLERANCE);
  g_assert_cmpuint (fixture->n_layout_changed, ==, layouts + 1);

  /* Dragging the background pans: nodes keep their canvas place, move on screen. */
  double tau_x, tau_y, tau_wx, tau_wy;
  cr_model_canvas_get_node_position (fixture->canvas, "tau", &tau_x, &tau_y);
  cr_model_canvas_node_to_widget (fixture->canvas, "tau", &tau_wx, &tau_wy);
  g_signal_emit_by_name (drag, "drag-begin", 1.0, 1.0);
  g_signal_emit_by_name (drag, "drag-end", 40.0, 25.0);
  double x, y;
  cr_model_canvas_get_node_position (fixture->canvas, "tau", &x, &y);
  g_assert_cmpfloat (x, ==, tau_x);
  g_assert_cmpfloat (y, ==, tau_y);
  cr_model_canvas_node_to_widget (fixture->canvas, "tau", &x, &y);
  g_assert_cmpfloat_with_epsilon (x, tau_wx + 40.0, POSITION_TOLERANCE);
  g_assert_cmpfloat_with_epsilon (y, tau_wy + 25.0, POSITION_TOLERANCE);
  g_assert_cmpuint (fixture->n_layout_changed, ==, layouts + 1);
}

static void
test_keys (Fixture *fixture, gconstpointer data)
{
  fixture->dataset = regression_dataset ();
  show_model (fixture, regression_model, TRUE);
  /* Nothing to delete yet: the key is not taken. */
  g_assert_false (press_key (fixture, GDK_KEY_Delete, 0));
  g_assert_cmpuint (fixture->n_delete_requested, ==, 0);

  /* Tab walks the nodes in order, Shift+Tab back. */
  g_assert_true (press_key (fixture, GDK_KEY_Tab, 0));
  g_assert_cmpstr (cr_model_canvas_get_selected (fixture->canvas), ==, "alpha");
  g_assert_true (press_key (fixture, GDK_KEY_Tab, 0));
  g_assert_cmpstr (cr_model_canvas_get_selected (fixture->canvas), ==, "beta");
  g_assert_true (press_key (fixture, GDK_KEY_ISO_Left_Tab, GDK_SHIFT_MASK));
  g_assert_cmpstr (cr_model_canvas_get_selected (fixture->canvas), ==, "alpha");
  /* Past the first node the selection ends, and the focus may move on. */
  g_assert_false (press_key (fixture, GDK_KEY_ISO_Left_Tab, GDK_SHIFT_MASK));
  g_assert_null (cr_model_canvas_get_selected (fixture->canvas));
  g_assert_true (press_key (fixture, GDK_KEY_ISO_Left_Tab, GDK_SHIFT_MASK));
  g_assert_cmpstr (cr_model_canvas_get_selected (fixture->canvas), ==, "x");

  /* Delete and BackSpace ask; the canvas itself keeps the node. */
  cr_model_canvas_select (fixture->canvas, "mu");
  g_assert_true (press_key (fixture, GDK_KEY_Delete, 0));
  g_assert_cmpuint (fixture->n_delete_requested, ==, 1);
  g_assert_cmpstr (fixture->last_delete, ==, "mu");
  g_assert_true (press_key (fixture, GDK_KEY_BackSpace, 0));
  g_assert_cmpuint (fixture->n_delete_requested, ==, 2);
  g_assert_cmpuint (cr_model_canvas_get_n_nodes (fixture->canvas), ==, 6);

  /* Escape clears the selection. */
  guint changes = fixture->n_selection_changed;
  g_assert_true (press_key (fixture, GDK_KEY_Escape, 0));
  g_assert_null (cr_model_canvas_get_selected (fixture->canvas));
  g_assert_cmpuint (fixture->n_selection_changed, ==, changes + 1);
  g_assert_false (press_key (fixture, GDK_KEY_Escape, 0));

  /* Zoom in, out, and back to fit. */
  double fitted = cr_model_canvas_get_zoom (fixture->canvas);
  g_assert_true (press_key (fixture, GDK_KEY_plus, 0));
  g_assert_cmpfloat_with_epsilon (cr_model_canvas_get_zoom (fixture->canvas), fitted * 1.25, 1e-12);
  g_assert_true (press_key (fixture, GDK_KEY_minus, 0));
  g_assert_true (press_key (fixture, GDK_KEY_minus, 0));
  g_assert_cmpfloat_with_epsilon (cr_model_canvas_get_zoom (fixture->canvas), fitted / 1.25, 1e-12);
  g_assert_true (press_key (fixture, GDK_KEY_0, 0));
  g_assert_cmpfloat_with_epsilon (cr_model_canvas_get_zoom (fixture->canvas), fitted, 1e-12);
}

static void
test_zoom_about_point (Fixture *fixture, gconstpointer data)
{
  fixture->dataset = regression_dataset ();
  show_model (fixture, regression_model, TRUE);
  /* The canvas point under (px, py) stays there: a node there stays, and a node elsewhere
   * moves away from the point in proportion to the zoom. */
  double px, py, beta_x, beta_y;
  cr_model_canvas_node_to_widget (fixture->canvas, "mu", &px, &py);
  cr_model_canvas_node_to_widget (fixture->canvas, "beta", &beta_x, &beta_y);
  double zoom = cr_model_canvas_get_zoom (fixture->canvas);
  const double factor = 2.5;
  cr_model_canvas_zoom_at (fixture->canvas, zoom * factor, px, py);
  g_assert_cmpfloat_with_epsilon (cr_model_canvas_get_zoom (fixture->canvas), zoom * factor, 1e-12);
  double x, y;
  cr_model_canvas_node_to_widget (fixture->canvas, "mu", &x, &y);
  g_assert_cmpfloat_with_epsilon (x, px, 1e-9);
  g_assert_cmpfloat_with_epsilon (y, py, 1e-9);
  g_assert_cmpstr (cr_model_canvas_node_at (fixture->canvas, px, py), ==, "mu");
  cr_model_canvas_node_to_widget (fixture->canvas, "beta", &x, &y);
  g_assert_cmpfloat_with_epsilon (x, px + (beta_x - px) * factor, 1e-9);
  g_assert_cmpfloat_with_epsilon (y, py + (beta_y - py) * factor, 1e-9);

  /* The zoom stays in range. */
  cr_model_canvas_set_zoom (fixture->canvas, 1000);
  g_assert_cmpfloat (cr_model_canvas_get_zoom (fixture->canvas), ==, CR_MODEL_CANVAS_ZOOM_MAX);
  cr_model_canvas_set_zoom (fixture->canvas, 0);
  g_assert_cmpfloat (cr_model_canvas_get_zoom (fixture->canvas), ==, CR_MODEL_CANVAS_ZOOM_MIN);
}

static void
test_empty_and_accessible (Fixture *fixture, gconstpointer data)
{
  GtkWidget *widget = GTK_WIDGET (fixture->canvas);
  g_assert_true (gtk_widget_get_focusable (widget));
  g_assert_cmpint (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget)), ==,
                   GTK_ACCESSIBLE_ROLE_IMG);
  g_assert_cmpuint (cr_model_canvas_get_n_nodes (fixture->canvas), ==, 0);
  g_assert_null (cr_model_canvas_node_at (fixture->canvas, 100, 100));
  g_autoptr (GdkTexture) empty = gui_render (widget);
  g_assert_nonnull (empty);

  fixture->dataset = regression_dataset ();
  show_model (fixture, regression_model, TRUE);
  cr_model_canvas_select (fixture->canvas, "y");
  cr_model_canvas_set_model (fixture->canvas, NULL, NULL);
  g_assert_cmpuint (cr_model_canvas_get_n_nodes (fixture->canvas), ==, 0);
  g_assert_null (cr_model_canvas_get_selected (fixture->canvas));
  g_autofree char *layout = cr_model_canvas_save_layout (fixture->canvas);
  g_assert_cmpstr (layout, ==, "{\"version\":1,\"nodes\":{}}");
}

/* Renders the schools model with an error and a selection, in the light and the dark style. */
static void
test_render (Fixture *fixture, gconstpointer data)
{
  fixture->dataset = schools_dataset ();
  show_model (fixture, schools_model, TRUE);
  show_model (fixture,
              "# dataset columns: school (categorical), score\n"
              "mu_pop ~ Normal(60, 20)\n"
              "tau ~ HalfNormal(10)\n"
              "school_mu[school] ~ Normal(mu_pop, tau)\n"
              "sigma ~ HalfNormal(5)\n"
              "local spread = 2 * sigma\n"
              "score ~ Normal(school_mu[school], sigmaa)\n",
              FALSE);
  cr_model_canvas_select (fixture->canvas, "tau");
  AdwStyleManager *style = adw_style_manager_get_default ();
  static const struct
  {
    AdwColorScheme scheme;
    const char *file;
  } styles[] = { { ADW_COLOR_SCHEME_FORCE_LIGHT, "model-canvas-light.png" },
                 { ADW_COLOR_SCHEME_FORCE_DARK, "model-canvas-dark.png" } };
  for (size_t i = 0; i < G_N_ELEMENTS (styles); i++)
    {
      adw_style_manager_set_color_scheme (style, styles[i].scheme);
      gui_settle (10);
      g_autoptr (GdkTexture) texture = gui_render (GTK_WIDGET (fixture->canvas));
      g_assert_nonnull (texture);
      gui_save_screenshot (GTK_WIDGET (fixture->canvas), styles[i].file);
    }
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
}

static void
test_county_graph (Fixture *fixture, gconstpointer data)
{
  fixture->dataset = county_dataset ();
  show_model (fixture, county_model, TRUE);
  const char *const names[] = { "K", "X", "mu_a", "sigma_a", "a", "beta", "sigma", "eta", "mu",
                                "y", "x1", "x2", "x3", "county", NULL };
  assert_node_names (fixture, names);
  assert_kind (fixture, "X", CR_CANVAS_NODE_DATA);
  assert_kind (fixture, "eta", CR_CANVAS_NODE_LOCAL);
  const char *const x_parents[] = { "x1", "x2", "x3", NULL };
  assert_parents (fixture, "X", x_parents);
  g_assert_cmpstr (cr_model_canvas_get_plate_label (fixture->canvas, "a"), ==, "county: 4 levels");
  g_assert_cmpstr (cr_model_canvas_get_plate_label (fixture->canvas, "beta"), ==, "K = 3");
  /* The matrix's rows are observations. */
  const char *const rows[] = { "X", "eta", "mu", "y", "x1", "county" };
  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++)
    g_assert_cmpstr (cr_model_canvas_get_plate_label (fixture->canvas, rows[i]), ==, "12");
  assert_layered_without_overlaps (fixture);
  gui_save_screenshot (GTK_WIDGET (fixture->canvas), "model-canvas-county.png");
}

int
main (int argc, char **argv)
{
  gsl_set_error_handler_off ();
  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      g_printerr ("test-widgets-canvas needs a display: run it under xvfb-run (see README.md)\n");
      return 1;
    }
  adw_init ();

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/widgets/canvas/graph/regression", test_regression_graph);
  ADD ("/widgets/canvas/graph/schools", test_schools_graph);
  ADD ("/widgets/canvas/graph/constants", test_constants_graph);
  ADD ("/widgets/canvas/graph/county", test_county_graph);
  ADD ("/widgets/canvas/graph/invalid", test_invalid_model);
  ADD ("/widgets/canvas/graph/invalid-first", test_invalid_first);
  ADD ("/widgets/canvas/layout/positions-kept", test_positions_kept);
  ADD ("/widgets/canvas/layout/growing-model", test_growing_model);
  ADD ("/widgets/canvas/layout/large-model", test_large_model);
  ADD ("/widgets/canvas/layout/json", test_layout_json);
  ADD ("/widgets/canvas/input/click-selects", test_click_selects);
  ADD ("/widgets/canvas/input/drag", test_drag);
  ADD ("/widgets/canvas/input/keys", test_keys);
  ADD ("/widgets/canvas/view/zoom-about-point", test_zoom_about_point);
  ADD ("/widgets/canvas/view/empty-and-accessible", test_empty_and_accessible);
  ADD ("/widgets/canvas/view/render", test_render);
#undef ADD
  return g_test_run ();
}
