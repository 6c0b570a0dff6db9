/* UDP side of the lab server: one datagram in, one datagram out. */
#ifndef SOCKLAB_SERVE_UDP_H
#define SOCKLAB_SERVE_UDP_H

#include <event2/util.h>

#include "serve/server.h"

/* Read event of a UDP listener; arg is the struct listener. */
void serve_udp_on_readable(evutil_socket_t fd, short what, void *arg);
/* The budget of UDP answers (guard/srcbudget) as the options set it. */
struct srcbudget *serve_udp_budget_new(const struct serve_config *cfg, uint64_t now_us);

#endif
