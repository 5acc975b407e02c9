/* transform-private.h: shared inside transform/. transform.c holds the public entry points,
 * the names and the elementwise kinds; transform-vector.c the kinds whose elements depend on
 * each other (ordered, simplex, Cholesky correlation), with the same contracts as the public
 * functions for one kind each. */
#pragma once

#include "transform/transform.h"

/* Room for any double that cr_transform_format_value () writes, with its terminator. */
#define CR_TRANSFORM_VALUE_BUF_SIZE G_ASCII_DTOSTR_BUF_SIZE

/* Writes @value for a message, locale-independent and to 10 significant digits (enough to
 * show why 1.00000002 is not 1). Returns: (transfer none) @buf. */
const char *cr_transform_format_value (char *buf,
                                       double value);

/* Writes how a message names element @i of @n into @buf (@size bytes): "element 2", or "the
 * value" when @n is 1, since a scalar has no element 0. Returns: (transfer none) @buf. */
const char *cr_transform_element_label (char *buf,
                                        size_t size,
                                        size_t i,
                                        size_t n);

/* Sets @error to "<what> is <value>: its unconstrained value is not finite ..." and returns
 * FALSE; for the inverses whose y overflows although x is inside the support. */
gboolean cr_transform_set_unrepresentable (GError **error,
                                           const char *what,
                                           double value);

/* TRUE with *@order = K when @n = K * K for some K >= 1. */
gboolean cr_transform_cholesky_order (size_t n,
                                      size_t *order);

/* transform-vector.c */
double cr_transform_ordered_forward (const double *y,
                                     double *x,
                                     size_t n);
void cr_transform_ordered_backward (const double *y,
                                    size_t n,
                                    const double *d_x,
                                    double *d_y);
gboolean cr_transform_ordered_inverse (const double *x,
                                       double *y,
                                       size_t n,
                                       GError **error);

double cr_transform_simplex_forward (const double *y,
                                     double *x,
                                     size_t n);
void cr_transform_simplex_backward (const double *y,
                                    const double *x,
                                    size_t n,
                                    const double *d_x,
                                    double *d_y);
gboolean cr_transform_simplex_inverse (const double *x,
                                       double *y,
                                       size_t n,
                                       GError **error);

/* @order is K, the factor's number of rows; x holds K * K values. */
double cr_transform_cholesky_corr_forward (const double *y,
                                           double *x,
                                           size_t order);
void cr_transform_cholesky_corr_backward (const double *y,
                                          const double *x,
                                          size_t order,
                                          const double *d_x,
                                          double *d_y);
gboolean cr_transform_cholesky_corr_inverse (const double *x,
                                             double *y,
                                             size_t order,
                                             GError **error);
