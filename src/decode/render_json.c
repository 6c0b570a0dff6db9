/* --json: one object per packet (JSON Lines). Written straight into the
 * output buffer: keys are constants, values numbers, addresses and names
 * from our tables, and the one free-text field goes through dec_ob_json_str. */
#include "decode/render.h"

#include "pkt/names.h"

#define K(ob, lit) OB_LIT(ob, "\"" lit "\":")

static void j_bool(struct outbuf *ob, bool b)
{
	if (b) OB_LIT(ob, "true");
	else OB_LIT(ob, "false");
}

static void j_cks(struct outbuf *ob, uint16_t field, enum cks_status st, uint16_t calc)
{
	K(ob, "checksum");
	ob_u32(ob, field);
	OB_LIT(ob, ",\"checksum_ok\":");
	if (st == CKS_GOOD) OB_LIT(ob, "true");
	else if (st == CKS_BAD) OB_LIT(ob, "false");
	else OB_LIT(ob, "null");
	OB_LIT(ob, ",\"checksum_status\":\"");
	ob_str(ob, dec_cks_status_name(st));
	ob_chr(ob, '"');
	if (st == CKS_BAD) {
		OB_LIT_U32(ob, ",\"checksum_expected\":", calc);
	}
}

static void j_addr(struct outbuf *ob, const struct ip_hdr *ip, const uint8_t *a)
{
	ob_chr(ob, '"');
	dec_render_addr(ob, ip, a);
	ob_chr(ob, '"');
}

static void j_ip(struct outbuf *ob, const struct ip_hdr *ip)
{
	OB_LIT_U32(ob, "\"ip\":{\"version\":", ip->version);
	OB_LIT(ob, ",\"src\":");
	j_addr(ob, ip, ip->src);
	OB_LIT(ob, ",\"dst\":");
	j_addr(ob, ip, ip->dst);
	if (ip->version == 4) {
		OB_LIT_U32(ob, ",\"ttl\":", ip->ttl);
		OB_LIT_U32(ob, ",\"tos\":", ip->tos);
		OB_LIT_U32(ob, ",\"hlen\":", ip->hlen);
	} else {
		OB_LIT_U32(ob, ",\"hlim\":", ip->ttl);
		OB_LIT_U32(ob, ",\"tclass\":", ip->tos);
		OB_LIT_U32(ob, ",\"flowlabel\":", ip->flowlabel);
	}
	OB_LIT_U32(ob, ",\"proto\":", ip->proto);
	OB_LIT_U32(ob, ",\"id\":", ip->version == 6 ? ip->frag6_id : ip->id);
	OB_LIT_U32(ob, ",\"len\":", ip->len);
	if (ip->len_from == IPLEN_FRAME)
		OB_LIT(ob, ",\"len_from\":\"frame\"");
	else if (ip->len_from == IPLEN_JUMBO)
		OB_LIT(ob, ",\"len_from\":\"jumbo\"");
	if (ip->routed) {
		OB_LIT(ob, ",\"final_dst\":");
		j_addr(ob, ip, ip->final_dst);
	}
	OB_LIT(ob, ",\"df\":");
	j_bool(ob, ip->df);
	OB_LIT(ob, ",\"mf\":");
	j_bool(ob, ip->mf);
	OB_LIT_U32(ob, ",\"frag_offset\":", ip->frag_off);
	if (ip->version == 4) {
		ob_chr(ob, ',');
		j_cks(ob, ip->cksum, ip->cks, ip->cksum_calc);
		if (ip->nopts) {
			OB_LIT(ob, ",\"options\":[");
			for (int i = 0; i < ip->nopts; i++) {
				const char *n = pkt_name_ipopt(ip->opts[i].type);
				if (i) ob_chr(ob, ',');
				OB_LIT_U32(ob, "{\"type\":", ip->opts[i].type);
				if (n) { OB_LIT(ob, ",\"name\":\""); ob_str(ob, n); ob_chr(ob, '"'); }
				OB_LIT_U32(ob, ",\"len\":", ip->opts[i].len);
				ob_chr(ob, '}');
			}
			ob_chr(ob, ']');
		}
	} else if (ip->next_ext) {
		OB_LIT(ob, ",\"ext\":[");
		for (int i = 0; i < ip->next_ext; i++) {
			if (i) ob_chr(ob, ',');
			OB_LIT_U32(ob, "{\"type\":", ip->ext[i].type);
			OB_LIT_U32(ob, ",\"len\":", ip->ext[i].len);
			if (ip->ext[i].type == 43) {
				OB_LIT_U32(ob, ",\"routing_type\":", ip->ext[i].rt_type);
				OB_LIT_U32(ob, ",\"segments_left\":", ip->ext[i].rt_left);
			}
			ob_chr(ob, '}');
		}
		ob_chr(ob, ']');
	}
	ob_chr(ob, '}');
}

static void j_tcp_opt(struct outbuf *ob, const struct tcp_opt *o)
{
	OB_LIT(ob, "{\"kind\":");
	switch (o->kind) {
	case 0: OB_LIT(ob, "\"eol\""); break;
	case 1: OB_LIT(ob, "\"nop\""); break;
	case 2: OB_LIT(ob, "\"mss\",\"mss\":"); ob_u32(ob, o->mss); break;
	case 3: OB_LIT(ob, "\"wscale\",\"wscale\":"); ob_u32(ob, o->wscale); break;
	case 4: OB_LIT(ob, "\"sack_permitted\""); break;
	case 5:
		OB_LIT(ob, "\"sack\",\"sack\":[");
		for (int j = 0; j < o->nsack; j++) {
			if (j) ob_chr(ob, ',');
			ob_chr(ob, '[');
			ob_u32(ob, o->sack[j][0]);
			ob_chr(ob, ',');
			ob_u32(ob, o->sack[j][1]);
			ob_chr(ob, ']');
		}
		ob_chr(ob, ']');
		break;
	case 8:
		OB_LIT_U32(ob, "\"timestamp\",\"ts_val\":", o->ts_val);
		OB_LIT_U32(ob, ",\"ts_ecr\":", o->ts_ecr);
		break;
	default:
		ob_u32(ob, o->kind);
		OB_LIT_U32(ob, ",\"len\":", o->len);
	}
	ob_chr(ob, '}');
}

static void j_tcp_flags(struct outbuf *ob, uint16_t flags)
{
	bool first = true;

	OB_LIT(ob, ",\"flags\":[");
	for (size_t i = 0; i < pkt_tcp_flag_count; i++)
		if (flags & pkt_tcp_flag_names[i].bit) {
			if (!first) ob_chr(ob, ',');
			ob_chr(ob, '"');
			ob_str(ob, pkt_tcp_flag_names[i].name);
			ob_chr(ob, '"');
			first = false;
		}
	ob_chr(ob, ']');
}

/* The ports of a TCP or UDP header cut short, when its first 4 bytes were
 * there. */
static void j_partial_ports(struct outbuf *ob, uint32_t have, uint16_t sport, uint16_t dport)
{
	if (have < 4)
		return;
	OB_LIT_U32(ob, ",\"sport\":", sport);
	OB_LIT_U32(ob, ",\"dport\":", dport);
}

/* A header cut short: only the fields whose bytes were there. */
static void j_tcp_partial(struct outbuf *ob, const struct tcp_hdr *t)
{
	OB_LIT(ob, "\"tcp\":{\"partial\":true");
	j_partial_ports(ob, t->have, t->sport, t->dport);
	if (t->have >= 8) {
		OB_LIT_U32(ob, ",\"seq\":", t->seq);
	}
	if (t->have >= 12) {
		OB_LIT_U32(ob, ",\"ack\":", t->ack);
	}
	if (t->have >= 14)
		j_tcp_flags(ob, t->flags);
	if (t->have >= 16) {
		OB_LIT_U32(ob, ",\"win\":", t->win);
	}
	ob_chr(ob, '}');
}

static void j_tcp(struct outbuf *ob, const struct tcp_hdr *t, const struct flow_annot *an,
		  const struct render_opts *ro)
{
	if (t->partial) {
		j_tcp_partial(ob, t);
		return;
	}
	OB_LIT_U32(ob, "\"tcp\":{\"sport\":", t->sport);
	OB_LIT_U32(ob, ",\"dport\":", t->dport);
	OB_LIT_U32(ob, ",\"seq\":", t->seq);
	OB_LIT_U32(ob, ",\"ack\":", t->ack);
	if (!ro->absolute && an && an->valid) {
		OB_LIT_U32(ob, ",\"rel_seq\":", an->rel_seq);
		if (an->rel_ack_valid) {
			OB_LIT_U32(ob, ",\"rel_ack\":", an->rel_ack);
		}
	}
	j_tcp_flags(ob, t->flags);
	OB_LIT_U32(ob, ",\"win\":", t->win);
	if (an && an->valid && an->scaled) {
		OB_LIT_U32(ob, ",\"win_scaled\":", an->win_scaled);
	}
	OB_LIT_U32(ob, ",\"hlen\":", t->hlen);
	ob_chr(ob, ',');
	j_cks(ob, t->cksum, t->cks, t->cksum_calc);
	OB_LIT_U32(ob, ",\"urg\":", t->urg);
	OB_LIT_U32(ob, ",\"payload_len\":", t->payload_len);
	OB_LIT(ob, ",\"options\":[");
	for (int i = 0; i < t->nopts; i++) {
		if (i) ob_chr(ob, ',');
		j_tcp_opt(ob, &t->opts[i]);
	}
	OB_LIT(ob, "]}");
}

static void j_net(struct outbuf *ob, const struct pkt *pkt, const struct pkt_net *net,
		  const struct flow_annot *an, const struct render_opts *ro);

/* ICMP's type and code, and its name when it has one. */
static void j_icmp_type(struct outbuf *ob, const struct icmp_hdr *ic, const char *n)
{
	OB_LIT_U32(ob, ",\"type\":", ic->type);
	OB_LIT_U32(ob, ",\"code\":", ic->code);
	if (n) {
		OB_LIT(ob, ",\"name\":\"");
		ob_str(ob, n);
		ob_chr(ob, '"');
	}
}

static void j_icmp(struct outbuf *ob, const struct pkt *pkt, const struct pkt_net *net,
		   const struct render_opts *ro)
{
	const struct icmp_hdr *ic = &net->icmp;
	bool outer = &pkt->net == net;
	const char *n = ic->v6 ? pkt_name_icmp6(ic->type) : pkt_name_icmp(ic->type);

	OB_LIT_U32(ob, "\"icmp\":{\"version\":", ic->v6 ? 6 : 4);
	if (ic->partial) {
		/* cut short: only the fields whose bytes were there */
		OB_LIT(ob, ",\"partial\":true");
		if (ic->have >= 2)
			j_icmp_type(ob, ic, n);
		if (outer && ic->have >= 4) {
			ob_chr(ob, ',');
			j_cks(ob, ic->cksum, ic->cks, ic->cksum_calc);
		}
		ob_chr(ob, '}');
		return;
	}
	j_icmp_type(ob, ic, n);
	if (outer) {
		ob_chr(ob, ',');
		j_cks(ob, ic->cksum, ic->cks, ic->cksum_calc);
		if ((!ic->v6 && (ic->type == 0 || ic->type == 8)) ||
		    (ic->v6 && (ic->type == 128 || ic->type == 129))) {
			OB_LIT_U32(ob, ",\"id\":", ic->id);
			OB_LIT_U32(ob, ",\"seq\":", ic->seq);
		}
		if (pkt->has_quoted && pkt->quoted.kind != NET_NONE) {
			OB_LIT(ob, ",\"quoted\":{");
			j_net(ob, pkt, &pkt->quoted, NULL, ro);
			ob_chr(ob, '}');
		}
	}
	ob_chr(ob, '}');
}

/* Members of the ip/arp/tcp/udp/icmp objects, with a leading comma. */
static void j_net(struct outbuf *ob, const struct pkt *pkt, const struct pkt_net *net,
		  const struct flow_annot *an, const struct render_opts *ro)
{
	bool outer = &pkt->net == net;
	switch (net->kind) {
	case NET_IP4:
	case NET_IP6:
		if (net->ip.hlen == 0)
			return;
		if (outer) ob_chr(ob, ',');
		j_ip(ob, &net->ip);
		break;
	case NET_ARP: {
		const struct arp_hdr *a = &net->arp;
		OB_LIT_U32(ob, ",\"arp\":{\"op\":", a->op);
		if (a->ptype == 0x0800 && a->plen == 4) {
			OB_LIT(ob, ",\"sha\":\"");
			dec_ob_mac(ob, a->sha, a->hlen);
			OB_LIT(ob, "\",\"spa\":\"");
			dec_ob_ip4(ob, a->spa);
			OB_LIT(ob, "\",\"tha\":\"");
			dec_ob_mac(ob, a->tha, a->hlen);
			OB_LIT(ob, "\",\"tpa\":\"");
			dec_ob_ip4(ob, a->tpa);
			ob_chr(ob, '"');
		}
		ob_chr(ob, '}');
		return;
	}
	default:
		return;
	}
	switch (net->l4) {
	case L4_TCP: ob_chr(ob, ','); j_tcp(ob, &net->tcp, an, ro); break;
	case L4_UDP: {
		const struct udp_hdr *u = &net->udp;
		if (u->partial) {
			/* cut short: only the fields whose bytes were there */
			OB_LIT(ob, ",\"udp\":{\"partial\":true");
			j_partial_ports(ob, u->have, u->sport, u->dport);
			if (u->have >= 6) {
				OB_LIT_U32(ob, ",\"len\":", u->len);
			}
			ob_chr(ob, '}');
			break;
		}
		OB_LIT_U32(ob, ",\"udp\":{\"sport\":", u->sport);
		OB_LIT_U32(ob, ",\"dport\":", u->dport);
		OB_LIT_U32(ob, ",\"len\":", u->len);
		if (outer) {
			ob_chr(ob, ',');
			j_cks(ob, u->cksum, u->cks, u->cksum_calc);
		}
		OB_LIT_U32(ob, ",\"payload_len\":", u->payload_len);
		ob_chr(ob, '}');
		break;
	}
	case L4_ICMP: ob_chr(ob, ','); j_icmp(ob, pkt, net, ro); break;
	default: break;
	}
}

static const char *const link_names[LINK_COUNT] = {
	"not_decoded", "ethernet", "linux_sll", "linux_sll2", "raw", "null", "loop", "ipv4", "ipv6",
};

void dec_render_json_link_not_decoded(struct outbuf *ob, int dlt, const char *name,
				  const char *description)
{
	OB_LIT_U32(ob,
		   "{\"type\":\"notice\",\"notice\":\"link type not decoded\",\"link\":{\"type\":"
		   "\"not_decoded\",\"dlt\":",
		   (uint32_t)dlt);
	if (name) {
		OB_LIT(ob, ",\"name\":");
		dec_ob_json_str(ob, name);
	}
	if (description) {
		OB_LIT(ob, ",\"description\":");
		dec_ob_json_str(ob, description);
	}
	OB_LIT(ob, "}}\n");
}

void dec_render_json(struct outbuf *ob, const struct pkt *pkt, struct pkt_time ts,
		 const struct flow_annot *an, const struct render_opts *ro)
{
	OB_LIT(ob, "{\"type\":\"packet\",\"ts\":");
	dec_ob_i64(ob, ts.sec);
	ob_chr(ob, '.');
	{
		char *d = ob_room(ob, 6);
		uint32_t us = ts.usec % 1000000;
		for (int i = 5; i >= 0; i--) {
			d[i] = (char)('0' + us % 10);
			us /= 10;
		}
		ob->len += 6;
	}
	OB_LIT_U32(ob, ",\"caplen\":", pkt->caplen);
	OB_LIT_U32(ob, ",\"len\":", pkt->len);
	OB_LIT(ob, ",\"link\":{\"type\":\"");
	ob_str(ob, link_names[pkt->link.type]);
	ob_chr(ob, '"');
	if (pkt->link.type == LINK_ETHERNET && pkt->link.hlen >= 14) {
		OB_LIT(ob, ",\"src\":\"");
		dec_ob_mac(ob, pkt->link.src, 6);
		OB_LIT(ob, "\",\"dst\":\"");
		dec_ob_mac(ob, pkt->link.dst, 6);
		ob_chr(ob, '"');
		if (pkt->link.nvlan) {
			OB_LIT(ob, ",\"vlan\":[");
			for (int i = 0; i < pkt->link.nvlan; i++) {
				if (i) ob_chr(ob, ',');
				ob_u32(ob, pkt->link.vlan_tci[i] & 0xfff);
			}
			ob_chr(ob, ']');
		}
	}
	if (pkt->link.type != LINK_UNKNOWN) {
		OB_LIT_U32(ob, ",\"ethertype\":", pkt->link.ethertype);
	} else {
		OB_LIT_U32(ob, ",\"dlt\":", (uint32_t)ro->dlt);
	}
	ob_chr(ob, '}');
	j_net(ob, pkt, &pkt->net, an, ro);
	if (pkt->err.kind != PERR_NONE) {
		OB_LIT(ob, ",\"error\":{\"kind\":");
		ob_str(ob, pkt->err.kind == PERR_TRUNCATED ? "\"truncated\"" : "\"malformed\"");
		OB_LIT(ob, ",\"what\":");
		dec_ob_json_str(ob, pkt->err.what);
		OB_LIT_U32(ob, ",\"offset\":", pkt->err.off);
		if (pkt->err.why) {
			OB_LIT(ob, ",\"why\":");
			dec_ob_json_str(ob, pkt->err.why);
		}
		ob_chr(ob, '}');
	}
	OB_LIT(ob, "}\n");
}
