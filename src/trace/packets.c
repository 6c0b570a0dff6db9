/* Frames to tr_packet through decode's parsers, and tcpdump-style relative
 * sequence numbers per connection. */
#include "trace/packets.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static void endpoint_set(struct tr_endpoint *e, const struct ip_hdr *ip, bool src, uint16_t port)
{
	memset(e, 0, sizeof *e);
	e->family = ip->version == 4 ? AF_INET : AF_INET6;
	memcpy(e->addr, src ? ip->src : ip->dst, ip->version == 4 ? 4 : 16);
	e->port = port;
}

/* A TCP or UDP packet's protocol, ends and payload length. */
static void transport(struct tr_packet *p, const struct ip_hdr *ip, uint8_t proto,
		      uint16_t sport, uint16_t dport, uint32_t len)
{
	p->proto = proto;
	endpoint_set(&p->src, ip, true, sport);
	endpoint_set(&p->dst, ip, false, dport);
	p->len = len;
}

/* An ICMP error is drawn from the host that answered to the one whose
 * datagram it quotes: the quoted datagram's ends reversed. */
static bool packet_icmp(const struct pkt *k, struct tr_packet *p)
{
	const struct pkt_net *q = &k->quoted;
	uint16_t sport, dport;

	if (!k->has_quoted || (q->kind != NET_IP4 && q->kind != NET_IP6))
		return false;
	if (q->l4 == L4_UDP) {
		sport = q->udp.sport;
		dport = q->udp.dport;
	} else if (q->l4 == L4_TCP) {
		sport = q->tcp.sport;
		dport = q->tcp.dport;
	} else {
		return false;
	}
	p->proto = k->net.kind == NET_IP4 ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	endpoint_set(&p->src, &q->ip, false, dport);
	endpoint_set(&p->dst, &q->ip, true, sport);
	p->icmp_type = k->net.icmp.type;
	p->icmp_code = k->net.icmp.code;
	return true;
}

bool tr_packet_from_frame(enum link_type lt, const uint8_t *data, uint32_t caplen, uint32_t len,
		       int64_t ts, struct tr_packet *p)
{
	struct pkt k;
	uint8_t *frame = p->frame;

	memset(p, 0, sizeof *p);
	p->frame = frame;
	if (ts < 0 || ts > TR_TIME_MAX) /* outside the model's times (model.h) */
		return false;
	p->ts = ts;
	p->caplen = caplen;
	p->wirelen = len;
	pkt_decode(lt, data, caplen, len, &k);
	if (k.net.kind != NET_IP4 && k.net.kind != NET_IP6)
		return false;
	switch (k.net.l4) {
	case L4_TCP:
		if (k.net.tcp.partial)
			return false;
		transport(p, &k.net.ip, IPPROTO_TCP, k.net.tcp.sport, k.net.tcp.dport,
			  k.net.tcp.payload_len);
		p->flags = k.net.tcp.flags;
		p->seq = k.net.tcp.seq;
		p->ack = k.net.tcp.ack;
		p->win = k.net.tcp.win;
		return true;
	case L4_UDP:
		if (k.net.udp.partial)
			return false;
		transport(p, &k.net.ip, IPPROTO_UDP, k.net.udp.sport, k.net.udp.dport,
			  k.net.udp.payload_len);
		return true;
	case L4_ICMP:
		return packet_icmp(&k, p);
	default:
		return false;
	}
}

/* The ISN of one direction of a connection. */
struct isn {
	struct tr_endpoint from, to;
	uint32_t isn;
};

static const struct isn *isn_find(const struct isn *v, size_t n, const struct tr_endpoint *from,
				  const struct tr_endpoint *to)
{
	/* the latest SYN wins: a port can be reused by a later connection */
	for (size_t i = n; i-- > 0;)
		if (tr_endpoint_eq(&v[i].from, from) && tr_endpoint_eq(&v[i].to, to))
			return &v[i];
	return NULL;
}

void tr_packets_number(struct tr_packet *pk, size_t n)
{
	struct isn *isns = calloc(n ? n : 1, sizeof *isns);
	size_t nisn = 0;

	for (size_t i = 0; i < n; i++) {
		struct tr_packet *p = &pk[i];

		p->no = (uint32_t)(i + 1);
		if (p->proto != IPPROTO_TCP)
			continue;
		if ((p->flags & TCP_SYN) && isns) {
			const struct isn *old = isn_find(isns, nisn, &p->src, &p->dst);

			/* a retransmitted SYN keeps its ISN; a new one starts over */
			if (!old || old->isn != p->seq) {
				isns[nisn].from = p->src;
				isns[nisn].to = p->dst;
				isns[nisn].isn = p->seq;
				nisn++;
			}
		}
		const struct isn *mine = isns ? isn_find(isns, nisn, &p->src, &p->dst) : NULL;
		const struct isn *theirs = isns ? isn_find(isns, nisn, &p->dst, &p->src) : NULL;

		if (mine && (theirs || !(p->flags & TCP_ACK))) {
			p->rel = true;
			p->rseq = p->seq - mine->isn;
			p->rack = theirs && (p->flags & TCP_ACK) ? p->ack - theirs->isn : 0;
		} else if (!mine && theirs && (p->flags & TCP_RST) && (p->flags & TCP_ACK)) {
			/* the answer of a closed port: no ISN of its own, seq 0 */
			p->rel = true;
			p->rseq = p->seq;
			p->rack = p->ack - theirs->isn;
		}
	}
	free(isns);
}
