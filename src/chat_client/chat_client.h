/* socklab chat-client: the client of the UDP chat (seed 003, tasks 2/3):
 * registers a name with socklab chat-server, then sends typed lines to a
 * room or a poked user and shows what arrives (docs/chat-protocol.md). */
#ifndef SOCKLAB_CHAT_CLIENT_H
#define SOCKLAB_CHAT_CLIENT_H

#include "core/tool.h"

extern const struct tool chatcli_tool;

#endif
