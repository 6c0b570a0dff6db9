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

/* Display order: protocol (tcp, udp), local port, family, local address,
 * peer address and port, state, then the kernel's cookie and inode, so the
 * order is total and does not depend on the kernel's dump order. */
int sockets_entry_cmp(const struct sockets_entry *a, const struct sockets_entry *b);
void sockets_list_sort(struct sockets_list *l);

/* Whether two entries are the same socket across two dumps: protocol,
 * family, both endpoints and the kernel cookie. */
int sockets_identity_cmp(const struct sockets_entry *a, const struct sockets_entry *b);

#endif
