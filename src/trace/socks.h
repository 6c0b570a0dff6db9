/* The traced sockets, rebuilt from the calls: which process and fd, which
 * addresses, which calls wrote and read which bytes of a stream. attrib.c
 * and tcpstate.c look packets up here. */
#ifndef SOCKLAB_TRACE_SOCKS_H
#define SOCKLAB_TRACE_SOCKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace/model.h"

/* One call's share of a stream: bytes [off, off + len). */
struct tr_sock_span {
	uint64_t off, len;
	uint32_t call;
	bool has_seq;           /* seq: the first byte's sequence number, as
				 * the kernel told (wseq=), sends only */
	uint32_t seq;
};

struct tr_sock {
	int32_t pid, fd;
	int type;                 /* SOCK_STREAM, SOCK_DGRAM, or 0 unknown */
	struct tr_endpoint local, peer;
	bool listener;
	int64_t t_open, t_close;  /* t_close INT64_MAX while open */
	uint32_t connect_call, shutdown_call, close_call; /* first of each, ids */
	bool close_unread, close_linger0;
	uint64_t sent, rcvd;
	struct tr_sock_span *sends, *recvs;
	size_t nsends, nrecvs, sends_cap, recvs_cap;
};

struct tr_socks {
	struct tr_sock *v;
	size_t n, cap;
	uint32_t *call_sock;      /* per call (index id-1): sock index + 1, or 0 */
	uint32_t *accepted;       /* per accept call: the new sock index + 1 */
	struct tr_endpoint *known;  /* every address a call named (addr=, local=, peer=) */
	size_t nknown, known_cap;
};

int tr_socks_build(struct tr_socks *s, const struct trace *t);
void tr_socks_free(struct tr_socks *s);

/* Which kind of data call c is, by name (splice, whose direction is an
 * argument, is neither). */
bool tr_sock_call_sends(const struct tr_call *c);
bool tr_sock_call_reads(const struct tr_call *c);
bool tr_sock_call_waits(const struct tr_call *c); /* select, poll, ppoll, epoll_wait */

/* A socket's local address matches a packet's: equal, or the socket is bound
 * to the wildcard address with the same port. */
bool tr_endpoint_match(const struct tr_endpoint *sock_local, const struct tr_endpoint *e);

/* The connected stream socket local -> peer live at ts (the latest opened
 * before it), or NULL. */
struct tr_sock *tr_socks_stream(const struct tr_socks *s, const struct tr_endpoint *local,
			  const struct tr_endpoint *peer, int64_t ts);
struct tr_sock *tr_socks_listener(const struct tr_socks *s, const struct tr_endpoint *local, int64_t ts);
struct tr_sock *tr_socks_dgram(const struct tr_socks *s, const struct tr_endpoint *local, int64_t ts);
/* Any traced socket (listener, stream or datagram), opened by ts, that
 * owns endpoint e. */
bool tr_socks_owns(const struct tr_socks *s, const struct tr_endpoint *e, int64_t ts);
/* Does a packet between these ends belong to the traced programs? One end
 * must be a traced socket's and the other one an address some call named
 * (or another traced socket's): a port number alone is not enough, since
 * other programs may use it before or after. */
bool tr_socks_conversation(const struct tr_socks *s, const struct tr_endpoint *a,
			const struct tr_endpoint *b, int64_t ts);
/* A SYN that left while a connect() to its destination ran belongs to that
 * connect's socket, even when the socket never reported its port (a refused
 * connect gives the port back): the socket learns both ends from it. */
struct tr_sock *tr_socks_claim_syn(struct tr_socks *s, const struct trace *t, const struct tr_packet *p);
/* The call whose span covers byte off, or 0. */
uint32_t tr_sock_span_call(const struct tr_sock_span *v, size_t n, uint64_t off);
/* The send whose bytes hold the one with sequence number seq, as the
 * kernel told them (has_seq); 0 when none does. *told: the sends carry
 * sequence numbers at all (the eBPF backend's). */
uint32_t tr_sock_seq_call(const struct tr_sock_span *v, size_t n, uint32_t seq, bool *told);

#endif
