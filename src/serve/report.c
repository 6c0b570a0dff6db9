/* Printers for the lab server's events; they read values, decide nothing. */
#include "serve/report.h"

#include <arpa/inet.h>
#include <inttypes.h>

#include "core/jsontext.h"
#include "core/log.h"

static const char *report_proto(int proto)
{
	return proto == IPPROTO_UDP ? "udp" : "tcp";
}

/* {"event":E,"service":S,"proto":P,"peer":ADDR,"peer_port":N} */
static json_t *report_peer_json(const char *event, enum service_id svc, const char *proto,
				const struct sockaddr *peer)
{
	char ip[INET6_ADDRSTRLEN];

	return json_pack("{s:s,s:s,s:s,s:s,s:I}", "event", event, "service", serve_service_name(svc),
			 "proto", proto, "peer", addr_ip_str(peer, ip, sizeof(ip)), "peer_port",
			 (json_int_t)addr_port(peer));
}

/* The same with "bytes_in" and "bytes_out". */
static json_t *report_bytes_json(const char *event, enum service_id svc, const char *proto,
				 const struct sockaddr *peer, uint64_t in, uint64_t out)
{
	json_t *o = report_peer_json(event, svc, proto, peer);

	json_object_set_new(o, "bytes_in", json_integer((json_int_t)in));
	json_object_set_new(o, "bytes_out", json_integer((json_int_t)out));
	return o;
}

void serve_report_listening(const struct listener *l)
{
	char ip[INET6_ADDRSTRLEN], full[ADDR_STRLEN];

	if (log_out_mode() == OUT_JSON)
		log_out_json(json_pack("{s:s,s:s,s:s,s:s,s:I}", "event", "listening", "service",
				   serve_service_name(l->svc), "proto", report_proto(l->proto), "addr",
				   addr_ip_str(&l->addr.sa, ip, sizeof(ip)), "port",
				   (json_int_t)addr_port(&l->addr.sa)));
	else
		log_out_line("listening %s %s %s", serve_service_name(l->svc), report_proto(l->proto),
			 addr_format(&l->addr.sa, full, sizeof(full)));
}

void serve_report_ready(size_t nlisteners)
{
	if (log_out_mode() == OUT_JSON)
		log_out_json(json_pack("{s:s,s:I}", "event", "ready", "listeners", (json_int_t)nlisteners));
	else
		log_out_line("ready %zu listeners", nlisteners);
}

void serve_report_start(enum service_id svc, const struct sockaddr *peer)
{
	char full[ADDR_STRLEN];

	if (log_out_mode() == OUT_JSON)
		log_out_json(report_peer_json("start", svc, "tcp", peer));
	else
		log_out_line("start %s tcp %s", serve_service_name(svc), addr_format(peer, full, sizeof(full)));
}

void serve_report_end(enum service_id svc, const struct sockaddr *peer, uint64_t in, uint64_t out,
		double secs, const char *reason)
{
	char full[ADDR_STRLEN];

	if (log_out_mode() == OUT_JSON) {
		json_t *o = report_bytes_json("end", svc, "tcp", peer, in, out);
		json_object_set_new(o, "secs", json_real(secs));
		json_object_set_new(o, "reason", json_string(reason));
		log_out_json(o);
	} else {
		log_out_line("end %s tcp %s in=%" PRIu64 " out=%" PRIu64 " secs=%.3f reason=%s",
			 serve_service_name(svc), addr_format(peer, full, sizeof(full)), in, out, secs, reason);
	}
}

/* "EVENT SERVICE PROTO PEER reason=WHY", or its JSON object. */
static void report_reason(const char *event, enum service_id svc, const char *proto,
			  const struct sockaddr *peer, const char *reason)
{
	char full[ADDR_STRLEN];

	if (log_out_mode() == OUT_JSON) {
		json_t *o = report_peer_json(event, svc, proto, peer);
		json_object_set_new(o, "reason", json_string(reason));
		log_out_json(o);
	} else {
		log_out_line("%s %s %s %s reason=%s", event, serve_service_name(svc), proto,
			 addr_format(peer, full, sizeof(full)), reason);
	}
}

void serve_report_refused(enum service_id svc, const struct sockaddr *peer, const char *reason)
{
	report_reason("refused", svc, "tcp", peer, reason);
}

void serve_report_dgram(enum service_id svc, const struct sockaddr *peer, uint64_t in, uint64_t out)
{
	char full[ADDR_STRLEN];

	if (log_out_mode() == OUT_JSON) {
		json_t *o = report_bytes_json("dgram", svc, "udp", peer, in, out);
		log_out_json(o);
	} else {
		log_out_line("dgram %s udp %s in=%" PRIu64 " out=%" PRIu64, serve_service_name(svc),
			 addr_format(peer, full, sizeof(full)), in, out);
	}
}

void serve_report_drop(enum service_id svc, const struct sockaddr *peer, const char *reason)
{
	report_reason("drop", svc, "udp", peer, reason);
}

void serve_report_suppressed(const char *what, uint64_t n)
{
	if (log_out_mode() == OUT_JSON)
		log_out_json(json_pack("{s:s,s:s,s:I}", "event", "suppressed", "what", what, "count",
				   (json_int_t)n));
	else
		log_out_line("suppressed %" PRIu64 " %s lines", n, what);
}

void serve_report_quotes(const char *file, size_t n)
{
	if (log_out_mode() == OUT_JSON)
		/* A file name is any bytes: the one JSON form (core/jsontext). */
		log_out_json(json_pack("{s:s,s:o,s:I}", "event", "quotes", "file", jsontext_str(file),
				   "count", (json_int_t)n));
	else
		log_out_line("quotes %zu from %s", n, file);
}

void serve_report_stopped(const struct serve_stats *st)
{
	if (log_out_mode() == OUT_JSON) {
		json_t *o = json_pack("{s:s,s:I,s:I,s:I,s:I,s:I}", "event", "stopped", "tcp",
				      (json_int_t)st->tcp_conns, "tcp_refused", (json_int_t)st->tcp_refused,
				      "udp_in", (json_int_t)st->udp_in, "udp_out", (json_int_t)st->udp_out,
				      "udp_dropped", (json_int_t)st->udp_dropped);
		/* the UDP answer budget's share of the drops, and the shortened answers */
		json_object_set_new(o, "udp_over_budget", json_integer((json_int_t)st->udp_over_budget));
		json_object_set_new(o, "udp_loop", json_integer((json_int_t)st->udp_loop));
		json_object_set_new(o, "udp_peer_rate", json_integer((json_int_t)st->udp_peer_rate));
		json_object_set_new(o, "udp_shortened", json_integer((json_int_t)st->udp_shortened));
		log_out_json(o);
	} else {
		log_out_line("stopped tcp=%" PRIu64 " tcp_refused=%" PRIu64 " udp_in=%" PRIu64
			 " udp_out=%" PRIu64 " udp_dropped=%" PRIu64 " udp_over_budget=%" PRIu64
			 " udp_loop=%" PRIu64 " udp_peer_rate=%" PRIu64 " udp_shortened=%" PRIu64,
			 st->tcp_conns, st->tcp_refused, st->udp_in, st->udp_out, st->udp_dropped,
			 st->udp_over_budget, st->udp_loop, st->udp_peer_rate, st->udp_shortened);
	}
}
