/* The chat server's datagrams out: one sendmmsg(2) batch per socket,
 * filled in place by chatwire_link_flush so that a datagram is built once and
 * never copied. The bottom of the server: it calls nothing above it. */
#ifndef SOCKLAB_CHAT_SERVER_OUTBOUND_H
#define SOCKLAB_CHAT_SERVER_OUTBOUND_H

#include "chat_server/server.h"

/* A slot for one more datagram on socket s (the batch is sent when full). */
struct chat_builder *chatsrv_out_slot(struct chatsrv_server *srv, unsigned s);
/* The n datagrams built in the slots from the last chatsrv_out_slot() on go to `to`. */
void chatsrv_out_commit(struct chatsrv_server *srv, unsigned s, unsigned n,
			const union addr_any *to);
/* Room for at least n datagrams in a row on socket s. */
unsigned chatsrv_out_room(struct chatsrv_server *srv, unsigned s, unsigned n);
void chatsrv_out_send_all(struct chatsrv_server *srv);

#endif
