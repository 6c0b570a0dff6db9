/* Scenario nagle: rounds of three small writes and a read (seed 002's
 * write-write-read), once with Nagle's algorithm and once with TCP_NODELAY,
 * to a receiver that answers only when the whole request is in (so its
 * ACK of the first piece is a delayed one). From the capture on the
 * sender's link: with Nagle the 2nd segment leaves only when the 1st is
 * acknowledged (a round trip, or the delayed ACK's wait on top) and carries
 * the 2nd and 3rd writes together; with NODELAY each write leaves at once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tcplab/cap.h"
#include "tcplab/peer.h"
#include "tcplab/scen.h"
#include "tcplab/segs.h"
#include "tcplab/sock.h"
#include "tcplab/stats.h"
#include "tcplab/typist.h"

#define NG_WRITES 3
#define NG_PIECE 10
#define NG_ROUNDS_MAX 16

struct ng_shared {
	volatile int listening;
	int rounds, nodelay;
	uint16_t port;
};

static int ng_receiver(void *arg)
{
	struct ng_shared *sh = arg;
	int l = tl_listen(TL_PORT, 0, 8);

	if (l < 0)
		return 1;
	sh->listening = 1;
	int s = tl_accept(l, 5000);

	if (s < 0)
		return 1;
	for (int i = 0; i < sh->rounds; i++) {
		if (tl_read_n(s, NG_WRITES * NG_PIECE, 5000) < 0 || write(s, "k", 1) != 1)
			return 1;
	}
	tl_read_n(s, 0, 5000);
	close(s);
	close(l);
	return 0;
}

static int ng_sender(void *arg)
{
	struct ng_shared *sh = arg;
	int s = tl_connect(0, 0, sh->nodelay, 5000);
	char piece[NG_PIECE];

	if (s < 0)
		return 1;
	sh->port = tl_local_port(s);
	for (int i = 0; i < NG_PIECE; i++)
		piece[i] = (char)('a' + i);
	tl_sleep_us(50000); /* the handshake's last ACK is through */
	for (int r = 0; r < sh->rounds; r++) {
		for (int w = 0; w < NG_WRITES; w++)
			if (write(s, piece, sizeof piece) != (ssize_t)sizeof piece)
				return 1;
		if (tl_read_n(s, 1, 5000) < 0)
			return 1;
	}
	close(s);
	return 0;
}

struct ng_result {
	size_t nrounds, two_segs, one_per_write, acked_first;
	int64_t gap_med_us, gap_max_us, ack_med_us, rtt_us;
};

static int one_case(struct tl_ctx *c, struct tl_lab *lab, struct tl_cap *cap, bool nodelay,
		    int rounds, struct ng_result *res)
{
	struct ng_shared *rs = tl_shared(sizeof *rs), *ss = tl_shared(sizeof *ss);
	int rc = -1;
	struct tl_seg *segs = NULL;

	memset(res, 0, sizeof *res);
	if (!rs || !ss)
		goto out;
	rs->rounds = ss->rounds = rounds;
	ss->nodelay = nodelay;
	pid_t r = tl_peer_start(lab->ns[TL_RCV], ng_receiver, rs);

	if (r < 0 || tl_wait_flag(&rs->listening, 5000) < 0) {
		if (r > 0)
			tl_peer_wait(r, 0);
		goto out;
	}
	pid_t s = tl_peer_start(lab->ns[TL_SND], ng_sender, ss);

	int st = tl_cap_wait_peer(cap, s, 8000);

	tl_peer_wait(r, 5000);
	tl_cap_drain(cap, 30);
	if (st != 0 || !ss->port)
		goto out;
	size_t n;
	struct tl_round rd[NG_ROUNDS_MAX];

	segs = tl_cap_conn(cap, ss->port, &n);
	if (!segs)
		goto out;
	res->rtt_us = tl_syn_rtt(segs, n);
	res->nrounds = tl_rounds(segs, n, rd, NG_ROUNDS_MAX);
	int64_t gaps[NG_ROUNDS_MAX], acks[NG_ROUNDS_MAX];
	size_t ng = 0, na = 0;

	for (size_t i = 0; i < res->nrounds; i++) {
		if (rd[i].nseg == 2)
			res->two_segs++;
		if (rd[i].nseg == NG_WRITES)
			res->one_per_write++;
		if (rd[i].acked_first)
			res->acked_first++;
		if (rd[i].gap_us >= 0) {
			gaps[ng++] = rd[i].gap_us;
			if (rd[i].gap_us > res->gap_max_us)
				res->gap_max_us = rd[i].gap_us;
		}
		if (rd[i].ack_after_us >= 0)
			acks[na++] = rd[i].ack_after_us;
		tl_emit(c, "round",
			json_pack("{s:b,s:i,s:I,s:I,s:I,s:b}", "nodelay", nodelay, "round", (int)i + 1,
				  "segments", (json_int_t)rd[i].nseg, "gap_us",
				  (json_int_t)rd[i].gap_us, "ack_after_us",
				  (json_int_t)rd[i].ack_after_us, "acked_first", rd[i].acked_first));
	}
	res->gap_med_us = tl_quantile(gaps, ng, 0.5);
	res->ack_med_us = tl_quantile(acks, na, 0.5);
	rc = 0;
out:
	free(segs);
	tl_shared_free(rs, sizeof *rs);
	tl_shared_free(ss, sizeof *ss);
	return rc;
}

int tl_sc_nagle(struct tl_ctx *c, struct tl_verdict *v)
{
	struct tl_lab lab;
	struct tl_link link;
	struct tl_cap cap;
	struct ng_result on, off;
	struct tl_typist ton, toff;
	int rounds = c->o->shortform ? 4 : 10, rc = -1;

	tl_link_from(c, 20, &link);
	if (tl_lab_up(&lab, &link) < 0) {
		tl_lab_free(&lab);
		snprintf(v->line, sizeof v->line, "the lab could not be built");
		return -1;
	}
	if (tl_cap_open(&cap, lab.ns[TL_SND], TL_SND_IF, c->o->pcap) < 0)
		goto out;
	if (one_case(c, &lab, &cap, false, rounds, &on) < 0 ||
	    one_case(c, &lab, &cap, true, rounds, &off) < 0 ||
	    tl_typist_run(&lab, &cap, false, &ton) < 0 || tl_typist_run(&lab, &cap, true, &toff) < 0)
		goto out;
	rc = 0;
	bool typist_ok = ton.segments * 2 <= ton.keys && toff.segments == toff.keys;
	int64_t rtt = on.rtt_us > 0 ? on.rtt_us : (int64_t)link.delay_us;
	int64_t quick = rtt / 4 > 1000 ? rtt / 4 : 1000;
	bool nagle_ok = on.nrounds == (size_t)rounds && on.two_segs == on.nrounds &&
			on.acked_first == on.nrounds && on.gap_med_us >= rtt * 8 / 10;
	bool nodelay_ok = off.nrounds == (size_t)rounds && off.one_per_write == off.nrounds &&
			  off.gap_max_us < quick;

	tl_say(c, "  round trip (SYN → SYN-ACK, seen from the sender): %.1f ms", (double)rtt / 1000.0);
	tl_say(c, "  Nagle on, %d rounds of write(10) write(10) write(10) read():", rounds);
	tl_say(c, "    %s %zu of %zu rounds sent 2 segments: the 1st write alone, the 2nd and 3rd "
		  "coalesced into one segment of 20 bytes",
	       tl_mark(on.two_segs == on.nrounds && on.nrounds), on.two_segs, on.nrounds);
	tl_say(c, "    %s the 2nd segment waited for the ACK of the 1st: median %.1f ms after it "
		  "(the ACK came %.1f ms after the 1st segment: the round trip %.1f ms + %.1f ms "
		  "the receiver held it, its delayed ACK)",
	       tl_mark(on.acked_first == on.nrounds && on.gap_med_us >= rtt * 8 / 10),
	       (double)on.gap_med_us / 1000.0, (double)on.ack_med_us / 1000.0,
	       (double)rtt / 1000.0, (double)(on.ack_med_us - rtt) / 1000.0);
	tl_say(c, "  TCP_NODELAY:");
	tl_say(c, "    %s %zu of %zu rounds sent one segment per write (3), the 2nd at most "
		  "%.3f ms after the 1st (limit %.1f ms)",
	       tl_mark(nodelay_ok), off.one_per_write, off.nrounds, (double)off.gap_max_us / 1000.0,
	       (double)quick / 1000.0);
	tl_say(c, "  a typist, %d keystrokes %d ms apart, nothing read back:", TL_TYPIST_KEYS,
	       TL_TYPIST_GAP_US / 1000);
	tl_say(c, "    %s Nagle on: %zu segments, %.1f bytes each (the keystrokes typed while one "
		  "was unacknowledged left together); TCP_NODELAY: %zu segments, one per keystroke",
	       tl_mark(typist_ok), ton.segments, ton.bytes_per_seg, toff.segments);
	tl_emit(c, "typist",
		json_pack("{s:i,s:i,s:f,s:i,s:b}", "keys", (int)ton.keys, "nagle_segments",
			  (int)ton.segments, "nagle_bytes_per_segment", ton.bytes_per_seg,
			  "nodelay_segments", (int)toff.segments, "typist_ok", typist_ok));
	tl_report_fwd(c, &lab);
	v->seen = nagle_ok && nodelay_ok && typist_ok;
	snprintf(v->line, sizeof v->line,
		 "with Nagle the 2nd write waited %.1f ms (median; RTT %.1f ms) and was coalesced "
		 "(%zu/%zu rounds); with NODELAY each write left at once (max gap %.3f ms, %zu/%zu "
		 "rounds)",
		 (double)on.gap_med_us / 1000.0, (double)rtt / 1000.0, on.two_segs, on.nrounds,
		 (double)off.gap_max_us / 1000.0, off.one_per_write, off.nrounds);
	tl_emit(c, "nagle",
		json_pack("{s:f,s:{s:I,s:I,s:I,s:f,s:f},s:{s:I,s:I,s:f},s:b,s:b}", "rtt_ms",
			  (double)rtt / 1000.0, "nagle", "rounds", (json_int_t)on.nrounds,
			  "two_segments", (json_int_t)on.two_segs, "waited_for_ack",
			  (json_int_t)on.acked_first, "gap_median_ms", (double)on.gap_med_us / 1000.0,
			  "ack_median_ms", (double)on.ack_med_us / 1000.0, "nodelay", "rounds",
			  (json_int_t)off.nrounds, "one_per_write", (json_int_t)off.one_per_write,
			  "gap_max_ms", (double)off.gap_max_us / 1000.0, "nagle_ok", nagle_ok,
			  "nodelay_ok", nodelay_ok));
out:
	if (rc < 0)
		snprintf(v->line, sizeof v->line, "a peer failed or the capture could not be opened");
	tl_cap_close(&cap);
	tl_lab_free(&lab);
	return rc;
}
