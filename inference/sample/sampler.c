/* sampler.c: chains in threads, and the tape as a density. */
#include "sample/sample.h"

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

/* OpenBLAS runs its own threads by default; each chain already has a core. The symbol exists
 * only when OpenBLAS is the CBLAS linked. */
extern void openblas_set_num_threads (int n) __attribute__ ((weak));

static double
tape_log_density (gpointer data, gpointer workspace, const double *theta, double *gradient)
{
  return cr_tape_log_density (data, workspace, theta, gradient);
}

static gpointer
tape_workspace_new (gpointer data)
{
  return cr_workspace_new (data);
}

static void
tape_workspace_free (gpointer workspace)
{
  cr_workspace_free (workspace);
}

CrDensity
cr_density_from_tape (const CrTape *tape)
{
  return (CrDensity){
    .dimension = cr_tape_get_dimension (tape),
    .log_density = tape_log_density,
    .workspace_new = tape_workspace_new,
    .workspace_free = tape_workspace_free,
    .data = (gpointer) tape,
  };
}

static void
tape_trace (gpointer data, gpointer workspace, const double *theta, double *values)
{
  cr_tape_constrained_values (data, workspace, theta, values);
}

struct _CrSampler
{
  CrSampleSettings settings;
  GPtrArray *chains; /* of CrChain, owned */
  GThreadPool *pool;
  gint cancel;
  gint n_finished;
  GMutex lock;
  GCond finished; /* signalled under lock as each chain finishes */
  GError *error; /* the first failure */
  gboolean background;
};

static void
run_chain (gpointer data, gpointer user_data)
{
  CrSampler *sampler = user_data;
  CrChain *chain = data;
  GError *error = NULL;
#ifdef __linux__
  /* Per thread on Linux: setpriority on a thread id renices that thread only. A failure only
   * means the chain keeps its priority. */
  if (sampler->background)
    (void) setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), 10);
#endif
  if (!cr_chain_run (chain, &sampler->cancel, &error))
    {
      g_mutex_lock (&sampler->lock);
      if (sampler->error == NULL)
        sampler->error = error;
      else
        g_error_free (error);
      g_mutex_unlock (&sampler->lock);
    }
  g_mutex_lock (&sampler->lock);
  g_atomic_int_inc (&sampler->n_finished);
  g_cond_broadcast (&sampler->finished);
  g_mutex_unlock (&sampler->lock);
}

CrSampler *
cr_sampler_new (const CrDensity *density,
                const CrSampleSettings *settings,
                size_t trace_size,
                CrTraceFunc trace,
                gpointer trace_data,
                GError **error)
{
  if (!cr_sample_settings_check (settings, error))
    return NULL;
  CrSampler *sampler = g_new0 (CrSampler, 1);
  sampler->settings = *settings;
  sampler->chains = g_ptr_array_new_with_free_func ((GDestroyNotify) cr_chain_free);
  g_mutex_init (&sampler->lock);
  g_cond_init (&sampler->finished);
  for (guint c = 0; c < settings->n_chains; c++)
    g_ptr_array_add (sampler->chains, cr_chain_new (density, settings, c, trace_size, trace, trace_data, NULL));
  return sampler;
}

CrSampler *
cr_sampler_new_for_tape (const CrTape *tape, const CrSampleSettings *settings, GError **error)
{
  CrDensity density = cr_density_from_tape (tape);
  return cr_sampler_new (&density, settings, cr_tape_get_trace_size (tape), tape_trace, (gpointer) tape, error);
}

void
cr_sampler_start (CrSampler *sampler, guint max_threads)
{
  g_return_if_fail (sampler->pool == NULL);
  if (openblas_set_num_threads != NULL)
    openblas_set_num_threads (1);
  guint n = sampler->chains->len;
  sampler->pool = g_thread_pool_new (run_chain, sampler, max_threads == 0 ? (gint) n : (gint) MIN (max_threads, n),
                                     FALSE, NULL);
  for (guint c = 0; c < n; c++)
    g_thread_pool_push (sampler->pool, g_ptr_array_index (sampler->chains, c), NULL);
}

void
cr_sampler_set_background (CrSampler *sampler, gboolean background)
{
  g_return_if_fail (sampler->pool == NULL);
  sampler->background = background;
}

void
cr_sampler_cancel (CrSampler *sampler)
{
  g_atomic_int_set (&sampler->cancel, 1);
}

gboolean
cr_sampler_was_cancelled (CrSampler *sampler)
{
  return g_atomic_int_get (&sampler->cancel) != 0;
}

gboolean
cr_sampler_is_finished (CrSampler *sampler)
{
  return (guint) g_atomic_int_get (&sampler->n_finished) == sampler->chains->len;
}

gboolean
cr_sampler_wait_finished (CrSampler *sampler, gint64 timeout_us)
{
  gint64 end_time = g_get_monotonic_time () + timeout_us;
  g_mutex_lock (&sampler->lock);
  while (!cr_sampler_is_finished (sampler))
    if (!g_cond_wait_until (&sampler->finished, &sampler->lock, end_time))
      break;
  g_mutex_unlock (&sampler->lock);
  return cr_sampler_is_finished (sampler);
}

gboolean
cr_sampler_wait (CrSampler *sampler, GError **error)
{
  if (sampler->pool != NULL)
    {
      g_thread_pool_free (sampler->pool, FALSE, TRUE);
      sampler->pool = NULL;
    }
  if (sampler->error != NULL)
    {
      g_propagate_error (error, g_error_copy (sampler->error));
      return FALSE;
    }
  return TRUE;
}

void
cr_sampler_free (CrSampler *sampler)
{
  if (sampler == NULL)
    return;
  if (sampler->pool != NULL)
    {
      cr_sampler_cancel (sampler);
      g_thread_pool_free (sampler->pool, FALSE, TRUE);
    }
  g_ptr_array_unref (sampler->chains);
  g_clear_error (&sampler->error);
  g_mutex_clear (&sampler->lock);
  g_cond_clear (&sampler->finished);
  g_free (sampler);
}

void
cr_sampler_set_progress_func (CrSampler *sampler, CrProgressFunc func, gpointer user_data)
{
  g_return_if_fail (sampler->pool == NULL);
  for (guint c = 0; c < sampler->chains->len; c++)
    cr_chain_set_progress_func (g_ptr_array_index (sampler->chains, c), func, user_data);
}

const CrSampleSettings *
cr_sampler_get_settings (const CrSampler *sampler)
{
  return &sampler->settings;
}

guint
cr_sampler_get_n_chains (const CrSampler *sampler)
{
  return sampler->chains->len;
}

const CrChain *
cr_sampler_get_chain (const CrSampler *sampler, guint index)
{
  g_return_val_if_fail (index < sampler->chains->len, NULL);
  return g_ptr_array_index (sampler->chains, index);
}
