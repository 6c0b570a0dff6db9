/* Transport parsers: TCP (every option), UDP, ICMP and ICMPv6 (with the
 * packet an error message quotes), and their checksums over the
 * pseudo-header. A quoted header may be cut short: it keeps what is there. */
#include "pkt/packet.h"

#include <string.h>

/* Checksum over the whole upper-layer message when all of it was captured
 * and it is not a fragment of something larger. */
static enum cks_status l4_cksum(const struct ip_hdr *ip, uint8_t proto, struct cursor seg,
				uint32_t covered, uint16_t field, bool pseudo_hdr, bool offload,
				uint16_t *calc)
{
	if (ip->mf || ip->frag6 || seg.len < covered)
		return CKS_UNVERIFIED;
	uint32_t pseudo = pseudo_hdr ? pkt_cksum_pseudo(ip, proto, covered) : 0;
	uint32_t sum = pkt_cksum_add(pseudo, cur_sub(&seg, covered));
	return pkt_cksum_judge(sum, field, offload ? &pseudo : NULL, calc);
}

static int tcp_opt_parse(struct pkt *pkt, struct tcp_hdr *t, struct cursor o)
{
	while (o.len > 0) {
		struct cursor at = o;
		struct tcp_opt op;
		memset(&op, 0, sizeof(op));
		rd_u8(&o, &op.kind);
		op.len = 1;
		op.off = (uint16_t)(at.p - pkt->data);
		if (op.kind > 1) {
			if (rd_u8(&o, &op.len) < 0)
				return pkt_fail(pkt, &at, PERR_TRUNCATED, "tcp option", NULL);
			if (op.len < 2 || (size_t)op.len - 2 > o.len)
				return pkt_fail(pkt, &at, PERR_MALFORMED, "tcp option", "bad option length");
			struct cursor v = cur_sub(&o, (size_t)op.len - 2);
			cur_skip(&o, v.len);
			bool ok = true;
			switch (op.kind) {
			case 2: ok = op.len == 4 && rd_be16(&v, &op.mss) == 0; break;
			case 3: ok = op.len == 3 && rd_u8(&v, &op.wscale) == 0; break;
			case 4: ok = op.len == 2; break;
			case 5:
				ok = (op.len - 2) % 8 == 0;
				while (ok && v.len >= 8 && op.nsack < PKT_SACK_MAX) {
					rd_be32(&v, &op.sack[op.nsack][0]);
					rd_be32(&v, &op.sack[op.nsack][1]);
					op.nsack++;
				}
				break;
			case 8: ok = op.len == 10 && rd_be32(&v, &op.ts_val) == 0 &&
				     rd_be32(&v, &op.ts_ecr) == 0; break;
			default: break;
			}
			if (!ok)
				return pkt_fail(pkt, &at, PERR_MALFORMED, "tcp option",
						"wrong length for its kind");
		}
		if (t->nopts < PKT_TCPOPT_MAX)
			t->opts[t->nopts++] = op;
		if (op.kind == 0)
			break;
	}
	return 0;
}

int pkt_tcp_parse(struct pkt *pkt, struct pkt_net *net, struct cursor *c, bool quoted)
{
	struct tcp_hdr *t = &net->tcp;
	struct cursor start = *c;
	uint16_t offflags = 0;

	net->l4 = L4_TCP;
	t->off = (uint16_t)(c->p - pkt->data);
	if (!cur_have(c, 20)) {
		/* Keep what is there: an ICMP error quotes at least 8 bytes
		 * (ports and sequence), a short capture maybe the ports. The
		 * printers show only the fields `have` covers. */
		t->partial = true;
		t->have = (uint8_t)c->len;
		if (rd_be16(c, &t->sport) == 0 && rd_be16(c, &t->dport) == 0 &&
		    rd_be32(c, &t->seq) == 0 && rd_be32(c, &t->ack) == 0 &&
		    rd_be16(c, &offflags) == 0 && rd_be16(c, &t->win) == 0)
			rd_be16(c, &t->cksum);
		t->flags = offflags & 0x1ff;
		return quoted ? 0 : pkt_fail(pkt, &start, PERR_TRUNCATED, "tcp header", NULL);
	}
	t->have = 20;
	rd_be16(c, &t->sport);
	rd_be16(c, &t->dport);
	rd_be32(c, &t->seq);
	rd_be32(c, &t->ack);
	rd_be16(c, &offflags);
	rd_be16(c, &t->win);
	rd_be16(c, &t->cksum);
	rd_be16(c, &t->urg);
	t->hlen = (uint8_t)((offflags >> 12) * 4);
	t->flags = offflags & 0x1ff;
	if (t->hlen < 20)
		return pkt_fail(pkt, &start, PERR_MALFORMED, "tcp header", "data offset below 20");
	uint32_t plen = net->ip.plen;
	if (!quoted && plen < t->hlen)
		return pkt_fail(pkt, &start, PERR_MALFORMED, "tcp header",
				"header longer than the ip payload");
	t->payload_len = plen >= t->hlen ? plen - t->hlen : 0;
	struct cursor opts = cur_sub(c, t->hlen - 20u);
	if (tcp_opt_parse(pkt, t, opts) < 0)
		return quoted ? 0 : -1;
	if (opts.len < t->hlen - 20u) {
		cur_skip(c, c->len);
		if (quoted) {
			t->partial = true;
			return 0;
		}
		return pkt_fail(pkt, c, PERR_TRUNCATED, "tcp options", NULL);
	}
	cur_skip(c, opts.len);
	if (!quoted)
		t->cks = l4_cksum(&net->ip, 6, start, plen, t->cksum, true, true, &t->cksum_calc);
	net->payload_off = (uint32_t)(c->p - pkt->data);
	net->payload_caplen = (uint32_t)c->len;
	return 0;
}

int pkt_udp_parse(struct pkt *pkt, struct pkt_net *net, struct cursor *c, bool quoted)
{
	struct udp_hdr *u = &net->udp;
	struct cursor start = *c;

	net->l4 = L4_UDP;
	u->off = (uint16_t)(c->p - pkt->data);
	u->have = (uint8_t)(c->len < 8 ? c->len : 8);
	if (rd_be16(c, &u->sport) < 0 || rd_be16(c, &u->dport) < 0 || rd_be16(c, &u->len) < 0 ||
	    rd_be16(c, &u->cksum) < 0) {
		u->partial = true;
		return quoted ? 0 : pkt_fail(pkt, c, PERR_TRUNCATED, "udp header", NULL);
	}
	/* RFC 2675: a datagram beyond 64 KiB (a jumbogram, or UDP GSO under
	 * BIG TCP, IPv4 or IPv6) has length 0 and takes the IP length. */
	uint32_t ulen = u->len;
	if (ulen == 0 && !quoted && net->ip.len_from != IPLEN_HEADER)
		ulen = net->ip.plen;
	if (ulen < 8) {
		u->payload_len = 0;
		return quoted ? 0 : pkt_fail(pkt, &start, PERR_MALFORMED, "udp header",
					     "length below 8");
	}
	u->payload_len = ulen - 8u;
	net->payload_off = (uint32_t)(c->p - pkt->data);
	net->payload_caplen = (uint32_t)(c->len < u->payload_len ? c->len : u->payload_len);
	if (quoted)
		return 0;
	if (ulen > net->ip.plen && !(net->ip.version == 6 && net->ip.plen == 0)) {
		u->cks = CKS_UNVERIFIED;
		return pkt_fail(pkt, &start, PERR_MALFORMED, "udp header",
				"length beyond the ip payload");
	}
	if (u->cksum == 0 && net->ip.version == 4)
		u->cks = CKS_NONE;
	else
		u->cks = l4_cksum(&net->ip, 17, start, ulen, u->cksum, true, true, &u->cksum_calc);
	return 0;
}

static bool icmp_quotes(bool v6, uint8_t type)
{
	if (v6)
		return type >= 1 && type <= 4;
	return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

static bool icmp_is_echo(bool v6, uint8_t type)
{
	if (v6)
		return type == 128 || type == 129;
	return type == 0 || type == 8 || type == 13 || type == 14 || type == 15 || type == 16;
}

int pkt_icmp_parse(struct pkt *pkt, struct pkt_net *net, struct cursor *c, bool v6, bool quoted)
{
	struct icmp_hdr *ic = &net->icmp;
	struct cursor start = *c;

	net->l4 = L4_ICMP;
	ic->v6 = v6;
	ic->off = (uint16_t)(c->p - pkt->data);
	ic->len = net->ip.plen;
	ic->have = (uint8_t)(c->len < 8 ? c->len : 8);
	if (rd_u8(c, &ic->type) < 0 || rd_u8(c, &ic->code) < 0 || rd_be16(c, &ic->cksum) < 0) {
		ic->partial = true;
		return quoted ? 0 : pkt_fail(pkt, c, PERR_TRUNCATED,
					     v6 ? "icmp6 header" : "icmp header", NULL);
	}
	if (quoted) {
		ic->have = 4; /* the quote's first word is all we read */
		return 0;
	}
	ic->cks = l4_cksum(&net->ip, 58, start, ic->len, ic->cksum, v6, false, &ic->cksum_calc);
	if (rd_be32(c, &ic->rest) < 0) {
		ic->partial = true;
		return pkt_fail(pkt, c, PERR_TRUNCATED, v6 ? "icmp6 header" : "icmp header", NULL);
	}
	if (icmp_is_echo(v6, ic->type)) {
		ic->id = (uint16_t)(ic->rest >> 16);
		ic->seq = (uint16_t)ic->rest;
	}
	net->payload_off = (uint32_t)(c->p - pkt->data);
	net->payload_caplen = (uint32_t)c->len;
	if (!icmp_quotes(v6, ic->type) || c->len == 0)
		return 0;
	ic->quotes = true; /* c is at the quote: the IP layer parses it */
	return 0;
}
