/* runs.c: runs, their writer, crash recovery, loading, cached summaries. */
#include "store/store-private.h"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

/* A chunk closes at this many bytes of values, so one flush after a long pause still writes
 * rows far below SQLite's 1 GB limit on a BLOB. */
#define CHUNK_MAX_BYTES (8u << 20)

/* A stored run with more chains than this is damaged, not big: refuse it before allocating. */
#define MAX_CHAINS 65536

static const char *const status_names[] = { "running", "complete", "interrupted", "failed" };

static const char *const nuts_stat_names[CR_RUN_N_NUTS_STATS + 1] = {
  "lp",
  "accept_stat",
  "step_size",
  "tree_depth",
  "n_leapfrog",
  "divergent",
  "energy",
  NULL,
};

const char *
cr_run_status_to_string (CrRunStatus status)
{
  g_return_val_if_fail ((guint) status < G_N_ELEMENTS (status_names), NULL);
  return status_names[status];
}

gboolean
cr_run_status_from_string (const char *text, CrRunStatus *status)
{
  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (status_names); i++)
    if (strcmp (text, status_names[i]) == 0)
      {
        *status = (CrRunStatus) i;
        return TRUE;
      }
  return FALSE;
}

const char *const *
cr_run_get_nuts_stat_names (void)
{
  return nuts_stat_names;
}

size_t
cr_run_variable_get_size (const CrRunVariable *variable)
{
  g_return_val_if_fail (variable != NULL, 0);
  size_t size = 1;
  for (guint d = 0; d < variable->rank && d < CR_RUN_MAX_RANK; d++)
    size *= variable->dims[d];
  return size;
}

/* Checks that the variables tile the draw in order, with unique non-empty names and sizes that
 * do not overflow; sets *n_values. Returns: NULL when valid, else (transfer full) what is wrong. */
static char *
layout_problem (const CrRunVariable *variables, size_t n_variables, size_t *n_values)
{
  g_autoptr (GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  size_t offset = 0;
  for (size_t v = 0; v < n_variables; v++)
    {
      const CrRunVariable *variable = &variables[v];
      if (variable->name == NULL || *variable->name == '\0')
        return g_strdup_printf ("variable %zu has no name", v);
      if (!g_hash_table_add (names, variable->name))
        return g_strdup_printf ("two variables are called '%s'", variable->name);
      if (variable->rank > CR_RUN_MAX_RANK)
        return g_strdup_printf ("'%s' has %u dimensions, more than %d", variable->name,
                                variable->rank, CR_RUN_MAX_RANK);
      size_t size = 1;
      for (guint d = 0; d < variable->rank; d++)
        if (!g_size_checked_mul (&size, size, variable->dims[d]))
          return g_strdup_printf ("'%s' is too large", variable->name);
      if (variable->offset != offset)
        return g_strdup_printf ("'%s' starts at %zu, not at %zu where the previous variable "
                                "ends",
                                variable->name, variable->offset, offset);
      if (!g_size_checked_add (&offset, offset, size))
        return g_strdup_printf ("'%s' is too large", variable->name);
    }
  /* Each draw's values must fit in one BLOB: SQLite's limit is 1e9 bytes. */
  if (offset > 100000000)
    return g_strdup_printf ("%zu values per draw are too many", offset);
  *n_values = offset;
  return NULL;
}

static gboolean
stat_names_valid (const char *const *names)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (size_t k = 0; names[k] != NULL; k++)
    if (*names[k] == '\0' || !g_hash_table_add (seen, (gpointer) names[k]))
      return FALSE;
  return TRUE;
}

static char *
layout_to_json (const CrRunSpec *spec, const char *const *stat_names)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "variables");
  json_builder_begin_array (builder);
  for (size_t v = 0; v < spec->n_variables; v++)
    {
      const CrRunVariable *variable = &spec->variables[v];
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, variable->name);
      json_builder_set_member_name (builder, "shape");
      json_builder_begin_array (builder);
      for (guint d = 0; d < variable->rank; d++)
        json_builder_add_int_value (builder, (gint64) variable->dims[d]);
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "offset");
      json_builder_add_int_value (builder, (gint64) variable->offset);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "stats");
  json_builder_begin_array (builder);
  for (size_t k = 0; stat_names[k] != NULL; k++)
    json_builder_add_string_value (builder, stat_names[k]);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  g_autoptr (JsonNode) root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/* A non-negative integer member of @object, or FALSE. */
static gboolean
json_get_size (JsonNode *node, size_t *value)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64
      || json_node_get_int (node) < 0)
    return FALSE;
  *value = (size_t) json_node_get_int (node);
  return TRUE;
}

static gboolean
json_is_string (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

static void
variables_free (CrRunVariable *variables, size_t n)
{
  for (size_t v = 0; variables != NULL && v < n; v++)
    g_free (variables[v].name);
  g_free (variables);
}

/* Reads the layout JSON into @run; FALSE when it is damaged. */
static gboolean
layout_from_json (CrRun *run, const char *json)
{
  g_autoptr (JsonNode) root = json_from_string (json, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return FALSE;
  JsonObject *object = json_node_get_object (root);
  JsonNode *variables_node = json_object_get_member (object, "variables");
  JsonNode *stats_node = json_object_get_member (object, "stats");
  if (variables_node == NULL || !JSON_NODE_HOLDS_ARRAY (variables_node) || stats_node == NULL
      || !JSON_NODE_HOLDS_ARRAY (stats_node))
    return FALSE;

  JsonArray *variables = json_node_get_array (variables_node);
  size_t n_variables = json_array_get_length (variables);
  run->variables = g_new0 (CrRunVariable, MAX (n_variables, 1));
  run->n_variables = n_variables;
  for (size_t v = 0; v < n_variables; v++)
    {
      JsonNode *element = json_array_get_element (variables, (guint) v);
      if (!JSON_NODE_HOLDS_OBJECT (element))
        return FALSE;
      JsonObject *member = json_node_get_object (element);
      JsonNode *name = json_object_get_member (member, "name");
      JsonNode *shape = json_object_get_member (member, "shape");
      if (!json_is_string (name) || shape == NULL || !JSON_NODE_HOLDS_ARRAY (shape)
          || !json_get_size (json_object_get_member (member, "offset"), &run->variables[v].offset))
        return FALSE;
      run->variables[v].name = g_strdup (json_node_get_string (name));
      JsonArray *dims = json_node_get_array (shape);
      if (json_array_get_length (dims) > CR_RUN_MAX_RANK)
        return FALSE;
      run->variables[v].rank = json_array_get_length (dims);
      for (guint d = 0; d < run->variables[v].rank; d++)
        if (!json_get_size (json_array_get_element (dims, d), &run->variables[v].dims[d]))
          return FALSE;
    }
  g_autofree char *problem = layout_problem (run->variables, run->n_variables, &run->n_values);
  if (problem != NULL)
    return FALSE;

  JsonArray *stats = json_node_get_array (stats_node);
  g_autoptr (GStrvBuilder) names = g_strv_builder_new ();
  for (guint k = 0; k < json_array_get_length (stats); k++)
    {
      JsonNode *element = json_array_get_element (stats, k);
      if (!json_is_string (element))
        return FALSE;
      g_strv_builder_add (names, json_node_get_string (element));
    }
  run->stat_names = g_strv_builder_end (names);
  run->n_stats = g_strv_length (run->stat_names);
  return stat_names_valid ((const char *const *) run->stat_names);
}

/* Returns: (transfer full) this boot's id from the kernel, or NULL where there is none. */
static char *
read_boot_id (void)
{
  char *text = NULL;
  if (!g_file_get_contents ("/proc/sys/kernel/random/boot_id", &text, NULL, NULL))
    return NULL;
  return g_strstrip (text);
}

/* Returns: when process @pid started, in clock ticks after boot (field 22 of /proc/PID/stat),
 * or -1 where that cannot be read. */
static gint64
process_start_time (gint64 pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%" G_GINT64_FORMAT "/stat", pid);
  g_autofree char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, NULL))
    return -1;
  /* The command name (field 2) is in parentheses and may hold spaces and parentheses: count
   * fields after its last closing one, which is followed by field 3. */
  const char *field = strrchr (text, ')');
  if (field == NULL)
    return -1;
  for (int k = 2; k < 22 && field != NULL; k++)
    field = strchr (field + 1, ' ');
  if (field == NULL)
    return -1;
  char *end = NULL;
  guint64 ticks = g_ascii_strtoull (field + 1, &end, 10);
  return end != field + 1 && ticks <= G_MAXINT64 ? (gint64) ticks : -1;
}

/* Whether the writer @pid that started at @start (-1: not recorded) runs on this machine now.
 * A zombie counts as alive until reaped. A process with that id but another start time is not
 * the writer: the id has been reused. */
static gboolean
process_is_alive (gint64 pid, gint64 start)
{
  if (pid <= 0 || pid > G_MAXINT)
    return FALSE;
  /* Signal 0 checks existence and permission only; EPERM means it exists under another user. */
  if (pid != (gint64) getpid () && kill ((pid_t) pid, 0) != 0 && errno != EPERM)
    return FALSE;
  gint64 now = start >= 0 ? process_start_time (pid) : -1;
  return now < 0 || now == start;
}

static gint64
seed_to_int64 (guint64 seed)
{
  gint64 bits;
  memcpy (&bits, &seed, sizeof bits);
  return bits;
}

static guint64
seed_from_int64 (gint64 bits)
{
  guint64 seed;
  memcpy (&seed, &bits, sizeof seed);
  return seed;
}

static void
bind_seconds (sqlite3_stmt *stmt, int index, double seconds)
{
  if (isfinite (seconds))
    sqlite3_bind_double (stmt, index, seconds);
  else
    sqlite3_bind_null (stmt, index);
}

static double
column_seconds (sqlite3_stmt *stmt, int index)
{
  return sqlite3_column_type (stmt, index) == SQLITE_NULL ? NAN : sqlite3_column_double (stmt, index);
}

gint64
cr_project_begin_run (CrProject *project, const CrRunSpec *spec, GError **error)
{
  g_return_val_if_fail (project != NULL, 0);
  g_return_val_if_fail (spec != NULL, 0);
  g_return_val_if_fail (spec->model_text != NULL, 0);
  g_return_val_if_fail (spec->n_chains > 0 && spec->n_chains <= MAX_CHAINS, 0);
  g_return_val_if_fail (spec->tune <= G_MAXINT64 && spec->draws <= G_MAXINT64, 0);
  g_return_val_if_fail (spec->variables != NULL || spec->n_variables == 0, 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);
  size_t n_values = 0;
  g_autofree char *problem = layout_problem (spec->variables, spec->n_variables, &n_values);
  if (problem != NULL)
    {
      g_critical ("cr_project_begin_run: the layout is wrong: %s", problem);
      return 0;
    }
  const char *const *stat_names = spec->stat_names != NULL ? spec->stat_names : nuts_stat_names;
  g_return_val_if_fail (stat_names_valid (stat_names), 0);

  g_autoptr (JsonNode) settings = json_node_new (JSON_NODE_OBJECT);
  if (spec->settings != NULL)
    json_node_set_object (settings, spec->settings);
  else
    json_node_take_object (settings, json_object_new ());
  g_autofree char *settings_json = json_to_string (settings, FALSE);
  g_autofree char *layout_json = layout_to_json (spec, stat_names);
  g_autofree char *started = cr_store_now_iso8601 ();
  g_autofree char *boot_id = read_boot_id ();

  sqlite3_stmt *stmt = cr_store_prepare (project,
                                         "INSERT INTO runs (model_id, dataset_id, status, seed, "
                                         "  n_chains, tune, draws, started, credence_version, "
                                         "  writer_pid, writer_boot_id, settings, layout, model_text, "
                                         "  writer_start) "
                                         "VALUES (?1, ?2, 'running', ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
                                         "  ?10, ?11, ?12, ?13, ?14)",
                                         error);
  if (stmt == NULL)
    return 0;
  if (spec->model_id > 0)
    sqlite3_bind_int64 (stmt, 1, spec->model_id);
  if (spec->dataset_id > 0)
    sqlite3_bind_int64 (stmt, 2, spec->dataset_id);
  sqlite3_bind_int64 (stmt, 3, seed_to_int64 (spec->seed));
  sqlite3_bind_int64 (stmt, 4, (sqlite3_int64) spec->n_chains);
  sqlite3_bind_int64 (stmt, 5, (sqlite3_int64) spec->tune);
  sqlite3_bind_int64 (stmt, 6, (sqlite3_int64) spec->draws);
  sqlite3_bind_text (stmt, 7, started, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, PACKAGE_VERSION, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 9, (sqlite3_int64) getpid ());
  if (boot_id != NULL)
    sqlite3_bind_text (stmt, 10, boot_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 11, settings_json, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 12, layout_json, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 13, spec->model_text, -1, SQLITE_STATIC);
  gint64 start = process_start_time ((gint64) getpid ());
  if (start >= 0)
    sqlite3_bind_int64 (stmt, 14, start);
  int rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc == SQLITE_CONSTRAINT)
    {
      g_set_error (error, CR_STORE_ERROR, CR_STORE_ERROR_NOT_FOUND,
                   "%s: cannot record the run: model %" G_GINT64_FORMAT " or dataset %" G_GINT64_FORMAT
                   " is not in the project; save the model in this project first",
                   project->path, spec->model_id, spec->dataset_id);
      return 0;
    }
  if (rc != SQLITE_DONE)
    {
      cr_store_set_sqlite_error (error, project->db, CR_STORE_ERROR_IO, project->path,
                                 "cannot record the run");
      return 0;
    }
  return sqlite3_last_insert_rowid (project->db);
}

gboolean
cr_store_recover_runs (CrProject *project, GError **error)
{
  sqlite3_stmt *stmt = cr_store_prepare (project,
                                         "SELECT id, writer_pid, writer_boot_id, writer_start FROM runs "
                                         "WHERE status = 'running'",
                                         error);
  if (stmt == NULL)
    return FALSE;
  g_autofree char *boot_id = read_boot_id ();
  g_autoptr (GArray) stale = g_array_new (FALSE, FALSE, sizeof (gint64));
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      gint64 pid = sqlite3_column_int64 (stmt, 1);
      const char *writer_boot = (const char *) sqlite3_column_text (stmt, 2);
      gint64 start = sqlite3_column_type (stmt, 3) == SQLITE_NULL ? -1 : sqlite3_column_int64 (stmt, 3);
      /* Without a boot id on either side only the process id can tell. */
      gboolean other_boot = boot_id != NULL && writer_boot != NULL && strcmp (boot_id, writer_boot) != 0;
      if (other_boot || !process_is_alive (pid, start))
        g_array_append_val (stale, id);
    }
  sqlite3_finalize (stmt);
  if (stale->len == 0)
    return TRUE;

  if (!cr_store_exec (project, "BEGIN IMMEDIATE", error))
    return FALSE;
  stmt = cr_store_prepare (project,
                           "UPDATE runs SET status = 'interrupted' "
                           "WHERE id = ?1 AND status = 'running'",
                           error);
  if (stmt == NULL)
    {
      cr_store_exec (project, "ROLLBACK", NULL);
      return FALSE;
    }
  for (guint i = 0; i < stale->len; i++)
    {
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, g_array_index (stale, gint64, i));
      if (sqlite3_step (stmt) != SQLITE_DONE)
        {
          cr_store_set_sqlite_error (error, project->db, CR_STORE_ERROR_IO, project->path,
                                     "cannot mark an interrupted run");
          sqlite3_finalize (stmt);
          cr_store_exec (project, "ROLLBACK", NULL);
          return FALSE;
        }
    }
  sqlite3_finalize (stmt);
  if (!cr_store_exec (project, "COMMIT", error))
    {
      cr_store_exec (project, "ROLLBACK", NULL);
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* The writer */

typedef struct
{
  size_t first_draw; /* among the chain's stored draws */
  size_t n_draws;
  gboolean warmup;
  GArray *values; /* (element-type guint64) little-endian bits, n_draws x n_values */
  GArray *stats;  /* (element-type guint64) little-endian bits, n_draws x n_stats */
} Chunk;

typedef struct
{
  GPtrArray *chunks; /* (element-type Chunk) not yet stored, in draw order */
  size_t n_warmup;   /* warmup draws appended, stored or not */
  size_t n_kept;     /* kept draws appended, stored or not */

  gboolean adaptation_pending;
  double step_size;
  gboolean dense;
  size_t dim;
  double *inv_metric;
} ChainBuffer;

struct _CrRunWriter
{
  CrProject *project;
  gint64 run_id;
  size_t n_chains;
  size_t n_values;
  size_t n_stats;
  size_t tune;
  size_t draws;
  ChainBuffer *chains;
  gboolean finished;
};

static void
chunk_free (gpointer data)
{
  Chunk *chunk = data;
  g_array_unref (chunk->values);
  g_array_unref (chunk->stats);
  g_free (chunk);
}

CrRunWriter *
cr_run_writer_new (CrProject *project, gint64 run_id, GError **error)
{
  g_return_val_if_fail (project != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  sqlite3_stmt *stmt = cr_store_prepare (project,
                                         "SELECT status, n_chains, tune, draws, layout FROM runs "
                                         "WHERE id = ?1",
                                         error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, run_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_set_error (error, CR_STORE_ERROR, CR_STORE_ERROR_NOT_FOUND,
                   "%s: there is no run %" G_GINT64_FORMAT, project->path, run_id);
      sqlite3_finalize (stmt);
      return NULL;
    }
  const char *status = (const char *) sqlite3_column_text (stmt, 0);
  if (g_strcmp0 (status, "running") != 0)
    {
      g_set_error (error, CR_STORE_ERROR, CR_STORE_ERROR_INVALID,
                   "%s: run %" G_GINT64_FORMAT " is %s; only a running run takes draws",
                   project->path, run_id, status);
      sqlite3_finalize (stmt);
      return NULL;
    }
  g_autoptr (CrRun) layout = g_new0 (CrRun, 1);
  gint64 n_chains = sqlite3_column_int64 (stmt, 1);
  gint64 tune = sqlite3_column_int64 (stmt, 2), draws = sqlite3_column_int64 (stmt, 3);
  gboolean valid = n_chains > 0 && n_chains <= MAX_CHAINS && tune >= 0 && draws >= 0
                   && layout_from_json (layout, (const char *) sqlite3_column_text (stmt, 4));
  sqlite3_finalize (stmt);
  if (!valid)
    {
      g_set_error (error, CR_STORE_ERROR, CR_STORE_ERROR_INVALID,
                   "%s: the layout of run %" G_GINT64_FORMAT " is damaged", project->path, run_id);
      return NULL;
    }

  CrRunWriter *writer = g_new0 (CrRunWriter, 1);
  writer->project = project;
  writer->run_id = run_id;
  writer->n_chains = (size_t) n_chains;
  writer->n_values = layout->n_values;
  writer->n_stats = layout->n_stats;
  writer->tune = (size_t) tune;
  writer->draws = (size_t) draws;
  writer->chains = g_new0 (ChainBuffer, writer->n_chains);
  for (size_t c = 0; c < writer->n_chains; c++)
    writer->chains[c].chunks = g_ptr_array_new_with_free_func (chunk_free);
  return writer;
}

/* Appends @n doubles to @array as little-endian bits. */
static void
append_le (GArray *array, const double *values, size_t n)
{
  size_t start = array->len;
  g_array_set_size (array, start + n);
  guint64 *bits = &g_array_index (array, guint64, start);
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
  if (n > 0)
    memcpy (bits, values, n * sizeof *bits);
#else
  for (size_t i = 0; i < n; i++)
    {
      guint64 b;
      memcpy (&b, &values[i], sizeof b);
      bits[i] = GUINT64_TO_LE (b);
    }
#endif
}

void
cr_run_writer_append (CrRunWriter *writer,
                      guint chain,
                      gboolean warmup,
                      const double *values,
                      const double *stats)
{
  g_return_if_fail (writer != NULL && !writer->finished);
  g_return_if_fail (chain < writer->n_chains);
  g_return_if_fail (values != NULL || writer->n_values == 0);
  g_return_if_fail (stats != NULL || writer->n_stats == 0);
  ChainBuffer *buffer = &writer->chains[chain];
  if (warmup)
    {
      g_return_if_fail (buffer->n_kept == 0);
      g_return_if_fail (buffer->n_warmup < writer->tune);
    }
  else
    g_return_if_fail (buffer->n_kept < writer->draws);

  Chunk *chunk = buffer->chunks->len > 0 ? g_ptr_array_index (buffer->chunks, buffer->chunks->len - 1)
                                         : NULL;
  if (chunk != NULL && chunk->n_draws == 0)
    chunk->warmup = warmup;
  if (chunk == NULL || chunk->warmup != warmup
      || (chunk->values->len + chunk->stats->len) * sizeof (guint64) >= CHUNK_MAX_BYTES)
    {
      chunk = g_new0 (Chunk, 1);
      chunk->warmup = warmup;
      chunk->values = g_array_new (FALSE, FALSE, sizeof (guint64));
      chunk->stats = g_array_new (FALSE, FALSE, sizeof (guint64));
      g_ptr_array_add (buffer->chunks, chunk);
    }
  if (chunk->n_draws == 0)
    chunk->first_draw = buffer->n_warmup + buffer->n_kept;
  append_le (chunk->values, values, writer->n_values);
  append_le (chunk->stats, stats, writer->n_stats);
  chunk->n_draws++;
  if (warmup)
    buffer->n_warmup++;
  else
    buffer->n_kept++;
}

void
cr_run_writer_set_adaptation (CrRunWriter *writer,
                              guint chain,
                              double step_size,
                              const double *inv_metric,
                              size_t dim,
                              gboolean dense)
{
  g_return_if_fail (writer != NULL && !writer->finished);
  g_return_if_fail (chain < writer->n_chains);
  g_return_if_fail (inv_metric != NULL || dim == 0);
  size_t n = dim;
  g_return_if_fail (!dense || g_size_checked_mul (&n, dim, dim));
  ChainBuffer *buffer = &writer->chains[chain];
  g_free (buffer->inv_metric);
  buffer->inv_metric = n > 0 ? g_memdup2 (inv_metric, n * sizeof (double)) : NULL;
  buffer->step_size = step_size;
  buffer->dense = dense;
  buffer->dim = dim;
  buffer->adaptation_pending = TRUE;
}

static void
bind_le_blob (sqlite3_stmt *stmt, int index, GArray *bits)
{
  if (bits->len == 0)
    sqlite3_bind_zeroblob (stmt, index, 0);
  else
    sqlite3_bind_blob64 (stmt, index, bits->data, (sqlite3_uint64) bits->len * sizeof (guint64),
                         SQLITE_STATIC);
}

/* Inserts every pending chunk and adaptation, inside the caller's transaction. */
static gboolean
write_pending (CrRunWriter *writer, GError **error)
{
  CrProject *project = writer->project;
  sqlite3_stmt *insert = cr_store_prepare (project,
                                           "INSERT INTO draws (run_id, chain, first_draw, n_draws, "
                                           "  warmup, \"values\", stats) "
                                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                                           error);
  if (insert == NULL)
    return FALSE;
  for (size_t c = 0; c < writer->n_chains; c++)
    {
      GPtrArray *chunks = writer->chains[c].chunks;
      for (guint k = 0; k < chunks->len; k++)
        {
          Chunk *chunk = g_ptr_array_index (chunks, k);
          if (chunk->n_draws == 0)
            continue;
          sqlite3_reset (insert);
          sqlite3_bind_int64 (insert, 1, writer->run_id);
          sqlite3_bind_int64 (insert, 2, (sqlite3_int64) c);
          sqlite3_bind_int64 (insert, 3, (sqlite3_int64) chunk->first_draw);
          sqlite3_bind_int64 (insert, 4, (sqlite3_int64) chunk->n_draws);
          sqlite3_bind_int (insert, 5, chunk->warmup ? 1 : 0);
          bind_le_blob (insert, 6, chunk->values);
          bind_le_blob (insert, 7, chunk->stats);
          if (sqlite3_step (insert) != SQLITE_DONE)
            {
              cr_store_set_sqlite_error (error, project->db, CR_STORE_ERROR_IO, project->path,
                                         "cannot store draws");
              sqlite3_finalize (insert);
              return FALSE;
            }
        }
    }
  sqlite3_finalize (insert);

  sqlite3_stmt *adapt = cr_store_prepare (project,
                                          "INSERT OR REPLACE INTO run_adaptation "
                                          "(run_id, chain, step_size, metric, dim, inv_metric) "
                                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                          error);
  if (adapt == NULL)
    return FALSE;
  for (size_t c = 0; c < writer->n_chains; c++)
    {
      ChainBuffer *buffer = &writer->chains[c];
      if (!buffer->adaptation_pending)
        continue;
      size_t n = buffer->dense ? buffer->dim * buffer->dim : buffer->dim;
      g_autofree void *blob = cr_store_blob_from_doubles (buffer->inv_metric, n);
      sqlite3_reset (adapt);
      sqlite3_bind_int64 (adapt, 1, writer->run_id);
      sqlite3_bind_int64 (adapt, 2, (sqlite3_int64) c);
      sqlite3_bind_double (adapt, 3, buffer->step_size);
      sqlite3_bind_text (adapt, 4, buffer->dense ? "dense" : "diag", -1, SQLITE_STATIC);
      sqlite3_bind_int64 (adapt, 5, (sqlite3_int64) buffer->dim);
      if (n == 0)
        sqlite3_bind_zeroblob (adapt, 6, 0);
      else
        sqlite3_bind_blob64 (adapt, 6, blob, (sqlite3_uint64) n * sizeof (double), SQLITE_TRANSIENT);
      if (sqlite3_step (adapt) != SQLITE_DONE)
        {
          cr_store_set_sqlite_error (error, project->db, CR_STORE_ERROR_IO, project->path,
                                     "cannot store the adaptation");
          sqlite3_finalize (adapt);
          return FALSE;
        }
    }
  sqlite3_finalize (adapt);
  return TRUE;
}

/* After a commit: drops what was stored, keeping one empty chunk per chain for its memory. */
static void
clear_pending (CrRunWriter *writer)
{
  for (size_t c = 0; c < writer->n_chains; c++)
    {
      ChainBuffer *buffer = &writer->chains[c];
      GPtrArray *chunks = buffer->chunks;
      if (chunks->len > 1)
        g_ptr_array_remove_range (chunks, 1, chunks->len - 1);
      if (chunks->len == 1)
        {
          Chunk *chunk = g_ptr_array_index (chunks, 0);
          chunk->n_draws = 0;
          g_array_set_size (chunk->values, 0);
          g_array_set_size (chunk->stats, 0);
        }
      buffer->adaptation_pending = FALSE;
    }
}

static gboolean
has_pending (const CrRunWriter *writer)
{
  for (size_t c = 0; c < writer->n_chains; c++)
    {
      const ChainBuffer *buffer = &writer->chains[c];
      if (buffer->adaptation_pending)
        return TRUE;
      for (guint k = 0; k < buffer->chunks->len; k++)
        if (((Chunk *) g_ptr_array_index (buffer->chunks, k))->n_draws > 0)
          return TRUE;
    }
  return FALSE;
}

gboolean
cr_run_writer_flush (CrRunWriter *writer, GError **error)
{
  g_return_val_if_fail (writer != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  if (!has_pending (writer))
    return TRUE;
  if (!cr_store_exec (writer->project, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (!write_pending (writer, error) || !cr_store_exec (writer->project, "COMMIT", error))
    {
      cr_store_exec (writer->project, "ROLLBACK", NULL);
      return FALSE;
    }
  clear_pending (writer);
  return TRUE;
}

/* Stores the buffer and the final status, inside the caller's transaction. */
static gboolean
write_finish (CrRunWriter *writer, CrRunStatus status, const CrRunTimings *timings, GError **error)
{
  CrProject *project = writer->project;
  if (!write_pending (writer, error))
    return FALSE;
  g_autofree char *finished = cr_store_now_iso8601 ();
  sqlite3_stmt *stmt = cr_store_prepare (project,
                                         "UPDATE runs SET status = ?2, finished = ?3, "
                                         "  warmup_seconds = ?4, sampling_seconds = ?5 "
                                         "WHERE id = ?1 AND status = 'running'",
                                         error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, writer->run_id);
  sqlite3_bind_text (stmt, 2, status_names[status], -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, finished, -1, SQLITE_STATIC);
  bind_seconds (stmt, 4, timings != NULL ? timings->warmup_seconds : NAN);
  bind_seconds (stmt, 5, timings != NULL ? timings->sampling_seconds : NAN);
  int rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return cr_store_set_sqlite_error (error, project->db, CR_STORE_ERROR_IO, project->path,
                                      "cannot finish the run");
  if (sqlite3_changes (project->db) != 1)
    {
      g_set_error (error, CR_STORE_ERROR, CR_STORE_ERROR_INVALID,
                   "%s: run %" G_GINT64_FORMAT " is no longer running; another process marked "
                   "it, or it was deleted",
                   project->path, writer->run_id);
      return FALSE;
    }
  return TRUE;
}

gboolean
cr_run_writer_finish (CrRunWriter *writer,
                      CrRunStatus status,
                      const CrRunTimings *timings,
                      GError **error)
{
  g_return_val_if_fail (writer != NULL && !writer->finished, FALSE);
  g_return_val_if_fail (status != CR_RUN_RUNNING && (guint) status < G_N_ELEMENTS (status_names), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!cr_store_exec (writer->project, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (!write_finish (writer, status, timings, error)
      || !cr_store_exec (writer->project, "COMMIT", error))
    {
      cr_store_exec (writer->project, "ROLLBACK", NULL);
      return FALSE;
    }
  clear_pending (writer);
  writer->finished = TRUE;
  return TRUE;
}

void
cr_run_writer_free (CrRunWriter *writer)
{
  if (writer == NULL)
    return;
  if (!writer->finished)
    cr_run_writer_finish (writer, CR_RUN_INTERRUPTED, NULL, NULL);
  for (size_t c = 0; c < writer->n_chains; c++)
    {
      g_ptr_array_unref (writer->chains[c].chunks);
      g_free (writer->chains[c].inv_metric);
    }
  g_free (writer->chains);
  g_free (writer);
}

/* ------------------------------------------------------------------------------------------ */
/* Listing and loading */

static void
run_info_free (gpointer data)
{
  CrRunInfo *info = data;
  g_free (info->model_name);
  g_free (info->started);
  g_free (info->finished);
  g_free (info);
}

GPtrArray *
cr_project_list_runs (CrProject *project, GError **error)
{
  g_return_val_if_fail (project != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  sqlite3_stmt *stmt = cr_store_prepare (project,
                                         "SELECT r.id, r.model_id, m.name, r.dataset_id, r.status, "
                                         "  r.seed, r.n_chains, r.tune, r.draws, r.started, "
                                         "  r.finished, r.warmup_seconds, r.sampling_seconds "
                                         "FROM runs r LEFT JOIN models m ON m.id = r.model_id "
                                         "ORDER BY r.id",
                                         error);
  if (stmt == NULL)
    return NULL;
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func (run_info_free);
  g_autoptr (GHashTable) by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CrRunInfo *info = g_new0 (CrRunInfo, 1);
      info->id = sqlite3_column_int64 (stmt, 0);
      info->model_id = sqlite3_column_int64 (stmt, 1);
      info->model_name = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      info->dataset_id = sqlite3_column_int64 (stmt, 3);
      if (!cr_run_status_from_string ((const char *) sqlite3_column_text (stmt, 4), &info->status))
        info->status = CR_RUN_FAILED;
      info->seed = seed_from_int64 (sqlite3_column_int64 (stmt, 5));
      info->n_chains = (size_t) sqlite3_column_int64 (stmt, 6);
      info->tune = (size_t) sqlite3_column_int64 (stmt, 7);
      info->draws = (size_t) sqlite3_column_int64 (stmt, 8);
      info->started = g_strdup ((const char *) sqlite3_column_text (stmt, 9));
      info->finished = g_strdup ((const char *) sqlite3_column_text (stmt, 10));
      info->timings.warmup_seconds = column_seconds (stmt, 11);
      info->timings.sampling_seconds = column_seconds (stmt, 12);
      g_ptr_array_add (list, info);
      g_hash_table_insert (by_id, &info->id, info);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      cr_store_set_sqlite_error (error, project->db, CR_STORE_ERROR_IO, project->path,
                                 "cannot list the runs");
      return NULL;
    }

  /* Per run and phase: how many chains have draws, and the fewest draws of those chains. */
  stmt = cr_store_prepare (project,
                           "SELECT run_id, warmup, count(*), min(n) FROM ("
                           "  SELECT run_id, chain, warmup, sum(n_draws) AS n FROM draws "
                           "  GROUP BY run_id, chain, warmup) "
                           "GROUP BY run_id, warmup",
                           error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      CrRunInfo *info = g_hash_table_lookup (by_id, &id);
      if (info == NULL)
        continue;
      gint64 n_chains_with_draws = sqlite3_column_int64 (stmt, 2);
      size_t fewest = n_chains_with_draws >= (gint64) info->n_chains
                          ? (size_t) sqlite3_column_int64 (stmt, 3)
                          : 0;
      if (sqlite3_column_int (stmt, 1))
        info->stored_warmup = fewest;
      else
        info->stored_draws = fewest;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      cr_store_set_sqlite_error (error, project->db, CR_STORE_ERROR_IO, project->path,
                                 "cannot list the runs");
      return NULL;
    }
  return g_steal_pointer (&list);
}

void
cr_run_free (CrRun *run)
{
  if (run == NULL)
    return;
  g_free (run->model_name);
  g_free (run->model_text);
  if (run->settings != NULL)
    json_object_unref (run->settings);
  g_free (run->started);
  g_free (run->finished);
  g_free (run->credence_version);
  variables_free (run->variables, run->n_variables);
  g_strfreev (run->stat_names);
  for (size_t c = 0; run->adaptation != NULL && c < run->n_chains; c++)
    g_free (run->adaptation[c].inv_metric);
  g_free (run->adaptation);
  g_free (run->chain_warmup);
  g_free (run->warmup_values);
  g_free (run->warmup_stats);
  g_free (run->chain_draws);
  g_free (run->values);
  g_free (run->stats);
  g_free (run);
}

static gboolean
set_damaged (GError **error, const CrProject *project, gint64 id, const char *what)
{
  g_set_error (error, CR_STORE_ERROR, CR_STORE_ERROR_INVALID,
               "%s: run %" G_GINT64_FORMAT " is damaged: %s; export what can be read from a "
               "backup, or run the model again",
               project->path, id, what);
  return FALSE;
}

/* Reads the run's row into @run. */
static gboolean
load_run_row (CrProject *project, gint64 id, CrRun *run, GError **error)
{
  sqlite3_stmt *stmt = cr_store_prepare (project,
                                         "SELECT r.id, r.model_id, m.name, r.dataset_id, r.status, "
                                         "  r.seed, r.n_chains, r.tune, r.draws, r.started, "
                                         "  r.finished, r.warmup_seconds, r.sampling_seconds, "
                                         "  r.credence_version, r.settings, r.layout, r.model_text "
                                         "FROM runs r LEFT JOIN models m ON m.id = r.model_id "
                                         "WHERE r.id = ?1 OR (?1 = 0 AND r.id = (SELECT max (id) FROM runs))",
                                         error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      if (id == 0)
        g_set_error (error, CR_STORE_ERROR, CR_STORE_ERROR_NOT_FOUND,
                     "%s: the project has no runs yet; sample a model first", project->path);
      else
        g_set_error (error, CR_STORE_ERROR, CR_STORE_ERROR_NOT_FOUND,
                     "%s: there is no run %" G_GINT64_FORMAT "; list the runs to see their ids",
                     project->path, id);
      sqlite3_finalize (stmt);
      return FALSE;
    }
  run->id = sqlite3_column_int64 (stmt, 0);
  run->model_id = sqlite3_column_int64 (stmt, 1);
  run->model_name = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  run->dataset_id = sqlite3_column_int64 (stmt, 3);
  gboolean status_valid = cr_run_status_from_string ((const char *) sqlite3_column_text (stmt, 4),
                                                     &run->status);
  run->seed = seed_from_int64 (sqlite3_column_int64 (stmt, 5));
  gint64 n_chains = sqlite3_column_int64 (stmt, 6);
  gint64 tune = sqlite3_column_int64 (stmt, 7), draws = sqlite3_column_int64 (stmt, 8);
  run->started = g_strdup ((const char *) sqlite3_column_text (stmt, 9));
  run->finished = g_strdup ((const char *) sqlite3_column_text (stmt, 10));
  run->timings.warmup_seconds = column_seconds (stmt, 11);
  run->timings.sampling_seconds = column_seconds (stmt, 12);
  run->credence_version = g_strdup ((const char *) sqlite3_column_text (stmt, 13));
  g_autoptr (JsonNode) settings = json_from_string ((const char *) sqlite3_column_text (stmt, 14), NULL);
  gboolean layout_valid = layout_from_json (run, (const char *) sqlite3_column_text (stmt, 15));
  run->model_text = g_strdup ((const char *) sqlite3_column_text (stmt, 16));
  sqlite3_finalize (stmt);

  if (!status_valid)
    return set_damaged (error, project, run->id, "its status is unknown");
  if (n_chains <= 0 || n_chains > MAX_CHAINS || tune < 0 || draws < 0)
    return set_damaged (error, project, run->id, "its number of chains or draws is impossible");
  run->n_chains = (size_t) n_chains;
  run->tune = (size_t) tune;
  run->draws = (size_t) draws;
  if (settings == NULL || !JSON_NODE_HOLDS_OBJECT (settings))
    return set_damaged (error, project, run->id, "its settings are not a JSON object");
  run->settings = json_object_ref (json_node_get_object (settings));
  if (!layout_valid)
    return set_damaged (error, project, run->id, "its layout of variables and statistics");
  return TRUE;
}

/* @n_chains x @n_rows rows of @width doubles, NAN everywhere; NULL and *ok = FALSE when they
 * do not fit in memory. */
static double *
new_nan_rows (size_t n_chains, size_t n_rows, size_t width, gboolean *ok)
{
  size_t n = 0;
  if (!g_size_checked_mul (&n, n_chains, n_rows) || !g_size_checked_mul (&n, n, MAX (width, 1))
      || n > G_MAXSIZE / sizeof (double))
    {
      *ok = FALSE;
      return NULL;
    }
  double *rows = g_try_new (double, MAX (n, 1));
  if (rows == NULL)
    {
      *ok = FALSE;
      return NULL;
    }
  for (size_t i = 0; i < n; i++)
    rows[i] = NAN;
  return rows;
}

/* Whether @n_bytes is exactly @n_draws rows of @width doubles, without overflowing. */
static gboolean
blob_size_is (guint64 n_bytes, guint64 n_draws, size_t width)
{
  guint64 expected = 0;
  return g_uint64_checked_mul (&expected, n_draws, (guint64) width)
         && g_uint64_checked_mul (&expected, expected, sizeof (double)) && expected == n_bytes;
}

/* Checks the chunks' headers and counts each chain's stored draws. */
static gboolean
count_draws (CrProject *project, CrRun *run, GError **error)
{
  sqlite3_stmt *stmt = cr_store_prepare (project,
                                         "SELECT chain, first_draw, n_draws, warmup, "
                                         "  length (\"values\"), length (stats) "
                                         "FROM draws WHERE run_id = ?1 ORDER BY chain, first_draw",
                                         error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, run->id);
  int rc = SQLITE_DONE;
  const char *problem = NULL;
  while (problem == NULL && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 chain = sqlite3_column_int64 (stmt, 0);
      gint64 first = sqlite3_column_int64 (stmt, 1), n = sqlite3_column_int64 (stmt, 2);
      gboolean warmup = sqlite3_column_int (stmt, 3) != 0;
      guint64 values_bytes = (guint64) sqlite3_column_int64 (stmt, 4);
      guint64 stats_bytes = (guint64) sqlite3_column_int64 (stmt, 5);
      if (chain < 0 || chain >= (gint64) run->n_chains)
        {
          problem = "draws of a chain the run does not have";
          break;
        }
      size_t *n_warmup = &run->chain_warmup[chain], *n_kept = &run->chain_draws[chain];
      if (n <= 0 || first != (gint64) (*n_warmup + *n_kept))
        problem = "a gap or an overlap in a chain's draws";
      else if (warmup && *n_kept > 0)
        problem = "warmup draws after kept ones";
      else if ((warmup && (guint64) n > run->tune - *n_warmup)
               || (!warmup && (guint64) n > run->draws - *n_kept))
        problem = "more draws than the run asked for";
      else if (!blob_size_is (values_bytes, (guint64) n, run->n_values)
               || !blob_size_is (stats_bytes, (guint64) n, run->n_stats))
        problem = "a chunk of draws of the wrong size";
      else if (warmup)
        *n_warmup += (size_t) n;
      else
        *n_kept += (size_t) n;
    }
  sqlite3_finalize (stmt);
  if (problem != NULL)
    return set_damaged (error, project, run->id, problem);
  if (rc != SQLITE_DONE)
    return cr_store_set_sqlite_error (error, project->db, CR_STORE_ERROR_IO, project->path,
                                      "cannot read the draws");
  return TRUE;
}

/* Reads the chunks into the arrays that count_draws () sized. */
static gboolean
read_draws (CrProject *project, CrRun *run, GError **error)
{
  sqlite3_stmt *stmt = cr_store_prepare (project,
                                         "SELECT chain, first_draw, n_draws, warmup, \"values\", stats "
                                         "FROM draws WHERE run_id = ?1 ORDER BY chain, first_draw",
                                         error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, run->id);
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      size_t chain = (size_t) sqlite3_column_int64 (stmt, 0);
      size_t first = (size_t) sqlite3_column_int64 (stmt, 1);
      size_t n = (size_t) sqlite3_column_int64 (stmt, 2);
      gboolean warmup = sqlite3_column_int (stmt, 3) != 0;
      const void *values = sqlite3_column_blob (stmt, 4);
      const void *stats = sqlite3_column_blob (stmt, 5);
      size_t row = warmup ? chain * run->stored_warmup + first
                          : chain * run->stored_draws + (first - run->chain_warmup[chain]);
      if (run->n_values > 0)
        cr_store_read_doubles (values, n * run->n_values,
                               (warmup ? run->warmup_values : run->values) + row * run->n_values);
      if (run->n_stats > 0)
        cr_store_read_doubles (stats, n * run->n_stats,
                               (warmup ? run->warmup_stats : run->stats) + row * run->n_stats);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return cr_store_set_sqlite_error (error, project->db, CR_STORE_ERROR_IO, project->path,
                                      "cannot read the draws");
  return TRUE;
}

static gboolean
read_adaptation (CrProject *project, CrRun *run, GError **error)
{
  sqlite3_stmt *stmt = cr_store_prepare (project,
                                         "SELECT chain, step_size, metric, dim, inv_metric "
                                         "FROM run_adaptation WHERE run_id = ?1",
                                         error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, run->id);
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 chain = sqlite3_column_int64 (stmt, 0);
      gboolean dense = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 2), "dense") == 0;
      gint64 dim = sqlite3_column_int64 (stmt, 3);
      guint64 n_bytes = (guint64) sqlite3_column_bytes (stmt, 4);
      /* A dense metric of more than 2^20 dimensions would be 8 TB: damage, not data. */
      gboolean dim_valid = dim >= 0 && dim <= (1 << 20);
      guint64 n = dim_valid ? (guint64) dim * (dense ? (guint64) dim : 1) : 0;
      if (chain < 0 || chain >= (gint64) run->n_chains || !dim_valid || n_bytes != n * sizeof (double))
        {
          sqlite3_finalize (stmt);
          return set_damaged (error, project, run->id, "its adaptation");
        }
      CrRunAdaptation *adaptation = &run->adaptation[chain];
      adaptation->known = TRUE;
      adaptation->step_size = sqlite3_column_double (stmt, 1);
      adaptation->dense = dense;
      adaptation->dim = (size_t) dim;
      g_free (adaptation->inv_metric);
      adaptation->inv_metric = cr_store_doubles_from_blob (sqlite3_column_blob (stmt, 4), (size_t) n);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return cr_store_set_sqlite_error (error, project->db, CR_STORE_ERROR_IO, project->path,
                                      "cannot read the adaptation");
  return TRUE;
}

static gboolean
load_run_in_transaction (CrProject *project, gint64 id, CrRun *run, GError **error)
{
  if (!load_run_row (project, id, run, error))
    return FALSE;
  run->chain_warmup = g_new0 (size_t, run->n_chains);
  run->chain_draws = g_new0 (size_t, run->n_chains);
  run->adaptation = g_new0 (CrRunAdaptation, run->n_chains);
  if (!count_draws (project, run, error))
    return FALSE;
  for (size_t c = 0; c < run->n_chains; c++)
    {
      run->stored_warmup = MAX (run->stored_warmup, run->chain_warmup[c]);
      run->stored_draws = MAX (run->stored_draws, run->chain_draws[c]);
    }
  gboolean ok = TRUE;
  run->warmup_values = new_nan_rows (run->n_chains, run->stored_warmup, run->n_values, &ok);
  run->warmup_stats = new_nan_rows (run->n_chains, run->stored_warmup, run->n_stats, &ok);
  run->values = new_nan_rows (run->n_chains, run->stored_draws, run->n_values, &ok);
  run->stats = new_nan_rows (run->n_chains, run->stored_draws, run->n_stats, &ok);
  if (!ok)
    {
      g_set_error (error, CR_STORE_ERROR, CR_STORE_ERROR_IO,
                   "%s: run %" G_GINT64_FORMAT " does not fit in memory", project->path, run->id);
      return FALSE;
    }
  return read_draws (project, run, error) && read_adaptation (project, run, error);
}

CrRun *
cr_project_load_run (CrProject *project, gint64 id, GError **error)
{
  g_return_val_if_fail (project != NULL, NULL);
  g_return_val_if_fail (id >= 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  g_autoptr (CrRun) run = g_new0 (CrRun, 1);
  /* One read transaction: a writer in another process may append between the queries. */
  if (!cr_store_exec (project, "BEGIN", error))
    return NULL;
  gboolean ok = load_run_in_transaction (project, id, run, error);
  cr_store_exec (project, "COMMIT", NULL);
  return ok ? g_steal_pointer (&run) : NULL;
}

size_t
cr_run_get_n_common_draws (const CrRun *run)
{
  g_return_val_if_fail (run != NULL, 0);
  size_t n = run->stored_draws;
  for (size_t c = 0; c < run->n_chains; c++)
    n = MIN (n, run->chain_draws[c]);
  return n;
}

static void
copy_column (const CrRun *run, const double *rows, size_t width, size_t j, double *out)
{
  size_t n = cr_run_get_n_common_draws (run);
  for (size_t c = 0; c < run->n_chains; c++)
    for (size_t i = 0; i < n; i++)
      out[c * n + i] = rows[(c * run->stored_draws + i) * width + j];
}

void
cr_run_copy_quantity (const CrRun *run, size_t j, double *out)
{
  g_return_if_fail (run != NULL && out != NULL);
  g_return_if_fail (j < run->n_values);
  copy_column (run, run->values, run->n_values, j, out);
}

void
cr_run_copy_stat (const CrRun *run, size_t k, double *out)
{
  g_return_if_fail (run != NULL && out != NULL);
  g_return_if_fail (k < run->n_stats);
  copy_column (run, run->stats, run->n_stats, k, out);
}

int
cr_run_find_stat (const CrRun *run, const char *name)
{
  g_return_val_if_fail (run != NULL && name != NULL, -1);
  for (size_t k = 0; k < run->n_stats; k++)
    if (strcmp (run->stat_names[k], name) == 0)
      return (int) k;
  return -1;
}

char **
cr_run_get_quantity_names (const CrRun *run)
{
  g_return_val_if_fail (run != NULL, NULL);
  g_autoptr (GStrvBuilder) names = g_strv_builder_new ();
  g_autoptr (GString) name = g_string_new (NULL);
  for (size_t v = 0; v < run->n_variables; v++)
    {
      const CrRunVariable *variable = &run->variables[v];
      size_t size = cr_run_variable_get_size (variable);
      for (size_t flat = 0; flat < size; flat++)
        {
          g_string_assign (name, variable->name);
          if (variable->rank > 0)
            {
              /* Row-major: peel the last index first. */
              size_t index[CR_RUN_MAX_RANK], rest = flat;
              for (guint d = variable->rank; d-- > 0;)
                {
                  index[d] = rest % variable->dims[d];
                  rest /= variable->dims[d];
                }
              for (guint d = 0; d < variable->rank; d++)
                g_string_append_printf (name, "%c%zu", d == 0 ? '[' : ',', index[d]);
              g_string_append_c (name, ']');
            }
          g_strv_builder_add (names, name->str);
        }
    }
  return g_strv_builder_end (names);
}

/* ------------------------------------------------------------------------------------------ */
/* Summaries */

gboolean
cr_project_save_summary (CrProject *project, gint64 run_id, const char *json, GError **error)
{
  g_return_val_if_fail (project != NULL, FALSE);
  g_return_val_if_fail (json != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) parse_error = NULL;
  if (!json_parser_load_from_data (parser, json, -1, &parse_error))
    {
      g_set_error (error, CR_STORE_ERROR, CR_STORE_ERROR_INVALID,
                   "%s: the summary of run %" G_GINT64_FORMAT " is not JSON: %s", project->path,
                   run_id, parse_error->message);
      return FALSE;
    }
  g_autofree char *computed = cr_store_now_iso8601 ();
  sqlite3_stmt *stmt = cr_store_prepare (project,
                                         "INSERT INTO summaries (run_id, summary, computed) "
                                         "VALUES (?1, ?2, ?3) "
                                         "ON CONFLICT (run_id) DO UPDATE SET "
                                         "  summary = excluded.summary, computed = excluded.computed",
                                         error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, run_id);
  sqlite3_bind_text (stmt, 2, json, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, computed, -1, SQLITE_STATIC);
  int rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc == SQLITE_CONSTRAINT)
    {
      g_set_error (error, CR_STORE_ERROR, CR_STORE_ERROR_NOT_FOUND,
                   "%s: there is no run %" G_GINT64_FORMAT " to keep a summary of", project->path,
                   run_id);
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    return cr_store_set_sqlite_error (error, project->db, CR_STORE_ERROR_IO, project->path,
                                      "cannot store the summary");
  return TRUE;
}

char *
cr_project_load_summary (CrProject *project, gint64 run_id, GError **error)
{
  g_return_val_if_fail (project != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  sqlite3_stmt *stmt = cr_store_prepare (project, "SELECT summary FROM summaries WHERE run_id = ?1",
                                         error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, run_id);
  char *summary = NULL;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    summary = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  else
    g_set_error (error, CR_STORE_ERROR, CR_STORE_ERROR_NOT_FOUND,
                 "%s: run %" G_GINT64_FORMAT " has no stored summary", project->path, run_id);
  sqlite3_finalize (stmt);
  return summary;
}
