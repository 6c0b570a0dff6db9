/* Port numbers to service names, read once from /etc/services (getservent)
 * into a sorted table: a full-range scan names 65535 ports, and
 * getservbyport(3) would read the file again for each. */
#ifndef SOCKLAB_SCAN_SERVICES_H
#define SOCKLAB_SCAN_SERVICES_H

#include <stddef.h>
#include <stdint.h>

struct scan_service {
	uint16_t port;
	uint8_t proto;     /* IPPROTO_TCP or IPPROTO_UDP */
	uint32_t seq;      /* order added */
	char name[32];
};

struct scan_services {
	struct scan_service *e;
	size_t n, cap;
	int sorted;
};

void scan_services_init(struct scan_services *s);
/* 0, or -1 when full (SCAN_SERVICES_MAX) or out of memory; the first name
 * added for a port and protocol wins. */
int scan_services_add(struct scan_services *s, int proto, uint16_t port, const char *name);
/* Reads the system's services database; 0, or -1. */
int scan_services_load(struct scan_services *s);
/* The name for proto, else for the other protocol (netbase lists many
 * services for TCP only), or NULL. */
const char *scan_services_name(struct scan_services *s, int proto, uint16_t port);
void scan_services_free(struct scan_services *s);

#endif
