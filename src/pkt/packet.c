/* The packet core every parser reports through: one place records where a
 * frame broke, so the layers call down (link -> ip -> transport) and
 * never back. */
#include "pkt/packet.h"

int pkt_fail(struct pkt *pkt, const struct cursor *c, enum pkt_err_kind kind, const char *what,
	     const char *why)
{
	if (pkt->err.kind == PERR_NONE) {
		pkt->err.kind = kind;
		pkt->err.what = what;
		pkt->err.why = why;
		pkt->err.off = (uint32_t)(c->p - pkt->data);
	}
	return -1;
}
