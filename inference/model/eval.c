/* eval.c: values of constant expressions (data, sizes, constant arguments), computed once
 * when the model is validated. The tape computes everything else. */
#include "model/model-private.h"

#include <math.h>
#include <string.h>

static double *eval (GHashTable *infos, GHashTable *nodes, const CrExpr *expr, CrShape *shape);

static double *
eval_elementwise (CrBinaryOp op, const double *a, CrShape sa, const double *b, CrShape sb, CrShape *shape)
{
  *shape = sa.rank >= sb.rank ? sa : sb;
  size_t n = cr_shape_size (*shape);
  size_t step_a = sa.rank == 0 ? 0 : 1, step_b = sb.rank == 0 ? 0 : 1;
  double *out = g_new (double, MAX (n, 1));
  for (size_t i = 0; i < n; i++)
    out[i] = cr_binary_apply (op, a[i * step_a], b[i * step_b]);
  return out;
}

static double *
eval_call (GHashTable *infos, GHashTable *nodes, const CrCall *call, CrShape *shape)
{
  CrFunction function;
  if (!cr_function_lookup (call->name, &function))
    return NULL;
  guint n_args = call->arguments->len;
  g_autoptr (GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) shapes = g_array_new (FALSE, FALSE, sizeof (CrShape));
  for (guint i = 0; i < n_args; i++)
    {
      CrShape s;
      double *v = eval (infos, nodes, ((const CrArgument *) g_ptr_array_index (call->arguments, i))->value, &s);
      if (v == NULL)
        return NULL;
      g_ptr_array_add (values, v);
      g_array_append_val (shapes, s);
    }
  const double *x = g_ptr_array_index (values, 0);
  CrShape sx = g_array_index (shapes, CrShape, 0);
  size_t n = cr_shape_size (sx);
  switch (function)
    {
    case CR_FUNCTION_POW:
      return eval_elementwise (CR_BINARY_POWER, x, sx, g_ptr_array_index (values, 1),
                               g_array_index (shapes, CrShape, 1), shape);
    case CR_FUNCTION_SUM:
    case CR_FUNCTION_MEAN:
      {
        double total = 0;
        for (size_t i = 0; i < n; i++)
          total += x[i];
        *shape = (CrShape){ 0, 1, 1 };
        double *out = g_new (double, 1);
        out[0] = function == CR_FUNCTION_SUM ? total : total / (double) n;
        return out;
      }
    case CR_FUNCTION_DOT:
      {
        const double *y = g_ptr_array_index (values, 1);
        double total = 0;
        for (size_t i = 0; i < n; i++)
          total += x[i] * y[i];
        *shape = (CrShape){ 0, 1, 1 };
        double *out = g_new (double, 1);
        out[0] = total;
        return out;
      }
    case CR_FUNCTION_STACK:
      {
        size_t rows = sx.rows;
        *shape = (CrShape){ 2, rows, n_args };
        double *out = g_new (double, MAX (rows * n_args, 1));
        for (guint j = 0; j < n_args; j++)
          {
            const double *column = g_ptr_array_index (values, j);
            for (size_t i = 0; i < rows; i++)
              out[i * n_args + j] = column[i];
          }
        return out;
      }
    default:
      {
        *shape = sx;
        double *out = g_new (double, MAX (n, 1));
        for (size_t i = 0; i < n; i++)
          out[i] = cr_function_apply (function, x[i]);
        return out;
      }
    }
}

static double *
eval (GHashTable *infos, GHashTable *nodes, const CrExpr *expr, CrShape *shape)
{
  const CrInfo *info = g_hash_table_lookup (infos, expr);
  if (info != NULL && info->values != NULL)
    {
      *shape = info->shape;
      return g_memdup2 (info->values, MAX (cr_shape_size (info->shape), 1) * sizeof (double));
    }
  switch (expr->kind)
    {
    case CR_EXPR_NUMBER:
      {
        *shape = (CrShape){ 0, 1, 1 };
        double *out = g_new (double, 1);
        out[0] = expr->number;
        return out;
      }
    case CR_EXPR_NAME:
      {
        const CrNode *node = g_hash_table_lookup (nodes, expr->name);
        if (node == NULL || node->values == NULL)
          return NULL;
        *shape = node->shape;
        return g_memdup2 (node->values, MAX (cr_shape_size (node->shape), 1) * sizeof (double));
      }
    case CR_EXPR_NEGATE:
      {
        double *x = eval (infos, nodes, expr->operand, shape);
        for (size_t i = 0; x != NULL && i < cr_shape_size (*shape); i++)
          x[i] = -x[i];
        return x;
      }
    case CR_EXPR_BINARY:
      {
        CrShape sa, sb;
        g_autofree double *a = eval (infos, nodes, expr->binary.left, &sa);
        g_autofree double *b = a != NULL ? eval (infos, nodes, expr->binary.right, &sb) : NULL;
        if (b == NULL)
          return NULL;
        if (expr->binary.op != CR_BINARY_MATMUL)
          return eval_elementwise (expr->binary.op, a, sa, b, sb, shape);
        *shape = (CrShape){ 1, sa.rows, 1 };
        double *out = g_new0 (double, MAX (sa.rows, 1));
        for (size_t i = 0; i < sa.rows; i++)
          for (size_t j = 0; j < sa.cols; j++)
            out[i] += a[i * sa.cols + j] * b[j];
        return out;
      }
    case CR_EXPR_CALL:
      return eval_call (infos, nodes, expr->call, shape);
    case CR_EXPR_SUBSCRIPT:
      {
        CrShape sb, si;
        g_autofree double *base = eval (infos, nodes, expr->subscript.base, &sb);
        g_autofree double *index = base != NULL ? eval (infos, nodes, expr->subscript.index, &si) : NULL;
        if (index == NULL)
          return NULL;
        *shape = si.rank == 0 ? (CrShape){ 0, 1, 1 } : (CrShape){ 1, si.rows, 1 };
        size_t n = cr_shape_size (si);
        double *out = g_new (double, MAX (n, 1));
        for (size_t i = 0; i < n; i++)
          out[i] = index[i] >= 0 && index[i] < (double) sb.rows ? base[(size_t) index[i]] : NAN;
        return out;
      }
    case CR_EXPR_VECTOR:
      {
        size_t n = expr->elements->len;
        double *out = g_new (double, n);
        for (size_t i = 0; i < n; i++)
          {
            CrShape s;
            g_autofree double *element = eval (infos, nodes, g_ptr_array_index (expr->elements, i), &s);
            if (element == NULL)
              {
                g_free (out);
                return NULL;
              }
            out[i] = element[0];
          }
        *shape = (CrShape){ 1, n, 1 };
        return out;
      }
    }
  return NULL;
}

double *
cr_model_eval (GHashTable *infos, GHashTable *nodes_by_name, const CrExpr *expr, CrShape shape)
{
  CrShape computed;
  double *values = eval (infos, nodes_by_name, expr, &computed);
  g_return_val_if_fail (values == NULL || cr_shape_size (computed) == cr_shape_size (shape), values);
  return values;
}
