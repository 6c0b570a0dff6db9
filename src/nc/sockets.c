/* Connecting and listening for socklab nc. */
#include "nc/sockets.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/log.h"
#include "core/resolve.h"
#include "core/sock.h"

static int nc_socktype(const struct nc_config *cfg)
{
	return cfg->udp ? SOCK_DGRAM : SOCK_STREAM;
}

/* -M: the TTL (IPv4) or hop limit (IPv6) of what we send. An IPv6 socket
 * may carry IPv4 too (a :: listener, mapped addresses): it gets both. */
static int nc_set_ttl(int fd, int family, int ttl)
{
	if (ttl <= 0)
		return 0;
	if (family == AF_INET6) {
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof(ttl)) < 0)
			return -1;
		setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)); /* best effort */
		return 0;
	}
	return setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl));
}

/* Options that must be set before connect() or listen(). */
static int nc_apply_options(const struct nc_config *cfg, int fd, int family)
{
	if (nc_set_ttl(fd, family, cfg->ttl) < 0)
		return -1;
	if (cfg->reuseaddr && sock_set_reuseaddr(fd, true) < 0)
		return -1;
	if (sock_set_sndbuf(fd, (int)cfg->sndbuf) < 0 || sock_set_rcvbuf(fd, (int)cfg->rcvbuf) < 0)
		return -1;
	if (!cfg->udp && (sock_set_mss(fd, (int)cfg->mss) < 0 ||
			  (cfg->nodelay && sock_set_nodelay(fd, true) < 0)))
		return -1;
	return 0;
}

/* -s ADDR and -p PORT: bind the local end, in the family of the target. */
static int nc_bind_local(const struct nc_config *cfg, int fd, int family, char *err, size_t errlen)
{
	struct addrinfo *ai;
	const char *why;

	char port[8];

	if (!cfg->source && !cfg->src_port)
		return 0;
	snprintf(port, sizeof(port), "%u", (unsigned)cfg->src_port);
	if (resolve(cfg->source, port, family,
		    nc_socktype(cfg), RESOLVE_PASSIVE | (cfg->numeric ? RESOLVE_NUMERIC : 0), &ai,
		    &why) < 0) {
		snprintf(err, errlen, "cannot use local address %s port %s: %s",
			 cfg->source ? cfg->source : "*", cfg->source_port ? cfg->source_port : "*", why);
		return -1;
	}
	int rc = bind(fd, ai->ai_addr, ai->ai_addrlen);
	if (rc < 0) {
		char where[ADDR_STRLEN];
		snprintf(err, errlen, "cannot bind local address %s: %s%s",
			 addr_format(ai->ai_addr, where, sizeof(where)), strerror(errno),
			 errno == EADDRINUSE && !cfg->reuseaddr ? " — try --reuseaddr" : "");
	}
	freeaddrinfo(ai);
	return rc;
}

int nc_connect(const struct nc_config *cfg, uint16_t portnum, char *err, size_t errlen)
{
	struct addrinfo *res, *ai;
	const char *why;
	const char *proto = cfg->udp ? "udp" : "tcp";
	char port[8];
	int fd = -1;

	snprintf(port, sizeof(port), "%u", (unsigned)portnum);
	if (resolve(cfg->host, port, cfg->family, nc_socktype(cfg),
		    cfg->numeric ? RESOLVE_NUMERIC : 0, &res, &why) < 0) {
		snprintf(err, errlen, "cannot resolve %s port %s: %s", cfg->host, port, why);
		return -1;
	}
	snprintf(err, errlen, "no address for %s", cfg->host);
	for (ai = res; ai; ai = ai->ai_next) {
		char where[ADDR_STRLEN];
		addr_format(ai->ai_addr, where, sizeof(where));
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0) {
			snprintf(err, errlen, "cannot open a %s socket for %s: %s", proto, where,
				 strerror(errno));
			continue;
		}
		if (nc_apply_options(cfg, fd, ai->ai_family) < 0) {
			snprintf(err, errlen, "cannot set socket options: %s", strerror(errno));
			goto next;
		}
		if (nc_bind_local(cfg, fd, ai->ai_family, err, errlen) < 0)
			goto next;
		if (sock_connect_wait(fd, ai->ai_addr, ai->ai_addrlen, (int)cfg->wait_ms) == 0)
			break;
		if (errno == ETIMEDOUT && cfg->wait_ms)
			snprintf(err, errlen, "connection to %s port %s (%s) failed: timed out after %.3g s",
				 cfg->host, port, proto, (double)cfg->wait_ms / 1000);
		else
			snprintf(err, errlen, "connection to %s port %s (%s) failed: %s", cfg->host, port,
				 proto, strerror(errno));
		if (cfg->verbose && !cfg->json && ai->ai_next)
			log_error("%s (%s); trying the next address", err, where);
next:
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

int nc_listen(const struct nc_config *cfg, char *err, size_t errlen)
{
	struct addrinfo *res, *ai;
	const char *why;
	char port[8];
	int fd = -1;

	snprintf(port, sizeof(port), "%u", (unsigned)cfg->port_lo);
	if (resolve(cfg->host, port, cfg->family == AF_UNSPEC && !cfg->host ? AF_INET6 : cfg->family,
		    nc_socktype(cfg), RESOLVE_PASSIVE | (cfg->numeric ? RESOLVE_NUMERIC : 0), &res,
		    &why) < 0) {
		snprintf(err, errlen, "cannot listen on %s port %s: %s", cfg->host ? cfg->host : "*",
			 port, why);
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		char where[ADDR_STRLEN];
		addr_format(ai->ai_addr, where, sizeof(where));
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0) {
			snprintf(err, errlen, "cannot open a socket for %s: %s", where, strerror(errno));
			continue;
		}
		/* Without -4/-6 or an address, one socket on :: takes IPv4 too. */
		if (ai->ai_family == AF_INET6)
			sock_set_v6only(fd, cfg->family == AF_INET6 || cfg->host);
		if (!cfg->udp)
			sock_set_reuseaddr(fd, true); /* a listener restarts at once */
		if (nc_apply_options(cfg, fd, ai->ai_family) == 0 && bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    (cfg->udp || listen(fd, 16) == 0))
			break;
		snprintf(err, errlen, "cannot listen on %s (%s): %s", where, cfg->udp ? "udp" : "tcp",
			 strerror(errno));
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

void nc_describe(int fd, char *buf, size_t n)
{
	union addr_any local, peer;
	socklen_t ll = sizeof(local), pl = sizeof(peer);
	char l[ADDR_STRLEN], p[ADDR_STRLEN];

	if (getsockname(fd, &local.sa, &ll) < 0)
		snprintf(l, sizeof(l), "?");
	else
		addr_format(&local.sa, l, sizeof(l));
	if (getpeername(fd, &peer.sa, &pl) < 0)
		snprintf(p, sizeof(p), "?");
	else
		addr_format(&peer.sa, p, sizeof(p));
	snprintf(buf, n, "local %s, peer %s", l, p);
}
