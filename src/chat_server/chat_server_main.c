/* socklab chat-server: parse options, bind every address or none, run the
 * loop, and stop cleanly on SIGINT/SIGTERM/SIGHUP with the counters. */
#include "chat_server/chat_server.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "chat_server/options.h"
#include "chat_server/report.h"
#include "chat_server/server.h"
#include "chat_server/session.h"
#include "chat_server/udp.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/proc.h"
#include "core/rng.h"
#include "core/sock.h"

static void chatsrv_stop(struct chatsrv_server *srv)
{
	if (srv->stopping)
		return;
	srv->stopping = true;
	log_out_queue_closing();
	struct chatsrv_stats st = srv->stats;
	st.retransmits += chatsrv_session_live_retransmits(srv);
	chatsrv_report_stopped(&st, chatsrv_users_count(srv->users));
	/* Not proc_exit's break: what is already due (the output queue's last
	 * lines) still runs. */
	event_base_loopexit(srv->base, NULL);
}

static void chatsrv_on_signal(int sig, void *arg)
{
	chatsrv_stop(arg);
}

static void chatsrv_on_timer(evutil_socket_t fd, short what, void *arg)
{
	/* Acknowledgements that wait in the sockets first: no retransmission
	 * of what has arrived. */
	chatsrv_intake(arg);
	chatsrv_session_on_timer(arg);
}

static int chatsrv_init(struct chatsrv_server *srv)
{
	const struct chatsrv_config *cfg = srv->cfg;
	uint8_t key[16];
	uint64_t now = clock_mono_us();

	rng_fill_secure(key, sizeof(key));
	srv->users = chatsrv_users_new(cfg->max_users, key);
	srv->rooms = chatsrv_rooms_new(cfg->max_rooms, cfg->max_members, key);
	srv->dirty = calloc(cfg->max_users, sizeof(*srv->dirty));
	srv->ending = calloc(cfg->max_users, sizeof(*srv->ending));
	if (!srv->users || !srv->rooms || !srv->dirty || !srv->ending ||
	    chatsrv_heap_init(&srv->timers, cfg->max_users) < 0 ||
	    chatsrv_pending_init(&srv->pending, CHATSRV_PENDING_MAX) < 0 ||
	    chatsrv_reglimit_init(&srv->reglimit, cfg->reg_rate, cfg->max_per_prefix,
				  cfg->max_users + CHATSRV_PENDING_MAX) < 0)
		return -1;
	rng_fill_secure(srv->cookie_secret, sizeof(srv->cookie_secret));
	srv->expire_us = cfg->expire_ms * 1000;
	srv->ack_timeout_us = cfg->ack_timeout_ms * 1000;
	srv->now_us = now;
	srv->cmd = (struct chatsrv_cmd_ctx){ .users = srv->users, .rooms = srv->rooms,
					     .ops = &chatsrv_session_ops, .io = srv,
					     .flood_rate = cfg->flood_rate, .line_us = now };
	tbucket_init(&srv->notices, CHATSRV_NOTICE_RATE, CHATSRV_NOTICE_BURST, now);
	tbucket_init(&srv->cookies, CHATSRV_COOKIE_RATE, CHATSRV_COOKIE_BURST, now);
	ratelog_init(&srv->vlog, CHATSRV_VLOG_RATE, CHATSRV_VLOG_BURST, now);
	srcfilter_init(&srv->policy);
	srcfilter_load_ifaces(&srv->policy);
	return 0;
}

static int chatsrv_init_loop(struct chatsrv_server *srv)
{
	/* SIGHUP too: there is nothing to re-read, and a hangup (the terminal
	 * closed) must not cost the counters. */
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };

	srv->proc = proc_new_with(PROC_CHANGELIST);
	if (!srv->proc)
		return -1;
	srv->base = proc_base(srv->proc);
	if (log_out_queue_start(srv->base) < 0 ||
	    proc_on_signals(srv->proc, sigs, sizeof(sigs) / sizeof(sigs[0]), chatsrv_on_signal,
			    srv) < 0)
		return -1;
	srv->timer = evtimer_new(srv->base, chatsrv_on_timer, srv);
	return srv->timer ? 0 : -1;
}

static void chatsrv_free(struct chatsrv_server *srv)
{
	chatsrv_sockets_close(srv);
	log_out_queue_stop();
	if (srv->timer)
		event_free(srv->timer);
	proc_free(srv->proc);
	chatsrv_users_free(srv->users);
	chatsrv_rooms_free(srv->rooms);
	chatsrv_heap_free(&srv->timers);
	chatsrv_pending_free(&srv->pending);
	chatsrv_reglimit_free(&srv->reglimit);
	free(srv->dirty);
	free(srv->ending);
}

static enum tool_args chatsrv_parse(int argc, char **argv, void *cfg, char *err, size_t errlen)
{
	return chatsrv_parse_args(argc, argv, cfg, err, errlen);
}

static int chatsrv_run(void *arg)
{
	const struct chatsrv_config *cfg = arg;
	struct chatsrv_server srv = { .cfg = cfg };
	char note[128];
	union addr_any addrs[CHATSRV_MAX_BINDS];
	int rc = 1;

	log_out_set_mode(cfg->json ? OUT_JSON : OUT_TEXT);

	int naddrs = sock_server_addrs(cfg->binds, cfg->nbinds, cfg->family, addrs, note,
					sizeof(note));
	if (note[0])
		log_error("%s", note);
	if (naddrs < 0)
		return 1;

	if (chatsrv_init(&srv) < 0 || chatsrv_init_loop(&srv) < 0) {
		log_error("cannot set up the server: out of memory");
		goto out;
	}
	if (chatsrv_sockets_open(&srv, addrs, naddrs) < 0)
		goto out;
	/* Notices to our own port could bounce between two servers. */
	srcfilter_add_port(&srv.policy, addr_port(&srv.socks[0].addr.sa));
	if (chatsrv_sockets_start(&srv) < 0) {
		log_error("cannot start the event loop's sockets");
		goto out;
	}
	rc = proc_loop(srv.proc) < 0 ? 1 : 0;
out:
	chatsrv_free(&srv);
	return rc;
}

const struct tool chatsrv_tool = {
	TOOL_FIELDS("chat-server", "seed 003's UDP chat server: an address book of users and rooms",
		    chatsrv_usage_text, struct chatsrv_config, chatsrv_parse, chatsrv_run),
};
