/* store-private.h: what the store's .c files share; never included from outside the folder.
 *
 * Invariants: every helper that writes inside a transaction leaves the transaction to its
 * caller; a NULL @error is always allowed.
 */
#pragma once

#include "store/store.h"

#include <sqlite3.h>

G_BEGIN_DECLS

struct _CrProject
{
  sqlite3 *db;
  char *path;
};

/* Sets @error from the connection's last message, as "PATH: WHAT: MESSAGE"; returns FALSE. */
gboolean cr_store_set_sqlite_error (GError **error,
                                    sqlite3 *db,
                                    CrStoreError code,
                                    const char *path,
                                    const char *what);

/* Runs one or more statements without results. */
gboolean cr_store_exec (CrProject *project, const char *sql, GError **error);

/* Returns: (transfer full) the prepared statement (free with sqlite3_finalize ()), or NULL
 * with @error set. */
sqlite3_stmt *cr_store_prepare (CrProject *project, const char *sql, GError **error);

/* Returns: (transfer full) the current UTC time as ISO 8601, to the second. */
char *cr_store_now_iso8601 (void);

/* Doubles as little-endian IEEE bytes, whatever the host's byte order: the layout of every
 * BLOB of numbers in a project. Returns: (transfer full) n * 8 bytes (at least one element
 * is allocated, so the pointer is never NULL); free with g_free (). */
void *cr_store_blob_from_doubles (const double *values, size_t n);

/* The inverse: reads @n doubles from @blob, which holds n * 8 bytes. Returns: (transfer full)
 * the values (never NULL); free with g_free (). */
double *cr_store_doubles_from_blob (const void *blob, size_t n);

/* Reads @n doubles from @blob into @values. */
void cr_store_read_doubles (const void *blob, size_t n, double *values);

/* Marks the runs whose writer is gone as interrupted: those 'running' with a boot id other than
 * this boot's, or with a writer process that no longer exists on this boot. Called on open,
 * after the migration; writes only when there is such a run. */
gboolean cr_store_recover_runs (CrProject *project, GError **error);

G_END_DECLS
