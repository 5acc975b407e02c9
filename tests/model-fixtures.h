/* model-fixtures.h: conformance models and data for the engine's tests, read from
 * tests/data/models/ (found through G_TEST_SRCDIR), and compiled as the app compiles them. */
#pragma once

#include "ad/ad.h"

/* Returns: (transfer full) the dataset tests/data/models/@name; fails the test if it does
 * not load. */
CrDataset *fixture_load_csv (const char *name);

/* Returns: (transfer full) the text of tests/data/models/@name. */
char *fixture_read_model (const char *name);

/* Returns: (transfer full) a dataset like logistic_big.csv (x1..x20 uniform on [-2, 2], a
 * binary y) with @n rows, the same for every call, without committing 15 MB of CSV. */
CrDataset *fixture_logistic_big (size_t n);

/* A model compiled against its dataset, down to the tape. */
typedef struct
{
  CrDataset *dataset;
  CrModel *model;
  CrTape *tape;
} Compiled;

void compiled_clear (Compiled *c);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Compiled, compiled_clear)

/* Compiles @text against c->dataset (which may be NULL); fails the test on any error. */
void compile_text (Compiled *c, const char *text);

/* Compiles tests/data/models/@model_name with the dataset @csv: a file there, "big" for
 * fixture_logistic_big (2000), or NULL for none. */
void compile_file (Compiled *c, const char *model_name, const char *csv);
