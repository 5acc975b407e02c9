/* data.h: datasets, typed columns, and the CSV reader that makes them.
 *
 * A dataset is a named table of columns of equal length. Every column holds its cells as
 * doubles, so the engine reads data without conversion: integers exactly (|v| < 2^53),
 * categorical cells as their level code 0 .. n_levels - 1. A missing cell is NAN in every
 * column type and is counted in n_missing.
 *
 * Invariants: all columns have cr_dataset_get_n_rows () cells; column names are unique and
 * non-empty; a categorical column's levels are unique and its codes index them.
 */
#pragma once

#include <glib.h>
#include <stddef.h>

G_BEGIN_DECLS

#define CR_DATA_ERROR (cr_data_error_quark ())
GQuark cr_data_error_quark (void);

typedef enum
{
  CR_DATA_ERROR_IO,             /* the file cannot be read */
  CR_DATA_ERROR_EMPTY,          /* no header, or no columns */
  CR_DATA_ERROR_ENCODING,       /* not UTF-8 */
  CR_DATA_ERROR_SYNTAX,         /* unterminated quote, junk after a closing quote, binary data */
  CR_DATA_ERROR_RAGGED,         /* a row with more or fewer cells than the header */
  CR_DATA_ERROR_DUPLICATE_NAME, /* two columns with the same name, or an empty name */
  CR_DATA_ERROR_TOO_LARGE,      /* a field or a file beyond the reader's limits */
  CR_DATA_ERROR_NOT_A_NUMBER,   /* a cell that does not fit the column's type */
  CR_DATA_ERROR_SHAPE,          /* a column of the wrong length */
} CrDataError;

typedef enum
{
  CR_COLUMN_INTEGER,
  CR_COLUMN_FLOAT,
  CR_COLUMN_CATEGORICAL,
} CrColumnType;

typedef struct
{
  char *name;
  CrColumnType type;
  double *values;    /* n_rows cells; NAN is missing; categorical: the level code */
  char **levels;     /* categorical only: n_levels names, NULL-terminated; NULL otherwise */
  size_t n_levels;
  size_t n_missing;
} CrColumn;

typedef struct _CrDataset CrDataset;

/* Returns: (transfer full) an empty dataset called @name (no rows, no columns). */
CrDataset *cr_dataset_new (const char *name);

/* Once built, a dataset is only read, so threads may share it: each holder takes a
 * reference and drops it with cr_dataset_free (), which frees the dataset with the last one.
 * Returns: @dataset, with one more reference. */
CrDataset *cr_dataset_ref (CrDataset *dataset);
void cr_dataset_free (CrDataset *dataset);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrDataset, cr_dataset_free)

const char *cr_dataset_get_name (const CrDataset *dataset);
size_t cr_dataset_get_n_rows (const CrDataset *dataset);
size_t cr_dataset_get_n_columns (const CrDataset *dataset);

/* Returns: (transfer none) column @index, valid until the dataset changes or is freed. */
const CrColumn *cr_dataset_get_column (const CrDataset *dataset, size_t index);

/* Returns: (transfer none) the column called @name, or NULL. */
const CrColumn *cr_dataset_find_column (const CrDataset *dataset, const char *name);

/* Appends a column; @values (n_rows cells, copied) and, for a categorical column, @levels
 * (copied, NULL-terminated) describe it. The first column sets the number of rows.
 * Returns: FALSE with @error set when the name is empty or taken, the length differs from
 * the other columns', or a categorical code is not an index of @levels. */
gboolean cr_dataset_add_column (CrDataset *dataset,
                                const char *name,
                                CrColumnType type,
                                const double *values,
                                size_t n_rows,
                                const char *const *levels,
                                GError **error);

/* Returns: a human name for @type: "integer", "float" or "categorical". */
const char *cr_column_type_to_string (CrColumnType type);

/* Returns: the type called @name, or FALSE when @name is not one of the three. */
gboolean cr_column_type_from_string (const char *name, CrColumnType *type);

/* Reads an RFC 4180 CSV file: quoted fields with embedded delimiters, quotes and newlines,
 * CRLF or LF, an optional UTF-8 byte-order mark, and comma, semicolon or tab as the delimiter
 * (detected from the header). The first row names the columns. Each column's type is inferred:
 * integer when every present cell is an integer, float when every present cell is a number,
 * categorical otherwise, with its levels in sorted order. Empty cells, NA and NaN are missing.
 * The dataset is named after the file's basename without its extension.
 * Returns: (transfer full) the dataset, or NULL with @error set; the message starts with
 * "path:line:column: ". */
CrDataset *cr_dataset_read_csv (const char *path, GError **error);

/* As cr_dataset_read_csv () on @length bytes of @text; @source names it in messages and
 * becomes the dataset's name. */
CrDataset *cr_dataset_parse_csv (const char *text,
                                 size_t length,
                                 const char *source,
                                 GError **error);

G_END_DECLS
