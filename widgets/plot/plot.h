/* plot.h: the plot renderers: every diagnostic plot of a run, drawn with Cairo and Pango
 * only. The same code draws on screen, into PNG, SVG and PDF files and into reports, and
 * credence-cli uses it without GTK.
 *
 * The layers, bottom up: axis ticks and tick labels, the per-chain palette and the themes;
 * the numerics the plots share (kernel density estimate, HDI, number formatting); one drawing
 * function per plot kind, cr_plot_draw_<kind> (cr, width, height, style, input, error), with
 * one small input struct per kind; cr_plot_draw and cr_plot_save, which dispatch on a
 * CrPlotKind and write PNG, SVG or PDF by the file name's suffix.
 *
 * Invariants:
 * - The caller owns every array an input points to; the renderers only read them, during the
 *   call. Draws of one scalar quantity are an n_chains x n_draws matrix stored chain-major,
 *   draws[chain * n_draws + i], as in the engine's diag module; a vector variable is several
 *   quantities with their element names ("theta[0]", "theta[1]", ...).
 * - A non-finite draw is skipped where a plot cannot show it (a density, a line); it never
 *   makes a drawing fail. Chains are numbered from 0, as ArviZ numbers them.
 * - Drawing cost scales with pixels, not draws: lines are decimated to their minimum and
 *   maximum per pixel column, densities are binned before they are smoothed, and scatter
 *   plots turn into hexagonal bins beyond CR_PLOT_PAIR_SCATTER_MAX draws. The numerics that
 *   must see every draw (ranks, HDI, autocorrelation) are linear or n log n in the draws.
 * - A drawing function leaves the state of @cr (source, transform, clip) as it found it;
 *   it paints the whole @width x @height rectangle at the origin, background first.
 * - Nothing here keeps global state: every function is safe to call from any thread, each on
 *   its own cairo_t. Scratch memory is allocated per call and freed before returning.
 */
#pragma once

#include <cairo.h>
#include <glib.h>
#include <stddef.h>

G_BEGIN_DECLS

#define CR_AXIS_MAX_TICKS 16

typedef struct
{
  double lo, hi;                        /* the axis range: covers the data, ends on ticks */
  double step;                          /* 1, 2 or 5 times a power of ten */
  int n_ticks;
  double ticks[CR_AXIS_MAX_TICKS];
  int decimals;                         /* digits after the point that label every tick */
} CrAxisTicks;

/* Chooses about @target (2..10) ticks at "nice" steps covering [@data_lo, @data_hi]
 * (Heckbert 1990, "Nice numbers for graph labels"). A degenerate range (lo == hi) is widened
 * around its value; non-finite input gives the range [0, 1]. */
void cr_axis_ticks (double data_lo, double data_hi, int target, CrAxisTicks *ticks);

/* Formats @value as a tick label of @ticks: fixed notation with ticks->decimals digits, or
 * scientific notation when the magnitude is below 1e-4 or at least 1e6; never "-0".
 * Returns: (transfer full) the label; g_free () it. */
char *cr_axis_format_tick (double value, const CrAxisTicks *ticks);

typedef enum
{
  CR_PLOT_THEME_LIGHT,
  CR_PLOT_THEME_DARK,
} CrPlotTheme;

typedef struct
{
  double red, green, blue;
} CrColor;

/* Returns: the colour of chain @chain (any index; the palette repeats after 8), from the
 * Okabe–Ito colour-blind-safe palette, adjusted for the theme's background. */
CrColor cr_plot_chain_color (guint chain, CrPlotTheme theme);

/* Returns: the theme's background and foreground (text, axes) colours. */
CrColor cr_plot_background_color (CrPlotTheme theme);
CrColor cr_plot_foreground_color (CrPlotTheme theme);

/* Returns: the theme's grid-line colour (faint) and its muted colour (reference lines,
 * secondary text): both stand apart from the background and from every chain colour. */
CrColor cr_plot_grid_color (CrPlotTheme theme);
CrColor cr_plot_muted_color (CrPlotTheme theme);

/* Returns: the colour that marks divergent draws and warnings (a red apart from the chain
 * colours of the pair plot and from the background). */
CrColor cr_plot_alert_color (CrPlotTheme theme);

/* Sets @color as @cr's source with @alpha. */
void cr_plot_set_source (cairo_t *cr, CrColor color, double alpha);

/* Errors of the renderers and of cr_plot_save. */
#define CR_PLOT_ERROR (cr_plot_error_quark ())
GQuark cr_plot_error_quark (void);

typedef enum
{
  CR_PLOT_ERROR_INPUT,  /* nothing to plot: no draws, no quantities, no observations */
  CR_PLOT_ERROR_SIZE,   /* the plot's panels do not fit in the width and height given */
  CR_PLOT_ERROR_FORMAT, /* a file name whose suffix is not .png, .svg or .pdf */
  CR_PLOT_ERROR_WRITE,  /* the file cannot be written */
  CR_PLOT_ERROR_CAIRO,  /* the cairo_t is (or went) into an error state, e.g. out of memory */
} CrPlotError;

/* How a plot looks; the same for every kind. Device units are pixels on an image surface
 * and points (1/72 in) on SVG and PDF surfaces. */
typedef struct
{
  CrPlotTheme theme;
  const char *font_family; /* a fontconfig family; NULL: "DejaVu Sans" */
  double font_size;        /* in device units; 0: 11 */
  /* Lay text out but leave its glyphs undrawn. The reference-image tests set it so that they
   * compare geometry, not the font rasteriser of the machine (tests/data/plot/README.md). */
  gboolean omit_text;
} CrPlotStyle;

/* Fills @style with the defaults for @theme: DejaVu Sans at 11 units, text drawn. */
void cr_plot_style_init (CrPlotStyle *style, CrPlotTheme theme);

/* The support of a quantity, for the density estimate's boundary correction. A bound that a
 * finite draw crosses is ignored (the draws are then not from that support). */
typedef struct
{
  gboolean has_lower, has_upper;
  double lower, upper;
} CrPlotBounds;

/* One scalar quantity: a scalar variable, or one element of a vector variable. */
typedef struct
{
  const char *name;    /* "sigma", "theta[0]": the panel title or row label */
  const double *draws; /* n_chains * n_draws, chain-major (borrowed) */
  CrPlotBounds bounds; /* all FALSE (as zero-initialised) for an unbounded quantity */
} CrPlotQuantity;

/* The draws of one variable (or of several, side by side) from one run. */
typedef struct
{
  const CrPlotQuantity *quantities; /* n_quantities (borrowed) */
  size_t n_quantities;
  size_t n_chains;
  size_t n_draws;                   /* per chain */
} CrPlotDraws;

/* ---- Numerics shared by the plots ---- */

/* The Gaussian kernel density estimate of the finite values among @draws[0 .. n-1] on
 * @n_grid (at least 16) evenly spaced points, written to @grid and @density (caller-owned,
 * n_grid each); the bandwidth used goes to @bandwidth when not NULL.
 * Bandwidth: Silverman's rule of thumb, h = 0.9 min(sd, IQR / 1.34) n^(-1/5) (Silverman 1986,
 * "Density Estimation for Statistics and Data Analysis", eq. 3.31), with sd alone when the
 * IQR is 0. The grid spans the draws and 3h beyond them (R's density() cut = 3), clipped to
 * the bounds in @bounds (NULL: unbounded); at a bound within that reach the kernel mass
 * across it is reflected back (Silverman 1986, sec. 2.10), so no mass lies outside the
 * support and the density integrates to about 1 over the grid. The draws are linearly binned
 * onto the grid before the convolution (Wand & Jones 1995, "Kernel Smoothing", App. D), so
 * the cost is linear in n plus a constant in n_grid.
 * Returns: FALSE (and writes nothing) when fewer than 2 values are finite or all finite
 * values are equal: such draws have no density to show. */
gboolean cr_plot_kde (const double *draws,
                      size_t n,
                      const CrPlotBounds *bounds,
                      size_t n_grid,
                      double *grid,
                      double *density,
                      double *bandwidth);

/* ArviZ's HDI at @prob in (0, 1), as the engine's cr_diag_hdi: with the n draws sorted,
 * k = floor(prob n), the interval [x[i], x[i + k]] of least width, the first on a tie.
 * Returns: FALSE with both bounds NAN when @n is 0 or a draw is NaN. Allocates a copy. */
gboolean cr_plot_hdi (const double *draws,
                      size_t n,
                      double prob,
                      double *lower,
                      double *upper);

/* Formats @value with @significant (1..15) significant digits for a label: fixed notation
 * for magnitudes in [1e-3, 1e5), scientific otherwise; "0" for zero, never "-0"; "NaN",
 * "inf" and "-inf" for the non-finite. Always '.' as the decimal point.
 * Returns: (transfer full) the text; g_free () it. */
char *cr_plot_format_number (double value, int significant);

/* ---- The plot kinds ---- */

typedef enum
{
  CR_PLOT_KIND_TRACE,
  CR_PLOT_KIND_RANK,
  CR_PLOT_KIND_POSTERIOR,
  CR_PLOT_KIND_FOREST,
  CR_PLOT_KIND_PAIR,
  CR_PLOT_KIND_ENERGY,
  CR_PLOT_KIND_AUTOCORR,
  CR_PLOT_KIND_ESS,
  CR_PLOT_KIND_REGRESSION,
} CrPlotKind;

#define CR_PLOT_N_KINDS (CR_PLOT_KIND_REGRESSION + 1)

/* Returns: the kind's name as credence-cli spells it ("trace", "rank", ...), static. */
const char *cr_plot_kind_to_name (CrPlotKind kind);

/* Looks up a kind by its name. Returns: FALSE when @name is not one. */
gboolean cr_plot_kind_from_name (const char *name,
                                 CrPlotKind *kind);

/* trace: per row one quantity, its per-chain densities on the left and per-chain lines
 * against the draw index on the right; divergent draws as ticks at the bottom of both. */
typedef struct
{
  CrPlotDraws draws;
  const guint8 *divergent; /* NULL, or n_chains * n_draws flags, nonzero for a divergence */
} CrPlotTraceInput;

/* rank: per quantity the histograms of the ranks of each chain's draws among all draws, one
 * band per chain with the uniform expectation dashed (Vehtari et al. 2021, "Rank-normalization,
 * folding, and localization", Bayesian Analysis 16(2), sec. 4.1). Ties share their mean rank. */
typedef struct
{
  CrPlotDraws draws;
  size_t n_bins; /* 0: ArviZ's choice, ceil(2 log2(n_draws)) + 1 */
} CrPlotRankInput;

/* posterior: per quantity the density of the pooled draws with the HDI bar and its bounds
 * printed, the mean printed, and optionally a reference value as a line with the share of
 * draws below and above it printed. */
typedef struct
{
  CrPlotDraws draws;
  double hdi_prob;          /* 0: 0.94 */
  const double *hdi_lower;  /* NULL, or n_quantities bounds (the engine's diag module's), */
  const double *hdi_upper;  /* used as given; NULL computes them with cr_plot_hdi */
  const double *reference;  /* NULL, or n_quantities values, NAN where there is none */
} CrPlotPosteriorInput;

/* forest: per quantity (one row each, top down) the HDI as a thin line, the interquartile
 * range as a thick one and the median as a hollow dot, for the pooled draws or per chain;
 * R-hat printed beside each row when given. */
typedef struct
{
  CrPlotDraws draws;
  gboolean combined;        /* TRUE: one interval of the pooled draws; FALSE: one per chain */
  double hdi_prob;          /* 0: 0.94 */
  const double *hdi_lower;  /* NULL, or n_quantities pooled bounds, used when combined */
  const double *hdi_upper;
  const double *r_hat;      /* NULL, or n_quantities values (NAN prints as "—") */
} CrPlotForestInput;

/* Above this many pooled draws the pair plot's CR_PLOT_PAIR_AUTO bins into hexagons. */
#define CR_PLOT_PAIR_SCATTER_MAX 2000

typedef enum
{
  CR_PLOT_PAIR_AUTO,
  CR_PLOT_PAIR_SCATTER,
  CR_PLOT_PAIR_HEXBIN,
} CrPlotPairMode;

/* pair: the lower triangle of a grid of every pair of quantities (scatter or hexagonal bins
 * of the pooled draws), each quantity's density on the diagonal; divergent draws drawn on top
 * in the alert colour. One quantity gives its density alone. */
typedef struct
{
  CrPlotDraws draws;
  const guint8 *divergent; /* NULL, or n_chains * n_draws flags, nonzero for a divergence */
  CrPlotPairMode mode;
} CrPlotPairInput;

/* energy: the density of the centred Hamiltonian energy (marginal) over that of its changes
 * between successive draws of a chain (transition), with each chain's E-BFMI printed; an
 * E-BFMI below 0.3 is printed in the alert colour (Betancourt 2016, arXiv:1604.00695). */
typedef struct
{
  const double *energy;  /* n_chains * n_draws, chain-major */
  size_t n_chains;
  size_t n_draws;
  const double *ebfmi;   /* NULL, or n_chains values (the engine's); NULL computes them as
                          * sum (E[i] - E[i-1])^2 / sum (E[i] - mean E)^2 per chain */
} CrPlotEnergyInput;

/* autocorr: per quantity and chain the autocorrelation at lags 0 .. max_lag as bars, with
 * divisor n at every lag as the engine's cr_diag_autocorr. */
typedef struct
{
  CrPlotDraws draws;
  size_t max_lag; /* 0: min(100, n_draws - 1), ArviZ's default */
} CrPlotAutocorrInput;

/* ess: per quantity the bulk (and tail) ESS computed on the first draw_counts[k] draws,
 * against draw_counts[k], with the minimum ESS dashed (Vehtari et al. 2021, sec. 4.3). */
typedef struct
{
  const char *const *names;  /* n_quantities names */
  size_t n_quantities;
  size_t n_points;
  const double *draw_counts; /* n_points, increasing: the total draws (all chains) used */
  const double *ess_bulk;    /* n_quantities * n_points, quantity-major: [q * n_points + k] */
  const double *ess_tail;    /* NULL, or as ess_bulk */
  double min_ess;            /* 0: 400, Vehtari et al.'s rule for 4 chains */
} CrPlotEssInput;

/* regression: for a model y ~ a + b x with one predictor, the observations as points, the
 * posterior mean of the regression line, the HDI band of that line pointwise and, when the
 * predictive draws are given, the band of each observation's predictive HDI (in order of x,
 * smoothed by a moving average over 5 neighbouring observations). */
typedef struct
{
  const double *x;          /* n_obs observations of the predictor */
  const double *y;          /* n_obs observations of the outcome */
  size_t n_obs;
  const char *x_label;      /* NULL: "x" */
  const char *y_label;      /* NULL: "y" */
  double band_prob;         /* 0: 0.94 */
  /* The line, one of two ways: its values at a grid, or intercept and slope draws. */
  const double *grid_x;     /* n_grid increasing predictor values, or NULL */
  size_t n_grid;
  const double *mean_draws; /* n_line_draws * n_grid, draw-major: [s * n_grid + j] */
  const double *intercept;  /* used when mean_draws is NULL: n_line_draws each; the grid is */
  const double *slope;      /* then grid_x, or 100 points over the range of x */
  size_t n_line_draws;
  /* Posterior predictive draws at the observed x, or NULL for no predictive band. */
  const double *predictive; /* n_predictive_draws * n_obs, draw-major: [s * n_obs + i] */
  size_t n_predictive_draws;
} CrPlotRegressionInput;

/* The drawing functions: each paints a whole @width x @height plot of its kind at the origin
 * of @cr in @style (NULL: the light defaults). @width and @height are device units, at least
 * CR_PLOT_MIN_WIDTH x CR_PLOT_MIN_HEIGHT.
 * Returns: FALSE with @error set when there is nothing to plot (CR_PLOT_ERROR_INPUT), when
 * the panels do not fit (CR_PLOT_ERROR_SIZE; the message says how much room they need) or
 * when @cr is in an error state (CR_PLOT_ERROR_CAIRO); @cr may then be partly painted. */
#define CR_PLOT_MIN_WIDTH 120.0
#define CR_PLOT_MIN_HEIGHT 90.0

gboolean cr_plot_draw_trace (cairo_t *cr,
                             double width,
                             double height,
                             const CrPlotStyle *style,
                             const CrPlotTraceInput *input,
                             GError **error);
gboolean cr_plot_draw_rank (cairo_t *cr,
                            double width,
                            double height,
                            const CrPlotStyle *style,
                            const CrPlotRankInput *input,
                            GError **error);
gboolean cr_plot_draw_posterior (cairo_t *cr,
                                 double width,
                                 double height,
                                 const CrPlotStyle *style,
                                 const CrPlotPosteriorInput *input,
                                 GError **error);
gboolean cr_plot_draw_forest (cairo_t *cr,
                              double width,
                              double height,
                              const CrPlotStyle *style,
                              const CrPlotForestInput *input,
                              GError **error);
gboolean cr_plot_draw_pair (cairo_t *cr,
                            double width,
                            double height,
                            const CrPlotStyle *style,
                            const CrPlotPairInput *input,
                            GError **error);
gboolean cr_plot_draw_energy (cairo_t *cr,
                              double width,
                              double height,
                              const CrPlotStyle *style,
                              const CrPlotEnergyInput *input,
                              GError **error);
gboolean cr_plot_draw_autocorr (cairo_t *cr,
                                double width,
                                double height,
                                const CrPlotStyle *style,
                                const CrPlotAutocorrInput *input,
                                GError **error);
gboolean cr_plot_draw_ess (cairo_t *cr,
                           double width,
                           double height,
                           const CrPlotStyle *style,
                           const CrPlotEssInput *input,
                           GError **error);
gboolean cr_plot_draw_regression (cairo_t *cr,
                                  double width,
                                  double height,
                                  const CrPlotStyle *style,
                                  const CrPlotRegressionInput *input,
                                  GError **error);

/* Draws a plot of @kind: @input points to the input struct of that kind
 * (CR_PLOT_KIND_TRACE: a CrPlotTraceInput, ...). Otherwise as cr_plot_draw_<kind>. */
gboolean cr_plot_draw (cairo_t *cr,
                       double width,
                       double height,
                       const CrPlotStyle *style,
                       CrPlotKind kind,
                       gconstpointer input,
                       GError **error);

/* Writes a @width x @height plot of @kind (as cr_plot_draw) to @path in the format its suffix
 * names, case-insensitively: ".png" (an image of width x height pixels, rounded up), ".svg"
 * or ".pdf" (width x height points). The file is replaced if it exists; on failure no
 * partial file is left behind.
 * Returns: FALSE with @error set for an unknown suffix (CR_PLOT_ERROR_FORMAT), a file that
 * cannot be written (CR_PLOT_ERROR_WRITE, naming the file and the reason) or any error of
 * the drawing function. */
gboolean cr_plot_save (const char *path,
                       double width,
                       double height,
                       const CrPlotStyle *style,
                       CrPlotKind kind,
                       gconstpointer input,
                       GError **error);

G_END_DECLS
