/* test-i18n.c: the French catalogue keeps up with the sources.
 *
 * po/fr.po must translate every message the sources mark, so that nothing shows in English
 * under LANGUAGE=fr:
 *   - every entry has a non-empty msgstr (each plural form) and none is fuzzy;
 *   - msgfmt --check accepts it: format specifiers agree with their msgid's, the header is whole;
 *   - every message xgettext extracts from po/POTFILES, with the keywords of meson's glib preset
 *     (po/meson.build), is in it and translated, so a new string left out of fr.po fails
 *     here, not on a French user's screen.
 * The templates' titles and descriptions live in templates.json, which xgettext cannot read;
 * resources/templates/templates.json.h lists them for it (see that file), and must list exactly
 * the index's strings, in its order.
 *
 * Meson sets CREDENCE_SOURCE_ROOT, the gettext tools' paths (CREDENCE_XGETTEXT, CREDENCE_MSGFMT)
 * and the extraction keywords (CREDENCE_XGETTEXT_KEYWORDS, space-separated).
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <string.h>

#define CATALOGUE "po/fr.po"
#define POTFILES "po/POTFILES"
#define TEMPLATES_INDEX "resources/templates/templates.json"
#define TEMPLATES_STRINGS "resources/templates/templates.json.h"
/* The context app/templates.c translates the templates' strings in. */
#define TEMPLATES_CONTEXT "model template"
/* How many problems a failure lists before "…": enough to act on, short enough to read. */
#define MAX_LISTED 40

static const char *
required_env (const char *name)
{
  const char *value = g_getenv (name);
  if (value == NULL || *value == '\0')
    g_error ("%s is not set: run this test with meson test", name);
  return value;
}

/* Returns: (transfer full) @relative under the source root. */
static char *
source_path (const char *relative)
{
  return g_build_filename (required_env ("CREDENCE_SOURCE_ROOT"), relative, NULL);
}

/* One entry of a .po file, its quoted text kept escaped. */
typedef struct
{
  guint line;
  gboolean fuzzy;
  gboolean obsolete;
  GString *msgctxt;   /* NULL without a context */
  GString *msgid;
  GPtrArray *msgstrs; /* a GString per form */
} PoEntry;

static void
po_entry_free (PoEntry *entry)
{
  if (entry->msgctxt != NULL)
    g_string_free (entry->msgctxt, TRUE);
  g_string_free (entry->msgid, TRUE);
  g_ptr_array_unref (entry->msgstrs);
  g_free (entry);
}

static void
free_gstring (gpointer string)
{
  g_string_free (string, TRUE);
}

static PoEntry *
po_entry_new (guint line)
{
  PoEntry *entry = g_new0 (PoEntry, 1);
  entry->line = line;
  entry->msgid = g_string_new (NULL);
  entry->msgstrs = g_ptr_array_new_with_free_func (free_gstring);
  return entry;
}

/* Whether @entry is translated: not fuzzy, and no form left empty. */
static gboolean
po_entry_is_translated (const PoEntry *entry)
{
  gboolean empty = entry->msgstrs->len == 0;
  for (guint i = 0; i < entry->msgstrs->len; i++)
    empty = empty || ((GString *) g_ptr_array_index (entry->msgstrs, i))->len == 0;
  return !entry->fuzzy && !empty;
}

/* Returns: (transfer full) how @entry is looked up: its context, \004, its msgid (gettext's
 * own key). */
static char *
po_entry_key (const PoEntry *entry)
{
  return entry->msgctxt != NULL ? g_strdup_printf ("%s\004%s", entry->msgctxt->str, entry->msgid->str)
                                : g_strdup (entry->msgid->str);
}

/* The text between the first and the last double quote of @line, still escaped. */
static void
append_quoted (GString *field, const char *line)
{
  const char *open = strchr (line, '"'), *close = strrchr (line, '"');
  if (open != NULL && close > open)
    g_string_append_len (field, open + 1, close - open - 1);
}

/* Returns: (transfer full) (element-type PoEntry) the entries of the .po or .pot file at
 * @path, the header first and obsolete ones included, in order. */
static GPtrArray *
read_catalogue (const char *path)
{
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  if (!g_file_get_contents (path, &text, NULL, &error))
    g_error ("%s", error->message);
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) po_entry_free);
  PoEntry *entry = NULL;
  GString *field = NULL; /* what continuation lines append to */
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (guint n = 0; lines[n] != NULL; n++)
    {
      const char *line = lines[n];
      if (*line == '\0')
        {
          entry = NULL;
          field = NULL;
          continue;
        }
      if (entry == NULL)
        {
          entry = po_entry_new (n + 1);
          g_ptr_array_add (entries, entry);
        }
      if (g_str_has_prefix (line, "#~"))
        entry->obsolete = TRUE;
      else if (g_str_has_prefix (line, "#,"))
        entry->fuzzy = entry->fuzzy || strstr (line, "fuzzy") != NULL;
      else if (g_str_has_prefix (line, "msgctxt "))
        field = entry->msgctxt = g_string_new (NULL);
      else if (g_str_has_prefix (line, "msgid "))
        field = entry->msgid;
      else if (g_str_has_prefix (line, "msgstr"))
        {
          field = g_string_new (NULL);
          g_ptr_array_add (entry->msgstrs, field);
        }
      else if (*line != '"')
        /* Comments, and msgid_plural: nothing to check in them. */
        field = NULL;
      if (field != NULL)
        append_quoted (field, line);
    }
  return entries;
}

/* Fails the test with the first MAX_LISTED of @problems when there are any. */
static void
assert_no_problems (GPtrArray *problems, const char *summary)
{
  if (problems->len == 0)
    return;
  g_autoptr (GString) text = g_string_new (NULL);
  for (guint i = 0; i < problems->len && i < MAX_LISTED; i++)
    g_string_append_printf (text, "%s\n", (const char *) g_ptr_array_index (problems, i));
  if (problems->len > MAX_LISTED)
    g_string_append (text, "…\n");
  g_test_message ("%s", text->str);
  g_test_fail_printf ("%u %s", problems->len, summary);
}

/* Every entry translated, none fuzzy; the header too. */
static void
test_fr_complete (void)
{
  g_autofree char *path = source_path (CATALOGUE);
  g_autoptr (GPtrArray) entries = read_catalogue (path);
  g_assert_cmpuint (entries->len, >, 1);
  g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < entries->len; i++)
    {
      const PoEntry *entry = g_ptr_array_index (entries, i);
      if (!entry->obsolete && !po_entry_is_translated (entry))
        g_ptr_array_add (problems, g_strdup_printf ("%s:%u: %s \"%s\"", CATALOGUE, entry->line,
                                                    entry->fuzzy ? "fuzzy" : "untranslated",
                                                    i == 0 ? "(the header)" : entry->msgid->str));
    }
  assert_no_problems (problems, "entries of fr.po are fuzzy or untranslated; translate them");
}

/* Runs @argv in the C locale (so the tools' messages are English); returns whether it exited
 * with status 0; its standard error goes into @errors. */
static gboolean
run_tool (const char *const *argv, char **errors)
{
  g_auto (GStrv) env = g_environ_setenv (g_get_environ (), "LC_ALL", "C", TRUE);
  env = g_environ_unsetenv (env, "LANGUAGE");
  int status = 0;
  g_autoptr (GError) error = NULL;
  if (!g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, errors,
                     &status, &error))
    g_error ("cannot run %s: %s", argv[0], error->message);
  return g_spawn_check_wait_status (status, NULL);
}

/* msgfmt --check: formats agree with their msgids, the header is whole. */
static void
test_fr_valid (void)
{
  g_autofree char *path = source_path (CATALOGUE);
  const char *const argv[] = { required_env ("CREDENCE_MSGFMT"), "--check", "--output-file=/dev/null", path, NULL };
  g_autofree char *errors = NULL;
  if (!run_tool (argv, &errors))
    g_test_fail_printf ("msgfmt --check rejects %s:\n%s", CATALOGUE, errors);
}

/* Every message of the sources is in fr.po and translated there: extract them into a template
 * as the credence-pot target does, and look each up in the catalogue. */
static void
test_fr_covers_sources (void)
{
  g_autofree char *root = source_path (".");
  g_autofree char *potfiles = source_path (POTFILES);
  g_autofree char *catalogue_path = source_path (CATALOGUE);
  g_autofree char *dir = g_dir_make_tmp ("credence-i18n-XXXXXX", NULL);
  g_assert_nonnull (dir);
  g_autofree char *pot = g_build_filename (dir, "credence.pot", NULL);

  g_autoptr (GStrvBuilder) xgettext = g_strv_builder_new ();
  g_strv_builder_add (xgettext, required_env ("CREDENCE_XGETTEXT"));
  g_strv_builder_add_many (xgettext, "--from-code=UTF-8", "--directory", root, "--files-from", potfiles,
                           "--output", pot, NULL);
  g_auto (GStrv) keywords = g_strsplit (required_env ("CREDENCE_XGETTEXT_KEYWORDS"), " ", -1);
  for (char **keyword = keywords; *keyword != NULL; keyword++)
    if (**keyword != '\0')
      g_strv_builder_add (xgettext, *keyword);
  g_auto (GStrv) extract = g_strv_builder_end (xgettext);
  g_autofree char *errors = NULL;
  if (!run_tool ((const char *const *) extract, &errors))
    g_error ("xgettext failed on %s:\n%s", POTFILES, errors);
  g_autoptr (GPtrArray) sources = read_catalogue (pot);
  g_unlink (pot);
  g_rmdir (dir);
  /* A handful of messages at least: an empty extraction would prove nothing. */
  g_assert_cmpuint (sources->len, >, 100);

  g_autoptr (GPtrArray) catalogue = read_catalogue (catalogue_path);
  g_autoptr (GHashTable) translated = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < catalogue->len; i++)
    {
      const PoEntry *entry = g_ptr_array_index (catalogue, i);
      if (!entry->obsolete && po_entry_is_translated (entry))
        g_hash_table_add (translated, po_entry_key (entry));
    }
  g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 1; i < sources->len; i++)
    {
      const PoEntry *entry = g_ptr_array_index (sources, i);
      g_autofree char *key = po_entry_key (entry);
      if (!g_hash_table_contains (translated, key))
        g_ptr_array_add (problems, g_strdup_printf ("not translated in fr.po: \"%s\"", entry->msgid->str));
    }
  assert_no_problems (problems, "messages of the sources are missing from fr.po or untranslated in it; "
                                "run meson compile credence-pot credence-update-po and translate them");
}

/* Returns: (transfer full) the strings @path marks with NC_ ("model template", …), unescaped,
 * in order. */
static GPtrArray *
listed_template_strings (const char *path)
{
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  if (!g_file_get_contents (path, &text, NULL, &error))
    g_error ("%s", error->message);
  g_autoptr (GRegex) call = g_regex_new ("NC_ \\(\"" TEMPLATES_CONTEXT "\",\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\)",
                                         G_REGEX_DEFAULT, G_REGEX_MATCH_DEFAULT, &error);
  g_assert_no_error (error);
  GPtrArray *strings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GMatchInfo) match = NULL;
  g_regex_match (call, text, G_REGEX_MATCH_DEFAULT, &match);
  for (; g_match_info_matches (match); g_match_info_next (match, NULL))
    {
      g_autofree char *escaped = g_match_info_fetch (match, 1);
      g_ptr_array_add (strings, g_strcompress (escaped));
    }
  return strings;
}

/* The companion file lists each template's title then description, in the index's order,
 * and nothing else. */
static void
test_templates_in_sync (void)
{
  g_autofree char *index_path = source_path (TEMPLATES_INDEX);
  g_autofree char *strings_path = source_path (TEMPLATES_STRINGS);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  if (!json_parser_load_from_file (parser, index_path, &error))
    g_error ("%s: %s", index_path, error->message);
  JsonArray *index = json_node_get_array (json_parser_get_root (parser));
  g_autoptr (GPtrArray) expected = g_ptr_array_new ();
  for (guint i = 0; i < json_array_get_length (index); i++)
    {
      JsonObject *entry = json_array_get_object_element (index, i);
      g_ptr_array_add (expected, (gpointer) json_object_get_string_member (entry, "title"));
      g_ptr_array_add (expected, (gpointer) json_object_get_string_member (entry, "description"));
    }
  g_autoptr (GPtrArray) listed = listed_template_strings (strings_path);
  g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < MAX (expected->len, listed->len); i++)
    {
      const char *want = i < expected->len ? g_ptr_array_index (expected, i) : "(nothing)";
      const char *have = i < listed->len ? g_ptr_array_index (listed, i) : "(nothing)";
      if (strcmp (want, have) != 0)
        g_ptr_array_add (problems, g_strdup_printf ("string %u: templates.json has \"%s\", "
                                                    "templates.json.h has \"%s\"", i + 1, want, have));
    }
  assert_no_problems (problems, "strings differ between templates.json and templates.json.h; "
                                "run meson compile credence-template-strings");
}

int
main (int argc, char **argv)
{
  /* The messages quote msgids, in UTF-8: print them as they are where the terminal can. */
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/i18n/fr/complete", test_fr_complete);
  g_test_add_func ("/i18n/fr/valid", test_fr_valid);
  g_test_add_func ("/i18n/fr/covers-sources", test_fr_covers_sources);
  g_test_add_func ("/i18n/templates/in-sync", test_templates_in_sync);
  return g_test_run ();
}
