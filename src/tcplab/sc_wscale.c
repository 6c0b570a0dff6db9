/* Scenario window-scale: a long fat pipe (100 ms round trip, 50 Mbit/s:
 * 625 KB in flight to fill it), a bulk transfer with window scaling off at
 * both ends and then on. Without it the receive window cannot pass
 * 65535 bytes, so the sender moves at most 64 KiB per round trip; with it
 * the window opens to the pipe. Goodput from TCP_INFO's bytes_acked over
 * the second half of each transfer (after slow start). */
#include <stdio.h>
#include <string.h>

#include "tcplab/bulk.h"
#include "tcplab/ns.h"
#include "tcplab/peer.h"
#include "tcplab/scen.h"
#include "tcplab/svgout.h"

#define WS_RATE "50mbit"
#define WS_RATE_BPS 50e6

/* Goodput (bits per second) over the second half of the samples' span. */
static double goodput(const struct tl_samples *sm, int64_t *srtt_us)
{
	if (sm->n < 10)
		return 0;
	const struct tl_sample *a = &sm->v[sm->n / 2], *b = &sm->v[sm->n - 1];

	*srtt_us = b->srtt_us;
	if (b->t_us <= a->t_us)
		return 0;
	return (double)(b->bytes_acked - a->bytes_acked) * 8.0 * 1e6 / (double)(b->t_us - a->t_us);
}

static int one_case(struct tl_ctx *c, struct tl_lab *lab, const char *cc, bool scaling,
		    int64_t run_us, double *bps, int64_t *srtt_us)
{
	struct tl_bulk *b = tl_shared(sizeof *b);
	int rc = -1;

	if (!b)
		return -1;
	for (int i = TL_SND; i <= TL_RCV; i += 2)
		tl_ns_sysctl(lab->ns[i], "net.ipv4.tcp_window_scaling", scaling ? "1" : "0");
	b->run_us = run_us;
	if (cc)
		snprintf(b->cc, sizeof b->cc, "%s", cc);
	pid_t r = tl_peer_start(lab->ns[TL_RCV], tl_bulk_receiver, b);

	if (r < 0 || tl_wait_flag(&b->listening, 5000) < 0) {
		if (r > 0)
			tl_peer_wait(r, 0);
		goto out;
	}
	pid_t s = tl_peer_start(lab->ns[TL_SND], tl_bulk_sender, b);
	int st = s < 0 ? -1 : tl_peer_wait(s, (uint64_t)run_us / 1000 + 10000);

	tl_peer_wait(r, 10000);
	if (st == 0) {
		*bps = goodput(&b->samples, srtt_us);
		if (!scaling) /* the picture: of the case the window holds back */
			tl_svg_report(c, &b->samples, NULL, 0);
		rc = 0;
	}
out:
	tl_shared_free(b, sizeof *b);
	return rc;
}

int tl_sc_wscale(struct tl_ctx *c, struct tl_verdict *v)
{
	struct tl_lab lab;
	struct tl_link link;
	double off = 0, on = 0;
	int64_t rtt_off = 0, rtt_on = 0, run = c->o->shortform ? 2000000 : 4000000;
	int rc = -1;

	tl_link_from(c, 100, &link);
	if (!link.rate)
		link.rate = WS_RATE;
	if (tl_lab_up(&lab, &link) < 0) {
		tl_lab_free(&lab);
		snprintf(v->line, sizeof v->line, "the lab could not be built");
		return -1;
	}
	tl_ns_sysctl(lab.ns[TL_SND], "net.ipv4.tcp_wmem", "4096 4194304 16777216");
	tl_ns_sysctl(lab.ns[TL_RCV], "net.ipv4.tcp_rmem", "4096 131072 16777216");
	tl_ns_sysctl(lab.ns[TL_SND], "net.ipv4.tcp_no_metrics_save", "1");
	if (one_case(c, &lab, tl_cc(c, NULL), false, run, &off, &rtt_off) < 0 ||
	    one_case(c, &lab, tl_cc(c, NULL), true, run, &on, &rtt_on) < 0)
		goto out;
	rc = 0;
	double rtt = (double)link.delay_us / 1e6;
	double cap = 65535.0 * 8.0 / rtt; /* the unscaled window's limit */
	bool off_ok = off >= 0.6 * cap && off <= 1.1 * cap;
	bool on_ok = on >= 3 * off && on >= 0.5 * WS_RATE_BPS;
	bool own_rate = link.rate && strcmp(link.rate, WS_RATE) != 0;

	tl_say(c, "  a long fat pipe: %.0f ms round trip, %s: %.0f KB in flight fill it",
	       rtt * 1000, link.rate, own_rate ? 0.0 : WS_RATE_BPS * rtt / 8 / 1000);
	tl_say(c, "    %s window scaling off: %.2f Mbit/s (64 KiB per round trip allows %.2f; "
		  "smoothed RTT %.0f ms)",
	       tl_mark(off_ok), off / 1e6, cap / 1e6, (double)rtt_off / 1000.0);
	tl_say(c, "    %s window scaling on: %.2f Mbit/s (×%.1f; smoothed RTT %.0f ms, the queue "
		  "included)",
	       tl_mark(on_ok), on / 1e6, off > 0 ? on / off : 0, (double)rtt_on / 1000.0);
	tl_report_fwd(c, &lab);
	tl_emit(c, "window_scale",
		json_pack("{s:f,s:f,s:f,s:f,s:b,s:b}", "rtt_ms", rtt * 1000, "off_mbit", off / 1e6,
			  "on_mbit", on / 1e6, "unscaled_limit_mbit", cap / 1e6, "off_ok", off_ok,
			  "on_ok", on_ok));
	v->seen = off_ok && on_ok;
	snprintf(v->line, sizeof v->line,
		 "without window scaling %.2f Mbit/s (64 KiB/RTT = %.2f), with it %.2f Mbit/s", off / 1e6,
		 cap / 1e6, on / 1e6);
out:
	if (rc < 0)
		snprintf(v->line, sizeof v->line, "a peer failed");
	tl_lab_free(&lab);
	return rc;
}
