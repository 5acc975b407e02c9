/* sample.h: NUTS transitions, Stan's warmup adaptation, and chains in threads.
 *
 * The sampler is the No-U-Turn sampler as Stan runs it (Hoffman & Gelman 2014; Betancourt
 * 2017, "A Conceptual Introduction to Hamiltonian Monte Carlo", App. A): multinomial sampling
 * of the trajectory with biased progressive sampling between subtrees, the generalised no-U-turn
 * criterion checked on every merged subtree and across the seams of merged subtrees, at most
 * max_treedepth doublings, and a divergence when the energy error exceeds 1000. Warmup adapts
 * the step size by dual averaging (Nesterov 2009; target acceptance 0.8, gamma 0.05, t0 10,
 * kappa 0.75) and a diagonal or dense metric from windowed variance estimates (initial buffer
 * 75, windows doubling from 25, final buffer 50) regularised toward 1e-3 as Stan does.
 *
 * Invariants: a CrChain allocates only in cr_chain_new (); it shares no mutable state with other
 * chains; its draws depend on (seed, chain index) alone, whatever the threads or the load. A
 * non-finite log density or gradient inside a trajectory is a divergence, never an error. Draws
 * are published with an atomic count after they are written; readers read only what was
 * published.
 */
#pragma once

#include "ad/ad.h"
#include "diag/verdict.h"

#include <glib.h>

G_BEGIN_DECLS

#define CR_SAMPLE_ERROR (cr_sample_error_quark ())
GQuark cr_sample_error_quark (void);

typedef enum
{
  CR_SAMPLE_ERROR_SETTINGS, /* a setting out of range */
  CR_SAMPLE_ERROR_INIT,     /* no initial point with a finite density and gradient */
  CR_SAMPLE_ERROR_IMPROPER, /* the step size grows without bound: an improper posterior */
} CrSampleError;

/* A log density on R^dimension: the tape, or an analytic stand-in in tests. It must be safe to
 * call from one thread per @workspace. */
typedef struct
{
  size_t dimension;
  /* log p(theta) and its gradient; may return -inf or NaN (a divergence inside a trajectory). */
  double (*log_density) (gpointer data, gpointer workspace, const double *theta, double *gradient);
  gpointer (*workspace_new) (gpointer data);
  void (*workspace_free) (gpointer workspace);
  gpointer data;
} CrDensity;

/* The density of a compiled model (the tape must outlive the density's users). */
CrDensity cr_density_from_tape (const CrTape *tape);

typedef enum
{
  CR_METRIC_DIAGONAL,
  CR_METRIC_DENSE,
} CrMetric;

typedef struct
{
  guint n_chains;       /* 4 */
  size_t n_draws;       /* 1000 kept draws per chain */
  size_t n_tune;        /* 1000 warmup iterations per chain */
  guint64 seed;         /* every chain's stream follows from (seed, chain) */
  double target_accept; /* 0.8 */
  guint max_treedepth;  /* 10 */
  CrMetric metric;      /* diagonal */
  double init_radius;   /* initial values uniform(-r, r) on the unconstrained scale; 2 */
} CrSampleSettings;

/* Fills @settings with the defaults above and seed 0. */
void cr_sample_settings_init (CrSampleSettings *settings);

/* Returns: FALSE with @error when a setting is out of range, saying which and what is allowed. */
gboolean cr_sample_settings_check (const CrSampleSettings *settings, GError **error);

/* The sampler statistics kept with every draw, in this order. */
typedef enum
{
  CR_STAT_LP,          /* log density with the Jacobian, as Stan's lp__ */
  CR_STAT_ACCEPT_STAT, /* mean Metropolis acceptance over the trajectory */
  CR_STAT_STEP_SIZE,
  CR_STAT_TREE_DEPTH,
  CR_STAT_N_LEAPFROG,
  CR_STAT_DIVERGENT, /* 1 or 0 */
  CR_STAT_ENERGY,    /* the Hamiltonian at the draw */
  CR_N_STATS,
} CrSamplerStat;

/* Returns: "lp", "accept_stat", "step_size", "tree_depth", "n_leapfrog", "divergent", "energy". */
const char *cr_sampler_stat_name (CrSamplerStat stat);

typedef struct _CrChain CrChain;

/* One chain of @density, keeping @trace_size values per draw computed by @trace (may be NULL:
 * then the trace is theta itself). Allocates everything the chain will ever need. */
typedef void (*CrTraceFunc) (gpointer data, gpointer workspace, const double *theta, double *values);

CrChain *cr_chain_new (const CrDensity *density,
                       const CrSampleSettings *settings,
                       guint chain_index,
                       size_t trace_size,
                       CrTraceFunc trace,
                       gpointer trace_data,
                       GError **error);
void cr_chain_free (CrChain *chain);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrChain, cr_chain_free)

/* Runs warmup and sampling to the end, or until *@cancel becomes non-zero (checked at every
 * leapfrog step; the transition in progress is dropped). Returns FALSE with @error when no
 * initial point could be found or the posterior is improper. */
gboolean cr_chain_run (CrChain *chain, const gint *cancel, GError **error);

/* Draws published so far (warmup first, then kept draws): read from any thread. */
size_t cr_chain_get_n_published (const CrChain *chain);
/* Returns: (transfer none) the draws: (n_tune + n_draws) x trace_size, row-major; the first
 * cr_chain_get_n_published () rows are complete. */
const double *cr_chain_get_values (const CrChain *chain);
/* Returns: (transfer none) the stats: (n_tune + n_draws) x CR_N_STATS. */
const double *cr_chain_get_stats (const CrChain *chain);
size_t cr_chain_get_trace_size (const CrChain *chain);
/* Returns: the number of unconstrained dimensions the chain samples. */
size_t cr_chain_get_dimension (const CrChain *chain);

/* After warmup: the adapted step size and the diagonal of the inverse metric (or the whole
 * dense inverse metric, row-major); NULL before. */
double cr_chain_get_step_size (const CrChain *chain);
const double *cr_chain_get_inverse_metric (const CrChain *chain);

/* Seconds the chain spent in warmup and in sampling (after it finished). */
void cr_chain_get_timing (const CrChain *chain, double *warmup_seconds, double *sampling_seconds);

/* Progress, for a person watching: read from any thread at any time. */
typedef struct
{
  guint chain;
  size_t iteration; /* transitions done, warmup included */
  size_t total;     /* n_tune + n_draws */
  gboolean warmup;
  guint divergences; /* in kept draws so far (warmup divergences are expected and not counted) */
  double step_size;
  double draws_per_second;
  gboolean finished;
} CrChainProgress;

void cr_chain_get_progress (const CrChain *chain, CrChainProgress *progress);

/* Reports progress to @func from the chain's thread (see CrProgressFunc below). */
void cr_chain_set_progress_func (CrChain *chain, void (*func) (const CrChainProgress *, gpointer), gpointer user_data);

/* Several chains, each in its own thread. */
typedef struct _CrSampler CrSampler;

CrSampler *cr_sampler_new (const CrDensity *density,
                           const CrSampleSettings *settings,
                           size_t trace_size,
                           CrTraceFunc trace,
                           gpointer trace_data,
                           GError **error);
/* A sampler of a compiled model, whose trace is the model's (cr_tape_constrained_values ()). */
CrSampler *cr_sampler_new_for_tape (const CrTape *tape, const CrSampleSettings *settings, GError **error);
void cr_sampler_free (CrSampler *sampler);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrSampler, cr_sampler_free)

/* Runs the chains at a lower scheduling priority (nice 10 on Linux) so that an interface
 * watching them stays responsive however many chains share the cores; the chains lose nothing
 * while the interface is idle. Set it before cr_sampler_start (). */
void cr_sampler_set_background (CrSampler *sampler, gboolean background);

/* Starts every chain in a thread of its own (at most @max_threads at a time; 0: one per chain). */
void cr_sampler_start (CrSampler *sampler, guint max_threads);
/* Asks every chain to stop soon; safe from any thread, at any time. */
void cr_sampler_cancel (CrSampler *sampler);
/* Returns: TRUE when every chain has finished (or stopped). */
gboolean cr_sampler_is_finished (CrSampler *sampler);
/* Waits until every chain has finished or @timeout_us microseconds have passed, whichever is
 * first (a loop that also polls other things wakes as soon as the run ends). Returns: TRUE
 * when every chain has finished. */
gboolean cr_sampler_wait_finished (CrSampler *sampler, gint64 timeout_us);
/* Waits for every chain. Returns FALSE with @error when a chain failed (the first failure). */
gboolean cr_sampler_wait (CrSampler *sampler, GError **error);
gboolean cr_sampler_was_cancelled (CrSampler *sampler);

/* Called from the chains' threads with a chain's progress: at most about ten times a second per
 * chain, and once when it finishes. Set it before cr_sampler_start (). It must not block. */
typedef void (*CrProgressFunc) (const CrChainProgress *progress, gpointer user_data);
void cr_sampler_set_progress_func (CrSampler *sampler, CrProgressFunc func, gpointer user_data);

guint cr_sampler_get_n_chains (const CrSampler *sampler);
const CrChain *cr_sampler_get_chain (const CrSampler *sampler, guint index);

G_END_DECLS

/* The summary of a run, as the CLI prints it and the GUI shows it. */
G_BEGIN_DECLS

typedef struct
{
  size_t n_quantities;
  char **names;             /* n_quantities + 1 (NULL-terminated): "theta[0]", "L[1,0]" */
  CrDiagSummary *summaries; /* n_quantities */
  size_t n_chains;
  size_t n_draws;           /* kept draws per chain summarised */
  size_t n_divergent;
  size_t n_max_treedepth;
  double *ebfmi;            /* n_chains */
  size_t gradient_evaluations; /* warmup and sampling, all chains */
  GPtrArray *verdicts;      /* (element-type CrVerdict) worst first */
} CrSampleSummary;

/* Summarises kept draws. @values[c] and @stats[c] are chain c's rows (as cr_chain_get_values ()
 * and cr_chain_get_stats () lay them out: @n_tune warmup rows, then @n_draws kept rows);
 * @variables (n_variables of them) describe the trace layout. The quantities are summarised in
 * parallel, one thread per processor; each one's numbers depend on its draws alone, never on
 * the number of threads. */
CrSampleSummary *cr_sample_summary_new (const CrTraceVariable *variables,
                                        size_t n_variables,
                                        size_t trace_size,
                                        const double *const *values,
                                        const double *const *stats,
                                        size_t n_chains,
                                        size_t n_tune,
                                        size_t n_draws,
                                        guint max_treedepth,
                                        double target_accept);
void cr_sample_summary_free (CrSampleSummary *summary);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrSampleSummary, cr_sample_summary_free)

/* Summarises the kept draws of a finished (or stopped) run of a compiled model: as many kept
 * draws per chain as every chain has. Returns: (transfer full) the summary, or NULL when a
 * chain has no kept draw yet (stopped during warmup). */
CrSampleSummary *cr_sample_summary_new_for_sampler (const CrSampler *sampler, const CrTape *tape);

/* Returns: (transfer none) the settings the sampler was made with. */
const CrSampleSettings *cr_sampler_get_settings (const CrSampler *sampler);

/* Returns: (transfer full) the element name of flat position @k of @variable: "theta[0]",
 * "L[1,0]", or the name itself for a scalar. */
char *cr_sample_element_name (const CrTraceVariable *variable, size_t k);

G_END_DECLS
