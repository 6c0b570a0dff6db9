/* Scenario congestion-avoidance: a bulk transfer over a 50 ms round trip
 * and a 100 Mbit/s bottleneck with a 100-packet queue, once on Reno and
 * once on CUBIC. Slow start ends at the first loss; after recovery the
 * sender is past ssthresh. From TCP_INFO: the reduction at the loss
 * (Reno: ssthresh = cwnd/2; CUBIC: ×0.7) and cwnd once per round trip
 * afterwards: Reno grows by about one segment per RTT (a straight line);
 * CUBIC follows its curve, concave towards the cwnd of the loss. */
#include <stdio.h>

#include "tcplab/bulk.h"
#include "tcplab/caround.h"
#include "tcplab/ns.h"
#include "tcplab/peer.h"
#include "tcplab/rec_bpf.h"
#include "tcplab/scen.h"
#include "tcplab/svgout.h"

static int one_case(struct tl_ctx *c, struct tl_lab *lab, const char *cc, int64_t run_us,
		    int64_t rtt, struct tl_ca *ca)
{
	struct tl_bulk *b = tl_shared(sizeof *b);
	struct tl_bpfrec *kr = NULL;
	int rc = -1;

	if (!b)
		return -1;
	/* per socket: a namespace may default only to what the host allows */
	snprintf(b->cc, sizeof b->cc, "%s", cc);
	b->run_us = run_us;
	kr = tl_bpfrec_start(c, lab->ns[TL_SND]);
	pid_t r = tl_peer_start(lab->ns[TL_RCV], tl_bulk_receiver, b);

	if (r < 0 || tl_wait_flag(&b->listening, 5000) < 0) {
		if (r > 0)
			tl_peer_wait(r, 0);
		goto out;
	}
	pid_t s = tl_peer_start(lab->ns[TL_SND], tl_bulk_sender, b);
	int st = s < 0 ? -1 : tl_peer_wait(s, (uint64_t)run_us / 1000 + 10000);

	tl_peer_wait(r, 10000);
	if (st != 0)
		goto out;
	tl_ca_read(b->samples.v, b->samples.n, rtt, ca);
	if (!c->svg) /* the picture: of the first case, Reno */
		tl_svg_report(c, &b->samples, NULL, 0);
	char seq[768] = "";
	size_t used = 0;

	for (size_t i = 0; i < ca->n && used < sizeof seq; i++)
		used += (size_t)snprintf(seq + used, sizeof seq - used, "%s%u", i ? " " : "",
					 ca->cwnd[i]);
	tl_say(c, "    %s: loss at cwnd %u → ssthresh %u (×%.2f); after recovery (ssthresh then %u), "
		  "cwnd per RTT: %s",
	       cc, ca->cwnd_at_loss, ca->ssthresh, ca->beta, ca->ssthresh_open, seq);
	tl_say(c, "      growth per RTT: median %+.1f segments; %+.2f over the first third, %+.2f over "
		  "the last",
	       ca->inc_median, ca->inc_first, ca->inc_last);
	for (size_t i = 0; i < ca->n; i++)
		tl_emit(c, "ca_round", json_pack("{s:s,s:i,s:i}", "cc", cc, "rtt", (int)i, "cwnd",
						  (int)ca->cwnd[i]));
	tl_bpfrec_report(c, kr, b->samples.n ? b->samples.v[0].t_us : 0, cc);
	rc = 0;
out:
	tl_bpfrec_close(kr);
	tl_shared_free(b, sizeof *b);
	return rc;
}

int tl_sc_cavoid(struct tl_ctx *c, struct tl_verdict *v)
{
	struct tl_lab lab;
	struct tl_link link;
	struct tl_ca reno, cubic;
	int64_t run = c->o->shortform ? 2000000 : 4000000;
	int rc = -1;

	tl_link_from(c, 50, &link);
	if (!link.rate)
		link.rate = "100mbit";
	if (!link.queue)
		link.queue = 100;
	if (tl_lab_up(&lab, &link) < 0) {
		tl_lab_free(&lab);
		snprintf(v->line, sizeof v->line, "the lab could not be built");
		return -1;
	}
	tl_ns_sysctl(lab.ns[TL_SND], "net.ipv4.tcp_no_metrics_save", "1");
	tl_ns_sysctl(lab.ns[TL_SND], "net.ipv4.tcp_wmem", "4096 4194304 16777216");
	tl_ns_sysctl(lab.ns[TL_RCV], "net.ipv4.tcp_rmem", "4096 4194304 16777216");
	tl_say(c, "  bulk for %.1f s, %.0f ms round trip, %s bottleneck, queue %zu packets",
	       (double)run / 1e6, (double)link.delay_us / 1000.0, link.rate, link.queue);
	if (one_case(c, &lab, "reno", run, (int64_t)link.delay_us, &reno) < 0 ||
	    one_case(c, &lab, "cubic", run, (int64_t)link.delay_us, &cubic) < 0)
		goto out;
	rc = 0;
	bool reno_ok = reno.recovered && reno.n >= 8 && reno.inc_median >= 0.5 &&
		       reno.inc_median <= 1.5 && reno.beta >= 0.4 && reno.beta <= 0.6;
	bool cubic_ok = cubic.recovered && cubic.n >= 8 && cubic.beta >= 0.6 && cubic.beta <= 0.8 &&
			cubic.inc_last < cubic.inc_first;

	tl_say(c, "    %s Reno: ×%.2f at the loss (the lecture's cwnd/2), then %+.1f segment per "
		  "RTT: additive increase",
	       tl_mark(reno_ok), reno.beta, reno.inc_median);
	tl_say(c, "    %s CUBIC: ×%.2f at the loss (its β = 0.7), then its curve: %+.2f per RTT at "
		  "first, %+.2f at the end (concave while below the cwnd of the loss)",
	       tl_mark(cubic_ok), cubic.beta, cubic.inc_first, cubic.inc_last);
	tl_report_fwd(c, &lab);
	tl_emit(c, "congestion_avoidance",
		json_pack("{s:{s:f,s:f,s:i,s:b},s:{s:f,s:f,s:f,s:i,s:b},s:b,s:b}", "reno", "beta",
			  reno.beta, "inc_median", reno.inc_median, "rounds", (int)reno.n,
			  "recovered", reno.recovered, "cubic", "beta", cubic.beta, "inc_first",
			  cubic.inc_first, "inc_last", cubic.inc_last, "rounds", (int)cubic.n,
			  "recovered", cubic.recovered, "reno_ok", reno_ok, "cubic_ok", cubic_ok));
	v->seen = reno_ok && cubic_ok;
	snprintf(v->line, sizeof v->line,
		 "Reno: ×%.2f at the loss, then %+.1f segment/RTT; CUBIC: ×%.2f, then %+.2f → %+.2f "
		 "per RTT",
		 reno.beta, reno.inc_median, cubic.beta, cubic.inc_first, cubic.inc_last);
out:
	if (rc < 0)
		snprintf(v->line, sizeof v->line, "a peer failed");
	tl_lab_free(&lab);
	return rc;
}
