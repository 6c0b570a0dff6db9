/* Scenario flow-control: a receiver with a small receive buffer (8 KiB)
 * that does not read for 2 s (4 s without --short), a sender writing
 * in bulk, window scaling off so the window field is in bytes. From the
 * capture on the sender's link: the window shrinks to 0; the sender keeps
 * the connection alive with zero-window probes whose gaps double (the
 * persist timer's backoff); when the receiver reads, its window update
 * restarts the sender at once. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tcplab/bulk.h"
#include "tcplab/cap.h"
#include "tcplab/ns.h"
#include "tcplab/peer.h"
#include "tcplab/scen.h"
#include "tcplab/segs.h"
#include "tcplab/sock.h"
#include "tcplab/svgout.h"

#define FC_RCVBUF 4096              /* the kernel doubles it */

struct fc_shared {
	struct tl_bulk b;           /* the sender's (tl_bulk_sender) */
	volatile int listening;
	int64_t pause_us;
};

static int fc_receiver(void *arg)
{
	struct fc_shared *sh = arg;
	int l = tl_listen(TL_PORT, 0, 8), buf = FC_RCVBUF;

	if (l < 0)
		return 1;
	/* set before the connection exists: its window starts small */
	setsockopt(l, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
	sh->listening = 1;
	int s = tl_accept(l, 5000);

	if (s < 0)
		return 1;
	tl_sleep_us(sh->pause_us); /* the slow reader */
	tl_read_n(s, 0, 20000);
	close(s);
	close(l);
	return 0;
}

int tl_sc_flow(struct tl_ctx *c, struct tl_verdict *v)
{
	struct tl_lab lab;
	struct tl_link link;
	struct tl_cap cap;
	struct fc_shared *sh = tl_shared(sizeof *sh);
	struct tl_seg *segs = NULL;
	int rc = -1;

	tl_link_from(c, 20, &link);
	if (!sh || tl_lab_up(&lab, &link) < 0) {
		tl_shared_free(sh, sizeof *sh);
		snprintf(v->line, sizeof v->line, "the lab could not be built");
		return -1;
	}
	tl_ns_sysctl(lab.ns[TL_RCV], "net.ipv4.tcp_window_scaling", "0");
	if (tl_cap_open(&cap, lab.ns[TL_SND], TL_SND_IF, c->o->pcap) < 0)
		goto out;
	sh->pause_us = c->o->shortform ? 2000000 : 4000000;
	sh->b.run_us = sh->pause_us + 500000;
	pid_t r = tl_peer_start(lab.ns[TL_RCV], fc_receiver, sh);

	if (r < 0 || tl_wait_flag(&sh->listening, 5000) < 0) {
		if (r > 0)
			tl_peer_wait(r, 0);
		goto out;
	}
	pid_t s = tl_peer_start(lab.ns[TL_SND], tl_bulk_sender, &sh->b);
	int st = tl_cap_wait_peer(&cap, s, (uint64_t)sh->b.run_us / 1000 + 10000);

	tl_peer_wait(r, 10000);
	if (st != 0 || !sh->b.port)
		goto out;
	rc = 0;
	size_t n;
	struct tl_zwin z;

	segs = tl_cap_conn(&cap, sh->b.port, &n);
	if (!segs)
		goto out;
	tl_zero_window(segs, n, &z);
	int64_t t0 = n ? segs[0].t_us : 0, rtt = (int64_t)link.delay_us;
	char gaps[256] = "";
	size_t used = 0, doubled = 0, nratio = 0;

	for (size_t i = 0; i < z.nprobes && used < sizeof gaps; i++) {
		int64_t from = i ? z.t_probe_us[i - 1] : z.t_zero_us;

		used += (size_t)snprintf(gaps + used, sizeof gaps - used, "%s%.0f", i ? ", " : "",
					 (double)(z.t_probe_us[i] - from) / 1000.0);
		if (i >= 1) {
			int64_t before = z.t_probe_us[i - 1] - (i >= 2 ? z.t_probe_us[i - 2] : z.t_zero_us);
			double q = (double)(z.t_probe_us[i] - z.t_probe_us[i - 1]) / (double)before;

			nratio++;
			doubled += q >= 1.6 && q <= 2.4;
		}
		tl_emit(c, "probe", json_pack("{s:i,s:f}", "probe", (int)i + 1, "t_s",
					       (double)(z.t_probe_us[i] - t0) / 1e6));
	}
	bool probes_ok = z.nprobes >= 3 && nratio >= 2 && doubled == nratio;
	bool restart = z.t_open_us >= 0 && z.t_resume_us >= 0 &&
		       z.t_resume_us - z.t_open_us < rtt / 2 + 10000;

	tl_say(c, "  a receiver with an %d-byte receive buffer that reads nothing for %.1f s; "
		  "window scaling off; %.0f ms round trip",
	       2 * FC_RCVBUF, (double)sh->pause_us / 1e6, (double)rtt / 1000.0);
	tl_say(c, "    %s the window reached 0 at %.3f s", tl_mark(z.closed),
	       (double)(z.t_zero_us - t0) / 1e6);
	tl_say(c, "    %s %zu zero-window probes, gaps %s ms (from the zero window on): the "
		  "persist timer backs off, %zu of %zu gaps doubled",
	       tl_mark(probes_ok), z.nprobes, gaps, doubled, nratio);
	tl_say(c, "    %s the window update at %.3f s; the sender's next data %.3f ms after it",
	       tl_mark(restart), (double)(z.t_open_us - t0) / 1e6,
	       (double)(z.t_resume_us - z.t_open_us) / 1000.0);
	tl_report_fwd(c, &lab);
	tl_svg_report(c, &sh->b.samples, &cap, sh->b.port);
	tl_emit(c, "flow_control",
		json_pack("{s:b,s:i,s:i,s:i,s:f,s:b}", "zero_window", z.closed, "probes",
			  (int)z.nprobes, "ratios", (int)nratio, "doubled", (int)doubled,
			  "resume_after_update_ms",
			  z.t_open_us >= 0 && z.t_resume_us >= 0
				  ? (double)(z.t_resume_us - z.t_open_us) / 1000.0
				  : -1.0,
			  "restarted", restart));
	v->seen = z.closed && probes_ok && restart;
	snprintf(v->line, sizeof v->line,
		 "window 0 at %.3f s; %zu probes, gaps %s ms; the update restarted the sender in "
		 "%.3f ms",
		 (double)(z.t_zero_us - t0) / 1e6, z.nprobes, gaps,
		 (double)(z.t_resume_us - z.t_open_us) / 1000.0);
out:
	if (rc < 0)
		snprintf(v->line, sizeof v->line, "a peer failed or the capture could not be opened");
	free(segs);
	tl_cap_close(&cap);
	tl_lab_free(&lab);
	tl_shared_free(sh, sizeof *sh);
	return rc;
}
