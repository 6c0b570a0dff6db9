/* Sessions over chatwire/chatlink. Intake hands a datagram to its session's
 * link, which acknowledges it and releases its lines in order into the
 * session's queue of lines to handle (unless the recipients are too far
 * behind: then the client must send them again). Work handles queued lines,
 * one of each session in turn; every line
 * for a client goes through chatwire_link_send and marks the session dirty, and
 * dirty sessions are flushed into the sockets' sendmmsg batches, a window of
 * unacknowledged messages keeping a slow client's socket buffer from
 * overflowing. One min-heap holds each session's next retransmission or
 * expiry; the one libevent timer sleeps until the earliest, so a tick visits
 * only sessions that are due. Sessions end only between datagrams and
 * lines: whoever ends one (BYE, a full queue) asks, and the ending is
 * carried out once that datagram or line is done.
 *
 * Memory: each session may hold its share of --queue-memory (small until
 * it has acknowledged something); one that acknowledges nothing for
 * CHATSRV_STALL_US holds nobody back and is dropped once it is over its
 * share; over --queue-memory in all, the session holding most is dropped. */
#include "chat_server/session.h"

#include <stddef.h>
#include <string.h>

#include "chat_server/outbound.h"
#include "chat_server/report.h"
#include "core/clock.h"
#include "core/proc.h"

#define SESSION_OF_TIMER(t) \
	((struct chatsrv_user *)((char *)(t) - offsetof(struct chatsrv_user, timer)))

void chatsrv_session_mark_dirty(struct chatsrv_server *srv, struct chatsrv_user *u)
{
	if (u->dirty || u->end_reason)
		return;
	u->dirty = true;
	u->dirty_pos = srv->ndirty;
	srv->dirty[srv->ndirty++] = u;
}

static void session_clean(struct chatsrv_server *srv, struct chatsrv_user *u)
{
	if (!u->dirty)
		return;
	struct chatsrv_user *last = srv->dirty[--srv->ndirty];
	srv->dirty[u->dirty_pos] = last;
	last->dirty_pos = u->dirty_pos;
	u->dirty = false;
}

/* The next time u needs a visit: its retransmission, or its expiry. */
static void session_timer_update(struct chatsrv_server *srv, struct chatsrv_user *u)
{
	uint64_t wake = u->link.last_heard_us + srv->expire_us;
	uint64_t dl = chatwire_link_deadline(&u->link);

	if (dl && dl < wake)
		wake = dl;
	if (u->link.tx.count && u->progress_us + srv->ack_timeout_us < wake)
		wake = u->progress_us + srv->ack_timeout_us;
	if (u->timer.pos == CHATSRV_TIMER_IDLE || u->timer.at != wake)
		chatsrv_heap_set(&srv->timers, &u->timer, wake);
}

/* Builds u's due datagrams in place in its socket's batch. */
static void session_flush(struct chatsrv_server *srv, struct chatsrv_user *u)
{
	struct chat_link *l = &u->link;
	uint64_t now = srv->now_us;
	uint64_t dl = chatwire_link_deadline(l);

	if (dl && now >= dl) {
		/* Everything unacknowledged goes again, in one go: a partial
		 * retransmission would leave the rest for the next timeout. */
		unsigned room = chatsrv_out_room(srv, u->sock, CHATSRV_RETX_DGRAMS);
		struct chat_builder *b = chatsrv_out_slot(srv, u->sock);
		unsigned n = chatwire_link_flush(l, now, b, room < CHATSRV_RETX_DGRAMS ? room
										 : CHATSRV_RETX_DGRAMS,
					     false);
		chatsrv_out_commit(srv, u->sock, n, &u->addr);
	}
	for (;;) {
		uint64_t inflight = l->tx.sent_upto > l->tx.acked ? l->tx.sent_upto - l->tx.acked : 0;
		if (inflight >= CHATSRV_WINDOW_MSGS && !l->rx.ack_owed)
			break; /* the rest goes as acknowledgements come in */
		struct chat_builder *b = chatsrv_out_slot(srv, u->sock);
		if (chatwire_link_flush(l, now, b, 1, false) == 0)
			break;
		chatsrv_out_commit(srv, u->sock, 1, &u->addr);
	}
	session_timer_update(srv, u);
}

void chatsrv_session_flush_dirty(struct chatsrv_server *srv)
{
	/* Flushing queues nothing new, so the list cannot grow under us. */
	for (size_t i = 0; i < srv->ndirty; i++) {
		struct chatsrv_user *u = srv->dirty[i];
		u->dirty = false;
		session_flush(srv, u);
	}
	srv->ndirty = 0;
}

/* The memory u's unacknowledged messages take, as counted. */
static uint64_t session_cost(const struct chatsrv_user *u)
{
	return u->link.tx.bytes + u->link.tx.count * CHATSRV_MSG_OVERHEAD;
}

/* Keeps the server's total of queued bytes in step with u's. */
static void session_account(struct chatsrv_server *srv, struct chatsrv_user *u)
{
	size_t now = u->end_reason ? 0 : session_cost(u);

	srv->queued = srv->queued - u->queued + now;
	u->queued = now;
}

/* How many bytes u may have unacknowledged before the lines that would
 * reach it wait (server.h, CHATSRV_CREDIT_INIT). */
static uint64_t session_share(const struct chatsrv_server *srv, const struct chatsrv_user *u)
{
	/* Like TCP's slow start: what it acknowledges buys it more. */
	uint64_t share = CHATSRV_CREDIT_INIT +
			 CHATSRV_CREDIT_GROWTH * (u->link.tx.acked_bytes +
						  u->link.tx.acked * CHATSRV_MSG_OVERHEAD);

	if (srv->queued >= srv->cfg->queue_memory / 2) {
		size_t n = chatsrv_users_count(srv->users);
		uint64_t fair = srv->cfg->queue_memory / (2 * (n ? n : 1));
		if (share > fair)
			share = fair;
	}
	return share < CHATSRV_SHARE_MIN ? CHATSRV_SHARE_MIN : share;
}

/* Messages wait for u, and it has acknowledged none of them for a while. */
static bool session_stalled(const struct chatsrv_server *srv, const struct chatsrv_user *u)
{
	uint64_t stall = CHATSRV_STALL_US < srv->ack_timeout_us ? CHATSRV_STALL_US
								 : srv->ack_timeout_us;

	return u->link.tx.count > 0 && srv->now_us >= u->progress_us + stall;
}

/* Over --queue-memory in all: the sessions holding most go first, so that
 * the memory bound holds and nobody else waits for it. */
static void session_shed(struct chatsrv_server *srv)
{
	while (srv->queued > srv->cfg->queue_memory) {
		struct chatsrv_user *fat = NULL;
		for (size_t i = 0; i < chatsrv_users_count(srv->users); i++) {
			struct chatsrv_user *u = chatsrv_users_at(srv->users, i);
			if (!u->end_reason && (!fat || u->queued > fat->queued))
				fat = u;
		}
		if (!fat || fat->queued == 0)
			return;
		chatsrv_session_end(srv, fat, "overflow");
	}
}

static void session_send(void *io, struct chatsrv_user *u, const char *line, size_t len)
{
	struct chatsrv_server *srv = io;

	if (u->end_reason)
		return;
	if (u->link.tx.count == 0)
		u->progress_us = srv->now_us; /* the peer's clock to acknowledge starts now */
	srv->work_done++;
	if (!chatwire_link_send(&u->link, line, len)) {
		chatsrv_session_end(srv, u, "overflow");
		return;
	}
	session_account(srv, u);
	chatsrv_session_mark_dirty(srv, u);
	if (session_cost(u) > session_share(srv, u) && session_stalled(srv, u)) {
		/* It takes nothing in, and the lines for it are no longer held
		 * back: it would only grow. */
		chatsrv_session_end(srv, u, "stuck");
		return;
	}
	if (srv->queued > srv->cfg->queue_memory)
		session_shed(srv);
}

static void session_end_cb(void *io, struct chatsrv_user *u, const char *reason)
{
	chatsrv_session_end(io, u, reason);
}

static void session_event(void *io, const struct chatsrv_event *ev)
{
	struct chatsrv_server *srv = io;

	if (!srv->cfg->quiet)
		chatsrv_report_room(ev);
}

const struct chatsrv_cmd_ops chatsrv_session_ops = {
	.send = session_send,
	.end = session_end_cb,
	.event = session_event,
};

void chatsrv_session_end(struct chatsrv_server *srv, struct chatsrv_user *u, const char *reason)
{
	if (u->end_reason)
		return;
	u->end_reason = reason;
	session_account(srv, u); /* its messages leave the total now */
	srv->ending[srv->nending++] = u;
}

static bool session_reason_is(const struct chatsrv_user *u, const char *reason)
{
	return strcmp(u->end_reason, reason) == 0;
}

static void session_reap(struct chatsrv_server *srv, struct chatsrv_user *u)
{
	bool trouble = session_reason_is(u, "overflow") || session_reason_is(u, "stuck");

	if (session_reason_is(u, "bye")) {
		session_clean(srv, u);
		session_flush(srv, u); /* "OK bye" leaves now: there is no later */
	}
	chatsrv_command_leave_room(&srv->cmd, u, u->end_reason);
	if (session_reason_is(u, "expired"))
		srv->stats.expired++;
	if (trouble)
		srv->stats.dropped++;
	/* A session dropped for being too far behind is trouble worth a line
	 * even with --quiet. */
	if (!srv->cfg->quiet || trouble)
		chatsrv_report_unregister(u, u->end_reason);
	srv->stats.retransmits += u->link.tx.retransmits;
	chatsrv_pending_drop(&srv->pending, &u->pend);
	chatsrv_reglimit_session_remove(&srv->reglimit, &u->addr.sa);
	session_clean(srv, u);
	chatsrv_heap_remove(&srv->timers, &u->timer);
	chatsrv_users_remove(srv->users, u);
}

void chatsrv_session_end_pending(struct chatsrv_server *srv)
{
	/* Never under a datagram being taken in: its session must outlive it
	 * (dispatch comes back here when it is done). */
	if (srv->current)
		return;
	/* Reaping one can end others (LEFT to a full queue): until none is left. */
	while (srv->nending > 0)
		session_reap(srv, srv->ending[--srv->nending]);
}

/* Runs one line of u's: the command, then whatever sessions it ended. */
static void session_handle(struct chatsrv_server *srv, struct chatsrv_user *u, uint64_t seq,
			   uint64_t sent_us, const char *line, size_t len)
{
	if (chatsrv_vlog(srv))
		chatsrv_report_message(u, seq, line, len);
	srv->work_done++;
	srv->cmd.line_us = sent_us;
	chatsrv_command(&srv->cmd, u, line, len);
}

void chatsrv_session_work(struct chatsrv_server *srv, uint64_t budget)
{
	uint64_t start = srv->work_done;
	const struct chatsrv_pending_line *pl;

	while (srv->work_done - start < budget && (pl = chatsrv_pending_pop(&srv->pending))) {
		/* A session that ended since its line came in takes the line along. */
		struct chatsrv_user *u = chatsrv_users_by_token(srv->users, pl->token);
		if (!u || u->end_reason)
			continue;
		session_handle(srv, u, pl->seq, pl->sent_us, pl->text, pl->len);
		chatsrv_session_end_pending(srv);
	}
}

/* A line of the current session's, delivered in order by its link: queued
 * for the work slices. */
static void session_deliver(void *ctx, const char *line, size_t len, uint64_t sent_us)
{
	struct chatsrv_server *srv = ctx;
	struct chatsrv_user *u = srv->current;
	uint64_t seq = chatwire_rel_rx_ack(&u->link.rx); /* delivered in order: the one acknowledged */

	if (chatsrv_pending_push(&srv->pending, &u->pend, u->token, seq, sent_us, line, len))
		return;
	/* Admission keeps room for everything one datagram can release, so
	 * this does not happen; if it did, the line is handled now, after
	 * everything queued before it, rather than lost. */
	chatsrv_session_work(srv, UINT64_MAX);
	if (!u->end_reason)
		session_handle(srv, u, seq, sent_us, line, len);
}

/* How many more of u's lines, of line_cost bytes each once queued for a
 * member, may be taken in now: the least room left under its share by any
 * session they can reach (its room's members, u among them, or u alone),
 * less what the lines of theirs still waiting to be handled will take.
 * Sessions that have stalled do not count: they hold nobody back. */
static uint64_t session_admit(const struct chatsrv_server *srv, struct chatsrv_user *u,
			      uint64_t line_cost)
{
	struct chatsrv_user *const *who = u->room ? u->room->members : &u;
	size_t n = u->room ? u->room->n : 1;
	uint64_t bytes = UINT64_MAX, lines = CHATSRV_ADMIT_HIGH, wait_n = 0, wait_bytes = 0;

	for (size_t i = 0; i < n; i++) {
		const struct chatsrv_user *s = who[i];
		wait_n += s->pend.n;
		wait_bytes += s->pend.bytes + s->pend.n * (CHATSRV_MSG_GROWTH + CHATSRV_MSG_OVERHEAD);
		if (session_stalled(srv, s))
			continue;
		uint64_t share = session_share(srv, s), cost = session_cost(s);
		uint64_t left = cost < share ? share - cost : 0;
		uint64_t count = s->link.tx.count;
		if (left < bytes)
			bytes = left;
		if (CHATSRV_ADMIT_HIGH - (count < CHATSRV_ADMIT_HIGH ? count : CHATSRV_ADMIT_HIGH) < lines)
			lines = CHATSRV_ADMIT_HIGH - (count < CHATSRV_ADMIT_HIGH ? count : CHATSRV_ADMIT_HIGH);
	}
	bytes = bytes > wait_bytes ? bytes - wait_bytes : 0;
	lines = lines > wait_n ? lines - wait_n : 0;
	return bytes / line_cost < lines ? bytes / line_cost : lines;
}

void chatsrv_session_receive(struct chatsrv_server *srv, struct chatsrv_user *u,
			     struct chat_dgram *d)
{
	uint64_t top = 0;

	for (unsigned i = 0; i < d->n; i++)
		if (d->msgs[i].seq > top)
			top = d->msgs[i].seq;
	if (d->n > 0) {
		/* Take in only what every recipient has room for; the client
		 * sends the rest again (its retransmission is the wait). Seq 0
		 * is the server's own kind of notice, never a client's. */
		size_t room = chatsrv_pending_room(&srv->pending), text = 0;
		for (unsigned i = 0; i < d->n; i++)
			text += d->msgs[i].len;
		uint64_t allowed = session_admit(srv, u, text / d->n + CHATSRV_MSG_GROWTH +
								CHATSRV_MSG_OVERHEAD);
		/* Filling a gap releases up to REL_RX_WINDOW held lines as well. */
		room = room > REL_RX_WINDOW + CHAT_MSGS_MAX ? room - REL_RX_WINDOW : 0;
		if (allowed > room)
			allowed = room;
		uint64_t next = u->link.rx.next;
		unsigned k = 0;
		for (unsigned i = 0; i < d->n; i++) {
			if (d->msgs[i].seq == 0)
				continue;
			if (d->msgs[i].seq >= next + allowed) {
				srv->stats.deferred++;
				continue;
			}
			d->msgs[k++] = d->msgs[i];
		}
		d->n = k;
	}
	/* Even what is left for the retransmission was sent by now. */
	chatwire_rel_rx_note_sent(&u->link.rx, top, srv->now_us);
	uint64_t acked = u->link.tx.acked;
	srv->current = u;
	chatwire_link_receive(&u->link, d, srv->now_us, session_deliver, srv);
	srv->current = NULL;
	if (u->link.tx.acked != acked)
		u->progress_us = srv->now_us;
	session_account(srv, u);
	/* An acknowledgement may be owed, or the window may have opened. */
	chatsrv_session_mark_dirty(srv, u); /* the flush moves its timer too */
}

void chatsrv_session_on_timer(struct chatsrv_server *srv)
{
	uint64_t now = clock_mono_us();
	struct chatsrv_timer *t;

	srv->timer_at = 0; /* a libevent timer fires once */
	srv->now_us = now;
	while ((t = chatsrv_heap_top(&srv->timers)) && t->at <= now + CHATSRV_TIMER_SLACK_US) {
		struct chatsrv_user *u = SESSION_OF_TIMER(t);
		uint64_t at = t->at > now ? t->at : now;

		if (at >= u->link.last_heard_us + srv->expire_us) {
			chatsrv_session_end(srv, u, "expired");
		} else if (u->link.tx.count && at >= u->progress_us + srv->ack_timeout_us) {
			/* Alive, perhaps, but acknowledging nothing: it only
			 * costs memory and retransmissions. */
			chatsrv_session_end(srv, u, "stuck");
		} else {
			srv->now_us = at;
			session_clean(srv, u);
			session_flush(srv, u); /* moves its timer past `at` */
			srv->now_us = now;
			continue;
		}
		chatsrv_session_end_pending(srv);
	}
	chatsrv_session_flush_dirty(srv);
	chatsrv_out_send_all(srv);
	if (chatsrv_pending_count(&srv->pending) > 0 && !srv->stopping)
		event_active(srv->work, EV_TIMEOUT, 0);
	chatsrv_session_arm_timer(srv);
}

void chatsrv_session_arm_timer(struct chatsrv_server *srv)
{
	struct chatsrv_timer *t = chatsrv_heap_top(&srv->timers);

	if (!t) {
		if (srv->timer_at)
			evtimer_del(srv->timer);
		srv->timer_at = 0;
		return;
	}
	if (t->at == srv->timer_at)
		return;
	uint64_t now = clock_mono_us();
	uint64_t delay = t->at > now ? t->at - now : 0;
	struct timeval tv = proc_tv_us(delay);
	evtimer_add(srv->timer, &tv);
	srv->timer_at = t->at;
}

uint64_t chatsrv_session_live_retransmits(const struct chatsrv_server *srv)
{
	uint64_t n = 0;

	for (size_t i = 0; i < chatsrv_users_count(srv->users); i++)
		n += chatsrv_users_at(srv->users, i)->link.tx.retransmits;
	return n;
}
