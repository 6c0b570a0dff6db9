/* The default output: one line per packet in the spirit of tcpdump -nnvv. */
#include "decode/render.h"

#include <time.h>

#include "pkt/names.h"

/* Local time of day without a localtime() call per packet: zone offsets
 * change only on quarter-hour boundaries, so the local time at the start of
 * a 15-minute block is cached and the rest added. */
static struct {
	int64_t block;
	int64_t sod;     /* local seconds of day at the block start */
	bool valid, utc;
} tcache;

void dec_render_time(struct outbuf *ob, struct pkt_time ts, bool utc)
{
	int64_t block = ts.sec - (((ts.sec % 900) + 900) % 900);

	if (!tcache.valid || tcache.block != block || tcache.utc != utc) {
		struct tm tm;
		time_t t = (time_t)block;
		if (utc ? !gmtime_r(&t, &tm) : !localtime_r(&t, &tm))
			gmtime_r(&t, &tm);
		tcache.block = block;
		tcache.sod = tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
		tcache.valid = true;
		tcache.utc = utc;
	}
	int64_t sod = (tcache.sod + (ts.sec - block)) % 86400;
	char *d = ob_room(ob, 16);
	int h = (int)(sod / 3600), m = (int)(sod / 60 % 60), s = (int)(sod % 60);
	uint32_t us = ts.usec % 1000000;
	d[0] = (char)('0' + h / 10); d[1] = (char)('0' + h % 10); d[2] = ':';
	d[3] = (char)('0' + m / 10); d[4] = (char)('0' + m % 10); d[5] = ':';
	d[6] = (char)('0' + s / 10); d[7] = (char)('0' + s % 10); d[8] = '.';
	for (int i = 14; i >= 9; i--) {
		d[i] = (char)('0' + us % 10);
		us /= 10;
	}
	ob->len += 15;
}

const char *dec_cks_status_name(enum cks_status s)
{
	static const char *const names[] = { "unverified", "good", "bad", "partial", "none" };
	return names[s];
}

void dec_render_addr(struct outbuf *ob, const struct ip_hdr *ip, const uint8_t *a)
{
	if (ip->version == 6)
		dec_ob_ip6(ob, a);
	else
		dec_ob_ip4(ob, a);
}

static void text_cksum(struct outbuf *ob, uint16_t field, enum cks_status st, uint16_t calc)
{
	OB_LIT(ob, "cksum ");
	dec_ob_hex(ob, field, 4);
	switch (st) {
	case CKS_GOOD: OB_LIT(ob, " (correct)"); break;
	case CKS_BAD: OB_LIT(ob, " (incorrect -> "); dec_ob_hex(ob, calc, 4); ob_chr(ob, ')'); break;
	case CKS_PARTIAL: OB_LIT(ob, " partial (offloaded)"); break;
	case CKS_NONE: OB_LIT(ob, " (none)"); break;
	case CKS_UNVERIFIED: OB_LIT(ob, " (unverified)"); break;
	}
}

static void text_proto(struct outbuf *ob, uint8_t p)
{
	const char *n = pkt_name_ipproto(p);
	if (n) {
		ob_str(ob, n);
		OB_LIT_U32(ob, " (", p);
		ob_chr(ob, ')');
	} else {
		OB_LIT_U32(ob, "unknown (", p);
		ob_chr(ob, ')');
	}
}

static void text_ip4(struct outbuf *ob, const struct pkt *pkt, const struct ip_hdr *ip)
{
	OB_LIT(ob, "IP (tos ");
	dec_ob_hex(ob, ip->tos, ip->tos < 16 ? 1 : 2);
	OB_LIT_U32(ob, ", ttl ", ip->ttl);
	OB_LIT_U32(ob, ", id ", ip->id);
	OB_LIT_U32(ob, ", offset ", ip->frag_off);
	OB_LIT(ob, ", flags [");
	if (ip->rf) OB_LIT(ob, "rsvd");
	if (ip->df) OB_LIT(ob, "DF");
	if (ip->mf) ob_chr(ob, '+');
	if (!ip->rf && !ip->df && !ip->mf) OB_LIT(ob, "none");
	OB_LIT(ob, "], proto ");
	text_proto(ob, ip->proto);
	OB_LIT_U32(ob, ", length ", ip->len);
	if (ip->len_from == IPLEN_FRAME)
		OB_LIT(ob, " [was 0, presumed TSO]");
	OB_LIT(ob, ", ");
	text_cksum(ob, ip->cksum, ip->cks, ip->cksum_calc);
	if (ip->nopts) {
		OB_LIT(ob, ", options (");
		for (int i = 0; i < ip->nopts; i++) {
			const char *n = pkt_name_ipopt(ip->opts[i].type);
			if (i) OB_LIT(ob, ",");
			if (n) ob_str(ob, n);
			else { OB_LIT(ob, "opt-"); ob_u32(ob, ip->opts[i].type); }
			if (ip->opts[i].type > 1) {
				OB_LIT_U32(ob, " len ", ip->opts[i].len);
			}
		}
		ob_chr(ob, ')');
	}
	ob_chr(ob, ')');
	(void)pkt;
}

static void text_ip6(struct outbuf *ob, const struct ip_hdr *ip)
{
	OB_LIT(ob, "IP6 (");
	if (ip->tos) {
		OB_LIT(ob, "class ");
		dec_ob_hex(ob, ip->tos, 2);
		OB_LIT(ob, ", ");
	}
	if (ip->flowlabel) {
		OB_LIT(ob, "flowlabel ");
		dec_ob_hex(ob, ip->flowlabel, 5);
		OB_LIT(ob, ", ");
	}
	OB_LIT_U32(ob, "hlim ", ip->ttl);
	OB_LIT(ob, ", next-header ");
	text_proto(ob, ip->next6);
	OB_LIT(ob, ", payload length ");
	if (ip->len_from == IPLEN_HEADER) {
		ob_u32(ob, ip->len - 40u);
	} else {
		/* tcpdump's words; the field itself said 0 */
		OB_LIT_U32(ob, "0 [real length ", ip->len);
		if (ip->len_from == IPLEN_JUMBO) OB_LIT(ob, ", jumbogram]");
		else OB_LIT(ob, ", presumed BIG TCP]");
	}
	if (ip->next_ext) {
		OB_LIT(ob, ", ext [");
		for (int i = 0; i < ip->next_ext; i++) {
			const char *n = pkt_name_ip6ext(ip->ext[i].type);
			if (i) ob_chr(ob, ',');
			if (n) ob_str(ob, n); else ob_u32(ob, ip->ext[i].type);
			if (ip->ext[i].type == 44) {
				OB_LIT(ob, " id ");
				dec_ob_hex(ob, ip->frag6_id, 8);
				OB_LIT_U32(ob, " offset ", ip->frag_off);
				if (ip->mf) ob_chr(ob, '+');
			}
		}
		OB_LIT(ob, "], proto ");
		text_proto(ob, ip->proto);
	}
	ob_chr(ob, ')');
}

static void text_endpoint(struct outbuf *ob, const struct ip_hdr *ip, const uint8_t *a, uint16_t port,
			  bool with_port)
{
	dec_render_addr(ob, ip, a);
	if (with_port) {
		ob_chr(ob, '.');
		ob_u32(ob, port);
	}
}

static void text_tcp_opts(struct outbuf *ob, const struct tcp_hdr *t)
{
	OB_LIT(ob, ", options [");
	for (int i = 0; i < t->nopts; i++) {
		const struct tcp_opt *o = &t->opts[i];
		if (i) ob_chr(ob, ',');
		switch (o->kind) {
		case 0: OB_LIT(ob, "eol"); break;
		case 1: OB_LIT(ob, "nop"); break;
		case 2: OB_LIT(ob, "mss "); ob_u32(ob, o->mss); break;
		case 3: OB_LIT(ob, "wscale "); ob_u32(ob, o->wscale); break;
		case 4: OB_LIT(ob, "sackOK"); break;
		case 5:
			OB_LIT_U32(ob, "sack ", o->nsack);
			for (int j = 0; j < o->nsack; j++) {
				OB_LIT_U32(ob, " {", o->sack[j][0]);
				ob_chr(ob, ':');
				ob_u32(ob, o->sack[j][1]);
				ob_chr(ob, '}');
			}
			break;
		case 8:
			OB_LIT_U32(ob, "TS val ", o->ts_val);
			OB_LIT_U32(ob, " ecr ", o->ts_ecr);
			break;
		default: {
			const char *n = pkt_name_tcpopt(o->kind);
			if (n) ob_str(ob, n);
			else { OB_LIT(ob, "unknown-"); ob_u32(ob, o->kind); }
			OB_LIT_U32(ob, " len ", o->len);
		}
		}
	}
	ob_chr(ob, ']');
}

static void text_tcp_flags(struct outbuf *ob, uint16_t flags)
{
	OB_LIT(ob, "Flags [");
	bool any = false;
	for (size_t i = 0; i < pkt_tcp_flag_count; i++)
		if (flags & pkt_tcp_flag_names[i].bit) {
			ob_chr(ob, pkt_tcp_flag_names[i].letter);
			any = true;
		}
	if (!any) OB_LIT(ob, "none");
	ob_chr(ob, ']');
}

/* A header cut short: the fields that were there, then tcpdump's [|tcp]. */
static void text_tcp_partial(struct outbuf *ob, const struct tcp_hdr *t)
{
	if (t->have >= 14) {
		text_tcp_flags(ob, t->flags);
		OB_LIT(ob, ", ");
	}
	if (t->have >= 8) {
		OB_LIT_U32(ob, "seq ", t->seq);
		if (t->have >= 14 && (t->flags & TCP_ACK)) {
			OB_LIT_U32(ob, ", ack ", t->ack);
		}
		if (t->have >= 16) {
			OB_LIT_U32(ob, ", win ", t->win);
		}
		ob_chr(ob, ' ');
	}
	OB_LIT(ob, "[|tcp]");
}

static void text_tcp(struct outbuf *ob, const struct tcp_hdr *t, const struct flow_annot *an,
		     const struct render_opts *ro)
{
	if (t->partial) {
		text_tcp_partial(ob, t);
		return;
	}
	text_tcp_flags(ob, t->flags);
	OB_LIT(ob, ", ");
	text_cksum(ob, t->cksum, t->cks, t->cksum_calc);
	bool rel = ro->relative && an && an->valid;
	if (t->payload_len || (t->flags & (TCP_SYN | TCP_FIN | TCP_RST))) {
		uint32_t s = rel ? an->rel_seq : t->seq;
		OB_LIT_U32(ob, ", seq ", s);
		if (t->payload_len) {
			ob_chr(ob, ':');
			ob_u32(ob, s + t->payload_len);
		}
	}
	if (t->flags & TCP_ACK) {
		OB_LIT_U32(ob, ", ack ", rel && an->rel_ack_valid ? an->rel_ack : t->ack);
	}
	OB_LIT_U32(ob, ", win ", t->win);
	if (an && an->valid && an->scaled) {
		OB_LIT_U32(ob, " (scaled ", an->win_scaled);
		ob_chr(ob, ')');
	}
	if (t->urg || (t->flags & TCP_URG)) {
		OB_LIT_U32(ob, ", urg ", t->urg);
	}
	if (t->nopts)
		text_tcp_opts(ob, t);
	OB_LIT_U32(ob, ", length ", t->payload_len);
}

static void text_icmp(struct outbuf *ob, const struct pkt *pkt, const struct pkt_net *net,
		      const struct render_opts *ro);

static void text_net(struct outbuf *ob, const struct pkt *pkt, const struct pkt_net *net,
		     const struct flow_annot *an, const struct render_opts *ro)
{
	const struct ip_hdr *ip = &net->ip;

	switch (net->kind) {
	case NET_IP4: text_ip4(ob, pkt, ip); break;
	case NET_IP6: text_ip6(ob, ip); break;
	case NET_ARP: {
		const struct arp_hdr *a = &net->arp;
		const char *op = pkt_name_arpop(a->op);
		OB_LIT(ob, "ARP, ");
		if (op) ob_str(ob, op); else { OB_LIT(ob, "op "); ob_u32(ob, a->op); }
		if (a->ptype == 0x0800 && a->plen == 4) {
			if (a->op == 1) {
				OB_LIT(ob, " who-has ");
				dec_ob_ip4(ob, a->tpa);
				OB_LIT(ob, " tell ");
				dec_ob_ip4(ob, a->spa);
			} else if (a->op == 2) {
				ob_chr(ob, ' ');
				dec_ob_ip4(ob, a->spa);
				OB_LIT(ob, " is-at ");
				dec_ob_mac(ob, a->sha, a->hlen);
			}
		}
		OB_LIT_U32(ob, ", length ", pkt->len - pkt->link.hlen);
		return;
	}
	case NET_OTHER: {
		const char *n = pkt_name_ethertype(pkt->link.ethertype);
		OB_LIT(ob, "ethertype ");
		dec_ob_hex(ob, pkt->link.ethertype, 4);
		if (n) { OB_LIT(ob, " ("); ob_str(ob, n); ob_chr(ob, ')'); }
		if (pkt->link.llc && !pkt->link.ethertype) OB_LIT(ob, " (802.3 LLC)");
		OB_LIT_U32(ob, ", length ", pkt->len);
		return;
	}
	case NET_NONE: return;
	}
	if (pkt->err.kind != PERR_NONE && net->l4 == L4_NONE && ip->hlen == 0)
		return;
	bool ports = (net->l4 == L4_TCP && net->tcp.have >= 4) ||
		     (net->l4 == L4_UDP && net->udp.have >= 4);
	uint16_t sp = net->l4 == L4_TCP ? net->tcp.sport : net->udp.sport;
	uint16_t dp = net->l4 == L4_TCP ? net->tcp.dport : net->udp.dport;
	ob_chr(ob, ' ');
	text_endpoint(ob, ip, ip->src, sp, ports);
	OB_LIT(ob, " > ");
	text_endpoint(ob, ip, ip->dst, dp, ports);
	OB_LIT(ob, ": ");
	switch (net->l4) {
	case L4_TCP: text_tcp(ob, &net->tcp, an, ro); break;
	case L4_UDP:
		if (net->udp.partial) {
			OB_LIT(ob, "[|udp]");
			break;
		}
		OB_LIT(ob, "UDP, ");
		if (&pkt->net == net) {
			text_cksum(ob, net->udp.cksum, net->udp.cks, net->udp.cksum_calc);
			OB_LIT(ob, ", ");
		}
		OB_LIT_U32(ob, "length ", net->udp.payload_len);
		break;
	case L4_ICMP: text_icmp(ob, pkt, net, ro); break;
	case L4_OTHER:
		if (ip->later_fragment) OB_LIT(ob, "fragment");
		else { OB_LIT(ob, "ip-proto-"); ob_u32(ob, ip->proto); }
		ob_chr(ob, ' ');
		ob_u32(ob, ip->plen);
		break;
	case L4_NONE: break;
	}
}

static void text_icmp(struct outbuf *ob, const struct pkt *pkt, const struct pkt_net *net,
		      const struct render_opts *ro)
{
	const struct icmp_hdr *ic = &net->icmp;
	const char *n = ic->v6 ? pkt_name_icmp6(ic->type) : pkt_name_icmp(ic->type);
	bool outer = &pkt->net == net;

	if (ic->partial && ic->have < 2) {
		ob_str(ob, ic->v6 ? "[|icmp6]" : "[|icmp]");
		return;
	}
	ob_str(ob, ic->v6 ? "ICMP6 " : "ICMP ");
	if (n) ob_str(ob, n);
	else { OB_LIT(ob, "type "); ob_u32(ob, ic->type); }
	if (ic->quotes || (!ic->v6 && ic->type == 3)) {
		const char *cn = ic->v6 ? (ic->type == 1 ? pkt_name_icmp6_unreach(ic->code) : NULL)
					: (ic->type == 3 ? pkt_name_icmp_unreach(ic->code) : NULL);
		if (cn) { OB_LIT(ob, " ("); ob_str(ob, cn); ob_chr(ob, ')'); }
		else { OB_LIT(ob, " code "); ob_u32(ob, ic->code); }
	}
	if (!outer)
		return;
	if (ic->partial) {
		ob_str(ob, ic->v6 ? " [|icmp6]" : " [|icmp]");
		return;
	}
	if ((!ic->v6 && (ic->type == 0 || ic->type == 8)) || (ic->v6 && (ic->type == 128 || ic->type == 129))) {
		OB_LIT_U32(ob, ", id ", ic->id);
		OB_LIT_U32(ob, ", seq ", ic->seq);
	}
	if (ic->v6 && ic->type == 2) {
		OB_LIT_U32(ob, ", mtu ", ic->rest);
	}
	OB_LIT(ob, ", ");
	text_cksum(ob, ic->cksum, ic->cks, ic->cksum_calc);
	OB_LIT_U32(ob, ", length ", ic->len);
	if (pkt->has_quoted && pkt->quoted.kind != NET_NONE) {
		OB_LIT(ob, " [quoted: ");
		text_net(ob, pkt, &pkt->quoted, NULL, ro);
		ob_chr(ob, ']');
	}
}

static void text_link(struct outbuf *ob, const struct pkt *pkt)
{
	const struct link_hdr *l = &pkt->link;
	switch (l->type) {
	case LINK_ETHERNET:
		dec_ob_mac(ob, l->src, 6);
		OB_LIT(ob, " > ");
		dec_ob_mac(ob, l->dst, 6);
		for (int i = 0; i < l->nvlan; i++) {
			OB_LIT_U32(ob, ", vlan ", l->vlan_tci[i] & 0xfff);
			OB_LIT_U32(ob, " p ", l->vlan_tci[i] >> 13);
		}
		OB_LIT(ob, ", ");
		break;
	case LINK_SLL:
	case LINK_SLL2: {
		const char *pt = pkt_name_sll_pkttype(l->sll_pkttype);
		ob_str(ob, pt ? pt : "?");
		ob_chr(ob, ' ');
		dec_ob_mac(ob, l->src, l->addrlen);
		OB_LIT(ob, ", ");
		break;
	}
	case LINK_NULL:
	case LINK_LOOP:
		OB_LIT_U32(ob, "AF ", l->family);
		OB_LIT(ob, ", ");
		break;
	default: break;
	}
}

/* A transport header cut short already ends its line with [|tcp]. */
static bool text_marked_trunc(const struct pkt *pkt)
{
	const struct pkt_net *n = &pkt->net;

	if (pkt->err.kind != PERR_TRUNCATED || pkt->link.type == LINK_UNKNOWN ||
	    (n->kind != NET_IP4 && n->kind != NET_IP6))
		return false;
	return (n->l4 == L4_TCP && n->tcp.partial) || (n->l4 == L4_UDP && n->udp.partial) ||
	       (n->l4 == L4_ICMP && n->icmp.partial);
}

void dec_render_text(struct outbuf *ob, const struct pkt *pkt, struct pkt_time ts,
		 const struct flow_annot *an, const struct render_opts *ro)
{
	dec_render_time(ob, ts, ro->utc);
	ob_chr(ob, ' ');
	if (ro->link)
		text_link(ob, pkt);
	if (pkt->link.type == LINK_UNKNOWN) {
		/* Said once per capture (session.c); here the frame is only named. */
		if (ro->dlt_name) {
			ob_str(ob, ro->dlt_name);
		} else {
			OB_LIT_U32(ob, "DLT ", (uint32_t)ro->dlt);
		}
		OB_LIT_U32(ob, ", length ", pkt->len);
	} else {
		text_net(ob, pkt, &pkt->net, an, ro);
	}
	if (pkt->err.kind != PERR_NONE && !text_marked_trunc(pkt)) {
		ob_str(ob, pkt->err.kind == PERR_TRUNCATED ? " [truncated " : " [malformed ");
		ob_str(ob, pkt->err.what);
		OB_LIT_U32(ob, " at byte ", pkt->err.off);
		if (pkt->err.why) {
			OB_LIT(ob, ": ");
			ob_str(ob, pkt->err.why);
		}
		ob_chr(ob, ']');
	}
	ob_chr(ob, '\n');
}
