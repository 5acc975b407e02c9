/* test-transform.c: the constraining transforms of inference/transform/.
 *
 * Every kind is checked at random y and at extreme y (|y| up to 30), for several sizes,
 * against references that share no code with the transforms: the inverse, the log-determinant
 * of a finite-difference Jacobian (GSL LU), and central finite differences of
 * L(x(y)) + log|J| for a random linear L. Where doubles cannot carry a check (an x within a
 * few ulps of the edge of its support: near a bound that is not 0, a huge ordered element
 * followed by a small step, a tanh rounded to ±1; there no finite difference and no inverse
 * can see y move), the check is counted as limited by rounding, from an error estimate
 * written out below, and reported, never silently passed: at the centre and the moderate
 * draws every check must run, and each kind must have extreme draws that run too.
 */
#include "transform/transform.h"

#include <float.h>
#include <glib.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_permutation.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <string.h>

/* inverse(forward(y)) == y to this relative error, with an absolute floor. */
#define TOL_ROUND_TRIP 1e-9
#define TOL_ROUND_TRIP_FLOOR 1e-12
/* log|J| against the finite-difference log-determinant, and backward against finite
 * differences, relative with a floor of 1 (an absolute 1e-6 in a log-determinant is a relative
 * 1e-6 in the determinant; a gradient near 0 is compared at the scale of its terms, which are
 * O(1)). */
#define TOL_FD 1e-6
/* Fourth-order central differences (the five-point stencil): truncation is h^4 |f^(5)| / 30,
 * about 1e-11 relative for the exponentials, logistics and tanh of these maps (their k-th
 * derivatives are within a few 2^k of the first), and rounding is 1.5 eps |f| / h, estimated
 * below for each check. */
#define FD_STEP 1e-3
/* A finite-difference check is made only when its estimated rounding error is below this
 * fraction of the tolerance, so that a failure means a wrong transform, not noise. */
#define FD_NOISE_FRACTION 0.1
/* (1 + 8 + 8 + 1) / 12: how much the stencil amplifies rounding in f, per unit of eps|f|/h. */
#define STENCIL_NOISE_GAIN 1.5
/* Closed-form values computed two ways in double. */
#define TOL_EXACT (8 * DBL_EPSILON)
/* A forward simplex sums to 1, and a forward Cholesky row has squared norm 1, to this many
 * rounding errors per element. */
#define TOL_UNIT_PER_ELEMENT (8 * DBL_EPSILON)

#define SEED 20240611UL
#define MAX_N 25
#define MAX_FREE 10
#define N_DRAWS 25

static const double stencil_offsets[4] = { -2.0, -1.0, 1.0, 2.0 };

/* f' from f at y - 2h, y - h, y + h, y + 2h. The differences come first, so that a value that
 * does not move contributes exactly 0 however large it is. */
static double
stencil_derivative (const double f[4])
{
  return (8.0 * (f[2] - f[1]) - (f[3] - f[0])) / (12.0 * FD_STEP);
}

typedef struct
{
  CrTransformKind kind;
  double lower, upper;
  size_t n;
} Case;

static const Case cases[] = {
  { CR_TRANSFORM_IDENTITY, 0.0, 0.0, 1 },
  { CR_TRANSFORM_IDENTITY, 0.0, 0.0, 2 },
  { CR_TRANSFORM_IDENTITY, 0.0, 0.0, 5 },
  { CR_TRANSFORM_LOWER, 0.0, 0.0, 1 },
  { CR_TRANSFORM_LOWER, 0.0, 0.0, 2 },
  { CR_TRANSFORM_LOWER, -2.5, 0.0, 3 },
  { CR_TRANSFORM_LOWER, 7.0, 0.0, 1 },
  { CR_TRANSFORM_UPPER, 0.0, 0.0, 1 },
  { CR_TRANSFORM_UPPER, 0.0, 3.5, 2 },
  { CR_TRANSFORM_UPPER, 0.0, -4.0, 3 },
  { CR_TRANSFORM_INTERVAL, 0.0, 1.0, 1 },
  { CR_TRANSFORM_INTERVAL, 0.0, 1.0, 2 },
  { CR_TRANSFORM_INTERVAL, -1.0, 0.0, 2 },
  { CR_TRANSFORM_INTERVAL, -3.0, 10.0, 4 },
  { CR_TRANSFORM_ORDERED, 0.0, 0.0, 1 },
  { CR_TRANSFORM_ORDERED, 0.0, 0.0, 2 },
  { CR_TRANSFORM_ORDERED, 0.0, 0.0, 5 },
  { CR_TRANSFORM_SIMPLEX, 0.0, 0.0, 1 },
  { CR_TRANSFORM_SIMPLEX, 0.0, 0.0, 2 },
  { CR_TRANSFORM_SIMPLEX, 0.0, 0.0, 3 },
  { CR_TRANSFORM_SIMPLEX, 0.0, 0.0, 6 },
  { CR_TRANSFORM_CHOLESKY_CORR, 0.0, 0.0, 1 },
  { CR_TRANSFORM_CHOLESKY_CORR, 0.0, 0.0, 4 },
  { CR_TRANSFORM_CHOLESKY_CORR, 0.0, 0.0, 9 },
  { CR_TRANSFORM_CHOLESKY_CORR, 0.0, 0.0, 16 },
  { CR_TRANSFORM_CHOLESKY_CORR, 0.0, 0.0, 25 },
};

typedef enum
{
  MODE_ZERO,        /* y = 0: the centre (uniform simplex, identity correlation) */
  MODE_MODERATE,    /* y ~ U(-3, 3) */
  MODE_EXTREME,     /* y ~ U(-30, 30) */
  MODE_ALL_HIGH,    /* y = 30 */
  MODE_ALL_LOW,     /* y = -30 */
  MODE_ALTERNATING, /* y = 30, -30, 30, ... */
  N_MODES,
} Mode;

static const char *const mode_names[N_MODES] = {
  "centre",
  "moderate",
  "extreme",
  "all +30",
  "all -30",
  "alternating ±30",
};

/* The centre and moderate draws are never limited by rounding: every check must run there. */
static gboolean
mode_is_extreme (Mode mode)
{
  return mode >= MODE_EXTREME;
}

static size_t
mode_draws (Mode mode)
{
  return mode == MODE_MODERATE || mode == MODE_EXTREME ? N_DRAWS : 1;
}

static void
fill_y (gsl_rng *rng,
        Mode mode,
        double *y,
        size_t m)
{
  for (size_t i = 0; i < m; i++)
    switch (mode)
      {
      case MODE_ZERO:
        y[i] = 0.0;
        break;
      case MODE_MODERATE:
        y[i] = -3.0 + 6.0 * gsl_rng_uniform (rng);
        break;
      case MODE_EXTREME:
        y[i] = -30.0 + 60.0 * gsl_rng_uniform (rng);
        break;
      case MODE_ALL_HIGH:
        y[i] = 30.0;
        break;
      case MODE_ALL_LOW:
        y[i] = -30.0;
        break;
      case MODE_ALTERNATING:
        y[i] = i % 2 == 0 ? 30.0 : -30.0;
        break;
      default:
        g_assert_not_reached ();
      }
}

static size_t
cholesky_order (size_t n)
{
  size_t k = 0;
  while (k * k < n)
    k++;
  g_assert_cmpuint (k * k, ==, n);
  return k;
}

/* The coordinates of x whose Jacobian transform.h defines: all of x, the first K - 1 of a
 * simplex, the strictly-lower entries of a Cholesky factor row by row. Returns how many. */
static size_t
free_coordinates (CrTransformKind kind,
                  const double *x,
                  size_t n,
                  double *out)
{
  size_t m = 0;

  switch (kind)
    {
    case CR_TRANSFORM_SIMPLEX:
      for (size_t i = 0; i + 1 < n; i++)
        out[m++] = x[i];
      return m;
    case CR_TRANSFORM_CHOLESKY_CORR:
      {
        size_t order = cholesky_order (n);
        for (size_t i = 0; i < order; i++)
          for (size_t j = 0; j < i; j++)
            out[m++] = x[i * order + j];
        return m;
      }
    default:
      for (size_t i = 0; i < n; i++)
        out[m++] = x[i];
      return m;
    }
}

/* How far rounding x to doubles moves y, in units of eps: |dy_i/dx| |x| for the maps whose
 * y is a difference of x and a bound or of neighbours of x (an x within a few ulps of a bound
 * that is not 0 has lost y's digits; the loss is in any double representation of x, not in
 * the transform). A simplex and a Cholesky factor carry y in ratios of their own elements,
 * which rounding barely disturbs, so their round trip must meet the plain tolerance. */
static double
round_trip_condition (const Case *c,
                      const double *y,
                      const double *x,
                      size_t i)
{
  double p, q;

  switch (c->kind)
    {
    case CR_TRANSFORM_LOWER:
    case CR_TRANSFORM_UPPER:
      return fabs (x[i]) / exp (y[i]);
    case CR_TRANSFORM_INTERVAL:
      p = 1.0 / (1.0 + exp (-y[i]));
      q = 1.0 / (1.0 + exp (y[i]));
      return fabs (x[i]) / ((c->upper - c->lower) * p * q);
    case CR_TRANSFORM_ORDERED:
      return i == 0 ? 0.0 : (fabs (x[i]) + fabs (x[i - 1])) / exp (y[i]);
    default:
      return 0.0;
    }
}

/* x in the support: strictly inside when @strict, else possibly on its edge. */
static void
assert_in_support (const Case *c,
                   const double *x,
                   gboolean strict)
{
  size_t n = c->n;

  for (size_t i = 0; i < n; i++)
    g_assert_true (isfinite (x[i]));

  switch (c->kind)
    {
    case CR_TRANSFORM_IDENTITY:
      break;
    case CR_TRANSFORM_LOWER:
      for (size_t i = 0; i < n; i++)
        g_assert_true (strict ? x[i] > c->lower : x[i] >= c->lower);
      break;
    case CR_TRANSFORM_UPPER:
      for (size_t i = 0; i < n; i++)
        g_assert_true (strict ? x[i] < c->upper : x[i] <= c->upper);
      break;
    case CR_TRANSFORM_INTERVAL:
      for (size_t i = 0; i < n; i++)
        {
          g_assert_true (strict ? x[i] > c->lower : x[i] >= c->lower);
          g_assert_true (strict ? x[i] < c->upper : x[i] <= c->upper);
        }
      break;
    case CR_TRANSFORM_ORDERED:
      for (size_t i = 1; i < n; i++)
        g_assert_true (strict ? x[i] > x[i - 1] : x[i] >= x[i - 1]);
      break;
    case CR_TRANSFORM_SIMPLEX:
      {
        double sum = 0.0;
        for (size_t i = 0; i < n; i++)
          {
            g_assert_cmpfloat (x[i], >, 0.0);
            sum += x[i];
          }
        g_assert_cmpfloat (fabs (sum - 1.0), <=, TOL_UNIT_PER_ELEMENT * (double) n);
        break;
      }
    case CR_TRANSFORM_CHOLESKY_CORR:
      {
        size_t order = cholesky_order (n);
        for (size_t i = 0; i < order; i++)
          {
            double squared_norm = 0.0;
            for (size_t j = 0; j < order; j++)
              {
                if (j > i)
                  g_assert_cmpfloat (x[i * order + j], ==, 0.0);
                else
                  squared_norm += x[i * order + j] * x[i * order + j];
              }
            g_assert_cmpfloat (x[i * order + i], >, 0.0);
            g_assert_cmpfloat (fabs (squared_norm - 1.0), <=,
                               TOL_UNIT_PER_ELEMENT * (double) order);
          }
        break;
      }
    default:
      g_assert_not_reached ();
    }
}

typedef struct
{
  size_t checked[N_MODES];
  size_t limited[N_MODES]; /* limited by rounding, counted and reported */
} Tally;

/* Reports the counts and fails unless every check ran at the centre and the moderate draws
 * and some ran at the extremes. */
static void
tally_report (const char *what,
              CrTransformKind kind,
              const Tally *tally)
{
  size_t checked_extreme = 0;

  for (int mode = 0; mode < N_MODES; mode++)
    {
      g_test_message ("%s %s, %s y: %" G_GSIZE_FORMAT " checked, %" G_GSIZE_FORMAT
                      " limited by rounding",
                      cr_transform_to_string (kind), what, mode_names[mode],
                      tally->checked[mode], tally->limited[mode]);
      if (mode_is_extreme ((Mode) mode))
        checked_extreme += tally->checked[mode];
      else
        {
          g_assert_cmpuint (tally->limited[mode], ==, 0);
          g_assert_cmpuint (tally->checked[mode], >, 0);
        }
    }
  g_assert_cmpuint (checked_extreme, >, 0);
}

static gsl_rng *
new_rng (CrTransformKind kind,
         unsigned long salt)
{
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  g_assert_nonnull (rng);
  /* Each test its own stream, so that one test's draws do not depend on which ran before. */
  gsl_rng_set (rng, SEED + 1000UL * (unsigned long) kind + salt);
  return rng;
}

static void
test_round_trip (gconstpointer data)
{
  CrTransformKind kind = GPOINTER_TO_INT (data);
  gsl_rng *rng = new_rng (kind, 1);
  Tally tally = { { 0 }, { 0 } };

  for (size_t ci = 0; ci < G_N_ELEMENTS (cases); ci++)
    {
      const Case *c = &cases[ci];
      if (c->kind != kind)
        continue;
      size_t m = cr_transform_free_size (kind, c->n);
      for (int mode = 0; mode < N_MODES; mode++)
        for (size_t draw = 0; draw < mode_draws ((Mode) mode); draw++)
          {
            double y[MAX_FREE], x[MAX_N], y_back[MAX_FREE];
            fill_y (rng, (Mode) mode, y, m);
            double log_jacobian = cr_transform_forward (kind, c->lower, c->upper, y, x, c->n);
            g_assert_true (isfinite (log_jacobian));

            /* x can round onto the edge of the support only where its rounding moves y by
             * about 1; there the support is closed and the inverse would rightly refuse. */
            gboolean representable = TRUE;
            for (size_t i = 0; i < m; i++)
              if (4.0 * DBL_EPSILON * round_trip_condition (c, y, x, i) >= 1.0)
                representable = FALSE;
            assert_in_support (c, x, representable);
            if (!representable)
              {
                tally.limited[mode]++;
                continue;
              }

            g_autoptr (GError) error = NULL;
            g_assert_true (cr_transform_inverse (kind, c->lower, c->upper, x, y_back, c->n,
                                                 &error));
            g_assert_no_error (error);
            for (size_t i = 0; i < m; i++)
              {
                double tolerance = fmax (TOL_ROUND_TRIP * fabs (y[i]), TOL_ROUND_TRIP_FLOOR)
                                   + 4.0 * DBL_EPSILON * round_trip_condition (c, y, x, i);
                g_assert_cmpfloat (fabs (y_back[i] - y[i]), <=, tolerance);
              }
            tally.checked[mode]++;
          }
    }
  tally_report ("round trip", kind, &tally);
  gsl_rng_free (rng);
}

/* Whether x_i can depend on direction @j (y_j, or a bound when @j >= free size): the
 * sparsity of each map's Jacobian, from transform.h. A term that can depend on the direction
 * but did not move has had its change rounded away, so its rounding still counts. */
static gboolean
depends_on (const Case *c,
            size_t i,
            size_t j)
{
  size_t m = cr_transform_free_size (c->kind, c->n);

  if (j >= m)
    return TRUE;
  switch (c->kind)
    {
    case CR_TRANSFORM_ORDERED:
    case CR_TRANSFORM_SIMPLEX:
      return j <= i;
    case CR_TRANSFORM_CHOLESKY_CORR:
      {
        size_t order = cholesky_order (c->n), row = 1, first = 0;
        while (first + row <= j)
          first += row++;
        return i / order == row && j - first <= i % order;
      }
    default:
      return i == j;
    }
}

/* Where the i-th free coordinate (see free_coordinates ()) sits in x. */
static size_t
free_coordinate_position (const Case *c,
                          size_t i)
{
  if (c->kind != CR_TRANSFORM_CHOLESKY_CORR)
    return i;
  size_t order = cholesky_order (c->n), row = 1, first = 0;
  while (first + row <= i)
    first += row++;
  return row * order + (i - first);
}

static void
test_log_jacobian (gconstpointer data)
{
  CrTransformKind kind = GPOINTER_TO_INT (data);
  gsl_rng *rng = new_rng (kind, 2);
  Tally tally = { { 0 }, { 0 } };

  for (size_t ci = 0; ci < G_N_ELEMENTS (cases); ci++)
    {
      const Case *c = &cases[ci];
      if (c->kind != kind)
        continue;
      size_t m = cr_transform_free_size (kind, c->n);
      for (int mode = 0; mode < N_MODES; mode++)
        for (size_t draw = 0; draw < mode_draws ((Mode) mode); draw++)
          {
            double y[MAX_FREE], x[MAX_N];
            fill_y (rng, (Mode) mode, y, m);
            double log_jacobian = cr_transform_forward (kind, c->lower, c->upper, y, x, c->n);
            if (m == 0)
              {
                /* A simplex of 1 or a 1 x 1 factor is a constant: no volume to account for. */
                g_assert_cmpfloat (log_jacobian, ==, 0.0);
                tally.checked[mode]++;
                continue;
              }

            gsl_matrix *jacobian = gsl_matrix_alloc (m, m);
            gsl_matrix *noise = gsl_matrix_alloc (m, m);
            gsl_matrix *inverse = gsl_matrix_alloc (m, m);
            gsl_permutation *permutation = gsl_permutation_alloc (m);
            /* Each coordinate of x is a product or sum of about m + 2 rounded terms. */
            double relative_rounding = 2.0 * (double) (m + 2) * DBL_EPSILON;
            for (size_t j = 0; j < m; j++)
              {
                double f[4][MAX_N];
                for (size_t s = 0; s < 4; s++)
                  {
                    double y_step[MAX_FREE], x_step[MAX_N];
                    memcpy (y_step, y, m * sizeof (double));
                    y_step[j] = y[j] + stencil_offsets[s] * FD_STEP;
                    cr_transform_forward (kind, c->lower, c->upper, y_step, x_step, c->n);
                    g_assert_cmpuint (free_coordinates (kind, x_step, c->n, f[s]), ==, m);
                  }
                for (size_t i = 0; i < m; i++)
                  {
                    double column[4] = { f[0][i], f[1][i], f[2][i], f[3][i] };
                    double largest = fmax (fmax (fabs (column[0]), fabs (column[1])),
                                           fmax (fabs (column[2]), fabs (column[3])));
                    gsl_matrix_set (jacobian, i, j, stencil_derivative (column));
                    gboolean can_move = depends_on (c, free_coordinate_position (c, i), j);
                    gsl_matrix_set (noise, i, j,
                                    can_move ? STENCIL_NOISE_GAIN * relative_rounding * largest
                                                   / FD_STEP
                                             : 0.0);
                  }
              }

            int sign = 0;
            g_assert_cmpint (gsl_linalg_LU_decomp (jacobian, permutation, &sign), ==,
                             GSL_SUCCESS);
            double log_det = gsl_linalg_LU_lndet (jacobian);
            int det_sign = gsl_linalg_LU_sgndet (jacobian, sign);
            /* The log-determinant moves by tr(J^-1 dJ) when J moves by dJ: bound it by the
             * rounding in each finite-difference entry. A singular J has no such bound. */
            double log_det_noise = INFINITY;
            if (isfinite (log_det)
                && gsl_linalg_LU_invert (jacobian, permutation, inverse) == GSL_SUCCESS)
              {
                log_det_noise = 0.0;
                for (size_t i = 0; i < m; i++)
                  for (size_t j = 0; j < m; j++)
                    log_det_noise += fabs (gsl_matrix_get (inverse, j, i))
                                     * gsl_matrix_get (noise, i, j);
              }
            double tolerance = TOL_FD * fmax (1.0, fabs (log_jacobian));
            if (log_det_noise <= FD_NOISE_FRACTION * tolerance)
              {
                /* Every map here increases in each coordinate but UPPER, which decreases:
                 * the orientation is (-1)^n there and preserved everywhere else. */
                int expected_sign = kind == CR_TRANSFORM_UPPER && m % 2 == 1 ? -1 : 1;
                g_assert_cmpint (det_sign, ==, expected_sign);
                g_assert_cmpfloat (fabs (log_det - log_jacobian), <=, tolerance);
                tally.checked[mode]++;
              }
            else
              tally.limited[mode]++;

            gsl_permutation_free (permutation);
            gsl_matrix_free (inverse);
            gsl_matrix_free (noise);
            gsl_matrix_free (jacobian);
          }
    }
  tally_report ("log-Jacobian", kind, &tally);
  gsl_rng_free (rng);
}

/* The five-point derivative of L(x(y)) + log|J(y)|, L = sum c_i x_i, along one direction:
 * y_j moved when @j < free size, else the lower bound (@j = free size) or the upper bound
 * (@j = free size + 1). Each term, c_i x_i and log|J|, is differenced on its own before the
 * sum, which is the same derivative but keeps a large x_i that cannot move from drowning
 * the change of the others. *@noise gets the rounding error of the estimate: a term that
 * cannot move contributes none; one that can, STENCIL_NOISE_GAIN eps |term| / h per rounded
 * operation that made it (about free size + 2 of them). */
static double
objective_derivative (const Case *c,
                      const double *y,
                      const double *coefficients,
                      size_t j,
                      double *noise)
{
  size_t m = cr_transform_free_size (c->kind, c->n);
  double x[4][MAX_N], log_jacobian[4];
  double rounding_per_term = STENCIL_NOISE_GAIN * (double) (m + 2) * DBL_EPSILON / FD_STEP;

  for (size_t s = 0; s < 4; s++)
    {
      double y_step[MAX_FREE], lower = c->lower, upper = c->upper;
      double step = stencil_offsets[s] * FD_STEP;
      memcpy (y_step, y, m * sizeof (double));
      if (j < m)
        y_step[j] += step;
      else if (j == m)
        lower += step;
      else
        upper += step;
      log_jacobian[s] = cr_transform_forward (c->kind, lower, upper, y_step, x[s], c->n);
    }

  double derivative = stencil_derivative (log_jacobian), magnitude = 1.0;
  for (size_t s = 0; s < 4; s++)
    magnitude = fmax (magnitude, fabs (log_jacobian[s]) + 1.0);
  /* log|J| sums terms of about the size of y's elements, whatever their signs. */
  for (size_t i = 0; i < m; i++)
    magnitude += fabs (y[i]);
  for (size_t i = 0; i < c->n; i++)
    {
      double term[4] = { x[0][i], x[1][i], x[2][i], x[3][i] };
      derivative += coefficients[i] * stencil_derivative (term);
      if (depends_on (c, i, j))
        magnitude += fabs (coefficients[i])
                     * fmax (fmax (fabs (term[0]), fabs (term[1])),
                             fmax (fabs (term[2]), fabs (term[3])));
    }

  *noise = rounding_per_term * magnitude;
  return derivative;
}

/* Compares one gradient component with its finite difference when rounding allows, and
 * counts it as checked or limited by rounding. */
static void
check_derivative (double analytic,
                  double finite_difference,
                  double noise,
                  Tally *tally,
                  Mode mode)
{
  double tolerance = TOL_FD * fmax (1.0, fabs (analytic));

  g_assert_true (isfinite (analytic));
  if (noise > FD_NOISE_FRACTION * tolerance)
    {
      tally->limited[mode]++;
      return;
    }
  g_assert_cmpfloat (fabs (finite_difference - analytic), <=, tolerance);
  tally->checked[mode]++;
}

static void
test_gradient (gconstpointer data)
{
  CrTransformKind kind = GPOINTER_TO_INT (data);
  gsl_rng *rng = new_rng (kind, 3);
  Tally tally = { { 0 }, { 0 } };
  gboolean uses_lower = kind == CR_TRANSFORM_LOWER || kind == CR_TRANSFORM_INTERVAL;
  gboolean uses_upper = kind == CR_TRANSFORM_UPPER || kind == CR_TRANSFORM_INTERVAL;

  for (size_t ci = 0; ci < G_N_ELEMENTS (cases); ci++)
    {
      const Case *c = &cases[ci];
      if (c->kind != kind)
        continue;
      size_t m = cr_transform_free_size (kind, c->n);
      for (int mode = 0; mode < N_MODES; mode++)
        for (size_t draw = 0; draw < mode_draws ((Mode) mode); draw++)
          {
            double y[MAX_FREE], x[MAX_N], coefficients[MAX_N], d_x[MAX_N];
            double d_y[MAX_FREE], d_y_start[MAX_FREE], d_y_no_bounds[MAX_FREE];
            fill_y (rng, (Mode) mode, y, m);
            for (size_t i = 0; i < c->n; i++)
              coefficients[i] = d_x[i] = -1.0 + 2.0 * gsl_rng_uniform (rng);
            /* Start from nonzero values to see that backward adds rather than overwrites. */
            for (size_t i = 0; i < m; i++)
              d_y[i] = d_y_no_bounds[i] = d_y_start[i] = -1.0 + 2.0 * gsl_rng_uniform (rng);
            const double d_lower_start = 0.25, d_upper_start = -0.5;
            double d_lower = d_lower_start, d_upper = d_upper_start;

            cr_transform_forward (kind, c->lower, c->upper, y, x, c->n);
            cr_transform_backward (kind, c->lower, c->upper, y, x, c->n, d_x, d_y, &d_lower,
                                   &d_upper);
            cr_transform_backward (kind, c->lower, c->upper, y, x, c->n, d_x, d_y_no_bounds,
                                   NULL, NULL);
            g_assert_cmpmem (d_y, m * sizeof (double), d_y_no_bounds, m * sizeof (double));

            double noise, derivative;
            for (size_t j = 0; j < m; j++)
              {
                derivative = objective_derivative (c, y, coefficients, j, &noise);
                check_derivative (d_y[j] - d_y_start[j], derivative, noise, &tally, (Mode) mode);
              }
            if (uses_lower)
              {
                derivative = objective_derivative (c, y, coefficients, m, &noise);
                check_derivative (d_lower - d_lower_start, derivative, noise, &tally, (Mode) mode);
              }
            else
              g_assert_cmpfloat (d_lower, ==, d_lower_start);
            if (uses_upper)
              {
                derivative = objective_derivative (c, y, coefficients, m + 1, &noise);
                check_derivative (d_upper - d_upper_start, derivative, noise, &tally, (Mode) mode);
              }
            else
              g_assert_cmpfloat (d_upper, ==, d_upper_start);
          }
    }
  tally_report ("gradient component", kind, &tally);
  gsl_rng_free (rng);
}

/* Asserts that the inverse refuses @x with a message containing @expected. */
static void
assert_refused (CrTransformKind kind,
                double lower,
                double upper,
                const double *x,
                size_t n,
                CrTransformError code,
                const char *expected)
{
  double y[MAX_FREE];
  g_autoptr (GError) error = NULL;

  g_assert_false (cr_transform_inverse (kind, lower, upper, x, y, n, &error));
  g_assert_error (error, CR_TRANSFORM_ERROR, (int) code);
  if (strstr (error->message, expected) == NULL)
    g_error ("message \"%s\" does not contain \"%s\"", error->message, expected);
}

static void
test_inverse_refuses_elementwise (void)
{
  const double not_finite[] = { 1.0, NAN };
  const double infinite[] = { INFINITY };
  assert_refused (CR_TRANSFORM_IDENTITY, 0, 0, not_finite, 2, CR_TRANSFORM_ERROR_OUTSIDE_SUPPORT,
                  "element 1 is nan, outside the support (-inf, inf)");
  assert_refused (CR_TRANSFORM_IDENTITY, 0, 0, infinite, 1, CR_TRANSFORM_ERROR_OUTSIDE_SUPPORT,
                  "the value is inf");

  const double on_lower[] = { 1.0, 0.0 };
  const double below_lower[] = { 3.0, 1.5, 4.0 };
  assert_refused (CR_TRANSFORM_LOWER, 0.0, 0, on_lower, 2, CR_TRANSFORM_ERROR_OUTSIDE_SUPPORT,
                  "element 1 is 0, outside the support (0, inf)");
  assert_refused (CR_TRANSFORM_LOWER, 2.0, 0, below_lower, 3,
                  CR_TRANSFORM_ERROR_OUTSIDE_SUPPORT,
                  "element 1 is 1.5, outside the support (2, inf): it must be a finite number "
                  "greater than 2");
  assert_refused (CR_TRANSFORM_LOWER, -INFINITY, 0, below_lower, 3, CR_TRANSFORM_ERROR_BOUNDS,
                  "the lower bound is -inf");
  /* Inside the support, but x - lower overflows: no finite y reaches it. */
  const double far[] = { 1e308 };
  assert_refused (CR_TRANSFORM_LOWER, -1e308, 0, far, 1, CR_TRANSFORM_ERROR_UNREPRESENTABLE,
                  "the value is 1e+308: its unconstrained value is not finite");

  const double on_upper[] = { 2.0, 3.5 };
  assert_refused (CR_TRANSFORM_UPPER, 0, 3.5, on_upper, 2, CR_TRANSFORM_ERROR_OUTSIDE_SUPPORT,
                  "element 1 is 3.5, outside the support (-inf, 3.5): it must be a finite "
                  "number less than 3.5");

  const double on_interval_edge[] = { 0.5, 1.0 };
  const double on_interval_lower[] = { 0.0 };
  const double below_interval[] = { -0.25 };
  assert_refused (CR_TRANSFORM_INTERVAL, 0.0, 1.0, on_interval_edge, 2,
                  CR_TRANSFORM_ERROR_OUTSIDE_SUPPORT,
                  "element 1 is 1, outside the support (0, 1): it must be strictly between 0 "
                  "and 1");
  assert_refused (CR_TRANSFORM_INTERVAL, 0.0, 1.0, on_interval_lower, 1,
                  CR_TRANSFORM_ERROR_OUTSIDE_SUPPORT, "the value is 0, outside the support (0, 1)");
  assert_refused (CR_TRANSFORM_INTERVAL, 0.0, 1.0, below_interval, 1,
                  CR_TRANSFORM_ERROR_OUTSIDE_SUPPORT, "the value is -0.25");
  assert_refused (CR_TRANSFORM_INTERVAL, 2.0, 1.0, below_interval, 1, CR_TRANSFORM_ERROR_BOUNDS,
                  "the bounds (2, 1) do not make an interval");
}

static void
test_inverse_refuses_ordered (void)
{
  const double tie[] = { 1.0, 2.0, 2.0 };
  const double descending[] = { 0.0, -1.0 };
  const double not_finite[] = { 0.0, NAN };
  assert_refused (CR_TRANSFORM_ORDERED, 0, 0, tie, 3, CR_TRANSFORM_ERROR_OUTSIDE_SUPPORT,
                  "element 2 is 2, not greater than element 1 (2): an ordered vector must be "
                  "strictly increasing");
  assert_refused (CR_TRANSFORM_ORDERED, 0, 0, descending, 2, CR_TRANSFORM_ERROR_OUTSIDE_SUPPORT,
                  "element 1 is -1, not greater than element 0 (0)");
  assert_refused (CR_TRANSFORM_ORDERED, 0, 0, not_finite, 2, CR_TRANSFORM_ERROR_OUTSIDE_SUPPORT,
                  "element 1 is nan");
  /* A difference of finite doubles that overflows. */
  const double far[] = { -1e308, 1e308 };
  assert_refused (CR_TRANSFORM_ORDERED, 0, 0, far, 2, CR_TRANSFORM_ERROR_UNREPRESENTABLE,
                  "element 1 is 1e+308");
}

static void
test_inverse_refuses_simplex (void)
{
  const double negative[] = { 0.5, 0.6, -0.1 };
  const double zero[] = { 1.0, 0.0 };
  const double over[] = { 0.5, 0.6 };
  const double just_over[] = { 0.3, 0.3, 0.4 + 2e-8 };
  const double single[] = { 0.5 };
  assert_refused (CR_TRANSFORM_SIMPLEX, 0, 0, negative, 3, CR_TRANSFORM_ERROR_OUTSIDE_SUPPORT,
                  "element 2 is -0.1, outside the simplex");
  assert_refused (CR_TRANSFORM_SIMPLEX, 0, 0, zero, 2, CR_TRANSFORM_ERROR_OUTSIDE_SUPPORT,
                  "element 1 is 0, outside the simplex: its elements must be positive");
  assert_refused (CR_TRANSFORM_SIMPLEX, 0, 0, over, 2, CR_TRANSFORM_ERROR_OUTSIDE_SUPPORT,
                  "the elements sum to 1.1, outside the simplex: they must sum to 1 (within "
                  "1e-08)");
  assert_refused (CR_TRANSFORM_SIMPLEX, 0, 0, just_over, 3, CR_TRANSFORM_ERROR_OUTSIDE_SUPPORT,
                  "the elements sum to 1.00000002");
  assert_refused (CR_TRANSFORM_SIMPLEX, 0, 0, single, 1, CR_TRANSFORM_ERROR_OUTSIDE_SUPPORT,
                  "sum to 0.5");

  /* Within the tolerance the inverse accepts x and returns the y of x / sum(x). */
  const double within[] = { 0.3, 0.3, 0.4 + 5e-9 };
  double y[2], x[3], sum = within[0] + within[1] + within[2];
  g_autoptr (GError) error = NULL;
  g_assert_true (cr_transform_inverse (CR_TRANSFORM_SIMPLEX, 0, 0, within, y, 3, &error));
  g_assert_no_error (error);
  cr_transform_forward (CR_TRANSFORM_SIMPLEX, 0, 0, y, x, 3);
  for (size_t i = 0; i < 3; i++)
    g_assert_cmpfloat (fabs (x[i] - within[i] / sum), <=, TOL_EXACT);
}

static void
test_inverse_refuses_cholesky_corr (void)
{
  const double above[] = { 1.0, 0.1, 0.6, 0.8 };
  const double negative_diagonal[] = { 1.0, 0.0, 0.6, -0.8 };
  const double long_row[] = { 1.0, 0.0, 0.6, 0.9 };
  const double not_finite[] = { 1.0, 0.0, 0.0, 0.6, 0.8, 0.0, NAN, 0.0, 1.0 };
  const double long_first_row[] = { 1.5 };
  assert_refused (CR_TRANSFORM_CHOLESKY_CORR, 0, 0, above, 4,
                  CR_TRANSFORM_ERROR_OUTSIDE_SUPPORT,
                  "element [0, 1] is 0.1: a Cholesky factor must be 0 above the diagonal");
  assert_refused (CR_TRANSFORM_CHOLESKY_CORR, 0, 0, negative_diagonal, 4,
                  CR_TRANSFORM_ERROR_OUTSIDE_SUPPORT,
                  "element [1, 1] is -0.8: the diagonal of a correlation Cholesky factor must "
                  "be positive");
  assert_refused (CR_TRANSFORM_CHOLESKY_CORR, 0, 0, long_row, 4,
                  CR_TRANSFORM_ERROR_OUTSIDE_SUPPORT,
                  "row 1 has norm 1.081665383: each row of a correlation Cholesky factor must "
                  "have norm 1 (within 1e-08)");
  assert_refused (CR_TRANSFORM_CHOLESKY_CORR, 0, 0, not_finite, 9,
                  CR_TRANSFORM_ERROR_OUTSIDE_SUPPORT, "element [2, 0] is nan");
  assert_refused (CR_TRANSFORM_CHOLESKY_CORR, 0, 0, long_first_row, 1,
                  CR_TRANSFORM_ERROR_OUTSIDE_SUPPORT, "row 0 has norm 1.5");

  /* A row whose norm is within the tolerance maps to the y of the normalised row. */
  const double nearly[] = { 1.0, 0.0, 0.6 * (1.0 + 5e-9), 0.8 * (1.0 + 5e-9) };
  double y[1], x[4];
  g_autoptr (GError) error = NULL;
  g_assert_true (cr_transform_inverse (CR_TRANSFORM_CHOLESKY_CORR, 0, 0, nearly, y, 4, &error));
  g_assert_no_error (error);
  cr_transform_forward (CR_TRANSFORM_CHOLESKY_CORR, 0, 0, y, x, 4);
  g_assert_cmpfloat (fabs (x[2] - 0.6), <=, TOL_EXACT);
  g_assert_cmpfloat (fabs (x[3] - 0.8), <=, TOL_EXACT);
  /* atanh(0.6) by its definition. */
  g_assert_cmpfloat (fabs (y[0] - 0.5 * log (1.6 / 0.4)), <=, TOL_EXACT);
}

/* Far beyond |y| = 30 x rounds onto the edge of the support, but the log-Jacobian, computed
 * from y, must stay finite and exact, and so must the gradient. */
static void
test_interval_far_tails (void)
{
  const double far[] = { 40.0, -40.0, 800.0, -800.0 };
  const double lower = -1.0, upper = 3.0, width = upper - lower;

  for (size_t i = 0; i < G_N_ELEMENTS (far); i++)
    {
      double y = far[i], x, d_x = 0.5, d_y = 0.0, d_lower = 0.0, d_upper = 0.0;
      double log_jacobian = cr_transform_forward (CR_TRANSFORM_INTERVAL, lower, upper, &y, &x, 1);
      /* log(width) + log p + log(1 - p) with p = 1 / (1 + e^-y): for |y| this large it is
       * log(width) - |y| - 2 log1p(e^-|y|). */
      double expected = log (width) - fabs (y) - 2.0 * log1p (exp (-fabs (y)));
      g_assert_true (isfinite (log_jacobian));
      g_assert_cmpfloat (fabs (log_jacobian - expected), <=, TOL_EXACT * fabs (expected));
      g_assert_cmpfloat (x, >=, lower);
      g_assert_cmpfloat (x, <=, upper);

      cr_transform_backward (CR_TRANSFORM_INTERVAL, lower, upper, &y, &x, 1, &d_x, &d_y,
                             &d_lower, &d_upper);
      /* d/dy log p (1 - p) = 1 - 2p -> -sign(y); the x term is below rounding. */
      g_assert_cmpfloat (fabs (d_y + copysign (1.0, y)), <=, 1e-15);
      g_assert_true (isfinite (d_lower));
      g_assert_true (isfinite (d_upper));
    }
}

static void
test_vector_far_tails (void)
{
  double y[MAX_FREE], x[MAX_N], d_x[MAX_N], d_y[MAX_FREE];
  const CrTransformKind kinds[] = { CR_TRANSFORM_SIMPLEX, CR_TRANSFORM_CHOLESKY_CORR };
  const size_t sizes[] = { 4, 16 };

  for (size_t k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      size_t m = cr_transform_free_size (kinds[k], sizes[k]);
      for (size_t i = 0; i < m; i++)
        y[i] = i % 2 == 0 ? 800.0 : -800.0;
      for (size_t i = 0; i < sizes[k]; i++)
        d_x[i] = 1.0;
      for (size_t i = 0; i < m; i++)
        d_y[i] = 0.0;
      double log_jacobian = cr_transform_forward (kinds[k], 0, 0, y, x, sizes[k]);
      g_assert_true (isfinite (log_jacobian));
      g_assert_cmpfloat (log_jacobian, <, -800.0);
      for (size_t i = 0; i < sizes[k]; i++)
        {
          g_assert_true (isfinite (x[i]));
          g_assert_cmpfloat (fabs (x[i]), <=, 1.0);
        }
      cr_transform_backward (kinds[k], 0, 0, y, x, sizes[k], d_x, d_y, NULL, NULL);
      for (size_t i = 0; i < m; i++)
        g_assert_true (isfinite (d_y[i]));
    }
}

/* A NaN inside a trajectory is a value, never a crash: it reaches x, and bounds that make no
 * support make everything NaN. */
static void
test_nan_propagates (void)
{
  double y[MAX_FREE], x[MAX_N], d_x[MAX_N], d_y[MAX_FREE];
  double d_lower = 0.0, d_upper = 0.0;

  for (size_t ci = 0; ci < G_N_ELEMENTS (cases); ci++)
    {
      const Case *c = &cases[ci];
      size_t m = cr_transform_free_size (c->kind, c->n);
      if (m == 0)
        continue;
      for (size_t i = 0; i < m; i++)
        y[i] = 0.5;
      y[m - 1] = NAN;
      cr_transform_forward (c->kind, c->lower, c->upper, y, x, c->n);
      gboolean any_nan = FALSE;
      for (size_t i = 0; i < c->n; i++)
        any_nan = any_nan || isnan (x[i]);
      g_assert_true (any_nan);
    }

  y[0] = 0.5;
  g_assert_true (isnan (cr_transform_forward (CR_TRANSFORM_INTERVAL, 1.0, 1.0, y, x, 1)));
  g_assert_true (isnan (x[0]));
  g_assert_true (isnan (cr_transform_forward (CR_TRANSFORM_LOWER, NAN, 0.0, y, x, 1)));
  g_assert_true (isnan (x[0]));
  g_assert_true (isnan (cr_transform_forward (CR_TRANSFORM_UPPER, 0.0, INFINITY, y, x, 1)));
  d_x[0] = 1.0;
  d_y[0] = 0.0;
  cr_transform_backward (CR_TRANSFORM_INTERVAL, 2.0, 1.0, y, x, 1, d_x, d_y, &d_lower, &d_upper);
  g_assert_true (isnan (d_y[0]));
  g_assert_true (isnan (d_lower));
  g_assert_true (isnan (d_upper));
}

static void
test_free_size (void)
{
  g_assert_cmpuint (cr_transform_free_size (CR_TRANSFORM_IDENTITY, 5), ==, 5);
  g_assert_cmpuint (cr_transform_free_size (CR_TRANSFORM_LOWER, 0), ==, 0);
  g_assert_cmpuint (cr_transform_free_size (CR_TRANSFORM_INTERVAL, 3), ==, 3);
  g_assert_cmpuint (cr_transform_free_size (CR_TRANSFORM_ORDERED, 4), ==, 4);
  g_assert_cmpuint (cr_transform_free_size (CR_TRANSFORM_SIMPLEX, 1), ==, 0);
  g_assert_cmpuint (cr_transform_free_size (CR_TRANSFORM_SIMPLEX, 4), ==, 3);
  g_assert_cmpuint (cr_transform_free_size (CR_TRANSFORM_CHOLESKY_CORR, 1), ==, 0);
  g_assert_cmpuint (cr_transform_free_size (CR_TRANSFORM_CHOLESKY_CORR, 4), ==, 1);
  g_assert_cmpuint (cr_transform_free_size (CR_TRANSFORM_CHOLESKY_CORR, 9), ==, 3);
  g_assert_cmpuint (cr_transform_free_size (CR_TRANSFORM_CHOLESKY_CORR, 100), ==, 45);
}

/* A Cholesky factor of 8 values is a programmer's error, caught at the entry point. */
static void
test_free_size_rejects_non_square (void)
{
  g_test_expect_message ("Credence", G_LOG_LEVEL_CRITICAL, "*cholesky_order*");
  g_assert_cmpuint (cr_transform_free_size (CR_TRANSFORM_CHOLESKY_CORR, 8), ==, 0);
  g_test_assert_expected_messages ();
}

static void
test_names (void)
{
  CrTransformKind kind;

  for (int k = 0; k < CR_TRANSFORM_N_KINDS; k++)
    {
      const char *name = cr_transform_to_string ((CrTransformKind) k);
      g_assert_nonnull (name);
      kind = CR_TRANSFORM_N_KINDS;
      g_assert_true (cr_transform_from_string (name, &kind));
      g_assert_cmpint (kind, ==, k);
    }
  g_assert_cmpstr (cr_transform_to_string (CR_TRANSFORM_LOWER), ==, "log");
  g_assert_cmpstr (cr_transform_to_string (CR_TRANSFORM_INTERVAL), ==, "interval");
  g_assert_cmpstr (cr_transform_to_string (CR_TRANSFORM_CHOLESKY_CORR), ==, "cholesky_corr");
  g_assert_true (cr_transform_from_string ("lower", &kind));
  g_assert_cmpint (kind, ==, CR_TRANSFORM_LOWER);

  kind = CR_TRANSFORM_SIMPLEX;
  g_assert_false (cr_transform_from_string ("Log", &kind));
  g_assert_false (cr_transform_from_string ("", &kind));
  g_assert_false (cr_transform_from_string ("logit", &kind));
  g_assert_cmpint (kind, ==, CR_TRANSFORM_SIMPLEX);
}

int
main (int argc,
      char **argv)
{
  gsl_set_error_handler_off ();
  g_test_init (&argc, &argv, NULL);

  for (int k = 0; k < CR_TRANSFORM_N_KINDS; k++)
    {
      const char *name = cr_transform_to_string ((CrTransformKind) k);
      g_autofree char *round_trip = g_strdup_printf ("/transform/%s/round-trip", name);
      g_autofree char *log_jacobian = g_strdup_printf ("/transform/%s/log-jacobian", name);
      g_autofree char *gradient = g_strdup_printf ("/transform/%s/gradient", name);
      g_test_add_data_func (round_trip, GINT_TO_POINTER (k), test_round_trip);
      g_test_add_data_func (log_jacobian, GINT_TO_POINTER (k), test_log_jacobian);
      g_test_add_data_func (gradient, GINT_TO_POINTER (k), test_gradient);
    }
  g_test_add_func ("/transform/inverse/refuses-elementwise", test_inverse_refuses_elementwise);
  g_test_add_func ("/transform/inverse/refuses-ordered", test_inverse_refuses_ordered);
  g_test_add_func ("/transform/inverse/refuses-simplex", test_inverse_refuses_simplex);
  g_test_add_func ("/transform/inverse/refuses-cholesky-corr",
                   test_inverse_refuses_cholesky_corr);
  g_test_add_func ("/transform/interval/far-tails", test_interval_far_tails);
  g_test_add_func ("/transform/vector/far-tails", test_vector_far_tails);
  g_test_add_func ("/transform/nan/propagates", test_nan_propagates);
  g_test_add_func ("/transform/free-size/values", test_free_size);
  g_test_add_func ("/transform/free-size/rejects-non-square", test_free_size_rejects_non_square);
  g_test_add_func ("/transform/names/round-trip", test_names);

  return g_test_run ();
}
