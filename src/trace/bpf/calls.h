/* What the kernel side of trace's eBPF backend (calls.bpf.c) hands to user
 * space (ebpf_*.c) through its ring buffer: one struct per process event
 * (exec, fork, exit) and per socket call (entered, returned). Shared by
 * both sides, so only fixed-size kernel types here. Times are
 * CLOCK_MONOTONIC (bpf_ktime_get_ns); user space adds the offset to
 * CLOCK_REALTIME. */
#ifndef SOCKLAB_TRACE_BPF_CALLS_H
#define SOCKLAB_TRACE_BPF_CALLS_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define TR_BPF_STACK_MAX 8      /* user frames kept per call */
#define TR_BPF_POLL_MAX 256     /* pollfd entries read per poll */
#define TR_BPF_FDSET_WORDS 16   /* 1024 fds of a select set */
#define TR_BPF_ARGV_MAX 1024    /* bytes of argv read at exec */
#define TR_BPF_PATH_MAX 256
#define TR_BPF_ADDR_MAX 128     /* a sockaddr_storage */

/* The calls recorded, in record.h's names (ebpf_names.c). */
enum tr_bpf_call {
	TR_BC_NONE, TR_BC_SOCKET, TR_BC_BIND, TR_BC_LISTEN, TR_BC_ACCEPT, TR_BC_ACCEPT4,
	TR_BC_CONNECT, TR_BC_SHUTDOWN, TR_BC_CLOSE, TR_BC_SETSOCKOPT, TR_BC_GETSOCKNAME,
	TR_BC_GETPEERNAME, TR_BC_SEND, TR_BC_SENDTO, TR_BC_SENDMSG, TR_BC_SENDMMSG,
	TR_BC_RECV, TR_BC_RECVFROM, TR_BC_RECVMSG, TR_BC_RECVMMSG, TR_BC_READ, TR_BC_WRITE,
	TR_BC_READV, TR_BC_WRITEV, TR_BC_SENDFILE, TR_BC_SPLICE, TR_BC_SELECT, TR_BC_POLL,
	TR_BC_PPOLL, TR_BC_EPOLL_WAIT, TR_BC_COUNT
};

enum tr_bpf_kind {
	TR_EV_EXEC = 1,  /* struct tr_bpf_proc: a traced process ran execve */
	TR_EV_FORK,      /* struct tr_bpf_proc: a traced process made a child */
	TR_EV_EXIT,      /* struct tr_bpf_proc: a traced process ended */
	TR_EV_ENTER,     /* struct tr_bpf_call_ev (head only): a blocking call began */
	TR_EV_CALL,      /* struct tr_bpf_call_ev: a call returned */
};

struct tr_bpf_proc {
	__u32 kind;
	__u32 pid, ppid;
	__u32 argv_len;                  /* bytes of argv (NUL-separated) */
	__u64 t;
	char exe[TR_BPF_PATH_MAX];       /* the path execve was given */
	char argv[TR_BPF_ARGV_MAX];
};

/* A socket's facts as the kernel holds them (struct sock). */
struct tr_bpf_sock {
	__u8 known;      /* 0: the fd was no socket */
	__u8 family;
	__u8 state;      /* sk_state (TCP states) */
	__u8 wseq_ok;    /* write_seq holds the TCP socket's */
	__u16 type, proto;
	__u16 lport, rport;    /* host order */
	__u8 laddr[16], raddr[16]; /* IPv4: the first 4 bytes */
	__s32 unread;    /* close: unread bytes, -1 unknown */
	__s32 linger;    /* close: SO_LINGER seconds, -1 off */
	__u32 write_seq; /* TCP: the sequence number of the next byte queued */
};

struct tr_bpf_pollfd {
	__s32 fd;
	__s16 events, revents;
};

struct tr_bpf_call_ev {
	__u32 kind, call;
	__u32 pid, tid;
	__s32 fd;              /* the record's <fd>; -1 none */
	__s32 nstack;          /* user frames in stack[] */
	__u64 t_enter, t_exit;
	__s64 ret;
	__u64 arg[6];          /* the raw syscall arguments */
	__u64 val;             /* setsockopt's int, an iov sum, mmsg bytes */
	__u32 val_ok;          /* val holds something */
	__u32 addr_len;        /* bytes of addr read; 0: none */
	__u64 tmo;             /* select/ppoll timeout: s<<32|ms, ~0 none */
	struct tr_bpf_sock sock;
	__u64 stack[TR_BPF_STACK_MAX];
	__u8 addr[TR_BPF_ADDR_MAX];
	/* select and poll only: the event is this long only for them */
	__u32 npoll;           /* entries of poll[] read */
	__u32 pad2;
	struct tr_bpf_pollfd poll[TR_BPF_POLL_MAX];
	__u64 rd_in[TR_BPF_FDSET_WORDS], wr_in[TR_BPF_FDSET_WORDS];
	__u64 rd_out[TR_BPF_FDSET_WORDS], wr_out[TR_BPF_FDSET_WORDS];
	__u64 ex_out[TR_BPF_FDSET_WORDS];
};

#define TR_BPF_CALL_HEAD_SIZE __builtin_offsetof(struct tr_bpf_call_ev, npoll)

#endif
