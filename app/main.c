/* main.c: the credence desktop application. */
#include "cr-application.h"

#include <gsl/gsl_errno.h>

int
main (int argc, char **argv)
{
  gsl_set_error_handler_off ();
  cr_application_init_i18n ();

  g_autoptr (CrApplication) app = cr_application_new (G_APPLICATION_DEFAULT_FLAGS);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
