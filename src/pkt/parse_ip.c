/* Network-layer parsers: IPv4 (options, fragments, header checksum), IPv6
 * (extension headers down to the upper layer), ARP. They hand the payload,
 * cut to the length the IP header announces, to the transport parsers. */
#include "pkt/packet.h"

#include <string.h>

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_ARP 0x0806

/* The packet an ICMP error quotes (pkt_icmp_parse left c at it): parsed
 * here, so the transport parsers never call back up into this file. */
static int quoted_parse(struct pkt *pkt, struct cursor *c)
{
	struct cursor peek = *c, q = *c;
	uint8_t vhl = 0;

	memset(&pkt->quoted, 0, sizeof(pkt->quoted));
	pkt->has_quoted = true;
	rd_u8(&peek, &vhl);
	cur_skip(c, c->len);
	if ((vhl >> 4) == 6)
		return pkt_ip6_parse(pkt, &pkt->quoted, &q, true);
	if ((vhl >> 4) == 4)
		return pkt_ip4_parse(pkt, &pkt->quoted, &q, true);
	pkt->has_quoted = false;
	return 0;
}

static int icmp_and_quote(struct pkt *pkt, struct pkt_net *net, struct cursor *c, bool v6,
			  bool quoted)
{
	if (pkt_icmp_parse(pkt, net, c, v6, quoted) < 0)
		return -1;
	return net->icmp.quotes ? quoted_parse(pkt, c) : 0;
}

static int transport_parse(struct pkt *pkt, struct pkt_net *net, struct cursor *c, bool quoted)
{
	struct ip_hdr *ip = &net->ip;

	net->payload_off = (uint32_t)(c->p - pkt->data);
	net->payload_caplen = (uint32_t)c->len;
	if (ip->later_fragment) {
		net->l4 = L4_OTHER;
		return 0;
	}
	switch (ip->proto) {
	case 6: return pkt_tcp_parse(pkt, net, c, quoted);
	case 17: return pkt_udp_parse(pkt, net, c, quoted);
	case 1: return icmp_and_quote(pkt, net, c, false, quoted);
	case 58: return icmp_and_quote(pkt, net, c, true, quoted);
	default: net->l4 = L4_OTHER; return 0;
	}
}

/* An IP header starts at c: its kind, version and offset; -1 (recorded)
 * when fewer than need bytes are there. */
static int ip_begin(struct pkt *pkt, struct pkt_net *net, const struct cursor *c,
		    enum net_kind kind, size_t need)
{
	net->kind = kind;
	net->ip.version = kind == NET_IP4 ? 4 : 6;
	net->ip.off = (uint16_t)(c->p - pkt->data);
	if (!cur_have(c, need))
		return pkt_fail(pkt, c, PERR_TRUNCATED, kind == NET_IP4 ? "ipv4 header" : "ipv6 header",
				NULL);
	return 0;
}

static int ip4_options(struct pkt *pkt, struct ip_hdr *ip, struct cursor o)
{
	while (o.len > 0) {
		uint8_t type, len = 1;
		struct cursor at = o;
		rd_u8(&o, &type);
		if (type > 1) {
			if (rd_u8(&o, &len) < 0)
				return pkt_fail(pkt, &at, PERR_TRUNCATED, "ipv4 option", NULL);
			if (len < 2 || (size_t)len - 2 > o.len)
				return pkt_fail(pkt, &at, PERR_MALFORMED, "ipv4 option", "bad option length");
			cur_skip(&o, (size_t)len - 2);
		}
		if (ip->nopts < PKT_IPOPT_MAX) {
			struct ip_opt *op = &ip->opts[ip->nopts++];
			op->type = type;
			op->len = len;
			op->off = (uint16_t)(at.p - pkt->data);
		}
		if (type == 0)
			break;
	}
	return 0;
}

int pkt_ip4_parse(struct pkt *pkt, struct pkt_net *net, struct cursor *c, bool quoted)
{
	struct ip_hdr *ip = &net->ip;
	struct cursor start = *c;
	uint8_t vhl = 0;
	uint16_t frag = 0;

	if (ip_begin(pkt, net, c, NET_IP4, 20) < 0)
		return -1;
	rd_u8(c, &vhl);
	rd_u8(c, &ip->tos);
	uint16_t tlen = 0;
	rd_be16(c, &tlen);
	ip->len = tlen;
	rd_be16(c, &ip->id);
	rd_be16(c, &frag);
	rd_u8(c, &ip->ttl);
	rd_u8(c, &ip->proto);
	rd_be16(c, &ip->cksum);
	rd_bytes(c, ip->src, 4);
	rd_bytes(c, ip->dst, 4);
	ip->rf = frag & 0x8000;
	ip->df = frag & 0x4000;
	ip->mf = frag & 0x2000;
	ip->frag_off = (uint16_t)((frag & 0x1fff) * 8);
	ip->later_fragment = ip->frag_off != 0;
	ip->hlen = (uint16_t)((vhl & 0x0f) * 4);
	if ((vhl >> 4) != 4)
		return pkt_fail(pkt, &start, PERR_MALFORMED, "ipv4 header", "version is not 4");
	if (ip->hlen < 20)
		return pkt_fail(pkt, &start, PERR_MALFORMED, "ipv4 header", "header length below 20");
	if (!cur_have(&start, ip->hlen)) {
		cur_skip(c, c->len);
		return pkt_fail(pkt, c, PERR_TRUNCATED, "ipv4 options", NULL);
	}
	{
		uint32_t sum = pkt_cksum_add(0, cur_sub(&start, ip->hlen));
		ip->cks = pkt_cksum_judge(sum, ip->cksum, NULL, &ip->cksum_calc);
	}
	if (ip4_options(pkt, ip, cur_sub(c, ip->hlen - 20u)) < 0)
		return -1;
	cur_skip(c, ip->hlen - 20u);
	if (ip->len == 0 && !quoted) {
		/* TSO on the sending host: the length is not filled in yet. */
		ip->len_from = IPLEN_FRAME;
		ip->len = pkt->len > ip->off ? pkt->len - ip->off : ip->hlen;
		ip->plen = ip->len > ip->hlen ? ip->len - ip->hlen : 0;
	} else if (ip->len < ip->hlen) {
		return pkt_fail(pkt, &start, PERR_MALFORMED, "ipv4 header",
				"total length below header length");
	} else {
		ip->plen = ip->len - ip->hlen;
	}
	struct cursor pl = cur_sub(c, ip->plen);
	cur_skip(c, pl.len);
	return transport_parse(pkt, net, &pl, quoted);
}

static bool ip6_is_ext(uint8_t nh)
{
	return nh == 0 || nh == 43 || nh == 44 || nh == 60 || nh == 51 || nh == 135 ||
	       nh == 139 || nh == 140;
}

/* The jumbo payload option (RFC 2675) in the hop-by-hop header at h, when
 * the header is all there. */
static bool ip6_jumbo(struct cursor h, uint32_t *jumbo)
{
	uint8_t next, l, type, olen;

	if (rd_u8(&h, &next) < 0 || rd_u8(&h, &l) < 0)
		return false;
	struct cursor o = cur_sub(&h, ((size_t)l + 1) * 8 - 2);
	while (rd_u8(&o, &type) == 0) {
		if (type == 0)
			continue; /* Pad1 */
		if (rd_u8(&o, &olen) < 0)
			return false;
		if (type == 0xc2 && olen == 4)
			return rd_be32(&o, jumbo) == 0;
		if (cur_skip(&o, olen) < 0)
			return false;
	}
	return false;
}

/* RFC 8200 8.1: TCP, UDP and ICMPv6 checksums cover the final destination.
 * While segments are left, a routing header names it: the last address
 * (types 0 and 2; type 3, RPL (RFC 6554), stores it without the first CmprE
 * bytes it shares with the destination address) or segment 0 (type 4, SRH
 * (RFC 8754), which lists the path backwards). r holds the routing header
 * after its first two bytes, elen its whole length. */
static void ip6_rthdr(struct ip_hdr *ip, struct ip6_ext *e, struct cursor r, size_t elen)
{
	uint8_t type = 0, left = 0, b0 = 0, b1 = 0;
	size_t area = elen - 8, skip = 0, keep = 16;

	rd_u8(&r, &type);
	rd_u8(&r, &left);
	if (e) {
		e->rt_type = type;
		e->rt_left = left;
	}
	if (left == 0 || ip->routed || rd_u8(&r, &b0) < 0 || rd_u8(&r, &b1) < 0 ||
	    cur_skip(&r, 2) < 0)
		return;
	switch (type) {
	case 0:
	case 2:
		if (area < 16 || area % 16)
			return;
		skip = area - 16;
		break;
	case 3: {
		size_t cmpr_i = b0 >> 4, cmpr_e = b0 & 0x0f, pad = b1 >> 4;
		size_t each = 16 - cmpr_i;
		keep = 16 - cmpr_e;
		if (area < pad + keep || (area - pad - keep) % each)
			return;
		skip = area - pad - keep;
		break;
	}
	case 4:
		if (area < 16)
			return;
		break;
	default:
		return;
	}
	memcpy(ip->final_dst, ip->dst, 16 - keep);
	if (cur_skip(&r, skip) < 0 || rd_bytes(&r, ip->final_dst + 16 - keep, keep) < 0)
		return;
	ip->routed = true;
}

int pkt_ip6_parse(struct pkt *pkt, struct pkt_net *net, struct cursor *c, bool quoted)
{
	struct ip_hdr *ip = &net->ip;
	struct cursor start = *c;
	uint32_t vtf = 0;
	uint16_t plen = 0;
	uint8_t nh = 0;

	if (ip_begin(pkt, net, c, NET_IP6, 40) < 0)
		return -1;
	rd_be32(c, &vtf);
	rd_be16(c, &plen);
	rd_u8(c, &nh);
	rd_u8(c, &ip->ttl);
	rd_bytes(c, ip->src, 16);
	rd_bytes(c, ip->dst, 16);
	ip->tos = (uint8_t)(vtf >> 20);
	ip->flowlabel = vtf & 0xfffff;
	ip->next6 = nh;
	ip->len = plen + 40u;
	if ((vtf >> 28) != 6)
		return pkt_fail(pkt, &start, PERR_MALFORMED, "ipv6 header", "version is not 6");
	uint32_t remain = plen;
	if (plen == 0 && !quoted && (nh == 0 || nh == 6 || nh == 17)) {
		/* A jumbogram, or Linux BIG TCP (TCP or UDP GSO beyond 64 KiB),
		 * which hands taps payload length 0 without the jumbo option:
		 * the length is the frame's, as for IPv4 TSO. */
		if (nh == 0 && ip6_jumbo(*c, &remain)) {
			ip->len_from = IPLEN_JUMBO;
		} else {
			ip->len_from = IPLEN_FRAME;
			remain = pkt->len > ip->off + 40u ? pkt->len - ip->off - 40u : 0;
		}
		ip->len = remain <= UINT32_MAX - 40u ? remain + 40u : UINT32_MAX;
	} else if (plen == 0 && nh == 0) {
		remain = (uint32_t)c->len; /* a quoted jumbogram: what the quote holds */
	}
	struct cursor body = cur_sub(c, remain);
	cur_skip(c, body.len);

	uint32_t ext_bytes = 0;
	while (ip6_is_ext(nh)) {
		struct cursor at = body;
		uint8_t next, l;
		size_t elen;
		if (rd_u8(&body, &next) < 0 || rd_u8(&body, &l) < 0)
			return pkt_fail(pkt, &at, PERR_TRUNCATED, "ipv6 extension header", NULL);
		if (nh == 44) {
			uint16_t offlg;
			elen = 8;
			if (rd_be16(&body, &offlg) < 0 || rd_be32(&body, &ip->frag6_id) < 0)
				return pkt_fail(pkt, &at, PERR_TRUNCATED, "ipv6 fragment header", NULL);
			ip->frag6 = true;
			ip->frag_off = offlg & 0xfff8;
			ip->mf = offlg & 1;
			ip->later_fragment = ip->frag_off != 0;
			ip->id = (uint16_t)ip->frag6_id;
		} else {
			elen = nh == 51 ? ((size_t)l + 2) * 4 : ((size_t)l + 1) * 8;
			if (cur_skip(&body, elen - 2) < 0)
				return pkt_fail(pkt, &at, PERR_TRUNCATED, "ipv6 extension header", NULL);
		}
		struct ip6_ext *e = NULL;
		if (ip->next_ext < PKT_V6EXT_MAX) {
			e = &ip->ext[ip->next_ext++];
			e->type = nh;
			e->len = (uint8_t)(elen > 255 ? 255 : elen);
			e->off = (uint16_t)(at.p - pkt->data);
		}
		if (nh == 43) {
			struct cursor r = at;
			cur_skip(&r, 2);
			ip6_rthdr(ip, e, cur_sub(&r, elen - 2), elen);
		}
		ext_bytes += (uint32_t)elen;
		nh = next;
	}
	ip->proto = nh;
	ip->hlen = (uint16_t)(40 + ext_bytes);
	ip->plen = remain > ext_bytes ? remain - ext_bytes : 0;
	if (nh == 59)
		return 0;
	return transport_parse(pkt, net, &body, quoted);
}

int pkt_arp_parse(struct pkt *pkt, struct arp_hdr *arp, struct cursor *c)
{
	struct cursor start = *c;

	if (rd_be16(c, &arp->htype) < 0 || rd_be16(c, &arp->ptype) < 0 || rd_u8(c, &arp->hlen) < 0 ||
	    rd_u8(c, &arp->plen) < 0 || rd_be16(c, &arp->op) < 0)
		return pkt_fail(pkt, c, PERR_TRUNCATED, "arp header", NULL);
	if (arp->hlen > 16 || arp->plen > 16)
		return pkt_fail(pkt, &start, PERR_MALFORMED, "arp header", "address length above 16");
	if (rd_bytes(c, arp->sha, arp->hlen) < 0 || rd_bytes(c, arp->spa, arp->plen) < 0 ||
	    rd_bytes(c, arp->tha, arp->hlen) < 0 || rd_bytes(c, arp->tpa, arp->plen) < 0)
		return pkt_fail(pkt, c, PERR_TRUNCATED, "arp addresses", NULL);
	return 0;
}

int pkt_net_parse(struct pkt *pkt, struct pkt_net *net, uint16_t ethertype, struct cursor *c,
	      bool quoted)
{
	switch (ethertype) {
	case ETHERTYPE_IPV4: return pkt_ip4_parse(pkt, net, c, quoted);
	case ETHERTYPE_IPV6: return pkt_ip6_parse(pkt, net, c, quoted);
	case ETHERTYPE_ARP:
		net->kind = NET_ARP;
		return pkt_arp_parse(pkt, &net->arp, c);
	default:
		net->kind = NET_OTHER;
		net->payload_off = (uint32_t)(c->p - pkt->data);
		net->payload_caplen = (uint32_t)c->len;
		return 0;
	}
}
