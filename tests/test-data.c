/* test-data.c: the dataset container and the CSV reader (inference/data/). */
#include "data/data.h"

#include <glib/gstdio.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <string.h>

/* The reader converts decimal text with correct rounding, as the compiler does for the same
 * literal, so parsed numbers are compared for equality: the tolerance is zero. */

#define INTEGER_LIMIT 9007199254740992.0 /* 2^53 */

/* Parses @text (a C string) as "src" and fails the test on an error. */
static CrDataset *
parse_ok (const char *text)
{
  g_autoptr (GError) error = NULL;
  CrDataset *dataset = cr_dataset_parse_csv (text, strlen (text), "src", &error);
  g_assert_no_error (error);
  g_assert_nonnull (dataset);
  return dataset;
}

/* Parses @length bytes and checks the error code and the start of the message. */
static void
assert_parse_error_len (const char *text, size_t length, CrDataError code, const char *prefix)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *copy = g_memdup2 (text, length); /* exact length, so ASan sees overreads */
  CrDataset *dataset = cr_dataset_parse_csv (copy, length, "src", &error);
  g_assert_null (dataset);
  g_assert_error (error, CR_DATA_ERROR, (gint) code);
  if (!g_str_has_prefix (error->message, prefix))
    g_error ("message '%s' does not start with '%s'", error->message, prefix);
}

static void
assert_parse_error (const char *text, CrDataError code, const char *prefix)
{
  assert_parse_error_len (text, strlen (text), code, prefix);
}

static void
assert_error_mentions (const char *text, const char *needle)
{
  g_autoptr (GError) error = NULL;
  CrDataset *dataset = cr_dataset_parse_csv (text, strlen (text), "src", &error);
  g_assert_null (dataset);
  g_assert_nonnull (error);
  if (strstr (error->message, needle) == NULL)
    g_error ("message '%s' does not mention '%s'", error->message, needle);
}

/* Checks a column's type and cells; NAN in @expected is a missing cell. */
static const CrColumn *
assert_column (const CrDataset *dataset,
               const char *name,
               CrColumnType type,
               const double *expected,
               size_t n_rows)
{
  const CrColumn *column = cr_dataset_find_column (dataset, name);
  if (column == NULL)
    g_error ("no column '%s'", name);
  g_assert_cmpstr (cr_column_type_to_string (column->type), ==, cr_column_type_to_string (type));
  g_assert_cmpuint (cr_dataset_get_n_rows (dataset), ==, n_rows);
  size_t n_missing = 0;
  for (size_t i = 0; i < n_rows; i++)
    {
      if (isnan (expected[i]))
        {
          g_assert_true (isnan (column->values[i]));
          n_missing++;
        }
      else
        g_assert_cmpfloat (column->values[i], ==, expected[i]);
    }
  g_assert_cmpuint (column->n_missing, ==, n_missing);
  return column;
}

static void
assert_levels (const CrColumn *column, const char *const *expected)
{
  g_assert_nonnull (column->levels);
  g_assert_cmpuint (column->n_levels, ==, g_strv_length ((char **) expected));
  for (size_t k = 0; k < column->n_levels; k++)
    g_assert_cmpstr (column->levels[k], ==, expected[k]);
  g_assert_null (column->levels[column->n_levels]);
}

/* ---- the dataset container ---- */

static void
test_dataset_empty (void)
{
  g_autoptr (CrDataset) dataset = cr_dataset_new ("empty");
  g_assert_cmpstr (cr_dataset_get_name (dataset), ==, "empty");
  g_assert_cmpuint (cr_dataset_get_n_rows (dataset), ==, 0);
  g_assert_cmpuint (cr_dataset_get_n_columns (dataset), ==, 0);
  g_assert_null (cr_dataset_find_column (dataset, "x"));
  cr_dataset_free (NULL);
}

static void
test_dataset_add_column (void)
{
  g_autoptr (CrDataset) dataset = cr_dataset_new ("d");
  g_autoptr (GError) error = NULL;
  const double counts[] = { 1, 2, NAN };
  const double weights[] = { 0.5, NAN, NAN };
  const double groups[] = { 1, 0, NAN };
  char *levels[] = { g_strdup ("a"), g_strdup ("b"), NULL };

  g_assert_true (cr_dataset_add_column (dataset, "count", CR_COLUMN_INTEGER, counts, 3, NULL,
                                        &error));
  g_assert_true (cr_dataset_add_column (dataset, "weight", CR_COLUMN_FLOAT, weights, 3, NULL,
                                        &error));
  g_assert_true (cr_dataset_add_column (dataset, "group", CR_COLUMN_CATEGORICAL, groups, 3,
                                        (const char *const *) levels, &error));
  g_assert_no_error (error);
  /* The dataset keeps copies of the levels. */
  levels[0][0] = 'z';
  g_free (levels[0]);
  g_free (levels[1]);

  g_assert_cmpuint (cr_dataset_get_n_rows (dataset), ==, 3);
  g_assert_cmpuint (cr_dataset_get_n_columns (dataset), ==, 3);
  assert_column (dataset, "count", CR_COLUMN_INTEGER, counts, 3);
  assert_column (dataset, "weight", CR_COLUMN_FLOAT, weights, 3);
  const CrColumn *group = assert_column (dataset, "group", CR_COLUMN_CATEGORICAL, groups, 3);
  assert_levels (group, (const char *const[]){ "a", "b", NULL });
  g_assert_true (cr_dataset_get_column (dataset, 2) == group);
  g_assert_null (cr_dataset_get_column (dataset, 0)->levels);
  g_assert_cmpuint (cr_dataset_get_column (dataset, 0)->n_levels, ==, 0);
}

static void
assert_add_fails (CrDataset *dataset,
                  const char *name,
                  CrColumnType type,
                  const double *values,
                  size_t n_rows,
                  const char *const *levels,
                  CrDataError code)
{
  g_autoptr (GError) error = NULL;
  size_t n_columns = cr_dataset_get_n_columns (dataset);
  g_assert_false (cr_dataset_add_column (dataset, name, type, values, n_rows, levels, &error));
  g_assert_error (error, CR_DATA_ERROR, (gint) code);
  g_assert_true (g_str_has_prefix (error->message, "d: "));
  g_assert_cmpuint (cr_dataset_get_n_columns (dataset), ==, n_columns);
}

/* A reference outlives the holder that made the dataset: a run compiled in a thread keeps the
 * data it was given while the window loads new data. */
static void
test_dataset_shared (void)
{
  CrDataset *dataset = parse_ok ("x,y\n1,2\n3,4\n");
  CrDataset *shared = cr_dataset_ref (dataset);
  g_assert_true (shared == dataset);
  cr_dataset_free (dataset);
  g_assert_cmpuint (cr_dataset_get_n_rows (shared), ==, 2);
  g_assert_cmpfloat (cr_dataset_find_column (shared, "y")->values[1], ==, 4.0);
  cr_dataset_free (shared); /* the last reference: LSan and ASan see a leak or a double free */
}

static void
test_dataset_add_column_errors (void)
{
  g_autoptr (CrDataset) dataset = cr_dataset_new ("d");
  const double two[] = { 1, 2 };
  const double three[] = { 1, 2, 3 };
  const char *const ab[] = { "a", "b", NULL };
  g_assert_true (cr_dataset_add_column (dataset, "x", CR_COLUMN_INTEGER, two, 2, NULL, NULL));

  assert_add_fails (dataset, "", CR_COLUMN_FLOAT, two, 2, NULL, CR_DATA_ERROR_DUPLICATE_NAME);
  assert_add_fails (dataset, "x", CR_COLUMN_FLOAT, two, 2, NULL, CR_DATA_ERROR_DUPLICATE_NAME);
  assert_add_fails (dataset, "y", CR_COLUMN_FLOAT, three, 3, NULL, CR_DATA_ERROR_SHAPE);
  assert_add_fails (dataset, "y", CR_COLUMN_INTEGER, (const double[]){ 1, 1.5 }, 2, NULL,
                    CR_DATA_ERROR_NOT_A_NUMBER);
  assert_add_fails (dataset, "y", CR_COLUMN_INTEGER, (const double[]){ 1, INFINITY }, 2, NULL,
                    CR_DATA_ERROR_NOT_A_NUMBER);
  assert_add_fails (dataset, "y", CR_COLUMN_CATEGORICAL, (const double[]){ 0, 2 }, 2, ab,
                    CR_DATA_ERROR_NOT_A_NUMBER);
  assert_add_fails (dataset, "y", CR_COLUMN_CATEGORICAL, (const double[]){ 0, -1 }, 2, ab,
                    CR_DATA_ERROR_NOT_A_NUMBER);
  assert_add_fails (dataset, "y", CR_COLUMN_CATEGORICAL, (const double[]){ 0, 0.5 }, 2, ab,
                    CR_DATA_ERROR_NOT_A_NUMBER);
  assert_add_fails (dataset, "y", CR_COLUMN_CATEGORICAL, two, 2, NULL,
                    CR_DATA_ERROR_NOT_A_NUMBER);
  assert_add_fails (dataset, "y", CR_COLUMN_CATEGORICAL, (const double[]){ 0, 1 }, 2,
                    (const char *const[]){ "a", "a", NULL }, CR_DATA_ERROR_DUPLICATE_NAME);

  /* A float column may hold any value; missing cells fit every type. */
  g_assert_true (cr_dataset_add_column (dataset, "y", CR_COLUMN_CATEGORICAL,
                                        (const double[]){ NAN, 1 }, 2, ab, NULL));
  g_assert_cmpuint (cr_dataset_get_n_columns (dataset), ==, 2);
}

static void
test_dataset_find_column (void)
{
  g_autoptr (CrDataset) dataset = cr_dataset_new ("wide");
  const double cell[] = { 7 };
  /* Wide enough that a quadratic duplicate check would take minutes. */
  for (int j = 0; j < 50000; j++)
    {
      char name[32];
      g_snprintf (name, sizeof name, "c%d", j);
      g_assert_true (cr_dataset_add_column (dataset, name, CR_COLUMN_INTEGER, cell, 1, NULL,
                                            NULL));
    }
  g_assert_cmpuint (cr_dataset_get_n_columns (dataset), ==, 50000);
  const CrColumn *column = cr_dataset_find_column (dataset, "c49999");
  g_assert_nonnull (column);
  g_assert_true (column == cr_dataset_get_column (dataset, 49999));
  g_assert_cmpstr (column->name, ==, "c49999");
  g_assert_true (cr_dataset_find_column (dataset, "c0") == cr_dataset_get_column (dataset, 0));
  g_assert_null (cr_dataset_find_column (dataset, "c50000"));
  g_assert_null (cr_dataset_find_column (dataset, "C0"));
}

static void
test_dataset_type_names (void)
{
  const CrColumnType all[] = { CR_COLUMN_INTEGER, CR_COLUMN_FLOAT, CR_COLUMN_CATEGORICAL };
  const char *const names[] = { "integer", "float", "categorical" };
  for (size_t i = 0; i < G_N_ELEMENTS (all); i++)
    {
      CrColumnType type = CR_COLUMN_INTEGER;
      g_assert_cmpstr (cr_column_type_to_string (all[i]), ==, names[i]);
      g_assert_true (cr_column_type_from_string (names[i], &type));
      g_assert_cmpint (type, ==, all[i]);
    }
  CrColumnType untouched = CR_COLUMN_FLOAT;
  g_assert_false (cr_column_type_from_string ("int", &untouched));
  g_assert_false (cr_column_type_from_string ("Float", &untouched));
  g_assert_false (cr_column_type_from_string ("", &untouched));
  g_assert_false (cr_column_type_from_string (NULL, &untouched));
  g_assert_cmpint (untouched, ==, CR_COLUMN_FLOAT);
}

/* ---- the CSV reader: what it accepts ---- */

static void
test_csv_basic (void)
{
  g_autoptr (CrDataset) dataset = parse_ok ("id,x,group\n1,2.5,b\n2,-1e-3,a\n3,4,b\n");
  g_assert_cmpstr (cr_dataset_get_name (dataset), ==, "src");
  g_assert_cmpuint (cr_dataset_get_n_columns (dataset), ==, 3);
  g_assert_cmpstr (cr_dataset_get_column (dataset, 0)->name, ==, "id");
  g_assert_cmpstr (cr_dataset_get_column (dataset, 2)->name, ==, "group");
  assert_column (dataset, "id", CR_COLUMN_INTEGER, (const double[]){ 1, 2, 3 }, 3);
  assert_column (dataset, "x", CR_COLUMN_FLOAT, (const double[]){ 2.5, -1e-3, 4 }, 3);
  const CrColumn *group = assert_column (dataset, "group", CR_COLUMN_CATEGORICAL,
                                         (const double[]){ 1, 0, 1 }, 3);
  assert_levels (group, (const char *const[]){ "a", "b", NULL });
}

static void
test_csv_quoted_delimiter (void)
{
  g_autoptr (CrDataset) dataset = parse_ok ("name,v\n\"Smith, J\",1\n\"Doe;\tK\",2\n");
  const CrColumn *name = assert_column (dataset, "name", CR_COLUMN_CATEGORICAL,
                                        (const double[]){ 1, 0 }, 2);
  assert_levels (name, (const char *const[]){ "Doe;\tK", "Smith, J", NULL });
  assert_column (dataset, "v", CR_COLUMN_INTEGER, (const double[]){ 1, 2 }, 2);
}

static void
test_csv_doubled_quotes (void)
{
  /* Blanks between a delimiter or line end and the quotes are padding. */
  g_autoptr (CrDataset) dataset = parse_ok ("q,n\n\"say \"\"hi\"\"\",1\n \"\"\"\" ,2\n\"\",3\n");
  const CrColumn *q = assert_column (dataset, "q", CR_COLUMN_CATEGORICAL,
                                     (const double[]){ 1, 0, NAN }, 3);
  assert_levels (q, (const char *const[]){ "\"", "say \"hi\"", NULL });
}

static void
test_csv_embedded_newlines (void)
{
  g_autoptr (CrDataset) dataset = parse_ok ("a,b\n\"line1\nline2\",1\n\"x\r\ny\",2\n\"z\rw\",3\n");
  const CrColumn *a = assert_column (dataset, "a", CR_COLUMN_CATEGORICAL,
                                     (const double[]){ 0, 1, 2 }, 3);
  assert_levels (a, (const char *const[]){ "line1\nline2", "x\r\ny", "z\rw", NULL });
  /* Lines inside a quoted field count: the ragged row is on line 5. */
  assert_parse_error ("a,b\n\"1\n2\n3\",1\n4,5,6\n", CR_DATA_ERROR_RAGGED, "src:5:5: ");
  assert_parse_error ("a,b\n\"1\r\n2\r3\",1\r\n4,5,6\r\n", CR_DATA_ERROR_RAGGED, "src:5:5: ");
}

static void
test_csv_line_ends (void)
{
  const char *const texts[] = {
    "a,b\n1,x\n2,y\n",
    "a,b\r\n1,x\r\n2,y\r\n",
    "a,b\r1,x\r2,y\r",
    "a,b\r\n1,x\n2,y\r",
    "a,b\n1,x\n2,y",
  };
  for (size_t i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr (CrDataset) dataset = parse_ok (texts[i]);
      assert_column (dataset, "a", CR_COLUMN_INTEGER, (const double[]){ 1, 2 }, 2);
      const CrColumn *b = assert_column (dataset, "b", CR_COLUMN_CATEGORICAL,
                                         (const double[]){ 0, 1 }, 2);
      assert_levels (b, (const char *const[]){ "x", "y", NULL });
    }
  /* Each kind of line end counts one line. */
  assert_parse_error ("a,b\r1,2\r\n3\n4,5\n", CR_DATA_ERROR_RAGGED, "src:3:2: ");
}

static void
test_csv_bom (void)
{
  g_autoptr (CrDataset) dataset = parse_ok ("\xEF\xBB\xBF" "a,b\n1,2\n");
  g_assert_cmpstr (cr_dataset_get_column (dataset, 0)->name, ==, "a");
  assert_column (dataset, "a", CR_COLUMN_INTEGER, (const double[]){ 1 }, 1);
  /* Columns on the first line are counted after the byte-order mark. */
  assert_parse_error ("\xEF\xBB\xBF" "x,y\"z\n", CR_DATA_ERROR_SYNTAX, "src:1:4: ");
}

static void
test_csv_delimiter (void)
{
  g_autoptr (CrDataset) semicolon = parse_ok ("a;b\n1;2.5\n");
  assert_column (semicolon, "b", CR_COLUMN_FLOAT, (const double[]){ 2.5 }, 1);

  g_autoptr (CrDataset) tab = parse_ok ("a\tb c\n1\t x y \n");
  const CrColumn *text = assert_column (tab, "b c", CR_COLUMN_CATEGORICAL,
                                        (const double[]){ 0 }, 1);
  assert_levels (text, (const char *const[]){ " x y ", NULL });

  /* A tie goes to the comma. */
  g_autoptr (CrDataset) tie = parse_ok ("a;b,c\n1;2,3\n");
  g_assert_cmpuint (cr_dataset_get_n_columns (tie), ==, 2);
  g_assert_cmpstr (cr_dataset_get_column (tie, 0)->name, ==, "a;b");

  /* Delimiters inside quotes do not count. */
  g_autoptr (CrDataset) quoted = parse_ok ("\"a,b,c\";d\n1;2\n");
  g_assert_cmpuint (cr_dataset_get_n_columns (quoted), ==, 2);
  g_assert_cmpstr (cr_dataset_get_column (quoted, 0)->name, ==, "a,b,c");

  /* One column: no delimiter at all, so commas in quoted cells are text. */
  g_autoptr (CrDataset) single = parse_ok ("only\n\"1,5\"\n2\n");
  const CrColumn *only = assert_column (single, "only", CR_COLUMN_CATEGORICAL,
                                        (const double[]){ 0, 1 }, 2);
  assert_levels (only, (const char *const[]){ "1,5", "2", NULL });
}

static void
test_csv_final_line (void)
{
  g_autoptr (CrDataset) dataset = parse_ok ("a,b\n1,2\n3,");
  assert_column (dataset, "a", CR_COLUMN_INTEGER, (const double[]){ 1, 3 }, 2);
  assert_column (dataset, "b", CR_COLUMN_INTEGER, (const double[]){ 2, NAN }, 2);

  g_autoptr (CrDataset) quoted = parse_ok ("a,b\n1,\"x\"");
  assert_column (quoted, "b", CR_COLUMN_CATEGORICAL, (const double[]){ 0 }, 1);
}

static void
test_csv_blank_lines_at_end (void)
{
  g_autoptr (CrDataset) dataset = parse_ok ("a,b\n1,2\n\n\n  \n\r\n\t\n");
  assert_column (dataset, "a", CR_COLUMN_INTEGER, (const double[]){ 1 }, 1);

  /* With one column a blank line inside the data is a missing cell; at the end it is not. */
  g_autoptr (CrDataset) single = parse_ok ("x\n1\n\nNA\n2\n\n\n");
  assert_column (single, "x", CR_COLUMN_INTEGER, (const double[]){ 1, NAN, NAN, 2 }, 4);

  /* A trailing text cell keeps its blanks even on the last line. */
  g_autoptr (CrDataset) text = parse_ok ("a,b\n1,x  \n\n");
  assert_levels (cr_dataset_find_column (text, "b"), (const char *const[]){ "x  ", NULL });
}

static void
test_csv_whitespace (void)
{
  g_autoptr (CrDataset) dataset = parse_ok ("  a , b ,\"c \"\n 1 , 2.5\t, x \n-2,\t3 ,\"y\"\n");
  g_assert_cmpstr (cr_dataset_get_column (dataset, 0)->name, ==, "a");
  g_assert_cmpstr (cr_dataset_get_column (dataset, 1)->name, ==, "b");
  g_assert_cmpstr (cr_dataset_get_column (dataset, 2)->name, ==, "c ");
  assert_column (dataset, "a", CR_COLUMN_INTEGER, (const double[]){ 1, -2 }, 2);
  assert_column (dataset, "b", CR_COLUMN_FLOAT, (const double[]){ 2.5, 3 }, 2);
  /* Text keeps its blanks (RFC 4180, 2.4). */
  const CrColumn *c = assert_column (dataset, "c ", CR_COLUMN_CATEGORICAL,
                                     (const double[]){ 0, 1 }, 2);
  assert_levels (c, (const char *const[]){ " x ", "y", NULL });
}

static void
test_csv_integer_range (void)
{
  g_autoptr (CrDataset) limit = parse_ok ("n\n9007199254740992\n-9007199254740992\n+7\n007\n-0\n");
  const CrColumn *n = assert_column (limit, "n", CR_COLUMN_INTEGER,
                                     (const double[]){ INTEGER_LIMIT, -INTEGER_LIMIT, 7, 7, 0 },
                                     5);
  g_assert_false (signbit (n->values[4]));

  /* 2^53 + 1 is not exact in a double, so the column is float. */
  g_autoptr (CrDataset) beyond = parse_ok ("n\n1\n9007199254740993\n");
  assert_column (beyond, "n", CR_COLUMN_FLOAT, (const double[]){ 1, INTEGER_LIMIT }, 2);
  g_autoptr (CrDataset) leading_zeros = parse_ok ("n\n00000000000000000009007199254740992\n");
  assert_column (leading_zeros, "n", CR_COLUMN_INTEGER, (const double[]){ INTEGER_LIMIT }, 1);
  g_autoptr (CrDataset) huge = parse_ok ("n\n123456789012345678901234567890\n");
  assert_column (huge, "n", CR_COLUMN_FLOAT, (const double[]){ 123456789012345678901234567890.0 },
                 1);

  g_autoptr (CrDataset) decimal = parse_ok ("a,b,c,d\n3.0,1e3,.5,5.\n");
  assert_column (decimal, "a", CR_COLUMN_FLOAT, (const double[]){ 3 }, 1);
  assert_column (decimal, "b", CR_COLUMN_FLOAT, (const double[]){ 1000 }, 1);
  assert_column (decimal, "c", CR_COLUMN_FLOAT, (const double[]){ 0.5 }, 1);
  assert_column (decimal, "d", CR_COLUMN_FLOAT, (const double[]){ 5 }, 1);

  g_autoptr (CrDataset) precise = parse_ok ("x\n0.1\n-2.2250738585072014e-308\n4.9e-324\n1e-400\n");
  assert_column (precise, "x", CR_COLUMN_FLOAT,
                 (const double[]){ 0.1, -2.2250738585072014e-308, 4.9e-324, 0 }, 4);

  /* Not decimal numbers: hexadecimal, a lone sign or point, a bare exponent, a decimal comma. */
  const char *const texts[] = { "0x10", "-", ".", "1e", "e5", "1,5", "1.2.3", "--1", "1 2" };
  for (size_t i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autofree char *csv = g_strdup_printf ("t\n\"%s\"\n", texts[i]);
      g_autoptr (CrDataset) dataset = parse_ok (csv);
      const CrColumn *t = assert_column (dataset, "t", CR_COLUMN_CATEGORICAL,
                                         (const double[]){ 0 }, 1);
      assert_levels (t, (const char *const[]){ texts[i], NULL });
    }
}

static void
test_csv_quoted_number (void)
{
  g_autoptr (CrDataset) dataset = parse_ok ("a,b\n\"3\",\"1.5\"\n\" 4 \",\"NA\"\n");
  assert_column (dataset, "a", CR_COLUMN_INTEGER, (const double[]){ 3, 4 }, 2);
  assert_column (dataset, "b", CR_COLUMN_FLOAT, (const double[]){ 1.5, NAN }, 2);
}

static void
test_csv_missing (void)
{
  g_autoptr (CrDataset) dataset = parse_ok ("a,b,c,d\n,NA,x,\nNaN,2,NA,\n3, ,,NA\n");
  assert_column (dataset, "a", CR_COLUMN_INTEGER, (const double[]){ NAN, NAN, 3 }, 3);
  assert_column (dataset, "b", CR_COLUMN_INTEGER, (const double[]){ NAN, 2, NAN }, 3);
  const CrColumn *c = assert_column (dataset, "c", CR_COLUMN_CATEGORICAL,
                                     (const double[]){ 0, NAN, NAN }, 3);
  assert_levels (c, (const char *const[]){ "x", NULL });
  /* A column with only missing cells is float. */
  assert_column (dataset, "d", CR_COLUMN_FLOAT, (const double[]){ NAN, NAN, NAN }, 3);

  /* Only "", NA and NaN are missing, case-sensitively. */
  g_autoptr (CrDataset) other = parse_ok ("a\n1\nnan\nna\nN/A\n");
  const CrColumn *a = assert_column (other, "a", CR_COLUMN_CATEGORICAL,
                                     (const double[]){ 0, 3, 2, 1 }, 4);
  assert_levels (a, (const char *const[]){ "1", "N/A", "na", "nan", NULL });
}

static void
test_csv_levels_byte_order (void)
{
  g_autoptr (CrDataset) dataset = parse_ok ("g\nb\nB\na\n\xC3\xA9\nZ\n10\n9\nb\n");
  const CrColumn *g = assert_column (dataset, "g", CR_COLUMN_CATEGORICAL,
                                     (const double[]){ 5, 2, 4, 6, 3, 0, 1, 5 }, 8);
  assert_levels (g, (const char *const[]){ "10", "9", "B", "Z", "a", "b", "\xC3\xA9", NULL });
}

static void
test_csv_late_text (void)
{
  /* Columns turn categorical at different rows; earlier cells become levels as written. */
  g_autoptr (CrDataset) dataset = parse_ok ("g,h,v,w\n"
                                            "1,,1,x\n"
                                            "2, 5 ,2,1\n"
                                            "1.0,NA,3,2\n"
                                            "x,y,4,3\n");
  const CrColumn *g = assert_column (dataset, "g", CR_COLUMN_CATEGORICAL,
                                     (const double[]){ 0, 2, 1, 3 }, 4);
  assert_levels (g, (const char *const[]){ "1", "1.0", "2", "x", NULL });
  const CrColumn *h = assert_column (dataset, "h", CR_COLUMN_CATEGORICAL,
                                     (const double[]){ NAN, 0, NAN, 1 }, 4);
  assert_levels (h, (const char *const[]){ " 5 ", "y", NULL });
  assert_column (dataset, "v", CR_COLUMN_INTEGER, (const double[]){ 1, 2, 3, 4 }, 4);
  const CrColumn *w = assert_column (dataset, "w", CR_COLUMN_CATEGORICAL,
                                     (const double[]){ 3, 0, 1, 2 }, 4);
  assert_levels (w, (const char *const[]){ "1", "2", "3", "x", NULL });

  /* Infinity is a level in a text column, whichever comes first. */
  g_autoptr (CrDataset) inf = parse_ok ("a,b\ninf,foo\nfoo,-Infinity\n");
  assert_levels (cr_dataset_find_column (inf, "a"), (const char *const[]){ "foo", "inf", NULL });
  assert_levels (cr_dataset_find_column (inf, "b"),
                 (const char *const[]){ "-Infinity", "foo", NULL });
}

static void
test_csv_header_only (void)
{
  const char *const texts[] = { "a,b,c\n", "a,b,c", "a,b,c\r\n\r\n" };
  for (size_t i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr (CrDataset) dataset = parse_ok (texts[i]);
      g_assert_cmpuint (cr_dataset_get_n_rows (dataset), ==, 0);
      g_assert_cmpuint (cr_dataset_get_n_columns (dataset), ==, 3);
      assert_column (dataset, "c", CR_COLUMN_FLOAT, NULL, 0);
    }
}

static void
test_csv_large_field (void)
{
  /* 10 million characters, with quotes and a multi-byte character: under the 16 MiB limit. */
  GString *csv = g_string_new ("id,text\n1,\"");
  g_string_append (csv, "\xC3\xA9\"\"");
  for (size_t i = 2; i < 10000000; i++)
    g_string_append_c (csv, (char) ('a' + i % 26));
  g_string_append (csv, "\"\n2,short\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (CrDataset) dataset = cr_dataset_parse_csv (csv->str, csv->len, "big", &error);
  g_assert_no_error (error);
  /* "short" sorts first: 's' is below the lead byte 0xC3 of the long field's first character. */
  const CrColumn *text = assert_column (dataset, "text", CR_COLUMN_CATEGORICAL,
                                        (const double[]){ 1, 0 }, 2);
  g_assert_cmpstr (text->levels[0], ==, "short");
  g_assert_cmpuint (g_utf8_strlen (text->levels[1], -1), ==, 10000000);
  g_assert_true (g_str_has_prefix (text->levels[1], "\xC3\xA9\"cdef"));
  g_string_free (csv, TRUE);
}

/* ---- the CSV reader: what it refuses, and where it says the problem is ---- */

static void
test_csv_error_ragged (void)
{
  assert_parse_error ("a,b,c\n1,2,3\n4,5\n", CR_DATA_ERROR_RAGGED, "src:3:4: ");
  assert_error_mentions ("a,b\n\"x\ny\"\n", "has 1 cell but the header names 2 columns");
  assert_error_mentions ("a,b,c\n1,2,3\n4,5\n", "has 2 cells but the header names 3 columns");
  assert_parse_error ("a,b\n1,2,3,\"4\"\n", CR_DATA_ERROR_RAGGED, "src:2:5: ");
  assert_error_mentions ("a,b\n1,2,3,\"4\"\n", "has 4 cells but the header names 2 columns");
  assert_parse_error ("a;b\n1;\xC3\xA9;3\n", CR_DATA_ERROR_RAGGED, "src:2:5: ");
  /* A blank line inside the data of a wider table. */
  assert_parse_error ("a,b\n1,2\n\n3,4\n", CR_DATA_ERROR_RAGGED, "src:3:1: ");
  assert_error_mentions ("a,b\n1,2\n  \n3,4\n", "blank");
}

static void
test_csv_error_unterminated_quote (void)
{
  assert_parse_error ("a,b\n1,\"abc\n2,3\n", CR_DATA_ERROR_SYNTAX, "src:2:3: ");
  assert_error_mentions ("a,b\n1,\"abc\n2,3\n", "never closed");
  /* Columns count characters, not bytes. */
  assert_parse_error ("a,b\n\xC3\xBC,  \"x\n", CR_DATA_ERROR_SYNTAX, "src:2:5: ");
  assert_parse_error ("\"a,b\n", CR_DATA_ERROR_SYNTAX, "src:1:1: ");
  assert_parse_error ("a\n\"x\"\"", CR_DATA_ERROR_SYNTAX, "src:2:1: ");
}

static void
test_csv_error_quotes (void)
{
  assert_parse_error ("a,b\n1,ab\"c\n", CR_DATA_ERROR_SYNTAX, "src:2:5: ");
  assert_error_mentions ("a,b\n1,ab\"c\n", "quote inside a field");
  assert_parse_error ("a,b\n1,\"ab\"c\n", CR_DATA_ERROR_SYNTAX, "src:2:7: ");
  assert_parse_error ("a,b\n1,\"a\nb\"  c\n", CR_DATA_ERROR_SYNTAX, "src:3:5: ");
  assert_error_mentions ("a,b\n1,\"ab\"c\n", "after the closing quote");
}

static void
test_csv_error_binary (void)
{
  assert_parse_error_len ("a,b\n1,2\0\n", 9, CR_DATA_ERROR_SYNTAX, "src:2:4: ");
  assert_parse_error_len ("a,\"b\0\"\n", 7, CR_DATA_ERROR_SYNTAX, "src:1:5: ");
  g_autoptr (GError) error = NULL;
  g_assert_null (cr_dataset_parse_csv ("a,b\n1,2\0\n", 9, "src", &error));
  g_assert_nonnull (strstr (error->message, "byte offset 7"));

  /* Invalid UTF-8 anywhere: a stray byte, an overlong form, a surrogate, a cut sequence. */
  assert_parse_error ("a,b\n\xC3\xB1,\xFF\n", CR_DATA_ERROR_ENCODING, "src:2:3: ");
  assert_error_mentions ("a,b\n\xC3\xB1,\xFF\n", "byte 0xFF (byte offset 7)");
  assert_parse_error ("a,b\n1,\"x\n\xC0\x80\"\n", CR_DATA_ERROR_ENCODING, "src:3:1: ");
  assert_parse_error ("a\n\xED\xA0\x80\n", CR_DATA_ERROR_ENCODING, "src:2:1: ");
  assert_parse_error_len ("a\nb\xC3", 5, CR_DATA_ERROR_ENCODING, "src:2:2: ");
  /* In the header. */
  assert_parse_error ("caf\xE9,b\n1,2\n", CR_DATA_ERROR_ENCODING, "src:1:4: ");
}

static void
test_csv_error_empty (void)
{
  assert_parse_error_len ("", 0, CR_DATA_ERROR_EMPTY, "src:1:1: ");
  g_autoptr (GError) error = NULL;
  g_assert_null (cr_dataset_parse_csv (NULL, 0, "src", &error));
  g_assert_error (error, CR_DATA_ERROR, CR_DATA_ERROR_EMPTY);
  assert_parse_error ("\xEF\xBB\xBF", CR_DATA_ERROR_EMPTY, "src:1:1: ");
  assert_parse_error ("\n\n\r\n", CR_DATA_ERROR_EMPTY, "src:1:1: ");
  assert_parse_error ("  \t \n", CR_DATA_ERROR_EMPTY, "src:1:1: ");
  assert_parse_error (" , ,\n1,2,3\n", CR_DATA_ERROR_EMPTY, "src:1:1: ");
  assert_parse_error ("\na,b\n1,2\n", CR_DATA_ERROR_EMPTY, "src:1:1: ");
}

static void
test_csv_error_names (void)
{
  assert_parse_error ("a,b,a\n1,2,3\n", CR_DATA_ERROR_DUPLICATE_NAME, "src:1:5: ");
  assert_error_mentions ("a,b,a\n1,2,3\n", "two columns are called 'a'");
  assert_parse_error ("a, a\n", CR_DATA_ERROR_DUPLICATE_NAME, "src:1:3: ");
  assert_parse_error ("a,\"b\",b\n", CR_DATA_ERROR_DUPLICATE_NAME, "src:1:7: ");
  assert_parse_error ("a,,b\n1,2,3\n", CR_DATA_ERROR_DUPLICATE_NAME, "src:1:3: ");
  assert_error_mentions ("a,,b\n1,2,3\n", "column 2 has no name");
  assert_parse_error ("a,b,\n", CR_DATA_ERROR_DUPLICATE_NAME, "src:1:5: ");
}

static void
test_csv_error_non_finite (void)
{
  assert_parse_error ("x,y\n1,2\n3,inf\n", CR_DATA_ERROR_NOT_A_NUMBER, "src:3:3: ");
  assert_error_mentions ("x,y\n1,2\n3,inf\n", "'inf' is not a finite number");
  assert_parse_error ("x\n1e999\n", CR_DATA_ERROR_NOT_A_NUMBER, "src:2:1: ");
  assert_parse_error ("x\n2\n \"-1e400\" \n", CR_DATA_ERROR_NOT_A_NUMBER, "src:3:1: ");
  assert_error_mentions ("x\n2\n \"-1e400\" \n", "'-1e400'");
  /* The first such cell in the file, not in the first column. */
  assert_parse_error ("x,y\n1,-Infinity\nINF,2\n", CR_DATA_ERROR_NOT_A_NUMBER, "src:2:3: ");
  /* A long cell is cut in the message after 40 characters. */
  assert_error_mentions ("x\n1234567890123456789012345678901234567890123e999\n",
                         "'1234567890123456789012345678901234567890...' is not");
}

static void
test_csv_error_too_large (void)
{
  /* 20 million characters, over the 16 MiB limit on one field. */
  GString *csv = g_string_new ("a,b\n\"");
  for (size_t i = 0; i < 20000000; i++)
    g_string_append_c (csv, 'x');
  g_string_append (csv, "\",1\n");
  assert_parse_error_len (csv->str, csv->len, CR_DATA_ERROR_TOO_LARGE, "src:2:1: ");
  g_string_free (csv, TRUE);

  GString *unquoted = g_string_new ("a,b\n1,");
  for (size_t i = 0; i < (size_t) 17 << 20; i++)
    g_string_append_c (unquoted, '7');
  assert_parse_error_len (unquoted->str, unquoted->len, CR_DATA_ERROR_TOO_LARGE, "src:2:3: ");
  g_string_free (unquoted, TRUE);
}

/* ---- files ---- */

static void
test_csv_file_crlf_bom_semicolon (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "data",
                                                 "survey-crlf-bom-semicolon.csv", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (CrDataset) dataset = cr_dataset_read_csv (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cr_dataset_get_name (dataset), ==, "survey-crlf-bom-semicolon");
  g_assert_cmpuint (cr_dataset_get_n_columns (dataset), ==, 5);
  g_assert_cmpstr (cr_dataset_get_column (dataset, 0)->name, ==, "id");
  assert_column (dataset, "id", CR_COLUMN_INTEGER, (const double[]){ 1, 2, 3, 4 }, 4);
  assert_column (dataset, "age", CR_COLUMN_INTEGER, (const double[]){ 34, NAN, 29, 41 }, 4);
  assert_column (dataset, "score", CR_COLUMN_FLOAT, (const double[]){ 7.5, 8, NAN, 6.25 }, 4);
  const CrColumn *city = assert_column (dataset, "city", CR_COLUMN_CATEGORICAL,
                                        (const double[]){ 2, 1, 2, 0 }, 4);
  assert_levels (city, (const char *const[]){ "Bern", "Gen\xC3\xA8ve", "Z\xC3\xBCrich", NULL });
  const CrColumn *note = assert_column (dataset, "note", CR_COLUMN_CATEGORICAL,
                                        (const double[]){ 0, NAN, 1, NAN }, 4);
  assert_levels (note, (const char *const[]){ "likes \"CSV\"; a lot", "two\r\nlines", NULL });
}

static void
test_csv_file_plain (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "data", "trials.csv",
                                                 NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (CrDataset) dataset = cr_dataset_read_csv (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cr_dataset_get_name (dataset), ==, "trials");
  assert_column (dataset, "arm", CR_COLUMN_CATEGORICAL, (const double[]){ 0, 1, 0, 1, 0, 1 },
                 6);
  assert_column (dataset, "n", CR_COLUMN_INTEGER, (const double[]){ 120, 118, 95, 101, 87, 90 },
                 6);
  assert_column (dataset, "successes", CR_COLUMN_INTEGER,
                 (const double[]){ 31, 42, 20, NAN, 19, 33 }, 6);
  assert_column (dataset, "dose", CR_COLUMN_FLOAT,
                 (const double[]){ 0.5, 0.5, 1.25, 1.25, 2e-1, 2e-1 }, 6);
}

static void
test_csv_file_errors (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "data", "ragged.csv",
                                                 NULL);
  g_autoptr (GError) error = NULL;
  g_assert_null (cr_dataset_read_csv (path, &error));
  g_assert_error (error, CR_DATA_ERROR, CR_DATA_ERROR_RAGGED);
  g_autofree char *prefix = g_strdup_printf ("%s:4:2: ", path);
  g_assert_true (g_str_has_prefix (error->message, prefix));
  g_clear_error (&error);

  g_autofree char *missing = g_test_build_filename (G_TEST_DIST, "data", "data", "absent.csv",
                                                    NULL);
  g_assert_null (cr_dataset_read_csv (missing, &error));
  g_assert_error (error, CR_DATA_ERROR, CR_DATA_ERROR_IO);
  g_autofree char *missing_prefix = g_strdup_printf ("%s:1:1: ", missing);
  g_assert_true (g_str_has_prefix (error->message, missing_prefix));
  g_clear_error (&error);

  /* An empty file maps to no contents at all. */
  g_autofree char *dir = g_dir_make_tmp ("test-data-XXXXXX", NULL);
  g_assert_nonnull (dir);
  g_autofree char *empty = g_build_filename (dir, "empty.csv", NULL);
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  g_assert_null (cr_dataset_read_csv (empty, &error));
  g_assert_error (error, CR_DATA_ERROR, CR_DATA_ERROR_EMPTY);
  g_clear_error (&error);
  g_assert_cmpint (g_remove (empty), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* ---- fuzzing ---- */

/* What must hold of any dataset the reader returns (data.h's invariants). */
static void
assert_dataset_invariants (const CrDataset *dataset)
{
  size_t n_rows = cr_dataset_get_n_rows (dataset);
  g_autoptr (GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  for (size_t j = 0; j < cr_dataset_get_n_columns (dataset); j++)
    {
      const CrColumn *column = cr_dataset_get_column (dataset, j);
      g_assert_cmpstr (column->name, !=, "");
      g_assert_true (g_utf8_validate (column->name, -1, NULL));
      g_assert_true (g_hash_table_add (names, column->name));
      g_assert_true (cr_dataset_find_column (dataset, column->name) == column);
      size_t n_missing = 0;
      for (size_t i = 0; i < n_rows; i++)
        {
          double v = column->values[i];
          if (isnan (v))
            {
              n_missing++;
              continue;
            }
          g_assert_true (isfinite (v));
          if (column->type == CR_COLUMN_INTEGER)
            g_assert_true (v == floor (v) && fabs (v) <= INTEGER_LIMIT);
          else if (column->type == CR_COLUMN_CATEGORICAL)
            g_assert_true (v == floor (v) && v >= 0 && v < (double) column->n_levels);
        }
      g_assert_cmpuint (column->n_missing, ==, n_missing);
      if (column->type != CR_COLUMN_CATEGORICAL)
        {
          g_assert_null (column->levels);
          continue;
        }
      for (size_t k = 0; k < column->n_levels; k++)
        {
          g_assert_true (g_utf8_validate (column->levels[k], -1, NULL));
          if (k > 0)
            g_assert_cmpint (strcmp (column->levels[k - 1], column->levels[k]), <, 0);
        }
      g_assert_null (column->levels[column->n_levels]);
    }
}

/* Either a dataset that keeps the invariants, or a data error placed at "src:LINE:COLUMN: ". */
static void
parse_anything (const guint8 *bytes, size_t length)
{
  g_autofree char *copy = g_memdup2 (bytes, length);
  g_autoptr (GError) error = NULL;
  g_autoptr (CrDataset) dataset = cr_dataset_parse_csv (copy, length, "src", &error);
  if (dataset != NULL)
    {
      g_assert_no_error (error);
      assert_dataset_invariants (dataset);
      return;
    }
  g_assert_nonnull (error);
  g_assert_true (error->domain == CR_DATA_ERROR);
  g_assert_true (g_str_has_prefix (error->message, "src:"));
  const char *p = error->message + 4;
  for (int part = 0; part < 2; part++)
    {
      g_assert_true (g_ascii_isdigit (*p) && *p != '0');
      while (g_ascii_isdigit (*p))
        p++;
      g_assert_cmpint (*p++, ==, ':');
    }
  g_assert_cmpint (*p, ==, ' ');
}

static const guint8 interesting_bytes[] = {
  '"', ',', ';', '\t', '\r', '\n', ' ', '\0', 0xFF, 0xC3, 0xA9, 0x80, 0xEF, 0xBB, 0xBF,
  'N', 'A', 'a', '1', '0', '.', 'e', '-', '+', 'i', 'n', 'f',
};

static guint8
random_interesting_byte (GRand *rand)
{
  return interesting_bytes[g_rand_int_range (rand, 0, G_N_ELEMENTS (interesting_bytes))];
}

static void
test_csv_fuzz_mutations (void)
{
  static const char base[] = "\xEF\xBB\xBF" "id,name,score,group,when\r\n"
                             "1,\"Smith, J\",2.5,a,2024\r\n"
                             "2,\"say \"\"hi\"\"\",NA,b,\r\n"
                             "3,\"two\nlines\",-1e-3,a,NaN\r\n"
                             "4,Z\xC3\xBCrich, 7 ,\"c\",1.5\r\n"
                             "5,,1e5,b,x\r\n";
  GRand *rand = g_rand_new_with_seed (20240611);
  for (int round = 0; round < 2000; round++)
    {
      GArray *bytes = g_array_new (FALSE, FALSE, 1);
      g_array_append_vals (bytes, base, sizeof base - 1);
      int n_mutations = g_rand_int_range (rand, 1, 5);
      for (int m = 0; m < n_mutations; m++)
        {
          guint len = bytes->len;
          guint at = len > 0 ? (guint) g_rand_int_range (rand, 0, (gint32) len) : 0;
          switch (g_rand_int_range (rand, 0, 6))
            {
            case 0:
              if (len > 0)
                ((guint8 *) bytes->data)[at] = random_interesting_byte (rand);
              break;
            case 1:
              {
                guint8 b = random_interesting_byte (rand);
                g_array_insert_val (bytes, at, b);
              }
              break;
            case 2:
              if (len > 0)
                {
                  guint n = (guint) g_rand_int_range (rand, 1, 9);
                  g_array_remove_range (bytes, at, MIN (len - at, n));
                }
              break;
            case 3:
              if (len > 0)
                {
                  guint n = (guint) g_rand_int_range (rand, 1, 40);
                  n = MIN (len - at, n);
                  g_autofree guint8 *piece = g_memdup2 ((guint8 *) bytes->data + at, n);
                  guint to = (guint) g_rand_int_range (rand, 0, (gint32) len + 1);
                  g_array_insert_vals (bytes, to, piece, n);
                }
              break;
            case 4:
              g_array_set_size (bytes, at);
              break;
            default:
              if (len > 1)
                {
                  guint other = (guint) g_rand_int_range (rand, 0, (gint32) len);
                  guint8 b = ((guint8 *) bytes->data)[at];
                  ((guint8 *) bytes->data)[at] = ((guint8 *) bytes->data)[other];
                  ((guint8 *) bytes->data)[other] = b;
                }
              break;
            }
        }
      parse_anything ((const guint8 *) bytes->data, bytes->len);
      g_array_unref (bytes);
    }
  g_rand_free (rand);
}

static void
test_csv_fuzz_random_bytes (void)
{
  GRand *rand = g_rand_new_with_seed (4180);
  for (int round = 0; round < 1000; round++)
    {
      size_t length = (size_t) g_rand_int_range (rand, 0, 400);
      g_autofree guint8 *bytes = g_malloc (MAX (length, (size_t) 1));
      gboolean csv_like = round % 2 == 0;
      for (size_t i = 0; i < length; i++)
        bytes[i] = csv_like ? random_interesting_byte (rand)
                            : (guint8) g_rand_int_range (rand, 0, 256);
      parse_anything (bytes, length);
    }
  g_rand_free (rand);
}

/* Random tables written with random delimiters, line ends, quoting and padding must read
 * back exactly. */
typedef enum
{
  KIND_INTEGER,
  KIND_FLOAT,
  KIND_TEXT,
  KIND_MISSING,
} TableKind;

static void
append_missing (GString *csv, GRand *rand, gboolean may_be_blank)
{
  static const char *const blank[] = { "", "  ", "NA", "NaN", "\"\"", " NA ", "\"NaN\"" };
  static const char *const marked[] = { "NA", "NaN", "\"\"", " NA ", "\"NaN\"" };
  if (may_be_blank)
    g_string_append (csv, blank[g_rand_int_range (rand, 0, G_N_ELEMENTS (blank))]);
  else
    g_string_append (csv, marked[g_rand_int_range (rand, 0, G_N_ELEMENTS (marked))]);
}

static char *
random_text (GRand *rand)
{
  static const char *const pieces[] = { "a", "B", "z", " ", "\"", ",", ";", "\t", "\n",
                                        "\r\n", "\r", "\xC3\xA9", "7", "NA", "." };
  GString *text = g_string_new ("t");
  int n = g_rand_int_range (rand, 0, 6);
  for (int i = 0; i < n; i++)
    g_string_append (text, pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))]);
  return g_string_free (text, FALSE);
}

static void
append_text (GString *csv, const char *text, char delimiter, gboolean force_quotes)
{
  gboolean quote = force_quotes || strchr (text, '"') || strchr (text, delimiter)
                   || strchr (text, '\n') || strchr (text, '\r');
  if (!quote)
    {
      g_string_append (csv, text);
      return;
    }
  g_string_append_c (csv, '"');
  for (const char *p = text; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (csv, '"');
      g_string_append_c (csv, *p);
    }
  g_string_append_c (csv, '"');
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static void
test_csv_fuzz_round_trip (void)
{
  static const char delimiters[] = { ',', ';', '\t' };
  static const char *const line_ends[] = { "\n", "\r\n", "\r" };
  GRand *rand = g_rand_new_with_seed (1729);
  for (int round = 0; round < 300; round++)
    {
      size_t n_columns = (size_t) g_rand_int_range (rand, 1, 6);
      size_t n_rows = (size_t) g_rand_int_range (rand, 0, 25);
      char delimiter = n_columns == 1 ? ',' : delimiters[g_rand_int_range (rand, 0, 3)];
      const char *eol = line_ends[g_rand_int_range (rand, 0, 3)];
      TableKind kinds[5];
      double *expected = g_new (double, n_columns * MAX (n_rows, (size_t) 1));
      char **texts = g_new0 (char *, n_columns * MAX (n_rows, (size_t) 1));
      gboolean all_integer_syntax[5];

      GString *csv = g_string_new (g_rand_boolean (rand) ? "\xEF\xBB\xBF" : "");
      for (size_t j = 0; j < n_columns; j++)
        {
          kinds[j] = (TableKind) g_rand_int_range (rand, 0, 4);
          all_integer_syntax[j] = TRUE;
          if (j > 0)
            g_string_append_c (csv, delimiter);
          g_autofree char *name = g_strdup_printf ("c%zu", j);
          append_text (csv, name, delimiter, g_rand_boolean (rand));
        }
      g_string_append (csv, eol);

      /* A text column gets at least one cell that is not a number. */
      size_t text_row = n_rows > 0 ? (size_t) g_rand_int_range (rand, 0, (gint32) n_rows) : 0;
      for (size_t i = 0; i < n_rows; i++)
        {
          for (size_t j = 0; j < n_columns; j++)
            {
              double *cell = &expected[i * n_columns + j];
              if (j > 0)
                g_string_append_c (csv, delimiter);
              gboolean must_be_text = kinds[j] == KIND_TEXT && i == text_row;
              if (kinds[j] == KIND_MISSING || (!must_be_text && g_rand_double (rand) < 0.2))
                {
                  *cell = NAN;
                  append_missing (csv, rand, n_columns > 1);
                  continue;
                }
              const char *pad = g_rand_int_range (rand, 0, 4) == 0 ? " " : "";
              char number[64];
              switch (kinds[j])
                {
                case KIND_INTEGER:
                  *cell = (double) (g_rand_boolean (rand)
                                        ? g_rand_int_range (rand, -1000000, 1000000)
                                        : (gint64) (g_rand_double (rand) * INTEGER_LIMIT));
                  g_snprintf (number, sizeof number, "%s%.0f%s", pad, *cell, pad);
                  append_text (csv, number, delimiter, g_rand_int_range (rand, 0, 4) == 0);
                  break;
                case KIND_FLOAT:
                  *cell = g_rand_double_range (rand, -1e3, 1e3)
                          * pow (10.0, g_rand_int_range (rand, -30, 30));
                  g_snprintf (number, sizeof number, "%s%.17g%s", pad, *cell, pad);
                  /* %.17g writes some values without a point or exponent; those read as
                   * integers when exact in a double. */
                  all_integer_syntax[j] = all_integer_syntax[j] && !strpbrk (number, ".e")
                                          && fabs (*cell) <= INTEGER_LIMIT;
                  append_text (csv, number, delimiter, g_rand_int_range (rand, 0, 4) == 0);
                  break;
                case KIND_TEXT:
                  {
                    char *text;
                    if (!must_be_text && g_rand_boolean (rand))
                      text = g_strdup_printf ("%d", g_rand_int_range (rand, 0, 5));
                    else
                      text = random_text (rand);
                    texts[i * n_columns + j] = text;
                    *cell = 0;
                    append_text (csv, text, delimiter, g_rand_int_range (rand, 0, 4) == 0);
                  }
                  break;
                case KIND_MISSING:
                  g_assert_not_reached ();
                }
            }
          if (i + 1 < n_rows || g_rand_boolean (rand))
            g_string_append (csv, eol);
        }
      if (g_rand_boolean (rand))
        g_string_append_printf (csv, "%s  %s", eol, eol);

      g_autoptr (GError) error = NULL;
      g_autofree char *copy = g_memdup2 (csv->str, csv->len);
      g_autoptr (CrDataset) dataset = cr_dataset_parse_csv (copy, csv->len, "src", &error);
      if (error != NULL)
        g_error ("round %d: %s\n%s", round, error->message, csv->str);
      g_assert_cmpuint (cr_dataset_get_n_rows (dataset), ==, n_rows);
      g_assert_cmpuint (cr_dataset_get_n_columns (dataset), ==, n_columns);
      assert_dataset_invariants (dataset);

      for (size_t j = 0; j < n_columns; j++)
        {
          const CrColumn *column = cr_dataset_get_column (dataset, j);
          gboolean text = kinds[j] == KIND_TEXT && n_rows > 0;
          gboolean any_present = column->n_missing < n_rows;
          CrColumnType type = CR_COLUMN_FLOAT;
          if (text)
            type = CR_COLUMN_CATEGORICAL;
          else if (any_present && (kinds[j] == KIND_INTEGER
                                   || (kinds[j] == KIND_FLOAT && all_integer_syntax[j])))
            type = CR_COLUMN_INTEGER;
          if (column->type != type)
            g_error ("round %d column %zu kind %d: %s", round, j, kinds[j], csv->str);
          g_autoptr (GPtrArray) levels = g_ptr_array_new ();
          for (size_t i = 0; i < n_rows; i++)
            {
              const char *level = texts[i * n_columns + j];
              if (text && level != NULL && !g_ptr_array_find_with_equal_func (levels, level,
                                                                               g_str_equal, NULL))
                g_ptr_array_add (levels, (gpointer) level);
            }
          g_ptr_array_sort (levels, compare_strings);
          for (size_t i = 0; i < n_rows; i++)
            {
              double want = expected[i * n_columns + j];
              double got = column->values[i];
              if (isnan (want))
                g_assert_true (isnan (got));
              else if (!text)
                g_assert_cmpfloat (got, ==, want);
              else
                g_assert_cmpstr (column->levels[(size_t) got], ==, texts[i * n_columns + j]);
            }
          if (text)
            g_assert_cmpuint (column->n_levels, ==, levels->len);
        }

      for (size_t k = 0; k < n_columns * MAX (n_rows, (size_t) 1); k++)
        g_free (texts[k]);
      g_free (texts);
      g_free (expected);
      g_string_free (csv, TRUE);
    }
  g_rand_free (rand);
}

int
main (int argc, char *argv[])
{
  gsl_set_error_handler_off ();
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/data/dataset/empty", test_dataset_empty);
  g_test_add_func ("/data/dataset/add-column", test_dataset_add_column);
  g_test_add_func ("/data/dataset/add-column-errors", test_dataset_add_column_errors);
  g_test_add_func ("/data/dataset/shared", test_dataset_shared);
  g_test_add_func ("/data/dataset/find-column", test_dataset_find_column);
  g_test_add_func ("/data/dataset/type-names", test_dataset_type_names);

  g_test_add_func ("/data/csv/basic", test_csv_basic);
  g_test_add_func ("/data/csv/quotes/delimiter-inside", test_csv_quoted_delimiter);
  g_test_add_func ("/data/csv/quotes/doubled", test_csv_doubled_quotes);
  g_test_add_func ("/data/csv/quotes/newlines-inside", test_csv_embedded_newlines);
  g_test_add_func ("/data/csv/lines/ends", test_csv_line_ends);
  g_test_add_func ("/data/csv/lines/final-without-newline", test_csv_final_line);
  g_test_add_func ("/data/csv/lines/blank-at-end", test_csv_blank_lines_at_end);
  g_test_add_func ("/data/csv/bom", test_csv_bom);
  g_test_add_func ("/data/csv/delimiter", test_csv_delimiter);
  g_test_add_func ("/data/csv/whitespace", test_csv_whitespace);
  g_test_add_func ("/data/csv/types/integer-range", test_csv_integer_range);
  g_test_add_func ("/data/csv/types/quoted-number", test_csv_quoted_number);
  g_test_add_func ("/data/csv/types/missing", test_csv_missing);
  g_test_add_func ("/data/csv/types/levels-byte-order", test_csv_levels_byte_order);
  g_test_add_func ("/data/csv/types/late-text", test_csv_late_text);
  g_test_add_func ("/data/csv/header-only", test_csv_header_only);
  g_test_add_func ("/data/csv/large-field", test_csv_large_field);

  g_test_add_func ("/data/csv/error/ragged", test_csv_error_ragged);
  g_test_add_func ("/data/csv/error/unterminated-quote", test_csv_error_unterminated_quote);
  g_test_add_func ("/data/csv/error/stray-quote", test_csv_error_quotes);
  g_test_add_func ("/data/csv/error/binary", test_csv_error_binary);
  g_test_add_func ("/data/csv/error/empty", test_csv_error_empty);
  g_test_add_func ("/data/csv/error/names", test_csv_error_names);
  g_test_add_func ("/data/csv/error/non-finite", test_csv_error_non_finite);
  g_test_add_func ("/data/csv/error/too-large", test_csv_error_too_large);

  g_test_add_func ("/data/csv/file/crlf-bom-semicolon", test_csv_file_crlf_bom_semicolon);
  g_test_add_func ("/data/csv/file/plain", test_csv_file_plain);
  g_test_add_func ("/data/csv/file/errors", test_csv_file_errors);

  g_test_add_func ("/data/csv/fuzz/mutations", test_csv_fuzz_mutations);
  g_test_add_func ("/data/csv/fuzz/random-bytes", test_csv_fuzz_random_bytes);
  g_test_add_func ("/data/csv/fuzz/round-trip", test_csv_fuzz_round_trip);

  return g_test_run ();
}
