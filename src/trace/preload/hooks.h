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

/* _FORTIFY_SOURCE entry points (declared by glibc only for fortified builds). */
ssize_t __read_chk(int fd, void *buf, size_t n, size_t buflen);
ssize_t __recv_chk(int fd, void *buf, size_t n, size_t buflen, int flags);
ssize_t __recvfrom_chk(int fd, void *buf, size_t n, size_t buflen, int flags,
		       __SOCKADDR_ARG addr, socklen_t *alen);
int __poll_chk(struct pollfd *fds, nfds_t nfds, int timeout, size_t fdslen);
int __ppoll_chk(struct pollfd *fds, nfds_t nfds, const struct timespec *timeout,
		const sigset_t *ss, size_t fdslen);

#endif
