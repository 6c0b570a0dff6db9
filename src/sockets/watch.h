/* --watch: redraw every SECS (clearing a terminal, appending in a pipe),
 * marking what appeared and went; --count ends it, so do SIGINT and SIGTERM. */
#ifndef SOCKLAB_SOCKETS_WATCH_H
#define SOCKLAB_SOCKETS_WATCH_H

#include "sockets/netlink.h"
#include "sockets/options.h"

/* The exit status: 0 after --count draws or a signal, 1 on an error. */
int sockets_watch(struct sockets_netlink *nl, const struct sockets_opts *o);

#endif
