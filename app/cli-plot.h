/* cli-plot.h: credence-cli plot, drawing a stored run with the plot renderers. */
#pragma once

int cr_cli_plot (int argc, char **argv);
