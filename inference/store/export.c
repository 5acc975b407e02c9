/* export.c: a run's draws as CmdStan CSV files and as one wide CSV.
 *
 * The CmdStan layout follows the CmdStan User's Guide (2.33), "Stan CSV File Format": dotted
 * 1-based names, containers in column-major order, NaN and inf spelled so. It also follows
 * what the readers parse: rstan::read_stan_csv takes the "key = value" comment
 * lines before "# Adaptation terminated" as the configuration (it needs num_samples,
 * num_warmup, thin, and algorithm with engine and metric to name the sampler) and the lines
 * from "Elapsed Time" as the timings; ArviZ's from_cmdstan splits warmup rows off by
 * save_warmup * num_warmup / thin, reads "Step size = " and the line after "inverse mass
 * matrix", and takes the columns ending in "__" as sampler statistics.
 */
#include "store/store-private.h"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

/* Credence's statistic names and CmdStan's column names, in CmdStan's column order. */
static const struct
{
  const char *credence;
  const char *cmdstan;
} cmdstan_stats[] = {
  { "lp", "lp__" },
  { "accept_stat", "accept_stat__" },
  { "step_size", "stepsize__" },
  { "tree_depth", "treedepth__" },
  { "n_leapfrog", "n_leapfrog__" },
  { "divergent", "divergent__" },
  { "energy", "energy__" },
};

/* Appends @x with the fewest significant digits (15 to 17) that read back as the same double,
 * never locale-dependent; non-finite values as CmdStan spells them (NaN, inf, -inf), which R's
 * read.csv and Python's float () read. */
static void
append_double (GString *out, double x)
{
  if (isnan (x))
    {
      g_string_append (out, "NaN");
      return;
    }
  if (isinf (x))
    {
      g_string_append (out, x > 0 ? "inf" : "-inf");
      return;
    }
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd (buffer, sizeof buffer, "%.15g", x);
  if (g_ascii_strtod (buffer, NULL) != x)
    g_ascii_formatd (buffer, sizeof buffer, "%.16g", x);
  if (g_ascii_strtod (buffer, NULL) != x)
    g_ascii_formatd (buffer, sizeof buffer, "%.17g", x);
  g_string_append (out, buffer);
}

/* Appends @field as an RFC 4180 CSV field: quoted when it holds a comma, quote or newline. */
static void
append_csv_field (GString *out, const char *field)
{
  if (strpbrk (field, ",\"\r\n") == NULL)
    {
      g_string_append (out, field);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = field; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static gboolean
write_file (const char *path, const GString *contents, GError **error)
{
  g_autoptr (GError) file_error = NULL;
  if (!g_file_set_contents_full (path, contents->str, (gssize) contents->len,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0666, &file_error))
    {
      g_set_error (error, CR_STORE_ERROR, CR_STORE_ERROR_IO, "%s", file_error->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
set_no_draws (GError **error, const CrRun *run, const char *what)
{
  g_set_error (error, CR_STORE_ERROR, CR_STORE_ERROR_NO_DRAWS,
               "run %" G_GINT64_FORMAT " (%s) %s; there is nothing to export", run->id,
               cr_run_status_to_string (run->status), what);
  return FALSE;
}

/* A setting of the run, or NULL when it is absent or of another JSON type. */
static JsonNode *
get_setting (const CrRun *run, const char *name, GType type)
{
  JsonNode *node = json_object_get_member (run->settings, name);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;
  GType held = json_node_get_value_type (node);
  if (held == type || (type == G_TYPE_DOUBLE && held == G_TYPE_INT64))
    return node;
  return NULL;
}

/* CmdStan's name for the run's metric: the setting, else what the adaptation stored, else
 * Credence's default, the diagonal one. */
static const char *
cmdstan_metric (const CrRun *run)
{
  JsonNode *metric = get_setting (run, "metric", G_TYPE_STRING);
  if (metric != NULL)
    {
      if (strcmp (json_node_get_string (metric), "dense") == 0)
        return "dense_e";
      if (strcmp (json_node_get_string (metric), "unit") == 0)
        return "unit_e";
      return "diag_e";
    }
  for (size_t c = 0; c < run->n_chains; c++)
    if (run->adaptation[c].known && run->adaptation[c].dense)
      return "dense_e";
  return "diag_e";
}

/* The model's name as one token: CmdStan's readers split "key = value" at whitespace. */
static char *
model_token (const CrRun *run)
{
  if (run->model_name == NULL || *run->model_name == '\0')
    return g_strdup_printf ("run_%" G_GINT64_FORMAT, run->id);
  char *token = g_strdup (run->model_name);
  for (char *p = token; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-' && *p != '.')
      *p = '_';
  return token;
}

/* The configuration comments, as CmdStan writes them before the header. */
static void
append_configuration (GString *out, const CrRun *run, size_t chain, size_t n_draws, const char *file)
{
  g_autofree char *model = model_token (run);
  g_string_append_printf (out, "# Written by Credence %s from run %" G_GINT64_FORMAT " (%s), chain %zu of %zu\n",
                          PACKAGE_VERSION, run->id, cr_run_status_to_string (run->status),
                          chain + 1, run->n_chains);
  g_string_append_printf (out, "# model = %s\n", model);
  g_string_append (out, "# method = sample (Default)\n");
  g_string_append (out, "#   sample\n");
  g_string_append_printf (out, "#     num_samples = %zu\n", n_draws);
  g_string_append_printf (out, "#     num_warmup = %zu\n", run->tune);
  g_string_append (out, "#     save_warmup = 0\n");
  g_string_append (out, "#     thin = 1\n");
  g_string_append (out, "#     adapt\n");
  g_string_append_printf (out, "#       engaged = %d\n", run->tune > 0 ? 1 : 0);
  JsonNode *delta = get_setting (run, "target_accept", G_TYPE_DOUBLE);
  if (delta != NULL)
    {
      g_string_append (out, "#       delta = ");
      append_double (out, json_node_get_double (delta));
      g_string_append_c (out, '\n');
    }
  g_string_append (out, "#     algorithm = hmc\n");
  g_string_append (out, "#       hmc\n");
  g_string_append (out, "#         engine = nuts\n");
  JsonNode *depth = get_setting (run, "max_tree_depth", G_TYPE_INT64);
  if (depth != NULL)
    g_string_append_printf (out, "#           nuts\n#             max_depth = %" G_GINT64_FORMAT "\n",
                            json_node_get_int (depth));
  g_string_append_printf (out, "#         metric = %s\n", cmdstan_metric (run));
  g_string_append_printf (out, "#     num_chains = %zu\n", run->n_chains);
  g_string_append_printf (out, "# id = %zu\n", chain + 1);
  g_string_append (out, "# random\n");
  g_string_append_printf (out, "#   seed = %" G_GUINT64_FORMAT "\n", run->seed);
  g_string_append (out, "# output\n");
  g_string_append_printf (out, "#   file = %s\n", file);
}

/* The adaptation comments, as CmdStan writes them after the header: the stored adaptation,
 * else the step size the kept draws were taken with. */
static void
append_adaptation (GString *out, const CrRun *run, size_t chain)
{
  const CrRunAdaptation *adaptation = &run->adaptation[chain];
  int step_stat = cr_run_find_stat (run, "step_size");
  double step_size = NAN;
  if (adaptation->known)
    step_size = adaptation->step_size;
  else if (step_stat >= 0 && run->tune > 0)
    step_size = run->stats[(chain * run->stored_draws) * run->n_stats + (size_t) step_stat];
  if (isnan (step_size))
    return;
  g_string_append (out, "# Adaptation terminated\n# Step size = ");
  append_double (out, step_size);
  g_string_append_c (out, '\n');
  if (!adaptation->known || adaptation->dim == 0)
    return;
  size_t dim = adaptation->dim;
  g_string_append (out, adaptation->dense ? "# Elements of inverse mass matrix:\n"
                                          : "# Diagonal elements of inverse mass matrix:\n");
  for (size_t row = 0; row < (adaptation->dense ? dim : 1); row++)
    {
      g_string_append (out, "# ");
      for (size_t j = 0; j < dim; j++)
        {
          if (j > 0)
            g_string_append (out, ", ");
          append_double (out, adaptation->inv_metric[row * dim + j]);
        }
      g_string_append_c (out, '\n');
    }
}

/* CmdStan's elapsed-time block; omitted when the run did not record its timings. */
static void
append_timings (GString *out, const CrRun *run)
{
  double warmup = run->timings.warmup_seconds, sampling = run->timings.sampling_seconds;
  if (!isfinite (warmup) || !isfinite (sampling))
    return;
  /* Fixed notation: rstan reads the number by deleting every character but digits and dots. */
  char w[G_ASCII_DTOSTR_BUF_SIZE], s[G_ASCII_DTOSTR_BUF_SIZE], t[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd (w, sizeof w, "%.6f", warmup);
  g_ascii_formatd (s, sizeof s, "%.6f", sampling);
  g_ascii_formatd (t, sizeof t, "%.6f", warmup + sampling);
  g_string_append_printf (out,
                          "# \n"
                          "#  Elapsed Time: %s seconds (Warm-up)\n"
                          "#                %s seconds (Sampling)\n"
                          "#                %s seconds (Total)\n"
                          "# \n",
                          w, s, t);
}

/* The columns of one draw in CmdStan's order: the position of each value in the draw, for
 * the variables in column-major order (the first index varies fastest), and their names. */
static void
cmdstan_columns (const CrRun *run, GArray *positions, GString *header)
{
  for (size_t v = 0; v < run->n_variables; v++)
    {
      const CrRunVariable *variable = &run->variables[v];
      size_t size = cr_run_variable_get_size (variable);
      for (size_t flat = 0; flat < size; flat++)
        {
          size_t index[CR_RUN_MAX_RANK], rest = flat, position = 0;
          for (guint d = 0; d < variable->rank; d++)
            {
              index[d] = rest % variable->dims[d];
              rest /= variable->dims[d];
            }
          for (guint d = 0; d < variable->rank; d++)
            position = position * variable->dims[d] + index[d];
          position += variable->offset;
          g_array_append_val (positions, position);
          g_string_append_c (header, ',');
          g_string_append (header, variable->name);
          for (guint d = 0; d < variable->rank; d++)
            g_string_append_printf (header, ".%zu", index[d] + 1);
        }
    }
}

char **
cr_run_export_cmdstan (const CrRun *run, const char *dir_or_file, GError **error)
{
  g_return_val_if_fail (run != NULL, NULL);
  g_return_val_if_fail (dir_or_file != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  size_t n_draws = cr_run_get_n_common_draws (run);
  if (n_draws == 0)
    {
      set_no_draws (error, run,
                    run->stored_draws == 0 ? "has no draws after warmup"
                                           : "has a chain without draws after warmup");
      return NULL;
    }

  g_autofree char *stem = NULL, *dir = NULL;
  if (g_str_has_suffix (dir_or_file, ".csv"))
    stem = g_strndup (dir_or_file, strlen (dir_or_file) - strlen (".csv"));
  else if (g_file_test (dir_or_file, G_FILE_TEST_EXISTS) && !g_file_test (dir_or_file, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, CR_STORE_ERROR, CR_STORE_ERROR_IO,
                   "%s: is a file, not a directory; give a directory, or a name ending in .csv "
                   "for NAME_1.csv, NAME_2.csv...",
                   dir_or_file);
      return NULL;
    }
  else if (g_mkdir_with_parents (dir_or_file, 0777) != 0)
    {
      int saved = errno;
      g_set_error (error, CR_STORE_ERROR, CR_STORE_ERROR_IO, "%s: cannot create the directory: %s",
                   dir_or_file, g_strerror (saved));
      return NULL;
    }
  else
    dir = g_strdup (dir_or_file);

  g_autoptr (GArray) positions = g_array_new (FALSE, FALSE, sizeof (size_t));
  g_autoptr (GArray) stat_columns = g_array_new (FALSE, FALSE, sizeof (size_t));
  g_autoptr (GString) header = g_string_new (NULL);
  for (size_t s = 0; s < G_N_ELEMENTS (cmdstan_stats); s++)
    {
      int k = cr_run_find_stat (run, cmdstan_stats[s].credence);
      if (k < 0)
        continue;
      size_t column = (size_t) k;
      g_array_append_val (stat_columns, column);
      if (header->len > 0)
        g_string_append_c (header, ',');
      g_string_append (header, cmdstan_stats[s].cmdstan);
    }
  cmdstan_columns (run, positions, header);
  /* Without any statistic the first variable's comma leads; CmdStan's header never does. */
  if (stat_columns->len == 0 && header->len > 0)
    g_string_erase (header, 0, 1);

  g_autoptr (GStrvBuilder) written = g_strv_builder_new ();
  g_autoptr (GString) out = g_string_new (NULL);
  for (size_t c = 0; c < run->n_chains; c++)
    {
      g_autofree char *path = stem != NULL ? g_strdup_printf ("%s_%zu.csv", stem, c + 1)
                                           : g_strdup_printf ("%s/output_%zu.csv", dir, c + 1);
      g_autofree char *base = g_path_get_basename (path);
      g_string_truncate (out, 0);
      append_configuration (out, run, c, n_draws, base);
      g_string_append_len (out, header->str, (gssize) header->len);
      g_string_append_c (out, '\n');
      append_adaptation (out, run, c);
      for (size_t i = 0; i < n_draws; i++)
        {
          size_t row = c * run->stored_draws + i;
          gboolean first = TRUE;
          for (guint k = 0; k < stat_columns->len; k++, first = FALSE)
            {
              if (!first)
                g_string_append_c (out, ',');
              append_double (out, run->stats[row * run->n_stats + g_array_index (stat_columns, size_t, k)]);
            }
          for (guint j = 0; j < positions->len; j++, first = FALSE)
            {
              if (!first)
                g_string_append_c (out, ',');
              append_double (out, run->values[row * run->n_values + g_array_index (positions, size_t, j)]);
            }
          g_string_append_c (out, '\n');
        }
      append_timings (out, run);
      if (!write_file (path, out, error))
        return NULL;
      g_strv_builder_add (written, path);
    }
  return g_strv_builder_end (written);
}

gboolean
cr_run_export_wide (const CrRun *run, const char *path, GError **error)
{
  g_return_val_if_fail (run != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (run->stored_draws == 0)
    return set_no_draws (error, run, "has no draws after warmup");

  g_auto (GStrv) names = cr_run_get_quantity_names (run);
  g_autoptr (GString) out = g_string_new ("chain,draw");
  for (size_t j = 0; j < run->n_values; j++)
    {
      g_string_append_c (out, ',');
      append_csv_field (out, names[j]);
    }
  g_string_append_c (out, '\n');
  for (size_t c = 0; c < run->n_chains; c++)
    for (size_t i = 0; i < run->chain_draws[c]; i++)
      {
        g_string_append_printf (out, "%zu,%zu", c, i);
        const double *draw = run->values + (c * run->stored_draws + i) * run->n_values;
        for (size_t j = 0; j < run->n_values; j++)
          {
            g_string_append_c (out, ',');
            append_double (out, draw[j]);
          }
        g_string_append_c (out, '\n');
      }
  return write_file (path, out, error);
}
