/* Zero-I/O probes. */
#include "nc/zero.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/log.h"
#include "nc/report.h"
#include "nc/sockets.h"

#define ZERO_UDP_WAIT_MS 1000

/* The name of port in /etc/services, or NULL. */
static const char *zero_service_name(uint16_t port, bool udp)
{
	struct servent *se = getservbyport(htons(port), udp ? "udp" : "tcp");

	return se ? se->s_name : NULL;
}

static const char *zero_service(uint16_t port, bool udp)
{
	const char *name = zero_service_name(port, udp);

	return name ? name : "*";
}

/* 1 open, 0 closed, -1 no answer (UDP: open|filtered). */
static int zero_probe_udp(int fd, const struct nc_config *cfg)
{
	char b;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int wait = cfg->wait_ms ? (int)cfg->wait_ms : ZERO_UDP_WAIT_MS;

	if (send(fd, "", 0, 0) < 0)
		return errno == ECONNREFUSED ? 0 : -1;
	int n = poll(&p, 1, wait);
	if (n <= 0)
		return -1;
	if (recv(fd, &b, 1, MSG_DONTWAIT) < 0 && errno == ECONNREFUSED)
		return 0;
	return 1;
}

/* --json: one object per port, open or not. */
static void zero_json(const struct nc_config *cfg, uint16_t port, int fd, int state, const char *err)
{
	static const char *const names[] = { "open|filtered", "closed", "open" };
	union addr_any peer;
	socklen_t pl = sizeof(peer);
	bool have_peer = fd >= 0 && getpeername(fd, &peer.sa, &pl) == 0;
	const char *reason = NULL;

	if (state == 0)
		reason = cfg->udp && fd >= 0 ? "port unreachable (ICMP)" : err;
	else if (state == -1)
		reason = "no answer: UDP cannot tell an open port from a filtered one";
	nc_json_probe(cfg, port, names[state + 1], zero_service_name(port, cfg->udp),
		      have_peer ? &peer.sa : NULL, reason);
}

int nc_zero(const struct nc_config *cfg)
{
	char err[NC_ERR_MAX];
	const char *proto = cfg->udp ? "udp" : "tcp";
	int status = 1;

	for (uint32_t p = cfg->port_lo; p <= cfg->port_hi; p++) {
		int fd = nc_connect(cfg, (uint16_t)p, err, sizeof(err));
		int state = fd < 0 ? 0 : 1;
		if (fd >= 0 && cfg->udp)
			state = zero_probe_udp(fd, cfg);
		if (fd < 0 && strstr(err, "resolve")) {
			if (cfg->json)
				nc_json_error(err);
			else
				log_error("%s", err);
			return 1;
		}
		if (state != 0)
			status = 0;
		if (cfg->json)
			zero_json(cfg, (uint16_t)p, fd, state, err);
		if (fd >= 0)
			close(fd);
		if (cfg->json || (state == 0 && !cfg->verbose))
			continue;
		const char *svc = zero_service((uint16_t)p, cfg->udp);
		if (state == 1)
			fprintf(stderr, "Connection to %s %u port [%s/%s] succeeded!\n", cfg->host, p,
				proto, svc);
		else if (state == -1)
			fprintf(stderr, "%s %u port [%s/%s] open|filtered: no answer, and UDP cannot "
				"tell an open port from a filtered one\n", cfg->host, p, proto, svc);
		else if (cfg->udp && fd >= 0)
			/* The socket was fine: the ICMP error is the answer. */
			fprintf(stderr, "%s %u port [%s/%s] closed: port unreachable (ICMP)\n", cfg->host,
				p, proto, svc);
		else
			fprintf(stderr, "socklab nc: %s\n", err);
	}
	return status;
}
