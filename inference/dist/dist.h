/* dist.h: every distribution of LANGUAGE.md as data: argument names and domains, support,
 * log density with gradients in the value and in every argument, and a random generator.
 *
 * Log densities are the full ones (every normalising constant), at constrained values, with
 * the parameterisations of PyMC (LANGUAGE.md). They never return NaN: a value outside the
 * support, or an argument outside its domain, gives -INFINITY (and cr_dist_check_args () says
 * why). Gradients are finite wherever the density is finite and positive.
 *
 * Invariants: the table is constant and shared by all threads; no function here allocates,
 * locks, or keeps state between calls.
 */
#pragma once

#include <glib.h>
#include <gsl/gsl_rng.h>
#include <stddef.h>

G_BEGIN_DECLS

#define CR_DIST_MAX_ARGS 4

typedef enum
{
  CR_SUPPORT_REAL,                /* (-inf, inf) */
  CR_SUPPORT_POSITIVE,            /* (0, inf) */
  CR_SUPPORT_UNIT,                /* (0, 1) */
  CR_SUPPORT_INTERVAL,            /* (lower, upper): the arguments named "lower" and "upper" */
  CR_SUPPORT_NONNEGATIVE_INTEGER, /* 0, 1, 2, ... */
  CR_SUPPORT_BINARY,              /* 0 or 1 */
  CR_SUPPORT_BOUNDED_INTEGER,     /* 0..n (Binomial, BetaBinomial), lower..upper
                                   * (DiscreteUniform), 0..K-1 (Categorical) */
  CR_SUPPORT_SIMPLEX,             /* K positive values that sum to 1 */
  CR_SUPPORT_CHOLESKY_CORR,       /* n x n lower-triangular Cholesky factor of a correlation */
  CR_SUPPORT_REAL_VECTOR,         /* R^K as one draw (MvNormal, AR1, GaussianRandomWalk) */
} CrSupport;

typedef enum
{
  CR_DOMAIN_REAL,                 /* finite */
  CR_DOMAIN_POSITIVE,             /* finite and > 0 */
  CR_DOMAIN_PROBABILITY,          /* [0, 1] */
  CR_DOMAIN_OPEN_UNIT_BALL,       /* (-1, 1): the AR1 coefficient */
  CR_DOMAIN_NONNEGATIVE_INTEGER,  /* 0, 1, 2, ... (a count of trials) */
  CR_DOMAIN_INTEGER,              /* any integer (DiscreteUniform's bounds) */
  CR_DOMAIN_DIMENSION,            /* an integer >= 2 (LKJ's n) */
  CR_DOMAIN_SIMPLEX,              /* a vector of K >= 2 values in [0, 1] summing to 1 (1e-8) */
  CR_DOMAIN_POSITIVE_VECTOR,      /* a vector of K >= 1 values > 0 */
  CR_DOMAIN_REAL_VECTOR,          /* a vector of K >= 1 finite values */
  CR_DOMAIN_CHOLESKY_FACTOR,      /* K x K lower-triangular, positive diagonal (row-major) */
} CrArgDomain;

typedef enum
{
  /* One value per element of x; each argument is one value per element, or one value
   * broadcast to all. Uses log_density (). */
  CR_DIST_ELEMENTWISE,
  /* One value per element of x; the arguments are whole vectors shared by every element
   * (Categorical, NormalMixture). Uses log_density_vector (). */
  CR_DIST_ELEMENTWISE_VECTOR_ARGS,
  /* The whole x is one draw (Dirichlet, MvNormal, LKJCholeskyCorr, AR1,
   * GaussianRandomWalk). Uses log_density_vector (). */
  CR_DIST_JOINT,
} CrDistKind;

typedef struct
{
  const char *name; /* as written in a model: "Normal" */
  CrDistKind kind;
  guint n_args;
  const char *arg_names[CR_DIST_MAX_ARGS];
  CrArgDomain arg_domains[CR_DIST_MAX_ARGS];
  CrSupport support;
  gboolean discrete;
  /* FALSE for what NUTS cannot sample as a parameter: every discrete distribution. */
  gboolean can_be_free;

  /* CR_DIST_ELEMENTWISE: log p(x | args), one value of each argument. When @d_x (one value)
   * or @d_args (n_args values) is not NULL the partial derivatives are ASSIGNED there; a
   * derivative with respect to a discrete value or an integer argument is 0. */
  double (*log_density) (double x, const double *args, double *d_x, double *d_args);

  /* The other kinds: x has @n_x values (a JOINT draw of size n_x; for
   * ELEMENTWISE_VECTOR_ARGS n_x observations); argument k has @arg_len[k] values.
   * Derivatives are ACCUMULATED (+=) into @d_x (n_x) and @d_args[k] (arg_len[k]), each of
   * which may be NULL, as may @d_args itself. When @pointwise is not NULL it receives the
   * log-likelihood term of each observation: n_x terms for ELEMENTWISE_VECTOR_ARGS and for
   * AR1 and GaussianRandomWalk (term i conditional on the earlier ones), 1 term for the
   * other JOINT distributions. Returns the sum of the terms. */
  double (*log_density_vector) (const double *x,
                                size_t n_x,
                                const double *const *args,
                                const size_t *arg_len,
                                double *d_x,
                                double *const *d_args,
                                double *pointwise);

  /* CR_DIST_ELEMENTWISE: one draw given one value of each argument. */
  double (*sample) (const gsl_rng *rng, const double *args);

  /* The other kinds: fills @x with one draw (n_x values: a JOINT draw, or n_x independent
   * observations for ELEMENTWISE_VECTOR_ARGS). */
  void (*sample_vector) (const gsl_rng *rng,
                         const double *const *args,
                         const size_t *arg_len,
                         double *x,
                         size_t n_x);
} CrDistribution;

/* Returns: (transfer none) the distribution called @name (case-sensitive), or NULL. */
const CrDistribution *cr_dist_lookup (const char *name);

/* Returns: (transfer none) all distributions, in LANGUAGE.md's order; @n_out gets the count. */
const CrDistribution *const *cr_dist_all (size_t *n_out);

/* Returns: the index of the argument called @arg_name, or -1. */
int cr_dist_arg_index (const CrDistribution *dist, const char *arg_name);

/* Writes "Normal(mu, sigma)" into a new string. Returns: (transfer full) g_free () it. */
char *cr_dist_signature (const CrDistribution *dist);

/* Checks argument @arg (its @len values; len = K * K for a Cholesky factor) against its
 * domain. Returns: TRUE, or FALSE with a sentence in @reason (transfer full, g_free ()):
 * "sigma of Normal must be positive, got -1". */
gboolean cr_dist_check_arg (const CrDistribution *dist,
                            guint arg,
                            const double *values,
                            size_t len,
                            char **reason);

/* Checks @x (n_x values) against the support given the arguments. Returns: TRUE, or FALSE
 * with @reason as above: "Binomial counts must be integers from 0 to n = 10, got 11". */
gboolean cr_dist_check_value (const CrDistribution *dist,
                              const double *x,
                              size_t n_x,
                              const double *const *args,
                              const size_t *arg_len,
                              char **reason);

G_END_DECLS
