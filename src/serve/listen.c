/* Listener set-up. A service on port 0 gets one ephemeral number that is
 * then used for every address and both protocols; if that number is taken
 * on one of them, the whole service is retried with a new number. */
#include "serve/listen.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "core/sock.h"
#include "serve/offsethint.h"
#include "serve/report.h"
#include "serve/tcp.h"
#include "serve/udp.h"

#define LISTEN_EPHEMERAL_TRIES 32

/* What to do about err, in hint (" — ..."), for the listener l that failed.
 * For a taken or privileged port the hint names an offset that is free now,
 * never the one that just failed. */
static void listen_hint(const struct server *srv, const union addr_any *addrs, unsigned naddrs,
			const struct listener *l, int err, char *hint, size_t len)
{
	const struct serve_config *cfg = srv->cfg;
	uint32_t off;

	hint[0] = '\0';
	switch (err) {
	case EACCES:
	case EADDRINUSE: {
		const char *why = err == EACCES ? "ports below 1024 need root"
						: "another program has that port";
		if (cfg->port_set[l->svc] >= 0)
			snprintf(hint, len, " — %s; try --service %s=0 (any free port)", why,
				 serve_service_name(l->svc));
		else if (serve_offsethint_find_free(cfg, addrs, naddrs, &off))
			snprintf(hint, len, " — %s; try --port-offset %u (its ports are free now)", why,
				 off);
		else
			snprintf(hint, len, " — %s (socklab sockets --port %u shows which)", why,
				 addr_port(&l->addr.sa));
		break;
	}
	case EADDRNOTAVAIL:
		snprintf(hint, len, " — not an address of this host");
		break;
	case EAFNOSUPPORT:
		snprintf(hint, len, " — IPv6 is off on this host; try -4");
		break;
	default:
		break;
	}
}

static int listen_bind_one(struct listener *l)
{
	socklen_t len = addr_len(&l->addr.sa);

	l->fd = l->proto == IPPROTO_TCP ? sock_listen_tcp(&l->addr.sa, len, SOCK_BACKLOG)
					: sock_bind_udp(&l->addr.sa, len);
	if (l->fd < 0)
		return -1;
	len = sizeof(l->addr);
	sock_local_addr(l->fd, &l->addr.sa, &len);
	return 0;
}

static void listen_report_error(const struct server *srv, const union addr_any *addrs,
				unsigned naddrs, const struct listener *l, int err)
{
	char where[ADDR_STRLEN];
	char hint[160];

	listen_hint(srv, addrs, naddrs, l, err, hint, sizeof(hint));
	log_error("cannot bind %s %s (%s): %s%s", l->proto == IPPROTO_TCP ? "tcp" : "udp",
		  addr_format(&l->addr.sa, where, sizeof(where)), serve_service_name(l->svc), strerror(err),
		  hint);
}

static void listen_close_range(struct listener *ls, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		if (ls[i].fd >= 0)
			close(ls[i].fd);
		ls[i].fd = -1;
	}
}

/* Binds the listeners ls[from..to) of one service to port. Returns 0, or -1
 * with errno and *failed set to the listener that failed. */
static int listen_bind_service(struct listener *ls, size_t from, size_t to, uint16_t port,
			       size_t *failed)
{
	for (size_t i = from; i < to; i++) {
		addr_set_port(&ls[i].addr.sa, port);
		if (listen_bind_one(&ls[i]) < 0) {
			int err = errno;
			*failed = i;
			listen_close_range(ls, from, i);
			addr_set_port(&ls[i].addr.sa, port);
			errno = err;
			return -1;
		}
		if (port == 0)
			port = addr_port(&ls[i].addr.sa);
	}
	return 0;
}

int serve_listeners_open(struct server *srv, const union addr_any *addrs, unsigned naddrs)
{
	const struct serve_config *cfg = srv->cfg;
	size_t max = (size_t)SVC_COUNT * naddrs * 2;
	struct listener *ls = calloc(max, sizeof(*ls));
	size_t n = 0;
	char err[SERVE_ERR_MAX];

	if (!ls) {
		log_error("out of memory");
		return -1;
	}
	srv->listeners = ls;
	for (int s = 0; s < SVC_COUNT; s++) {
		uint16_t port;
		size_t from = n, failed = 0;

		if (!serve_config_enabled(cfg, s))
			continue;
		if (serve_config_port(cfg, s, &port, err, sizeof(err)) < 0) {
			log_error("%s", err);
			goto fail;
		}
		for (unsigned a = 0; a < naddrs; a++) {
			for (int p = 0; p < 2; p++) {
				int proto = p == 0 ? IPPROTO_TCP : IPPROTO_UDP;
				if ((proto == IPPROTO_TCP && !cfg->tcp) || (proto == IPPROTO_UDP && !cfg->udp))
					continue;
				ls[n] = (struct listener){ .srv = srv, .svc = s, .proto = proto, .fd = -1 };
				addr_copy(&ls[n].addr, &addrs[a].sa);
				n++;
			}
		}
		srv->nlisteners = n;
		int rc = -1;
		for (int tries = 0; rc < 0 && tries < (port == 0 ? LISTEN_EPHEMERAL_TRIES : 1); tries++) {
			rc = listen_bind_service(ls, from, n, port, &failed);
			if (rc < 0 && !(port == 0 && errno == EADDRINUSE && failed > from))
				break;
		}
		if (rc < 0) {
			int bind_errno = errno;
			/* The hint binds test sockets: free what this run holds first. */
			listen_close_range(ls, 0, n);
			listen_report_error(srv, addrs, naddrs, &ls[failed], bind_errno);
			goto fail;
		}
	}
	return 0;
fail:
	serve_listeners_close(srv);
	return -1;
}

int serve_listeners_start(struct server *srv)
{
	for (size_t i = 0; i < srv->nlisteners; i++) {
		struct listener *l = &srv->listeners[i];
		if (l->proto == IPPROTO_TCP) {
			/* Backlog 0: the socket already listens with SOCK_BACKLOG;
			 * -1 would make libevent call listen(fd, 128) again. */
			l->tcp = evconnlistener_new(srv->base, serve_tcp_on_accept, l,
						    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 0, l->fd);
			if (!l->tcp)
				goto fail;
			evconnlistener_set_error_cb(l->tcp, serve_tcp_on_accept_error);
		} else {
			l->udp = event_new(srv->base, l->fd, EV_READ | EV_PERSIST, serve_udp_on_readable, l);
			if (!l->udp || event_add(l->udp, NULL) < 0)
				goto fail;
		}
	}
	for (size_t i = 0; i < srv->nlisteners; i++)
		serve_report_listening(&srv->listeners[i]);
	serve_report_ready(srv->nlisteners);
	return 0;
fail:
	log_error("cannot start the event loop's listeners");
	return -1;
}

void serve_listeners_close(struct server *srv)
{
	for (size_t i = 0; i < srv->nlisteners; i++) {
		struct listener *l = &srv->listeners[i];
		if (l->tcp) {
			evconnlistener_free(l->tcp); /* closes the fd */
			l->tcp = NULL;
			l->fd = -1;
		}
		if (l->udp) {
			event_free(l->udp);
			l->udp = NULL;
		}
		if (l->fd >= 0)
			close(l->fd);
		l->fd = -1;
	}
	free(srv->listeners);
	srv->listeners = NULL;
	srv->nlisteners = 0;
}
