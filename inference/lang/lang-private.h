/* lang-private.h: what the lexer, parser, checks, printer and tree code share. */
#pragma once

#include "lang/lang.h"

G_BEGIN_DECLS

/* Enough for any double that cr_lang_format_number () writes: sign, 17 digits, point,
 * exponent, NUL. */
#define CR_LANG_NUMBER_BUFFER 32

/* Appends a diagnostic at @line:@column..@end_column to @diagnostics (which owns it). */
void cr_lang_add_diagnostic (GPtrArray *diagnostics,
                             CrLangError code,
                             guint line,
                             guint column,
                             guint end_column,
                             const char *format,
                             ...) G_GNUC_PRINTF (6, 7);

/* As cr_lang_add_diagnostic () for the span @location. A span over several lines is
 * underlined to the end of its first line, whose length in characters @line_lengths
 * (element-type guint, index line - 1) gives; without it, one character is underlined. */
void cr_lang_add_diagnostic_at (GPtrArray *diagnostics,
                                const GArray *line_lengths,
                                CrLangError code,
                                const CrLangLocation *location,
                                const char *format,
                                ...) G_GNUC_PRINTF (5, 6);

/* Returns: (transfer full) a new array for diagnostics, which frees them. */
GPtrArray *cr_lang_diagnostics_new (void);

/* Sorts @diagnostics into source order (stable, so errors at one place keep their order).
 * Returns: TRUE when it is empty; otherwise FALSE with @error set to all of them, one per line
 * as "FILE:LINE:COLUMN: message", with the first one's code. */
gboolean cr_lang_diagnostics_to_error (GPtrArray *diagnostics,
                                       const char *filename,
                                       GError **error);

/* The lexer behind cr_lang_tokenize (): @length bytes of @text, errors appended to
 * @diagnostics; @line_lengths (nullable, element-type guint) receives the length in characters
 * of each line, newline excluded. Returns: (transfer full) the tokens. */
GArray *cr_lang_lex (const char *text,
                     size_t length,
                     GPtrArray *diagnostics,
                     GArray *line_lengths);

/* Appends to @diagnostics the errors of cr_program_check (). */
void cr_lang_check_program (const CrProgram *program,
                            const GArray *line_lengths,
                            GPtrArray *diagnostics);

/* Writes @value (finite) into @buffer as cr_lang_print () does. */
void cr_lang_format_number (double value, char buffer[CR_LANG_NUMBER_BUFFER]);

/* Tree nodes for the parser, which fills in the rest. All return (transfer full). */
CrExpr *cr_expr_alloc (CrExprKind kind);
CrStatement *cr_statement_alloc (CrStatementKind kind, char *name);
CrCall *cr_call_alloc (char *name);
CrArgument *cr_argument_new (char *keyword, CrExpr *value);
void cr_argument_free (CrArgument *argument);
CrComment *cr_comment_new (const char *text, const CrLangLocation *location);
void cr_comment_free (CrComment *comment);

/* Returns: the span from the start of @first to the end of @last. */
static inline CrLangLocation
cr_lang_location_join (const CrLangLocation *first, const CrLangLocation *last)
{
  CrLangLocation joined = { first->line, first->column, last->end_line, last->end_column };
  return joined;
}

G_END_DECLS
