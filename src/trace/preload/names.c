/* The name tables of the record arguments, as value -> name rows (the way
 * tcpdump names things) instead of switch ladders. A value a table lacks is
 * printed as its number, so nothing the kernel reports is ever lost. */
#include "trace/preload/names.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <poll.h>
#include <sys/socket.h>

#define N(x) { (x), #x }
#define TABLE(var, rows) const struct names var = { rows, sizeof rows / sizeof rows[0] }

static const struct name af_rows[] = {
	N(AF_UNSPEC), N(AF_UNIX), N(AF_INET), N(AF_INET6), N(AF_NETLINK), N(AF_PACKET),
};
TABLE(tr_names_af, af_rows);

static const struct name fam_rows[] = {
	{ AF_INET, "inet" }, { AF_INET6, "inet6" }, { AF_UNIX, "unix" },
};
TABLE(tr_names_fam, fam_rows);

static const struct name socktype_rows[] = {
	N(SOCK_STREAM), N(SOCK_DGRAM), N(SOCK_SEQPACKET), N(SOCK_RAW), N(SOCK_RDM), N(SOCK_PACKET),
};
TABLE(tr_names_socktype, socktype_rows);

static const struct name sock_rows[] = {
	{ SOCK_STREAM, "stream" }, { SOCK_DGRAM, "dgram" },
	{ SOCK_SEQPACKET, "seqpacket" }, { SOCK_RAW, "raw" },
};
TABLE(tr_names_sock, sock_rows);

static const struct name sockflag_rows[] = {
	N(SOCK_NONBLOCK), N(SOCK_CLOEXEC),
};
TABLE(tr_names_sockflags, sockflag_rows);

static const struct name level_rows[] = {
	N(SOL_SOCKET), N(IPPROTO_IP), N(IPPROTO_IPV6), N(IPPROTO_TCP), N(IPPROTO_UDP),
	N(IPPROTO_ICMP), N(IPPROTO_ICMPV6), N(IPPROTO_RAW),
};
TABLE(tr_names_level, level_rows);

static const struct name so_rows[] = {
	N(SO_DEBUG), N(SO_REUSEADDR), N(SO_TYPE), N(SO_ERROR), N(SO_DONTROUTE),
	N(SO_BROADCAST), N(SO_SNDBUF), N(SO_RCVBUF), N(SO_SNDBUFFORCE), N(SO_RCVBUFFORCE),
	N(SO_KEEPALIVE), N(SO_OOBINLINE), N(SO_NO_CHECK), N(SO_PRIORITY), N(SO_LINGER),
	N(SO_BSDCOMPAT), N(SO_REUSEPORT), N(SO_PASSCRED), N(SO_PEERCRED), N(SO_RCVLOWAT),
	N(SO_SNDLOWAT), N(SO_RCVTIMEO), N(SO_SNDTIMEO), N(SO_BINDTODEVICE),
	N(SO_ATTACH_FILTER), N(SO_DETACH_FILTER), N(SO_PEERNAME), N(SO_TIMESTAMP),
	N(SO_ACCEPTCONN), N(SO_PEERSEC), N(SO_PASSSEC), N(SO_TIMESTAMPNS), N(SO_MARK),
	N(SO_TIMESTAMPING), N(SO_PROTOCOL), N(SO_DOMAIN), N(SO_RXQ_OVFL), N(SO_PEEK_OFF),
	N(SO_BUSY_POLL), N(SO_MAX_PACING_RATE), N(SO_INCOMING_CPU), N(SO_ATTACH_BPF),
	N(SO_COOKIE), N(SO_ZEROCOPY), N(SO_TXTIME), N(SO_BINDTOIFINDEX),
};
static TABLE(names_so, so_rows);

static const struct name tcp_rows[] = {
	N(TCP_NODELAY), N(TCP_MAXSEG), N(TCP_CORK), N(TCP_KEEPIDLE), N(TCP_KEEPINTVL),
	N(TCP_KEEPCNT), N(TCP_SYNCNT), N(TCP_LINGER2), N(TCP_DEFER_ACCEPT),
	N(TCP_WINDOW_CLAMP), N(TCP_INFO), N(TCP_QUICKACK), N(TCP_CONGESTION),
	N(TCP_MD5SIG), N(TCP_THIN_LINEAR_TIMEOUTS), N(TCP_THIN_DUPACK), N(TCP_USER_TIMEOUT),
	N(TCP_REPAIR), N(TCP_FASTOPEN), N(TCP_TIMESTAMP), N(TCP_NOTSENT_LOWAT),
	N(TCP_SAVE_SYN), N(TCP_FASTOPEN_CONNECT), N(TCP_ULP), N(TCP_FASTOPEN_NO_COOKIE),
	N(TCP_INQ), N(TCP_TX_DELAY),
};
static TABLE(names_tcp, tcp_rows);

static const struct name ip_rows[] = {
	N(IP_TOS), N(IP_TTL), N(IP_HDRINCL), N(IP_OPTIONS), N(IP_RECVOPTS), N(IP_RETOPTS),
	N(IP_PKTINFO), N(IP_MTU_DISCOVER), N(IP_RECVERR), N(IP_RECVTTL), N(IP_RECVTOS),
	N(IP_MTU), N(IP_FREEBIND), N(IP_TRANSPARENT), N(IP_MULTICAST_IF),
	N(IP_MULTICAST_TTL), N(IP_MULTICAST_LOOP), N(IP_ADD_MEMBERSHIP),
	N(IP_DROP_MEMBERSHIP), N(IP_BIND_ADDRESS_NO_PORT), N(IP_RECVORIGDSTADDR),
};
static TABLE(names_ip, ip_rows);

static const struct name ipv6_rows[] = {
	N(IPV6_ADDRFORM), N(IPV6_2292PKTINFO), N(IPV6_CHECKSUM), N(IPV6_NEXTHOP),
	N(IPV6_UNICAST_HOPS), N(IPV6_MULTICAST_IF), N(IPV6_MULTICAST_HOPS),
	N(IPV6_MULTICAST_LOOP), N(IPV6_JOIN_GROUP), N(IPV6_LEAVE_GROUP),
	N(IPV6_ROUTER_ALERT), N(IPV6_MTU_DISCOVER), N(IPV6_MTU), N(IPV6_RECVERR),
	N(IPV6_V6ONLY), N(IPV6_RECVPKTINFO), N(IPV6_PKTINFO), N(IPV6_RECVHOPLIMIT),
	N(IPV6_HOPLIMIT), N(IPV6_RECVTCLASS), N(IPV6_TCLASS), N(IPV6_FREEBIND),
	N(IPV6_TRANSPARENT),
};
static TABLE(names_ipv6, ipv6_rows);

static const struct name udp_rows[] = {
	N(UDP_CORK), N(UDP_ENCAP), N(UDP_SEGMENT), N(UDP_GRO),
};
static TABLE(names_udp, udp_rows);

static const struct name msg_rows[] = {
	N(MSG_OOB), N(MSG_PEEK), N(MSG_DONTROUTE), N(MSG_CTRUNC), N(MSG_PROXY),
	N(MSG_TRUNC), N(MSG_DONTWAIT), N(MSG_EOR), N(MSG_WAITALL), N(MSG_FIN),
	N(MSG_SYN), N(MSG_CONFIRM), N(MSG_RST), N(MSG_ERRQUEUE), N(MSG_NOSIGNAL),
	N(MSG_MORE), N(MSG_WAITFORONE), N(MSG_BATCH), N(MSG_ZEROCOPY), N(MSG_FASTOPEN),
	N(MSG_CMSG_CLOEXEC),
};
TABLE(tr_names_msg, msg_rows);

static const struct name shut_rows[] = {
	N(SHUT_RD), N(SHUT_WR), N(SHUT_RDWR),
};
TABLE(tr_names_shut, shut_rows);

/* The spellings of record.h (the RFC 793 names with underscores), not the
 * kernel's; 12 is the kernel's request socket, a SYN_RCVD by another name. */
static const struct name tcp_state_rows[] = {
	{ TCP_ESTABLISHED, "ESTABLISHED" }, { TCP_SYN_SENT, "SYN_SENT" },
	{ TCP_SYN_RECV, "SYN_RCVD" },       { TCP_FIN_WAIT1, "FIN_WAIT_1" },
	{ TCP_FIN_WAIT2, "FIN_WAIT_2" },    { TCP_TIME_WAIT, "TIME_WAIT" },
	{ TCP_CLOSE, "CLOSED" },            { TCP_CLOSE_WAIT, "CLOSE_WAIT" },
	{ TCP_LAST_ACK, "LAST_ACK" },       { TCP_LISTEN, "LISTEN" },
	{ TCP_CLOSING, "CLOSING" },         { 12, "SYN_RCVD" },
};
TABLE(tr_names_tcp_state, tcp_state_rows);

static const struct name poll_rows[] = {
	{ POLLIN, "IN" },         { POLLPRI, "PRI" },       { POLLOUT, "OUT" },
	{ POLLERR, "ERR" },       { POLLHUP, "HUP" },       { POLLNVAL, "NVAL" },
	{ POLLRDNORM, "RDNORM" }, { POLLRDBAND, "RDBAND" }, { POLLWRNORM, "WRNORM" },
	{ POLLWRBAND, "WRBAND" }, { POLLMSG, "MSG" },       { POLLRDHUP, "RDHUP" },
};
TABLE(tr_names_poll, poll_rows);

const struct names *tr_names_sockopt(int level)
{
	switch (level) {
	case SOL_SOCKET:
		return &names_so;
	case IPPROTO_TCP:
		return &names_tcp;
	case IPPROTO_IP:
		return &names_ip;
	case IPPROTO_IPV6:
		return &names_ipv6;
	case IPPROTO_UDP:
		return &names_udp;
	default:
		return NULL;
	}
}

const char *tr_names_find(const struct names *t, long v)
{
	if (!t)
		return NULL;
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].value == v)
			return t->v[i].name;
	return NULL;
}

void tr_emit_name(struct emit *e, const struct names *t, long v)
{
	const char *s = tr_names_find(t, v);

	if (s)
		tr_emit_str(e, s);
	else
		tr_emit_i64(e, v);
}

void tr_emit_kv_name(struct emit *e, const char *key, const struct names *t, long v)
{
	size_t m = tr_emit_key(e, key);

	tr_emit_name(e, t, v);
	tr_emit_commit(e, m);
}

void tr_emit_flags(struct emit *e, const struct names *t, unsigned long v)
{
	unsigned long rest = v;
	bool first = true;

	if (v == 0) {
		tr_emit_char(e, '0');
		return;
	}
	for (size_t i = 0; i < t->n; i++) {
		unsigned long bit = (unsigned long)t->v[i].value;

		if (bit != 0 && (rest & bit) == bit) {
			if (!first)
				tr_emit_char(e, '|');
			tr_emit_str(e, t->v[i].name);
			rest &= ~bit;
			first = false;
		}
	}
	if (rest != 0) {
		if (!first)
			tr_emit_char(e, '|');
		tr_emit_hex(e, rest);
	}
}

void tr_emit_kv_flags(struct emit *e, const char *key, const struct names *t, unsigned long v)
{
	size_t m = tr_emit_key(e, key);

	tr_emit_flags(e, t, v);
	tr_emit_commit(e, m);
}

void tr_emit_kv_socktype(struct emit *e, const char *key, int type)
{
	const unsigned long flagmask = SOCK_NONBLOCK | SOCK_CLOEXEC;
	unsigned long flags = (unsigned long)(unsigned)type & flagmask;
	size_t m = tr_emit_key(e, key);

	tr_emit_name(e, &tr_names_socktype, (long)((unsigned long)(unsigned)type & ~flagmask));
	if (flags != 0) {
		tr_emit_char(e, '|');
		tr_emit_flags(e, &tr_names_sockflags, flags);
	}
	tr_emit_commit(e, m);
}

void tr_emit_pollfd(struct emit *e, struct emit_list *l, int fd, short events)
{
	char ib[96];
	struct emit it = emit_on(ib, sizeof ib);

	tr_emit_i64(&it, fd);
	tr_emit_char(&it, ':');
	tr_emit_flags(&it, &tr_names_poll, (unsigned short)events);
	if (!it.over)
		tr_emit_list_item(e, l, ib, it.len);
}
