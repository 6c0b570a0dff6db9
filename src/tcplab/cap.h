/* The lab's packets: a live capture (pkt/live) on the sender's veth,
 * opened from inside the sender's namespace, each frame decoded with
 * pkt_decode into a struct tl_seg; the first SYN and SYN-ACK of each
 * connection kept whole (the handshake explains their bytes); --pcap. */
#ifndef SOCKLAB_TCPLAB_CAP_H
#define SOCKLAB_TCPLAB_CAP_H

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "pkt/packet.h"
#include "tcplab/segs.h"

#define TL_CAP_SEGS_MAX 200000
#define TL_CAP_SYNS_MAX 16

struct tl_capseg {
	uint16_t port;              /* the sender's port: which connection */
	struct tl_seg s;
};

struct tl_synframe {
	uint16_t port;
	bool synack;
	struct tcp_hdr tcp;         /* decoded */
	uint8_t opts[40];           /* the option bytes as sent */
	size_t nopts;
};

struct tl_cap {
	pcap_t *p;
	pcap_dumper_t *dump;
	int dlt;
	struct tl_capseg *v;
	size_t n;
	struct tl_synframe syn[TL_CAP_SYNS_MAX];
	size_t nsyn;
	uint64_t frames;
};

/* Opens the capture on ifname in namespace ns; pcap_path (or NULL) keeps
 * every frame. -1 after the error line. */
int tl_cap_open(struct tl_cap *c, const char *ns, const char *ifname, const char *pcap_path);
/* Takes what the kernel has (bounded); waits up to wait_ms for more. */
void tl_cap_drain(struct tl_cap *c, int wait_ms);
void tl_cap_close(struct tl_cap *c);
/* Waits for the child pid up to timeout_ms, draining the capture the
 * while; its exit status, or -1 (then it was killed). */
int tl_cap_wait_peer(struct tl_cap *c, pid_t pid, uint64_t timeout_ms);

/* The segments of the connection from the sender's port into a new array
 * (caller frees); *n their count. Time in CLOCK_MONOTONIC µs as the
 * samples, when the capture's stamps are wall-clock: converted. */
struct tl_seg *tl_cap_conn(const struct tl_cap *c, uint16_t port, size_t *n);
/* The SYN (synack false) or SYN-ACK of that connection, or NULL. */
const struct tl_synframe *tl_cap_syn(const struct tl_cap *c, uint16_t port, bool synack);

#endif
