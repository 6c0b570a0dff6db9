/* What a UDP probe carries: a datagram the service at that port answers, or
 * nothing (an empty datagram: most closed ports answer it with ICMP, and the
 * small services of RFC 862-868 answer anything). */
#ifndef SOCKLAB_SCAN_PAYLOAD_H
#define SOCKLAB_SCAN_PAYLOAD_H

#include <stddef.h>
#include <stdint.h>

struct scan_payload {
	uint16_t port;
	const char *what;      /* the protocol spoken */
	const uint8_t *data;
	size_t len;
};

/* The probe for port; never NULL (the empty datagram when the table has
 * nothing for it). */
const struct scan_payload *scan_payload_for(uint16_t port);
/* The table itself, for docs and tests. */
const struct scan_payload *scan_payload_table(size_t *n);

/* What a TCP banner grab sends to a service that says nothing first. */
extern const uint8_t scan_nudge[];
extern const size_t scan_nudge_len;

#endif
