/* Children in a namespace (see peer.h). */
#include "tcplab/peer.h"

#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "tcplab/lab.h"
#include "tcplab/ns.h"

int64_t tl_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void tl_sleep_us(int64_t us)
{
	if (us > 0)
		nanosleep(&(struct timespec){ (time_t)(us / 1000000), (long)(us % 1000000) * 1000 },
			  NULL);
}

pid_t tl_peer_start(const char *ns, int (*fn)(void *arg), void *arg)
{
	pid_t pid = fork();

	if (pid < 0) {
		log_error_errno(errno, "cannot fork");
		return -1;
	}
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (tl_ns_enter(ns) < 0)
			_exit(1);
		fflush(stdout);
		_exit(fn(arg) ? 1 : 0);
	}
	return pid;
}

int tl_peer_wait(pid_t pid, uint64_t timeout_ms)
{
	for (uint64_t i = 0; i < timeout_ms / 5 + 1; i++) {
		int st;
		pid_t w = waitpid(pid, &st, WNOHANG);

		if (w == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		if (w < 0 && errno != EINTR)
			return -1;
		if (tl_interrupted)
			break;
		tl_sleep_us(5000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -1;
}

int tl_wait_flag(const volatile int *flag, uint64_t timeout_ms)
{
	for (uint64_t i = 0; i < timeout_ms + 1 && !tl_interrupted; i++) {
		if (*flag)
			return 0;
		tl_sleep_us(1000);
	}
	return *flag ? 0 : -1;
}
