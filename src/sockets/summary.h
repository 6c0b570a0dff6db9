/* ss -s: the kernel's socket counters from /proc/net/sockstat, sockstat6
 * and the Tcp CurrEstab of /proc/net/snmp, printed as ss prints them. The
 * parsers and the formatter are pure; sockets_summary_read does the I/O. */
#ifndef SOCKLAB_SOCKETS_SUMMARY_H
#define SOCKLAB_SOCKETS_SUMMARY_H

#include <jansson.h>
#include <stddef.h>

#define SOCKETS_SUMMARY_LINES 10
#define SOCKETS_SUMMARY_LINE_MAX 96

struct sockets_summary {
	long socks;                          /* sockets: used */
	long tcp4, tcp_orphans, tcp_tws, tcp_total; /* TCP: inuse orphan tw alloc */
	long tcp6;                           /* TCP6: inuse */
	long udp4, udp6, raw4, raw6, frag4, frag6;
	long tcp_estab;                      /* Tcp: CurrEstab */
};

/* Adds what the text of /proc/net/sockstat or sockstat6 says to s. */
void sockets_summary_parse_sockstat(const char *text, struct sockets_summary *s);
/* CurrEstab from the text of /proc/net/snmp: 0, or -1 when missing. */
int sockets_summary_parse_snmp(const char *text, long *estab);

/* The lines ss -s prints (without newlines): returns how many. */
int sockets_summary_format(const struct sockets_summary *s,
			   char lines[SOCKETS_SUMMARY_LINES][SOCKETS_SUMMARY_LINE_MAX]);
/* {"type":"summary","total":..,"tcp":{...},"transport":{...}} */
json_t *sockets_summary_json(const struct sockets_summary *s);

/* Reads the three files: 0, or -1 with a reason in why. */
int sockets_summary_read(struct sockets_summary *s, char *why, size_t whylen);

#endif
