/* transform-vector.c: the transforms whose elements depend on each other: ordered vectors,
 * simplexes by stick-breaking and Cholesky factors of correlation matrices. Each reverse sweep
 * runs from the last element to the first, carrying the sum that the later elements feed back,
 * so none needs scratch memory. */
#include "transform/transform-private.h"

#include "cr-math.h"

#include <math.h>

/* Ordered vector, Stan Reference Manual, "Ordered vector": x_0 = y_0 and
 * x_k = x_{k-1} + exp(y_k). The Jacobian is lower triangular with diagonal 1, exp(y_1), ...,
 * so log|J| = y_1 + ... + y_{n-1}. */
double
cr_transform_ordered_forward (const double *y,
                              double *x,
                              size_t n)
{
  double log_jacobian = 0.0;

  if (n == 0)
    return 0.0;
  x[0] = y[0];
  for (size_t k = 1; k < n; k++)
    {
      x[k] = x[k - 1] + exp (y[k]);
      log_jacobian += y[k];
    }
  return log_jacobian;
}

void
cr_transform_ordered_backward (const double *y,
                               size_t n,
                               const double *d_x,
                               double *d_y)
{
  /* dx_j/dy_k = exp(y_k) for every j >= k >= 1 (and 1 for k = 0), so dL/dy_k is exp(y_k)
   * times the sum of d_x over the tail j >= k; the 1 is d(log|J|)/dy_k. */
  double tail = 0.0;

  if (n == 0)
    return;
  for (size_t k = n - 1; k >= 1; k--)
    {
      tail += d_x[k];
      d_y[k] += exp (y[k]) * tail + 1.0;
    }
  d_y[0] += tail + d_x[0];
}

gboolean
cr_transform_ordered_inverse (const double *x,
                              double *y,
                              size_t n,
                              GError **error)
{
  char label[64];
  char value_text[CR_TRANSFORM_VALUE_BUF_SIZE];
  char previous_text[CR_TRANSFORM_VALUE_BUF_SIZE];

  for (size_t k = 0; k < n; k++)
    {
      if (!isfinite (x[k]))
        {
          g_set_error (error, CR_TRANSFORM_ERROR, CR_TRANSFORM_ERROR_OUTSIDE_SUPPORT,
                       "%s is %s: an ordered vector's elements must be finite numbers, each "
                       "greater than the one before",
                       cr_transform_element_label (label, sizeof label, k, n),
                       cr_transform_format_value (value_text, x[k]));
          return FALSE;
        }
      if (k == 0)
        {
          y[0] = x[0];
          continue;
        }
      if (!(x[k] > x[k - 1]))
        {
          g_set_error (error, CR_TRANSFORM_ERROR, CR_TRANSFORM_ERROR_OUTSIDE_SUPPORT,
                       "element %" G_GSIZE_FORMAT " is %s, not greater than element "
                       "%" G_GSIZE_FORMAT " (%s): an ordered vector must be strictly increasing",
                       k, cr_transform_format_value (value_text, x[k]), k - 1,
                       cr_transform_format_value (previous_text, x[k - 1]));
          return FALSE;
        }
      y[k] = log (x[k] - x[k - 1]);
      /* The difference of two finite doubles of opposite signs can overflow. */
      if (!isfinite (y[k]))
        return cr_transform_set_unrepresentable (
            error, cr_transform_element_label (label, sizeof label, k, n), x[k]);
    }
  return TRUE;
}

/* Simplex by centred stick-breaking, Stan Reference Manual, "Unit simplex": for
 * k = 0 .. K-2, z_k = inv_logit(y_k - log(K - k - 1)) breaks off x_k = z_k of the stick left,
 * and the last element is what remains. The offset log(K - k - 1) makes y = 0 the uniform
 * simplex. With s_k = prod_{j<k} (1 - z_j) the stick before k, the Jacobian of y -> x_0..x_{K-2}
 * is lower triangular with diagonal s_k z_k (1 - z_k), so
 *   log|J| = sum_k log s_k + log z_k + log(1 - z_k).
 * Everything is taken from y in logs: z_k and 1 - z_k each through inv_logit, so neither loses
 * its digits when the other is near 1. */
double
cr_transform_simplex_forward (const double *y,
                              double *x,
                              size_t n)
{
  double stick = 1.0, log_stick = 0.0, log_jacobian = 0.0;

  for (size_t k = 0; k + 1 < n; k++)
    {
      double a = y[k] - log ((double) (n - 1 - k));
      double log_rest = cr_log1m_inv_logit (a);
      x[k] = stick * cr_inv_logit (a);
      log_jacobian += log_stick + cr_log_inv_logit (a) + log_rest;
      stick *= cr_inv_logit (-a);
      log_stick += log_rest;
    }
  x[n - 1] = stick;
  return log_jacobian;
}

/* log x_k = log s_k + log z_k, and dz/dy = z (1 - z), so for j < K - 1
 *   dx_k/dy_j = x_k (1 - z_j) if k = j,  -x_k z_j if k > j (including the last),  0 if k < j;
 *   d(log|J|)/dy_j = (1 - z_j) - z_j - z_j (K - 2 - j) = 1 - (K - j) z_j,
 * the last term from the sticks s_k, k = j+1 .. K-2, that contain 1 - z_j. */
void
cr_transform_simplex_backward (const double *y,
                               const double *x,
                               size_t n,
                               const double *d_x,
                               double *d_y)
{
  double tail = d_x[n - 1] * x[n - 1]; /* sum of d_x_k x_k over k > j */

  for (size_t j = n - 1; j-- > 0;)
    {
      double a = y[j] - log ((double) (n - 1 - j));
      double z = cr_inv_logit (a);
      double rest = cr_inv_logit (-a);
      double own = d_x[j] * x[j];
      d_y[j] += own * rest - z * tail + 1.0 - (double) (n - j) * z;
      tail += own;
    }
}

/* Since z_k / (1 - z_k) = x_k / (x_{k+1} + ... + x_{K-1}), each y_k comes from a ratio of
 * positive numbers, without the cancellation of 1 - (x_0 + ... + x_k): a simplex with an
 * element near 1 keeps the y that made it. The tail sums also normalise an x whose sum is
 * off by less than the tolerance. */
gboolean
cr_transform_simplex_inverse (const double *x,
                              double *y,
                              size_t n,
                              GError **error)
{
  char label[64];
  char value_text[CR_TRANSFORM_VALUE_BUF_SIZE];
  char tolerance_text[CR_TRANSFORM_VALUE_BUF_SIZE];
  double sum = 0.0;

  for (size_t k = 0; k < n; k++)
    {
      if (!(x[k] > 0.0 && x[k] < INFINITY))
        {
          g_set_error (error, CR_TRANSFORM_ERROR, CR_TRANSFORM_ERROR_OUTSIDE_SUPPORT,
                       "%s is %s, outside the simplex: its elements must be positive and sum "
                       "to 1",
                       cr_transform_element_label (label, sizeof label, k, n),
                       cr_transform_format_value (value_text, x[k]));
          return FALSE;
        }
      sum += x[k];
    }
  if (!(fabs (sum - 1.0) <= CR_TRANSFORM_UNIT_TOLERANCE))
    {
      g_set_error (error, CR_TRANSFORM_ERROR, CR_TRANSFORM_ERROR_OUTSIDE_SUPPORT,
                   "the elements sum to %s, outside the simplex: they must sum to 1 (within "
                   "%s); divide them by their sum",
                   cr_transform_format_value (value_text, sum),
                   cr_transform_format_value (tolerance_text, CR_TRANSFORM_UNIT_TOLERANCE));
      return FALSE;
    }

  double tail = x[n - 1];
  for (size_t k = n - 1; k-- > 0;)
    {
      y[k] = log (x[k]) - log (tail) + log ((double) (n - 1 - k));
      tail += x[k];
    }
  return TRUE;
}

/* log(1 - tanh(y)^2) = log(sech(y)^2) = 2 (log 2 - |y| - log1p(exp(-2 |y|))), with no
 * cancellation at any y: finite where tanh(y) has rounded to ±1. NaN propagates. */
static inline double
log1m_tanh_squared (double y)
{
  double magnitude = fabs (y);
  return 2.0 * (CR_LOG_2 - magnitude - log1p (exp (-2.0 * magnitude)));
}

/* Cholesky factor of a correlation matrix, Stan Reference Manual, "Cholesky factors of
 * correlation matrices", after Lewandowski, Kurowicka and Joe (2009): the K (K - 1) / 2 values
 * y, row by row, give canonical partial correlations z = tanh(y) in (-1, 1), and row i is
 *   L_ij = z_ij sqrt(r_ij) (j < i),  L_ii = sqrt(r_ii),  r_i0 = 1,  r_i,j+1 = r_ij (1 - z_ij^2),
 * where r_ij = 1 - (L_i0^2 + ... + L_i,j-1^2) is the squared norm row i has left; so every row
 * has norm 1 and a positive diagonal. We carry log r, a sum of log(1 - z^2), rather than r:
 * the subtraction 1 - sum of squares would cancel when a correlation is near ±1.
 * The Jacobian of y -> the strictly-lower entries is triangular row by row with diagonal
 * dL_ij/dy_ij = (1 - z_ij^2) sqrt(r_ij), so
 *   log|J| = sum_{i>j} log(1 - z_ij^2) + (1/2) log r_ij. */
double
cr_transform_cholesky_corr_forward (const double *y,
                                    double *x,
                                    size_t order)
{
  double log_jacobian = 0.0;
  size_t next = 0;

  for (size_t i = 0; i < order; i++)
    {
      double *row = x + i * order;
      double log_rest = 0.0;
      for (size_t j = 0; j < i; j++)
        {
          double value = y[next++];
          double log1m_z2 = log1m_tanh_squared (value);
          row[j] = tanh (value) * exp (0.5 * log_rest);
          log_jacobian += log1m_z2 + 0.5 * log_rest;
          log_rest += log1m_z2;
        }
      row[i] = exp (0.5 * log_rest);
      for (size_t j = i + 1; j < order; j++)
        row[j] = 0.0;
    }
  return log_jacobian;
}

/* Row i alone depends on its y_i0 .. y_i,i-1. With w_k = sqrt(r_ik) and
 * d log(1 - z^2)/dy = -2 z:
 *   dL_ik/dy_k = (1 - z_k^2) w_k,  dL_ij/dy_k = -z_k L_ij for k < j <= i (the diagonal too);
 * and log|J| of the row is sum_k (1 + (i - 1 - k) / 2) log(1 - z_k^2), as log(1 - z_k^2) enters
 * each later log r of the row, so d(log|J|)/dy_k = -(i + 1 - k) z_k. The sweep runs k from the
 * end, carrying sum_{j>k} d_L_ij L_ij, and gets log r_ik by taking the terms back off the
 * row's total. */
void
cr_transform_cholesky_corr_backward (const double *y,
                                     const double *x,
                                     size_t order,
                                     const double *d_x,
                                     double *d_y)
{
  size_t next = 0;

  for (size_t i = 0; i < order; i++)
    {
      const double *row = x + i * order;
      const double *d_row = d_x + i * order;
      const double *y_row = y + next;
      double *d_y_row = d_y + next;
      double log_rest = 0.0;

      for (size_t k = 0; k < i; k++)
        log_rest += log1m_tanh_squared (y_row[k]);

      double tail = d_row[i] * row[i];
      for (size_t k = i; k-- > 0;)
        {
          double log1m_z2 = log1m_tanh_squared (y_row[k]);
          double z = tanh (y_row[k]);
          log_rest -= log1m_z2;
          d_y_row[k] += d_row[k] * exp (log1m_z2 + 0.5 * log_rest) - z * tail
                        - (double) (i + 1 - k) * z;
          tail += d_row[k] * row[k];
        }
      next += i;
    }
}

/* Each row's y come from the norms of its tails, N_ij = |(L_ij, ..., L_ii)|, with
 * z_ij = L_ij / N_ij and sqrt(1 - z_ij^2) = N_i,j+1 / N_ij, so
 *   y_ij = atanh(z_ij) = sign(L_ij) (log1p(|z_ij|) - log N_i,j+1 + log N_ij),
 * which has no cancellation where |z| rounds to 1 and normalises a row whose norm is off by
 * less than the tolerance. hypot keeps tiny diagonals from underflowing. */
gboolean
cr_transform_cholesky_corr_inverse (const double *x,
                                    double *y,
                                    size_t order,
                                    GError **error)
{
  char value_text[CR_TRANSFORM_VALUE_BUF_SIZE];
  char tolerance_text[CR_TRANSFORM_VALUE_BUF_SIZE];
  size_t next = 0;

  for (size_t i = 0; i < order; i++)
    {
      const double *row = x + i * order;
      double norm = 0.0;

      for (size_t j = 0; j < order; j++)
        {
          const char *problem = NULL;
          if (!isfinite (row[j]))
            problem = "a Cholesky factor's elements must be finite numbers";
          else if (j > i && row[j] != 0.0)
            problem = "a Cholesky factor must be 0 above the diagonal";
          else if (j == i && !(row[j] > 0.0))
            problem = "the diagonal of a correlation Cholesky factor must be positive";
          if (problem != NULL)
            {
              g_set_error (error, CR_TRANSFORM_ERROR, CR_TRANSFORM_ERROR_OUTSIDE_SUPPORT,
                           "element [%" G_GSIZE_FORMAT ", %" G_GSIZE_FORMAT "] is %s: %s", i,
                           j, cr_transform_format_value (value_text, row[j]), problem);
              return FALSE;
            }
          if (j <= i)
            norm = hypot (norm, row[j]);
        }
      if (!(fabs (norm - 1.0) <= CR_TRANSFORM_UNIT_TOLERANCE))
        {
          g_set_error (error, CR_TRANSFORM_ERROR, CR_TRANSFORM_ERROR_OUTSIDE_SUPPORT,
                       "row %" G_GSIZE_FORMAT " has norm %s: each row of a correlation "
                       "Cholesky factor must have norm 1 (within %s); divide the row by its "
                       "norm",
                       i, cr_transform_format_value (value_text, norm),
                       cr_transform_format_value (tolerance_text, CR_TRANSFORM_UNIT_TOLERANCE));
          return FALSE;
        }

      double tail_norm = row[i];
      for (size_t j = i; j-- > 0;)
        {
          double norm_here = hypot (row[j], tail_norm);
          double magnitude = log1p (fabs (row[j]) / norm_here) - log (tail_norm) + log (norm_here);
          y[next + j] = copysign (magnitude, row[j]);
          tail_norm = norm_here;
        }
      next += i;
    }
  return TRUE;
}
