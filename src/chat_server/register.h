/* REG, and the answers to datagrams without a session. */
#ifndef SOCKLAB_CHAT_SERVER_REGISTER_H
#define SOCKLAB_CHAT_SERVER_REGISTER_H

#include "chat_server/server.h"

/* size: the datagram's, which no answer to an unproven address exceeds. */
void chatsrv_register(struct chatsrv_server *srv, unsigned s, const struct sockaddr *from,
		      struct chat_dgram *d, size_t size);
void chatsrv_notice_no_session(struct chatsrv_server *srv, unsigned s, const struct sockaddr *from,
			       size_t size);

#endif
