/* What an ICMP error or a connect() error says about a port, as nmap reads
 * them: port unreachable means closed; other unreachables mean filtered,
 * with a reason naming the ICMP code. Pure tables. */
#ifndef SOCKLAB_SCAN_ICMP_H
#define SOCKLAB_SCAN_ICMP_H

#include <stdbool.h>
#include <stdint.h>

#include "scan/result.h"

/* An ICMP (family AF_INET) or ICMPv6 (AF_INET6) error about a UDP probe;
 * false for kinds that say nothing about the port (time exceeded, packet
 * too big, fragmentation needed). */
bool scan_icmp_classify(int family, uint8_t type, uint8_t code, enum scan_state *state,
			enum scan_reason *reason);

/* A TCP connect() error (errno). Returns false when the error is not an
 * answer from the network (out of descriptors, out of local ports: try again
 * later; or an error of this program's own). */
bool scan_connect_classify(int err, enum scan_state *state, enum scan_reason *reason);

#endif
