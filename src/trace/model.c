/* The trace model's small shared helpers: state names, endpoints, call
 * arguments, lookups, and freeing. */
#include "trace/model.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static const char *const state_names[TCPS_COUNT] = {
	[TCPS_NONE] = "-",
	[TCPS_CLOSED] = "CLOSED",
	[TCPS_LISTEN] = "LISTEN",
	[TCPS_SYN_SENT] = "SYN_SENT",
	[TCPS_SYN_RCVD] = "SYN_RCVD",
	[TCPS_ESTABLISHED] = "ESTABLISHED",
	[TCPS_FIN_WAIT_1] = "FIN_WAIT_1",
	[TCPS_FIN_WAIT_2] = "FIN_WAIT_2",
	[TCPS_CLOSE_WAIT] = "CLOSE_WAIT",
	[TCPS_CLOSING] = "CLOSING",
	[TCPS_LAST_ACK] = "LAST_ACK",
	[TCPS_TIME_WAIT] = "TIME_WAIT",
};

const char *tr_tcp_state_name(enum tr_tcp_state s)
{
	return (unsigned)s < TCPS_COUNT ? state_names[s] : "?";
}

enum tr_tcp_state tr_tcp_state_from_name(const char *s)
{
	for (int i = TCPS_CLOSED; i < TCPS_COUNT; i++)
		if (strcmp(s, state_names[i]) == 0)
			return (enum tr_tcp_state)i;
	return TCPS_NONE;
}

char *tr_endpoint_format(const struct tr_endpoint *e, char *buf, size_t n)
{
	char ip[INET6_ADDRSTRLEN];

	if (e->family == AF_INET) {
		inet_ntop(AF_INET, e->addr, ip, sizeof ip);
		snprintf(buf, n, "%s:%u", ip, e->port);
	} else if (e->family == AF_INET6) {
		inet_ntop(AF_INET6, e->addr, ip, sizeof ip);
		snprintf(buf, n, "[%s]:%u", ip, e->port);
	} else {
		snprintf(buf, n, "-");
	}
	return buf;
}

static int port_parse(const char *s, uint16_t *port)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -1;
	v = strtoul(s, &end, 10);
	if (*end != '\0' || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

int tr_endpoint_parse(const char *s, struct tr_endpoint *e)
{
	char ip[INET6_ADDRSTRLEN + 1];
	const char *colon;
	size_t len;

	memset(e, 0, sizeof *e);
	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (!close || close[1] != ':' || (size_t)(close - s - 1) >= sizeof ip)
			return -1;
		len = (size_t)(close - s - 1);
		memcpy(ip, s + 1, len);
		ip[len] = '\0';
		if (inet_pton(AF_INET6, ip, e->addr) != 1 || port_parse(close + 2, &e->port) < 0)
			return -1;
		e->family = AF_INET6;
		return 0;
	}
	colon = strrchr(s, ':');
	if (!colon || (size_t)(colon - s) >= sizeof ip)
		return -1;
	len = (size_t)(colon - s);
	memcpy(ip, s, len);
	ip[len] = '\0';
	if (inet_pton(AF_INET, ip, e->addr) != 1 || port_parse(colon + 1, &e->port) < 0)
		return -1;
	e->family = AF_INET;
	return 0;
}

bool tr_endpoint_eq(const struct tr_endpoint *a, const struct tr_endpoint *b)
{
	size_t alen = a->family == AF_INET ? 4 : 16;

	return a->family == b->family && a->port == b->port &&
	       memcmp(a->addr, b->addr, alen) == 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t tr_unescape(const char *src, size_t len, char *buf, size_t n)
{
	size_t o = 0;

	if (n == 0)
		return 0;
	for (size_t i = 0; i < len && o + 1 < n; i++) {
		int hi, lo;

		if (src[i] == '%' && i + 2 < len && (hi = hexval(src[i + 1])) >= 0 &&
		    (lo = hexval(src[i + 2])) >= 0) {
			buf[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else {
			buf[o++] = src[i];
		}
	}
	buf[o] = '\0';
	return o;
}

bool tr_parse_int(const char *s, size_t n, int64_t min, int64_t max, int64_t *v)
{
	size_t i = n > 0 && s[0] == '-';
	uint64_t mag = 0;

	/* by hand, not strtoll: that skips spaces, takes '+' and saturates */
	if (i == n || n - i > 19)
		return false;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		mag = mag * 10 + (uint64_t)(s[i] - '0'); /* 19 digits fit in uint64_t */
	}
	if (s[0] == '-' ? mag > (uint64_t)INT64_MAX + 1 : mag > (uint64_t)INT64_MAX)
		return false;
	int64_t x = s[0] == '-' ? (mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag)
				: (int64_t)mag;
	if (x < min || x > max)
		return false;
	*v = x;
	return true;
}

int tr_grow(void *pv, size_t *cap, size_t n, size_t size, size_t first)
{
	void *v;
	size_t nc;

	if (n < *cap)
		return 0;
	nc = *cap ? *cap * 2 : first;
	if (nc < *cap || nc > SIZE_MAX / size)
		return -1;
	memcpy(&v, pv, sizeof v);
	v = realloc(v, nc * size);
	if (!v)
		return -1;
	memcpy(pv, &v, sizeof v);
	*cap = nc;
	return 0;
}

void tr_src_free(struct tr_src *s)
{
	free(s->file);
	free(s->func);
	free(s->text);
	free(s->module);
	free(s->pycall);
	memset(s, 0, sizeof *s);
}

void tr_args_free(struct tr_args *a)
{
	free(a->v);
	free(a->text);
	free(a->ready);
	memset(a, 0, sizeof *a);
}

static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

void tr_endpoint_normalize(struct tr_endpoint *e)
{
	if (e->family == AF_INET6 && memcmp(e->addr, v4mapped, 12) == 0) {
		memmove(e->addr, e->addr + 12, 4);
		memset(e->addr + 4, 0, 12);
		e->family = AF_INET;
	}
}

const struct tr_call *tr_call_by_id(const struct trace *t, uint32_t id)
{
	/* ids are 1-based positions once calllog has sorted the calls */
	if (id == 0 || id > t->ncalls)
		return NULL;
	return &t->calls[id - 1];
}

const struct tr_packet *tr_packet_by_no(const struct trace *t, uint32_t no)
{
	if (no == 0 || no > t->npackets)
		return NULL;
	return &t->packets[no - 1];
}

void trace_free(struct trace *t)
{
	for (size_t i = 0; i < t->nprocs; i++) {
		free(t->procs[i].exe);
		free(t->procs[i].cmdline);
	}
	for (size_t i = 0; i < t->ncalls; i++) {
		tr_args_free(&t->calls[i].args);
		tr_src_free(&t->calls[i].src);
	}
	for (size_t i = 0; i < t->npackets; i++)
		free(t->packets[i].frame);
	free(t->procs);
	free(t->calls);
	free(t->packets);
	free(t->states);
	free(t->lanes);
	free(t->rows);
	free(t->kevents);
	memset(t, 0, sizeof *t);
}
