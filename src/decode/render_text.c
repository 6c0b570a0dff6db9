/* The default output: tcpdump's line. `socklab decode -nn FILE` prints what
 * `tcpdump -nn -r FILE` prints for every packet whose layers socklab
 * decodes, at -v and -vv too; where tcpdump goes on into an application
 * protocol, the line stops after the transport. This file: the time, the
 * link layer (-e), IPv4 and IPv6, and the frame of the line; the
 * transports are in render_tcp.c and render_l4.c. */
#include "decode/render_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/color.h"
#include "pkt/names.h"

/* Local time of day without a localtime() call per packet: zone offsets
 * change only on quarter-hour boundaries, so the local time at the start of
 * a 15-minute block is cached and the rest added. */
static struct {
	int64_t block;
	int64_t sod;     /* local seconds of day at the block start */
	struct tm tm;    /* the block start's date, for -tttt */
	bool valid, utc;
} tcache;

static void text_usec(struct outbuf *ob, uint32_t us)
{
	char *d = ob_room(ob, 6);
	for (int i = 5; i >= 0; i--) {
		d[i] = (char)('0' + us % 10);
		us /= 10;
	}
	ob->len += 6;
}

static void text_2d(struct outbuf *ob, int v)
{
	ob_chr(ob, (char)('0' + v / 10 % 10));
	ob_chr(ob, (char)('0' + v % 10));
}

/* HH:MM:SS.uuuuuu from seconds of day. */
static void text_hms(struct outbuf *ob, int64_t sod, uint32_t us)
{
	text_2d(ob, (int)(sod / 3600 % 24)); /* tcpdump: a delta's days are dropped */
	ob_chr(ob, ':');
	text_2d(ob, (int)(sod / 60 % 60));
	ob_chr(ob, ':');
	text_2d(ob, (int)(sod % 60));
	ob_chr(ob, '.');
	text_usec(ob, us % 1000000);
}

static int64_t text_local_sod(struct pkt_time ts, bool utc)
{
	int64_t block = ts.sec - (((ts.sec % 900) + 900) % 900);

	if (!tcache.valid || tcache.block != block || tcache.utc != utc) {
		time_t t = (time_t)block;
		if (utc ? !gmtime_r(&t, &tcache.tm) : !localtime_r(&t, &tcache.tm))
			gmtime_r(&t, &tcache.tm);
		tcache.block = block;
		tcache.sod = tcache.tm.tm_hour * 3600 + tcache.tm.tm_min * 60 + tcache.tm.tm_sec;
		tcache.valid = true;
		tcache.utc = utc;
	}
	return tcache.sod + (ts.sec - block);
}

void dec_render_time(struct outbuf *ob, struct pkt_time ts, bool utc)
{
	text_hms(ob, text_local_sod(ts, utc) % 86400, ts.usec);
}

/* tcpdump's " 00:00:00.126619" for -ttt and -ttttt. */
static void text_delta(struct outbuf *ob, struct pkt_time from, struct pkt_time to)
{
	int64_t us = (to.sec - from.sec) * 1000000 + (int64_t)to.usec - (int64_t)from.usec;

	ob_chr(ob, us < 0 ? '-' : ' '); /* a file out of order: the sign takes the space */
	if (us < 0)
		us = -us;
	text_hms(ob, us / 1000000, (uint32_t)(us % 1000000));
}

static void text_stamp(struct outbuf *ob, struct pkt_time ts, const struct render_opts *ro)
{
	struct dec_text_state *st = ro->st;

	switch (ro->tmode) {
	case TMODE_NONE:
		return;
	case TMODE_EPOCH:
		dec_ob_i64(ob, ts.sec);
		ob_chr(ob, '.');
		text_usec(ob, ts.usec);
		break;
	case TMODE_DELTA:
	case TMODE_SINCE:
		if (!st->have_prev) {
			st->first = st->prev = ts;
			st->have_prev = true;
		}
		text_delta(ob, ro->tmode == TMODE_DELTA ? st->prev : st->first, ts);
		st->prev = ts;
		break;
	case TMODE_DATE: {
		int64_t sod = text_local_sod(ts, ro->utc), days = sod / 86400;
		struct tm tm = tcache.tm;
		if (days) {
			/* past midnight since the block start: normalised by timegm */
			tm.tm_mday += (int)days;
			time_t t = timegm(&tm);
			gmtime_r(&t, &tm);
		}
		dec_ob_u64(ob, (uint64_t)tm.tm_year + 1900);
		ob_chr(ob, '-');
		text_2d(ob, tm.tm_mon + 1);
		ob_chr(ob, '-');
		text_2d(ob, tm.tm_mday);
		ob_chr(ob, ' ');
		text_hms(ob, sod % 86400, ts.usec);
		break;
	}
	case TMODE_TIME:
		dec_render_time(ob, ts, ro->utc);
		break;
	}
	ob_chr(ob, ' ');
}

struct dec_text_state *dec_text_state_new(void)
{
	struct dec_text_state *st = calloc(1, sizeof(*st));

	if (st && !(st->seq = dec_tcpseq_new())) {
		free(st);
		return NULL;
	}
	return st;
}

void dec_text_state_free(struct dec_text_state *st)
{
	if (!st)
		return;
	dec_tcpseq_free(st->seq);
	free(st);
}

static void text_proto(struct outbuf *ob, uint8_t p)
{
	const char *n = dec_text_ipproto(p);

	ob_str(ob, n ? n : "unknown");
	OB_LIT_U32(ob, " (", p);
	ob_chr(ob, ')');
}

static const struct vname td_ipopt[] = {
	{ 0, "EOL" }, { 1, "NOP" }, { 68, "timestamp" }, { 130, "security" }, { 7, "RR" },
	{ 137, "SSRR" }, { 131, "LSRR" }, { 148, "RA" }, { 82, "traceroute" },
};

static void text_ip4_verbose(struct outbuf *ob, const struct ip_hdr *ip)
{
	static const char *const ecn[] = { "", ",ECT(1)", ",ECT(0)", ",CE" };

	OB_LIT(ob, "(tos 0x");
	dec_ob_hexraw(ob, ip->tos, ip->tos < 16 ? 1 : 2);
	ob_str(ob, ecn[ip->tos & 3]);
	OB_LIT_U32(ob, ", ttl ", ip->ttl);
	OB_LIT_U32(ob, ", id ", ip->id);
	OB_LIT_U32(ob, ", offset ", ip->frag_off);
	OB_LIT(ob, ", flags [");
	bool any = false;
	if (ip->mf) { ob_chr(ob, '+'); any = true; }
	if (ip->df) { if (any) OB_LIT(ob, ", "); OB_LIT(ob, "DF"); any = true; }
	if (ip->rf) { if (any) OB_LIT(ob, ", "); OB_LIT(ob, "rsvd"); any = true; }
	if (!any) OB_LIT(ob, "none");
	OB_LIT(ob, "], proto ");
	text_proto(ob, ip->proto);
	OB_LIT_U32(ob, ", length ", ip->len);
	if (ip->len_from == IPLEN_FRAME)
		OB_LIT(ob, " [was 0, presumed TSO]"); /* tcpdump 4.99.3: "bad-len 0" */
	if (ip->nopts) {
		OB_LIT(ob, ", options (");
		for (int i = 0; i < ip->nopts; i++) {
			const char *n = pkt_vname_find(td_ipopt, sizeof(td_ipopt) / sizeof(td_ipopt[0]),
						       ip->opts[i].type);
			if (i) ob_chr(ob, ',');
			if (n) ob_str(ob, n);
			else OB_LIT_U32(ob, "unknown ", ip->opts[i].type);
		}
		ob_chr(ob, ')');
	}
	if (ip->cks == CKS_BAD) {
		OB_LIT(ob, ", bad cksum ");
		dec_ob_printf(ob, "%x", (unsigned)ip->cksum);
		OB_LIT(ob, " (->");
		dec_ob_printf(ob, "%x", (unsigned)ip->cksum_calc);
		OB_LIT(ob, ")!");
	}
	ob_chr(ob, ')');
}

static void text_ip6_verbose(struct outbuf *ob, const struct ip_hdr *ip)
{
	ob_chr(ob, '(');
	if (ip->tos) {
		OB_LIT(ob, "class 0x");
		dec_ob_hexraw(ob, ip->tos, 2);
		OB_LIT(ob, ", ");
	}
	if (ip->flowlabel) {
		OB_LIT(ob, "flowlabel 0x");
		dec_ob_hexraw(ob, ip->flowlabel, 5);
		OB_LIT(ob, ", ");
	}
	OB_LIT_U32(ob, "hlim ", ip->ttl);
	OB_LIT(ob, ", next-header ");
	text_proto(ob, ip->next6);
	if (ip->len_from == IPLEN_HEADER) {
		OB_LIT_U32(ob, " payload length: ", ip->len - 40u);
	} else {
		/* the field said 0: where the length came from */
		OB_LIT_U32(ob, " payload length: 0 [real length ", ip->len);
		ob_str(ob, ip->len_from == IPLEN_JUMBO ? ", jumbogram]" : ", presumed BIG TCP]");
	}
	OB_LIT(ob, ") ");
}

/* The extension headers tcpdump names in the line: "HBH ", "frag (0|1448) ". */
static void text_ip6_ext(struct outbuf *ob, const struct pkt *pkt, const struct ip_hdr *ip,
			 const struct render_opts *ro)
{
	for (int i = 0; i < ip->next_ext; i++) {
		const struct ip6_ext *e = &ip->ext[i];
		switch (e->type) {
		case 0:
			OB_LIT(ob, "HBH ");
			break;
		case 60:
			OB_LIT(ob, "DSTOPT ");
			break;
		case 44: {
			uint32_t flen = ip->len - (e->off - ip->off) - 8u;
			OB_LIT(ob, "frag (");
			if (ro->verbose) {
				OB_LIT(ob, "0x");
				dec_ob_hexraw(ob, ip->frag6_id, 8);
				ob_chr(ob, ':');
			}
			ob_u32(ob, ip->frag_off);
			OB_LIT_U32(ob, "|", flen);
			OB_LIT(ob, ") ");
			break;
		}
		default: {
			const char *n = pkt_name_ip6ext(e->type);
			if (n) ob_str(ob, n); else ob_u32(ob, e->type);
			ob_chr(ob, ' ');
		}
		}
	}
	(void)pkt;
}

static void text_ports_or_addrs(struct outbuf *ob, const struct pkt_net *net, bool ports)
{
	const struct ip_hdr *ip = &net->ip;
	uint16_t sp = net->l4 == L4_TCP ? net->tcp.sport : net->udp.sport;
	uint16_t dp = net->l4 == L4_TCP ? net->tcp.dport : net->udp.dport;

	if (ip->version == 6 && ip->next_ext) {
		/* the addresses came before the extension headers: ports only */
		if (ports) {
			ob_u32(ob, sp);
			OB_LIT_U32(ob, " > ", dp);
			OB_LIT(ob, ": ");
		}
		return;
	}

	dec_render_addr(ob, ip, ip->src);
	if (ports) OB_LIT_U32(ob, ".", sp);
	OB_LIT(ob, " > ");
	dec_render_addr(ob, ip, ip->dst);
	if (ports) OB_LIT_U32(ob, ".", dp);
	OB_LIT(ob, ": ");
}

static void text_transport(struct outbuf *ob, const struct pkt *pkt, const struct pkt_net *net,
			   const struct render_opts *ro)
{
	const struct ip_hdr *ip = &net->ip;

	switch (ip->later_fragment ? L4_OTHER : net->l4) {
	case L4_TCP:
		if (net->tcp.have < 4) {
			text_ports_or_addrs(ob, net, false);
			OB_LIT(ob, "[|tcp]");
			return;
		}
		text_ports_or_addrs(ob, net, true);
		dec_text_tcp(ob, pkt, net, ro);
		return;
	case L4_UDP:
		if (net->udp.have < 4) {
			text_ports_or_addrs(ob, net, false);
			OB_LIT(ob, " [|udp]");
			return;
		}
		text_ports_or_addrs(ob, net, true);
		dec_text_udp(ob, pkt, net, ro);
		return;
	case L4_ICMP:
		if (ip->version == 4)
			text_ports_or_addrs(ob, net, false);
		dec_text_icmp(ob, pkt, net, ro);
		return;
	case L4_OTHER:
	case L4_NONE:
		if (ip->version == 4)
			text_ports_or_addrs(ob, net, false);
		if (ip->later_fragment) {
			OB_LIT_U32(ob, "ip-proto-", ip->proto);
		} else {
			OB_LIT_U32(ob, " ip-proto-", ip->proto);
			OB_LIT_U32(ob, " ", ip->plen);
		}
		return;
	}
}

static void text_ip6_missing(struct outbuf *ob, const struct pkt *pkt, const struct ip_hdr *ip)
{
	OB_LIT_U32(ob, "truncated-ip6 - ", ip->len - (pkt->len - ip->off));
	OB_LIT(ob, " bytes missing!");
}

/* "IP ...", or with -v "IP (...)\n    ...", and IPv6's one line. */
static void text_ip(struct outbuf *ob, const struct pkt *pkt, const struct pkt_net *net,
		    const struct render_opts *ro, bool quoted)
{
	const struct ip_hdr *ip = &net->ip;

	if (ip->version == 4) {
		if (!ro->link || quoted)
			OB_LIT(ob, "IP ");
		if (!quoted && ip->len_from == IPLEN_HEADER && ip->len > pkt->len - ip->off) {
			OB_LIT_U32(ob, "truncated-ip - ", ip->len - (pkt->len - ip->off));
			OB_LIT(ob, " bytes missing! ");
		}
		if (ro->verbose) {
			text_ip4_verbose(ob, ip);
			OB_LIT(ob, "\n    ");
		}
		text_transport(ob, pkt, net, ro);
		return;
	}
	if (!ro->link || quoted)
		OB_LIT(ob, "IP6 ");
	/* tcpdump's note, glued to what follows: before the addresses, or
	 * after the extension headers it read first */
	bool missing = !quoted && ip->len_from == IPLEN_HEADER && ip->len > pkt->len - ip->off;
	if (missing && !ip->next_ext)
		text_ip6_missing(ob, pkt, ip);
	if (ro->verbose)
		text_ip6_verbose(ob, ip);
	/* TCP and UDP print the addresses with their ports; everything
	 * else (extension headers first) gets them here. */
	uint8_t first = ip->next6;
	if (first != 6 && first != 17) {
		dec_render_addr(ob, ip, ip->src);
		OB_LIT(ob, " > ");
		dec_render_addr(ob, ip, ip->dst);
		OB_LIT(ob, ": ");
	}
	text_ip6_ext(ob, pkt, ip, ro);
	if (missing && ip->next_ext)
		text_ip6_missing(ob, pkt, ip);
	if (ip->later_fragment || net->l4 == L4_OTHER || net->l4 == L4_NONE) {
		if (!ip->later_fragment) {
			OB_LIT_U32(ob, "ip-proto-", ip->proto);
			OB_LIT_U32(ob, " ", ip->plen);
		}
		return;
	}
	if (net->l4 == L4_ICMP) {
		dec_text_icmp(ob, pkt, net, ro);
		return;
	}
	text_transport(ob, pkt, net, ro);
}

static void text_ethertype(struct outbuf *ob, uint16_t type)
{
	const char *n = pkt_name_ethertype(type);

	OB_LIT(ob, "ethertype ");
	ob_str(ob, n ? n : "Unknown");
	OB_LIT(ob, " (");
	dec_ob_hex(ob, type, 4);
	OB_LIT(ob, ")");
}

/* -e: tcpdump's link-layer words before the network layer. */
static void text_link(struct outbuf *ob, const struct pkt *pkt)
{
	const struct link_hdr *l = &pkt->link;

	switch (l->type) {
	case LINK_ETHERNET:
		dec_ob_mac(ob, l->src, 6);
		OB_LIT(ob, " > ");
		dec_ob_mac(ob, l->dst, 6);
		OB_LIT(ob, ", ");
		if (l->nvlan) {
			text_ethertype(ob, l->vlan_tpid[0] ? l->vlan_tpid[0] : 0x8100);
			OB_LIT_U32(ob, ", length ", pkt->len);
			OB_LIT(ob, ": ");
			for (int i = 0; i < l->nvlan; i++) {
				OB_LIT_U32(ob, "vlan ", l->vlan_tci[i] & 0xfff);
				OB_LIT_U32(ob, ", p ", l->vlan_tci[i] >> 13);
				if (l->vlan_tci[i] & 0x1000) OB_LIT(ob, ", DEI");
				OB_LIT(ob, ", ");
				if (i + 1 < l->nvlan) {
					text_ethertype(ob, 0x8100);
					OB_LIT(ob, ", ");
				}
			}
			text_ethertype(ob, l->ethertype);
			OB_LIT(ob, ", ");
			return;
		}
		text_ethertype(ob, l->ethertype);
		OB_LIT_U32(ob, ", length ", pkt->len);
		OB_LIT(ob, ": ");
		return;
	case LINK_NULL:
	case LINK_LOOP:
		OB_LIT(ob, "AF ");
		ob_str(ob, l->ethertype == 0x86dd ? "IPv6" : l->ethertype == 0x0800 ? "IPv4" : "Unknown");
		OB_LIT_U32(ob, " (", l->family);
		OB_LIT_U32(ob, "), length ", pkt->len);
		OB_LIT(ob, ": ");
		return;
	case LINK_SLL:
	case LINK_SLL2: {
		const char *pt = pkt_name_sll_pkttype(l->sll_pkttype);
		dec_ob_printf(ob, "%3s ", pt ? pt : "?");
		if (l->addrlen) {
			dec_ob_mac(ob, l->src, l->addrlen);
			ob_chr(ob, ' ');
		}
		text_ethertype(ob, l->ethertype);
		OB_LIT_U32(ob, ", length ", pkt->len);
		OB_LIT(ob, ": ");
		return;
	}
	case LINK_RAW:
	case LINK_IPV4:
	case LINK_IPV6:
		OB_LIT(ob, "ip: ");
		return;
	default:
		return;
	}
}

/* --verdicts: every checksum judged, in socklab's words. */
static void text_verdict(struct outbuf *ob, bool *first, const char *layer, uint16_t field,
			 enum cks_status st)
{
	ob_str(ob, *first ? " [checksums: " : ", ");
	*first = false;
	ob_str(ob, layer);
	ob_chr(ob, ' ');
	dec_ob_hex(ob, field, 4);
	ob_chr(ob, ' ');
	ob_sgr(ob, st == CKS_GOOD ? COLOR_GREEN : st == CKS_BAD ? COLOR_RED
		   : st == CKS_PARTIAL ? COLOR_YELLOW : COLOR_DIM);
	ob_str(ob, st == CKS_PARTIAL ? "partial (offloaded)" : dec_cks_status_name(st));
	ob_sgr(ob, COLOR_RESET);
}

static void text_verdicts(struct outbuf *ob, const struct pkt *pkt)
{
	const struct pkt_net *n = &pkt->net;
	bool first = true;

	if (n->kind == NET_IP4 && n->ip.hlen)
		text_verdict(ob, &first, "ip", n->ip.cksum, n->ip.cks);
	if (n->kind == NET_IP4 || n->kind == NET_IP6) {
		if (n->l4 == L4_TCP && !n->tcp.partial)
			text_verdict(ob, &first, "tcp", n->tcp.cksum, n->tcp.cks);
		else if (n->l4 == L4_UDP && !n->udp.partial)
			text_verdict(ob, &first, "udp", n->udp.cksum, n->udp.cks);
		else if (n->l4 == L4_ICMP && !n->icmp.partial)
			text_verdict(ob, &first, n->icmp.v6 ? "icmp6" : "icmp", n->icmp.cksum, n->icmp.cks);
	}
	if (!first)
		ob_chr(ob, ']');
	if (pkt->err.kind != PERR_NONE) {
		ob_str(ob, pkt->err.kind == PERR_TRUNCATED ? " [truncated " : " [malformed ");
		ob_str(ob, pkt->err.what);
		OB_LIT_U32(ob, " at byte ", pkt->err.off);
		if (pkt->err.why) {
			OB_LIT(ob, ": ");
			ob_str(ob, pkt->err.why);
		}
		ob_chr(ob, ']');
	}
}

/* -A: the packet from the network header on, printable bytes as they
 * are, the rest as dots (a CR before a LF is left out). */
static void text_ascii(struct outbuf *ob, const struct pkt *pkt)
{
	uint32_t from = pkt->link.type == LINK_UNKNOWN ? 0 : pkt->link.hlen;

	ob_chr(ob, '\n');
	for (uint32_t i = from; i < pkt->caplen; i++) {
		uint8_t c = pkt->data[i];
		if (c == '\r') {
			if (i + 1 < pkt->caplen && pkt->data[i + 1] != '\n')
				ob_chr(ob, '.');
		} else if ((c >= 0x21 && c <= 0x7e) || c == '\t' || c == ' ' || c == '\n') {
			ob_chr(ob, (char)c);
		} else {
			ob_chr(ob, '.');
		}
	}
}

void dec_render_text(struct outbuf *ob, const struct pkt *pkt, struct pkt_time ts,
		 const struct flow_annot *an, const struct render_opts *ro)
{
	const struct pkt_net *net = &pkt->net;

	(void)an;
	if (ro->number) {
		char *d = ob_room(ob, 32);
		int n = snprintf(d, 32, "%5llu  ", (unsigned long long)++ro->st->number);
		ob->len += (size_t)n;
	}
	text_stamp(ob, ts, ro);
	if (ro->link)
		text_link(ob, pkt);
	if (pkt->link.type == LINK_UNKNOWN) {
		/* Said once per capture (session.c); here the frame is only named. */
		if (ro->dlt_name)
			ob_str(ob, ro->dlt_name);
		else
			OB_LIT_U32(ob, "DLT ", (uint32_t)ro->dlt);
		OB_LIT_U32(ob, ", length ", pkt->len);
	} else {
		switch (net->kind) {
		case NET_IP4:
		case NET_IP6:
			if (net->ip.hlen == 0 && pkt->err.kind != PERR_NONE)
				ob_str(ob, net->kind == NET_IP4 ? "IP [|ip]" : "IP6 [|ip6]");
			else
				text_ip(ob, pkt, net, ro, false);
			break;
		case NET_ARP:
			dec_text_arp(ob, pkt, ro);
			break;
		case NET_OTHER:
			if (!ro->link) {
				text_ethertype(ob, pkt->link.ethertype);
				OB_LIT_U32(ob, ", length ", pkt->len);
			} else {
				OB_LIT_U32(ob, "length ", pkt->len - pkt->link.hlen);
			}
			break;
		case NET_NONE:
			break;
		}
	}
	/* -v on an ICMP error: the packet it quotes, on a line of its own. */
	if (ro->verbose && pkt->has_quoted && pkt->quoted.kind != NET_NONE && !net->icmp.v6 &&
	    net->l4 == L4_ICMP && !pkt->quoted.ip.later_fragment) {
		OB_LIT(ob, "\n\t");
		text_ip(ob, pkt, &pkt->quoted, ro, true);
	}
	if (ro->verdicts)
		text_verdicts(ob, pkt);
	if (ro->ascii)
		text_ascii(ob, pkt);
	ob_chr(ob, '\n');
}
