/* nc --json's objects, built with jansson and written as JSON Lines on
 * standard error (standard output carries the peer's bytes). */
#include "nc/report.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/addr.h"
#include "core/jsontext.h"

double nc_json_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)(ts.tv_nsec / 1000) / 1e6;
}

/* One line on standard error, at once (a reader follows the events live). */
static void nc_json_emit(json_t *o)
{
	char *s;

	if (!o)
		return;
	s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(16));
	json_decref(o);
	if (!s)
		return;
	fputs(s, stderr);
	fputc('\n', stderr);
	fflush(stderr);
	free(s);
}

static json_t *nc_json_obj(const char *type)
{
	return json_pack("{s:s,s:f}", "type", type, "time", nc_json_now());
}

/* The address as a string; IPv4 that came to a dual-stack socket
 * (::ffff:127.0.0.1) as IPv4, as the peer itself knows it. */
static const char *nc_json_ip(const struct sockaddr *sa, char *buf, size_t n)
{
	const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)sa;

	if (sa->sa_family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&v6->sin6_addr))
		return inet_ntop(AF_INET, &v6->sin6_addr.s6_addr[12], buf, (socklen_t)n) ? buf : "?";
	return addr_ip_str(sa, buf, n);
}

/* o[prefix_addr], o[prefix_port]; nulls when sa is NULL. */
static void nc_json_addr(json_t *o, const char *prefix, const struct sockaddr *sa)
{
	char ip[ADDR_STRLEN], key[32];

	snprintf(key, sizeof(key), "%s_addr", prefix);
	json_object_set_new(o, key, sa ? json_string(nc_json_ip(sa, ip, sizeof(ip))) : json_null());
	snprintf(key, sizeof(key), "%s_port", prefix);
	json_object_set_new(o, key, sa ? json_integer(addr_port(sa)) : json_null());
}

static const char *nc_json_proto(const struct nc_config *cfg)
{
	return cfg->udp ? "udp" : "tcp";
}

void nc_json_listening(const struct nc_config *cfg, const struct sockaddr *local)
{
	json_t *o = nc_json_obj("listening");
	char ip[ADDR_STRLEN];

	if (!o)
		return;
	json_object_set_new(o, "proto", json_string(nc_json_proto(cfg)));
	json_object_set_new(o, "addr", json_string(addr_ip_str(local, ip, sizeof(ip))));
	json_object_set_new(o, "port", json_integer(addr_port(local)));
	nc_json_emit(o);
}

void nc_json_connected(const struct nc_config *cfg, const struct sockaddr *local,
		       const struct sockaddr *peer)
{
	json_t *o = nc_json_obj("connected");

	if (!o)
		return;
	json_object_set_new(o, "proto", json_string(nc_json_proto(cfg)));
	json_object_set_new(o, "role", json_string(cfg->listen ? "listen" : "connect"));
	nc_json_addr(o, "local", local);
	nc_json_addr(o, "peer", peer);
	nc_json_emit(o);
}

void nc_json_peer_changed(const struct sockaddr *peer)
{
	json_t *o = nc_json_obj("peer_changed");

	if (!o)
		return;
	nc_json_addr(o, "peer", peer);
	nc_json_emit(o);
}

void nc_json_unanswered(uint64_t missing, uint64_t sent, uint64_t wait_ms)
{
	json_t *o = nc_json_obj("unanswered");

	if (!o)
		return;
	json_object_set_new(o, "datagrams", json_integer((json_int_t)missing));
	json_object_set_new(o, "datagrams_sent", json_integer((json_int_t)sent));
	json_object_set_new(o, "wait_s", json_real((double)wait_ms / 1000));
	nc_json_emit(o);
}

void nc_json_peer_eof(void)
{
	nc_json_emit(nc_json_obj("peer_eof"));
}

static void nc_json_int(json_t *o, const char *key, uint64_t v)
{
	json_object_set_new(o, key, json_integer((json_int_t)v));
}

void nc_json_session(const struct nc_config *cfg, const struct nc_relay_result *res,
		     struct nc_json_session *s)
{
	json_t *o = nc_json_obj("session");

	if (!o) {
		json_decref(s->tcp_info);
		return;
	}
	json_object_set_new(o, "proto", json_string(nc_json_proto(cfg)));
	json_object_set_new(o, "role", json_string(cfg->listen ? "listen" : "connect"));
	nc_json_addr(o, "local", s->local);
	nc_json_addr(o, "peer", s->peer);
	json_object_set_new(o, "start", json_real(s->start));
	json_object_set_new(o, "duration_s", json_real(s->duration_s));
	nc_json_int(o, "bytes_sent", res->sent);
	nc_json_int(o, "bytes_received", res->received);
	if (cfg->udp) {
		nc_json_int(o, "datagrams_sent", res->dgrams_sent);
		nc_json_int(o, "datagrams_received", res->dgrams_received);
		nc_json_int(o, "datagrams_unanswered", res->dgrams_unanswered);
	}
	json_object_set_new(o, "close", json_string(res->how ? res->how : "stopped"));
	json_object_set_new(o, "reason", jsontext_str(res->why));
	json_object_set_new(o, "local_eof", json_boolean(res->local_eof));
	if (!cfg->udp) {
		json_object_set_new(o, "peer_eof", json_boolean(res->peer_eof));
		nc_json_int(o, "unsent_bytes", nc_hc_unsent_bytes(&res->unsent));
		json_object_set_new(o, "input_not_ended", json_boolean(res->unsent.more));
	}
	json_object_set_new(o, "status", json_integer(res->status));
	if (!cfg->udp)
		json_object_set_new(o, "tcp_info", s->tcp_info ? s->tcp_info : json_null());
	else
		json_decref(s->tcp_info);
	s->tcp_info = NULL;
	nc_json_emit(o);
}

void nc_json_probe(const struct nc_config *cfg, uint16_t port, const char *state,
		   const char *service, const struct sockaddr *addr, const char *reason)
{
	json_t *o = nc_json_obj("probe");
	char ip[ADDR_STRLEN];

	if (!o)
		return;
	json_object_set_new(o, "host", jsontext_str(cfg->host));
	json_object_set_new(o, "addr", addr ? json_string(nc_json_ip(addr, ip, sizeof(ip)))
					    : json_null());
	json_object_set_new(o, "proto", json_string(nc_json_proto(cfg)));
	json_object_set_new(o, "port", json_integer(port));
	json_object_set_new(o, "state", json_string(state));
	json_object_set_new(o, "service", service ? json_string(service) : json_null());
	json_object_set_new(o, "reason", reason ? jsontext_str(reason) : json_null());
	nc_json_emit(o);
}

void nc_json_error(const char *msg)
{
	json_t *o = nc_json_obj("error");

	if (!o)
		return;
	json_object_set_new(o, "message", jsontext_str(msg));
	nc_json_emit(o);
}
