/* test-diag.c: diagnostics against R's posterior package, and against direct computations.
 *
 * The fixtures in tests/data/diag/ come from make-reference.R there (README.md has the R and
 * package versions). Run through `meson test`, or set G_TEST_SRCDIR to the tests folder.
 */
#include <math.h>
#include <string.h>

#include <glib.h>
#include <gsl/gsl_errno.h>

#include "diag/diag.h"
#include "diag/verdict.h"

/* The agreement DESIGN.md asks of diagnostics against R's posterior. */
#define CR_DIAG_TOL_R 1e-6
/* An FFT autocorrelation against the direct O(n^2) sum: both are within a few hundred ulps
 * of the truth for the chain lengths here, on a scale where lag 0 is 1. */
#define CR_DIAG_TOL_FFT 1e-12
/* The same sums accumulated in a different precision or order. */
#define CR_DIAG_TOL_SUM 1e-13

typedef struct
{
  double *draws; /* chain-major */
  size_t n_chains;
  size_t n_draws;
} Draws;

static void
draws_free (Draws *draws)
{
  g_free (draws->draws);
  g_free (draws);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Draws, draws_free)

static double
parse_value (const char *text)
{
  if (strcmp (text, "NA") == 0 || strcmp (text, "NaN") == 0)
    return NAN;
  if (strcmp (text, "Inf") == 0)
    return INFINITY;
  if (strcmp (text, "-Inf") == 0)
    return -INFINITY;
  char *end = NULL;
  double value = g_ascii_strtod (text, &end);
  g_assert_true (end != text && *end == '\0');
  return value;
}

/* The lines of a fixture, without the header and without the final empty line. */
static char **
read_fixture_lines (const char *name,
                    char **header)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "diag", name, NULL);
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  if (!g_file_get_contents (path, &contents, NULL, &error))
    g_error ("%s; run through meson test or set G_TEST_SRCDIR to the tests folder",
             error->message);
  char **lines = g_strsplit (g_strchomp (contents), "\n", -1);
  g_assert_nonnull (lines[0]);
  *header = lines[0];
  memmove (lines, lines + 1, g_strv_length (lines) * sizeof (char *));
  return lines;
}

/* A draws file: a header chain1,...,chainK and one row per draw. */
static Draws *
read_draws (const char *case_name)
{
  g_autofree char *file = g_strconcat (case_name, ".csv", NULL);
  g_autofree char *header = NULL;
  g_auto (GStrv) lines = read_fixture_lines (file, &header);
  g_auto (GStrv) columns = g_strsplit (header, ",", -1);

  Draws *draws = g_new0 (Draws, 1);
  draws->n_chains = g_strv_length (columns);
  draws->n_draws = g_strv_length (lines);
  draws->draws = g_new (double, draws->n_chains * draws->n_draws);
  for (size_t i = 0; i < draws->n_draws; i++)
    {
      g_auto (GStrv) cells = g_strsplit (lines[i], ",", -1);
      g_assert_cmpuint (g_strv_length (cells), ==, draws->n_chains);
      for (size_t chain = 0; chain < draws->n_chains; chain++)
        draws->draws[chain * draws->n_draws + i] = parse_value (cells[chain]);
    }
  return draws;
}

/* A three-column fixture (case,key,value) as a table from "case,key" to the value. */
static GHashTable *
read_reference (const char *name,
                const char *expected_header)
{
  g_autofree char *header = NULL;
  g_auto (GStrv) lines = read_fixture_lines (name, &header);
  g_assert_cmpstr (header, ==, expected_header);
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (size_t i = 0; lines[i] != NULL; i++)
    {
      char *last_comma = strrchr (lines[i], ',');
      g_assert_nonnull (last_comma);
      *last_comma = '\0';
      double *value = g_new (double, 1);
      *value = parse_value (last_comma + 1);
      g_assert_true (g_hash_table_insert (table, g_strdup (lines[i]), value));
    }
  return table;
}

/* The reference value for @case_name and @key; fails the test when there is none. */
static double
lookup_reference (GHashTable *reference,
                  const char *case_name,
                  const char *key)
{
  g_autofree char *joined = g_strconcat (case_name, ",", key, NULL);
  const double *value = g_hash_table_lookup (reference, joined);
  if (value == NULL)
    {
      g_test_fail_printf ("no reference for %s %s", case_name, key);
      return NAN;
    }
  return *value;
}

/* Equal to a relative @tolerance, NaN only with NaN, an infinity only with itself. */
static gboolean
values_match (double ours,
              double theirs,
              double tolerance)
{
  if (isnan (theirs) || isnan (ours))
    return isnan (theirs) && isnan (ours);
  if (isinf (theirs) || isinf (ours))
    return ours == theirs;
  return fabs (ours - theirs) <= tolerance * fabs (theirs);
}

static void
check_value (const char *what,
             double ours,
             double theirs,
             double tolerance)
{
  if (!values_match (ours, theirs, tolerance))
    g_test_fail_printf ("%s: got %.17g, expected %.17g (relative tolerance %g)", what, ours,
                        theirs, tolerance);
}

/* The measures of reference.csv, computed here. */

static double
pooled_mean (const double *draws, size_t n_chains, size_t n_draws)
{
  return cr_diag_mean (draws, n_chains * n_draws);
}

static double
pooled_sd (const double *draws, size_t n_chains, size_t n_draws)
{
  return cr_diag_sd (draws, n_chains * n_draws);
}

#define POOLED_QUANTILE(name, prob)                                         \
  static double name (const double *draws, size_t n_chains, size_t n_draws) \
  {                                                                         \
    return cr_diag_quantile (draws, n_chains * n_draws, prob);              \
  }
#define ESS_QUANTILE(name, prob)                                            \
  static double name (const double *draws, size_t n_chains, size_t n_draws) \
  {                                                                         \
    return cr_diag_ess_quantile (draws, n_chains, n_draws, prob);           \
  }
#define MCSE_QUANTILE(name, prob)                                           \
  static double name (const double *draws, size_t n_chains, size_t n_draws) \
  {                                                                         \
    return cr_diag_mcse_quantile (draws, n_chains, n_draws, prob);          \
  }

POOLED_QUANTILE (quantile_5, 0.05)
POOLED_QUANTILE (quantile_50, 0.5)
POOLED_QUANTILE (quantile_95, 0.95)
ESS_QUANTILE (ess_quantile_0, 0.0)
ESS_QUANTILE (ess_quantile_5, 0.05)
ESS_QUANTILE (ess_quantile_50, 0.5)
ESS_QUANTILE (ess_quantile_95, 0.95)
ESS_QUANTILE (ess_quantile_100, 1.0)
MCSE_QUANTILE (mcse_quantile_5, 0.05)
MCSE_QUANTILE (mcse_quantile_50, 0.5)
MCSE_QUANTILE (mcse_quantile_95, 0.95)

static double
rhat_basic_split (const double *draws, size_t n_chains, size_t n_draws)
{
  return cr_diag_rhat_basic (draws, n_chains, n_draws, TRUE);
}

static double
rhat_basic_whole (const double *draws, size_t n_chains, size_t n_draws)
{
  return cr_diag_rhat_basic (draws, n_chains, n_draws, FALSE);
}

static double
ess_basic_split (const double *draws, size_t n_chains, size_t n_draws)
{
  return cr_diag_ess_basic (draws, n_chains, n_draws, TRUE);
}

static double
ess_basic_whole (const double *draws, size_t n_chains, size_t n_draws)
{
  return cr_diag_ess_basic (draws, n_chains, n_draws, FALSE);
}

static const struct
{
  const char *name;
  double (*compute) (const double *draws, size_t n_chains, size_t n_draws);
} measures[] = {
  { "rhat", cr_diag_rhat },
  { "rhat_basic", rhat_basic_split },
  { "rhat_basic_nosplit", rhat_basic_whole },
  { "ess_bulk", cr_diag_ess_bulk },
  { "ess_tail", cr_diag_ess_tail },
  { "ess_basic", ess_basic_split },
  { "ess_basic_nosplit", ess_basic_whole },
  { "ess_mean", cr_diag_ess_mean },
  { "ess_sd", cr_diag_ess_sd },
  { "ess_q0", ess_quantile_0 },
  { "ess_q5", ess_quantile_5 },
  { "ess_q50", ess_quantile_50 },
  { "ess_q95", ess_quantile_95 },
  { "ess_q100", ess_quantile_100 },
  { "mcse_mean", cr_diag_mcse_mean },
  { "mcse_sd", cr_diag_mcse_sd },
  { "mcse_q5", mcse_quantile_5 },
  { "mcse_q50", mcse_quantile_50 },
  { "mcse_q95", mcse_quantile_95 },
  { "mean", pooled_mean },
  { "sd", pooled_sd },
  { "q5", quantile_5 },
  { "q50", quantile_50 },
  { "q95", quantile_95 },
};

static const char *const cases[] = {
  "normal",
  "shifted",
  "cauchy",
  "sticky",
  "antithetic",
  "constant",
  "short",
  "one_chain",
  "ties",
  "nearly_constant",
  "nan",
  "inf",
  "odd",
  "tiny3",
  "tiny1",
  "one_chain_tiny",
};

/* Every posterior measure of one fixture, to 1e-6 relative; NA must be NAN. */
static void
test_posterior_case (gconstpointer data)
{
  const char *case_name = data;
  g_autoptr (Draws) draws = read_draws (case_name);
  g_autoptr (GHashTable) reference = read_reference ("reference.csv", "case,measure,value");

  for (size_t m = 0; m < G_N_ELEMENTS (measures); m++)
    {
      double theirs = lookup_reference (reference, case_name, measures[m].name);
      double ours = measures[m].compute (draws->draws, draws->n_chains, draws->n_draws);
      g_autofree char *what = g_strdup_printf ("%s %s", case_name, measures[m].name);
      check_value (what, ours, theirs, CR_DIAG_TOL_R);
    }
}

/* The fixture holds every case and measure and nothing else, so no check is skipped. */
static void
test_posterior_reference_complete (void)
{
  g_autoptr (GHashTable) reference = read_reference ("reference.csv", "case,measure,value");
  g_assert_cmpuint (g_hash_table_size (reference), ==,
                    G_N_ELEMENTS (cases) * G_N_ELEMENTS (measures));
  for (size_t c = 0; c < G_N_ELEMENTS (cases); c++)
    for (size_t m = 0; m < G_N_ELEMENTS (measures); m++)
      {
        g_autofree char *joined = g_strconcat (cases[c], ",", measures[m].name, NULL);
        g_assert_true (g_hash_table_contains (reference, joined));
      }
}

/* Short and constant inputs give NA in posterior, whatever the other cases do. */
static void
test_posterior_na_cases (void)
{
  const char *const always_na[] = { "constant", "nan", "tiny1" };
  for (size_t c = 0; c < G_N_ELEMENTS (always_na); c++)
    {
      g_autoptr (Draws) draws = read_draws (always_na[c]);
      g_assert_true (isnan (cr_diag_rhat (draws->draws, draws->n_chains, draws->n_draws)));
      g_assert_true (isnan (cr_diag_ess_bulk (draws->draws, draws->n_chains, draws->n_draws)));
      g_assert_true (isnan (cr_diag_ess_tail (draws->draws, draws->n_chains, draws->n_draws)));
    }
}

/* posterior's autocorrelation of chain 1 of three fixtures, including the 101-draw chain whose
 * FFT length 2 * nextn(101) = 216 is not a power of 2. */
static void
test_autocorr_posterior (void)
{
  const char *const names[] = { "normal", "sticky", "odd" };
  g_autoptr (GHashTable) reference = read_reference ("autocorr.csv", "case,lag,value");
  size_t n_checked = 0;

  for (size_t c = 0; c < G_N_ELEMENTS (names); c++)
    {
      g_autoptr (Draws) draws = read_draws (names[c]);
      g_autofree double *ours = g_new (double, draws->n_draws);
      cr_diag_autocorr (draws->draws, draws->n_draws, ours);
      for (size_t lag = 0; lag < draws->n_draws; lag++)
        {
          g_autofree char *key = g_strdup_printf ("%zu", lag);
          g_autofree char *what = g_strdup_printf ("autocorrelation of %s at lag %zu",
                                                   names[c], lag);
          double theirs = lookup_reference (reference, names[c], key);
          /* Lags past the decay are near 0, so compare on the lag-0 scale. */
          if (fabs (ours[lag] - theirs) > CR_DIAG_TOL_R)
            g_test_fail_printf ("%s: got %.17g, expected %.17g", what, ours[lag], theirs);
          n_checked++;
        }
    }
  g_assert_cmpuint (n_checked, ==, g_hash_table_size (reference));
}

/* sum_i (x_i - mean)(x_{i+lag} - mean) / n, lag by lag. */
static void
direct_autocov (const double *x,
                size_t n,
                double *autocov)
{
  double mean = 0.0;
  for (size_t i = 0; i < n; i++)
    mean += x[i];
  mean /= (double) n;
  for (size_t lag = 0; lag < n; lag++)
    {
      double sum = 0.0;
      for (size_t i = 0; i + lag < n; i++)
        sum += (x[i] - mean) * (x[i + lag] - mean);
      autocov[lag] = sum / (double) n;
    }
}

static void
fill_ar1 (GRand *rand,
          double rho,
          double *x,
          size_t n)
{
  x[0] = g_rand_double_range (rand, -1.0, 1.0);
  for (size_t i = 1; i < n; i++)
    x[i] = rho * x[i - 1] + g_rand_double_range (rand, -1.0, 1.0);
}

/* The FFT autocovariance and autocorrelation against the O(n^2) sums, on lengths that are
 * prime, 2,3,5-smooth and tiny, for positively and negatively correlated chains. */
static void
test_autocorr_direct (void)
{
  const size_t lengths[] = { 2, 3, 7, 97, 250, 1000, 1021 };
  const double rhos[] = { 0.0, 0.9, -0.6 };
  g_autoptr (GRand) rand = g_rand_new_with_seed (20240611);

  for (size_t l = 0; l < G_N_ELEMENTS (lengths); l++)
    for (size_t r = 0; r < G_N_ELEMENTS (rhos); r++)
      {
        size_t n = lengths[l];
        g_autofree double *x = g_new (double, n);
        g_autofree double *expected = g_new (double, n);
        g_autofree double *autocov = g_new (double, n);
        g_autofree double *autocorr = g_new (double, n);
        fill_ar1 (rand, rhos[r], x, n);
        direct_autocov (x, n, expected);
        cr_diag_autocov (x, n, autocov);
        cr_diag_autocorr (x, n, autocorr);
        g_assert_cmpfloat (autocorr[0], ==, 1.0);
        for (size_t lag = 0; lag < n; lag++)
          {
            g_assert_cmpfloat_with_epsilon (autocov[lag] / expected[0], expected[lag] / expected[0],
                                            CR_DIAG_TOL_FFT);
            g_assert_cmpfloat_with_epsilon (autocorr[lag], expected[lag] / expected[0],
                                            CR_DIAG_TOL_FFT);
          }
      }
}

/* posterior: a constant chain has autocovariance 0 and autocorrelation 0 / 0. */
static void
test_autocorr_degenerate (void)
{
  double constant[5] = { 2.0, 2.0, 2.0, 2.0, 2.0 }, result[5];
  cr_diag_autocov (constant, 5, result);
  for (size_t lag = 0; lag < 5; lag++)
    g_assert_cmpfloat (result[lag], ==, 0.0);
  cr_diag_autocorr (constant, 5, result);
  for (size_t lag = 0; lag < 5; lag++)
    g_assert_true (isnan (result[lag]));

  double with_inf[3] = { 1.0, INFINITY, 0.5 };
  cr_diag_autocorr (with_inf, 3, result);
  for (size_t lag = 0; lag < 3; lag++)
    g_assert_true (isnan (result[lag]));

  double one[1] = { 1.0 };
  cr_diag_autocov (one, 1, result);
  g_assert_true (isnan (result[0]));
}

/* An arithmetic sequence, shuffled: every window of k + 1 sorted draws has the same width, so
 * ArviZ's argmin picks the first. With k = floor(prob * n) the answer is exact. */
static void
test_hdi_arithmetic (void)
{
  const struct
  {
    size_t n;
    double prob;
    size_t k; /* floor(prob * n) worked out by hand */
  } cases_hdi[] = {
    { 100, 0.94, 94 }, /* 0.94 * 100 rounds to exactly 94.0 */
    { 1000, 0.94, 940 },
    { 50, 0.94, 47 },
    { 37, 0.94, 34 }, /* 34.78: floor, not round or ceil */
    { 10, 0.94, 9 },  /* the whole range */
    { 20, 0.5, 10 },
    { 10, 0.05, 0 }, /* a single draw */
  };
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);

  for (size_t c = 0; c < G_N_ELEMENTS (cases_hdi); c++)
    {
      size_t n = cases_hdi[c].n;
      g_autofree double *draws = g_new (double, n);
      for (size_t i = 0; i < n; i++)
        draws[i] = -3.0 + 0.5 * (double) i;
      for (size_t i = n - 1; i > 0; i--)
        {
          size_t j = (size_t) g_rand_int_range (rand, 0, (gint32) (i + 1));
          double swap = draws[i];
          draws[i] = draws[j];
          draws[j] = swap;
        }
      double lower, upper;
      cr_diag_hdi (draws, n, cases_hdi[c].prob, &lower, &upper);
      g_assert_cmpfloat (lower, ==, -3.0);
      g_assert_cmpfloat (upper, ==, -3.0 + 0.5 * (double) cases_hdi[c].k);
    }
}

/* Gaps that grow put the HDI at the bottom, gaps that shrink at the top; both exact. */
static void
test_hdi_skewed (void)
{
  const size_t n = 200;
  double draws[200];
  double lower, upper;
  size_t k = (size_t) floor (CR_DIAG_HDI_PROB * (double) n); /* 188 */
  g_assert_cmpuint (k, ==, 188);

  for (size_t i = 0; i < n; i++)
    draws[n - 1 - i] = (double) (i * i); /* descending order on input */
  cr_diag_hdi (draws, n, CR_DIAG_HDI_PROB, &lower, &upper);
  g_assert_cmpfloat (lower, ==, 0.0);
  g_assert_cmpfloat (upper, ==, (double) (k * k));

  for (size_t i = 0; i < n; i++)
    draws[i] = -(double) (i * i);
  cr_diag_hdi (draws, n, CR_DIAG_HDI_PROB, &lower, &upper);
  g_assert_cmpfloat (lower, ==, -(double) (k * k));
  g_assert_cmpfloat (upper, ==, 0.0);
}

static void
test_hdi_non_finite (void)
{
  double with_nan[4] = { 1.0, NAN, 2.0, 3.0 }, lower, upper;
  cr_diag_hdi (with_nan, 4, 0.5, &lower, &upper);
  g_assert_true (isnan (lower) && isnan (upper));

  /* Sorted: -1, 0, 1, inf, inf; k = 2; widths 2, inf, inf: the finite window wins. */
  double one_inf[5] = { INFINITY, 0.0, -1.0, INFINITY, 1.0 };
  cr_diag_hdi (one_inf, 5, 0.5, &lower, &upper);
  g_assert_cmpfloat (lower, ==, -1.0);
  g_assert_cmpfloat (upper, ==, 1.0);

  /* Sorted: -1, 0, inf, inf, inf; widths inf, inf, NaN: numpy's argmin takes the NaN. */
  double many_inf[5] = { INFINITY, 0.0, -1.0, INFINITY, INFINITY };
  cr_diag_hdi (many_inf, 5, 0.5, &lower, &upper);
  g_assert_cmpfloat (lower, ==, INFINITY);
  g_assert_cmpfloat (upper, ==, INFINITY);
}

/* E-BFMI against its definition computed the plain way, for several chains at once. */
static void
test_ebfmi_direct (void)
{
  enum
  {
    n_chains = 3,
    n_draws = 400
  };
  const double rhos[n_chains] = { 0.0, 0.8, -0.5 };
  g_autoptr (GRand) rand = g_rand_new_with_seed (99);
  double energy[n_chains * n_draws];
  double ebfmi[n_chains];

  for (size_t chain = 0; chain < n_chains; chain++)
    {
      fill_ar1 (rand, rhos[chain], energy + chain * n_draws, n_draws);
      for (size_t i = 0; i < n_draws; i++)
        energy[chain * n_draws + i] += 50.0; /* energies sit far from 0 */
    }
  cr_diag_ebfmi (energy, n_chains, n_draws, ebfmi);

  for (size_t chain = 0; chain < n_chains; chain++)
    {
      const double *e = energy + chain * n_draws;
      double mean = 0.0, jumps = 0.0, spread = 0.0;
      for (size_t i = 0; i < n_draws; i++)
        mean += e[i];
      mean /= (double) n_draws;
      for (size_t i = 0; i < n_draws; i++)
        {
          spread += (e[i] - mean) * (e[i] - mean);
          if (i > 0)
            jumps += (e[i] - e[i - 1]) * (e[i] - e[i - 1]);
        }
      check_value ("ebfmi", ebfmi[chain], jumps / spread, CR_DIAG_TOL_SUM);
    }
  /* A sticky energy (rho 0.8) is the low-BFMI case: about 2 (1 - rho) = 0.4. */
  g_assert_cmpfloat (ebfmi[1], <, ebfmi[0]);
  g_assert_cmpfloat (ebfmi[0], <, ebfmi[2]);
}

/* Two draws: one squared jump over the spread, (b - a)^2 / ((b - a)^2 / 2) = 2 exactly. */
static void
test_ebfmi_edges (void)
{
  double energy[6] = { 3.0, 5.0, 1.0, 1.0, 2.0, NAN };
  double ebfmi[6];
  cr_diag_ebfmi (energy, 3, 2, ebfmi);
  g_assert_cmpfloat (ebfmi[0], ==, 2.0);
  g_assert_true (isnan (ebfmi[1])); /* constant */
  g_assert_true (isnan (ebfmi[2])); /* NaN energy */

  cr_diag_ebfmi (energy, 6, 1, ebfmi); /* one draw per chain: no jump to measure */
  for (size_t chain = 0; chain < 6; chain++)
    g_assert_true (isnan (ebfmi[chain]));
}

/* Equal as doubles, or both NaN. */
static void
assert_same (const char *what,
             const char *case_name,
             double got,
             double expected)
{
  if (got == expected || (isnan (got) && isnan (expected)))
    return;
  g_error ("%s: %s: summary %.17g, function %.17g", case_name, what, got, expected);
}

/* The summary reads every rank and quantile from one sort of the draws; each of its fields
 * still equals the function of the same name exactly, on every fixture (ties, odd chains,
 * 1 to 3 draws per chain, NaN, inf, constant) and on draws rounded to a grid (many ties). */
static void
test_summary_one_sort (void)
{
  for (size_t c = 0; c < G_N_ELEMENTS (cases) + 1; c++)
    {
      g_autoptr (Draws) draws = read_draws (c < G_N_ELEMENTS (cases) ? cases[c] : "odd");
      const char *name = c < G_N_ELEMENTS (cases) ? cases[c] : "odd rounded to 0.25";
      const double *x = draws->draws;
      size_t n_chains = draws->n_chains, n_draws = draws->n_draws, n = n_chains * n_draws;
      if (c == G_N_ELEMENTS (cases))
        for (size_t i = 0; i < n; i++)
          draws->draws[i] = round (4 * draws->draws[i]) / 4;
      CrDiagSummary summary;
      double lower, upper;
      cr_diag_summarise (x, n_chains, n_draws, CR_DIAG_HDI_PROB, &summary);
      cr_diag_hdi (x, n, CR_DIAG_HDI_PROB, &lower, &upper);
      assert_same ("hdi_lower", name, summary.hdi_lower, lower);
      assert_same ("hdi_upper", name, summary.hdi_upper, upper);
      assert_same ("ess_bulk", name, summary.ess_bulk, cr_diag_ess_bulk (x, n_chains, n_draws));
      assert_same ("ess_tail", name, summary.ess_tail, cr_diag_ess_tail (x, n_chains, n_draws));
      assert_same ("r_hat", name, summary.r_hat, cr_diag_rhat (x, n_chains, n_draws));
      assert_same ("mcse_sd", name, summary.mcse_sd, cr_diag_mcse_sd (x, n_chains, n_draws));
    }
}

/* The summary holds the same numbers as the functions one by one, and R's where posterior
 * defines them. */
static void
test_summary_fields (void)
{
  g_autoptr (Draws) draws = read_draws ("sticky");
  g_autoptr (GHashTable) reference = read_reference ("reference.csv", "case,measure,value");
  const double *x = draws->draws;
  size_t n_chains = draws->n_chains, n_draws = draws->n_draws, n = n_chains * n_draws;
  CrDiagSummary summary;
  double lower, upper;

  cr_diag_summarise (x, n_chains, n_draws, CR_DIAG_HDI_PROB, &summary);
  cr_diag_hdi (x, n, CR_DIAG_HDI_PROB, &lower, &upper);
  g_assert_cmpfloat (summary.mean, ==, cr_diag_mean (x, n));
  g_assert_cmpfloat (summary.sd, ==, cr_diag_sd (x, n));
  g_assert_cmpfloat (summary.hdi_lower, ==, lower);
  g_assert_cmpfloat (summary.hdi_upper, ==, upper);
  g_assert_cmpfloat (summary.hdi_lower, <, summary.hdi_upper);
  g_assert_cmpfloat (summary.mcse_mean, ==, cr_diag_mcse_mean (x, n_chains, n_draws));
  g_assert_cmpfloat (summary.mcse_sd, ==, cr_diag_mcse_sd (x, n_chains, n_draws));
  g_assert_cmpfloat (summary.ess_bulk, ==, cr_diag_ess_bulk (x, n_chains, n_draws));
  g_assert_cmpfloat (summary.ess_tail, ==, cr_diag_ess_tail (x, n_chains, n_draws));
  g_assert_cmpfloat (summary.r_hat, ==, cr_diag_rhat (x, n_chains, n_draws));

  check_value ("summary mean", summary.mean, lookup_reference (reference, "sticky", "mean"),
               CR_DIAG_TOL_R);
  check_value ("summary sd", summary.sd, lookup_reference (reference, "sticky", "sd"),
               CR_DIAG_TOL_R);
  check_value ("summary r_hat", summary.r_hat, lookup_reference (reference, "sticky", "rhat"),
               CR_DIAG_TOL_R);
  check_value ("summary ess_bulk", summary.ess_bulk,
               lookup_reference (reference, "sticky", "ess_bulk"), CR_DIAG_TOL_R);
  check_value ("summary ess_tail", summary.ess_tail,
               lookup_reference (reference, "sticky", "ess_tail"), CR_DIAG_TOL_R);
  check_value ("summary mcse_mean", summary.mcse_mean,
               lookup_reference (reference, "sticky", "mcse_mean"), CR_DIAG_TOL_R);
  check_value ("summary mcse_sd", summary.mcse_sd,
               lookup_reference (reference, "sticky", "mcse_sd"), CR_DIAG_TOL_R);

  /* A constant quantity: the numbers that exist, NAN ("—") for the rest. */
  double constant[12];
  for (size_t i = 0; i < 12; i++)
    constant[i] = 1.25;
  cr_diag_summarise (constant, 3, 4, CR_DIAG_HDI_PROB, &summary);
  g_assert_cmpfloat (summary.mean, ==, 1.25);
  g_assert_cmpfloat (summary.sd, ==, 0.0);
  g_assert_cmpfloat (summary.hdi_lower, ==, 1.25);
  g_assert_cmpfloat (summary.hdi_upper, ==, 1.25);
  g_assert_true (isnan (summary.mcse_mean) && isnan (summary.mcse_sd));
  g_assert_true (isnan (summary.ess_bulk) && isnan (summary.ess_tail));
  g_assert_true (isnan (summary.r_hat));
}

/* Type 7 on a known sequence: 1, 2, ..., 5 has quantile 1 + 4 p. */
static void
test_quantile_type7 (void)
{
  const double draws[5] = { 5.0, 3.0, 1.0, 4.0, 2.0 };
  g_assert_cmpfloat (cr_diag_quantile (draws, 5, 0.0), ==, 1.0);
  g_assert_cmpfloat (cr_diag_quantile (draws, 5, 1.0), ==, 5.0);
  g_assert_cmpfloat (cr_diag_quantile (draws, 5, 0.5), ==, 3.0);
  g_assert_cmpfloat (cr_diag_quantile (draws, 5, 0.25), ==, 2.0);
  g_assert_cmpfloat_with_epsilon (cr_diag_quantile (draws, 5, 0.1), 1.4, CR_DIAG_TOL_SUM);
  g_assert_cmpfloat (cr_diag_quantile (draws, 1, 0.3), ==, 5.0);
}

/* Verdicts */

static CrDiagSummary
healthy (void)
{
  return (CrDiagSummary){ .mean = 0, .sd = 1, .ess_bulk = 2000, .ess_tail = 1800, .r_hat = 1.001 };
}

static gboolean
has_verdict (GPtrArray *verdicts, CrCheck check)
{
  for (guint i = 0; i < verdicts->len; i++)
    if (((const CrVerdict *) g_ptr_array_index (verdicts, i))->check == check)
      return TRUE;
  return FALSE;
}

static const CrVerdict *
find_verdict (GPtrArray *verdicts, CrCheck check)
{
  for (guint i = 0; i < verdicts->len; i++)
    if (((const CrVerdict *) g_ptr_array_index (verdicts, i))->check == check)
      return g_ptr_array_index (verdicts, i);
  g_error ("no verdict of check %d", (int) check);
}

static void
test_verdicts (void)
{
  const char *names[] = { "mu", "tau", "theta[0]" };
  CrDiagSummary s[3] = { healthy (), healthy (), healthy () };
  double ebfmi[4] = { 0.9, 1.1, 0.8, 1.0 };
  CrRunSummary run = { .n_quantities = 3, .names = names, .summaries = s, .n_chains = 4, .n_draws = 1000,
                       .max_treedepth = 10, .target_accept = 0.8, .ebfmi = ebfmi };

  /* Everything fine: one OK verdict. */
  g_autoptr (GPtrArray) ok = cr_diag_verdicts (&run);
  g_assert_cmpuint (ok->len, ==, 1);
  g_assert_cmpint (((CrVerdict *) g_ptr_array_index (ok, 0))->check, ==, CR_CHECK_ALL);
  g_assert_cmpint (cr_diag_verdicts_level (ok), ==, CR_VERDICT_OK);

  /* R-hat between 1.01 and 1.05 warns; above 1.05 stops; NaN (a constant) is ignored. */
  s[1].r_hat = 1.02;
  s[2].r_hat = NAN;
  g_autoptr (GPtrArray) warn = cr_diag_verdicts (&run);
  const CrVerdict *rhat = find_verdict (warn, CR_CHECK_RHAT);
  g_assert_cmpint (rhat->level, ==, CR_VERDICT_WARN);
  g_assert_cmpstrv (rhat->variables, ((const char *const[]){ "tau", NULL }));
  g_assert_nonnull (strstr (rhat->message, "1.020"));
  s[0].r_hat = 1.2;
  g_autoptr (GPtrArray) stop = cr_diag_verdicts (&run);
  rhat = find_verdict (stop, CR_CHECK_RHAT);
  g_assert_cmpint (rhat->level, ==, CR_VERDICT_STOP);
  g_assert_cmpstrv (rhat->variables, ((const char *const[]){ "mu", "tau", NULL }));
  g_assert_nonnull (strstr (rhat->message, "Do not use"));
  g_assert_cmpint (cr_diag_verdicts_level (stop), ==, CR_VERDICT_STOP);
  s[0].r_hat = s[1].r_hat = 1.0;

  /* ESS under 100 per chain (here 400) warns and names the quantity. */
  s[2] = healthy ();
  s[2].ess_tail = 399;
  g_autoptr (GPtrArray) ess = cr_diag_verdicts (&run);
  const CrVerdict *low = find_verdict (ess, CR_CHECK_ESS);
  g_assert_cmpstrv (low->variables, ((const char *const[]){ "theta[0]", NULL }));
  s[2].ess_tail = 400;
  g_autoptr (GPtrArray) enough = cr_diag_verdicts (&run);
  g_assert_false (has_verdict (enough, CR_CHECK_ESS));

  /* Divergences, tree depth and E-BFMI, each with its remedy; the worst first. */
  run.n_divergent = 12;
  run.n_max_treedepth = 3;
  ebfmi[2] = 0.2;
  s[0].r_hat = 1.1;
  g_autoptr (GPtrArray) all = cr_diag_verdicts (&run);
  const CrVerdict *divergent = find_verdict (all, CR_CHECK_DIVERGENCES);
  g_assert_nonnull (strstr (divergent->message, "12 of 4000 draws after warmup diverged (0.3%)"));
  g_assert_nonnull (strstr (divergent->remedy, "target_accept (to 0.95)"));
  g_assert_nonnull (strstr (divergent->remedy, "non-centred"));
  g_assert_nonnull (strstr (find_verdict (all, CR_CHECK_TREE_DEPTH)->message, "3 of 4000"));
  g_assert_nonnull (strstr (find_verdict (all, CR_CHECK_TREE_DEPTH)->remedy, "max_treedepth"));
  const CrVerdict *energy = find_verdict (all, CR_CHECK_EBFMI);
  g_assert_nonnull (strstr (energy->message, "0.20"));
  g_assert_nonnull (strstr (energy->message, "chain 2"));
  g_assert_cmpint (((CrVerdict *) g_ptr_array_index (all, 0))->level, ==, CR_VERDICT_STOP);
  for (guint i = 1; i < all->len; i++)
    g_assert_cmpint (((CrVerdict *) g_ptr_array_index (all, i))->level, <=,
                     ((CrVerdict *) g_ptr_array_index (all, i - 1))->level);
  /* A few among many is not rounded to nothing. */
  run.n_divergent = 1;
  run.n_draws = 45289;
  g_autoptr (GPtrArray) rare = cr_diag_verdicts (&run);
  g_assert_nonnull (strstr (find_verdict (rare, CR_CHECK_DIVERGENCES)->message, "1 of 181156 draws after warmup diverged (0.000552%)"));
  run.n_divergent = 12;
  run.n_draws = 1000;
  run.target_accept = 0.95;
  g_autoptr (GPtrArray) higher = cr_diag_verdicts (&run);
  g_assert_nonnull (strstr (find_verdict (higher, CR_CHECK_DIVERGENCES)->remedy, "to 0.99"));
}

/* A verdict's message names one variable alone, a few joined by commas and "and", and at most
 * five before saying how many more. */
static void
test_verdict_names (void)
{
  const char *names[] = { "a", "b", "c", "d", "e", "f", "g" };
  CrDiagSummary s[7];
  for (size_t i = 0; i < G_N_ELEMENTS (s); i++)
    s[i] = healthy ();
  CrRunSummary run = { .names = names, .summaries = s, .n_chains = 4, .n_draws = 1000,
                       .max_treedepth = 10, .target_accept = 0.8 };
  static const struct
  {
    size_t n_quantities;
    const char *listed;
  } lists[] = {
    { 1, "for a." },
    { 2, "for a and b." },
    { 3, "for a, b and c." },
    { 5, "for a, b, c, d and e." },
    { 6, "for a, b, c, d, e and 1 more." },
    { 7, "for a, b, c, d, e and 2 more." },
  };
  for (size_t c = 0; c < G_N_ELEMENTS (lists); c++)
    {
      run.n_quantities = lists[c].n_quantities;
      for (size_t i = 0; i < run.n_quantities; i++)
        s[i].r_hat = 1.02;
      g_autoptr (GPtrArray) verdicts = cr_diag_verdicts (&run);
      const CrVerdict *rhat = find_verdict (verdicts, CR_CHECK_RHAT);
      g_assert_true (g_str_has_suffix (rhat->message, lists[c].listed));
      g_assert_cmpuint (g_strv_length (rhat->variables), ==, lists[c].n_quantities);
    }
}

/* One quantity's level, as the summary table colours its row: the same thresholds as the
 * run's verdicts, at and just past each. */
static void
test_quantity_level (void)
{
  CrDiagSummary s = { 0 };
  s.r_hat = 1.01, s.ess_bulk = 400, s.ess_tail = 400;
  g_assert_cmpint (cr_diag_quantity_level (&s, 4), ==, CR_VERDICT_OK);
  s.r_hat = 1.0101;
  g_assert_cmpint (cr_diag_quantity_level (&s, 4), ==, CR_VERDICT_WARN);
  s.r_hat = 1.05;
  g_assert_cmpint (cr_diag_quantity_level (&s, 4), ==, CR_VERDICT_WARN);
  s.r_hat = 1.0501;
  g_assert_cmpint (cr_diag_quantity_level (&s, 4), ==, CR_VERDICT_STOP);
  s.r_hat = 1.0, s.ess_tail = 399.9;
  g_assert_cmpint (cr_diag_quantity_level (&s, 4), ==, CR_VERDICT_WARN);
  g_assert_cmpint (cr_diag_quantity_level (&s, 3), ==, CR_VERDICT_OK);
  s = (CrDiagSummary){ .r_hat = NAN, .ess_bulk = NAN, .ess_tail = NAN };
  g_assert_cmpint (cr_diag_quantity_level (&s, 4), ==, CR_VERDICT_OK);
}

int
main (int argc,
      char *argv[])
{
  gsl_set_error_handler_off ();
  g_test_init (&argc, &argv, NULL);

  for (size_t c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autofree char *path = g_strdup_printf ("/diag/posterior/%s", cases[c]);
      g_test_add_data_func (path, cases[c], test_posterior_case);
    }
  g_test_add_func ("/diag/posterior/reference-complete", test_posterior_reference_complete);
  g_test_add_func ("/diag/posterior/na-cases", test_posterior_na_cases);
  g_test_add_func ("/diag/autocorr/posterior", test_autocorr_posterior);
  g_test_add_func ("/diag/autocorr/direct", test_autocorr_direct);
  g_test_add_func ("/diag/autocorr/degenerate", test_autocorr_degenerate);
  g_test_add_func ("/diag/hdi/arithmetic", test_hdi_arithmetic);
  g_test_add_func ("/diag/hdi/skewed", test_hdi_skewed);
  g_test_add_func ("/diag/hdi/non-finite", test_hdi_non_finite);
  g_test_add_func ("/diag/ebfmi/direct", test_ebfmi_direct);
  g_test_add_func ("/diag/ebfmi/edges", test_ebfmi_edges);
  g_test_add_func ("/diag/summary/fields", test_summary_fields);
  g_test_add_func ("/diag/summary/one-sort", test_summary_one_sort);
  g_test_add_func ("/diag/quantile/type7", test_quantile_type7);

  g_test_add_func ("/diag/verdict/thresholds", test_verdicts);
  g_test_add_func ("/diag/verdict/names", test_verdict_names);
  g_test_add_func ("/diag/verdict/quantity-level", test_quantity_level);
  return g_test_run ();
}
