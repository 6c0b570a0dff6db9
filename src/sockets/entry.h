/* One socket as the kernel's sock_diag describes it, the processes that hold
 * it, and a bounded, growable list of them. Everything the printers show is
 * a field here; nothing in this file does I/O. */
#ifndef SOCKLAB_SOCKETS_ENTRY_H
#define SOCKLAB_SOCKETS_ENTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A list never holds more sockets than this (after the kernel-side and port
 * filters); more is an error that asks for narrower filters. */
#define SOCKETS_MAX 65536
/* Processes kept per socket (a socket shared after fork has several); the
 * rest are counted in owners_more. */
#define SOCKETS_OWNERS_MAX 8
/* /proc/PID/comm: TASK_COMM_LEN (16) with its NUL. */
#define SOCKETS_COMM_MAX 16

/* Kernel TCP states (include/net/tcp_states.h); UDP uses ESTABLISHED when
 * connected and CLOSE otherwise. */
enum sockets_state {
	SOCKETS_ST_ESTABLISHED = 1,
	SOCKETS_ST_SYN_SENT,
	SOCKETS_ST_SYN_RECV,
	SOCKETS_ST_FIN_WAIT1,
	SOCKETS_ST_FIN_WAIT2,
	SOCKETS_ST_TIME_WAIT,
	SOCKETS_ST_CLOSE,
	SOCKETS_ST_CLOSE_WAIT,
	SOCKETS_ST_LAST_ACK,
	SOCKETS_ST_LISTEN,
	SOCKETS_ST_CLOSING,
};

/* The protocol value of a Unix socket (no IPPROTO_ number has it). */
#define SOCKETS_PROTO_UNIX 255
/* sun_path (108 bytes) and a NUL; an abstract name starts with '@'. */
#define SOCKETS_PATH_MAX 109
/* SK_MEMINFO_VARS: r, rb, t, tb, f, w, o, bl, d (ss -m). */
#define SOCKETS_SKMEM_N 9
#define SOCKETS_CONG_MAX 16
/* Pending connections of a Unix listener kept for ss -e's "peers:". */
#define SOCKETS_ICONS_MAX 8

/* The part of the kernel's struct tcp_info that ss -i prints; fields a
 * shorter (older) reply lacks are 0. Times in microseconds, rates in bytes
 * per second, as the kernel gives them. */
struct sockets_tcpinfo {
	uint8_t options;        /* TCPI_OPT_* */
	uint8_t snd_wscale, rcv_wscale;
	uint8_t backoff;
	uint8_t delivery_rate_app_limited;
	uint32_t rto, ato, snd_mss, rcv_mss;
	uint32_t unacked, sacked, lost, retrans, fackets;
	uint32_t last_data_sent, last_data_recv, last_ack_recv;
	uint32_t pmtu, rcv_ssthresh, rtt, rttvar, snd_ssthresh, snd_cwnd, advmss, reordering;
	uint32_t rcv_rtt, rcv_space, total_retrans;
	uint64_t pacing_rate, max_pacing_rate, bytes_acked, bytes_received;
	uint32_t segs_out, segs_in, notsent_bytes, min_rtt, data_segs_in, data_segs_out;
	uint64_t delivery_rate, busy_time, rwnd_limited, sndbuf_limited;
	uint32_t delivered, delivered_ce;
	uint64_t bytes_sent, bytes_retrans;
	uint32_t dsack_dups, reord_seen;
	uint32_t rcv_ooopack, snd_wnd;
	/* INET_DIAG_BBRINFO, when the congestion control is BBR */
	bool have_bbr;
	uint64_t bbr_bw;        /* bytes per second */
	uint32_t bbr_min_rtt;   /* microseconds */
	uint32_t bbr_pacing_gain, bbr_cwnd_gain; /* << 8 */
};

/* What --watch found for a socket since its previous draw. */
enum sockets_change {
	SOCKETS_KEPT,     /* in both draws, or the first draw */
	SOCKETS_APPEARED, /* new in this draw */
	SOCKETS_WENT,     /* in the previous draw only */
};

struct sockets_owner {
	int32_t pid;
	int32_t fd;
	char comm[SOCKETS_COMM_MAX];
};

struct sockets_entry {
	uint8_t proto;          /* IPPROTO_TCP, IPPROTO_UDP */
	uint8_t family;         /* AF_INET, AF_INET6 */
	uint8_t state;          /* enum sockets_state */
	bool v6only;            /* IPV6_V6ONLY (INET_DIAG_SKV6ONLY) */
	uint8_t local_addr[16]; /* network order; IPv4 in the first 4 bytes */
	uint8_t peer_addr[16];
	uint16_t local_port;    /* host order */
	uint16_t peer_port;
	uint32_t ifindex;       /* bound device (SO_BINDTODEVICE), 0 if none */
	uint32_t recv_q;        /* as ss shows them: for TCP listeners the */
	uint32_t send_q;        /* accept queue length and the backlog */
	uint32_t uid;
	uint32_t inode;         /* 0 for TIME-WAIT and not yet accepted sockets */
	uint64_t cookie;        /* the kernel's socket id */
	uint8_t timer;          /* idiag_timer: 0 none, 1 retransmit, 2 keepalive, */
	uint8_t retrans;        /* 3 TIME-WAIT, 4 zero-window probe (ss -o) */
	uint32_t expires;       /* ms until the timer fires */
	bool have_shutdown;     /* INET_DIAG_SHUTDOWN / UNIX_DIAG_SHUTDOWN came */
	uint8_t shutdown;       /* bit 0: no more receives, bit 1: no more sends */
	uint8_t nskmem;         /* SK_MEMINFO values that came (ss -m) */
	uint32_t skmem[SOCKETS_SKMEM_N];
	bool have_info;         /* INET_DIAG_INFO came (ss -i) */
	char cong[SOCKETS_CONG_MAX]; /* INET_DIAG_CONG: "cubic", or "" */
	struct sockets_tcpinfo info;
	/* Unix sockets (proto SOCKETS_PROTO_UNIX, family AF_UNIX) */
	uint8_t sock_type;      /* SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET */
	uint32_t peer_inode;    /* the other end's inode, 0 if none */
	uint8_t path_len;       /* bytes of path; 0: unnamed */
	bool have_vfs;          /* UNIX_DIAG_VFS: the bound file's inode and */
	uint32_t vfs_ino, vfs_dev; /* device (the kernel's dev_t) */
	bool have_icons;        /* UNIX_DIAG_ICONS: a listener's pending peers */
	uint8_t nicons;
	uint32_t icons_more;
	uint32_t icons[SOCKETS_ICONS_MAX];
	char path[SOCKETS_PATH_MAX]; /* NUL-ended; abstract names start with '@' */
	uint8_t change;         /* enum sockets_change, set by --watch */
	uint8_t nowners;
	uint32_t owners_more;
	struct sockets_owner owners[SOCKETS_OWNERS_MAX]; /* by pid, then fd */
};

struct sockets_list {
	struct sockets_entry *v;
	size_t n, cap;
};

/* Appends a copy of e: 0, or -1 with errno ENOMEM or E2BIG (SOCKETS_MAX). */
int sockets_list_push(struct sockets_list *l, const struct sockets_entry *e);
void sockets_list_clear(struct sockets_list *l);
void sockets_list_free(struct sockets_list *l);
/* Makes dst a copy of src: 0, or -1 with errno ENOMEM. */
int sockets_list_copy(struct sockets_list *dst, const struct sockets_list *src);

/* Adds a holder to e, keeping owners ordered by (pid, fd) and the lowest
 * SOCKETS_OWNERS_MAX of them; a process that holds the socket twice is listed
 * once per fd, as ss does. */
void sockets_entry_add_owner(struct sockets_entry *e, int32_t pid, int32_t fd, const char *comm);

/* ss's names: "ESTAB", "LISTEN", "UNCONN", ...; "UNKNOWN" otherwise. */
const char *sockets_state_name(uint8_t state);
const char *sockets_proto_name(uint8_t proto);
/* ss's Netid column: "tcp", "udp", "u_str", "u_dgr", "u_seq". */
const char *sockets_entry_netid(const struct sockets_entry *e);

/* Display order: protocol (tcp, udp), local port, family, local address,
 * peer address and port, state, then the kernel's cookie and inode, so the
 * order is total and does not depend on the kernel's dump order. */
int sockets_entry_cmp(const struct sockets_entry *a, const struct sockets_entry *b);
void sockets_list_sort(struct sockets_list *l);

/* Whether two entries are the same socket across two dumps: protocol,
 * family, both endpoints and the kernel cookie. */
int sockets_identity_cmp(const struct sockets_entry *a, const struct sockets_entry *b);

#endif
