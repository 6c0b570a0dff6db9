// SPDX-License-Identifier: (MIT OR GPL-2.0)
/* tcplab's kernel recorder, loaded as root by the lab's process before the
 * sender starts. Three TCP tracepoints, kept in the kernel to the lab's
 * sender (its network namespace, by inode, and the receiver's port as its
 * destination: the tracepoints fire in every namespace, and the receiver's
 * own socket, in another namespace, is left out too), and sent up through
 * the `events` ring buffer (bpf/probe.h):
 *
 * - tcp:tcp_probe: one sample per segment that comes in on the connection
 *   (for a bulk sender, per ACK), with the tcp_sock as the kernel has it
 *   before it processes the segment — what the tracepoint itself reports;
 * - tcp:tcp_cong_state_set: each change of the congestion state (Open,
 *   Disorder, CWR, Recovery, Loss), old and new;
 * - tcp:tcp_retransmit_skb: each retransmitted segment, its seq.
 *
 * Tracepoints only (tp_btf): no kprobes, no tracefs. */
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "probe.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

/* Set by user space before the load. */
const volatile __u32 netns_ino = 0;   /* the sender's network namespace */
const volatile __u16 dport = 0;       /* the receiver's port */

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, PROBE_RING_BYTES);
} events SEC(".maps");

/* Records the ring had no room for. */
__u64 lost = 0;

static __always_inline bool lab_sock(const struct sock *sk)
{
	if (!sk || BPF_CORE_READ(sk, __sk_common.skc_dport) != bpf_htons(dport))
		return false;
	return BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum) == netns_ino;
}

/* A record with the socket's state filled in; NULL when the ring is full. */
static __always_inline struct probe_rec *rec_new(struct sock *sk, __u32 kind)
{
	const struct tcp_sock *tp = (const struct tcp_sock *)sk;
	struct inet_connection_sock *icsk = (struct inet_connection_sock *)sk;
	struct probe_rec *r = bpf_ringbuf_reserve(&events, sizeof *r, 0);

	if (!r) {
		__sync_fetch_and_add(&lost, 1);
		return NULL;
	}
	__builtin_memset(r, 0, sizeof *r);
	r->ts = bpf_ktime_get_ns();
	r->cookie = bpf_get_socket_cookie(sk);
	r->kind = kind;
	r->snd_cwnd = BPF_CORE_READ(tp, snd_cwnd);
	r->snd_ssthresh = BPF_CORE_READ(tp, snd_ssthresh);
	r->srtt_us = BPF_CORE_READ(tp, srtt_us) >> 3;
	r->mdev_us = BPF_CORE_READ(tp, mdev_us) >> 2;
	r->snd_una = BPF_CORE_READ(tp, snd_una);
	r->snd_nxt = BPF_CORE_READ(tp, snd_nxt);
	r->snd_wnd = BPF_CORE_READ(tp, snd_wnd);
	r->rcv_wnd = BPF_CORE_READ(tp, rcv_wnd);
	r->mss = BPF_CORE_READ(tp, mss_cache);
	r->packets_out = BPF_CORE_READ(tp, packets_out);
	r->retrans_out = BPF_CORE_READ(tp, retrans_out);
	r->lost_out = BPF_CORE_READ(tp, lost_out);
	r->sacked_out = BPF_CORE_READ(tp, sacked_out);
	r->total_retrans = BPF_CORE_READ(tp, total_retrans);
	r->sport = BPF_CORE_READ(sk, __sk_common.skc_num);
	r->dport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	r->ca_state = (__u8)BPF_CORE_READ_BITFIELD_PROBED(icsk, icsk_ca_state);
	return r;
}

SEC("tp_btf/tcp_probe")
int BPF_PROG(tl_probe, struct sock *sk, const struct sk_buff *skb)
{
	struct probe_rec *r;
	unsigned char *head;
	__u16 th;
	__u8 doff = 0;

	if (!lab_sock(sk))
		return 0;
	r = rec_new(sk, PROBE_SAMPLE);
	if (!r)
		return 0;
	/* as the tracepoint: skb->len less the TCP header (doff, byte 12) */
	head = BPF_CORE_READ(skb, head);
	th = BPF_CORE_READ(skb, transport_header);
	bpf_probe_read_kernel(&doff, 1, head + th + 12);
	r->data_len = (__u16)(BPF_CORE_READ(skb, len) - (__u32)(doff >> 4) * 4);
	bpf_ringbuf_submit(r, 0);
	return 0;
}

SEC("tp_btf/tcp_cong_state_set")
int BPF_PROG(tl_cong_state, struct sock *sk, const __u8 ca_state)
{
	struct inet_connection_sock *icsk = (struct inet_connection_sock *)sk;
	struct probe_rec *r;

	if (!lab_sock(sk) || (__u8)BPF_CORE_READ_BITFIELD_PROBED(icsk, icsk_ca_state) == ca_state)
		return 0;
	r = rec_new(sk, PROBE_CONG_STATE);
	if (!r)
		return 0;
	r->new_state = ca_state;
	bpf_ringbuf_submit(r, 0);
	return 0;
}

SEC("tp_btf/tcp_retransmit_skb")
int BPF_PROG(tl_retransmit, struct sock *sk, const struct sk_buff *skb)
{
	struct probe_rec *r;

	/* 6.13+ also trace a retransmission that failed */
	if (bpf_core_field_exists(struct trace_event_raw_tcp_retransmit_skb, err) && (int)ctx[2])
		return 0;
	if (!lab_sock(sk))
		return 0;
	r = rec_new(sk, PROBE_RETRANSMIT);
	if (!r)
		return 0;
	/* TCP_SKB_CB(skb): seq, then end_seq, the first words of skb->cb */
	bpf_core_read(&r->seq, sizeof r->seq, &skb->cb[0]);
	bpf_core_read(&r->end_seq, sizeof r->end_seq, &skb->cb[4]);
	bpf_ringbuf_submit(r, 0);
	return 0;
}
