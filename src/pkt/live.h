/* Opening a live capture with libpcap: the settings capture and trace
 * share, and one clear line for each way opening fails. */
#ifndef SOCKLAB_DECODE_LIVE_H
#define SOCKLAB_DECODE_LIVE_H

#include <pcap/pcap.h>
#include <stdbool.h>

struct live_opts {
	const char *iface;
	int snaplen;
	int timeout_ms;      /* how long the kernel may hold a half-filled block */
	int buffer_bytes;    /* the kernel's ring */
	bool nanoseconds;    /* stamps in ns (tv_usec then holds nanoseconds) */
};

/* An activated, not promiscuous capture, or NULL after the error line. */
pcap_t *pkt_live_open(const struct live_opts *o);

#endif
