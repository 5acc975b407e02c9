/* parser.c: tokens to a syntax tree by recursive descent, one statement per line, with
 * recovery at the next line so that one pass reports every error; then comments are attached
 * to the statements they belong to. */
#include "lang/lang-private.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

G_DEFINE_QUARK (cr-lang-error-quark, cr_lang_error)

/* Diagnostics */

void
cr_lang_diagnostic_free (CrLangDiagnostic *diagnostic)
{
  if (diagnostic == NULL)
    return;
  g_free (diagnostic->message);
  g_free (diagnostic);
}

GPtrArray *
cr_lang_diagnostics_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) cr_lang_diagnostic_free);
}

static void
add_diagnostic_valist (GPtrArray *diagnostics,
                       CrLangError code,
                       guint line,
                       guint column,
                       guint end_column,
                       const char *format,
                       va_list args) G_GNUC_PRINTF (6, 0);

static void
add_diagnostic_valist (GPtrArray *diagnostics,
                       CrLangError code,
                       guint line,
                       guint column,
                       guint end_column,
                       const char *format,
                       va_list args)
{
  CrLangDiagnostic *diagnostic = g_new0 (CrLangDiagnostic, 1);

  diagnostic->code = code;
  diagnostic->line = line;
  diagnostic->column = column;
  diagnostic->end_column = MAX (end_column, column + 1);
  diagnostic->message = g_strdup_vprintf (format, args);
  g_ptr_array_add (diagnostics, diagnostic);
}

void
cr_lang_add_diagnostic (GPtrArray *diagnostics,
                        CrLangError code,
                        guint line,
                        guint column,
                        guint end_column,
                        const char *format,
                        ...)
{
  va_list args;

  va_start (args, format);
  add_diagnostic_valist (diagnostics, code, line, column, end_column, format, args);
  va_end (args);
}

void
cr_lang_add_diagnostic_at (GPtrArray *diagnostics,
                           const GArray *line_lengths,
                           CrLangError code,
                           const CrLangLocation *location,
                           const char *format,
                           ...)
{
  guint end_column = location->end_column;
  va_list args;

  if (location->end_line != location->line)
    {
      if (line_lengths != NULL && location->line >= 1 && location->line <= line_lengths->len)
        end_column = g_array_index (line_lengths, guint, location->line - 1) + 1;
      else
        end_column = location->column + 1;
    }
  va_start (args, format);
  add_diagnostic_valist (diagnostics, code, location->line, location->column, end_column,
                         format, args);
  va_end (args);
}

static gint
compare_diagnostics (gconstpointer a, gconstpointer b)
{
  const CrLangDiagnostic *first = *(const CrLangDiagnostic *const *) a;
  const CrLangDiagnostic *second = *(const CrLangDiagnostic *const *) b;

  if (first->line != second->line)
    return first->line < second->line ? -1 : 1;
  if (first->column != second->column)
    return first->column < second->column ? -1 : 1;
  return 0;
}

gboolean
cr_lang_diagnostics_to_error (GPtrArray *diagnostics, const char *filename, GError **error)
{
  g_autoptr (GString) message = NULL;
  const CrLangDiagnostic *first;

  /* g_ptr_array_sort () is stable (GLib >= 2.32). */
  g_ptr_array_sort (diagnostics, compare_diagnostics);
  if (diagnostics->len == 0)
    return TRUE;
  if (error == NULL)
    return FALSE;

  message = g_string_new (NULL);
  for (guint i = 0; i < diagnostics->len; i++)
    {
      const CrLangDiagnostic *diagnostic = g_ptr_array_index (diagnostics, i);
      g_string_append_printf (message, "%s%s:%u:%u: %s", i > 0 ? "\n" : "",
                              filename != NULL ? filename : "<input>", diagnostic->line,
                              diagnostic->column, diagnostic->message);
    }
  first = g_ptr_array_index (diagnostics, 0);
  g_set_error_literal (error, CR_LANG_ERROR, (gint) first->code, message->str);
  return FALSE;
}

/* Parser state */

typedef struct
{
  const char *text;
  const CrLangToken *tokens; /* without comments; the last is END */
  guint n_tokens;
  guint pos;
  const CrLangToken *previous; /* the last token consumed that is not a NEWLINE */
  guint depth;                 /* brackets open in the current statement */
  guint nesting;               /* recursion depth of parse_unary () */
  GPtrArray *diagnostics;
  const GArray *line_lengths;
} CrParser;

static const CrLangToken *
current (const CrParser *parser)
{
  return &parser->tokens[parser->pos];
}

static const CrLangToken *
peek (const CrParser *parser, guint ahead)
{
  return &parser->tokens[MIN (parser->pos + ahead, parser->n_tokens - 1)];
}

static gboolean
at (const CrParser *parser, CrLangTokenKind kind)
{
  return current (parser)->kind == kind;
}

static void
advance (CrParser *parser)
{
  const CrLangToken *token = current (parser);

  if (token->kind == CR_LANG_TOKEN_END)
    return;
  if (token->kind != CR_LANG_TOKEN_NEWLINE)
    parser->previous = token;
  parser->pos++;
}

static CrLangLocation
token_location (const CrLangToken *token)
{
  CrLangLocation location = { token->line, token->column, token->line, token->end_column };
  return location;
}

static char *
token_text (const CrParser *parser, const CrLangToken *token)
{
  return g_strndup (parser->text + token->offset, token->length);
}

/* Returns: (transfer full) what a message says was found at @token. */
static char *
describe_token (const CrParser *parser, const CrLangToken *token)
{
  g_autofree char *text = token_text (parser, token);

  switch (token->kind)
    {
    case CR_LANG_TOKEN_NAME:
      return g_strdup_printf ("name '%s'", text);
    case CR_LANG_TOKEN_NUMBER:
      return g_strdup_printf ("number '%s'", text);
    case CR_LANG_TOKEN_DATA:
    case CR_LANG_TOKEN_LOCAL:
      return g_strdup_printf ("keyword '%s'", text);
    case CR_LANG_TOKEN_NEWLINE:
      return g_strdup ("end of line");
    case CR_LANG_TOKEN_END:
      return g_strdup ("end of file");
    default:
      return g_strdup_printf ("'%s'", text);
    }
}

static gboolean
at_line_end (const CrParser *parser)
{
  return at (parser, CR_LANG_TOKEN_NEWLINE) || at (parser, CR_LANG_TOKEN_END);
}

/* Reports an error at @token, unless the lexer already reported it as an ERROR token. */
static void fail (CrParser *parser,
                  const CrLangToken *token,
                  CrLangError code,
                  const char *format,
                  ...) G_GNUC_PRINTF (4, 5);

static void
fail (CrParser *parser, const CrLangToken *token, CrLangError code, const char *format, ...)
{
  va_list args;
  CrLangLocation location = token_location (token);
  g_autofree char *message = NULL;

  if (token->kind == CR_LANG_TOKEN_ERROR)
    return;
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  cr_lang_add_diagnostic_at (parser->diagnostics, parser->line_lengths, code, &location, "%s",
                             message);
}

/* Inside brackets, where an operand must follow ('(', '[', ',' or an operator), a line break
 * continues the statement. */
static void
skip_newlines (CrParser *parser)
{
  if (parser->depth == 0)
    return;
  while (at (parser, CR_LANG_TOKEN_NEWLINE))
    advance (parser);
}

/* Inside brackets, after an operand, a line break continues the statement only when the next
 * line starts with what can follow an operand there: a closing bracket, ',' or a binary
 * operator. Otherwise the NEWLINE stays, and the caller reports a missing ')' at the end of
 * the line instead of reading the next statement as an argument. */
static void
skip_continuation (CrParser *parser)
{
  guint ahead = 0;

  if (parser->depth == 0 || !at (parser, CR_LANG_TOKEN_NEWLINE))
    return;
  while (peek (parser, ahead)->kind == CR_LANG_TOKEN_NEWLINE)
    ahead++;
  switch (peek (parser, ahead)->kind)
    {
    case CR_LANG_TOKEN_RIGHT_PAREN:
    case CR_LANG_TOKEN_RIGHT_BRACKET:
    case CR_LANG_TOKEN_COMMA:
    case CR_LANG_TOKEN_PLUS:
    case CR_LANG_TOKEN_MINUS:
    case CR_LANG_TOKEN_STAR:
    case CR_LANG_TOKEN_SLASH:
    case CR_LANG_TOKEN_CARET:
    case CR_LANG_TOKEN_AT:
      for (guint i = 0; i < ahead; i++)
        advance (parser);
      break;
    default:
      break;
    }
}

/* Expressions */

static CrExpr *parse_expr (CrParser *parser);
static CrExpr *parse_unary (CrParser *parser);

static void
fail_expected_expression (CrParser *parser)
{
  const CrLangToken *found = current (parser);
  g_autofree char *what = describe_token (parser, found);

  if (parser->previous != NULL)
    {
      g_autofree char *after = token_text (parser, parser->previous);
      fail (parser, found, CR_LANG_ERROR_UNEXPECTED,
            "expected an expression after '%s', found %s", after, what);
    }
  else
    fail (parser, found, CR_LANG_ERROR_UNEXPECTED, "expected an expression, found %s", what);
}

/* At NAME '(': the call's arguments, with the name and both parentheses consumed. */
static CrCall *
parse_call (CrParser *parser)
{
  const CrLangToken *name = current (parser);
  CrLangLocation name_location = token_location (name);
  CrLangLocation open_location;
  g_autoptr (CrCall) call = cr_call_alloc (token_text (parser, name));

  advance (parser);
  g_assert (at (parser, CR_LANG_TOKEN_LEFT_PAREN));
  open_location = token_location (current (parser));
  advance (parser);
  parser->depth++;
  skip_newlines (parser);

  while (!at (parser, CR_LANG_TOKEN_RIGHT_PAREN))
    {
      const CrLangToken *start = current (parser);
      CrLangLocation start_location = token_location (start);
      g_autofree char *keyword = NULL;
      CrExpr *value;
      CrArgument *argument;

      if (start->kind == CR_LANG_TOKEN_NAME && peek (parser, 1)->kind == CR_LANG_TOKEN_EQUALS)
        {
          keyword = token_text (parser, start);
          advance (parser);
          advance (parser);
        }
      value = parse_expr (parser);
      if (value == NULL)
        return NULL;
      argument = cr_argument_new (g_steal_pointer (&keyword), value);
      argument->location = cr_lang_location_join (&start_location, &value->location);
      g_ptr_array_add (call->arguments, argument);

      skip_continuation (parser);
      if (at (parser, CR_LANG_TOKEN_COMMA))
        {
          advance (parser);
          skip_newlines (parser);
          if (at (parser, CR_LANG_TOKEN_RIGHT_PAREN))
            {
              fail (parser, current (parser), CR_LANG_ERROR_UNEXPECTED,
                    "expected an argument after ',' in the call to %s, found ')'; "
                    "remove the last ','",
                    call->name);
              return NULL;
            }
        }
      else if (!at (parser, CR_LANG_TOKEN_RIGHT_PAREN))
        {
          g_autofree char *what = describe_token (parser, current (parser));
          if (at_line_end (parser))
            fail (parser, current (parser), CR_LANG_ERROR_UNEXPECTED,
                  "expected ')' to close the call to %s opened at %u:%u, found %s",
                  call->name, open_location.line, open_location.column, what);
          else
            fail (parser, current (parser), CR_LANG_ERROR_UNEXPECTED,
                  "expected ',' or ')' after an argument of %s (the call opened at %u:%u), "
                  "found %s",
                  call->name, open_location.line, open_location.column, what);
          return NULL;
        }
    }

  {
    CrLangLocation close_location = token_location (current (parser));
    call->location = cr_lang_location_join (&name_location, &close_location);
  }
  advance (parser);
  parser->depth--;
  return g_steal_pointer (&call);
}

/* At '[' in an expression: a vector literal. */
static CrExpr *
parse_vector (CrParser *parser)
{
  CrLangLocation open_location = token_location (current (parser));
  g_autoptr (CrExpr) vector = cr_expr_alloc (CR_EXPR_VECTOR);

  vector->elements = g_ptr_array_new_with_free_func ((GDestroyNotify) cr_expr_free);
  advance (parser);
  parser->depth++;
  skip_newlines (parser);

  if (at (parser, CR_LANG_TOKEN_RIGHT_BRACKET))
    {
      CrLangLocation close_location = token_location (current (parser));
      vector->location = cr_lang_location_join (&open_location, &close_location);
      /* Not fatal: the rest of the line can still be checked. */
      cr_lang_add_diagnostic_at (parser->diagnostics, parser->line_lengths,
                                 CR_LANG_ERROR_EMPTY_VECTOR, &vector->location,
                                 "found the empty vector '[]'; a vector literal needs at least "
                                 "one element, as in [0, 1]");
      advance (parser);
      parser->depth--;
      return g_steal_pointer (&vector);
    }

  for (;;)
    {
      CrExpr *element = parse_expr (parser);

      if (element == NULL)
        return NULL;
      g_ptr_array_add (vector->elements, element);

      skip_continuation (parser);
      if (at (parser, CR_LANG_TOKEN_COMMA))
        {
          advance (parser);
          skip_newlines (parser);
          if (at (parser, CR_LANG_TOKEN_RIGHT_BRACKET))
            {
              fail (parser, current (parser), CR_LANG_ERROR_UNEXPECTED,
                    "expected an element after ',' in the vector opened at %u:%u, found ']'; "
                    "remove the last ','",
                    open_location.line, open_location.column);
              return NULL;
            }
        }
      else if (at (parser, CR_LANG_TOKEN_RIGHT_BRACKET))
        break;
      else
        {
          g_autofree char *what = describe_token (parser, current (parser));
          if (at_line_end (parser))
            fail (parser, current (parser), CR_LANG_ERROR_UNEXPECTED,
                  "expected ']' to close the vector opened at %u:%u, found %s",
                  open_location.line, open_location.column, what);
          else
            fail (parser, current (parser), CR_LANG_ERROR_UNEXPECTED,
                  "expected ',' or ']' after an element of the vector opened at %u:%u, "
                  "found %s",
                  open_location.line, open_location.column, what);
          return NULL;
        }
    }

  {
    CrLangLocation close_location = token_location (current (parser));
    vector->location = cr_lang_location_join (&open_location, &close_location);
  }
  advance (parser);
  parser->depth--;
  return g_steal_pointer (&vector);
}

static CrExpr *
parse_primary (CrParser *parser)
{
  const CrLangToken *token;
  CrExpr *expr;

  skip_newlines (parser);
  token = current (parser);
  switch (token->kind)
    {
    case CR_LANG_TOKEN_NUMBER:
      expr = cr_expr_alloc (CR_EXPR_NUMBER);
      expr->number = token->value;
      expr->location = token_location (token);
      advance (parser);
      return expr;
    case CR_LANG_TOKEN_NAME:
      if (peek (parser, 1)->kind == CR_LANG_TOKEN_LEFT_PAREN)
        {
          CrCall *call = parse_call (parser);
          if (call == NULL)
            return NULL;
          expr = cr_expr_alloc (CR_EXPR_CALL);
          expr->call = call;
          expr->location = call->location;
          return expr;
        }
      expr = cr_expr_alloc (CR_EXPR_NAME);
      expr->name = token_text (parser, token);
      expr->location = token_location (token);
      advance (parser);
      return expr;
    case CR_LANG_TOKEN_LEFT_PAREN:
      {
        CrLangLocation open_location = token_location (token);
        CrLangLocation close_location;

        advance (parser);
        parser->depth++;
        expr = parse_expr (parser);
        if (expr == NULL)
          return NULL;
        skip_continuation (parser);
        if (!at (parser, CR_LANG_TOKEN_RIGHT_PAREN))
          {
            g_autofree char *what = describe_token (parser, current (parser));
            fail (parser, current (parser), CR_LANG_ERROR_UNEXPECTED,
                  "expected ')' to close the '(' opened at %u:%u, found %s",
                  open_location.line, open_location.column, what);
            cr_expr_free (expr);
            return NULL;
          }
        close_location = token_location (current (parser));
        expr->location = cr_lang_location_join (&open_location, &close_location);
        advance (parser);
        parser->depth--;
        return expr;
      }
    case CR_LANG_TOKEN_LEFT_BRACKET:
      return parse_vector (parser);
    default:
      fail_expected_expression (parser);
      return NULL;
    }
}

/* postfix := primary { '[' expr ']' }; a call is parsed with its name in parse_primary (). */
static CrExpr *
parse_postfix (CrParser *parser)
{
  CrExpr *expr = parse_primary (parser);

  while (expr != NULL)
    {
      if (at (parser, CR_LANG_TOKEN_LEFT_BRACKET))
        {
          CrLangLocation open_location = token_location (current (parser));
          CrLangLocation close_location;
          CrExpr *index;
          CrExpr *subscript;

          advance (parser);
          parser->depth++;
          index = parse_expr (parser);
          if (index == NULL)
            {
              cr_expr_free (expr);
              return NULL;
            }
          skip_continuation (parser);
          if (!at (parser, CR_LANG_TOKEN_RIGHT_BRACKET))
            {
              g_autofree char *what = describe_token (parser, current (parser));
              if (at (parser, CR_LANG_TOKEN_COMMA))
                fail (parser, current (parser), CR_LANG_ERROR_UNEXPECTED,
                      "expected ']' to close the index opened at %u:%u, found ','; "
                      "an index is one expression",
                      open_location.line, open_location.column);
              else
                fail (parser, current (parser), CR_LANG_ERROR_UNEXPECTED,
                      "expected ']' to close the index opened at %u:%u, found %s",
                      open_location.line, open_location.column, what);
              cr_expr_free (index);
              cr_expr_free (expr);
              return NULL;
            }
          close_location = token_location (current (parser));
          advance (parser);
          parser->depth--;
          subscript = cr_expr_alloc (CR_EXPR_SUBSCRIPT);
          subscript->subscript.base = expr;
          subscript->subscript.index = index;
          subscript->location = cr_lang_location_join (&expr->location, &close_location);
          expr = subscript;
        }
      else if (at (parser, CR_LANG_TOKEN_LEFT_PAREN))
        {
          g_autofree char *callee = cr_lang_print_expr (expr);
          fail (parser, current (parser), CR_LANG_ERROR_UNEXPECTED,
                "found '(' after '%s', which is not a function name; "
                "to multiply, write '*' between them",
                callee);
          cr_expr_free (expr);
          return NULL;
        }
      else
        break;
    }
  return expr;
}

static CrExpr *
make_binary (CrBinaryOp op, CrExpr *left, CrExpr *right)
{
  CrExpr *expr = cr_expr_alloc (CR_EXPR_BINARY);

  expr->binary.op = op;
  expr->binary.left = left;
  expr->binary.right = right;
  expr->location = cr_lang_location_join (&left->location, &right->location);
  return expr;
}

/* power := postfix [ '^' unary ]: right-associative, and the exponent may be negated. */
static CrExpr *
parse_power (CrParser *parser)
{
  CrExpr *base = parse_postfix (parser);
  CrExpr *exponent;

  if (base == NULL)
    return NULL;
  skip_continuation (parser);
  if (!at (parser, CR_LANG_TOKEN_CARET))
    return base;
  advance (parser);
  exponent = parse_unary (parser);
  if (exponent == NULL)
    {
      cr_expr_free (base);
      return NULL;
    }
  return make_binary (CR_BINARY_POWER, base, exponent);
}

/* unary := '-' unary | power */
static CrExpr *
parse_unary (CrParser *parser)
{
  CrExpr *expr;

  skip_newlines (parser);
  if (parser->nesting >= CR_LANG_MAX_NESTING)
    {
      fail (parser, current (parser), CR_LANG_ERROR_TOO_DEEP,
            "the expression is nested more than %d levels deep; split it with local "
            "statements",
            CR_LANG_MAX_NESTING);
      return NULL;
    }
  parser->nesting++;

  if (at (parser, CR_LANG_TOKEN_MINUS))
    {
      CrLangLocation minus_location = token_location (current (parser));
      CrExpr *operand;

      advance (parser);
      operand = parse_unary (parser);
      if (operand == NULL)
        expr = NULL;
      else if (operand->kind == CR_EXPR_NUMBER && !signbit (operand->number))
        {
          operand->number = -operand->number;
          operand->location = cr_lang_location_join (&minus_location, &operand->location);
          expr = operand;
        }
      else
        {
          expr = cr_expr_alloc (CR_EXPR_NEGATE);
          expr->operand = operand;
          expr->location = cr_lang_location_join (&minus_location, &operand->location);
        }
    }
  else
    expr = parse_power (parser);

  parser->nesting--;
  return expr;
}

/* term := unary { ('*' | '/' | '@') unary } */
static CrExpr *
parse_term (CrParser *parser)
{
  CrExpr *left = parse_unary (parser);

  while (left != NULL)
    {
      CrBinaryOp op;
      CrExpr *right;

      skip_continuation (parser);
      if (at (parser, CR_LANG_TOKEN_STAR))
        op = CR_BINARY_MULTIPLY;
      else if (at (parser, CR_LANG_TOKEN_SLASH))
        op = CR_BINARY_DIVIDE;
      else if (at (parser, CR_LANG_TOKEN_AT))
        op = CR_BINARY_MATMUL;
      else
        break;
      advance (parser);
      right = parse_unary (parser);
      if (right == NULL)
        {
          cr_expr_free (left);
          return NULL;
        }
      left = make_binary (op, left, right);
    }
  return left;
}

/* expr := term { ('+' | '-') term } */
static CrExpr *
parse_expr (CrParser *parser)
{
  CrExpr *left = parse_term (parser);

  while (left != NULL)
    {
      CrBinaryOp op;
      CrExpr *right;

      skip_continuation (parser);
      if (at (parser, CR_LANG_TOKEN_PLUS))
        op = CR_BINARY_ADD;
      else if (at (parser, CR_LANG_TOKEN_MINUS))
        op = CR_BINARY_SUBTRACT;
      else
        break;
      advance (parser);
      right = parse_term (parser);
      if (right == NULL)
        {
          cr_expr_free (left);
          return NULL;
        }
      left = make_binary (op, left, right);
    }
  return left;
}

/* Statements */

/* After `name ~`: the distribution. */
static CrCall *
parse_distribution (CrParser *parser)
{
  const CrLangToken *token = current (parser);
  g_autofree char *what = describe_token (parser, token);

  if (token->kind == CR_LANG_TOKEN_NAME && peek (parser, 1)->kind == CR_LANG_TOKEN_LEFT_PAREN)
    return parse_call (parser);
  if (token->kind == CR_LANG_TOKEN_NAME)
    {
      g_autofree char *name = token_text (parser, token);
      g_autofree char *next = describe_token (parser, peek (parser, 1));
      fail (parser, peek (parser, 1), CR_LANG_ERROR_UNEXPECTED,
            "expected '(' after the distribution %s, found %s; give its arguments in "
            "parentheses, as in %s(0, 1)",
            name, next, name);
    }
  else
    fail (parser, token, CR_LANG_ERROR_UNEXPECTED,
          "expected a distribution after '~', such as Normal(0, 1), found %s", what);
  return NULL;
}

/* `data name = expr` or `local name = expr`, at the keyword. */
static CrStatement *
parse_keyword_statement (CrParser *parser)
{
  const CrLangToken *keyword = current (parser);
  CrStatementKind kind = keyword->kind == CR_LANG_TOKEN_DATA ? CR_STATEMENT_DATA
                                                             : CR_STATEMENT_LOCAL;
  const char *word = kind == CR_STATEMENT_DATA ? "data" : "local";
  CrLangLocation name_location;
  g_autofree char *name = NULL;
  CrStatement *statement;
  CrExpr *value;

  advance (parser);
  if (!at (parser, CR_LANG_TOKEN_NAME))
    {
      g_autofree char *what = describe_token (parser, current (parser));
      if (at (parser, CR_LANG_TOKEN_EQUALS) || at (parser, CR_LANG_TOKEN_TILDE))
        fail (parser, keyword, CR_LANG_ERROR_UNEXPECTED,
              "'%s' is a keyword and cannot name a variable; choose another name", word);
      else
        fail (parser, current (parser), CR_LANG_ERROR_UNEXPECTED,
              "expected a name after '%s', found %s", word, what);
      return NULL;
    }
  name = token_text (parser, current (parser));
  name_location = token_location (current (parser));
  advance (parser);

  if (!at (parser, CR_LANG_TOKEN_EQUALS))
    {
      g_autofree char *what = describe_token (parser, current (parser));
      if (kind == CR_STATEMENT_DATA)
        fail (parser, current (parser), CR_LANG_ERROR_UNEXPECTED,
              "expected '=' after 'data %s', found %s; data is given a value, as in "
              "data %s = 10",
              name, what, name);
      else
        fail (parser, current (parser), CR_LANG_ERROR_UNEXPECTED,
              "expected '=' after 'local %s', found %s; a local is given an expression, as "
              "in local %s = a + b",
              name, what, name);
      return NULL;
    }
  advance (parser);
  value = parse_expr (parser);
  if (value == NULL)
    return NULL;

  statement = cr_statement_alloc (kind, g_steal_pointer (&name));
  statement->value = value;
  statement->name_location = name_location;
  return statement;
}

/* `name[size] ~ call` or `name = expr`, at the name. */
static CrStatement *
parse_name_statement (CrParser *parser)
{
  const CrLangToken *name_token = current (parser);
  CrLangLocation name_location = token_location (name_token);
  g_autofree char *name = token_text (parser, name_token);
  g_autoptr (CrExpr) size = NULL;
  CrStatement *statement;

  advance (parser);
  if (at (parser, CR_LANG_TOKEN_LEFT_BRACKET))
    {
      CrLangLocation open_location = token_location (current (parser));

      advance (parser);
      parser->depth++;
      size = parse_expr (parser);
      if (size == NULL)
        return NULL;
      skip_continuation (parser);
      if (!at (parser, CR_LANG_TOKEN_RIGHT_BRACKET))
        {
          g_autofree char *what = describe_token (parser, current (parser));
          fail (parser, current (parser), CR_LANG_ERROR_UNEXPECTED,
                "expected ']' to close the size of %s opened at %u:%u, found %s", name,
                open_location.line, open_location.column, what);
          return NULL;
        }
      advance (parser);
      parser->depth--;
      if (!at (parser, CR_LANG_TOKEN_TILDE))
        {
          g_autofree char *what = describe_token (parser, current (parser));
          g_autofree char *size_text = cr_lang_print_expr (size);
          fail (parser, current (parser), CR_LANG_ERROR_UNEXPECTED,
                "expected '~' after %s[%s], found %s; only a random variable has a size, as "
                "in %s[%s] ~ Normal(0, 1)",
                name, size_text, what, name, size_text);
          return NULL;
        }
    }

  if (at (parser, CR_LANG_TOKEN_TILDE))
    {
      CrCall *distribution;

      advance (parser);
      distribution = parse_distribution (parser);
      if (distribution == NULL)
        return NULL;
      statement = cr_statement_alloc (CR_STATEMENT_STOCHASTIC, g_steal_pointer (&name));
      statement->size = g_steal_pointer (&size);
      statement->distribution = distribution;
    }
  else if (at (parser, CR_LANG_TOKEN_EQUALS))
    {
      CrExpr *value;

      advance (parser);
      value = parse_expr (parser);
      if (value == NULL)
        return NULL;
      statement = cr_statement_alloc (CR_STATEMENT_DETERMINISTIC, g_steal_pointer (&name));
      statement->value = value;
    }
  else
    {
      g_autofree char *what = describe_token (parser, current (parser));
      fail (parser, current (parser), CR_LANG_ERROR_UNEXPECTED,
            "expected '~' or '=' after %s, found %s; write %s ~ Normal(0, 1) for a random "
            "variable or %s = a + b for a computed one",
            name, what, name, name);
      return NULL;
    }
  statement->name_location = name_location;
  return statement;
}

static CrStatement *
parse_statement (CrParser *parser)
{
  const CrLangToken *first = current (parser);
  CrLangLocation first_location = token_location (first);
  CrLangLocation last_location;
  CrStatement *statement;

  parser->depth = 0;
  parser->nesting = 0;
  switch (first->kind)
    {
    case CR_LANG_TOKEN_DATA:
    case CR_LANG_TOKEN_LOCAL:
      statement = parse_keyword_statement (parser);
      break;
    case CR_LANG_TOKEN_NAME:
      statement = parse_name_statement (parser);
      break;
    default:
      {
        g_autofree char *what = describe_token (parser, first);
        fail (parser, first, CR_LANG_ERROR_UNEXPECTED,
              "expected a statement such as mu ~ Normal(0, 1), mu = a + b or data n = 10, "
              "found %s",
              what);
        return NULL;
      }
    }
  if (statement == NULL)
    return NULL;

  if (!at_line_end (parser))
    {
      const CrLangToken *extra = current (parser);
      g_autofree char *what = describe_token (parser, extra);
      if (extra->kind == CR_LANG_TOKEN_RIGHT_PAREN || extra->kind == CR_LANG_TOKEN_RIGHT_BRACKET)
        fail (parser, extra, CR_LANG_ERROR_UNEXPECTED,
              "found %s, which closes nothing; remove it", what);
      else
        fail (parser, extra, CR_LANG_ERROR_UNEXPECTED,
              "expected the end of the line after the statement, found %s; write one "
              "statement per line",
              what);
      cr_statement_free (statement);
      return NULL;
    }

  last_location = token_location (parser->previous);
  statement->location = cr_lang_location_join (&first_location, &last_location);
  return statement;
}

/* Comments */

/* Whether a line in (@after, @before) holds no token: an empty line between two things. */
static gboolean
blank_line_between (const gboolean *line_has_content, guint after, guint before)
{
  for (guint line = after + 1; line < before; line++)
    if (!line_has_content[line])
      return TRUE;
  return FALSE;
}

/* Gives each comment to the statement it belongs to (lang.h), and records the empty lines
 * that separate blocks, so that the printer puts them back. */
static void
attach_comments (CrProgram *program, const GArray *tokens, const char *text)
{
  const CrLangToken *all = (const CrLangToken *) (gpointer) tokens->data;
  guint n_lines = all[tokens->len - 1].line;
  g_autofree gboolean *line_has_content = g_new0 (gboolean, n_lines + 2);
  g_autoptr (GPtrArray) comments = g_ptr_array_new ();
  guint next_comment = 0;
  guint previous_line = 0;

  for (guint i = 0; i < tokens->len; i++)
    {
      if (all[i].kind == CR_LANG_TOKEN_NEWLINE || all[i].kind == CR_LANG_TOKEN_END)
        continue;
      line_has_content[all[i].line] = TRUE;
      if (all[i].kind == CR_LANG_TOKEN_COMMENT)
        g_ptr_array_add (comments, (gpointer) &all[i]);
    }

  for (guint s = 0; s <= program->statements->len; s++)
    {
      CrStatement *statement = s < program->statements->len
                                   ? g_ptr_array_index (program->statements, s)
                                   : NULL;
      guint first_line = statement != NULL ? statement->location.line : G_MAXUINT;
      GPtrArray *before = statement != NULL ? statement->comments : program->end_comments;

      /* Between the previous statement and this one, every comment is a full-line comment. */
      while (next_comment < comments->len)
        {
          const CrLangToken *token = g_ptr_array_index (comments, next_comment);
          CrLangLocation location = token_location (token);
          g_autofree char *comment_text = NULL;
          CrComment *comment;

          if (token->line >= first_line)
            break;
          comment_text = g_strndup (text + token->offset, token->length);
          g_strchomp (comment_text);
          comment = cr_comment_new (comment_text, &location);
          comment->blank_line_before = previous_line > 0
                                       && blank_line_between (line_has_content, previous_line,
                                                              token->line);
          g_ptr_array_add (before, comment);
          previous_line = token->line;
          next_comment++;
        }
      if (statement == NULL)
        break;

      statement->blank_line_before = previous_line > 0
                                     && blank_line_between (line_has_content, previous_line,
                                                            first_line);

      /* Within the statement's lines: the comment on its last line ends it; any other one sits
       * inside a statement that spans lines, and moves above it, since it prints on one. */
      while (next_comment < comments->len)
        {
          const CrLangToken *token = g_ptr_array_index (comments, next_comment);
          CrLangLocation location = token_location (token);
          g_autofree char *comment_text = NULL;

          if (token->line > statement->location.end_line)
            break;
          comment_text = g_strndup (text + token->offset, token->length);
          g_strchomp (comment_text);
          if (token->line == statement->location.end_line)
            statement->trailing_comment = g_steal_pointer (&comment_text);
          else
            {
              CrComment *comment = cr_comment_new (comment_text, &location);
              /* An empty line before the statement stays before its text, now that this
               * comment prints above it. */
              comment->blank_line_before = statement->blank_line_before;
              statement->blank_line_before = FALSE;
              g_ptr_array_add (statement->comments, comment);
            }
          next_comment++;
        }
      previous_line = statement->location.end_line;
    }
}

/* Entry points */

CrProgram *
cr_lang_parse (const char *text,
               gssize length,
               const char *filename,
               GPtrArray **diagnostics,
               GError **error)
{
  g_autoptr (GPtrArray) found = NULL;
  g_autoptr (GArray) line_lengths = NULL;
  g_autoptr (GArray) tokens = NULL;
  g_autoptr (GArray) code = NULL;
  g_autoptr (CrProgram) program = NULL;
  CrParser parser;
  gboolean ok;

  g_return_val_if_fail (text != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (text == NULL)
    text = "";
  if (length < 0)
    length = (gssize) strlen (text);

  found = cr_lang_diagnostics_new ();
  line_lengths = g_array_new (FALSE, FALSE, sizeof (guint));
  tokens = cr_lang_lex (text, (size_t) length, found, line_lengths);

  /* The grammar never looks at comments; attach_comments () places them afterwards. */
  code = g_array_sized_new (FALSE, FALSE, sizeof (CrLangToken), tokens->len);
  for (guint i = 0; i < tokens->len; i++)
    if (g_array_index (tokens, CrLangToken, i).kind != CR_LANG_TOKEN_COMMENT)
      g_array_append_val (code, g_array_index (tokens, CrLangToken, i));

  parser = (CrParser){
    .text = text,
    .tokens = (const CrLangToken *) (gpointer) code->data,
    .n_tokens = code->len,
    .pos = 0,
    .previous = NULL,
    .diagnostics = found,
    .line_lengths = line_lengths,
  };
  program = cr_program_new ();
  while (!at (&parser, CR_LANG_TOKEN_END))
    {
      CrStatement *statement;

      if (at (&parser, CR_LANG_TOKEN_NEWLINE))
        {
          advance (&parser);
          continue;
        }
      statement = parse_statement (&parser);
      if (statement != NULL)
        g_ptr_array_add (program->statements, statement);
      else
        while (!at_line_end (&parser))
          advance (&parser);
    }

  cr_lang_check_program (program, line_lengths, found);
  ok = cr_lang_diagnostics_to_error (found, filename, error);
  if (ok)
    attach_comments (program, tokens, text);
  if (diagnostics != NULL)
    *diagnostics = g_steal_pointer (&found);
  return ok ? g_steal_pointer (&program) : NULL;
}

CrProgram *
cr_lang_parse_file (const char *path, GPtrArray **diagnostics, GError **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  g_autoptr (GError) read_error = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_file_get_contents (path, &contents, &length, &read_error))
    {
      g_set_error (error, CR_LANG_ERROR, CR_LANG_ERROR_IO, "%s: cannot read the model: %s",
                   path, read_error->message);
      if (diagnostics != NULL)
        *diagnostics = cr_lang_diagnostics_new ();
      return NULL;
    }
  return cr_lang_parse (contents, (gssize) length, path, diagnostics, error);
}
