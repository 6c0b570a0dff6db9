/* The flow table behind flows.h: open addressing keyed by the 5-tuple in
 * either direction, flows kept in order of first appearance. */
#include "decode/flows.h"

#include <stdlib.h>
#include <string.h>

#define FLOW_SLOTS (FLOW_MAX * 2)

struct flow_table {
	struct flow *flows;     /* FLOW_MAX, in order of appearance */
	size_t n;
	uint32_t *slots;        /* index + 1 into flows; 0 = empty */
	uint64_t dropped;
};

struct flow_table *dec_flows_new(void)
{
	struct flow_table *ft = calloc(1, sizeof(*ft));
	if (!ft)
		return NULL;
	ft->flows = calloc(FLOW_MAX, sizeof(struct flow));
	ft->slots = calloc(FLOW_SLOTS, sizeof(uint32_t));
	if (!ft->flows || !ft->slots) {
		dec_flows_free(ft);
		return NULL;
	}
	return ft;
}

void dec_flows_free(struct flow_table *ft)
{
	if (!ft)
		return;
	free(ft->flows);
	free(ft->slots);
	free(ft);
}

size_t dec_flows_count(const struct flow_table *ft) { return ft->n; }
const struct flow *dec_flows_get(const struct flow_table *ft, size_t i) { return &ft->flows[i]; }
uint64_t dec_flows_dropped(const struct flow_table *ft) { return ft->dropped; }

static uint32_t flow_hash(const struct pkt_net *net, uint16_t sp, uint16_t dp)
{
	/* Symmetric: both directions hash alike. */
	uint32_t h = 2166136261u, hs = 0, hd = 0;
	size_t alen = net->ip.version == 6 ? 16 : 4;
	for (size_t i = 0; i < alen; i++) {
		hs = (hs ^ net->ip.src[i]) * 16777619u;
		hd = (hd ^ net->ip.dst[i]) * 16777619u;
	}
	h ^= (hs + sp) ^ (hd + dp);
	h ^= net->ip.proto;
	h *= 2654435761u;
	return h ^ (h >> 15);
}

static int flow_match(const struct flow *f, const struct pkt_net *net, uint16_t sp, uint16_t dp)
{
	size_t alen = net->ip.version == 6 ? 16 : 4;
	if (f->proto != net->ip.proto || f->version != net->ip.version)
		return -1;
	if (f->port[0] == sp && f->port[1] == dp && !memcmp(f->addr[0], net->ip.src, alen) &&
	    !memcmp(f->addr[1], net->ip.dst, alen))
		return 0;
	if (f->port[0] == dp && f->port[1] == sp && !memcmp(f->addr[0], net->ip.dst, alen) &&
	    !memcmp(f->addr[1], net->ip.src, alen))
		return 1;
	return -1;
}

static struct flow *flow_lookup(struct flow_table *ft, const struct pkt_net *net, uint16_t sp,
				uint16_t dp, int *dir)
{
	uint32_t h = flow_hash(net, sp, dp) & (FLOW_SLOTS - 1);
	for (;;) {
		uint32_t s = ft->slots[h];
		if (!s)
			break;
		struct flow *f = &ft->flows[s - 1];
		if ((*dir = flow_match(f, net, sp, dp)) >= 0)
			return f;
		h = (h + 1) & (FLOW_SLOTS - 1);
	}
	if (ft->n >= FLOW_MAX) {
		ft->dropped++;
		return NULL;
	}
	struct flow *f = &ft->flows[ft->n];
	memset(f, 0, sizeof(*f));
	f->proto = net->ip.proto;
	f->version = net->ip.version;
	memcpy(f->addr[0], net->ip.src, 16);
	memcpy(f->addr[1], net->ip.dst, 16);
	f->port[0] = sp;
	f->port[1] = dp;
	f->dir[0].wscale = f->dir[1].wscale = -1;
	ft->slots[h] = (uint32_t)++ft->n;
	*dir = 0;
	return f;
}

static bool seq_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static bool seq_le(uint32_t a, uint32_t b) { return (int32_t)(a - b) <= 0; }

/* Data analysis in the spirit of Wireshark's tcp.analysis flags. */
static void tcp_analyse(struct flow_dir *d, const struct tcp_hdr *t)
{
	uint32_t seglen = t->payload_len + ((t->flags & TCP_SYN) ? 1 : 0) + ((t->flags & TCP_FIN) ? 1 : 0);
	uint32_t end = t->seq + seglen;

	if (t->win == 0 && !(t->flags & (TCP_RST | TCP_SYN | TCP_FIN)))
		d->zerowin++;
	if (t->payload_len == 0 && !(t->flags & (TCP_SYN | TCP_FIN | TCP_RST)) &&
	    (t->flags & TCP_ACK) && d->ack_set && t->ack == d->last_ack && t->win == d->last_win &&
	    t->win != 0)
		d->dupack++;
	if (t->flags & TCP_ACK) {
		d->ack_set = true;
		d->last_ack = t->ack;
		d->last_win = t->win;
	}
	if (seglen == 0)
		return;
	if (!d->end_set) {
		d->end_set = true;
		d->end = end;
		return;
	}
	if (seq_lt(d->end, t->seq)) {
		/* A gap: remember it, a later segment filling it is out of order. */
		for (int i = 0; i < FLOW_HOLES; i++)
			if (d->holes[i][0] == d->holes[i][1]) {
				d->holes[i][0] = d->end;
				d->holes[i][1] = t->seq;
				break;
			}
		d->end = end;
		return;
	}
	if (seq_le(end, d->end) || seq_lt(t->seq, d->end)) {
		for (int i = 0; i < FLOW_HOLES; i++) {
			uint32_t *h = d->holes[i];
			if (h[0] != h[1] && seq_le(h[0], t->seq) && seq_lt(t->seq, h[1])) {
				d->ooo++;
				if (t->seq == h[0])
					h[0] = seq_lt(end, h[1]) ? end : h[1];
				if (seq_lt(d->end, end))
					d->end = end;
				return;
			}
		}
		d->retrans++;
		if (seq_lt(d->end, end))
			d->end = end;
		return;
	}
	d->end = end;
}

void dec_flows_update(struct flow_table *ft, const struct pkt *pkt, double ts, struct flow_annot *an)
{
	const struct pkt_net *net = &pkt->net;
	uint16_t sp, dp;
	int di;

	an->valid = false;
	if (net->kind != NET_IP4 && net->kind != NET_IP6)
		return;
	if (net->l4 == L4_TCP && !net->tcp.partial && net->tcp.hlen >= 20) {
		sp = net->tcp.sport;
		dp = net->tcp.dport;
	} else if (net->l4 == L4_UDP && !net->udp.partial) {
		sp = net->udp.sport;
		dp = net->udp.dport;
	} else {
		return;
	}
	struct flow *f = flow_lookup(ft, net, sp, dp, &di);
	if (!f)
		return;
	if (!f->first_ts)
		f->first_ts = ts;
	f->last_ts = ts;
	struct flow_dir *d = &f->dir[di], *o = &f->dir[!di];
	d->pkts++;
	if (net->l4 == L4_UDP) {
		d->bytes += net->udp.payload_len;
		return;
	}
	const struct tcp_hdr *t = &net->tcp;
	d->bytes += t->payload_len;
	if (t->flags & TCP_SYN) {
		d->syn = true;
		d->isn = t->seq;
		d->isn_set = true;
		if (t->flags & TCP_ACK)
			f->synack = true;
		d->wscale = -1;
		for (int i = 0; i < t->nopts; i++) {
			const struct tcp_opt *op = &t->opts[i];
			if (op->kind == 2) d->mss = op->mss;
			else if (op->kind == 3) d->wscale = op->wscale > 14 ? 14 : op->wscale;
			else if (op->kind == 4) d->sack_ok = true;
			else if (op->kind == 8) d->ts = true;
		}
	} else if (f->synack && (t->flags & TCP_ACK) && !f->hs_ack && o->syn) {
		f->hs_ack = true;
	}
	if (!d->isn_set) {
		d->isn = t->seq;
		d->isn_set = true;
	}
	if (t->flags & TCP_FIN) d->fin = true;
	if (t->flags & TCP_RST) d->rst = true;
	tcp_analyse(d, t);

	an->valid = true;
	an->rel_seq = t->seq - d->isn;
	an->rel_ack_valid = o->isn_set;
	an->rel_ack = o->isn_set ? t->ack - o->isn : t->ack;
	an->wscale = d->wscale;
	an->scaled = !(t->flags & TCP_SYN) && d->syn && o->syn && d->wscale >= 0 && o->wscale >= 0;
	an->win_scaled = an->scaled ? (uint32_t)t->win << d->wscale : t->win;
}
