/* nc -z: is the port (or each port of a range) open? No data is sent over
 * TCP; over UDP one empty datagram, whose answer or ICMP error tells. */
#ifndef SOCKLAB_NC_ZERO_H
#define SOCKLAB_NC_ZERO_H

#include "nc/options.h"

/* The exit status: 0 if any port is open, else 1. */
int nc_zero(const struct nc_config *cfg);

#endif
