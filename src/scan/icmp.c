/* ICMP and errno classification. */
#include "scan/icmp.h"

#include <errno.h>
#include <sys/socket.h>

#define FILTERED(r) { SCAN_FILTERED, (r) }

struct verdict {
	uint8_t state, reason;
};

/* ICMP type 3, by code (RFC 792, RFC 1812). */
static const struct verdict icmp4_unreach[16] = {
	[0] = FILTERED(REASON_NET_UNREACH),
	[1] = FILTERED(REASON_HOST_UNREACH),
	[2] = FILTERED(REASON_PROTO_UNREACH),
	[3] = { SCAN_CLOSED, REASON_PORT_UNREACH },
	[4] = { 0, 0 },                           /* fragmentation needed: PMTU, not the port */
	[5] = FILTERED(REASON_HOST_UNREACH),       /* source route failed */
	[6] = FILTERED(REASON_NET_UNREACH),        /* network unknown */
	[7] = FILTERED(REASON_HOST_UNREACH),       /* host unknown */
	[8] = FILTERED(REASON_HOST_UNREACH),       /* source host isolated */
	[9] = FILTERED(REASON_ADMIN_PROHIBITED),   /* network prohibited */
	[10] = FILTERED(REASON_ADMIN_PROHIBITED),  /* host prohibited */
	[11] = FILTERED(REASON_NET_UNREACH),       /* network for TOS */
	[12] = FILTERED(REASON_HOST_UNREACH),      /* host for TOS */
	[13] = FILTERED(REASON_ADMIN_PROHIBITED),  /* communication prohibited */
	[14] = FILTERED(REASON_ADMIN_PROHIBITED),  /* precedence violation */
	[15] = FILTERED(REASON_ADMIN_PROHIBITED),  /* precedence cutoff */
};

/* ICMPv6 type 1, by code (RFC 4443). */
static const struct verdict icmp6_unreach[8] = {
	[0] = FILTERED(REASON_NET_UNREACH),        /* no route */
	[1] = FILTERED(REASON_ADMIN_PROHIBITED),
	[2] = FILTERED(REASON_NET_UNREACH),        /* beyond scope of source */
	[3] = FILTERED(REASON_HOST_UNREACH),       /* address unreachable */
	[4] = { SCAN_CLOSED, REASON_PORT_UNREACH },
	[5] = FILTERED(REASON_ADMIN_PROHIBITED),   /* source address failed policy */
	[6] = FILTERED(REASON_ADMIN_PROHIBITED),   /* reject route */
	[7] = FILTERED(REASON_HOST_UNREACH),       /* error in source routing header */
};

bool scan_icmp_classify(int family, uint8_t type, uint8_t code, enum scan_state *state,
			enum scan_reason *reason)
{
	const struct verdict *v = NULL;

	if (family == AF_INET && type == 3 && code < 16)
		v = &icmp4_unreach[code];
	else if (family == AF_INET6 && type == 1 && code < 8)
		v = &icmp6_unreach[code];
	if (!v || v->state == 0)
		return false;
	*state = (enum scan_state)v->state;
	*reason = (enum scan_reason)v->reason;
	return true;
}

bool scan_connect_classify(int err, enum scan_state *state, enum scan_reason *reason)
{
	*state = SCAN_FILTERED;
	switch (err) {
	case ECONNREFUSED:
	case ECONNRESET:
		*state = SCAN_CLOSED;
		*reason = REASON_CONN_REFUSED;
		return true;
	case ENETUNREACH:
	case ENETDOWN:
		*reason = REASON_NET_UNREACH;
		return true;
	case EHOSTUNREACH:
	case ENONET:
		*reason = REASON_HOST_UNREACH;
		return true;
	case EHOSTDOWN:
		*reason = REASON_HOST_DOWN;
		return true;
	case ENOPROTOOPT:
		*reason = REASON_PROTO_UNREACH;
		return true;
	case EPERM:
	case EACCES:
		/* This host's firewall (an nftables OUTPUT reject or drop). */
		*reason = REASON_LOCAL_DENIED;
		return true;
	default:
		return false;
	}
}
