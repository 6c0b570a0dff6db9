/* TIME_WAIT as /proc/net/tcp shows it: the line of a local port in state
 * 06 and its timer (type 3, ticks left); and counting a port's sockets in
 * a state (the half-open entries of a SYN flood). Pure: the parsing of the
 * text. */
#ifndef SOCKLAB_TCPLAB_TWSTATE_H
#define SOCKLAB_TCPLAB_TWSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tl_twline {
	bool found;
	unsigned state;             /* 6: TIME_WAIT */
	unsigned timer;             /* 3: the TIME_WAIT timer */
	uint64_t left_ticks;        /* clock ticks (USER_HZ) until it fires */
};

/* Looks for the socket on local port in /proc/net/tcp's text. */
void tl_tw_find(const char *text, uint16_t port, struct tl_twline *out);
/* How many sockets on local port are in state st (3: SYN_RECV, the
 * half-open entries of a listener). */
size_t tl_tcp_count_state(const char *text, uint16_t port, unsigned st);

#endif
