/* socklab echo-server: the echo server of seed 004 (echoServer.py), on the
 * lab server's echo code: many clients at once over TCP or UDP. */
#ifndef SOCKLAB_ECHO_SERVER_H
#define SOCKLAB_ECHO_SERVER_H

#include "core/tool.h"

extern const struct tool echosrv_tool;

#endif
