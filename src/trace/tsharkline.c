/* A packet as Wireshark's packet list shows it, the shape seed 000 §4.1
 * answers in:
 *
 *   5  11:52:09.558407  127.0.0.1  127.0.0.2  TCP  56  2210 → 5000 [SYN] Seq=0 Win=65535 Len=0 MSS=65495 WS=256 SACK_PERM
 *
 * (tab-separated: number, time of day, source, destination, protocol,
 * frame length, info). The info column follows tshark 4.0: relative
 * sequence numbers, the window scaled once both SYNs offered scaling,
 * the options in header order (MSS, SACK_PERM, TSval/TSecr, WS, SLE/SRE
 * of SACK blocks). tshark's expert prefixes ("[TCP Retransmission]") are
 * not reproduced. */
#include "trace/tsharkline.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "pkt/packet.h"

struct sb {
	char *buf;
	size_t n, len;
};

__attribute__((format(printf, 2, 3))) static void sb_printf(struct sb *b, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (b->len >= b->n)
		return;
	va_start(ap, fmt);
	w = vsnprintf(b->buf + b->len, b->n - b->len, fmt, ap);
	va_end(ap);
	if (w > 0)
		b->len = b->len + (size_t)w < b->n ? b->len + (size_t)w : b->n - 1;
}

static bool decode(const struct trace *t, const struct tr_packet *p, struct pkt *k)
{
	if (!p->frame)
		return false;
	pkt_decode(pkt_link_from_dlt(t->dlt), p->frame, p->caplen, p->wirelen, k);
	return k->net.kind == NET_IP4 || k->net.kind == NET_IP6;
}

/* The window scale the sender of p announced in its SYN, or -1 when it
 * did not or the SYN was not seen. */
static int syn_wscale(const struct trace *t, const struct tr_endpoint *from,
		      const struct tr_endpoint *to)
{
	for (size_t i = 0; i < t->npackets; i++) {
		const struct tr_packet *q = &t->packets[i];
		struct pkt k;

		if (q->proto != IPPROTO_TCP || !(q->flags & TCP_SYN) ||
		    !tr_endpoint_eq(&q->src, from) || !tr_endpoint_eq(&q->dst, to))
			continue;
		if (!decode(t, q, &k) || k.net.l4 != L4_TCP)
			return -1;
		for (unsigned o = 0; o < k.net.tcp.nopts; o++)
			if (k.net.tcp.opts[o].kind == 3)
				return k.net.tcp.opts[o].wscale > 14 ? 14 : k.net.tcp.opts[o].wscale;
		return -1;
	}
	return -1;
}

static void tcp_flags(struct sb *b, uint16_t f)
{
	static const char *const names[] = { "FIN", "SYN", "RST", "PSH", "ACK",
					     "URG", "ECE", "CWR", "AE" };
	bool first = true;

	sb_printf(b, "[");
	for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++)
		if (f & (1u << i)) {
			sb_printf(b, "%s%s", first ? "" : ", ", names[i]);
			first = false;
		}
	sb_printf(b, "%s]", first ? "<None>" : "");
}

static void tcp_info(const struct trace *t, const struct tr_packet *p, const struct tcp_hdr *h,
		     struct sb *b)
{
	uint64_t win = h->win;

	sb_printf(b, "%u \u2192 %u ", h->sport, h->dport);
	tcp_flags(b, h->flags);
	sb_printf(b, " Seq=%u", p->rel ? p->rseq : h->seq);
	if (h->flags & TCP_ACK)
		sb_printf(b, " Ack=%u", p->rel ? p->rack : h->ack);
	if (!(h->flags & TCP_SYN)) {
		int mine = syn_wscale(t, &p->src, &p->dst), theirs = syn_wscale(t, &p->dst, &p->src);

		if (mine >= 0 && theirs >= 0)
			win <<= mine;
	}
	sb_printf(b, " Win=%llu Len=%u", (unsigned long long)win, h->payload_len);
	for (unsigned o = 0; o < h->nopts; o++) {
		const struct tcp_opt *op = &h->opts[o];

		switch (op->kind) {
		case 2: sb_printf(b, " MSS=%u", op->mss); break;
		case 4: sb_printf(b, " SACK_PERM"); break;
		case 8: sb_printf(b, " TSval=%u TSecr=%u", op->ts_val, op->ts_ecr); break;
		case 3: sb_printf(b, " WS=%u", 1u << (op->wscale > 14 ? 14 : op->wscale)); break;
		case 5:
			for (unsigned s = 0; s < op->nsack && s < PKT_SACK_MAX; s++) {
				uint32_t base = p->rel ? p->ack - p->rack : 0;

				sb_printf(b, " SLE=%u SRE=%u", op->sack[s][0] - base, op->sack[s][1] - base);
			}
			break;
		default: break;
		}
	}
}

char *tr_tshark_line(const struct trace *t, const struct tr_packet *p, char *buf, size_t n)
{
	struct sb b = { buf, n, 0 };
	char src[INET6_ADDRSTRLEN] = "?", dst[INET6_ADDRSTRLEN] = "?";
	time_t secs = (time_t)(p->ts / 1000000000);
	struct tm tm;
	struct pkt k;

	if (n == 0)
		return buf;
	buf[0] = '\0';
	localtime_r(&secs, &tm);
	sb_printf(&b, "%u\t%02d:%02d:%02d.%06lld\t", p->no, tm.tm_hour, tm.tm_min, tm.tm_sec,
		  (long long)(p->ts % 1000000000 / 1000));
	if (!decode(t, p, &k)) {
		sb_printf(&b, "?\t?\t?\t%u\t", p->wirelen);
		return buf;
	}
	int fam = k.net.kind == NET_IP4 ? AF_INET : AF_INET6;
	inet_ntop(fam, k.net.ip.src, src, sizeof src);
	inet_ntop(fam, k.net.ip.dst, dst, sizeof dst);
	switch (k.net.l4) {
	case L4_TCP:
		sb_printf(&b, "%s\t%s\tTCP\t%u\t", src, dst, p->wirelen);
		tcp_info(t, p, &k.net.tcp, &b);
		break;
	case L4_UDP:
		sb_printf(&b, "%s\t%s\tUDP\t%u\t%u \u2192 %u Len=%u", src, dst, p->wirelen,
			  k.net.udp.sport, k.net.udp.dport, k.net.udp.payload_len);
		break;
	case L4_ICMP:
		sb_printf(&b, "%s\t%s\t%s\t%u\ttype %u code %u", src, dst,
			  k.net.icmp.v6 ? "ICMPv6" : "ICMP", p->wirelen, k.net.icmp.type,
			  k.net.icmp.code);
		break;
	default:
		sb_printf(&b, "%s\t%s\tIP\t%u\t", src, dst, p->wirelen);
		break;
	}
	return buf;
}
