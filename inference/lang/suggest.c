/* suggest.c: "did you mean" by Damerau-Levenshtein distance. */
#include "lang/lang-private.h"

/* The unrestricted Damerau-Levenshtein distance between @a and @b (characters): the fewest
 * insertions, deletions, substitutions and transpositions of adjacent characters, where a
 * transposed pair may also have characters inserted between it (so "ca" -> "abc" is 2, where
 * the restricted "optimal string alignment" distance says 3). Lowrance and Wagner, "An
 * Extension of the String-to-String Correction Problem", J. ACM 22(2), 1975, sec. 3; the
 * table has a border row and column (index 0) holding an upper bound on every distance. */
static size_t
damerau_levenshtein (const gunichar *a, size_t n_a, const gunichar *b, size_t n_b)
{
  size_t width = n_b + 2;
  size_t bound = n_a + n_b;
  g_autofree size_t *d = g_new (size_t, (n_a + 2) * width);
  /* For each character, the last row (1-based) of @a where it occurred; absent means 0. */
  g_autoptr (GHashTable) last_row = g_hash_table_new (g_direct_hash, g_direct_equal);
  size_t distance;

#define D(i, j) d[width * (i) + (j)]
  D (0, 0) = bound;
  for (size_t i = 0; i <= n_a; i++)
    {
      D (i + 1, 0) = bound;
      D (i + 1, 1) = i;
    }
  for (size_t j = 0; j <= n_b; j++)
    {
      D (0, j + 1) = bound;
      D (1, j + 1) = j;
    }

  for (size_t i = 1; i <= n_a; i++)
    {
      size_t last_match_column = 0;

      for (size_t j = 1; j <= n_b; j++)
        {
          size_t k = GPOINTER_TO_SIZE (g_hash_table_lookup (last_row,
                                                            GUINT_TO_POINTER (b[j - 1])));
          size_t l = last_match_column;
          size_t cost = 1;
          size_t best;

          if (a[i - 1] == b[j - 1])
            {
              cost = 0;
              last_match_column = j;
            }
          best = D (i, j) + cost;                                      /* substitute or match */
          best = MIN (best, D (i + 1, j) + 1);                         /* insert */
          best = MIN (best, D (i, j + 1) + 1);                         /* delete */
          best = MIN (best, D (k, l) + (i - k - 1) + 1 + (j - l - 1)); /* transpose */
          D (i + 1, j + 1) = best;
        }
      g_hash_table_insert (last_row, GUINT_TO_POINTER (a[i - 1]), GSIZE_TO_POINTER (i));
    }
  distance = D (n_a + 1, n_b + 1);
#undef D
  return distance;
}

char *
cr_lang_suggest (const char *name, const char *const *candidates)
{
  g_autofree gunichar *chars = NULL;
  glong n_chars = 0;
  size_t limit;
  size_t best_distance = G_MAXSIZE;
  const char *best = NULL;

  g_return_val_if_fail (name != NULL, NULL);

  if (candidates == NULL)
    return NULL;
  chars = g_utf8_to_ucs4_fast (name, -1, &n_chars);
  limit = MAX (1, (size_t) n_chars / 3);

  for (size_t c = 0; candidates[c] != NULL; c++)
    {
      glong n_candidate = 0;
      g_autofree gunichar *candidate = g_utf8_to_ucs4_fast (candidates[c], -1, &n_candidate);
      size_t length_gap = (size_t) ABS (n_candidate - n_chars);
      size_t distance;

      /* Every edit changes the length by at most one. */
      if (length_gap > limit || length_gap >= best_distance)
        continue;
      distance = damerau_levenshtein (chars, (size_t) n_chars, candidate, (size_t) n_candidate);
      if (distance <= limit && distance < best_distance)
        {
          best_distance = distance;
          best = candidates[c];
        }
    }
  return g_strdup (best);
}
