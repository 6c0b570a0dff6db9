/* Which UDP sources a server refuses to answer, after BSD inetd's
 * dg_badinput() and FreeBSD's check_loop(): replies to these would feed
 * loops between servers or reflect traffic at hosts that never asked.
 * Unlike inetd, loopback sources are served: they cannot be spoofed from
 * outside, and the course's clients run on the same host. */
#ifndef SOCKLAB_CORE_SRCFILTER_H
#define SOCKLAB_CORE_SRCFILTER_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>

#define SRCFILTER_MAX_BCAST 64
#define NFS_PORT 2049

enum src_verdict {
	SRC_OK,
	SRC_BAD_PORT,   /* 0, < 1024, 2049, or one of our own service ports */
	SRC_BAD_ADDR,   /* multicast, broadcast, unspecified, v4-mapped/compatible */
};

struct src_policy {
	uint8_t own_ports[65536 / 8];            /* bitmap of this server's ports */
	struct in_addr bcast[SRCFILTER_MAX_BCAST]; /* directed broadcast addresses */
	unsigned nbcast;
};

void srcfilter_init(struct src_policy *p);
void srcfilter_add_port(struct src_policy *p, uint16_t port);
void srcfilter_add_bcast(struct src_policy *p, struct in_addr a);
/* The broadcast address of an interface address, unless it is none. */
void srcfilter_add_iface(struct src_policy *p, struct in_addr addr, struct in_addr bcast);
/* Adds the broadcast addresses of this host's interfaces (getifaddrs). */
void srcfilter_load_ifaces(struct src_policy *p);
enum src_verdict srcfilter_check(const struct src_policy *p, const struct sockaddr *sa);
const char *srcfilter_verdict_name(enum src_verdict v);

#endif
