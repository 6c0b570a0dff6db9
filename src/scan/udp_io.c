/* The UDP scan's books and I/O, what both phases (udp.c, udp_batch.c)
 * call: a port decided, an answer learnt from, a probe sent, the socket's
 * replies and error queue read (an ICMP error also feeds the rate-limit
 * accounting of udp_limit.c), the next step scheduled. */
#include "scan/udp_run.h"

#include <errno.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/proc.h"
#include "scan/target.h"
#include "scan/icmp.h"
#include "scan/payload.h"

void scan_udp_fail(struct udp_run *run, int err, const char *what)
{
	if (run->failed)
		return;
	run->failed = true;
	scan_target_error(run->err, run->errlen, what, &run->addr.sa, err);
	event_base_loopbreak(run->env->base);
}

bool scan_udp_done(const struct udp_run *run)
{
	return run->decided == run->t->n;
}

void scan_udp_decide(struct udp_run *run, uint32_t idx, enum scan_state s, enum scan_reason r)
{
	enum scan_state old = run->t->state[idx];

	if (!scan_table_set(run->t, idx, s, r))
		return;
	if (old == SCAN_PENDING) {
		run->decided++;
		if (run->flags[idx] & UDP_IN_FIFO)
			run->inflight--;
		if (run->flags[idx] & UDP_PARKED) {
			run->flags[idx] &= (uint8_t)~UDP_PARKED;
			run->parked--;
		}
	}
	scan_progress_add(run->env->progress, old == SCAN_PENDING, s == SCAN_OPEN);
	if (s == SCAN_OPEN || s == SCAN_CLOSED)
		run->answered++;
	if (scan_reason_is_unreach(r))
		run->unreach++;
}

void scan_udp_set_rate(struct udp_run *run, uint64_t now)
{
	uint64_t r = run->rate.rate;

	tbucket_init(&run->tb, r, r / 50 > 1 ? r / 50 : 1, now);
}

/* An answer (a reply or an ICMP error) about port. */
static void udp_answer(struct udp_run *run, uint16_t port, enum scan_state s, enum scan_reason r,
		       const uint8_t *data, size_t len)
{
	int32_t idx = run->pidx[port];

	if (idx < 0)
		return;
	enum scan_state old = run->t->state[idx];
	if (old != SCAN_PENDING && old != SCAN_OPEN_FILTERED)
		return;
	uint64_t now = clock_mono_us();
	unsigned try = run->tries[idx];
	uint64_t rto = scan_rtt_timeout(&run->rtt);
	/* The batches wait for the target's limit on purpose: what they see
	 * teaches the fast phase's timing nothing. */
	if (old == SCAN_PENDING && !run->batching) {
		if (try == 1 && (run->flags[idx] & UDP_IN_FIFO))
			scan_rtt_sample(&run->rtt, now - run->sent_us[idx]);
		scan_tries_answer(&run->tmax, try);
		if (scan_rate_answer(&run->rate, try, run->lost_us[idx], now, rto))
			scan_udp_set_rate(run, now);
	}
	scan_udp_decide(run, (uint32_t)idx, s, r);
	if (s == SCAN_OPEN && run->env->cfg->banners &&
	    scan_table_set_banner(run->t, (size_t)idx, data, len) < 0)
		scan_udp_fail(run, ENOMEM, "banner of");
}

static bool same_host(const struct sockaddr *a, const struct sockaddr *b)
{
	struct addr_key x, y;

	if (a->sa_family != b->sa_family)
		return false;
	addr_key_from(&x, a);
	addr_key_from(&y, b);
	return memcmp(&x, &y, sizeof(x)) == 0;
}

/* The ICMP error in c (IP_RECVERR/IPV6_RECVERR) was sent by the target
 * itself (SO_EE_OFFENDER: the sender of the ICMP message). */
static bool udp_error_from_target(const struct udp_run *run, struct cmsghdr *c)
{
	const struct sock_extended_err *ee = (const void *)CMSG_DATA(c);
	const struct sockaddr *off = SO_EE_OFFENDER(ee);
	union addr_any from;
	sa_family_t fam;

	if (c->cmsg_len < CMSG_LEN(sizeof(*ee) + sizeof(fam)))
		return false;
	size_t room = c->cmsg_len - CMSG_LEN(sizeof(*ee));
	memcpy(&fam, &off->sa_family, sizeof(fam));
	size_t len = fam == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	if (room < len || (fam != AF_INET && fam != AF_INET6))
		return false;
	memset(&from, 0, sizeof(from));
	memcpy(&from, off, len);
	return same_host(&from.sa, &run->addr.sa);
}

/* ICMP errors from the error queue; returns how many were read. */
static int udp_read_errors(struct udp_run *run)
{
	int k;

	for (k = 0; k < SCAN_UDP_READS; k++) {
		union addr_any dst;
		char ctl[512];
		struct iovec iov = { run->buf, sizeof(run->buf) };
		struct msghdr msg = { .msg_name = &dst, .msg_namelen = sizeof(dst), .msg_iov = &iov,
				      .msg_iovlen = 1, .msg_control = ctl,
				      .msg_controllen = sizeof(ctl) };
		if (recvmsg(run->fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
			return k;
		if (msg.msg_namelen < sizeof(struct sockaddr_in) || dst.sa.sa_family != run->family ||
		    !same_host(&dst.sa, &run->addr.sa))
			continue;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
			bool v4 = c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR;
			bool v6 = c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_RECVERR;
			if (!v4 && !v6)
				continue;
			struct sock_extended_err ee;
			memcpy(&ee, CMSG_DATA(c), sizeof(ee));
			if (ee.ee_origin != SO_EE_ORIGIN_ICMP && ee.ee_origin != SO_EE_ORIGIN_ICMP6)
				continue;
			enum scan_state s;
			enum scan_reason r;
			int fam = ee.ee_origin == SO_EE_ORIGIN_ICMP ? AF_INET : AF_INET6;
			if (!scan_icmp_classify(fam, ee.ee_type, ee.ee_code, &s, &r))
				continue;
			/* An error the target sent took a token of its limit; one
			 * from a router on the way, of the router's. */
			if (udp_error_from_target(run, c))
				scan_udp_batch_error(run, run->pidx[addr_port(&dst.sa)],
						     s == SCAN_CLOSED);
			udp_answer(run, addr_port(&dst.sa), s, r, NULL, 0);
		}
	}
	return k;
}

/* Replies. A pending ICMP error is reported by recvmsg too (IP_RECVERR):
 * the error queue holds it as well, so it is skipped here. */
static void udp_read_replies(struct udp_run *run)
{
	for (int k = 0; k < SCAN_UDP_READS; k++) {
		union addr_any src;
		struct iovec iov = { run->buf, sizeof(run->buf) };
		struct msghdr msg = { .msg_name = &src, .msg_namelen = sizeof(src), .msg_iov = &iov,
				      .msg_iovlen = 1 };
		ssize_t n = recvmsg(run->fd, &msg, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			continue;
		}
		if (!same_host(&src.sa, &run->addr.sa))
			continue;
		if (run->self_port && addr_port(&src.sa) == run->self_port) {
			/* Our own probe, to our own socket: nothing else can have
			 * that port while we hold it. */
			udp_answer(run, run->self_port, SCAN_CLOSED, REASON_OWN_SOCKET, NULL, 0);
			continue;
		}
		size_t len = (size_t)n < SCAN_BANNER_MAX ? (size_t)n : SCAN_BANNER_MAX;
		udp_answer(run, addr_port(&src.sa), SCAN_OPEN, REASON_UDP_RESPONSE, run->buf, len);
	}
}

void scan_udp_drain(struct udp_run *run)
{
	udp_read_errors(run);
	udp_read_replies(run);
	udp_read_errors(run);
}

enum scan_udp_send_rc scan_udp_send(struct udp_run *run, uint32_t idx)
{
	const struct scan_payload *pl = scan_payload_for(run->t->ports[idx]);
	union addr_any a = run->addr;
	int err = 0;

	addr_set_port(&a.sa, run->t->ports[idx]);
	for (int k = 0; k < SCAN_UDP_SEND_TRIES; k++) {
		if (sendto(run->fd, pl->data, pl->len, MSG_DONTWAIT, &a.sa, run->alen) >= 0) {
			err = 0;
			break;
		}
		err = errno;
		/* The ICMP error of an earlier probe is reported once by the next
		 * call, whatever its errno (EACCES for ICMPv6 admin prohibited);
		 * it then waits on the error queue too, which tells it from an
		 * error of this send: read the queue, send again. */
		if (err == EINTR || udp_read_errors(run) > 0)
			continue;
		break;
	}
	enum scan_state s;
	enum scan_reason r;
	switch (err) {
	case 0:
		break;
	case EAGAIN:
	case ENOBUFS:
	case ENOMEM:
		return SCAN_UDP_SEND_STALL;
	default:
		if (!scan_connect_classify(err, &s, &r) || s == SCAN_CLOSED) {
			scan_udp_fail(run, err, "cannot send to");
			return SCAN_UDP_SEND_FATAL;
		}
		/* Every send failed the same way: this host cannot send there. */
		if (run->tries[idx] < UINT8_MAX)
			run->tries[idx]++;
		scan_udp_decide(run, idx, s, r);
		return SCAN_UDP_SEND_OK;
	}
	if (run->tries[idx] < UINT8_MAX)
		run->tries[idx]++;
	/* Send times in the order sent, strictly: which probe came after
	 * which is what tells a limited silence from a real one. */
	uint64_t stamp = clock_mono_us();
	if (stamp <= run->last_send_us)
		stamp = run->last_send_us + 1;
	run->last_send_us = stamp;
	run->lost_us[idx] = run->sent_us[idx];
	run->sent_us[idx] = stamp;
	scan_lim_probe(&run->lim, stamp);
	if (run->batching)
		return SCAN_UDP_SEND_OK; /* the batch keeps its own list */
	run->flags[idx] |= UDP_IN_FIFO;
	run->fifo[(run->fhead + run->flen) % run->t->n] = idx;
	run->flen++;
	run->inflight++;
	return SCAN_UDP_SEND_OK;
}

void scan_udp_schedule(struct udp_run *run, uint64_t delay_us)
{
	struct timeval tv = proc_tv_us(delay_us);

	if (run->tick_pending)
		event_del(run->tick);
	run->tick_pending = true;
	if (delay_us == 0)
		event_active(run->tick, EV_TIMEOUT, 1);
	else
		event_add(run->tick, &tv);
}
