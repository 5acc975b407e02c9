/* test-model.c: binding, shapes, validation messages and editing of the model graph. */
#include "model-fixtures.h"
#include "model/model.h"

#include <gsl/gsl_errno.h>
#include <math.h>
#include <string.h>

typedef struct
{
  const char *model;
  const char *data; /* NULL: no dataset; "big": generated */
  size_t free_dimension;
  size_t n_observations;
} Conformance;

static const Conformance conformance[] = {
  { "coin.crm", NULL, 1, 1 },
  { "ab_test.crm", NULL, 2, 2 },
  { "eight_schools_c.crm", "eight_schools.csv", 10, 8 },
  { "eight_schools_nc.crm", "eight_schools.csv", 10, 8 },
  { "hier_intercepts.crm", "hier_intercepts.csv", 89, 919 },
  { "linreg.crm", "linreg.csv", 3, 100 },
  { "logistic.crm", "logistic.csv", 11, 10000 },
  { "logistic_big.crm", "big", 21, 1000 },
  { "poisson.crm", "poisson.csv", 4, 2000 },
};

static void
test_conformance (gconstpointer data)
{
  const Conformance *c = data;
  g_autoptr (CrDataset) dataset = c->data == NULL ? NULL
                                  : strcmp (c->data, "big") == 0 ? fixture_logistic_big (1000)
                                                                  : fixture_load_csv (c->data);
  g_autofree char *text = fixture_read_model (c->model);
  g_autoptr (GError) error = NULL;
  g_autoptr (CrModel) model = cr_model_new_from_text (text, dataset, c->model, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cr_model_validate (model, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (cr_model_get_free_dimension (model), ==, c->free_dimension);
  g_assert_cmpuint (cr_model_get_n_observations (model), ==, c->n_observations);

  /* Dependency order: every node after its parents. */
  for (size_t i = 0; i < cr_model_get_n_nodes (model); i++)
    {
      const CrNode *node = cr_model_get_node (model, i);
      g_assert_cmpuint (node->order, ==, i);
      for (guint p = 0; p < node->parents->len; p++)
        g_assert_cmpuint (((const CrNode *) g_ptr_array_index (node->parents, p))->order, <, i);
    }

  /* print(parse(text)) makes the same graph. */
  g_autofree char *printed = cr_lang_print (cr_model_get_program (model));
  g_autoptr (CrModel) again = cr_model_new_from_text (printed, dataset, c->model, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cr_model_validate (again, NULL, &error));
  g_assert_true (cr_program_equal (cr_model_get_program (model), cr_model_get_program (again)));
  g_assert_cmpuint (cr_model_get_n_nodes (again), ==, cr_model_get_n_nodes (model));
}

static void
test_shapes_and_transforms (void)
{
  g_autoptr (CrDataset) schools = fixture_load_csv ("eight_schools.csv");
  static const char text[] =
    "mu ~ Normal(0, 5)\n"
    "tau ~ HalfCauchy(5)\n"
    "theta_tilde[8] ~ Normal(0, 1)\n"
    "theta = mu + tau * theta_tilde\n"
    "w ~ Dirichlet([1, 1, 1])\n"
    "r ~ Uniform(-1, 2)\n"
    "m[3] ~ Normal(0, 10, transform=ordered)\n"
    "L ~ LKJCholeskyCorr(3, 2)\n"
    "y ~ Normal(theta, sigma)\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (CrModel) model = cr_model_new_from_text (text, schools, "shapes.crm", NULL, &error);
  g_assert_true (cr_model_validate (model, NULL, &error));
  g_assert_no_error (error);

  const CrNode *tau = cr_model_find_node (model, "tau");
  g_assert_cmpint (tau->kind, ==, CR_NODE_FREE);
  g_assert_cmpint (tau->transform, ==, CR_TRANSFORM_LOWER);
  const CrNode *theta = cr_model_find_node (model, "theta");
  g_assert_cmpint (theta->kind, ==, CR_NODE_DETERMINISTIC);
  g_assert_cmpuint (theta->shape.rank, ==, 1);
  g_assert_cmpuint (theta->shape.rows, ==, 8);
  const CrNode *w = cr_model_find_node (model, "w");
  g_assert_cmpint (w->transform, ==, CR_TRANSFORM_SIMPLEX);
  g_assert_cmpuint (w->shape.rows, ==, 3);
  g_assert_cmpuint (w->free_size, ==, 2);
  const CrNode *r = cr_model_find_node (model, "r");
  g_assert_cmpint (r->transform, ==, CR_TRANSFORM_INTERVAL);
  g_assert_nonnull (r->lower);
  g_assert_cmpint (cr_model_find_node (model, "m")->transform, ==, CR_TRANSFORM_ORDERED);
  const CrNode *L = cr_model_find_node (model, "L");
  g_assert_cmpint (L->transform, ==, CR_TRANSFORM_CHOLESKY_CORR);
  g_assert_cmpuint (L->shape.rank, ==, 2);
  g_assert_cmpuint (L->free_size, ==, 3);
  g_assert_cmpint (cr_model_find_node (model, "y")->kind, ==, CR_NODE_OBSERVED);
  g_assert_cmpint (cr_model_find_node (model, "sigma")->kind, ==, CR_NODE_DATA);
  /* 1 + 1 + 8 + 2 + 1 + 3 + 3 */
  g_assert_cmpuint (cr_model_get_free_dimension (model), ==, 19);
}

static void
test_categorical_size (void)
{
  g_autoptr (CrDataset) data = fixture_load_csv ("hier_intercepts.csv");
  const CrColumn *group = cr_dataset_find_column (data, "group");
  g_assert_cmpint (group->type, ==, CR_COLUMN_CATEGORICAL);
  g_autofree char *text = fixture_read_model ("hier_intercepts.crm");
  g_autoptr (CrModel) model = cr_model_new_from_text (text, data, "h.crm", NULL, NULL);
  g_assert_true (cr_model_validate (model, NULL, NULL));
  g_assert_cmpuint (cr_model_find_node (model, "a")->shape.rows, ==, group->n_levels);
}

/* Validates @text (with @csv as the data when not NULL) and checks the first error's code,
 * line:column and a part of its message. */
static void
assert_error (const char *text, const char *csv, CrModelError code, guint line, guint column, const char *part)
{
  g_autoptr (CrDataset) dataset = csv != NULL ? cr_dataset_parse_csv (csv, strlen (csv), "data", NULL) : NULL;
  g_assert_true (csv == NULL || dataset != NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) diagnostics = NULL;
  g_autoptr (CrModel) model = cr_model_new_from_text (text, dataset, "m.crm", NULL, &error);
  g_assert_no_error (error);
  g_assert_false (cr_model_validate (model, &diagnostics, &error));
  g_assert_error (error, CR_MODEL_ERROR, (int) code);
  g_autofree char *where = g_strdup_printf ("m.crm:%u:%u: ", line, column);
  if (!g_str_has_prefix (error->message, where) || strstr (error->message, part) == NULL)
    g_error ("expected '%s...%s', got:\n%s", where, part, error->message);
  const CrModelDiagnostic *first = g_ptr_array_index (diagnostics, 0);
  g_assert_cmpuint (first->line, ==, line);
  g_assert_cmpuint (first->column, ==, column);
  g_assert_cmpuint (first->end_column, >, first->column);
}

static void
test_errors (void)
{
  assert_error ("sigma ~ HalfNormal(1)\ny ~ Normal(0, sigam)\n", "y\n1\n", CR_MODEL_ERROR_UNDEFINED, 2, 15,
                "'sigam' is not defined; did you mean 'sigma'?");
  assert_error ("mu ~ Normal(0, 1)\ny ~ Normal(mu, 1)\nz = muu + 1\n", "y\n1\n", CR_MODEL_ERROR_UNDEFINED, 3, 5,
                "did you mean 'mu'?");
  assert_error ("mu ~ Nromal(0, 1)\n", NULL, CR_MODEL_ERROR_DISTRIBUTION, 1, 6, "did you mean 'Normal'?");
  assert_error ("s ~ HalfNormal(1, 2)\n", NULL, CR_MODEL_ERROR_ARITY, 1, 19, "HalfNormal takes 1 argument (sigma), got 2");
  assert_error ("s ~ Normal(0)\n", NULL, CR_MODEL_ERROR_ARITY, 1, 5, "Normal takes 2 arguments (mu, sigma), got 1");
  assert_error ("s ~ Normal(mu=0, sd=1)\n", NULL, CR_MODEL_ERROR_ARITY, 1, 18, "Normal has no parameter 'sd'");
  assert_error ("a = b + 1\nb = a * 2\n", NULL, CR_MODEL_ERROR_CYCLE, 1, 1, "a -> b -> a");
  assert_error ("s ~ Normal(0, -1)\n", NULL, CR_MODEL_ERROR_DOMAIN, 1, 15, "sigma of Normal must be positive, got -1");
  assert_error ("b ~ Normal(0, 1)\ns ~ Normal(0, b - 1)\n", NULL, CR_MODEL_ERROR_DOMAIN, 2, 15,
                "sigma of Normal must be positive; 'b - 1' can be negative");
  assert_error ("x ~ Normal(0, 1)\ny ~ Bernoulli(x)\n", "y\n1\n0\n", CR_MODEL_ERROR_DOMAIN, 2, 15,
                "p of Bernoulli must be a probability in [0, 1]");
  assert_error ("k ~ Poisson(3)\n", NULL, CR_MODEL_ERROR_DISTRIBUTION, 1, 5, "discrete parameter");
  assert_error ("lam ~ Exponential(1)\ny ~ Poisson(lam)\n", "y\n1\nNA\n", CR_MODEL_ERROR_DATA, 2, 1,
                "missing a value in row 2 of column 'y'");
  assert_error ("lam ~ Exponential(1)\ny ~ Poisson(lam)\n", "y\n1\n-2\n", CR_MODEL_ERROR_DATA, 2, 1,
                "row 2 holds -2");
  assert_error ("theta[4] ~ Normal(0, 1)\ny ~ Normal(theta[g], 1)\n", "g,y\n1,0.5\n4,0.1\n",
                CR_MODEL_ERROR_INDEX, 2, 18, "indices start at 0");
  assert_error ("theta[4] ~ Normal(0, 1)\nm[3] ~ Normal(theta, 1)\n", NULL, CR_MODEL_ERROR_SHAPE, 2, 3,
                "'m' has 3 values");
  assert_error ("y = 2\n", "y\n1\n", CR_MODEL_ERROR_NAME, 1, 1, "is a column of the data");
  assert_error ("mu ~ Normal(0, 1)\ndata z = mu + 1\n", NULL, CR_MODEL_ERROR_DATA, 2, 10, "known before sampling");
  assert_error ("w ~ Dirichlet([1, 1])\nv[3] ~ Dirichlet([1, 1])\n", NULL, CR_MODEL_ERROR_SHAPE, 2, 3,
                "v[3] ~ Dirichlet(...) is a vector of 2");
  assert_error ("x ~ Normal(0, 1)\nz = exq(x)\n", NULL, CR_MODEL_ERROR_UNDEFINED, 2, 5, "did you mean 'exp'?");
}

static void
test_all_errors_reported (void)
{
  static const char text[] =
    "sigma ~ HalfNormal(2, 3)\n"
    "y ~ Normal(mu, sigam)\n"
    "z ~ Nromal(0, 1)\n"
    "q ~ Normal(0, -1)\n";
  g_autoptr (CrDataset) dataset = cr_dataset_parse_csv ("y\n1\n", 4, "data", NULL);
  g_autoptr (CrModel) model = cr_model_new_from_text (text, dataset, "m.crm", NULL, NULL);
  g_autoptr (GPtrArray) diagnostics = NULL;
  g_autoptr (GError) error = NULL;
  g_assert_false (cr_model_validate (model, &diagnostics, &error));
  /* HalfNormal's arity, mu and sigam undefined, Nromal, the negative sigma: in source order. */
  g_assert_cmpuint (diagnostics->len, ==, 5);
  guint lines[] = { 1, 2, 2, 3, 4 };
  for (guint i = 0; i < diagnostics->len; i++)
    g_assert_cmpuint (((CrModelDiagnostic *) g_ptr_array_index (diagnostics, i))->line, ==, lines[i]);
  g_auto (GStrv) lines_of_message = g_strsplit (error->message, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines_of_message), ==, 5);
}

/* The linear regression, built as the GUI builder does: no text. */
static void
test_edit_build_linreg (void)
{
  g_autoptr (CrDataset) data = fixture_load_csv ("linreg.csv");
  g_autoptr (CrModel) model = cr_model_new (cr_program_new (), data, "built.crm");
  g_autoptr (GError) error = NULL;
  CrExpr *prior[] = { cr_expr_new_number (0), cr_expr_new_number (5) };
  g_assert_true (cr_model_add_stochastic (model, "intercept", NULL, "Normal", prior, 2, &error));
  CrExpr *slope_prior[] = { cr_expr_new_number (0), cr_expr_new_number (5) };
  g_assert_true (cr_model_add_stochastic (model, "slope", NULL, "Normal", slope_prior, 2, &error));
  CrExpr *sigma_prior[] = { cr_expr_new_number (2) };
  g_assert_true (cr_model_add_stochastic (model, "sigma", NULL, "HalfNormal", sigma_prior, 1, &error));
  CrExpr *mu = cr_expr_new_binary (CR_BINARY_ADD, cr_expr_new_name ("intercept"),
                                   cr_expr_new_binary (CR_BINARY_MULTIPLY, cr_expr_new_name ("slope"),
                                                       cr_expr_new_name ("x")));
  g_assert_true (cr_model_add_assignment (model, CR_STATEMENT_DETERMINISTIC, "mu", mu, &error));
  CrExpr *likelihood[] = { cr_expr_new_name ("mu"), cr_expr_new_name ("sigma") };
  g_assert_true (cr_model_add_stochastic (model, "y", NULL, "Normal", likelihood, 2, &error));
  g_assert_no_error (error);
  g_assert_true (cr_model_validate (model, NULL, &error));
  g_assert_no_error (error);

  g_autofree char *text = cr_lang_print (cr_model_get_program (model));
  g_assert_cmpstr (text, ==,
                   "intercept ~ Normal(0, 5)\n"
                   "slope ~ Normal(0, 5)\n"
                   "sigma ~ HalfNormal(2)\n"
                   "mu = intercept + slope * x\n"
                   "y ~ Normal(mu, sigma)\n");

  /* A taken name or an invalid one is refused at once. */
  g_assert_false (cr_model_add_assignment (model, CR_STATEMENT_DETERMINISTIC, "mu", cr_expr_new_number (1), &error));
  g_assert_error (error, CR_MODEL_ERROR, CR_MODEL_ERROR_NAME);
  g_clear_error (&error);
  g_assert_false (cr_model_add_assignment (model, CR_STATEMENT_DETERMINISTIC, "2x", cr_expr_new_number (1), &error));
  g_assert_error (error, CR_MODEL_ERROR, CR_MODEL_ERROR_NAME);
  g_clear_error (&error);
}

static void
test_edit_operations (void)
{
  g_autoptr (CrDataset) data = fixture_load_csv ("linreg.csv");
  g_autofree char *source = fixture_read_model ("linreg.crm");
  g_autoptr (CrModel) model = cr_model_new_from_text (source, data, "linreg.crm", NULL, NULL);
  g_autoptr (GError) error = NULL;

  /* Rename follows every reference. */
  g_assert_true (cr_model_rename (model, "sigma", "noise", &error));
  g_assert_true (cr_model_validate (model, NULL, &error));
  g_autofree char *renamed = cr_lang_print (cr_model_get_program (model));
  g_assert_nonnull (strstr (renamed, "noise ~ HalfNormal(2)\n"));
  g_assert_nonnull (strstr (renamed, "y ~ Normal(mu, noise)\n"));

  /* Changing the distribution keeps the arguments by parameter name. */
  g_assert_true (cr_model_set_distribution (model, "intercept", "StudentT", &error));
  g_assert_false (cr_model_is_valid (model));
  g_autofree char *student = cr_lang_print (cr_model_get_program (model));
  g_assert_nonnull (strstr (student, "intercept ~ StudentT(mu=0, sigma=5)\n"));
  /* ... and StudentT lacks nu: validation says so, on that line. */
  g_autoptr (GPtrArray) diagnostics = NULL;
  g_assert_false (cr_model_validate (model, &diagnostics, &error));
  g_assert_error (error, CR_MODEL_ERROR, CR_MODEL_ERROR_ARITY);
  g_clear_error (&error);
  g_assert_true (cr_model_set_argument (model, "intercept", "nu", cr_expr_new_number (3), &error));
  g_assert_true (cr_model_set_argument (model, "intercept", "sigma", cr_expr_new_number (2.5), &error));
  g_assert_true (cr_model_validate (model, NULL, &error));
  g_autofree char *fixed = cr_lang_print (cr_model_get_program (model));
  g_assert_nonnull (strstr (fixed, "intercept ~ StudentT(mu=0, sigma=2.5, nu=3)\n"));

  /* Setting a positional argument replaces it in place. */
  g_assert_true (cr_model_set_argument (model, "slope", "sigma", cr_expr_new_number (1), &error));
  g_autofree char *slope = cr_lang_print (cr_model_get_program (model));
  g_assert_nonnull (strstr (slope, "slope ~ Normal(0, 1)\n"));

  /* Removing a variable leaves a dangling reference that validation names. */
  g_assert_true (cr_model_remove (model, "slope", &error));
  g_assert_false (cr_model_validate (model, NULL, &error));
  g_assert_error (error, CR_MODEL_ERROR, CR_MODEL_ERROR_UNDEFINED);
  g_assert_nonnull (strstr (error->message, "'slope' is not defined"));
  g_clear_error (&error);
  g_assert_true (cr_model_set_value (model, "mu", cr_expr_new_name ("intercept"), &error));
  g_assert_true (cr_model_validate (model, NULL, &error));
  g_assert_no_error (error);

  g_assert_false (cr_model_remove (model, "nothing", &error));
  g_assert_error (error, CR_MODEL_ERROR, CR_MODEL_ERROR_UNDEFINED);
  g_clear_error (&error);

  /* A size, then none; removing a positional argument names the ones after it. */
  g_assert_true (cr_model_set_size (model, "intercept", cr_expr_new_number (3), &error));
  g_autofree char *sized = cr_lang_print (cr_model_get_program (model));
  g_assert_nonnull (strstr (sized, "intercept[3] ~ StudentT("));
  g_assert_true (cr_model_set_size (model, "intercept", NULL, &error));
  g_assert_true (cr_model_set_distribution (model, "noise", "StudentT", &error));
  g_assert_true (cr_model_set_argument (model, "noise", "observed", cr_expr_new_name ("y"), &error));
  g_autofree char *observed = cr_lang_print (cr_model_get_program (model));
  g_assert_nonnull (strstr (observed, "noise ~ StudentT(sigma=2, observed=y)\n"));
  g_assert_true (cr_model_remove_argument (model, "noise", "observed", &error));
  g_assert_true (cr_model_set_distribution (model, "noise", "Normal", &error));
  g_assert_true (cr_model_set_argument (model, "noise", "mu", cr_expr_new_number (1), &error));
  g_autofree char *normal = cr_lang_print (cr_model_get_program (model));
  g_assert_nonnull (strstr (normal, "noise ~ Normal(sigma=2, mu=1)\n"));
  g_assert_true (cr_model_remove_argument (model, "y", "mu", &error));
  g_autofree char *removed = cr_lang_print (cr_model_get_program (model));
  g_assert_nonnull (strstr (removed, "y ~ Normal(sigma=noise)\n"));
  g_assert_false (cr_model_set_size (model, "mu", NULL, &error));
  g_assert_error (error, CR_MODEL_ERROR, CR_MODEL_ERROR_DISTRIBUTION);
}

static void
test_functions (void)
{
  static const struct
  {
    const char *name;
    double x;
  } cases[] = {
    { "exp", 0.3 }, { "log", 2.0 }, { "log1p", 0.5 }, { "expm1", 0.2 }, { "sqrt", 3.0 },
    { "abs", -1.5 }, { "logit", 0.3 }, { "invlogit", -0.7 }, { "sigmoid", 2.0 },
    { "softplus", 1.2 }, { "lgamma", 3.7 }, { "tanh", 0.4 },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      CrFunction f;
      g_assert_true (cr_function_lookup (cases[i].name, &f));
      double x = cases[i].x, h = 1e-5;
      double fx = cr_function_apply (f, x);
      double numeric = (cr_function_apply (f, x + h) - cr_function_apply (f, x - h)) / (2 * h);
      /* Central differences with h = 1e-5 are accurate to about 1e-9 for these smooth maps. */
      g_assert_cmpfloat_with_epsilon (cr_function_derivative (f, x, fx), numeric, 1e-7 * fmax (1, fabs (numeric)));
    }
  CrFunction f;
  g_assert_false (cr_function_lookup ("exq", &f));
}

int
main (int argc, char **argv)
{
  gsl_set_error_handler_off ();
  g_test_init (&argc, &argv, NULL);
  for (size_t i = 0; i < G_N_ELEMENTS (conformance); i++)
    {
      g_autofree char *path = g_strdup_printf ("/model/conformance/%s", conformance[i].model);
      g_test_add_data_func (path, &conformance[i], test_conformance);
    }
  g_test_add_func ("/model/shapes-and-transforms", test_shapes_and_transforms);
  g_test_add_func ("/model/categorical-size", test_categorical_size);
  g_test_add_func ("/model/error/each-class", test_errors);
  g_test_add_func ("/model/error/all-reported", test_all_errors_reported);
  g_test_add_func ("/model/edit/build-linreg", test_edit_build_linreg);
  g_test_add_func ("/model/edit/operations", test_edit_operations);
  g_test_add_func ("/model/functions/derivatives", test_functions);
  return g_test_run ();
}
