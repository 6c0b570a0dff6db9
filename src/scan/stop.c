/* Signals and deadlines that end a scan early (see stop.h). */
#include "scan/stop.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/proc.h"

static volatile sig_atomic_t stop_signo;
static int stop_pipe[2] = { -1, -1 };

static void stop_on_signal(int signo)
{
	int saved = errno;

	__atomic_store_n(&stop_signo, signo, __ATOMIC_SEQ_CST);
	if (stop_pipe[1] >= 0) {
		ssize_t n = write(stop_pipe[1], "", 1);
		(void)n; /* a full pipe is already readable */
	}
	errno = saved;
}

int scan_stop_install(void)
{
	static const int sigs[2] = { SIGINT, SIGTERM };
	struct sigaction sa;

	if (stop_pipe[0] < 0 && pipe2(stop_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = stop_on_signal;
	sa.sa_flags = (int)SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < 2; i++)
		if (sigaction(sigs[i], &sa, NULL) < 0)
			return -1;
	return 0;
}

int scan_stop_signal(void)
{
	return __atomic_load_n(&stop_signo, __ATOMIC_SEQ_CST);
}

static void stop_on_wake(evutil_socket_t fd, short what, void *arg)
{
	struct scan_stop_watch *w = arg;

	/* The pipe is never drained: it stays readable for every loop. */
	if (what & EV_TIMEOUT)
		w->expired = true;
	event_base_loopbreak(w->base);
}

int scan_stop_watch_start(struct scan_stop_watch *w, struct event_base *base,
			  uint64_t deadline_us)
{
	memset(w, 0, sizeof(*w));
	w->base = base;
	w->deadline_us = deadline_us;
	if (stop_pipe[0] >= 0) {
		w->pipe_ev = event_new(base, stop_pipe[0], EV_READ | EV_PERSIST, stop_on_wake, w);
		if (!w->pipe_ev || event_add(w->pipe_ev, NULL) < 0)
			return -1;
	}
	if (deadline_us) {
		uint64_t now = clock_mono_us(), left = deadline_us > now ? deadline_us - now : 0;
		struct timeval tv = proc_tv_us(left);
		w->deadline_ev = evtimer_new(base, stop_on_wake, w);
		if (!w->deadline_ev || evtimer_add(w->deadline_ev, &tv) < 0)
			return -1;
	}
	return 0;
}

void scan_stop_watch_end(struct scan_stop_watch *w)
{
	if (w->pipe_ev)
		event_free(w->pipe_ev);
	if (w->deadline_ev)
		event_free(w->deadline_ev);
	memset(w, 0, sizeof(*w));
}

bool scan_stop_due(const struct scan_stop_watch *w, uint64_t now_us)
{
	return scan_stop_signal() != 0 || w->expired ||
	       (w->deadline_us && now_us >= w->deadline_us);
}
