/* What the hook files share: the export attribute (everything else in the
 * library is hidden) and the declarations glibc keeps to itself. */
#ifndef SOCKLAB_PRELOAD_HOOKS_H
#define SOCKLAB_PRELOAD_HOOKS_H

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <sys/socket.h>
#include <time.h>

#include "trace/preload/call.h"
#include "trace/preload/emit.h"

#define HOOK __attribute__((visibility("default")))

/* Under _GNU_SOURCE glibc declares sockaddr arguments as a transparent
 * union; the hook definitions must match, and take the pointer out. */
#define SA(a) ((a).__sockaddr__)

/* The call's pointer arguments were readable: the kernel read them. Only
 * EFAULT says otherwise, and then the library must not touch them. */
static inline bool call_args_readable(const struct call *c)
{
	return c->err != EFAULT;
}

/* The shape of a hook on a socket call: a call the library does not
 * record passes straight through; a recorded one is entered, made, and
 * ends in an X line whose arguments the statements after real_call add to
 * e (the call c and its result r are in scope). Returns from the hook. */
#define TRACED(type, id, fd, real_call, ...)                  \
	{                                                     \
		struct call c;                                \
		type r;                                       \
								      \
		if (!tr_call_begin(&c, (id), (fd), true))     \
			return real_call;                     \
		tr_call_enter(&c);                            \
		r = real_call;                                \
		EMIT_LINE(e);                                 \
		tr_call_exit(&c, r, &e);                      \
		__VA_ARGS__;                                  \
		tr_call_finish(&c, &e);                       \
		return r;                                     \
	}

/* _FORTIFY_SOURCE entry points (declared by glibc only for fortified builds). */
ssize_t __read_chk(int fd, void *buf, size_t n, size_t buflen);
ssize_t __recv_chk(int fd, void *buf, size_t n, size_t buflen, int flags);
ssize_t __recvfrom_chk(int fd, void *buf, size_t n, size_t buflen, int flags,
		       __SOCKADDR_ARG addr, socklen_t *alen);
int __poll_chk(struct pollfd *fds, nfds_t nfds, int timeout, size_t fdslen);
int __ppoll_chk(struct pollfd *fds, nfds_t nfds, const struct timespec *timeout,
		const sigset_t *ss, size_t fdslen);

#endif
