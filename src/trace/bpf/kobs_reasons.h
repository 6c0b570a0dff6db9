/* The kernel's own reasons, the BPF side: retransmissions (timeout, fast
 * retransmit, tail-loss probe), RSTs sent (with the kernel's reason) and
 * received, on the traced ports, sent up through the `events` ring buffer.
 * Included once, by kobs.bpf.c, after its maps and helpers. */
#ifndef SOCKLAB_TRACE_BPF_KOBS_REASONS_H
#define SOCKLAB_TRACE_BPF_KOBS_REASONS_H

#define ICSK_TIME_LOSS_PROBE 5 /* include/net/inet_connection_sock.h */
#define TCPHDR_SYN 0x02
#define TCPHDR_ACK 0x10

/* The event's endpoints from a socket, local first. */
static __always_inline void ev_from_sock(struct kobs_event *e, const struct sock *sk)
{
	e->family = BPF_CORE_READ(sk, __sk_common.skc_family);
	e->sport = BPF_CORE_READ(sk, __sk_common.skc_num);
	e->dport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	e->state = BPF_CORE_READ(sk, __sk_common.skc_state);
	if (e->family == AF_INET6) {
		BPF_CORE_READ_INTO(&e->saddr, sk, __sk_common.skc_v6_rcv_saddr);
		BPF_CORE_READ_INTO(&e->daddr, sk, __sk_common.skc_v6_daddr);
	} else {
		BPF_CORE_READ_INTO((__u32 *)e->saddr, sk, __sk_common.skc_rcv_saddr);
		BPF_CORE_READ_INTO((__u32 *)e->daddr, sk, __sk_common.skc_daddr);
	}
}

static __always_inline bool ev_watched(const struct kobs_event *e)
{
	return port_watched(e->sport) || port_watched(e->dport);
}

SEC("tp_btf/tcp_retransmit_skb")
int BPF_PROG(kobs_retrans, const struct sock *sk, const struct sk_buff *skb)
{
	struct inet_connection_sock *icsk = (struct inet_connection_sock *)sk;
	struct kobs_event *e;
	__u8 ca, timer;

	/* 6.13+ also trace a retransmission that failed */
	if (bpf_core_field_exists(struct trace_event_raw_tcp_retransmit_skb, err) && (int)ctx[2])
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof *e, 0);
	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof *e);
	ev_from_sock(e, sk);
	if (!ev_watched(e)) {
		bpf_ringbuf_discard(e, 0);
		return 0;
	}
	e->ts = bpf_ktime_get_ns();
	e->kind = KOBS_EV_RETRANS;
	/* TCP_SKB_CB(skb)->seq: the first word of skb->cb */
	bpf_core_read(&e->seq, sizeof e->seq, &skb->cb[0]);
	ca = (__u8)BPF_CORE_READ_BITFIELD_PROBED(icsk, icsk_ca_state);
	timer = BPF_CORE_READ(icsk, icsk_pending);
	if (ca == TCP_CA_Loss)
		e->reason = KOBS_RT_TIMEOUT;
	else if (ca == TCP_CA_Recovery || ca == TCP_CA_Disorder)
		e->reason = KOBS_RT_FAST;
	else if (timer == ICSK_TIME_LOSS_PROBE)
		e->reason = KOBS_RT_PROBE;
	else
		e->reason = KOBS_RT_OTHER;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/* A RST answering skb goes back to where skb came from. */
static __always_inline int ev_from_reply(struct kobs_event *e, const struct sk_buff *skb)
{
	unsigned char *head = BPF_CORE_READ(skb, head);
	__u16 nh = BPF_CORE_READ(skb, network_header), th = BPF_CORE_READ(skb, transport_header);
	__u8 ip[40], tcp[14];

	if (bpf_probe_read_kernel(ip, 1, head + nh) || bpf_probe_read_kernel(tcp, 14, head + th))
		return -1;
	if ((ip[0] >> 4) == 4) {
		if (bpf_probe_read_kernel(ip, 20, head + nh))
			return -1;
		e->family = AF_INET;
		__builtin_memcpy(e->daddr, ip + 12, 4);
		__builtin_memcpy(e->saddr, ip + 16, 4);
	} else {
		if (bpf_probe_read_kernel(ip, 40, head + nh))
			return -1;
		e->family = AF_INET6;
		__builtin_memcpy(e->daddr, ip + 8, 16);
		__builtin_memcpy(e->saddr, ip + 24, 16);
	}
	e->dport = (__u16)(tcp[0] << 8 | tcp[1]);
	e->sport = (__u16)(tcp[2] << 8 | tcp[3]);
	e->syn = (tcp[13] & TCPHDR_SYN) != 0;
	/* the RST's seq is the ACK it answers, when there is one */
	if (tcp[13] & TCPHDR_ACK)
		e->seq = (__u32)tcp[8] << 24 | (__u32)tcp[9] << 16 | (__u32)tcp[10] << 8 | tcp[11];
	return 0;
}

SEC("tp_btf/tcp_send_reset")
int BPF_PROG(kobs_rst_sent, const struct sock *sk, const struct sk_buff *skb)
{
	struct kobs_event *e = bpf_ringbuf_reserve(&events, sizeof *e, 0);

	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof *e);
	if (skb) {
		if (ev_from_reply(e, skb) < 0)
			goto drop;
		if (sk)
			e->state = BPF_CORE_READ(sk, __sk_common.skc_state);
	} else if (sk) {
		ev_from_sock(e, sk);
	} else {
		goto drop;
	}
	if (!ev_watched(e))
		goto drop;
	e->ts = bpf_ktime_get_ns();
	e->kind = KOBS_EV_RST_SENT;
	/* enum sk_rst_reason, 6.10+ */
	if (bpf_core_field_exists(struct trace_event_raw_tcp_send_reset, reason))
		e->reason = (__u32)ctx[2] + 1;
	bpf_ringbuf_submit(e, 0);
	return 0;
drop:
	bpf_ringbuf_discard(e, 0);
	return 0;
}

SEC("tp_btf/tcp_receive_reset")
int BPF_PROG(kobs_rst_recv, struct sock *sk)
{
	struct kobs_event *e = bpf_ringbuf_reserve(&events, sizeof *e, 0);

	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof *e);
	ev_from_sock(e, sk);
	if (!ev_watched(e)) {
		bpf_ringbuf_discard(e, 0);
		return 0;
	}
	e->ts = bpf_ktime_get_ns();
	e->kind = KOBS_EV_RST_RECV;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

#endif
