/* socklab chat's loop: set up the events and signals (core/proc), listen
 * for the one peer or take over the connected socket, run, tear down. The
 * talk itself is session.c's. */
#include "chat/session.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "chat/net.h"
#include "chat/report.h"
#include "core/clock.h"
#include "core/log.h"

/* The first four always; resizing and Ctrl-Z only on a terminal. */
static const int chat_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH, SIGTSTP };

static void chat_on_accept(evutil_socket_t lfd, short what, void *arg)
{
	struct chat_session *s = arg;
	int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0) {
		if (errno == EAGAIN || errno == EINTR || errno == ECONNABORTED)
			return;
		chat_end(s, 1);
		chat_warn(s, "cannot accept a connection: %s", strerror(errno));
		return;
	}
	/* One peer: later ones are refused. */
	event_del(s->ev_accept);
	close(s->lfd);
	s->lfd = -1;
	s->accepted = true;
	if (chat_begin(s, fd) < 0) {
		chat_end(s, 1);
		chat_warn(s, "cannot start the session: out of memory");
	}
}

static int chat_listen_start(struct chat_session *s)
{
	char err[CHAT_TCP_ERR_MAX], where[ADDR_STRLEN];

	s->lfd = chat_listen(s->cfg->port_num, s->cfg->family, err, sizeof(err));
	if (s->lfd < 0) {
		log_error("%s", err);
		return -1;
	}
	s->ev_accept = event_new(s->base, s->lfd, EV_READ | EV_PERSIST, chat_on_accept, s);
	if (!s->ev_accept || event_add(s->ev_accept, NULL) < 0) {
		log_error("cannot start the event loop: out of memory");
		return -1;
	}
	if (s->cfg->json) {
		chat_json_listening(s->lfd);
	} else {
		chat_local_str(s->lfd, where, sizeof(where));
		log_out_line("listening on %s", where);
	}
	return 0;
}

static int chat_setup(struct chat_session *s)
{
	s->proc = proc_new();
	if (!s->proc)
		return -1;
	s->base = proc_base(s->proc);
	s->ev_timer = event_new(s->base, -1, 0, chat_on_timer, s);
	s->ev_ack = event_new(s->base, -1, 0, chat_on_ack_poll, s);
	if (chat_outq_init(&s->out) < 0 || !s->ev_timer || !s->ev_ack ||
	    linebuf_init(&s->in, CHAT_TCP_LINE_MAX) < 0 ||
	    chat_ui_init(&s->ui, s->base, &chat_ui_ops, s, s->cfg->json) < 0)
		return -1;
	/* Resizing and Ctrl-Z only concern the terminal; elsewhere they keep
	 * their default actions. */
	if (proc_on_signals(s->proc, chat_signals, 4, chat_on_signal, s) < 0 ||
	    (s->ui.tty && proc_on_signals(s->proc, chat_signals + 4, 2, chat_on_signal, s) < 0))
		return -1;
	return 0;
}

static void chat_teardown(struct chat_session *s)
{
	/* The terminal first, whatever else happens. */
	if (s->ui.ev_in)
		chat_ui_free(&s->ui);
	struct event *evs[] = { s->ev_accept, s->ev_read, s->ev_write, s->ev_timer, s->ev_ack };
	for (size_t i = 0; i < sizeof(evs) / sizeof(evs[0]); i++)
		if (evs[i])
			event_free(evs[i]);
	chat_outq_free(&s->out);
	linebuf_free(&s->in);
	if (s->fd >= 0 && s->abort)
		chat_reset_on_close(s->fd);
	if (s->fd >= 0)
		close(s->fd);
	if (s->lfd >= 0)
		close(s->lfd);
	proc_free(s->proc);
}

/* --json's last line: how the session ended, and what went each way. */
static void chat_json_end(const struct chat_session *s)
{
	json_t *o = chat_json_new("end");

	if (!o)
		return;
	json_object_set_new(o, "status", json_integer(s->status));
	json_object_set_new(o, "lines_sent", json_integer((json_int_t)s->lines_sent));
	json_object_set_new(o, "lines_received", json_integer((json_int_t)s->lines_received));
	json_object_set_new(o, "undelivered", json_integer((json_int_t)s->undelivered));
	json_object_set_new(o, "duration_s", s->start_us ?
			    json_real((double)(clock_mono_us() - s->start_us) / 1e6) : json_null());
	chat_json_emit(o);
}

int chat_run(const struct chat_config *cfg, int fd)
{
	static struct chat_session s; /* the escape buffer is large */
	int rc = 1;

	memset(&s, 0, sizeof(s));
	s.cfg = cfg;
	s.fd = -1;
	s.lfd = -1;
	s.status = 1;
	if (chat_setup(&s) < 0) {
		log_error("cannot start the event loop: out of memory");
		if (fd >= 0)
			close(fd);
		goto out;
	}
	if (fd >= 0) {
		if (chat_begin(&s, fd) < 0) {
			log_error("cannot start the session: out of memory");
			goto out;
		}
	} else if (chat_listen_start(&s) < 0) {
		goto out;
	}
	if (s.phase != CHAT_TCP_DONE)
		proc_loop(s.proc);
	rc = s.status;
	if (cfg->json)
		chat_json_end(&s);
out:
	chat_teardown(&s);
	return rc;
}
