/* Lines the server has taken in (and acknowledged) but not yet handled: a
 * bounded FIFO between intake, which must keep up with every datagram so
 * that acknowledgements never wait behind a burst, and the commands and
 * their fan-out, which run in slices. Each line remembers its session by
 * token, so lines of a session that ended meanwhile are simply dropped. */
#ifndef SOCKLAB_CHAT_SERVER_PENDING_H
#define SOCKLAB_CHAT_SERVER_PENDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/chatproto.h"

/* Lines held at most (a client has at most REL_TX_MAX in flight). */
#define CHATSRV_PENDING_MAX 4096

struct chatsrv_pending_line {
	uint64_t token;
	uint64_t seq;
	uint64_t sent_us;     /* when the client sent it, as far as known */
	size_t len;
	char text[CHAT_LINE_MAX];
};

struct chatsrv_pending {
	struct chatsrv_pending_line *slots;
	size_t cap, head, count;
};

int chatsrv_pending_init(struct chatsrv_pending *q, size_t cap);
void chatsrv_pending_free(struct chatsrv_pending *q);
size_t chatsrv_pending_count(const struct chatsrv_pending *q);
size_t chatsrv_pending_room(const struct chatsrv_pending *q);
/* Appends a line (len < CHAT_LINE_MAX); false when full or too long. */
bool chatsrv_pending_push(struct chatsrv_pending *q, uint64_t token, uint64_t seq,
			  uint64_t sent_us, const char *line, size_t len);
/* The oldest line, or NULL; valid until the next pop or push. */
const struct chatsrv_pending_line *chatsrv_pending_pop(struct chatsrv_pending *q);

#endif
