// SPDX-License-Identifier: (MIT OR GPL-2.0)
/* trace's kernel observer, loaded as root beside the packet capture.
 *
 * 1. The capture keeps only the traced programs' packets: the tracer puts
 *    its own pid in `tgids`, and every process it starts (and theirs) joins
 *    at fork; the local ports of their sockets enter `ports` before the
 *    first packet of the socket reaches the capture tap (the SYN of a
 *    connect, a UDP datagram: net_dev_queue fires before
 *    dev_queue_xmit_nit), or when bind()/listen() return. The socket filter
 *    on the capture's packet socket keeps a frame when one of its ports
 *    (or of the datagram an ICMP error quotes) is in `ports`.
 * 2. The kernel's own reasons: retransmissions (timeout, fast retransmit,
 *    tail-loss probe), RSTs sent (with the kernel's reason) and received,
 *    on the traced ports, go up through the `events` ring buffer.
 *
 * Tracepoints only (tp_btf, raw_tp): no kprobes. */
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "kobs.h"

#define KOBS_LOAD(ctx, off, buf, len) bpf_skb_load_bytes(ctx, off, buf, len)
#include "kobs_parse.h"

#define AF_INET 2
#define AF_INET6 10
#define ICSK_TIME_LOSS_PROBE 5
#define TCPHDR_SYN 0x02
#define TCPHDR_ACK 0x10

char LICENSE[] SEC("license") = "Dual MIT/GPL";

/* Set by user space before the load. */
const volatile __u32 link_kind = KOBS_LINK_ETH;
const volatile long nr_bind = -1, nr_listen = -1;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, KOBS_TGIDS_MAX);
	__type(key, __u32);
	__type(value, __u8);
} tgids SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, KOBS_PORTS_MAX);
	__type(key, __u16);
	__type(value, __u8);
} ports SEC(".maps");

/* The fd of a bind() or listen() in progress, by thread. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u32);
} pending SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, KOBS_RING_BYTES);
} events SEC(".maps");

static const __u8 one = 1;

/* Set when a map was full: a process or port went unwatched, so the
 * capture may miss some of the trace's packets. */
__u32 map_full = 0;

static __always_inline bool traced(void)
{
	__u32 tgid = (__u32)(bpf_get_current_pid_tgid() >> 32);

	return bpf_map_lookup_elem(&tgids, &tgid) != NULL;
}

static __always_inline void port_add(__u16 port)
{
	if (port && !bpf_map_lookup_elem(&ports, &port) &&
	    bpf_map_update_elem(&ports, &port, &one, BPF_ANY))
		map_full = 1;
}

static __always_inline bool port_watched(__u16 port)
{
	return bpf_map_lookup_elem(&ports, &port) != NULL;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(kobs_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = BPF_CORE_READ(parent, tgid), ctgid = BPF_CORE_READ(child, tgid);

	if (ptgid != ctgid && bpf_map_lookup_elem(&tgids, &ptgid) &&
	    bpf_map_update_elem(&tgids, &ctgid, &one, BPF_ANY))
		map_full = 1;
	return 0;
}

/* A traced socket's first packet: the SYN of a connect (sent by the
 * connect call, so `current` is the program; a socket in SYN_SENT is
 * never someone else's reply sent from a softirq), or a UDP datagram. */
SEC("tp_btf/net_dev_queue")
int BPF_PROG(kobs_xmit, struct sk_buff *skb)
{
	struct sock *sk;
	__u16 family, proto;
	__u8 state;

	if (!traced())
		return 0;
	sk = BPF_CORE_READ(skb, sk);
	if (!sk)
		return 0;
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (family != AF_INET && family != AF_INET6)
		return 0;
	proto = BPF_CORE_READ(sk, sk_protocol);
	state = BPF_CORE_READ(sk, __sk_common.skc_state);
	if (proto == IPPROTO_UDP || (proto == IPPROTO_TCP && state == TCP_SYN_SENT))
		port_add(BPF_CORE_READ(sk, __sk_common.skc_num));
	return 0;
}

SEC("raw_tp/sys_enter")
int BPF_PROG(kobs_sys_enter, struct pt_regs *regs, long id)
{
	__u32 tid, fd;

	if ((id != nr_bind && id != nr_listen) || !traced())
		return 0;
	tid = (__u32)bpf_get_current_pid_tgid();
	fd = (__u32)PT_REGS_PARM1_CORE_SYSCALL(regs);
	bpf_map_update_elem(&pending, &tid, &fd, BPF_ANY);
	return 0;
}

/* A bind() or listen() that worked: the socket's local port, read from
 * the fd table (the file's socket, checked to point back at the file). */
SEC("raw_tp/sys_exit")
int BPF_PROG(kobs_sys_exit, struct pt_regs *regs, long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u32 *fdp = bpf_map_lookup_elem(&pending, &tid);
	struct task_struct *task;
	struct fdtable *fdt;
	struct file **fds, *f = NULL;
	struct socket *so;
	struct sock *sk;
	__u32 fd;

	if (!fdp)
		return 0;
	fd = *fdp;
	bpf_map_delete_elem(&pending, &tid);
	if (ret != 0)
		return 0;
	task = bpf_get_current_task_btf();
	fdt = BPF_CORE_READ(task, files, fdt);
	if (!fdt || fd >= BPF_CORE_READ(fdt, max_fds))
		return 0;
	fds = BPF_CORE_READ(fdt, fd);
	if (bpf_core_read(&f, sizeof f, &fds[fd]) || !f)
		return 0;
	so = BPF_CORE_READ(f, private_data);
	if (!so || BPF_CORE_READ(so, file) != f)
		return 0;
	sk = BPF_CORE_READ(so, sk);
	if (!sk)
		return 0;
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (family == AF_INET || family == AF_INET6)
		port_add(BPF_CORE_READ(sk, __sk_common.skc_num));
	return 0;
}

SEC("socket")
int kobs_filter(struct __sk_buff *skb)
{
	struct kobs_ports p = {};

	if (!kobs_frame_ports(skb, link_kind, &p))
		return 0;
	if (port_watched(p.sport) || port_watched(p.dport))
		return skb->len;
	return 0;
}

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
