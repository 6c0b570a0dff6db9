/* TCP connections of the lab server: accept, serve, close, and the limits. */
#ifndef SOCKLAB_SERVE_TCP_H
#define SOCKLAB_SERVE_TCP_H

#include <event2/listener.h>

#include "serve/server.h"

/* evconnlistener callbacks; arg is the struct listener. */
void serve_tcp_on_accept(struct evconnlistener *lev, evutil_socket_t fd, struct sockaddr *sa,
		   int salen, void *arg);
void serve_tcp_on_accept_error(struct evconnlistener *lev, void *arg);
/* Closes every connection (reason "shutdown"). */
void serve_tcp_close_all(struct server *srv);

#endif
