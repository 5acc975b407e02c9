/* tape.c: compiling a model into a tape, and evaluating it forward and backward. */
#include "ad/ad.h"

#include "ad/ad-private.h"
#include "cr-math.h"

#include <gsl/gsl_cblas.h>
#include <math.h>
#include <string.h>

G_DEFINE_QUARK (cr-ad-error-quark, cr_ad_error)

/* A slot addresses a run of doubles: in the tape's constants when CONSTANT is set, else in a
 * workspace's values (and the same place in its adjoints). */
typedef guint32 Slot;
#define CONSTANT ((Slot) 0x80000000u)
#define NO_SLOT ((Slot) 0xffffffffu)

typedef enum
{
  OP_TRANSFORM,
  OP_NEGATE,
  OP_BINARY,
  OP_FUNCTION,
  OP_SUM,
  OP_MEAN,
  OP_DOT,
  OP_GATHER,
  OP_MATVEC,
  OP_VECTOR,
  OP_LOGP,
} OpKind;

/* Fused likelihood kernels for the hot paths; GENERIC calls the distribution's functions.
 * Each equals the distribution's own log density (tests/test-ad.c checks it term by term). */
typedef enum
{
  KERNEL_GENERIC,
  KERNEL_NORMAL,
  KERNEL_BERNOULLI_LOGIT,
  KERNEL_POISSON_LOG,
  KERNEL_STUDENT_T,       /* nu a constant scalar */
  KERNEL_BINOMIAL,        /* observed counts, n data */
  KERNEL_BINOMIAL_LOGIT,  /* observed counts, n data */
} Kernel;

typedef struct
{
  OpKind kind;
  Slot out;
  size_t n; /* values in out */
  Slot a, b;
  size_t na, nb; /* values in a and b: 1 broadcasts */
  CrBinaryOp op;
  CrFunction function;
  size_t *index;     /* GATHER: n positions in a */
  size_t rows, cols; /* MATVEC: a is rows x cols, row-major; b has cols */
  Slot *list;        /* VECTOR: n scalar slots */

  /* TRANSFORM: theta[theta_offset ..] -> out; bounds in lower/upper (NO_SLOT: 0 / none) */
  CrTransformKind transform;
  size_t theta_offset, free_size;
  Slot lower, upper;
  size_t free_values_offset; /* where its constrained values sit in the packed free values */
  const char *name;

  /* LOGP: log p(out | args); out holds the variable's values (n of them) */
  const CrDistribution *dist;
  Kernel kernel;
  Slot args[CR_DIST_MAX_ARGS];
  size_t arg_len[CR_DIST_MAX_ARGS];
  gboolean observed;
  size_t pointwise_offset; /* observed: where its terms start */
  double *log_factorial;   /* POISSON_LOG: lgamma (y + 1); BINOMIAL(_LOGIT): log C(n, y); once */
  double student_constant; /* STUDENT_T: lgamma((nu+1)/2) - lgamma(nu/2) - log(nu pi)/2 */

  /* A BernoulliLogit, PoissonLog or BinomialLogit likelihood on eta = intercept + X @ beta with X data and eta
   * used nowhere else (fuse_glm) evaluates X @ beta, the terms and X^T d_eta block by block;
   * its MATVEC and ADD are marked fused and skipped by the sweeps. */
  gboolean fused;
  gboolean glm;
  Slot glm_x, glm_beta, glm_intercept; /* intercept NO_SLOT when there is none */
  guint glm_eta;                        /* the argument that is the linear predictor */
  size_t glm_block;                     /* rows per block; rows and cols are X's */
} Op;

struct _CrTape
{
  const CrModel *model;
  GArray *ops;        /* of Op */
  double *constants;  /* n_constants */
  size_t n_constants;
  size_t n_values;    /* workspace values (and adjoints) */
  size_t dimension;
  size_t n_observations;
  size_t max_vector_args; /* the longest argument list a vector density sees, for scratch */
  GArray *trace;       /* of CrTraceVariable, with .offset into the trace draw */
  GArray *trace_slots; /* of Slot, one per trace variable */
  GArray *free_vars;   /* of CrTraceVariable, .offset into the packed free values */
  size_t trace_size, free_values_size;
  CrGlmKernels kernels; /* chosen once, so every evaluation of this tape runs the same code */
};

struct _CrWorkspace
{
  const CrTape *tape;
  double *values;
  double *adjoints;
  double *theta; /* scratch for the constrained entry points */
};

/* Compiling */

typedef struct _Compiler Compiler;
struct _Compiler
{
  CrTape *tape;
  GArray *constants;     /* of double, grows while compiling */
  GHashTable *node_slots; /* const CrNode * -> Slot + 1 */
  GError **error;
  /* The values of a constant slot while compiling (the array may move as it grows). */
  const double *(*constants_view) (Compiler *c, Slot slot);
};

static const double *
constants_view (Compiler *c, Slot slot)
{
  return &g_array_index (c->constants, double, slot & ~CONSTANT);
}

static Slot
add_constant (Compiler *c, const double *values, size_t n)
{
  Slot slot = (Slot) c->constants->len | CONSTANT;
  g_array_append_vals (c->constants, values, (guint) n);
  return slot;
}

static Slot
add_values (Compiler *c, size_t n)
{
  Slot slot = (Slot) c->tape->n_values;
  c->tape->n_values += MAX (n, 1);
  return slot;
}

static Op *
push_op (Compiler *c, OpKind kind)
{
  Op op = { 0 };
  op.kind = kind;
  op.a = op.b = op.lower = op.upper = NO_SLOT;
  for (guint k = 0; k < CR_DIST_MAX_ARGS; k++)
    op.args[k] = NO_SLOT;
  g_array_append_val (c->tape->ops, op);
  return &g_array_index (c->tape->ops, Op, c->tape->ops->len - 1);
}

static Slot compile_expr (Compiler *c, const CrExpr *expr);

static Slot
compile_call (Compiler *c, const CrExpr *expr, size_t n)
{
  const CrCall *call = expr->call;
  CrFunction function;
  cr_function_lookup (call->name, &function);
  const CrExpr *x = ((const CrArgument *) g_ptr_array_index (call->arguments, 0))->value;
  Slot a = compile_expr (c, x);
  size_t na = cr_shape_size (cr_model_expr_shape (c->tape->model, x));
  Slot b = NO_SLOT;
  size_t nb = 0;
  if (call->arguments->len > 1)
    {
      const CrExpr *y = ((const CrArgument *) g_ptr_array_index (call->arguments, 1))->value;
      b = compile_expr (c, y);
      nb = cr_shape_size (cr_model_expr_shape (c->tape->model, y));
    }
  Slot out = add_values (c, n);
  Op *op;
  switch (function)
    {
    case CR_FUNCTION_POW:
      op = push_op (c, OP_BINARY);
      op->op = CR_BINARY_POWER;
      break;
    case CR_FUNCTION_SUM:
      op = push_op (c, OP_SUM);
      break;
    case CR_FUNCTION_MEAN:
      op = push_op (c, OP_MEAN);
      break;
    case CR_FUNCTION_DOT:
      op = push_op (c, OP_DOT);
      break;
    default:
      op = push_op (c, OP_FUNCTION);
      op->function = function;
      break;
    }
  op->out = out, op->n = n;
  op->a = a, op->na = na;
  op->b = b, op->nb = nb;
  return out;
}

static Slot
compile_expr (Compiler *c, const CrExpr *expr)
{
  const CrModel *model = c->tape->model;
  CrShape shape = cr_model_expr_shape (model, expr);
  size_t n = cr_shape_size (shape);

  if (expr->kind == CR_EXPR_NAME)
    {
      const CrNode *node = cr_model_find_node (model, expr->name);
      gpointer slot = g_hash_table_lookup (c->node_slots, node);
      g_assert (slot != NULL);
      return (Slot) (GPOINTER_TO_SIZE (slot) - 1);
    }
  if (cr_model_expr_is_constant (model, expr))
    {
      g_autofree double *values = cr_model_eval_constant (model, expr, NULL);
      return add_constant (c, values, n);
    }

  switch (expr->kind)
    {
    case CR_EXPR_NEGATE:
      {
        Slot a = compile_expr (c, expr->operand);
        Slot out = add_values (c, n);
        Op *op = push_op (c, OP_NEGATE);
        op->out = out, op->n = n, op->a = a, op->na = n;
        return out;
      }
    case CR_EXPR_BINARY:
      {
        CrShape sa = cr_model_expr_shape (model, expr->binary.left);
        CrShape sb = cr_model_expr_shape (model, expr->binary.right);
        Slot a = compile_expr (c, expr->binary.left);
        Slot b = compile_expr (c, expr->binary.right);
        Slot out = add_values (c, n);
        Op *op = push_op (c, expr->binary.op == CR_BINARY_MATMUL ? OP_MATVEC : OP_BINARY);
        op->out = out, op->n = n;
        op->a = a, op->na = cr_shape_size (sa);
        op->b = b, op->nb = cr_shape_size (sb);
        op->op = expr->binary.op;
        op->rows = sa.rows, op->cols = sa.cols;
        return out;
      }
    case CR_EXPR_CALL:
      return compile_call (c, expr, n);
    case CR_EXPR_SUBSCRIPT:
      {
        Slot a = compile_expr (c, expr->subscript.base);
        CrShape index_shape;
        g_autofree double *positions = cr_model_eval_constant (model, expr->subscript.index, &index_shape);
        Slot out = add_values (c, n);
        Op *op = push_op (c, OP_GATHER);
        op->out = out, op->n = n, op->a = a;
        op->na = cr_shape_size (cr_model_expr_shape (model, expr->subscript.base));
        op->index = g_new (size_t, MAX (n, 1));
        for (size_t i = 0; i < n; i++)
          op->index[i] = (size_t) positions[i];
        return out;
      }
    case CR_EXPR_VECTOR:
      {
        Slot *list = g_new (Slot, n);
        for (size_t i = 0; i < n; i++)
          list[i] = compile_expr (c, g_ptr_array_index (expr->elements, i));
        Slot out = add_values (c, n);
        Op *op = push_op (c, OP_VECTOR);
        op->out = out, op->n = n, op->list = list;
        return out;
      }
    case CR_EXPR_NUMBER:
    case CR_EXPR_NAME:
      break;
    }
  g_assert_not_reached ();
}

/* The argument @k is one constant value: the kernel can hoist what depends on it. */
static gboolean
constant_scalar (const Op *op, guint k)
{
  return (op->args[k] & CONSTANT) && op->arg_len[k] == 1;
}

static Kernel
choose_kernel (const CrDistribution *dist, const Op *op)
{
  if (dist->kind != CR_DIST_ELEMENTWISE)
    return KERNEL_GENERIC;
  if (strcmp (dist->name, "Normal") == 0)
    return KERNEL_NORMAL;
  if (strcmp (dist->name, "StudentT") == 0 && constant_scalar (op, 0))
    return KERNEL_STUDENT_T;
  if (!op->observed)
    return KERNEL_GENERIC;
  if (strcmp (dist->name, "BernoulliLogit") == 0)
    return KERNEL_BERNOULLI_LOGIT;
  if (strcmp (dist->name, "PoissonLog") == 0)
    return KERNEL_POISSON_LOG;
  /* The counts n must be data so that log C(n, y) is computed once. */
  if (strcmp (dist->name, "Binomial") == 0 && (op->args[0] & CONSTANT))
    return KERNEL_BINOMIAL;
  if (strcmp (dist->name, "BinomialLogit") == 0 && (op->args[0] & CONSTANT))
    return KERNEL_BINOMIAL_LOGIT;
  return KERNEL_GENERIC;
}

/* Bytes of X per block of the fused GLM pass: a block of X, read by X @ beta, is still in L1
 * when X^T d_eta reads it again, so X comes from memory once per gradient. On logistic_big
 * (20 columns) 8, 16, 32, 64 and 256 KiB gave 705, 766, 642, 632 and 702 gradients/s. */
#define GLM_BLOCK_BYTES (16 * 1024)
/* Blocks hold a multiple of the vector kernels' four rows, so only the last has a tail. */
#define GLM_BLOCK_ALIGN 4

/* The op that writes @slot, searching back from op @before. */
static Op *
find_producer (Compiler *c, Slot slot, guint before)
{
  for (guint o = before; o-- > 0;)
    {
      Op *op = &g_array_index (c->tape->ops, Op, o);
      if (op->out == slot && op->kind != OP_LOGP)
        return op;
    }
  return NULL;
}

/* Fuses the GLM likelihood ops[@logp_index] when its linear predictor @eta, argument @eta_arg,
 * is (scalar +) X @ beta with X data, written right in the likelihood (so no other op or the
 * trace reads eta or X @ beta). */
static void
fuse_glm (Compiler *c, const CrExpr *eta, guint eta_arg, guint logp_index)
{
  const CrModel *model = c->tape->model;
  if (eta->kind != CR_EXPR_BINARY || cr_model_expr_is_constant (model, eta))
    return;
  const CrExpr *product = eta;
  if (eta->binary.op == CR_BINARY_ADD)
    {
      const CrExpr *left = eta->binary.left, *right = eta->binary.right;
      gboolean left_scalar = cr_shape_size (cr_model_expr_shape (model, left)) == 1;
      gboolean right_scalar = cr_shape_size (cr_model_expr_shape (model, right)) == 1;
      product = left_scalar && !right_scalar ? right : right_scalar && !left_scalar ? left : NULL;
    }
  /* X @ beta with beta data too is a constant, with no MATVEC on the tape to fuse. */
  if (product == NULL || product->kind != CR_EXPR_BINARY || product->binary.op != CR_BINARY_MATMUL
      || !cr_model_expr_is_constant (model, product->binary.left) || cr_model_expr_is_constant (model, product))
    return;

  Op *logp = &g_array_index (c->tape->ops, Op, logp_index);
  Op *add = product == eta ? NULL : find_producer (c, logp->args[eta_arg], logp_index);
  Slot product_slot = add == NULL ? logp->args[eta_arg] : add->na == 1 ? add->b : add->a;
  Op *matvec = find_producer (c, product_slot, logp_index);
  g_assert (matvec != NULL && matvec->kind == OP_MATVEC && (matvec->a & CONSTANT));
  g_assert (add == NULL || (add->kind == OP_BINARY && add->op == CR_BINARY_ADD));
  matvec->fused = TRUE;
  logp->glm = TRUE;
  logp->glm_eta = eta_arg;
  logp->glm_x = matvec->a;
  logp->glm_beta = matvec->b;
  logp->rows = matvec->rows, logp->cols = matvec->cols;
  logp->glm_intercept = NO_SLOT;
  if (add != NULL)
    {
      add->fused = TRUE;
      logp->glm_intercept = add->na == 1 ? add->a : add->b;
    }
  size_t block = GLM_BLOCK_BYTES / (MAX (logp->cols, 1) * sizeof (double));
  logp->glm_block = MAX (block / GLM_BLOCK_ALIGN, 1) * GLM_BLOCK_ALIGN;
}

static void
compile_logp (Compiler *c, const CrNode *node, Slot x)
{
  Slot args[CR_DIST_MAX_ARGS];
  for (guint k = 0; k < node->dist->n_args; k++)
    args[k] = compile_expr (c, node->args[k]);
  Op *op = push_op (c, OP_LOGP);
  op->out = x;
  op->n = cr_shape_size (node->shape);
  op->dist = node->dist;
  op->name = node->name;
  op->observed = node->kind == CR_NODE_OBSERVED;
  for (guint k = 0; k < node->dist->n_args; k++)
    {
      op->args[k] = args[k];
      op->arg_len[k] = cr_shape_size (cr_model_expr_shape (c->tape->model, node->args[k]));
      c->tape->max_vector_args = MAX (c->tape->max_vector_args, op->arg_len[k]);
    }
  op->kernel = choose_kernel (node->dist, op);
  if (op->kernel == KERNEL_BERNOULLI_LOGIT || op->kernel == KERNEL_POISSON_LOG || op->kernel == KERNEL_BINOMIAL_LOGIT)
    {
      guint index = c->tape->ops->len - 1, eta_arg = op->kernel == KERNEL_BINOMIAL_LOGIT ? 1 : 0;
      fuse_glm (c, node->args[eta_arg], eta_arg, index);
      op = &g_array_index (c->tape->ops, Op, index);
    }
  if (op->observed)
    {
      op->pointwise_offset = c->tape->n_observations;
      gboolean time_series = strcmp (node->dist->name, "AR1") == 0
                             || strcmp (node->dist->name, "GaussianRandomWalk") == 0;
      c->tape->n_observations += node->dist->kind == CR_DIST_JOINT && !time_series ? 1 : op->n;
    }
  int sign;
  if (op->kernel == KERNEL_POISSON_LOG)
    {
      op->log_factorial = g_new (double, MAX (op->n, 1));
      for (size_t i = 0; i < op->n; i++)
        op->log_factorial[i] = lgamma_r (node->values[i] + 1.0, &sign);
    }
  if (op->kernel == KERNEL_BINOMIAL || op->kernel == KERNEL_BINOMIAL_LOGIT)
    {
      const double *trials = c->constants_view (c, op->args[0]);
      size_t stride = op->arg_len[0] == 1 ? 0 : 1;
      op->log_factorial = g_new (double, MAX (op->n, 1));
      for (size_t i = 0; i < op->n; i++)
        {
          double n = trials[i * stride], y = node->values[i];
          op->log_factorial[i] = lgamma_r (n + 1.0, &sign) - lgamma_r (y + 1.0, &sign)
                                 - lgamma_r (n - y + 1.0, &sign);
        }
    }
  if (op->kernel == KERNEL_STUDENT_T)
    {
      double nu = c->constants_view (c, op->args[0])[0];
      op->student_constant = lgamma_r (0.5 * (nu + 1.0), &sign) - lgamma_r (0.5 * nu, &sign)
                             - 0.5 * log (nu * CR_PI);
    }
}

static void
add_trace_variable (GArray *list, size_t *size, const CrNode *node)
{
  CrTraceVariable variable = { node->name, node->kind, node->shape, *size };
  g_array_append_val (list, variable);
  *size += cr_shape_size (node->shape);
}

CrTape *
cr_tape_new (const CrModel *model, GError **error)
{
  g_return_val_if_fail (model != NULL, NULL);
  if (!cr_model_is_valid (model))
    {
      g_set_error (error, CR_AD_ERROR, CR_AD_ERROR_INVALID_MODEL,
                   "%s: the model has errors; fix them before it can be compiled",
                   cr_model_get_filename (model));
      return NULL;
    }

  CrTape *tape = g_new0 (CrTape, 1);
  tape->model = model;
  tape->ops = g_array_new (FALSE, TRUE, sizeof (Op));
  tape->kernels = cr_kernel_select (g_getenv (CR_TAPE_SCALAR_KERNELS_ENV) == NULL);
  tape->trace = g_array_new (FALSE, FALSE, sizeof (CrTraceVariable));
  tape->trace_slots = g_array_new (FALSE, FALSE, sizeof (Slot));
  tape->free_vars = g_array_new (FALSE, FALSE, sizeof (CrTraceVariable));
  tape->dimension = cr_model_get_free_dimension (model);

  Compiler c = { tape, g_array_new (FALSE, FALSE, sizeof (double)),
                 g_hash_table_new (g_direct_hash, g_direct_equal), error, constants_view };
  for (size_t i = 0; i < cr_model_get_n_nodes (model); i++)
    {
      const CrNode *node = cr_model_get_node (model, i);
      Slot slot = NO_SLOT;
      switch (node->kind)
        {
        case CR_NODE_DATA:
          slot = add_constant (&c, node->values, cr_shape_size (node->shape));
          break;
        case CR_NODE_OBSERVED:
          slot = add_constant (&c, node->values, cr_shape_size (node->shape));
          compile_logp (&c, node, slot);
          break;
        case CR_NODE_FREE:
          {
            Slot lower = node->lower != NULL ? compile_expr (&c, node->lower) : NO_SLOT;
            Slot upper = node->upper != NULL ? compile_expr (&c, node->upper) : NO_SLOT;
            slot = add_values (&c, cr_shape_size (node->shape));
            Op *op = push_op (&c, OP_TRANSFORM);
            op->out = slot;
            op->n = cr_shape_size (node->shape);
            op->transform = node->transform;
            op->theta_offset = node->free_offset;
            op->free_size = node->free_size;
            op->lower = lower;
            op->upper = upper;
            op->name = node->name;
            op->free_values_offset = tape->free_values_size;
            add_trace_variable (tape->free_vars, &tape->free_values_size, node);
            compile_logp (&c, node, slot);
            break;
          }
        case CR_NODE_DETERMINISTIC:
        case CR_NODE_LOCAL:
          slot = compile_expr (&c, node->statement->value);
          break;
        }
      g_hash_table_insert (c.node_slots, (gpointer) node, GSIZE_TO_POINTER ((gsize) slot + 1));
    }

  /* The trace in the order of the statements, as a person reads the model. */
  const CrProgram *program = cr_model_get_program (model);
  for (guint i = 0; i < program->statements->len; i++)
    {
      const CrStatement *s = g_ptr_array_index (program->statements, i);
      const CrNode *node = cr_model_find_node (model, s->name);
      if (node->statement != s || (node->kind != CR_NODE_FREE && node->kind != CR_NODE_DETERMINISTIC))
        continue;
      Slot slot = (Slot) (GPOINTER_TO_SIZE (g_hash_table_lookup (c.node_slots, node)) - 1);
      add_trace_variable (tape->trace, &tape->trace_size, node);
      g_array_append_val (tape->trace_slots, slot);
    }

  g_hash_table_unref (c.node_slots);
  tape->n_constants = c.constants->len;
  tape->constants = (double *) g_array_free (c.constants, FALSE);
  if (tape->n_values >= CONSTANT || tape->n_constants >= CONSTANT)
    {
      g_set_error (error, CR_AD_ERROR, CR_AD_ERROR_TOO_LARGE,
                   "%s: the model needs more than 2^31 values; use fewer rows",
                   cr_model_get_filename (model));
      cr_tape_free (tape);
      return NULL;
    }
  g_assert (tape->n_observations == cr_model_get_n_observations (model));
  return tape;
}

void
cr_tape_free (CrTape *tape)
{
  if (tape == NULL)
    return;
  for (guint i = 0; i < tape->ops->len; i++)
    {
      Op *op = &g_array_index (tape->ops, Op, i);
      g_free (op->index);
      g_free (op->list);
      g_free (op->log_factorial);
    }
  g_array_unref (tape->ops);
  g_array_unref (tape->trace);
  g_array_unref (tape->trace_slots);
  g_array_unref (tape->free_vars);
  g_free (tape->constants);
  g_free (tape);
}

size_t
cr_tape_get_dimension (const CrTape *tape)
{
  return tape->dimension;
}

size_t
cr_tape_get_n_observations (const CrTape *tape)
{
  return tape->n_observations;
}

size_t
cr_tape_get_n_operations (const CrTape *tape)
{
  size_t count = 0;
  for (guint o = 0; o < tape->ops->len; o++)
    count += !g_array_index (tape->ops, Op, o).fused;
  return count;
}

gboolean
cr_tape_uses_vector_kernels (const CrTape *tape)
{
  return tape->kernels.vector;
}

CrWorkspace *
cr_workspace_new (const CrTape *tape)
{
  CrWorkspace *workspace = g_new0 (CrWorkspace, 1);
  workspace->tape = tape;
  workspace->values = g_new0 (double, MAX (tape->n_values, 1));
  workspace->adjoints = g_new0 (double, MAX (tape->n_values, 1));
  workspace->theta = g_new0 (double, MAX (tape->dimension, 1));
  return workspace;
}

void
cr_workspace_free (CrWorkspace *workspace)
{
  if (workspace == NULL)
    return;
  g_free (workspace->values);
  g_free (workspace->adjoints);
  g_free (workspace->theta);
  g_free (workspace);
}

/* Evaluation */

static inline double *
values_of (const CrTape *tape, CrWorkspace *w, Slot slot)
{
  return slot & CONSTANT ? tape->constants + (slot & ~CONSTANT) : w->values + slot;
}

/* NULL for constants: nothing flows back into data. */
static inline double *
adjoint_of (CrWorkspace *w, Slot slot)
{
  return slot == NO_SLOT || (slot & CONSTANT) ? NULL : w->adjoints + slot;
}

static inline double
bound_value (const CrTape *tape, CrWorkspace *w, Slot slot, double otherwise)
{
  return slot == NO_SLOT ? otherwise : values_of (tape, w, slot)[0];
}

typedef struct
{
  gboolean jacobian;
  gboolean gradient;   /* accumulate adjoints */
  double *pointwise;   /* observed terms, or NULL */
  gboolean likelihood_only;
  const double *free_values; /* packed constrained values that replace the transforms' */
} Mode;

/* The fused Normal: log N(x | mu, sigma) over n elements, sigma's log hoisted when shared. */
static double
normal_kernel (const Op *op, const double *x, const double *mu, const double *sigma, double *gx,
               double *gmu, double *gsigma, double *pointwise)
{
  size_t smu = op->arg_len[0] == 1 ? 0 : 1, ssigma = op->arg_len[1] == 1 ? 0 : 1;
  double shared_log_sigma = ssigma == 0 ? log (sigma[0]) : 0.0;
  double total = 0.0;
  for (size_t i = 0; i < op->n; i++)
    {
      double s = sigma[i * ssigma];
      if (!(s > 0.0) || isinf (s))
        {
          if (pointwise != NULL)
            pointwise[i] = -INFINITY;
          total = isnan (s) ? NAN : -INFINITY;
          continue;
        }
      double inv_s = 1.0 / s;
      double z = (x[i] - mu[i * smu]) * inv_s;
      double term = -0.5 * z * z - (ssigma == 0 ? shared_log_sigma : log (s)) - CR_LOG_SQRT_2PI;
      total += term;
      if (pointwise != NULL)
        pointwise[i] = term;
      if (gx != NULL)
        gx[i] -= z * inv_s;
      if (gmu != NULL)
        gmu[i * smu] += z * inv_s;
      if (gsigma != NULL)
        gsigma[i * ssigma] += (z * z - 1.0) * inv_s;
    }
  return total;
}

/* The fused StudentT with nu a constant: its normalising constant is computed once. */
static double
student_t_kernel (const Op *op, const double *x, const double *nu_value, const double *mu, const double *sigma,
                  double *gx, double *gmu, double *gsigma, double *pointwise)
{
  size_t smu = op->arg_len[1] == 1 ? 0 : 1, ssigma = op->arg_len[2] == 1 ? 0 : 1;
  double nu = nu_value[0];
  if (!(nu > 0.0) || isinf (nu))
    return -INFINITY;
  double total = 0.0;
  for (size_t i = 0; i < op->n; i++)
    {
      double s = sigma[i * ssigma];
      if (!(s > 0.0) || isinf (s))
        {
          if (pointwise != NULL)
            pointwise[i] = -INFINITY;
          total = isnan (s) ? NAN : -INFINITY;
          continue;
        }
      double z = (x[i] - mu[i * smu]) / s;
      double t = z * z / nu;
      double term = op->student_constant - log (s) - 0.5 * (nu + 1.0) * log1p (t);
      total += term;
      if (pointwise != NULL)
        pointwise[i] = term;
      /* d/dz of -(nu+1)/2 log(1 + z^2/nu) is -(nu+1) z / (nu (1 + t)). */
      double d_z = -(nu + 1.0) * z / (nu * (1.0 + t));
      if (gx != NULL)
        gx[i] += d_z / s;
      if (gmu != NULL)
        gmu[i * smu] -= d_z / s;
      if (gsigma != NULL)
        gsigma[i * ssigma] += (-1.0 - d_z * z) / s;
    }
  return total;
}

/* The fused Binomial by probability on observed counts, log C(n, y) computed once. */
static double
binomial_kernel (const Op *op, const double *y, const double *trials, const double *p, double *gp,
                 double *pointwise)
{
  size_t sn = op->arg_len[0] == 1 ? 0 : 1, sp = op->arg_len[1] == 1 ? 0 : 1;
  double total = 0.0;
  for (size_t i = 0; i < op->n; i++)
    {
      double n = trials[i * sn], k = y[i], v = p[i * sp], term, d;
      if (!(v >= 0.0 && v <= 1.0))
        term = isnan (v) ? NAN : -INFINITY, d = 0.0;
      else
        {
          term = (k != 0.0 ? k * log (v) : 0.0) + (n - k != 0.0 ? (n - k) * log1p (-v) : 0.0);
          d = (k != 0.0 ? k / v : 0.0) - (n - k != 0.0 ? (n - k) / (1.0 - v) : 0.0);
          if (!isfinite (term))
            d = 0.0;
        }
      term += op->log_factorial[i];
      total += term;
      if (pointwise != NULL)
        pointwise[i] = term;
      if (gp != NULL)
        gp[i * sp] += d;
    }
  return total;
}

/* A fused GLM likelihood: for each block of rows, eta = intercept + X @ beta, the terms (and
 * d_eta, into eta's adjoints, which only this op writes), then beta's and the intercept's
 * adjoints from X^T d_eta while the block of X is in cache. Each eta equals the unfused
 * tape's: X @ beta first, then the intercept added. BinomialLogit's counts n (data) are its
 * first argument, one per row or one shared. */
static double
eval_glm (const CrTape *tape, CrWorkspace *w, const Op *op, const double *y, gboolean gradient,
          double *pointwise)
{
  const double *x = values_of (tape, w, op->glm_x), *beta = values_of (tape, w, op->glm_beta);
  double intercept = bound_value (tape, w, op->glm_intercept, 0.0);
  double *eta = values_of (tape, w, op->args[op->glm_eta]);
  double *d_eta = gradient ? adjoint_of (w, op->args[op->glm_eta]) : NULL;
  double *d_beta = gradient ? adjoint_of (w, op->glm_beta) : NULL;
  double *d_intercept = gradient ? adjoint_of (w, op->glm_intercept) : NULL;
  gboolean binomial = op->kernel == KERNEL_BINOMIAL_LOGIT;
  const double *trials = binomial ? values_of (tape, w, op->args[0]) : NULL;
  size_t trials_stride = binomial && op->arg_len[0] != 1 ? 1 : 0;
  CrGlmKernel kernel = binomial                                 ? tape->kernels.binomial_logit
                       : op->kernel == KERNEL_BERNOULLI_LOGIT ? tape->kernels.bernoulli_logit
                                                                : tape->kernels.poisson_log;
  double total = 0.0;
  for (size_t start = 0; start < op->rows; start += op->glm_block)
    {
      size_t m = MIN (op->glm_block, op->rows - start);
      const double *x_block = x + start * op->cols;
      double *eta_block = eta + start;
      tape->kernels.block_matvec (x_block, m, op->cols, beta, eta_block);
      if (op->glm_intercept != NO_SLOT)
        for (size_t j = 0; j < m; j++)
          eta_block[j] = intercept + eta_block[j];
      CrGlmTerms terms = { .n = m, .y = y + start, .eta = eta_block, .eta_stride = 1,
                           .d_eta = d_eta != NULL ? d_eta + start : NULL,
                           .pointwise = pointwise != NULL ? pointwise + start : NULL,
                           .log_factorial = op->log_factorial != NULL ? op->log_factorial + start : NULL,
                           .trials = trials != NULL ? trials + start * trials_stride : NULL,
                           .trials_stride = trials_stride };
      total += kernel (&terms);
      if (d_eta == NULL)
        continue;
      if (d_beta != NULL)
        tape->kernels.block_matvec_t (x_block, m, op->cols, d_eta + start, d_beta);
      if (d_intercept != NULL)
        {
          double sum = 0.0;
          for (size_t j = 0; j < m; j++)
            sum += d_eta[start + j];
          *d_intercept += sum;
        }
    }
  return total;
}

static double
eval_logp (const CrTape *tape, CrWorkspace *w, const Op *op, const Mode *mode)
{
  const CrDistribution *dist = op->dist;
  const double *x = values_of (tape, w, op->out);
  const double *args[CR_DIST_MAX_ARGS] = { NULL };
  double *d_args[CR_DIST_MAX_ARGS] = { NULL };
  for (guint k = 0; k < dist->n_args; k++)
    {
      args[k] = values_of (tape, w, op->args[k]);
      d_args[k] = mode->gradient ? adjoint_of (w, op->args[k]) : NULL;
    }
  double *d_x = mode->gradient && !op->observed ? adjoint_of (w, op->out) : NULL;
  double *pointwise = op->observed && mode->pointwise != NULL ? mode->pointwise + op->pointwise_offset : NULL;
  if (op->glm)
    return eval_glm (tape, w, op, x, mode->gradient, pointwise);

  switch (op->kernel)
    {
    case KERNEL_NORMAL:
      return normal_kernel (op, x, args[0], args[1], d_x, d_args[0], d_args[1], pointwise);
    case KERNEL_BERNOULLI_LOGIT:
    case KERNEL_POISSON_LOG:
      {
        CrGlmTerms terms = { .n = op->n, .y = x, .eta = args[0], .eta_stride = op->arg_len[0] == 1 ? 0 : 1,
                             .d_eta = d_args[0], .pointwise = pointwise, .log_factorial = op->log_factorial };
        return op->kernel == KERNEL_BERNOULLI_LOGIT ? tape->kernels.bernoulli_logit (&terms)
                                                    : tape->kernels.poisson_log (&terms);
      }
    case KERNEL_STUDENT_T:
      return student_t_kernel (op, x, args[0], args[1], args[2], d_x, d_args[1], d_args[2], pointwise);
    case KERNEL_BINOMIAL:
      return binomial_kernel (op, x, args[0], args[1], d_args[1], pointwise);
    case KERNEL_BINOMIAL_LOGIT:
      {
        CrGlmTerms terms = { .n = op->n, .y = x, .eta = args[1], .eta_stride = op->arg_len[1] == 1 ? 0 : 1,
                             .d_eta = d_args[1], .pointwise = pointwise, .log_factorial = op->log_factorial,
                             .trials = args[0], .trials_stride = op->arg_len[0] == 1 ? 0 : 1 };
        return tape->kernels.binomial_logit (&terms);
      }
    case KERNEL_GENERIC:
      break;
    }

  if (dist->kind != CR_DIST_ELEMENTWISE)
    return dist->log_density_vector (x, op->n, args, op->arg_len, d_x, d_args, pointwise);

  size_t stride[CR_DIST_MAX_ARGS];
  for (guint k = 0; k < dist->n_args; k++)
    stride[k] = op->arg_len[k] == 1 ? 0 : 1;
  double total = 0.0;
  double arg_i[CR_DIST_MAX_ARGS], d_arg_i[CR_DIST_MAX_ARGS], d_x_i;
  gboolean want = d_x != NULL;
  for (guint k = 0; k < dist->n_args; k++)
    want = want || d_args[k] != NULL;
  for (size_t i = 0; i < op->n; i++)
    {
      for (guint k = 0; k < dist->n_args; k++)
        arg_i[k] = args[k][i * stride[k]];
      double term = dist->log_density (x[i], arg_i, want ? &d_x_i : NULL, want ? d_arg_i : NULL);
      total += term;
      if (pointwise != NULL)
        pointwise[i] = term;
      if (!want)
        continue;
      if (d_x != NULL)
        d_x[i] += d_x_i;
      for (guint k = 0; k < dist->n_args; k++)
        if (d_args[k] != NULL)
          d_args[k][i * stride[k]] += d_arg_i[k];
    }
  return total;
}

/* Runs every operation forward. Likelihood terms are sinks, so their adjoints (d lp / d input,
 * with d lp / d term = 1) are added here, before the reverse sweep needs them. */
static double
forward (const CrTape *tape, CrWorkspace *w, const double *theta, const Mode *mode)
{
  double lp = 0.0;
  if (mode->gradient)
    memset (w->adjoints, 0, tape->n_values * sizeof (double));
  for (guint o = 0; o < tape->ops->len; o++)
    {
      const Op *op = &g_array_index (tape->ops, Op, o);
      if (op->fused)
        continue;
      double *out = values_of (tape, w, op->out);
      const double *a = op->a != NO_SLOT ? values_of (tape, w, op->a) : NULL;
      const double *b = op->b != NO_SLOT ? values_of (tape, w, op->b) : NULL;
      size_t sa = op->na == 1 ? 0 : 1, sb = op->nb == 1 ? 0 : 1;
      switch (op->kind)
        {
        case OP_TRANSFORM:
          if (mode->free_values != NULL)
            {
              memcpy (out, mode->free_values + op->free_values_offset, op->n * sizeof (double));
              break;
            }
          {
            double lower = bound_value (tape, w, op->lower, 0.0);
            double upper = bound_value (tape, w, op->upper, 1.0);
            double log_jacobian = cr_transform_forward (op->transform, lower, upper,
                                                        theta + op->theta_offset, out, op->n);
            if (mode->jacobian)
              lp += log_jacobian;
            break;
          }
        case OP_NEGATE:
          for (size_t i = 0; i < op->n; i++)
            out[i] = -a[i];
          break;
        case OP_BINARY:
          switch (op->op)
            {
            case CR_BINARY_ADD:
              for (size_t i = 0; i < op->n; i++)
                out[i] = a[i * sa] + b[i * sb];
              break;
            case CR_BINARY_MULTIPLY:
              for (size_t i = 0; i < op->n; i++)
                out[i] = a[i * sa] * b[i * sb];
              break;
            default:
              for (size_t i = 0; i < op->n; i++)
                out[i] = cr_binary_apply (op->op, a[i * sa], b[i * sb]);
              break;
            }
          break;
        case OP_FUNCTION:
          for (size_t i = 0; i < op->n; i++)
            out[i] = cr_function_apply (op->function, a[i]);
          break;
        case OP_SUM:
        case OP_MEAN:
          {
            double total = 0.0;
            for (size_t i = 0; i < op->na; i++)
              total += a[i];
            out[0] = op->kind == OP_SUM ? total : total / (double) op->na;
            break;
          }
        case OP_DOT:
          {
            double total = 0.0;
            for (size_t i = 0; i < op->na; i++)
              total += a[i] * b[i];
            out[0] = total;
            break;
          }
        case OP_GATHER:
          for (size_t i = 0; i < op->n; i++)
            out[i] = a[op->index[i]];
          break;
        case OP_MATVEC:
          cblas_dgemv (CblasRowMajor, CblasNoTrans, (int) op->rows, (int) op->cols, 1.0, a,
                       (int) op->cols, b, 1, 0.0, out, 1);
          break;
        case OP_VECTOR:
          for (size_t i = 0; i < op->n; i++)
            out[i] = values_of (tape, w, op->list[i])[0];
          break;
        case OP_LOGP:
          if (!mode->likelihood_only || op->observed)
            lp += eval_logp (tape, w, op, mode);
          break;
        }
    }
  return lp;
}

/* The reverse sweep: adjoints flow from each operation's output to its inputs; a transform
 * turns its output's adjoint into the gradient in theta (with its log-Jacobian's). */
static void
backward (const CrTape *tape, CrWorkspace *w, const double *theta, double *gradient)
{
  for (guint o = tape->ops->len; o-- > 0;)
    {
      const Op *op = &g_array_index (tape->ops, Op, o);
      if (op->kind == OP_LOGP || op->fused)
        continue;
      const double *g = adjoint_of (w, op->out);
      const double *out = values_of (tape, w, op->out);
      const double *a = op->a != NO_SLOT ? values_of (tape, w, op->a) : NULL;
      const double *b = op->b != NO_SLOT ? values_of (tape, w, op->b) : NULL;
      double *ga = adjoint_of (w, op->a);
      double *gb = adjoint_of (w, op->b);
      size_t sa = op->na == 1 ? 0 : 1, sb = op->nb == 1 ? 0 : 1;
      switch (op->kind)
        {
        case OP_TRANSFORM:
          if (gradient != NULL)
            {
              double lower = bound_value (tape, w, op->lower, 0.0);
              double upper = bound_value (tape, w, op->upper, 1.0);
              cr_transform_backward (op->transform, lower, upper, theta + op->theta_offset, out,
                                     op->n, g, gradient + op->theta_offset,
                                     adjoint_of (w, op->lower), adjoint_of (w, op->upper));
            }
          break;
        case OP_NEGATE:
          for (size_t i = 0; ga != NULL && i < op->n; i++)
            ga[i] -= g[i];
          break;
        case OP_BINARY:
          for (size_t i = 0; i < op->n; i++)
            {
              double x = a[i * sa], y = b[i * sb], d = g[i];
              switch (op->op)
                {
                case CR_BINARY_ADD:
                  if (ga != NULL)
                    ga[i * sa] += d;
                  if (gb != NULL)
                    gb[i * sb] += d;
                  break;
                case CR_BINARY_SUBTRACT:
                  if (ga != NULL)
                    ga[i * sa] += d;
                  if (gb != NULL)
                    gb[i * sb] -= d;
                  break;
                case CR_BINARY_MULTIPLY:
                  if (ga != NULL)
                    ga[i * sa] += d * y;
                  if (gb != NULL)
                    gb[i * sb] += d * x;
                  break;
                case CR_BINARY_DIVIDE:
                  if (ga != NULL)
                    ga[i * sa] += d / y;
                  if (gb != NULL)
                    gb[i * sb] -= d * out[i] / y;
                  break;
                case CR_BINARY_POWER:
                  if (ga != NULL)
                    ga[i * sa] += d * y * pow (x, y - 1.0);
                  if (gb != NULL && x > 0.0)
                    gb[i * sb] += d * out[i] * log (x);
                  break;
                case CR_BINARY_MATMUL:
                  break;
                }
            }
          break;
        case OP_FUNCTION:
          for (size_t i = 0; ga != NULL && i < op->n; i++)
            ga[i] += g[i] * cr_function_derivative (op->function, a[i], out[i]);
          break;
        case OP_SUM:
        case OP_MEAN:
          {
            double d = op->kind == OP_SUM ? g[0] : g[0] / (double) op->na;
            for (size_t i = 0; ga != NULL && i < op->na; i++)
              ga[i] += d;
            break;
          }
        case OP_DOT:
          for (size_t i = 0; i < op->na; i++)
            {
              if (ga != NULL)
                ga[i] += g[0] * b[i];
              if (gb != NULL)
                gb[i] += g[0] * a[i];
            }
          break;
        case OP_GATHER:
          for (size_t i = 0; ga != NULL && i < op->n; i++)
            ga[op->index[i]] += g[i];
          break;
        case OP_MATVEC:
          if (gb != NULL)
            cblas_dgemv (CblasRowMajor, CblasTrans, (int) op->rows, (int) op->cols, 1.0, a,
                         (int) op->cols, g, 1, 1.0, gb, 1);
          break;
        case OP_VECTOR:
          for (size_t i = 0; i < op->n; i++)
            {
              double *gi = adjoint_of (w, op->list[i]);
              if (gi != NULL)
                gi[0] += g[i];
            }
          break;
        case OP_LOGP:
          break;
        }
    }
}

double
cr_tape_log_density (const CrTape *tape, CrWorkspace *workspace, const double *theta, double *gradient)
{
  Mode mode = { .jacobian = TRUE, .gradient = gradient != NULL };
  double lp = forward (tape, workspace, theta, &mode);
  if (gradient != NULL)
    {
      memset (gradient, 0, tape->dimension * sizeof (double));
      backward (tape, workspace, theta, gradient);
    }
  return lp;
}

void
cr_tape_pointwise_log_likelihood (const CrTape *tape, CrWorkspace *workspace, const double *theta, double *pointwise)
{
  Mode mode = { .pointwise = pointwise, .likelihood_only = TRUE };
  forward (tape, workspace, theta, &mode);
}

size_t
cr_tape_get_n_trace_variables (const CrTape *tape)
{
  return tape->trace->len;
}

const CrTraceVariable *
cr_tape_get_trace_variable (const CrTape *tape, size_t index)
{
  g_return_val_if_fail (index < tape->trace->len, NULL);
  return &g_array_index (tape->trace, CrTraceVariable, index);
}

size_t
cr_tape_get_trace_size (const CrTape *tape)
{
  return tape->trace_size;
}

void
cr_tape_constrained_values (const CrTape *tape, CrWorkspace *workspace, const double *theta, double *values)
{
  Mode mode = { .likelihood_only = TRUE };
  forward (tape, workspace, theta, &mode);
  for (guint i = 0; i < tape->trace->len; i++)
    {
      const CrTraceVariable *variable = &g_array_index (tape->trace, CrTraceVariable, i);
      Slot slot = g_array_index (tape->trace_slots, Slot, i);
      memcpy (values + variable->offset, values_of (tape, workspace, slot),
              cr_shape_size (variable->shape) * sizeof (double));
    }
}

size_t
cr_tape_get_n_free_variables (const CrTape *tape)
{
  return tape->free_vars->len;
}

const CrTraceVariable *
cr_tape_get_free_variable (const CrTape *tape, size_t index)
{
  g_return_val_if_fail (index < tape->free_vars->len, NULL);
  return &g_array_index (tape->free_vars, CrTraceVariable, index);
}

size_t
cr_tape_get_free_values_size (const CrTape *tape)
{
  return tape->free_values_size;
}

gboolean
cr_tape_unconstrain (const CrTape *tape, CrWorkspace *w, const double *values, double *theta, GError **error)
{
  /* Bounds may depend on earlier variables, so run forward, inverting each transform as it
   * comes and evaluating the rest with the theta made so far. */
  memset (theta, 0, tape->dimension * sizeof (double));
  for (guint o = 0; o < tape->ops->len; o++)
    {
      const Op *op = &g_array_index (tape->ops, Op, o);
      if (op->kind != OP_TRANSFORM)
        continue;
      /* Evaluate everything before this transform (cheap enough for a one-off call). */
      Mode mode = { .likelihood_only = TRUE };
      forward (tape, w, theta, &mode);
      double lower = bound_value (tape, w, op->lower, 0.0);
      double upper = bound_value (tape, w, op->upper, 1.0);
      g_autoptr (GError) inner = NULL;
      if (!cr_transform_inverse (op->transform, lower, upper, values + op->free_values_offset,
                                 theta + op->theta_offset, op->n, &inner))
        {
          g_set_error (error, CR_AD_ERROR, CR_AD_ERROR_VALUE, "%s: %s", op->name, inner->message);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
cr_tape_log_density_constrained (const CrTape *tape,
                                 CrWorkspace *w,
                                 const double *values,
                                 double *log_density,
                                 double *gradient,
                                 GError **error)
{
  if (!cr_tape_unconstrain (tape, w, values, w->theta, error))
    return FALSE;
  /* Evaluate at exactly the given values, not at their round trip through theta. */
  Mode mode = { .jacobian = FALSE, .gradient = gradient != NULL, .free_values = values };
  double lp = forward (tape, w, w->theta, &mode);
  if (gradient != NULL)
    {
      backward (tape, w, w->theta, NULL);
      for (guint o = 0; o < tape->ops->len; o++)
        {
          const Op *op = &g_array_index (tape->ops, Op, o);
          if (op->kind == OP_TRANSFORM)
            memcpy (gradient + op->free_values_offset, adjoint_of (w, op->out), op->n * sizeof (double));
        }
    }
  *log_density = lp;
  return TRUE;
}
