/* The SYN's options: which of MSS, window scale, SACK-permitted and
 * timestamps a SYN or SYN-ACK carries, what both ends agreed on, and the
 * option bytes explained one by one as seed 002's table does. Pure. */
#ifndef SOCKLAB_TCPLAB_SYNOPT_H
#define SOCKLAB_TCPLAB_SYNOPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pkt/packet.h"

struct tl_synopts {
	bool mss, ws, sackok, ts;
	uint16_t mss_val;
	uint8_t ws_val;
};

/* The options of a decoded TCP header. */
void tl_synopts_of(const struct tcp_hdr *t, struct tl_synopts *o);

/* What the connection uses, from the SYN and the SYN-ACK: an option is on
 * only when both carry it; the MSS each side sends with is the other's. */
struct tl_negotiated {
	bool ws, sackok, ts;
	uint16_t mss;          /* min of both MSS options (536 for a missing one) */
};
void tl_negotiate(const struct tl_synopts *syn, const struct tl_synopts *synack,
		  struct tl_negotiated *n);

/* Does the SYN-ACK carry an option the SYN did not offer? (Never for a
 * conforming stack; the check of the handshake scenario.) */
bool tl_synack_conforms(const struct tl_synopts *syn, const struct tl_synopts *synack);

/* The option bytes b[0..n) explained: one line per option into out (each
 * "off  bytes  meaning\n"), at most outlen bytes. Returns the lines. */
size_t tl_synopt_explain(const uint8_t *b, size_t n, char *out, size_t outlen);

#endif
