/* The kernel observer's pure parts: which frames its filter can read, its
 * events turned into the model's, and the words they give a packet. */
#include "trace/kobs.h"

#include <string.h>
#include <sys/socket.h>

#include "pkt/packet.h"
#include "trace/bpf/kobs.h"

uint32_t tr_kobs_link_kind(int dlt)
{
	switch (pkt_link_from_dlt(dlt)) {
	case LINK_ETHERNET:
		return KOBS_LINK_ETH;
	/* cooked captures read the packet socket in SOCK_DGRAM mode: the
	 * filter sees the network header first, as with raw IP */
	case LINK_SLL:
	case LINK_SLL2:
	case LINK_RAW:
	case LINK_IPV4:
	case LINK_IPV6:
		return KOBS_LINK_L3;
	default:
		return 0;
	}
}

static void endpoint(struct tr_endpoint *ep, uint16_t family, const uint8_t *addr, uint16_t port)
{
	memset(ep, 0, sizeof *ep);
	ep->family = family == AF_INET6 ? AF_INET6 : AF_INET;
	memcpy(ep->addr, addr, family == AF_INET6 ? 16 : 4);
	ep->port = port;
	tr_endpoint_normalize(ep);
}

bool tr_kobs_event_convert(const struct kobs_event *e, int64_t mono_to_real,
			   struct tr_kevent *out)
{
	memset(out, 0, sizeof *out);
	if (e->kind < KOBS_EV_RETRANS || e->kind > KOBS_EV_RST_RECV)
		return false;
	if (e->family != AF_INET && e->family != AF_INET6)
		return false;
	out->ts = (int64_t)e->ts + mono_to_real;
	out->kind = e->kind == KOBS_EV_RETRANS ? TR_KEV_RETRANS
		    : e->kind == KOBS_EV_RST_SENT ? TR_KEV_RST_SENT : TR_KEV_RST_RECV;
	out->reason = e->reason;
	out->seq = e->seq;
	out->answers_syn = e->syn != 0;
	endpoint(&out->src, e->family, e->saddr, e->sport);
	endpoint(&out->dst, e->family, e->daddr, e->dport);
	return true;
}

/* enum sk_rst_reason (include/net/rstreason.h), + 1 */
static const char *rst_why(uint32_t reason)
{
	switch (reason) {
	case 1 + 1: return "RST: nothing listens on this port";
	case 2 + 1: return "RST: an ACK of nothing sent";
	case 5 + 1: return "RST: an ACK of data never sent";
	case 6 + 1: return "RST: unexpected flags";
	case 8 + 1: return "RST: data after close";
	case 9 + 1: return "RST: segment for a closed connection";
	case 11 + 1: return "RST: close with unread data";
	case 12 + 1: return "RST: close with SO_LINGER 0";
	case 13 + 1: return "RST: out of memory";
	case 15 + 1: return "RST: keepalive timeout";
	case 16 + 1: return "RST: disconnect with unread data";
	default: return NULL;
	}
}

const char *tr_kevent_why(const struct tr_kevent *k)
{
	if (k->kind == TR_KEV_RETRANS) {
		switch (k->reason) {
		case TR_RT_TIMEOUT: return "retransmission (timeout)";
		case TR_RT_FAST: return "fast retransmit";
		case TR_RT_PROBE: return "tail-loss probe";
		default: return "retransmission";
		}
	}
	if (k->kind == TR_KEV_RST_SENT && k->reason == 1 + 1 && !k->answers_syn)
		return "RST: no such connection";
	if (k->kind == TR_KEV_RST_SENT)
		return rst_why(k->reason);
	return NULL;
}
