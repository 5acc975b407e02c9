/* dist.c: the table of distributions and the checks of arguments and values against it.
 *
 * The checks turn the domains and supports of dist.h into sentences a person can act on:
 * "sigma of Normal must be positive, got -1". They agree with the log densities: a value
 * the density gives -inf is rejected, and a value on the boundary of an open support is
 * accepted exactly when the density there is finite (Exponential at 0, Uniform at its
 * bounds), because the densities are defined that way (continuous.c).
 */
#include "dist/dist-private.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

/* LANGUAGE.md's order: continuous, discrete, multivariate, mixtures, time series. */
static const CrDistribution *const cr_dist_table[] = {
  &cr_dist_normal,
  &cr_dist_half_normal,
  &cr_dist_student_t,
  &cr_dist_half_student_t,
  &cr_dist_cauchy,
  &cr_dist_half_cauchy,
  &cr_dist_laplace,
  &cr_dist_logistic,
  &cr_dist_exponential,
  &cr_dist_gamma,
  &cr_dist_inverse_gamma,
  &cr_dist_beta,
  &cr_dist_uniform,
  &cr_dist_log_normal,
  &cr_dist_weibull,
  &cr_dist_truncated_normal,
  &cr_dist_skew_normal,
  &cr_dist_bernoulli,
  &cr_dist_bernoulli_logit,
  &cr_dist_binomial,
  &cr_dist_binomial_logit,
  &cr_dist_beta_binomial,
  &cr_dist_poisson,
  &cr_dist_poisson_log,
  &cr_dist_negative_binomial,
  &cr_dist_categorical,
  &cr_dist_zero_inflated_poisson,
  &cr_dist_discrete_uniform,
  &cr_dist_dirichlet,
  &cr_dist_mv_normal,
  &cr_dist_lkj_cholesky_corr,
  &cr_dist_normal_mixture,
  &cr_dist_ar1,
  &cr_dist_gaussian_random_walk,
};

/* How far a simplex may be from summing to 1 (dist.h, CR_DOMAIN_SIMPLEX). */
#define SIMPLEX_SUM_TOLERANCE 1e-8
/* How far a row of a Cholesky factor of a correlation may be from unit length. */
#define UNIT_ROW_TOLERANCE 1e-8

const CrDistribution *
cr_dist_lookup (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  for (size_t i = 0; i < G_N_ELEMENTS (cr_dist_table); i++)
    if (strcmp (cr_dist_table[i]->name, name) == 0)
      return cr_dist_table[i];
  return NULL;
}

const CrDistribution *const *
cr_dist_all (size_t *n_out)
{
  g_return_val_if_fail (n_out != NULL, NULL);

  *n_out = G_N_ELEMENTS (cr_dist_table);
  return cr_dist_table;
}

int
cr_dist_arg_index (const CrDistribution *dist, const char *arg_name)
{
  g_return_val_if_fail (dist != NULL, -1);
  g_return_val_if_fail (arg_name != NULL, -1);

  for (guint k = 0; k < dist->n_args; k++)
    if (strcmp (dist->arg_names[k], arg_name) == 0)
      return (int) k;
  return -1;
}

char *
cr_dist_signature (const CrDistribution *dist)
{
  g_return_val_if_fail (dist != NULL, NULL);

  GString *signature = g_string_new (dist->name);
  g_string_append_c (signature, '(');
  for (guint k = 0; k < dist->n_args; k++)
    {
      if (k > 0)
        g_string_append (signature, ", ");
      g_string_append (signature, dist->arg_names[k]);
    }
  g_string_append_c (signature, ')');
  return g_string_free (signature, FALSE);
}

/* ---- message helpers ------------------------------------------------------------------- */

/* The shortest decimal that reads back as @v, in the C locale so messages look like model
 * text whatever the user's locale: "0.1", "-1", "2.0000000001", "nan", "inf". */
static char *
format_number (double v)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  for (int digits = 6; digits < 17; digits++)
    {
      char format[8];
      g_snprintf (format, sizeof format, "%%.%dg", digits);
      g_ascii_formatd (buffer, sizeof buffer, format, v);
      if (!isfinite (v) || g_ascii_strtod (buffer, NULL) == v)
        return g_strdup (buffer);
    }
  return g_strdup (g_ascii_formatd (buffer, sizeof buffer, "%.17g", v));
}

/* " at index 3" when there is more than one value, so a message points at the element. */
static char *
format_index (size_t index, size_t len)
{
  return len > 1 ? g_strdup_printf (" at index %zu", index) : g_strdup ("");
}

/* Sets *reason (when asked for) to "<arg> of <Dist> must be <requirement>, got <v>[ at index i]"
 * and returns FALSE. */
static gboolean
fail_arg (char **reason,
          const CrDistribution *dist,
          guint arg,
          const char *requirement,
          double value,
          size_t index,
          size_t len)
{
  if (reason != NULL)
    {
      g_autofree char *number = format_number (value);
      g_autofree char *where = format_index (index, len);
      *reason = g_strdup_printf ("%s of %s must be %s, got %s%s", dist->arg_names[arg],
                                 dist->name, requirement, number, where);
    }
  return FALSE;
}

/* Sets *reason to a ready sentence and returns FALSE. */
static gboolean fail (char **reason, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
fail (char **reason, const char *format, ...)
{
  if (reason != NULL)
    {
      va_list ap;
      va_start (ap, format);
      *reason = g_strdup_vprintf (format, ap);
      va_end (ap);
    }
  return FALSE;
}

static gboolean
is_integer (double v)
{
  return isfinite (v) && v == floor (v);
}

/* ---- arguments ------------------------------------------------------------------------- */

/* TruncatedNormal's bounds may be infinite, meaning no bound on that side (LANGUAGE.md);
 * every other real argument must be finite. */
static gboolean
allows_infinite_bound (const CrDistribution *dist, guint arg, double value)
{
  if (dist != &cr_dist_truncated_normal)
    return FALSE;
  const char *name = dist->arg_names[arg];
  return (value == -INFINITY && strcmp (name, "lower") == 0)
         || (value == INFINITY && strcmp (name, "upper") == 0);
}

/* One value against a scalar domain. */
static gboolean
check_scalar (const CrDistribution *dist,
              guint arg,
              double v,
              size_t index,
              size_t len,
              char **reason)
{
  switch (dist->arg_domains[arg])
    {
    case CR_DOMAIN_REAL:
      if (!isfinite (v) && !allows_infinite_bound (dist, arg, v))
        {
          if (dist == &cr_dist_truncated_normal && !isnan (v))
            return fail_arg (reason, dist, arg,
                             strcmp (dist->arg_names[arg], "lower") == 0
                                 ? "finite or -inf (no lower bound)"
                                 : "finite or inf (no upper bound)",
                             v, index, len);
          return fail_arg (reason, dist, arg, "finite", v, index, len);
        }
      return TRUE;
    case CR_DOMAIN_POSITIVE:
      if (v == INFINITY)
        return fail_arg (reason, dist, arg, "finite", v, index, len);
      if (!(v > 0.0))
        return fail_arg (reason, dist, arg, "positive", v, index, len);
      return TRUE;
    case CR_DOMAIN_PROBABILITY:
      if (!(v >= 0.0 && v <= 1.0))
        return fail_arg (reason, dist, arg, "a probability between 0 and 1", v, index, len);
      return TRUE;
    case CR_DOMAIN_OPEN_UNIT_BALL:
      if (!(v > -1.0 && v < 1.0))
        return fail_arg (reason, dist, arg, "strictly between -1 and 1", v, index, len);
      return TRUE;
    case CR_DOMAIN_NONNEGATIVE_INTEGER:
      if (!is_integer (v) || v < 0.0)
        return fail_arg (reason, dist, arg, "a non-negative integer", v, index, len);
      return TRUE;
    case CR_DOMAIN_INTEGER:
      if (!is_integer (v))
        return fail_arg (reason, dist, arg, "an integer", v, index, len);
      return TRUE;
    case CR_DOMAIN_DIMENSION:
      if (!is_integer (v) || v < 2.0)
        return fail_arg (reason, dist, arg, "an integer of at least 2", v, index, len);
      return TRUE;
    case CR_DOMAIN_SIMPLEX:
    case CR_DOMAIN_POSITIVE_VECTOR:
    case CR_DOMAIN_REAL_VECTOR:
    case CR_DOMAIN_CHOLESKY_FACTOR:
    default:
      g_assert_not_reached ();
    }
}

static gboolean
is_vector_domain (CrArgDomain domain)
{
  return domain == CR_DOMAIN_SIMPLEX || domain == CR_DOMAIN_POSITIVE_VECTOR
         || domain == CR_DOMAIN_REAL_VECTOR || domain == CR_DOMAIN_CHOLESKY_FACTOR;
}

static gboolean
check_simplex (const CrDistribution *dist,
               guint arg,
               const double *values,
               size_t len,
               char **reason)
{
  const char *name = dist->arg_names[arg];
  if (len < 2)
    return fail (reason, "%s of %s must be a simplex of at least 2 probabilities, got %zu value%s",
                 name, dist->name, len, len == 1 ? "" : "s");
  double sum = 0.0;
  for (size_t i = 0; i < len; i++)
    {
      if (!(values[i] >= 0.0 && values[i] <= 1.0))
        return fail_arg (reason, dist, arg, "a simplex of probabilities between 0 and 1",
                         values[i], i, len);
      sum += values[i];
    }
  if (!(fabs (sum - 1.0) <= SIMPLEX_SUM_TOLERANCE))
    {
      g_autofree char *number = format_number (sum);
      return fail (reason, "%s of %s must sum to 1, got a sum of %s", name, dist->name, number);
    }
  return TRUE;
}

static gboolean
check_cholesky_factor (const CrDistribution *dist,
                       guint arg,
                       const double *values,
                       size_t len,
                       char **reason)
{
  const char *name = dist->arg_names[arg];
  size_t k = (size_t) llround (sqrt ((double) len));
  if (len == 0 || k * k != len)
    return fail (reason, "%s of %s must be a K x K matrix (K * K values), got %zu values",
                 name, dist->name, len);
  for (size_t row = 0; row < k; row++)
    for (size_t column = 0; column < k; column++)
      {
        double v = values[row * k + column];
        const char *requirement = NULL;
        if (!isfinite (v))
          requirement = "finite";
        else if (column > row && v != 0.0)
          requirement = "lower-triangular";
        else if (column == row && !(v > 0.0))
          requirement = "a matrix with a positive diagonal";
        if (requirement != NULL)
          {
            g_autofree char *number = format_number (v);
            return fail (reason, "%s of %s must be %s, got %s at row %zu, column %zu", name,
                         dist->name, requirement, number, row, column);
          }
      }
  return TRUE;
}

gboolean
cr_dist_check_arg (const CrDistribution *dist,
                   guint arg,
                   const double *values,
                   size_t len,
                   char **reason)
{
  g_return_val_if_fail (dist != NULL, FALSE);
  g_return_val_if_fail (arg < dist->n_args, FALSE);
  g_return_val_if_fail (values != NULL || len == 0, FALSE);
  if (reason != NULL)
    *reason = NULL;

  const char *name = dist->arg_names[arg];
  switch (dist->arg_domains[arg])
    {
    case CR_DOMAIN_SIMPLEX:
      return check_simplex (dist, arg, values, len, reason);
    case CR_DOMAIN_CHOLESKY_FACTOR:
      return check_cholesky_factor (dist, arg, values, len, reason);
    case CR_DOMAIN_POSITIVE_VECTOR:
    case CR_DOMAIN_REAL_VECTOR:
      {
        gboolean positive = dist->arg_domains[arg] == CR_DOMAIN_POSITIVE_VECTOR;
        if (len == 0)
          return fail (reason, "%s of %s must have at least 1 value, got none", name, dist->name);
        for (size_t i = 0; i < len; i++)
          {
            if (positive && !(values[i] > 0.0))
              return fail_arg (reason, dist, arg, "positive", values[i], i, len);
            if (!isfinite (values[i]))
              return fail_arg (reason, dist, arg, "finite", values[i], i, len);
          }
        return TRUE;
      }
    case CR_DOMAIN_REAL:
    case CR_DOMAIN_POSITIVE:
    case CR_DOMAIN_PROBABILITY:
    case CR_DOMAIN_OPEN_UNIT_BALL:
    case CR_DOMAIN_NONNEGATIVE_INTEGER:
    case CR_DOMAIN_INTEGER:
    case CR_DOMAIN_DIMENSION:
    default:
      /* a scalar argument may carry one value per element (dist.h, CR_DIST_ELEMENTWISE) */
      if (len == 0)
        return fail (reason, "%s of %s must have a value, got none", name, dist->name);
      for (size_t i = 0; i < len; i++)
        if (!check_scalar (dist, arg, values[i], i, len, reason))
          return FALSE;
      return TRUE;
    }
}

/* ---- values ---------------------------------------------------------------------------- */

/* The lengths the arguments must have for @n_x values: scalar arguments one value or one per
 * value of x; for ELEMENTWISE_VECTOR_ARGS the vector arguments share one length K; for
 * JOINT a vector argument is as long as x and a Cholesky factor n_x * n_x. */
static gboolean
check_arg_lengths (const CrDistribution *dist,
                   size_t n_x,
                   const size_t *arg_len,
                   char **reason)
{
  int first_vector = -1;
  for (guint k = 0; k < dist->n_args; k++)
    {
      const char *name = dist->arg_names[k];
      CrArgDomain domain = dist->arg_domains[k];
      if (!is_vector_domain (domain))
        {
          if (arg_len[k] != 1 && arg_len[k] != n_x)
            return fail (reason, "%s of %s has %zu values for %zu values of the variable; "
                                 "give one value, or one for each",
                         name, dist->name, arg_len[k], n_x);
          continue;
        }
      if (dist->kind == CR_DIST_JOINT)
        {
          size_t expected = domain == CR_DOMAIN_CHOLESKY_FACTOR ? n_x * n_x : n_x;
          if (arg_len[k] != expected)
            return fail (reason, "%s of %s has %zu values, but a draw of %zu values needs %zu",
                         name, dist->name, arg_len[k], n_x, expected);
        }
      else if (first_vector < 0)
        first_vector = (int) k;
      else if (arg_len[k] != arg_len[first_vector])
        return fail (reason, "%s and %s of %s must have the same length, got %zu and %zu",
                     dist->arg_names[first_vector], name, dist->name, arg_len[first_vector],
                     arg_len[k]);
    }
  return TRUE;
}

/* Argument @k's value for element @i, broadcasting a single value. */
static double
element_arg (const double *const *args, const size_t *arg_len, guint k, size_t i)
{
  return args[k][arg_len[k] == 1 ? 0 : i];
}

/* Whether the density is finite at @x: used only on the boundary of an open support. */
static gboolean
density_is_finite (const CrDistribution *dist,
                   const double *x,
                   size_t n_x,
                   size_t i,
                   const double *const *args,
                   const size_t *arg_len)
{
  if (args == NULL)
    return FALSE;
  if (dist->kind == CR_DIST_ELEMENTWISE)
    {
      if (dist->log_density == NULL)
        return FALSE;
      double element_args[CR_DIST_MAX_ARGS];
      for (guint k = 0; k < dist->n_args; k++)
        element_args[k] = element_arg (args, arg_len, k, i);
      return dist->log_density (x[i], element_args, NULL, NULL) > -INFINITY;
    }
  if (dist->log_density_vector == NULL)
    return FALSE;
  return dist->log_density_vector (x, n_x, args, arg_len, NULL, NULL, NULL) > -INFINITY;
}

/* Sets *reason to "<Dist> <noun> must be <requirement>, got <x>[ at index i]". */
static gboolean
fail_value (char **reason,
            const CrDistribution *dist,
            const char *noun,
            const char *requirement,
            double value,
            size_t index,
            size_t n_x)
{
  if (reason != NULL)
    {
      g_autofree char *number = format_number (value);
      g_autofree char *where = format_index (index, n_x);
      *reason = g_strdup_printf ("%s %s must be %s, got %s%s", dist->name, noun, requirement,
                                 number, where);
    }
  return FALSE;
}

/* Checks the arguments named @lower_name and @upper_name, which the support depends on, and
 * that lower < upper (or <= when @closed) for every element. */
static gboolean
check_bounds (const CrDistribution *dist,
              int lower_arg,
              int upper_arg,
              gboolean closed,
              size_t n_x,
              const double *const *args,
              const size_t *arg_len,
              char **reason)
{
  if (!cr_dist_check_arg (dist, (guint) lower_arg, args[lower_arg], arg_len[lower_arg], reason)
      || !cr_dist_check_arg (dist, (guint) upper_arg, args[upper_arg], arg_len[upper_arg], reason))
    return FALSE;
  for (size_t i = 0; i < MAX (n_x, 1); i++)
    {
      double lower = element_arg (args, arg_len, (guint) lower_arg, i);
      double upper = element_arg (args, arg_len, (guint) upper_arg, i);
      if (closed ? !(lower <= upper) : !(lower < upper))
        {
          g_autofree char *lower_text = format_number (lower);
          g_autofree char *upper_text = format_number (upper);
          g_autofree char *where = format_index (i, n_x);
          return fail (reason, "lower of %s must be %s upper, got lower = %s and upper = %s%s",
                       dist->name, closed ? "at most" : "below", lower_text, upper_text, where);
        }
    }
  return TRUE;
}

static gboolean
check_interval_values (const CrDistribution *dist,
                       const double *x,
                       size_t n_x,
                       const double *const *args,
                       const size_t *arg_len,
                       char **reason)
{
  int lower_arg = cr_dist_arg_index (dist, "lower");
  int upper_arg = cr_dist_arg_index (dist, "upper");
  g_return_val_if_fail (lower_arg >= 0 && upper_arg >= 0, FALSE);
  g_return_val_if_fail (args != NULL, FALSE);
  if (!check_bounds (dist, lower_arg, upper_arg, FALSE, n_x, args, arg_len, reason))
    return FALSE;

  for (size_t i = 0; i < n_x; i++)
    {
      double lower = element_arg (args, arg_len, (guint) lower_arg, i);
      double upper = element_arg (args, arg_len, (guint) upper_arg, i);
      gboolean inside = isfinite (x[i]) && x[i] > lower && x[i] < upper;
      gboolean on_bound = isfinite (x[i]) && (x[i] == lower || x[i] == upper);
      if (!inside && !(on_bound && density_is_finite (dist, x, n_x, i, args, arg_len)))
        {
          g_autofree char *lower_text = format_number (lower);
          g_autofree char *upper_text = format_number (upper);
          g_autofree char *requirement = g_strdup_printf ("between lower = %s and upper = %s",
                                                          lower_text, upper_text);
          return fail_value (reason, dist, "values", requirement, x[i], i, n_x);
        }
    }
  return TRUE;
}

static gboolean
check_bounded_integer_values (const CrDistribution *dist,
                              const double *x,
                              size_t n_x,
                              const double *const *args,
                              const size_t *arg_len,
                              char **reason)
{
  g_return_val_if_fail (args != NULL, FALSE);
  int n_arg = cr_dist_arg_index (dist, "n");
  int lower_arg = cr_dist_arg_index (dist, "lower");
  int upper_arg = cr_dist_arg_index (dist, "upper");

  if (n_arg >= 0)
    {
      /* 0 .. n: Binomial, BetaBinomial */
      if (!cr_dist_check_arg (dist, (guint) n_arg, args[n_arg], arg_len[n_arg], reason))
        return FALSE;
      for (size_t i = 0; i < n_x; i++)
        {
          double n = element_arg (args, arg_len, (guint) n_arg, i);
          if (!is_integer (x[i]) || x[i] < 0.0 || x[i] > n)
            {
              g_autofree char *n_text = format_number (n);
              g_autofree char *requirement = g_strdup_printf ("integers from 0 to n = %s", n_text);
              return fail_value (reason, dist, "counts", requirement, x[i], i, n_x);
            }
        }
      return TRUE;
    }

  if (lower_arg >= 0 && upper_arg >= 0)
    {
      /* lower .. upper: DiscreteUniform */
      if (!check_bounds (dist, lower_arg, upper_arg, TRUE, n_x, args, arg_len, reason))
        return FALSE;
      for (size_t i = 0; i < n_x; i++)
        {
          double lower = element_arg (args, arg_len, (guint) lower_arg, i);
          double upper = element_arg (args, arg_len, (guint) upper_arg, i);
          if (!is_integer (x[i]) || x[i] < lower || x[i] > upper)
            {
              g_autofree char *lower_text = format_number (lower);
              g_autofree char *upper_text = format_number (upper);
              g_autofree char *requirement = g_strdup_printf (
                "integers from lower = %s to upper = %s", lower_text, upper_text);
              return fail_value (reason, dist, "values", requirement, x[i], i, n_x);
            }
        }
      return TRUE;
    }

  /* 0 .. K - 1, K the length of the first vector argument: Categorical */
  for (guint k = 0; k < dist->n_args; k++)
    {
      if (!is_vector_domain (dist->arg_domains[k]))
        continue;
      size_t n_categories = arg_len[k];
      for (size_t i = 0; i < n_x; i++)
        if (!is_integer (x[i]) || x[i] < 0.0 || x[i] >= (double) n_categories)
          {
            g_autofree char *requirement = g_strdup_printf (
                "category codes from 0 to %zu (%s has %zu entries)",
                n_categories > 0 ? n_categories - 1 : 0, dist->arg_names[k], n_categories);
            return fail_value (reason, dist, "values", requirement, x[i], i, n_x);
          }
      /* A code whose probability is 0 has density 0: say so here, where it can be named,
       * rather than as a log density of -inf at every draw. */
      if (dist->arg_domains[k] == CR_DOMAIN_SIMPLEX && args[k] != NULL)
        for (size_t i = 0; i < n_x; i++)
          if (args[k][(size_t) x[i]] == 0.0)
            {
              g_autofree char *requirement = g_strdup_printf ("codes of categories whose %s is above 0",
                                                              dist->arg_names[k]);
              return fail_value (reason, dist, "values", requirement, x[i], i, n_x);
            }
      return TRUE;
    }
  g_return_val_if_reached (FALSE);
}

static gboolean
check_simplex_value (const CrDistribution *dist,
                     const double *x,
                     size_t n_x,
                     const double *const *args,
                     const size_t *arg_len,
                     char **reason)
{
  if (n_x < 2)
    return fail (reason, "%s values must be a simplex of at least 2 probabilities, got %zu value%s",
                 dist->name, n_x, n_x == 1 ? "" : "s");
  double sum = 0.0;
  gboolean on_boundary = FALSE;
  for (size_t i = 0; i < n_x; i++)
    {
      if (!(x[i] >= 0.0 && x[i] <= 1.0))
        return fail_value (reason, dist, "values", "probabilities between 0 and 1", x[i], i, n_x);
      on_boundary = on_boundary || x[i] == 0.0;
      sum += x[i];
    }
  if (!(fabs (sum - 1.0) <= SIMPLEX_SUM_TOLERANCE))
    {
      g_autofree char *number = format_number (sum);
      return fail (reason, "%s values must sum to 1, got a sum of %s", dist->name, number);
    }
  if (on_boundary && !density_is_finite (dist, x, n_x, 0, args, arg_len))
    return fail (reason, "%s values must be positive where the density vanishes at 0, got a zero "
                         "probability",
                 dist->name);
  return TRUE;
}

static gboolean
check_cholesky_corr_value (const CrDistribution *dist,
                           const double *x,
                           size_t n_x,
                           const double *const *args,
                           const size_t *arg_len,
                           char **reason)
{
  size_t k = (size_t) llround (sqrt ((double) n_x));
  int n_arg = cr_dist_arg_index (dist, "n");
  if (args != NULL && n_arg >= 0)
    {
      if (!cr_dist_check_arg (dist, (guint) n_arg, args[n_arg], arg_len[n_arg], reason))
        return FALSE;
      double n = args[n_arg][0];
      if ((double) n_x != n * n)
        {
          g_autofree char *n_text = format_number (n);
          return fail (reason, "%s values must be an n x n matrix with n = %s, got %zu values",
                       dist->name, n_text, n_x);
        }
    }
  if (n_x == 0 || k * k != n_x)
    return fail (reason, "%s values must be a square matrix, got %zu values", dist->name, n_x);

  for (size_t row = 0; row < k; row++)
    {
      double norm_squared = 0.0;
      for (size_t column = 0; column < k; column++)
        {
          double v = x[row * k + column];
          const char *requirement = NULL;
          if (!isfinite (v))
            requirement = "finite";
          else if (column > row && v != 0.0)
            requirement = "a lower-triangular Cholesky factor";
          else if (column == row && !(v > 0.0))
            requirement = "a Cholesky factor with a positive diagonal";
          if (requirement != NULL)
            {
              g_autofree char *number = format_number (v);
              return fail (reason, "%s values must be %s, got %s at row %zu, column %zu",
                           dist->name, requirement, number, row, column);
            }
          norm_squared += v * v;
        }
      /* rows of a correlation's Cholesky factor have unit length: diag(L L') = 1 */
      if (!(fabs (norm_squared - 1.0) <= UNIT_ROW_TOLERANCE))
        {
          g_autofree char *number = format_number (sqrt (norm_squared));
          return fail (reason, "%s values must be the Cholesky factor of a correlation matrix, "
                               "with rows of length 1; row %zu has length %s",
                       dist->name, row, number);
        }
    }
  return TRUE;
}

gboolean
cr_dist_check_value (const CrDistribution *dist,
                     const double *x,
                     size_t n_x,
                     const double *const *args,
                     const size_t *arg_len,
                     char **reason)
{
  g_return_val_if_fail (dist != NULL, FALSE);
  g_return_val_if_fail (x != NULL || n_x == 0, FALSE);
  g_return_val_if_fail (args == NULL || arg_len != NULL, FALSE);
  if (reason != NULL)
    *reason = NULL;

  if (args != NULL && !check_arg_lengths (dist, n_x, arg_len, reason))
    return FALSE;

  switch (dist->support)
    {
    case CR_SUPPORT_REAL:
      for (size_t i = 0; i < n_x; i++)
        if (!isfinite (x[i]))
          return fail_value (reason, dist, "values", "finite", x[i], i, n_x);
      return TRUE;

    case CR_SUPPORT_POSITIVE:
      for (size_t i = 0; i < n_x; i++)
        if (!(x[i] > 0.0 && x[i] < INFINITY)
            && !(x[i] == 0.0 && density_is_finite (dist, x, n_x, i, args, arg_len)))
          return fail_value (reason, dist, "values", "positive and finite", x[i], i, n_x);
      return TRUE;

    case CR_SUPPORT_UNIT:
      for (size_t i = 0; i < n_x; i++)
        if (!(x[i] > 0.0 && x[i] < 1.0)
            && !((x[i] == 0.0 || x[i] == 1.0)
                 && density_is_finite (dist, x, n_x, i, args, arg_len)))
          return fail_value (reason, dist, "values", "between 0 and 1", x[i], i, n_x);
      return TRUE;

    case CR_SUPPORT_INTERVAL:
      return check_interval_values (dist, x, n_x, args, arg_len, reason);

    case CR_SUPPORT_NONNEGATIVE_INTEGER:
      for (size_t i = 0; i < n_x; i++)
        if (!is_integer (x[i]) || x[i] < 0.0)
          return fail_value (reason, dist, "counts", "non-negative integers", x[i], i, n_x);
      return TRUE;

    case CR_SUPPORT_BINARY:
      for (size_t i = 0; i < n_x; i++)
        if (!(x[i] == 0.0 || x[i] == 1.0))
          return fail_value (reason, dist, "values", "0 or 1", x[i], i, n_x);
      return TRUE;

    case CR_SUPPORT_BOUNDED_INTEGER:
      return check_bounded_integer_values (dist, x, n_x, args, arg_len, reason);

    case CR_SUPPORT_SIMPLEX:
      return check_simplex_value (dist, x, n_x, args, arg_len, reason);

    case CR_SUPPORT_CHOLESKY_CORR:
      return check_cholesky_corr_value (dist, x, n_x, args, arg_len, reason);

    case CR_SUPPORT_REAL_VECTOR:
      if (n_x == 0)
        return fail (reason, "%s values must have at least 1 value, got none", dist->name);
      for (size_t i = 0; i < n_x; i++)
        if (!isfinite (x[i]))
          return fail_value (reason, dist, "values", "finite", x[i], i, n_x);
      return TRUE;

    default:
      g_return_val_if_reached (FALSE);
    }
}
