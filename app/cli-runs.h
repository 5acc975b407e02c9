/* cli-runs.h: the credence-cli commands that read a project's stored runs.
 *
 *   runs PROJECT [--json]
 *       lists the runs: id, model, status, draws per chain, timings.
 *   export PROJECT [--run ID] --format cmdstan|wide --out DIR_OR_FILE
 *       writes a run's draws (the latest run unless --run says otherwise).
 *
 * Each takes the arguments after "credence-cli" (argv[0] is the command's name) and returns the
 * exit status: 0 success, 1 an output that cannot be written, 2 bad input (a file that is not a
 * project, a run that is not there, an unknown format), 64 a usage error.
 */
#pragma once

int cr_cli_runs (int argc, char **argv);
int cr_cli_export (int argc, char **argv);
