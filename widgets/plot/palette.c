/* palette.c: theme and chain colours. */
#include "plot.h"

/* Okabe & Ito 2008, "Color Universal Design": distinguishable under the common colour-vision
 * deficiencies. Black is left out (it is the light theme's text colour). */
static const CrColor okabe_ito[8] = {
  { 0.000, 0.447, 0.698 }, /* blue */
  { 0.902, 0.624, 0.000 }, /* orange */
  { 0.000, 0.620, 0.451 }, /* bluish green */
  { 0.800, 0.475, 0.655 }, /* reddish purple */
  { 0.337, 0.706, 0.914 }, /* sky blue */
  { 0.835, 0.369, 0.000 }, /* vermillion */
  { 0.941, 0.894, 0.259 }, /* yellow */
  { 0.600, 0.600, 0.600 }, /* grey */
};

CrColor
cr_plot_chain_color (guint chain, CrPlotTheme theme)
{
  CrColor color = okabe_ito[chain % G_N_ELEMENTS (okabe_ito)];
  if (theme == CR_PLOT_THEME_DARK)
    {
      /* Lift dark colours toward white so lines keep their contrast on a dark background. */
      color.red = 0.25 + 0.75 * color.red;
      color.green = 0.25 + 0.75 * color.green;
      color.blue = 0.25 + 0.75 * color.blue;
    }
  return color;
}

CrColor
cr_plot_background_color (CrPlotTheme theme)
{
  /* libadwaita's view background in light and dark style. */
  return theme == CR_PLOT_THEME_DARK ? (CrColor){ 0.118, 0.118, 0.118 } : (CrColor){ 1.0, 1.0, 1.0 };
}

CrColor
cr_plot_foreground_color (CrPlotTheme theme)
{
  return theme == CR_PLOT_THEME_DARK ? (CrColor){ 1.0, 1.0, 1.0 } : (CrColor){ 0.0, 0.0, 0.0 };
}

CrColor
cr_plot_grid_color (CrPlotTheme theme)
{
  return theme == CR_PLOT_THEME_DARK ? (CrColor){ 0.24, 0.24, 0.24 }
                                     : (CrColor){ 0.90, 0.90, 0.90 };
}

CrColor
cr_plot_muted_color (CrPlotTheme theme)
{
  /* Greys far from the last chain colour (0.6 grey, lifted to 0.7 in the dark theme), so a
   * reference line is never mistaken for chain 7. */
  return theme == CR_PLOT_THEME_DARK ? (CrColor){ 0.85, 0.85, 0.85 }
                                     : (CrColor){ 0.35, 0.35, 0.35 };
}

CrColor
cr_plot_alert_color (CrPlotTheme theme)
{
  return theme == CR_PLOT_THEME_DARK ? (CrColor){ 1.0, 0.40, 0.40 } : (CrColor){ 0.80, 0.10, 0.10 };
}

void
cr_plot_set_source (cairo_t *cr, CrColor color, double alpha)
{
  cairo_set_source_rgba (cr, color.red, color.green, color.blue, alpha);
}
