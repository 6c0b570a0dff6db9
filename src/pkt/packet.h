/* Packet parsers: bytes in, structs out, no printing. decode's printers and
 * (later) trace read these structs. pkt_decode() takes one captured frame of
 * a link type and fills a struct pkt layer by layer; the first truncated or
 * malformed header is recorded in pkt.err with the byte where it broke and
 * everything parsed before it stays valid. */
#ifndef SOCKLAB_DECODE_PACKET_H
#define SOCKLAB_DECODE_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pkt/cursor.h"

#define PKT_VLAN_MAX 4
#define PKT_IPOPT_MAX 12
#define PKT_V6EXT_MAX 8
#define PKT_TCPOPT_MAX 40
#define PKT_SACK_MAX 4

/* Link types we decode (independent of libpcap's DLT_ numbers). */
enum link_type {
	LINK_UNKNOWN = 0,     /* not decoded: the frame is left as it is */
	LINK_ETHERNET,
	LINK_SLL,     /* Linux cooked v1 */
	LINK_SLL2,    /* Linux cooked v2 */
	LINK_RAW,     /* raw IPv4 or IPv6, version from the first nibble */
	LINK_NULL,    /* BSD loopback, host-endian address family */
	LINK_LOOP,    /* OpenBSD loopback, network-endian address family */
	LINK_IPV4,
	LINK_IPV6,
	LINK_COUNT
};

enum cks_status {
	CKS_UNVERIFIED = 0, /* not all covered bytes were captured */
	CKS_GOOD,
	CKS_BAD,
	CKS_PARTIAL,        /* holds only the pseudo-header sum (checksum offload) */
	CKS_NONE,           /* UDP over IPv4 with checksum 0: none sent */
};

enum pkt_err_kind { PERR_NONE = 0, PERR_TRUNCATED, PERR_MALFORMED };

struct pkt_err {
	enum pkt_err_kind kind;
	const char *what;   /* "tcp header", "ipv4 option", ... */
	const char *why;    /* for malformed: the rule broken */
	uint32_t off;       /* byte in the frame where it broke */
};

struct link_hdr {
	enum link_type type;
	uint16_t hlen;
	uint16_t ethertype;   /* after VLAN tags; for null/loop the mapped type */
	uint8_t src[8], dst[8];
	uint8_t addrlen;
	uint8_t nvlan;
	uint16_t vlan_tci[PKT_VLAN_MAX];
	uint16_t vlan_tpid[PKT_VLAN_MAX];
	uint16_t sll_pkttype, sll_hatype;
	uint32_t sll_ifindex;
	uint32_t family;      /* null/loop address family */
	bool llc;             /* 802.3 length field, not an ethertype */
};

struct ip_opt {
	uint8_t type, len;
	uint16_t off;
};

struct ip6_ext {
	uint8_t type, len;    /* len in bytes */
	uint16_t off;
	uint8_t rt_type, rt_left; /* routing header: type, segments left */
};

/* Where ip_hdr.len came from. */
enum ip_len_from {
	IPLEN_HEADER = 0,     /* the total (v4) or payload (v6) length field */
	IPLEN_FRAME,          /* field 0 without a jumbo option (TSO, BIG TCP): the frame */
	IPLEN_JUMBO,          /* v6 payload length 0 with the jumbo payload option */
};

struct ip_hdr {
	uint8_t version;
	uint16_t off, hlen;   /* hlen: v4 header, or v6 base + extension headers */
	uint8_t tos;          /* v6: traffic class */
	uint32_t flowlabel;
	uint32_t len;         /* total length (v6: payload length + 40) */
	enum ip_len_from len_from;
	uint16_t id;
	bool rf, df, mf;
	uint16_t frag_off;    /* in bytes */
	uint8_t ttl;          /* v6: hop limit */
	uint8_t proto;        /* v6: upper layer after extension headers */
	uint16_t cksum, cksum_calc;
	enum cks_status cks;
	uint8_t src[16], dst[16];
	bool routed;          /* v6: a routing header names a final destination */
	uint8_t final_dst[16]; /* ...this one, which the checksums cover */
	uint8_t nopts;
	struct ip_opt opts[PKT_IPOPT_MAX];
	uint8_t next6;        /* v6 next header of the base header */
	uint8_t next_ext;
	struct ip6_ext ext[PKT_V6EXT_MAX];
	bool frag6;
	uint32_t frag6_id;
	uint32_t plen;        /* upper-layer length per header fields */
	bool later_fragment;  /* offset != 0: no transport header here */
};

struct arp_hdr {
	uint16_t htype, ptype, op;
	uint8_t hlen, plen;
	uint8_t sha[16], spa[16], tha[16], tpa[16];
};

struct tcp_opt {
	uint8_t kind, len;
	uint16_t off;
	uint16_t mss;
	uint8_t wscale;
	uint8_t nsack;
	uint32_t ts_val, ts_ecr;
	uint32_t sack[PKT_SACK_MAX][2];
};

enum tcp_flag {
	TCP_FIN = 0x01, TCP_SYN = 0x02, TCP_RST = 0x04, TCP_PSH = 0x08,
	TCP_ACK = 0x10, TCP_URG = 0x20, TCP_ECE = 0x40, TCP_CWR = 0x80, TCP_AE = 0x100,
};

struct tcp_hdr {
	uint16_t off;
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t hlen;
	uint16_t flags;
	uint16_t win, cksum, cksum_calc, urg;
	enum cks_status cks;
	uint32_t payload_len;
	bool partial;         /* cut short: only the first `have` bytes were read */
	uint8_t have;         /* bytes of the 20-byte header present */
	uint8_t nopts;
	struct tcp_opt opts[PKT_TCPOPT_MAX];
};

struct udp_hdr {
	uint16_t off;
	uint16_t sport, dport, len, cksum, cksum_calc;
	enum cks_status cks;
	uint32_t payload_len;
	bool partial;         /* cut short: only the first `have` bytes were read */
	uint8_t have;         /* bytes of the 8-byte header present */
};

struct icmp_hdr {
	uint16_t off;
	bool v6;
	uint8_t type, code;
	uint16_t cksum, cksum_calc;
	enum cks_status cks;
	uint16_t id, seq;     /* echo */
	uint32_t rest;        /* the second word: gateway, mtu, pointer */
	uint32_t len;         /* message length per IP header */
	bool quotes;          /* an error message carrying an IP packet */
	bool partial;         /* cut short: only the first `have` bytes were read */
	uint8_t have;         /* bytes of the 8-byte header present (quoted: 4) */
};

enum net_kind { NET_NONE = 0, NET_IP4, NET_IP6, NET_ARP, NET_OTHER };
enum l4_kind { L4_NONE = 0, L4_TCP, L4_UDP, L4_ICMP, L4_OTHER };

/* Network and transport layer: the outer packet, or the one an ICMP error
 * quotes. */
struct pkt_net {
	enum net_kind kind;
	enum l4_kind l4;
	struct ip_hdr ip;
	struct arp_hdr arp;
	struct tcp_hdr tcp;
	struct udp_hdr udp;
	struct icmp_hdr icmp;
	uint32_t payload_off, payload_caplen;
};

struct pkt {
	const uint8_t *data;
	uint32_t caplen, len;
	struct link_hdr link;
	struct pkt_net net;
	bool has_quoted;
	struct pkt_net quoted;
	struct pkt_err err;
};

/* Decodes one frame. Returns 0, or -1 when a header broke (pkt->err says
 * where); the layers before it are filled in either case. A link type we do
 * not decode is no error: link.type LINK_UNKNOWN, net.kind NET_NONE. */
int pkt_decode(enum link_type lt, const uint8_t *p, size_t caplen, size_t len, struct pkt *pkt);

/* The per-layer parsers pkt_decode is made of. c starts at the header; the
 * frame start pkt->data gives the error offsets. */
int pkt_link_parse(struct pkt *pkt, enum link_type lt, struct cursor *c);
int pkt_net_parse(struct pkt *pkt, struct pkt_net *net, uint16_t ethertype, struct cursor *c,
	      bool quoted);
int pkt_ip4_parse(struct pkt *pkt, struct pkt_net *net, struct cursor *c, bool quoted);
int pkt_ip6_parse(struct pkt *pkt, struct pkt_net *net, struct cursor *c, bool quoted);
int pkt_arp_parse(struct pkt *pkt, struct arp_hdr *arp, struct cursor *c);
int pkt_tcp_parse(struct pkt *pkt, struct pkt_net *net, struct cursor *c, bool quoted);
int pkt_udp_parse(struct pkt *pkt, struct pkt_net *net, struct cursor *c, bool quoted);
int pkt_icmp_parse(struct pkt *pkt, struct pkt_net *net, struct cursor *c, bool v6, bool quoted);

/* Records the first error at cursor position c; returns -1. */
int pkt_fail(struct pkt *pkt, const struct cursor *c, enum pkt_err_kind kind, const char *what,
	     const char *why);

/* Internet checksum helpers. */
uint32_t pkt_cksum_add(uint32_t sum, struct cursor c);
uint16_t pkt_cksum_fold(uint32_t sum);
/* Pseudo-header sum (not folded) for an IPv4/IPv6 upper layer; IPv6 with a
 * routing header covers its final destination. */
uint32_t pkt_cksum_pseudo(const struct ip_hdr *ip, uint8_t proto, uint32_t len);
/* Judges a checksum field from the sum over all covered bytes (field
 * included). pseudo (when the offload shortcut applies) is the pseudo-header
 * sum; *calc gets the value the field should hold. */
enum cks_status pkt_cksum_judge(uint32_t sum_all, uint16_t field, const uint32_t *pseudo,
			    uint16_t *calc);

/* Map a libpcap DLT value to our link type (LINK_UNKNOWN when not decoded). */
enum link_type pkt_link_from_dlt(int dlt);

#endif
