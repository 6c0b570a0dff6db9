/* UDP scan: one unconnected socket per target with IP_RECVERR (IPV6_RECVERR).
 * A reply names its port by its source; an ICMP error is queued on the
 * socket's error queue with the destination of the datagram that caused
 * it (MSG_ERRQUEUE's msg_name), so one socket tells every port apart.
 *
 * Probes go out as fast as answers come back, until a retry is answered:
 * then an earlier probe was lost, most likely to the target's ICMP rate
 * limit (Linux: icmp_ratelimit per source, icmp_msgs_per_sec in all), and
 * the send rate drops to the rate answers were measured at (scan/pace.h).
 * Silent ports are retried; after the last try they are open|filtered,
 * unless the rate limit could explain their silence (scan/icmplim.h): then
 * they are parked, and the batches of udp_batch.c take over when this fast
 * phase is over. */
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
#include "scan/stop.h"

static bool udp_work_next(struct udp_run *run, uint32_t *idx)
{
	return scan_workq_next(&run->work, run->t->state, SCAN_PENDING, idx);
}

static void udp_unwork(struct udp_run *run, uint32_t idx)
{
	scan_workq_retry_first(&run->work, idx);
}

static void udp_park(struct udp_run *run, uint32_t idx)
{
	if (run->flags[idx] & UDP_PARKED)
		return;
	run->flags[idx] |= UDP_PARKED;
	run->parked++;
}

/* Timeouts, then sends, then the next wake-up. */
static void udp_step(struct udp_run *run)
{
	uint64_t now = clock_mono_us();
	uint64_t rto = scan_rtt_timeout(&run->rtt);

	scan_udp_drain(run);
	while (run->flen) {
		uint32_t idx = run->fifo[run->fhead];
		if (run->t->state[idx] == SCAN_PENDING && run->sent_us[idx] + rto > now)
			break;
		run->fhead = (run->fhead + 1) % run->t->n;
		run->flen--;
		run->flags[idx] &= (uint8_t)~UDP_IN_FIFO;
		if (run->t->state[idx] != SCAN_PENDING)
			continue;
		run->inflight--;
		bool explained = scan_udp_explained(run, idx);
		if (!explained && run->verified[idx] < UINT8_MAX)
			run->verified[idx]++;
		if (explained && run->lim.seen) {
			/* A burst of errors, then silence: the target's ICMP
			 * limit may have kept this error back, and a retry now
			 * would find its bucket as empty. The batches will tell. */
			udp_park(run, idx);
		} else if (run->tries[idx] < run->tmax.max) {
			scan_workq_retry(&run->work, idx);
		} else if (run->verified[idx] >= scan_lim_needed(&run->lim, run->tmax.max)) {
			scan_udp_decide(run, idx, SCAN_OPEN_FILTERED, REASON_NO_RESPONSE);
		} else {
			udp_park(run, idx);
		}
	}
	/* Errors of probes older than any still waiting are of no more use. */
	scan_lim_log_trim(&run->log, run->flen ? run->sent_us[run->fifo[run->fhead]] :
				     now > rto ? now - rto : 0);
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
		enum scan_udp_send_rc rc = scan_udp_send(run, idx);
		if (rc == SCAN_UDP_SEND_STALL) {
			udp_unwork(run, idx);
			stalled = true;
			if (++run->stalls > SCAN_UDP_STALL_MAX) {
				scan_udp_fail(run, ENOBUFS, "cannot send to");
				return;
			}
			break;
		}
		if (rc == SCAN_UDP_SEND_FATAL)
			return;
		run->stalls = 0;
		if (++sent % SCAN_UDP_BATCH == 0) {
			scan_udp_drain(run);
			now = clock_mono_us();
		}
	}
	scan_udp_drain(run);
	if (run->failed)
		return;
	if (scan_udp_done(run)) {
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
		run->flags[run->fifo[run->fhead]] &= (uint8_t)~UDP_IN_FIFO;
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
		/* Nothing in flight and nothing to send: every port is decided,
		 * or waits for the batches. */
		if (run->parked) {
			scan_udp_batch_start(run);
			return;
		}
		event_base_loopbreak(run->env->base);
		return;
	}
	scan_udp_schedule(run, wait);
}

static void udp_on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct udp_run *run = arg;

	run->tick_pending = false;
	if (run->batching)
		scan_udp_batch_step(run);
	else
		udp_step(run);
}

static void udp_on_readable(evutil_socket_t fd, short what, void *arg)
{
	struct udp_run *run = arg;
	size_t before = run->inflight;

	scan_udp_drain(run);
	if (scan_udp_done(run)) {
		event_base_loopbreak(run->env->base);
		return;
	}
	/* Every canary of the batch answered: the errors of the probes before
	 * them are all in (the target answers in order). */
	if (run->batching) {
		if (run->batch_active && run->ncanary && run->canary_errors >= run->ncanary)
			scan_udp_schedule(run, 0);
		return;
	}
	/* Room in flight again: send more now rather than at the next tick. */
	if (run->inflight < before && run->rate.rate == 0 &&
	    scan_workq_left(&run->work))
		scan_udp_schedule(run, 0);
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
	free(run->verified);
	free(run->batch);
	scan_lim_log_free(&run->log);
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
	run->verified = calloc(t->n, 1);
	run->batch = calloc(t->n < SCAN_LIM_BATCH ? t->n : SCAN_LIM_BATCH, sizeof(*run->batch));
	run->flags = calloc(t->n, 1);
	run->sent_us = calloc(t->n, sizeof(*run->sent_us));
	run->lost_us = calloc(t->n, sizeof(*run->lost_us));
	run->pidx = malloc(65536 * sizeof(*run->pidx));
	run->fifo = calloc(t->n, sizeof(*run->fifo));
	int wq = scan_workq_init(&run->work, (uint32_t)t->n);
	/* Errors kept for scan_udp_explained: those of the probes of the last
	 * timeout or so; a full log forgets the oldest (safe: fewer verified). */
	int lg = scan_lim_log_init(&run->log, (uint32_t)(t->n < SCAN_UDP_INFLIGHT_MAX ?
							  2 * t->n : 4 * SCAN_UDP_INFLIGHT_MAX));
	if (!run->tries || !run->verified || !run->batch || !run->flags || !run->sent_us ||
	    !run->lost_us || !run->pidx || !run->fifo || wq < 0 || lg < 0) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (size_t p = 0; p < 65536; p++)
		run->pidx[p] = -1;
	for (size_t i = 0; i < t->n; i++)
		run->pidx[t->ports[i]] = (int32_t)i;
	run->fd = udp_socket(run);
	if (run->fd < 0) {
		scan_udp_fail(run, errno, "cannot make a UDP socket for");
		goto out;
	}
	/* Errors about packets that came in on loopback are never limited. */
	scan_lim_init(&run->lim, udp_target_is_local(&run->addr));
	for (int k = 0; k < SCAN_LIM_CANARIES; k++)
		run->canary[k] = -1;
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
	scan_udp_set_rate(run, now);

	scan_udp_schedule(run, 0);
	/* The loop stops when every port is decided; a stop without progress
	 * twice in a row would be a bug here, not a reason to spin. */
	for (int idle = 0; !run->failed && !scan_udp_done(run);) {
		if (scan_stop_due(&watch, clock_mono_us())) {
			t->cut = scan_stop_signal() ? SCAN_CUT_INTERRUPTED : SCAN_CUT_TIMEOUT;
			/* Past the deadline, parked ports stay uncertain (a
			 * signal leaves them, as every undecided port, pending). */
			if (t->cut == SCAN_CUT_TIMEOUT)
				scan_udp_batch_give_up(run);
			break;
		}
		size_t before = run->decided;
		int r = event_base_dispatch(env->base);
		if (r < 0 || idle > 2) {
			snprintf(err, errlen, "event loop failed");
			goto out;
		}
		idle = run->decided == before ? idle + 1 : 0;
		if (!run->failed && !scan_udp_done(run) && !run->tick_pending)
			scan_udp_schedule(run, 0);
	}
	if (run->failed)
		goto out;
	t->unreachable = run->answered == 0 && run->unreach == t->n;
	if (run->lim.seen && !run->lim.exempt)
		t->limit_interval_us = run->lim.interval_us;
	rc = 0;
out:
	t->secs = (double)(clock_mono_us() - t0) / 1e6;
	scan_stop_watch_end(&watch);
	udp_run_free(run);
	free(run);
	return rc;
}
