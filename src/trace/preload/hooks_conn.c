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

	if (!call_begin(&c, CALL_SOCKET, -1, false)) {
		r = REAL(socket)(domain, type, protocol);
		if (r >= 0)
			fdkind_set_socket(r);
		return r;
	}
	call_enter(&c);
	r = REAL(socket)(domain, type, protocol);
	EMIT_LINE(e);
	call_exit(&c, r, &e);
	if (r >= 0) {
		fdkind_set_socket(r);
		call_set_info_fd(&c, r);
	}
	emit_kv_name(&e, "dom", &names_af, domain);
	emit_kv_socktype(&e, "type", type);
	emit_kv_i64(&e, "proto", protocol);
	call_finish(&c, &e);
	return r;
}

/* bind and connect: an address in, a status out. */
static int addr_call(enum call_id id, int (*fn)(int, const struct sockaddr *, socklen_t), int fd,
		     const struct sockaddr *addr, socklen_t len)
{
	struct call c;
	int r;

	if (!call_begin(&c, id, fd, true))
		return fn(fd, addr, len);
	call_enter(&c);
	r = fn(fd, addr, len);
	EMIT_LINE(e);
	call_exit(&c, r, &e);
	if (call_args_readable(&c))
		emit_kv_addr(&e, "addr", addr, len);
	call_finish(&c, &e);
	return r;
}

HOOK int bind(int fd, __CONST_SOCKADDR_ARG addr, socklen_t len)
{
	return addr_call(CALL_BIND, REAL(bind), fd, SA(addr), len);
}

HOOK int listen(int fd, int backlog)
{
	struct call c;
	int r;

	if (!call_begin(&c, CALL_LISTEN, fd, true))
		return REAL(listen)(fd, backlog);
	call_enter(&c);
	r = REAL(listen)(fd, backlog);
	EMIT_LINE(e);
	call_exit(&c, r, &e);
	emit_kv_i64(&e, "backlog", backlog);
	call_finish(&c, &e);
	return r;
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

	if (!call_begin(&c, id, fd, true)) {
		r = accept_real(id, fd, addr, alen, flags);
		if (r >= 0)
			fdkind_set_socket(r);
		return r;
	}
	if (addr && alen)
		cap = *alen;
	call_enter(&c);
	r = accept_real(id, fd, addr, alen, flags);
	EMIT_LINE(e);
	call_exit(&c, r, &e);
	if (r >= 0) {
		fdkind_set_socket(r);
		call_set_info_fd(&c, r);
		sockinfo_get(r, &c.info);
		c.info_done = true;
		/* the program's buffer when it asked for the peer, else the
		 * kernel's word for it */
		if (!(addr && alen &&
		      emit_kv_addr(&e, "addr", addr, *alen < cap ? *alen : cap)) &&
		    c.info.peer_len > 0)
			emit_kv_addr(&e, "addr", (const struct sockaddr *)&c.info.peer,
				     c.info.peer_len);
	}
	if (id == CALL_ACCEPT4)
		emit_kv_flags(&e, "flags", &names_sockflags, (unsigned)flags);
	call_finish(&c, &e);
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
	struct call c;
	int r;

	if (!call_begin(&c, CALL_SHUTDOWN, fd, true))
		return REAL(shutdown)(fd, how);
	call_enter(&c);
	r = REAL(shutdown)(fd, how);
	EMIT_LINE(e);
	call_exit(&c, r, &e);
	emit_kv_name(&e, "how", &names_shut, how);
	call_finish(&c, &e);
	return r;
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

	if (fd >= 0 && fd == __atomic_load_n(&logfile_fd, __ATOMIC_RELAXED))
		return 0;
	if (!call_begin(&c, CALL_CLOSE, fd, true)) {
		r = REAL(close)(fd);
		fdkind_forget(fd);
		return r;
	}
	sockinfo_get(fd, &c.info);
	c.info_done = true;
	if (c.info.known) {
		struct linger lg;
		socklen_t len = sizeof lg;

		if (sockinfo_is_tcp(&c.info) && ioctl(fd, FIONREAD, &unread) < 0)
			unread = -1;
		if (getsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, &len) == 0 && lg.l_onoff)
			linger = lg.l_linger;
	}
	call_enter(&c);
	r = REAL(close)(fd);
	fdkind_forget(fd);
	EMIT_LINE(e);
	call_exit(&c, r, &e);
	if (unread >= 0)
		emit_kv_i64(&e, "unread", unread);
	if (linger >= 0)
		emit_kv_i64(&e, "linger", linger);
	call_finish(&c, &e);
	return r;
}

HOOK int setsockopt(int fd, int level, int opt, const void *val, socklen_t len)
{
	struct call c;
	int r;

	if (!call_begin(&c, CALL_SETSOCKOPT, fd, true))
		return REAL(setsockopt)(fd, level, opt, val, len);
	call_enter(&c);
	r = REAL(setsockopt)(fd, level, opt, val, len);
	EMIT_LINE(e);
	call_exit(&c, r, &e);
	emit_kv_name(&e, "level", &names_level, level);
	emit_kv_name(&e, "opt", names_sockopt(level), opt);
	if (val && len == sizeof(int) && call_args_readable(&c)) {
		int v;

		memcpy(&v, val, sizeof v);
		emit_kv_i64(&e, "val", v);
	}
	call_finish(&c, &e);
	return r;
}

static int name_traced(enum call_id id, int fd, struct sockaddr *addr, socklen_t *alen)
{
	int (*fn)(int, struct sockaddr *, socklen_t *) =
		id == CALL_GETSOCKNAME ? REAL(getsockname) : REAL(getpeername);
	struct call c;
	socklen_t cap = 0;
	int r;

	if (!call_begin(&c, id, fd, true))
		return fn(fd, addr, alen);
	if (addr && alen)
		cap = *alen;
	call_enter(&c);
	r = fn(fd, addr, alen);
	EMIT_LINE(e);
	call_exit(&c, r, &e);
	if (r == 0 && addr && alen)
		emit_kv_addr(&e, "addr", addr, *alen < cap ? *alen : cap);
	call_finish(&c, &e);
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
