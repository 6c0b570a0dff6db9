/* Opening every listener of the lab server, all or nothing. */
#ifndef SOCKLAB_SERVE_LISTEN_H
#define SOCKLAB_SERVE_LISTEN_H

#include "serve/server.h"

/* Binds every (service, address, protocol). On the first failure prints the
 * one-line reason, closes what was opened and returns -1. */
int serve_listeners_open(struct server *srv, const union addr_any *addrs, unsigned naddrs);
/* Attaches the listeners to the event loop and prints their ready lines. */
int serve_listeners_start(struct server *srv);
void serve_listeners_close(struct server *srv);

#endif
