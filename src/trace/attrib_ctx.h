/* The inside of attribution (attrib.c and its parts): the two directions
 * of each TCP connection as the packets show them, the queues of datagram
 * sends and arrivals, and the context the parts share. Only attrib*.c
 * include it. The parts and their arrows, one way only:
 *   attrib.c -> attrib_causes.c, attrib_complete.c, attrib_lanes.c, attrib_dirs.c
 *   attrib_causes.c, attrib_complete.c -> attrib_dirs.c
 *   attrib_causes.c -> attrib_kev.c */
#ifndef SOCKLAB_TRACE_ATTRIB_CTX_H
#define SOCKLAB_TRACE_ATTRIB_CTX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace/attrib.h"

/* One direction of a TCP connection, as the packets show it. */
struct dir {
	struct tr_endpoint from, to;
	uint32_t *pk;             /* packet indices, capture order */
	size_t n, cap;
	bool syn, fin;
	uint32_t syn_seq, fin_rseq;
	uint64_t max_end;         /* highest relative sequence end sent */
	size_t rd_cursor;         /* pk[] before it: read by the receiver already */
	bool have_ack;
	uint32_t last_ack;
	uint16_t last_win;
};

struct dirs {
	struct dir *v;
	size_t n, cap;
};

/* Indices in time order with a cursor before which everything is used:
 * a socket's datagram sends, or the datagrams that arrived at it. Matching
 * walks from the cursor, so a long trace is matched in linear time. */
struct queue {
	uint32_t *v;
	size_t n, cap, cursor;
};

struct ctx {
	struct trace *t;
	struct tr_socks *s;
	struct dirs dirs;
	size_t lanes_cap;
	bool *consumed;           /* per packet: a datagram some read took */
	uint32_t *used;           /* per call: datagrams a send explains */
	struct queue *sends;      /* per socket: its datagram send calls */
	struct queue *arrivals;   /* per socket: the datagrams to it */
	bool *kev_used;           /* per kernel event: it named a packet */
};

/* attrib_dirs.c: the direction from -> to (created when asked), its
 * packets, the queues. */
struct dir *tr_attrib_dir_get(struct dirs *d, const struct tr_endpoint *from,
			      const struct tr_endpoint *to, bool create);
int tr_attrib_dir_push(struct dir *x, uint32_t idx);
void tr_attrib_dirs_free(struct dirs *d);
int tr_attrib_queue_push(struct queue *q, uint32_t x);
void tr_attrib_queues_free(struct queue *q, size_t n);

/* attrib_lanes.c: a lane per process (servers first), then per address
 * no traced process owns. */
struct tr_proc *tr_attrib_proc_of(struct trace *t, int32_t pid);
int tr_attrib_lanes_for_procs(struct trace *t, size_t *cap);
/* The lane of a packet's sending (from) or receiving end; UINT32_MAX when
 * out of memory. */
uint32_t tr_attrib_end_lane(struct ctx *c, const struct tr_packet *p, bool from);

/* attrib_causes.c: which call (or the kernel) sent p; -1 when out of
 * memory. Packets in capture order. */
int tr_attrib_cause(struct ctx *c, struct tr_packet *p);

/* attrib_kev.c: the kernel's event of this kind for p, which it then
 * uses up, or NULL. */
const struct tr_kevent *tr_attrib_kevent(struct ctx *c, const struct tr_packet *p,
					  enum tr_kev_kind kind);

/* attrib_complete.c: which packet completed each blocking call. */
void tr_attrib_completions(struct ctx *c);

#endif
