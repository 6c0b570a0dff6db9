/* Value -> name tables for protocol numbers, option kinds and message types
 * (tcpdump's { 2, "mss" } style). Lookups return NULL when unknown. */
#ifndef SOCKLAB_DECODE_NAMES_H
#define SOCKLAB_DECODE_NAMES_H

#include <stddef.h>
#include <stdint.h>

struct vname {
	uint32_t v;
	const char *name;
};

const char *vname_find(const struct vname *t, size_t n, uint32_t v);

const char *name_ipproto(uint8_t p);       /* "TCP" */
const char *name_ipproto_lc(uint8_t p);    /* "tcp" */
const char *name_ethertype(uint16_t t);
const char *name_tcpopt(uint8_t kind);     /* "mss", "wscale", ... */
const char *name_ipopt(uint8_t type);
const char *name_ip6ext(uint8_t nh);
const char *name_arpop(uint16_t op);
const char *name_icmp(uint8_t type);
const char *name_icmp6(uint8_t type);
const char *name_icmp_unreach(uint8_t code);
const char *name_icmp6_unreach(uint8_t code);
const char *name_sll_pkttype(uint16_t t);

/* TCP flag bits and their names, in tcpdump's order of letters. */
struct tcp_flag_name {
	uint16_t bit;
	char letter;
	const char *name;
};
extern const struct tcp_flag_name tcp_flag_names[];
extern const size_t tcp_flag_count;

#endif
