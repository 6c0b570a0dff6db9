/* Lines the server has taken in (and acknowledged) but not yet handled:
 * between intake, which must keep up with every datagram so that
 * acknowledgements never wait behind a burst, and the commands and their
 * fan-out, which run in slices. Each session has its own FIFO; the work
 * takes one line from each session that has lines, round robin, so a
 * session with thousands of lines waiting delays another's next line by at
 * most one line of each. The line slots are one pool, allocated once. */
#ifndef SOCKLAB_CHAT_SERVER_PENDING_H
#define SOCKLAB_CHAT_SERVER_PENDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chatwire/chatproto.h"

/* Lines held at most, all sessions together. */
#define CHATSRV_PENDING_MAX 4096
#define CHATSRV_PENDING_NONE UINT32_MAX

struct chatsrv_pending_line {
	uint64_t token;       /* the session's, to find it again */
	uint64_t seq;
	uint64_t sent_us;     /* when the client sent it, as far as known */
	size_t len;
	uint32_t next;        /* the session's next line, or the next free slot */
	char text[CHAT_LINE_MAX];
};

/* One session's lines, embedded in the session. */
struct chatsrv_pending_list {
	uint32_t head, tail;
	size_t n;
	size_t bytes;                             /* of its lines' text */
	struct chatsrv_pending_list *prev, *next; /* in the round robin while n > 0 */
};

struct chatsrv_pending {
	struct chatsrv_pending_line *slots;
	size_t cap, count;
	uint32_t free_head;
	struct chatsrv_pending_list *first, *last; /* sessions with lines, next to serve first */
};

int chatsrv_pending_init(struct chatsrv_pending *q, size_t cap);
void chatsrv_pending_free(struct chatsrv_pending *q);
void chatsrv_pending_list_init(struct chatsrv_pending_list *l);
size_t chatsrv_pending_count(const struct chatsrv_pending *q);
size_t chatsrv_pending_room(const struct chatsrv_pending *q);
/* Appends a line (len < CHAT_LINE_MAX) to l; false when full or too long. */
bool chatsrv_pending_push(struct chatsrv_pending *q, struct chatsrv_pending_list *l,
			  uint64_t token, uint64_t seq, uint64_t sent_us, const char *line,
			  size_t len);
/* The oldest line of the next session in turn, or NULL; valid until the
 * next push. */
const struct chatsrv_pending_line *chatsrv_pending_pop(struct chatsrv_pending *q);
/* Forgets every line of l (its session ended). */
void chatsrv_pending_drop(struct chatsrv_pending *q, struct chatsrv_pending_list *l);

#endif
