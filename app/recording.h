/* recording.h: recording a run into a project while it samples, and summarising stored runs,
 * for credence-cli and the window alike.
 *
 * The chains publish draws from their threads; recording_collect () and the writer run on the
 * caller's thread only (the CLI's polling loop, the window's main loop), so the project is
 * used from one thread.
 */
#pragma once

#include "plot.h"
#include "sample/sample.h"
#include "store/store.h"

typedef struct
{
  CrProject *project;
  gboolean owns_project;
  CrRunWriter *writer;
  gint64 run_id;
  size_t *appended; /* per chain: rows already handed to the writer */
  guint n_chains;
  size_t n_tune, trace_size;
} Recording;

void recording_free (Recording *recording);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Recording, recording_free)

/* Returns: the id of @dataset in @project: the one with its name, or a new one; 0 with @error. */
gint64 recording_ensure_dataset (CrProject *project, const CrDataset *dataset, const char *source, GError **error);

/* Opens (or creates) the project at @path, stores the model (named after @model_path's file,
 * its text read from there) and its data, and begins a run.
 * Returns: (transfer full) the recording, or NULL with @error set. */
Recording *recording_begin (const char *path,
                            const char *model_path,
                            const char *data_path,
                            const CrDataset *dataset,
                            const CrTape *tape,
                            const CrSampleSettings *settings,
                            GError **error);

/* Begins a run of the project's model @model_id (with @dataset_id, 0 for none) in @project,
 * which stays the caller's and must outlive the recording. */
Recording *recording_begin_in_project (CrProject *project,
                                       gint64 model_id,
                                       gint64 dataset_id,
                                       const char *model_text,
                                       const CrTape *tape,
                                       const CrSampleSettings *settings,
                                       GError **error);

/* Hands the rows the chains published since the last call to the writer (not yet stored:
 * cr_run_writer_flush () does that). */
void recording_collect (Recording *recording, const CrSampler *sampler);

/* Collects the rest, stores the adaptation and timings, and ends the run with @status. */
gboolean recording_finish (Recording *recording, const CrSampler *sampler, CrRunStatus status, GError **error);

/* Returns: (transfer full) the summary of a stored run's kept draws, or NULL when it has none
 * (or was not made by NUTS). */
CrSampleSummary *cr_summary_from_run (const CrRun *run);

/* The support of @variable in @model as plot bounds (none for an unbounded or unknown one), so
 * densities reflect at 0 for a scale and at 0 and 1 for a probability. */
CrPlotBounds recording_plot_bounds (const CrModel *model, const char *variable);

/* Returns: (transfer full) the run's own model, validated against its dataset (loaded from the
 * project into @dataset, which the caller frees), or NULL when it cannot be rebuilt. */
CrModel *recording_run_model (CrProject *project, const CrRun *run, CrDataset **dataset);

/* Returns: (transfer full) the variable a flat quantity name belongs to: "theta[0]" -> "theta". */
char *recording_variable_of (const char *quantity);
