/* The library's log: opens SOCKLAB_TRACE_LOG on a high fd, writes the H
 * line of this process, and again from each fork child (the pid changed)
 * before its first record. */
#include "trace/preload/logfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "trace/preload/real.h"

int tr_logfile_fd = -1;

/* The pid whose H line is written; 0 in a fresh fork child. */
static int64_t hello_pid;

int64_t tr_logfile_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t tr_logfile_tid(void)
{
	/* not cached: a vfork child shares the parent's thread-locals */
	return (int64_t)syscall(SYS_gettid);
}

void tr_logfile_write(struct emit *e)
{
	int fd = __atomic_load_n(&tr_logfile_fd, __ATOMIC_RELAXED);
	int saved = errno;

	if (fd < 0)
		return;
	/* EMIT_LINE keeps one byte past cap for this */
	e->buf[e->len++] = '\n';
	/* never retried: a second write could put half a line between two
	 * other processes' lines */
	(void)REAL(write)(fd, e->buf, e->len);
	errno = saved;
}

/* argv from /proc/self/cmdline: NUL-separated, so the elements' own commas
 * and spaces are escaped and the separators become commas. */
static void hello_argv(struct emit *e)
{
	char buf[TRACE_RECORD_MAX];
	size_t n = 0;
	int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	while (n < sizeof buf) {
		ssize_t r = REAL(read)(fd, buf + n, sizeof buf - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	REAL(close)(fd);
	if (n > 0 && buf[n - 1] == '\0')
		n--;
	tr_emit_str(e, " argv=");
	for (size_t start = 0, i = 0; i <= n; i++) {
		if (i == n || buf[i] == '\0') {
			if (start > 0)
				tr_emit_char(e, ',');
			tr_emit_escaped(e, buf + start, i - start);
			start = i + 1;
		}
	}
}

static void hello_write(int64_t pid)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe);
	EMIT_LINE(e);

	tr_emit_str(&e, "H ");
	tr_emit_i64(&e, pid);
	tr_emit_char(&e, ' ');
	tr_emit_i64(&e, getppid());
	tr_emit_char(&e, ' ');
	tr_emit_i64(&e, tr_logfile_now_ns());
	if (n > 0) {
		tr_emit_str(&e, " exe=");
		tr_emit_escaped(&e, exe, (size_t)n);
	}
	hello_argv(&e);
	tr_logfile_write(&e);
}

int64_t tr_logfile_pid(void)
{
	int64_t pid = getpid();
	int64_t seen = __atomic_load_n(&hello_pid, __ATOMIC_RELAXED);

	if (seen != pid &&
	    __atomic_compare_exchange_n(&hello_pid, &seen, pid, false, __ATOMIC_RELAXED,
					__ATOMIC_RELAXED))
		hello_write(pid);
	return pid;
}

static void logfile_atfork_child(void)
{
	__atomic_store_n(&hello_pid, 0, __ATOMIC_RELAXED);
}

/* The first free fd from LOGFILE_FD_MIN, or lower when the fd limit is
 * below it; the original fd when nothing is free up there. */
static int fd_move_high(int fd)
{
	struct rlimit rl;
	long min = LOGFILE_FD_MIN;
	int high;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur <= (rlim_t)min)
		min = (long)rl.rlim_cur - 16;
	if (min <= fd)
		return fd;
	high = fcntl(fd, F_DUPFD_CLOEXEC, (int)min);
	if (high < 0)
		return fd;
	REAL(close)(fd);
	return high;
}

void tr_logfile_open(void)
{
	const char *path = getenv(TRACE_ENV_LOG);
	int fd;

	if (!path || !*path)
		return;
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0)
		return;
	pthread_atfork(NULL, NULL, logfile_atfork_child);
	__atomic_store_n(&tr_logfile_fd, fd_move_high(fd), __ATOMIC_RELAXED);
	tr_logfile_pid();
}
