/* diag.h: convergence diagnostics and posterior summaries for one scalar quantity.
 *
 * Every function here computes the same number as R's posterior package (version 1.4.0; see
 * tests/data/diag/README.md), following Vehtari, Gelman, Simpson, Carpenter and Bürkner (2021),
 * "Rank-normalization, folding, and localization: an improved R-hat for assessing convergence
 * of MCMC", Bayesian Analysis 16(2). The HDI follows ArviZ, E-BFMI follows Betancourt (2016).
 *
 * Invariants:
 * - The draws of one quantity are an n_chains x n_draws matrix stored chain-major:
 *   draws[chain * n_draws + i]. This is the memory layout of R's iterations x chains matrix,
 *   so "split chains", "pooled draws" and column operations mean what they mean in posterior.
 * - Where posterior returns NA the result is NAN (callers show it as "—"): a NaN or infinite
 *   draw where posterior refuses one, a quantity that is constant (max - min below
 *   DBL_EPSILON), and too few draws per chain (ESS needs at least 3 draws per split chain,
 *   R-hat at least 2). Infinite draws are allowed where posterior allows them: the
 *   rank-normalised R-hat and bulk ESS depend only on ranks, so one +inf draw is fine there.
 * - The functions are pure and reentrant: no global state, safe from any thread. Each call
 *   allocates only the scratch it documents and frees it before returning.
 * - Short chains follow posterior exactly, including its quirks: a chain of 2 or 3 draws is
 *   "split" into a matrix with one row per chain and two columns (first and last draw),
 *   because R drops the halves to vectors; for 6 to 11 draws per chain the ESS is the number
 *   of draws over 2 (or the cap below), because Geyer's truncation cannot start.
 * - ESS is capped at S log10(S) for S draws (posterior warns there; we do not).
 */
#pragma once

#include <glib.h>
#include <stddef.h>

G_BEGIN_DECLS

/* ArviZ's default HDI probability; its summary labels the bounds hdi_3% and hdi_97%. */
#define CR_DIAG_HDI_PROB 0.94

/* The columns of ArviZ's summary table for one quantity, with posterior's definitions. */
typedef struct
{
  double mean;
  double sd;        /* n - 1 in the denominator, as R's sd() and ArviZ's summary */
  double hdi_lower; /* hdi_3% for CR_DIAG_HDI_PROB */
  double hdi_upper; /* hdi_97% for CR_DIAG_HDI_PROB */
  double mcse_mean;
  double mcse_sd;
  double ess_bulk;
  double ess_tail;
  double r_hat;
} CrDiagSummary;

/* Plain summaries of @n pooled draws (pass n_chains * n_draws for a whole matrix). A NaN draw
 * makes each of them NAN; infinite draws propagate as IEEE arithmetic does (R agrees). */

/* The mean, as R computes it (long double sum, then one correction pass). */
double cr_diag_mean (const double *draws,
                     size_t n);

/* The standard deviation with n - 1 in the denominator; NAN for n < 2. */
double cr_diag_sd (const double *draws,
                   size_t n);

/* R's type 7 quantile at @prob in [0, 1]. Allocates one copy of the draws. */
double cr_diag_quantile (const double *draws,
                         size_t n,
                         double prob);

/* ArviZ's unimodal HDI at @prob in (0, 1): with the draws sorted as x[0] <= ... <= x[n-1] and
 * k = floor(prob * n), the interval [x[i], x[i + k]] of least width, the first such i on a tie
 * (numpy's argmin). It spans k + 1 draws; floor, not ceil, so for 100 draws at 0.94 it spans
 * 95. A width that is NaN (inf - inf) wins the argmin, as in numpy. Any NaN draw gives NAN for
 * both bounds (ArviZ's skipna=False result there is an artefact of sorting NaN last).
 * Allocates one copy of the draws. */
void cr_diag_hdi (const double *draws,
                  size_t n,
                  double prob,
                  double *lower,
                  double *upper);

/* Rank-normalised split R-hat: the larger of the bulk R-hat (ranks of the draws) and the tail
 * R-hat (ranks of |draw - median|), as posterior::rhat. Vehtari et al. 2021, sec. 4.
 * Each of the R-hat, ESS and MCSE functions allocates scratch of a few copies of the
 * n_chains * n_draws draws (and the FFT buffers of one chain) and frees it before returning. */
double cr_diag_rhat (const double *draws,
                     size_t n_chains,
                     size_t n_draws);

/* The classic R-hat (Gelman et al. 2013, BDA3 sec. 11.4) on the draws themselves, on split
 * chains when @split is TRUE, as posterior::rhat_basic. */
double cr_diag_rhat_basic (const double *draws,
                           size_t n_chains,
                           size_t n_draws,
                           gboolean split);

/* ESS of the rank-normalised split chains, as posterior::ess_bulk. */
double cr_diag_ess_bulk (const double *draws,
                         size_t n_chains,
                         size_t n_draws);

/* The smaller of the ESS of the 5% and 95% quantiles, as posterior::ess_tail. */
double cr_diag_ess_tail (const double *draws,
                         size_t n_chains,
                         size_t n_draws);

/* ESS of the draws themselves (Geyer's initial monotone sequence estimator, combined over
 * chains as in BDA3 sec. 11.5), on split chains when @split is TRUE, as posterior::ess_basic. */
double cr_diag_ess_basic (const double *draws,
                          size_t n_chains,
                          size_t n_draws,
                          gboolean split);

/* ESS of the mean (the split ess_basic), as posterior::ess_mean. */
double cr_diag_ess_mean (const double *draws,
                         size_t n_chains,
                         size_t n_draws);

/* ESS of |draw - mean|, as posterior::ess_sd. */
double cr_diag_ess_sd (const double *draws,
                       size_t n_chains,
                       size_t n_draws);

/* ESS of the indicator draw <= quantile(@prob), @prob in [0, 1], as posterior::ess_quantile;
 * at @prob = 1 the quantile is taken at (S - 1/2) / S so the indicator is not constant. */
double cr_diag_ess_quantile (const double *draws,
                             size_t n_chains,
                             size_t n_draws,
                             double prob);

/* sd / sqrt(ess_mean), as posterior::mcse_mean. */
double cr_diag_mcse_mean (const double *draws,
                          size_t n_chains,
                          size_t n_draws);

/* MCSE of the sd as posterior 1.4.0 computes it: the variance of the sample variance from
 * the second and fourth central moments with the ESS of the squared centred draws, carried
 * to the sd by the delta method (Var(sd) ~ Var(var) / (4 var)). */
double cr_diag_mcse_sd (const double *draws,
                        size_t n_chains,
                        size_t n_draws);

/* MCSE of the quantile at @prob in [0, 1]: half the distance between the sorted draws at the
 * 15.9% and 84.1% points of Beta(ess p + 1, ess (1 - p) + 1), Vehtari et al. 2021, sec. 4.4;
 * as posterior::mcse_quantile. */
double cr_diag_mcse_quantile (const double *draws,
                              size_t n_chains,
                              size_t n_draws,
                              double prob);

/* E-BFMI of each chain from its energy draws (chain-major like the draws), into @ebfmi
 * (n_chains values, caller-owned): sum over i of (E[i] - E[i-1])^2 divided by the sum of
 * (E[i] - mean E)^2, the empirical estimator of Betancourt 2016, "Diagnosing suboptimal
 * cotangent disintegrations in Hamiltonian Monte Carlo" (arXiv:1604.00695). Current ArviZ
 * bfmi gives the same number (both means over n - 1); older ArviZ divided the variance by n,
 * which is n / (n - 1) times this. NAN for a chain of fewer than 2 draws, constant energy
 * or a non-finite energy. Allocates nothing. */
void cr_diag_ebfmi (const double *energy,
                    size_t n_chains,
                    size_t n_draws,
                    double *ebfmi);

/* Autocovariance of one chain at lags 0 .. n - 1 into @autocov (n values, caller-owned), with
 * divisor n at every lag, as posterior:::autocovariance: an FFT of the centred chain
 * zero-padded to twice the next 2,3,5-smooth length. All zeros for a constant chain; NAN for
 * n < 2 or a non-finite draw. Allocates the FFT buffers of one chain. */
void cr_diag_autocov (const double *chain,
                      size_t n,
                      double *autocov);

/* Autocorrelation of one chain (the autocovariance over its lag-0 value) into @autocorr
 * (n values, caller-owned), as posterior::autocorrelation; NAN at every lag for a constant
 * chain, n < 2 or a non-finite draw. Allocates the FFT buffers of one chain. */
void cr_diag_autocorr (const double *chain,
                       size_t n,
                       double *autocorr);

/* Fills @summary with ArviZ's summary columns for one quantity, HDI at @hdi_prob in (0, 1)
 * (CR_DIAG_HDI_PROB for ArviZ's default); each field equals the function of the same name. */
void cr_diag_summarise (const double *draws,
                        size_t n_chains,
                        size_t n_draws,
                        double hdi_prob,
                        CrDiagSummary *summary);

G_END_DECLS
