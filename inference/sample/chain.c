/* chain.c: one chain of NUTS with Stan's warmup. The transition follows Betancourt (2017),
 * "A Conceptual Introduction to Hamiltonian Monte Carlo", Appendix A, and Stan's base_nuts
 * (multinomial sampling, biased progressive sampling at the top level, generalised no-U-turn
 * criterion with p_sharp and rho, checked on merged subtrees and across their seams). */
#include "sample/sample.h"

#include "cr-math.h"

#include <gsl/gsl_cblas.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <string.h>

G_DEFINE_QUARK (cr-sample-error-quark, cr_sample_error)

/* Stan: a divergence when the energy error exceeds this. */
#define MAX_DELTA_H 1000.0
/* Stan's windowed adaptation (Stan Reference Manual, "HMC algorithm parameters"). */
#define INIT_BUFFER 75
#define TERM_BUFFER 50
#define BASE_WINDOW 25
#define MAX_INIT_TRIES 100

/* A point of phase space: position, momentum, and the log density and its gradient there. */
typedef struct
{
  double *q, *p, *g;
  double lp;
} Point;

/* Scratch of one level of the tree recursion. */
typedef struct
{
  double *p_init_end, *p_sharp_init_end, *rho_init;
  double *p_final_beg, *p_sharp_final_beg, *rho_final;
  double *rho_subtree, *rho_extended;
  Point z_propose_final;
} Level;

struct _CrChain
{
  CrDensity density;
  gpointer workspace;
  CrSampleSettings settings;
  guint index;
  size_t d;
  gsl_rng *rng;
  CrTraceFunc trace;
  gpointer trace_data;
  size_t trace_size;

  /* the metric: inverse metric (diagonal: d values; dense: d x d) and, dense, its Cholesky L */
  double *inv_metric, *chol;
  double step_size;
  gboolean adapted;

  /* the integrator's state, the trajectory's ends, the sample and the proposal */
  Point z, z_init, z_fwd, z_bck, z_sample, z_propose;
  double *p_fwd_fwd, *p_sharp_fwd_fwd, *p_fwd_bck, *p_sharp_fwd_bck;
  double *p_bck_fwd, *p_sharp_bck_fwd, *p_bck_bck, *p_sharp_bck_bck;
  double *rho, *rho_fwd, *rho_bck, *rho_extended, *scratch;
  Level *levels; /* max_treedepth of them */

  /* per transition */
  double H0;
  size_t n_leapfrog;
  double sum_metro_prob;
  gboolean divergent;
  const gint *cancel;
  gboolean cancelled;

  /* dual averaging (Nesterov 2009; Hoffman & Gelman 2014, Alg. 5) */
  double da_mu, da_s_bar, da_x_bar;
  double da_counter;

  /* windowed metric adaptation */
  gboolean adapt_metric;
  size_t init_buffer, term_buffer, base_window;
  size_t window_counter, window_size, next_window;
  double welford_n;
  double *welford_mean, *welford_m2;

  /* output */
  size_t capacity;
  double *values, *stats;
  gint n_published;

  GMutex progress_lock;
  CrChainProgress progress;
  gint64 started;
  double warmup_seconds, sampling_seconds;
  void (*progress_func) (const CrChainProgress *, gpointer);
  gpointer progress_data;
  gint64 last_report;
};

/* Points and vectors */

static void
point_alloc (Point *z, size_t d)
{
  z->q = g_new0 (double, d);
  z->p = g_new0 (double, d);
  z->g = g_new0 (double, d);
}

static void
point_free (Point *z)
{
  g_free (z->q);
  g_free (z->p);
  g_free (z->g);
}

static void
point_copy (Point *to, const Point *from, size_t d)
{
  memcpy (to->q, from->q, d * sizeof (double));
  memcpy (to->p, from->p, d * sizeof (double));
  memcpy (to->g, from->g, d * sizeof (double));
  to->lp = from->lp;
}

static inline void
copy (double *to, const double *from, size_t d)
{
  memcpy (to, from, d * sizeof (double));
}

static inline double
dot (const double *a, const double *b, size_t d)
{
  double total = 0.0;
  for (size_t i = 0; i < d; i++)
    total += a[i] * b[i];
  return total;
}

/* The metric: tau(p) = p' M^-1 p / 2, and dtau/dp = M^-1 p. */

static void
dtau_dp (const CrChain *chain, const double *p, double *out)
{
  size_t d = chain->d;
  if (chain->settings.metric == CR_METRIC_DIAGONAL)
    for (size_t i = 0; i < d; i++)
      out[i] = chain->inv_metric[i] * p[i];
  else
    cblas_dsymv (CblasRowMajor, CblasLower, (int) d, 1.0, chain->inv_metric, (int) d, p, 1, 0.0, out, 1);
}

static double
hamiltonian (CrChain *chain, const Point *z)
{
  dtau_dp (chain, z->p, chain->scratch);
  double h = -z->lp + 0.5 * dot (z->p, chain->scratch, chain->d);
  /* Stan maps a NaN energy to +inf so that it counts as a divergence. */
  return isnan (h) ? INFINITY : h;
}

/* p ~ N(0, M): for a diagonal metric p_i = u_i / sqrt(m_inv_i); dense, p = L^-T u with
 * M^-1 = L L'. */
static void
sample_momentum (CrChain *chain, Point *z)
{
  size_t d = chain->d;
  for (size_t i = 0; i < d; i++)
    z->p[i] = gsl_ran_gaussian_ziggurat (chain->rng, 1.0);
  if (chain->settings.metric == CR_METRIC_DIAGONAL)
    for (size_t i = 0; i < d; i++)
      z->p[i] /= sqrt (chain->inv_metric[i]);
  else
    cblas_dtrsv (CblasRowMajor, CblasLower, CblasTrans, CblasNonUnit, (int) d, chain->chol, (int) d, z->p, 1);
}

static void
evaluate (CrChain *chain, Point *z)
{
  z->lp = chain->density.log_density (chain->density.data, chain->workspace, z->q, z->g);
}

/* One leapfrog step of size @epsilon (negative to go backwards). */
static void
leapfrog (CrChain *chain, Point *z, double epsilon)
{
  size_t d = chain->d;
  double half = 0.5 * epsilon;
  for (size_t i = 0; i < d; i++)
    z->p[i] += half * z->g[i];
  dtau_dp (chain, z->p, chain->scratch);
  for (size_t i = 0; i < d; i++)
    z->q[i] += epsilon * chain->scratch[i];
  evaluate (chain, z);
  for (size_t i = 0; i < d; i++)
    z->p[i] += half * z->g[i];
}

/* The generalised no-U-turn criterion (Betancourt 2017, App. A.4.2). */
static gboolean
criterion (const double *p_sharp_minus, const double *p_sharp_plus, const double *rho, size_t d)
{
  return dot (p_sharp_plus, rho, d) > 0 && dot (p_sharp_minus, rho, d) > 0;
}

/* Builds a subtree of 2^depth leapfrog steps from the integrator's state in direction @sign;
 * returns FALSE when it diverged or turned back on itself (or the run was cancelled). */
static gboolean
build_tree (CrChain *chain,
            guint depth,
            Point *z_propose,
            double *p_sharp_beg,
            double *p_sharp_end,
            double *rho,
            double *p_beg,
            double *p_end,
            double sign,
            double *log_sum_weight)
{
  size_t d = chain->d;
  if (depth == 0)
    {
      if (chain->cancel != NULL && g_atomic_int_get (chain->cancel))
        {
          chain->cancelled = TRUE;
          return FALSE;
        }
      leapfrog (chain, &chain->z, sign * chain->step_size);
      chain->n_leapfrog++;
      double h = hamiltonian (chain, &chain->z);
      if (h - chain->H0 > MAX_DELTA_H)
        chain->divergent = TRUE;
      *log_sum_weight = cr_log_add_exp (*log_sum_weight, chain->H0 - h);
      chain->sum_metro_prob += chain->H0 - h > 0 ? 1.0 : exp (chain->H0 - h);
      point_copy (z_propose, &chain->z, d);
      dtau_dp (chain, chain->z.p, p_sharp_beg);
      copy (p_sharp_end, p_sharp_beg, d);
      for (size_t i = 0; i < d; i++)
        rho[i] += chain->z.p[i];
      copy (p_beg, chain->z.p, d);
      copy (p_end, p_beg, d);
      return !chain->divergent;
    }

  Level *level = &chain->levels[depth - 1];
  /* The initial subtree */
  double log_sum_weight_init = -INFINITY;
  memset (level->rho_init, 0, d * sizeof (double));
  if (!build_tree (chain, depth - 1, z_propose, p_sharp_beg, level->p_sharp_init_end, level->rho_init,
                   p_beg, level->p_init_end, sign, &log_sum_weight_init))
    return FALSE;

  /* The final subtree */
  double log_sum_weight_final = -INFINITY;
  memset (level->rho_final, 0, d * sizeof (double));
  if (!build_tree (chain, depth - 1, &level->z_propose_final, level->p_sharp_final_beg, p_sharp_end,
                   level->rho_final, level->p_final_beg, p_end, sign, &log_sum_weight_final))
    return FALSE;

  /* Multinomial sample from the two subtrees, in proportion to their weights. */
  double log_sum_weight_subtree = cr_log_add_exp (log_sum_weight_init, log_sum_weight_final);
  *log_sum_weight = cr_log_add_exp (*log_sum_weight, log_sum_weight_subtree);
  if (log_sum_weight_final > log_sum_weight_subtree)
    point_copy (z_propose, &level->z_propose_final, d);
  else if (gsl_rng_uniform (chain->rng) < exp (log_sum_weight_final - log_sum_weight_subtree))
    point_copy (z_propose, &level->z_propose_final, d);

  for (size_t i = 0; i < d; i++)
    {
      level->rho_subtree[i] = level->rho_init[i] + level->rho_final[i];
      rho[i] += level->rho_subtree[i];
    }
  /* Across the merged subtree, and across its seam from each side. */
  gboolean persist = criterion (p_sharp_beg, p_sharp_end, level->rho_subtree, d);
  for (size_t i = 0; i < d; i++)
    level->rho_extended[i] = level->rho_init[i] + level->p_final_beg[i];
  persist = persist && criterion (p_sharp_beg, level->p_sharp_final_beg, level->rho_extended, d);
  for (size_t i = 0; i < d; i++)
    level->rho_extended[i] = level->rho_final[i] + level->p_init_end[i];
  persist = persist && criterion (level->p_sharp_init_end, p_sharp_end, level->rho_extended, d);
  return persist;
}

/* One NUTS transition from chain->z_sample; writes the new sample there and its stats. */
static void
transition (CrChain *chain, double *stats)
{
  size_t d = chain->d;
  point_copy (&chain->z, &chain->z_sample, d);
  sample_momentum (chain, &chain->z);
  point_copy (&chain->z_sample, &chain->z, d);
  point_copy (&chain->z_fwd, &chain->z, d);
  point_copy (&chain->z_bck, &chain->z, d);

  copy (chain->p_fwd_fwd, chain->z.p, d);
  dtau_dp (chain, chain->z.p, chain->p_sharp_fwd_fwd);
  copy (chain->p_fwd_bck, chain->z.p, d);
  copy (chain->p_sharp_fwd_bck, chain->p_sharp_fwd_fwd, d);
  copy (chain->p_bck_fwd, chain->z.p, d);
  copy (chain->p_sharp_bck_fwd, chain->p_sharp_fwd_fwd, d);
  copy (chain->p_bck_bck, chain->z.p, d);
  copy (chain->p_sharp_bck_bck, chain->p_sharp_fwd_fwd, d);
  copy (chain->rho, chain->z.p, d);

  double log_sum_weight = 0.0; /* the initial point's weight, exp(H0 - H0) */
  chain->H0 = hamiltonian (chain, &chain->z);
  chain->n_leapfrog = 0;
  chain->sum_metro_prob = 0.0;
  chain->divergent = FALSE;
  guint depth = 0;

  while (depth < chain->settings.max_treedepth)
    {
      memset (chain->rho_fwd, 0, d * sizeof (double));
      memset (chain->rho_bck, 0, d * sizeof (double));
      double log_sum_weight_subtree = -INFINITY;
      gboolean valid;
      if (gsl_rng_uniform (chain->rng) > 0.5)
        {
          point_copy (&chain->z, &chain->z_fwd, d);
          copy (chain->rho_bck, chain->rho, d);
          copy (chain->p_bck_fwd, chain->p_fwd_bck, d);
          copy (chain->p_sharp_bck_fwd, chain->p_sharp_fwd_bck, d);
          valid = build_tree (chain, depth, &chain->z_propose, chain->p_sharp_fwd_bck, chain->p_sharp_fwd_fwd,
                              chain->rho_fwd, chain->p_fwd_bck, chain->p_fwd_fwd, 1.0, &log_sum_weight_subtree);
          point_copy (&chain->z_fwd, &chain->z, d);
        }
      else
        {
          point_copy (&chain->z, &chain->z_bck, d);
          copy (chain->rho_fwd, chain->rho, d);
          copy (chain->p_fwd_bck, chain->p_bck_fwd, d);
          copy (chain->p_sharp_fwd_bck, chain->p_sharp_bck_fwd, d);
          valid = build_tree (chain, depth, &chain->z_propose, chain->p_sharp_bck_fwd, chain->p_sharp_bck_bck,
                              chain->rho_bck, chain->p_bck_fwd, chain->p_bck_bck, -1.0, &log_sum_weight_subtree);
          point_copy (&chain->z_bck, &chain->z, d);
        }
      if (!valid)
        break;
      depth++;

      /* Biased progressive sampling: prefer the new subtree when it is heavier. */
      if (log_sum_weight_subtree > log_sum_weight)
        point_copy (&chain->z_sample, &chain->z_propose, d);
      else if (gsl_rng_uniform (chain->rng) < exp (log_sum_weight_subtree - log_sum_weight))
        point_copy (&chain->z_sample, &chain->z_propose, d);
      log_sum_weight = cr_log_add_exp (log_sum_weight, log_sum_weight_subtree);

      for (size_t i = 0; i < d; i++)
        chain->rho[i] = chain->rho_bck[i] + chain->rho_fwd[i];
      gboolean persist = criterion (chain->p_sharp_bck_bck, chain->p_sharp_fwd_fwd, chain->rho, d);
      for (size_t i = 0; i < d; i++)
        chain->rho_extended[i] = chain->rho_bck[i] + chain->p_fwd_bck[i];
      persist = persist && criterion (chain->p_sharp_bck_bck, chain->p_sharp_fwd_bck, chain->rho_extended, d);
      for (size_t i = 0; i < d; i++)
        chain->rho_extended[i] = chain->rho_fwd[i] + chain->p_bck_fwd[i];
      persist = persist && criterion (chain->p_sharp_bck_fwd, chain->p_sharp_fwd_fwd, chain->rho_extended, d);
      if (!persist)
        break;
    }

  stats[CR_STAT_LP] = chain->z_sample.lp;
  stats[CR_STAT_ACCEPT_STAT] = chain->n_leapfrog > 0 ? chain->sum_metro_prob / (double) chain->n_leapfrog : 0.0;
  stats[CR_STAT_STEP_SIZE] = chain->step_size;
  stats[CR_STAT_TREE_DEPTH] = depth;
  stats[CR_STAT_N_LEAPFROG] = (double) chain->n_leapfrog;
  stats[CR_STAT_DIVERGENT] = chain->divergent ? 1.0 : 0.0;
  stats[CR_STAT_ENERGY] = hamiltonian (chain, &chain->z_sample);
}

/* Stan's base_hmc::init_stepsize: double or halve the step size until one leapfrog step from
 * the current point crosses an acceptance of 0.8. */
static gboolean
init_stepsize (CrChain *chain, GError **error)
{
  size_t d = chain->d;
  point_copy (&chain->z_init, &chain->z_sample, d);
  if (chain->step_size == 0 || chain->step_size > 1e7 || isnan (chain->step_size))
    return TRUE;
  int direction = 0;
  for (;;)
    {
      point_copy (&chain->z, &chain->z_init, d);
      sample_momentum (chain, &chain->z);
      double h0 = hamiltonian (chain, &chain->z);
      leapfrog (chain, &chain->z, chain->step_size);
      double delta_h = h0 - hamiltonian (chain, &chain->z);
      if (direction == 0)
        direction = delta_h > log (0.8) ? 1 : -1;
      else if ((direction == 1 && !(delta_h > log (0.8))) || (direction == -1 && !(delta_h < log (0.8))))
        break;
      else
        chain->step_size = direction == 1 ? 2.0 * chain->step_size : 0.5 * chain->step_size;
      if (direction == 1 && delta_h > log (0.8) && chain->step_size > 1e7)
        {
          g_set_error (error, CR_SAMPLE_ERROR, CR_SAMPLE_ERROR_IMPROPER,
                       "chain %u: the step size grew past 1e7, so the posterior is probably "
                       "improper: give every parameter a proper prior",
                       chain->index);
          return FALSE;
        }
      if (chain->step_size == 0)
        {
          g_set_error (error, CR_SAMPLE_ERROR, CR_SAMPLE_ERROR_IMPROPER,
                       "chain %u: no step size is small enough to move from the initial point; "
                       "check the model for a density that is not smooth",
                       chain->index);
          return FALSE;
        }
    }
  point_copy (&chain->z_sample, &chain->z_init, d);
  return TRUE;
}

static void
dual_averaging_restart (CrChain *chain)
{
  chain->da_counter = 0;
  chain->da_s_bar = 0;
  chain->da_x_bar = 0;
  chain->da_mu = log (10.0 * chain->step_size);
}

/* Hoffman & Gelman 2014, Algorithm 5, with Stan's constants (gamma 0.05, t0 10, kappa 0.75). */
static void
dual_averaging_learn (CrChain *chain, double accept_stat)
{
  const double gamma = 0.05, t0 = 10.0, kappa = 0.75;
  chain->da_counter += 1;
  accept_stat = accept_stat > 1 ? 1 : accept_stat;
  double eta = 1.0 / (chain->da_counter + t0);
  chain->da_s_bar = (1.0 - eta) * chain->da_s_bar + eta * (chain->settings.target_accept - accept_stat);
  double x = chain->da_mu - chain->da_s_bar * sqrt (chain->da_counter) / gamma;
  double x_eta = pow (chain->da_counter, -kappa);
  chain->da_x_bar = (1.0 - x_eta) * chain->da_x_bar + x_eta * x;
  chain->step_size = exp (x);
}

static void
welford_restart (CrChain *chain)
{
  size_t d = chain->d, m2_size = chain->settings.metric == CR_METRIC_DIAGONAL ? d : d * d;
  chain->welford_n = 0;
  memset (chain->welford_mean, 0, d * sizeof (double));
  memset (chain->welford_m2, 0, m2_size * sizeof (double));
}

static void
welford_add (CrChain *chain, const double *q)
{
  size_t d = chain->d;
  chain->welford_n += 1;
  for (size_t i = 0; i < d; i++)
    {
      chain->scratch[i] = q[i] - chain->welford_mean[i];
      chain->welford_mean[i] += chain->scratch[i] / chain->welford_n;
    }
  if (chain->settings.metric == CR_METRIC_DIAGONAL)
    for (size_t i = 0; i < d; i++)
      chain->welford_m2[i] += (q[i] - chain->welford_mean[i]) * chain->scratch[i];
  else
    for (size_t i = 0; i < d; i++)
      for (size_t j = 0; j < d; j++)
        chain->welford_m2[i * d + j] += (q[i] - chain->welford_mean[i]) * chain->scratch[j];
}

/* Stan's windowed_adaptation::set_window_params. */
static void
windows_init (CrChain *chain)
{
  size_t n = chain->settings.n_tune;
  chain->adapt_metric = n >= 20;
  chain->init_buffer = INIT_BUFFER;
  chain->term_buffer = TERM_BUFFER;
  chain->base_window = BASE_WINDOW;
  if (chain->adapt_metric && INIT_BUFFER + BASE_WINDOW + TERM_BUFFER > n)
    {
      /* Too short a warmup for the defaults: 15% initial, 10% final, the rest one window. */
      chain->init_buffer = (size_t) (0.15 * n);
      chain->term_buffer = (size_t) (0.1 * n);
      chain->base_window = n - (chain->init_buffer + chain->term_buffer);
    }
  chain->window_counter = 0;
  chain->window_size = chain->base_window;
  chain->next_window = chain->init_buffer + chain->window_size - 1;
  welford_restart (chain);
}

static void
compute_next_window (CrChain *chain)
{
  size_t n = chain->settings.n_tune;
  if (chain->next_window == n - chain->term_buffer - 1)
    return;
  chain->window_size *= 2;
  chain->next_window = chain->window_counter + chain->window_size;
  if (chain->next_window != n - chain->term_buffer - 1)
    {
      size_t next_boundary = chain->next_window + 2 * chain->window_size;
      if (next_boundary >= n - chain->term_buffer)
        chain->next_window = n - chain->term_buffer - 1;
    }
}

/* Cholesky factor of the dense inverse metric, for drawing momenta. */
static gboolean
factor_metric (CrChain *chain)
{
  size_t d = chain->d;
  memcpy (chain->chol, chain->inv_metric, d * d * sizeof (double));
  gsl_matrix_view view = gsl_matrix_view_array (chain->chol, d, d);
  if (gsl_linalg_cholesky_decomp1 (&view.matrix) != GSL_SUCCESS)
    return FALSE;
  for (size_t i = 0; i < d; i++)
    for (size_t j = i + 1; j < d; j++)
      chain->chol[i * d + j] = 0.0;
  return TRUE;
}

/* Stan's var_adaptation / covar_adaptation::learn_*: collect q in the windows; at the end of a
 * window, replace the metric by the regularised estimate. Returns TRUE when it did. */
static gboolean
learn_metric (CrChain *chain, const double *q)
{
  size_t n = chain->settings.n_tune, d = chain->d;
  size_t counter = chain->window_counter;
  gboolean in_window = counter >= chain->init_buffer && counter < n - chain->term_buffer && counter != n;
  gboolean window_ends = counter == chain->next_window && counter != n;
  if (in_window)
    welford_add (chain, q);
  if (!window_ends)
    {
      chain->window_counter++;
      return FALSE;
    }
  compute_next_window (chain);
  double m = chain->welford_n;
  /* Shrink toward 1e-3 with the weight of 5 pseudo-draws (Stan). */
  double w = m / (m + 5.0), shrink = 1e-3 * (5.0 / (m + 5.0));
  if (chain->settings.metric == CR_METRIC_DIAGONAL)
    for (size_t i = 0; i < d; i++)
      chain->inv_metric[i] = w * chain->welford_m2[i] / (m - 1.0) + shrink;
  else
    {
      for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j < d; j++)
          chain->inv_metric[i * d + j] = w * chain->welford_m2[i * d + j] / (m - 1.0) + (i == j ? shrink : 0.0);
      if (!factor_metric (chain))
        {
          /* A singular estimate (a constant coordinate): fall back to its diagonal. */
          for (size_t i = 0; i < d; i++)
            for (size_t j = 0; j < d; j++)
              if (i != j)
                chain->inv_metric[i * d + j] = 0.0;
          factor_metric (chain);
        }
    }
  welford_restart (chain);
  chain->window_counter++;
  return TRUE;
}

/* Uniform(-r, r) on the unconstrained scale, retried until the density and gradient are finite. */
static gboolean
initialise (CrChain *chain, GError **error)
{
  size_t d = chain->d;
  double r = chain->settings.init_radius;
  for (int attempt = 0; attempt < MAX_INIT_TRIES; attempt++)
    {
      for (size_t i = 0; i < d; i++)
        chain->z_sample.q[i] = r > 0 ? gsl_ran_flat (chain->rng, -r, r) : 0.0;
      evaluate (chain, &chain->z_sample);
      gboolean finite = isfinite (chain->z_sample.lp);
      for (size_t i = 0; finite && i < d; i++)
        finite = isfinite (chain->z_sample.g[i]);
      if (finite)
        return TRUE;
    }
  g_set_error (error, CR_SAMPLE_ERROR, CR_SAMPLE_ERROR_INIT,
               "chain %u: no initial point with a finite log density and gradient in %d tries "
               "(uniform(-%g, %g) on the unconstrained scale); check for data the model cannot "
               "produce, or a prior far from the data",
               chain->index, MAX_INIT_TRIES, r, r);
  return FALSE;
}

static void
set_progress (CrChain *chain, size_t iteration, gboolean finished)
{
  g_mutex_lock (&chain->progress_lock);
  chain->progress.iteration = iteration;
  chain->progress.warmup = iteration < chain->settings.n_tune;
  chain->progress.step_size = chain->step_size;
  chain->progress.finished = finished;
  gint64 now = g_get_monotonic_time ();
  double seconds = (now - chain->started) / 1e6;
  chain->progress.draws_per_second = seconds > 0 ? iteration / seconds : 0.0;
  CrChainProgress snapshot = chain->progress;
  g_mutex_unlock (&chain->progress_lock);
  if (chain->progress_func != NULL && (finished || now - chain->last_report >= G_USEC_PER_SEC / 10))
    {
      chain->last_report = now;
      chain->progress_func (&snapshot, chain->progress_data);
    }
}

void
cr_chain_set_progress_func (CrChain *chain, void (*func) (const CrChainProgress *, gpointer), gpointer user_data)
{
  chain->progress_func = func;
  chain->progress_data = user_data;
}

gboolean
cr_chain_run (CrChain *chain, const gint *cancel, GError **error)
{
  g_return_val_if_fail (chain != NULL, FALSE);
  size_t d = chain->d, total = chain->settings.n_tune + chain->settings.n_draws;
  chain->cancel = cancel;
  chain->started = g_get_monotonic_time ();
  set_progress (chain, 0, FALSE);

  if (!initialise (chain, error))
    {
      set_progress (chain, 0, TRUE);
      return FALSE;
    }
  chain->step_size = 1.0;
  if (!init_stepsize (chain, error))
    {
      set_progress (chain, 0, TRUE);
      return FALSE;
    }
  dual_averaging_restart (chain);
  windows_init (chain);

  for (size_t it = 0; it < total; it++)
    {
      gboolean warmup = it < chain->settings.n_tune;
      double *stats = chain->stats + it * CR_N_STATS;
      transition (chain, stats);
      if (chain->cancelled)
        break;
      if (warmup)
        {
          dual_averaging_learn (chain, stats[CR_STAT_ACCEPT_STAT]);
          if (chain->adapt_metric && learn_metric (chain, chain->z_sample.q))
            {
              if (!init_stepsize (chain, error))
                {
                  set_progress (chain, it, TRUE);
                  return FALSE;
                }
              dual_averaging_restart (chain);
            }
          if (it + 1 == chain->settings.n_tune)
            {
              chain->step_size = exp (chain->da_x_bar);
              chain->adapted = TRUE;
              chain->warmup_seconds = (g_get_monotonic_time () - chain->started) / 1e6;
            }
        }
      else if (stats[CR_STAT_DIVERGENT] != 0.0)
        {
          g_mutex_lock (&chain->progress_lock);
          chain->progress.divergences++;
          g_mutex_unlock (&chain->progress_lock);
        }

      double *values = chain->values + it * chain->trace_size;
      if (chain->trace != NULL)
        chain->trace (chain->trace_data, chain->workspace, chain->z_sample.q, values);
      else
        memcpy (values, chain->z_sample.q, d * sizeof (double));
      g_atomic_int_set (&chain->n_published, (gint) (it + 1)); /* after the writes */
      set_progress (chain, it + 1, FALSE);
    }
  if (chain->settings.n_tune == 0)
    chain->adapted = TRUE;
  double elapsed = (g_get_monotonic_time () - chain->started) / 1e6;
  if (g_atomic_int_get (&chain->n_published) <= (gint) chain->settings.n_tune)
    chain->warmup_seconds = elapsed;
  else
    chain->sampling_seconds = elapsed - chain->warmup_seconds;
  set_progress (chain, (size_t) g_atomic_int_get (&chain->n_published), TRUE);
  return TRUE;
}

CrChain *
cr_chain_new (const CrDensity *density,
              const CrSampleSettings *settings,
              guint chain_index,
              size_t trace_size,
              CrTraceFunc trace,
              gpointer trace_data,
              GError **error)
{
  g_return_val_if_fail (density != NULL && settings != NULL, NULL);
  if (!cr_sample_settings_check (settings, error))
    return NULL;

  CrChain *chain = g_new0 (CrChain, 1);
  size_t d = density->dimension, dd = settings->metric == CR_METRIC_DIAGONAL ? d : d * d;
  chain->density = *density;
  chain->workspace = density->workspace_new != NULL ? density->workspace_new (density->data) : NULL;
  chain->settings = *settings;
  chain->index = chain_index;
  chain->d = d;
  chain->trace = trace;
  chain->trace_data = trace_data;
  chain->trace_size = trace != NULL ? trace_size : d;

  /* Every chain's stream is a function of (seed, chain) only (SplitMix64 finaliser, Steele et
   * al. 2014), so runs reproduce whatever the threads. */
  guint64 z = settings->seed + 0x9e3779b97f4a7c15ull * ((guint64) chain_index + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  z ^= z >> 31;
  chain->rng = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_rng_set (chain->rng, (unsigned long) z);

  chain->inv_metric = g_new0 (double, MAX (dd, 1));
  chain->chol = settings->metric == CR_METRIC_DENSE ? g_new0 (double, MAX (d * d, 1)) : NULL;
  for (size_t i = 0; i < d; i++)
    {
      if (settings->metric == CR_METRIC_DIAGONAL)
        chain->inv_metric[i] = 1.0;
      else
        chain->inv_metric[i * d + i] = chain->chol[i * d + i] = 1.0;
    }

  Point *points[] = { &chain->z, &chain->z_init, &chain->z_fwd, &chain->z_bck, &chain->z_sample, &chain->z_propose };
  for (size_t i = 0; i < G_N_ELEMENTS (points); i++)
    point_alloc (points[i], MAX (d, 1));
  double **vectors[] = { &chain->p_fwd_fwd, &chain->p_sharp_fwd_fwd, &chain->p_fwd_bck, &chain->p_sharp_fwd_bck,
                         &chain->p_bck_fwd, &chain->p_sharp_bck_fwd, &chain->p_bck_bck, &chain->p_sharp_bck_bck,
                         &chain->rho, &chain->rho_fwd, &chain->rho_bck, &chain->rho_extended, &chain->scratch,
                         &chain->welford_mean };
  for (size_t i = 0; i < G_N_ELEMENTS (vectors); i++)
    *vectors[i] = g_new0 (double, MAX (d, 1));
  chain->welford_m2 = g_new0 (double, MAX (dd, 1));
  chain->levels = g_new0 (Level, MAX (settings->max_treedepth, 1));
  for (guint l = 0; l < settings->max_treedepth; l++)
    {
      Level *level = &chain->levels[l];
      double **level_vectors[] = { &level->p_init_end, &level->p_sharp_init_end, &level->rho_init,
                                   &level->p_final_beg, &level->p_sharp_final_beg, &level->rho_final,
                                   &level->rho_subtree, &level->rho_extended };
      for (size_t i = 0; i < G_N_ELEMENTS (level_vectors); i++)
        *level_vectors[i] = g_new0 (double, MAX (d, 1));
      point_alloc (&level->z_propose_final, MAX (d, 1));
    }

  chain->capacity = settings->n_tune + settings->n_draws;
  chain->values = g_new0 (double, MAX (chain->capacity * chain->trace_size, 1));
  chain->stats = g_new0 (double, MAX (chain->capacity * CR_N_STATS, 1));
  g_mutex_init (&chain->progress_lock);
  chain->progress.chain = chain_index;
  chain->progress.total = chain->capacity;
  chain->progress.warmup = settings->n_tune > 0;
  chain->step_size = 1.0;
  return chain;
}

void
cr_chain_free (CrChain *chain)
{
  if (chain == NULL)
    return;
  if (chain->workspace != NULL && chain->density.workspace_free != NULL)
    chain->density.workspace_free (chain->workspace);
  gsl_rng_free (chain->rng);
  Point *points[] = { &chain->z, &chain->z_init, &chain->z_fwd, &chain->z_bck, &chain->z_sample, &chain->z_propose };
  for (size_t i = 0; i < G_N_ELEMENTS (points); i++)
    point_free (points[i]);
  double *vectors[] = { chain->p_fwd_fwd, chain->p_sharp_fwd_fwd, chain->p_fwd_bck, chain->p_sharp_fwd_bck,
                        chain->p_bck_fwd, chain->p_sharp_bck_fwd, chain->p_bck_bck, chain->p_sharp_bck_bck,
                        chain->rho, chain->rho_fwd, chain->rho_bck, chain->rho_extended, chain->scratch,
                        chain->welford_mean, chain->welford_m2, chain->inv_metric, chain->chol,
                        chain->values, chain->stats };
  for (size_t i = 0; i < G_N_ELEMENTS (vectors); i++)
    g_free (vectors[i]);
  for (guint l = 0; l < chain->settings.max_treedepth; l++)
    {
      Level *level = &chain->levels[l];
      double *level_vectors[] = { level->p_init_end, level->p_sharp_init_end, level->rho_init,
                                  level->p_final_beg, level->p_sharp_final_beg, level->rho_final,
                                  level->rho_subtree, level->rho_extended };
      for (size_t i = 0; i < G_N_ELEMENTS (level_vectors); i++)
        g_free (level_vectors[i]);
      point_free (&level->z_propose_final);
    }
  g_free (chain->levels);
  g_mutex_clear (&chain->progress_lock);
  g_free (chain);
}

size_t
cr_chain_get_n_published (const CrChain *chain)
{
  return (size_t) g_atomic_int_get (&chain->n_published);
}

const double *
cr_chain_get_values (const CrChain *chain)
{
  return chain->values;
}

const double *
cr_chain_get_stats (const CrChain *chain)
{
  return chain->stats;
}

size_t
cr_chain_get_trace_size (const CrChain *chain)
{
  return chain->trace_size;
}

size_t
cr_chain_get_dimension (const CrChain *chain)
{
  return chain->d;
}

double
cr_chain_get_step_size (const CrChain *chain)
{
  return chain->adapted ? chain->step_size : NAN;
}

const double *
cr_chain_get_inverse_metric (const CrChain *chain)
{
  return chain->adapted ? chain->inv_metric : NULL;
}

void
cr_chain_get_timing (const CrChain *chain, double *warmup_seconds, double *sampling_seconds)
{
  *warmup_seconds = chain->warmup_seconds;
  *sampling_seconds = chain->sampling_seconds;
}

void
cr_chain_get_progress (const CrChain *chain, CrChainProgress *progress)
{
  g_mutex_lock ((GMutex *) &chain->progress_lock);
  *progress = chain->progress;
  g_mutex_unlock ((GMutex *) &chain->progress_lock);
}

void
cr_sample_settings_init (CrSampleSettings *settings)
{
  *settings = (CrSampleSettings){
    .n_chains = 4,
    .n_draws = 1000,
    .n_tune = 1000,
    .seed = 0,
    .target_accept = 0.8,
    .max_treedepth = 10,
    .metric = CR_METRIC_DIAGONAL,
    .init_radius = 2.0,
  };
}

gboolean
cr_sample_settings_check (const CrSampleSettings *s, GError **error)
{
  const char *problem = NULL;
  if (s->n_chains < 1 || s->n_chains > 64)
    problem = "chains must be from 1 to 64";
  else if (s->n_draws < 1 || s->n_draws > 10000000)
    problem = "draws must be from 1 to 10,000,000";
  else if (s->n_tune > 10000000)
    problem = "tune must be at most 10,000,000";
  else if (!(s->target_accept > 0 && s->target_accept < 1))
    problem = "target_accept must be strictly between 0 and 1 (0.8 by default; 0.95 or 0.99 for hard posteriors)";
  else if (s->max_treedepth < 1 || s->max_treedepth > 20)
    problem = "max_treedepth must be from 1 to 20";
  else if (!(s->init_radius >= 0 && s->init_radius <= 1e3))
    problem = "the init radius must be from 0 to 1000";
  if (problem != NULL)
    g_set_error (error, CR_SAMPLE_ERROR, CR_SAMPLE_ERROR_SETTINGS, "%s", problem);
  return problem == NULL;
}

const char *
cr_sampler_stat_name (CrSamplerStat stat)
{
  static const char *const names[CR_N_STATS] = { "lp", "accept_stat", "step_size", "tree_depth",
                                                 "n_leapfrog", "divergent", "energy" };
  g_return_val_if_fail (stat < CR_N_STATS, NULL);
  return names[stat];
}
