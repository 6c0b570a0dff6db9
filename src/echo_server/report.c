/* The lines socklab echo-server prints on stdout; they decide nothing. */
#include "echo_server/server.h"

#include <inttypes.h>
#include <netinet/in.h>

#include "core/log.h"

void echosrv_report_bound(const struct echo_server *srv)
{
	char where[ADDR_STRLEN];

	addr_format(&srv->bound.sa, where, sizeof(where));
	if (srv->cfg->proto == IPPROTO_TCP)
		log_out_line("echo-server: TCP socket bound to %s, listening", where);
	else
		log_out_line("echo-server: UDP socket bound to %s", where);
}

void echosrv_report_accept(const struct sockaddr *peer)
{
	char who[ADDR_STRLEN];

	log_out_line("echo-server: TCP connection from %s", addr_format(peer, who, sizeof(who)));
}

void echosrv_report_end(const struct sockaddr *peer, uint64_t in, uint64_t out, double secs,
			    const char *reason)
{
	char who[ADDR_STRLEN];

	log_out_line("echo-server: TCP connection from %s ended: in=%" PRIu64 " out=%" PRIu64
		 " secs=%.3f reason=%s", addr_format(peer, who, sizeof(who)), in, out, secs, reason);
}

void echosrv_report_dgram(const struct sockaddr *peer, size_t len, const char *what)
{
	char who[ADDR_STRLEN];

	log_out_line("echo-server: UDP datagram from %s, %zu bytes, %s",
		 addr_format(peer, who, sizeof(who)), len, what);
}

void echosrv_report_suppressed(uint64_t n)
{
	log_out_line("echo-server: %" PRIu64 " more UDP datagrams not logged", n);
}

void echosrv_report_stopped(const struct echo_server *srv)
{
	const struct echosrv_stats *st = &srv->stats;

	if (srv->cfg->proto == IPPROTO_TCP)
		log_out_line("echo-server: stopped; TCP connections=%" PRIu64, st->tcp_conns);
	else
		log_out_line("echo-server: stopped; UDP datagrams in=%" PRIu64 " out=%" PRIu64
			 " dropped=%" PRIu64 " (over budget=%" PRIu64 " loop=%" PRIu64 ")",
			 st->udp_in, st->udp_out, st->udp_dropped, st->udp_over_budget,
			 st->udp_loop);
}
