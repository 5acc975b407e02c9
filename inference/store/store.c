/* store.c: the project file on SQLite. */
#include "store/store-private.h"

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>

G_DEFINE_QUARK (cr-store-error-quark, cr_store_error)

/* "CrEd": marks a SQLite file as a Credence project (PRAGMA application_id). */
#define CR_STORE_APPLICATION_ID 0x43724564

/* Migration i takes a file from schema version i to i + 1. Never edit one that has shipped:
 * add the next. */
static const char *const migrations[CR_STORE_SCHEMA_VERSION] = {
  /* 0 -> 1: datasets with typed columns, and models. */
  "CREATE TABLE project ("
  "  key TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL"
  ") STRICT;"
  "CREATE TABLE datasets ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL UNIQUE,"
  "  n_rows INTEGER NOT NULL CHECK (n_rows >= 0),"
  "  source TEXT,"
  "  created TEXT NOT NULL"
  ") STRICT;"
  "CREATE TABLE dataset_columns ("
  "  dataset_id INTEGER NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,"
  "  position INTEGER NOT NULL,"
  "  name TEXT NOT NULL,"
  "  type TEXT NOT NULL CHECK (type IN ('integer', 'float', 'categorical')),"
  "  levels TEXT," /* JSON array of level names, categorical only */
  "  n_missing INTEGER NOT NULL,"
  "  cells BLOB NOT NULL," /* n_rows little-endian IEEE doubles, NaN for missing */
  "  PRIMARY KEY (dataset_id, position),"
  "  UNIQUE (dataset_id, name)"
  ") STRICT;"
  "CREATE TABLE models ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL UNIQUE,"
  "  text TEXT NOT NULL,"
  "  dataset_id INTEGER REFERENCES datasets (id) ON DELETE SET NULL,"
  "  layout TEXT," /* canvas positions, JSON */
  "  modified TEXT NOT NULL"
  ") STRICT;",

  /* 1 -> 2: runs, their draws in chunks per chain, the adaptation each chain ended with, and
   * cached summaries. Numbers in BLOBs are little-endian IEEE doubles. Small columns come
   * before the BLOBs so listing chunks never reads their overflow pages. */
  "CREATE TABLE runs ("
  "  id INTEGER PRIMARY KEY,"
  "  model_id INTEGER REFERENCES models (id) ON DELETE SET NULL,"
  "  dataset_id INTEGER REFERENCES datasets (id) ON DELETE SET NULL,"
  "  status TEXT NOT NULL CHECK (status IN ('running', 'complete', 'interrupted', 'failed')),"
  "  seed INTEGER NOT NULL," /* the unsigned 64-bit seed's bits */
  "  n_chains INTEGER NOT NULL CHECK (n_chains > 0),"
  "  tune INTEGER NOT NULL CHECK (tune >= 0),"
  "  draws INTEGER NOT NULL CHECK (draws >= 0),"
  "  started TEXT NOT NULL,"
  "  finished TEXT,"
  "  warmup_seconds REAL,"
  "  sampling_seconds REAL,"
  "  credence_version TEXT NOT NULL,"
  "  writer_pid INTEGER NOT NULL,"
  "  writer_boot_id TEXT,"
  "  settings TEXT NOT NULL," /* JSON object */
  "  layout TEXT NOT NULL,"   /* JSON: variables (name, shape, offset) and stats (names) */
  "  model_text TEXT NOT NULL"
  ") STRICT;"
  "CREATE TABLE draws ("
  "  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,"
  "  chain INTEGER NOT NULL CHECK (chain >= 0),"
  "  first_draw INTEGER NOT NULL CHECK (first_draw >= 0)," /* among the chain's stored draws */
  "  n_draws INTEGER NOT NULL CHECK (n_draws > 0),"
  "  warmup INTEGER NOT NULL CHECK (warmup IN (0, 1)),"
  "  \"values\" BLOB NOT NULL," /* n_draws x n_values, draw-major */
  "  stats BLOB NOT NULL,"      /* n_draws x n_stats, draw-major */
  "  PRIMARY KEY (run_id, chain, first_draw)"
  ") STRICT;"
  "CREATE TABLE run_adaptation ("
  "  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,"
  "  chain INTEGER NOT NULL CHECK (chain >= 0),"
  "  step_size REAL NOT NULL,"
  "  metric TEXT NOT NULL CHECK (metric IN ('diag', 'dense')),"
  "  dim INTEGER NOT NULL CHECK (dim >= 0),"
  "  inv_metric BLOB NOT NULL," /* dim values, or dim x dim row-major */
  "  PRIMARY KEY (run_id, chain)"
  ") STRICT;"
  "CREATE TABLE summaries ("
  "  run_id INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,"
  "  summary TEXT NOT NULL," /* JSON */
  "  computed TEXT NOT NULL"
  ") STRICT;",
  /* 2 -> 3: when the writer of a run started, in clock ticks after boot (Linux's
   * /proc/PID/stat), so that a process id the system has given to another process since does
   * not keep a dead writer's run looking alive. NULL where it cannot be read. */
  "ALTER TABLE runs ADD COLUMN writer_start INTEGER;",
};

gboolean
cr_store_set_sqlite_error (GError **error, sqlite3 *db, CrStoreError code, const char *path, const char *what)
{
  g_set_error (error, CR_STORE_ERROR, code, "%s: %s: %s", path, what, sqlite3_errmsg (db));
  return FALSE;
}

gboolean
cr_store_exec (CrProject *project, const char *sql, GError **error)
{
  char *message = NULL;
  if (sqlite3_exec (project->db, sql, NULL, NULL, &message) != SQLITE_OK)
    {
      g_set_error (error, CR_STORE_ERROR, CR_STORE_ERROR_IO, "%s: %s", project->path,
                   message != NULL ? message : sqlite3_errmsg (project->db));
      sqlite3_free (message);
      return FALSE;
    }
  return TRUE;
}

sqlite3_stmt *
cr_store_prepare (CrProject *project, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  if (sqlite3_prepare_v2 (project->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      cr_store_set_sqlite_error (error, project->db, CR_STORE_ERROR_IO, project->path,
                                 "cannot read the project");
      return NULL;
    }
  return stmt;
}

/* Reads one integer PRAGMA; FALSE with @error (NOT_PROJECT for "file is not a database"). */
static gboolean
pragma_int (CrProject *project, const char *pragma, gint64 *value, GError **error)
{
  g_autofree char *sql = g_strdup_printf ("PRAGMA %s", pragma);
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (project->db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      CrStoreError code = rc == SQLITE_NOTADB ? CR_STORE_ERROR_NOT_PROJECT
                          : rc == SQLITE_CORRUPT ? CR_STORE_ERROR_CORRUPT
                                                 : CR_STORE_ERROR_IO;
      g_set_error (error, CR_STORE_ERROR, code,
                   code == CR_STORE_ERROR_NOT_PROJECT
                       ? "%s: this is not a Credence project (%s); open a .credence file"
                   : code == CR_STORE_ERROR_CORRUPT
                       /* A truncated file fails here, before the integrity check. */
                       ? "%s: the project file is damaged (%s); it was not changed. Restore a "
                         "backup, or open a copy with the sqlite3 tool's .recover"
                       : "%s: cannot read the project: %s",
                   project->path, sqlite3_errmsg (project->db));
      sqlite3_finalize (stmt);
      return FALSE;
    }
  *value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return TRUE;
}

char *
cr_store_now_iso8601 (void)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  return g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
}

/* Opens the SQLite handle with settings that make a hostile file inert: no code from the
 * schema (triggers, views calling functions) runs with trust, and writes to the schema
 * itself are refused. */
static CrProject *
connect (const char *path, int flags, GError **error)
{
  CrProject *project = g_new0 (CrProject, 1);
  project->path = g_strdup (path);
  if (sqlite3_open_v2 (path, &project->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
    {
      g_set_error (error, CR_STORE_ERROR, CR_STORE_ERROR_IO, "%s: cannot open: %s", path,
                   project->db != NULL ? sqlite3_errmsg (project->db) : "out of memory");
      cr_project_close (project);
      return NULL;
    }
  sqlite3_extended_result_codes (project->db, 0);
  sqlite3_db_config (project->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
  sqlite3_db_config (project->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
  sqlite3_db_config (project->db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
  sqlite3_db_config (project->db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL);
  sqlite3_busy_timeout (project->db, 5000);
  return project;
}

static gboolean
configure (CrProject *project, GError **error)
{
  return cr_store_exec (project,
                        "PRAGMA foreign_keys = ON;"
                        "PRAGMA journal_mode = WAL;"
                        "PRAGMA synchronous = NORMAL;",
                        error);
}

static gboolean
migrate (CrProject *project, gint64 from, GError **error)
{
  if (!cr_store_exec (project, "BEGIN IMMEDIATE", error))
    return FALSE;
  for (gint64 v = from; v < CR_STORE_SCHEMA_VERSION; v++)
    if (!cr_store_exec (project, migrations[v], error))
      {
        cr_store_exec (project, "ROLLBACK", NULL);
        return FALSE;
      }
  g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %d;"
                                                  "PRAGMA application_id = %d;",
                                                  CR_STORE_SCHEMA_VERSION,
                                                  CR_STORE_APPLICATION_ID);
  if (!cr_store_exec (project, set_version, error) || !cr_store_exec (project, "COMMIT", error))
    {
      cr_store_exec (project, "ROLLBACK", NULL);
      return FALSE;
    }
  return TRUE;
}

CrProject *
cr_project_create (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, CR_STORE_ERROR, CR_STORE_ERROR_EXISTS,
                   "%s: a file with this name exists already; choose another name", path);
      return NULL;
    }
  g_autoptr (CrProject) project = connect (path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, error);
  if (project == NULL || !configure (project, error) || !migrate (project, 0, error))
    return NULL;

  g_autofree char *created = cr_store_now_iso8601 ();
  sqlite3_stmt *stmt = cr_store_prepare (project, "INSERT INTO project (key, value) VALUES "
                                                  "('created', ?1), ('credence_version', ?2)",
                                         error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, created, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, PACKAGE_VERSION, -1, SQLITE_STATIC);
  int rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      cr_store_set_sqlite_error (error, project->db, CR_STORE_ERROR_IO, path, "cannot write");
      return NULL;
    }
  return g_steal_pointer (&project);
}

CrProject *
cr_project_open (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, CR_STORE_ERROR, CR_STORE_ERROR_IO,
                   g_file_test (path, G_FILE_TEST_EXISTS)
                       ? "%s: not a regular file; open a .credence project file"
                       : "%s: no such file",
                   path);
      return NULL;
    }
  g_autoptr (CrProject) project = connect (path, SQLITE_OPEN_READWRITE, error);
  if (project == NULL)
    return NULL;

  /* Everything up to the migration only reads, so a refused file stays as it was. */
  gint64 application_id = 0, version = 0, n_triggers = 0;
  if (!pragma_int (project, "application_id", &application_id, error))
    return NULL;
  if (application_id != CR_STORE_APPLICATION_ID)
    {
      g_set_error (error, CR_STORE_ERROR, CR_STORE_ERROR_NOT_PROJECT,
                   "%s: this is a SQLite database, but not a Credence project; "
                   "open a .credence file or create a new project",
                   path);
      return NULL;
    }
  if (!pragma_int (project, "user_version", &version, error))
    return NULL;
  if (version > CR_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, CR_STORE_ERROR, CR_STORE_ERROR_TOO_NEW,
                   "%s: this project was saved by a newer Credence (file format %" G_GINT64_FORMAT
                   ", this version reads up to %d); update Credence to open it",
                   path, version, CR_STORE_SCHEMA_VERSION);
      return NULL;
    }

  sqlite3_stmt *check = cr_store_prepare (project, "PRAGMA quick_check", error);
  if (check == NULL)
    return NULL;
  int rc = sqlite3_step (check);
  const char *verdict = rc == SQLITE_ROW ? (const char *) sqlite3_column_text (check, 0) : NULL;
  if (rc != SQLITE_ROW || g_strcmp0 (verdict, "ok") != 0)
    {
      g_set_error (error, CR_STORE_ERROR, CR_STORE_ERROR_CORRUPT,
                   "%s: the project file is damaged (%s); it was not changed. Restore a "
                   "backup, or open a copy with the sqlite3 tool's .recover",
                   path, verdict != NULL ? verdict : sqlite3_errmsg (project->db));
      sqlite3_finalize (check);
      return NULL;
    }
  sqlite3_finalize (check);

  sqlite3_stmt *triggers = cr_store_prepare (project, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'",
                                             error);
  if (triggers == NULL)
    return NULL;
  if (sqlite3_step (triggers) == SQLITE_ROW)
    n_triggers = sqlite3_column_int64 (triggers, 0);
  sqlite3_finalize (triggers);
  if (n_triggers > 0)
    {
      g_set_error (error, CR_STORE_ERROR, CR_STORE_ERROR_INVALID,
                   "%s: the project contains triggers, which Credence never writes; "
                   "it was not opened, to keep code in it from running",
                   path);
      return NULL;
    }

  if (!configure (project, error))
    return NULL;
  if (version < CR_STORE_SCHEMA_VERSION && !migrate (project, version, error))
    return NULL;
  if (!cr_store_recover_runs (project, error))
    return NULL;
  return g_steal_pointer (&project);
}

void
cr_project_close (CrProject *project)
{
  if (project == NULL)
    return;
  sqlite3_close (project->db);
  g_free (project->path);
  g_free (project);
}

const char *
cr_project_get_path (const CrProject *project)
{
  g_return_val_if_fail (project != NULL, NULL);
  return project->path;
}

/* Cells as little-endian doubles, whatever the host's byte order. */
void *
cr_store_blob_from_doubles (const double *values, size_t n)
{
  guint64 *blob = g_new (guint64, MAX (n, 1));
  for (size_t i = 0; i < n; i++)
    {
      guint64 bits;
      memcpy (&bits, &values[i], sizeof bits);
      blob[i] = GUINT64_TO_LE (bits);
    }
  return blob;
}

void
cr_store_read_doubles (const void *blob, size_t n, double *values)
{
  const guint8 *bytes = blob;
  for (size_t i = 0; i < n; i++)
    {
      guint64 bits;
      memcpy (&bits, bytes + i * sizeof bits, sizeof bits);
      bits = GUINT64_FROM_LE (bits);
      memcpy (&values[i], &bits, sizeof bits);
    }
}

double *
cr_store_doubles_from_blob (const void *blob, size_t n)
{
  double *values = g_new (double, MAX (n, 1));
  cr_store_read_doubles (blob, n, values);
  return values;
}

static char *
levels_to_json (const CrColumn *column)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  json_builder_begin_array (builder);
  for (size_t i = 0; i < column->n_levels; i++)
    json_builder_add_string_value (builder, column->levels[i]);
  json_builder_end_array (builder);
  g_autoptr (JsonNode) root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/* The inverse of levels_to_json (): NULL with @error unless @json is an array of strings. */
static char **
levels_from_json (const char *json, GError **error)
{
  g_autoptr (JsonNode) root = json_from_string (json, NULL);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  gboolean valid = root != NULL && JSON_NODE_HOLDS_ARRAY (root);
  JsonArray *array = valid ? json_node_get_array (root) : NULL;
  for (guint i = 0; valid && i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      valid = JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING;
      if (valid)
        g_strv_builder_add (builder, json_node_get_string (element));
    }
  if (!valid)
    {
      g_set_error (error, CR_STORE_ERROR, CR_STORE_ERROR_INVALID,
                   "the stored levels of a categorical column are damaged: %.80s", json);
      return NULL;
    }
  return g_strv_builder_end (builder);
}

/* Writes @dataset's columns under dataset @id, inside the caller's transaction. */
static gboolean
insert_columns (CrProject *project, gint64 id, const CrDataset *dataset, GError **error)
{
  size_t n_rows = cr_dataset_get_n_rows (dataset);
  sqlite3_stmt *stmt = cr_store_prepare (project, "INSERT INTO dataset_columns "
                                                  "(dataset_id, position, name, type, levels, n_missing, cells) "
                                                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                                         error);
  if (stmt == NULL)
    return FALSE;
  for (size_t j = 0; j < cr_dataset_get_n_columns (dataset); j++)
    {
      const CrColumn *column = cr_dataset_get_column (dataset, j);
      g_autofree void *blob = cr_store_blob_from_doubles (column->values, n_rows);
      g_autofree char *levels = column->type == CR_COLUMN_CATEGORICAL ? levels_to_json (column) : NULL;
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, id);
      sqlite3_bind_int64 (stmt, 2, (sqlite3_int64) j);
      sqlite3_bind_text (stmt, 3, column->name, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 4, cr_column_type_to_string (column->type), -1, SQLITE_STATIC);
      if (levels != NULL)
        sqlite3_bind_text (stmt, 5, levels, -1, SQLITE_TRANSIENT);
      else
        sqlite3_bind_null (stmt, 5);
      sqlite3_bind_int64 (stmt, 6, (sqlite3_int64) column->n_missing);
      sqlite3_bind_blob64 (stmt, 7, blob, n_rows * sizeof (double), SQLITE_TRANSIENT);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        {
          cr_store_set_sqlite_error (error, project->db, CR_STORE_ERROR_IO, project->path,
                                     "cannot store the dataset");
          sqlite3_finalize (stmt);
          return FALSE;
        }
    }
  sqlite3_finalize (stmt);
  return TRUE;
}

gint64
cr_project_add_dataset (CrProject *project,
                        const CrDataset *dataset,
                        const char *source,
                        GError **error)
{
  g_return_val_if_fail (project != NULL, 0);
  g_return_val_if_fail (dataset != NULL, 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  if (!cr_store_exec (project, "BEGIN IMMEDIATE", error))
    return 0;

  g_autofree char *created = cr_store_now_iso8601 ();
  size_t n_rows = cr_dataset_get_n_rows (dataset);
  gint64 id = 0;
  sqlite3_stmt *stmt = cr_store_prepare (project, "INSERT INTO datasets (name, n_rows, source, created) "
                                                  "VALUES (?1, ?2, ?3, ?4)",
                                         error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, cr_dataset_get_name (dataset), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, (sqlite3_int64) n_rows);
  if (source != NULL)
    sqlite3_bind_text (stmt, 3, source, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, created, -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc == SQLITE_CONSTRAINT)
    {
      g_set_error (error, CR_STORE_ERROR, CR_STORE_ERROR_EXISTS,
                   "%s: the project has a dataset called '%s' already; rename the new one",
                   project->path, cr_dataset_get_name (dataset));
      goto fail;
    }
  if (rc != SQLITE_DONE)
    {
      cr_store_set_sqlite_error (error, project->db, CR_STORE_ERROR_IO, project->path,
                                 "cannot store the dataset");
      goto fail;
    }
  id = sqlite3_last_insert_rowid (project->db);

  if (!insert_columns (project, id, dataset, error))
    goto fail;
  if (!cr_store_exec (project, "COMMIT", error))
    goto fail;
  return id;

fail:
  cr_store_exec (project, "ROLLBACK", NULL);
  return 0;
}

gboolean
cr_project_replace_dataset (CrProject *project, gint64 id, const CrDataset *dataset, GError **error)
{
  g_return_val_if_fail (project != NULL, FALSE);
  g_return_val_if_fail (dataset != NULL, FALSE);

  if (!cr_store_exec (project, "BEGIN IMMEDIATE", error))
    return FALSE;
  sqlite3_stmt *stmt = cr_store_prepare (project, "UPDATE datasets SET n_rows = ?2 WHERE id = ?1", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, (sqlite3_int64) cr_dataset_get_n_rows (dataset));
  int rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE || sqlite3_changes (project->db) != 1)
    {
      g_set_error (error, CR_STORE_ERROR, CR_STORE_ERROR_NOT_FOUND, "%s: there is no dataset %" G_GINT64_FORMAT,
                   project->path, id);
      goto fail;
    }
  stmt = cr_store_prepare (project, "DELETE FROM dataset_columns WHERE dataset_id = ?1", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE || !insert_columns (project, id, dataset, error)
      || !cr_store_exec (project, "COMMIT", error))
    {
      if (rc != SQLITE_DONE)
        cr_store_set_sqlite_error (error, project->db, CR_STORE_ERROR_IO, project->path, "cannot store the dataset");
      goto fail;
    }
  return TRUE;

fail:
  cr_store_exec (project, "ROLLBACK", NULL);
  return FALSE;
}

CrDataset *
cr_project_load_dataset (CrProject *project, gint64 id, GError **error)
{
  g_return_val_if_fail (project != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  sqlite3_stmt *stmt = cr_store_prepare (project, "SELECT name, n_rows FROM datasets WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_set_error (error, CR_STORE_ERROR, CR_STORE_ERROR_NOT_FOUND,
                   "%s: there is no dataset %" G_GINT64_FORMAT, project->path, id);
      sqlite3_finalize (stmt);
      return NULL;
    }
  g_autoptr (CrDataset) dataset = cr_dataset_new ((const char *) sqlite3_column_text (stmt, 0));
  size_t n_rows = (size_t) sqlite3_column_int64 (stmt, 1);
  sqlite3_finalize (stmt);

  stmt = cr_store_prepare (project, "SELECT name, type, levels, cells FROM dataset_columns "
                                    "WHERE dataset_id = ?1 ORDER BY position",
                           error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (stmt, 0);
      const char *type_name = (const char *) sqlite3_column_text (stmt, 1);
      const char *levels_json = (const char *) sqlite3_column_text (stmt, 2);
      size_t n_bytes = (size_t) sqlite3_column_bytes (stmt, 3);
      const void *blob = sqlite3_column_blob (stmt, 3);
      CrColumnType type;
      if (!cr_column_type_from_string (type_name, &type) || n_bytes != n_rows * sizeof (double)
          || (type == CR_COLUMN_CATEGORICAL && levels_json == NULL))
        {
          g_set_error (error, CR_STORE_ERROR, CR_STORE_ERROR_INVALID,
                       "%s: column '%s' of dataset %" G_GINT64_FORMAT " is damaged",
                       project->path, name, id);
          sqlite3_finalize (stmt);
          return NULL;
        }
      g_auto (GStrv) levels = NULL;
      if (type == CR_COLUMN_CATEGORICAL && (levels = levels_from_json (levels_json, error)) == NULL)
        {
          sqlite3_finalize (stmt);
          return NULL;
        }
      g_autofree double *values = cr_store_doubles_from_blob (blob, n_rows);
      if (!cr_dataset_add_column (dataset, name, type, values, n_rows,
                                  (const char *const *) levels, error))
        {
          sqlite3_finalize (stmt);
          return NULL;
        }
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      cr_store_set_sqlite_error (error, project->db, CR_STORE_ERROR_IO, project->path,
                                 "cannot read the dataset");
      return NULL;
    }
  return g_steal_pointer (&dataset);
}

static void
dataset_info_free (gpointer data)
{
  CrDatasetInfo *info = data;
  g_free (info->name);
  g_free (info->source);
  g_free (info);
}

GPtrArray *
cr_project_list_datasets (CrProject *project, GError **error)
{
  g_return_val_if_fail (project != NULL, NULL);

  sqlite3_stmt *stmt = cr_store_prepare (project,
                                         "SELECT d.id, d.name, d.n_rows, d.source, "
                                         "  (SELECT count(*) FROM dataset_columns c WHERE c.dataset_id = d.id) "
                                         "FROM datasets d ORDER BY d.id",
                                         error);
  if (stmt == NULL)
    return NULL;
  GPtrArray *list = g_ptr_array_new_with_free_func (dataset_info_free);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      CrDatasetInfo *info = g_new0 (CrDatasetInfo, 1);
      info->id = sqlite3_column_int64 (stmt, 0);
      info->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      info->n_rows = (size_t) sqlite3_column_int64 (stmt, 2);
      info->source = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      info->n_columns = (size_t) sqlite3_column_int64 (stmt, 4);
      g_ptr_array_add (list, info);
    }
  sqlite3_finalize (stmt);
  return list;
}

gint64
cr_project_save_model (CrProject *project,
                       const char *name,
                       const char *text,
                       gint64 dataset_id,
                       GError **error)
{
  g_return_val_if_fail (project != NULL, 0);
  g_return_val_if_fail (name != NULL && *name != '\0', 0);
  g_return_val_if_fail (text != NULL, 0);

  g_autofree char *modified = cr_store_now_iso8601 ();
  sqlite3_stmt *stmt = cr_store_prepare (project,
                                         "INSERT INTO models (name, text, dataset_id, modified) "
                                         "VALUES (?1, ?2, ?3, ?4) "
                                         "ON CONFLICT (name) DO UPDATE SET text = excluded.text, "
                                         "  dataset_id = excluded.dataset_id, modified = excluded.modified "
                                         "RETURNING id",
                                         error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, text, -1, SQLITE_TRANSIENT);
  if (dataset_id > 0)
    sqlite3_bind_int64 (stmt, 3, dataset_id);
  else
    sqlite3_bind_null (stmt, 3);
  sqlite3_bind_text (stmt, 4, modified, -1, SQLITE_TRANSIENT);
  gint64 id = 0;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  /* RETURNING's row is written when the statement completes. */
  if (id == 0 || sqlite3_step (stmt) != SQLITE_DONE)
    {
      cr_store_set_sqlite_error (error, project->db, CR_STORE_ERROR_IO, project->path,
                                 dataset_id > 0 ? "cannot store the model (is the dataset in the project?)"
                                                : "cannot store the model");
      id = 0;
    }
  sqlite3_finalize (stmt);
  return id;
}

char *
cr_project_load_model_text (CrProject *project, gint64 id, GError **error)
{
  g_return_val_if_fail (project != NULL, NULL);

  sqlite3_stmt *stmt = cr_store_prepare (project, "SELECT text FROM models WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  char *text = NULL;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  else
    g_set_error (error, CR_STORE_ERROR, CR_STORE_ERROR_NOT_FOUND,
                 "%s: there is no model %" G_GINT64_FORMAT, project->path, id);
  sqlite3_finalize (stmt);
  return text;
}

gboolean
cr_project_save_model_layout (CrProject *project, gint64 id, const char *layout, GError **error)
{
  g_return_val_if_fail (project != NULL, FALSE);

  sqlite3_stmt *stmt = cr_store_prepare (project, "UPDATE models SET layout = ?2 WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  if (layout != NULL)
    sqlite3_bind_text (stmt, 2, layout, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 2);
  gboolean done = sqlite3_step (stmt) == SQLITE_DONE;
  sqlite3_finalize (stmt);
  if (!done)
    {
      cr_store_set_sqlite_error (error, project->db, CR_STORE_ERROR_IO, project->path,
                                 "cannot store the model's layout");
      return FALSE;
    }
  if (sqlite3_changes (project->db) == 0)
    {
      g_set_error (error, CR_STORE_ERROR, CR_STORE_ERROR_NOT_FOUND,
                   "%s: there is no model %" G_GINT64_FORMAT, project->path, id);
      return FALSE;
    }
  return TRUE;
}

char *
cr_project_load_model_layout (CrProject *project, gint64 id, GError **error)
{
  g_return_val_if_fail (project != NULL, NULL);

  sqlite3_stmt *stmt = cr_store_prepare (project, "SELECT layout FROM models WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  char *layout = NULL;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    layout = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  else
    g_set_error (error, CR_STORE_ERROR, CR_STORE_ERROR_NOT_FOUND,
                 "%s: there is no model %" G_GINT64_FORMAT, project->path, id);
  sqlite3_finalize (stmt);
  return layout;
}

static void
model_info_free (gpointer data)
{
  CrModelInfo *info = data;
  g_free (info->name);
  g_free (info->modified);
  g_free (info);
}

GPtrArray *
cr_project_list_models (CrProject *project, GError **error)
{
  g_return_val_if_fail (project != NULL, NULL);

  sqlite3_stmt *stmt = cr_store_prepare (project, "SELECT id, name, dataset_id, modified FROM models "
                                                  "ORDER BY id",
                                         error);
  if (stmt == NULL)
    return NULL;
  GPtrArray *list = g_ptr_array_new_with_free_func (model_info_free);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      CrModelInfo *info = g_new0 (CrModelInfo, 1);
      info->id = sqlite3_column_int64 (stmt, 0);
      info->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      info->dataset_id = sqlite3_column_int64 (stmt, 2);
      info->modified = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      g_ptr_array_add (list, info);
    }
  sqlite3_finalize (stmt);
  return list;
}

gboolean
cr_project_save_copy (CrProject *project, const char *dest_path, GError **error)
{
  g_return_val_if_fail (project != NULL, FALSE);
  g_return_val_if_fail (dest_path != NULL, FALSE);

  if (g_file_test (dest_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, CR_STORE_ERROR, CR_STORE_ERROR_EXISTS,
                   "%s: a file with this name exists already; choose another name", dest_path);
      return FALSE;
    }
  g_autoptr (CrProject) copy = connect (dest_path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, error);
  if (copy == NULL)
    return FALSE;
  sqlite3_backup *backup = sqlite3_backup_init (copy->db, "main", project->db, "main");
  if (backup == NULL)
    {
      cr_store_set_sqlite_error (error, copy->db, CR_STORE_ERROR_IO, dest_path, "cannot copy the project");
      g_unlink (dest_path);
      return FALSE;
    }
  int rc = sqlite3_backup_step (backup, -1);
  sqlite3_backup_finish (backup);
  if (rc != SQLITE_DONE)
    {
      cr_store_set_sqlite_error (error, copy->db, CR_STORE_ERROR_IO, dest_path, "cannot copy the project");
      g_unlink (dest_path);
      return FALSE;
    }
  return configure (copy, error);
}
