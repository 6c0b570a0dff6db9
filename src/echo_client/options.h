/* Usage text of socklab echo-client: seed 004's Table 1 (-t, -c, --ip,
 * -h, -v) plus -p and --timeout;
 * the parser is echolib/echoopts, shared with the other program of the pair. */
#ifndef SOCKLAB_ECHO_CLIENT_OPTIONS_H
#define SOCKLAB_ECHO_CLIENT_OPTIONS_H

#include "echolib/echoopts.h"

extern const char echocli_usage_text[];

#endif
