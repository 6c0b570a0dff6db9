/* tcpdump's words for UDP, ICMP, ICMPv6 and ARP. */
#include "decode/render_text.h"

#include <string.h>

#include "pkt/names.h"

#define N(t) (sizeof(t) / sizeof((t)[0]))

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void dec_text_udp(struct outbuf *ob, const struct pkt *pkt, const struct pkt_net *net,
		  const struct render_opts *ro)
{
	const struct udp_hdr *u = &net->udp;
	const struct ip_hdr *ip = &net->ip;
	uint32_t length = ip->plen;

	(void)pkt;
	if (length < 8) {
		OB_LIT_U32(ob, "truncated-udp ", length);
		return;
	}
	if (u->have < 6) {
		OB_LIT(ob, " [|udp]");
		return;
	}
	uint32_t ulen = u->len;
	if (ulen == 0 && length > 65535)
		ulen = length;
	if (ulen < 8) {
		OB_LIT_U32(ob, "truncated-udplength ", ulen);
		return;
	}
	if (u->have < 8) {
		OB_LIT(ob, " [|udp]");
		return;
	}
	bool all = net->payload_caplen + 8u >= (ulen < length ? ulen : length) && !u->partial;
	if (ro->verbose && !ro->quick && !ip->mf && !ip->frag_off && all &&
	    (ip->version == 6 || ro->verbose > 1)) {
		if (ip->version == 4 && u->cksum == 0)
			OB_LIT(ob, "[no cksum] ");
		else if (u->cks == CKS_GOOD)
			OB_LIT(ob, "[udp sum ok] ");
		else if (u->cks == CKS_BAD || u->cks == CKS_PARTIAL) {
			OB_LIT(ob, "[bad udp cksum ");
			dec_ob_hex(ob, u->cksum, 4);
			OB_LIT(ob, " -> ");
			dec_ob_hex(ob, u->cks == CKS_PARTIAL ? u->cksum_calc : u->cksum_calc, 4);
			OB_LIT(ob, "!] ");
		}
	}
	OB_LIT_U32(ob, "UDP, length ", ulen - 8u);
}

/* ICMP (IPv4) */

static const struct vname icmp_names[] = {
	{ 0, "echo reply" }, { 4, "source quench" }, { 8, "echo request" },
	{ 10, "router solicitation" }, { 13, "time stamp request" }, { 14, "time stamp reply" },
	{ 15, "information request" }, { 16, "information reply" }, { 17, "address mask request" },
};

static const struct vname unreach_fmt[] = {
	{ 5, "%s unreachable - source route failed" }, { 6, "net %s unreachable - unknown" },
	{ 7, "host %s unreachable - unknown" }, { 8, "%s unreachable - source host isolated" },
	{ 9, "net %s unreachable - admin prohibited" }, { 10, "host %s unreachable - admin prohibited" },
	{ 11, "net %s unreachable - tos prohibited" }, { 12, "host %s unreachable - tos prohibited" },
	{ 13, "host %s unreachable - admin prohibited filter" },
	{ 14, "host %s unreachable - host precedence violation" },
	{ 15, "host %s unreachable - precedence cutoff" },
};

/* A format with one %s, the address put in its place. */
static void icmp_fmt_addr(struct outbuf *ob, const char *fmt, const struct ip_hdr *ip,
			  const uint8_t *addr)
{
	const char *at = strstr(fmt, "%s");

	dec_ob_mem(ob, fmt, (size_t)(at - fmt));
	dec_render_addr(ob, ip, addr);
	ob_str(ob, at + 2);
}

/* The message part for a quote we could read; false when it is not there. */
static bool icmp_unreach(struct outbuf *ob, const struct pkt *pkt, const struct icmp_hdr *ic)
{
	const struct pkt_net *q = &pkt->quoted;
	const struct ip_hdr *qip = &q->ip;

	if (!pkt->has_quoted || q->kind != NET_IP4 || qip->hlen == 0)
		return false;
	switch (ic->code) {
	case 0: icmp_fmt_addr(ob, "net %s unreachable", qip, qip->dst); return true;
	case 1: icmp_fmt_addr(ob, "host %s unreachable", qip, qip->dst); return true;
	case 2:
		dec_ob_ip4(ob, qip->dst);
		OB_LIT_U32(ob, " protocol ", qip->proto);
		OB_LIT(ob, " unreachable");
		return true;
	case 3: {
		bool tcp = q->l4 == L4_TCP, udp = q->l4 == L4_UDP;
		uint16_t dport = tcp ? q->tcp.dport : q->udp.dport;
		if ((tcp && q->tcp.have < 4) || (udp && q->udp.have < 4) || (!tcp && !udp))
			return false;
		dec_ob_ip4(ob, qip->dst);
		if (tcp) OB_LIT_U32(ob, " tcp port ", dport);
		else OB_LIT_U32(ob, " udp port ", dport);
		OB_LIT(ob, " unreachable");
		return true;
	}
	case 4:
		dec_ob_ip4(ob, qip->dst);
		OB_LIT(ob, " unreachable - need to frag");
		if (ic->rest & 0xffff) {
			OB_LIT_U32(ob, " (mtu ", ic->rest & 0xffff);
			ob_chr(ob, ')');
		}
		return true;
	default: {
		const char *f = pkt_vname_find(unreach_fmt, N(unreach_fmt), ic->code);
		if (f) {
			icmp_fmt_addr(ob, f, qip, qip->dst);
		} else {
			OB_LIT_U32(ob, "#", ic->code);
			ob_chr(ob, ' ');
			dec_ob_ip4(ob, qip->dst);
			OB_LIT(ob, " unreachable");
		}
		return true;
	}
	}
}

static bool icmp4_message(struct outbuf *ob, const struct pkt *pkt, const struct icmp_hdr *ic)
{
	const struct pkt_net *q = &pkt->quoted;
	uint8_t gw[4] = { (uint8_t)(ic->rest >> 24), (uint8_t)(ic->rest >> 16), (uint8_t)(ic->rest >> 8),
			  (uint8_t)ic->rest };

	switch (ic->type) {
	case 0:
	case 8:
		OB_LIT(ob, "echo ");
		ob_str(ob, ic->type == 8 ? "request" : "reply");
		OB_LIT_U32(ob, ", id ", ic->id);
		OB_LIT_U32(ob, ", seq ", ic->seq);
		return true;
	case 3:
		return icmp_unreach(ob, pkt, ic);
	case 5:
		if (!pkt->has_quoted || q->kind != NET_IP4 || q->ip.hlen == 0)
			return false;
		if (ic->code > 3) {
			OB_LIT_U32(ob, "redirect-#", ic->code);
			ob_chr(ob, ' ');
		} else {
			ob_str(ob, ic->code >= 2 ? "redirect-tos " : "redirect ");
		}
		dec_ob_ip4(ob, q->ip.dst);
		OB_LIT(ob, " to ");
		if (ic->code <= 3)
			ob_str(ob, ic->code & 1 ? "host " : "net ");
		dec_ob_ip4(ob, gw);
		return true;
	case 11:
		if (ic->code == 0) OB_LIT(ob, "time exceeded in-transit");
		else if (ic->code == 1) OB_LIT(ob, "ip reassembly time exceeded");
		else OB_LIT_U32(ob, "time exceeded-#", ic->code);
		return true;
	case 12:
		if (ic->code) OB_LIT_U32(ob, "parameter problem - code ", ic->code);
		else OB_LIT_U32(ob, "parameter problem - octet ", ic->rest >> 24);
		return true;
	case 13:
		OB_LIT_U32(ob, "time stamp query id ", ic->rest >> 16);
		OB_LIT_U32(ob, " seq ", ic->rest & 0xffff);
		return true;
	default: {
		const char *n = pkt_vname_find(icmp_names, N(icmp_names), ic->type);
		if (n) ob_str(ob, n);
		else OB_LIT_U32(ob, "type-#", ic->type);
		return true;
	}
	}
}

static void icmp4(struct outbuf *ob, const struct pkt *pkt, const struct pkt_net *net,
		  const struct render_opts *ro)
{
	const struct icmp_hdr *ic = &net->icmp;
	const struct ip_hdr *ip = &net->ip;

	if (ic->have < 8 || ic->partial) {
		OB_LIT(ob, " [|icmp]");
		return;
	}
	OB_LIT(ob, "ICMP ");
	if (!icmp4_message(ob, pkt, ic)) {
		OB_LIT(ob, " [|icmp]");
		return;
	}
	OB_LIT_U32(ob, ", length ", ic->len);
	if (ro->verbose && !ip->mf && !ip->frag_off && ic->cks == CKS_BAD) {
		OB_LIT(ob, " (wrong icmp cksum ");
		dec_ob_printf(ob, "%x", (unsigned)ic->cksum);
		OB_LIT(ob, " (->");
		dec_ob_printf(ob, "%x", (unsigned)ic->cksum_calc);
		OB_LIT(ob, ")!)");
	}
}

/* ICMPv6 */

static const struct vname icmp6_names[] = {
	{ 1, "destination unreachable" }, { 2, "packet too big" }, { 3, "time exceeded in-transit" },
	{ 4, "parameter problem" }, { 128, "echo request" }, { 129, "echo reply" },
	{ 130, "multicast listener query" }, { 131, "multicast listener report" },
	{ 132, "multicast listener done" }, { 133, "router solicitation" },
	{ 134, "router advertisement" }, { 135, "neighbor solicitation" },
	{ 136, "neighbor advertisement" }, { 137, "redirect" }, { 138, "router renumbering" },
	{ 139, "node information query" }, { 140, "node information reply" },
	{ 141, "inverse neighbor solicitation" }, { 142, "inverse neighbor advertisement" },
	{ 143, "multicast listener report v2" }, { 144, "ha discovery request" },
	{ 145, "ha discovery reply" }, { 146, "mobile router solicitation" },
	{ 147, "mobile router advertisement" }, { 148, "certification path solicitation" },
	{ 149, "certification path advertisement" }, { 151, "multicast router advertisement" },
	{ 152, "multicast router solicitation" }, { 153, "multicast router termination" },
	{ 155, "RPL" },
};

static const struct vname unreach6[] = {
	{ 0, "unreachable route" }, { 1, " unreachable prohibited" }, { 2, "beyond scope" },
	{ 3, "unreachable address" }, { 4, "unreachable port" },
};

static bool icmp6_is_nd(uint8_t t)
{
	return t == 133 || t == 134 || t == 135 || t == 136 || t == 137 || t == 145 || t == 147;
}

/* The type-specific words; false when the bytes were not all there. */
static bool icmp6_message(struct outbuf *ob, const struct pkt *pkt, const struct pkt_net *net,
			  const struct render_opts *ro)
{
	const struct icmp_hdr *ic = &net->icmp;
	const uint8_t *body = pkt->data + ic->off;
	uint32_t have = pkt->caplen > ic->off ? pkt->caplen - ic->off : 0;
	const struct pkt_net *q = &pkt->quoted;
	struct ip_hdr v6 = { .version = 6 };

	switch (ic->type) {
	case 1: {
		const char *c = pkt_vname_find(unreach6, N(unreach6), ic->code);
		if (c) { OB_LIT(ob, ", "); ob_str(ob, c); }
		else OB_LIT_U32(ob, ", unknown unreach code (", ic->code), ob_chr(ob, ')');
		if (!pkt->has_quoted || q->kind != NET_IP6)
			return false;
		switch (ic->code) {
		case 0: case 1: case 3:
			ob_chr(ob, ' ');
			dec_ob_ip6(ob, q->ip.dst);
			break;
		case 2:
			ob_chr(ob, ' ');
			dec_ob_ip6(ob, q->ip.dst);
			OB_LIT(ob, ", source address ");
			dec_ob_ip6(ob, q->ip.src);
			break;
		case 4:
			if (q->l4 == L4_TCP && q->tcp.have >= 4) {
				OB_LIT(ob, ", ");
				dec_ob_ip6(ob, q->ip.dst);
				OB_LIT_U32(ob, " tcp port ", q->tcp.dport);
			} else if (q->l4 == L4_UDP && q->udp.have >= 4) {
				OB_LIT(ob, ", ");
				dec_ob_ip6(ob, q->ip.dst);
				OB_LIT_U32(ob, " udp port ", q->udp.dport);
			} else {
				return false;
			}
			break;
		}
		return true;
	}
	case 2:
		OB_LIT_U32(ob, ", mtu ", ic->rest);
		return true;
	case 3:
		if (ic->code == 0) {
			if (!pkt->has_quoted || q->kind != NET_IP6)
				return false;
			OB_LIT(ob, " for ");
			dec_ob_ip6(ob, q->ip.dst);
		} else if (ic->code == 1) {
			OB_LIT(ob, " (reassembly)");
		} else {
			OB_LIT_U32(ob, ", unknown code (", ic->code);
			ob_chr(ob, ')');
		}
		return true;
	case 128:
	case 129:
		OB_LIT_U32(ob, ", id ", ic->id);
		OB_LIT_U32(ob, ", seq ", ic->seq);
		return true;
	case 135:
	case 136:
		if (have < 24)
			return false;
		memcpy(v6.src, body + 8, 16);
		ob_str(ob, ic->type == 135 ? ", who has " : ", tgt is ");
		dec_ob_ip6(ob, v6.src);
		if (ic->type == 136 && ro->verbose) {
			static const char *const fl[] = { "router", "solicited", "override" };
			bool any = false;
			OB_LIT(ob, ", Flags [");
			for (int i = 0; i < 3; i++)
				if (body[4] & (0x80 >> i)) {
					if (any) OB_LIT(ob, ", ");
					ob_str(ob, fl[i]);
					any = true;
				}
			if (!any) OB_LIT(ob, "none");
			ob_chr(ob, ']');
		}
		return true;
	case 143:
		if (have < 8)
			return false;
		OB_LIT_U32(ob, ", ", (uint32_t)body[6] << 8 | body[7]);
		OB_LIT(ob, " group record(s)");
		return true;
	default:
		return true;
	}
}

static void icmp6(struct outbuf *ob, const struct pkt *pkt, const struct pkt_net *net,
		  const struct render_opts *ro)
{
	const struct icmp_hdr *ic = &net->icmp;
	const char *n = pkt_vname_find(icmp6_names, N(icmp6_names), ic->type);

	if (ic->have < 1) {
		OB_LIT(ob, " [|icmp6]");
		return;
	}
	if (ro->verbose && ic->cks != CKS_UNVERIFIED && !net->ip.frag6) {
		if (ic->cks == CKS_GOOD) {
			OB_LIT(ob, "[icmp6 sum ok] ");
		} else {
			OB_LIT(ob, "[bad icmp6 cksum ");
			dec_ob_hex(ob, ic->cksum, 4);
			OB_LIT(ob, " -> ");
			dec_ob_hex(ob, ic->cksum_calc, 4);
			OB_LIT(ob, "!] ");
		}
	}
	OB_LIT(ob, "ICMP6, ");
	if (n) ob_str(ob, n);
	else OB_LIT_U32(ob, "unknown icmp6 type (", ic->type), ob_chr(ob, ')');
	if (ro->verbose && icmp6_is_nd(ic->type))
		OB_LIT_U32(ob, ", length ", ic->len);
	if (ic->partial || !icmp6_message(ob, pkt, net, ro)) {
		OB_LIT(ob, " [|icmp6]");
		return;
	}
	if (!ro->verbose)
		OB_LIT_U32(ob, ", length ", ic->len);
}

void dec_text_icmp(struct outbuf *ob, const struct pkt *pkt, const struct pkt_net *net,
		   const struct render_opts *ro)
{
	if (net->icmp.v6)
		icmp6(ob, pkt, net, ro);
	else
		icmp4(ob, pkt, net, ro);
}

/* ARP */

static const struct vname arp_ops[] = {
	{ 1, "Request" }, { 2, "Reply" }, { 3, "Reverse Request" }, { 4, "Reverse Reply" },
	{ 8, "Inverse Request" }, { 9, "Inverse Reply" }, { 10, "NACK Reply" },
};

static const struct vname arp_hrd[] = {
	{ 1, "Ethernet" }, { 6, "TokenRing" }, { 7, "ArcNet" }, { 15, "FrameRelay" },
	{ 19, "ATM (RFC 2225)" }, { 23, "STRIP" }, { 24, "IEEE 1394" }, { 32, "InfiniBand" },
};

static bool arp_ipv4(const struct arp_hdr *a)
{
	return (a->ptype == 0x0800 || a->ptype == 0x1000) && a->plen == 4;
}

static void arp_paddr(struct outbuf *ob, const struct arp_hdr *a, const uint8_t *p)
{
	if (!arp_ipv4(a))
		OB_LIT(ob, "<wrong proto type>");
	else
		dec_ob_ip4(ob, p);
}

static bool arp_nonzero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return true;
	return false;
}

void dec_text_arp(struct outbuf *ob, const struct pkt *pkt, const struct render_opts *ro)
{
	const struct arp_hdr *a = &pkt->net.arp;
	uint32_t length = pkt->len - pkt->link.hlen;

	if (pkt->err.kind != PERR_NONE) {
		OB_LIT(ob, " [|arp]");
		return;
	}
	if (!arp_ipv4(a) || a->hlen == 0 || ro->verbose) {
		const char *h = pkt_vname_find(arp_hrd, N(arp_hrd), a->htype);
		const char *p = a->ptype == 0x0800 ? "IPv4" : pkt_name_ethertype(a->ptype);
		if (!ro->link)
			OB_LIT(ob, "ARP, ");
		if (h) ob_str(ob, h);
		else OB_LIT_U32(ob, "Unknown Hardware (", a->htype), ob_chr(ob, ')');
		OB_LIT_U32(ob, " (len ", a->hlen);
		OB_LIT(ob, "), ");
		if (p) {
			ob_str(ob, p);
		} else {
			OB_LIT(ob, "Unknown Protocol (");
			dec_ob_hex(ob, a->ptype, 4);
			ob_chr(ob, ')');
		}
		OB_LIT_U32(ob, " (len ", a->plen);
		ob_chr(ob, ')');
		if (!ro->verbose) {
			OB_LIT_U32(ob, ", length ", length);
			return;
		}
		OB_LIT(ob, ", ");
	} else if (!ro->link) {
		OB_LIT(ob, "ARP, "); /* -e said ethertype ARP already */
	}
	const char *op = pkt_vname_find(arp_ops, N(arp_ops), a->op);
	if (op) ob_str(ob, op);
	else OB_LIT_U32(ob, "Unknown (", a->op), ob_chr(ob, ')');
	ob_chr(ob, ' ');
	switch (a->op) {
	case 1:
		OB_LIT(ob, "who-has ");
		arp_paddr(ob, a, a->tpa);
		if (arp_nonzero(a->tha, a->hlen)) {
			OB_LIT(ob, " (");
			dec_ob_mac(ob, a->tha, a->hlen);
			ob_chr(ob, ')');
		}
		OB_LIT(ob, " tell ");
		arp_paddr(ob, a, a->spa);
		break;
	case 2:
		arp_paddr(ob, a, a->spa);
		OB_LIT(ob, " is-at ");
		dec_ob_mac(ob, a->sha, a->hlen);
		break;
	case 3:
	case 8:
		OB_LIT(ob, "who-is ");
		dec_ob_mac(ob, a->tha, a->hlen);
		OB_LIT(ob, " tell ");
		dec_ob_mac(ob, a->sha, a->hlen);
		break;
	case 4:
		dec_ob_mac(ob, a->tha, a->hlen);
		OB_LIT(ob, " at ");
		arp_paddr(ob, a, a->tpa);
		break;
	case 9:
		dec_ob_mac(ob, a->sha, a->hlen);
		OB_LIT(ob, " at ");
		arp_paddr(ob, a, a->spa);
		break;
	default:
		/* tcpdump dumps what it cannot name; the line ends there */
		ob_chr(ob, '\n');
		dec_render_hex(ob, pkt);
		ob->len--;
		return;
	}
	OB_LIT_U32(ob, ", length ", length);
	(void)be32;
}
