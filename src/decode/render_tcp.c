/* tcpdump's TCP words: flags, relative (or -S absolute) sequence numbers,
 * the -v checksum, window, urgent pointer, options, length. */
#include "decode/render_text.h"

#include "core/color.h"
#include "pkt/names.h"

/* The flags in trace's colours (docs/trace.md): RST red, SYN blue, FIN
 * magenta; data and bare ACKs plain. */
static const char *tcp_flags_sgr(uint16_t flags)
{
	return flags & TCP_RST ? COLOR_RED
	       : flags & TCP_SYN ? COLOR_BLUE
	       : flags & TCP_FIN ? COLOR_MAGENTA : NULL;
}

static void tcp_flags(struct outbuf *ob, uint16_t flags)
{
	const char *sgr = tcp_flags_sgr(flags);
	bool any = false;

	OB_LIT(ob, "Flags [");
	if (sgr)
		ob_sgr(ob, sgr);
	for (size_t i = 0; i < pkt_tcp_flag_count; i++)
		if (flags & pkt_tcp_flag_names[i].bit) {
			ob_chr(ob, pkt_tcp_flag_names[i].letter);
			any = true;
		}
	if (!any)
		OB_LIT(ob, "none");
	if (sgr)
		ob_sgr(ob, COLOR_RESET);
	ob_chr(ob, ']');
}

static const struct vname td_tcpopt[] = {
	{ 0, "eol" }, { 1, "nop" }, { 2, "mss" }, { 3, "wscale" }, { 4, "sackOK" }, { 5, "sack" },
	{ 6, "echo" }, { 7, "echoreply" }, { 8, "TS" }, { 11, "cc" }, { 12, "ccnew" }, { 13, "" },
	{ 19, "md5" }, { 20, "scps" }, { 28, "uto" }, { 29, "tcp-ao" }, { 30, "mptcp" },
	{ 34, "tfo" }, { 254, "exp" },
};

static void tcp_hex(struct outbuf *ob, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dec_ob_hexraw(ob, p[i], 2);
}

/* RFC 7413's cookie, as tcpdump words it (exp: behind option 254's magic). */
static void tcp_tfo(struct outbuf *ob, const uint8_t *p, size_t n, bool exp)
{
	if (exp)
		OB_LIT(ob, "tfo");
	if (n == 0) {
		OB_LIT(ob, " cookiereq");
	} else if (n % 2 == 1 || n < 4 || n > 16) {
		OB_LIT(ob, " invalid");
	} else {
		OB_LIT(ob, " cookie ");
		tcp_hex(ob, p, n);
	}
}

static uint64_t be64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A number of 4 or 8 bytes (wide) at *p, moved past; false when short. */
static bool mptcp_num(struct outbuf *ob, const uint8_t **p, size_t *n, bool wide)
{
	size_t w = wide ? 8 : 4;

	if (*n < w)
		return false;
	dec_ob_u64(ob, wide ? be64(*p) : be32(*p));
	*p += w;
	*n -= w;
	return true;
}

/* RFC 8684's option, in tcpdump's words (v: after kind and length). */
static void tcp_mptcp(struct outbuf *ob, const uint8_t *v, size_t vlen, uint8_t len, uint16_t flags)
{
	static const char *const sub[] = { "capable", "join", "dss", "add-addr", "rem-addr",
					   "prio", "fail", "fast-close", "unknown" };
	if (vlen < 1)
		return;
	unsigned st = v[0] >> 4;
	OB_LIT_U32(ob, " ", len);
	ob_chr(ob, ' ');
	ob_str(ob, sub[st > 8 ? 8 : st]);
	switch (st) {
	case 0:
		OB_LIT_U32(ob, " v", v[0] & 0xf);
		if (vlen >= 2 && (v[1] & 0x80))
			OB_LIT(ob, " csum");
		if (vlen >= 10) {
			OB_LIT(ob, " {0x");
			dec_ob_printf(ob, "%llx", (unsigned long long)be64(v + 2));
			if (vlen >= 18)
				dec_ob_printf(ob, ",0x%llx", (unsigned long long)be64(v + 10));
			ob_chr(ob, '}');
		}
		return;
	case 2: {
		if (vlen < 2 || (flags & TCP_SYN))
			return;
		uint8_t f = v[1];
		const uint8_t *p = v + 2;
		size_t n = vlen - 2;
		if (f & 0x10)
			OB_LIT(ob, " fin");
		if (f & 0x01) {
			OB_LIT(ob, " ack ");
			if (!mptcp_num(ob, &p, &n, f & 0x02))
				return;
		}
		if (f & 0x04) {
			OB_LIT(ob, " seq ");
			if (!mptcp_num(ob, &p, &n, f & 0x08) || n < 6)
				return;
			OB_LIT_U32(ob, " subseq ", be32(p));
			OB_LIT_U32(ob, " len ", (uint32_t)p[4] << 8 | p[5]);
			if (n >= 8)
				dec_ob_printf(ob, " csum 0x%x", (unsigned)(p[6] << 8 | p[7]));
		}
		return;
	}
	case 3: {
		/* RFC 6824 (v0) names the IP version in the low nibble; RFC
		 * 8684 (v1) keeps an echo bit there and adds an HMAC. */
		unsigned low = v[0] & 0xf;
		bool v0 = low == 4 || low == 6, echo = !v0 && (low & 1);
		size_t alen = v0 ? (low == 6 ? 16 : 4)
				 : (vlen == 6 || vlen == 8 || vlen == 14 || vlen == 16) ? 4 : 16;
		size_t base = 2 + alen, hmac = v0 || echo ? 0 : 8;
		if (vlen != base + hmac && vlen != base + 2 + hmac)
			return;
		if (v0)
			OB_LIT_U32(ob, " v0-ip", low);
		else
			ob_str(ob, echo ? " v1-echo" : " v1");
		OB_LIT_U32(ob, " id ", v[1]);
		ob_chr(ob, ' ');
		if (alen == 4)
			dec_ob_ip4(ob, v + 2);
		else
			dec_ob_ip6(ob, v + 2);
		if (vlen == base + 2 + hmac)
			OB_LIT_U32(ob, ":", (uint32_t)v[base] << 8 | v[base + 1]);
		if (hmac)
			dec_ob_printf(ob, " hmac 0x%llx", (unsigned long long)be64(v + vlen - 8));
		return;
	}
	case 1:
		if (vlen == 10 && (flags & TCP_SYN) && !(flags & TCP_ACK)) {
			if (v[0] & 1)
				OB_LIT(ob, " backup");
			OB_LIT_U32(ob, " id ", v[1]);
			dec_ob_printf(ob, " token 0x%x nonce 0x%x", (unsigned)be32(v + 2),
				      (unsigned)be32(v + 6));
		} else if (vlen == 14 && (flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK)) {
			if (v[0] & 1)
				OB_LIT(ob, " backup");
			OB_LIT_U32(ob, " id ", v[1]);
			dec_ob_printf(ob, " hmac 0x%llx nonce 0x%x", (unsigned long long)be64(v + 2),
				      (unsigned)be32(v + 10));
		} else if (vlen == 22 && (flags & TCP_ACK)) {
			OB_LIT(ob, " hmac 0x");
			tcp_hex(ob, v + 2, 20);
		}
		return;
	case 6:
		if (vlen == 10)
			dec_ob_printf(ob, " seq %llu", (unsigned long long)be64(v + 2));
		return;
	case 7:
		if (vlen == 10)
			dec_ob_printf(ob, " key 0x%llx", (unsigned long long)be64(v + 2));
		return;
	default:
		return;
	}
}

/* One option's value; returns the bytes it accounts for (tcpdump then
 * says [len N] when that is not the option's length). */
static size_t tcp_opt_value(struct outbuf *ob, const struct tcp_opt *o, const uint8_t *v,
			    size_t vlen, uint32_t sack_base, uint16_t flags)
{
	switch (o->kind) {
	case 30:
		tcp_mptcp(ob, v, vlen, o->len, flags);
		return vlen;
	case 0:
	case 1:
		return 0;
	case 2: OB_LIT_U32(ob, " ", o->mss); return 2;
	case 3: OB_LIT_U32(ob, " ", o->wscale); return 1;
	case 4: return 0;
	case 5:
		OB_LIT_U32(ob, " ", o->nsack);
		ob_chr(ob, ' ');
		for (int j = 0; j < o->nsack; j++) {
			OB_LIT_U32(ob, "{", o->sack[j][0] - sack_base);
			OB_LIT_U32(ob, ":", o->sack[j][1] - sack_base);
			ob_chr(ob, '}');
		}
		return vlen;
	case 8:
		OB_LIT_U32(ob, " val ", o->ts_val);
		OB_LIT_U32(ob, " ecr ", o->ts_ecr);
		return 8;
	case 6: case 7: case 11: case 12: case 13:
		if (vlen < 4)
			return vlen;
		OB_LIT_U32(ob, " ", (uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 | (uint32_t)v[2] << 8 | v[3]);
		return 4;
	case 19:
		if (vlen < 16)
			return vlen;
		OB_LIT(ob, " shared secret not supplied with -M, can't check - ");
		tcp_hex(ob, v, 16);
		return 16;
	case 28: {
		if (vlen < 2)
			return vlen;
		uint32_t uto = (uint32_t)v[0] << 8 | v[1];
		OB_LIT(ob, " 0x");
		dec_ob_printf(ob, "%x", (unsigned)uto);
		OB_LIT_U32(ob, " ", uto & 1 ? (uto >> 1) * 60 : uto >> 1);
		return 2;
	}
	case 34:
		tcp_tfo(ob, v, vlen, false);
		return vlen;
	case 254:
		if (vlen >= 2) {
			ob_chr(ob, '-');
			if (v[0] == 0xf9 && v[1] == 0x89)
				tcp_tfo(ob, v + 2, vlen - 2, true);
			else
				dec_ob_hexraw(ob, (uint32_t)v[0] << 8 | v[1], 4);
		}
		return vlen;
	default:
		if (vlen)
			OB_LIT(ob, " 0x");
		tcp_hex(ob, v, vlen);
		return vlen;
	}
}

static void tcp_opts(struct outbuf *ob, const struct pkt *pkt, const struct tcp_hdr *t,
		     uint32_t sack_base, bool bad)
{
	OB_LIT(ob, ", options [");
	for (int i = 0; i < t->nopts; i++) {
		const struct tcp_opt *o = &t->opts[i];
		const char *n = pkt_vname_find(td_tcpopt, sizeof(td_tcpopt) / sizeof(td_tcpopt[0]),
					       o->kind);
		const uint8_t *v = pkt->data + o->off + 2;
		size_t vlen = o->kind > 1 ? (size_t)o->len - 2 : 0;
		if (i)
			ob_chr(ob, ',');
		if (n) ob_str(ob, n);
		else OB_LIT_U32(ob, "unknown-", o->kind);
		size_t used = tcp_opt_value(ob, o, v, vlen, sack_base, t->flags);
		if (o->kind > 1 && used + 2 != o->len)
			OB_LIT_U32(ob, "[len ", o->len), ob_chr(ob, ']');
	}
	if (bad)
		OB_LIT(ob, "[bad opt]");
	ob_chr(ob, ']');
}

void dec_text_tcp(struct outbuf *ob, const struct pkt *pkt, const struct pkt_net *net,
		  const struct render_opts *ro)
{
	const struct tcp_hdr *t = &net->tcp;
	const struct ip_hdr *ip = &net->ip;
	uint32_t plen = ip->plen;

	/* tcpdump reads the data offset first, then the rest */
	uint32_t hlen = t->have >= 13 ? (uint32_t)(pkt->data[t->off + 12] >> 4) * 4 : 0;
	if (t->have < 13) {
		OB_LIT(ob, " [|tcp]");
		return;
	}
	if (hlen < 20) {
		OB_LIT_U32(ob, " tcp ", plen - hlen);
		OB_LIT_U32(ob, " [bad hdr length ", hlen);
		OB_LIT(ob, " - too short, < 20]");
		return;
	}
	if (t->have < 20) {
		OB_LIT(ob, " [|tcp]");
		return;
	}
	if (ro->quick) {
		OB_LIT_U32(ob, "tcp ", plen - t->hlen);
		if (t->hlen > plen) {
			OB_LIT_U32(ob, " [bad hdr length ", t->hlen);
			OB_LIT_U32(ob, " - too long, > ", plen);
			ob_chr(ob, ']');
		}
		return;
	}
	tcp_flags(ob, t->flags);
	struct dec_seqrel r = { t->seq, t->ack, false, 0 };
	if (!ro->absolute)
		dec_tcpseq_map(ro->st->seq, ip, t, &r);
	if (t->hlen > plen) {
		OB_LIT_U32(ob, " [bad hdr length ", t->hlen);
		OB_LIT_U32(ob, " - too long, > ", plen);
		ob_chr(ob, ']');
		return;
	}
	if (ro->verbose && !ip->mf && !ip->frag_off && t->cks != CKS_UNVERIFIED) {
		OB_LIT(ob, ", ");
		dec_text_cksum(ob, t->cksum, t->cks, t->cksum_calc);
	}
	uint32_t len = t->payload_len;
	if (ro->verbose > 1 || len || (t->flags & (TCP_SYN | TCP_FIN | TCP_RST))) {
		OB_LIT_U32(ob, ", seq ", r.seq);
		if (len)
			OB_LIT_U32(ob, ":", r.seq + len);
	}
	if (t->flags & TCP_ACK)
		OB_LIT_U32(ob, ", ack ", r.ack);
	OB_LIT_U32(ob, ", win ", t->win);
	if (t->flags & TCP_URG)
		OB_LIT_U32(ob, ", urg ", t->urg);
	bool bad_opt = pkt->err.kind != PERR_NONE && pkt->err.what &&
		       pkt->err.off >= t->off + 20u && pkt->err.off < t->off + (uint32_t)t->hlen;
	if (t->nopts || bad_opt)
		tcp_opts(ob, pkt, t, r.rel ? r.sack_base : 0, bad_opt);
	if (bad_opt)
		return;
	if (t->partial) {
		OB_LIT(ob, " [|tcp]");
		return;
	}
	OB_LIT_U32(ob, ", length ", len);
	if ((t->flags & TCP_RST) && ro->verbose && len) {
		uint32_t avail = net->payload_caplen, n = len > 30 ? 30 : len;
		ob_str(ob, avail >= len ? " [RST" : " [!RST");
		if (len > 30)
			ob_chr(ob, '+');
		ob_chr(ob, ' ');
		for (uint32_t i = 0; i < n && i < avail; i++) {
			uint8_t c = pkt->data[net->payload_off + i];
			if (c >= 0x20 && c < 0x7f) {
				ob_chr(ob, (char)c);
			} else {
				OB_LIT(ob, "\\0x");
				dec_ob_hexraw(ob, c, 2);
			}
		}
		ob_chr(ob, ']');
	}
}
