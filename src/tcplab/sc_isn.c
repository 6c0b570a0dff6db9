/* Scenario isn: many connections from the sender, their initial sequence
 * numbers from the captured SYNs. From different source ports the ISNs of
 * today's kernel look random: both the lecture's 1994 model (+128000 per
 * connection, the Mitnick attack's prediction) and the best straight line
 * through (time, ISN) miss by about a quarter of the number space. From
 * one and the same four-tuple (the server closes first, so the client's
 * port is free at once) they advance with a clock: RFC 6528's M, which
 * Linux ticks every 64 ns (15.6 per microsecond). For contrast, an
 * old-style responder (oldisn.h) whose ISNs the 1994 model predicts
 * exactly. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tcplab/cap.h"
#include "tcplab/isn.h"
#include "tcplab/oldisn.h"
#include "tcplab/peer.h"
#include "tcplab/scen.h"
#include "tcplab/sock.h"

#define ISN_MAX 400
#define ISN_SAME_PORT 40000

struct isn_shared {
	volatile int listening;
	int nmany, nsame;
	uint16_t ports[ISN_MAX];
};

static int isn_receiver(void *arg)
{
	struct isn_shared *sh = arg;
	int l = tl_listen(TL_PORT, 0, 64);

	if (l < 0)
		return 1;
	sh->listening = 1;
	for (int i = 0; i < sh->nmany + sh->nsame; i++) {
		int s = tl_accept(l, 5000);

		if (s < 0)
			return 1;
		close(s); /* the server closes first: TIME_WAIT stays on its side */
	}
	close(l);
	return 0;
}

static int isn_sender(void *arg)
{
	struct isn_shared *sh = arg;

	for (int i = 0; i < sh->nmany + sh->nsame; i++) {
		int s = -1;

		/* the same port again: the last connection may still wait for the
		 * ACK of its FIN (LAST_ACK) for a moment */
		for (int k = 0; k < 200 && s < 0; k++) {
			s = tl_connect(i < sh->nmany ? 0 : ISN_SAME_PORT, 0, 0, 5000);
			if (s < 0)
				tl_sleep_us(5000);
		}
		if (s < 0)
			return 1;
		sh->ports[i] = tl_local_port(s);
		tl_read_n(s, 0, 5000); /* until the server's FIN */
		close(s);
	}
	return 0;
}

/* The ISNs (and times) of the SYNs from port (synack: of the SYN-ACKs to
 * it), in order. */
static size_t isns(const struct tl_cap *c, uint16_t port, uint32_t *isn, int64_t *t, size_t max,
		   size_t k, bool synack)
{
	size_t n;
	struct tl_seg *s = tl_cap_conn(c, port, &n);

	for (size_t i = 0; s && i < n && k < max; i++)
		if (synack ? !s[i].out && (s[i].flags & 0x12) == 0x12
			   : s[i].out && (s[i].flags & 0x12) == 0x02) {
			isn[k] = s[i].seq;
			t[k++] = s[i].t_us;
			if (port != ISN_SAME_PORT)
				break; /* one connection per port */
		}
	free(s);
	return k;
}

/* The old-style responder in the receiver's namespace, the client in the
 * sender's: old->n connections. -1 when a peer failed. */
static int old_run(const struct tl_ctx *c, struct tl_lab *lab, struct tl_cap *cap,
		   struct tl_oldisn *old)
{
	old->n = c->o->shortform ? 20 : 50;
	pid_t r = tl_peer_start(lab->ns[TL_RCV], tl_oldisn_responder, old);

	if (r < 0 || tl_wait_flag(&old->ready, 5000) < 0) {
		if (r > 0)
			tl_peer_wait(r, 0);
		return -1;
	}
	pid_t s = tl_peer_start(lab->ns[TL_SND], tl_oldisn_client, old);
	int st = tl_cap_wait_peer(cap, s, 30000);

	old->stop = 1;
	return tl_peer_wait(r, 5000) == 0 && st == 0 ? 0 : -1;
}

int tl_sc_isn(struct tl_ctx *c, struct tl_verdict *v)
{
	struct tl_lab lab;
	struct tl_link link;
	struct tl_cap cap;
	struct isn_shared *sh = tl_shared(sizeof *sh);
	struct tl_oldisn *old = tl_shared(sizeof *old);
	int rc = -1;
	static uint32_t isn[ISN_MAX], same[ISN_MAX];
	static int64_t t[ISN_MAX], tsame[ISN_MAX];
	static uint32_t oisn[TL_OLD_MAX];
	static int64_t tol[TL_OLD_MAX];

	tl_link_from(c, 2, &link);
	if (!sh || !old || tl_lab_up(&lab, &link) < 0) {
		tl_shared_free(sh, sizeof *sh);
		tl_shared_free(old, sizeof *old);
		snprintf(v->line, sizeof v->line, "the lab could not be built");
		return -1;
	}
	if (tl_cap_open(&cap, lab.ns[TL_SND], TL_SND_IF, c->o->pcap) < 0)
		goto out;
	sh->nmany = c->o->shortform ? 50 : 200;
	sh->nsame = c->o->shortform ? 10 : 50;
	pid_t r = tl_peer_start(lab.ns[TL_RCV], isn_receiver, sh);

	if (r < 0 || tl_wait_flag(&sh->listening, 5000) < 0) {
		if (r > 0)
			tl_peer_wait(r, 0);
		goto out;
	}
	pid_t s = tl_peer_start(lab.ns[TL_SND], isn_sender, sh);
	int st = tl_cap_wait_peer(&cap, s, 60000);

	tl_peer_wait(r, 5000);
	if (st != 0 || old_run(c, &lab, &cap, old) < 0)
		goto out;
	rc = 0;
	size_t n = 0, ns = 0;

	for (int i = 0; i < sh->nmany; i++)
		n = isns(&cap, sh->ports[i], isn, t, ISN_MAX, n, false);
	ns = isns(&cap, ISN_SAME_PORT, same, tsame, ISN_MAX, 0, false);
	size_t no = 0;

	for (int i = 0; i < old->made; i++)
		no = isns(&cap, old->ports[i], oisn, tol, TL_OLD_MAX, no, true);
	struct tl_isnfit f, fo;

	tl_isn_fit(isn, t, n, &f);
	memset(&fo, 0, sizeof fo);
	if (no >= 3)
		tl_isn_fit(oisn, tol, no, &fo);
	bool predictable = no >= 10 && fo.err_step_median < 1.0;
	double rate = tl_isn_rate(same, tsame, ns);
	double quarter = 4294967296.0 / 4;
	bool unpredictable = n >= 20 && f.err_step_median > quarter / 8 &&
			     f.err_line_median > quarter / 8;
	bool clock = ns >= 5 && rate >= 15.625 * 0.8 && rate <= 15.625 * 1.2;

	tl_say(c, "  %zu connections from different ports; the first ISNs and what the lecture's "
		  "1994 model (+128000 per connection) predicted:",
	       n);
	tl_say(c, "    %10s  %10s  %11s", "ISN", "predicted", "error");
	for (size_t i = 0; i < n && i < 5; i++) {
		uint32_t p = i ? isn[i - 1] + TL_ISN_STEP_1994 : isn[i];

		if (i)
			tl_say(c, "    %10u  %10u  %11d", isn[i], p, (int32_t)(isn[i] - p));
		else
			tl_say(c, "    %10u  %10s  %11s", isn[i], "-", "-");
	}
	tl_say(c, "    %s the +128000 model misses by %.0f (median; a quarter of the number space is "
		  "%.0f), the best straight line in time by %.0f: as good as guessing",
	       tl_mark(unpredictable), f.err_step_median, quarter, f.err_line_median);
	tl_say(c, "    %s %zu connections from one four-tuple (port %d): the ISN advances %.2f "
		  "per µs (Linux: a 64 ns clock, 15.62 per µs, on top of a keyed hash of the "
		  "four numbers, RFC 6528)",
	       tl_mark(clock), ns, ISN_SAME_PORT, rate);
	tl_say(c, "    %s the old-style responder (%s, ISN +128000 per connection as in the "
		  "1994 trace), %zu connections: %u, %u, %u, ...; the model misses by %.0f "
		  "(median): the attacker knows the next ISN",
	       tl_mark(predictable), TL_OLD_ADDR, no, no > 0 ? oisn[0] : 0, no > 1 ? oisn[1] : 0,
	       no > 2 ? oisn[2] : 0, fo.err_step_median);
	tl_emit(c, "isn",
		json_pack("{s:i,s:f,s:f,s:i,s:f,s:b,s:b,s:{s:i,s:f,s:b}}", "connections", (int)n,
			  "err_step_median", f.err_step_median, "err_line_median", f.err_line_median,
			  "same_tuple", (int)ns, "rate_per_us", rate, "unpredictable",
			  unpredictable, "clock", clock, "old_style", "connections", (int)no,
			  "err_step_median", fo.err_step_median, "predictable", predictable));
	v->seen = unpredictable && clock && predictable;
	snprintf(v->line, sizeof v->line,
		 "ISN prediction misses by %.0f (+128000 model) and %.0f (best line) of 2^32; one "
		 "four-tuple's ISN runs at %.2f/µs; the old-style responder's by %.0f",
		 f.err_step_median, f.err_line_median, rate, fo.err_step_median);
out:
	if (rc < 0)
		snprintf(v->line, sizeof v->line, "a peer failed or the capture could not be opened");
	tl_cap_close(&cap);
	tl_lab_free(&lab);
	tl_shared_free(sh, sizeof *sh);
	tl_shared_free(old, sizeof *old);
	return rc;
}
