/* socklab serve: parse options, open every listener or none, run the loop,
 * and stop cleanly on SIGINT/SIGTERM. */
#include "serve/serve.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/sock.h"
#include "serve/clockfmt.h"
#include "serve/listen.h"
#include "serve/options.h"
#include "serve/report.h"
#include "serve/tcp.h"
#include "serve/udp.h"

static void serve_stop(struct server *srv)
{
	if (srv->stopping)
		return;
	srv->stopping = true;
	log_out_queue_closing();
	serve_listeners_close(srv);
	serve_tcp_close_all(srv);
	serve_report_stopped(&srv->stats);
	proc_exit(srv->proc);
}

static void serve_reload_quotes(struct server *srv)
{
	struct quotes q;
	char err[QOTD_ERR_MAX];

	if (!srv->cfg->quotes_file)
		return;
	if (serve_quotes_load_file(srv->cfg->quotes_file, &q, err, sizeof(err)) < 0) {
		log_error("%s (keeping the %zu quotes loaded before)", err, srv->quotes.n);
		return;
	}
	serve_quotes_free(&srv->quotes);
	srv->quotes = q;
	serve_report_quotes(srv->cfg->quotes_file, q.n);
}

static void serve_on_signal(int sig, void *arg)
{
	struct server *srv = arg;

	if (sig == SIGHUP)
		serve_reload_quotes(srv);
	else
		serve_stop(srv);
}

static const struct timeval *serve_common_timeout(struct event_base *base, uint64_t ms)
{
	struct timeval tv = proc_tv_ms(ms);

	return event_base_init_common_timeout(base, &tv);
}

static int serve_init_loop(struct server *srv)
{
	static const int sigs[3] = { SIGINT, SIGTERM, SIGHUP };

	/* One thread; the changelist folds a del+add pair into one epoll_ctl. */
	srv->proc = proc_new_with(PROC_CHANGELIST);
	if (!srv->proc)
		return -1;
	srv->base = proc_base(srv->proc);
	srv->conns.base = srv->base;
	if (srv->cfg->idle_ms)
		srv->conns.idle_tv = serve_common_timeout(srv->base, srv->cfg->idle_ms);
	srv->conns.linger_tv = serve_common_timeout(srv->base, SERVE_LINGER_MS);
	return proc_on_signals(srv->proc, sigs, 3, serve_on_signal, srv);
}

static int serve_init_state(struct server *srv, long nofile)
{
	const struct serve_config *cfg = srv->cfg;
	uint64_t now = clock_mono_us();
	char err[QOTD_ERR_MAX];

	if (cfg->quotes_file) {
		if (serve_quotes_load_file(cfg->quotes_file, &srv->quotes, err, sizeof(err)) < 0) {
			log_error("--quotes %s", err);
			return -1;
		}
	} else if (serve_quotes_builtin(&srv->quotes) < 0) {
		log_error("built-in quotes do not parse");
		return -1;
	}
	rng_seed_random(&srv->reply.rng);
	srv->reply.quotes = &srv->quotes;
	srv->reply.daytime_fmt = cfg->daytime_fmt;
	srv->conns.iobuf = malloc(SERVE_IOBUF);
	srv->conns.iobuf_len = SERVE_IOBUF;
	srv->conns.high_water = cfg->high_water;
	srv->udp = cfg->udp ? dgram_batch_new() : NULL;
	if (!srv->conns.iobuf || (cfg->udp && !srv->udp)) {
		log_error("out of memory");
		return -1;
	}
	if (cfg->max_per_host)
		srv->hosts = iptab_new(sizeof(uint64_t), (size_t)nofile);
	if (cfg->udp)
		srv->budget = serve_udp_budget_new(cfg, now);
	if ((cfg->max_per_host && !srv->hosts) || (cfg->udp && !srv->budget)) {
		log_error("out of memory");
		return -1;
	}
	ratelog_init(&srv->udp_log, SERVE_UDP_LOG_RATE, SERVE_UDP_LOG_BURST, now);
	ratelog_init(&srv->tcp_log, SERVE_UDP_LOG_RATE, SERVE_UDP_LOG_BURST, now);
	srcfilter_init(&srv->policy);
	srcfilter_load_ifaces(&srv->policy);
	srv->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	return 0;
}

static void serve_free(struct server *srv)
{
	serve_listeners_close(srv);
	serve_tcp_close_all(srv);
	log_out_queue_stop();
	proc_free(srv->proc);
	iptab_free(srv->hosts);
	srcbudget_free(srv->budget);
	serve_quotes_free(&srv->quotes);
	dgram_batch_free(srv->udp);
	free(srv->conns.iobuf);
	if (srv->reserve_fd >= 0)
		close(srv->reserve_fd);
}

static enum tool_args serve_parse(int argc, char **argv, void *cfg, char *err, size_t errlen)
{
	serve_config_defaults(cfg);
	return serve_parse_args(argc, argv, cfg, err, errlen);
}

static int serve_run(void *arg)
{
	const struct serve_config *cfg = arg;
	struct server srv = { .reserve_fd = -1, .cfg = cfg };
	char note[128];
	union addr_any addrs[SERVE_MAX_BINDS];
	int rc = 1;

	log_out_set_mode(cfg->json ? OUT_JSON : OUT_TEXT);
	int naddrs = sock_server_addrs(cfg->binds, cfg->nbinds, cfg->family, addrs, note,
					sizeof(note));
	if (note[0])
		log_error("%s", note);
	if (naddrs < 0)
		return 1;

	long nofile = sock_raise_nofile();
	if (nofile < 0)
		nofile = 1024;
	if (serve_init_state(&srv, nofile) < 0 || serve_listeners_open(&srv, addrs, naddrs) < 0)
		goto out;
	/* Datagrams from our own service ports could loop between two servers. */
	for (size_t i = 0; i < srv.nlisteners; i++)
		srcfilter_add_port(&srv.policy, addr_port(&srv.listeners[i].addr.sa));
	srv.max_conns = cfg->max_conns;
	if (!srv.max_conns) {
		long room = nofile - (long)srv.nlisteners - SERVE_FD_RESERVE;
		srv.max_conns = room > 1 ? (uint64_t)room : 1;
	}
	if (serve_init_loop(&srv) < 0 || log_out_queue_start(srv.base) < 0) {
		log_error("cannot set up the event loop");
		goto out;
	}
	if (serve_listeners_start(&srv) < 0)
		goto out;
	rc = proc_loop(srv.proc) < 0 ? 1 : 0;
out:
	serve_free(&srv);
	return rc;
}

const struct tool serve_tool = {
	TOOL_FIELDS("serve", "the lab server: echo, discard, daytime, qotd, chargen, time, upper",
		    serve_usage_text, struct serve_config, serve_parse, serve_run),
};
