/* check.c: the errors that the tree alone shows, without data or the distribution table. */
#include "lang/lang-private.h"

#include <math.h>
#include <string.h>

/* Sizes above this cannot be allocated as doubles on any machine we run on, and keep the
 * model layer's conversion to size_t well defined. */
#define CR_LANG_MAX_SIZE 2147483647.0

typedef struct
{
  const GArray *line_lengths;
  GPtrArray *diagnostics;
} CrChecker;

/* The definitions of one name seen so far: a value (data, deterministic or local) and a
 * distribution. A name may have both only when the value is data: `y ~ ...` observes it. */
typedef struct
{
  const CrStatement *value;
  const CrStatement *stochastic;
} CrDefinitions;

static void check_expr (CrChecker *checker, const CrExpr *expr);

/* Writes " at LINE:COLUMN" for a located node, nothing for one made by a constructor. */
static char *
describe_place (const CrLangLocation *location)
{
  if (location->line == 0)
    return g_strdup ("");
  return g_strdup_printf (" at %u:%u", location->line, location->column);
}

static void
check_call (CrChecker *checker, const CrCall *call)
{
  const CrArgument *first_keyword = NULL;

  for (guint i = 0; i < call->arguments->len; i++)
    {
      const CrArgument *argument = g_ptr_array_index (call->arguments, i);

      if (argument->keyword == NULL && first_keyword != NULL)
        {
          g_autofree char *text = cr_lang_print_expr (argument->value);
          cr_lang_add_diagnostic_at (checker->diagnostics, checker->line_lengths,
                                     CR_LANG_ERROR_ARGUMENT_ORDER, &argument->location,
                                     "positional argument '%s' after the keyword argument '%s' "
                                     "in the call to %s; put positional arguments first, or "
                                     "give this one its keyword",
                                     text, first_keyword->keyword, call->name);
        }
      if (argument->keyword != NULL)
        {
          if (first_keyword == NULL)
            first_keyword = argument;
          for (guint j = 0; j < i; j++)
            {
              const CrArgument *earlier = g_ptr_array_index (call->arguments, j);
              if (g_strcmp0 (earlier->keyword, argument->keyword) == 0)
                {
                  g_autofree char *place = describe_place (&earlier->location);
                  cr_lang_add_diagnostic_at (checker->diagnostics, checker->line_lengths,
                                             CR_LANG_ERROR_DUPLICATE, &argument->location,
                                             "the keyword argument '%s' of %s is given twice "
                                             "(first%s); remove one of them",
                                             argument->keyword, call->name, place);
                  break;
                }
            }
        }
      check_expr (checker, argument->value);
    }
}

static void
check_expr (CrChecker *checker, const CrExpr *expr)
{
  switch (expr->kind)
    {
    case CR_EXPR_NUMBER:
    case CR_EXPR_NAME:
      break;
    case CR_EXPR_NEGATE:
      check_expr (checker, expr->operand);
      break;
    case CR_EXPR_BINARY:
      check_expr (checker, expr->binary.left);
      check_expr (checker, expr->binary.right);
      break;
    case CR_EXPR_CALL:
      check_call (checker, expr->call);
      break;
    case CR_EXPR_SUBSCRIPT:
      check_expr (checker, expr->subscript.base);
      check_expr (checker, expr->subscript.index);
      break;
    case CR_EXPR_VECTOR:
      for (guint i = 0; i < expr->elements->len; i++)
        check_expr (checker, g_ptr_array_index (expr->elements, i));
      break;
    default:
      g_assert_not_reached ();
    }
}

/* LANGUAGE.md: a size is an integer literal, a data constant or a categorical column. */
static void
check_size (CrChecker *checker, const CrStatement *statement)
{
  const CrExpr *size = statement->size;
  g_autofree char *text = NULL;

  if (size->kind == CR_EXPR_NAME)
    return;
  if (size->kind == CR_EXPR_NUMBER && size->number >= 1.0 && size->number <= CR_LANG_MAX_SIZE
      && size->number == floor (size->number))
    return;

  text = cr_lang_print_expr (size);
  if (size->kind == CR_EXPR_NUMBER)
    cr_lang_add_diagnostic_at (checker->diagnostics, checker->line_lengths,
                               CR_LANG_ERROR_SIZE, &size->location,
                               "the size of %s is %s; a size is a whole number from 1 to %.0f",
                               statement->name, text, CR_LANG_MAX_SIZE);
  else
    cr_lang_add_diagnostic_at (checker->diagnostics, checker->line_lengths,
                               CR_LANG_ERROR_SIZE, &size->location,
                               "the size of %s is '%s'; a size is a whole number or a name, so "
                               "define it first, as in data K = %s, and write %s[K]",
                               statement->name, text, text, statement->name);
}

static void
check_definition (CrChecker *checker, GHashTable *definitions, const CrStatement *statement)
{
  CrDefinitions *seen = g_hash_table_lookup (definitions, statement->name);
  const CrStatement *clash = NULL;

  if (seen == NULL)
    {
      seen = g_new0 (CrDefinitions, 1);
      g_hash_table_insert (definitions, statement->name, seen);
    }

  if (statement->kind == CR_STATEMENT_STOCHASTIC)
    {
      if (seen->stochastic != NULL)
        clash = seen->stochastic;
      else if (seen->value != NULL && seen->value->kind != CR_STATEMENT_DATA)
        clash = seen->value;
    }
  else
    {
      if (seen->value != NULL)
        clash = seen->value;
      else if (seen->stochastic != NULL && statement->kind != CR_STATEMENT_DATA)
        clash = seen->stochastic;
    }

  if (clash != NULL)
    {
      g_autofree char *place = describe_place (&clash->name_location);
      cr_lang_add_diagnostic_at (checker->diagnostics, checker->line_lengths,
                                 CR_LANG_ERROR_DUPLICATE, &statement->name_location,
                                 "'%s' is already defined%s; rename one of them or remove one",
                                 statement->name, place);
      return;
    }
  if (statement->kind == CR_STATEMENT_STOCHASTIC)
    seen->stochastic = statement;
  else
    seen->value = statement;
}

void
cr_lang_check_program (const CrProgram *program,
                       const GArray *line_lengths,
                       GPtrArray *diagnostics)
{
  CrChecker checker = { line_lengths, diagnostics };
  g_autoptr (GHashTable) definitions = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                              g_free);

  for (guint i = 0; i < program->statements->len; i++)
    {
      const CrStatement *statement = g_ptr_array_index (program->statements, i);

      check_definition (&checker, definitions, statement);
      if (statement->size != NULL)
        {
          check_size (&checker, statement);
          check_expr (&checker, statement->size);
        }
      if (statement->distribution != NULL)
        check_call (&checker, statement->distribution);
      if (statement->value != NULL)
        check_expr (&checker, statement->value);
    }
}

gboolean
cr_program_check (const CrProgram *program,
                  const char *filename,
                  GPtrArray **diagnostics,
                  GError **error)
{
  g_autoptr (GPtrArray) found = cr_lang_diagnostics_new ();
  gboolean ok;

  g_return_val_if_fail (program != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  cr_lang_check_program (program, NULL, found);
  ok = cr_lang_diagnostics_to_error (found, filename, error);
  if (diagnostics != NULL)
    *diagnostics = g_steal_pointer (&found);
  return ok;
}
