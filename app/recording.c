/* recording.c: a run recorded into a project while it samples, and summaries of stored runs.
 * Shared by credence-cli and the window: the engine below knows nothing of either. */
#include "recording.h"

#include "model/model.h"

#include <string.h>

void
recording_free (Recording *recording)
{
  if (recording == NULL)
    return;
  cr_run_writer_free (recording->writer);
  if (recording->owns_project)
    cr_project_close (recording->project);
  g_free (recording->appended);
  g_free (recording);
}

/* The dataset's id in @project: the one of that name, or a new one. */
gint64
recording_ensure_dataset (CrProject *project, const CrDataset *dataset, const char *source, GError **error)
{
  g_autoptr (GPtrArray) datasets = cr_project_list_datasets (project, error);
  if (datasets == NULL)
    return 0;
  for (guint i = 0; i < datasets->len; i++)
    {
      const CrDatasetInfo *info = g_ptr_array_index (datasets, i);
      if (strcmp (info->name, cr_dataset_get_name (dataset)) == 0)
        return info->id;
    }
  return cr_project_add_dataset (project, dataset, source, error);
}

Recording *
recording_begin (const char *path,
                 const char *model_path,
                 const char *data_path,
                 const CrDataset *dataset,
                 const CrTape *tape,
                 const CrSampleSettings *settings,
                 GError **error)
{
  g_autoptr (Recording) recording = g_new0 (Recording, 1);
  recording->project = g_file_test (path, G_FILE_TEST_EXISTS) ? cr_project_open (path, error)
                                                              : cr_project_create (path, error);
  if (recording->project == NULL)
    return NULL;
  recording->owns_project = TRUE; /* until it is handed to the run's recording below */
  gint64 dataset_id = 0;
  if (dataset != NULL && (dataset_id = recording_ensure_dataset (recording->project, dataset, data_path, error)) == 0)
    return NULL;
  g_autofree char *model_text = NULL;
  if (!g_file_get_contents (model_path, &model_text, NULL, error))
    return NULL;
  g_autofree char *model_name = g_path_get_basename (model_path);
  char *dot = strrchr (model_name, '.');
  if (dot != NULL && dot != model_name)
    *dot = '\0';
  gint64 model_id = cr_project_save_model (recording->project, model_name, model_text, dataset_id, error);
  if (model_id == 0)
    return NULL;

  Recording *begun = recording_begin_in_project (recording->project, model_id, dataset_id, model_text, tape,
                                                 settings, error);
  if (begun == NULL)
    return NULL;
  begun->project = g_steal_pointer (&recording->project);
  begun->owns_project = TRUE;
  return begun;
}

Recording *
recording_begin_in_project (CrProject *project,
                            gint64 model_id,
                            gint64 dataset_id,
                            const char *model_text,
                            const CrTape *tape,
                            const CrSampleSettings *settings,
                            GError **error)
{
  g_autoptr (Recording) recording = g_new0 (Recording, 1);
  recording->project = project;
  size_t n_variables = cr_tape_get_n_trace_variables (tape);
  g_autofree CrRunVariable *variables = g_new0 (CrRunVariable, MAX (n_variables, 1));
  for (size_t v = 0; v < n_variables; v++)
    {
      const CrTraceVariable *t = cr_tape_get_trace_variable (tape, v);
      variables[v].name = (char *) t->name;
      variables[v].rank = t->shape.rank;
      variables[v].dims[0] = t->shape.rows;
      variables[v].dims[1] = t->shape.cols;
      variables[v].offset = t->offset;
    }
  g_autoptr (JsonObject) json = json_object_new ();
  json_object_set_int_member (json, "chains", settings->n_chains);
  json_object_set_int_member (json, "draws", (gint64) settings->n_draws);
  json_object_set_int_member (json, "tune", (gint64) settings->n_tune);
  json_object_set_int_member (json, "seed", (gint64) settings->seed);
  json_object_set_double_member (json, "target_accept", settings->target_accept);
  json_object_set_int_member (json, "max_treedepth", settings->max_treedepth);
  json_object_set_string_member (json, "metric", settings->metric == CR_METRIC_DENSE ? "dense" : "diag");
  json_object_set_double_member (json, "init_radius", settings->init_radius);
  CrRunSpec spec = {
    .model_id = model_id,
    .dataset_id = dataset_id,
    .model_text = model_text,
    .settings = json,
    .seed = settings->seed,
    .n_chains = settings->n_chains,
    .tune = settings->n_tune,
    .draws = settings->n_draws,
    .variables = variables,
    .n_variables = n_variables,
  };
  recording->run_id = cr_project_begin_run (recording->project, &spec, error);
  if (recording->run_id == 0
      || (recording->writer = cr_run_writer_new (recording->project, recording->run_id, error)) == NULL)
    return NULL;
  recording->n_chains = settings->n_chains;
  recording->n_tune = settings->n_tune;
  recording->trace_size = cr_tape_get_trace_size (tape);
  recording->appended = g_new0 (size_t, settings->n_chains);
  return g_steal_pointer (&recording);
}

/* Hands the rows the chains published since last time to the writer. */
void
recording_collect (Recording *recording, const CrSampler *sampler)
{
  for (guint c = 0; c < recording->n_chains; c++)
    {
      const CrChain *chain = cr_sampler_get_chain (sampler, c);
      size_t published = cr_chain_get_n_published (chain);
      const double *values = cr_chain_get_values (chain), *stats = cr_chain_get_stats (chain);
      for (size_t i = recording->appended[c]; i < published; i++)
        cr_run_writer_append (recording->writer, c, i < recording->n_tune, values + i * recording->trace_size,
                              stats + i * CR_N_STATS);
      recording->appended[c] = published;
    }
}

gboolean
recording_finish (Recording *recording, const CrSampler *sampler, CrRunStatus status, GError **error)
{
  recording_collect (recording, sampler);
  CrRunTimings timings = { 0, 0 };
  for (guint c = 0; c < recording->n_chains; c++)
    {
      const CrChain *chain = cr_sampler_get_chain (sampler, c);
      double warmup, sampling;
      cr_chain_get_timing (chain, &warmup, &sampling);
      timings.warmup_seconds += warmup;
      timings.sampling_seconds += sampling;
      const double *inverse_metric = cr_chain_get_inverse_metric (chain);
      if (inverse_metric != NULL)
        {
          const CrSampleSettings *settings = cr_sampler_get_settings (sampler);
          cr_run_writer_set_adaptation (recording->writer, c, cr_chain_get_step_size (chain), inverse_metric,
                                        cr_chain_get_dimension (chain), settings->metric == CR_METRIC_DENSE);
        }
    }
  return cr_run_writer_finish (recording->writer, status, &timings, error);
}


CrSampleSummary *
cr_summary_from_run (const CrRun *run)
{
  size_t kept = cr_run_get_n_common_draws (run);
  if (kept == 0 || run->n_stats != CR_N_STATS)
    return NULL;
  g_autofree CrTraceVariable *variables = g_new0 (CrTraceVariable, MAX (run->n_variables, 1));
  for (size_t v = 0; v < run->n_variables; v++)
    {
      const CrRunVariable *r = &run->variables[v];
      variables[v] = (CrTraceVariable){ r->name, CR_NODE_FREE,
                                        { r->rank, r->rank > 0 ? r->dims[0] : 1, r->rank > 1 ? r->dims[1] : 1 },
                                        r->offset };
    }
  g_autofree const double **values = g_new (const double *, run->n_chains);
  g_autofree const double **stats = g_new (const double *, run->n_chains);
  for (size_t c = 0; c < run->n_chains; c++)
    {
      values[c] = run->values + c * run->stored_draws * run->n_values;
      stats[c] = run->stats + c * run->stored_draws * run->n_stats;
    }
  guint max_treedepth = json_object_has_member (run->settings, "max_treedepth")
                            ? (guint) json_object_get_int_member (run->settings, "max_treedepth") : 10;
  double target_accept = json_object_has_member (run->settings, "target_accept")
                             ? json_object_get_double_member (run->settings, "target_accept") : 0.8;
  return cr_sample_summary_new (variables, run->n_variables, run->n_values, values, stats, run->n_chains, 0,
                                kept, max_treedepth, target_accept);
}

/* The support of the variable called @name in the run's model, as plot bounds. */
CrPlotBounds
recording_plot_bounds (const CrModel *model, const char *name)
{
  CrPlotBounds bounds = { FALSE, FALSE, 0, 0 };
  const CrNode *node = model != NULL ? cr_model_find_node (model, name) : NULL;
  if (node == NULL || node->dist == NULL || node->kind != CR_NODE_FREE)
    return bounds;
  switch (node->dist->support)
    {
    case CR_SUPPORT_POSITIVE:
      bounds.has_lower = TRUE;
      break;
    case CR_SUPPORT_UNIT:
    case CR_SUPPORT_SIMPLEX:
      bounds.has_lower = bounds.has_upper = TRUE;
      bounds.upper = 1;
      break;
    case CR_SUPPORT_INTERVAL:
      {
        CrShape shape;
        g_autofree double *lower = node->lower != NULL ? cr_model_eval_constant (model, node->lower, &shape) : NULL;
        g_autofree double *upper = node->upper != NULL ? cr_model_eval_constant (model, node->upper, &shape) : NULL;
        bounds.has_lower = lower != NULL, bounds.lower = lower != NULL ? lower[0] : 0;
        bounds.has_upper = upper != NULL, bounds.upper = upper != NULL ? upper[0] : 0;
        break;
      }
    case CR_SUPPORT_CHOLESKY_CORR:
      bounds.has_lower = bounds.has_upper = TRUE;
      bounds.lower = -1, bounds.upper = 1;
      break;
    default:
      break;
    }
  return bounds;
}

/* The run's model validated against its dataset, for supports; NULL when it cannot be. */
CrModel *
recording_run_model (CrProject *project, const CrRun *run, CrDataset **dataset)
{
  if (run->dataset_id > 0 && (*dataset = cr_project_load_dataset (project, run->dataset_id, NULL)) == NULL)
    return NULL;
  g_autoptr (CrModel) model = cr_model_new_from_text (run->model_text, *dataset, "model", NULL, NULL);
  if (model == NULL || !cr_model_validate (model, NULL, NULL))
    return NULL;
  return g_steal_pointer (&model);
}

/* The variable a flat quantity name belongs to: "theta[0]" -> "theta". */
char *
recording_variable_of (const char *quantity)
{
  const char *bracket = strchr (quantity, '[');
  return bracket != NULL ? g_strndup (quantity, bracket - quantity) : g_strdup (quantity);
}

