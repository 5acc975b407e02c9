/* canvas.c: the layer under every plot kind: text with Pango, panels and their axes,
 * legends and grids of panels. */
#include "plot-private.h"

#include <math.h>
#include <string.h>

G_DEFINE_QUARK (cr-plot-error-quark, cr_plot_error)

#define TICK_LENGTH 4.0

void
cr_plot_style_init (CrPlotStyle *style, CrPlotTheme theme)
{
  g_return_if_fail (style != NULL);

  style->theme = theme;
  style->font_family = NULL;
  style->font_size = 0;
  style->omit_text = FALSE;
}

gboolean
cr_canvas_begin (CrCanvas *canvas,
                 cairo_t *cr,
                 double width,
                 double height,
                 const CrPlotStyle *style,
                 GError **error)
{
  if (cairo_status (cr) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, CR_PLOT_ERROR, CR_PLOT_ERROR_CAIRO,
                   "cannot draw the plot: the Cairo context is in an error state (%s)",
                   cairo_status_to_string (cairo_status (cr)));
      return FALSE;
    }
  /* The negated comparison also refuses NaN sizes. */
  if (!(width >= CR_PLOT_MIN_WIDTH && height >= CR_PLOT_MIN_HEIGHT) || !isfinite (width)
      || !isfinite (height))
    {
      g_set_error (error, CR_PLOT_ERROR, CR_PLOT_ERROR_SIZE,
                   "a plot of %g x %g is too small; a plot needs at least %g x %g",
                   width, height, CR_PLOT_MIN_WIDTH, CR_PLOT_MIN_HEIGHT);
      return FALSE;
    }

  canvas->cr = cr;
  cr_plot_style_init (&canvas->default_style, CR_PLOT_THEME_LIGHT);
  canvas->style = style != NULL ? style : &canvas->default_style;
  canvas->width = width;
  canvas->height = height;
  CrPlotTheme theme = canvas->style->theme;
  canvas->background = cr_plot_background_color (theme);
  canvas->foreground = cr_plot_foreground_color (theme);
  canvas->grid = cr_plot_grid_color (theme);
  canvas->muted = cr_plot_muted_color (theme);
  canvas->alert = cr_plot_alert_color (theme);
  canvas->font_size = canvas->style->font_size > 0 ? canvas->style->font_size : 11.0;
  canvas->pad = round (canvas->font_size * 0.5);

  cairo_save (cr);
  cairo_new_path (cr);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_clip (cr);
  cr_plot_set_source (cr, canvas->background, 1.0);
  cairo_paint (cr);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);

  canvas->layout = pango_cairo_create_layout (cr);
  PangoContext *context = pango_layout_get_context (canvas->layout);
  /* One point per device unit, unhinted and with unrounded glyph positions: text then has
   * the same metrics on every surface and every machine with the same fonts, whatever the
   * desktop's font settings (the reference images rely on it). */
  pango_cairo_context_set_resolution (context, 72.0);
  cairo_font_options_t *options = cairo_font_options_create ();
  cairo_font_options_set_antialias (options, CAIRO_ANTIALIAS_GRAY);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  pango_cairo_context_set_font_options (context, options);
  cairo_font_options_destroy (options);
  pango_context_set_round_glyph_positions (context, FALSE);
  pango_layout_context_changed (canvas->layout);

  canvas->font = pango_font_description_new ();
  pango_font_description_set_family (canvas->font, canvas->style->font_family != NULL
                                                     ? canvas->style->font_family
                                                     : "DejaVu Sans");
  canvas->layout_scale = 0;
  double unused;
  cr_canvas_measure (canvas, "Ag", 1.0, &unused, &canvas->line_height);
  return TRUE;
}

static void
canvas_free (CrCanvas *canvas)
{
  g_clear_object (&canvas->layout);
  g_clear_pointer (&canvas->font, pango_font_description_free);
  cairo_restore (canvas->cr);
}

gboolean
cr_canvas_end (CrCanvas *canvas, GError **error)
{
  canvas_free (canvas);
  cairo_status_t status = cairo_status (canvas->cr);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, CR_PLOT_ERROR, CR_PLOT_ERROR_CAIRO,
                   "drawing the plot failed: %s", cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

gboolean
cr_canvas_abort (CrCanvas *canvas)
{
  canvas_free (canvas);
  return FALSE;
}

static void
set_text (CrCanvas *canvas, const char *text, double scale)
{
  if (scale != canvas->layout_scale)
    {
      pango_font_description_set_absolute_size (canvas->font,
                                                canvas->font_size * scale * PANGO_SCALE);
      pango_layout_set_font_description (canvas->layout, canvas->font);
      canvas->layout_scale = scale;
    }
  pango_layout_set_text (canvas->layout, text, -1);
}

void
cr_canvas_measure (CrCanvas *canvas,
                   const char *text,
                   double scale,
                   double *width,
                   double *height)
{
  set_text (canvas, text, scale);
  PangoRectangle logical;
  pango_layout_get_extents (canvas->layout, NULL, &logical);
  *width = (double) logical.width / PANGO_SCALE;
  *height = (double) logical.height / PANGO_SCALE;
}

void
cr_canvas_text (CrCanvas *canvas,
                const char *text,
                double x,
                double y,
                double align_x,
                double align_y,
                double scale,
                CrColor color)
{
  double width, height;
  cr_canvas_measure (canvas, text, scale, &width, &height);
  if (canvas->style->omit_text)
    return;
  cr_plot_set_source (canvas->cr, color, 1.0);
  cairo_move_to (canvas->cr, x - align_x * width, y - align_y * height);
  pango_cairo_show_layout (canvas->cr, canvas->layout);
  cairo_new_path (canvas->cr);
}

void
cr_canvas_text_vertical (CrCanvas *canvas,
                         const char *text,
                         double x,
                         double y,
                         double scale,
                         CrColor color)
{
  double width, height;
  cr_canvas_measure (canvas, text, scale, &width, &height);
  if (canvas->style->omit_text)
    return;
  cairo_t *cr = canvas->cr;
  cairo_save (cr);
  cairo_translate (cr, x, y);
  cairo_rotate (cr, -G_PI / 2);
  pango_cairo_update_layout (cr, canvas->layout);
  cr_plot_set_source (cr, color, 1.0);
  cairo_move_to (cr, -width / 2, -height / 2);
  pango_cairo_show_layout (cr, canvas->layout);
  cairo_new_path (cr);
  cairo_restore (cr);
  pango_cairo_update_layout (cr, canvas->layout);
}

/* The widest of the labels of @ticks, and the width of the last one. */
static void
tick_label_widths (CrCanvas *canvas,
                   const CrAxisTicks *ticks,
                   double *widest,
                   double *last)
{
  *widest = 0;
  *last = 0;
  for (int i = 0; i < ticks->n_ticks; i++)
    {
      g_autofree char *label = cr_axis_format_tick (ticks->ticks[i], ticks);
      double width, height;
      cr_canvas_measure (canvas, label, 1.0, &width, &height);
      *widest = fmax (*widest, width);
      *last = width;
    }
}

void
cr_frame_margins (CrCanvas *canvas,
                  const CrFrame *frame,
                  double *left,
                  double *right,
                  double *top,
                  double *bottom)
{
  double pad = canvas->pad, line = canvas->line_height;

  double y_labels_width = 0;
  if (frame->y_ticks != NULL && !frame->hide_y_tick_labels && !frame->no_y_axis)
    {
      double last;
      tick_label_widths (canvas, frame->y_ticks, &y_labels_width, &last);
    }
  if (frame->y_names != NULL && !frame->hide_y_tick_labels)
    for (size_t k = 0; k < frame->n_y_names; k++)
      {
        double width, height;
        cr_canvas_measure (canvas, frame->y_names[k], 1.0, &width, &height);
        y_labels_width = fmax (y_labels_width, width);
      }
  *left = pad / 2 + (frame->y_label != NULL ? line + pad / 2 : 0)
          + (y_labels_width > 0 ? y_labels_width + TICK_LENGTH + pad / 2 : 0);
  if (frame->no_y_axis && frame->y_label == NULL)
    *left = pad;

  /* An x label centred on the last tick reaches half its width past the data area. */
  *right = pad;
  *bottom = pad / 2;
  if (frame->x_ticks != NULL)
    {
      *bottom += TICK_LENGTH;
      if (!frame->hide_x_tick_labels)
        {
          double widest, last;
          tick_label_widths (canvas, frame->x_ticks, &widest, &last);
          *right = fmax (*right, last / 2 + 2);
          *bottom += line;
        }
    }
  if (frame->x_label != NULL)
    *bottom += line;

  /* A y label centred on the top tick reaches half a line above the data area. */
  *top = frame->title != NULL ? line + pad / 2 : pad / 2;
  if (frame->y_ticks != NULL || frame->y_names != NULL)
    *top = fmax (*top, line / 2 + 1);
}

void
cr_ticks_for (double lo, double hi, double length, double spacing, CrAxisTicks *ticks)
{
  int target = CLAMP ((int) (length / spacing), 2, 10);
  int most = CLAMP ((int) (length / 35), 2, 10);
  for (;;)
    {
      cr_axis_ticks (lo, hi, target, ticks);
      int inside = 0;
      for (int i = 0; i < ticks->n_ticks; i++)
        inside += ticks->ticks[i] >= lo && ticks->ticks[i] <= hi;
      if (inside >= 3 || target >= most)
        return;
      target++;
    }
}

void
cr_panel_place (CrCanvas *canvas,
                CrRect outer,
                const CrFrame *frame,
                double x_lo,
                double x_hi,
                double y_lo,
                double y_hi,
                CrPanel *panel)
{
  double left, right, top, bottom;
  cr_frame_margins (canvas, frame, &left, &right, &top, &bottom);
  panel->area.x = outer.x + left;
  panel->area.y = outer.y + top;
  panel->area.width = fmax (1.0, outer.width - left - right);
  panel->area.height = fmax (1.0, outer.height - top - bottom);

  if (!(x_hi > x_lo))
    {
      double half = fmax (0.5, 0.5 * fabs (x_lo));
      x_lo -= half;
      x_hi = x_lo + 2 * half;
    }
  if (!(y_hi > y_lo))
    {
      double half = fmax (0.5, 0.5 * fabs (y_lo));
      y_lo -= half;
      y_hi = y_lo + 2 * half;
    }
  panel->x_lo = x_lo;
  panel->x_hi = x_hi;
  panel->y_lo = y_lo;
  panel->y_hi = y_hi;
}

/* Snaps a coordinate to the middle of a device pixel, so 1-unit lines are crisp. */
static double
crisp (double v)
{
  return floor (v) + 0.5;
}

static gboolean
within (double v, double lo, double hi)
{
  double slack = (hi - lo) * 1e-9;
  return v >= lo - slack && v <= hi + slack;
}

void
cr_panel_draw_frame (CrCanvas *canvas,
                     const CrPanel *panel,
                     const CrFrame *frame)
{
  cairo_t *cr = canvas->cr;
  const CrRect *area = &panel->area;
  double left = area->x, right = area->x + area->width;
  double top = area->y, bottom = area->y + area->height;
  double pad = canvas->pad, line = canvas->line_height;

  cairo_save (cr);
  cairo_set_line_width (cr, 1.0);

  /* Grid lines first: the data goes over them. */
  cr_plot_set_source (cr, canvas->grid, 1.0);
  if (frame->x_ticks != NULL)
    for (int i = 0; i < frame->x_ticks->n_ticks; i++)
      {
        double t = frame->x_ticks->ticks[i];
        if (!within (t, panel->x_lo, panel->x_hi))
          continue;
        double x = crisp (cr_panel_x (panel, t));
        cairo_move_to (cr, x, top);
        cairo_line_to (cr, x, bottom);
      }
  if (frame->y_ticks != NULL && !frame->no_y_axis)
    for (int i = 0; i < frame->y_ticks->n_ticks; i++)
      {
        double t = frame->y_ticks->ticks[i];
        if (!within (t, panel->y_lo, panel->y_hi))
          continue;
        double y = crisp (cr_panel_y (panel, t));
        cairo_move_to (cr, left, y);
        cairo_line_to (cr, right, y);
      }
  cairo_stroke (cr);

  /* Spines (left and bottom, as ArviZ's styles) and ticks. */
  cr_plot_set_source (cr, canvas->foreground, 1.0);
  double spine_x = crisp (left), spine_y = crisp (bottom);
  cairo_move_to (cr, left, spine_y);
  cairo_line_to (cr, right, spine_y);
  if (!frame->no_y_axis)
    {
      cairo_move_to (cr, spine_x, top);
      cairo_line_to (cr, spine_x, bottom);
    }
  if (frame->x_ticks != NULL)
    for (int i = 0; i < frame->x_ticks->n_ticks; i++)
      {
        double t = frame->x_ticks->ticks[i];
        if (!within (t, panel->x_lo, panel->x_hi))
          continue;
        double x = crisp (cr_panel_x (panel, t));
        cairo_move_to (cr, x, bottom);
        cairo_line_to (cr, x, bottom + TICK_LENGTH);
      }
  if (frame->y_ticks != NULL && !frame->no_y_axis)
    for (int i = 0; i < frame->y_ticks->n_ticks; i++)
      {
        double t = frame->y_ticks->ticks[i];
        if (!within (t, panel->y_lo, panel->y_hi))
          continue;
        double y = crisp (cr_panel_y (panel, t));
        cairo_move_to (cr, left - TICK_LENGTH, y);
        cairo_line_to (cr, left, y);
      }
  cairo_stroke (cr);

  /* Tick labels. */
  if (frame->x_ticks != NULL && !frame->hide_x_tick_labels)
    for (int i = 0; i < frame->x_ticks->n_ticks; i++)
      {
        double t = frame->x_ticks->ticks[i];
        if (!within (t, panel->x_lo, panel->x_hi))
          continue;
        g_autofree char *label = cr_axis_format_tick (t, frame->x_ticks);
        cr_canvas_text (canvas, label, cr_panel_x (panel, t), bottom + TICK_LENGTH, 0.5, 0, 1.0,
                        canvas->foreground);
      }
  double y_labels_width = 0;
  if (frame->y_ticks != NULL && !frame->hide_y_tick_labels && !frame->no_y_axis)
    for (int i = 0; i < frame->y_ticks->n_ticks; i++)
      {
        double t = frame->y_ticks->ticks[i];
        if (!within (t, panel->y_lo, panel->y_hi))
          continue;
        g_autofree char *label = cr_axis_format_tick (t, frame->y_ticks);
        double width, height;
        cr_canvas_measure (canvas, label, 1.0, &width, &height);
        y_labels_width = fmax (y_labels_width, width);
        cr_canvas_text (canvas, label, left - TICK_LENGTH - pad / 2, cr_panel_y (panel, t), 1.0,
                        0.5, 1.0, canvas->foreground);
      }
  if (frame->y_names != NULL && !frame->hide_y_tick_labels)
    for (size_t k = 0; k < frame->n_y_names; k++)
      {
        double width, height;
        cr_canvas_measure (canvas, frame->y_names[k], 1.0, &width, &height);
        y_labels_width = fmax (y_labels_width, width);
        cr_canvas_text (canvas, frame->y_names[k], left - pad / 2,
                        cr_panel_y (panel, frame->y_name_positions[k]), 1.0, 0.5, 1.0,
                        canvas->foreground);
      }

  /* Axis labels and title. */
  if (frame->x_label != NULL)
    {
      double y = bottom + (frame->x_ticks != NULL ? TICK_LENGTH : 0)
                 + (frame->x_ticks != NULL && !frame->hide_x_tick_labels ? line : 0);
      cr_canvas_text (canvas, frame->x_label, left + area->width / 2, y, 0.5, 0, 1.0,
                      canvas->foreground);
    }
  if (frame->y_label != NULL)
    {
      double x = left - (y_labels_width > 0 ? y_labels_width + TICK_LENGTH + pad / 2 : 0)
                 - pad / 2 - line / 2;
      cr_canvas_text_vertical (canvas, frame->y_label, x, top + area->height / 2, 1.0,
                               canvas->foreground);
    }
  if (frame->title != NULL)
    cr_canvas_text (canvas, frame->title, left + area->width / 2, top - pad / 2, 0.5, 1.0, 1.0,
                    canvas->foreground);

  cairo_restore (cr);
}

void
cr_panel_clip (CrCanvas *canvas, const CrPanel *panel, double margin)
{
  cairo_save (canvas->cr);
  cairo_new_path (canvas->cr);
  cairo_rectangle (canvas->cr, panel->area.x - margin, panel->area.y - margin,
                   panel->area.width + 2 * margin, panel->area.height + 2 * margin);
  cairo_clip (canvas->cr);
}

/* The width of an entry's mark and the gap after it. */
static double
mark_width (const CrCanvas *canvas, CrLegendMark mark)
{
  switch (mark)
    {
    case CR_LEGEND_LINE:
      return 2 * canvas->font_size;
    case CR_LEGEND_BOX:
    case CR_LEGEND_DOT:
      return canvas->font_size;
    case CR_LEGEND_TEXT:
    default:
      return 0;
    }
}

double
cr_canvas_legend (CrCanvas *canvas,
                  CrRect area,
                  const CrLegendEntry *entries,
                  size_t n_entries,
                  gboolean draw)
{
  if (n_entries == 0)
    return 0;

  cairo_t *cr = canvas->cr;
  double line = canvas->line_height, gap = canvas->pad / 2, spacing = 2 * canvas->pad;
  double x = 0, y = 0;
  for (size_t k = 0; k < n_entries; k++)
    {
      const CrLegendEntry *entry = &entries[k];
      double text_width, text_height;
      cr_canvas_measure (canvas, entry->label, 1.0, &text_width, &text_height);
      double mark = mark_width (canvas, entry->mark);
      double entry_width = (mark > 0 ? mark + gap : 0) + text_width;
      if (x > 0 && x + entry_width > area.width)
        {
          x = 0;
          y += line;
        }
      if (draw)
        {
          double left = area.x + x, middle = area.y + y + line / 2;
          cairo_save (cr);
          cr_plot_set_source (cr, entry->color, entry->alpha > 0 ? entry->alpha : 1.0);
          switch (entry->mark)
            {
            case CR_LEGEND_LINE:
              cairo_set_line_width (cr, 2.0);
              cairo_move_to (cr, left, middle);
              cairo_line_to (cr, left + mark, middle);
              cairo_stroke (cr);
              break;
            case CR_LEGEND_BOX:
              cairo_rectangle (cr, left, middle - mark / 2, mark, mark);
              cairo_fill (cr);
              break;
            case CR_LEGEND_DOT:
              cairo_arc (cr, left + mark / 2, middle, mark / 3, 0, 2 * G_PI);
              cairo_fill (cr);
              break;
            case CR_LEGEND_TEXT:
            default:
              break;
            }
          cairo_restore (cr);
          CrColor text_color = entry->mark == CR_LEGEND_TEXT ? entry->color : canvas->foreground;
          cr_canvas_text (canvas, entry->label, left + (mark > 0 ? mark + gap : 0), middle, 0,
                          0.5, 1.0, text_color);
        }
      x += entry_width + spacing;
    }
  return y + line;
}

double
cr_canvas_chain_legend (CrCanvas *canvas, size_t n_chains, gboolean draw)
{
  if (n_chains < 2)
    return 0;
  g_autofree CrLegendEntry *entries = g_new0 (CrLegendEntry, n_chains);
  g_autoptr (GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  for (size_t c = 0; c < n_chains; c++)
    {
      char *label = g_strdup_printf (C_ ("plot legend", "chain %zu"), c);
      g_ptr_array_add (labels, label);
      entries[c] = (CrLegendEntry){ label, cr_plot_chain_color ((guint) c, canvas->style->theme),
                                    1.0, CR_LEGEND_LINE };
    }
  CrRect area = { canvas->pad, canvas->pad / 2, canvas->width - 2 * canvas->pad,
                  canvas->height };
  return cr_canvas_legend (canvas, area, entries, n_chains, draw) + canvas->pad;
}

void
cr_grid_shape (size_t n_items, size_t max_cols, size_t *rows, size_t *cols)
{
  g_assert (max_cols >= 1);
  if (n_items <= max_cols)
    {
      *rows = 1;
      *cols = MAX (n_items, 1);
      return;
    }
  *cols = n_items == 4 ? 2 : max_cols;
  *rows = (n_items + *cols - 1) / *cols;
}

CrRect
cr_grid_cell (CrRect outer, size_t rows, size_t cols, size_t index)
{
  double width = outer.width / cols, height = outer.height / rows;
  return (CrRect){ outer.x + (index % cols) * width, outer.y + (index / cols) * height, width,
                   height };
}

gboolean
cr_check_cells (double cell_width,
                double cell_height,
                double min_width,
                double min_height,
                const char *what,
                GError **error)
{
  if (cell_width >= min_width && cell_height >= min_height)
    return TRUE;
  g_set_error (error, CR_PLOT_ERROR, CR_PLOT_ERROR_SIZE,
               /* Translators: %s says what, as "3 rank panels"; then sizes in pixels. */
               _("Too small for %s: each needs at least %.0f x %.0f and would get %.0f x %.0f; "
                 "enlarge the plot or show fewer elements"),
               what, min_width, min_height, cell_width, cell_height);
  return FALSE;
}

gboolean
cr_check_draws (const CrPlotDraws *draws, const char *kind, GError **error)
{
  if (draws->n_quantities == 0 || draws->quantities == NULL)
    {
      g_set_error (error, CR_PLOT_ERROR, CR_PLOT_ERROR_INPUT,
                   "%s plot: no quantities to plot; name a variable that the run recorded",
                   kind);
      return FALSE;
    }
  if (draws->n_chains == 0 || draws->n_draws == 0)
    {
      g_set_error (error, CR_PLOT_ERROR, CR_PLOT_ERROR_INPUT,
                   "%s plot: the run has no draws yet (%zu chains of %zu draws); "
                   "plot it once it has recorded some",
                   kind, draws->n_chains, draws->n_draws);
      return FALSE;
    }
  for (size_t q = 0; q < draws->n_quantities; q++)
    if (draws->quantities[q].draws == NULL)
      {
        g_set_error (error, CR_PLOT_ERROR, CR_PLOT_ERROR_INPUT,
                     "%s plot: quantity %zu ('%s') has no draws", kind, q,
                     draws->quantities[q].name != NULL ? draws->quantities[q].name : "");
        return FALSE;
      }
  return TRUE;
}

void
cr_panel_density (CrCanvas *canvas,
                  const CrPanel *panel,
                  const double *grid,
                  const double *density,
                  size_t n_grid,
                  CrColor color,
                  double line_width,
                  double fill_alpha)
{
  cairo_t *cr = canvas->cr;
  cairo_save (cr);
  cairo_new_path (cr);
  for (size_t j = 0; j < n_grid; j++)
    cairo_line_to (cr, cr_panel_x (panel, grid[j]), cr_panel_y (panel, density[j]));
  if (fill_alpha > 0)
    {
      cairo_path_t *line = cairo_copy_path (cr);
      cairo_line_to (cr, cr_panel_x (panel, grid[n_grid - 1]), cr_panel_y (panel, 0));
      cairo_line_to (cr, cr_panel_x (panel, grid[0]), cr_panel_y (panel, 0));
      cairo_close_path (cr);
      cr_plot_set_source (cr, color, fill_alpha);
      cairo_fill (cr);
      cairo_append_path (cr, line);
      cairo_path_destroy (line);
    }
  cr_plot_set_source (cr, color, 1.0);
  cairo_set_line_width (cr, line_width);
  cairo_stroke (cr);
  cairo_restore (cr);
}

void
cr_format_percent (char *buffer, size_t size, double prob)
{
  char number[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd (number, sizeof number, "%.1f", 100 * prob);
  size_t length = strlen (number);
  if (length > 2 && number[length - 1] == '0' && number[length - 2] == '.')
    number[length - 2] = '\0';
  g_snprintf (buffer, size, "%s%%", number);
}
