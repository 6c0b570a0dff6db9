/* Attribution. A packet is tied to the call on the sending socket that
 * explains it: connect for the SYN, the send whose bytes it carries (by
 * stream offset, so segmentation and coalescing do not matter), shutdown or
 * close for the FIN, close with unread data for an RST; everything else a
 * traced end sends is the kernel's own (SYN-ACK, ACKs, window updates,
 * retransmissions). A blocking call is tied to the arrival it waited for:
 * connect to the SYN-ACK or RST, accept to the handshake's last ACK, a read
 * to the segment holding its first byte, the FIN or the RST, recvfrom to its
 * datagram. */
#include "trace/attrib_ctx.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>

/* Calls of a process that used several threads name their thread. */
static void mark_threaded(struct trace *t)
{
	for (size_t i = 0; i < t->nprocs; i++) {
		int32_t pid = t->procs[i].pid, first = 0;
		bool several = false;

		for (size_t j = 0; j < t->ncalls && !several; j++) {
			if (t->calls[j].pid != pid)
				continue;
			if (!first)
				first = t->calls[j].tid;
			several = t->calls[j].tid != first;
		}
		for (size_t j = 0; several && j < t->ncalls; j++)
			if (t->calls[j].pid == pid)
				t->calls[j].threaded = true;
	}
}

int tr_attrib_run(struct trace *t, struct tr_socks *s)
{
	struct ctx c = { .t = t, .s = s, .lanes_cap = t->nlanes };
	int rc = -1;

	c.used = calloc(t->ncalls + 1, sizeof *c.used);
	c.consumed = calloc(t->npackets + 1, sizeof *c.consumed);
	c.sends = calloc(s->n + 1, sizeof *c.sends);
	c.arrivals = calloc(s->n + 1, sizeof *c.arrivals);
	c.kev_used = calloc(t->nkevents + 1, sizeof *c.kev_used);
	if (!c.used || !c.consumed || !c.sends || !c.arrivals || !c.kev_used ||
	    tr_attrib_lanes_for_procs(t, &c.lanes_cap) < 0)
		goto out;
	for (size_t i = 0; i < t->ncalls; i++) {
		uint32_t si = s->call_sock[i];
		if (si && s->v[si - 1].type == SOCK_DGRAM && tr_sock_call_sends(&t->calls[i]) &&
		    t->calls[i].ret >= 0 && tr_attrib_queue_push(&c.sends[si - 1], (uint32_t)i) < 0)
			goto out;
	}
	for (size_t i = 0; i < t->npackets; i++) {
		struct tr_sock *k = t->packets[i].proto == IPPROTO_UDP
					 ? tr_socks_dgram(s, &t->packets[i].dst, t->packets[i].ts)
					 : NULL;
		if (k && tr_attrib_queue_push(&c.arrivals[k - s->v], (uint32_t)i) < 0)
			goto out;
	}
	mark_threaded(t);
	for (size_t i = 0; i < t->ncalls; i++) {
		struct tr_proc *p = tr_attrib_proc_of(t, t->calls[i].pid);
		t->calls[i].lane = p ? p->lane : 0;
	}
	for (size_t i = 0; i < t->npackets; i++) {
		struct tr_packet *p = &t->packets[i];

		if (tr_attrib_cause(&c, p) < 0)
			goto out;
		p->lane_from = tr_attrib_end_lane(&c, p, true);
		p->lane_to = tr_attrib_end_lane(&c, p, false);
		if (p->lane_from == UINT32_MAX || p->lane_to == UINT32_MAX)
			goto out;
	}
	tr_attrib_completions(&c);
	rc = 0;
out:
	tr_attrib_dirs_free(&c.dirs);
	free(c.consumed);
	free(c.used);
	free(c.kev_used);
	tr_attrib_queues_free(c.sends, s->n);
	tr_attrib_queues_free(c.arrivals, s->n);
	return rc;
}
