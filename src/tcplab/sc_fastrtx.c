/* Scenario fast-retransmit: a bulk transfer over a 20 ms round trip, the
 * sender on Reno, the lab dropping one data segment (--drop, default the
 * 40th, in slow start's third round). From the capture on the sender's
 * link: the duplicate ACKs the loss causes and the retransmission, which
 * must come on the 3rd duplicate ACK, long before the retransmission timer
 * (TCP_INFO's rto) would fire. From TCP_INFO: ssthresh ≈ cwnd/2 at the
 * loss, the Recovery state and its end (back to Open on the new ACK). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcplab/bulk.h"
#include "tcplab/cap.h"
#include "tcplab/ns.h"
#include "tcplab/peer.h"
#include "tcplab/rec_bpf.h"
#include "tcplab/scen.h"
#include "tcplab/segs.h"
#include "tcplab/ssround.h"
#include "tcplab/svgout.h"

#define FR_DEFAULT_DROP 40

enum { CA_OPEN = 0, CA_RECOVERY = 3, CA_LOSS = 4 };

/* What TCP_INFO says around the loss. */
struct fr_state {
	bool found;
	uint32_t cwnd_before, ssthresh, cwnd_after;
	bool recovery, loss_state;
	int64_t t_recovery_us, t_open_us, rto_us;
};

static void fr_samples(const struct tl_samples *sm, struct fr_state *f)
{
	memset(f, 0, sizeof *f);
	for (size_t i = 0; i < sm->n; i++) {
		const struct tl_sample *x = &sm->v[i];

		if (!f->found) {
			if (x->ssthresh < TL_SS_INFINITE) {
				f->found = true;
				f->ssthresh = x->ssthresh;
				f->cwnd_after = x->cwnd;
				f->cwnd_before = i ? sm->v[i - 1].cwnd : x->cwnd;
				f->rto_us = i ? sm->v[i - 1].rto_us : x->rto_us;
			} else {
				continue;
			}
		}
		if (x->ca_state == CA_RECOVERY && !f->recovery) {
			f->recovery = true;
			f->t_recovery_us = x->t_us;
		}
		if (x->ca_state == CA_LOSS)
			f->loss_state = true;
		if (f->recovery && x->ca_state == CA_OPEN && !f->t_open_us)
			f->t_open_us = x->t_us;
	}
}

/* Is ss half of w, within 15 % or 2 segments? */
static bool near_half(uint32_t ss, uint32_t w)
{
	double half = w / 2.0, tol = half * 0.15 > 2 ? half * 0.15 : 2;

	return w && ss >= half - tol && ss <= half + tol;
}

/* Segments in flight when the retransmission left: the highest byte sent
 * before it minus the lost segment's start, in segments of its size. */
static uint32_t fr_flight(const struct tl_seg *s, size_t rtx, uint32_t una, uint32_t mss)
{
	uint32_t high = una;

	for (size_t i = 0; i < rtx; i++)
		if (s[i].out && s[i].len && (int32_t)(s[i].seq + s[i].len - high) > 0)
			high = s[i].seq + s[i].len;
	return mss ? (high - una + mss - 1) / mss : 0;
}

/* The kernel's own word (tcp_cong_state_set, tcp_retransmit_skb): when
 * Recovery began and ended, and the retransmission the capture saw. */
static void fr_kernel(const struct tl_ctx *c, struct tl_bpfrec *kr, int64_t t_rtx, int64_t t0)
{
	if (!kr)
		return;
	tl_bpfrec_stop(kr);
	const struct tl_kev *rec = tl_bpfrec_state(kr->evs, kr->nevs, CA_RECOVERY, 0);
	const struct tl_kev *rtx = NULL, *open = NULL;

	for (size_t i = 0; i < kr->nevs && !rtx; i++)
		if (kr->evs[i].kind == TL_KEV_RETRANSMIT)
			rtx = &kr->evs[i];
	if (rec)
		open = tl_bpfrec_state(kr->evs, kr->nevs, CA_OPEN, rec->t_us);
	if (rec)
		tl_say(c, "    Recovery entered at %.3f s (tcp_cong_state_set, from %s): cwnd %u, "
			  "ssthresh %u = %.2f × that cwnd, as the state changed%s",
		       (double)(rec->t_us - t0) / 1e6, tl_ca_name(rec->from), rec->cwnd,
		       rec->ssthresh, rec->cwnd ? (double)rec->ssthresh / rec->cwnd : 0.0,
		       open ? "" : "; not left while recorded");
	else
		tl_say(c, "    the kernel never entered Recovery (tcp_cong_state_set)");
	if (open)
		tl_say(c, "    Open again at %.3f s (tcp_cong_state_set), %.1f ms later",
		       (double)(open->t_us - t0) / 1e6, (double)(open->t_us - rec->t_us) / 1000.0);
	if (rtx)
		tl_say(c, "    the kernel's first retransmission: seq %u, %u bytes, at %.3f s in %s "
			  "(tcp_retransmit_skb)%s",
		       rtx->seq, rtx->len, (double)(rtx->t_us - t0) / 1e6, tl_ca_name(rtx->ca_state),
		       t_rtx ? "" : "; the capture saw none");
	tl_bpfrec_report(c, kr, t0, NULL);
}

int tl_sc_fastrtx(struct tl_ctx *c, struct tl_verdict *v)
{
	struct tl_lab lab;
	struct tl_link link;
	struct tl_cap cap;
	struct tl_bulk *b = tl_shared(sizeof *b);
	struct tl_seg *segs = NULL;
	struct tl_bpfrec *kr = NULL;
	int rc = -1;

	tl_link_from(c, 20, &link);
	if (!c->o->drop_set) {
		link.drop.drop[0] = FR_DEFAULT_DROP;
		link.drop.ndrop = 1;
	}
	if (!b || tl_lab_up(&lab, &link) < 0) {
		tl_shared_free(b, sizeof *b);
		snprintf(v->line, sizeof v->line, "the lab could not be built");
		return -1;
	}
	snprintf(b->cc, sizeof b->cc, "%s", tl_cc(c, "reno"));
	tl_ns_sysctl(lab.ns[TL_SND], "net.ipv4.tcp_no_metrics_save", "1");
	/* a send buffer that never runs dry: the sender is limited by cwnd */
	tl_ns_sysctl(lab.ns[TL_SND], "net.ipv4.tcp_wmem", "4096 4194304 16777216");
	if (tl_cap_open(&cap, lab.ns[TL_SND], TL_SND_IF, c->o->pcap) < 0)
		goto out;
	b->run_us = c->o->shortform ? 500000 : 1000000;
	kr = tl_bpfrec_start(c, lab.ns[TL_SND]);
	pid_t r = tl_peer_start(lab.ns[TL_RCV], tl_bulk_receiver, b);

	if (r < 0 || tl_wait_flag(&b->listening, 5000) < 0) {
		if (r > 0)
			tl_peer_wait(r, 0);
		goto out;
	}
	pid_t s = tl_peer_start(lab.ns[TL_SND], tl_bulk_sender, b);
	int st = tl_cap_wait_peer(&cap, s, (uint64_t)b->run_us / 1000 + 10000);

	tl_peer_wait(r, 10000);
	/* what the receiver read, per second: bench/tcplab.sh's cost of observing */
	double mbit = b->recv_us > 0 ? (double)b->received * 8.0 / (double)b->recv_us : 0.0;

	tl_emit(c, "goodput",
		json_pack("{s:I,s:f,s:f,s:b}", "bytes", (json_int_t)b->received, "seconds",
			  (double)b->recv_us / 1e6, "mbit", mbit, "observed", tl_observing()));
	if (st != 0 || !b->port)
		goto out;
	rc = 0;
	size_t n;
	struct tl_rtx x;
	struct fr_state f;

	segs = tl_cap_conn(&cap, b->port, &n);
	if (!segs)
		goto out;
	tl_first_rtx(segs, n, &x);
	fr_samples(&b->samples, &f);
	int64_t t0 = n ? segs[0].t_us : 0;
	const struct tl_fwdstats *fw = lab.fwd;

	tl_say(c, "  bulk for %.1f s over a %.0f ms round trip, %s; the lab dropped data segment "
		  "%llu",
	       (double)b->run_us / 1e6, (double)link.delay_us / 1000.0, b->cc,
	       (unsigned long long)(fw->dropped_rule ? fw->dropped_seg[0] : 0));
	bool before_rto = false, on_third = false, ss_half = false;
	uint32_t flight = 0;

	tl_say(c, "  the receiver read %.1f MB in %.3f s: %.1f Mbit/s", (double)b->received / 1e6,
	       (double)b->recv_us / 1e6, mbit);
	if (link.no_rack_tlp)
		tl_say(c, "  (RACK is off, --profile textbook: a segment is lost once 3 later ones "
			  "are SACKed — the lecture's 3 duplicate ACKs)");
	else
		tl_say(c, "  (Linux detects losses with RACK: a segment is lost once 3 later ones "
			  "are SACKed — the lecture's 3 duplicate ACKs — or a quarter RTT after a "
			  "later one was, when the duplicates come slowly)");

	if (x.found) {
		const struct tl_seg *o = &segs[x.orig], *t = &segs[x.rtx];
		int64_t after = t->t_us - o->t_us;

		before_rto = f.rto_us > 0 && after < f.rto_us;
		on_third = x.t_dup3_us && t->t_us >= x.t_dup3_us;
		flight = fr_flight(segs, x.rtx, o->seq, o->len);
		tl_say(c, "    the segment (seq %u, %u bytes) left at %.3f s", o->seq, o->len,
		       (double)(o->t_us - t0) / 1e6);
		if (x.dupacks >= 3)
			tl_say(c, "    %s %u duplicate ACKs came back (%u with SACK blocks); the 3rd "
				  "at %.3f s",
			       tl_mark(true), x.dupacks, x.sacked, (double)(x.t_dup3_us - t0) / 1e6);
		else if (x.t_dup3_us)
			tl_say(c, "    %s %u duplicate ACKs came back, whose SACK blocks covered %u "
				  "segments (the receiver acknowledged several in one ACK; Linux counts "
				  "SACKed segments, the lecture one duplicate ACK per segment); at %.3f s",
			       tl_mark(true), x.dupacks, x.sacked_segs,
			       (double)(x.t_dup3_us - t0) / 1e6);
		else
			tl_say(c, "    %s only %u duplicate ACKs came back before the retransmission",
			       tl_mark(false), x.dupacks);
		if (on_third)
			tl_say(c, "    %s retransmitted at %.3f s, %.3f ms after the 3rd duplicate ACK",
			       tl_mark(on_third), (double)(t->t_us - t0) / 1e6,
			       (double)(t->t_us - x.t_dup3_us) / 1000.0);
		tl_say(c, "    %s %.1f ms after the original: before the retransmission timer (rto "
			  "%.0f ms) could fire",
		       tl_mark(before_rto), (double)after / 1000.0, (double)f.rto_us / 1000.0);
	} else {
		tl_say(c, "    ✗ no retransmission was captured");
	}
	if (f.found) {
		/* the lecture (RFC 5681) halves FlightSize, Linux's Reno halves cwnd;
		 * for a sender limited by cwnd they are the same */
		bool by_flight = near_half(f.ssthresh, flight), by_cwnd = near_half(f.ssthresh, f.cwnd_before);

		ss_half = by_flight || by_cwnd;
		tl_say(c, "    %s ssthresh %u: FlightSize/2 = %u/2 (in flight when the 3rd duplicate ACK "
			  "came, from the capture: the lecture's max(FlightSize/2, 2·MSS)) %s; "
			  "cwnd/2 = %u/2 (TCP_INFO 1 ms before: Linux's Reno) %s",
		       tl_mark(ss_half), f.ssthresh, flight, by_flight ? "✓" : "✗", f.cwnd_before,
		       by_cwnd ? "✓" : "✗");
		if (f.recovery)
			tl_say(c, "    Recovery from %.3f s%s; cwnd then %u (Linux lowers it by PRR "
				  "rather than the lecture's ssthresh + 3·MSS window inflation)",
			       (double)(f.t_recovery_us - t0) / 1e6,
			       f.t_open_us ? "" : " (still in it when the samples ended)",
			       f.cwnd_after);
		if (f.t_open_us)
			tl_say(c, "    recovery ended on the new ACK at %.3f s, %.1f ms after it began",
			       (double)(f.t_open_us - t0) / 1e6,
			       (double)(f.t_open_us - f.t_recovery_us) / 1000.0);
	}
	fr_kernel(c, kr, x.found ? segs[x.rtx].t_us : 0, t0);
	tl_report_fwd(c, &lab);
	tl_svg_report(c, &b->samples, &cap, b->port);
	v->seen = x.found && on_third && before_rto && ss_half && f.recovery && !f.loss_state;
	tl_emit(c, "fast_retransmit",
		json_pack("{s:b,s:i,s:i,s:f,s:f,s:f,s:i,s:i,s:i,s:b,s:b,s:b,s:b,s:f}", "retransmitted",
			  x.found, "dupacks", (int)x.dupacks, "sacked_segments", (int)x.sacked_segs,
			  "after_dup3_ms",
			  x.found ? (double)(segs[x.rtx].t_us - x.t_dup3_us) / 1000.0 : -1.0,
			  "after_original_ms",
			  x.found ? (double)(segs[x.rtx].t_us - segs[x.orig].t_us) / 1000.0 : -1.0,
			  "rto_ms", (double)f.rto_us / 1000.0, "cwnd_before", (int)f.cwnd_before,
			  "ssthresh", (int)f.ssthresh, "flight_size", (int)flight, "ssthresh_is_half", ss_half, "recovery",
			  f.recovery, "loss_state", f.loss_state, "recovery_ended", f.t_open_us != 0,
			  "recovery_ms",
			  f.t_open_us ? (double)(f.t_open_us - f.t_recovery_us) / 1000.0 : -1.0));
	snprintf(v->line, sizeof v->line,
		 "%u duplicate ACKs → fast retransmit %.3f ms after the 3rd, %.0f ms before the "
		 "rto; ssthresh %u (= FlightSize %u / 2)",
		 x.dupacks, x.found ? (double)(segs[x.rtx].t_us - x.t_dup3_us) / 1000.0 : -1.0,
		 x.found ? (double)(f.rto_us - (segs[x.rtx].t_us - segs[x.orig].t_us)) / 1000.0 : 0.0,
		 f.ssthresh, flight);
out:
	if (rc < 0)
		snprintf(v->line, sizeof v->line, "a peer failed or the capture could not be opened");
	free(segs);
	tl_bpfrec_close(kr);
	tl_cap_close(&cap);
	tl_lab_free(&lab);
	tl_shared_free(b, sizeof *b);
	return rc;
}
