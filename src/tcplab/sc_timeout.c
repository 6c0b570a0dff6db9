/* Scenario timeout: one small write (a tail: nothing follows it, so no
 * duplicate ACK can come), the lab dropping it and its next three
 * retransmissions, over a 20 ms round trip; then a bulk write. From the
 * capture: each transmission of the segment and the gaps between them,
 * which double (the retransmission timer's exponential backoff). From
 * TCP_INFO: the Loss state with cwnd 1 segment, then cwnd growing again
 * from there (slow start again, up to the new ssthresh). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tcplab/cap.h"
#include "tcplab/ns.h"
#include "tcplab/peer.h"
#include "tcplab/rec.h"
#include "tcplab/rec_bpf.h"
#include "tcplab/scen.h"
#include "tcplab/sock.h"
#include "tcplab/svgout.h"

#define TO_RTX_DROPS 3              /* the original and 3 retransmissions lost */
#define TO_TAIL 1000
#define TO_BULK (256 * 1024)
#define TO_TX_MAX 16

enum { CA_LOSS = 4 };

struct to_shared {
	volatile int listening;
	uint16_t port;
	int64_t t_bulk_us;          /* when the bulk write began */
	char cc[16];
	struct tl_samples samples;
};

static int to_receiver(void *arg)
{
	struct to_shared *sh = arg;
	int l = tl_listen(TL_PORT, 0, 8);

	if (l < 0)
		return 1;
	sh->listening = 1;
	int s = tl_accept(l, 5000);

	if (s < 0)
		return 1;
	tl_read_n(s, 0, 20000);
	close(s);
	close(l);
	return 0;
}

/* Samples every millisecond until nothing is unacknowledged and len
 * more bytes of buf were written, or timeout_us. */
static int to_phase(struct to_shared *sh, int s, size_t len, int64_t timeout_us)
{
	static char buf[TO_BULK];
	size_t done = 0;
	int64_t end = tl_now_us() + timeout_us, last = 0;

	while (tl_now_us() < end) {
		struct pollfd p = { s, done < len ? POLLOUT : 0, 0 };
		int64_t now;

		poll(&p, 1, 1);
		if (done < len && (p.revents & POLLOUT)) {
			ssize_t n = write(s, buf, len - done);

			if (n < 0 && errno != EAGAIN)
				return -1;
			if (n > 0)
				done += (size_t)n;
		}
		now = tl_now_us();
		if (now - last >= 1000) {
			tl_tcpinfo_recorder.sample(s, now, &sh->samples);
			last = now;
			if (done == len && sh->samples.n &&
			    sh->samples.v[sh->samples.n - 1].unacked == 0)
				return 0;
		}
	}
	return -1;
}

static int to_sender(void *arg)
{
	struct to_shared *sh = arg;
	int s = tl_connect(0, 0, 1, 5000);

	if (s < 0)
		return 1;
	sh->port = tl_local_port(s);
	if (setsockopt(s, IPPROTO_TCP, TCP_CONGESTION, sh->cc, (socklen_t)strlen(sh->cc)) < 0)
		return 1;
	fcntl(s, F_SETFL, fcntl(s, F_GETFL) | O_NONBLOCK);
	tl_sleep_us(50000);
	if (to_phase(sh, s, TO_TAIL, 8000000) < 0)
		return 1;
	sh->t_bulk_us = tl_now_us();
	if (to_phase(sh, s, TO_BULK, 3000000) < 0)
		return 1;
	close(s);
	return 0;
}

/* The times the first data segment of the connection left. */
static size_t transmissions(const struct tl_seg *s, size_t n, int64_t *t, size_t max)
{
	size_t k = 0;
	uint32_t seq = 0;

	for (size_t i = 0; i < n && k < max; i++) {
		if (!s[i].out || !s[i].len)
			continue;
		if (!k)
			seq = s[i].seq;
		if (s[i].seq == seq)
			t[k++] = s[i].t_us;
	}
	return k;
}

/* The kernel's own word: the Loss state (tcp_cong_state_set) and the
 * retransmissions of the tail (tcp_retransmit_skb), in the state each
 * went out in (a tail-loss probe goes out in Open). */
static void to_kernel(const struct tl_ctx *c, struct tl_bpfrec *kr, int64_t t0)
{
	if (!kr)
		return;
	tl_bpfrec_stop(kr);
	const struct tl_kev *loss = tl_bpfrec_state(kr->evs, kr->nevs, CA_LOSS, 0);
	char line[256] = "";
	size_t used = 0, k = 0;

	for (size_t i = 0; i < kr->nevs && used < sizeof line; i++) {
		const struct tl_kev *e = &kr->evs[i];

		if (e->kind != TL_KEV_RETRANSMIT || k++ >= 6)
			continue;
		used += (size_t)snprintf(line + used, sizeof line - used, "%s%.3f s (%s)",
					 k > 1 ? ", " : "", (double)(e->t_us - t0) / 1e6,
					 tl_ca_name(e->ca_state));
	}
	if (loss)
		tl_say(c, "    Loss state entered at %.3f s (tcp_cong_state_set, from %s; cwnd %u, "
			  "ssthresh %u as it changed)",
		       (double)(loss->t_us - t0) / 1e6, tl_ca_name(loss->from), loss->cwnd,
		       loss->ssthresh);
	else
		tl_say(c, "    the kernel never entered the Loss state (tcp_cong_state_set)");
	tl_say(c, "    the kernel's retransmissions (tcp_retransmit_skb): %s", k ? line : "none");
	tl_bpfrec_report(c, kr, t0, NULL);
}

int tl_sc_timeout(struct tl_ctx *c, struct tl_verdict *v)
{
	struct tl_lab lab;
	struct tl_link link;
	struct tl_cap cap;
	struct to_shared *sh = tl_shared(sizeof *sh);
	struct tl_seg *segs = NULL;
	struct tl_bpfrec *kr = NULL;
	int rc = -1;

	tl_link_from(c, 20, &link);
	if (!c->o->drop_set) {
		link.drop.drop[0] = 1;
		link.drop.ndrop = 1;
	}
	link.drop.rtx_drops = TO_RTX_DROPS;
	if (!sh || tl_lab_up(&lab, &link) < 0) {
		tl_shared_free(sh, sizeof *sh);
		snprintf(v->line, sizeof v->line, "the lab could not be built");
		return -1;
	}
	snprintf(sh->cc, sizeof sh->cc, "%s", tl_cc(c, "reno"));
	tl_ns_sysctl(lab.ns[TL_SND], "net.ipv4.tcp_no_metrics_save", "1");
	if (tl_cap_open(&cap, lab.ns[TL_SND], TL_SND_IF, c->o->pcap) < 0)
		goto out;
	kr = tl_bpfrec_start(c, lab.ns[TL_SND]);
	pid_t r = tl_peer_start(lab.ns[TL_RCV], to_receiver, sh);

	if (r < 0 || tl_wait_flag(&sh->listening, 5000) < 0) {
		if (r > 0)
			tl_peer_wait(r, 0);
		goto out;
	}
	pid_t s = tl_peer_start(lab.ns[TL_SND], to_sender, sh);
	int st = tl_cap_wait_peer(&cap, s, 15000);

	tl_peer_wait(r, 10000);
	if (st != 0 || !sh->port)
		goto out;
	rc = 0;
	size_t n;

	segs = tl_cap_conn(&cap, sh->port, &n);
	if (!segs)
		goto out;
	int64_t t[TO_TX_MAX];
	size_t k = transmissions(segs, n, t, TO_TX_MAX);
	char line[256] = "";
	size_t used = 0, doubled = 0, nratio = 0;

	for (size_t i = 1; i < k && used < sizeof line; i++) {
		double gap = (double)(t[i] - t[i - 1]) / 1000.0;

		used += (size_t)snprintf(line + used, sizeof line - used, "%s%.0f", i > 1 ? ", " : "",
					 gap);
		if (i >= 2) {
			double q = (double)(t[i] - t[i - 1]) / (double)(t[i - 1] - t[i - 2]);

			nratio++;
			doubled += q >= 1.6 && q <= 2.4;
			tl_emit(c, "backoff", json_pack("{s:i,s:f,s:f}", "transmission", (int)i + 1,
							 "gap_ms", gap, "ratio", q));
		}
	}
	/* the Loss state and cwnd in it; then growth during the bulk */
	const struct tl_samples *sm = &sh->samples;
	bool loss = false;
	uint32_t loss_cwnd = 0, ssthresh = 0, bulk_first = 0, bulk_max = 0;

	for (size_t i = 0; i < sm->n; i++) {
		const struct tl_sample *x = &sm->v[i];

		/* the loss window: the smallest cwnd in Loss (a sample taken
		 * as the state began may still hold the packets in flight) */
		if (x->ca_state == CA_LOSS && (!loss || x->cwnd < loss_cwnd)) {
			if (!loss)
				ssthresh = x->ssthresh;
			loss = true;
			loss_cwnd = x->cwnd;
		}
		if (x->t_us >= sh->t_bulk_us) {
			if (!bulk_first)
				bulk_first = x->cwnd;
			if (x->cwnd > bulk_max)
				bulk_max = x->cwnd;
		}
	}
	bool backoff = k >= TO_RTX_DROPS + 2 && nratio >= 2 && doubled >= 2;
	bool one = loss && loss_cwnd == 1;
	bool again = bulk_first && bulk_max >= 2 * bulk_first && bulk_max >= ssthresh;

	tl_say(c, "  one write of %d bytes, nothing after it; the lab dropped it and %d "
		  "retransmissions (20 ms round trip, %s)",
	       TO_TAIL, TO_RTX_DROPS, sh->cc);
	tl_say(c, "    %s %zu transmissions, gaps %s ms: %zu of %zu doubled (the retransmission "
		  "timer backs off exponentially; the first retransmission may be a tail loss "
		  "probe)",
	       tl_mark(backoff), k, line, doubled, nratio);
	tl_say(c, "    %s after the timeout: state Loss, cwnd %u segment%s, ssthresh %u",
	       tl_mark(one), loss_cwnd, loss_cwnd == 1 ? "" : "s", ssthresh);
	tl_say(c, "    %s the bulk write after it: cwnd from %u up to %u (slow start again, then "
		  "congestion avoidance past ssthresh %u)",
	       tl_mark(again), bulk_first, bulk_max, ssthresh);
	to_kernel(c, kr, k ? t[0] : 0);
	tl_report_fwd(c, &lab);
	tl_svg_report(c, &sh->samples, &cap, sh->port);
	tl_emit(c, "timeout",
		json_pack("{s:i,s:i,s:i,s:b,s:i,s:i,s:i,s:i,s:b}", "transmissions", (int)k,
			  "ratios", (int)nratio, "doubled", (int)doubled, "loss_state", loss,
			  "loss_cwnd", (int)loss_cwnd, "ssthresh", (int)ssthresh, "bulk_cwnd_first",
			  (int)bulk_first, "bulk_cwnd_max", (int)bulk_max, "slow_start_again", again));
	v->seen = backoff && one && again;
	snprintf(v->line, sizeof v->line,
		 "retransmission timer: gaps %s ms (%zu/%zu doubled); cwnd 1 in Loss; then %u → %u",
		 line, doubled, nratio, bulk_first, bulk_max);
out:
	if (rc < 0)
		snprintf(v->line, sizeof v->line, "a peer failed or the capture could not be opened");
	free(segs);
	tl_bpfrec_close(kr);
	tl_cap_close(&cap);
	tl_lab_free(&lab);
	tl_shared_free(sh, sizeof *sh);
	return rc;
}
