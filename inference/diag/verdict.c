/* verdict.c: plain-language verdicts on a run.
 *
 * The texts are in the user's language: they go through g_dgettext in the application's domain
 * (GETTEXT_PACKAGE), which the program linking the engine binds. A program that binds nothing
 * (the engine's tests, a script) gets them in English.
 */
#include "diag/verdict.h"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#define RHAT_WARN CR_VERDICT_RHAT_WARN
#define RHAT_STOP CR_VERDICT_RHAT_STOP
#define ESS_PER_CHAIN CR_VERDICT_ESS_PER_CHAIN
#define EBFMI_WARN 0.3
/* How many variables a message names before "and N more". */
#define NAMED 5

void
cr_verdict_free (CrVerdict *verdict)
{
  if (verdict == NULL)
    return;
  g_free (verdict->message);
  g_free (verdict->remedy);
  g_strfreev (verdict->variables);
  g_free (verdict);
}

static CrVerdict *
verdict_new (CrCheck check, CrVerdictLevel level, GPtrArray *names, char *message, const char *remedy)
{
  CrVerdict *verdict = g_new0 (CrVerdict, 1);
  verdict->check = check;
  verdict->level = level;
  verdict->message = message;
  verdict->remedy = g_strdup (remedy);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  for (guint i = 0; names != NULL && i < names->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (names, i));
  verdict->variables = g_strv_builder_end (builder);
  return verdict;
}

CrVerdictLevel
cr_diag_quantity_level (const CrDiagSummary *summary, size_t n_chains)
{
  g_return_val_if_fail (summary != NULL, CR_VERDICT_OK);
  if (summary->r_hat > RHAT_STOP)
    return CR_VERDICT_STOP;
  if (summary->r_hat > RHAT_WARN || fmin (summary->ess_bulk, summary->ess_tail) < ESS_PER_CHAIN * (double) n_chains)
    return CR_VERDICT_WARN;
  return CR_VERDICT_OK;
}

/* "mu", "mu and tau", "mu, tau and sigma", "a, b, c, d, e and 2 more": whole phrases for the
 * translators, around a list joined by commas. */
static char *
list_names (GPtrArray *names)
{
  g_assert (names->len > 0);
  guint n_named = MIN (names->len, NAMED), n_more = names->len - n_named;
  if (names->len == 1)
    return g_strdup (g_ptr_array_index (names, 0));
  /* All named: the last one after "and"; else all named, then how many more. */
  guint n_joined = n_more > 0 ? n_named : n_named - 1;
  g_autoptr (GString) joined = g_string_new (NULL);
  for (guint i = 0; i < n_joined; i++)
    g_string_append_printf (joined, "%s%s", i == 0 ? "" : C_ ("list of names", ", "),
                            (const char *) g_ptr_array_index (names, i));
  if (n_more > 0)
    /* Translators: %s is a list of names joined by commas, %u how many are left out. */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s and %u more", "%s and %u more", n_more),
                            joined->str, n_more);
  /* Translators: a list of names: the first %s is all but the last, joined by commas. */
  return g_strdup_printf (_("%s and %s"), joined->str, (const char *) g_ptr_array_index (names, n_joined));
}

static int
compare_level (gconstpointer a, gconstpointer b)
{
  const CrVerdict *x = *(CrVerdict *const *) a, *y = *(CrVerdict *const *) b;
  return (int) y->level - (int) x->level;
}

GPtrArray *
cr_diag_verdicts (const CrRunSummary *run)
{
  GPtrArray *verdicts = g_ptr_array_new_with_free_func ((GDestroyNotify) cr_verdict_free);
  g_autoptr (GPtrArray) rhat_stop = g_ptr_array_new (), rhat_warn = g_ptr_array_new ();
  g_autoptr (GPtrArray) low_ess = g_ptr_array_new ();
  double worst_rhat = 0, lowest_ess = INFINITY;
  double ess_needed = ESS_PER_CHAIN * run->n_chains;
  for (size_t i = 0; i < run->n_quantities; i++)
    {
      const CrDiagSummary *s = &run->summaries[i];
      /* NaN: a constant quantity (a data-only deterministic), which has nothing to converge. */
      if (!isnan (s->r_hat))
        {
          if (s->r_hat > RHAT_STOP)
            g_ptr_array_add (rhat_stop, (gpointer) run->names[i]);
          else if (s->r_hat > RHAT_WARN)
            g_ptr_array_add (rhat_warn, (gpointer) run->names[i]);
          worst_rhat = fmax (worst_rhat, s->r_hat);
        }
      double ess = fmin (s->ess_bulk, s->ess_tail);
      if (!isnan (ess) && ess < ess_needed)
        g_ptr_array_add (low_ess, (gpointer) run->names[i]);
      if (!isnan (ess))
        lowest_ess = fmin (lowest_ess, ess);
    }

  if (rhat_stop->len > 0 || rhat_warn->len > 0)
    {
      GPtrArray *names = rhat_stop->len > 0 ? rhat_stop : rhat_warn;
      for (guint i = 0; rhat_stop->len > 0 && i < rhat_warn->len; i++)
        g_ptr_array_add (names, g_ptr_array_index (rhat_warn, i));
      g_autofree char *listed = list_names (names);
      gboolean stop = rhat_stop->len > 0;
      g_ptr_array_add (verdicts, verdict_new (
          CR_CHECK_RHAT, stop ? CR_VERDICT_STOP : CR_VERDICT_WARN, names,
          /* Translators: R-hat is the name of the diagnostic; %s lists the variables. */
          g_strdup_printf (stop ? _("The chains disagree: R-hat is up to %.3f (above %.2f) for %s. "
                                    "Do not use these draws.")
                                : _("The chains have not quite converged: R-hat is up to %.3f (above "
                                    "%.2f) for %s."),
                           worst_rhat, stop ? RHAT_STOP : RHAT_WARN, listed),
          /* Translators: "tune" is the name of the setting for the warmup length. */
          _("Run longer warmup (tune) and more draws; if R-hat stays high, reparameterise (a "
            "non-centred form for hierarchical scales) or tighten vague priors.")));
    }
  if (low_ess->len > 0)
    {
      g_autofree char *listed = list_names (low_ess);
      g_ptr_array_add (verdicts, verdict_new (
          CR_CHECK_ESS, CR_VERDICT_WARN, low_ess,
          /* Translators: ESS is the effective sample size; %s lists the variables. */
          g_strdup_printf (_("Too few effective draws: bulk or tail ESS is as low as %.0f, under %.0f "
                             "(%.0f per chain), for %s; means and intervals are imprecise."),
                           lowest_ess, ess_needed, ESS_PER_CHAIN, listed),
          /* Translators: "draws" is the name of the setting for the number of draws. */
          _("Draw more (increase draws), or reparameterise so the chains mix faster.")));
    }
  if (run->n_divergent > 0)
    {
      size_t total = run->n_chains * run->n_draws;
      double suggested = run->target_accept < 0.95 ? 0.95 : 0.99;
      /* Translators: target_accept is the name of a setting, keep it as it is. */
      g_autofree char *remedy = g_strdup_printf (
          _("Raise target_accept (to %.2f) so the step size shrinks; if divergences remain, "
            "reparameterise (a non-centred form for hierarchical models) or use tighter priors."),
          suggested);
      /* The count decides the verb's number in other languages ("1 of 4000 draws diverged" needs
       * one English form, two French ones): a plural message with the same English twice. */
      g_ptr_array_add (verdicts, verdict_new (
          CR_CHECK_DIVERGENCES, CR_VERDICT_WARN, NULL,
          g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                        "%zu of %zu draws after warmup diverged (%.3g%%): the sampler "
                                        "could not follow the posterior's curvature everywhere, so the "
                                        "draws may be biased.",
                                        "%zu of %zu draws after warmup diverged (%.3g%%): the sampler "
                                        "could not follow the posterior's curvature everywhere, so the "
                                        "draws may be biased.",
                                        run->n_divergent),
                           run->n_divergent, total, 100.0 * run->n_divergent / (double) total),
          remedy));
    }
  if (run->n_max_treedepth > 0)
    {
      size_t total = run->n_chains * run->n_draws;
      /* A plural message with the same English twice, as for divergences. */
      g_ptr_array_add (verdicts, verdict_new (
          CR_CHECK_TREE_DEPTH, CR_VERDICT_WARN, NULL,
          g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                        "%zu of %zu draws hit the maximum tree depth of %u: trajectories "
                                        "were cut short, which costs efficiency (not correctness).",
                                        "%zu of %zu draws hit the maximum tree depth of %u: trajectories "
                                        "were cut short, which costs efficiency (not correctness).",
                                        run->n_max_treedepth),
                           run->n_max_treedepth, total, run->max_treedepth),
          /* Translators: max_treedepth is the name of a setting, keep it as it is. */
          _("Raise max_treedepth, or reparameterise and rescale the parameters so they have "
            "similar scales and weaker correlations.")));
    }
  g_autoptr (GPtrArray) low_chains = g_ptr_array_new_with_free_func (g_free);
  double lowest_ebfmi = INFINITY;
  for (size_t c = 0; run->ebfmi != NULL && c < run->n_chains; c++)
    if (!isnan (run->ebfmi[c]) && run->ebfmi[c] < EBFMI_WARN)
      {
        g_ptr_array_add (low_chains, g_strdup_printf (
            /* Translators: one item of the list of chains in the E-BFMI message ("in %s"). */
            _("chain %zu"), c));
        lowest_ebfmi = fmin (lowest_ebfmi, run->ebfmi[c]);
      }
  if (low_chains->len > 0)
    {
      g_autofree char *listed = list_names (low_chains);
      g_ptr_array_add (verdicts, verdict_new (
          CR_CHECK_EBFMI, CR_VERDICT_WARN, NULL,
          /* Translators: %s lists chains, as "chain 0 and chain 2". */
          g_strdup_printf (_("E-BFMI is as low as %.2f (under %.1f) in %s: the momentum resampling "
                             "explores the energy poorly, a sign of heavy tails or a funnel."),
                           lowest_ebfmi, EBFMI_WARN, listed),
          _("Reparameterise (non-centred forms), tighten priors on scale parameters, or run a "
            "longer warmup.")));
    }

  if (verdicts->len == 0)
    g_ptr_array_add (verdicts, verdict_new (
        CR_CHECK_ALL, CR_VERDICT_OK, NULL,
        g_strdup_printf (_("The chains converged: R-hat is at most %.3f, every bulk and tail ESS is "
                           "at least %.0f per chain, and no draw diverged or hit the maximum tree "
                           "depth."),
                         worst_rhat, ESS_PER_CHAIN),
        NULL));
  g_ptr_array_sort (verdicts, compare_level);
  return verdicts;
}

CrVerdictLevel
cr_diag_verdicts_level (const GPtrArray *verdicts)
{
  CrVerdictLevel worst = CR_VERDICT_OK;
  for (guint i = 0; i < verdicts->len; i++)
    worst = MAX (worst, ((const CrVerdict *) g_ptr_array_index (verdicts, i))->level);
  return worst;
}
