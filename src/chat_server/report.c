/* Printers for the chat server's events, text or JSON Lines (jansson). */
#include "chat_server/report.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <string.h>

#include "core/jsontext.h"
#include "core/log.h"
#include "core/textesc.h"

static json_t *report_peer(json_t *o, const struct sockaddr *peer)
{
	char ip[INET6_ADDRSTRLEN];

	json_object_set_new(o, "peer", json_string(addr_ip_str(peer, ip, sizeof(ip))));
	json_object_set_new(o, "peer_port", json_integer((json_int_t)addr_port(peer)));
	return o;
}

/* A JSON string of a client's bytes, which may not be UTF-8, in the one
 * form (core/jsontext). */
static json_t *report_text(const char *s, size_t n)
{
	return jsontext_bytes(s, n > CHAT_LINE_MAX ? CHAT_LINE_MAX : n);
}

void chatsrv_report_listening(const struct sockaddr *addr)
{
	char ip[INET6_ADDRSTRLEN], full[ADDR_STRLEN];

	if (log_out_mode() == OUT_JSON)
		log_out_json(json_pack("{s:s,s:s,s:s,s:I}", "event", "listening", "proto", "udp", "addr",
				   addr_ip_str(addr, ip, sizeof(ip)), "port",
				   (json_int_t)addr_port(addr)));
	else
		log_out_line("listening udp %s", addr_format(addr, full, sizeof(full)));
}

void chatsrv_report_ready(unsigned nsockets)
{
	if (log_out_mode() == OUT_JSON)
		log_out_json(json_pack("{s:s,s:I}", "event", "ready", "sockets", (json_int_t)nsockets));
	else
		log_out_line("ready");
}

void chatsrv_report_register(const struct chatsrv_user *u)
{
	char full[ADDR_STRLEN];

	if (log_out_mode() == OUT_JSON)
		log_out_json(report_peer(json_pack("{s:s,s:s#}", "event", "register", "user", u->name,
					       (int)u->name_len),
				     &u->addr.sa));
	else
		log_out_line("register %s %s", u->name, addr_format(&u->addr.sa, full, sizeof(full)));
}

void chatsrv_report_unregister(const struct chatsrv_user *u, const char *reason)
{
	char full[ADDR_STRLEN];

	if (log_out_mode() == OUT_JSON) {
		json_t *o = json_pack("{s:s,s:s#,s:s}", "event", "unregister", "user", u->name,
				      (int)u->name_len, "reason", reason);
		log_out_json(report_peer(o, &u->addr.sa));
	} else {
		log_out_line("unregister %s %s reason=%s", u->name,
			 addr_format(&u->addr.sa, full, sizeof(full)), reason);
	}
}

static const char *const report_room_names[] = {
	[CHATSRV_EV_CREATE] = "create",
	[CHATSRV_EV_JOIN] = "join",
	[CHATSRV_EV_LEAVE] = "leave",
	[CHATSRV_EV_KICK] = "kick",
	[CHATSRV_EV_REMOVE] = "remove",
};

void chatsrv_report_room(const struct chatsrv_event *ev)
{
	const char *what = report_room_names[ev->kind];
	int rl = (int)ev->room_len;

	if (log_out_mode() == OUT_JSON) {
		json_t *o = json_pack("{s:s,s:s#}", "event", what, "room", ev->room, (int)ev->room_len);
		if (ev->kind != CHATSRV_EV_REMOVE)
			json_object_set_new(o, "user", json_stringn(ev->user->name, ev->user->name_len));
		if (ev->kind == CHATSRV_EV_LEAVE)
			json_object_set_new(o, "reason", json_string(ev->reason));
		if (ev->kind == CHATSRV_EV_KICK)
			json_object_set_new(o, "kicked", json_integer((json_int_t)ev->count));
		log_out_json(o);
		return;
	}
	switch (ev->kind) {
	case CHATSRV_EV_REMOVE:
		log_out_line("remove %.*s", rl, ev->room);
		break;
	case CHATSRV_EV_LEAVE:
		log_out_line("leave %.*s %s reason=%s", rl, ev->room, ev->user->name, ev->reason);
		break;
	case CHATSRV_EV_KICK:
		log_out_line("kick %.*s %s kicked=%" PRIu64, rl, ev->room, ev->user->name, ev->count);
		break;
	default:
		log_out_line("%s %.*s %s", what, rl, ev->room, ev->user->name);
		break;
	}
}

void chatsrv_report_message(const struct chatsrv_user *u, uint64_t seq, const char *line,
			    size_t len)
{
	char shown[TEXTESC_MAX(CHAT_LINE_MAX)];

	if (log_out_mode() == OUT_JSON) {
		log_out_json(json_pack("{s:s,s:s#,s:I,s:o}", "event", "msg", "user", u->name,
				   (int)u->name_len, "seq", (json_int_t)seq, "line",
				   report_text(line, len)));
		return;
	}
	/* A log read on a terminal: the client's bytes must not drive it. */
	if (len > CHAT_LINE_MAX)
		len = CHAT_LINE_MAX;
	textesc_term((const uint8_t *)line, len, shown);
	log_out_line("msg %s %" PRIu64 " %s", u->name, seq, shown);
}

void chatsrv_report_ignored(const struct sockaddr *from, const char *what, const char *why)
{
	char full[ADDR_STRLEN];

	if (log_out_mode() == OUT_JSON)
		log_out_json(report_peer(json_pack("{s:s,s:s,s:s}", "event", "ignored", "what", what,
					       "reason", why),
				     from));
	else
		log_out_line("ignored %s %s reason=%s", addr_format(from, full, sizeof(full)), what, why);
}

void chatsrv_report_suppressed(uint64_t n)
{
	if (log_out_mode() == OUT_JSON)
		log_out_json(json_pack("{s:s,s:I}", "event", "suppressed", "count", (json_int_t)n));
	else
		log_out_line("suppressed %" PRIu64 " lines", n);
}

void chatsrv_report_stopped(const struct chatsrv_stats *st, size_t active)
{
	if (log_out_mode() == OUT_JSON) {
		log_out_json(json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,"
				   "s:I}",
				   "event", "stopped", "in", (json_int_t)st->dgrams_in, "out",
				   (json_int_t)st->dgrams_out, "malformed", (json_int_t)st->malformed,
				   "spoofed", (json_int_t)st->spoofed, "unregistered",
				   (json_int_t)st->unregistered, "unknown_token",
				   (json_int_t)st->unknown_token, "retransmits",
				   (json_int_t)st->retransmits, "sessions", (json_int_t)st->sessions,
				   "active", (json_int_t)active, "expired", (json_int_t)st->expired,
				   "dropped", (json_int_t)st->dropped, "deferred",
				   (json_int_t)st->deferred, "send_errors",
				   (json_int_t)st->send_errors, "cookies", (json_int_t)st->cookies,
				   "old_protocol", (json_int_t)st->old_protocol, "reg_limited",
				   (json_int_t)st->reg_limited));
		return;
	}
	log_out_line("stopped in=%" PRIu64 " out=%" PRIu64 " malformed=%" PRIu64 " spoofed=%" PRIu64
		 " unregistered=%" PRIu64 " unknown_token=%" PRIu64 " retransmits=%" PRIu64
		 " sessions=%" PRIu64 " active=%zu expired=%" PRIu64 " dropped=%" PRIu64
		 " deferred=%" PRIu64 " send_errors=%" PRIu64 " cookies=%" PRIu64
		 " old_protocol=%" PRIu64 " reg_limited=%" PRIu64,
		 st->dgrams_in, st->dgrams_out, st->malformed, st->spoofed, st->unregistered,
		 st->unknown_token, st->retransmits, st->sessions, active, st->expired, st->dropped,
		 st->deferred, st->send_errors, st->cookies, st->old_protocol, st->reg_limited);
}

bool chatsrv_vlog(struct chatsrv_server *srv)
{
	if (!srv->cfg->verbose || !ratelog_allow(&srv->vlog, srv->now_us))
		return false;
	uint64_t k = ratelog_take_suppressed(&srv->vlog);
	if (k)
		chatsrv_report_suppressed(k);
	return true;
}
