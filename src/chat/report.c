/* chat --json's objects (jansson), written through core/log's JSON Lines. */
#include "chat/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "chat/net.h"
#include "core/addr.h"
#include "core/jsontext.h"
#include "core/log.h"

static double chat_json_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)(ts.tv_nsec / 1000) / 1e6;
}

json_t *chat_json_new(const char *type)
{
	return json_pack("{s:s,s:f}", "type", type, "time", chat_json_now());
}

void chat_json_addr(json_t *o, const char *prefix, const struct sockaddr *in)
{
	char ip[ADDR_STRLEN], key[32];
	union addr_any a;
	const struct sockaddr *sa = NULL;

	if (in) {
		addr_copy(&a, in);
		chat_unmap(&a);
		sa = &a.sa;
	}

	snprintf(key, sizeof(key), "%s_addr", prefix);
	json_object_set_new(o, key, sa ? json_string(addr_ip_str(sa, ip, sizeof(ip))) : json_null());
	snprintf(key, sizeof(key), "%s_port", prefix);
	json_object_set_new(o, key, sa ? json_integer(addr_port(sa)) : json_null());
}

void chat_json_ends(json_t *o, int fd, const char *prefix, int peer)
{
	union addr_any a;
	socklen_t len = sizeof(a);
	int rc = peer ? getpeername(fd, &a.sa, &len) : getsockname(fd, &a.sa, &len);

	chat_json_addr(o, prefix, rc == 0 ? &a.sa : NULL);
}

void chat_json_listening(int lfd)
{
	json_t *o = chat_json_new("listening");
	union addr_any a;
	socklen_t len = sizeof(a);
	char ip[ADDR_STRLEN];

	if (!o)
		return;
	if (getsockname(lfd, &a.sa, &len) == 0) {
		json_object_set_new(o, "addr", json_string(addr_ip_str(&a.sa, ip, sizeof(ip))));
		json_object_set_new(o, "port", json_integer(addr_port(&a.sa)));
	}
	chat_json_emit(o);
}

void chat_json_line(const char *type, const char *from, const uint8_t *line, size_t n)
{
	json_t *o = chat_json_new(type);

	if (!o)
		return;
	if (from)
		json_object_set_new(o, "from", json_string(from));
	jsontext_set(o, "text", line, n);
	json_object_set_new(o, "bytes", json_integer((json_int_t)n));
	chat_json_emit(o);
}

void chat_json_emit(json_t *o)
{
	char *s;

	if (!o)
		return;
	/* 16 digits: times to the microsecond, without 0.1's binary tail. */
	s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(16));
	json_decref(o);
	if (s)
		log_out_line("%s", s);
	free(s);
}
