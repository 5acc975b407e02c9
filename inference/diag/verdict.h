/* verdict.h: plain-language verdicts on a run, computed by the engine so the GUI and the CLI
 * only show them. The thresholds are those of Vehtari et al. (2021) and Stan's diagnostics:
 * R-hat above 1.01 warns and above 1.05 says stop; a bulk or tail ESS under 100 per chain warns;
 * any divergence after warmup warns; draws that hit the maximum tree depth warn; an E-BFMI under
 * 0.3 warns. Each verdict names the variables concerned and the usual remedy, in the user's
 * language when the program has bound the application's message catalogue (see verdict.c).
 */
#pragma once

#include "diag/diag.h"

#include <glib.h>

G_BEGIN_DECLS

/* The per-quantity thresholds. */
#define CR_VERDICT_RHAT_WARN 1.01
#define CR_VERDICT_RHAT_STOP 1.05
#define CR_VERDICT_ESS_PER_CHAIN 100.0

typedef enum
{
  CR_VERDICT_OK,   /* nothing to worry about */
  CR_VERDICT_WARN, /* usable with care; the remedy is worth trying */
  CR_VERDICT_STOP, /* do not use these draws */
} CrVerdictLevel;

typedef enum
{
  CR_CHECK_RHAT,
  CR_CHECK_ESS,
  CR_CHECK_DIVERGENCES,
  CR_CHECK_TREE_DEPTH,
  CR_CHECK_EBFMI,
  CR_CHECK_ALL, /* the single OK verdict when every check passed */
} CrCheck;

typedef struct
{
  CrCheck check;
  CrVerdictLevel level;
  char *message;    /* what was found, with numbers and the variables concerned */
  char *remedy;     /* what to do about it; NULL for OK */
  char **variables; /* NULL-terminated names concerned (may be empty) */
} CrVerdict;

void cr_verdict_free (CrVerdict *verdict);

/* Returns: one quantity's own verdict from its R-hat and ESS against the thresholds above, for
 * a run of @n_chains chains. A NaN (a constant quantity, with nothing to converge) passes. */
CrVerdictLevel cr_diag_quantity_level (const CrDiagSummary *summary, size_t n_chains);

/* What a run looks like to the verdicts: its quantities (after warmup) and sampler stats. */
typedef struct
{
  size_t n_quantities;
  const char *const *names;        /* n_quantities names: "theta[0]" */
  const CrDiagSummary *summaries;  /* n_quantities summaries */
  size_t n_chains;
  size_t n_draws;                  /* kept draws per chain */
  size_t n_divergent;              /* kept draws that diverged */
  size_t n_max_treedepth;          /* kept draws that hit the maximum tree depth */
  guint max_treedepth;
  double target_accept;
  const double *ebfmi;             /* n_chains values (NAN when unknown) */
} CrRunSummary;

/* Returns: (transfer full) (element-type CrVerdict) the verdicts, worst first; a single OK
 * verdict when every check passed. */
GPtrArray *cr_diag_verdicts (const CrRunSummary *run);

/* Returns: the worst level of @verdicts. */
CrVerdictLevel cr_diag_verdicts_level (const GPtrArray *verdicts);

G_END_DECLS
