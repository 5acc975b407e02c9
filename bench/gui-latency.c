/* gui-latency.c: how responsive the window stays while it samples, and how fast it samples
 * compared with credence-cli on the same model, seed and settings.
 *
 * Usage: bench-gui-latency MODEL.crm DATA.csv   (run under a display, e.g. xvfb-run -a)
 *
 * A 5 ms timeout on the main loop records the gaps between its calls from the moment Run is
 * pressed (the action runs inside the main loop, as a click's does) until the run is summarised;
 * the longest gap is the longest the interface was blocked. The window's frame clock says how
 * many frames were drawn and what they cost: that time is taken from the chains on a machine
 * with fewer cores than chains. Then credence-cli samples the same model and seed, and the two
 * summed chain times are compared.
 */
#include "cr-application.h"
#include "cr-window.h"
#include "store/store.h"

#include <gsl/gsl_errno.h>
#include <json-glib/json-glib.h>
#include <stdio.h>

static gint64 last_tick, longest_gap;
static guint n_ticks;

/* Frames: from the frame clock's "before-paint" to its "after-paint". */
typedef struct
{
  gint64 started, total, longest;
  guint count;
} FrameCost;

static void
frame_begins (GdkFrameClock *clock, FrameCost *frames)
{
  frames->started = g_get_monotonic_time ();
}

static void
frame_ends (GdkFrameClock *clock, FrameCost *frames)
{
  gint64 took = g_get_monotonic_time () - frames->started;
  frames->total += took;
  frames->longest = MAX (frames->longest, took);
  frames->count++;
}

static gboolean pressed;

static gboolean
press_run (gpointer window)
{
  pressed = TRUE;
  gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL);
  return G_SOURCE_REMOVE;
}

static gboolean
tick (gpointer data)
{
  gint64 now = g_get_monotonic_time ();
  if (last_tick > 0)
    longest_gap = MAX (longest_gap, now - last_tick);
  last_tick = now;
  n_ticks++;
  return G_SOURCE_CONTINUE;
}

int
main (int argc, char **argv)
{
  gsl_set_error_handler_off ();
  if (argc != 3)
    {
      fprintf (stderr, "usage: bench-gui-latency MODEL.crm DATA.csv\n");
      return 64;
    }
  if (!gtk_init_check ())
    {
      fprintf (stderr, "bench-gui-latency needs a display: run it under xvfb-run -a\n");
      return 1;
    }
  adw_init ();
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("credence-latency-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "bench.credence", NULL);
  g_autofree char *text = NULL;
  g_autoptr (CrDataset) dataset = cr_dataset_read_csv (argv[2], &error);
  if (dataset == NULL || !g_file_get_contents (argv[1], &text, NULL, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 2;
    }
  {
    g_autoptr (CrProject) project = cr_project_create (path, &error);
    gint64 dataset_id = project != NULL ? cr_project_add_dataset (project, dataset, argv[2], &error) : 0;
    if (dataset_id == 0 || cr_project_save_model (project, "bench", text, dataset_id, &error) == 0)
      {
        fprintf (stderr, "%s\n", error->message);
        return 1;
      }
  }

  g_autoptr (CrApplication) app = cr_application_new (G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, NULL);
  g_application_hold (G_APPLICATION (app));
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_application_open (G_APPLICATION (app), &file, 1, "");
  CrWindow *window = CR_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  for (int i = 0; i < 200; i++)
    g_main_context_iteration (NULL, FALSE);

  GObject *seed = gtk_widget_get_template_child (GTK_WIDGET (window), CR_TYPE_WINDOW, "seed_spin");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (seed), 1234);
  FrameCost frames = { 0 };
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  g_signal_connect (clock, "before-paint", G_CALLBACK (frame_begins), &frames);
  g_signal_connect (clock, "after-paint", G_CALLBACK (frame_ends), &frames);
  guint timer = g_timeout_add (5, tick, NULL);
  gint64 started = g_get_monotonic_time ();
  g_idle_add (press_run, window);
  while (!pressed || cr_window_is_busy (window))
    g_main_context_iteration (NULL, TRUE);
  g_signal_handlers_disconnect_by_data (clock, &frames);
  double wall = (g_get_monotonic_time () - started) / 1e6;
  g_source_remove (timer);
  const CrSampleSummary *summary = cr_window_get_summary (window);
  if (summary == NULL)
    {
      fprintf (stderr, "the run in the window failed\n");
      return 1;
    }

  /* The window's run is the project's latest: its stored timings are the summed chain times. */
  g_autoptr (CrProject) project = cr_project_open (path, &error);
  g_autoptr (CrRun) run = project != NULL ? cr_project_load_run (project, 0, &error) : NULL;
  if (run == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  double window_chain_seconds = run->timings.warmup_seconds + run->timings.sampling_seconds;

  printf ("window run: %.2f s wall, %.2f summed chain seconds, %u main-loop ticks\n", wall,
          window_chain_seconds, n_ticks);
  printf ("longest main-loop block during the run: %.1f ms\n", longest_gap / 1e3);
  printf ("frames drawn: %u, %.2f ms each on average, longest %.1f ms; %.1f%% of the wall time\n", frames.count,
          frames.total / 1e3 / MAX (frames.count, 1), frames.longest / 1e3, 100.0 * frames.total / 1e6 / wall);
  const char *cli = g_getenv ("CREDENCE_CLI");
  g_autofree char *cli_default = g_build_filename (CR_BUILD_ROOT, "app", "credence-cli", NULL);
  const char *spawn_argv[] = { cli != NULL ? cli : cli_default, "sample", argv[1], "--data", argv[2],
                               "--seed", "1234", "--json", NULL };
  g_autofree char *out = NULL;
  int status = 0;
  if (!g_spawn_sync (NULL, (char **) spawn_argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL, &status, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  g_autoptr (JsonNode) root = json_from_string (out, &error);
  if (root == NULL)
    {
      fprintf (stderr, "credence-cli printed no JSON: %s\n", error != NULL ? error->message : "no output");
      return 1;
    }
  JsonObject *object = json_node_get_object (root);
  double cli_chain_seconds = json_object_get_double_member (object, "warmup_seconds")
                             + json_object_get_double_member (object, "sampling_seconds");

  printf ("credence-cli, same model, seed and settings: %.2f summed chain seconds\n", cli_chain_seconds);
  printf ("window / cli chain time: %.3f\n", window_chain_seconds / cli_chain_seconds);

  gtk_window_destroy (GTK_WINDOW (window));
  g_application_release (G_APPLICATION (app));
  g_autofree char *command = g_strdup_printf ("rm -rf '%s'", dir);
  return system (command) == 0 ? 0 : 1;
}
