/* autocov.c: autocovariance and autocorrelation of one chain by FFT (GSL mixed radix). */
#include <math.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "diag/diag-private.h"

/* R's nextn(n): the least m >= n whose only prime factors are 2, 3 and 5. */
static size_t
next_smooth_length (size_t n)
{
  for (size_t m = n;; m++)
    {
      size_t rest = m;
      const size_t factors[] = { 2, 3, 5 };
      for (size_t f = 0; f < G_N_ELEMENTS (factors); f++)
        while (rest % factors[f] == 0)
          rest /= factors[f];
      if (rest == 1)
        return m;
    }
}

void
cr_diag_fft_init (CrDiagFft *fft,
                  size_t n)
{
  g_assert (n >= 2);

  /* posterior pads to 2 * nextn(n); any length of at least 2n - 1 keeps the circular
   * correlation from wrapping, and the same length keeps the rounding closest to R's. */
  fft->n = n;
  fft->n_fft = 2 * next_smooth_length (n);
  fft->buffer = g_new (double, fft->n_fft);
  fft->real_wavetable = gsl_fft_real_wavetable_alloc (fft->n_fft);
  fft->halfcomplex_wavetable = gsl_fft_halfcomplex_wavetable_alloc (fft->n_fft);
  fft->workspace = gsl_fft_real_workspace_alloc (fft->n_fft);
  if (fft->real_wavetable == NULL || fft->halfcomplex_wavetable == NULL
      || fft->workspace == NULL)
    g_error ("diag: out of memory for an FFT of %zu points", fft->n_fft);
}

void
cr_diag_fft_clear (CrDiagFft *fft)
{
  g_clear_pointer (&fft->buffer, g_free);
  g_clear_pointer (&fft->real_wavetable, gsl_fft_real_wavetable_free);
  g_clear_pointer (&fft->halfcomplex_wavetable, gsl_fft_halfcomplex_wavetable_free);
  g_clear_pointer (&fft->workspace, gsl_fft_real_workspace_free);
}

/* Wiener-Khinchin: the autocovariance is the inverse transform of the power spectrum of the
 * centred, zero-padded chain. posterior then rescales so that lag 0 equals var(x) (n - 1) / n,
 * i.e. every lag is divided by n, the estimator whose sequence stays positive semi-definite
 * (Geyer 1992, "Practical Markov chain Monte Carlo", Statistical Science 7(4)). */
void
cr_diag_fft_autocov (CrDiagFft *fft,
                     const double *chain,
                     double *autocov)
{
  size_t n = fft->n, n_fft = fft->n_fft;
  double variance = cr_diag_var (chain, n);
  if (variance == 0.0)
    {
      memset (autocov, 0, n * sizeof (double));
      return;
    }

  double mean = cr_diag_mean (chain, n);
  for (size_t i = 0; i < n; i++)
    fft->buffer[i] = chain[i] - mean;
  memset (fft->buffer + n, 0, (n_fft - n) * sizeof (double));

  int status = gsl_fft_real_transform (fft->buffer, 1, n_fft, fft->real_wavetable,
                                       fft->workspace);
  if (status != GSL_SUCCESS)
    g_error ("diag: forward FFT of %zu points failed: %s", n_fft, gsl_strerror (status));

  /* Half-complex layout (GSL manual, "Mixed-radix FFT routines for real data"): buffer[0] is
   * the zero frequency, buffer[2k - 1] and buffer[2k] the real and imaginary parts of
   * frequency k, and for even n_fft buffer[n_fft - 1] the real Nyquist term. The power
   * spectrum is real, so every imaginary part becomes 0. */
  fft->buffer[0] *= fft->buffer[0];
  for (size_t k = 1; 2 * k < n_fft; k++)
    {
      double re = fft->buffer[2 * k - 1], im = fft->buffer[2 * k];
      fft->buffer[2 * k - 1] = re * re + im * im;
      fft->buffer[2 * k] = 0.0;
    }
  if (n_fft % 2 == 0)
    fft->buffer[n_fft - 1] *= fft->buffer[n_fft - 1];

  status = gsl_fft_halfcomplex_inverse (fft->buffer, 1, n_fft, fft->halfcomplex_wavetable,
                                        fft->workspace);
  if (status != GSL_SUCCESS)
    g_error ("diag: inverse FFT of %zu points failed: %s", n_fft, gsl_strerror (status));

  /* The same operations in the same order as posterior's ac / ac[1] * varx * (N - 1) / N. */
  double lag_zero = fft->buffer[0];
  for (size_t lag = 0; lag < n; lag++)
    autocov[lag] = fft->buffer[lag] / lag_zero * variance * (double) (n - 1) / (double) n;
}

void
cr_diag_autocov (const double *chain,
                 size_t n,
                 double *autocov)
{
  g_return_if_fail (chain != NULL);
  g_return_if_fail (autocov != NULL);

  if (n < 2 || !cr_diag_all_finite (chain, n))
    {
      for (size_t lag = 0; lag < n; lag++)
        autocov[lag] = NAN;
      return;
    }
  CrDiagFft fft;
  cr_diag_fft_init (&fft, n);
  cr_diag_fft_autocov (&fft, chain, autocov);
  cr_diag_fft_clear (&fft);
}

void
cr_diag_autocorr (const double *chain,
                  size_t n,
                  double *autocorr)
{
  g_return_if_fail (chain != NULL);
  g_return_if_fail (autocorr != NULL);

  cr_diag_autocov (chain, n, autocorr);
  if (n == 0)
    return;
  /* A constant chain has autocovariance 0 at every lag, and 0 / 0 is NaN, as in R. */
  double lag_zero = autocorr[0];
  for (size_t lag = 0; lag < n; lag++)
    autocorr[lag] /= lag_zero;
}
