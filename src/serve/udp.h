/* UDP side of the lab server: one datagram in, one datagram out. */
#ifndef SOCKLAB_SERVE_UDP_H
#define SOCKLAB_SERVE_UDP_H

#include <event2/util.h>

#include "serve/server.h"

/* Read event of a UDP listener; arg is the struct listener. */
void udp_on_readable(evutil_socket_t fd, short what, void *arg);
/* The burst of a per-source UDP rate bucket. */
uint64_t udp_rate_burst(const struct serve_config *cfg);
/* Forgets sources whose rate bucket has refilled (a timer calls it). */
void udp_sweep_rates(struct server *srv);

#endif
