/* The sockets of socklab nc: connect to each address in turn, or listen;
 * every option (-s, -p, --reuseaddr, buffers, MSS, TTL, Nagle) applied on the way. */
#ifndef SOCKLAB_NC_SOCKETS_H
#define SOCKLAB_NC_SOCKETS_H

#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"
#include "nc/options.h"

/* A connected non-blocking socket to cfg->host on port, or -1 with the reason
 * in err ("connection to 127.0.0.1 port 9 (tcp) failed: Connection refused"). */
int nc_connect(const struct nc_config *cfg, uint16_t port, char *err, size_t errlen);
/* A listening TCP socket, or a bound UDP socket, on cfg->host (or every
 * address) and cfg->port; -1 with the reason in err. */
int nc_listen(const struct nc_config *cfg, char *err, size_t errlen);
/* "local 127.0.0.1:40000 -> peer 127.0.0.1:7" for -v. */
void nc_describe(int fd, char *buf, size_t n);

#endif
