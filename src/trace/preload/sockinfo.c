/* Gathering a socket's state: the family, type and protocol come from the
 * fd cache; the addresses and TCP state are asked each time, because they
 * are what the call changed. */
#include "trace/preload/sockinfo.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

#include "trace/preload/fdkind.h"
#include "trace/preload/names.h"
#include "trace/preload/real.h"

/* An unbound socket's name is the wildcard with port 0: not an address. */
static bool addr_is_unset(const struct sockaddr_storage *ss, socklen_t len)
{
	if (ss->ss_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;

		return sin->sin_port == 0 && sin->sin_addr.s_addr == htonl(INADDR_ANY);
	}
	if (ss->ss_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;

		return sin6->sin6_port == 0 && IN6_IS_ADDR_UNSPECIFIED(&sin6->sin6_addr);
	}
	return false;
}

static socklen_t name_get(int (*fn)(int, struct sockaddr *, socklen_t *), int fd,
			  struct sockaddr_storage *ss)
{
	socklen_t len = sizeof *ss;

	memset(ss, 0, sizeof *ss);
	if (!fn || fn(fd, (struct sockaddr *)ss, &len) < 0 || len > sizeof *ss ||
	    addr_is_unset(ss, len))
		return 0;
	return len;
}

bool tr_sockinfo_is_tcp(const struct sockinfo *si)
{
	return si->known && (si->family == AF_INET || si->family == AF_INET6) &&
	       si->type == SOCK_STREAM && si->proto == IPPROTO_TCP;
}

void tr_sockinfo_get(int fd, struct sockinfo *si)
{
	struct sockid id;
	int saved = errno;

	memset(si, 0, sizeof *si);
	si->tcp_state = -1;
	if (!tr_fdkind_sockid(fd, &id))
		return;
	si->known = true;
	si->family = id.family;
	si->type = id.type;
	si->proto = id.proto;
	si->local_len = name_get(REAL(getsockname), fd, &si->local);
	si->peer_len = name_get(REAL(getpeername), fd, &si->peer);
	if (tr_sockinfo_is_tcp(si)) {
		struct tcp_info ti;
		socklen_t len = sizeof ti;

		if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == 0 && len > 0)
			si->tcp_state = ti.tcpi_state;
	}
	errno = saved;
}

void tr_sockinfo_emit(struct emit *e, const struct sockinfo *si)
{
	if (!si->known)
		return;
	if (si->type >= 0)
		tr_emit_kv_name(e, "sock", &tr_names_sock, si->type);
	if (si->family >= 0)
		tr_emit_kv_name(e, "fam", &tr_names_fam, si->family);
	if (si->local_len > 0)
		tr_emit_kv_addr(e, "local", (const struct sockaddr *)&si->local, si->local_len);
	if (si->peer_len > 0)
		tr_emit_kv_addr(e, "peer", (const struct sockaddr *)&si->peer, si->peer_len);
	if (si->tcp_state >= 0)
		tr_emit_kv_name(e, "tcp", &tr_names_tcp_state, si->tcp_state);
}
