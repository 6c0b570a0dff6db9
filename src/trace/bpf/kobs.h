/* What trace's kernel observer (kobs.bpf.c) and its user-space side
 * (trace/kobs.c) share: the map sizes, the link kinds the capture filter
 * knows, and the events it sends up through the ring buffer. Included by
 * both the BPF program (vmlinux.h types) and user space (linux/types.h). */
#ifndef SOCKLAB_TRACE_BPF_KOBS_H
#define SOCKLAB_TRACE_BPF_KOBS_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define KOBS_TGIDS_MAX 8192   /* traced processes */
#define KOBS_PORTS_MAX 8192   /* local ports of their sockets */
#define KOBS_RING_BYTES (256 * 1024)

/* Where the network header starts in a captured frame. */
enum kobs_link {
	KOBS_LINK_ETH = 1,    /* Ethernet (loopback too), VLAN tags skipped */
	KOBS_LINK_L3 = 2,     /* the frame starts with the IP header (cooked, raw) */
};

enum kobs_kind {
	KOBS_EV_RETRANS = 1,  /* the kernel retransmitted a segment */
	KOBS_EV_RST_SENT = 2, /* the kernel sent a RST */
	KOBS_EV_RST_RECV = 3, /* a socket received a RST */
};

/* Why a segment was retransmitted: the socket's congestion state and
 * timer at the tracepoint. */
enum kobs_retrans {
	KOBS_RT_OTHER = 0,
	KOBS_RT_TIMEOUT = 1,  /* TCP_CA_Loss: the retransmission timer fired */
	KOBS_RT_FAST = 2,     /* TCP_CA_Recovery/Disorder: duplicate ACKs, SACK */
	KOBS_RT_PROBE = 3,    /* the tail-loss probe timer */
};

/* One thing the kernel did on its own. Addresses are in network order,
 * ports and seq in host order; src/dst are those of the packet the kernel
 * sent (for a RST received: of the socket that received it, local first). */
struct kobs_event {
	__u64 ts;             /* CLOCK_MONOTONIC, ns */
	__u32 kind;           /* enum kobs_kind */
	__u32 reason;         /* enum kobs_retrans, or enum sk_rst_reason + 1 (0: unknown) */
	__u32 seq;
	__u16 family;         /* AF_INET or AF_INET6 */
	__u16 sport, dport;
	__u8 state;           /* the socket's TCP state, 0 without a socket */
	__u8 syn;             /* a RST sent answers a SYN */
	__u8 saddr[16], daddr[16];
};

#endif
