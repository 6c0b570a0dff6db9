/* TCP side of the lab server: admission (--max-conns, --max-per-host), and
 * each service as callbacks on core's struct conn. echo and upper are core's
 * echo; discard reads and drops; chargen produces whenever the socket takes
 * more; daytime, qotd and time answer, send FIN and linger for the client's. */
#include "serve/tcp.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "echolib/echo.h"
#include "core/sock.h"
#include "serve/chargen.h"
#include "serve/report.h"

/* Unsent bytes a bulk connection may hold in the kernel (TCP_NOTSENT_LOWAT).
 * A client that stops reading then pins this much unsent data, not the whole
 * send buffer; in-flight data is not limited, so throughput is unchanged
 * (bench/README.md: stalled readers). */
#define SERVE_NOTSENT_LOWAT (16 * 1024)

struct host_count {
	uint64_t conns;
};

static struct server *tcp_server(const struct conn *c)
{
	return (struct server *)((char *)c->ctx - offsetof(struct server, conns));
}

static void tcp_on_end(struct conn *c, const char *reason)
{
	struct server *srv = tcp_server(c);

	if (!srv->cfg->quiet)
		serve_report_end(c->tag, &c->peer.sa, c->bytes_in, c->bytes_out,
			   (double)(clock_mono_us() - c->start_us) / 1e6, reason);
	if (srv->hosts) {
		struct addr_key key;
		addr_key_from(&key, &c->peer.sa);
		struct host_count *h = iptab_find(srv->hosts, &key);
		if (h && --h->conns == 0)
			iptab_remove(srv->hosts, &key);
	}
}

static bool discard_on_data(struct conn *c, uint8_t *data, size_t n)
{
	return true;
}

static bool chargen_on_writable(struct conn *c)
{
	ssize_t w = conn_write(c, serve_chargen_window(c->pos), CHARGEN_WINDOW);

	if (w < 0) {
		/* The usual end of chargen: the client closes with output unread. */
		conn_end(c, errno == EPIPE || errno == ECONNRESET ? "client-closed" : "error");
		return false;
	}
	c->pos = serve_chargen_advance(c->pos, (size_t)w);
	return true;
}

static bool chargen_on_eof(struct conn *c)
{
	/* Half-closed: the client may still read; go on until it closes. */
	return true;
}

static bool oneshot_on_drained(struct conn *c)
{
	conn_linger(c);
	return true;
}

static const struct conn_ops tcp_ops[SVC_COUNT] = {
	[SVC_ECHO] = { ECHO_CONN_OPS, .on_end = tcp_on_end },
	[SVC_UPPER] = { ECHO_CONN_OPS, .on_end = tcp_on_end, .transform = echo_upper_ascii },
	[SVC_DISCARD] = { .on_data = discard_on_data, .on_end = tcp_on_end },
	[SVC_CHARGEN] = { .on_data = discard_on_data, .on_eof = chargen_on_eof,
			  .on_writable = chargen_on_writable, .on_end = tcp_on_end },
	[SVC_DAYTIME] = { .on_drained = oneshot_on_drained, .on_end = tcp_on_end },
	[SVC_QOTD] = { .on_drained = oneshot_on_drained, .on_end = tcp_on_end },
	[SVC_TIME] = { .on_drained = oneshot_on_drained, .on_end = tcp_on_end },
};

static const uint8_t tcp_flags[SVC_COUNT] = {
	[SVC_ECHO] = CONN_F_READ,
	[SVC_UPPER] = CONN_F_READ,
	[SVC_DISCARD] = CONN_F_READ,
	[SVC_CHARGEN] = CONN_F_READ | CONN_F_PRODUCER,
};

static bool tcp_admit(struct server *srv, const struct sockaddr *sa, const char **why)
{
	if (srv->conns.count >= srv->max_conns) {
		*why = "max-conns";
		return false;
	}
	if (srv->hosts) {
		struct addr_key key;
		addr_key_from(&key, sa);
		struct host_count *h = iptab_get(srv->hosts, &key);
		if (!h || h->conns >= srv->cfg->max_per_host) {
			*why = "max-per-host";
			return false;
		}
		h->conns++;
	}
	return true;
}

static void tcp_refuse(struct server *srv, struct listener *l, int fd, const struct sockaddr *sa,
		       const char *why)
{
	/* RST rather than FIN: the client learns at once, and no state lingers. */
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
	srv->stats.tcp_refused++;
	if (srv->cfg->quiet)
		return;
	if (ratelog_allow(&srv->tcp_log, clock_mono_us())) {
		uint64_t n = ratelog_take_suppressed(&srv->tcp_log);
		if (n)
			serve_report_suppressed("refused", n);
		serve_report_refused(l->svc, sa, why);
	}
}

/* Bounds what a client that stops reading can pin in the kernel: chargen,
 * echo and upper send in bulk, echo and upper also stop reading (at
 * --high-water), so their receive buffer fills too. Best effort: a failure
 * leaves the kernel's defaults. */
static void tcp_bound_buffers(const struct serve_config *cfg, int fd, enum service_id svc)
{
	if (svc != SVC_CHARGEN && svc != SVC_ECHO && svc != SVC_UPPER)
		return;
	sock_set_sndbuf(fd, (int)cfg->sndbuf);
	sock_set_notsent_lowat(fd, SERVE_NOTSENT_LOWAT);
	if (svc != SVC_CHARGEN)
		sock_set_rcvbuf(fd, (int)cfg->rcvbuf);
}

/* daytime, qotd and time answer as the connection opens. */
static bool tcp_answer(struct server *srv, struct conn *c)
{
	uint8_t out[REPLY_OUT_MAX];

	srv->reply.now = time(NULL);
	size_t n = serve_reply_oneshot(c->tag, out, sizeof(out), &srv->reply);
	if (conn_send(c, out, n) < 0) {
		conn_end(c, conn_errno_reason(errno));
		return false;
	}
	if (conn_owed(c) == 0)
		conn_linger(c);
	return true;
}

void serve_tcp_on_accept(struct evconnlistener *lev, evutil_socket_t fd, struct sockaddr *sa,
		   int salen, void *arg)
{
	struct listener *l = arg;
	struct server *srv = l->srv;
	const char *why;

	if (srv->stopping) {
		close(fd);
		return;
	}
	if (!tcp_admit(srv, sa, &why)) {
		tcp_refuse(srv, l, fd, sa, why);
		return;
	}
	struct conn *c = conn_new(&srv->conns, fd, sa, &tcp_ops[l->svc], tcp_flags[l->svc]);
	if (!c) {
		close(fd);
		return;
	}
	c->tag = (uint8_t)l->svc;
	srv->stats.tcp_conns++;
	if (srv->cfg->verbose)
		serve_report_start(l->svc, sa);
	tcp_bound_buffers(srv->cfg, fd, l->svc);
	if (l->svc == SVC_ECHO || l->svc == SVC_UPPER)
		sock_set_nodelay(fd, true); /* keystroke echo must not wait for ACKs */
	if ((l->svc == SVC_DAYTIME || l->svc == SVC_QOTD || l->svc == SVC_TIME) &&
	    !tcp_answer(srv, c))
		return;
	conn_arm(c);
}

void serve_tcp_on_accept_error(struct evconnlistener *lev, void *arg)
{
	struct listener *l = arg;
	struct server *srv = l->srv;
	int err = EVUTIL_SOCKET_ERROR();

	if (err != EMFILE && err != ENFILE)
		return;
	/* Out of descriptors: give up the spare one to accept and drop the waiting
	 * connection, so the listener does not spin on a queue it cannot take. */
	if (srv->reserve_fd >= 0) {
		close(srv->reserve_fd);
		int fd = accept(evconnlistener_get_fd(lev), NULL, NULL);
		if (fd >= 0) {
			close(fd);
			srv->stats.tcp_refused++;
		}
		srv->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	}
}

void serve_tcp_close_all(struct server *srv)
{
	conn_end_all(&srv->conns, "shutdown");
}
