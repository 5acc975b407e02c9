/* model.h: the model graph. A model is a parsed program (lang/) bound to a dataset: every name
 * resolved to a variable, a `data` constant or a dataset column; shapes inferred; statements
 * sorted by dependency; each free variable given the transform its support needs; arguments
 * checked against their domains. The tape (ad/) compiles a validated model.
 *
 * The graph is also what the point-and-click builder edits: add, remove and rename variables,
 * change a distribution or an argument, all without text, then validate again. The program
 * stays the single source of truth, so the code pane prints exactly what the graph holds.
 *
 * Shapes: a scalar, a vector of n (a literal size, a `data` constant, the number of levels of a
 * categorical column, or the length of a column) or an N x K matrix (from stack()). Scalars
 * broadcast against vectors; vectors combine only with vectors of the same length.
 *
 * Invariants: after cr_model_validate () returns TRUE, cr_model_get_node () lists every node in
 * an order where each node comes after the nodes it depends on; every free variable has a
 * continuous distribution and a transform; every observed variable has data without missing
 * cells inside its distribution's support; every constant argument is inside its domain, and
 * every variable argument is provably inside it (a scale is provably positive, a probability
 * provably in [0, 1]). A model with any error is never compiled. The dataset must outlive the
 * model. A CrModel is used from one thread at a time; a validated model is read-only.
 */
#pragma once

#include "data/data.h"
#include "dist/dist.h"
#include "lang/lang.h"
#include "transform/transform.h"

#include <glib.h>

G_BEGIN_DECLS

#define CR_MODEL_ERROR (cr_model_error_quark ())
GQuark cr_model_error_quark (void);

typedef enum
{
  CR_MODEL_ERROR_SYNTAX,        /* the text did not parse (the diagnostics are lang's) */
  CR_MODEL_ERROR_UNDEFINED,     /* a name that is no variable, constant, column or function */
  CR_MODEL_ERROR_DISTRIBUTION,  /* an unknown distribution, or one that cannot be used here */
  CR_MODEL_ERROR_ARITY,         /* the wrong number of arguments, or an unknown keyword */
  CR_MODEL_ERROR_SHAPE,         /* sizes that do not fit together */
  CR_MODEL_ERROR_CYCLE,         /* variables that depend on each other */
  CR_MODEL_ERROR_DOMAIN,        /* an argument outside its domain, or not provably inside it */
  CR_MODEL_ERROR_DATA,          /* observed data that is missing or outside the support */
  CR_MODEL_ERROR_INDEX,         /* an index that is not integer data, or out of range */
  CR_MODEL_ERROR_NAME,          /* a name that clashes with a column, or an invalid name */
} CrModelError;

typedef enum
{
  CR_NODE_FREE,          /* a parameter: sampled */
  CR_NODE_OBSERVED,      /* a likelihood: its values are data */
  CR_NODE_DETERMINISTIC, /* computed and stored in the trace */
  CR_NODE_LOCAL,         /* computed, not stored */
  CR_NODE_DATA,          /* a `data` constant or a dataset column */
} CrNodeKind;

typedef struct
{
  guint rank;  /* 0 scalar, 1 vector, 2 matrix */
  size_t rows; /* vector length, matrix rows; 1 for a scalar */
  size_t cols; /* matrix columns; 1 otherwise */
} CrShape;

/* Returns: the number of values of @shape: rows * cols. */
static inline size_t
cr_shape_size (CrShape shape)
{
  return shape.rows * shape.cols;
}

typedef struct _CrNode CrNode;

struct _CrNode
{
  char *name;
  CrNodeKind kind;
  CrShape shape;
  const CrStatement *statement; /* the defining statement; NULL for a dataset column */

  /* Stochastic nodes (FREE, OBSERVED). */
  const CrDistribution *dist;
  const CrExpr *args[CR_DIST_MAX_ARGS]; /* by parameter position, keywords resolved */
  CrTransformKind transform;            /* FREE only */
  const CrExpr *lower;                  /* LOWER/INTERVAL bound, NULL when it is 0 or none */
  const CrExpr *upper;                  /* UPPER/INTERVAL bound, or NULL */
  size_t free_offset;                   /* FREE: where its values start in theta */
  size_t free_size;                     /* FREE: how many unconstrained values it has */

  /* DATA and OBSERVED: the values, shape.rows x shape.cols row-major; NAN is missing. */
  double *values;
  gboolean integer; /* every present value is an integer */
  const CrColumn *column; /* a dataset column's: its levels, for categorical indexing */
  gboolean values_borrowed; /* the values are the column's, not the node's to free */

  GPtrArray *parents; /* (element-type CrNode) the nodes it reads, without repeats */
  size_t order;       /* its position in dependency order */
};

typedef struct
{
  CrModelError code;
  guint line;
  guint column;
  guint end_column;
  char *message; /* without the "FILE:LINE:COLUMN: " prefix */
} CrModelDiagnostic;

void cr_model_diagnostic_free (CrModelDiagnostic *diagnostic);

typedef struct _CrModel CrModel;

/* Takes ownership of @program. @dataset (may be NULL) provides columns and must outlive the
 * model. @filename (may be NULL) starts every message. The model is not validated yet.
 * Returns: (transfer full) the model. */
CrModel *cr_model_new (CrProgram *program, const CrDataset *dataset, const char *filename);

/* Parses @text and makes a model of it. Returns: (transfer full) the model (not validated), or
 * NULL with @error (CR_MODEL_ERROR_SYNTAX, every syntax error, one per line) and @diagnostics
 * (optional, element-type CrModelDiagnostic) set. */
CrModel *cr_model_new_from_text (const char *text,
                                 const CrDataset *dataset,
                                 const char *filename,
                                 GPtrArray **diagnostics,
                                 GError **error);

void cr_model_free (CrModel *model);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrModel, cr_model_free)

/* Binds, sorts, infers shapes and checks everything; collects every error it can find.
 * @diagnostics: (out) (optional) (transfer full) (element-type CrModelDiagnostic): all errors.
 * Returns: TRUE when the model can be compiled; FALSE with @error set: its code is the first
 * error's, its message every error as "FILE:LINE:COLUMN: message", one per line. */
gboolean cr_model_validate (CrModel *model, GPtrArray **diagnostics, GError **error);

/* Returns: whether the last cr_model_validate () succeeded and nothing changed since. */
gboolean cr_model_is_valid (const CrModel *model);

/* Returns: (transfer none) the program; change it only through the editing functions. */
const CrProgram *cr_model_get_program (const CrModel *model);
const CrDataset *cr_model_get_dataset (const CrModel *model);
const char *cr_model_get_filename (const CrModel *model);

/* The graph of a valid model. */
size_t cr_model_get_n_nodes (const CrModel *model);
/* Returns: (transfer none) node @index in dependency order. */
const CrNode *cr_model_get_node (const CrModel *model, size_t index);
/* Returns: (transfer none) the node called @name (a variable, constant, or a column the model
 * uses), or NULL. */
const CrNode *cr_model_find_node (const CrModel *model, const char *name);
/* Returns: the number of unconstrained dimensions (the length of theta). */
size_t cr_model_get_free_dimension (const CrModel *model);
/* Returns: the number of pointwise log-likelihood terms (observations) over all likelihoods. */
size_t cr_model_get_n_observations (const CrModel *model);

/* Returns: TRUE when @expr depends on no free variable, so its value is known before sampling. */
gboolean cr_model_expr_is_constant (const CrModel *model, const CrExpr *expr);
/* Evaluates a constant expression of a valid model. Returns: (transfer full) its values
 * (cr_shape_size (*shape) doubles; g_free ()), or NULL when @expr is not constant. */
double *cr_model_eval_constant (const CrModel *model, const CrExpr *expr, CrShape *shape);
/* Returns: the shape of any expression of a valid model. */
CrShape cr_model_expr_shape (const CrModel *model, const CrExpr *expr);

/* Writes the support of a node as text, "(0, inf)", "{0, 1, ...}", "simplex". Returns:
 * (transfer full). */
char *cr_model_describe_support (const CrModel *model, const CrNode *node);

/* Editing without text. Each call changes the program and marks the model not valid; call
 * cr_model_validate () to see the consequences. The functions return FALSE with @error only
 * for requests that cannot be expressed at all (an invalid name, a name that is taken, a
 * node that is not there); everything else (an argument of the wrong sign, a dangling
 * reference after a removal) shows up in validation, on the node and its line. */

/* Adds `@name[@size] ~ @dist_name(@args...)`: @size may be NULL; @args holds @n_args
 * expressions (ownership taken) for the first parameters in order. */
gboolean cr_model_add_stochastic (CrModel *model,
                                  const char *name,
                                  CrExpr *size,
                                  const char *dist_name,
                                  CrExpr *const *args,
                                  size_t n_args,
                                  GError **error);
/* Adds `@name = @value` (or `local`/`data` by @kind); takes ownership of @value. */
gboolean cr_model_add_assignment (CrModel *model,
                                  CrStatementKind kind,
                                  const char *name,
                                  CrExpr *value,
                                  GError **error);
/* Removes the statement that defines @name. */
gboolean cr_model_remove (CrModel *model, const char *name, GError **error);
/* Renames @old_name to @new_name in its statement and in every reference to it. */
gboolean cr_model_rename (CrModel *model, const char *old_name, const char *new_name, GError **error);
/* Replaces the distribution of @name by @dist_name, keeping the arguments whose parameter
 * names the new distribution also has, by name (mu, sigma, ...), and the keyword options
 * (observed=, transform=). */
gboolean cr_model_set_distribution (CrModel *model,
                                    const char *name,
                                    const char *dist_name,
                                    GError **error);
/* Sets parameter @arg_name of the distribution of @name to @value (ownership taken): it
 * replaces the argument given for that parameter, by position or keyword, or is appended as a
 * keyword argument. */
gboolean cr_model_set_argument (CrModel *model,
                                const char *name,
                                const char *arg_name,
                                CrExpr *value,
                                GError **error);
/* Removes parameter or keyword @arg_name (such as "observed") from the distribution of @name,
 * whether it was given by position or keyword; later positional arguments become keyword
 * ones so they keep their meaning. Removing an argument that is not there does nothing. */
gboolean cr_model_remove_argument (CrModel *model, const char *name, const char *arg_name, GError **error);
/* Sets the [size] of the stochastic variable @name; @size NULL makes it a scalar (ownership
 * taken). */
gboolean cr_model_set_size (CrModel *model, const char *name, CrExpr *size, GError **error);
/* Sets the right-hand side of a deterministic, local or data statement (ownership taken). */
gboolean cr_model_set_value (CrModel *model, const char *name, CrExpr *value, GError **error);

/* Functions of the model language (LANGUAGE.md, "Expressions"). */
typedef enum
{
  CR_FUNCTION_EXP,
  CR_FUNCTION_LOG,
  CR_FUNCTION_LOG1P,
  CR_FUNCTION_EXPM1,
  CR_FUNCTION_SQRT,
  CR_FUNCTION_ABS,
  CR_FUNCTION_LOGIT,
  CR_FUNCTION_INV_LOGIT, /* invlogit and sigmoid */
  CR_FUNCTION_SOFTPLUS,
  CR_FUNCTION_LGAMMA,
  CR_FUNCTION_TANH,
  CR_FUNCTION_POW,  /* pow(a, b) = a ^ b */
  CR_FUNCTION_SUM,  /* of a vector: a scalar */
  CR_FUNCTION_MEAN, /* of a vector: a scalar */
  CR_FUNCTION_DOT,  /* of two vectors of one length: a scalar */
  CR_FUNCTION_STACK, /* data columns side by side: an N x K matrix (data statements only) */
} CrFunction;

/* Returns: @a @op @b for the elementwise operators (not MATMUL, which is NAN here). */
double cr_binary_apply (CrBinaryOp op, double a, double b);

/* Returns: TRUE and sets @function when @name is a function of the language. */
gboolean cr_function_lookup (const char *name, CrFunction *function);
/* For the one-argument elementwise functions: f(x), and f'(x) given fx = f(x). */
double cr_function_apply (CrFunction function, double x);
double cr_function_derivative (CrFunction function, double x, double fx);

G_END_DECLS
