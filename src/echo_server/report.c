/* The lines socklab echo-server prints on stdout, text or (--json) JSON
 * Lines; they decide nothing. */
#include "echo_server/server.h"

#include <inttypes.h>
#include <netinet/in.h>
#include <string.h>
#include <time.h>

#include "core/jsontext.h"
#include "core/log.h"

/* The bytes of one message shown in its object: the first of a long one. */
#define REPORT_TEXT_MAX 1024

static bool report_json(void)
{
	return log_out_mode() == OUT_JSON;
}

static json_t *report_new(const char *type, int proto)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return json_pack("{s:s,s:f,s:s}", "type", type, "time",
			 (double)ts.tv_sec + (double)(ts.tv_nsec / 1000) / 1e6, "proto",
			 proto == IPPROTO_TCP ? "tcp" : "udp");
}

static json_t *report_peer(json_t *o, const struct sockaddr *peer)
{
	char ip[INET6_ADDRSTRLEN];

	json_object_set_new(o, "peer", json_string(addr_ip_str(peer, ip, sizeof(ip))));
	json_object_set_new(o, "peer_port", json_integer((json_int_t)addr_port(peer)));
	return o;
}

void echosrv_report_bound(const struct echo_server *srv)
{
	char where[ADDR_STRLEN], ip[INET6_ADDRSTRLEN];

	if (report_json()) {
		json_t *o = report_new("listening", srv->cfg->proto);
		json_object_set_new(o, "addr", json_string(addr_ip_str(&srv->bound.sa, ip, sizeof(ip))));
		json_object_set_new(o, "port", json_integer((json_int_t)addr_port(&srv->bound.sa)));
		log_out_json(o);
		return;
	}
	addr_format(&srv->bound.sa, where, sizeof(where));
	if (srv->cfg->proto == IPPROTO_TCP)
		log_out_line("echo-server: TCP socket bound to %s, listening", where);
	else
		log_out_line("echo-server: UDP socket bound to %s", where);
}

void echosrv_report_accept(const struct sockaddr *peer)
{
	char who[ADDR_STRLEN];

	if (report_json())
		log_out_json(report_peer(report_new("accept", IPPROTO_TCP), peer));
	else
		log_out_line("echo-server: TCP connection from %s", addr_format(peer, who, sizeof(who)));
}

void echosrv_report_end(const struct sockaddr *peer, uint64_t in, uint64_t out, uint64_t msgs,
			double secs, const char *reason)
{
	char who[ADDR_STRLEN];

	if (report_json()) {
		json_t *o = report_peer(report_new("close", IPPROTO_TCP), peer);
		json_object_set_new(o, "bytes_in", json_integer((json_int_t)in));
		json_object_set_new(o, "bytes_out", json_integer((json_int_t)out));
		json_object_set_new(o, "messages", json_integer((json_int_t)msgs));
		json_object_set_new(o, "duration_s", json_real(secs));
		json_object_set_new(o, "reason", json_string(reason));
		log_out_json(o);
		return;
	}
	log_out_line("echo-server: TCP connection from %s ended: in=%" PRIu64 " out=%" PRIu64
		 " secs=%.3f reason=%s", addr_format(peer, who, sizeof(who)), in, out, secs, reason);
}

/* A message's object: its bytes, the first REPORT_TEXT_MAX as text. */
static json_t *report_message(int proto, const struct sockaddr *peer, const void *p, size_t len)
{
	json_t *o = report_peer(report_new("message", proto), peer);

	json_object_set_new(o, "bytes", json_integer((json_int_t)len));
	jsontext_set(o, "text", p, len > REPORT_TEXT_MAX ? REPORT_TEXT_MAX : len);
	if (len > REPORT_TEXT_MAX)
		json_object_set_new(o, "text_cut", json_true());
	return o;
}

void echosrv_report_tcp_message(const struct sockaddr *peer, uint64_t seq, const void *p, size_t len)
{
	json_t *o = report_message(IPPROTO_TCP, peer, p, len);

	json_object_set_new(o, "seq", json_integer((json_int_t)seq));
	log_out_json(o);
}

void echosrv_report_dgram(const struct sockaddr *peer, const void *p, size_t len, const char *what)
{
	char who[ADDR_STRLEN];

	if (report_json()) {
		json_t *o = report_message(IPPROTO_UDP, peer, p, len);
		const char *colon = strstr(what, ": ");
		/* "dropped: why" is "result": "dropped", "reason": "why" */
		json_object_set_new(o, "result", colon ? json_stringn(what, (size_t)(colon - what))
						       : json_string(what));
		if (colon)
			json_object_set_new(o, "reason", json_string(colon + 2));
		log_out_json(o);
		return;
	}
	log_out_line("echo-server: UDP datagram from %s, %zu bytes, %s",
		 addr_format(peer, who, sizeof(who)), len, what);
}

void echosrv_report_suppressed(int proto, uint64_t n)
{
	if (report_json()) {
		json_t *o = report_new("suppressed", proto);
		json_object_set_new(o, "messages", json_integer((json_int_t)n));
		log_out_json(o);
		return;
	}
	log_out_line("echo-server: %" PRIu64 " more UDP datagrams not logged", n);
}

void echosrv_report_stopped(const struct echo_server *srv)
{
	const struct echosrv_stats *st = &srv->stats;

	if (report_json()) {
		json_t *o = report_new("stopped", srv->cfg->proto);
		if (srv->cfg->proto == IPPROTO_TCP) {
			json_object_set_new(o, "connections", json_integer((json_int_t)st->tcp_conns));
		} else {
			json_object_set_new(o, "datagrams_in", json_integer((json_int_t)st->udp_in));
			json_object_set_new(o, "datagrams_out", json_integer((json_int_t)st->udp_out));
			json_object_set_new(o, "dropped", json_integer((json_int_t)st->udp_dropped));
			json_object_set_new(o, "over_budget", json_integer((json_int_t)st->udp_over_budget));
			json_object_set_new(o, "loop", json_integer((json_int_t)st->udp_loop));
		}
		log_out_json(o);
		return;
	}
	if (srv->cfg->proto == IPPROTO_TCP)
		log_out_line("echo-server: stopped; TCP connections=%" PRIu64, st->tcp_conns);
	else
		log_out_line("echo-server: stopped; UDP datagrams in=%" PRIu64 " out=%" PRIu64
			 " dropped=%" PRIu64 " (over budget=%" PRIu64 " loop=%" PRIu64 ")",
			 st->udp_in, st->udp_out, st->udp_dropped, st->udp_over_budget,
			 st->udp_loop);
}
