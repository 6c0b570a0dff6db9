/* socklab echo-server: parse options, bind the one socket (-t TCP or UDP),
 * report it, echo until SIGINT, SIGTERM or SIGHUP, then close everything
 * and print the summary. */
#include "echo_server/echo_server.h"

#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "core/sock.h"
#include "echo_server/options.h"
#include "echo_server/server.h"

static void echosrv_stop(struct echo_server *srv)
{
	if (srv->stopping)
		return;
	srv->stopping = true;
	log_out_queue_closing();
	echosrv_tcp_close_all(srv);
	echosrv_report_stopped(srv);
	proc_exit(srv->proc);
}

static void echosrv_on_signal(int sig, void *arg)
{
	(void)sig;
	echosrv_stop(arg);
}

static const char *echosrv_bind_hint(int err)
{
	switch (err) {
	case EADDRINUSE: return " — another program has that port; try another -p (0: any free one)";
	case EACCES: return " — ports below 1024 need root; try -p 4002";
	case EADDRNOTAVAIL: return " — not an address of this host; try --ip 127.0.0.1";
	case EAFNOSUPPORT: return " — IPv6 is off on this host";
	default: return "";
	}
}

static int echosrv_bind(struct echo_server *srv)
{
	const struct echo_opts *cfg = srv->cfg;
	socklen_t len = addr_len(&cfg->addr.sa);
	char where[ADDR_STRLEN];

	srv->fd = cfg->proto == IPPROTO_TCP ? sock_listen_tcp(&cfg->addr.sa, len, SOCK_BACKLOG)
					    : sock_bind_udp(&cfg->addr.sa, len);
	if (srv->fd < 0) {
		int err = errno;
		log_error("cannot bind %s %s: %s%s", cfg->proto == IPPROTO_TCP ? "TCP" : "UDP",
			  addr_format(&cfg->addr.sa, where, sizeof(where)), strerror(err),
			  echosrv_bind_hint(err));
		return -1;
	}
	len = sizeof(srv->bound);
	if (sock_local_addr(srv->fd, &srv->bound.sa, &len) < 0)
		addr_copy(&srv->bound, &cfg->addr.sa);
	return 0;
}

static int echosrv_init_loop(struct echo_server *srv)
{
	/* SIGHUP too: there is nothing to re-read, and a hangup (the terminal
	 * closed) must not cost the summary. */
	static const int sigs[ECHO_SERVER_NSIGNALS] = { SIGINT, SIGTERM, SIGHUP };
	const struct echo_opts *cfg = srv->cfg;

	srv->proc = proc_new();
	if (!srv->proc)
		return -1;
	srv->base = proc_base(srv->proc);
	if (log_out_queue_start(srv->base) < 0)
		return -1;
	srv->conns.base = srv->base;
	srv->conns.high_water = ECHO_SERVER_HIGH_WATER;
	if (cfg->timeout_ms) {
		struct timeval tv = proc_tv_ms(cfg->timeout_ms);
		srv->conns.idle_tv = event_base_init_common_timeout(srv->base, &tv);
	}
	if (proc_on_signals(srv->proc, sigs, ECHO_SERVER_NSIGNALS, echosrv_on_signal, srv) < 0)
		return -1;
	if (cfg->proto == IPPROTO_UDP)
		return echosrv_udp_start(srv);
	srv->conns.iobuf = malloc(ECHO_SERVER_IOBUF);
	srv->conns.iobuf_len = ECHO_SERVER_IOBUF;
	if (!srv->conns.iobuf)
		return -1;
	return echosrv_tcp_start(srv);
}

static void echosrv_free(struct echo_server *srv)
{
	echosrv_tcp_close_all(srv);
	log_out_queue_stop();
	if (srv->lev)
		evconnlistener_free(srv->lev); /* closes the fd */
	else if (srv->fd >= 0)
		close(srv->fd);
	if (srv->udp_ev)
		event_free(srv->udp_ev);
	if (srv->accept_resume)
		event_free(srv->accept_resume);
	proc_free(srv->proc);
	dgram_batch_free(srv->batch);
	srcbudget_free(srv->budget);
	free(srv->conns.iobuf);
}

static int echosrv_run(void *cfg)
{
	struct echo_server srv = { .fd = -1, .cfg = cfg };
	int rc = 1;

	long nofile = sock_raise_nofile();
	if (nofile < 0)
		nofile = 1024;
	srv.max_conns = nofile > 2 * ECHO_SERVER_FD_RESERVE ? (uint64_t)(nofile - ECHO_SERVER_FD_RESERVE)
							    : ECHO_SERVER_FD_RESERVE;
	log_out_set_mode(srv.cfg->json ? OUT_JSON : OUT_TEXT);
	if (echosrv_bind(&srv) < 0)
		goto out;
	if (echosrv_init_loop(&srv) < 0) {
		log_error("cannot set up the event loop: out of memory");
		goto out;
	}
	echosrv_report_bound(&srv);
	rc = proc_loop(srv.proc) < 0 ? 1 : 0;
out:
	echosrv_free(&srv);
	return rc;
}

const struct tool echosrv_tool = {
	TOOL_FIELDS("echo-server", "seed 004's echo server: TCP or UDP, many clients at once",
		    echosrv_usage_text, struct echo_opts, echo_opts_parse_server, echosrv_run),
	.version_word = "version",
};
