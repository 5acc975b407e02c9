/* printer.c: the canonical text of a syntax tree. */
#include "lang/lang-private.h"

#include <math.h>
#include <string.h>

/* Binding strength of what an expression prints as, weakest first (lang.h). */
typedef enum
{
  PRECEDENCE_LOWEST = 0,
  PRECEDENCE_ADD,
  PRECEDENCE_MULTIPLY,
  PRECEDENCE_UNARY,
  PRECEDENCE_POWER,
  PRECEDENCE_POSTFIX,
  PRECEDENCE_ATOM,
} Precedence;

/* Integers of magnitude below this print in full; 10^15 < 2^53, so each is exact. */
#define INTEGER_PRINT_LIMIT 1e15

void
cr_lang_format_number (double value, char buffer[CR_LANG_NUMBER_BUFFER])
{
  char *exponent;

  g_return_if_fail (isfinite (value));

  if (value == floor (value) && fabs (value) < INTEGER_PRINT_LIMIT)
    {
      /* No decimal point and no grouping, so the locale cannot change it. */
      g_snprintf (buffer, CR_LANG_NUMBER_BUFFER, "%.0f", value);
      return;
    }

  /* The shortest %g that reads back to the same double; 17 significant digits always do
   * (IEEE 754-2008, 5.12.2), and glibc's strtod rounds correctly, so the loop ends there. */
  for (int precision = 1; precision <= 17; precision++)
    {
      char format[8];
      g_snprintf (format, sizeof format, "%%.%dg", precision);
      g_ascii_formatd (buffer, CR_LANG_NUMBER_BUFFER, format, value);
      if (g_ascii_strtod (buffer, NULL) == value)
        break;
    }

  /* "1e+20" and "2.5e-07" read better as "1e20" and "2.5e-7". */
  exponent = strchr (buffer, 'e');
  if (exponent != NULL)
    {
      char *digits = exponent + 1;
      char *first;

      if (*digits == '+')
        memmove (digits, digits + 1, strlen (digits + 1) + 1);
      else if (*digits == '-')
        digits++;
      first = digits;
      while (first[0] == '0' && first[1] != '\0')
        first++;
      if (first != digits)
        memmove (digits, first, strlen (first) + 1);
    }
}

static Precedence
binary_precedence (CrBinaryOp op)
{
  switch (op)
    {
    case CR_BINARY_ADD:
    case CR_BINARY_SUBTRACT:
      return PRECEDENCE_ADD;
    case CR_BINARY_MULTIPLY:
    case CR_BINARY_DIVIDE:
    case CR_BINARY_MATMUL:
      return PRECEDENCE_MULTIPLY;
    case CR_BINARY_POWER:
      return PRECEDENCE_POWER;
    default:
      g_assert_not_reached ();
    }
}

static const char *
binary_symbol (CrBinaryOp op)
{
  static const char *const symbols[] = { "+", "-", "*", "/", "@", "^" };
  g_assert (op < G_N_ELEMENTS (symbols));
  return symbols[op];
}

static Precedence
expr_precedence (const CrExpr *expr)
{
  switch (expr->kind)
    {
    case CR_EXPR_NUMBER:
      /* A negative number prints with its minus sign, so it binds as -x does. */
      return signbit (expr->number) ? PRECEDENCE_UNARY : PRECEDENCE_ATOM;
    case CR_EXPR_NAME:
    case CR_EXPR_VECTOR:
      return PRECEDENCE_ATOM;
    case CR_EXPR_NEGATE:
      return PRECEDENCE_UNARY;
    case CR_EXPR_BINARY:
      return binary_precedence (expr->binary.op);
    case CR_EXPR_CALL:
    case CR_EXPR_SUBSCRIPT:
      return PRECEDENCE_POSTFIX;
    default:
      g_assert_not_reached ();
    }
}

static void print_expr (GString *out, const CrExpr *expr, Precedence context);

static void
print_call (GString *out, const CrCall *call)
{
  g_string_append (out, call->name);
  g_string_append_c (out, '(');
  for (guint i = 0; i < call->arguments->len; i++)
    {
      const CrArgument *argument = g_ptr_array_index (call->arguments, i);
      if (i > 0)
        g_string_append (out, ", ");
      if (argument->keyword != NULL)
        g_string_append_printf (out, "%s=", argument->keyword);
      print_expr (out, argument->value, PRECEDENCE_LOWEST);
    }
  g_string_append_c (out, ')');
}

/* Prints @expr where the grammar needs something that binds at least as tightly as @context,
 * adding parentheses when it binds more loosely. */
static void
print_expr (GString *out, const CrExpr *expr, Precedence context)
{
  gboolean parenthesise = expr_precedence (expr) < context;

  if (parenthesise)
    g_string_append_c (out, '(');
  switch (expr->kind)
    {
    case CR_EXPR_NUMBER:
      {
        char buffer[CR_LANG_NUMBER_BUFFER];
        cr_lang_format_number (expr->number, buffer);
        g_string_append (out, buffer);
      }
      break;
    case CR_EXPR_NAME:
      g_string_append (out, expr->name);
      break;
    case CR_EXPR_NEGATE:
      g_string_append_c (out, '-');
      print_expr (out, expr->operand, PRECEDENCE_UNARY);
      break;
    case CR_EXPR_BINARY:
      {
        Precedence own = binary_precedence (expr->binary.op);
        /* Left-associative operators need parentheses around a right operand of their own
         * strength (a - (b - c)); ^ is right-associative, takes a postfix expression on its
         * left ((-x) ^ 2, (a ^ b) ^ c) and a unary one on its right (a ^ -b). */
        Precedence left = own == PRECEDENCE_POWER ? PRECEDENCE_POSTFIX : own;
        Precedence right = own == PRECEDENCE_POWER ? PRECEDENCE_UNARY : own + 1;

        print_expr (out, expr->binary.left, left);
        g_string_append_printf (out, " %s ", binary_symbol (expr->binary.op));
        print_expr (out, expr->binary.right, right);
      }
      break;
    case CR_EXPR_CALL:
      print_call (out, expr->call);
      break;
    case CR_EXPR_SUBSCRIPT:
      print_expr (out, expr->subscript.base, PRECEDENCE_POSTFIX);
      g_string_append_c (out, '[');
      print_expr (out, expr->subscript.index, PRECEDENCE_LOWEST);
      g_string_append_c (out, ']');
      break;
    case CR_EXPR_VECTOR:
      g_string_append_c (out, '[');
      for (guint i = 0; i < expr->elements->len; i++)
        {
          if (i > 0)
            g_string_append (out, ", ");
          print_expr (out, g_ptr_array_index (expr->elements, i), PRECEDENCE_LOWEST);
        }
      g_string_append_c (out, ']');
      break;
    default:
      g_assert_not_reached ();
    }
  if (parenthesise)
    g_string_append_c (out, ')');
}

static void
print_statement (GString *out, const CrStatement *statement)
{
  switch (statement->kind)
    {
    case CR_STATEMENT_STOCHASTIC:
      g_string_append (out, statement->name);
      if (statement->size != NULL)
        {
          g_string_append_c (out, '[');
          print_expr (out, statement->size, PRECEDENCE_LOWEST);
          g_string_append_c (out, ']');
        }
      g_string_append (out, " ~ ");
      print_call (out, statement->distribution);
      break;
    case CR_STATEMENT_DETERMINISTIC:
    case CR_STATEMENT_LOCAL:
    case CR_STATEMENT_DATA:
      if (statement->kind == CR_STATEMENT_LOCAL)
        g_string_append (out, "local ");
      else if (statement->kind == CR_STATEMENT_DATA)
        g_string_append (out, "data ");
      g_string_append_printf (out, "%s = ", statement->name);
      print_expr (out, statement->value, PRECEDENCE_LOWEST);
      break;
    default:
      g_assert_not_reached ();
    }
}

/* Starts a new block with one empty line, except at the top of the file. */
static void
print_blank_line (GString *out, gboolean wanted)
{
  if (wanted && out->len > 0)
    g_string_append_c (out, '\n');
}

static void
print_comments (GString *out, const GPtrArray *comments)
{
  for (guint i = 0; i < comments->len; i++)
    {
      const CrComment *comment = g_ptr_array_index (comments, i);
      print_blank_line (out, comment->blank_line_before);
      g_string_append (out, comment->text);
      g_string_append_c (out, '\n');
    }
}

char *
cr_lang_print (const CrProgram *program)
{
  GString *out;

  g_return_val_if_fail (program != NULL, NULL);

  out = g_string_new (NULL);
  for (guint i = 0; i < program->statements->len; i++)
    {
      const CrStatement *statement = g_ptr_array_index (program->statements, i);

      print_comments (out, statement->comments);
      print_blank_line (out, statement->blank_line_before);
      print_statement (out, statement);
      if (statement->trailing_comment != NULL)
        g_string_append_printf (out, "  %s", statement->trailing_comment);
      g_string_append_c (out, '\n');
    }
  print_comments (out, program->end_comments);
  return g_string_free (out, FALSE);
}

char *
cr_lang_print_statement (const CrStatement *statement)
{
  GString *out;

  g_return_val_if_fail (statement != NULL, NULL);

  out = g_string_new (NULL);
  print_statement (out, statement);
  return g_string_free (out, FALSE);
}

char *
cr_lang_print_expr (const CrExpr *expr)
{
  GString *out;

  g_return_val_if_fail (expr != NULL, NULL);

  out = g_string_new (NULL);
  print_expr (out, expr, PRECEDENCE_LOWEST);
  return g_string_free (out, FALSE);
}
