/* Scenario slow-start: a bulk transfer over a 50 ms round trip and a
 * 100 Mbit/s bottleneck with a short queue, the sender on Reno (no
 * HyStart: the lecture's slow start). TCP_INFO samples every millisecond;
 * cwnd read once per round trip from the first data on gives the ratio per
 * RTT, until the first loss (or ssthresh set). Signature: ×1.5 to ×2.5 per
 * RTT over at least three round trips. */
#include <stdio.h>
#include <string.h>

#include "tcplab/bulk.h"
#include "tcplab/ns.h"
#include "tcplab/peer.h"
#include "tcplab/rec.h"
#include "tcplab/rec_bpf.h"
#include "tcplab/scen.h"
#include "tcplab/sock.h"
#include "tcplab/ssround.h"
#include "tcplab/svgout.h"

int tl_sc_slowstart(struct tl_ctx *c, struct tl_verdict *v)
{
	struct tl_lab lab;
	struct tl_link link;
	struct tl_bulk *sh = tl_shared(sizeof *sh);
	struct tl_bpfrec *kr = NULL;
	int rc = -1;

	tl_link_from(c, 50, &link);
	if (!link.rate)
		link.rate = "100mbit";
	if (!link.queue)
		link.queue = 100;
	if (!sh || tl_lab_up(&lab, &link) < 0) {
		tl_shared_free(sh, sizeof *sh);
		snprintf(v->line, sizeof v->line, "the lab could not be built");
		return -1;
	}
	snprintf(sh->cc, sizeof sh->cc, "%s", tl_cc(c, "reno"));
	tl_ns_sysctl(lab.ns[TL_SND], "net.ipv4.tcp_no_metrics_save", "1");
	tl_ns_sysctl(lab.ns[TL_SND], "net.ipv4.tcp_wmem", "4096 4194304 16777216");
	tl_ns_sysctl(lab.ns[TL_RCV], "net.ipv4.tcp_rmem", "4096 4194304 16777216");
	sh->run_us = c->o->shortform ? 1000000 : 2500000;
	kr = tl_bpfrec_start(c, lab.ns[TL_SND]);
	pid_t r = tl_peer_start(lab.ns[TL_RCV], tl_bulk_receiver, sh);

	if (r < 0 || tl_wait_flag(&sh->listening, 5000) < 0) {
		if (r > 0)
			tl_peer_wait(r, 0);
		goto out;
	}
	pid_t s = tl_peer_start(lab.ns[TL_SND], tl_bulk_sender, sh);
	int st = s < 0 ? -1 : tl_peer_wait(s, (uint64_t)sh->run_us / 1000 + 10000);

	tl_peer_wait(r, 10000);
	if (st != 0 || sh->samples.n < 10)
		goto out;
	rc = 0;
	const struct tl_samples *sm = &sh->samples;
	int64_t rtt = (int64_t)link.delay_us, t0 = sm->v[0].t_us;
	struct tl_ss ss;
	char seq[512] = "";
	size_t used = 0, nlim = 0;

	tl_ss_read(sm->v, sm->n, rtt, &ss);
	for (size_t j = 0; j < ss.n && used < sizeof seq; j++) {
		used += (size_t)snprintf(seq + used, sizeof seq - used, "%s%u%s", j ? " → " : "",
					 ss.r[j].cwnd, ss.r[j].rwnd_limited ? "*" : "");
		nlim += ss.r[j].rwnd_limited;
		tl_emit(c, "rtt_round",
			json_pack("{s:i,s:i,s:f,s:b}", "rtt", (int)j, "cwnd", (int)ss.r[j].cwnd,
				  "ratio", ss.r[j].ratio, "rwnd_limited", ss.r[j].rwnd_limited));
	}
	for (size_t j = 0; j < sm->n; j++)
		tl_emit(c, "sample",
			json_pack("{s:f,s:i,s:I,s:I,s:i,s:i,s:I}", "t_s",
				  (double)(sm->v[j].t_us - t0) / 1e6, "cwnd", (int)sm->v[j].cwnd,
				  "ssthresh", (json_int_t)sm->v[j].ssthresh, "srtt_us",
				  (json_int_t)sm->v[j].srtt_us, "unacked", (int)sm->v[j].unacked,
				  "total_retrans", (int)sm->v[j].total_retrans, "snd_wnd",
				  (json_int_t)sm->v[j].snd_wnd));
	tl_say(c, "  TCP_INFO every 1 ms (%zu samples), %s, round trip %.0f ms, %s bottleneck, "
		  "queue %zu packets",
	       sm->n, sh->cc, (double)rtt / 1000.0, link.rate, link.queue);
	tl_say(c, "  cwnd once per RTT: %s segments", seq);
	if (nlim)
		tl_say(c, "  (* the receiver's window, not cwnd, held the sender back in that round: "
			  "Linux opens it from 64 KiB as the data comes, so cwnd cannot grow there; "
			  "those rounds are left out of the ratio)");
	if (ss.loss) {
		const struct tl_sample *x = &sm->v[ss.loss_sample];

		tl_say(c, "  first loss at %.3f s (queue full at the bottleneck): ssthresh %u, cwnd %u "
			  "— slow start ends there",
		       (double)(x->t_us - t0) / 1e6, x->ssthresh, x->cwnd);
	}
	tl_bpfrec_report(c, kr, t0, NULL);
	v->seen = ss.nratios >= 3 && ss.ratio_median >= 1.6 && ss.ratio_median <= 2.4;
	tl_say(c, "  %s ×%.2f per RTT (median over %zu round trips the window did not hold back)",
	       tl_mark(v->seen), ss.ratio_median, ss.nratios);
	tl_emit(c, "slow_start",
		json_pack("{s:i,s:i,s:f,s:b,s:f}", "rounds", (int)ss.n, "ratios", (int)ss.nratios,
			  "ratio_median", ss.ratio_median, "loss", ss.loss, "rtt_ms",
			  (double)rtt / 1000.0));
	snprintf(v->line, sizeof v->line,
		 "slow start: cwnd %.400s segments in %zu RTTs (×%.2f per RTT)%s", seq, ss.n ? ss.n - 1 : 0,
		 ss.ratio_median, ss.loss ? ", then a loss" : "");
	tl_report_fwd(c, &lab);
	tl_svg_report(c, sm, NULL, 0); /* no capture here: TCP_INFO only */
out:
	if (rc < 0)
		snprintf(v->line, sizeof v->line, "a peer failed");
	tl_bpfrec_close(kr);
	tl_lab_free(&lab);
	tl_shared_free(sh, sizeof *sh);
	return rc;
}
