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

const char *pkt_vname_find(const struct vname *t, size_t n, uint32_t v);

const char *pkt_name_ipproto(uint8_t p);       /* "TCP" */
const char *pkt_name_ipproto_lc(uint8_t p);    /* "tcp" */
const char *pkt_name_ethertype(uint16_t t);
const char *pkt_name_tcpopt(uint8_t kind);     /* "mss", "wscale", ... */
const char *pkt_name_ipopt(uint8_t type);
const char *pkt_name_ip6ext(uint8_t nh);
const char *pkt_name_arpop(uint16_t op);
const char *pkt_name_icmp(uint8_t type);
const char *pkt_name_icmp6(uint8_t type);
const char *pkt_name_icmp_unreach(uint8_t code);
const char *pkt_name_icmp6_unreach(uint8_t code);
const char *pkt_name_sll_pkttype(uint16_t t);

/* TCP flag bits and their names, in tcpdump's order of letters. */
struct tcp_flag_name {
	uint16_t bit;
	char letter;
	const char *name;
};
extern const struct tcp_flag_name pkt_tcp_flag_names[];
extern const size_t pkt_tcp_flag_count;

#endif
