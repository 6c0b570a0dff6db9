/* What tcplab's kernel recorder (probe.bpf.c) and its user-space side
 * (tcplab/rec_bpf.c) share: the records it sends up through the ring
 * buffer. Included by both the BPF program (vmlinux.h types) and user
 * space (linux/types.h). */
#ifndef SOCKLAB_TCPLAB_BPF_PROBE_H
#define SOCKLAB_TCPLAB_BPF_PROBE_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define PROBE_RING_BYTES (16 * 1024 * 1024)

enum probe_kind {
	PROBE_SAMPLE = 1,     /* tcp:tcp_probe: an ACK (any segment) came in */
	PROBE_CONG_STATE = 2, /* tcp:tcp_cong_state_set: the congestion state changes */
	PROBE_RETRANSMIT = 3, /* tcp:tcp_retransmit_skb: a segment went out again */
};

/* One record: the sender's tcp_sock at the tracepoint (before the
 * kernel processes the ACK, for a sample; before the state changes, for a
 * cong_state). Ports in host order, seqs as the kernel keeps them. */
struct probe_rec {
	__u64 ts;             /* CLOCK_MONOTONIC, ns */
	__u64 cookie;         /* the socket's cookie (sock_gen_cookie) */
	__u32 kind;           /* enum probe_kind */
	__u32 snd_cwnd, snd_ssthresh;
	__u32 srtt_us;        /* smoothed RTT, µs (the kernel keeps it ×8) */
	__u32 mdev_us;        /* mean deviation, µs (×4 in the kernel) */
	__u32 snd_una, snd_nxt;
	__u32 snd_wnd, rcv_wnd;
	__u32 mss;            /* tp->mss_cache */
	__u32 packets_out, retrans_out, lost_out, sacked_out, total_retrans;
	__u32 seq, end_seq;   /* retransmit: the segment's */
	__u16 sport, dport;
	__u16 data_len;       /* sample: payload of the incoming segment */
	__u8 ca_state;        /* the state before (cong_state: the old one) */
	__u8 new_state;       /* cong_state: the new one */
};

#endif
