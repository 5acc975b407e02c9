/* dataset.c: the dataset container; the CSV reader is in csv.c. */
#include "data/data.h"

#include <math.h>
#include <string.h>

G_DEFINE_QUARK (cr-data-error-quark, cr_data_error)

struct _CrDataset
{
  gint ref_count; /* a run compiled in a thread holds one while the window may drop its own */
  char *name;
  size_t n_rows;
  GPtrArray *columns;  /* of CrColumn *, owned */
  GHashTable *by_name; /* column name -> CrColumn *; both owned by columns */
};

static void
column_free (gpointer data)
{
  CrColumn *column = data;
  g_free (column->name);
  g_free (column->values);
  g_strfreev (column->levels);
  g_free (column);
}

CrDataset *
cr_dataset_new (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  CrDataset *dataset = g_new0 (CrDataset, 1);
  dataset->ref_count = 1;
  dataset->name = g_strdup (name);
  dataset->columns = g_ptr_array_new_with_free_func (column_free);
  dataset->by_name = g_hash_table_new (g_str_hash, g_str_equal);
  return dataset;
}

CrDataset *
cr_dataset_ref (CrDataset *dataset)
{
  g_return_val_if_fail (dataset != NULL, NULL);
  g_atomic_int_inc (&dataset->ref_count);
  return dataset;
}

void
cr_dataset_free (CrDataset *dataset)
{
  if (dataset == NULL || !g_atomic_int_dec_and_test (&dataset->ref_count))
    return;
  g_free (dataset->name);
  g_hash_table_unref (dataset->by_name);
  g_ptr_array_unref (dataset->columns);
  g_free (dataset);
}

const char *
cr_dataset_get_name (const CrDataset *dataset)
{
  g_return_val_if_fail (dataset != NULL, NULL);
  return dataset->name;
}

size_t
cr_dataset_get_n_rows (const CrDataset *dataset)
{
  g_return_val_if_fail (dataset != NULL, 0);
  return dataset->n_rows;
}

size_t
cr_dataset_get_n_columns (const CrDataset *dataset)
{
  g_return_val_if_fail (dataset != NULL, 0);
  return dataset->columns->len;
}

const CrColumn *
cr_dataset_get_column (const CrDataset *dataset, size_t index)
{
  g_return_val_if_fail (dataset != NULL, NULL);
  g_return_val_if_fail (index < dataset->columns->len, NULL);
  return g_ptr_array_index (dataset->columns, index);
}

const CrColumn *
cr_dataset_find_column (const CrDataset *dataset, const char *name)
{
  g_return_val_if_fail (dataset != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  /* A hash index, not a scan: the CSV reader adds every column of a wide file, each
   * checked for a duplicate name here, which a scan made quadratic in the column count. */
  return g_hash_table_lookup (dataset->by_name, name);
}

gboolean
cr_dataset_add_column (CrDataset *dataset,
                       const char *name,
                       CrColumnType type,
                       const double *values,
                       size_t n_rows,
                       const char *const *levels,
                       GError **error)
{
  g_return_val_if_fail (dataset != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (values != NULL || n_rows == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (*name == '\0')
    {
      g_set_error (error, CR_DATA_ERROR, CR_DATA_ERROR_DUPLICATE_NAME,
                   "%s: column %u has no name; give every column a name in the header",
                   dataset->name, dataset->columns->len + 1);
      return FALSE;
    }
  if (cr_dataset_find_column (dataset, name) != NULL)
    {
      g_set_error (error, CR_DATA_ERROR, CR_DATA_ERROR_DUPLICATE_NAME,
                   "%s: two columns are called '%s'; rename one of them", dataset->name, name);
      return FALSE;
    }
  if (dataset->columns->len > 0 && n_rows != dataset->n_rows)
    {
      g_set_error (error, CR_DATA_ERROR, CR_DATA_ERROR_SHAPE,
                   "%s: column '%s' has %zu rows but the others have %zu", dataset->name, name,
                   n_rows, dataset->n_rows);
      return FALSE;
    }

  size_t n_levels = 0;
  if (type == CR_COLUMN_CATEGORICAL)
    {
      n_levels = levels != NULL ? g_strv_length ((char **) levels) : 0;
      /* A set rather than a pairwise scan: an identifier column can have a level per row. */
      g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
      for (size_t i = 0; i < n_levels; i++)
        if (!g_hash_table_add (seen, (gpointer) levels[i]))
          {
            g_set_error (error, CR_DATA_ERROR, CR_DATA_ERROR_DUPLICATE_NAME,
                         "%s: column '%s' lists the level '%s' twice", dataset->name, name,
                         levels[i]);
            return FALSE;
          }
    }

  size_t n_missing = 0;
  for (size_t i = 0; i < n_rows; i++)
    {
      double v = values[i];
      if (isnan (v))
        {
          n_missing++;
          continue;
        }
      gboolean bad = FALSE;
      if (type == CR_COLUMN_CATEGORICAL)
        bad = v < 0 || v >= (double) n_levels || v != floor (v);
      else if (type == CR_COLUMN_INTEGER)
        bad = v != floor (v) || !isfinite (v);
      if (bad)
        {
          g_set_error (error, CR_DATA_ERROR, CR_DATA_ERROR_NOT_A_NUMBER,
                       "%s: row %zu of column '%s' holds %g, which is not %s", dataset->name,
                       i + 1, name, v,
                       type == CR_COLUMN_CATEGORICAL ? "a level code" : "an integer");
          return FALSE;
        }
    }

  CrColumn *column = g_new0 (CrColumn, 1);
  column->name = g_strdup (name);
  column->type = type;
  column->values = g_memdup2 (values, n_rows * sizeof (double));
  if (type == CR_COLUMN_CATEGORICAL)
    column->levels = g_strdupv ((char **) (levels != NULL ? levels : (const char *const[]){ NULL }));
  column->n_levels = n_levels;
  column->n_missing = n_missing;
  g_ptr_array_add (dataset->columns, column);
  g_hash_table_insert (dataset->by_name, column->name, column);
  dataset->n_rows = n_rows;
  return TRUE;
}

const char *
cr_column_type_to_string (CrColumnType type)
{
  switch (type)
    {
    case CR_COLUMN_INTEGER:
      return "integer";
    case CR_COLUMN_FLOAT:
      return "float";
    case CR_COLUMN_CATEGORICAL:
      return "categorical";
    }
  g_return_val_if_reached ("unknown");
}

gboolean
cr_column_type_from_string (const char *name, CrColumnType *type)
{
  static const CrColumnType all[] = { CR_COLUMN_INTEGER, CR_COLUMN_FLOAT, CR_COLUMN_CATEGORICAL };
  for (size_t i = 0; i < G_N_ELEMENTS (all); i++)
    if (g_strcmp0 (name, cr_column_type_to_string (all[i])) == 0)
      {
        *type = all[i];
        return TRUE;
      }
  return FALSE;
}
