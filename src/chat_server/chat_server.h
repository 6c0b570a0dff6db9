/* socklab chat-server: the UDP chat server of seed 003 (tasks 2/3) — an
 * address book of users and their rooms over docs/chat-protocol.md. */
#ifndef SOCKLAB_CHAT_SERVER_H
#define SOCKLAB_CHAT_SERVER_H

#include "core/tool.h"

extern const struct tool chatsrv_tool;

#endif
