/* test-lang.c: the .crm lexer, parser, printer, checks and name suggestions (inference/lang/). */
#include "lang/lang.h"

#include <float.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <string.h>

/* The lexer reads numbers with glibc's correctly rounded strtod, as the compiler reads the
 * same literal, and the printer writes numbers that read back to the same double: numbers are
 * compared for equality, the tolerance is zero. */

static const char *const conformance_models[] = {
  "ab_test.crm",
  "coin.crm",
  "eight_schools_c.crm",
  "eight_schools_nc.crm",
  "hier_intercepts.crm",
  "linreg.crm",
  "logistic.crm",
  "logistic_big.crm",
  "poisson.crm",
};

/* Helpers */

static char *
model_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", "lang", name, NULL);
}

static char *
read_model (const char *name, size_t *length)
{
  g_autofree char *path = model_path (name);
  g_autoptr (GError) error = NULL;
  char *contents = NULL;
  gsize n = 0;

  g_file_get_contents (path, &contents, &n, &error);
  g_assert_no_error (error);
  *length = n;
  return contents;
}

/* Parses @text (a C string) from an exact-length copy, so ASan sees any read past the end,
 * and fails the test on an error. */
static CrProgram *
parse_ok (const char *text)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) diagnostics = NULL;
  size_t length = strlen (text);
  g_autofree char *copy = g_memdup2 (text, length);
  CrProgram *program = cr_lang_parse (copy, (gssize) length, "model.crm", &diagnostics, &error);

  g_assert_no_error (error);
  g_assert_nonnull (program);
  g_assert_cmpuint (diagnostics->len, ==, 0);
  return program;
}

static guint
count_comments (const CrProgram *program)
{
  guint n = program->end_comments->len;

  for (guint i = 0; i < program->statements->len; i++)
    {
      const CrStatement *statement = g_ptr_array_index (program->statements, i);
      n += statement->comments->len + (statement->trailing_comment != NULL ? 1 : 0);
    }
  return n;
}

/* print (program) parses back to an equal program with the same comments, and printing that
 * gives the same text. */
static void
assert_round_trip (const CrProgram *program)
{
  g_autofree char *printed = cr_lang_print (program);
  g_autoptr (GError) error = NULL;
  g_autoptr (CrProgram) reparsed = cr_lang_parse (printed, -1, "printed.crm", NULL, &error);
  g_autofree char *reprinted = NULL;

  if (error != NULL)
    g_error ("printed text does not parse: %s\n--- text:\n%s", error->message, printed);
  g_assert_true (cr_program_equal (program, reparsed));
  g_assert_cmpuint (count_comments (program), ==, count_comments (reparsed));
  reprinted = cr_lang_print (reparsed);
  g_assert_cmpstr (printed, ==, reprinted);
}

/* Parses @text, expecting errors; returns the diagnostics and checks the GError against them. */
static GPtrArray *
parse_errors (const char *text, CrLangError first_code)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *diagnostics = NULL;
  size_t length = strlen (text);
  g_autofree char *copy = g_memdup2 (text, length);
  g_autoptr (CrProgram) program = cr_lang_parse (copy, (gssize) length, "model.crm",
                                                 &diagnostics, &error);
  g_auto (GStrv) lines = NULL;

  g_assert_null (program);
  g_assert_error (error, CR_LANG_ERROR, (gint) first_code);
  g_assert_cmpuint (diagnostics->len, >, 0);

  /* The GError holds every diagnostic, one per line, in order, with its location. */
  lines = g_strsplit (error->message, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, diagnostics->len);
  for (guint i = 0; i < diagnostics->len; i++)
    {
      const CrLangDiagnostic *diagnostic = g_ptr_array_index (diagnostics, i);
      g_autofree char *expected = g_strdup_printf ("model.crm:%u:%u: %s", diagnostic->line,
                                                   diagnostic->column, diagnostic->message);
      g_assert_cmpstr (lines[i], ==, expected);
    }
  return diagnostics;
}

/* Checks diagnostic @index: code, place and the start of its message. */
static void
assert_diagnostic (const GPtrArray *diagnostics,
                   guint index,
                   CrLangError code,
                   guint line,
                   guint column,
                   guint end_column,
                   const char *message_start)
{
  const CrLangDiagnostic *diagnostic;

  g_assert_cmpuint (index, <, diagnostics->len);
  diagnostic = g_ptr_array_index (diagnostics, index);
  g_assert_cmpint (diagnostic->code, ==, code);
  g_assert_cmpuint (diagnostic->line, ==, line);
  g_assert_cmpuint (diagnostic->column, ==, column);
  g_assert_cmpuint (diagnostic->end_column, ==, end_column);
  if (!g_str_has_prefix (diagnostic->message, message_start))
    g_error ("message '%s' does not start with '%s'", diagnostic->message, message_start);
}

static void
assert_message_contains (const GPtrArray *diagnostics, guint index, const char *needle)
{
  const CrLangDiagnostic *diagnostic = g_ptr_array_index (diagnostics, index);
  if (strstr (diagnostic->message, needle) == NULL)
    g_error ("message '%s' does not contain '%s'", diagnostic->message, needle);
}

/* Lexer */

typedef struct
{
  CrLangTokenKind kind;
  guint line;
  guint column;
  guint end_column;
  const char *text;
} ExpectedToken;

static void
assert_tokens (const char *text, const ExpectedToken *expected, size_t n_expected)
{
  g_autoptr (GPtrArray) diagnostics = NULL;
  g_autoptr (GArray) tokens = cr_lang_tokenize (text, -1, &diagnostics);

  g_assert_cmpuint (tokens->len, ==, n_expected);
  for (size_t i = 0; i < n_expected; i++)
    {
      const CrLangToken *token = &g_array_index (tokens, CrLangToken, i);
      g_autofree char *token_text = g_strndup (text + token->offset, token->length);

      if (token->kind != expected[i].kind || token->line != expected[i].line
          || token->column != expected[i].column || token->end_column != expected[i].end_column
          || strcmp (token_text, expected[i].text) != 0)
        g_error ("token %zu: got kind %d at %u:%u-%u '%s', expected kind %d at %u:%u-%u '%s'", i,
                 token->kind, token->line, token->column, token->end_column, token_text,
                 expected[i].kind, expected[i].line, expected[i].column, expected[i].end_column,
                 expected[i].text);
    }
}

static void
test_lexer_tokens (void)
{
  const char *text = "data local x_1 = 2.5 + - * / ^ @ ~ , ( ) [ ]  # note é\n"
                     "\t.5 1e-3 7\n";
  const ExpectedToken expected[] = {
    { CR_LANG_TOKEN_DATA, 1, 1, 5, "data" },
    { CR_LANG_TOKEN_LOCAL, 1, 6, 11, "local" },
    { CR_LANG_TOKEN_NAME, 1, 12, 15, "x_1" },
    { CR_LANG_TOKEN_EQUALS, 1, 16, 17, "=" },
    { CR_LANG_TOKEN_NUMBER, 1, 18, 21, "2.5" },
    { CR_LANG_TOKEN_PLUS, 1, 22, 23, "+" },
    { CR_LANG_TOKEN_MINUS, 1, 24, 25, "-" },
    { CR_LANG_TOKEN_STAR, 1, 26, 27, "*" },
    { CR_LANG_TOKEN_SLASH, 1, 28, 29, "/" },
    { CR_LANG_TOKEN_CARET, 1, 30, 31, "^" },
    { CR_LANG_TOKEN_AT, 1, 32, 33, "@" },
    { CR_LANG_TOKEN_TILDE, 1, 34, 35, "~" },
    { CR_LANG_TOKEN_COMMA, 1, 36, 37, "," },
    { CR_LANG_TOKEN_LEFT_PAREN, 1, 38, 39, "(" },
    { CR_LANG_TOKEN_RIGHT_PAREN, 1, 40, 41, ")" },
    { CR_LANG_TOKEN_LEFT_BRACKET, 1, 42, 43, "[" },
    { CR_LANG_TOKEN_RIGHT_BRACKET, 1, 44, 45, "]" },
    /* The comment's end counts 'é' as one column. */
    { CR_LANG_TOKEN_COMMENT, 1, 47, 55, "# note é" },
    /* A line end points just after the line's last token that is not a comment. */
    { CR_LANG_TOKEN_NEWLINE, 1, 45, 46, "" },
    { CR_LANG_TOKEN_NUMBER, 2, 2, 4, ".5" },
    { CR_LANG_TOKEN_NUMBER, 2, 5, 9, "1e-3" },
    { CR_LANG_TOKEN_NUMBER, 2, 10, 11, "7" },
    { CR_LANG_TOKEN_NEWLINE, 2, 11, 12, "" },
    { CR_LANG_TOKEN_END, 3, 1, 2, "" },
  };

  assert_tokens (text, expected, G_N_ELEMENTS (expected));
}

static void
test_lexer_numbers (void)
{
  const struct
  {
    const char *text;
    double value;
  } cases[] = {
    { "1", 1.0 },
    { "2.5", 2.5 },
    { "1e-3", 1e-3 },
    { ".5", 0.5 },
    { "1.", 1.0 },
    { "1E+2", 1e2 },
    { "007", 7.0 },
    { "0.1", 0.1 },
    { "6.02214076e23", 6.02214076e23 },
    { "4.9406564584124654e-324", 4.9406564584124654e-324 },
    { "1.7976931348623157e308", DBL_MAX },
  };

  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GPtrArray) diagnostics = NULL;
      g_autoptr (GArray) tokens = cr_lang_tokenize (cases[i].text, -1, &diagnostics);
      const CrLangToken *token = &g_array_index (tokens, CrLangToken, 0);

      g_assert_cmpuint (diagnostics->len, ==, 0);
      g_assert_cmpuint (tokens->len, ==, 2);
      g_assert_cmpint (token->kind, ==, CR_LANG_TOKEN_NUMBER);
      g_assert_cmpuint (token->length, ==, strlen (cases[i].text));
      g_assert_cmpfloat (token->value, ==, cases[i].value);
    }
}

static void
test_lexer_errors (void)
{
  const struct
  {
    const char *text;
    guint column;
    guint end_column;
    const char *message_start;
  } cases[] = {
    { "a $ b", 3, 4, "unexpected character '$'" },
    { "x = 1e + 2", 5, 7, "'1e' is not a number" },
    { "x = 1e-", 5, 8, "'1e-' is not a number" },
    { "x = 2x", 5, 7, "'2x' is not a number; to multiply, write 2 * x" },
    { "x = 1.2.3", 5, 10, "'1.2.3' is not a number" },
    { "x = 1e999", 5, 10, "'1e999' is too large" },
    { "x = a ** 2", 7, 9, "unexpected '**'; write a power as x ^ 2" },
    { "x = a; y", 6, 7, "unexpected character ';'" },
    { "x = \xc3\xa9", 5, 6, "unexpected character 'é'; names use only the ASCII letters" },
    { "x = \xff + 1", 5, 6, "found the byte 0xFF, which is not UTF-8" },
    { "x = 1 # bad \xc3", 13, 14, "found the byte 0xC3 in a comment, which is not UTF-8" },
  };

  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GPtrArray) diagnostics = NULL;
      g_autoptr (GArray) tokens = cr_lang_tokenize (cases[i].text, -1, &diagnostics);
      gboolean has_error_token = FALSE;

      g_assert_cmpuint (diagnostics->len, ==, 1);
      assert_diagnostic (diagnostics, 0, CR_LANG_ERROR_SYNTAX, 1, cases[i].column,
                         cases[i].end_column, cases[i].message_start);
      for (guint t = 0; t < tokens->len; t++)
        if (g_array_index (tokens, CrLangToken, t).kind == CR_LANG_TOKEN_ERROR)
          has_error_token = TRUE;
      /* A bad byte inside a comment leaves the comment a comment. */
      g_assert_true (has_error_token || strchr (cases[i].text, '#') != NULL);
    }
}

static void
test_lexer_line_ends (void)
{
  /* CR LF, a lone CR and LF each end one line; a byte-order mark takes no column. */
  const char *text = "\xef\xbb\xbf"
                     "a\r\nb\rc\n d";
  const ExpectedToken expected[] = {
    { CR_LANG_TOKEN_NAME, 1, 1, 2, "a" },
    { CR_LANG_TOKEN_NEWLINE, 1, 2, 3, "" },
    { CR_LANG_TOKEN_NAME, 2, 1, 2, "b" },
    { CR_LANG_TOKEN_NEWLINE, 2, 2, 3, "" },
    { CR_LANG_TOKEN_NAME, 3, 1, 2, "c" },
    { CR_LANG_TOKEN_NEWLINE, 3, 2, 3, "" },
    { CR_LANG_TOKEN_NAME, 4, 2, 3, "d" },
    { CR_LANG_TOKEN_END, 4, 3, 4, "" },
  };

  assert_tokens (text, expected, G_N_ELEMENTS (expected));
}

static void
test_lexer_valid_names (void)
{
  g_assert_true (cr_lang_is_valid_name ("mu"));
  g_assert_true (cr_lang_is_valid_name ("_x9"));
  g_assert_true (cr_lang_is_valid_name ("dataset"));
  g_assert_false (cr_lang_is_valid_name (""));
  g_assert_false (cr_lang_is_valid_name ("9x"));
  g_assert_false (cr_lang_is_valid_name ("a-b"));
  g_assert_false (cr_lang_is_valid_name ("data"));
  g_assert_false (cr_lang_is_valid_name ("local"));
  g_assert_false (cr_lang_is_valid_name ("\xcf\x83"));
}

/* Parser */

/* Parses "x = @text" and returns the printed right-hand side. */
static char *
print_parsed_expr (const char *text)
{
  g_autofree char *statement = g_strdup_printf ("x = %s\n", text);
  g_autoptr (CrProgram) program = parse_ok (statement);
  const CrStatement *parsed = g_ptr_array_index (program->statements, 0);

  assert_round_trip (program);
  return cr_lang_print_expr (parsed->value);
}

static void
test_parse_precedence (void)
{
  const struct
  {
    const char *text;
    const char *printed;
  } cases[] = {
    { "a + b * c ^ -d", "a + b * c ^ -d" },
    { "-x^2", "-x ^ 2" },
    { "(a + b) * c", "(a + b) * c" },
    { "X @ b + c", "X @ b + c" },
    { "a - (b - c)", "a - (b - c)" },
    { "(a - b) - c", "a - b - c" },
    { "a + (b + c)", "a + (b + c)" },
    { "a / b * c", "a / b * c" },
    { "a / (b * c)", "a / (b * c)" },
    { "a ^ b ^ c", "a ^ b ^ c" },
    { "(a ^ b) ^ c", "(a ^ b) ^ c" },
    { "(-x) ^ 2", "(-x) ^ 2" },
    { "(-1) ^ 2", "(-1) ^ 2" },
    { "-1 ^ 2", "-1 ^ 2" },
    { "2 ^ -1", "2 ^ -1" },
    { "-(a + b)", "-(a + b)" },
    { "--x", "--x" },
    { "- -1", "--1" },
    { "a * -b", "a * -b" },
    { "a - -1", "a - -1" },
    { "exp(x)[0] + v[i + 1]", "exp(x)[0] + v[i + 1]" },
    { "(a + b)[i]", "(a + b)[i]" },
    { "(-1)[0]", "(-1)[0]" },
    { "f(a, k=b+c)", "f(a, k=b + c)" },
    { "[1,2,-3]", "[1, 2, -3]" },
    { "((a))", "a" },
    { "f()", "f()" },
    { "1.50 + 1e3 + 1E-07 + .5", "1.5 + 1000 + 1e-7 + 0.5" },
  };

  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *printed = print_parsed_expr (cases[i].text);
      g_assert_cmpstr (printed, ==, cases[i].printed);
    }
}

static void
test_parse_tree_shape (void)
{
  g_autoptr (CrProgram) program = parse_ok ("a = -x^2\n"
                                            "b = X @ b + c\n"
                                            "c = a ^ b ^ c\n"
                                            "d = -3\n");
  const CrStatement *a = g_ptr_array_index (program->statements, 0);
  const CrStatement *b = g_ptr_array_index (program->statements, 1);
  const CrStatement *c = g_ptr_array_index (program->statements, 2);
  const CrStatement *d = g_ptr_array_index (program->statements, 3);

  /* -x^2 is -(x^2). */
  g_assert_cmpint (a->value->kind, ==, CR_EXPR_NEGATE);
  g_assert_cmpint (a->value->operand->kind, ==, CR_EXPR_BINARY);
  g_assert_cmpint (a->value->operand->binary.op, ==, CR_BINARY_POWER);
  /* X @ b + c is (X @ b) + c. */
  g_assert_cmpint (b->value->binary.op, ==, CR_BINARY_ADD);
  g_assert_cmpint (b->value->binary.left->binary.op, ==, CR_BINARY_MATMUL);
  /* ^ is right-associative. */
  g_assert_cmpint (c->value->binary.op, ==, CR_BINARY_POWER);
  g_assert_cmpint (c->value->binary.left->kind, ==, CR_EXPR_NAME);
  g_assert_cmpint (c->value->binary.right->binary.op, ==, CR_BINARY_POWER);
  /* A minus sign is folded into a number, and the number's location includes it. */
  g_assert_cmpint (d->value->kind, ==, CR_EXPR_NUMBER);
  g_assert_cmpfloat (d->value->number, ==, -3.0);
  g_assert_cmpuint (d->value->location.column, ==, 5);
  g_assert_cmpuint (d->value->location.end_column, ==, 7);
}

static void
assert_location (const CrLangLocation *location,
                 guint line,
                 guint column,
                 guint end_line,
                 guint end_column)
{
  if (location->line != line || location->column != column || location->end_line != end_line
      || location->end_column != end_column)
    g_error ("location %u:%u-%u:%u, expected %u:%u-%u:%u", location->line, location->column,
             location->end_line, location->end_column, line, column, end_line, end_column);
}

static void
test_parse_statements (void)
{
  g_autoptr (CrProgram) program = parse_ok ("data n = 50\n"
                                            "y_obs ~ Normal(0, 1, observed=y)\n"
                                            "theta[J] ~ Normal(mu=0, sigma=1)\n"
                                            "local eta = X @ beta\n"
                                            "mu = a + b * x\n"
                                            "w ~ Dirichlet([1, 1], transform=ordered, shape=3)\n"
                                            "data y = stack(x1, x2)\n");
  const CrStatement *statement;
  const CrArgument *argument;

  g_assert_cmpuint (program->statements->len, ==, 7);

  statement = g_ptr_array_index (program->statements, 0);
  g_assert_cmpint (statement->kind, ==, CR_STATEMENT_DATA);
  g_assert_cmpstr (statement->name, ==, "n");
  g_assert_cmpfloat (statement->value->number, ==, 50.0);
  assert_location (&statement->location, 1, 1, 1, 12);
  assert_location (&statement->name_location, 1, 6, 1, 7);

  statement = g_ptr_array_index (program->statements, 1);
  g_assert_cmpint (statement->kind, ==, CR_STATEMENT_STOCHASTIC);
  g_assert_null (statement->size);
  g_assert_null (statement->value);
  g_assert_cmpstr (statement->distribution->name, ==, "Normal");
  g_assert_cmpuint (statement->distribution->arguments->len, ==, 3);
  assert_location (&statement->distribution->location, 2, 9, 2, 33);
  argument = g_ptr_array_index (statement->distribution->arguments, 0);
  g_assert_null (argument->keyword);
  assert_location (&argument->location, 2, 16, 2, 17);
  argument = g_ptr_array_index (statement->distribution->arguments, 2);
  g_assert_cmpstr (argument->keyword, ==, "observed");
  g_assert_cmpstr (argument->value->name, ==, "y");
  assert_location (&argument->location, 2, 22, 2, 32);
  g_assert_cmpint (cr_call_find_argument (statement->distribution, "observed"), ==, 2);
  g_assert_cmpint (cr_call_find_argument (statement->distribution, "mu"), ==, -1);

  statement = g_ptr_array_index (program->statements, 2);
  g_assert_cmpint (statement->kind, ==, CR_STATEMENT_STOCHASTIC);
  g_assert_cmpint (statement->size->kind, ==, CR_EXPR_NAME);
  g_assert_cmpstr (statement->size->name, ==, "J");
  assert_location (&statement->size->location, 3, 7, 3, 8);

  statement = g_ptr_array_index (program->statements, 3);
  g_assert_cmpint (statement->kind, ==, CR_STATEMENT_LOCAL);
  g_assert_cmpstr (statement->name, ==, "eta");
  g_assert_cmpint (statement->value->binary.op, ==, CR_BINARY_MATMUL);
  assert_location (&statement->value->location, 4, 13, 4, 21);

  statement = g_ptr_array_index (program->statements, 4);
  g_assert_cmpint (statement->kind, ==, CR_STATEMENT_DETERMINISTIC);

  statement = g_ptr_array_index (program->statements, 5);
  argument = g_ptr_array_index (statement->distribution->arguments, 0);
  g_assert_cmpint (argument->value->kind, ==, CR_EXPR_VECTOR);
  g_assert_cmpuint (argument->value->elements->len, ==, 2);
  argument = g_ptr_array_index (statement->distribution->arguments, 1);
  g_assert_cmpstr (argument->keyword, ==, "transform");
  g_assert_cmpstr (argument->value->name, ==, "ordered");

  statement = g_ptr_array_index (program->statements, 6);
  g_assert_cmpint (statement->value->kind, ==, CR_EXPR_CALL);
  g_assert_cmpstr (statement->value->call->name, ==, "stack");

  assert_round_trip (program);
}

static void
test_parse_multiline (void)
{
  g_autoptr (CrProgram) program = parse_ok ("data X = stack(x1,  # first column\n"
                                            "               x2,\n"
                                            "\n"
                                            "               x3\n"
                                            "               )\n"
                                            "y ~ Normal(a\n"
                                            "           + b, sigma)  # likelihood\n");
  const CrStatement *stack = g_ptr_array_index (program->statements, 0);
  const CrStatement *y = g_ptr_array_index (program->statements, 1);
  g_autofree char *printed = cr_lang_print (program);

  g_assert_cmpuint (program->statements->len, ==, 2);
  g_assert_cmpuint (stack->value->call->arguments->len, ==, 3);
  assert_location (&stack->location, 1, 1, 5, 17);
  assert_location (&y->location, 6, 1, 7, 23);
  g_assert_cmpint (y->distribution->arguments->len, ==, 2);
  /* The comment inside a statement moves above it, which prints on one line. */
  g_assert_cmpstr (printed, ==,
                   "# first column\n"
                   "data X = stack(x1, x2, x3)\n"
                   "y ~ Normal(a + b, sigma)  # likelihood\n");
  assert_round_trip (program);
}

/* Round trips */

static void
test_round_trip_conformance (void)
{
  for (size_t m = 0; m < G_N_ELEMENTS (conformance_models); m++)
    {
      g_autofree char *path = model_path (conformance_models[m]);
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) diagnostics = NULL;
      g_autoptr (CrProgram) program = cr_lang_parse_file (path, &diagnostics, &error);
      g_autofree char *printed = NULL;
      g_autofree char *original = NULL;
      size_t length;

      g_assert_no_error (error);
      g_assert_cmpuint (diagnostics->len, ==, 0);
      g_assert_cmpuint (program->statements->len, >=, 4);
      /* Every model opens with a comment, which stays above the first statement. */
      g_assert_cmpuint (((CrStatement *) g_ptr_array_index (program->statements, 0))->comments->len,
                        ==, 1);
      assert_round_trip (program);

      /* The conformance models are written canonically already. */
      printed = cr_lang_print (program);
      original = read_model (conformance_models[m], &length);
      g_assert_cmpstr (printed, ==, original);
    }
}

static void
test_round_trip_numbers (void)
{
  const double values[] = {
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.1,
    1.0 / 3.0,
    2.0 / 3.0,
    100.0,
    1e-5,
    1.5e-7,
    123456.789,
    1e14,
    999999999999999.0,
    1e15,
    1e21,
    9007199254740993.0,
    1e300,
    -2.5e-300,
    DBL_MAX,
    DBL_MIN,
    4.9406564584124654e-324,
    M_PI,
    -M_E,
    0.30000000000000004,
  };

  for (size_t i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autoptr (CrExpr) number = cr_expr_new_number (values[i]);
      g_autofree char *text = cr_lang_print_expr (number);
      g_autofree char *statement = g_strdup_printf ("x = %s\n", text);
      g_autoptr (CrProgram) program = parse_ok (statement);
      const CrStatement *parsed = g_ptr_array_index (program->statements, 0);

      g_assert_cmpint (parsed->value->kind, ==, CR_EXPR_NUMBER);
      if (memcmp (&parsed->value->number, &values[i], sizeof (double)) != 0)
        g_error ("%.17g printed as '%s' reads back as %.17g", values[i], text,
                 parsed->value->number);
      g_assert_cmpuint (strlen (text), <=, 24);
      g_assert_null (strchr (text, '+'));
    }

  /* Integers print as integers, others in the shortest form that reads back. */
  {
    const struct
    {
      double value;
      const char *text;
    } cases[] = {
      { 100.0, "100" },
      { 1e14, "100000000000000" },
      { 1e15, "1e15" },
      { 0.1, "0.1" },
      { 1e-5, "1e-5" },
      { 2.5e-300, "2.5e-300" },
      { -0.0, "-0" },
      { 1.0 / 3.0, "0.3333333333333333" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autoptr (CrExpr) number = cr_expr_new_number (cases[i].value);
        g_autofree char *text = cr_lang_print_expr (number);
        g_assert_cmpstr (text, ==, cases[i].text);
      }
  }
}

/* Printer */

static void
test_printer_canonical (void)
{
  g_autoptr (CrProgram) program = parse_ok ("data   y=[ 28,8 ,-3 ]\n"
                                            "mu~Normal( mu = 0,sigma=1 )\n"
                                            "local eta=(a+b)*c\n"
                                            "theta[ 8 ]~Normal (mu,1)\n");
  g_autofree char *printed = cr_lang_print (program);

  g_assert_cmpstr (printed, ==,
                   "data y = [28, 8, -3]\n"
                   "mu ~ Normal(mu=0, sigma=1)\n"
                   "local eta = (a + b) * c\n"
                   "theta[8] ~ Normal(mu, 1)\n");
  assert_round_trip (program);
}

static void
test_printer_comments (void)
{
  g_autoptr (CrProgram) program = parse_ok ("\n"
                                            "# Header of the model.\n"
                                            "# Second line.   \n"
                                            "\n"
                                            "\n"
                                            "# Priors\n"
                                            "mu ~ Normal(0, 5)   #   location  \n"
                                            "tau ~ HalfCauchy(5)\n"
                                            "\n"
                                            "y ~ Normal(mu, tau)\n"
                                            "   # indented, at the end\n"
                                            "\n"
                                            "# last\n");
  const CrStatement *mu = g_ptr_array_index (program->statements, 0);
  const CrStatement *y = g_ptr_array_index (program->statements, 2);
  g_autofree char *printed = cr_lang_print (program);

  g_assert_cmpuint (mu->comments->len, ==, 3);
  g_assert_cmpstr (((CrComment *) g_ptr_array_index (mu->comments, 1))->text, ==,
                   "# Second line.");
  g_assert_cmpstr (mu->trailing_comment, ==, "#   location");
  g_assert_true (y->blank_line_before);
  g_assert_cmpuint (program->end_comments->len, ==, 2);
  g_assert_cmpstr (printed, ==,
                   "# Header of the model.\n"
                   "# Second line.\n"
                   "\n"
                   "# Priors\n"
                   "mu ~ Normal(0, 5)  #   location\n"
                   "tau ~ HalfCauchy(5)\n"
                   "\n"
                   "y ~ Normal(mu, tau)\n"
                   "# indented, at the end\n"
                   "\n"
                   "# last\n");
  assert_round_trip (program);

  {
    g_autoptr (CrProgram) only_comments = parse_ok ("# nothing yet\n");
    g_autofree char *text = cr_lang_print (only_comments);
    g_assert_cmpuint (only_comments->statements->len, ==, 0);
    g_assert_cmpstr (text, ==, "# nothing yet\n");
  }
  {
    g_autoptr (CrProgram) empty = parse_ok ("");
    g_autofree char *text = cr_lang_print (empty);
    g_assert_cmpstr (text, ==, "");
  }
}

/* Errors */

static void
test_error_unclosed_paren (void)
{
  g_autoptr (GPtrArray) diagnostics = parse_errors ("mu ~ Normal(0, 5)\n"
                                                    "sigma ~ HalfNormal(1   \n"
                                                    "y ~ Normal(mu, sigma)\n",
                                                    CR_LANG_ERROR_UNEXPECTED);

  /* The next line is not read as an argument: the error is at the end of line 2. */
  g_assert_cmpuint (diagnostics->len, ==, 1);
  assert_diagnostic (diagnostics, 0, CR_LANG_ERROR_UNEXPECTED, 2, 21, 22,
                     "expected ')' to close the call to HalfNormal opened at 2:19, found end "
                     "of line");

  g_clear_pointer (&diagnostics, g_ptr_array_unref);
  diagnostics = parse_errors ("x = (a + b\n", CR_LANG_ERROR_UNEXPECTED);
  assert_diagnostic (diagnostics, 0, CR_LANG_ERROR_UNEXPECTED, 1, 11, 12,
                     "expected ')' to close the '(' opened at 1:5, found end of line");

  g_clear_pointer (&diagnostics, g_ptr_array_unref);
  diagnostics = parse_errors ("y ~ Normal(0 1)", CR_LANG_ERROR_UNEXPECTED);
  assert_diagnostic (diagnostics, 0, CR_LANG_ERROR_UNEXPECTED, 1, 14, 15,
                     "expected ',' or ')' after an argument of Normal (the call opened at "
                     "1:11), found number '1'");

  g_clear_pointer (&diagnostics, g_ptr_array_unref);
  diagnostics = parse_errors ("data y = [1, 2", CR_LANG_ERROR_UNEXPECTED);
  assert_diagnostic (diagnostics, 0, CR_LANG_ERROR_UNEXPECTED, 1, 15, 16,
                     "expected ']' to close the vector opened at 1:10, found end of file");

  g_clear_pointer (&diagnostics, g_ptr_array_unref);
  diagnostics = parse_errors ("y ~ Normal(0, 1))\n", CR_LANG_ERROR_UNEXPECTED);
  assert_diagnostic (diagnostics, 0, CR_LANG_ERROR_UNEXPECTED, 1, 17, 18,
                     "found ')', which closes nothing");

  g_clear_pointer (&diagnostics, g_ptr_array_unref);
  diagnostics = parse_errors ("y ~ Normal(0, 1,)\n", CR_LANG_ERROR_UNEXPECTED);
  assert_diagnostic (diagnostics, 0, CR_LANG_ERROR_UNEXPECTED, 1, 17, 18,
                     "expected an argument after ',' in the call to Normal, found ')'");
}

static void
test_error_missing_distribution (void)
{
  g_autoptr (GPtrArray) diagnostics = parse_errors ("y ~\n", CR_LANG_ERROR_UNEXPECTED);

  assert_diagnostic (diagnostics, 0, CR_LANG_ERROR_UNEXPECTED, 1, 4, 5,
                     "expected a distribution after '~', such as Normal(0, 1), found end of "
                     "line");

  g_clear_pointer (&diagnostics, g_ptr_array_unref);
  diagnostics = parse_errors ("y ~ 3\n", CR_LANG_ERROR_UNEXPECTED);
  assert_diagnostic (diagnostics, 0, CR_LANG_ERROR_UNEXPECTED, 1, 5, 6,
                     "expected a distribution after '~', such as Normal(0, 1), found number "
                     "'3'");

  g_clear_pointer (&diagnostics, g_ptr_array_unref);
  diagnostics = parse_errors ("y ~ Normal\n", CR_LANG_ERROR_UNEXPECTED);
  assert_diagnostic (diagnostics, 0, CR_LANG_ERROR_UNEXPECTED, 1, 11, 12,
                     "expected '(' after the distribution Normal, found end of line");

  g_clear_pointer (&diagnostics, g_ptr_array_unref);
  diagnostics = parse_errors ("mu\n", CR_LANG_ERROR_UNEXPECTED);
  assert_diagnostic (diagnostics, 0, CR_LANG_ERROR_UNEXPECTED, 1, 3, 4,
                     "expected '~' or '=' after mu, found end of line");

  g_clear_pointer (&diagnostics, g_ptr_array_unref);
  diagnostics = parse_errors ("mu = \n", CR_LANG_ERROR_UNEXPECTED);
  assert_diagnostic (diagnostics, 0, CR_LANG_ERROR_UNEXPECTED, 1, 5, 6,
                     "expected an expression after '=', found end of line");
}

static void
test_error_bad_token (void)
{
  g_autoptr (GPtrArray) diagnostics = parse_errors ("mu = a $ b\n", CR_LANG_ERROR_SYNTAX);

  /* The lexer's error is the only one: the parser does not add "found '$'". */
  g_assert_cmpuint (diagnostics->len, ==, 1);
  assert_diagnostic (diagnostics, 0, CR_LANG_ERROR_SYNTAX, 1, 8, 9,
                     "unexpected character '$'");

  g_clear_pointer (&diagnostics, g_ptr_array_unref);
  diagnostics = parse_errors ("x = 2 (a)\n", CR_LANG_ERROR_UNEXPECTED);
  assert_diagnostic (diagnostics, 0, CR_LANG_ERROR_UNEXPECTED, 1, 7, 8,
                     "found '(' after '2', which is not a function name");

  g_clear_pointer (&diagnostics, g_ptr_array_unref);
  diagnostics = parse_errors ("data = 3\n", CR_LANG_ERROR_UNEXPECTED);
  assert_diagnostic (diagnostics, 0, CR_LANG_ERROR_UNEXPECTED, 1, 1, 5,
                     "'data' is a keyword and cannot name a variable");

  g_clear_pointer (&diagnostics, g_ptr_array_unref);
  diagnostics = parse_errors ("data n ~ Normal(0, 1)\n", CR_LANG_ERROR_UNEXPECTED);
  assert_diagnostic (diagnostics, 0, CR_LANG_ERROR_UNEXPECTED, 1, 8, 9,
                     "expected '=' after 'data n', found '~'");

  g_clear_pointer (&diagnostics, g_ptr_array_unref);
  diagnostics = parse_errors ("theta[J] = 3\n", CR_LANG_ERROR_UNEXPECTED);
  assert_diagnostic (diagnostics, 0, CR_LANG_ERROR_UNEXPECTED, 1, 10, 11,
                     "expected '~' after theta[J], found '='");

  g_clear_pointer (&diagnostics, g_ptr_array_unref);
  diagnostics = parse_errors ("mu ~ Normal(0, 1) sigma\n", CR_LANG_ERROR_UNEXPECTED);
  assert_diagnostic (diagnostics, 0, CR_LANG_ERROR_UNEXPECTED, 1, 19, 24,
                     "expected the end of the line after the statement, found name 'sigma'");

  g_clear_pointer (&diagnostics, g_ptr_array_unref);
  diagnostics = parse_errors ("= 3\n", CR_LANG_ERROR_UNEXPECTED);
  assert_diagnostic (diagnostics, 0, CR_LANG_ERROR_UNEXPECTED, 1, 1, 2,
                     "expected a statement");

  g_clear_pointer (&diagnostics, g_ptr_array_unref);
  diagnostics = parse_errors ("x = v[i, j]\n", CR_LANG_ERROR_UNEXPECTED);
  assert_diagnostic (diagnostics, 0, CR_LANG_ERROR_UNEXPECTED, 1, 8, 9,
                     "expected ']' to close the index opened at 1:6, found ','");
}

static void
test_error_bad_number (void)
{
  g_autoptr (GPtrArray) diagnostics = parse_errors ("sigma ~ HalfNormal(1e)\n",
                                                    CR_LANG_ERROR_SYNTAX);

  g_assert_cmpuint (diagnostics->len, ==, 1);
  assert_diagnostic (diagnostics, 0, CR_LANG_ERROR_SYNTAX, 1, 20, 22,
                     "'1e' is not a number: the exponent after 'e' needs digits, as in 1e-3");
}

static void
test_error_unicode_column (void)
{
  /* 'σ' is two bytes: columns count it once, so '$' is at column 23, not 24. */
  g_autoptr (GPtrArray) diagnostics = parse_errors ("sigma ~ HalfNormal(\xcf\x83) $\n",
                                                    CR_LANG_ERROR_SYNTAX);

  g_assert_cmpuint (diagnostics->len, ==, 2);
  assert_diagnostic (diagnostics, 0, CR_LANG_ERROR_SYNTAX, 1, 20, 21,
                     "unexpected character 'σ'");
  assert_diagnostic (diagnostics, 1, CR_LANG_ERROR_SYNTAX, 1, 23, 24,
                     "unexpected character '$'");

  /* A comment with wide characters on the line above changes nothing. */
  g_clear_pointer (&diagnostics, g_ptr_array_unref);
  diagnostics = parse_errors ("# μ, σ and τ\nmu ~ Normal(0, \xe2\x82\xac)\n",
                              CR_LANG_ERROR_SYNTAX);
  assert_diagnostic (diagnostics, 0, CR_LANG_ERROR_SYNTAX, 2, 16, 17,
                     "unexpected character '€'");
}

static void
test_error_duplicate_name (void)
{
  g_autoptr (GPtrArray) diagnostics = parse_errors ("mu ~ Normal(0, 1)\n"
                                                    "sigma ~ HalfNormal(1)\n"
                                                    "mu = 2\n",
                                                    CR_LANG_ERROR_DUPLICATE);

  g_assert_cmpuint (diagnostics->len, ==, 1);
  assert_diagnostic (diagnostics, 0, CR_LANG_ERROR_DUPLICATE, 3, 1, 3,
                     "'mu' is already defined at 1:1; rename one of them or remove one");

  /* Two distributions, two data values, a local and a deterministic. */
  g_clear_pointer (&diagnostics, g_ptr_array_unref);
  diagnostics = parse_errors ("y ~ Normal(0, 1)\n"
                              "y ~ Normal(0, 2)\n"
                              "data n = 1\n"
                              "data n = 2\n"
                              "local a = 1\n"
                              "a = 2\n"
                              "data z = 1\n"
                              "z = 2\n",
                              CR_LANG_ERROR_DUPLICATE);
  g_assert_cmpuint (diagnostics->len, ==, 4);
  assert_diagnostic (diagnostics, 0, CR_LANG_ERROR_DUPLICATE, 2, 1, 2,
                     "'y' is already defined at 1:1");
  assert_diagnostic (diagnostics, 1, CR_LANG_ERROR_DUPLICATE, 4, 6, 7,
                     "'n' is already defined at 3:6");
  assert_diagnostic (diagnostics, 2, CR_LANG_ERROR_DUPLICATE, 6, 1, 2,
                     "'a' is already defined at 5:7");
  assert_diagnostic (diagnostics, 3, CR_LANG_ERROR_DUPLICATE, 8, 1, 2,
                     "'z' is already defined at 7:6");

  /* A '~' on a data name observes it, in either order: that is no duplicate. */
  {
    g_autoptr (CrProgram) program = parse_ok ("n_heads ~ Binomial(n, p)\n"
                                              "data n_heads = 15\n"
                                              "data k = 3\n"
                                              "k ~ Poisson(2)\n");
    g_assert_cmpuint (program->statements->len, ==, 4);
  }
}

static void
test_error_arguments (void)
{
  g_autoptr (GPtrArray) diagnostics = parse_errors ("y ~ Normal(mu=0, 1)\n",
                                                    CR_LANG_ERROR_ARGUMENT_ORDER);

  assert_diagnostic (diagnostics, 0, CR_LANG_ERROR_ARGUMENT_ORDER, 1, 18, 19,
                     "positional argument '1' after the keyword argument 'mu' in the call to "
                     "Normal; put positional arguments first");

  g_clear_pointer (&diagnostics, g_ptr_array_unref);
  diagnostics = parse_errors ("y ~ Normal(mu=0, sigma=1, mu=2)\n", CR_LANG_ERROR_DUPLICATE);
  assert_diagnostic (diagnostics, 0, CR_LANG_ERROR_DUPLICATE, 1, 27, 31,
                     "the keyword argument 'mu' of Normal is given twice (first at 1:12)");

  /* Inside an expression too, and both errors of one call are reported. */
  g_clear_pointer (&diagnostics, g_ptr_array_unref);
  diagnostics = parse_errors ("x = f(k=1, k=2, 3)\n", CR_LANG_ERROR_DUPLICATE);
  g_assert_cmpuint (diagnostics->len, ==, 2);
  assert_diagnostic (diagnostics, 0, CR_LANG_ERROR_DUPLICATE, 1, 12, 15,
                     "the keyword argument 'k' of f is given twice");
  assert_diagnostic (diagnostics, 1, CR_LANG_ERROR_ARGUMENT_ORDER, 1, 17, 18,
                     "positional argument '3'");
}

static void
test_error_empty_vector (void)
{
  g_autoptr (GPtrArray) diagnostics = parse_errors ("w ~ Dirichlet([])\n",
                                                    CR_LANG_ERROR_EMPTY_VECTOR);

  assert_diagnostic (diagnostics, 0, CR_LANG_ERROR_EMPTY_VECTOR, 1, 15, 17,
                     "found the empty vector '[]'");

  g_clear_pointer (&diagnostics, g_ptr_array_unref);
  diagnostics = parse_errors ("data y = [1, 2, ]\n", CR_LANG_ERROR_UNEXPECTED);
  assert_diagnostic (diagnostics, 0, CR_LANG_ERROR_UNEXPECTED, 1, 17, 18,
                     "expected an element after ','");
}

static void
test_error_size (void)
{
  g_autoptr (GPtrArray) diagnostics = parse_errors ("a[2.5] ~ Normal(0, 1)\n"
                                                    "b[0] ~ Normal(0, 1)\n"
                                                    "c[J + 1] ~ Normal(0, 1)\n",
                                                    CR_LANG_ERROR_SIZE);

  g_assert_cmpuint (diagnostics->len, ==, 3);
  assert_diagnostic (diagnostics, 0, CR_LANG_ERROR_SIZE, 1, 3, 6,
                     "the size of a is 2.5; a size is a whole number from 1");
  assert_diagnostic (diagnostics, 1, CR_LANG_ERROR_SIZE, 2, 3, 4, "the size of b is 0;");
  assert_diagnostic (diagnostics, 2, CR_LANG_ERROR_SIZE, 3, 3, 8,
                     "the size of c is 'J + 1'; a size is a whole number or a name");
}

/* "x = " followed by @n_open copies of @open, "y", and @n_open copies of @close. */
static char *
nested_text (const char *open, const char *close, int n_open)
{
  GString *text = g_string_new ("x = ");

  for (int i = 0; i < n_open; i++)
    g_string_append (text, open);
  g_string_append_c (text, 'y');
  for (int i = 0; i < n_open; i++)
    g_string_append (text, close);
  g_string_append_c (text, '\n');
  return g_string_free (text, FALSE);
}

static void
test_error_too_deep (void)
{
  /* The expression itself is one level; each '(' or unary '-' adds one. */
  g_autofree char *too_deep = nested_text ("(", ")", CR_LANG_MAX_NESTING);
  g_autofree char *much_too_deep = nested_text ("[-(", ")]", 10 * CR_LANG_MAX_NESTING);
  g_autofree char *deepest_parens = nested_text ("(", ")", CR_LANG_MAX_NESTING - 1);
  g_autofree char *deepest_minus = nested_text ("-", "", CR_LANG_MAX_NESTING - 1);
  g_autoptr (GPtrArray) diagnostics = parse_errors (too_deep, CR_LANG_ERROR_TOO_DEEP);
  g_autoptr (CrProgram) parens = parse_ok (deepest_parens);
  g_autoptr (CrProgram) minus = parse_ok (deepest_minus);

  g_assert_cmpuint (diagnostics->len, ==, 1);
  assert_diagnostic (diagnostics, 0, CR_LANG_ERROR_TOO_DEEP, 1, 4 + CR_LANG_MAX_NESTING + 1,
                     4 + CR_LANG_MAX_NESTING + 2, "the expression is nested more than");
  g_clear_pointer (&diagnostics, g_ptr_array_unref);
  diagnostics = parse_errors (much_too_deep, CR_LANG_ERROR_TOO_DEEP);
  g_assert_cmpuint (diagnostics->len, ==, 1);

  assert_round_trip (parens);
  assert_round_trip (minus);
}

static void
test_error_several (void)
{
  g_autoptr (GPtrArray) diagnostics = parse_errors ("mu ~ Normal(0, 5\n"
                                                    "tau ~ HalfCauchy(5)\n"
                                                    "theta[J] ~ Normal(mu, tau) extra\n"
                                                    "y ~ \n"
                                                    "sigma ~ HalfNormal(1e)\n"
                                                    "tau = 3\n"
                                                    "z = [] + f(a=1, 2)\n",
                                                    CR_LANG_ERROR_UNEXPECTED);

  g_assert_cmpuint (diagnostics->len, ==, 7);
  assert_diagnostic (diagnostics, 0, CR_LANG_ERROR_UNEXPECTED, 1, 17, 18,
                     "expected ')' to close the call to Normal opened at 1:12");
  assert_diagnostic (diagnostics, 1, CR_LANG_ERROR_UNEXPECTED, 3, 28, 33,
                     "expected the end of the line");
  assert_diagnostic (diagnostics, 2, CR_LANG_ERROR_UNEXPECTED, 4, 4, 5,
                     "expected a distribution after '~'");
  assert_diagnostic (diagnostics, 3, CR_LANG_ERROR_SYNTAX, 5, 20, 22, "'1e' is not a number");
  assert_diagnostic (diagnostics, 4, CR_LANG_ERROR_DUPLICATE, 6, 1, 4,
                     "'tau' is already defined at 2:1");
  assert_diagnostic (diagnostics, 5, CR_LANG_ERROR_EMPTY_VECTOR, 7, 5, 7, "found the empty");
  assert_diagnostic (diagnostics, 6, CR_LANG_ERROR_ARGUMENT_ORDER, 7, 17, 18, "positional");
}

static void
test_error_file (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) diagnostics = NULL;
  g_autofree char *path = model_path ("no-such-model.crm");
  g_autoptr (CrProgram) program = cr_lang_parse_file (path, &diagnostics, &error);

  g_assert_null (program);
  g_assert_error (error, CR_LANG_ERROR, CR_LANG_ERROR_IO);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_assert_cmpuint (diagnostics->len, ==, 0);
}

static void
test_error_multiline_span (void)
{
  /* A positional argument spread over two lines is underlined to the end of its first line. */
  g_autoptr (GPtrArray) diagnostics = parse_errors ("y ~ Normal(mu=0, a +\n"
                                                    "  b)\n",
                                                    CR_LANG_ERROR_ARGUMENT_ORDER);

  assert_diagnostic (diagnostics, 0, CR_LANG_ERROR_ARGUMENT_ORDER, 1, 18, 21,
                     "positional argument 'a + b'");
}

/* Suggestions */

static void
assert_suggestion (const char *name, const char *const *candidates, const char *expected)
{
  g_autofree char *suggestion = cr_lang_suggest (name, candidates);
  g_assert_cmpstr (suggestion, ==, expected);
}

static void
test_suggest (void)
{
  const char *const variables[] = { "mu", "sigma", "tau", NULL };
  const char *const distributions[] = { "Normal", "HalfNormal", "StudentT", "Poisson",
                                        "PoissonLog", "Beta", NULL };
  const char *const ties[] = { "ma", "mb", NULL };
  const char *const long_names[] = { "abcdef_x", NULL };
  const char *const transposed_apart[] = { "abcxxxx", NULL };
  const char *const wide[] = { "\xc3\xa4"
                               "b",
                               NULL };

  assert_suggestion ("sigam", variables, "sigma");
  assert_suggestion ("Normla", distributions, "Normal");
  assert_suggestion ("Nromal", distributions, "Normal");
  assert_suggestion ("Poison", distributions, "Poisson");
  assert_suggestion ("normal", distributions, "Normal");
  assert_suggestion ("Beat", distributions, "Beta");
  assert_suggestion ("xyz", variables, NULL);
  assert_suggestion ("Gamma", distributions, NULL);
  assert_suggestion ("mu", NULL, NULL);
  assert_suggestion ("mu", variables, "mu");
  /* A tie goes to the first candidate. */
  assert_suggestion ("mx", ties, "ma");
  /* Up to max (1, length / 3) edits: 2 for 8 characters, not 3. */
  assert_suggestion ("abcdefyz", long_names, "abcdef_x");
  assert_suggestion ("abxdefyz", long_names, NULL);
  /* "ca" -> "abc" is one transposition with an insertion between: 2 edits, within the limit of
   * 2 for six characters; the restricted distance would say 3. */
  assert_suggestion ("caxxxx", transposed_apart, "abcxxxx");
  /* Characters, not bytes: "ää" is one substitution from "äb" (bytes would need two). */
  assert_suggestion ("\xc3\xa4\xc3\xa4", wide, "\xc3\xa4"
                                               "b");
}

/* Building */

static CrCall *
call_of (const char *name, CrExpr *first, CrExpr *second)
{
  CrCall *call = cr_call_new (name);
  cr_call_append_argument (call, NULL, first);
  if (second != NULL)
    cr_call_append_argument (call, NULL, second);
  return call;
}

static void
test_builder (void)
{
  g_autoptr (CrProgram) program = cr_program_new ();
  g_autoptr (CrProgram) coin = NULL;
  g_autoptr (CrProgram) copy = cr_program_new ();
  g_autofree char *coin_path = model_path ("coin.crm");
  g_autoptr (GError) error = NULL;
  g_autofree char *printed = NULL;
  CrStatement *p;

  cr_program_insert (program, -1,
                     cr_statement_new_assignment (CR_STATEMENT_DATA, "n_heads",
                                                  cr_expr_new_number (15)));
  cr_program_insert (program, 0,
                     cr_statement_new_assignment (CR_STATEMENT_DATA, "n_flips",
                                                  cr_expr_new_number (50)));
  cr_program_insert (program, -1,
                     cr_statement_new_stochastic ("p", NULL,
                                                  call_of ("Beta", cr_expr_new_number (2),
                                                           cr_expr_new_number (2))));
  cr_program_insert (program, 3,
                     cr_statement_new_stochastic ("n_heads", NULL,
                                                  call_of ("Binomial",
                                                           cr_expr_new_name ("n_flips"),
                                                           cr_expr_new_name ("p"))));
  printed = cr_lang_print (program);
  g_assert_cmpstr (printed, ==,
                   "data n_flips = 50\n"
                   "data n_heads = 15\n"
                   "p ~ Beta(2, 2)\n"
                   "n_heads ~ Binomial(n_flips, p)\n");

  /* Equal to the parsed conformance model, whose comment does not count. */
  coin = cr_lang_parse_file (coin_path, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cr_program_equal (program, coin));
  g_assert_true (cr_program_check (program, "built", NULL, &error));
  g_assert_no_error (error);

  /* Edits. */
  p = g_ptr_array_index (program->statements, 2);
  cr_call_set_argument (p->distribution, 0, cr_expr_new_number (1));
  cr_call_append_argument (p->distribution, "transform", cr_expr_new_name ("logodds"));
  cr_call_remove_argument (p->distribution, 2);
  cr_statement_rename (p, "theta");
  cr_statement_set_size (p, cr_expr_new_number (3));
  cr_statement_set_distribution (p, call_of ("Beta", cr_expr_new_number (1),
                                             cr_expr_new_negate (cr_expr_new_number (-0.5))));
  cr_statement_set_value (g_ptr_array_index (program->statements, 0),
                          cr_expr_new_binary (CR_BINARY_MULTIPLY,
                                              cr_expr_new_binary (CR_BINARY_ADD,
                                                                  cr_expr_new_name ("a"),
                                                                  cr_expr_new_negate (
                                                                      cr_expr_new_number (2))),
                                              cr_expr_new_subscript (cr_expr_new_name ("v"),
                                                                     cr_expr_new_number (0))));
  cr_program_remove (program, 1);
  cr_program_insert (program, -1,
                     cr_statement_new_assignment (
                         CR_STATEMENT_LOCAL, "w",
                         cr_expr_new_vector ((CrExpr *[]){ cr_expr_new_number (0.25),
                                                           cr_expr_new_call (
                                                               call_of ("exp",
                                                                        cr_expr_new_name ("x"),
                                                                        NULL)) },
                                             2)));
  g_clear_pointer (&printed, g_free);
  printed = cr_lang_print (program);
  g_assert_cmpstr (printed, ==,
                   "data n_flips = (a + -2) * v[0]\n"
                   "theta[3] ~ Beta(1, --0.5)\n"
                   "n_heads ~ Binomial(n_flips, p)\n"
                   "local w = [0.25, exp(x)]\n");
  assert_round_trip (program);

  /* Copies are equal and independent. */
  for (guint i = 0; i < program->statements->len; i++)
    cr_program_insert (copy, -1, cr_statement_copy (g_ptr_array_index (program->statements, i)));
  g_assert_true (cr_program_equal (program, copy));
  cr_statement_rename (g_ptr_array_index (copy->statements, 0), "m");
  g_assert_false (cr_program_equal (program, copy));

  /* The checks run on built programs as well. */
  cr_program_insert (program, -1,
                     cr_statement_new_assignment (CR_STATEMENT_DETERMINISTIC, "theta",
                                                  cr_expr_new_number (1)));
  {
    g_autoptr (GPtrArray) diagnostics = NULL;
    g_assert_false (cr_program_check (program, "built", &diagnostics, &error));
    g_assert_error (error, CR_LANG_ERROR, CR_LANG_ERROR_DUPLICATE);
    g_assert_cmpuint (diagnostics->len, ==, 1);
    assert_message_contains (diagnostics, 0, "'theta' is already defined;");
  }

  /* Equality sees numbers bit for bit and keywords. */
  {
    g_autoptr (CrExpr) zero = cr_expr_new_number (0.0);
    g_autoptr (CrExpr) negative_zero = cr_expr_new_number (-0.0);
    g_autoptr (CrCall) positional = call_of ("Normal", cr_expr_new_number (0), NULL);
    g_autoptr (CrCall) keyword = cr_call_new ("Normal");
    g_autoptr (CrExpr) expr_copy = cr_expr_copy (zero);

    cr_call_append_argument (keyword, "mu", cr_expr_new_number (0));
    g_assert_false (cr_expr_equal (zero, negative_zero));
    g_assert_true (cr_expr_equal (zero, expr_copy));
    g_assert_false (cr_call_equal (positional, keyword));
    g_assert_true (cr_expr_equal (NULL, NULL));
    g_assert_false (cr_expr_equal (zero, NULL));
  }
}

/* Robustness */

/* Parses @length bytes from an exact copy; a program that parses must round-trip, and the
 * diagnostics of one that does not must be in order and well formed. */
static gboolean
parse_any (const char *text, size_t length)
{
  g_autofree char *copy = g_memdup2 (text, length);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) diagnostics = NULL;
  g_autoptr (CrProgram) program = cr_lang_parse (copy, (gssize) length, "fuzz.crm",
                                                 &diagnostics, &error);

  if (program != NULL)
    {
      g_assert_no_error (error);
      g_assert_cmpuint (diagnostics->len, ==, 0);
      assert_round_trip (program);
      return TRUE;
    }
  g_assert_nonnull (error);
  g_assert_cmpuint (diagnostics->len, >, 0);
  for (guint i = 0; i < diagnostics->len; i++)
    {
      const CrLangDiagnostic *diagnostic = g_ptr_array_index (diagnostics, i);
      g_assert_cmpuint (diagnostic->line, >=, 1);
      g_assert_cmpuint (diagnostic->column, >=, 1);
      g_assert_cmpuint (diagnostic->end_column, >, diagnostic->column);
      g_assert_cmpuint (strlen (diagnostic->message), >, 0);
      if (i > 0)
        {
          const CrLangDiagnostic *before = g_ptr_array_index (diagnostics, i - 1);
          g_assert_true (before->line < diagnostic->line
                         || (before->line == diagnostic->line
                             && before->column <= diagnostic->column));
        }
    }
  return FALSE;
}

static void
test_fuzz_prefixes (void)
{
  guint n_parsed = 0;
  guint n_failed = 0;

  for (size_t m = 0; m < G_N_ELEMENTS (conformance_models); m++)
    {
      size_t length;
      g_autofree char *text = read_model (conformance_models[m], &length);

      for (size_t prefix = 0; prefix <= length; prefix++)
        {
          if (parse_any (text, prefix))
            n_parsed++;
          else
            n_failed++;
        }
    }
  g_test_message ("%u prefixes parsed, %u did not", n_parsed, n_failed);
  /* Cutting a statement short is mostly an error, cutting at a line end is not: both paths
   * ran. */
  g_assert_cmpuint (n_parsed, >, 500);
  g_assert_cmpuint (n_failed, >, 500);
}

static void
test_fuzz_mutations (void)
{
  /* Characters of the language, to reach deeper than random bytes do. */
  static const char alphabet[] = " \n\t()[],=~+-*/^@#._0123456789eaxyzdatlocNrm";
  g_autoptr (GRand) rand = g_rand_new_with_seed (20250101);
  guint n_parsed = 0;
  guint n_failed = 0;

  for (size_t m = 0; m < G_N_ELEMENTS (conformance_models); m++)
    {
      size_t length;
      g_autofree char *text = read_model (conformance_models[m], &length);

      for (int round = 0; round < 1000; round++)
        {
          g_autoptr (GString) bytes = g_string_sized_new (length + 4);
          int n_edits = g_rand_int_range (rand, 1, 4);

          g_string_append_len (bytes, text, (gssize) length);
          for (int e = 0; e < n_edits; e++)
            {
              char byte = g_rand_boolean (rand)
                              ? alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)]
                              : (char) g_rand_int_range (rand, 0, 256);
              gssize at = bytes->len > 0 ? g_rand_int_range (rand, 0, (gint32) bytes->len) : 0;

              switch (g_rand_int_range (rand, 0, 3))
                {
                case 0:
                  if (bytes->len > 0)
                    bytes->str[at] = byte;
                  break;
                case 1:
                  g_string_insert_len (bytes, at, &byte, 1);
                  break;
                default:
                  if (bytes->len > 0)
                    g_string_erase (bytes, at, 1);
                  break;
                }
            }
          if (parse_any (bytes->str, bytes->len))
            n_parsed++;
          else
            n_failed++;
        }
    }
  g_test_message ("%u mutants parsed, %u did not", n_parsed, n_failed);
  g_assert_cmpuint (n_parsed, >, 1000);
  g_assert_cmpuint (n_failed, >, 1000);
}

int
main (int argc, char **argv)
{
  gsl_set_error_handler_off ();
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lang/lexer/tokens", test_lexer_tokens);
  g_test_add_func ("/lang/lexer/numbers", test_lexer_numbers);
  g_test_add_func ("/lang/lexer/errors", test_lexer_errors);
  g_test_add_func ("/lang/lexer/line-ends", test_lexer_line_ends);
  g_test_add_func ("/lang/lexer/valid-names", test_lexer_valid_names);
  g_test_add_func ("/lang/parse/precedence", test_parse_precedence);
  g_test_add_func ("/lang/parse/tree-shape", test_parse_tree_shape);
  g_test_add_func ("/lang/parse/statements", test_parse_statements);
  g_test_add_func ("/lang/parse/multiline", test_parse_multiline);
  g_test_add_func ("/lang/round-trip/conformance", test_round_trip_conformance);
  g_test_add_func ("/lang/round-trip/numbers", test_round_trip_numbers);
  g_test_add_func ("/lang/printer/canonical", test_printer_canonical);
  g_test_add_func ("/lang/printer/comments", test_printer_comments);
  g_test_add_func ("/lang/error/unclosed-paren", test_error_unclosed_paren);
  g_test_add_func ("/lang/error/missing-distribution", test_error_missing_distribution);
  g_test_add_func ("/lang/error/bad-token", test_error_bad_token);
  g_test_add_func ("/lang/error/bad-number", test_error_bad_number);
  g_test_add_func ("/lang/error/unicode-column", test_error_unicode_column);
  g_test_add_func ("/lang/error/duplicate-name", test_error_duplicate_name);
  g_test_add_func ("/lang/error/arguments", test_error_arguments);
  g_test_add_func ("/lang/error/empty-vector", test_error_empty_vector);
  g_test_add_func ("/lang/error/size", test_error_size);
  g_test_add_func ("/lang/error/too-deep", test_error_too_deep);
  g_test_add_func ("/lang/error/several", test_error_several);
  g_test_add_func ("/lang/error/file", test_error_file);
  g_test_add_func ("/lang/error/multiline-span", test_error_multiline_span);
  g_test_add_func ("/lang/suggest", test_suggest);
  g_test_add_func ("/lang/builder", test_builder);
  g_test_add_func ("/lang/fuzz/prefixes", test_fuzz_prefixes);
  g_test_add_func ("/lang/fuzz/mutations", test_fuzz_mutations);

  return g_test_run ();
}
