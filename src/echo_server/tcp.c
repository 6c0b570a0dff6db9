/* TCP side of socklab echo-server: an evconnlistener hands each accepted
 * socket to core/conn with echolib/echo's callbacks, the same echo as socklab
 * serve's. Past the connection limit, or out of descriptors, accepting
 * pauses (clients wait in the backlog) until a connection ends. */
#include "echo_server/server.h"

#include <errno.h>
#include <netinet/in.h>
#include <unistd.h>

#include "core/clock.h"
#include "echolib/echo.h"
#include "core/log.h"
#include "core/sock.h"

static struct echo_server *tcp_server(const struct conn *c)
{
	return (struct echo_server *)((char *)c->ctx - offsetof(struct echo_server, conns));
}

static void tcp_accept_pause(struct echo_server *srv)
{
	if (!srv->accept_paused && evconnlistener_disable(srv->lev) == 0)
		srv->accept_paused = true;
}

static void tcp_accept_resume(struct echo_server *srv)
{
	if (srv->accept_paused && !srv->stopping && evconnlistener_enable(srv->lev) == 0)
		srv->accept_paused = false;
}

static void tcp_on_end(struct conn *c, const char *reason)
{
	struct echo_server *srv = tcp_server(c);

	echosrv_report_end(&c->peer.sa, c->bytes_in, c->bytes_out, c->pos,
			   (double)(clock_mono_us() - c->start_us) / 1e6, reason);
	tcp_accept_resume(srv); /* this connection's descriptor is about to be free */
}

/* Each read is a message: counted (c->pos) and, with --json, reported
 * within the log rate. Then echolib's echo. */
static bool tcp_on_data(struct conn *c, uint8_t *data, size_t n)
{
	struct echo_server *srv = tcp_server(c);
	uint64_t now = clock_mono_us();

	c->pos++;
	if (srv->cfg->json && ratelog_allow(&srv->tcp_log, now)) {
		uint64_t k = ratelog_take_suppressed(&srv->tcp_log);
		if (k)
			echosrv_report_suppressed(IPPROTO_TCP, k);
		echosrv_report_tcp_message(&c->peer.sa, c->pos, data, n);
	}
	return echo_on_data(c, data, n);
}

static const struct conn_ops tcp_echo_ops = {
	.on_data = tcp_on_data, .on_eof = echo_on_eof, .on_drained = echo_on_drained, .on_end = tcp_on_end,
};

static void tcp_on_accept(struct evconnlistener *lev, evutil_socket_t fd, struct sockaddr *sa,
			  int salen, void *arg)
{
	struct echo_server *srv = arg;

	if (srv->stopping) {
		close(fd);
		return;
	}
	struct conn *c = conn_new(&srv->conns, fd, sa, &tcp_echo_ops, CONN_F_READ);
	if (!c) {
		close(fd);
		return;
	}
	srv->stats.tcp_conns++;
	echosrv_report_accept(sa);
	sock_set_nodelay(fd, true); /* keystroke echo must not wait for ACKs */
	sock_set_sndbuf(fd, ECHO_SERVER_SNDBUF);
	sock_set_rcvbuf(fd, ECHO_SERVER_RCVBUF);
	sock_set_notsent_lowat(fd, ECHO_SERVER_NOTSENT_LOWAT);
	conn_arm(c);
	if (srv->conns.count >= srv->max_conns)
		tcp_accept_pause(srv);
}

static void tcp_on_resume_timer(evutil_socket_t fd, short what, void *arg)
{
	tcp_accept_resume(arg);
}

static void tcp_on_accept_error(struct evconnlistener *lev, void *arg)
{
	struct echo_server *srv = arg;
	int err = EVUTIL_SOCKET_ERROR();

	if (err != EMFILE && err != ENFILE && err != ENOBUFS && err != ENOMEM)
		return;
	/* The waiting connection stays in the backlog; a level-triggered
	 * listener would otherwise spin on it. */
	tcp_accept_pause(srv);
	struct timeval tv = { 0, ECHO_SERVER_ACCEPT_PAUSE_MS * 1000 };
	event_add(srv->accept_resume, &tv);
}

int echosrv_tcp_start(struct echo_server *srv)
{
	srv->accept_resume = evtimer_new(srv->base, tcp_on_resume_timer, srv);
	/* Backlog 0: the socket already listens with SOCK_BACKLOG; -1 would
	 * make libevent call listen(fd, 128) again. */
	srv->lev = evconnlistener_new(srv->base, tcp_on_accept, srv,
				      LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 0, srv->fd);
	if (!srv->lev || !srv->accept_resume)
		return -1;
	evconnlistener_set_error_cb(srv->lev, tcp_on_accept_error);
	ratelog_init(&srv->tcp_log, ECHO_SERVER_UDP_LOG_RATE, ECHO_SERVER_UDP_LOG_BURST, clock_mono_us());
	return 0;
}

void echosrv_tcp_close_all(struct echo_server *srv)
{
	conn_end_all(&srv->conns, "shutdown");
}
