/* The result tables and the names of states and reasons. */
#include "scan/result.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "scan/limits.h"

static const char *const state_names[SCAN_NSTATES] = {
	[SCAN_PENDING] = "pending",
	[SCAN_OPEN] = "open",
	[SCAN_CLOSED] = "closed",
	[SCAN_FILTERED] = "filtered",
	[SCAN_OPEN_FILTERED] = "open|filtered",
};

static const char *const reason_names[REASON_N] = {
	[REASON_NONE] = "none",
	[REASON_SYN_ACK] = "syn-ack",
	[REASON_CONN_REFUSED] = "conn-refused",
	[REASON_NO_RESPONSE] = "no-response",
	[REASON_UDP_RESPONSE] = "udp-response",
	[REASON_PORT_UNREACH] = "port-unreach",
	[REASON_HOST_UNREACH] = "host-unreach",
	[REASON_NET_UNREACH] = "net-unreach",
	[REASON_PROTO_UNREACH] = "proto-unreach",
	[REASON_ADMIN_PROHIBITED] = "admin-prohibited",
	[REASON_HOST_DOWN] = "host-down",
	[REASON_LOCAL_DENIED] = "local-denied",
	[REASON_OWN_SOCKET] = "own-socket",
	[REASON_RATE_LIMITED] = "rate-limited",
};

const char *scan_cut_name(enum scan_cut c)
{
	switch (c) {
	case SCAN_CUT_INTERRUPTED: return "interrupted";
	case SCAN_CUT_TIMEOUT: return "host timeout";
	default: return "";
	}
}

const char *scan_state_name(enum scan_state s)
{
	return (unsigned)s < SCAN_NSTATES ? state_names[s] : "?";
}

const char *scan_reason_name(enum scan_reason r)
{
	return (unsigned)r < REASON_N ? reason_names[r] : "?";
}

bool scan_reason_is_unreach(enum scan_reason r)
{
	return r == REASON_HOST_UNREACH || r == REASON_NET_UNREACH || r == REASON_HOST_DOWN;
}

const char *scan_proto_name(int proto)
{
	return proto == IPPROTO_UDP ? "udp" : "tcp";
}

int scan_table_init(struct scan_table *t, int proto, const uint16_t *ports, size_t n,
		    bool banners)
{
	memset(t, 0, sizeof(*t));
	t->proto = proto;
	t->n = n;
	t->ports = ports;
	t->state = calloc(n ? n : 1, 1);
	t->reason = calloc(n ? n : 1, 1);
	if (banners) {
		t->banner = calloc(n ? n : 1, sizeof(*t->banner));
		t->banner_len = calloc(n ? n : 1, sizeof(*t->banner_len));
	}
	if (!t->state || !t->reason || (banners && (!t->banner || !t->banner_len))) {
		scan_table_free(t);
		return -1;
	}
	return 0;
}

void scan_table_free(struct scan_table *t)
{
	if (t->banner)
		for (size_t i = 0; i < t->n; i++)
			free(t->banner[i]);
	free(t->banner);
	free(t->banner_len);
	free(t->state);
	free(t->reason);
	memset(t, 0, sizeof(*t));
}

bool scan_table_set(struct scan_table *t, size_t i, enum scan_state s, enum scan_reason r)
{
	if (i >= t->n)
		return false;
	enum scan_state old = t->state[i];
	if (old != SCAN_PENDING &&
	    !(old == SCAN_OPEN_FILTERED && (s == SCAN_OPEN || s == SCAN_CLOSED)))
		return false;
	t->state[i] = (uint8_t)s;
	t->reason[i] = (uint8_t)r;
	return true;
}

int scan_table_set_banner(struct scan_table *t, size_t i, const uint8_t *data, size_t len)
{
	if (!t->banner || i >= t->n || t->banner[i] || len == 0)
		return 0;
	if (len > SCAN_BANNER_MAX)
		len = SCAN_BANNER_MAX;
	t->banner[i] = malloc(len ? len : 1);
	if (!t->banner[i])
		return -1;
	memcpy(t->banner[i], data, len);
	t->banner_len[i] = (uint16_t)len;
	return 0;
}

size_t scan_table_count(const struct scan_table *t, enum scan_state s)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n; i++)
		n += t->state[i] == s;
	return n;
}

enum scan_reason scan_table_main_reason(const struct scan_table *t, enum scan_state s)
{
	size_t count[REASON_N] = { 0 };
	enum scan_reason best = REASON_NONE;

	for (size_t i = 0; i < t->n; i++)
		if (t->state[i] == s && t->reason[i] < REASON_N)
			count[t->reason[i]]++;
	for (int r = 1; r < REASON_N; r++)
		if (count[r] > count[best])
			best = (enum scan_reason)r;
	return best;
}
