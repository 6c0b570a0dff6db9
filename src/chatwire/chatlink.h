/* One end of a UDP chat session: the reliable sender and receiver of
 * chatwire/reliable.h tied to the wire format of chatwire/chatproto.h. Packing the
 * messages that are due into as few datagrams as fit, and feeding received
 * datagrams in, is the same for chat-server and chat-client; sockets and
 * timers stay with them. */
#ifndef SOCKLAB_CORE_CHATLINK_H
#define SOCKLAB_CORE_CHATLINK_H

#include <stdbool.h>
#include <stdint.h>

#include "chatwire/chatproto.h"
#include "chatwire/reliable.h"

struct chat_link {
	struct rel_tx tx;
	struct rel_rx rx;
	bool has_token;
	uint64_t token;
	uint64_t last_heard_us;   /* the peer's last datagram (expiry, keepalive) */
	uint64_t last_sent_us;
};

/* A message in order; sent_us: when it was known to have been sent
 * (chatwire_rel_rx_sent_us), for rate limits that must not punish a retransmission. */
typedef void (*chat_deliver_fn)(void *ctx, const char *line, size_t len, uint64_t sent_us);

void chatwire_link_init(struct chat_link *l);
void chatwire_link_free(struct chat_link *l);
/* Queues a message line ("VERB args", at most CHAT_LINE_MAX - 14 bytes);
 * false when it is too long, or the sender is REL_TX_MAX messages behind
 * (the session is stuck). */
bool chatwire_link_send(struct chat_link *l, const char *line, size_t len);
/* Takes in a parsed datagram: its acknowledgement, then every message that
 * is now in order, handed to deliver() exactly once. */
void chatwire_link_receive(struct chat_link *l, const struct chat_dgram *d, uint64_t now_us,
		       chat_deliver_fn deliver, void *ctx);
/* Fills out[0..max) with the datagrams due now: new messages, retransmissions
 * whose timer ran out, and — if ack_only or an acknowledgement is owed — a
 * pure acknowledgement when there is nothing else. Returns how many. */
unsigned chatwire_link_flush(struct chat_link *l, uint64_t now_us, struct chat_builder *out,
			 unsigned max, bool ack_only);
/* When chatwire_link_flush() must next be called for retransmission (0: none). */
uint64_t chatwire_link_deadline(const struct chat_link *l);

#endif
