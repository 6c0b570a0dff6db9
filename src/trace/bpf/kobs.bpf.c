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
 *    on the traced ports, go up through the `events` ring buffer
 *    (kobs_reasons.h).
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

#include "kobs_reasons.h"
