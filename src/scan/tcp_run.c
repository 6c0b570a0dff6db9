/* The books of a TCP connect scan: decided ports, what timing learns from
 * an answer, the slots and the pool of refused sockets. */
#include "scan/tcp_run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/clock.h"
#include "scan/target.h"

void scan_tcp_close_reset(int fd)
{
	struct linger l = { .l_onoff = 1, .l_linger = 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	close(fd);
}

void scan_tcp_fail(struct tcp_run *run, int err, const char *what)
{
	if (run->failed)
		return;
	run->failed = true;
	scan_target_error(run->err, run->errlen, what, &run->addr.sa, err);
	event_base_loopbreak(run->env->base);
}

void scan_tcp_check_done(struct tcp_run *run)
{
	if (run->failed)
		return;
	if (run->decided == run->t->n && run->nfree == run->nslots)
		event_base_loopbreak(run->env->base);
}

void scan_tcp_decide(struct tcp_run *run, uint32_t idx, enum scan_state s, enum scan_reason r)
{
	if (!scan_table_set(run->t, idx, s, r))
		return;
	run->decided++;
	scan_progress_add(run->env->progress, 1, s == SCAN_OPEN);
	if (s == SCAN_OPEN || s == SCAN_CLOSED)
		run->answered++;
	if (scan_reason_is_unreach(r))
		run->unreach++;
}

/* An answer to probe number tries[idx]: timing and limits learn from it. */
void scan_tcp_answer(struct tcp_run *run, uint32_t idx, enum scan_state s, enum scan_reason r,
		       uint64_t start_us)
{
	uint64_t now = clock_mono_us();
	unsigned try = run->tries[idx];

	if (try == 1)
		scan_rtt_sample(&run->rtt, now - start_us);
	scan_window_answer(&run->win, try, run->lost_us[idx], now, scan_rtt_timeout(&run->rtt));
	scan_tries_answer(&run->tmax, try);
	scan_tcp_decide(run, idx, s, r);
}

struct tcp_slot *scan_tcp_slot_get(struct tcp_run *run)
{
	if (run->nfree == 0)
		return NULL;
	struct tcp_slot *s = &run->slots[run->freelist[--run->nfree]];
	return s;
}

void scan_tcp_slot_put(struct tcp_run *run, struct tcp_slot *s)
{
	if (s->phase != SLOT_FREE)
		event_del(&s->ev);
	s->phase = SLOT_FREE;
	s->fd = -1;
	run->freelist[run->nfree++] = (uint32_t)(s - run->slots);
}

void scan_tcp_pool_put(struct tcp_run *run, int fd)
{
	if (run->npool < SCAN_TCP_POOL)
		run->pool[run->npool++] = fd;
	else
		close(fd);
}

void scan_tcp_run_free(struct tcp_run *run)
{
	for (uint32_t i = 0; run->slots && i < run->nslots; i++) {
		struct tcp_slot *s = &run->slots[i];
		if (s->phase != SLOT_FREE) {
			event_del(&s->ev);
			scan_tcp_close_reset(s->fd);
		}
		free(s->buf);
	}
	while (run->npool > 0)
		close(run->pool[--run->npool]);
	if (run->pump)
		event_free(run->pump);
	free(run->slots);
	free(run->freelist);
	scan_workq_free(&run->work);
	free(run->tries);
	free(run->sent_us);
	free(run->lost_us);
}
