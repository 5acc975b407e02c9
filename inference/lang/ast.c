/* ast.c: the syntax tree: constructors, copies, equality, edits and freeing. */
#include "lang/lang-private.h"

#include <math.h>
#include <string.h>

CrExpr *
cr_expr_alloc (CrExprKind kind)
{
  CrExpr *expr = g_new0 (CrExpr, 1);
  expr->kind = kind;
  return expr;
}

CrCall *
cr_call_alloc (char *name)
{
  CrCall *call = g_new0 (CrCall, 1);
  call->name = name;
  call->arguments = g_ptr_array_new_with_free_func ((GDestroyNotify) cr_argument_free);
  return call;
}

CrArgument *
cr_argument_new (char *keyword, CrExpr *value)
{
  CrArgument *argument = g_new0 (CrArgument, 1);
  argument->keyword = keyword;
  argument->value = value;
  return argument;
}

void
cr_argument_free (CrArgument *argument)
{
  if (argument == NULL)
    return;
  g_free (argument->keyword);
  cr_expr_free (argument->value);
  g_free (argument);
}

CrComment *
cr_comment_new (const char *text, const CrLangLocation *location)
{
  CrComment *comment = g_new0 (CrComment, 1);
  comment->text = g_strdup (text);
  if (location != NULL)
    comment->location = *location;
  return comment;
}

void
cr_comment_free (CrComment *comment)
{
  if (comment == NULL)
    return;
  g_free (comment->text);
  g_free (comment);
}

CrStatement *
cr_statement_alloc (CrStatementKind kind, char *name)
{
  CrStatement *statement = g_new0 (CrStatement, 1);
  statement->kind = kind;
  statement->name = name;
  statement->comments = g_ptr_array_new_with_free_func ((GDestroyNotify) cr_comment_free);
  return statement;
}

/* Constructors */

CrExpr *
cr_expr_new_number (double value)
{
  CrExpr *expr;

  g_return_val_if_fail (isfinite (value), NULL);

  expr = cr_expr_alloc (CR_EXPR_NUMBER);
  expr->number = value;
  return expr;
}

CrExpr *
cr_expr_new_name (const char *name)
{
  CrExpr *expr;

  g_return_val_if_fail (name != NULL && cr_lang_is_valid_name (name), NULL);

  expr = cr_expr_alloc (CR_EXPR_NAME);
  expr->name = g_strdup (name);
  return expr;
}

CrExpr *
cr_expr_new_negate (CrExpr *operand)
{
  CrExpr *expr;

  g_return_val_if_fail (operand != NULL, NULL);

  /* As the parser does, so that a built tree prints and reads back to itself. */
  if (operand->kind == CR_EXPR_NUMBER && !signbit (operand->number))
    {
      operand->number = -operand->number;
      return operand;
    }
  expr = cr_expr_alloc (CR_EXPR_NEGATE);
  expr->operand = operand;
  return expr;
}

CrExpr *
cr_expr_new_binary (CrBinaryOp op, CrExpr *left, CrExpr *right)
{
  CrExpr *expr;

  g_return_val_if_fail (op <= CR_BINARY_POWER, NULL);
  g_return_val_if_fail (left != NULL && right != NULL, NULL);

  expr = cr_expr_alloc (CR_EXPR_BINARY);
  expr->binary.op = op;
  expr->binary.left = left;
  expr->binary.right = right;
  return expr;
}

CrExpr *
cr_expr_new_call (CrCall *call)
{
  CrExpr *expr;

  g_return_val_if_fail (call != NULL, NULL);

  expr = cr_expr_alloc (CR_EXPR_CALL);
  expr->call = call;
  return expr;
}

CrExpr *
cr_expr_new_subscript (CrExpr *base, CrExpr *index)
{
  CrExpr *expr;

  g_return_val_if_fail (base != NULL && index != NULL, NULL);

  expr = cr_expr_alloc (CR_EXPR_SUBSCRIPT);
  expr->subscript.base = base;
  expr->subscript.index = index;
  return expr;
}

CrExpr *
cr_expr_new_vector (CrExpr *const *elements, size_t n_elements)
{
  CrExpr *expr;

  g_return_val_if_fail (elements != NULL && n_elements > 0, NULL);
  for (size_t i = 0; i < n_elements; i++)
    g_return_val_if_fail (elements[i] != NULL, NULL);

  expr = cr_expr_alloc (CR_EXPR_VECTOR);
  expr->elements = g_ptr_array_new_full ((guint) n_elements, (GDestroyNotify) cr_expr_free);
  for (size_t i = 0; i < n_elements; i++)
    g_ptr_array_add (expr->elements, elements[i]);
  return expr;
}

CrCall *
cr_call_new (const char *name)
{
  g_return_val_if_fail (name != NULL && cr_lang_is_valid_name (name), NULL);

  return cr_call_alloc (g_strdup (name));
}

CrStatement *
cr_statement_new_stochastic (const char *name, CrExpr *size, CrCall *distribution)
{
  CrStatement *statement;

  g_return_val_if_fail (name != NULL && cr_lang_is_valid_name (name), NULL);
  g_return_val_if_fail (distribution != NULL, NULL);

  statement = cr_statement_alloc (CR_STATEMENT_STOCHASTIC, g_strdup (name));
  statement->size = size;
  statement->distribution = distribution;
  return statement;
}

CrStatement *
cr_statement_new_assignment (CrStatementKind kind, const char *name, CrExpr *value)
{
  CrStatement *statement;

  g_return_val_if_fail (kind == CR_STATEMENT_DETERMINISTIC || kind == CR_STATEMENT_LOCAL
                            || kind == CR_STATEMENT_DATA,
                        NULL);
  g_return_val_if_fail (name != NULL && cr_lang_is_valid_name (name), NULL);
  g_return_val_if_fail (value != NULL, NULL);

  statement = cr_statement_alloc (kind, g_strdup (name));
  statement->value = value;
  return statement;
}

CrProgram *
cr_program_new (void)
{
  CrProgram *program = g_new0 (CrProgram, 1);
  program->statements = g_ptr_array_new_with_free_func ((GDestroyNotify) cr_statement_free);
  program->end_comments = g_ptr_array_new_with_free_func ((GDestroyNotify) cr_comment_free);
  return program;
}

/* Freeing */

void
cr_expr_free (CrExpr *expr)
{
  if (expr == NULL)
    return;
  switch (expr->kind)
    {
    case CR_EXPR_NUMBER:
      break;
    case CR_EXPR_NAME:
      g_free (expr->name);
      break;
    case CR_EXPR_NEGATE:
      cr_expr_free (expr->operand);
      break;
    case CR_EXPR_BINARY:
      cr_expr_free (expr->binary.left);
      cr_expr_free (expr->binary.right);
      break;
    case CR_EXPR_CALL:
      cr_call_free (expr->call);
      break;
    case CR_EXPR_SUBSCRIPT:
      cr_expr_free (expr->subscript.base);
      cr_expr_free (expr->subscript.index);
      break;
    case CR_EXPR_VECTOR:
      if (expr->elements != NULL)
        g_ptr_array_unref (expr->elements);
      break;
    default:
      g_assert_not_reached ();
    }
  g_free (expr);
}

void
cr_call_free (CrCall *call)
{
  if (call == NULL)
    return;
  g_free (call->name);
  g_ptr_array_unref (call->arguments);
  g_free (call);
}

void
cr_statement_free (CrStatement *statement)
{
  if (statement == NULL)
    return;
  g_free (statement->name);
  cr_expr_free (statement->size);
  cr_call_free (statement->distribution);
  cr_expr_free (statement->value);
  g_ptr_array_unref (statement->comments);
  g_free (statement->trailing_comment);
  g_free (statement);
}

void
cr_program_free (CrProgram *program)
{
  if (program == NULL)
    return;
  g_ptr_array_unref (program->statements);
  g_ptr_array_unref (program->end_comments);
  g_free (program);
}

/* Copies */

static CrArgument *
argument_copy (const CrArgument *argument)
{
  CrArgument *copy = cr_argument_new (g_strdup (argument->keyword),
                                      cr_expr_copy (argument->value));
  copy->location = argument->location;
  return copy;
}

CrCall *
cr_call_copy (const CrCall *call)
{
  CrCall *copy;

  g_return_val_if_fail (call != NULL, NULL);

  copy = cr_call_alloc (g_strdup (call->name));
  copy->location = call->location;
  for (guint i = 0; i < call->arguments->len; i++)
    g_ptr_array_add (copy->arguments, argument_copy (g_ptr_array_index (call->arguments, i)));
  return copy;
}

CrExpr *
cr_expr_copy (const CrExpr *expr)
{
  CrExpr *copy;

  g_return_val_if_fail (expr != NULL, NULL);

  copy = cr_expr_alloc (expr->kind);
  copy->location = expr->location;
  switch (expr->kind)
    {
    case CR_EXPR_NUMBER:
      copy->number = expr->number;
      break;
    case CR_EXPR_NAME:
      copy->name = g_strdup (expr->name);
      break;
    case CR_EXPR_NEGATE:
      copy->operand = cr_expr_copy (expr->operand);
      break;
    case CR_EXPR_BINARY:
      copy->binary.op = expr->binary.op;
      copy->binary.left = cr_expr_copy (expr->binary.left);
      copy->binary.right = cr_expr_copy (expr->binary.right);
      break;
    case CR_EXPR_CALL:
      copy->call = cr_call_copy (expr->call);
      break;
    case CR_EXPR_SUBSCRIPT:
      copy->subscript.base = cr_expr_copy (expr->subscript.base);
      copy->subscript.index = cr_expr_copy (expr->subscript.index);
      break;
    case CR_EXPR_VECTOR:
      copy->elements = g_ptr_array_new_full (expr->elements->len, (GDestroyNotify) cr_expr_free);
      for (guint i = 0; i < expr->elements->len; i++)
        g_ptr_array_add (copy->elements, cr_expr_copy (g_ptr_array_index (expr->elements, i)));
      break;
    default:
      g_assert_not_reached ();
    }
  return copy;
}

CrStatement *
cr_statement_copy (const CrStatement *statement)
{
  CrStatement *copy;

  g_return_val_if_fail (statement != NULL, NULL);

  copy = cr_statement_alloc (statement->kind, g_strdup (statement->name));
  copy->size = statement->size != NULL ? cr_expr_copy (statement->size) : NULL;
  copy->distribution = statement->distribution != NULL
                           ? cr_call_copy (statement->distribution)
                           : NULL;
  copy->value = statement->value != NULL ? cr_expr_copy (statement->value) : NULL;
  copy->location = statement->location;
  copy->name_location = statement->name_location;
  for (guint i = 0; i < statement->comments->len; i++)
    {
      const CrComment *comment = g_ptr_array_index (statement->comments, i);
      CrComment *comment_copy = cr_comment_new (comment->text, &comment->location);
      comment_copy->blank_line_before = comment->blank_line_before;
      g_ptr_array_add (copy->comments, comment_copy);
    }
  copy->trailing_comment = g_strdup (statement->trailing_comment);
  copy->blank_line_before = statement->blank_line_before;
  return copy;
}

/* Edits */

void
cr_call_append_argument (CrCall *call, const char *keyword, CrExpr *value)
{
  g_return_if_fail (call != NULL && value != NULL);
  g_return_if_fail (keyword == NULL || cr_lang_is_valid_name (keyword));

  g_ptr_array_add (call->arguments, cr_argument_new (g_strdup (keyword), value));
}

void
cr_call_set_argument (CrCall *call, size_t index, CrExpr *value)
{
  CrArgument *argument;

  g_return_if_fail (call != NULL && value != NULL);
  g_return_if_fail (index < call->arguments->len);

  argument = g_ptr_array_index (call->arguments, index);
  if (argument->value == value)
    return;
  cr_expr_free (argument->value);
  argument->value = value;
}

void
cr_call_remove_argument (CrCall *call, size_t index)
{
  g_return_if_fail (call != NULL);
  g_return_if_fail (index < call->arguments->len);

  g_ptr_array_remove_index (call->arguments, (guint) index);
}

gssize
cr_call_find_argument (const CrCall *call, const char *keyword)
{
  g_return_val_if_fail (call != NULL && keyword != NULL, -1);

  for (guint i = 0; i < call->arguments->len; i++)
    {
      const CrArgument *argument = g_ptr_array_index (call->arguments, i);
      if (g_strcmp0 (argument->keyword, keyword) == 0)
        return (gssize) i;
    }
  return -1;
}

void
cr_statement_set_value (CrStatement *statement, CrExpr *value)
{
  g_return_if_fail (statement != NULL && value != NULL);
  g_return_if_fail (statement->kind != CR_STATEMENT_STOCHASTIC);

  if (statement->value == value)
    return;
  cr_expr_free (statement->value);
  statement->value = value;
}

void
cr_statement_set_distribution (CrStatement *statement, CrCall *distribution)
{
  g_return_if_fail (statement != NULL && distribution != NULL);
  g_return_if_fail (statement->kind == CR_STATEMENT_STOCHASTIC);

  if (statement->distribution == distribution)
    return;
  cr_call_free (statement->distribution);
  statement->distribution = distribution;
}

void
cr_statement_set_size (CrStatement *statement, CrExpr *size)
{
  g_return_if_fail (statement != NULL);
  g_return_if_fail (statement->kind == CR_STATEMENT_STOCHASTIC);

  if (statement->size == size)
    return;
  cr_expr_free (statement->size);
  statement->size = size;
}

void
cr_statement_rename (CrStatement *statement, const char *name)
{
  g_return_if_fail (statement != NULL);
  g_return_if_fail (name != NULL && cr_lang_is_valid_name (name));

  g_free (statement->name);
  statement->name = g_strdup (name);
}

void
cr_program_insert (CrProgram *program, gssize position, CrStatement *statement)
{
  g_return_if_fail (program != NULL && statement != NULL);
  g_return_if_fail (position >= -1 && position <= (gssize) program->statements->len);

  if (position < 0)
    position = program->statements->len;
  g_ptr_array_insert (program->statements, (gint) position, statement);
}

void
cr_program_remove (CrProgram *program, size_t position)
{
  g_return_if_fail (program != NULL);
  g_return_if_fail (position < program->statements->len);

  g_ptr_array_remove_index (program->statements, (guint) position);
}

/* Equality */

static gboolean
same_double (double a, double b)
{
  return a == b && signbit (a) == signbit (b);
}

gboolean
cr_call_equal (const CrCall *a, const CrCall *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  if (strcmp (a->name, b->name) != 0 || a->arguments->len != b->arguments->len)
    return FALSE;
  for (guint i = 0; i < a->arguments->len; i++)
    {
      const CrArgument *argument_a = g_ptr_array_index (a->arguments, i);
      const CrArgument *argument_b = g_ptr_array_index (b->arguments, i);
      if (g_strcmp0 (argument_a->keyword, argument_b->keyword) != 0
          || !cr_expr_equal (argument_a->value, argument_b->value))
        return FALSE;
    }
  return TRUE;
}

gboolean
cr_expr_equal (const CrExpr *a, const CrExpr *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  if (a->kind != b->kind)
    return FALSE;
  switch (a->kind)
    {
    case CR_EXPR_NUMBER:
      return same_double (a->number, b->number);
    case CR_EXPR_NAME:
      return strcmp (a->name, b->name) == 0;
    case CR_EXPR_NEGATE:
      return cr_expr_equal (a->operand, b->operand);
    case CR_EXPR_BINARY:
      return a->binary.op == b->binary.op && cr_expr_equal (a->binary.left, b->binary.left)
             && cr_expr_equal (a->binary.right, b->binary.right);
    case CR_EXPR_CALL:
      return cr_call_equal (a->call, b->call);
    case CR_EXPR_SUBSCRIPT:
      return cr_expr_equal (a->subscript.base, b->subscript.base)
             && cr_expr_equal (a->subscript.index, b->subscript.index);
    case CR_EXPR_VECTOR:
      if (a->elements->len != b->elements->len)
        return FALSE;
      for (guint i = 0; i < a->elements->len; i++)
        if (!cr_expr_equal (g_ptr_array_index (a->elements, i),
                            g_ptr_array_index (b->elements, i)))
          return FALSE;
      return TRUE;
    default:
      g_assert_not_reached ();
    }
}

gboolean
cr_statement_equal (const CrStatement *a, const CrStatement *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return a->kind == b->kind && strcmp (a->name, b->name) == 0
         && cr_expr_equal (a->size, b->size) && cr_call_equal (a->distribution, b->distribution)
         && cr_expr_equal (a->value, b->value);
}

gboolean
cr_program_equal (const CrProgram *a, const CrProgram *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  if (a->statements->len != b->statements->len)
    return FALSE;
  for (guint i = 0; i < a->statements->len; i++)
    if (!cr_statement_equal (g_ptr_array_index (a->statements, i),
                             g_ptr_array_index (b->statements, i)))
      return FALSE;
  return TRUE;
}
