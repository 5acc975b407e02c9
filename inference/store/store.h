/* store.h: the project file. A project is one SQLite file (*.credence) holding datasets (typed
 * columns), models (text and canvas layout), runs (the model text that ran, settings, seed,
 * status, timings), their draws and sampler statistics in chunks per chain, the adaptation each
 * chain ended with, and cached summaries. Draws export to CmdStan's CSV layout and to one wide
 * CSV.
 *
 * Invariants: a file that is not a Credence project, is corrupt, or was written by a newer
 * Credence is refused with a clear error and never written to. Opening never runs code from the
 * file. Every change is one transaction: a crash leaves the file as it was before the change
 * or after it. The schema version is PRAGMA user_version; migrations only go forward.
 * A CrProject is used from one thread at a time. Several processes may open the same project
 * and write to it: writes take the lock up front (BEGIN IMMEDIATE) and wait up to 5 s for it.
 *
 * Runs: a run is 'running' from cr_project_begin_run () until its writer finishes it. Draws
 * reach the file only in cr_run_writer_flush (), one transaction for everything buffered, so a
 * process killed mid-run leaves every flushed draw and nothing partial. The next process to
 * open the project marks a 'running' run 'interrupted' when its writer is gone: its boot id
 * differs from this boot's, or its process id is no longer alive on this boot.
 */
#pragma once

#include "data/data.h"

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define CR_STORE_ERROR (cr_store_error_quark ())
GQuark cr_store_error_quark (void);

typedef enum
{
  CR_STORE_ERROR_IO,          /* the file cannot be opened, read or written */
  CR_STORE_ERROR_NOT_PROJECT, /* not a SQLite file, or a SQLite file of another program */
  CR_STORE_ERROR_CORRUPT,     /* the integrity check failed */
  CR_STORE_ERROR_TOO_NEW,     /* written by a newer Credence */
  CR_STORE_ERROR_EXISTS,      /* creating over an existing file */
  CR_STORE_ERROR_NOT_FOUND,   /* no dataset or model with that id or name */
  CR_STORE_ERROR_INVALID,     /* stored content that does not make sense (a damaged row) */
  CR_STORE_ERROR_NO_DRAWS,    /* an export of a run that has no draws to export */
} CrStoreError;

/* The schema version this build writes; files with a lower one are migrated on open. */
#define CR_STORE_SCHEMA_VERSION 3

typedef struct _CrProject CrProject;

typedef struct
{
  gint64 id;
  char *name;
  size_t n_rows;
  size_t n_columns;
  char *source; /* where it was imported from, or NULL */
} CrDatasetInfo;

typedef struct
{
  gint64 id;
  char *name;
  gint64 dataset_id; /* the dataset it binds to, or 0 */
  char *modified;    /* ISO 8601 UTC */
} CrModelInfo;

/* Creates a new, empty project at @path; refuses to replace an existing file.
 * Returns: (transfer full) the open project, or NULL with @error set. */
CrProject *cr_project_create (const char *path, GError **error);

/* Opens an existing project, checks it (application id, integrity, schema version) and
 * migrates an older schema forward. Returns: (transfer full) the project, or NULL with @error
 * set; the file is untouched when it is refused. */
CrProject *cr_project_open (const char *path, GError **error);

/* Closes the project (NULL is allowed); its file stays complete on disk. */
void cr_project_close (CrProject *project);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrProject, cr_project_close)

/* Returns: (transfer none) the path the project was opened from. */
const char *cr_project_get_path (const CrProject *project);

/* Stores @dataset under its name (which must be new in the project); @source may be NULL.
 * Returns: the new dataset's id (> 0), or 0 with @error set. */
gint64 cr_project_add_dataset (CrProject *project,
                               const CrDataset *dataset,
                               const char *source,
                               GError **error);

/* Replaces the columns and rows of dataset @id by @dataset's (its name stays), in one
 * transaction: a column whose type a person changed, say. Returns: FALSE with @error set. */
gboolean cr_project_replace_dataset (CrProject *project, gint64 id, const CrDataset *dataset, GError **error);

/* Returns: (transfer full) the dataset with @id, or NULL with @error set. */
CrDataset *cr_project_load_dataset (CrProject *project, gint64 id, GError **error);

/* Returns: (transfer full) (element-type CrDatasetInfo) the datasets in id order, or NULL with
 * @error set. Free with g_ptr_array_unref (). */
GPtrArray *cr_project_list_datasets (CrProject *project, GError **error);

/* Saves a model: replaces the text (and @dataset_id, 0 for none) of the model called @name, or
 * adds it. Returns: the model's id, or 0 with @error set. */
gint64 cr_project_save_model (CrProject *project,
                              const char *name,
                              const char *text,
                              gint64 dataset_id,
                              GError **error);

/* Returns: (transfer full) the text of model @id, or NULL with @error set. */
char *cr_project_load_model_text (CrProject *project, gint64 id, GError **error);

/* Saves the canvas layout of model @id (the builder's JSON of node positions; NULL clears it)
 * without touching its text. Returns: FALSE with @error set when there is no such model. */
gboolean cr_project_save_model_layout (CrProject *project, gint64 id, const char *layout, GError **error);

/* Returns: (transfer full) (nullable) the canvas layout of model @id, NULL when it has none;
 * NULL with @error set when there is no such model or the file cannot be read. */
char *cr_project_load_model_layout (CrProject *project, gint64 id, GError **error);

/* Returns: (transfer full) (element-type CrModelInfo) the models in id order, or NULL with
 * @error set. Free with g_ptr_array_unref (). */
GPtrArray *cr_project_list_models (CrProject *project, GError **error);

/* Writes a consistent copy of the whole project to @dest_path (which must not exist), for
 * "Save As" and for backups; the open project stays where it was. */
gboolean cr_project_save_copy (CrProject *project, const char *dest_path, GError **error);

/* ------------------------------------------------------------------------------------------ */
/* Runs */

typedef enum
{
  CR_RUN_RUNNING,     /* a writer is (or was, until the next open notices) adding draws */
  CR_RUN_COMPLETE,    /* every chain finished */
  CR_RUN_INTERRUPTED, /* stopped early: cancelled, or its process died */
  CR_RUN_FAILED,      /* stopped by an error */
} CrRunStatus;

/* Returns: (transfer none) "running", "complete", "interrupted" or "failed". */
const char *cr_run_status_to_string (CrRunStatus status);

/* Reads a name that cr_run_status_to_string () returns. Returns: FALSE for any other text. */
gboolean cr_run_status_from_string (const char *text, CrRunStatus *status);

#define CR_RUN_MAX_RANK 4

/* One variable of the trace. Its values are values[offset .. offset + size) of every draw,
 * row-major (the last index varies fastest), as everywhere in Credence. */
typedef struct
{
  char *name;
  guint rank;                   /* 0 for a scalar */
  size_t dims[CR_RUN_MAX_RANK]; /* the first @rank are used */
  size_t offset;
} CrRunVariable;

/* Returns: the number of values of @variable: the product of its dims, 1 for a scalar. */
size_t cr_run_variable_get_size (const CrRunVariable *variable);

/* The statistics the NUTS sampler stores with every draw, in this order. */
typedef enum
{
  CR_RUN_STAT_LP,          /* log density, up to a constant, with the Jacobian */
  CR_RUN_STAT_ACCEPT_STAT, /* mean Metropolis acceptance over the trajectory */
  CR_RUN_STAT_STEP_SIZE,
  CR_RUN_STAT_TREE_DEPTH,
  CR_RUN_STAT_N_LEAPFROG,
  CR_RUN_STAT_DIVERGENT, /* 0 or 1 */
  CR_RUN_STAT_ENERGY,    /* the Hamiltonian at the draw */
  CR_RUN_N_NUTS_STATS,
} CrRunNutsStat;

/* Returns: (transfer none) the NULL-terminated names of the NUTS statistics, by CrRunNutsStat:
 * "lp", "accept_stat", "step_size", "tree_depth", "n_leapfrog", "divergent", "energy". */
const char *const *cr_run_get_nuts_stat_names (void);

/* What a run is, fixed when it begins. Everything is borrowed for the call only. */
typedef struct
{
  gint64 model_id;        /* the project's model that ran, or 0 */
  gint64 dataset_id;      /* its dataset, or 0 */
  const char *model_text; /* the text that ran, kept even if the model is edited later */
  /* (nullable) further settings, stored as JSON. The exports read "target_accept" (number),
   * "max_tree_depth" (integer) and "metric" ("diag", "dense" or "unit") when present. */
  JsonObject *settings;
  guint64 seed;
  size_t n_chains; /* > 0 */
  size_t tune;     /* warmup iterations per chain */
  size_t draws;    /* draws kept per chain after warmup */
  /* The trace layout: the variables tile each draw's values exactly, in this order
   * (variables[0].offset == 0, each offset is the previous offset plus its size); names are
   * unique and non-empty. */
  const CrRunVariable *variables;
  size_t n_variables;
  const char *const *stat_names; /* NULL-terminated, unique; NULL for the NUTS statistics */
} CrRunSpec;

/* Records a new run, 'running', with this process as its writer.
 * Returns: the run's id (> 0), or 0 with @error set (a model or dataset that is not in the
 * project, or a file that cannot be written). */
gint64 cr_project_begin_run (CrProject *project, const CrRunSpec *spec, GError **error);

typedef struct
{
  double warmup_seconds;   /* NAN when unknown */
  double sampling_seconds; /* NAN when unknown */
} CrRunTimings;

/* A run's writer buffers draws in memory and stores them in one transaction per flush.
 * It is not thread-safe: call it from one thread (the sampler's collecting loop), the thread
 * that uses @project. Appending allocates only when a chain's buffer grows. */
typedef struct _CrRunWriter CrRunWriter;

/* Returns: (transfer full) a writer for run @run_id, which must be 'running'; or NULL with
 * @error set. @project must outlive the writer. Free with cr_run_writer_free (). */
CrRunWriter *cr_run_writer_new (CrProject *project, gint64 run_id, GError **error);

/* Buffers one draw of @chain: @values holds the run's n_values numbers (the layout's), @stats
 * its n_stats statistics. A chain's warmup draws come before its kept ones, at most the run's
 * tune and draws of each. */
void cr_run_writer_append (CrRunWriter *writer,
                           guint chain,
                           gboolean warmup,
                           const double *values,
                           const double *stats);

/* Buffers the adaptation @chain ended its warmup with: the step size and the inverse metric
 * (@dim values for a diagonal one; @dim x @dim row-major when @dense). @inv_metric may be
 * NULL when @dim is 0. Stored with the next flush; a later call replaces it. */
void cr_run_writer_set_adaptation (CrRunWriter *writer,
                                   guint chain,
                                   double step_size,
                                   const double *inv_metric,
                                   size_t dim,
                                   gboolean dense);

/* Stores everything buffered in one transaction (call it about once a second). On failure
 * the buffer is kept, so a later flush stores it. Returns: FALSE with @error set on failure. */
gboolean cr_run_writer_flush (CrRunWriter *writer, GError **error);

/* Flushes and sets the run's final @status (not CR_RUN_RUNNING), its end time and @timings
 * (may be NULL), in one transaction. Nothing may be appended after it succeeds. */
gboolean cr_run_writer_finish (CrRunWriter *writer,
                               CrRunStatus status,
                               const CrRunTimings *timings,
                               GError **error);

/* Frees the writer (NULL is allowed). A writer that was not finished first tries once to store
 * its buffer and mark the run interrupted, ignoring errors. */
void cr_run_writer_free (CrRunWriter *writer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrRunWriter, cr_run_writer_free)

typedef struct
{
  gint64 id;
  gint64 model_id;   /* 0 when none, or when the model was deleted */
  char *model_name;  /* that model's current name, or NULL */
  gint64 dataset_id; /* 0 when none */
  CrRunStatus status;
  guint64 seed;
  size_t n_chains;
  size_t tune;
  size_t draws;
  size_t stored_warmup; /* warmup draws stored, in the chain that has fewest */
  size_t stored_draws;  /* kept draws stored, in the chain that has fewest */
  char *started;        /* ISO 8601 UTC */
  char *finished;       /* ISO 8601 UTC, or NULL while running or when the writer died */
  CrRunTimings timings;
} CrRunInfo;

/* Returns: (transfer full) (element-type CrRunInfo) the runs in id order, or NULL with @error
 * set. Free with g_ptr_array_unref (). */
GPtrArray *cr_project_list_runs (CrProject *project, GError **error);

/* Where a chain's warmup left the sampler; known is FALSE when the run did not store it. */
typedef struct
{
  gboolean known;
  double step_size;
  gboolean dense;
  size_t dim;
  double *inv_metric; /* dim values, or dim x dim row-major when dense */
} CrRunAdaptation;

/* A stored run with its draws. Chains may hold different numbers of draws (an interrupted
 * run): the arrays have room for the longest chain, and a shorter chain's rows past its own
 * count are NAN. */
typedef struct
{
  gint64 id;
  gint64 model_id;
  char *model_name; /* or NULL */
  gint64 dataset_id;
  char *model_text;
  JsonObject *settings; /* never NULL */
  guint64 seed;
  size_t n_chains;
  size_t tune;
  size_t draws;
  CrRunStatus status;
  char *started;
  char *finished; /* or NULL */
  CrRunTimings timings;
  char *credence_version;

  CrRunVariable *variables;
  size_t n_variables;
  size_t n_values;   /* per draw: the sum of the variables' sizes */
  char **stat_names; /* NULL-terminated */
  size_t n_stats;
  CrRunAdaptation *adaptation; /* one per chain */

  size_t *chain_warmup;  /* per chain: warmup draws stored */
  size_t stored_warmup;  /* the most warmup draws of any chain */
  double *warmup_values; /* n_chains x stored_warmup x n_values */
  double *warmup_stats;  /* n_chains x stored_warmup x n_stats */

  size_t *chain_draws; /* per chain: kept draws stored */
  size_t stored_draws; /* the most kept draws of any chain */
  /* Chain-major: draw i of chain c is values + (c * stored_draws + i) * n_values. */
  double *values; /* n_chains x stored_draws x n_values */
  double *stats;  /* n_chains x stored_draws x n_stats */
} CrRun;

/* Loads run @id, or the latest run when @id is 0, with all its draws, as one consistent
 * snapshot even while another process appends to it.
 * Returns: (transfer full) the run, or NULL with @error set (NOT_FOUND, or INVALID for a run
 * whose stored layout or draws are damaged). Free with cr_run_free (). */
CrRun *cr_project_load_run (CrProject *project, gint64 id, GError **error);

/* Frees the run and everything it holds (NULL is allowed). */
void cr_run_free (CrRun *run);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrRun, cr_run_free)

/* Returns: the number of kept draws every chain has: the draws to analyse as one matrix. */
size_t cr_run_get_n_common_draws (const CrRun *run);

/* Copies quantity @j (0 <= j < n_values) of the first cr_run_get_n_common_draws () kept draws
 * of every chain into @out, chain-major (out[chain * n + i]), as diag/ takes draws. */
void cr_run_copy_quantity (const CrRun *run, size_t j, double *out);

/* The same for statistic @k (0 <= k < n_stats). */
void cr_run_copy_stat (const CrRun *run, size_t k, double *out);

/* Returns: the index of the statistic called @name, or -1. */
int cr_run_find_stat (const CrRun *run, const char *name);

/* Returns: (transfer full) the n_values names of the scalar quantities, as Credence shows
 * them: "mu", "theta[0]", "L[1,0]" (0-based, row-major). Free with g_strfreev (). */
char **cr_run_get_quantity_names (const CrRun *run);

/* Caches the summary of run @run_id as JSON text (replacing an earlier one).
 * Returns: FALSE with @error set when @json is not JSON or the run is not in the project. */
gboolean cr_project_save_summary (CrProject *project,
                                  gint64 run_id,
                                  const char *json,
                                  GError **error);

/* Returns: (transfer full) the cached summary of run @run_id, or NULL with @error set
 * (NOT_FOUND when there is none). */
char *cr_project_load_summary (CrProject *project, gint64 run_id, GError **error);

/* ------------------------------------------------------------------------------------------ */
/* Export */

/* Writes one CSV per chain in CmdStan's layout, which rstan::read_stan_csv, ArviZ's
 * from_cmdstan and R's posterior read: '#' lines with the settings, the header
 * "lp__,accept_stat__,stepsize__,treedepth__,n_leapfrog__,divergent__,energy__," and then the
 * variables with 1-based dotted names (theta.1, L.2.1) in CmdStan's column-major order, the
 * adaptation where the run stored it, one row per kept draw, and the elapsed times. Only the
 * draws every chain has are written, so the chains have equal length as readers require.
 * @dir_or_file: a path ending in ".csv" gives NAME_1.csv, NAME_2.csv... beside it; anything
 * else is a directory (created when missing) that gets output_1.csv, output_2.csv...
 * Existing files of those names are replaced. Returns: (transfer full) the paths written, or
 * NULL with @error set (NO_DRAWS when no chain has a kept draw; IO). Free with g_strfreev (). */
char **cr_run_export_cmdstan (const CrRun *run, const char *dir_or_file, GError **error);

/* Writes every kept draw of every chain as one CSV: columns chain, draw (both 0-based) and one
 * per scalar quantity, named as cr_run_get_quantity_names () does. An existing file at @path is
 * replaced. Returns: FALSE with @error set (NO_DRAWS, IO). */
gboolean cr_run_export_wide (const CrRun *run, const char *path, GError **error);

G_END_DECLS
