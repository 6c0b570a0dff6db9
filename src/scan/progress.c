/* Progress line: a libevent timer redraws it every SCAN_PROGRESS_MS. */
#include "scan/progress.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "scan/limits.h"

void scan_progress_format(char *buf, size_t n, size_t done, size_t total, size_t open,
			  uint64_t elapsed_us)
{
	int k = snprintf(buf, n, "scan: %zu/%zu ports, %zu open", done, total, open);

	if (k < 0 || (size_t)k >= n)
		return;
	if (done == 0 || done >= total || elapsed_us < 100000)
		return;
	double left = (double)elapsed_us / 1e6 * (double)(total - done) / (double)done;
	if (left < 10)
		snprintf(buf + k, n - (size_t)k, ", about %.1f s left", left);
	else if (left < 120)
		snprintf(buf + k, n - (size_t)k, ", about %.0f s left", left);
	else
		snprintf(buf + k, n - (size_t)k, ", about %.0f min left", left / 60);
}

void scan_progress_add(struct scan_progress *p, size_t done, size_t open)
{
	if (done)
		__atomic_fetch_add(&p->done, done, __ATOMIC_RELAXED);
	if (open)
		__atomic_fetch_add(&p->open, open, __ATOMIC_RELAXED);
}

static void progress_draw(evutil_socket_t fd, short what, void *arg)
{
	struct scan_progress *p = arg;
	char line[160];

	scan_progress_format(line, sizeof(line), __atomic_load_n(&p->done, __ATOMIC_RELAXED),
			     p->total, __atomic_load_n(&p->open, __ATOMIC_RELAXED),
			     clock_mono_us() - p->start_us);
	fprintf(stderr, "\r%s\033[K", line);
	fflush(stderr);
	p->drawn = true;
}

int scan_progress_start(struct scan_progress *p, struct event_base *base, size_t total,
			bool enabled)
{
	memset(p, 0, sizeof(*p));
	p->enabled = enabled;
	p->total = total;
	p->start_us = clock_mono_us();
	if (!enabled)
		return 0;
	struct timeval tv = { 0, SCAN_PROGRESS_MS * 1000 };
	p->timer = event_new(base, -1, EV_PERSIST, progress_draw, p);
	if (!p->timer || event_add(p->timer, &tv) < 0)
		return -1;
	return 0;
}

void scan_progress_clear(struct scan_progress *p)
{
	if (!p->drawn)
		return;
	fprintf(stderr, "\r\033[K");
	fflush(stderr);
	p->drawn = false;
}

void scan_progress_stop(struct scan_progress *p)
{
	scan_progress_clear(p);
	if (p->timer)
		event_free(p->timer);
	p->timer = NULL;
}
