/* The TCP scan's driver: a long list of ports is cut into contiguous
 * slices, one thread per CPU with a loop of its own (the kernel's connect
 * work runs on the calling CPU); part 0 runs on the caller's loop. */
#include "scan/tcp_run.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/proc.h"

static uint32_t tcp_window_max(const struct scan_env *env)
{
	long room = env->nofile - SCAN_FD_RESERVE - SCAN_TCP_POOL;
	uint64_t max = room > (long)SCAN_TCP_WINDOW_MIN ? (uint64_t)room : SCAN_TCP_WINDOW_MIN;

	if (max > SCAN_TCP_WINDOW_MAX)
		max = SCAN_TCP_WINDOW_MAX;
	if (env->cfg->parallel && env->cfg->parallel < max)
		max = env->cfg->parallel;
	return (uint32_t)max;
}

static void *tcp_worker(void *arg)
{
	struct tcp_part *part = arg;
	struct proc *proc = proc_new();

	if (!proc) {
		part->rc = -1;
		snprintf(part->err, sizeof(part->err), "cannot set up an event loop");
		return NULL;
	}
	part->env.base = proc_base(proc);
	scan_tcp_part_run(part);
	proc_free(proc);
	return NULL;
}

static unsigned tcp_nparts(const struct scan_env *env, const struct scan_table *t)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned k = cpus > 1 ? (unsigned)cpus : 1;

	if (t->n < SCAN_TCP_SPLIT_MIN || env->cfg->scan_delay_ms)
		return 1; /* --scan-delay paces one stream of connects */
	if (k > SCAN_TCP_WORKERS)
		k = SCAN_TCP_WORKERS;
	if (env->cfg->parallel && env->cfg->parallel < k * SCAN_TCP_WINDOW_MIN)
		return 1;
	return k;
}

int scan_tcp_run(const struct scan_env *env, const union addr_any *addr, struct scan_table *t,
		 char *err, size_t errlen)
{
	struct tcp_part parts[SCAN_TCP_WORKERS];
	uint64_t t0 = clock_mono_us();
	unsigned k = tcp_nparts(env, t);
	uint32_t slots = tcp_window_max(env) / k;
	int rc = 0;

	if (t->n == 0)
		return 0;
	if (slots < SCAN_TCP_WINDOW_MIN)
		slots = SCAN_TCP_WINDOW_MIN;
	/* Contiguous slices; part 0 runs here, on the caller's loop (and its
	 * progress line), the others on threads with loops of their own. */
	memset(parts, 0, sizeof(parts));
	for (unsigned i = 0; i < k; i++) {
		struct tcp_part *p = &parts[i];
		size_t off = t->n * i / k, end = t->n * (i + 1) / k;
		p->env = *env;
		p->addr = addr;
		p->nslots = slots;
		p->t = *t;
		p->t.n = end - off;
		p->t.ports = t->ports + off;
		p->t.state = t->state + off;
		p->t.reason = t->reason + off;
		if (t->banner) {
			p->t.banner = t->banner + off;
			p->t.banner_len = t->banner_len + off;
		}
		if (i > 0)
			p->started = pthread_create(&p->th, NULL, tcp_worker, p) == 0;
	}
	scan_tcp_part_run(&parts[0]);
	for (unsigned i = 1; i < k; i++) {
		if (parts[i].started)
			pthread_join(parts[i].th, NULL);
		else
			scan_tcp_part_run(&parts[i]); /* no thread: here, after the first */
	}
	size_t answered = 0, unreach = 0;
	for (unsigned i = 0; i < k; i++) {
		answered += parts[i].answered;
		unreach += parts[i].unreach;
		if (parts[i].rc < 0 && rc == 0) {
			snprintf(err, errlen, "%s", parts[i].err);
			rc = -1;
		}
		if (parts[i].cut && !t->cut)
			t->cut = parts[i].cut;
	}
	t->unreachable = rc == 0 && answered == 0 && unreach == t->n;
	t->secs = (double)(clock_mono_us() - t0) / 1e6;
	return rc;
}
