/* The life of one recorded call, the same in every hook:
 *
 *   if (!tr_call_begin(&c, CALL_RECV, fd, true)) return REAL(recv)(...);
 *   tr_call_enter(&c);                 t_enter, and the E line of a blocking call
 *   r = REAL(recv)(...);
 *   tr_call_exit(&c, r, &e);           errno saved first, t_exit, the X line's head
 *   emit_kv_...(&e, ...);           the call's own arguments
 *   tr_call_finish(&c, &e);            the socket's state, one write, errno back
 *
 * A thread-local flag makes the library's own work invisible to the hooks. */
#ifndef SOCKLAB_PRELOAD_CALL_H
#define SOCKLAB_PRELOAD_CALL_H

#include <stdbool.h>
#include <stdint.h>

#include "trace/preload/emit.h"
#include "trace/preload/python.h"
#include "trace/preload/sockinfo.h"

enum call_id {
	CALL_SOCKET, CALL_BIND, CALL_LISTEN, CALL_ACCEPT, CALL_ACCEPT4, CALL_CONNECT,
	CALL_SHUTDOWN, CALL_CLOSE, CALL_SETSOCKOPT, CALL_GETSOCKNAME, CALL_GETPEERNAME,
	CALL_SEND, CALL_SENDTO, CALL_SENDMSG, CALL_SENDMMSG, CALL_RECV, CALL_RECVFROM,
	CALL_RECVMSG, CALL_RECVMMSG, CALL_READ, CALL_WRITE, CALL_READV, CALL_WRITEV,
	CALL_SENDFILE, CALL_SPLICE, CALL_SELECT, CALL_POLL, CALL_PPOLL, CALL_EPOLL_WAIT,
	CALL_COUNT
};

struct call {
	enum call_id id;
	int64_t pid, tid;
	int fd;                 /* the record's <fd>: -1 for none */
	int info_fd;            /* whose socket state the X line carries; -1: none */
	bool info_done;         /* info already gathered (close: before the call) */
	struct sockinfo info;
	int64_t t_enter, t_exit;
	int64_t ret;
	int err;                /* the record's <errno>: 0 when the call succeeded */
	int errno_in, errno_out;/* what the program sees before and after */
	bool has_py;            /* py holds the script's line (python.c) */
	struct py_loc py;
};

/* Fills the blocking-call table from record.h's TRACE_BLOCKING_CALLS. */
void tr_call_init(void);
/* true: record this call (the library holds the thread's guard until
 * tr_call_finish); false: pass it through untouched. With need_socket, only
 * calls on a socket fd are recorded. Leaves errno alone either way. */
bool tr_call_begin(struct call *c, enum call_id id, int fd, bool need_socket);
void tr_call_enter(struct call *c);
/* Right after the real call: reads errno before anything can change it. */
void tr_call_exit(struct call *c, int64_t ret, struct emit *e);
/* The socket state in the X line is info_fd's (accept: the new socket). */
void tr_call_set_info_fd(struct call *c, int fd);
void tr_call_finish(struct call *c, struct emit *e);

#endif
