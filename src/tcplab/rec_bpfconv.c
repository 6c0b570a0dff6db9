/* The kernel recorder's records as samples and events (see rec_bpf.h):
 * pure, so the unit tests check them on made-up records. */
#include "tcplab/rec_bpf.h"

#include <string.h>

#include "tcplab/bpf/probe.h"

bool tl_bpfrec_to_probe(const struct probe_rec *r, struct tl_probe *out)
{
	if (r->kind != PROBE_SAMPLE)
		return false;
	memset(out, 0, sizeof *out);
	out->s = (struct tl_sample){
		.t_us = (int64_t)(r->ts / 1000),
		.cwnd = r->snd_cwnd,
		.ssthresh = r->snd_ssthresh,
		.srtt_us = r->srtt_us,
		.rttvar_us = r->mdev_us,
		.unacked = r->packets_out,
		.retrans = r->retrans_out,
		.lost = r->lost_out,
		.sacked = r->sacked_out,
		.total_retrans = r->total_retrans,
		.snd_mss = r->mss,
		.ca_state = r->ca_state,
		.snd_wnd = r->snd_wnd,
	};
	out->snd_una = r->snd_una;
	out->snd_nxt = r->snd_nxt;
	out->rcv_wnd = r->rcv_wnd;
	out->data_len = r->data_len;
	out->sport = r->sport;
	out->dport = r->dport;
	out->cookie = r->cookie;
	return true;
}

bool tl_bpfrec_to_kev(const struct probe_rec *r, struct tl_kev *out)
{
	if (r->kind != PROBE_CONG_STATE && r->kind != PROBE_RETRANSMIT)
		return false;
	memset(out, 0, sizeof *out);
	out->t_us = (int64_t)(r->ts / 1000);
	out->cwnd = r->snd_cwnd;
	out->ssthresh = r->snd_ssthresh;
	out->cookie = r->cookie;
	if (r->kind == PROBE_CONG_STATE) {
		out->kind = TL_KEV_CONG_STATE;
		out->from = r->ca_state;
		out->to = r->new_state;
	} else {
		out->kind = TL_KEV_RETRANSMIT;
		out->seq = r->seq;
		/* a SYN or FIN counts one in end_seq; data only here */
		out->len = r->end_seq - r->seq;
		out->ca_state = r->ca_state;
	}
	return true;
}

const struct tl_kev *tl_bpfrec_state(const struct tl_kev *v, size_t n, unsigned to, int64_t t_us)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].kind == TL_KEV_CONG_STATE && v[i].to == to && v[i].t_us >= t_us)
			return &v[i];
	return NULL;
}

size_t tl_bpfrec_count_rtx(const struct tl_kev *v, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += v[i].kind == TL_KEV_RETRANSMIT;
	return k;
}
