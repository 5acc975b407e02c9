/* model-private.h: what the model's files share. */
#pragma once

#include "model/model.h"

/* What validation learnt about an expression or a node: its shape, the range its values
 * provably lie in, and whether it is known before sampling. */
typedef struct
{
  CrShape shape;
  double lo, hi;            /* every value lies in [lo, hi] ... */
  gboolean lo_open, hi_open; /* ... or (lo, hi) where open */
  gboolean constant;        /* depends on no free variable */
  gboolean integer;         /* a constant whose values are all integers */
  double *values;           /* a constant's values, owned; NULL otherwise */
} CrInfo;

const char *const *cr_function_names (void);

/* Evaluates the constant expression @expr whose sub-expressions' infos are in @infos
 * (const CrExpr * -> CrInfo *) and whose names resolve through @nodes_by_name to nodes with
 * values. Returns: (transfer full) the values, or NULL with @message set (transfer full) when a
 * value cannot be computed (a shape mismatch the caller missed is a bug, not a message). */
double *cr_model_eval (GHashTable *infos, GHashTable *nodes_by_name, const CrExpr *expr, CrShape shape);
