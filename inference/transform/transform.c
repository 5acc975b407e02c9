/* transform.c: the public entry points, the transforms' names, and the elementwise kinds
 * (identity, lower bound, upper bound, interval). The map of each is in transform.h; the
 * log-Jacobians are those of the Stan Reference Manual, "Constraint transforms", sections
 * "Lower bounded scalar", "Upper bounded scalar" and "Lower and upper bounded scalar". */
#include "transform/transform-private.h"

#include "cr-math.h"

#include <math.h>
#include <string.h>

G_DEFINE_QUARK (cr-transform-error-quark, cr_transform_error)

static const char *const transform_names[CR_TRANSFORM_N_KINDS] = {
  [CR_TRANSFORM_IDENTITY] = "identity",
  [CR_TRANSFORM_LOWER] = "log",
  [CR_TRANSFORM_UPPER] = "upper",
  [CR_TRANSFORM_INTERVAL] = "interval",
  [CR_TRANSFORM_ORDERED] = "ordered",
  [CR_TRANSFORM_SIMPLEX] = "simplex",
  [CR_TRANSFORM_CHOLESKY_CORR] = "cholesky_corr",
};

const char *
cr_transform_to_string (CrTransformKind kind)
{
  g_return_val_if_fail ((unsigned) kind < CR_TRANSFORM_N_KINDS, NULL);
  return transform_names[kind];
}

gboolean
cr_transform_from_string (const char *name,
                          CrTransformKind *kind)
{
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (kind != NULL, FALSE);

  for (unsigned i = 0; i < CR_TRANSFORM_N_KINDS; i++)
    if (strcmp (name, transform_names[i]) == 0)
      {
        *kind = (CrTransformKind) i;
        return TRUE;
      }
  /* "log" says what the map does when the bound is 0, Stan's "lower" says what it is for;
   * people coming from either should be understood. */
  if (strcmp (name, "lower") == 0)
    {
      *kind = CR_TRANSFORM_LOWER;
      return TRUE;
    }
  return FALSE;
}

const char *
cr_transform_format_value (char *buf,
                           double value)
{
  return g_ascii_formatd (buf, CR_TRANSFORM_VALUE_BUF_SIZE, "%.10g", value);
}

gboolean
cr_transform_set_unrepresentable (GError **error,
                                  const char *what,
                                  double value)
{
  char value_text[CR_TRANSFORM_VALUE_BUF_SIZE];

  g_set_error (error, CR_TRANSFORM_ERROR, CR_TRANSFORM_ERROR_UNREPRESENTABLE,
               "%s is %s: its unconstrained value is not finite, so a sampler cannot start "
               "there; choose a value farther from the edge of the support",
               what, cr_transform_format_value (value_text, value));
  return FALSE;
}

gboolean
cr_transform_cholesky_order (size_t n,
                             size_t *order)
{
  if (n == 0)
    return FALSE;
  /* sqrt of a size_t is exact to within one for any n a computer can hold; correct it. */
  size_t k = (size_t) llround (sqrt ((double) n));
  while (k > 1 && k * k > n)
    k--;
  while ((k + 1) * (k + 1) <= n)
    k++;
  if (k * k != n)
    return FALSE;
  *order = k;
  return TRUE;
}

size_t
cr_transform_free_size (CrTransformKind kind,
                        size_t n)
{
  size_t order = 0;

  switch (kind)
    {
    case CR_TRANSFORM_IDENTITY:
    case CR_TRANSFORM_LOWER:
    case CR_TRANSFORM_UPPER:
    case CR_TRANSFORM_INTERVAL:
    case CR_TRANSFORM_ORDERED:
      return n;
    case CR_TRANSFORM_SIMPLEX:
      g_return_val_if_fail (n >= 1, 0);
      return n - 1;
    case CR_TRANSFORM_CHOLESKY_CORR:
      g_return_val_if_fail (cr_transform_cholesky_order (n, &order), 0);
      return order * (order - 1) / 2;
    default:
      g_return_val_if_reached (0);
    }
}

const char *
cr_transform_element_label (char *buf,
                            size_t size,
                            size_t i,
                            size_t n)
{
  if (n == 1)
    g_strlcpy (buf, "the value", size);
  else
    g_snprintf (buf, size, "element %" G_GSIZE_FORMAT, i);
  return buf;
}

static double
fill_nan (double *x,
          size_t n)
{
  for (size_t i = 0; i < n; i++)
    x[i] = NAN;
  return NAN;
}

/* Whether (lower, upper) is an interval the INTERVAL map can use: its width must be a finite
 * positive double, or the scale factor (upper - lower) is meaningless. */
static gboolean
interval_bounds_valid (double lower,
                       double upper)
{
  double width = upper - lower;
  return isfinite (lower) && isfinite (upper) && isfinite (width) && width > 0.0;
}

double
cr_transform_forward (CrTransformKind kind,
                      double lower,
                      double upper,
                      const double *y,
                      double *x,
                      size_t n)
{
  size_t order = 0;
  double log_jacobian = 0.0;

  g_return_val_if_fail (n == 0 || x != NULL, NAN);
  g_return_val_if_fail (cr_transform_free_size (kind, n) == 0 || y != NULL, NAN);

  switch (kind)
    {
    case CR_TRANSFORM_IDENTITY:
      for (size_t i = 0; i < n; i++)
        x[i] = y[i];
      return 0.0;

    case CR_TRANSFORM_LOWER:
      if (!isfinite (lower))
        return fill_nan (x, n);
      /* dx/dy = exp(y), so log|J| = y. */
      for (size_t i = 0; i < n; i++)
        {
          x[i] = lower + exp (y[i]);
          log_jacobian += y[i];
        }
      return log_jacobian;

    case CR_TRANSFORM_UPPER:
      if (!isfinite (upper))
        return fill_nan (x, n);
      for (size_t i = 0; i < n; i++)
        {
          x[i] = upper - exp (y[i]);
          log_jacobian += y[i];
        }
      return log_jacobian;

    case CR_TRANSFORM_INTERVAL:
      {
        if (!interval_bounds_valid (lower, upper))
          return fill_nan (x, n);
        double width = upper - lower;
        double log_width = log (width);
        for (size_t i = 0; i < n; i++)
          {
            /* Measured from the nearer bound, x keeps every digit of its distance to that
             * bound, so x stays strictly inside wherever doubles can say so and the inverse
             * recovers y from either end. inv_logit(-y) = 1 - inv_logit(y). */
            if (y[i] <= 0.0)
              x[i] = lower + width * cr_inv_logit (y[i]);
            else
              x[i] = upper - width * cr_inv_logit (-y[i]);
            /* dx/dy = width p (1 - p), p = inv_logit(y), in logs from y alone so that it stays
             * finite when x has rounded onto a bound (Stan Reference Manual, "Lower and upper
             * bounded scalar"). */
            log_jacobian += log_width + cr_log_inv_logit (y[i]) + cr_log1m_inv_logit (y[i]);
          }
        return log_jacobian;
      }

    case CR_TRANSFORM_ORDERED:
      return cr_transform_ordered_forward (y, x, n);

    case CR_TRANSFORM_SIMPLEX:
      g_return_val_if_fail (n >= 1, NAN);
      return cr_transform_simplex_forward (y, x, n);

    case CR_TRANSFORM_CHOLESKY_CORR:
      g_return_val_if_fail (cr_transform_cholesky_order (n, &order), NAN);
      return cr_transform_cholesky_corr_forward (y, x, order);

    default:
      g_return_val_if_reached (NAN);
    }
}

/* Backward with bounds that forward turned into NaN: every output it would add to becomes NaN. */
static void
poison_gradients (double *d_y,
                  size_t free_size,
                  double *d_lower,
                  double *d_upper)
{
  for (size_t i = 0; i < free_size; i++)
    d_y[i] = NAN;
  if (d_lower != NULL)
    *d_lower = NAN;
  if (d_upper != NULL)
    *d_upper = NAN;
}

void
cr_transform_backward (CrTransformKind kind,
                       double lower,
                       double upper,
                       const double *y,
                       const double *x,
                       size_t n,
                       const double *d_x,
                       double *d_y,
                       double *d_lower,
                       double *d_upper)
{
  size_t order = 0;
  double sum_d_x = 0.0;

  g_return_if_fail (n == 0 || (x != NULL && d_x != NULL));
  g_return_if_fail (cr_transform_free_size (kind, n) == 0 || (y != NULL && d_y != NULL));

  switch (kind)
    {
    case CR_TRANSFORM_IDENTITY:
      for (size_t i = 0; i < n; i++)
        d_y[i] += d_x[i];
      return;

    case CR_TRANSFORM_LOWER:
    case CR_TRANSFORM_UPPER:
      {
        double bound = kind == CR_TRANSFORM_LOWER ? lower : upper;
        double sign = kind == CR_TRANSFORM_LOWER ? 1.0 : -1.0;
        if (!isfinite (bound))
          {
            poison_gradients (d_y, n, kind == CR_TRANSFORM_LOWER ? d_lower : NULL,
                              kind == CR_TRANSFORM_UPPER ? d_upper : NULL);
            return;
          }
        /* exp(y) rather than |x - bound|: the difference has lost the digits of a small
         * exp(y) to rounding. The 1 is d(log|J|)/dy = d(y)/dy. */
        for (size_t i = 0; i < n; i++)
          {
            d_y[i] += sign * d_x[i] * exp (y[i]) + 1.0;
            sum_d_x += d_x[i];
          }
        /* dx/d(bound) = 1 for every element; log|J| does not involve the bound. */
        double *d_bound = kind == CR_TRANSFORM_LOWER ? d_lower : d_upper;
        if (d_bound != NULL)
          *d_bound += sum_d_x;
        return;
      }

    case CR_TRANSFORM_INTERVAL:
      {
        if (!interval_bounds_valid (lower, upper))
          {
            poison_gradients (d_y, n, d_lower, d_upper);
            return;
          }
        double width = upper - lower;
        double sum_d_lower = 0.0, sum_d_upper = 0.0;
        for (size_t i = 0; i < n; i++)
          {
            /* p and q = 1 - p each from y, so neither loses digits near 0. */
            double p = cr_inv_logit (y[i]);
            double q = cr_inv_logit (-y[i]);
            /* dx/dy = width p q; d/dy [log p + log q] = q - p. */
            d_y[i] += d_x[i] * width * p * q + (q - p);
            /* x = lower + width p: dx/dlower = q, dx/dupper = p. */
            sum_d_lower += d_x[i] * q;
            sum_d_upper += d_x[i] * p;
          }
        /* Each element's log|J| holds log(upper - lower). */
        double d_log_width = (double) n / width;
        if (d_lower != NULL)
          *d_lower += sum_d_lower - d_log_width;
        if (d_upper != NULL)
          *d_upper += sum_d_upper + d_log_width;
        return;
      }

    case CR_TRANSFORM_ORDERED:
      cr_transform_ordered_backward (y, n, d_x, d_y);
      return;

    case CR_TRANSFORM_SIMPLEX:
      g_return_if_fail (n >= 1);
      cr_transform_simplex_backward (y, x, n, d_x, d_y);
      return;

    case CR_TRANSFORM_CHOLESKY_CORR:
      g_return_if_fail (cr_transform_cholesky_order (n, &order));
      cr_transform_cholesky_corr_backward (y, x, order, d_x, d_y);
      return;

    default:
      g_return_if_reached ();
    }
}

/* The inverse of one bounded kind. The messages state the support in interval notation, as
 * the documentation of the distributions does. */
static gboolean
inverse_bounded (CrTransformKind kind,
                 double lower,
                 double upper,
                 const double *x,
                 double *y,
                 size_t n,
                 GError **error)
{
  char label[64];
  char value_text[CR_TRANSFORM_VALUE_BUF_SIZE];
  char lower_text[CR_TRANSFORM_VALUE_BUF_SIZE];
  char upper_text[CR_TRANSFORM_VALUE_BUF_SIZE];

  cr_transform_format_value (lower_text, lower);
  cr_transform_format_value (upper_text, upper);

  if ((kind == CR_TRANSFORM_LOWER && !isfinite (lower))
      || (kind == CR_TRANSFORM_UPPER && !isfinite (upper)))
    {
      g_set_error (error, CR_TRANSFORM_ERROR, CR_TRANSFORM_ERROR_BOUNDS,
                   "the %s bound is %s; it must be a finite number",
                   kind == CR_TRANSFORM_LOWER ? "lower" : "upper",
                   kind == CR_TRANSFORM_LOWER ? lower_text : upper_text);
      return FALSE;
    }
  if (kind == CR_TRANSFORM_INTERVAL && !interval_bounds_valid (lower, upper))
    {
      g_set_error (error, CR_TRANSFORM_ERROR, CR_TRANSFORM_ERROR_BOUNDS,
                   "the bounds (%s, %s) do not make an interval; they must be finite with "
                   "the lower less than the upper",
                   lower_text, upper_text);
      return FALSE;
    }

  for (size_t i = 0; i < n; i++)
    {
      cr_transform_element_label (label, sizeof label, i, n);
      switch (kind)
        {
        case CR_TRANSFORM_LOWER:
          /* Written so that NaN fails too. */
          if (!(x[i] > lower && x[i] < INFINITY))
            {
              g_set_error (error, CR_TRANSFORM_ERROR, CR_TRANSFORM_ERROR_OUTSIDE_SUPPORT,
                           "%s is %s, outside the support (%s, inf): it must be a finite "
                           "number greater than %s",
                           label, cr_transform_format_value (value_text, x[i]), lower_text,
                           lower_text);
              return FALSE;
            }
          y[i] = log (x[i] - lower);
          break;

        case CR_TRANSFORM_UPPER:
          if (!(x[i] < upper && x[i] > -INFINITY))
            {
              g_set_error (error, CR_TRANSFORM_ERROR, CR_TRANSFORM_ERROR_OUTSIDE_SUPPORT,
                           "%s is %s, outside the support (-inf, %s): it must be a finite "
                           "number less than %s",
                           label, cr_transform_format_value (value_text, x[i]), upper_text,
                           upper_text);
              return FALSE;
            }
          y[i] = log (upper - x[i]);
          break;

        case CR_TRANSFORM_INTERVAL:
          if (!(x[i] > lower && x[i] < upper))
            {
              g_set_error (error, CR_TRANSFORM_ERROR, CR_TRANSFORM_ERROR_OUTSIDE_SUPPORT,
                           "%s is %s, outside the support (%s, %s): it must be strictly "
                           "between %s and %s",
                           label, cr_transform_format_value (value_text, x[i]), lower_text,
                           upper_text, lower_text, upper_text);
              return FALSE;
            }
          /* logit((x - lower) / (upper - lower)) with both distances exact to rounding, so
           * an x near either bound keeps its y (Sterbenz: the subtraction near a bound is
           * exact). */
          y[i] = log (x[i] - lower) - log (upper - x[i]);
          break;

        default:
          g_assert_not_reached ();
        }
      /* x - lower can overflow when the bound and x are far apart on opposite sides. */
      if (!isfinite (y[i]))
        return cr_transform_set_unrepresentable (error, label, x[i]);
    }
  return TRUE;
}

gboolean
cr_transform_inverse (CrTransformKind kind,
                      double lower,
                      double upper,
                      const double *x,
                      double *y,
                      size_t n,
                      GError **error)
{
  size_t order = 0;
  char label[64];
  char value_text[CR_TRANSFORM_VALUE_BUF_SIZE];

  g_return_val_if_fail (n == 0 || x != NULL, FALSE);
  g_return_val_if_fail (cr_transform_free_size (kind, n) == 0 || y != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  switch (kind)
    {
    case CR_TRANSFORM_IDENTITY:
      for (size_t i = 0; i < n; i++)
        {
          if (!isfinite (x[i]))
            {
              g_set_error (error, CR_TRANSFORM_ERROR, CR_TRANSFORM_ERROR_OUTSIDE_SUPPORT,
                           "%s is %s, outside the support (-inf, inf): it must be a finite "
                           "number",
                           cr_transform_element_label (label, sizeof label, i, n),
                           cr_transform_format_value (value_text, x[i]));
              return FALSE;
            }
          y[i] = x[i];
        }
      return TRUE;

    case CR_TRANSFORM_LOWER:
    case CR_TRANSFORM_UPPER:
    case CR_TRANSFORM_INTERVAL:
      return inverse_bounded (kind, lower, upper, x, y, n, error);

    case CR_TRANSFORM_ORDERED:
      return cr_transform_ordered_inverse (x, y, n, error);

    case CR_TRANSFORM_SIMPLEX:
      g_return_val_if_fail (n >= 1, FALSE);
      return cr_transform_simplex_inverse (x, y, n, error);

    case CR_TRANSFORM_CHOLESKY_CORR:
      g_return_val_if_fail (cr_transform_cholesky_order (n, &order), FALSE);
      return cr_transform_cholesky_corr_inverse (x, y, order, error);

    default:
      g_return_val_if_reached (FALSE);
    }
}
