/* ad.h: the compiled log density. A valid model compiles once into a tape: a flat list of
 * vectorised operations over flat buffers, from the unconstrained vector theta through the
 * transforms and expressions to the summed log density; one reverse sweep gives its gradient.
 *
 * Constants (data, literals, every sub-expression that depends on no parameter) are computed
 * once, when the tape is made, and live in the tape. Everything that changes with theta lives
 * in a workspace. The hot likelihoods (Normal, BernoulliLogit, PoissonLog, and X @ b through
 * CBLAS) have fused kernels; BernoulliLogit, PoissonLog and BinomialLogit run four rows at a
 * time with AVX2 where the CPU has it, chosen when the tape is made; all three on
 * (intercept +) X @ b with X data read X once per gradient, block by block.
 *
 * Invariants: a tape is read-only after cr_tape_new (), so any number of threads may evaluate
 * it at once, each with its own CrWorkspace; evaluation never allocates, locks or fails: a
 * parameter outside its support or a non-finite value gives a log density of -inf or NaN
 * (inside a trajectory, a divergence), never an error. The model must outlive the tape.
 */
#pragma once

#include "model/model.h"

#include <glib.h>

G_BEGIN_DECLS

#define CR_AD_ERROR (cr_ad_error_quark ())
GQuark cr_ad_error_quark (void);

typedef enum
{
  CR_AD_ERROR_INVALID_MODEL, /* the model was not validated, or has errors */
  CR_AD_ERROR_TOO_LARGE,     /* more values than the tape can address */
  CR_AD_ERROR_VALUE,         /* a given value outside its variable's support, or missing */
} CrAdError;

typedef struct _CrTape CrTape;
typedef struct _CrWorkspace CrWorkspace;

/* One variable of the trace: a free variable or a deterministic, in the order of the model's
 * statements, with its values at offset .. offset + size in cr_tape_constrained_values (). */
typedef struct
{
  const char *name;
  CrNodeKind kind;
  CrShape shape;
  size_t offset;
} CrTraceVariable;

/* Compiles @model, which must be valid (cr_model_validate ()).
 * Returns: (transfer full) the tape, or NULL with @error set. */
CrTape *cr_tape_new (const CrModel *model, GError **error);
void cr_tape_free (CrTape *tape);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrTape, cr_tape_free)

/* Returns: the length of theta. */
size_t cr_tape_get_dimension (const CrTape *tape);
/* Returns: the number of pointwise log-likelihood terms. */
size_t cr_tape_get_n_observations (const CrTape *tape);
/* Returns: the number of operations evaluated per call (constants excluded; an X @ b and its
 * intercept fused into their likelihood count as part of it). */
size_t cr_tape_get_n_operations (const CrTape *tape);

/* Set (to anything) when a tape is made, this environment variable makes it use the portable
 * GLM kernels (BernoulliLogit, PoissonLog, BinomialLogit and the block products of X @ b) even
 * on a CPU that runs the AVX2 ones, for tests and benchmarks; the two agree to a few ulps a
 * term. */
#define CR_TAPE_SCALAR_KERNELS_ENV "CREDENCE_SCALAR_KERNELS"
/* Returns: TRUE when @tape's GLM likelihoods run four rows at a time (AVX2 and libmvec). */
gboolean cr_tape_uses_vector_kernels (const CrTape *tape);

/* Returns: (transfer full) a workspace for one thread. */
CrWorkspace *cr_workspace_new (const CrTape *tape);
void cr_workspace_free (CrWorkspace *workspace);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrWorkspace, cr_workspace_free)

/* The sampler's entry point: log p(theta) on the unconstrained space, the log-Jacobians of
 * the transforms included, and when @gradient is not NULL its gradient (dimension values). */
double cr_tape_log_density (const CrTape *tape,
                            CrWorkspace *workspace,
                            const double *theta,
                            double *gradient);

/* The log density at constrained values, without the Jacobian (LANGUAGE.md: "What a log
 * density means"). @values holds each free variable's constrained values, packed in model
 * order (cr_tape_get_free_variables ()). When @gradient is not NULL it receives the gradient
 * with respect to those values, packed the same way. Returns FALSE with @error when a value is
 * outside its support (the message names the variable and element). */
gboolean cr_tape_log_density_constrained (const CrTape *tape,
                                          CrWorkspace *workspace,
                                          const double *values,
                                          double *log_density,
                                          double *gradient,
                                          GError **error);

/* Writes the log-likelihood of each observation at theta into @pointwise
 * (cr_tape_get_n_observations () values), likelihood by likelihood in model order. */
void cr_tape_pointwise_log_likelihood (const CrTape *tape,
                                       CrWorkspace *workspace,
                                       const double *theta,
                                       double *pointwise);

/* The trace: every free variable and deterministic, constrained. */
size_t cr_tape_get_n_trace_variables (const CrTape *tape);
const CrTraceVariable *cr_tape_get_trace_variable (const CrTape *tape, size_t index);
/* Returns: the number of values one draw of the trace holds. */
size_t cr_tape_get_trace_size (const CrTape *tape);
/* Writes one draw of the trace at theta into @values (cr_tape_get_trace_size () values). */
void cr_tape_constrained_values (const CrTape *tape,
                                 CrWorkspace *workspace,
                                 const double *theta,
                                 double *values);

/* The free variables, in model order, with .offset their place in the packed constrained
 * values of cr_tape_log_density_constrained (). */
size_t cr_tape_get_n_free_variables (const CrTape *tape);
const CrTraceVariable *cr_tape_get_free_variable (const CrTape *tape, size_t index);
/* Returns: the number of packed constrained values of the free variables. */
size_t cr_tape_get_free_values_size (const CrTape *tape);

/* Maps packed constrained values of the free variables to theta (for initial values given by
 * a person). Returns FALSE with @error when a value is outside its support. */
gboolean cr_tape_unconstrain (const CrTape *tape,
                              CrWorkspace *workspace,
                              const double *values,
                              double *theta,
                              GError **error);

G_END_DECLS
