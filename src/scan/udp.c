/* UDP scan: one unconnected socket per target with IP_RECVERR (IPV6_RECVERR).
 * A reply names its port by its source; an ICMP error is queued on the
 * socket's error queue with the destination of the datagram that caused
 * it (MSG_ERRQUEUE's msg_name), so one socket tells every port apart.
 *
 * Probes go out as fast as answers come back, until a retry is answered:
 * then an earlier probe was lost, most likely to the target's ICMP rate
 * limit (Linux: icmp_ratelimit per source, icmp_msgs_per_sec in all), and
 * the send rate drops to the rate answers were measured at (scan/pace.h).
 * Silent ports are retried; after the last try they are open|filtered. */
#include "scan/engine.h"
#include "scan/workq.h"

#include <errno.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/tbucket.h"
#include "scan/icmp.h"
#include "scan/limits.h"
#include "scan/pace.h"
#include "scan/payload.h"
#include "scan/rtt.h"
#include "scan/stop.h"

#define IN_FIFO 1

struct udp_run {
	const struct scan_env *env;
	struct scan_table *t;
	union addr_any addr;
	socklen_t alen;
	int family;
	int fd;
	uint16_t self_port;      /* the socket's own port, when it is scanned here */
	struct event *rev, *tick;
	bool tick_pending;

	uint8_t *tries;          /* probes sent per port */
	uint8_t *flags;
	uint64_t *sent_us;       /* when the last probe of each port went out */
	uint64_t *lost_us;       /* ... and the one before it */
	int32_t *pidx;           /* port number -> index in t, or -1 */
	uint32_t *fifo;          /* probes in flight, in the order sent (ring of t->n) */
	size_t fhead, flen;
	struct scan_workq work;  /* retries first, then ports never probed */
	size_t inflight;         /* undecided ports in fifo */
	size_t decided;
	unsigned stalls;         /* sends refused in a row (a full send buffer) */

	struct scan_rtt rtt;
	struct scan_tries tmax;
	struct scan_rate rate;
	struct tbucket tb;

	size_t answered, unreach;
	bool failed;
	char *err;
	size_t errlen;
	uint8_t buf[2048];
};

static void udp_fail(struct udp_run *run, int err, const char *what)
{
	char ip[ADDR_STRLEN];

	if (run->failed)
		return;
	run->failed = true;
	snprintf(run->err, run->errlen, "%s %s: %s", what,
		 addr_ip_str(&run->addr.sa, ip, sizeof(ip)), strerror(err));
	event_base_loopbreak(run->env->base);
}

static bool udp_done(const struct udp_run *run)
{
	return run->decided == run->t->n;
}

static void udp_decide(struct udp_run *run, uint32_t idx, enum scan_state s, enum scan_reason r)
{
	enum scan_state old = run->t->state[idx];

	if (!scan_table_set(run->t, idx, s, r))
		return;
	if (old == SCAN_PENDING) {
		run->decided++;
		if (run->flags[idx] & IN_FIFO)
			run->inflight--;
	}
	scan_progress_add(run->env->progress, old == SCAN_PENDING, s == SCAN_OPEN);
	if (s == SCAN_OPEN || s == SCAN_CLOSED)
		run->answered++;
	if (scan_reason_is_unreach(r))
		run->unreach++;
}

static void udp_set_rate(struct udp_run *run, uint64_t now)
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
	if (old == SCAN_PENDING) {
		if (try == 1 && (run->flags[idx] & IN_FIFO))
			scan_rtt_sample(&run->rtt, now - run->sent_us[idx]);
		scan_tries_answer(&run->tmax, try);
		if (scan_rate_answer(&run->rate, try, run->lost_us[idx], now, rto))
			udp_set_rate(run, now);
	}
	udp_decide(run, (uint32_t)idx, s, r);
	if (s == SCAN_OPEN && run->env->cfg->banners &&
	    scan_table_set_banner(run->t, (size_t)idx, data, len) < 0)
		udp_fail(run, ENOMEM, "banner of");
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
			if (scan_icmp_classify(fam, ee.ee_type, ee.ee_code, &s, &r))
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

static void udp_drain(struct udp_run *run)
{
	udp_read_errors(run);
	udp_read_replies(run);
	udp_read_errors(run);
}

enum send_rc { SEND_OK, SEND_STALL, SEND_FATAL };

static enum send_rc udp_send(struct udp_run *run, uint32_t idx, uint64_t now)
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
		return SEND_STALL;
	default:
		if (!scan_connect_classify(err, &s, &r) || s == SCAN_CLOSED) {
			udp_fail(run, err, "cannot send to");
			return SEND_FATAL;
		}
		/* Every send failed the same way: this host cannot send there. */
		run->tries[idx]++;
		udp_decide(run, idx, s, r);
		return SEND_OK;
	}
	run->tries[idx]++;
	run->lost_us[idx] = run->sent_us[idx];
	run->sent_us[idx] = now;
	run->flags[idx] |= IN_FIFO;
	run->fifo[(run->fhead + run->flen) % run->t->n] = idx;
	run->flen++;
	run->inflight++;
	return SEND_OK;
}

static bool udp_work_next(struct udp_run *run, uint32_t *idx)
{
	return scan_workq_next(&run->work, run->t->state, SCAN_PENDING, idx);
}

static void udp_unwork(struct udp_run *run, uint32_t idx)
{
	scan_workq_retry_first(&run->work, idx);
}

static void udp_schedule(struct udp_run *run, uint64_t delay_us)
{
	struct timeval tv = { .tv_sec = (time_t)(delay_us / 1000000),
			      .tv_usec = (suseconds_t)(delay_us % 1000000) };

	if (run->tick_pending)
		event_del(run->tick);
	run->tick_pending = true;
	if (delay_us == 0)
		event_active(run->tick, EV_TIMEOUT, 1);
	else
		event_add(run->tick, &tv);
}

/* Timeouts, then sends, then the next wake-up. */
static void udp_step(struct udp_run *run)
{
	uint64_t now = clock_mono_us();
	uint64_t rto = scan_rtt_timeout(&run->rtt);

	udp_drain(run);
	while (run->flen) {
		uint32_t idx = run->fifo[run->fhead];
		if (run->t->state[idx] == SCAN_PENDING && run->sent_us[idx] + rto > now)
			break;
		run->fhead = (run->fhead + 1) % run->t->n;
		run->flen--;
		run->flags[idx] &= (uint8_t)~IN_FIFO;
		if (run->t->state[idx] != SCAN_PENDING)
			continue;
		run->inflight--;
		if (run->tries[idx] < run->tmax.max) {
			scan_workq_retry(&run->work, idx);
		} else {
			udp_decide(run, idx, SCAN_OPEN_FILTERED, REASON_NO_RESPONSE);
		}
	}
	bool stalled = false, limited = false, more = false;
	unsigned sent = 0;
	uint32_t idx;
	while (!run->failed) {
		if (run->inflight >= SCAN_UDP_INFLIGHT_MAX || sent >= SCAN_UDP_INFLIGHT_MAX) {
			more = run->inflight < SCAN_UDP_INFLIGHT_MAX;
			break;
		}
		if (!scan_workq_left(&run->work))
			break;
		if (run->rate.rate && !tbucket_take(&run->tb, 1, now)) {
			limited = true;
			break;
		}
		if (!udp_work_next(run, &idx))
			break;
		enum send_rc rc = udp_send(run, idx, now);
		if (rc == SEND_STALL) {
			udp_unwork(run, idx);
			stalled = true;
			if (++run->stalls > SCAN_UDP_STALL_MAX) {
				udp_fail(run, ENOBUFS, "cannot send to");
				return;
			}
			break;
		}
		if (rc == SEND_FATAL)
			return;
		run->stalls = 0;
		if (++sent % SCAN_UDP_BATCH == 0) {
			udp_drain(run);
			now = clock_mono_us();
		}
	}
	udp_drain(run);
	if (run->failed)
		return;
	if (udp_done(run)) {
		event_base_loopbreak(run->env->base);
		return;
	}
	/* The next wake-up: more to send now, the next token, or the oldest
	 * probe's timeout (the read event may come first). */
	now = clock_mono_us();
	rto = scan_rtt_timeout(&run->rtt); /* the answers just read may have taught it */
	uint64_t wait = UINT64_MAX;
	bool can_send = scan_workq_left(&run->work) && run->inflight < SCAN_UDP_INFLIGHT_MAX;
	if (more)
		wait = 0;
	else if (stalled)
		wait = 1000;
	else if (limited && can_send)
		wait = 1000000 / run->rate.rate > 1000 ? 1000000 / run->rate.rate : 1000;
	while (run->flen && run->t->state[run->fifo[run->fhead]] != SCAN_PENDING) {
		run->flags[run->fifo[run->fhead]] &= (uint8_t)~IN_FIFO;
		run->fhead = (run->fhead + 1) % run->t->n;
		run->flen--;
	}
	if (run->flen) {
		uint64_t due = run->sent_us[run->fifo[run->fhead]] + rto;
		uint64_t w = due > now ? due - now : 0;
		if (w < wait)
			wait = w;
	}
	if (wait == UINT64_MAX) {
		/* Nothing in flight and nothing to send: every port is decided. */
		event_base_loopbreak(run->env->base);
		return;
	}
	udp_schedule(run, wait);
}

static void udp_on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct udp_run *run = arg;

	run->tick_pending = false;
	udp_step(run);
}

static void udp_on_readable(evutil_socket_t fd, short what, void *arg)
{
	struct udp_run *run = arg;
	size_t before = run->inflight;

	udp_drain(run);
	if (udp_done(run)) {
		event_base_loopbreak(run->env->base);
		return;
	}
	/* Room in flight again: send more now rather than at the next tick. */
	if (run->inflight < before && run->rate.rate == 0 &&
	    scan_workq_left(&run->work))
		udp_schedule(run, 0);
}

static int udp_socket_once(struct udp_run *run)
{
	int one = 1, buf = SCAN_UDP_RCVBUF;
	union addr_any any;
	int fd = socket(run->family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	memset(&any, 0, sizeof(any));
	any.sa.sa_family = (sa_family_t)run->family;
	int rc = run->family == AF_INET6
			 ? setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &one, sizeof(one))
			 : setsockopt(fd, IPPROTO_IP, IP_RECVERR, &one, sizeof(one));
	if (rc == 0)
		rc = bind(fd, &any.sa, addr_len(&any.sa)); /* to know its port now */
	if (rc < 0) {
		int err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	/* Errors and replies wait here between two reads; as root past rmem_max. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	return fd;
}

/* True when addr is one of this host's own addresses. */
static bool udp_target_is_local(const union addr_any *addr)
{
	union addr_any a = *addr;
	int fd = socket(a.sa.sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool local;

	if (fd < 0)
		return false;
	addr_set_port(&a.sa, 0);
	local = bind(fd, &a.sa, addr_len(&a.sa)) == 0;
	close(fd);
	return local;
}

/* The probe socket, on a local port outside the scanned ones if it can be:
 * probing this host's own port P from port P would reach the scanner's
 * own socket. When the list has every port, run->self_port remembers it. */
static int udp_socket(struct udp_run *run)
{
	int fd = -1;

	for (int k = 0; k < 16; k++) {
		union addr_any local;
		socklen_t len = sizeof(local);
		if (fd >= 0)
			close(fd);
		fd = udp_socket_once(run);
		if (fd < 0)
			return -1;
		if (getsockname(fd, &local.sa, &len) < 0 || run->pidx[addr_port(&local.sa)] < 0)
			return fd;
		run->self_port = addr_port(&local.sa);
	}
	if (!udp_target_is_local(&run->addr))
		run->self_port = 0;
	return fd;
}

static void udp_run_free(struct udp_run *run)
{
	if (run->rev)
		event_free(run->rev);
	if (run->tick)
		event_free(run->tick);
	if (run->fd >= 0)
		close(run->fd);
	free(run->tries);
	free(run->flags);
	free(run->sent_us);
	free(run->lost_us);
	free(run->pidx);
	free(run->fifo);
	scan_workq_free(&run->work);
}

int scan_udp_run(const struct scan_env *env, const union addr_any *addr, struct scan_table *t,
		 char *err, size_t errlen)
{
	struct udp_run *run = calloc(1, sizeof(*run));
	const struct scan_config *cfg = env->cfg;
	uint64_t t0 = clock_mono_us();
	struct scan_stop_watch watch = { 0 };
	int rc = -1;

	if (!run) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (t->n == 0) {
		free(run);
		return 0;
	}
	run->env = env;
	run->t = t;
	run->err = err;
	run->errlen = errlen;
	run->fd = -1;
	run->addr = *addr;
	run->alen = addr_len(&addr->sa);
	run->family = addr->sa.sa_family;
	run->tries = calloc(t->n, 1);
	run->flags = calloc(t->n, 1);
	run->sent_us = calloc(t->n, sizeof(*run->sent_us));
	run->lost_us = calloc(t->n, sizeof(*run->lost_us));
	run->pidx = malloc(65536 * sizeof(*run->pidx));
	run->fifo = calloc(t->n, sizeof(*run->fifo));
	int wq = scan_workq_init(&run->work, (uint32_t)t->n);
	if (!run->tries || !run->flags || !run->sent_us || !run->lost_us || !run->pidx || !run->fifo ||
	    wq < 0) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (size_t p = 0; p < 65536; p++)
		run->pidx[p] = -1;
	for (size_t i = 0; i < t->n; i++)
		run->pidx[t->ports[i]] = (int32_t)i;
	run->fd = udp_socket(run);
	if (run->fd < 0) {
		udp_fail(run, errno, "cannot make a UDP socket for");
		goto out;
	}
	run->rev = event_new(env->base, run->fd, EV_READ | EV_PERSIST, udp_on_readable, run);
	run->tick = event_new(env->base, -1, 0, udp_on_tick, run);
	if (!run->rev || !run->tick || event_add(run->rev, NULL) < 0 ||
	    scan_stop_watch_start(&watch, env->base, env->deadline_us) < 0) {
		snprintf(err, errlen, "cannot set up the event loop");
		goto out;
	}
	uint64_t now = clock_mono_us();
	scan_rtt_init(&run->rtt, SCAN_RTO_INIT_MS * 1000ULL, SCAN_RTO_MIN_MS * 1000ULL,
		      cfg->max_rtt_ms * 1000);
	scan_tries_init(&run->tmax, scan_config_retries(cfg, IPPROTO_UDP), SCAN_RETRIES_MAX);
	scan_rate_init(&run->rate, cfg->rate, SCAN_UDP_RATE_MIN, SCAN_UDP_RATE_MAX, now);
	udp_set_rate(run, now);

	udp_schedule(run, 0);
	/* The loop stops when every port is decided; a stop without progress
	 * twice in a row would be a bug here, not a reason to spin. */
	for (int idle = 0; !run->failed && !udp_done(run);) {
		if (scan_stop_due(&watch, clock_mono_us())) {
			t->cut = scan_stop_signal() ? SCAN_CUT_INTERRUPTED : SCAN_CUT_TIMEOUT;
			break;
		}
		size_t before = run->decided;
		int r = event_base_dispatch(env->base);
		if (r < 0 || idle > 2) {
			snprintf(err, errlen, "event loop failed");
			goto out;
		}
		idle = run->decided == before ? idle + 1 : 0;
		if (!run->failed && !udp_done(run) && !run->tick_pending)
			udp_schedule(run, 0);
	}
	if (run->failed)
		goto out;
	t->unreachable = run->answered == 0 && run->unreach == t->n;
	rc = 0;
out:
	t->secs = (double)(clock_mono_us() - t0) / 1e6;
	scan_stop_watch_end(&watch);
	udp_run_free(run);
	free(run);
	return rc;
}
