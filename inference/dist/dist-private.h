/* dist-private.h: the distribution objects, one per LANGUAGE.md entry, shared inside dist/.
 * dist.c lists them in the table; continuous.c, discrete.c and multivariate.c define them. */
#pragma once

#include "dist/dist.h"

/* continuous.c */
extern const CrDistribution cr_dist_normal;
extern const CrDistribution cr_dist_half_normal;
extern const CrDistribution cr_dist_student_t;
extern const CrDistribution cr_dist_half_student_t;
extern const CrDistribution cr_dist_cauchy;
extern const CrDistribution cr_dist_half_cauchy;
extern const CrDistribution cr_dist_laplace;
extern const CrDistribution cr_dist_logistic;
extern const CrDistribution cr_dist_exponential;
extern const CrDistribution cr_dist_gamma;
extern const CrDistribution cr_dist_inverse_gamma;
extern const CrDistribution cr_dist_beta;
extern const CrDistribution cr_dist_uniform;
extern const CrDistribution cr_dist_log_normal;
extern const CrDistribution cr_dist_weibull;
extern const CrDistribution cr_dist_truncated_normal;
extern const CrDistribution cr_dist_skew_normal;

/* discrete.c */
extern const CrDistribution cr_dist_bernoulli;
extern const CrDistribution cr_dist_bernoulli_logit;
extern const CrDistribution cr_dist_binomial;
extern const CrDistribution cr_dist_binomial_logit;
extern const CrDistribution cr_dist_beta_binomial;
extern const CrDistribution cr_dist_poisson;
extern const CrDistribution cr_dist_poisson_log;
extern const CrDistribution cr_dist_negative_binomial;
extern const CrDistribution cr_dist_categorical;
extern const CrDistribution cr_dist_zero_inflated_poisson;
extern const CrDistribution cr_dist_discrete_uniform;

/* multivariate.c */
extern const CrDistribution cr_dist_dirichlet;
extern const CrDistribution cr_dist_mv_normal;
extern const CrDistribution cr_dist_lkj_cholesky_corr;
extern const CrDistribution cr_dist_normal_mixture;
extern const CrDistribution cr_dist_ar1;
extern const CrDistribution cr_dist_gaussian_random_walk;

/* discrete.c: numeric helpers shared with multivariate.c. */

/* A simplex (value or argument) sums to 1 within this, as CR_DOMAIN_SIMPLEX says. */
#define CR_DIST_SIMPLEX_TOLERANCE 1e-8

/* GSL's special functions through their _e variants (thread-safe, unlike libm's lgamma,
 * which writes signgam): NaN when GSL reports an error (a pole, or overflow). */
double cr_dist_lngamma (double x);
double cr_dist_lnbeta (double a, double b);
double cr_dist_digamma (double x);

/* TRUE when @p holds k >= 2 values in [0, 1] summing to 1 within the tolerance. */
gboolean cr_dist_is_simplex (const double *p, size_t k);

/* An index drawn with probabilities @p (a simplex of @k); never one of probability 0. */
size_t cr_dist_draw_index (const gsl_rng *rng, const double *p, size_t k);

/* Exact binomial and Poisson draws for counts of any size representable in a double
 * (GSL's own return unsigned int): integral doubles. */
double cr_dist_ran_binomial (const gsl_rng *rng, double n, double p);
double cr_dist_ran_poisson (const gsl_rng *rng, double mu);
