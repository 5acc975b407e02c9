/* gui-latency.c: how responsive the window stays while it samples, and how fast it samples
 * compared with credence-cli on the same model, seed and settings.
 *
 * Usage: bench-gui-latency MODEL.crm DATA.csv [REPETITIONS [CHAINS]]   (under xvfb-run -a)
 *
 * A 5 ms timeout on the main loop records the gaps between its calls from the moment Run is
 * pressed (the action runs inside the main loop, as a click's does) until the run is summarised;
 * the longest gap is the longest the interface was blocked. The window's frame clock says how
 * many frames were drawn and what they cost: that time is taken from the chains on a machine
 * with fewer cores than chains. Then credence-cli samples the same model and seed, and the two
 * summed chain times are compared. The pair is repeated (3 times unless told), alternating the
 * two, and the median ratio is reported: one pair alone moves by several percent with the
 * machine's load.
 */
#include "cr-application.h"
#include "cr-window.h"
#include "store/store.h"

#include <gsl/gsl_errno.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

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

/* CPU seconds the calling thread has used (Linux's RUSAGE_THREAD). */
static double
thread_cpu_seconds (void)
{
  struct rusage usage;
  if (getrusage (RUSAGE_THREAD, &usage) != 0)
    return NAN;
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

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

/* Repetitions of the pair (window run, CLI run), alternated so that both see the same drift
 * in the machine's load; the ratio reported is the median over them. */
#define DEFAULT_REPETITIONS 3
/* Chains per run, as the window's and the CLI's defaults. */
#define DEFAULT_CHAINS 4
/* How long the window is left alone after it opens before Run is pressed. */
#define SETTLE_US (3 * G_USEC_PER_SEC)

/* What one run in the window measured. */
typedef struct
{
  double wall, main_cpu, chain_seconds;
  gint64 longest_gap;
  FrameCost frames;
} WindowRun;

/* Presses Run in @window (inside the main loop, as a click does), waits for the summary and
 * reads the run's summed chain seconds from the project at @path. */
static gboolean
run_in_window (CrWindow *window, const char *path, WindowRun *result)
{
  memset (result, 0, sizeof *result);
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  g_signal_connect (clock, "before-paint", G_CALLBACK (frame_begins), &result->frames);
  g_signal_connect (clock, "after-paint", G_CALLBACK (frame_ends), &result->frames);
  last_tick = longest_gap = 0;
  pressed = FALSE;
  guint timer = g_timeout_add (5, tick, NULL);
  gint64 started = g_get_monotonic_time ();
  double cpu_started = thread_cpu_seconds ();
  g_idle_add (press_run, window);
  while (!pressed || cr_window_is_busy (window))
    g_main_context_iteration (NULL, TRUE);
  g_signal_handlers_disconnect_by_data (clock, &result->frames);
  result->wall = (g_get_monotonic_time () - started) / 1e6;
  result->main_cpu = thread_cpu_seconds () - cpu_started;
  result->longest_gap = longest_gap;
  g_source_remove (timer);
  if (cr_window_get_summary (window) == NULL)
    {
      fprintf (stderr, "the run in the window failed\n");
      return FALSE;
    }
  /* The window's run is the project's latest: its stored timings are the summed chain times. */
  g_autoptr (GError) error = NULL;
  g_autoptr (CrProject) project = cr_project_open (path, &error);
  g_autoptr (CrRun) run = project != NULL ? cr_project_load_run (project, 0, &error) : NULL;
  if (run == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return FALSE;
    }
  result->chain_seconds = run->timings.warmup_seconds + run->timings.sampling_seconds;
  return TRUE;
}

/* Samples @model on @data with credence-cli (CREDENCE_CLI, or the build's) and the window's
 * seed and settings. Returns: its summed chain seconds, or NAN. */
static double
run_cli (const char *model, const char *data, int chains)
{
  char chains_text[16];
  g_snprintf (chains_text, sizeof chains_text, "%d", chains);
  const char *cli = g_getenv ("CREDENCE_CLI");
  g_autofree char *cli_default = g_build_filename (CR_BUILD_ROOT, "app", "credence-cli", NULL);
  const char *spawn_argv[] = { cli != NULL ? cli : cli_default, "sample", model, "--data", data,
                               "--seed", "1234", "--chains", chains_text, "--json", NULL };
  g_autofree char *out = NULL;
  g_autoptr (GError) error = NULL;
  int status = 0;
  if (!g_spawn_sync (NULL, (char **) spawn_argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL,
                     &status, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return NAN;
    }
  g_autoptr (JsonNode) root = json_from_string (out, &error);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      fprintf (stderr, "credence-cli printed no JSON: %s\n", error != NULL ? error->message : "no output");
      return NAN;
    }
  JsonObject *object = json_node_get_object (root);
  return json_object_get_double_member (object, "warmup_seconds")
         + json_object_get_double_member (object, "sampling_seconds");
}

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

int
main (int argc, char **argv)
{
  gsl_set_error_handler_off ();
  int repetitions = argc >= 4 ? atoi (argv[3]) : DEFAULT_REPETITIONS;
  int chains = argc >= 5 ? atoi (argv[4]) : DEFAULT_CHAINS;
  if (argc < 3 || argc > 5 || repetitions < 1 || chains < 1)
    {
      fprintf (stderr, "usage: bench-gui-latency MODEL.crm DATA.csv [REPETITIONS [CHAINS]]\n");
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
  /* A person presses Run some time after the window opens: by then the toolkit's start-up work
   * in threads of its own (fontconfig's scan, the accessibility bus) is done. */
  gint64 settled = g_get_monotonic_time () + SETTLE_US;
  while (g_get_monotonic_time () < settled)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }

  GObject *seed = gtk_widget_get_template_child (GTK_WIDGET (window), CR_TYPE_WINDOW, "seed_spin");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (seed), 1234);
  GObject *chains_spin = gtk_widget_get_template_child (GTK_WIDGET (window), CR_TYPE_WINDOW, "chains_spin");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (chains_spin), chains);
  g_autofree double *ratios = g_new (double, repetitions);
  gint64 longest = 0;
  int status = 0;
  for (int r = 0; r < repetitions && status == 0; r++)
    {
      WindowRun w;
      if (!run_in_window (window, path, &w))
        {
          status = 1;
          break;
        }
      double cli_seconds = run_cli (argv[1], argv[2], chains);
      if (isnan (cli_seconds))
        {
          status = 1;
          break;
        }
      ratios[r] = w.chain_seconds / cli_seconds;
      longest = MAX (longest, w.longest_gap);
      printf ("repetition %d: window %.2f s wall, %.2f summed chain seconds; longest main-loop block %.1f ms; "
              "main thread %.2f CPU seconds (%.1f%% of one core); %u frames, %.2f ms each on average, longest "
              "%.1f ms; credence-cli %.2f summed chain seconds; window / cli %.3f\n",
              r + 1, w.wall, w.chain_seconds, w.longest_gap / 1e3, w.main_cpu, 100.0 * w.main_cpu / w.wall,
              w.frames.count, w.frames.total / 1e3 / MAX (w.frames.count, 1), w.frames.longest / 1e3, cli_seconds,
              ratios[r]);
    }
  if (status == 0)
    {
      qsort (ratios, (size_t) repetitions, sizeof (double), compare_doubles);
      printf ("longest main-loop block over %d runs: %.1f ms\n", repetitions, longest / 1e3);
      printf ("window / cli chain time: median %.3f (min %.3f, max %.3f)\n", ratios[repetitions / 2], ratios[0],
              ratios[repetitions - 1]);
    }

  gtk_window_destroy (GTK_WINDOW (window));
  g_application_release (G_APPLICATION (app));
  g_autofree char *command = g_strdup_printf ("rm -rf '%s'", dir);
  return system (command) == 0 ? status : 1;
}
