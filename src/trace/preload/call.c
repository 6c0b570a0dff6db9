/* The record lifecycle shared by all hooks: deciding whether a call is
 * recorded, the E line before a call that may wait, the X line after it,
 * and the guard that keeps the library from tracing itself. */
#include "trace/preload/call.h"

#include <errno.h>
#include <string.h>

#include "trace/preload/fdkind.h"
#include "trace/preload/logfile.h"
#include "trace/preload/native.h"
#include "trace/record.h"

static const char *const call_names[CALL_COUNT] = {
	[CALL_SOCKET] = "socket",           [CALL_BIND] = "bind",
	[CALL_LISTEN] = "listen",           [CALL_ACCEPT] = "accept",
	[CALL_ACCEPT4] = "accept4",         [CALL_CONNECT] = "connect",
	[CALL_SHUTDOWN] = "shutdown",       [CALL_CLOSE] = "close",
	[CALL_SETSOCKOPT] = "setsockopt",   [CALL_GETSOCKNAME] = "getsockname",
	[CALL_GETPEERNAME] = "getpeername", [CALL_SEND] = "send",
	[CALL_SENDTO] = "sendto",           [CALL_SENDMSG] = "sendmsg",
	[CALL_SENDMMSG] = "sendmmsg",       [CALL_RECV] = "recv",
	[CALL_RECVFROM] = "recvfrom",       [CALL_RECVMSG] = "recvmsg",
	[CALL_RECVMMSG] = "recvmmsg",       [CALL_READ] = "read",
	[CALL_WRITE] = "write",             [CALL_READV] = "readv",
	[CALL_WRITEV] = "writev",           [CALL_SENDFILE] = "sendfile",
	[CALL_SPLICE] = "splice",           [CALL_SELECT] = "select",
	[CALL_POLL] = "poll",               [CALL_PPOLL] = "ppoll",
	[CALL_EPOLL_WAIT] = "epoll_wait",
};

static bool call_blocking[CALL_COUNT];

/* Set while the library works on a record: a hooked function reached from
 * in here (ours or another interposer's) passes straight through. It is
 * not held during the real call, so a signal handler's send() is traced.
 * initial-exec: no allocation on first use, and the library is loaded at
 * start-up, where static TLS is there for it. */
static _Thread_local int busy __attribute__((tls_model("initial-exec")));

void tr_call_init(void)
{
	static const char *const blocking[] = { TRACE_BLOCKING_CALLS };

	for (int id = 0; id < CALL_COUNT; id++)
		for (size_t i = 0; i < sizeof blocking / sizeof blocking[0]; i++)
			if (strcmp(call_names[id], blocking[i]) == 0)
				call_blocking[id] = true;
}

bool tr_call_begin(struct call *c, enum call_id id, int fd, bool need_socket)
{
	int saved;

	if (!logfile_active() || busy)
		return false;
	saved = errno;
	busy = 1;
	if (need_socket && !tr_fdkind_is_socket(fd)) {
		busy = 0;
		errno = saved;
		return false;
	}
	memset(c, 0, sizeof *c);
	c->id = id;
	c->fd = fd;
	c->info_fd = need_socket ? fd : -1;
	c->errno_in = saved;
	return true;
}

static void emit_head(struct emit *e, char type, const struct call *c)
{
	tr_emit_char(e, type);
	tr_emit_char(e, ' ');
	tr_emit_i64(e, c->pid);
	tr_emit_char(e, ' ');
	tr_emit_i64(e, c->tid);
	tr_emit_char(e, ' ');
	tr_emit_str(e, call_names[c->id]);
	tr_emit_char(e, ' ');
	tr_emit_i64(e, c->fd);
	tr_emit_char(e, ' ');
	tr_emit_i64(e, c->t_enter);
}

void tr_call_enter(struct call *c)
{
	c->pid = tr_logfile_pid();
	c->tid = tr_logfile_tid();
	/* Before the call: a Python thread that the call ends (a daemon at
	 * exit) has still said where it was. */
	c->has_py = tr_python_where(&c->py);
	c->t_enter = tr_logfile_now_ns();
	if (call_blocking[c->id]) {
		char buf[128];
		struct emit e = emit_on(buf, sizeof buf - 1);

		emit_head(&e, 'E', c);
		tr_logfile_write(&e);
	}
	busy = 0;
	errno = c->errno_in;
}

void tr_call_exit(struct call *c, int64_t ret, struct emit *e)
{
	int err = errno;

	c->t_exit = tr_logfile_now_ns();
	busy = 1;
	c->errno_out = err;
	c->ret = ret;
	c->err = ret < 0 ? err : 0;
	emit_head(e, 'X', c);
	tr_emit_char(e, ' ');
	tr_emit_i64(e, c->t_exit);
	tr_emit_char(e, ' ');
	tr_emit_i64(e, c->ret);
	tr_emit_char(e, ' ');
	tr_emit_i64(e, c->err);
}

void tr_call_set_info_fd(struct call *c, int fd)
{
	c->info_fd = fd;
	c->info_done = false;
}

void tr_call_finish(struct call *c, struct emit *e)
{
	if (c->info_fd >= 0 && !c->info_done) {
		tr_sockinfo_get(c->info_fd, &c->info);
		c->info_done = true;
	}
	if (c->has_py)
		tr_python_emit(e, &c->py);
	if (c->info_done)
		tr_sockinfo_emit(e, &c->info);
	/* last: the call stack takes what room the line has left */
	if (pl_native_wanted())
		pl_native_pc(e);
	tr_logfile_write(e);
	busy = 0;
	errno = c->errno_out;
}
