/* What a scan found: per target and protocol, a state and a reason for each
 * port, and banners. Filled by the engines (tcp.c, udp.c), read by the
 * printers (report.c, grepable.c). */
#ifndef SOCKLAB_SCAN_RESULT_H
#define SOCKLAB_SCAN_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"

enum scan_state {
	SCAN_PENDING = 0,     /* not decided yet */
	SCAN_OPEN,
	SCAN_CLOSED,
	SCAN_FILTERED,
	SCAN_OPEN_FILTERED,
	SCAN_NSTATES,
};

/* nmap's reason names, so that the two read alike. */
enum scan_reason {
	REASON_NONE = 0,
	REASON_SYN_ACK,           /* TCP handshake completed */
	REASON_CONN_REFUSED,      /* TCP RST */
	REASON_NO_RESPONSE,       /* silence after every try */
	REASON_UDP_RESPONSE,      /* a datagram came back */
	REASON_PORT_UNREACH,      /* ICMP port unreachable */
	REASON_HOST_UNREACH,
	REASON_NET_UNREACH,
	REASON_PROTO_UNREACH,
	REASON_ADMIN_PROHIBITED,
	REASON_HOST_DOWN,
	REASON_LOCAL_DENIED,      /* this host's own firewall refused to send */
	REASON_OWN_SOCKET,        /* UDP: the scanner's own socket (closed otherwise) */
	REASON_RATE_LIMITED,      /* UDP: silent, but the target's ICMP rate limit could
				   * explain it: the scan stopped before it could tell */
	REASON_N,
};

/* Why ports of a table were left undecided (SCAN_PENDING). */
enum scan_cut {
	SCAN_CUT_NONE = 0,
	SCAN_CUT_INTERRUPTED,     /* SIGINT or SIGTERM */
	SCAN_CUT_TIMEOUT,         /* --host-timeout */
};

const char *scan_cut_name(enum scan_cut c);

const char *scan_state_name(enum scan_state s);
const char *scan_reason_name(enum scan_reason r);
/* host-unreach, net-unreach, host-down: the target, not the port, is the problem. */
bool scan_reason_is_unreach(enum scan_reason r);

/* One target, one protocol. */
struct scan_table {
	int proto;                 /* IPPROTO_TCP or IPPROTO_UDP; 0: not scanned */
	size_t n;
	const uint16_t *ports;     /* ascending; not owned */
	uint8_t *state;            /* enum scan_state per port */
	uint8_t *reason;           /* enum scan_reason per port */
	uint8_t **banner;          /* NULL unless banners were asked for */
	uint16_t *banner_len;
	double secs;
	bool unreachable;          /* every answer said the host cannot be reached */
	uint8_t cut;               /* enum scan_cut: why ports are still pending */
	uint64_t limit_interval_us; /* UDP: the target's ICMP refill interval, as learnt
				     * (0: no limit seen) */
};

/* 0, or -1 (out of memory). */
int scan_table_init(struct scan_table *t, int proto, const uint16_t *ports, size_t n,
		    bool banners);
void scan_table_free(struct scan_table *t);
/* Decides port i (once: later calls for a decided port are ignored, except
 * that an answer may still turn open|filtered into open or closed). */
bool scan_table_set(struct scan_table *t, size_t i, enum scan_state s, enum scan_reason r);
/* Keeps a copy of at most SCAN_BANNER_MAX bytes; 0 or -1. */
int scan_table_set_banner(struct scan_table *t, size_t i, const uint8_t *data, size_t len);
size_t scan_table_count(const struct scan_table *t, enum scan_state s);
/* The most common reason among ports in state s (REASON_NONE if none). */
enum scan_reason scan_table_main_reason(const struct scan_table *t, enum scan_state s);
const char *scan_proto_name(int proto);

struct scan_host {
	const char *name;          /* as given on the command line */
	union addr_any addr;
	char ip[INET6_ADDRSTRLEN];
	bool numeric;              /* name is the address itself */
	struct scan_table tcp, udp;
};

#endif
