/* -b on TCP: what an open port sends first, or in reply to scan_nudge when
 * it is silent, read until the banner timeout; then the socket is reset. */
#include "scan/tcp_run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/proc.h"
#include "scan/payload.h"

static void tcp_on_banner(evutil_socket_t fd, short what, void *arg);

static void banner_arm(struct tcp_slot *s, uint64_t wait_us)
{
	struct timeval tv = proc_tv_us(wait_us);

	event_assign(&s->ev, s->run->env->base, s->fd, EV_READ, tcp_on_banner, s);
	event_add(&s->ev, &tv);
}

static void banner_finish(struct tcp_slot *s)
{
	struct tcp_run *run = s->run;

	if (s->blen && scan_table_set_banner(run->t, s->idx, s->buf, s->blen) < 0)
		scan_tcp_fail(run, ENOMEM, "banner of");
	scan_tcp_close_reset(s->fd);
	scan_tcp_slot_put(run, s);
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
	run->refill(run);
	scan_tcp_check_done(run);
}

/* The handshake completed on fd (s: the slot it waited in, or NULL). */
void scan_tcp_opened(struct tcp_run *run, struct tcp_slot *s, int fd, uint32_t idx,
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
			scan_tcp_close_reset(fd);
			if (s)
				scan_tcp_slot_put(run, s);
			scan_tcp_decide(run, idx, SCAN_CLOSED, REASON_CONN_REFUSED);
			return;
		}
	}
	scan_tcp_answer(run, idx, SCAN_OPEN, REASON_SYN_ACK, start_us);
	if (!run->env->cfg->banners) {
		scan_tcp_close_reset(fd);
		if (s)
			scan_tcp_slot_put(run, s);
		return;
	}
	if (!s)
		s = scan_tcp_slot_get(run); /* tcp_fill starts a probe only when one is free */
	if (!s) {
		scan_tcp_close_reset(fd);
		return;
	}
	if (!s->buf && !(s->buf = malloc(SCAN_BANNER_MAX))) {
		scan_tcp_close_reset(fd);
		scan_tcp_slot_put(run, s);
		scan_tcp_fail(run, ENOMEM, "banner of");
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
