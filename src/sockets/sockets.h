/* socklab sockets: the open TCP and UDP sockets with their processes, like
 * ss -tuanp, read from the kernel over netlink sock_diag. */
#ifndef SOCKLAB_SOCKETS_SOCKETS_H
#define SOCKLAB_SOCKETS_SOCKETS_H

#include "core/tool.h"

extern const struct tool sockets_tool;

#endif
