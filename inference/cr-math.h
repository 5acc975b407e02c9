/* cr-math.h: log-space numeric primitives shared by every engine module.
 *
 * Each primitive states its edges (NaN, ±inf). All are static inline so the hot loops of the
 * tape and the distributions inline them.
 */
#pragma once

#include <math.h>
#include <stddef.h>

#define CR_LOG_2 0.69314718055994530942
#define CR_LOG_PI 1.14472988584940017414
#define CR_LOG_SQRT_2PI 0.91893853320467274178 /* log(sqrt(2 pi)) */
#define CR_SQRT_2 1.41421356237309504880
#define CR_PI 3.14159265358979323846

/* log(e^a + e^b); -inf is the identity, NaN propagates, never overflows. */
static inline double
cr_log_add_exp (double a, double b)
{
  if (isnan (a) || isnan (b))
    return NAN;
  double hi = fmax (a, b), lo = fmin (a, b);
  if (lo == -INFINITY || hi == INFINITY)
    return hi;
  return hi + log1p (exp (lo - hi));
}

/* log(sum e^x[i]) over @n values; -inf for n = 0 or all -inf, NaN propagates, +inf wins. */
static inline double
cr_log_sum_exp (const double *x, size_t n)
{
  double hi = -INFINITY;
  for (size_t i = 0; i < n; i++)
    {
      if (isnan (x[i]))
        return NAN;
      hi = fmax (hi, x[i]);
    }
  if (hi == -INFINITY || hi == INFINITY)
    return hi;
  double sum = 0.0;
  for (size_t i = 0; i < n; i++)
    sum += exp (x[i] - hi);
  return hi + log (sum);
}

/* log(1 - e^a) for a <= 0; -inf at a = 0, NaN for a > 0 or NaN. Mächler 2012: switch at -log 2. */
static inline double
cr_log1m_exp (double a)
{
  if (!(a <= 0.0))
    return NAN;
  return a > -CR_LOG_2 ? log (-expm1 (a)) : log1p (-exp (a));
}

/* log(1 + e^a), the softplus; exact for large |a|, NaN propagates. */
static inline double
cr_log1p_exp (double a)
{
  if (a > 0.0)
    return a + log1p (exp (-a));
  return log1p (exp (a));
}

/* 1 / (1 + e^-a) without overflow; NaN propagates. */
static inline double
cr_inv_logit (double a)
{
  if (a >= 0.0)
    return 1.0 / (1.0 + exp (-a));
  double e = exp (a);
  return e / (1.0 + e);
}

/* log(inv_logit(a)) = -log1p(e^-a); 0 at +inf, a at -inf. */
static inline double
cr_log_inv_logit (double a)
{
  return -cr_log1p_exp (-a);
}

/* log(1 - inv_logit(a)) = -log1p(e^a). */
static inline double
cr_log1m_inv_logit (double a)
{
  return -cr_log1p_exp (a);
}

/* log(p / (1 - p)); ±inf at 1 and 0, NaN outside [0, 1]. */
static inline double
cr_logit (double p)
{
  return log (p) - log1p (-p);
}
