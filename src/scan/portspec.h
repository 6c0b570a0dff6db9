/* Port lists as users write them for -p: "7,9,13-19", "-" (1-65535), open
 * ranges ("-1024", "60000-"), and service names ("echo", "daytime-chargen").
 * Pure: names go through a lookup function the caller passes in. */
#ifndef SOCKLAB_SCAN_PORTSPEC_H
#define SOCKLAB_SCAN_PORTSPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A set of ports 0..65535, one bit each. */
struct portset {
	uint8_t bits[65536 / 8];
};

/* The port of service name for proto ("tcp", "udp"), or -1. */
typedef int (*scan_port_lookup_fn)(const char *name, const char *proto, void *ctx);

/* getservbyname(3) for proto, then for any protocol (a UDP scan of "http"
 * means udp/80 even where /etc/services lists http for TCP only). */
int scan_port_lookup_services(const char *name, const char *proto, void *ctx);

/* Adds the ports of spec to set. 0, or -1 with a one-line reason in err
 * ("range 19-13 goes backwards"); set may be partly filled then. */
int scan_portspec_parse(const char *spec, const char *proto, scan_port_lookup_fn lookup,
			void *ctx, struct portset *set, char *err, size_t errlen);

void scan_portset_clear(struct portset *set);
void scan_portset_add(struct portset *set, uint16_t port);
bool scan_portset_has(const struct portset *set, uint16_t port);
size_t scan_portset_count(const struct portset *set);
/* The ports in ascending order; at most cap of them; returns how many. */
size_t scan_portset_list(const struct portset *set, uint16_t *out, size_t cap);

#endif
