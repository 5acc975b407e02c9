/* functions.c: the functions of the model language, their values and derivatives. */
#include "model/model.h"

#include "cr-math.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_psi.h>
#include <string.h>

static const struct
{
  const char *name;
  CrFunction function;
} function_names[] = {
  { "exp", CR_FUNCTION_EXP },
  { "log", CR_FUNCTION_LOG },
  { "log1p", CR_FUNCTION_LOG1P },
  { "expm1", CR_FUNCTION_EXPM1 },
  { "sqrt", CR_FUNCTION_SQRT },
  { "abs", CR_FUNCTION_ABS },
  { "logit", CR_FUNCTION_LOGIT },
  { "invlogit", CR_FUNCTION_INV_LOGIT },
  { "sigmoid", CR_FUNCTION_INV_LOGIT },
  { "softplus", CR_FUNCTION_SOFTPLUS },
  { "lgamma", CR_FUNCTION_LGAMMA },
  { "tanh", CR_FUNCTION_TANH },
  { "pow", CR_FUNCTION_POW },
  { "sum", CR_FUNCTION_SUM },
  { "mean", CR_FUNCTION_MEAN },
  { "dot", CR_FUNCTION_DOT },
  { "stack", CR_FUNCTION_STACK },
};

gboolean
cr_function_lookup (const char *name, CrFunction *function)
{
  for (size_t i = 0; i < G_N_ELEMENTS (function_names); i++)
    if (strcmp (name, function_names[i].name) == 0)
      {
        *function = function_names[i].function;
        return TRUE;
      }
  return FALSE;
}

/* The names, NULL-terminated, for suggestions. */
const char *const *cr_function_names (void);
const char *const *
cr_function_names (void)
{
  static const char *names[G_N_ELEMENTS (function_names) + 1];
  static gsize initialised = 0;
  if (g_once_init_enter (&initialised))
    {
      for (size_t i = 0; i < G_N_ELEMENTS (function_names); i++)
        names[i] = function_names[i].name;
      g_once_init_leave (&initialised, 1);
    }
  return names;
}

double
cr_function_apply (CrFunction function, double x)
{
  switch (function)
    {
    case CR_FUNCTION_EXP:
      return exp (x);
    case CR_FUNCTION_LOG:
      return log (x);
    case CR_FUNCTION_LOG1P:
      return log1p (x);
    case CR_FUNCTION_EXPM1:
      return expm1 (x);
    case CR_FUNCTION_SQRT:
      return sqrt (x);
    case CR_FUNCTION_ABS:
      return fabs (x);
    case CR_FUNCTION_LOGIT:
      return cr_logit (x);
    case CR_FUNCTION_INV_LOGIT:
      return cr_inv_logit (x);
    case CR_FUNCTION_SOFTPLUS:
      return cr_log1p_exp (x);
    case CR_FUNCTION_LGAMMA:
      {
        int sign; /* lgamma () writes the global signgam: not for threads */
        return lgamma_r (x, &sign);
      }
    case CR_FUNCTION_TANH:
      return tanh (x);
    case CR_FUNCTION_POW:
    case CR_FUNCTION_SUM:
    case CR_FUNCTION_MEAN:
    case CR_FUNCTION_DOT:
    case CR_FUNCTION_STACK:
      break;
    }
  g_return_val_if_reached (NAN);
}

double
cr_function_derivative (CrFunction function, double x, double fx)
{
  switch (function)
    {
    case CR_FUNCTION_EXP:
      return fx;
    case CR_FUNCTION_LOG:
      return 1.0 / x;
    case CR_FUNCTION_LOG1P:
      return 1.0 / (1.0 + x);
    case CR_FUNCTION_EXPM1:
      return fx + 1.0;
    case CR_FUNCTION_SQRT:
      return 0.5 / fx;
    case CR_FUNCTION_ABS:
      return x > 0 ? 1.0 : x < 0 ? -1.0 : 0.0;
    case CR_FUNCTION_LOGIT:
      return 1.0 / (x * (1.0 - x));
    case CR_FUNCTION_INV_LOGIT:
      return fx * (1.0 - fx);
    case CR_FUNCTION_SOFTPLUS:
      return cr_inv_logit (x);
    case CR_FUNCTION_LGAMMA:
      {
        gsl_sf_result psi;
        return gsl_sf_psi_e (x, &psi) == GSL_SUCCESS ? psi.val : NAN;
      }
    case CR_FUNCTION_TANH:
      return 1.0 - fx * fx;
    case CR_FUNCTION_POW:
    case CR_FUNCTION_SUM:
    case CR_FUNCTION_MEAN:
    case CR_FUNCTION_DOT:
    case CR_FUNCTION_STACK:
      break;
    }
  g_return_val_if_reached (NAN);
}

double
cr_binary_apply (CrBinaryOp op, double a, double b)
{
  switch (op)
    {
    case CR_BINARY_ADD:
      return a + b;
    case CR_BINARY_SUBTRACT:
      return a - b;
    case CR_BINARY_MULTIPLY:
      return a * b;
    case CR_BINARY_DIVIDE:
      return a / b;
    case CR_BINARY_POWER:
      return pow (a, b);
    case CR_BINARY_MATMUL:
      break;
    }
  return NAN;
}
