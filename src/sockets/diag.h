/* The sock_diag protocol as bytes: building the dump request and parsing the
 * kernel's replies into sockets_entry structs. Pure (no I/O): a reply buffer
 * goes in, entries and a status come out, and every read goes through a
 * bounds-checked cursor, so a malformed or truncated reply is an error value. */
#ifndef SOCKLAB_SOCKETS_DIAG_H
#define SOCKLAB_SOCKETS_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sockets/entry.h"

/* nlmsghdr + inet_diag_req_v2; nlmsghdr + unix_diag_req. */
#define SOCKETS_DIAG_REQ_LEN 72
#define SOCKETS_DIAG_UNIX_REQ_LEN 40
/* ss's "all states" (SS_ALL): TCP_ESTABLISHED..TCP_CLOSING and bit 0; not
 * the newer pseudo-state TCP_BOUND_INACTIVE (bound, never listened). */
#define SOCKETS_DIAG_STATES_ALL 0xfffu
/* ss -l: listening TCP and unconnected UDP. */
#define SOCKETS_DIAG_STATES_LISTENING ((1u << SOCKETS_ST_LISTEN) | (1u << SOCKETS_ST_CLOSE))

/* Parse errors; the kernel's own errors come back as SOCKETS_DIAG_EKERNEL. */
enum sockets_diag_err {
	SOCKETS_DIAG_ETRUNC = -1,   /* a length points past the end of the data */
	SOCKETS_DIAG_EBADLEN = -2,  /* a length below its header's size */
	SOCKETS_DIAG_ESEQ = -3,     /* a reply to some other request */
	SOCKETS_DIAG_EFAMILY = -4,  /* a socket not AF_INET, AF_INET6 or AF_UNIX */
	SOCKETS_DIAG_EOVERRUN = -5, /* NLMSG_OVERRUN: the kernel lost data */
	SOCKETS_DIAG_EKERNEL = -6,  /* NLMSG_ERROR or a failed NLMSG_DONE */
	SOCKETS_DIAG_EFULL = -7,    /* more than SOCKETS_MAX sockets */
	SOCKETS_DIAG_ENOMEM = -8,
};

enum sockets_diag_kind {
	SOCKETS_DIAG_SOCKET, /* one inet_diag_msg, in entry */
	SOCKETS_DIAG_DONE,   /* NLMSG_DONE: the dump is complete */
	SOCKETS_DIAG_ERROR,  /* the kernel said no: errno in error */
	SOCKETS_DIAG_OTHER,  /* an ACK, NOOP or unknown type: nothing to do */
};

struct sockets_diag_msg {
	enum sockets_diag_kind kind;
	int error;                    /* SOCKETS_DIAG_ERROR: a positive errno */
	struct sockets_entry entry;   /* SOCKETS_DIAG_SOCKET: proto not set */
};

struct sockets_cursor {
	const uint8_t *p;
	size_t len;
};

/* Writes the dump request for one family and protocol into buf (at least
 * SOCKETS_DIAG_REQ_LEN bytes); returns its length. ext: the extensions
 * asked for (sockets_diag_ext). */
size_t sockets_diag_request(uint8_t *buf, uint8_t family, uint8_t proto, uint32_t states,
			    uint8_t ext, uint32_t seq);
/* The idiag_ext bits for ss -m (SKMEMINFO) and ss -i (INFO and CONG). */
uint8_t sockets_diag_ext(bool meminfo, bool info);
/* Above the 8 idiag_ext bits: ss -e for Unix sockets (the bound file, the
 * pending connections). */
#define SOCKETS_DIAG_X_DETAILS (1u << 16)
/* The Unix socket dump request (at least SOCKETS_DIAG_UNIX_REQ_LEN bytes):
 * name, peer, queues, uid; with meminfo the memory, with details the bound
 * file (VFS) and a listener's pending connections (ICONS). */
size_t sockets_diag_unix_request(uint8_t *buf, uint32_t states, bool meminfo, bool details,
				 uint32_t seq);

/* Reads the next netlink message at c into out: 1 when one was read, 0 when
 * c is empty, or a negative enum sockets_diag_err. seq is the request's. */
int sockets_diag_next(struct sockets_cursor *c, uint32_t seq, struct sockets_diag_msg *out);

/* Parses one received datagram (any number of messages) of the dump for
 * proto, appending each socket to l: 1 when the dump is complete, 0 when
 * more datagrams follow, or a negative enum sockets_diag_err (for
 * SOCKETS_DIAG_EKERNEL, *kernel_errno says why). */
int sockets_diag_feed(const uint8_t *buf, size_t len, uint32_t seq, uint8_t proto,
		      struct sockets_list *l, int *kernel_errno);

const char *sockets_diag_strerror(int err);

#endif
