/* -X hex dump and the --explain table: both show raw header bytes, read
 * through a cursor over the captured frame. */
#include "decode/render.h"

#include <stdarg.h>

#include "pkt/names.h"

void dec_render_hex(struct outbuf *ob, const struct pkt *pkt)
{
	uint32_t start = pkt->link.hlen <= pkt->caplen ? pkt->link.hlen : pkt->caplen;
	struct cursor c = cur_make(pkt->data + start, pkt->caplen - start);

	for (uint32_t off = 0; c.len > 0; off += 16) {
		uint8_t b[16];
		size_t n = c.len < 16 ? c.len : 16;
		if (rd_bytes(&c, b, n) < 0)
			break; /* cannot happen (n <= c.len), but never print unread bytes */
		OB_LIT(ob, "\t0x");
		dec_ob_hexraw(ob, off, 4);
		OB_LIT(ob, ":  ");
		for (size_t i = 0; i < 16; i++) {
			if (i < n) dec_ob_hexraw(ob, b[i], 2);
			else OB_LIT(ob, "  ");
			if (i & 1) ob_chr(ob, ' ');
		}
		ob_chr(ob, ' ');
		for (size_t i = 0; i < n; i++)
			ob_chr(ob, b[i] > 0x20 && b[i] < 0x7f ? (char)b[i] : '.'); /* tcpdump: graphic only */
		ob_chr(ob, '\n');
	}
}

/* One table row: the bytes [off, off+n) in groups of two, then the meaning. */
static void row(struct outbuf *ob, const struct pkt *pkt, uint32_t off, uint32_t n, const char *fmt,
		...) __attribute__((format(printf, 5, 6)));
static void row(struct outbuf *ob, const struct pkt *pkt, uint32_t off, uint32_t n, const char *fmt, ...)
{
	struct cursor c = cur_make(pkt->data, pkt->caplen);
	size_t line = ob->len;
	char text[OUTBUF_PIECE];
	va_list ap;

	OB_LIT(ob, "  ");
	if (cur_skip(&c, off) < 0)
		c.len = 0;
	for (uint32_t i = 0; i < n; i++) {
		uint8_t b;
		if (rd_u8(&c, &b) < 0) {
			OB_LIT(ob, "..");
			break;
		}
		if (i && i % 2 == 0) ob_chr(ob, ' ');
		if (i >= 24 && i + 1 < n) {
			OB_LIT(ob, "...");
			cur_skip(&c, n - i - 2 <= c.len ? n - i - 2 : c.len);
			i = n - 2;
			continue;
		}
		dec_ob_hexraw(ob, b, 2);
	}
	dec_ob_pad(ob, line, 30);
	OB_LIT(ob, " \xe2\x80\x94 ");
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	ob_str(ob, text);
	ob_chr(ob, '\n');
}

static void section(struct outbuf *ob, const char *name, uint32_t off, uint32_t n)
{
	dec_ob_printf(ob, "%s (bytes %u-%u)\n", name, off, off + n - 1);
}

static const char *cks_words(enum cks_status st, uint16_t calc, char *buf, size_t len)
{
	switch (st) {
	case CKS_GOOD: return "correct";
	case CKS_BAD: snprintf(buf, len, "incorrect -> 0x%04x", calc); return buf;
	case CKS_PARTIAL: return "partial: only the pseudo-header sum, left for checksum offload";
	case CKS_NONE: return "none";
	default: return "unverified";
	}
}

static void tcp_flag_words(uint16_t flags, char *fl, size_t len)
{
	size_t fn = 0;

	fl[0] = 0;
	for (size_t i = 0; i < pkt_tcp_flag_count && fn < len; i++)
		if (flags & pkt_tcp_flag_names[i].bit)
			fn += (size_t)snprintf(fl + fn, len - fn, "%s%s", fn ? " " : "",
					       pkt_tcp_flag_names[i].name);
	if (!fn)
		snprintf(fl, len, "none");
}

static void explain_tcp(struct outbuf *ob, const struct pkt *pkt, const struct tcp_hdr *t,
			bool quoted)
{
	uint32_t o = t->off;
	char fl[64], cb[80];

	if (t->partial) {
		/* only the rows whose bytes were there */
		section(ob, quoted ? "TCP header, quoted, cut short" : "TCP header, cut short", o,
			t->have ? t->have : 1);
		if (t->have >= 4)
			row(ob, pkt, o, 4, "source port %u, destination port %u", t->sport, t->dport);
		if (t->have >= 8)
			row(ob, pkt, o + 4, 4, "sequence number %u", t->seq);
		if (t->have >= 12)
			row(ob, pkt, o + 8, 4, "acknowledgement number %u", t->ack);
		if (t->have >= 14) {
			tcp_flag_words(t->flags, fl, sizeof(fl));
			row(ob, pkt, o + 12, 2, "flags %s", fl);
		}
		if (t->have >= 16)
			row(ob, pkt, o + 14, 2, "window size %u", t->win);
		return;
	}
	tcp_flag_words(t->flags, fl, sizeof(fl));
	section(ob, quoted ? "TCP header, quoted" : "TCP header", o, t->hlen);
	row(ob, pkt, o, 4, "source port %u, destination port %u", t->sport, t->dport);
	row(ob, pkt, o + 4, 4, "%s %u", t->flags & TCP_SYN ? "initial sequence number" : "sequence number", t->seq);
	row(ob, pkt, o + 8, 4, "acknowledgement number %u%s", t->ack,
	    t->flags & TCP_ACK ? "" : " (ACK not set)");
	row(ob, pkt, o + 12, 2, "header length %u bytes, flags %s", t->hlen, fl);
	row(ob, pkt, o + 14, 2, "window size %u%s", t->win, t->flags & TCP_SYN ? " (not scaled in SYN)" : " (times the scale factor)");
	row(ob, pkt, o + 16, 4, "checksum 0x%04x (%s), urgent pointer %u%s", t->cksum,
	    cks_words(t->cks, t->cksum_calc, cb, sizeof(cb)), t->urg, t->flags & TCP_URG ? "" : " (URG not set)");
	for (int i = 0; i < t->nopts; i++) {
		const struct tcp_opt *op = &t->opts[i];
		switch (op->kind) {
		case 0: row(ob, pkt, op->off, 1, "end of options (EOL)"); break;
		case 1: row(ob, pkt, op->off, 1, "no operation (NOP)"); break;
		case 2: row(ob, pkt, op->off, op->len, "maximum segment size (MSS) %u bytes", op->mss); break;
		case 3: row(ob, pkt, op->off, op->len, "window scale, shift %u (factor %u)", op->wscale,
			    1u << (op->wscale > 14 ? 14 : op->wscale)); break;
		case 4: row(ob, pkt, op->off, op->len, "selective ACK permitted (SACK permitted)"); break;
		case 5: {
			char sb[OUTBUF_PIECE / 2];
			size_t sn = 0;
			for (int j = 0; j < op->nsack && sn < sizeof(sb); j++)
				sn += (size_t)snprintf(sb + sn, sizeof(sb) - sn, " %u-%u", op->sack[j][0], op->sack[j][1]);
			row(ob, pkt, op->off, op->len, "selective ACK, %u block(s):%s", op->nsack, op->nsack ? sb : "");
			break;
		}
		case 8: row(ob, pkt, op->off, op->len, "timestamps TSval %u, TSecr %u", op->ts_val, op->ts_ecr); break;
		default: row(ob, pkt, op->off, op->len, "option kind %u, length %u", op->kind, op->len);
		}
	}
}

static void explain_net(struct outbuf *ob, const struct pkt *pkt, const struct pkt_net *net, bool quoted)
{
	const struct ip_hdr *ip = &net->ip;
	char cb[80], a[64], b[64];

	if (net->kind == NET_IP4 && ip->hlen) {
		uint32_t o = ip->off;
		snprintf(a, sizeof(a), "%u.%u.%u.%u", ip->src[0], ip->src[1], ip->src[2], ip->src[3]);
		snprintf(b, sizeof(b), "%u.%u.%u.%u", ip->dst[0], ip->dst[1], ip->dst[2], ip->dst[3]);
		section(ob, quoted ? "IPv4 header, quoted" : "IPv4 header", o, ip->hlen);
		row(ob, pkt, o, 2, "version 4, header length %u bytes, TOS 0x%02x", ip->hlen, ip->tos);
		if (ip->len_from == IPLEN_FRAME)
			row(ob, pkt, o + 2, 2, "total length 0: %u bytes from the frame (TSO)", ip->len);
		else
			row(ob, pkt, o + 2, 2, "total length %u bytes", ip->len);
		row(ob, pkt, o + 4, 2, "identification %u", ip->id);
		row(ob, pkt, o + 6, 2, "flags%s%s%s, fragment offset %u bytes", ip->rf ? " reserved" : "",
		    ip->df ? " DF (don't fragment)" : "", ip->mf ? " MF (more fragments)" : (!ip->df && !ip->rf ? " none" : ""), ip->frag_off);
		const char *pn = pkt_name_ipproto(ip->proto);
		row(ob, pkt, o + 8, 2, "TTL %u, protocol %u (%s)", ip->ttl, ip->proto, pn ? pn : "unknown");
		row(ob, pkt, o + 10, 2, "header checksum 0x%04x (%s)", ip->cksum, cks_words(ip->cks, ip->cksum_calc, cb, sizeof(cb)));
		row(ob, pkt, o + 12, 4, "source address %s", a);
		row(ob, pkt, o + 16, 4, "destination address %s", b);
		for (int i = 0; i < ip->nopts; i++) {
			const char *n = pkt_name_ipopt(ip->opts[i].type);
			row(ob, pkt, ip->opts[i].off, ip->opts[i].len, "option %u (%s), length %u", ip->opts[i].type,
			    n ? n : "unknown", ip->opts[i].len);
		}
	} else if (net->kind == NET_IP6 && ip->hlen) {
		uint32_t o = ip->off;
		struct outbuf ta = { a, 0, sizeof(a) - 1, NULL, false, false };
		struct outbuf tb = { b, 0, sizeof(b) - 1, NULL, false, false };
		dec_ob_ip6(&ta, ip->src);
		dec_ob_ip6(&tb, ip->dst);
		a[ta.len] = 0;
		b[tb.len] = 0;
		section(ob, quoted ? "IPv6 header, quoted" : "IPv6 header", o, ip->hlen);
		row(ob, pkt, o, 4, "version 6, traffic class 0x%02x, flow label 0x%05x", ip->tos, ip->flowlabel);
		const char *pn = pkt_name_ipproto(ip->next6);
		if (ip->len_from == IPLEN_HEADER)
			snprintf(cb, sizeof(cb), "%u", ip->len - 40u);
		else
			snprintf(cb, sizeof(cb), "0: %u bytes from the %s", ip->len - 40u,
				 ip->len_from == IPLEN_JUMBO ? "jumbo option" : "frame (BIG TCP)");
		row(ob, pkt, o + 4, 4, "payload length %s, next header %u (%s), hop limit %u", cb,
		    ip->next6, pn ? pn : "unknown", ip->ttl);
		row(ob, pkt, o + 8, 16, "source address %s", a);
		row(ob, pkt, o + 24, 16, "destination address %s", b);
		bool said = false;
		for (int i = 0; i < ip->next_ext; i++) {
			const struct ip6_ext *e = &ip->ext[i];
			const char *n = pkt_name_ip6ext(e->type);
			if (e->type != 43) {
				row(ob, pkt, e->off, e->len, "extension header %u (%s), %u bytes", e->type,
				    n ? n : "?", e->len);
				continue;
			}
			/* RFC 8200 8.1: the checksums cover the final destination */
			char fd[128] = "";
			if (ip->routed && e->rt_left && !said) {
				said = true;
				struct outbuf tf = { a, 0, sizeof(a) - 1, NULL, false, false };
				dec_ob_ip6(&tf, ip->final_dst);
				a[tf.len] = 0;
				snprintf(fd, sizeof(fd), ", final destination %s (the checksums cover it)", a);
			}
			row(ob, pkt, e->off, e->len,
			    "extension header 43 (%s), %u bytes, routing type %u, %u segment%s left%s", n,
			    e->len, e->rt_type, e->rt_left, e->rt_left == 1 ? "" : "s", fd);
		}
	} else if (net->kind == NET_ARP) {
		const struct arp_hdr *r = &net->arp;
		uint32_t o = pkt->link.hlen;
		const char *on = pkt_name_arpop(r->op);
		section(ob, "ARP", o, 8u + 2u * r->hlen + 2u * r->plen);
		row(ob, pkt, o, 4, "hardware type %u, protocol type 0x%04x", r->htype, r->ptype);
		row(ob, pkt, o + 4, 4, "address lengths %u and %u, operation %u (%s)", r->hlen, r->plen, r->op, on ? on : "?");
		row(ob, pkt, o + 8, 2u * r->hlen + 2u * r->plen, "sender and target addresses");
	}
	switch (net->l4) {
	case L4_TCP: explain_tcp(ob, pkt, &net->tcp, quoted); break;
	case L4_UDP: {
		const struct udp_hdr *u = &net->udp;
		if (u->partial) {
			/* only the rows whose bytes were there */
			section(ob, quoted ? "UDP header, quoted, cut short" : "UDP header, cut short",
				u->off, u->have ? u->have : 1);
			if (u->have >= 4)
				row(ob, pkt, u->off, 4, "source port %u, destination port %u", u->sport,
				    u->dport);
			if (u->have >= 6)
				row(ob, pkt, u->off + 4, 2, "length %u", u->len);
			break;
		}
		section(ob, quoted ? "UDP header, quoted" : "UDP header", u->off, 8);
		row(ob, pkt, u->off, 4, "source port %u, destination port %u", u->sport, u->dport);
		if (quoted)
			row(ob, pkt, u->off + 4, 4, "length %u, checksum 0x%04x", u->len, u->cksum);
		else
			row(ob, pkt, u->off + 4, 4, "length %u, checksum 0x%04x (%s)", u->len, u->cksum,
			    cks_words(u->cks, u->cksum_calc, cb, sizeof(cb)));
		break;
	}
	case L4_ICMP: {
		const struct icmp_hdr *ic = &net->icmp;
		const char *n = ic->v6 ? pkt_name_icmp6(ic->type) : pkt_name_icmp(ic->type);
		if (ic->partial)
			section(ob, ic->v6 ? "ICMPv6 header, cut short" : "ICMP header, cut short", ic->off,
				ic->have ? ic->have : 1);
		else
			section(ob, ic->v6 ? "ICMPv6 header" : "ICMP header", ic->off, quoted ? 4 : 8);
		if (ic->have >= 2)
			row(ob, pkt, ic->off, 2, "type %u (%s), code %u", ic->type, n ? n : "unknown",
			    ic->code);
		if (ic->have >= 4)
			row(ob, pkt, ic->off + 2, 2, "checksum 0x%04x (%s)", ic->cksum,
			    quoted ? "quoted" : cks_words(ic->cks, ic->cksum_calc, cb, sizeof(cb)));
		if (!quoted && !ic->partial)
			row(ob, pkt, ic->off + 4, 4, ic->id || ic->seq ? "identifier %u, sequence %u" : "rest of header (%u, %u)",
			    ic->rest >> 16, ic->rest & 0xffff);
		if (!quoted && pkt->has_quoted && pkt->quoted.kind != NET_NONE)
			explain_net(ob, pkt, &pkt->quoted, true);
		break;
	}
	default: break;
	}
	bool cut = (net->l4 == L4_TCP && net->tcp.partial) || (net->l4 == L4_UDP && net->udp.partial);
	if (!quoted && net->payload_caplen && net->l4 != L4_ICMP && !cut)
		dec_ob_printf(ob, "payload (bytes %u-%u): %u bytes captured\n", net->payload_off,
			  net->payload_off + net->payload_caplen - 1, net->payload_caplen);
}

void dec_render_explain(struct outbuf *ob, const struct pkt *pkt)
{
	const struct link_hdr *l = &pkt->link;

	if (l->type == LINK_ETHERNET && l->hlen >= 14) {
		section(ob, "Ethernet header", 0, l->hlen);
		row(ob, pkt, 0, 6, "destination MAC %02x:%02x:%02x:%02x:%02x:%02x", l->dst[0], l->dst[1], l->dst[2], l->dst[3], l->dst[4], l->dst[5]);
		row(ob, pkt, 6, 6, "source MAC %02x:%02x:%02x:%02x:%02x:%02x", l->src[0], l->src[1], l->src[2], l->src[3], l->src[4], l->src[5]);
		for (int i = 0; i < l->nvlan; i++)
			row(ob, pkt, 12u + 4u * (uint32_t)i, 4, "VLAN tag, id %u, priority %u", l->vlan_tci[i] & 0xfff, l->vlan_tci[i] >> 13);
		row(ob, pkt, 12u + 4u * l->nvlan, 2, "ethertype 0x%04x", l->ethertype);
	} else if (l->hlen) {
		section(ob, "Link header", 0, l->hlen);
		row(ob, pkt, 0, l->hlen, "link type %s, protocol 0x%04x",
		    l->type == LINK_SLL ? "Linux cooked" : l->type == LINK_SLL2 ? "Linux cooked v2" : "loopback", l->ethertype);
	}
	if (l->type == LINK_UNKNOWN && pkt->caplen)
		dec_ob_printf(ob, "frame (bytes 0-%u): %u bytes captured, link type not decoded\n",
			  pkt->caplen - 1, pkt->caplen);
	explain_net(ob, pkt, &pkt->net, false);
	if (pkt->err.kind != PERR_NONE)
		dec_ob_printf(ob, "%s %s at byte %u%s%s\n", pkt->err.kind == PERR_TRUNCATED ? "truncated" : "malformed",
			  pkt->err.what, pkt->err.off, pkt->err.why ? ": " : "", pkt->err.why ? pkt->err.why : "");
	ob_chr(ob, '\n');
}
