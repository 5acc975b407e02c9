/* transform.h: the constraining transforms that let the sampler work on an unconstrained
 * vector. Each free variable owns a slice y of the sampler's vector; a transform maps y to the
 * variable's constrained value x and contributes log|det J| of that map to the log density,
 * and its reverse mode pushes dL/dx back to dL/dy (adding the log-Jacobian's own gradient).
 *
 * Sizes: a variable of n constrained values has cr_transform_free_size (kind, n) unconstrained
 * ones: n for the elementwise kinds and ORDERED, K - 1 for a simplex of K = n values, and
 * K (K - 1) / 2 for a K x K Cholesky factor stored row-major in n = K * K values (zeros above
 * the diagonal). A simplex needs n >= 1 and a Cholesky factor a square n >= 1.
 *
 * The Jacobian: for the elementwise kinds and ORDERED it is that of y -> x; for SIMPLEX, of
 * y -> the first K - 1 values (the last is 1 minus their sum); for CHOLESKY_CORR, of y -> the
 * strictly-lower entries taken row by row (the rest follow from them). LANGUAGE.md takes a
 * simplex's density with respect to the same coordinates.
 *
 * Bounds: LOWER, UPPER and INTERVAL read the scalar @lower and/or @upper (the same bound for
 * every element); the other kinds ignore them. In forward and backward a bound that is not
 * finite, or lower >= upper for INTERVAL, gives NaN values: inside a trajectory that is a
 * divergence, never a crash or an error.
 *
 * Invariants: nothing here allocates, locks or keeps state, so any thread may call anything;
 * forward, backward and inverse never read or write outside y[0 .. free size) and x[0 .. n);
 * y and x must not overlap. The log-Jacobian is computed from y, never from x, so it stays
 * finite where x has rounded onto the edge of the support (an INTERVAL at y = 40).
 */
#pragma once

#include <glib.h>
#include <stddef.h>

G_BEGIN_DECLS

#define CR_TRANSFORM_ERROR (cr_transform_error_quark ())
GQuark cr_transform_error_quark (void);

typedef enum
{
  CR_TRANSFORM_ERROR_OUTSIDE_SUPPORT, /* a value not strictly inside the support */
  CR_TRANSFORM_ERROR_BOUNDS,          /* bounds that do not make a support (lower >= upper) */
  CR_TRANSFORM_ERROR_UNREPRESENTABLE, /* inside, but its unconstrained value overflows */
} CrTransformError;

/* Simplex sums and Cholesky row norms within this of 1 are accepted by the inverse. */
#define CR_TRANSFORM_UNIT_TOLERANCE 1e-8

typedef enum
{
  CR_TRANSFORM_IDENTITY,      /* x = y */
  CR_TRANSFORM_LOWER,         /* x = lower + exp(y); "log" is lower = 0 */
  CR_TRANSFORM_UPPER,         /* x = upper - exp(y) */
  CR_TRANSFORM_INTERVAL,      /* x = lower + (upper - lower) inv_logit(y) */
  CR_TRANSFORM_ORDERED,       /* x_0 = y_0, x_k = x_{k-1} + exp(y_k) */
  CR_TRANSFORM_SIMPLEX,       /* centred stick-breaking */
  CR_TRANSFORM_CHOLESKY_CORR, /* canonical partial correlations tanh(y) */
} CrTransformKind;

#define CR_TRANSFORM_N_KINDS (CR_TRANSFORM_CHOLESKY_CORR + 1)

/* Unconstrained size of a variable of @n constrained values (see Sizes above). */
size_t cr_transform_free_size (CrTransformKind kind,
                               size_t n);

/* Maps @y (free size) to @x (@n values) and returns log|det J|, summed over the variable.
 * A NaN in @y propagates to the values of @x it feeds (and to the result, unless the
 * log-Jacobian does not depend on that element: IDENTITY, the first of ORDERED). No
 * allocation. */
double cr_transform_forward (CrTransformKind kind,
                             double lower,
                             double upper,
                             const double *y,
                             double *x,
                             size_t n);

/* Reverse mode of cr_transform_forward (). Given @d_x = dL/dx (@n values), ADDS to @d_y (free
 * size) the gradient of L(x(y)) + log|det J(y)| with respect to y, and to *@d_lower and
 * *@d_upper (each may be NULL; untouched by kinds without that bound) the gradient of the
 * same sum with respect to the bounds. @y and @x are those of the matching forward call.
 * No allocation and no scratch: every kind needs O(1) extra memory. */
void cr_transform_backward (CrTransformKind kind,
                            double lower,
                            double upper,
                            const double *y,
                            const double *x,
                            size_t n,
                            const double *d_x,
                            double *d_y,
                            double *d_lower,
                            double *d_upper);

/* Maps @x (@n values) back to @y (free size), for initial values and `credence-cli logp --at`.
 * Returns FALSE with @error (CR_TRANSFORM_ERROR) when @x is not strictly inside the support:
 * the message names the element and states the support. A simplex must be positive and sum
 * to 1, and a correlation Cholesky factor must be zero above the diagonal, have a positive
 * diagonal and rows of norm 1, each within CR_TRANSFORM_UNIT_TOLERANCE; the inverse maps such
 * an x to the y of its normalised version. On failure @y is left in an unspecified state. */
gboolean cr_transform_inverse (CrTransformKind kind,
                               double lower,
                               double upper,
                               const double *x,
                               double *y,
                               size_t n,
                               GError **error);

/* Returns: (transfer none) the transform's name as the model language writes it
 * (`transform=ordered`): "identity", "log", "upper", "interval", "ordered", "simplex",
 * "cholesky_corr". */
const char *cr_transform_to_string (CrTransformKind kind);

/* Parses a name of cr_transform_to_string (), or "lower" (Stan's name) for LOWER. Returns
 * FALSE and leaves *@kind alone for any other name. */
gboolean cr_transform_from_string (const char *name,
                                   CrTransformKind *kind);

G_END_DECLS
