/* socklab echo-client: the echo client of seed 004 (echoClient.py): line
 * mode (a line per Return, ">Echo: line") and continuous mode (-c, every
 * key at once), over TCP or UDP. */
#ifndef SOCKLAB_ECHO_CLIENT_H
#define SOCKLAB_ECHO_CLIENT_H

#include "core/tool.h"

extern const struct tool echocli_tool;

#endif
