/* lexer.c: .crm text to tokens, with 1-based lines and columns counted in characters. */
#include "lang/lang-private.h"

#include <math.h>
#include <string.h>

typedef struct
{
  const char *text;
  size_t length;
  size_t pos;
  guint line;
  guint column;
  /* Where a NEWLINE or END token points: just after the last token of the line that is not a
   * comment, so "found end of line" underlines the place where the code stops. */
  guint code_end_column;
  GArray *tokens;
  GPtrArray *diagnostics;
  GArray *line_lengths;
} CrLexer;

static gboolean
is_name_start (char c)
{
  return g_ascii_isalpha (c) || c == '_';
}

static gboolean
is_name_char (char c)
{
  return g_ascii_isalnum (c) || c == '_';
}

static char
peek_byte (const CrLexer *lexer, size_t ahead)
{
  return lexer->pos + ahead < lexer->length ? lexer->text[lexer->pos + ahead] : '\0';
}

static void
emit (CrLexer *lexer, CrLangTokenKind kind, size_t start, guint start_column, double value)
{
  CrLangToken token = {
    .kind = kind,
    .line = lexer->line,
    .column = start_column,
    .end_column = lexer->column,
    .offset = start,
    .length = lexer->pos - start,
    .value = value,
  };
  g_array_append_val (lexer->tokens, token);
  if (kind != CR_LANG_TOKEN_COMMENT)
    lexer->code_end_column = lexer->column;
}

/* Emits a NEWLINE (at a line break) or END token at the end of the current line's code. */
static void
emit_line_end (CrLexer *lexer, CrLangTokenKind kind)
{
  CrLangToken token = {
    .kind = kind,
    .line = lexer->line,
    .column = lexer->code_end_column,
    .end_column = lexer->code_end_column + 1,
    .offset = lexer->pos,
    .length = 0,
    .value = 0.0,
  };
  g_array_append_val (lexer->tokens, token);
  if (lexer->line_lengths != NULL)
    {
      guint line_length = lexer->column - 1;
      g_array_append_val (lexer->line_lengths, line_length);
    }
}

/* Decodes the character at the lexer's position. Returns: its length in bytes (1 for a byte
 * that does not start valid UTF-8, when *valid is FALSE). */
static size_t
decode_char (const CrLexer *lexer, gunichar *c, gboolean *valid)
{
  const char *at = lexer->text + lexer->pos;
  size_t left = lexer->length - lexer->pos;
  gunichar decoded = g_utf8_get_char_validated (at, (gssize) left);

  if (decoded == (gunichar) -1 || decoded == (gunichar) -2 || decoded == 0)
    {
      *c = (guchar) at[0];
      *valid = decoded == 0;
      return 1;
    }
  *c = decoded;
  *valid = TRUE;
  return (size_t) (g_utf8_next_char (at) - at);
}

/* Writes a character for a message: itself in quotes when printable, else its code point,
 * or for a byte that is not UTF-8, the byte. */
static char *
describe_char (gunichar c, gboolean valid)
{
  if (!valid)
    return g_strdup_printf ("the byte 0x%02X", c);
  if (g_unichar_isprint (c))
    {
      char utf8[8] = { 0 };
      g_unichar_to_utf8 (c, utf8);
      return g_strdup_printf (c == '\'' ? "\"%s\"" : "'%s'", utf8);
    }
  return g_strdup_printf ("U+%04X", c);
}

/* Says what to do instead of a character that is not part of the language. */
static const char *
stray_char_advice (gunichar c)
{
  switch (c)
    {
    case ';':
      return "a statement ends at the end of its line; remove the ';'";
    case '"':
    case '\'':
      return "the model language has no strings; write names without quotes";
    case '<':
    case '>':
    case '!':
    case '&':
    case '|':
      return "the model language has no comparison or logical operators; "
             "write '~' for a distribution and '=' for a definition";
    case '{':
    case '}':
      return "group with ( ), and write sizes, indices and vectors with [ ]";
    case '.':
      return "write numbers as 0.5 or .5; names cannot contain '.'";
    case ':':
      return "an index is one integer or categorical expression; there are no slices";
    default:
      break;
    }
  if (c > 0x7f && g_unichar_isalpha (c))
    return "names use only the ASCII letters a-z and A-Z, the digits and '_'";
  return "it is not part of the model language";
}

static void
lex_stray_char (CrLexer *lexer)
{
  size_t start = lexer->pos;
  guint start_column = lexer->column;
  gunichar c;
  gboolean valid;
  size_t n_bytes = decode_char (lexer, &c, &valid);
  g_autofree char *what = describe_char (c, valid);

  lexer->pos += n_bytes;
  lexer->column++;
  if (!valid)
    cr_lang_add_diagnostic (lexer->diagnostics, CR_LANG_ERROR_SYNTAX, lexer->line,
                            start_column, lexer->column,
                            "found %s, which is not UTF-8; save the model as UTF-8 text", what);
  else
    cr_lang_add_diagnostic (lexer->diagnostics, CR_LANG_ERROR_SYNTAX, lexer->line,
                            start_column, lexer->column,
                            "unexpected character %s; %s", what, stray_char_advice (c));
  emit (lexer, CR_LANG_TOKEN_ERROR, start, start_column, 0.0);
}

static void
lex_comment (CrLexer *lexer)
{
  size_t start = lexer->pos;
  guint start_column = lexer->column;

  while (lexer->pos < lexer->length && lexer->text[lexer->pos] != '\n'
         && lexer->text[lexer->pos] != '\r')
    {
      gunichar c;
      gboolean valid;
      size_t n_bytes = decode_char (lexer, &c, &valid);

      /* The comment is kept and printed back, so it must be text an editor can hold. */
      if (!valid || c == 0)
        {
          g_autofree char *what = describe_char (c, valid);
          cr_lang_add_diagnostic (lexer->diagnostics, CR_LANG_ERROR_SYNTAX, lexer->line,
                                  lexer->column, lexer->column + 1,
                                  "found %s in a comment%s", what,
                                  valid ? "; remove it"
                                        : ", which is not UTF-8; save the model as UTF-8 text");
        }
      lexer->pos += n_bytes;
      lexer->column++;
    }
  emit (lexer, CR_LANG_TOKEN_COMMENT, start, start_column, 0.0);
}

static void
lex_name (CrLexer *lexer)
{
  size_t start = lexer->pos;
  guint start_column = lexer->column;
  CrLangTokenKind kind = CR_LANG_TOKEN_NAME;

  while (lexer->pos < lexer->length && is_name_char (lexer->text[lexer->pos]))
    {
      lexer->pos++;
      lexer->column++;
    }
  if (lexer->pos - start == 4 && memcmp (lexer->text + start, "data", 4) == 0)
    kind = CR_LANG_TOKEN_DATA;
  else if (lexer->pos - start == 5 && memcmp (lexer->text + start, "local", 5) == 0)
    kind = CR_LANG_TOKEN_LOCAL;
  emit (lexer, kind, start, start_column, 0.0);
}

static void
skip_digits (CrLexer *lexer)
{
  while (lexer->pos < lexer->length && g_ascii_isdigit (lexer->text[lexer->pos]))
    {
      lexer->pos++;
      lexer->column++;
    }
}

/* number := digits [ '.' digits? ] [ exponent ] | '.' digits [ exponent ]
 * exponent := ('e' | 'E') [ '+' | '-' ] digits
 * A number run straight into a letter, digit, '_' or '.' ("2x", "1e", "1.2.3") is one bad
 * token, not a number followed by a name, so the message can name the whole of it. */
static void
lex_number (CrLexer *lexer)
{
  size_t start = lexer->pos;
  guint start_column = lexer->column;
  gboolean bad_exponent = FALSE;
  size_t good_end;

  skip_digits (lexer);
  if (peek_byte (lexer, 0) == '.')
    {
      lexer->pos++;
      lexer->column++;
      skip_digits (lexer);
    }
  if (peek_byte (lexer, 0) == 'e' || peek_byte (lexer, 0) == 'E')
    {
      size_t sign = peek_byte (lexer, 1) == '+' || peek_byte (lexer, 1) == '-' ? 1 : 0;
      if (g_ascii_isdigit (peek_byte (lexer, 1 + sign)))
        {
          lexer->pos += 1 + sign;
          lexer->column += 1 + (guint) sign;
          skip_digits (lexer);
        }
      else
        {
          bad_exponent = TRUE;
          lexer->pos += 1 + sign;
          lexer->column += 1 + (guint) sign;
        }
    }
  good_end = lexer->pos;

  if (bad_exponent || is_name_char (peek_byte (lexer, 0)) || peek_byte (lexer, 0) == '.')
    {
      g_autofree char *lexeme = NULL;
      g_autofree char *number = g_strndup (lexer->text + start, good_end - start);

      while (lexer->pos < lexer->length
             && (is_name_char (lexer->text[lexer->pos]) || lexer->text[lexer->pos] == '.'))
        {
          lexer->pos++;
          lexer->column++;
        }
      lexeme = g_strndup (lexer->text + start, lexer->pos - start);
      if (bad_exponent)
        cr_lang_add_diagnostic (lexer->diagnostics, CR_LANG_ERROR_SYNTAX, lexer->line,
                                start_column, lexer->column,
                                "'%s' is not a number: the exponent after 'e' needs digits, "
                                "as in 1e-3",
                                lexeme);
      else if (is_name_start (lexer->text[good_end]))
        {
          g_autofree char *rest = g_strndup (lexer->text + good_end, lexer->pos - good_end);
          if (cr_lang_is_valid_name (rest))
            cr_lang_add_diagnostic (lexer->diagnostics, CR_LANG_ERROR_SYNTAX, lexer->line,
                                    start_column, lexer->column,
                                    "'%s' is not a number; to multiply, write %s * %s",
                                    lexeme, number, rest);
          else
            cr_lang_add_diagnostic (lexer->diagnostics, CR_LANG_ERROR_SYNTAX, lexer->line,
                                    start_column, lexer->column,
                                    "'%s' is not a number; write numbers as 1, 2.5, 1e-3 or .5",
                                    lexeme);
        }
      else
        cr_lang_add_diagnostic (lexer->diagnostics, CR_LANG_ERROR_SYNTAX, lexer->line,
                                start_column, lexer->column,
                                "'%s' is not a number; write numbers as 1, 2.5, 1e-3 or .5",
                                lexeme);
      emit (lexer, CR_LANG_TOKEN_ERROR, start, start_column, 0.0);
      return;
    }

  {
    g_autofree char *lexeme = g_strndup (lexer->text + start, lexer->pos - start);
    /* g_ascii_strtod ignores the locale, so "2.5" reads the same in every language; glibc's
     * conversion is correctly rounded, which the printer's round trip relies on. */
    double value = g_ascii_strtod (lexeme, NULL);

    if (!isfinite (value))
      {
        cr_lang_add_diagnostic (lexer->diagnostics, CR_LANG_ERROR_SYNTAX, lexer->line,
                                start_column, lexer->column,
                                "'%s' is too large for a number; the largest is about 1.8e308",
                                lexeme);
        emit (lexer, CR_LANG_TOKEN_ERROR, start, start_column, 0.0);
        return;
      }
    emit (lexer, CR_LANG_TOKEN_NUMBER, start, start_column, value);
  }
}

static void
lex_operator (CrLexer *lexer, CrLangTokenKind kind)
{
  size_t start = lexer->pos;
  guint start_column = lexer->column;

  lexer->pos++;
  lexer->column++;
  emit (lexer, kind, start, start_column, 0.0);
}

GArray *
cr_lang_lex (const char *text,
             size_t length,
             GPtrArray *diagnostics,
             GArray *line_lengths)
{
  CrLexer lexer = {
    .text = text,
    .length = length,
    .pos = 0,
    .line = 1,
    .column = 1,
    .code_end_column = 1,
    .tokens = g_array_new (FALSE, FALSE, sizeof (CrLangToken)),
    .diagnostics = diagnostics,
    .line_lengths = line_lengths,
  };

  /* Editors drop a UTF-8 byte-order mark when they load a file, so it takes no column. */
  if (length >= 3 && memcmp (text, "\xEF\xBB\xBF", 3) == 0)
    lexer.pos = 3;

  while (lexer.pos < lexer.length)
    {
      char c = text[lexer.pos];

      switch (c)
        {
        case ' ':
        case '\t':
        case '\f':
        case '\v':
          lexer.pos++;
          lexer.column++;
          break;
        case '\r':
        case '\n':
          /* CR LF, LF and a lone CR each end a line, as they do in GtkTextBuffer. */
          emit_line_end (&lexer, CR_LANG_TOKEN_NEWLINE);
          lexer.pos += c == '\r' && peek_byte (&lexer, 1) == '\n' ? 2 : 1;
          lexer.line++;
          lexer.column = 1;
          lexer.code_end_column = 1;
          break;
        case '#':
          lex_comment (&lexer);
          break;
        case '+':
          lex_operator (&lexer, CR_LANG_TOKEN_PLUS);
          break;
        case '-':
          lex_operator (&lexer, CR_LANG_TOKEN_MINUS);
          break;
        case '*':
          if (peek_byte (&lexer, 1) == '*')
            {
              size_t start = lexer.pos;
              guint start_column = lexer.column;
              lexer.pos += 2;
              lexer.column += 2;
              cr_lang_add_diagnostic (lexer.diagnostics, CR_LANG_ERROR_SYNTAX, lexer.line,
                                      start_column, lexer.column,
                                      "unexpected '**'; write a power as x ^ 2");
              emit (&lexer, CR_LANG_TOKEN_ERROR, start, start_column, 0.0);
            }
          else
            lex_operator (&lexer, CR_LANG_TOKEN_STAR);
          break;
        case '/':
          lex_operator (&lexer, CR_LANG_TOKEN_SLASH);
          break;
        case '^':
          lex_operator (&lexer, CR_LANG_TOKEN_CARET);
          break;
        case '@':
          lex_operator (&lexer, CR_LANG_TOKEN_AT);
          break;
        case '=':
          lex_operator (&lexer, CR_LANG_TOKEN_EQUALS);
          break;
        case '~':
          lex_operator (&lexer, CR_LANG_TOKEN_TILDE);
          break;
        case ',':
          lex_operator (&lexer, CR_LANG_TOKEN_COMMA);
          break;
        case '(':
          lex_operator (&lexer, CR_LANG_TOKEN_LEFT_PAREN);
          break;
        case ')':
          lex_operator (&lexer, CR_LANG_TOKEN_RIGHT_PAREN);
          break;
        case '[':
          lex_operator (&lexer, CR_LANG_TOKEN_LEFT_BRACKET);
          break;
        case ']':
          lex_operator (&lexer, CR_LANG_TOKEN_RIGHT_BRACKET);
          break;
        default:
          if (is_name_start (c))
            lex_name (&lexer);
          else if (g_ascii_isdigit (c) || (c == '.' && g_ascii_isdigit (peek_byte (&lexer, 1))))
            lex_number (&lexer);
          else
            lex_stray_char (&lexer);
          break;
        }
    }
  emit_line_end (&lexer, CR_LANG_TOKEN_END);
  return lexer.tokens;
}

GArray *
cr_lang_tokenize (const char *text, gssize length, GPtrArray **diagnostics)
{
  g_autoptr (GPtrArray) found = cr_lang_diagnostics_new ();
  GArray *tokens;

  g_return_val_if_fail (text != NULL || length == 0, NULL);

  if (length < 0)
    length = (gssize) strlen (text);
  tokens = cr_lang_lex (text != NULL ? text : "", (size_t) length, found, NULL);
  /* Sorted the same way the parser sorts, though the lexer already reports in order. */
  cr_lang_diagnostics_to_error (found, NULL, NULL);
  if (diagnostics != NULL)
    *diagnostics = g_steal_pointer (&found);
  return tokens;
}

gboolean
cr_lang_is_valid_name (const char *name)
{
  g_return_val_if_fail (name != NULL, FALSE);

  if (!is_name_start (name[0]))
    return FALSE;
  for (const char *c = name + 1; *c != '\0'; c++)
    if (!is_name_char (*c))
      return FALSE;
  return strcmp (name, "data") != 0 && strcmp (name, "local") != 0;
}
