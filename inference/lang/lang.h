/* lang.h: the .crm model language as text: lexer, parser, syntax tree, printer, and the checks
 * that need neither data nor the distribution table (LANGUAGE.md).
 *
 * The model layer binds names to data and distributions; this module only knows the grammar:
 *
 *   program    := { statement? comment? NEWLINE }
 *   statement  := NAME [ '[' expr ']' ] '~' call          stochastic
 *               | NAME '=' expr                           deterministic
 *               | 'local' NAME '=' expr                   local (computed, not stored)
 *               | 'data' NAME '=' expr                    data constant
 *   call       := NAME '(' [ argument { ',' argument } ] ')'
 *   argument   := [ NAME '=' ] expr
 *
 * Expression precedence, lowest first (all binary operators are left-associative except ^):
 *
 *   1. a + b, a - b
 *   2. a * b, a / b, X @ b          (@ is the matrix-vector product)
 *   3. -a                           (unary minus)
 *   4. a ^ b                        (right-associative; binds tighter than unary minus, so
 *                                    -x ^ 2 is -(x ^ 2); its exponent may be negated: a ^ -b)
 *   5. f(args), v[index]            (postfix; only a name can be called)
 *   6. numbers, names, (expr), vector literals [e, e, ...]
 *
 * A minus sign directly before a number literal is folded into it: `-3` is the number -3.
 * A newline ends a statement, except inside ( ) or [ ] where the statement continues: after
 * '(', '[', ',' or an operator, and before ')', ']', ',' or a binary operator. A newline
 * anywhere else inside brackets is an error ("expected ')' ... found end of line"), so one
 * missing ')' does not swallow the rest of the file.
 *
 * Locations: lines and columns are 1-based; columns count Unicode characters, not bytes, as
 * GtkTextIter's line offsets do; an end column is the column just after the last character.
 * Names are ASCII (letters, digits, '_', not starting with a digit) so that every model exports
 * to Stan and PyMC unchanged; `data` and `local` are keywords.
 *
 * Invariants: a CrProgram returned by cr_lang_parse () is well formed: every statement of kind
 * CR_STATEMENT_STOCHASTIC has a distribution and no value, every other kind a value and no
 * distribution or size; every name is a valid name; every number is finite; every vector
 * literal has at least one element; and cr_lang_print () of it parses back to an equal
 * program. The tree owns all its nodes and strings: one cr_program_free () frees everything.
 * Read the fields directly; change a tree only through the functions below, which keep it well
 * formed. Locations describe the parsed text: edits do not update them, and nodes made by the
 * constructors have line 0.
 */
#pragma once

#include <glib.h>
#include <stddef.h>

G_BEGIN_DECLS

#define CR_LANG_ERROR (cr_lang_error_quark ())
GQuark cr_lang_error_quark (void);

typedef enum
{
  CR_LANG_ERROR_IO,             /* the model file cannot be read */
  CR_LANG_ERROR_SYNTAX,         /* text that is no token: a stray character, '1e', bad UTF-8 */
  CR_LANG_ERROR_UNEXPECTED,     /* a token where it does not belong: a missing ')' or name */
  CR_LANG_ERROR_DUPLICATE,      /* a name defined twice, or a keyword argument given twice */
  CR_LANG_ERROR_ARGUMENT_ORDER, /* a positional argument after a keyword argument */
  CR_LANG_ERROR_EMPTY_VECTOR,   /* the vector literal [] */
  CR_LANG_ERROR_SIZE,           /* a size that is neither a positive integer nor a name */
  CR_LANG_ERROR_TOO_DEEP,       /* an expression nested deeper than CR_LANG_MAX_NESTING */
} CrLangError;

/* Each parenthesis, bracket, argument list, unary minus and exponent opens a level of an
 * expression; more levels than this are an error, so that the recursive parser, printer and
 * the model layer's evaluators never exhaust the stack. */
#define CR_LANG_MAX_NESTING 200

typedef struct
{
  guint line;       /* 1-based; 0 for a node made by a constructor */
  guint column;     /* 1-based, in characters */
  guint end_line;   /* the line of the last character */
  guint end_column; /* the column just after the last character */
} CrLangLocation;

/* One error, for the editor to underline. The message says what was found and what was
 * expected, without the "FILE:LINE:COLUMN: " prefix that the GError messages carry. */
typedef struct
{
  CrLangError code;
  guint line;
  guint column;
  guint end_column; /* after the last character to underline on @line; > @column */
  char *message;
} CrLangDiagnostic;

void cr_lang_diagnostic_free (CrLangDiagnostic *diagnostic);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrLangDiagnostic, cr_lang_diagnostic_free)

/* Lexer */

typedef enum
{
  CR_LANG_TOKEN_NAME,
  CR_LANG_TOKEN_NUMBER,
  CR_LANG_TOKEN_DATA,  /* the keyword `data` */
  CR_LANG_TOKEN_LOCAL, /* the keyword `local` */
  CR_LANG_TOKEN_PLUS,
  CR_LANG_TOKEN_MINUS,
  CR_LANG_TOKEN_STAR,
  CR_LANG_TOKEN_SLASH,
  CR_LANG_TOKEN_CARET,
  CR_LANG_TOKEN_AT,
  CR_LANG_TOKEN_EQUALS,
  CR_LANG_TOKEN_TILDE,
  CR_LANG_TOKEN_COMMA,
  CR_LANG_TOKEN_LEFT_PAREN,
  CR_LANG_TOKEN_RIGHT_PAREN,
  CR_LANG_TOKEN_LEFT_BRACKET,
  CR_LANG_TOKEN_RIGHT_BRACKET,
  CR_LANG_TOKEN_COMMENT, /* from '#' to the end of the line, without the newline */
  CR_LANG_TOKEN_NEWLINE,
  CR_LANG_TOKEN_END,   /* end of the text; always the last token */
  CR_LANG_TOKEN_ERROR, /* text that is no token; a diagnostic says why */
} CrLangTokenKind;

typedef struct
{
  CrLangTokenKind kind;
  guint line;
  guint column;     /* NEWLINE and END: just after the last token of the line */
  guint end_column; /* after the last character; column + 1 for NEWLINE and END */
  size_t offset;    /* bytes from the start of the text */
  size_t length;    /* bytes; 0 for NEWLINE and END */
  double value;     /* NUMBER: the value, finite and non-negative; 0 otherwise */
} CrLangToken;

/* Splits @length bytes of @text (or up to its NUL when @length is -1) into tokens. It never
 * fails: text that is no token becomes a CR_LANG_TOKEN_ERROR token.
 * @diagnostics: (out) (optional) (transfer full) (element-type CrLangDiagnostic): set to a
 * new array of the lexical errors in source order, empty when there are none.
 * Returns: (transfer full) (element-type CrLangToken) the tokens, ending with
 * CR_LANG_TOKEN_END; free with g_array_unref (). */
GArray *cr_lang_tokenize (const char *text, gssize length, GPtrArray **diagnostics);

/* Returns: TRUE when @name is a valid name: ASCII letters, digits and '_', not starting with a
 * digit, and not a keyword. */
gboolean cr_lang_is_valid_name (const char *name);

/* Syntax tree */

typedef enum
{
  CR_EXPR_NUMBER,
  CR_EXPR_NAME,
  CR_EXPR_NEGATE,
  CR_EXPR_BINARY,
  CR_EXPR_CALL,
  CR_EXPR_SUBSCRIPT, /* base[index] */
  CR_EXPR_VECTOR,    /* [e, e, ...] */
} CrExprKind;

typedef enum
{
  CR_BINARY_ADD,
  CR_BINARY_SUBTRACT,
  CR_BINARY_MULTIPLY,
  CR_BINARY_DIVIDE,
  CR_BINARY_MATMUL,
  CR_BINARY_POWER,
} CrBinaryOp;

typedef struct _CrExpr CrExpr;

typedef struct
{
  char *keyword; /* NULL for a positional argument */
  CrExpr *value;
  CrLangLocation location; /* the whole argument, keyword included */
} CrArgument;

typedef struct
{
  char *name;
  GPtrArray *arguments;    /* (element-type CrArgument) in source order */
  CrLangLocation location; /* from the name to the closing ')' */
} CrCall;

struct _CrExpr
{
  CrExprKind kind;
  CrLangLocation location; /* a parenthesised expression includes its parentheses */
  union
  {
    double number;   /* NUMBER: finite; negative only when a minus sign was folded in */
    char *name;      /* NAME */
    CrExpr *operand; /* NEGATE: never a number without a minus sign (it is folded in) */
    struct
    {
      CrBinaryOp op;
      CrExpr *left;
      CrExpr *right;
    } binary;     /* BINARY */
    CrCall *call; /* CALL */
    struct
    {
      CrExpr *base;
      CrExpr *index;
    } subscript;         /* SUBSCRIPT */
    GPtrArray *elements; /* VECTOR: (element-type CrExpr), never empty */
  };
};

typedef enum
{
  CR_STATEMENT_STOCHASTIC,    /* name[size] ~ Dist(args) */
  CR_STATEMENT_DETERMINISTIC, /* name = expr */
  CR_STATEMENT_LOCAL,         /* local name = expr */
  CR_STATEMENT_DATA,          /* data name = expr */
} CrStatementKind;

typedef struct
{
  char *text; /* from '#' to the end of its line, trailing white space removed */
  CrLangLocation location;
  gboolean blank_line_before; /* an empty line separates it from what precedes it */
} CrComment;

typedef struct
{
  CrStatementKind kind;
  char *name;
  CrExpr *size;         /* STOCHASTIC: the optional [size], else NULL */
  CrCall *distribution; /* STOCHASTIC: the call after '~'; NULL for other kinds */
  CrExpr *value;        /* DETERMINISTIC, LOCAL, DATA: the right-hand side; NULL for STOCHASTIC */
  CrLangLocation location;
  CrLangLocation name_location;
  /* (element-type CrComment) full-line comments directly above the statement, and comments
   * from inside a statement that spans several lines, in source order */
  GPtrArray *comments;
  char *trailing_comment;     /* the comment that ends its last line, or NULL */
  gboolean blank_line_before; /* an empty line separates it from what precedes it */
} CrStatement;

typedef struct
{
  GPtrArray *statements;   /* (element-type CrStatement) in source order */
  GPtrArray *end_comments; /* (element-type CrComment) after the last statement */
} CrProgram;

/* Parser */

/* Parses @length bytes of @text (or up to its NUL when @length is -1). @filename (or "<input>"
 * when NULL) starts every message. Every error in the text is found, not just the first: after
 * a syntax error, parsing resumes on the next line. The checks of cr_program_check () run on
 * every statement that parsed.
 * @diagnostics: (out) (optional) (transfer full) (element-type CrLangDiagnostic): set to a
 * new array of all errors in source order; empty when the text parsed.
 * Returns: (transfer full) the program, or NULL with @error set: its code is the first error's,
 * its message all errors, one per line, each as "FILE:LINE:COLUMN: message". */
CrProgram *cr_lang_parse (const char *text,
                          gssize length,
                          const char *filename,
                          GPtrArray **diagnostics,
                          GError **error);

/* As cr_lang_parse () on the contents of the file at @path, which names it in messages.
 * A file that cannot be read is CR_LANG_ERROR_IO, with no diagnostics. */
CrProgram *cr_lang_parse_file (const char *path, GPtrArray **diagnostics, GError **error);

/* The checks that need neither data nor the distribution table: a name defined twice (a '~'
 * statement on a name defined by `data` observes it, and is no second definition), a keyword
 * argument given twice, a positional argument after a keyword argument, and a size that is
 * neither a positive integer literal nor a name. cr_lang_parse () runs them; call this after
 * editing a program. @filename, @diagnostics and @error are as for cr_lang_parse (); a node
 * made by a constructor has no location, so its messages say line 0.
 * Returns: TRUE when the program passes, FALSE with @error set otherwise. */
gboolean cr_program_check (const CrProgram *program,
                           const char *filename,
                           GPtrArray **diagnostics,
                           GError **error);

/* Printer */

/* Writes @program as canonical text: one statement per line, one space around binary
 * operators, after commas and around '~' and '=' (none around a keyword argument's '='),
 * parentheses only where precedence needs them, numbers in the shortest form that reads back
 * to the same double (integers below 10^15 as integers), comments where they were with two
 * spaces before a trailing comment, at most one empty line where the text had some, and a
 * final newline. Printing is idempotent: print (parse (print (parse (t)))) == print (parse (t)).
 * Returns: (transfer full) the text; free with g_free (). */
char *cr_lang_print (const CrProgram *program);

/* Returns: (transfer full) @statement on one line, without comments or newline. */
char *cr_lang_print_statement (const CrStatement *statement);

/* Returns: (transfer full) @expr as canonical text, e.g. to quote it in a message:
 * "'b - 1' can be negative". */
char *cr_lang_print_expr (const CrExpr *expr);

/* Name suggestion */

/* Returns: (transfer full) (nullable) the candidate nearest to @name by Damerau-Levenshtein
 * distance (insertions, deletions, substitutions and transpositions of adjacent characters,
 * counted in characters), when that distance is at most max (1, characters in @name / 3);
 * the first such candidate in order on a tie; NULL when none is that close. @candidates is
 * NULL-terminated and may be NULL. */
char *cr_lang_suggest (const char *name, const char *const *candidates);

/* Building and editing trees. Every function that takes a CrExpr *, CrCall * or
 * CrStatement * argument takes ownership of it; names are copied and must be valid names. */

/* Returns: (transfer full) a number; @value must be finite. */
CrExpr *cr_expr_new_number (double value);
/* Returns: (transfer full) a reference to @name. */
CrExpr *cr_expr_new_name (const char *name);
/* Returns: (transfer full) -@operand; for a number that is not negative, the number negated
 * (the parser folds `-3` the same way). */
CrExpr *cr_expr_new_negate (CrExpr *operand);
/* Returns: (transfer full) @left @op @right. */
CrExpr *cr_expr_new_binary (CrBinaryOp op, CrExpr *left, CrExpr *right);
/* Returns: (transfer full) a call of a function, e.g. exp(x). */
CrExpr *cr_expr_new_call (CrCall *call);
/* Returns: (transfer full) @base[@index]. */
CrExpr *cr_expr_new_subscript (CrExpr *base, CrExpr *index);
/* Takes ownership of the @n_elements (at least one) expressions in @elements, not of the array.
 * Returns: (transfer full) the vector literal [elements...]. */
CrExpr *cr_expr_new_vector (CrExpr *const *elements, size_t n_elements);
/* Returns: (transfer full) a deep copy of @expr, locations included. */
CrExpr *cr_expr_copy (const CrExpr *expr);
void cr_expr_free (CrExpr *expr);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrExpr, cr_expr_free)

/* Returns: (transfer full) a call of @name with no arguments yet. */
CrCall *cr_call_new (const char *name);
/* Appends an argument, positional when @keyword is NULL. */
void cr_call_append_argument (CrCall *call, const char *keyword, CrExpr *value);
/* Replaces the value of argument @index, keeping its keyword; frees the old value. */
void cr_call_set_argument (CrCall *call, size_t index, CrExpr *value);
/* Removes and frees argument @index. */
void cr_call_remove_argument (CrCall *call, size_t index);
/* Returns: the index of the argument with @keyword, or -1. */
gssize cr_call_find_argument (const CrCall *call, const char *keyword);
/* Returns: (transfer full) a deep copy of @call. */
CrCall *cr_call_copy (const CrCall *call);
void cr_call_free (CrCall *call);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrCall, cr_call_free)

/* Returns: (transfer full) `@name[@size] ~ @distribution`; @size may be NULL. */
CrStatement *cr_statement_new_stochastic (const char *name, CrExpr *size, CrCall *distribution);
/* Returns: (transfer full) `@name = @value` for CR_STATEMENT_DETERMINISTIC, with `local` or
 * `data` before it for CR_STATEMENT_LOCAL and CR_STATEMENT_DATA; @kind is not STOCHASTIC. */
CrStatement *cr_statement_new_assignment (CrStatementKind kind, const char *name, CrExpr *value);
/* Replaces the right-hand side of a statement that is not stochastic; frees the old one. */
void cr_statement_set_value (CrStatement *statement, CrExpr *value);
/* Replaces the distribution of a stochastic statement; frees the old one. */
void cr_statement_set_distribution (CrStatement *statement, CrCall *distribution);
/* Replaces (or with NULL removes) the size of a stochastic statement; frees the old one. */
void cr_statement_set_size (CrStatement *statement, CrExpr *size);
/* Renames the statement's variable; references to it elsewhere are the caller's to change. */
void cr_statement_rename (CrStatement *statement, const char *name);
/* Returns: (transfer full) a deep copy of @statement, comments included. */
CrStatement *cr_statement_copy (const CrStatement *statement);
void cr_statement_free (CrStatement *statement);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrStatement, cr_statement_free)

/* Returns: (transfer full) a program with no statements. */
CrProgram *cr_program_new (void);
/* Inserts @statement before statement @position, or at the end when @position is -1 or the
 * number of statements. */
void cr_program_insert (CrProgram *program, gssize position, CrStatement *statement);
/* Removes and frees statement @position together with its comments. */
void cr_program_remove (CrProgram *program, size_t position);
void cr_program_free (CrProgram *program);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrProgram, cr_program_free)

/* Structural equality, ignoring locations, comments and empty lines. Numbers are equal when
 * they are the same double (0 and -0 differ). NULL equals only NULL. */
gboolean cr_expr_equal (const CrExpr *a, const CrExpr *b);
gboolean cr_call_equal (const CrCall *a, const CrCall *b);
gboolean cr_statement_equal (const CrStatement *a, const CrStatement *b);
gboolean cr_program_equal (const CrProgram *a, const CrProgram *b);

G_END_DECLS
