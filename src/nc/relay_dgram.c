/* UDP relay: one datagram per read of standard input, every datagram that
 * arrives written out. UDP never says that a datagram was lost, so nc tells:
 * a datagram sent that got no reply within -w (default 2 s) is reported.
 * With -w, the same timer is the idle timeout: nothing sent or received for
 * that long ends the session, in connect and listen mode alike. */
#include "nc/relay.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <event2/event.h>

#include "core/addr.h"
#include "core/dgram.h"
#include "core/log.h"
#include "core/proc.h"
#include "core/sock.h"
#include "nc/crlf.h"
#include "nc/report.h"


/* The largest UDP payload over IPv4. */
#define UDP_PAYLOAD_MAX 65507
#define UDP_REPLY_WAIT_MS 2000

struct urelay {
	const struct nc_config *cfg;
	struct proc *proc;
	struct event_base *base;
	int net;
	bool connected;          /* the socket has a fixed peer */
	bool have_peer;          /* unconnected: someone sent to us */
	union addr_any peer;
	socklen_t peer_len;
	bool in_eof;
	bool last_cr;            /* -C: the input so far ended in "\r" */
	uint64_t wait_ms;
	uint64_t reported;       /* datagrams already reported unanswered */
	struct event *ev_in, *ev_net, *ev_wait, *ev_quit;
	struct nc_relay_result *res;
	uint8_t buf[DGRAM_MAX];
};

static void urelay_end(struct urelay *u, const char *how, const char *why, int status)
{
	if (!u->res->why) {
		u->res->how = how;
		u->res->why = why;
		u->res->status = status;
	}
	event_base_loopbreak(u->base);
}

static void urelay_arm_wait(struct urelay *u)
{
	struct timeval tv = { (time_t)(u->wait_ms / 1000), (suseconds_t)(u->wait_ms % 1000) * 1000 };

	event_add(u->ev_wait, &tv);
}

static bool urelay_all_answered(const struct urelay *u)
{
	return u->res->dgrams_received >= u->res->dgrams_sent;
}

static void urelay_on_wait(evutil_socket_t fd, short what, void *arg)
{
	struct urelay *u = arg;
	struct nc_relay_result *res = u->res;
	uint64_t missing = res->dgrams_sent > res->dgrams_received + u->reported
				   ? res->dgrams_sent - res->dgrams_received - u->reported
				   : 0;

	if (missing > 0 && u->cfg->json) {
		nc_json_unanswered(missing, res->dgrams_sent, u->wait_ms);
	} else if (missing > 0) {
		log_error("no reply to %llu of %llu datagrams within %.3g s — UDP does not retransmit: "
			  "lost, or the service answers nothing",
			  (unsigned long long)missing, (unsigned long long)res->dgrams_sent,
			  (double)u->wait_ms / 1000);
	}
	u->reported += missing;
	res->dgrams_unanswered += missing;
	if (u->in_eof && !u->cfg->listen) {
		urelay_end(u, "input_ended", "standard input ended", 0);
	} else if (u->cfg->wait_ms) {
		/* UDP has no FIN: idleness is how a session that moved data ends.
		 * One in which nothing ever moved timed out. */
		static char why[80];
		bool moved = res->dgrams_sent + res->dgrams_received > 0;
		double secs = (double)u->cfg->wait_ms / 1000;
		if (moved)
			snprintf(why, sizeof(why), "idle for %.3g s (-w): session over", secs);
		else if (u->cfg->listen)
			snprintf(why, sizeof(why), "timed out: no datagram within %.3g s (-w)", secs);
		else
			snprintf(why, sizeof(why), "timed out: nothing moved for %.3g s (-w)", secs);
		urelay_end(u, moved ? "idle" : "timeout", why, moved ? 0 : 1);
	}
}

static const char *urelay_error(int err)
{
	return err == ECONNREFUSED ? "port unreachable (ICMP): nothing listens there" : strerror(err);
}

static const char *urelay_how(int err)
{
	return err == ECONNREFUSED ? "unreachable" : "error";
}

static void urelay_on_input(evutil_socket_t fd, short what, void *arg)
{
	struct urelay *u = arg;
	/* -C: half a datagram's room, so that every "\n" can become "\r\n" */
	ssize_t n = read(STDIN_FILENO, u->buf, u->cfg->crlf ? UDP_PAYLOAD_MAX / 2 : UDP_PAYLOAD_MAX);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		u->in_eof = true;
		event_del(u->ev_in);
		if (u->cfg->quit_ms >= 0) {
			struct timeval tv = { (time_t)(u->cfg->quit_ms / 1000),
					      (suseconds_t)(u->cfg->quit_ms % 1000) * 1000 };
			event_add(u->ev_quit, &tv);
		} else if (!u->cfg->listen && urelay_all_answered(u)) {
			urelay_end(u, "input_ended", "standard input ended", 0);
		}
		return;
	}
	if (u->cfg->crlf)
		n = (ssize_t)nc_crlf_expand(u->buf, (size_t)n, &u->last_cr);
	ssize_t w = u->connected ? send(u->net, u->buf, (size_t)n, 0)
				 : sendto(u->net, u->buf, (size_t)n, 0, &u->peer.sa, u->peer_len);
	if (w < 0) {
		urelay_end(u, urelay_how(errno), urelay_error(errno), 1);
		return;
	}
	u->res->dgrams_sent++;
	u->res->sent += (uint64_t)w;
	urelay_arm_wait(u);
	if (!sock_fd_pollable(STDIN_FILENO))
		event_active(u->ev_in, EV_READ, 0);
}

/* The sender of a datagram becomes the peer: the first one (then "connected"),
 * or with -k each new one (answers go to the latest sender). */
static void urelay_take_peer(struct urelay *u, const struct sockaddr *from, socklen_t len)
{
	char where[ADDR_STRLEN], here[ADDR_STRLEN] = "?";
	union addr_any local;
	socklen_t local_len = sizeof(local);
	bool first = !u->have_peer;

	if (!first && len == u->peer_len && memcmp(&u->peer, from, len) == 0)
		return;
	memcpy(&u->peer, from, len);
	u->peer_len = len;
	u->have_peer = true;
	if (!u->cfg->keep && connect(u->net, from, len) == 0)
		u->connected = true;
	if (u->cfg->json && first) {
		bool local_ok = getsockname(u->net, &local.sa, &local_len) == 0;
		nc_json_connected(u->cfg, local_ok ? &local.sa : NULL, from);
	} else if (u->cfg->json) {
		nc_json_peer_changed(from);
	} else if (u->cfg->verbose && first) {
		/* After connect() the local address is the one the peer wrote to. */
		if (getsockname(u->net, &local.sa, &local_len) == 0)
			addr_format(&local.sa, here, sizeof(here));
		log_error("connected (udp): local %s, peer %s", here,
			  addr_format(from, where, sizeof(where)));
	} else if (u->cfg->verbose) {
		log_error("datagram from %s: answers go there now",
			  addr_format(from, where, sizeof(where)));
	}
	if (!first)
		return;
	if (sock_fd_pollable(STDIN_FILENO))
		event_add(u->ev_in, NULL);
	else
		event_active(u->ev_in, EV_READ, 0);
}

static void urelay_on_net(evutil_socket_t fd, short what, void *arg)
{
	struct urelay *u = arg;
	union addr_any from;
	socklen_t len = sizeof(from);
	ssize_t n = recvfrom(fd, u->buf, sizeof(u->buf), MSG_DONTWAIT, &from.sa, &len);

	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		urelay_end(u, urelay_how(errno), urelay_error(errno), 1);
		return;
	}
	if (!u->connected && (!u->have_peer || u->cfg->keep))
		urelay_take_peer(u, &from.sa, len);
	if (u->cfg->wait_ms)
		urelay_arm_wait(u); /* -w: the idle timeout starts again */
	u->res->dgrams_received++;
	u->res->received += (uint64_t)n;
	for (ssize_t off = 0; off < n;) {
		ssize_t w = write(STDOUT_FILENO, u->buf + off, (size_t)(n - off));
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			urelay_end(u, "output_closed", "standard output closed", 0);
			return;
		}
		off += w;
	}
	if (u->in_eof && !u->cfg->listen && u->cfg->quit_ms < 0 && urelay_all_answered(u))
		urelay_end(u, "input_ended", "standard input ended; every datagram answered", 0);
}

static void urelay_on_quit(evutil_socket_t fd, short what, void *arg)
{
	urelay_end(arg, "quit", "quit after standard input ended (-q)", 0);
}

/* --json: as the TCP relay, a signal ends the session with its object. */
static void urelay_on_signal(int sig, void *arg)
{
	static char why[48];

	snprintf(why, sizeof(why), "stopped by signal %d (%s)", sig, strsignal(sig));
	urelay_end(arg, "signal", why, 128 + sig);
}

void nc_relay_dgram(const struct nc_config *cfg, int fd, struct nc_relay_result *res)
{
	static struct urelay u; /* 64 KiB buffer: not on the stack */

	memset(res, 0, sizeof(*res));
	memset(&u, 0, sizeof(u));
	u.cfg = cfg;
	u.net = fd;
	u.res = res;
	u.wait_ms = cfg->wait_ms ? cfg->wait_ms : UDP_REPLY_WAIT_MS;
	u.connected = !cfg->listen;
	u.proc = proc_new();
	if (!u.proc) {
		res->why = "out of memory";
		res->how = "error";
		res->status = 1;
		return;
	}
	u.base = proc_base(u.proc);
	sock_set_nonblock(fd, true);
	if (sock_fd_pollable(STDIN_FILENO))
		u.ev_in = event_new(u.base, STDIN_FILENO, EV_READ | EV_PERSIST, urelay_on_input, &u);
	else
		u.ev_in = event_new(u.base, -1, 0, urelay_on_input, &u);
	u.ev_net = event_new(u.base, fd, EV_READ | EV_PERSIST, urelay_on_net, &u);
	u.ev_wait = evtimer_new(u.base, urelay_on_wait, &u);
	u.ev_quit = evtimer_new(u.base, urelay_on_quit, &u);
	event_add(u.ev_net, NULL);
	if (cfg->json && proc_on_signals(u.proc, nc_relay_signals, 3, urelay_on_signal, &u) == 0)
		nc_relay_block_signals(false); /* caught by the loop from now on */
	if (cfg->wait_ms)
		urelay_arm_wait(&u); /* -w is the idle timeout from the start */
	if (!cfg->listen) {
		if (sock_fd_pollable(STDIN_FILENO))
			event_add(u.ev_in, NULL);
		else
			event_active(u.ev_in, EV_READ, 0);
	}
	proc_loop(u.proc);
	if (cfg->json)
		nc_relay_block_signals(true); /* pending until the object is out */
	if (!res->why) {
		res->why = "stopped";
		res->how = "stopped";
		res->status = 1;
	}
	res->local_eof = u.in_eof;
	res->have_peer = u.have_peer;
	if (u.have_peer)
		res->peer = u.peer;
	event_free(u.ev_in);
	event_free(u.ev_net);
	event_free(u.ev_wait);
	event_free(u.ev_quit);
	proc_free(u.proc);
}
