// SPDX-License-Identifier: GPL-2.0
/* The kernel side of trace's eBPF backend: tracepoints only (sys_enter,
 * sys_exit and the sched_process_* ones, as tp_btf), no kprobes. A hash of
 * traced tgids decides what is seen: children join it at fork, processes
 * leave it at exit. At sys_enter of a socket call the arguments are kept
 * per thread (and an "entered" event goes out for a call that may block);
 * at sys_exit one event carries the times, the result, the socket's facts
 * read from the fd's struct sock and what the call's user memory held.
 * Everything goes to user space (ebpf_*.c) through one ring buffer. */
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "calls.h"

char LICENSE[] SEC("license") = "GPL";

extern int CONFIG_HZ __kconfig __weak;

/* When user space began following a running process (-p): the entry time
 * given to a call that was already waiting then. */
__u64 t_attach = 0;

/* Whether calls carry their user stack (bpf_get_stack): off until the
 * call log writes source locations for this backend (it costs a walk of
 * the user stack per call). Set before load. */
const volatile bool capture_stack = false;

#define AF_INET 2
#define AF_INET6 10
#define IPPROTO_TCP 6
#define S_IFMT 0170000
#define S_IFSOCK 0140000
#define EINVAL 22
#define EFAULT 14

/* The calls' flags: only on a socket fd; write an entered event. */
#define F_SOCK 1
#define F_BLOCK 2

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u32);
} tgids SEC(".maps");

/* What sys_enter kept for sys_exit, per thread. */
struct pending {
	__u32 active;       /* a call is kept here */
	__u32 call;
	__s32 fd;
	long nr;            /* the syscall's number */
	__u32 restarting;   /* it returned -ERESTART*: the kernel may re-enter it */
	__u32 pad;
	__u64 t_restart;    /* when it returned so */
	__u64 t_enter;
	__u64 arg[6];
	__u64 tmo;
	__u32 cap;          /* an out-address buffer's size at entry */
	__s32 nstack;
	struct tr_bpf_sock sock; /* close: before the call */
	__u64 stack[TR_BPF_STACK_MAX];
	__u64 rd_in[TR_BPF_FDSET_WORDS], wr_in[TR_BPF_FDSET_WORDS];
};

/* Per thread, in the task itself (no hash insert and delete per call). */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct pending);
} pendings SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pending);
} pend_scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tr_bpf_call_ev);
} ev_scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tr_bpf_proc);
} proc_scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20);
} events SEC(".maps");

/* Counts user space reports: [0] events the ring buffer had no room for,
 * [1] processes not followed because tgids was full. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} lost SEC(".maps");

/* Waking trace for each event would cost a context switch per call: trace
 * drains the ring buffer on its 5 ms tick, and is woken only when the
 * buffer fills past an eighth. */
#define WAKE_BYTES (1 << 20)

static __always_inline __u64 rb_flags(void)
{
	return bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) < WAKE_BYTES ? BPF_RB_NO_WAKEUP
									    : BPF_RB_FORCE_WAKEUP;
}

static __always_inline void count(__u32 k)
{
	__u64 *v = bpf_map_lookup_elem(&lost, &k);

	if (v)
		__sync_fetch_and_add(v, 1);
}

static __always_inline void count_lost(void)
{
	__u32 k = 0;
	__u64 *v = bpf_map_lookup_elem(&lost, &k);

	if (v)
		__sync_fetch_and_add(v, 1);
}

static __always_inline bool traced(void)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;

	return bpf_map_lookup_elem(&tgids, &tgid) != NULL;
}

/* x86_64's syscall numbers -> the recorded call and its flags. Other
 * architectures record nothing yet (user space says so). */
static __always_inline __u32 sys_call(long nr, __u32 *flags)
{
#if defined(__TARGET_ARCH_x86)
	switch (nr) {
	case 0: *flags = F_SOCK | F_BLOCK; return TR_BC_READ;
	case 1: *flags = F_SOCK; return TR_BC_WRITE;
	case 3: *flags = F_SOCK; return TR_BC_CLOSE;
	case 7: *flags = F_BLOCK; return TR_BC_POLL;
	case 19: *flags = F_SOCK | F_BLOCK; return TR_BC_READV;
	case 20: *flags = F_SOCK; return TR_BC_WRITEV;
	case 23: *flags = F_BLOCK; return TR_BC_SELECT;
	case 40: *flags = F_SOCK; return TR_BC_SENDFILE;
	case 41: *flags = 0; return TR_BC_SOCKET;
	case 42: *flags = F_SOCK | F_BLOCK; return TR_BC_CONNECT;
	case 43: *flags = F_SOCK | F_BLOCK; return TR_BC_ACCEPT;
	case 44: *flags = F_SOCK; return TR_BC_SENDTO;
	case 45: *flags = F_SOCK | F_BLOCK; return TR_BC_RECVFROM;
	case 46: *flags = F_SOCK; return TR_BC_SENDMSG;
	case 47: *flags = F_SOCK | F_BLOCK; return TR_BC_RECVMSG;
	case 48: *flags = F_SOCK; return TR_BC_SHUTDOWN;
	case 49: *flags = F_SOCK; return TR_BC_BIND;
	case 50: *flags = F_SOCK; return TR_BC_LISTEN;
	case 51: *flags = F_SOCK; return TR_BC_GETSOCKNAME;
	case 52: *flags = F_SOCK; return TR_BC_GETPEERNAME;
	case 54: *flags = F_SOCK; return TR_BC_SETSOCKOPT;
	case 232: *flags = F_BLOCK; return TR_BC_EPOLL_WAIT;  /* epoll_wait */
	case 270: *flags = F_BLOCK; return TR_BC_SELECT;      /* pselect6 */
	case 271: *flags = F_BLOCK; return TR_BC_PPOLL;
	case 275: *flags = F_SOCK; return TR_BC_SPLICE;
	case 281: *flags = F_BLOCK; return TR_BC_EPOLL_WAIT;  /* epoll_pwait */
	case 288: *flags = F_SOCK | F_BLOCK; return TR_BC_ACCEPT4;
	case 299: *flags = F_SOCK | F_BLOCK; return TR_BC_RECVMMSG;
	case 307: *flags = F_SOCK; return TR_BC_SENDMMSG;
	case 441: *flags = F_BLOCK; return TR_BC_EPOLL_WAIT;  /* epoll_pwait2 */
	}
#endif
	return TR_BC_NONE;
}

static __always_inline struct sock *fd_sock(int fd, __u16 *type)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds;
	struct file *f = NULL;
	struct socket *so;
	unsigned int max;
	umode_t mode;

	if (!fdt || fd < 0)
		return NULL;
	max = BPF_CORE_READ(fdt, max_fds);
	if ((unsigned int)fd >= max)
		return NULL;
	fds = BPF_CORE_READ(fdt, fd);
	if (bpf_probe_read_kernel(&f, sizeof f, &fds[fd]) < 0 || !f)
		return NULL;
	mode = BPF_CORE_READ(f, f_inode, i_mode);
	if ((mode & S_IFMT) != S_IFSOCK)
		return NULL;
	so = BPF_CORE_READ(f, private_data);
	if (!so)
		return NULL;
	*type = BPF_CORE_READ(so, type);
	return BPF_CORE_READ(so, sk);
}

static __always_inline bool is_socket(int fd)
{
	__u16 type;

	return fd_sock(fd, &type) != NULL;
}

/* The facts getsockname, getpeername, TCP_INFO and FIONREAD would give. */
static __always_inline void read_sock(int fd, struct tr_bpf_sock *s, bool at_close)
{
	__u16 type = 0;
	struct sock *sk = fd_sock(fd, &type);

	s->known = 0;
	s->wseq_ok = 0;
	s->unread = -1;
	s->linger = -1;
	if (!sk)
		return;
	s->known = 1;
	s->type = type;
	s->family = BPF_CORE_READ(sk, __sk_common.skc_family);
	s->proto = BPF_CORE_READ(sk, sk_protocol);
	s->state = BPF_CORE_READ(sk, __sk_common.skc_state);
	s->lport = BPF_CORE_READ(sk, __sk_common.skc_num);
	s->rport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	__builtin_memset(s->laddr, 0, sizeof s->laddr);
	__builtin_memset(s->raddr, 0, sizeof s->raddr);
	if (s->family == AF_INET) {
		__u32 a = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);

		if (!a)
			a = BPF_CORE_READ((struct inet_sock *)sk, inet_saddr);
		__builtin_memcpy(s->laddr, &a, 4);
		a = BPF_CORE_READ(sk, __sk_common.skc_daddr);
		__builtin_memcpy(s->raddr, &a, 4);
	} else if (s->family == AF_INET6) {
		BPF_CORE_READ_INTO(&s->laddr, sk, __sk_common.skc_v6_rcv_saddr);
		BPF_CORE_READ_INTO(&s->raddr, sk, __sk_common.skc_v6_daddr);
	}
	if ((s->family == AF_INET || s->family == AF_INET6) && s->type == 1 /* stream */ &&
	    s->proto == IPPROTO_TCP && s->state != TCP_LISTEN && s->state != TCP_CLOSE) {
		/* after a send: its last byte's sequence number plus one, as
		 * tcp_sendmsg left it (the packets carry the same numbers) */
		s->write_seq = BPF_CORE_READ((struct tcp_sock *)sk, write_seq);
		s->wseq_ok = 1;
	}
	if (!at_close)
		return;
	if ((s->family == AF_INET || s->family == AF_INET6) && s->type == 1 /* stream */ &&
	    s->proto == IPPROTO_TCP) {
		/* tcp_ioctl(SIOCINQ): none in LISTEN (EINVAL), 0 while connecting */
		if (s->state == TCP_LISTEN) {
			s->unread = -1;
		} else if (s->state == TCP_SYN_SENT || s->state == TCP_SYN_RECV) {
			s->unread = 0;
		} else {
			struct tcp_sock *tp = (struct tcp_sock *)sk;
			__u32 n = BPF_CORE_READ(tp, rcv_nxt) - BPF_CORE_READ(tp, copied_seq);
			unsigned long fl = BPF_CORE_READ(sk, __sk_common.skc_flags);

			if (n && (fl & (1UL << SOCK_DONE)))
				n--;
			s->unread = (__s32)(n & 0x7fffffff);
		}
	}
	{
		unsigned long fl = BPF_CORE_READ(sk, __sk_common.skc_flags);

		if (fl & (1UL << SOCK_LINGER)) {
			unsigned long lt = BPF_CORE_READ(sk, sk_lingertime);
			unsigned long hz = CONFIG_HZ > 0 ? (unsigned long)CONFIG_HZ : 1000;

			s->linger = (__s32)(lt / hz);
		}
	}
}

/* A user sockaddr of len bytes: an IPv6 one's 28 bytes, or an IPv4 one's
 * 16 (fixed sizes keep the verifier sure; the lines name inet addresses
 * only). */
static __always_inline __u32 read_addr(__u8 *dst, __u64 uptr, __u64 len)
{
	__u32 n = len >= 28 ? 28 : len >= 16 ? 16 : 0;

	if (!uptr || n == 0)
		return 0;
	if (n == 28) {
		if (bpf_probe_read_user(dst, 28, (void *)uptr) < 0)
			return 0;
	} else if (bpf_probe_read_user(dst, 16, (void *)uptr) < 0) {
		return 0;
	}
	return n;
}

static __always_inline __u32 read_u32(__u64 uptr, bool *ok)
{
	__u32 v = 0;

	*ok = uptr && bpf_probe_read_user(&v, sizeof v, (void *)uptr) == 0;
	return v;
}

/* The bytes of n iovecs (bounded: a longer vector counts its first 32). */
static __always_inline bool iov_sum(__u64 uptr, __u64 n, __u64 *sum)
{
	*sum = 0;
	if (!uptr && n)
		return false;
	for (int i = 0; i < 32; i++) {
		struct iovec v;

		if ((__u64)i >= n)
			break;
		if (bpf_probe_read_user(&v, sizeof v, (void *)(uptr + i * sizeof v)) < 0)
			return false;
		*sum += v.iov_len;
	}
	return true;
}

/* The first nfds bits of a user fd_set, a word at a time (the kernel
 * reads no more than that, and a shorter buffer is the program's right). */
static __always_inline void read_fdset(__u64 *dst, __u64 uptr, __u64 nfds)
{
	__builtin_memset(dst, 0, TR_BPF_FDSET_WORDS * 8);
	if (!uptr)
		return;
	for (int i = 0; i < TR_BPF_FDSET_WORDS; i++) {
		if ((__u64)i * 64 >= nfds)
			break;
		if (bpf_probe_read_user(&dst[i], 8, (void *)(uptr + i * 8)) < 0) {
			dst[i] = 0;
			break;
		}
	}
}

/* A timespec or timeval read as unsigned (BPF has no signed division;
 * a negative one is refused by the kernel anyway). */
struct kts {
	__u64 sec, nsec;
};

/* The pollfd array after the call (events are as given, revents filled),
 * an entry at a time. */
static __always_inline void read_poll(struct tr_bpf_call_ev *e, __u64 uptr, __u64 n)
{
	e->npoll = 0;
	if (!uptr)
		return;
	for (int i = 0; i < TR_BPF_POLL_MAX; i++) {
		if ((__u64)i >= n)
			break;
		if (bpf_probe_read_user(&e->poll[i], sizeof e->poll[i],
					(void *)(uptr + i * sizeof e->poll[i])) < 0)
			break;
		e->npoll = i + 1;
	}
}

static __always_inline void exit_args(struct tr_bpf_call_ev *e, struct pending *p, long ret)
{
	bool ok;

	switch (p->call) {
	case TR_BC_BIND:
	case TR_BC_CONNECT:
		e->addr_len = read_addr(e->addr, p->arg[1], p->arg[2]);
		break;
	case TR_BC_SENDTO:
		e->addr_len = read_addr(e->addr, p->arg[4], p->arg[5]);
		break;
	case TR_BC_ACCEPT:
	case TR_BC_ACCEPT4:
	case TR_BC_GETSOCKNAME:
	case TR_BC_GETPEERNAME:
		if (ret >= 0 && p->arg[1]) {
			__u32 len = read_u32(p->arg[2], &ok);

			if (ok)
				e->addr_len = read_addr(e->addr, p->arg[1], len < p->cap ? len : p->cap);
		}
		break;
	case TR_BC_RECVFROM:
		if (ret >= 0) {
			__u32 len = read_u32(p->arg[5], &ok);

			if (ok)
				e->addr_len = read_addr(e->addr, p->arg[4], len < p->cap ? len : p->cap);
		}
		break;
	case TR_BC_SENDMSG:
	case TR_BC_RECVMSG: {
		struct user_msghdr m;

		if (!p->arg[1] || bpf_probe_read_user(&m, sizeof m, (void *)p->arg[1]) < 0)
			break;
		e->val_ok = iov_sum((__u64)m.msg_iov, m.msg_iovlen, &e->val);
		if (p->call == TR_BC_SENDMSG)
			e->addr_len = read_addr(e->addr, (__u64)m.msg_name, m.msg_namelen);
		else if (ret >= 0 && m.msg_name)
			e->addr_len = read_addr(e->addr, (__u64)m.msg_name,
						m.msg_namelen < p->cap ? m.msg_namelen : p->cap);
		break;
	}
	case TR_BC_SENDMMSG:
	case TR_BC_RECVMMSG:
		if (ret > 0 && p->arg[1]) {
			__u64 sum = 0;

			for (int i = 0; i < 64; i++) {
				__u32 len;

				if (i >= ret || (__u64)i >= p->arg[2])
					break;
				/* struct mmsghdr: a msghdr, then msg_len */
				len = read_u32(p->arg[1] + i * 64 + 56, &ok);
				if (!ok)
					break;
				sum += len;
			}
			e->val = sum;
			e->val_ok = 1;
		}
		break;
	case TR_BC_READV:
	case TR_BC_WRITEV:
		e->val_ok = (long)p->arg[2] >= 0 && iov_sum(p->arg[1], p->arg[2], &e->val);
		break;
	case TR_BC_SETSOCKOPT:
		if (p->arg[3] && p->arg[4] == 4) {
			__u32 v = read_u32(p->arg[3], &ok);

			e->val = v;
			e->val_ok = ok;
		}
		break;
	}
}

/* The returned event of the call p, with ret, from the thread id. */
static __always_inline void emit_exit(struct pending *p, long ret, __u64 t_exit, __u64 id)
{
	__u32 k = 0;
	struct tr_bpf_call_ev *e = bpf_map_lookup_elem(&ev_scratch, &k);
	__u64 size = TR_BPF_CALL_HEAD_SIZE;

	if (!e)
		return;
	e->t_exit = t_exit;
	e->kind = TR_EV_CALL;
	e->call = p->call;
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->fd = p->fd;
	e->t_enter = p->t_enter;
	e->ret = ret;
	__builtin_memcpy(e->arg, p->arg, sizeof e->arg);
	e->tmo = p->tmo;
	e->val = 0;
	e->val_ok = 0;
	e->addr_len = 0;
	e->npoll = 0;
	e->nstack = p->nstack;
	__builtin_memcpy(e->stack, p->stack, sizeof e->stack);
	if (p->call == TR_BC_CLOSE)
		__builtin_memcpy(&e->sock, &p->sock, sizeof e->sock);
	else if (p->call == TR_BC_SOCKET || p->call == TR_BC_ACCEPT || p->call == TR_BC_ACCEPT4)
		read_sock(ret >= 0 ? (int)ret : -1, &e->sock, false);
	else if (p->fd >= 0 && p->call != TR_BC_EPOLL_WAIT)
		read_sock(p->fd, &e->sock, false);
	else
		e->sock.known = 0;
	if (ret != -EFAULT)
		exit_args(e, p, ret);
	if (p->call == TR_BC_POLL || p->call == TR_BC_PPOLL) {
		if (ret != -EFAULT && ret != -EINVAL)
			read_poll(e, p->arg[0], p->arg[1]);
		size = sizeof *e;
	} else if (p->call == TR_BC_SELECT) {
		__u64 nfds = p->arg[0] > 1024 ? 1024 : p->arg[0];

		__builtin_memcpy(e->rd_in, p->rd_in, sizeof e->rd_in);
		__builtin_memcpy(e->wr_in, p->wr_in, sizeof e->wr_in);
		if (ret > 0) {
			read_fdset(e->rd_out, p->arg[1], nfds);
			read_fdset(e->wr_out, p->arg[2], nfds);
			read_fdset(e->ex_out, p->arg[3], nfds);
		}
		size = sizeof *e;
	}
	if (bpf_ringbuf_output(&events, e, size, rb_flags()) < 0)
		count_lost();
}

/* -ERESTARTSYS, -ERESTARTNOINTR, -ERESTARTNOHAND, -ERESTART_RESTARTBLOCK:
 * the program does not see this return; the kernel re-enters the call
 * (the same number, or restart_syscall), a handler makes it -EINTR, or the
 * signal ends the process (then it never returned, as the preload sees
 * it). */
static __always_inline bool restarts(long ret)
{
	return ret == -512 || ret == -513 || ret == -514 || ret == -516;
}

#define NR_RESTART_SYSCALL 219

/* The call's arguments from the registers into p, and what sys_enter
 * reads of its memory. false: not recorded (an fd that is no socket). */
static __always_inline bool fill_args(struct pending *p, struct pt_regs *regs, long nr,
				      __u32 call, __u32 flags)
{
	int fd = -1;

	p->nr = nr;
	p->restarting = 0;
	p->arg[0] = PT_REGS_PARM1_CORE_SYSCALL(regs);
	p->arg[1] = PT_REGS_PARM2_CORE_SYSCALL(regs);
	p->arg[2] = PT_REGS_PARM3_CORE_SYSCALL(regs);
	p->arg[3] = PT_REGS_PARM4_CORE_SYSCALL(regs);
	p->arg[4] = PT_REGS_PARM5_CORE_SYSCALL(regs);
#if defined(__TARGET_ARCH_x86)
	p->arg[5] = BPF_CORE_READ(regs, r9);
#else
	p->arg[5] = 0;
#endif
	p->tmo = ~0ULL;
	p->cap = 0;
	p->sock.known = 0;
	if (call != TR_BC_SOCKET && call != TR_BC_SELECT && call != TR_BC_POLL &&
	    call != TR_BC_PPOLL)
		fd = (int)p->arg[0];
	if (call == TR_BC_SPLICE) {
		/* the socket end: out (bytes go to it) or in */
		if (is_socket((int)p->arg[2]))
			fd = (int)p->arg[2];
		else if (is_socket((int)p->arg[0]))
			fd = (int)p->arg[0];
		else
			return false;
	} else if ((flags & F_SOCK) && !is_socket(fd)) {
		return false;
	}
	if (call == TR_BC_SENDTO && !p->arg[4])
		call = TR_BC_SEND;
	if (call == TR_BC_RECVFROM && !p->arg[4])
		call = TR_BC_RECV;
	p->call = call;
	p->fd = fd;
	switch (call) {
	case TR_BC_CLOSE:
		read_sock(fd, &p->sock, true);
		break;
	case TR_BC_ACCEPT:
	case TR_BC_ACCEPT4:
	case TR_BC_GETSOCKNAME:
	case TR_BC_GETPEERNAME: {
		bool ok;

		p->cap = read_u32(p->arg[2], &ok);
		break;
	}
	case TR_BC_RECVFROM: {
		bool ok;

		p->cap = read_u32(p->arg[5], &ok);
		break;
	}
	case TR_BC_RECVMSG: {
		struct user_msghdr m;

		if (p->arg[1] && bpf_probe_read_user(&m, sizeof m, (void *)p->arg[1]) == 0 &&
		    m.msg_name)
			p->cap = m.msg_namelen;
		break;
	}
	case TR_BC_SELECT: {
		__u64 nfds = p->arg[0] > 1024 ? 1024 : p->arg[0];

		read_fdset(p->rd_in, p->arg[1], nfds);
		read_fdset(p->wr_in, p->arg[2], nfds);
		if (p->arg[4]) {
			/* select: a timeval; pselect6: a timespec */
			struct kts t;

			if (bpf_probe_read_user(&t, sizeof t, (void *)p->arg[4]) == 0) {
				__u64 ms = nr == 23 ? t.nsec / 1000 : t.nsec / 1000000;

				p->tmo = (__u64)t.sec << 32 | (__u64)(ms & 0xffffffff);
			}
		}
		break;
	}
	case TR_BC_PPOLL:
		if (p->arg[2]) {
			struct kts t;

			if (bpf_probe_read_user(&t, sizeof t, (void *)p->arg[2]) == 0)
				p->tmo = (__u64)(t.sec * 1000 + t.nsec / 1000000);
		}
		break;
	case TR_BC_EPOLL_WAIT:
		if (nr == 441) { /* epoll_pwait2: a timespec, or none */
			struct kts t;

			if (p->arg[4] &&
			    bpf_probe_read_user(&t, sizeof t, (void *)p->arg[4]) == 0)
				p->arg[3] = (__u64)(t.sec * 1000 + t.nsec / 1000000);
			else
				p->arg[3] = (__u64)-1;
		}
		break;
	}
	return true;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(on_sys_enter, struct pt_regs *regs, long nr)
{
	__u32 flags = 0, call;
	struct task_struct *task;
	struct pending *p;

	call = sys_call(nr, &flags);
	if (call == TR_BC_NONE || !traced())
		return 0;
	task = bpf_get_current_task_btf();
	p = bpf_task_storage_get(&pendings, task, 0, 0);
	if (p && p->active && p->restarting) {
		/* the same call again: the kernel restarts it, still one call */
		if (p->nr == nr && p->arg[0] == PT_REGS_PARM1_CORE_SYSCALL(regs)) {
			p->restarting = 0;
			return 0;
		}
		/* a handler ran and the program saw EINTR */
		emit_exit(p, -4, p->t_restart, bpf_get_current_pid_tgid());
		p->active = 0;
	}
	p = bpf_task_storage_get(&pendings, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!p)
		return 0;
	p->active = 0;
	if (!fill_args(p, regs, nr, call, flags))
		return 0;
	call = p->call;
	p->nstack = capture_stack ? bpf_get_stack(ctx, p->stack, sizeof p->stack, BPF_F_USER_STACK)
				  : 0;
	p->t_enter = bpf_ktime_get_ns();
	if (flags & F_BLOCK) {
		struct tr_bpf_call_ev *e = bpf_ringbuf_reserve(&events, TR_BPF_CALL_HEAD_SIZE, 0);

		if (e) {
			__u64 id = bpf_get_current_pid_tgid();

			e->kind = TR_EV_ENTER;
			e->call = call;
			e->pid = id >> 32;
			e->tid = (__u32)id;
			e->fd = p->fd;
			e->t_enter = p->t_enter;
			e->nstack = 0;
			e->addr_len = 0;
			e->val_ok = 0;
			e->sock.known = 0;
			bpf_ringbuf_submit(e, rb_flags());
		} else {
			count_lost();
		}
	}
	p->active = 1;
	return 0;
}

/* A blocking call that was waiting when the process was attached (-p):
 * there was no sys_enter to see, but the registers still hold its number
 * and arguments. Its entry time is when the trace began. */
static __always_inline int in_progress(struct pt_regs *regs, long ret, __u64 id)
{
	__u32 flags = 0, call, k = 0;
	struct pending *p;
	long nr;

	if (!traced())
		return 0;
#if defined(__TARGET_ARCH_x86)
	nr = BPF_CORE_READ(regs, orig_ax);
#else
	return 0;
#endif
	call = sys_call(nr, &flags);
	if (call == TR_BC_NONE || !(flags & F_BLOCK) || restarts(ret))
		return 0;
	p = bpf_map_lookup_elem(&pend_scratch, &k);
	if (!p || !fill_args(p, regs, nr, call, flags))
		return 0;
	p->nstack = 0;
	p->t_enter = t_attach ? t_attach : bpf_ktime_get_ns();
	emit_exit(p, ret, bpf_ktime_get_ns(), id);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(on_sys_exit, struct pt_regs *regs, long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct pending *p;
	long nr;

	p = bpf_task_storage_get(&pendings, bpf_get_current_task_btf(), 0, 0);
	if (!p || !p->active)
		return in_progress(regs, ret, id);
#if defined(__TARGET_ARCH_x86)
	nr = BPF_CORE_READ(regs, orig_ax);
#else
	nr = p->nr;
#endif
	/* another call: a signal handler's, while ours waits to restart */
	if (nr != p->nr && !(p->restarting && nr == NR_RESTART_SYSCALL))
		return 0;
	if (restarts(ret)) {
		p->restarting = 1;
		p->t_restart = bpf_ktime_get_ns();
		return 0;
	}
	emit_exit(p, ret, bpf_ktime_get_ns(), id);
	p->active = 0;
	return 0;
}

/* exe and argv of the current task (the one that exec'ed, or the parent
 * of a fork, whose memory the child shares at this point). */
static __always_inline void proc_fill(struct tr_bpf_proc *e, struct task_struct *t)
{
	unsigned long a0 = BPF_CORE_READ(t, mm, arg_start);
	unsigned long a1 = BPF_CORE_READ(t, mm, arg_end);
	__u64 n = a1 > a0 ? a1 - a0 : 0;

	e->argv_len = 0;
	if (n > TR_BPF_ARGV_MAX - 1)
		n = TR_BPF_ARGV_MAX - 1;
	barrier_var(n);
	n &= TR_BPF_ARGV_MAX - 1;
	if (n > 0 && bpf_probe_read_user(e->argv, n, (void *)a0) == 0)
		e->argv_len = (__u32)n;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	__u32 k = 0, tgid = p->tgid;
	struct tr_bpf_proc *e;

	if (!bpf_map_lookup_elem(&tgids, &tgid))
		return 0;
	e = bpf_map_lookup_elem(&proc_scratch, &k);
	if (!e)
		return 0;
	e->kind = TR_EV_EXEC;
	e->pid = tgid;
	e->ppid = BPF_CORE_READ(p, real_parent, tgid);
	e->t = bpf_ktime_get_ns();
	e->exe[0] = '\0';
	bpf_probe_read_kernel_str(e->exe, sizeof e->exe, BPF_CORE_READ(bprm, interp));
	proc_fill(e, p);
	if (bpf_ringbuf_output(&events, e, sizeof *e, rb_flags()) < 0)
		count_lost();
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(on_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 k = 0, one = 1, ptgid = parent->tgid, pid = child->pid, tgid = child->tgid;
	struct tr_bpf_proc *e;

	if (pid != tgid || !bpf_map_lookup_elem(&tgids, &ptgid))
		return 0;
	if (bpf_map_update_elem(&tgids, &tgid, &one, BPF_ANY) < 0) {
		count(1);
		return 0;
	}
	e = bpf_map_lookup_elem(&proc_scratch, &k);
	if (!e)
		return 0;
	e->kind = TR_EV_FORK;
	e->pid = tgid;
	e->ppid = ptgid;
	e->t = bpf_ktime_get_ns();
	e->exe[0] = '\0';
	proc_fill(e, parent);
	if (bpf_ringbuf_output(&events, e, sizeof *e, rb_flags()) < 0)
		count_lost();
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_proc_exit, struct task_struct *p)
{
	__u32 pid = p->pid, tgid = p->tgid;
	struct tr_bpf_proc *e;

	if (pid != tgid || !bpf_map_lookup_elem(&tgids, &tgid))
		return 0;
	bpf_map_delete_elem(&tgids, &tgid);
	e = bpf_ringbuf_reserve(&events, sizeof *e, 0);
	if (!e) {
		count_lost();
		return 0;
	}
	e->kind = TR_EV_EXIT;
	e->pid = tgid;
	e->ppid = 0;
	e->t = bpf_ktime_get_ns();
	e->argv_len = 0;
	e->exe[0] = '\0';
	bpf_ringbuf_submit(e, rb_flags());
	return 0;
}
