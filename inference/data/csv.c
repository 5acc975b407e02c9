/* csv.c: the RFC 4180 CSV reader behind cr_dataset_read_csv () and cr_dataset_parse_csv ().
 *
 * The grammar is RFC 4180 (Shafranovich 2005, section 2) with the usual relaxations: CRLF, LF
 * or a lone CR ends a line, the delimiter may be a comma, semicolon or tab, a UTF-8 byte-order
 * mark is skipped, and blanks (spaces, and tabs unless tab is the delimiter) between a
 * delimiter and an opening quote or after a closing quote are padding. Inside a cell, blanks
 * are data (RFC 4180, 2.4): a cell is read as a number or a missing marker after trimming its
 * blanks, but a text cell keeps them. Header names are trimmed unless quoted, so "a, b" names
 * the columns "a" and "b".
 *
 * One pass over the bytes tokenises the rows, validates UTF-8 and converts numbers straight
 * into each column's value array; numeric cells allocate nothing. A column turns categorical
 * at its first text cell, and from then on its cells are interned as provisional level ids.
 * The rows it read before that as numbers are re-read as text by one more pass over the
 * prefix of the data that any such column needs, after the main pass; levels are then sorted
 * by strcmp () and the ids remapped to the sorted codes.
 */
#include "data/data.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A field longer than this is refused rather than interned or converted (data.h: TOO_LARGE). */
#define CSV_FIELD_MAX_BYTES ((size_t) 16 << 20)

/* More columns than a spreadsheet or a wide genomics table uses; the bound keeps a header of
 * millions of delimiters from exhausting memory on per-column state. */
#define CSV_COLUMNS_MAX ((size_t) 1 << 20)

/* A cell quoted in a message is cut to this many characters, so a long one stays readable. */
#define CSV_EXCERPT_CHARS 40

/* 2^53: every integer up to this magnitude is exact in a double. */
#define CSV_INTEGER_LIMIT_DIGITS "9007199254740992"

typedef enum
{
  BYTE_PLAIN,
  BYTE_DELIMITER,
  BYTE_CR,
  BYTE_LF,
  BYTE_QUOTE,
  BYTE_NUL,
  BYTE_HIGH, /* 0x80 and above: the start of a multi-byte UTF-8 sequence, to validate */
} ByteClass;

/* A place in the text, for messages; the column is counted in characters only when needed. */
typedef struct
{
  size_t line;
  const char *line_start;
  const char *at;
} CsvPos;

typedef struct
{
  const char *source;
  const char *text; /* the whole input, for byte offsets */
  const char *end;  /* end of the content: only blank lines lie beyond */
  const char *p;    /* the next byte to read */
  size_t line;      /* of p, 1-based */
  const char *line_start;
  char delimiter;
  guint8 unquoted_class[256];
  guint8 quoted_class[256];
} CsvScanner;

typedef struct
{
  CsvPos origin;       /* where the field begins */
  CsvPos stop;         /* the delimiter, line end or end of text that ends it */
  const char *content; /* inside the quotes for a quoted field */
  size_t length;
  gboolean quoted;
  gboolean escaped;     /* content holds doubled quotes, each standing for one */
  gboolean ends_record; /* no delimiter followed: the row is complete */
} CsvField;

typedef enum
{
  CELL_MISSING,
  CELL_INTEGER,
  CELL_FLOAT,
  CELL_NON_FINITE,
  CELL_TEXT,
} CellKind;

typedef struct
{
  char *name;
  double *values; /* number, NAN for missing, or provisional level id once is_text */
  gboolean has_value;
  gboolean all_integer;
  gboolean is_text;
  size_t text_from_row;    /* the row of the first text cell: earlier rows are re-read */
  GHashTable *level_ids;   /* level -> provisional id; keys owned by level_names */
  GPtrArray *level_names;  /* provisional id -> level, owned */
  gboolean has_non_finite; /* the first non-finite number, an error unless is_text */
  size_t non_finite_line;
  size_t non_finite_column;
  char *non_finite_text;
} CsvColumn;

typedef struct
{
  CsvScanner scanner;
  CsvColumn *columns;
  size_t n_columns;
  size_t n_rows;
  size_t capacity; /* rows each values array can hold */
  GString *scratch;
} CsvReader;

static size_t
pos_column (const CsvPos *pos)
{
  /* Everything before pos->at on its line has been validated as UTF-8. */
  return 1 + (size_t) g_utf8_strlen (pos->line_start, pos->at - pos->line_start);
}

static void set_error_at (GError **error,
                          CrDataError code,
                          const char *source,
                          const CsvPos *pos,
                          const char *format,
                          ...) G_GNUC_PRINTF (5, 6);

static void
set_error_at (GError **error,
              CrDataError code,
              const char *source,
              const CsvPos *pos,
              const char *format,
              ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, CR_DATA_ERROR, code, "%s:%zu:%zu: %s", source, pos->line,
               pos_column (pos), what);
}

/* Returns: (transfer full) @length bytes of validated UTF-8 at @text, cut to
 * CSV_EXCERPT_CHARS characters and marked "..." when longer, for a message. */
static char *
excerpt (const char *text, size_t length)
{
  const char *end = text + length, *p = text;
  for (int n = 0; n < CSV_EXCERPT_CHARS && p < end; n++)
    p = g_utf8_next_char (p);
  if (p >= end)
    return g_strndup (text, length);
  return g_strdup_printf ("%.*s...", (int) (p - text), text);
}

static const char *
plural (size_t n)
{
  return n == 1 ? "" : "s";
}

static CsvPos
scanner_pos (const CsvScanner *scanner, const char *at)
{
  return (CsvPos){ scanner->line, scanner->line_start, at };
}

static const char *
delimiter_name (char delimiter)
{
  switch (delimiter)
    {
    case ';':
      return "semicolon";
    case '\t':
      return "tab";
    default:
      return "comma";
    }
}

static gboolean
is_blank (char c, char delimiter)
{
  return c == ' ' || (c == '\t' && delimiter != '\t');
}

/* The delimiter is the candidate that occurs most often outside quotes on the header line;
 * comma wins ties, then semicolon. */
static char
detect_delimiter (const char *p, const char *end)
{
  size_t commas = 0, semicolons = 0, tabs = 0;
  gboolean in_quotes = FALSE;
  for (; p < end; p++)
    {
      if (*p == '"')
        in_quotes = !in_quotes;
      else if (in_quotes)
        continue;
      else if (*p == '\n' || *p == '\r')
        break;
      else if (*p == ',')
        commas++;
      else if (*p == ';')
        semicolons++;
      else if (*p == '\t')
        tabs++;
    }
  if (commas >= semicolons && commas >= tabs)
    return ',';
  return semicolons >= tabs ? ';' : '\t';
}

/* The end of the content: just past the last line that holds anything but blanks, so that
 * blank lines at the end are not rows. */
static const char *
content_end (const char *begin, const char *end)
{
  const char *q = end;
  while (q > begin && (q[-1] == ' ' || q[-1] == '\t' || q[-1] == '\r' || q[-1] == '\n'))
    q--;
  while (q < end && *q != '\r' && *q != '\n')
    q++;
  return q;
}

static void
scanner_init (CsvScanner *scanner,
              const char *source,
              const char *text,
              const char *begin,
              const char *end,
              char delimiter)
{
  scanner->source = source;
  scanner->text = text;
  scanner->end = end;
  scanner->p = begin;
  scanner->line = 1;
  scanner->line_start = begin;
  scanner->delimiter = delimiter;

  memset (scanner->unquoted_class, BYTE_PLAIN, sizeof scanner->unquoted_class);
  scanner->unquoted_class[(guint8) '\r'] = BYTE_CR;
  scanner->unquoted_class[(guint8) '\n'] = BYTE_LF;
  scanner->unquoted_class[(guint8) '"'] = BYTE_QUOTE;
  scanner->unquoted_class[0] = BYTE_NUL;
  for (int b = 0x80; b < 0x100; b++)
    scanner->unquoted_class[b] = BYTE_HIGH;
  memcpy (scanner->quoted_class, scanner->unquoted_class, sizeof scanner->quoted_class);
  scanner->unquoted_class[(guint8) delimiter] = BYTE_DELIMITER;
}

/* Steps over the line end at scanner->p: CRLF, LF or a lone CR. */
static void
scanner_newline (CsvScanner *scanner)
{
  const char *p = scanner->p;
  if (*p == '\r' && p + 1 < scanner->end && p[1] == '\n')
    p += 2;
  else
    p++;
  scanner->p = p;
  scanner->line++;
  scanner->line_start = p;
}

/* Checks the byte at scanner->p, which is NUL or 0x80 and above, and steps over its
 * character; sets @error on binary data or invalid UTF-8. */
static gboolean
scanner_check_byte (CsvScanner *scanner, GError **error)
{
  const char *p = scanner->p;
  CsvPos pos = scanner_pos (scanner, p);
  size_t offset = (size_t) (p - scanner->text);
  if (*p == '\0')
    {
      set_error_at (error, CR_DATA_ERROR_SYNTAX, scanner->source, &pos,
                    "a NUL byte (byte offset %zu): this is binary data, not CSV text; "
                    "export the table as CSV from the program that made it",
                    offset);
      return FALSE;
    }
  gunichar c = g_utf8_get_char_validated (p, scanner->end - p);
  if (c == (gunichar) -1 || c == (gunichar) -2)
    {
      set_error_at (error, CR_DATA_ERROR_ENCODING, scanner->source, &pos,
                    "byte 0x%02X (byte offset %zu) is not UTF-8 text; save the file as "
                    "UTF-8 (\"CSV UTF-8\" in a spreadsheet)",
                    (unsigned) (guint8) *p, offset);
      return FALSE;
    }
  scanner->p = p + g_utf8_skip[(guint8) *p];
  return TRUE;
}

static gboolean
field_check_length (const CsvScanner *scanner, const CsvField *field, GError **error)
{
  if (field->length <= CSV_FIELD_MAX_BYTES)
    return TRUE;
  set_error_at (error, CR_DATA_ERROR_TOO_LARGE, scanner->source, &field->origin,
                "this field holds %zu bytes, more than the %zu MiB a cell may hold; "
                "check for a missing closing quote, or keep such text outside the table",
                field->length, CSV_FIELD_MAX_BYTES >> 20);
  return FALSE;
}

static gboolean
scanner_read_quoted (CsvScanner *scanner,
                     const char *quote,
                     CsvField *field,
                     GError **error)
{
  CsvPos opening = scanner_pos (scanner, quote);
  const char *end = scanner->end;
  const char *p = quote + 1;

  field->quoted = TRUE;
  field->escaped = FALSE;
  field->content = p;
  for (;;)
    {
      while (p < end && scanner->quoted_class[(guint8) *p] == BYTE_PLAIN)
        p++;
      if (p == end)
        {
          set_error_at (error, CR_DATA_ERROR_SYNTAX, scanner->source, &opening,
                        "this quote is never closed; end the field with a quote, and write "
                        "a quote inside a quoted field as two quotes (\"\")");
          return FALSE;
        }
      ByteClass klass = scanner->quoted_class[(guint8) *p];
      if (klass == BYTE_QUOTE)
        {
          if (p + 1 < end && p[1] == '"')
            {
              field->escaped = TRUE;
              p += 2;
              continue;
            }
          break;
        }
      scanner->p = p;
      if (klass == BYTE_CR || klass == BYTE_LF)
        scanner_newline (scanner);
      else if (!scanner_check_byte (scanner, error))
        return FALSE;
      p = scanner->p;
    }
  field->length = (size_t) (p - field->content);

  p++;
  while (p < end && is_blank (*p, scanner->delimiter))
    p++;
  field->stop = scanner_pos (scanner, p);
  if (p == end)
    {
      scanner->p = p;
      field->ends_record = TRUE;
    }
  else if (*p == scanner->delimiter)
    {
      scanner->p = p + 1;
      field->ends_record = FALSE;
    }
  else if (*p == '\r' || *p == '\n')
    {
      scanner->p = p;
      scanner_newline (scanner);
      field->ends_record = TRUE;
    }
  else
    {
      set_error_at (error, CR_DATA_ERROR_SYNTAX, scanner->source, &field->stop,
                    "text after the closing quote of a field; put the whole field in "
                    "quotes, writing each quote inside it as two quotes (\"\")");
      return FALSE;
    }
  return field_check_length (scanner, field, error);
}

/* Reads the field at scanner->p and steps past the delimiter or line end that ends it. */
static gboolean
scanner_read_field (CsvScanner *scanner, CsvField *field, GError **error)
{
  const char *end = scanner->end;
  const char *p = scanner->p;

  field->origin = scanner_pos (scanner, p);
  const char *q = p;
  while (q < end && is_blank (*q, scanner->delimiter))
    q++;
  if (q < end && *q == '"')
    return scanner_read_quoted (scanner, q, field, error);

  field->quoted = FALSE;
  field->escaped = FALSE;
  field->content = p;
  for (;;)
    {
      while (p < end && scanner->unquoted_class[(guint8) *p] == BYTE_PLAIN)
        p++;
      if (p == end)
        {
          field->length = (size_t) (p - field->content);
          field->stop = scanner_pos (scanner, p);
          scanner->p = p;
          field->ends_record = TRUE;
          break;
        }
      ByteClass klass = scanner->unquoted_class[(guint8) *p];
      if (klass == BYTE_DELIMITER || klass == BYTE_CR || klass == BYTE_LF)
        {
          field->length = (size_t) (p - field->content);
          field->stop = scanner_pos (scanner, p);
          scanner->p = p;
          field->ends_record = klass != BYTE_DELIMITER;
          if (field->ends_record)
            scanner_newline (scanner);
          else
            scanner->p++;
          break;
        }
      if (klass == BYTE_QUOTE)
        {
          CsvPos pos = scanner_pos (scanner, p);
          set_error_at (error, CR_DATA_ERROR_SYNTAX, scanner->source, &pos,
                        "a quote inside a field that does not start with one; put the whole "
                        "field in quotes and write this quote as two quotes (\"\")");
          return FALSE;
        }
      scanner->p = p;
      if (!scanner_check_byte (scanner, error))
        return FALSE;
      p = scanner->p;
    }
  return field_check_length (scanner, field, error);
}

/* Blanks around a number or a missing marker are padding, not part of it. */
static void
trim_blanks (const char **begin, const char **end)
{
  while (*begin < *end && (**begin == ' ' || **begin == '\t'))
    (*begin)++;
  while (*end > *begin && ((*end)[-1] == ' ' || (*end)[-1] == '\t'))
    (*end)--;
}

static gboolean
is_missing_marker (const char *s, size_t n)
{
  return n == 0 || (n == 2 && memcmp (s, "NA", 2) == 0) || (n == 3 && memcmp (s, "NaN", 3) == 0);
}

static gboolean
is_digit (char c)
{
  return c >= '0' && c <= '9';
}

/* Optional sign, digits with an optional decimal point, optional exponent: the decimal form
 * of a number, without the hexadecimal, infinity and NaN forms strtod () also accepts. */
static gboolean
is_decimal_number (const char *s, const char *end)
{
  if (s < end && (*s == '+' || *s == '-'))
    s++;
  size_t digits = 0;
  while (s < end && is_digit (*s))
    s++, digits++;
  if (s < end && *s == '.')
    {
      s++;
      while (s < end && is_digit (*s))
        s++, digits++;
    }
  if (digits == 0)
    return FALSE;
  if (s < end && (*s == 'e' || *s == 'E'))
    {
      s++;
      if (s < end && (*s == '+' || *s == '-'))
        s++;
      if (s == end || !is_digit (*s))
        return FALSE;
      while (s < end && is_digit (*s))
        s++;
    }
  return s == end;
}

static gboolean
is_infinity_word (const char *s, const char *end)
{
  if (s < end && (*s == '+' || *s == '-'))
    s++;
  size_t n = (size_t) (end - s);
  return (n == 3 && g_ascii_strncasecmp (s, "inf", 3) == 0)
         || (n == 8 && g_ascii_strncasecmp (s, "infinity", 8) == 0);
}

/* Classifies the cell @s (@n bytes, no doubled quotes) and stores a number in @value.
 * Integers of up to 2^53 in magnitude are converted digit by digit, exactly; other numbers
 * go through g_ascii_strtod (), which rounds correctly and ignores the locale. */
static CellKind
classify_cell (const char *s, size_t n, double *value, GString *scratch)
{
  const char *begin = s, *end = s + n;
  trim_blanks (&begin, &end);
  size_t length = (size_t) (end - begin);
  if (is_missing_marker (begin, length))
    return CELL_MISSING;

  const char *digits = begin;
  gboolean negative = FALSE;
  if (digits < end && (*digits == '+' || *digits == '-'))
    negative = *digits++ == '-';
  const char *d = digits;
  while (d < end && is_digit (*d))
    d++;
  if (d == end && d > digits)
    {
      while (digits < end - 1 && *digits == '0')
        digits++;
      size_t n_digits = (size_t) (end - digits);
      if (n_digits < 16
          || (n_digits == 16 && memcmp (digits, CSV_INTEGER_LIMIT_DIGITS, 16) <= 0))
        {
          uint64_t magnitude = 0;
          for (const char *c = digits; c < end; c++)
            magnitude = magnitude * 10 + (uint64_t) (*c - '0');
          /* Adding 0.0 turns "-0" into +0, the integer zero. */
          *value = (negative ? -(double) magnitude : (double) magnitude) + 0.0;
          return CELL_INTEGER;
        }
    }
  else if (!is_decimal_number (begin, end))
    return is_infinity_word (begin, end) ? CELL_NON_FINITE : CELL_TEXT;

  g_string_truncate (scratch, 0);
  g_string_append_len (scratch, begin, (gssize) length);
  char *stop = NULL;
  double v = g_ascii_strtod (scratch->str, &stop);
  if (stop != scratch->str + scratch->len)
    return CELL_TEXT;
  if (!isfinite (v))
    return CELL_NON_FINITE;
  *value = v;
  return CELL_FLOAT;
}

/* Copies the field's text into @scratch, turning each doubled quote into one. */
static void
field_text (const CsvField *field, GString *scratch)
{
  g_string_truncate (scratch, 0);
  if (!field->escaped)
    {
      g_string_append_len (scratch, field->content, (gssize) field->length);
      return;
    }
  const char *p = field->content, *end = field->content + field->length;
  while (p < end)
    {
      const char *quote = memchr (p, '"', (size_t) (end - p));
      if (quote == NULL)
        {
          g_string_append_len (scratch, p, end - p);
          break;
        }
      /* In the content of a closed quoted field every quote is the first of a pair. */
      g_string_append_len (scratch, p, quote + 1 - p);
      p = quote + 2;
    }
}

static double
column_intern (CsvColumn *column, const CsvField *field, GString *scratch)
{
  field_text (field, scratch);
  gpointer id;
  if (g_hash_table_lookup_extended (column->level_ids, scratch->str, NULL, &id))
    return (double) GPOINTER_TO_SIZE (id);
  char *level = g_strndup (scratch->str, scratch->len);
  size_t new_id = column->level_names->len;
  g_ptr_array_add (column->level_names, level);
  g_hash_table_insert (column->level_ids, level, GSIZE_TO_POINTER (new_id));
  return (double) new_id;
}

static void
column_clear (CsvColumn *column)
{
  g_free (column->name);
  g_free (column->values);
  if (column->level_ids != NULL)
    g_hash_table_unref (column->level_ids);
  if (column->level_names != NULL)
    g_ptr_array_unref (column->level_names);
  g_free (column->non_finite_text);
}

static void
reader_clear (CsvReader *reader)
{
  for (size_t j = 0; j < reader->n_columns; j++)
    column_clear (&reader->columns[j]);
  g_free (reader->columns);
  g_string_free (reader->scratch, TRUE);
}

static void
reader_store_cell (CsvReader *reader, size_t j, const CsvField *field)
{
  CsvColumn *column = &reader->columns[j];
  double *cell = &column->values[reader->n_rows];

  if (!column->is_text)
    {
      CellKind kind = field->escaped ? CELL_TEXT
                                     : classify_cell (field->content, field->length, cell,
                                                      reader->scratch);
      switch (kind)
        {
        case CELL_MISSING:
          *cell = NAN;
          return;
        case CELL_INTEGER:
          column->has_value = TRUE;
          return;
        case CELL_FLOAT:
          column->has_value = TRUE;
          column->all_integer = FALSE;
          return;
        case CELL_NON_FINITE:
          /* Not NAN, so that the re-reading pass knows to intern it if the column turns
           * out to be text, where "inf" is an ordinary level. */
          *cell = INFINITY;
          column->has_value = TRUE;
          column->all_integer = FALSE;
          if (!column->has_non_finite)
            {
              const char *begin = field->content, *end = field->content + field->length;
              trim_blanks (&begin, &end);
              column->has_non_finite = TRUE;
              column->non_finite_line = field->origin.line;
              column->non_finite_column = pos_column (&field->origin);
              column->non_finite_text = excerpt (begin, (size_t) (end - begin));
            }
          return;
        case CELL_TEXT:
          break;
        }
      column->is_text = TRUE;
      column->text_from_row = reader->n_rows;
      column->level_ids = g_hash_table_new (g_str_hash, g_str_equal);
      column->level_names = g_ptr_array_new_with_free_func (g_free);
    }
  else if (!field->escaped)
    {
      const char *begin = field->content, *end = field->content + field->length;
      trim_blanks (&begin, &end);
      if (is_missing_marker (begin, (size_t) (end - begin)))
        {
          *cell = NAN;
          return;
        }
    }
  *cell = column_intern (column, field, reader->scratch);
}

static void
reader_grow (CsvReader *reader)
{
  size_t capacity = reader->capacity * 2;
  for (size_t j = 0; j < reader->n_columns; j++)
    reader->columns[j].values = g_renew (double, reader->columns[j].values, capacity);
  reader->capacity = capacity;
}

static gboolean
blank_field (const CsvField *field)
{
  const char *begin = field->content, *end = field->content + field->length;
  trim_blanks (&begin, &end);
  return !field->quoted && begin == end;
}

/* Reads the header row into reader->columns. */
static gboolean
reader_read_header (CsvReader *reader, GError **error)
{
  CsvScanner *scanner = &reader->scanner;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) origins = g_array_new (FALSE, FALSE, sizeof (CsvPos));
  gboolean all_blank = TRUE;
  CsvField field;

  do
    {
      if (!scanner_read_field (scanner, &field, error))
        return FALSE;
      if (names->len >= CSV_COLUMNS_MAX)
        {
          set_error_at (error, CR_DATA_ERROR_TOO_LARGE, scanner->source, &field.origin,
                        "the header names more than %zu columns; split the table into "
                        "narrower files",
                        CSV_COLUMNS_MAX);
          return FALSE;
        }
      field_text (&field, reader->scratch);
      char *name = g_strndup (reader->scratch->str, reader->scratch->len);
      if (!field.quoted)
        g_strstrip (name);
      all_blank = all_blank && *name == '\0';
      g_ptr_array_add (names, name);
      g_array_append_val (origins, field.origin);
    }
  while (!field.ends_record);

  if (all_blank)
    {
      CsvPos first = g_array_index (origins, CsvPos, 0);
      set_error_at (error, CR_DATA_ERROR_EMPTY, scanner->source, &first,
                    "the header line names no columns; the first line must name each "
                    "column, separated by %ss",
                    delimiter_name (scanner->delimiter));
      return FALSE;
    }

  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint j = 0; j < names->len; j++)
    {
      const char *name = g_ptr_array_index (names, j);
      const CsvPos *origin = &g_array_index (origins, CsvPos, j);
      if (*name == '\0')
        {
          set_error_at (error, CR_DATA_ERROR_DUPLICATE_NAME, scanner->source, origin,
                        "column %u has no name; write a name for every column in the "
                        "header",
                        j + 1);
          return FALSE;
        }
      if (!g_hash_table_add (seen, (gpointer) name))
        {
          g_autofree char *shown = excerpt (name, strlen (name));
          set_error_at (error, CR_DATA_ERROR_DUPLICATE_NAME, scanner->source, origin,
                        "two columns are called '%s'; rename one of them", shown);
          return FALSE;
        }
    }

  reader->n_columns = names->len;
  reader->columns = g_new0 (CsvColumn, reader->n_columns);
  /* Room for about 2^16 cells to start with, whatever the width. */
  reader->capacity = MAX ((size_t) 1, ((size_t) 1 << 16) / reader->n_columns);
  for (size_t j = 0; j < reader->n_columns; j++)
    {
      CsvColumn *column = &reader->columns[j];
      column->name = g_strdup (g_ptr_array_index (names, j));
      column->values = g_new (double, reader->capacity);
      column->all_integer = TRUE;
    }
  return TRUE;
}

/* Counts the cells of a row that already has more than the header's, for the message. */
static gboolean
scanner_count_rest (CsvScanner *scanner, size_t *n_cells, GError **error)
{
  CsvField field;
  do
    {
      if (!scanner_read_field (scanner, &field, error))
        return FALSE;
      (*n_cells)++;
    }
  while (!field.ends_record);
  return TRUE;
}

static gboolean
reader_read_rows (CsvReader *reader, GError **error)
{
  CsvScanner *scanner = &reader->scanner;
  const char *delimiter = delimiter_name (scanner->delimiter);
  CsvField field;

  while (scanner->p < scanner->end)
    {
      if (reader->n_rows == reader->capacity)
        reader_grow (reader);
      size_t j = 0;
      do
        {
          if (!scanner_read_field (scanner, &field, error))
            return FALSE;
          if (j == reader->n_columns)
            {
              CsvPos extra = field.origin;
              size_t found = j + 1;
              if (!field.ends_record && !scanner_count_rest (scanner, &found, error))
                return FALSE;
              set_error_at (error, CR_DATA_ERROR_RAGGED, scanner->source, &extra,
                            "this row has %zu cells but the header names %zu column%s; "
                            "remove the extra cells, name them in the header, or quote a "
                            "cell that holds a %s",
                            found, reader->n_columns, plural (reader->n_columns), delimiter);
              return FALSE;
            }
          reader_store_cell (reader, j, &field);
          j++;
        }
      while (!field.ends_record);

      if (j < reader->n_columns)
        {
          if (j == 1 && blank_field (&field))
            set_error_at (error, CR_DATA_ERROR_RAGGED, scanner->source, &field.origin,
                          "this line is blank but each row needs %zu cells; delete the "
                          "line, or write %zu %ss for a row of missing values",
                          reader->n_columns, reader->n_columns - 1, delimiter);
          else
            set_error_at (error, CR_DATA_ERROR_RAGGED, scanner->source, &field.stop,
                          "this row has %zu cell%s but the header names %zu columns; add "
                          "the missing cells (an empty cell is a missing value)",
                          j, plural (j), reader->n_columns);
          return FALSE;
        }
      reader->n_rows++;
    }
  return TRUE;
}

/* Re-reads, as text, the cells that text columns read as numbers before their first text
 * cell. The rows were read once already, so they hold no errors. */
static void
reader_reread_text (CsvReader *reader, const char *data_begin, size_t data_line)
{
  size_t n_rows = 0;
  for (size_t j = 0; j < reader->n_columns; j++)
    if (reader->columns[j].is_text)
      n_rows = MAX (n_rows, reader->columns[j].text_from_row);

  CsvScanner *scanner = &reader->scanner;
  scanner->p = data_begin;
  scanner->line = data_line;
  scanner->line_start = data_begin;
  CsvField field;
  for (size_t row = 0; row < n_rows; row++)
    {
      size_t j = 0;
      do
        {
          if (!scanner_read_field (scanner, &field, NULL))
            g_assert_not_reached ();
          CsvColumn *column = &reader->columns[j];
          if (column->is_text && row < column->text_from_row && !isnan (column->values[row]))
            column->values[row] = column_intern (column, &field, reader->scratch);
          j++;
        }
      while (!field.ends_record);
      g_assert (j == reader->n_columns);
    }
}

static int
compare_levels (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static gboolean
reader_add_column (CsvReader *reader, CrDataset *dataset, CsvColumn *column, GError **error)
{
  if (!column->is_text)
    {
      CrColumnType type = column->has_value && column->all_integer ? CR_COLUMN_INTEGER
                                                                   : CR_COLUMN_FLOAT;
      return cr_dataset_add_column (dataset, column->name, type, column->values, reader->n_rows,
                                    NULL, error);
    }

  size_t n_levels = column->level_names->len;
  g_autofree char **sorted = g_new (char *, n_levels + 1);
  memcpy (sorted, column->level_names->pdata, n_levels * sizeof (char *));
  sorted[n_levels] = NULL;
  qsort (sorted, n_levels, sizeof (char *), compare_levels);

  g_autofree size_t *code_of_id = g_new (size_t, MAX (n_levels, (size_t) 1));
  for (size_t k = 0; k < n_levels; k++)
    code_of_id[GPOINTER_TO_SIZE (g_hash_table_lookup (column->level_ids, sorted[k]))] = k;
  for (size_t row = 0; row < reader->n_rows; row++)
    if (!isnan (column->values[row]))
      column->values[row] = (double) code_of_id[(size_t) column->values[row]];

  return cr_dataset_add_column (dataset, column->name, CR_COLUMN_CATEGORICAL, column->values,
                                reader->n_rows, (const char *const *) sorted, error);
}

/* Parses @length bytes of @text; @source prefixes messages and @name names the dataset. */
static CrDataset *
parse_csv (const char *text,
           size_t length,
           const char *source,
           const char *name,
           GError **error)
{
  /* An empty mapped file has no contents at all, and NULL + 0 is undefined. */
  if (text == NULL)
    text = "";
  const char *begin = text, *end = text + length;
  if (length >= 3 && memcmp (text, "\xEF\xBB\xBF", 3) == 0)
    begin += 3;
  if (begin == end)
    {
      g_set_error (error, CR_DATA_ERROR, CR_DATA_ERROR_EMPTY,
                   "%s:1:1: the file is empty; a CSV file starts with a line that names "
                   "the columns",
                   source);
      return NULL;
    }

  CsvReader reader = { 0 };
  reader.scratch = g_string_new (NULL);
  scanner_init (&reader.scanner, source, text, begin, content_end (begin, end),
                detect_delimiter (begin, end));
  g_autoptr (CrDataset) dataset = NULL;

  if (!reader_read_header (&reader, error))
    goto out;
  const char *data_begin = reader.scanner.p;
  size_t data_line = reader.scanner.line;
  if (!reader_read_rows (&reader, error))
    goto out;

  /* A non-finite number is an error only in a column that stays numeric; report the first. */
  const CsvColumn *first_non_finite = NULL;
  gboolean reread = FALSE;
  for (size_t j = 0; j < reader.n_columns; j++)
    {
      const CsvColumn *column = &reader.columns[j];
      reread = reread || (column->is_text && column->text_from_row > 0);
      if (column->is_text || !column->has_non_finite)
        continue;
      if (first_non_finite == NULL || column->non_finite_line < first_non_finite->non_finite_line
          || (column->non_finite_line == first_non_finite->non_finite_line
              && column->non_finite_column < first_non_finite->non_finite_column))
        first_non_finite = column;
    }
  if (first_non_finite != NULL)
    {
      g_set_error (error, CR_DATA_ERROR, CR_DATA_ERROR_NOT_A_NUMBER,
                   "%s:%zu:%zu: '%s' is not a finite number; write NA for a missing value "
                   "or replace it with a finite number",
                   source, first_non_finite->non_finite_line,
                   first_non_finite->non_finite_column, first_non_finite->non_finite_text);
      goto out;
    }
  if (reread)
    reader_reread_text (&reader, data_begin, data_line);

  dataset = cr_dataset_new (name);
  for (size_t j = 0; j < reader.n_columns; j++)
    if (!reader_add_column (&reader, dataset, &reader.columns[j], error))
      {
        g_clear_pointer (&dataset, cr_dataset_free);
        break;
      }

out:
  reader_clear (&reader);
  return g_steal_pointer (&dataset);
}

CrDataset *
cr_dataset_parse_csv (const char *text, size_t length, const char *source, GError **error)
{
  g_return_val_if_fail (text != NULL || length == 0, NULL);
  g_return_val_if_fail (source != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return parse_csv (text, length, source, source, error);
}

CrDataset *
cr_dataset_read_csv (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  g_autoptr (GError) local_error = NULL;
  g_autoptr (GMappedFile) file = g_mapped_file_new (path, FALSE, &local_error);
  if (file == NULL)
    {
      g_set_error (error, CR_DATA_ERROR, CR_DATA_ERROR_IO,
                   "%s:1:1: cannot read the file: %s; check the path and its permissions",
                   path, local_error->message);
      return NULL;
    }

  g_autofree char *base = g_path_get_basename (path);
  char *dot = strrchr (base, '.');
  if (dot != NULL && dot != base)
    *dot = '\0';
  return parse_csv (g_mapped_file_get_contents (file), g_mapped_file_get_length (file), path,
                    base, error);
}
