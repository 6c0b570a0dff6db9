/* Scenario sack: three data segments lost in one window (the 40th, 44th
 * and 48th, in slow start's third round) over a 40 ms round trip, once
 * with SACK at both ends and once without. From the capture: with SACK
 * the three holes are retransmitted together and all repaired in about
 * one round trip; without it (NewReno: each partial ACK reveals the next
 * hole) one per round trip. The SACK blocks of the first duplicate ACK
 * are shown as the lecture's half-open intervals (byte offsets in the
 * stream); the lab also delivers one segment twice, which the receiver
 * reports with a D-SACK. */
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
#include "tcplab/svgout.h"

#define SK_HOLES 3
static const uint64_t sk_drop[SK_HOLES] = { 40, 44, 48 };
#define SK_DUP 20 /* delivered twice: the receiver answers with a D-SACK */

struct sk_result {
	size_t nrtx;
	int64_t spread_us;          /* first to last retransmission of the holes */
	int64_t repaired_us;        /* first retransmission to the ACK past all holes */
	int64_t gap_min_us;         /* the smallest gap between two of them */
	char blocks[160];           /* the first duplicate's SACK blocks */
	bool dsack;                 /* a D-SACK came for the duplicated segment */
	char dsack_text[96];
	struct tl_bpfrec *kr;       /* the kernel's recorder, NULL when off */
	int64_t t0_us;              /* the first segment captured */
};

/* The first ACK whose first SACK block lies below its cumulative ACK: a
 * D-SACK (RFC 2883), the receiver saying it got those bytes twice. */
static bool find_dsack(const struct tl_seg *s, size_t n, uint32_t base, char *out, size_t len)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i].out || !s[i].nsack || (int32_t)(s[i].sack[0][0] - s[i].ack) >= 0)
			continue;
		snprintf(out, len, "[%u, %u) below the ACK %u", s[i].sack[0][0] - base,
			 s[i].sack[0][1] - base, s[i].ack - base);
		return true;
	}
	return false;
}

/* The SACK blocks of the first duplicate ACK with some above its number
 * (not a D-SACK), relative to base. */
static void first_blocks(const struct tl_seg *s, size_t n, uint32_t base, char *out, size_t len)
{
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (s[i].out || !s[i].nsack || (int32_t)(s[i].sack[0][0] - s[i].ack) < 0)
			continue; /* no blocks, or a D-SACK */
		size_t used = 0;

		for (size_t b = 0; b < s[i].nsack && b < TL_SEG_SACKS && used < len; b++)
			used += (size_t)snprintf(out + used, len - used, "%s[%u, %u)", b ? " " : "",
						 s[i].sack[b][0] - base, s[i].sack[b][1] - base);
		return;
	}
}

static int one_case(struct tl_ctx *c, struct tl_lab *lab, struct tl_cap *cap, bool sack,
		    struct sk_result *res)
{
	struct tl_bulk *b = tl_shared(sizeof *b);
	struct tl_seg *segs = NULL;
	int rc = -1;

	memset(res, 0, sizeof *res);
	if (!b)
		return -1;
	for (int i = TL_SND; i <= TL_RCV; i += 2)
		tl_ns_sysctl(lab->ns[i], "net.ipv4.tcp_sack", sack ? "1" : "0");
	b->run_us = c->o->shortform ? 600000 : 1000000;
	snprintf(b->cc, sizeof b->cc, "%s", tl_cc(c, "reno"));
	res->kr = tl_bpfrec_start(c, lab->ns[TL_SND]);
	pid_t r = tl_peer_start(lab->ns[TL_RCV], tl_bulk_receiver, b);

	if (r < 0 || tl_wait_flag(&b->listening, 5000) < 0) {
		if (r > 0)
			tl_peer_wait(r, 0);
		goto out;
	}
	pid_t s = tl_peer_start(lab->ns[TL_SND], tl_bulk_sender, b);
	int st = tl_cap_wait_peer(cap, s, (uint64_t)b->run_us / 1000 + 10000);

	tl_peer_wait(r, 10000);
	tl_bpfrec_stop(res->kr); /* the next case's connection is not this one's */
	if (st != 0 || !b->port)
		goto out;
	size_t n;
	struct tl_rtxseg x[8];

	segs = tl_cap_conn(cap, b->port, &n);
	if (!segs)
		goto out;
	res->t0_us = n ? segs[0].t_us : 0;
	size_t k = tl_rtx_list(segs, n, x, 8);

	res->nrtx = k;
	if (sack) /* the picture: of the case with SACK blocks */
		tl_svg_report(c, &b->samples, cap, b->port);
	rc = 0;
	if (k < SK_HOLES)
		goto out;
	uint32_t end = 0;
	int64_t lo = x[0].t_rtx_us, hi = x[0].t_rtx_us;
	size_t last = 0;

	res->gap_min_us = INT64_MAX;
	for (size_t i = 0; i < SK_HOLES; i++) {
		if (x[i].t_rtx_us < lo)
			lo = x[i].t_rtx_us;
		if (x[i].t_rtx_us > hi) {
			hi = x[i].t_rtx_us;
			last = x[i].rtx;
		}
		if (x[i].seq + x[i].len - x[0].seq > end)
			end = x[i].seq + x[i].len - x[0].seq; /* relative to the first hole */
		if (i && x[i].t_rtx_us - x[i - 1].t_rtx_us < res->gap_min_us)
			res->gap_min_us = x[i].t_rtx_us - x[i - 1].t_rtx_us;
		tl_emit(c, "hole",
			json_pack("{s:b,s:i,s:I,s:f}", "sack", sack, "hole", (int)i + 1, "seq_rel",
				  (json_int_t)(x[i].seq - x[0].seq), "rtx_after_first_ms",
				  (double)(x[i].t_rtx_us - x[0].t_rtx_us) / 1000.0));
	}
	res->spread_us = hi - lo;
	int64_t done = tl_acked_at(segs, n, last, x[0].seq + end);

	res->repaired_us = done >= 0 ? done - lo : -1;
	uint32_t base = x[0].seq;

	for (size_t i = 0; i < n; i++)
		if (segs[i].out && segs[i].len) {
			base = segs[i].seq; /* offsets in the byte stream */
			break;
		}
	first_blocks(segs, n, base, res->blocks, sizeof res->blocks);
	res->dsack = find_dsack(segs, n, base, res->dsack_text, sizeof res->dsack_text);
out:
	free(segs);
	tl_shared_free(b, sizeof *b);
	return rc;
}

int tl_sc_sack(struct tl_ctx *c, struct tl_verdict *v)
{
	struct tl_lab lab;
	struct tl_link link;
	struct tl_cap cap;
	struct sk_result on = { 0 }, off = { 0 };
	int rc = -1;

	tl_link_from(c, 40, &link);
	if (!link.rate)
		link.rate = "100mbit"; /* the delay line keeps its accuracy */
	if (!c->o->drop_set) {
		for (size_t i = 0; i < SK_HOLES; i++)
			link.drop.drop[i] = sk_drop[i];
		link.drop.ndrop = SK_HOLES;
	}
	link.drop.dup = SK_DUP;
	if (tl_lab_up(&lab, &link) < 0) {
		tl_lab_free(&lab);
		snprintf(v->line, sizeof v->line, "the lab could not be built");
		return -1;
	}
	tl_ns_sysctl(lab.ns[TL_SND], "net.ipv4.tcp_no_metrics_save", "1");
	tl_ns_sysctl(lab.ns[TL_SND], "net.ipv4.tcp_wmem", "4096 4194304 16777216");
	if (tl_cap_open(&cap, lab.ns[TL_SND], TL_SND_IF, c->o->pcap) < 0)
		goto out;
	if (one_case(c, &lab, &cap, true, &on) < 0 || one_case(c, &lab, &cap, false, &off) < 0)
		goto out;
	rc = 0;
	int64_t rtt = (int64_t)link.delay_us;
	bool on_ok = on.nrtx >= SK_HOLES && on.spread_us < rtt / 2 && on.repaired_us >= 0 &&
		     on.repaired_us < rtt * 3 / 2;
	bool off_ok = off.nrtx >= SK_HOLES && off.gap_min_us >= rtt * 7 / 10 &&
		      off.repaired_us >= rtt * 2;

	tl_say(c, "  three data segments lost in one window (the 40th, 44th and 48th), %.0f ms "
		  "round trip, %s",
	       (double)rtt / 1000.0, tl_cc(c, "reno"));
	tl_say(c, "    SACK on: the first duplicate ACK's blocks, as byte offsets in the stream: %s",
	       on.blocks[0] ? on.blocks : "(none)");
	tl_say(c, "    %s the lab delivered data segment %d twice: the receiver's D-SACK %s",
	       tl_mark(on.dsack), SK_DUP, on.dsack ? on.dsack_text : "did not come");
	tl_say(c, "    %s SACK on: the %zu holes retransmitted within %.1f ms, all repaired %.1f ms "
		  "after the first retransmission (≈ 1 RTT)",
	       tl_mark(on_ok), on.nrtx < SK_HOLES ? on.nrtx : (size_t)SK_HOLES,
	       (double)on.spread_us / 1000.0, (double)on.repaired_us / 1000.0);
	tl_say(c, "    %s SACK off: one hole per round trip (retransmissions at least %.1f ms "
		  "apart), all repaired after %.1f ms (≈ %.1f RTTs)",
	       tl_mark(off_ok), (double)off.gap_min_us / 1000.0, (double)off.repaired_us / 1000.0,
	       (double)off.repaired_us / (double)rtt);
	tl_bpfrec_report(c, on.kr, on.t0_us, "SACK on");
	tl_bpfrec_report(c, off.kr, off.t0_us, "SACK off");
	tl_report_fwd(c, &lab);
	tl_emit(c, "sack",
		json_pack("{s:f,s:{s:i,s:f,s:f,s:s,s:b,s:s},s:{s:i,s:f,s:f},s:b,s:b}", "rtt_ms",
			  (double)rtt / 1000.0, "on", "retransmitted", (int)on.nrtx, "spread_ms",
			  (double)on.spread_us / 1000.0, "repaired_ms", (double)on.repaired_us / 1000.0,
			  "blocks", on.blocks, "dsack", on.dsack, "dsack_block", on.dsack_text, "off", "retransmitted", (int)off.nrtx, "gap_min_ms",
			  (double)off.gap_min_us / 1000.0, "repaired_ms",
			  (double)off.repaired_us / 1000.0, "on_ok", on_ok, "off_ok", off_ok));
	v->seen = on_ok && off_ok && on.dsack;
	snprintf(v->line, sizeof v->line,
		 "3 holes repaired in %.1f ms with SACK, %.1f ms without (RTT %.0f ms: one per RTT)",
		 (double)on.repaired_us / 1000.0, (double)off.repaired_us / 1000.0,
		 (double)rtt / 1000.0);
out:
	if (rc < 0)
		snprintf(v->line, sizeof v->line, "a peer failed or the capture could not be opened");
	tl_bpfrec_close(on.kr);
	tl_bpfrec_close(off.kr);
	tl_cap_close(&cap);
	tl_lab_free(&lab);
	return rc;
}
