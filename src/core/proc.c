/* The event loop's owner. A tool asks for its signals here once, instead of
 * creating and freeing evsignal events in every main. */
#include "core/proc.h"

#include <stdlib.h>

#include "core/log.h"

struct proc_signal {
	struct event *ev;
	int sig;
	void (*cb)(int sig, void *arg);
	void *arg;
};

struct proc {
	struct event_base *base;
	struct proc_signal sigs[PROC_SIGNALS_MAX];
	size_t nsigs;
};

struct proc *proc_new(void)
{
	return proc_new_with(0);
}

struct proc *proc_new_with(unsigned flags)
{
	struct proc *p = calloc(1, sizeof(*p));
	struct event_config *ec = event_config_new();

	if (!p || !ec)
		goto fail;
	/* One thread per loop: libevent's locks would only cost. */
	event_config_set_flag(ec, EVENT_BASE_FLAG_NOLOCK |
				      ((flags & PROC_CHANGELIST) ? EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST : 0));
	p->base = event_base_new_with_config(ec);
	if (!p->base)
		goto fail;
	event_config_free(ec);
	return p;
fail:
	if (ec)
		event_config_free(ec);
	free(p);
	return NULL;
}

struct event_base *proc_base(const struct proc *p)
{
	return p->base;
}

static void proc_on_signal(evutil_socket_t fd, short what, void *arg)
{
	struct proc_signal *s = arg;

	(void)what;
	s->cb((int)fd, s->arg);
}

int proc_on_signals(struct proc *p, const int *sigs, size_t n, void (*cb)(int sig, void *arg),
		    void *arg)
{
	for (size_t i = 0; i < n; i++) {
		struct proc_signal *s;

		if (p->nsigs >= PROC_SIGNALS_MAX)
			return -1;
		s = &p->sigs[p->nsigs];
		*s = (struct proc_signal){ .sig = sigs[i], .cb = cb, .arg = arg };
		s->ev = evsignal_new(p->base, sigs[i], proc_on_signal, s);
		if (!s->ev || event_add(s->ev, NULL) < 0) {
			if (s->ev)
				event_free(s->ev);
			return -1;
		}
		p->nsigs++;
	}
	return 0;
}

int proc_loop(struct proc *p)
{
	if (event_base_dispatch(p->base) < 0) {
		log_error("event loop failed");
		return -1;
	}
	return 0;
}

void proc_exit(struct proc *p)
{
	event_base_loopbreak(p->base);
}

void proc_free(struct proc *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nsigs; i++)
		event_free(p->sigs[i].ev);
	if (p->base)
		event_base_free(p->base);
	free(p);
}

struct timeval proc_tv_ms(uint64_t ms)
{
	return (struct timeval){ .tv_sec = (time_t)(ms / 1000),
				 .tv_usec = (suseconds_t)(ms % 1000) * 1000 };
}

struct timeval proc_tv_us(uint64_t us)
{
	return (struct timeval){ .tv_sec = (time_t)(us / 1000000),
				 .tv_usec = (suseconds_t)(us % 1000000) };
}
