/* summary.c: the summary of a run's kept draws: ArviZ's columns per quantity, sampler counts,
 * E-BFMI, and the verdicts. */
#include "sample/sample.h"

#include <math.h>

char *
cr_sample_element_name (const CrTraceVariable *variable, size_t k)
{
  switch (variable->shape.rank)
    {
    case 0:
      return g_strdup (variable->name);
    case 1:
      return g_strdup_printf ("%s[%zu]", variable->name, k);
    default:
      return g_strdup_printf ("%s[%zu,%zu]", variable->name, k / variable->shape.cols, k % variable->shape.cols);
    }
}

/* The quantities of a summary, shared by the threads that summarise them: each takes the next
 * unclaimed quantity until none is left. */
typedef struct
{
  const double *const *values;
  size_t trace_size, n_chains, n_tune, n_draws;
  CrDiagSummary *summaries;
  gint next; /* atomic: the next quantity to claim */
} SummaryJob;

/* Summarises quantities of @data (a SummaryJob) until none is left. A quantity's numbers depend
 * on its draws alone, so which thread summarises it never changes them. */
static gpointer
summarise_quantities (gpointer data)
{
  SummaryJob *job = data;
  g_autofree double *draws = g_new (double, MAX (job->n_chains * job->n_draws, 1));
  for (;;)
    {
      size_t j = (size_t) g_atomic_int_add (&job->next, 1);
      if (j >= job->trace_size)
        return NULL;
      /* Gathered chain-major, as diag/ wants it. */
      for (size_t c = 0; c < job->n_chains; c++)
        for (size_t i = 0; i < job->n_draws; i++)
          draws[c * job->n_draws + i] = job->values[c][(job->n_tune + i) * job->trace_size + j];
      cr_diag_summarise (draws, job->n_chains, job->n_draws, CR_DIAG_HDI_PROB, &job->summaries[j]);
    }
}

/* Summarises every quantity in this thread and up to one more per processor. */
static void
summarise_in_parallel (SummaryJob *job)
{
  g_assert (job->trace_size < G_MAXINT);
  guint n_threads = MIN (g_get_num_processors (), (guint) job->trace_size);
  g_autoptr (GPtrArray) threads = g_ptr_array_new ();
  for (guint t = 1; t < n_threads; t++)
    g_ptr_array_add (threads, g_thread_new ("summary", summarise_quantities, job));
  summarise_quantities (job);
  for (guint t = 0; t < threads->len; t++)
    g_thread_join (g_ptr_array_index (threads, t));
}

CrSampleSummary *
cr_sample_summary_new (const CrTraceVariable *variables,
                       size_t n_variables,
                       size_t trace_size,
                       const double *const *values,
                       const double *const *stats,
                       size_t n_chains,
                       size_t n_tune,
                       size_t n_draws,
                       guint max_treedepth,
                       double target_accept)
{
  CrSampleSummary *summary = g_new0 (CrSampleSummary, 1);
  summary->n_chains = n_chains;
  summary->n_draws = n_draws;
  summary->n_quantities = trace_size;
  summary->names = g_new0 (char *, trace_size + 1);
  summary->summaries = g_new0 (CrDiagSummary, MAX (trace_size, 1));
  for (size_t v = 0; v < n_variables; v++)
    for (size_t k = 0; k < cr_shape_size (variables[v].shape); k++)
      summary->names[variables[v].offset + k] = cr_sample_element_name (&variables[v], k);

  SummaryJob job = { values, trace_size, n_chains, n_tune, n_draws, summary->summaries, 0 };
  summarise_in_parallel (&job);

  g_autofree double *draws = g_new (double, MAX (n_draws, 1));
  summary->ebfmi = g_new0 (double, MAX (n_chains, 1));
  for (size_t c = 0; c < n_chains; c++)
    {
      for (size_t i = 0; i < n_tune + n_draws; i++)
        summary->gradient_evaluations += (size_t) stats[c][i * CR_N_STATS + CR_STAT_N_LEAPFROG];
      for (size_t i = 0; i < n_draws; i++)
        {
          const double *row = stats[c] + (n_tune + i) * CR_N_STATS;
          summary->n_divergent += row[CR_STAT_DIVERGENT] != 0.0;
          summary->n_max_treedepth += row[CR_STAT_TREE_DEPTH] >= max_treedepth;
          draws[i] = row[CR_STAT_ENERGY];
        }
      cr_diag_ebfmi (draws, 1, n_draws, &summary->ebfmi[c]);
    }

  CrRunSummary run = {
    .n_quantities = trace_size,
    .names = (const char *const *) summary->names,
    .summaries = summary->summaries,
    .n_chains = n_chains,
    .n_draws = n_draws,
    .n_divergent = summary->n_divergent,
    .n_max_treedepth = summary->n_max_treedepth,
    .max_treedepth = max_treedepth,
    .target_accept = target_accept,
    .ebfmi = summary->ebfmi,
  };
  summary->verdicts = cr_diag_verdicts (&run);
  return summary;
}

void
cr_sample_summary_free (CrSampleSummary *summary)
{
  if (summary == NULL)
    return;
  g_strfreev (summary->names);
  g_free (summary->summaries);
  g_free (summary->ebfmi);
  g_ptr_array_unref (summary->verdicts);
  g_free (summary);
}

CrSampleSummary *
cr_sample_summary_new_for_sampler (const CrSampler *sampler, const CrTape *tape)
{
  const CrSampleSettings *settings = cr_sampler_get_settings (sampler);
  guint n_chains = cr_sampler_get_n_chains (sampler);
  size_t kept = settings->n_draws;
  g_autofree const double **values = g_new (const double *, n_chains);
  g_autofree const double **stats = g_new (const double *, n_chains);
  for (guint c = 0; c < n_chains; c++)
    {
      const CrChain *chain = cr_sampler_get_chain (sampler, c);
      size_t published = cr_chain_get_n_published (chain);
      kept = MIN (kept, published > settings->n_tune ? published - settings->n_tune : 0);
      values[c] = cr_chain_get_values (chain);
      stats[c] = cr_chain_get_stats (chain);
    }
  if (kept == 0)
    return NULL;
  size_t n_variables = cr_tape_get_n_trace_variables (tape);
  g_autofree CrTraceVariable *variables = g_new (CrTraceVariable, MAX (n_variables, 1));
  for (size_t v = 0; v < n_variables; v++)
    variables[v] = *cr_tape_get_trace_variable (tape, v);
  return cr_sample_summary_new (variables, n_variables, cr_tape_get_trace_size (tape), values, stats, n_chains,
                                settings->n_tune, kept, settings->max_treedepth, settings->target_accept);
}
