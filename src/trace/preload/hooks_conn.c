/* Hooks of the calls that make, name, connect and end sockets: socket,
 * bind, listen, accept, accept4, connect, shutdown, close, setsockopt,
 * getsockname, getpeername. Each returns what the real call returned, with
 * its errno. */
#include <netinet/in.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "trace/preload/fdkind.h"
#include "trace/preload/hooks.h"
#include "trace/preload/logfile.h"
#include "trace/preload/names.h"
#include "trace/preload/real.h"

HOOK int socket(int domain, int type, int protocol)
{
	struct call c;
	int r;

	if (!tr_call_begin(&c, CALL_SOCKET, -1, false)) {
		r = REAL(socket)(domain, type, protocol);
		if (r >= 0)
			tr_fdkind_set_socket(r);
		return r;
	}
	tr_call_enter(&c);
	r = REAL(socket)(domain, type, protocol);
	EMIT_LINE(e);
	tr_call_exit(&c, r, &e);
	if (r >= 0) {
		tr_fdkind_set_socket(r);
		tr_call_set_info_fd(&c, r);
	}
	tr_emit_kv_name(&e, "dom", &tr_names_af, domain);
	tr_emit_kv_socktype(&e, "type", type);
	tr_emit_kv_i64(&e, "proto", protocol);
	tr_call_finish(&c, &e);
	return r;
}

/* bind and connect: an address in, a status out. */
static int addr_call(enum call_id id, int (*fn)(int, const struct sockaddr *, socklen_t), int fd,
		     const struct sockaddr *addr, socklen_t len)
{
	TRACED(int, id, fd, fn(fd, addr, len),
		if (call_args_readable(&c))
			tr_emit_kv_addr(&e, "addr", addr, len));
}

HOOK int bind(int fd, __CONST_SOCKADDR_ARG addr, socklen_t len)
{
	return addr_call(CALL_BIND, REAL(bind), fd, SA(addr), len);
}

HOOK int listen(int fd, int backlog)
{
	TRACED(int, CALL_LISTEN, fd, REAL(listen)(fd, backlog),
		tr_emit_kv_i64(&e, "backlog", backlog));
}

static int accept_real(enum call_id id, int fd, struct sockaddr *addr, socklen_t *alen,
		       int flags)
{
	return id == CALL_ACCEPT ? REAL(accept)(fd, addr, alen)
				 : REAL(accept4)(fd, addr, alen, flags);
}

/* fd is the listening socket and ret the new one; the socket state is the
 * new socket's (its local address is the one the peer talks to). */
static int accept_traced(enum call_id id, int fd, struct sockaddr *addr, socklen_t *alen,
			 int flags)
{
	struct call c;
	socklen_t cap = 0;
	int r;

	if (!tr_call_begin(&c, id, fd, true)) {
		r = accept_real(id, fd, addr, alen, flags);
		if (r >= 0)
			tr_fdkind_set_socket(r);
		return r;
	}
	if (addr && alen)
		cap = *alen;
	tr_call_enter(&c);
	r = accept_real(id, fd, addr, alen, flags);
	EMIT_LINE(e);
	tr_call_exit(&c, r, &e);
	if (r >= 0) {
		tr_fdkind_set_socket(r);
		tr_call_set_info_fd(&c, r);
		tr_sockinfo_get(r, &c.info);
		c.info_done = true;
		/* the program's buffer when it asked for the peer, else the
		 * kernel's word for it */
		if (!(addr && alen &&
		      tr_emit_kv_addr(&e, "addr", addr, *alen < cap ? *alen : cap)) &&
		    c.info.peer_len > 0)
			tr_emit_kv_addr(&e, "addr", (const struct sockaddr *)&c.info.peer,
				     c.info.peer_len);
	}
	if (id == CALL_ACCEPT4)
		tr_emit_kv_flags(&e, "flags", &tr_names_sockflags, (unsigned)flags);
	tr_call_finish(&c, &e);
	return r;
}

HOOK int accept(int fd, __SOCKADDR_ARG addr, socklen_t *alen)
{
	return accept_traced(CALL_ACCEPT, fd, SA(addr), alen, 0);
}

HOOK int accept4(int fd, __SOCKADDR_ARG addr, socklen_t *alen, int flags)
{
	return accept_traced(CALL_ACCEPT4, fd, SA(addr), alen, flags);
}

HOOK int connect(int fd, __CONST_SOCKADDR_ARG addr, socklen_t len)
{
	return addr_call(CALL_CONNECT, REAL(connect), fd, SA(addr), len);
}

HOOK int shutdown(int fd, int how)
{
	TRACED(int, CALL_SHUTDOWN, fd, REAL(shutdown)(fd, how),
		tr_emit_kv_name(&e, "how", &tr_names_shut, how));
}

/* The state is taken before the close, since afterwards there is nothing
 * left to ask: unread bytes make the kernel send RST instead of FIN, and
 * SO_LINGER makes close wait. The log fd is never closed: a program that
 * closes every fd it did not open (daemons do) is told it worked. */
HOOK int close(int fd)
{
	struct call c;
	int unread = -1, linger = -1;
	int r;

	if (fd >= 0 && fd == __atomic_load_n(&tr_logfile_fd, __ATOMIC_RELAXED))
		return 0;
	if (!tr_call_begin(&c, CALL_CLOSE, fd, true)) {
		r = REAL(close)(fd);
		tr_fdkind_forget(fd);
		return r;
	}
	tr_sockinfo_get(fd, &c.info);
	c.info_done = true;
	if (c.info.known) {
		struct linger lg;
		socklen_t len = sizeof lg;

		if (tr_sockinfo_is_tcp(&c.info) && ioctl(fd, FIONREAD, &unread) < 0)
			unread = -1;
		if (getsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, &len) == 0 && lg.l_onoff)
			linger = lg.l_linger;
	}
	tr_call_enter(&c);
	r = REAL(close)(fd);
	tr_fdkind_forget(fd);
	EMIT_LINE(e);
	tr_call_exit(&c, r, &e);
	if (unread >= 0)
		tr_emit_kv_i64(&e, "unread", unread);
	if (linger >= 0)
		tr_emit_kv_i64(&e, "linger", linger);
	tr_call_finish(&c, &e);
	return r;
}

HOOK int setsockopt(int fd, int level, int opt, const void *val, socklen_t len)
{
	struct call c;
	int r;

	if (!tr_call_begin(&c, CALL_SETSOCKOPT, fd, true))
		return REAL(setsockopt)(fd, level, opt, val, len);
	tr_call_enter(&c);
	r = REAL(setsockopt)(fd, level, opt, val, len);
	EMIT_LINE(e);
	tr_call_exit(&c, r, &e);
	tr_emit_kv_name(&e, "level", &tr_names_level, level);
	tr_emit_kv_name(&e, "opt", tr_names_sockopt(level), opt);
	if (val && len == sizeof(int) && call_args_readable(&c)) {
		int v;

		memcpy(&v, val, sizeof v);
		tr_emit_kv_i64(&e, "val", v);
	}
	tr_call_finish(&c, &e);
	return r;
}

static int name_traced(enum call_id id, int fd, struct sockaddr *addr, socklen_t *alen)
{
	int (*fn)(int, struct sockaddr *, socklen_t *) =
		id == CALL_GETSOCKNAME ? REAL(getsockname) : REAL(getpeername);
	struct call c;
	socklen_t cap = 0;
	int r;

	if (!tr_call_begin(&c, id, fd, true))
		return fn(fd, addr, alen);
	if (addr && alen)
		cap = *alen;
	tr_call_enter(&c);
	r = fn(fd, addr, alen);
	EMIT_LINE(e);
	tr_call_exit(&c, r, &e);
	if (r == 0 && addr && alen)
		tr_emit_kv_addr(&e, "addr", addr, *alen < cap ? *alen : cap);
	tr_call_finish(&c, &e);
	return r;
}

HOOK int getsockname(int fd, __SOCKADDR_ARG addr, socklen_t *alen)
{
	return name_traced(CALL_GETSOCKNAME, fd, SA(addr), alen);
}

HOOK int getpeername(int fd, __SOCKADDR_ARG addr, socklen_t *alen)
{
	return name_traced(CALL_GETPEERNAME, fd, SA(addr), alen);
}
