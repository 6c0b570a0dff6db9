/* TCP_INFO of a connection at the end of an nc session, as the JSON object
 * nc --json puts in its session line: the fields ss -i shows (rtt, rttvar,
 * retransmits, cwnd, ssthresh, mss, delivery rate, ...). Read it before the
 * socket is closed: afterwards there is nothing to ask. */
#ifndef SOCKLAB_NC_TCPINFO_H
#define SOCKLAB_NC_TCPINFO_H

#include <jansson.h>

/* A new JSON object of fd's TCP_INFO, or JSON null when the kernel gives
 * none (not TCP, or getsockopt failed); NULL when memory runs out. Fields
 * a kernel too old to fill are left out. */
json_t *nc_tcpinfo_json(int fd);

/* The kernel's name of a TCP state in ss's spelling ("ESTAB", "FIN-WAIT-2"),
 * "UNKNOWN" outside the table. */
const char *nc_tcpinfo_state_name(unsigned state);

#endif
