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
#include "scan/engine.h"
#include "scan/workq.h"

#include <errno.h>
#include <linux/errqueue.h>
#include <pthread.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <event2/event_struct.h>

#include "core/clock.h"
#include "scan/icmp.h"
#include "scan/limits.h"
#include "scan/pace.h"
#include "scan/payload.h"
#include "scan/rtt.h"
#include "scan/stop.h"

enum slot_phase {
	SLOT_FREE,
	SLOT_CONNECT,       /* waiting for the handshake */
	SLOT_BANNER_FIRST,  /* open; waiting for the service to speak first */
	SLOT_BANNER_NUDGED, /* it did not: sent scan_nudge, waiting for a reply */
	SLOT_BANNER_MORE,   /* got bytes; a short wait for the rest */
};

struct tcp_run;

struct tcp_slot {
	struct event ev;
	struct tcp_run *run;
	int fd;
	uint32_t idx;
	uint8_t phase;
	uint64_t start_us;
	uint64_t deadline_us;  /* banner: the end of the wait */
	uint16_t blen;
	uint8_t *buf;          /* SCAN_BANNER_MAX bytes, with -b */
};

struct tcp_run {
	const struct scan_env *env;
	struct scan_table *t;
	union addr_any addr;
	socklen_t alen;
	int family;

	struct tcp_slot *slots;
	uint32_t nslots;
	uint32_t *freelist;
	uint32_t nfree;
	uint32_t connecting;     /* slots in SLOT_CONNECT */

	struct scan_workq work;  /* retries first, then ports never probed */
	uint8_t *tries;          /* probes sent per port */
	uint64_t *sent_us;       /* when the latest probe of each port went out */
	uint64_t *lost_us;       /* ... and the one before it */
	size_t decided;

	int pool[SCAN_TCP_POOL]; /* refused, disconnected sockets */
	int npool;

	struct scan_rtt rtt;
	struct scan_window win;
	struct scan_tries tmax;

	struct event *pump;
	bool pump_pending;
	unsigned stalls;

	size_t answered;         /* open or closed */
	size_t unreach;          /* host/net unreachable */
	bool failed;
	char *err;
	size_t errlen;
};

static void tcp_fill(struct tcp_run *run);

static void tcp_close_reset(int fd)
{
	struct linger l = { .l_onoff = 1, .l_linger = 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	close(fd);
}

static void tcp_fail(struct tcp_run *run, int err, const char *what)
{
	char ip[ADDR_STRLEN];

	if (run->failed)
		return;
	run->failed = true;
	snprintf(run->err, run->errlen, "%s %s: %s", what,
		 addr_ip_str(&run->addr.sa, ip, sizeof(ip)), strerror(err));
	event_base_loopbreak(run->env->base);
}

static void tcp_check_done(struct tcp_run *run)
{
	if (run->failed)
		return;
	if (run->decided == run->t->n && run->nfree == run->nslots)
		event_base_loopbreak(run->env->base);
}

static void tcp_decide(struct tcp_run *run, uint32_t idx, enum scan_state s, enum scan_reason r)
{
	if (!scan_table_set(run->t, idx, s, r))
		return;
	run->decided++;
	scan_progress_add(run->env->progress, 1, s == SCAN_OPEN);
	if (s == SCAN_OPEN || s == SCAN_CLOSED)
		run->answered++;
	if (scan_reason_is_unreach(r))
		run->unreach++;
}

/* An answer to probe number tries[idx]: timing and limits learn from it. */
static void tcp_answer(struct tcp_run *run, uint32_t idx, enum scan_state s, enum scan_reason r,
		       uint64_t start_us)
{
	uint64_t now = clock_mono_us();
	unsigned try = run->tries[idx];

	if (try == 1)
		scan_rtt_sample(&run->rtt, now - start_us);
	scan_window_answer(&run->win, try, run->lost_us[idx], now, scan_rtt_timeout(&run->rtt));
	scan_tries_answer(&run->tmax, try);
	tcp_decide(run, idx, s, r);
}

static struct tcp_slot *slot_get(struct tcp_run *run)
{
	if (run->nfree == 0)
		return NULL;
	struct tcp_slot *s = &run->slots[run->freelist[--run->nfree]];
	return s;
}

static void slot_put(struct tcp_run *run, struct tcp_slot *s)
{
	if (s->phase != SLOT_FREE)
		event_del(&s->ev);
	s->phase = SLOT_FREE;
	s->fd = -1;
	run->freelist[run->nfree++] = (uint32_t)(s - run->slots);
}

static void pool_put(struct tcp_run *run, int fd)
{
	if (run->npool < SCAN_TCP_POOL)
		run->pool[run->npool++] = fd;
	else
		close(fd);
}

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

static struct timeval tv_us(uint64_t us)
{
	struct timeval tv = { .tv_sec = (time_t)(us / 1000000),
			      .tv_usec = (suseconds_t)(us % 1000000) };
	return tv;
}

static void tcp_on_banner(evutil_socket_t fd, short what, void *arg);

static void banner_arm(struct tcp_slot *s, uint64_t wait_us)
{
	struct timeval tv = tv_us(wait_us);

	event_assign(&s->ev, s->run->env->base, s->fd, EV_READ, tcp_on_banner, s);
	event_add(&s->ev, &tv);
}

static void banner_finish(struct tcp_slot *s)
{
	struct tcp_run *run = s->run;

	if (s->blen && scan_table_set_banner(run->t, s->idx, s->buf, s->blen) < 0)
		tcp_fail(run, ENOMEM, "banner of");
	tcp_close_reset(s->fd);
	slot_put(run, s);
}

static void tcp_on_banner(evutil_socket_t fd, short what, void *arg)
{
	struct tcp_slot *s = arg;
	struct tcp_run *run = s->run;
	uint64_t now = clock_mono_us();
	uint64_t left = s->deadline_us > now ? s->deadline_us - now : 0;

	if (what & EV_READ) {
		ssize_t n = recv(fd, s->buf + s->blen, SCAN_BANNER_MAX - s->blen, MSG_DONTWAIT);
		if (n > 0) {
			s->blen = (uint16_t)(s->blen + n);
			s->phase = SLOT_BANNER_MORE;
		}
		bool again = n > 0 || (n < 0 && (errno == EAGAIN || errno == EINTR));
		if (!again || s->blen == SCAN_BANNER_MAX || left == 0) {
			banner_finish(s);
		} else {
			uint64_t gap = SCAN_BANNER_GAP_MS * 1000ULL;
			banner_arm(s, s->phase == SLOT_BANNER_MORE && gap < left ? gap : left);
		}
	} else if (s->phase == SLOT_BANNER_FIRST && left > 0) {
		/* Silent so far (echo, discard, upper): say something it may answer. */
		if (send(fd, scan_nudge, scan_nudge_len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
			banner_finish(s);
		} else {
			s->phase = SLOT_BANNER_NUDGED;
			banner_arm(s, left);
		}
	} else {
		banner_finish(s);
	}
	tcp_fill(run);
	tcp_check_done(run);
}

/* The handshake completed on fd (s: the slot it waited in, or NULL). */
static void tcp_opened(struct tcp_run *run, struct tcp_slot *s, int fd, uint32_t idx,
		       uint64_t start_us)
{
	union addr_any local;
	socklen_t llen = sizeof(local);

	/* An ephemeral port equal to the port probed connects the socket to
	 * itself (TCP simultaneous open): nothing listens there. */
	if (getsockname(fd, &local.sa, &llen) == 0 && addr_port(&local.sa) == run->t->ports[idx]) {
		struct addr_key a, b;
		addr_key_from(&a, &local.sa);
		addr_key_from(&b, &run->addr.sa);
		if (memcmp(&a, &b, sizeof(a)) == 0) {
			tcp_close_reset(fd);
			if (s)
				slot_put(run, s);
			tcp_decide(run, idx, SCAN_CLOSED, REASON_CONN_REFUSED);
			return;
		}
	}
	tcp_answer(run, idx, SCAN_OPEN, REASON_SYN_ACK, start_us);
	if (!run->env->cfg->banners) {
		tcp_close_reset(fd);
		if (s)
			slot_put(run, s);
		return;
	}
	if (!s)
		s = slot_get(run); /* tcp_fill starts a probe only when one is free */
	if (!s) {
		tcp_close_reset(fd);
		return;
	}
	if (!s->buf && !(s->buf = malloc(SCAN_BANNER_MAX))) {
		tcp_close_reset(fd);
		slot_put(run, s);
		tcp_fail(run, ENOMEM, "banner of");
		return;
	}
	uint64_t total = run->env->cfg->banner_ms * 1000;
	s->fd = fd;
	s->idx = idx;
	s->blen = 0;
	s->phase = SLOT_BANNER_FIRST;
	s->deadline_us = clock_mono_us() + total;
	banner_arm(s, total / 3);
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
		tcp_answer(run, idx, st, why, start_us);
		if (err == ECONNREFUSED)
			pool_put(run, fd); /* the kernel disconnected it: reusable */
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
		tcp_fail(run, err, "cannot connect to");
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
		tcp_fail(run, err, "cannot make a socket for");
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
		tcp_opened(run, NULL, fd, idx, start);
		return START_OK;
	}
	err = errno;
	if (err != EALREADY && err != EINPROGRESS)
		return tcp_result_err(run, fd, idx, err, start);

	struct tcp_slot *s = slot_get(run);
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
	struct timeval tv = tv_us(scan_rtt_timeout(&run->rtt));
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
		slot_put(run, s);
		tcp_answer(run, idx, st, why, start);
	} else if (!(what & EV_WRITE)) {
		/* No answer in time. */
		scan_window_timeout(&run->win, now);
		run->connecting--;
		close(s->fd);
		slot_put(run, s);
		if (run->tries[idx] < run->tmax.max)
			retry_push(run, idx);
		else
			tcp_decide(run, idx, SCAN_FILTERED, REASON_NO_RESPONSE);
	} else {
		union addr_any a;
		tcp_set_port(run, idx, &a);
		int rc = connect(s->fd, &a.sa, run->alen);
		if (rc < 0 && (errno == EALREADY || errno == EINPROGRESS)) {
			/* Woken early: wait for the rest of the timeout. */
			uint64_t rto = scan_rtt_timeout(&run->rtt), spent = now - s->start_us;
			struct timeval tv = tv_us(spent < rto ? rto - spent : 0);
			event_add(&s->ev, &tv);
			return;
		}
		run->connecting--;
		if (rc == 0 || errno == EISCONN) {
			tcp_opened(run, s, s->fd, idx, s->start_us);
		} else {
			int err = errno, sfd = s->fd;
			uint64_t start = s->start_us;
			slot_put(run, s);
			tcp_result_err(run, sfd, idx, err, start);
		}
	}
	tcp_fill(run);
	tcp_check_done(run);
}

static void tcp_schedule(struct tcp_run *run, uint64_t delay_us)
{
	if (run->pump_pending)
		return;
	run->pump_pending = true;
	if (delay_us == 0) {
		event_active(run->pump, EV_TIMEOUT, 1);
	} else {
		struct timeval tv = tv_us(delay_us);
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
		if (!work_next(run, &idx))
			return;
		switch (tcp_start(run, idx)) {
		case START_OK:
			run->stalls = 0;
			break;
		case START_STALL:
			if (++run->stalls > SCAN_TCP_STALL_MAX) {
				tcp_fail(run, EADDRNOTAVAIL, "no local port or descriptor left to scan");
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
	tcp_check_done(run);
}

static void tcp_run_free(struct tcp_run *run)
{
	for (uint32_t i = 0; run->slots && i < run->nslots; i++) {
		struct tcp_slot *s = &run->slots[i];
		if (s->phase != SLOT_FREE) {
			event_del(&s->ev);
			tcp_close_reset(s->fd);
		}
		free(s->buf);
	}
	while (run->npool > 0)
		close(run->pool[--run->npool]);
	if (run->pump)
		event_free(run->pump);
	free(run->slots);
	free(run->freelist);
	scan_workq_free(&run->work);
	free(run->tries);
	free(run->sent_us);
	free(run->lost_us);
}

static uint32_t tcp_window_max(const struct scan_env *env)
{
	long room = env->nofile - SCAN_FD_RESERVE - SCAN_TCP_POOL;
	uint64_t max = room > (long)SCAN_TCP_WINDOW_MIN ? (uint64_t)room : SCAN_TCP_WINDOW_MIN;

	if (max > SCAN_TCP_WINDOW_MAX)
		max = SCAN_TCP_WINDOW_MAX;
	if (env->cfg->parallel && env->cfg->parallel < max)
		max = env->cfg->parallel;
	return (uint32_t)max;
}

struct tcp_part {
	struct scan_env env;       /* a loop of its own on a worker thread */
	const union addr_any *addr;
	struct scan_table t;       /* a slice of the target's table */
	uint32_t nslots;
	size_t answered, unreach;
	int rc;
	uint8_t cut;               /* enum scan_cut: stopped early */
	bool started;
	pthread_t th;
	char err[SCAN_ERR_MAX + 64];
};

/* Scans the ports of part->t on part->env's loop. */
static void tcp_run_part(struct tcp_part *part)
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
	run.pump = event_new(part->env.base, -1, 0, tcp_on_pump, &run);
	int ws = scan_stop_watch_start(&watch, part->env.base, part->env.deadline_us);
	if (!run.slots || !run.freelist || wq < 0 || !run.tries || !run.sent_us ||
	    !run.lost_us || !run.pump || ws < 0) {
		snprintf(part->err, sizeof(part->err), "out of memory");
		scan_stop_watch_end(&watch);
		tcp_run_free(&run);
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
			 * connections are reset by tcp_run_free. */
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
	tcp_run_free(&run);
}

static void *tcp_worker(void *arg)
{
	struct tcp_part *part = arg;
	struct event_config *ec = event_config_new();

	part->env.base = NULL;
	if (ec) {
		event_config_set_flag(ec, EVENT_BASE_FLAG_NOLOCK);
		part->env.base = event_base_new_with_config(ec);
		event_config_free(ec);
	}
	if (!part->env.base) {
		part->rc = -1;
		snprintf(part->err, sizeof(part->err), "cannot set up an event loop");
		return NULL;
	}
	tcp_run_part(part);
	event_base_free(part->env.base);
	return NULL;
}

static unsigned tcp_nparts(const struct scan_env *env, const struct scan_table *t)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned k = cpus > 1 ? (unsigned)cpus : 1;

	if (t->n < SCAN_TCP_SPLIT_MIN)
		return 1;
	if (k > SCAN_TCP_WORKERS)
		k = SCAN_TCP_WORKERS;
	if (env->cfg->parallel && env->cfg->parallel < k * SCAN_TCP_WINDOW_MIN)
		return 1;
	return k;
}

int scan_tcp_run(const struct scan_env *env, const union addr_any *addr, struct scan_table *t,
		 char *err, size_t errlen)
{
	struct tcp_part parts[SCAN_TCP_WORKERS];
	uint64_t t0 = clock_mono_us();
	unsigned k = tcp_nparts(env, t);
	uint32_t slots = tcp_window_max(env) / k;
	int rc = 0;

	if (t->n == 0)
		return 0;
	if (slots < SCAN_TCP_WINDOW_MIN)
		slots = SCAN_TCP_WINDOW_MIN;
	/* Contiguous slices; part 0 runs here, on the caller's loop (and its
	 * progress line), the others on threads with loops of their own. */
	memset(parts, 0, sizeof(parts));
	for (unsigned i = 0; i < k; i++) {
		struct tcp_part *p = &parts[i];
		size_t off = t->n * i / k, end = t->n * (i + 1) / k;
		p->env = *env;
		p->addr = addr;
		p->nslots = slots;
		p->t = *t;
		p->t.n = end - off;
		p->t.ports = t->ports + off;
		p->t.state = t->state + off;
		p->t.reason = t->reason + off;
		if (t->banner) {
			p->t.banner = t->banner + off;
			p->t.banner_len = t->banner_len + off;
		}
		if (i > 0)
			p->started = pthread_create(&p->th, NULL, tcp_worker, p) == 0;
	}
	tcp_run_part(&parts[0]);
	for (unsigned i = 1; i < k; i++) {
		if (parts[i].started)
			pthread_join(parts[i].th, NULL);
		else
			tcp_run_part(&parts[i]); /* no thread: here, after the first */
	}
	size_t answered = 0, unreach = 0;
	for (unsigned i = 0; i < k; i++) {
		answered += parts[i].answered;
		unreach += parts[i].unreach;
		if (parts[i].rc < 0 && rc == 0) {
			snprintf(err, errlen, "%s", parts[i].err);
			rc = -1;
		}
		if (parts[i].cut && !t->cut)
			t->cut = parts[i].cut;
	}
	t->unreachable = rc == 0 && answered == 0 && unreach == t->n;
	t->secs = (double)(clock_mono_us() - t0) / 1e6;
	return rc;
}
