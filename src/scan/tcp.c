/* TCP connect scan: many non-blocking connects in flight on the event loop.
 *
 * A connect() to a loopback or veth address usually has its answer before
 * the call returns (the SYN, and the SYN-ACK or RST, are handled in the
 * kernel on the way out of the system call); a second connect() on the
 * same socket then reports it at once: 0 or EISCONN (open), ECONNREFUSED
 * (closed), EALREADY (still waiting: the loop watches it). A socket whose
 * connect was refused is disconnected by the kernel and can connect again,
 * so refused ports cost two system calls and no socket. Open ports are
 * closed with SO_LINGER 0 (an RST): no TIME_WAIT piles up in the port range.
 * That kernel work runs on the CPU that calls connect(), so a long list is
 * cut into slices scanned by one thread per CPU, each with its own loop.
 *
 * An ICMP error (host unreachable, admin prohibited) that arrives while the
 * socket is busy in connect() leaves the kernel retrying the SYN; with
 * IP_RECVERR it is also queued on the socket's error queue, which wakes
 * the loop: the port is filtered at once, with the ICMP's reason. */
#include "scan/tcp_run.h"

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
#include "scan/icmp.h"
#include "scan/stop.h"

static void tcp_fill(struct tcp_run *run);

static void retry_push(struct tcp_run *run, uint32_t idx)
{
	scan_workq_retry(&run->work, idx);
}

static void retry_push_front(struct tcp_run *run, uint32_t idx)
{
	scan_workq_retry_first(&run->work, idx);
}

static bool work_next(struct tcp_run *run, uint32_t *idx)
{
	return scan_workq_next(&run->work, run->t->state, SCAN_PENDING, idx);
}

static bool work_left(const struct tcp_run *run)
{
	return scan_workq_left(&run->work);
}

static void tcp_set_port(struct tcp_run *run, uint32_t idx, union addr_any *a)
{
	*a = run->addr;
	addr_set_port(&a->sa, run->t->ports[idx]);
}

/* An ICMP error about this probe on fd's error queue (IP_RECVERR); errors
 * about another port (left from an earlier connect) are skipped. */
static bool tcp_icmp_error(struct tcp_run *run, int fd, uint32_t idx, enum scan_state *st,
			   enum scan_reason *why)
{
	bool found = false;

	for (int k = 0; k < 8; k++) {
		union addr_any dst;
		char ctl[512], data[64];
		struct iovec iov = { data, sizeof(data) };
		struct msghdr msg = { .msg_name = &dst, .msg_namelen = sizeof(dst), .msg_iov = &iov,
				      .msg_iovlen = 1, .msg_control = ctl,
				      .msg_controllen = sizeof(ctl) };
		if (recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
			break;
		if (found || msg.msg_namelen < sizeof(struct sockaddr_in) ||
		    addr_port(&dst.sa) != run->t->ports[idx])
			continue;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c && !found; c = CMSG_NXTHDR(&msg, c)) {
			if (!(c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR) &&
			    !(c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_RECVERR))
				continue;
			struct sock_extended_err ee;
			memcpy(&ee, CMSG_DATA(c), sizeof(ee));
			if (ee.ee_origin == SO_EE_ORIGIN_ICMP)
				found = scan_icmp_classify(AF_INET, ee.ee_type, ee.ee_code, st, why);
			else if (ee.ee_origin == SO_EE_ORIGIN_ICMP6)
				found = scan_icmp_classify(AF_INET6, ee.ee_type, ee.ee_code, st, why);
		}
	}
	return found;
}

static int tcp_socket(struct tcp_run *run)
{
	int one = 1;
	int fd = socket(run->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd >= 0) {
		if (run->family == AF_INET6)
			setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &one, sizeof(one));
		else
			setsockopt(fd, IPPROTO_IP, IP_RECVERR, &one, sizeof(one));
	}
	return fd;
}

enum start_rc { START_OK, START_STALL, START_FATAL };

/* connect() ended with err on fd (not EINPROGRESS/EALREADY). */
static enum start_rc tcp_result_err(struct tcp_run *run, int fd, uint32_t idx, int err,
				    uint64_t start_us)
{
	enum scan_state st;
	enum scan_reason why;

	if (scan_connect_classify(err, &st, &why)) {
		scan_tcp_answer(run, idx, st, why, start_us);
		if (err == ECONNREFUSED)
			scan_tcp_pool_put(run, fd); /* the kernel disconnected it: reusable */
		else
			close(fd);
		return START_OK;
	}
	close(fd);
	switch (err) {
	case EADDRNOTAVAIL: /* no free local port */
	case EAGAIN:
	case ENOBUFS:
	case ENOMEM:
		run->tries[idx]--;
		retry_push_front(run, idx);
		return START_STALL;
	default:
		scan_tcp_fail(run, err, "cannot connect to");
		return START_FATAL;
	}
}

static void tcp_on_connect(evutil_socket_t fd, short what, void *arg);

static enum start_rc tcp_start(struct tcp_run *run, uint32_t idx)
{
	union addr_any a;
	int fd, rc, err;
	bool fresh = run->npool == 0;

	fd = fresh ? tcp_socket(run) : run->pool[--run->npool];
	if (fd < 0) {
		err = errno;
		if (err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM) {
			scan_window_clamp(&run->win, run->connecting);
			retry_push_front(run, idx);
			return START_STALL;
		}
		scan_tcp_fail(run, err, "cannot make a socket for");
		return START_FATAL;
	}
	tcp_set_port(run, idx, &a);
	run->tries[idx]++;
	uint64_t start = clock_mono_us();
	run->lost_us[idx] = run->sent_us[idx];
	run->sent_us[idx] = start;
	rc = connect(fd, &a.sa, run->alen);
	if (rc < 0 && !fresh && errno != EINPROGRESS) {
		/* A pooled socket in an unexpected state (or with an error left
		 * over that would be taken for this port's): use a new one. */
		close(fd);
		fd = tcp_socket(run);
		if (fd < 0) {
			run->tries[idx]--;
			retry_push_front(run, idx);
			return START_STALL;
		}
		rc = connect(fd, &a.sa, run->alen);
	}
	if (rc < 0 && errno == EINPROGRESS)
		rc = connect(fd, &a.sa, run->alen);
	if (rc == 0 || errno == EISCONN) {
		scan_tcp_opened(run, NULL, fd, idx, start);
		return START_OK;
	}
	err = errno;
	if (err != EALREADY && err != EINPROGRESS)
		return tcp_result_err(run, fd, idx, err, start);

	struct tcp_slot *s = scan_tcp_slot_get(run);
	if (!s) { /* cannot happen: tcp_fill checked */
		close(fd);
		run->tries[idx]--;
		retry_push_front(run, idx);
		return START_STALL;
	}
	s->fd = fd;
	s->idx = idx;
	s->phase = SLOT_CONNECT;
	s->start_us = start;
	run->connecting++;
	struct timeval tv = proc_tv_us(scan_rtt_timeout(&run->rtt));
	event_assign(&s->ev, run->env->base, fd, EV_WRITE, tcp_on_connect, s);
	event_add(&s->ev, &tv);
	return START_OK;
}

static void tcp_on_connect(evutil_socket_t fd, short what, void *arg)
{
	struct tcp_slot *s = arg;
	struct tcp_run *run = s->run;
	uint32_t idx = s->idx;
	uint64_t now = clock_mono_us();

	enum scan_state st;
	enum scan_reason why;
	if (tcp_icmp_error(run, s->fd, idx, &st, &why)) {
		uint64_t start = s->start_us;
		run->connecting--;
		close(s->fd);
		scan_tcp_slot_put(run, s);
		scan_tcp_answer(run, idx, st, why, start);
	} else if (!(what & EV_WRITE)) {
		/* No answer in time. */
		scan_window_timeout(&run->win, now);
		run->connecting--;
		close(s->fd);
		scan_tcp_slot_put(run, s);
		if (run->tries[idx] < run->tmax.max)
			retry_push(run, idx);
		else
			scan_tcp_decide(run, idx, SCAN_FILTERED, REASON_NO_RESPONSE);
	} else {
		union addr_any a;
		tcp_set_port(run, idx, &a);
		int rc = connect(s->fd, &a.sa, run->alen);
		if (rc < 0 && (errno == EALREADY || errno == EINPROGRESS)) {
			/* Woken early: wait for the rest of the timeout. */
			uint64_t rto = scan_rtt_timeout(&run->rtt), spent = now - s->start_us;
			struct timeval tv = proc_tv_us(spent < rto ? rto - spent : 0);
			event_add(&s->ev, &tv);
			return;
		}
		run->connecting--;
		if (rc == 0 || errno == EISCONN) {
			scan_tcp_opened(run, s, s->fd, idx, s->start_us);
		} else {
			int err = errno, sfd = s->fd;
			uint64_t start = s->start_us;
			scan_tcp_slot_put(run, s);
			tcp_result_err(run, sfd, idx, err, start);
		}
	}
	tcp_fill(run);
	scan_tcp_check_done(run);
}

static void tcp_schedule(struct tcp_run *run, uint64_t delay_us)
{
	if (run->pump_pending)
		return;
	run->pump_pending = true;
	if (delay_us == 0) {
		event_active(run->pump, EV_TIMEOUT, 1);
	} else {
		struct timeval tv = proc_tv_us(delay_us);
		event_add(run->pump, &tv);
	}
}

static void tcp_fill(struct tcp_run *run)
{
	uint32_t idx;

	for (int budget = SCAN_TCP_BATCH; budget > 0; budget--) {
		if (run->failed || run->pump_pending)
			return;
		if (run->connecting >= run->win.cwnd || run->nfree == 0)
			return; /* a completion calls tcp_fill again */
		/* --scan-delay (-T0 to -T2): one connect, then a pause. */
		uint64_t delay = run->env->cfg->scan_delay_ms * 1000, now = 0;
		if (delay) {
			now = clock_mono_us();
			if (run->last_start_us && now < run->last_start_us + delay) {
				tcp_schedule(run, run->last_start_us + delay - now);
				return;
			}
		}
		if (!work_next(run, &idx))
			return;
		switch (tcp_start(run, idx)) {
		case START_OK:
			run->stalls = 0;
			if (delay) {
				run->last_start_us = now;
				if (work_left(run))
					tcp_schedule(run, delay);
				return;
			}
			break;
		case START_STALL:
			if (++run->stalls > SCAN_TCP_STALL_MAX) {
				scan_tcp_fail(run, EADDRNOTAVAIL, "no local port or descriptor left to scan");
				return;
			}
			tcp_schedule(run, SCAN_TCP_STALL_MS * 1000);
			return;
		case START_FATAL:
			return;
		}
	}
	if (work_left(run))
		tcp_schedule(run, 0);
}

static void tcp_on_pump(evutil_socket_t fd, short what, void *arg)
{
	struct tcp_run *run = arg;

	run->pump_pending = false;
	tcp_fill(run);
	scan_tcp_check_done(run);
}

/* Scans the ports of part->t on part->env's loop. */
void scan_tcp_part_run(struct tcp_part *part)
{
	struct scan_table *t = &part->t;
	struct tcp_run run = { .env = &part->env, .t = t, .err = part->err,
			       .errlen = sizeof(part->err) };
	const struct scan_config *cfg = part->env.cfg;
	struct scan_stop_watch watch;

	part->rc = -1;
	run.addr = *part->addr;
	run.alen = addr_len(&run.addr.sa);
	run.family = run.addr.sa.sa_family;
	run.nslots = part->nslots;
	run.slots = calloc(run.nslots, sizeof(*run.slots));
	run.freelist = calloc(run.nslots, sizeof(*run.freelist));
	int wq = scan_workq_init(&run.work, (uint32_t)t->n);
	run.tries = calloc(t->n, 1);
	run.sent_us = calloc(t->n, sizeof(*run.sent_us));
	run.lost_us = calloc(t->n, sizeof(*run.lost_us));
	run.refill = tcp_fill;
	run.pump = event_new(part->env.base, -1, 0, tcp_on_pump, &run);
	int ws = scan_stop_watch_start(&watch, part->env.base, part->env.deadline_us);
	if (!run.slots || !run.freelist || wq < 0 || !run.tries || !run.sent_us ||
	    !run.lost_us || !run.pump || ws < 0) {
		snprintf(part->err, sizeof(part->err), "out of memory");
		scan_stop_watch_end(&watch);
		scan_tcp_run_free(&run);
		return;
	}
	for (uint32_t i = 0; i < run.nslots; i++) {
		run.slots[run.nslots - 1 - i].run = &run;
		run.slots[run.nslots - 1 - i].fd = -1;
		run.freelist[run.nfree++] = run.nslots - 1 - i;
	}
	scan_rtt_init(&run.rtt, SCAN_RTO_INIT_MS * 1000ULL, SCAN_RTO_MIN_MS * 1000ULL,
		      cfg->max_rtt_ms * 1000);
	scan_window_init(&run.win, SCAN_TCP_WINDOW_INIT, SCAN_TCP_WINDOW_MIN, run.nslots);
	scan_tries_init(&run.tmax, scan_config_retries(cfg, IPPROTO_TCP), SCAN_RETRIES_MAX);

	tcp_schedule(&run, 0);
	/* The loop stops when every port is decided; a stop without progress
	 * twice in a row would be a bug here, not a reason to spin. */
	for (int idle = 0; !run.failed && !(run.decided == t->n && run.nfree == run.nslots);) {
		if (scan_stop_due(&watch, clock_mono_us())) {
			/* The ports still undecided stay pending; the open
			 * connections are reset by scan_tcp_run_free. */
			part->cut = scan_stop_signal() ? SCAN_CUT_INTERRUPTED : SCAN_CUT_TIMEOUT;
			break;
		}
		size_t before = run.decided;
		if (event_base_dispatch(part->env.base) < 0 || idle > 2) {
			snprintf(part->err, sizeof(part->err), "event loop failed");
			run.failed = true;
			break;
		}
		idle = run.decided == before ? idle + 1 : 0;
		if (!run.pump_pending)
			tcp_schedule(&run, 0);
	}
	part->answered = run.answered;
	part->unreach = run.unreach;
	part->rc = run.failed ? -1 : 0;
	scan_stop_watch_end(&watch);
	scan_tcp_run_free(&run);
}
