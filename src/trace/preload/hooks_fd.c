/* Hooks that record nothing: dup, dup2, dup3, socketpair, close_range and
 * closefrom only keep the fd cache true (an fd number that now names
 * something else must be asked about again), and keep the log fd open. */
#include <unistd.h>

#include "trace/preload/fdkind.h"
#include "trace/preload/hooks.h"
#include "trace/preload/logfile.h"
#include "trace/preload/real.h"

HOOK int dup(int fd)
{
	int r = REAL(dup)(fd);

	if (r >= 0)
		tr_fdkind_forget(r);
	return r;
}

HOOK int dup2(int fd, int to)
{
	int r = REAL(dup2)(fd, to);

	if (r >= 0)
		tr_fdkind_forget(r);
	return r;
}

HOOK int dup3(int fd, int to, int flags)
{
	int r = REAL(dup3)(fd, to, flags);

	if (r >= 0)
		tr_fdkind_forget(r);
	return r;
}

HOOK int socketpair(int domain, int type, int protocol, int sv[2])
{
	int r = REAL(socketpair)(domain, type, protocol, sv);

	if (r == 0) {
		tr_fdkind_set_socket(sv[0]);
		tr_fdkind_set_socket(sv[1]);
	}
	return r;
}

/* A program closing "every fd but 0, 1, 2" must not take the log with it:
 * the range is closed around the log fd. */
HOOK int close_range(unsigned int first, unsigned int last, int flags)
{
	int logfd = __atomic_load_n(&tr_logfile_fd, __ATOMIC_RELAXED);
	unsigned lf = (unsigned)logfd;
	int r = 0;

	if (!REAL(close_range)) {
		errno = ENOSYS;
		return -1;
	}
	if (logfd < 0 || lf < first || lf > last)
		r = REAL(close_range)(first, last, flags);
	else {
		if (lf > first)
			r = REAL(close_range)(first, lf - 1, flags);
		if (r == 0 && lf < last)
			r = REAL(close_range)(lf + 1, last, flags);
	}
	if (r == 0 && !(flags & CLOSE_RANGE_CLOEXEC))
		tr_fdkind_forget_range(first, last);
	return r;
}

HOOK void closefrom(int low)
{
	int logfd = __atomic_load_n(&tr_logfile_fd, __ATOMIC_RELAXED);

	if (!REAL(closefrom))
		return;
	if (low < 0)
		low = 0;
	if (logfd >= low) {
		int saved = errno;

		if (logfd > low && (!REAL(close_range) ||
				    REAL(close_range)((unsigned)low, (unsigned)logfd - 1, 0) < 0))
			for (int fd = low; fd < logfd; fd++)
				REAL(close)(fd);
		errno = saved;
		REAL(closefrom)(logfd + 1);
	} else {
		REAL(closefrom)(low);
	}
	tr_fdkind_forget_range((unsigned)low, ~0u);
}
