/* The two ways echo-client talks: line mode (seed 004's default: a line per
 * Return) and continuous mode (-c: every key at once). Each returns the
 * exit status. */
#ifndef SOCKLAB_ECHO_CLIENT_MODES_H
#define SOCKLAB_ECHO_CLIENT_MODES_H

#include "echo_client/session.h"

int echocli_line_run(struct echo_session *s);
int echocli_cont_run(struct echo_session *s);

#endif
