/* Hooks of the calls that wait for fds to become ready: select, poll,
 * ppoll, epoll_wait. Always recorded (with an E line first), whatever fds
 * they wait for: a wait is where a program spends its time on the network. */
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>

#include "trace/preload/hooks.h"
#include "trace/preload/names.h"
#include "trace/preload/real.h"

/* Room kept for the keys after a long fd list (the cut falls on the list). */
#define LIST_RESERVE_BIG 600
#define LIST_RESERVE_SMALL 300

static void emit_fd_set(struct emit *e, const char *key, const fd_set *set, int nfds,
			size_t reserve)
{
	struct emit_list l;

	tr_emit_list_open(e, &l, key, reserve);
	for (int fd = 0; fd < nfds; fd++) {
		if (FD_ISSET(fd, set)) {
			char ib[16];
			struct emit it = emit_on(ib, sizeof ib);

			tr_emit_i64(&it, fd);
			tr_emit_list_item(e, &l, ib, it.len);
		}
	}
	tr_emit_list_close(e, &l);
}

static void emit_ready_sets(struct emit *e, const fd_set *rd, const fd_set *wr,
			    const fd_set *ex, int nfds)
{
	struct emit_list l;

	tr_emit_list_open(e, &l, "ready", 0);
	for (int fd = 0; fd < nfds; fd++) {
		if ((rd && FD_ISSET(fd, rd)) || (wr && FD_ISSET(fd, wr)) ||
		    (ex && FD_ISSET(fd, ex))) {
			char ib[16];
			struct emit it = emit_on(ib, sizeof ib);

			tr_emit_i64(&it, fd);
			tr_emit_list_item(e, &l, ib, it.len);
		}
	}
	tr_emit_list_close(e, &l);
}

/* The sets are copied before the call, which overwrites them with the
 * answer; only the bytes the kernel reads for nfds, and never past an
 * fd_set (FD_SETSIZE is the most the record lists). */
static void set_copy(fd_set *dst, const fd_set *src, int nfds)
{
	size_t words = ((size_t)nfds + 8 * sizeof(long) - 1) / (8 * sizeof(long));

	FD_ZERO(dst);
	if (src)
		memcpy(dst, src, words * sizeof(long));
}

HOOK int select(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, struct timeval *tv)
{
	struct call c;
	fd_set rd_in, wr_in;
	struct timeval tv_in = { 0, 0 };
	int n = nfds < 0 ? 0 : nfds > FD_SETSIZE ? FD_SETSIZE : nfds;
	int r;

	if (!tr_call_begin(&c, CALL_SELECT, -1, false))
		return REAL(select)(nfds, rd, wr, ex, tv);
	set_copy(&rd_in, rd, n);
	set_copy(&wr_in, wr, n);
	if (tv)
		tv_in = *tv;
	tr_call_enter(&c);
	r = REAL(select)(nfds, rd, wr, ex, tv);
	EMIT_LINE(e);
	tr_call_exit(&c, r, &e);
	tr_emit_kv_i64(&e, "nfds", nfds);
	if (tv) {
		size_t m = tr_emit_mark(&e);
		int64_t ms = tv_in.tv_usec / 1000;

		tr_emit_str(&e, " timeout=");
		tr_emit_i64(&e, tv_in.tv_sec);
		tr_emit_char(&e, '.');
		tr_emit_char(&e, (char)('0' + ms / 100 % 10));
		tr_emit_char(&e, (char)('0' + ms / 10 % 10));
		tr_emit_char(&e, (char)('0' + ms % 10));
		tr_emit_commit(&e, m);
	} else {
		tr_emit_kv_str(&e, "timeout", "none");
	}
	if (rd)
		emit_fd_set(&e, "rd", &rd_in, n, LIST_RESERVE_BIG);
	if (wr)
		emit_fd_set(&e, "wr", &wr_in, n, LIST_RESERVE_SMALL);
	if (r > 0)
		emit_ready_sets(&e, rd, wr, ex, n);
	tr_call_finish(&c, &e);
	return r;
}

static void emit_poll(struct emit *e, const struct call *c, const struct pollfd *fds,
		      nfds_t nfds, int64_t timeout_ms)
{
	struct emit_list l;

	/* EINVAL: nfds over the fd limit, so the array may not be that long */
	if (fds && call_args_readable(c) && c->err != EINVAL) {
		tr_emit_list_open(e, &l, "fds", LIST_RESERVE_BIG);
		for (nfds_t i = 0; i < nfds; i++)
			tr_emit_pollfd(e, &l, fds[i].fd, fds[i].events);
		tr_emit_list_close(e, &l);
	}
	if (timeout_ms < 0)
		tr_emit_kv_str(e, "timeout", "none");
	else
		tr_emit_kv_i64(e, "timeout", timeout_ms);
	if (fds && c->ret > 0) {
		tr_emit_list_open(e, &l, "ready", 0);
		for (nfds_t i = 0; i < nfds; i++)
			if (fds[i].revents != 0)
				tr_emit_pollfd(e, &l, fds[i].fd, fds[i].revents);
		tr_emit_list_close(e, &l);
	}
}

static int poll_traced(struct pollfd *fds, nfds_t nfds, int timeout)
{
	struct call c;
	int r;

	if (!tr_call_begin(&c, CALL_POLL, -1, false))
		return REAL(poll)(fds, nfds, timeout);
	tr_call_enter(&c);
	r = REAL(poll)(fds, nfds, timeout);
	EMIT_LINE(e);
	tr_call_exit(&c, r, &e);
	emit_poll(&e, &c, fds, nfds, timeout);
	tr_call_finish(&c, &e);
	return r;
}

HOOK int poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
	return poll_traced(fds, nfds, timeout);
}

HOOK int __poll_chk(struct pollfd *fds, nfds_t nfds, int timeout, size_t fdslen)
{
	if (fdslen / sizeof *fds < nfds && REAL(poll_chk))
		return REAL(poll_chk)(fds, nfds, timeout, fdslen);
	return poll_traced(fds, nfds, timeout);
}

static int ppoll_traced(struct pollfd *fds, nfds_t nfds, const struct timespec *ts,
			const sigset_t *ss)
{
	struct call c;
	int64_t ms = -1;
	int r;

	if (!tr_call_begin(&c, CALL_PPOLL, -1, false))
		return REAL(ppoll)(fds, nfds, ts, ss);
	/* the timeout as the program passed it, before the call */
	if (ts)
		ms = (int64_t)ts->tv_sec * 1000 + ts->tv_nsec / 1000000;
	tr_call_enter(&c);
	r = REAL(ppoll)(fds, nfds, ts, ss);
	EMIT_LINE(e);
	tr_call_exit(&c, r, &e);
	emit_poll(&e, &c, fds, nfds, ms);
	tr_call_finish(&c, &e);
	return r;
}

HOOK int ppoll(struct pollfd *fds, nfds_t nfds, const struct timespec *ts, const sigset_t *ss)
{
	return ppoll_traced(fds, nfds, ts, ss);
}

HOOK int __ppoll_chk(struct pollfd *fds, nfds_t nfds, const struct timespec *ts,
		     const sigset_t *ss, size_t fdslen)
{
	if (fdslen / sizeof *fds < nfds && REAL(ppoll_chk))
		return REAL(ppoll_chk)(fds, nfds, ts, ss, fdslen);
	return ppoll_traced(fds, nfds, ts, ss);
}

HOOK int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout)
{
	struct call c;
	int r;

	if (!tr_call_begin(&c, CALL_EPOLL_WAIT, epfd, false))
		return REAL(epoll_wait)(epfd, events, maxevents, timeout);
	tr_call_enter(&c);
	r = REAL(epoll_wait)(epfd, events, maxevents, timeout);
	EMIT_LINE(e);
	tr_call_exit(&c, r, &e);
	tr_emit_kv_i64(&e, "maxevents", maxevents);
	if (timeout < 0)
		tr_emit_kv_str(&e, "timeout", "none");
	else
		tr_emit_kv_i64(&e, "timeout", timeout);
	tr_call_finish(&c, &e);
	return r;
}
