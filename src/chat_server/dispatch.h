/* One datagram in: to its session, to registration, or ignored. */
#ifndef SOCKLAB_CHAT_SERVER_DISPATCH_H
#define SOCKLAB_CHAT_SERVER_DISPATCH_H

#include "chat_server/server.h"

void chatsrv_dispatch(struct chatsrv_server *srv, unsigned s, const uint8_t *p, size_t n,
		      bool cut, const struct sockaddr *from);

#endif
