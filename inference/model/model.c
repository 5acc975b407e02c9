/* model.c: binding, dependency order, shapes, ranges and validation. */
#include "model/model-private.h"

#include "cr-math.h"

#include <math.h>
#include <string.h>

G_DEFINE_QUARK (cr-model-error-quark, cr_model_error)

struct _CrModel
{
  CrProgram *program;
  const CrDataset *dataset;
  char *filename;
  gboolean valid;

  GPtrArray *nodes;       /* (element-type CrNode) owned, in dependency order once valid */
  GHashTable *by_name;    /* name -> CrNode */
  GHashTable *infos;      /* const CrExpr * -> CrInfo, for every expression validated */
  GHashTable *node_infos; /* CrNode * -> CrInfo: the node's value */
  size_t free_dimension;
  size_t n_observations;

  GPtrArray *diagnostics; /* while validating */
  GHashTable *broken;     /* while validating: nodes whose statement could not be bound */
};

static void
info_free (gpointer data)
{
  CrInfo *info = data;
  g_free (info->values);
  g_free (info);
}

static void
node_free (gpointer data)
{
  CrNode *node = data;
  g_free (node->name);
  if (!node->values_borrowed)
    g_free (node->values);
  g_clear_pointer (&node->parents, g_ptr_array_unref);
  g_free (node);
}

void
cr_model_diagnostic_free (CrModelDiagnostic *diagnostic)
{
  if (diagnostic == NULL)
    return;
  g_free (diagnostic->message);
  g_free (diagnostic);
}

CrModel *
cr_model_new (CrProgram *program, const CrDataset *dataset, const char *filename)
{
  g_return_val_if_fail (program != NULL, NULL);

  CrModel *model = g_new0 (CrModel, 1);
  model->program = program;
  model->dataset = dataset;
  model->filename = g_strdup (filename != NULL ? filename : "<model>");
  model->nodes = g_ptr_array_new_with_free_func (node_free);
  model->by_name = g_hash_table_new (g_str_hash, g_str_equal);
  model->infos = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, info_free);
  model->node_infos = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, info_free);
  return model;
}

CrModel *
cr_model_new_from_text (const char *text,
                        const CrDataset *dataset,
                        const char *filename,
                        GPtrArray **diagnostics,
                        GError **error)
{
  g_autoptr (GPtrArray) lang_diagnostics = NULL;
  g_autoptr (GError) lang_error = NULL;
  CrProgram *program = cr_lang_parse (text, -1, filename, &lang_diagnostics, &lang_error);
  if (program == NULL)
    {
      if (diagnostics != NULL)
        {
          *diagnostics = g_ptr_array_new_with_free_func ((GDestroyNotify) cr_model_diagnostic_free);
          for (guint i = 0; lang_diagnostics != NULL && i < lang_diagnostics->len; i++)
            {
              const CrLangDiagnostic *d = g_ptr_array_index (lang_diagnostics, i);
              CrModelDiagnostic *copy = g_new0 (CrModelDiagnostic, 1);
              copy->code = CR_MODEL_ERROR_SYNTAX;
              copy->line = d->line;
              copy->column = d->column;
              copy->end_column = d->end_column;
              copy->message = g_strdup (d->message);
              g_ptr_array_add (*diagnostics, copy);
            }
        }
      g_set_error_literal (error, CR_MODEL_ERROR, CR_MODEL_ERROR_SYNTAX, lang_error->message);
      return NULL;
    }
  if (diagnostics != NULL)
    *diagnostics = g_ptr_array_new_with_free_func ((GDestroyNotify) cr_model_diagnostic_free);
  return cr_model_new (program, dataset, filename);
}

static void
reset (CrModel *model)
{
  model->valid = FALSE;
  g_hash_table_remove_all (model->by_name);
  g_hash_table_remove_all (model->infos);
  g_hash_table_remove_all (model->node_infos);
  g_ptr_array_set_size (model->nodes, 0);
  model->free_dimension = 0;
  model->n_observations = 0;
}

void
cr_model_free (CrModel *model)
{
  if (model == NULL)
    return;
  reset (model);
  g_ptr_array_unref (model->nodes);
  g_hash_table_unref (model->by_name);
  g_hash_table_unref (model->infos);
  g_hash_table_unref (model->node_infos);
  cr_program_free (model->program);
  g_free (model->filename);
  g_free (model);
}

/* Diagnostics */

static void G_GNUC_PRINTF (4, 5)
report (CrModel *model, CrModelError code, const CrLangLocation *where, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  CrModelDiagnostic *d = g_new0 (CrModelDiagnostic, 1);
  d->code = code;
  d->line = where != NULL ? where->line : 0;
  d->column = where != NULL ? where->column : 0;
  d->end_column = where != NULL && where->end_line == where->line ? where->end_column
                                                                  : d->column + 1;
  d->message = g_strdup_vprintf (format, args);
  va_end (args);
  g_ptr_array_add (model->diagnostics, d);
}

/* Candidates for a misspelt name: the model's names and the dataset's columns. */
static char *
suggest_name (CrModel *model, const char *name)
{
  g_autoptr (GPtrArray) candidates = g_ptr_array_new ();
  for (guint i = 0; i < model->program->statements->len; i++)
    {
      const CrStatement *s = g_ptr_array_index (model->program->statements, i);
      g_ptr_array_add (candidates, s->name);
    }
  for (size_t j = 0; model->dataset != NULL && j < cr_dataset_get_n_columns (model->dataset); j++)
    g_ptr_array_add (candidates, cr_dataset_get_column (model->dataset, j)->name);
  g_ptr_array_add (candidates, NULL);
  return cr_lang_suggest (name, (const char *const *) candidates->pdata);
}

static char *
suggest_distribution (const char *name)
{
  size_t n = 0;
  const CrDistribution *const *all = cr_dist_all (&n);
  g_autoptr (GPtrArray) candidates = g_ptr_array_new ();
  for (size_t i = 0; i < n; i++)
    g_ptr_array_add (candidates, (gpointer) all[i]->name);
  g_ptr_array_add (candidates, NULL);
  return cr_lang_suggest (name, (const char *const *) candidates->pdata);
}

/* Binding */

static CrNode *
node_new (CrModel *model, const char *name, CrNodeKind kind, const CrStatement *statement)
{
  CrNode *node = g_new0 (CrNode, 1);
  node->name = g_strdup (name);
  node->kind = kind;
  node->statement = statement;
  node->shape = (CrShape){ 0, 1, 1 };
  node->parents = g_ptr_array_new ();
  g_ptr_array_add (model->nodes, node);
  g_hash_table_insert (model->by_name, node->name, node);
  return node;
}

/* The dataset column @name as a data node, made on first use. */
static CrNode *
column_node (CrModel *model, const char *name)
{
  const CrColumn *column = model->dataset != NULL ? cr_dataset_find_column (model->dataset, name) : NULL;
  if (column == NULL)
    return NULL;
  CrNode *node = node_new (model, name, CR_NODE_DATA, NULL);
  node->column = column;
  node->values = column->values;
  node->values_borrowed = TRUE;
  node->shape = (CrShape){ 1, cr_dataset_get_n_rows (model->dataset), 1 };
  node->integer = column->type != CR_COLUMN_FLOAT;
  return node;
}

static const char *const option_keywords[] = { "observed", "transform", "shape", NULL };

static gboolean
is_option_keyword (const char *keyword)
{
  return keyword != NULL && g_strv_contains (option_keywords, keyword);
}

/* Adds to @node's parents every name @expr reads; reports names that are nothing. */
static void
bind_expr (CrModel *model, CrNode *node, const CrExpr *expr)
{
  switch (expr->kind)
    {
    case CR_EXPR_NUMBER:
      return;
    case CR_EXPR_NAME:
      {
        CrNode *target = g_hash_table_lookup (model->by_name, expr->name);
        if (target == NULL)
          target = column_node (model, expr->name);
        if (target == NULL)
          {
            g_hash_table_add (model->broken, node);
            g_autofree char *suggestion = suggest_name (model, expr->name);
            CrFunction function;
            if (cr_function_lookup (expr->name, &function))
              report (model, CR_MODEL_ERROR_UNDEFINED, &expr->location,
                      "'%s' is a function; call it with parentheses: %s(...)", expr->name, expr->name);
            else if (suggestion != NULL)
              report (model, CR_MODEL_ERROR_UNDEFINED, &expr->location,
                      "'%s' is not defined; did you mean '%s'?", expr->name, suggestion);
            else
              report (model, CR_MODEL_ERROR_UNDEFINED, &expr->location,
                      "'%s' is not defined: define it in the model, or load data with a column of "
                      "that name",
                      expr->name);
            return;
          }
        if (target == node)
          {
            g_hash_table_add (model->broken, node);
            report (model, CR_MODEL_ERROR_CYCLE, &expr->location,
                    "'%s' is defined in terms of itself", node->name);
            return;
          }
        if (!g_ptr_array_find (node->parents, target, NULL))
          g_ptr_array_add (node->parents, target);
        return;
      }
    case CR_EXPR_NEGATE:
      bind_expr (model, node, expr->operand);
      return;
    case CR_EXPR_BINARY:
      bind_expr (model, node, expr->binary.left);
      bind_expr (model, node, expr->binary.right);
      return;
    case CR_EXPR_CALL:
      {
        CrFunction function;
        if (!cr_function_lookup (expr->call->name, &function))
          {
            g_hash_table_add (model->broken, node);
            g_autofree char *suggestion = cr_lang_suggest (expr->call->name, cr_function_names ());
            if (cr_dist_lookup (expr->call->name) != NULL)
              report (model, CR_MODEL_ERROR_UNDEFINED, &expr->call->location,
                      "%s is a distribution, not a function; use it after '~'", expr->call->name);
            else if (suggestion != NULL)
              report (model, CR_MODEL_ERROR_UNDEFINED, &expr->call->location,
                      "'%s' is not a function; did you mean '%s'?", expr->call->name, suggestion);
            else
              report (model, CR_MODEL_ERROR_UNDEFINED, &expr->call->location,
                      "'%s' is not a function; the functions are exp, log, log1p, expm1, sqrt, "
                      "abs, pow, logit, invlogit, sigmoid, softplus, lgamma, tanh, sum, mean, "
                      "dot and stack",
                      expr->call->name);
          }
        for (guint i = 0; i < expr->call->arguments->len; i++)
          {
            const CrArgument *argument = g_ptr_array_index (expr->call->arguments, i);
            if (argument->keyword != NULL)
              report (model, CR_MODEL_ERROR_ARITY, &argument->location,
                      "functions take positional arguments only: remove '%s='", argument->keyword);
            bind_expr (model, node, argument->value);
          }
        return;
      }
    case CR_EXPR_SUBSCRIPT:
      bind_expr (model, node, expr->subscript.base);
      bind_expr (model, node, expr->subscript.index);
      return;
    case CR_EXPR_VECTOR:
      for (guint i = 0; i < expr->elements->len; i++)
        bind_expr (model, node, g_ptr_array_index (expr->elements, i));
      return;
    }
}

/* Makes a node for every statement; a `~` on data observes it. */
static void
create_nodes (CrModel *model)
{
  GPtrArray *statements = model->program->statements;
  for (guint i = 0; i < statements->len; i++)
    {
      const CrStatement *s = g_ptr_array_index (statements, i);
      if (s->kind == CR_STATEMENT_DATA)
        node_new (model, s->name, CR_NODE_DATA, s);
    }
  for (guint i = 0; i < statements->len; i++)
    {
      const CrStatement *s = g_ptr_array_index (statements, i);
      const CrColumn *column = model->dataset != NULL ? cr_dataset_find_column (model->dataset, s->name) : NULL;
      if (s->kind == CR_STATEMENT_DATA)
        continue;
      if (s->kind == CR_STATEMENT_STOCHASTIC)
        {
          gboolean observed = cr_call_find_argument (s->distribution, "observed") >= 0;
          CrNode *data = g_hash_table_lookup (model->by_name, s->name);
          if (data != NULL)
            {
              /* `data n = 15` and `n ~ Binomial(...)`: one node, observed, whose values the
               * data statement gives. */
              data->kind = CR_NODE_OBSERVED;
              data->statement = s;
              continue;
            }
          if (column != NULL && !observed)
            {
              CrNode *node = column_node (model, s->name);
              node->kind = CR_NODE_OBSERVED;
              node->statement = s;
              continue;
            }
          node_new (model, s->name, observed ? CR_NODE_OBSERVED : CR_NODE_FREE, s);
          if (column != NULL)
            report (model, CR_MODEL_ERROR_NAME, &s->name_location,
                    "'%s' is a column of the data, so it cannot also name this variable; "
                    "rename it",
                    s->name);
          continue;
        }
      if (column != NULL)
        report (model, CR_MODEL_ERROR_NAME, &s->name_location,
                "'%s' is a column of the data, so it cannot also be defined here; rename it",
                s->name);
      node_new (model, s->name, s->kind == CR_STATEMENT_LOCAL ? CR_NODE_LOCAL : CR_NODE_DETERMINISTIC, s);
    }
}

/* The statement that gives a data node its values: the data statement, even when a `~`
 * statement observes the same name. */
static const CrStatement *
data_statement (CrModel *model, const CrNode *node)
{
  for (guint i = 0; i < model->program->statements->len; i++)
    {
      const CrStatement *s = g_ptr_array_index (model->program->statements, i);
      if (s->kind == CR_STATEMENT_DATA && strcmp (s->name, node->name) == 0)
        return s;
    }
  return NULL;
}

static void
bind_all (CrModel *model)
{
  /* Columns become nodes as they are first used, so iterate over a snapshot. */
  g_autoptr (GPtrArray) snapshot = g_ptr_array_sized_new (model->nodes->len);
  for (guint i = 0; i < model->nodes->len; i++)
    g_ptr_array_add (snapshot, g_ptr_array_index (model->nodes, i));
  for (guint i = 0; i < snapshot->len; i++)
    {
      CrNode *node = g_ptr_array_index (snapshot, i);
      const CrStatement *data = data_statement (model, node);
      if (data != NULL)
        bind_expr (model, node, data->value);
      const CrStatement *s = node->statement;
      if (s == NULL || s->kind == CR_STATEMENT_DATA)
        continue;
      if (s->kind != CR_STATEMENT_STOCHASTIC)
        {
          bind_expr (model, node, s->value);
          continue;
        }
      if (s->size != NULL)
        bind_expr (model, node, s->size);
      for (guint a = 0; a < s->distribution->arguments->len; a++)
        {
          const CrArgument *argument = g_ptr_array_index (s->distribution->arguments, a);
          if (argument->keyword != NULL && strcmp (argument->keyword, "transform") == 0)
            continue; /* names a transform, not a variable */
          bind_expr (model, node, argument->value);
        }
    }
}

/* Dependency order by depth-first search; a cycle is reported once, naming its members. */
static gboolean
visit (CrModel *model, CrNode *node, GHashTable *state, GPtrArray *order, GPtrArray *path)
{
  gpointer mark = g_hash_table_lookup (state, node);
  if (mark == GINT_TO_POINTER (2))
    return TRUE;
  if (mark == GINT_TO_POINTER (1))
    {
      g_autoptr (GString) cycle = g_string_new (NULL);
      guint start = 0;
      g_ptr_array_find (path, node, &start);
      for (guint i = start; i < path->len; i++)
        g_string_append_printf (cycle, "%s -> ", ((CrNode *) g_ptr_array_index (path, i))->name);
      g_string_append (cycle, node->name);
      report (model, CR_MODEL_ERROR_CYCLE, node->statement != NULL ? &node->statement->name_location : NULL,
              "these variables depend on each other: %s; break the cycle", cycle->str);
      return FALSE;
    }
  g_hash_table_insert (state, node, GINT_TO_POINTER (1));
  g_ptr_array_add (path, node);
  gboolean ok = TRUE;
  for (guint i = 0; i < node->parents->len && ok; i++)
    ok = visit (model, g_ptr_array_index (node->parents, i), state, order, path);
  g_ptr_array_remove_index (path, path->len - 1);
  g_hash_table_insert (state, node, GINT_TO_POINTER (2));
  g_ptr_array_add (order, node);
  return ok;
}

static gboolean
sort_nodes (CrModel *model)
{
  g_autoptr (GHashTable) state = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_autoptr (GPtrArray) order = g_ptr_array_new ();
  g_autoptr (GPtrArray) path = g_ptr_array_new ();
  gboolean ok = TRUE;
  for (guint i = 0; i < model->nodes->len && ok; i++)
    ok = visit (model, g_ptr_array_index (model->nodes, i), state, order, path);
  if (!ok)
    return FALSE;
  /* Re-seat the owning array in the new order. */
  g_ptr_array_set_free_func (model->nodes, NULL);
  g_ptr_array_set_size (model->nodes, 0);
  g_ptr_array_set_free_func (model->nodes, node_free);
  for (guint i = 0; i < order->len; i++)
    {
      CrNode *node = g_ptr_array_index (order, i);
      node->order = i;
      g_ptr_array_add (model->nodes, node);
    }
  return TRUE;
}

/* Ranges and shapes of expressions */

static CrInfo *
info_new (CrShape shape)
{
  CrInfo *info = g_new0 (CrInfo, 1);
  info->shape = shape;
  info->lo = -INFINITY;
  info->hi = INFINITY;
  info->lo_open = info->hi_open = TRUE;
  return info;
}

static const CrShape scalar_shape = { 0, 1, 1 };

static gboolean
shape_equal (CrShape a, CrShape b)
{
  return a.rank == b.rank && a.rows == b.rows && a.cols == b.cols;
}

/* "a scalar", "a vector of 8", "an 8 x 3 matrix" */
static char *
describe_shape (CrShape shape)
{
  if (shape.rank == 0)
    return g_strdup ("a scalar");
  if (shape.rank == 1)
    return g_strdup_printf ("a vector of %zu", shape.rows);
  return g_strdup_printf ("a %zu x %zu matrix", shape.rows, shape.cols);
}

static gboolean
provably_positive (const CrInfo *info)
{
  return info->lo > 0 || (info->lo == 0 && info->lo_open);
}

static gboolean
provably_nonnegative (const CrInfo *info)
{
  return info->lo >= 0;
}

/* Sets the range of @out from the values of a constant. */
static void
range_from_values (CrInfo *out, const double *values, size_t n)
{
  double lo = INFINITY, hi = -INFINITY;
  gboolean integer = TRUE;
  /* Plain comparisons: NaN is skipped, so fmin's and fmax's care for it is not needed, and
   * they are calls (the editor runs this over every cell of a table at each pause). */
  for (size_t i = 0; i < n; i++)
    {
      double v = values[i];
      if (isnan (v))
        continue;
      lo = v < lo ? v : lo;
      hi = v > hi ? v : hi;
      integer = integer && v == floor (v);
    }
  if (lo > hi) /* all missing */
    lo = -INFINITY, hi = INFINITY;
  out->lo = lo;
  out->hi = hi;
  out->lo_open = out->hi_open = FALSE;
  out->integer = integer;
}

/* The range of values a node takes: its data's, its support's, or its expression's. */
static void
range_of_support (CrInfo *out, const CrNode *node, CrModel *model);

static const CrInfo *infer (CrModel *model, const CrExpr *expr);

/* Interval arithmetic for + - * / with open ends tracked where it matters (positivity). */
static void
range_binary (CrInfo *out, CrBinaryOp op, const CrInfo *a, const CrInfo *b)
{
  switch (op)
    {
    case CR_BINARY_ADD:
      out->lo = a->lo + b->lo;
      out->hi = a->hi + b->hi;
      out->lo_open = a->lo_open || b->lo_open;
      out->hi_open = a->hi_open || b->hi_open;
      break;
    case CR_BINARY_SUBTRACT:
      out->lo = a->lo - b->hi;
      out->hi = a->hi - b->lo;
      out->lo_open = a->lo_open || b->hi_open;
      out->hi_open = a->hi_open || b->lo_open;
      break;
    case CR_BINARY_MULTIPLY:
      if (provably_nonnegative (a) && provably_nonnegative (b))
        {
          out->lo = a->lo * b->lo;
          out->hi = a->hi * b->hi;
          out->lo_open = (a->lo_open && b->lo > 0) || (b->lo_open && a->lo > 0) || (a->lo_open && b->lo_open);
          out->hi_open = TRUE;
        }
      else if (isfinite (a->lo) && isfinite (a->hi) && isfinite (b->lo) && isfinite (b->hi))
        {
          double p[4] = { a->lo * b->lo, a->lo * b->hi, a->hi * b->lo, a->hi * b->hi };
          out->lo = fmin (fmin (p[0], p[1]), fmin (p[2], p[3]));
          out->hi = fmax (fmax (p[0], p[1]), fmax (p[2], p[3]));
          out->lo_open = out->hi_open = FALSE;
        }
      break;
    case CR_BINARY_DIVIDE:
      if (provably_nonnegative (a) && provably_positive (b))
        {
          out->lo = b->hi == INFINITY ? 0 : a->lo / b->hi;
          out->hi = b->lo == 0 ? INFINITY : a->hi / b->lo;
          out->lo_open = a->lo_open || (b->hi == INFINITY && a->lo >= 0 && provably_positive (a));
          out->hi_open = TRUE;
        }
      break;
    case CR_BINARY_POWER:
      if (provably_positive (a))
        out->lo = 0, out->lo_open = TRUE;
      else if (provably_nonnegative (a))
        out->lo = 0, out->lo_open = FALSE;
      break;
    case CR_BINARY_MATMUL:
      break;
    }
  if (isnan (out->lo) || isnan (out->hi))
    {
      out->lo = -INFINITY, out->hi = INFINITY;
      out->lo_open = out->hi_open = TRUE;
    }
}

/* The range of f(x) for the monotone or bounded functions. */
static void
range_function (CrInfo *out, CrFunction function, const CrInfo *x)
{
  switch (function)
    {
    case CR_FUNCTION_EXP:
      out->lo = exp (x->lo), out->hi = exp (x->hi);
      out->lo_open = TRUE, out->hi_open = x->hi_open;
      return;
    case CR_FUNCTION_SOFTPLUS:
      out->lo = cr_log1p_exp (x->lo), out->hi = cr_log1p_exp (x->hi);
      out->lo_open = TRUE, out->hi_open = x->hi_open;
      return;
    case CR_FUNCTION_INV_LOGIT:
      out->lo = cr_inv_logit (x->lo), out->hi = cr_inv_logit (x->hi);
      out->lo_open = TRUE, out->hi_open = TRUE;
      return;
    case CR_FUNCTION_TANH:
      out->lo = tanh (x->lo), out->hi = tanh (x->hi);
      out->lo_open = out->hi_open = TRUE;
      return;
    case CR_FUNCTION_SQRT:
      if (provably_nonnegative (x))
        out->lo = sqrt (x->lo), out->hi = sqrt (x->hi), out->lo_open = x->lo_open, out->hi_open = x->hi_open;
      return;
    case CR_FUNCTION_ABS:
      out->lo = provably_nonnegative (x) ? x->lo : 0;
      out->lo_open = provably_positive (x);
      return;
    case CR_FUNCTION_EXPM1:
      out->lo = expm1 (x->lo), out->hi = expm1 (x->hi);
      out->lo_open = out->hi_open = TRUE;
      return;
    case CR_FUNCTION_LOG:
    case CR_FUNCTION_LOG1P:
    case CR_FUNCTION_LOGIT:
    case CR_FUNCTION_LGAMMA:
    case CR_FUNCTION_POW:
    case CR_FUNCTION_SUM:
    case CR_FUNCTION_MEAN:
    case CR_FUNCTION_DOT:
    case CR_FUNCTION_STACK:
      return;
    }
}

/* The shape of an elementwise combination of @a and @b, or FALSE when they do not fit. */
static gboolean
broadcast (CrShape a, CrShape b, CrShape *out)
{
  if (a.rank == 0)
    return *out = b, TRUE;
  if (b.rank == 0)
    return *out = a, TRUE;
  if (shape_equal (a, b))
    return *out = a, TRUE;
  return FALSE;
}

/* Caches and returns @info for @expr; evaluates it when it is constant. */
static const CrInfo *
remember (CrModel *model, const CrExpr *expr, CrInfo *info)
{
  if (info->constant && expr->kind != CR_EXPR_NAME)
    {
      g_hash_table_insert (model->infos, (gpointer) expr, info);
      info->values = cr_model_eval (model->infos, model->by_name, expr, info->shape);
      if (info->values != NULL)
        range_from_values (info, info->values, cr_shape_size (info->shape));
      return info;
    }
  g_hash_table_insert (model->infos, (gpointer) expr, info);
  return info;
}

static const CrInfo *
infer_call (CrModel *model, const CrExpr *expr)
{
  const CrCall *call = expr->call;
  CrFunction function;
  if (!cr_function_lookup (call->name, &function))
    return NULL; /* reported while binding */
  guint n = call->arguments->len;
  const CrInfo *args[64];
  if (n > G_N_ELEMENTS (args))
    {
      report (model, CR_MODEL_ERROR_ARITY, &call->location, "%s takes at most %zu arguments",
              call->name, G_N_ELEMENTS (args));
      return NULL;
    }
  gboolean constant = TRUE;
  for (guint i = 0; i < n; i++)
    {
      args[i] = infer (model, ((const CrArgument *) g_ptr_array_index (call->arguments, i))->value);
      if (args[i] == NULL)
        return NULL;
      constant = constant && args[i]->constant;
    }

  guint expected = function == CR_FUNCTION_POW || function == CR_FUNCTION_DOT ? 2 : 1;
  if (function == CR_FUNCTION_STACK ? n == 0 : n != expected)
    {
      report (model, CR_MODEL_ERROR_ARITY, &call->location,
              function == CR_FUNCTION_STACK ? "stack takes one or more columns, got none"
                                            : "%s takes %u argument%s, got %u",
              call->name, expected, expected == 1 ? "" : "s", n);
      return NULL;
    }

  CrInfo *info = NULL;
  switch (function)
    {
    case CR_FUNCTION_POW:
      {
        CrShape shape;
        if (!broadcast (args[0]->shape, args[1]->shape, &shape))
          {
            g_autofree char *a = describe_shape (args[0]->shape), *b = describe_shape (args[1]->shape);
            report (model, CR_MODEL_ERROR_SHAPE, &call->location, "pow of %s and %s: the sizes differ", a, b);
            return NULL;
          }
        info = info_new (shape);
        range_binary (info, CR_BINARY_POWER, args[0], args[1]);
        break;
      }
    case CR_FUNCTION_SUM:
    case CR_FUNCTION_MEAN:
      info = info_new (scalar_shape);
      if (function == CR_FUNCTION_MEAN)
        info->lo = args[0]->lo, info->hi = args[0]->hi, info->lo_open = args[0]->lo_open, info->hi_open = args[0]->hi_open;
      else if (provably_positive (args[0]))
        info->lo = 0, info->lo_open = TRUE;
      break;
    case CR_FUNCTION_DOT:
      if (args[0]->shape.rank != 1 || !shape_equal (args[0]->shape, args[1]->shape))
        {
          g_autofree char *a = describe_shape (args[0]->shape), *b = describe_shape (args[1]->shape);
          report (model, CR_MODEL_ERROR_SHAPE, &call->location,
                  "dot takes two vectors of one length, got %s and %s", a, b);
          return NULL;
        }
      info = info_new (scalar_shape);
      break;
    case CR_FUNCTION_STACK:
      for (guint i = 0; i < n; i++)
        if (args[i]->shape.rank != 1 || args[i]->shape.rows != args[0]->shape.rows || !args[i]->constant)
          {
            const CrArgument *argument = g_ptr_array_index (call->arguments, i);
            g_autofree char *text = cr_lang_print_expr (argument->value);
            report (model, CR_MODEL_ERROR_SHAPE, &argument->location,
                    "stack takes data columns of one length; '%s' is not one", text);
            return NULL;
          }
      info = info_new ((CrShape){ 2, args[0]->shape.rows, n });
      break;
    default:
      info = info_new (args[0]->shape);
      range_function (info, function, args[0]);
      break;
    }
  info->constant = constant;
  return remember (model, expr, info);
}

static const CrInfo *
infer_subscript (CrModel *model, const CrExpr *expr)
{
  const CrInfo *base = infer (model, expr->subscript.base);
  const CrInfo *index = infer (model, expr->subscript.index);
  if (base == NULL || index == NULL)
    return NULL;
  g_autofree char *base_text = cr_lang_print_expr (expr->subscript.base);
  g_autofree char *index_text = cr_lang_print_expr (expr->subscript.index);
  if (base->shape.rank != 1)
    {
      g_autofree char *shape = describe_shape (base->shape);
      report (model, CR_MODEL_ERROR_INDEX, &expr->location,
              "only vectors can be indexed, and '%s' is %s", base_text, shape);
      return NULL;
    }
  if (!index->constant || index->shape.rank > 1)
    {
      report (model, CR_MODEL_ERROR_INDEX, &expr->subscript.index->location,
              "an index must be data (an integer or categorical column, or a constant); '%s' is not",
              index_text);
      return NULL;
    }
  CrShape index_shape;
  g_autofree double *values = cr_model_eval_constant (model, expr->subscript.index, &index_shape);
  size_t n = cr_shape_size (index_shape), length = base->shape.rows;
  double lo = INFINITY, hi = -INFINITY;
  for (size_t i = 0; values != NULL && i < n; i++)
    {
      if (isnan (values[i]) || values[i] != floor (values[i]))
        {
          report (model, CR_MODEL_ERROR_INDEX, &expr->subscript.index->location,
                  "the index '%s' holds %s at position %zu; indices must be whole numbers, "
                  "with no missing values",
                  index_text, isnan (values[i]) ? "a missing value" : "a fraction", i);
          return NULL;
        }
      lo = fmin (lo, values[i]);
      hi = fmax (hi, values[i]);
    }
  if (n > 0 && (lo < 0 || hi >= (double) length))
    {
      if (lo >= 1 && hi == (double) length)
        report (model, CR_MODEL_ERROR_INDEX, &expr->subscript.index->location,
                "'%s' runs from 1 to %zu, but indices start at 0 here: subtract 1 (%s[%s - 1]) "
                "or use a categorical column",
                index_text, length, base_text, index_text);
      else
        report (model, CR_MODEL_ERROR_INDEX, &expr->subscript.index->location,
                "'%s' holds %g, outside 0 to %zu, the positions of '%s'", index_text,
                lo < 0 ? lo : hi, length - 1, base_text);
      return NULL;
    }
  CrInfo *info = info_new (index_shape.rank == 0 ? scalar_shape : (CrShape){ 1, index_shape.rows, 1 });
  info->lo = base->lo, info->hi = base->hi;
  info->lo_open = base->lo_open, info->hi_open = base->hi_open;
  info->constant = base->constant;
  return remember (model, expr, info);
}

static const CrInfo *
infer_binary (CrModel *model, const CrExpr *expr)
{
  const CrInfo *a = infer (model, expr->binary.left);
  const CrInfo *b = infer (model, expr->binary.right);
  if (a == NULL || b == NULL)
    return NULL;
  CrShape shape;
  if (expr->binary.op == CR_BINARY_MATMUL)
    {
      g_autofree char *left = cr_lang_print_expr (expr->binary.left);
      if (a->shape.rank != 2 || !a->constant)
        {
          g_autofree char *described = describe_shape (a->shape);
          report (model, CR_MODEL_ERROR_SHAPE, &expr->binary.left->location,
                  "the left side of @ must be a data matrix (from stack()); '%s' is %s%s", left,
                  described, a->constant ? "" : " that is not data");
          return NULL;
        }
      if (b->shape.rank != 1 || b->shape.rows != a->shape.cols)
        {
          g_autofree char *described = describe_shape (b->shape);
          report (model, CR_MODEL_ERROR_SHAPE, &expr->binary.right->location,
                  "'%s' has %zu columns, so the right side of @ must be a vector of %zu; it is %s",
                  left, a->shape.cols, a->shape.cols, described);
          return NULL;
        }
      shape = (CrShape){ 1, a->shape.rows, 1 };
    }
  else if (!broadcast (a->shape, b->shape, &shape))
    {
      g_autofree char *sa = describe_shape (a->shape), *sb = describe_shape (b->shape);
      g_autofree char *text = cr_lang_print_expr (expr);
      report (model, CR_MODEL_ERROR_SHAPE, &expr->location,
              "'%s' combines %s with %s; their sizes must match, or one must be a scalar", text,
              sa, sb);
      return NULL;
    }
  CrInfo *info = info_new (shape);
  range_binary (info, expr->binary.op, a, b);
  info->constant = a->constant && b->constant;
  return remember (model, expr, info);
}

static const CrInfo *
infer (CrModel *model, const CrExpr *expr)
{
  const CrInfo *known = g_hash_table_lookup (model->infos, expr);
  if (known != NULL)
    return known;

  switch (expr->kind)
    {
    case CR_EXPR_NUMBER:
      {
        CrInfo *info = info_new (scalar_shape);
        info->constant = TRUE;
        return remember (model, expr, info);
      }
    case CR_EXPR_NAME:
      {
        const CrNode *node = g_hash_table_lookup (model->by_name, expr->name);
        const CrInfo *of_node = node != NULL ? g_hash_table_lookup (model->node_infos, node) : NULL;
        if (of_node == NULL)
          return NULL; /* undefined, or its definition had an error: reported there */
        CrInfo *info = info_new (of_node->shape);
        info->lo = of_node->lo, info->hi = of_node->hi;
        info->lo_open = of_node->lo_open, info->hi_open = of_node->hi_open;
        info->constant = of_node->constant;
        info->integer = of_node->integer;
        g_hash_table_insert (model->infos, (gpointer) expr, info);
        return info;
      }
    case CR_EXPR_NEGATE:
      {
        const CrInfo *x = infer (model, expr->operand);
        if (x == NULL)
          return NULL;
        CrInfo *info = info_new (x->shape);
        info->lo = -x->hi, info->hi = -x->lo;
        info->lo_open = x->hi_open, info->hi_open = x->lo_open;
        info->constant = x->constant;
        return remember (model, expr, info);
      }
    case CR_EXPR_BINARY:
      return infer_binary (model, expr);
    case CR_EXPR_CALL:
      return infer_call (model, expr);
    case CR_EXPR_SUBSCRIPT:
      return infer_subscript (model, expr);
    case CR_EXPR_VECTOR:
      {
        gboolean constant = TRUE;
        double lo = INFINITY, hi = -INFINITY;
        for (guint i = 0; i < expr->elements->len; i++)
          {
            const CrExpr *element = g_ptr_array_index (expr->elements, i);
            const CrInfo *e = infer (model, element);
            if (e == NULL)
              return NULL;
            if (e->shape.rank != 0)
              {
                g_autofree char *text = cr_lang_print_expr (element);
                report (model, CR_MODEL_ERROR_SHAPE, &element->location,
                        "the elements of a vector [ ... ] must be scalars; '%s' is not", text);
                return NULL;
              }
            constant = constant && e->constant;
            lo = fmin (lo, e->lo);
            hi = fmax (hi, e->hi);
          }
        CrInfo *info = info_new ((CrShape){ 1, expr->elements->len, 1 });
        info->lo = lo, info->hi = hi;
        info->lo_open = info->hi_open = FALSE;
        info->constant = constant;
        return remember (model, expr, info);
      }
    }
  return NULL;
}

gboolean
cr_model_expr_is_constant (const CrModel *model, const CrExpr *expr)
{
  const CrInfo *info = g_hash_table_lookup (model->infos, expr);
  return info != NULL && info->constant;
}

CrShape
cr_model_expr_shape (const CrModel *model, const CrExpr *expr)
{
  const CrInfo *info = g_hash_table_lookup (model->infos, expr);
  g_return_val_if_fail (info != NULL, scalar_shape);
  return info->shape;
}

double *
cr_model_eval_constant (const CrModel *model, const CrExpr *expr, CrShape *shape)
{
  const CrInfo *info = g_hash_table_lookup (model->infos, expr);
  if (info == NULL || !info->constant)
    return NULL;
  if (shape != NULL)
    *shape = info->shape;
  if (expr->kind == CR_EXPR_NAME)
    {
      const CrNode *node = g_hash_table_lookup (model->by_name, expr->name);
      return g_memdup2 (node->values, cr_shape_size (info->shape) * sizeof (double));
    }
  if (info->values != NULL)
    return g_memdup2 (info->values, cr_shape_size (info->shape) * sizeof (double));
  return cr_model_eval (model->infos, model->by_name, expr, info->shape);
}

/* Nodes */

static void
range_of_support (CrInfo *out, const CrNode *node, CrModel *model)
{
  out->lo = -INFINITY, out->hi = INFINITY;
  out->lo_open = out->hi_open = TRUE;
  switch (node->dist->support)
    {
    case CR_SUPPORT_POSITIVE:
      out->lo = 0;
      break;
    case CR_SUPPORT_UNIT:
      out->lo = 0, out->hi = 1;
      break;
    case CR_SUPPORT_INTERVAL:
      {
        const CrInfo *lower = node->lower != NULL ? g_hash_table_lookup (model->infos, node->lower) : NULL;
        const CrInfo *upper = node->upper != NULL ? g_hash_table_lookup (model->infos, node->upper) : NULL;
        if (lower != NULL)
          out->lo = lower->lo;
        if (upper != NULL)
          out->hi = upper->hi;
        break;
      }
    case CR_SUPPORT_SIMPLEX:
      out->lo = 0, out->hi = 1, out->lo_open = out->hi_open = FALSE;
      break;
    case CR_SUPPORT_CHOLESKY_CORR:
      out->lo = -1, out->hi = 1, out->lo_open = out->hi_open = FALSE;
      break;
    case CR_SUPPORT_NONNEGATIVE_INTEGER:
    case CR_SUPPORT_BINARY:
    case CR_SUPPORT_BOUNDED_INTEGER:
      out->lo = 0, out->lo_open = FALSE;
      break;
    case CR_SUPPORT_REAL:
    case CR_SUPPORT_REAL_VECTOR:
      break;
    }
  if (node->transform == CR_TRANSFORM_ORDERED && node->kind == CR_NODE_FREE)
    out->lo = -INFINITY, out->hi = INFINITY;
}

/* A size: a whole number, a data constant, or a categorical column (its number of levels). */
static gboolean
eval_size (CrModel *model, const CrNode *node, const CrExpr *size, size_t *n)
{
  if (size->kind == CR_EXPR_NUMBER && size->number >= 1 && size->number == floor (size->number))
    return *n = (size_t) size->number, TRUE;
  const CrNode *named = size->kind == CR_EXPR_NAME ? g_hash_table_lookup (model->by_name, size->name) : NULL;
  if (named != NULL && named->column != NULL && named->column->type == CR_COLUMN_CATEGORICAL)
    return *n = named->column->n_levels, TRUE;
  const CrInfo *info = named != NULL ? g_hash_table_lookup (model->node_infos, named) : NULL;
  if (named != NULL && named->kind == CR_NODE_DATA && info != NULL && info->shape.rank == 0
      && named->values[0] >= 1 && named->values[0] == floor (named->values[0]) && named->values[0] < 1e9)
    return *n = (size_t) named->values[0], TRUE;
  g_autofree char *text = cr_lang_print_expr (size);
  report (model, CR_MODEL_ERROR_SHAPE, &size->location,
          "the size of '%s' must be a whole number, a data constant or a categorical column; "
          "'%s' is none of these",
          node->name, text);
  return FALSE;
}

/* Checks that @x of @n values (an observed node's data) has no missing value. */
static gboolean
check_no_missing (CrModel *model, const CrNode *node, const double *x, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (isnan (x[i]))
      {
        const char *column = node->column != NULL ? node->column->name : node->name;
        report (model, CR_MODEL_ERROR_DATA, &node->statement->location,
                "'%s' is missing a value in row %zu of column '%s'; a likelihood needs every row: "
                "drop that row or fill it in",
                node->name, i + 1, column);
        return FALSE;
      }
  return TRUE;
}

/* What "positive", "in [0, 1]" ... mean, for messages. */
static const char *
domain_phrase (CrArgDomain domain)
{
  switch (domain)
    {
    case CR_DOMAIN_POSITIVE:
    case CR_DOMAIN_POSITIVE_VECTOR:
      return "positive";
    case CR_DOMAIN_PROBABILITY:
      return "a probability in [0, 1]";
    case CR_DOMAIN_OPEN_UNIT_BALL:
      return "strictly between -1 and 1";
    case CR_DOMAIN_SIMPLEX:
      return "a simplex (non-negative, summing to 1)";
    default:
      return "valid";
    }
}

/* A variable argument must provably lie in its domain; integers must be data. */
static void
check_variable_argument (CrModel *model, const CrNode *node, guint k, const CrExpr *e, const CrInfo *info)
{
  CrArgDomain domain = node->dist->arg_domains[k];
  const char *arg_name = node->dist->arg_names[k];
  g_autofree char *text = cr_lang_print_expr (e);
  gboolean ok = TRUE;
  const char *why = "";
  switch (domain)
    {
    case CR_DOMAIN_POSITIVE:
    case CR_DOMAIN_POSITIVE_VECTOR:
      ok = provably_positive (info);
      why = info->lo == 0 ? "can be zero" : "can be negative";
      break;
    case CR_DOMAIN_PROBABILITY:
    case CR_DOMAIN_SIMPLEX:
      ok = info->lo >= 0 && info->hi <= 1;
      why = "can fall outside [0, 1]";
      break;
    case CR_DOMAIN_OPEN_UNIT_BALL:
      ok = (info->lo > -1 || (info->lo == -1 && info->lo_open)) && (info->hi < 1 || (info->hi == 1 && info->hi_open));
      why = "can reach -1 or 1";
      break;
    case CR_DOMAIN_NONNEGATIVE_INTEGER:
    case CR_DOMAIN_INTEGER:
    case CR_DOMAIN_DIMENSION:
      report (model, CR_MODEL_ERROR_DOMAIN, &e->location,
              "%s of %s must be data (a whole number), not computed from random variables as '%s' is",
              arg_name, node->dist->name, text);
      return;
    case CR_DOMAIN_REAL:
    case CR_DOMAIN_REAL_VECTOR:
    case CR_DOMAIN_CHOLESKY_FACTOR:
      return;
    }
  if (!ok)
    report (model, CR_MODEL_ERROR_DOMAIN, &e->location, "%s of %s must be %s; '%s' %s", arg_name,
            node->dist->name, domain_phrase (domain), text, why);
}

/* "mu, sigma": the parameters of @dist, for messages. */
static char *
parameter_list (const CrDistribution *dist)
{
  g_autoptr (GString) list = g_string_new (NULL);
  for (guint k = 0; k < dist->n_args; k++)
    g_string_append_printf (list, "%s%s", k > 0 ? ", " : "", dist->arg_names[k]);
  return g_string_free (g_steal_pointer (&list), FALSE);
}

/* Binds the arguments of a stochastic statement to the distribution's parameters. */
static gboolean
bind_arguments (CrModel *model, CrNode *node, const CrExpr **observed, const CrExpr **transform,
                const CrExpr **shape_option)
{
  const CrStatement *s = node->statement;
  const CrDistribution *dist = node->dist;
  g_autofree char *parameters = parameter_list (dist);
  guint n_positional = 0;
  for (guint i = 0; i < s->distribution->arguments->len; i++)
    n_positional += ((const CrArgument *) g_ptr_array_index (s->distribution->arguments, i))->keyword == NULL;
  guint positional = 0, given = 0;
  gboolean ok = TRUE;
  for (guint i = 0; i < s->distribution->arguments->len; i++)
    {
      const CrArgument *argument = g_ptr_array_index (s->distribution->arguments, i);
      if (argument->keyword == NULL)
        {
          if (positional >= dist->n_args)
            {
              report (model, CR_MODEL_ERROR_ARITY, &argument->location,
                      "%s takes %u argument%s (%s), got %u", dist->name, dist->n_args,
                      dist->n_args == 1 ? "" : "s", parameters, n_positional);
              return FALSE;
            }
          node->args[positional++] = argument->value;
          given++;
          continue;
        }
      if (strcmp (argument->keyword, "observed") == 0)
        *observed = argument->value;
      else if (strcmp (argument->keyword, "transform") == 0)
        *transform = argument->value;
      else if (strcmp (argument->keyword, "shape") == 0)
        *shape_option = argument->value;
      else
        {
          int k = cr_dist_arg_index (dist, argument->keyword);
          if (k < 0)
            {
              g_autoptr (GPtrArray) candidates = g_ptr_array_new ();
              for (guint a = 0; a < dist->n_args; a++)
                g_ptr_array_add (candidates, (gpointer) dist->arg_names[a]);
              for (guint a = 0; option_keywords[a] != NULL; a++)
                g_ptr_array_add (candidates, (gpointer) option_keywords[a]);
              g_ptr_array_add (candidates, NULL);
              g_autofree char *suggestion = cr_lang_suggest (argument->keyword, (const char *const *) candidates->pdata);
              if (suggestion != NULL)
                report (model, CR_MODEL_ERROR_ARITY, &argument->location,
                        "%s has no parameter '%s'; did you mean '%s'? (%s takes %s)", dist->name,
                        argument->keyword, suggestion, dist->name, parameters);
              else
                report (model, CR_MODEL_ERROR_ARITY, &argument->location,
                        "%s has no parameter '%s'; it takes %s", dist->name, argument->keyword, parameters);
              ok = FALSE;
              continue;
            }
          if (node->args[k] != NULL)
            {
              report (model, CR_MODEL_ERROR_ARITY, &argument->location,
                      "%s is given twice, by position and by name", argument->keyword);
              ok = FALSE;
              continue;
            }
          node->args[k] = argument->value;
          given++;
        }
    }
  if (ok && given < dist->n_args)
    {
      report (model, CR_MODEL_ERROR_ARITY, &s->distribution->location,
              "%s takes %u argument%s (%s), got %u", dist->name, dist->n_args,
              dist->n_args == 1 ? "" : "s", parameters, given);
      return FALSE;
    }
  return ok;
}

/* The shape implied by the arguments, or FALSE (reported) when they do not fit together. */
static gboolean
implied_shape (CrModel *model, CrNode *node, const CrInfo *const *args, CrShape *shape, gboolean *determined)
{
  const CrDistribution *dist = node->dist;
  const CrStatement *s = node->statement;
  *determined = TRUE;
  switch (dist->kind)
    {
    case CR_DIST_ELEMENTWISE:
      *shape = scalar_shape;
      *determined = FALSE;
      for (guint k = 0; k < dist->n_args; k++)
        {
          CrShape combined;
          if (args[k]->shape.rank > 1 || !broadcast (*shape, args[k]->shape, &combined))
            {
              g_autofree char *a = describe_shape (args[k]->shape);
              report (model, CR_MODEL_ERROR_SHAPE, &node->args[k]->location,
                      "%s of %s is %s, which does not fit the other arguments", dist->arg_names[k],
                      dist->name, a);
              return FALSE;
            }
          *shape = combined;
          *determined = *determined || args[k]->shape.rank == 1;
        }
      return TRUE;
    case CR_DIST_ELEMENTWISE_VECTOR_ARGS:
      for (guint k = 0; k < dist->n_args; k++)
        if (args[k]->shape.rank != 1 || args[k]->shape.rows != args[0]->shape.rows)
          {
            g_autofree char *a = describe_shape (args[k]->shape);
            report (model, CR_MODEL_ERROR_SHAPE, &node->args[k]->location,
                    "the arguments of %s must be vectors of one length (one value per "
                    "component); %s is %s",
                    dist->name, dist->arg_names[k], a);
            return FALSE;
          }
      *shape = scalar_shape;
      *determined = FALSE;
      return TRUE;
    case CR_DIST_JOINT:
      break;
    }

  if (dist == cr_dist_lookup ("Dirichlet") || dist == cr_dist_lookup ("MvNormal"))
    {
      if (args[0]->shape.rank != 1)
        {
          report (model, CR_MODEL_ERROR_SHAPE, &node->args[0]->location,
                  "%s of %s must be a vector", dist->arg_names[0], dist->name);
          return FALSE;
        }
      size_t k = args[0]->shape.rows;
      if (dist->n_args > 1 && (args[1]->shape.rank != 2 || args[1]->shape.rows != k || args[1]->shape.cols != k))
        {
          g_autofree char *a = describe_shape (args[1]->shape);
          report (model, CR_MODEL_ERROR_SHAPE, &node->args[1]->location,
                  "chol of MvNormal must be a %zu x %zu matrix to match mu; it is %s", k, k, a);
          return FALSE;
        }
      *shape = (CrShape){ 1, k, 1 };
      return TRUE;
    }
  if (dist == cr_dist_lookup ("LKJCholeskyCorr"))
    {
      if (!args[0]->constant || args[0]->shape.rank != 0)
        return TRUE; /* the domain check says what is wrong */
      CrShape n_shape;
      g_autofree double *n = cr_model_eval_constant (model, node->args[0], &n_shape);
      if (n == NULL || !(n[0] >= 2 && n[0] == floor (n[0]) && n[0] <= 1000))
        return TRUE;
      *shape = (CrShape){ 2, (size_t) n[0], (size_t) n[0] };
      return TRUE;
    }
  /* AR1 and GaussianRandomWalk: scalar arguments; the length comes from the size or data. */
  for (guint k = 0; k < dist->n_args; k++)
    if (args[k]->shape.rank != 0)
      {
        report (model, CR_MODEL_ERROR_SHAPE, &node->args[k]->location,
                "%s of %s must be a scalar", dist->arg_names[k], dist->name);
        return FALSE;
      }
  *determined = FALSE;
  *shape = scalar_shape;
  if (s->size == NULL && node->kind == CR_NODE_FREE)
    {
      report (model, CR_MODEL_ERROR_SHAPE, &s->name_location,
              "%s is a time series: give its length, as in %s[T] ~ %s(...)", dist->name, node->name,
              dist->name);
      return FALSE;
    }
  return TRUE;
}

/* Fills @values with the values of the data a likelihood observes, and @shape. */
static const double *
observed_values (CrModel *model, CrNode *node, const CrExpr *observed, CrShape *shape)
{
  if (observed != NULL)
    {
      const CrInfo *info = infer (model, observed);
      if (info == NULL)
        return NULL;
      if (!info->constant)
        {
          g_autofree char *text = cr_lang_print_expr (observed);
          report (model, CR_MODEL_ERROR_DATA, &observed->location,
                  "observed= takes data (a column or a constant); '%s' is not data", text);
          return NULL;
        }
      if (node->values == NULL)
        node->values = cr_model_eval_constant (model, observed, shape);
      *shape = info->shape;
      node->shape = info->shape;
      return node->values;
    }
  *shape = node->shape;
  return node->values;
}

static gboolean
validate_stochastic (CrModel *model, CrNode *node, CrInfo *info)
{
  const CrStatement *s = node->statement;
  node->dist = cr_dist_lookup (s->distribution->name);
  if (node->dist == NULL)
    {
      g_autofree char *suggestion = suggest_distribution (s->distribution->name);
      if (suggestion != NULL)
        report (model, CR_MODEL_ERROR_DISTRIBUTION, &s->distribution->location,
                "'%s' is not a distribution; did you mean '%s'?", s->distribution->name, suggestion);
      else
        report (model, CR_MODEL_ERROR_DISTRIBUTION, &s->distribution->location,
                "'%s' is not a distribution; see the list in the model language's help",
                s->distribution->name);
      return FALSE;
    }
  const CrDistribution *dist = node->dist;
  const CrExpr *observed = NULL, *transform = NULL, *shape_option = NULL;
  if (!bind_arguments (model, node, &observed, &transform, &shape_option))
    return FALSE;

  const CrInfo *args[CR_DIST_MAX_ARGS] = { NULL };
  for (guint k = 0; k < dist->n_args; k++)
    if ((args[k] = infer (model, node->args[k])) == NULL)
      return FALSE;

  CrShape shape;
  gboolean determined;
  if (!implied_shape (model, node, args, &shape, &determined))
    return FALSE;

  const CrExpr *size_expr = s->size != NULL ? s->size : shape_option;
  if (size_expr != NULL)
    {
      size_t n;
      if (!eval_size (model, node, size_expr, &n))
        return FALSE;
      CrShape sized = { 1, n, 1 };
      if (dist->kind == CR_DIST_JOINT && shape.rank != 0 && !shape_equal (shape, sized))
        {
          g_autofree char *a = describe_shape (shape);
          report (model, CR_MODEL_ERROR_SHAPE, &size_expr->location,
                  "%s[%zu] ~ %s(...) is %s by its arguments, not of %zu: drop the size or make "
                  "them agree",
                  node->name, n, dist->name, a, n);
          return FALSE;
        }
      if (dist->kind == CR_DIST_ELEMENTWISE && determined && shape.rows != n)
        {
          g_autofree char *a = describe_shape (shape);
          report (model, CR_MODEL_ERROR_SHAPE, &size_expr->location,
                  "'%s' has %zu values, but its arguments are %s", node->name, n, a);
          return FALSE;
        }
      shape = sized;
    }

  if (node->kind == CR_NODE_OBSERVED)
    {
      CrShape data_shape;
      const double *x = observed_values (model, node, observed, &data_shape);
      if (x == NULL)
        return FALSE;
      gboolean fits = dist->kind == CR_DIST_ELEMENTWISE && !determined
                          ? data_shape.rank <= 1
                      : dist->kind == CR_DIST_ELEMENTWISE_VECTOR_ARGS || (dist->kind == CR_DIST_JOINT && shape.rank == 0)
                          ? data_shape.rank <= 1
                          : shape_equal (shape, data_shape);
      if (!fits && dist->kind == CR_DIST_ELEMENTWISE && determined)
        fits = data_shape.rank == 1 && data_shape.rows == shape.rows;
      if (!fits)
        {
          g_autofree char *a = describe_shape (data_shape), *b = describe_shape (shape);
          report (model, CR_MODEL_ERROR_SHAPE, &s->location,
                  "the data of '%s' is %s, but its distribution's arguments make it %s", node->name,
                  a, b);
          return FALSE;
        }
      shape = data_shape;
      if (!check_no_missing (model, node, x, cr_shape_size (shape)))
        return FALSE;
      gboolean all_constant = TRUE;
      for (guint k = 0; k < dist->n_args; k++)
        all_constant = all_constant && args[k]->constant;
      double *arg_values[CR_DIST_MAX_ARGS] = { NULL };
      size_t arg_len[CR_DIST_MAX_ARGS] = { 0 };
      for (guint k = 0; k < dist->n_args; k++)
        {
          CrShape arg_shape;
          arg_values[k] = args[k]->constant ? cr_model_eval_constant (model, node->args[k], &arg_shape) : NULL;
          arg_len[k] = args[k]->constant ? cr_shape_size (arg_shape) : 0;
        }
      g_autofree char *reason = NULL;
      gboolean inside = TRUE;
      if (all_constant)
        inside = cr_dist_check_value (dist, x, cr_shape_size (shape), (const double *const *) arg_values, arg_len, &reason);
      else if (dist->discrete)
        {
          /* The bounds depend on variables; what is left to check is that counts are counts. */
          gboolean may_be_negative = strcmp (dist->name, "DiscreteUniform") == 0;
          for (size_t i = 0; inside && i < cr_shape_size (shape); i++)
            if (x[i] != floor (x[i]) || (!may_be_negative && x[i] < 0))
              {
                inside = FALSE;
                reason = g_strdup_printf ("it takes whole numbers%s, and row %zu holds %g",
                                          may_be_negative ? "" : " of at least 0", i + 1, x[i]);
              }
        }
      for (guint k = 0; k < dist->n_args; k++)
        g_free (arg_values[k]);
      if (!inside)
        {
          report (model, CR_MODEL_ERROR_DATA, &s->location, "the data of '%s' cannot come from %s: %s",
                  node->name, dist->name, reason);
          return FALSE;
        }
      range_from_values (info, x, cr_shape_size (shape));
      info->constant = TRUE;
      /* Pointwise terms: one per element, except for the joint draws other than the time
       * series, which are one observation each (dist.h, log_density_vector). */
      gboolean time_series = strcmp (dist->name, "AR1") == 0 || strcmp (dist->name, "GaussianRandomWalk") == 0;
      model->n_observations += dist->kind == CR_DIST_JOINT && !time_series ? 1 : cr_shape_size (shape);
    }
  else
    {
      if (!dist->can_be_free)
        {
          report (model, CR_MODEL_ERROR_DISTRIBUTION, &s->distribution->location,
                  "'%s' would be a discrete parameter, which NUTS cannot sample: observe it (give "
                  "it data of that name) or marginalise it out of the model",
                  node->name);
          return FALSE;
        }
      if (observed != NULL)
        return FALSE; /* unreachable: observed= makes the node OBSERVED */
      if (shape.rank == 2 && dist->support != CR_SUPPORT_CHOLESKY_CORR)
        return FALSE;
      switch (dist->support)
        {
        case CR_SUPPORT_POSITIVE:
          node->transform = CR_TRANSFORM_LOWER;
          break;
        case CR_SUPPORT_UNIT:
          node->transform = CR_TRANSFORM_INTERVAL;
          break;
        case CR_SUPPORT_INTERVAL:
          node->transform = CR_TRANSFORM_INTERVAL;
          node->lower = node->args[cr_dist_arg_index (dist, "lower")];
          node->upper = node->args[cr_dist_arg_index (dist, "upper")];
          break;
        case CR_SUPPORT_SIMPLEX:
          node->transform = CR_TRANSFORM_SIMPLEX;
          break;
        case CR_SUPPORT_CHOLESKY_CORR:
          node->transform = CR_TRANSFORM_CHOLESKY_CORR;
          break;
        default:
          node->transform = CR_TRANSFORM_IDENTITY;
          break;
        }
      if (transform != NULL)
        {
          CrTransformKind chosen;
          if (transform->kind != CR_EXPR_NAME || !cr_transform_from_string (transform->name, &chosen))
            {
              g_autofree char *text = cr_lang_print_expr (transform);
              report (model, CR_MODEL_ERROR_DISTRIBUTION, &transform->location,
                      "'%s' is not a transform; use transform=ordered", text);
              return FALSE;
            }
          if (chosen != CR_TRANSFORM_ORDERED || dist->support != CR_SUPPORT_REAL || shape.rank != 1)
            {
              report (model, CR_MODEL_ERROR_DISTRIBUTION, &transform->location,
                      "transform=%s does not fit '%s': only a vector on the whole real line can "
                      "be ordered",
                      transform->name, node->name);
              return FALSE;
            }
          node->transform = chosen;
        }
      if (node->transform == CR_TRANSFORM_INTERVAL && node->lower != NULL)
        for (const CrExpr *const *bound = (const CrExpr *const[]){ node->lower, node->upper, NULL }; *bound != NULL; bound++)
          if (cr_model_expr_shape (model, *bound).rank != 0)
            {
              report (model, CR_MODEL_ERROR_SHAPE, &(*bound)->location,
                      "the bounds of '%s' must be scalars", node->name);
              return FALSE;
            }
      node->free_size = cr_transform_free_size (node->transform, cr_shape_size (shape));
      node->free_offset = model->free_dimension;
      model->free_dimension += node->free_size;
      node->shape = shape;
      range_of_support (info, node, model);
    }
  node->shape = shape;
  info->shape = shape;

  /* Arguments inside their domains. */
  gboolean ok = TRUE;
  for (guint k = 0; k < dist->n_args; k++)
    {
      if (!args[k]->constant)
        {
          size_t before = model->diagnostics->len;
          check_variable_argument (model, node, k, node->args[k], args[k]);
          ok = ok && model->diagnostics->len == before;
          continue;
        }
      CrShape arg_shape;
      g_autofree double *values = cr_model_eval_constant (model, node->args[k], &arg_shape);
      g_autofree char *reason = NULL;
      if (values != NULL && !cr_dist_check_arg (dist, k, values, cr_shape_size (arg_shape), &reason))
        {
          report (model, CR_MODEL_ERROR_DOMAIN, &node->args[k]->location, "%s", reason);
          ok = FALSE;
        }
    }
  return ok;
}

static void
validate_node (CrModel *model, CrNode *node)
{
  /* Only nodes whose parents all validated are checked: one error is reported once. */
  if (g_hash_table_contains (model->broken, node))
    return;
  for (guint i = 0; i < node->parents->len; i++)
    if (g_hash_table_lookup (model->node_infos, g_ptr_array_index (node->parents, i)) == NULL)
      return;

  CrInfo *info = info_new (scalar_shape);
  gboolean ok = TRUE;
  const CrStatement *data = data_statement (model, node);
  if (node->column != NULL && node->statement == NULL)
    {
      range_from_values (info, node->values, cr_shape_size (node->shape));
      info->shape = node->shape;
      info->constant = TRUE;
    }
  else if (data != NULL)
    {
      const CrInfo *value = infer (model, data->value);
      if (value == NULL)
        ok = FALSE;
      else if (!value->constant)
        {
          g_autofree char *text = cr_lang_print_expr (data->value);
          report (model, CR_MODEL_ERROR_DATA, &data->value->location,
                  "data '%s' must be known before sampling, but '%s' depends on random variables; "
                  "drop `data` to make it a deterministic",
                  node->name, text);
          ok = FALSE;
        }
      else
        {
          node->values = cr_model_eval_constant (model, data->value, &node->shape);
          range_from_values (info, node->values, cr_shape_size (node->shape));
          info->shape = node->shape;
          info->constant = TRUE;
        }
    }
  if (ok && node->kind == CR_NODE_OBSERVED && node->column != NULL)
    {
      /* A column observed under its own name: the data is the column's. */
      range_from_values (info, node->values, cr_shape_size (node->shape));
      info->shape = node->shape;
    }

  if (ok && (node->kind == CR_NODE_FREE || node->kind == CR_NODE_OBSERVED))
    {
      ok = validate_stochastic (model, node, info);
      info->integer = node->kind == CR_NODE_OBSERVED && info->integer;
      info->constant = node->kind == CR_NODE_OBSERVED;
    }
  else if (ok && (node->kind == CR_NODE_DETERMINISTIC || node->kind == CR_NODE_LOCAL))
    {
      const CrInfo *value = infer (model, node->statement->value);
      if (value == NULL)
        ok = FALSE;
      else
        {
          node->shape = value->shape;
          info->shape = value->shape;
          info->lo = value->lo, info->hi = value->hi;
          info->lo_open = value->lo_open, info->hi_open = value->hi_open;
          info->constant = value->constant;
          if (value->constant)
            {
              g_free (node->values);
              node->values = cr_model_eval_constant (model, node->statement->value, NULL);
            }
        }
    }

  if (!ok)
    {
      info_free (info);
      return;
    }
  g_hash_table_insert (model->node_infos, node, info);
}

static int
compare_diagnostics (gconstpointer a, gconstpointer b)
{
  const CrModelDiagnostic *x = *(CrModelDiagnostic *const *) a, *y = *(CrModelDiagnostic *const *) b;
  if (x->line != y->line)
    return x->line < y->line ? -1 : 1;
  return x->column < y->column ? -1 : x->column > y->column;
}

gboolean
cr_model_validate (CrModel *model, GPtrArray **diagnostics, GError **error)
{
  g_return_val_if_fail (model != NULL, FALSE);

  reset (model);
  model->diagnostics = g_ptr_array_new_with_free_func ((GDestroyNotify) cr_model_diagnostic_free);

  g_autoptr (GPtrArray) lang_diagnostics = NULL;
  if (!cr_program_check (model->program, model->filename, &lang_diagnostics, NULL))
    for (guint i = 0; i < lang_diagnostics->len; i++)
      {
        const CrLangDiagnostic *d = g_ptr_array_index (lang_diagnostics, i);
        CrLangLocation where = { d->line, d->column, d->line, d->end_column };
        report (model, CR_MODEL_ERROR_SYNTAX, &where, "%s", d->message);
      }

  model->broken = g_hash_table_new (g_direct_hash, g_direct_equal);
  if (model->diagnostics->len == 0)
    {
      create_nodes (model);
      bind_all (model);
      if (sort_nodes (model))
        for (guint i = 0; i < model->nodes->len; i++)
          validate_node (model, g_ptr_array_index (model->nodes, i));
    }
  g_clear_pointer (&model->broken, g_hash_table_unref);

  g_autoptr (GPtrArray) found = g_steal_pointer (&model->diagnostics);
  /* Source order, so the first message is the first problem in the text. */
  g_ptr_array_sort (found, compare_diagnostics);
  model->valid = found->len == 0;
  if (!model->valid)
    {
      g_autoptr (GString) message = g_string_new (NULL);
      for (guint i = 0; i < found->len; i++)
        {
          const CrModelDiagnostic *d = g_ptr_array_index (found, i);
          g_string_append_printf (message, "%s%s:%u:%u: %s", i > 0 ? "\n" : "", model->filename,
                                  d->line, d->column, d->message);
        }
      const CrModelDiagnostic *first = g_ptr_array_index (found, 0);
      g_set_error_literal (error, CR_MODEL_ERROR, first->code, message->str);
    }
  if (diagnostics != NULL)
    *diagnostics = g_steal_pointer (&found);
  return model->valid;
}

gboolean
cr_model_is_valid (const CrModel *model)
{
  return model->valid;
}

const CrProgram *
cr_model_get_program (const CrModel *model)
{
  return model->program;
}

const CrDataset *
cr_model_get_dataset (const CrModel *model)
{
  return model->dataset;
}

const char *
cr_model_get_filename (const CrModel *model)
{
  return model->filename;
}

size_t
cr_model_get_n_nodes (const CrModel *model)
{
  g_return_val_if_fail (model->valid, 0);
  return model->nodes->len;
}

const CrNode *
cr_model_get_node (const CrModel *model, size_t index)
{
  g_return_val_if_fail (model->valid, NULL);
  g_return_val_if_fail (index < model->nodes->len, NULL);
  return g_ptr_array_index (model->nodes, index);
}

const CrNode *
cr_model_find_node (const CrModel *model, const char *name)
{
  return model->valid ? g_hash_table_lookup (model->by_name, name) : NULL;
}

size_t
cr_model_get_free_dimension (const CrModel *model)
{
  g_return_val_if_fail (model->valid, 0);
  return model->free_dimension;
}

size_t
cr_model_get_n_observations (const CrModel *model)
{
  g_return_val_if_fail (model->valid, 0);
  return model->n_observations;
}

char *
cr_model_describe_support (const CrModel *model, const CrNode *node)
{
  if (node->dist == NULL)
    return g_strdup (node->kind == CR_NODE_DATA ? "data" : "computed");
  switch (node->dist->support)
    {
    case CR_SUPPORT_REAL:
      return g_strdup (node->transform == CR_TRANSFORM_ORDERED ? "ordered reals" : "(-inf, inf)");
    case CR_SUPPORT_POSITIVE:
      return g_strdup ("(0, inf)");
    case CR_SUPPORT_UNIT:
      return g_strdup ("(0, 1)");
    case CR_SUPPORT_INTERVAL:
      {
        g_autofree char *lower = node->lower != NULL ? cr_lang_print_expr (node->lower) : g_strdup ("?");
        g_autofree char *upper = node->upper != NULL ? cr_lang_print_expr (node->upper) : g_strdup ("?");
        return g_strdup_printf ("(%s, %s)", lower, upper);
      }
    case CR_SUPPORT_NONNEGATIVE_INTEGER:
      return g_strdup ("{0, 1, 2, ...}");
    case CR_SUPPORT_BINARY:
      return g_strdup ("{0, 1}");
    case CR_SUPPORT_BOUNDED_INTEGER:
      return g_strdup ("bounded integers");
    case CR_SUPPORT_SIMPLEX:
      return g_strdup ("simplex");
    case CR_SUPPORT_CHOLESKY_CORR:
      return g_strdup ("Cholesky factor of a correlation matrix");
    case CR_SUPPORT_REAL_VECTOR:
      return g_strdup ("real vector");
    }
  return g_strdup ("?");
}

/* Editing */

static CrStatement *
find_statement (CrModel *model, const char *name, gboolean stochastic_first, guint *position)
{
  CrStatement *found = NULL;
  for (guint i = 0; i < model->program->statements->len; i++)
    {
      CrStatement *s = g_ptr_array_index (model->program->statements, i);
      if (strcmp (s->name, name) != 0)
        continue;
      if (found == NULL || (stochastic_first && s->kind == CR_STATEMENT_STOCHASTIC))
        {
          found = s;
          if (position != NULL)
            *position = i;
        }
    }
  return found;
}

static gboolean
require_statement (CrModel *model, const char *name, CrStatement **statement, guint *position, GError **error)
{
  *statement = find_statement (model, name, TRUE, position);
  if (*statement == NULL)
    g_set_error (error, CR_MODEL_ERROR, CR_MODEL_ERROR_UNDEFINED, "the model has no variable '%s'", name);
  return *statement != NULL;
}

static gboolean
check_new_name (CrModel *model, const char *name, GError **error)
{
  if (!cr_lang_is_valid_name (name))
    {
      g_set_error (error, CR_MODEL_ERROR, CR_MODEL_ERROR_NAME,
                   "'%s' is not a valid name: use letters, digits and _, starting with a letter",
                   name);
      return FALSE;
    }
  if (find_statement (model, name, FALSE, NULL) != NULL)
    {
      g_set_error (error, CR_MODEL_ERROR, CR_MODEL_ERROR_NAME, "'%s' is already defined", name);
      return FALSE;
    }
  return TRUE;
}

gboolean
cr_model_add_stochastic (CrModel *model,
                         const char *name,
                         CrExpr *size,
                         const char *dist_name,
                         CrExpr *const *args,
                         size_t n_args,
                         GError **error)
{
  g_return_val_if_fail (model != NULL && name != NULL && dist_name != NULL, FALSE);
  if (!check_new_name (model, name, error) || !cr_lang_is_valid_name (dist_name))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, CR_MODEL_ERROR, CR_MODEL_ERROR_DISTRIBUTION, "'%s' is not a distribution name", dist_name);
      if (size != NULL)
        cr_expr_free (size);
      for (size_t i = 0; i < n_args; i++)
        cr_expr_free (args[i]);
      return FALSE;
    }
  CrCall *call = cr_call_new (dist_name);
  for (size_t i = 0; i < n_args; i++)
    cr_call_append_argument (call, NULL, args[i]);
  cr_program_insert (model->program, -1, cr_statement_new_stochastic (name, size, call));
  reset (model);
  return TRUE;
}

gboolean
cr_model_add_assignment (CrModel *model,
                         CrStatementKind kind,
                         const char *name,
                         CrExpr *value,
                         GError **error)
{
  g_return_val_if_fail (model != NULL && name != NULL && value != NULL, FALSE);
  g_return_val_if_fail (kind != CR_STATEMENT_STOCHASTIC, FALSE);
  if (!check_new_name (model, name, error))
    {
      cr_expr_free (value);
      return FALSE;
    }
  cr_program_insert (model->program, -1, cr_statement_new_assignment (kind, name, value));
  reset (model);
  return TRUE;
}

gboolean
cr_model_remove (CrModel *model, const char *name, GError **error)
{
  CrStatement *statement;
  guint position;
  if (!require_statement (model, name, &statement, &position, error))
    return FALSE;
  cr_program_remove (model->program, position);
  reset (model);
  return TRUE;
}

static void
rename_in_expr (CrExpr *expr, const char *old_name, const char *new_name)
{
  switch (expr->kind)
    {
    case CR_EXPR_NUMBER:
      return;
    case CR_EXPR_NAME:
      if (strcmp (expr->name, old_name) == 0)
        {
          g_free (expr->name);
          expr->name = g_strdup (new_name);
        }
      return;
    case CR_EXPR_NEGATE:
      rename_in_expr (expr->operand, old_name, new_name);
      return;
    case CR_EXPR_BINARY:
      rename_in_expr (expr->binary.left, old_name, new_name);
      rename_in_expr (expr->binary.right, old_name, new_name);
      return;
    case CR_EXPR_CALL:
      for (guint i = 0; i < expr->call->arguments->len; i++)
        rename_in_expr (((CrArgument *) g_ptr_array_index (expr->call->arguments, i))->value, old_name, new_name);
      return;
    case CR_EXPR_SUBSCRIPT:
      rename_in_expr (expr->subscript.base, old_name, new_name);
      rename_in_expr (expr->subscript.index, old_name, new_name);
      return;
    case CR_EXPR_VECTOR:
      for (guint i = 0; i < expr->elements->len; i++)
        rename_in_expr (g_ptr_array_index (expr->elements, i), old_name, new_name);
      return;
    }
}

gboolean
cr_model_rename (CrModel *model, const char *old_name, const char *new_name, GError **error)
{
  CrStatement *statement;
  if (!require_statement (model, old_name, &statement, NULL, error) || !check_new_name (model, new_name, error))
    return FALSE;
  for (guint i = 0; i < model->program->statements->len; i++)
    {
      CrStatement *s = g_ptr_array_index (model->program->statements, i);
      if (strcmp (s->name, old_name) == 0)
        cr_statement_rename (s, new_name);
      if (s->size != NULL)
        rename_in_expr (s->size, old_name, new_name);
      if (s->value != NULL)
        rename_in_expr (s->value, old_name, new_name);
      for (guint a = 0; s->distribution != NULL && a < s->distribution->arguments->len; a++)
        {
          CrArgument *argument = g_ptr_array_index (s->distribution->arguments, a);
          if (g_strcmp0 (argument->keyword, "transform") != 0)
            rename_in_expr (argument->value, old_name, new_name);
        }
    }
  reset (model);
  return TRUE;
}

gboolean
cr_model_set_distribution (CrModel *model, const char *name, const char *dist_name, GError **error)
{
  CrStatement *statement;
  if (!require_statement (model, name, &statement, NULL, error))
    return FALSE;
  if (statement->kind != CR_STATEMENT_STOCHASTIC || !cr_lang_is_valid_name (dist_name))
    {
      if (statement->kind != CR_STATEMENT_STOCHASTIC)
        g_set_error (error, CR_MODEL_ERROR, CR_MODEL_ERROR_DISTRIBUTION,
                     "'%s' has no distribution: it is computed", name);
      else
        g_set_error (error, CR_MODEL_ERROR, CR_MODEL_ERROR_DISTRIBUTION,
                     "'%s' is not a distribution name", dist_name);
      return FALSE;
    }
  const CrDistribution *old_dist = cr_dist_lookup (statement->distribution->name);
  const CrDistribution *new_dist = cr_dist_lookup (dist_name);
  CrCall *call = cr_call_new (dist_name);
  if (old_dist == NULL || new_dist == NULL)
    {
      /* Without both parameter lists there is no mapping by name: keep the arguments as written. */
      for (guint i = 0; i < statement->distribution->arguments->len; i++)
        {
          const CrArgument *argument = g_ptr_array_index (statement->distribution->arguments, i);
          cr_call_append_argument (call, argument->keyword, cr_expr_copy (argument->value));
        }
    }
  else
    {
      /* The value given for each parameter of the old distribution, by parameter name. */
      const CrExpr *by_param[CR_DIST_MAX_ARGS] = { NULL };
      guint positional = 0;
      for (guint i = 0; i < statement->distribution->arguments->len; i++)
        {
          const CrArgument *argument = g_ptr_array_index (statement->distribution->arguments, i);
          int k = argument->keyword == NULL ? (int) positional++ : cr_dist_arg_index (old_dist, argument->keyword);
          if (k >= 0 && k < (int) old_dist->n_args)
            by_param[k] = argument->value;
        }
      /* Positional while the new parameters are all given, by keyword after a gap. */
      gboolean gap = FALSE;
      for (guint k = 0; k < new_dist->n_args; k++)
        {
          int old_k = cr_dist_arg_index (old_dist, new_dist->arg_names[k]);
          const CrExpr *value = old_k >= 0 ? by_param[old_k] : NULL;
          if (value == NULL)
            {
              gap = TRUE;
              continue;
            }
          cr_call_append_argument (call, gap ? new_dist->arg_names[k] : NULL, cr_expr_copy (value));
        }
      for (guint i = 0; i < statement->distribution->arguments->len; i++)
        {
          const CrArgument *argument = g_ptr_array_index (statement->distribution->arguments, i);
          if (is_option_keyword (argument->keyword))
            cr_call_append_argument (call, argument->keyword, cr_expr_copy (argument->value));
        }
    }
  cr_statement_set_distribution (statement, call);
  reset (model);
  return TRUE;
}

gboolean
cr_model_set_argument (CrModel *model, const char *name, const char *arg_name, CrExpr *value, GError **error)
{
  CrStatement *statement;
  if (!require_statement (model, name, &statement, NULL, error) || statement->kind != CR_STATEMENT_STOCHASTIC)
    {
      if (statement != NULL)
        g_set_error (error, CR_MODEL_ERROR, CR_MODEL_ERROR_DISTRIBUTION, "'%s' has no distribution: it is computed", name);
      cr_expr_free (value);
      return FALSE;
    }
  CrCall *call = statement->distribution;
  gssize index = cr_call_find_argument (call, arg_name);
  const CrDistribution *dist = cr_dist_lookup (call->name);
  int k = dist != NULL ? cr_dist_arg_index (dist, arg_name) : -1;
  if (index < 0 && k >= 0)
    {
      /* Given by position? */
      guint positional = 0;
      for (guint i = 0; i < call->arguments->len && index < 0; i++)
        if (((const CrArgument *) g_ptr_array_index (call->arguments, i))->keyword == NULL && positional++ == (guint) k)
          index = i;
    }
  if (index >= 0)
    cr_call_set_argument (call, (size_t) index, value);
  else
    cr_call_append_argument (call, arg_name, value);
  reset (model);
  return TRUE;
}

/* The statement of the stochastic variable @name, or NULL with @error set. */
static CrStatement *
require_stochastic (CrModel *model, const char *name, GError **error)
{
  CrStatement *statement;
  if (!require_statement (model, name, &statement, NULL, error))
    return NULL;
  if (statement->kind != CR_STATEMENT_STOCHASTIC)
    {
      g_set_error (error, CR_MODEL_ERROR, CR_MODEL_ERROR_DISTRIBUTION, "'%s' has no distribution: it is computed", name);
      return NULL;
    }
  return statement;
}

gboolean
cr_model_remove_argument (CrModel *model, const char *name, const char *arg_name, GError **error)
{
  CrStatement *statement = require_stochastic (model, name, error);
  if (statement == NULL)
    return FALSE;
  CrCall *call = statement->distribution;
  gssize index = cr_call_find_argument (call, arg_name);
  const CrDistribution *dist = cr_dist_lookup (call->name);
  int k = dist != NULL ? cr_dist_arg_index (dist, arg_name) : -1;
  /* Positional arguments after the removed one would shift into the wrong parameter: they
   * are written by keyword from here on. */
  guint positional = 0;
  for (guint i = 0; i < call->arguments->len; i++)
    {
      CrArgument *argument = g_ptr_array_index (call->arguments, i);
      if (argument->keyword != NULL)
        continue;
      if (index < 0 && k >= 0 && positional == (guint) k)
        index = i;
      else if (index >= 0 && dist != NULL && positional < dist->n_args)
        argument->keyword = g_strdup (dist->arg_names[positional]);
      positional++;
    }
  if (index >= 0)
    cr_call_remove_argument (call, (size_t) index);
  reset (model);
  return TRUE;
}

gboolean
cr_model_set_size (CrModel *model, const char *name, CrExpr *size, GError **error)
{
  CrStatement *statement = require_stochastic (model, name, error);
  if (statement == NULL)
    {
      cr_expr_free (size);
      return FALSE;
    }
  cr_statement_set_size (statement, size);
  reset (model);
  return TRUE;
}

gboolean
cr_model_set_value (CrModel *model, const char *name, CrExpr *value, GError **error)
{
  CrStatement *statement = find_statement (model, name, FALSE, NULL);
  if (statement == NULL || statement->kind == CR_STATEMENT_STOCHASTIC)
    {
      g_set_error (error, CR_MODEL_ERROR, CR_MODEL_ERROR_UNDEFINED,
                   statement == NULL ? "the model has no variable '%s'" : "'%s' has a distribution, not a value", name);
      cr_expr_free (value);
      return FALSE;
    }
  cr_statement_set_value (statement, value);
  reset (model);
  return TRUE;
}
