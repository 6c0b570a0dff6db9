/* socklab chat: the TCP point-to-point chat of seed 003 (task 1). One
 * argument (PORT) listens for one peer; two (HOST PORT) connect, and listen
 * on PORT instead when the connection fails, as the seed's launcher does. */
#ifndef SOCKLAB_CHAT_H
#define SOCKLAB_CHAT_H

#include "core/tool.h"

extern const struct tool chat_tool;

#endif
