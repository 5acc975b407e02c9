/* plot.c: the plot kinds by name, the dispatcher, and writing plots to PNG, SVG and PDF. */
#include "plot-private.h"


#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>

/* In CrPlotKind order. */
static const char *const kind_names[CR_PLOT_N_KINDS] = {
  "trace", "rank", "posterior", "forest", "pair", "energy", "autocorr", "ess", "regression",
};

/* Cairo's limit on an image surface's side. */
#define MAX_IMAGE_SIDE 32767.0

const char *
cr_plot_kind_to_name (CrPlotKind kind)
{
  g_return_val_if_fail ((guint) kind < CR_PLOT_N_KINDS, NULL);
  return kind_names[kind];
}

gboolean
cr_plot_kind_from_name (const char *name, CrPlotKind *kind)
{
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (kind != NULL, FALSE);

  for (guint k = 0; k < CR_PLOT_N_KINDS; k++)
    if (g_str_equal (name, kind_names[k]))
      {
        *kind = (CrPlotKind) k;
        return TRUE;
      }
  return FALSE;
}

gboolean
cr_plot_draw (cairo_t *cr,
              double width,
              double height,
              const CrPlotStyle *style,
              CrPlotKind kind,
              gconstpointer input,
              GError **error)
{
  g_return_val_if_fail (input != NULL, FALSE);

  switch (kind)
    {
    case CR_PLOT_KIND_TRACE:
      return cr_plot_draw_trace (cr, width, height, style, input, error);
    case CR_PLOT_KIND_RANK:
      return cr_plot_draw_rank (cr, width, height, style, input, error);
    case CR_PLOT_KIND_POSTERIOR:
      return cr_plot_draw_posterior (cr, width, height, style, input, error);
    case CR_PLOT_KIND_FOREST:
      return cr_plot_draw_forest (cr, width, height, style, input, error);
    case CR_PLOT_KIND_PAIR:
      return cr_plot_draw_pair (cr, width, height, style, input, error);
    case CR_PLOT_KIND_ENERGY:
      return cr_plot_draw_energy (cr, width, height, style, input, error);
    case CR_PLOT_KIND_AUTOCORR:
      return cr_plot_draw_autocorr (cr, width, height, style, input, error);
    case CR_PLOT_KIND_ESS:
      return cr_plot_draw_ess (cr, width, height, style, input, error);
    case CR_PLOT_KIND_REGRESSION:
      return cr_plot_draw_regression (cr, width, height, style, input, error);
    default:
      g_return_val_if_reached (FALSE);
    }
}

typedef enum
{
  FORMAT_PNG,
  FORMAT_SVG,
  FORMAT_PDF,
} Format;

typedef struct
{
  FILE *file;
  int error_number; /* errno of the first failed write, 0 when none failed */
} Writer;

static cairo_status_t
write_chunk (void *closure, const unsigned char *data, unsigned int length)
{
  Writer *writer = closure;
  if (writer->error_number != 0)
    return CAIRO_STATUS_WRITE_ERROR;
  if (fwrite (data, 1, length, writer->file) != length)
    {
      writer->error_number = errno != 0 ? errno : EIO;
      return CAIRO_STATUS_WRITE_ERROR;
    }
  return CAIRO_STATUS_SUCCESS;
}

gboolean
cr_plot_save (const char *path,
              double width,
              double height,
              const CrPlotStyle *style,
              CrPlotKind kind,
              gconstpointer input,
              GError **error)
{
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (input != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  Format format;
  g_autofree char *lower = g_ascii_strdown (path, -1);
  if (g_str_has_suffix (lower, ".png"))
    format = FORMAT_PNG;
  else if (g_str_has_suffix (lower, ".svg"))
    format = FORMAT_SVG;
  else if (g_str_has_suffix (lower, ".pdf"))
    format = FORMAT_PDF;
  else
    {
      g_set_error (error, CR_PLOT_ERROR, CR_PLOT_ERROR_FORMAT,
                   "%s: unknown plot format; name the file .png, .svg or .pdf", path);
      return FALSE;
    }
  /* Checked before the file is created, so that a bad size leaves nothing behind. */
  if (!(width >= CR_PLOT_MIN_WIDTH && height >= CR_PLOT_MIN_HEIGHT) || !isfinite (width)
      || !isfinite (height) || (format == FORMAT_PNG
                                && (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE)))
    {
      g_set_error (error, CR_PLOT_ERROR, CR_PLOT_ERROR_SIZE,
                   "%s: a plot of %g x %g cannot be written; the size must be at least %g x %g%s",
                   path, width, height, CR_PLOT_MIN_WIDTH, CR_PLOT_MIN_HEIGHT,
                   format == FORMAT_PNG ? " and at most 32767 on each side" : "");
      return FALSE;
    }

  Writer writer = { g_fopen (path, "wb"), 0 };
  if (writer.file == NULL)
    {
      int saved = errno;
      g_set_error (error, CR_PLOT_ERROR, CR_PLOT_ERROR_WRITE, "cannot write %s: %s", path,
                   g_strerror (saved));
      return FALSE;
    }

  cairo_surface_t *surface = NULL;
  switch (format)
    {
    case FORMAT_PNG:
      surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) ceil (width),
                                            (int) ceil (height));
      break;
    case FORMAT_SVG:
      surface = cairo_svg_surface_create_for_stream (write_chunk, &writer, width, height);
      break;
    case FORMAT_PDF:
      surface = cairo_pdf_surface_create_for_stream (write_chunk, &writer, width, height);
      cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Credence");
      break;
    default:
      g_assert_not_reached ();
    }
  cairo_t *cr = cairo_create (surface);
  gboolean ok = cr_plot_draw (cr, width, height, style, kind, input, error);
  cairo_destroy (cr);
  cairo_status_t status = CAIRO_STATUS_SUCCESS;
  if (ok && format == FORMAT_PNG)
    status = cairo_surface_write_to_png_stream (surface, write_chunk, &writer);
  /* SVG and PDF write their last pages when finished. */
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  int close_result = fclose (writer.file);
  int close_errno = errno;

  if (ok && (status != CAIRO_STATUS_SUCCESS || writer.error_number != 0 || close_result != 0))
    {
      const char *reason = writer.error_number != 0 ? g_strerror (writer.error_number)
                           : close_result != 0      ? g_strerror (close_errno)
                                                    : cairo_status_to_string (status);
      g_set_error (error, CR_PLOT_ERROR, CR_PLOT_ERROR_WRITE, "cannot write %s: %s", path,
                   reason);
      ok = FALSE;
    }
  if (!ok)
    g_remove (path);
  return ok;
}

