/* The UDP source check: a pure function of the policy and the address
 * (srcfilter_load_ifaces is the only part that asks the system). */
#include "guard/srcfilter.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <string.h>

void srcfilter_init(struct src_policy *p)
{
	memset(p, 0, sizeof(*p));
}

void srcfilter_add_port(struct src_policy *p, uint16_t port)
{
	p->own_ports[port / 8] |= (uint8_t)(1u << (port % 8));
}

void srcfilter_add_bcast(struct src_policy *p, struct in_addr a)
{
	for (unsigned i = 0; i < p->nbcast; i++)
		if (p->bcast[i].s_addr == a.s_addr)
			return;
	if (p->nbcast < SRCFILTER_MAX_BCAST)
		p->bcast[p->nbcast++] = a;
}

void srcfilter_add_iface(struct src_policy *p, struct in_addr addr, struct in_addr bcast)
{
	/* An address set without a broadcast (ip addr add A/24, no brd) comes
	 * back from getifaddrs with its own address in that place: that is the
	 * host itself, not a broadcast address. */
	if (bcast.s_addr != addr.s_addr && bcast.s_addr != INADDR_ANY)
		srcfilter_add_bcast(p, bcast);
}

void srcfilter_load_ifaces(struct src_policy *p)
{
	struct ifaddrs *ifs, *i;

	if (getifaddrs(&ifs) < 0)
		return;
	for (i = ifs; i; i = i->ifa_next)
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET && (i->ifa_flags & IFF_BROADCAST) &&
		    i->ifa_broadaddr)
			srcfilter_add_iface(p, ((struct sockaddr_in *)i->ifa_addr)->sin_addr,
					     ((struct sockaddr_in *)i->ifa_broadaddr)->sin_addr);
	freeifaddrs(ifs);
}

static bool src_port_bad(const struct src_policy *p, uint16_t port)
{
	if (port < 1024 || port == NFS_PORT)
		return true;
	return (p->own_ports[port / 8] >> (port % 8)) & 1;
}

static bool src_v4_bad(const struct src_policy *p, struct in_addr a)
{
	uint32_t h = ntohl(a.s_addr);

	if (IN_MULTICAST(h) || h == INADDR_BROADCAST || (h >> 24) == 0)
		return true;
	for (unsigned i = 0; i < p->nbcast; i++)
		if (p->bcast[i].s_addr == a.s_addr)
			return true;
	return false;
}

static bool src_v6_bad(const struct in6_addr *a)
{
	return IN6_IS_ADDR_MULTICAST(a) || IN6_IS_ADDR_UNSPECIFIED(a) ||
	       IN6_IS_ADDR_V4MAPPED(a) || IN6_IS_ADDR_V4COMPAT(a);
}

enum src_verdict srcfilter_check(const struct src_policy *p, const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s = (const struct sockaddr_in *)sa;
		if (src_v4_bad(p, s->sin_addr))
			return SRC_BAD_ADDR;
		return src_port_bad(p, ntohs(s->sin_port)) ? SRC_BAD_PORT : SRC_OK;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)sa;
		if (src_v6_bad(&s->sin6_addr))
			return SRC_BAD_ADDR;
		return src_port_bad(p, ntohs(s->sin6_port)) ? SRC_BAD_PORT : SRC_OK;
	}
	return SRC_BAD_ADDR;
}

const char *srcfilter_verdict_name(enum src_verdict v)
{
	static const char *const names[] = {
		[SRC_OK] = "ok",
		[SRC_BAD_PORT] = "bad-source-port",
		[SRC_BAD_ADDR] = "bad-source-addr",
	};
	return (unsigned)v < sizeof(names) / sizeof(names[0]) ? names[v] : "?";
}
