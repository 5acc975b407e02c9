/* store.h: the project file. A project is one SQLite file (*.credence) holding datasets (typed
 * columns), models (text and canvas layout) and, as the engine grows, runs and their draws.
 *
 * Invariants: a file that is not a Credence project, is corrupt, or was written by a newer
 * Credence is refused with a clear error and never written to. Opening never runs code from the
 * file. Every change is one transaction: a crash leaves the file as it was before the change
 * or after it. The schema version is PRAGMA user_version; migrations only go forward.
 * A CrProject is used from one thread at a time.
 */
#pragma once

#include "data/data.h"

#include <glib.h>

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
} CrStoreError;

/* The schema version this build writes; files with a lower one are migrated on open. */
#define CR_STORE_SCHEMA_VERSION 1

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

/* Returns: (transfer full) (element-type CrModelInfo) the models in id order, or NULL with
 * @error set. Free with g_ptr_array_unref (). */
GPtrArray *cr_project_list_models (CrProject *project, GError **error);

/* Writes a consistent copy of the whole project to @dest_path (which must not exist), for
 * "Save As" and for backups; the open project stays where it was. */
gboolean cr_project_save_copy (CrProject *project, const char *dest_path, GError **error);

G_END_DECLS
