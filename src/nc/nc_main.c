/* socklab nc: parse, then connect or listen, then relay until the session
 * ends; -v tells the addresses and how it ended, --json the same and more
 * as JSON Lines (nc/report.c). */
#include "nc/nc.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/addr.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/sock.h"
#include "nc/options.h"
#include "nc/relay.h"
#include "nc/report.h"
#include "nc/sockets.h"
#include "nc/tcpinfo.h"
#include "nc/zero.h"

static void nc_report_end(const struct nc_config *cfg, const struct nc_relay_result *res)
{
	char unsent[128];

	nc_hc_unsent_format(&res->unsent, unsent, sizeof(unsent));
	if (res->status != 0 || cfg->verbose)
		log_error("%s%s%s", res->why, unsent[0] ? "; " : "", unsent);
	if (cfg->verbose) {
		if (cfg->udp)
			log_error("sent %llu datagrams (%llu bytes), received %llu (%llu bytes)",
				  (unsigned long long)res->dgrams_sent, (unsigned long long)res->sent,
				  (unsigned long long)res->dgrams_received,
				  (unsigned long long)res->received);
		else
			log_error("sent %llu bytes, received %llu bytes", (unsigned long long)res->sent,
				  (unsigned long long)res->received);
	}
}

/* A failure before any session: a line of text, or with --json an object. */
static void nc_fail(const struct nc_config *cfg, const char *msg)
{
	if (cfg->json)
		nc_json_error(msg);
	else
		log_error("%s", msg);
}

/* The ends of fd now; a NULL pointer for an end not known. */
static void nc_ends(int fd, union addr_any *local, const struct sockaddr **lp, union addr_any *peer,
		    const struct sockaddr **pp)
{
	socklen_t ll = sizeof(*local), pl = sizeof(*peer);

	*lp = getsockname(fd, &local->sa, &ll) == 0 ? &local->sa : NULL;
	*pp = getpeername(fd, &peer->sa, &pl) == 0 ? &peer->sa : NULL;
}

static int nc_session(const struct nc_config *cfg, int fd)
{
	struct nc_relay_result res;
	struct nc_json_session js = { .start = nc_json_now() };
	uint64_t t0 = clock_mono_us();
	char desc[2 * ADDR_STRLEN + 32];
	union addr_any local, peer;
	/* A UDP listener has no peer yet: nc_relay_dgram tells when one writes. */
	bool has_peer = !(cfg->udp && cfg->listen);

	/* A signal from the "connected" line on is the relay's (nc_relay_signals). */
	if (cfg->json)
		nc_relay_block_signals(true);
	/* The ends now: after a reset the socket has no peer to ask about. */
	nc_ends(fd, &local, &js.local, &peer, &js.peer);
	if (cfg->json && has_peer)
		nc_json_connected(cfg, js.local, js.peer);
	else if (cfg->verbose && has_peer) {
		nc_describe(fd, desc, sizeof(desc));
		log_error("connected (%s): %s", cfg->udp ? "udp" : "tcp", desc);
	}
	if (cfg->udp)
		nc_relay_dgram(cfg, fd, &res);
	else
		nc_relay_stream(cfg, fd, &res);
	if (!cfg->json) {
		nc_report_end(cfg, &res);
		return res.status;
	}
	js.duration_s = (double)(clock_mono_us() - t0) / 1e6;
	if (!has_peer) {
		/* The UDP listener's peer is whoever wrote (last, with -k). */
		socklen_t ll = sizeof(local);
		js.peer = res.have_peer ? &res.peer.sa : NULL;
		js.local = getsockname(fd, &local.sa, &ll) == 0 ? &local.sa : NULL;
	}
	/* TCP_INFO before the caller closes the socket. */
	js.tcp_info = cfg->udp ? NULL : nc_tcpinfo_json(fd);
	nc_json_session(cfg, &res, &js);
	nc_relay_block_signals(false); /* one that came after the loop: its own action */
	return res.status;
}

static int nc_run_listen(const struct nc_config *cfg)
{
	char err[NC_ERR_MAX], where[ADDR_STRLEN];
	union addr_any local;
	socklen_t len = sizeof(local);
	int lfd = nc_listen(cfg, err, sizeof(err));
	int status = 0;

	if (lfd < 0) {
		nc_fail(cfg, err);
		return 1;
	}
	if (cfg->json && getsockname(lfd, &local.sa, &len) == 0)
		nc_json_listening(cfg, &local.sa);
	else if (cfg->verbose && getsockname(lfd, &local.sa, &len) == 0)
		log_error("listening on %s (%s)", addr_format(&local.sa, where, sizeof(where)),
			  cfg->udp ? "udp" : "tcp");
	if (cfg->udp) {
		status = nc_session(cfg, lfd);
		close(lfd);
		return status;
	}
	do {
		union addr_any peer;
		socklen_t pl = sizeof(peer);
		int fd = accept4(lfd, &peer.sa, &pl, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			snprintf(err, sizeof(err), "accept: %s", strerror(errno));
			nc_fail(cfg, err);
			status = 1;
			break;
		}
		if (cfg->nodelay)
			sock_set_nodelay(fd, true);
		status = nc_session(cfg, fd);
		close(fd);
	} while (cfg->keep);
	close(lfd);
	return status;
}

static int nc_run_connect(const struct nc_config *cfg)
{
	char err[NC_ERR_MAX];
	int fd = nc_connect(cfg, cfg->port_lo, err, sizeof(err));

	if (fd < 0) {
		nc_fail(cfg, err);
		return 1;
	}
	int status = nc_session(cfg, fd);
	close(fd);
	return status;
}

static enum tool_args nc_parse(int argc, char **argv, void *cfg, char *err, size_t errlen)
{
	nc_config_defaults(cfg);
	return nc_parse_args(argc, argv, cfg, err, errlen);
}

static int nc_run(void *arg)
{
	const struct nc_config *cfg = arg;

	if (cfg->zero)
		return nc_zero(cfg);
	return cfg->listen ? nc_run_listen(cfg) : nc_run_connect(cfg);
}

const struct tool nc_tool = {
	TOOL_FIELDS("nc", "netcat for the lab: connect or listen, TCP or UDP, stdin to socket to stdout",
		    nc_usage_text, struct nc_config, nc_parse, nc_run),
};
